/*
 * Helpers shared by the golden-driven unit tests (static inline: each test
 * uses some of them).
 */
#ifndef KZ_TESTS_GOLDEN_UTIL_H
#define KZ_TESTS_GOLDEN_UTIL_H

#include <stdlib.h>
#include <string.h>

#include "core/base64.h"
#include "core/buf.h"

/* cases.txt escapes, in place: \n and \t, and \c for any other c. */
static inline void golden_decode_escapes(char *s) {
    char *w = s;
    for (char *r = s; *r; r++) {
        if (*r == '\\' && r[1]) {
            r++;
            *w++ = *r == 'n' ? '\n' : *r == 't' ? '\t' : *r;
        } else {
            *w++ = *r;
        }
    }
    *w = '\0';
}

/* A golden output kept in base64 (it may hold any byte), as a NUL-terminated
 * string the caller frees; *len (may be NULL) gets its length. NULL for bad
 * base64. */
static inline char *golden_b64_decode(const char *s, size_t *len) {
    kz_buf b = KZ_BUF_INIT;
    if (!kz_base64_decode(s, strlen(s), &b)) {
        kz_buf_free(&b);
        return NULL;
    }
    if (len) *len = b.len;
    kz_buf_putc(&b, '\0');
    return kz_buf_detach(&b, NULL);
}

/* Warning lines collected from a callback, compared sorted (Helm logs some
 * in Go's random map order). */
typedef struct golden_lines {
    char *lines[128];
    size_t n;
} golden_lines;

static inline void golden_lines_add(golden_lines *w, char *line) {
    if (w->n == sizeof w->lines / sizeof w->lines[0]) {
        free(line);
        return;
    }
    w->lines[w->n++] = line;
}

static inline int golden_cmp_str(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The lines sorted and joined with " || " ("-" for none); the list is
 * emptied. Caller frees. */
static inline char *golden_lines_join(golden_lines *w) {
    qsort(w->lines, w->n, sizeof w->lines[0], golden_cmp_str);
    kz_buf b = KZ_BUF_INIT;
    if (w->n == 0) kz_buf_puts(&b, "-");
    for (size_t i = 0; i < w->n; i++) {
        if (i) kz_buf_puts(&b, " || ");
        kz_buf_puts(&b, w->lines[i]);
        free(w->lines[i]);
    }
    w->n = 0;
    return kz_buf_detach(&b, NULL);
}

#endif
