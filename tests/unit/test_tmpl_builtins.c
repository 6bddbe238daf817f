/*
 * Tests of text/template's pure builtins (tmpl/builtins.h): html, js and
 * urlquery escaping, truth, and eq/ne/lt/le/gt/ge with Go's error messages.
 *
 * The goldens in tests/golden/builtins were recorded with the reference helm
 * by regen.sh:
 *   escape.tsv   HEX input, then html, js, urlquery outputs ('\\' and \xNN escapes)
 *   truth.tsv    operand name, true|false
 *   compare.tsv  op, operand names a and b, "true" / "false" / "error: MESSAGE"
 * Operand names are those of operands.tsv; make_operand() below builds each one
 * as the Go value its template expression gives (kind and Go type hint).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/file.h"
#include "core/value.h"
#include "tmpl/builtins.h"

#define GOLDEN_DIR KZ_TEST_DATA "/golden/builtins/"

/* ---- reading goldens ---- */

typedef struct golden {
    kz_buf text;
    char *line;  /* current line, NUL-terminated in place */
    char *next;
} golden;

static void golden_open(golden *g, const char *name) {
    kz_value err = kz_invalid();
    kz_buf_init(&g->text);
    if (kz_file_read(name, &g->text, &err) != 0) fail_msg("%s", kz_error_message(&err));
    g->next = g->text.data;
}

/* The next line that is not a comment, or NULL. */
static char *golden_line(golden *g) {
    while (g->next && *g->next) {
        char *line = g->next;
        char *nl = strchr(line, '\n');
        if (nl) *nl = '\0';
        g->next = nl ? nl + 1 : NULL;
        if (line[0] != '#' && line[0] != '\0') return line;
    }
    return NULL;
}

/* Split line at tabs into at most max fields; returns the count. */
static int split_tabs(char *line, char **fields, int max) {
    int n = 0;
    fields[n++] = line;
    for (char *p = line; *p && n < max; p++) {
        if (*p == '\t') {
            *p = '\0';
            fields[n++] = p + 1;
        }
    }
    return n;
}

static int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    fail_msg("bad hex digit %c", c);
    return 0;
}

/* "-" is the empty string; otherwise two hex digits per byte. */
static void decode_hex(kz_buf *out, const char *hex) {
    if (strcmp(hex, "-") == 0) return;
    for (size_t i = 0; hex[i] && hex[i + 1]; i += 2)
        kz_buf_putc(out, (char)(hex_digit(hex[i]) * 16 + hex_digit(hex[i + 1])));
}

/* regen.sh's esc(): "\\" is a backslash, "\xNN" a byte, the rest is literal. */
static void decode_escaped(kz_buf *out, const char *s) {
    for (size_t i = 0; s[i]; i++) {
        if (s[i] == '\\' && s[i + 1] == '\\') {
            kz_buf_putc(out, '\\');
            i++;
        } else if (s[i] == '\\' && s[i + 1] == 'x') {
            kz_buf_putc(out, (char)(hex_digit(s[i + 2]) * 16 + hex_digit(s[i + 3])));
            i += 3;
        } else {
            kz_buf_putc(out, s[i]);
        }
    }
}

/* ---- operands of operands.tsv ---- */

static kz_value seq_of(kz_value a, kz_value b) {
    kz_value s = kz_seq();
    kz_seq_push(&s, a);
    kz_seq_push(&s, b);
    return s;
}

static kz_value map_of(const char *key, kz_value v) {
    kz_value m = kz_map();
    kz_map_setz(&m, key, v);
    return m;
}

