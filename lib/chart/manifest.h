/*
 * From rendered template files to the manifest stream `helm template` prints
 * (Helm v3.17's releaseutil.SortManifests and the printing of cmd/helm
 * template): files in name order, each split into YAML documents at `---`
 * lines exactly as Helm's regular expression splits them, empty documents
 * dropped, each document's head (apiVersion, kind, metadata.name and
 * annotations) read to tell hooks from plain manifests, manifests sorted by
 * kind in Helm's install order (stable), hooks likewise, then printed as
 * "---\n# Source: PATH\n" + document + "\n".
 *
 * MEMORY: inputs are borrowed; kz_manifests owns its strings and is freed
 * with kz_manifests_free.
 */
#ifndef KZ_CHART_MANIFEST_H
#define KZ_CHART_MANIFEST_H

#include <stdbool.h>
#include <stddef.h>

#include "core/buf.h"
#include "core/value.h"

/* One rendered template file ("chart/templates/x.yaml" and its text). */
typedef struct kz_rendered_file {
    const char *path;
    const char *text;
    size_t len;
} kz_rendered_file;

typedef struct kz_manifest {
    char *path;    /* the template file it came from */
    char *content; /* the document, trimmed */
    char *kind;
    char *name;    /* metadata.name */
    bool is_hook;
    bool is_test_hook; /* a hook whose events include "test" (helm template --skip-tests) */
} kz_manifest;

typedef struct kz_manifests {
    kz_manifest *items; /* plain manifests (sorted), then hooks (sorted) */
    size_t count, hooks_from; /* items[hooks_from..count) are the hooks */
} kz_manifests;

/* Reading a document's head is a whole YAML parse, as Helm unmarshals each
 * one. A reader does that on another core while the templates are still
 * being rendered: hand it each rendered file as soon as its text is final;
 * kz_manifests_sort then takes what it read instead of reading again (and
 * reads what it didn't get to). Texts are borrowed and must stay in place,
 * unchanged, until kz_manifest_reader_free. A file handed in that is not
 * among those sorted (NOTES.txt) only costs the reading. With no idle core
 * (kz_cpu_idle) there is no worker, and the sort reads every head itself. */
typedef struct kz_manifest_reader kz_manifest_reader;
kz_manifest_reader *kz_manifest_reader_start(size_t max_files);
void kz_manifest_reader_add(kz_manifest_reader *r, const char *path, const char *text, size_t len);
/* Wait until it has read every file handed in (then the texts may go). */
void kz_manifest_reader_wait(kz_manifest_reader *r);
void kz_manifest_reader_free(kz_manifest_reader *r);
/* How many documents' heads kz_manifests_sort took from it (tests). */
size_t kz_manifest_reader_taken(const kz_manifest_reader *r);

/* Sort the rendered files into manifests and hooks. Files whose base name
 * starts with '_' and blank files are skipped, as Helm skips them. Returns a
 * NULL value, or Helm's error ("YAML parse error on PATH: ..."). Unknown hook
 * events make a document be skipped, as Helm does; `on_warning` (may be NULL)
 * receives Helm's log line for that. `reader`, NULL or the files' reader,
 * is finished here but stays the caller's to free. */
kz_value kz_manifests_sort(const kz_rendered_file *files, size_t n, kz_manifest_reader *reader, kz_manifests *out,
                           void (*on_warning)(void *data, const char *msg), void *data);
void kz_manifests_free(kz_manifests *m);

/* Append "---\n# Source: PATH\nCONTENT\n" for one document (Helm's format for
 * manifests, hooks and CRDs). */
void kz_manifest_print(kz_buf *out, const char *path, const char *content, size_t len);

/* The documents of one file as Helm's SplitManifests cuts them: appends
 * (start, length) pairs of trimmed, non-empty documents of text[0..len) to
 * `spans` (an array of 2*count size_t, grown with kz_xrealloc). Returns the
 * count. Exposed for tests. */
size_t kz_manifest_split(const char *text, size_t len, size_t **spans);

#endif
