/*
 * kz_value implementation. See value.h for the ownership rule.
 *
 * Heap blocks start with a common header (refcount + kind). Containers are
 * copy-on-write: every mutator calls unshare() first, which clones the block
 * shallowly (children get a reference each) when anyone else holds it.
 */
#include "core/value.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"

typedef struct kz_heap {
    uint32_t refcnt;
    uint8_t kind; /* KZ_STRING, KZ_SEQ, KZ_MAP, or KZ_INVALID for error messages */
} kz_heap;

typedef struct {
    kz_heap h;
    size_t len;
    char data[];
} str_heap;

/* Positions of a parsed container, allocated only for parser-made values. */
typedef struct {
    kz_value source; /* STRING file name, or INVALID */
    kz_pos self;
    kz_pos *entries; /* capacity mirrors the container's */
} pos_info;

typedef struct {
    kz_heap h;
    size_t len, cap;
    kz_value *items;
    pos_info *pos;
} seq_heap;

typedef struct {
    kz_value key;
    kz_value val;
} map_entry;

typedef struct {
    kz_heap h;
    size_t len, cap;
    map_entry *entries;
    uint32_t *index;  /* open addressing: entry index + 1, 0 = empty */
    size_t index_cap; /* power of two, or 0 when there is no index */
    pos_info *pos;
} map_heap;

/* ------------------------------------------------------------------ basics */

static kz_value make_kind(kz_kind k) {
    kz_value v;
    memset(&v, 0, sizeof v);
    v.x.kind = (uint8_t)k;
    return v;
}

static kz_value make_heap(kz_kind k, kz_heap *h) {
    kz_value v = make_kind(k);
    v.x.flags = KZ_VF_HEAP;
    v.x.u.h = h;
    h->refcnt = 1;
    return v;
}

static bool has_heap(const kz_value *v) { return (v->x.flags & KZ_VF_HEAP) != 0; }

kz_value kz_null(void) { return make_kind(KZ_NULL); }
kz_value kz_invalid(void) { return make_kind(KZ_INVALID); }

kz_value kz_bool(bool b) {
    kz_value v = make_kind(KZ_BOOL);
    v.x.u.b = b;
    return v;
}

kz_value kz_int(int64_t i) {
    kz_value v = make_kind(KZ_INT);
    v.x.u.i = i;
    return v;
}

kz_value kz_float(double f) {
    kz_value v = make_kind(KZ_FLOAT);
    v.x.u.f = f;
    return v;
}

static str_heap *str_heap_new(const char *s, size_t n, kz_kind kind) {
    str_heap *h = kz_xmalloc(sizeof *h + n + 1);
    h->h.kind = (uint8_t)kind;
    h->len = n;
    if (n) memcpy(h->data, s, n);
    h->data[n] = '\0';
    return h;
}

kz_value kz_string_n(const char *s, size_t n) {
    if (n <= KZ_INLINE_MAX) {
        kz_value v = make_kind(KZ_STRING);
        v.s.ilen = (uint8_t)n;
        if (n) memcpy(v.s.ibuf, s, n);
        v.s.ibuf[n] = '\0';
        return v;
    }
    return make_heap(KZ_STRING, &str_heap_new(s, n, KZ_STRING)->h);
}

kz_value kz_string(const char *s) { return kz_string_n(s, strlen(s)); }

static kz_value string_vfmt(kz_kind kind, const char *fmt, va_list ap) {
    va_list ap2;
    va_copy(ap2, ap);
    char small[128];
    int n = vsnprintf(small, sizeof small, fmt, ap);
    if (n < 0) n = 0;
    kz_value v;
    if ((size_t)n < sizeof small) {
        v = kind == KZ_STRING ? kz_string_n(small, (size_t)n)
                              : make_heap(kind, &str_heap_new(small, (size_t)n, kind)->h);
    } else {
        str_heap *h = str_heap_new("", 0, kind);
        h = kz_xrealloc(h, sizeof *h + (size_t)n + 1);
        vsnprintf(h->data, (size_t)n + 1, fmt, ap2);
        h->len = (size_t)n;
        v = make_heap(kind, &h->h);
    }
    va_end(ap2);
    return v;
}

