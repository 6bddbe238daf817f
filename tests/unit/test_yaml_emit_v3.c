/*
 * Tests of the go-yaml v3 emitter (yaml/emit_v3.h) for what the golden cases of
 * tests/golden/funcs/yamlv3 cannot reach: random Go objects (certificates),
 * []byte, uint64, failures, and the key order itself.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "core/buf.h"
#include "core/value.h"
#include "yaml/emit_v3.h"

static void expect_yaml(const kz_value *v, const char *want) {
    kz_buf out = KZ_BUF_INIT;
    kz_value err = kz_invalid();
    assert_int_equal(kz_yaml_v3_emit(&out, v, &err), 0);
    assert_string_equal(kz_buf_cstr(&out), want);
    kz_buf_free(&out);
}

static void test_certificate_struct(void **state) {
    (void)state;
    kz_value m = kz_map();
    kz_map_setz(&m, "Cert", kz_string("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"));
    kz_map_setz(&m, "Key", kz_string(""));
    m = kz_with_gotype(m, KZ_GOTYPE_CERT);
    /* struct fields in order, names lower-cased, not sorted */
    expect_yaml(&m, "cert: |\n  -----BEGIN CERTIFICATE-----\n  MIIB\n  -----END CERTIFICATE-----\nkey: \"\"\n");
    kz_value l = kz_seq();
    kz_seq_push(&l, m);
    expect_yaml(&l, "- cert: |\n    -----BEGIN CERTIFICATE-----\n    MIIB\n    -----END CERTIFICATE-----\n  key: \"\"\n");
    kz_free(l);
}

static void test_bytes_and_uint(void **state) {
    (void)state;
    kz_value b = kz_with_gotype(kz_string_n("hi\xff", 3), KZ_GOTYPE_BYTES);
    expect_yaml(&b, "- 104\n- 105\n- 255\n");
    kz_value m = kz_map();
    kz_map_setz(&m, "b", b);
    kz_map_setz(&m, "e", kz_with_gotype(kz_string(""), KZ_GOTYPE_BYTES));
    kz_map_setz(&m, "u", kz_uint(UINT64_MAX));
    expect_yaml(&m, "b:\n  - 104\n  - 105\n  - 255\ne: []\nu: 18446744073709551615\n");
    kz_free(m);
}

static void test_invalid_fails(void **state) {
    (void)state;
    kz_value l = kz_seq();
    kz_seq_push(&l, kz_int(1));
    kz_seq_push(&l, kz_error("boom"));
    kz_buf out = KZ_BUF_INIT;
    kz_buf_puts(&out, "keep");
    kz_value err = kz_invalid();
    assert_int_equal(kz_yaml_v3_emit(&out, &l, &err), -1);
    assert_string_equal(kz_buf_cstr(&out), "keep");
    assert_non_null(kz_error_message(&err));
    kz_free(err);
    assert_int_equal(kz_yaml_v3_emit(&out, &l, NULL), -1);
    kz_buf_free(&out);
    kz_free(l);
}

static int cmp(const char *a, const char *b) { return kz_yaml_v3_key_cmp(a, strlen(a), b, strlen(b)); }

static void test_key_order(void **state) {
    (void)state;
    assert_true(cmp("a1b", "a10") < 0); /* v3: a letter after digits comes first */
    assert_true(cmp("a10", "a1b") > 0);
    assert_true(cmp("a9", "a10") < 0);
    assert_true(cmp("a1", "a01") < 0);
    assert_true(cmp("_x", "A") < 0);
    assert_true(cmp("A", "a") < 0);
    assert_true(cmp("-1", "1") < 0);
    assert_true(cmp("ä9", "ä10") < 0);
    assert_true(cmp("z", "é") < 0);
    assert_int_equal(cmp("same", "same"), 0);
    assert_true(cmp("ab", "abc") < 0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_certificate_struct),
        cmocka_unit_test(test_bytes_and_uint),
        cmocka_unit_test(test_invalid_fails),
        cmocka_unit_test(test_key_order),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
