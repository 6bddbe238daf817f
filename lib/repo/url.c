/* repo.ResolveReferenceURL (see index.h): Go's url.ResolveReference on the
 * escaped text, with the repository URL taken as a folder. */
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/buf.h"
#include "repo/index.h"

typedef struct url_parts {
    const char *scheme; size_t scheme_n; /* without ':' */
    const char *auth; size_t auth_n;     /* without "//"; has_auth tells */
    bool has_auth;
    const char *path; size_t path_n;
    const char *query; size_t query_n;   /* without '?' */
    bool has_query;
    const char *frag; size_t frag_n;     /* without '#' */
    bool has_frag;
} url_parts;

static bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

static void url_split(const char *s, url_parts *u) {
    memset(u, 0, sizeof *u);
    const char *end = s + strlen(s);
    const char *hash = strchr(s, '#');
    if (hash) {
        u->has_frag = true;
        u->frag = hash + 1;
        u->frag_n = (size_t)(end - hash - 1);
        end = hash;
    }
    /* scheme: a letter, then letters, digits, + - . up to ':' (Go's getScheme) */
    if (is_alpha(*s)) {
        const char *p = s + 1;
        while (p < end && (is_alpha(*p) || (*p >= '0' && *p <= '9') || *p == '+' || *p == '-' || *p == '.')) p++;
        if (p < end && *p == ':') {
            u->scheme = s;
            u->scheme_n = (size_t)(p - s);
            s = p + 1;
        }
    }
    const char *q = memchr(s, '?', (size_t)(end - s));
    if (q) {
        u->has_query = true;
        u->query = q + 1;
        u->query_n = (size_t)(end - q - 1);
        end = q;
    }
    if (end - s >= 2 && s[0] == '/' && s[1] == '/') {
        s += 2;
        const char *slash = memchr(s, '/', (size_t)(end - s));
        const char *ae = slash ? slash : end;
        u->has_auth = true;
        u->auth = s;
        u->auth_n = (size_t)(ae - s);
        s = ae;
    }
    u->path = s;
    u->path_n = (size_t)(end - s);
}

/* Go's resolvePath: dot segments removed from base's folder + ref. */
static void resolve_path(kz_buf *out, const char *base, size_t bn, const char *ref, size_t rn) {
    kz_buf full = KZ_BUF_INIT;
    if (rn == 0) {
        kz_buf_append(&full, base, bn);
    } else if (ref[0] != '/') {
        const char *last = NULL;
        for (size_t i = 0; i < bn; i++)
            if (base[i] == '/') last = base + i;
        if (last) kz_buf_append(&full, base, (size_t)(last - base) + 1);
        kz_buf_append(&full, ref, rn);
    } else {
        kz_buf_append(&full, ref, rn);
    }
    if (full.len == 0) {
        kz_buf_free(&full);
        return;
    }
    /* split on '/', drop "." and pop on ".." */
    const char *s = kz_buf_cstr(&full);
    size_t n = full.len;
    size_t *starts = kz_xmalloc((n + 1) * sizeof *starts);
    size_t *lens = kz_xmalloc((n + 1) * sizeof *lens);
    size_t depth = 0;
    size_t i = 0;
    if (s[0] == '/') i = 1;
    const char *last_elem = NULL;
    size_t last_len = 0;
    while (i <= n) {
        const char *e = memchr(s + i, '/', n - i);
        size_t len = e ? (size_t)(e - (s + i)) : n - i;
        last_elem = s + i;
        last_len = len;
        if (len == 1 && s[i] == '.') {
        } else if (len == 2 && s[i] == '.' && s[i + 1] == '.') {
            if (depth) depth--;
        } else {
            starts[depth] = i;
            lens[depth] = len;
            depth++;
        }
        if (!e) break;
        i = (size_t)(e - s) + 1;
    }
    kz_buf_putc(out, '/');
    for (size_t k = 0; k < depth; k++) {
        if (k) kz_buf_putc(out, '/');
        kz_buf_append(out, s + starts[k], lens[k]);
    }
    /* a final "." or ".." leaves a folder: keep the trailing slash */
    if (last_elem && ((last_len == 1 && last_elem[0] == '.') ||
                      (last_len == 2 && last_elem[0] == '.' && last_elem[1] == '.')) && depth)
        kz_buf_putc(out, '/');
    free(starts);
    free(lens);
    kz_buf_free(&full);
}

char *kz_repo_resolve_url(const char *base, const char *ref) {
    url_parts r, b;
    url_split(ref, &r);
    if (r.scheme_n) return kz_xstrdup(ref);
    url_split(base, &b);
    /* the base as a folder: its path with one trailing '/' */
    kz_buf bp = KZ_BUF_INIT;
    size_t pn = b.path_n;
    while (pn && b.path[pn - 1] == '/') pn--;
    kz_buf_append(&bp, b.path, pn);
    kz_buf_putc(&bp, '/');
    kz_buf out = KZ_BUF_INIT;
    if (b.scheme_n) {
        kz_buf_append(&out, b.scheme, b.scheme_n);
        kz_buf_putc(&out, ':');
    }
    if (r.has_auth) {
        kz_buf_puts(&out, "//");
        kz_buf_append(&out, r.auth, r.auth_n);
        resolve_path(&out, r.path, r.path_n, "", 0);
    } else {
        if (b.has_auth || b.scheme_n) {
            kz_buf_puts(&out, "//");
            kz_buf_append(&out, b.auth, b.auth_n);
        }
        resolve_path(&out, kz_buf_cstr(&bp), bp.len, r.path, r.path_n);
    }
    if (b.has_query && b.query_n) {
        kz_buf_putc(&out, '?');
        kz_buf_append(&out, b.query, b.query_n);
    }
    if (r.has_frag && r.frag_n) {
        kz_buf_putc(&out, '#');
        kz_buf_append(&out, r.frag, r.frag_n);
    }
    kz_buf_free(&bp);
    return kz_buf_detach(&out, NULL);
}
