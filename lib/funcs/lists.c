/*
 * Template functions: lists family (Sprig v3.3.0's list.go as Helm v3.17 has
 * it): list, tuple, first, rest, last, initial, append/push, prepend,
 * concat, reverse, uniq, without, has, compact, slice, chunk, and their must
 * variants.
 *
 * Sprig takes its lists as interface{} and walks them with reflection, so any
 * Go slice works: []interface{} (a SEQ), []string and []int (SEQs with a Go
 * type hint) and []byte (a STRING with the BYTES hint, items are uint8).
 * Anything else is an error naming the reflect.Kind ("Cannot find first on
 * type string"); a nil list makes reflect.TypeOf(nil).Kind() dereference a
 * nil Type, which Go reports as a runtime error. The plain variants panic and
 * the must variants return the error, which helm prints the same way
 * ("error calling NAME: MESSAGE"), so both share one implementation.
 *
 * Results are []interface{} except slice, which returns a sub-slice of the
 * input's own type.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "funcs/funcs_internal.h"
#include "tmpl/gotype.h"

#define NIL_DEREF "runtime error: invalid memory address or nil pointer dereference"

/* Whether v is a Go slice for Sprig's reflection. */
static bool is_list(const kz_value *v) {
    return kz_is_seq(v) || (kz_is_string(v) && kz_gotype_of(v) == KZ_GOTYPE_BYTES);
}

static bool is_nil(const kz_value *v) { return !kz_is_valid(v) || kz_is_null(v); }

/* The error for a non-list: fmt has one %s, the reflect.Kind of v. */
static kz_value not_list(const kz_value *v, const char *fmt) {
    if (is_nil(v)) return kz_error(NIL_DEREF);
    char msg[128];
    snprintf(msg, sizeof msg, fmt, kz_gokind_name(v));
    return kz_error("%s", msg);
}

static size_t list_len(const kz_value *v) { return kz_len(v); }

/* Item i of a list (owned). */
static kz_value list_at(const kz_value *v, size_t i) {
    if (kz_is_string(v)) return kz_with_gotype(kz_int((unsigned char)kz_str(v)[i]), KZ_GOTYPE_UINT8);
    return kz_copy(kz_seq_at(v, i));
}

/* A []interface{} of items [from, to) of a list. */
static kz_value list_range(const kz_value *v, size_t from, size_t to) {
    kz_value out = kz_seq_sized(to > from ? to - from : 0);
    for (size_t i = from; i < to; i++) kz_seq_push(&out, list_at(v, i));
    return out;
}

static bool in_list(const kz_value *needle, size_t n, const kz_value *items) {
    for (size_t i = 0; i < n; i++)
        if (kz_funcs_deep_equal(needle, &items[i])) return true;
    return false;
}

static kz_value fn_list(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    (void)c;
    kz_value out = kz_seq_sized(argc);
    for (size_t i = 0; i < argc; i++) kz_seq_push(&out, kz_copy(&argv[i]));
    return out;
}

static kz_value fn_first(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    (void)c, (void)argc;
    if (!is_list(&argv[0])) return not_list(&argv[0], "Cannot find first on type %s");
    return list_len(&argv[0]) ? list_at(&argv[0], 0) : kz_null();
}

static kz_value fn_last(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    (void)c, (void)argc;
    if (!is_list(&argv[0])) return not_list(&argv[0], "Cannot find last on type %s");
    size_t n = list_len(&argv[0]);
    return n ? list_at(&argv[0], n - 1) : kz_null();
}

static kz_value fn_rest(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    (void)c, (void)argc;
    if (!is_list(&argv[0])) return not_list(&argv[0], "Cannot find rest on type %s");
    size_t n = list_len(&argv[0]);
    return n ? list_range(&argv[0], 1, n) : kz_with_nil(kz_seq()); /* Sprig returns nil for an empty list */
}

static kz_value fn_initial(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    (void)c, (void)argc;
    if (!is_list(&argv[0])) return not_list(&argv[0], "Cannot find initial on type %s");
    size_t n = list_len(&argv[0]);
    return n ? list_range(&argv[0], 0, n - 1) : kz_with_nil(kz_seq()); /* nil, as for rest */
}

static kz_value fn_push(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    (void)c, (void)argc;
    if (!is_list(&argv[0])) return not_list(&argv[0], "Cannot push on type %s");
    kz_value out = list_range(&argv[0], 0, list_len(&argv[0]));
    kz_seq_push(&out, kz_copy(&argv[1]));
    return out;
}

