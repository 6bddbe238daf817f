/* .helmignore rules and Go's filepath.Match (see helmignore.h). */
#include "chart/helmignore.h"

#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/utf8.h"

/* ---- Go's filepath.Match ---- */

/* Split off the next chunk of a pattern: leading stars, then everything up to
 * the next '*' outside a class. */
static void scan_chunk(const char **pat, size_t *plen, bool *star, const char **chunk,
                       size_t *clen) {
    const char *p = *pat;
    size_t n = *plen;
    *star = false;
    while (n > 0 && *p == '*') {
        p++;
        n--;
        *star = true;
    }
    bool inrange = false;
    size_t i = 0;
    for (; i < n; i++) {
        char c = p[i];
        if (c == '\\') {
            if (i + 1 < n) i++; /* a trailing '\' is reported by match_chunk */
        } else if (c == '[') {
            inrange = true;
        } else if (c == ']') {
            inrange = false;
        } else if (c == '*' && !inrange) {
            break;
        }
    }
    *chunk = p;
    *clen = i;
    *pat = p + i;
    *plen = n - i;
}

/* One class bound, with '\' escapes: 0, or -1 for a malformed class. */
static int class_char(const char **c, size_t *n, uint32_t *r) {
    if (*n == 0 || **c == '-' || **c == ']') return -1;
    if (**c == '\\') {
        (*c)++;
        (*n)--;
        if (*n == 0) return -1;
    }
    size_t k = kz_utf8_decode((const unsigned char *)*c, *n, r);
    if (*r == KZ_RUNE_ERROR && k == 1) return -1;
    *c += k;
    *n -= k;
    if (*n == 0) return -1; /* a class must still be closed */
    return 0;
}

/* Match one chunk (no '*') at the start of s. 1: matched, *rest is what is
 * left of s; 0: no match; -1: malformed chunk. Like Go, the chunk is checked
 * to the end even after the match failed. */
static int match_chunk(const char *c, size_t cn, const char *s, size_t sn, const char **rest,
                       size_t *restn) {
    bool failed = false;
    while (cn > 0) {
        if (!failed && sn == 0) failed = true;
        if (*c == '[') {
            uint32_t r = 0;
            if (!failed) {
                size_t k = kz_utf8_decode((const unsigned char *)s, sn, &r);
                s += k;
                sn -= k;
            }
            c++;
            cn--;
            bool negated = false;
            if (cn > 0 && *c == '^') {
                negated = true;
                c++;
                cn--;
            }
            bool match = false;
            int nrange = 0;
            for (;;) {
                if (cn > 0 && *c == ']' && nrange > 0) {
                    c++;
                    cn--;
                    break;
                }
                uint32_t lo, hi;
                if (class_char(&c, &cn, &lo) < 0) return -1;
                hi = lo;
                if (*c == '-') {
                    c++;
                    cn--;
                    if (class_char(&c, &cn, &hi) < 0) return -1;
                }
                if (lo <= r && r <= hi) match = true;
                nrange++;
            }
            if (match == negated) failed = true;
            continue;
        }
        if (*c == '?') {
            if (!failed) {
                if (*s == '/') failed = true;
                uint32_t r;
                size_t k = kz_utf8_decode((const unsigned char *)s, sn, &r);
                s += k;
                sn -= k;
            }
            c++;
            cn--;
            continue;
        }
        if (*c == '\\') {
            c++;
            cn--;
            if (cn == 0) return -1;
        }
        if (!failed) {
            if (*c != *s) failed = true;
            s++;
            sn--;
        }
        c++;
        cn--;
    }
    if (failed) return 0;
    *rest = s;
    *restn = sn;
    return 1;
}

int kz_go_path_match(const char *pattern, const char *name) {
    const char *p = pattern;
    size_t pn = strlen(pattern);
    const char *s = name;
    size_t sn = strlen(name);
next:
    while (pn > 0) {
        bool star;
        const char *chunk;
        size_t cn;
        scan_chunk(&p, &pn, &star, &chunk, &cn);
        if (star && cn == 0) return memchr(s, '/', sn) ? 0 : 1;
        const char *t;
        size_t tn;
        int r = match_chunk(chunk, cn, s, sn, &t, &tn);
        /* The last chunk must use up the name, or a star may still match. */
        if (r == 1 && (tn == 0 || pn > 0)) {
            s = t;
            sn = tn;
            continue;
        }
        if (r < 0) return -1;
        if (star) {
            for (size_t i = 0; i < sn && s[i] != '/'; i++) {
                r = match_chunk(chunk, cn, s + i + 1, sn - i - 1, &t, &tn);
                if (r == 1) {
                    if (pn == 0 && tn > 0) continue;
                    s = t;
                    sn = tn;
                    goto next;
                }
                if (r < 0) return -1;
            }
        }
        /* No match: still report a malformed rest of the pattern. */
        while (pn > 0) {
            scan_chunk(&p, &pn, &star, &chunk, &cn);
            if (match_chunk(chunk, cn, "", 0, &t, &tn) < 0) return -1;
        }
        return 0;
    }
    return sn == 0;
}

/* ---- rules ---- */

typedef enum { MATCH_ROOT, MATCH_PATH, MATCH_BASE } match_mode;

/* How a glob can be matched without the general matcher: most .helmignore
 * lines are a plain name ("OWNERS") or "*" + a plain suffix ("*.swp"), and
 * every file of a chart is checked against every line. */
