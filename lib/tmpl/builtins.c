/*
 * Pure pieces of text/template's builtins (see builtins.h): the three escapers,
 * truth, and the comparisons. Behaviour is Go 1.23's, checked against helm in
 * tests/golden/builtins.
 */
#include "tmpl/builtins.h"

#include <string.h>

#include "tmpl/fmt.h"
#include "tmpl/fmt_internal.h"
#include "core/gotime.h"
#include "tmpl/gotype.h"

static const char hex_upper[] = "0123456789ABCDEF";

/* ---- escapers ---- */

/* HTMLEscapeString replaces five characters with entities and NUL with U+FFFD;
 * every other byte, valid UTF-8 or not, passes through. */
static const char *html_entity(unsigned char c) {
    switch (c) {
    case '\0': return "\xEF\xBF\xBD";
    case '"': return "&#34;";
    case '\'': return "&#39;";
    case '&': return "&amp;";
    case '<': return "&lt;";
    case '>': return "&gt;";
    default: return NULL;
    }
}

void kz_tmpl_html_escape(kz_buf *out, const char *s, size_t n) {
    size_t plain_from = 0; /* start of the run of bytes copied as they are */
    for (size_t i = 0; i < n; i++) {
        const char *entity = html_entity((unsigned char)s[i]);
        if (!entity) continue;
        kz_buf_append(out, s + plain_from, i - plain_from);
        kz_buf_puts(out, entity);
        plain_from = i + 1;
    }
    kz_buf_append(out, s + plain_from, n - plain_from);
}

/* The escape JSEscapeString gives an ASCII byte, or NULL if it stays as is.
 * Control bytes become \u00XX; DEL (0x7f) is left alone, as Go leaves it. */
static const char *js_ascii_escape(unsigned char c, char scratch[7]) {
    switch (c) {
    case '\\': return "\\\\";
    case '\'': return "\\'";
    case '"': return "\\\"";
    case '<': return "\\u003C";
    case '>': return "\\u003E";
    case '&': return "\\u0026";
    case '=': return "\\u003D";
    default: break;
    }
    if (c >= 0x20) return NULL;
    memcpy(scratch, "\\u00", 4);
    scratch[4] = hex_upper[c >> 4];
    scratch[5] = hex_upper[c & 0xF];
    scratch[6] = '\0';
    return scratch;
}

/* Non-ASCII input: printable runes stay (as their original bytes, so an invalid
 * byte, which decodes to the printable U+FFFD, passes through unchanged); other
 * runes become \uXXXX with at least four upper-case hex digits. */
static size_t js_escape_rune(kz_buf *out, const unsigned char *s, size_t n) {
    uint32_t r;
    size_t size = kz_utf8_decode(s, n, &r);
    if (kz_fmt_isprint(r))
        kz_buf_append(out, (const char *)s, size);
    else
        kz_buf_printf(out, "\\u%04X", (unsigned)r);
    return size;
}

void kz_tmpl_js_escape(kz_buf *out, const char *s, size_t n) {
    const unsigned char *u = (const unsigned char *)s;
    size_t plain_from = 0;
    size_t i = 0;
    while (i < n) {
        char scratch[7];
        const char *escape = u[i] < 0x80 ? js_ascii_escape(u[i], scratch) : NULL;
        if (u[i] < 0x80 && !escape) {
            i++;
            continue;
        }
        kz_buf_append(out, s + plain_from, i - plain_from);
        if (escape) {
            kz_buf_puts(out, escape);
            i++;
        } else {
            i += js_escape_rune(out, u + i, n - i);
        }
        plain_from = i;
    }
    kz_buf_append(out, s + plain_from, n - plain_from);
}

/* url.QueryEscape keeps only the unreserved characters of RFC 3986. */
static bool url_unreserved(unsigned char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '-' || c == '_' || c == '.' || c == '~';
}

void kz_tmpl_urlquery_escape(kz_buf *out, const char *s, size_t n) {
    kz_buf_reserve(out, n);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (url_unreserved(c)) {
            kz_buf_putc(out, (char)c);
        } else if (c == ' ') {
            kz_buf_putc(out, '+');
        } else {
            char pct[3] = {'%', hex_upper[c >> 4], hex_upper[c & 0xF]};
            kz_buf_append(out, pct, 3);
        }
    }
}

/* ---- truth ---- */

bool kz_tmpl_truth(const kz_value *v) {
    switch (kz_kind_of(v)) {
    case KZ_BOOL: return kz_bool_get(v);
    case KZ_INT: return kz_uint_get(v) != 0; /* the same bits for int and uint */
    case KZ_FLOAT: return kz_float_get(v) != 0; /* NaN is true, -0 false */
    case KZ_STRING:
    case KZ_SEQ:
    case KZ_MAP: return kz_len(v) > 0;
    default: return false; /* nil, or no value */
    }
}

