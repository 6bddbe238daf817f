/*
 * YAML output as gopkg.in/yaml.v3's Encoder prints it with SetIndent(2): the
 * encoder behind Helm's toYamlPretty. Unlike toYaml (emit.h) there is no JSON
 * round trip; the Go value is encoded directly, so:
 *   - map keys are sorted in go-yaml v3's order (kz_yaml_v3_key_cmp): like v2's,
 *     but a letter sorts before a digit when the common prefix ends in a digit
 *     ("a1b" < "a10");
 *   - every nested block is indented by 2, sequences under a key too
 *     ("a:\n  - 1");
 *   - float64 prints in strconv 'g' form (3, 1.5, 1e+06, 1e+20, -0) and NaN/Inf
 *     as .nan, .inf, -.inf; ints in decimal;
 *   - strings are quoted by the same resolver rules as v2 ("true", "yes", "1e3",
 *     "0x1F", "2001-12-14", "" in double quotes; ' x', 'a: b', '- a' in single
 *     quotes), multi-line text is a literal block (tabs are allowed in it), and
 *     nothing is folded however long the line;
 *   - text is written as it is (no U+FFFD substitution, NEL is escaped "\N",
 *     DEL and C1 controls are escaped), and a string that is not valid UTF-8 is
 *     written as `!!binary BASE64` (lines of 70, a literal block when longer);
 *   - Go objects: time.Time is its RFC 3339 text (plain), *semver.Version its
 *     String(), []byte a sequence of ints, sprig's certificate struct a mapping
 *     {cert, key} in field order.
 *
 * Memory: the document is borrowed; output is appended to the caller's buffer.
 */
#ifndef KZ_YAML_EMIT_V3_H
#define KZ_YAML_EMIT_V3_H

#include <stddef.h>

#include "core/buf.h"
#include "core/value.h"

/* Append the YAML document (no '---', ends with '\n') to out. Returns 0, or -1
 * when the value cannot be encoded (an INVALID value inside): then *err is set
 * (owned by the caller; err may be NULL) and out is left as it was. */
int kz_yaml_v3_emit(kz_buf *out, const kz_value *doc, kz_value *err);

/* go-yaml v3's map key order (keyList.Less on strings) as a three-way compare:
 * negative when a sorts first, positive when b does, 0 when equal. */
int kz_yaml_v3_key_cmp(const char *a, size_t alen, const char *b, size_t blen);

#endif
