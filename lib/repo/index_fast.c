/*
 * index.yaml straight from libyaml's events into the compact index (the fast
 * path of kz_repo_index_load), and the same on several threads.
 *
 * The fast path reads the common shape of an index only: block or flow YAML
 * without anchors, aliases, tags or merge keys; field names spelled exactly;
 * strings where strings go. Anything else (an unknown or differently cased
 * key, a duplicated key, a number where a string goes, import-values, a
 * null maintainer, a syntax error...) makes it give up: the caller then runs
 * the slow path (a kz_value tree decoded as helm), which words every error.
 * So the fast path never reports an error; what it builds is what the slow
 * path builds from the same input, warnings included.
 *
 * PARALLEL. A big block-style index is cut into pieces of about the same
 * size at chart keys under `entries:` (lines of the keys' indentation;
 * nothing at column 0 between `entries:` and the last cut); every piece but
 * the first is parsed as "entries:\n" + its text. A crew of threads (one
 * per core) takes the pieces in turn, several per thread (16), so that a
 * thread done early takes another piece rather than waiting for the
 * slowest; each thread interns into a pool of its own, and sorts the
 * versions of its pieces. The pieces are then joined in file order. A cut
 * inside a quoted or flow scalar leaves a piece unterminated (a syntax
 * error); a chart or top-level key in two pieces is a duplicate: either way
 * the whole file is parsed again sequentially. Errors are never reported
 * from a piece, so line numbers are always those of the whole file.
 */
#define _DEFAULT_SOURCE
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <yaml.h>

#include "core/unicode.h"
#include "core/alloc.h"
#include "core/parallel.h"
#include "core/utf8.h"
#include "repo/pool.h"
#include "repo/repo_internal.h"
#include "tmpl/fmt.h"
#include "tmpl/fmt_internal.h"
#include "yaml/parse_scalar.h"

/* ---- one version's fields while parsing ---- */

typedef struct span {
    uint32_t off, len; /* into fv.sb */
} span;

typedef struct list {
    uint32_t first, n; /* into fv.items */
    bool set;
} list;

typedef struct fdep {
    span s[5]; /* name, version, repository, condition, alias */
    uint8_t has;
    list tags;
    int enabled; /* -1 absent */
} fdep;

typedef struct fmaint {
    span s[3]; /* name, email, url */
    uint8_t has;
} fmaint;

typedef struct fv {
    kz_buf sb;
    span *items;
    size_t nitems, capitems;
    span str[RF_COUNT];
    uint32_t has; /* bit per field: a string field set */
    list sources, keywords, urls, ann;
    bool deprecated, removed;
    fmaint *maint;
    size_t nmaint, capmaint;
    bool maint_set;
    fdep *deps;
    size_t ndeps, capdeps;
    bool deps_set;
} fv;

static void fv_reset(fv *v) {
    kz_buf_clear(&v->sb);
    v->nitems = 0;
    v->has = 0;
    memset(&v->sources, 0, sizeof v->sources);
    memset(&v->keywords, 0, sizeof v->keywords);
    memset(&v->urls, 0, sizeof v->urls);
    memset(&v->ann, 0, sizeof v->ann);
    v->deprecated = v->removed = false;
    v->nmaint = 0;
    v->maint_set = false;
    v->ndeps = 0;
    v->deps_set = false;
}

static void fv_free(fv *v) {
    kz_buf_free(&v->sb);
    free(v->items);
    free(v->maint);
    free(v->deps);
}

static span sb_add(fv *v, const char *s, size_t n) {
    span r = {(uint32_t)v->sb.len, (uint32_t)n};
    kz_buf_append(&v->sb, s, n);
    kz_buf_putc(&v->sb, '\0');
    return r;
}

static const char *sp(const fv *v, span s) { return v->sb.data + s.off; }

static void item_push(fv *v, span s) {
    if (v->nitems == v->capitems) {
        v->capitems = kz_grow_cap(v->capitems, v->nitems + 1);
        v->items = kz_xrealloc(v->items, v->capitems * sizeof *v->items);
    }
    v->items[v->nitems++] = s;
}

/* ---- the event reader ---- */

typedef struct fp {
    yaml_parser_t parser;
    yaml_event_t ev;
    bool have;
    kz_repo_index *idx;
    const char *source;
    kz_buf warnings;
    uint32_t top_seen; /* bits: 0 apiVersion, 1 entries, 2 generated */
    fv v;
    kz_buf enc, warn_chart;
    /* the second piece's input: prefix then data */
    const char *prefix, *data;
    size_t prefix_len, data_len, fed;
} fp;

static bool next(fp *p) {
    if (p->have) yaml_event_delete(&p->ev);
    p->have = false;
    if (!yaml_parser_parse(&p->parser, &p->ev)) return false;
    p->have = true;
    switch (p->ev.type) {
    case YAML_NO_EVENT: return false; /* libyaml's answer after an error */
    case YAML_ALIAS_EVENT: return false;
    case YAML_SCALAR_EVENT: return !p->ev.data.scalar.anchor && !p->ev.data.scalar.tag;
    case YAML_SEQUENCE_START_EVENT: return !p->ev.data.sequence_start.anchor && !p->ev.data.sequence_start.tag;
    case YAML_MAPPING_START_EVENT: return !p->ev.data.mapping_start.anchor && !p->ev.data.mapping_start.tag;
    default: return true;
    }
}

enum { K_STR, K_NULL, K_BOOL, K_NUM, K_OTHER };

static const char *sval(const fp *p) { return (const char *)p->ev.data.scalar.value; }
static size_t slen(const fp *p) { return p->ev.data.scalar.length; }

/* Whether a plain scalar is a string whatever else it holds: it starts with
 * an ASCII letter that begins none of YAML 1.1's bools and nulls (y, n, t,
 * f, o: yes, no, true, false, on, off, null), or is longer than any of them
 * (5). Most scalars of an index (keys, names, URLs, descriptions) are, and
 * the full resolver is a tenth of a big index's load. */
static bool surely_string(const char *s, size_t n) {
    char c = s[0];
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))) return false;
    return n > 5 || !strchr("yYnNtTfFoO", c);
}

/* The current scalar's class under Helm's reading (r for numbers, bools). */
static int sclass(const fp *p, kz_scalar *r) {
    if (p->ev.type != YAML_SCALAR_EVENT) return K_OTHER;
    if (p->ev.data.scalar.style != YAML_PLAIN_SCALAR_STYLE) return K_STR;
    if (slen(p) > 0 && surely_string(sval(p), slen(p))) {
        if (r) *r = (kz_scalar){.cls = KZ_SC_STRING};
        return K_STR;
    }
    kz_scalar s = kz_yaml_resolve_plain(sval(p), slen(p), KZ_YAML_HELM);
    if (r) *r = s;
    switch (s.cls) {
    case KZ_SC_STRING: return K_STR;
    case KZ_SC_NULL: return K_NULL;
    case KZ_SC_BOOL: return K_BOOL;
    case KZ_SC_INT:
    case KZ_SC_UINT: return K_NUM;
    case KZ_SC_FLOAT: return isinf(s.f) || isnan(s.f) ? K_OTHER : K_NUM;
    default: return K_OTHER;
    }
}

