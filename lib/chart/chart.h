/*
 * Charts: loading a chart directory or .tgz archive into memory, as Helm
 * v3.17's pkg/chart/loader does, with Helm's error messages.
 *
 * WHERE EACH FILE GOES (Helm's LoadFiles). Every file read is kept in `raw`
 * (subchart files too, under their "charts/..." names). Then:
 *   Chart.yaml           -> metadata (required: "Chart.yaml file is missing")
 *   Chart.lock           -> lock
 *   values.yaml          -> values_raw and values
 *   values.schema.json   -> schema
 *   requirements.yaml    -> merged into the metadata (apiVersion v1's
 *                           dependencies); also in `files` for v1 charts
 *   requirements.lock    -> lock; also in `files` for v1 charts
 *   templates/...        -> templates
 *   charts/X.prov        -> files
 *   charts/X/... , charts/X.tgz -> a subchart (X starting with '_' or '.' is
 *                           skipped); a stray file charts/F is loaded as a
 *                           chart and fails, as in Helm
 *   anything else        -> files (.helmignore, README.md, crds/..., ...)
 * `crds` repeats the files under crds/ with a .yaml/.yml/.json extension (any
 * case): Helm's chart.CRDs() for this chart alone (walk `deps` for the rest).
 * A UTF-8 BOM at the start of any file is dropped.
 *
 * ORDER. Templates and files keep the load order: for a directory, a walk in
 * byte order of names within each folder (.helmignore applied, symlinks
 * followed); for an archive, the entry order. Subcharts are ordered by their
 * name under charts/ (Helm iterates a Go map: its order is random).
 *
 * METADATA. Chart.yaml is read as Helm reads it into its Metadata struct
 * (sigs.k8s.io/yaml): keys match field names case-insensitively, a scalar
 * read into a string field becomes its text (1.10 -> "1.1", true -> "true"),
 * wrong types fail with Go's JSON error, unknown keys are dropped, then
 * Helm's Validate runs (it strips non-printable characters from most
 * strings). `metadata` is the result as a MAP with the JSON key names, in the
 * struct's order, holding only non-empty fields (as toYaml .Chart prints it):
 *   name home sources version description keywords maintainers icon
 *   apiVersion condition tags appVersion deprecated annotations kubeVersion
 *   dependencies type
 * maintainers: SEQ of MAP {name email url}; annotations: MAP of STRING;
 * dependencies: SEQ of MAP {name version repository condition tags enabled
 * import-values alias}; sources/keywords/tags: SEQ of STRING; deprecated,
 * enabled: BOOL; import-values: SEQ as written. A missing apiVersion is "v1".
 *
 * LIMITS (untrusted archives). An archive's entries must sit under one top
 * folder, which is stripped; entries escaping it, absolute or drive-letter
 * paths, and a Chart.yaml outside the folder are refused with Helm's
 * messages. Link entries (symlinks, hard links) are loaded as Helm loads
 * them: as empty files under their own name; their targets are never read.
 * Decompressed sizes are bounded per file and per archive (Helm's 5 MiB and
 * 100 MiB; see kz_chart_load_opts). A directory's files are bounded per file.
 *
 * OWNERSHIP. kz_chart_load* give the caller a tree freed with kz_chart_free
 * (on error, *out is NULL). Every pointer and value inside is owned by the
 * chart; strings are NUL-terminated. Inputs are borrowed.
 */
#ifndef KZ_CHART_CHART_H
#define KZ_CHART_CHART_H

#include <stdbool.h>
#include <stddef.h>

#include "chart/ahead.h"
#include "core/buf.h"
#include "core/value.h"
#include "tmpl/funcs.h"

/* Helm v3.17's loader.MaxDecompressedChartSize and MaxDecompressedFileSize. */
#define KZ_CHART_MAX_SIZE ((size_t)100 * 1024 * 1024)
#define KZ_CHART_MAX_FILE_SIZE ((size_t)5 * 1024 * 1024)

