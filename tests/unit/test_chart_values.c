/*
 * Chart values (lib/chart/values.h) against helm v3.17's own output.
 *
 * tests/golden/values/cases.tsv (see its regen.sh) holds, for each command
 * line of -f/--set* flags, what `helm template` printed: the error, or the
 * Go types and toJson of .Values of a chart (c) or of a parent and its
 * subcharts (p, s, g, t), and the coalescing warnings. Each case is replayed
 * through kz_values_user, kz_values_coalesce_tree and kz_values_subchart.
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

#include "chart/values.h"
#include "core/buf.h"
#include "core/file.h"
#include "core/parallel.h"
#include "golden_util.h"
#include "json/json.h"
#include "yaml/parse.h"

#define GOLDEN_DIR KZ_TEST_DATA "/golden/values/"

/* ---- a chart tree for the ops ---- */

typedef struct tchart {
    const char *name;
    kz_value values;
    struct tchart *deps[2];
    size_t n_deps;
} tchart;

static const char *t_name(const void *c) { return ((const tchart *)c)->name; }
static const kz_value *t_values(const void *c) { return &((const tchart *)c)->values; }
static size_t t_n_deps(const void *c) { return ((const tchart *)c)->n_deps; }
static const void *t_dep(const void *c, size_t i) { return ((const tchart *)c)->deps[i]; }
static const kz_values_chart_ops OPS = {t_name, t_values, t_n_deps, t_dep};

static kz_value load_yaml(const char *path) {
    kz_buf b = KZ_BUF_INIT;
    kz_value err = kz_invalid();
    assert_int_equal(kz_file_read(path, &b, &err), 0);
    kz_yaml_parse_opts o = {.schema = KZ_YAML_HELM, .source_name = path, .max_threads = 1};
    kz_value v = kz_yaml_parse_one(b.data, b.len, &o);
    kz_buf_free(&b);
    assert_true(kz_is_map(&v));
    return v;
}

/* ---- Go type tree, as the "types" template of c/templates/x.yaml prints it ---- */

static int cmp_keys(const void *a, const void *b) {
    const kz_value *x = *(const kz_value *const *)a, *y = *(const kz_value *const *)b;
    return kz_key_cmp_bytes(kz_str(x), kz_str_len(x), kz_str(y), kz_str_len(y));
}

static void types_of(kz_buf *out, const kz_value *v) {
    switch (kz_kind_of(v)) {
    case KZ_MAP: {
        size_t n = kz_len(v);
        const kz_value **keys = calloc(n ? n : 1, sizeof *keys);
        for (size_t i = 0; i < n; i++) keys[i] = kz_map_key_at(v, i);
        qsort(keys, n, sizeof *keys, cmp_keys);
        kz_buf_putc(out, '{');
        for (size_t i = 0; i < n; i++) {
            kz_buf_append(out, kz_str(keys[i]), kz_str_len(keys[i]));
            kz_buf_putc(out, ':');
            types_of(out, kz_map_get(v, kz_str(keys[i]), kz_str_len(keys[i])));
            kz_buf_putc(out, ';');
        }
        kz_buf_putc(out, '}');
        free(keys);
        break;
    }
    case KZ_SEQ:
        kz_buf_putc(out, '[');
        for (size_t i = 0; i < kz_len(v); i++) {
            types_of(out, kz_seq_at(v, i));
            kz_buf_putc(out, ';');
        }
        kz_buf_putc(out, ']');
        break;
    case KZ_NULL: kz_buf_puts(out, "<nil>"); break;
    case KZ_BOOL: kz_buf_puts(out, "bool"); break;
    case KZ_INT: kz_buf_puts(out, kz_gotype_of(v) == KZ_GOTYPE_INT64 ? "int64" : "int"); break;
    case KZ_FLOAT: kz_buf_puts(out, "float64"); break;
    case KZ_STRING: kz_buf_puts(out, "string"); break;
    default: kz_buf_puts(out, "?"); break;
    }
}

static char *json_of(const kz_value *v) {
    kz_buf b = KZ_BUF_INIT;
    kz_value err = kz_invalid();
    assert_int_equal(kz_json_emit(&b, v, NULL, &err), 0);
    return kz_buf_detach(&b, NULL);
}

/* ---- warnings ---- */

