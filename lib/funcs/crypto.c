/*
 * Template functions: crypto family (see funcs_internal.h): Sprig's password
 * hashes (bcrypt, htpasswd, derivePassword), AES (encryptAES, decryptAES) and
 * keys and certificates (genPrivateKey, buildCustomCert, genCA[WithKey],
 * genSelfSignedCert[WithKey], genSignedCert[WithKey]).
 *
 * Every primitive comes from OpenSSL (or libxcrypt for bcrypt); this file only
 * reproduces what Sprig v3.3.0 (Go 1.23's crypto) puts around them: the Master
 * Password templates, Sprig's AES framing (key = password zero-padded or cut
 * to 32 bytes, random IV first, PKCS#7 padding, base64), the PEM block types,
 * and the certificates Go's x509.CreateCertificate writes (v3, random 128-bit
 * serial, subject CN only, extensions KeyUsage (critical), ExtKeyUsage
 * serverAuth+clientAuth, BasicConstraints (critical), SubjectKeyId for CAs,
 * AuthorityKeyId from the parent's SubjectKeyId, SubjectAltName DNS then IP;
 * SHA-256 signatures for RSA).
 *
 * A certificate is a KZ_MAP {Cert, Key} with Go type KZ_GOTYPE_CERT
 * (sprig.certificate).
 */
#include <arpa/inet.h>
#include <crypt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "core/alloc.h"
#include "core/utf8.h"
#include "funcs/funcs_internal.h"
#include "tmpl/gotype.h"

/* ---- helpers ---- */


static void b64_append(kz_buf *out, const unsigned char *data, size_t n) {
    for (size_t off = 0; off < n;) {
        size_t chunk = n - off;
        if (chunk > 3u << 16) chunk = 3u << 16;
        kz_buf_reserve(out, 4 * ((chunk + 2) / 3) + 1);
        int w = EVP_EncodeBlock((unsigned char *)out->data + out->len, data + off, (int)chunk);
        out->len += (size_t)w;
        off += chunk;
    }
    kz_buf_reserve(out, 1);
    out->data[out->len] = '\0';
}

static kz_value buf_value(kz_buf *b) {
    kz_value v = kz_string_n(b->data ? b->data : "", b->len);
    kz_buf_free(b);
    return v;
}

/* Go's base64.StdEncoding.DecodeString, with its CorruptInputError offsets.
 * Returns -1 on success, else the offset of the error. */
static long go_b64_decode(const char *src, size_t n, kz_buf *out) {
    static signed char map[256];
    static bool init;
    if (!init) {
        memset(map, -1, sizeof map);
        const char *a = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        for (int i = 0; i < 64; i++) map[(unsigned char)a[i]] = (signed char)i;
        init = true;
    }
    size_t si = 0;
    for (;;) {
        unsigned char dbuf[4] = {0, 0, 0, 0};
        int dlen = 4;
        long err = -1;
        for (int j = 0; j < 4; j++) {
            if (si == n) {
                if (j == 0) return -1;
                return (long)(si - (size_t)j);
            }
            unsigned char in = (unsigned char)src[si++];
            if (map[in] >= 0) {
                dbuf[j] = (unsigned char)map[in];
                continue;
            }
            if (in == '\n' || in == '\r') {
                j--;
                continue;
            }
            if (in != '=') return (long)(si - 1);
            if (j == 0 || j == 1) return (long)(si - 1);
            if (j == 2) {
                while (si < n && (src[si] == '\n' || src[si] == '\r')) si++;
                if (si == n) return (long)n;
                if (src[si] != '=') return (long)(si - 1);
                si++;
            }
            while (si < n && (src[si] == '\n' || src[si] == '\r')) si++;
            if (si < n) err = (long)si;
            dlen = j;
            break;
        }
        unsigned val = (unsigned)dbuf[0] << 18 | (unsigned)dbuf[1] << 12 | (unsigned)dbuf[2] << 6 | dbuf[3];
        unsigned char b[3] = {(unsigned char)(val >> 16), (unsigned char)(val >> 8), (unsigned char)val};
        kz_buf_append(out, (const char *)b, (size_t)(dlen - 1));
        if (err >= 0) return err;
        if (dlen < 4) return -1;
    }
}

/* ---- bcrypt, htpasswd ---- */

/* x/crypto/bcrypt GenerateFromPassword with the default cost 10; appends
 * the hash, or Sprig's failure text. */
static void bcrypt_append(const char *pw, size_t n, kz_buf *out) {
    if (n > 72) {
        kz_buf_puts(out, "failed to encrypt string with bcrypt: bcrypt: password length exceeds 72 bytes");
        return;
    }
    char salt[CRYPT_GENSALT_OUTPUT_SIZE];
    unsigned char rnd[16];
    kz_funcs_random_bytes(rnd, sizeof rnd);
    struct crypt_data *cd = kz_xcalloc(1, sizeof *cd);
    char *pwz = kz_xstrndup(pw, n);
    const char *hash = NULL;
    if (crypt_gensalt_rn("$2a$", 10, (const char *)rnd, sizeof rnd, salt, sizeof salt)) {
        hash = crypt_rn(pwz, salt, cd, (int)sizeof *cd);
    }
    if (hash && hash[0] == '$') kz_buf_puts(out, hash);
    else kz_buf_puts(out, "failed to encrypt string with bcrypt: crypt failed");
    free(pwz);
    free(cd);
}

