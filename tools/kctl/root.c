#include "kctl.h"

static const kz_cmd *const kctl_subcommands[] = {&kctl_version_cmd, NULL};

const kz_cmd kctl_root_cmd = {
    .use = "kctl",
    .short_desc = "Apply and inspect Kubernetes objects",
    .long_desc =
        "kctl applies Kubernetes objects the way kubectl does, with the same commands\n"
        "and flags, from a single small native binary.\n",
    .subcommands = kctl_subcommands,
};