static kz_value fn_prepend(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    (void)c, (void)argc;
    if (!is_list(&argv[0])) return not_list(&argv[0], "Cannot prepend on type %s");
    size_t n = list_len(&argv[0]);
    kz_value out = kz_seq_sized(n + 1);
    kz_seq_push(&out, kz_copy(&argv[1]));
    for (size_t i = 0; i < n; i++) kz_seq_push(&out, list_at(&argv[0], i));
    return out;
}

static kz_value fn_concat(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    (void)c;
    for (size_t i = 0; i < argc; i++)
        if (!is_list(&argv[i])) return not_list(&argv[i], "Cannot concat type %s as list");
    kz_value out = kz_seq();
    for (size_t i = 0; i < argc; i++) {
        size_t n = list_len(&argv[i]);
        for (size_t j = 0; j < n; j++) kz_seq_push(&out, list_at(&argv[i], j));
    }
    return kz_len(&out) ? out : kz_with_nil(out); /* Sprig appends to a nil slice */
}

static kz_value fn_reverse(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    (void)c, (void)argc;
    if (!is_list(&argv[0])) return not_list(&argv[0], "Cannot find reverse on type %s");
    size_t n = list_len(&argv[0]);
    kz_value out = kz_seq_sized(n);
    for (size_t i = n; i > 0; i--) kz_seq_push(&out, list_at(&argv[0], i - 1));
    return out;
}

static kz_value fn_uniq(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    (void)c, (void)argc;
    if (!is_list(&argv[0])) return not_list(&argv[0], "Cannot find uniq on type %s");
    size_t n = list_len(&argv[0]);
    kz_value *seen = n ? kz_xcalloc(n, sizeof *seen) : NULL;
    size_t k = 0;
    kz_value out = kz_seq();
    for (size_t i = 0; i < n; i++) {
        kz_value item = list_at(&argv[0], i);
        if (in_list(&item, k, seen)) {
            kz_free(item);
            continue;
        }
        seen[k++] = kz_copy(&item);
        kz_seq_push(&out, item);
    }
    for (size_t i = 0; i < k; i++) kz_free(seen[i]);
    free(seen);
    return out;
}

static kz_value fn_without(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    (void)c;
    if (!is_list(&argv[0])) return not_list(&argv[0], "Cannot find without on type %s");
    size_t n = list_len(&argv[0]);
    kz_value out = kz_seq();
    for (size_t i = 0; i < n; i++) {
        kz_value item = list_at(&argv[0], i);
        if (in_list(&item, argc - 1, argv + 1)) kz_free(item);
        else kz_seq_push(&out, item);
    }
    return out;
}

static kz_value fn_has(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    (void)c, (void)argc;
    const kz_value *hay = &argv[1];
    if (is_nil(hay)) return kz_bool(false);
    if (!is_list(hay)) return not_list(hay, "Cannot find has on type %s");
    size_t n = list_len(hay);
    for (size_t i = 0; i < n; i++) {
        kz_value item = list_at(hay, i);
        bool eq = kz_funcs_deep_equal(&argv[0], &item);
        kz_free(item);
        if (eq) return kz_bool(true);
    }
    return kz_bool(false);
}

static kz_value fn_compact(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    (void)c, (void)argc;
    if (!is_list(&argv[0])) return not_list(&argv[0], "Cannot compact on type %s");
    size_t n = list_len(&argv[0]);
    kz_value out = kz_seq();
    for (size_t i = 0; i < n; i++) {
        kz_value item = list_at(&argv[0], i);
        if (kz_go_empty(&item)) kz_free(item);
        else kz_seq_push(&out, item);
    }
    return out;
}

/* Sprig's slice (it replaces text/template's builtin): list[start:end] of the
 * list's own type, indices through cast.ToInt; an empty list gives nil. */
static kz_value fn_slice(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    (void)c;
    const kz_value *l = &argv[0];
    if (!is_list(l)) return not_list(l, "list should be type of slice or array but %s");
    size_t n = list_len(l);
    if (n == 0) return kz_null();
    int64_t start = argc > 1 ? kz_cast_to_int64(&argv[1]) : 0;
    int64_t end = argc > 2 ? kz_cast_to_int64(&argv[2]) : (int64_t)n;
    /* reflect checks against the capacity, which for lists built by the
     * template (list, append, ...) is their length */
    if (start < 0 || end < start || end > (int64_t)n) return kz_error("reflect.Value.Slice: slice index out of bounds");
    if (kz_is_string(l))
        return kz_with_gotype(kz_string_n(kz_str(l) + start, (size_t)(end - start)), KZ_GOTYPE_BYTES);
    kz_value out = kz_seq_sized((size_t)(end - start));
    for (int64_t i = start; i < end; i++) kz_seq_push(&out, kz_copy(kz_seq_at(l, (size_t)i)));
    return kz_with_gotype(out, kz_gotype_of(l));
}

