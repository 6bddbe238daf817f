/*
 * The sidecar cache of an index (see index.h, SIDECAR).
 *
 * FORMAT (native byte order; the header's 0x01020304 rejects others):
 *   "KZIDXC\0\0"  u32 KZC_VERSION  u32 0x01020304
 *   u64 yaml size, i64 yaml mtime seconds, i64 nanoseconds, u64 head/tail hash
 *   u64 DATA size, DATA: NUL-terminated strings and encoded blobs (pool.h),
 *     offset 0 holding "" (a reference is a u32 offset; NONE = 0xffffffff):
 *     the writer puts there the index pool's string chunks as they are, then
 *     the strings from elsewhere
 *   u64 record words, then the u32 words:
 *     api_version generated server_info public_keys annotations warnings ncharts
 *     per chart: name nversions, per version:
 *       name version app_version description api_version created digest extra
 *       flags (1 removed, 2 semver parsed) major(lo hi) minor(lo hi) patch(lo hi)
 *       prerelease metadata nurls(NONE: null) url...
 * server_info, public_keys and annotations are encoded values; warnings is
 * the load's warnings text with the YAML file's path written as "\x01".
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/alloc.h"
#include "core/file.h"
#include "repo/index.h"
#include "repo/pool.h"
#include "repo/repo_internal.h"

#define KZC_VERSION 1u
#define NONE 0xffffffffu
#define EDGE 4096
#define HEAD 56 /* bytes before DATA */

typedef struct stamp {
    uint64_t size;
    int64_t sec, nsec;
    uint64_t hash;
} stamp;

static uint64_t fnv64(uint64_t h, const unsigned char *b, size_t n) {
    for (size_t i = 0; i < n; i++) h = (h ^ b[i]) * 1099511628211ull;
    return h;
}

/* The stamp of an open file (its first and last EDGE bytes hashed). */
static bool stamp_fd(int fd, stamp *s) {
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) return false;
    s->size = (uint64_t)st.st_size;
    s->sec = (int64_t)st.st_mtim.tv_sec;
    s->nsec = (int64_t)st.st_mtim.tv_nsec;
    unsigned char buf[EDGE];
    uint64_t h = 1469598103934665603ull;
    ssize_t n = pread(fd, buf, EDGE, 0);
    if (n < 0) return false;
    h = fnv64(h, buf, (size_t)n);
    off_t tail = st.st_size > EDGE ? st.st_size - EDGE : 0;
    n = pread(fd, buf, EDGE, tail);
    if (n < 0) return false;
    s->hash = fnv64(h, buf, (size_t)n);
    return true;
}

static bool stamp_path(const char *path, stamp *s) {
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return false;
    bool ok = stamp_fd(fd, s);
    close(fd);
    return ok;
}

char *kz_repo_index_cache_path(const char *yaml_path) {
    size_t n = strlen(yaml_path);
    kz_buf b = KZ_BUF_INIT;
    if (n > 5 && strcmp(yaml_path + n - 5, ".yaml") == 0) kz_buf_append(&b, yaml_path, n - 5);
    else kz_buf_puts(&b, yaml_path);
    kz_buf_puts(&b, ".kzc");
    return kz_buf_detach(&b, NULL);
}

/* ---- writing ----
 *
 * DATA is the pool's string chunks, whole, in a row: a string of the pool
 * is referenced by its chunk's place plus its offset in the chunk, found by
 * a binary search over the chunks (no table of every string, no copy of
 * them but the file's). Strings outside the pool (api_version, hand-built
 * ones) are appended after the chunks, each once per address. */

typedef struct wchunk {
    const char *base;
    size_t len;
    uint64_t off; /* in DATA */
} wchunk;

typedef struct wslot {
    const void *p;
    uint32_t off;
} wslot;

/* Kinds of references (a version's name, its version, ...): consecutive
 * references of one kind mostly fall in the same chunk (a chart's name is
 * one string, a few strings such as "v2" serve the whole index). */
