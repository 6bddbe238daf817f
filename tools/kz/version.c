/*
 * kz version: kustomize 5 prints only its semantic version ("v5.5.0"), so kz
 * prints its own the same way, with the leading "v".
 */
#include "kz.h"

static int run_version(kz_cli_ctx *ctx) {
    kz_buf_puts(ctx->out, "v" KZ_VERSION "\n");
    return 0;
}

const kz_cmd kz_version_cmd = {
    .use = "version",
    .short_desc = "Print the version of kz",
    .example = "  kz version",
    .args = {KZ_ARGS_NONE, 0, 0},
    .run = run_version,
};
