/*
 * The TOML decoder (toml.h), behaving as BurntSushi/toml v1.4 does: its
 * lexer's tokens and error messages (with its line numbers), then its
 * parser's bookkeeping of implicit tables, arrays of tables and duplicate
 * keys, so that the same documents are accepted and rejected with the same
 * messages.
 *
 * Two stages: lex() turns the whole input into a token list, ending at the
 * first lexical error (BurntSushi's lexer is lazy, but the parser consumes
 * tokens in order, so an eager lexer leads to the same first error); the
 * parser then builds a tree of reference-counted nodes (Go shares maps
 * between its bookkeeping and the values it returns) that becomes a kz_value.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <locale.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <wctype.h>

#include "core/alloc.h"
#include "core/gotime.h"
#include "core/utf8.h"
#include "tmpl/fmt.h"
#include "toml/toml.h"
#include "toml/toml_internal.h"

/* ------------------------------------------------------------------ */
/* tokens */

typedef enum {
    IT_EOF,
    IT_TEXT,
    IT_STRING,
    IT_RAWSTRING,
    IT_MLSTRING,
    IT_RAWMLSTRING,
    IT_BOOL,
    IT_INT,
    IT_FLOAT,
    IT_DATETIME,
    IT_ARRAY,
    IT_ARRAYEND,
    IT_TABLESTART,
    IT_TABLEEND,
    IT_ATABLESTART,
    IT_ATABLEEND,
    IT_KEYSTART,
    IT_KEYEND,
    IT_ITABLESTART,
    IT_ITABLEEND,
    IT_ERROR,
} ityp;

typedef struct {
    ityp t;
    size_t start, len; /* the token's text */
    int line;
} item;

typedef struct {
    const char *s;
    size_t n, pos, start;
    bool at_eof;
    size_t lastw;
    /* line cache: number of '\n' in s[0..cpos) */
    size_t cpos;
    int cnl;
    item *items;
    size_t nitems, cap;
    bool failed;
    kz_buf err; /* the lexical error's message */
    int err_line;
} lexer;

#define R_EOF (-1)

static int line_at(lexer *l, size_t pos) {
    while (l->cpos < pos) {
        if (l->s[l->cpos] == '\n') l->cnl++;
        l->cpos++;
    }
    while (l->cpos > pos) {
        l->cpos--;
        if (l->s[l->cpos] == '\n') l->cnl--;
    }
    return 1 + l->cnl;
}

static void push_item(lexer *l, ityp t, size_t start, size_t len) {
    if (l->nitems == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 64;
        l->items = kz_xrealloc(l->items, l->cap * sizeof *l->items);
    }
    item *it = &l->items[l->nitems++];
    it->t = t;
    it->start = start;
    it->len = len;
    it->line = line_at(l, l->pos);
}

static void emit(lexer *l, ityp t) {
    push_item(l, t, l->start, l->pos - l->start);
    l->start = l->pos;
}

static void ignore(lexer *l) { l->start = l->pos; }

/* Go's %q of a rune, appended. */
static void quote_rune(kz_buf *out, int r) {
    if (r == R_EOF) r = 0;
    if (r == '\'') {
        kz_buf_puts(out, "'\\''");
        return;
    }
    if (r == '"') {
        kz_buf_puts(out, "'\"'");
        return;
    }
    char u[8];
    size_t n = kz_utf8_encode(u, (uint32_t)r);
    kz_buf q = KZ_BUF_INIT;
    kz_fmt_quote(&q, u, n, false);
    kz_buf_putc(out, '\'');
    if (q.len >= 2) kz_buf_append(out, q.data + 1, q.len - 2);
    kz_buf_putc(out, '\'');
    kz_buf_free(&q);
}

static void put_rune(kz_buf *out, int r) {
    if (r == R_EOF) r = 0;
    char u[8];
    size_t n = kz_utf8_encode(u, (uint32_t)r);
    kz_buf_append(out, u, n);
}

