/*
 * YAML output, byte for byte as Helm's toYaml and `kubectl kustomize` print it.
 *
 * Both references print through sigs.k8s.io/yaml: the value is first encoded as
 * JSON (Go's encoding/json), that JSON is re-read by go-yaml v2 and printed by
 * go-yaml v2. The emitter reproduces the whole chain, so:
 *   - map keys are sorted at every level in go-yaml's "natural" order
 *     (kz_yaml_key_cmp); the input is never reordered, only a temporary index;
 *   - numbers come out as go-yaml re-reads their JSON form: a FLOAT with an
 *     integral JSON form prints as an integer (1.0 -> 1, 1e6 -> 1000000, 1e19 ->
 *     10000000000000000000), others in strconv 'g' form (1e-07, 1.2345675e+06,
 *     1e+20); INT prints in decimal;
 *   - strings are always strings: quoted (double quotes) when go-yaml would read
 *     the plain text as another type ("true", "010", "1e3", "2001-12-14", "");
 *     single-quoted when they cannot be plain (' x', 'a: b', '- a', '#c');
 *     literal blocks (|, |-, |+, |2-) for multi-line text; double quotes with
 *     escapes when a character is not printable (tab, NUL, BOM, astral plane);
 *     plain and quoted text folded past column 80;
 *   - what the JSON round trip does to text happens too: invalid UTF-8 becomes
 *     U+FFFD, and a raw NEL (U+0085) is folded like a line break in a quoted
 *     scalar ("a\u0085b" prints as "a b").
 *
 * Memory: the document is borrowed; output is appended to the caller's buffer.
 */
#ifndef KZ_YAML_EMIT_H
#define KZ_YAML_EMIT_H

#include <stddef.h>

#include "core/buf.h"
#include "core/value.h"

/* Append the YAML for one document (no leading '---') to out, as go-yaml v2 via
 * sigs.k8s.io/yaml prints it. Ends with '\n'. When the references would fail (see
 * kz_yaml_emit_checked) nothing is appended: Helm's toYaml prints "" then. */
void kz_yaml_emit(kz_buf *out, const kz_value *doc);

/* Like kz_yaml_emit, but reports failure: returns 0, or -1 with *err set (owned
 * by the caller; err may be NULL) and out left as it was. Failures are the
 * references' own: NaN/Inf ("error marshaling into JSON: json: unsupported value:
 * NaN"), INVALID values, and characters go-yaml refuses to read back from the JSON
 * ("yaml: control characters are not allowed": U+007F, C1 controls other than
 * NEL, U+FFFE, U+FFFF). */
int kz_yaml_emit_checked(kz_buf *out, const kz_value *doc, kz_value *err);

/* go-yaml v2's map key order (keySort): usable with kz_map_sort. Compares by
 * runes: letters after non-letters, letters by code point, runs of digits by
 * numeric value. Negative when a sorts first, positive when b does, 0 when equal.
 * Note: go-yaml's order is not transitive for some key sets (a1b < a9 < a10 <
 * a1b); the references then print in an order that depends on Go's random map
 * iteration, which nobody can match. */
int kz_yaml_key_cmp(const char *a, size_t alen, const char *b, size_t blen);

#endif