enum { W_SLOTS = 12 };

typedef struct writer {
    wchunk *chunks; /* sorted by address */
    size_t nchunks;
    size_t last[W_SLOTS]; /* per kind of reference, the chunk of the last one */
    uint64_t extra_at; /* where `extra` starts in DATA */
    kz_buf extra;
    uint32_t *words;
    size_t nwords, capwords;
    wslot *tab; /* the strings appended to extra, by address */
    size_t tcap, tlen;
    bool too_big;
} writer;

static int wchunk_cmp(const void *a, const void *b) {
    const wchunk *x = a, *y = b;
    uintptr_t a1 = (uintptr_t)x->base, b1 = (uintptr_t)y->base;
    return a1 < b1 ? -1 : a1 > b1;
}

static void w_word(writer *w, uint32_t v) {
    if (w->nwords == w->capwords) {
        w->capwords = kz_grow_cap(w->capwords, w->nwords + 1);
        w->words = kz_xrealloc(w->words, w->capwords * sizeof *w->words);
    }
    w->words[w->nwords++] = v;
}

/* DATA offset as a reference word (the format's offsets are u32). */
static uint32_t w_off(writer *w, uint64_t off) {
    if (off >= NONE) {
        w->too_big = true;
        return 0;
    }
    return (uint32_t)off;
}

static uint32_t w_bytes(writer *w, const void *p, size_t n, bool nul) {
    uint64_t off = w->extra_at + w->extra.len;
    kz_buf_append(&w->extra, p, n);
    if (nul) kz_buf_putc(&w->extra, '\0');
    return w_off(w, off);
}

/* Addresses are compared as integers: they belong to different blocks. */
static bool w_in(const wchunk *c, uintptr_t p) { return p >= (uintptr_t)c->base && p - (uintptr_t)c->base < c->len; }

/* The chunk holding s, or NULL. The last chunk of this kind of reference
 * is tried first, else a binary search. */
static const wchunk *w_chunk_of(writer *w, const char *s, size_t slot) {
    uintptr_t p = (uintptr_t)s;
    const wchunk *c = w->nchunks ? &w->chunks[w->last[slot]] : NULL;
    if (c && w_in(c, p)) return c;
    size_t lo = 0, hi = w->nchunks;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (p < (uintptr_t)w->chunks[mid].base) hi = mid;
        else lo = mid + 1;
    }
    if (lo == 0) return NULL;
    c = &w->chunks[lo - 1];
    if (!w_in(c, p)) return NULL; /* between chunks: not the pool's */
    w->last[slot] = lo - 1;
    return c;
}

/* A string or blob outside the pool, appended once per address. */
static uint32_t w_extra_ref(writer *w, const void *p, bool blob) {
    if ((w->tlen + 1) * 2 > w->tcap) {
        size_t ncap = w->tcap ? w->tcap * 2 : 64;
        wslot *nt = kz_xcalloc(ncap, sizeof *nt);
        for (size_t i = 0; i < w->tcap; i++) {
            if (!w->tab[i].p) continue;
            size_t j = ((uintptr_t)w->tab[i].p >> 3) * 0x9E3779B97F4A7C15ull >> 20 & (ncap - 1);
            while (nt[j].p) j = (j + 1) & (ncap - 1);
            nt[j] = w->tab[i];
        }
        free(w->tab);
        w->tab = nt;
        w->tcap = ncap;
    }
    size_t j = ((uintptr_t)p >> 3) * 0x9E3779B97F4A7C15ull >> 20 & (w->tcap - 1);
    while (w->tab[j].p) {
        if (w->tab[j].p == p) return w->tab[j].off;
        j = (j + 1) & (w->tcap - 1);
    }
    uint32_t off = blob ? w_bytes(w, p, kz_repo_extra_len(p), false) : w_bytes(w, p, strlen(p), true);
    w->tab[j] = (wslot){p, off};
    w->tlen++;
    return off;
}