/* Helm's lines, collected and compared sorted (golden_util.h). */
static void collect(void *ctx, int go_line, const char *msg) {
    kz_buf b = KZ_BUF_INIT;
    kz_buf_printf(&b, "coalesce.go:%d: %s", go_line, msg);
    golden_lines_add(ctx, kz_buf_detach(&b, NULL));
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

typedef struct fixture {
    tchart c, p, s, g, t;
} fixture;

static void fixture_load(fixture *fx) {
    memset(fx, 0, sizeof *fx);
    fx->c = (tchart){.name = "c", .values = load_yaml("c/values.yaml")};
    fx->g = (tchart){.name = "g", .values = load_yaml("p/charts/s/charts/g/values.yaml")};
    fx->s = (tchart){.name = "s", .values = load_yaml("p/charts/s/values.yaml"), .deps = {&fx->g}, .n_deps = 1};
    fx->t = (tchart){.name = "t", .values = load_yaml("p/charts/t/values.yaml")};
    fx->p = (tchart){.name = "p", .values = load_yaml("p/values.yaml"), .deps = {&fx->s, &fx->t}, .n_deps = 2};
}

static void fixture_free(fixture *fx) {
    kz_free(fx->c.values);
    kz_free(fx->p.values);
    kz_free(fx->s.values);
    kz_free(fx->g.values);
    kz_free(fx->t.values);
}

/* Run one case; returns NULL when it matches, else a description (malloc'd). */
static char *run_case(const fixture *fx, char *line) {
    char *arrow = strstr(line, "\t=>\t");
    assert_non_null(arrow);
    *arrow = '\0';
    char *in[32], *out[16];
    size_t nin = split_tabs(line, in, 32), nout = split_tabs(arrow + 4, out, 16);
    const char *lists[6][16];
    size_t counts[6] = {0};
    static const char *const flags[6] = {"-f", "--set-json", "--set", "--set-string", "--set-file", "--set-literal"};
    for (size_t i = 1; i + 1 < nin; i += 2) {
        size_t k = 0;
        while (k < 6 && strcmp(in[i], flags[k]) != 0) k++;
        assert_true(k < 6);
        lists[k][counts[k]++] = in[i + 1];
    }
    kz_values_options o = {
        .value_files = lists[0], .n_value_files = counts[0],
        .json_values = lists[1], .n_json_values = counts[1],
        .values = lists[2], .n_values = counts[2],
        .string_values = lists[3], .n_string_values = counts[3],
        .file_values = lists[4], .n_file_values = counts[4],
        .literal_values = lists[5], .n_literal_values = counts[5],
    };
    kz_buf diff = KZ_BUF_INIT;
    golden_lines w = {.n = 0};
    kz_value user = kz_values_user(&o);
    kz_value vals = kz_invalid();
    if (kz_is_valid(&user)) {
        const tchart *top = strcmp(in[0], "c") == 0 ? &fx->c : &fx->p;
        vals = kz_values_coalesce_tree(top, &OPS, &user, false, collect, &w);
    } else {
        vals = user;
        user = kz_invalid();
    }
    char *warn = golden_lines_join(&w);
    if (strcmp(warn, out[1]) != 0) kz_buf_printf(&diff, "\n  warnings: %s\n      want: %s", warn, out[1]);
    free(warn);
    if (!kz_is_valid(&vals)) {
        const char *m = kz_error_message(&vals);
        if (strcmp(out[0], "error") != 0 || strcmp(m ? m : "", out[2]) != 0) {
            kz_buf_printf(&diff, "\n  error: %s\n   want: %s %s", m ? m : "?", out[0], nout > 2 ? out[2] : "?");
        }
    } else if (strcmp(out[0], "ok") != 0) {
        char *j = json_of(&vals);
        kz_buf_printf(&diff, "\n  ok: %s\n  want error: %s", j, out[2]);
        free(j);
    } else {
        kz_buf t = KZ_BUF_INIT;
        types_of(&t, &vals);
        if (strcmp(kz_buf_cstr(&t), out[2]) != 0) kz_buf_printf(&diff, "\n  types: %s\n   want: %s", kz_buf_cstr(&t), out[2]);
        kz_buf_free(&t);
        kz_value docs[4] = {kz_copy(&vals), kz_invalid(), kz_invalid(), kz_invalid()};
        size_t ndocs = 1;
        if (strcmp(in[0], "p") == 0) {
            docs[1] = kz_values_subchart(&vals, "s");
            docs[2] = kz_values_subchart(&docs[1], "g");
            docs[3] = kz_values_subchart(&vals, "t");
            ndocs = 4;
        }
        for (size_t d = 0; d < ndocs; d++) {
            char *j = json_of(&docs[d]);
            if (3 + d >= nout || strcmp(j, out[3 + d]) != 0) {
                kz_buf_printf(&diff, "\n  json[%zu]: %s\n     want: %s", d, j, 3 + d < nout ? out[3 + d] : "?");
            }
            free(j);
            kz_free(docs[d]);
        }
    }
    kz_free(user);
    kz_free(vals);
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
    fixture fx;
    fixture_load(&fx);
    kz_buf text = KZ_BUF_INIT;
    kz_value err = kz_invalid();
    assert_int_equal(kz_file_read("cases.tsv", &text, &err), 0);
    size_t total = 0, failed = 0;
    char *save = NULL;
    for (char *line = strtok_r(text.data, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        total++;
        char *why = run_case(&fx, line);
        if (why) {
            failed++;
            fprintf(stderr, "MISMATCH %s\n", why);
            free(why);
        }
    }
    fprintf(stderr, "values goldens: %zu cases, %zu mismatches\n", total, failed);
    kz_buf_free(&text);
    fixture_free(&fx);
    assert_true(total >= 150);
    assert_int_equal(failed, 0);
}

/* ---- direct checks ---- */

static kz_value parse_set(const char *line, kz_strvals_mode mode, kz_value *err) {
    kz_value m = kz_map();
    *err = kz_strvals_parse(&m, line, strlen(line), mode, NULL, NULL);
    return m;
}

static void test_max_index(void **state) {
    (void)state;
    kz_value err;
    kz_value m = parse_set("a[65536]=1", KZ_STRVALS_SET, &err);
    assert_true(kz_is_null(&err));
    const kz_value *a = kz_map_getz(&m, "a");
    assert_int_equal(kz_len(a), 65537);
    assert_int_equal(kz_int_get(kz_seq_at(a, 65536)), 1);
    assert_int_equal(kz_gotype_of(kz_seq_at(a, 65536)), KZ_GOTYPE_INT64);
    kz_free(m);
}

static void test_invalid_utf8(void **state) {
    (void)state;
    kz_value err;
    kz_value m = parse_set("k\xff=v\xfe", KZ_STRVALS_SET, &err);
    assert_true(kz_is_null(&err));
    const kz_value *v = kz_map_getz(&m, "k\xef\xbf\xbd");
    assert_non_null(v);
    assert_true(kz_str_eqz(v, "v\xef\xbf\xbd"));
    kz_free(m);
}

static int fake_reader(void *ctx, const char *path, kz_buf *out, kz_value *err) {
    (void)ctx;
    if (strcmp(path, "x") == 0) {
        kz_buf_puts(out, "contents");
        return 0;
    }
    *err = kz_error("open %s: no such file or directory", path);
    return -1;
}

static void test_file_reader(void **state) {
    (void)state;
    kz_value m = kz_map();
    kz_value err = kz_strvals_parse(&m, "a=x", 3, KZ_STRVALS_FILE, fake_reader, NULL);
    assert_true(kz_is_null(&err));
    assert_true(kz_str_eqz(kz_map_getz(&m, "a"), "contents"));
    err = kz_strvals_parse(&m, "b=y", 3, KZ_STRVALS_FILE, fake_reader, NULL);
    assert_string_equal(kz_error_message(&err), "open y: no such file or directory");
    kz_free(err);
    kz_free(m);
}

static void test_coalesce_tables_and_subchart(void **state) {
    (void)state;
    kz_json_parse_opts jo = {.numbers = KZ_JSON_NUMBERS_FLOAT64};
    const char *d = "{\"a\":null,\"b\":{\"c\":1},\"x\":{\"y\":{\"z\":1}}}";
    const char *s = "{\"a\":1,\"b\":{\"d\":2},\"e\":3}";
    kz_value dst = kz_json_parse(d, strlen(d), &jo);
    kz_value src = kz_json_parse(s, strlen(s), &jo);
    kz_value merged = kz_copy(&dst);
    kz_values_coalesce_tables(&merged, &src, true, NULL, NULL);
    char *j = json_of(&merged);
    assert_string_equal(j, "{\"a\":null,\"b\":{\"c\":1,\"d\":2},\"e\":3,\"x\":{\"y\":{\"z\":1}}}");
    free(j);
    kz_free(merged);
    kz_value co = kz_deep_copy(&dst);
    kz_values_coalesce_tables(&co, &src, false, NULL, NULL);
    j = json_of(&co);
    assert_string_equal(j, "{\"b\":{\"c\":1,\"d\":2},\"e\":3,\"x\":{\"y\":{\"z\":1}}}");
    free(j);
    kz_value sub = kz_values_subchart(&co, "x.y");
    j = json_of(&sub);
    assert_string_equal(j, "{\"z\":1}");
    assert_int_equal(kz_gotype_of(&sub), KZ_GOTYPE_CHART_VALUES);
    free(j);
    kz_free(sub);
    sub = kz_values_subchart(&co, "e");
    assert_int_equal(kz_len(&sub), 0);
    kz_free(sub);
    kz_free(co);
    kz_free(dst);
    kz_free(src);
}

int main(void) {
    if (chdir(GOLDEN_DIR) != 0) return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_golden_cases),
        cmocka_unit_test(test_max_index),
        cmocka_unit_test(test_invalid_utf8),
        cmocka_unit_test(test_file_reader),
        cmocka_unit_test(test_coalesce_tables_and_subchart),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    kz_parallel_reap(); /* workers still exiting would run beside LeakSanitizer's check */
    return failed;
}
