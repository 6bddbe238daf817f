/*
 * go-yaml v3's encoder (Encoder with SetIndent(2)), see emit_v3.h.
 *
 * Like emit.c it is a recursive walk keeping the little state go-yaml's emitter
 * keeps (indent, column, "last written was whitespace", "only indentation on
 * this line") and making the same decisions with it. The v2 emitter's helpers
 * are private to emit.c, so the small writers are repeated here with v3's
 * rules; what is shared is the resolver (kz_yaml_plain_is_string): v3 quotes
 * exactly the strings v2 does (its YAML 1.1 booleans "yes"/"on"/... and base-60
 * numbers are quoted "for old parsers" although v3 reads them as strings).
 *
 * What differs from v2 (emit.c): no JSON round trip (floats in 'g' form, .nan,
 * .inf; text as it is; invalid UTF-8 as !!binary), no folding (v3's default
 * width is unlimited), sequences under a key are indented, tabs don't rule out
 * a literal block, and the key order has v3's "digits" rule.
 */
#include "yaml/emit_v3.h"

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/base64.h"
#include "core/gofloat.h"
#include "core/goobj.h"
#include "core/gotime.h"
#include "core/unicode.h"
#include "core/utf8.h"
#include "yaml/emit_internal.h"

enum {
    BEST_INDENT = 2,      /* Encoder.SetIndent(2) */
    SIMPLE_KEY_MAX = 128, /* longer keys (bytes, tag included) are written "? key\n: value" */
    BASE64_LINE = 70,     /* !!binary text is cut into lines of this many characters */
};

typedef enum { STYLE_PLAIN, STYLE_SINGLE, STYLE_DOUBLE, STYLE_LITERAL } scalar_style;

typedef struct key_entry {
    const char *s;
    size_t n;
    size_t idx;
} key_entry;

typedef struct emitter {
    kz_buf *out;
    int indent;      /* go-yaml's emitter.indent; -1 before the root node */
    size_t column;   /* characters on the current line */
    bool whitespace; /* the last thing written was whitespace or an indentation */
    bool indention;  /* only indentation (and indicators like "- ") on this line */
    kz_buf scratch;  /* text of the scalar being written (base64, times, semver) */
    bool failed;
    kz_value err;
} emitter;

/* A string as the encoder hands it to the emitter (encoder.stringv). */
typedef struct prepared {
    const char *s;
    size_t n;
    bool binary; /* tagged !!binary: s is base64 of the original bytes */
    scalar_style style;
} prepared;

/* What the emitter's analyze_scalar finds out (block context only). */
typedef struct scalar_info {
    bool multiline;
    bool plain_allowed;
    bool single_allowed;
    bool block_allowed;
} scalar_info;

static void fail(emitter *e, const char *msg) {
    if (e->failed) return;
    e->failed = true;
    e->err = kz_error("%s", msg);
}

/* ---- low-level writing, tracking the column ---- */

static void put(emitter *e, char c) {
    kz_buf_putc(e->out, c);
    e->column++;
}

static void put_break(emitter *e) {
    kz_buf_putc(e->out, '\n');
    e->column = 0;
    e->indention = true;
}

static size_t utf8_width(unsigned char c) {
    if (c < 0x80) return 1;
    if ((c & 0xE0) == 0xC0) return 2;
    if ((c & 0xF0) == 0xE0) return 3;
    return 4;
}

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
}

static void write_indicator_n(emitter *e, const char *ind, size_t n, bool need_whitespace,
                              bool is_whitespace, bool is_indention) {
    if (need_whitespace && !e->whitespace) put(e, ' ');
    kz_buf_append(e->out, ind, n);
    e->column += n;
    e->whitespace = is_whitespace;
    e->indention = e->indention && is_indention;
}

#define write_indicator(e, lit, ws_before, is_ws, is_ind) \
    write_indicator_n((e), (lit), strlen(lit), (ws_before), (is_ws), (is_ind))

