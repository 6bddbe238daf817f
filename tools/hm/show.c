/*
 * hm show chart|values|readme|crds|all CHART: a local chart's parts, as
 * `helm show` prints them. The work is lib/chart/show.h's.
 */
#include <stdlib.h>
#include <string.h>

#include "chart/show.h"
#include "hm.h"
#include "repo/fetch.h"
#include "tmpl/jsonpath.h"

/* --jsonpath of `show values`: the template run over the chart's values.
 * As Helm, a chart without values.yaml prints nothing (the template is not
 * even parsed), and evaluation errors print nothing either (Helm ignores
 * them). */
static kz_value show_jsonpath(const kz_chart *c, const char *tmpl, kz_buf *out) {
    if (!c->values_raw) return kz_null();
    kz_jsonpath *jp = NULL;
    kz_value err = kz_jsonpath_parse(tmpl, strlen(tmpl), &jp);
    if (kz_error_message(&err)) {
        kz_value e = kz_error("error parsing jsonpath %s: %s", tmpl, kz_error_message(&err));
        kz_free(err);
        return e;
    }
    /* a values.yaml holding no document still reads as an empty map */
    kz_value empty = kz_map();
    kz_jsonpath_print(jp, kz_is_map(&c->values) ? &c->values : &empty, out);
    kz_free(empty);
    kz_jsonpath_free(jp);
    return kz_null();
}

static int run_show_part(kz_cli_ctx *ctx, kz_show_what what) {
    char *path = NULL;
    hm_paths paths;
    hm_paths_get(ctx, &paths);
    kz_chart_fetch_opts fo;
    hm_fetch_opts(ctx, &paths, &fo);
    kz_value err = kz_chart_locate_or_fetch(ctx->argv[0], &fo, &path);
    hm_paths_free(&paths);
    kz_chart *c = NULL;
    /* with what Helm's loader logs on stderr */
    if (!kz_error_message(&err)) err = kz_chart_load_logged(path, false, ctx->err, &c);
    const char *jsonpath = what == KZ_SHOW_VALUES ? kz_cli_flag_string(ctx, "jsonpath") : NULL;
    if (c && jsonpath && *jsonpath) {
        err = show_jsonpath(c, jsonpath, ctx->out);
    } else if (c) {
        err = kz_chart_show(c, what, ctx->out);
    }
    int code = kz_error_message(&err) ? kz_cli_fail(ctx, "%s", kz_error_message(&err)) : 0;
    kz_free(err);
    kz_chart_free(c);
    free(path);
    return code;
}

static int run_all(kz_cli_ctx *ctx) { return run_show_part(ctx, KZ_SHOW_ALL); }
static int run_chart(kz_cli_ctx *ctx) { return run_show_part(ctx, KZ_SHOW_CHART); }
static int run_values(kz_cli_ctx *ctx) { return run_show_part(ctx, KZ_SHOW_VALUES); }
static int run_readme(kz_cli_ctx *ctx) { return run_show_part(ctx, KZ_SHOW_README); }
static int run_crds(kz_cli_ctx *ctx) { return run_show_part(ctx, KZ_SHOW_CRDS); }

#define SHOW_ARGS {KZ_ARGS_EXACT, 1, 1}

static const kz_flag_def show_flags[] = {
    HM_CHART_REF_FLAGS,
    {0},
};

static const kz_flag_def show_values_flags[] = {
    HM_CHART_REF_FLAGS,
    {.name = "jsonpath", .type = KZ_FLAG_STRING, .usage = "supply a JSONPath expression to filter the output"},
    {0},
};

static const kz_cmd show_all_cmd = {
    .use = "all [CHART]",
    .short_desc = "show all information of the chart",
    .long_desc = "\nPrint everything a chart (a folder or a .tgz archive) says about itself:\n"
                 "Chart.yaml, values.yaml, the README and the CRDs, separated by \"---\" lines.\n",
    .args = SHOW_ARGS,
    .flags = show_flags,
    .run = run_all,
};

static const kz_cmd show_chart_cmd = {
    .use = "chart [CHART]",
    .short_desc = "show the chart's definition",
    .long_desc = "\nPrint the chart's Chart.yaml as Helm reads it: keys sorted, empty fields left out.\n",
    .args = SHOW_ARGS,
    .flags = show_flags,
    .run = run_chart,
};

static const kz_cmd show_values_cmd = {
    .use = "values [CHART]",
    .short_desc = "show the chart's values",
    .long_desc = "\nPrint the chart's values.yaml as written, comments included.\n",
    .args = SHOW_ARGS,
    .flags = show_values_flags,
    .run = run_values,
};

static const kz_cmd show_readme_cmd = {
    .use = "readme [CHART]",
    .short_desc = "show the chart's README",
    .long_desc = "\nPrint the chart's README (README.md, README.txt or README, in any case).\n",
    .args = SHOW_ARGS,
    .flags = show_flags,
    .run = run_readme,
};

static const kz_cmd show_crds_cmd = {
    .use = "crds [CHART]",
    .short_desc = "show the chart's CRDs",
    .long_desc = "\nPrint the CustomResourceDefinitions of the chart's crds/ folder, then those of\n"
                 "its subcharts.\n",
    .args = SHOW_ARGS,
    .flags = show_flags,
    .run = run_crds,
};

static const kz_cmd *const show_subcommands[] = {
    &show_all_cmd, &show_chart_cmd, &show_crds_cmd, &show_readme_cmd, &show_values_cmd, NULL,
};

static const char *const show_aliases[] = {"inspect", NULL};

const kz_cmd hm_show_cmd = {
    .use = "show",
    .aliases = show_aliases,
    .short_desc = "show information of a chart",
    .long_desc = "\nPrint parts of a chart (a folder or a .tgz archive): its definition, values,\nREADME and CRDs, or all of them.\n",
    .subcommands = show_subcommands,
};
