/* kctl's command tree: one kz_cmd per command, defined in the file of its name. */
#ifndef KZ_TOOLS_KCTL_H
#define KZ_TOOLS_KCTL_H

#include "cli/cli.h"

extern const kz_cmd kctl_root_cmd;
extern const kz_cmd kctl_version_cmd;

#endif
