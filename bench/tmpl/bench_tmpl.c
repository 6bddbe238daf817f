/*
 * bench/tmpl: parse the templates of bench/tmpl/chart once, then render the
 * whole chart (every template) many times, as `hm template` will.
 *
 *   bench_tmpl CHART_DIR [--renders N]
 *
 * Prints parse time, renders per second and the time of one full render.
 * scripts/bench.sh prints `helm template` on the same chart next to it. The
 * chart uses only text/template and its builtins (Sprig arrives later).
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/buf.h"
#include "core/file.h"
#include "core/value.h"
#include "tmpl/exec.h"
#include "tmpl/set.h"
#include "yaml/parse.h"

#define MAX_TEMPLATES 64

static double now_seconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int fail(const char *what, kz_value err) {
    fprintf(stderr, "bench_tmpl: %s: %s\n", what, kz_error_message(&err) ? kz_error_message(&err) : "failed");
    kz_free(err);
    return 1;
}

/* The top-level objects a chart template sees (the part this chart uses). */
static kz_value make_dot(kz_value values) {
    kz_value release = kz_map(), chart = kz_map(), dot = kz_map();
    kz_map_setz(&release, "Name", kz_string("bench"));
    kz_map_setz(&release, "Namespace", kz_string("default"));
    kz_map_setz(&chart, "Name", kz_string("benchapp"));
    kz_map_setz(&chart, "Version", kz_string("1.0.0"));
    kz_map_setz(&dot, "Values", values);
    kz_map_setz(&dot, "Release", release);
    kz_map_setz(&dot, "Chart", chart);
    return dot;
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: bench_tmpl CHART_DIR [--renders N]\n");
        return 1;
    }
    const char *dir = argv[1];
    long renders = argc > 3 && strcmp(argv[2], "--renders") == 0 ? atol(argv[3]) : 1000;
    char path[4096];
    kz_value err;

    snprintf(path, sizeof path, "%s/values.yaml", dir);
    kz_yaml_parse_opts yopts = {.schema = KZ_YAML_HELM};
    kz_value values = kz_yaml_parse_file(path, &yopts);
    if (!kz_is_valid(&values)) return fail(path, values);
    kz_value first = kz_copy(kz_seq_at(&values, 0));
    kz_free(values);
    kz_value dot = make_dot(first);

    /* Read every template; rendered ones are those not starting with '_'. */
    snprintf(path, sizeof path, "%s/templates", dir);
    DIR *d = opendir(path);
    if (!d) return fail(path, kz_error("cannot open"));
    char *names[MAX_TEMPLATES];
    kz_buf texts[MAX_TEMPLATES];
    size_t n = 0;
    for (struct dirent *e; (e = readdir(d)) != NULL && n < MAX_TEMPLATES;) {
        if (e->d_name[0] == '.') continue;
        char file[4096 + 256];
        snprintf(file, sizeof file, "%s/templates/%s", dir, e->d_name);
        kz_buf_init(&texts[n]);
        if (kz_file_read(file, &texts[n], &err) != 0) return fail(file, err);
        size_t len = strlen("benchapp/templates/") + strlen(e->d_name) + 1;
        names[n] = malloc(len);
        snprintf(names[n], len, "benchapp/templates/%s", e->d_name);
        n++;
    }
    closedir(d);

    double t0 = now_seconds();
    kz_tmpl_set *set = kz_tmpl_set_new(NULL);
    for (size_t i = 0; i < n; i++) {
        err = kz_tmpl_set_add(set, names[i], kz_buf_cstr(&texts[i]), texts[i].len);
        if (!kz_is_valid(&err)) return fail(names[i], err);
        kz_free(err);
    }
    double t1 = now_seconds();

    kz_buf out = KZ_BUF_INIT;
    kz_tmpl_exec_opts opts = {.missingkey = KZ_TMPL_MISSING_ZERO};
    size_t bytes = 0;
    double t2 = now_seconds();
    for (long r = 0; r < renders; r++) {
        for (size_t i = 0; i < n; i++) {
            const char *base = strrchr(names[i], '/') + 1;
            if (base[0] == '_') continue; /* helpers are not rendered on their own */
            kz_buf_clear(&out);
            err = kz_tmpl_execute(set, names[i], strlen(names[i]), &dot, &opts, &out);
            if (!kz_is_valid(&err)) return fail(names[i], err);
            kz_free(err);
            bytes += out.len;
        }
    }
    double t3 = now_seconds();

    double per = (t3 - t2) / (double)renders;
    printf("templates: %zu files parsed in %.3f ms\n", n, (t1 - t0) * 1e3);
    printf("render:    %ld full renders in %.3f s: %.0f renders/s, %.3f ms each (%.0f KB out each)\n",
           renders, t3 - t2, (double)renders / (t3 - t2), per * 1e3,
           (double)bytes / (double)renders / 1e3);

    kz_buf_free(&out);
    kz_tmpl_set_free(set);
    for (size_t i = 0; i < n; i++) {
        free(names[i]);
        kz_buf_free(&texts[i]);
    }
    kz_free(dot);
    return 0;
}
