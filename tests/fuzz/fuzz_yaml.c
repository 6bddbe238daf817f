/*
 * libFuzzer target for YAML and JSON I/O (not run by ctest; see README.md here).
 *
 * For any input: parsing must not crash, and whatever parses must survive the
 * round trip: emit it, parse the output again, get equal data. That second
 * property checks the emitter's quoting: a string it forgot to quote ("true",
 * "010", "a: b") would come back as another type or fail to parse.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/buf.h"
#include "json/json.h"
#include "yaml/emit.h"
#include "yaml/parse.h"

/* Text the references themselves change on the way out: go-yaml folds a raw NEL
 * (U+0085) like a line break, and JSON turns invalid UTF-8 into U+FFFD. */
static bool changed_by_references(const kz_value *s) {
    const unsigned char *p = (const unsigned char *)kz_str(s);
    size_t n = kz_str_len(s);
    for (size_t i = 0; i < n; i++) {
        if (p[i] < 0x80) continue;
        if (p[i] == 0xC2 && i + 1 < n && p[i + 1] == 0x85) return true;
        size_t len = p[i] >= 0xF0 ? 4 : p[i] >= 0xE0 ? 3 : p[i] >= 0xC2 ? 2 : 0;
        if (len == 0 || i + len > n) return true;
        for (size_t k = 1; k < len; k++)
            if ((p[i + k] & 0xC0) != 0x80) return true;
        i += len - 1;
    }
    return false;
}

/* Equality as the references' JSON round trip preserves it: numbers by value
 * (a FLOAT 3 prints as 3 and reads back as INT 3, as in kustomize), all else as
 * kz_equal. */
static bool same_data(const kz_value *a, const kz_value *b) {
    if (kz_is_number(a) && kz_is_number(b)) {
        if (kz_kind_of(a) == KZ_INT && kz_kind_of(b) == KZ_INT) return kz_int_get(a) == kz_int_get(b);
        return kz_float_get(a) == kz_float_get(b);
    }
    if (kz_kind_of(a) != kz_kind_of(b)) return false;
    if (kz_is_seq(a) || kz_is_map(a)) {
        if (kz_len(a) != kz_len(b)) return false;
        for (size_t i = 0; i < kz_len(a); i++) {
            const kz_value *x, *y;
            if (kz_is_seq(a)) {
                x = kz_seq_at(a, i);
                y = kz_seq_at(b, i);
            } else {
                const kz_value *k = kz_map_key_at(a, i);
                x = kz_map_value_at(a, i);
                y = kz_map_get(b, kz_str(k), kz_str_len(k));
                if (!y) return false;
            }
            if (!same_data(x, y)) {
                if (kz_is_map(a)) fprintf(stderr, "  at key %s\n", kz_str(kz_map_key_at(a, i)));
                else fprintf(stderr, "  at index %zu\n", i);
                return false;
            }
        }
        return true;
    }
    if (kz_equal(a, b)) return true;
    if (kz_is_string(a) && kz_is_string(b) && changed_by_references(a)) return true;
    fprintf(stderr, "  %s '%s' became %s '%s'\n", kz_kind_name(kz_kind_of(a)), kz_str(a),
            kz_kind_name(kz_kind_of(b)), kz_str(b));
    return false;
}

static void check_yaml_round_trip(const kz_value *doc, kz_yaml_schema schema) {
    kz_buf out = KZ_BUF_INIT;
    kz_value err = kz_invalid();
    if (kz_yaml_emit_checked(&out, doc, &err) != 0) { /* NaN, control characters: refused */
        kz_free(err);
        kz_buf_free(&out);
        return;
    }
    kz_yaml_parse_opts o = {.schema = schema, .source_name = "emitted"};
    kz_value again = kz_yaml_parse_one(out.data, out.len, &o);
    if (!same_data(doc, &again)) {
        fprintf(stderr, "round trip (schema %d) changed the data (path above); %s\n", (int)schema,
                kz_is_valid(&again) ? "" : kz_error_message(&again));
        abort();
    }
    kz_free(again);
    kz_buf_free(&out);
}

static void fuzz_yaml(const char *data, size_t size, kz_yaml_schema schema) {
    kz_yaml_parse_opts o = {.schema = schema, .source_name = "fuzz.yaml"};
    kz_value docs = kz_yaml_parse_stream(data, size, &o);
    if (kz_is_valid(&docs)) {
        for (size_t i = 0; i < kz_len(&docs); i++) {
            const kz_value *d = kz_seq_at(&docs, i);
            /* The emitter sees the JSON form: only mappings and sequences
             * round-trip as documents of their own in both schemas. */
            if (kz_is_map(d) || kz_is_seq(d)) check_yaml_round_trip(d, schema);
        }
    }
    kz_free(docs);
}

static void fuzz_json(const char *data, size_t size) {
    kz_value v = kz_json_parse(data, size, NULL);
    if (kz_is_valid(&v)) {
        kz_buf out = KZ_BUF_INIT;
        kz_value err = kz_invalid();
        if (kz_json_emit(&out, &v, NULL, &err) == 0) {
            kz_value again = kz_json_parse(out.data, out.len, NULL);
            if (!same_data(&v, &again)) {
                fprintf(stderr, "JSON round trip changed the data (path above)\n");
                abort();
            }
            kz_free(again);
        }
        kz_free(err);
        kz_buf_free(&out);
    }
    kz_free(v);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const char *text = (const char *)data;
    fuzz_yaml(text, size, KZ_YAML_HELM);
    fuzz_yaml(text, size, KZ_YAML_KYAML);
    fuzz_json(text, size);
    return 0;
}
