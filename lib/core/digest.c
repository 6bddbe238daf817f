/* Digests through OpenSSL's direct functions (see digest.h for why). */
#define OPENSSL_SUPPRESS_DEPRECATED
#include "core/digest.h"

#include <openssl/sha.h>

void kz_sha1(const void *data, size_t len, unsigned char out[KZ_SHA1_LEN]) {
    SHA_CTX c;
    SHA1_Init(&c);
    SHA1_Update(&c, data, len);
    SHA1_Final(out, &c);
}

void kz_sha256(const void *data, size_t len, unsigned char out[KZ_SHA256_LEN]) {
    SHA256_CTX c;
    SHA256_Init(&c);
    SHA256_Update(&c, data, len);
    SHA256_Final(out, &c);
}

void kz_sha512(const void *data, size_t len, unsigned char out[KZ_SHA512_LEN]) {
    SHA512_CTX c;
    SHA512_Init(&c);
    SHA512_Update(&c, data, len);
    SHA512_Final(out, &c);
}

void kz_hex_encode(const unsigned char *d, size_t n, char *out) {
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[d[i] >> 4];
        out[2 * i + 1] = digits[d[i] & 15];
    }
    out[2 * n] = '\0';
}
