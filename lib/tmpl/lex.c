/*
 * text/template's lexer, written from Go 1.23's documented behaviour: a state
 * machine whose states return the next state, or NULL once a token is ready.
 * Lines are counted the way Go counts them (including its quirk: newlines inside
 * a comment are not counted, so errors after a multi-line comment report the
 * line Go reports).
 */
#include "tmpl/lex.h"

#include "tmpl/fmt.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/buf.h"
#include "core/unicode.h"
#include "core/utf8.h"

typedef struct lex_state lex_state;
typedef const lex_state *(*lex_fn)(kz_tmpl_lexer *l);
struct lex_state {
    lex_fn fn;
};

#define EOF_RUNE (-1)
#define TRIM_MARKER_LEN 2 /* "-" plus the white space beside it */

static const char left_comment[] = "/*";
static const char right_comment[] = "*/";

/* ---- runes ---- */

/* One rune as Go's utf8.DecodeRuneInString reads it (invalid: U+FFFD, width 1). */
static inline int32_t decode_rune(const unsigned char *s, size_t n, size_t *width) {
    if (n > 0 && s[0] < 0x80) { /* templates are nearly all ASCII */
        *width = 1;
        return s[0];
    }
    uint32_t r;
    *width = kz_utf8_decode(s, n, &r);
    return (int32_t)r;
}

static bool is_space(int32_t r) { return r == ' ' || r == '\t' || r == '\r' || r == '\n'; }

/* Go's isAlphaNumeric: identifiers are letters, digits and '_' in Unicode's sense. */
static bool is_alnum(int32_t r) {
    if (r >= 0 && r < 0x80)
        return r == '_' || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9');
    return r == '_' || (r >= 0 && (kz_go_is_letter((uint32_t)r) || kz_go_is_digit((uint32_t)r)));
}

size_t kz_tmpl_decode_rune(const char *s, size_t n, int32_t *r) {
    size_t w;
    *r = decode_rune((const unsigned char *)s, n, &w);
    return w;
}

/* ---- cursor ---- */

static inline int32_t next(kz_tmpl_lexer *l, size_t *width) {
    if (l->pos >= l->len) {
        *width = 0;
        return EOF_RUNE;
    }
    int32_t r = decode_rune((const unsigned char *)l->input + l->pos, l->len - l->pos, width);
    l->pos += *width;
    if (r == '\n') l->line++;
    return r;
}

static void backup(kz_tmpl_lexer *l, int32_t r, size_t width) {
    l->pos -= width;
    if (r == '\n') l->line--;
}

static int32_t peek(kz_tmpl_lexer *l) {
    size_t w;
    int32_t r = next(l, &w);
    if (w) backup(l, r, w);
    return r;
}

static bool accept(kz_tmpl_lexer *l, const char *valid) {
    if (l->pos < l->len && strchr(valid, l->input[l->pos]) && l->input[l->pos]) {
        if (l->input[l->pos] == '\n') l->line++;
        l->pos++;
        return true;
    }
    return false;
}

static void accept_run(kz_tmpl_lexer *l, const char *valid) {
    while (accept(l, valid)) {
    }
}

static bool has_prefix_at(const kz_tmpl_lexer *l, size_t at, const char *p, size_t n) {
    /* the first byte rules out nearly every position without a call */
    return at <= l->len && l->len - at >= n && (n == 0 || l->input[at] == p[0]) &&
           memcmp(l->input + at, p, n) == 0;
}

static size_t count_newlines(const char *s, size_t n) {
    size_t c = 0;
    for (const char *end = s + n; (s = memchr(s, '\n', (size_t)(end - s))) != NULL; s++) c++;
    return c;
}

/* Skip input without next(): newlines in it are counted here (Go's ignore). */
static void ignore(kz_tmpl_lexer *l) {
    l->line += (uint32_t)count_newlines(l->input + l->start, l->pos - l->start);
    l->start = l->pos;
    l->start_line = l->line;
}

