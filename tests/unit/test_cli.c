/*
 * Unit tests of the cli framework (lib/cli/cli.h): flag forms, command dispatch,
 * error messages in the three styles, help rendering.
 *
 * The test tree "app" has persistent flags on the root, a runnable "run" command
 * with one flag of each type, a "group" that only groups "leaf", and a hidden
 * command. The run callback prints what it received, so each test compares one
 * string.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/buf.h"

/* ---- the test tree ---- */

static void dump_value(const kz_value *v, kz_buf *o) {
    switch (kz_kind_of(v)) {
    case KZ_BOOL: kz_buf_puts(o, kz_bool_get(v) ? "true" : "false"); break;
    case KZ_INT: kz_buf_printf(o, "%" PRId64, kz_int_get(v)); break;
    case KZ_STRING: kz_buf_printf(o, "'%s'", kz_str(v)); break;
    case KZ_SEQ:
        kz_buf_putc(o, '[');
        for (size_t i = 0; i < kz_len(v); i++) {
            kz_buf_printf(o, "%s'%s'", i ? " " : "", kz_str(kz_seq_at(v, i)));
        }
        kz_buf_putc(o, ']');
        break;
    default: kz_buf_puts(o, "?");
    }
}

/* "path=app run args=[x] namespace='foo'": the command, its arguments and every
 * flag the user set. */
static int dump_run(kz_cli_ctx *ctx) {
    static const char *const names[] = {"namespace", "debug", "kube-context", "set", "values",
                                        "timeout", "all", "brief", "output", "dry-run",
                                        "secret", "help", NULL};
    kz_buf *o = ctx->out;
    kz_buf_puts(o, "path=");
    kz_cli_command_path(ctx, o);
    kz_buf_puts(o, " args=[");
    for (size_t i = 0; i < ctx->argc; i++) kz_buf_printf(o, "%s%s", i ? " " : "", ctx->argv[i]);
    kz_buf_putc(o, ']');
    for (const char *const *n = names; *n; n++) {
        if (!kz_cli_flag_changed(ctx, *n)) continue;
        kz_buf_printf(o, " %s=", *n);
        dump_value(kz_cli_flag(ctx, *n), o);
    }
    kz_buf_putc(o, '\n');
    return 0;
}

static int fail_run(kz_cli_ctx *ctx) { return kz_cli_fail(ctx, "it broke: %d", 42); }

static const kz_flag_def root_pflags[] = {
    {.name = "namespace", .shorthand = 'n', .type = KZ_FLAG_STRING, .usage = "namespace to work in"},
    {.name = "debug", .type = KZ_FLAG_BOOL, .usage = "say more"},
    {.name = "kube-context", .type = KZ_FLAG_STRING, .usage = "context to use"},
    {0},
};

static const kz_flag_def run_flags[] = {
    {.name = "set", .type = KZ_FLAG_STRING_ARRAY, .usage = "set a value"},
    {.name = "values", .shorthand = 'f', .type = KZ_FLAG_STRING_SLICE, .usage = "values files"},
    {.name = "timeout", .type = KZ_FLAG_INT, .def = "300", .usage = "seconds to wait"},
    {.name = "all", .shorthand = 'a', .type = KZ_FLAG_BOOL, .usage = "all of them"},
    {.name = "brief", .shorthand = 'b', .type = KZ_FLAG_BOOL, .usage = "be brief"},
    {.name = "output", .shorthand = 'o', .type = KZ_FLAG_STRING, .def = "table",
     .varname = "format", .usage = "output format"},
    {.name = "dry-run", .type = KZ_FLAG_STRING, .no_opt_default = "client", .usage = "only pretend"},
    {.name = "secret", .type = KZ_FLAG_BOOL, .hidden = true, .usage = "not shown"},
    {0},
};

static const char *const run_aliases[] = {"r", NULL};

static const kz_cmd run_cmd = {
    .use = "run [NAME] [CHART]",
    .aliases = run_aliases,
    .short_desc = "run a thing",
    .long_desc = "Run a thing.\n\nIt runs.\n\n",
    .example = "  app run x y",
    .flags = run_flags,
    .args = {KZ_ARGS_RANGE, 0, 2},
    .run = dump_run,
};

