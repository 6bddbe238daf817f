/*
 * hm dependency list|update|build: lib/chart/dependency.h's work, with
 * helm's command tree, flags and messages. Flags that only matter for chart
 * repositories: repositories.yaml and the cache come from hm's paths, the
 * TLS and credential flags apply to oci:// registries (a chart repository's
 * come from its entry). Provenance (--verify, --keyring) is not supported:
 * the flags are absent, so using them is an error.
 */
#include <stdlib.h>

#include "chart/chart.h"
#include "chart/dependency.h"
#include "hm.h"

/* The chart argument as helm takes it: filepath.Clean(arg), "." by default. */
static char *chart_arg(const kz_cli_ctx *ctx) {
    return kz_chart_path_clean(ctx->argc > 0 ? ctx->argv[0] : ".");
}

static int finish(kz_cli_ctx *ctx, kz_value res) {
    if (kz_is_null(&res)) return 0;
    int rc = kz_cli_fail(ctx, "%s", kz_error_message(&res) ? kz_error_message(&res) : "error");
    kz_free(res);
    return rc;
}

static int run_list(kz_cli_ctx *ctx) {
    char *path = chart_arg(ctx);
    int64_t w = kz_cli_flag_int(ctx, "max-col-width");
    int rc = finish(ctx, kz_dependency_list(path, w < 0 ? 0 : (size_t)w, ctx->out, ctx->err));
    free(path);
    return rc;
}

void hm_dependency_opts(const kz_cli_ctx *ctx, const hm_paths *paths, kz_dependency_opts *o) {
    *o = (kz_dependency_opts){
        .repository_config = paths->repository_config,
        .repository_cache = paths->repository_cache,
        .registry_config = paths->registry_config,
        .skip_refresh = kz_cli_flag_bool(ctx, "skip-refresh"),
        .plain_http = kz_cli_flag_bool(ctx, "plain-http"),
        .insecure_skip_tls_verify = kz_cli_flag_bool(ctx, "insecure-skip-tls-verify"),
        .username = kz_cli_flag_string(ctx, "username"),
        .password = kz_cli_flag_string(ctx, "password"),
        .ca_file = kz_cli_flag_string(ctx, "ca-file"),
        .cert_file = kz_cli_flag_string(ctx, "cert-file"),
        .key_file = kz_cli_flag_string(ctx, "key-file"),
    };
}

static int run_fetching(kz_cli_ctx *ctx, bool build) {
    char *path = chart_arg(ctx);
    hm_paths paths;
    hm_paths_get(ctx, &paths);
    kz_dependency_opts o;
    hm_dependency_opts(ctx, &paths, &o);
    kz_value res = build ? kz_dependency_build(path, &o, ctx->out, ctx->err)
                         : kz_dependency_update(path, &o, ctx->out, ctx->err);
    int rc = finish(ctx, res);
    hm_paths_free(&paths);
    free(path);
    return rc;
}

static int run_update(kz_cli_ctx *ctx) { return run_fetching(ctx, false); }
static int run_build(kz_cli_ctx *ctx) { return run_fetching(ctx, true); }

static const kz_flag_def list_flags[] = {
    {.name = "max-col-width", .type = KZ_FLAG_INT, .def = "80", .varname = "uint",
     .usage = "maximum column width for output table"},
    {0},
};

/* helm's flags of update and build. */
static const kz_flag_def fetch_flags[] = {
    {.name = "ca-file", .type = KZ_FLAG_STRING, .usage = "verify certificates of HTTPS-enabled servers using this CA bundle"},
    {.name = "cert-file", .type = KZ_FLAG_STRING, .usage = "identify HTTPS client using this SSL certificate file"},
    {.name = "insecure-skip-tls-verify", .type = KZ_FLAG_BOOL, .usage = "skip tls certificate checks for the chart download"},
    {.name = "key-file", .type = KZ_FLAG_STRING, .usage = "identify HTTPS client using this SSL key file"},
    {.name = "password", .type = KZ_FLAG_STRING, .usage = "chart repository password where to locate the requested chart"},
    {.name = "plain-http", .type = KZ_FLAG_BOOL, .usage = "use insecure HTTP connections for the chart download"},
    {.name = "skip-refresh", .type = KZ_FLAG_BOOL, .usage = "do not refresh the local repository cache"},
    {.name = "username", .type = KZ_FLAG_STRING, .usage = "chart repository username where to locate the requested chart"},
    {0},
};

