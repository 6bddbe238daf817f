/*
 * The YAML emitter: go-yaml v2's output for the JSON form of a kz_value (see
 * emit.h for why). It is a direct recursive walk that keeps the same little bit
 * of state go-yaml's emitter keeps (current indent, column, "last thing written
 * was whitespace", "we are at an indentation") and makes the same decisions with
 * it, so line breaks, folding and indentation fall out identically; it appends
 * straight into the caller's buffer.
 */
#include "yaml/emit.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/base64.h"
#include "core/gofloat.h"
#include "core/goobj.h"
#include "core/gotime.h"
#include "core/utf8.h"
#include "yaml/emit_internal.h"

enum {
    BEST_INDENT = 2,
    BEST_WIDTH = 80,      /* plain and quoted text folds at spaces past this column */
    SIMPLE_KEY_MAX = 128, /* longer keys are written as "? key\n: value" */
};

typedef enum { STYLE_PLAIN, STYLE_SINGLE, STYLE_DOUBLE, STYLE_LITERAL } scalar_style;

/* A map entry in the order being built: key text (the map's own bytes, or a
 * normalised copy in `owned`) and the entry's index in the map. */
typedef struct key_entry {
    const char *s;
    size_t n;
    size_t idx;
    char *owned;
} key_entry;

typedef struct emitter {
    kz_buf *out;
    int indent;        /* go-yaml's emitter->indent; -1 before the root node */
    size_t column;     /* characters (not bytes) on the current line */
    bool whitespace;   /* the last thing written was whitespace or an indentation */
    bool indention;    /* only indentation (and indicators like "- ") on this line */
    kz_buf scratch;    /* normalised text of the string being written */
    key_entry *keys;   /* stack of sorted key indexes, one segment per open map */
    size_t nkeys, capkeys;
    bool failed;
    kz_value err;
} emitter;

/* What go-yaml's analyze_scalar finds out about a string. */
typedef struct scalar_info {
    const char *s;
    size_t n;
    size_t chars;      /* UTF-8 characters */
    bool multiline;
    bool plain_allowed;
    bool single_allowed;
    bool block_allowed;
    bool has_space;
} scalar_info;

static void fail(emitter *e, const char *msg) {
    if (e->failed) return;
    e->failed = true;
    e->err = kz_error("%s", msg);
}

/* ---- low-level writing, tracking the column like go-yaml ---- */

static void put(emitter *e, char c) {
    kz_buf_putc(e->out, c);
    e->column++;
}

static void put_break(emitter *e) {
    kz_buf_putc(e->out, '\n');
    e->column = 0;
}

static size_t utf8_width(unsigned char c) {
    if (c < 0x80) return 1;
    if ((c & 0xE0) == 0xC0) return 2;
    if ((c & 0xF0) == 0xE0) return 3;
    return 4;
}

/* Copy the character at s[*i] (valid UTF-8) and count one column. */
static void write_char(emitter *e, const char *s, size_t *i) {
    size_t w = utf8_width((unsigned char)s[*i]);
    kz_buf_append(e->out, s + *i, w);
    *i += w;
    e->column++;
}

static void write_indent(emitter *e) {
    size_t indent = e->indent < 0 ? 0 : (size_t)e->indent;
    if (!e->indention || e->column > indent || (e->column == indent && !e->whitespace))
        put_break(e);
    if (e->column < indent) {
        kz_buf_repeat(e->out, ' ', indent - e->column);
        e->column = indent;
    }
    e->whitespace = true;
    e->indention = true;
}

static void write_indicator_n(emitter *e, const char *ind, size_t n, bool need_whitespace,
                              bool is_whitespace, bool is_indention) {
    if (need_whitespace && !e->whitespace) put(e, ' ');
    kz_buf_append(e->out, ind, n);
    e->column += n;
    e->whitespace = is_whitespace;
    e->indention = e->indention && is_indention;
}

/* Indicators are string literals (or 1-char arrays): their length is known. */
#define write_indicator(e, lit, ws_before, is_ws, is_ind) \
    write_indicator_n((e), (lit), strlen(lit), (ws_before), (is_ws), (is_ind))

static void increase_indent(emitter *e, bool flow, bool indentless) {
    if (e->indent < 0) e->indent = flow ? BEST_INDENT : 0;
    else if (!indentless) e->indent += BEST_INDENT;
}

