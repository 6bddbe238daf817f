/* hm's command tree: one kz_cmd per command, defined in the file of its name. */
#ifndef KZ_TOOLS_HM_H
#define KZ_TOOLS_HM_H

#include "chart/values.h"
#include "cli/cli.h"

/* The values flags of commands that build a chart's values (values_flags.c):
 * -f/--values and the --set family, in each command's flag list. */
#define HM_VALUES_FLAGS                                                                                          \
    {.name = "values", .shorthand = 'f', .type = KZ_FLAG_STRING_SLICE,                                           \
     .usage = "values files to merge over the chart's values.yaml, later ones winning (can repeat)"},            \
        {.name = "set", .type = KZ_FLAG_STRING_ARRAY, .usage = "set values: key1=val1,key2=val2 (can repeat)"},  \
        {.name = "set-string", .type = KZ_FLAG_STRING_ARRAY, .usage = "set values as strings (can repeat)"},     \
        {.name = "set-json", .type = KZ_FLAG_STRING_ARRAY,                                                       \
         .usage = "set values given as JSON: key=jsonval (can repeat)"},                                         \
        {.name = "set-file", .type = KZ_FLAG_STRING_ARRAY,                                                       \
         .usage = "set values to the contents of files: key=path (can repeat)"},                                 \
        {.name = "set-literal", .type = KZ_FLAG_STRING_ARRAY, .usage = "set one value to the literal rest of the argument"}

/* The strings of an array or slice flag (borrowed from it; the array is the
 * caller's to free). */
const char **hm_flag_strings(const kz_cli_ctx *ctx, const char *name, size_t *n);
/* Fill the values options from the flags; hm_values_options_free frees the arrays. */
void hm_values_options(const kz_cli_ctx *ctx, kz_values_options *vo);
void hm_values_options_free(kz_values_options *vo);

extern const kz_cmd hm_root_cmd;
extern const kz_cmd hm_version_cmd;
extern const kz_cmd hm_template_cmd;
extern const kz_cmd hm_lint_cmd;
extern const kz_cmd hm_package_cmd;
extern const kz_cmd hm_dependency_cmd;
extern const kz_cmd hm_create_cmd;
extern const kz_cmd hm_show_cmd;

#endif