static uint32_t w_ref(writer *w, const void *p, bool blob, size_t slot) {
    if (!p) return NONE;
    if (!blob && !*(const char *)p) return 0;
    const wchunk *c = w_chunk_of(w, p, slot);
    if (c) return w_off(w, c->off + (uint64_t)((const char *)p - c->base));
    return w_extra_ref(w, p, blob);
}

static uint32_t w_value(writer *w, const kz_value *v) {
    if (!kz_is_valid(v)) return NONE;
    kz_buf e = KZ_BUF_INIT;
    kz_repo_enc_value(&e, v);
    uint32_t off = w_bytes(w, e.data, e.len, false);
    kz_buf_free(&e);
    return off;
}

static void w_u64(writer *w, uint64_t v) {
    w_word(w, (uint32_t)v);
    w_word(w, (uint32_t)(v >> 32));
}

/* The warnings with the path marked. */
static uint32_t w_warnings(writer *w, const char *text, const char *path) {
    if (!text || !*text) return 0;
    kz_buf b = KZ_BUF_INIT;
    size_t pl = strlen(path);
    for (const char *q = text; *q;) {
        const char *hit = pl ? strstr(q, path) : NULL;
        if (!hit) {
            kz_buf_puts(&b, q);
            break;
        }
        kz_buf_append(&b, q, (size_t)(hit - q));
        kz_buf_putc(&b, '\x01');
        q = hit + pl;
    }
    uint32_t off = w_bytes(w, b.data, b.len, true);
    kz_buf_free(&b);
    return off;
}

/* The words of the record, sized up front: the index's versions are many. */
static void w_records(writer *w, const kz_repo_index *idx, const char *yaml_path) {
    size_t n = 7;
    for (size_t i = 0; i < idx->len; i++) {
        n += 2;
        for (size_t j = 0; j < idx->charts[i].len; j++) n += 19 + idx->charts[i].v[j].nurls;
    }
    w->capwords = n;
    w->words = kz_xmalloc(n * sizeof *w->words);
    w_word(w, w_ref(w, idx->api_version, false, 0));
    w_word(w, kz_is_string(&idx->generated) ? w_bytes(w, kz_str(&idx->generated), kz_str_len(&idx->generated), true)
                                             : NONE);
    w_word(w, w_value(w, &idx->server_info));
    w_word(w, w_value(w, &idx->public_keys));
    w_word(w, w_value(w, &idx->annotations));
    w_word(w, w_warnings(w, idx->load_warnings, yaml_path));
    w_word(w, (uint32_t)idx->len);
    for (size_t i = 0; i < idx->len; i++) {
        const kz_repo_chart *c = &idx->charts[i];
        w_word(w, w_ref(w, c->name, false, 0));
        w_word(w, (uint32_t)c->len);
        for (size_t j = 0; j < c->len; j++) {
            const kz_repo_chart_version *v = &c->v[j];
            const char *s[] = {v->name, v->version, v->app_version, v->description, v->api_version,
                               v->created, v->digest};
            for (size_t k = 0; k < 7; k++) w_word(w, w_ref(w, s[k], false, 1 + k));
            w_word(w, w_ref(w, v->extra, true, 8));
            w_word(w, (v->removed ? 1u : 0u) | (v->semver.original ? 2u : 0u));
            w_u64(w, v->semver.major);
            w_u64(w, v->semver.minor);
            w_u64(w, v->semver.patch);
            w_word(w, w_ref(w, v->semver.prerelease, false, 9));
            w_word(w, w_ref(w, v->semver.metadata, false, 10));
            w_word(w, v->urls ? (uint32_t)v->nurls : NONE);
            for (size_t k = 0; v->urls && k < v->nurls; k++) w_word(w, w_ref(w, v->urls[k], false, 11));
        }
    }
}

