/*
 * Go's time.Parse(time.RFC3339, s), errors only: what Helm's Lock.Generated
 * (a time.Time) says about a lock file's `generated:` text. The layout
 * "2006-01-02T15:04:05Z07:00" is walked chunk by chunk as Go does, so the
 * error names the same chunk and the same remaining text:
 *   parsing time "V" as "2006-01-02T15:04:05Z07:00": cannot parse "REST" as "CHUNK"
 *   parsing time "V": month out of range
 *   parsing time "V": extra text: "REST"
 * helm 3.17 accepts what Parse accepts (a one-digit hour, a comma before
 * fractional seconds, a +24:00 offset), so no stricter RFC 3339 check here.
 */
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "chart/chart.h"
#include "core/buf.h"

#define LAYOUT "2006-01-02T15:04:05Z07:00"

/* Go's time.quote: ASCII as is ('"' and '\\' escaped), other bytes \xNN. */
static void go_quote(kz_buf *b, const char *s, size_t n) {
    kz_buf_putc(b, '"');
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x80 || c < ' ') {
            kz_buf_printf(b, "\\x%02x", c);
            continue;
        }
        if (c == '"' || c == '\\') kz_buf_putc(b, '\\');
        kz_buf_putc(b, (char)c);
    }
    kz_buf_putc(b, '"');
}

typedef struct scan {
    const char *all; /* the whole value, for the messages */
    size_t all_n;
    const char *p; /* what is left of it */
    size_t n;
} scan;

/* "cannot parse REST as CHUNK" */
static kz_value cannot_parse(const scan *s, const char *rest, size_t rest_n, const char *chunk) {
    kz_buf b = KZ_BUF_INIT;
    kz_buf_puts(&b, "parsing time ");
    go_quote(&b, s->all, s->all_n);
    kz_buf_puts(&b, " as \"" LAYOUT "\": cannot parse ");
    go_quote(&b, rest, rest_n);
    kz_buf_puts(&b, " as ");
    go_quote(&b, chunk, strlen(chunk));
    kz_value e = kz_error("%s", kz_buf_cstr(&b));
    kz_buf_free(&b);
    return e;
}

/* "parsing time V: WHAT" (WHAT starts with ": ") */
static kz_value out_of_range(const scan *s, const char *what) {
    kz_buf b = KZ_BUF_INIT;
    kz_buf_puts(&b, "parsing time ");
    go_quote(&b, s->all, s->all_n);
    kz_buf_puts(&b, what);
    kz_value e = kz_error("%s", kz_buf_cstr(&b));
    kz_buf_free(&b);
    return e;
}

static bool digit_at(const scan *s, size_t i) { return i < s->n && s->p[i] >= '0' && s->p[i] <= '9'; }

static void advance(scan *s, size_t k) {
    s->p += k;
    s->n -= k;
}

/* Go's getnum: one or two digits (two when fixed); -1 when there are none. */
static int getnum(scan *s, bool fixed) {
    if (!digit_at(s, 0)) return -1;
    if (!digit_at(s, 1)) {
        if (fixed) return -1;
        int v = s->p[0] - '0';
        advance(s, 1);
        return v;
    }
    int v = (s->p[0] - '0') * 10 + (s->p[1] - '0');
    advance(s, 2);
    return v;
}

/* Go's skip for a one-character literal of the layout. */
static bool skip_literal(scan *s, char c) {
    if (s->n == 0 || s->p[0] != c) return false;
    advance(s, 1);
    return true;
}

static int days_in(int month, int year) {
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    return month == 2 && leap ? 29 : days[month - 1];
}

/* The zone, "Z" or "+hh:mm": an error, or kz_null(). */
static kz_value parse_zone(scan *s) {
    const char *hold = s->p;
    size_t hold_n = s->n;
    if (s->n >= 1 && s->p[0] == 'Z') {
        advance(s, 1);
        return kz_null();
    }
    if (s->n < 6 || s->p[3] != ':') return cannot_parse(s, hold, hold_n, "Z07:00");
    scan hh = {0, 0, s->p + 1, 2}, mm = {0, 0, s->p + 4, 2};
    int hr = getnum(&hh, true), mn = hr < 0 ? -1 : getnum(&mm, true);
    char sign = s->p[0];
    advance(s, 6);
    if (hr > 24) return out_of_range(s, ": time zone offset hour out of range");
    if (mn > 60) return out_of_range(s, ": time zone offset minute out of range");
    if (hr < 0 || mn < 0 || (sign != '+' && sign != '-')) return cannot_parse(s, hold, hold_n, "Z07:00");
    return kz_null();
}

/* One two-digit field (month, day, hour, ...) after its literal prefix. */
typedef struct num_chunk {
    char prefix;       /* '\0' for none */
    const char *chunk; /* as the layout spells it */
    bool fixed;
    int max;           /* values >= max are out of range; 0: no check here */
    const char *range; /* ": month out of range" */
} num_chunk;

static const num_chunk chunks[] = {
    {'-', "01", true, 13, ": month out of range"},
    {'-', "02", true, 0, NULL}, /* the day is checked against the month at the end */
    {'T', "15", false, 24, ": hour out of range"},
    {':', "04", true, 60, ": minute out of range"},
    {':', "05", true, 60, ": second out of range"},
};

kz_value kz_chart_go_parse_rfc3339(const char *text, size_t len) {
    scan s = {text, len, text, len};
    /* 2006: four digits */
    bool year_ok = s.n >= 4;
    for (size_t i = 0; year_ok && i < 4; i++) year_ok = digit_at(&s, i);
    if (!year_ok) return cannot_parse(&s, s.p, s.n, "2006");
    int year = (s.p[0] - '0') * 1000 + (s.p[1] - '0') * 100 + (s.p[2] - '0') * 10 + (s.p[3] - '0');
    advance(&s, 4);
    int v[5];
    for (size_t i = 0; i < sizeof chunks / sizeof chunks[0]; i++) {
        const num_chunk *c = &chunks[i];
        if (!skip_literal(&s, c->prefix)) {
            char lit[2] = {c->prefix, '\0'};
            return cannot_parse(&s, s.p, s.n, lit);
        }
        const char *hold = s.p;
        size_t hold_n = s.n;
        v[i] = getnum(&s, c->fixed);
        if (v[i] < 0) return cannot_parse(&s, hold, hold_n, c->chunk);
        if (c->max && (v[i] >= c->max || (i == 0 && v[i] == 0))) return out_of_range(&s, c->range);
    }
    /* fractional seconds the layout does not spell are still taken */
    if (s.n >= 2 && (s.p[0] == '.' || s.p[0] == ',') && digit_at(&s, 1)) {
        size_t k = 2;
        while (digit_at(&s, k)) k++;
        advance(&s, k);
    }
    kz_value e = parse_zone(&s);
    if (!kz_is_null(&e)) return e;
    if (s.n > 0) {
        kz_buf b = KZ_BUF_INIT;
        kz_buf_puts(&b, ": extra text: ");
        go_quote(&b, s.p, s.n);
        e = out_of_range(&s, kz_buf_cstr(&b));
        kz_buf_free(&b);
        return e;
    }
    if (v[1] < 1 || v[1] > days_in(v[0], year)) return out_of_range(&s, ": day out of range");
    return kz_null();
}
