/*
 * Rendering a loaded chart as Helm v3.17's engine does (pkg/engine): every
 * template of the chart and of its subcharts in one template set, parsed in
 * Helm's order (deeper paths first, then reverse by name, so the top chart's
 * defines win), each non-partial file executed with its chart's objects:
 *   .Values        the chart's part of the coalesced values (a subchart sees
 *                  the parent's .Values.<name>)
 *   .Chart         its Chart.yaml (struct { chart.Metadata; IsRoot bool })
 *   .Files         its non-template files (engine.files)
 *   .Release       Name, Namespace, IsUpgrade, IsInstall, Revision, Service
 *   .Capabilities  the caller's (lib/chart/objects.h)
 *   .Subcharts     each subchart's objects, by name
 *   .Template      Name and BasePath of the file being executed
 * with "<no value>" removed from each file's text. Library charts
 * contribute their partials only.
 *
 * Errors read as helm prints them: "parse error at (FILE:LINE): MSG" for
 * parse errors, Go's execution errors, and "execution error at
 * (FILE:LINE:COL): MSG" for required and fail.
 *
 * MEMORY: the chart, values and options are borrowed; *out is the caller's
 * (kz_rendered_free).
 */
#ifndef KZ_CHART_RENDER_H
#define KZ_CHART_RENDER_H

#include <stdbool.h>
#include <stddef.h>

#include "chart/chart.h"
#include "chart/manifest.h"
#include "core/value.h"
#include "tmpl/funcs.h"

typedef struct kz_render_opts {
    const char *release_name;
    const char *namespace_;
    bool is_install, is_upgrade;
    int revision;
    /* .Capabilities (lib/chart/objects.h kz_chart_capabilities); borrowed */
    const kz_value *capabilities;
    bool strict; /* missingkey=error */
    bool enable_dns; /* --enable-dns (funcs.h) */
    /* The function table; NULL: the library's (funcs.h kz_funcs_new). A
     * caller's table (hm lint's, whose required and fail only log) gets the
     * chart objects' methods added to it. Borrowed. */
    kz_tmpl_funcs *funcs;
    /* Not NULL: every rendered file but NOTES.txt is handed to it as soon as
     * its text is final (chart/manifest.h); the texts stay in place until
     * kz_rendered_free, and on failure the reader is waited for before they
     * are freed. Borrowed. */
    kz_manifest_reader *reader;
} kz_render_opts;

typedef struct kz_rendered {
    kz_rendered_file *files; /* path "chart/templates/x.yaml", owned text */
    size_t count;
    /* private: the parsed templates, freed with the files. Their trees were
     * mostly built by a worker, in its malloc arena, which the manifest
     * reader's worker may be allocating in now: freeing them later spares
     * the render the arena's lock. */
    struct kz_tmpl_set *set_;
} kz_rendered;

/* Render `chart` with `values`, the coalesced values of the top chart.
 * Returns a NULL value and fills *out, or an error value (then *out is
 * empty). */
kz_value kz_chart_render(const kz_chart *chart, const kz_value *values, const kz_render_opts *opts, kz_rendered *out);
void kz_rendered_free(kz_rendered *r);

/* Whether a rendered file is a NOTES.txt: the release's notes, not manifests. */
bool kz_rendered_is_notes(const char *path);

#endif