static kz_tok this_item(kz_tmpl_lexer *l, kz_tok_type t) {
    kz_tok tok = {.type = t, .pos = (uint32_t)l->start, .line = l->start_line,
                  .val = l->input + l->start, .len = l->pos - l->start};
    l->start = l->pos;
    l->start_line = l->line;
    return tok;
}

static const lex_state *emit_item(kz_tmpl_lexer *l, kz_tok tok) {
    l->tok = tok;
    return NULL;
}

static const lex_state *emit(kz_tmpl_lexer *l, kz_tok_type t) { return emit_item(l, this_item(l, t)); }

__attribute__((format(printf, 2, 3))) static const lex_state *errorf(kz_tmpl_lexer *l, const char *fmt,
                                                                      ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(l->errbuf, sizeof l->errbuf, fmt, ap);
    va_end(ap);
    l->tok = (kz_tok){.type = KZ_TOK_ERROR, .pos = (uint32_t)l->start, .line = l->start_line,
                      .val = l->errbuf, .len = strlen(l->errbuf)};
    l->done = true;
    return NULL;
}

/* Go's %#U: "U+0023 '#'" for a printable rune, "U+0001" otherwise. */
static void format_rune_U(char *out, size_t n, int32_t r) {
    bool printable = r >= 0x20 && r != 0x7F && !(r >= 0x80 && r < 0xA0) && r != 0xFFFD;
    if (!printable) {
        snprintf(out, n, "U+%04X", (unsigned)r);
        return;
    }
    char utf8[5] = {0};
    uint32_t u = (uint32_t)r;
    if (u < 0x80) {
        utf8[0] = (char)u;
    } else if (u < 0x800) {
        utf8[0] = (char)(0xC0 | (u >> 6)), utf8[1] = (char)(0x80 | (u & 0x3F));
    } else if (u < 0x10000) {
        utf8[0] = (char)(0xE0 | (u >> 12)), utf8[1] = (char)(0x80 | ((u >> 6) & 0x3F));
        utf8[2] = (char)(0x80 | (u & 0x3F));
    } else {
        utf8[0] = (char)(0xF0 | (u >> 18)), utf8[1] = (char)(0x80 | ((u >> 12) & 0x3F));
        utf8[2] = (char)(0x80 | ((u >> 6) & 0x3F)), utf8[3] = (char)(0x80 | (u & 0x3F));
    }
    snprintf(out, n, "U+%04X '%s'", (unsigned)r, utf8);
}

/* ---- trim markers ---- */

static bool has_left_trim_marker(const kz_tmpl_lexer *l, size_t at) {
    return at + 2 <= l->len && l->input[at] == '-' && is_space((unsigned char)l->input[at + 1]);
}

static bool has_right_trim_marker(const kz_tmpl_lexer *l, size_t at) {
    return at + 2 <= l->len && is_space((unsigned char)l->input[at]) && l->input[at + 1] == '-';
}

/* Whether the input at pos is the right delimiter, possibly after " -". */
static bool at_right_delim(const kz_tmpl_lexer *l, bool *trim) {
    if (has_right_trim_marker(l, l->pos) &&
        has_prefix_at(l, l->pos + TRIM_MARKER_LEN, l->right, l->right_len)) {
        *trim = true;
        return true;
    }
    *trim = false;
    return has_prefix_at(l, l->pos, l->right, l->right_len);
}

static size_t right_trim_length(const char *s, size_t n) {
    size_t k = n;
    while (k > 0 && is_space((unsigned char)s[k - 1])) k--;
    return n - k;
}

static size_t left_trim_length(const char *s, size_t n) {
    size_t k = 0;
    while (k < n && is_space((unsigned char)s[k])) k++;
    return k;
}

/* ---- states ---- */

