/*
 * hm pull CHART: download a chart archive from a repository (REPO/CHART,
 * --repo URL CHART, or the archive's URL), as `helm pull` does, with the
 * archive's digest checked against the index; --untar unpacks it.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "chart/chart.h"
#include "core/alloc.h"
#include "core/file.h"
#include "hm.h"
#include "repo/fetch.h"

void hm_fetch_opts(kz_cli_ctx *ctx, const hm_paths *paths, kz_chart_fetch_opts *o) {
    *o = (kz_chart_fetch_opts){
        .version = kz_cli_flag_string(ctx, "version"),
        .devel = kz_cli_flag_bool(ctx, "devel"),
        .repo_url = kz_cli_flag_string(ctx, "repo"),
        .username = kz_cli_flag_string(ctx, "username"),
        .password = kz_cli_flag_string(ctx, "password"),
        .pass_credentials = kz_cli_flag_bool(ctx, "pass-credentials"),
        .ca_file = kz_cli_flag_string(ctx, "ca-file"),
        .cert_file = kz_cli_flag_string(ctx, "cert-file"),
        .key_file = kz_cli_flag_string(ctx, "key-file"),
        .insecure_skip_tls_verify = kz_cli_flag_bool(ctx, "insecure-skip-tls-verify"),
        .repository_config = paths->repository_config,
        .repository_cache = paths->repository_cache,
        .registry_config = paths->registry_config,
        .plain_http = kz_cli_flag_bool(ctx, "plain-http"),
        .log = ctx->err, /* helm prints "Pulled:" lines on stderr */
    };
}

static char *join(const char *a, const char *b) {
    kz_buf buf = KZ_BUF_INIT;
    kz_buf_printf(&buf, "%s/%s", a, b);
    return kz_buf_detach(&buf, NULL);
}

/* helm's check before unpacking: DIR/CHART must not exist yet. */
static kz_value untar(const char *archive, const char *ref, const char *dest, const char *untardir) {
    char *ud_raw = untardir[0] == '/' ? kz_xstrdup(untardir) : join(dest, untardir);
    char *ud = kz_chart_path_clean(ud_raw); /* filepath.Join cleans */
    free(ud_raw);
    const char *chart = strrchr(ref, '/') ? strrchr(ref, '/') + 1 : ref;
    char *check_raw = join(ud, chart);
    char *check = kz_chart_path_clean(check_raw);
    free(check_raw);
    struct stat st;
    kz_value err = kz_null();
    if (stat(check, &st) == 0)
        err = kz_error("failed to untar: a file or directory with the name %s already exists", check);
    if (!kz_error_message(&err)) {
        err = kz_file_mkdir_all(check, 0755);
        if (kz_error_message(&err)) {
            kz_value wrapped = kz_error("failed to untar (mkdir): %s", kz_error_message(&err));
            kz_free(err);
            err = wrapped;
        }
    }
    if (!kz_error_message(&err)) err = kz_chart_expand_file(archive, ud);
    free(check);
    free(ud);
    return err;
}

/* helm never creates --destination: its atomic write opens a temporary
 * file there (Go's os.CreateTemp, the archive's name and a random number),
 * after the download. The error for a missing or non-folder destination, or
 * NULL when the archive can be written there. */
static kz_value dest_error(const char *dest, const char *archive) {
    struct stat st;
    int e = stat(dest, &st) != 0 ? errno : S_ISDIR(st.st_mode) ? 0 : ENOTDIR;
    if (e == 0) return kz_null();
    unsigned r = 0;
    if (getrandom(&r, sizeof r, 0) != (ssize_t)sizeof r) r = 0;
    const char *base = strrchr(archive, '/') ? strrchr(archive, '/') + 1 : archive;
    char *raw = join(dest, base);
    char *clean = kz_chart_path_clean(raw); /* filepath.Join cleans */
    kz_value err = kz_error("open %s%u: %s", clean, r,
                            e == ENOENT ? "no such file or directory"
                            : e == ENOTDIR ? "not a directory"
                                           : strerror(e));
    free(clean);
    free(raw);
    return err;
}

/* Does the folder exist? Else the download goes through the cache, for
 * dest_error to report helm's error after it. */
static bool is_dir(const char *p) {
    struct stat st;
    return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

static int run_pull(kz_cli_ctx *ctx) {
    hm_paths paths;
    hm_paths_get(ctx, &paths);
    kz_chart_fetch_opts o;
    hm_fetch_opts(ctx, &paths, &o);
    const char *dest = kz_cli_flag_string(ctx, "destination");
    bool want_untar = kz_cli_flag_bool(ctx, "untar");
    kz_value err = kz_null();
    for (size_t i = 0; i < ctx->argc && !kz_error_message(&err); i++) {
        char *path = NULL;
        /* With --untar the archive only passes through the cache. */
        bool direct = !want_untar && is_dir(dest);
        err = kz_chart_fetch(ctx->argv[i], &o, direct ? dest : paths.repository_cache, &path);
        if (!kz_error_message(&err) && !want_untar && !direct) err = dest_error(dest, path);
        if (!kz_error_message(&err) && want_untar)
            err = untar(path, ctx->argv[i], dest, kz_cli_flag_string(ctx, "untardir"));
        free(path);
    }
    hm_paths_free(&paths);
    return hm_fail_value(ctx, err);
}

static const kz_flag_def pull_flags[] = {
    HM_CHART_REF_FLAGS,
    {.name = "destination", .shorthand = 'd', .type = KZ_FLAG_STRING, .def = ".",
     .usage = "location to write the chart. If this and untardir are specified, untardir is appended to this"},
    {.name = "untar", .type = KZ_FLAG_BOOL, .usage = "if set to true, will untar the chart after downloading it"},
    {.name = "untardir", .type = KZ_FLAG_STRING, .def = ".",
     .usage = "if untar is specified, this flag specifies the name of the directory into which the chart is expanded"},
    {0},
};

static const char *const pull_aliases[] = {"fetch", NULL};

const kz_cmd hm_pull_cmd = {
    .use = "pull [chart URL | repo/chartname] [...]",
    .aliases = pull_aliases,
    .short_desc = "download a chart from a repository and (optionally) unpack it in local directory",
    .long_desc = "\nDownload a chart archive from a repository: REPO/CHART (a repository added with\n"
                 "'hm repo add'), CHART with --repo URL, or the archive's own URL. The archive's\n"
                 "sha256 is checked against the digest the repository's index lists. --untar\n"
                 "unpacks it into a folder named after the chart.\n",
    .flags = pull_flags,
    .args = {KZ_ARGS_MIN, 1, 0},
    .run = run_pull,
};
