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
    /* helm's cluster flags: accepted; no command of hm talks to a cluster */
    {.name = "burst-limit", .type = KZ_FLAG_INT, .usage = "client-side default throttling limit (no effect)"},
    {.name = "qps", .type = KZ_FLAG_STRING, .usage = "queries per second to the Kubernetes API (no effect)"},
    {.name = "kube-apiserver", .type = KZ_FLAG_STRING, .usage = "the address of the Kubernetes API server (no effect)"},
    {.name = "kube-as-group", .type = KZ_FLAG_STRING_ARRAY, .usage = "group to impersonate (no effect)"},
    {.name = "kube-as-user", .type = KZ_FLAG_STRING, .usage = "username to impersonate (no effect)"},
    {.name = "kube-ca-file", .type = KZ_FLAG_STRING, .usage = "the certificate authority file (no effect)"},
    {.name = "kube-context", .type = KZ_FLAG_STRING, .usage = "name of the kubeconfig context to use (no effect)"},
    {.name = "kube-insecure-skip-tls-verify", .type = KZ_FLAG_BOOL,
     .usage = "skip the Kubernetes API server's certificate check (no effect)"},
    {.name = "kube-tls-server-name", .type = KZ_FLAG_STRING, .usage = "server name for the API server's certificate (no effect)"},
    {.name = "kube-token", .type = KZ_FLAG_STRING, .usage = "bearer token used for authentication (no effect)"},
    {.name = "kubeconfig", .type = KZ_FLAG_STRING, .usage = "path to the kubeconfig file (no effect)"},
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
