/*
 * Tests of Go's fmt over template values (tmpl/fmt.h) and of Go type names
 * (tmpl/gotype.h).
 *
 * tests/golden/fmt/fmt.tsv was recorded with the reference helm by regen.sh:
 * each line is KIND, FORMAT (a Go string literal), ARGS (typed values, syntax
 * in tests/golden/fmt/cases.py) and what helm's printf / print / println / a
 * bare {{ }} printed. Every line must match byte for byte.
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
#include "core/value.h"
#include "tmpl/fmt.h"
#include "tmpl/gotype.h"

#define GOLDEN KZ_TEST_DATA "/golden/fmt/fmt.tsv"

/* ---- reading the golden ---- */

static int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    fail_msg("bad hex digit %c", c);
    return 0;
}

static unsigned long hex_number(const char *s, int n) {
    unsigned long v = 0;
    for (int i = 0; i < n; i++) v = v * 16 + (unsigned long)hex_value(s[i]);
    return v;
}

static void put_utf8(kz_buf *b, unsigned long r) {
    char t[4];
    size_t n;
    if (r < 0x80) t[0] = (char)r, n = 1;
    else if (r < 0x800) t[0] = (char)(0xC0 | (r >> 6)), t[1] = (char)(0x80 | (r & 0x3F)), n = 2;
    else if (r < 0x10000)
        t[0] = (char)(0xE0 | (r >> 12)), t[1] = (char)(0x80 | ((r >> 6) & 0x3F)),
        t[2] = (char)(0x80 | (r & 0x3F)), n = 3;
    else
        t[0] = (char)(0xF0 | (r >> 18)), t[1] = (char)(0x80 | ((r >> 12) & 0x3F)),
        t[2] = (char)(0x80 | ((r >> 6) & 0x3F)), t[3] = (char)(0x80 | (r & 0x3F)), n = 4;
    kz_buf_append(b, t, n);
}

/* Go escapes of s[0..n) (the body of a literal, or a golden output) into b. */
static void unescape(kz_buf *b, const char *s, size_t n) {
    for (size_t i = 0; i < n; i++) {
        if (s[i] != '\\') {
            kz_buf_putc(b, s[i]);
            continue;
        }
        char e = s[++i];
        const char *named = strchr("abfnrtv", e);
        if (named && e) {
            kz_buf_putc(b, "\a\b\f\n\r\t\v"[named - "abfnrtv"]);
        } else if (e == 'x') {
            kz_buf_putc(b, (char)hex_number(s + i + 1, 2));
            i += 2;
        } else if (e == 'u' || e == 'U') {
            int digits = e == 'u' ? 4 : 8;
            put_utf8(b, hex_number(s + i + 1, digits));
            i += (size_t)digits;
        } else {
            kz_buf_putc(b, e); /* \\ \" \' */
        }
    }
}

/* Length of the quoted literal at s (s[0] == '"'), quotes included. */
static size_t literal_len(const char *s) {
    size_t i = 1;
    while (s[i] && s[i] != '"') i += s[i] == '\\' ? 2 : 1;
    assert_true(s[i] == '"');
    return i + 1;
}

static kz_value literal_value(const char *s, size_t len) {
    kz_buf b = KZ_BUF_INIT;
    unescape(&b, s + 1, len - 2);
    kz_value v = kz_string_n(b.data ? b.data : "", b.len);
    kz_buf_free(&b);
    return v;
}

/* ARGS parser: one value from *s, which is advanced. */
static kz_value parse_arg(const char **s);

static void skip_spaces(const char **s) {
    while (**s == ' ') (*s)++;
}

static kz_value parse_container(const char **s, char close, bool is_map) {
    kz_value c = is_map ? kz_map() : kz_seq();
    for (;;) {
        skip_spaces(s);
        assert_true(**s != '\0');
        if (**s == close) {
            (*s)++;
            return c;
        }
        if (is_map) {
            kz_value key = parse_arg(s);
            kz_map_set(&c, key, parse_arg(s));
        } else {
            kz_seq_push(&c, parse_arg(s));
        }
    }
}

