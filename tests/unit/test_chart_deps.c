/*
 * Chart dependency processing (lib/chart/deps.h) against helm v3.17.
 *
 * tests/golden/deps/cases.tsv (see its regen.sh) holds, for test charts and
 * --set flags, what `helm template` printed: which charts rendered (their
 * paths, with the alias names), each chart's .Chart.Name, toJson .Values and
 * toJson .Chart.Dependencies, helm's log lines, or its error. Each case is
 * replayed through kz_chart_load, kz_chart_check_dependencies,
 * kz_chart_process_dependencies and kz_chart_coalesce_values; subcharts'
 * .Values come from kz_values_subchart.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "chart/chart.h"
#include "chart/deps.h"
#include "chart/values.h"
#include "core/buf.h"
#include "core/file.h"
#include "golden_util.h"
#include "json/json.h"

#define GOLDEN_DIR KZ_TEST_DATA "/golden/deps/"

/* ---- warnings ---- */

/* Helm's lines, collected and compared sorted (golden_util.h). */
static void collect(void *ctx, const char *file, int line, const char *msg) {
    kz_buf b = KZ_BUF_INIT;
    kz_buf_printf(&b, "%s:%d: %s", file, line, msg);
    golden_lines_add(ctx, kz_buf_detach(&b, NULL));
}

/* ---- rendered charts ---- */

static char *json_of(const kz_value *v) {
    kz_buf b = KZ_BUF_INIT;
    kz_value err = kz_invalid();
    assert_int_equal(kz_json_emit(&b, v, NULL, &err), 0);
    return kz_buf_detach(&b, NULL);
}

typedef struct record {
    char *path;
    const kz_chart *chart;
    kz_value values;
} record;

typedef struct records {
    record v[64];
    size_t n;
} records;

/* Whether helm renders a file of this chart: not a library, and a template
 * that is not a partial. */
static bool renders(const kz_chart *c) {
    if (strcmp(c->type, "library") == 0) return false;
    for (size_t i = 0; i < c->templates.len; i++) {
        const char *base = strrchr(c->templates.v[i].name, '/');
        if (base && base[1] != '_') return true;
    }
    return false;
}

static void walk(records *rs, const kz_chart *c, const kz_value *values) {
    if (renders(c)) {
        assert_true(rs->n < 64);
        rs->v[rs->n++] = (record){kz_chart_full_path(c), c, kz_copy(values)};
    }
    for (size_t i = 0; i < c->ndeps; i++) {
        kz_value sub = kz_values_subchart(values, c->deps[i]->name);
        walk(rs, c->deps[i], &sub);
        kz_free(sub);
    }
}

static int cmp_record(const void *a, const void *b) {
    return strcmp(((const record *)a)->path, ((const record *)b)->path);
}

/* helm's toJson .Chart.Dependencies, as data. */
static kz_value helm_deps(const char *json) {
    kz_value v = kz_json_parse(json, strlen(json), NULL);
    assert_true(kz_is_valid(&v));
    return v;
}

static void compare_record(kz_buf *diff, const record *r, char **want) {
    if (strcmp(r->path, want[0]) != 0) {
        kz_buf_printf(diff, "\n  chart: %s\n   want: %s", r->path, want[0]);
        return;
    }
    if (strcmp(want[1], "-") != 0 && strcmp(r->chart->name, want[1]) != 0) {
        kz_buf_printf(diff, "\n  %s name: %s, want %s", r->path, r->chart->name, want[1]);
    }
    if (strcmp(want[2], "-") != 0) {
        char *j = json_of(&r->values);
        if (strcmp(j, want[2]) != 0) kz_buf_printf(diff, "\n  %s json: %s\n%*s want: %s", r->path, j, (int)strlen(r->path) + 2, "", want[2]);
        free(j);
    }
    if (strcmp(want[3], "-") != 0) {
        kz_value w = helm_deps(want[3]);
        const kz_value *got = kz_map_getz(&r->chart->metadata, "dependencies");
        kz_value null = kz_null();
        if (!got) got = &null;
        if (!kz_equal(got, &w)) {
            char *j = json_of(got);
            kz_buf_printf(diff, "\n  %s deps: %s\n%*s want: %s", r->path, j, (int)strlen(r->path) + 2, "", want[3]);
            free(j);
        }
        kz_free(w);
    }
}

/* ---- cases ---- */

static size_t split_tabs(char *s, char **f, size_t max) {
    size_t n = 0;
    for (;;) {
        if (n < max) f[n++] = s;
        char *t = strchr(s, '\t');
        if (!t) return n;
        *t = '\0';
        s = t + 1;
    }
}

