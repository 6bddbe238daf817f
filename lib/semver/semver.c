/*
 * Masterminds/semver v3.3.0 behaviour, rebuilt from its documented grammar and
 * observed with helm v3.17 (tests/golden/semver/).
 *
 * A version is scanned by hand (scan_version: it is the hot path); the
 * constraint grammar is expressed as regexes matched with PCRE2, leftmost-first
 * like Masterminds' Go regexps (and `$` only at the very end, as in Go).
 * Whitespace is spelled [ \t\n\f\r], Go's \s.
 */
#include "semver/semver.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/buf.h"

#define WS "[ \t\n\f\r]"
/* A constraint's version: 9 groups, wildcards allowed (and, as upstream, '|'). */
#define CV_RE                                                                           \
    "v?([0-9|xX*]+)(\\.[0-9|xX*]+)?(\\.[0-9|xX*]+)?(-([0-9A-Za-z-]+(\\.[0-9A-Za-z-]+)*))?" \
    "(\\+([0-9A-Za-z-]+(\\.[0-9A-Za-z-]+)*))?"
#define OPS_RE "(=|!=|>|<|>=|=>|<=|=<|~|~>|\\^)?"
#define CONSTRAINT_RE "^" WS "*" OPS_RE WS "*(" CV_RE ")" WS "*$"
#define FIND_RE OPS_RE WS "*(" CV_RE ")"
#define RANGE_RE WS "*(" CV_RE ")" WS "+-" WS "+(" CV_RE ")" WS "*"
#define VALID_RE                                                                        \
    "^(" WS "*" OPS_RE WS "*(" CV_RE ")" WS "*)((" WS "+|," WS "*)" OPS_RE WS "*(" CV_RE \
    ")" WS "*)*$"

#define MAX_GROUPS 24

/* ---------------------------------------------------------------- helpers */

/* The compiled patterns, made once and shared: PCRE2 code is read-only
 * while matching, each match has its own match data. */
enum { RE_CONSTRAINT, RE_FIND, RE_RANGE, RE_VALID, RE_COUNT };
static pcre2_code *compiled[RE_COUNT];
static pthread_once_t compiled_once = PTHREAD_ONCE_INIT;

/* All at once, on the first constraint (a process that only parses versions
 * never pays for them). */
static void compile_all(void) {
    static const char *const patterns[RE_COUNT] = {
        [RE_CONSTRAINT] = CONSTRAINT_RE, [RE_FIND] = FIND_RE, [RE_RANGE] = RANGE_RE,
        [RE_VALID] = VALID_RE};
    for (int i = 0; i < RE_COUNT; i++) {
        int code;
        PCRE2_SIZE at;
        compiled[i] = pcre2_compile((PCRE2_SPTR)patterns[i], PCRE2_ZERO_TERMINATED, PCRE2_DOLLAR_ENDONLY,
                                    &code, &at, NULL);
        /* The patterns are constants: failing to compile them is a programming error. */
        if (!compiled[i]) abort();
    }
}

/* A group's span in the subject; so = eo = -1 when it took no part. */
typedef struct match_span {
    long rm_so, rm_eo;
} group_span;

#define NOTBOL PCRE2_NOTBOL

/* Match pattern `which` against the NUL-terminated text, filling m[0..MAX_GROUPS)
 * (m may be NULL). 0 on a match, like regexec. */
static int re_exec(int which, const char *text, group_span *m, uint32_t flags) {
    pthread_once(&compiled_once, compile_all);
    pcre2_match_data *md = pcre2_match_data_create(MAX_GROUPS, NULL);
    int rc = pcre2_match(compiled[which], (PCRE2_SPTR)text, strlen(text), 0, flags, md, NULL);
    if (rc >= 0 && m) {
        PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
        uint32_t pairs = pcre2_get_ovector_count(md);
        for (uint32_t g = 0; g < MAX_GROUPS; g++) {
            bool set = g < pairs && ov[2 * g] != PCRE2_UNSET;
            m[g].rm_so = set ? (long)ov[2 * g] : -1;
            m[g].rm_eo = set ? (long)ov[2 * g + 1] : -1;
        }
    }
    pcre2_match_data_free(md);
    return rc >= 0 ? 0 : 1;
}

static bool group_empty(const group_span *m, int g) {
    return m[g].rm_so < 0 || m[g].rm_eo == m[g].rm_so;
}

