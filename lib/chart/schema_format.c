/* gojsonschema's format checkers (see schema.h), over Go's time, net, mail
 * and url parsing rules. */
#include <arpa/inet.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "chart/schema.h"
#include "regex/regex.h"

static bool digit(char c) { return c >= '0' && c <= '9'; }

/* Go's getnum: one or two digits (two required when fixed). */
static bool getnum(const char **s, const char *end, bool fixed, int *out) {
    const char *p = *s;
    if (p >= end || !digit(p[0])) return false;
    if (p + 1 >= end || !digit(p[1])) {
        if (fixed) return false;
        *out = p[0] - '0';
        *s = p + 1;
        return true;
    }
    *out = (p[0] - '0') * 10 + (p[1] - '0');
    *s = p + 2;
    return true;
}

static bool lit(const char **s, const char *end, char c) {
    if (*s >= end || **s != c) return false;
    (*s)++;
    return true;
}

static int days_in(int month, int year) {
    static const int d[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (month == 2 && ((year % 4 == 0 && year % 100 != 0) || year % 400 == 0)) return 29;
    return d[month - 1];
}

/* "2006-01-02" */
static bool parse_date(const char **s, const char *end) {
    const char *p = *s;
    if (end - p < 4) return false;
    int year = 0;
    for (int i = 0; i < 4; i++) {
        if (!digit(p[i])) return false;
        year = year * 10 + (p[i] - '0');
    }
    p += 4;
    int month, day;
    if (!lit(&p, end, '-') || !getnum(&p, end, true, &month) || month < 1 || month > 12) return false;
    if (!lit(&p, end, '-') || !getnum(&p, end, true, &day)) return false;
    if (day < 1 || day > days_in(month, year)) return false;
    *s = p;
    return true;
}

/* "15:04:05", with Go's tolerance of a fractional second after it. */
static bool parse_clock(const char **s, const char *end) {
    const char *p = *s;
    int h, m, sec;
    if (!getnum(&p, end, false, &h) || h >= 24) return false;
    if (!lit(&p, end, ':') || !getnum(&p, end, true, &m) || m >= 60) return false;
    if (!lit(&p, end, ':') || !getnum(&p, end, true, &sec) || sec >= 60) return false;
    if (end - p >= 2 && (p[0] == '.' || p[0] == ',') && digit(p[1])) {
        p++;
        while (p < end && digit(*p)) p++;
    }
    *s = p;
    return true;
}

/* "Z07:00" */
static bool parse_zone(const char **s, const char *end) {
    const char *p = *s;
    if (p < end && *p == 'Z') {
        *s = p + 1;
        return true;
    }
    if (end - p < 6 || (p[0] != '+' && p[0] != '-') || p[3] != ':') return false;
    if (!digit(p[1]) || !digit(p[2]) || !digit(p[4]) || !digit(p[5])) return false;
    int hr = (p[1] - '0') * 10 + (p[2] - '0'), mm = (p[4] - '0') * 10 + (p[5] - '0');
    if (hr > 24 || mm > 60) return false;
    *s = p + 6;
    return true;
}

static bool is_time(const char *s, const char *end, bool zone) {
    return parse_clock(&s, end) && (!zone || parse_zone(&s, end)) && s == end;
}

static bool is_date(const char *s, const char *end) { return parse_date(&s, end) && s == end; }

static bool is_date_time(const char *s, const char *end) {
    if (is_time(s, end, false) || is_time(s, end, true) || is_date(s, end)) return true;
    const char *p = s;
    return parse_date(&p, end) && lit(&p, end, 'T') && parse_clock(&p, end) && parse_zone(&p, end) && p == end;
}

static bool regex_ok(const char *pattern, const char *s, size_t n) {
    kz_regex *re = NULL;
    kz_value e = kz_regex_compile(pattern, strlen(pattern), &re);
    bool ok = kz_is_null(&e) && kz_regex_match(re, s, n);
    kz_free(e);
    kz_regex_free(re);
    return ok;
}

static bool parse_ip(const char *s, size_t n, int af) {
    char buf[64];
    unsigned char out[16];
    if (n >= sizeof buf || memchr(s, '\0', n)) return false;
    memcpy(buf, s, n);
    buf[n] = '\0';
    if (inet_pton(AF_INET, buf, out) == 1) return af == AF_INET ? strchr(buf, '.') != NULL : strchr(buf, ':') != NULL;
    if (inet_pton(AF_INET6, buf, out) == 1) return af == AF_INET ? strchr(buf, '.') != NULL : true;
    return false;
}

/* net/url.Parse's failures, roughly: control characters, bad percent
 * escapes, a scheme-looking prefix that is not a scheme, a bad port. Sets
 * *has_scheme and the path's span. */
static bool url_parse(const char *s, size_t n, bool *has_scheme, const char **path, size_t *pathlen) {
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x20 || c == 0x7f) return false;
        if (c == '%') {
            if (i + 2 >= n || !strchr("0123456789abcdefABCDEF", s[i + 1]) || !strchr("0123456789abcdefABCDEF", s[i + 2]))
                return false;
        }
    }
    const char *end = s + n, *frag = memchr(s, '#', n);
    if (frag) end = frag;
    const char *p = s;
    *has_scheme = false;
    /* scheme */
    size_t i = 0;
    while (s + i < end && (((s[i] | 32) >= 'a' && (s[i] | 32) <= 'z') || (i > 0 && (digit(s[i]) || strchr("+-.", s[i])))))
        i++;
    if (s + i < end && s[i] == ':') {
        if (i == 0) return false; /* "missing protocol scheme" */
        *has_scheme = true;
        p = s + i + 1;
    } else if (s < end && s[0] == ':') {
        return false;
    } else if (s < end && s[0] != '/') {
        /* "first path segment in URL cannot contain colon" */
        const char *qe = memchr(s, '?', (size_t)(end - s));
        const char *se = qe ? qe : end, *slash = memchr(s, '/', (size_t)(se - s));
        if (memchr(s, ':', (size_t)((slash ? slash : se) - s))) return false;
    }
    const char *q = memchr(p, '?', (size_t)(end - p));
    if (q) end = q;
    if (end - p >= 2 && p[0] == '/' && p[1] == '/') {
        const char *a = p + 2, *ae = a;
        while (ae < end && *ae != '/') ae++;
        const char *at = NULL;
        for (const char *x = a; x < ae; x++)
            if (*x == '@') at = x;
        const char *host = at ? at + 1 : a;
        if (host < ae && *host == '[') {
            const char *rb = memchr(host, ']', (size_t)(ae - host));
            if (!rb) return false;
            if (rb + 1 < ae && rb[1] != ':') return false;
            for (const char *x = rb + 2; x < ae; x++)
                if (!digit(*x)) return false;
        } else {
            const char *colon = NULL;
            for (const char *x = host; x < ae; x++) {
                if (*x == ':') colon = x;
                if (strchr(" {}|\\^`", *x) && *x) return false;
            }
            if (colon)
                for (const char *x = colon + 1; x < ae; x++)
                    if (!digit(*x)) return false;
        }
        p = ae;
    }
    *path = p;
    *pathlen = (size_t)(end - p);
    return true;
}