/* Record the lexical error (the first one wins) at `line`. */
static void lerr_line(lexer *l, int line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void lerr_line(lexer *l, int line, const char *fmt, ...) {
    if (l->failed) return;
    l->failed = true;
    va_list ap;
    va_start(ap, fmt);
    kz_buf_vprintf(&l->err, fmt, ap);
    va_end(ap);
    l->err_line = line;
}

/* The same with a message that may hold NUL bytes (Go's %c of rune 0). */
static void lerr_buf(lexer *l, int line, const kz_buf *m) {
    if (l->failed) return;
    l->failed = true;
    kz_buf_append(&l->err, m->data ? m->data : "", m->len);
    l->err_line = line;
}

/* errorf: at the end of the input the previous line. */
static int eline(lexer *l) { return line_at(l, l->pos) - (l->at_eof ? 1 : 0); }

static bool is_hex(int r) { return (r >= '0' && r <= '9') || (r >= 'a' && r <= 'f') || (r >= 'A' && r <= 'F'); }
static bool is_digit(int r) { return r >= '0' && r <= '9'; }
static bool is_ws(int r) { return r == ' ' || r == '\t'; }
static bool is_nl(int r) { return r == '\n' || r == '\r'; }
static bool is_bare(int r) {
    return (r >= 'A' && r <= 'Z') || (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') || r == '_' || r == '-';
}

/* unicode.IsLetter for non-ASCII runes: iswalpha in a UTF-8 locale (made
 * once, kept for the process). */
static locale_t utf8_locale;
static pthread_once_t utf8_locale_once = PTHREAD_ONCE_INIT;
static void utf8_locale_init(void) { utf8_locale = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0); }

static bool is_letter(int r) {
    if (r < 0) return false;
    if (r < 0x80) return (r >= 'A' && r <= 'Z') || (r >= 'a' && r <= 'z');
    pthread_once(&utf8_locale_once, utf8_locale_init);
    if (!utf8_locale) return r >= 0xAA;
    return iswalpha_l((wint_t)r, utf8_locale) != 0;
}

/* Decode one rune at s[i]: its value (0xFFFD for invalid bytes) and width. */
static int decode(const char *s, size_t n, size_t i, size_t *w) {
    uint32_t cp;
    *w = kz_utf8_decode((const unsigned char *)s + i, n - i, &cp);
    return (int)cp;
}

/* Go's lexer.next(): the next rune, with its checks for invalid UTF-8 and
 * control characters (which stop the lexer with an error). */
static int next(lexer *l) {
    if (l->failed) return R_EOF;
    if (l->pos >= l->n) {
        l->at_eof = true;
        return R_EOF;
    }
    size_t w;
    int r = decode(l->s, l->n, l->pos, &w);
    if (r == 0xFFFD && w == 1) {
        lerr_line(l, line_at(l, l->pos), "invalid UTF-8 byte: 0x%02x", (unsigned char)l->s[l->pos]);
        return R_EOF;
    }
    if ((r < 0x20 && r != '\t' && r != '\r' && r != '\n') || r == 0x7f ||
        (r == '\r' && (l->pos + 1 >= l->n || l->s[l->pos + 1] != '\n'))) {
        lerr_line(l, line_at(l, l->pos), "TOML files cannot contain control characters: '0x%02x'", r);
        return R_EOF;
    }
    l->lastw = w;
    l->pos += w;
    return r;
}

static void backup(lexer *l) {
    if (l->at_eof) {
        l->at_eof = false;
        return;
    }
    l->pos -= l->lastw;
    /* widths before the last one: only single-byte runes are ever backed up twice */
    l->lastw = 1;
}

static int peek(lexer *l) {
    int r = next(l);
    if (!l->failed) backup(l);
    return r;
}

static bool accept(lexer *l, int want) {
    int r = next(l);
    if (l->failed) return false;
    if (r == want) return true;
    backup(l);
    return false;
}

static void skip_ws(lexer *l) {
    for (;;) {
        int r = next(l);
        if (l->failed) return;
        if (!is_ws(r)) {
            backup(l);
            ignore(l);
            return;
        }
    }
}

static void lex_comment(lexer *l) {
    for (;;) {
        int r = next(l);
        if (l->failed) return;
        if (is_nl(r) || r == R_EOF) {
            backup(l);
            ignore(l);
            return;
        }
    }
}

static void current_quoted(lexer *l, kz_buf *out) { kz_fmt_quote(out, l->s + l->start, l->pos - l->start, false); }

/* The escape after a backslash (lexStringEscape). */
static void lex_escape(lexer *l) {
    int r = next(l);
    if (l->failed) return;
    switch (r) {
    case 'b': case 't': case 'n': case 'f': case 'r': case '"': case ' ': case '\t': case '\\': return;
    case 'u':
    case 'U': {
        int count = r == 'u' ? 4 : 8;
        for (int i = 0; i < count; i++) {
            int h = next(l);
            if (l->failed) return;
            if (!is_hex(h)) {
                kz_buf q = KZ_BUF_INIT;
                current_quoted(l, &q);
                lerr_line(l, eline(l), "expected %s hexadecimal digits after '\\%c', but got %s instead",
                          r == 'u' ? "four" : "eight", r, kz_buf_cstr(&q));
                kz_buf_free(&q);
                return;
            }
        }
        return;
    }
    default: {
        kz_buf m = KZ_BUF_INIT;
        kz_buf_puts(&m, "invalid escape in string '\\");
        put_rune(&m, r);
        kz_buf_putc(&m, '\'');
        lerr_buf(l, eline(l), &m);
        kz_buf_free(&m);
    }
    }
}

static void lex_string(lexer *l) {
    for (;;) {
        int r = next(l);
        if (l->failed) return;
        if (r == R_EOF) return lerr_line(l, eline(l), "unexpected EOF; expected '\"'");
        if (is_nl(r)) return lerr_line(l, line_at(l, l->pos) - 1, "strings cannot contain newlines");
        if (r == '\\') {
            lex_escape(l);
            if (l->failed) return;
            continue;
        }
        if (r == '"') {
            l->pos--;
            emit(l, IT_STRING);
            l->pos++;
            ignore(l);
            return;
        }
    }
}

static void lex_raw_string(lexer *l) {
    for (;;) {
        int r = next(l);
        if (l->failed) return;
        if (r == R_EOF) return lerr_line(l, eline(l), "unexpected EOF; expected \"'\"");
        if (is_nl(r)) return lerr_line(l, line_at(l, l->pos) - 1, "strings cannot contain newlines");
        if (r == '\'') {
            l->pos--;
            emit(l, IT_RAWSTRING);
            l->pos++;
            ignore(l);
            return;
        }
    }
}

/* """...""" and '''...''' */
static void lex_multiline(lexer *l, char q) {
    for (;;) {
        int r = next(l);
        if (l->failed) return;
        if (r == R_EOF) {
            if (q == '"') return lerr_line(l, eline(l), "unexpected EOF; expected '\"\"\"'");
            return lerr_line(l, eline(l), "unexpected EOF; expected \"'''\"");
        }
        if (q == '"' && r == '\\') {
            int c = next(l);
            if (l->failed) return;
            if (is_nl(c)) continue;
            backup(l);
            lex_escape(l);
            if (l->failed) return;
            continue;
        }
        if (r != q) continue;
        if (!accept(l, q)) {
            if (l->failed) return;
            continue;
        }
        if (!accept(l, q)) {
            if (l->failed) return;
            l->pos--; /* give back the second quote */
            continue;
        }
        if (peek(l) == q) {
            size_t cur = l->pos - l->start;
            if (cur >= 5) {
                bool five = true;
                for (size_t i = 0; i < 5; i++)
                    if (l->s[l->pos - 1 - i] != q) five = false;
                if (five) {
                    if (q == '"') return lerr_line(l, eline(l), "unexpected '\"\"\"\"\"\"'");
                    return lerr_line(l, eline(l), "unexpected \"''''''\"");
                }
            }
            l->pos -= 2;
            continue;
        }
        if (l->failed) return;
        l->pos -= 3;
        emit(l, q == '"' ? IT_MLSTRING : IT_RAWMLSTRING);
        l->pos += 3;
        ignore(l);
        return;
    }
}

static void lex_value(lexer *l);

static void lex_float(lexer *l) {
    for (;;) {
        int r = next(l);
        if (l->failed) return;
        if (is_digit(r) || r == '_' || r == '.' || r == '-' || r == '+' || r == 'e' || r == 'E') continue;
        backup(l);
        emit(l, IT_FLOAT);
        return;
    }
}

static void lex_decimal(lexer *l) {
    for (;;) {
        int r = next(l);
        if (l->failed) return;
        if (is_digit(r) || r == '_') continue;
        if (r == '.' || r == 'e' || r == 'E') return lex_float(l);
        backup(l);
        emit(l, IT_INT);
        return;
    }
}

static void lex_datetime(lexer *l) {
    for (;;) {
        int r = next(l);
        if (l->failed) return;
        if (is_digit(r) || (r > 0 && strchr("-:TtZz+. ", r))) continue;
        backup(l);
        /* emitTrim */
        size_t a = l->start, b = l->pos;
        while (a < b && isspace((unsigned char)l->s[a])) a++;
        while (b > a && isspace((unsigned char)l->s[b - 1])) b--;
        push_item(l, IT_DATETIME, a, b - a);
        l->start = l->pos;
        return;
    }
}

static void lex_number_or_date(lexer *l) {
    for (;;) {
        int r = next(l);
        if (l->failed) return;
        if (is_digit(r)) continue;
        if (r == '-' || r == ':') return lex_datetime(l);
        if (r == '_') return lex_decimal(l);
        if (r == '.' || r == 'e' || r == 'E') return lex_float(l);
        backup(l);
        emit(l, IT_INT);
        return;
    }
}

static void lex_based(lexer *l, int base) {
    for (;;) {
        int r = next(l);
        if (l->failed) return;
        bool ok = r == '_' || (base == 16 ? is_hex(r) : base == 8 ? (r >= '0' && r <= '7') : (r == '0' || r == '1'));
        if (ok) continue;
        backup(l);
        emit(l, IT_INT);
        return;
    }
}

static void lex_base_number_or_date(lexer *l) {
    int r = next(l);
    if (l->failed) return;
    if (is_digit(r)) return lex_number_or_date(l);
    if (r == '_') return lex_decimal(l);
    if (r == '.' || r == 'e' || r == 'E') return lex_float(l);
    if (r == 'b' || r == 'o' || r == 'x') {
        int p = peek(l);
        if (l->failed) return;
        bool ok = r == 'x' ? is_hex(p) : r == 'o' ? (p >= '0' && p <= '7') : (p == '0' || p == '1');
        if (!ok) {
            kz_buf m = KZ_BUF_INIT;
            kz_buf_printf(&m, "%s: '%.*s", r == 'b' ? "not a binary number" : r == 'o' ? "not an octal number" : "not a hexidecimal number",
                          (int)(l->pos - l->start), l->s + l->start);
            put_rune(&m, p);
            kz_buf_putc(&m, '\'');
            lerr_buf(l, eline(l), &m);
            kz_buf_free(&m);
            return;
        }
        return lex_based(l, r == 'x' ? 16 : r == 'o' ? 8 : 2);
    }
    backup(l);
    emit(l, IT_INT);
}

static void lex_decimal_start(lexer *l) {
    int r = next(l);
    if (l->failed) return;
    if (r == 'i' || r == 'n') {
        bool ok = r == 'i' ? (accept(l, 'n') && accept(l, 'f')) : (accept(l, 'a') && accept(l, 'n'));
        if (l->failed) return;
        if (!ok) {
            lerr_line(l, eline(l), "invalid float: '%.*s'", (int)(l->pos - l->start), l->s + l->start);
            return;
        }
        emit(l, IT_FLOAT);
        return;
    }
    if (r == '0') {
        int p = peek(l);
        if (l->failed) return;
        if (p == 'b' || p == 'o' || p == 'x') {
            lerr_line(l, eline(l), "cannot use sign with non-decimal numbers: '%.*s%c'", (int)(l->pos - l->start),
                      l->s + l->start, p);
            return;
        }
    }
    if (r == '.') return lerr_line(l, eline(l), "floats must start with a digit, not '.'");
    if (is_digit(r)) return lex_decimal(l);
    kz_buf q = KZ_BUF_INIT;
    quote_rune(&q, r);
    lerr_line(l, eline(l), "expected a digit but got %s", kz_buf_cstr(&q));
    kz_buf_free(&q);
}

static void lex_bool(lexer *l) {
    kz_buf word = KZ_BUF_INIT;
    for (;;) {
        int r = next(l);
        if (l->failed) break;
        if (!is_letter(r)) {
            backup(l);
            break;
        }
        put_rune(&word, r);
    }
    if (!l->failed) {
        if ((word.len == 4 && memcmp(word.data, "true", 4) == 0) || (word.len == 5 && memcmp(word.data, "false", 5) == 0)) {
            emit(l, IT_BOOL);
        } else {
            kz_buf q = KZ_BUF_INIT;
            kz_fmt_quote(&q, word.data ? word.data : "", word.len, false);
            lerr_line(l, eline(l), "expected value but found %s instead", kz_buf_cstr(&q));
            kz_buf_free(&q);
        }
    }
    kz_buf_free(&word);
}

static void lex_key(lexer *l);

static void lex_array(lexer *l) {
    for (;;) {
        /* lexArrayValue */
        int r = next(l);
        if (l->failed) return;
        if (is_ws(r) || is_nl(r)) {
            ignore(l);
            continue;
        }
        if (r == '#') {
            lex_comment(l);
            continue;
        }
        if (r == ',') return lerr_line(l, eline(l), "unexpected comma");
        if (r == ']') {
            ignore(l);
            emit(l, IT_ARRAYEND);
            return;
        }
        backup(l);
        lex_value(l);
        /* lexArrayValueEnd */
        for (;;) {
            if (l->failed) return;
            r = next(l);
            if (l->failed) return;
            if (is_ws(r) || is_nl(r)) {
                ignore(l);
                continue;
            }
            if (r == '#') {
                lex_comment(l);
                continue;
            }
            if (r == ',') {
                ignore(l);
                break;
            }
            if (r == ']') {
                ignore(l);
                emit(l, IT_ARRAYEND);
                return;
            }
            if (r == R_EOF)
                return lerr_line(l, eline(l), "expected a comma (',') or array terminator (']'), but got end of file");
            kz_buf m = KZ_BUF_INIT;
            put_rune(&m, r);
            lerr_line(l, eline(l), "expected a comma (',') or array terminator (']'), but got '%.*s'", (int)m.len, m.data);
            kz_buf_free(&m);
            return;
        }
    }
}

static void lex_inline_table(lexer *l) {
    for (;;) {
        /* lexInlineTableValue */
        int r = next(l);
        if (l->failed) return;
        if (is_ws(r)) {
            ignore(l);
            continue;
        }
        if (is_nl(r)) return lerr_line(l, line_at(l, l->pos) - 1, "newlines not allowed within inline tables");
        if (r == '#') {
            lex_comment(l);
            continue;
        }
        if (r == ',') return lerr_line(l, eline(l), "unexpected comma");
        if (r == '}') {
            ignore(l);
            emit(l, IT_ITABLEEND);
            return;
        }
        backup(l);
        lex_key(l);
        /* lexInlineTableValueEnd */
        for (;;) {
            if (l->failed) return;
            r = next(l);
            if (l->failed) return;
            if (is_ws(r)) {
                ignore(l);
                continue;
            }
            if (is_nl(r)) return lerr_line(l, line_at(l, l->pos) - 1, "newlines not allowed within inline tables");
            if (r == '#') {
                lex_comment(l);
                continue;
            }
            if (r == ',') {
                ignore(l);
                skip_ws(l);
                if (l->failed) return;
                if (peek(l) == '}') return lerr_line(l, eline(l), "trailing comma not allowed in inline tables");
                break;
            }
            if (r == '}') {
                ignore(l);
                emit(l, IT_ITABLEEND);
                return;
            }
            if (r == R_EOF)
                return lerr_line(l, eline(l),
                                 "expected a comma or an inline table terminator '}', but got end of file instead");
            kz_buf m = KZ_BUF_INIT;
            put_rune(&m, r);
            lerr_line(l, eline(l), "expected a comma or an inline table terminator '}', but got '%.*s' instead",
                      (int)m.len, m.data);
            kz_buf_free(&m);
            return;
        }
    }
}

static void lex_value(lexer *l) {
    int r;
    for (;;) {
        r = next(l);
        if (l->failed) return;
        if (!is_ws(r)) break;
        ignore(l);
    }
    if (is_digit(r)) {
        if (r == '0') return lex_base_number_or_date(l);
        return lex_number_or_date(l);
    }
    switch (r) {
    case '[':
        ignore(l);
        emit(l, IT_ARRAY);
        return lex_array(l);
    case '{':
        ignore(l);
        emit(l, IT_ITABLESTART);
        return lex_inline_table(l);
    case '"':
    case '\'': {
        if (accept(l, r)) {
            if (accept(l, r)) {
                ignore(l);
                return lex_multiline(l, (char)r);
            }
            if (l->failed) return;
            l->pos--;
        }
        if (l->failed) return;
        ignore(l);
        return r == '"' ? lex_string(l) : lex_raw_string(l);
    }
    case '.': return lerr_line(l, eline(l), "floats must start with a digit, not '.'");
    case 'i':
    case 'n': {
        size_t after = l->pos;
        bool ok = (accept(l, 'n') && accept(l, 'f')) || (accept(l, 'a') && accept(l, 'n'));
        if (l->failed) return;
        if (ok) {
            emit(l, IT_FLOAT);
            return;
        }
        /* IsLetter: one backup from where the accepts stopped */
        if (l->pos > after) l->pos--;
        else l->pos = l->start;
        l->at_eof = false;
        return lex_bool(l);
    }
    case '-':
    case '+': return lex_decimal_start(l);
    }
    if (is_letter(r)) {
        backup(l);
        return lex_bool(l);
    }
    if (r == R_EOF) return lerr_line(l, eline(l), "unexpected EOF; expected value");
    kz_buf q = KZ_BUF_INIT;
    quote_rune(&q, r);
    lerr_line(l, eline(l), "expected value but found %s instead", kz_buf_cstr(&q));
    kz_buf_free(&q);
}

/* One part of a key or table name: a bare name or a quoted one. */
static void lex_name(lexer *l) {
    int r = peek(l);
    if (l->failed) return;
    if (r == '"' || r == '\'') {
        ignore(l);
        next(l);
        ignore(l);
        if (r == '"') lex_string(l);
        else lex_raw_string(l);
        return;
    }
    for (;;) {
        r = next(l);
        if (l->failed) return;
        if (!is_bare(r)) {
            backup(l);
            emit(l, IT_TEXT);
            return;
        }
    }
}

/* key = value (lexKeyStart ... lexValue) */
static void lex_key(lexer *l) {
    skip_ws(l);
    int r = peek(l);
    if (l->failed) return;
    if (r == '=' || r == R_EOF) return lerr_line(l, eline(l), "unexpected '=': key name appears blank");
    if (r == '.') return lerr_line(l, eline(l), "unexpected '.': keys cannot start with a '.'");
    emit(l, IT_KEYSTART);
    for (;;) {
        skip_ws(l);
        r = peek(l);
        if (l->failed) return;
        if (r == '=' || r == R_EOF) return lerr_line(l, eline(l), "unexpected '='");
        if (r == '.') return lerr_line(l, eline(l), "unexpected '.'");
        lex_name(l);
        if (l->failed) return;
        /* lexKeyEnd */
        skip_ws(l);
        r = next(l);
        if (l->failed) return;
        if (r == R_EOF) return lerr_line(l, eline(l), "unexpected EOF; expected key separator '='");
        if (r == '.') {
            ignore(l);
            continue;
        }
        if (r == '=') {
            emit(l, IT_KEYEND);
            ignore(l);
            return lex_value(l);
        }
        kz_buf q = KZ_BUF_INIT;
        quote_rune(&q, r);
        lerr_line(l, eline(l), "expected '.' or '=', but got %s instead", kz_buf_cstr(&q));
        kz_buf_free(&q);
        return;
    }
}

static void lex_table(lexer *l) {
    bool arr = false;
    if (peek(l) == '[') {
        next(l);
        arr = true;
    }
    if (l->failed) return;
    emit(l, arr ? IT_ATABLESTART : IT_TABLESTART);
    for (;;) {
        skip_ws(l);
        int r = peek(l);
        if (l->failed) return;
        if (r == ']' || r == R_EOF) return lerr_line(l, eline(l), "unexpected end of table name (table names cannot be empty)");
        if (r == '.') return lerr_line(l, eline(l), "unexpected table separator (table names cannot be empty)");
        lex_name(l);
        if (l->failed) return;
        skip_ws(l);
        r = next(l);
        if (l->failed) return;
        if (r == '.') {
            ignore(l);
            continue;
        }
        if (r == ']') break;
        kz_buf q = KZ_BUF_INIT;
        quote_rune(&q, r);
        lerr_line(l, eline(l), "expected '.' or ']' to end table name, but got %s instead", kz_buf_cstr(&q));
        kz_buf_free(&q);
        return;
    }
    if (arr) {
        int r = next(l);
        if (l->failed) return;
        if (r != ']') {
            kz_buf q = KZ_BUF_INIT;
            quote_rune(&q, r);
            lerr_line(l, eline(l), "expected end of table array name delimiter ']', but got %s instead",
                      kz_buf_cstr(&q));
            kz_buf_free(&q);
            return;
        }
        emit(l, IT_ATABLEEND);
    } else {
        emit(l, IT_TABLEEND);
    }
}

/* lexTopEnd: returns true at the end of the input. */
static bool lex_top_end(lexer *l) {
    for (;;) {
        int r = next(l);
        if (l->failed) return true;
        if (r == '#') {
            lex_comment(l);
            return false;
        }
        if (is_ws(r)) continue;
        if (is_nl(r)) {
            ignore(l);
            return false;
        }
        if (r == R_EOF) {
            emit(l, IT_EOF);
            return true;
        }
        kz_buf q = KZ_BUF_INIT;
        quote_rune(&q, r);
        lerr_line(l, eline(l), "expected a top-level item to end with a newline, comment, or EOF, but got %s instead",
                  kz_buf_cstr(&q));
        kz_buf_free(&q);
        return true;
    }
}

static void lex_all(lexer *l) {
    for (;;) {
        int r = next(l);
        if (l->failed) return;
        if (is_ws(r) || is_nl(r)) {
            ignore(l);
            continue;
        }
        if (r == '#') {
            lex_comment(l);
            continue;
        }
        if (r == R_EOF) {
            emit(l, IT_EOF);
            return;
        }
        if (r == '[') {
            lex_table(l);
        } else {
            backup(l);
            lex_key(l);
        }
        if (l->failed) return;
        if (lex_top_end(l)) return;
    }
}

/* ------------------------------------------------------------------ */
/* the tree */

typedef enum { N_SCALAR, N_TABLE, N_ATABLE, N_ARRAY } nkind;

typedef struct node node;
struct node {
    int rc;
    nkind k;
    kz_value v; /* N_SCALAR */
    size_t n, cap;
    char **keys; /* N_TABLE */
    size_t *klens;
    node **items;
};

static node *node_new(nkind k) {
    node *n = kz_xcalloc(1, sizeof *n);
    n->rc = 1;
    n->k = k;
    return n;
}

static node *node_ref(node *n) {
    n->rc++;
    return n;
}

static void node_unref(node *n) {
    if (!n || --n->rc > 0) return;
    for (size_t i = 0; i < n->n; i++) {
        node_unref(n->items[i]);
        if (n->keys) free(n->keys[i]);
    }
    free(n->items);
    free(n->keys);
    free(n->klens);
    kz_free(n->v);
    free(n);
}

static void node_grow(node *n) {
    if (n->n < n->cap) return;
    n->cap = n->cap ? n->cap * 2 : 4;
    n->items = kz_xrealloc(n->items, n->cap * sizeof *n->items);
    if (n->k == N_TABLE) {
        n->keys = kz_xrealloc(n->keys, n->cap * sizeof *n->keys);
        n->klens = kz_xrealloc(n->klens, n->cap * sizeof *n->klens);
    }
}

static void node_push(node *n, node *child) { /* consumes child */
    node_grow(n);
    n->items[n->n++] = child;
}

static ptrdiff_t tbl_find(const node *t, const char *k, size_t kl) {
    for (size_t i = 0; i < t->n; i++)
        if (t->klens[i] == kl && memcmp(t->keys[i], k, kl) == 0) return (ptrdiff_t)i;
    return -1;
}

static node *tbl_get(const node *t, const char *k, size_t kl) {
    ptrdiff_t i = tbl_find(t, k, kl);
    return i < 0 ? NULL : t->items[i];
}

static void tbl_set(node *t, const char *k, size_t kl, node *v) { /* consumes v */
    ptrdiff_t i = tbl_find(t, k, kl);
    if (i >= 0) {
        node_unref(t->items[i]);
        t->items[i] = v;
        return;
    }
    node_grow(t);
    char *kc = kz_xmalloc(kl + 1);
    memcpy(kc, k, kl);
    kc[kl] = '\0';
    t->keys[t->n] = kc;
    t->klens[t->n] = kl;
    t->items[t->n++] = v;
}

static kz_value node_value(const node *n) {
    switch (n->k) {
    case N_SCALAR: return kz_copy(&n->v);
    case N_TABLE: {
        kz_value m = kz_map_sized(n->n);
        for (size_t i = 0; i < n->n; i++) kz_map_set(&m, kz_string_n(n->keys[i], n->klens[i]), node_value(n->items[i]));
        kz_map_sort(&m, kz_key_cmp_bytes);
        return m;
    }
    default: {
        kz_value s = kz_seq_sized(n->n);
        for (size_t i = 0; i < n->n; i++) kz_seq_push(&s, node_value(n->items[i]));
        return n->k == N_ATABLE ? kz_with_gotype(s, KZ_GOTYPE_MAP_SLICE) : s;
    }
    }
}

/* ------------------------------------------------------------------ */
/* the parser */

typedef struct {
    char *s;
    size_t n;
} str;

typedef struct {
    str *p;
    size_t n, cap;
} keypath;

enum { TY_OTHER = 1, TY_ARRAY, TY_HASH, TY_ARRAYHASH };

typedef struct {
    lexer *l;
    size_t idx;
    node *root;
    keypath ctx;
    str cur; /* currentKey ("" when none) */
    int pos_line;
    kz_value implicits; /* key string -> true */
    kz_value types;     /* key string -> TY_* */
    bool failed;
    kz_buf err;
} parser;

static str str_dup(const char *s, size_t n) {
    str r;
    r.s = kz_xmalloc(n + 1);
    memcpy(r.s, s, n);
    r.s[n] = '\0';
    r.n = n;
    return r;
}

static void kp_push(keypath *k, const char *s, size_t n) {
    if (k->n == k->cap) {
        k->cap = k->cap ? k->cap * 2 : 8;
        k->p = kz_xrealloc(k->p, k->cap * sizeof *k->p);
    }
    k->p[k->n++] = str_dup(s, n);
}

static void kp_clear(keypath *k) {
    for (size_t i = 0; i < k->n; i++) free(k->p[i].s);
    k->n = 0;
}

static void kp_free(keypath *k) {
    kp_clear(k);
    free(k->p);
    k->p = NULL;
    k->cap = 0;
}

static void kp_copy(keypath *dst, const keypath *src) {
    kp_clear(dst);
    for (size_t i = 0; i < src->n; i++) kp_push(dst, src->p[i].s, src->p[i].n);
}

static bool bare_key(const char *s, size_t n) {
    if (n == 0) return false;
    for (size_t i = 0; i < n; i++)
        if (!is_bare((unsigned char)s[i])) return false;
    return true;
}

/* Key.String(): parts joined by '.', quoted where not bare. */
static void kp_string(kz_buf *out, const str *parts, size_t n) {
    for (size_t i = 0; i < n; i++) {
        if (i) kz_buf_putc(out, '.');
        if (bare_key(parts[i].s, parts[i].n)) {
            kz_buf_append(out, parts[i].s, parts[i].n);
        } else {
            kz_buf_putc(out, '"');
            kz_toml_put_escaped(out, parts[i].s, parts[i].n);
            kz_buf_putc(out, '"');
        }
    }
}

/* p.current() */
static void current(parser *p, kz_buf *out) {
    if (p->cur.n == 0) {
        kp_string(out, p->ctx.p, p->ctx.n);
        return;
    }
    if (p->ctx.n == 0) {
        kz_buf_append(out, p->cur.s, p->cur.n);
        return;
    }
    kp_string(out, p->ctx.p, p->ctx.n);
    kz_buf_putc(out, '.');
    kz_buf_append(out, p->cur.s, p->cur.n);
}

static void perr(parser *p, int line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void perr(parser *p, int line, const char *fmt, ...) {
    if (p->failed) return;
    p->failed = true;
    kz_buf msg = KZ_BUF_INIT, last = KZ_BUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    kz_buf_vprintf(&msg, fmt, ap);
    va_end(ap);
    current(p, &last);
    if (last.len == 0) {
        kz_buf_printf(&p->err, "toml: line %d: %s", line, kz_buf_cstr(&msg));
    } else {
        kz_buf_printf(&p->err, "toml: line %d (last key ", line);
        kz_fmt_quote(&p->err, last.data, last.len, false);
        kz_buf_printf(&p->err, "): %s", kz_buf_cstr(&msg));
    }
    kz_buf_free(&msg);
    kz_buf_free(&last);
}

static const item *pnext(parser *p) {
    const item *it = &p->l->items[p->idx];
    if (it->t == IT_ERROR) {
        if (p->failed) return NULL;
        perr(p, p->l->err_line, "%s", "");
        /* the lexer's message may hold NUL bytes: append it raw */
        kz_buf_append(&p->err, p->l->err.data ? p->l->err.data : "", p->l->err.len);
        return NULL;
    }
    if (p->idx + 1 < p->l->nitems) p->idx++;
    return it;
}

static const item *pnext_pos(parser *p) {
    const item *it = pnext(p);
    if (it) p->pos_line = it->line;
    return it;
}

static kz_value kstr_value(kz_buf *b) { return kz_string_n(b->data ? b->data : "", b->len); }

static void key_string_of(const str *parts, size_t n, kz_buf *out) {
    kz_buf_clear(out);
    kp_string(out, parts, n);
}

static void add_implicit(parser *p, const str *parts, size_t n) {
    kz_buf b = KZ_BUF_INIT;
    key_string_of(parts, n, &b);
    kz_map_set(&p->implicits, kstr_value(&b), kz_bool(true));
    kz_buf_free(&b);
}

static bool is_implicit(parser *p, const str *parts, size_t n) {
    kz_buf b = KZ_BUF_INIT;
    key_string_of(parts, n, &b);
    bool r = kz_map_get(&p->implicits, b.data ? b.data : "", b.len) != NULL;
    kz_buf_free(&b);
    return r;
}

static void remove_implicit(parser *p, const str *parts, size_t n) {
    kz_buf b = KZ_BUF_INIT;
    key_string_of(parts, n, &b);
    kz_map_remove(&p->implicits, b.data ? b.data : "", b.len);
    kz_buf_free(&b);
}

static bool is_array(parser *p, const str *parts, size_t n) {
    kz_buf b = KZ_BUF_INIT;
    key_string_of(parts, n, &b);
    const kz_value *t = kz_map_get(&p->types, b.data ? b.data : "", b.len);
    kz_buf_free(&b);
    return t && kz_int_get(t) == TY_ARRAY;
}

static void set_type(parser *p, const str *key, int ty) {
    keypath k = {0};
    kp_copy(&k, &p->ctx);
    if (key && key->n) kp_push(&k, key->s, key->n);
    kz_buf b = KZ_BUF_INIT;
    if (k.n == 0) kz_buf_puts(&b, "\"\"");
    else key_string_of(k.p, k.n, &b);
    kz_map_set(&p->types, kstr_value(&b), kz_int(ty));
    kz_buf_free(&b);
    kp_free(&k);
}

/* setValue: consumes value. */
static void set_value(parser *p, const str *key, node *value) {
    node *hash = p->root;
    for (size_t i = 0; i < p->ctx.n; i++) {
        node *t = tbl_get(hash, p->ctx.p[i].s, p->ctx.p[i].n);
        if (t && t->k == N_ATABLE && t->n > 0) {
            hash = t->items[t->n - 1];
        } else if (t && t->k == N_TABLE) {
            hash = t;
        } else {
            kz_buf b = KZ_BUF_INIT;
            kp_string(&b, p->ctx.p, i + 1);
            perr(p, p->pos_line, "Key '%s' has already been defined.", kz_buf_cstr(&b));
            kz_buf_free(&b);
            node_unref(value);
            return;
        }
    }
    if (tbl_find(hash, key->s, key->n) >= 0) {
        keypath kc = {0};
        kp_copy(&kc, &p->ctx);
        kp_push(&kc, key->s, key->n);
        if (is_array(p, kc.p, kc.n)) {
            remove_implicit(p, kc.p, kc.n);
            tbl_set(hash, key->s, key->n, value);
        } else if (is_implicit(p, kc.p, kc.n)) {
            remove_implicit(p, kc.p, kc.n);
            node_unref(value);
        } else {
            kz_buf b = KZ_BUF_INIT;
            kp_string(&b, kc.p, kc.n);
            perr(p, p->pos_line, "Key '%s' has already been defined.", kz_buf_cstr(&b));
            kz_buf_free(&b);
            node_unref(value);
        }
        kp_free(&kc);
        return;
    }
    tbl_set(hash, key->s, key->n, value);
}

/* addContext */
static void add_context(parser *p, const str *key, size_t n, bool array) {
    node *hash = p->root;
    keypath kc = {0};
    for (size_t i = 0; i + 1 < n; i++) {
        kp_push(&kc, key[i].s, key[i].n);
        node *t = tbl_get(hash, key[i].s, key[i].n);
        if (!t) {
            add_implicit(p, kc.p, kc.n);
            t = node_new(N_TABLE);
            tbl_set(hash, key[i].s, key[i].n, t);
        }
        if (t->k == N_ATABLE && t->n > 0) {
            hash = t->items[t->n - 1];
        } else if (t->k == N_TABLE) {
            hash = t;
        } else {
            kz_buf b = KZ_BUF_INIT;
            kp_string(&b, kc.p, kc.n);
            perr(p, p->pos_line, "Key '%s' was already created as a hash.", kz_buf_cstr(&b));
            kz_buf_free(&b);
            kp_free(&kc);
            return;
        }
    }
    kp_copy(&p->ctx, &kc);
    kp_free(&kc);
    const str *last = &key[n - 1];
    if (array) {
        node *t = tbl_get(hash, last->s, last->n);
        if (!t) {
            t = node_new(N_ATABLE);
            tbl_set(hash, last->s, last->n, t);
        }
        if (t->k == N_ATABLE) {
            node_push(t, node_new(N_TABLE));
        } else {
            kz_buf b = KZ_BUF_INIT;
            kp_string(&b, key, n);
            perr(p, p->pos_line, "Key '%s' was already created and cannot be used as an array.", kz_buf_cstr(&b));
            kz_buf_free(&b);
            return;
        }
    } else {
        set_value(p, last, node_new(N_TABLE));
        if (p->failed) return;
    }
    kp_push(&p->ctx, last->s, last->n);
}

static void add_implicit_context(parser *p, const str *key, size_t n) {
    add_implicit(p, key, n);
    add_context(p, key, n, false);
}

static node *scalar(kz_value v) {
    node *n = node_new(N_SCALAR);
    n->v = v;
    return n;
}

/* ---- string values ---- */

static void strip_escaped_newlines(const char *s, size_t n, kz_buf *out) {
    size_t i = 0, seg = 0;
    while (i < n) {
        if (s[i] != '\\') {
            i++;
            continue;
        }
        if (i + 1 < n && s[i + 1] == '\\') {
            i += 2;
            continue;
        }
        size_t j = i + 1;
        while (j < n && (s[j] == ' ' || s[j] == '\t' || s[j] == '\r' || s[j] == '\n')) j++;
        if (j == i + 1 || !memchr(s + i, '\n', j - i)) {
            i++;
            continue;
        }
        kz_buf_append(out, s + seg, i - seg);
        seg = i = j;
    }
    kz_buf_append(out, s + seg, n - seg);
}

static bool replace_escapes(parser *p, const item *it, const char *s, size_t n, kz_buf *out) {
    for (size_t i = 0; i < n; i++) {
        if (s[i] != '\\') {
            kz_buf_putc(out, s[i]);
            continue;
        }
        if (i + 1 >= n) return true;
        char c = s[i + 1];
        switch (c) {
        case ' ':
        case '\t': perr(p, it->line, "invalid escape: '\\%c'", c); return false;
        case 'b': kz_buf_putc(out, '\b'); i++; break;
        case 't': kz_buf_putc(out, '\t'); i++; break;
        case 'n': kz_buf_putc(out, '\n'); i++; break;
        case 'f': kz_buf_putc(out, '\f'); i++; break;
        case 'r': kz_buf_putc(out, '\r'); i++; break;
        case '"': kz_buf_putc(out, '"'); i++; break;
        case '\\': kz_buf_putc(out, '\\'); i++; break;
        case 'u':
        case 'U': {
            size_t cnt = c == 'u' ? 4 : 8;
            if (i + 2 + cnt > n) return true;
            uint32_t cp = 0;
            for (size_t k = 0; k < cnt; k++) {
                char h = s[i + 2 + k];
                cp = cp * 16 + (uint32_t)(h <= '9' ? h - '0' : (h | 0x20) - 'a' + 10);
            }
            if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
                perr(p, it->line, "Escaped character '\\u%.*s' is not valid UTF-8.", (int)cnt, s + i + 2);
                return false;
            }
            char u[8];
            kz_buf_append(out, u, kz_utf8_encode(u, cp));
            i += 1 + cnt;
            break;
        }
        default: kz_buf_putc(out, '\\'); break;
        }
    }
    return true;
}

static bool key_string(parser *p, const item *it, str *out) {
    const char *s = p->l->s + it->start;
    if (it->t == IT_STRING) {
        kz_buf b = KZ_BUF_INIT;
        if (!replace_escapes(p, it, s, it->len, &b)) {
            kz_buf_free(&b);
            return false;
        }
        *out = str_dup(b.data ? b.data : "", b.len);
        kz_buf_free(&b);
        return true;
    }
    *out = str_dup(s, it->len);
    return true;
}

/* ---- numbers ---- */

static bool underscores_ok(const char *s, size_t n) {
    static const char *special[] = {"nan", "+nan", "-nan", "inf", "-inf", "+inf"};
    for (size_t i = 0; i < 6; i++)
        if (strlen(special[i]) == n && memcmp(special[i], s, n) == 0) return true;
    bool acc = false;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '_' && !acc) return false;
        acc = is_hex((unsigned char)s[i]);
    }
    return acc;
}

