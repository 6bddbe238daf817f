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
