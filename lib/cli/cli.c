/*
 * Command dispatch and flag parsing, in two phases as cobra does them:
 *
 *  1. find: walk the words of the command line, skipping flags (and the value
 *     after a flag that needs one), and descend into the subcommand each first
 *     remaining word names. Only flags declared so far are known here; the
 *     implicit -h/--help is not, so `hm -h version` shows hm's help, as
 *     `helm -h version` shows helm's.
 *  2. parse: parse every remaining argument against the full flag set of the
 *     command found (its own, its persistent, its ancestors' persistent flags
 *     and --help), collecting positional arguments, pflag-style.
 *
 * Then: --help shows help; a command without a run callback shows its help; the
 * positional-argument rule is checked; the run callback runs.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli_internal.h"
#include "core/alloc.h"

/* ---- the help command ---- */

static int run_help(kz_cli_ctx *ctx);

const kz_cmd cli_help_cmd = {
    .use = "help [command]",
    .short_desc = "Show help for any command",
    .long_desc = "Show the help of any command: give the words you would type to run it,\n"
                 "for example \"help version\".",
    .run = run_help,
};

static bool has_own_help_child(const kz_cmd *cmd) {
    for (const kz_cmd *const *s = cmd->subcommands; s && *s; s++) {
        if (cli_name_len(*s) == 4 && memcmp((*s)->use, "help", 4) == 0) return true;
    }
    return false;
}

size_t cli_children(const kz_cmd *const *path, size_t depth, const kz_cmd **out, size_t cap) {
    const kz_cmd *cmd = path[depth - 1];
    size_t n = 0;
    for (const kz_cmd *const *s = cmd->subcommands; s && *s && n < cap; s++) {
        out[n++] = *s;
    }
    if (depth == 1 && n > 0 && n < cap && !has_own_help_child(cmd)) {
        out[n++] = &cli_help_cmd;
    }
    return n;
}

/* ---- phase 1: find the command ---- */

static bool word_is(const char *word, const kz_cmd *cmd) {
    size_t len = cli_name_len(cmd);
    if (strlen(word) == len && memcmp(word, cmd->use, len) == 0) return true;
    for (const char *const *a = cmd->aliases; a && *a; a++) {
        if (strcmp(word, *a) == 0) return true;
    }
    return false;
}

static const kz_cmd *child_named(const kz_cmd *const *path, size_t depth, const char *word) {
    const kz_cmd *kids[CLI_MAX_CHILDREN];
    size_t n = cli_children(path, depth, kids, CLI_MAX_CHILDREN);
    for (size_t i = 0; i < n; i++) {
        if (word_is(word, kids[i])) return kids[i];
    }
    return NULL;
}

/* Whether `arg` is a flag that will consume the next argument as its value:
 * "--name" or "-n" (exactly) without "=", not known to work bare. Unknown flags
 * count as taking a value, as in cobra. */
static bool flag_eats_next(const cli_flagset *fs, const char *arg) {
    if (strchr(arg, '=') != NULL) return false;
    if (arg[0] == '-' && arg[1] == '-') {
        const cli_flag *f = cli_flagset_find(fs, arg + 2, strlen(arg + 2));
        return f == NULL || !cli_flag_takes_no_value(f->def);
    }
    if (arg[0] == '-' && arg[1] != 0 && arg[2] == 0) {
        const cli_flag *f = cli_flagset_find_short(fs, arg[1]);
        return f == NULL || !cli_flag_takes_no_value(f->def);
    }
    return false;
}

/* Index of the first non-flag word of args (skipping flag values), or -1. */
static ptrdiff_t first_word(const cli_flagset *fs, const char **args, size_t n) {
    for (size_t i = 0; i < n; i++) {
        const char *s = args[i];
        if (strcmp(s, "--") == 0) return -1;
        if (s[0] == '-') {
            if (flag_eats_next(fs, s)) i++;
            continue;
        }
        if (s[0] != 0) return (ptrdiff_t)i;
    }
    return -1;
}

/* Descend from the root along the subcommand words in args; the words used are
 * removed from args (*n shrinks). */
