#include "core/alloc.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

_Noreturn void kz_oom(size_t n) {
    /* The only output the library ever makes on its own: there is nobody left
     * to return an error to, and a silent abort would be worse. */
    fprintf(stderr, "kz: out of memory allocating %zu bytes\n", n);
    abort();
}

void *kz_xmalloc(size_t n) {
    void *p = malloc(n ? n : 1);
    if (!p) kz_oom(n);
    return p;
}

void *kz_xcalloc(size_t count, size_t size) {
    void *p = calloc(count ? count : 1, size ? size : 1);
    if (!p) kz_oom(count * size);
    return p;
}

void *kz_xrealloc(void *p, size_t n) {
    void *q = realloc(p, n ? n : 1);
    if (!q) kz_oom(n);
    return q;
}

char *kz_xstrndup(const char *s, size_t n) {
    char *d = kz_xmalloc(n + 1);
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

char *kz_xstrdup(const char *s) { return kz_xstrndup(s, strlen(s)); }

size_t kz_grow_cap(size_t cap, size_t need) {
    if (need > SIZE_MAX / 4) kz_oom(need);
    size_t c = cap ? cap : 8;
    while (c < need) c *= 2;
    return c;
}

void kz_heap_reserve(void) {
    /* volatile: the compiler would otherwise drop a malloc whose block is
     * only freed */
    void *volatile block = malloc(KZ_HEAP_RESERVE);
    free(block);
}
