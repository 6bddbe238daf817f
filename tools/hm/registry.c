/*
 * hm push CHART.tgz oci://HOST/PATH and hm registry login|logout HOST: OCI
 * registries, as helm 3.17 talks to them (lib/oci). Like helm, every line
 * these commands print goes to stderr.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "hm.h"
#include "oci/oci.h"

static const char *nonempty(const char *s) { return s && *s ? s : NULL; }

static kz_oci_opts oci_opts(kz_cli_ctx *ctx, const hm_paths *paths, const char *insecure_flag) {
    return (kz_oci_opts){
        .registry_config = paths->registry_config,
        .username = nonempty(kz_cli_flag_string(ctx, "username")),
        .password = kz_cli_flag_string(ctx, "password"),
        .plain_http = kz_cli_flag_bool(ctx, "plain-http"),
        .insecure_skip_tls_verify = kz_cli_flag_bool(ctx, insecure_flag),
        .ca_file = nonempty(kz_cli_flag_string(ctx, "ca-file")),
        .cert_file = nonempty(kz_cli_flag_string(ctx, "cert-file")),
        .key_file = nonempty(kz_cli_flag_string(ctx, "key-file")),
    };
}

static void put_log(kz_cli_ctx *ctx, const kz_buf *log) { kz_buf_append(ctx->err, log->data ? log->data : "", log->len); }

/* ---- push ---- */

static int run_push(kz_cli_ctx *ctx) {
    hm_paths paths;
    hm_paths_get(ctx, &paths);
    kz_oci_opts o = oci_opts(ctx, &paths, "insecure-skip-tls-verify");
    kz_oci_push_result res = {0};
    kz_value err = kz_oci_push_file(ctx->argv[0], ctx->argv[1], &o, &res);
    if (!kz_error_message(&err)) put_log(ctx, &res.log);
    kz_oci_push_result_free(&res);
    hm_paths_free(&paths);
    return hm_fail_value(ctx, err);
}

#define HM_TLS_CLIENT_FLAGS                                                                                  \
    {.name = "ca-file", .type = KZ_FLAG_STRING, .usage = "verify certificates of HTTPS-enabled servers using this CA bundle"}, \
        {.name = "cert-file", .type = KZ_FLAG_STRING, .usage = "identify registry client using this SSL certificate file"}, \
        {.name = "key-file", .type = KZ_FLAG_STRING, .usage = "identify registry client using this SSL key file"}

static const kz_flag_def push_flags[] = {
    HM_TLS_CLIENT_FLAGS,
    {.name = "insecure-skip-tls-verify", .type = KZ_FLAG_BOOL, .usage = "skip tls certificate checks for the chart upload"},
    {.name = "password", .type = KZ_FLAG_STRING, .usage = "chart repository password where to locate the requested chart"},
    {.name = "plain-http", .type = KZ_FLAG_BOOL, .usage = "use insecure HTTP connections for the chart upload"},
    {.name = "username", .type = KZ_FLAG_STRING, .usage = "chart repository username where to locate the requested chart"},
    {0},
};

const kz_cmd hm_push_cmd = {
    .use = "push [chart] [remote]",
    .short_desc = "push a chart to remote",
    .long_desc = "\nUpload a chart archive to an OCI registry (oci://HOST/PATH): the chart lands\n"
                 "in PATH/NAME with its version as the tag, in the layout helm uses, so helm\n"
                 "and hm can pull each other's charts.\n",
    .flags = push_flags,
    .args = {KZ_ARGS_EXACT, 2, 2},
    .run = run_push,
};

/* ---- registry login / logout ---- */

/* --password-stdin: all of stdin, without the final line ending (helm trims
 * trailing newlines and spaces). */
static char *read_stdin_secret(void) {
    kz_buf b = KZ_BUF_INIT;
    int c;
    while ((c = getchar()) != EOF) kz_buf_putc(&b, (char)c);
    while (b.len && strchr("\r\n \t", b.data[b.len - 1])) b.len--;
    kz_buf_putc(&b, 0);
    return kz_buf_detach(&b, NULL);
}

static int run_login(kz_cli_ctx *ctx) {
    hm_paths paths;
    hm_paths_get(ctx, &paths);
    kz_oci_opts o = oci_opts(ctx, &paths, "insecure");
    char *secret = NULL;
    if (kz_cli_flag_bool(ctx, "password-stdin")) {
        secret = read_stdin_secret();
        o.password = secret;
    } else if (kz_cli_flag_changed(ctx, "password")) {
        kz_buf_puts(ctx->err, "WARNING: Using --password via the CLI is insecure. Use --password-stdin.\n");
    }
    kz_value err = kz_null();
    if (!o.username || !o.password || !*o.password)
        err = kz_error("username and password are required: give --username with --password or --password-stdin");
    kz_buf log = KZ_BUF_INIT;
    if (!kz_error_message(&err)) err = kz_oci_login(ctx->argv[0], paths.registry_config, &o, &log);
    put_log(ctx, &log);
    kz_buf_free(&log);
    free(secret);
    hm_paths_free(&paths);
    return hm_fail_value(ctx, err);
}

static int run_logout(kz_cli_ctx *ctx) {
    hm_paths paths;
    hm_paths_get(ctx, &paths);
    kz_buf log = KZ_BUF_INIT;
    kz_value err = kz_oci_logout(ctx->argv[0], paths.registry_config, &log);
    put_log(ctx, &log);
    kz_buf_free(&log);
    hm_paths_free(&paths);
    return hm_fail_value(ctx, err);
}

static const kz_flag_def login_flags[] = {
    HM_TLS_CLIENT_FLAGS,
    {.name = "insecure", .type = KZ_FLAG_BOOL, .usage = "allow connections to TLS registry without certs"},
    {.name = "password", .shorthand = 'p', .type = KZ_FLAG_STRING, .usage = "registry password or identity token"},
    {.name = "password-stdin", .type = KZ_FLAG_BOOL, .usage = "read password or identity token from stdin"},
    {.name = "username", .shorthand = 'u', .type = KZ_FLAG_STRING, .usage = "registry username"},
    {0},
};

static const kz_cmd registry_login_cmd = {
    .use = "login [host]",
    .short_desc = "login to a registry",
    .long_desc = "\nCheck credentials against an OCI registry and save them in the registry\n"
                 "config for push, pull and OCI dependencies.\n",
    .flags = login_flags,
    .args = {KZ_ARGS_EXACT, 1, 1},
    .run = run_login,
};

static const kz_cmd registry_logout_cmd = {
    .use = "logout [host]",
    .short_desc = "logout from a registry",
    .long_desc = "\nRemove the saved credentials of an OCI registry.\n",
    .args = {KZ_ARGS_EXACT, 1, 1},
    .run = run_logout,
};

static const kz_cmd *const registry_subcommands[] = {&registry_login_cmd, &registry_logout_cmd, NULL};

const kz_cmd hm_registry_cmd = {
    .use = "registry",
    .short_desc = "login to or logout from a registry",
    .long_desc = "\nThis command consists of multiple subcommands to interact with registries.\n",
    .subcommands = registry_subcommands,
};