static void find_command(const kz_cli_app *app, const char **args, size_t *n,
                         const kz_cmd **path, size_t *depth) {
    path[0] = app->root;
    *depth = 1;
    while (*depth < KZ_CLI_MAX_DEPTH) {
        cli_flagset fs;
        cli_flagset_build(&fs, path, *depth, false);
        ptrdiff_t w = first_word(&fs, args, *n);
        cli_flagset_free(&fs);
        if (w < 0) return;
        const kz_cmd *next = child_named(path, *depth, args[w]);
        if (next == NULL) return;
        memmove(&args[w], &args[w + 1], (*n - (size_t)w - 1) * sizeof *args);
        (*n)--;
        path[(*depth)++] = next;
    }
}

/* ---- "Did you mean this?" ---- */

static char lower(char c) { return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c; }

/* Case-insensitive edit distance between a and b. */
static size_t edit_distance(const char *a, size_t la, const char *b, size_t lb) {
    size_t *row = kz_xmalloc((lb + 1) * sizeof *row);
    for (size_t j = 0; j <= lb; j++) row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j];
            size_t cost = lower(a[i - 1]) == lower(b[j - 1]) ? 0 : 1;
            size_t best = diag + cost;
            if (up + 1 < best) best = up + 1;
            if (row[j - 1] + 1 < best) best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    size_t d = row[lb];
    free(row);
    return d;
}

static bool is_prefix_ci(const char *prefix, const char *s, size_t slen) {
    size_t lp = strlen(prefix);
    if (lp > slen) return false;
    for (size_t i = 0; i < lp; i++) {
        if (lower(prefix[i]) != lower(s[i])) return false;
    }
    return true;
}

int cli_cmd_cmp(const void *a, const void *b) {
    const kz_cmd *x = *(const kz_cmd *const *)a, *y = *(const kz_cmd *const *)b;
    size_t lx = cli_name_len(x), ly = cli_name_len(y);
    int c = memcmp(x->use, y->use, lx < ly ? lx : ly);
    return c != 0 ? c : (lx > ly) - (lx < ly);
}

/* Commands within two edits of the typo, or starting with it. */
static void suggestions(const kz_cmd *const *path, size_t depth, const char *typed, kz_buf *b) {
    const kz_cmd *kids[CLI_MAX_CHILDREN];
    size_t n = cli_children(path, depth, kids, CLI_MAX_CHILDREN);
    qsort(kids, n, sizeof *kids, cli_cmd_cmp);
    bool any = false;
    for (size_t i = 0; i < n; i++) {
        const kz_cmd *k = kids[i];
        if (k == &cli_help_cmd || k->hidden || (k->run == NULL && k->subcommands == NULL)) continue;
        size_t len = cli_name_len(k);
        if (edit_distance(typed, strlen(typed), k->use, len) <= 2 ||
            is_prefix_ci(typed, k->use, len)) {
            if (!any) kz_buf_puts(b, "\n\nDid you mean this?\n");
            any = true;
            kz_buf_putc(b, '\t');
            kz_buf_append(b, k->use, len);
            kz_buf_putc(b, '\n');
        }
    }
}

/* ---- phase 2: parse flags ---- */

typedef struct parse_state {
    const cli_flagset *fs;
    kz_value values;  /* name -> value */
    kz_value changed; /* name -> true */
    const char **pos; /* positional arguments */
    size_t npos;
    kz_buf *msg;      /* the error, without "Error: " */
} parse_state;

static bool set_value(parse_state *st, const cli_flag *f, const char *text) {
    kz_value *slot = kz_map_get_mut(&st->values, f->def->name, strlen(f->def->name));
    bool first = kz_map_getz(&st->changed, f->def->name) == NULL;
    if (first && (f->def->type == KZ_FLAG_STRING_ARRAY || f->def->type == KZ_FLAG_STRING_SLICE)) {
        kz_seq_truncate(slot, 0); /* the first use replaces the default */
    }
    kz_buf why = KZ_BUF_INIT;
    bool ok = cli_flag_set(f->def, slot, text, &why);
    if (!ok) {
        kz_buf_puts(st->msg, "invalid argument ");
        cli_go_quote(st->msg, text);
        kz_buf_puts(st->msg, " for \"");
        if (f->def->shorthand != 0) kz_buf_printf(st->msg, "-%c, ", f->def->shorthand);
        kz_buf_printf(st->msg, "--%s\" flag: %s", f->def->name, kz_buf_cstr(&why));
    } else {
        kz_map_setz(&st->changed, f->def->name, kz_bool(true));
    }
    kz_buf_free(&why);
    return ok;
}