static kz_value parse_arg(const char **s) {
    skip_spaces(s);
    const char *t = *s;
    if (*t == '"') {
        size_t n = literal_len(t);
        *s += n;
        return literal_value(t, n);
    }
    if (strncmp(t, "bytes\"", 6) == 0) {
        size_t n = literal_len(t + 5);
        *s += 5 + n;
        return kz_with_gotype(literal_value(t + 5, n), KZ_GOTYPE_BYTES);
    }
    if (*t == '[') {
        (*s)++;
        return parse_container(s, ']', false);
    }
    if (strncmp(t, "strs[", 5) == 0) {
        *s += 5;
        return kz_with_gotype(parse_container(s, ']', false), KZ_GOTYPE_STRING_SLICE);
    }
    if (*t == '{') {
        (*s)++;
        return parse_container(s, '}', true);
    }
    size_t n = strcspn(t, " []{}\"");
    *s += n;
    char word[64];
    assert_true(n > 0 && n < sizeof word);
    memcpy(word, t, n);
    word[n] = '\0';
    if (strcmp(word, "nil") == 0) return kz_null();
    if (strcmp(word, "true") == 0) return kz_bool(true);
    if (strcmp(word, "false") == 0) return kz_bool(false);
    if (strcmp(word, "smap") == 0) {
        kz_value m = kz_map();
        kz_map_setz(&m, "a", kz_string("x"));
        kz_map_setz(&m, "b", kz_string("y z"));
        return kz_with_gotype(m, KZ_GOTYPE_STRING_MAP);
    }
    if (strncmp(word, "f:", 2) == 0) return kz_float(strtod(word + 2, NULL));
    if (strncmp(word, "i64:", 4) == 0)
        return kz_with_gotype(kz_int(strtoll(word + 4, NULL, 10)), KZ_GOTYPE_INT64);
    if (strncmp(word, "u8:", 3) == 0)
        return kz_with_gotype(kz_int(strtoll(word + 3, NULL, 10)), KZ_GOTYPE_UINT8);
    char *end;
    long long i = strtoll(word, &end, 10);
    if (*end != '\0') fail_msg("bad argument %s", word);
    return kz_int(i);
}

/* Runs one golden case; returns whether it matched (and reports it if not). */
static bool run_case(char *kind, char *format, char *args, char *want_escaped) {
    kz_value argv[16];
    size_t argc = 0;
    for (const char *s = args;;) {
        skip_spaces(&s);
        if (*s == '\0') break;
        assert_true(argc < 16);
        argv[argc++] = parse_arg(&s);
    }
    kz_buf got = KZ_BUF_INIT, want = KZ_BUF_INIT;
    unescape(&want, want_escaped, strlen(want_escaped));
    if (strcmp(kind, "printf") == 0) {
        kz_buf f = KZ_BUF_INIT;
        unescape(&f, format + 1, strlen(format) - 2);
        kz_fmt_sprintf(&got, f.data ? f.data : "", f.len, argc, argv);
        kz_buf_free(&f);
    } else if (strcmp(kind, "print") == 0) {
        kz_fmt_sprint(&got, argc, argv);
    } else if (strcmp(kind, "println") == 0) {
        kz_fmt_sprintln(&got, argc, argv);
    } else {
        assert_int_equal(argc, 1);
        kz_fmt_value(&got, &argv[0]);
    }
    bool ok = got.len == want.len && (got.len == 0 || memcmp(got.data, want.data, got.len) == 0);
    if (!ok)
        print_message("MISMATCH %s %s [%s]\n  want [%s]\n  got  [%s]\n", kind, format, args,
                      kz_buf_cstr(&want), kz_buf_cstr(&got));
    kz_buf_free(&got);
    kz_buf_free(&want);
    for (size_t i = 0; i < argc; i++) kz_free(argv[i]);
    return ok;
}

