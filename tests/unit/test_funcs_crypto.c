/*
 * Shape tests of the random and crypto families (lib/funcs/random.c,
 * crypto.c): what helm can't record as goldens because it is random or
 * time-dependent. Character sets and ranges of the rand* functions, uuidv4's
 * layout, shuffle's multiset of runes, bcrypt hashes that verify (and a hash
 * Go made that verifies with libxcrypt), encryptAES/decryptAES round trips,
 * the key types of genPrivateKey, and the certificates of genCA,
 * genSelfSignedCert, genSignedCert and their WithKey forms, parsed back with
 * OpenSSL: subject, SANs, validity, CA flag, key usages, key identifiers and
 * signature chain.
 */
#include <crypt.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "core/base64.h"
#include "core/buf.h"
#include "core/value.h"
#include "funcs/funcs.h"
#include "tmpl/exec.h"
#include "tmpl/set.h"

#define FILE_NAME "t.yaml"

static kz_tmpl_funcs *funcs;

/* Execute text with dot (may be NULL); returns the output (owned), failing the
 * test on an error. */
static char *run(const char *text, const kz_value *dot) {
    kz_tmpl_set *set = kz_tmpl_set_new(funcs);
    kz_value err = kz_tmpl_set_add(set, FILE_NAME, text, strlen(text));
    if (kz_error_message(&err)) fail_msg("parse %s: %s", text, kz_error_message(&err));
    kz_free(err);
    kz_funcs_ctx ctx;
    kz_funcs_ctx_init(&ctx);
    kz_tmpl_exec_opts opts = {.missingkey = KZ_TMPL_MISSING_ZERO, .user = &ctx};
    kz_buf out = KZ_BUF_INIT;
    kz_value nil = kz_map();
    err = kz_tmpl_execute(set, FILE_NAME, strlen(FILE_NAME), dot ? dot : &nil, &opts, &out);
    if (kz_error_message(&err)) fail_msg("exec %s: %s", text, kz_error_message(&err));
    kz_free(err);
    kz_free(nil);
    kz_funcs_ctx_free(&ctx);
    kz_tmpl_set_free(set);
    kz_buf_putc(&out, '\0');
    return kz_buf_detach(&out, NULL);
}

/* The error message of text (owned), failing when it succeeds. */
static char *run_err(const char *text, const kz_value *dot) {
    kz_tmpl_set *set = kz_tmpl_set_new(funcs);
    kz_value err = kz_tmpl_set_add(set, FILE_NAME, text, strlen(text));
    assert_null(kz_error_message(&err));
    kz_free(err);
    kz_funcs_ctx ctx;
    kz_funcs_ctx_init(&ctx);
    kz_tmpl_exec_opts opts = {.missingkey = KZ_TMPL_MISSING_ZERO, .user = &ctx};
    kz_buf out = KZ_BUF_INIT;
    kz_value nil = kz_map();
    err = kz_tmpl_execute(set, FILE_NAME, strlen(FILE_NAME), dot ? dot : &nil, &opts, &out);
    if (!kz_error_message(&err)) fail_msg("expected an error from %s, got [%s]", text, kz_buf_cstr(&out));
    char *msg = strdup(kz_error_message(&err));
    kz_free(err);
    kz_free(nil);
    kz_funcs_ctx_free(&ctx);
    kz_tmpl_set_free(set);
    kz_buf_free(&out);
    return msg;
}

static int setup(void **state) {
    (void)state;
    funcs = kz_funcs_new();
    return 0;
}

static int teardown(void **state) {
    (void)state;
    kz_tmpl_funcs_free(funcs);
    return 0;
}

static bool all_in(const char *s, const char *set) {
    for (; *s; s++) {
        if (!strchr(set, *s)) return false;
    }
    return true;
}

/* ---- random ---- */