/* "--name", "--name=value", "--name value". *i indexes args; may advance. */
static bool parse_long(parse_state *st, const char **args, size_t n, size_t *i) {
    const char *s = args[*i];
    const char *name = s + 2;
    if (name[0] == '-' || name[0] == '=') {
        kz_buf_printf(st->msg, "bad flag syntax: %s", s);
        return false;
    }
    const char *eq = strchr(name, '=');
    size_t len = eq ? (size_t)(eq - name) : strlen(name);
    const cli_flag *f = cli_flagset_find(st->fs, name, len);
    if (f == NULL) {
        kz_buf_puts(st->msg, "unknown flag: --");
        kz_buf_append(st->msg, name, len);
        return false;
    }
    if (eq != NULL) return set_value(st, f, eq + 1);
    if (cli_flag_takes_no_value(f->def)) return set_value(st, f, cli_flag_bare_value(f->def));
    if (*i + 1 < n) {
        (*i)++;
        return set_value(st, f, args[*i]);
    }
    kz_buf_printf(st->msg, "flag needs an argument: %s", s);
    return false;
}

/* "-abc", "-nvalue", "-n=value", "-n value". */
static bool parse_short(parse_state *st, const char **args, size_t n, size_t *i) {
    const char *shorts = args[*i] + 1;
    while (*shorts) {
        char c = shorts[0];
        const cli_flag *f = cli_flagset_find_short(st->fs, c);
        if (f == NULL) {
            kz_buf_printf(st->msg, "unknown shorthand flag: '%c' in -%s", c, shorts);
            return false;
        }
        if (shorts[1] == '=' && shorts[2] != 0) {
            return set_value(st, f, shorts + 2);
        }
        if (cli_flag_takes_no_value(f->def)) {
            if (!set_value(st, f, cli_flag_bare_value(f->def))) return false;
            shorts++;
            continue;
        }
        if (shorts[1] != 0) return set_value(st, f, shorts + 1);
        if (*i + 1 < n) {
            (*i)++;
            return set_value(st, f, args[*i]);
        }
        kz_buf_printf(st->msg, "flag needs an argument: '%c' in -%s", c, shorts);
        return false;
    }
    return true;
}

static bool parse_flags(parse_state *st, const char **args, size_t n) {
    for (size_t i = 0; i < n; i++) {
        const char *s = args[i];
        if (s[0] != '-' || s[1] == 0) {
            st->pos[st->npos++] = s; /* flags and arguments may interleave */
        } else if (strcmp(s, "--") == 0) {
            for (i++; i < n; i++) st->pos[st->npos++] = args[i];
        } else if (s[1] == '-') {
            if (!parse_long(st, args, n, &i)) return false;
        } else {
            if (!parse_short(st, args, n, &i)) return false;
        }
    }
    return true;
}

/* ---- error reporting in each tool's words ---- */

static void usage_hint(const kz_cli_app *app, const kz_cmd *const *path, size_t depth,
                       kz_buf *err) {
    switch (app->style) {
    case KZ_CLI_STYLE_COBRA:
        kz_cli_render_usage(app, path, depth, err);
        kz_buf_putc(err, '\n');
        break;
    case KZ_CLI_STYLE_HELM:
        break;
    case KZ_CLI_STYLE_KUBECTL:
        kz_buf_puts(err, "See '");
        cli_command_path(path, depth, err);
        kz_buf_puts(err, " --help' for usage.\n");
        break;
    }
}

static void plural_args(kz_buf *b, int n) {
    kz_buf_printf(b, "%d %s", n, n == 1 ? "argument" : "arguments");
}

