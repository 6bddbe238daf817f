/*
 * Chart values: what Helm v3.17 builds from the command line (-f, --set and
 * friends) and how it coalesces them with the defaults of a chart and of its
 * subcharts, before templates see them as .Values.
 *
 *  1. kz_strvals_parse: one --set / --set-string / --set-json / --set-file /
 *     --set-literal argument (Helm's pkg/strvals), merged into a map.
 *  2. kz_values_user: the user values of a command (pkg/cli/values): the -f
 *     files merged in order (later files win, maps merged deeply), then every
 *     --set-json, --set, --set-string, --set-file and --set-literal argument
 *     applied in that order, whatever their order on the command line.
 *  3. kz_values_coalesce_tree: chartutil.CoalesceValues (and MergeValues) of
 *     those user values with a chart tree's values.yaml defaults; subcharts get
 *     their section of the parent's values and the parent's `global` table.
 *     kz_values_subchart is the engine's lookup of a subchart's .Values.
 *
 * Values are Helm's Go values as kz_values: --set integers are INT with the
 * int64 type hint (KZ_GOTYPE_INT64), numbers of values files and --set-json
 * are FLOAT (float64), `null` is NULL (nil). Coalescing never prints: Helm's
 * log lines come back through a kz_values_warn_fn.
 *
 * Ownership follows core/value.h: pointers are borrowed, returned values are
 * owned by the caller.
 */
#ifndef KZ_CHART_VALUES_H
#define KZ_CHART_VALUES_H

#include <stdbool.h>
#include <stddef.h>

#include "core/buf.h"
#include "core/value.h"

/* Reads a file named by the user (-f FILE, --set-file key=FILE): appends its
 * bytes to *out and returns 0, or returns -1 with *err set to an error value
 * worded as Go's ("open PATH: no such file or directory", "read PATH: is a
 * directory"). kz_file_read's contract, plus a context pointer. */
typedef int (*kz_values_reader)(void *ctx, const char *path, kz_buf *out, kz_value *err);

/* The default reader: kz_file_read ("-" is standard input), with the reason
 * worded as Go's syscall errors are ("no such file or directory", not "No
 * such file or directory"). ctx is unused. */
int kz_values_read_file(void *ctx, const char *path, kz_buf *out, kz_value *err);

/* ---- strvals ---- */

typedef enum kz_strvals_mode {
    KZ_STRVALS_SET,     /* --set: "true"/"false"/"null" (any case) become bool/nil,
                           decimal integers int64 (no leading 0), others strings */
    KZ_STRVALS_STRING,  /* --set-string: every value a string */
    KZ_STRVALS_JSON,    /* --set-json: each value one JSON text (numbers float64);
                           an empty value is nil */
    KZ_STRVALS_FILE,    /* --set-file: each value a path; the file's bytes (via
                           the reader) become the string */
    KZ_STRVALS_LITERAL, /* --set-literal: one key; the rest of the line, commas,
                           backslashes and all, is the string */
} kz_strvals_mode;

/* Parse one strvals line (`a.b=1,c[0]=x,d={1,2}`, Helm's grammar: `\` escapes
 * the next character in keys and values except in LITERAL mode; `.` nests
 * maps; `[N]` indexes lists, gaps filled with nil, at most index 65536) and
 * merge it into *into, a MAP (existing keys are overwritten, existing maps and
 * lists extended). `reader` is used in FILE mode only (NULL:
 * kz_values_read_file).
 * Returns NULL on success, or an error value carrying pkg/strvals' own message
 * (`key "a" has no value`, `negative -1 index not allowed`, ...; in JSON mode
 * any message: Helm drops it). On error *into holds a partial result. */
kz_value kz_strvals_parse(kz_value *into, const char *line, size_t len, kz_strvals_mode mode,
                          kz_values_reader reader, void *reader_ctx);

/* ---- user values ---- */

typedef struct kz_values_options {
    const char *const *value_files;    size_t n_value_files;    /* -f, --values */
    const char *const *json_values;    size_t n_json_values;    /* --set-json */
    const char *const *values;         size_t n_values;         /* --set */
    const char *const *string_values;  size_t n_string_values;  /* --set-string */
    const char *const *file_values;    size_t n_file_values;    /* --set-file */
    const char *const *literal_values; size_t n_literal_values; /* --set-literal */
    kz_values_reader reader; /* reads -f and --set-file files; NULL: kz_values_read_file */
    void *reader_ctx;
} kz_values_options;

