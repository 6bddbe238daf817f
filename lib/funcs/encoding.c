/*
 * Encodings and digests (Sprig) and Helm's serialisation functions: b64enc,
 * b64dec, b32enc, b32dec, sha1sum, sha256sum, sha512sum, adler32sum; toJson,
 * toPrettyJson, toRawJson and their must forms, fromJson, fromJsonArray,
 * mustFromJson; toYaml, fromYaml, fromYamlArray.
 */
#include <stdio.h>
#include <string.h>

#include <zlib.h>

#include "core/digest.h"
#include "core/base64.h"
#include "funcs/funcs_internal.h"
#include "json/json.h"
#include "yaml/emit.h"
#include "yaml/parse.h"

#define UNUSED_CALL (void)c, (void)argc

static kz_value string_of_buf(kz_buf *b) {
    kz_value s = kz_string_n(b->data ? b->data : "", b->len);
    kz_buf_free(b);
    return s;
}

/* ---- base64, base32 ---- */

static kz_value fn_b64enc(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    UNUSED_CALL;
    kz_buf b = KZ_BUF_INIT;
    kz_base64_encode(kz_str(&argv[0]), kz_str_len(&argv[0]), &b);
    return string_of_buf(&b);
}

/* Sprig returns the decoder's error text in place of the data. */
static kz_value fn_b64dec(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    UNUSED_CALL;
    kz_buf b = KZ_BUF_INIT;
    long bad = kz_base64_decode_go(kz_str(&argv[0]), kz_str_len(&argv[0]), &b);
    if (bad >= 0) {
        kz_buf_free(&b);
        return kz_string_fmt("illegal base64 data at input byte %ld", bad);
    }
    return string_of_buf(&b);
}

static const char b32_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

static kz_value fn_b32enc(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    UNUSED_CALL;
    const unsigned char *p = (const unsigned char *)kz_str(&argv[0]);
    size_t n = kz_str_len(&argv[0]);
    kz_buf b = KZ_BUF_INIT;
    for (size_t i = 0; i < n; i += 5) {
        unsigned char blk[5] = {0};
        size_t take = n - i < 5 ? n - i : 5;
        memcpy(blk, p + i, take);
        uint64_t v = 0;
        for (int k = 0; k < 5; k++) v = v << 8 | blk[k];
        static const size_t chars_for[] = {0, 2, 4, 5, 7, 8};
        size_t out = chars_for[take];
        for (size_t k = 0; k < 8; k++) kz_buf_putc(&b, k < out ? b32_alphabet[(v >> (35 - 5 * k)) & 31] : '=');
    }
    return string_of_buf(&b);
}

static int b32_value(unsigned char c) {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= '2' && c <= '7') return c - '2' + 26;
    return -1;
}

/* Go's base32.StdEncoding.DecodeString: newlines are removed first, then
 * 8-character quanta; returns -1 or the offset of the CorruptInputError. */
static long b32_decode(const char *src0, size_t n0, kz_buf *out) {
    kz_buf clean = KZ_BUF_INIT;
    for (size_t i = 0; i < n0; i++)
        if (src0[i] != '\n' && src0[i] != '\r') kz_buf_putc(&clean, src0[i]);
    const unsigned char *src = (const unsigned char *)(clean.data ? clean.data : "");
    size_t olen = clean.len, left = clean.len;
    long bad = -1;
    bool end = false;
    while (left > 0 && !end && bad < 0) {
        int dbuf[8] = {0};
        size_t dlen = 8;
        for (size_t j = 0; j < 8;) {
            if (left == 0) {
                bad = (long)(olen - left - j);
                break;
            }
            unsigned char in = *src++;
            left--;
            if (in == '=' && j >= 2 && left < 8) {
                if (left + j < 8 - 1) {
                    bad = (long)olen;
                    break;
                }
                for (size_t k = 0; k < 8 - 1 - j; k++) {
                    if (left > k && src[k] != '=') {
                        bad = (long)(olen - left + k - 1);
                        break;
                    }
                }
                if (bad >= 0) break;
                dlen = j;
                end = true;
                if (dlen == 1 || dlen == 3 || dlen == 6) bad = (long)(olen - left - 1);
                break;
            }
            dbuf[j] = b32_value(in);
            if (dbuf[j] < 0) {
                bad = (long)(olen - left - 1);
                break;
            }
            j++;
        }
        if (bad >= 0) break;
        unsigned char d[5];
        d[4] = (unsigned char)(dbuf[6] << 5 | dbuf[7]);
        d[3] = (unsigned char)(dbuf[4] << 7 | dbuf[5] << 2 | dbuf[6] >> 3);
        d[2] = (unsigned char)(dbuf[3] << 4 | dbuf[4] >> 1);
        d[1] = (unsigned char)(dbuf[1] << 6 | dbuf[2] << 1 | dbuf[3] >> 4);
        d[0] = (unsigned char)(dbuf[0] << 3 | dbuf[1] >> 2);
        static const size_t bytes_for[] = {0, 0, 1, 0, 2, 3, 0, 4, 5};
        kz_buf_append(out, (const char *)d, bytes_for[dlen]);
    }
    kz_buf_free(&clean);
    return bad;
}

