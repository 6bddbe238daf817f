/*
 * index.yaml: helm v3.17's repo.IndexFile — loading, lookup, URL resolution,
 * the cache files `repo add|update` write, and writing an index back.
 *
 * LOADING (loadIndex). Empty input: "empty index.yaml file". Input that is
 * valid JSON is decoded leniently (unknown keys ignored); anything else is
 * YAML decoded strictly, as helm's yaml.UnmarshalStrict: broken YAML reads
 * "error converting YAML to JSON: yaml: line N: ...", an unknown key
 * anywhere "error unmarshaling JSON: while decoding JSON: json: unknown field
 * \"foo\"", a wrong type "... json: cannot unmarshal string into Go struct
 * field ChartVersion.entries.urls of type []string". Then every chart
 * version, from the last to the first of each chart: a null entry is
 * dropped with the warning
 *   index.go:359: skipping loading invalid entry for chart "NAME" from SOURCE: empty entry
 * a missing apiVersion becomes "v1", and one that fails Helm's metadata
 * validation is dropped with
 *   index.go:370: skipping loading invalid entry for chart "NAME" "VERSION" from SOURCE: validation: ...
 * (a duplicated dependency name is tolerated, as helm does). Versions are
 * sorted newest first (SortEntries; equal versions keep their order). A
 * missing apiVersion then fails: "no API version specified".
 *
 * DUPLICATES. An index may list one version twice (the edu repository has
 * metallb 0.1.1 with two URLs). Both are kept, in file order: `get` returns
 * the first (helm's pull, show and template use it); search shows one row
 * for them (kz_repo_search, as helm's map keyed by name and version).
 *
 * MEMORY: a kz_repo_index owns everything in it (kz_repo_index_free).
 * Returned kz_values and strings are the caller's; inputs are borrowed.
 */
#ifndef KZ_REPO_INDEX_H
#define KZ_REPO_INDEX_H

#include <stdbool.h>
#include <stddef.h>

#include "core/buf.h"
#include "core/value.h"
#include "semver/semver.h"

/* repo.ChartVersion, stored compactly: its strings live in the index's
 * string pool (interned, NUL-terminated; never free them) and the metadata
 * fields that search and pull don't read are kept encoded (kz_repo_chart_
 * version_metadata rebuilds the whole metadata). Treat it as read-only. */
typedef struct kz_repo_chart_version {
    /* From the metadata ("" when absent); api_version is always set
     * (a missing one reads "v1"). */
    const char *name, *version, *app_version, *description, *api_version;
    /* The parsed version; its strings point into the pool: never
     * kz_semver_free it. original is NULL for an unparsable version (only
     * hand-built indexes have one). */
    kz_semver semver;
    const char *const *urls; /* nurls strings; NULL when the entry had none (null) */
    size_t nurls;
    const char *created; /* as written (RFC 3339); NULL: absent (Go's zero time) */
    const char *digest;  /* NULL when absent */
    bool removed;
    const unsigned char *extra; /* the other fields, encoded (lib/repo internal) */
} kz_repo_chart_version;

/* Chart.yaml metadata in lib/chart's normalized form (chart/chart.h
 * METADATA): a MAP in Metadata's field order, validated, apiVersion set.
 * Owned by the caller. */
kz_value kz_repo_chart_version_metadata(const kz_repo_chart_version *v);
/* The keywords: their count, and the first `max` of them into out. */
size_t kz_repo_chart_version_keywords(const kz_repo_chart_version *v, const char **out, size_t max);
/* The deprecated ChartVersion fields that are set (checksum, engine,
 * tillerVersion, url), as a MAP of STRING. Owned by the caller. */
kz_value kz_repo_chart_version_deprecated(const kz_repo_chart_version *v);

typedef struct kz_repo_chart {
    const char *name; /* the key under entries (in the pool) */
    kz_repo_chart_version *v;
    size_t len, cap;
} kz_repo_chart;

typedef struct kz_repo_pool kz_repo_pool;

typedef struct kz_repo_index {
    char *api_version; /* "" when absent */
    kz_value generated; /* STRING as written, INVALID when absent */
    kz_value server_info, public_keys, annotations; /* as read; INVALID when absent */
    kz_repo_chart *charts; /* in the order of the file (kz_repo_index_sort: by name) */
    size_t len, cap;
    kz_value lookup; /* MAP: chart name -> INT position in charts */
    kz_repo_pool *pool; /* the strings (internal) */
    char *load_warnings; /* the warnings the load printed (NULL: none) */
    /* Where the last load came from (for tests and benchmarks): 0 the fast
     * path, 1 the fast path in parallel, 2 the sidecar, 3 the kz_value tree
     * (JSON, or YAML the fast path gave up on). */
    int loaded_from;
} kz_repo_index;

void kz_repo_index_init(kz_repo_index *idx);
void kz_repo_index_free(kz_repo_index *idx);

/* Load an index from bytes. `source` names it in the warnings. Warning lines
 * (each ending in "\n") are appended to `warnings` (may be NULL). On error
 * *idx is still initialised (free it). */
kz_value kz_repo_index_load(const char *data, size_t len, const char *source, kz_repo_index *idx,
                            kz_buf *warnings);
/* The same, on at most max_threads threads: 0 picks (one per core, up to 8,
 * for a YAML file of 4 MB or more), 1 never in parallel, 2 or more in
 * parallel whenever the layout allows (tests), KZ_REPO_LOAD_SLOW only the
 * kz_value-tree decoding (tests). The result is the same either way. */
#define KZ_REPO_LOAD_SLOW 0xffffu
kz_value kz_repo_index_load_ex(const char *data, size_t len, const char *source, kz_repo_index *idx,
                               kz_buf *warnings, unsigned max_threads);