kz_value kz_string_fmt(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    kz_value v = string_vfmt(KZ_STRING, fmt, ap);
    va_end(ap);
    return v;
}

kz_value kz_error(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    kz_value v = string_vfmt(KZ_INVALID, fmt, ap);
    va_end(ap);
    return v;
}

const char *kz_error_message(const kz_value *v) {
    if (v->x.kind != KZ_INVALID || !has_heap(v)) return NULL;
    return ((const str_heap *)v->x.u.h)->data;
}

kz_value kz_seq_sized(size_t capacity) {
    seq_heap *h = kz_xcalloc(1, sizeof *h);
    h->h.kind = KZ_SEQ;
    if (capacity) {
        h->cap = capacity;
        h->items = kz_xmalloc(capacity * sizeof *h->items);
    }
    return make_heap(KZ_SEQ, &h->h);
}

kz_value kz_seq(void) { return kz_seq_sized(0); }

kz_value kz_map_sized(size_t capacity) {
    map_heap *h = kz_xcalloc(1, sizeof *h);
    h->h.kind = KZ_MAP;
    if (capacity) {
        h->cap = capacity;
        h->entries = kz_xmalloc(capacity * sizeof *h->entries);
    }
    return make_heap(KZ_MAP, &h->h);
}

kz_value kz_map(void) { return kz_map_sized(0); }

const char *kz_kind_name(kz_kind k) {
    switch (k) {
    case KZ_INVALID: return "invalid";
    case KZ_NULL: return "null";
    case KZ_BOOL: return "bool";
    case KZ_INT: return "int";
    case KZ_FLOAT: return "float";
    case KZ_STRING: return "string";
    case KZ_SEQ: return "sequence";
    case KZ_MAP: return "mapping";
    }
    return "unknown";
}

/* --------------------------------------------------------------- lifetime */

kz_value kz_copy(const kz_value *v) {
    if (has_heap(v)) v->x.u.h->refcnt++;
    return *v;
}

static void pos_info_free(pos_info *p) {
    if (!p) return;
    kz_free(p->source);
    free(p->entries);
    free(p);
}

static void heap_release(kz_heap *h) {
    if (--h->refcnt > 0) return;
    switch (h->kind) {
    case KZ_SEQ: {
        seq_heap *s = (seq_heap *)h;
        for (size_t i = 0; i < s->len; i++) kz_free(s->items[i]);
        free(s->items);
        pos_info_free(s->pos);
        break;
    }
    case KZ_MAP: {
        map_heap *m = (map_heap *)h;
        for (size_t i = 0; i < m->len; i++) {
            kz_free(m->entries[i].key);
            kz_free(m->entries[i].val);
        }
        free(m->entries);
        free(m->index);
        pos_info_free(m->pos);
        break;
    }
    default: break; /* strings and errors: one block */
    }
    free(h);
}

void kz_free(kz_value v) {
    if (has_heap(&v)) heap_release(v.x.u.h);
}

/* ------------------------------------------------------------- inspection */

bool kz_bool_get(const kz_value *v) { return v->x.kind == KZ_BOOL && v->x.u.b; }

int64_t kz_int_get(const kz_value *v) {
    if (v->x.kind == KZ_INT) return v->x.u.i;
    if (v->x.kind == KZ_FLOAT) {
        double f = v->x.u.f;
        /* Out-of-range conversion is undefined in C; clamp like a saturating cast. */
        if (!(f == f)) return 0;
        if (f >= 9223372036854775807.0) return INT64_MAX;
        if (f <= -9223372036854775808.0) return INT64_MIN;
        return (int64_t)f;
    }
    return 0;
}

