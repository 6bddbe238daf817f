/*
 * Template functions: math family (see funcs_internal.h).
 *
 * Integer math (add1, add, sub, div, mod, mul, max, min) works on int64 after
 * spf13/cast's ToInt64, wrapping as Go does. The float math of Sprig (add1f,
 * addf, subf, divf, mulf) goes through shopspring/decimal: every operand
 * becomes the exact decimal of its shortest representation, additions,
 * subtractions and products are exact, quotients are rounded half away from
 * zero at 16 decimal places, and the final decimal is rounded to the nearest
 * float64. maxf/minf/ceil/floor/round use Go's math package semantics.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "funcs/funcs_internal.h"
#include "tmpl/fmt.h"

/* ---- integer math ---- */

static int64_t wrap_add(int64_t a, int64_t b) { return (int64_t)((uint64_t)a + (uint64_t)b); }
static int64_t wrap_sub(int64_t a, int64_t b) { return (int64_t)((uint64_t)a - (uint64_t)b); }
static int64_t wrap_mul(int64_t a, int64_t b) { return (int64_t)((uint64_t)a * (uint64_t)b); }

static kz_value fn_add1(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    (void)c, (void)argc;
    return kz_go_int64(wrap_add(kz_cast_to_int64(&argv[0]), 1));
}

static kz_value fn_add(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    (void)c;
    int64_t a = 0;
    for (size_t i = 0; i < argc; i++) a = wrap_add(a, kz_cast_to_int64(&argv[i]));
    return kz_go_int64(a);
}

static kz_value fn_sub(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    (void)c, (void)argc;
    return kz_go_int64(wrap_sub(kz_cast_to_int64(&argv[0]), kz_cast_to_int64(&argv[1])));
}

static kz_value fn_div(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    (void)c, (void)argc;
    int64_t a = kz_cast_to_int64(&argv[0]), b = kz_cast_to_int64(&argv[1]);
    if (b == 0) return kz_error("runtime error: integer divide by zero");
    if (b == -1) return kz_go_int64(wrap_sub(0, a)); /* Go: MinInt64 / -1 wraps */
    return kz_go_int64(a / b);
}

static kz_value fn_mod(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    (void)c, (void)argc;
    int64_t a = kz_cast_to_int64(&argv[0]), b = kz_cast_to_int64(&argv[1]);
    if (b == 0) return kz_error("runtime error: integer divide by zero");
    if (b == -1) return kz_go_int64(0);
    return kz_go_int64(a % b);
}

static kz_value fn_mul(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    (void)c;
    int64_t a = kz_cast_to_int64(&argv[0]);
    for (size_t i = 1; i < argc; i++) a = wrap_mul(a, kz_cast_to_int64(&argv[i]));
    return kz_go_int64(a);
}

static kz_value fn_max(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    (void)c;
    int64_t a = kz_cast_to_int64(&argv[0]);
    for (size_t i = 1; i < argc; i++) {
        int64_t b = kz_cast_to_int64(&argv[i]);
        if (b > a) a = b;
    }
    return kz_go_int64(a);
}

static kz_value fn_min(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    (void)c;
    int64_t a = kz_cast_to_int64(&argv[0]);
    for (size_t i = 1; i < argc; i++) {
        int64_t b = kz_cast_to_int64(&argv[i]);
        if (b < a) a = b;
    }
    return kz_go_int64(a);
}

/* ---- Go's math.Max, math.Min, math.Pow ---- */

static double go_max(double x, double y) {
    if (isinf(x) && x > 0) return x;
    if (isinf(y) && y > 0) return y;
    if (isnan(x) || isnan(y)) return NAN;
    if (x == 0 && x == y) return signbit(x) ? y : x;
    return x > y ? x : y;
}

static double go_min(double x, double y) {
    if (isinf(x) && x < 0) return x;
    if (isinf(y) && y < 0) return y;
    if (isnan(x) || isnan(y)) return NAN;
    if (x == 0 && x == y) return signbit(x) ? x : y;
    return x < y ? x : y;
}

/* Go's math.Pow for an integral exponent y (what round passes): repeated
 * squaring of the mantissa, the binary exponent kept apart. */
