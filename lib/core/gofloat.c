#include "core/gofloat.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A float64 has at most 767 significant decimal digits; Go prints exact digits
 * for any precision, and zeros past the last significant one. */
#define MAX_DIGITS 800

/* A decimal digit string: value = 0.d[0]d[1]...d[nd-1] * 10^dp (Go's decimalSlice).
 * Trailing zeros are trimmed, as Go's digit generators do; zero has nd == 0. */
typedef struct {
    char d[MAX_DIGITS + 1];
    int nd;
    int dp;
} go_digits;

/* Fill d from "D.DDDDe+XX" text (libc's %e output). */
static void digits_from_e(const char *text, go_digits *out) {
    out->nd = 0;
    const char *p = text;
    for (; *p && *p != 'e'; p++)
        if (*p >= '0' && *p <= '9' && out->nd < MAX_DIGITS) out->d[out->nd++] = *p;
    out->dp = atoi(p + 1) + 1;
    while (out->nd > 0 && out->d[out->nd - 1] == '0') out->nd--;
    if (out->nd == 0) out->dp = 0;
}

/* Digits of |f| rounded to `ndigits` significant digits (correctly rounded by libc). */
static void digits_fixed(double f, int ndigits, go_digits *out) {
    if (ndigits > MAX_DIGITS) ndigits = MAX_DIGITS;
    char tmp[MAX_DIGITS + 16];
    snprintf(tmp, sizeof tmp, "%.*e", ndigits - 1, fabs(f));
    digits_from_e(tmp, out);
}

/* Does the decimal M * 10^exp10 read back as exactly f? If so, store its digits. */
static bool try_candidate(double f, unsigned long long m, int exp10, go_digits *out) {
    char tmp[64];
    snprintf(tmp, sizeof tmp, "%llue%d", m, exp10);
    if (strtod(tmp, NULL) != f) return false;
    int n = snprintf(tmp, sizeof tmp, "%llu", m);
    memcpy(out->d, tmp, (size_t)n);
    out->nd = n;
    out->dp = n + exp10;
    while (out->nd > 0 && out->d[out->nd - 1] == '0') out->nd--;
    return true;
}

/* The shortest digit string that reads back as exactly f (Go's shortest mode).
 * For each length n, the correctly rounded n-digit decimal is the best candidate;
 * when it falls just outside f's rounding interval, a neighbour one unit away in
 * the last digit can still be inside it, and is then the shortest answer. */
static void digits_shortest(double f, go_digits *out) {
    double a = fabs(f);
    if (a == 0) {
        out->nd = 0;
        out->dp = 0;
        return;
    }
    if (a < 9007199254740992.0 && a == floor(a)) {
        /* An integer below 2^53 (ports, replica counts, sizes: most floats a
         * chart prints): every other integer is another float64, and any
         * shorter decimal near it is one, so its own digits are the answer. */
        char tmp[24];
        int n = 0;
        for (unsigned long long m = (unsigned long long)a; m; m /= 10) tmp[n++] = (char)('0' + m % 10);
        out->dp = n;
        out->nd = 0;
        for (int i = n - 1; i >= 0; i--) out->d[out->nd++] = tmp[i];
        while (out->nd > 0 && out->d[out->nd - 1] == '0') out->nd--;
        return;
    }
    for (int n = 1; n <= 17; n++) {
        char tmp[64];
        snprintf(tmp, sizeof tmp, "%.*e", n - 1, a);
        go_digits r;
        digits_from_e(tmp, &r);
        /* Rebuild the n-digit mantissa as an integer M with a = M * 10^exp10. */
        unsigned long long m = 0;
        for (int i = 0; i < n; i++) m = m * 10 + (unsigned)(i < r.nd ? r.d[i] - '0' : 0);
        int exp10 = r.dp - n;
        if (try_candidate(a, m, exp10, out)) return;
        if (try_candidate(a, m + 1, exp10, out)) return;
        if (m > 1 && try_candidate(a, m - 1, exp10, out)) return;
    }
    digits_fixed(f, 17, out);
}

