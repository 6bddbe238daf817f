/*
 * Go's fmt over template values (see fmt.h). The structure follows what Go's
 * fmt does, so that every corner behaves alike: a verb is parsed into flags,
 * width and precision; the argument is printed by its Go type (integers,
 * floats, strings, byte slices, slices and maps element by element); the
 * leaf formatters pad their text to the width. Arguments that don't suit a
 * verb print Go's %!verb(type=value) forms.
 *
 * Number and quoted texts are built in a scratch buffer owned by the printer
 * (one per call, reused by every argument), then padded into the output.
 */
#include "tmpl/fmt.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/gofloat.h"
#include "core/parallel.h"
#include "tmpl/fmt_internal.h"
#include "core/goobj.h"
#include "tmpl/gotype.h"

static const char lower_digits[] = "0123456789abcdefx";
static const char upper_digits[] = "0123456789ABCDEFX";

/* Go refuses widths and precisions beyond this (fmt's tooLarge). */
#define FMT_NUM_MAX 1000000

typedef struct fmt_flags {
    int wid, prec;
    bool wid_present, prec_present;
    bool minus, plus, sharp, space, zero;
    bool plus_v, sharp_v; /* %+v and %#v: set instead of plus and sharp for 'v' */
} fmt_flags;

typedef struct printer {
    kz_buf *out;
    fmt_flags f;
    kz_buf scratch; /* number and quoted texts before padding */
} printer;

static void print_value(printer *p, const kz_value *v, uint32_t verb, int depth);

static void printer_init(printer *p, kz_buf *out) {
    *p = (printer){.out = out};
    kz_buf_init(&p->scratch);
}

static void printer_done(printer *p) { kz_buf_free(&p->scratch); }

static void clear_flags(printer *p) { p->f = (fmt_flags){.wid = 0}; }

/* The scratch buffer, emptied. Its text is only valid until the next call. */
static kz_buf *scratch(printer *p) {
    kz_buf_clear(&p->scratch);
    return &p->scratch;
}

static void put_rune(kz_buf *out, uint32_t r) {
    char tmp[4];
    kz_buf_append(out, tmp, kz_utf8_encode(tmp, r));
}

/* ---- padding ---- */

static void write_padding(printer *p, int n) {
    if (n <= 0) return;
    /* Zero padding only ever goes to the left. */
    kz_buf_repeat(p->out, p->f.zero && !p->f.minus ? '0' : ' ', (size_t)n);
}

/* Appends s[0..n) padded to the width; `runes` is its length in runes. */
static void pad_runes(printer *p, const char *s, size_t n, size_t runes) {
    if (!p->f.wid_present || p->f.wid == 0) {
        kz_buf_append(p->out, s, n);
        return;
    }
    int width = p->f.wid - (int)(runes > FMT_NUM_MAX ? FMT_NUM_MAX : runes);
    if (!p->f.minus) write_padding(p, width);
    kz_buf_append(p->out, s, n);
    if (p->f.minus) write_padding(p, width);
}

static void pad(printer *p, const char *s, size_t n) {
    size_t runes = p->f.wid_present ? kz_utf8_rune_count(s, n) : n;
    pad_runes(p, s, n, runes);
}

/* pad() of ASCII text (numbers), where bytes are runes. */
static void pad_ascii(printer *p, const char *s, size_t n) { pad_runes(p, s, n, n); }

/* pad() with zero padding turned off: numbers that did their own zeros. */
static void pad_no_zero(printer *p, const char *s, size_t n) {
    bool zero = p->f.zero;
    p->f.zero = false;
    pad_ascii(p, s, n);
    p->f.zero = zero;
}

/* ---- strings ---- */

/* Length in bytes of the first `prec` runes of s, when a precision is set. */
static size_t truncated_len(const printer *p, const char *s, size_t n) {
    if (!p->f.prec_present) return n;
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0;
    for (int left = p->f.prec; i < n && left > 0; left--) {
        uint32_t r;
        i += u[i] < 0x80 ? 1 : kz_utf8_decode(u + i, n - i, &r);
    }
    return i;
}

static void fmt_s(printer *p, const char *s, size_t n) { pad(p, s, truncated_len(p, s, n)); }

/* %x / %X of a string's bytes: "% x" separates them, "%#x" adds 0x. */
static void fmt_sbx(printer *p, const char *s, size_t n, const char *digits) {
    size_t length = n;
    if (p->f.prec_present && (size_t)p->f.prec < length) length = (size_t)p->f.prec;
    if (length == 0) {
        if (p->f.wid_present) write_padding(p, p->f.wid);
        return;
    }
    size_t width = 2 * length;
    if (p->f.space) {
        if (p->f.sharp) width *= 2;
        width += length - 1;
    } else if (p->f.sharp) {
        width += 2;
    }
    bool padded = p->f.wid_present && (size_t)p->f.wid > width;
    if (padded && !p->f.minus) write_padding(p, p->f.wid - (int)width);
    kz_buf *out = p->out;
    kz_buf_reserve(out, width);
    char *w = out->data + out->len;
    if (p->f.sharp) *w++ = '0', *w++ = digits[16];
    for (size_t i = 0; i < length; i++) {
        if (p->f.space && i > 0) {
            *w++ = ' ';
            if (p->f.sharp) *w++ = '0', *w++ = digits[16];
        }
        unsigned char c = (unsigned char)s[i];
        *w++ = digits[c >> 4];
        *w++ = digits[c & 0xF];
    }
    out->len += width;
    out->data[out->len] = '\0';
    if (padded && p->f.minus) write_padding(p, p->f.wid - (int)width);
}