/* chunk(size int, list): [][]interface{} of `size` items each, the last one
 * shorter. Sprig computes the chunk count in floating point, so a size <= 0
 * makes a negative length for make(). */
static kz_value fn_chunk(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    (void)c, (void)argc;
    int64_t size = kz_int_get(&argv[0]);
    const kz_value *l = &argv[1];
    if (!is_list(l)) return not_list(l, "Cannot chunk type %s");
    if (size <= 0) return kz_error("runtime error: makeslice: len out of range");
    size_t n = list_len(l);
    size_t chunks = n == 0 ? 0 : (n - 1) / (size_t)size + 1;
    kz_value out = kz_seq_sized(chunks);
    for (size_t i = 0; i < chunks; i++) {
        size_t from = i * (size_t)size;
        size_t to = from + (size_t)size < n ? from + (size_t)size : n;
        kz_seq_push(&out, list_range(l, from, to));
    }
    return kz_with_gotype(out, KZ_GOTYPE_SLICE_OF_SLICES);
}

void kz_funcs_register_lists(kz_tmpl_funcs *t) {
    kz_tmpl_funcs_add_typed(t, "list", fn_list, "...v", NULL);
    kz_tmpl_funcs_add_typed(t, "tuple", fn_list, "...v", NULL);
    kz_tmpl_funcs_add_typed(t, "first", fn_first, "v", NULL);
    kz_tmpl_funcs_add_typed(t, "mustFirst", fn_first, "v", NULL);
    kz_tmpl_funcs_add_typed(t, "rest", fn_rest, "v", NULL);
    kz_tmpl_funcs_add_typed(t, "mustRest", fn_rest, "v", NULL);
    kz_tmpl_funcs_add_typed(t, "last", fn_last, "v", NULL);
    kz_tmpl_funcs_add_typed(t, "mustLast", fn_last, "v", NULL);
    kz_tmpl_funcs_add_typed(t, "initial", fn_initial, "v", NULL);
    kz_tmpl_funcs_add_typed(t, "mustInitial", fn_initial, "v", NULL);
    kz_tmpl_funcs_add_typed(t, "append", fn_push, "vv", NULL);
    kz_tmpl_funcs_add_typed(t, "push", fn_push, "vv", NULL);
    kz_tmpl_funcs_add_typed(t, "mustAppend", fn_push, "vv", NULL);
    kz_tmpl_funcs_add_typed(t, "mustPush", fn_push, "vv", NULL);
    kz_tmpl_funcs_add_typed(t, "prepend", fn_prepend, "vv", NULL);
    kz_tmpl_funcs_add_typed(t, "mustPrepend", fn_prepend, "vv", NULL);
    kz_tmpl_funcs_add_typed(t, "concat", fn_concat, "...v", NULL);
    kz_tmpl_funcs_add_typed(t, "reverse", fn_reverse, "v", NULL);
    kz_tmpl_funcs_add_typed(t, "mustReverse", fn_reverse, "v", NULL);
    kz_tmpl_funcs_add_typed(t, "uniq", fn_uniq, "v", NULL);
    kz_tmpl_funcs_add_typed(t, "mustUniq", fn_uniq, "v", NULL);
    kz_tmpl_funcs_add_typed(t, "without", fn_without, "v...v", NULL);
    kz_tmpl_funcs_add_typed(t, "mustWithout", fn_without, "v...v", NULL);
    kz_tmpl_funcs_add_typed(t, "has", fn_has, "vv", NULL);
    kz_tmpl_funcs_add_typed(t, "mustHas", fn_has, "vv", NULL);
    kz_tmpl_funcs_add_typed(t, "compact", fn_compact, "v", NULL);
    kz_tmpl_funcs_add_typed(t, "mustCompact", fn_compact, "v", NULL);
    kz_tmpl_funcs_add_typed(t, "slice", fn_slice, "v...v", NULL);
    kz_tmpl_funcs_add_typed(t, "mustSlice", fn_slice, "v...v", NULL);
    kz_tmpl_funcs_add_typed(t, "chunk", fn_chunk, "iv", NULL);
    kz_tmpl_funcs_add_typed(t, "mustChunk", fn_chunk, "iv", NULL);
}