static const kz_cmd leaf_cmd = {
    .use = "leaf NAME",
    .short_desc = "a leaf",
    .args = {KZ_ARGS_EXACT, 1, 1},
    .run = dump_run,
};
static const kz_cmd *const group_subs[] = {&leaf_cmd, NULL};
static const kz_cmd group_cmd = {
    .use = "group",
    .short_desc = "group leaves",
    .subcommands = group_subs,
};

static const kz_cmd hidden_cmd = {.use = "hidden", .short_desc = "h", .hidden = true, .run = dump_run};
static const kz_cmd none_cmd = {.use = "none", .short_desc = "takes nothing",
                                .args = {KZ_ARGS_NONE, 0, 0}, .run = dump_run};
static const kz_cmd most_cmd = {.use = "most", .short_desc = "takes at most one",
                                .args = {KZ_ARGS_MAX, 0, 1}, .run = dump_run};
static const kz_cmd least_cmd = {.use = "least", .short_desc = "takes two or more",
                                 .args = {KZ_ARGS_MIN, 2, 0}, .run = dump_run};
static const kz_cmd fail_cmd = {.use = "fail", .short_desc = "always fails", .run = fail_run};

static const kz_cmd *const root_subs[] = {&run_cmd,  &group_cmd, &hidden_cmd, &none_cmd,
                                          &most_cmd, &least_cmd, &fail_cmd,   NULL};
static const kz_cmd root_cmd = {
    .use = "app",
    .short_desc = "the app",
    .long_desc = "The app does things.\n",
    .persistent_flags = root_pflags,
    .subcommands = root_subs,
};

/* ---- harness ---- */

typedef struct result {
    int code;
    kz_buf out;
    kz_buf err;
} result;

/* Runs "app" with the space-separated words of line (no quoting needed here). */
static result run_style(kz_cli_style style, const char *line) {
    const char *argv[64];
    int argc = 0;
    argv[argc++] = "app";
    char *copy = strdup(line);
    for (char *w = strtok(copy, " "); w != NULL; w = strtok(NULL, " ")) argv[argc++] = w;
    kz_cli_app app = {.root = &root_cmd, .style = style};
    result r = {0, KZ_BUF_INIT, KZ_BUF_INIT};
    r.code = kz_cli_execute(&app, argc, argv, &r.out, &r.err);
    free(copy);
    return r;
}

static result run_argv(kz_cli_style style, int argc, const char *const *argv) {
    kz_cli_app app = {.root = &root_cmd, .style = style};
    result r = {0, KZ_BUF_INIT, KZ_BUF_INIT};
    r.code = kz_cli_execute(&app, argc, argv, &r.out, &r.err);
    return r;
}

static void result_free(result *r) {
    kz_buf_free(&r->out);
    kz_buf_free(&r->err);
}

/* Expect success with this stdout (and empty stderr). */
static void expect_ok(kz_cli_style style, const char *line, const char *out) {
    result r = run_style(style, line);
    if (r.code != 0 || strcmp(kz_buf_cstr(&r.out), out) != 0 || r.err.len != 0) {
        print_error("line: %s\ncode %d\nout: %s\nerr: %s\n", line, r.code, kz_buf_cstr(&r.out),
                    kz_buf_cstr(&r.err));
    }
    assert_int_equal(r.code, 0);
    assert_string_equal(kz_buf_cstr(&r.out), out);
    assert_string_equal(kz_buf_cstr(&r.err), "");
    result_free(&r);
}

/* Expect failure (exit 1) with this stderr and nothing on stdout. */
static void expect_err(kz_cli_style style, const char *line, const char *err) {
    result r = run_style(style, line);
    if (r.code != 1 || strcmp(kz_buf_cstr(&r.err), err) != 0) {
        print_error("line: %s\ncode %d\nout: %s\nerr: %s\n", line, r.code, kz_buf_cstr(&r.out),
                    kz_buf_cstr(&r.err));
    }
    assert_int_equal(r.code, 1);
    assert_string_equal(kz_buf_cstr(&r.out), "");
    assert_string_equal(kz_buf_cstr(&r.err), err);
    result_free(&r);
}