static void test_golden(void **state) {
    (void)state;
    kz_buf text = KZ_BUF_INIT;
    kz_value err = kz_invalid();
    if (kz_file_read(GOLDEN, &text, &err) != 0) fail_msg("%s", kz_error_message(&err));
    size_t cases = 0, failed = 0;
    char *save = NULL;
    for (char *line = strtok_r(text.data, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        char *cols[4] = {0};
        char *p = line;
        for (int c = 0; c < 4; c++) {
            cols[c] = p;
            char *tab = c < 3 ? strchr(p, '\t') : NULL;
            if (c < 3) {
                if (!tab) fail_msg("bad golden line: %s", line);
                *tab = '\0';
                p = tab + 1;
            }
        }
        cases++;
        if (!run_case(cols[0], cols[1], cols[2], cols[3])) failed++;
    }
    kz_buf_free(&text);
    print_message("fmt golden: %zu cases, %zu mismatches\n", cases, failed);
    assert_true(cases > 3000);
    assert_int_equal(failed, 0);
}

/* ---- values helm can't produce in a template ---- */

static void check_sprintf(const char *format, kz_value arg, const char *want) {
    kz_buf out = KZ_BUF_INIT;
    kz_fmt_sprintf(&out, format, strlen(format), 1, &arg);
    assert_string_equal(kz_buf_cstr(&out), want);
    kz_buf_free(&out);
    kz_free(arg);
}

static void test_unsigned_and_int32(void **state) {
    (void)state;
    /* uint64 beyond int64 (kz_uint), as Go prints a uint64 */
    check_sprintf("%d", kz_uint(UINT64_MAX), "18446744073709551615");
    check_sprintf("%v", kz_uint(UINT64_MAX), "18446744073709551615");
    check_sprintf("%#v", kz_uint(UINT64_MAX), "0xffffffffffffffff");
    check_sprintf("%x", kz_uint(UINT64_MAX), "ffffffffffffffff");
    check_sprintf("%T", kz_uint(UINT64_MAX), "uint64");
    check_sprintf("%c", kz_uint(UINT64_MAX), "\xef\xbf\xbd");
    check_sprintf("%T", kz_with_gotype(kz_int(7), KZ_GOTYPE_UINT64), "uint64");
    check_sprintf("%#v", kz_with_gotype(kz_int(7), KZ_GOTYPE_UINT64), "0x7");
    check_sprintf("%T", kz_with_gotype(kz_int(97), KZ_GOTYPE_INT32), "int32");
    check_sprintf("%v %c %q", kz_with_gotype(kz_int(97), KZ_GOTYPE_INT32), "97 %!c(MISSING) %!q(MISSING)");
    check_sprintf("%#v", kz_with_gotype(kz_int(-3), KZ_GOTYPE_INT32), "-3");
    /* an INVALID value prints as nil */
    check_sprintf("%v|%d", kz_invalid(), "<nil>|%!d(MISSING)");
}

static void test_value_and_names(void **state) {
    (void)state;
    kz_buf out = KZ_BUF_INIT;
    kz_value nil = kz_null(), inv = kz_invalid(), f = kz_float(1e21);
    kz_fmt_value(&out, &nil);
    kz_fmt_value(&out, &inv);
    kz_fmt_value(&out, &f);
    assert_string_equal(kz_buf_cstr(&out), "<no value><no value>1e+21");
    kz_buf_free(&out);

    kz_value seq = kz_seq(), bytes = kz_with_gotype(kz_string("x"), KZ_GOTYPE_BYTES);
    assert_string_equal(kz_gotype_name(&nil), "<nil>");
    assert_string_equal(kz_gokind_name(&nil), "invalid");
    assert_string_equal(kz_gokind_name(&seq), "slice");
    assert_string_equal(kz_gokind_name(&bytes), "slice");
    assert_string_equal(kz_gotype_name(&bytes), "[]uint8");
    assert_string_equal(kz_gokind_name(&f), "float64");
    kz_free(seq);
    kz_free(bytes);

    kz_fmt_quote(&out, "a\"\t\xff\xe2\x82\xac", 7, false);
    kz_fmt_quote(&out, "\xe2\x82\xac", 3, true);
    assert_string_equal(kz_buf_cstr(&out), "\"a\\\"\\t\\xff\xe2\x82\xac\"\"\\u20ac\"");
    kz_buf_free(&out);
}

/* Big maps are sorted through the allocated path; width far beyond the buffer. */
static void test_large(void **state) {
    (void)state;
    kz_value m = kz_map();
    char key[16];
    for (int i = 40; i > 0; i--) {
        snprintf(key, sizeof key, "k%02d", i);
        kz_map_setz(&m, key, kz_int(i));
    }
    kz_buf out = KZ_BUF_INIT;
    kz_fmt_sprintf(&out, "%v", 2, 1, &m);
    assert_true(strncmp(kz_buf_cstr(&out), "map[k01:1 k02:2 k03:3 ", 22) == 0);
    assert_true(strstr(kz_buf_cstr(&out), "k39:39 k40:40]") != NULL);
    kz_buf_clear(&out);
    kz_value args[2] = {kz_int(1000), kz_float(1.5)};
    kz_fmt_sprintf(&out, "%0*.300f", 8, 2, args);
    assert_int_equal(out.len, 1000);
    assert_true(strncmp(out.data, "000", 3) == 0);
    kz_buf_clear(&out);
    kz_fmt_sprintf(&out, "%#.500g", 7, 1, &args[1]);
    assert_int_equal(out.len, 501);
    kz_buf_free(&out);
    kz_free(m);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_golden),
        cmocka_unit_test(test_unsigned_and_int32),
        cmocka_unit_test(test_value_and_names),
        cmocka_unit_test(test_large),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
