/*
 * Tests of the template lexer and parser (lib/tmpl/lex, parse, ast).
 *
 * - golden: every case of tests/golden/tmplparse/cases.tsv, recorded from helm
 *   v3.17: Go's whole message (through tpl) must equal ours exactly; helm's own
 *   "parse error at (FILE:LINE): LAST" must equal ours after Helm's rewriting;
 *   templates helm parsed must parse, and when their tree holds only text and
 *   string/integer constants, render to what helm rendered.
 * - tables: tokens, tree strings (Go's Node.String()), positions, delimiters,
 *   constants and their values, definitions and the file API.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <archive.h>
#include <archive_entry.h>
#include <time.h>

#include "core/buf.h"
#include "core/file.h"
#include "core/value.h"
#include "funcs/funcs.h"
#include "golden_util.h"
#include "tmpl/lex.h"
#include "tmpl/parse.h"

/* ---- a function table like Helm's, as far as the cases use it ---- */

static const char *const helm_funcs[] = {
    "and", "call", "html", "index", "slice", "js", "len", "not", "or", "print", "printf", "println",
    "urlquery", "eq", "ge", "gt", "le", "lt", "ne", "quote", "include", "tpl", "toYaml", "default",
    "upper", "list", "dict", "required", "indent", "nindent", "b64enc",
};

static bool helm_func_exists(void *ctx, const char *name, size_t len) {
    (void)ctx;
    for (size_t i = 0; i < sizeof helm_funcs / sizeof helm_funcs[0]; i++) {
        if (strlen(helm_funcs[i]) == len && memcmp(helm_funcs[i], name, len) == 0) return true;
    }
    return false;
}

static const kz_tmpl_parse_opts helm_opts = {.func_exists = helm_func_exists};

/* ---- helpers ---- */

/* Parse with Helm's functions; returns the error message (caller frees) or NULL. */
static char *parse_error(const char *name, const char *text, size_t len, const kz_tmpl_parse_opts *opts) {
    kz_tmpl_file *f = NULL;
    kz_value err = kz_tmpl_parse(name, text, len, opts, &f);
    char *msg = NULL;
    if (kz_error_message(&err)) {
        msg = strdup(kz_error_message(&err));
        assert_null(f);
    } else {
        assert_non_null(f);
    }
    kz_free(err);
    kz_tmpl_file_free(f);
    return msg;
}

/* The main tree printed back, or "ERROR: message". */
static char *tree_string_opts(const char *text, const kz_tmpl_parse_opts *opts) {
    kz_tmpl_file *f = NULL;
    kz_value err = kz_tmpl_parse("t", text, strlen(text), opts, &f);
    kz_buf b = KZ_BUF_INIT;
    if (f) {
        kz_tmpl_tree_string(&b, f->main);
    } else {
        kz_buf_printf(&b, "ERROR: %s", kz_error_message(&err));
    }
    kz_free(err);
    kz_tmpl_file_free(f);
    return kz_buf_detach(&b, NULL);
}

static char *tree_string(const char *text) { return tree_string_opts(text, &helm_opts); }

/* cases.txt escapes: \n \t \r, and \c for any other c. */
static size_t decode_case(const char *s, size_t n, char *out) {
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\\' && i + 1 < n) {
            char c = s[++i];
            out[k++] = c == 'n' ? '\n' : c == 't' ? '\t' : c == 'r' ? '\r' : c;
        } else {
            out[k++] = s[i];
        }
    }
    out[k] = 0;
    return k;
}


/* Render a tree made only of text and actions printing one string or integer
 * constant; false when the tree holds anything else. */
static bool render_simple(const kz_tmpl_node *list, kz_buf *out) {
    for (uint32_t i = 0; i < list->u.list.len; i++) {
        const kz_tmpl_node *n = list->u.list.nodes[i];
        if (n->kind == KZ_TN_TEXT) {
            kz_buf_append(out, n->u.text.s, n->u.text.len);
            continue;
        }
        if (n->kind != KZ_TN_ACTION) return false;
        const kz_tmpl_node *pipe = n->u.action.pipe;
        if (pipe->u.pipe.ndecl || pipe->u.pipe.ncmds != 1 || pipe->u.pipe.cmds[0]->u.cmd.nargs != 1) return false;
        const kz_tmpl_node *arg = pipe->u.pipe.cmds[0]->u.cmd.args[0];
        if (arg->kind == KZ_TN_STRING) {
            kz_buf_append(out, kz_str(&arg->u.con.value), kz_str_len(&arg->u.con.value));
        } else if (arg->kind == KZ_TN_NUMBER && kz_kind_of(&arg->u.con.value) == KZ_INT) {
            kz_buf_printf(out, "%lld", (long long)kz_int_get(&arg->u.con.value));
        } else {
            return false;
        }
    }
    return true;
}

/* ---- the goldens ---- */

