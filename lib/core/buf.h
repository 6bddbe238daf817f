/*
 * kz_buf: a growable byte buffer, the output sink of emitters and renderers.
 * Appends are amortised O(1) (capacity doubles), so building output piece by
 * piece is linear. The buffer owns `data`; it is always NUL-terminated once
 * anything was appended (data may be NULL while len == 0).
 */
#ifndef KZ_CORE_BUF_H
#define KZ_CORE_BUF_H

#include <stdarg.h>
#include <stddef.h>

typedef struct kz_buf {
    char *data;
    size_t len;
    size_t cap;
} kz_buf;

#define KZ_BUF_INIT {NULL, 0, 0}

void kz_buf_init(kz_buf *b);
void kz_buf_free(kz_buf *b);          /* releases data; b is reusable after init */
void kz_buf_reserve(kz_buf *b, size_t extra); /* room for `extra` more bytes + NUL */
void kz_buf_append(kz_buf *b, const char *s, size_t n);
void kz_buf_puts(kz_buf *b, const char *s);
void kz_buf_putc(kz_buf *b, char c);
void kz_buf_repeat(kz_buf *b, char c, size_t n);
void kz_buf_printf(kz_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void kz_buf_vprintf(kz_buf *b, const char *fmt, va_list ap);
void kz_buf_clear(kz_buf *b);         /* len = 0, keeps capacity */
/* Hand the bytes to the caller (free() them); the buffer is left empty.
 * Never returns NULL: an empty buffer yields "". */
char *kz_buf_detach(kz_buf *b, size_t *len_out);
/* The contents as a C string ("" when empty); borrowed. */
const char *kz_buf_cstr(const kz_buf *b);

#endif
