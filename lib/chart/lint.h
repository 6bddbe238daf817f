/*
 * `helm lint` on one chart, as Helm v3.17's pkg/lint does it: four rules run
 * in order, each adding messages (severity, path, text):
 *
 *  Chart.yaml   (path "Chart.yaml") read on its own, not through the loader:
 *               parse, name, apiVersion, version (type, SemVer), appVersion
 *               type, maintainers, sources, icon (INFO when missing), type and
 *               dependencies only in apiVersion v2.
 *  values.yaml  (path "values.yaml") INFO when missing, else parsed and
 *               coalesced with the user values (warnings logged).
 *  templates    the chart loaded, dependencies processed, values coalesced,
 *               every template rendered in Helm's lint mode (`required` and
 *               `fail` log "[INFO] ..." and give "" instead of failing);
 *               load and render errors under "templates/"; then each template
 *               of the top chart: extension, crd-install hooks, .Release.Time,
 *               and for .yaml files each rendered document: indentation, YAML
 *               syntax and the apiVersion/kind/metadata shape (the first bad
 *               document stops the rule), metadata.name against the
 *               Kubernetes naming rule of its kind, deprecated APIs (against
 *               the Kubernetes version, default 1.32), Deployment-like
 *               selectors, List items' resource-policy annotations.
 *  dependencies (path: the chart's absolute directory) the chart loaded
 *               again: subcharts not in Chart.yaml (ERROR), declared but
 *               missing (WARNING).
 *
 * Lines Helm logs to stderr while linting (coalescing warnings, lint-mode
 * required/fail) go to `log`, each ending in "\n".
 *
 * MEMORY: inputs are borrowed; kz_lint_result owns its strings
 * (kz_lint_result_free).
 */
#ifndef KZ_CHART_LINT_H
#define KZ_CHART_LINT_H

#include <stdbool.h>
#include <stddef.h>

#include "core/buf.h"
#include "core/value.h"

/* Helm's support severities (their numbers matter: comparisons). */
typedef enum kz_lint_severity {
    KZ_LINT_UNKNOWN = 0,
    KZ_LINT_INFO = 1,
    KZ_LINT_WARNING = 2,
    KZ_LINT_ERROR = 3,
} kz_lint_severity;

typedef struct kz_lint_message {
    kz_lint_severity severity;
    char *path; /* "Chart.yaml", "templates/x.yaml", "", or the chart directory */
    char *text; /* the error text, possibly several lines */
} kz_lint_message;

typedef struct kz_lint_result {
    kz_lint_message *v;
    size_t len, cap;
} kz_lint_result;

typedef struct kz_lint_opts {
    const char *namespace_;   /* .Release.Namespace; NULL or "": "default" */
    const char *kube_version; /* --kube-version (already checked); NULL: Helm's default */
    bool skip_schema_validation;
} kz_lint_opts;

/* Lint the chart at `path` (a directory, or a .tgz/.tar.gz archive expanded
 * into a temporary directory first) with the user values `values` (a MAP or
 * NULL). Returns kz_null() with the messages appended to *out, or an error
 * value when the path is not a chart at all (helm prints it as "Error MSG"):
 * "unable to check Chart.yaml file in chart: stat P/Chart.yaml: no such file
 * or directory", "unable to extract tarball: ...". */
kz_value kz_lint_chart(const char *path, const kz_value *values, const kz_lint_opts *opts,
                       kz_lint_result *out, kz_buf *log);

void kz_lint_result_free(kz_lint_result *r);

/* "[INFO] Chart.yaml: icon is recommended": Helm's Message.Error(). */
void kz_lint_message_print(kz_buf *out, const kz_lint_message *m);

#endif
