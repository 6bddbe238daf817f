/*
 * hm version: Helm prints a Go struct literal, and scripts grep it, so hm keeps
 * that shape. Fields that describe a Go build have no meaning for a C build and
 * stay empty, exactly as Helm prints them when built without release metadata.
 */
#include "hm.h"

static int run_version(kz_cli_ctx *ctx) {
    if (kz_cli_flag_bool(ctx, "short")) {
        kz_buf_puts(ctx->out, "v" KZ_VERSION "\n");
        return 0;
    }
    kz_buf_puts(ctx->out, "version.BuildInfo{Version:\"v" KZ_VERSION
                          "\", GitCommit:\"\", GitTreeState:\"\", GoVersion:\"\"}\n");
    return 0;
}

static const kz_flag_def version_flags[] = {
    {.name = "short", .type = KZ_FLAG_BOOL, .usage = "print only the version number"},
    {0},
};

const kz_cmd hm_version_cmd = {
    .use = "version",
    .short_desc = "show the version of hm",
    .long_desc =
        "Show the version of hm.\n"
        "\n"
        "The output has the shape Helm uses, so tools that read Helm's version can\n"
        "read this one:\n"
        "\n"
        "  version.BuildInfo{Version:\"v" KZ_VERSION "\", GitCommit:\"\", GitTreeState:\"\", GoVersion:\"\"}\n"
        "\n"
        "Version is hm's semantic version. The other fields describe Go builds of Helm\n"
        "and are empty. With --short, only the version is printed.\n",
    .example = "  hm version --short",
    .flags = version_flags,
    .args = {KZ_ARGS_NONE, 0, 0},
    .run = run_version,
};
