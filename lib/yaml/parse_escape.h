/*
 * Escapes of double-quoted scalars where libyaml 0.2.5 and go-yaml differ
 * (internal to lib/yaml/parse*.c).
 *
 *   \/  libyaml (YAML 1.2) accepts it; go-yaml v2 (Helm's values, fromYaml)
 *       and kustomize's go-yaml v3 report "found unknown escape character".
 *   \'  go-yaml v2 and v3 read it as a single quote; libyaml reports
 *       "found unknown escape character". The parser patches each such
 *       escape to \0 (same length, so positions don't move) and parses the
 *       text again; the NULs those escapes left in a scalar's value are then
 *       turned back into quotes (a raw NUL can't be in YAML text, so only
 *       escapes produce one).
 */
#ifndef KZ_YAML_PARSE_ESCAPE_H
#define KZ_YAML_PARSE_ESCAPE_H

#include <stdbool.h>
#include <stddef.h>

/* The offset in raw (a double-quoted scalar's source, quotes included) of
 * the first escape \c, or SIZE_MAX. */
size_t kz_yaml_dq_find_escape(const char *raw, size_t n, char c);

/* Whether off is among the sorted offsets of patched. */
bool kz_yaml_is_patched(size_t off, const size_t *patched, size_t npatched);

/* raw: the scalar's source at offset `base` of the parsed text; patched: the
 * sorted offsets of the \' escapes patched to \0. Turns the NULs of val that
 * those escapes produced into '. */
void kz_yaml_dq_restore_quotes(const char *raw, size_t n, size_t base, const size_t *patched, size_t npatched,
                               unsigned char *val, size_t vlen);

#endif
