/* Unit tests of the value model (lib/core/value.h) and the byte buffer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/value.h"

static void test_scalars(void **state) {
    (void)state;
    kz_value n = kz_null(), b = kz_bool(true), i = kz_int(-42), f = kz_float(1.5);
    assert_int_equal(kz_kind_of(&n), KZ_NULL);
    assert_true(kz_bool_get(&b));
    assert_int_equal(kz_int_get(&i), -42);
    assert_true(kz_float_get(&f) == 1.5);
    assert_int_equal(kz_int_get(&f), 1);
    assert_true(kz_float_get(&i) == -42.0);
    assert_string_equal(kz_kind_name(kz_kind_of(&f)), "float");
    assert_int_equal(sizeof(kz_value), 16);
    kz_value huge = kz_float(1e300);
    assert_true(kz_int_get(&huge) == INT64_MAX); /* saturates, no UB */
}

static void test_strings_inline_and_heap(void **state) {
    (void)state;
    kz_value s = kz_string("short");
    kz_value l = kz_string("a string longer than the inline limit");
    assert_string_equal(kz_str(&s), "short");
    assert_int_equal(kz_str_len(&s), 5);
    assert_string_equal(kz_str(&l), "a string longer than the inline limit");
    kz_value edge = kz_string_n("123456789012", KZ_INLINE_MAX);
    assert_int_equal(kz_str_len(&edge), KZ_INLINE_MAX);
    assert_int_equal(kz_str(&edge)[KZ_INLINE_MAX], '\0');
    kz_value nul = kz_string_n("a\0b", 3);
    assert_int_equal(kz_len(&nul), 3);
    assert_true(kz_str_eq(&nul, "a\0b", 3));
    assert_false(kz_str_eqz(&nul, "a"));
    kz_value fmt = kz_string_fmt("%s-%d-%s", "x", 7, "a rather long tail that forces the heap");
    assert_string_equal(kz_str(&fmt), "x-7-a rather long tail that forces the heap");
    kz_value c = kz_copy(&l);
    kz_free(l);
    assert_string_equal(kz_str(&c), "a string longer than the inline limit");
    kz_free(c);
    kz_free(s);
    kz_free(edge);
    kz_free(nul);
    kz_free(fmt);
    /* Non-strings read as empty strings. */
    kz_value i = kz_int(3);
    assert_string_equal(kz_str(&i), "");
}

static void test_errors_as_values(void **state) {
    (void)state;
    kz_value e = kz_error("values.yaml:%d:%d: %s", 3, 7, "bad thing");
    assert_false(kz_is_valid(&e));
    assert_string_equal(kz_error_message(&e), "values.yaml:3:7: bad thing");
    kz_value plain = kz_invalid();
    assert_null(kz_error_message(&plain));
    kz_value ok = kz_int(1);
    assert_null(kz_error_message(&ok));
    kz_value d = kz_deep_copy(&e);
    assert_string_equal(kz_error_message(&d), "values.yaml:3:7: bad thing");
    kz_free(d);
    kz_free(e);
}

static void test_seq_ops(void **state) {
    (void)state;
    kz_value s = kz_seq();
    for (int i = 0; i < 100; i++) kz_seq_push(&s, kz_int(i));
    assert_int_equal(kz_len(&s), 100);
    assert_int_equal(kz_int_get(kz_seq_at(&s, 99)), 99);
    assert_null(kz_seq_at(&s, 100));
    kz_seq_remove(&s, 0);
    assert_int_equal(kz_int_get(kz_seq_at(&s, 0)), 1);
    kz_seq_insert(&s, 0, kz_string("first, and long enough for the heap"));
    assert_string_equal(kz_str(kz_seq_at(&s, 0)), "first, and long enough for the heap");
    kz_seq_set(&s, 1, kz_null());
    assert_true(kz_is_null(kz_seq_at(&s, 1)));
    kz_seq_truncate(&s, 3);
    assert_int_equal(kz_len(&s), 3);
    *kz_seq_at_mut(&s, 2) = kz_bool(true); /* old value was an int: nothing to free */
    assert_true(kz_bool_get(kz_seq_at(&s, 2)));
    kz_free(s);
}

