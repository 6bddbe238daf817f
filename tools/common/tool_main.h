/*
 * The one main() of every kz tool: run the command tree, then print what the
 * cli framework rendered (stdout first, then stderr, unless the command asked
 * for stderr first: kz_cmd.stderr_first) and return its exit code.
 * The library itself never prints; this is where its output meets the terminal.
 */
#ifndef KZ_TOOLS_TOOL_MAIN_H
#define KZ_TOOLS_TOOL_MAIN_H

#include "cli/cli.h"

int kz_tool_main(const kz_cli_app *app, int argc, char **argv);

#endif