/* Helm's values.Options.MergeValues: the user values as a MAP, or an error
 * value with the message helm prints after "Error: " ("failed to parse
 * x.yaml: error converting YAML to JSON: yaml: line 1: ...", "failed parsing
 * --set data: key \"a\" has no value", "failed parsing --set-json data a=[",
 * "open x.yaml: no such file or directory"). Only the first YAML document of a
 * values file counts. opts may be NULL (an empty map). */
kz_value kz_values_user(const kz_values_options *opts);

/* Helm's mergeMaps of two values files: a copy of *a with b's entries set over
 * it, maps present in both merged recursively, anything else replaced by b's
 * (nil included). Both must be MAPs; the result is a new MAP. */
kz_value kz_values_merge_maps(const kz_value *a, const kz_value *b);

/* ---- coalescing ---- */

/* Receives each line Helm logs while coalescing. `go_line` is the line of
 * Helm's coalesce.go that logs it: helm prints "coalesce.go:%d: %s\n" to stderr
 * (log.Lshortfile). The message is borrowed for the call. */
typedef void (*kz_values_warn_fn)(void *ctx, int go_line, const char *msg);

/* A chart tree as coalescing sees it, over the caller's own chart type.
 * name: the chart's name (an aliased dependency's alias; it is both the key of
 * its section in the parent's values and the name in warning paths).
 * values: its values.yaml as a MAP, or NULL for none.
 * deps: its dependencies, in Helm's order (chart.Dependencies()). */
typedef struct kz_values_chart_ops {
    const char *(*name)(const void *chart);
    const kz_value *(*values)(const void *chart);
    size_t (*n_deps)(const void *chart);
    const void *(*dep)(const void *chart, size_t i);
} kz_values_chart_ops;

/* chartutil.CoalesceValues(chart, user) (merge = false) or MergeValues (merge =
 * true, which keeps nils). Rules, Helm's: user values win; maps are merged,
 * anything else is replaced whole; a user nil deletes the chart's default (when
 * not merging; under a subchart's section a nil survives the parent so that it
 * deletes the subchart's own default); a map meeting a non-map is skipped with
 * a warning; for each dependency its section (created if missing; an error
 * "type mismatch on NAME: %!t(...)" if it is not a map) receives the parent's
 * `global` table and is coalesced with the dependency's defaults, recursively.
 * Go shares maps between a parent's globals and its subcharts' (copying only
 * one level), so defaults of a subchart's globals deeper than one level show
 * up in the parent's .Values.global too: that is reproduced.
 * Returns the coalesced MAP (Go type chartutil.Values) or an error value;
 * `user` may be NULL. warn may be NULL. */
kz_value kz_values_coalesce_tree(const void *chart, const kz_values_chart_ops *ops,
                                 const kz_value *user, bool merge, kz_values_warn_fn warn,
                                 void *warn_ctx);

/* The same for a chart without dependencies: defaults is its values.yaml (a
 * MAP or NULL), name its name (warning paths). */
kz_value kz_values_coalesce(const kz_value *defaults, const kz_value *user, const char *name,
                            kz_values_warn_fn warn, void *warn_ctx);

/* chartutil.CoalesceTables (merge = false) / MergeTables (merge = true):
 * merge src into *dst in place, dst winning; a nil in dst deletes the key
 * unless merging. Both MAPs (otherwise nothing happens). Warnings name keys
 * without a prefix. Used by import-values processing. */
void kz_values_coalesce_tables(kz_value *dst, const kz_value *src, bool merge,
                               kz_values_warn_fn warn, void *warn_ctx);

/* The .Values a subchart's templates see, given its parent's .Values: Helm's
 * engine looks up Values.<name> (a name with dots walks nested maps) and uses
 * it when it is a map, an empty map otherwise. Type chartutil.Values. */
kz_value kz_values_subchart(const kz_value *parent_values, const char *name);

#endif
