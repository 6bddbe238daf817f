/*
 * `helm show`: a local chart's definition, values, README and CRDs, printed
 * as Helm v3.17's action.Show prints them.
 *
 * WHAT EACH PART IS
 *   chart   Chart.yaml as Helm re-encodes its Metadata (keys sorted, empty
 *           fields left out, sanitized), then an empty line.
 *   values  values.yaml's bytes exactly as written, then "\n"; nothing when
 *           the chart has no values.yaml (an empty file still prints "\n").
 *   readme  the first top-level file, in load order, named README.md,
 *           README.txt or README in any case, then "\n"; nothing without one.
 *   crds    every CRD file (crds/ *.yaml|yml|json) of the chart, then of its
 *           subcharts depth first, each followed by "\n".
 *   all     the four, in that order, each part after the first preceded by a
 *           "---" line; the line before the CRDs is left out when the first
 *           CRD file already starts with "---". Absent parts print no "---".
 *
 * LOCATING (Helm's ChartPathOptions.LocateChart, for local paths): an existing
 * path is made absolute (loader errors then name the absolute path); a missing
 * one that is absolute or starts with '.' is "path \"X\" not found"; any other
 * name would be a repository reference, which hm does not fetch: Helm's
 * messages for an unknown repository are given.
 *
 * MEMORY: inputs are borrowed; output is appended to the caller's buffer;
 * kz_chart_locate's path is the caller's to free.
 */
#ifndef KZ_CHART_SHOW_H
#define KZ_CHART_SHOW_H

#include "chart/chart.h"
#include "core/buf.h"
#include "core/value.h"

typedef enum kz_show_what {
    KZ_SHOW_ALL,
    KZ_SHOW_CHART,
    KZ_SHOW_VALUES,
    KZ_SHOW_README,
    KZ_SHOW_CRDS,
} kz_show_what;

/* The chart argument as Helm resolves a local chart: kz_null() and *path set
 * (absolute, cleaned), or an error value with Helm's message. */
kz_value kz_chart_locate(const char *name, char **path);

/* Append what `helm show WHAT` prints for the loaded chart. Returns kz_null(),
 * or an error value (a metadata that cannot be encoded). */
kz_value kz_chart_show(const kz_chart *c, kz_show_what what, kz_buf *out);

#endif
