/*
 * JSON parsing: jansson reads the text, then the jansson tree is converted into
 * kz_values and released. jansson keeps object keys in insertion order and lets
 * a repeated key replace the earlier value, which is what Go's decoder does too
 * (last one wins).
 */
#include <jansson.h>
#include <string.h>

#include "core/buf.h"
#include "core/utf8.h"
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

static bool is_hex4(const char *p, size_t avail, unsigned *out) {
    if (avail < 4) return false;
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        char c = p[i];
        unsigned d = c >= '0' && c <= '9'   ? (unsigned)(c - '0')
                     : c >= 'a' && c <= 'f' ? (unsigned)(c - 'a' + 10)
                     : c >= 'A' && c <= 'F' ? (unsigned)(c - 'A' + 10)
                                            : 16u;
        if (d > 15) return false;
        v = v * 16 + d;
    }
    *out = v;
    return true;
}

/* Go's decoder replaces invalid UTF-8 and unpaired surrogate escapes with U+FFFD
 * where jansson rejects the text. This rewrites only those spots, inside string
 * literals, so jansson then reads what Go would have read. */
static void replace_bad_unicode(const char *text, size_t len, kz_buf *out) {
    static const char fffd_raw[] = "\xEF\xBF\xBD";
    bool in_string = false;
    for (size_t i = 0; i < len;) {
        unsigned char c = (unsigned char)text[i];
        if (c >= 0x80) {
            size_t n = kz_utf8_valid_len((const unsigned char *)text + i, len - i);
            if (n) kz_buf_append(out, text + i, n);
            else kz_buf_append(out, fffd_raw, 3);
            i += n ? n : 1;
            continue;
        }
        if (c == '"') in_string = !in_string;
        if (in_string && c == '\\' && i + 1 < len) {
            unsigned hi, lo;
            if (text[i + 1] == 'u' && is_hex4(text + i + 2, len - i - 2, &hi) && hi >= 0xD800 &&
                hi <= 0xDFFF) {
                bool paired = hi < 0xDC00 && i + 12 <= len && text[i + 6] == '\\' &&
                              text[i + 7] == 'u' && is_hex4(text + i + 8, len - i - 8, &lo) &&
                              lo >= 0xDC00 && lo <= 0xDFFF;
                if (paired) {
                    kz_buf_append(out, text + i, 12);
                    i += 12;
                } else {
                    kz_buf_append(out, "\\ufffd", 6);
                    i += 6;
                }
                continue;
            }
            kz_buf_append(out, text + i, 2); /* any other escape, e.g. \" */
            i += 2;
            continue;
        }
        kz_buf_putc(out, (char)c);
        i++;
    }
}

/* Whether the integer digits d[0..n) (no sign) exceed int64's magnitude. */
static bool beyond_int64(const char *d, size_t n, bool negative) {
    static const char max[] = "9223372036854775807", min[] = "9223372036854775808";
    const char *limit = negative ? min : max;
    while (n > 1 && *d == '0') d++, n--;
    if (n != sizeof max - 1) return n > sizeof max - 1;
    return memcmp(d, limit, n) > 0;
}

/* jansson refuses integers beyond int64 ("too big integer"); Go reads them as
 * float64. Appending "e0" to exactly those tokens makes jansson read them as
 * reals, leaving every other number as it is. */
static void widen_big_integers(const char *text, size_t len, kz_buf *out) {
    bool in_string = false;
    for (size_t i = 0; i < len;) {
        char c = text[i];
        if (in_string) {
            size_t step = c == '\\' && i + 1 < len ? 2 : 1;
            if (c == '"') in_string = false;
            kz_buf_append(out, text + i, step);
            i += step;
            continue;
        }
        if (c == '"') in_string = true;
        if (c == '-' || (c >= '0' && c <= '9')) {
            size_t start = i, digits = i + (c == '-');
            size_t end = digits;
            while (end < len && text[end] >= '0' && text[end] <= '9') end++;
            bool integer = end == len || strchr(".eE", text[end]) == NULL;
            while (end < len && strchr("0123456789.eE+-", text[end])) end++;
            kz_buf_append(out, text + start, end - start);
            if (integer && beyond_int64(text + digits, end - digits, c == '-')) kz_buf_puts(out, "e0");
            i = end;
            continue;
        }
        kz_buf_putc(out, c);
        i++;
    }
}

static bool is_unicode_error(const json_error_t *err) {
    return json_error_code(err) == json_error_invalid_utf8 ||
           strstr(err->text, "invalid Unicode") != NULL ||
           strstr(err->text, "surrogate") != NULL;
}

kz_value kz_json_parse(const char *text, size_t len, const kz_json_parse_opts *opts) {
    kz_json_numbers numbers = opts ? opts->numbers : KZ_JSON_NUMBERS_NATIVE;
    const char *source = opts && opts->source_name ? opts->source_name : "<input>";
    json_error_t err;
    /* Go decodes into float64; reading integers as reals avoids jansson's
     * "too big integer" on values Go accepts. */
    size_t flags = numbers == KZ_JSON_NUMBERS_FLOAT64 ? JSON_DECODE_INT_AS_REAL : 0;
    json_t *root = load(text, len, flags, &err);
    kz_buf fixed = KZ_BUF_INIT;
    if (!root && is_unicode_error(&err)) {
        replace_bad_unicode(text, len, &fixed);
        root = load(fixed.data, fixed.len, flags, &err);
    }
    if (!root && numbers == KZ_JSON_NUMBERS_NATIVE && strstr(err.text, "too big") != NULL) {
        kz_buf widened = KZ_BUF_INIT;
        widen_big_integers(fixed.data ? fixed.data : text, fixed.data ? fixed.len : len, &widened);
        root = load(widened.data, widened.len, 0, &err);
        kz_buf_free(&widened);
    }
    kz_buf_free(&fixed);
    if (!root) {
        int line = err.line > 0 ? err.line : 1;
        int col = err.column > 0 ? err.column : 1;
        return kz_error("%s:%d:%d: %s", source, line, col, err.text);
    }
    kz_value v = from_jansson(root, numbers);
    json_decref(root);
    return v;
}
