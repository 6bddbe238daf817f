/* The compact storage of a loaded index (see pool.h). */
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/value.h"
#include "repo/pool.h"

const char *const kz_repo_version_fields[RF_COUNT] = {
    "name",        "home",        "sources",      "version",    "description", "keywords",
    "maintainers", "icon",        "apiVersion",   "condition",  "tags",        "appVersion",
    "deprecated",  "annotations", "kubeVersion",  "dependencies", "type",      "urls",
    "created",     "removed",     "digest",       "checksum",   "engine",      "tillerVersion",
    "url"};

#define CHUNK (256 * 1024)

typedef struct ient {
    const char *s; /* NULL: empty slot */
    uint32_t len, hash;
} ient;

/* Strings and blobs are bumped, unaligned, into string chunks, which hold
 * nothing else: the sidecar writes them out whole (kz_repo_pool_chunks).
 * Raw memory (pointer arrays) comes from chunks of its own. */
struct kz_repo_pool {
    void **blocks; /* every block, freed with the pool */
    size_t nblocks, cap;
    kz_repo_pool_chunk *chunks; /* the string chunks, bytes used */
    size_t nchunks, capchunks;
    size_t scur; /* the string chunk being filled: its index + 1 (0: none) */
    char *cur; /* the raw chunk being filled */
    size_t used, avail;
    size_t bytes;
    ient *tab;
    size_t tcap, tlen;
};

kz_repo_pool *kz_repo_pool_new(void) { return kz_xcalloc(1, sizeof(kz_repo_pool)); }

void kz_repo_pool_free(kz_repo_pool *p) {
    if (!p) return;
    for (size_t i = 0; i < p->nblocks; i++) free(p->blocks[i]);
    free(p->blocks);
    free(p->chunks);
    free(p->tab);
    free(p);
}

void kz_repo_pool_adopt(kz_repo_pool *p, void *block) {
    if (p->nblocks == p->cap) {
        p->cap = kz_grow_cap(p->cap, p->nblocks + 1);
        p->blocks = kz_xrealloc(p->blocks, p->cap * sizeof *p->blocks);
    }
    p->blocks[p->nblocks++] = block;
}

void *kz_repo_pool_alloc(kz_repo_pool *p, size_t n) {
    n = (n + 7) & ~(size_t)7;
    if (n > CHUNK / 4) { /* big: a block of its own */
        void *b = kz_xmalloc(n);
        kz_repo_pool_adopt(p, b);
        p->bytes += n;
        return b;
    }
    if (p->avail - p->used < n || !p->cur) {
        p->cur = kz_xmalloc(CHUNK);
        kz_repo_pool_adopt(p, p->cur);
        p->used = 0;
        p->avail = CHUNK;
        p->bytes += CHUNK;
    }
    void *r = p->cur + p->used;
    p->used += n;
    return r;
}

static kz_repo_pool_chunk *chunk_push(kz_repo_pool *p, char *base) {
    kz_repo_pool_adopt(p, base);
    if (p->nchunks == p->capchunks) {
        p->capchunks = kz_grow_cap(p->capchunks, p->nchunks + 1);
        p->chunks = kz_xrealloc(p->chunks, p->capchunks * sizeof *p->chunks);
    }
    kz_repo_pool_chunk *c = &p->chunks[p->nchunks++];
    c->base = base;
    c->len = 0;
    return c;
}

/* n bytes for a string or blob: written by the caller right away (a
 * chunk's bytes up to its len are always initialised). */
static char *str_alloc(kz_repo_pool *p, size_t n) {
    if (n > CHUNK / 4) { /* big: a chunk of its own, the current one stays */
        kz_repo_pool_chunk *c = chunk_push(p, kz_xmalloc(n));
        c->len = n;
        p->bytes += n;
        return (char *)c->base;
    }
    kz_repo_pool_chunk *c = p->scur ? &p->chunks[p->scur - 1] : NULL;
    if (!c || CHUNK - c->len < n) {
        c = chunk_push(p, kz_xmalloc(CHUNK));
        p->scur = p->nchunks;
        p->bytes += CHUNK;
    }
    char *r = (char *)c->base + c->len;
    c->len += n;
    return r;
}