typedef struct kz_chart_file {
    char *name; /* chart-relative, '/'-separated: "templates/deployment.yaml" */
    char *data; /* NUL-terminated (the NUL is not counted in len) */
    size_t len;
    /* data belongs to the raw list of this chart or of a parent (templates,
     * files and CRDs are views of the loaded files, not copies): not freed
     * with this list. */
    bool borrowed;
} kz_chart_file;

typedef struct kz_chart_files {
    kz_chart_file *v;
    size_t len, cap;
} kz_chart_files;

typedef struct kz_chart kz_chart;

struct kz_chart {
    kz_value metadata; /* MAP, see METADATA above */
    /* From the metadata, "" when absent (api_version defaults to "v1"). */
    char *name, *version, *type, *api_version;

    /* values.yaml: bytes (NULL when the chart has none) and their parse
     * (KZ_YAML_HELM, source name "<chart name>/values.yaml"): a MAP, or a
     * NULL value when the file is absent or holds no document. */
    char *values_raw;
    size_t values_raw_len;
    kz_value values;

    char *schema; /* values.schema.json bytes, or NULL */
    size_t schema_len;

    /* Chart.lock, or requirements.lock, parsed (KZ_YAML_HELM): a MAP, or an
     * INVALID value when the chart has neither. */
    kz_value lock;

    kz_chart_files templates; /* "templates/..." */
    kz_chart_files files;     /* .Files: see the table above */
    kz_chart_files crds;      /* copies of this chart's CRD files */
    kz_chart_files raw;       /* every file loaded, Chart.yaml included */

    kz_chart **deps; /* subcharts from charts/ */
    size_t ndeps;
    kz_chart *parent; /* NULL for the top chart */
    /* Helm's ChartFullPath when it is not the one through `parent`, else
     * NULL: set by dependency processing (deps.c) for a subchart of an
     * aliased chart, whose Go parent pointer stays on another copy. */
    char *full_path;

    /* Lines Helm logs to stderr while loading (no newline), e.g.
     * "walk.go:75: found symbolic link in path: ..." and
     * "load.go:120: Warning: Dependencies are handled in Chart.yaml ...":
     * a SEQ of STRING, in order, subcharts' included. */
    kz_value warnings;

    /* Its templates (and its subchart folders') parsed ahead when loaded with
     * opts->parse_ahead, for kz_chart_render; NULL otherwise. */
    kz_chart_ahead *ahead;
    /* An archive subchart's: the enclosing chart's ahead its templates were
     * given to (kz_chart_ahead_join), borrowed; freeing this chart first
     * takes its texts back from it. NULL otherwise. */
    kz_chart_ahead *joined;
};

typedef struct kz_chart_load_opts {
    /* 0 means Helm's value (KZ_CHART_MAX_SIZE, KZ_CHART_MAX_FILE_SIZE). */
    size_t max_chart_size; /* decompressed bytes of one archive */
    size_t max_file_size;  /* bytes of one file (archive entry or file on disk) */
    /* When loading a directory fails: the warnings Helm had logged by then
     * (SEQ of STRING, see kz_chart's warnings) replace (and free) the value
     * this points to, if not NULL; the caller frees it. Untouched on success. */
    kz_value *failed_warnings;
    /* Not NULL: parse the templates on other cores while loading goes on,
     * checking function names against this table (chart/ahead.h); it must
     * stay unchanged until the chart is rendered or freed. For a chart about
     * to be rendered with the same table (kz_render_opts.funcs). */
    const kz_tmpl_funcs *parse_ahead;
    /* The loader's own, NULL from callers: the parses ahead of an enclosing
     * chart, still open, that an archive subchart's templates join instead
     * of starting parses (and a worker) of their own. */
    struct kz_chart_ahead *join_ahead;
} kz_chart_load_opts;

/* A chart file's first YAML document (Chart.yaml, values.yaml, a lock file)
 * as Helm's yaml.Unmarshal reads it, its containers naming `source`: the
 * value, or an error value in go-yaml's words. */
