/*
 * Template functions: types family (see funcs_internal.h): typeOf, typeIs,
 * typeIsLike, kindOf, kindIs, deepEqual. Go type names come from the values'
 * type hints (tmpl/gotype.h).
 */
#include <string.h>

#include "core/parallel.h"
#include "funcs/funcs_internal.h"
#include "tmpl/gotype.h"

static kz_value fn_type_of(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    (void)c, (void)argc;
    return kz_string(kz_gotype_name(&argv[0]));
}

static kz_value fn_type_is(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    (void)c, (void)argc;
    return kz_bool(kz_str_eqz(&argv[0], kz_gotype_name(&argv[1])));
}

/* typeIsLike T X: X's type is T or *T. */
static kz_value fn_type_is_like(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    (void)c, (void)argc;
    const char *t = kz_gotype_name(&argv[1]);
    if (kz_str_eqz(&argv[0], t)) return kz_bool(true);
    return kz_bool(t[0] == '*' && kz_str_eqz(&argv[0], t + 1));
}

static kz_value fn_kind_of(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    (void)c, (void)argc;
    return kz_string(kz_gokind_name(&argv[0]));
}

static kz_value fn_kind_is(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    (void)c, (void)argc;
    return kz_bool(kz_str_eqz(&argv[0], kz_gokind_name(&argv[1])));
}

static bool is_nil(const kz_value *v) { return kz_kind_of(v) == KZ_NULL || kz_kind_of(v) == KZ_INVALID; }

/* Go's reflect.DeepEqual over interface values: the dynamic types must be
 * the same at every level (int, int64 and float64 differ, as do []string and
 * []interface {}), then the data: floats with == (NaN differs from itself),
 * slices in order, maps as key sets. */
static bool deep_equal(const kz_value *a, const kz_value *b, size_t depth);

typedef struct deep_equal_job {
    const kz_value *a, *b;
    size_t depth;
    bool equal;
} deep_equal_job;

static bool deep_equal_here(const kz_value *a, const kz_value *b, size_t depth);

static void deep_equal_hop(void *p) {
    deep_equal_job *j = p;
    j->equal = deep_equal_here(j->a, j->b, j->depth);
}

/* deep_equal_here; containers every KZ_DEEP_HOP levels on a fresh stack
 * (core/parallel.h). */
static bool deep_equal(const kz_value *a, const kz_value *b, size_t depth) {
    if (!kz_deep_hop_due(depth) || !(kz_is_seq(a) || kz_is_map(a))) return deep_equal_here(a, b, depth);
    deep_equal_job j = {a, b, depth, false};
    if (!kz_call_with_stack(KZ_DEEP_STACK, deep_equal_hop, &j)) deep_equal_hop(&j); /* no thread: on this stack */
    return j.equal;
}

static bool deep_equal_here(const kz_value *a, const kz_value *b, size_t depth) {
    if (is_nil(a) || is_nil(b)) return is_nil(a) && is_nil(b);
    if (strcmp(kz_gotype_name(a), kz_gotype_name(b)) != 0) return false;
    if (kz_is_nil_container(a) != kz_is_nil_container(b)) return false; /* reflect.DeepEqual: nil is not empty */
    switch (kz_kind_of(a)) {
    case KZ_BOOL: return kz_bool_get(a) == kz_bool_get(b);
    case KZ_INT: return a->x.u.i == b->x.u.i;
    case KZ_FLOAT: return kz_float_get(a) == kz_float_get(b);
    case KZ_STRING: return kz_str_len(a) == kz_str_len(b) && memcmp(kz_str(a), kz_str(b), kz_str_len(a)) == 0;
    case KZ_SEQ:
        if (kz_same_block(a, b)) return true;
        if (kz_len(a) != kz_len(b)) return false;
        for (size_t i = 0; i < kz_len(a); i++)
            if (!deep_equal(kz_seq_at(a, i), kz_seq_at(b, i), depth + 1)) return false;
        return true;
    case KZ_MAP:
        if (kz_same_block(a, b)) return true;
        if (kz_len(a) != kz_len(b)) return false;
        for (size_t i = 0; i < kz_len(a); i++) {
            const kz_value *k = kz_map_key_at(a, i);
            const kz_value *bv = kz_map_get(b, kz_str(k), kz_str_len(k));
            if (!bv || !deep_equal(kz_map_value_at(a, i), bv, depth + 1)) return false;
        }
        return true;
    default: return false;
    }
}

bool kz_funcs_deep_equal(const kz_value *a, const kz_value *b) { return deep_equal(a, b, 0); }

static kz_value fn_deep_equal(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    (void)c, (void)argc;
    return kz_bool(kz_funcs_deep_equal(&argv[0], &argv[1]));
}

void kz_funcs_register_types(kz_tmpl_funcs *t) {
    kz_tmpl_funcs_add_typed(t, "typeOf", fn_type_of, "v", NULL);
    kz_tmpl_funcs_add_typed(t, "typeIs", fn_type_is, "sv", NULL);
    kz_tmpl_funcs_add_typed(t, "typeIsLike", fn_type_is_like, "sv", NULL);
    kz_tmpl_funcs_add_typed(t, "kindOf", fn_kind_of, "v", NULL);
    kz_tmpl_funcs_add_typed(t, "kindIs", fn_kind_is, "sv", NULL);
    kz_tmpl_funcs_add_typed(t, "deepEqual", fn_deep_equal, "vv", NULL);
}
