/*
 * Kubernetes JSONPath templates (k8s.io/client-go/util/jsonpath), as
 * `helm show values --jsonpath` runs them over a chart's values.
 *
 * SYNTAX: text outside {...} is printed as it stands; inside an action:
 * .field (a backslash escapes a terminator), ..field (recursive descent),
 * .* and [*], [n], [start:end:step] (negative indexes count from the end),
 * ['key'], unions [a,b], filters [?(@.x == 'y')] (==, !=, <, <=, >, >=, or a
 * bare path: "exists"), quoted literals "..." / '...' with Go escapes,
 * numbers, true/false, and {range ...}...{end} loops. @ and $ stand for the
 * current object and are skipped, as client-go skips them.
 *
 * OUTPUT: each action prints its results separated by spaces: maps and lists
 * as compact JSON (keys sorted), anything else as Go's fmt prints it (a
 * null as "null"). Numbers in the data are float64, as in Helm's values.
 *
 * ERRORS: a template that does not parse gives client-go's message (e.g.
 * "unclosed action", "invalid array index x"). Evaluation errors (a missing
 * key, an index out of range, types that cannot be compared) make the whole
 * result empty and are not reported, because Helm ignores them.
 *
 * DIFFERENCES: client-go visits a map's entries (.*, ..) in Go's random
 * order; here they come in key order.
 */
#ifndef KZ_TMPL_JSONPATH_H
#define KZ_TMPL_JSONPATH_H

#include <stddef.h>

#include "core/buf.h"
#include "core/value.h"

typedef struct kz_jsonpath kz_jsonpath;

/* Parse template[0..len). kz_null() and *out set (free with
 * kz_jsonpath_free), or an error value with client-go's message. */
kz_value kz_jsonpath_parse(const char *tmpl, size_t len, kz_jsonpath **out);

/* Run the template over data (borrowed), appending what Helm prints to out:
 * nothing when evaluation fails (see ERRORS). */
void kz_jsonpath_print(const kz_jsonpath *jp, const kz_value *data, kz_buf *out);

void kz_jsonpath_free(kz_jsonpath *jp);

#endif
