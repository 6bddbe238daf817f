/*
 * A template set: every parsed file of a chart and its subcharts, under Helm's
 * names ("mychart/templates/x.yaml", "mychart/charts/sub/templates/_h.tpl"), and
 * every {{define}}d template, shared across the files as Go's template set
 * shares them. Parse once, execute many times (exec.h).
 *
 * Names. A file's own template is named by the file's name; {{define "x"}} and
 * {{block "x"}} add "x". When a name is added again (another file defines it),
 * Go's rule applies: the later tree replaces the earlier one unless the later is
 * empty (white space and comments only, kz_tmpl_tree_is_empty), in which case
 * the earlier stays. So the order of kz_tmpl_set_add calls matters: Helm adds the
 * files in its own sorted order, and the caller must do the same.
 *
 * Functions. Files are parsed with Go's function check against the set's
 * function table plus the builtins ("function \"foo\" not defined").
 *
 * MEMORY: the set owns its parsed files (freed by kz_tmpl_set_free); trees
 * returned by kz_tmpl_set_lookup are borrowed from it. The function table is
 * borrowed and must outlive the set. A set must not change while it executes.
 */
#ifndef KZ_TMPL_SET_H
#define KZ_TMPL_SET_H

#include <stddef.h>

#include "core/value.h"
#include "tmpl/ast.h"
#include "tmpl/funcs.h"
#include "tmpl/parse.h"

typedef struct kz_tmpl_set kz_tmpl_set;

/* funcs may be NULL: builtins only. */
kz_tmpl_set *kz_tmpl_set_new(const kz_tmpl_funcs *funcs);
void kz_tmpl_set_free(kz_tmpl_set *s); /* NULL is fine */

/* A set layered over `parent` (Helm's tpl: the text is parsed into a clone of
 * the chart's set): lookups try the overlay's own templates first, then the
 * parent's; the parent's function table is used. The parent is borrowed, must
 * outlive the overlay and is never modified through it. */
kz_tmpl_set *kz_tmpl_set_new_overlay(const kz_tmpl_set *parent);

/* Delimiters for later kz_tmpl_set_add calls (NULL: "{{" "}}"); copied. */
void kz_tmpl_set_delims(kz_tmpl_set *s, const char *left, const char *right);

/* Parse text[0..len) as file `name` and add its templates. Returns a NULL value,
 * or Go's parse error (the set is then unchanged). */
kz_value kz_tmpl_set_add(kz_tmpl_set *s, const char *name, const char *text, size_t len);

/* One file for kz_tmpl_set_add_all. The name is borrowed for the call; the
 * text, NUL-terminated at len, must outlive the set (it is not copied).
 * `parsed`, when not NULL, is that text already parsed under that name with
 * the set's function table and delimiters (borrow_text), e.g. on another core
 * while the caller was busy: it is used as it is, and the set takes it over
 * whatever the outcome of the call. */
typedef struct kz_tmpl_source {
    const char *name;
    const char *text;
    size_t len;
    kz_tmpl_file *parsed;
} kz_tmpl_source;

/* kz_tmpl_set_add for each of src[0..n) in order, with the parsing spread over
 * up to max_threads threads (0: one per core; small inputs stay on this
 * thread). The set ends as the one-by-one calls would leave it: on the first
 * source (in order) that fails to parse, the sources before it are added,
 * none after it, *failed is its index and its parse error comes back.
 * Otherwise kz_null() and *failed is n. */
kz_value kz_tmpl_set_add_all(kz_tmpl_set *s, const kz_tmpl_source *src, size_t n, unsigned max_threads,
                             size_t *failed);

/* The template named name[0..len) (a file or a definition), or NULL. */
const kz_tmpl_tree *kz_tmpl_set_lookup(const kz_tmpl_set *s, const char *name, size_t len);

/* The tree of file `name` as parsed by this set's last kz_tmpl_set_add of that
 * name (not the parent's), or NULL: Go's Template.Tree of the file, which
 * Execute runs even when the tree is empty and the name therefore still
 * resolves to an earlier template (Helm's tpl of "" inside a tpl). */
const kz_tmpl_tree *kz_tmpl_set_file_tree(const kz_tmpl_set *s, const char *name, size_t len);

const kz_tmpl_funcs *kz_tmpl_set_funcs(const kz_tmpl_set *s);

#endif