static void test_copy_on_write(void **state) {
    (void)state;
    kz_value a = kz_seq();
    kz_seq_push(&a, kz_int(1));
    kz_value b = kz_copy(&a);
    kz_seq_push(&b, kz_int(2)); /* must not change a */
    assert_int_equal(kz_len(&a), 1);
    assert_int_equal(kz_len(&b), 2);

    kz_value m = kz_map();
    kz_map_setz(&m, "inner", kz_copy(&a));
    kz_value m2 = kz_copy(&m);
    kz_value *inner = kz_map_get_mut(&m2, "inner", 5);
    kz_seq_push(inner, kz_int(3));
    assert_int_equal(kz_len(kz_map_getz(&m, "inner")), 1);
    assert_int_equal(kz_len(kz_map_getz(&m2, "inner")), 2);
    kz_free(a);
    kz_free(b);
    kz_free(m);
    kz_free(m2);
}

static void test_map_order_and_lookup(void **state) {
    (void)state;
    kz_value m = kz_map();
    kz_map_setz(&m, "b", kz_int(1));
    kz_map_setz(&m, "a", kz_int(2));
    kz_map_setz(&m, "b", kz_int(3)); /* replace keeps place */
    assert_int_equal(kz_len(&m), 2);
    assert_string_equal(kz_str(kz_map_key_at(&m, 0)), "b");
    assert_int_equal(kz_int_get(kz_map_value_at(&m, 0)), 3);
    assert_null(kz_map_getz(&m, "c"));
    assert_int_equal(kz_map_find(&m, "a", 1), 1);
    assert_true(kz_map_remove(&m, "b", 1));
    assert_false(kz_map_remove(&m, "b", 1));
    assert_string_equal(kz_str(kz_map_key_at(&m, 0)), "a");
    kz_free(m);
}

static void test_big_map_uses_index(void **state) {
    (void)state;
    kz_value m = kz_map();
    char key[32];
    for (int i = 0; i < 5000; i++) {
        snprintf(key, sizeof key, "key-number-%d", i);
        kz_map_setz(&m, key, kz_int(i));
    }
    assert_int_equal(kz_len(&m), 5000);
    for (int i = 0; i < 5000; i += 7) {
        snprintf(key, sizeof key, "key-number-%d", i);
        const kz_value *v = kz_map_getz(&m, key);
        assert_non_null(v);
        assert_int_equal(kz_int_get(v), i);
    }
    /* Removal shifts entries; lookups must still land. */
    for (int i = 0; i < 5000; i += 2) {
        snprintf(key, sizeof key, "key-number-%d", i);
        assert_true(kz_map_remove(&m, key, strlen(key)));
    }
    assert_int_equal(kz_len(&m), 2500);
    assert_null(kz_map_getz(&m, "key-number-10"));
    assert_int_equal(kz_int_get(kz_map_getz(&m, "key-number-4999")), 4999);
    assert_string_equal(kz_str(kz_map_key_at(&m, 0)), "key-number-1");
    kz_free(m);
}

static void test_sort(void **state) {
    (void)state;
    kz_value m = kz_map();
    const char *keys[] = {"zeta", "alpha", "Mid", "alp", "10", "_x"};
    for (size_t i = 0; i < 6; i++) kz_map_setz(&m, keys[i], kz_int((int64_t)i));
    kz_set_entry_pos(&m, 0, (kz_pos){7, 1});
    kz_map_sort(&m, kz_key_cmp_bytes);
    const char *want[] = {"10", "Mid", "_x", "alp", "alpha", "zeta"};
    for (size_t i = 0; i < 6; i++) assert_string_equal(kz_str(kz_map_key_at(&m, i)), want[i]);
    assert_int_equal(kz_int_get(kz_map_getz(&m, "zeta")), 0);
    assert_int_equal(kz_entry_pos(&m, 5).line, 7); /* positions travel with entries */
    kz_free(m);
}