/* Helm's wording (its cmd/require package): the command, the rule, and the use
 * line so the user sees what is expected. */
static void helm_args_message(const kz_cmd *const *path, size_t depth, size_t got, kz_buf *m) {
    const kz_args_rule *r = &path[depth - 1]->args;
    kz_buf cmdpath = KZ_BUF_INIT;
    cli_command_path(path, depth, &cmdpath);
    cli_go_quote(m, kz_buf_cstr(&cmdpath));
    kz_buf_free(&cmdpath);
    switch (r->kind) {
    case KZ_ARGS_NONE: kz_buf_puts(m, " accepts no arguments"); break;
    case KZ_ARGS_EXACT: kz_buf_puts(m, " requires "); plural_args(m, r->min); break;
    case KZ_ARGS_MIN: kz_buf_puts(m, " requires at least "); plural_args(m, r->min); break;
    case KZ_ARGS_MAX: kz_buf_puts(m, " accepts at most "); plural_args(m, r->max); break;
    case KZ_ARGS_RANGE:
        if ((int)got < r->min) {
            kz_buf_puts(m, " requires at least ");
            plural_args(m, r->min);
        } else {
            kz_buf_puts(m, " accepts at most ");
            plural_args(m, r->max);
        }
        break;
    case KZ_ARGS_LEGACY: break;
    }
    kz_buf_puts(m, "\n\nUsage:  ");
    cli_use_line(path, depth, m);
}

/* cobra's own wording (kustomize, kubectl). */
static void cobra_args_message(const kz_cli_app *app, const kz_cmd *const *path, size_t depth,
                               const char *const *args, size_t got, kz_buf *m) {
    const kz_args_rule *r = &path[depth - 1]->args;
    bool too_many = (r->kind == KZ_ARGS_NONE) ||
                    ((r->kind == KZ_ARGS_MAX || r->kind == KZ_ARGS_RANGE || r->kind == KZ_ARGS_EXACT) &&
                     (int)got > (r->kind == KZ_ARGS_EXACT ? r->min : r->max));
    if (app->style == KZ_CLI_STYLE_KUBECTL && too_many) {
        kz_buf_puts(m, "unexpected arguments: [");
        for (size_t i = 0; i < got; i++) kz_buf_printf(m, "%s%s", i ? " " : "", args[i]);
        kz_buf_putc(m, ']');
        return;
    }
    switch (r->kind) {
    case KZ_ARGS_NONE: {
        kz_buf_puts(m, "unknown command ");
        cli_go_quote(m, args[0]);
        kz_buf_puts(m, " for ");
        kz_buf p = KZ_BUF_INIT;
        cli_command_path(path, depth, &p);
        cli_go_quote(m, kz_buf_cstr(&p));
        kz_buf_free(&p);
        break;
    }
    case KZ_ARGS_EXACT: kz_buf_printf(m, "accepts %d arg(s), received %zu", r->min, got); break;
    case KZ_ARGS_MIN: kz_buf_printf(m, "requires at least %d arg(s), only received %zu", r->min, got); break;
    case KZ_ARGS_MAX: kz_buf_printf(m, "accepts at most %d arg(s), received %zu", r->max, got); break;
    case KZ_ARGS_RANGE:
        kz_buf_printf(m, "accepts between %d and %d arg(s), received %zu", r->min, r->max, got);
        break;
    case KZ_ARGS_LEGACY: break;
    }
}

static bool args_ok(const kz_args_rule *r, size_t got) {
    long n = (long)got;
    switch (r->kind) {
    case KZ_ARGS_LEGACY: return true;
    case KZ_ARGS_NONE: return n == 0;
    case KZ_ARGS_EXACT: return n == r->min;
    case KZ_ARGS_MIN: return n >= r->min;
    case KZ_ARGS_MAX: return n <= r->max;
    case KZ_ARGS_RANGE: return n >= r->min && n <= r->max;
    }
    return true;
}