/* %q of a string: Go-quoted, ASCII-only with '+', backquoted with '#' if it can. */
static void fmt_q(printer *p, const char *s, size_t n) {
    n = truncated_len(p, s, n);
    kz_buf *sc = scratch(p);
    if (p->f.sharp && kz_fmt_can_backquote(s, n)) {
        kz_buf_putc(sc, '`');
        kz_buf_append(sc, s, n);
        kz_buf_putc(sc, '`');
    } else {
        kz_fmt_quote(sc, s, n, p->f.plus);
    }
    pad(p, sc->data, sc->len);
}

/* ---- integers ---- */

/* An integer in base 2, 8, 10 or 16 with Go's precision, zero padding,
 * prefixes (# and %O) and sign. */
static void fmt_integer(printer *p, uint64_t u, int base, bool is_signed, uint32_t verb,
                        const char *digits) {
    bool negative = is_signed && (int64_t)u < 0;
    if (negative) u = 0 - u;
    int prec = 0;
    if (p->f.prec_present) {
        prec = p->f.prec;
        if (prec == 0 && u == 0) { /* "%.0d" of 0 prints nothing but the padding */
            bool zero = p->f.zero;
            p->f.zero = false;
            write_padding(p, p->f.wid);
            p->f.zero = zero;
            return;
        }
    } else if (p->f.zero && !p->f.minus && p->f.wid_present) {
        prec = p->f.wid; /* zero padding is done as a precision */
        if (negative || p->f.plus || p->f.space) prec--;
    }
    /* Digits are written right to left: on the stack unless a large precision
     * needs the scratch buffer (64 binary digits, prefix and sign fit in 72). */
    char small[96];
    size_t size = 72 + (size_t)(prec > 0 ? prec : 0);
    char *buf = small;
    if (size > sizeof small) {
        kz_buf *sc = scratch(p);
        kz_buf_reserve(sc, size);
        buf = sc->data;
    } else {
        size = sizeof small;
    }
    size_t i = size;
    do {
        buf[--i] = digits[u % (unsigned)base];
        u /= (unsigned)base;
    } while (u != 0);
    while (i > 0 && (size_t)prec > size - i) buf[--i] = '0';
    if (p->f.sharp) {
        if (base == 2) buf[--i] = 'b', buf[--i] = '0';
        else if (base == 8 && buf[i] != '0') buf[--i] = '0';
        else if (base == 16) buf[--i] = digits[16], buf[--i] = '0';
    }
    if (verb == 'O') buf[--i] = 'o', buf[--i] = '0';
    if (negative) buf[--i] = '-';
    else if (p->f.plus) buf[--i] = '+';
    else if (p->f.space) buf[--i] = ' ';
    pad_no_zero(p, buf + i, size - i);
}

/* %U: U+0041, and with '#' also the character if printable: U+0041 'A'. */
static void fmt_unicode(printer *p, uint64_t u) {
    int prec = 4;
    if (p->f.prec_present && p->f.prec > 4) prec = p->f.prec;
    size_t size = 32 + (size_t)prec;
    kz_buf *sc = scratch(p);
    kz_buf_reserve(sc, size);
    char *buf = sc->data;
    size_t i = size;
    if (p->f.sharp && u <= KZ_RUNE_MAX && kz_fmt_isprint((uint32_t)u)) {
        char tmp[4];
        size_t n = kz_utf8_encode(tmp, (uint32_t)u);
        buf[--i] = '\'';
        i -= n;
        memcpy(buf + i, tmp, n);
        buf[--i] = '\'';
        buf[--i] = ' ';
    }
    do {
        buf[--i] = upper_digits[u & 0xF];
        u >>= 4;
        prec--;
    } while (u != 0);
    for (; prec > 0; prec--) buf[--i] = '0';
    buf[--i] = '+';
    buf[--i] = 'U';
    bool zero = p->f.zero;
    p->f.zero = false;
    pad(p, buf + i, size - i);
    p->f.zero = zero;
}

/* %c: the character; beyond Unicode it is U+FFFD. */
static void fmt_c(printer *p, uint64_t u) {
    char tmp[4];
    uint32_t r = u > KZ_RUNE_MAX ? KZ_RUNE_ERROR : (uint32_t)u;
    size_t n = kz_utf8_encode(tmp, r);
    pad_runes(p, tmp, n, 1);
}

/* %q of an integer: a Go character literal. */
static void fmt_qc(printer *p, uint64_t u) {
    uint32_t r = u > KZ_RUNE_MAX ? KZ_RUNE_ERROR : (uint32_t)u;
    kz_buf *sc = scratch(p);
    kz_fmt_quote_rune(sc, r, p->f.plus);
    pad(p, sc->data, sc->len);
}

/* ---- floats ---- */

/* strconv's 'b' format: decimal mantissa "p" binary exponent. */
static void format_float_b(kz_buf *out, double v) {
    uint64_t bits;
    memcpy(&bits, &v, sizeof bits);
    int exp = (int)((bits >> 52) & 0x7FF);
    uint64_t mant = bits & ((UINT64_C(1) << 52) - 1);
    if (exp == 0) exp++;
    else mant |= UINT64_C(1) << 52;
    exp += -1023 - 52;
    kz_buf_printf(out, "%s%llup%s%d", bits >> 63 ? "-" : "", (unsigned long long)mant,
                  exp >= 0 ? "+" : "", exp);
}

/* strconv's 'x' format: -0x1.23abcp+20; prec < 0 means as many hex digits as
 * needed, otherwise the mantissa is rounded (half to even) to prec digits. */
