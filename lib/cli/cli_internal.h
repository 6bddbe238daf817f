/*
 * Internals shared by the cli module's files (cli.c: parsing and dispatch,
 * cli_flags.c: flag values, cli_help.c: help rendering). Not a public contract.
 */
#ifndef KZ_CLI_CLI_INTERNAL_H
#define KZ_CLI_CLI_INTERNAL_H

#include "cli/cli.h"

/* One flag a command accepts, in effect for one parse. */
typedef struct cli_flag {
    const kz_flag_def *def;
    bool inherited; /* a parent's persistent flag ("Global Flags") */
    bool is_help;   /* the framework's -h/--help */
} cli_flag;

/* The flags of the command at the end of a path: its local and persistent flags,
 * its ancestors' persistent flags and (optionally) the help flag. A name already
 * present shadows later ones, as pflag does when merging flag sets. */
typedef struct cli_flagset {
    cli_flag *items;
    size_t len;
    size_t cap;
} cli_flagset;

void cli_flagset_build(cli_flagset *fs, const kz_cmd *const *path, size_t depth,
                       bool with_help);
void cli_flagset_free(cli_flagset *fs);
const cli_flag *cli_flagset_find(const cli_flagset *fs, const char *name, size_t len);
const cli_flag *cli_flagset_find_short(const cli_flagset *fs, char c);

/* Whether the flag may be given without a value (bools, or no_opt_default). */
bool cli_flag_takes_no_value(const kz_flag_def *def);
/* The text used when the flag is given bare. */
const char *cli_flag_bare_value(const kz_flag_def *def);

/* The zero value of a flag of this type (owned). */
kz_value cli_flag_zero(kz_flag_type type);
/* Parse `text` as a value for the flag and store it into *slot (a value of the
 * flag's type; arrays are appended to). On a syntax error, returns false and
 * appends the reason (after "flag: ") to why, as Go's strconv would word it. */
bool cli_flag_set(const kz_flag_def *def, kz_value *slot, const char *text, kz_buf *why);
/* The default value of a flag (owned), parsed from def->def. */
kz_value cli_flag_default(const kz_flag_def *def);

/* Go's %q of a string, appended to b. */
void cli_go_quote(kz_buf *b, const char *s);

/* The virtual `help` command that roots with subcommands get. */
extern const kz_cmd cli_help_cmd;
/* The children of path[depth-1]: its subcommands plus, for a root with
 * subcommands and no own "help", the help command. Returns how many were
 * written into out (at most cap). Not sorted. */
size_t cli_children(const kz_cmd *const *path, size_t depth, const kz_cmd **out, size_t cap);
#define CLI_MAX_CHILDREN 256

/* The names of path[0..depth) joined by spaces, appended to b. */
void cli_command_path(const kz_cmd *const *path, size_t depth, kz_buf *b);

/* The use line of path[depth-1] ("hm version [flags]"), appended to b. */
void cli_use_line(const kz_cmd *const *path, size_t depth, kz_buf *b);

/* Length of a command's name (the first word of use). */
size_t cli_name_len(const kz_cmd *cmd);
/* qsort comparator of `const kz_cmd *` by command name. */
int cli_cmd_cmp(const void *a, const void *b);

#endif
