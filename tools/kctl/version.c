/*
 * kctl version: kubectl prints "Client Version: vX" and, unless --client is
 * given, asks the server for its version. kctl has no server connection yet, so
 * it prints the client part only, with or without --client; scripts written for
 * `kubectl version --client` work unchanged.
 */
#include "kctl.h"

static int run_version(kz_cli_ctx *ctx) {
    kz_buf_puts(ctx->out, "Client Version: v" KZ_VERSION "\n");
    return 0;
}

static const kz_flag_def version_flags[] = {
    {.name = "client", .type = KZ_FLAG_BOOL,
     .usage = "print the client version only (kctl has no server version to show yet)"},
    {0},
};

const kz_cmd kctl_version_cmd = {
    .use = "version",
    .short_desc = "Print the version of kctl",
    .long_desc = "Print the version of kctl.\n",
    .example = "  # Print the client version\n  kctl version --client",
    .flags = version_flags,
    .args = {KZ_ARGS_NONE, 0, 0},
    .run = run_version,
};
