/*
 * Allocation helpers. kz treats running out of memory as fatal: these abort the
 * process with a message instead of returning NULL, so no caller has to check,
 * and no half-built structure ever escapes. (abort, not exit: the library never
 * decides a program's exit status for a user-caused error; OOM isn't one.)
 */
#ifndef KZ_CORE_ALLOC_H
#define KZ_CORE_ALLOC_H

#include <stddef.h>

/* Report the failure to allocate n bytes and abort. */
_Noreturn void kz_oom(size_t n);
void *kz_xmalloc(size_t n);
void *kz_xcalloc(size_t count, size_t size);
void *kz_xrealloc(void *p, size_t n);
char *kz_xstrdup(const char *s);
char *kz_xstrndup(const char *s, size_t n);
/* Grow capacity for `need` items: doubles, at least 8. Aborts on overflow. */
size_t kz_grow_cap(size_t cap, size_t need);

/* Ask this thread's malloc arena for room up front, by taking and giving back
 * one block of KZ_HEAP_RESERVE bytes. glibc grows a thread's arena page run by
 * page run, one mprotect(2) each, unless the block fits under its mmap
 * threshold (the tools raise it: tools/common/tool_main.c); otherwise the
 * block is mapped and unmapped, a few microseconds for nothing. No page is
 * touched either way. For threads about to allocate megabytes (parsing a
 * chart's templates). */
#define KZ_HEAP_RESERVE ((size_t)4 << 20)
void kz_heap_reserve(void);

#endif