static void test_rand_strings(void **state) {
    (void)state;
    static const char alpha[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    static const char digits[] = "0123456789";
    char alnum[80], ascii[100];
    snprintf(alnum, sizeof alnum, "%s%s", alpha, digits);
    for (int i = 0; i < 95; i++) ascii[i] = (char)(' ' + i);
    ascii[95] = '\0';
    struct {
        const char *fn;
        const char *set;
    } cases[] = {{"randAlpha", alpha}, {"randAlphaNum", alnum}, {"randNumeric", digits}, {"randAscii", ascii}};
    for (size_t c = 0; c < 4; c++) {
        char tpl[64];
        snprintf(tpl, sizeof tpl, "{{ %s 4000 }}", cases[c].fn);
        char *s = run(tpl, NULL);
        assert_int_equal(strlen(s), 4000);
        assert_true(all_in(s, cases[c].set));
        /* 4000 draws cover every character of sets of up to 95 */
        for (const char *p = cases[c].set; *p; p++) {
            if (!strchr(s, *p)) fail_msg("%s never produced '%c'", cases[c].fn, *p);
        }
        free(s);
    }
    char *a = run("{{ randAlphaNum 32 }}", NULL), *b = run("{{ randAlphaNum 32 }}", NULL);
    assert_string_not_equal(a, b);
    free(a);
    free(b);
}

static void test_rand_int(void **state) {
    (void)state;
    bool seen[7] = {0};
    for (int i = 0; i < 500; i++) {
        char *r = run("{{ randInt -3 4 }} {{ randInt -3 4 }} {{ randInt -3 4 }} {{ randInt -3 4 }}", NULL);
        char *save = NULL;
        for (char *p = strtok_r(r, " ", &save); p; p = strtok_r(NULL, " ", &save)) {
            int v = atoi(p);
            assert_true(v >= -3 && v < 4);
            seen[v + 3] = true;
        }
        free(r);
    }
    for (int i = 0; i < 7; i++) assert_true(seen[i]);
}

static void test_rand_bytes(void **state) {
    (void)state;
    for (int n = 0; n < 40; n++) {
        char tpl[64];
        snprintf(tpl, sizeof tpl, "{{ randBytes %d }}", n);
        char *s = run(tpl, NULL);
        kz_buf raw = KZ_BUF_INIT;
        assert_true(kz_base64_decode(s, strlen(s), &raw));
        assert_int_equal(raw.len, (size_t)n);
        kz_buf_free(&raw);
        free(s);
    }
}

static void test_uuidv4(void **state) {
    (void)state;
    char *prev = NULL;
    for (int i = 0; i < 50; i++) {
        char *u = run("{{ uuidv4 }}", NULL);
        assert_int_equal(strlen(u), 36);
        for (int j = 0; j < 36; j++) {
            if (j == 8 || j == 13 || j == 18 || j == 23) assert_int_equal(u[j], '-');
            else assert_non_null(strchr("0123456789abcdef", u[j]));
        }
        assert_int_equal(u[14], '4');
        assert_non_null(strchr("89ab", u[19]));
        if (prev) assert_string_not_equal(prev, u);
        free(prev);
        prev = u;
    }
    free(prev);
}

static int cmp_char(const void *a, const void *b) { return *(const unsigned char *)a - *(const unsigned char *)b; }

static void test_shuffle(void **state) {
    (void)state;
    const char *in = "abcdefghijklmnopqrstuvwxyz0123456789";
    char sorted_in[64];
    strcpy(sorted_in, in);
    qsort(sorted_in, strlen(sorted_in), 1, cmp_char);
    int different = 0;
    for (int i = 0; i < 20; i++) {
        char *s = run("{{ shuffle \"abcdefghijklmnopqrstuvwxyz0123456789\" }}", NULL);
        if (strcmp(s, in) != 0) different++;
        qsort(s, strlen(s), 1, cmp_char);
        assert_string_equal(s, sorted_in);
        free(s);
    }
    assert_true(different > 15);
    /* multi-byte runes stay whole */
    for (int i = 0; i < 20; i++) {
        char *s = run("{{ shuffle \"éǅ😀a\" }}", NULL);
        assert_int_equal(strlen(s), strlen("éǅ😀a"));
        assert_non_null(strstr(s, "é"));
        assert_non_null(strstr(s, "ǅ"));
        assert_non_null(strstr(s, "😀"));
        assert_non_null(strchr(s, 'a'));
        free(s);
    }
}

/* ---- bcrypt, htpasswd ---- */

static bool crypt_verifies(const char *pw, const char *hash) {
    struct crypt_data *cd = calloc(1, sizeof *cd);
    const char *h = crypt_rn(pw, hash, cd, (int)sizeof *cd);
    bool ok = h && strcmp(h, hash) == 0;
    free(cd);
    return ok;
}

static void test_bcrypt(void **state) {
    (void)state;
    /* a hash x/crypto/bcrypt made (helm v3.17 `bcrypt "x"`) verifies here */
    assert_true(crypt_verifies("x", "$2a$10$oT7IHCIsqgw5PzztIfHhJOFw52bI3F/sqCpZ.f2WUYr5OGgP2iV1q"));
    assert_false(crypt_verifies("y", "$2a$10$oT7IHCIsqgw5PzztIfHhJOFw52bI3F/sqCpZ.f2WUYr5OGgP2iV1q"));
    /* 8-bit characters ($2a$ as x/crypto computes it) and the empty password */
    assert_true(crypt_verifies("pässwörd ÿ€", "$2a$10$Ijw9FnkS9.vJKWLPedfV6eu3eDJfRZ6jxnepwN20Vo2F.DublkKXy"));
    assert_true(crypt_verifies("", "$2a$10$YrGhfGvRbKTxzS2nwalV7uYheqlrNdz/ac5QmK8yXd3UvYJOn0DRe"));
    char *h = run("{{ bcrypt \"s3cret pässword\" }}", NULL);
    assert_int_equal(strlen(h), 60);
    assert_memory_equal(h, "$2a$10$", 7);
    assert_true(crypt_verifies("s3cret pässword", h));
    free(h);
    char *e = run("{{ bcrypt \"\" }}", NULL);
    assert_true(crypt_verifies("", e));
    free(e);
    char *u = run("{{ htpasswd \"admin\" \"pw\" }}", NULL);
    assert_memory_equal(u, "admin:$2a$10$", 13);
    assert_true(crypt_verifies("pw", u + 6));
    free(u);
}

/* ---- AES ---- */

static void test_aes_roundtrip(void **state) {
    (void)state;
    const char *passwords[] = {"", "k", "0123456789abcdef0123456789abcdef", "a much longer password than 32 bytes ....."};
    for (size_t p = 0; p < 4; p++) {
        for (int n = 1; n <= 40; n++) {
            char plain[64];
            for (int i = 0; i < n; i++) plain[i] = (char)('a' + (i * 7 + n) % 26);
            plain[n] = '\0';
            kz_value dot = kz_map();
            kz_map_setz(&dot, "p", kz_string(passwords[p]));
            kz_map_setz(&dot, "t", kz_string(plain));
            char *enc = run("{{ encryptAES .p .t }}", &dot);
            kz_buf raw = KZ_BUF_INIT;
            assert_true(kz_base64_decode(enc, strlen(enc), &raw));
            assert_int_equal(raw.len, 16 + (size_t)(n / 16 + 1) * 16);
            kz_buf_free(&raw);
            kz_map_setz(&dot, "c", kz_string(enc));
            char *dec = run("{{ decryptAES .p .c }}", &dot);
            assert_string_equal(dec, plain);
            /* a fresh IV each time */
            char *enc2 = run("{{ encryptAES .p .t }}", &dot);
            assert_string_not_equal(enc, enc2);
            free(enc);
            free(enc2);
            free(dec);
            kz_free(dot);
        }
    }
}

/* ---- keys ---- */

static EVP_PKEY *read_key(const char *pem) {
    BIO *b = BIO_new_mem_buf(pem, -1);
    EVP_PKEY *k = PEM_read_bio_PrivateKey(b, NULL, NULL, NULL);
    BIO_free(b);
    return k;
}

static void test_gen_private_key(void **state) {
    (void)state;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    char *rsa = run("{{ genPrivateKey \"rsa\" }}", NULL);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    fprintf(stderr, "genPrivateKey rsa (4096 bits): %.3f s\n",
            (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
    struct {
        const char *type;
        const char *pem_head;
        int id;
        int bits;
    } cases[] = {{"", "-----BEGIN RSA PRIVATE KEY-----\n", EVP_PKEY_RSA, 4096},
                 {"ecdsa", "-----BEGIN EC PRIVATE KEY-----\n", EVP_PKEY_EC, 256},
                 {"ed25519", "-----BEGIN PRIVATE KEY-----\n", EVP_PKEY_ED25519, 256},
                 {"dsa", "-----BEGIN DSA PRIVATE KEY-----\n", EVP_PKEY_DSA, 2048}};
    for (size_t i = 0; i < 4; i++) {
        char tpl[64];
        snprintf(tpl, sizeof tpl, "{{ genPrivateKey \"%s\" }}", cases[i].type);
        char *pem = i == 0 ? strdup(rsa) : run(tpl, NULL);
        assert_memory_equal(pem, cases[i].pem_head, strlen(cases[i].pem_head));
        EVP_PKEY *k = read_key(pem);
        assert_non_null(k);
        assert_int_equal(EVP_PKEY_get_base_id(k), cases[i].id);
        assert_int_equal(EVP_PKEY_get_bits(k), cases[i].bits);
        if (cases[i].id == EVP_PKEY_DSA) {
            BIGNUM *q = NULL;
            assert_true(EVP_PKEY_get_bn_param(k, "q", &q));
            assert_int_equal(BN_num_bits(q), 256);
            BN_free(q);
        }
        /* Go's pem lines: 64 columns */
        for (char *line = strchr(pem, '\n') + 1; *line && line[0] != '-'; line = strchr(line, '\n') + 1) {
            assert_true(strchr(line, '\n') - line <= 64);
        }
        EVP_PKEY_free(k);
        free(pem);
    }
    free(rsa);
}

/* ---- certificates ---- */

typedef struct cert_pair {
    X509 *cert;
    EVP_PKEY *key;
    char *cert_pem, *key_pem;
} cert_pair;

/* Run a template printing "{{ $c.Cert }}|{{ $c.Key }}" and parse both. */
static cert_pair run_cert(const char *text, const kz_value *dot) {
    cert_pair p = {0};
    char *out = run(text, dot);
    char *bar = strchr(out, '|');
    assert_non_null(bar);
    *bar = '\0';
    p.cert_pem = strdup(out);
    p.key_pem = strdup(bar + 1);
    free(out);
    BIO *b = BIO_new_mem_buf(p.cert_pem, -1);
    p.cert = PEM_read_bio_X509(b, NULL, NULL, NULL);
    BIO_free(b);
    assert_non_null(p.cert);
    p.key = read_key(p.key_pem);
    assert_non_null(p.key);
    /* the key is the certificate's */
    assert_int_equal(EVP_PKEY_eq(X509_get0_pubkey(p.cert), p.key), 1);
    return p;
}

static void cert_pair_free(cert_pair *p) {
    X509_free(p->cert);
    EVP_PKEY_free(p->key);
    free(p->cert_pem);
    free(p->key_pem);
}

static void check_cn(X509 *x, const char *cn) {
    char buf[256] = "";
    X509_NAME *n = X509_get_subject_name(x);
    if (!*cn) {
        assert_int_equal(X509_NAME_entry_count(n), 0);
        return;
    }
    assert_int_equal(X509_NAME_entry_count(n), 1);
    assert_true(X509_NAME_get_text_by_NID(n, NID_commonName, buf, sizeof buf) > 0);
    assert_string_equal(buf, cn);
}

/* NotBefore is about now, NotAfter `days` later. */
static void check_validity(X509 *x, int days) {
    time_t now = time(NULL);
    int pday = 0, psec = 0;
    assert_true(ASN1_TIME_diff(&pday, &psec, X509_get0_notBefore(x), X509_get0_notAfter(x)));
    long diff = (long)pday * 86400 + psec;
    assert_true(labs(diff - (long)days * 86400) <= 1);
    assert_true(X509_cmp_time(X509_get0_notBefore(x), &(time_t){now + 5}) < 0);
    assert_true(X509_cmp_time(X509_get0_notBefore(x), &(time_t){now - 5}) > 0);
}

static void check_common(X509 *x, bool ca, const char *sigalg) {
    assert_int_equal(X509_get_version(x), 2);
    /* serial: non-negative, at most 128 bits */
    BIGNUM *sn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(x), NULL);
    assert_false(BN_is_negative(sn));
    assert_true(BN_num_bits(sn) <= 128);
    BN_free(sn);
    uint32_t ku = X509_get_key_usage(x);
    assert_true(ku & KU_DIGITAL_SIGNATURE);
    assert_true(ku & KU_KEY_ENCIPHERMENT);
    assert_int_equal((ku & KU_KEY_CERT_SIGN) != 0, ca);
    uint32_t eku = X509_get_extended_key_usage(x);
    assert_int_equal(eku, XKU_SSL_SERVER | XKU_SSL_CLIENT);
    assert_int_equal(X509_check_ca(x) != 0, ca);
    assert_int_equal(X509_get0_subject_key_id(x) != NULL, ca);
    int crit = -1;
    BASIC_CONSTRAINTS *bc = X509_get_ext_d2i(x, NID_basic_constraints, &crit, NULL);
    assert_non_null(bc);
    assert_int_equal(crit, 1);
    assert_int_equal(bc->ca != 0, ca);
    assert_null(bc->pathlen);
    BASIC_CONSTRAINTS_free(bc);
    assert_string_equal(OBJ_nid2ln(X509_get_signature_nid(x)), sigalg);
}

/* The SANs as "DNS:x" / "IP:a.b.c.d" / "IP6:<len 16>" joined by ',' */
static char *sans(X509 *x, int *critical) {
    kz_buf b = KZ_BUF_INIT;
    GENERAL_NAMES *g = X509_get_ext_d2i(x, NID_subject_alt_name, critical, NULL);
    for (int i = 0; g && i < sk_GENERAL_NAME_num(g); i++) {
        GENERAL_NAME *n = sk_GENERAL_NAME_value(g, i);
        if (i) kz_buf_putc(&b, ',');
        if (n->type == GEN_DNS) {
            kz_buf_printf(&b, "DNS:%s", (const char *)ASN1_STRING_get0_data(n->d.dNSName));
        } else if (n->type == GEN_IPADD) {
            const unsigned char *d = ASN1_STRING_get0_data(n->d.iPAddress);
            int len = ASN1_STRING_length(n->d.iPAddress);
            if (len == 4) kz_buf_printf(&b, "IP:%d.%d.%d.%d", d[0], d[1], d[2], d[3]);
            else kz_buf_printf(&b, "IP6:%d:%02x%02x", len, d[14], d[15]);
        }
    }
    GENERAL_NAMES_free(g);
    kz_buf_putc(&b, '\0');
    return kz_buf_detach(&b, NULL);
}

static kz_value str_list(const char *const *items) {
    kz_value l = kz_seq();
    for (; *items; items++) kz_seq_push(&l, kz_string(*items));
    return l;
}

static void test_gen_ca(void **state) {
    (void)state;
    cert_pair ca = run_cert("{{ $c := genCA \"my ca\" 30 }}{{ $c.Cert }}|{{ $c.Key }}", NULL);
    check_cn(ca.cert, "my ca");
    check_common(ca.cert, true, "sha256WithRSAEncryption");
    check_validity(ca.cert, 30);
    assert_int_equal(X509_NAME_cmp(X509_get_subject_name(ca.cert), X509_get_issuer_name(ca.cert)), 0);
    assert_int_equal(X509_verify(ca.cert, ca.key), 1);
    assert_int_equal(EVP_PKEY_get_base_id(ca.key), EVP_PKEY_RSA);
    assert_int_equal(EVP_PKEY_get_bits(ca.key), 2048);
    assert_memory_equal(ca.key_pem, "-----BEGIN RSA PRIVATE KEY-----\n", 32);
    assert_null(X509_get0_authority_key_id(ca.cert));
    int crit = -1;
    char *s = sans(ca.cert, &crit);
    assert_string_equal(s, "");
    free(s);
    /* SubjectKeyId: SHA-1 of the public key, as Go computes it */
    unsigned char md[20];
    unsigned int mdlen = 0;
    assert_true(X509_pubkey_digest(ca.cert, EVP_sha1(), md, &mdlen));
    const ASN1_OCTET_STRING *ski = X509_get0_subject_key_id(ca.cert);
    assert_int_equal(ASN1_STRING_length(ski), 20);
    assert_memory_equal(ASN1_STRING_get0_data(ski), md, 20);
    cert_pair_free(&ca);

    /* with a key: the key given comes back, the certificate holds it */
    char *eckey = run("{{ genPrivateKey \"ecdsa\" }}", NULL);
    kz_value dot = kz_map();
    kz_map_setz(&dot, "k", kz_string(eckey));
    cert_pair ca2 = run_cert("{{ $c := genCAWithKey \"ec-ca\" 365 .k }}{{ $c.Cert }}|{{ $c.Key }}", &dot);
    assert_string_equal(ca2.key_pem, eckey);
    check_cn(ca2.cert, "ec-ca");
    check_common(ca2.cert, true, "ecdsa-with-SHA256");
    check_validity(ca2.cert, 365);
    assert_int_equal(X509_verify(ca2.cert, ca2.key), 1);
    cert_pair_free(&ca2);
    kz_free(dot);
    free(eckey);
}

static void test_gen_self_signed(void **state) {
    (void)state;
    kz_value dot = kz_map();
    kz_map_setz(&dot, "ips", str_list((const char *const[]){"1.2.3.4", "::1", "::ffff:10.0.0.1", NULL}));
    kz_map_setz(&dot, "dns", str_list((const char *const[]){"a.example", "b", NULL}));
    cert_pair c = run_cert("{{ $c := genSelfSignedCert \"srv\" .ips .dns 10 }}{{ $c.Cert }}|{{ $c.Key }}", &dot);
    check_cn(c.cert, "srv");
    check_common(c.cert, false, "sha256WithRSAEncryption");
    check_validity(c.cert, 10);
    assert_int_equal(X509_verify(c.cert, c.key), 1);
    int crit = -1;
    char *s = sans(c.cert, &crit);
    assert_string_equal(s, "DNS:a.example,DNS:b,IP:1.2.3.4,IP6:16:0001,IP:10.0.0.1");
    assert_int_equal(crit, 0);
    free(s);
    assert_int_equal(X509_check_host(c.cert, "a.example", 0, 0, NULL), 1);
    assert_int_equal(X509_check_ip_asc(c.cert, "1.2.3.4", 0), 1);
    cert_pair_free(&c);

    /* no CN: empty subject, a critical SAN */
    cert_pair e = run_cert("{{ $c := genSelfSignedCert \"\" nil .dns 1 }}{{ $c.Cert }}|{{ $c.Key }}", &dot);
    check_cn(e.cert, "");
    s = sans(e.cert, &crit);
    assert_string_equal(s, "DNS:a.example,DNS:b");
    assert_int_equal(crit, 1);
    free(s);
    cert_pair_free(&e);

    /* ed25519 key */
    char *edkey = run("{{ genPrivateKey \"ed25519\" }}", NULL);
    kz_map_setz(&dot, "k", kz_string(edkey));
    cert_pair k = run_cert("{{ $c := genSelfSignedCertWithKey \"ed\" nil nil 2 .k }}{{ $c.Cert }}|{{ $c.Key }}", &dot);
    assert_string_equal(k.key_pem, edkey);
    check_common(k.cert, false, "ED25519");
    check_validity(k.cert, 2);
    assert_int_equal(X509_verify(k.cert, k.key), 1);
    s = sans(k.cert, &crit);
    assert_string_equal(s, "");
    free(s);
    cert_pair_free(&k);
    free(edkey);
    kz_free(dot);
}

static void test_gen_signed(void **state) {
    (void)state;
    kz_value dot = kz_map();
    kz_map_setz(&dot, "ips", str_list((const char *const[]){"10.1.2.3", NULL}));
    kz_map_setz(&dot, "dns", str_list((const char *const[]){"leaf.example", NULL}));
    char *out = run("{{ $ca := genCA \"the-ca\" 100 }}{{ $c := genSignedCert \"leaf\" .ips .dns 7 $ca }}"
                    "{{ $ca.Cert }}|{{ $c.Cert }}|{{ $c.Key }}",
                    &dot);
    char *bar1 = strchr(out, '|');
    *bar1 = '\0';
    BIO *b = BIO_new_mem_buf(out, -1);
    X509 *ca = PEM_read_bio_X509(b, NULL, NULL, NULL);
    BIO_free(b);
    assert_non_null(ca);
    char *rest = bar1 + 1;
    char *bar2 = strchr(rest, '|');
    *bar2 = '\0';
    b = BIO_new_mem_buf(rest, -1);
    X509 *leaf = PEM_read_bio_X509(b, NULL, NULL, NULL);
    BIO_free(b);
    assert_non_null(leaf);
    EVP_PKEY *leafkey = read_key(bar2 + 1);
    assert_non_null(leafkey);
    assert_int_equal(EVP_PKEY_eq(X509_get0_pubkey(leaf), leafkey), 1);
    check_cn(leaf, "leaf");
    check_common(leaf, false, "sha256WithRSAEncryption");
    check_validity(leaf, 7);
    assert_int_equal(X509_NAME_cmp(X509_get_issuer_name(leaf), X509_get_subject_name(ca)), 0);
    assert_int_equal(X509_verify(leaf, X509_get0_pubkey(ca)), 1);
    /* AuthorityKeyId = the CA's SubjectKeyId */
    const ASN1_OCTET_STRING *aki = X509_get0_authority_key_id(leaf);
    assert_non_null(aki);
    assert_int_equal(ASN1_STRING_cmp(aki, X509_get0_subject_key_id(ca)), 0);
    int crit = -1;
    char *s = sans(leaf, &crit);
    assert_string_equal(s, "DNS:leaf.example,IP:10.1.2.3");
    free(s);
    /* a full chain verification */
    X509_STORE *store = X509_STORE_new();
    X509_STORE_add_cert(store, ca);
    X509_STORE_CTX *ctx = X509_STORE_CTX_new();
    X509_STORE_CTX_init(ctx, store, leaf, NULL);
    X509_STORE_CTX_set_purpose(ctx, X509_PURPOSE_SSL_SERVER);
    int ok = X509_verify_cert(ctx);
    if (ok != 1) fail_msg("chain: %s", X509_verify_cert_error_string(X509_STORE_CTX_get_error(ctx)));
    X509_STORE_CTX_free(ctx);
    X509_STORE_free(store);
    X509_free(ca);
    X509_free(leaf);
    EVP_PKEY_free(leafkey);
    free(out);

    /* WithKey: an ecdsa leaf under an RSA CA */
    char *eckey = run("{{ genPrivateKey \"ecdsa\" }}", NULL);
    kz_map_setz(&dot, "k", kz_string(eckey));
    cert_pair p = run_cert("{{ $ca := genCA \"ca2\" 1 }}{{ $c := genSignedCertWithKey \"l2\" nil nil 3 $ca .k }}"
                           "{{ $c.Cert }}|{{ $c.Key }}",
                           &dot);
    assert_string_equal(p.key_pem, eckey);
    check_common(p.cert, false, "sha256WithRSAEncryption");
    check_validity(p.cert, 3);
    cert_pair_free(&p);
    free(eckey);
    kz_free(dot);
}

static void test_build_custom_cert(void **state) {
    (void)state;
    char *out = run("{{ $c := genCA \"x\" 3 }}{{ $c.Cert }}|{{ $c.Key }}", NULL);
    char *bar = strchr(out, '|');
    *bar = '\0';
    kz_value dot = kz_map();
    for (int i = 0; i < 2; i++) {
        const char *s = i == 0 ? out : bar + 1;
        size_t n = strlen(s);
        unsigned char *enc = malloc(4 * ((n + 2) / 3) + 1);
        EVP_EncodeBlock(enc, (const unsigned char *)s, (int)n);
        kz_map_setz(&dot, i == 0 ? "c" : "k", kz_string((const char *)enc));
        free(enc);
    }
    char *back = run("{{ $b := buildCustomCert .c .k }}{{ printf \"%T\" $b }}|{{ $b.Cert }}|{{ $b.Key }}", &dot);
    kz_buf want = KZ_BUF_INIT;
    kz_buf_printf(&want, "sprig.certificate|%s|%s", out, bar + 1);
    assert_string_equal(back, kz_buf_cstr(&want));
    kz_buf_free(&want);
    free(back);
    /* a certificate object is usable as genSignedCert's ca */
    char *leaf = run("{{ $b := buildCustomCert .c .k }}{{ $l := genSignedCert \"l\" nil nil 1 $b }}{{ $l.Cert | len }}", &dot);
    assert_true(atoi(leaf) > 500);
    free(leaf);
    /* ca key that doesn't match the ca cert */
    char *other = run("{{ genPrivateKey \"ecdsa\" }}", NULL);
    size_t n = strlen(other);
    unsigned char *enc = malloc(4 * ((n + 2) / 3) + 1);
    EVP_EncodeBlock(enc, (const unsigned char *)other, (int)n);
    kz_map_setz(&dot, "k", kz_string((const char *)enc));
    free(enc);
    free(other);
    char *msg = run_err("{{ $b := buildCustomCert .c .k }}{{ genSignedCert \"l\" nil nil 1 $b }}", &dot);
    assert_non_null(strstr(msg, "error calling genSignedCert: error creating certificate: x509: provided PrivateKey "
                                "doesn't match parent's PublicKey"));
    free(msg);
    kz_free(dot);
    free(out);
}

static void test_cert_errors(void **state) {
    (void)state;
    kz_value dot = kz_map();
    kz_map_setz(&dot, "ips", str_list((const char *const[]){"1.2.3.4", "nope", NULL}));
    kz_map_setz(&dot, "dns", str_list((const char *const[]){"é", NULL}));
    kz_map_setz(&dot, "ok", str_list((const char *const[]){"1.2.3.4", NULL}));
    char *m = run_err("{{ genSelfSignedCert \"x\" .ips nil 1 }}", &dot);
    assert_non_null(strstr(m, "error calling genSelfSignedCert: error parsing ip: nope"));
    free(m);
    m = run_err("{{ genSelfSignedCert \"x\" .ok .dns 1 }}", &dot);
    assert_non_null(strstr(m, "error creating certificate: x509: \"é\" cannot be encoded as an IA5String"));
    free(m);
    kz_free(dot);
}

int main(void) {
    setenv("TZ", "UTC", 1);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rand_strings),      cmocka_unit_test(test_rand_int),
        cmocka_unit_test(test_rand_bytes),        cmocka_unit_test(test_uuidv4),
        cmocka_unit_test(test_shuffle),           cmocka_unit_test(test_bcrypt),
        cmocka_unit_test(test_aes_roundtrip),     cmocka_unit_test(test_gen_private_key),
        cmocka_unit_test(test_gen_ca),            cmocka_unit_test(test_gen_self_signed),
        cmocka_unit_test(test_gen_signed),        cmocka_unit_test(test_build_custom_cert),
        cmocka_unit_test(test_cert_errors),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
