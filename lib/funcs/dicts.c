/*
 * Template functions: dicts family (Sprig v3.3.0's dict.go as Helm v3.17 has
 * it): dict, get, set, unset, hasKey, pluck, dig, keys, values, pick, omit,
 * merge, mergeOverwrite (and must variants), deepCopy, mustDeepCopy.
 *
 * Go maps are references: set, unset, merge and mergeOverwrite change their
 * first argument in place, so every holder of the map sees the change (see
 * kz_map_set_shared in core/value.h). The argument pointers are const by the
 * calling convention; these functions alone cast that away, changing only the
 * shared block, never the kz_value struct itself.
 *
 * Go iterates maps in random order: keys and values come out in a random
 * order in helm; here they follow the map's insertion order.
 */
#include <stdio.h>
#include <string.h>

#include "core/parallel.h"
#include "funcs/funcs_internal.h"
#include "tmpl/gotype.h"

static bool is_nil(const kz_value *v) { return !kz_is_valid(v) || kz_is_null(v); }

/* A map[string]interface{} (what the typed 'm' parameters hold, or nil). */
static bool is_plain_map(const kz_value *v) {
    return kz_is_map(v) && kz_gotype_of(v) == KZ_GOTYPE_NATURAL;
}

/* reflect.Kind Map: map[string]interface{} or map[string]string. */
static bool is_go_map(const kz_value *v) {
    return kz_is_go_map(v);
}

static kz_value *mut(const kz_value *v) { return (kz_value *)(uintptr_t)v; }

/* Go lets a map hold itself ({{ $_ := set $d "self" $d }}); printing, copying,
 * comparing or converting it then never ends (helm overflows its stack) or,
 * for toJson/toYaml, silently gives "". kz refuses to build such a value, so
 * that no walker over values can loop: set and merge check what they store. */
#define SELF_CYCLE_MSG "the map would contain itself; values that loop back on themselves are not supported"

static kz_value fn_dict(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    (void)c;
    kz_value out = kz_map_sized(argc / 2 + 1);
    for (size_t i = 0; i < argc; i += 2) {
        kz_value key = kz_strval_value(&argv[i]);
        kz_map_set(&out, key, i + 1 < argc ? kz_copy(&argv[i + 1]) : kz_string(""));
    }
    return out;
}

static kz_value fn_get(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    (void)c, (void)argc;
    const kz_value *v = kz_is_map(&argv[0]) ? kz_map_get(&argv[0], kz_str(&argv[1]), kz_str_len(&argv[1])) : NULL;
    return v ? kz_copy(v) : kz_string("");
}

static kz_value fn_set(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    (void)c, (void)argc;
    if (!kz_is_map(&argv[0])) return kz_error("assignment to entry in nil map");
    if (kz_reaches(&argv[2], &argv[0])) return kz_error(SELF_CYCLE_MSG);
    kz_map_set_shared(mut(&argv[0]), kz_strval_value(&argv[1]), kz_copy(&argv[2]));
    return kz_copy(&argv[0]);
}

static kz_value fn_unset(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    (void)c, (void)argc;
    if (!kz_is_map(&argv[0])) return kz_map();
    kz_map_remove_shared(mut(&argv[0]), kz_str(&argv[1]), kz_str_len(&argv[1]));
    return kz_copy(&argv[0]);
}

static kz_value fn_has_key(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    (void)c, (void)argc;
    return kz_bool(kz_is_map(&argv[0]) && kz_map_get(&argv[0], kz_str(&argv[1]), kz_str_len(&argv[1])) != NULL);
}

static kz_value fn_pluck(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    (void)c;
    kz_value out = kz_seq();
    for (size_t i = 1; i < argc; i++) {
        if (!kz_is_map(&argv[i])) continue;
        const kz_value *v = kz_map_get(&argv[i], kz_str(&argv[0]), kz_str_len(&argv[0]));
        if (v) kz_seq_push(&out, kz_copy(v));
    }
    return out;
}

/* Go's message for a failed type assertion x.(T). */
static kz_value bad_assert(const kz_value *v, const char *want) {
    return kz_error("interface conversion: interface {} is %s, not %s", is_nil(v) ? "nil" : kz_gotype_name(v), want);
}

static kz_value fn_dig(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    (void)c;
    if (argc < 3) return kz_error("dig needs at least three arguments");
    const kz_value *d = &argv[argc - 1];
    if (!is_plain_map(d)) return bad_assert(d, "map[string]interface {}");
    size_t nkeys = argc - 2;
    for (size_t i = 0; i < nkeys; i++)
        if (!kz_is_string(&argv[i]) || kz_gotype_of(&argv[i]) != KZ_GOTYPE_NATURAL)
            return bad_assert(&argv[i], "string");
    for (size_t i = 0;; i++) {
        const kz_value *step = kz_map_get(d, kz_str(&argv[i]), kz_str_len(&argv[i]));
        if (!step) return kz_copy(&argv[argc - 2]);
        if (i + 1 == nkeys) return kz_copy(step);
        if (!is_plain_map(step)) return bad_assert(step, "map[string]interface {}");
        d = step;
    }
}

