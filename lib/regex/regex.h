/*
 * Go's regexp (RE2 syntax, as in Go 1.23) on top of PCRE2.
 *
 * Sprig's regex* functions are Go's regexp package, so kz must accept the same
 * patterns, reject the same ones with the same message, and match the same way.
 * kz_regex_compile parses the Go pattern itself, reports Go's errors, and
 * translates it into an equivalent PCRE2 pattern: the anchors ^ $ and the dot are
 * spelled out for the current (?m)/(?s) flags (Go's (?m)^ also matches after a
 * final newline), \s means Go's [\t\n\f\r ], \v is the vertical tab, octal and
 * \x escapes become \x{...}, POSIX classes and \p{...} classes pass through.
 * Both engines are leftmost-first. Subjects may hold invalid UTF-8 (each bad byte
 * is one character, as in Go).
 *
 * Memory: a compiled kz_regex is owned by the caller (kz_regex_free). Results
 * returned by value are owned by the caller (kz_free / kz_buf_free), following
 * the ownership rule of core/value.h. Inputs are borrowed.
 */
#ifndef KZ_REGEX_REGEX_H
#define KZ_REGEX_REGEX_H

#include <stdbool.h>
#include <stddef.h>

#include "core/buf.h"
#include "core/value.h"

typedef struct kz_regex kz_regex;

/* Compile Go pattern[0..n). On success *out is set and a NULL value is returned;
 * on failure *out is NULL and an error value carries Go's message, e.g.
 * "error parsing regexp: invalid or unsupported Perl syntax: `(?=`". */
kz_value kz_regex_compile(const char *pattern, size_t n, kz_regex **out);
void kz_regex_free(kz_regex *re);

/* MatchString: does s contain a match? */
bool kz_regex_match(const kz_regex *re, const char *s, size_t n);

/* FindString: the leftmost match, or "" when there is none. */
kz_value kz_regex_find(const kz_regex *re, const char *s, size_t n);

/* FindStringIndex: the byte offsets [*start, *end) of the leftmost match.
 * False (and the offsets untouched) when there is none. */
bool kz_regex_find_index(const kz_regex *re, const char *s, size_t n, size_t *start, size_t *end);

/* FindAllString(s, limit): successive non-overlapping matches, at most `limit`
 * (all when limit < 0), skipping an empty match right after a previous match.
 * Returns a []string sequence (KZ_GOTYPE_STRING_SLICE). Go returns a nil slice
 * when nothing matched (toJson prints null): the sequence is then empty and
 * *is_nil (if not NULL) is set to true. */
kz_value kz_regex_find_all(const kz_regex *re, const char *s, size_t n, long limit, bool *is_nil);

/* ReplaceAllString: each match replaced by repl with Go's $-expansion ($1, ${1},
 * $name, ${name}, $$; an unknown or unmatched group expands to nothing). */
kz_value kz_regex_replace_all(const kz_regex *re, const char *s, size_t n,
                              const char *repl, size_t repl_n);
/* ReplaceAllLiteralString: each match replaced by repl as is. */
kz_value kz_regex_replace_all_literal(const kz_regex *re, const char *s, size_t n,
                                      const char *repl, size_t repl_n);

/* Split(s, limit): the pieces between matches, at most `limit` (all when
 * limit < 0). A []string sequence; nil (empty, *is_nil set) when limit == 0. */
kz_value kz_regex_split(const kz_regex *re, const char *s, size_t n, long limit, bool *is_nil);

/* QuoteMeta: s with every metacharacter \.+*?()|[]{}^$ backslash-escaped. */
kz_value kz_regex_quote_meta(const char *s, size_t n);

#endif
