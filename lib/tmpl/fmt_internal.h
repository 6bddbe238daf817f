/* Internal helpers of Go's fmt (lib/tmpl/fmt*.c): UTF-8 the way Go reads it. */
#ifndef KZ_TMPL_FMT_INTERNAL_H
#define KZ_TMPL_FMT_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/utf8.h" /* KZ_RUNE_ERROR, KZ_RUNE_MAX, decoding */

/* strconv.IsPrint: letters, marks, numbers, punctuation, symbols and ' '. */
bool kz_fmt_isprint(uint32_t r);

struct kz_buf;
/* strconv.QuoteRune (ascii_only: QuoteRuneToASCII); invalid runes quote U+FFFD. */
void kz_fmt_quote_rune(struct kz_buf *out, uint32_t r, bool ascii_only);
/* strconv.CanBackquote. */
bool kz_fmt_can_backquote(const char *s, size_t n);

#endif