/* ---- comparisons ---- */

/* Go's basicKind: the classes eq and lt know how to compare. Everything else
 * (nil, slices including []uint8, maps) is CLASS_OTHER. */
typedef enum cmp_class {
    CLASS_OTHER,
    CLASS_BOOL,
    CLASS_INT,
    CLASS_UINT,
    CLASS_FLOAT,
    CLASS_STRING,
} cmp_class;

static cmp_class class_of(const kz_value *v) {
    switch (kz_kind_of(v)) {
    case KZ_BOOL: return CLASS_BOOL;
    case KZ_INT: return kz_gotype_is_unsigned(v) ? CLASS_UINT : CLASS_INT;
    case KZ_FLOAT: return CLASS_FLOAT;
    case KZ_STRING: return kz_gotype_of(v) == KZ_GOTYPE_BYTES ? CLASS_OTHER : CLASS_STRING;
    default: return CLASS_OTHER;
    }
}

/* Go's nil interface: what a missing or null value is to the comparisons. */
static bool is_nil(const kz_value *v) {
    return kz_kind_of(v) == KZ_NULL || kz_kind_of(v) == KZ_INVALID;
}

static const char msg_incompatible[] = "incompatible types for comparison";
static const char msg_invalid_type[] = "invalid type for comparison";

static int compare_bytes(const kz_value *a, const kz_value *b) {
    size_t la = kz_str_len(a), lb = kz_str_len(b);
    int c = memcmp(kz_str(a), kz_str(b), la < lb ? la : lb);
    if (c != 0) return c;
    return la < lb ? -1 : la > lb;
}

/* An int and a uint are equal when the int is not negative and the values match. */
static bool int_eq_uint(const kz_value *i, const kz_value *u) {
    return kz_int_get(i) >= 0 && (uint64_t)kz_int_get(i) == kz_uint_get(u);
}

/* A value as fmt prints it with verb ("%s" or "%v"), into an error message. */
static void put_value(kz_buf *msg, const char *verb, const kz_value *v) {
    kz_fmt_sprintf(msg, verb, 2, 1, v);
}

static kz_value error_from(kz_buf *msg) {
    kz_value err = kz_error("%s", kz_buf_cstr(msg));
    kz_buf_free(msg);
    return err;
}

/* Two values outside the basic classes (nil, slices, maps): equal only when both
 * are nil; otherwise Go refuses. Its first message prints the operands in the
 * order value1 (%s), type1, type2, value2 (%v). */
static bool is_location(const kz_value *v) {
    return kz_kind_of(v) == KZ_MAP && kz_gotype_of(v) == KZ_GOTYPE_LOCATION;
}

/* Go's isNil after indirectInterface: nil itself, or a nil slice or map. */
static bool go_is_nil(const kz_value *v) { return is_nil(v) || kz_is_nil_container(v); }

typedef enum go_compare { GO_NOT_COMPARABLE, GO_BY_VALUE, GO_BY_POINTER } go_compare;

/* reflect.Type.Comparable of the Go structs and pointers kept as MAPs: how ==
 * compares two of them. Slices, maps and Helm's chart.Metadata (it holds
 * slices) are not comparable. */
static go_compare go_comparable(const kz_value *v) {
    if (kz_kind_of(v) != KZ_MAP) return GO_NOT_COMPARABLE;
    switch (kz_gotype_of(v)) {
    case KZ_GOTYPE_SEMVER_VALUE:
    case KZ_GOTYPE_KUBE_VERSION:
    case KZ_GOTYPE_HELM_VERSION:
    case KZ_GOTYPE_CERT: return GO_BY_VALUE; /* structs of numbers and strings */
    case KZ_GOTYPE_SEMVER:
    case KZ_GOTYPE_CAPABILITIES:
    case KZ_GOTYPE_MAINTAINER:
    case KZ_GOTYPE_DEPENDENCY: return GO_BY_POINTER;
    default: return GO_NOT_COMPARABLE;
    }
}

/* arg1.Interface() == arg.Interface() for a comparable b: the same dynamic
 * type and equal fields, or the same pointer. A pointer is the same when the
 * value is one shared block (a variable's copy); Helm has one Capabilities. */
static bool go_interface_equal(const kz_value *a, const kz_value *b) {
    if (kz_kind_of(a) != KZ_MAP || kz_gotype_of(a) != kz_gotype_of(b)) return false;
    switch (go_comparable(b)) {
    case GO_BY_VALUE: return kz_equal(a, b);
    case GO_BY_POINTER: return kz_gotype_of(b) == KZ_GOTYPE_CAPABILITIES || kz_same_block(a, b);
    default: return false;
    }
}