static kz_value fn_keys(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    (void)c;
    kz_value out = kz_seq();
    for (size_t i = 0; i < argc; i++) {
        if (!kz_is_map(&argv[i])) continue;
        size_t n = kz_len(&argv[i]);
        for (size_t j = 0; j < n; j++) kz_seq_push(&out, kz_copy(kz_map_key_at(&argv[i], j)));
    }
    return kz_with_gotype(out, KZ_GOTYPE_STRING_SLICE);
}

static kz_value fn_values(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    (void)c, (void)argc;
    kz_value out = kz_seq();
    if (!kz_is_map(&argv[0])) return out;
    size_t n = kz_len(&argv[0]);
    for (size_t j = 0; j < n; j++) kz_seq_push(&out, kz_copy(kz_map_value_at(&argv[0], j)));
    return out;
}

static bool key_listed(const kz_value *k, size_t n, const kz_value *keys) {
    for (size_t i = 0; i < n; i++)
        if (kz_str_eq(&keys[i], kz_str(k), kz_str_len(k))) return true;
    return false;
}

static kz_value fn_pick(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    (void)c;
    kz_value out = kz_map();
    if (!kz_is_map(&argv[0])) return out;
    for (size_t i = 1; i < argc; i++) {
        const kz_value *v = kz_map_get(&argv[0], kz_str(&argv[i]), kz_str_len(&argv[i]));
        if (v) kz_map_set(&out, kz_copy(&argv[i]), kz_copy(v));
    }
    return out;
}

static kz_value fn_omit(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    (void)c;
    kz_value out = kz_map();
    if (!kz_is_map(&argv[0])) return out;
    size_t n = kz_len(&argv[0]);
    for (size_t i = 0; i < n; i++) {
        const kz_value *k = kz_map_key_at(&argv[0], i);
        if (!key_listed(k, argc - 1, argv + 1)) kz_map_set(&out, kz_copy(k), kz_copy(kz_map_value_at(&argv[0], i)));
    }
    return out;
}

/* mergo v1.0 (dario.cat/mergo) merging map[string]interface{} src into dst,
 * as Sprig calls it: Merge (overwrite false) or MergeWithOverwrite. For each
 * key of src, with s its value and d dst's (if any):
 *   - s nil: dst[key] = nil when overwriting, else nothing;
 *   - s and d both maps: d is merged with s recursively, in place;
 *   - then, unless d is a non-empty map and s a map, dst[key] = s when
 *     overwriting, when d is missing or when d is empty (Sprig's empty():
 *     "", 0, false, nil, empty list or map).
 * So with overwrite even empty values of src replace dst's (a slice, an
 * empty one too, replaces d of any type); without it, only missing or empty
 * entries of dst are filled. Lists are replaced, never appended. dst is changed in place (a shared mutation).
 * Returns false, leaving dst partly merged, where a value of src would make
 * dst contain itself (SELF_CYCLE_MSG). */
static bool mergo_map(kz_value *dst, const kz_value *src, bool overwrite) {
    bool ok = true;
    for (size_t i = 0; i < kz_len(src) && ok; i++) {
        kz_value key = kz_copy(kz_map_key_at(src, i));
        kz_value s = kz_copy(kz_map_value_at(src, i));
        const kz_value *dp = kz_map_get(dst, kz_str(&key), kz_str_len(&key));
        kz_value d = dp ? kz_copy(dp) : kz_invalid();
        bool have = dp != NULL;
        bool set;
        if (is_nil(&s)) {
            set = overwrite;
        } else {
            if (have && is_plain_map(&d) && is_go_map(&s)) ok = mergo_map(&d, &s, overwrite);
            bool d_empty = !have || kz_go_empty(&d);
            /* a slice replaces d when overwriting (mergo's slice branch) */
            if (!d_empty && is_go_map(&s) && is_go_map(&d)) set = false;
            else set = overwrite || d_empty;
        }
        if (set && ok && kz_reaches(&s, dst)) ok = false;
        if (set && ok) kz_map_set_shared(dst, key, s);
        else {
            kz_free(key);
            kz_free(s);
        }
        kz_free(d);
    }
    return ok;
}

