/*
 * Go's encoding/json syntax errors. jansson parses; this only reproduces the
 * message Go's scanner gives for invalid input (Helm's fromJson puts it into
 * the result), by walking the text with the scanner's states.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "core/utf8.h"
#include "json/json.h"

typedef struct scan {
    const unsigned char *s;
    size_t n, i;
    kz_buf *msg;
    bool failed;
} scan;

/* Go's quoteChar: a byte as a single-quoted Go literal (strconv.Quote of the
 * rune U+00XX with single quotes). */
static void quote_char(kz_buf *out, unsigned char c) {
    if (c == '\'') {
        kz_buf_puts(out, "'\\''");
        return;
    }
    kz_buf_putc(out, '\'');
    if (c == '\\') {
        kz_buf_puts(out, "\\\\");
    } else if (c >= 0x07 && c <= 0x0D) {
        kz_buf_putc(out, '\\');
        kz_buf_putc(out, "abtnvfr"[c - 0x07]);
    } else if (c < 0x20 || c == 0x7F) {
        kz_buf_printf(out, "\\x%02x", c);
    } else if (c < 0x80) {
        kz_buf_putc(out, (char)c);
    } else if (c < 0xA1 || c == 0xAD) { /* C1 controls, NBSP, soft hyphen: not printable */
        kz_buf_printf(out, "\\u%04x", c);
    } else {
        char utf8[4];
        kz_buf_append(out, utf8, kz_utf8_encode(utf8, c));
    }
    kz_buf_putc(out, '\'');
}

static bool fail(scan *sc, const char *context) {
    if (sc->failed) return false;
    sc->failed = true;
    if (sc->i >= sc->n) {
        kz_buf_puts(sc->msg, "unexpected end of JSON input");
        return false;
    }
    kz_buf_puts(sc->msg, "invalid character ");
    quote_char(sc->msg, sc->s[sc->i]);
    kz_buf_putc(sc->msg, ' ');
    kz_buf_puts(sc->msg, context);
    return false;
}

/* For the states that want one more byte (inside a literal, a number's
 * sign, point or exponent, a string escape): at the end of the input Go's
 * scanner.eof feeds them a space, which they reject with their own context,
 * not with "unexpected end of JSON input". */
static bool fail_want(scan *sc, const char *context) {
    if (sc->i < sc->n || sc->failed) return fail(sc, context);
    sc->failed = true;
    kz_buf_puts(sc->msg, "invalid character ' ' ");
    kz_buf_puts(sc->msg, context);
    return false;
}

