/*
 * kz_cli: the shared command-line framework of hm, kz and kctl.
 *
 * Users of Helm, kustomize and kubectl type commands the cobra/pflag way, so this
 * module reproduces those conventions (behaviour learned from the reference tools,
 * code our own):
 *
 *   - a declarative, static tree of commands (kz_cmd), each with a `use` line,
 *     short/long descriptions, examples, local and persistent flags, subcommands,
 *     a positional-argument rule and a run callback;
 *   - flags: `--flag=value`, `--flag value`, `-n value`, `-nvalue`, `-n=value`,
 *     bool clusters `-abc`, bools as `--flag` or `--flag=false`, repeated flags,
 *     flags anywhere among the positional arguments, `--` ends the flags;
 *   - `-h/--help` on every command and a `help [command]` subcommand on roots
 *     that have subcommands;
 *   - cobra's help layout and cobra's (or Helm's, or kubectl's) error messages.
 *
 * Output. The library never prints and never exits. kz_cli_execute() writes the
 * command's normal output (and help) into `out` and messages meant for stderr
 * into `err`, both caller-owned kz_bufs, and returns the process exit code
 * (0 success, 1 error). The tool's main() writes the buffers to stdout/stderr and
 * returns the code. Buffering everything is deliberate: it keeps the library
 * testable and the tools' output atomic (Helm buffers its rendering too).
 *
 * Memory. Command trees and flag definitions are static, borrowed for the whole
 * call. A kz_cli_ctx lives only during a run callback; everything it points to
 * (flag values, positional arguments) is borrowed from the framework and from
 * argv and is released when kz_cli_execute() returns.
 */
#ifndef KZ_CLI_CLI_H
#define KZ_CLI_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/value.h"

/* ---- flags ---- */

typedef enum kz_flag_type {
    KZ_FLAG_BOOL,         /* `--x`, `--x=false`; value BOOL */
    KZ_FLAG_STRING,       /* value STRING */
    KZ_FLAG_INT,          /* Go ParseInt syntax (0x.., 0o.., 0b.., 1_000); value INT */
    KZ_FLAG_STRING_ARRAY, /* repeatable, each use one item (Helm --set); SEQ of STRING */
    KZ_FLAG_STRING_SLICE, /* repeatable, each use split as CSV (Helm -f); SEQ of STRING */
} kz_flag_type;

typedef struct kz_flag_def {
    const char *name;    /* long name without "--"; NULL ends a flag list */
    char shorthand;      /* one-letter alias, 0 for none */
    kz_flag_type type;
    /* Default as the user would type it ("100", "true", "default"); NULL = the
     * zero value. Array/slice flags always default to empty (def must be NULL). */
    const char *def;
    const char *usage;   /* one line of help */
    /* Name of the value's type in help, like a custom pflag Value's Type() (e.g.
     * Helm's "format"); NULL = the type's own name ("string", "int", "stringArray",
     * "strings"; bools show none). A string flag with a varname shows its default
     * unquoted, as pflag does for custom types. */
    const char *varname;
    /* Value used when the flag is given without "=value" (pflag's NoOptDefVal).
     * Bools always have "true". Others: NULL means a value is required. */
    const char *no_opt_default;
    bool hidden;         /* accepted but not shown in help */
} kz_flag_def;

/* ---- positional arguments ---- */

typedef enum kz_args_kind {
    KZ_ARGS_LEGACY = 0, /* cobra's default: any args, but a root with subcommands
                           rejects an unknown first word as an unknown command */
    KZ_ARGS_NONE,       /* no positional arguments */
    KZ_ARGS_EXACT,      /* exactly min */
    KZ_ARGS_MIN,        /* at least min */
    KZ_ARGS_MAX,        /* at most max */
    KZ_ARGS_RANGE,      /* min..max */
} kz_args_kind;

typedef struct kz_args_rule {
    kz_args_kind kind;
    int min;
    int max;
} kz_args_rule;

/* ---- commands ---- */

typedef struct kz_cli_ctx kz_cli_ctx;
/* A command's action. Returns the exit code (0 = success). Write output to
 * ctx->out; report failures with kz_cli_fail() (returns 1). */
typedef int (*kz_cli_run_fn)(kz_cli_ctx *ctx);