typedef enum { FAST_NONE, FAST_LITERAL, FAST_STAR_SUFFIX } fast_kind;

typedef struct pattern {
    char *glob; /* without '!', trailing '/' and (MATCH_ROOT) leading '/' */
    bool negate, must_dir;
    match_mode mode;
    fast_kind fast;
} pattern;

static bool has_glob_meta(const char *s) { return strpbrk(s, "*?[\\") != NULL; }

static fast_kind fast_kind_of(const char *glob) {
    if (!has_glob_meta(glob)) return FAST_LITERAL;
    if (glob[0] == '*' && !has_glob_meta(glob + 1) && !strchr(glob + 1, '/')) return FAST_STAR_SUFFIX;
    return FAST_NONE;
}

struct kz_helmignore {
    pattern *v;
    size_t len, cap;
};

kz_helmignore *kz_helmignore_new(void) {
    return kz_xcalloc(1, sizeof(kz_helmignore));
}

void kz_helmignore_free(kz_helmignore *r) {
    if (!r) return;
    for (size_t i = 0; i < r->len; i++) free(r->v[i].glob);
    free(r->v);
    free(r);
}

static bool is_space(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

/* Add one line's rule. 0, or -1 with *err set. */
static int add_rule(kz_helmignore *r, const char *line, size_t n, kz_value *err) {
    while (n > 0 && is_space(*line)) line++, n--;
    while (n > 0 && is_space(line[n - 1])) n--;
    if (n == 0 || line[0] == '#') return 0;
    char *rule = kz_xstrndup(line, n);
    if (strstr(rule, "**")) {
        if (err) *err = kz_error("double-star (**) syntax is not supported");
        free(rule);
        return -1;
    }
    /* Helm checks the raw line, '!' and all, against a non-empty name. */
    if (kz_go_path_match(rule, "abc") < 0) {
        if (err) *err = kz_error("syntax error in pattern");
        free(rule);
        return -1;
    }
    pattern p = {0};
    const char *g = rule;
    size_t gn = n;
    if (*g == '!') {
        p.negate = true;
        g++, gn--;
    }
    if (gn > 0 && g[gn - 1] == '/') {
        p.must_dir = true;
        gn--;
    }
    if (gn > 0 && g[0] == '/') {
        p.mode = MATCH_ROOT;
        g++, gn--;
    } else if (memchr(g, '/', gn)) {
        p.mode = MATCH_PATH;
    } else {
        p.mode = MATCH_BASE;
    }
    p.glob = kz_xstrndup(g, gn);
    p.fast = fast_kind_of(p.glob);
    free(rule);
    if (r->len == r->cap) {
        r->cap = kz_grow_cap(r->cap, r->len + 1);
        r->v = kz_xrealloc(r->v, r->cap * sizeof(pattern));
    }
    r->v[r->len++] = p;
    return 0;
}

kz_helmignore *kz_helmignore_parse(const char *data, size_t len, kz_value *err) {
    kz_helmignore *r = kz_helmignore_new();
    if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0) data += 3, len -= 3;
    size_t i = 0;
    while (i < len) {
        const char *nl = memchr(data + i, '\n', len - i);
        size_t end = nl ? (size_t)(nl - data) : len;
        if (add_rule(r, data + i, end - i, err) < 0) {
            kz_helmignore_free(r);
            return NULL;
        }
        i = end + 1;
    }
    return r;
}

void kz_helmignore_add_defaults(kz_helmignore *r) {
    static const char def[] = "templates/.?*";
    add_rule(r, def, sizeof def - 1, NULL);
}

/* Whether one pattern matches: MATCH_BASE rules look at the last element. */
static bool pattern_match(const pattern *p, const char *path, const char *base) {
    const char *name = p->mode == MATCH_BASE ? base : path;
    switch (p->fast) {
    case FAST_LITERAL:
        return strcmp(p->glob, name) == 0;
    case FAST_STAR_SUFFIX: {
        /* '*' matches any run of characters but '/' */
        size_t n = strlen(name), sn = strlen(p->glob + 1);
        if (sn > n || strcmp(name + n - sn, p->glob + 1) != 0) return false;
        return memchr(name, '/', n - sn) == NULL;
    }
    case FAST_NONE:
        break;
    }
    return kz_go_path_match(p->glob, name) == 1;
}

/* filepath.Base: the last element, trailing slashes dropped. Points into path
 * when it has no trailing slash (the usual case); else a copy in *owned. */
static const char *path_base(const char *path, char **owned) {
    size_t n = strlen(path);
    while (n > 1 && path[n - 1] == '/') n--;
    size_t start = n;
    while (start > 0 && path[start - 1] != '/') start--;
    *owned = NULL;
    if (path[n] == '\0') return path + start;
    return *owned = kz_xstrndup(path + start, n - start);
}

bool kz_helmignore_ignore(const kz_helmignore *r, const char *path, bool is_dir) {
    if (path[0] == '\0' || strcmp(path, ".") == 0 || strcmp(path, "./") == 0) return false;
    char *owned;
    const char *base = path_base(path, &owned);
    bool ignored = false;
    for (size_t i = 0; i < r->len && !ignored; i++) {
        const pattern *p = &r->v[i];
        if (p->negate)
            /* Helm: a negated rule that does not apply ignores the path. */
            ignored = (p->must_dir && !is_dir) || !pattern_match(p, path, base);
        else
            ignored = !(p->must_dir && !is_dir) && pattern_match(p, path, base);
    }
    free(owned);
    return ignored;
}
