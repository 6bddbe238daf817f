/* The function table: a kz_value map from name to an index into an array. */
#include "tmpl/funcs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"

struct kz_tmpl_funcs {
    kz_value index; /* MAP: name -> INT position in `funcs` */
    kz_tmpl_func *funcs;
    size_t len, cap;
    struct kz_tmpl_funcs *methods; /* method_key -> method; NULL until one is added */
    uint32_t method_types;         /* bit g: some method has receiver type g */
    /* Per receiver type, bit (c & 63) for the first byte c of each method
     * name: every field of .Values is looked up as a method first (Go's
     * order), and "server" can't be a method of a type whose methods
     * start with A, E, P, T and Y. */
    uint64_t method_initials[32];
};

kz_tmpl_funcs *kz_tmpl_funcs_new(void) {
    kz_tmpl_funcs *t = kz_xcalloc(1, sizeof *t);
    t->index = kz_map();
    return t;
}

void kz_tmpl_funcs_free(kz_tmpl_funcs *t) {
    if (!t) return;
    for (size_t i = 0; i < t->len; i++) {
        free((char *)t->funcs[i].name);
        free((char *)t->funcs[i].params);
    }
    free(t->funcs);
    kz_free(t->index);
    kz_tmpl_funcs_free(t->methods);
    free(t);
}

void kz_tmpl_funcs_add(kz_tmpl_funcs *t, const char *name, kz_tmpl_fn fn, int min_args, int max_args,
                       void *data) {
    size_t n = strlen(name);
    const kz_value *at = kz_map_get(&t->index, name, n);
    kz_tmpl_func *f;
    if (at) {
        f = &t->funcs[kz_int_get(at)];
    } else {
        if (t->len == t->cap) {
            t->cap = t->cap ? t->cap * 2 : 64;
            t->funcs = kz_xrealloc(t->funcs, t->cap * sizeof *t->funcs);
        }
        f = &t->funcs[t->len];
        char *copy = kz_xmalloc(n + 1);
        memcpy(copy, name, n + 1);
        *f = (kz_tmpl_func){.name = copy, .name_len = n};
        kz_map_set(&t->index, kz_string_n(name, n), kz_int((int64_t)t->len));
        t->len++;
    }
    free((char *)f->params);
    f->params = NULL;
    f->fn = fn;
    f->min_args = min_args;
    f->max_args = max_args;
    f->data = data;
}

void kz_tmpl_funcs_add_typed(kz_tmpl_funcs *t, const char *name, kz_tmpl_fn fn, const char *params, void *data) {
    const char *dots = strstr(params, "...");
    int fixed = (int)(dots ? (size_t)(dots - params) : strlen(params));
    kz_tmpl_funcs_add(t, name, fn, fixed, dots ? KZ_TMPL_VARIADIC : fixed, data);
    /* stored without the dots: the variadic letter follows the fixed ones */
    size_t n = (size_t)fixed;
    char *copy = kz_xmalloc(n + 2);
    memcpy(copy, params, n);
    copy[n] = dots ? dots[3] : '\0';
    copy[n + 1] = '\0';
    kz_tmpl_func *f = (kz_tmpl_func *)kz_tmpl_funcs_find(t, name, strlen(name));
    f->params = copy;
}

const kz_tmpl_func *kz_tmpl_funcs_find(const kz_tmpl_funcs *t, const char *name, size_t len) {
    if (!t) return NULL;
    const kz_value *at = kz_map_get(&t->index, name, len);
    return at ? &t->funcs[kz_int_get(at)] : NULL;
}

static const char *const builtin_names[] = {
    "and", "call", "html", "index", "slice", "js", "len", "not", "or", "print", "printf",
    "println", "urlquery", "eq", "ge", "gt", "le", "lt", "ne",
};

bool kz_tmpl_is_builtin(const char *name, size_t len) {
    for (size_t i = 0; i < sizeof builtin_names / sizeof builtin_names[0]; i++) {
        if (strlen(builtin_names[i]) == len && memcmp(builtin_names[i], name, len) == 0) return true;
    }
    return false;
}

bool kz_tmpl_funcs_exists(void *ctx, const char *name, size_t len) {
    return kz_tmpl_funcs_find(ctx, name, len) != NULL || kz_tmpl_is_builtin(name, len);
}

size_t kz_tmpl_funcs_count(const kz_tmpl_funcs *t) { return t ? t->len : 0; }

const kz_tmpl_func *kz_tmpl_funcs_at(const kz_tmpl_funcs *t, size_t i) {
    return t && i < t->len ? &t->funcs[i] : NULL;
}

/* Methods live in their own table under "GOTYPE.Name", so that they never
 * count or resolve as functions. */
/* "<type byte>.Name": built by hand, as it is on the path of every field
 * access on .Values (a chartutil.Values, which has methods). */
#define METHOD_NAME_MAX 100
static size_t method_key(char *key, kz_gotype recv, const char *name, size_t len) {
    key[0] = (char)('A' + (int)recv);
    key[1] = '.';
    memcpy(key + 2, name, len);
    key[len + 2] = 0;
    return len + 2;
}

void kz_tmpl_funcs_add_method(kz_tmpl_funcs *t, kz_gotype recv, const char *name, kz_tmpl_fn fn, const char *params,
                              void *data) {
    if (!t->methods) t->methods = kz_tmpl_funcs_new();
    char key[METHOD_NAME_MAX + 3];
    size_t len = strlen(name);
    if (len > METHOD_NAME_MAX) abort(); /* registered names are constants */
    method_key(key, recv, name, len);
    kz_tmpl_funcs_add_typed(t->methods, key, fn, params ? params : "", data);
    t->method_types |= UINT32_C(1) << recv;
    if (recv < 32 && len) t->method_initials[recv] |= UINT64_C(1) << ((unsigned char)name[0] & 63);
}

const kz_tmpl_func *kz_tmpl_funcs_find_method(const kz_tmpl_funcs *t, kz_gotype recv, const char *name, size_t len) {
    if (!t || !(t->method_types & (UINT32_C(1) << recv)) || len > METHOD_NAME_MAX || !len) return NULL;
    if (!(t->method_initials[recv] & (UINT64_C(1) << ((unsigned char)name[0] & 63)))) return NULL;
    char key[METHOD_NAME_MAX + 3];
    size_t n = method_key(key, recv, name, len);
    return kz_tmpl_funcs_find(t->methods, key, n);
}
