/* kz: the kustomize-compatible tool. Commands live in root.c and their own files. */
#include "kz.h"
#include "tool_main.h"

int main(int argc, char **argv) {
    kz_cli_app app = {.root = &kz_root_cmd, .style = KZ_CLI_STYLE_COBRA};
    return kz_tool_main(&app, argc, argv);
}