static void assert_prefix(const char *s, const char *prefix) {
    if (strncmp(s, prefix, strlen(prefix)) != 0) print_error("got: %s\n", s);
    assert_true(strncmp(s, prefix, strlen(prefix)) == 0);
}

#define H KZ_CLI_STYLE_HELM
#define C KZ_CLI_STYLE_COBRA
#define K KZ_CLI_STYLE_KUBECTL

/* ---- flag forms ---- */

static void test_string_forms(void **state) {
    (void)state;
    const char *want = "path=app run args=[] namespace='foo'\n";
    expect_ok(H, "run --namespace=foo", want);
    expect_ok(H, "run --namespace foo", want);
    expect_ok(H, "run -n foo", want);
    expect_ok(H, "run -nfoo", want);
    expect_ok(H, "run -n=foo", want);
    expect_ok(H, "run --namespace=", "path=app run args=[] namespace=''\n");
    expect_ok(H, "run --namespace=a=b", "path=app run args=[] namespace='a=b'\n");
    /* a value that looks like a flag is still the value */
    expect_ok(H, "run -n --debug", "path=app run args=[] namespace='--debug'\n");
    /* the last of repeated scalar flags wins */
    expect_ok(H, "run -n a -n b", "path=app run args=[] namespace='b'\n");
}

static void test_bool_forms(void **state) {
    (void)state;
    expect_ok(H, "run --debug", "path=app run args=[] debug=true\n");
    expect_ok(H, "run --debug=false", "path=app run args=[] debug=false\n");
    expect_ok(H, "run --debug=T", "path=app run args=[] debug=true\n");
    expect_ok(H, "run --debug=0", "path=app run args=[] debug=false\n");
    /* a bool never takes the next word as its value */
    expect_ok(H, "run --debug false", "path=app run args=[false] debug=true\n");
    expect_ok(H, "run -ab", "path=app run args=[] all=true brief=true\n");
    expect_ok(H, "run -a=false", "path=app run args=[] all=false\n");
    /* a cluster may end in a flag that takes the rest as its value */
    expect_ok(H, "run -abnfoo", "path=app run args=[] namespace='foo' all=true brief=true\n");
    expect_ok(H, "run -abn foo", "path=app run args=[] namespace='foo' all=true brief=true\n");
}

static void test_int_forms(void **state) {
    (void)state;
    expect_ok(H, "run --timeout=42", "path=app run args=[] timeout=42\n");
    expect_ok(H, "run --timeout -7", "path=app run args=[] timeout=-7\n");
    expect_ok(H, "run --timeout 0x10", "path=app run args=[] timeout=16\n");
    expect_ok(H, "run --timeout 0o17", "path=app run args=[] timeout=15\n");
    expect_ok(H, "run --timeout 017", "path=app run args=[] timeout=15\n");
    expect_ok(H, "run --timeout 0b101", "path=app run args=[] timeout=5\n");
    expect_ok(H, "run --timeout 1_000", "path=app run args=[] timeout=1000\n");
    expect_ok(H, "run --timeout=-9223372036854775808",
              "path=app run args=[] timeout=-9223372036854775808\n");
    expect_err(H, "run --timeout abc",
               "Error: invalid argument \"abc\" for \"--timeout\" flag: strconv.ParseInt: "
               "parsing \"abc\": invalid syntax\n");
    expect_err(H, "run --timeout=1__0",
               "Error: invalid argument \"1__0\" for \"--timeout\" flag: strconv.ParseInt: "
               "parsing \"1__0\": invalid syntax\n");
    expect_err(H, "run --timeout=08",
               "Error: invalid argument \"08\" for \"--timeout\" flag: strconv.ParseInt: "
               "parsing \"08\": invalid syntax\n");
    expect_err(H, "run --timeout=9223372036854775808",
               "Error: invalid argument \"9223372036854775808\" for \"--timeout\" flag: "
               "strconv.ParseInt: parsing \"9223372036854775808\": value out of range\n");
}

