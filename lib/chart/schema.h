/*
 * values.schema.json: Helm v3.17's check of a chart's values against its
 * JSON schema and its subcharts' (chartutil.ValidateAgainstSchema), with
 * the validator Helm uses, xeipuuv/gojsonschema v1.2: its keywords, its
 * messages, its order of errors and its quirks.
 *
 * WHAT HELM DOES. For the chart and then, depth first, each of its
 * dependencies (against its section of the values, `global` included), a
 * chart with a values.schema.json gets its values checked. Each failing
 * chart adds "NAME:\n" and either one "- FIELD: MESSAGE\n" line per error
 * or, when the schema itself is broken, gojsonschema's message without a
 * newline. The whole error reads
 *   "values don't meet the specifications of the schema(s) in the following
 *    chart(s):\n" + those sections.
 * FIELD is the path of the value ("(root)", "image.tag", "ports.0").
 *
 * VALUES AS GOJSONSCHEMA SEES THEM. Helm converts the values to JSON first
 * (a YAML round trip), so a number is an integer for "type" when its
 * shortest decimal has no fraction (3, 3.0, 1e21), float64 or not; keys are
 * visited in byte order.
 *
 * SCHEMAS. Drafts 4, 6 and 7 as gojsonschema reads them ("$schema" picks
 * one; without it, its hybrid of all three): type, properties, required,
 * additionalProperties, patternProperties, propertyNames, dependencies,
 * items (one schema or a list), additionalItems, contains, enum, const,
 * minimum/maximum/exclusive* (booleans in draft 4, numbers later, either in
 * hybrid), multipleOf (exact decimal arithmetic), min/maxLength (runes),
 * pattern (Go's RE2, lib/regex), format (gojsonschema's checkers: date,
 * time, date-time, hostname, email, ipv4, ipv6, uri, uri-reference, iri,
 * uri-template, uuid, regex, json-pointer, relative-json-pointer; others
 * pass), min/maxItems, uniqueItems, min/maxProperties, allOf, anyOf (with
 * the errors of the closest alternative, gojsonschema's score), oneOf, not,
 * if/then/else, true/false schemas, "$ref" to a JSON pointer in the same
 * document ("#/definitions/x", "#/$defs/x", "#") with its siblings ignored.
 * A schema that leads back to itself for the same value ({"$ref": "#"},
 * or through allOf/anyOf/oneOf/not/if) is reported as a loop, where helm
 * overflows its stack.
 *
 * ORDER. gojsonschema walks Go maps (a schema's properties, patterns, a
 * value's keys), so helm's order of some errors varies from run to run: kz
 * takes the schema's properties in document order and values' keys in byte
 * order, which is always one of the orders helm prints for maps of up to 8
 * keys.
 *
 * GAPS. Remote "$ref"s (helm fetches them over HTTP) fail with a message of
 * kz's own; "$id" does not change how references resolve; email and URI
 * formats approximate Go's net/mail and net/url.
 *
 * OWNERSHIP. Inputs are borrowed; returned values are the caller's.
 */
#ifndef KZ_CHART_SCHEMA_H
#define KZ_CHART_SCHEMA_H

#include <stdbool.h>
#include <stddef.h>

#include "chart/chart.h"
#include "core/value.h"

/* Helm's ValidateAgainstSchema over the chart tree (after dependency
 * processing) with its coalesced values (kz_chart_coalesce_values):
 * kz_null(), or an error value with helm's message (see above). */
kz_value kz_chart_validate_schema(const kz_chart *chart, const kz_value *values);

/* One schema against one document (Helm's ValidateAgainstSingleSchema):
 * kz_null(), or an error value whose message is either the "- FIELD:
 * MESSAGE\n" lines or the schema's own error (JSON syntax, as Go's
 * json.Decoder words it, or gojsonschema's "pattern must be a valid regex",
 * ...). A NULL document counts as an empty object. */
kz_value kz_schema_validate_json(const char *schema, size_t len, const kz_value *doc);

/* gojsonschema's format checkers (FormatCheckers.IsFormat on a string):
 * true for an unknown format. */
bool kz_schema_format_ok(const char *format, const char *s, size_t n);

#endif
