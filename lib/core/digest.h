/*
 * SHA-1, SHA-256 and SHA-512 of a buffer, computed by OpenSSL.
 *
 * Why not EVP: OpenSSL 3's EVP interface, and even its one-shot SHA256(),
 * first fetch the algorithm from a provider, which builds the provider's
 * name map on first use: 5 million instructions, about 1.5 ms per process.
 * That is more than rendering a small chart, and most charts call
 * sha256sum (checksum annotations). The direct SHA*_Init/Update/Final
 * functions (deprecated in OpenSSL 3, still shipped) hash without it.
 * Anything beyond plain digests (HMAC, keys, certificates) stays on EVP.
 *
 * MEMORY: the caller provides the output buffers.
 */
#ifndef KZ_CORE_DIGEST_H
#define KZ_CORE_DIGEST_H

#include <stddef.h>

#define KZ_SHA1_LEN 20
#define KZ_SHA256_LEN 32
#define KZ_SHA512_LEN 64

void kz_sha1(const void *data, size_t len, unsigned char out[KZ_SHA1_LEN]);
void kz_sha256(const void *data, size_t len, unsigned char out[KZ_SHA256_LEN]);
void kz_sha512(const void *data, size_t len, unsigned char out[KZ_SHA512_LEN]);

/* Lowercase hex of d[0..n): 2n characters and a NUL into out. */
void kz_hex_encode(const unsigned char *d, size_t n, char *out);

#endif
