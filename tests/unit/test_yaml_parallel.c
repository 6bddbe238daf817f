/*
 * Large streams are cut at document markers and parsed on several threads
 * (lib/yaml/parse.c). These tests hold the parallel result to the serial one:
 * same documents in the same order, same positions, same first error.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/parallel.h"
#include "yaml/parse.h"

/* A stream of about `mb` megabytes mixing the constructs a cut must respect. */
static char *make_stream(size_t mb, size_t *len) {
    kz_buf b = KZ_BUF_INIT;
    for (unsigned i = 0; b.len < mb * 1000 * 1000; i++) {
        switch (i % 6) {
        case 0:
            kz_buf_printf(&b, "--- # doc %u\nkind: ConfigMap\nmetadata: {name: cm-%u, labels: {a: b}}\n"
                              "data:\n  script: |\n    echo %u\n    ---\n    done\n",
                          i, i, i);
            break;
        case 1:
            kz_buf_printf(&b, "---\nbase: &b {x: %u, y: [1, 2]}\nuse: *b\nmerged:\n  <<: *b\n  z: true\n", i);
            break;
        case 2: kz_buf_printf(&b, "--- plain scalar %u\n", i); break;
        case 3: kz_buf_puts(&b, "---\n# only a comment\n"); break;
        case 4:
            kz_buf_printf(&b, "---\nlist:\n- \"quoted ---\n  continued\"\n- '%u'\n...\n", i);
            break;
        default:
            kz_buf_printf(&b, "---\nkey: value-%u\nnested:\n  deeper:\n    n: %u\n    f: 1.5\n", i, i);
            break;
        }
    }
    return kz_buf_detach(&b, len);
}

static kz_value parse_with(const char *text, size_t len, unsigned threads) {
    kz_yaml_parse_opts o = {.schema = KZ_YAML_KYAML, .source_name = "stream.yaml", .max_threads = threads};
    return kz_yaml_parse_stream(text, len, &o);
}

/* Positions of every container, compared recursively. */
static void assert_same_positions(const kz_value *a, const kz_value *b) {
    if (!kz_is_map(a) && !kz_is_seq(a)) return;
    assert_int_equal(kz_node_pos(a).line, kz_node_pos(b).line);
    assert_int_equal(kz_node_pos(a).col, kz_node_pos(b).col);
    assert_string_equal(kz_source_name(a), kz_source_name(b));
    for (size_t i = 0; i < kz_len(a); i++) {
        assert_int_equal(kz_entry_pos(a, i).line, kz_entry_pos(b, i).line);
        assert_int_equal(kz_entry_pos(a, i).col, kz_entry_pos(b, i).col);
        const kz_value *x = kz_is_map(a) ? kz_map_value_at(a, i) : kz_seq_at(a, i);
        const kz_value *y = kz_is_map(b) ? kz_map_value_at(b, i) : kz_seq_at(b, i);
        assert_same_positions(x, y);
    }
}

static void test_parallel_equals_serial(void **state) {
    (void)state;
    size_t len;
    char *text = make_stream(9, &len);
    kz_value serial = parse_with(text, len, 1);
    kz_value parallel = parse_with(text, len, 2);
    assert_true(kz_is_seq(&serial));
    assert_true(kz_is_seq(&parallel));
    assert_int_equal(kz_len(&serial), kz_len(&parallel));
    assert_true(kz_identical(&serial, &parallel));
    for (size_t i = 0; i < kz_len(&serial); i++)
        assert_same_positions(kz_seq_at(&serial, i), kz_seq_at(&parallel, i));
    /* The last document's position proves the line offsets of later chunks. */
    const kz_value *last = kz_seq_at(&parallel, kz_len(&parallel) - 1);
    if (kz_is_map(last)) assert_true(kz_node_pos(last).line > 100000);
    kz_free(serial);
    kz_free(parallel);
    free(text);
}

/* An error in a later chunk has the line it has in the whole stream; with errors
 * in two chunks, the earlier one is reported, as a serial parse would. */
static void test_parallel_errors(void **state) {
    (void)state;
    size_t len;
    char *text = make_stream(9, &len);
    kz_buf b = KZ_BUF_INIT;
    kz_buf_append(&b, text, len);
    kz_buf_puts(&b, "---\nbad: [unclosed\n");
    kz_value serial = parse_with(b.data, b.len, 1);
    kz_value parallel = parse_with(b.data, b.len, 2);
    assert_false(kz_is_valid(&serial));
    assert_false(kz_is_valid(&parallel));
    assert_string_equal(kz_error_message(&serial), kz_error_message(&parallel));
    assert_non_null(strstr(kz_error_message(&parallel), "stream.yaml:"));
    kz_free(serial);
    kz_free(parallel);

    kz_buf_clear(&b);
    kz_buf_puts(&b, "first: [broken\n");
    kz_buf_append(&b, text, len);
    kz_buf_puts(&b, "---\nbad: [unclosed\n");
    parallel = parse_with(b.data, b.len, 2);
    assert_false(kz_is_valid(&parallel));
    assert_non_null(strstr(kz_error_message(&parallel), "stream.yaml:2:"));
    kz_free(parallel);
    kz_buf_free(&b);
    free(text);
}

/* Directives belong to the next document, so such streams are never cut. */
static void test_directives_parse_whole(void **state) {
    (void)state;
    size_t len;
    char *text = make_stream(9, &len);
    kz_buf b = KZ_BUF_INIT;
    kz_buf_append(&b, text, len);
    kz_buf_puts(&b, "%YAML 1.1\n---\nlast: 1\n");
    kz_value serial = parse_with(b.data, b.len, 1);
    kz_value parallel = parse_with(b.data, b.len, 2);
    assert_true(kz_is_seq(&parallel));
    assert_true(kz_identical(&serial, &parallel));
    kz_free(serial);
    kz_free(parallel);
    kz_buf_free(&b);
    free(text);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parallel_equals_serial),
        cmocka_unit_test(test_parallel_errors),
        cmocka_unit_test(test_directives_parse_whole),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    kz_parallel_reap(); /* workers still exiting would run beside LeakSanitizer's check */
    return failed;
}
