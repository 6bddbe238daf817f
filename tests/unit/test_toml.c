/*
 * Unit tests of lib/toml: the decoder (types, values, errors with
 * BurntSushi/toml v1.4's messages) and the encoder (its layout rules). The
 * template functions are covered by tests/golden/funcs/toml (recorded with
 * helm); these tests pin the module contract on its own.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/buf.h"
#include "core/gotime.h"
#include "core/value.h"
#include "toml/toml.h"

static kz_value parse(const char *s) { return kz_toml_parse(s, strlen(s), NULL); }

static const kz_value *get(const kz_value *m, const char *k) {
    const kz_value *v = kz_map_getz(m, k);
    if (!v) fail_msg("missing key %s", k);
    return v;
}

/* The error text of parsing s (with the NUL-safe buffer). */
static void expect_error(const char *s, const char *want) {
    kz_buf err = KZ_BUF_INIT;
    kz_value v = kz_toml_parse(s, strlen(s), &err);
    assert_false(kz_is_valid(&v));
    assert_string_equal(kz_error_message(&v), want);
    assert_string_equal(kz_buf_cstr(&err), want);
    kz_free(v);
    kz_buf_free(&err);
}

static void expect_emit(const kz_value *v, const char *want) {
    kz_buf out = KZ_BUF_INIT, err = KZ_BUF_INIT;
    int rc = kz_toml_emit(&out, v, &err);
    if (rc != KZ_TOML_OK) fail_msg("emit failed: %s", kz_buf_cstr(&err));
    assert_string_equal(kz_buf_cstr(&out), want);
    kz_buf_free(&out);
    kz_buf_free(&err);
}

static void expect_emit_error(const kz_value *v, int code, const char *want) {
    kz_buf out = KZ_BUF_INIT, err = KZ_BUF_INIT;
    assert_int_equal(kz_toml_emit(&out, v, &err), code);
    assert_string_equal(kz_buf_cstr(&err), want);
    kz_buf_free(&out);
    kz_buf_free(&err);
}

static void test_parse_scalars(void **state) {
    (void)state;
    kz_value m = parse("i = -42\nh = 0xff\nf = 1.5e3\nb = true\ns = \"a\\tb\\u00e9\"\nr = 'c:\\\\x'\n"
                       "inf1 = -inf\nn = nan\n");
    assert_true(kz_is_map(&m));
    assert_int_equal(kz_kind_of(get(&m, "i")), KZ_INT);
    assert_int_equal(kz_gotype_of(get(&m, "i")), KZ_GOTYPE_INT64);
    assert_int_equal(kz_int_get(get(&m, "i")), -42);
    assert_int_equal(kz_int_get(get(&m, "h")), 255);
    assert_true(kz_float_get(get(&m, "f")) == 1500.0);
    assert_true(kz_bool_get(get(&m, "b")));
    assert_string_equal(kz_str(get(&m, "s")), "a\tb\xc3\xa9");
    assert_string_equal(kz_str(get(&m, "r")), "c:\\\\x");
    assert_true(isinf(kz_float_get(get(&m, "inf1"))) && kz_float_get(get(&m, "inf1")) < 0);
    assert_true(isnan(kz_float_get(get(&m, "n"))));
    /* keys come out sorted */
    assert_string_equal(kz_str(kz_map_key_at(&m, 0)), "b");
    kz_free(m);
}

static void test_parse_strings(void **state) {
    (void)state;
    kz_value m = parse("a = \"\"\"\nline1\nline2 \\\n   cont\"\"\"\nb = '''\nraw\\n'''\nc = \"\"\"q\"\"\"\"\"");
    assert_true(kz_is_map(&m));
    assert_string_equal(kz_str(get(&m, "a")), "line1\nline2 cont");
    assert_string_equal(kz_str(get(&m, "b")), "raw\\n");
    assert_string_equal(kz_str(get(&m, "c")), "q\"\"");
    kz_free(m);
}

