/*
 * Tests of the JSON encoder (json/json.h kz_json_emit), of the JSON parser it is
 * paired with, and of Go's float formatting (core/gofloat.h).
 *
 * Goldens in tests/golden/json/ were recorded with the reference helm by regen.sh:
 * values.* (toJson/toRawJson/toPrettyJson of chart/values.yaml), strings.tsv (byte
 * strings through toJson/toRawJson) and floats.tsv (Go's fmt/strconv on floats).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/file.h"
#include "core/gofloat.h"
#include "core/value.h"
#include "json/json.h"

#define GOLDEN_DIR KZ_TEST_DATA "/golden/json/"

/* ---- helpers ---- */

static char *read_file(const char *path, size_t *len) {
    kz_buf b = KZ_BUF_INIT;
    kz_value err;
    if (kz_file_read(path, &b, &err) != 0) fail_msg("%s", kz_error_message(&err));
    return kz_buf_detach(&b, len);
}

/* Emit v (borrowed) with the given options; returns the text (caller frees). */
static char *emit_with(const kz_value *v, bool raw, const char *prefix, const char *indent) {
    kz_json_emit_opts opts = {.raw = raw, .prefix = prefix, .indent = indent};
    kz_buf out = KZ_BUF_INIT;
    kz_value err = kz_invalid();
    int rc = kz_json_emit(&out, v, &opts, &err);
    if (rc != 0) fail_msg("unexpected emit error: %s", kz_error_message(&err));
    kz_free(err);
    return kz_buf_detach(&out, NULL);
}

/* Emit v (consumed) compactly and compare with the expected text. */
static void check_compact(kz_value v, const char *want) {
    char *got = emit_with(&v, false, NULL, NULL);
    assert_string_equal(got, want);
    free(got);
    kz_free(v);
}

static void check_string(const char *bytes, size_t n, const char *want_escaped,
                         const char *want_raw) {
    kz_value s = kz_string_n(bytes, n);
    char *got = emit_with(&s, false, NULL, NULL);
    assert_string_equal(got, want_escaped);
    free(got);
    got = emit_with(&s, true, NULL, NULL);
    assert_string_equal(got, want_raw);
    free(got);
    kz_free(s);
}

/* Emit expecting failure; returns the error message (caller frees) and checks the
 * buffer was left as it was. */
static char *emit_error(const kz_value *v) {
    kz_buf out = KZ_BUF_INIT;
    kz_buf_puts(&out, "keep");
    kz_value err = kz_invalid();
    assert_int_equal(kz_json_emit(&out, v, NULL, &err), -1);
    assert_string_equal(kz_buf_cstr(&out), "keep");
    assert_non_null(kz_error_message(&err));
    char *msg = strdup(kz_error_message(&err));
    kz_free(err);
    /* err may be NULL too. */
    assert_int_equal(kz_json_emit(&out, v, NULL, NULL), -1);
    kz_buf_free(&out);
    return msg;
}

static kz_value parse_native(const char *text) {
    return kz_json_parse(text, strlen(text), NULL);
}

static kz_value parse_float64(const char *text) {
    kz_json_parse_opts o = {.numbers = KZ_JSON_NUMBERS_FLOAT64, .source_name = NULL};
    return kz_json_parse(text, strlen(text), &o);
}

/* ---- escaping rules ---- */

static void test_escape_quote_backslash(void **state) {
    (void)state;
    check_string("a\"b\\c/d'e", 9, "\"a\\\"b\\\\c/d'e\"", "\"a\\\"b\\\\c/d'e\"");
}

static void test_escape_short_controls(void **state) {
    (void)state;
    /* Go >= 1.22 writes \b and \f in short form too. */
    check_string("\n\r\t\b\f", 5, "\"\\n\\r\\t\\b\\f\"", "\"\\n\\r\\t\\b\\f\"");
}

