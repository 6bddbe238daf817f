/*
 * JSON in and out.
 *
 * Parsing uses jansson and yields kz_values (see core/value.h for ownership).
 * Output matches Go's encoding/json byte for byte, because Helm's toJson and
 * kubectl's JSON output are produced by it: map keys sorted by bytes, HTML
 * characters (<, >, &) and U+2028/U+2029 escaped unless `raw`, invalid UTF-8
 * replaced by U+FFFD, Go's float formatting (see core/gofloat.h).
 */
#ifndef KZ_JSON_JSON_H
#define KZ_JSON_JSON_H

#include <stdbool.h>
#include <stddef.h>

#include "core/buf.h"
#include "core/value.h"

typedef enum kz_json_numbers {
    KZ_JSON_NUMBERS_NATIVE,  /* integers become INT (if they fit), others FLOAT */
    KZ_JSON_NUMBERS_FLOAT64, /* every number becomes FLOAT, as Go's interface{} decoding does */
} kz_json_numbers;

typedef struct kz_json_parse_opts {
    kz_json_numbers numbers;
    const char *source_name; /* for error messages; NULL means "<input>" */
} kz_json_parse_opts;

/* Parse one JSON text. Returns the value, or an error value whose message reads
 * "SOURCE:LINE:COL: message". opts may be NULL (native numbers). */
kz_value kz_json_parse(const char *text, size_t len, const kz_json_parse_opts *opts);

/* Whether text[0..len) is not valid JSON for Go's encoding/json; if so,
 * appends Go's message ("invalid character 'x' looking for beginning of
 * value", "unexpected end of JSON input", ...) to msg. */
bool kz_json_go_syntax_error(const char *text, size_t len, kz_buf *msg);

/* What encoding/json calls a value's kind in its errors ("cannot unmarshal
 * KIND into ..."): "string", "number", "bool", "array", "object", "null". */
const char *kz_json_kind(const kz_value *v);

typedef struct kz_json_emit_opts {
    bool raw;             /* don't escape <, >, & (Helm's toRawJson; SetEscapeHTML(false)) */
    const char *prefix;   /* json.MarshalIndent prefix; NULL or "" for none */
    const char *indent;   /* json.MarshalIndent indent; NULL or "" for compact output */
} kz_json_emit_opts;

/* Append the JSON encoding of v to out, as Go's json.Marshal (or MarshalIndent
 * when opts->indent is set) would write the equivalent interface{} value.
 * Returns 0, or -1 with *err set to an error value (NaN/Inf: Go's
 * "json: unsupported value: NaN"; INVALID values) — out is then unspecified.
 * opts may be NULL (compact, HTML-escaped). err may be NULL. */
int kz_json_emit(kz_buf *out, const kz_value *v, const kz_json_emit_opts *opts, kz_value *err);

#endif