static void test_parse_tables(void **state) {
    (void)state;
    kz_value m = parse("a.b.c = 1\n[t]\nx = [1, 'two', {y = 3}]\n[[arr]]\nk = 1\n[[arr]]\n[arr.sub]\nz = 2\n");
    assert_true(kz_is_map(&m));
    const kz_value *a = get(&m, "a");
    assert_int_equal(kz_int_get(get(get(a, "b"), "c")), 1);
    const kz_value *x = get(get(&m, "t"), "x");
    assert_true(kz_is_seq(x));
    assert_int_equal(kz_len(x), 3);
    assert_string_equal(kz_str(kz_seq_at(x, 1)), "two");
    assert_int_equal(kz_int_get(get(kz_seq_at(x, 2), "y")), 3);
    const kz_value *arr = get(&m, "arr");
    assert_int_equal(kz_len(arr), 2);
    assert_int_equal(kz_int_get(get(kz_seq_at(arr, 0), "k")), 1);
    assert_int_equal(kz_int_get(get(get(kz_seq_at(arr, 1), "sub"), "z")), 2);
    kz_free(m);
}

static void test_parse_datetimes(void **state) {
    (void)state;
    kz_value m = parse("a = 1979-05-27T07:32:00Z\nb = 1979-05-27T00:32:00.5-07:00\nc = 1979-05-27\nd = 07:32:00");
    assert_true(kz_is_map(&m));
    kz_buf b = KZ_BUF_INIT;
    for (size_t i = 0; i < 4; i++) assert_true(kz_gotime_is(kz_map_value_at(&m, i)));
    kz_gotime_string(get(&m, "a"), &b);
    assert_string_equal(kz_buf_cstr(&b), "1979-05-27 07:32:00 +0000 UTC");
    kz_buf_clear(&b);
    kz_gotime_string(get(&m, "b"), &b);
    assert_string_equal(kz_buf_cstr(&b), "1979-05-27 00:32:00.5 -0700 -0700");
    kz_buf_clear(&b);
    kz_gotime_string(get(&m, "c"), &b);
    assert_string_equal(kz_buf_cstr(&b), "1979-05-27 00:00:00 +0000 date-local");
    kz_buf_clear(&b);
    kz_gotime_string(get(&m, "d"), &b);
    assert_string_equal(kz_buf_cstr(&b), "0000-01-01 07:32:00 +0000 time-local");
    kz_buf_free(&b);
    kz_free(m);
}

static void test_parse_quirks(void **state) {
    (void)state;
    /* BurntSushi accepts a redefinition of an implicit table and ignores it */
    kz_value m = parse("a.b = 1\na = 2");
    assert_true(kz_is_map(get(&m, "a")));
    kz_free(m);
    /* ... and lets a key holding an array be redefined */
    m = parse("a = [1]\na = 2");
    assert_int_equal(kz_int_get(get(&m, "a")), 2);
    kz_free(m);
    m = parse("");
    assert_true(kz_is_map(&m));
    assert_int_equal(kz_len(&m), 0);
    kz_free(m);
}

static void test_parse_errors(void **state) {
    (void)state;
    expect_error("a = ", "toml: line 0 (last key \"a\"): unexpected EOF; expected value");
    expect_error("a = 1\nb", "toml: line 1: unexpected EOF; expected key separator '='");
    expect_error("a = 1\na = 2", "toml: line 2 (last key \"a\"): Key 'a' has already been defined.");
    expect_error("[a]\nb=1\n[a]", "toml: line 3: Key 'a' has already been defined.");
    expect_error("a = 01", "toml: line 1 (last key \"a\"): Invalid integer \"01\": cannot have leading zeroes");
    expect_error("a = 9223372036854775808",
                 "toml: line 1 (last key \"a\"): 9223372036854775808 is out of range for int64");
    expect_error("a = 1979-13-27", "toml: line 1 (last key \"a\"): invalid datetime: \"1979-13-27\"");
    expect_error("x = tru", "toml: line 1 (last key \"x\"): expected value but found \"tru\" instead");
    expect_error("[a\nb=1", "toml: line 2: expected '.' or ']' to end table name, but got '\\n' instead");
    expect_error("a = {b = 1,}", "toml: line 1 (last key \"a.b\"): trailing comma not allowed in inline tables");
    expect_error("[t]\nk = \"\\q\"", "toml: line 2 (last key \"t.k\"): invalid escape in string '\\q'");
    expect_error("a = 1 b = 2",
                 "toml: line 1: expected a top-level item to end with a newline, comment, or EOF, but got 'b' instead");
    /* a message with a NUL byte (Go's %c of the end of input) survives in the buffer */
    kz_buf err = KZ_BUF_INIT;
    kz_value v = kz_toml_parse("a = 0x", 6, &err);
    assert_false(kz_is_valid(&v));
    static const char want[] = "toml: line 1 (last key \"a\"): not a hexidecimal number: '0x\0'";
    assert_int_equal(err.len, sizeof want - 1);
    assert_memory_equal(err.data, want, sizeof want - 1);
    kz_free(v);
    kz_buf_free(&err);
}