static void test_repeated_and_lists(void **state) {
    (void)state;
    /* string arrays: one item per use, commas kept (Helm --set) */
    expect_ok(H, "run --set a=1,b=2 --set c=3", "path=app run args=[] set=['a=1,b=2' 'c=3']\n");
    /* string slices: every use split at commas (Helm -f) */
    expect_ok(H, "run -f a.yaml,b.yaml --values c.yaml -f=d.yaml",
              "path=app run args=[] values=['a.yaml' 'b.yaml' 'c.yaml' 'd.yaml']\n");
    /* CSV quoting keeps a comma inside one item */
    const char *argv[] = {"app", "run", "-f", "\"x,y\",z", "--values", "\"say \"\"hi\"\"\""};
    result r = run_argv(H, 6, argv);
    assert_int_equal(r.code, 0);
    assert_string_equal(kz_buf_cstr(&r.out),
                        "path=app run args=[] values=['x,y' 'z' 'say \"hi\"']\n");
    result_free(&r);
    expect_err(H, "run -f a\"b",
               "Error: invalid argument \"a\\\"b\" for \"-f, --values\" flag: parse error on "
               "line 1, column 2: bare \" in non-quoted-field\n");
    /* an empty slice argument adds nothing; an empty array argument adds "" */
    const char *argv2[] = {"app", "run", "--values=", "--set="};
    r = run_argv(H, 4, argv2);
    assert_string_equal(kz_buf_cstr(&r.out), "path=app run args=[] set=[''] values=[]\n");
    result_free(&r);
}

static void test_no_opt_default(void **state) {
    (void)state;
    expect_ok(H, "run --dry-run", "path=app run args=[] dry-run='client'\n");
    expect_ok(H, "run --dry-run=server", "path=app run args=[] dry-run='server'\n");
    /* bare: the next word is a positional argument, not the value */
    expect_ok(H, "run --dry-run server", "path=app run args=[server] dry-run='client'\n");
}

static void test_positionals(void **state) {
    (void)state;
    /* flags may come after and between arguments */
    expect_ok(H, "run x -n foo y", "path=app run args=[x y] namespace='foo'\n");
    expect_ok(H, "run -n foo x -ab y", "path=app run args=[x y] namespace='foo' all=true brief=true\n");
}

static void test_double_dash(void **state) {
    (void)state;
    const char *argv[] = {"app", "run", "-a", "--", "-n", "--x"};
    result r = run_argv(H, 6, argv);
    assert_int_equal(r.code, 0);
    assert_string_equal(kz_buf_cstr(&r.out), "path=app run args=[-n --x] all=true\n");
    result_free(&r);
    /* a lone "-" is an argument */
    expect_ok(H, "run - x", "path=app run args=[- x]\n");
    /* and "--" with nothing after it is fine */
    expect_ok(H, "run --", "path=app run args=[]\n");
}

static void test_defaults_and_accessors(void **state) {
    (void)state;
    /* the run callback sees defaults through the accessors */
    expect_ok(H, "run", "path=app run args=[]\n");
    const char *argv[] = {"app", "run", "-o", "json"};
    result r = run_argv(H, 4, argv);
    assert_string_equal(kz_buf_cstr(&r.out), "path=app run args=[] output='json'\n");
    result_free(&r);
}

/* Defaults, read inside a callback. */
static int defaults_run(kz_cli_ctx *ctx) {
    assert_int_equal(kz_cli_flag_int(ctx, "timeout"), 300);
    assert_string_equal(kz_cli_flag_string(ctx, "output"), "table");
    assert_false(kz_cli_flag_bool(ctx, "all"));
    assert_false(kz_cli_flag_changed(ctx, "timeout"));
    assert_string_equal(kz_cli_flag_string(ctx, "namespace"), "");
    assert_null(kz_cli_flag(ctx, "no-such-flag"));
    assert_int_equal(kz_len(kz_cli_flag(ctx, "set")), 0);
    kz_buf_puts(ctx->out, "checked\n");
    return 0;
}

