/*
 * Go's conversion rules as Sprig applies them (spf13/cast v1.7, strconv),
 * and the conversion functions of the template library.
 */
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/goobj.h"
#include "core/alloc.h"
#include "funcs/funcs_internal.h"
#include "tmpl/fmt.h"
#include "tmpl/gotype.h"

/* Go's int64(f) on amd64: truncation, and 0x8000000000000000 for NaN and
 * values out of range (CVTTSD2SQ). */
static int64_t go_float_to_int64(double f) {
    if (isnan(f) || f >= 9223372036854775808.0 || f < -9223372036854775808.0) return INT64_MIN;
    return (int64_t)f;
}

static int lower(int c) { return c | 0x20; }

/* strconv's underscoreOK: underscores only between digits, or between a base
 * prefix and a digit. */
static bool underscore_ok(const char *s, size_t n) {
    char saw = '^';
    size_t i = 0;
    if (n >= 1 && (s[0] == '-' || s[0] == '+')) {
        s++;
        n--;
    }
    bool hex = false;
    if (n >= 2 && s[0] == '0' && (lower(s[1]) == 'b' || lower(s[1]) == 'o' || lower(s[1]) == 'x')) {
        i = 2;
        saw = '0';
        hex = lower(s[1]) == 'x';
    }
    for (; i < n; i++) {
        if ((s[i] >= '0' && s[i] <= '9') || (hex && lower(s[i]) >= 'a' && lower(s[i]) <= 'f')) {
            saw = '0';
            continue;
        }
        if (s[i] == '_') {
            if (saw != '0') return false;
            saw = '_';
            continue;
        }
        if (saw == '_') return false;
        saw = '!';
    }
    return saw != '_';
}

/* strconv.ParseInt(s, 0, 64). */
static bool parse_int_base0(const char *s, size_t n, int64_t *out) {
    const char *s0 = s;
    size_t n0 = n;
    if (n == 0) return false;
    bool neg = false;
    if (s[0] == '+' || s[0] == '-') {
        neg = s[0] == '-';
        s++;
        n--;
    }
    if (n == 0) return false;
    unsigned base = 10;
    if (s[0] == '0') {
        if (n >= 3 && lower(s[1]) == 'b') base = 2, s += 2, n -= 2;
        else if (n >= 3 && lower(s[1]) == 'o') base = 8, s += 2, n -= 2;
        else if (n >= 3 && lower(s[1]) == 'x') base = 16, s += 2, n -= 2;
        else base = 8, s += 1, n -= 1;
    }
    uint64_t v = 0;
    bool underscores = false, overflow = false;
    for (size_t i = 0; i < n; i++) {
        int c = (unsigned char)s[i];
        unsigned d;
        if (c == '_') {
            underscores = true;
            continue;
        } else if (c >= '0' && c <= '9') d = (unsigned)(c - '0');
        else if (lower(c) >= 'a' && lower(c) <= 'z') d = (unsigned)(lower(c) - 'a' + 10);
        else return false;
        if (d >= base) return false;
        if (v > (UINT64_MAX - d) / base) overflow = true;
        else v = v * base + d;
    }
    if (underscores && !underscore_ok(s0, n0)) return false;
    if (overflow) return false;
    if (!neg && v > (uint64_t)INT64_MAX) return false;
    if (neg && v > (uint64_t)INT64_MAX + 1) return false;
    *out = neg ? (int64_t)(0 - v) : (int64_t)v;
    return true;
}

/* cast's trimZeroDecimal: "1.00" -> "1"; anything else unchanged. */
static size_t trim_zero_decimal(const char *s, size_t n) {
    bool found_zero = false;
    for (size_t i = n; i > 0; i--) {
        switch (s[i - 1]) {
        case '.':
            if (found_zero) return i - 1;
            return n;
        case '0': found_zero = true; break;
        default: return n;
        }
    }
    return n;
}

/* Go's float literal grammar as strconv.ParseFloat reads it (decimal and hex
 * mantissas, underscores, inf/infinity/nan), value by strtod (correctly
 * rounded in glibc). False on a syntax error or out of range, as cast treats
 * both. */
