#include "kz.h"

static const kz_cmd *const kz_subcommands[] = {&kz_version_cmd, NULL};

const kz_cmd kz_root_cmd = {
    .use = "kz",
    .short_desc = "Customize Kubernetes manifests without templates",
    .long_desc =
        "\n"
        "kz builds Kubernetes manifests from kustomizations: the same files, commands\n"
        "and output as kustomize 5, from a single small native binary.\n",
    .subcommands = kz_subcommands,
};