/* ---- character classes of go-yaml's emitter (on valid UTF-8) ---- */

static bool is_break_at(const unsigned char *v, size_t i) {
    unsigned char c = v[i];
    return c == '\n' || c == '\r' || (c == 0xC2 && v[i + 1] == 0x85) ||
           (c == 0xE2 && v[i + 1] == 0x80 && (v[i + 2] == 0xA8 || v[i + 2] == 0xA9));
}

static bool is_printable_at(const unsigned char *v, size_t i) {
    unsigned char c = v[i];
    return c == 0x0A || (c >= 0x20 && c <= 0x7E) || (c == 0xC2 && v[i + 1] >= 0xA0) ||
           (c > 0xC2 && c < 0xED) || (c == 0xED && v[i + 1] < 0xA0) || c == 0xEE ||
           (c == 0xEF && !(v[i + 1] == 0xBB && v[i + 2] == 0xBF) &&
            !(v[i + 1] == 0xBF && (v[i + 2] == 0xBE || v[i + 2] == 0xBF)));
}

static bool is_blank_at(const unsigned char *v, size_t n, size_t i) {
    return i < n && (v[i] == ' ' || v[i] == '\t');
}

static bool starts_with_bom(const unsigned char *v, size_t n) {
    return n >= 3 && v[0] == 0xEF && v[1] == 0xBB && v[2] == 0xBF;
}

/* ---- the JSON round trip's effect on text ---- */

/* Decode one character as Go does (invalid sequences: width 1, U+FFFD). */
static uint32_t decode_go(const unsigned char *s, size_t n, size_t i, size_t *w) {
    uint32_t r;
    *w = kz_utf8_decode(s + i, n - i, &r);
    return r;
}

/* Does the text need the round-trip treatment (non-ASCII or DEL)? */
static bool needs_normalizing(const char *s, size_t n) {
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] >= 0x7F) return true;
    return false;
}

/*
 * The text as go-yaml reads it back from Go's JSON: invalid UTF-8 became U+FFFD
 * (json.Marshal); characters go-yaml's reader refuses fail the conversion; and a
 * raw NEL is a line break inside the double-quoted JSON string, folded as YAML
 * folds flow scalars: blanks around the breaks vanish, one break becomes a space,
 * n breaks become n-1 newlines. Writes into dst (cleared first); false on failure.
 */
static bool normalize_text(emitter *e, const char *src, size_t n, kz_buf *dst) {
    const unsigned char *s = (const unsigned char *)src;
    kz_buf_clear(dst);
    kz_buf_reserve(dst, n + 8);
    size_t i = 0;
    while (i < n) {
        size_t w;
        uint32_t r = decode_go(s, n, i, &w);
        if (r == 0x7F || (r >= 0x80 && r <= 0x9F && r != 0x85) || r == 0xFFFE || r == 0xFFFF) {
            fail(e, "yaml: control characters are not allowed");
            return false;
        }
        if (r == ' ' || r == 0x85) {
            /* a run of spaces and NELs */
            size_t start = dst->len;
            bool leading_blanks = false;
            size_t trailing_breaks = 0;
            while (i < n && (s[i] == ' ' || (s[i] == 0xC2 && i + 1 < n && s[i + 1] == 0x85))) {
                if (s[i] == ' ') {
                    if (!leading_blanks) kz_buf_putc(dst, ' ');
                    i++;
                } else {
                    if (!leading_blanks) {
                        dst->len = start; /* spaces before the first break vanish */
                        leading_blanks = true;
                    } else {
                        trailing_breaks++;
                    }
                    i += 2;
                }
            }
            if (leading_blanks) {
                if (trailing_breaks == 0) kz_buf_putc(dst, ' ');
                else kz_buf_repeat(dst, '\n', trailing_breaks);
                /* a document marker right after a line break ends go-yaml's read */
                if (n - i >= 4 && (memcmp(s + i, "---", 3) == 0 || memcmp(s + i, "...", 3) == 0) &&
                    (s[i + 3] == ' ' || (s[i + 3] == 0xC2 && i + 4 < n && s[i + 4] == 0x85))) {
                    fail(e, "yaml: found unexpected document indicator");
                    return false;
                }
            }
            continue;
        }
        if (r == 0xFFFD && w == 1) kz_utf8_append(dst, KZ_RUNE_ERROR); /* invalid byte */
        else kz_buf_append(dst, src + i, w);
        i += w;
    }
    if (dst->data == NULL) kz_buf_reserve(dst, 1);
    dst->data[dst->len] = '\0';
    return true;
}