/* The Go value of each operand's template expression. */
static kz_value make_operand(const char *name) {
    static const struct {
        const char *name;
        int64_t i;
        kz_gotype t;
    } ints[] = {
        {"int1", 1, KZ_GOTYPE_NATURAL},     {"int3", 3, KZ_GOTYPE_NATURAL},
        {"intneg1", -1, KZ_GOTYPE_NATURAL}, {"int0", 0, KZ_GOTYPE_NATURAL},
        {"int64_3", 3, KZ_GOTYPE_INT64},    {"int64_0", 0, KZ_GOTYPE_INT64},
        {"uint8_3", 3, KZ_GOTYPE_UINT8},    {"uint8_255", 255, KZ_GOTYPE_UINT8},
        {"uint8_0", 0, KZ_GOTYPE_UINT8},
    };
    static const struct {
        const char *name;
        double f;
    } floats[] = {
        {"float3", 3},         {"float2_5", 2.5},        {"float0", 0},
        {"vfloat3", 3},        {"vfloatneg1_5", -1.5}, {"vfloat0", 0},
    };
    static const struct {
        const char *name, *s;
    } strings[] = {
        {"str_a", "a"}, {"str_b", "b"}, {"str_empty", ""}, {"str_3", "3"}, {"str_0", "0"},
    };
    for (size_t i = 0; i < sizeof ints / sizeof ints[0]; i++)
        if (strcmp(name, ints[i].name) == 0) return kz_with_gotype(kz_int(ints[i].i), ints[i].t);
    for (size_t i = 0; i < sizeof floats / sizeof floats[0]; i++)
        if (strcmp(name, floats[i].name) == 0) return kz_float(floats[i].f);
    for (size_t i = 0; i < sizeof strings / sizeof strings[0]; i++)
        if (strcmp(name, strings[i].name) == 0) return kz_string(strings[i].s);
    if (strcmp(name, "true") == 0) return kz_bool(true);
    if (strcmp(name, "false") == 0) return kz_bool(false);
    if (strcmp(name, "nil") == 0 || strcmp(name, "missing") == 0) return kz_null();
    if (strcmp(name, "list12") == 0) return seq_of(kz_int(1), kz_int(2));
    if (strcmp(name, "vseq") == 0) return seq_of(kz_float(1), kz_string("a"));
    if (strcmp(name, "strslice") == 0)
        return kz_with_gotype(seq_of(kz_string("a"), kz_string("b")), KZ_GOTYPE_STRING_SLICE);
    if (strcmp(name, "emptylist") == 0 || strcmp(name, "vemptyseq") == 0) return kz_seq();
    if (strcmp(name, "dict_a1") == 0) return map_of("a", kz_int(1));
    if (strcmp(name, "vmap") == 0) return map_of("a", kz_float(1));
    if (strcmp(name, "emptydict") == 0 || strcmp(name, "vemptymap") == 0) return kz_map();
    if (strcmp(name, "bytes") == 0) return kz_with_gotype(kz_string("ab"), KZ_GOTYPE_BYTES);
    if (strcmp(name, "emptybytes") == 0) return kz_with_gotype(kz_string(""), KZ_GOTYPE_BYTES);
    fail_msg("unknown operand %s", name);
    return kz_invalid();
}

/* ---- escapers ---- */

static void test_escape_golden(void **state) {
    (void)state;
    golden g;
    golden_open(&g, GOLDEN_DIR "escape.tsv");
    typedef void (*escaper)(kz_buf *, const char *, size_t);
    static const escaper escapers[3] = {kz_tmpl_html_escape, kz_tmpl_js_escape,
                                        kz_tmpl_urlquery_escape};
    static const char *const names[3] = {"html", "js", "urlquery"};
    int cases = 0, failures = 0;
    for (char *line; (line = golden_line(&g));) {
        char *f[4];
        if (split_tabs(line, f, 4) != 4) fail_msg("bad escape.tsv line %s", line);
        kz_buf input = KZ_BUF_INIT;
        decode_hex(&input, f[0]);
        for (int k = 0; k < 3; k++) {
            kz_buf want = KZ_BUF_INIT, got = KZ_BUF_INIT;
            decode_escaped(&want, f[k + 1]);
            escapers[k](&got, input.data ? input.data : "", input.len);
            if (got.len != want.len || (got.len && memcmp(got.data, want.data, got.len) != 0)) {
                if (failures++ < 20)
                    print_error("%s of %s: got \"%s\", want \"%s\"\n", names[k], f[0],
                                kz_buf_cstr(&got), kz_buf_cstr(&want));
            }
            cases++;
            kz_buf_free(&want);
            kz_buf_free(&got);
        }
        kz_buf_free(&input);
    }
    kz_buf_free(&g.text);
    assert_true(cases >= 3 * 50);
    assert_int_equal(failures, 0);
}

/* ---- truth ---- */

static void test_truth_golden(void **state) {
    (void)state;
    golden g;
    golden_open(&g, GOLDEN_DIR "truth.tsv");
    int cases = 0, failures = 0;
    for (char *line; (line = golden_line(&g));) {
        char *f[2];
        if (split_tabs(line, f, 2) != 2) fail_msg("bad truth.tsv line %s", line);
        kz_value v = make_operand(f[0]);
        bool want = strcmp(f[1], "true") == 0;
        if (kz_tmpl_truth(&v) != want && failures++ < 20)
            print_error("truth of %s: want %s\n", f[0], f[1]);
        kz_free(v);
        cases++;
    }
    kz_buf_free(&g.text);
    assert_true(cases >= 30);
    assert_int_equal(failures, 0);
}

