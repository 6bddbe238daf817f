/*
 * The writer layer shared by the go-yaml v2 emitter (emit.c) and the v3 emitter
 * (emit_v3.c): go-yaml's low-level emitter state (column, indent, "last written
 * was whitespace", "only indentation on this line"), its scalar analysis and
 * its scalar writers. The two go-yaml versions write the same bytes here except
 * for folding, which only v2 does (v3's Encoder has an unlimited width): the
 * writers take it as a parameter.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "core/buf.h"
#include "yaml/emit_internal.h"

/* ---- scalar analysis and style ---- */

/* Whether the first character makes an indicator (libyaml's rule for i == 0). */
static bool first_is_indicator(unsigned char c, bool followed_by_whitespace) {
    switch (c) {
    case '#': case ',': case '[': case ']': case '{': case '}': case '&': case '*':
    case '!': case '|': case '>': case '\'': case '"': case '%': case '@': case '`':
        return true;
    case '?': case ':': case '-':
        return followed_by_whitespace;
    default:
        return false;
    }
}

/* The common case, a word of printable ASCII without blanks (names, images,
 * paths, URLs): no breaks, spaces or tabs, so only the first character, a
 * ':' at the very end and the "---"/"..." prefixes can be indicators ('#'
 * needs white space before it, ':' white space after it). false: not such
 * a word, take the full scan. */
static bool analyze_word(const unsigned char *v, size_t n, kz_yaml_scalar_info *sc) {
    for (size_t i = 0; i < n; i++)
        if ((unsigned)(v[i] - 0x21) > 0x7E - 0x21) return false;
    bool indicators = (n >= 3 && ((v[0] == '-' && v[1] == '-' && v[2] == '-') ||
                                  (v[0] == '.' && v[1] == '.' && v[2] == '.'))) ||
                      first_is_indicator(v[0], n == 1) || (n >= 2 && v[n - 1] == ':');
    sc->chars = n;
    sc->plain_allowed = !indicators;
    return true;
}

