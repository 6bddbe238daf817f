/*
 * The lexer of Go's text/template (Go 1.23), token for token: the parser's error
 * messages quote tokens and their lines, so the token stream must be Go's.
 *
 * Text outside actions becomes KZ_TOK_TEXT with trim markers already applied
 * ("{{- " trims the white space before, " -}}" the white space after; the marker
 * needs the white space: "{{-3}}" is the number -3). Comments are dropped. Inside
 * an action, runs of white space (newlines included) are KZ_TOK_SPACE tokens.
 *
 * The lexer borrows the input text and the delimiters (they must outlive it);
 * token values point into the input, except an error token's, which points into
 * the lexer itself (valid until the lexer is dropped). Once an error token was
 * returned, every further token is KZ_TOK_EOF. No allocation.
 */
#ifndef KZ_TMPL_LEX_H
#define KZ_TMPL_LEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"

typedef enum kz_tok_type {
    KZ_TOK_ERROR,       /* val is the message, e.g. "unclosed action" */
    KZ_TOK_BOOL,        /* true, false */
    KZ_TOK_CHAR,        /* any other printable ASCII character: ',' and the like */
    KZ_TOK_CHAR_CONST,  /* 'a' (quotes included; checked by the parser) */
    KZ_TOK_COMPLEX,     /* 1+2i */
    KZ_TOK_ASSIGN,      /* = */
    KZ_TOK_DECLARE,     /* := */
    KZ_TOK_EOF,
    KZ_TOK_FIELD,       /* .name */
    KZ_TOK_IDENTIFIER,  /* a function name */
    KZ_TOK_LEFT_DELIM,
    KZ_TOK_LEFT_PAREN,
    KZ_TOK_NUMBER,      /* any number form, imaginary included; checked by the parser */
    KZ_TOK_PIPE,
    KZ_TOK_RAW_STRING,  /* `raw` (quotes included) */
    KZ_TOK_RIGHT_DELIM,
    KZ_TOK_RIGHT_PAREN,
    KZ_TOK_SPACE,
    KZ_TOK_STRING,      /* "quoted" (quotes included, escapes not decoded) */
    KZ_TOK_TEXT,
    KZ_TOK_VARIABLE,    /* $ or $name */
    /* keywords: Go prints these tokens as <val> in messages */
    KZ_TOK_KEYWORD_,    /* marker only */
    KZ_TOK_BLOCK,
    KZ_TOK_BREAK,
    KZ_TOK_CONTINUE,
    KZ_TOK_DOT,
    KZ_TOK_DEFINE,
    KZ_TOK_ELSE,
    KZ_TOK_END,
    KZ_TOK_IF,
    KZ_TOK_NIL,
    KZ_TOK_RANGE,
    KZ_TOK_TEMPLATE,
    KZ_TOK_WITH,
} kz_tok_type;

typedef struct kz_tok {
    kz_tok_type type;
    uint32_t pos;    /* byte offset of the token in the input */
    uint32_t line;   /* 1-based line where the token starts, as Go counts it */
    const char *val; /* the token's bytes (error: the message) */
    size_t len;
} kz_tok;

typedef struct kz_tmpl_lexer {
    const char *input;
    size_t len;
    const char *left, *right; /* delimiters */
    size_t left_len, right_len;
    size_t pos, start;
    uint32_t line, start_line;
    int paren_depth;
    bool inside_action;
    bool break_ok, continue_ok; /* false when "break"/"continue" are function names */
    bool done;                  /* an error was returned */
    kz_tok tok;                 /* the token being produced */
    char errbuf[160];
} kz_tmpl_lexer;

/* Start lexing input[0..len). Empty or NULL delimiters mean "{{" and "}}". */
void kz_tmpl_lex_init(kz_tmpl_lexer *l, const char *input, size_t len, const char *left,
                      const char *right);
/* The next token. */
kz_tok kz_tmpl_lex_next(kz_tmpl_lexer *l);

/* Append Go's rendering of a token in messages (item.String()): EOF, the message
 * of an error, <keyword>, or the value %q-quoted (cut to 10 characters + "..."). */
void kz_tmpl_tok_describe(kz_buf *out, const kz_tok *t);

/* Decode the UTF-8 rune at s[0..n) (n > 0) as Go's utf8.DecodeRuneInString:
 * invalid or truncated sequences give U+FFFD and length 1. Returns the length. */
size_t kz_tmpl_decode_rune(const char *s, size_t n, int32_t *r);

/* The inside s[0..n) of a literal quoted by `quote` ('"' or '\''), its Go
 * escapes decoded (strconv.UnquoteChar, character by character), appended
 * to out. False on bad syntax. A raw newline is allowed here: Go's Unquote
 * refuses it, client-go's JSONPath (UnquoteExtend) does not. */
bool kz_tmpl_unquote_body(const char *s, size_t n, char quote, kz_buf *out);

/* Append s[0..n) quoted as Go's strconv.Quote does (fmt's %q, via
 * kz_fmt_quote), using only its first max_runes runes (fmt's %.Nq; SIZE_MAX for
 * all). */
void kz_tmpl_quote(kz_buf *out, const char *s, size_t n, size_t max_runes);

#endif
