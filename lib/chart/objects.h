/*
 * Helm's built-in template objects other than .Values, .Release and .Template
 * (plain maps): .Files, .Capabilities and .Chart, as kz_values with Go type
 * hints (core/value.h) whose methods kz_chart_register_methods adds to a
 * function table, and the methods of chartutil.Values (.Values). They print,
 * range and serialise as helm v3.17.3's Go values do (toJson/toYaml of the
 * structs follow core/goobj.h's field tables).
 *
 *   .Files         engine.files: MAP path -> []byte (KZ_GOTYPE_FILES of BYTES);
 *                  methods Get GetBytes Glob Lines AsConfig AsSecrets
 *   .Capabilities  *chartutil.Capabilities {KubeVersion APIVersions HelmVersion};
 *                  KubeVersion {Version Major Minor}: String GitVersion;
 *                  APIVersions chartutil.VersionSet: Has
 *   .Chart         struct { chart.Metadata; IsRoot bool }: every Metadata field
 *                  under its Go name, zero values for missing ones; Metadata
 *                  (the embedded struct) as a method
 *   .Values        chartutil.Values: YAML AsMap Table PathValue (Encode fails:
 *                  it wants an io.Writer)
 *
 * All constructors return owned values (kz_free); inputs are borrowed.
 */
#ifndef KZ_CHART_OBJECTS_H
#define KZ_CHART_OBJECTS_H

#include <stdbool.h>

#include "core/value.h"
#include "tmpl/funcs.h"

/* Helm's defaults, recorded from helm by scripts/gen-capabilities.sh
 * (capabilities_data.c): Kubernetes {Version, Major, Minor}, build info
 * {Version, GitCommit, GitTreeState, GoVersion}, and the API versions
 * (NULL-terminated) of `helm template`. */
extern const char *const kz_chart_default_kube_version[3];
extern const char *const kz_chart_helm_build_info[4];
extern const char *const kz_chart_default_api_versions[];

/* .Files from the chart's non-template files as Helm selects them: `files` is
 * a MAP path -> STRING (the bytes), or a SEQ of two-item SEQs [path, bytes].
 * The order is kept (Go's map has none: printing and ranging sort). */
kz_value kz_chart_files_object(const kz_value *files);

/* `--kube-version` parsed as Helm does (Masterminds' lenient semver: "1.21",
 * "v1.21.3"): a KubeVersion {Version "v1.21.0", Major "1", Minor "21"}, or an
 * error value with helm's message ("invalid kube version 'x': Invalid
 * Semantic Version"). */
kz_value kz_chart_kube_version(const char *text);

/* .Capabilities: the default Kubernetes version, or `kube_version` (NULL: the
 * default) parsed as above; Helm's default API versions followed by
 * `extra_api_versions` (a SEQ of STRING, `--api-versions`, may be NULL); the
 * build info. An error value for a bad kube_version. */
kz_value kz_chart_capabilities(const char *kube_version, const kz_value *extra_api_versions);

/* .Chart from a Chart.yaml MAP (read with KZ_YAML_HELM; JSON names: name,
 * version, apiVersion, maintainers, dependencies, import-values, ...) as the
 * loader left it: dependency processing (enabled, alias as name, normalised
 * import-values) is the caller's. NULL or a non-map gives an empty Metadata. */
kz_value kz_chart_metadata_object(const kz_value *chart_yaml, bool is_root);

/* Helm's glob (gobwas/glob with '/' as separator, as Files.Glob compiles it):
 * `*` and `?` stop at '/', `**` doesn't, [a-z] [!x] classes, {a,b}
 * alternatives, `\` escapes. A pattern that doesn't compile matches like
 * "**" (everything), as Helm falls back. */
bool kz_chart_glob_match(const char *pattern, const char *name);

/* Register the methods of all the objects above in t. */
void kz_chart_register_methods(kz_tmpl_funcs *t);

#endif
