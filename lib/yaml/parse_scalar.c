/*
 * Scalar resolution (see parse_scalar.h). Rules learned from helm v3.17 and
 * kustomize v5.5 (goldens in tests/golden/parse/), implemented from scratch.
 */
#include "yaml/parse_scalar.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Longest numeric text we try to read as a number; longer plain scalars are strings. */
#define NUM_TEXT_MAX 255

static bool eq(const char *s, size_t n, const char *lit) {
    size_t m = strlen(lit);
    return n == m && memcmp(s, lit, m) == 0;
}

static bool eq_any(const char *s, size_t n, const char *const *lits) {
    for (; *lits; lits++)
        if (eq(s, n, *lits)) return true;
    return false;
}

static const char *const NULL_WORDS[] = {"~", "null", "Null", "NULL", NULL};
static const char *const TRUE_12[] = {"true", "True", "TRUE", NULL};
static const char *const FALSE_12[] = {"false", "False", "FALSE", NULL};
static const char *const TRUE_11[] = {"y", "Y", "yes", "Yes", "YES", "on", "On", "ON",
                                      "true", "True", "TRUE", NULL};
static const char *const FALSE_11[] = {"n", "N", "no", "No", "NO", "off", "Off", "OFF",
                                       "false", "False", "FALSE", NULL};
static const char *const POS_INF[] = {".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", NULL};
static const char *const NEG_INF[] = {"-.inf", "-.Inf", "-.INF", NULL};
static const char *const NANS[] = {".nan", ".NaN", ".NAN", NULL};

static int digit_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'z') return c - 'a' + 10;
    if (c >= 'A' && c <= 'Z') return c - 'A' + 10;
    return 99;
}

/* Go's strconv.ParseInt/ParseUint with base 0 on text without underscores:
 * optional sign, then 0x/0o/0b prefixes or a leading 0 for octal. Returns false
 * when the syntax is wrong or the magnitude exceeds uint64. */
static bool parse_go_integer(const char *t, size_t n, bool *neg, bool *has_sign, uint64_t *mag) {
    size_t i = 0;
    *neg = false;
    *has_sign = false;
    if (i < n && (t[i] == '+' || t[i] == '-')) {
        *neg = t[i] == '-';
        *has_sign = true;
        i++;
    }
    unsigned base = 10;
    if (i + 1 < n && t[i] == '0') {
        char p = t[i + 1];
        if (p == 'x' || p == 'X') base = 16, i += 2;
        else if (p == 'o' || p == 'O') base = 8, i += 2;
        else if (p == 'b' || p == 'B') base = 2, i += 2;
        else base = 8, i += 1;
    }
    if (i >= n) return false;
    uint64_t v = 0;
    for (; i < n; i++) {
        int d = digit_value(t[i]);
        if (d >= (int)base) return false;
        if (v > (UINT64_MAX - (uint64_t)d) / base) return false;
        v = v * base + (uint64_t)d;
    }
    *mag = v;
    return true;
}

/* ^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$ — go-yaml's float syntax. */
static bool yaml_float_syntax(const char *t, size_t n) {
    size_t i = 0, digits = 0;
    if (i < n && (t[i] == '+' || t[i] == '-')) i++;
    if (i < n && t[i] == '.') {
        i++;
        while (i < n && t[i] >= '0' && t[i] <= '9') i++, digits++;
        if (!digits) return false;
    } else {
        while (i < n && t[i] >= '0' && t[i] <= '9') i++, digits++;
        if (!digits) return false;
        if (i < n && t[i] == '.') {
            i++;
            while (i < n && t[i] >= '0' && t[i] <= '9') i++;
        }
    }
    if (i < n && (t[i] == 'e' || t[i] == 'E')) {
        i++;
        if (i < n && (t[i] == '+' || t[i] == '-')) i++;
        size_t exp_digits = 0;
        while (i < n && t[i] >= '0' && t[i] <= '9') i++, exp_digits++;
        if (!exp_digits) return false;
    }
    return i == n;
}

