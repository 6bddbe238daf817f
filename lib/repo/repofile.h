/*
 * repositories.yaml: helm v3.17's repo.File, its locked modification and the
 * `repo add|list|remove` rules that need no network.
 *
 * READING (helm's yaml.Unmarshal into repo.File, sigs.k8s.io/yaml). A
 * missing file is an empty File. Keys match the struct's JSON names
 * case-insensitively, unknown keys are dropped, scalars read into string
 * fields become their text, `generated` is an RFC 3339 time. Errors read as
 * helm's: "error converting YAML to JSON: yaml: line 3: ..." for broken YAML,
 * "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal ..."
 * for wrong types.
 *
 * WRITING (File.WriteFile). Exactly helm's bytes: keys sorted, every entry
 * with its nine fields, `apiVersion: ""` and `generated:
 * "0001-01-01T00:00:00Z"` when the File was not read from a file that set
 * them (`helm repo add` starts from an empty struct, `repo remove` keeps what
 * the file said, the time re-printed as RFC 3339 with nanoseconds).
 *
 * CONCURRENCY. kz_repofile_update takes an exclusive flock on the lock file
 * next to the config (helm's: repositories.yaml -> repositories.lock, mode
 * 0600), re-reads the file, applies the caller's change, writes a temporary
 * file in the same folder (mode 0600), fsyncs it and renames it over the
 * config, then unlocks. Concurrent updaters therefore never lose each other's
 * changes.
 *
 * MEMORY: a kz_repofile owns its entries and strings (kz_repofile_free).
 * Returned kz_values are owned by the caller; inputs are borrowed.
 */
#ifndef KZ_REPO_REPOFILE_H
#define KZ_REPO_REPOFILE_H

#include <stdbool.h>
#include <stddef.h>

#include "core/buf.h"
#include "core/value.h"
#include "repo/table.h"

/* repo.Entry. Strings are never NULL ("" when unset). */
typedef struct kz_repo_entry {
    char *name, *url, *username, *password;
    char *cert_file, *key_file, *ca_file;
    bool insecure_skip_tls_verify, pass_credentials_all;
} kz_repo_entry;

typedef struct kz_repofile {
    char *api_version;  /* "" unless the file set it */
    kz_value generated; /* a core/gotime.h time, or INVALID for Go's zero time */
    kz_repo_entry *entries;
    size_t len, cap;
} kz_repofile;

void kz_repofile_init(kz_repofile *f);
void kz_repofile_free(kz_repofile *f);

/* An entry with copies of the given strings (NULL means ""); free with
 * kz_repo_entry_free. */
void kz_repo_entry_init(kz_repo_entry *e, const char *name, const char *url);
void kz_repo_entry_copy(kz_repo_entry *dst, const kz_repo_entry *src);
void kz_repo_entry_free(kz_repo_entry *e);
/* Go's == on two Entry structs (every field). */
bool kz_repo_entry_equal(const kz_repo_entry *a, const kz_repo_entry *b);

/* Parse repositories.yaml bytes into *f (initialised by the callee; freed by
 * the caller even on error). kz_null() or helm's error. */
kz_value kz_repofile_parse(const char *data, size_t len, kz_repofile *f);
/* Read `path`: a missing file gives an empty File (*exists = false; exists
 * may be NULL). Other read errors: "open PATH: reason". */
kz_value kz_repofile_load(const char *path, kz_repofile *f, bool *exists);

/* The entry named `name`, or NULL (File.Get / File.Has). */
const kz_repo_entry *kz_repofile_get(const kz_repofile *f, const char *name);
/* File.Update: replace the entry of the same name in place, else append. */
void kz_repofile_set(kz_repofile *f, const kz_repo_entry *e);
/* File.Remove: whether an entry was removed. */
bool kz_repofile_remove(kz_repofile *f, const char *name);

/* The YAML helm writes for f, appended to out. */
void kz_repofile_write(const kz_repofile *f, kz_buf *out);
/* Write f to path atomically (temporary file, fsync, rename; mode 0600),
 * creating the folder (0755) first. kz_null() or an error. */
kz_value kz_repofile_save(const char *path, const kz_repofile *f);

/* The lock file helm uses for `path`: its extension replaced by ".lock"
 * (repositories.yaml -> repositories.lock). Caller frees. */
char *kz_repofile_lock_path(const char *path);

/* A change applied under the lock: returns kz_null() (write the file when
 * *changed is set; it starts false) or an error value (nothing written). */
typedef kz_value (*kz_repofile_fn)(kz_repofile *f, void *data, bool *changed);
/* Lock, re-read (missing = empty), apply fn, write if changed, unlock.
 * Returns fn's error, a read/parse error, or an I/O error. */
kz_value kz_repofile_update(const char *path, kz_repofile_fn fn, void *data);

/* ---- `repo add` decisions ---- */

/* The checks `helm repo add` makes before anything else: a name with '/'
 * ("repository name (x/y) contains '/', please specify a different name
 * without '/'"), the retired stable/incubator URLs ("repo \"URL\" is no
 * longer available; try \"https://charts.helm.sh/stable\" instead"). */
kz_value kz_repo_add_check(const char *name, const char *url);

typedef enum kz_repo_add_action {
    KZ_REPO_ADD_WRITE, /* download the index, then kz_repofile_set and write */
    KZ_REPO_ADD_SKIP,  /* same configuration: print kz_repo_msg_exists, done */
} kz_repo_add_action;

/* What to do with entry e given the File: an error value when the name is
 * taken with another configuration and force_update is off ("repository name
 * (NAME) already exists, please specify a different name"). */
kz_value kz_repo_add_decide(const kz_repofile *f, const kz_repo_entry *e, bool force_update,
                            kz_repo_add_action *action);

/* helm's messages, with the name quoted as Go's %q, each ending in "\n":
 *   added:   "NAME" has been added to your repositories
 *   exists:  "NAME" already exists with the same configuration, skipping
 *   removed: "NAME" has been removed from your repositories */
void kz_repo_msg_added(kz_buf *out, const char *name);
void kz_repo_msg_exists(kz_buf *out, const char *name);
void kz_repo_msg_removed(kz_buf *out, const char *name);

/* ---- `repo list` and `repo remove` ---- */

/* The output of `helm repo list -o FORMAT`, or the error "no repositories to
 * show" for an empty File in table format (json and yaml print "[]"). */
kz_value kz_repo_list(const kz_repofile *f, kz_repo_format format, kz_buf *out);

/* `helm repo remove NAME...`: load path ("no repositories configured" when
 * missing or empty), then for each name in turn: remove it ("no repo named
 * \"x\" found" stops there, after the earlier names were removed and
 * written), write the file, delete CACHE/NAME-index.yaml and
 * CACHE/NAME-charts.txt, and hm's NAME-index.kzc and NAME-index.yaml.etag
 * (missing ones are fine) and append the removed
 * message to out. Done under the lock. */
kz_value kz_repo_remove(const char *path, const char *cache_dir, const char *const *names,
                        size_t n, kz_buf *out);

/* Cache file names: helmpath.CacheIndexFile and CacheChartsFile. Caller
 * frees. */
char *kz_repo_cache_index_path(const char *cache_dir, const char *name);
char *kz_repo_cache_charts_path(const char *cache_dir, const char *name);
/* Where hm keeps a cached index's ETag and Last-Modified (for conditional
 * GETs): INDEX_PATH + ".etag". Caller frees. */
char *kz_repo_cache_etag_path(const char *index_path);

#endif
