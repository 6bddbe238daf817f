#include "core/buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"

void kz_buf_init(kz_buf *b) {
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
}

void kz_buf_free(kz_buf *b) {
    free(b->data);
    kz_buf_init(b);
}

void kz_buf_reserve(kz_buf *b, size_t extra) {
    size_t need = b->len + extra + 1;
    if (need <= b->cap) return;
    b->cap = kz_grow_cap(b->cap, need);
    b->data = kz_xrealloc(b->data, b->cap);
}

void kz_buf_append(kz_buf *b, const char *s, size_t n) {
    kz_buf_reserve(b, n);
    if (n) memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void kz_buf_puts(kz_buf *b, const char *s) { kz_buf_append(b, s, strlen(s)); }

void kz_buf_putc(kz_buf *b, char c) {
    kz_buf_reserve(b, 1);
    b->data[b->len++] = c;
    b->data[b->len] = '\0';
}

void kz_buf_repeat(kz_buf *b, char c, size_t n) {
    kz_buf_reserve(b, n);
    memset(b->data + b->len, c, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void kz_buf_vprintf(kz_buf *b, const char *fmt, va_list ap) {
    va_list ap2;
    va_copy(ap2, ap);
    char small[256];
    int n = vsnprintf(small, sizeof small, fmt, ap);
    if (n < 0) {
        va_end(ap2);
        return;
    }
    if ((size_t)n < sizeof small) {
        kz_buf_append(b, small, (size_t)n);
    } else {
        kz_buf_reserve(b, (size_t)n);
        vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap2);
        b->len += (size_t)n;
    }
    va_end(ap2);
}

void kz_buf_printf(kz_buf *b, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    kz_buf_vprintf(b, fmt, ap);
    va_end(ap);
}

void kz_buf_clear(kz_buf *b) {
    b->len = 0;
    if (b->data) b->data[0] = '\0';
}

char *kz_buf_detach(kz_buf *b, size_t *len_out) {
    char *d = b->data ? b->data : kz_xstrdup("");
    if (len_out) *len_out = b->len;
    kz_buf_init(b);
    return d;
}

const char *kz_buf_cstr(const kz_buf *b) { return b->data ? b->data : ""; }
