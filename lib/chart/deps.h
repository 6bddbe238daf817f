/*
 * Chart dependencies before rendering: what Helm v3.17 does between loading
 * a chart and rendering it (cmd/helm's CheckDependencies, then
 * chartutil.ProcessDependenciesWithMerge, then the values part of
 * ToRenderValues).
 *
 *  1. kz_chart_check_dependencies: every dependency of the top chart's
 *     Chart.yaml must have a chart of that name in charts/ (helm's error).
 *  2. kz_chart_process_dependencies changes the chart tree in place:
 *     - MATCHING. A dependency matches the first subchart whose name is its
 *       name and whose version satisfies its version constraint (an empty or
 *       invalid constraint matches nothing). Subcharts matched by no
 *       dependency are kept as they are; a subchart whose name matches but
 *       which was not picked is dropped.
 *     - ALIAS. A matched subchart is renamed to the dependency's alias (its
 *       metadata name and kz_chart name); the same subchart used by several
 *       dependencies is deep-copied (kz_chart_copy), one copy per use.
 *     - ENABLED. The `enabled` field of Chart.yaml is ignored (Helm sets every
 *       dependency enabled first). Then, against the chart's values coalesced
 *       with the user values: tags (a dependency is disabled when one of its
 *       tags is false and none is true), then the condition (a comma-separated
 *       list of paths; the first that names a bool decides; a path naming a
 *       non-bool is warned about and skipped). Disabled dependencies are
 *       removed, with every subchart of that name. Subcharts are processed
 *       recursively with their parent's coalesced values, paths prefixed by
 *       "NAME." (conditions in a subchart's Chart.yaml are read from the top
 *       chart's values).
 *     - IMPORTS. Bottom-up, for each chart with dependencies left: its
 *       values.yaml defaults coalesced with its subcharts' (merging: nils
 *       kept), then each dependency's import-values: a string S takes the
 *       table NAME.exports.S to the top level; {child: C, parent: P} takes
 *       NAME.C to the path P ("." for the top). Earlier imports win over
 *       later ones, the chart's own values win over imports, and the result
 *       becomes the chart's `values`. Go's sharing of maps between the
 *       imported tables and the subcharts' sections is reproduced (a later
 *       import merged into an earlier one lands in that subchart's section).
 *     - METADATA. Each chart's metadata "dependencies" keeps the enabled
 *       entries, named by their alias, with enabled: true and import-values
 *       rewritten as {child, parent} maps, as .Chart.Dependencies shows them.
 *       As in Go, dependency entries are shared between the copies of an
 *       aliased chart: what processing one copy does to them is seen by the
 *       others (an alias already applied, a changed enabled flag,
 *       import-values already rewritten and then dropped).
 *  3. kz_chart_coalesce_values: the .Values of the top chart as helm renders
 *     it (CoalesceValues over the processed tree); subcharts' .Values come
 *     from it through values.h's kz_values_subchart.
 *
 * WARNINGS. Helm logs lines to stderr as "FILE:LINE: MESSAGE" (Go's
 * log.Lshortfile): FILE is "dependencies.go" (conditions, tags, imports) or
 * "coalesce.go" (coalescing, which runs several times: once per chart level
 * while evaluating conditions, once per chart with dependencies while
 * importing, and once for the final values, so a coalescing warning may come
 * more than once, as in helm).
 *
 * OWNERSHIP. The chart tree is modified in place: removed subcharts are freed,
 * `deps`, `parent`, `name`, `metadata` and `values` may change. Values are
 * borrowed; returned values are the caller's.
 */
#ifndef KZ_CHART_DEPS_H
#define KZ_CHART_DEPS_H

#include <stdbool.h>

#include "chart/chart.h"
#include "core/buf.h"
#include "core/value.h"

/* One line Helm logs: go_file "dependencies.go" or "coalesce.go", the line of
 * that file, the message (borrowed for the call). */
typedef void (*kz_deps_warn_fn)(void *ctx, const char *go_file, int go_line, const char *msg);

/* Helm's install/template check of the top chart's declared dependencies
 * against charts/ (by name only). kz_null(), or an error with helm's message:
 * "An error occurred while checking for chart dependencies. You may need to
 * run `helm dependency build` to fetch missing dependencies: found in
 * Chart.yaml, but missing in charts/ directory: a, b". */
kz_value kz_chart_check_dependencies(const kz_chart *chart);

/* The names of the declared dependencies that no subchart bears, appended
 * to out joined with ", " (an unnamed one as ""); returns how many. */
size_t kz_chart_missing_dependencies(const kz_chart *chart, kz_buf *out);

/* chartutil.ProcessDependenciesWithMerge (merge = true, what helm template
 * and install use) or ProcessDependencies (merge = false). user: the user
 * values (a MAP, or NULL). Returns kz_null(), or an error value (a
 * coalescing error such as "type mismatch on sub: %!t(int64=3)", or an
 * import-values entry whose child or parent is not a string: Go panics). On
 * error the tree is still valid but partly processed. warn may be NULL. */
kz_value kz_chart_process_dependencies(kz_chart *chart, const kz_value *user, bool merge,
                                       kz_deps_warn_fn warn, void *warn_ctx);

/* chartutil.CoalesceValues(chart, user): the top chart's .Values (a MAP of Go
 * type chartutil.Values) or an error value. */
kz_value kz_chart_coalesce_values(const kz_chart *chart, const kz_value *user,
                                  kz_deps_warn_fn warn, void *warn_ctx);

/* The values.h chart ops over a kz_chart tree (name, values, deps). */
extern const struct kz_values_chart_ops kz_chart_values_ops;

/* A deep copy of a chart and its subcharts (parent pointers inside the copy
 * point into the copy; the copy's own parent is c's). Caller frees with
 * kz_chart_free. */
kz_chart *kz_chart_copy(const kz_chart *c);

#endif