/* "\0" and the pool's chunks: the start of DATA, known before the records
 * are, written by a thread of its own while they are built. */
typedef struct chunk_writer {
    const kz_file_atomic *f;
    const wchunk *chunks;
    size_t n;
    int err; /* an errno */
} chunk_writer;

static void *write_chunks(void *arg) {
    chunk_writer *cw = arg;
    cw->err = kz_file_atomic_pwrite(cw->f, "", 1, HEAD);
    for (size_t i = 0; i < cw->n && !cw->err; i++)
        cw->err = kz_file_atomic_pwrite(cw->f, cw->chunks[i].base, cw->chunks[i].len, HEAD + cw->chunks[i].off);
    return NULL;
}

static kz_value cache_write(const kz_repo_index *idx, const char *yaml_path, stamp st) {
    writer w;
    memset(&w, 0, sizeof w);
    size_t n;
    const kz_repo_pool_chunk *pc = kz_repo_pool_chunks(idx->pool, &n);
    w.chunks = kz_xmalloc((n ? n : 1) * sizeof *w.chunks);
    for (size_t i = 0; i < n; i++) w.chunks[w.nchunks++] = (wchunk){pc[i].base, pc[i].len, 0};
    qsort(w.chunks, w.nchunks, sizeof *w.chunks, wchunk_cmp);
    uint64_t at = 1; /* offset 0 holds "" */
    for (size_t i = 0; i < w.nchunks; i++) {
        w.chunks[i].off = at;
        at += w.chunks[i].len;
    }
    w.extra_at = at;
    char *cp = kz_repo_index_cache_path(yaml_path);
    kz_file_atomic f;
    kz_value err = kz_file_atomic_begin(cp, 0755, &f);
    if (kz_is_null(&err)) {
        chunk_writer cw = {&f, w.chunks, w.nchunks, 0};
        pthread_t t;
        bool threaded = at >= (1u << 20) && pthread_create(&t, NULL, write_chunks, &cw) == 0;
        w_records(&w, idx, yaml_path);
        kz_buf_putc(&w.extra, '\0'); /* whatever comes last, a NUL ends the area */
        uint64_t dl = at + w.extra.len, wl = w.nwords;
        int e = 0;
        if (!w.too_big && dl < NONE) {
            char head[HEAD];
            memcpy(head, "KZIDXC\0\0", 8);
            uint32_t hdr[2] = {KZC_VERSION, 0x01020304u};
            memcpy(head + 8, hdr, 8);
            uint64_t st64[4] = {st.size, (uint64_t)st.sec, (uint64_t)st.nsec, st.hash};
            memcpy(head + 16, st64, sizeof st64);
            memcpy(head + 48, &dl, 8);
            e = kz_file_atomic_pwrite(&f, head, HEAD, 0);
            if (!e) e = kz_file_atomic_pwrite(&f, w.extra.data, w.extra.len, HEAD + w.extra_at);
            if (!e) e = kz_file_atomic_pwrite(&f, &wl, 8, HEAD + dl);
            if (!e) e = kz_file_atomic_pwrite(&f, w.words, w.nwords * sizeof *w.words, HEAD + dl + 8);
        }
        if (threaded) pthread_join(t, NULL);
        else write_chunks(&cw);
        if (!e) e = cw.err;
        if (w.too_big || dl >= NONE) {
            kz_file_atomic_abort(&f);
            err = kz_error("%s: too big for a sidecar", yaml_path);
        } else {
            err = kz_file_atomic_commit(&f, cp, 0644, e);
        }
    }
    free(cp);
    free(w.chunks);
    kz_buf_free(&w.extra);
    free(w.words);
    free(w.tab);
    return err;
}

kz_value kz_repo_index_cache_write_fd(const kz_repo_index *idx, const char *yaml_path, int yaml_fd) {
    stamp st;
    if (!stamp_fd(yaml_fd, &st)) {
        char eb[128];
        return kz_error("stat %s: %s", yaml_path, kz_errno_text(errno, eb, sizeof eb));
    }
    return cache_write(idx, yaml_path, st);
}

