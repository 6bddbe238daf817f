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
#include "core/parallel.h"

typedef kz_str_heap_ str_heap;

/*
 * Containers (sequences and mappings) are ONE block each, because a parsed
 * Kubernetes document is mostly small maps and a block per part (header,
 * entries, positions) used to cost more than the data:
 *
 *   [cont_heap][pos_meta, if positions][cap elements][cap entry positions]
 *
 * Elements are kz_values (sequences) or map_entry pairs (mappings). Growing
 * reallocates the block (its owner holds the only reference by then, see
 * unshare) and moves the position array up behind the larger element area.
 *
 * Entry positions come in two encodings (h.pos_mode). In block collections,
 * which is nearly all YAML, every entry starts in the container's own column,
 * a few lines below it: POS_COMPACT stores just that line offset in 16 bits.
 * An entry that doesn't fit (flow collections, offsets of 65535 lines or more)
 * turns the container's array into POS_FULL, a kz_pos per entry.
 */
typedef kz_cont_heap_ cont_heap; /* declared in value.h for the inline accessors */

enum { POS_NONE = 0, POS_COMPACT = 1, POS_FULL = 2 };
#define COMPACT_UNKNOWN 0xFFFFu /* a POS_COMPACT entry without a position */

typedef struct {
    str_heap *source; /* file name, shared by reference; NULL if none */
    kz_pos self;
} pos_meta;

typedef struct {
    kz_value key;
    kz_value val;
} map_entry;

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

kz_value kz_uint(uint64_t u) {
    if (u <= (uint64_t)INT64_MAX) return kz_int((int64_t)u);
    kz_value v = make_kind(KZ_INT);
    v.x.flags = KZ_VF_UNSIGNED;
    v.x.u.i = (int64_t)u; /* two's complement bits; read back with kz_uint_get */
    return v;
}

kz_value kz_float(double f) {
    kz_value v = make_kind(KZ_FLOAT);
    v.x.u.f = f;
    return v;
}