/* LoadIndexFile: read PATH and load it; errors other than reading are
 * wrapped "error loading PATH: ...". */
kz_value kz_repo_index_load_file(const char *path, kz_repo_index *idx, kz_buf *warnings);
kz_value kz_repo_index_load_file_ex(const char *path, kz_repo_index *idx, kz_buf *warnings, unsigned max_threads);

/* The chart named `name`, or NULL. */
const kz_repo_chart *kz_repo_index_chart(const kz_repo_index *idx, const char *name);

/* IndexFile.Get: the version of chart `name` matching `version`. An exact
 * version string wins, else the first (newest) version that satisfies the
 * constraint; "" means "*" (the newest non-prerelease; pass ">0.0.0-0" for
 * --devel). Errors: "no chart name found", "no chart version found" (no
 * versions), the constraint's parse error, "no chart version found for
 * NAME-VERSION". *out is borrowed from idx. */
kz_value kz_repo_index_get(const kz_repo_index *idx, const char *name, const char *version,
                           const kz_repo_chart_version **out);
/* IndexFile.Has */
bool kz_repo_index_has(const kz_repo_index *idx, const char *name, const char *version);

/* repo.ResolveReferenceURL: ref as is when absolute (it has a scheme), else
 * resolved against base taken as a folder (a '/' is added to its path), with
 * base's query string kept (ref's dropped). Caller frees. */
char *kz_repo_resolve_url(const char *base, const char *ref);

/* NAME-charts.txt as `repo add|update` writes it: each chart name and "\n"
 * (helm's order is Go's random map order; kz uses the index order). */
void kz_repo_index_charts_txt(const kz_repo_index *idx, kz_buf *out);

/* Add a version (IndexFile.MustAdd without the validation: the caller
 * validated). metadata (normalized, see above), urls (SEQ of STRING or
 * NULL), created (STRING or INVALID) and digest (STRING or INVALID) are
 * consumed. */
void kz_repo_index_add(kz_repo_index *idx, kz_value metadata, kz_value urls, kz_value created,
                       kz_value digest);
/* IndexFile.Merge: versions of `from` that idx lacks (by name and exact
 * version, Has) are appended. */
void kz_repo_index_merge(kz_repo_index *idx, const kz_repo_index *from);
/* SortEntries: newest first within each chart, stable. */
void kz_repo_index_sort(kz_repo_index *idx);

/* The YAML helm writes for the index (IndexFile.WriteFile), or the JSON
 * (WriteJSONFile: two-space indent) when json is set. `generated` is the
 * time to print (a core/gotime.h time); NULL prints the index's own. */
kz_value kz_repo_index_write(const kz_repo_index *idx, const kz_value *generated, bool json, kz_buf *out);

/* ---- `helm repo index` ---- */

typedef struct kz_repo_index_dir_opts {
    const char *url;   /* --url: base URL of the charts; NULL or "" for relative URLs */
    const char *merge; /* --merge FILE; NULL or "" for none */
    bool json;         /* --json */
    /* The clock: a core/gotime.h time used for every `created` and for
     * `generated`. NULL: the current time, read for each (as helm). */
    const kz_value *now;
} kz_repo_index_dir_opts;

/* IndexDirectory + the command: every DIR/ *.tgz and DIR/ * / *.tgz (one level
 * of folders, as Go's filepath.Glob reads "**"), that loads as a chart (others
 * are skipped silently), digested (sha256), into DIR/index.yaml; with merge,
 * the versions of FILE are added (FILE created as an empty index when
 * missing; "merge failed: ..." when it does not load). Returns kz_null() or
 * helm's error ("failed adding to X to index: validate failed for X: ..."). */
kz_value kz_repo_index_dir(const char *dir, const kz_repo_index_dir_opts *opts, kz_buf *warnings);

/* ---- the sidecar cache ----
 *
 * SIDECAR. Beside a cached NAME-index.yaml (which stays as helm writes it),
 * NAME-index.kzc holds the loaded index in a compact binary form (format in
 * index_cache.c) with the size, mtime and a hash of the first and last 4 KB
 * of the YAML it was made from. It is used only while all of them match,
 * and it gives the same index and the same warnings as parsing the YAML. */

/* PATH without ".yaml" plus ".kzc". Caller frees. */
char *kz_repo_index_cache_path(const char *yaml_path);
/* Write idx (loaded from yaml_path, as it is now) to its sidecar,
 * atomically. `repo add` and `repo update` call it after writing the YAML. */
kz_value kz_repo_index_cache_write(const kz_repo_index *idx, const char *yaml_path);
/* The same with the YAML file given open (yaml_fd, borrowed), wherever it
 * is: it may still be renamed to yaml_path meanwhile (a rename keeps what
 * the sidecar checks), so that the sidecar is written while the YAML is put
 * in place. */
kz_value kz_repo_index_cache_write_fd(const kz_repo_index *idx, const char *yaml_path, int yaml_fd);
/* 1: idx was read from a sidecar matching yaml_path (its warnings
 * appended); 0: none, stale or unreadable (idx initialised, empty). */
int kz_repo_index_cache_read(const char *yaml_path, kz_repo_index *idx, kz_buf *warnings);
/* Load for reading (search, pull): the sidecar when it matches, else
 * kz_repo_index_load_file, then (refresh) the sidecar rewritten, its
 * errors ignored. Same results and errors as kz_repo_index_load_file. */
kz_value kz_repo_index_load_cached(const char *yaml_path, kz_repo_index *idx, kz_buf *warnings, bool refresh);

/* sha256 of a file's bytes, as lowercase hex (provenance.DigestFile). */
kz_value kz_repo_digest_file(const char *path);

#endif
