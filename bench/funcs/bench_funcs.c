/*
 * bench/funcs: render bench/funcs/chart, a chart written the way bitnami
 * charts are (include of label helpers per object, tpl on values, merge of
 * label maps, toYaml | nindent everywhere), with the whole function library.
 *
 *   bench_funcs CHART_DIR [--renders N] [--write FILE]
 *
 * Prints the parse time, the time of one full render from parsed templates,
 * and one cold run (parse + render once, as a `helm template` process does).
 * --write saves one render's raw output (each file's text, in file order).
 * scripts/bench.sh prints `helm template` on the same chart next to it.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/buf.h"
#include "core/file.h"
#include "core/value.h"
#include "funcs/funcs.h"
#include "tmpl/exec.h"
#include "tmpl/set.h"
#include "yaml/parse.h"

#define MAX_TEMPLATES 64
#define CHART_NAME "funcbench"

static double now_seconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int fail(const char *what, kz_value err) {
    fprintf(stderr, "bench_funcs: %s: %s\n", what, kz_error_message(&err) ? kz_error_message(&err) : "failed");
    kz_free(err);
    return 1;
}

static kz_value make_dot(kz_value values) {
    kz_value release = kz_map(), chart = kz_map(), dot = kz_map();
    kz_map_setz(&release, "Name", kz_string("bench"));
    kz_map_setz(&release, "Namespace", kz_string("default"));
    kz_map_setz(&release, "Service", kz_string("Helm"));
    kz_map_setz(&chart, "Name", kz_string(CHART_NAME));
    kz_map_setz(&chart, "Version", kz_string("1.0.0"));
    kz_map_setz(&chart, "AppVersion", kz_string("2.4.1"));
    kz_map_setz(&dot, "Values", values);
    kz_map_setz(&dot, "Release", release);
    kz_map_setz(&dot, "Chart", chart);
    return dot;
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

typedef struct chart {
    char *names[MAX_TEMPLATES];
    kz_buf texts[MAX_TEMPLATES];
    size_t n;
} chart;

static int read_chart(const char *dir, chart *c) {
    char path[4096];
    snprintf(path, sizeof path, "%s/templates", dir);
    DIR *d = opendir(path);
    if (!d) return fail(path, kz_error("cannot open"));
    char *files[MAX_TEMPLATES];
    size_t n = 0;
    for (struct dirent *e; (e = readdir(d)) != NULL && n < MAX_TEMPLATES;)
        if (e->d_name[0] != '.') files[n++] = strdup(e->d_name);
    closedir(d);
    qsort(files, n, sizeof files[0], cmp_str); /* Helm parses in sorted order */
    for (size_t i = 0; i < n; i++) {
        char file[4096 + 256];
        kz_value err;
        snprintf(file, sizeof file, "%s/templates/%s", dir, files[i]);
        kz_buf_init(&c->texts[i]);
        if (kz_file_read(file, &c->texts[i], &err) != 0) return fail(file, err);
        size_t len = strlen(CHART_NAME "/templates/") + strlen(files[i]) + 1;
        c->names[i] = malloc(len);
        snprintf(c->names[i], len, CHART_NAME "/templates/%s", files[i]);
        free(files[i]);
    }
    c->n = n;
    return 0;
}

static kz_value parse_chart(const chart *c, const kz_tmpl_funcs *funcs, kz_tmpl_set **out) {
    kz_tmpl_set *set = kz_tmpl_set_new(funcs);
    for (size_t i = 0; i < c->n; i++) {
        kz_value err = kz_tmpl_set_add(set, c->names[i], kz_buf_cstr(&c->texts[i]), c->texts[i].len);
        if (!kz_is_valid(&err)) {
            kz_tmpl_set_free(set);
            return err;
        }
        kz_free(err);
    }
    *out = set;
    return kz_null();
}

/* One render of every non-helper file; returns bytes written or -1. Values are
 * deep-copied per render: templates may change them (set, merge), as Helm's
 * fresh values per run allow. */
static long render(const chart *c, const kz_tmpl_set *set, const kz_value *dot, kz_buf *out) {
    kz_value fresh = kz_deep_copy(dot);
    kz_funcs_ctx ctx;
    kz_funcs_ctx_init(&ctx);
    kz_tmpl_exec_opts opts = {.missingkey = KZ_TMPL_MISSING_ZERO, .user = &ctx};
    long bytes = 0;
    for (size_t i = 0; i < c->n; i++) {
        const char *base = strrchr(c->names[i], '/') + 1;
        if (base[0] == '_') continue;
        size_t start = out->len;
        kz_value err = kz_tmpl_execute(set, c->names[i], strlen(c->names[i]), &fresh, &opts, out);
        if (!kz_is_valid(&err)) {
            fail(c->names[i], err);
            bytes = -1;
            break;
        }
        kz_free(err);
        kz_tmpl_strip_no_value(out);
        bytes += (long)(out->len - start);
    }
    kz_funcs_ctx_free(&ctx);
    kz_free(fresh);
    return bytes;
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: bench_funcs CHART_DIR [--renders N] [--write FILE]\n");
        return 1;
    }
    const char *dir = argv[1], *write_to = NULL;
    long renders = 200;
    for (int i = 2; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--renders") == 0) renders = atol(argv[i + 1]);
        else if (strcmp(argv[i], "--write") == 0) write_to = argv[i + 1];
    }
    double t0 = now_seconds(); /* cold: read, parse, render once */
    char path[4096];
    snprintf(path, sizeof path, "%s/values.yaml", dir);
    kz_yaml_parse_opts yopts = {.schema = KZ_YAML_HELM};
    kz_value values = kz_yaml_parse_file(path, &yopts);
    if (!kz_is_valid(&values)) return fail(path, values);
    kz_value dot = make_dot(kz_copy(kz_seq_at(&values, 0)));
    kz_free(values);
    chart c;
    if (read_chart(dir, &c) != 0) return 1;
    kz_tmpl_funcs *funcs = kz_funcs_new();
    kz_tmpl_set *set = NULL;
    double tp = now_seconds();
    kz_value err = parse_chart(&c, funcs, &set);
    if (!kz_is_valid(&err)) return fail("parse", err);
    double tp2 = now_seconds();
    kz_buf out = KZ_BUF_INIT;
    long bytes = render(&c, set, &dot, &out);
    if (bytes < 0) return 1;
    double t1 = now_seconds();
    if (write_to) {
        FILE *f = fopen(write_to, "w");
        if (!f || fwrite(out.data, 1, out.len, f) != out.len || fclose(f) != 0) return fail(write_to, kz_error("cannot write"));
    }
    double t2 = now_seconds();
    for (long r = 0; r < renders; r++) {
        kz_buf_clear(&out);
        if (render(&c, set, &dot, &out) < 0) return 1;
    }
    double t3 = now_seconds();
    printf("templates: %zu files parsed in %.3f ms\n", c.n, (tp2 - tp) * 1e3);
    printf("render:    %ld full renders in %.3f s: %.3f ms each (%.0f KB out each)\n", renders, t3 - t2,
           (t3 - t2) / (double)renders * 1e3, (double)bytes / 1e3);
    printf("cold:      read + parse + one render: %.3f ms\n", (t1 - t0) * 1e3);
    kz_buf_free(&out);
    kz_tmpl_set_free(set);
    kz_tmpl_funcs_free(funcs);
    for (size_t i = 0; i < c.n; i++) {
        free(c.names[i]);
        kz_buf_free(&c.texts[i]);
    }
    kz_free(dot);
    return 0;
}
