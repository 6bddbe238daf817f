/*
 * Internals of the YAML emitter, shared by emit*.c and the unit tests.
 * Everything here models how go-yaml v2 (as used by sigs.k8s.io/yaml) treats a
 * string; none of it allocates or keeps pointers.
 */
#ifndef KZ_YAML_EMIT_INTERNAL_H
#define KZ_YAML_EMIT_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/unicode.h" /* kz_go_is_letter / kz_go_is_digit for the key order */

/* Would go-yaml v2 print s unquoted? True when its resolver reads the plain
 * scalar s as a string (not null, bool, int, float, timestamp) and s is not a
 * YAML 1.1 base-60 number ("1:20"), which go-yaml quotes for old parsers.
 * This only decides plain-vs-double-quoted; indicator characters are checked by
 * the scalar analysis. (emit_resolve.c) */
bool kz_yaml_plain_is_string(const char *s, size_t n);

/* go-yaml's timestamp test (the date/time forms time.Parse accepts there). */
bool kz_yaml_is_timestamp(const char *s, size_t n);

#endif
