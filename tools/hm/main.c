/* hm: the Helm-compatible tool. Commands live in root.c and their own files. */
#include "hm.h"
#include "tool_main.h"

int main(int argc, char **argv) {
    kz_cli_app app = {.root = &hm_root_cmd, .style = KZ_CLI_STYLE_HELM};
    return kz_tool_main(&app, argc, argv);
}