static const char *const list_aliases[] = {"ls", NULL};
static const char *const update_aliases[] = {"up", NULL};
static const char *const dependency_aliases[] = {"dep", "dependencies", NULL};

static const kz_cmd dependency_list_cmd = {
    .use = "list CHART",
    .aliases = list_aliases,
    .short_desc = "list the dependencies for the given chart",
    .long_desc = "List all of the dependencies declared in a chart.\n"
                 "\n"
                 "This can take chart archives and chart directories as input. It will not alter\n"
                 "the contents of a chart.\n"
                 "\n"
                 "This will produce an error if the chart cannot be loaded.\n",
    .flags = list_flags,
    .args = {KZ_ARGS_MAX, 0, 1},
    .run = run_list,
};

static const kz_cmd dependency_update_cmd = {
    .use = "update CHART",
    .aliases = update_aliases,
    .short_desc = "update charts/ based on the contents of Chart.yaml",
    .long_desc = "Update the on-disk dependencies to mirror Chart.yaml.\n"
                 "\n"
                 "This command verifies that the required charts, as expressed in 'Chart.yaml',\n"
                 "are present in 'charts/' and are at an acceptable version. Local dependencies\n"
                 "(repository \"file://PATH\") are packaged into 'charts/', old versions are\n"
                 "cleaned up, and a lock file (Chart.lock) records the exact versions.\n"
                 "\n"
                 "Dependencies from chart repositories ('@NAME', 'alias:NAME' or the URL of a\n"
                 "repository added with 'hm repo add') and OCI registries ('oci://...') are\n"
                 "downloaded; the indexes of the configured repositories are refreshed first\n"
                 "unless --skip-refresh is given.\n",
    .flags = fetch_flags,
    .args = {KZ_ARGS_MAX, 0, 1},
    .run = run_update,
};

static const kz_cmd dependency_build_cmd = {
    .use = "build CHART",
    .short_desc = "rebuild the charts/ directory based on the Chart.lock file",
    .long_desc = "Build out the charts/ directory from the Chart.lock file.\n"
                 "\n"
                 "Build is used to reconstruct a chart's dependencies to the state specified in\n"
                 "the lock file. This will not re-negotiate dependencies, as 'hm dependency update'\n"
                 "does.\n"
                 "\n"
                 "If no lock file is found, 'hm dependency build' will mirror the behavior\n"
                 "of 'hm dependency update'.\n",
    .flags = fetch_flags,
    .args = {KZ_ARGS_MAX, 0, 1},
    .run = run_build,
};

static const kz_cmd *const dependency_subcommands[] = {
    &dependency_build_cmd, &dependency_list_cmd, &dependency_update_cmd, NULL};

const kz_cmd hm_dependency_cmd = {
    .use = "dependency update|build|list",
    .aliases = dependency_aliases,
    .short_desc = "manage a chart's dependencies",
    .long_desc = "Manage the dependencies of a chart.\n"
                 "\n"
                 "Helm charts store their dependencies in 'charts/'. For chart developers, it is\n"
                 "often easier to manage dependencies in 'Chart.yaml' which declares all\n"
                 "dependencies.\n"
                 "\n"
                 "The dependency commands operate on that file, making it easy to synchronize\n"
                 "between the desired dependencies and the actual dependencies stored in the\n"
                 "'charts/' directory.\n"
                 "\n"
                 "A dependency's repository can be the path to the directory of the chart,\n"
                 "starting with \"file://\" (relative to the chart). For example,\n"
                 "\n"
                 "    # Chart.yaml\n"
                 "    dependencies:\n"
                 "    - name: nginx\n"
                 "      version: \"1.2.3\"\n"
                 "      repository: \"file://../dependency_chart/nginx\"\n",
    .subcommands = dependency_subcommands,
};
