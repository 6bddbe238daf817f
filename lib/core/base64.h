/*
 * Standard base64 (RFC 4648, Go's base64.StdEncoding): padding required, CR and
 * LF ignored as Go's decoder ignores them. Used for YAML's !!binary, JSON's
 * []byte and Sprig's b64enc/b64dec.
 */
#ifndef KZ_CORE_BASE64_H
#define KZ_CORE_BASE64_H

#include <stdbool.h>
#include <stddef.h>

#include "core/buf.h"

/* Append the bytes s[0..n) encodes to out. Returns false on invalid input
 * (out may then hold a partial result: callers discard it). */
bool kz_base64_decode(const char *s, size_t n, kz_buf *out);

/* Go's base64.StdEncoding.DecodeString exactly: returns -1 and appends the
 * bytes, or returns the input offset Go's CorruptInputError reports ("illegal
 * base64 data at input byte N"); out then holds a partial result. */
long kz_base64_decode_go(const char *s, size_t n, kz_buf *out);

/* Append the padded standard base64 of s[0..n) to out. */
void kz_base64_encode(const char *s, size_t n, kz_buf *out);

#endif