/* ---- scalar analysis and style choice (go-yaml's rules) ---- */

static void analyze_scalar(scalar_info *sc) {
    const unsigned char *v = (const unsigned char *)sc->s;
    size_t n = sc->n;
    sc->chars = 0;
    sc->has_space = false;
    if (n == 0) {
        sc->multiline = false;
        sc->plain_allowed = true;
        sc->single_allowed = true;
        sc->block_allowed = false;
        return;
    }
    bool indicators = n >= 3 && ((v[0] == '-' && v[1] == '-' && v[2] == '-') ||
                                 (v[0] == '.' && v[1] == '.' && v[2] == '.'));
    bool line_breaks = false, special = false;
    bool leading_space = false, leading_break = false, trailing_space = false,
         trailing_break = false, break_space = false, space_break = false;
    bool previous_space = false, previous_break = false;
    bool preceded_by_whitespace = true;

    for (size_t i = 0, w; i < n; i += w) {
        unsigned char c = v[i];
        w = utf8_width(c);
        sc->chars++;
        bool followed_by_whitespace = i + w >= n || is_blank_at(v, n, i + w);
        if (i == 0) {
            switch (c) {
            case '#': case ',': case '[': case ']': case '{': case '}': case '&': case '*':
            case '!': case '|': case '>': case '\'': case '"': case '%': case '@': case '`':
                indicators = true;
                break;
            case '?': case ':': case '-':
                if (followed_by_whitespace) indicators = true;
                break;
            default:
                break;
            }
        } else if (c == ':') {
            if (followed_by_whitespace) indicators = true;
        } else if (c == '#') {
            if (preceded_by_whitespace) indicators = true;
        }

        bool printable, brk;
        if (c < 0x80) {
            printable = c == '\n' || (c >= 0x20 && c <= 0x7E);
            brk = c == '\n' || c == '\r';
        } else {
            printable = is_printable_at(v, i);
            brk = is_break_at(v, i);
        }
        if (!printable) special = true;
        if (c == ' ') {
            sc->has_space = true;
            if (i == 0) leading_space = true;
            if (i + w == n) trailing_space = true;
            if (previous_break) break_space = true;
            previous_space = true;
            previous_break = false;
        } else if (brk) {
            line_breaks = true;
            if (i == 0) leading_break = true;
            if (i + w == n) trailing_break = true;
            if (previous_space) space_break = true;
            previous_space = false;
            previous_break = true;
        } else {
            previous_space = false;
            previous_break = false;
        }
        preceded_by_whitespace = c == ' ' || c == '\t' || c == '\0' || brk;
    }

    sc->multiline = line_breaks;
    sc->plain_allowed = true;
    sc->single_allowed = true;
    sc->block_allowed = true;
    if (leading_space || leading_break || trailing_space || trailing_break) sc->plain_allowed = false;
    if (trailing_space) sc->block_allowed = false;
    if (break_space) sc->plain_allowed = sc->single_allowed = false;
    if (space_break || special)
        sc->plain_allowed = sc->single_allowed = sc->block_allowed = false;
    if (line_breaks || indicators) sc->plain_allowed = false;
}

/* The style go-yaml's encoder asks for, then what its emitter settles on. */
static scalar_style choose_style(const scalar_info *sc, bool simple_key) {
    scalar_style style;
    if (memchr(sc->s, '\n', sc->n)) style = STYLE_LITERAL;
    else if (kz_yaml_plain_is_string(sc->s, sc->n)) style = STYLE_PLAIN;
    else style = STYLE_DOUBLE;

    if (simple_key && sc->multiline) style = STYLE_DOUBLE;
    if (style == STYLE_PLAIN) {
        if (!sc->plain_allowed) style = STYLE_SINGLE;
        if (sc->n == 0 && simple_key) style = STYLE_SINGLE;
    }
    if (style == STYLE_SINGLE && !sc->single_allowed) style = STYLE_DOUBLE;
    if (style == STYLE_LITERAL && (!sc->block_allowed || simple_key)) style = STYLE_DOUBLE;
    return style;
}

/* ---- scalar writers ---- */