static void test_emit_document(void **state) {
    (void)state;
    kz_value m = kz_map();
    kz_map_setz(&m, "b", kz_float(3));
    kz_map_setz(&m, "a", kz_int(1));
    kz_map_setz(&m, "n", kz_null());
    kz_value sub = kz_map();
    kz_map_setz(&sub, "k", kz_string("v\"x"));
    kz_value deep = kz_map();
    kz_map_setz(&deep, "z", kz_bool(false));
    kz_map_setz(&sub, "deep", deep);
    kz_map_setz(&m, "t", sub);
    kz_value arr = kz_seq();
    kz_value e1 = kz_map();
    kz_map_setz(&e1, "x", kz_int(1));
    kz_seq_push(&arr, e1);
    kz_seq_push(&arr, kz_map());
    kz_map_setz(&m, "arr", arr);
    kz_value list = kz_seq();
    kz_seq_push(&list, kz_int(1));
    kz_seq_push(&list, kz_string("s"));
    kz_map_setz(&m, "l", list);
    kz_map_setz(&m, "a b", kz_float(0.5));
    expect_emit(&m, "a = 1\n"
                    "\"a b\" = 0.5\n"
                    "b = 3.0\n"
                    "l = [1, \"s\"]\n"
                    "\n"
                    "[[arr]]\n"
                    "  x = 1\n"
                    "\n"
                    "[[arr]]\n"
                    "\n"
                    "[t]\n"
                    "  k = \"v\\\"x\"\n"
                    "  [t.deep]\n"
                    "    z = false\n");
    kz_free(m);
}

static void test_emit_values(void **state) {
    (void)state;
    kz_value v = kz_seq();
    kz_seq_push(&v, kz_float(1e21));
    kz_seq_push(&v, kz_float(NAN));
    kz_seq_push(&v, kz_float(-INFINITY));
    kz_seq_push(&v, kz_string("\x01\x7f\n"));
    kz_value in = kz_map();
    kz_map_setz(&in, "b", kz_null());
    kz_map_setz(&in, "a", kz_int(1));
    kz_seq_push(&v, in);
    /* a top-level array that is not an array of tables prints as a value */
    expect_emit(&v, "[1000000000000000000000.0, nan, -inf, \"\\u0001\\u007f\\n\", {a = 1, }]");
    kz_free(v);
    kz_value t = kz_gotime_make(296638320, 500000000, 0, "UTC", "UTC");
    expect_emit(&t, "1979-05-27T07:32:00.5Z");
    kz_free(t);
    t = kz_gotime_make(296611200, 0, 0, "date-local", "date-local");
    expect_emit(&t, "1979-05-27");
    kz_free(t);
    kz_value e = kz_map();
    expect_emit(&e, "");
    kz_free(e);
}

static void test_emit_errors(void **state) {
    (void)state;
    kz_value nil = kz_null();
    expect_emit_error(&nil, KZ_TOML_PANIC, "reflect: call of reflect.Value.Type on zero Value");
    kz_value m = kz_map();
    kz_value l = kz_seq();
    kz_seq_push(&l, kz_int(1));
    kz_seq_push(&l, kz_null());
    kz_map_setz(&m, "l", l);
    expect_emit_error(&m, KZ_TOML_ERR, "toml: cannot encode array with nil element");
    kz_free(m);
    kz_value top = kz_seq();
    kz_seq_push(&top, kz_map());
    expect_emit_error(&top, KZ_TOML_ERR, "toml: top-level values must be Go maps or structs");
    kz_free(top);
}

static void test_roundtrip(void **state) {
    (void)state;
    const char *doc = "a = 1\nb = \"x\"\n\n[[c]]\n  d = 1.5\n\n[e]\n  f = [1, 2]\n  [e.g]\n    h = true\n";
    kz_value m = parse(doc);
    assert_true(kz_is_map(&m));
    expect_emit(&m, doc);
    kz_free(m);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_scalars),  cmocka_unit_test(test_parse_strings),
        cmocka_unit_test(test_parse_tables),   cmocka_unit_test(test_parse_datetimes),
        cmocka_unit_test(test_parse_quirks),   cmocka_unit_test(test_parse_errors),
        cmocka_unit_test(test_emit_document),  cmocka_unit_test(test_emit_values),
        cmocka_unit_test(test_emit_errors),    cmocka_unit_test(test_roundtrip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