static bool leading_zero(const char *s, size_t n) {
    if (n > 1 && s[0] == '0' && !(s[1] == 'b' || s[1] == 'o' || s[1] == 'x')) return true;
    if (n > 2 && (s[0] == '-' || s[0] == '+') && s[1] == '0') return true;
    return false;
}

static node *value_integer(parser *p, const item *it) {
    const char *s = p->l->s + it->start;
    size_t n = it->len;
    if (!underscores_ok(s, n)) {
        kz_buf q = KZ_BUF_INIT;
        kz_fmt_quote(&q, s, n, false);
        perr(p, it->line, "Invalid integer %s: underscores must be surrounded by digits", kz_buf_cstr(&q));
        kz_buf_free(&q);
        return NULL;
    }
    if (leading_zero(s, n)) {
        kz_buf q = KZ_BUF_INIT;
        kz_fmt_quote(&q, s, n, false);
        perr(p, it->line, "Invalid integer %s: cannot have leading zeroes", kz_buf_cstr(&q));
        kz_buf_free(&q);
        return NULL;
    }
    size_t i = 0;
    bool neg = false;
    if (i < n && (s[i] == '+' || s[i] == '-')) neg = s[i++] == '-';
    unsigned base = 10;
    if (n - i > 2 && s[i] == '0' && (s[i + 1] == 'x' || s[i + 1] == 'o' || s[i + 1] == 'b')) {
        base = s[i + 1] == 'x' ? 16 : s[i + 1] == 'o' ? 8 : 2;
        i += 2;
    }
    uint64_t v = 0;
    bool over = false, any = false;
    for (; i < n; i++) {
        char c = s[i];
        if (c == '_') continue;
        unsigned d = c <= '9' ? (unsigned)(c - '0') : (unsigned)((c | 0x20) - 'a' + 10);
        if (d >= base) {
            perr(p, it->line, "Invalid integer \"%.*s\"", (int)n, s);
            return NULL;
        }
        any = true;
        if (v > (UINT64_MAX - d) / base) over = true;
        else v = v * base + d;
    }
    if (!any) {
        perr(p, it->line, "Invalid integer \"%.*s\"", (int)n, s);
        return NULL;
    }
    if (over || (!neg && v > (uint64_t)INT64_MAX) || (neg && v > (uint64_t)INT64_MAX + 1)) {
        perr(p, it->line, "%.*s is out of range for int64", (int)n, s);
        return NULL;
    }
    int64_t r = neg ? (int64_t)(0 - v) : (int64_t)v;
    return scalar(kz_with_gotype(kz_int(r), KZ_GOTYPE_INT64));
}