double kz_float_get(const kz_value *v) {
    if (v->x.kind == KZ_FLOAT) return v->x.u.f;
    if (v->x.kind == KZ_INT) return (double)v->x.u.i;
    return 0;
}

const char *kz_str(const kz_value *v) {
    if (v->x.kind != KZ_STRING) return "";
    if (!has_heap(v)) return v->s.ibuf;
    return ((const str_heap *)v->x.u.h)->data;
}

size_t kz_str_len(const kz_value *v) {
    if (v->x.kind != KZ_STRING) return 0;
    if (!has_heap(v)) return v->s.ilen;
    return ((const str_heap *)v->x.u.h)->len;
}

bool kz_str_eq(const kz_value *v, const char *s, size_t n) {
    return v->x.kind == KZ_STRING && kz_str_len(v) == n && memcmp(kz_str(v), s, n) == 0;
}

bool kz_str_eqz(const kz_value *v, const char *s) { return kz_str_eq(v, s, strlen(s)); }

static seq_heap *seq_of(const kz_value *v) { return (seq_heap *)v->x.u.h; }
static map_heap *map_of(const kz_value *v) { return (map_heap *)v->x.u.h; }

size_t kz_len(const kz_value *v) {
    switch (v->x.kind) {
    case KZ_STRING: return kz_str_len(v);
    case KZ_SEQ: return seq_of(v)->len;
    case KZ_MAP: return map_of(v)->len;
    default: return 0;
    }
}

/* ---------------------------------------------------------------- hashing */

uint64_t kz_hash_bytes(const char *s, size_t n) {
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211ULL;
    }
    return h;
}

/* -------------------------------------------------------------- positions */

static pos_info **pos_slot(const kz_value *c) {
    if (c->x.kind == KZ_SEQ) return &seq_of(c)->pos;
    if (c->x.kind == KZ_MAP) return &map_of(c)->pos;
    return NULL;
}

static size_t container_cap(const kz_value *c) {
    return c->x.kind == KZ_SEQ ? seq_of(c)->cap : map_of(c)->cap;
}

static pos_info *pos_info_clone(const pos_info *p, size_t cap) {
    if (!p) return NULL;
    pos_info *q = kz_xcalloc(1, sizeof *q);
    q->source = kz_copy(&p->source);
    q->self = p->self;
    if (p->entries) {
        q->entries = kz_xcalloc(cap ? cap : 1, sizeof *q->entries);
        memcpy(q->entries, p->entries, cap * sizeof *q->entries);
    }
    return q;
}

/* Keep the entry-position array as long as the container's storage. */
static void pos_resize(pos_info *p, size_t old_cap, size_t new_cap) {
    if (!p || !p->entries) return;
    p->entries = kz_xrealloc(p->entries, new_cap * sizeof *p->entries);
    if (new_cap > old_cap)
        memset(p->entries + old_cap, 0, (new_cap - old_cap) * sizeof *p->entries);
}

/* ------------------------------------------------------------ sequences */

static void seq_unshare(kz_value *v) {
    seq_heap *s = seq_of(v);
    if (s->h.refcnt == 1) return;
    kz_value c = kz_seq_sized(s->cap);
    seq_heap *n = seq_of(&c);
    for (size_t i = 0; i < s->len; i++) n->items[i] = kz_copy(&s->items[i]);
    n->len = s->len;
    n->pos = pos_info_clone(s->pos, s->cap);
    s->h.refcnt--;
    *v = c;
}

static void seq_reserve(seq_heap *s, size_t need) {
    if (need <= s->cap) return;
    size_t old = s->cap;
    s->cap = kz_grow_cap(s->cap, need);
    s->items = kz_xrealloc(s->items, s->cap * sizeof *s->items);
    pos_resize(s->pos, old, s->cap);
}

const kz_value *kz_seq_at(const kz_value *seq, size_t i) {
    if (seq->x.kind != KZ_SEQ || i >= seq_of(seq)->len) return NULL;
    return &seq_of(seq)->items[i];
}