/* Orders by first byte only, so distinct keys tie. */
static int first_byte_cmp(const char *a, size_t alen, const char *b, size_t blen) {
    return (alen ? (unsigned char)a[0] : 0) - (blen ? (unsigned char)b[0] : 0);
}

static void test_sort_is_stable(void **state) {
    (void)state;
    kz_value m = kz_map();
    const char *keys[] = {"b2", "a1", "b1", "a2", "c", "a3", "b3", "a0", "b0", "a9"};
    for (size_t i = 0; i < 10; i++) kz_map_setz(&m, keys[i], kz_int((int64_t)i));
    kz_map_sort(&m, first_byte_cmp);
    const char *want[] = {"a1", "a2", "a3", "a0", "a9", "b2", "b1", "b3", "b0", "c"};
    for (size_t i = 0; i < 10; i++) assert_string_equal(kz_str(kz_map_key_at(&m, i)), want[i]);
    assert_int_equal(kz_int_get(kz_map_getz(&m, "a9")), 9); /* index rebuilt */
    kz_free(m);
}

static kz_value sample(void) {
    kz_value m = kz_map();
    kz_value list = kz_seq();
    kz_seq_push(&list, kz_float(1.5));
    kz_seq_push(&list, kz_string("a fairly long string value, heap allocated"));
    kz_map_setz(&m, "list", list);
    kz_value inner = kz_map();
    kz_map_setz(&inner, "x", kz_null());
    kz_map_setz(&m, "inner", inner);
    kz_map_setz(&m, "n", kz_int(1));
    return m;
}

static void test_equal_and_deep_copy(void **state) {
    (void)state;
    kz_value a = sample(), b = sample();
    assert_true(kz_equal(&a, &b));
    assert_true(kz_identical(&a, &b));
    kz_value reordered = kz_map();
    for (size_t i = kz_len(&a); i-- > 0;)
        kz_map_set(&reordered, kz_copy(kz_map_key_at(&a, i)), kz_copy(kz_map_value_at(&a, i)));
    assert_true(kz_equal(&a, &reordered));
    assert_false(kz_identical(&a, &reordered));
    kz_value one_i = kz_int(1), one_f = kz_float(1.0);
    assert_false(kz_equal(&one_i, &one_f));
    kz_value d = kz_deep_copy(&a);
    assert_true(kz_equal(&a, &d));
    kz_map_setz(kz_map_get_mut(&d, "inner", 5), "x", kz_int(2));
    assert_false(kz_equal(&a, &d));
    assert_true(kz_is_null(kz_map_getz(kz_map_getz(&a, "inner"), "x")));
    kz_free(a);
    kz_free(b);
    kz_free(reordered);
    kz_free(d);
}

static void test_merge(void **state) {
    (void)state;
    kz_value dst = sample();
    kz_value src = kz_map();
    kz_value inner = kz_map();
    kz_map_setz(&inner, "y", kz_bool(true));
    kz_map_setz(&inner, "x", kz_int(5));
    kz_map_setz(&src, "inner", inner);
    kz_map_setz(&src, "n", kz_int(9));
    kz_value keep = kz_deep_copy(&dst);
    kz_merge(&keep, &src, false);
    assert_int_equal(kz_int_get(kz_map_getz(&keep, "n")), 1);
    assert_true(kz_is_null(kz_map_getz(kz_map_getz(&keep, "inner"), "x")));
    assert_true(kz_bool_get(kz_map_getz(kz_map_getz(&keep, "inner"), "y")));
    kz_merge(&dst, &src, true);
    assert_int_equal(kz_int_get(kz_map_getz(&dst, "n")), 9);
    assert_int_equal(kz_int_get(kz_map_getz(kz_map_getz(&dst, "inner"), "x")), 5);
    assert_int_equal(kz_len(kz_map_getz(&dst, "list")), 2);
    kz_free(dst);
    kz_free(src);
    kz_free(keep);
}

