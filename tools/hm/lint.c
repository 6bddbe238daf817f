/*
 * hm lint: examine charts for possible issues, as `helm lint` does. The
 * checks are lib/chart/lint.h's; this walks the paths (and, with
 * --with-subcharts, the charts under each one's charts/), prints each
 * chart's messages and the summary, and sets the exit status.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "chart/lint.h"
#include "chart/objects.h"
#include "chart/values.h"
#include "core/alloc.h"
#include "hm.h"

typedef struct paths {
    char **v;
    size_t len, cap;
} paths;

static void push(paths *p, char *s) {
    if (p->len == p->cap) {
        p->cap = p->cap ? p->cap * 2 : 8;
        p->v = kz_xrealloc(p->v, p->cap * sizeof *p->v);
    }
    p->v[p->len++] = s;
}

static bool has_suffix(const char *s, const char *suffix) {
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

static int cmp_names(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* filepath.Walk of DIR in lexical order: the folder of every Chart.yaml, and
 * every .tgz / .tar.gz, appended to `out`. */
static void walk(const char *dir, paths *out) {
    DIR *d = opendir(dir);
    if (!d) return;
    paths names = {0};
    for (struct dirent *e; (e = readdir(d));)
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) push(&names, kz_xstrdup(e->d_name));
    closedir(d);
    if (names.len) qsort(names.v, names.len, sizeof *names.v, cmp_names);
    for (size_t i = 0; i < names.len; i++) {
        size_t n = strlen(dir) + strlen(names.v[i]) + 2;
        char *p = kz_xmalloc(n);
        snprintf(p, n, "%s/%s", dir, names.v[i]);
        struct stat st;
        if (lstat(p, &st) != 0) {
            free(p);
            continue;
        }
        if (strcmp(names.v[i], "Chart.yaml") == 0) push(out, kz_xstrdup(dir));
        else if (has_suffix(p, ".tgz") || has_suffix(p, ".tar.gz")) push(out, kz_xstrdup(p));
        if (S_ISDIR(st.st_mode)) walk(p, out);
        free(p);
    }
    for (size_t i = 0; i < names.len; i++) free(names.v[i]);
    free(names.v);
}

/* filepath.Join(p, "charts") */
static char *charts_dir(const char *p) {
    size_t n = strlen(p);
    while (n > 1 && p[n - 1] == '/') n--;
    char *s = kz_xmalloc(n + 8);
    snprintf(s, n + 8, "%.*s/charts", (int)n, p);
    if (strcmp(p, ".") == 0) snprintf(s, n + 8, "charts");
    return s;
}

static int run_lint(kz_cli_ctx *ctx) {
    const char *kube_version = NULL;
    if (kz_cli_flag_changed(ctx, "kube-version") && *kz_cli_flag_string(ctx, "kube-version")) {
        kube_version = kz_cli_flag_string(ctx, "kube-version");
        kz_value kv = kz_chart_kube_version(kube_version);
        if (kz_error_message(&kv)) {
            int code = kz_cli_fail(ctx, "%s", kz_error_message(&kv));
            kz_free(kv);
            return code;
        }
        kz_free(kv);
    }
    paths ps = {0};
    if (ctx->argc == 0) push(&ps, kz_xstrdup("."));
    for (size_t i = 0; i < ctx->argc; i++) push(&ps, kz_xstrdup(ctx->argv[i]));
    bool strict = kz_cli_flag_bool(ctx, "strict"), quiet = kz_cli_flag_bool(ctx, "quiet");
    if (kz_cli_flag_bool(ctx, "with-subcharts")) {
        size_t n = ps.len;
        for (size_t i = 0; i < n; i++) {
            char *c = charts_dir(ps.v[i]);
            walk(c, &ps);
            free(c);
        }
    }
    kz_values_options vo = {0};
    hm_values_options(ctx, &vo);
    kz_value user = kz_values_user(&vo);
    int code = 0;
    if (kz_error_message(&user)) {
        code = kz_cli_fail(ctx, "%s", kz_error_message(&user));
    } else {
        char ns_buf[256];
        kz_lint_opts lo = {.namespace_ = hm_release_namespace(ctx, ns_buf, sizeof ns_buf), .kube_version = kube_version,
                           .skip_schema_validation = kz_cli_flag_bool(ctx, "skip-schema-validation")};
        kz_buf message = KZ_BUF_INIT;
        size_t failed = 0, noisy = 0;
        for (size_t i = 0; i < ps.len; i++) {
            kz_lint_result r = {0};
            kz_value err = kz_lint_chart(ps.v[i], &user, &lo, &r, ctx->err);
            bool errors = kz_error_message(&err) != NULL, warnings = errors;
            for (size_t k = 0; k < r.len; k++) {
                if (r.v[k].severity > KZ_LINT_INFO) warnings = true;
                if (r.v[k].severity >= (strict ? KZ_LINT_WARNING : KZ_LINT_ERROR)) errors = true;
            }
            noisy += warnings;
            if (!quiet || warnings) {
                kz_buf_printf(&message, "==> Linting %s\n", ps.v[i]);
                if (r.len == 0 && kz_error_message(&err)) kz_buf_printf(&message, "Error %s\n", kz_error_message(&err));
                for (size_t k = 0; k < r.len; k++) {
                    if (quiet && r.v[k].severity <= KZ_LINT_INFO) continue;
                    kz_lint_message_print(&message, &r.v[k]);
                    kz_buf_putc(&message, '\n');
                }
                failed += errors;
                kz_buf_putc(&message, '\n');
            }
            kz_free(err);
            kz_lint_result_free(&r);
        }
        kz_buf_append(ctx->out, message.data ? message.data : "", message.len);
        kz_buf_free(&message);
        if (failed) code = kz_cli_fail(ctx, "%zu chart(s) linted, %zu chart(s) failed", ps.len, failed);
        else if (!quiet || noisy) kz_buf_printf(ctx->out, "%zu chart(s) linted, 0 chart(s) failed\n", ps.len);
    }
    kz_free(user);
    hm_values_options_free(&vo);
    for (size_t i = 0; i < ps.len; i++) free(ps.v[i]);
    free(ps.v);
    return code;
}

static const kz_flag_def lint_flags[] = {
    {.name = "strict", .type = KZ_FLAG_BOOL, .usage = "fail on lint warnings"},
    {.name = "with-subcharts", .type = KZ_FLAG_BOOL, .usage = "lint dependent charts"},
    {.name = "quiet", .type = KZ_FLAG_BOOL, .usage = "print only warnings and errors"},
    {.name = "skip-schema-validation", .type = KZ_FLAG_BOOL, .usage = "if set, disables JSON schema validation"},
    {.name = "kube-version", .type = KZ_FLAG_STRING,
     .usage = "Kubernetes version used for capabilities and deprecation checks"},
    HM_VALUES_FLAGS,
    {0},
};

const kz_cmd hm_lint_cmd = {
    .use = "lint PATH",
    .short_desc = "examine a chart for possible issues",
    .long_desc = "Run a series of tests to verify that a chart is well-formed, exactly as\n"
                 "`helm lint` does: Chart.yaml fields, values.yaml, every template rendered\n"
                 "(required and fail only log), the rendered documents' YAML, names and\n"
                 "deprecated APIs, and dependencies. Errors make the chart fail; with\n"
                 "--strict, warnings do too.\n",
    .example = "  hm lint ./webapp --strict",
    .flags = lint_flags,
    .args = {KZ_ARGS_MIN, 0, 0},
    .run = run_lint,
};