static void format_float_hex(kz_buf *out, double v, int prec, const char *digits) {
    uint64_t bits;
    memcpy(&bits, &v, sizeof bits);
    int exp = (int)((bits >> 52) & 0x7FF);
    uint64_t mant = bits & ((UINT64_C(1) << 52) - 1);
    if (exp == 0) exp = -1022; /* subnormal */
    else mant |= UINT64_C(1) << 52, exp -= 1023;
    if (mant == 0) exp = 0;
    /* Put the leading 1 at bit 60: four bits per hex digit after it. */
    mant <<= 60 - 52;
    while (mant != 0 && (mant & (UINT64_C(1) << 60)) == 0) {
        mant <<= 1;
        exp--;
    }
    if (prec >= 0 && prec < 15) {
        unsigned shift = (unsigned)prec * 4;
        uint64_t extra = (mant << shift) & ((UINT64_C(1) << 60) - 1);
        mant >>= 60 - shift;
        if ((extra | (mant & 1)) > (UINT64_C(1) << 59)) mant++;
        mant <<= 60 - shift;
        if (mant & (UINT64_C(1) << 61)) { /* rounding carried into a new digit */
            mant >>= 1;
            exp++;
        }
    }
    char buf[64];
    size_t n = 0;
    if (bits >> 63) buf[n++] = '-';
    buf[n++] = '0';
    buf[n++] = digits[16];
    buf[n++] = (char)('0' + ((mant >> 60) & 1));
    mant <<= 4;
    if (prec < 0 && mant != 0) {
        buf[n++] = '.';
        for (; mant != 0; mant <<= 4) buf[n++] = digits[(mant >> 60) & 0xF];
        kz_buf_append(out, buf, n);
    } else {
        kz_buf_append(out, buf, n);
        if (prec > 0) {
            kz_buf_putc(out, '.');
            for (int i = 0; i < prec; i++, mant <<= 4) kz_buf_putc(out, digits[(mant >> 60) & 0xF]);
        }
    }
    kz_buf_printf(out, "%c%c%02d", digits[16] == 'x' ? 'p' : 'P', exp < 0 ? '-' : '+', abs(exp));
}

/* Appends strconv.FormatFloat(v, verb, prec, 64) to out. */
static void format_float(kz_buf *out, double v, uint32_t verb, int prec) {
    if (isnan(v) || isinf(v)) {
        kz_buf_puts(out, isnan(v) ? "NaN" : v > 0 ? "+Inf" : "-Inf");
    } else if (verb == 'b') {
        format_float_b(out, v);
    } else if (verb == 'x' || verb == 'X') {
        format_float_hex(out, v, prec, verb == 'x' ? lower_digits : upper_digits);
    } else {
        kz_format_float(out, v, (char)verb, prec);
    }
}

/* With '#': keep a decimal point and, for %g and %x, trailing zeros up to the
 * precision. num is [start, len) of the scratch buffer, num[start] the sign;
 * the result is appended after it and its start returned. */
static size_t sharp_float(printer *p, size_t start, uint32_t verb, int prec) {
    kz_buf *sc = &p->scratch;
    size_t end = sc->len;
    int digits = 0;
    if (verb == 'g' || verb == 'G' || verb == 'x') digits = prec < 0 ? 6 : prec;
    size_t tail = end;
    bool has_point = false, seen_nonzero = false;
    for (size_t i = start + 1; i < end; i++) {
        char c = sc->data[i];
        if (c == '.') {
            has_point = true;
        } else if (c == 'p' || c == 'P' || ((c == 'e' || c == 'E') && verb != 'x' && verb != 'X')) {
            tail = i;
            break;
        } else {
            if (c != '0') seen_nonzero = true;
            if (seen_nonzero) digits--;
        }
    }
    /* Reserve first: the appends below copy from the buffer itself. */
    kz_buf_reserve(sc, (end - start) + (digits > 0 ? (size_t)digits : 0) + 1);
    size_t result = sc->len;
    kz_buf_append(sc, sc->data + start, tail - start);
    if (!has_point) {
        if (tail - start == 2 && sc->data[start + 1] == '0') digits--;
        kz_buf_putc(sc, '.');
    }
    if (digits > 0) kz_buf_repeat(sc, '0', (size_t)digits);
    kz_buf_append(sc, sc->data + tail, end - tail);
    return result;
}

static void fmt_float(printer *p, double v, uint32_t verb, int prec) {
    if (p->f.prec_present) prec = p->f.prec;
    if (!p->f.wid_present && !p->f.plus && !p->f.space && !p->f.sharp && verb != 'b' &&
        verb != 'x' && verb != 'X') {
        format_float(p->out, v, verb, prec); /* nothing to adjust: straight to out */
        return;
    }
    kz_buf *sc = scratch(p);
    kz_buf_putc(sc, '+'); /* room for a sign */
    format_float(sc, v, verb, prec);
    size_t start = 0;
    if (sc->data[1] == '-' || sc->data[1] == '+') start = 1;
    if (p->f.space && sc->data[start] == '+' && !p->f.plus) sc->data[start] = ' ';
    char first = sc->data[start + 1];
    if (first == 'I' || first == 'N') { /* infinities and NaN are never zero padded */
        if (first == 'N' && !p->f.space && !p->f.plus) start++;
        pad_no_zero(p, sc->data + start, sc->len - start);
        return;
    }
    if (p->f.sharp && verb != 'b') start = sharp_float(p, start, verb, prec);
    const char *num = sc->data + start;
    size_t len = sc->len - start;
    if (p->f.plus || num[0] != '+') {
        if (p->f.zero && !p->f.minus && p->f.wid_present && (size_t)p->f.wid > len) {
            kz_buf_putc(p->out, num[0]); /* the sign goes before the zeros */
            write_padding(p, p->f.wid - (int)len);
            kz_buf_append(p->out, num + 1, len - 1);
            return;
        }
        pad_ascii(p, num, len);
        return;
    }
    pad_ascii(p, num + 1, len - 1);
}