static void write_plain(emitter *e, const scalar_info *sc, bool allow_breaks) {
    if (!e->whitespace) put(e, ' ');
    const char *v = sc->s;
    size_t n = sc->n;
    /* Fast path: no space can fall past the fold column. */
    if (!allow_breaks || !sc->has_space || e->column + sc->chars <= BEST_WIDTH + 1) {
        kz_buf_append(e->out, v, n);
        e->column += sc->chars;
    } else {
        bool spaces = false;
        for (size_t i = 0; i < n;) {
            if (v[i] == ' ') {
                if (!spaces && e->column > BEST_WIDTH && i + 1 < n && v[i + 1] != ' ') {
                    write_indent(e);
                    i++;
                } else {
                    write_char(e, v, &i);
                }
                spaces = true;
            } else {
                write_char(e, v, &i);
                e->indention = false;
                spaces = false;
            }
        }
    }
    e->whitespace = false;
    e->indention = false;
}

static void write_single_quoted(emitter *e, const scalar_info *sc, bool allow_breaks) {
    const char *v = sc->s;
    const unsigned char *u = (const unsigned char *)v;
    size_t n = sc->n;
    write_indicator(e, "'", true, false, false);
    bool spaces = false, breaks = false;
    for (size_t i = 0; i < n;) {
        if (v[i] == ' ') {
            if (allow_breaks && !spaces && e->column > BEST_WIDTH && i > 0 && i + 1 < n &&
                v[i + 1] != ' ') {
                write_indent(e);
                i++;
            } else {
                write_char(e, v, &i);
            }
            spaces = true;
        } else if (is_break_at(u, i)) {
            if (!breaks && v[i] == '\n') put_break(e);
            if (v[i] == '\n') {
                put_break(e);
                i++;
            } else {
                write_char(e, v, &i); /* LS/PS: copied, then a new line begins */
                e->column = 0;
            }
            e->indention = true;
            breaks = true;
        } else {
            if (breaks) write_indent(e);
            if (v[i] == '\'') put(e, '\'');
            write_char(e, v, &i);
            e->indention = false;
            spaces = false;
            breaks = false;
        }
    }
    write_indicator(e, "'", false, false, false);
    e->whitespace = false;
    e->indention = false;
}

static void put_hex_escape(emitter *e, char kind, uint32_t r, int digits) {
    static const char hex[] = "0123456789ABCDEF";
    put(e, kind);
    for (int k = (digits - 1) * 4; k >= 0; k -= 4) put(e, hex[(r >> k) & 0xF]);
}

static void write_double_quoted(emitter *e, const scalar_info *sc, bool allow_breaks) {
    const char *v = sc->s;
    const unsigned char *u = (const unsigned char *)v;
    size_t n = sc->n;
    /* go-yaml's BOM test looks at the start of the string, not at the current
     * character: a string starting with a BOM has every character escaped. */
    bool escape_all = starts_with_bom(u, n);
    write_indicator(e, "\"", true, false, false);
    bool spaces = false;
    for (size_t i = 0; i < n;) {
        unsigned char c = u[i];
        if (escape_all || !is_printable_at(u, i) || is_break_at(u, i) || c == '"' || c == '\\') {
            size_t w = utf8_width(c);
            uint32_t r = w == 1 ? c : (uint32_t)(c & (0xFF >> (w + 1)));
            for (size_t k = 1; k < w; k++) r = (r << 6) | (u[i + k] & 0x3F);
            i += w;
            put(e, '\\');
            switch (r) {
            case 0x00: put(e, '0'); break;
            case 0x07: put(e, 'a'); break;
            case 0x08: put(e, 'b'); break;
            case 0x09: put(e, 't'); break;
            case 0x0A: put(e, 'n'); break;
            case 0x0B: put(e, 'v'); break;
            case 0x0C: put(e, 'f'); break;
            case 0x0D: put(e, 'r'); break;
            case 0x1B: put(e, 'e'); break;
            case 0x22: put(e, '"'); break;
            case 0x5C: put(e, '\\'); break;
            case 0x85: put(e, 'N'); break;
            case 0xA0: put(e, '_'); break;
            case 0x2028: put(e, 'L'); break;
            case 0x2029: put(e, 'P'); break;
            default:
                if (r <= 0xFF) put_hex_escape(e, 'x', r, 2);
                else if (r <= 0xFFFF) put_hex_escape(e, 'u', r, 4);
                else put_hex_escape(e, 'U', r, 8);
            }
            spaces = false;
        } else if (c == ' ') {
            if (allow_breaks && !spaces && e->column > BEST_WIDTH && i > 0 && i + 1 < n) {
                write_indent(e);
                if (v[i + 1] == ' ') put(e, '\\');
                i++;
            } else {
                write_char(e, v, &i);
            }
            spaces = true;
        } else {
            write_char(e, v, &i);
            spaces = false;
        }
    }
    write_indicator(e, "\"", false, false, false);
    e->whitespace = false;
    e->indention = false;
}