static void test_default_values(void **state) {
    (void)state;
    static const kz_cmd c = {.use = "x", .flags = run_flags, .persistent_flags = root_pflags,
                             .run = defaults_run};
    kz_cli_app app = {.root = &c, .style = H};
    const char *argv[] = {"x"};
    kz_buf out = KZ_BUF_INIT, err = KZ_BUF_INIT;
    assert_int_equal(kz_cli_execute(&app, 1, argv, &out, &err), 0);
    assert_string_equal(kz_buf_cstr(&out), "checked\n");
    kz_buf_free(&out);
    kz_buf_free(&err);
}

/* ---- dispatch ---- */

static void test_dispatch(void **state) {
    (void)state;
    /* persistent flags before the subcommand, with their values */
    expect_ok(H, "-n foo run x", "path=app run args=[x] namespace='foo'\n");
    expect_ok(H, "--kube-context ctx --debug run", "path=app run args=[] debug=true kube-context='ctx'\n");
    /* aliases */
    expect_ok(H, "r x", "path=app run args=[x]\n");
    /* nested */
    expect_ok(H, "group leaf x -n ns", "path=app group leaf args=[x] namespace='ns'\n");
    /* hidden commands still run */
    expect_ok(H, "hidden", "path=app hidden args=[]\n");
    /* a subcommand name after the first argument is an argument */
    expect_ok(H, "run group", "path=app run args=[group]\n");
}

static void test_unknown_command(void **state) {
    (void)state;
    expect_err(H, "nosuch", "Error: unknown command \"nosuch\" for \"app\"\nRun 'app --help' for usage.\n");
    expect_err(C, "nosuch", "Error: unknown command \"nosuch\" for \"app\"\nRun 'app --help' for usage.\n");
    expect_err(K, "nosuch", "Error: unknown command \"nosuch\" for \"app\"\n");
    /* checked before flags, as cobra does */
    expect_err(H, "nosuch --bogus", "Error: unknown command \"nosuch\" for \"app\"\nRun 'app --help' for usage.\n");
    /* suggestions: up to two edits, or a prefix; hidden commands are not suggested */
    expect_err(H, "rn", "Error: unknown command \"rn\" for \"app\"\n\nDid you mean this?\n\trun\n\n"
                        "Run 'app --help' for usage.\n");
    expect_err(H, "gro", "Error: unknown command \"gro\" for \"app\"\n\nDid you mean this?\n\tgroup\n\n"
                         "Run 'app --help' for usage.\n");
    expect_err(H, "hiden", "Error: unknown command \"hiden\" for \"app\"\nRun 'app --help' for usage.\n");
    expect_err(K, "rnu", "Error: unknown command \"rnu\" for \"app\"\n\nDid you mean this?\n\trun\n\n");
}

/* ---- flag errors ---- */

static void test_flag_errors(void **state) {
    (void)state;
    expect_err(H, "run --bogus", "Error: unknown flag: --bogus\n");
    expect_err(H, "run --bogus=1", "Error: unknown flag: --bogus\n");
    expect_err(H, "run -x", "Error: unknown shorthand flag: 'x' in -x\n");
    expect_err(H, "run -axb", "Error: unknown shorthand flag: 'x' in -xb\n");
    expect_err(H, "run --namespace", "Error: flag needs an argument: --namespace\n");
    expect_err(H, "run -n", "Error: flag needs an argument: 'n' in -n\n");
    expect_err(H, "run -an", "Error: flag needs an argument: 'n' in -n\n");
    expect_err(H, "run --debug=maybe",
               "Error: invalid argument \"maybe\" for \"--debug\" flag: strconv.ParseBool: parsing "
               "\"maybe\": invalid syntax\n");
    expect_err(H, "run -a=maybe",
               "Error: invalid argument \"maybe\" for \"-a, --all\" flag: strconv.ParseBool: parsing "
               "\"maybe\": invalid syntax\n");
    expect_err(H, "run ---x", "Error: bad flag syntax: ---x\n");
    expect_err(H, "run --=x", "Error: bad flag syntax: --=x\n");
    /* a persistent flag of a child is not a flag of its parent */
    expect_err(H, "--all run", "Error: unknown flag: --all\n");
    /* kubectl's hint */
    expect_err(K, "run --bogus", "Error: unknown flag: --bogus\nSee 'app run --help' for usage.\n");
    /* plain cobra follows the message with the usage */
    expect_err(C, "none --bogus",
               "Error: unknown flag: --bogus\n"
               "Usage:\n  app none [flags]\n\n"
               "Flags:\n  -h, --help   help for none\n\n"
               "Global Flags:\n"
               "      --debug                 say more\n"
               "      --kube-context string   context to use\n"
               "  -n, --namespace string      namespace to work in\n\n");
}