static kz_value f_bcrypt(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    (void)c, (void)argc;
    kz_buf out = KZ_BUF_INIT;
    bcrypt_append(kz_str(&argv[0]), kz_str_len(&argv[0]), &out);
    return buf_value(&out);
}

static kz_value f_htpasswd(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    (void)c, (void)argc;
    kz_buf out = KZ_BUF_INIT;
    const char *user = kz_str(&argv[0]);
    size_t ulen = kz_str_len(&argv[0]);
    if (memchr(user, ':', ulen)) {
        kz_buf_puts(&out, "invalid username: ");
        kz_buf_append(&out, user, ulen);
        return buf_value(&out);
    }
    kz_buf_append(&out, user, ulen);
    kz_buf_putc(&out, ':');
    bcrypt_append(kz_str(&argv[1]), kz_str_len(&argv[1]), &out);
    return buf_value(&out);
}

/* ---- derivePassword (Master Password) ---- */

static const char *const tpl_maximum[] = {"anoxxxxxxxxxxxxxxxxx", "axxxxxxxxxxxxxxxxxno", NULL};
static const char *const tpl_long[] = {
    "CvcvnoCvcvCvcv", "CvcvCvcvnoCvcv", "CvcvCvcvCvcvno", "CvccnoCvcvCvcv", "CvccCvcvnoCvcv", "CvccCvcvCvcvno",
    "CvcvnoCvccCvcv", "CvcvCvccnoCvcv", "CvcvCvccCvcvno", "CvcvnoCvcvCvcc", "CvcvCvcvnoCvcc", "CvcvCvcvCvccno",
    "CvccnoCvccCvcv", "CvccCvccnoCvcv", "CvccCvccCvcvno", "CvcvnoCvccCvcc", "CvcvCvccnoCvcc", "CvcvCvccCvccno",
    "CvccnoCvcvCvcc", "CvccCvcvnoCvcc", "CvccCvcvCvccno", NULL};
static const char *const tpl_medium[] = {"CvcnoCvc", "CvcCvcno", NULL};
static const char *const tpl_short[] = {"Cvcn", NULL};
static const char *const tpl_basic[] = {"aaanaaan", "aannaaan", "aaannaaa", NULL};
static const char *const tpl_pin[] = {"nnnn", NULL};

static const char *template_chars(char c) {
    switch (c) {
    case 'V': return "AEIOU";
    case 'C': return "BCDFGHJKLMNPQRSTVWXYZ";
    case 'v': return "aeiou";
    case 'c': return "bcdfghjklmnpqrstvwxyz";
    case 'A': return "AEIOUBCDFGHJKLMNPQRSTVWXYZ";
    case 'a': return "AEIOUaeiouBCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz";
    case 'n': return "0123456789";
    case 'o': return "@&%?,=[]_:-+*$#!'^~;()/.";
    case 'x': return "AEIOUaeiouBCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz0123456789!@#$%^&*()";
    default: return "";
    }
}

static void put_be32(kz_buf *b, uint32_t v) {
    char x[4] = {(char)(v >> 24), (char)(v >> 16), (char)(v >> 8), (char)v};
    kz_buf_append(b, x, 4);
}

static kz_value f_derive_password(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    (void)c, (void)argc;
    uint32_t counter = (uint32_t)kz_int_get(&argv[0]); /* a uint32 parameter ('u') */
    const kz_value *type = &argv[1], *pw = &argv[2], *user = &argv[3], *site = &argv[4];
    const char *const *templates = NULL;
    static const struct {
        const char *name;
        const char *const *t;
    } types[] = {{"maximum", tpl_maximum}, {"long", tpl_long},   {"medium", tpl_medium},
                 {"short", tpl_short},     {"basic", tpl_basic}, {"pin", tpl_pin}};
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
        if (kz_str_eqz(type, types[i].name)) templates = types[i].t;
    }
    if (!templates) return kz_string_fmt("cannot find password template %s", kz_str(type));

    static const char seed_name[] = "com.lyndir.masterpassword";
    kz_buf salt = KZ_BUF_INIT;
    kz_buf_puts(&salt, seed_name);
    put_be32(&salt, (uint32_t)kz_str_len(user));
    kz_buf_append(&salt, kz_str(user), kz_str_len(user));
    unsigned char key[64];
    int ok = EVP_PBE_scrypt(kz_str(pw), kz_str_len(pw), (const unsigned char *)salt.data, salt.len, 32768, 8, 2,
                            64u << 20, key, sizeof key);
    if (!ok) {
        kz_buf_free(&salt);
        return kz_string("failed to derive password: scrypt failed");
    }
    kz_buf_clear(&salt);
    kz_buf_puts(&salt, seed_name);
    put_be32(&salt, (uint32_t)kz_str_len(site));
    kz_buf_append(&salt, kz_str(site), kz_str_len(site));
    put_be32(&salt, counter);
    unsigned char seed[EVP_MAX_MD_SIZE];
    unsigned int seedlen = 0;
    HMAC(EVP_sha256(), key, sizeof key, (const unsigned char *)salt.data, salt.len, seed, &seedlen);
    kz_buf_free(&salt);
    OPENSSL_cleanse(key, sizeof key);

    size_t ntemplates = 0;
    while (templates[ntemplates]) ntemplates++;
    const char *tpl = templates[seed[0] % ntemplates];
    kz_buf out = KZ_BUF_INIT;
    for (size_t i = 0; tpl[i]; i++) {
        const char *chars = template_chars(tpl[i]);
        kz_buf_putc(&out, chars[seed[i + 1] % strlen(chars)]);
    }
    return buf_value(&out);
}