static double go_pow_int(double x, double y) {
    if (y == 0 || x == 1) return 1;
    if (y == 1) return x;
    if (isnan(x) || isnan(y)) return NAN;
    if (x == 0) {
        if (y < 0) return INFINITY; /* y is an integer here; odd negative keeps the sign */
        return 0;
    }
    if (isinf(y)) {
        if (x == -1) return 1;
        if ((fabs(x) < 1) == (y > 0)) return 0;
        return INFINITY;
    }
    if (isinf(x)) {
        if (x < 0) return pow(x, y); /* sign by parity of y */
        return y < 0 ? 0 : INFINITY;
    }
    double yi = fabs(y);
    if (yi >= 9223372036854775808.0) {
        if (x == -1) return 1;
        if ((fabs(x) < 1) == (y > 0)) return 0;
        return INFINITY;
    }
    double a1 = 1.0;
    long ae = 0;
    int xe_i;
    double x1 = frexp(x, &xe_i);
    long xe = xe_i;
    for (int64_t i = (int64_t)yi; i != 0; i >>= 1) {
        if (xe < -(1L << 12) || (1L << 12) < xe) {
            ae += xe;
            break;
        }
        if (i & 1) {
            a1 *= x1;
            ae += xe;
        }
        x1 *= x1;
        xe <<= 1;
        if (x1 < .5) {
            x1 += x1;
            xe--;
        }
    }
    if (y < 0) {
        a1 = 1 / a1;
        ae = -ae;
    }
    if (ae > 100000) ae = 100000;
    if (ae < -100000) ae = -100000;
    return ldexp(a1, (int)ae);
}

static kz_value fn_maxf(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    (void)c;
    double a = kz_cast_to_float64(&argv[0]);
    for (size_t i = 1; i < argc; i++) a = go_max(a, kz_cast_to_float64(&argv[i]));
    return kz_float(a);
}

static kz_value fn_minf(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    (void)c;
    double a = kz_cast_to_float64(&argv[0]);
    for (size_t i = 1; i < argc; i++) a = go_min(a, kz_cast_to_float64(&argv[i]));
    return kz_float(a);
}

static kz_value fn_ceil(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    (void)c, (void)argc;
    return kz_float(ceil(kz_cast_to_float64(&argv[0])));
}

static kz_value fn_floor(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    (void)c, (void)argc;
    return kz_float(floor(kz_cast_to_float64(&argv[0])));
}

/* Sprig's round: scale by 10^places, ceil when the fraction reaches roundOn
 * (0.5 by default; a negative value's fraction is negative), else floor. */
static kz_value fn_round(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    (void)c;
    double round_on = argc > 2 ? kz_float_get(&argv[2]) : .5;
    double val = kz_cast_to_float64(&argv[0]);
    double places = (double)kz_int_get(&argv[1]);
    double pw = go_pow_int(10, places);
    double digit = pw * val;
    double ipart;
    double frac = modf(digit, &ipart);
    if (isinf(digit)) frac = 0; /* Go's Modf(±Inf) = (±Inf, NaN): NaN >= x is false */
    if (isnan(digit)) frac = NAN;
    double r = frac >= round_on ? ceil(digit) : floor(digit);
    return kz_float(r / pw);
}

/* ---- shopspring/decimal ---- */

/* A decimal: (-1)^neg * digits * 10^exp, digits little-endian base 10 with no
 * leading (high) zeros; zero has n == 0. */
typedef struct dec {
    bool neg;
    uint8_t *d;
    size_t n, cap;
    int64_t exp;
} dec;

static void dec_reserve(dec *x, size_t n) {
    if (n <= x->cap) return;
    size_t cap = x->cap ? x->cap : 16;
    while (cap < n) cap *= 2;
    uint8_t *p = kz_xrealloc(x->d, cap);
    x->d = p;
    x->cap = cap;
}

static void dec_trim(dec *x) {
    while (x->n > 0 && x->d[x->n - 1] == 0) x->n--;
    if (x->n == 0) x->neg = false;
}

static void dec_free(dec *x) {
    free(x->d);
    memset(x, 0, sizeof *x);
}

/* Multiply the digits by 10^k (k >= 0), lowering exp by k: same value. */
static void dec_rescale(dec *x, int64_t k) {
    if (k <= 0 || x->n == 0) {
        if (x->n == 0) x->exp -= k > 0 ? k : 0;
        return;
    }
    dec_reserve(x, x->n + (size_t)k);
    memmove(x->d + k, x->d, x->n);
    memset(x->d, 0, (size_t)k);
    x->n += (size_t)k;
    x->exp -= k;
}

