/*
 * The parser of Go's text/template (Go 1.23, as Helm v3.17 runs it): one named
 * text in, its trees out (the main template and every {{define}} / {{block}}),
 * or Go's parse error.
 *
 * Errors read exactly as Go's: "template: NAME:LINE: MESSAGE" (line only, the
 * line Go reports, including its quirks), e.g.
 *   template: mychart/templates/x.yaml:3: unexpected EOF
 *   template: mychart/templates/x.yaml:1: function "foo" not defined
 *   template: mychart/templates/x.yaml:2: undefined variable "$x"
 * Helm prints these as "parse error at (NAME:LINE): LAST", LAST being the part
 * after the message's last ": "; that rewriting is Helm's, not done here.
 *
 * Redefinition within one file follows Go's parse package: a {{define}} of a name
 * already defined in the file replaces it when the earlier one is empty (white
 * space only), is ignored when it is empty itself, and is an error ("template:
 * multiple definition of template \"a\"") when both have content. Across files
 * the template set decides (text/template: a later non-empty tree replaces, an
 * empty one never does; kz_tmpl_tree_is_empty tells which).
 *
 * MEMORY: the kz_tmpl_file and everything reachable from it (trees, nodes, names,
 * constants, a copy of the text) is one arena owned by the caller and released
 * by kz_tmpl_file_free. The input text (unless opts->borrow_text), name and
 * options are only borrowed during the call.
 */
#ifndef KZ_TMPL_PARSE_H
#define KZ_TMPL_PARSE_H

#include <stdbool.h>
#include <stddef.h>

#include "core/value.h"
#include "tmpl/ast.h"

/* Whether a function of that name exists (builtins included: and, or, len, ...).
 * Go checks function names at parse time. It is also asked about "break" and
 * "continue": when they are functions, they are not keywords (as in Go). */
typedef bool (*kz_tmpl_func_exists)(void *ctx, const char *name, size_t len);

typedef struct kz_tmpl_parse_opts {
    const char *left_delim, *right_delim; /* NULL or "": "{{" and "}}" */
    /* NULL: no function check (Go's SkipFuncCheck mode). */
    kz_tmpl_func_exists func_exists;
    void *func_ctx;
    /* The text outlives the parsed file and has a NUL at text[len]: nodes
     * point into it in place instead of into a copy (a chart's templates
     * stay loaded for the whole render; a copy would double them). */
    bool borrow_text;
} kz_tmpl_parse_opts;

typedef struct kz_tmpl_arena kz_tmpl_arena; /* private */

typedef struct kz_tmpl_file {
    const char *name;      /* the file's template name (arena copy) */
    const char *text;      /* the parsed text (arena copy, or borrowed: see opts; NUL-terminated) */
    size_t text_len;
    /* The tree named `name`: the file's own template, or, when that is empty and
     * the file {{define}}s a non-empty template of the same name, that one (as
     * Go's tree set keeps). */
    kz_tmpl_tree *main;
    /* The other named trees, from {{define}} and {{block}}, in the order Go first
     * added each name; a name appears once. */
    kz_tmpl_tree **defs;
    size_t ndefs;
    kz_tmpl_arena *arena_;  /* private */
    bool defines_own_name_; /* private: a {{define}} of the file's name was merged */
} kz_tmpl_file;

/* Parse text[0..len) as template `name`. Returns a NULL value and sets *out on
 * success; on failure returns an error value (kz_error_message: Go's message) and
 * sets *out to NULL. opts may be NULL (default delimiters, no function check). */
kz_value kz_tmpl_parse(const char *name, const char *text, size_t len, const kz_tmpl_parse_opts *opts,
                       kz_tmpl_file **out);

/* The named tree of the file (main or a definition), or NULL. */
const kz_tmpl_tree *kz_tmpl_file_lookup(const kz_tmpl_file *f, const char *name, size_t len);

/* Give a parsed file another name, as if it had been parsed under `name`:
 * its own template and every tree's parse name (error locations). Only the
 * name differs between two such parses, unless the file {{define}}s a
 * template named like the file (then a name decides which tree is the file's
 * own): false, and nothing changed, when it defines either name. Lets a text
 * be parsed before the name Helm gives it (chart name, alias) is known. */
bool kz_tmpl_file_rename(kz_tmpl_file *f, const char *name);

void kz_tmpl_file_free(kz_tmpl_file *f); /* NULL is fine */

#endif