const kz_repo_pool_chunk *kz_repo_pool_chunks(const kz_repo_pool *p, size_t *n) {
    *n = p->nchunks;
    return p->chunks;
}

/* kz_hash_bytes reads eight bytes at a step (most strings are 10 to 100
 * bytes long: a byte-wise hash was a tenth of interning). */
static uint32_t hash_bytes(const void *s, size_t n) { return (uint32_t)kz_hash_bytes(s, n); }

static void tab_grow(kz_repo_pool *p) {
    size_t ncap = p->tcap ? p->tcap * 2 : 1024;
    ient *nt = kz_xcalloc(ncap, sizeof *nt);
    for (size_t i = 0; i < p->tcap; i++) {
        if (!p->tab[i].s) continue;
        size_t j = p->tab[i].hash & (ncap - 1);
        while (nt[j].s) j = (j + 1) & (ncap - 1);
        nt[j] = p->tab[i];
    }
    free(p->tab);
    p->tab = nt;
    p->tcap = ncap;
}

/* Interned bytes; `extra` bytes of room after them (the NUL of strings). */
static const char *intern(kz_repo_pool *p, const void *s, size_t n, bool nul) {
    if ((p->tlen + 1) * 4 > p->tcap * 3) tab_grow(p);
    uint32_t h = hash_bytes(s, n) ^ (nul ? 0 : 0x9e3779b9u);
    size_t j = h & (p->tcap - 1);
    while (p->tab[j].s) {
        if (p->tab[j].hash == h && p->tab[j].len == n && memcmp(p->tab[j].s, s, n) == 0) return p->tab[j].s;
        j = (j + 1) & (p->tcap - 1);
    }
    char *d = str_alloc(p, n + 1);
    memcpy(d, s, n);
    d[n] = '\0';
    p->tab[j] = (ient){d, (uint32_t)n, h};
    p->tlen++;
    return d;
}

const char *kz_repo_pool_str(kz_repo_pool *p, const char *s, size_t n) {
    if (n == 0) return "";
    return intern(p, s, n, true);
}