/* ---- AES ---- */

static void aes_key(const kz_value *password, unsigned char key[32]) {
    memset(key, 0, 32);
    size_t n = kz_str_len(password);
    memcpy(key, kz_str(password), n < 32 ? n : 32);
}

static kz_value f_encrypt_aes(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    (void)c, (void)argc;
    size_t n = kz_str_len(&argv[1]);
    if (n == 0) return kz_string("");
    unsigned char key[32];
    aes_key(&argv[0], key);
    size_t padded = n + 16 - n % 16;
    unsigned char *buf = kz_xmalloc(16 + padded);
    kz_funcs_random_bytes(buf, 16);
    memcpy(buf + 16, kz_str(&argv[1]), n);
    memset(buf + 16 + n, (int)(padded - n), padded - n);
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    int outl = 0;
    bool ok = ctx && EVP_EncryptInit_ex(ctx, EVP_aes_256_cbc(), NULL, key, buf) == 1 &&
              EVP_CIPHER_CTX_set_padding(ctx, 0) == 1 &&
              EVP_EncryptUpdate(ctx, buf + 16, &outl, buf + 16, (int)padded) == 1;
    EVP_CIPHER_CTX_free(ctx);
    kz_value result;
    if (!ok) {
        result = kz_error("crypto/aes: encryption failed");
    } else {
        kz_buf out = KZ_BUF_INIT;
        b64_append(&out, buf, 16 + padded);
        result = buf_value(&out);
    }
    free(buf);
    return result;
}

static kz_value f_decrypt_aes(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    (void)c, (void)argc;
    if (kz_str_len(&argv[1]) == 0) return kz_string("");
    unsigned char key[32];
    aes_key(&argv[0], key);
    kz_buf raw = KZ_BUF_INIT;
    long bad = go_b64_decode(kz_str(&argv[1]), kz_str_len(&argv[1]), &raw);
    if (bad >= 0) {
        kz_buf_free(&raw);
        return kz_error("illegal base64 data at input byte %ld", bad);
    }
    if (raw.len < 16) {
        /* Go's DecodeString allocates DecodedLen(len(s)) bytes */
        size_t cap = kz_str_len(&argv[1]) / 4 * 3;
        kz_buf_free(&raw);
        return kz_error("runtime error: slice bounds out of range [:16] with capacity %zu", cap);
    }
    size_t n = raw.len - 16;
    if (n % 16 != 0) {
        kz_buf_free(&raw);
        return kz_error("crypto/cipher: input not full blocks");
    }
    if (n == 0) {
        kz_buf_free(&raw);
        return kz_error("runtime error: index out of range [-1]");
    }
    unsigned char *plain = kz_xmalloc(n);
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    int outl = 0;
    bool ok = ctx && EVP_DecryptInit_ex(ctx, EVP_aes_256_cbc(), NULL, key, (unsigned char *)raw.data) == 1 &&
              EVP_CIPHER_CTX_set_padding(ctx, 0) == 1 &&
              EVP_DecryptUpdate(ctx, plain, &outl, (unsigned char *)raw.data + 16, (int)n) == 1;
    EVP_CIPHER_CTX_free(ctx);
    kz_buf_free(&raw);
    kz_value result;
    if (!ok) {
        result = kz_error("crypto/aes: decryption failed");
    } else {
        size_t pad = plain[n - 1];
        if (pad > n) result = kz_error("runtime error: slice bounds out of range [:%lld]", (long long)n - (long long)pad);
        else result = kz_string_n((const char *)plain, n - pad);
    }
    free(plain);
    return result;
}

/* ---- keys ---- */

/* Go's pem.EncodeToMemory: 64-column base64 lines. */
static void pem_append(kz_buf *out, const char *type, const unsigned char *der, size_t n) {
    kz_buf_printf(out, "-----BEGIN %s-----\n", type);
    for (size_t off = 0; off < n; off += 48) {
        b64_append(out, der + off, n - off < 48 ? n - off : 48);
        kz_buf_putc(out, '\n');
    }
    kz_buf_printf(out, "-----END %s-----\n", type);
}

/* Sprig's pemBlockForKey. */
static bool key_pem_append(EVP_PKEY *pkey, kz_buf *out) {
    const char *type;
    unsigned char *der = NULL;
    int n = -1;
    switch (EVP_PKEY_get_base_id(pkey)) {
    case EVP_PKEY_RSA: type = "RSA PRIVATE KEY"; n = i2d_PrivateKey(pkey, &der); break;
    case EVP_PKEY_DSA: type = "DSA PRIVATE KEY"; n = i2d_PrivateKey(pkey, &der); break;
    case EVP_PKEY_EC: type = "EC PRIVATE KEY"; n = i2d_PrivateKey(pkey, &der); break;
    default: {
        type = "PRIVATE KEY";
        PKCS8_PRIV_KEY_INFO *p8 = EVP_PKEY2PKCS8(pkey);
        if (p8) n = i2d_PKCS8_PRIV_KEY_INFO(p8, &der);
        PKCS8_PRIV_KEY_INFO_free(p8);
    }
    }
    if (n <= 0) return false;
    pem_append(out, type, der, (size_t)n);
    OPENSSL_free(der);
    return true;
}

