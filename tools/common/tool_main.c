#include "tool_main.h"

#include <stdio.h>

int kz_tool_main(const kz_cli_app *app, int argc, char **argv) {
    kz_buf out = KZ_BUF_INIT, err = KZ_BUF_INIT;
    bool err_first = false;
    kz_cli_app a = *app;
    a.err_first = &err_first;
    int code = kz_cli_execute(&a, argc, (const char *const *)argv, &out, &err);
    if (err_first) {
        fwrite(kz_buf_cstr(&err), 1, err.len, stderr);
        fflush(stderr);
    }
    fwrite(kz_buf_cstr(&out), 1, out.len, stdout);
    fflush(stdout);
    if (!err_first) fwrite(kz_buf_cstr(&err), 1, err.len, stderr);
    kz_buf_free(&out);
    kz_buf_free(&err);
    return code;
}