static str_heap *str_heap_new(const char *s, size_t n, kz_kind kind) {
    str_heap *h = kz_xmalloc(sizeof *h + n + 1);
    h->h = (kz_heap){.refcnt = 1, .kind = (uint8_t)kind};
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

/* ------------------------------------------------------------ containers */

static size_t elem_size(uint8_t kind) { return kind == KZ_MAP ? sizeof(map_entry) : sizeof(kz_value); }

static size_t pos_size(uint8_t mode) {
    return mode == POS_FULL ? sizeof(kz_pos) : mode == POS_COMPACT ? sizeof(uint16_t) : 0;
}

static size_t block_size(uint8_t kind, uint8_t mode, size_t cap) {
    size_t n = sizeof(cont_heap) + cap * (elem_size(kind) + pos_size(mode));
    return mode ? n + sizeof(pos_meta) : n;
}

/* A block moved by a shared mutation (kz_map_set_shared) forwards to its new
 * place: holders keep their pointer and follow it. */
static cont_heap *resolve(kz_heap *h) {
    cont_heap *c = (cont_heap *)h;
    while (c->h.fwd) c = (cont_heap *)(void *)c->index;
    return c;
}

static cont_heap *cont_of(const kz_value *v) { return resolve(v->x.u.h); }

static char *elems(const cont_heap *c) {
    return (char *)(c + 1) + (c->h.pos_mode ? sizeof(pos_meta) : 0);
}
static kz_value *items(const cont_heap *c) { return (kz_value *)elems(c); }
static map_entry *entries(const cont_heap *c) { return (map_entry *)elems(c); }
static pos_meta *meta(const cont_heap *c) { return c->h.pos_mode ? (pos_meta *)(c + 1) : NULL; }
/* The entry-position array (encoded per pos_mode), behind the elements. */
static char *pos_area(const cont_heap *c) { return elems(c) + (size_t)c->cap * elem_size(c->h.kind); }
static uint16_t *compact_pos(const cont_heap *c) { return (uint16_t *)pos_area(c); }
static kz_pos *full_pos(const cont_heap *c) { return (kz_pos *)pos_area(c); }
static size_t index_cap(const cont_heap *m) { return m->index ? (size_t)1 << m->h.index_log2 : 0; }

static kz_pos get_epos(const cont_heap *c, size_t i) {
    if (c->h.pos_mode == POS_FULL) return full_pos(c)[i];
    if (c->h.pos_mode != POS_COMPACT || compact_pos(c)[i] == COMPACT_UNKNOWN) return (kz_pos){0, 0};
    kz_pos self = meta(c)->self;
    return (kz_pos){self.line + compact_pos(c)[i], self.col};
}

/* Mark entries [from, to) as having no position. */
static void clear_epos(cont_heap *c, size_t from, size_t to) {
    if (c->h.pos_mode == POS_FULL) memset(full_pos(c) + from, 0, (to - from) * sizeof(kz_pos));
    else if (c->h.pos_mode == POS_COMPACT)
        for (size_t i = from; i < to; i++) compact_pos(c)[i] = COMPACT_UNKNOWN;
}

static str_heap *source_ref(const kz_value *source);

static kz_value cont_new(kz_kind kind, size_t cap) {
    if (cap > UINT32_MAX / 2) kz_oom(cap); /* lengths are 32-bit: beyond any real document */
    cont_heap *c = kz_xmalloc(block_size((uint8_t)kind, POS_NONE, cap));
    memset(c, 0, sizeof *c);
    c->h.kind = (uint8_t)kind;
    c->cap = (uint32_t)cap;
    return make_heap(kind, &c->h);
}

kz_value kz_container_at(kz_kind kind, size_t cap, const kz_value *source, kz_pos pos) {
    if (kind != KZ_SEQ && kind != KZ_MAP) return kz_invalid();
    if (cap > UINT32_MAX / 2) kz_oom(cap);
    cont_heap *c = kz_xmalloc(block_size((uint8_t)kind, POS_COMPACT, cap));
    memset(c, 0, sizeof *c);
    c->h.kind = (uint8_t)kind;
    c->h.pos_mode = POS_COMPACT;
    c->cap = (uint32_t)cap;
    meta(c)->source = source_ref(source);
    meta(c)->self = pos;
    clear_epos(c, 0, cap);
    return make_heap(kind, &c->h);
}

kz_value kz_seq_sized(size_t capacity) { return cont_new(KZ_SEQ, capacity); }
kz_value kz_seq(void) { return kz_seq_sized(0); }
kz_value kz_map_sized(size_t capacity) { return cont_new(KZ_MAP, capacity); }
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

/* Freeing is a loop, not a recursion: a value nested 100,000 levels deep
 * (core/parallel.h) would overflow the stack. A block whose count reached
 * zero is disposed of: a string at once; a container joins `todo`, a list
 * threaded through its own `index` field (a mapping's index is freed
 * first), until the loop in heap_release releases its children. */
static void dispose(kz_heap *h, cont_heap **todo) {
    while (h->fwd) { /* a forwarder owns one reference to the moved block */
        kz_heap *moved = (kz_heap *)(void *)((cont_heap *)h)->index;
        free(h);
        if (--moved->refcnt > 0) return;
        h = moved;
    }
    if (h->kind != KZ_SEQ && h->kind != KZ_MAP) {
        free(h); /* strings and errors are one block */
        return;
    }
    cont_heap *c = (cont_heap *)h;
    if (h->kind == KZ_MAP) free(c->index);
    c->index = (uint32_t *)(void *)*todo;
    *todo = c;
}

static void release_child(const kz_value *v, cont_heap **todo) {
    if (has_heap(v) && --v->x.u.h->refcnt == 0) dispose(v->x.u.h, todo);
}

static void heap_release(kz_heap *h) {
    if (--h->refcnt > 0) return;
    cont_heap *todo = NULL;
    dispose(h, &todo);
    while (todo) {
        cont_heap *c = todo;
        todo = (cont_heap *)(void *)c->index;
        if (c->h.kind == KZ_SEQ) {
            for (uint32_t i = 0; i < c->len; i++) release_child(&items(c)[i], &todo);
        } else {
            for (uint32_t i = 0; i < c->len; i++) {
                release_child(&entries(c)[i].key, &todo);
                release_child(&entries(c)[i].val, &todo);
            }
        }
        str_heap *source = c->h.pos_mode ? meta(c)->source : NULL;
        if (source && --source->h.refcnt == 0) free(source); /* a string: nothing below it */
        free(c);
    }
}

void kz_free(kz_value v) {
    if (has_heap(&v)) heap_release(v.x.u.h);
}

/* ------------------------------------------------------------- inspection */

bool kz_bool_get(const kz_value *v) { return v->x.kind == KZ_BOOL && v->x.u.b; }

int64_t kz_int_get(const kz_value *v) {
    if (kz_int_is_unsigned(v)) return INT64_MAX;
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
    if (kz_int_is_unsigned(v)) return (double)kz_uint_get(v);
    if (v->x.kind == KZ_INT) return (double)v->x.u.i;
    return 0;
}

bool kz_str_eq(const kz_value *v, const char *s, size_t n) {
    return v->x.kind == KZ_STRING && kz_str_len(v) == n && memcmp(kz_str(v), s, n) == 0;
}

bool kz_str_eqz(const kz_value *v, const char *s) { return kz_str_eq(v, s, strlen(s)); }

/* ---------------------------------------------------------------- hashing */

/* Eight bytes per step, then splitmix64's finalizer so that the low bits,
 * which pick the slot, depend on every byte. (FNV-1a a byte at a time was
 * a tenth of every .Values lookup.) In-process only: never stored. */
uint64_t kz_hash_bytes(const char *s, size_t n) {
    uint64_t h = 0x9E3779B97F4A7C15ULL ^ (uint64_t)n;
    for (; n >= 8; s += 8, n -= 8) {
        uint64_t k;
        memcpy(&k, s, 8);
        h = (h ^ k) * 0xBF58476D1CE4E5B9ULL;
        h ^= h >> 31;
    }
    /* the last 0-7 bytes in at most two loads (overlapping when n > 4) */
    uint64_t tail = 0;
    if (n >= 4) {
        uint32_t a, b;
        memcpy(&a, s, 4);
        memcpy(&b, s + n - 4, 4);
        tail = (uint64_t)a << 32 | b;
    } else if (n > 0) {
        tail = (uint64_t)(unsigned char)s[0] << 16 | (uint64_t)(unsigned char)s[n / 2] << 8 | (unsigned char)s[n - 1];
    }
    h ^= tail;
    h ^= h >> 30;
    h *= 0xBF58476D1CE4E5B9ULL;
    h ^= h >> 27;
    h *= 0x94D049BB133111EBULL;
    h ^= h >> 31;
    return h;
}

/* ------------------------------------------------- container maintenance */

static bool is_container(const kz_value *v) { return v->x.kind == KZ_SEQ || v->x.kind == KZ_MAP; }

/* Make *v the only holder of its block, cloning it (children get a reference
 * each) when it is shared. Every mutation starts here. */
static void unshare(kz_value *v) {
    if (v->x.u.h->fwd) { /* point v at the moved block itself */
        cont_heap *target = cont_of(v);
        target->h.refcnt++;
        heap_release(v->x.u.h);
        v->x.u.h = &target->h;
    }
    cont_heap *c = cont_of(v);
    if (c->h.refcnt == 1) return;
    size_t size = block_size(c->h.kind, c->h.pos_mode, c->cap);
    cont_heap *n = kz_xmalloc(size);
    memcpy(n, c, size);
    n->h.refcnt = 1;
    if (c->h.kind == KZ_SEQ) {
        for (uint32_t i = 0; i < n->len; i++) (void)kz_copy(&items(n)[i]);
    } else {
        for (uint32_t i = 0; i < n->len; i++) {
            (void)kz_copy(&entries(n)[i].key);
            (void)kz_copy(&entries(n)[i].val);
        }
        if (c->index) {
            n->index = kz_xmalloc(index_cap(c) * sizeof *n->index);
            memcpy(n->index, c->index, index_cap(c) * sizeof *n->index);
        }
    }
    if (n->h.pos_mode && meta(n)->source) meta(n)->source->h.refcnt++;
    c->h.refcnt--;
    v->x.u.h = &n->h;
}

/* Room for `need` elements. The caller has unshared *v. */
static cont_heap *reserve(kz_value *v, size_t need) {
    cont_heap *c = cont_of(v);
    if (need <= c->cap) return c;
    if (need > UINT32_MAX / 2) kz_oom(need); /* lengths are 32-bit: beyond any real document */
    uint32_t old_cap = c->cap;
    uint32_t new_cap = (uint32_t)kz_grow_cap(old_cap < 4 ? 2 : old_cap, need);
    c = kz_xrealloc(c, block_size(c->h.kind, c->h.pos_mode, new_cap));
    c->cap = new_cap;
    if (c->h.pos_mode) {
        /* The position array sat behind old_cap elements; move it behind new_cap. */
        size_t psz = pos_size(c->h.pos_mode);
        memmove(pos_area(c), elems(c) + (size_t)old_cap * elem_size(c->h.kind), old_cap * psz);
        clear_epos(c, old_cap, new_cap);
    }
    v->x.u.h = &c->h;
    return c;
}

/* Give *v's block position data (all unknown) if it has none. */
static cont_heap *add_positions(kz_value *v) {
    unshare(v);
    cont_heap *c = cont_of(v);
    if (c->h.pos_mode) return c;
    size_t esz = elem_size(c->h.kind);
    c = kz_xrealloc(c, block_size(c->h.kind, POS_COMPACT, c->cap));
    char *old_elems = (char *)(c + 1);
    memmove(old_elems + sizeof(pos_meta), old_elems, c->cap * esz);
    c->h.pos_mode = POS_COMPACT;
    meta(c)->source = NULL;
    meta(c)->self = (kz_pos){0, 0};
    clear_epos(c, 0, c->cap);
    v->x.u.h = &c->h;
    return c;
}

/* Turn a POS_COMPACT array into POS_FULL (same block, grown). */
static cont_heap *widen_positions(kz_value *v) {
    cont_heap *c = cont_of(v);
    if (c->h.pos_mode != POS_COMPACT) return c;
    c = kz_xrealloc(c, block_size(c->h.kind, POS_FULL, c->cap));
    /* Decode from the last entry down: full entry i (bytes 8i..8i+7) only
     * overlaps compact entries >= i, which are decoded already. */
    uint16_t *compact = compact_pos(c);
    kz_pos *full = full_pos(c);
    kz_pos self = meta(c)->self;
    for (size_t i = c->cap; i-- > 0;) {
        uint16_t d = compact[i];
        full[i] = d == COMPACT_UNKNOWN ? (kz_pos){0, 0} : (kz_pos){self.line + d, self.col};
    }
    c->h.pos_mode = POS_FULL;
    v->x.u.h = &c->h;
    return c;
}

/* Record entry i's position, widening the encoding if it needs to. *v is unshared. */
static void put_epos(kz_value *v, size_t i, kz_pos pos) {
    cont_heap *c = cont_of(v);
    if (c->h.pos_mode == POS_COMPACT) {
        kz_pos self = meta(c)->self;
        if (pos.line == 0) {
            compact_pos(c)[i] = COMPACT_UNKNOWN;
            return;
        }
        if (pos.col == self.col && pos.line >= self.line && pos.line - self.line < COMPACT_UNKNOWN) {
            compact_pos(c)[i] = (uint16_t)(pos.line - self.line);
            return;
        }
        c = widen_positions(v);
    }
    full_pos(c)[i] = pos;
}

/* Open a gap at i (shifting positions too) or close one; len is adjusted. */
static void shift_elements(cont_heap *c, size_t i, bool open) {
    size_t esz = elem_size(c->h.kind), psz = pos_size(c->h.pos_mode);
    char *e = elems(c), *p = pos_area(c);
    if (open) {
        memmove(e + (i + 1) * esz, e + i * esz, (c->len - i) * esz);
        if (psz) {
            memmove(p + (i + 1) * psz, p + i * psz, (c->len - i) * psz);
            clear_epos(c, i, i + 1);
        }
        c->len++;
    } else {
        memmove(e + i * esz, e + (i + 1) * esz, (c->len - i - 1) * esz);
        if (psz) memmove(p + i * psz, p + (i + 1) * psz, (c->len - i - 1) * psz);
        c->len--;
    }
}

/* ------------------------------------------------------------ sequences */

const kz_value *kz_seq_at(const kz_value *seq, size_t i) {
    if (seq->x.kind != KZ_SEQ || i >= cont_of(seq)->len) return NULL;
    return &items(cont_of(seq))[i];
}

void kz_seq_push(kz_value *seq, kz_value item) {
    unshare(seq);
    cont_heap *c = reserve(seq, (size_t)cont_of(seq)->len + 1);
    clear_epos(c, c->len, c->len + 1);
    items(c)[c->len++] = item;
}

void kz_seq_set(kz_value *seq, size_t i, kz_value item) {
    unshare(seq);
    kz_value *slot = &items(cont_of(seq))[i];
    kz_free(*slot);
    *slot = item;
}

void kz_seq_insert(kz_value *seq, size_t i, kz_value item) {
    unshare(seq);
    cont_heap *c = reserve(seq, (size_t)cont_of(seq)->len + 1);
    shift_elements(c, i, true);
    items(c)[i] = item;
}

void kz_seq_remove(kz_value *seq, size_t i) {
    unshare(seq);
    cont_heap *c = cont_of(seq);
    kz_free(items(c)[i]);
    shift_elements(c, i, false);
}

void kz_seq_truncate(kz_value *seq, size_t len) {
    unshare(seq);
    cont_heap *c = cont_of(seq);
    while (c->len > len) kz_free(items(c)[--c->len]);
}

kz_value *kz_seq_at_mut(kz_value *seq, size_t i) {
    if (seq->x.kind != KZ_SEQ || i >= cont_of(seq)->len) return NULL;
    unshare(seq);
    return &items(cont_of(seq))[i];
}

/* -------------------------------------------------------------- mappings */

static size_t key_slot(const cont_heap *m, const kz_value *key) {
    return kz_hash_bytes(kz_str(key), kz_str_len(key)) & (index_cap(m) - 1);
}

static void index_insert(cont_heap *m, size_t at) {
    size_t mask = index_cap(m) - 1;
    size_t slot = key_slot(m, &entries(m)[at].key);
    while (m->index[slot]) slot = (slot + 1) & mask;
    m->index[slot] = (uint32_t)(at + 1);
}

static void index_rebuild(cont_heap *m) {
    free(m->index);
    m->index = NULL;
    if (m->len < KZ_MAP_INDEX_MIN) return;
    uint8_t log2 = 4;
    while (((size_t)1 << log2) < (size_t)m->len * 2) log2++;
    m->index = kz_xcalloc((size_t)1 << log2, sizeof *m->index);
    m->h.index_log2 = log2;
    for (uint32_t i = 0; i < m->len; i++) index_insert(m, i);
}

static ptrdiff_t map_lookup(const cont_heap *m, const char *key, size_t n) {
    const map_entry *e = entries(m);
    if (m->index) {
        size_t mask = index_cap(m) - 1;
        size_t slot = kz_hash_bytes(key, n) & mask;
        for (uint32_t at; (at = m->index[slot]) != 0; slot = (slot + 1) & mask)
            if (kz_str_eq(&e[at - 1].key, key, n)) return (ptrdiff_t)(at - 1);
        return -1;
    }
    for (uint32_t i = 0; i < m->len; i++)
        if (kz_str_eq(&e[i].key, key, n)) return (ptrdiff_t)i;
    return -1;
}

ptrdiff_t kz_map_find(const kz_value *map, const char *key, size_t keylen) {
    if (map->x.kind != KZ_MAP) return -1;
    return map_lookup(cont_of(map), key, keylen);
}

const kz_value *kz_map_get(const kz_value *map, const char *key, size_t keylen) {
    ptrdiff_t i = kz_map_find(map, key, keylen);
    return i < 0 ? NULL : &entries(cont_of(map))[i].val;
}

const kz_value *kz_map_getz(const kz_value *map, const char *key) {
    return kz_map_get(map, key, strlen(key));
}

const kz_value *kz_map_key_at(const kz_value *map, size_t i) {
    if (map->x.kind != KZ_MAP || i >= cont_of(map)->len) return NULL;
    return &entries(cont_of(map))[i].key;
}

const kz_value *kz_map_value_at(const kz_value *map, size_t i) {
    if (map->x.kind != KZ_MAP || i >= cont_of(map)->len) return NULL;
    return &entries(cont_of(map))[i].val;
}

void kz_map_set(kz_value *map, kz_value key, kz_value val) {
    unshare(map);
    ptrdiff_t i = map_lookup(cont_of(map), kz_str(&key), kz_str_len(&key));
    if (i >= 0) {
        map_entry *e = &entries(cont_of(map))[i];
        kz_free(key);
        kz_free(e->val);
        e->val = val;
        return;
    }
    cont_heap *m = reserve(map, (size_t)cont_of(map)->len + 1);
    size_t at = m->len++;
    entries(m)[at].key = key;
    entries(m)[at].val = val;
    clear_epos(m, at, at + 1);
    if (m->len < KZ_MAP_INDEX_MIN) return;
    if (!m->index || m->len * 2 > index_cap(m)) index_rebuild(m);
    else index_insert(m, at);
}

/* Move c's contents to a larger block that c forwards to (see resolve). */
static cont_heap *grow_shared(cont_heap *c, size_t need) {
    if (need > UINT32_MAX / 2) kz_oom(need);
    uint32_t new_cap = (uint32_t)kz_grow_cap(c->cap < 4 ? 2 : c->cap, need);
    uint8_t mode = c->h.pos_mode;
    cont_heap *n = kz_xmalloc(block_size(c->h.kind, mode, new_cap));
    memcpy(n, c, sizeof *c + (mode ? sizeof(pos_meta) : 0)); /* header, positions' source */
    n->h.refcnt = 1;
    n->cap = new_cap;
    memcpy(elems(n), elems(c), (size_t)c->len * elem_size(c->h.kind));
    if (mode) {
        memcpy(pos_area(n), pos_area(c), (size_t)c->len * pos_size(mode));
        clear_epos(n, c->len, new_cap);
    }
    /* c keeps nothing but the forward: its children, index and source moved */
    c->len = 0;
    c->h.pos_mode = POS_NONE;
    c->h.fwd = 1;
    c->index = (uint32_t *)(void *)n;
    return n;
}

void kz_map_set_shared(kz_value *map, kz_value key, kz_value val) {
    if (map->x.kind != KZ_MAP) {
        kz_free(key);
        kz_free(val);
        return;
    }
    cont_heap *m = cont_of(map);
    ptrdiff_t i = map_lookup(m, kz_str(&key), kz_str_len(&key));
    if (i >= 0) {
        kz_free(key);
        kz_free(entries(m)[i].val);
        entries(m)[i].val = val;
        return;
    }
    if (m->len == m->cap) m = grow_shared(m, (size_t)m->len + 1);
    size_t at = m->len++;
    entries(m)[at].key = key;
    entries(m)[at].val = val;
    clear_epos(m, at, at + 1);
    if (m->len < KZ_MAP_INDEX_MIN) return;
    if (!m->index || m->len * 2 > index_cap(m)) index_rebuild(m);
    else index_insert(m, at);
}

bool kz_map_remove_shared(kz_value *map, const char *key, size_t keylen) {
    if (map->x.kind != KZ_MAP) return false;
    cont_heap *m = cont_of(map);
    ptrdiff_t i = map_lookup(m, key, keylen);
    if (i < 0) return false;
    kz_free(entries(m)[i].key);
    kz_free(entries(m)[i].val);
    shift_elements(m, (size_t)i, false);
    index_rebuild(m);
    return true;
}

void kz_map_setz(kz_value *map, const char *key, kz_value val) {
    kz_map_set(map, kz_string(key), val);
}

bool kz_map_remove(kz_value *map, const char *key, size_t keylen) {
    if (kz_map_find(map, key, keylen) < 0) return false;
    unshare(map);
    cont_heap *m = cont_of(map);
    size_t i = (size_t)map_lookup(m, key, keylen);
    kz_free(entries(m)[i].key);
    kz_free(entries(m)[i].val);
    shift_elements(m, i, false);
    index_rebuild(m); /* entry numbers shifted; removal is rare enough */
    return true;
}

kz_value *kz_map_get_mut(kz_value *map, const char *key, size_t keylen) {
    ptrdiff_t i = kz_map_find(map, key, keylen);
    if (i < 0) return NULL;
    unshare(map);
    return &entries(cont_of(map))[i].val;
}

kz_value *kz_map_value_at_mut(kz_value *map, size_t i) {
    if (map->x.kind != KZ_MAP || i >= cont_of(map)->len) return NULL;
    unshare(map);
    return &entries(cont_of(map))[i].val;
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
} sort_item;

static int item_cmp(const sort_item *a, const sort_item *b, kz_key_cmp_fn cmp) {
    return cmp(kz_str(&a->e.key), kz_str_len(&a->e.key), kz_str(&b->e.key), kz_str_len(&b->e.key));
}

/* Stable merge sort with the comparator passed down: qsort would need it in a
 * global, and values are sorted on several threads at once. */
static void merge_sort(sort_item *a, sort_item *tmp, size_t n, kz_key_cmp_fn cmp) {
    if (n < 2) return;
    size_t half = n / 2;
    merge_sort(a, tmp, half, cmp);
    merge_sort(a + half, tmp, n - half, cmp);
    size_t i = 0, j = half, k = 0;
    while (i < half && j < n) tmp[k++] = item_cmp(&a[j], &a[i], cmp) < 0 ? a[j++] : a[i++];
    while (i < half) tmp[k++] = a[i++];
    while (j < n) tmp[k++] = a[j++];
    memcpy(a, tmp, n * sizeof *a);
}

void kz_map_sort(kz_value *map, kz_key_cmp_fn cmp) {
    if (map->x.kind != KZ_MAP || cont_of(map)->len < 2) return;
    unshare(map);
    cont_heap *m = cont_of(map);
    sort_item *items_tmp = kz_xmalloc(2 * m->len * sizeof *items_tmp);
    for (uint32_t i = 0; i < m->len; i++) {
        items_tmp[i].e = entries(m)[i];
        items_tmp[i].pos = get_epos(m, i);
    }
    merge_sort(items_tmp, items_tmp + m->len, m->len, cmp);
    for (uint32_t i = 0; i < m->len; i++) {
        entries(cont_of(map))[i] = items_tmp[i].e;
        if (cont_of(map)->h.pos_mode) put_epos(map, i, items_tmp[i].pos);
    }
    free(items_tmp);
    index_rebuild(cont_of(map));
}

/* ------------------------------------------------------------ positions */

kz_value kz_source(const char *name) {
    size_t n = strlen(name);
    return make_heap(KZ_STRING, &str_heap_new(name, n, KZ_STRING)->h);
}

static bool has_positions(const kz_value *c) { return is_container(c) && cont_of(c)->h.pos_mode; }

const char *kz_source_name(const kz_value *c) {
    if (!has_positions(c) || !meta(cont_of(c))->source) return NULL;
    return meta(cont_of(c))->source->data;
}

kz_pos kz_node_pos(const kz_value *c) {
    return has_positions(c) ? meta(cont_of(c))->self : (kz_pos){0, 0};
}

kz_pos kz_entry_pos(const kz_value *c, size_t i) {
    if (!has_positions(c) || i >= cont_of(c)->len) return (kz_pos){0, 0};
    return get_epos(cont_of(c), i);
}

/* A reference to the heap block of a source name: shared when it has one,
 * copied when the string is inline. NULL for anything but a STRING. */
static str_heap *source_ref(const kz_value *source) {
    if (!source || !kz_is_string(source)) return NULL;
    if (has_heap(source)) {
        str_heap *h = (str_heap *)source->x.u.h;
        h->h.refcnt++;
        return h;
    }
    return str_heap_new(kz_str(source), kz_str_len(source), KZ_STRING);
}

void kz_set_node_pos(kz_value *c, const kz_value *source, kz_pos pos) {
    if (!is_container(c)) return;
    cont_heap *h = add_positions(c);
    pos_meta *m = meta(h);
    /* Compact entry positions are relative to the container's own. */
    if (h->h.pos_mode == POS_COMPACT && h->len && (m->self.line != pos.line || m->self.col != pos.col))
        m = meta(widen_positions(c));
    str_heap *old = m->source;
    m->source = source_ref(source);
    if (old) heap_release(&old->h);
    m->self = pos;
}

void kz_set_entry_pos(kz_value *c, size_t i, kz_pos pos) {
    if (!is_container(c) || i >= cont_of(c)->len) return;
    cont_heap *h = cont_of(c);
    if (h->h.refcnt != 1 || !h->h.pos_mode) add_positions(c);
    put_epos(c, i, pos);
}

/* ------------------------------------------------------------ deep ops */

/* A deep copy of a container: same layout, every child deep-copied, nothing
 * shared (the source name is copied too, so the copy may go to another thread). */
static kz_value deep_copy_at(const kz_value *v, size_t depth);

typedef struct deep_copy_job {
    const kz_value *v;
    size_t depth;
    kz_value out;
} deep_copy_job;

static kz_value deep_copy_container_here(const kz_value *v, size_t depth);

static void deep_copy_hop(void *p) {
    deep_copy_job *j = p;
    j->out = deep_copy_container_here(j->v, j->depth);
}

/* deep_copy_container_here; every KZ_DEEP_HOP levels on a fresh stack
 * (core/parallel.h). */
static kz_value deep_copy_container(const kz_value *v, size_t depth) {
    if (!kz_deep_hop_due(depth)) return deep_copy_container_here(v, depth);
    deep_copy_job j = {v, depth, kz_invalid()};
    if (!kz_call_with_stack(KZ_DEEP_STACK, deep_copy_hop, &j)) deep_copy_hop(&j); /* no thread: on this stack */
    return j.out;
}

static kz_value deep_copy_container_here(const kz_value *v, size_t depth) {
    const cont_heap *c = cont_of(v);
    size_t size = block_size(c->h.kind, c->h.pos_mode, c->len);
    cont_heap *n = kz_xmalloc(size);
    n->h = c->h;
    n->len = n->cap = c->len;
    n->index = NULL;
    kz_value out = make_heap((kz_kind)c->h.kind, &n->h);
    for (uint32_t i = 0; i < c->len; i++) {
        if (c->h.kind == KZ_SEQ) {
            items(n)[i] = deep_copy_at(&items(c)[i], depth + 1);
        } else {
            entries(n)[i].key = deep_copy_at(&entries(c)[i].key, depth + 1);
            entries(n)[i].val = deep_copy_at(&entries(c)[i].val, depth + 1);
        }
    }
    if (c->h.pos_mode) {
        meta(n)->self = meta(c)->self;
        str_heap *src = meta(c)->source;
        meta(n)->source = src ? str_heap_new(src->data, src->len, KZ_STRING) : NULL;
        memcpy(pos_area(n), pos_area(c), c->len * pos_size(c->h.pos_mode));
    }
    if (c->h.kind == KZ_MAP && c->index) {
        /* same keys at the same entry numbers: the hash index is the same */
        size_t bytes = index_cap(c) * sizeof *c->index;
        n->index = kz_xmalloc(bytes);
        memcpy(n->index, c->index, bytes);
    }
    return out;
}

kz_value kz_deep_copy(const kz_value *v) { return deep_copy_at(v, 0); }

static kz_value deep_copy_at(const kz_value *v, size_t depth) {
    switch (v->x.kind) {
    case KZ_SEQ:
    case KZ_MAP: return deep_copy_container(v, depth);
    case KZ_STRING: return kz_copy(v); /* strings never change in place: sharing one is copying it */
    case KZ_INVALID: {
        const char *msg = kz_error_message(v);
        return msg ? kz_error("%s", msg) : kz_invalid();
    }
    default: return *v;
    }
}

/* ---- reachability (kz_reaches) ---- */

/* Blocks already walked, by address: open addressing, grown at half full. */
typedef struct block_set {
    const cont_heap **slots;
    size_t cap, n;
} block_set;

static size_t block_slot(const block_set *s, const cont_heap *c) {
    size_t i = (size_t)(((uintptr_t)c >> 4) * 0x9E3779B97F4A7C15u) & (s->cap - 1);
    while (s->slots[i] && s->slots[i] != c) i = (i + 1) & (s->cap - 1);
    return i;
}

/* Adds c; false when it was there already. */
static bool block_set_add(block_set *s, const cont_heap *c) {
    if ((s->n + 1) * 2 > s->cap) {
        block_set bigger = {kz_xcalloc(s->cap ? s->cap * 2 : 64, sizeof *s->slots), s->cap ? s->cap * 2 : 64, 0};
        for (size_t i = 0; i < s->cap; i++)
            if (s->slots[i]) bigger.slots[block_slot(&bigger, s->slots[i])] = s->slots[i], bigger.n++;
        free(s->slots);
        *s = bigger;
    }
    size_t i = block_slot(s, c);
    if (s->slots[i]) return false;
    s->slots[i] = c;
    s->n++;
    return true;
}

bool kz_reaches(const kz_value *from, const kz_value *target) {
    if (!is_container(from) || !is_container(target)) return false;
    const cont_heap *goal = cont_of(target);
    /* Depth first with a stack of held blocks. A block held once (refcount 1,
     * not forwarded) is reached by one path only, so only shared ones need
     * remembering: a DAG of shared lists stays linear, not exponential. */
    const kz_heap **stack = kz_xmalloc(16 * sizeof *stack);
    size_t n = 0, cap = 16;
    block_set seen = {0};
    bool found = false;
    stack[n++] = from->x.u.h;
    while (n && !found) {
        const kz_heap *held = stack[--n];
        const cont_heap *c = resolve((kz_heap *)held);
        if (c == goal) {
            found = true;
            break;
        }
        if ((held->refcnt > 1 || held->fwd) && !block_set_add(&seen, c)) continue;
        for (uint32_t i = 0; i < c->len; i++) {
            const kz_value *child = c->h.kind == KZ_MAP ? &entries(c)[i].val : &items(c)[i];
            if (!is_container(child)) continue;
            if (n == cap) stack = kz_xrealloc(stack, (cap *= 2) * sizeof *stack);
            stack[n++] = child->x.u.h;
        }
    }
    free(stack);
    free(seen.slots);
    return found;
}

static bool equal_impl(const kz_value *a, const kz_value *b, bool ordered, size_t depth);

typedef struct deep_equal_job {
    const kz_value *a, *b;
    bool ordered, equal;
    size_t depth;
} deep_equal_job;

static bool equal_here(const kz_value *a, const kz_value *b, bool ordered, size_t depth);

static void equal_hop(void *p) {
    deep_equal_job *j = p;
    j->equal = equal_here(j->a, j->b, j->ordered, j->depth);
}

/* equal_here; containers every KZ_DEEP_HOP levels on a fresh stack
 * (core/parallel.h). */
static bool equal_impl(const kz_value *a, const kz_value *b, bool ordered, size_t depth) {
    if (!kz_deep_hop_due(depth) || !is_container(a)) return equal_here(a, b, ordered, depth);
    deep_equal_job j = {a, b, ordered, false, depth};
    if (!kz_call_with_stack(KZ_DEEP_STACK, equal_hop, &j)) equal_hop(&j); /* no thread: on this stack */
    return j.equal;
}

static bool equal_here(const kz_value *a, const kz_value *b, bool ordered, size_t depth) {
    if (a->x.kind != b->x.kind) return false;
    switch (a->x.kind) {
    case KZ_INVALID:
    case KZ_NULL: return true;
    case KZ_BOOL: return a->x.u.b == b->x.u.b;
    case KZ_INT: return a->x.u.i == b->x.u.i && kz_int_is_unsigned(a) == kz_int_is_unsigned(b);
    case KZ_FLOAT: return a->x.u.f == b->x.u.f;
    case KZ_STRING: return kz_str_eq(b, kz_str(a), kz_str_len(a));
    case KZ_SEQ: {
        const cont_heap *x = cont_of(a), *y = cont_of(b);
        if (x == y) return true;
        if (x->len != y->len) return false;
        for (uint32_t i = 0; i < x->len; i++)
            if (!equal_impl(&items(x)[i], &items(y)[i], ordered, depth + 1)) return false;
        return true;
    }
    case KZ_MAP: {
        const cont_heap *x = cont_of(a), *y = cont_of(b);
        if (x == y) return true;
        if (x->len != y->len) return false;
        for (uint32_t i = 0; i < x->len; i++) {
            const kz_value *k = &entries(x)[i].key;
            ptrdiff_t j = ordered ? (ptrdiff_t)i : map_lookup(y, kz_str(k), kz_str_len(k));
            if (j < 0 || !kz_str_eq(&entries(y)[j].key, kz_str(k), kz_str_len(k))) return false;
            if (!equal_impl(&entries(x)[i].val, &entries(y)[j].val, ordered, depth + 1)) return false;
        }
        return true;
    }
    }
    return false;
}

bool kz_equal(const kz_value *a, const kz_value *b) { return equal_impl(a, b, false, 0); }
bool kz_identical(const kz_value *a, const kz_value *b) { return equal_impl(a, b, true, 0); }

bool kz_same_block(const kz_value *a, const kz_value *b) {
    return is_container(a) && is_container(b) && cont_of(a) == cont_of(b);
}

void kz_merge(kz_value *dst, const kz_value *src, bool src_wins) {
    if (!kz_is_map(dst) || !kz_is_map(src)) {
        if (src_wins) {
            kz_value old = *dst;
            *dst = kz_copy(src);
            kz_free(old);
        }
        return;
    }
    const cont_heap *s = cont_of(src);
    for (uint32_t i = 0; i < s->len; i++) {
        const kz_value *k = &entries(s)[i].key;
        const kz_value *sv = &entries(s)[i].val;
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
