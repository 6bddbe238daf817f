#include "tool_main.h"

#include <malloc.h>
#include <stdio.h>

#include "core/alloc.h"
#include "core/parallel.h"

/* glibc's malloc, tuned for a process that lives a few milliseconds and
 * frees everything at once: blocks under twice KZ_HEAP_RESERVE come from the
 * heap (so kz_heap_reserve can grow an arena in one step), and the heap
 * grows by a megabyte at a time and is never trimmed below 32 MB. Each growth or trim is a
 * system call that splits or merges the heap's mapping; a render of a large
 * chart made a hundred of them. Pages are still touched only when used. */
static void tune_malloc(void) {
#if !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_THREAD__)
    mallopt(M_MMAP_THRESHOLD, (int)(2 * KZ_HEAP_RESERVE));
    mallopt(M_TRIM_THRESHOLD, (int)(8 * KZ_HEAP_RESERVE));
    mallopt(M_TOP_PAD, 1 << 20);
#endif
}

int kz_tool_main(const kz_cli_app *app, int argc, char **argv) {
    tune_malloc();
    kz_buf out = KZ_BUF_INIT, err = KZ_BUF_INIT;
    bool stderr_first = false;
    int code = kz_cli_execute_ordered(app, argc, (const char *const *)argv, &out, &err, &stderr_first);
    if (stderr_first) {
        fwrite(kz_buf_cstr(&err), 1, err.len, stderr);
        fflush(stderr);
    }
    fwrite(kz_buf_cstr(&out), 1, out.len, stdout);
    fflush(stdout);
    if (!stderr_first) fwrite(kz_buf_cstr(&err), 1, err.len, stderr);
    kz_buf_free(&out);
    kz_buf_free(&err);
    /* Worker threads are done but may still be exiting: join them, so that
     * nothing runs beside exit (a leak checker stops every thread to look). */
    kz_parallel_reap();
    return code;
}