static EVP_PKEY *gen_rsa(unsigned bits) { return EVP_RSA_gen(bits); }

static EVP_PKEY *gen_dsa(void) {
    EVP_PKEY *params = NULL, *key = NULL;
    EVP_PKEY_CTX *pctx = EVP_PKEY_CTX_new_from_name(NULL, "DSA", NULL);
    if (pctx && EVP_PKEY_paramgen_init(pctx) == 1 && EVP_PKEY_CTX_set_dsa_paramgen_bits(pctx, 2048) == 1 &&
        EVP_PKEY_CTX_set_dsa_paramgen_q_bits(pctx, 256) == 1 && EVP_PKEY_paramgen(pctx, &params) == 1) {
        EVP_PKEY_CTX *kctx = EVP_PKEY_CTX_new_from_pkey(NULL, params, NULL);
        if (kctx && EVP_PKEY_keygen_init(kctx) == 1) EVP_PKEY_keygen(kctx, &key);
        EVP_PKEY_CTX_free(kctx);
    }
    EVP_PKEY_free(params);
    EVP_PKEY_CTX_free(pctx);
    return key;
}

static kz_value f_gen_private_key(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    (void)c, (void)argc;
    const kz_value *typ = &argv[0];
    EVP_PKEY *key;
    if (kz_str_len(typ) == 0 || kz_str_eqz(typ, "rsa")) key = gen_rsa(4096);
    else if (kz_str_eqz(typ, "dsa")) key = gen_dsa();
    else if (kz_str_eqz(typ, "ecdsa")) key = EVP_EC_gen("P-256");
    else if (kz_str_eqz(typ, "ed25519")) key = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
    else {
        kz_buf out = KZ_BUF_INIT;
        kz_buf_puts(&out, "Unknown type ");
        kz_buf_append(&out, kz_str(typ), kz_str_len(typ));
        return buf_value(&out);
    }
    kz_buf out = KZ_BUF_INIT;
    if (!key || !key_pem_append(key, &out)) {
        EVP_PKEY_free(key);
        kz_buf_free(&out);
        return kz_string("failed to generate private key: key generation failed");
    }
    EVP_PKEY_free(key);
    return buf_value(&out);
}

/* ---- PEM decoding (Go's pem.Decode, without headers) ---- */

typedef struct pem_block {
    char *type;
    kz_buf der;
} pem_block;

static void pem_block_free(pem_block *b) {
    free(b->type);
    kz_buf_free(&b->der);
}

static const char *find_bytes(const char *s, size_t n, const char *needle) {
    size_t m = strlen(needle);
    for (size_t i = 0; i + m <= n; i++) {
        if (memcmp(s + i, needle, m) == 0) return s + i;
    }
    return NULL;
}

/* The first well-formed block of s[0..n); false when there is none. */
static bool pem_decode(const char *s, size_t n, pem_block *out) {
    const char *end = s + n;
    for (const char *p = s; p < end;) {
        const char *begin = find_bytes(p, (size_t)(end - p), "-----BEGIN ");
        if (!begin) return false;
        /* Go: the BEGIN line must start a line */
        p = begin + 11;
        if (begin != s && begin[-1] != '\n') continue;
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        const char *line_end = eol ? eol : end;
        const char *le = line_end;
        while (le > p && (le[-1] == '\r' || le[-1] == ' ' || le[-1] == '\t')) le--;
        if (le - p < 5 || memcmp(le - 5, "-----", 5) != 0) continue;
        size_t tlen = (size_t)(le - 5 - p);
        const char *body = eol ? eol + 1 : end;
        char endline[300];
        if (tlen > 256) continue;
        snprintf(endline, sizeof endline, "-----END %.*s-----", (int)tlen, p);
        const char *endp = body;
        if (!((size_t)(end - body) >= strlen(endline) && memcmp(body, endline, strlen(endline)) == 0)) {
            char nl_end[302];
            snprintf(nl_end, sizeof nl_end, "\n%s", endline);
            endp = find_bytes(body, (size_t)(end - body), nl_end);
            if (!endp) continue;
        }
        /* the body without spaces and tabs (Go's removeSpacesAndTabs) */
        kz_buf clean = KZ_BUF_INIT;
        for (const char *q = body; q < endp; q++) {
            if (*q != ' ' && *q != '\t') kz_buf_putc(&clean, *q);
        }
        kz_buf der = KZ_BUF_INIT;
        long bad = go_b64_decode(clean.data ? clean.data : "", clean.len, &der);
        kz_buf_free(&clean);
        if (bad >= 0) {
            kz_buf_free(&der);
            continue;
        }
        out->type = kz_xstrndup(p, tlen);
        out->der = der;
        return true;
    }
    return false;
}