kz_value kz_chart_parse_yaml(const char *text, size_t len, const char *source);

/* Helm's loader.Load: a directory (LoadDir) or a chart archive (LoadFile).
 * Returns kz_null() and sets *out, or an error value with Helm's message
 * ("stat PATH: no such file or directory", "Chart.yaml file is missing",
 * "validation: chart.metadata.name is required", ...). opts may be NULL. */
kz_value kz_chart_load(const char *path, const kz_chart_load_opts *opts, kz_chart **out);
kz_value kz_chart_load_dir(const char *path, const kz_chart_load_opts *opts, kz_chart **out);
/* kz_chart_load (or kz_chart_load_dir, dir_only) with the loader's warnings
 * (symbolic links followed) appended to log, one a line, whether or not the
 * load then fails: Helm logs them as its walk goes. log may be NULL. */
kz_value kz_chart_load_logged(const char *path, bool dir_only, kz_buf *log, kz_chart **out);
/* A .tgz file: checks that it looks gzipped first (Helm's messages). */
kz_value kz_chart_load_file(const char *path, const kz_chart_load_opts *opts, kz_chart **out);
/* A gzipped tar in memory (Helm's LoadArchive). */
kz_value kz_chart_load_archive(const void *data, size_t len, const kz_chart_load_opts *opts,
                               kz_chart **out);
/* A chart from its files, named relative to the chart root (Helm's
 * LoadFiles). The files are consumed: their buffers move into the chart (or
 * are freed on error); the array itself stays the caller's. */
kz_value kz_chart_load_files(kz_chart_file *files, size_t n, const kz_chart_load_opts *opts,
                             kz_chart **out);

void kz_chart_free(kz_chart *c);

/* Helm's chart.IsRoot / ChartFullPath ("parent/charts/sub"); caller frees. */
static inline bool kz_chart_is_root(const kz_chart *c) { return c->parent == NULL; }
char *kz_chart_full_path(const kz_chart *c);

/* chartutil.ExpandFile: unpack the chart archive at `archive` into
 * DIR/NAME (NAME: the chart's name; folders made as needed). kz_null() or
 * an error (the loader's for a bad archive, "open PATH: reason" for I/O). */
kz_value kz_chart_expand_file(const char *archive, const char *dir);

/* ---- internal to lib/chart (shared between its files) ---- */
void kz_chart_files_push(kz_chart_files *fs, char *name, char *data, size_t len);
void kz_chart_files_free(kz_chart_files *fs);
/* Read a gzipped tar's entries under Helm's rules into *files (consumed by
 * kz_chart_load_files later). 0, or -1 with *err. */
int kz_chart_archive_files(const void *data, size_t len, const kz_chart_load_opts *opts,
                           kz_chart_files *files, kz_value *err);
/* Go's path.Clean ("a/../b" -> "b", "" -> "."); caller frees. */
char *kz_chart_path_clean(const char *p);
/* Go's filepath.Abs: joined to the working directory, cleaned. Caller frees. */
char *kz_chart_path_abs(const char *p);
/* Decode Chart.yaml (or requirements.yaml merged over it) into *md, a MAP in
 * the normalized form. doc: the parsed YAML document. 0, or -1 with *err set
 * to Go's JSON error text (without "cannot load ...: "). */
int kz_chart_metadata_decode(const kz_value *doc, kz_value *md, kz_value *err);
/* Whether a parsed Chart.lock / requirements.lock decodes into Helm's Lock
 * struct (field types, `generated` an RFC 3339 time): 0, or -1 with *err set
 * to Go's JSON error text (without "cannot load ...: "). */
int kz_chart_lock_check(const kz_value *doc, kz_value *err);
/* Helm's Metadata.Validate: sanitizes *md in place; kz_null() or an error. */
kz_value kz_chart_metadata_validate(kz_value *md);

#endif