kz_value kz_repo_index_cache_write(const kz_repo_index *idx, const char *yaml_path) {
    stamp st;
    if (!stamp_path(yaml_path, &st)) {
        char eb[128];
        return kz_error("stat %s: %s", yaml_path, kz_errno_text(errno, eb, sizeof eb));
    }
    return cache_write(idx, yaml_path, st);
}

/* ---- reading ---- */

typedef struct reader {
    const char *data;
    uint64_t dlen;
    const uint32_t *words;
    uint64_t nwords, at;
    bool bad;
} reader;

static uint32_t r_word(reader *r) {
    if (r->at >= r->nwords) {
        r->bad = true;
        return NONE;
    }
    return r->words[r->at++];
}

static uint64_t r_u64(reader *r) {
    uint64_t lo = r_word(r);
    return lo | (uint64_t)r_word(r) << 32;
}

/* A string reference (NULL for NONE). */
static const char *r_str(reader *r) {
    uint32_t off = r_word(r);
    if (off == NONE) return NULL;
    if (off >= r->dlen) {
        r->bad = true;
        return "";
    }
    return r->data + off;
}

static kz_value r_value(reader *r) {
    const char *p = r_str(r);
    if (!p) return kz_invalid();
    const unsigned char *u = (const unsigned char *)p;
    return kz_repo_dec_value(&u);
}

static bool read_all(int fd, char **out, size_t *len) {
    struct stat st;
    if (fstat(fd, &st) != 0 || st.st_size < 64) return false;
    size_t n = (size_t)st.st_size, got = 0;
    char *b = malloc(n + 1);
    if (!b) return false;
    while (got < n) {
        ssize_t k = read(fd, b + got, n - got);
        if (k < 0 && errno == EINTR) continue;
        if (k <= 0) {
            free(b);
            return false;
        }
        got += (size_t)k;
    }
    b[n] = '\0';
    *out = b;
    *len = n;
    return true;
}