static bool all_digits(const char *s, size_t n) {
    if (n == 0) return false;
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9') return false;
    return true;
}

/* strconv.ParseUint(s, 10, 64) for a digit string; false on overflow. */
static bool parse_u64(const char *s, size_t n, uint64_t *out) {
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned d = (unsigned)(s[i] - '0');
        if (v > (UINT64_MAX - d) / 10) return false;
        v = v * 10 + d;
    }
    *out = v;
    return true;
}

/* ---------------------------------------------------------------- versions */

/* Numeric prerelease identifiers with a leading zero are rejected. */
static kz_value validate_prerelease(const char *pre) {
    const char *p = pre;
    while (*p) {
        size_t len = strcspn(p, ".");
        if (len > 1 && p[0] == '0' && all_digits(p, len))
            return kz_error("Version segment starts with 0");
        p += len;
        if (*p == '.') p++;
    }
    return kz_null();
}

static bool is_ident_char(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-';
}

/* Dot-separated identifiers of [0-9A-Za-z-]+ from s[*i]; false if one is empty. */
static bool scan_identifiers(const char *s, size_t n, size_t *i) {
    for (;;) {
        size_t start = *i;
        while (*i < n && is_ident_char(s[*i])) (*i)++;
        if (*i == start) return false;
        if (*i == n || s[*i] != '.') return true;
        (*i)++;
    }
}

static size_t scan_digits(const char *s, size_t n, size_t i) {
    while (i < n && s[i] >= '0' && s[i] <= '9') i++;
    return i;
}

/* The version grammar (VERSION_RE above) matched by hand: it is parsed for
 * every chart and every entry of a repository index (100,000 in a big one),
 * where glibc's regexec would dominate. Spans are [start, end) offsets; a
 * missing part has start == end. */
typedef struct version_spans {
    size_t major[2], minor[2], patch[2], pre[2], meta[2];
} version_spans;

static bool scan_version(const char *s, size_t n, version_spans *sp) {
    *sp = (version_spans){0};
    size_t i = (n > 0 && s[0] == 'v') ? 1 : 0;
    size_t *parts[3] = {sp->major, sp->minor, sp->patch};
    for (int k = 0; k < 3; k++) {
        if (k > 0) {
            if (i == n || s[i] != '.') {
                parts[k][0] = parts[k][1] = i;
                continue;
            }
            i++;
        }
        size_t end = scan_digits(s, n, i);
        if (end == i) return false;
        parts[k][0] = i;
        parts[k][1] = i = end;
    }
    if (i < n && s[i] == '-') {
        sp->pre[0] = ++i;
        if (!scan_identifiers(s, n, &i)) return false;
        sp->pre[1] = i;
    }
    if (i < n && s[i] == '+') {
        sp->meta[0] = ++i;
        if (!scan_identifiers(s, n, &i)) return false;
        sp->meta[1] = i;
    }
    return i == n;
}

static kz_value parse_span(const char *s, const size_t span[2], uint64_t *out) {
    *out = 0;
    size_t n = span[1] - span[0];
    if (n == 0) return kz_null();
    if (!parse_u64(s + span[0], n, out))
        return kz_error("Error parsing version segment: strconv.ParseUint: parsing \"%.*s\": "
                        "value out of range",
                        (int)n, s + span[0]);
    return kz_null();
}

kz_value kz_semver_parse(const char *s, size_t n, kz_semver *out) {
    *out = (kz_semver){0};
    version_spans sp;
    if (!scan_version(s, n, &sp)) return kz_error("Invalid Semantic Version");
    kz_semver v = {.prerelease = kz_xstrndup(s + sp.pre[0], sp.pre[1] - sp.pre[0]),
                   .metadata = kz_xstrndup(s + sp.meta[0], sp.meta[1] - sp.meta[0]),
                   .original = kz_xstrndup(s, n)};
    /* Masterminds' order: the numbers first, then the prerelease. */
    kz_value err = parse_span(s, sp.major, &v.major);
    if (kz_is_null(&err)) err = parse_span(s, sp.minor, &v.minor);
    if (kz_is_null(&err)) err = parse_span(s, sp.patch, &v.patch);
    if (kz_is_null(&err)) err = validate_prerelease(v.prerelease);
    if (!kz_is_null(&err)) {
        kz_semver_free(&v);
        return err;
    }
    *out = v;
    return kz_null();
}