void kz_seq_push(kz_value *seq, kz_value item) {
    seq_unshare(seq);
    seq_heap *s = seq_of(seq);
    seq_reserve(s, s->len + 1);
    if (s->pos && s->pos->entries) s->pos->entries[s->len] = (kz_pos){0, 0};
    s->items[s->len++] = item;
}

void kz_seq_set(kz_value *seq, size_t i, kz_value item) {
    seq_unshare(seq);
    seq_heap *s = seq_of(seq);
    kz_free(s->items[i]);
    s->items[i] = item;
}

void kz_seq_insert(kz_value *seq, size_t i, kz_value item) {
    seq_unshare(seq);
    seq_heap *s = seq_of(seq);
    seq_reserve(s, s->len + 1);
    memmove(s->items + i + 1, s->items + i, (s->len - i) * sizeof *s->items);
    if (s->pos && s->pos->entries) {
        memmove(s->pos->entries + i + 1, s->pos->entries + i,
                (s->len - i) * sizeof *s->pos->entries);
        s->pos->entries[i] = (kz_pos){0, 0};
    }
    s->items[i] = item;
    s->len++;
}

void kz_seq_remove(kz_value *seq, size_t i) {
    seq_unshare(seq);
    seq_heap *s = seq_of(seq);
    kz_free(s->items[i]);
    memmove(s->items + i, s->items + i + 1, (s->len - i - 1) * sizeof *s->items);
    if (s->pos && s->pos->entries)
        memmove(s->pos->entries + i, s->pos->entries + i + 1,
                (s->len - i - 1) * sizeof *s->pos->entries);
    s->len--;
}

void kz_seq_truncate(kz_value *seq, size_t len) {
    seq_unshare(seq);
    seq_heap *s = seq_of(seq);
    while (s->len > len) kz_free(s->items[--s->len]);
}

kz_value *kz_seq_at_mut(kz_value *seq, size_t i) {
    if (seq->x.kind != KZ_SEQ || i >= seq_of(seq)->len) return NULL;
    seq_unshare(seq);
    return &seq_of(seq)->items[i];
}

/* -------------------------------------------------------------- mappings */

static void map_index_rebuild(map_heap *m) {
    free(m->index);
    m->index = NULL;
    m->index_cap = 0;
    if (m->len < KZ_MAP_INDEX_MIN) return;
    size_t cap = 16;
    while (cap < m->len * 2) cap *= 2;
    m->index = kz_xcalloc(cap, sizeof *m->index);
    m->index_cap = cap;
    for (size_t i = 0; i < m->len; i++) {
        const kz_value *k = &m->entries[i].key;
        size_t slot = kz_hash_bytes(kz_str(k), kz_str_len(k)) & (cap - 1);
        while (m->index[slot]) slot = (slot + 1) & (cap - 1);
        m->index[slot] = (uint32_t)(i + 1);
    }
}

static ptrdiff_t map_lookup(const map_heap *m, const char *key, size_t n) {
    if (m->index) {
        size_t mask = m->index_cap - 1;
        size_t slot = kz_hash_bytes(key, n) & mask;
        for (uint32_t e; (e = m->index[slot]) != 0; slot = (slot + 1) & mask) {
            if (kz_str_eq(&m->entries[e - 1].key, key, n)) return (ptrdiff_t)(e - 1);
        }
        return -1;
    }
    for (size_t i = 0; i < m->len; i++)
        if (kz_str_eq(&m->entries[i].key, key, n)) return (ptrdiff_t)i;
    return -1;
}

static void map_unshare(kz_value *v) {
    map_heap *m = map_of(v);
    if (m->h.refcnt == 1) return;
    kz_value c = kz_map_sized(m->cap);
    map_heap *n = map_of(&c);
    for (size_t i = 0; i < m->len; i++) {
        n->entries[i].key = kz_copy(&m->entries[i].key);
        n->entries[i].val = kz_copy(&m->entries[i].val);
    }
    n->len = m->len;
    n->pos = pos_info_clone(m->pos, m->cap);
    if (m->index) {
        n->index_cap = m->index_cap;
        n->index = kz_xmalloc(m->index_cap * sizeof *n->index);
        memcpy(n->index, m->index, m->index_cap * sizeof *n->index);
    }
    m->h.refcnt--;
    *v = c;
}

