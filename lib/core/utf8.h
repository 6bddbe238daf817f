/*
 * UTF-8 with Go's rules (unicode/utf8). Both references are Go programs, and
 * what counts as valid decides output: JSON and YAML print U+FFFD for a bad
 * byte, fmt's %q escapes it, regexp and text/template step over it as one
 * rune. Valid means: no overlong forms, no surrogates, nothing above U+10FFFF.
 */
#ifndef KZ_CORE_UTF8_H
#define KZ_CORE_UTF8_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"

#define KZ_RUNE_ERROR 0xFFFDu
#define KZ_RUNE_MAX 0x10FFFFu

/* utf8.DecodeRune of s[0..n), n > 0: stores the rune and returns its length;
 * invalid or short input gives (KZ_RUNE_ERROR, 1). */
size_t kz_utf8_decode(const unsigned char *s, size_t n, uint32_t *r);
/* Length of the valid sequence at s[0..n) (1..4), or 0 when the bytes there
 * are not one (an encoded U+FFFD is valid: 3). */
size_t kz_utf8_valid_len(const unsigned char *s, size_t n);
/* utf8.EncodeRune into dst (room for 4): invalid runes become U+FFFD. */
size_t kz_utf8_encode(char *dst, uint32_t r);
void kz_utf8_append(kz_buf *b, uint32_t r);
/* utf8.RuneCount: each invalid byte counts as one rune. */
size_t kz_utf8_rune_count(const char *s, size_t n);
/* Append s with every byte that starts no valid sequence replaced by U+FFFD,
 * as Go's JSON encoder and decoder do. */
void kz_utf8_sanitize(const char *s, size_t n, kz_buf *out);

#endif