/* ---- printing by Go type ---- */

/* %!verb(type=value), or %!verb(<nil>) for nil. */
static void bad_verb(printer *p, uint32_t verb, const kz_value *v) {
    kz_buf_append(p->out, "%!", 2);
    put_rune(p->out, verb);
    kz_buf_putc(p->out, '(');
    if (v == NULL || kz_kind_of(v) == KZ_NULL || kz_kind_of(v) == KZ_INVALID) {
        kz_buf_puts(p->out, "<nil>");
    } else {
        kz_buf_puts(p->out, kz_gotype_name(v));
        kz_buf_putc(p->out, '=');
        print_value(p, v, 'v', 0);
    }
    kz_buf_putc(p->out, ')');
}

static void print_bool(printer *p, const kz_value *v, uint32_t verb) {
    if (verb != 't' && verb != 'v') {
        bad_verb(p, verb, v);
        return;
    }
    if (kz_bool_get(v)) pad_ascii(p, "true", 4);
    else pad_ascii(p, "false", 5);
}

/* %#v of an unsigned integer, and of bytes: 0x-prefixed hex. */
static void fmt_0x(printer *p, uint64_t u) {
    bool sharp = p->f.sharp;
    p->f.sharp = true;
    fmt_integer(p, u, 16, false, 'v', lower_digits);
    p->f.sharp = sharp;
}

/* v (for error messages) is the integer's kz_value. */
static void print_integer(printer *p, uint64_t u, bool is_signed, uint32_t verb, const kz_value *v) {
    switch (verb) {
    case 'v':
        if (p->f.sharp_v && !is_signed) fmt_0x(p, u);
        else fmt_integer(p, u, 10, is_signed, verb, lower_digits);
        break;
    case 'd': fmt_integer(p, u, 10, is_signed, verb, lower_digits); break;
    case 'b': fmt_integer(p, u, 2, is_signed, verb, lower_digits); break;
    case 'o':
    case 'O': fmt_integer(p, u, 8, is_signed, verb, lower_digits); break;
    case 'x': fmt_integer(p, u, 16, is_signed, verb, lower_digits); break;
    case 'X': fmt_integer(p, u, 16, is_signed, verb, upper_digits); break;
    case 'c': fmt_c(p, u); break;
    case 'q': fmt_qc(p, u); break;
    case 'U': fmt_unicode(p, u); break;
    default: bad_verb(p, verb, v);
    }
}

static void print_float(printer *p, const kz_value *v, uint32_t verb) {
    double f = kz_float_get(v);
    switch (verb) {
    case 'v': fmt_float(p, f, 'g', -1); break;
    case 'b':
    case 'g':
    case 'G':
    case 'x':
    case 'X': fmt_float(p, f, verb, -1); break;
    case 'f':
    case 'e':
    case 'E': fmt_float(p, f, verb, 6); break;
    case 'F': fmt_float(p, f, 'f', 6); break;
    default: bad_verb(p, verb, v);
    }
}

static void print_string(printer *p, const kz_value *v, uint32_t verb) {
    const char *s = kz_str(v);
    size_t n = kz_str_len(v);
    switch (verb) {
    case 'v':
        if (p->f.sharp_v) fmt_q(p, s, n);
        else fmt_s(p, s, n);
        break;
    case 's': fmt_s(p, s, n); break;
    case 'x': fmt_sbx(p, s, n, lower_digits); break;
    case 'X': fmt_sbx(p, s, n, upper_digits); break;
    case 'q': fmt_q(p, s, n); break;
    default: bad_verb(p, verb, v);
    }
}

/* A []uint8: as text for %s %q %x %X, otherwise as a slice of uint8. Go names
 * the type []byte at the top level and []uint8 inside other values. */
static void print_bytes(printer *p, const kz_value *v, uint32_t verb, int depth) {
    const char *s = kz_str(v);
    size_t n = kz_str_len(v);
    switch (verb) {
    case 's': fmt_s(p, s, n); return;
    case 'x': fmt_sbx(p, s, n, lower_digits); return;
    case 'X': fmt_sbx(p, s, n, upper_digits); return;
    case 'q': fmt_q(p, s, n); return;
    default: break;
    }
    if (p->f.sharp_v) {
        kz_buf_puts(p->out, depth == 0 ? "[]byte{" : "[]uint8{");
        for (size_t i = 0; i < n; i++) {
            if (i > 0) kz_buf_append(p->out, ", ", 2);
            fmt_0x(p, (unsigned char)s[i]);
        }
        kz_buf_putc(p->out, '}');
        return;
    }
    kz_buf_putc(p->out, '[');
    for (size_t i = 0; i < n; i++) {
        if (i > 0) kz_buf_putc(p->out, ' ');
        kz_value byte = kz_with_gotype(kz_int((unsigned char)s[i]), KZ_GOTYPE_UINT8);
        print_integer(p, (unsigned char)s[i], false, verb, &byte);
    }
    kz_buf_putc(p->out, ']');
}