ptrdiff_t kz_map_find(const kz_value *map, const char *key, size_t keylen) {
    if (map->x.kind != KZ_MAP) return -1;
    return map_lookup(map_of(map), key, keylen);
}

const kz_value *kz_map_get(const kz_value *map, const char *key, size_t keylen) {
    ptrdiff_t i = kz_map_find(map, key, keylen);
    return i < 0 ? NULL : &map_of(map)->entries[i].val;
}

const kz_value *kz_map_getz(const kz_value *map, const char *key) {
    return kz_map_get(map, key, strlen(key));
}

const kz_value *kz_map_key_at(const kz_value *map, size_t i) {
    if (map->x.kind != KZ_MAP || i >= map_of(map)->len) return NULL;
    return &map_of(map)->entries[i].key;
}

const kz_value *kz_map_value_at(const kz_value *map, size_t i) {
    if (map->x.kind != KZ_MAP || i >= map_of(map)->len) return NULL;
    return &map_of(map)->entries[i].val;
}

void kz_map_set(kz_value *map, kz_value key, kz_value val) {
    map_unshare(map);
    map_heap *m = map_of(map);
    ptrdiff_t i = map_lookup(m, kz_str(&key), kz_str_len(&key));
    if (i >= 0) {
        kz_free(key);
        kz_free(m->entries[i].val);
        m->entries[i].val = val;
        return;
    }
    if (m->len + 1 > m->cap) {
        size_t old = m->cap;
        m->cap = kz_grow_cap(m->cap, m->len + 1);
        m->entries = kz_xrealloc(m->entries, m->cap * sizeof *m->entries);
        pos_resize(m->pos, old, m->cap);
    }
    size_t at = m->len++;
    m->entries[at].key = key;
    m->entries[at].val = val;
    if (m->pos && m->pos->entries) m->pos->entries[at] = (kz_pos){0, 0};
    if (m->len < KZ_MAP_INDEX_MIN) return;
    if (!m->index || m->len * 2 > m->index_cap) {
        map_index_rebuild(m);
        return;
    }
    size_t mask = m->index_cap - 1;
    size_t slot = kz_hash_bytes(kz_str(&m->entries[at].key), kz_str_len(&m->entries[at].key)) & mask;
    while (m->index[slot]) slot = (slot + 1) & mask;
    m->index[slot] = (uint32_t)(at + 1);
}

void kz_map_setz(kz_value *map, const char *key, kz_value val) {
    kz_map_set(map, kz_string(key), val);
}

bool kz_map_remove(kz_value *map, const char *key, size_t keylen) {
    if (map->x.kind != KZ_MAP || map_lookup(map_of(map), key, keylen) < 0) return false;
    map_unshare(map);
    map_heap *m = map_of(map);
    size_t i = (size_t)map_lookup(m, key, keylen);
    kz_free(m->entries[i].key);
    kz_free(m->entries[i].val);
    memmove(m->entries + i, m->entries + i + 1, (m->len - i - 1) * sizeof *m->entries);
    if (m->pos && m->pos->entries)
        memmove(m->pos->entries + i, m->pos->entries + i + 1,
                (m->len - i - 1) * sizeof *m->pos->entries);
    m->len--;
    map_index_rebuild(m); /* entry indexes shifted; removal is rare enough */
    return true;
}

kz_value *kz_map_get_mut(kz_value *map, const char *key, size_t keylen) {
    if (kz_map_find(map, key, keylen) < 0) return NULL;
    map_unshare(map);
    return &map_of(map)->entries[map_lookup(map_of(map), key, keylen)].val;
}

