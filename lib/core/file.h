/*
 * Whole files in and out. Every tool reads its inputs (values files,
 * manifests, kustomizations) in one piece before parsing, and replaces the
 * files it keeps (repositories.yaml, caches, credentials) atomically, so this
 * is the one place that turns a path into bytes (and back) and an I/O
 * failure into an error value.
 */
#ifndef KZ_CORE_FILE_H
#define KZ_CORE_FILE_H

#include "core/buf.h"
#include "core/value.h"

/* Append the whole contents of `path` ("-" reads standard input) to *out.
 * Returns 0, or -1 with *err set to an error value reading "open PATH: reason"
 * or "read PATH: reason" (err may be NULL). *out keeps what it had on failure
 * only up to its original length. */
int kz_file_read(const char *path, kz_buf *out, kz_value *err);

/* kz_file_read of a file that must not be larger than max bytes: a regular
 * file over it is not read and -2 comes back (err untouched). Saves the
 * caller a stat(2) before reading. */
int kz_file_read_max(const char *path, size_t max, kz_buf *out, kz_value *err);

/* os.MkdirAll: dir and its missing parents, each created with `mode`.
 * kz_null(), or "mkdir PATH: reason". */
kz_value kz_file_mkdir_all(const char *dir, unsigned mode);

/* The folder part of a path (filepath.Dir for the simple cases: "." when
 * there is no '/', "/" for a file at the root). Caller frees. */
char *kz_file_dir(const char *path);

/* Replace `path` with data[0..len) so that readers see the old file or the
 * new one, never a part: a temporary file in the same folder, written,
 * given `mode`, fsynced, renamed over path. Missing folders are created
 * with dir_mode. kz_null(), or "open|write|chmod|sync|close|rename PATH:
 * reason" (the temporary file removed). */
kz_value kz_file_write_atomic(const char *path, const void *data, size_t len, unsigned mode, unsigned dir_mode);

/* The same in steps, for a file whose parts are written at their offsets,
 * from more than one thread at a time (the caller synchronises them):
 * begin makes the temporary file; pwrite writes into it, safely from
 * several threads on distinct ranges, and returns 0 or its errno, which
 * the caller hands to commit ("write TMP: reason"); commit finishes as
 * kz_file_write_atomic and releases *f; abort drops the temporary file. */
typedef struct kz_file_atomic {
    char *tmp;
    int fd;
} kz_file_atomic;
kz_value kz_file_atomic_begin(const char *path, unsigned dir_mode, kz_file_atomic *f);
int kz_file_atomic_pwrite(const kz_file_atomic *f, const void *data, size_t len, unsigned long long off);
kz_value kz_file_atomic_commit(kz_file_atomic *f, const char *path, unsigned mode, int write_errno);
void kz_file_atomic_abort(kz_file_atomic *f);

/* An errno as Go words it (syscall.Errno's text: C's, with a lower-case
 * first letter: "no such file or directory"), written into buf. Returns buf.
 * File errors of the whole project read this way, as the references'. */
const char *kz_errno_text(int e, char *buf, size_t n);

#endif