/* With an even indent step every nested block is 2 further in, whether it sits
 * in a sequence item or under a key. */
static void increase_indent(emitter *e, bool flow) {
    if (e->indent < 0) e->indent = flow ? BEST_INDENT : 0;
    else e->indent += BEST_INDENT;
}

/* ---- character classes of go-yaml's emitter (valid UTF-8, NUL-terminated) ---- */

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

/* ---- scalar analysis and style (v3's analyze_scalar / select_scalar_style) ---- */

static scalar_info analyze_scalar(const char *s, size_t n) {
    const unsigned char *v = (const unsigned char *)s;
    scalar_info sc = {false, true, true, true};
    if (n == 0) {
        sc.block_allowed = false;
        return sc;
    }
    bool indicators = n >= 3 && ((v[0] == '-' && v[1] == '-' && v[2] == '-') ||
                                 (v[0] == '.' && v[1] == '.' && v[2] == '.'));
    bool line_breaks = false, special = false, tabs = false;
    bool leading_space = false, leading_break = false, trailing_space = false,
         trailing_break = false, break_space = false, space_break = false;
    bool previous_space = false, previous_break = false;
    bool preceded_by_whitespace = true;

    for (size_t i = 0, w; i < n; i += w) {
        unsigned char c = v[i];
        w = utf8_width(c);
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

        bool brk = c < 0x80 ? (c == '\n' || c == '\r') : is_break_at(v, i);
        if (c == '\t') tabs = true;
        else if (!is_printable_at(v, i)) special = true;
        if (c == ' ') {
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

    sc.multiline = line_breaks;
    if (leading_space || leading_break || trailing_space || trailing_break) sc.plain_allowed = false;
    if (trailing_space) sc.block_allowed = false;
    if (break_space) sc.plain_allowed = sc.single_allowed = false;
    if (space_break || tabs || special) sc.plain_allowed = sc.single_allowed = false;
    if (space_break || special) sc.block_allowed = false;
    if (line_breaks || indicators) sc.plain_allowed = false;
    return sc;
}

static scalar_style select_style(const scalar_info *sc, scalar_style style, size_t n, bool simple_key) {
    if (simple_key && sc->multiline) style = STYLE_DOUBLE;
    if (style == STYLE_PLAIN) {
        if (!sc->plain_allowed) style = STYLE_SINGLE;
        if (n == 0 && simple_key) style = STYLE_SINGLE;
    }
    if (style == STYLE_SINGLE && !sc->single_allowed) style = STYLE_DOUBLE;
    if (style == STYLE_LITERAL && (!sc->block_allowed || simple_key)) style = STYLE_DOUBLE;
    return style;
}

/* ---- scalar writers (no folding: v3's line width is unlimited) ---- */

/* A line break inside a quoted scalar (LS/PS are copied, '\n' written). */
static void write_break(emitter *e, const char *v, size_t *i) {
    if (v[*i] == '\n') {
        put_break(e);
        (*i)++;
    } else {
        write_char(e, v, i);
        e->column = 0;
        e->indention = true;
    }
}

static void write_plain(emitter *e, const char *v, size_t n) {
    if (n > 0 && !e->whitespace) put(e, ' ');
    /* plain text never holds a break (analyze_scalar forbids it) */
    kz_buf_append(e->out, v, n);
    e->column += kz_utf8_rune_count(v, n);
    if (n > 0) e->whitespace = false;
    e->indention = false;
}

static void write_single_quoted(emitter *e, const char *v, size_t n) {
    const unsigned char *u = (const unsigned char *)v;
    write_indicator(e, "'", true, false, false);
    bool breaks = false;
    for (size_t i = 0; i < n;) {
        if (v[i] == ' ') {
            write_char(e, v, &i);
        } else if (is_break_at(u, i)) {
            if (!breaks && v[i] == '\n') put_break(e);
            write_break(e, v, &i);
            breaks = true;
        } else {
            if (breaks) write_indent(e);
            if (v[i] == '\'') put(e, '\'');
            write_char(e, v, &i);
            e->indention = false;
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

static void write_double_quoted(emitter *e, const char *v, size_t n) {
    const unsigned char *u = (const unsigned char *)v;
    /* go-yaml's BOM test looks at the start of the string, not at the current
     * character: a string starting with a BOM has every character escaped. */
    bool escape_all = n >= 3 && u[0] == 0xEF && u[1] == 0xBB && u[2] == 0xBF;
    write_indicator(e, "\"", true, false, false);
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
        } else {
            write_char(e, v, &i);
        }
    }
    write_indicator(e, "\"", false, false, false);
    e->whitespace = false;
    e->indention = false;
}

static void write_literal(emitter *e, const char *v, size_t n) {
    const unsigned char *u = (const unsigned char *)v;
    write_indicator(e, "|", true, false, false);
    /* Block scalar hints: indentation when the text starts with a space or a
     * break, chomping from how many line breaks end it. */
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
    e->whitespace = true;
    bool breaks = true;
    for (size_t i = 0; i < n;) {
        if (is_break_at(u, i)) {
            write_break(e, v, &i);
            breaks = true;
        } else {
            if (breaks) write_indent(e);
            write_char(e, v, &i);
            e->indention = false;
            breaks = false;
        }
    }
}

/* One scalar event: style selection, tag, then the text at the scalar's indent. */
static void emit_scalar(emitter *e, const prepared *p, bool simple_key) {
    scalar_info sc = analyze_scalar(p->s, p->n);
    scalar_style style = select_style(&sc, p->style, p->n, simple_key);
    if (p->binary) {
        if (!e->whitespace) put(e, ' ');
        kz_buf_append(e->out, "!!binary", 8);
        e->column += 8;
        e->whitespace = false;
        e->indention = false;
    }
    int saved = e->indent;
    increase_indent(e, true);
    switch (style) {
    case STYLE_PLAIN: write_plain(e, p->s, p->n); break;
    case STYLE_SINGLE: write_single_quoted(e, p->s, p->n); break;
    case STYLE_DOUBLE: write_double_quoted(e, p->s, p->n); break;
    case STYLE_LITERAL: write_literal(e, p->s, p->n); break;
    }
    e->indent = saved;
}

/* A plain scalar with no spaces or indicators (numbers, bools, null). */
static void emit_atom(emitter *e, const char *s, size_t n) {
    if (!e->whitespace) put(e, ' ');
    kz_buf_append(e->out, s, n);
    e->column += n;
    e->whitespace = false;
    e->indention = false;
}

/* ---- strings as encoder.stringv hands them over ---- */

static bool valid_utf8(const char *s, size_t n) {
    const unsigned char *u = (const unsigned char *)s;
    for (size_t i = 0; i < n;) {
        if (u[i] < 0x80) {
            i++;
            continue;
        }
        size_t w = kz_utf8_valid_len(u + i, n - i);
        if (w == 0) return false;
        i += w;
    }
    return true;
}

/* base64 of s in lines of 70, each ended by '\n' when there is more than one
 * line's worth (go-yaml's encodeBase64). Writes into dst (cleared first). */
static void encode_base64_lines(const char *s, size_t n, kz_buf *dst) {
    kz_buf b64 = KZ_BUF_INIT;
    kz_base64_encode(s, n, &b64);
    kz_buf_clear(dst);
    bool multi = b64.len / BASE64_LINE + 1 > 1;
    for (size_t i = 0; i < b64.len; i += BASE64_LINE) {
        size_t j = i + BASE64_LINE < b64.len ? i + BASE64_LINE : b64.len;
        kz_buf_append(dst, b64.data + i, j - i);
        if (multi) kz_buf_putc(dst, '\n');
    }
    if (dst->data == NULL) kz_buf_reserve(dst, 1);
    kz_buf_free(&b64);
}

/* The text and requested style of a string; may use e->scratch. */
static prepared prepare_string(emitter *e, const char *s, size_t n) {
    prepared p = {s, n, false, STYLE_PLAIN};
    bool plain_ok = true;
    if (!valid_utf8(s, n)) {
        encode_base64_lines(s, n, &e->scratch);
        p.s = e->scratch.data;
        p.n = e->scratch.len;
        p.binary = true;
    } else {
        plain_ok = kz_yaml_plain_is_string(s, n);
    }
    if (memchr(p.s, '\n', p.n)) p.style = STYLE_LITERAL;
    else if (plain_ok) p.style = STYLE_PLAIN;
    else p.style = STYLE_DOUBLE;
    return p;
}

/* ---- numbers ---- */

static void emit_decimal(emitter *e, uint64_t m, bool negative) {
    char t[24];
    char *p = t + sizeof t;
    do *--p = (char)('0' + m % 10);
    while ((m /= 10) != 0);
    if (negative) *--p = '-';
    emit_atom(e, p, (size_t)(t + sizeof t - p));
}

static void emit_int(emitter *e, int64_t i) {
    emit_decimal(e, i < 0 ? (uint64_t)0 - (uint64_t)i : (uint64_t)i, i < 0);
}

static void emit_float(emitter *e, double f) {
    if (isnan(f)) {
        emit_atom(e, ".nan", 4);
    } else if (isinf(f)) {
        if (f > 0) emit_atom(e, ".inf", 4);
        else emit_atom(e, "-.inf", 5);
    } else {
        kz_buf t = KZ_BUF_INIT;
        kz_format_float(&t, f, 'g', -1);
        emit_atom(e, t.data, t.len);
        kz_buf_free(&t);
    }
}

/* ---- keys: go-yaml v3's keyList.Less ---- */

static size_t to_runes(const char *s, size_t n, uint32_t *out) {
    size_t k = 0;
    for (size_t i = 0, w; i < n; i += w) w = kz_utf8_decode((const unsigned char *)s + i, n - i, &out[k++]);
    return k;
}

static int compare_runes(const uint32_t *a, size_t an, const uint32_t *b, size_t bn) {
    bool digits = false; /* the common prefix so far ends in a digit */
    for (size_t i = 0; i < an && i < bn; i++) {
        if (a[i] == b[i]) {
            digits = kz_go_is_digit(a[i]);
            continue;
        }
        bool al = kz_go_is_letter(a[i]), bl = kz_go_is_letter(b[i]);
        if (al && bl) return a[i] < b[i] ? -1 : 1;
        if (al || bl) {
            /* after digits a letter comes first ("a1b" < "a10"), else last */
            if (digits) return al ? -1 : 1;
            return bl ? -1 : 1;
        }
        /* Runs of digits compare as numbers; a run starting with '0' after a
         * nonzero digit of the common prefix keeps that magnitude (go-yaml's
         * quirk). Arithmetic wraps as Go's int64 does. */
        uint64_t av = 0, bv = 0;
        if (a[i] == '0' || b[i] == '0') {
            for (size_t j = i; j-- > 0 && kz_go_is_digit(a[j]);) {
                if (a[j] != '0') {
                    av = bv = 1;
                    break;
                }
            }
        }
        size_t ai = i, bi = i;
        for (; ai < an && kz_go_is_digit(a[ai]); ai++)
            av = av * 10 + (uint64_t)((int64_t)(int32_t)a[ai] - '0');
        for (; bi < bn && kz_go_is_digit(b[bi]); bi++)
            bv = bv * 10 + (uint64_t)((int64_t)(int32_t)b[bi] - '0');
        if (av != bv) return (int64_t)av < (int64_t)bv ? -1 : 1;
        if (ai != bi) return ai < bi ? -1 : 1;
        return a[i] < b[i] ? -1 : 1;
    }
    return (an > bn) - (an < bn);
}

int kz_yaml_v3_key_cmp(const char *a, size_t alen, const char *b, size_t blen) {
    if (alen == blen && memcmp(a, b, alen) == 0) return 0;
    uint32_t abuf[64], bbuf[64];
    uint32_t *ar = alen <= 64 ? abuf : kz_xmalloc(alen * sizeof *ar);
    uint32_t *br = blen <= 64 ? bbuf : kz_xmalloc(blen * sizeof *br);
    size_t an = to_runes(a, alen, ar), bn = to_runes(b, blen, br);
    int c = compare_runes(ar, an, br, bn);
    if (ar != abuf) free(ar);
    if (br != bbuf) free(br);
    return c;
}

static int entry_cmp(const void *x, const void *y) {
    const key_entry *a = x, *b = y;
    int c = kz_yaml_v3_key_cmp(a->s, a->n, b->s, b->n);
    if (c == 0) c = (a->idx > b->idx) - (a->idx < b->idx);
    return c;
}

/* ---- nodes ---- */

static void emit_node(emitter *e, const kz_value *v);

static void emit_string(emitter *e, const char *s, size_t n) {
    prepared p = prepare_string(e, s, n);
    emit_scalar(e, &p, false);
}

static void emit_empty(emitter *e, const char *open, const char *close) {
    write_indicator(e, open, true, true, false);
    write_indicator(e, close, false, false, false);
}

static void emit_block_sequence(emitter *e, const kz_value *seq) {
    int saved = e->indent;
    increase_indent(e, false);
    size_t n = kz_len(seq);
    for (size_t i = 0; i < n && !e->failed; i++) {
        write_indent(e);
        write_indicator(e, "-", true, false, true);
        emit_node(e, kz_seq_at(seq, i));
    }
    e->indent = saved;
}

/* []byte: a sequence of ints. */
static void emit_bytes(emitter *e, const kz_value *v) {
    const unsigned char *s = (const unsigned char *)kz_str(v);
    size_t n = kz_str_len(v);
    if (n == 0) {
        emit_empty(e, "[", "]");
        return;
    }
    int saved = e->indent;
    increase_indent(e, false);
    for (size_t i = 0; i < n; i++) {
        write_indent(e);
        write_indicator(e, "-", true, false, true);
        emit_decimal(e, s[i], false);
    }
    e->indent = saved;
}

/* One mapping entry: the key (simple, or "? key" + ": "), then the value. */
static void emit_entry(emitter *e, const char *ks, size_t kn, const kz_value *val) {
    write_indent(e);
    prepared k = prepare_string(e, ks, kn);
    scalar_info sc = analyze_scalar(k.s, k.n);
    if (!sc.multiline && k.n + (k.binary ? 8 : 0) <= SIMPLE_KEY_MAX) {
        emit_scalar(e, &k, true);
        write_indicator(e, ":", false, false, false);
    } else {
        write_indicator(e, "?", true, false, true);
        emit_scalar(e, &k, false);
        write_indent(e);
        write_indicator(e, ":", true, false, true);
    }
    emit_node(e, val);
}

static void emit_block_mapping(emitter *e, const kz_value *map) {
    size_t n = kz_len(map);
    key_entry *keys = kz_xmalloc(n * sizeof *keys);
    for (size_t i = 0; i < n; i++) {
        const kz_value *key = kz_map_key_at(map, i);
        keys[i] = (key_entry){kz_str(key), kz_str_len(key), i};
    }
    qsort(keys, n, sizeof *keys, entry_cmp);
    int saved = e->indent;
    increase_indent(e, false);
    for (size_t j = 0; j < n && !e->failed; j++)
        emit_entry(e, keys[j].s, keys[j].n, kz_map_value_at(map, keys[j].idx));
    e->indent = saved;
    free(keys);
}

/* A Go struct (sprig's certificate): fields in order, names lower-cased. */
static void emit_struct(emitter *e, const kz_value *map) {
    size_t n = kz_len(map);
    if (n == 0) {
        emit_empty(e, "{", "}");
        return;
    }
    int saved = e->indent;
    increase_indent(e, false);
    kz_buf name = KZ_BUF_INIT;
    for (size_t i = 0; i < n && !e->failed; i++) {
        const kz_value *key = kz_map_key_at(map, i);
        const char *s = kz_str(key);
        size_t len = kz_str_len(key);
        kz_buf_clear(&name);
        for (size_t k = 0; k < len; k++) {
            char c = s[k];
            kz_buf_putc(&name, c >= 'A' && c <= 'Z' ? (char)(c + 32) : c);
        }
        emit_entry(e, name.data, name.len, kz_map_value_at(map, i));
    }
    kz_buf_free(&name);
    e->indent = saved;
}

static void emit_node(emitter *e, const kz_value *v) {
    kz_gotype gt = kz_gotype_of(v);
    kz_kind kind = kz_kind_of(v);
    if (kind == KZ_MAP && gt == KZ_GOTYPE_TIME) {
        /* time.Time: RFC 3339 with nanoseconds, requested plain */
        kz_buf_clear(&e->scratch);
        kz_gotime_rfc3339nano(v, &e->scratch);
        prepared p = {e->scratch.data, e->scratch.len, false, STYLE_PLAIN};
        emit_scalar(e, &p, false);
        return;
    }
    if (kind == KZ_MAP && gt == KZ_GOTYPE_SEMVER) {
        /* *semver.Version is an encoding.TextMarshaler: its String() as a string */
        kz_buf t = KZ_BUF_INIT;
        kz_goobj_string(v, &t);
        if (t.data == NULL) kz_buf_reserve(&t, 1);
        emit_string(e, t.data, t.len);
        kz_buf_free(&t);
        return;
    }
    if (kind == KZ_MAP && gt == KZ_GOTYPE_CERT) {
        emit_struct(e, v);
        return;
    }
    if (kind == KZ_STRING && gt == KZ_GOTYPE_BYTES) {
        emit_bytes(e, v);
        return;
    }
    switch (kind) {
    case KZ_NULL: emit_atom(e, "null", 4); break;
    case KZ_BOOL: kz_bool_get(v) ? emit_atom(e, "true", 4) : emit_atom(e, "false", 5); break;
    case KZ_INT:
        if (kz_int_is_unsigned(v)) emit_decimal(e, kz_uint_get(v), false);
        else emit_int(e, kz_int_get(v));
        break;
    case KZ_FLOAT: emit_float(e, kz_float_get(v)); break;
    case KZ_STRING: emit_string(e, kz_str(v), kz_str_len(v)); break;
    case KZ_SEQ:
        if (kz_len(v) == 0) emit_empty(e, "[", "]");
        else emit_block_sequence(e, v);
        break;
    case KZ_MAP:
        if (kz_len(v) == 0) emit_empty(e, "{", "}");
        else emit_block_mapping(e, v);
        break;
    default: {
        const char *msg = kz_error_message(v);
        fail(e, msg ? msg : "cannot marshal an invalid value");
        break;
    }
    }
}

int kz_yaml_v3_emit(kz_buf *out, const kz_value *doc, kz_value *err) {
    emitter e = {
        .out = out, .indent = -1, .column = 0, .whitespace = true, .indention = true,
    };
    kz_buf_init(&e.scratch);
    size_t start = out->len;
    emit_node(&e, doc);
    if (!e.failed) {
        /* document end: finish the last line */
        e.indent = -1;
        write_indent(&e);
    }
    kz_buf_free(&e.scratch);
    if (e.failed) {
        out->len = start;
        if (out->data) out->data[start] = '\0';
        if (err) *err = e.err;
        else kz_free(e.err);
        return -1;
    }
    return 0;
}