kz_value *kz_map_value_at_mut(kz_value *map, size_t i) {
    if (map->x.kind != KZ_MAP || i >= map_of(map)->len) return NULL;
    map_unshare(map);
    return &map_of(map)->entries[i].val;
}

int kz_key_cmp_bytes(const char *a, size_t alen, const char *b, size_t blen) {
    size_t n = alen < blen ? alen : blen;
    int c = n ? memcmp(a, b, n) : 0;
    if (c) return c;
    return alen < blen ? -1 : alen > blen ? 1 : 0;
}

typedef struct {
    map_entry e;
    kz_pos pos;
    size_t orig;
} sort_item;

static kz_key_cmp_fn sort_cmp_fn; /* qsort has no context argument in C17 */

static int sort_item_cmp(const void *pa, const void *pb) {
    const sort_item *a = pa, *b = pb;
    int c = sort_cmp_fn(kz_str(&a->e.key), kz_str_len(&a->e.key), kz_str(&b->e.key),
                        kz_str_len(&b->e.key));
    if (c) return c;
    return a->orig < b->orig ? -1 : a->orig > b->orig;
}

void kz_map_sort(kz_value *map, kz_key_cmp_fn cmp) {
    if (map->x.kind != KZ_MAP || map_of(map)->len < 2) return;
    map_unshare(map);
    map_heap *m = map_of(map);
    sort_item *items = kz_xmalloc(m->len * sizeof *items);
    bool has_pos = m->pos && m->pos->entries;
    for (size_t i = 0; i < m->len; i++) {
        items[i].e = m->entries[i];
        items[i].pos = has_pos ? m->pos->entries[i] : (kz_pos){0, 0};
        items[i].orig = i;
    }
    sort_cmp_fn = cmp;
    qsort(items, m->len, sizeof *items, sort_item_cmp);
    for (size_t i = 0; i < m->len; i++) {
        m->entries[i] = items[i].e;
        if (has_pos) m->pos->entries[i] = items[i].pos;
    }
    free(items);
    map_index_rebuild(m);
}

/* ------------------------------------------------------------ positions */

const char *kz_source_name(const kz_value *c) {
    pos_info **slot = pos_slot(c);
    if (!slot || !*slot || !kz_is_string(&(*slot)->source)) return NULL;
    return kz_str(&(*slot)->source);
}

kz_pos kz_node_pos(const kz_value *c) {
    pos_info **slot = pos_slot(c);
    return slot && *slot ? (*slot)->self : (kz_pos){0, 0};
}

kz_pos kz_entry_pos(const kz_value *c, size_t i) {
    pos_info **slot = pos_slot(c);
    if (!slot || !*slot || !(*slot)->entries || i >= kz_len(c)) return (kz_pos){0, 0};
    return (*slot)->entries[i];
}

static pos_info *pos_ensure(kz_value *c) {
    if (c->x.kind == KZ_SEQ) seq_unshare(c);
    else map_unshare(c);
    pos_info **slot = pos_slot(c);
    if (!*slot) {
        *slot = kz_xcalloc(1, sizeof **slot);
        (*slot)->source = kz_invalid();
    }
    return *slot;
}

void kz_set_node_pos(kz_value *c, const kz_value *source, kz_pos pos) {
    if (!pos_slot(c)) return;
    pos_info *p = pos_ensure(c);
    kz_free(p->source);
    p->source = source ? kz_copy(source) : kz_invalid();
    p->self = pos;
}

void kz_set_entry_pos(kz_value *c, size_t i, kz_pos pos) {
    if (!pos_slot(c) || i >= kz_len(c)) return;
    pos_info *p = pos_ensure(c);
    if (!p->entries) {
        size_t cap = container_cap(c);
        p->entries = kz_xcalloc(cap ? cap : 1, sizeof *p->entries);
    }
    p->entries[i] = pos;
}

/* ------------------------------------------------------------ deep ops */