static bool parse_float(const char *s, size_t n, double *out) {
    if (n == 0 || n > 4096) return false;
    char *copy = kz_xmalloc(n + 1);
    size_t w = 0;
    size_t i = 0;
    bool ok = true;
    if (s[i] == '+' || s[i] == '-') copy[w++] = s[i++];
    /* inf, infinity, nan: case-insensitive */
    size_t rest = n - i;
    if ((rest == 3 || rest == 8) && strncasecmp(s + i, rest == 3 ? "inf" : "infinity", rest) == 0) {
        free(copy);
        *out = s[0] == '-' ? -INFINITY : INFINITY;
        return true;
    }
    if (rest == 3 && strncasecmp(s + i, "nan", 3) == 0 && i == 0) {
        free(copy);
        *out = NAN;
        return true;
    }
    bool hex = rest >= 2 && s[i] == '0' && lower(s[i + 1]) == 'x';
    if (hex) {
        copy[w++] = '0';
        copy[w++] = 'x';
        i += 2;
    }
    bool digits = false, dot = false, exp = false, underscores = false;
    for (; i < n && ok; i++) {
        int c = (unsigned char)s[i];
        if (c == '_') {
            underscores = true;
            continue;
        }
        if (isdigit(c) || (hex && !exp && isxdigit(c))) {
            digits = true;
            copy[w++] = (char)c;
        } else if (c == '.' && !dot && !exp) {
            dot = true;
            copy[w++] = '.';
        } else if (!exp && digits && lower(c) == (hex ? 'p' : 'e')) {
            exp = true;
            copy[w++] = (char)c;
            if (i + 1 < n && (s[i + 1] == '+' || s[i + 1] == '-')) copy[w++] = s[++i];
            if (i + 1 >= n || !isdigit((unsigned char)s[i + 1])) ok = false;
        } else {
            ok = false;
        }
    }
    if (hex && !exp) ok = false; /* Go requires the p exponent for hex */
    if (!digits || (underscores && !underscore_ok(s, n))) ok = false;
    copy[w] = '\0';
    if (ok) {
        char *end;
        double d = strtod(copy, &end);
        ok = *end == '\0' && !isinf(d);
        *out = d;
    }
    free(copy);
    return ok;
}

/* cast's type switches name the basic types, and time.Month and
 * time.Weekday: any other named integer (time.Duration) casts to 0. */
static bool cast_skips(const kz_value *v) { return kz_gotype_of(v) == KZ_GOTYPE_DURATION; }

int64_t kz_cast_to_int64(const kz_value *v) {
    switch (kz_kind_of(v)) {
    case KZ_BOOL: return kz_bool_get(v) ? 1 : 0;
    case KZ_INT: return cast_skips(v) ? 0 : v->x.u.i; /* a uint64 wraps as Go's int64(u) does */
    case KZ_FLOAT: return go_float_to_int64(kz_float_get(v));
    case KZ_STRING: {
        if (kz_gotype_of(v) == KZ_GOTYPE_BYTES) return 0;
        int64_t i;
        size_t n = trim_zero_decimal(kz_str(v), kz_str_len(v));
        return parse_int_base0(kz_str(v), n, &i) ? i : 0;
    }
    default: return 0;
    }
}

double kz_cast_to_float64(const kz_value *v) {
    switch (kz_kind_of(v)) {
    case KZ_BOOL: return kz_bool_get(v) ? 1 : 0;
    case KZ_INT:
        if (cast_skips(v)) return 0;
        return kz_gotype_is_unsigned(v) ? (double)kz_uint_get(v) : (double)v->x.u.i;
    case KZ_FLOAT: return kz_float_get(v);
    case KZ_STRING: {
        if (kz_gotype_of(v) == KZ_GOTYPE_BYTES) return 0;
        double d;
        return parse_float(kz_str(v), kz_str_len(v), &d) ? d : 0;
    }
    default: return 0;
    }
}

void kz_strval(const kz_value *v, kz_buf *out) {
    if (kz_kind_of(v) == KZ_STRING) {
        kz_buf_append(out, kz_str(v), kz_str_len(v));
        return;
    }
    if (kz_goobj_string(v, out)) return;
    kz_fmt_sprintf(out, "%v", 2, 1, v);
}

kz_value kz_strval_value(const kz_value *v) {
    if (kz_kind_of(v) == KZ_STRING) return kz_gotype_of(v) == KZ_GOTYPE_NATURAL ? kz_copy(v)
                                                                                : kz_string_n(kz_str(v), kz_str_len(v));
    kz_buf b = KZ_BUF_INIT;
    kz_strval(v, &b);
    kz_value s = kz_string_n(b.data ? b.data : "", b.len);
    kz_buf_free(&b);
    return s;
}

kz_value kz_funcs_method_string(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    (void)c, (void)argc;
    kz_buf text = KZ_BUF_INIT;
    kz_goobj_string(&argv[0], &text);
    kz_value s = kz_string_n(text.data ? text.data : "", text.len);
    kz_buf_free(&text);
    return s;
}

bool kz_go_empty(const kz_value *v) {
    switch (kz_kind_of(v)) {
    case KZ_BOOL: return !kz_bool_get(v);
    case KZ_INT: return v->x.u.i == 0;
    case KZ_FLOAT: return kz_float_get(v) == 0;
    case KZ_STRING: return kz_str_len(v) == 0;
    case KZ_SEQ: return kz_len(v) == 0;
    case KZ_MAP: return kz_is_go_map(v)
                            ? kz_len(v) == 0
                            : false; /* structs and pointers */
    default: return true;
    }
}

/* ---- the conversion functions ---- */

static kz_value fn_int64(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    (void)c, (void)argc;
    return kz_go_int64(kz_cast_to_int64(&argv[0]));
}