static int mag_cmp(const uint8_t *a, size_t an, const uint8_t *b, size_t bn) {
    if (an != bn) return an < bn ? -1 : 1;
    for (size_t i = an; i > 0; i--)
        if (a[i - 1] != b[i - 1]) return a[i - 1] < b[i - 1] ? -1 : 1;
    return 0;
}

/* a -= b in magnitude, |a| >= |b|. */
static void mag_sub(uint8_t *a, size_t *an, const uint8_t *b, size_t bn) {
    int borrow = 0;
    for (size_t i = 0; i < *an; i++) {
        int v = a[i] - borrow - (i < bn ? b[i] : 0);
        borrow = v < 0;
        a[i] = (uint8_t)(v < 0 ? v + 10 : v);
    }
    while (*an > 0 && a[*an - 1] == 0) (*an)--;
}

/* Parse the %v text of a finite float64 (Go's shortest representation). */
static bool dec_from_float(double f, dec *x, kz_value *err) {
    memset(x, 0, sizeof *x);
    kz_value fv = kz_float(f);
    if (isnan(f) || isinf(f)) {
        kz_buf b = KZ_BUF_INIT;
        kz_fmt_sprintf(&b, "%v", 2, 1, &fv);
        *err = kz_error("Cannot create a Decimal from %s", kz_buf_cstr(&b));
        kz_buf_free(&b);
        return false;
    }
    kz_buf b = KZ_BUF_INIT;
    kz_fmt_sprintf(&b, "%v", 2, 1, &fv);
    const char *s = kz_buf_cstr(&b);
    size_t i = 0;
    if (s[i] == '-') x->neg = true, i++;
    /* digits, most significant first */
    uint8_t tmp[64];
    size_t nt = 0;
    int64_t frac_digits = 0;
    bool dot = false;
    for (; s[i] && s[i] != 'e'; i++) {
        if (s[i] == '.') {
            dot = true;
            continue;
        }
        if (nt < sizeof tmp) tmp[nt++] = (uint8_t)(s[i] - '0');
        if (dot) frac_digits++;
    }
    int64_t e = 0;
    if (s[i] == 'e') e = strtol(s + i + 1, NULL, 10);
    kz_buf_free(&b);
    dec_reserve(x, nt);
    for (size_t k = 0; k < nt; k++) x->d[k] = tmp[nt - 1 - k];
    x->n = nt;
    x->exp = e - frac_digits;
    dec_trim(x);
    return true;
}

/* Align two decimals on the smaller exponent. */
static void dec_align(dec *a, dec *b) {
    if (a->exp > b->exp) dec_rescale(a, a->exp - b->exp);
    else if (b->exp > a->exp) dec_rescale(b, b->exp - a->exp);
    if (a->n == 0) a->exp = b->exp;
    if (b->n == 0) b->exp = a->exp;
}

/* a += (negate_b ? -b : b); b is scratch (may be rescaled). */
static void dec_add(dec *a, dec *b, bool negate_b) {
    bool bneg = b->neg != negate_b;
    if (b->n == 0) return;
    if (a->n == 0) {
        dec_reserve(a, b->n);
        memcpy(a->d, b->d, b->n);
        a->n = b->n;
        a->exp = b->exp;
        a->neg = bneg;
        return;
    }
    dec_align(a, b);
    if (a->neg == bneg) {
        size_t n = a->n > b->n ? a->n : b->n;
        dec_reserve(a, n + 1);
        int carry = 0;
        for (size_t i = 0; i < n; i++) {
            int v = (i < a->n ? a->d[i] : 0) + (i < b->n ? b->d[i] : 0) + carry;
            carry = v >= 10;
            a->d[i] = (uint8_t)(v % 10);
        }
        a->n = n;
        if (carry) a->d[a->n++] = 1;
    } else if (mag_cmp(a->d, a->n, b->d, b->n) >= 0) {
        mag_sub(a->d, &a->n, b->d, b->n);
    } else {
        /* result = b - a, sign of b */
        dec r = {0};
        dec_reserve(&r, b->n);
        memcpy(r.d, b->d, b->n);
        r.n = b->n;
        mag_sub(r.d, &r.n, a->d, a->n);
        r.neg = bneg;
        r.exp = a->exp;
        dec_free(a);
        *a = r;
    }
    dec_trim(a);
}