static void test_escape_other_controls_lowercase_hex(void **state) {
    (void)state;
    check_string("\x00\x01\x0b\x1b\x1f", 5, "\"\\u0000\\u0001\\u000b\\u001b\\u001f\"",
                 "\"\\u0000\\u0001\\u000b\\u001b\\u001f\"");
}

static void test_escape_html_unless_raw(void **state) {
    (void)state;
    check_string("<a>&b", 5, "\"\\u003ca\\u003e\\u0026b\"", "\"<a>&b\"");
}

static void test_escape_line_separators_even_raw(void **state) {
    (void)state;
    check_string("a\xe2\x80\xa8" "b\xe2\x80\xa9", 8, "\"a\\u2028b\\u2029\"", "\"a\\u2028b\\u2029\"");
    /* Their neighbours U+2027 and U+202A are ordinary. */
    check_string("\xe2\x80\xa7\xe2\x80\xaa", 6, "\"\xe2\x80\xa7\xe2\x80\xaa\"",
                 "\"\xe2\x80\xa7\xe2\x80\xaa\"");
}

static void test_escape_invalid_utf8(void **state) {
    (void)state;
    /* One U+FFFD per byte that starts no valid sequence. */
    check_string("a\xff" "b", 3, "\"a\\ufffdb\"", "\"a\\ufffdb\"");
    check_string("\xed\xa0\x80", 3, "\"\\ufffd\\ufffd\\ufffd\"", "\"\\ufffd\\ufffd\\ufffd\"");
    check_string("\xe2\x82", 2, "\"\\ufffd\\ufffd\"", "\"\\ufffd\\ufffd\"");
    check_string("\xc0\x80", 2, "\"\\ufffd\\ufffd\"", "\"\\ufffd\\ufffd\"");
    check_string("\xf4\x90\x80\x80", 4, "\"\\ufffd\\ufffd\\ufffd\\ufffd\"",
                 "\"\\ufffd\\ufffd\\ufffd\\ufffd\"");
    /* A real U+FFFD is valid and stays raw. */
    check_string("\xef\xbf\xbd", 3, "\"\xef\xbf\xbd\"", "\"\xef\xbf\xbd\"");
}

static void test_passthrough_del_and_non_ascii(void **state) {
    (void)state;
    check_string("\x7f", 1, "\"\x7f\"", "\"\x7f\"");
    check_string("\xc3\xa9\xf0\x9f\x98\x80\xf4\x8f\xbf\xbf", 10,
                 "\"\xc3\xa9\xf0\x9f\x98\x80\xf4\x8f\xbf\xbf\"",
                 "\"\xc3\xa9\xf0\x9f\x98\x80\xf4\x8f\xbf\xbf\"");
    check_string("", 0, "\"\"", "\"\"");
}

static void test_keys_are_escaped_too(void **state) {
    (void)state;
    kz_value m = kz_map();
    kz_map_setz(&m, "<k\n>", kz_int(1));
    char *got = emit_with(&m, false, NULL, NULL);
    assert_string_equal(got, "{\"\\u003ck\\n\\u003e\":1}");
    free(got);
    got = emit_with(&m, true, NULL, NULL);
    assert_string_equal(got, "{\"<k\\n>\":1}");
    free(got);
    kz_free(m);
}

/* A long string with escapes at both ends and in the middle of long safe runs. */
static void test_long_string_runs(void **state) {
    (void)state;
    kz_buf in = KZ_BUF_INIT, want = KZ_BUF_INIT;
    kz_buf_putc(&want, '"');
    for (int i = 0; i < 1000; i++) {
        kz_buf_puts(&in, "<plain text run>\x01");
        kz_buf_puts(&want, "\\u003cplain text run\\u003e\\u0001");
    }
    kz_buf_putc(&want, '"');
    kz_value s = kz_string_n(in.data, in.len);
    char *got = emit_with(&s, false, NULL, NULL);
    assert_string_equal(got, kz_buf_cstr(&want));
    free(got);
    kz_free(s);
    kz_buf_free(&in);
    kz_buf_free(&want);
}

/* ---- scalars and numbers ---- */