/* net/mail.ParseAddress, roughly: an addr-spec, or "Name <addr-spec>". */
static bool atext(char c) {
    return ((c | 32) >= 'a' && (c | 32) <= 'z') || digit(c) || strchr("!#$%&'*+-/=?^_`{|}~", c) || (unsigned char)c >= 0x80;
}

static bool dot_atom(const char *s, const char *e) {
    if (s >= e || *s == '.' || e[-1] == '.') return false;
    for (const char *p = s; p < e; p++) {
        if (*p == '.') {
            if (p[1] == '.') return false;
        } else if (!atext(*p)) {
            return false;
        }
    }
    return true;
}

static bool addr_spec(const char *s, const char *e) {
    const char *at = NULL;
    if (s < e && *s == '"') {
        const char *p = s + 1;
        while (p < e && *p != '"') p += *p == '\\' ? 2 : 1;
        if (p >= e) return false;
        at = p + 1;
        if (at >= e || *at != '@') return false;
    } else {
        for (const char *p = s; p < e; p++)
            if (*p == '@') at = p;
        if (!at || !dot_atom(s, at)) return false;
    }
    const char *d = at + 1;
    if (d < e && *d == '[') return e[-1] == ']';
    return dot_atom(d, e);
}

static bool is_email(const char *s, size_t n) {
    const char *b = s, *e = s + n;
    while (b < e && (*b == ' ' || *b == '\t')) b++;
    while (e > b && (e[-1] == ' ' || e[-1] == '\t')) e--;
    if (b < e && e[-1] == '>') {
        const char *lt = NULL;
        for (const char *p = b; p < e; p++)
            if (*p == '<') lt = p;
        return lt && addr_spec(lt + 1, e - 1);
    }
    return addr_spec(b, e);
}