/* Go's ParseFloat syntax for what the lexer can hand over (underscores gone). */
static bool float_syntax(const char *s) {
    if (*s == '+' || *s == '-') s++;
    if (!strcmp(s, "inf") || !strcmp(s, "nan")) return true;
    if (!is_digit((unsigned char)*s)) return false;
    while (is_digit((unsigned char)*s)) s++;
    if (*s == '.') {
        s++;
        if (!is_digit((unsigned char)*s)) return false;
        while (is_digit((unsigned char)*s)) s++;
    }
    if (*s == 'e' || *s == 'E') {
        s++;
        if (*s == '+' || *s == '-') s++;
        if (!is_digit((unsigned char)*s)) return false;
        while (is_digit((unsigned char)*s)) s++;
    }
    return *s == '\0';
}

static node *value_float(parser *p, const item *it) {
    const char *s = p->l->s + it->start;
    size_t n = it->len;
    kz_buf q = KZ_BUF_INIT;
    kz_fmt_quote(&q, s, n, false);
    /* the parts between '.', 'e' and 'E' */
    size_t a = 0;
    node *res = NULL;
    for (size_t i = 0; i <= n; i++) {
        if (i < n && s[i] != '.' && s[i] != 'e' && s[i] != 'E') continue;
        if (i > a) {
            if (!underscores_ok(s + a, i - a)) {
                perr(p, it->line, "Invalid float %s: underscores must be surrounded by digits", kz_buf_cstr(&q));
                goto out;
            }
        }
        a = i + 1;
    }
    {
        size_t e = 0;
        while (e < n && s[e] != '.' && s[e] != 'e' && s[e] != 'E') e++;
        size_t b0 = 0;
        if (e == 0) { /* FieldsFunc drops empty fields: the first non-empty one */
            while (b0 < n && (s[b0] == '.' || s[b0] == 'e' || s[b0] == 'E')) b0++;
            e = b0;
            while (e < n && s[e] != '.' && s[e] != 'e' && s[e] != 'E') e++;
        }
        if (e > b0 && leading_zero(s + b0, e - b0)) {
            perr(p, it->line, "Invalid float %s: cannot have leading zeroes", kz_buf_cstr(&q));
            goto out;
        }
    }
    {
        bool period = false;
        for (size_t i = 0; i < n; i++) {
            if (period && !is_digit((unsigned char)s[i])) {
                period = true;
                goto bad_period;
            }
            period = s[i] == '.';
        }
        if (period) goto bad_period;
    }
    {
        char *v = kz_xmalloc(n + 1);
        size_t w = 0;
        for (size_t i = 0; i < n; i++)
            if (s[i] != '_') v[w++] = s[i];
        v[w] = '\0';
        bool negnan = false, isnan_ = false;
        if (!strcmp(v, "+nan") || !strcmp(v, "-nan") || !strcmp(v, "nan")) {
            negnan = v[0] == '-';
            isnan_ = true;
        }
        if (!float_syntax(v)) {
            perr(p, it->line, "Invalid float value: %s", kz_buf_cstr(&q));
            free(v);
            goto out;
        }
        double d;
        if (isnan_) {
            d = negnan ? -NAN : NAN;
            if (negnan != (bool)signbit(d)) d = -d;
        } else {
            d = strtod(v, NULL);
            if (isinf(d) && !strstr(v, "inf")) {
                perr(p, it->line, "%.*s is out of range for float64", (int)n, s);
                free(v);
                goto out;
            }
        }
        free(v);
        res = scalar(kz_float(d));
        goto out;
    }
bad_period:
    perr(p, it->line, "Invalid float %s: '.' must be followed by one or more digits", kz_buf_cstr(&q));
out:
    kz_buf_free(&q);
    return res;
}