static void test_positions(void **state) {
    (void)state;
    kz_value src = kz_string("values.yaml");
    kz_value m = kz_map();
    assert_null(kz_source_name(&m));
    kz_map_setz(&m, "a", kz_int(1));
    kz_set_node_pos(&m, &src, (kz_pos){1, 1});
    kz_set_entry_pos(&m, 0, (kz_pos){2, 3});
    for (int i = 0; i < 20; i++) kz_map_set(&m, kz_string_fmt("k%d", i), kz_int(i));
    assert_string_equal(kz_source_name(&m), "values.yaml");
    assert_int_equal(kz_entry_pos(&m, 0).line, 2);
    assert_int_equal(kz_entry_pos(&m, 0).col, 3);
    assert_int_equal(kz_entry_pos(&m, 20).line, 0);
    kz_value c = kz_copy(&m);
    kz_map_remove(&c, "a", 1); /* unshares; m keeps its positions */
    assert_int_equal(kz_entry_pos(&m, 0).line, 2);
    kz_free(c);
    kz_free(m);
    kz_free(src);
}

static void assert_pos(kz_pos p, uint32_t line, uint32_t col) {
    assert_int_equal(p.line, line);
    assert_int_equal(p.col, col);
}

/* kz_container_at: born with its source and position, then used like any
 * container (filled past its capacity, positions widened, copied). */
static void test_container_at(void **state) {
    (void)state;
    kz_value src = kz_source("values.yaml");
    kz_value m = kz_container_at(KZ_MAP, 2, &src, (kz_pos){4, 2});
    assert_true(kz_is_map(&m));
    assert_int_equal(kz_len(&m), 0);
    assert_string_equal(kz_source_name(&m), "values.yaml");
    assert_pos(kz_node_pos(&m), 4, 2);
    kz_map_setz(&m, "a", kz_int(1));
    kz_set_entry_pos(&m, 0, (kz_pos){5, 2});
    for (int i = 0; i < 10; i++) kz_map_set(&m, kz_string_fmt("k%d", i), kz_int(i)); /* beyond cap */
    kz_set_entry_pos(&m, 10, (kz_pos){90000, 7}); /* widens */
    assert_pos(kz_entry_pos(&m, 0), 5, 2);
    assert_pos(kz_entry_pos(&m, 1), 0, 0);
    assert_pos(kz_entry_pos(&m, 10), 90000, 7);
    assert_int_equal(kz_int_get(kz_map_getz(&m, "k9")), 9);
    kz_value s = kz_container_at(KZ_SEQ, 0, &src, (kz_pos){1, 0});
    kz_seq_push(&s, kz_copy(&m));
    kz_set_entry_pos(&s, 0, (kz_pos){2, 0});
    kz_value d = kz_deep_copy(&s);
    assert_true(kz_equal(&d, &s));
    assert_pos(kz_entry_pos(&d, 0), 2, 0);
    assert_string_equal(kz_source_name(&d), "values.yaml");
    kz_value bad = kz_container_at(KZ_STRING, 1, &src, (kz_pos){1, 0});
    assert_int_equal(kz_kind_of(&bad), KZ_INVALID);
    kz_free(d);
    kz_free(s);
    kz_free(m);
    kz_free(src);
}

/* Entry positions are stored as line offsets while every entry sits in the
 * container's column (block YAML), and as full positions otherwise. Every
 * transition must keep what was recorded. */
