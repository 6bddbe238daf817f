/* kz's command tree: one kz_cmd per command, defined in the file of its name. */
#ifndef KZ_TOOLS_KZ_H
#define KZ_TOOLS_KZ_H

#include "cli/cli.h"

extern const kz_cmd kz_root_cmd;
extern const kz_cmd kz_version_cmd;

#endif