static void print_seq(printer *p, const kz_value *v, uint32_t verb, int depth) {
    size_t n = kz_len(v);
    if (p->f.sharp_v && kz_is_nil_container(v)) { /* Go's nil slice */
        kz_buf_printf(p->out, "%s(nil)", kz_gotype_name(v));
        return;
    }
    if (p->f.sharp_v) {
        kz_buf_puts(p->out, kz_gotype_name(v));
        kz_buf_putc(p->out, '{');
    } else {
        kz_buf_putc(p->out, '[');
    }
    for (size_t i = 0; i < n; i++) {
        if (i > 0) {
            if (p->f.sharp_v) kz_buf_append(p->out, ", ", 2);
            else kz_buf_putc(p->out, ' ');
        }
        print_value(p, kz_seq_at(v, i), verb, depth + 1);
    }
    kz_buf_putc(p->out, p->f.sharp_v ? '}' : ']');
}

static int key_cmp(const kz_value *map, size_t a, size_t b) {
    const kz_value *ka = kz_map_key_at(map, a), *kb = kz_map_key_at(map, b);
    return kz_key_cmp_bytes(kz_str(ka), kz_str_len(ka), kz_str(kb), kz_str_len(kb));
}

/* Stable merge sort of idx[0..n) by key; tmp has room for n. */
static void sort_keys(const kz_value *map, size_t *idx, size_t *tmp, size_t n) {
    if (n < 2) return;
    size_t half = n / 2;
    sort_keys(map, idx, tmp, half);
    sort_keys(map, idx + half, tmp, n - half);
    size_t i = 0, j = half, k = 0;
    while (i < half && j < n) tmp[k++] = key_cmp(map, idx[j], idx[i]) < 0 ? idx[j++] : idx[i++];
    while (i < half) tmp[k++] = idx[i++];
    while (j < n) tmp[k++] = idx[j++];
    memcpy(idx, tmp, n * sizeof *idx);
}

static void print_map_entry(printer *p, const kz_value *map, size_t i, uint32_t verb, int depth) {
    print_value(p, kz_map_key_at(map, i), verb, depth + 1);
    kz_buf_putc(p->out, ':');
    print_value(p, kz_map_value_at(map, i), verb, depth + 1);
}

/* Go's fmt prints map entries sorted by key (bytewise for strings). */
static void print_map(printer *p, const kz_value *v, uint32_t verb, int depth) {
    size_t n = kz_len(v);
    if (p->f.sharp_v && kz_is_nil_container(v)) { /* Go's nil map */
        kz_buf_printf(p->out, "%s(nil)", kz_gotype_name(v));
        return;
    }
    if (p->f.sharp_v) {
        kz_buf_puts(p->out, kz_gotype_name(v));
        kz_buf_putc(p->out, '{');
    } else {
        kz_buf_puts(p->out, "map[");
    }
    const char *sep = p->f.sharp_v ? ", " : " ";
    size_t sorted = 1; /* no allocation when the keys are in order already */
    while (sorted < n && key_cmp(v, sorted - 1, sorted) < 0) sorted++;
    if (sorted >= n) {
        for (size_t i = 0; i < n; i++) {
            if (i > 0) kz_buf_puts(p->out, sep);
            print_map_entry(p, v, i, verb, depth);
        }
    } else {
        size_t *idx = kz_xmalloc(2 * n * sizeof *idx);
        for (size_t i = 0; i < n; i++) idx[i] = i;
        sort_keys(v, idx, idx + n, n);
        for (size_t i = 0; i < n; i++) {
            if (i > 0) kz_buf_puts(p->out, sep);
            print_map_entry(p, v, idx[i], verb, depth);
        }
        free(idx);
    }
    kz_buf_putc(p->out, p->f.sharp_v ? '}' : ']');
}

static void print_value(printer *p, const kz_value *v, uint32_t verb, int depth);

static bool print_go_string(printer *p, const kz_value *v, uint32_t verb);

/* {f1 f2 ...}: the struct's fields with the verb, named with %+v and %#v
 * (", " between them then); a field the map lacks is an empty string. */
static void print_fields(printer *p, const kz_value *v, const kz_goobj_field *fields, size_t n, uint32_t verb,
                         int depth) {
    kz_buf_putc(p->out, '{');
    for (size_t i = 0; i < n; i++) {
        if (i) kz_buf_puts(p->out, p->f.sharp_v ? ", " : " ");
        if (p->f.plus_v || p->f.sharp_v) kz_buf_printf(p->out, "%s:", fields[i].name);
        const kz_value *f = kz_map_getz(v, fields[i].name);
        kz_value empty = kz_string("");
        print_value(p, f ? f : &empty, verb, depth + 1);
    }
    kz_buf_putc(p->out, '}');
}

/* Helm's structs (.Capabilities, .Chart, a maintainer, a dependency), none
 * of them a Stringer, as Go's printValue walks a struct: each field with the
 * verb (%d of a string field is %!d(string=...)), named with %+v; .Chart is
 * struct { chart.Metadata; IsRoot bool }, its Metadata a struct of its own.
 * Pointers print as "&{...}". Inside a list or struct Go prints a pointer's
 * address for %v %d %x and the like, which no output could match (hm prints
 * "&{...}" there too), and Go's bad verb for the others. */
