/*
 * `helm template` as a library call: load a chart, build its values from the
 * user's files and flags, process its dependencies, coalesce, render, and
 * assemble the manifest stream exactly as helm v3.17 prints it (CRDs with
 * --include-crds, manifests in install order, hooks unless --no-hooks, test
 * hooks unless --skip-tests, --show-only filtering, NOTES.txt dropped).
 *
 * MEMORY: options are borrowed; output goes to the caller's buffers.
 */
#ifndef KZ_CHART_TEMPLATE_H
#define KZ_CHART_TEMPLATE_H

#include <stdbool.h>
#include <stddef.h>

#include "chart/values.h"
#include "core/buf.h"
#include "core/value.h"

typedef struct kz_template_opts {
    const char *chart_path;
    const char *release_name;
    const char *namespace_;       /* "" or NULL: "default" */
    kz_values_options values;     /* -f, --set, --set-string, ... */
    const char *kube_version;     /* NULL: Helm's default */
    const char *const *api_versions; /* --api-versions */
    size_t n_api_versions;
    const char *const *show_only; /* --show-only */
    size_t n_show_only;
    bool include_crds, skip_tests, no_hooks, is_upgrade;
    bool skip_schema_validation; /* values.schema.json is checked unless set */
    bool enable_dns;             /* --enable-dns: getHostByName resolves names */
    /* --debug: an error once rendering began leaves in `out` what helm
     * template then prints, the rendered files as they failed to sort (or
     * nothing), trimmed, and a newline */
    bool debug;
    /* --output-dir: write each document into DIR/PATH (appending documents of
     * the same file) instead of printing it; `out` then gets helm's
     * "wrote FILE" lines. NULL: print. */
    const char *output_dir;
    /* --dry-run's value, NULL when not given: checked as helm checks it
     * (false, true, none, client, server); template renders the same either way */
    const char *dry_run;
    bool use_release_name; /* --release-name: manifests and hooks under OUTPUT_DIR/RELEASE (CRDs stay in OUTPUT_DIR) */
    /* --post-renderer: an executable that receives the manifests (CRDs and
     * plain manifests, not hooks) on stdin and prints their replacement. */
    const char *post_renderer;
    const char *const *post_renderer_args;
    size_t n_post_renderer_args;
} kz_template_opts;

/* Helm's check of a release name (chartutil.ValidateReleaseName, with
 * action.Install's wrapping): a NULL value or the error helm prints. */
kz_value kz_release_name_check(const char *name);

/* --name-template: the release name rendered from a template (Sprig's
 * functions), or an error value. */
kz_value kz_release_name_render(const char *tmpl);

/* Run it. Returns a NULL value with the stream in `out`, or an error value
 * with helm's message (then `out` holds nothing, but see `debug`). `warnings` receives the
 * lines helm logs to stderr (each ending in "\n"). *after_render tells
 * whether the error came after rendering began (helm then adds "Use --debug
 * flag to render out invalid YAML"). */
kz_value kz_chart_template(const kz_template_opts *opts, kz_buf *out, kz_buf *warnings, bool *after_render);

#endif