static void test_scalars(void **state) {
    (void)state;
    check_compact(kz_null(), "null");
    check_compact(kz_bool(true), "true");
    check_compact(kz_bool(false), "false");
    check_compact(kz_int(0), "0");
    check_compact(kz_int(-42), "-42");
    check_compact(kz_int(INT64_MAX), "9223372036854775807");
    check_compact(kz_int(INT64_MIN), "-9223372036854775808");
    check_compact(kz_float(1e21), "1e+21");
    check_compact(kz_float(1e20), "100000000000000000000");
    check_compact(kz_float(1e-7), "1e-7");
    check_compact(kz_float(0.000001), "0.000001");
    check_compact(kz_float(1.5), "1.5");
    check_compact(kz_float(-0.0), "-0");
    check_compact(kz_float(100), "100");
    check_compact(kz_float(5e-324), "5e-324");
    /* Around 2^53, where the encoder's integer fast path ends. */
    check_compact(kz_float(9007199254740991.0), "9007199254740991");
    check_compact(kz_float(-9007199254740991.0), "-9007199254740991");
    check_compact(kz_float(9007199254740992.0), "9007199254740992");
    check_compact(kz_float(18014398509481988.0), "18014398509481988");
    check_compact(kz_float(1152921504606846976.0), "1152921504606847000");
    check_compact(kz_float(1.7976931348623157e308), "1.7976931348623157e+308");
}

static void test_unsupported_floats(void **state) {
    (void)state;
    struct { double f; const char *msg; } cases[] = {
        {NAN, "json: unsupported value: NaN"},
        {INFINITY, "json: unsupported value: +Inf"},
        {-INFINITY, "json: unsupported value: -Inf"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        kz_value v = kz_float(cases[i].f);
        char *msg = emit_error(&v);
        assert_string_equal(msg, cases[i].msg);
        free(msg);
        /* Deep inside a structure too, with the output rolled back. */
        kz_value m = kz_map(), s = kz_seq();
        kz_seq_push(&s, kz_string("before"));
        kz_seq_push(&s, v);
        kz_map_setz(&m, "a", kz_int(1));
        kz_map_setz(&m, "b", s);
        msg = emit_error(&m);
        assert_string_equal(msg, cases[i].msg);
        free(msg);
        kz_free(m);
    }
}

static void test_invalid_values(void **state) {
    (void)state;
    kz_value inv = kz_invalid();
    char *msg = emit_error(&inv);
    assert_string_equal(msg, "json: unsupported value: invalid value");
    free(msg);
    /* An error value passes its own message on. */
    kz_value e = kz_error("values.yaml:3:1: boom");
    kz_value m = kz_map();
    kz_map_setz(&m, "x", e);
    msg = emit_error(&m);
    assert_string_equal(msg, "values.yaml:3:1: boom");
    free(msg);
    kz_free(m);
}

/* ---- containers ---- */

static void test_map_keys_sorted_by_bytes(void **state) {
    (void)state;
    kz_value m = kz_map();
    const char *keys[] = {"b", "a", "B", "aa", "", "\xc3\xa9", "_", "10", "9", "a\x01"};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) kz_map_setz(&m, keys[i], kz_int((int64_t)i));
    kz_map_set(&m, kz_string_n("a\0", 2), kz_int(10));
    check_compact(m, "{\"\":4,\"10\":7,\"9\":8,\"B\":2,\"_\":6,\"a\":1,\"a\\u0000\":10,"
                     "\"a\\u0001\":9,\"aa\":3,\"b\":0,\"\xc3\xa9\":5}");
}

static void test_big_map_sorted(void **state) {
    (void)state;
    /* More keys than the encoder sorts on the stack. */
    kz_value m = kz_map();
    kz_buf want = KZ_BUF_INIT;
    for (int i = 99; i >= 0; i--) {
        char key[16];
        snprintf(key, sizeof key, "k%02d", i);
        kz_map_setz(&m, key, kz_int(i));
    }
    kz_buf_putc(&want, '{');
    for (int i = 0; i < 100; i++) kz_buf_printf(&want, "%s\"k%02d\":%d", i ? "," : "", i, i);
    kz_buf_putc(&want, '}');
    check_compact(m, kz_buf_cstr(&want));
    kz_buf_free(&want);
}

