#include "tool_main.h"

#include <stdio.h>

int kz_tool_main(const kz_cli_app *app, int argc, char **argv) {
    kz_buf out = KZ_BUF_INIT, err = KZ_BUF_INIT;
    int code = kz_cli_execute(app, argc, (const char *const *)argv, &out, &err);
    fwrite(kz_buf_cstr(&out), 1, out.len, stdout);
    fflush(stdout);
    fwrite(kz_buf_cstr(&err), 1, err.len, stderr);
    kz_buf_free(&out);
    kz_buf_free(&err);
    return code;
}
