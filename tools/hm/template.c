/*
 * hm template: render a chart locally and print the manifests, as
 * `helm template` does. The work is lib/chart/template.h's; this maps flags
 * to its options and prints.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chart/template.h"
#include "hm.h"
#include "repo/fetch.h"

/* Helm's Install.NameAndChart with `helm template`'s ReleaseName
 * "release-name": NAME CHART, or CHART alone named by --name-template or
 * "release-name" (--generate-name names nothing here). Returns an error value
 * or NULL, with *name (borrowed, or in *templated) and *chart set. */
static kz_value name_and_chart(kz_cli_ctx *ctx, const char **name, const char **chart, kz_value *templated) {
    const char *name_template = kz_cli_flag_string(ctx, "name-template");
    bool has_template = name_template && *name_template;
    if (ctx->argc > 2) {
        kz_buf extra = KZ_BUF_INIT;
        for (size_t i = 2; i < ctx->argc; i++) kz_buf_printf(&extra, i > 2 ? ", %s" : "%s", ctx->argv[i]);
        kz_value err = kz_error("expected at most two arguments, unexpected arguments: %s", kz_buf_cstr(&extra));
        kz_buf_free(&extra);
        return err;
    }
    if (ctx->argc == 2) {
        if (kz_cli_flag_bool(ctx, "generate-name")) return kz_error("cannot set --generate-name and also specify a name");
        if (has_template) return kz_error("cannot set --name-template and also specify a name");
        *name = ctx->argv[0], *chart = ctx->argv[1];
        return kz_null();
    }
    *chart = ctx->argv[0];
    if (!has_template) {
        *name = "release-name";
        return kz_null();
    }
    *templated = kz_release_name_render(name_template);
    if (kz_error_message(templated)) return kz_copy(templated);
    *name = kz_str(templated);
    return kz_null();
}

static int run_template(kz_cli_ctx *ctx) {
    const char *chart = NULL;
    kz_template_opts o = {0};
    kz_value templated = kz_null();
    kz_value bad = name_and_chart(ctx, &o.release_name, &chart, &templated);
    if (kz_error_message(&bad)) {
        int code = kz_cli_fail(ctx, "%s", kz_error_message(&bad));
        kz_free(bad);
        kz_free(templated);
        return code;
    }
    o.chart_path = chart;
    char *fetched = NULL;
    if (kz_chart_ref_is_remote(chart)) { /* REPO/CHART, --repo, a URL: download it first */
        hm_paths paths;
        hm_paths_get(ctx, &paths);
        kz_chart_fetch_opts fo;
        hm_fetch_opts(ctx, &paths, &fo);
        kz_value ferr = kz_chart_locate_or_fetch(chart, &fo, &fetched);
        hm_paths_free(&paths);
        if (kz_error_message(&ferr)) {
            kz_free(templated);
            return hm_fail_value(ctx, ferr);
        }
        o.chart_path = fetched;
    }
    o.namespace_ = kz_cli_flag_string(ctx, "namespace");
    hm_values_options(ctx, &o.values);
    const char **show = hm_flag_strings(ctx, "show-only", &o.n_show_only);
    const char **apis = hm_flag_strings(ctx, "api-versions", &o.n_api_versions);
    o.show_only = show, o.api_versions = apis;
    o.kube_version = kz_cli_flag_changed(ctx, "kube-version") ? kz_cli_flag_string(ctx, "kube-version") : NULL;
    o.include_crds = kz_cli_flag_bool(ctx, "include-crds");
    o.skip_tests = kz_cli_flag_bool(ctx, "skip-tests");
    o.no_hooks = kz_cli_flag_bool(ctx, "no-hooks");
    o.is_upgrade = kz_cli_flag_bool(ctx, "is-upgrade");
    o.skip_schema_validation = kz_cli_flag_bool(ctx, "skip-schema-validation");
    o.output_dir = kz_cli_flag_changed(ctx, "output-dir") ? kz_cli_flag_string(ctx, "output-dir") : NULL;
    o.use_release_name = kz_cli_flag_bool(ctx, "release-name");
    o.dry_run = kz_cli_flag_changed(ctx, "dry-run") ? kz_cli_flag_string(ctx, "dry-run") : NULL;
    o.post_renderer = kz_cli_flag_changed(ctx, "post-renderer") ? kz_cli_flag_string(ctx, "post-renderer") : NULL;
    const char **pr_args = hm_flag_strings(ctx, "post-renderer-args", &o.n_post_renderer_args);
    o.post_renderer_args = pr_args;
    bool after_render = false;
    kz_cli_err_first(ctx); /* warnings, then the manifests */
    kz_value err = kz_chart_template(&o, ctx->out, ctx->err, &after_render);
    int code = 0;
    if (kz_error_message(&err)) {
        code = after_render ? kz_cli_fail(ctx, "%s\n\nUse --debug flag to render out invalid YAML", kz_error_message(&err))
                            : kz_cli_fail(ctx, "%s", kz_error_message(&err));
    }
    kz_free(err);
    kz_free(templated);
    free(fetched);
    free(pr_args);
    hm_values_options_free(&o.values);
    free(show), free(apis);
    return code;
}

