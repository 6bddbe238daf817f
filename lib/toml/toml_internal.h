/* Shared by the TOML reader and writer (lib/toml). */
#ifndef KZ_TOML_INTERNAL_H
#define KZ_TOML_INTERNAL_H

#include <stddef.h>

#include "core/buf.h"

/* BurntSushi's dblQuotedReplacer: s[0..n) escaped for a basic string
 * (without the quotes), appended to out. The writer quotes strings and keys
 * with it; the reader quotes keys in its error messages the same way. */
void kz_toml_put_escaped(kz_buf *out, const char *s, size_t n);

#endif
