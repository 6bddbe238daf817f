/*
 * YAML parsing into kz_values (libyaml's event API; values are built directly).
 *
 * Two scalar-resolution modes, because the two references read YAML differently:
 *
 *  KZ_YAML_HELM  — Helm reads values through sigs.k8s.io/yaml (go-yaml v2, YAML 1.1
 *    flavour) followed by a JSON round trip. So: y/Y/yes/Yes/YES/n/N/no/No/NO/on/On/
 *    ON/off/Off/OFF/true/True/TRUE/false/False/FALSE are booleans; ints accept
 *    0x/0o/0b prefixes, a leading 0 means octal, '_' is ignored; timestamps and
 *    sexagesimal (1:20) stay strings; EVERY number becomes KZ_FLOAT (float64);
 *    .inf/.nan are an error (JSON can't hold them); non-string map keys become
 *    their text (ints in decimal, floats as Go's %g of a float32, bools
 *    "true"/"false"); a null key is an error; duplicate keys: the last one wins;
 *    a merge key (<<) applies in document order and overrides earlier keys.
 *
 *  KZ_YAML_KYAML — kustomize reads through kyaml (go-yaml v3, YAML 1.2 core) and
 *    then JSON. So: only true/True/TRUE/false/False/FALSE are booleans; the same
 *    number syntax as above but numbers keep their kind (KZ_INT, or KZ_FLOAT for
 *    floats and integers outside int64); .inf/.nan are KZ_FLOAT; timestamps
 *    (2001-12-14, 2001-12-14T21:59:43.10-05:00, "2001-12-14 21:59:43") become
 *    STRINGs in RFC 3339 form ("2001-12-14T21:59:43.1-05:00"), as kustomize prints
 *    them; in the document's root map a non-string key is its text (1 -> "1"),
 *    a null key is an error; in nested maps any non-string key (1, true, 1.5, a
 *    timestamp) is an error, as kustomize's JSON step rejects it; a duplicate key
 *    is an error; explicit keys win over merged ones.
 *
 * Both modes: anchors/aliases (an alias shares the anchored value, O(1)); merge
 * keys (a map or a sequence of maps; earlier maps of a sequence win); tags
 * !!str !!int !!float !!bool !!null !!binary (base64, invalid UTF-8 becomes
 * U+FFFD as after Go's JSON) !!map !!seq, custom !tags are ignored (scalar stays a
 * string); quoted and block scalars are strings flagged KZ_VF_QUOTED.
 * Every SEQ/MAP carries its source name and 1-based position, and each entry's
 * position (kz_node_pos / kz_entry_pos); the source name is one shared STRING per
 * parse (per chunk: a stream of several MB is cut at document markers and its
 * chunks parsed on several threads; the result is the same).
 *
 * Errors come back as error values reading "SOURCE:LINE:COL: message".
 * Alias expansion is bounded: a document whose aliases would expand to far more
 * nodes than it holds ("billion laughs") is an error, not a memory blow-up.
 *
 * Ownership: inputs are borrowed; every returned value is owned by the caller.
 */
#ifndef KZ_YAML_PARSE_H
#define KZ_YAML_PARSE_H

#include <stddef.h>

#include "core/value.h"

typedef enum kz_yaml_schema { KZ_YAML_HELM, KZ_YAML_KYAML } kz_yaml_schema;

typedef struct kz_yaml_parse_opts {
    kz_yaml_schema schema;
    const char *source_name; /* NULL: "<input>" */
    /* Streams of several MB are parsed on several threads: 0 means one per
     * core; N means up to N (1: never in parallel). At most 8, and at least
     * 4 MB per thread. The result is the same either way. */
    unsigned max_threads;
    /* Word libyaml's syntax errors as go-yaml v2 does ("yaml: line 3: did not
     * find expected key"), for Helm's fromYaml, which shows them to templates. */
    bool go_errors;
    /* With go_errors: keep NaN and infinities without the JSON step's error
     * ("json: unsupported value: +Inf"), for a caller that knows where
     * sigs.k8s.io/yaml turns them into strings (string fields of a struct). */
    bool keep_nonfinite;
    /* HELM: integers stay INT (UINT past int64), as go-yaml decodes them,
     * not the floats of Helm's JSON round trip: sigs.k8s.io/yaml turns them
     * into the strings of string fields (FormatInt: 2^53 + 1 exactly). */
    bool int_values;
} kz_yaml_parse_opts;

/* Every document of the stream, as a SEQ of values (an empty document is NULL).
 * Or an error value. opts may be NULL (HELM, "<input>"). */
kz_value kz_yaml_parse_stream(const char *data, size_t len, const kz_yaml_parse_opts *opts);

/* The first document only (NULL value for an empty stream). Parsing stops there:
 * like Helm's values loader, a broken later document goes unnoticed. */
kz_value kz_yaml_parse_one(const char *data, size_t len, const kz_yaml_parse_opts *opts);

/* Read a whole file ("-" = stdin) and parse its stream; errors name the file
 * (can't open: "open PATH: reason"). opts->source_name defaults to PATH. */
kz_value kz_yaml_parse_file(const char *path, const kz_yaml_parse_opts *opts);

#endif