/* Cases helm can't build (values come from template expressions, which have no
 * NaN or uint64), following Go's IsTrue: nonzero floats, NaN included, are true. */
static void test_truth_extra(void **state) {
    (void)state;
    kz_value v = kz_invalid();
    assert_false(kz_tmpl_truth(&v));
    v = kz_float(-0.0);
    assert_false(kz_tmpl_truth(&v));
    v = kz_float(0.0 / 0.0);
    assert_true(kz_tmpl_truth(&v));
    v = kz_uint(UINT64_MAX);
    assert_true(kz_tmpl_truth(&v));
}

/* ---- comparisons ---- */

static bool parse_op(const char *s, kz_tmpl_cmp_op *op) {
    static const char *const names[] = {"eq", "ne", "lt", "le", "gt", "ge"};
    static const kz_tmpl_cmp_op ops[] = {KZ_CMP_EQ, KZ_CMP_NE, KZ_CMP_LT,
                                         KZ_CMP_LE, KZ_CMP_GT, KZ_CMP_GE};
    for (size_t i = 0; i < 6; i++) {
        if (strcmp(s, names[i]) == 0) {
            *op = ops[i];
            return true;
        }
    }
    return false;
}

/* What kz_tmpl_compare says, in compare.tsv's form, into out. */
static void describe_compare(kz_buf *out, kz_tmpl_cmp_op op, const kz_value *a,
                             const kz_value *b) {
    bool result = false;
    kz_value err = kz_tmpl_compare(op, a, b, &result);
    if (kz_is_null(&err))
        kz_buf_puts(out, result ? "true" : "false");
    else if (kz_error_message(&err))
        kz_buf_printf(out, "error: %s", kz_error_message(&err));
    else
        kz_buf_puts(out, "(neither NULL nor an error)");
    kz_free(err);
}

static void test_compare_golden(void **state) {
    (void)state;
    golden g;
    golden_open(&g, GOLDEN_DIR "compare.tsv");
    int cases = 0, failures = 0, errors = 0;
    for (char *line; (line = golden_line(&g));) {
        char *f[4];
        kz_tmpl_cmp_op op;
        if (split_tabs(line, f, 4) != 4 || !parse_op(f[0], &op))
            fail_msg("bad compare.tsv line %s", line);
        kz_value a = make_operand(f[1]), b = make_operand(f[2]);
        kz_buf got = KZ_BUF_INIT;
        describe_compare(&got, op, &a, &b);
        if (strcmp(kz_buf_cstr(&got), f[3]) != 0 && failures++ < 30)
            print_error("%s %s %s: got \"%s\", want \"%s\"\n", f[0], f[1], f[2],
                        kz_buf_cstr(&got), f[3]);
        errors += strncmp(f[3], "error: ", 7) == 0;
        cases++;
        kz_buf_free(&got);
        kz_free(a);
        kz_free(b);
    }
    kz_buf_free(&g.text);
    assert_true(cases >= 6 * 200);
    assert_true(errors >= 100); /* the golden really holds error cases */
    assert_int_equal(failures, 0);
}

/* Unsigned values beyond int64 (kz_uint), which no helm template can build:
 * Go compares int and uint by value, a negative int being below every uint. */
static void test_compare_uint64(void **state) {
    (void)state;
    kz_value big = kz_uint(UINT64_MAX), neg = kz_int(-1), big2 = kz_uint(UINT64_MAX - 1);
    kz_buf got = KZ_BUF_INIT;
    describe_compare(&got, KZ_CMP_EQ, &big, &neg);
    describe_compare(&got, KZ_CMP_LT, &neg, &big);
    describe_compare(&got, KZ_CMP_GT, &big, &neg);
    describe_compare(&got, KZ_CMP_LT, &big2, &big);
    describe_compare(&got, KZ_CMP_EQ, &big, &big);
    assert_string_equal(kz_buf_cstr(&got), "falsetruetruetruetrue");
    kz_buf_free(&got);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_escape_golden),
        cmocka_unit_test(test_truth_golden),
        cmocka_unit_test(test_truth_extra),
        cmocka_unit_test(test_compare_golden),
        cmocka_unit_test(test_compare_uint64),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