static kz_value fn_b32dec(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    UNUSED_CALL;
    kz_buf b = KZ_BUF_INIT;
    long bad = b32_decode(kz_str(&argv[0]), kz_str_len(&argv[0]), &b);
    if (bad >= 0) {
        kz_buf_free(&b);
        return kz_string_fmt("illegal base32 data at input byte %ld", bad);
    }
    return string_of_buf(&b);
}

/* ---- digests ---- */

typedef void (*digest_fn)(const void *data, size_t len, unsigned char *out);

static kz_value hex_digest(digest_fn fn, size_t len, const kz_value *s) {
    unsigned char digest[KZ_SHA512_LEN];
    fn(kz_str(s), kz_str_len(s), digest);
    char hex[2 * KZ_SHA512_LEN + 1];
    kz_hex_encode(digest, len, hex);
    return kz_string_n(hex, 2 * len);
}

static kz_value fn_sha1sum(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    UNUSED_CALL;
    return hex_digest(kz_sha1, KZ_SHA1_LEN, &argv[0]);
}

static kz_value fn_sha256sum(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    UNUSED_CALL;
    return hex_digest(kz_sha256, KZ_SHA256_LEN, &argv[0]);
}

static kz_value fn_sha512sum(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    UNUSED_CALL;
    return hex_digest(kz_sha512, KZ_SHA512_LEN, &argv[0]);
}

static kz_value fn_adler32sum(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    UNUSED_CALL;
    uLong a = adler32(0L, Z_NULL, 0);
    const unsigned char *p = (const unsigned char *)kz_str(&argv[0]);
    size_t n = kz_str_len(&argv[0]);
    while (n > 0) { /* zlib takes uInt lengths */
        uInt chunk = n > (1u << 30) ? (1u << 30) : (uInt)n;
        a = adler32(a, p, chunk);
        p += chunk;
        n -= chunk;
    }
    return kz_string_fmt("%lu", (unsigned long)a);
}

/* ---- JSON out ---- */

typedef enum { JSON_COMPACT, JSON_PRETTY, JSON_RAW } json_style;

/* The JSON text, or an error value with Go's message. */
static kz_value json_text(const kz_value *v, json_style style) {
    kz_json_emit_opts o = {.raw = style == JSON_RAW, .indent = style == JSON_PRETTY ? "  " : NULL};
    kz_buf b = KZ_BUF_INIT;
    kz_value err = kz_null();
    kz_value nil = kz_null();
    if (kz_json_emit(&b, kz_is_valid(v) ? v : &nil, &o, &err) != 0) {
        kz_buf_free(&b);
        return err;
    }
    return string_of_buf(&b);
}

/* The plain forms print "" where Go's Marshal fails. */
static kz_value json_or_empty(const kz_value *v, json_style style) {
    kz_value r = json_text(v, style);
    if (kz_error_message(&r)) {
        kz_free(r);
        return kz_string("");
    }
    return r;
}

static kz_value fn_toJson(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    UNUSED_CALL;
    return json_or_empty(&argv[0], JSON_COMPACT);
}