static void test_golden_cases(void **state) {
    (void)state;
    kz_buf file = KZ_BUF_INIT;
    kz_value err = kz_invalid();
    assert_int_equal(kz_file_read(KZ_TEST_DATA "/golden/tmplparse/cases.tsv", &file, &err), 0);
    int cases = 0, failures = 0, rendered = 0, helm_errors = 0;
    char *save = NULL;
    for (char *line = strtok_r(file.data, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        char *fields[4] = {0};
        char *p = line;
        for (int i = 0; i < 4; i++) {
            fields[i] = p;
            char *tab = p ? strchr(p, '\t') : NULL;
            if (tab) *tab = 0;
            p = tab ? tab + 1 : NULL;
        }
        assert_non_null(fields[3]);
        char *text = malloc(strlen(fields[0]) + 1);
        size_t len = decode_case(fields[0], strlen(fields[0]), text);
        cases++;

        /* Go's message, through tpl */
        kz_tmpl_file *f = NULL;
        kz_value perr = kz_tmpl_parse("gotpl", text, len, &helm_opts, &f);
        const char *msg = kz_error_message(&perr);
        bool want_ok = strcmp(fields[2], "OK") == 0;
        if (want_ok != (msg == NULL) || (msg && strcmp(msg, fields[2]) != 0)) {
            print_error("case %s\n  helm: %s\n  ours: %s\n", fields[0], fields[2], msg ? msg : "OK");
            failures++;
        }
        /* what tpl rendered */
        if (f && want_ok) {
            kz_buf got = KZ_BUF_INIT;
            if (render_simple(f->main->root, &got)) {
                size_t wlen = 0;
                char *want = strcmp(fields[3], "-") == 0 ? strdup("") : golden_b64_decode(fields[3], &wlen);
                assert_non_null(want);
                if (wlen != got.len || memcmp(want, kz_buf_cstr(&got), wlen) != 0) {
                    print_error("case %s\n  helm rendered [%s]\n  ours [%s]\n", fields[0], want, kz_buf_cstr(&got));
                    failures++;
                }
                rendered++;
                free(want);
            }
            kz_buf_free(&got);
        }
        kz_free(perr);
        kz_tmpl_file_free(f);

        /* helm's own report, for the chart's template */
        char *direct = parse_error("c/templates/x.yaml", text, len, &helm_opts);
        bool want_direct_error = strncmp(fields[1], "Error: parse error", 18) == 0;
        if (want_direct_error) helm_errors++;
        kz_buf got = KZ_BUF_INIT;
        if (direct) {
            char *h = kz_funcs_helm_parse_error("...", direct);
            kz_buf_printf(&got, "Error: %s", h);
            free(h);
        }
        if (want_direct_error != (direct != NULL) || (direct && strcmp(kz_buf_cstr(&got), fields[1]) != 0)) {
            print_error("case %s\n  helm: %s\n  ours: %s\n", fields[0], fields[1], direct ? kz_buf_cstr(&got) : "OK");
            failures++;
        }
        kz_buf_free(&got);
        free(direct);
        free(text);
    }
    kz_buf_free(&file);
    print_message("%d golden cases, %d helm parse errors, %d renderings compared\n", cases, helm_errors, rendered);
    assert_true(cases >= 250);
    assert_true(rendered >= 30);
    assert_int_equal(failures, 0);
}

/* ---- tokens ---- */

typedef struct tok_case {
    const char *text;
    const char *want; /* tokens as TYPE:value separated by spaces (values have no spaces here) */
} tok_case;

static const char *tok_name(kz_tok_type t) {
    static const char *const names[] = {
        "ERROR", "BOOL", "CHAR", "CHARCONST", "COMPLEX", "ASSIGN", "DECLARE", "EOF", "FIELD", "IDENT",
        "LDELIM", "LPAREN", "NUMBER", "PIPE", "RAW", "RDELIM", "RPAREN", "SPACE", "STRING", "TEXT", "VAR",
        "KEYWORD", "BLOCK", "BREAK", "CONTINUE", "DOT", "DEFINE", "ELSE", "END", "IF", "NIL", "RANGE",
        "TEMPLATE", "WITH",
    };
    return names[t];
}

static char *lex_all(const char *text, const char *left, const char *right, bool break_ok) {
    kz_tmpl_lexer l;
    kz_tmpl_lex_init(&l, text, strlen(text), left, right);
    l.break_ok = l.continue_ok = break_ok;
    kz_buf b = KZ_BUF_INIT;
    for (int i = 0; i < 100; i++) {
        kz_tok t = kz_tmpl_lex_next(&l);
        if (b.len) kz_buf_putc(&b, ' ');
        kz_buf_puts(&b, tok_name(t.type));
        if (t.type == KZ_TOK_EOF) break;
        if (t.type != KZ_TOK_LEFT_DELIM && t.type != KZ_TOK_RIGHT_DELIM && t.type != KZ_TOK_SPACE) {
            kz_buf_printf(&b, ":%.*s", (int)t.len, t.val);
        }
    }
    return kz_buf_detach(&b, NULL);
}

static const tok_case tok_cases[] = {
    {"", "EOF"},
    {"hello", "TEXT:hello EOF"},
    {"a{{.}}b", "TEXT:a LDELIM DOT:. RDELIM TEXT:b EOF"},
    {"{{.a.b}}", "LDELIM FIELD:.a FIELD:.b RDELIM EOF"},
    {"{{$}}", "LDELIM VAR:$ RDELIM EOF"},
    {"{{$x.y}}", "LDELIM VAR:$x FIELD:.y RDELIM EOF"},
    {"{{$x := 1}}", "LDELIM VAR:$x SPACE DECLARE::= SPACE NUMBER:1 RDELIM EOF"},
    {"{{$x = 1}}", "LDELIM VAR:$x SPACE ASSIGN:= SPACE NUMBER:1 RDELIM EOF"},
    {"{{a | b}}", "LDELIM IDENT:a SPACE PIPE:| SPACE IDENT:b RDELIM EOF"},
    {"{{(a)}}", "LDELIM LPAREN:( IDENT:a RPAREN:) RDELIM EOF"},
    {"{{a,b}}", "LDELIM IDENT:a CHAR:, IDENT:b RDELIM EOF"},
    {"{{\"s\\\"\" `r`}}", "LDELIM STRING:\"s\\\"\" SPACE RAW:`r` RDELIM EOF"},
    {"{{'a' '\\n'}}", "LDELIM CHARCONST:'a' SPACE CHARCONST:'\\n' RDELIM EOF"},
    {"{{true false nil}}", "LDELIM BOOL:true SPACE BOOL:false SPACE NIL:nil RDELIM EOF"},
    {"{{if else end range with template define block break continue}}",
     "LDELIM IF:if SPACE ELSE:else SPACE END:end SPACE RANGE:range SPACE WITH:with SPACE TEMPLATE:template "
     "SPACE DEFINE:define SPACE BLOCK:block SPACE BREAK:break SPACE CONTINUE:continue RDELIM EOF"},
    {"{{1 -2 +3 .5 1e3 0x1F 0o7 0b1 1_0 0x1p3 1i 1+2i}}",
     "LDELIM NUMBER:1 SPACE NUMBER:-2 SPACE NUMBER:+3 SPACE NUMBER:.5 SPACE NUMBER:1e3 SPACE NUMBER:0x1F SPACE "
     "NUMBER:0o7 SPACE NUMBER:0b1 SPACE NUMBER:1_0 SPACE NUMBER:0x1p3 SPACE NUMBER:1i SPACE COMPLEX:1+2i RDELIM EOF"},
    {"{{-3}}", "LDELIM NUMBER:-3 RDELIM EOF"},
    {"a {{- 3 -}} b", "TEXT:a LDELIM NUMBER:3 RDELIM TEXT:b EOF"},
    {"a {{- 3}} b", "TEXT:a LDELIM NUMBER:3 RDELIM TEXT: b EOF"},
    {"a {{3 -}} b", "TEXT:a  LDELIM NUMBER:3 RDELIM TEXT:b EOF"},
    {" \n {{- /* c */ -}} \n ", "EOF"},
    {"x{{/* c */}}y", "TEXT:x TEXT:y EOF"},
    {"{{ 1  }}", "LDELIM SPACE NUMBER:1 SPACE RDELIM EOF"},
    {"{{1 -}}", "LDELIM NUMBER:1 RDELIM EOF"},
    {"{{1  -}}", "LDELIM NUMBER:1 SPACE RDELIM EOF"},
    {"{{\n1\n}}", "LDELIM SPACE NUMBER:1 SPACE RDELIM EOF"},
    {"{{break}}", "LDELIM IDENT:break RDELIM EOF"}, /* lexed with break_ok false below */
    {"{{\"open", "LDELIM ERROR:unterminated quoted string EOF"},
    {"{{`open", "LDELIM ERROR:unterminated raw quoted string EOF"},
    {"{{'a", "LDELIM ERROR:unterminated character constant EOF"},
    {"{{/* open", "ERROR:unclosed comment EOF"},
    {"{{ 3x }}", "LDELIM SPACE ERROR:bad number syntax: \"3x\" EOF"},
    {"{{ a# }}", "LDELIM SPACE ERROR:bad character U+0023 '#' EOF"},
    {"{{ \x01 }}", "LDELIM SPACE ERROR:unrecognized character in action: U+0001 EOF"},
    {"{{ ) }}", "LDELIM SPACE ERROR:unexpected right paren EOF"},
    {"{{ ( }}", "LDELIM SPACE LPAREN:( SPACE ERROR:unclosed left paren EOF"},
    {"{{ .a", "LDELIM SPACE FIELD:.a ERROR:unclosed action EOF"},
    {"{{ : }}", "LDELIM SPACE ERROR:expected := EOF"},
};

static void test_tokens(void **state) {
    (void)state;
    for (size_t i = 0; i < sizeof tok_cases / sizeof tok_cases[0]; i++) {
        bool break_ok = strcmp(tok_cases[i].text, "{{break}}") != 0;
        char *got = lex_all(tok_cases[i].text, NULL, NULL, break_ok);
        if (strcmp(got, tok_cases[i].want) != 0) {
            print_error("lex %s\n  want %s\n  got  %s\n", tok_cases[i].text, tok_cases[i].want, got);
        }
        assert_string_equal(got, tok_cases[i].want);
        free(got);
    }
}

static void test_token_lines(void **state) {
    (void)state;
    const char *text = "a\nb{{ x\n.y }}\n{{/*\n*/}}{{z}}";
    kz_tmpl_lexer l;
    kz_tmpl_lex_init(&l, text, strlen(text), NULL, NULL);
    uint32_t lines[16], n = 0;
    uint32_t pos[16];
    for (kz_tok t = kz_tmpl_lex_next(&l); t.type != KZ_TOK_EOF && n < 16; t = kz_tmpl_lex_next(&l)) {
        pos[n] = t.pos;
        lines[n++] = t.line;
    }
    /* TEXT a\nb, {{, SPACE, x, SPACE, .y, SPACE, }}, TEXT \n, {{ z }} (the comment's
     * newline is not counted, as in Go) */
    uint32_t want_lines[] = {1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4};
    uint32_t want_pos[] = {0, 3, 5, 6, 7, 8, 10, 11, 13, 23, 25, 26};
    assert_int_equal(n, 12);
    for (uint32_t i = 0; i < n; i++) {
        assert_int_equal(lines[i], want_lines[i]);
        assert_int_equal(pos[i], want_pos[i]);
    }
}

static void test_custom_delimiters(void **state) {
    (void)state;
    char *got = lex_all("a[[.x]]b[[- 1 -]] c", "[[", "]]", true);
    assert_string_equal(got, "TEXT:a LDELIM FIELD:.x RDELIM TEXT:b LDELIM NUMBER:1 RDELIM TEXT:c EOF");
    free(got);
    got = lex_all("{{.x}}<%.y%>", "<%", "%>", true);
    assert_string_equal(got, "TEXT:{{.x}} LDELIM FIELD:.y RDELIM EOF");
    free(got);
    got = lex_all("<</* c */>>x", "<<", ">>", true);
    assert_string_equal(got, "TEXT:x EOF");
    free(got);

    kz_tmpl_parse_opts opts = {.left_delim = "<<", .right_delim = ">>", .func_exists = helm_func_exists};
    char *s = tree_string_opts("{{x}} <<if .a>><<print 1>><<end>>", &opts);
    assert_string_equal(s, "{{x}} {{if .a}}{{print 1}}{{end}}");
    free(s);
    s = tree_string_opts("<< .a >>>", &opts);
    assert_string_equal(s, "{{.a}}>");
    free(s);
    s = tree_string_opts("<< .a", &opts);
    assert_string_equal(s, "ERROR: template: t:1: unclosed action");
    free(s);
    kz_tmpl_parse_opts only_left = {.left_delim = "[[", .func_exists = helm_func_exists};
    s = tree_string_opts("[[.a}}", &only_left);
    assert_string_equal(s, "{{.a}}");
    free(s);
}

/* ---- tree strings ---- */

typedef struct string_case {
    const char *text, *want;
} string_case;

static const string_case string_cases[] = {
    {"", ""},
    {"text", "text"},
    {"{{.}}", "{{.}}"},
    {"{{ .a }}", "{{.a}}"},
    {"{{.a.b.c}}", "{{.a.b.c}}"},
    {"{{ $ }}", "{{$}}"},
    {"{{ $.a.b }}", "{{$.a.b}}"},
    {"{{ 1 }}{{ -1 }}{{ 1.5 }}{{ 0x1F }}{{ 1_000 }}{{ 'a' }}{{ 1i }}", "{{1}}{{-1}}{{1.5}}{{0x1F}}{{1_000}}{{'a'}}{{1i}}"},
    {"{{ \"a\\tb\" }}{{ `r` }}", "{{\"a\\tb\"}}{{`r`}}"},
    {"{{ true }}{{ false }}{{ nil }}", "{{true}}{{false}}{{nil}}"},
    {"{{ print 1 2 }}", "{{print 1 2}}"},
    {"{{ .a | print | printf \"%s\" }}", "{{.a | print | printf \"%s\"}}"},
    {"{{ print (print 1) }}", "{{print (print 1)}}"},
    {"{{ (print 1).a.b }}", "{{(print 1).a.b}}"},
    {"{{ (.a).b }}", "{{(.a).b}}"},
    {"{{ ($).a }}", "{{($).a}}"},
    {"{{ print.a }}", "{{print.a}}"},
    {"{{ (print 1 | print) }}", "{{(print 1 | print)}}"},
    {"{{ $x := 1 }}{{ $x }}", "{{$x := 1}}{{$x}}"},
    {"{{ $x := 1 }}{{ $x = 2 }}", "{{$x := 1}}{{$x = 2}}"},
    {"{{ $x := .a }}{{ $x.b.c }}", "{{$x := .a}}{{$x.b.c}}"},
    {"{{ ($x := 1) }}{{ $x }}", "{{($x := 1)}}{{$x}}"},
    {"{{ if .a }}x{{ end }}", "{{if .a}}x{{end}}"},
    {"{{ if .a }}x{{ else }}y{{ end }}", "{{if .a}}x{{else}}y{{end}}"},
    {"{{ if .a }}x{{ else if .b }}y{{ end }}", "{{if .a}}x{{else}}{{if .b}}y{{end}}{{end}}"},
    {"{{ if .a }}x{{ else if .b }}y{{ else if .c }}z{{ else }}w{{ end }}",
     "{{if .a}}x{{else}}{{if .b}}y{{else}}{{if .c}}z{{else}}w{{end}}{{end}}{{end}}"},
    {"{{ with .a }}x{{ end }}", "{{with .a}}x{{end}}"},
    {"{{ with .a }}x{{ else with .b }}y{{ else }}z{{ end }}", "{{with .a}}x{{else}}{{with .b}}y{{else}}z{{end}}{{end}}"},
    {"{{ with $x := .a }}{{ $x }}{{ end }}", "{{with $x := .a}}{{$x}}{{end}}"},
    {"{{ range .a }}x{{ end }}", "{{range .a}}x{{end}}"},
    {"{{ range .a }}x{{ else }}y{{ end }}", "{{range .a}}x{{else}}y{{end}}"},
    {"{{ range $v := .a }}{{ $v }}{{ end }}", "{{range $v := .a}}{{$v}}{{end}}"},
    {"{{ range $i, $v := .a }}{{ $i }}{{ end }}", "{{range $i, $v := .a}}{{$i}}{{end}}"},
    {"{{$i := 0}}{{$v := 0}}{{ range $i, $v = .a }}{{ end }}", "{{$i := 0}}{{$v := 0}}{{range $i, $v = .a}}{{end}}"},
    {"{{ range .a }}{{ break }}{{ continue }}{{ end }}", "{{range .a}}{{break}}{{continue}}{{end}}"},
    {"{{ range .a }}{{ if 1 }}{{ break }}{{ end }}{{ end }}", "{{range .a}}{{if 1}}{{break}}{{end}}{{end}}"},
    {"{{ template \"x\" }}", "{{template \"x\"}}"},
    {"{{ template `x` . }}", "{{template \"x\" .}}"},
    {"{{ template \"x\" .a | print }}", "{{template \"x\" .a | print}}"},
    {"{{ block \"b\" . }}body{{ end }}after", "{{template \"b\" .}}after"},
    {"{{ define \"d\" }}body{{ end }}main", "main"},
    {"a {{- 1 -}} b", "a{{1}}b"},
    {"a {{- /* c */ -}} b", "ab"},
    {"a {{/* c */}} b", "a  b"},
    {"{{- 3}}{{-3}}", "{{3}}{{-3}}"},
    {"{{ print\n  1\n  2 }}", "{{print 1 2}}"},
    {"{{ print | }}", "{{print}}"},
    {"{{ 1 | print }}", "{{1 | print}}"},
    {"{{ .a | (print) }}", "{{.a | (print)}}"},
    {"{{ .a | $ }}", "{{.a | $}}"},
    {"{{ (1) }}", "{{(1)}}"},
    {"{{ print (\n1\n) }}", "{{print (1)}}"},
    {"{{ $x := 1 }}{{ if $x }}{{ $y := 2 }}{{ $y }}{{ end }}", "{{$x := 1}}{{if $x}}{{$y := 2}}{{$y}}{{end}}"},
    {"{{ $1 := 1 }}{{ $1 }}", "{{$1 := 1}}{{$1}}"},
    {"{{ \"\\x41\\u00e9\" }}", "{{\"\\x41\\u00e9\"}}"},
    {"x{{.a}}y{{.b}}z", "x{{.a}}y{{.b}}z"},
    {"{{ foo }}", "ERROR: template: t:1: function \"foo\" not defined"},
    {"{{ $x }}", "ERROR: template: t:1: undefined variable \"$x\""},
    {"{{ if 1 }}", "ERROR: template: t:1: unexpected EOF"},
    {"{{ if 1 }}{{ end }}{{ end }}", "ERROR: template: t:1: unexpected {{end}}"},
    {"{{ break }}", "ERROR: template: t:1: {{break}} outside {{range}}"},
    {"{{ 3 }}{{ else }}", "ERROR: template: t:1: unexpected {{else}}"},
    {"{{ .a | 1 }}", "ERROR: template: t:1: non executable command in pipeline stage 2"},
    {"{{ $x := 1 }}{{ $x = }}", "ERROR: template: t:1: missing value for command"},
    {"{{ 1 2 = }}", "ERROR: template: t:1: unexpected \"=\" in operand"},
    {"{{ \"a very long string\" = }}", "ERROR: template: t:1: unexpected \"=\" in operand"},
    {"{{ print \"a very long string\"x }}", "ERROR: template: t:1: unexpected \"x\" in operand"},
    {"{{ template \"a\" }}{{ .a.b. }}", "ERROR: template: t:1: unexpected <.> in operand"},
    {"{{ print `aaaaaaaaaaaaa` `b` | }}x{{ \"aaaaaaaaaaaaaa\"a }}", "ERROR: template: t:1: unexpected \"a\" in operand"},
    {"{{ print 1 }}x{{ a# }}", "ERROR: template: t:1: bad character U+0023 '#'"},
    {"{{ print 1 2 (3) ( }}", "ERROR: template: t:1: unclosed left paren"},
    {"{{ define \"a\" }}{{ end }}{{ if 1 }}{{ define \"b\" }}{{ end }}{{ end }}", "ERROR: template: t:1: unexpected <define> in command"},
    {"{{ print \"aaaaaaaaaaé\" \"x\"y }}", "ERROR: template: t:1: unexpected \"y\" in operand"},
    {"{{ 0x1E }}{{ -0x1E }}", "{{0x1E}}{{-0x1E}}"},
};

static void test_tree_strings(void **state) {
    (void)state;
    for (size_t i = 0; i < sizeof string_cases / sizeof string_cases[0]; i++) {
        char *got = tree_string(string_cases[i].text);
        if (strcmp(got, string_cases[i].want) != 0) {
            print_error("parse %s\n  want %s\n  got  %s\n", string_cases[i].text, string_cases[i].want, got);
        }
        assert_string_equal(got, string_cases[i].want);
        free(got);
    }
}

/* A token description as Go's item.String() gives it in messages. */
static void test_token_describe(void **state) {
    (void)state;
    struct {
        const char *text, *want;
    } cases[] = {
        {"{{ (print 1) \"0123456789\" = }}", "unexpected \"=\" in operand"},
        {"{{ \"0123456789a\" = }}", "unexpected \"=\" in operand"},
        {"{{ \"0123456789\" \"x\" | 1 }}", "non executable command in pipeline stage 2"},
        {"{{ define \"0123456789abc\" }}", "unexpected EOF"},
        {"{{ template `0123456789abc` | }}", "unexpected \"|\" in template clause"},
        {"{{ print ) }}", "unexpected right paren"},
        {"{{ if 1 }}{{ else \"0123456789abcdef\" }}", "unexpected \"\\\"012345678\"... in else"},
        {"{{ if 1 }}{{ else \"éééééééééééé\" }}", "unexpected \"\\\"ééééééééé\"... in else"},
        {"{{ if 1 }}{{ else \"\x01\" }}", "unexpected \"\\\"\\x01\\\"\" in else"},
        {"{{ if 1 }}{{ end if }}", "unexpected <if> in end"},
        {"{{ if 1 }}{{ end . }}", "unexpected <.> in end"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *msg = parse_error("t", cases[i].text, strlen(cases[i].text), &helm_opts);
        assert_non_null(msg);
        const char *got = msg + strlen("template: t:1: ");
        if (strcmp(got, cases[i].want) != 0) print_error("%s\n  want %s\n  got  %s\n", cases[i].text, cases[i].want, got);
        assert_string_equal(got, cases[i].want);
        free(msg);
    }
}

/* ---- constants ---- */

typedef struct const_case {
    const char *text;
    kz_kind kind;
    int64_t i;
    double f;
    uint8_t flags;
} const_case;

#define F_I KZ_TNUM_INT
#define F_U KZ_TNUM_UINT
#define F_F KZ_TNUM_FLOAT
static const const_case const_cases[] = {
    {"0", KZ_INT, 0, 0, F_I | F_U | F_F},
    {"-0", KZ_INT, 0, 0, F_I | F_U | F_F},
    {"42", KZ_INT, 42, 42, F_I | F_U | F_F},
    {"-42", KZ_INT, -42, -42, F_I | F_F},
    {"+42", KZ_INT, 42, 42, F_I | F_F},
    {"0x1F", KZ_INT, 31, 31, F_I | F_U | F_F},
    {"0X1f", KZ_INT, 31, 31, F_I | F_U | F_F},
    {"0x1E", KZ_INT, 30, 30, F_I | F_U | F_F},
    {"-0x1E", KZ_FLOAT, -30, -30, F_I | F_F}, /* Go's idealConstant quirk: 'E' looks like an exponent */
    {"0o17", KZ_INT, 15, 15, F_I | F_U | F_F},
    {"017", KZ_INT, 15, 15, F_I | F_U | F_F},
    {"0b101", KZ_INT, 5, 5, F_I | F_U | F_F},
    {"1_000", KZ_INT, 1000, 1000, F_I | F_U | F_F},
    {"0x_1F", KZ_INT, 31, 31, F_I | F_U | F_F},
    {"1.5", KZ_FLOAT, 0, 1.5, F_F},
    {"2.0", KZ_FLOAT, 2, 2, F_I | F_U | F_F},
    {".5", KZ_FLOAT, 0, 0.5, F_F},
    {"1.", KZ_FLOAT, 1, 1, F_I | F_U | F_F},
    {"1e3", KZ_FLOAT, 1000, 1000, F_I | F_U | F_F},
    {"1E-3", KZ_FLOAT, 0, 0.001, F_F},
    {"1e1_0", KZ_FLOAT, 10000000000, 1e10, F_I | F_U | F_F},
    {"08.5", KZ_FLOAT, 0, 8.5, F_F},
    {"0x1p3", KZ_FLOAT, 8, 8, F_I | F_U | F_F},
    {"0x1.8p1", KZ_FLOAT, 3, 3, F_I | F_U | F_F},
    {"0x1P-2", KZ_FLOAT, 0, 0.25, F_F},
    {"1e-400", KZ_FLOAT, 0, 0, F_I | F_U | F_F},
    {"9223372036854775807", KZ_INT, INT64_MAX, 9223372036854775807.0, F_I | F_U | F_F},
    {"-9223372036854775808", KZ_INT, INT64_MIN, -9223372036854775808.0, F_I | F_F},
    {"9223372036854775808", KZ_INVALID, 0, 9223372036854775808.0, F_U | F_F},
    {"'a'", KZ_INT, 97, 97, F_I | F_U | F_F | KZ_TNUM_RUNE},
    {"'\\n'", KZ_INT, 10, 10, F_I | F_U | F_F | KZ_TNUM_RUNE},
    {"'\\x41'", KZ_INT, 65, 65, F_I | F_U | F_F | KZ_TNUM_RUNE},
    {"'\\101'", KZ_INT, 65, 65, F_I | F_U | F_F | KZ_TNUM_RUNE},
    {"'\\u00e9'", KZ_INT, 233, 233, F_I | F_U | F_F | KZ_TNUM_RUNE},
    {"'é'", KZ_INT, 233, 233, F_I | F_U | F_F | KZ_TNUM_RUNE},
    {"'\\''", KZ_INT, 39, 39, F_I | F_U | F_F | KZ_TNUM_RUNE},
    {"'\\377'", KZ_INT, 255, 255, F_I | F_U | F_F | KZ_TNUM_RUNE},
    {"1i", KZ_INVALID, 0, 0, KZ_TNUM_COMPLEX},
    {"0i", KZ_INVALID, 0, 0, KZ_TNUM_COMPLEX | F_I | F_U | F_F},
    {"1+2i", KZ_INVALID, 0, 0, KZ_TNUM_COMPLEX},
    {"2+0i", KZ_INVALID, 2, 2, KZ_TNUM_COMPLEX | F_I | F_U | F_F},
};

static const kz_tmpl_node *first_arg(const kz_tmpl_file *f) {
    const kz_tmpl_node *action = f->main->root->u.list.nodes[0];
    assert_int_equal(action->kind, KZ_TN_ACTION);
    return action->u.action.pipe->u.pipe.cmds[0]->u.cmd.args[0];
}

static void test_number_constants(void **state) {
    (void)state;
    for (size_t i = 0; i < sizeof const_cases / sizeof const_cases[0]; i++) {
        const const_case *c = &const_cases[i];
        char text[64];
        snprintf(text, sizeof text, "{{ %s }}", c->text);
        kz_tmpl_file *f = NULL;
        kz_value err = kz_tmpl_parse("t", text, strlen(text), NULL, &f);
        if (!f) print_error("%s: %s\n", c->text, kz_error_message(&err));
        assert_non_null(f);
        const kz_tmpl_node *n = first_arg(f);
        assert_int_equal(n->kind, KZ_TN_NUMBER);
        const kz_tmpl_number *num = n->u.con.num;
        assert_non_null(num);
        if (num->flags != c->flags) print_error("%s: flags %x want %x\n", c->text, num->flags, c->flags);
        assert_int_equal(num->flags, c->flags);
        assert_int_equal(kz_kind_of(&n->u.con.value), c->kind);
        assert_int_equal(kz_gotype_of(&n->u.con.value), KZ_GOTYPE_NATURAL);
        if (c->kind == KZ_INT) assert_int_equal(kz_int_get(&n->u.con.value), c->i);
        if (c->kind == KZ_FLOAT) assert_true(kz_float_get(&n->u.con.value) == c->f);
        if (c->flags & F_I) assert_int_equal(num->i64, c->i);
        if (c->flags & F_F) assert_true(num->f64 == c->f);
        kz_free(err);
        kz_tmpl_file_free(f);
    }
}

static void test_complex_parts(void **state) {
    (void)state;
    kz_tmpl_file *f = NULL;
    kz_value err = kz_tmpl_parse("t", "{{ -1.5+2e1i }}", 15, NULL, &f);
    assert_non_null(f);
    const kz_tmpl_node *n = first_arg(f);
    assert_true(n->u.con.num->re == -1.5 && n->u.con.num->im == 20);
    kz_free(err);
    kz_tmpl_file_free(f);
}

static void test_string_constants(void **state) {
    (void)state;
    struct {
        const char *text;
        const char *want;
        size_t len;
    } cases[] = {
        {"\"plain\"", "plain", 5},
        {"\"a\\tb\\n\\\\\\\"\"", "a\tb\n\\\"", 6},
        {"\"\\a\\b\\f\\r\\v\"", "\a\b\f\r\v", 5},
        {"\"\\x41\\101\\u00e9\\U0001F600\"", "AA\xc3\xa9\xf0\x9f\x98\x80", 8},
        {"\"\\xff\\000\"", "\xff\0", 2},
        {"\"\xff\"", "\xef\xbf\xbd", 3}, /* invalid UTF-8 becomes U+FFFD, as strconv.Unquote does */
        {"\"a long string beyond the inline size\"", "a long string beyond the inline size", 36},
        {"`raw \\n \"q\"`", "raw \\n \"q\"", 10},
        {"`a\r\nb`", "a\nb", 3},
        {"``", "", 0},
        {"\"\"", "", 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char text[128];
        snprintf(text, sizeof text, "{{ %s }}", cases[i].text);
        kz_tmpl_file *f = NULL;
        kz_value err = kz_tmpl_parse("t", text, strlen(text), NULL, &f);
        assert_non_null(f);
        const kz_tmpl_node *n = first_arg(f);
        assert_int_equal(n->kind, KZ_TN_STRING);
        assert_int_equal(kz_kind_of(&n->u.con.value), KZ_STRING);
        assert_int_equal(kz_str_len(&n->u.con.value), cases[i].len);
        assert_memory_equal(kz_str(&n->u.con.value), cases[i].want, cases[i].len);
        assert_int_equal(n->u.con.text_len, strlen(cases[i].text));
        kz_free(err);
        kz_tmpl_file_free(f);
    }
}

/* ---- positions ---- */

static void test_positions(void **state) {
    (void)state;
    const char *text = "ab\n{{ .a.b }} {{ $x := print 1 }}\n  {{ if $x.y }}{{ (print 1).z }}{{ end }}";
    kz_tmpl_file *f = NULL;
    kz_value err = kz_tmpl_parse("chart/templates/x.yaml", text, strlen(text), &helm_opts, &f);
    assert_non_null(f);
    const kz_tmpl_tree *t = f->main;
    kz_tmpl_node *const *nodes = t->root->u.list.nodes;
    assert_int_equal(t->root->u.list.len, 6);
    kz_buf b = KZ_BUF_INIT;
    /* .a.b: Go positions the field at its second part, ".b" */
    const kz_tmpl_node *field = nodes[1]->u.action.pipe->u.pipe.cmds[0]->u.cmd.args[0];
    assert_int_equal(field->kind, KZ_TN_FIELD);
    kz_tmpl_location(&b, t, field);
    assert_string_equal(kz_buf_cstr(&b), "chart/templates/x.yaml:2:5");
    kz_buf_clear(&b);
    kz_tmpl_location(&b, t, nodes[1]);
    assert_string_equal(kz_buf_cstr(&b), "chart/templates/x.yaml:2:3");
    /* the print identifier */
    const kz_tmpl_node *pipe = nodes[3]->u.action.pipe;
    assert_int_equal(pipe->u.pipe.ndecl, 1);
    const kz_tmpl_node *ident = pipe->u.pipe.cmds[0]->u.cmd.args[0];
    assert_int_equal(ident->kind, KZ_TN_IDENTIFIER);
    kz_buf_clear(&b);
    kz_tmpl_location(&b, t, ident);
    assert_string_equal(kz_buf_cstr(&b), "chart/templates/x.yaml:2:20");
    /* the if, its $x.y (at ".y"), and the chain (at ".z") */
    const kz_tmpl_node *ifn = nodes[5];
    assert_int_equal(ifn->kind, KZ_TN_IF);
    kz_buf_clear(&b);
    kz_tmpl_location(&b, t, ifn);
    assert_string_equal(kz_buf_cstr(&b), "chart/templates/x.yaml:3:8");
    const kz_tmpl_node *var = ifn->u.branch.pipe->u.pipe.cmds[0]->u.cmd.args[0];
    assert_int_equal(var->kind, KZ_TN_VARIABLE);
    assert_int_equal(var->u.var.n, 2);
    kz_buf_clear(&b);
    kz_tmpl_location(&b, t, var);
    assert_string_equal(kz_buf_cstr(&b), "chart/templates/x.yaml:3:10");
    const kz_tmpl_node *chain = ifn->u.branch.list->u.list.nodes[0]->u.action.pipe->u.pipe.cmds[0]->u.cmd.args[0];
    assert_int_equal(chain->kind, KZ_TN_CHAIN);
    assert_int_equal(chain->u.chain.node->kind, KZ_TN_PIPE);
    kz_buf_clear(&b);
    kz_tmpl_location(&b, t, chain);
    assert_string_equal(kz_buf_cstr(&b), "chart/templates/x.yaml:3:27");
    kz_buf_clear(&b);
    kz_tmpl_node_string(&b, chain);
    assert_string_equal(kz_buf_cstr(&b), "(print 1).z");
    /* first line: the column is the byte offset itself */
    uint32_t line, col;
    kz_tmpl_line_col(t, 1, &line, &col);
    assert_int_equal(line, 1);
    assert_int_equal(col, 1);
    kz_buf_free(&b);
    kz_free(err);
    kz_tmpl_file_free(f);
}

/* ---- names, definitions, the file ---- */

static void test_interned_names(void **state) {
    (void)state;
    const char *text = "{{ .a.b }}{{ .b.a }}{{ $x := 1 }}{{ $x }}";
    kz_tmpl_file *f = NULL;
    kz_value err = kz_tmpl_parse("t", text, strlen(text), NULL, &f);
    assert_non_null(f);
    kz_tmpl_node *const *n = f->main->root->u.list.nodes;
    const kz_tmpl_node *f1 = n[0]->u.action.pipe->u.pipe.cmds[0]->u.cmd.args[0];
    const kz_tmpl_node *f2 = n[1]->u.action.pipe->u.pipe.cmds[0]->u.cmd.args[0];
    assert_ptr_equal(f1->u.field.names[0], f2->u.field.names[1]);
    assert_ptr_equal(f1->u.field.names[1], f2->u.field.names[0]);
    assert_string_equal(f1->u.field.names[0]->s, "a");
    const kz_tmpl_node *decl = n[2]->u.action.pipe;
    const kz_tmpl_node *use = n[3]->u.action.pipe->u.pipe.cmds[0]->u.cmd.args[0];
    assert_ptr_equal(decl->u.pipe.decl[0], use->u.var.names[0]);
    kz_free(err);
    kz_tmpl_file_free(f);
}

/* A file parsed under one name and renamed reads as if parsed under the new
 * one: its own template's name and every tree's parse name (error
 * locations); files that define either name are refused, unchanged. */
static void test_rename(void **state) {
    (void)state;
    const char *text = "{{ define \"d\" }}{{ .a.b }}{{ end }}x{{ template \"templates/x.yaml\" }}";
    kz_tmpl_file *f = NULL;
    kz_value err = kz_tmpl_parse("templates/x.yaml", text, strlen(text), &helm_opts, &f);
    assert_non_null(f);
    assert_true(kz_tmpl_file_rename(f, "chart/templates/x.yaml"));
    assert_string_equal(f->name, "chart/templates/x.yaml");
    assert_string_equal(f->main->name->s, "chart/templates/x.yaml");
    assert_int_equal(f->main->name->len, strlen("chart/templates/x.yaml"));
    assert_string_equal(f->main->parse_name, "chart/templates/x.yaml");
    assert_string_equal(f->defs[0]->parse_name, "chart/templates/x.yaml");
    assert_string_equal(f->defs[0]->name->s, "d");
    assert_ptr_equal(kz_tmpl_file_lookup(f, "chart/templates/x.yaml", 22), f->main);
    assert_null(kz_tmpl_file_lookup(f, "templates/x.yaml", 16));
    kz_buf b = KZ_BUF_INIT; /* the call names what the text says */
    kz_tmpl_tree_string(&b, f->main);
    assert_string_equal(kz_buf_cstr(&b), "x{{template \"templates/x.yaml\"}}");
    kz_buf_clear(&b);
    kz_tmpl_location(&b, f->defs[0], f->defs[0]->root->u.list.nodes[0]);
    assert_string_equal(kz_buf_cstr(&b), "chart/templates/x.yaml:1:19");
    kz_buf_free(&b);
    kz_free(err);
    kz_tmpl_file_free(f);

    const char *refused[] = {
        "{{ define \"chart/templates/x.yaml\" }}D{{ end }}", /* defines the new name */
        "{{ define \"templates/x.yaml\" }}D{{ end }}",      /* the old: a definition is the file's template */
        "{{ define \"templates/x.yaml\" }} {{ end }}M",     /* or gave way to it */
    };
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
        err = kz_tmpl_parse("templates/x.yaml", refused[i], strlen(refused[i]), &helm_opts, &f);
        assert_non_null(f);
        size_t ndefs = f->ndefs;
        assert_false(kz_tmpl_file_rename(f, "chart/templates/x.yaml"));
        assert_string_equal(f->name, "templates/x.yaml");
        assert_int_equal(f->ndefs, ndefs);
        kz_free(err);
        kz_tmpl_file_free(f);
    }
}

static void test_definitions(void **state) {
    (void)state;
    const char *text = "{{ define \"a\" }}A{{ end }}main{{ block \"b\" . }}B{{ end }}"
                       "{{ define \"c\" }} {{ end }}{{ define \"c\" }}C{{ end }}{{ define \"a\" }}\n{{ end }}";
    kz_tmpl_file *f = NULL;
    kz_value err = kz_tmpl_parse("x.yaml", text, strlen(text), &helm_opts, &f);
    assert_non_null(f);
    assert_int_equal(f->ndefs, 3);
    kz_buf b = KZ_BUF_INIT;
    const char *want[][2] = {{"a", "A"}, {"b", "B"}, {"c", "C"}};
    for (size_t i = 0; i < 3; i++) {
        assert_string_equal(f->defs[i]->name->s, want[i][0]);
        assert_string_equal(f->defs[i]->parse_name, "x.yaml");
        kz_buf_clear(&b);
        kz_tmpl_tree_string(&b, f->defs[i]);
        assert_string_equal(kz_buf_cstr(&b), want[i][1]);
        assert_ptr_equal(kz_tmpl_file_lookup(f, want[i][0], 1), f->defs[i]);
    }
    kz_buf_clear(&b);
    kz_tmpl_tree_string(&b, f->main);
    assert_string_equal(kz_buf_cstr(&b), "main{{template \"b\" .}}");
    assert_ptr_equal(kz_tmpl_file_lookup(f, "x.yaml", 6), f->main);
    assert_null(kz_tmpl_file_lookup(f, "zz", 2));
    assert_false(kz_tmpl_tree_is_empty(f->main));
    kz_buf_free(&b);
    kz_free(err);
    kz_tmpl_file_free(f);

    /* a file whose own text is empty gives its name to a definition of that name */
    text = "{{ define \"x.yaml\" }}D{{ end }}\n";
    err = kz_tmpl_parse("x.yaml", text, strlen(text), NULL, &f);
    assert_non_null(f);
    assert_int_equal(f->ndefs, 0);
    assert_int_equal(f->main->root->u.list.len, 1);
    kz_free(err);
    kz_tmpl_file_free(f);
    /* ... and takes it over when the definition is empty */
    text = "{{ define \"x.yaml\" }} {{ end }}M";
    err = kz_tmpl_parse("x.yaml", text, strlen(text), NULL, &f);
    assert_non_null(f);
    assert_int_equal(f->ndefs, 0);
    kz_buf_clear(&b);
    kz_tmpl_tree_string(&b, f->main);
    assert_string_equal(kz_buf_cstr(&b), "M");
    kz_buf_free(&b);
    kz_free(err);
    kz_tmpl_file_free(f);
    /* both with content: Go's error */
    char *msg = parse_error("x.yaml", "{{ define \"x.yaml\" }}D{{ end }}M", 32, NULL);
    assert_string_equal(msg, "template: x.yaml:1: template: multiple definition of template \"x.yaml\"");
    free(msg);
    /* an empty file is one empty tree */
    err = kz_tmpl_parse("e", "", 0, NULL, &f);
    assert_non_null(f);
    assert_true(kz_tmpl_tree_is_empty(f->main));
    assert_int_equal(f->main->root->u.list.len, 0);
    kz_free(err);
    kz_tmpl_file_free(f);
}

static bool break_is_function(void *ctx, const char *name, size_t len) {
    (void)ctx;
    return (len == 5 && memcmp(name, "break", 5) == 0) || helm_func_exists(NULL, name, len);
}

static void test_function_check(void **state) {
    (void)state;
    /* without a function table, any identifier is accepted (Go's SkipFuncCheck) */
    char *s = tree_string_opts("{{ anything 1 | goes }}", NULL);
    assert_string_equal(s, "{{anything 1 | goes}}");
    free(s);
    /* a function named break turns the keyword into a function call */
    kz_tmpl_parse_opts opts = {.func_exists = break_is_function};
    s = tree_string_opts("{{ break 1 }}", &opts);
    assert_string_equal(s, "{{break 1}}");
    free(s);
    s = tree_string_opts("{{ continue }}", &opts);
    assert_string_equal(s, "ERROR: template: t:1: {{continue}} outside {{range}}");
    free(s);
}

static void test_deep_nesting(void **state) {
    (void)state;
    /* parenthesised pipelines nest up to Go's limit of 10000 */
    size_t depth = 10001;
    kz_buf b = KZ_BUF_INIT;
    kz_buf_puts(&b, "{{ ");
    kz_buf_repeat(&b, '(', depth);
    kz_buf_puts(&b, "1");
    kz_buf_repeat(&b, ')', depth);
    kz_buf_puts(&b, " }}");
    char *msg = parse_error("t", b.data, b.len, NULL);
    assert_string_equal(msg, "template: t:1: max expression depth exceeded");
    free(msg);
    kz_buf_clear(&b);
    kz_buf_puts(&b, "{{ ");
    kz_buf_repeat(&b, '(', 500);
    kz_buf_puts(&b, "1");
    kz_buf_repeat(&b, ')', 500);
    kz_buf_puts(&b, " }}");
    msg = parse_error("t", b.data, b.len, NULL);
    assert_null(msg);
    kz_buf_free(&b);
}

/* ---- real charts ---- */

static bool any_function(void *ctx, const char *name, size_t len) {
    (void)ctx, (void)name, (void)len;
    return true;
}

/* Every template of the edu charts (which helm renders) parses, and the tree
 * printed back parses to the same text again. */
static void test_real_charts(void **state) {
    (void)state;
    static const char *const charts[] = {"dashboard-1.0.0", "grafana-5.3.0", "jenkins-2.7.1",
                                         "metallb-0.1.0",  "metallb-0.1.1", "prometheus-11.6.0"};
    kz_tmpl_parse_opts opts = {.func_exists = any_function};
    int files = 0, defines = 0;
    size_t bytes = 0;
    double seconds = 0;
    for (size_t c = 0; c < sizeof charts / sizeof charts[0]; c++) {
        char tgz[512];
        snprintf(tgz, sizeof tgz, "%s/fixtures/edu-chart-repo/%s.tgz", KZ_SHARED_DIR, charts[c]);
        struct archive *a = archive_read_new();
        archive_read_support_filter_all(a);
        archive_read_support_format_all(a);
        assert_int_equal(archive_read_open_filename(a, tgz, 65536), ARCHIVE_OK);
        struct archive_entry *e;
        while (archive_read_next_header(a, &e) == ARCHIVE_OK) {
            const char *name = archive_entry_pathname(e);
            if (!strstr(name, "/templates/") || archive_entry_filetype(e) != AE_IFREG) continue;
            kz_buf text = KZ_BUF_INIT;
            char chunk[8192];
            la_ssize_t got;
            while ((got = archive_read_data(a, chunk, sizeof chunk)) > 0) kz_buf_append(&text, chunk, (size_t)got);
            kz_tmpl_file *f = NULL;
            clock_t t0 = clock();
            kz_value err = kz_tmpl_parse(name, text.data ? text.data : "", text.len, &opts, &f);
            seconds += (double)(clock() - t0) / CLOCKS_PER_SEC;
            if (!f) print_error("%s: %s\n", name, kz_error_message(&err));
            assert_non_null(f);
            files++;
            bytes += text.len;
            defines += (int)f->ndefs;
            kz_buf once = KZ_BUF_INIT, twice = KZ_BUF_INIT;
            kz_tmpl_tree_string(&once, f->main);
            for (size_t i = 0; i < f->ndefs; i++) kz_tmpl_tree_string(&once, f->defs[i]);
            kz_tmpl_file *g = NULL;
            kz_value err2 = kz_tmpl_parse(name, once.data ? once.data : "", once.len, &opts, &g);
            if (!g) print_error("%s printed back: %s\n", name, kz_error_message(&err2));
            assert_non_null(g);
            kz_tmpl_tree_string(&twice, g->main);
            assert_string_equal(kz_buf_cstr(&once), kz_buf_cstr(&twice));
            kz_buf_free(&once);
            kz_buf_free(&twice);
            kz_free(err2);
            kz_tmpl_file_free(g);
            kz_free(err);
            kz_tmpl_file_free(f);
            kz_buf_free(&text);
        }
        archive_read_free(a);
    }
    print_message("%d chart templates (%zu bytes, %d defines) parsed in %.1f ms\n", files, bytes, defines,
                  seconds * 1000);
    assert_true(files >= 100);
    assert_true(defines >= 20);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_golden_cases),     cmocka_unit_test(test_tokens),
        cmocka_unit_test(test_token_lines),      cmocka_unit_test(test_custom_delimiters),
        cmocka_unit_test(test_tree_strings),     cmocka_unit_test(test_token_describe),
        cmocka_unit_test(test_number_constants), cmocka_unit_test(test_complex_parts),
        cmocka_unit_test(test_string_constants), cmocka_unit_test(test_positions),
        cmocka_unit_test(test_interned_names),   cmocka_unit_test(test_definitions), cmocka_unit_test(test_rename),
        cmocka_unit_test(test_function_check),   cmocka_unit_test(test_deep_nesting),
        cmocka_unit_test(test_real_charts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
