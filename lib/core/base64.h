/*
 * Standard base64 (RFC 4648, Go's base64.StdEncoding): padding required, CR and
 * LF ignored as Go's decoder ignores them. Used for YAML's !!binary and, later,
 * Sprig's b64dec.
 */
#ifndef KZ_CORE_BASE64_H
#define KZ_CORE_BASE64_H

#include <stdbool.h>
#include <stddef.h>

#include "core/buf.h"

/* Append the bytes s[0..n) encodes to out. Returns false on invalid input
 * (out may then hold a partial result: callers discard it). */
bool kz_base64_decode(const char *s, size_t n, kz_buf *out);

#endif