static kz_value fn_toPrettyJson(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    UNUSED_CALL;
    return json_or_empty(&argv[0], JSON_PRETTY);
}

/* toRawJson panics on failure (the executor reports it); so do the must forms. */
static kz_value fn_toRawJson(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    UNUSED_CALL;
    return json_text(&argv[0], JSON_RAW);
}

static kz_value fn_mustToJson(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    UNUSED_CALL;
    return json_text(&argv[0], JSON_COMPACT);
}

static kz_value fn_mustToPrettyJson(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    UNUSED_CALL;
    return json_text(&argv[0], JSON_PRETTY);
}

/* ---- JSON in ---- */

static const char *go_kind_of_json(const kz_value *v) {
    switch (kz_kind_of(v)) {
    case KZ_SEQ: return "array";
    case KZ_MAP: return "object";
    case KZ_STRING: return "string";
    case KZ_BOOL: return "bool";
    case KZ_NULL: return "null";
    default: return "number";
    }
}

/* Unmarshalling into map[string]interface{} or []interface{}: another kind
 * of value is Go's type error (after `prefix`, sigs.k8s.io/yaml's wrapping). */
static kz_value check_target(kz_value v, kz_kind want, const char *prefix) {
    if (kz_kind_of(&v) == want) return v;
    kz_value err = kz_error("%sjson: cannot unmarshal %s into Go value of type %s", prefix, go_kind_of_json(&v),
                            want == KZ_MAP ? "map[string]interface {}" : "[]interface {}");
    kz_free(v);
    return err;
}

/* Go's json.Unmarshal into interface{}: the value, or an error value with
 * Go's message. */
static kz_value go_json_unmarshal(const kz_value *text) {
    kz_buf msg = KZ_BUF_INIT;
    if (kz_json_go_syntax_error(kz_str(text), kz_str_len(text), &msg)) {
        kz_value err = kz_error("%s", kz_buf_cstr(&msg));
        kz_buf_free(&msg);
        return err;
    }
    kz_buf_free(&msg);
    kz_json_parse_opts o = {.numbers = KZ_JSON_NUMBERS_FLOAT64};
    return kz_json_parse(kz_str(text), kz_str_len(text), &o);
}

/* Unmarshal into map[string]interface{} or []interface{}: the value, or an
 * error value with Go's message. null leaves the target Go's nil map or
 * slice, which toJson and toYaml write as null (not {} or []). */
static kz_value unmarshal_into(const kz_value *text, kz_kind want) {
    kz_value v = go_json_unmarshal(text);
    if (kz_error_message(&v)) return v;
    if (kz_kind_of(&v) == KZ_NULL) return kz_with_nil(want == KZ_MAP ? kz_map() : kz_seq());
    return check_target(v, want, "");
}

/* Helm's from* functions never fail: a map answer carries the error under
 * "Error", a list answer is the error alone. */
static kz_value error_holder(kz_value v, kz_kind want) {
    if (!kz_error_message(&v)) return v;
    kz_value holder = want == KZ_MAP ? kz_map() : kz_seq();
    kz_value msg = kz_string(kz_error_message(&v));
    if (want == KZ_MAP) kz_map_setz(&holder, "Error", msg);
    else kz_seq_push(&holder, msg);
    kz_free(v);
    return holder;
}

static kz_value fn_fromJson(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    UNUSED_CALL;
    return error_holder(unmarshal_into(&argv[0], KZ_MAP), KZ_MAP);
}

static kz_value fn_fromJsonArray(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    UNUSED_CALL;
    return error_holder(unmarshal_into(&argv[0], KZ_SEQ), KZ_SEQ);
}

/* Sprig's mustFromJson: any JSON value, or the error. */
static kz_value fn_mustFromJson(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    UNUSED_CALL;
    return go_json_unmarshal(&argv[0]);
}

/* ---- YAML ---- */

/* Helm's toYaml: sigs.k8s.io/yaml's Marshal, one trailing newline trimmed;
 * "" when it fails. */
