/* The function table: entries in registration order, found through an
 * open-addressing index of their positions. Every `hm template` builds the
 * table afresh (some 300 Sprig and Helm functions) before the chart is read,
 * so registration is kept to a hash and two small copies per name; the
 * parser looks every identifier up here too. */
#include "tmpl/funcs.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"

/* Names and parameter strings are copied into blocks freed with the table:
 * some 600 small strings, one malloc each otherwise. */
typedef struct text_block {
    struct text_block *next;
    size_t used, cap;
    char data[];
} text_block;

struct kz_tmpl_funcs {
    text_block *text;
    kz_tmpl_func *funcs;
    size_t len, cap;
    uint32_t *slots; /* position + 1 of an entry, 0 for a free slot */
    size_t nslots;   /* a power of two, at least twice len */
    struct kz_tmpl_funcs *methods; /* method_key -> method; NULL until one is added */
    uint32_t method_types;         /* bit g: some method has receiver type g */
    /* Per receiver type, bit (c & 63) for the first byte c of each method
     * name: every field of .Values is looked up as a method first (Go's
     * order), and "server" can't be a method of a type whose methods
     * start with A, E, P, T and Y. */
    uint64_t method_initials[32];
};

static char *text_copy(kz_tmpl_funcs *t, const char *s, size_t n, size_t room) {
    text_block *b = t->text;
    if (!b || b->cap - b->used < room) {
        size_t cap = room > 4000 ? room : 4000;
        b = kz_xmalloc(sizeof *b + cap);
        b->next = t->text;
        b->used = 0;
        b->cap = cap;
        t->text = b;
    }
    char *p = b->data + b->used;
    b->used += room;
    memcpy(p, s, n);
    memset(p + n, 0, room - n);
    return p;
}

/* FNV-1a: names are short, and this runs for every identifier parsed. */
static uint32_t name_hash(const char *s, size_t n) {
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++) h = (h ^ (unsigned char)s[i]) * 16777619u;
    return h;
}

/* The slot holding name[0..n), or the free slot where it would go. */
static uint32_t *slot_of(const kz_tmpl_funcs *t, const char *name, size_t n) {
    size_t mask = t->nslots - 1;
    for (size_t i = name_hash(name, n) & mask;; i = (i + 1) & mask) {
        uint32_t at = t->slots[i];
        if (at == 0) return &t->slots[i];
        const kz_tmpl_func *f = &t->funcs[at - 1];
        if (f->name_len == n && memcmp(f->name, name, n) == 0) return &t->slots[i];
    }
}

static void index_grow(kz_tmpl_funcs *t) {
    free(t->slots);
    t->nslots = t->nslots ? t->nslots * 2 : 256;
    t->slots = kz_xcalloc(t->nslots, sizeof *t->slots);
    for (size_t i = 0; i < t->len; i++)
        *slot_of(t, t->funcs[i].name, t->funcs[i].name_len) = (uint32_t)(i + 1);
}

kz_tmpl_funcs *kz_tmpl_funcs_new(void) {
    kz_tmpl_funcs *t = kz_xcalloc(1, sizeof *t);
    index_grow(t);
    return t;
}

void kz_tmpl_funcs_free(kz_tmpl_funcs *t) {
    if (!t) return;
    for (text_block *b = t->text, *next; b; b = next) {
        next = b->next;
        free(b);
    }
    free(t->funcs);
    free(t->slots);
    kz_tmpl_funcs_free(t->methods);
    free(t);
}

/* The entry for name, added empty if it is new. */
static kz_tmpl_func *entry_for(kz_tmpl_funcs *t, const char *name) {
    size_t n = strlen(name);
    uint32_t *slot = slot_of(t, name, n);
    if (*slot) return &t->funcs[*slot - 1];
    if (t->len == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 64;
        t->funcs = kz_xrealloc(t->funcs, t->cap * sizeof *t->funcs);
    }
    kz_tmpl_func *f = &t->funcs[t->len];
    *f = (kz_tmpl_func){.name = text_copy(t, name, n, n + 1), .name_len = n};
    *slot = (uint32_t)++t->len;
    if (t->len * 2 > t->nslots) index_grow(t);
    return &t->funcs[t->len - 1];
}

static void set_entry(kz_tmpl_func *f, kz_tmpl_fn fn, int min_args, int max_args, void *data, const char *params) {
    f->params = params;
    f->fn = fn;
    f->min_args = min_args;
    f->max_args = max_args;
    f->data = data;
}

void kz_tmpl_funcs_add(kz_tmpl_funcs *t, const char *name, kz_tmpl_fn fn, int min_args, int max_args,
                       void *data) {
    set_entry(entry_for(t, name), fn, min_args, max_args, data, NULL);
}

void kz_tmpl_funcs_add_typed(kz_tmpl_funcs *t, const char *name, kz_tmpl_fn fn, const char *params, void *data) {
    const char *dots = strstr(params, "...");
    size_t fixed = dots ? (size_t)(dots - params) : strlen(params);
    /* stored without the dots: the variadic letter follows the fixed ones */
    char *copy = text_copy(t, params, fixed, fixed + 2);
    if (dots) copy[fixed] = dots[3];
    set_entry(entry_for(t, name), fn, (int)fixed, dots ? KZ_TMPL_VARIADIC : (int)fixed, data, copy);
}

const kz_tmpl_func *kz_tmpl_funcs_find(const kz_tmpl_funcs *t, const char *name, size_t len) {
    if (!t) return NULL;
    uint32_t at = *slot_of(t, name, len);
    return at ? &t->funcs[at - 1] : NULL;
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
