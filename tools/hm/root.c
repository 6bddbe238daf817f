#include "hm.h"

static const kz_cmd *const hm_subcommands[] = {
    &hm_create_cmd, &hm_dependency_cmd, &hm_lint_cmd,     &hm_package_cmd, &hm_pull_cmd, &hm_push_cmd, &hm_registry_cmd, &hm_repo_cmd,
    &hm_search_cmd, &hm_show_cmd,       &hm_template_cmd, &hm_version_cmd, NULL,
};

static const kz_flag_def hm_global_flags[] = {
    {.name = "namespace", .shorthand = 'n', .type = KZ_FLAG_STRING, .usage = "namespace scope for this request"},
    {.name = "registry-config", .type = KZ_FLAG_STRING,
     .usage = "path to the registry config file (default $HM_REGISTRY_CONFIG, else ~/.config/hm/registry/config.json)"},
    {.name = "repository-cache", .type = KZ_FLAG_STRING,
     .usage = "path to the directory containing cached repository indexes (default $HM_REPOSITORY_CACHE, else "
              "~/.cache/hm/repository)"},
    {.name = "repository-config", .type = KZ_FLAG_STRING,
     .usage = "path to the file containing repository names and URLs (default $HM_REPOSITORY_CONFIG, else "
              "~/.config/hm/repositories.yaml)"},
    {.name = "debug", .type = KZ_FLAG_BOOL, .hidden = true, .usage = "enable verbose output (default $HELM_DEBUG)"},
    /* Helm's cluster connection flags: accepted everywhere, as scripts pass
     * them to every helm command; hidden, as no hm command talks to a
     * cluster yet */
    {.name = "kube-context", .type = KZ_FLAG_STRING, .hidden = true, .usage = "kubeconfig context (read for the release namespace)"},
    {.name = "kubeconfig", .type = KZ_FLAG_STRING, .hidden = true, .usage = "kubeconfig file (read for the release namespace)"},
    {.name = "kube-apiserver", .type = KZ_FLAG_STRING, .hidden = true, .usage = "API server address (unused)"},
    {.name = "kube-as-user", .type = KZ_FLAG_STRING, .hidden = true, .usage = "user to impersonate (unused)"},
    {.name = "kube-as-group", .type = KZ_FLAG_STRING_ARRAY, .hidden = true, .usage = "group to impersonate (unused)"},
    {.name = "kube-ca-file", .type = KZ_FLAG_STRING, .hidden = true, .usage = "API server's CA (unused)"},
    {.name = "kube-insecure-skip-tls-verify", .type = KZ_FLAG_BOOL, .hidden = true,
     .usage = "skip TLS checks (unused)"},
    {.name = "kube-tls-server-name", .type = KZ_FLAG_STRING, .hidden = true, .usage = "TLS server name (unused)"},
    {.name = "kube-token", .type = KZ_FLAG_STRING, .hidden = true, .usage = "bearer token (unused)"},
    {.name = "burst-limit", .type = KZ_FLAG_INT, .def = "100", .hidden = true, .usage = "throttling burst (unused)"},
    {.name = "qps", .type = KZ_FLAG_STRING, .def = "0", .varname = "float32", .hidden = true,
     .usage = "queries per second (unused)"},
    {0},
};

const kz_cmd hm_root_cmd = {
    .use = "hm",
    .short_desc = "A Helm-compatible package manager for Kubernetes",
    .long_desc =
        "hm works with Helm charts: the same commands, flags, chart format and output\n"
        "as Helm 3, from a single small native binary.\n"
        "\n"
        "Every command explains itself with --help, for example:\n"
        "\n"
        "  hm version --help\n",
    .persistent_flags = hm_global_flags,
    .subcommands = hm_subcommands,
};
