/* Helpers shared by the files of lib/repo (not a public contract). */
#ifndef KZ_REPO_INTERNAL_H
#define KZ_REPO_INTERNAL_H

#include <stddef.h>

#include "core/buf.h"
#include "core/value.h"
#include "repo/index.h"
#include "repo/table.h"

/* encoding/json's field matching: the index in names[] of key (exact match
 * first, then ASCII case-insensitive), or -1. */
ptrdiff_t kz_repo_field_index(const char *const *names, size_t n, const char *key, size_t klen);
/* "json: cannot unmarshal KIND into Go struct field STRUCT.PATH of type TYPE" */
kz_value kz_repo_json_mismatch(const kz_value *v, const char *sname, const char *path, const char *type);
/* A YAML value read into a Go string field (sigs.k8s.io/yaml): *out gets a
 * STRING (scalars as their text), stays NULL for null; an error otherwise. */
kz_value kz_repo_json_string(const kz_value *v, const char *sname, const char *path, kz_value *out);
/* A YAML value read into a time.Time: a gotime value, NULL for null, or
 * an error value (Go's Time.UnmarshalJSON and time.Parse messages). */
kz_value kz_repo_json_time(const kz_value *v);
/* A time as encoding/json prints it (RFC 3339 with nanoseconds); INVALID is
 * Go's zero time. A STRING. */
kz_value kz_repo_time_text(const kz_value *t);
/* An exclusive flock on kz_repofile_lock_path(path) (its folder made first). */
kz_value kz_repo_lock(const char *path, int *fd);
void kz_repo_unlock(int fd);
/* helm's output.EncodeJSON (compact, HTML-escaped, "\n"; mappings are Go
 * structs: insertion order) or EncodeYAML (keys sorted). */
kz_value kz_repo_encode(const kz_value *v, kz_repo_format format, kz_buf *out);

/* The chart named name[0..n) in idx, added (empty) when missing. */
kz_repo_chart *kz_repo_index_chart_slot(kz_repo_index *idx, const char *name, size_t n);
/* A new zeroed version at the end of c. */
kz_repo_chart_version *kz_repo_index_version_push(kz_repo_chart *c);
/* index_fast.c: 1 when data was read into idx (initialised) by the fast
 * path, warnings appended; 0 when it gave up (idx emptied, nothing
 * appended). max_threads as kz_repo_index_load_ex. */
int kz_repo_index_parse_fast(const char *data, size_t len, const char *source, kz_repo_index *idx,
                             kz_buf *warnings, unsigned max_threads);
/* The same cut into `pieces` pieces when parsed in parallel (0: as many as
 * suits the threads and the size; tests vary it: the result is the same). */
int kz_repo_index_parse_fast_ex(const char *data, size_t len, const char *source, kz_repo_index *idx,
                                kz_buf *warnings, unsigned max_threads, unsigned pieces);
/* go-yaml v2's strict duplicate-key errors in the first document of data
 * (none when it does not parse: its syntax errors come first): "yaml: unmarshal errors:\n  line N: key \"x\"
 * already set in map..." or NULL. */
kz_value kz_repo_yaml_duplicates(const char *data, size_t len);

#endif
