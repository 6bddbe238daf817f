/*
 * `helm create NAME`: a new chart folder holding kz's starter chart, with the
 * files, layout and rules of Helm v3.17's chartutil.Create.
 *
 * THE STARTER is kz's own text. It has Helm's scaffold's files (Chart.yaml,
 * values.yaml, .helmignore, templates/{deployment,service,serviceaccount,
 * ingress,hpa}.yaml, _helpers.tpl, NOTES.txt, tests/test-connection.yaml, an
 * empty charts/), the same values and named templates (NAME.name,
 * NAME.fullname, NAME.chart, NAME.labels, NAME.selectorLabels,
 * NAME.serviceAccountName), and renders the same manifests for any values
 * (tests/cli/create.sh checks that against helm's scaffold).
 *
 * RULES. NAME is split as Go's filepath does: the chart's name is its last
 * element (Base: "a/b/" -> "b", "" -> ".") and the chart goes into the folder
 * before it (Dir), which must exist. The name must match ^[a-zA-Z0-9._-]+$ and
 * be 1 to 250 bytes. Existing files are overwritten, each with a warning line
 * `WARNING: File "PATH" already exists. Overwriting.` (Helm prints these on
 * stdout); other files are left alone. Errors read as Helm's: "stat DIR: no
 * such file or directory", "no such directory DIR", "file PATH already exists
 * and is not a directory", "chart name must match the regular expression ...".
 * Folders are made 0755, files 0644 (before the umask).
 *
 * MEMORY: inputs are borrowed; warnings are appended to the caller's buffer.
 */
#ifndef KZ_CHART_CREATE_H
#define KZ_CHART_CREATE_H

#include "core/buf.h"
#include "core/value.h"

/* Create the chart NAME (the command's argument). Returns kz_null(), or an
 * error value with Helm's message (files written before it stay). */
kz_value kz_chart_create(const char *name, kz_buf *warnings);

/* The starter's files: n entries of a chart-relative path and its text for a
 * chart named `name` (the caller frees each text, then nothing else; paths
 * are static). For tests and for tools that want the text without disk. */
typedef struct kz_starter_file {
    const char *path;
    char *text;
} kz_starter_file;
size_t kz_chart_starter(const char *name, kz_starter_file *files, size_t cap);

#endif
