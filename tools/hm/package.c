/*
 * hm package DIR...: chart folders into NAME-VERSION.tgz archives, as
 * `helm package` makes them (lib/chart/package.h), except that the archive's
 * bytes depend only on the chart: entries carry SOURCE_DATE_EPOCH as their
 * time when it is set, else 1970-01-01. Signing (--sign) is not offered;
 * --dependency-update runs `dependency update` first (its TLS and credential
 * flags are for oci:// dependencies, as helm's).
 */
#include <errno.h>
#include <stdlib.h>

#include "chart/package.h"
#include "hm.h"

/* SOURCE_DATE_EPOCH (reproducible-builds.org) when it is a whole number. */
static int64_t entry_time(void) {
    const char *s = getenv("SOURCE_DATE_EPOCH");
    if (!s || !*s) return 0;
    char *end;
    errno = 0;
    long long t = strtoll(s, &end, 10);
    return (*end || errno || t < 0) ? 0 : (int64_t)t;
}

static int package_all(kz_cli_ctx *ctx, const kz_package_opts *o);

static int run_package(kz_cli_ctx *ctx) {
    if (ctx->argc == 0) return kz_cli_fail(ctx, "need at least one argument, the path to the chart");
    hm_paths paths;
    hm_paths_get(ctx, &paths);
    kz_dependency_opts deps;
    hm_dependency_opts(ctx, &paths, &deps); /* package has no --skip-refresh: false */
    kz_package_opts o = {
        .version = kz_cli_flag_string(ctx, "version"),
        .app_version = kz_cli_flag_string(ctx, "app-version"),
        .destination = kz_cli_flag_string(ctx, "destination"),
        .mtime = entry_time(),
        .dependency_update = kz_cli_flag_bool(ctx, "dependency-update") ? &deps : NULL,
    };
    int rc = package_all(ctx, &o);
    hm_paths_free(&paths);
    return rc;
}

static int package_all(kz_cli_ctx *ctx, const kz_package_opts *o) {
    for (size_t i = 0; i < ctx->argc; i++) {
        char *saved = NULL;
        kz_value err = kz_chart_package(ctx->argv[i], o, &saved, ctx->err);
        if (kz_error_message(&err)) {
            int code = kz_cli_fail(ctx, "%s", kz_error_message(&err));
            kz_free(err);
            return code;
        }
        kz_buf_printf(ctx->out, "Successfully packaged chart and saved it to: %s\n", saved);
        free(saved);
    }
    return 0;
}

static const kz_flag_def package_flags[] = {
    {.name = "version", .type = KZ_FLAG_STRING, .usage = "set the chart's version (semantic versioning) in the archive"},
    {.name = "app-version", .type = KZ_FLAG_STRING, .usage = "set the chart's appVersion in the archive"},
    {.name = "destination", .shorthand = 'd', .type = KZ_FLAG_STRING, .def = ".", .usage = "folder to write the archive into"},
    {.name = "dependency-update", .shorthand = 'u', .type = KZ_FLAG_BOOL, .usage = "update dependencies from \"Chart.yaml\" to dir \"charts/\" before packaging"},
    {.name = "plain-http", .type = KZ_FLAG_BOOL, .usage = "use insecure HTTP connections for the chart download"},
    {.name = "insecure-skip-tls-verify", .type = KZ_FLAG_BOOL, .usage = "skip tls certificate checks for the chart download"},
    {.name = "username", .type = KZ_FLAG_STRING, .usage = "chart repository username where to locate the requested chart"},
    {.name = "password", .type = KZ_FLAG_STRING, .usage = "chart repository password where to locate the requested chart"},
    {.name = "ca-file", .type = KZ_FLAG_STRING, .usage = "verify certificates of HTTPS-enabled servers using this CA bundle"},
    {.name = "cert-file", .type = KZ_FLAG_STRING, .usage = "identify HTTPS client using this SSL certificate file"},
    {.name = "key-file", .type = KZ_FLAG_STRING, .usage = "identify HTTPS client using this SSL key file"},
    {0},
};

const kz_cmd hm_package_cmd = {
    .use = "package [CHART_PATH] [...]",
    .short_desc = "package a chart directory into a chart archive",
    .long_desc =
        "\n"
        "Pack chart folders into versioned archives, NAME-VERSION.tgz, the form chart\n"
        "repositories serve. Files matched by the chart's .helmignore are left out;\n"
        "subcharts under charts/ go in.\n"
        "\n"
        "The archive's bytes depend only on the chart: entries are dated\n"
        "SOURCE_DATE_EPOCH when it is set, 1970-01-01 otherwise.\n",
    .example = "  hm package mychart\n  hm package mychart --version 1.2.3 -d dist",
    .flags = package_flags,
    .run = run_package,
};