void kz_semver_free(kz_semver *v) {
    if (!v) return;
    free(v->prerelease);
    free(v->metadata);
    free(v->original);
    *v = (kz_semver){0};
}

char *kz_semver_string(const kz_semver *v) {
    kz_buf b = KZ_BUF_INIT;
    char num[80];
    snprintf(num, sizeof num, "%llu.%llu.%llu", (unsigned long long)v->major,
             (unsigned long long)v->minor, (unsigned long long)v->patch);
    kz_buf_puts(&b, num);
    if (v->prerelease && *v->prerelease) {
        kz_buf_putc(&b, '-');
        kz_buf_puts(&b, v->prerelease);
    }
    if (v->metadata && *v->metadata) {
        kz_buf_putc(&b, '+');
        kz_buf_puts(&b, v->metadata);
    }
    return kz_buf_detach(&b, NULL);
}

static int cmp_u64(uint64_t a, uint64_t b) { return a < b ? -1 : a > b; }

/* One dot-separated prerelease identifier; "" (absent) sorts first. Numbers
 * (that fit uint64) sort before alphanumerics and compare numerically. */
static int compare_identifier(const char *a, size_t an, const char *b, size_t bn) {
    if (an == bn && memcmp(a, b, an) == 0) return 0;
    if (an == 0) return -1;
    if (bn == 0) return 1;
    uint64_t ai = 0, bi = 0;
    bool a_num = all_digits(a, an) && parse_u64(a, an, &ai);
    bool b_num = all_digits(b, bn) && parse_u64(b, bn, &bi);
    if (a_num && b_num) return ai > bi ? 1 : -1;
    if (a_num) return -1;
    if (b_num) return 1;
    int c = memcmp(a, b, an < bn ? an : bn);
    if (c != 0) return c > 0 ? 1 : -1;
    return an > bn ? 1 : -1;
}

static int compare_prerelease(const char *a, const char *b) {
    for (;;) {
        size_t an = strcspn(a, "."), bn = strcspn(b, ".");
        int c = compare_identifier(a, an, b, bn);
        if (c != 0) return c;
        a += an;
        b += bn;
        if (!*a && !*b) return 0;
        if (*a) a++;
        if (*b) b++;
    }
}

int kz_semver_compare(const kz_semver *a, const kz_semver *b) {
    int c = cmp_u64(a->major, b->major);
    if (c == 0) c = cmp_u64(a->minor, b->minor);
    if (c == 0) c = cmp_u64(a->patch, b->patch);
    if (c != 0) return c;
    bool a_pre = a->prerelease && *a->prerelease, b_pre = b->prerelease && *b->prerelease;
    if (!a_pre && !b_pre) return 0;
    if (!a_pre) return 1;
    if (!b_pre) return -1;
    return compare_prerelease(a->prerelease, b->prerelease);
}

/* ------------------------------------------------------------- constraints */

/* kz_semver_constraint_parse_regexes: the patterns alone, for the tests. */
static _Thread_local bool regexes_only;

typedef enum op { OP_TILDE_OR_EQ, OP_NE, OP_GT, OP_LT, OP_GE, OP_LE, OP_TILDE, OP_CARET } op;

typedef struct item {
    op op;
    kz_semver con;   /* wildcards replaced by 0 */
    bool dirty;      /* some part was a wildcard or missing */
    bool minor_dirty, patch_dirty;
} item;

typedef struct and_group {
    item *items;
    size_t count;
} and_group;

struct kz_semver_constraint {
    and_group *ors;
    size_t count;
};

static bool is_x(const char *s, size_t n) {
    return n == 1 && (*s == 'x' || *s == 'X' || *s == '*');
}

static op op_of(const char *s, size_t n) {
    static const struct { const char *text; op op; } ops[] = {
        {"!=", OP_NE}, {">=", OP_GE}, {"=>", OP_GE}, {"<=", OP_LE}, {"=<", OP_LE},
        {"~>", OP_TILDE}, {">", OP_GT}, {"<", OP_LT}, {"~", OP_TILDE}, {"^", OP_CARET}};
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++)
        if (strlen(ops[i].text) == n && memcmp(ops[i].text, s, n) == 0) return ops[i].op;
    return OP_TILDE_OR_EQ; /* "" and "=" */
}

/* The pieces of one version in a constraint. */
typedef struct plain_cv {
    const char *start, *major, *minor, *patch, *pre; /* minor/patch/pre NULL when absent */
    size_t len, major_n, minor_n, patch_n, pre_n;      /* pre: with its '-' */
} plain_cv;