/* A metadata string: 1 set, 0 null, -1 give up. */
static int read_str(fp *p, span *out) {
    int k = sclass(p, NULL);
    if (k == K_NULL) return 0;
    if (k != K_STR) return -1;
    *out = sb_add(&p->v, sval(p), slen(p));
    return 1;
}

/* A string of ChartVersion itself: scalars become their text. */
static int read_own_str(fp *p, span *out) {
    kz_scalar r;
    int k = sclass(p, &r);
    if (k == K_NULL) return 0;
    if (k == K_STR) {
        *out = sb_add(&p->v, sval(p), slen(p));
        return 1;
    }
    if (k != K_BOOL && k != K_NUM) return -1;
    kz_value x = k == K_BOOL ? kz_bool(r.b)
                 : r.cls == KZ_SC_INT ? kz_float((double)r.i)
                 : r.cls == KZ_SC_UINT ? kz_float((double)r.u)
                                       : kz_float(r.f);
    kz_value s = kz_null();
    kz_value e = kz_repo_json_string(&x, "ChartVersion", "", &s);
    int rc = -1;
    if (kz_is_null(&e) && kz_is_string(&s)) {
        *out = sb_add(&p->v, kz_str(&s), kz_str_len(&s));
        rc = 1;
    }
    kz_free(e);
    kz_free(s);
    return rc;
}

/* []string: 1 set, 0 null, -1 give up. own: items as read_own_str. */
static int read_strs(fp *p, list *l, bool own) {
    if (p->ev.type == YAML_SCALAR_EVENT) return sclass(p, NULL) == K_NULL ? 0 : -1;
    if (p->ev.type != YAML_SEQUENCE_START_EVENT) return -1;
    l->first = (uint32_t)p->v.nitems;
    l->n = 0;
    l->set = true;
    for (;;) {
        if (!next(p)) return -1;
        if (p->ev.type == YAML_SEQUENCE_END_EVENT) return 1;
        span s;
        if ((own ? read_own_str(p, &s) : read_str(p, &s)) != 1) return -1;
        item_push(&p->v, s);
        l->n++;
    }
}

/* A bool: 1 true, 0 false or null, -1 give up; *set tells null apart. */
static int read_bool(fp *p, bool *set) {
    kz_scalar r;
    int k = sclass(p, &r);
    *set = k == K_BOOL;
    if (k == K_NULL) return 0;
    if (k != K_BOOL) return -1;
    return r.b ? 1 : 0;
}

/* The current key (a string scalar): its exact index in names, or -1.
 * Every key of every version comes here: the first byte sorts most names
 * out before they are measured. */
static int key_index(fp *p, const char *const *names, int n) {
    if (sclass(p, NULL) != K_STR) return -1;
    const char *s = sval(p);
    size_t len = slen(p);
    for (int i = 0; i < n; i++)
        if (names[i][0] == s[0] && strlen(names[i]) == len && memcmp(names[i], s, len) == 0) return i;
    return -1;
}

static bool read_maintainers(fp *p) {
    fv *v = &p->v;
    if (p->ev.type == YAML_SCALAR_EVENT) return sclass(p, NULL) == K_NULL;
    if (p->ev.type != YAML_SEQUENCE_START_EVENT) return false;
    v->maint_set = true;
    static const char *const names[] = {"name", "email", "url"};
    for (;;) {
        if (!next(p)) return false;
        if (p->ev.type == YAML_SEQUENCE_END_EVENT) return true;
        if (p->ev.type != YAML_MAPPING_START_EVENT) return false; /* null: validation's business */
        if (v->nmaint == v->capmaint) {
            v->capmaint = kz_grow_cap(v->capmaint, v->nmaint + 1);
            v->maint = kz_xrealloc(v->maint, v->capmaint * sizeof *v->maint);
        }
        fmaint *m = &v->maint[v->nmaint++];
        memset(m, 0, sizeof *m);
        unsigned seen = 0;
        for (;;) {
            if (!next(p)) return false;
            if (p->ev.type == YAML_MAPPING_END_EVENT) break;
            int f = key_index(p, names, 3);
            if (f < 0 || (seen & (1u << f))) return false;
            seen |= 1u << f;
            if (!next(p)) return false;
            int r = read_str(p, &m->s[f]);
            if (r < 0) return false;
            if (r) m->has |= (uint8_t)(1u << f);
        }
    }
}

static bool read_deps(fp *p) {
    fv *v = &p->v;
    if (p->ev.type == YAML_SCALAR_EVENT) return sclass(p, NULL) == K_NULL;
    if (p->ev.type != YAML_SEQUENCE_START_EVENT) return false;
    v->deps_set = true;
    /* the string fields first (fdep.s order), then tags, enabled */
    static const char *const names[] = {"name", "version", "repository", "condition", "alias", "tags", "enabled"};
    for (;;) {
        if (!next(p)) return false;
        if (p->ev.type == YAML_SEQUENCE_END_EVENT) return true;
        if (p->ev.type != YAML_MAPPING_START_EVENT) return false;
        if (v->ndeps == v->capdeps) {
            v->capdeps = kz_grow_cap(v->capdeps, v->ndeps + 1);
            v->deps = kz_xrealloc(v->deps, v->capdeps * sizeof *v->deps);
        }
        fdep *d = &v->deps[v->ndeps++];
        memset(d, 0, sizeof *d);
        d->enabled = -1;
        unsigned seen = 0;
        for (;;) {
            if (!next(p)) return false;
            if (p->ev.type == YAML_MAPPING_END_EVENT) break;
            int f = key_index(p, names, 7); /* import-values: the slow path */
            if (f < 0 || (seen & (1u << f))) return false;
            seen |= 1u << f;
            if (!next(p)) return false;
            if (f < 5) {
                int r = read_str(p, &d->s[f]);
                if (r < 0) return false;
                if (r) d->has |= (uint8_t)(1u << f);
            } else if (f == 5) {
                if (read_strs(p, &d->tags, false) < 0) return false;
            } else {
                bool set;
                int r = read_bool(p, &set);
                if (r < 0) return false;
                if (set) d->enabled = r;
            }
        }
    }
}

static bool read_annotations(fp *p) {
    fv *v = &p->v;
    if (p->ev.type == YAML_SCALAR_EVENT) return sclass(p, NULL) == K_NULL;
    if (p->ev.type != YAML_MAPPING_START_EVENT) return false;
    v->ann.first = (uint32_t)v->nitems;
    v->ann.n = 0;
    v->ann.set = true;
    for (;;) {
        if (!next(p)) return false;
        if (p->ev.type == YAML_MAPPING_END_EVENT) return true;
        if (sclass(p, NULL) != K_STR) return false;
        for (uint32_t i = 0; i < v->ann.n; i++) {
            span k = v->items[v->ann.first + 2 * i];
            if (k.len == slen(p) && memcmp(sp(v, k), sval(p), k.len) == 0) return false; /* duplicate */
        }
        span k = sb_add(v, sval(p), slen(p));
        if (!next(p)) return false;
        span val;
        if (read_str(p, &val) != 1) return false;
        item_push(v, k);
        item_push(v, val);
        v->ann.n++;
    }
}

