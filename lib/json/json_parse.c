/*
 * JSON parsing: jansson reads the text, then the jansson tree is converted into
 * kz_values and released. jansson keeps object keys in insertion order and lets
 * a repeated key replace the earlier value, which is what Go's decoder does too
 * (last one wins).
 */
#include <jansson.h>
#include <string.h>

#include "json/json.h"

static kz_value from_jansson(json_t *j, kz_json_numbers numbers);

static kz_value object_from_jansson(json_t *j, kz_json_numbers numbers) {
    kz_value map = kz_map_sized(json_object_size(j));
    const char *key;
    size_t keylen;
    json_t *item;
    void *tmp;
    json_object_keylen_foreach_safe(j, tmp, key, keylen, item) {
        kz_map_set(&map, kz_string_n(key, keylen), from_jansson(item, numbers));
    }
    return map;
}

static kz_value array_from_jansson(json_t *j, kz_json_numbers numbers) {
    size_t n = json_array_size(j);
    kz_value seq = kz_seq_sized(n);
    for (size_t i = 0; i < n; i++) kz_seq_push(&seq, from_jansson(json_array_get(j, i), numbers));
    return seq;
}

static kz_value from_jansson(json_t *j, kz_json_numbers numbers) {
    switch (json_typeof(j)) {
    case JSON_OBJECT: return object_from_jansson(j, numbers);
    case JSON_ARRAY: return array_from_jansson(j, numbers);
    case JSON_STRING: return kz_string_n(json_string_value(j), json_string_length(j));
    case JSON_INTEGER:
        if (numbers == KZ_JSON_NUMBERS_FLOAT64) return kz_float((double)json_integer_value(j));
        return kz_int((int64_t)json_integer_value(j));
    case JSON_REAL: return kz_float(json_real_value(j));
    case JSON_TRUE: return kz_bool(true);
    case JSON_FALSE: return kz_bool(false);
    case JSON_NULL: return kz_null();
    }
    return kz_null();
}

static json_t *load(const char *text, size_t len, size_t flags, json_error_t *err) {
    /* DECODE_ANY: scalars are valid documents; ALLOW_NUL: "\u0000" is a valid string. */
    return json_loadb(text, len, JSON_DECODE_ANY | JSON_ALLOW_NUL | flags, err);
}

kz_value kz_json_parse(const char *text, size_t len, const kz_json_parse_opts *opts) {
    kz_json_numbers numbers = opts ? opts->numbers : KZ_JSON_NUMBERS_NATIVE;
    const char *source = opts && opts->source_name ? opts->source_name : "<input>";
    json_error_t err;
    /* Go decodes into float64; reading integers as reals avoids jansson's
     * "too big integer" on values Go accepts. */
    size_t flags = numbers == KZ_JSON_NUMBERS_FLOAT64 ? JSON_DECODE_INT_AS_REAL : 0;
    json_t *root = load(text, len, flags, &err);
    if (!root && numbers == KZ_JSON_NUMBERS_NATIVE && strstr(err.text, "too big") != NULL) {
        /* An integer beyond int64: Go would hold it as float64 too. */
        root = load(text, len, JSON_DECODE_INT_AS_REAL, &err);
    }
    if (!root) {
        int line = err.line > 0 ? err.line : 1;
        int col = err.column > 0 ? err.column : 1;
        return kz_error("%s:%d:%d: %s", source, line, col, err.text);
    }
    kz_value v = from_jansson(root, numbers);
    json_decref(root);
    return v;
}
