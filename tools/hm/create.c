/*
 * hm create NAME: a new chart from kz's starter, where and as `helm create`
 * makes one (lib/chart/create.h). Helm's --starter (another scaffold) is not
 * offered.
 */
#include "chart/create.h"
#include "hm.h"

static int run_create(kz_cli_ctx *ctx) {
    /* Helm announces the chart first, then reports problems. */
    kz_buf_printf(ctx->out, "Creating %s\n", ctx->argv[0]);
    kz_value err = kz_chart_create(ctx->argv[0], ctx->out);
    int code = kz_error_message(&err) ? kz_cli_fail(ctx, "%s", kz_error_message(&err)) : 0;
    kz_free(err);
    return code;
}

const kz_cmd hm_create_cmd = {
    .use = "create NAME",
    .short_desc = "create a new chart with the given name",
    .long_desc =
        "\n"
        "Create a chart folder NAME holding a starter chart: a Deployment with its\n"
        "Service, ServiceAccount, optional Ingress and HorizontalPodAutoscaler, a test\n"
        "hook, named templates in _helpers.tpl and commented values.\n"
        "\n"
        "    NAME/\n"
        "      .helmignore    what `hm package` leaves out\n"
        "      Chart.yaml     the chart's name and versions\n"
        "      values.yaml    the default values\n"
        "      charts/        subcharts\n"
        "      templates/     the manifests' templates, tests/ among them\n"
        "\n"
        "The folder holding NAME must exist. Files already in NAME are overwritten\n"
        "(with a warning); other files there are left alone.\n",
    .example = "  hm create mychart\n  hm template demo mychart",
    .args = {KZ_ARGS_EXACT, 1, 1},
    .run = run_create,
};