/* Sprig's parsePrivateKeyPEM; on failure *err holds the message. */
static EVP_PKEY *parse_private_key_pem(const char *s, size_t n, kz_buf *err) {
    pem_block b = {0};
    if (!pem_decode(s, n, &b)) {
        kz_buf_puts(err, "no PEM data in input");
        return NULL;
    }
    EVP_PKEY *key = NULL;
    const unsigned char *p = (const unsigned char *)(b.der.data ? b.der.data : "");
    long len = (long)b.der.len;
    size_t tl = strlen(b.type);
    if (strcmp(b.type, "PRIVATE KEY") == 0) {
        PKCS8_PRIV_KEY_INFO *p8 = d2i_PKCS8_PRIV_KEY_INFO(NULL, &p, len);
        if (p8) key = EVP_PKCS82PKEY(p8);
        PKCS8_PRIV_KEY_INFO_free(p8);
        if (!key) kz_buf_puts(err, "decoding PEM as PKCS#8: asn1: structure error");
    } else if (tl < 12 || strcmp(b.type + tl - 12, " PRIVATE KEY") != 0) {
        kz_buf_printf(err, "no private key data in PEM block of type %s", b.type);
    } else if (strcmp(b.type, "RSA PRIVATE KEY") == 0) {
        key = d2i_PrivateKey(EVP_PKEY_RSA, NULL, &p, len);
        if (!key) kz_buf_puts(err, "parsing RSA private key from PEM: asn1: structure error");
    } else if (strcmp(b.type, "EC PRIVATE KEY") == 0) {
        key = d2i_PrivateKey(EVP_PKEY_EC, NULL, &p, len);
        if (!key) kz_buf_puts(err, "parsing EC private key from PEM: x509: failed to parse EC private key");
    } else if (strcmp(b.type, "DSA PRIVATE KEY") == 0) {
        key = d2i_PrivateKey(EVP_PKEY_DSA, NULL, &p, len);
        if (!key) kz_buf_puts(err, "parsing DSA private key from PEM: asn1: structure error");
    } else {
        kz_buf_printf(err, "invalid private key type %s", b.type);
    }
    pem_block_free(&b);
    return key;
}

/* x509.ParseCertificate of the first PEM block; NULL (and *err) on failure. */
static X509 *parse_cert_pem(const char *s, size_t n, const char *what, kz_buf *err) {
    pem_block b = {0};
    if (!pem_decode(s, n, &b)) {
        kz_buf_puts(err, "unable to decode certificate");
        return NULL;
    }
    const unsigned char *p = (const unsigned char *)(b.der.data ? b.der.data : "");
    X509 *x = d2i_X509(NULL, &p, (long)b.der.len);
    if (!x) kz_buf_printf(err, "error parsing certificate: %s: x509: malformed certificate", what);
    pem_block_free(&b);
    return x;
}

/* ---- certificates ---- */

static kz_value cert_value(kz_value cert_pem, kz_value key_pem) {
    kz_value m = kz_map();
    kz_map_setz(&m, "Cert", cert_pem);
    kz_map_setz(&m, "Key", key_pem);
    return kz_with_gotype(m, KZ_GOTYPE_CERT);
}

static kz_value f_build_custom_cert(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    (void)c, (void)argc;
    kz_buf cert = KZ_BUF_INIT, key = KZ_BUF_INIT, err = KZ_BUF_INIT;
    kz_value result = kz_invalid();
    if (go_b64_decode(kz_str(&argv[0]), kz_str_len(&argv[0]), &cert) >= 0) {
        result = kz_error("unable to decode base64 certificate");
    } else if (go_b64_decode(kz_str(&argv[1]), kz_str_len(&argv[1]), &key) >= 0) {
        result = kz_error("unable to decode base64 private key");
    } else {
        X509 *x = parse_cert_pem(cert.data ? cert.data : "", cert.len, "decodedCert.Bytes", &err);
        EVP_PKEY *k = NULL;
        if (x) {
            k = parse_private_key_pem(key.data ? key.data : "", key.len, &err);
            if (!k) {
                kz_buf msg = KZ_BUF_INIT;
                kz_buf_printf(&msg, "error parsing private key: %s", kz_buf_cstr(&err));
                kz_buf_free(&err);
                err = msg;
            }
        }
        if (x && k) result = cert_value(buf_value(&cert), buf_value(&key));
        else result = kz_error("%s", kz_buf_cstr(&err));
        X509_free(x);
        EVP_PKEY_free(k);
    }
    kz_buf_free(&cert);
    kz_buf_free(&key);
    kz_buf_free(&err);
    return result;
}

/* fmt's %v of a list element, for the "is not a string" messages. */
static void value_v(const kz_value *v, kz_buf *out) { kz_strval(v, out); }

typedef struct cert_tpl {
    const kz_value *cn;
    GENERAL_NAMES *sans; /* NULL when there are none */
    int64_t days;
    bool is_ca;
} cert_tpl;

/* Sprig's getNetIPs and getAlternateDNSStrs into t->sans (DNS names first,
 * as Go's marshalSANs writes them). */