const char *kz_repo_pool_copy(kz_repo_pool *p, const char *s, size_t n) {
    if (n == 0) return "";
    char *d = str_alloc(p, n + 1);
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

const unsigned char *kz_repo_pool_blob(kz_repo_pool *p, const unsigned char *b, size_t len) {
    return (const unsigned char *)intern(p, b, len, false);
}

void kz_repo_pool_absorb(kz_repo_pool *dst, kz_repo_pool *src) {
    for (size_t i = 0; i < src->nblocks; i++) kz_repo_pool_adopt(dst, src->blocks[i]);
    for (size_t i = 0; i < src->nchunks; i++) {
        if (dst->nchunks == dst->capchunks) {
            dst->capchunks = kz_grow_cap(dst->capchunks, dst->nchunks + 1);
            dst->chunks = kz_xrealloc(dst->chunks, dst->capchunks * sizeof *dst->chunks);
        }
        dst->chunks[dst->nchunks++] = src->chunks[i];
    }
    src->nchunks = 0;
    dst->bytes += src->bytes;
    src->nblocks = 0;
    kz_repo_pool_free(src);
}

size_t kz_repo_pool_bytes(const kz_repo_pool *p) { return p->bytes + p->tcap * sizeof(ient); }

/* ---- encoding ---- */

void kz_repo_enc_u32(kz_buf *b, uint32_t v) {
    unsigned char x[4] = {(unsigned char)v, (unsigned char)(v >> 8), (unsigned char)(v >> 16),
                          (unsigned char)(v >> 24)};
    kz_buf_append(b, (const char *)x, 4);
}

uint32_t kz_repo_get_u32(const unsigned char *p) {
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void enc_varint(kz_buf *b, uint64_t v) {
    while (v >= 0x80) {
        kz_buf_putc(b, (char)(v | 0x80));
        v >>= 7;
    }
    kz_buf_putc(b, (char)v);
}

uint64_t kz_repo_get_varint(const unsigned char **p) {
    uint64_t v = 0;
    int shift = 0;
    for (;;) {
        unsigned char c = *(*p)++;
        v |= (uint64_t)(c & 0x7f) << shift;
        if (!(c & 0x80)) return v;
        shift += 7;
    }
}

void kz_repo_enc_raw_str(kz_buf *b, const char *s, size_t n) {
    enc_varint(b, n);
    kz_buf_append(b, s, n);
    kz_buf_putc(b, '\0'); /* so that strings can be used in place */
}

void kz_repo_enc_str(kz_buf *b, const char *s, size_t n) {
    kz_buf_putc(b, 's');
    kz_repo_enc_raw_str(b, s, n);
}

size_t kz_repo_enc_open(kz_buf *b, char tag) {
    kz_buf_putc(b, tag);
    size_t at = b->len;
    kz_repo_enc_u32(b, 0);
    return at;
}

void kz_repo_enc_close(kz_buf *b, size_t at, uint32_t count) {
    unsigned char *d = (unsigned char *)b->data + at;
    d[0] = (unsigned char)count;
    d[1] = (unsigned char)(count >> 8);
    d[2] = (unsigned char)(count >> 16);
    d[3] = (unsigned char)(count >> 24);
}

void kz_repo_enc_value(kz_buf *b, const kz_value *v) {
    switch (kz_kind_of(v)) {
    case KZ_BOOL: kz_buf_putc(b, kz_bool_get(v) ? 't' : 'f'); break;
    case KZ_INT: {
        int64_t i = kz_int_get(v);
        kz_buf_putc(b, 'i');
        kz_buf_append(b, (const char *)&i, 8);
        break;
    }
    case KZ_FLOAT: {
        double d = kz_float_get(v);
        kz_buf_putc(b, 'd');
        kz_buf_append(b, (const char *)&d, 8);
        break;
    }
    case KZ_STRING: kz_repo_enc_str(b, kz_str(v), kz_str_len(v)); break;
    case KZ_SEQ: {
        size_t at = kz_repo_enc_open(b, 'q');
        for (size_t i = 0; i < kz_len(v); i++) kz_repo_enc_value(b, kz_seq_at(v, i));
        kz_repo_enc_close(b, at, (uint32_t)kz_len(v));
        break;
    }
    case KZ_MAP: {
        size_t at = kz_repo_enc_open(b, 'm');
        for (size_t i = 0; i < kz_len(v); i++) {
            const kz_value *k = kz_map_key_at(v, i);
            kz_repo_enc_raw_str(b, kz_str(k), kz_str_len(k));
            kz_repo_enc_value(b, kz_map_value_at(v, i));
        }
        kz_repo_enc_close(b, at, (uint32_t)kz_len(v));
        break;
    }
    default: kz_buf_putc(b, 'n'); break;
    }
}

kz_value kz_repo_dec_value(const unsigned char **p) {
    unsigned char tag = *(*p)++;
    switch (tag) {
    case 't': return kz_bool(true);
    case 'f': return kz_bool(false);
    case 'i': {
        int64_t i;
        memcpy(&i, *p, 8);
        *p += 8;
        return kz_int(i);
    }
    case 'd': {
        double d;
        memcpy(&d, *p, 8);
        *p += 8;
        return kz_float(d);
    }
    case 's': {
        size_t n = (size_t)kz_repo_get_varint(p);
        kz_value s = kz_string_n((const char *)*p, n);
        *p += n + 1;
        return s;
    }
    case 'q': {
        uint32_t n = kz_repo_get_u32(*p);
        *p += 4;
        kz_value q = kz_seq();
        for (uint32_t i = 0; i < n; i++) kz_seq_push(&q, kz_repo_dec_value(p));
        return q;
    }
    case 'm': {
        uint32_t n = kz_repo_get_u32(*p);
        *p += 4;
        kz_value m = kz_map();
        for (uint32_t i = 0; i < n; i++) {
            size_t kn = (size_t)kz_repo_get_varint(p);
            kz_value k = kz_string_n((const char *)*p, kn);
            *p += kn + 1;
            kz_map_set(&m, k, kz_repo_dec_value(p));
        }
        return m;
    }
    default: return kz_null();
    }
}

void kz_repo_dec_skip(const unsigned char **p) {
    unsigned char tag = *(*p)++;
    switch (tag) {
    case 'i':
    case 'd': *p += 8; break;
    case 's': {
        size_t n = (size_t)kz_repo_get_varint(p);
        *p += n + 1;
        break;
    }
    case 'q':
    case 'm': {
        uint32_t n = kz_repo_get_u32(*p);
        *p += 4;
        for (uint32_t i = 0; i < n; i++) {
            if (tag == 'm') {
                size_t kn = (size_t)kz_repo_get_varint(p);
                *p += kn + 1;
            }
            kz_repo_dec_skip(p);
        }
        break;
    }
    default: break;
    }
}

const unsigned char *kz_repo_extra_find(const unsigned char *extra, int fid) {
    if (!extra) return NULL;
    const unsigned char *p = extra;
    while (*p) {
        int f = *p++ - 1;
        if (f == fid) return p;
        kz_repo_dec_skip(&p);
    }
    return NULL;
}

size_t kz_repo_extra_len(const unsigned char *extra) {
    const unsigned char *p = extra;
    while (*p) {
        p++;
        kz_repo_dec_skip(&p);
    }
    return (size_t)(p - extra) + 1;
}

/* ---- versions ---- */

static bool is_hot(int f) {
    return f == RF_NAME || f == RF_VERSION || f == RF_DESCRIPTION || f == RF_API_VERSION ||
           f == RF_APP_VERSION;
}

static const char *md_pool_str(kz_repo_pool *p, const kz_value *md, const char *key) {
    const kz_value *v = kz_map_getz(md, key);
    return v && kz_is_string(v) ? kz_repo_pool_str(p, kz_str(v), kz_str_len(v)) : "";
}

void kz_repo_version_parse_semver(kz_repo_pool *p, kz_repo_chart_version *v) {
    memset(&v->semver, 0, sizeof v->semver);
    kz_semver sv;
    kz_value e = kz_semver_parse(v->version, strlen(v->version), &sv);
    if (!kz_is_null(&e)) {
        kz_free(e); /* a bad version stays zeroed: only hand-built indexes have one */
        return;
    }
    v->semver.major = sv.major;
    v->semver.minor = sv.minor;
    v->semver.patch = sv.patch;
    v->semver.prerelease = sv.prerelease ? (char *)kz_repo_pool_strz(p, sv.prerelease) : NULL;
    v->semver.metadata = sv.metadata ? (char *)kz_repo_pool_strz(p, sv.metadata) : NULL;
    v->semver.original = (char *)v->version;
    kz_semver_free(&sv);
}

static const char *const *pool_urls(kz_repo_pool *p, const kz_value *urls, size_t *n) {
    *n = 0;
    if (!kz_is_seq(urls)) return NULL;
    *n = kz_len(urls);
    const char **a = kz_repo_pool_alloc(p, (*n ? *n : 1) * sizeof *a);
    for (size_t i = 0; i < *n; i++) {
        const kz_value *u = kz_seq_at(urls, i);
        a[i] = kz_is_string(u) ? kz_repo_pool_str(p, kz_str(u), kz_str_len(u)) : "";
    }
    return a;
}

void kz_repo_version_set(kz_repo_pool *p, kz_repo_chart_version *v, const kz_value *md, const kz_value *urls,
                         const kz_value *created, bool removed, const kz_value *digest,
                         const kz_value *deprecated) {
    memset(v, 0, sizeof *v);
    v->name = md_pool_str(p, md, "name");
    v->version = md_pool_str(p, md, "version");
    v->app_version = md_pool_str(p, md, "appVersion");
    v->description = md_pool_str(p, md, "description");
    v->api_version = md_pool_str(p, md, "apiVersion");
    if (!*v->api_version) v->api_version = kz_repo_pool_str(p, "v1", 2);
    v->urls = pool_urls(p, urls, &v->nurls);
    v->created = kz_is_string(created) ? kz_repo_pool_str(p, kz_str(created), kz_str_len(created)) : NULL;
    v->digest = kz_is_string(digest) ? kz_repo_pool_str(p, kz_str(digest), kz_str_len(digest)) : NULL;
    v->removed = removed;
    kz_buf b = KZ_BUF_INIT;
    for (int f = 0; f < RF_FIRST_OWN; f++) {
        if (is_hot(f)) continue;
        const kz_value *x = kz_map_getz(md, kz_repo_version_fields[f]);
        if (!x) continue;
        kz_buf_putc(&b, (char)(f + 1));
        kz_repo_enc_value(&b, x);
    }
    for (int f = RF_CHECKSUM; f < RF_COUNT; f++) {
        const kz_value *x = kz_is_map(deprecated) ? kz_map_getz(deprecated, kz_repo_version_fields[f]) : NULL;
        if (!x) continue;
        kz_buf_putc(&b, (char)(f + 1));
        kz_repo_enc_value(&b, x);
    }
    kz_buf_putc(&b, 0);
    v->extra = kz_repo_pool_blob(p, (const unsigned char *)b.data, b.len);
    kz_buf_free(&b);
    kz_repo_version_parse_semver(p, v);
}

void kz_repo_version_copy(kz_repo_pool *p, kz_repo_chart_version *dst, const kz_repo_chart_version *src) {
    memset(dst, 0, sizeof *dst);
    dst->name = kz_repo_pool_strz(p, src->name);
    dst->version = kz_repo_pool_strz(p, src->version);
    dst->app_version = kz_repo_pool_strz(p, src->app_version);
    dst->description = kz_repo_pool_strz(p, src->description);
    dst->api_version = kz_repo_pool_strz(p, src->api_version);
    if (src->urls) {
        const char **a = kz_repo_pool_alloc(p, (src->nurls ? src->nurls : 1) * sizeof *a);
        for (size_t i = 0; i < src->nurls; i++) a[i] = kz_repo_pool_strz(p, src->urls[i]);
        dst->urls = a;
        dst->nurls = src->nurls;
    }
    dst->created = src->created ? kz_repo_pool_strz(p, src->created) : NULL;
    dst->digest = src->digest ? kz_repo_pool_strz(p, src->digest) : NULL;
    dst->removed = src->removed;
    dst->extra = kz_repo_pool_blob(p, src->extra, kz_repo_extra_len(src->extra));
    kz_repo_version_parse_semver(p, dst);
}

kz_value kz_repo_chart_version_metadata(const kz_repo_chart_version *v) {
    kz_value md = kz_map();
    for (int f = 0; f < RF_FIRST_OWN; f++) {
        const char *key = kz_repo_version_fields[f];
        const char *hot = f == RF_NAME          ? v->name
                          : f == RF_VERSION     ? v->version
                          : f == RF_DESCRIPTION ? v->description
                          : f == RF_API_VERSION ? v->api_version
                          : f == RF_APP_VERSION ? v->app_version
                                                : NULL;
        if (hot) {
            if (*hot) kz_map_setz(&md, key, kz_string(hot));
            continue;
        }
        const unsigned char *e = kz_repo_extra_find(v->extra, f);
        if (e) kz_map_setz(&md, key, kz_repo_dec_value(&e));
    }
    return md;
}

size_t kz_repo_chart_version_keywords(const kz_repo_chart_version *v, const char **out, size_t max) {
    const unsigned char *e = kz_repo_extra_find(v->extra, RF_KEYWORDS);
    if (!e || *e != 'q') return 0;
    uint32_t n = kz_repo_get_u32(e + 1);
    e += 5;
    for (uint32_t i = 0; i < n; i++) {
        if (*e != 's') { /* not a string: skip (never for a validated index) */
            kz_repo_dec_skip(&e);
            if (i < max) out[i] = "";
            continue;
        }
        e++;
        size_t len = (size_t)kz_repo_get_varint(&e);
        (void)len;
        if (i < max) out[i] = (const char *)e;
        e += len + 1;
    }
    return n;
}

kz_value kz_repo_chart_version_deprecated(const kz_repo_chart_version *v) {
    kz_value m = kz_map();
    for (int f = RF_CHECKSUM; f < RF_COUNT; f++) {
        const unsigned char *e = kz_repo_extra_find(v->extra, f);
        if (e) kz_map_setz(&m, kz_repo_version_fields[f], kz_repo_dec_value(&e));
    }
    return m;
}
