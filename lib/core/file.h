/*
 * Whole-file input. Every tool reads its inputs (values files, manifests,
 * kustomizations) in one piece before parsing, so this is the one place that
 * turns a path into bytes and an I/O failure into an error value.
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

/* An errno as Go words it (syscall.Errno's text: C's, with a lower-case
 * first letter: "no such file or directory"), written into buf. Returns buf.
 * File errors of the whole project read this way, as the references'. */
const char *kz_errno_text(int e, char *buf, size_t n);

#endif