static void test_position_encodings(void **state) {
    (void)state;
    kz_value src = kz_source("manifests/app.yaml");
    kz_value m = kz_map_sized(2);
    kz_set_node_pos(&m, &src, (kz_pos){10, 5});
    kz_map_setz(&m, "a", kz_int(1));
    kz_map_setz(&m, "b", kz_int(2));
    kz_set_entry_pos(&m, 0, (kz_pos){10, 5});
    kz_set_entry_pos(&m, 1, (kz_pos){12, 5});
    for (int i = 0; i < 30; i++) kz_map_set(&m, kz_string_fmt("k%02d", i), kz_int(i)); /* growth */
    kz_set_entry_pos(&m, 31, (kz_pos){75000, 5}); /* offset beyond 16 bits: widens */
    assert_pos(kz_entry_pos(&m, 0), 10, 5);
    assert_pos(kz_entry_pos(&m, 1), 12, 5);
    assert_pos(kz_entry_pos(&m, 2), 0, 0); /* never set */
    assert_pos(kz_entry_pos(&m, 31), 75000, 5);
    kz_set_entry_pos(&m, 2, (kz_pos){13, 9}); /* another column */
    assert_pos(kz_entry_pos(&m, 2), 13, 9);
    assert_string_equal(kz_source_name(&m), "manifests/app.yaml");

    /* Flow collection: widened by its second entry; moving the node keeps entries. */
    kz_value s = kz_seq();
    kz_seq_push(&s, kz_int(1));
    kz_seq_push(&s, kz_int(2));
    kz_set_node_pos(&s, &src, (kz_pos){3, 4});
    kz_set_entry_pos(&s, 0, (kz_pos){3, 5});
    kz_set_entry_pos(&s, 1, (kz_pos){3, 8});
    kz_set_node_pos(&s, &src, (kz_pos){2, 1});
    assert_pos(kz_entry_pos(&s, 0), 3, 5);
    assert_pos(kz_entry_pos(&s, 1), 3, 8);
    assert_pos(kz_node_pos(&s), 2, 1);

    /* Compact, then the node moves: entries stay absolute. */
    kz_value t = kz_seq();
    kz_seq_push(&t, kz_int(1));
    kz_set_node_pos(&t, &src, (kz_pos){7, 3});
    kz_set_entry_pos(&t, 0, (kz_pos){8, 3});
    kz_set_node_pos(&t, NULL, (kz_pos){1, 1});
    assert_pos(kz_entry_pos(&t, 0), 8, 3);
    assert_null(kz_source_name(&t));
    kz_seq_insert(&t, 0, kz_null());
    assert_pos(kz_entry_pos(&t, 0), 0, 0);
    assert_pos(kz_entry_pos(&t, 1), 8, 3);
    kz_seq_remove(&t, 0);
    assert_pos(kz_entry_pos(&t, 0), 8, 3);

    /* Sorting, copy-on-write and deep copies carry positions along. */
    kz_value c = kz_copy(&m);
    kz_map_sort(&c, kz_key_cmp_bytes);
    assert_string_equal(kz_str(kz_map_key_at(&c, 0)), "a");
    assert_pos(kz_entry_pos(&c, 0), 10, 5);
    assert_pos(kz_entry_pos(&m, 2), 13, 9); /* m untouched */
    kz_value d = kz_deep_copy(&m);
    assert_pos(kz_entry_pos(&d, 31), 75000, 5);
    assert_string_equal(kz_source_name(&d), "manifests/app.yaml");
    assert_ptr_not_equal(kz_source_name(&d), kz_source_name(&m)); /* nothing shared */

    /* An inline (short) source string works too; it is copied. */
    kz_value short_src = kz_string("a.yaml");
    kz_value u = kz_map();
    kz_set_node_pos(&u, &short_src, (kz_pos){1, 1});
    assert_string_equal(kz_source_name(&u), "a.yaml");
    kz_free(u);
    kz_free(short_src);
    kz_free(c);
    kz_free(d);
    kz_free(t);
    kz_free(s);
    kz_free(m);
    kz_free(src);
}