static void test_empty_containers(void **state) {
    (void)state;
    check_compact(kz_map(), "{}");
    check_compact(kz_seq(), "[]");
    kz_value v = parse_native("{\"a\":[],\"b\":{},\"c\":[{}],\"d\":[[]]}");
    assert_true(kz_is_valid(&v));
    char *got = emit_with(&v, false, NULL, NULL);
    assert_string_equal(got, "{\"a\":[],\"b\":{},\"c\":[{}],\"d\":[[]]}");
    free(got);
    got = emit_with(&v, false, NULL, "  ");
    assert_string_equal(got, "{\n  \"a\": [],\n  \"b\": {},\n  \"c\": [\n    {}\n  ],\n"
                             "  \"d\": [\n    []\n  ]\n}");
    free(got);
    kz_free(v);
    kz_value e = kz_map();
    got = emit_with(&e, false, ">", "\t");
    assert_string_equal(got, "{}");
    free(got);
    kz_free(e);
}

static void test_indent_layout(void **state) {
    (void)state;
    kz_value v = parse_native("{\"s\":[1,\"x\",{\"k\":null}],\"a\":true}");
    char *got = emit_with(&v, false, NULL, "  ");
    assert_string_equal(got, "{\n"
                             "  \"a\": true,\n"
                             "  \"s\": [\n"
                             "    1,\n"
                             "    \"x\",\n"
                             "    {\n"
                             "      \"k\": null\n"
                             "    }\n"
                             "  ]\n"
                             "}");
    free(got);
    /* MarshalIndent's prefix starts every line but the first. */
    got = emit_with(&v, false, "//", "\t");
    assert_string_equal(got, "{\n"
                             "//\t\"a\": true,\n"
                             "//\t\"s\": [\n"
                             "//\t\t1,\n"
                             "//\t\t\"x\",\n"
                             "//\t\t{\n"
                             "//\t\t\t\"k\": null\n"
                             "//\t\t}\n"
                             "//\t]\n"
                             "//}");
    free(got);
    /* No indent: compact, whatever the prefix. */
    got = emit_with(&v, false, "//", "");
    assert_string_equal(got, "{\"a\":true,\"s\":[1,\"x\",{\"k\":null}]}");
    free(got);
    kz_free(v);
    /* Scalars have no line breaks; strings keep their escapes. */
    kz_value s = kz_string("<\n>");
    got = emit_with(&s, true, "p", "  ");
    assert_string_equal(got, "\"<\\n>\"");
    free(got);
    kz_free(s);
}

static void test_appends_to_existing_buffer(void **state) {
    (void)state;
    kz_buf out = KZ_BUF_INIT;
    kz_buf_puts(&out, "x=");
    kz_value v = kz_int(7);
    assert_int_equal(kz_json_emit(&out, &v, NULL, NULL), 0);
    assert_string_equal(kz_buf_cstr(&out), "x=7");
    kz_buf_free(&out);
}

/* ---- goldens recorded with helm ---- */

static void check_golden_file(const char *name, const char *got) {
    char path[512];
    snprintf(path, sizeof path, GOLDEN_DIR "%s", name);
    size_t len;
    char *want = read_file(path, &len);
    if (strlen(got) != len || memcmp(got, want, len) != 0) {
        size_t i = 0;
        while (i < len && got[i] == want[i]) i++;
        fail_msg("%s differs at byte %zu:\n got: %.60s\nwant: %.60s", name, i, got + i, want + i);
    }
    free(want);
}

