/*
 * Help rendering in cobra's layout, so that `hm --help` reads like `helm --help`:
 *
 *   <long or short description, trailing blanks trimmed>
 *   <blank line>
 *   Usage:            use line, and "PATH [command]" when there are subcommands
 *   Aliases:          name, alias, ...
 *   Examples:         verbatim
 *   Available Commands:  name padded to the longest sibling (at least 11)
 *   Flags:            the command's own flags, pflag's two-column layout
 *   Global Flags:     persistent flags inherited from ancestors
 *   Use "PATH [command] --help" for more information about a command.
 */
#include <stdlib.h>
#include <string.h>

#include "cli/cli_internal.h"
#include "core/alloc.h"

enum { MIN_NAME_PADDING = 11 };

size_t cli_name_len(const kz_cmd *cmd) {
    const char *sp = strchr(cmd->use, ' ');
    return sp ? (size_t)(sp - cmd->use) : strlen(cmd->use);
}

void kz_cli_cmd_name(const kz_cmd *cmd, kz_buf *b) {
    kz_buf_append(b, cmd->use, cli_name_len(cmd));
}

void cli_command_path(const kz_cmd *const *path, size_t depth, kz_buf *b) {
    for (size_t i = 0; i < depth; i++) {
        if (i > 0) kz_buf_putc(b, ' ');
        kz_cli_cmd_name(path[i], b);
    }
}

/* "hm version [flags]": the parent's path, the use line, and "[flags]" unless the
 * use line already mentions it (every command has at least --help). */
void cli_use_line(const kz_cmd *const *path, size_t depth, kz_buf *b) {
    size_t start = b->len;
    if (depth > 1) {
        cli_command_path(path, depth - 1, b);
        kz_buf_putc(b, ' ');
    }
    kz_buf_puts(b, path[depth - 1]->use);
    if (strstr(b->data + start, "[flags]") == NULL) {
        kz_buf_puts(b, " [flags]");
    }
}

static void trim_trailing_space(kz_buf *b, size_t from) {
    while (b->len > from && strchr(" \t\n\r\v\f", b->data[b->len - 1]) != NULL) {
        b->data[--b->len] = 0;
    }
}

/* cobra: a command is listed if it is visible and does something (runs, or
 * groups visible commands). The help command is listed although it is not
 * "available" in that sense. */
static bool has_visible_children(const kz_cmd *const *path, size_t depth);

static bool is_listed(const kz_cmd *const *path, size_t depth, const kz_cmd *child) {
    if (child == &cli_help_cmd) return true;
    if (child->hidden) return false;
    if (child->run != NULL) return true;
    const kz_cmd *sub[KZ_CLI_MAX_DEPTH];
    if (depth >= KZ_CLI_MAX_DEPTH) return false;
    memcpy(sub, path, depth * sizeof *path);
    sub[depth] = child;
    return has_visible_children(sub, depth + 1);
}

static bool has_visible_children(const kz_cmd *const *path, size_t depth) {
    const kz_cmd *kids[CLI_MAX_CHILDREN];
    size_t n = cli_children(path, depth, kids, CLI_MAX_CHILDREN);
    for (size_t i = 0; i < n; i++) {
        if (kids[i] != &cli_help_cmd && is_listed(path, depth, kids[i])) return true;
    }
    return false;
}

static void render_commands(const kz_cmd *const *path, size_t depth, kz_buf *b) {
    const kz_cmd *kids[CLI_MAX_CHILDREN];
    size_t n = cli_children(path, depth, kids, CLI_MAX_CHILDREN);
    qsort(kids, n, sizeof *kids, cli_cmd_cmp);
    size_t pad = MIN_NAME_PADDING;
    for (size_t i = 0; i < n; i++) { /* cobra measures hidden ones too */
        if (cli_name_len(kids[i]) > pad) pad = cli_name_len(kids[i]);
    }
    kz_buf_puts(b, "\n\nAvailable Commands:");
    for (size_t i = 0; i < n; i++) {
        if (!is_listed(path, depth, kids[i])) continue;
        kz_buf_puts(b, "\n  ");
        size_t len = cli_name_len(kids[i]);
        kz_buf_append(b, kids[i]->use, len);
        kz_buf_repeat(b, ' ', pad - len + 1);
        kz_buf_puts(b, kids[i]->short_desc ? kids[i]->short_desc : "");
    }
}

/* ---- flags in pflag's layout ---- */

static const char *type_varname(const kz_flag_def *def) {
    if (def->varname != NULL) return def->varname;
    switch (def->type) {
    case KZ_FLAG_BOOL: return "";
    case KZ_FLAG_STRING: return "string";
    case KZ_FLAG_INT: return "int";
    case KZ_FLAG_STRING_ARRAY: return "stringArray";
    case KZ_FLAG_STRING_SLICE: return "strings";
    }
    return "";
}

static bool default_is_zero(const kz_flag_def *def) {
    if (def->def == NULL) return true;
    switch (def->type) {
    case KZ_FLAG_BOOL: return strcmp(def->def, "false") == 0;
    case KZ_FLAG_INT: return strcmp(def->def, "0") == 0;
    case KZ_FLAG_STRING: return def->def[0] == 0;
    default: return true;
    }
}

static int cmp_flag_name(const void *a, const void *b) {
    const cli_flag *x = *(const cli_flag *const *)a, *y = *(const cli_flag *const *)b;
    return strcmp(x->def->name, y->def->name);
}