static kz_value eq_other(const kz_value *a, const kz_value *b, bool *result) {
    if (kz_gotime_is(a) && kz_gotime_is(b)) { /* time.Time is a comparable struct */
        *result = kz_gotime_go_equal(a, b);
        return kz_null();
    }
    if (is_location(a) && is_location(b)) { /* pointers: the same *Location */
        *result = kz_gotime_same_location(a, b);
        return kz_null();
    }
    bool same_kind = strcmp(kz_gokind_name(a), kz_gokind_name(b)) == 0;
    if (!same_kind && !is_nil(a) && !is_nil(b)) {
        kz_buf msg = KZ_BUF_INIT;
        kz_buf_puts(&msg, "non-comparable types ");
        put_value(&msg, "%s", a);
        kz_buf_printf(&msg, ": %s, %s: ", kz_gotype_name(a), kz_gotype_name(b));
        put_value(&msg, "%v", b);
        return error_from(&msg);
    }
    if (go_is_nil(a) || go_is_nil(b)) {
        *result = go_is_nil(a) && go_is_nil(b);
        return kz_null();
    }
    if (go_comparable(b) != GO_NOT_COMPARABLE) { /* Go checks only the second operand */
        *result = go_interface_equal(a, b);
        return kz_null();
    }
    kz_buf msg = KZ_BUF_INIT;
    kz_buf_puts(&msg, "non-comparable type ");
    put_value(&msg, "%s", b);
    kz_buf_printf(&msg, ": %s", kz_gotype_name(b));
    return error_from(&msg);
}

static kz_value compare_eq(const kz_value *a, const kz_value *b, bool *result) {
    cmp_class ca = class_of(a), cb = class_of(b);
    *result = false;
    if (ca != cb) {
        if (ca == CLASS_INT && cb == CLASS_UINT) *result = int_eq_uint(a, b);
        else if (ca == CLASS_UINT && cb == CLASS_INT) *result = int_eq_uint(b, a);
        else if (!is_nil(a) && !is_nil(b)) return kz_error("%s", msg_incompatible);
        return kz_null();
    }
    switch (ca) {
    case CLASS_BOOL: *result = kz_bool_get(a) == kz_bool_get(b); break;
    case CLASS_INT:
    case CLASS_UINT: *result = kz_uint_get(a) == kz_uint_get(b); break;
    case CLASS_FLOAT: *result = kz_float_get(a) == kz_float_get(b); break;
    case CLASS_STRING: *result = compare_bytes(a, b) == 0; break;
    case CLASS_OTHER: return eq_other(a, b, result);
    }
    return kz_null();
}

static kz_value compare_lt(const kz_value *a, const kz_value *b, bool *result) {
    cmp_class ca = class_of(a), cb = class_of(b);
    *result = false;
    if (ca == CLASS_OTHER || cb == CLASS_OTHER) return kz_error("%s", msg_invalid_type);
    if (ca != cb) {
        if (ca == CLASS_INT && cb == CLASS_UINT)
            *result = kz_int_get(a) < 0 || (uint64_t)kz_int_get(a) < kz_uint_get(b);
        else if (ca == CLASS_UINT && cb == CLASS_INT)
            *result = kz_int_get(b) >= 0 && kz_uint_get(a) < (uint64_t)kz_int_get(b);
        else
            return kz_error("%s", msg_incompatible);
        return kz_null();
    }
    switch (ca) {
    case CLASS_INT: *result = kz_int_get(a) < kz_int_get(b); break;
    case CLASS_UINT: *result = kz_uint_get(a) < kz_uint_get(b); break;
    case CLASS_FLOAT: *result = kz_float_get(a) < kz_float_get(b); break;
    case CLASS_STRING: *result = compare_bytes(a, b) < 0; break;
    default: return kz_error("%s", msg_invalid_type); /* bools have no order */
    }
    return kz_null();
}

/* le is lt, then eq when not less; gt and ge negate le and lt, so they report
 * the errors of those. */
static kz_value compare_le(const kz_value *a, const kz_value *b, bool *result) {
    kz_value err = compare_lt(a, b, result);
    if (!kz_is_null(&err) || *result) return err;
    return compare_eq(a, b, result);
}

static kz_value negated(kz_value err, bool *result) {
    *result = kz_is_null(&err) ? !*result : false;
    return err;
}

kz_value kz_tmpl_compare(kz_tmpl_cmp_op op, const kz_value *a, const kz_value *b, bool *result) {
    switch (op) {
    case KZ_CMP_EQ: return compare_eq(a, b, result);
    case KZ_CMP_NE: return negated(compare_eq(a, b, result), result);
    case KZ_CMP_LT: return compare_lt(a, b, result);
    case KZ_CMP_LE: return compare_le(a, b, result);
    case KZ_CMP_GT: return negated(compare_le(a, b, result), result);
    case KZ_CMP_GE: return negated(compare_lt(a, b, result), result);
    }
    *result = false;
    return kz_error("unknown comparison");
}
