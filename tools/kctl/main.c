/* kctl: the kubectl-compatible tool. Commands live in root.c and their own files. */
#include "kctl.h"
#include "tool_main.h"

int main(int argc, char **argv) {
    kz_cli_app app = {.root = &kctl_root_cmd, .style = KZ_CLI_STYLE_KUBECTL};
    return kz_tool_main(&app, argc, argv);
}