static const lex_state *lex_text(kz_tmpl_lexer *l);
static const lex_state *lex_left_delim(kz_tmpl_lexer *l);
static const lex_state *lex_comment(kz_tmpl_lexer *l);
static const lex_state *lex_right_delim(kz_tmpl_lexer *l);
static const lex_state *lex_inside_action(kz_tmpl_lexer *l);
static const lex_state *lex_space(kz_tmpl_lexer *l);
static const lex_state *lex_identifier(kz_tmpl_lexer *l);
static const lex_state *lex_field(kz_tmpl_lexer *l);
static const lex_state *lex_variable(kz_tmpl_lexer *l);
static const lex_state *lex_char(kz_tmpl_lexer *l);
static const lex_state *lex_number(kz_tmpl_lexer *l);
static const lex_state *lex_quote(kz_tmpl_lexer *l);
static const lex_state *lex_raw_quote(kz_tmpl_lexer *l);

/* The states other states hand over to through kz_tmpl_lex_next's loop; the
 * common steps (text to delimiter, action to space, field, name, string)
 * call the next state directly instead. */
static const lex_state S_TEXT = {lex_text}, S_COMMENT = {lex_comment}, S_INSIDE = {lex_inside_action},
                       S_CHAR = {lex_char}, S_NUMBER = {lex_number}, S_RAW = {lex_raw_quote};

static const char *find(const char *hay, size_t hn, const char *needle, size_t nn) {
    if (nn == 0) return hay;
    const char *end = hay + hn;
    for (const char *p = hay; (size_t)(end - p) >= nn; p++) {
        p = memchr(p, needle[0], (size_t)(end - p) - nn + 1);
        if (!p) return NULL;
        if (memcmp(p, needle, nn) == 0) return p;
    }
    return NULL;
}

static const lex_state *lex_text(kz_tmpl_lexer *l) {
    const char *at = find(l->input + l->pos, l->len - l->pos, l->left, l->left_len);
    if (at) {
        size_t x = (size_t)(at - (l->input + l->pos));
        if (x > 0) {
            l->pos += x;
            size_t trim = 0;
            if (has_left_trim_marker(l, l->pos + l->left_len)) {
                trim = right_trim_length(l->input + l->start, l->pos - l->start);
            }
            l->pos -= trim;
            l->line += (uint32_t)count_newlines(l->input + l->start, l->pos - l->start);
            kz_tok tok = this_item(l, KZ_TOK_TEXT);
            l->pos += trim;
            ignore(l);
            if (tok.len > 0) {
                l->tok = tok;
                return NULL; /* lex_left_delim follows on the next call */
            }
        }
        return lex_left_delim(l);
    }
    l->pos = l->len;
    if (l->pos > l->start) {
        l->line += (uint32_t)count_newlines(l->input + l->start, l->pos - l->start);
        return emit(l, KZ_TOK_TEXT);
    }
    return emit(l, KZ_TOK_EOF);
}

static const lex_state *lex_left_delim(kz_tmpl_lexer *l) {
    l->pos += l->left_len;
    bool trim = has_left_trim_marker(l, l->pos);
    size_t after = trim ? TRIM_MARKER_LEN : 0;
    if (has_prefix_at(l, l->pos + after, left_comment, 2)) {
        l->pos += after;
        ignore(l);
        return &S_COMMENT;
    }
    kz_tok tok = this_item(l, KZ_TOK_LEFT_DELIM);
    l->inside_action = true;
    l->pos += after;
    ignore(l);
    l->paren_depth = 0;
    return emit_item(l, tok);
}

static const lex_state *lex_comment(kz_tmpl_lexer *l) {
    l->pos += 2;
    const char *end = find(l->input + l->pos, l->len - l->pos, right_comment, 2);
    if (!end) return errorf(l, "unclosed comment");
    l->pos = (size_t)(end - l->input) + 2;
    bool trim;
    if (!at_right_delim(l, &trim)) return errorf(l, "comment ends before closing delimiter");
    (void)this_item(l, KZ_TOK_TEXT); /* the comment: dropped (Go keeps it only in ParseComments mode) */
    if (trim) l->pos += TRIM_MARKER_LEN;
    l->pos += l->right_len;
    if (trim) l->pos += left_trim_length(l->input + l->pos, l->len - l->pos);
    ignore(l);
    return &S_TEXT;
}