static const kz_flag_def template_flags[] = {
    HM_VALUES_FLAGS,
    HM_CHART_REF_FLAGS,
    {.name = "show-only", .shorthand = 's', .type = KZ_FLAG_STRING_ARRAY,
     .usage = "print only the manifests of these templates (glob patterns, can repeat)"},
    {.name = "include-crds", .type = KZ_FLAG_BOOL, .usage = "print the chart's CRDs first"},
    {.name = "skip-crds", .type = KZ_FLAG_BOOL, .usage = "leave CRDs out (the default unless --include-crds)"},
    {.name = "skip-tests", .type = KZ_FLAG_BOOL, .usage = "leave test hooks out"},
    {.name = "no-hooks", .type = KZ_FLAG_BOOL, .usage = "leave all hooks out"},
    {.name = "render-subchart-notes", .type = KZ_FLAG_BOOL,
     .usage = "render subcharts' NOTES.txt too (accepted as helm accepts it: template prints no notes)"},
    {.name = "skip-schema-validation", .type = KZ_FLAG_BOOL, .usage = "do not check values against values.schema.json"},
    {.name = "is-upgrade", .type = KZ_FLAG_BOOL, .usage = "set .Release.IsUpgrade instead of .Release.IsInstall"},
    {.name = "kube-version", .type = KZ_FLAG_STRING, .usage = "Kubernetes version for .Capabilities.KubeVersion"},
    {.name = "api-versions", .shorthand = 'a', .type = KZ_FLAG_STRING_SLICE,
     .usage = "extra API versions for .Capabilities.APIVersions"},
    {.name = "generate-name", .shorthand = 'g', .type = KZ_FLAG_BOOL, .usage = "make up the release name"},
    {.name = "name-template", .type = KZ_FLAG_STRING, .usage = "a template (Sprig functions) whose output is the release name"},
    {.name = "output-dir", .type = KZ_FLAG_STRING, .usage = "write each template's documents into files under this folder"},
    {.name = "release-name", .type = KZ_FLAG_BOOL, .usage = "with --output-dir, write into a folder named after the release"},
    /* helm install's flags, which helm template takes and does nothing with */
    {.name = "atomic", .type = KZ_FLAG_BOOL, .usage = "accepted as helm template accepts it; no effect"},
    {.name = "create-namespace", .type = KZ_FLAG_BOOL, .usage = "accepted as helm template accepts it; no effect"},
    {.name = "description", .type = KZ_FLAG_STRING, .usage = "accepted as helm template accepts it; no effect"},
    {.name = "disable-openapi-validation", .type = KZ_FLAG_BOOL, .usage = "accepted as helm template accepts it; no effect"},
    {.name = "force", .type = KZ_FLAG_BOOL, .usage = "accepted as helm template accepts it; no effect"},
    {.name = "hide-notes", .type = KZ_FLAG_BOOL, .usage = "accepted as helm template accepts it; no effect"},
    {.name = "replace", .type = KZ_FLAG_BOOL, .usage = "accepted as helm template accepts it; no effect"},
    {.name = "take-ownership", .type = KZ_FLAG_BOOL, .usage = "accepted as helm template accepts it; no effect"},
    {.name = "wait", .type = KZ_FLAG_BOOL, .usage = "accepted as helm template accepts it; no effect"},
    {.name = "wait-for-jobs", .type = KZ_FLAG_BOOL, .usage = "accepted as helm template accepts it; no effect"},
    {.name = "timeout", .type = KZ_FLAG_STRING, .usage = "accepted as helm template accepts it; no effect"},
    {.name = "dependency-update", .type = KZ_FLAG_BOOL,
     .usage = "accepted as helm template accepts it; no effect (missing dependencies stay an error)"},
    {.name = "dry-run", .type = KZ_FLAG_STRING, .no_opt_default = "client",
     .usage = "accepted as helm template accepts it (false, true, none, client or server); no effect"},
    {.name = "labels", .shorthand = 'l', .type = KZ_FLAG_STRING_SLICE,
     .usage = "accepted as helm template accepts it (release labels); no effect"},
    {.name = "post-renderer", .type = KZ_FLAG_STRING,
     .usage = "an executable that receives the manifests on stdin and prints what to keep"},
    {.name = "post-renderer-args", .type = KZ_FLAG_STRING_ARRAY, .usage = "an argument for the post-renderer (can repeat)"},
    {0},
};

const kz_cmd hm_template_cmd = {
    .use = "template [NAME] [CHART]",
    .short_desc = "render a chart's templates locally and print them",
    .long_desc = "Render a chart locally and print the resulting manifests, exactly as\n"
                 "`helm template` prints them: values from the chart, -f files and --set\n"
                 "flags, every template of the chart and its enabled subcharts, documents\n"
                 "sorted in Helm's install order with hooks last.\n",
    .example = "  hm template metallb ./metallb --namespace metallb-system --set configmap.ipRange=192.168.1.11-192.168.1.29",
    .flags = template_flags,
    .args = {KZ_ARGS_MIN, 1, 0}, /* more than two: NameAndChart says which are extra */
    .run = run_template,
};