static void test_golden_chart_values(void **state) {
    (void)state;
    size_t len;
    char *text = read_file(GOLDEN_DIR "chart/values.yaml", &len);
    kz_json_parse_opts po = {.numbers = KZ_JSON_NUMBERS_FLOAT64, .source_name = "values.yaml"};
    kz_value v = kz_json_parse(text, len, &po);
    if (!kz_is_valid(&v)) fail_msg("parse: %s", kz_error_message(&v));
    char *got = emit_with(&v, false, NULL, NULL);
    check_golden_file("values.toJson", got);
    free(got);
    got = emit_with(&v, true, NULL, NULL);
    check_golden_file("values.toRawJson", got);
    free(got);
    got = emit_with(&v, false, "", "  ");
    check_golden_file("values.toPrettyJson", got);
    free(got);
    kz_free(v);
    free(text);
}

static int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
}

/* Split a line at tabs in place; returns the number of fields. */
static size_t split_tabs(char *line, char **fields, size_t max) {
    size_t n = 0;
    fields[n++] = line;
    for (char *p = line; *p && n < max; p++) {
        if (*p == '\t') {
            *p = '\0';
            fields[n++] = p + 1;
        }
    }
    return n;
}

static void test_golden_strings(void **state) {
    (void)state;
    char *text = read_file(GOLDEN_DIR "strings.tsv", NULL);
    int checked = 0;
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
        char *f[3];
        assert_int_equal(split_tabs(line, f, 3), 3);
        size_t hexlen = strlen(f[0]);
        char bytes[256];
        assert_true(hexlen % 2 == 0 && hexlen / 2 < sizeof bytes);
        for (size_t i = 0; i < hexlen / 2; i++)
            bytes[i] = (char)(hex_value(f[0][2 * i]) * 16 + hex_value(f[0][2 * i + 1]));
        check_string(bytes, hexlen / 2, f[1], f[2]);
        checked++;
    }
    assert_true(checked >= 45);
    free(text);
}

/* One printf verb of floats.tsv's header, as kz_format_float arguments. */
typedef struct verb {
    char fmt;
    int prec;
    char text[16];
} verb;

static verb parse_verb(const char *s, size_t n) {
    verb v = {.fmt = 0, .prec = -1};
    assert_true(n < sizeof v.text && n >= 2 && s[0] == '%');
    memcpy(v.text, s, n);
    v.text[n] = '\0';
    const char *p = s + 1;
    if (*p == '.') v.prec = (int)strtol(p + 1, (char **)&p, 10);
    v.fmt = *p;
    if (v.fmt == 'v') v.fmt = 'g'; /* %v of a float64 is %g */
    /* fmt's defaults: %e and %f print 6 digits, %g the shortest. */
    if (v.prec < 0 && (v.fmt == 'e' || v.fmt == 'E' || v.fmt == 'f')) v.prec = 6;
    return v;
}

static void test_golden_floats(void **state) {
    (void)state;
    char *text = read_file(GOLDEN_DIR "floats.tsv", NULL);
    verb verbs[64];
    size_t nverbs = 0;
    int checked = 0, failures = 0;
    kz_buf got = KZ_BUF_INIT;
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
        char *f[3];
        assert_int_equal(split_tabs(line, f, 3), 3);
        if (f[0][0] == '#') { /* header: the verbs */
            for (char *p = f[2]; *p;) {
                size_t n = strcspn(p, "|");
                verbs[nverbs++] = parse_verb(p, n);
                p += n + (p[n] == '|');
            }
            continue;
        }
        double x = strtod(f[0], NULL);
        /* toJson: Go prints nothing on error (Helm swallows it). */
        kz_buf_clear(&got);
        kz_value fv = kz_float(x);
        if (kz_json_emit(&got, &fv, NULL, NULL) != 0) kz_buf_clear(&got);
        if (strcmp(kz_buf_cstr(&got), f[1]) != 0) {
            print_error("toJson %s: got %s want %s\n", f[0], kz_buf_cstr(&got), f[1]);
            failures++;
        }
        size_t i = 0;
        for (char *p = f[2]; *p; i++) {
            size_t n = strcspn(p, "|");
            assert_true(i < nverbs);
            kz_buf_clear(&got);
            kz_format_float(&got, x, verbs[i].fmt, verbs[i].prec);
            if (got.len != n || memcmp(got.data, p, n) != 0) {
                print_error("%s of %s: got %s want %.*s\n", verbs[i].text, f[0],
                            kz_buf_cstr(&got), (int)n, p);
                failures++;
            }
            checked++;
            p += n + (p[n] == '|');
        }
        assert_int_equal(i, nverbs);
    }
    kz_buf_free(&got);
    free(text);
    assert_true(checked > 5000);
    if (failures) fail_msg("%d of %d float formats differ from Go", failures, checked);
}