static void write_literal(emitter *e, const scalar_info *sc) {
    const char *v = sc->s;
    const unsigned char *u = (const unsigned char *)v;
    size_t n = sc->n;
    write_indicator(e, "|", true, false, false);
    /* Block scalar hints: indentation when the text starts with a space or break,
     * chomping from how many line breaks end it. */
    if (n > 0 && (v[0] == ' ' || is_break_at(u, 0))) {
        char hint[2] = {(char)('0' + BEST_INDENT), '\0'};
        write_indicator(e, hint, false, false, false);
    }
    const char *chomp = NULL;
    if (n == 0) {
        chomp = "-";
    } else {
        size_t i = n - 1;
        while (i > 0 && (u[i] & 0xC0) == 0x80) i--;
        if (!is_break_at(u, i)) {
            chomp = "-";
        } else if (i == 0) {
            chomp = "+";
        } else {
            i--;
            while (i > 0 && (u[i] & 0xC0) == 0x80) i--;
            if (is_break_at(u, i)) chomp = "+";
        }
    }
    if (chomp) write_indicator(e, chomp, false, false, false);
    put_break(e);
    e->indention = true;
    e->whitespace = true;
    bool breaks = true;
    for (size_t i = 0; i < n;) {
        if (is_break_at(u, i)) {
            if (v[i] == '\n') {
                put_break(e);
                i++;
            } else {
                write_char(e, v, &i);
                e->column = 0;
            }
            e->indention = true;
            breaks = true;
        } else {
            if (breaks) write_indent(e);
            write_char(e, v, &i);
            e->indention = false;
            breaks = false;
        }
    }
}

/* A string scalar: s is already normalised. */
static void emit_string_scalar(emitter *e, const char *s, size_t n, bool simple_key) {
    scalar_info sc = {.s = s, .n = n};
    analyze_scalar(&sc);
    scalar_style style = choose_style(&sc, simple_key);
    int saved = e->indent;
    increase_indent(e, true, false);
    switch (style) {
    case STYLE_PLAIN: write_plain(e, &sc, !simple_key); break;
    case STYLE_SINGLE: write_single_quoted(e, &sc, !simple_key); break;
    case STYLE_DOUBLE: write_double_quoted(e, &sc, !simple_key); break;
    case STYLE_LITERAL: write_literal(e, &sc); break;
    }
    e->indent = saved;
}

/* A plain scalar with no spaces or special characters (numbers, bools, null). */
static void emit_atom(emitter *e, const char *s, size_t n) {
    if (!e->whitespace) put(e, ' ');
    kz_buf_append(e->out, s, n);
    e->column += n;
    e->whitespace = false;
    e->indention = false;
}

/* ---- numbers as go-yaml re-reads their JSON ---- */

static void emit_decimal(emitter *e, uint64_t m, bool negative) {
    char t[24];
    char *p = t + sizeof t;
    do *--p = (char)('0' + m % 10);
    while ((m /= 10) != 0);
    if (negative) *--p = '-';
    emit_atom(e, p, (size_t)(t + sizeof t - p));
}

static void emit_int(emitter *e, int64_t i) {
    /* Negate in unsigned arithmetic so INT64_MIN has no overflow. */
    emit_decimal(e, i < 0 ? (uint64_t)0 - (uint64_t)i : (uint64_t)i, i < 0);
}

/* Is t (an integral JSON number, optional '-') an int go-yaml accepts: int64, or
 * uint64 without a sign? */
static bool json_integer_fits(const char *t, size_t n) {
    bool neg = n > 0 && t[0] == '-';
    uint64_t mag = 0;
    for (size_t i = neg ? 1 : 0; i < n; i++) {
        unsigned d = (unsigned)(t[i] - '0');
        if (mag > (UINT64_MAX - d) / 10) return false;
        mag = mag * 10 + d;
    }
    return neg ? mag <= (uint64_t)INT64_MAX + 1 : true;
}