/* ---- positional argument rules ---- */

static void test_args_rules_helm(void **state) {
    (void)state;
    expect_err(H, "none x", "Error: \"app none\" accepts no arguments\n\nUsage:  app none [flags]\n");
    expect_err(H, "group leaf", "Error: \"app group leaf\" requires 1 argument\n\n"
                                "Usage:  app group leaf NAME [flags]\n");
    expect_err(H, "least x", "Error: \"app least\" requires at least 2 arguments\n\n"
                             "Usage:  app least [flags]\n");
    expect_err(H, "most x y", "Error: \"app most\" accepts at most 1 argument\n\n"
                              "Usage:  app most [flags]\n");
    expect_err(H, "run a b c", "Error: \"app run\" accepts at most 2 arguments\n\n"
                               "Usage:  app run [NAME] [CHART] [flags]\n");
    expect_ok(H, "least x y z", "path=app least args=[x y z]\n");
}

static void test_args_rules_cobra(void **state) {
    (void)state;
    const char *usage_most = "Usage:\n  app most [flags]\n\nFlags:\n  -h, --help   help for most\n\n"
                             "Global Flags:\n"
                             "      --debug                 say more\n"
                             "      --kube-context string   context to use\n"
                             "  -n, --namespace string      namespace to work in\n\n";
    kz_buf want = KZ_BUF_INIT;
    kz_buf_printf(&want, "Error: accepts at most 1 arg(s), received 2\n%s", usage_most);
    expect_err(C, "most x y", kz_buf_cstr(&want));
    kz_buf_free(&want);

    result r = run_style(C, "none x");
    assert_int_equal(r.code, 1);
    assert_prefix(kz_buf_cstr(&r.err), "Error: unknown command \"x\" for \"app none\"\nUsage:");
    result_free(&r);
    r = run_style(C, "least x");
    assert_prefix(kz_buf_cstr(&r.err), "Error: requires at least 2 arg(s), only received 1\n");
    result_free(&r);
    r = run_style(C, "group leaf");
    assert_prefix(kz_buf_cstr(&r.err), "Error: accepts 1 arg(s), received 0\n");
    result_free(&r);
    r = run_style(C, "run a b c");
    assert_prefix(kz_buf_cstr(&r.err), "Error: accepts between 0 and 2 arg(s), received 3\n");
    result_free(&r);
}

static void test_args_rules_kubectl(void **state) {
    (void)state;
    expect_err(K, "none x y", "error: unexpected arguments: [x y]\nSee 'app none -h' for help and examples\n");
    expect_err(K, "least x", "error: requires at least 2 arg(s), only received 1\n"
                             "See 'app least -h' for help and examples\n");
}

static void test_run_failure(void **state) {
    (void)state;
    expect_err(H, "fail", "Error: it broke: 42\n");
    expect_err(C, "fail", "Error: it broke: 42\n");
    expect_err(K, "fail", "error: it broke: 42\n");
}

/* A command may want its stderr written first (hm template: Helm's warnings
 * come before the manifests); others keep stdout first. */
static void test_stderr_first(void **state) {
    (void)state;
    static const kz_cmd first = {.use = "first", .short_desc = "f", .run = fail_run, .stderr_first = true};
    const kz_cli_app apps[] = {{.root = &first, .style = KZ_CLI_STYLE_HELM},
                               {.root = &root_cmd, .style = KZ_CLI_STYLE_HELM}};
    const char *const argv_first[] = {"first"}, *const argv_fail[] = {"app", "fail"};
    for (int i = 0; i < 2; i++) {
        kz_buf out = KZ_BUF_INIT, err = KZ_BUF_INIT;
        bool stderr_first = i == 1;
        int code = kz_cli_execute_ordered(&apps[i], i == 0 ? 1 : 2, i == 0 ? argv_first : argv_fail, &out, &err,
                                          &stderr_first);
        assert_int_equal(code, 1);
        assert_int_equal(stderr_first, i == 0);
        assert_string_equal(kz_buf_cstr(&err), "Error: it broke: 42\n");
        kz_buf_free(&out);
        kz_buf_free(&err);
    }
}