/* ---- kz_format_float against values known from Go's strconv ---- */

static void check_format(double f, char fmt, int prec, const char *want) {
    kz_buf b = KZ_BUF_INIT;
    kz_format_float(&b, f, fmt, prec);
    if (strcmp(kz_buf_cstr(&b), want) != 0)
        fail_msg("FormatFloat(%.17g, '%c', %d): got %s want %s", f, fmt, prec, kz_buf_cstr(&b), want);
    kz_buf_free(&b);
}

static void test_format_float_shortest_e_f(void **state) {
    (void)state;
    /* 'e' and 'f' in shortest mode aren't reachable from Go's fmt; these are
     * strconv.FormatFloat results as documented/known. */
    check_format(1.5, 'e', -1, "1.5e+00");
    check_format(123456789, 'e', -1, "1.23456789e+08");
    check_format(0, 'e', -1, "0e+00");
    check_format(1e21, 'e', -1, "1e+21");
    check_format(1e-7, 'e', -1, "1e-07");
    check_format(100, 'f', -1, "100");
    check_format(0.000001, 'f', -1, "0.000001");
    check_format(1e21, 'f', -1, "1000000000000000000000");
    check_format(-0.0, 'f', -1, "-0");
    check_format(5e-324, 'e', -1, "5e-324");
    check_format(1e23, 'e', -1, "1e+23");
    check_format(1e23, 'E', -1, "1E+23");
    check_format(1.5, 'G', -1, "1.5");
    check_format(1e-5, 'G', -1, "1E-05");
}

/* ---- the parser (json_parse.c) as the emitter's partner ---- */

static void test_parse_number_modes(void **state) {
    (void)state;
    kz_value v = parse_native("[1, -2, 1.5, 1e2, 9223372036854775807, -9223372036854775808, -0]");
    assert_true(kz_is_seq(&v));
    const kz_kind kinds[] = {KZ_INT, KZ_INT, KZ_FLOAT, KZ_FLOAT, KZ_INT, KZ_INT, KZ_INT};
    for (size_t i = 0; i < 7; i++) assert_int_equal(kz_kind_of(kz_seq_at(&v, i)), kinds[i]);
    assert_true(kz_int_get(kz_seq_at(&v, 4)) == INT64_MAX);
    assert_true(kz_int_get(kz_seq_at(&v, 5)) == INT64_MIN);
    char *got = emit_with(&v, false, NULL, NULL);
    assert_string_equal(got, "[1,-2,1.5,100,9223372036854775807,-9223372036854775808,0]");
    free(got);
    kz_free(v);

    /* Beyond int64: a float64, as Go would hold it. */
    v = parse_native("18446744073709551616");
    assert_int_equal(kz_kind_of(&v), KZ_FLOAT);
    assert_true(kz_float_get(&v) == 18446744073709551616.0);
    kz_free(v);

    v = parse_float64("[1, 9007199254740993, 12345678901234567890, -0, 0.1, 1e2]");
    assert_true(kz_is_seq(&v));
    for (size_t i = 0; i < kz_len(&v); i++) assert_int_equal(kz_kind_of(kz_seq_at(&v, i)), KZ_FLOAT);
    got = emit_with(&v, false, NULL, NULL);
    assert_string_equal(got, "[1,9007199254740992,12345678901234567000,-0,0.1,100]");
    free(got);
    kz_free(v);
    /* 1e400 overflows a float64: Go's decoder rejects it too. */
    v = parse_float64("[1e400]");
    assert_false(kz_is_valid(&v));
    kz_free(v);
}

