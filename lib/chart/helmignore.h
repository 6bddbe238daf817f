/*
 * .helmignore rules, with the semantics of Helm v3.17's pkg/ignore, and Go's
 * path/filepath.Match, which those rules are made of.
 *
 * A rules file is one pattern per line (surrounding spaces trimmed; blank
 * lines and lines starting with '#' skipped; a UTF-8 BOM on the first line
 * dropped). A pattern:
 *   - is a Go filepath.Match glob: '*' (not across '/'), '?', '[...]' classes
 *     with '^' negation and ranges, '\' escapes;
 *   - with a leading '!' is negated, with a trailing '/' matches directories only;
 *   - with a leading '/' or any other '/' is matched against the whole
 *     chart-relative path ("templates/x.yaml"), otherwise against the last
 *     path element only;
 *   - containing "**" is refused ("double-star (**) syntax is not supported"),
 *     so is a malformed glob ("syntax error in pattern").
 * Rules are tried in file order, the default `templates/.?*` last. A plain
 * rule that matches ignores the path. Helm's negation is not gitignore's: a
 * negated rule that does NOT match ignores the path (and a directory-only
 * negated rule ignores every file), one that matches passes on to the next
 * rule. kz keeps that behaviour, since charts are loaded as Helm loads them.
 * The chart root ("" or "." or "./") is never ignored.
 *
 * Ownership: kz_helmignore_parse returns rules the caller frees with
 * kz_helmignore_free; inputs are borrowed.
 */
#ifndef KZ_CHART_HELMIGNORE_H
#define KZ_CHART_HELMIGNORE_H

#include <stdbool.h>
#include <stddef.h>

#include "core/value.h"

typedef struct kz_helmignore kz_helmignore;

/* Rules with no pattern (Helm's ignore.Empty). */
kz_helmignore *kz_helmignore_new(void);
/* Parse a rules file's bytes. Returns the rules, or NULL with *err set to
 * Helm's message (err may be NULL). */
kz_helmignore *kz_helmignore_parse(const char *data, size_t len, kz_value *err);
/* Append Helm's default rule `templates/.?*` (hidden files under templates/). */
void kz_helmignore_add_defaults(kz_helmignore *r);
/* Whether the chart-relative path ('/'-separated) is ignored. */
bool kz_helmignore_ignore(const kz_helmignore *r, const char *path, bool is_dir);
void kz_helmignore_free(kz_helmignore *r);

/* Go's path/filepath.Match on Unix: 1 match, 0 no match, -1 malformed
 * pattern (Go's ErrBadPattern, "syntax error in pattern"; Go reports it even
 * after a mismatch, checking the rest of the pattern). */
int kz_go_path_match(const char *pattern, const char *name);

#endif