/* ---- datetimes ---- */

static int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = (unsigned)(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

static bool digits(const char *s, size_t n, int *out) {
    int v = 0;
    for (size_t i = 0; i < n; i++) {
        if (!is_digit((unsigned char)s[i])) return false;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return true;
}

static bool parse_date(const char *s, size_t n, int *y, int *mo, int *d) {
    if (n < 10 || s[4] != '-' || s[7] != '-') return false;
    if (!digits(s, 4, y) || !digits(s + 5, 2, mo) || !digits(s + 8, 2, d)) return false;
    if (*mo < 1 || *mo > 12 || *d < 1) return false;
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int md = mdays[*mo - 1];
    if (*mo == 2 && ((*y % 4 == 0 && *y % 100 != 0) || *y % 400 == 0)) md = 29;
    return *d <= md;
}

/* hh:mm:ss[.frac]; returns the length used or 0 */
static size_t parse_clock(const char *s, size_t n, int *h, int *mi, int *se, int32_t *ns) {
    if (n < 8 || s[2] != ':' || s[5] != ':') return 0;
    if (!digits(s, 2, h) || !digits(s + 3, 2, mi) || !digits(s + 6, 2, se)) return 0;
    if (*h > 23 || *mi > 59 || *se > 59) return 0;
    size_t i = 8;
    *ns = 0;
    if (i + 1 < n && (s[i] == '.' || s[i] == ',') && is_digit((unsigned char)s[i + 1])) {
        i++;
        int cnt = 0;
        while (i < n && is_digit((unsigned char)s[i])) {
            if (cnt < 9) *ns = *ns * 10 + (s[i] - '0');
            cnt++;
            i++;
        }
        for (; cnt < 9; cnt++) *ns *= 10;
    }
    return i;
}

static node *value_datetime(parser *p, const item *it) {
    size_t n = it->len;
    char *v = kz_xmalloc(n + 1);
    for (size_t i = 0; i < n; i++) {
        char c = p->l->s[it->start + i];
        v[i] = c == 'z' ? 'Z' : (c == 't' || c == ' ') ? 'T' : c;
    }
    v[n] = '\0';
    int y, mo, d, h, mi, se;
    int32_t ns;
    node *res = NULL;
    if (parse_date(v, n, &y, &mo, &d)) {
        if (n == 10) {
            int64_t sec = days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400;
            res = scalar(kz_gotime_make(sec, 0, 0, "date-local", "date-local"));
        } else if (v[10] == 'T') {
            size_t c = parse_clock(v + 11, n - 11, &h, &mi, &se, &ns);
            if (c) {
                size_t rest = 11 + c;
                int64_t local = days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 + h * 3600 + mi * 60 + se;
                int oh, om;
                if (rest == n) {
                    res = scalar(kz_gotime_make(local, ns, 0, "datetime-local", "datetime-local"));
                } else if (rest + 1 == n && v[rest] == 'Z') {
                    res = scalar(kz_gotime_make(local, ns, 0, "UTC", "UTC"));
                } else if (rest + 6 == n && (v[rest] == '+' || v[rest] == '-') && v[rest + 3] == ':' &&
                           digits(v + rest + 1, 2, &oh) && digits(v + rest + 4, 2, &om) && oh <= 24 && om <= 60) {
                    int32_t off = (oh * 3600 + om * 60) * (v[rest] == '-' ? -1 : 1);
                    int64_t sec = local - off;
                    time_t tt = (time_t)sec;
                    struct tm tm;
                    if (localtime_r(&tt, &tm) && tm.tm_gmtoff == off) {
                        res = scalar(kz_gotime_make(sec, ns, off, tm.tm_zone ? tm.tm_zone : "", "Local"));
                    } else {
                        res = scalar(kz_gotime_make(sec, ns, off, "", ""));
                    }
                }
            }
        }
    } else {
        size_t c = parse_clock(v, n, &h, &mi, &se, &ns);
        if (c && c == n) {
            int64_t sec = days_from_civil(0, 1, 1) * 86400 + h * 3600 + mi * 60 + se;
            res = scalar(kz_gotime_make(sec, ns, 0, "time-local", "time-local"));
        }
    }
    if (!res) {
        kz_buf q = KZ_BUF_INIT;
        kz_fmt_quote(&q, v, n, false);
        perr(p, it->line, "invalid datetime: %s", kz_buf_cstr(&q));
        kz_buf_free(&q);
    }
    free(v);
    return res;
}

static node *value(parser *p, const item *it, bool parent_is_array, int *ty);

static node *value_array(parser *p) {
    set_type(p, &p->cur, TY_ARRAY);
    node *arr = node_new(N_ARRAY);
    for (;;) {
        const item *it = pnext(p);
        if (!it) break;
        if (it->t == IT_ARRAYEND) return arr;
        int ty;
        node *v = value(p, it, true, &ty);
        if (!v) break;
        node_push(arr, v);
    }
    node_unref(arr);
    return NULL;
}

/* Read key parts up to IT_KEYEND into k. */
static bool read_key(parser *p, keypath *k) {
    kp_clear(k);
    const item *it = pnext_pos(p);
    for (;;) {
        if (!it) return false;
        if (it->t == IT_KEYEND || it->t == IT_EOF) break;
        str s;
        if (!key_string(p, it, &s)) return false;
        if (k->n == k->cap) {
            k->cap = k->cap ? k->cap * 2 : 8;
            k->p = kz_xrealloc(k->p, k->cap * sizeof *k->p);
        }
        k->p[k->n++] = s;
        it = pnext(p);
    }
    return k->n > 0;
}

static void set_cur(parser *p, const str *s) {
    free(p->cur.s);
    p->cur = str_dup(s ? s->s : "", s ? s->n : 0);
}

/* The dotted parents of a key: implicit tables, one level at a time. */
static bool dotted_parents(parser *p, const keypath *key) {
    for (size_t i = 0; i + 1 < key->n; i++) {
        keypath c = {0};
        kp_copy(&c, &p->ctx);
        kp_push(&c, key->p[i].s, key->p[i].n);
        add_implicit_context(p, c.p, c.n);
        kp_free(&c);
        if (p->failed) return false;
    }
    return true;
}

static node *value_inline_table(parser *p, bool parent_is_array) {
    node *top = node_new(N_TABLE);
    keypath outer = {0}, prev = {0}, key = {0};
    kp_copy(&outer, &p->ctx);
    str outer_key = str_dup(p->cur.s, p->cur.n);
    kp_push(&p->ctx, p->cur.s, p->cur.n);
    kp_copy(&prev, &p->ctx);
    set_cur(p, NULL);
    add_implicit(p, p->ctx.p, p->ctx.n);
    {
        keypath c = {0};
        kp_copy(&c, &p->ctx);
        add_context(p, c.p, c.n, parent_is_array);
        kp_free(&c);
    }
    bool ok = !p->failed;
    while (ok) {
        const item *it = pnext(p);
        if (!it) {
            ok = false;
            break;
        }
        if (it->t == IT_ITABLEEND) break;
        if (!read_key(p, &key)) {
            ok = false;
            break;
        }
        set_cur(p, &key.p[key.n - 1]);
        if (!dotted_parents(p, &key)) {
            ok = false;
            break;
        }
        const item *vi = pnext(p);
        int ty = TY_OTHER;
        node *v = vi ? value(p, vi, false, &ty) : NULL;
        if (!v) {
            ok = false;
            break;
        }
        set_value(p, &p->cur, node_ref(v));
        if (p->failed) {
            node_unref(v);
            ok = false;
            break;
        }
        set_type(p, &p->cur, ty);
        node *hash = top;
        for (size_t i = 0; i + 1 < key.n; i++) {
            node *h = tbl_get(hash, key.p[i].s, key.p[i].n);
            if (!h) {
                h = node_new(N_TABLE);
                tbl_set(hash, key.p[i].s, key.p[i].n, h);
            }
            if (h->k != N_TABLE) {
                kz_buf b = KZ_BUF_INIT;
                kz_buf_putc(&b, '[');
                for (size_t j = 0; j < p->ctx.n; j++) {
                    if (j) kz_buf_putc(&b, ' ');
                    kz_fmt_quote(&b, p->ctx.p[j].s, p->ctx.p[j].n, false);
                }
                kz_buf_putc(&b, ']');
                perr(p, p->pos_line, "%s is not a table", kz_buf_cstr(&b));
                kz_buf_free(&b);
                node_unref(v);
                ok = false;
                break;
            }
            hash = h;
        }
        if (!ok) break;
        tbl_set(hash, p->cur.s, p->cur.n, v);
        kp_copy(&p->ctx, &prev);
    }
    kp_copy(&p->ctx, &outer);
    free(p->cur.s);
    p->cur = outer_key;
    kp_free(&outer);
    kp_free(&prev);
    kp_free(&key);
    if (!ok) {
        node_unref(top);
        return NULL;
    }
    return top;
}

static node *value(parser *p, const item *it, bool parent_is_array, int *ty) {
    const char *s = p->l->s + it->start;
    *ty = TY_OTHER;
    switch (it->t) {
    case IT_STRING:
    case IT_MLSTRING: {
        kz_buf stripped = KZ_BUF_INIT, b = KZ_BUF_INIT;
        const char *src = s;
        size_t n = it->len;
        if (it->t == IT_MLSTRING) {
            if (n > 0 && src[0] == '\n') src++, n--;
            else if (n > 1 && src[0] == '\r' && src[1] == '\n') src += 2, n -= 2;
            strip_escaped_newlines(src, n, &stripped);
            src = stripped.data ? stripped.data : "";
            n = stripped.len;
        }
        node *r = NULL;
        if (replace_escapes(p, it, src, n, &b)) r = scalar(kstr_value(&b));
        kz_buf_free(&stripped);
        kz_buf_free(&b);
        return r;
    }
    case IT_RAWSTRING: return scalar(kz_string_n(s, it->len));
    case IT_RAWMLSTRING: {
        size_t n = it->len;
        if (n > 0 && s[0] == '\n') s++, n--;
        else if (n > 1 && s[0] == '\r' && s[1] == '\n') s += 2, n -= 2;
        return scalar(kz_string_n(s, n));
    }
    case IT_INT: return value_integer(p, it);
    case IT_FLOAT: return value_float(p, it);
    case IT_BOOL: return scalar(kz_bool(s[0] == 't'));
    case IT_DATETIME: return value_datetime(p, it);
    case IT_ARRAY: *ty = TY_ARRAY; return value_array(p);
    case IT_ITABLESTART: *ty = TY_HASH; return value_inline_table(p, parent_is_array);
    default: perr(p, it->line, "unexpected token"); return NULL;
    }
}

static void table_header(parser *p, const item *start) {
    bool arr = start->t == IT_ATABLESTART;
    ityp end = arr ? IT_ATABLEEND : IT_TABLEEND;
    keypath key = {0};
    const item *it = pnext_pos(p);
    while (it && it->t != end && it->t != IT_EOF) {
        str s;
        if (!key_string(p, it, &s)) {
            kp_free(&key);
            return;
        }
        kp_push(&key, s.s, s.n);
        free(s.s);
        it = pnext(p);
    }
    if (!it || key.n == 0) {
        kp_free(&key);
        return;
    }
    add_context(p, key.p, key.n, arr);
    if (!p->failed) set_type(p, NULL, arr ? TY_ARRAYHASH : TY_HASH);
    kp_free(&key);
}

static void key_value(parser *p) {
    keypath outer = {0}, key = {0};
    kp_copy(&outer, &p->ctx);
    if (!read_key(p, &key)) goto out;
    set_cur(p, &key.p[key.n - 1]);
    if (!dotted_parents(p, &key)) goto out;
    const item *vi = pnext(p);
    if (!vi) goto out;
    int ty;
    node *v = value(p, vi, false, &ty);
    if (!v) goto out;
    set_value(p, &p->cur, v);
    if (p->failed) goto out;
    set_type(p, &p->cur, ty);
    kp_copy(&p->ctx, &outer);
    set_cur(p, NULL);
out:
    kp_free(&outer);
    kp_free(&key);
}

kz_value kz_toml_parse(const char *text, size_t len, kz_buf *err) {
    /* byte order marks */
    if (len >= 2 && ((unsigned char)text[0] == 0xff && (unsigned char)text[1] == 0xfe)) text += 2, len -= 2;
    else if (len >= 2 && ((unsigned char)text[0] == 0xfe && (unsigned char)text[1] == 0xff)) text += 2, len -= 2;
    else if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0) text += 3, len -= 3;
    if (memchr(text, '\0', len < 6 ? len : 6)) {
        static const char msg[] =
            "toml: line 1: files cannot contain NULL bytes; probably using UTF-16; TOML files must be UTF-8";
        if (err) kz_buf_puts(err, msg);
        return kz_error("%s", msg);
    }

    lexer l = {.s = text, .n = len};
    lex_all(&l);
    if (l.failed) push_item(&l, IT_ERROR, l.pos, 0);
    if (l.nitems == 0) push_item(&l, IT_EOF, l.pos, 0);

    parser p = {.l = &l};
    p.root = node_new(N_TABLE);
    p.implicits = kz_map();
    p.types = kz_map();
    p.cur = str_dup("", 0);
    while (!p.failed) {
        const item *it = pnext(&p);
        if (!it || it->t == IT_EOF) break;
        switch (it->t) {
        case IT_TABLESTART:
        case IT_ATABLESTART: table_header(&p, it); break;
        case IT_KEYSTART: key_value(&p); break;
        default: perr(&p, it->line, "unexpected token"); break;
        }
    }
    kz_value result;
    if (p.failed) {
        result = kz_error("%s", kz_buf_cstr(&p.err));
        if (err) kz_buf_append(err, p.err.data ? p.err.data : "", p.err.len);
    }
    else result = node_value(p.root);

    node_unref(p.root);
    kz_free(p.implicits);
    kz_free(p.types);
    kp_free(&p.ctx);
    free(p.cur.s);
    kz_buf_free(&p.err);
    free(l.items);
    kz_buf_free(&l.err);
    return result;
}