static void emit_float(emitter *e, double f) {
    if (isnan(f) || isinf(f)) {
        fail(e, isnan(f) ? "error marshaling into JSON: json: unsupported value: NaN"
                 : f > 0 ? "error marshaling into JSON: json: unsupported value: +Inf"
                         : "error marshaling into JSON: json: unsupported value: -Inf");
        return;
    }
    /* Integral and exact: JSON prints the integer, go-yaml reads an int. */
    if (f == trunc(f) && fabs(f) < 9007199254740992.0) {
        emit_int(e, (int64_t)f);
        return;
    }
    kz_buf t = KZ_BUF_INIT;
    kz_format_json_float(&t, f);
    if (!strpbrk(t.data, ".eE") && json_integer_fits(t.data, t.len)) {
        emit_atom(e, t.data, t.len); /* read back as int or uint64: printed as is */
    } else {
        kz_buf_clear(&t);
        kz_format_float(&t, f, 'g', -1); /* read back as float64: strconv 'g' */
        emit_atom(e, t.data, t.len);
    }
    kz_buf_free(&t);
}

/* ---- keys ---- */

/* Decode s into runes the way Go's []rune(s) does. */
static size_t to_runes(const char *s, size_t n, uint32_t *out) {
    size_t k = 0;
    for (size_t i = 0, w; i < n; i += w) out[k++] = decode_go((const unsigned char *)s, n, i, &w);
    return k;
}

static int three_way(int64_t a, int64_t b) { return (a > b) - (a < b); }

/* go-yaml's keyList.Less as a three-way comparison over rune arrays; defined for
 * bytes (ASCII keys, the common case, need no decoding) and for decoded runes. */
#define DEFINE_COMPARE(name, T)                                                              \
    static int name(const T *a, size_t an, const T *b, size_t bn) {                          \
        for (size_t i = 0; i < an && i < bn; i++) {                                          \
            if (a[i] == b[i]) continue;                                                      \
            bool al = kz_go_is_letter(a[i]), bl = kz_go_is_letter(b[i]);                     \
            if (al && bl) return a[i] < b[i] ? -1 : 1;                                       \
            if (al || bl) return bl ? -1 : 1;                                                \
            /* Runs of digits compare as numbers; a run starting with '0' after a nonzero  \
             * digit of the common prefix keeps that magnitude (go-yaml's quirk). */         \
            uint64_t av = 0, bv = 0;                                                         \
            if (a[i] == '0' || b[i] == '0') {                                                \
                for (size_t j = i; j-- > 0 && kz_go_is_digit(a[j]);) {                       \
                    if (a[j] != '0') {                                                       \
                        av = bv = 1;                                                         \
                        break;                                                               \
                    }                                                                        \
                }                                                                            \
            }                                                                                \
            size_t ai = i, bi = i;                                                           \
            for (; ai < an && kz_go_is_digit(a[ai]); ai++)                                   \
                av = av * 10 + (uint64_t)((int64_t)a[ai] - '0');                             \
            for (; bi < bn && kz_go_is_digit(b[bi]); bi++)                                   \
                bv = bv * 10 + (uint64_t)((int64_t)b[bi] - '0');                             \
            if (av != bv) return three_way((int64_t)av, (int64_t)bv);                        \
            if (ai != bi) return ai < bi ? -1 : 1;                                           \
            return a[i] < b[i] ? -1 : 1;                                                     \
        }                                                                                    \
        return (an > bn) - (an < bn);                                                        \
    }

DEFINE_COMPARE(compare_bytes, unsigned char)
DEFINE_COMPARE(compare_runes, uint32_t)

static bool is_ascii(const char *s, size_t n) {
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] >= 0x80) return false;
    return true;
}

int kz_yaml_key_cmp(const char *a, size_t alen, const char *b, size_t blen) {
    if (alen == blen && memcmp(a, b, alen) == 0) return 0;
    if (is_ascii(a, alen) && is_ascii(b, blen))
        return compare_bytes((const unsigned char *)a, alen, (const unsigned char *)b, blen);
    uint32_t abuf[64], bbuf[64];
    uint32_t *ar = alen <= 64 ? abuf : kz_xmalloc(alen * sizeof *ar);
    uint32_t *br = blen <= 64 ? bbuf : kz_xmalloc(blen * sizeof *br);
    size_t an = to_runes(a, alen, ar), bn = to_runes(b, blen, br);
    int c = compare_runes(ar, an, br, bn);
    if (ar != abuf) free(ar);
    if (br != bbuf) free(br);
    return c;
}