void kz_yaml_analyze_scalar(const char *s, size_t n, bool tab_in_block, kz_yaml_scalar_info *sc) {
    const unsigned char *v = (const unsigned char *)s;
    sc->chars = 0;
    sc->has_space = false;
    sc->multiline = false;
    sc->plain_allowed = true;
    sc->single_allowed = true;
    sc->block_allowed = true;
    if (n == 0) {
        sc->block_allowed = false;
        return;
    }
    if (analyze_word(v, n, sc)) return;
    bool indicators = n >= 3 && ((v[0] == '-' && v[1] == '-' && v[2] == '-') ||
                                 (v[0] == '.' && v[1] == '.' && v[2] == '.'));
    bool line_breaks = false, special = false, tabs = false;
    bool leading_space = false, leading_break = false, trailing_space = false,
         trailing_break = false, break_space = false, space_break = false;
    bool previous_space = false, previous_break = false;
    bool preceded_by_whitespace = true;

    for (size_t i = 0, w; i < n; i += w) {
        unsigned char c = v[i];
        w = kz_yaml_utf8_width(c);
        sc->chars++;
        bool followed_by_whitespace = i + w >= n || kz_yaml_is_blank_at(v, n, i + w);
        if (i == 0) {
            if (first_is_indicator(c, followed_by_whitespace)) indicators = true;
        } else if (c == ':') {
            if (followed_by_whitespace) indicators = true;
        } else if (c == '#') {
            if (preceded_by_whitespace) indicators = true;
        }

        bool printable, brk;
        if (c < 0x80) { /* the ASCII answers of the two tests below */
            printable = c == '\n' || (c >= 0x20 && c <= 0x7E);
            brk = c == '\n' || c == '\r';
        } else {
            printable = kz_yaml_is_printable_at(v, i);
            brk = kz_yaml_is_break_at(v, i);
        }
        if (c == '\t' && tab_in_block) tabs = true;
        else if (!printable) special = true;
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
    if (leading_space || leading_break || trailing_space || trailing_break) sc->plain_allowed = false;
    if (trailing_space) sc->block_allowed = false;
    if (break_space) sc->plain_allowed = sc->single_allowed = false;
    if (space_break || tabs || special) sc->plain_allowed = sc->single_allowed = false;
    if (space_break || special) sc->block_allowed = false;
    if (line_breaks || indicators) sc->plain_allowed = false;
}

kz_yaml_style kz_yaml_select_style(const kz_yaml_scalar_info *sc, kz_yaml_style style, size_t n,
                                   bool simple_key) {
    if (simple_key && sc->multiline) style = KZ_YAML_STYLE_DOUBLE;
    if (style == KZ_YAML_STYLE_PLAIN) {
        if (!sc->plain_allowed) style = KZ_YAML_STYLE_SINGLE;
        if (n == 0 && simple_key) style = KZ_YAML_STYLE_SINGLE;
    }
    if (style == KZ_YAML_STYLE_SINGLE && !sc->single_allowed) style = KZ_YAML_STYLE_DOUBLE;
    if (style == KZ_YAML_STYLE_LITERAL && (!sc->block_allowed || simple_key))
        style = KZ_YAML_STYLE_DOUBLE;
    return style;
}

/* ---- low-level writing ---- */

void kz_yaml_put(kz_yaml_writer *w, char c) {
    kz_buf_putc(w->out, c);
    w->column++;
}

void kz_yaml_put_break(kz_yaml_writer *w) {
    kz_buf_putc(w->out, '\n');
    w->column = 0;
    w->indention = true;
}

void kz_yaml_write_char(kz_yaml_writer *w, const char *s, size_t *i) {
    size_t n = kz_yaml_utf8_width((unsigned char)s[*i]);
    kz_buf_append(w->out, s + *i, n);
    *i += n;
    w->column++;
}

void kz_yaml_write_break(kz_yaml_writer *w, const char *v, size_t *i) {
    if (v[*i] == '\n') {
        kz_yaml_put_break(w);
        (*i)++;
    } else {
        kz_yaml_write_char(w, v, i); /* LS/PS: copied, then a new line begins */
        w->column = 0;
        w->indention = true;
    }
}

/* go-yaml v2 also sets indention at the end of write_indent and v3 does not;
 * it is the same thing here: either the line was already only indentation, or
 * put_break starts a new one, which sets it. */
void kz_yaml_write_indent(kz_yaml_writer *w) {
    size_t indent = w->indent < 0 ? 0 : (size_t)w->indent;
    if (!w->indention || w->column > indent || (w->column == indent && !w->whitespace))
        kz_yaml_put_break(w);
    if (w->column < indent) {
        kz_buf_repeat(w->out, ' ', indent - w->column);
        w->column = indent;
    }
    w->whitespace = true;
}

void kz_yaml_write_indicator_n(kz_yaml_writer *w, const char *ind, size_t n,
                               bool need_whitespace, bool is_whitespace, bool is_indention) {
    if (need_whitespace && !w->whitespace) kz_yaml_put(w, ' ');
    kz_buf_append(w->out, ind, n);
    w->column += n;
    w->whitespace = is_whitespace;
    w->indention = w->indention && is_indention;
}

void kz_yaml_increase_indent(kz_yaml_writer *w, bool flow, bool indentless) {
    if (w->indent < 0) w->indent = flow ? w->best_indent : 0;
    else if (!indentless) w->indent += w->best_indent;
}

void kz_yaml_write_atom(kz_yaml_writer *w, const char *s, size_t n) {
    if (!w->whitespace) kz_yaml_put(w, ' ');
    kz_buf_append(w->out, s, n);
    w->column += n;
    w->whitespace = false;
    w->indention = false;
}

void kz_yaml_write_decimal(kz_yaml_writer *w, uint64_t m, bool negative) {
    char t[24];
    char *p = t + sizeof t;
    do *--p = (char)('0' + m % 10);
    while ((m /= 10) != 0);
    if (negative) *--p = '-';
    kz_yaml_write_atom(w, p, (size_t)(t + sizeof t - p));
}

void kz_yaml_write_int(kz_yaml_writer *w, int64_t i) {
    /* Negate in unsigned arithmetic so INT64_MIN has no overflow. */
    kz_yaml_write_decimal(w, i < 0 ? (uint64_t)0 - (uint64_t)i : (uint64_t)i, i < 0);
}

/* ---- scalar writers ---- */

void kz_yaml_write_single_quoted(kz_yaml_writer *w, const char *v, size_t n, bool fold) {
    const unsigned char *u = (const unsigned char *)v;
    kz_yaml_write_indicator(w, "'", true, false, false);
    bool spaces = false, breaks = false;
    for (size_t i = 0; i < n;) {
        if (v[i] == ' ') {
            if (fold && !spaces && w->column > KZ_YAML_BEST_WIDTH && i > 0 && i + 1 < n &&
                v[i + 1] != ' ') {
                kz_yaml_write_indent(w);
                i++;
            } else {
                kz_yaml_write_char(w, v, &i);
            }
            spaces = true;
        } else if (kz_yaml_is_break_at(u, i)) {
            if (!breaks && v[i] == '\n') kz_yaml_put_break(w);
            kz_yaml_write_break(w, v, &i);
            breaks = true;
        } else {
            if (breaks) kz_yaml_write_indent(w);
            if (v[i] == '\'') kz_yaml_put(w, '\'');
            kz_yaml_write_char(w, v, &i);
            w->indention = false;
            spaces = false;
            breaks = false;
        }
    }
    kz_yaml_write_indicator(w, "'", false, false, false);
    w->whitespace = false;
    w->indention = false;
}

static void put_hex_escape(kz_yaml_writer *w, char kind, uint32_t r, int digits) {
    static const char hex[] = "0123456789ABCDEF";
    kz_yaml_put(w, kind);
    for (int k = (digits - 1) * 4; k >= 0; k -= 4) kz_yaml_put(w, hex[(r >> k) & 0xF]);
}

/* The escape of the character at u[*i]; advances *i past it. */
static void write_escape(kz_yaml_writer *w, const unsigned char *u, size_t *i) {
    unsigned char c = u[*i];
    size_t width = kz_yaml_utf8_width(c);
    uint32_t r = width == 1 ? c : (uint32_t)(c & (0xFF >> (width + 1)));
    for (size_t k = 1; k < width; k++) r = (r << 6) | (u[*i + k] & 0x3F);
    *i += width;
    kz_yaml_put(w, '\\');
    switch (r) {
    case 0x00: kz_yaml_put(w, '0'); break;
    case 0x07: kz_yaml_put(w, 'a'); break;
    case 0x08: kz_yaml_put(w, 'b'); break;
    case 0x09: kz_yaml_put(w, 't'); break;
    case 0x0A: kz_yaml_put(w, 'n'); break;
    case 0x0B: kz_yaml_put(w, 'v'); break;
    case 0x0C: kz_yaml_put(w, 'f'); break;
    case 0x0D: kz_yaml_put(w, 'r'); break;
    case 0x1B: kz_yaml_put(w, 'e'); break;
    case 0x22: kz_yaml_put(w, '"'); break;
    case 0x5C: kz_yaml_put(w, '\\'); break;
    case 0x85: kz_yaml_put(w, 'N'); break;
    case 0xA0: kz_yaml_put(w, '_'); break;
    case 0x2028: kz_yaml_put(w, 'L'); break;
    case 0x2029: kz_yaml_put(w, 'P'); break;
    default:
        if (r <= 0xFF) put_hex_escape(w, 'x', r, 2);
        else if (r <= 0xFFFF) put_hex_escape(w, 'u', r, 4);
        else put_hex_escape(w, 'U', r, 8);
    }
}

void kz_yaml_write_double_quoted(kz_yaml_writer *w, const char *v, size_t n, bool fold) {
    const unsigned char *u = (const unsigned char *)v;
    /* go-yaml's BOM test looks at the start of the string, not at the current
     * character: a string starting with a BOM has every character escaped. */
    bool escape_all = n >= 3 && u[0] == 0xEF && u[1] == 0xBB && u[2] == 0xBF;
    kz_yaml_write_indicator(w, "\"", true, false, false);
    bool spaces = false;
    for (size_t i = 0; i < n;) {
        unsigned char c = u[i];
        if (escape_all || !kz_yaml_is_printable_at(u, i) || kz_yaml_is_break_at(u, i) || c == '"' ||
            c == '\\') {
            write_escape(w, u, &i);
            spaces = false;
        } else if (c == ' ') {
            if (fold && !spaces && w->column > KZ_YAML_BEST_WIDTH && i > 0 && i + 1 < n) {
                kz_yaml_write_indent(w);
                if (v[i + 1] == ' ') kz_yaml_put(w, '\\');
                i++;
            } else {
                kz_yaml_write_char(w, v, &i);
            }
            spaces = true;
        } else {
            kz_yaml_write_char(w, v, &i);
            spaces = false;
        }
    }
    kz_yaml_write_indicator(w, "\"", false, false, false);
    w->whitespace = false;
    w->indention = false;
}

void kz_yaml_write_literal(kz_yaml_writer *w, const char *v, size_t n) {
    const unsigned char *u = (const unsigned char *)v;
    kz_yaml_write_indicator(w, "|", true, false, false);
    /* Block scalar hints: indentation when the text starts with a space or a
     * break, chomping from how many line breaks end it. */
    if (n > 0 && (v[0] == ' ' || kz_yaml_is_break_at(u, 0))) {
        char hint[2] = {(char)('0' + w->best_indent), '\0'};
        kz_yaml_write_indicator(w, hint, false, false, false);
    }
    const char *chomp = NULL;
    if (n == 0) {
        chomp = "-";
    } else {
        size_t i = n - 1;
        while (i > 0 && (u[i] & 0xC0) == 0x80) i--;
        if (!kz_yaml_is_break_at(u, i)) {
            chomp = "-";
        } else if (i == 0) {
            chomp = "+";
        } else {
            i--;
            while (i > 0 && (u[i] & 0xC0) == 0x80) i--;
            if (kz_yaml_is_break_at(u, i)) chomp = "+";
        }
    }
    if (chomp) kz_yaml_write_indicator(w, chomp, false, false, false);
    kz_yaml_put_break(w);
    w->whitespace = true;
    bool breaks = true;
    for (size_t i = 0; i < n;) {
        if (kz_yaml_is_break_at(u, i)) {
            kz_yaml_write_break(w, v, &i);
            breaks = true;
        } else {
            if (breaks) kz_yaml_write_indent(w);
            kz_yaml_write_char(w, v, &i);
            w->indention = false;
            breaks = false;
        }
    }
}
