/* hm's command tree: one kz_cmd per command, defined in the file of its name. */
#ifndef KZ_TOOLS_HM_H
#define KZ_TOOLS_HM_H

#include "cli/cli.h"

extern const kz_cmd hm_root_cmd;
extern const kz_cmd hm_version_cmd;
extern const kz_cmd hm_template_cmd;
extern const kz_cmd hm_lint_cmd;
extern const kz_cmd hm_package_cmd;
extern const kz_cmd hm_dependency_cmd;
extern const kz_cmd hm_create_cmd;
extern const kz_cmd hm_show_cmd;

#endif