static int entry_cmp(const key_entry *x, const key_entry *y) {
    return kz_yaml_key_cmp(x->s, x->n, y->s, y->n);
}

/* Stable merge sort of k[0..n) using tmp[0..n). */
static void sort_entries(key_entry *k, key_entry *tmp, size_t n) {
    if (n < 2) return;
    if (n <= 8) {
        for (size_t i = 1; i < n; i++) {
            key_entry x = k[i];
            size_t j = i;
            while (j > 0 && entry_cmp(&k[j - 1], &x) > 0) {
                k[j] = k[j - 1];
                j--;
            }
            k[j] = x;
        }
        return;
    }
    size_t half = n / 2;
    sort_entries(k, tmp, half);
    sort_entries(k + half, tmp, n - half);
    if (entry_cmp(&k[half - 1], &k[half]) <= 0) return;
    memcpy(tmp, k, n * sizeof *k);
    size_t i = 0, j = half, o = 0;
    while (i < half && j < n) k[o++] = entry_cmp(&tmp[j], &tmp[i]) < 0 ? tmp[j++] : tmp[i++];
    while (i < half) k[o++] = tmp[i++];
    while (j < n) k[o++] = tmp[j++];
}

/* Push the map's keys, normalised, onto the key stack in go-yaml's order.
 * Returns the segment's base offset (the stack may move: index it freshly). */
static size_t push_sorted_keys(emitter *e, const kz_value *map) {
    size_t n = kz_len(map);
    size_t base = e->nkeys;
    if (base + 2 * n > e->capkeys) {
        e->capkeys = kz_grow_cap(e->capkeys, base + 2 * n);
        e->keys = kz_xrealloc(e->keys, e->capkeys * sizeof *e->keys);
    }
    key_entry *k = e->keys + base;
    for (size_t i = 0; i < n; i++) {
        const kz_value *key = kz_map_key_at(map, i);
        k[i] = (key_entry){kz_str(key), kz_str_len(key), i, NULL};
        if (needs_normalizing(k[i].s, k[i].n)) {
            if (normalize_text(e, k[i].s, k[i].n, &e->scratch)) {
                k[i].owned = kz_xstrndup(e->scratch.data, e->scratch.len);
                k[i].s = k[i].owned;
                k[i].n = e->scratch.len;
            }
        }
    }
    sort_entries(k, k + n, n);
    e->nkeys = base + n;
    return base;
}

static void pop_keys(emitter *e, size_t base) {
    for (size_t i = base; i < e->nkeys; i++) free(e->keys[i].owned);
    e->nkeys = base;
}

/* ---- nodes ---- */

static void emit_node(emitter *e, const kz_value *v, bool mapping_context);

static void emit_string_value(emitter *e, const kz_value *v) {
    const char *s = kz_str(v);
    size_t n = kz_str_len(v);
    if (needs_normalizing(s, n)) {
        if (!normalize_text(e, s, n, &e->scratch)) return;
        s = e->scratch.data;
        n = e->scratch.len;
    }
    emit_string_scalar(e, s, n, false);
}

static void emit_block_sequence(emitter *e, const kz_value *seq, bool mapping_context) {
    int saved = e->indent;
    /* A sequence that is a mapping's value is not indented under its key. */
    increase_indent(e, false, mapping_context && !e->indention);
    size_t n = kz_len(seq);
    for (size_t i = 0; i < n && !e->failed; i++) {
        write_indent(e);
        write_indicator(e, "-", true, false, true);
        emit_node(e, kz_seq_at(seq, i), false);
    }
    e->indent = saved;
}

