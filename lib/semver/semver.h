/*
 * Semantic versions and version constraints with the semantics of
 * Masterminds/semver v3.3.0, the library behind sprig's `semver`/`semverCompare`
 * and Helm's chart version constraints.
 *
 *  - kz_semver_parse is Masterminds' lenient NewVersion: optional "v", missing
 *    minor/patch ("1", "1.2"), leading zeros in major/minor/patch; prerelease
 *    identifiers that are numeric must not start with 0.
 *  - Constraints: `=`, `!=`, `>`, `<`, `>=`/`=>`, `<=`/`=<`, `~`/`~>`, `^`,
 *    wildcards x, X and *, hyphen ranges "1.2 - 1.4.5", AND by space or ",", OR by "||".
 *    A prerelease version only satisfies a constraint that itself has a prerelease.
 *
 * Errors come back as error values carrying Masterminds' messages
 * ("Invalid Semantic Version", "improper constraint: X", ...).
 */
#ifndef KZ_SEMVER_H
#define KZ_SEMVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/value.h"

/* A parsed version. Its strings are owned by the struct (kz_semver_free);
 * prerelease and metadata are "" when absent, original is the parsed text. */
typedef struct kz_semver {
    uint64_t major, minor, patch;
    char *prerelease;
    char *metadata;
    char *original;
} kz_semver;

/* Parse s[0..n) into *out. Returns kz_null() on success (then *out owns its
 * strings), or an error value (then *out is zeroed, nothing to free). */
kz_value kz_semver_parse(const char *s, size_t n, kz_semver *out);
void kz_semver_free(kz_semver *v);

/* Masterminds' Version.String(): "MAJOR.MINOR.PATCH[-pre][+meta]", no "v".
 * Caller frees (free()). */
char *kz_semver_string(const kz_semver *v);

/* -1, 0 or 1; prerelease ordering per SemVer 2.0, metadata ignored. */
int kz_semver_compare(const kz_semver *a, const kz_semver *b);

typedef struct kz_semver_constraint kz_semver_constraint;

/* Parse a constraint string. Returns kz_null() and sets *out (caller frees with
 * kz_semver_constraint_free), or an error value with *out set to NULL. */
kz_value kz_semver_constraint_parse(const char *s, size_t n, kz_semver_constraint **out);
/* The same parse without the hand-read path for plain constraints: only
 * Masterminds' patterns (for the tests that compare the two). */
kz_value kz_semver_constraint_parse_regexes(const char *s, size_t n, kz_semver_constraint **out);
/* Whether v satisfies c (Masterminds' Constraints.Check). Both borrowed. */
bool kz_semver_constraint_check(const kz_semver_constraint *c, const kz_semver *v);
void kz_semver_constraint_free(kz_semver_constraint *c);

#endif