bool kz_schema_format_ok(const char *format, const char *s, size_t n) {
    static const char *const known[] = {"date", "time", "date-time", "hostname", "email", "idn-email", "ipv4", "ipv6",
                                        "uri", "uri-reference", "iri", "iri-reference", "uri-template", "uuid",
                                        "regex", "json-pointer", "relative-json-pointer"};
    bool is_known = false;
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++) is_known |= strcmp(format, known[i]) == 0;
    if (!is_known) return true;
    if (!s) return false; /* not a string */
    const char *end = s + n;
    if (!strcmp(format, "date")) return is_date(s, end);
    if (!strcmp(format, "time")) return is_time(s, end, true) || is_time(s, end, false);
    if (!strcmp(format, "date-time")) return is_date_time(s, end);
    if (!strcmp(format, "hostname"))
        return n < 256 && regex_ok("^([a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9\\-]{0,61}[a-zA-Z0-9])(\\.([a-zA-Z0-9]|[a-zA-Z0-9]"
                                   "[a-zA-Z0-9\\-]{0,61}[a-zA-Z0-9]))*$", s, n);
    if (!strcmp(format, "email") || !strcmp(format, "idn-email")) return is_email(s, n);
    if (!strcmp(format, "ipv4")) return parse_ip(s, n, AF_INET);
    if (!strcmp(format, "ipv6")) return parse_ip(s, n, AF_INET6);
    if (!strcmp(format, "uuid"))
        return regex_ok("^[a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12}$", s, n);
    if (!strcmp(format, "regex")) {
        if (!n) return true;
        kz_regex *re = NULL;
        kz_value e = kz_regex_compile(s, n, &re);
        bool ok = kz_is_null(&e);
        kz_free(e);
        kz_regex_free(re);
        return ok;
    }
    if (!strcmp(format, "json-pointer")) return regex_ok("^(?:/(?:[^~/]|~0|~1)*)*$", s, n);
    if (!strcmp(format, "relative-json-pointer"))
        return regex_ok("^(?:0|[1-9][0-9]*)(?:#|(?:/(?:[^~/]|~0|~1)*)*)$", s, n);
    bool scheme = false;
    const char *path = NULL;
    size_t pathlen = 0;
    if (memchr(s, '\\', n) || !url_parse(s, n, &scheme, &path, &pathlen)) return false;
    if (!strcmp(format, "uri") || !strcmp(format, "iri")) return scheme;
    if (!strcmp(format, "uri-template")) return regex_ok("^([^{]*({[^}]*})?)*$", path, pathlen);
    return true; /* uri-reference, iri-reference */
}