static void emit_block_mapping(emitter *e, const kz_value *map) {
    int saved = e->indent;
    increase_indent(e, false, false);
    size_t base = push_sorted_keys(e, map);
    size_t n = kz_len(map);
    for (size_t j = 0; j < n && !e->failed; j++) {
        key_entry k = e->keys[base + j];
        const kz_value *val = kz_map_value_at(map, k.idx);
        write_indent(e);
        bool multiline = false;
        for (size_t i = 0; i < k.n && !multiline; i++) {
            unsigned char c = (unsigned char)k.s[i];
            multiline = c == '\n' || c == '\r' || (c >= 0xC2 && is_break_at((const unsigned char *)k.s, i));
        }
        if (!multiline && k.n <= SIMPLE_KEY_MAX) {
            emit_string_scalar(e, k.s, k.n, true);
            write_indicator(e, ":", false, false, false);
        } else {
            /* complex key: "? key" then ": value" on the next line */
            write_indicator(e, "?", true, false, true);
            emit_string_scalar(e, k.s, k.n, false);
            write_indent(e);
            write_indicator(e, ":", true, false, true);
        }
        emit_node(e, val, true);
    }
    pop_keys(e, base);
    e->indent = saved;
}

/* What encoding/json turns into a string before go-yaml sees it: []byte
 * (base64), time.Time and *semver.Version (their MarshalJSON). Returns false
 * for every other value. */
static bool emit_json_string_form(emitter *e, const kz_value *v) {
    kz_gotype t = kz_gotype_of(v);
    if (t == KZ_GOTYPE_NATURAL) return false;
    kz_buf text = KZ_BUF_INIT;
    bool handled = true;
    if (kz_kind_of(v) == KZ_STRING && t == KZ_GOTYPE_BYTES) {
        kz_base64_encode(kz_str(v), kz_str_len(v), &text);
    } else if (kz_gotime_is(v) && kz_gotime_marshal_error(v)) {
        if (!e->failed) {
            e->failed = true;
            e->err = kz_error("error marshaling into JSON: json: error calling MarshalJSON for type time.Time: %s",
                              kz_gotime_marshal_error(v));
        }
        kz_buf_free(&text);
        return true;
    } else {
        handled = kz_goobj_json_string(v, &text);
    }
    if (handled) {
        kz_value s = kz_string_n(text.data ? text.data : "", text.len);
        emit_string_value(e, &s);
        kz_free(s);
    }
    kz_buf_free(&text);
    return handled;
}

static void emit_node(emitter *e, const kz_value *v, bool mapping_context) {
    if (emit_json_string_form(e, v)) return;
    switch (kz_kind_of(v)) {
    case KZ_NULL: emit_atom(e, "null", 4); break;
    case KZ_BOOL: kz_bool_get(v) ? emit_atom(e, "true", 4) : emit_atom(e, "false", 5); break;
    case KZ_INT:
        if (kz_int_is_unsigned(v)) emit_decimal(e, kz_uint_get(v), false);
        else emit_int(e, kz_int_get(v));
        break;
    case KZ_FLOAT: emit_float(e, kz_float_get(v)); break;
    case KZ_STRING: emit_string_value(e, v); break;
    case KZ_SEQ:
        if (kz_len(v) == 0) {
            write_indicator(e, "[", true, true, false);
            write_indicator(e, "]", false, false, false);
        } else {
            emit_block_sequence(e, v, mapping_context);
        }
        break;
    case KZ_MAP:
        if (kz_len(v) == 0) {
            write_indicator(e, "{", true, true, false);
            write_indicator(e, "}", false, false, false);
        } else {
            emit_block_mapping(e, v);
        }
        break;
    default: {
        const char *msg = kz_error_message(v);
        if (e->failed) break;
        e->failed = true;
        e->err = kz_error("error marshaling into JSON: %s", msg ? msg : "invalid value");
        break;
    }
    }
}

int kz_yaml_emit_checked(kz_buf *out, const kz_value *doc, kz_value *err) {
    emitter e = {
        .out = out, .indent = -1, .column = 0, .whitespace = true, .indention = true,
    };
    kz_buf_init(&e.scratch);
    size_t start = out->len;
    emit_node(&e, doc, false);
    if (!e.failed) {
        /* document end: finish the last line */
        e.indent = -1;
        write_indent(&e);
    }
    kz_buf_free(&e.scratch);
    free(e.keys);
    if (e.failed) {
        out->len = start;
        if (out->data) out->data[start] = '\0';
        if (err) *err = e.err;
        else kz_free(e.err);
        return -1;
    }
    return 0;
}

void kz_yaml_emit(kz_buf *out, const kz_value *doc) {
    kz_yaml_emit_checked(out, doc, NULL);
}