static void test_buf(void **state) {
    (void)state;
    kz_buf b = KZ_BUF_INIT;
    assert_string_equal(kz_buf_cstr(&b), "");
    for (int i = 0; i < 1000; i++) kz_buf_printf(&b, "%d,", i % 10);
    assert_int_equal(b.len, 2000);
    kz_buf_repeat(&b, ' ', 3);
    kz_buf_putc(&b, 'x');
    assert_string_equal(b.data + 2000, "   x");
    char big[600];
    memset(big, 'q', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    kz_buf_clear(&b);
    kz_buf_printf(&b, "<%s>", big);
    assert_int_equal(b.len, 601);
    size_t n;
    char *d = kz_buf_detach(&b, &n);
    assert_int_equal(n, 601);
    assert_null(b.data);
    free(d);
    kz_buf_free(&b);
}


/* Go's reference semantics for Sprig's set/unset/merge: every holder of the
 * mapping sees a shared change, growth included; ordinary mutation of one
 * holder is still copy-on-write. */
static void test_map_set_shared(void **state) {
    (void)state;
    kz_value a = kz_map();
    kz_map_setz(&a, "x", kz_int(1));
    kz_value b = kz_copy(&a);
    kz_value outer = kz_seq();
    kz_seq_push(&outer, kz_copy(&a));
    for (int i = 0; i < 40; i++) { /* grows several times: holders follow */
        char key[16];
        snprintf(key, sizeof key, "k%d", i);
        kz_map_set_shared(&b, kz_string(key), kz_int(i));
    }
    assert_int_equal(kz_len(&a), 41);
    assert_int_equal(kz_len(kz_seq_at(&outer, 0)), 41);
    assert_int_equal(kz_int_get(kz_map_getz(&a, "k39")), 39);
    assert_true(kz_map_remove_shared(&a, "x", 1));
    assert_null(kz_map_getz(&b, "x"));
    assert_int_equal(kz_len(&b), 40);
    /* copy-on-write still applies to plain mutation */
    kz_map_setz(&a, "only-a", kz_int(7));
    assert_null(kz_map_getz(&b, "only-a"));
    assert_int_equal(kz_len(&a), 41);
    kz_map_setz(&b, "only-b", kz_int(8));
    assert_null(kz_map_getz(&a, "only-b"));
    assert_non_null(kz_map_getz(kz_seq_at(&outer, 0), "k0"));
    assert_false(kz_map_remove_shared(&outer, "k0", 2)); /* not a mapping */
    kz_free(a);
    kz_free(b);
    kz_free(outer);
}

/* kz_reaches: whether storing `from` into a map would make the map contain
 * itself, through lists, maps, shared and forwarded (grown in place) blocks. */
static void test_reaches(void **state) {
    (void)state;
    kz_value m = kz_map();
    kz_value s = kz_string("just a string, long enough for the heap");
    assert_false(kz_reaches(&s, &m));
    assert_false(kz_reaches(&m, &s));
    assert_true(kz_reaches(&m, &m));
    kz_value holder = kz_copy(&m);
    for (int i = 0; i < 20; i++) { /* m's block moves: holders forward to it */
        char key[16];
        snprintf(key, sizeof key, "k%d", i);
        kz_map_set_shared(&m, kz_string(key), kz_int(i));
    }
    kz_value list = kz_seq();
    kz_seq_push(&list, kz_int(1));
    kz_seq_push(&list, kz_copy(&holder));
    kz_value outer = kz_map();
    kz_map_setz(&outer, "l", kz_copy(&list));
    assert_true(kz_reaches(&outer, &m));
    assert_true(kz_reaches(&list, &holder));
    assert_false(kz_reaches(&m, &outer));
    /* a DAG 40 levels deep, each level holding the one below twice: 2^40
     * paths, one visit per block */
    kz_value dag = kz_seq();
    for (int i = 0; i < 40; i++) {
        kz_value up = kz_seq();
        kz_seq_push(&up, kz_copy(&dag));
        kz_seq_push(&up, dag);
        dag = up;
    }
    assert_false(kz_reaches(&dag, &m));
    kz_free(dag);
    kz_free(outer);
    kz_free(list);
    kz_free(holder);
    kz_free(s);
    kz_free(m);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_map_set_shared),
        cmocka_unit_test(test_reaches),
        cmocka_unit_test(test_scalars),
        cmocka_unit_test(test_strings_inline_and_heap),
        cmocka_unit_test(test_errors_as_values),
        cmocka_unit_test(test_seq_ops),
        cmocka_unit_test(test_copy_on_write),
        cmocka_unit_test(test_map_order_and_lookup),
        cmocka_unit_test(test_big_map_uses_index),
        cmocka_unit_test(test_sort),
        cmocka_unit_test(test_sort_is_stable),
        cmocka_unit_test(test_equal_and_deep_copy),
        cmocka_unit_test(test_merge),
        cmocka_unit_test(test_positions),
        cmocka_unit_test(test_position_encodings),
        cmocka_unit_test(test_container_at),
        cmocka_unit_test(test_buf),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
