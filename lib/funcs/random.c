/*
 * Template functions: random family (see funcs_internal.h).
 *
 *   randAlphaNum, randAlpha, randAscii, randNumeric (count int): goutils'
 *       CryptoRandom* strings; a count of 0 or less gives "" (goutils returns
 *       an error that Sprig drops).
 *   randInt (min, max int) int: math/rand's Intn(max-min)+min; Intn panics
 *       "invalid argument to Intn" when max-min <= 0.
 *   randBytes (count int): base64 of count random bytes; a negative count
 *       panics in make().
 *   uuidv4: RFC 4122 version 4, lowercase.
 *   shuffle (s string): xstrings.Shuffle, a random permutation of the runes.
 *
 * All randomness comes from the kernel's CSPRNG through getrandom(2), where
 * Go's crypto/rand takes it too (Sprig mixes crypto/rand and math/rand; only
 * the distribution matters to templates). Not OpenSSL's RAND_bytes: its
 * first call sets up the DRBG and OpenSSL 3's provider name map, 8 million
 * instructions (a quarter of rendering the jenkins chart) for a password.
 */
#include <stdlib.h>
#include <string.h>

#include <errno.h>
#include <sys/random.h>

#include <openssl/evp.h>
#include <openssl/rand.h>

#include "core/alloc.h"
#include "core/utf8.h"
#include "funcs/funcs_internal.h"

void kz_funcs_random_bytes(void *p, size_t n) {
    while (n > 0) {
        ssize_t got = getrandom(p, n, 0);
        if (got < 0 && errno == EINTR) continue;
        if (got <= 0) {
            /* a kernel without getrandom: OpenSSL's DRBG. Neither fails but
             * without any entropy source: like running out of memory, not
             * something a template can cause or a caller can handle */
            size_t chunk = n > (1u << 30) ? (1u << 30) : n;
            if (RAND_bytes(p, (int)chunk) != 1) abort();
            got = (ssize_t)chunk;
        }
        p = (unsigned char *)p + got;
        n -= (size_t)got;
    }
}

/* Go's maxAlloc on 64-bit Linux: make() of more bytes panics "makeslice: len
 * out of range" (less may still run out of memory, as here). */
#define GO_MAX_ALLOC ((int64_t)1 << 48)

/* A uniform integer in [0, n), n > 0. */
static uint64_t random_below(uint64_t n) {
    uint64_t limit = UINT64_MAX - UINT64_MAX % n; /* values >= limit are rejected */
    for (;;) {
        uint64_t r;
        kz_funcs_random_bytes(&r, sizeof r);
        if (r < limit || limit == 0) return r % n;
    }
}

/* count characters drawn uniformly from set[0..setlen). */
static kz_value random_string(const kz_value *count, const char *set, size_t setlen) {
    int64_t n = kz_int_get(count);
    if (n <= 0) return kz_string("");
    /* goutils makes a []rune of count: Go refuses more than 2^48 bytes */
    if (n > GO_MAX_ALLOC / 4) return kz_error("runtime error: makeslice: len out of range");
    char *buf = kz_xmalloc((size_t)n);
    unsigned char rnd[256];
    size_t used = sizeof rnd;
    /* bytes below the largest multiple of setlen <= 256 map uniformly */
    unsigned limit = 256u - 256u % (unsigned)setlen;
    for (int64_t i = 0; i < n;) {
        if (used == sizeof rnd) {
            kz_funcs_random_bytes(rnd, sizeof rnd);
            used = 0;
        }
        unsigned b = rnd[used++];
        if (b < limit) buf[i++] = set[b % setlen];
    }
    kz_value v = kz_string_n(buf, (size_t)n);
    free(buf);
    return v;
}

