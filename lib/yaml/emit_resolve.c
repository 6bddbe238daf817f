/*
 * go-yaml v2's resolver, as far as the emitter needs it: would a string, written
 * plain, read back as something other than a string? go-yaml quotes exactly those
 * strings (double quotes), so "true", "010", "1e3", "2001-12-14" and friends come
 * out quoted while "1e999" (float overflow) or "2001-02-30" (no such day) don't.
 *
 * The rules follow go-yaml v2's resolve(): the first byte picks a path; words
 * like yes/off/null/~/.inf are a fixed table; numbers use Go's strconv syntax
 * (ParseInt base 0 after deleting '_', then a YAML-style float pattern); dates use
 * the few time.Parse layouts go-yaml tries.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "yaml/emit_internal.h"

static bool is_digit(char c) { return c >= '0' && c <= '9'; }

/* The YAML 1.1 words go-yaml resolves to bool, null or special floats. */
static bool is_reserved_word(const char *s, size_t n) {
    static const char *const words[] = {
        "y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON",
        "n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF",
        "~", "null", "Null", "NULL", ".nan", ".NaN", ".NAN", ".inf", ".Inf", ".INF",
        "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF",
    };
    if (n > 5) return false;
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (strlen(words[i]) == n && memcmp(words[i], s, n) == 0) return true;
    return false;
}

/* strconv.ParseFloat succeeds (no overflow to infinity) on a string already known
 * to be decimal float syntax. */
static bool float_in_range(const char *s, size_t n) {
    char stackbuf[128];
    char *tmp = n < sizeof stackbuf ? stackbuf : malloc(n + 1);
    if (!tmp) return true;
    memcpy(tmp, s, n);
    tmp[n] = '\0';
    double f = strtod(tmp, NULL);
    if (tmp != stackbuf) free(tmp);
    return !isinf(f);
}

/* ^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$ */
static bool matches_yaml_float(const char *s, size_t n) {
    size_t i = 0;
    if (i < n && (s[i] == '-' || s[i] == '+')) i++;
    if (i < n && s[i] == '.') {
        i++;
        size_t start = i;
        while (i < n && is_digit(s[i])) i++;
        if (i == start) return false;
    } else {
        size_t start = i;
        while (i < n && is_digit(s[i])) i++;
        if (i == start) return false;
        if (i < n && s[i] == '.') {
            i++;
            while (i < n && is_digit(s[i])) i++;
        }
    }
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        if (i < n && (s[i] == '-' || s[i] == '+')) i++;
        size_t start = i;
        while (i < n && is_digit(s[i])) i++;
        if (i == start) return false;
    }
    return i == n;
}

static int digit_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'z') return c - 'a' + 10;
    if (c >= 'A' && c <= 'Z') return c - 'A' + 10;
    return 99;
}

/* strconv.ParseInt(s, 0, 64) succeeds, or failing that ParseUint(s, 0, 64).
 * s has no underscores (go-yaml deletes them first). */
static bool parses_as_go_int(const char *s, size_t n) {
    size_t i = 0;
    bool has_sign = false, neg = false;
    if (i < n && (s[i] == '+' || s[i] == '-')) {
        has_sign = true;
        neg = s[i] == '-';
        i++;
    }
    if (i == n) return false;
    unsigned base = 10;
    if (s[i] == '0') {
        char p = (char)(i + 1 < n ? (s[i + 1] | 0x20) : 0);
        if (n - i >= 3 && (p == 'b' || p == 'o' || p == 'x')) {
            base = p == 'b' ? 2 : p == 'o' ? 8 : 16;
            i += 2;
        } else {
            base = 8;
            i += 1;
        }
    }
    uint64_t mag = 0;
    bool overflow = false;
    for (; i < n; i++) {
        int d = digit_value(s[i]);
        if (d >= (int)base) return false;
        if (mag > (UINT64_MAX - (uint64_t)d) / base) overflow = true;
        else mag = mag * base + (uint64_t)d;
    }
    if (overflow) return false;
    if (neg) return mag <= (uint64_t)INT64_MAX + 1;
    if (mag <= (uint64_t)INT64_MAX) return true;
    return !has_sign; /* ParseUint takes it, but not with a '+' */
}

/* ^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$ */
static bool is_base60_float(const char *s, size_t n) {
    size_t i = 0;
    if (i < n && (s[i] == '-' || s[i] == '+')) i++;
    if (i >= n || !is_digit(s[i])) return false;
    i++;
    while (i < n && (is_digit(s[i]) || s[i] == '_')) i++;
    int groups = 0;
    while (i < n && s[i] == ':') {
        i++;
        /* [0-5]?[0-9]: one digit, or two with the first in 0-5 */
        if (i + 1 < n && s[i] >= '0' && s[i] <= '5' && is_digit(s[i + 1])) i += 2;
        else if (i < n && is_digit(s[i])) i++;
        else return false;
        groups++;
    }
    if (groups == 0) return false;
    if (i < n && s[i] == '.') {
        i++;
        while (i < n && (is_digit(s[i]) || s[i] == '_')) i++;
    }
    return i == n;
}