/* An item from its operator and version. Wildcards and missing parts become
 * 0 and mark the item dirty; the base version is then re-parsed without "v"
 * or metadata, as upstream does. */
static kz_value plain_item(const char *op_text, size_t op_n, const plain_cv *cv, item *out) {
    *out = (item){.op = op_of(op_text, op_n)};
    kz_buf ver = KZ_BUF_INIT;
    int pre_n = cv->pre ? (int)cv->pre_n : 0;
    const char *pre = cv->pre ? cv->pre : "";
    if (is_x(cv->major, cv->major_n)) {
        out->dirty = true;
        kz_buf_printf(&ver, "0.0.0%.*s", pre_n, pre);
    } else if (!cv->minor || is_x(cv->minor, cv->minor_n)) {
        out->dirty = out->minor_dirty = true;
        kz_buf_printf(&ver, "%.*s.0.0%.*s", (int)cv->major_n, cv->major, pre_n, pre);
    } else if (!cv->patch || is_x(cv->patch, cv->patch_n)) {
        out->dirty = out->patch_dirty = true;
        kz_buf_printf(&ver, "%.*s.%.*s.0%.*s", (int)cv->major_n, cv->major, (int)cv->minor_n, cv->minor, pre_n,
                      pre);
    } else {
        kz_buf_append(&ver, cv->start, cv->len);
    }
    size_t len;
    char *v = kz_buf_detach(&ver, &len);
    kz_value err = kz_semver_parse(v, len, &out->con);
    free(v);
    if (!kz_is_null(&err)) {
        kz_free(err);
        return kz_error("constraint Parser Error");
    }
    return kz_null();
}

/* Group g of a match on text: its start and length (NULL when absent or
 * empty), without the leading byte if skip_dot. */
static const char *group_at(const char *text, const group_span *m, int g, bool skip_dot, size_t *n) {
    if (group_empty(m, g)) {
        *n = 0;
        return NULL;
    }
    *n = (size_t)(m[g].rm_eo - m[g].rm_so) - skip_dot;
    return text + m[g].rm_so + skip_dot;
}

/* One "OP VERSION" (text NUL-terminated), read with the pattern. */
static kz_value parse_item(const char *text, item *out) {
    group_span m[MAX_GROUPS];
    int rc = re_exec(RE_CONSTRAINT, text, m, 0);
    if (rc != 0) return kz_error("improper constraint: %s", text);
    size_t op_n;
    const char *op_text = group_at(text, m, 1, false, &op_n);
    plain_cv cv = {.start = text + m[2].rm_so, .len = (size_t)(m[2].rm_eo - m[2].rm_so)};
    cv.major = group_at(text, m, 3, false, &cv.major_n);
    cv.minor = group_at(text, m, 4, true, &cv.minor_n);
    cv.patch = group_at(text, m, 5, true, &cv.patch_n);
    cv.pre = group_at(text, m, 6, false, &cv.pre_n);
    return plain_item(op_text ? op_text : "", op_n, &cv, out);
}

/* Replace hyphen ranges "A - B" by ">= A, <= B " (sic: trailing space): each match of RANGE_RE, in
 * turn, replaces the first occurrence of its text in the string so far. */