static bool collect_sans(cert_tpl *t, const kz_value *ips, const kz_value *dns, kz_buf *err) {
    size_t nips = kz_kind_of(ips) == KZ_SEQ ? kz_len(ips) : 0;
    size_t ndns = kz_kind_of(dns) == KZ_SEQ ? kz_len(dns) : 0;
    unsigned char (*addrs)[16] = kz_xcalloc(nips + 1, 16);
    int *alen = kz_xcalloc(nips + 1, sizeof *alen);
    bool ok = true;
    for (size_t i = 0; i < nips && ok; i++) {
        const kz_value *ip = kz_seq_at(ips, i);
        if (kz_kind_of(ip) != KZ_STRING || kz_gotype_of(ip) != KZ_GOTYPE_NATURAL) {
            kz_buf_puts(err, "error parsing ip: ");
            value_v(ip, err);
            kz_buf_puts(err, " is not a string");
            ok = false;
            break;
        }
        char *s = kz_xstrndup(kz_str(ip), kz_str_len(ip));
        bool nul = strlen(s) != kz_str_len(ip);
        if (!nul && inet_pton(AF_INET, s, addrs[i]) == 1) {
            alen[i] = 4;
        } else if (!nul && inet_pton(AF_INET6, s, addrs[i]) == 1) {
            /* Go writes IPv4-mapped addresses in their 4-byte form */
            static const unsigned char v4mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
            if (memcmp(addrs[i], v4mapped, 12) == 0) {
                memmove(addrs[i], addrs[i] + 12, 4);
                alen[i] = 4;
            } else {
                alen[i] = 16;
            }
        } else {
            kz_buf_puts(err, "error parsing ip: ");
            kz_buf_append(err, kz_str(ip), kz_str_len(ip));
            ok = false;
        }
        free(s);
    }
    for (size_t i = 0; i < ndns && ok; i++) {
        const kz_value *d = kz_seq_at(dns, i);
        if (kz_kind_of(d) != KZ_STRING || kz_gotype_of(d) != KZ_GOTYPE_NATURAL) {
            kz_buf_puts(err, "error processing alternate dns name: ");
            value_v(d, err);
            kz_buf_puts(err, " is not a string");
            ok = false;
        }
    }
    /* IA5 check happens in CreateCertificate, after key handling; keep it for later */
    if (ok && nips + ndns > 0) {
        t->sans = GENERAL_NAMES_new();
        for (size_t i = 0; i < ndns; i++) {
            const kz_value *d = kz_seq_at(dns, i);
            ASN1_IA5STRING *ia5 = ASN1_IA5STRING_new();
            ASN1_STRING_set(ia5, kz_str(d), (int)kz_str_len(d));
            GENERAL_NAME *g = GENERAL_NAME_new();
            GENERAL_NAME_set0_value(g, GEN_DNS, ia5);
            sk_GENERAL_NAME_push(t->sans, g);
        }
        for (size_t i = 0; i < nips; i++) {
            ASN1_OCTET_STRING *o = ASN1_OCTET_STRING_new();
            ASN1_OCTET_STRING_set(o, addrs[i], alen[i]);
            GENERAL_NAME *g = GENERAL_NAME_new();
            GENERAL_NAME_set0_value(g, GEN_IPADD, o);
            sk_GENERAL_NAME_push(t->sans, g);
        }
    }
    free(addrs);
    free(alen);
    return ok;
}

/* Whether Go's asn1 marshals a string as PrintableString (else UTF8String):
 * isPrintable without the '*' and '&' exceptions. */