static kz_value fn_toYaml(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    UNUSED_CALL;
    kz_buf b = KZ_BUF_INIT;
    kz_value nil = kz_null();
    if (kz_yaml_emit_checked(&b, kz_is_valid(&argv[0]) ? &argv[0] : &nil, NULL) != 0) {
        kz_buf_free(&b);
        return kz_string("");
    }
    if (b.len && b.data[b.len - 1] == '\n') b.len--;
    return string_of_buf(&b);
}

/* sigs.k8s.io/yaml's Unmarshal into map or list: the first document, with
 * the reference's error texts as far as they are known. */
static kz_value yaml_unmarshal_into(const kz_value *text, kz_kind want) {
    kz_yaml_parse_opts o = {.schema = KZ_YAML_HELM, .max_threads = 1, .go_errors = true};
    kz_value v = kz_yaml_parse_one(kz_str(text), kz_str_len(text), &o);
    if (kz_error_message(&v)) {
        kz_value err = kz_error("error converting YAML to JSON: %s", kz_error_message(&v));
        kz_free(v);
        return err;
    }
    /* Not Go's nil: sigs.k8s.io/yaml decodes the JSON null into the
     * interface{} holding the pointer, so Helm's freshly made empty map or
     * list stays, and toJson writes {} or [] (fromJson writes null). */
    if (kz_kind_of(&v) == KZ_NULL) return want == KZ_MAP ? kz_map() : kz_seq();
    return check_target(v, want, "error unmarshaling JSON: while decoding JSON: ");
}

static kz_value fn_fromYaml(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    UNUSED_CALL;
    return error_holder(yaml_unmarshal_into(&argv[0], KZ_MAP), KZ_MAP);
}

static kz_value fn_fromYamlArray(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    UNUSED_CALL;
    return error_holder(yaml_unmarshal_into(&argv[0], KZ_SEQ), KZ_SEQ);
}

void kz_funcs_register_encoding(kz_tmpl_funcs *t) {
    kz_tmpl_funcs_add_typed(t, "b64enc", fn_b64enc, "s", NULL);
    kz_tmpl_funcs_add_typed(t, "b64dec", fn_b64dec, "s", NULL);
    kz_tmpl_funcs_add_typed(t, "b32enc", fn_b32enc, "s", NULL);
    kz_tmpl_funcs_add_typed(t, "b32dec", fn_b32dec, "s", NULL);
    kz_tmpl_funcs_add_typed(t, "sha1sum", fn_sha1sum, "s", NULL);
    kz_tmpl_funcs_add_typed(t, "sha256sum", fn_sha256sum, "s", NULL);
    kz_tmpl_funcs_add_typed(t, "sha512sum", fn_sha512sum, "s", NULL);
    kz_tmpl_funcs_add_typed(t, "adler32sum", fn_adler32sum, "s", NULL);
    kz_tmpl_funcs_add_typed(t, "toJson", fn_toJson, "v", NULL);
    kz_tmpl_funcs_add_typed(t, "toPrettyJson", fn_toPrettyJson, "v", NULL);
    kz_tmpl_funcs_add_typed(t, "toRawJson", fn_toRawJson, "v", NULL);
    kz_tmpl_funcs_add_typed(t, "mustToJson", fn_mustToJson, "v", NULL);
    kz_tmpl_funcs_add_typed(t, "mustToPrettyJson", fn_mustToPrettyJson, "v", NULL);
    kz_tmpl_funcs_add_typed(t, "mustToRawJson", fn_toRawJson, "v", NULL);
    kz_tmpl_funcs_add_typed(t, "fromJson", fn_fromJson, "s", NULL);
    kz_tmpl_funcs_add_typed(t, "fromJsonArray", fn_fromJsonArray, "s", NULL);
    kz_tmpl_funcs_add_typed(t, "mustFromJson", fn_mustFromJson, "s", NULL);
    kz_tmpl_funcs_add_typed(t, "toYaml", fn_toYaml, "v", NULL);
    kz_tmpl_funcs_add_typed(t, "fromYaml", fn_fromYaml, "s", NULL);
    kz_tmpl_funcs_add_typed(t, "fromYamlArray", fn_fromYamlArray, "s", NULL);
}