/* ---- timestamps: go-yaml tries time.Parse with
 *   2006-1-2T15:4:5.999999999Z07:00, the same with 't', 2006-1-2 15:4:5.999999999,
 *   and 2006-1-2. ---- */

/* One or two digits (time.Parse's non-padded number). */
static bool get_num12(const char *s, size_t n, size_t *i, int *out) {
    if (*i >= n || !is_digit(s[*i])) return false;
    int v = s[(*i)++] - '0';
    if (*i < n && is_digit(s[*i])) v = v * 10 + (s[(*i)++] - '0');
    *out = v;
    return true;
}

static int days_in_month(int month, int year) {
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (month == 2 && year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) return 29;
    return days[month - 1];
}

/* h:m:s with optional fraction ('.' or ',' then digits); advances *i. */
static bool parse_clock(const char *s, size_t n, size_t *i) {
    int hour, min, sec;
    if (!get_num12(s, n, i, &hour) || hour >= 24) return false;
    if (*i >= n || s[(*i)++] != ':') return false;
    if (!get_num12(s, n, i, &min) || min >= 60) return false;
    if (*i >= n || s[(*i)++] != ':') return false;
    if (!get_num12(s, n, i, &sec) || sec >= 60) return false;
    if (*i + 1 < n && (s[*i] == '.' || s[*i] == ',') && is_digit(s[*i + 1])) {
        (*i)++;
        while (*i < n && is_digit(s[*i])) (*i)++;
    }
    return true;
}

/* Z07:00: "Z", or ±hh:mm (hours up to 24, minutes up to 60, as Go allows). */
static bool parse_zone(const char *s, size_t n, size_t *i) {
    if (*i < n && s[*i] == 'Z') {
        (*i)++;
        return true;
    }
    if (n - *i < 6) return false;
    const char *z = s + *i;
    if ((z[0] != '+' && z[0] != '-') || z[3] != ':') return false;
    if (!is_digit(z[1]) || !is_digit(z[2]) || !is_digit(z[4]) || !is_digit(z[5])) return false;
    int hh = (z[1] - '0') * 10 + (z[2] - '0');
    int mm = (z[4] - '0') * 10 + (z[5] - '0');
    if (hh > 24 || mm > 60) return false;
    *i += 6;
    return true;
}

bool kz_yaml_is_timestamp(const char *s, size_t n) {
    /* Quick check, as go-yaml does: exactly four digits, then '-'. */
    size_t i = 0;
    while (i < n && is_digit(s[i])) i++;
    if (i != 4 || i == n || s[i] != '-') return false;
    int year = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
    i++;
    int month, day;
    if (!get_num12(s, n, &i, &month) || month < 1 || month > 12) return false;
    if (i >= n || s[i++] != '-') return false;
    if (!get_num12(s, n, &i, &day) || day < 1 || day > days_in_month(month, year)) return false;
    if (i == n) return true; /* 2006-1-2 */
    char sep = s[i++];
    if (sep == 'T' || sep == 't') {
        return parse_clock(s, n, &i) && parse_zone(s, n, &i) && i == n;
    }
    if (sep == ' ') return parse_clock(s, n, &i) && i == n;
    return false;
}

/* The plain text with '_' deleted, in buf when it had any (else s itself). */
static const char *without_underscores(const char *s, size_t *n, char *buf, size_t bufsize,
                                       char **heap) {
    if (!memchr(s, '_', *n)) return s;
    char *dst = *n < bufsize ? buf : (*heap = malloc(*n));
    if (!dst) return s;
    size_t m = 0;
    for (size_t i = 0; i < *n; i++)
        if (s[i] != '_') dst[m++] = s[i];
    *n = m;
    return dst;
}

/* The number/date path of resolve() (first byte a digit or sign). */
static bool number_path_is_string(const char *s, size_t n) {
    if (is_reserved_word(s, n)) return false; /* +.inf, -.inf */
    if (kz_yaml_is_timestamp(s, n)) return false;
    char buf[64];
    char *heap = NULL;
    size_t pn = n;
    const char *plain = without_underscores(s, &pn, buf, sizeof buf, &heap);
    bool number = parses_as_go_int(plain, pn) ||
                  (matches_yaml_float(plain, pn) && float_in_range(plain, pn));
    free(heap);
    return !number;
}

bool kz_yaml_plain_is_string(const char *s, size_t n) {
    if (n == 0) return false; /* null */
    unsigned char c = (unsigned char)s[0];
    if (is_digit((char)c) || c == '+' || c == '-') {
        if (!number_path_is_string(s, n)) return false;
        return !(memchr(s, ':', n) && is_base60_float(s, n));
    }
    switch (c) {
    case 'y': case 'Y': case 'n': case 'N': case 't': case 'T':
    case 'f': case 'F': case 'o': case 'O': case '~':
        return !is_reserved_word(s, n);
    case '.':
        if (is_reserved_word(s, n)) return false;
        /* strconv.ParseFloat on the raw text: here only .digits[exponent] parses */
        return !(matches_yaml_float(s, n) && float_in_range(s, n));
    default:
        return true;
    }
}