/* n digits at s, as a number; -1 when one is not a digit. */
static int digits(const char *s, int n) {
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

/* Whether Go's Time.UnmarshalJSON surely accepts s: the usual form of
 * `created` (2006-01-02T15:04:05[.999999999](Z|-07:00), every field in
 * range), checked without building a time. false means "ask
 * kz_repo_json_time", which knows every other case (and the errors). */
static bool rfc3339_surely_valid(const char *s, size_t n) {
    if (n < 20 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':') return false;
    int year = digits(s, 4), mon = digits(s + 5, 2), day = digits(s + 8, 2);
    int hour = digits(s + 11, 2), min = digits(s + 14, 2), sec = digits(s + 17, 2);
    if (year < 0 || mon < 1 || mon > 12 || day < 1 || hour < 0 || hour > 23 || min < 0 || min > 59 || sec < 0 ||
        sec > 59)
        return false;
    static const int mdays[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    if (day > mdays[mon - 1] || (mon == 2 && day == 29 && !leap)) return false;
    size_t i = 19;
    if (s[i] == '.') {
        size_t k = i + 1;
        while (k < n && s[k] >= '0' && s[k] <= '9') k++;
        if (k == i + 1 || k - i - 1 > 9) return false;
        i = k;
    }
    if (i + 1 == n && s[i] == 'Z') return true;
    if (i + 6 != n || (s[i] != '+' && s[i] != '-') || s[i + 3] != ':') return false;
    int zh = digits(s + i + 1, 2), zm = digits(s + i + 4, 2);
    return zh >= 0 && zh <= 23 && zm >= 0 && zm <= 59;
}

/* One version's mapping (the current event is its start). */
static bool read_version(fp *p) {
    fv *v = &p->v;
    fv_reset(v);
    uint32_t seen = 0;
    for (;;) {
        if (!next(p)) return false;
        if (p->ev.type == YAML_MAPPING_END_EVENT) return true;
        int f = key_index(p, kz_repo_version_fields, RF_COUNT);
        if (f < 0 || (seen & (1u << f))) return false;
        seen |= 1u << f;
        if (!next(p)) return false;
        int r = 0;
        switch (f) {
        case RF_SOURCES: r = read_strs(p, &v->sources, false); break;
        case RF_KEYWORDS: r = read_strs(p, &v->keywords, false); break;
        case RF_URLS: r = read_strs(p, &v->urls, true); break;
        case RF_MAINTAINERS: r = read_maintainers(p) ? 0 : -1; break;
        case RF_DEPENDENCIES: r = read_deps(p) ? 0 : -1; break;
        case RF_ANNOTATIONS: r = read_annotations(p) ? 0 : -1; break;
        case RF_DEPRECATED:
        case RF_REMOVED: {
            bool set;
            r = read_bool(p, &set);
            if (r > 0) *(f == RF_DEPRECATED ? &v->deprecated : &v->removed) = true;
            break;
        }
        case RF_CREATED: {
            r = read_str(p, &v->str[f]);
            if (r == 1 && !rfc3339_surely_valid(sp(v, v->str[f]), v->str[f].len)) {
                kz_value s = kz_string_n(sp(v, v->str[f]), v->str[f].len);
                kz_value t = kz_repo_json_time(&s);
                if (!kz_is_map(&t)) r = -1;
                kz_free(t);
                kz_free(s);
            }
            break;
        }
        case RF_DIGEST:
        case RF_CHECKSUM:
        case RF_ENGINE:
        case RF_TILLER_VERSION:
        case RF_URL: r = read_own_str(p, &v->str[f]); break;
        default: r = read_str(p, &v->str[f]); break;
        }
        if (r < 0) return false;
        if (r == 1) v->has |= 1u << f;
    }
}

/* ---- validation (chart.Metadata.Validate on these fields) ---- */


/* Helm's sanitizeString: spaces become ' ', non-printable runes go. */
/* Whether the 8 bytes of w are all printable ASCII (0x20 to 0x7e): none
 * has its high bit, none is below 0x20, none is 0x7f (the classic
 * "has a byte less than n" and "has a zero byte" tricks). */
static bool word_printable(uint64_t w) {
    const uint64_t ones = 0x0101010101010101ull, high = 0x8080808080808080ull;
    uint64_t del = w ^ (0x7f * ones);
    return !(w & high) && !((w - 0x20 * ones) & ~w & high) && !((del - ones) & ~del & high);
}

static span sanitize(fv *v, span s) {
    const unsigned char *b = (const unsigned char *)sp(v, s);
    size_t i = 0;
    /* every string of every version comes here, nearly all printable ASCII */
    for (uint64_t w; i + 8 <= s.len && (memcpy(&w, b + i, 8), word_printable(w));) i += 8;
    while (i < s.len && b[i] >= 0x20 && b[i] < 0x7f) i++;
    if (i == s.len) return s;
    kz_buf out = KZ_BUF_INIT;
    size_t n = s.len;
    while (n > 0) {
        uint32_t r;
        size_t k = kz_utf8_decode(b, n, &r);
        if (kz_go_is_space(r)) kz_buf_putc(&out, ' ');
        else if (kz_fmt_isprint(r)) kz_utf8_append(&out, r);
        b += k;
        n -= k;
    }
    span r = sb_add(v, out.data ? out.data : "", out.len);
    kz_buf_free(&out);
    return r;
}

static void sanitize_field(fv *v, int f) {
    if (!(v->has & (1u << f))) return;
    v->str[f] = sanitize(v, v->str[f]);
    if (v->str[f].len == 0) v->has &= ~(1u << f);
}

static void sanitize_list(fv *v, const list *l) {
    for (uint32_t i = 0; i < l->n; i++) v->items[l->first + i] = sanitize(v, v->items[l->first + i]);
}

static void verr(kz_buf *out, const char *what, const char *s, size_t n) {
    kz_buf_puts(out, "validation: ");
    const char *pct = strstr(what, "%q");
    kz_buf_append(out, what, (size_t)(pct - what));
    kz_fmt_quote(out, s, n, false);
    kz_buf_puts(out, pct + 2);
}

static bool alias_ok(const char *s, size_t n) {
    if (!n) return false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-'))
            return false;
    }
    return true;
}

/* 1 valid, 0 invalid (message in msg), -1 give up (the slow path knows). */
static int validate(fv *v, kz_semver *sv, kz_buf *msg) {
    memset(sv, 0, sizeof *sv);
    static const int keys[] = {RF_NAME, RF_DESCRIPTION, RF_HOME, RF_ICON, RF_CONDITION, RF_TAGS,
                               RF_APP_VERSION, RF_KUBE_VERSION};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) sanitize_field(v, keys[i]);
    sanitize_list(v, &v->sources);
    sanitize_list(v, &v->keywords);
    if (!(v->has & (1u << RF_NAME))) {
        kz_buf_puts(msg, "validation: chart.metadata.name is required");
        return 0;
    }
    const char *name = sp(v, v->str[RF_NAME]);
    if (memchr(name, '/', v->str[RF_NAME].len) && strcmp(name, "/") != 0) {
        verr(msg, "chart.metadata.name %q is invalid", name, v->str[RF_NAME].len);
        return 0;
    }
    if (!(v->has & (1u << RF_VERSION)) || v->str[RF_VERSION].len == 0) {
        kz_buf_puts(msg, "validation: chart.metadata.version is required");
        return 0;
    }
    const char *ver = sp(v, v->str[RF_VERSION]);
    kz_value perr = kz_semver_parse(ver, v->str[RF_VERSION].len, sv);
    if (!kz_is_valid(&perr)) {
        kz_free(perr);
        verr(msg, "chart.metadata.version %q is invalid", ver, v->str[RF_VERSION].len);
        return 0;
    }
    int rc = 1;
    if (v->has & (1u << RF_TYPE)) {
        const char *t = sp(v, v->str[RF_TYPE]);
        if (strcmp(t, "application") != 0 && strcmp(t, "library") != 0) {
            kz_buf_puts(msg, "validation: chart.metadata.type must be application or library");
            rc = 0;
        }
    }
    for (size_t i = 0; rc == 1 && i < v->nmaint; i++) {
        fmaint *m = &v->maint[i];
        for (int k = 0; k < 3; k++) {
            if (!(m->has & (1u << k))) continue;
            m->s[k] = sanitize(v, m->s[k]);
            if (m->s[k].len == 0) m->has &= (uint8_t)~(1u << k);
        }
    }
    for (size_t i = 0; rc == 1 && i < v->ndeps; i++) {
        fdep *d = &v->deps[i];
        for (int k = 0; k < 4; k++) { /* name, version, repository, condition */
            if (!(d->has & (1u << k))) continue;
            d->s[k] = sanitize(v, d->s[k]);
            if (d->s[k].len == 0 && k != 0 && k != 2) d->has &= (uint8_t)~(1u << k);
        }
        sanitize_list(v, &d->tags);
        const char *alias = (d->has & 16) ? sp(v, d->s[4]) : "";
        size_t alen = (d->has & 16) ? d->s[4].len : 0;
        if (alen && !alias_ok(alias, alen)) {
            const char *n = (d->has & 1) ? sp(v, d->s[0]) : "";
            verr(msg, "dependency %q has disallowed characters in the alias", n, strlen(n));
            rc = 0;
            break;
        }
        const char *key = alen ? alias : (d->has & 1) ? sp(v, d->s[0]) : "";
        for (size_t j = 0; j < i; j++) { /* a duplicate: helm keeps it half-sanitized */
            const fdep *o = &v->deps[j];
            const char *ok = (o->has & 16) && o->s[4].len ? sp(v, o->s[4]) : (o->has & 1) ? sp(v, o->s[0]) : "";
            if (strcmp(ok, key) == 0) rc = -1;
        }
    }
    if (rc != 1) kz_semver_free(sv);
    return rc;
}