/* ---- help ---- */

static const char *const ROOT_HELP =
    "The app does things.\n"
    "\n"
    "Usage:\n"
    "  app [command]\n"
    "\n"
    "Available Commands:\n"
    "  fail        always fails\n"
    "  group       group leaves\n"
    "  help        Show help for any command\n"
    "  least       takes two or more\n"
    "  most        takes at most one\n"
    "  none        takes nothing\n"
    "  run         run a thing\n"
    "\n"
    "Flags:\n"
    "      --debug                 say more\n"
    "  -h, --help                  help for app\n"
    "      --kube-context string   context to use\n"
    "  -n, --namespace string      namespace to work in\n"
    "\n"
    "Use \"app [command] --help\" for more information about a command.\n";

static const char *const RUN_HELP =
    "Run a thing.\n"
    "\n"
    "It runs.\n"
    "\n"
    "Usage:\n"
    "  app run [NAME] [CHART] [flags]\n"
    "\n"
    "Aliases:\n"
    "  run, r\n"
    "\n"
    "Examples:\n"
    "  app run x y\n"
    "\n"
    "Flags:\n"
    "  -a, --all                         all of them\n"
    "  -b, --brief                       be brief\n"
    "      --dry-run string[=\"client\"]   only pretend\n"
    "  -h, --help                        help for run\n"
    "  -o, --output format               output format (default table)\n"
    "      --set stringArray             set a value\n"
    "      --timeout int                 seconds to wait (default 300)\n"
    "  -f, --values strings              values files\n"
    "\n"
    "Global Flags:\n"
    "      --debug                 say more\n"
    "      --kube-context string   context to use\n"
    "  -n, --namespace string      namespace to work in\n";

static const char *const GROUP_HELP =
    "group leaves\n"
    "\n"
    "Usage:\n"
    "  app group [command]\n"
    "\n"
    "Available Commands:\n"
    "  leaf        a leaf\n"
    "\n"
    "Flags:\n"
    "  -h, --help   help for group\n"
    "\n"
    "Global Flags:\n"
    "      --debug                 say more\n"
    "      --kube-context string   context to use\n"
    "  -n, --namespace string      namespace to work in\n"
    "\n"
    "Use \"app group [command] --help\" for more information about a command.\n";

static void test_help_rendering(void **state) {
    (void)state;
    expect_ok(H, "--help", ROOT_HELP);
    expect_ok(H, "-h", ROOT_HELP);
    expect_ok(H, "", ROOT_HELP); /* a root without run shows its help */
    expect_ok(H, "help", ROOT_HELP);
    expect_ok(H, "run --help", RUN_HELP);
    expect_ok(H, "run x -h", RUN_HELP);
    expect_ok(H, "r -ah", RUN_HELP);
    expect_ok(H, "help run", RUN_HELP);
    expect_ok(H, "help r extra words", RUN_HELP);
    expect_ok(H, "group", GROUP_HELP);
    expect_ok(H, "group --help", GROUP_HELP);
    /* cobra: below the root, an unknown subcommand of a group shows its help */
    expect_ok(H, "group nosuch", GROUP_HELP);
    /* cobra quirk kept: -h before the subcommand is not known yet when looking up
     * commands, so it swallows the next word and the root's help shows */
    expect_ok(H, "-h run", ROOT_HELP);
    /* --help=false is just a flag */
    expect_ok(H, "run --help=false x", "path=app run args=[x] help=false\n");
    /* flag errors win over --help, as in pflag */
    expect_err(H, "run -h --bogus", "Error: unknown flag: --bogus\n");
    /* the help of help */
    expect_ok(H, "help help",
              "Show the help of any command: give the words you would type to run it,\n"
              "for example \"help version\".\n"
              "\n"
              "Usage:\n"
              "  app help [command] [flags]\n"
              "\n"
              "Flags:\n"
              "  -h, --help   help for help\n"
              "\n"
              "Global Flags:\n"
              "      --debug                 say more\n"
              "      --kube-context string   context to use\n"
              "  -n, --namespace string      namespace to work in\n");
}