static void print_go_struct(printer *p, const kz_value *v, uint32_t verb, int depth) {
    kz_gotype t = kz_gotype_of(v);
    size_t n = 0;
    const kz_goobj_field *fields = kz_goobj_struct_fields(v, &n);
    bool chart = t == KZ_GOTYPE_CHART_METADATA;
    bool pointer = t == KZ_GOTYPE_CAPABILITIES || t == KZ_GOTYPE_MAINTAINER || t == KZ_GOTYPE_DEPENDENCY;
    if (pointer && depth > 0 && !(verb < 0x80 && strchr("vpbodxX", (int)verb))) {
        /* Go's fmtPointer: a verb that prints no address is a bad verb, the
         * pointer's value following it in %v */
        bad_verb(p, verb, v);
        return;
    }
    if (pointer) kz_buf_putc(p->out, '&');
    if (chart) kz_buf_puts(p->out, p->f.plus_v ? "{Metadata:" : "{");
    print_fields(p, v, fields, n - (chart ? 1 : 0), verb, depth);
    if (chart) {
        kz_buf_puts(p->out, p->f.plus_v ? " IsRoot:" : " ");
        const kz_value *root = kz_map_getz(v, "IsRoot");
        kz_value none = kz_null();
        print_value(p, root ? root : &none, verb, depth + 1);
        kz_buf_putc(p->out, '}');
    }
}

/* Go objects of the function library (core/goobj.h): a Stringer is printed
 * through String() for the string verbs (Go's handleMethods), %#v through
 * GoString or as a Go struct; a certificate is a struct {Cert Key}. Returns
 * false for other values. */
static bool print_go_object(printer *p, const kz_value *v, uint32_t verb, int depth) {
    kz_gotype t = kz_gotype_of(v);
    bool stringer_int = kz_kind_of(v) == KZ_INT && t != KZ_GOTYPE_NATURAL && t != KZ_GOTYPE_INT64 &&
                        t != KZ_GOTYPE_INT32 && t != KZ_GOTYPE_UINT8 && t != KZ_GOTYPE_UINT64;
    if (stringer_int && p->f.sharp_v) return false; /* %#v of a time.Month: the number */
    if (!stringer_int && (kz_kind_of(v) != KZ_MAP || kz_is_go_map(v))) return false;
    if (p->f.sharp_v) {
        kz_buf text = KZ_BUF_INIT;
        bool done = kz_goobj_go_syntax(v, &text);
        /* a GoStringer's text is padded as a string; a struct's fields are not */
        if (done && t == KZ_GOTYPE_TIME) fmt_s(p, text.data, text.len);
        else if (done) kz_buf_append(p->out, text.data, text.len);
        kz_buf_free(&text);
        if (done) return true;
    }
    if (t == KZ_GOTYPE_CERT || t == KZ_GOTYPE_KUBE_VERSION || t == KZ_GOTYPE_HELM_VERSION) {
        /* structs of strings, printed field by field with the verb */
        static const kz_goobj_field cert_fields[] = {{"Cert", "Cert", false}, {"Key", "Key", false}};
        size_t n = 2;
        const kz_goobj_field *fields = t == KZ_GOTYPE_CERT ? cert_fields : kz_goobj_struct_fields(v, &n);
        if (p->f.sharp_v) kz_buf_puts(p->out, kz_gotype_name(v));
        print_fields(p, v, fields, n, verb, depth);
        return true;
    }
    if (t == KZ_GOTYPE_CAPABILITIES || t == KZ_GOTYPE_CHART_METADATA || t == KZ_GOTYPE_METADATA ||
        t == KZ_GOTYPE_MAINTAINER || t == KZ_GOTYPE_DEPENDENCY) {
        if (verb == 'v' && !p->f.plus_v) return print_go_string(p, v, verb);
        print_go_struct(p, v, verb, depth);
        return true;
    }
    if (verb != 'v' && verb != 's' && verb != 'x' && verb != 'X' && verb != 'q') return false;
    return print_go_string(p, v, verb);
}

/* A Stringer (or a struct whose %v kz_goobj_string writes) through its text. */
static bool print_go_string(printer *p, const kz_value *v, uint32_t verb) {
    kz_buf text = KZ_BUF_INIT;
    if (!kz_goobj_string(v, &text)) {
        kz_buf_free(&text);
        return false;
    }
    kz_value s = kz_string_n(text.data ? text.data : "", text.len);
    print_string(p, &s, verb);
    kz_free(s);
    kz_buf_free(&text);
    return true;
}

static void print_value_here(printer *p, const kz_value *v, uint32_t verb, int depth);

typedef struct deep_print {
    printer *p;
    const kz_value *v;
    uint32_t verb;
    int depth;
} deep_print;

static void print_value_hop(void *arg) {
    deep_print *d = arg;
    print_value_here(d->p, d->v, d->verb, d->depth);
}

/* print_value_here; a container every KZ_DEEP_HOP levels on a fresh stack
 * (core/parallel.h). */
static void print_value(printer *p, const kz_value *v, uint32_t verb, int depth) {
    if (!kz_deep_hop_due((size_t)depth) || !(kz_is_seq(v) || kz_is_map(v))) {
        print_value_here(p, v, verb, depth);
        return;
    }
    deep_print d = {p, v, verb, depth};
    if (!kz_call_with_stack(KZ_DEEP_STACK, print_value_hop, &d)) print_value_hop(&d); /* no thread: on this stack */
}