static bool is_ws(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r'; }

/* Whether RANGE_RE can match at all: it needs a '-' between white space.
 * Most constraints have none, and the pattern is the costliest of the four
 * to run (a tenth of a millisecond per semverCompare in a chart). */
static bool may_have_range(const char *in) {
    for (const char *p = strchr(in, '-'); p; p = strchr(p + 1, '-'))
        if (p > in && is_ws(p[-1]) && is_ws(p[1])) return true;
    return false;
}

static char *rewrite_ranges(const char *in) {
    char *s = kz_xstrdup(in);
    if (!may_have_range(in)) return s;
    group_span m[MAX_GROUPS];
    size_t pos = 0;
    char **found = NULL, **repl = NULL;
    size_t nfound = 0;
    while (in[pos] && re_exec(RE_RANGE, in + pos, m, pos ? NOTBOL : 0) == 0) {
        const char *base = in + pos;
        found = kz_xrealloc(found, (nfound + 1) * sizeof *found);
        repl = kz_xrealloc(repl, (nfound + 1) * sizeof *repl);
        found[nfound] = kz_xstrndup(base + m[0].rm_so, (size_t)(m[0].rm_eo - m[0].rm_so));
        kz_buf r = KZ_BUF_INIT;
        kz_buf_printf(&r, ">= %.*s, <= %.*s ", (int)(m[1].rm_eo - m[1].rm_so), base + m[1].rm_so,
                      (int)(m[11].rm_eo - m[11].rm_so), base + m[11].rm_so);
        repl[nfound++] = kz_buf_detach(&r, NULL);
        pos += (size_t)m[0].rm_eo;
    }
    for (size_t i = 0; i < nfound; i++) {
        char *at = strstr(s, found[i]);
        if (at) {
            kz_buf r = KZ_BUF_INIT;
            kz_buf_append(&r, s, (size_t)(at - s));
            kz_buf_puts(&r, repl[i]);
            kz_buf_puts(&r, at + strlen(found[i]));
            free(s);
            s = kz_buf_detach(&r, NULL);
        }
        free(found[i]);
        free(repl[i]);
    }
    free(found);
    free(repl);
    return s;
}

/* ---- constraints without regexes ----
 *
 * Nearly every constraint a chart holds is plain: "1.2.3", ">=1.14-0",
 * "~2.5.x", ">= 1.0, < 2". For those the patterns above always split and
 * read the text the same way, and matching them (and compiling them, once)
 * cost a quarter of a millisecond per `hm template` of a chart with a
 * dependency and a few semverCompare calls. A plain alternative is read by
 * hand here; anything else (a '|' in a number, "1x", "V1", stray
 * characters, an empty alternative) goes to the patterns, which give the
 * error or the odd reading Masterminds' regexes give. tests/unit/test_semver.c
 * checks the two readings agree on generated constraints. */

static bool is_alnum_dash(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-';
}

/* An operator at s: its length (0 for none). The longest one: where a
 * shorter one is a prefix (">" of ">="), the next byte can't start a
 * version, so the patterns' leftmost-first choice ends the same way. */
static size_t scan_op(const char *s) {
    static const char *const two[] = {"!=", ">=", "=>", "<=", "=<", "~>"};
    for (size_t i = 0; i < sizeof two / sizeof two[0]; i++)
        if (s[0] == two[i][0] && s[1] == two[i][1]) return 2;
    return s[0] == '=' || s[0] == '>' || s[0] == '<' || s[0] == '~' || s[0] == '^';
}

/* A version part: digits, or a lone wildcard (x, X, *). Its length, 0 if
 * it is neither. */
static size_t scan_num_or_x(const char *s) {
    size_t n = 0;
    while (s[n] >= '0' && s[n] <= '9') n++;
    if (n) return n;
    return (s[0] == 'x' || s[0] == 'X' || s[0] == '*') ? 1 : 0;
}

/* Dot-separated identifiers of [0-9A-Za-z-] after a '-' or '+': length, 0
 * if there is none. */
static size_t scan_idents(const char *s) {
    size_t n = 0;
    for (;;) {
        size_t k = 0;
        while (is_alnum_dash(s[n + k])) k++;
        if (!k) return 0;
        n += k;
        if (s[n] != '.') return n;
        n++;
    }
}

static bool scan_plain_cv(const char *s, plain_cv *cv) {
    *cv = (plain_cv){.start = s};
    size_t i = s[0] == 'v';
    cv->major = s + i;
    if (!(cv->major_n = scan_num_or_x(s + i))) return false;
    i += cv->major_n;
    if (s[i] == '.') {
        size_t k = scan_num_or_x(s + i + 1);
        if (!k) return false;
        cv->minor = s + i + 1, cv->minor_n = k, i += k + 1;
        if (s[i] == '.') {
            k = scan_num_or_x(s + i + 1);
            if (!k) return false;
            cv->patch = s + i + 1, cv->patch_n = k, i += k + 1;
        }
    }
    if (s[i] == '-') {
        size_t k = scan_idents(s + i + 1);
        if (!k) return false;
        cv->pre = s + i, cv->pre_n = k + 1, i += k + 1;
    }
    if (s[i] == '+') {
        size_t k = scan_idents(s + i + 1);
        if (!k) return false;
        i += k + 1;
    }
    /* a version ends at white space, a comma or the end; "1.2.3.4" or
     * "1.2a" are not plain */
    if (s[i] && !is_ws(s[i]) && s[i] != ',') return false;
    cv->len = i;
    return true;
}

/* One item of a plain alternative, as scanned. */
typedef struct plain_span {
    const char *op;
    size_t op_n;
    plain_cv cv;
} plain_span;

/* The items of a plain alternative, separated by white space or a comma:
 * false when it is not plain. Like the patterns, the whole alternative is
 * checked before any item's version is parsed (an invalid alternative is
 * "improper" even where an earlier version would not parse). */
static bool scan_plain_group(const char *seg, plain_span **spans, size_t *count) {
    *spans = NULL;
    *count = 0;
    const char *p = seg;
    while (is_ws(*p)) p++;
    if (!*p) return false;
    for (;;) {
        plain_span sp = {.op = p, .op_n = scan_op(p)};
        const char *q = p + sp.op_n;
        while (is_ws(*q)) q++;
        if (!scan_plain_cv(q, &sp.cv)) break;
        *spans = kz_xrealloc(*spans, (*count + 1) * sizeof **spans);
        (*spans)[(*count)++] = sp;
        p = q + sp.cv.len;
        while (is_ws(*p)) p++;
        if (!*p) return true;
        if (*p == ',') {
            p++;
            while (is_ws(*p)) p++;
            if (!*p) break; /* a trailing comma */
        }
    }
    free(*spans);
    *spans = NULL;
    return false;
}

/* The items of a plain alternative, parsed: true with *err set (an item's
 * version may not parse), false (nothing kept) when it is not plain. */
static bool parse_plain_group(const char *seg, and_group *out, kz_value *err) {
    *out = (and_group){0};
    *err = kz_null();
    plain_span *spans;
    size_t n;
    if (!scan_plain_group(seg, &spans, &n)) return false;
    out->items = kz_xcalloc(n, sizeof *out->items);
    for (size_t i = 0; i < n && kz_is_null(err); i++) {
        *err = plain_item(spans[i].op, spans[i].op_n, &spans[i].cv, &out->items[i]);
        if (kz_is_null(err)) out->count++;
    }
    free(spans);
    return true;
}

/* One "||" alternative: validated as a whole, then split into items. */
static kz_value parse_and_group(const char *seg, and_group *out) {
    kz_value plain_err;
    if (!regexes_only && parse_plain_group(seg, out, &plain_err)) return plain_err;
    *out = (and_group){0};
    int rc = re_exec(RE_VALID, seg, NULL, 0);
    if (rc != 0) return kz_error("improper constraint: %s", seg);
    group_span m[MAX_GROUPS];
    size_t pos = 0;
    kz_value err = kz_null();
    while (seg[pos] && re_exec(RE_FIND, seg + pos, m, pos ? NOTBOL : 0) == 0) {
        char *text = kz_xstrndup(seg + pos + m[0].rm_so, (size_t)(m[0].rm_eo - m[0].rm_so));
        out->items = kz_xrealloc(out->items, (out->count + 1) * sizeof *out->items);
        err = parse_item(text, &out->items[out->count]);
        free(text);
        if (!kz_is_null(&err)) break;
        out->count++;
        pos += (size_t)(m[0].rm_eo > 0 ? m[0].rm_eo : 1);
    }
    return err;
}

kz_value kz_semver_constraint_parse(const char *s, size_t n, kz_semver_constraint **out) {
    *out = NULL;
    if (memchr(s, '\0', n)) return kz_error("improper constraint: %.*s", (int)n, s);
    char *input = kz_xstrndup(s, n);
    char *text = rewrite_ranges(input);
    free(input);
    kz_semver_constraint *c = kz_xcalloc(1, sizeof *c);
    kz_value err = kz_null();
    const char *seg = text;
    for (;;) {
        const char *bar = strstr(seg, "||");
        size_t len = bar ? (size_t)(bar - seg) : strlen(seg);
        char *part = kz_xstrndup(seg, len);
        c->ors = kz_xrealloc(c->ors, (c->count + 1) * sizeof *c->ors);
        err = parse_and_group(part, &c->ors[c->count++]);
        free(part);
        if (!kz_is_null(&err) || !bar) break;
        seg = bar + 2;
    }
    free(text);
    if (!kz_is_null(&err)) {
        kz_semver_constraint_free(c);
        return err;
    }
    *out = c;
    return kz_null();
}

kz_value kz_semver_constraint_parse_regexes(const char *s, size_t n, kz_semver_constraint **out) {
    regexes_only = true;
    kz_value err = kz_semver_constraint_parse(s, n, out);
    regexes_only = false;
    return err;
}

void kz_semver_constraint_free(kz_semver_constraint *c) {
    if (!c) return;
    for (size_t i = 0; i < c->count; i++) {
        for (size_t j = 0; j < c->ors[i].count; j++) kz_semver_free(&c->ors[i].items[j].con);
        free(c->ors[i].items);
    }
    free(c->ors);
    free(c);
}

/* ------------------------------------------------------------------ checks */

static bool has_pre(const kz_semver *v) { return v->prerelease && *v->prerelease; }

static bool check_tilde(const kz_semver *v, const item *c) {
    if (kz_semver_compare(v, &c->con) < 0) return false;
    /* ~0.0.0 admits everything (>= 0.0.0) */
    if (c->con.major == 0 && c->con.minor == 0 && c->con.patch == 0 && !c->minor_dirty &&
        !c->patch_dirty)
        return true;
    if (v->major != c->con.major) return false;
    return v->minor == c->con.minor || c->minor_dirty;
}

static bool check_not_equal(const kz_semver *v, const item *c) {
    if (c->dirty) {
        if (c->con.major != v->major) return true;
        if (c->con.minor != v->minor && !c->minor_dirty) return true;
        if (c->minor_dirty) return false;
        if (c->con.patch != v->patch && !c->patch_dirty) return true;
        if (c->patch_dirty) {
            if (has_pre(v) || has_pre(&c->con))
                return compare_prerelease(v->prerelease, c->con.prerelease) != 0;
            return false;
        }
    }
    return kz_semver_compare(v, &c->con) != 0;
}

static bool check_greater(const kz_semver *v, const item *c) {
    if (!c->dirty) return kz_semver_compare(v, &c->con) > 0;
    if (v->major != c->con.major) return v->major > c->con.major;
    if (c->minor_dirty) return false;       /* >1 needs 2.0.0 or more */
    if (c->patch_dirty) return v->minor > c->con.minor; /* >1.1 needs 1.2.0 */
    return kz_semver_compare(v, &c->con) > 0;
}

static bool check_less_equal(const kz_semver *v, const item *c) {
    if (!c->dirty) return kz_semver_compare(v, &c->con) <= 0;
    if (v->major > c->con.major) return false;
    if (v->major == c->con.major && v->minor > c->con.minor && !c->minor_dirty) return false;
    return true;
}

/* ^1.2.3 -> <2.0.0; ^0.2.3 -> <0.3.0; ^0.0.3 -> =0.0.3; ^0.0 -> <0.1.0; ^0 -> <1.0.0 */
static bool check_caret(const kz_semver *v, const item *c) {
    if (kz_semver_compare(v, &c->con) < 0) return false;
    if (c->con.major > 0 || c->minor_dirty) return v->major == c->con.major;
    if (v->major > 0) return false;
    if (c->con.minor > 0 || c->patch_dirty) return v->minor == c->con.minor;
    if (v->minor > 0) return false;
    return v->patch == c->con.patch;
}

static bool check_item(const item *c, const kz_semver *v) {
    /* A prerelease only satisfies constraints that mention one; upstream skips
     * this rule for a plain "!=1.2.3", which any prerelease satisfies. */
    bool plain_not_equal = c->op == OP_NE && !c->dirty;
    if (has_pre(v) && !has_pre(&c->con) && !plain_not_equal) return false;
    switch (c->op) {
    case OP_TILDE_OR_EQ:
        return c->dirty ? check_tilde(v, c) : kz_semver_compare(v, &c->con) == 0;
    case OP_NE: return check_not_equal(v, c);
    case OP_GT: return check_greater(v, c);
    case OP_LT: return kz_semver_compare(v, &c->con) < 0;
    case OP_GE: return kz_semver_compare(v, &c->con) >= 0;
    case OP_LE: return check_less_equal(v, c);
    case OP_TILDE: return check_tilde(v, c);
    case OP_CARET: return check_caret(v, c);
    }
    return false;
}

bool kz_semver_constraint_check(const kz_semver_constraint *c, const kz_semver *v) {
    for (size_t i = 0; i < c->count; i++) {
        bool all = true;
        for (size_t j = 0; j < c->ors[i].count && all; j++)
            all = check_item(&c->ors[i].items[j], v);
        if (all) return true;
    }
    return false;
}