static const lex_state *lex_right_delim(kz_tmpl_lexer *l) {
    bool trim;
    (void)at_right_delim(l, &trim);
    if (trim) {
        l->pos += TRIM_MARKER_LEN;
        ignore(l);
    }
    l->pos += l->right_len;
    kz_tok tok = this_item(l, KZ_TOK_RIGHT_DELIM);
    if (trim) {
        l->pos += left_trim_length(l->input + l->pos, l->len - l->pos);
        ignore(l);
    }
    l->inside_action = false;
    return emit_item(l, tok);
}

static const lex_state *lex_inside_action(kz_tmpl_lexer *l) {
    bool trim;
    /* The right delimiter, possibly after " -", starts with a space or its
     * own first byte: every other token is ruled out by one look. */
    unsigned char c = l->pos < l->len ? (unsigned char)l->input[l->pos] : 0;
    if ((c == (unsigned char)l->right[0] || is_space(c)) && at_right_delim(l, &trim)) {
        if (l->paren_depth == 0) return lex_right_delim(l);
        return errorf(l, "unclosed left paren");
    }
    size_t w;
    int32_t r = next(l, &w);
    if (r == EOF_RUNE) return errorf(l, "unclosed action");
    if (is_space(r)) {
        backup(l, r, w); /* keep the space in case it starts " -}}" */
        return lex_space(l);
    }
    switch (r) {
    case '=': return emit(l, KZ_TOK_ASSIGN);
    case ':':
        if (next(l, &w) != '=') return errorf(l, "expected :=");
        return emit(l, KZ_TOK_DECLARE);
    case '|': return emit(l, KZ_TOK_PIPE);
    case '"': return lex_quote(l);
    case '`': return &S_RAW;
    case '$': return lex_variable(l);
    case '\'': return &S_CHAR;
    case '(':
        l->paren_depth++;
        return emit(l, KZ_TOK_LEFT_PAREN);
    case ')':
        l->paren_depth--;
        if (l->paren_depth < 0) return errorf(l, "unexpected right paren");
        return emit(l, KZ_TOK_RIGHT_PAREN);
    default: break;
    }
    if (r == '.') {
        /* ".field" unless a digit follows: ".5" is a number */
        if (l->pos < l->len && !(l->input[l->pos] >= '0' && l->input[l->pos] <= '9')) return lex_field(l);
    }
    if (r == '.' || r == '+' || r == '-' || (r >= '0' && r <= '9')) {
        backup(l, r, w);
        return &S_NUMBER;
    }
    if (is_alnum(r)) {
        backup(l, r, w);
        return lex_identifier(l);
    }
    if (r < 0x80 && r >= 0x20 && r != 0x7F) return emit(l, KZ_TOK_CHAR);
    char u[32];
    format_rune_U(u, sizeof u, r);
    return errorf(l, "unrecognized character in action: %s", u);
}

static const lex_state *lex_space(kz_tmpl_lexer *l) {
    int num_spaces = 0;
    /* spaces are single bytes: no rune decoding (next() would count the
     * newlines the same way) */
    while (l->pos < l->len && is_space((unsigned char)l->input[l->pos])) {
        if (l->input[l->pos] == '\n') l->line++;
        l->pos++;
        num_spaces++;
    }
    /* A space followed by "-}}" is a trim marker, not an argument separator. */
    if (has_right_trim_marker(l, l->pos - 1) &&
        has_prefix_at(l, l->pos - 1 + TRIM_MARKER_LEN, l->right, l->right_len)) {
        backup(l, (unsigned char)l->input[l->pos - 1], 1);
        if (num_spaces == 1) return &S_INSIDE;
    }
    return emit(l, KZ_TOK_SPACE);
}