static void report_args_error(const kz_cli_app *app, const kz_cmd *const *path, size_t depth,
                               const char *const *args, size_t got, kz_buf *err) {
    if (app->style == KZ_CLI_STYLE_HELM) {
        kz_buf_puts(err, "Error: ");
        helm_args_message(path, depth, got, err);
        kz_buf_putc(err, '\n');
        return;
    }
    if (app->style == KZ_CLI_STYLE_KUBECTL) {
        kz_buf_puts(err, "error: ");
        cobra_args_message(app, path, depth, args, got, err);
        kz_buf_puts(err, "\nSee '");
        cli_command_path(path, depth, err);
        kz_buf_puts(err, " -h' for help and examples\n");
        return;
    }
    kz_buf_puts(err, "Error: ");
    cobra_args_message(app, path, depth, args, got, err);
    kz_buf_putc(err, '\n');
    usage_hint(app, path, depth, err);
}

static void report_unknown_command(const kz_cli_app *app, const kz_cmd *const *path,
                                   size_t depth, const char *word, kz_buf *err) {
    kz_buf_puts(err, "Error: unknown command ");
    cli_go_quote(err, word);
    kz_buf_puts(err, " for ");
    kz_buf p = KZ_BUF_INIT;
    cli_command_path(path, depth, &p);
    cli_go_quote(err, kz_buf_cstr(&p));
    suggestions(path, depth, word, err);
    kz_buf_putc(err, '\n');
    if (app->style != KZ_CLI_STYLE_KUBECTL) {
        kz_buf_printf(err, "Run '%s --help' for usage.\n", kz_buf_cstr(&p));
    }
    kz_buf_free(&p);
}

/* cobra's legacy rule: a root with subcommands and no explicit argument rule
 * takes no positional words: the first one is an unknown command. Returns the
 * index of that word in args, or -1. */
static ptrdiff_t legacy_unknown_word(const kz_cmd *const *path, size_t depth,
                                     const char **args, size_t n) {
    const kz_cmd *cmd = path[depth - 1];
    const kz_cmd *kids[CLI_MAX_CHILDREN];
    if (depth != 1 || cmd->args.kind != KZ_ARGS_LEGACY ||
        cli_children(path, depth, kids, CLI_MAX_CHILDREN) == 0) {
        return -1;
    }
    cli_flagset fs;
    cli_flagset_build(&fs, path, depth, false);
    ptrdiff_t w = first_word(&fs, args, n);
    cli_flagset_free(&fs);
    return w;
}

/* ---- execute ---- */

static void init_values(const cli_flagset *fs, kz_value *values) {
    *values = kz_map();
    for (size_t i = 0; i < fs->len; i++) {
        kz_map_setz(values, fs->items[i].def->name, cli_flag_default(fs->items[i].def));
    }
}

void kz_cli_err_first(kz_cli_ctx *ctx) {
    if (ctx->app->err_first) *ctx->app->err_first = true;
}

int kz_cli_execute(const kz_cli_app *app, int argc, const char *const *argv,
                   kz_buf *out, kz_buf *err) {
    size_t n = argc > 1 ? (size_t)argc - 1 : 0;
    const char **args = kz_xmalloc((n + 1) * sizeof *args);
    for (size_t i = 0; i < n; i++) args[i] = argv[i + 1];

    kz_cli_ctx ctx = {.app = app, .out = out, .err = err, .user = app->user};
    find_command(app, args, &n, ctx.path, &ctx.depth);
    const kz_cmd *cmd = ctx.path[ctx.depth - 1];
    ctx.cmd = cmd;
    int code = 0;

    ptrdiff_t unknown = legacy_unknown_word(ctx.path, ctx.depth, args, n);
    if (unknown >= 0) {
        report_unknown_command(app, ctx.path, ctx.depth, args[unknown], err);
        free(args);
        return 1;
    }

    cli_flagset fs;
    cli_flagset_build(&fs, ctx.path, ctx.depth, true);
    kz_buf msg = KZ_BUF_INIT;
    parse_state st = {.fs = &fs, .changed = kz_map(), .msg = &msg};
    init_values(&fs, &st.values);
    st.pos = kz_xmalloc((n + 1) * sizeof *st.pos);

    if (!parse_flags(&st, args, n)) {
        kz_buf_printf(err, "Error: %s\n", kz_buf_cstr(&msg));
        usage_hint(app, ctx.path, ctx.depth, err);
        code = 1;
    } else if (kz_bool_get(kz_map_getz(&st.values, "help")) || cmd->run == NULL) {
        kz_cli_render_help(app, ctx.path, ctx.depth, out);
    } else if (!args_ok(&cmd->args, st.npos)) {
        report_args_error(app, ctx.path, ctx.depth, st.pos, st.npos, err);
        code = 1;
    } else {
        ctx.argc = st.npos;
        ctx.argv = st.pos;
        ctx.flag_values_ = st.values;
        ctx.changed_ = st.changed;
        code = cmd->run(&ctx);
    }
    kz_free(st.values);
    kz_free(st.changed);
    kz_buf_free(&msg);
    free(st.pos);
    free(args);
    cli_flagset_free(&fs);
    return code;
}