/* Go's printArg (depth 0) and printValue (inside slices and maps). */
static void print_value_here(printer *p, const kz_value *v, uint32_t verb, int depth) {
    kz_kind kind = kz_kind_of(v);
    if (kind == KZ_NULL || kind == KZ_INVALID) {
        if (depth > 0) kz_buf_puts(p->out, p->f.sharp_v ? "interface {}(nil)" : "<nil>");
        else if (verb == 'T' || verb == 'v') pad_ascii(p, "<nil>", 5);
        else bad_verb(p, verb, NULL);
        return;
    }
    if (depth == 0 && verb == 'T') {
        const char *name = kz_gotype_name(v);
        fmt_s(p, name, strlen(name));
        return;
    }
    if (depth == 0 && verb == 'p') { /* Go prints addresses: not reproducible */
        bad_verb(p, verb, v);
        return;
    }
    if (print_go_object(p, v, verb, depth)) return;
    switch (kind) {
    case KZ_BOOL: print_bool(p, v, verb); break;
    case KZ_INT: print_integer(p, (uint64_t)v->x.u.i, !kz_gotype_is_unsigned(v), verb, v); break;
    case KZ_FLOAT: print_float(p, v, verb); break;
    case KZ_STRING:
        if (kz_gotype_of(v) == KZ_GOTYPE_BYTES) print_bytes(p, v, verb, depth);
        else print_string(p, v, verb);
        break;
    case KZ_SEQ: print_seq(p, v, verb, depth); break;
    case KZ_MAP: print_map(p, v, verb, depth); break;
    default: break;
    }
}

/* ---- Sprint, Sprintln ---- */

static bool is_go_string(const kz_value *v) {
    return kz_kind_of(v) == KZ_STRING && kz_gotype_of(v) != KZ_GOTYPE_BYTES;
}

void kz_fmt_sprint(kz_buf *out, size_t argc, const kz_value *argv) {
    printer p;
    printer_init(&p, out);
    bool prev_string = false;
    for (size_t i = 0; i < argc; i++) {
        bool is_string = is_go_string(&argv[i]);
        /* A space between two operands when neither is a string. */
        if (i > 0 && !is_string && !prev_string) kz_buf_putc(out, ' ');
        print_value(&p, &argv[i], 'v', 0);
        prev_string = is_string;
    }
    printer_done(&p);
}

void kz_fmt_sprintln(kz_buf *out, size_t argc, const kz_value *argv) {
    printer p;
    printer_init(&p, out);
    for (size_t i = 0; i < argc; i++) {
        if (i > 0) kz_buf_putc(out, ' ');
        print_value(&p, &argv[i], 'v', 0);
    }
    kz_buf_putc(out, '\n');
    printer_done(&p);
}

void kz_fmt_value(kz_buf *out, const kz_value *v) { kz_fmt_value_at(out, v, true); }

void kz_fmt_value_at(kz_buf *out, const kz_value *v, bool addressable) {
    kz_kind kind = kz_kind_of(v);
    if (kind == KZ_NULL || kind == KZ_INVALID) {
        kz_buf_puts(out, "<no value>");
        return;
    }
    kz_gotype t = kind == KZ_MAP ? kz_gotype_of(v) : KZ_GOTYPE_NATURAL;
    if (t == KZ_GOTYPE_KUBE_VERSION && addressable) {
        /* Go's printableValue takes the address of an addressable field, such
         * as .Capabilities.KubeVersion, to reach String() on *KubeVersion */
        const kz_value *ver = kz_map_getz(v, "Version");
        if (ver) kz_buf_append(out, kz_str(ver), kz_str_len(ver));
        return;
    }
    if (t == KZ_GOTYPE_CAPABILITIES || t == KZ_GOTYPE_MAINTAINER || t == KZ_GOTYPE_DEPENDENCY) {
        /* ... and prints what a pointer points to: no "&" */
        size_t at = out->len;
        kz_goobj_string(v, out);
        memmove(out->data + at, out->data + at + 1, out->len - at - 1);
        out->len--;
        out->data[out->len] = '\0';
        return;
    }
    printer p;
    printer_init(&p, out);
    print_value(&p, v, 'v', 0);
    printer_done(&p);
}

/* ---- Sprintf ---- */

typedef struct format_state {
    const char *s;
    size_t end, i;
    size_t argc, arg; /* argument count, next argument */
    bool reordered;   /* an explicit index was used: no EXTRA check */
    bool good_arg;    /* the explicit index, if any, was valid */
} format_state;

static bool too_large(int64_t x) { return x > FMT_NUM_MAX || x < -FMT_NUM_MAX; }

/* Go's parsenum: digits from fs->i; an absurdly long number consumes the rest
 * of the format. */
static bool parse_num(format_state *fs, size_t *pos, int *num) {
    int64_t n = 0;
    bool found = false;
    size_t i = *pos;
    for (; i < fs->end && fs->s[i] >= '0' && fs->s[i] <= '9'; i++) {
        if (too_large(n)) {
            *num = 0;
            *pos = fs->end;
            return false;
        }
        n = n * 10 + (fs->s[i] - '0');
        found = true;
    }
    *num = (int)n;
    *pos = i;
    return found;
}

/* "[n]" at fs->i: selects argument n-1. Returns whether an index was there
 * and parsed (Go's argNumber), moving fs->i past it. */
static bool parse_arg_index(format_state *fs) {
    if (fs->i >= fs->end || fs->s[fs->i] != '[') return false;
    fs->reordered = true;
    size_t close = fs->i + 1;
    while (close < fs->end && fs->s[close] != ']') close++;
    if (fs->end - fs->i < 3 || close >= fs->end) { /* no "]": skip the "[" only */
        fs->i++;
        fs->good_arg = false;
        return false;
    }
    size_t pos = fs->i + 1;
    int n = 0;
    bool ok = parse_num(fs, &pos, &n) && pos == close;
    fs->i = close + 1;
    if (ok && n >= 1 && (size_t)n <= fs->argc) {
        fs->arg = (size_t)n - 1;
        return true;
    }
    fs->good_arg = false;
    return ok;
}