int kz_repo_index_cache_read(const char *yaml_path, kz_repo_index *idx, kz_buf *warnings) {
    kz_repo_index_init(idx);
    stamp want;
    if (!stamp_path(yaml_path, &want)) return 0;
    char *cp = kz_repo_index_cache_path(yaml_path);
    int fd = open(cp, O_RDONLY | O_CLOEXEC);
    free(cp);
    if (fd < 0) return 0;
    char *buf = NULL;
    size_t len = 0;
    bool ok = read_all(fd, &buf, &len);
    close(fd);
    if (!ok) return 0;
    uint32_t hdr[2];
    uint64_t st64[4], dl, wl;
    memcpy(hdr, buf + 8, 8);
    memcpy(st64, buf + 16, sizeof st64);
    memcpy(&dl, buf + 48, 8);
    if (memcmp(buf, "KZIDXC\0\0", 8) != 0 || hdr[0] != KZC_VERSION || hdr[1] != 0x01020304u ||
        st64[0] != want.size || (int64_t)st64[1] != want.sec || (int64_t)st64[2] != want.nsec ||
        st64[3] != want.hash || dl > len - 64 || dl == 0) {
        free(buf);
        return 0;
    }
    memcpy(&wl, buf + 56 + dl, 8);
    if (wl > (len - 64 - dl) / 4) {
        free(buf);
        return 0;
    }
    /* the words are copied aligned; the strings stay in buf */
    uint32_t *words = kz_xmalloc((size_t)(wl ? wl : 1) * 4);
    memcpy(words, buf + 64 + dl, (size_t)wl * 4);
    reader r = {buf + 56, dl, words, wl, 0, false};
    if (r.data[dl - 1] != '\0') r.bad = true;
    kz_repo_pool_adopt(idx->pool, buf);
    const char *api = r_str(&r);
    free(idx->api_version);
    idx->api_version = kz_xstrdup(api ? api : "");
    const char *gen = r_str(&r);
    if (gen) idx->generated = kz_string(gen);
    idx->server_info = r_value(&r);
    idx->public_keys = r_value(&r);
    idx->annotations = r_value(&r);
    const char *warn = r_str(&r);
    kz_buf wtext = KZ_BUF_INIT;
    for (const char *q = warn; q && *q; q++) {
        if (*q == '\x01') kz_buf_puts(&wtext, yaml_path);
        else kz_buf_putc(&wtext, *q);
    }
    uint32_t ncharts = r_word(&r);
    for (uint32_t i = 0; i < ncharts && !r.bad; i++) {
        const char *name = r_str(&r);
        uint32_t nv = r_word(&r);
        if (!name || r.bad || nv > wl) {
            r.bad = true;
            break;
        }
        kz_repo_chart *c = kz_repo_index_chart_slot(idx, name, strlen(name));
        if (c->v) { /* a chart twice: a damaged file */
            r.bad = true;
            break;
        }
        c->v = kz_xmalloc((nv ? nv : 1) * sizeof *c->v);
        c->cap = nv ? nv : 1;
        for (uint32_t j = 0; j < nv && !r.bad; j++) {
            kz_repo_chart_version *v = &c->v[c->len++];
            memset(v, 0, sizeof *v);
            const char **s[] = {&v->name, &v->version, &v->app_version, &v->description, &v->api_version,
                                &v->created, &v->digest};
            for (size_t k = 0; k < 7; k++) *s[k] = r_str(&r);
            v->extra = (const unsigned char *)r_str(&r);
            uint32_t flags = r_word(&r);
            v->removed = flags & 1;
            v->semver.major = r_u64(&r);
            v->semver.minor = r_u64(&r);
            v->semver.patch = r_u64(&r);
            v->semver.prerelease = (char *)r_str(&r);
            v->semver.metadata = (char *)r_str(&r);
            v->semver.original = (flags & 2) && v->version ? (char *)v->version : NULL;
            uint32_t nu = r_word(&r);
            if (nu != NONE) {
                if (nu > wl) {
                    r.bad = true;
                    break;
                }
                const char **u = kz_repo_pool_alloc(idx->pool, (nu ? nu : 1) * sizeof *u);
                for (uint32_t k = 0; k < nu; k++) {
                    u[k] = r_str(&r);
                    if (!u[k]) u[k] = "";
                }
                v->urls = u;
                v->nurls = nu;
            }
            if (!v->name || !v->version || !v->app_version || !v->description || !v->api_version || !v->extra)
                r.bad = true;
        }
    }
    free(words);
    if (r.bad || r.at != r.nwords) {
        kz_buf_free(&wtext);
        kz_repo_index_free(idx);
        kz_repo_index_init(idx);
        return 0;
    }
    if (wtext.len) {
        idx->load_warnings = kz_xstrdup(kz_buf_cstr(&wtext));
        if (warnings) kz_buf_append(warnings, wtext.data, wtext.len);
    }
    kz_buf_free(&wtext);
    idx->loaded_from = 2;
    return 1;
}

kz_value kz_repo_index_load_cached(const char *yaml_path, kz_repo_index *idx, kz_buf *warnings, bool refresh) {
    if (kz_repo_index_cache_read(yaml_path, idx, warnings)) return kz_null();
    kz_repo_index_free(idx);
    stamp before, after;
    bool stamped = refresh && stamp_path(yaml_path, &before);
    kz_value e = kz_repo_index_load_file(yaml_path, idx, warnings);
    /* a file that changed while it was read gets no sidecar */
    if (kz_is_null(&e) && stamped && stamp_path(yaml_path, &after) && !memcmp(&before, &after, sizeof before)) {
        kz_value we = cache_write(idx, yaml_path, before);
        kz_free(we); /* only a cache */
    }
    return e;
}
