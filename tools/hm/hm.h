/* hm's command tree: one kz_cmd per command, defined in the file of its name. */
#ifndef KZ_TOOLS_HM_H
#define KZ_TOOLS_HM_H

#include "chart/values.h"
#include "cli/cli.h"
#include "repo/table.h"

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

/* -o/--output: table, json or yaml (helm's output.Format). */
#define HM_OUTPUT_FLAG                                                                                       \
    {.name = "output", .shorthand = 'o', .type = KZ_FLAG_STRING, .def = "table", .varname = "format",        \
     .usage = "prints the output in the specified format. Allowed values: table, json, yaml"}

/* The -o value; 0, or 1 after printing helm's error for an unknown format. */
int hm_output_format(kz_cli_ctx *ctx, kz_repo_format *format);
/* Print an error value (consumed) as the command's failure: 1; 0 if it is
 * no error. */
int hm_fail_value(kz_cli_ctx *ctx, kz_value err);

/* Where a chart comes from when it is not a local path (helm's
 * ChartPathOptions), for pull, template and show. */
#define HM_CHART_REF_FLAGS                                                                                    \
    {.name = "ca-file", .type = KZ_FLAG_STRING, .usage = "verify certificates of HTTPS-enabled servers using this CA bundle"}, \
        {.name = "cert-file", .type = KZ_FLAG_STRING, .usage = "identify HTTPS client using this SSL certificate file"}, \
        {.name = "devel", .type = KZ_FLAG_BOOL,                                                                \
         .usage = "use development versions, too. Equivalent to version '>0.0.0-0'. If --version is set, this is ignored"}, \
        {.name = "insecure-skip-tls-verify", .type = KZ_FLAG_BOOL, .usage = "skip tls certificate checks for the chart download"}, \
        {.name = "key-file", .type = KZ_FLAG_STRING, .usage = "identify HTTPS client using this SSL key file"},  \
        {.name = "pass-credentials", .type = KZ_FLAG_BOOL, .usage = "pass credentials to all domains"},        \
        {.name = "plain-http", .type = KZ_FLAG_BOOL, .usage = "use insecure HTTP connections for the chart download"}, \
        {.name = "password", .type = KZ_FLAG_STRING, .usage = "chart repository password where to locate the requested chart"}, \
        {.name = "repo", .type = KZ_FLAG_STRING, .usage = "chart repository url where to locate the requested chart"}, \
        {.name = "username", .type = KZ_FLAG_STRING, .usage = "chart repository username where to locate the requested chart"}, \
        {.name = "version", .type = KZ_FLAG_STRING,                                                            \
         .usage = "specify a version constraint for the chart version to use. This constraint can be a specific tag (e.g. 1.1.1) or it may reference a valid range (e.g. ^2.0.0). If this is not specified, the latest version is used"}

/* hm's files (paths.c): each path is owned by the struct (hm_paths_free). */
typedef struct hm_paths {
    char *repository_config; /* repositories.yaml */
    char *repository_cache;  /* folder of NAME-index.yaml, NAME-charts.txt and downloaded archives */
    char *registry_config;   /* OCI registry credentials (Docker's config.json format) */
} hm_paths;
void hm_paths_get(const kz_cli_ctx *ctx, hm_paths *p);
void hm_paths_free(hm_paths *p);

/* The release namespace as helm's settings.Namespace() finds it (paths.c):
 * --namespace, $HELM_NAMESPACE, the kubeconfig context's, "default".
 * Borrowed from ctx or the environment, or written into buf. */
const char *hm_release_namespace(const kz_cli_ctx *ctx, char *buf, size_t cap);

/* The chart-reference flags (HM_CHART_REF_FLAGS) as fetch options; strings
 * borrowed from ctx and paths (pull.c). */
struct kz_chart_fetch_opts;
void hm_fetch_opts(kz_cli_ctx *ctx, const hm_paths *paths, struct kz_chart_fetch_opts *o);

/* The repository files and the download flags of `dependency update|build`
 * (and `package -u`, which has the same flags but --skip-refresh) as
 * dependency options; strings borrowed from ctx and paths (dependency.c). */
struct kz_dependency_opts;
void hm_dependency_opts(const kz_cli_ctx *ctx, const hm_paths *paths, struct kz_dependency_opts *o);

extern const kz_cmd hm_root_cmd;
extern const kz_cmd hm_version_cmd;
extern const kz_cmd hm_template_cmd;
extern const kz_cmd hm_lint_cmd;
extern const kz_cmd hm_package_cmd;
extern const kz_cmd hm_dependency_cmd;
extern const kz_cmd hm_create_cmd;
extern const kz_cmd hm_show_cmd;
extern const kz_cmd hm_repo_cmd;
extern const kz_cmd hm_search_cmd;
extern const kz_cmd hm_pull_cmd;
extern const kz_cmd hm_push_cmd;
extern const kz_cmd hm_registry_cmd;

#endif