static void test_parse_big_int_keeps_other_ints(void **state) {
    (void)state;
    /* Only the integers beyond int64 become FLOAT (as Go's float64); the
     * others stay INT, exactly, even next to them. Digits inside strings are
     * left alone. */
    kz_value v = parse_native("[1, 9223372036854775807, 9223372036854775808, -9223372036854775808,"
                     " -9223372036854775809, 9007199254740993, 1.5, \"99999999999999999999\\\"\"]");
    assert_true(kz_is_seq(&v));
    assert_int_equal(kz_kind_of(kz_seq_at(&v, 0)), KZ_INT);
    assert_int_equal(kz_kind_of(kz_seq_at(&v, 1)), KZ_INT);
    assert_true(kz_int_get(kz_seq_at(&v, 1)) == INT64_MAX);
    assert_int_equal(kz_kind_of(kz_seq_at(&v, 2)), KZ_FLOAT);
    assert_true(kz_int_get(kz_seq_at(&v, 3)) == INT64_MIN);
    assert_int_equal(kz_kind_of(kz_seq_at(&v, 4)), KZ_FLOAT);
    assert_true(kz_int_get(kz_seq_at(&v, 5)) == 9007199254740993LL);
    assert_int_equal(kz_kind_of(kz_seq_at(&v, 6)), KZ_FLOAT);
    assert_true(kz_str_eqz(kz_seq_at(&v, 7), "99999999999999999999\""));
    kz_free(v);
}

static void test_parse_go_replaces_bad_unicode(void **state) {
    (void)state;
    /* Go's decoder turns invalid UTF-8 and lone surrogate escapes into U+FFFD. */
    kz_value v = parse_native("[\"a\xff\", \"\\ud800\", \"\\\\ud800\", \"\\ud83d\\ude00\"]");
    assert_true(kz_is_seq(&v));
    assert_true(kz_str_eqz(kz_seq_at(&v, 0), "a\xef\xbf\xbd"));
    assert_true(kz_str_eqz(kz_seq_at(&v, 1), "\xef\xbf\xbd"));
    assert_true(kz_str_eqz(kz_seq_at(&v, 2), "\\ud800")); /* an escaped backslash, not an escape */
    assert_true(kz_str_eqz(kz_seq_at(&v, 3), "\xf0\x9f\x98\x80"));
    kz_free(v);
}

static void test_parse_nested_and_scalars(void **state) {
    (void)state;
    const char *text = "{\"z\":{\"y\":[[1,{\"x\":[]}],{}],\"w\":\"\\u00e9\\ud83d\\ude00\\u0000\"},"
                       "\"a\":[null,true,false,\"s\"]}";
    kz_value v = parse_native(text);
    assert_true(kz_is_map(&v));
    /* Insertion order is kept by the parser (the emitter sorts). */
    assert_string_equal(kz_str(kz_map_key_at(&v, 0)), "z");
    const kz_value *w = kz_map_getz(kz_map_getz(&v, "z"), "w");
    assert_int_equal(kz_str_len(w), 2 + 4 + 1);
    assert_memory_equal(kz_str(w), "\xc3\xa9\xf0\x9f\x98\x80\0", 7);
    char *got = emit_with(&v, false, NULL, NULL);
    assert_string_equal(got, "{\"a\":[null,true,false,\"s\"],\"z\":{\"w\":\"\xc3\xa9\xf0\x9f\x98\x80\\u0000\","
                             "\"y\":[[1,{\"x\":[]}],{}]}}");
    free(got);
    kz_free(v);
    /* Scalars are documents too. */
    v = parse_native(" \"x\" ");
    assert_true(kz_str_eqz(&v, "x"));
    kz_free(v);
    v = parse_native("null");
    assert_true(kz_is_null(&v));
    kz_free(v);
}