static bool is_space(unsigned char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

static void skip_space(scan *sc) {
    while (sc->i < sc->n && is_space(sc->s[sc->i])) sc->i++;
}

static bool is_digit(unsigned char c) { return c >= '0' && c <= '9'; }

static bool scan_value(scan *sc, int depth);

static bool scan_literal(scan *sc, const char *word) {
    size_t len = strlen(word);
    for (size_t k = 1; k < len; k++) {
        sc->i++;
        if (sc->i >= sc->n || sc->s[sc->i] != (unsigned char)word[k]) {
            char ctx[64];
            snprintf(ctx, sizeof ctx, "in literal %s (expecting '%c')", word, word[k]);
            return fail_want(sc, ctx);
        }
    }
    sc->i++;
    return true;
}

static bool scan_string(scan *sc) {
    sc->i++; /* the opening quote */
    while (sc->i < sc->n) {
        unsigned char c = sc->s[sc->i];
        if (c == '"') {
            sc->i++;
            return true;
        }
        if (c < 0x20) return fail(sc, "in string literal");
        if (c == '\\') {
            sc->i++;
            if (sc->i >= sc->n) return fail_want(sc, "in string escape code");
            c = sc->s[sc->i];
            if (c == 'u') {
                for (int k = 0; k < 4; k++) {
                    sc->i++;
                    if (sc->i >= sc->n) return fail_want(sc, "in \\u hexadecimal character escape");
                    unsigned char h = sc->s[sc->i];
                    if (!is_digit(h) && !((h | 0x20) >= 'a' && (h | 0x20) <= 'f'))
                        return fail(sc, "in \\u hexadecimal character escape");
                }
            } else if (!strchr("bfnrt\\/\"", c) || c == 0) {
                return fail(sc, "in string escape code");
            }
        }
        sc->i++;
    }
    return fail(sc, "");
}

static bool scan_number(scan *sc) {
    if (sc->s[sc->i] == '-') {
        sc->i++;
        if (sc->i >= sc->n) return fail_want(sc, "in numeric literal");
        if (!is_digit(sc->s[sc->i])) return fail(sc, "in numeric literal");
    }
    if (sc->s[sc->i] == '0') sc->i++;
    else
        while (sc->i < sc->n && is_digit(sc->s[sc->i])) sc->i++;
    if (sc->i < sc->n && sc->s[sc->i] == '.') {
        sc->i++;
        if (sc->i >= sc->n) return fail_want(sc, "after decimal point in numeric literal");
        if (!is_digit(sc->s[sc->i])) return fail(sc, "after decimal point in numeric literal");
        while (sc->i < sc->n && is_digit(sc->s[sc->i])) sc->i++;
    }
    if (sc->i < sc->n && (sc->s[sc->i] | 0x20) == 'e') {
        sc->i++;
        if (sc->i < sc->n && (sc->s[sc->i] == '+' || sc->s[sc->i] == '-')) sc->i++;
        if (sc->i >= sc->n) return fail_want(sc, "in exponent of numeric literal");
        if (!is_digit(sc->s[sc->i])) return fail(sc, "in exponent of numeric literal");
        while (sc->i < sc->n && is_digit(sc->s[sc->i])) sc->i++;
    }
    return true;
}

static bool scan_object(scan *sc, int depth) {
    sc->i++;
    skip_space(sc);
    if (sc->i < sc->n && sc->s[sc->i] == '}') {
        sc->i++;
        return true;
    }
    for (;;) {
        skip_space(sc);
        if (sc->i >= sc->n || sc->s[sc->i] != '"') return fail(sc, "looking for beginning of object key string");
        if (!scan_string(sc)) return false;
        skip_space(sc);
        if (sc->i >= sc->n || sc->s[sc->i] != ':') return fail(sc, "after object key");
        sc->i++;
        if (!scan_value(sc, depth + 1)) return false;
        skip_space(sc);
        if (sc->i >= sc->n) return fail(sc, "");
        if (sc->s[sc->i] == '}') {
            sc->i++;
            return true;
        }
        if (sc->s[sc->i] != ',') return fail(sc, "after object key:value pair");
        sc->i++;
    }
}

static bool scan_array(scan *sc, int depth) {
    sc->i++;
    skip_space(sc);
    if (sc->i < sc->n && sc->s[sc->i] == ']') {
        sc->i++;
        return true;
    }
    for (;;) {
        if (!scan_value(sc, depth + 1)) return false;
        skip_space(sc);
        if (sc->i >= sc->n) return fail(sc, "");
        if (sc->s[sc->i] == ']') {
            sc->i++;
            return true;
        }
        if (sc->s[sc->i] != ',') return fail(sc, "after array element");
        sc->i++;
    }
}

static bool scan_value(scan *sc, int depth) {
    skip_space(sc);
    if (sc->i >= sc->n) return fail(sc, "");
    if (depth > 10000) {
        kz_buf_puts(sc->msg, "exceeded max depth");
        sc->failed = true;
        return false;
    }
    switch (sc->s[sc->i]) {
    case '{': return scan_object(sc, depth);
    case '[': return scan_array(sc, depth);
    case '"': return scan_string(sc);
    case 't': return scan_literal(sc, "true");
    case 'f': return scan_literal(sc, "false");
    case 'n': return scan_literal(sc, "null");
    default:
        if (sc->s[sc->i] == '-' || is_digit(sc->s[sc->i])) return scan_number(sc);
        return fail(sc, "looking for beginning of value");
    }
}

bool kz_json_go_syntax_error(const char *text, size_t len, kz_buf *msg) {
    scan sc = {.s = (const unsigned char *)text, .n = len, .msg = msg};
    if (!scan_value(&sc, 0)) return true;
    skip_space(&sc);
    if (sc.i < sc.n) {
        fail(&sc, "after top-level value");
        return true;
    }
    return false;
}

const char *kz_json_kind(const kz_value *v) {
    switch (kz_kind_of(v)) {
    case KZ_STRING: return "string";
    case KZ_INT:
    case KZ_FLOAT: return "number";
    case KZ_BOOL: return "bool";
    case KZ_SEQ: return "array";
    case KZ_MAP: return "object";
    default: return "null";
    }
}