static void dec_mul(dec *a, const dec *b) {
    if (a->n == 0 || b->n == 0) {
        a->n = 0;
        a->neg = false;
        a->exp = 0;
        return;
    }
    size_t n = a->n + b->n;
    uint32_t *acc = kz_xcalloc(n + 1, sizeof *acc);
    for (size_t i = 0; i < a->n; i++) {
        for (size_t j = 0; j < b->n; j++) acc[i + j] += (uint32_t)a->d[i] * b->d[j];
        /* keep the accumulator small */
        if ((i & 127) == 127)
            for (size_t k = 0; k < n; k++) {
                acc[k + 1] += acc[k] / 10;
                acc[k] %= 10;
            }
    }
    for (size_t k = 0; k < n; k++) {
        acc[k + 1] += acc[k] / 10;
        acc[k] %= 10;
    }
    dec_reserve(a, n);
    for (size_t k = 0; k < n; k++) a->d[k] = (uint8_t)acc[k];
    free(acc);
    a->n = n;
    a->neg = a->neg != b->neg;
    a->exp += b->exp;
    dec_trim(a);
}

#define DIV_PRECISION 16

/* a = a / b rounded half away from zero at DIV_PRECISION decimal places
 * (decimal's DivRound). b nonzero. */
static void dec_div(dec *a, const dec *b) {
    bool neg = a->neg != b->neg;
    if (a->n == 0) {
        a->exp = -DIV_PRECISION;
        return;
    }
    int64_t e = a->exp - b->exp + DIV_PRECISION;
    /* N = |a| * 10^max(e,0), D = |b| * 10^max(-e,0) */
    dec num = {0}, den = {0};
    dec_reserve(&num, a->n);
    memcpy(num.d, a->d, a->n);
    num.n = a->n;
    dec_reserve(&den, b->n);
    memcpy(den.d, b->d, b->n);
    den.n = b->n;
    if (e > 0) dec_rescale(&num, e);
    if (e < 0) dec_rescale(&den, -e);
    /* long division, digit by digit */
    size_t qcap = num.n + 1;
    uint8_t *q = kz_xcalloc(qcap, 1);
    uint8_t *r = kz_xcalloc(den.n + 2, 1);
    size_t rn = 0;
    for (size_t i = num.n; i > 0; i--) {
        /* r = r*10 + digit */
        memmove(r + 1, r, rn);
        r[0] = num.d[i - 1];
        rn++;
        while (rn > 0 && r[rn - 1] == 0) rn--;
        uint8_t qd = 0;
        while (mag_cmp(r, rn, den.d, den.n) >= 0) {
            mag_sub(r, &rn, den.d, den.n);
            qd++;
        }
        q[i - 1] = qd;
    }
    size_t qn = num.n;
    while (qn > 0 && q[qn - 1] == 0) qn--;
    /* round: 2r >= D */
    uint8_t *r2 = kz_xcalloc(rn + 2, 1);
    int carry = 0;
    for (size_t i = 0; i < rn; i++) {
        int v = r[i] * 2 + carry;
        carry = v >= 10;
        r2[i] = (uint8_t)(v % 10);
    }
    size_t r2n = rn;
    if (carry) r2[r2n++] = 1;
    if (mag_cmp(r2, r2n, den.d, den.n) >= 0) {
        size_t i = 0;
        for (;; i++) {
            if (i == qn) {
                q[qn++] = 1;
                break;
            }
            if (q[i] < 9) {
                q[i]++;
                break;
            }
            q[i] = 0;
        }
    }
    free(r2);
    free(r);
    dec_free(&num);
    dec_free(&den);
    free(a->d);
    a->d = q;
    a->n = qn;
    a->cap = qcap;
    a->neg = neg;
    a->exp = -DIV_PRECISION;
    dec_trim(a);
}