static const char alpha[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
static const char alnum[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
static const char digits[] = "0123456789";

static kz_value f_rand_alpha_num(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    (void)c, (void)argc;
    return random_string(&argv[0], alnum, sizeof alnum - 1);
}

static kz_value f_rand_alpha(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    (void)c, (void)argc;
    return random_string(&argv[0], alpha, sizeof alpha - 1);
}

static kz_value f_rand_numeric(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    (void)c, (void)argc;
    return random_string(&argv[0], digits, sizeof digits - 1);
}

static kz_value f_rand_ascii(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    (void)c, (void)argc;
    char set[95]; /* ' ' .. '~' */
    for (int i = 0; i < 95; i++) set[i] = (char)(' ' + i);
    return random_string(&argv[0], set, sizeof set);
}

static kz_value f_rand_int(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    (void)c, (void)argc;
    int64_t min = kz_int_get(&argv[0]), max = kz_int_get(&argv[1]);
    int64_t n = (int64_t)((uint64_t)max - (uint64_t)min); /* Go's wrapping int subtraction */
    if (n <= 0) return kz_error("invalid argument to Intn");
    return kz_go_int((int64_t)((uint64_t)random_below((uint64_t)n) + (uint64_t)min));
}

static kz_value f_rand_bytes(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    (void)c, (void)argc;
    int64_t n = kz_int_get(&argv[0]);
    if (n < 0 || n > GO_MAX_ALLOC) return kz_error("runtime error: makeslice: len out of range");
    unsigned char *raw = kz_xmalloc((size_t)n + 1);
    kz_funcs_random_bytes(raw, (size_t)n);
    size_t outlen = 4 * (((size_t)n + 2) / 3);
    unsigned char *enc = kz_xmalloc(outlen + 1);
    /* EVP_EncodeBlock takes an int length: encode in chunks of 3*2^20 bytes */
    size_t w = 0;
    for (size_t off = 0; off < (size_t)n;) {
        size_t chunk = (size_t)n - off;
        if (chunk > 3u << 20) chunk = 3u << 20;
        w += (size_t)EVP_EncodeBlock(enc + w, raw + off, (int)chunk);
        off += chunk;
    }
    kz_value v = kz_string_n((const char *)enc, w);
    free(raw);
    free(enc);
    return v;
}

static kz_value f_uuidv4(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    (void)c, (void)argc, (void)argv;
    unsigned char u[16];
    kz_funcs_random_bytes(u, sizeof u);
    u[6] = (unsigned char)((u[6] & 0x0f) | 0x40); /* version 4 */
    u[8] = (unsigned char)((u[8] & 0x3f) | 0x80); /* RFC 4122 variant */
    char s[37];
    static const char hex[] = "0123456789abcdef";
    size_t w = 0;
    for (int i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10) s[w++] = '-';
        s[w++] = hex[u[i] >> 4];
        s[w++] = hex[u[i] & 15];
    }
    return kz_string_n(s, w);
}

static kz_value f_shuffle(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    (void)c, (void)argc;
    const unsigned char *s = (const unsigned char *)kz_str(&argv[0]);
    size_t n = kz_str_len(&argv[0]);
    uint32_t *runes = kz_xmalloc((n + 1) * sizeof *runes);
    size_t count = 0;
    for (size_t i = 0; i < n;) {
        i += kz_utf8_decode(s + i, n - i, &runes[count++]);
    }
    for (size_t i = count; i > 1; i--) { /* Fisher-Yates */
        size_t j = (size_t)random_below(i);
        uint32_t t = runes[i - 1];
        runes[i - 1] = runes[j];
        runes[j] = t;
    }
    kz_buf out = KZ_BUF_INIT;
    for (size_t i = 0; i < count; i++) kz_utf8_append(&out, runes[i]);
    kz_value v = kz_string_n(out.data ? out.data : "", out.len);
    kz_buf_free(&out);
    free(runes);
    return v;
}

void kz_funcs_register_random(kz_tmpl_funcs *t) {
    kz_tmpl_funcs_add_typed(t, "randAlphaNum", f_rand_alpha_num, "i", NULL);
    kz_tmpl_funcs_add_typed(t, "randAlpha", f_rand_alpha, "i", NULL);
    kz_tmpl_funcs_add_typed(t, "randAscii", f_rand_ascii, "i", NULL);
    kz_tmpl_funcs_add_typed(t, "randNumeric", f_rand_numeric, "i", NULL);
    kz_tmpl_funcs_add_typed(t, "randInt", f_rand_int, "ii", NULL);
    kz_tmpl_funcs_add_typed(t, "randBytes", f_rand_bytes, "i", NULL);
    kz_tmpl_funcs_add_typed(t, "uuidv4", f_uuidv4, "", NULL);
    kz_tmpl_funcs_add_typed(t, "shuffle", f_shuffle, "s", NULL);
}