/* A width or precision taken from the next argument ('*'): any integer type
 * within Go's limit. */
static bool int_from_arg(format_state *fs, const kz_value *argv, int *num) {
    *num = 0;
    if (fs->arg >= fs->argc) return false;
    const kz_value *v = &argv[fs->arg++];
    if (kz_kind_of(v) != KZ_INT) return false;
    int64_t n = v->x.u.i;
    if (kz_gotype_is_unsigned(v) && n < 0) return false;
    if (too_large(n)) return false;
    *num = (int)n;
    return true;
}

/* Flags, index, width, precision and index again, as Go reads them. Returns
 * whether an index came last ("%[2]d"). */
static bool parse_spec(printer *p, format_state *fs, const kz_value *argv) {
    for (; fs->i < fs->end; fs->i++) {
        char c = fs->s[fs->i];
        if (c == '#') p->f.sharp = true;
        else if (c == '0') p->f.zero = true;
        else if (c == '+') p->f.plus = true;
        else if (c == '-') p->f.minus = true;
        else if (c == ' ') p->f.space = true;
        else break;
    }
    bool after_index = parse_arg_index(fs);
    if (fs->i < fs->end && fs->s[fs->i] == '*') {
        fs->i++;
        p->f.wid_present = int_from_arg(fs, argv, &p->f.wid);
        if (!p->f.wid_present) kz_buf_puts(p->out, "%!(BADWIDTH)");
        if (p->f.wid < 0) { /* a negative width means left-justify */
            p->f.wid = -p->f.wid;
            p->f.minus = true;
        }
        after_index = false;
    } else {
        p->f.wid_present = parse_num(fs, &fs->i, &p->f.wid);
        if (after_index && p->f.wid_present) fs->good_arg = false; /* "%[3]2d" */
    }
    if (fs->i + 1 < fs->end && fs->s[fs->i] == '.') {
        fs->i++;
        if (after_index) fs->good_arg = false; /* "%[3].2d" */
        after_index = parse_arg_index(fs);
        if (fs->i < fs->end && fs->s[fs->i] == '*') {
            fs->i++;
            p->f.prec_present = int_from_arg(fs, argv, &p->f.prec);
            if (p->f.prec < 0) { /* a negative precision means none */
                p->f.prec = 0;
                p->f.prec_present = false;
            }
            if (!p->f.prec_present) kz_buf_puts(p->out, "%!(BADPREC)");
            after_index = false;
        } else {
            p->f.prec_present = parse_num(fs, &fs->i, &p->f.prec);
            p->f.prec_present = true; /* "%.d": precision 0 */
        }
    }
    if (!after_index) after_index = parse_arg_index(fs);
    return after_index;
}

static void print_verb(printer *p, format_state *fs, uint32_t verb, const kz_value *argv) {
    if (verb == '%') { /* takes no argument, ignores width and precision */
        kz_buf_putc(p->out, '%');
    } else if (!fs->good_arg) {
        kz_buf_append(p->out, "%!", 2);
        put_rune(p->out, verb);
        kz_buf_puts(p->out, "(BADINDEX)");
    } else if (fs->arg >= fs->argc) {
        kz_buf_append(p->out, "%!", 2);
        put_rune(p->out, verb);
        kz_buf_puts(p->out, "(MISSING)");
    } else {
        if (verb == 'v') { /* %#v and %+v are their own formats */
            p->f.sharp_v = p->f.sharp;
            p->f.sharp = false;
            p->f.plus_v = p->f.plus;
            p->f.plus = false;
        }
        print_value(p, &argv[fs->arg++], verb, 0);
    }
}

static void print_extra(printer *p, format_state *fs, const kz_value *argv) {
    clear_flags(p);
    kz_buf_puts(p->out, "%!(EXTRA ");
    for (size_t i = fs->arg; i < fs->argc; i++) {
        if (i > fs->arg) kz_buf_append(p->out, ", ", 2);
        kz_kind kind = kz_kind_of(&argv[i]);
        if (kind == KZ_NULL || kind == KZ_INVALID) {
            kz_buf_puts(p->out, "<nil>");
            continue;
        }
        kz_buf_puts(p->out, kz_gotype_name(&argv[i]));
        kz_buf_putc(p->out, '=');
        print_value(p, &argv[i], 'v', 0);
    }
    kz_buf_putc(p->out, ')');
}

void kz_fmt_sprintf(kz_buf *out, const char *format, size_t format_len, size_t argc,
                    const kz_value *argv) {
    printer p;
    printer_init(&p, out);
    format_state fs = {.s = format, .end = format_len, .argc = argc};
    while (fs.i < fs.end) {
        fs.good_arg = true;
        const char *pct = memchr(format + fs.i, '%', fs.end - fs.i);
        size_t stop = pct ? (size_t)(pct - format) : fs.end;
        kz_buf_append(out, format + fs.i, stop - fs.i); /* literal text in one run */
        if (!pct) break;
        fs.i = stop + 1;
        clear_flags(&p);
        parse_spec(&p, &fs, argv);
        if (fs.i >= fs.end) {
            kz_buf_puts(out, "%!(NOVERB)");
            break;
        }
        uint32_t verb;
        fs.i += kz_utf8_decode((const unsigned char *)format + fs.i, fs.end - fs.i, &verb);
        print_verb(&p, &fs, verb, argv);
    }
    if (!fs.reordered && fs.arg < fs.argc) print_extra(&p, &fs, argv);
    printer_done(&p);
}