/* ---- the compact record ---- */

static void enc_span(fp *p, span s) { kz_repo_enc_str(&p->enc, sp(&p->v, s), s.len); }

static void enc_list(fp *p, const list *l) {
    size_t at = kz_repo_enc_open(&p->enc, 'q');
    for (uint32_t i = 0; i < l->n; i++) enc_span(p, p->v.items[l->first + i]);
    kz_repo_enc_close(&p->enc, at, l->n);
}

static void enc_key(fp *p, const char *k) { kz_repo_enc_raw_str(&p->enc, k, strlen(k)); }

typedef struct annp {
    span k, v;
    const char *base;
} annp;

static int annp_cmp(const void *a, const void *b) {
    const annp *x = a, *y = b;
    size_t n = x->k.len < y->k.len ? x->k.len : y->k.len;
    int c = memcmp(x->base + x->k.off, y->base + y->k.off, n);
    if (c) return c;
    return x->k.len < y->k.len ? -1 : x->k.len > y->k.len;
}

static void enc_extra(fp *p) {
    fv *v = &p->v;
    kz_buf_clear(&p->enc);
    for (int f = 0; f < RF_COUNT; f++) {
        size_t mark = p->enc.len;
        kz_buf_putc(&p->enc, (char)(f + 1));
        bool put = true;
        switch (f) {
        case RF_NAME: case RF_VERSION: case RF_DESCRIPTION: case RF_API_VERSION: case RF_APP_VERSION:
        case RF_URLS: case RF_CREATED: case RF_REMOVED: case RF_DIGEST:
            put = false;
            break;
        case RF_SOURCES:
        case RF_KEYWORDS: {
            const list *l = f == RF_SOURCES ? &v->sources : &v->keywords;
            if ((put = l->n > 0)) enc_list(p, l);
            break;
        }
        case RF_MAINTAINERS: {
            if (!(put = v->nmaint > 0)) break;
            size_t at = kz_repo_enc_open(&p->enc, 'q');
            static const char *const mk[] = {"name", "email", "url"};
            for (size_t i = 0; i < v->nmaint; i++) {
                const fmaint *m = &v->maint[i];
                size_t mat = kz_repo_enc_open(&p->enc, 'm');
                uint32_t n = 0;
                for (int k = 0; k < 3; k++) {
                    if (!(m->has & (1u << k))) continue;
                    enc_key(p, mk[k]);
                    enc_span(p, m->s[k]);
                    n++;
                }
                kz_repo_enc_close(&p->enc, mat, n);
            }
            kz_repo_enc_close(&p->enc, at, (uint32_t)v->nmaint);
            break;
        }
        case RF_DEPRECATED:
            if ((put = v->deprecated)) kz_buf_putc(&p->enc, 't');
            break;
        case RF_ANNOTATIONS: {
            if (!(put = v->ann.n > 0)) break;
            annp *a = kz_xmalloc(v->ann.n * sizeof *a);
            for (uint32_t i = 0; i < v->ann.n; i++)
                a[i] = (annp){v->items[v->ann.first + 2 * i], v->items[v->ann.first + 2 * i + 1], v->sb.data};
            qsort(a, v->ann.n, sizeof *a, annp_cmp);
            size_t at = kz_repo_enc_open(&p->enc, 'm');
            for (uint32_t i = 0; i < v->ann.n; i++) {
                kz_repo_enc_raw_str(&p->enc, sp(v, a[i].k), a[i].k.len);
                enc_span(p, a[i].v);
            }
            kz_repo_enc_close(&p->enc, at, v->ann.n);
            free(a);
            break;
        }
        case RF_DEPENDENCIES: {
            if (!(put = v->ndeps > 0)) break;
            size_t at = kz_repo_enc_open(&p->enc, 'q');
            for (size_t i = 0; i < v->ndeps; i++) {
                const fdep *d = &v->deps[i];
                size_t dat = kz_repo_enc_open(&p->enc, 'm');
                uint32_t n = 0;
                /* Dependency's field order; name and repository always */
                static const char *const dk[] = {"name", "version", "repository", "condition"};
                for (int k = 0; k < 4; k++) {
                    bool always = k == 0 || k == 2;
                    if (!(d->has & (1u << k)) && !always) continue;
                    enc_key(p, dk[k]);
                    if (d->has & (1u << k)) enc_span(p, d->s[k]);
                    else kz_repo_enc_str(&p->enc, "", 0);
                    n++;
                }
                if (d->tags.n) {
                    enc_key(p, "tags");
                    enc_list(p, &d->tags);
                    n++;
                }
                if (d->enabled == 1) {
                    enc_key(p, "enabled");
                    kz_buf_putc(&p->enc, 't');
                    n++;
                }
                if ((d->has & 16) && d->s[4].len) {
                    enc_key(p, "alias");
                    enc_span(p, d->s[4]);
                    n++;
                }
                kz_repo_enc_close(&p->enc, dat, n);
            }
            kz_repo_enc_close(&p->enc, at, (uint32_t)v->ndeps);
            break;
        }
        case RF_CHECKSUM: case RF_ENGINE: case RF_TILLER_VERSION: case RF_URL:
            if ((put = (v->has & (1u << f)) != 0)) enc_span(p, v->str[f]);
            break;
        default: /* metadata strings: empty ones are left out */
            if ((put = (v->has & (1u << f)) && v->str[f].len)) enc_span(p, v->str[f]);
            break;
        }
        if (!put) p->enc.len = mark;
    }
    kz_buf_putc(&p->enc, 0);
}

