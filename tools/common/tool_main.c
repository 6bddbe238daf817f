#include "tool_main.h"

#include <stdio.h>

#include "core/parallel.h"

int kz_tool_main(const kz_cli_app *app, int argc, char **argv) {
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