/* After an identifier, field or variable: only these may follow directly. */
static bool at_terminator(kz_tmpl_lexer *l) {
    if (l->pos >= l->len) return true; /* EOF */
    switch (l->input[l->pos]) { /* all ASCII: the first byte is the rune */
    case ' ': case '\t': case '\r': case '\n':
    case '.': case ',': case '|': case ':': case ')': case '(': return true;
    default: break;
    }
    return has_prefix_at(l, l->pos, l->right, l->right_len);
}

/* The keyword word[0..n) is, or KZ_TOK_EOF. Every identifier and field
 * token is checked: the length and first byte rule out nearly all of them
 * before any comparison. */
static kz_tok_type keyword(const char *s, size_t n, const kz_tmpl_lexer *l) {
#define WORD(w, t) (n == sizeof w - 1 && memcmp(s, w, sizeof w - 1) == 0 ? (t) : KZ_TOK_EOF)
    switch (s[0]) {
    case '.': return n == 1 ? KZ_TOK_DOT : KZ_TOK_EOF;
    case 'b':
        if (n == 5 && memcmp(s, "break", 5) == 0) return l->break_ok ? KZ_TOK_BREAK : KZ_TOK_IDENTIFIER;
        return WORD("block", KZ_TOK_BLOCK);
    case 'c':
        if (n == 8 && memcmp(s, "continue", 8) == 0) return l->continue_ok ? KZ_TOK_CONTINUE : KZ_TOK_IDENTIFIER;
        return KZ_TOK_EOF;
    case 'd': return WORD("define", KZ_TOK_DEFINE);
    case 'e': return n == 4 ? WORD("else", KZ_TOK_ELSE) : WORD("end", KZ_TOK_END);
    case 'i': return WORD("if", KZ_TOK_IF);
    case 'n': return WORD("nil", KZ_TOK_NIL);
    case 'r': return WORD("range", KZ_TOK_RANGE);
    case 't': return WORD("template", KZ_TOK_TEMPLATE);
    case 'w': return WORD("with", KZ_TOK_WITH);
    default: return KZ_TOK_EOF; /* not a keyword */
    }
#undef WORD
}

static const lex_state *bad_character(kz_tmpl_lexer *l, int32_t r) {
    char u[32];
    format_rune_U(u, sizeof u, r);
    return errorf(l, "bad character %s", u);
}

/* Letters, digits and '_' of ASCII, by table: skip_alnum's loop runs over
 * every byte of every name in a template. */