static void fmt_e(kz_buf *out, const go_digits *d, int prec, char e) {
    kz_buf_putc(out, d->nd ? d->d[0] : '0');
    if (prec > 0) {
        kz_buf_putc(out, '.');
        int i = 1;
        int m = d->nd < prec + 1 ? d->nd : prec + 1;
        if (i < m) {
            kz_buf_append(out, d->d + i, (size_t)(m - i));
            i = m;
        }
        for (; i <= prec; i++) kz_buf_putc(out, '0');
    }
    kz_buf_putc(out, e);
    int exp = d->nd == 0 ? 0 : d->dp - 1;
    kz_buf_putc(out, exp < 0 ? '-' : '+');
    if (exp < 0) exp = -exp;
    if (exp < 10)
        kz_buf_printf(out, "0%d", exp);
    else
        kz_buf_printf(out, "%d", exp);
}

static void fmt_f(kz_buf *out, const go_digits *d, int prec) {
    if (d->dp > 0) {
        int m = d->nd < d->dp ? d->nd : d->dp;
        kz_buf_append(out, d->d, (size_t)m);
        for (; m < d->dp; m++) kz_buf_putc(out, '0');
    } else {
        kz_buf_putc(out, '0');
    }
    if (prec > 0) {
        kz_buf_putc(out, '.');
        for (int i = 0; i < prec; i++) {
            int j = d->dp + i;
            kz_buf_putc(out, (j >= 0 && j < d->nd) ? d->d[j] : '0');
        }
    }
}

void kz_format_float(kz_buf *out, double f, char fmt, int prec) {
    if (isnan(f)) {
        kz_buf_puts(out, "NaN");
        return;
    }
    if (isinf(f)) {
        kz_buf_puts(out, f > 0 ? "+Inf" : "-Inf");
        return;
    }
    if (signbit(f)) kz_buf_putc(out, '-');
    bool shortest = prec < 0;
    go_digits d;
    char lower = (char)(fmt | 0x20);
    if (shortest) {
        digits_shortest(f, &d);
        if (lower == 'e') prec = d.nd > 1 ? d.nd - 1 : 0;
        else if (lower == 'f') prec = d.nd - d.dp > 0 ? d.nd - d.dp : 0;
        else prec = d.nd;
    } else if (lower == 'f') {
        /* libc's %f rounds the exact binary value correctly, as Go does. */
        kz_buf_printf(out, "%.*f", prec, fabs(f));
        return;
    } else if (lower == 'e') {
        digits_fixed(f, prec + 1, &d);
    } else {
        if (prec == 0) prec = 1;
        digits_fixed(f, prec, &d);
    }

    char e = fmt == 'E' || fmt == 'G' ? 'E' : 'e';
    switch (lower) {
    case 'e': fmt_e(out, &d, prec, e); return;
    case 'f': fmt_f(out, &d, prec); return;
    default: break;
    }
    /* 'g': %e when the exponent is < -4 or >= the precision (6 in shortest mode). */
    int eprec = prec;
    if (eprec > d.nd && d.nd >= d.dp) eprec = d.nd;
    if (shortest) eprec = 6;
    int exp = d.dp - 1;
    if (exp < -4 || exp >= eprec) {
        if (prec > d.nd) prec = d.nd;
        fmt_e(out, &d, prec - 1, e);
        return;
    }
    if (prec > d.dp) prec = d.nd;
    fmt_f(out, &d, prec - d.dp > 0 ? prec - d.dp : 0);
}

bool kz_format_json_float(kz_buf *out, double f) {
    if (isnan(f) || isinf(f)) return false;
    double a = fabs(f);
    char fmt = (a != 0 && (a < 1e-6 || a >= 1e21)) ? 'e' : 'f';
    size_t start = out->len;
    kz_format_float(out, f, fmt, -1);
    if (fmt == 'e') {
        /* Go cleans up e-09 to e-9 (only negative exponents have the zero). */
        size_t n = out->len - start;
        char *b = out->data + start;
        if (n >= 4 && b[n - 4] == 'e' && b[n - 3] == '-' && b[n - 2] == '0') {
            b[n - 2] = b[n - 1];
            out->len--;
            out->data[out->len] = '\0';
        }
    }
    return true;
}