static kz_value do_merge(size_t argc, const kz_value *argv, bool overwrite) {
    kz_value dst = kz_is_map(&argv[0]) ? kz_copy(&argv[0]) : kz_map();
    for (size_t i = 1; i < argc; i++) {
        if (kz_is_map(&argv[i]) && !mergo_map(&dst, &argv[i], overwrite)) {
            kz_free(dst);
            return kz_error(SELF_CYCLE_MSG);
        }
    }
    return dst;
}

static kz_value fn_merge(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    (void)c;
    return do_merge(argc, argv, false);
}

static kz_value fn_merge_overwrite(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    (void)c;
    return do_merge(argc, argv, true);
}

static kz_value go_deep_copy(const kz_value *v, size_t depth);

typedef struct deep_copy_job {
    const kz_value *v;
    size_t depth;
    kz_value out;
} deep_copy_job;

static kz_value go_deep_copy_here(const kz_value *v, size_t depth);

static void go_deep_copy_hop(void *p) {
    deep_copy_job *j = p;
    j->out = go_deep_copy_here(j->v, j->depth);
}

/* go_deep_copy_here; a container every KZ_DEEP_HOP levels on a fresh stack
 * (core/parallel.h). */
static kz_value go_deep_copy(const kz_value *v, size_t depth) {
    if (!kz_deep_hop_due(depth) || !(kz_is_seq(v) || kz_is_map(v))) return go_deep_copy_here(v, depth);
    deep_copy_job j = {v, depth, kz_invalid()};
    if (!kz_call_with_stack(KZ_DEEP_STACK, go_deep_copy_hop, &j)) go_deep_copy_hop(&j); /* no thread: on this stack */
    return j.out;
}

/* copystructure.Copy: containers copied all the way down, Go types kept. */
static kz_value go_deep_copy_here(const kz_value *v, size_t depth) {
    if (kz_is_nil_container(v)) return kz_copy(v); /* copystructure keeps a nil slice or map nil */
    if (kz_is_seq(v)) {
        size_t n = kz_len(v);
        kz_value out = kz_seq_sized(n);
        for (size_t i = 0; i < n; i++) kz_seq_push(&out, go_deep_copy(kz_seq_at(v, i), depth + 1));
        return kz_with_gotype(out, kz_gotype_of(v));
    }
    if (kz_is_map(v)) {
        size_t n = kz_len(v);
        kz_value out = kz_map_sized(n);
        for (size_t i = 0; i < n; i++)
            kz_map_set(&out, kz_copy(kz_map_key_at(v, i)), go_deep_copy(kz_map_value_at(v, i), depth + 1));
        return kz_with_gotype(out, kz_gotype_of(v));
    }
    return kz_copy(v); /* scalars and strings are immutable */
}

static kz_value fn_deep_copy(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    (void)c, (void)argc;
    if (is_nil(&argv[0])) return kz_error("reflect: call of reflect.Value.Type on zero Value");
    return go_deep_copy(&argv[0], 0);
}

void kz_funcs_register_dicts(kz_tmpl_funcs *t) {
    kz_tmpl_funcs_add_typed(t, "dict", fn_dict, "...v", NULL);
    kz_tmpl_funcs_add_typed(t, "get", fn_get, "ms", NULL);
    kz_tmpl_funcs_add_typed(t, "set", fn_set, "msv", NULL);
    kz_tmpl_funcs_add_typed(t, "unset", fn_unset, "ms", NULL);
    kz_tmpl_funcs_add_typed(t, "hasKey", fn_has_key, "ms", NULL);
    kz_tmpl_funcs_add_typed(t, "pluck", fn_pluck, "s...m", NULL);
    kz_tmpl_funcs_add_typed(t, "dig", fn_dig, "...v", NULL);
    kz_tmpl_funcs_add_typed(t, "keys", fn_keys, "...m", NULL);
    kz_tmpl_funcs_add_typed(t, "values", fn_values, "m", NULL);
    kz_tmpl_funcs_add_typed(t, "pick", fn_pick, "m...s", NULL);
    kz_tmpl_funcs_add_typed(t, "omit", fn_omit, "m...s", NULL);
    kz_tmpl_funcs_add_typed(t, "merge", fn_merge, "m...m", NULL);
    kz_tmpl_funcs_add_typed(t, "mustMerge", fn_merge, "m...m", NULL);
    kz_tmpl_funcs_add_typed(t, "mergeOverwrite", fn_merge_overwrite, "m...m", NULL);
    kz_tmpl_funcs_add_typed(t, "mustMergeOverwrite", fn_merge_overwrite, "m...m", NULL);
    kz_tmpl_funcs_add_typed(t, "deepCopy", fn_deep_copy, "v", NULL);
    kz_tmpl_funcs_add_typed(t, "mustDeepCopy", fn_deep_copy, "v", NULL);
}