static const char *hot(fp *p, int f) {
    fv *v = &p->v;
    if (!(v->has & (1u << f)) || !v->str[f].len) return "";
    return kz_repo_pool_str(p->idx->pool, sp(v, v->str[f]), v->str[f].len);
}

static void make_record(fp *p, kz_repo_chart *c, kz_semver *sv) {
    fv *v = &p->v;
    kz_repo_pool *pool = p->idx->pool;
    kz_repo_chart_version *r = kz_repo_index_version_push(c);
    r->name = hot(p, RF_NAME);
    r->version = hot(p, RF_VERSION);
    r->app_version = hot(p, RF_APP_VERSION);
    r->description = hot(p, RF_DESCRIPTION);
    r->api_version = hot(p, RF_API_VERSION);
    if (!*r->api_version) r->api_version = kz_repo_pool_str(pool, "v1", 2);
    if (v->urls.set) {
        const char **a = kz_repo_pool_alloc(pool, (v->urls.n ? v->urls.n : 1) * sizeof *a);
        for (uint32_t i = 0; i < v->urls.n; i++) {
            span s = v->items[v->urls.first + i];
            a[i] = kz_repo_pool_copy(pool, sp(v, s), s.len);
        }
        r->urls = a;
        r->nurls = v->urls.n;
    }
    /* unique per version: copied, not interned */
    if (v->has & (1u << RF_CREATED)) r->created = kz_repo_pool_copy(pool, sp(v, v->str[RF_CREATED]), v->str[RF_CREATED].len);
    if (v->has & (1u << RF_DIGEST)) r->digest = kz_repo_pool_copy(pool, sp(v, v->str[RF_DIGEST]), v->str[RF_DIGEST].len);
    r->removed = v->removed;
    enc_extra(p);
    r->extra = kz_repo_pool_blob(pool, (const unsigned char *)p->enc.data, p->enc.len);
    r->semver.major = sv->major;
    r->semver.minor = sv->minor;
    r->semver.patch = sv->patch;
    r->semver.prerelease = sv->prerelease ? (char *)kz_repo_pool_strz(pool, sv->prerelease) : NULL;
    r->semver.metadata = sv->metadata ? (char *)kz_repo_pool_strz(pool, sv->metadata) : NULL;
    r->semver.original = (char *)r->version;
    kz_semver_free(sv);
}

/* ---- charts, entries, the document ---- */

/* The warnings of one chart come last version first: each is kept as
 * "len:text" in warn_chart and printed in reverse at the end. */
static void chart_warn(fp *p, const kz_buf *w) {
    kz_repo_enc_raw_str(&p->warn_chart, w->data ? w->data : "", w->len);
}

static void chart_warnings_flush(fp *p) {
    /* collect the entries, then print them backwards */
    size_t n = 0, cap = 0;
    const unsigned char **at = NULL;
    const unsigned char *q = (const unsigned char *)p->warn_chart.data;
    const unsigned char *end = q + p->warn_chart.len;
    while (q && q < end) {
        if (n == cap) {
            cap = kz_grow_cap(cap, n + 1);
            at = kz_xrealloc(at, cap * sizeof *at);
        }
        at[n++] = q;
        size_t len = (size_t)kz_repo_get_varint(&q);
        q += len + 1;
    }
    for (size_t i = n; i-- > 0;) {
        const unsigned char *s = at[i];
        size_t len = (size_t)kz_repo_get_varint(&s);
        kz_buf_append(&p->warnings, (const char *)s, len);
    }
    free(at);
    kz_buf_clear(&p->warn_chart);
}

static bool read_chart(fp *p, const char *name, size_t nlen) {
    if (kz_map_get(&p->idx->lookup, name, nlen)) return false; /* a duplicate key */
    kz_repo_chart *c = kz_repo_index_chart_slot(p->idx, name, nlen);
    size_t ci = (size_t)(c - p->idx->charts);
    if (!next(p)) return false;
    if (p->ev.type == YAML_SCALAR_EVENT) return sclass(p, NULL) == K_NULL;
    if (p->ev.type != YAML_SEQUENCE_START_EVENT) return false;
    kz_buf w = KZ_BUF_INIT;
    bool ok = true;
    kz_buf_clear(&p->warn_chart);
    for (;;) {
        if (!next(p)) {
            ok = false;
            break;
        }
        if (p->ev.type == YAML_SEQUENCE_END_EVENT) break;
        c = &p->idx->charts[ci];
        kz_buf_clear(&w);
        if (p->ev.type == YAML_SCALAR_EVENT && sclass(p, NULL) == K_NULL) {
            kz_buf_puts(&w, "index.go:359: skipping loading invalid entry for chart ");
            kz_fmt_quote(&w, c->name, strlen(c->name), false);
            kz_buf_printf(&w, " from %s: empty entry\n", p->source);
            chart_warn(p, &w);
            continue;
        }
        if (p->ev.type != YAML_MAPPING_START_EVENT || !read_version(p)) {
            ok = false;
            break;
        }
        kz_semver sv;
        kz_buf msg = KZ_BUF_INIT;
        int rc = validate(&p->v, &sv, &msg);
        if (rc < 0) {
            kz_buf_free(&msg);
            ok = false;
            break;
        }
        if (rc == 0) {
            fv *v = &p->v;
            bool hv = (v->has & (1u << RF_VERSION)) != 0;
            kz_buf_puts(&w, "index.go:370: skipping loading invalid entry for chart ");
            kz_fmt_quote(&w, c->name, strlen(c->name), false);
            kz_buf_putc(&w, ' ');
            kz_fmt_quote(&w, hv ? sp(v, v->str[RF_VERSION]) : "", hv ? v->str[RF_VERSION].len : 0, false);
            kz_buf_printf(&w, " from %s: %s\n", p->source, kz_buf_cstr(&msg));
            chart_warn(p, &w);
        } else {
            make_record(p, c, &sv);
        }
        kz_buf_free(&msg);
    }
    kz_buf_free(&w);
    if (ok) chart_warnings_flush(p);
    return ok;
}

