/* Internal helpers of Go's fmt (lib/tmpl/fmt*.c): UTF-8 the way Go reads it. */
#ifndef KZ_TMPL_FMT_INTERNAL_H
#define KZ_TMPL_FMT_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define KZ_RUNE_ERROR 0xFFFDu
#define KZ_RUNE_MAX 0x10FFFFu

/* strconv.IsPrint: letters, marks, numbers, punctuation, symbols and ' '. */
bool kz_fmt_isprint(uint32_t r);
/* utf8.DecodeRune of s[0..n), n > 0: stores the rune and returns its length;
 * invalid or short input gives (KZ_RUNE_ERROR, 1). */
size_t kz_fmt_utf8_decode(const unsigned char *s, size_t n, uint32_t *r);
/* utf8.EncodeRune into dst (room for 4): invalid runes become U+FFFD. */
size_t kz_fmt_utf8_encode(char *dst, uint32_t r);
/* utf8.RuneCount: each invalid byte counts as one rune. */
size_t kz_fmt_rune_count(const char *s, size_t n);

struct kz_buf;
/* strconv.QuoteRune (ascii_only: QuoteRuneToASCII); invalid runes quote U+FFFD. */
void kz_fmt_quote_rune(struct kz_buf *out, uint32_t r, bool ascii_only);
/* strconv.CanBackquote. */
bool kz_fmt_can_backquote(const char *s, size_t n);

#endif