typedef struct kz_cmd kz_cmd;
struct kz_cmd {
    /* "template [NAME] [CHART]": the first word is the command's name, the rest
     * documents the arguments in help. */
    const char *use;
    const char *const *aliases;        /* NULL-terminated, or NULL */
    const char *short_desc;            /* one line, shown in command lists */
    const char *long_desc;             /* shown at the top of the command's help */
    const char *example;               /* verbatim, indented by the author */
    const kz_flag_def *flags;          /* local flags, ended by {0}; or NULL */
    const kz_flag_def *persistent_flags; /* also inherited by all subcommands */
    const kz_cmd *const *subcommands;  /* NULL-terminated, or NULL */
    kz_args_rule args;
    kz_cli_run_fn run;                 /* NULL: the command only groups others */
    bool hidden;                       /* works, but not listed in help */
};

/* Whose conventions a tool follows where cobra-based tools differ. */
typedef enum kz_cli_style {
    /* Plain cobra (kustomize): errors are followed by the command's usage. */
    KZ_CLI_STYLE_COBRA,
    /* Helm: no usage after errors; argument errors in Helm's words
     * ("\"hm create\" requires 1 argument" + a Usage line). */
    KZ_CLI_STYLE_HELM,
    /* kubectl: flag errors end with "See 'kctl X --help' for usage.", command
     * failures read "error: ...", unknown commands get no hint line. */
    KZ_CLI_STYLE_KUBECTL,
} kz_cli_style;

typedef struct kz_cli_app {
    const kz_cmd *root;
    kz_cli_style style;
    void *user; /* handed to run callbacks as ctx->user */
    /* Set by kz_cli_err_first(); NULL: not asked. Where it is set, what the
     * command wrote to stderr is to be printed before its stdout. */
    bool *err_first;
} kz_cli_app;

/* Maximum nesting of commands (root included). */
#define KZ_CLI_MAX_DEPTH 8

/* What a run callback sees. */
struct kz_cli_ctx {
    const kz_cli_app *app;
    const kz_cmd *cmd;               /* the command being run */
    const kz_cmd *path[KZ_CLI_MAX_DEPTH]; /* root .. cmd */
    size_t depth;                    /* number of entries in path */
    size_t argc;                     /* positional arguments, flags removed */
    const char *const *argv;         /* borrowed from the caller's argv */
    /* Internal: values of every flag the command accepts (defaults included). */
    kz_value flag_values_;           /* MAP name -> value */
    kz_value changed_;               /* MAP name -> true, for flags the user set */
    kz_buf *out;                     /* stdout */
    kz_buf *err;                     /* stderr */
    void *user;
};

/* The command's stderr lines come before its stdout: helm logs its warnings
 * while it loads and prints the manifests only at the end. */
void kz_cli_err_first(kz_cli_ctx *ctx);

/* Parse argv (argv[0] is the program; it is not used: the root's name is) and run
 * the selected command. Help, usage and error messages go to out/err as the
 * reference tools print them. Returns the exit code. */
int kz_cli_execute(const kz_cli_app *app, int argc, const char *const *argv,
                   kz_buf *out, kz_buf *err);

/* ---- for run callbacks ---- */

/* The value of a flag the command accepts (BOOL, INT, STRING or SEQ of STRING);
 * NULL if the command has no such flag. Borrowed from ctx. */
const kz_value *kz_cli_flag(const kz_cli_ctx *ctx, const char *name);
bool kz_cli_flag_bool(const kz_cli_ctx *ctx, const char *name);
int64_t kz_cli_flag_int(const kz_cli_ctx *ctx, const char *name);
const char *kz_cli_flag_string(const kz_cli_ctx *ctx, const char *name); /* "" if none */
/* Whether the user gave the flag (as opposed to its default). */
bool kz_cli_flag_changed(const kz_cli_ctx *ctx, const char *name);

/* Report a failure in the tool's words ("Error: msg" for cobra/Helm, "error: msg"
 * for kubectl) on ctx->err. Returns 1, so `return kz_cli_fail(ctx, ...);`. */
int kz_cli_fail(kz_cli_ctx *ctx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* "hm version": the names of ctx->path joined by spaces, appended to b. */
void kz_cli_command_path(const kz_cli_ctx *ctx, kz_buf *b);

/* ---- rendering (exposed for tests and for tools that need it) ---- */

/* The full help of the command at path[0..depth) (root first), as `--help`
 * prints it: long description, then the usage block. */
void kz_cli_render_help(const kz_cli_app *app, const kz_cmd *const *path, size_t depth,
                        kz_buf *b);
/* The usage block alone (Usage:, Aliases:, Examples:, commands, flags). */
void kz_cli_render_usage(const kz_cli_app *app, const kz_cmd *const *path, size_t depth,
                         kz_buf *b);

/* The name of a command: the first word of its use line. Appended to b. */
void kz_cli_cmd_name(const kz_cmd *cmd, kz_buf *b);

#endif