static bool read_entries(fp *p) {
    if (p->ev.type == YAML_SCALAR_EVENT) return sclass(p, NULL) == K_NULL;
    if (p->ev.type != YAML_MAPPING_START_EVENT) return false;
    for (;;) {
        if (!next(p)) return false;
        if (p->ev.type == YAML_MAPPING_END_EVENT) return true;
        if (sclass(p, NULL) != K_STR) return false;
        kz_buf name = KZ_BUF_INIT;
        kz_buf_append(&name, sval(p), slen(p));
        bool ok = read_chart(p, kz_buf_cstr(&name), name.len);
        kz_buf_free(&name);
        if (!ok) return false;
    }
}

static bool read_document(fp *p) {
    if (!next(p) || p->ev.type != YAML_STREAM_START_EVENT) return false;
    if (!next(p) || p->ev.type != YAML_DOCUMENT_START_EVENT) return false;
    if (!next(p) || p->ev.type != YAML_MAPPING_START_EVENT) return false;
    static const char *const top[] = {"apiVersion", "entries", "generated"};
    for (;;) {
        if (!next(p)) return false;
        if (p->ev.type == YAML_MAPPING_END_EVENT) break;
        int f = key_index(p, top, 3);
        if (f < 0 || (p->top_seen & (1u << f))) return false;
        p->top_seen |= 1u << f;
        if (!next(p)) return false;
        if (f == 1) {
            if (!read_entries(p)) return false;
            continue;
        }
        int k = sclass(p, NULL);
        if (k == K_NULL) continue;
        if (k != K_STR) return false;
        if (f == 0) {
            free(p->idx->api_version);
            p->idx->api_version = kz_xstrndup(sval(p), slen(p));
        } else {
            kz_value s = kz_string_n(sval(p), slen(p));
            kz_value t = kz_repo_json_time(&s);
            bool ok = kz_is_map(&t);
            kz_free(t);
            if (!ok) {
                kz_free(s);
                return false;
            }
            kz_free(p->idx->generated);
            p->idx->generated = s;
        }
    }
    /* the rest of the stream is not read (helm decodes the first document) */
    return next(p) && p->ev.type == YAML_DOCUMENT_END_EVENT;
}

static int read_piece(void *data, unsigned char *buffer, size_t size, size_t *size_read) {
    fp *p = data;
    size_t total = p->prefix_len + p->data_len, n = 0;
    while (n < size && p->fed < total) {
        size_t chunk;
        if (p->fed < p->prefix_len) {
            chunk = p->prefix_len - p->fed;
            if (chunk > size - n) chunk = size - n;
            memcpy(buffer + n, p->prefix + p->fed, chunk);
        } else {
            size_t off = p->fed - p->prefix_len;
            chunk = p->data_len - off;
            if (chunk > size - n) chunk = size - n;
            memcpy(buffer + n, p->data + off, chunk);
        }
        n += chunk;
        p->fed += chunk;
    }
    *size_read = n;
    return 1;
}

/* Parse data (after prefix) into idx (initialised). True when it all went. */
static bool parse_piece(fp *p, const char *prefix, const char *data, size_t len, const char *source,
                        kz_repo_index *idx) {
    memset(p, 0, sizeof *p);
    p->idx = idx;
    p->source = source;
    yaml_parser_initialize(&p->parser);
    if (prefix) {
        p->prefix = prefix;
        p->prefix_len = strlen(prefix);
        p->data = data;
        p->data_len = len;
        yaml_parser_set_input(&p->parser, read_piece, p);
    } else {
        yaml_parser_set_input_string(&p->parser, (const unsigned char *)data, len);
    }
    bool ok = read_document(p);
    if (p->have) yaml_event_delete(&p->ev);
    yaml_parser_delete(&p->parser);
    fv_free(&p->v);
    kz_buf_free(&p->enc);
    kz_buf_free(&p->warn_chart);
    return ok;
}

/* ---- the cuts ---- */

/* The line after `entries:` at column 0, with only simple lines before it;
 * 0 when the layout is another. */
static size_t entries_body(const char *d, size_t len) {
    size_t at = 0;
    for (;;) {
        if (at >= len) return 0;
        const char *nl = memchr(d + at, '\n', len - at);
        size_t end = nl ? (size_t)(nl - d) : len;
        if (end - at >= 8 && memcmp(d + at, "entries:", 8) == 0) {
            size_t k = at + 8;
            while (k < end && d[k] == ' ') k++;
            return k == end ? end + 1 : 0;
        }
        for (size_t k = at; k < end; k++)
            if (strchr("\"'|>&*!{}[]#%@`\t\r", d[k])) return 0;
        if (!nl) return 0;
        at = end + 1;
    }
}

/* The start of the first chart key line (n spaces, then a name) after
 * `from`; 0 when none, or when entries end first (a line at column 0). */