/* One flag's left column: "  -n, --namespace string" or "      --debug". */
static void flag_left(const kz_flag_def *def, kz_buf *b) {
    if (def->shorthand != 0) {
        kz_buf_printf(b, "  -%c, --%s", def->shorthand, def->name);
    } else {
        kz_buf_printf(b, "      --%s", def->name);
    }
    const char *var = type_varname(def);
    if (var[0] != 0) {
        kz_buf_putc(b, ' ');
        kz_buf_puts(b, var);
    }
    if (def->no_opt_default != NULL && def->type != KZ_FLAG_BOOL) {
        if (def->type == KZ_FLAG_STRING) {
            kz_buf_printf(b, "[=\"%s\"]", def->no_opt_default);
        } else {
            kz_buf_printf(b, "[=%s]", def->no_opt_default);
        }
    }
}

static void flag_right(const cli_flag *f, const char *cmd_name, kz_buf *b) {
    if (f->is_help) {
        kz_buf_printf(b, "help for %s", cmd_name);
        return;
    }
    kz_buf_puts(b, f->def->usage ? f->def->usage : "");
    if (!default_is_zero(f->def)) {
        kz_buf_puts(b, " (default ");
        /* pflag quotes defaults of plain string flags only; a flag with its own
         * value-type name (Helm's "format") prints it bare. */
        if (f->def->type == KZ_FLAG_STRING && f->def->varname == NULL) {
            cli_go_quote(b, f->def->def);
        } else {
            kz_buf_puts(b, f->def->def);
        }
        kz_buf_putc(b, ')');
    }
}

/* The flags of fs with inherited == want_inherited, sorted, two columns whose
 * gap is three spaces after the longest left column. */
static void render_flags(const cli_flagset *fs, bool want_inherited, const char *cmd_name,
                         kz_buf *b) {
    const cli_flag **sel = kz_xmalloc((fs->len + 1) * sizeof *sel);
    size_t n = 0;
    for (size_t i = 0; i < fs->len; i++) {
        if (fs->items[i].inherited == want_inherited && !fs->items[i].def->hidden) {
            sel[n++] = &fs->items[i];
        }
    }
    qsort(sel, n, sizeof *sel, cmp_flag_name);
    kz_buf left = KZ_BUF_INIT;
    size_t width = 0;
    for (size_t i = 0; i < n; i++) {
        kz_buf_clear(&left);
        flag_left(sel[i]->def, &left);
        if (left.len > width) width = left.len;
    }
    size_t start = b->len;
    for (size_t i = 0; i < n; i++) {
        kz_buf_clear(&left);
        flag_left(sel[i]->def, &left);
        kz_buf_append(b, left.data, left.len);
        kz_buf_repeat(b, ' ', width - left.len + 3);
        flag_right(sel[i], cmd_name, b);
        kz_buf_putc(b, '\n');
    }
    trim_trailing_space(b, start);
    kz_buf_free(&left);
    free(sel);
}

static bool any_visible(const cli_flagset *fs, bool want_inherited) {
    for (size_t i = 0; i < fs->len; i++) {
        if (fs->items[i].inherited == want_inherited && !fs->items[i].def->hidden) return true;
    }
    return false;
}

void kz_cli_render_usage(const kz_cli_app *app, const kz_cmd *const *path, size_t depth,
                         kz_buf *b) {
    (void)app;
    const kz_cmd *cmd = path[depth - 1];
    bool subs = has_visible_children(path, depth);
    kz_buf_puts(b, "Usage:");
    if (cmd->run != NULL) {
        kz_buf_puts(b, "\n  ");
        cli_use_line(path, depth, b);
    }
    if (subs) {
        kz_buf_puts(b, "\n  ");
        cli_command_path(path, depth, b);
        kz_buf_puts(b, " [command]");
    }
    if (cmd->aliases != NULL && cmd->aliases[0] != NULL) {
        kz_buf_puts(b, "\n\nAliases:\n  ");
        kz_cli_cmd_name(cmd, b);
        for (const char *const *a = cmd->aliases; *a; a++) {
            kz_buf_printf(b, ", %s", *a);
        }
    }
    if (cmd->example != NULL && cmd->example[0] != 0) {
        kz_buf_puts(b, "\n\nExamples:\n");
        kz_buf_puts(b, cmd->example);
    }
    if (subs) render_commands(path, depth, b);

    cli_flagset fs;
    cli_flagset_build(&fs, path, depth, true);
    kz_buf name = KZ_BUF_INIT;
    kz_cli_cmd_name(cmd, &name);
    if (any_visible(&fs, false)) {
        kz_buf_puts(b, "\n\nFlags:\n");
        render_flags(&fs, false, kz_buf_cstr(&name), b);
    }
    if (any_visible(&fs, true)) {
        kz_buf_puts(b, "\n\nGlobal Flags:\n");
        render_flags(&fs, true, kz_buf_cstr(&name), b);
    }
    kz_buf_free(&name);
    cli_flagset_free(&fs);

    if (subs) {
        kz_buf_puts(b, "\n\nUse \"");
        cli_command_path(path, depth, b);
        kz_buf_puts(b, " [command] --help\" for more information about a command.");
    }
    kz_buf_putc(b, '\n');
}

void kz_cli_render_help(const kz_cli_app *app, const kz_cmd *const *path, size_t depth,
                        kz_buf *b) {
    const kz_cmd *cmd = path[depth - 1];
    const char *text = cmd->long_desc && cmd->long_desc[0] ? cmd->long_desc : cmd->short_desc;
    if (text != NULL && text[0] != 0) {
        size_t start = b->len;
        kz_buf_puts(b, text);
        trim_trailing_space(b, start);
        kz_buf_puts(b, "\n\n");
    }
    const kz_cmd *kids[CLI_MAX_CHILDREN];
    if (cmd->run != NULL || cli_children(path, depth, kids, CLI_MAX_CHILDREN) > 0) {
        kz_cli_render_usage(app, path, depth, b);
    }
}