/* Run one case; returns NULL when it matches, else a description (malloc'd). */
static char *run_case(char *line) {
    char *arrow = strstr(line, "\t=>\t");
    assert_non_null(arrow);
    *arrow = '\0';
    char *in[16], *out[512];
    size_t nin = split_tabs(line, in, 16), nout = split_tabs(arrow + 4, out, 512);
    const char *sets[8];
    size_t nsets = 0;
    for (size_t i = 1; i + 1 < nin; i += 2) {
        assert_string_equal(in[i], "--set");
        sets[nsets++] = in[i + 1];
    }
    kz_buf path = KZ_BUF_INIT;
    if (strncmp(in[0], "$SHARED/", 8) == 0) kz_buf_printf(&path, "%s/%s", KZ_SHARED_DIR, in[0] + 8);
    else kz_buf_puts(&path, in[0]);

    kz_buf diff = KZ_BUF_INIT;
    golden_lines w = {.n = 0};
    kz_values_options o = {.values = sets, .n_values = nsets};
    kz_value user = kz_values_user(&o);
    assert_true(kz_is_map(&user));
    kz_chart *chart = NULL;
    kz_value err = kz_chart_load(kz_buf_cstr(&path), NULL, &chart);
    assert_true(kz_is_null(&err));
    err = kz_chart_check_dependencies(chart);
    if (kz_is_null(&err)) err = kz_chart_process_dependencies(chart, &user, true, collect, &w);
    kz_value vals = kz_invalid();
    if (kz_is_null(&err)) vals = kz_chart_coalesce_values(chart, &user, collect, &w);
    else vals = err, err = kz_null();

    char *warn = golden_lines_join(&w);
    if (strcmp(warn, out[1]) != 0) kz_buf_printf(&diff, "\n  warnings: %s\n      want: %s", warn, out[1]);
    free(warn);
    if (!kz_is_valid(&vals)) {
        const char *m = kz_error_message(&vals);
        if (strcmp(out[0], "error") != 0 || strcmp(m ? m : "", out[2]) != 0) {
            kz_buf_printf(&diff, "\n  error: %s\n   want: %s %s", m ? m : "?", out[0], nout > 2 ? out[2] : "?");
        }
    } else if (strcmp(out[0], "ok") != 0) {
        kz_buf_printf(&diff, "\n  ok, want error: %s", out[2]);
    } else {
        records rs = {.n = 0};
        walk(&rs, chart, &vals);
        qsort(rs.v, rs.n, sizeof rs.v[0], cmp_record);
        size_t want_n = (size_t)strtoul(out[2], NULL, 10);
        if (want_n != rs.n || nout != 3 + 4 * want_n) kz_buf_printf(&diff, "\n  %zu charts, want %zu", rs.n, want_n);
        for (size_t i = 0; i < rs.n && i < want_n && 3 + 4 * i + 3 < nout; i++) compare_record(&diff, &rs.v[i], &out[3 + 4 * i]);
        for (size_t i = 0; i < rs.n; i++) {
            if (i >= want_n) kz_buf_printf(&diff, "\n  extra chart %s", rs.v[i].path);
            free(rs.v[i].path);
            kz_free(rs.v[i].values);
        }
    }
    kz_free(vals);
    kz_free(user);
    kz_chart_free(chart);
    kz_buf_free(&path);
    if (diff.len == 0) {
        kz_buf_free(&diff);
        return NULL;
    }
    kz_buf b = KZ_BUF_INIT;
    for (size_t i = 0; i < nin; i++) kz_buf_printf(&b, "%s%s", i ? " " : "", in[i]);
    kz_buf_append(&b, diff.data, diff.len);
    kz_buf_free(&diff);
    return kz_buf_detach(&b, NULL);
}

static void test_golden_cases(void **state) {
    (void)state;
    kz_buf text = KZ_BUF_INIT;
    kz_value err = kz_invalid();
    assert_int_equal(kz_file_read("cases.tsv", &text, &err), 0);
    size_t total = 0, failed = 0;
    char *save = NULL;
    for (char *line = strtok_r(text.data, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        total++;
        char *why = run_case(line);
        if (why) {
            failed++;
            fprintf(stderr, "MISMATCH %s\n", why);
            free(why);
        }
    }
    fprintf(stderr, "deps goldens: %zu cases, %zu mismatches\n", total, failed);
    kz_buf_free(&text);
    assert_true(total >= 35);
    assert_int_equal(failed, 0);
}

/* ---- direct checks ---- */

static void test_copy(void **state) {
    (void)state;
    kz_chart *c = NULL;
    kz_value err = kz_chart_load("charts/top", NULL, &c);
    assert_true(kz_is_null(&err));
    kz_chart *d = kz_chart_copy(c);
    assert_null(d->parent);
    assert_string_equal(d->name, "top");
    assert_int_equal(d->ndeps, c->ndeps);
    for (size_t i = 0; i < d->ndeps; i++) {
        assert_ptr_equal(d->deps[i]->parent, d);
        assert_string_equal(d->deps[i]->name, c->deps[i]->name);
        assert_true(kz_equal(&d->deps[i]->values, &c->deps[i]->values));
    }
    assert_int_equal(d->templates.len, c->templates.len);
    assert_memory_equal(d->values_raw, c->values_raw, c->values_raw_len);
    kz_chart_free(c);
    kz_chart_free(d);
}

/* A chart without dependencies is left alone, and no warnings come. */
static void test_no_dependencies(void **state) {
    (void)state;
    kz_chart *c = NULL;
    kz_value err = kz_chart_load("charts/top/charts/sub", NULL, &c);
    assert_true(kz_is_null(&err));
    golden_lines w = {.n = 0};
    err = kz_chart_check_dependencies(c);
    assert_true(kz_is_null(&err));
    err = kz_chart_process_dependencies(c, NULL, true, collect, &w);
    assert_true(kz_is_null(&err));
    assert_int_equal(w.n, 0);
    kz_value v = kz_chart_coalesce_values(c, NULL, NULL, NULL);
    char *j = json_of(&v);
    assert_string_equal(j, "{\"enabled\":false,\"s\":1,\"sub3\":{\"flag\":true}}");
    free(j);
    kz_free(v);
    kz_chart_free(c);
}

int main(void) {
    if (chdir(GOLDEN_DIR) != 0) return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_golden_cases),
        cmocka_unit_test(test_copy),
        cmocka_unit_test(test_no_dependencies),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