static size_t next_chart_line(const char *d, size_t len, size_t from, size_t n) {
    const char *nl = memchr(d + from, '\n', len - from);
    while (nl) {
        size_t ls = (size_t)(nl - d) + 1;
        if (ls + n >= len) return 0;
        bool ind = true;
        for (size_t k = 0; k < n; k++)
            if (d[ls + k] != ' ') ind = false;
        unsigned char c = (unsigned char)d[ls + n];
        if (ind && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'))
            return ls;
        if (d[ls] != ' ' && d[ls] != '\n') return 0; /* entries ended before */
        nl = memchr(d + ls, '\n', len - ls);
    }
    return 0;
}

/* Where to cut data into at most k pieces of about the same size: cuts[]
 * (increasing) at chart keys under `entries:`, each past len * i / k, and
 * *body where the charts begin. Returns their number (0: don't cut). What
 * lies between *body and the last cut must still be checked (all_indented:
 * the pieces do it, in parallel). */
static size_t find_cuts(const char *d, size_t len, size_t k, size_t *cuts, size_t *body) {
    size_t entries_end = entries_body(d, len);
    if (!entries_end || entries_end >= len || d[entries_end] != ' ') return 0;
    /* the charts' indentation */
    size_t n = 0;
    while (entries_end + n < len && d[entries_end + n] == ' ') n++;
    if (entries_end + n >= len || strchr("-#\n\r", d[entries_end + n])) return 0;
    size_t ncuts = 0;
    for (size_t i = 1; i < k; i++) {
        size_t from = len / k * i;
        if (ncuts && from <= cuts[ncuts - 1]) from = cuts[ncuts - 1];
        size_t cut = next_chart_line(d, len, from, n);
        if (!cut) break;
        cuts[ncuts++] = cut;
    }
    *body = entries_end;
    return ncuts;
}

/* Whether no line that starts in d[from..to) (but at from) starts at
 * column 0: the text before a cut is all under `entries:`. */
static bool all_indented(const char *d, size_t from, size_t to) {
    for (const char *q = memchr(d + from, '\n', to - from); q && (size_t)(q - d) + 1 < to;
         q = memchr(q + 1, '\n', to - (size_t)(q - d) - 1)) {
        char c = q[1];
        if (c != ' ' && c != '\n') return false;
    }
    return true;
}

/* ---- the pieces, on a crew of threads ---- */

typedef struct piece {
    fp p;
    const char *data;
    size_t len;
    size_t check_from; /* data[check_from..len) must be all_indented (SIZE_MAX: no check) */
    kz_repo_index idx; /* initialised when taken */
    bool taken, ok;
} piece;

typedef struct crew {
    piece *pieces;
    size_t n;
    const char *source;
    atomic_size_t next; /* the next piece to take */
    atomic_bool failed; /* a piece gave up: the others are not worth parsing */
} crew;

/* One thread of the crew. Its pieces share its pool: one intern table and
 * one string chunk being filled per thread, not per piece.
 *
 * Whatever a thread allocates while parsing, it allocates itself (its
 * pool, its pieces' indexes): glibc gives each thread an arena of its own,
 * but a block freed or grown by another thread than the one that made it
 * takes the lock of the maker's arena. Blocks of the main thread's arena
 * in a worker's hands made both threads fight over that lock for every
 * scalar (a third more CPU time on two threads). */
typedef struct worker {
    crew *crew;
    kz_repo_pool *pool;
} worker;

/* Take pieces until none is left. Each piece's versions are sorted here,
 * on the crew, rather than after the join on one thread. */
static void *crew_work(void *arg) {
    worker *w = arg;
    crew *c = w->crew;
    w->pool = kz_repo_pool_new();
    for (;;) {
        size_t i = atomic_fetch_add(&c->next, 1);
        if (i >= c->n || atomic_load(&c->failed)) return NULL;
        piece *pc = &c->pieces[i];
        kz_repo_index_init(&pc->idx);
        pc->taken = true;
        kz_repo_pool *own = pc->idx.pool;
        pc->idx.pool = w->pool;
        /* the first piece starts the document; the others are charts under
         * an `entries:` of their own */
        pc->ok = (pc->check_from == SIZE_MAX || all_indented(pc->data, pc->check_from, pc->len)) &&
                 parse_piece(&pc->p, i ? "entries:\n" : NULL, pc->data, pc->len, c->source, &pc->idx);
        if (pc->ok) kz_repo_index_sort(&pc->idx);
        else atomic_store(&c->failed, true);
        pc->idx.pool = own; /* the worker's pool is joined once, at the end */
    }
}

/* Move b's charts after a's (their strings live in the workers' pools);
 * false on a chart or top key in both. *a_top gains b's top keys. */
static bool join(kz_repo_index *a, uint32_t *a_top, kz_repo_index *b, uint32_t b_top) {
    if (*a_top & b_top & ~2u) return false;
    for (size_t i = 0; i < b->len; i++)
        if (kz_map_getz(&a->lookup, b->charts[i].name)) return false;
    for (size_t i = 0; i < b->len; i++) {
        kz_repo_chart *c = kz_repo_index_chart_slot(a, b->charts[i].name, strlen(b->charts[i].name));
        c->v = b->charts[i].v;
        c->len = b->charts[i].len;
        c->cap = b->charts[i].cap;
        b->charts[i].v = NULL;
        b->charts[i].len = 0;
    }
    if (b_top & 1) {
        free(a->api_version);
        a->api_version = b->api_version;
        b->api_version = kz_xstrdup("");
    }
    if (b_top & 4) {
        kz_free(a->generated);
        a->generated = b->generated;
        b->generated = kz_invalid();
    }
    *a_top |= b_top;
    return true;
}

/* data cut before each of cuts[0..ncuts), parsed on up to `threads`
 * threads (this one included) and joined in order into idx. */
static bool parse_pieces(const char *data, size_t len, const size_t *cuts, size_t ncuts, size_t body,
                         unsigned threads, const char *source, kz_repo_index *idx, kz_buf *warnings) {
    crew c = {.n = ncuts + 1, .source = source};
    atomic_init(&c.next, 0);
    atomic_init(&c.failed, false);
    c.pieces = kz_xcalloc(c.n, sizeof *c.pieces);
    for (size_t i = 0; i < c.n; i++) {
        size_t from = i ? cuts[i - 1] : 0, to = i < ncuts ? cuts[i] : len;
        c.pieces[i].data = data + from;
        c.pieces[i].len = to - from;
        c.pieces[i].check_from = i == ncuts ? SIZE_MAX : i ? 0 : body;
    }
    if (threads > c.n) threads = (unsigned)c.n;
    pthread_t *tids = kz_xcalloc(threads, sizeof *tids);
    worker *w = kz_xcalloc(threads, sizeof *w);
    for (unsigned i = 0; i < threads; i++) w[i] = (worker){&c, NULL};
    unsigned started = 0;
    while (started + 1 < threads && pthread_create(&tids[started], NULL, crew_work, &w[started + 1]) == 0)
        started++;
    crew_work(&w[0]);
    for (unsigned i = 0; i < started; i++) pthread_join(tids[i], NULL);
    free(tids);
    bool ok = !atomic_load(&c.failed);
    for (size_t i = 0; i < c.n; i++) ok = ok && c.pieces[i].taken;
    uint32_t top = c.pieces[0].p.top_seen;
    for (size_t i = 1; ok && i < c.n; i++) ok = join(&c.pieces[0].idx, &top, &c.pieces[i].idx, c.pieces[i].p.top_seen);
    if (ok) {
        kz_repo_index_free(idx);
        *idx = c.pieces[0].idx;
        kz_repo_index_init(&c.pieces[0].idx);
        for (unsigned i = 0; i < threads; i++) {
            if (w[i].pool) kz_repo_pool_absorb(idx->pool, w[i].pool); /* (NULL: never started) */
            w[i].pool = NULL;
        }
        for (size_t i = 0; warnings && i < c.n; i++)
            kz_buf_append(warnings, c.pieces[i].p.warnings.data ? c.pieces[i].p.warnings.data : "",
                          c.pieces[i].p.warnings.len);
    }
    for (size_t i = 0; i < c.n; i++) {
        if (!c.pieces[i].taken) continue;
        kz_buf_free(&c.pieces[i].p.warnings);
        kz_repo_index_free(&c.pieces[i].idx);
    }
    for (unsigned i = 0; i < threads; i++) kz_repo_pool_free(w[i].pool);
    free(w);
    free(c.pieces);
    return ok;
}

/* Pieces per thread: more pieces than threads, so that a thread that is
 * done early takes another one instead of waiting for the slowest. */
#define PIECES_PER_THREAD 16
/* No piece smaller than this: a piece costs a parser and a pool. */
#define MIN_PIECE (1u << 20)
#define MAX_THREADS 8

int kz_repo_index_parse_fast_ex(const char *data, size_t len, const char *source, kz_repo_index *idx,
                                kz_buf *warnings, unsigned max_threads, unsigned pieces) {
    unsigned threads = 1;
    if (max_threads != 1) {
        unsigned cores = kz_cpu_count();
        if (max_threads >= 2) threads = max_threads;
        else if (cores >= 2 && len >= 4u * 1024 * 1024) threads = cores;
        if (threads > MAX_THREADS) threads = MAX_THREADS;
    }
    if (threads > 1) {
        size_t k = pieces ? pieces : threads * PIECES_PER_THREAD;
        if (!pieces && max_threads == 0 && k > len / MIN_PIECE) k = len / MIN_PIECE;
        if (k < 2) k = 2;
        size_t *cuts = kz_xmalloc((k - 1) * sizeof *cuts);
        size_t body = 0;
        size_t ncuts = find_cuts(data, len, k, cuts, &body);
        bool ok = ncuts && parse_pieces(data, len, cuts, ncuts, body, threads, source, idx, warnings);
        free(cuts);
        if (ok) {
            idx->loaded_from = 1;
            return 1;
        }
        kz_repo_index_free(idx);
        kz_repo_index_init(idx);
    }
    fp p;
    bool ok = parse_piece(&p, NULL, data, len, source, idx);
    if (ok && warnings) kz_buf_append(warnings, p.warnings.data ? p.warnings.data : "", p.warnings.len);
    kz_buf_free(&p.warnings);
    if (!ok) {
        kz_repo_index_free(idx);
        kz_repo_index_init(idx);
        return 0;
    }
    idx->loaded_from = 0;
    return 1;
}

int kz_repo_index_parse_fast(const char *data, size_t len, const char *source, kz_repo_index *idx,
                             kz_buf *warnings, unsigned max_threads) {
    return kz_repo_index_parse_fast_ex(data, len, source, idx, warnings, max_threads, 0);
}

/* ---- duplicate keys, as go-yaml v2's strict decoding finds them ---- */

typedef struct dkey {
    int cls; /* kz_scalar_class, or -1 for an alias */
    kz_scalar r;
    char *text;
    size_t len;
} dkey;

typedef struct dctx {
    yaml_parser_t parser;
    yaml_event_t ev;
    bool have, broken;
    kz_buf errs;
    size_t nerrs;
} dctx;

static bool dnext(dctx *d) {
    if (d->have) yaml_event_delete(&d->ev);
    d->have = false;
    if (d->broken) return false;
    if (!yaml_parser_parse(&d->parser, &d->ev)) {
        d->broken = true;
        return false;
    }
    d->have = true;
    if (d->ev.type == YAML_NO_EVENT) { /* libyaml's answer after an error */
        d->broken = true;
        return false;
    }
    return true;
}

static bool is_str_tag(const unsigned char *tag) {
    return tag && (!strcmp((const char *)tag, "tag:yaml.org,2002:str") || !strcmp((const char *)tag, "!!str"));
}

static bool same_key(const dkey *a, const dkey *b) {
    if (a->cls != b->cls) return false;
    switch (a->cls) {
    case KZ_SC_STRING:
    case -1: return a->len == b->len && memcmp(a->text, b->text, a->len) == 0;
    case KZ_SC_NULL: return true;
    case KZ_SC_BOOL: return a->r.b == b->r.b;
    case KZ_SC_INT: return a->r.i == b->r.i;
    case KZ_SC_UINT: return a->r.u == b->r.u;
    case KZ_SC_FLOAT: return a->r.f == b->r.f;
    default: return false;
    }
}

/* %#v of the key */
static void key_text(kz_buf *b, const dkey *k) {
    switch (k->cls) {
    case KZ_SC_NULL: kz_buf_puts(b, "<nil>"); break;
    case KZ_SC_BOOL: kz_buf_puts(b, k->r.b ? "true" : "false"); break;
    case KZ_SC_INT: kz_buf_printf(b, "%lld", (long long)k->r.i); break;
    case KZ_SC_UINT: kz_buf_printf(b, "0x%llx", (unsigned long long)k->r.u); break;
    case KZ_SC_FLOAT: kz_buf_printf(b, "%g", k->r.f); break;
    default: kz_fmt_quote(b, k->text, k->len, false); break;
    }
}

static void dwalk(dctx *d);

/* The current event starts a mapping: its pairs, then its end. */
static void dmap(dctx *d) {
    dkey *keys = NULL;
    size_t n = 0, cap = 0;
    for (;;) {
        if (!dnext(d)) break;
        if (d->ev.type == YAML_MAPPING_END_EVENT) break;
        dkey k = {KZ_SC_STRING, {0}, NULL, 0};
        bool merge = false, usable = true;
        if (d->ev.type == YAML_SCALAR_EVENT) {
            const char *s = (const char *)d->ev.data.scalar.value;
            size_t sl = d->ev.data.scalar.length;
            k.text = kz_xstrndup(s, sl);
            k.len = sl;
            if (d->ev.data.scalar.style == YAML_PLAIN_SCALAR_STYLE && !is_str_tag(d->ev.data.scalar.tag)) {
                k.r = kz_yaml_resolve_plain(s, sl, KZ_YAML_HELM);
                k.cls = (int)k.r.cls;
                if (k.r.cls == KZ_SC_MERGE) merge = true;
                if (k.r.cls == KZ_SC_FLOAT && isnan(k.r.f)) usable = false;
            }
        } else if (d->ev.type == YAML_ALIAS_EVENT) {
            k.cls = -1;
            k.text = kz_xstrdup((const char *)d->ev.data.alias.anchor);
            k.len = strlen(k.text);
        } else {
            usable = false;
            dwalk(d); /* a collection as a key: lib/yaml's error, not ours */
        }
        if (d->broken || !dnext(d)) {
            free(k.text);
            break;
        }
        size_t line = d->ev.start_mark.line + 1;
        dwalk(d);
        if (merge || !usable) {
            free(k.text);
            continue;
        }
        bool dup = false;
        for (size_t i = 0; i < n && !dup; i++) dup = same_key(&keys[i], &k);
        if (dup) {
            kz_buf_printf(&d->errs, "\n  line %zu: key ", line);
            key_text(&d->errs, &k);
            kz_buf_puts(&d->errs, " already set in map");
            d->nerrs++;
            free(k.text);
            continue;
        }
        if (n == cap) {
            cap = kz_grow_cap(cap, n + 1);
            keys = kz_xrealloc(keys, cap * sizeof *keys);
        }
        keys[n++] = k;
    }
    for (size_t i = 0; i < n; i++) free(keys[i].text);
    free(keys);
}

/* The node at the current event, consumed. */
static void dwalk(dctx *d) {
    if (d->ev.type == YAML_MAPPING_START_EVENT) {
        dmap(d);
    } else if (d->ev.type == YAML_SEQUENCE_START_EVENT) {
        while (dnext(d) && d->ev.type != YAML_SEQUENCE_END_EVENT) dwalk(d);
    }
}

kz_value kz_repo_yaml_duplicates(const char *data, size_t len) {
    dctx d;
    memset(&d, 0, sizeof d);
    yaml_parser_initialize(&d.parser);
    yaml_parser_set_input_string(&d.parser, (const unsigned char *)data, len);
    if (dnext(&d) && d.ev.type == YAML_STREAM_START_EVENT && dnext(&d) &&
        d.ev.type == YAML_DOCUMENT_START_EVENT && dnext(&d))
        dwalk(&d);
    if (d.have) yaml_event_delete(&d.ev);
    yaml_parser_delete(&d.parser);
    kz_value r = kz_null();
    if (d.nerrs && !d.broken) r = kz_error("yaml: unmarshal errors:%s", kz_buf_cstr(&d.errs));
    kz_buf_free(&d.errs);
    return r;
}