static const bool ascii_ident[256] = {
    ['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1, ['5'] = 1, ['6'] = 1, ['7'] = 1, ['8'] = 1, ['9'] = 1,
    ['A'] = 1, ['B'] = 1, ['C'] = 1, ['D'] = 1, ['E'] = 1, ['F'] = 1, ['G'] = 1, ['H'] = 1, ['I'] = 1, ['J'] = 1,
    ['K'] = 1, ['L'] = 1, ['M'] = 1, ['N'] = 1, ['O'] = 1, ['P'] = 1, ['Q'] = 1, ['R'] = 1, ['S'] = 1, ['T'] = 1,
    ['U'] = 1, ['V'] = 1, ['W'] = 1, ['X'] = 1, ['Y'] = 1, ['Z'] = 1, ['_'] = 1, ['a'] = 1, ['b'] = 1, ['c'] = 1,
    ['d'] = 1, ['e'] = 1, ['f'] = 1, ['g'] = 1, ['h'] = 1, ['i'] = 1, ['j'] = 1, ['k'] = 1, ['l'] = 1, ['m'] = 1,
    ['n'] = 1, ['o'] = 1, ['p'] = 1, ['q'] = 1, ['r'] = 1, ['s'] = 1, ['t'] = 1, ['u'] = 1, ['v'] = 1, ['w'] = 1,
    ['x'] = 1, ['y'] = 1, ['z'] = 1,
};

static inline bool is_ascii_ident(unsigned char c) { return ascii_ident[c]; }

/* Read past the identifier runes (letters, digits, '_'): ASCII ones a byte
 * at a time, as templates are nearly all ASCII, others decoded. Returns the
 * first other rune, not consumed (EOF_RUNE at the end). No newline is
 * passed, so the line count stays. */
static int32_t skip_alnum(kz_tmpl_lexer *l) {
    const unsigned char *s = (const unsigned char *)l->input;
    size_t i = l->pos;
    for (;;) {
        while (i < l->len && is_ascii_ident(s[i])) i++;
        l->pos = i;
        if (i >= l->len) return EOF_RUNE;
        if (s[i] < 0x80) return s[i];
        size_t w;
        int32_t r = decode_rune(s + i, l->len - i, &w);
        if (!is_alnum(r)) return r;
        i += w;
    }
}

static const lex_state *lex_identifier(kz_tmpl_lexer *l) {
    int32_t r = skip_alnum(l);
    if (!at_terminator(l)) return bad_character(l, r);
    const char *word = l->input + l->start;
    size_t n = l->pos - l->start;
    kz_tok_type kw = keyword(word, n, l);
    if (kw != KZ_TOK_EOF) return emit(l, kw);
    if (word[0] == '.') return emit(l, KZ_TOK_FIELD);
    if ((n == 4 && memcmp(word, "true", 4) == 0) || (n == 5 && memcmp(word, "false", 5) == 0)) {
        return emit(l, KZ_TOK_BOOL);
    }
    return emit(l, KZ_TOK_IDENTIFIER);
}

/* A field (.name) or variable ($name); the '.' or '$' was read. */
static const lex_state *lex_field_or_variable(kz_tmpl_lexer *l, kz_tok_type t) {
    if (at_terminator(l)) return emit(l, t == KZ_TOK_VARIABLE ? KZ_TOK_VARIABLE : KZ_TOK_DOT);
    int32_t r = skip_alnum(l);
    if (!at_terminator(l)) return bad_character(l, r);
    return emit(l, t);
}

static const lex_state *lex_field(kz_tmpl_lexer *l) { return lex_field_or_variable(l, KZ_TOK_FIELD); }

static const lex_state *lex_variable(kz_tmpl_lexer *l) {
    if (at_terminator(l)) return emit(l, KZ_TOK_VARIABLE);
    return lex_field_or_variable(l, KZ_TOK_VARIABLE);
}

/* Scan to the closing quote; a backslash escapes the next character. */
static bool scan_quoted(kz_tmpl_lexer *l, int32_t quote) {
    size_t w;
    for (;;) {
        int32_t r = next(l, &w);
        if (r == '\\') {
            r = next(l, &w);
            if (r != EOF_RUNE && r != '\n') continue;
            return false;
        }
        if (r == EOF_RUNE || r == '\n') return false;
        if (r == quote) return true;
    }
}

static const lex_state *lex_char(kz_tmpl_lexer *l) {
    if (!scan_quoted(l, '\'')) return errorf(l, "unterminated character constant");
    return emit(l, KZ_TOK_CHAR_CONST);
}

static const lex_state *lex_quote(kz_tmpl_lexer *l) {
    if (!scan_quoted(l, '"')) return errorf(l, "unterminated quoted string");
    return emit(l, KZ_TOK_STRING);
}

static const lex_state *lex_raw_quote(kz_tmpl_lexer *l) {
    size_t w;
    for (;;) {
        int32_t r = next(l, &w);
        if (r == EOF_RUNE) return errorf(l, "unterminated raw quoted string");
        if (r == '`') break;
    }
    return emit(l, KZ_TOK_RAW_STRING);
}

/* Go's scanNumber: deliberately loose ("089", "0x1.8" pass); the parser's
 * strconv-style conversion rejects what is not a number. */
static bool scan_number(kz_tmpl_lexer *l) {
    accept(l, "+-");
    const char *digits = "0123456789_";
    if (accept(l, "0")) {
        if (accept(l, "xX")) {
            digits = "0123456789abcdefABCDEF_";
        } else if (accept(l, "oO")) {
            digits = "01234567_";
        } else if (accept(l, "bB")) {
            digits = "01_";
        }
    }
    accept_run(l, digits);
    if (accept(l, ".")) accept_run(l, digits);
    if (strlen(digits) == 11 && accept(l, "eE")) {
        accept(l, "+-");
        accept_run(l, "0123456789_");
    }
    if (strlen(digits) == 23 && accept(l, "pP")) {
        accept(l, "+-");
        accept_run(l, "0123456789_");
    }
    accept(l, "i");
    if (is_alnum(peek(l))) {
        size_t w;
        next(l, &w);
        return false;
    }
    return true;
}

static const lex_state *bad_number(kz_tmpl_lexer *l) {
    kz_buf q = KZ_BUF_INIT;
    kz_tmpl_quote(&q, l->input + l->start, l->pos - l->start, SIZE_MAX);
    const lex_state *s = errorf(l, "bad number syntax: %s", kz_buf_cstr(&q));
    kz_buf_free(&q);
    return s;
}

static const lex_state *lex_number(kz_tmpl_lexer *l) {
    if (!scan_number(l)) {
        return bad_number(l);
    }
    int32_t sign = peek(l);
    if (sign == '+' || sign == '-') {
        /* complex: 1+2i, no spaces, must end in 'i' */
        if (!scan_number(l) || l->input[l->pos - 1] != 'i') {
            return bad_number(l);
        }
        return emit(l, KZ_TOK_COMPLEX);
    }
    return emit(l, KZ_TOK_NUMBER);
}

/* ---- quoting (Go's strconv.Quote) ---- */

/* Go quotes with %q (strconv.Quote), and messages about long tokens with %.10q,
 * which first cuts the text to max_runes runes. */
void kz_tmpl_quote(kz_buf *out, const char *s, size_t n, size_t max_runes) {
    size_t i = 0;
    for (size_t runes = 0; i < n && runes < max_runes; runes++) {
        size_t w;
        (void)decode_rune((const unsigned char *)s + i, n - i, &w);
        i += w;
    }
    kz_fmt_quote(out, s, i, false);
}

void kz_tmpl_tok_describe(kz_buf *out, const kz_tok *t) {
    if (t->type == KZ_TOK_EOF) {
        kz_buf_puts(out, "EOF");
    } else if (t->type == KZ_TOK_ERROR) {
        kz_buf_append(out, t->val, t->len);
    } else if (t->type > KZ_TOK_KEYWORD_) {
        kz_buf_putc(out, '<');
        kz_buf_append(out, t->val, t->len);
        kz_buf_putc(out, '>');
    } else if (t->len > 10) {
        kz_tmpl_quote(out, t->val, t->len, 10);
        kz_buf_puts(out, "...");
    } else {
        kz_tmpl_quote(out, t->val, t->len, SIZE_MAX);
    }
}

/* ---- API ---- */

void kz_tmpl_lex_init(kz_tmpl_lexer *l, const char *input, size_t len, const char *left,
                      const char *right) {
    memset(l, 0, sizeof *l);
    l->input = input ? input : "";
    l->len = input ? len : 0;
    l->left = left && *left ? left : "{{";
    l->right = right && *right ? right : "}}";
    l->left_len = strlen(l->left);
    l->right_len = strlen(l->right);
    l->line = l->start_line = 1;
    l->break_ok = l->continue_ok = true;
}

kz_tok kz_tmpl_lex_next(kz_tmpl_lexer *l) {
    if (l->done) {
        return (kz_tok){.type = KZ_TOK_EOF, .pos = 0, .line = l->start_line, .val = "EOF", .len = 3};
    }
    l->tok = (kz_tok){.type = KZ_TOK_EOF, .pos = (uint32_t)l->pos, .line = l->start_line,
                      .val = "EOF", .len = 3};
    const lex_state *s = l->inside_action ? lex_inside_action(l) : lex_text(l);
    while (s) s = s->fn(l);
    return l->tok;
}