static bool printable_string(const char *s, size_t n) {
    for (size_t i = 0; i < n; i++) {
        unsigned char b = (unsigned char)s[i];
        if ((b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9') || strchr(" '()+,-./:=?", b)) {
            if (b == 0) return false;
            continue;
        }
        return false;
    }
    return true;
}

static bool add_conf_ext(X509 *x, int nid, const char *value) {
    X509_EXTENSION *ext = X509V3_EXT_conf_nid(NULL, NULL, nid, value);
    if (!ext) return false;
    bool ok = X509_add_ext(x, ext, -1) == 1;
    X509_EXTENSION_free(ext);
    return ok;
}

/* The signature digest Go picks for the signing key, or false when Go's
 * CreateCertificate refuses the key. */
static bool signing_md(EVP_PKEY *k, const EVP_MD **md) {
    switch (EVP_PKEY_get_base_id(k)) {
    case EVP_PKEY_RSA: *md = EVP_sha256(); return true;
    case EVP_PKEY_EC: {
        int bits = EVP_PKEY_get_bits(k);
        *md = bits > 384 ? EVP_sha512() : bits > 256 ? EVP_sha384() : EVP_sha256();
        return true;
    }
    case EVP_PKEY_ED25519: *md = NULL; return true;
    default: return false;
    }
}

/* Sprig's getCertAndKey with the template of getBaseCertTemplate: signee key
 * `key`, issuer `parent` (NULL: self-signed) signed with `signer`. */
static kz_value make_cert(const cert_tpl *t, EVP_PKEY *key, X509 *parent, EVP_PKEY *signer) {
    int kt = EVP_PKEY_get_base_id(key);
    if (kt != EVP_PKEY_RSA && kt != EVP_PKEY_EC && kt != EVP_PKEY_ED25519 && kt != EVP_PKEY_DSA) {
        return kz_error("error retrieving public key from signee key: unable to get public key for type");
    }
    const EVP_MD *md = NULL;
    if (!signing_md(signer, &md)) {
        return kz_error("error creating certificate: x509: certificate private key does not implement crypto.Signer");
    }
    if (kt == EVP_PKEY_DSA) {
        return kz_error("error creating certificate: x509: unsupported public key type: *dsa.PublicKey");
    }
    const char *cn = kz_str(t->cn);
    for (size_t i = 0, n = kz_str_len(t->cn); i < n;) {
        size_t l = kz_utf8_valid_len((const unsigned char *)cn + i, n - i);
        if (l == 0) return kz_error("error creating certificate: asn1: string not valid UTF-8");
        i += l;
    }
    if (parent && EVP_PKEY_eq(X509_get0_pubkey(parent), signer) != 1) {
        return kz_error("error creating certificate: x509: provided PrivateKey doesn't match parent's PublicKey");
    }
    for (int i = 0; t->sans && i < sk_GENERAL_NAME_num(t->sans); i++) {
        GENERAL_NAME *g = sk_GENERAL_NAME_value(t->sans, i);
        if (g->type != GEN_DNS) continue;
        const unsigned char *d = ASN1_STRING_get0_data(g->d.dNSName);
        int n = ASN1_STRING_length(g->d.dNSName);
        for (int j = 0; j < n; j++) {
            if (d[j] > 0x7f) return kz_error("error creating certificate: x509: \"%.*s\" cannot be encoded as an IA5String", n, (const char *)d);
        }
    }

    X509 *x = X509_new();
    bool ok = X509_set_version(x, 2) == 1;
    /* serial: uniform in [0, 2^128) */
    unsigned char sn[16];
    kz_funcs_random_bytes(sn, sizeof sn);
    BIGNUM *bn = BN_bin2bn(sn, sizeof sn, NULL);
    ASN1_INTEGER *serial = BN_to_ASN1_INTEGER(bn, NULL);
    ok = ok && X509_set_serialNumber(x, serial) == 1;
    ASN1_INTEGER_free(serial);
    BN_free(bn);

    X509_NAME *name = X509_NAME_new();
    size_t cnlen = kz_str_len(t->cn);
    if (cnlen > 0) {
        int st = printable_string(kz_str(t->cn), cnlen) ? V_ASN1_PRINTABLESTRING : V_ASN1_UTF8STRING;
        ok = ok && X509_NAME_add_entry_by_NID(name, NID_commonName, st, (const unsigned char *)kz_str(t->cn),
                                              (int)cnlen, -1, 0) == 1;
    }
    ok = ok && X509_set_subject_name(x, name) == 1;
    ok = ok && X509_set_issuer_name(x, parent ? X509_get_subject_name(parent) : name) == 1;

    /* NotBefore = now, NotAfter = now + days*24h (Go's Duration wraps) */
    time_t now = time(NULL);
    int64_t ns = (int64_t)((uint64_t)t->days * 86400000000000ull);
    long secs = (long)(ns / 1000000000);
    ok = ok && X509_time_adj_ex(X509_getm_notBefore(x), 0, 0, &now) != NULL;
    ok = ok && X509_time_adj_ex(X509_getm_notAfter(x), 0, secs, &now) != NULL;
    ok = ok && X509_set_pubkey(x, key) == 1;

    ok = ok && add_conf_ext(x, NID_key_usage,
                            t->is_ca ? "critical,digitalSignature,keyEncipherment,keyCertSign"
                                     : "critical,digitalSignature,keyEncipherment");
    ok = ok && add_conf_ext(x, NID_ext_key_usage, "serverAuth,clientAuth");
    ok = ok && add_conf_ext(x, NID_basic_constraints, t->is_ca ? "critical,CA:TRUE" : "critical,CA:FALSE");
    if (ok && t->is_ca) {
        unsigned char md_buf[EVP_MAX_MD_SIZE];
        unsigned int mdlen = 0;
        ok = X509_pubkey_digest(x, EVP_sha1(), md_buf, &mdlen) == 1;
        ASN1_OCTET_STRING *ski = ASN1_OCTET_STRING_new();
        ok = ok && ASN1_OCTET_STRING_set(ski, md_buf, (int)mdlen) == 1;
        ok = ok && X509_add1_ext_i2d(x, NID_subject_key_identifier, ski, 0, X509V3_ADD_DEFAULT) == 1;
        ASN1_OCTET_STRING_free(ski);
    }
    if (ok && parent && X509_NAME_cmp(X509_get_subject_name(parent), name) != 0) {
        const ASN1_OCTET_STRING *pski = X509_get0_subject_key_id(parent);
        if (pski && ASN1_STRING_length(pski) > 0) {
            AUTHORITY_KEYID *akid = AUTHORITY_KEYID_new();
            akid->keyid = ASN1_OCTET_STRING_dup(pski);
            ok = X509_add1_ext_i2d(x, NID_authority_key_identifier, akid, 0, X509V3_ADD_DEFAULT) == 1;
            AUTHORITY_KEYID_free(akid);
        }
    }
    if (ok && t->sans) {
        ok = X509_add1_ext_i2d(x, NID_subject_alt_name, t->sans, cnlen == 0, X509V3_ADD_DEFAULT) == 1;
    }
    X509_NAME_free(name);
    ok = ok && X509_sign(x, signer, md) > 0;

    kz_value result;
    kz_buf cert = KZ_BUF_INIT, keypem = KZ_BUF_INIT;
    unsigned char *der = NULL;
    int n = ok ? i2d_X509(x, &der) : -1;
    if (n > 0 && key_pem_append(key, &keypem)) {
        pem_append(&cert, "CERTIFICATE", der, (size_t)n);
        result = cert_value(buf_value(&cert), buf_value(&keypem));
    } else {
        result = kz_error("error creating certificate: x509: signing failed");
    }
    OPENSSL_free(der);
    kz_buf_free(&cert);
    kz_buf_free(&keypem);
    X509_free(x);
    return result;
}

/* Shared body of the generators. argv layout per `kind`:
 *   'A' genCA(cn, days [, key])
 *   'S' genSelfSignedCert(cn, ips, dns, days [, key])
 *   'G' genSignedCert(cn, ips, dns, days, ca [, key]) */
static kz_value gen_cert(char kind, bool with_key, const kz_value *argv) {
    cert_tpl t = {.cn = &argv[0], .is_ca = kind == 'A'};
    const kz_value *ips = NULL, *dns = NULL, *ca = NULL, *keyarg = NULL;
    kz_value err = kz_invalid();
    if (kind == 'A') {
        t.days = kz_int_get(&argv[1]);
        if (with_key) keyarg = &argv[2];
    } else {
        ips = &argv[1];
        dns = &argv[2];
        t.days = kz_int_get(&argv[3]);
        if (kind == 'G') { /* the parameters' Go types are checked by the engine ('l', 'c') */
            ca = &argv[4];
            if (with_key) keyarg = &argv[5];
        } else if (with_key) {
            keyarg = &argv[4];
        }
    }
    EVP_PKEY *key = NULL;
    kz_buf msg = KZ_BUF_INIT;
    if (keyarg) {
        key = parse_private_key_pem(kz_str(keyarg), kz_str_len(keyarg), &msg);
        if (!key) {
            err = kz_error("parsing private key: %s", kz_buf_cstr(&msg));
            kz_buf_free(&msg);
            return err;
        }
    }
    X509 *parent = NULL;
    EVP_PKEY *signer = NULL;
    kz_value result = kz_invalid();
    if (ca) {
        const kz_value *cpem = kz_map_getz(ca, "Cert"), *kpem = kz_map_getz(ca, "Key");
        parent = parse_cert_pem(cpem ? kz_str(cpem) : "", cpem ? kz_str_len(cpem) : 0, "decodedSignerCert.Bytes", &msg);
        if (parent) {
            kz_buf kmsg = KZ_BUF_INIT;
            signer = parse_private_key_pem(kpem ? kz_str(kpem) : "", kpem ? kz_str_len(kpem) : 0, &kmsg);
            if (!signer) kz_buf_printf(&msg, "error parsing private key: %s", kz_buf_cstr(&kmsg));
            kz_buf_free(&kmsg);
        }
        if (!parent || !signer) result = kz_error("%s", kz_buf_cstr(&msg));
    }
    if (!kz_error_message(&result)) {
        if (ips && !collect_sans(&t, ips, dns, &msg)) {
            result = kz_error("%s", kz_buf_cstr(&msg));
        } else {
            /* Sprig generates the key first; generating it last gives the same
             * results without a wasted 2048-bit key on every argument error */
            if (!key) key = gen_rsa(2048);
            result = key ? make_cert(&t, key, parent, ca ? signer : key)
                         : kz_error("error generating rsa key: key generation failed");
        }
    }
    GENERAL_NAMES_free(t.sans);
    kz_buf_free(&msg);
    X509_free(parent);
    EVP_PKEY_free(signer);
    EVP_PKEY_free(key);
    return result;
}

static kz_value f_gen_ca(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    (void)c;
    return gen_cert('A', argc == 3, argv);
}
static kz_value f_gen_self_signed(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    (void)c;
    return gen_cert('S', argc == 5, argv);
}
static kz_value f_gen_signed(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    (void)c;
    return gen_cert('G', argc == 6, argv);
}

void kz_funcs_register_crypto(kz_tmpl_funcs *t) {
    kz_tmpl_funcs_add_typed(t, "bcrypt", f_bcrypt, "s", NULL);
    kz_tmpl_funcs_add_typed(t, "htpasswd", f_htpasswd, "ss", NULL);
    kz_tmpl_funcs_add_typed(t, "derivePassword", f_derive_password, "ussss", NULL);
    kz_tmpl_funcs_add_typed(t, "encryptAES", f_encrypt_aes, "ss", NULL);
    kz_tmpl_funcs_add_typed(t, "decryptAES", f_decrypt_aes, "ss", NULL);
    kz_tmpl_funcs_add_typed(t, "genPrivateKey", f_gen_private_key, "s", NULL);
    kz_tmpl_funcs_add_typed(t, "buildCustomCert", f_build_custom_cert, "ss", NULL);
    kz_tmpl_funcs_add_typed(t, "genCA", f_gen_ca, "si", NULL);
    kz_tmpl_funcs_add_typed(t, "genCAWithKey", f_gen_ca, "sis", NULL);
    kz_tmpl_funcs_add_typed(t, "genSelfSignedCert", f_gen_self_signed, "slli", NULL);
    kz_tmpl_funcs_add_typed(t, "genSelfSignedCertWithKey", f_gen_self_signed, "sllis", NULL);
    kz_tmpl_funcs_add_typed(t, "genSignedCert", f_gen_signed, "sllic", NULL);
    kz_tmpl_funcs_add_typed(t, "genSignedCertWithKey", f_gen_signed, "sllics", NULL);
}