static void test_parse_duplicate_keys_last_wins(void **state) {
    (void)state;
    /* Go's decoder keeps the last value of a repeated key. */
    kz_value v = parse_native("{\"a\":1,\"b\":2,\"a\":{\"c\":3}}");
    assert_true(kz_is_map(&v));
    assert_int_equal(kz_len(&v), 2);
    char *got = emit_with(&v, false, NULL, NULL);
    assert_string_equal(got, "{\"a\":{\"c\":3},\"b\":2}");
    free(got);
    kz_free(v);
}

static void check_parse_error(const char *text, const char *source, const char *want_prefix) {
    kz_json_parse_opts o = {.numbers = KZ_JSON_NUMBERS_NATIVE, .source_name = source};
    kz_value v = kz_json_parse(text, strlen(text), &o);
    assert_false(kz_is_valid(&v));
    const char *msg = kz_error_message(&v);
    assert_non_null(msg);
    if (strncmp(msg, want_prefix, strlen(want_prefix)) != 0)
        fail_msg("parse of %s: got \"%s\", want prefix \"%s\"", text, msg, want_prefix);
    kz_free(v);
}

static void test_parse_errors_with_position(void **state) {
    (void)state;
    /* jansson's position is the last character it read of the offending token,
     * the column counted in characters (not bytes), 1-based. */
    check_parse_error("{\"a\": 1,\n \"b\": x}", "v.json", "v.json:2:7: ");
    check_parse_error("\n\n   @", "p.json", "p.json:3:4: ");
    check_parse_error("[\"\xc3\xa9\xc3\xa9\", x]", NULL, "<input>:1:8: ");
    check_parse_error("[1, 2", NULL, "<input>:1:");
    check_parse_error("{\"a\":1}\n{}", "two.json", "two.json:2:1: ");
    check_parse_error("", "empty.json", "empty.json:1:1: ");
    check_parse_error("[01]", NULL, "<input>:1:");
    check_parse_error("[1,]", NULL, "<input>:1:4: ");
    check_parse_error("{'a':1}", NULL, "<input>:1:2: ");
    check_parse_error("[\"a\",\n  \"b\" \"c\"]", NULL, "<input>:2:");
    check_parse_error("\"\t\"", NULL, "<input>:1:"); /* raw control character */
    check_parse_error("{\"a\" 1}", NULL, "<input>:1:");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_escape_quote_backslash),
        cmocka_unit_test(test_escape_short_controls),
        cmocka_unit_test(test_escape_other_controls_lowercase_hex),
        cmocka_unit_test(test_escape_html_unless_raw),
        cmocka_unit_test(test_escape_line_separators_even_raw),
        cmocka_unit_test(test_escape_invalid_utf8),
        cmocka_unit_test(test_passthrough_del_and_non_ascii),
        cmocka_unit_test(test_keys_are_escaped_too),
        cmocka_unit_test(test_long_string_runs),
        cmocka_unit_test(test_scalars),
        cmocka_unit_test(test_unsupported_floats),
        cmocka_unit_test(test_invalid_values),
        cmocka_unit_test(test_map_keys_sorted_by_bytes),
        cmocka_unit_test(test_big_map_sorted),
        cmocka_unit_test(test_empty_containers),
        cmocka_unit_test(test_indent_layout),
        cmocka_unit_test(test_appends_to_existing_buffer),
        cmocka_unit_test(test_golden_chart_values),
        cmocka_unit_test(test_golden_strings),
        cmocka_unit_test(test_golden_floats),
        cmocka_unit_test(test_format_float_shortest_e_f),
        cmocka_unit_test(test_parse_number_modes),
        cmocka_unit_test(test_parse_big_int_keeps_other_ints),
        cmocka_unit_test(test_parse_go_replaces_bad_unicode),
        cmocka_unit_test(test_parse_nested_and_scalars),
        cmocka_unit_test(test_parse_duplicate_keys_last_wins),
        cmocka_unit_test(test_parse_errors_with_position),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