static kz_value fn_int(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    (void)c, (void)argc;
    return kz_go_int(kz_cast_to_int64(&argv[0]));
}

static kz_value fn_float64(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    (void)c, (void)argc;
    return kz_float(kz_cast_to_float64(&argv[0]));
}

/* atoi: strconv.Atoi with the error dropped: 0 on a syntax error, the
 * int64 bound of the sign on overflow (ParseInt's ErrRange value). Base 10
 * only: no prefixes, no underscores. */
static kz_value fn_atoi(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    (void)c, (void)argc;
    const char *s = kz_str(&argv[0]);
    size_t n = kz_str_len(&argv[0]);
    size_t i = (n > 0 && (s[0] == '+' || s[0] == '-')) ? 1 : 0;
    if (i == n) return kz_go_int(0);
    for (size_t j = i; j < n; j++)
        if (!isdigit((unsigned char)s[j])) return kz_go_int(0);
    bool neg = s[0] == '-';
    uint64_t u = 0;
    bool overflow = false;
    for (size_t j = i; j < n && !overflow; j++) {
        unsigned d = (unsigned)(s[j] - '0');
        if (u > (UINT64_MAX - d) / 10) overflow = true;
        else u = u * 10 + d;
    }
    if (overflow || (!neg && u > (uint64_t)INT64_MAX) || (neg && u > (uint64_t)INT64_MAX + 1))
        return kz_go_int(neg ? INT64_MIN : INT64_MAX);
    return kz_go_int(neg ? (int64_t)(0 - u) : (int64_t)u);
}

/* toDecimal: strconv.ParseInt(fmt.Sprint(v), 8, 64), 0 on any error. */
static kz_value fn_to_decimal(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    (void)c, (void)argc;
    kz_buf b = KZ_BUF_INIT;
    kz_fmt_sprint(&b, 1, &argv[0]);
    const char *s = b.data ? b.data : "";
    size_t n = b.len;
    size_t i = (n > 0 && (s[0] == '+' || s[0] == '-')) ? 1 : 0;
    bool neg = n > 0 && s[0] == '-';
    bool ok = i < n;
    uint64_t u = 0;
    for (size_t j = i; j < n && ok; j++) {
        if (s[j] < '0' || s[j] > '7') ok = false;
        else if (u > (UINT64_MAX >> 3)) ok = false;
        else u = u * 8 + (uint64_t)(s[j] - '0');
    }
    if (ok && ((!neg && u > (uint64_t)INT64_MAX) || (neg && u > (uint64_t)INT64_MAX + 1))) ok = false;
    kz_buf_free(&b);
    if (!ok) return kz_go_int64(0);
    return kz_go_int64(neg ? (int64_t)(0 - u) : (int64_t)u);
}

/* toString: Sprig's strval. */
static kz_value fn_to_string(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    (void)c, (void)argc;
    return kz_strval_value(&argv[0]);
}

/* toStrings: Sprig's strslice. A []string as it is; the elements of a slice
 * through strval, nil elements dropped; nil gives []; anything else [strval]. */
static kz_value fn_to_strings(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    (void)c, (void)argc;
    const kz_value *v = &argv[0];
    kz_value out = kz_seq();
    switch (kz_kind_of(v)) {
    case KZ_INVALID:
    case KZ_NULL: break;
    case KZ_SEQ:
        for (size_t i = 0; i < kz_len(v); i++) {
            const kz_value *e = kz_seq_at(v, i);
            if (kz_kind_of(e) == KZ_NULL || kz_kind_of(e) == KZ_INVALID) continue;
            kz_seq_push(&out, kz_strval_value(e));
        }
        break;
    case KZ_STRING:
        if (kz_gotype_of(v) == KZ_GOTYPE_BYTES) { /* []uint8: each byte as a number */
            for (size_t i = 0; i < kz_str_len(v); i++)
                kz_seq_push(&out, kz_string_fmt("%u", (unsigned)(unsigned char)kz_str(v)[i]));
            break;
        }
        /* fallthrough */
    default: kz_seq_push(&out, kz_strval_value(v)); break;
    }
    return kz_with_gotype(out, KZ_GOTYPE_STRING_SLICE);
}

void kz_funcs_register_conv(kz_tmpl_funcs *t) {
    kz_tmpl_funcs_add_typed(t, "int64", fn_int64, "v", NULL);
    kz_tmpl_funcs_add_typed(t, "int", fn_int, "v", NULL);
    kz_tmpl_funcs_add_typed(t, "float64", fn_float64, "v", NULL);
    kz_tmpl_funcs_add_typed(t, "atoi", fn_atoi, "s", NULL);
    kz_tmpl_funcs_add_typed(t, "toDecimal", fn_to_decimal, "v", NULL);
    kz_tmpl_funcs_add_typed(t, "toString", fn_to_string, "v", NULL);
    kz_tmpl_funcs_add_typed(t, "toStrings", fn_to_strings, "v", NULL);
}