static void test_help_unknown_topic(void **state) {
    (void)state;
    result r = run_style(H, "help nosuch more");
    assert_int_equal(r.code, 0);
    assert_string_equal(kz_buf_cstr(&r.out), "");
    /* the topic line, then the root's usage (no description) */
    const char *prefix = "Unknown help topic [`nosuch` `more`]\nUsage:\n  app [command]\n";
    assert_true(strncmp(kz_buf_cstr(&r.err), prefix, strlen(prefix)) == 0);
    const char *tail = strstr(kz_buf_cstr(&r.err), "Use \"app [command] --help\"");
    assert_non_null(tail);
    result_free(&r);
}

static void test_help_of_leaf_without_flags(void **state) {
    (void)state;
    /* a runnable root without subcommands or description: no blank lines of
     * nothing, the use line gets [flags] */
    static const kz_cmd solo = {.use = "solo FILE", .run = dump_run};
    kz_cli_app app = {.root = &solo, .style = C};
    const char *argv[] = {"solo", "--help"};
    kz_buf out = KZ_BUF_INIT, err = KZ_BUF_INIT;
    assert_int_equal(kz_cli_execute(&app, 2, argv, &out, &err), 0);
    assert_string_equal(kz_buf_cstr(&out), "Usage:\n  solo FILE [flags]\n\nFlags:\n  -h, --help   help for solo\n");
    kz_buf_free(&out);
    /* no subcommands: no help command, and words are arguments */
    const char *argv2[] = {"solo", "help"};
    assert_int_equal(kz_cli_execute(&app, 2, argv2, &out, &err), 0);
    assert_string_equal(kz_buf_cstr(&out), "path=solo args=[help]\n");
    kz_buf_free(&out);
    kz_buf_free(&err);
}

static void test_help_shorthand_taken(void **state) {
    (void)state;
    /* a command that uses -h itself keeps it; help is then only --help */
    static const kz_flag_def flags[] = {
        {.name = "host", .shorthand = 'h', .type = KZ_FLAG_STRING, .usage = "the host"},
        {0},
    };
    static const kz_cmd c = {.use = "c", .flags = flags, .run = dump_run};
    kz_cli_app app = {.root = &c, .style = H};
    kz_buf out = KZ_BUF_INIT, err = KZ_BUF_INIT;
    const char *argv[] = {"c", "--help"};
    assert_int_equal(kz_cli_execute(&app, 2, argv, &out, &err), 0);
    assert_string_equal(kz_buf_cstr(&out), "Usage:\n  c [flags]\n\nFlags:\n"
                                           "      --help          help for c\n"
                                           "  -h, --host string   the host\n");
    kz_buf_free(&out);
    kz_buf_free(&err);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_string_forms),
        cmocka_unit_test(test_bool_forms),
        cmocka_unit_test(test_int_forms),
        cmocka_unit_test(test_repeated_and_lists),
        cmocka_unit_test(test_no_opt_default),
        cmocka_unit_test(test_positionals),
        cmocka_unit_test(test_double_dash),
        cmocka_unit_test(test_defaults_and_accessors),
        cmocka_unit_test(test_default_values),
        cmocka_unit_test(test_dispatch),
        cmocka_unit_test(test_unknown_command),
        cmocka_unit_test(test_flag_errors),
        cmocka_unit_test(test_args_rules_helm),
        cmocka_unit_test(test_args_rules_cobra),
        cmocka_unit_test(test_args_rules_kubectl),
        cmocka_unit_test(test_run_failure),
        cmocka_unit_test(test_stderr_first),
        cmocka_unit_test(test_help_rendering),
        cmocka_unit_test(test_help_unknown_topic),
        cmocka_unit_test(test_help_of_leaf_without_flags),
        cmocka_unit_test(test_help_shorthand_taken),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