kz_value kz_deep_copy(const kz_value *v) {
    switch (v->x.kind) {
    case KZ_SEQ: {
        const seq_heap *s = seq_of(v);
        kz_value c = kz_seq_sized(s->len);
        seq_heap *n = seq_of(&c);
        for (size_t i = 0; i < s->len; i++) n->items[i] = kz_deep_copy(&s->items[i]);
        n->len = s->len;
        if (s->pos) {
            n->pos = pos_info_clone(s->pos, s->len);
        }
        return c;
    }
    case KZ_MAP: {
        const map_heap *m = map_of(v);
        kz_value c = kz_map_sized(m->len);
        map_heap *n = map_of(&c);
        for (size_t i = 0; i < m->len; i++) {
            n->entries[i].key = kz_deep_copy(&m->entries[i].key);
            n->entries[i].val = kz_deep_copy(&m->entries[i].val);
        }
        n->len = m->len;
        if (m->pos) n->pos = pos_info_clone(m->pos, m->len);
        map_index_rebuild(n);
        return c;
    }
    case KZ_STRING:
        return kz_string_n(kz_str(v), kz_str_len(v));
    case KZ_INVALID: {
        const char *msg = kz_error_message(v);
        return msg ? kz_error("%s", msg) : kz_invalid();
    }
    default:
        return *v;
    }
}

static bool equal_impl(const kz_value *a, const kz_value *b, bool ordered) {
    if (a->x.kind != b->x.kind) return false;
    switch (a->x.kind) {
    case KZ_INVALID:
    case KZ_NULL: return true;
    case KZ_BOOL: return a->x.u.b == b->x.u.b;
    case KZ_INT: return a->x.u.i == b->x.u.i;
    case KZ_FLOAT: return a->x.u.f == b->x.u.f;
    case KZ_STRING: return kz_str_eq(b, kz_str(a), kz_str_len(a));
    case KZ_SEQ: {
        if (has_heap(a) && a->x.u.h == b->x.u.h) return true;
        const seq_heap *x = seq_of(a), *y = seq_of(b);
        if (x->len != y->len) return false;
        for (size_t i = 0; i < x->len; i++)
            if (!equal_impl(&x->items[i], &y->items[i], ordered)) return false;
        return true;
    }
    case KZ_MAP: {
        if (a->x.u.h == b->x.u.h) return true;
        const map_heap *x = map_of(a), *y = map_of(b);
        if (x->len != y->len) return false;
        for (size_t i = 0; i < x->len; i++) {
            const kz_value *k = &x->entries[i].key;
            ptrdiff_t j = ordered ? (ptrdiff_t)i : map_lookup(y, kz_str(k), kz_str_len(k));
            if (j < 0 || !kz_str_eq(&y->entries[j].key, kz_str(k), kz_str_len(k))) return false;
            if (!equal_impl(&x->entries[i].val, &y->entries[j].val, ordered)) return false;
        }
        return true;
    }
    }
    return false;
}

bool kz_equal(const kz_value *a, const kz_value *b) { return equal_impl(a, b, false); }
bool kz_identical(const kz_value *a, const kz_value *b) { return equal_impl(a, b, true); }

void kz_merge(kz_value *dst, const kz_value *src, bool src_wins) {
    if (!kz_is_map(dst) || !kz_is_map(src)) {
        if (src_wins) {
            kz_value old = *dst;
            *dst = kz_copy(src);
            kz_free(old);
        }
        return;
    }
    const map_heap *s = map_of(src);
    for (size_t i = 0; i < s->len; i++) {
        const kz_value *k = &s->entries[i].key;
        const kz_value *sv = &s->entries[i].val;
        kz_value *dv = kz_map_get_mut(dst, kz_str(k), kz_str_len(k));
        if (!dv) {
            kz_map_set(dst, kz_copy(k), kz_copy(sv));
        } else if (kz_is_map(dv) && kz_is_map(sv)) {
            kz_merge(dv, sv, src_wins);
        } else if (src_wins) {
            kz_free(*dv);
            *dv = kz_copy(sv);
        }
    }
}
