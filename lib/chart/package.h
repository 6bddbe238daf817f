/*
 * `helm package DIR`: a chart folder into the archive NAME-VERSION.tgz, as
 * Helm v3.17's action.Package and chartutil.Save make it.
 *
 * WHAT GOES IN. The chart as Helm's loader reads the folder (.helmignore
 * applied, subcharts under charts/ included, a subchart archive written back
 * unpacked), re-serialized: entries under "NAME/" (the chart's name, not the
 * folder's), in this order, recursively for subcharts under NAME/charts/SUB/:
 *   Chart.yaml        the metadata re-encoded (keys sorted, empty fields out;
 *                     --version/--app-version applied; an apiVersion v1
 *                     chart's requirements.yaml dependencies left out)
 *   Chart.lock        apiVersion v2 only, re-encoded as Helm's Lock struct
 *                     (dependencies, digest, generated as RFC 3339)
 *   values.yaml       the bytes as written
 *   values.schema.json  the bytes ("Invalid JSON in values.schema.json" if not JSON)
 *   templates/...     load order
 *   other files       load order (.helmignore, README.md, crds/..., ...)
 * No directory entries, as Helm.
 *
 * DETERMINISM (where kz differs from Helm, which stamps entries with the
 * current time): packing the same folder twice gives the same bytes. Every
 * entry is a regular file, mode 0644, uid/gid 0 with no user/group names,
 * modification time `mtime` (the tool passes SOURCE_DATE_EPOCH when set, else
 * 0: 1970-01-01); the tar is POSIX ustar (pax headers only for what ustar
 * cannot hold), gzipped with no name and no timestamp in the gzip header.
 *
 * MEMORY: inputs are borrowed; *saved and the archive buffer are the caller's.
 */
#ifndef KZ_CHART_PACKAGE_H
#define KZ_CHART_PACKAGE_H

#include <stdint.h>

#include "chart/chart.h"
#include "chart/dependency.h"
#include "core/buf.h"
#include "core/value.h"

typedef struct kz_package_opts {
    const char *version;     /* --version: replaces the chart's version; NULL or "" keeps it */
    const char *app_version; /* --app-version; NULL or "" keeps it */
    const char *destination; /* --destination; NULL or "." is the working directory */
    int64_t mtime;           /* the entries' modification time (Unix seconds) */
    /* --dependency-update: when set, `dependency update` runs on the chart
     * first, as helm's does (its messages dropped: helm gives it io.Discard;
     * the loader's warnings still go to `warnings`). NULL: no update. */
    const kz_dependency_opts *dependency_update;
} kz_package_opts;

/* Package the chart folder `path` (as given by the user; Helm's messages name
 * it). Returns kz_null() with *saved set to the archive's path as Helm prints
 * it (absolute for the working directory, else DESTINATION/NAME-VERSION.tgz),
 * or an error value with Helm's message ("stat X: no such file or directory",
 * "Invalid Semantic Version", "found in Chart.yaml, but missing in charts/
 * directory: a, b", "failed to save: is not a directory: D", ...). The
 * lines Helm's loader logs go to `warnings`, each ending in "\n". */
kz_value kz_chart_package(const char *path, const kz_package_opts *opts, char **saved, kz_buf *warnings);

/* The gzipped tar of a loaded chart (as above, the metadata taken as it is),
 * appended to out. Returns kz_null() or an error value. */
kz_value kz_chart_write_archive(const kz_chart *c, int64_t mtime, kz_buf *out);

#endif
