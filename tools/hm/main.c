/*
 * hm: the Helm-compatible tool. main() only wires the command tree to the
 * terminal: the cli framework parses and renders into buffers, main prints them
 * and returns the exit code.
 */
#include <stdio.h>

#include "cli/cli.h"
#include "hm.h"

int main(int argc, char **argv) {
    kz_buf out = KZ_BUF_INIT, err = KZ_BUF_INIT;
    kz_cli_app app = {.root = &hm_root_cmd, .style = KZ_CLI_STYLE_HELM};
    int code = kz_cli_execute(&app, argc, (const char *const *)argv, &out, &err);
    fwrite(kz_buf_cstr(&out), 1, out.len, stdout);
    fflush(stdout);
    fwrite(kz_buf_cstr(&err), 1, err.len, stderr);
    kz_buf_free(&out);
    kz_buf_free(&err);
    return code;
}