/* ---- the help command's action ---- */

/* Go's %#q of a []string: [`a` `b`]. */
static void topic_list(const char *const *words, size_t n, kz_buf *b) {
    kz_buf_putc(b, '[');
    for (size_t i = 0; i < n; i++) {
        if (i > 0) kz_buf_putc(b, ' ');
        bool plain = strchr(words[i], '`') == NULL;
        for (const char *p = words[i]; *p && plain; p++) {
            if ((unsigned char)*p < 0x20 || *p == 0x7f) plain = false;
        }
        if (plain) {
            kz_buf_printf(b, "`%s`", words[i]);
        } else {
            cli_go_quote(b, words[i]);
        }
    }
    kz_buf_putc(b, ']');
}

static int run_help(kz_cli_ctx *ctx) {
    size_t n = ctx->argc;
    const char **words = kz_xmalloc((n + 1) * sizeof *words);
    for (size_t i = 0; i < n; i++) words[i] = ctx->argv[i];
    const kz_cmd *path[KZ_CLI_MAX_DEPTH];
    size_t depth;
    find_command(ctx->app, words, &n, path, &depth);
    if (legacy_unknown_word(path, depth, words, n) >= 0) {
        /* cobra shows this, and the root's usage, on stderr and still succeeds */
        kz_buf_puts(ctx->err, "Unknown help topic ");
        topic_list(ctx->argv, ctx->argc, ctx->err);
        kz_buf_putc(ctx->err, '\n');
        kz_cli_render_usage(ctx->app, path, 1, ctx->err);
    } else {
        kz_cli_render_help(ctx->app, path, depth, ctx->out);
    }
    free(words);
    return 0;
}

/* ---- accessors ---- */

const kz_value *kz_cli_flag(const kz_cli_ctx *ctx, const char *name) {
    return kz_map_getz(&ctx->flag_values_, name);
}

bool kz_cli_flag_bool(const kz_cli_ctx *ctx, const char *name) {
    const kz_value *v = kz_cli_flag(ctx, name);
    return v != NULL && kz_bool_get(v);
}

int64_t kz_cli_flag_int(const kz_cli_ctx *ctx, const char *name) {
    const kz_value *v = kz_cli_flag(ctx, name);
    return v != NULL ? kz_int_get(v) : 0;
}

const char *kz_cli_flag_string(const kz_cli_ctx *ctx, const char *name) {
    const kz_value *v = kz_cli_flag(ctx, name);
    return v != NULL ? kz_str(v) : "";
}

bool kz_cli_flag_changed(const kz_cli_ctx *ctx, const char *name) {
    return kz_map_getz(&ctx->changed_, name) != NULL;
}

int kz_cli_fail(kz_cli_ctx *ctx, const char *fmt, ...) {
    kz_buf_puts(ctx->err, ctx->app->style == KZ_CLI_STYLE_KUBECTL ? "error: " : "Error: ");
    va_list ap;
    va_start(ap, fmt);
    kz_buf_vprintf(ctx->err, fmt, ap);
    va_end(ap);
    kz_buf_putc(ctx->err, '\n');
    return 1;
}

void kz_cli_command_path(const kz_cli_ctx *ctx, kz_buf *b) {
    cli_command_path(ctx->path, ctx->depth, b);
}