/* The nearest float64 (big.Rat's Float64: correctly rounded). */
static double dec_to_float(const dec *x) {
    if (x->n == 0) return 0;
    char *s = kz_xmalloc(x->n + 32);
    size_t w = 0;
    if (x->neg) s[w++] = '-';
    for (size_t i = x->n; i > 0; i--) s[w++] = (char)('0' + x->d[i - 1]);
    int64_t e = x->exp;
    if (e > 100000) e = 100000;
    if (e < -100000 - (int64_t)x->n) e = -100000 - (int64_t)x->n;
    snprintf(s + w, 32, "e%lld", (long long)e);
    double d = strtod(s, NULL);
    free(s);
    return d;
}

enum { OP_ADD, OP_SUB, OP_MUL, OP_DIV };

/* Sprig's execDecimalOp: a op b[0] op b[1] ... */
static kz_value decimal_op(double a, size_t argc, const kz_value *argv, int op) {
    kz_value err;
    dec acc;
    if (!dec_from_float(a, &acc, &err)) return err;
    for (size_t i = 0; i < argc; i++) {
        dec x;
        if (!dec_from_float(kz_cast_to_float64(&argv[i]), &x, &err)) {
            dec_free(&acc);
            return err;
        }
        switch (op) {
        case OP_ADD: dec_add(&acc, &x, false); break;
        case OP_SUB: dec_add(&acc, &x, true); break;
        case OP_MUL: dec_mul(&acc, &x); break;
        default:
            if (x.n == 0) {
                dec_free(&x);
                dec_free(&acc);
                return kz_error("decimal division by 0");
            }
            dec_div(&acc, &x);
            break;
        }
        dec_free(&x);
    }
    double r = dec_to_float(&acc);
    dec_free(&acc);
    return kz_float(r);
}

static kz_value fn_add1f(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    (void)c, (void)argc;
    kz_value one = kz_int(1);
    return decimal_op(kz_cast_to_float64(&argv[0]), 1, &one, OP_ADD);
}

static kz_value fn_addf(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    (void)c;
    return decimal_op(0, argc, argv, OP_ADD);
}

static kz_value fn_subf(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    (void)c;
    return decimal_op(kz_cast_to_float64(&argv[0]), argc - 1, argv + 1, OP_SUB);
}

static kz_value fn_mulf(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    (void)c;
    return decimal_op(kz_cast_to_float64(&argv[0]), argc - 1, argv + 1, OP_MUL);
}

static kz_value fn_divf(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    (void)c;
    return decimal_op(kz_cast_to_float64(&argv[0]), argc - 1, argv + 1, OP_DIV);
}

void kz_funcs_register_math(kz_tmpl_funcs *t) {
    kz_tmpl_funcs_add_typed(t, "add1", fn_add1, "v", NULL);
    kz_tmpl_funcs_add_typed(t, "add", fn_add, "...v", NULL);
    kz_tmpl_funcs_add_typed(t, "sub", fn_sub, "vv", NULL);
    kz_tmpl_funcs_add_typed(t, "div", fn_div, "vv", NULL);
    kz_tmpl_funcs_add_typed(t, "mod", fn_mod, "vv", NULL);
    kz_tmpl_funcs_add_typed(t, "mul", fn_mul, "v...v", NULL);
    kz_tmpl_funcs_add_typed(t, "add1f", fn_add1f, "v", NULL);
    kz_tmpl_funcs_add_typed(t, "addf", fn_addf, "...v", NULL);
    kz_tmpl_funcs_add_typed(t, "subf", fn_subf, "v...v", NULL);
    kz_tmpl_funcs_add_typed(t, "divf", fn_divf, "v...v", NULL);
    kz_tmpl_funcs_add_typed(t, "mulf", fn_mulf, "v...v", NULL);
    kz_tmpl_funcs_add_typed(t, "biggest", fn_max, "v...v", NULL);
    kz_tmpl_funcs_add_typed(t, "max", fn_max, "v...v", NULL);
    kz_tmpl_funcs_add_typed(t, "min", fn_min, "v...v", NULL);
    kz_tmpl_funcs_add_typed(t, "maxf", fn_maxf, "v...v", NULL);
    kz_tmpl_funcs_add_typed(t, "minf", fn_minf, "v...v", NULL);
    kz_tmpl_funcs_add_typed(t, "ceil", fn_ceil, "v", NULL);
    kz_tmpl_funcs_add_typed(t, "floor", fn_floor, "v", NULL);
    kz_tmpl_funcs_add_typed(t, "round", fn_round, "vi...f", NULL);
}