static kz_scalar resolve_number(const char *s, size_t n) {
    kz_scalar r = {.cls = KZ_SC_STRING};
    if (n > NUM_TEXT_MAX) return r;
    char t[NUM_TEXT_MAX + 1];
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (s[i] != '_') t[m++] = s[i];
    t[m] = '\0';
    bool neg, has_sign;
    uint64_t mag;
    if (parse_go_integer(t, m, &neg, &has_sign, &mag)) {
        if (!neg && mag <= (uint64_t)INT64_MAX) {
            r.cls = KZ_SC_INT;
            r.i = (int64_t)mag;
            return r;
        }
        if (neg && mag <= (uint64_t)INT64_MAX + 1) {
            r.cls = KZ_SC_INT;
            r.i = mag == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)mag;
            return r;
        }
        if (!has_sign) { /* ParseUint takes no sign */
            r.cls = KZ_SC_UINT;
            r.u = mag;
            return r;
        }
    }
    if (yaml_float_syntax(t, m)) {
        errno = 0;
        double f = strtod(t, NULL);
        if (isinf(f)) return r; /* Go: ErrRange, so the scalar stays a string */
        r.cls = KZ_SC_FLOAT;
        r.f = f;
    }
    return r;
}

kz_scalar kz_yaml_resolve_plain(const char *s, size_t n, kz_yaml_schema schema) {
    kz_scalar r = {.cls = KZ_SC_STRING};
    if (n == 0) {
        r.cls = KZ_SC_NULL;
        return r;
    }
    bool v11 = schema == KZ_YAML_HELM;
    switch (s[0]) {
    case '0': case '1': case '2': case '3': case '4':
    case '5': case '6': case '7': case '8': case '9':
        return resolve_number(s, n);
    case '+': case '-': case '.':
        if (eq_any(s, n, POS_INF)) r.cls = KZ_SC_FLOAT, r.f = INFINITY;
        else if (eq_any(s, n, NEG_INF)) r.cls = KZ_SC_FLOAT, r.f = -INFINITY;
        else if (eq_any(s, n, NANS)) r.cls = KZ_SC_FLOAT, r.f = NAN;
        else return resolve_number(s, n);
        return r;
    case '~': case 'n': case 'N':
        if (eq_any(s, n, NULL_WORDS)) {
            r.cls = KZ_SC_NULL;
            return r;
        }
        break;
    case '<':
        if (eq(s, n, "<<")) r.cls = KZ_SC_MERGE;
        return r;
    case 't': case 'T': case 'f': case 'F': case 'y': case 'Y': case 'o': case 'O':
        break;
    default:
        return r;
    }
    if (n > 5) return r;
    if (eq_any(s, n, v11 ? TRUE_11 : TRUE_12)) r.cls = KZ_SC_BOOL, r.b = true;
    else if (eq_any(s, n, v11 ? FALSE_11 : FALSE_12)) r.cls = KZ_SC_BOOL, r.b = false;
    return r;
}

const char *kz_yaml_class_tag(kz_scalar_class cls) {
    switch (cls) {
    case KZ_SC_NULL: return "null";
    case KZ_SC_BOOL: return "bool";
    case KZ_SC_INT: case KZ_SC_UINT: return "int";
    case KZ_SC_FLOAT: return "float";
    case KZ_SC_MERGE: /* go-yaml resolves "<<" as a string (it only merges as a plain key) */
    case KZ_SC_STRING: break;
    }
    return "str";
}

/* ------------------------------------------------------------ timestamps */

/* Read 1..max digits (at least min) at s[*i]. */
static bool read_num(const char *s, size_t n, size_t *i, int min, int max, int *out) {
    int v = 0, k = 0;
    while (*i < n && k < max && s[*i] >= '0' && s[*i] <= '9') v = v * 10 + (s[(*i)++] - '0'), k++;
    *out = v;
    return k >= min;
}

static int days_in_month(int y, int m) {
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : days[m - 1];
}

bool kz_yaml_timestamp_rfc3339(const char *s, size_t n, kz_buf *out) {
    size_t i = 0;
    int y, mo, d, h = 0, mi = 0, se = 0, off = 0;
    char frac[10] = "";
    size_t nfrac = 0;
    bool has_zone = false;
    /* Quick reject: all forms start with four digits and '-'. */
    if (n < 8 || !read_num(s, n, &i, 4, 4, &y) || i >= n || s[i] != '-') return false;
    i++;
    if (!read_num(s, n, &i, 1, 2, &mo) || i >= n || s[i++] != '-') return false;
    if (!read_num(s, n, &i, 1, 2, &d)) return false;
    if (mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo)) return false;
    if (i < n) {
        char sep = s[i++];
        if (sep != 'T' && sep != 't' && sep != ' ') return false;
        if (!read_num(s, n, &i, 1, 2, &h) || i >= n || s[i++] != ':') return false;
        if (!read_num(s, n, &i, 1, 2, &mi) || i >= n || s[i++] != ':') return false;
        if (!read_num(s, n, &i, 1, 2, &se)) return false;
        if (h > 23 || mi > 59 || se > 59) return false;
        if (i < n && s[i] == '.') {
            i++;
            while (i < n && s[i] >= '0' && s[i] <= '9') {
                if (nfrac < 9) frac[nfrac++] = s[i];
                i++;
            }
            if (nfrac == 0) return false;
        }
        if (sep != ' ' && i < n) {
            if (s[i] == 'Z') {
                i++;
            } else if (s[i] == '+' || s[i] == '-') {
                int sign = s[i++] == '-' ? -1 : 1, oh, om;
                if (!read_num(s, n, &i, 2, 2, &oh) || i >= n || s[i++] != ':') return false;
                if (!read_num(s, n, &i, 2, 2, &om)) return false;
                if (oh > 23 || om > 59) return false; /* generous; Go checks ranges too */
                off = sign * (oh * 60 + om);
            } else {
                return false;
            }
            has_zone = true;
        }
        if (sep != ' ' && !has_zone) return false; /* the T forms require a zone */
    }
    if (i != n) return false;
    while (nfrac > 0 && frac[nfrac - 1] == '0') nfrac--;
    frac[nfrac] = '\0';
    kz_buf_printf(out, "%04d-%02d-%02dT%02d:%02d:%02d", y, mo, d, h, mi, se);
    if (nfrac) kz_buf_printf(out, ".%s", frac);
    if (off == 0) kz_buf_putc(out, 'Z');
    else kz_buf_printf(out, "%c%02d:%02d", off < 0 ? '-' : '+', abs(off) / 60, abs(off) % 60);
    return true;
}

/* ---------------------------------------------------------------- UTF-8 */

/* --------------------------------------------------- float32 %g (keys) */

void kz_yaml_format_float32_g(kz_buf *out, double f) {
    float x = (float)f;
    if (isnan(x)) { kz_buf_puts(out, "NaN"); return; }
    if (isinf(x)) { kz_buf_puts(out, x > 0 ? "+Inf" : "-Inf"); return; }
    if (x == 0) { kz_buf_puts(out, signbit(x) ? "-0" : "0"); return; }
    /* Shortest decimal that reads back as the same float32. */
    char e[48];
    int prec = 1;
    for (; prec <= 9; prec++) {
        snprintf(e, sizeof e, "%.*e", prec - 1, (double)x);
        if (strtof(e, NULL) == x) break;
    }
    /* e is "-d.ddde±XX": collect digits and the exponent. */
    const char *p = e;
    bool neg = *p == '-';
    if (neg) p++;
    char digits[16];
    int nd = 0;
    for (; *p && *p != 'e'; p++)
        if (*p != '.') digits[nd++] = *p;
    while (nd > 1 && digits[nd - 1] == '0') nd--;
    int exp = atoi(p + 1);
    if (neg) kz_buf_putc(out, '-');
    if (exp < -4 || exp >= 6) { /* Go's shortest %g switches to %e at 1e+06 */
        kz_buf_putc(out, digits[0]);
        if (nd > 1) {
            kz_buf_putc(out, '.');
            kz_buf_append(out, digits + 1, (size_t)nd - 1);
        }
        kz_buf_printf(out, "e%c%02d", exp < 0 ? '-' : '+', abs(exp));
        return;
    }
    int dp = exp + 1; /* digits before the point */
    if (dp <= 0) {
        kz_buf_puts(out, "0.");
        kz_buf_repeat(out, '0', (size_t)-dp);
        kz_buf_append(out, digits, (size_t)nd);
    } else if (nd <= dp) {
        kz_buf_append(out, digits, (size_t)nd);
        kz_buf_repeat(out, '0', (size_t)(dp - nd));
    } else {
        kz_buf_append(out, digits, (size_t)dp);
        kz_buf_putc(out, '.');
        kz_buf_append(out, digits + dp, (size_t)(nd - dp));
    }
}
