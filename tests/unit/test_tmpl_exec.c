/*
 * Tests of the template executor, set and function table (lib/tmpl/exec,
 * set, funcs).
 *
 * - golden: every case of tests/golden/tmplexec/cases.tsv, recorded from helm
 *   v3.17 with chart/values.yaml as .Values: "ok" cases must print exactly what
 *   Go printed (raw, "<no value>" included), "err" cases must fail with Go's
 *   message (parse errors compared after Helm's rewriting of them).
 * - tables: Go's builtin slice (Helm replaces it with Sprig's, so helm can't
 *   record it; expectations from Go's documentation and funcs.go behaviour),
 *   missingkey=error, the set's redefinition rule, the function table
 *   (arity errors, "error calling", re-entry), <no value> stripping.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/base64.h"
#include "core/buf.h"
#include "core/file.h"
#include "core/parallel.h"
#include "core/value.h"
#include "funcs/funcs.h"
#include "golden_util.h"
#include "tmpl/exec.h"
#include "tmpl/funcs.h"
#include "tmpl/set.h"
#include "yaml/parse.h"

#define GOLDEN KZ_TEST_DATA "/golden/tmplexec"
#define FILE_NAME "c/templates/x.yaml"

/* ---- helpers ---- */

static kz_value load_dot(void) {
    kz_buf b = KZ_BUF_INIT;
    assert_int_equal(kz_file_read(GOLDEN "/chart/values.yaml", &b, NULL), 0);
    kz_yaml_parse_opts o = {.schema = KZ_YAML_HELM};
    kz_value values = kz_yaml_parse_one(b.data, b.len, &o);
    kz_buf_free(&b);
    assert_true(kz_is_map(&values));
    kz_value dot = kz_map();
    kz_map_setz(&dot, "Values", values);
    return dot;
}

/* Execute `text` as file FILE_NAME of a fresh set; returns the output or the
 * error message (caller frees), *failed telling which. */
static char *run_with(const kz_tmpl_funcs *funcs, const char *text, const kz_value *dot,
                      kz_tmpl_missingkey mk, bool *failed) {
    kz_tmpl_set *set = kz_tmpl_set_new(funcs);
    kz_value err = kz_tmpl_set_add(set, FILE_NAME, text, strlen(text));
    kz_buf out = KZ_BUF_INIT;
    char *result;
    if (kz_error_message(&err)) {
        *failed = true;
        result = strdup(kz_error_message(&err));
    } else {
        kz_tmpl_exec_opts opts = {.missingkey = mk};
        kz_free(err);
        err = kz_tmpl_execute(set, FILE_NAME, strlen(FILE_NAME), dot, &opts, &out);
        *failed = kz_error_message(&err) != NULL;
        result = strdup(*failed ? kz_error_message(&err) : kz_buf_cstr(&out));
    }
    kz_free(err);
    kz_buf_free(&out);
    kz_tmpl_set_free(set);
    return result;
}

/* A stand-in for Sprig's repeat(count int, str string), for the goldens of
 * typed parameters. */
static kz_value fn_repeat(kz_tmpl_call *call, size_t argc, const kz_value *argv) {
    (void)call;
    (void)argc;
    kz_buf b = KZ_BUF_INIT;
    for (int64_t i = 0; i < kz_int_get(&argv[0]); i++) kz_buf_append(&b, kz_str(&argv[1]), kz_str_len(&argv[1]));
    kz_value r = kz_string(kz_buf_cstr(&b));
    kz_buf_free(&b);
    return r;
}




/* ---- golden ---- */

static void test_golden(void **state) {
    (void)state;
    kz_value dot = load_dot();
    kz_tmpl_funcs *funcs = kz_tmpl_funcs_new();
    kz_tmpl_funcs_add_typed(funcs, "repeat", fn_repeat, "is", NULL);
    kz_buf file = KZ_BUF_INIT;
    assert_int_equal(kz_file_read(GOLDEN "/cases.tsv", &file, NULL), 0);
    int ok = 0, err = 0, skipped = 0, bad = 0;
    char *save = NULL;
    for (char *line = strtok_r(file.data, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        char *kind = line;
        char *text = strchr(kind, '\t');
        assert_non_null(text);
        *text++ = '\0';
        char *expect = strchr(text, '\t');
        assert_non_null(expect);
        *expect++ = '\0';
        golden_decode_escapes(text);
        if (strncmp(expect, "YAML parse error", 16) == 0 || strstr(text, "1i")) {
            skipped++; /* helm failed after executing: nothing of ours to compare */
            continue;
        }
        bool failed;
        char *got = run_with(funcs, text, &dot, KZ_TMPL_MISSING_ZERO, &failed);
        char *want = strcmp(kind, "ok") == 0 ? golden_b64_decode(expect, NULL) : strdup(expect);
        bool want_fail = strcmp(kind, "ok") != 0;
        if (failed && want_fail && strncmp(want, "parse error at (", 16) == 0) {
            char *h = kz_funcs_helm_parse_error(FILE_NAME, got);
            free(got);
            got = h;
        }
        if (failed != want_fail || strcmp(got, want) != 0) {
            fprintf(stderr, "CASE %s\n  want %s: [%s]\n  got  %s: [%s]\n", text, want_fail ? "error" : "output",
                    want, failed ? "error" : "output", got);
            bad++;
        } else if (want_fail) {
            err++;
        } else {
            ok++;
        }
        free(got);
        free(want);
    }
    fprintf(stderr, "golden: %d outputs, %d errors match; %d skipped; %d wrong\n", ok, err, skipped, bad);
    assert_int_equal(bad, 0);
    assert_true(ok > 50 && err > 50);
    kz_buf_free(&file);
    kz_tmpl_funcs_free(funcs);
    kz_free(dot);
}

/* ---- tables ---- */

typedef struct table_case {
    const char *text;
    const char *want;  /* output, or the error's suffix after "at <...>: " */
    bool fails;
} table_case;

static void check_table(const table_case *cases, size_t n, kz_tmpl_missingkey mk, const kz_tmpl_funcs *funcs) {
    kz_value dot = load_dot();
    int bad = 0;
    for (size_t i = 0; i < n; i++) {
        bool failed;
        char *got = run_with(funcs, cases[i].text, &dot, mk, &failed);
        bool match = failed == cases[i].fails;
        if (match && failed) {
            size_t gl = strlen(got), wl = strlen(cases[i].want);
            match = gl >= wl && strcmp(got + gl - wl, cases[i].want) == 0;
        } else if (match) {
            match = strcmp(got, cases[i].want) == 0;
        }
        if (!match) {
            fprintf(stderr, "CASE %s\n  want: [%s]\n  got:  [%s]\n", cases[i].text, cases[i].want, got);
            bad++;
        }
        free(got);
    }
    kz_free(dot);
    assert_int_equal(bad, 0);
}

/* Go's builtin slice (funcs.go), which Helm hides behind Sprig's. */
static void test_builtin_slice(void **state) {
    (void)state;
    static const table_case cases[] = {
        {"{{ slice .Values.s 1 3 }}", "el", false},
        {"{{ slice .Values.s 2 }}", "llo", false},
        {"{{ slice .Values.s }}", "hello", false},
        {"{{ slice .Values.l 1 }}", "[2 3]", false},
        {"{{ slice .Values.l 0 1 2 }}", "[1]", false},
        {"{{ slice .Values.l 1 1 }}", "[]", false},
        {"{{ slice .Values.s 1 | printf \"%T\" }}", "string", false},
        {"{{ slice .Values.l 2 1 }}", "error calling slice: invalid slice index: 2 > 1", true},
        {"{{ slice .Values.l 0 5 }}", "error calling slice: index out of range: 5", true},
        {"{{ slice .Values.s 0 1 2 }}", "error calling slice: cannot 3-index slice a string", true},
        {"{{ slice .Values.num 1 }}", "error calling slice: can't slice item of type float64", true},
        {"{{ slice nil }}", "error calling slice: slice of untyped nil", true},
        {"{{ slice .Values.l 1 2 3 4 }}", "error calling slice: too many slice indexes: 4", true},
        {"{{ slice .Values.l \"a\" }}", "error calling slice: cannot index slice/array with type string", true},
        {"{{ slice }}", "wrong number of args for slice: want at least 1 got 0", true},
    };
    check_table(cases, sizeof cases / sizeof cases[0], KZ_TMPL_MISSING_ZERO, NULL);
}

/* missingkey=error: Go's option text (exec.go), as helm lint --strict runs. */
static void test_missingkey_error(void **state) {
    (void)state;
    static const table_case cases[] = {
        {"{{ .Values.s }}", "hello", false},
        {"{{ .Values.missing }}", "at <.Values.missing>: map has no entry for key \"missing\"", true},
        {"{{ .Values.nested.a.zz }}", "map has no entry for key \"zz\"", true},
        {"{{ $x := .Values.missing }}", "map has no entry for key \"missing\"", true},
        {"{{ index .Values.m \"zz\" }}", "<no value>", false},
        {"{{ template \"t\" }}{{ define \"t\" }}{{ .x }}{{ end }}", "nil data; no entry for key \"x\"", true},
    };
    check_table(cases, sizeof cases / sizeof cases[0], KZ_TMPL_MISSING_ERROR, NULL);
}

/* Printf's format is a Go string parameter. */
static void test_typed_format(void **state) {
    (void)state;
    static const table_case cases[] = {
        {"{{ printf 1 }}", "at <1>: expected string; found 1", true},
        {"{{ printf nil }}", "at <nil>: cannot assign nil to string", true},
        {"{{ printf .Values.num }}", "wrong type for value; expected string; got float64", true},
        {"{{ printf .Values.missing }}", "wrong type for value; expected string; got interface {}", true},
        {"{{ \"a%vb\" | printf }}", "a%!v(MISSING)b", false},
        {"{{ 1 | printf \"%v\" }}", "1", false},
        {"{{ $x := \"s\" }}{{ $x.y }}", "can't evaluate field y in type string", true},
        /* Go 1.23 (helm v3.17.3's) panics on call with only a piped value */
        {"{{ .Values.sl | len | call }}", "runtime error: index out of range [0] with length 0", true},
        {"{{ nosuch }}", "function \"nosuch\" not defined", true},
    };
    check_table(cases, sizeof cases / sizeof cases[0], KZ_TMPL_MISSING_ZERO, NULL);
}

/* ---- function table ---- */

static kz_value fn_twice(kz_tmpl_call *call, size_t argc, const kz_value *argv) {
    (void)call;
    (void)argc;
    if (!kz_is_string(&argv[0])) return kz_error("want a string, got %s", kz_kind_name(kz_kind_of(&argv[0])));
    return kz_string_fmt("%s%s", kz_str(&argv[0]), kz_str(&argv[0]));
}

static kz_value fn_count(kz_tmpl_call *call, size_t argc, const kz_value *argv) {
    (void)argv;
    int *calls = call->func->data;
    (*calls)++;
    return kz_int((int64_t)argc);
}

/* Helm's include, in short: execute a named template into a string. */
static kz_value fn_include(kz_tmpl_call *call, size_t argc, const kz_value *argv) {
    (void)argc;
    kz_buf out = KZ_BUF_INIT;
    kz_value err = kz_tmpl_call_execute(call, kz_str(&argv[0]), kz_str_len(&argv[0]), &argv[1], &out);
    if (kz_error_message(&err)) {
        kz_buf_free(&out);
        return err;
    }
    kz_value r = kz_string(kz_buf_cstr(&out));
    kz_buf_free(&out);
    return r;
}

static kz_value fn_slice_override(kz_tmpl_call *call, size_t argc, const kz_value *argv) {
    (void)call;
    (void)argv;
    return kz_string_fmt("sprig-slice/%zu", argc);
}

static kz_value fn_nkeys(kz_tmpl_call *call, size_t argc, const kz_value *argv) {
    (void)call;
    (void)argc;
    return kz_int((int64_t)kz_len(&argv[0])); /* NULL (a nil map) has length 0 */
}

static kz_value fn_half(kz_tmpl_call *call, size_t argc, const kz_value *argv) {
    (void)call;
    (void)argc;
    return kz_float(kz_float_get(&argv[0]) / 2);
}

static void test_func_table(void **state) {
    (void)state;
    int calls = 0;
    kz_tmpl_funcs *funcs = kz_tmpl_funcs_new();
    kz_tmpl_funcs_add(funcs, "twice", fn_twice, 1, 1, NULL);
    kz_tmpl_funcs_add(funcs, "count", fn_count, 1, KZ_TMPL_VARIADIC, &calls);
    kz_tmpl_funcs_add(funcs, "include", fn_include, 2, 2, NULL);
    kz_tmpl_funcs_add(funcs, "slice", fn_slice_override, 0, KZ_TMPL_VARIADIC, NULL);
    kz_tmpl_funcs_add_typed(funcs, "nkeys", fn_nkeys, "m", NULL);
    kz_tmpl_funcs_add_typed(funcs, "half", fn_half, "f...b", NULL);
    assert_non_null(kz_tmpl_funcs_find(funcs, "twice", 5));
    assert_null(kz_tmpl_funcs_find(funcs, "tw", 2));
    assert_true(kz_tmpl_funcs_exists(funcs, "index", 5));
    static const table_case cases[] = {
        {"{{ twice \"ab\" }}", "abab", false},
        {"{{ \"x\" | twice }}", "xx", false},
        {"{{ twice }}", "at <twice>: wrong number of args for twice: want 1 got 0", true},
        {"{{ twice 1 2 }}", "wrong number of args for twice: want 1 got 2", true},
        {"{{ twice 1 }}", "at <twice 1>: error calling twice: want a string, got int", true},
        {"{{ twice .Values.missing }}", "error calling twice: want a string, got null", true},
        {"{{ count }}", "wrong number of args for count: want at least 1 got 0", true},
        {"{{ count 1 2 3 }}|{{ 4 | count 1 }}", "3|2", false},
        {"{{ define \"h\" }}[{{ .s }}]{{ end }}{{ include \"h\" .Values | twice }}", "[hello][hello]", false},
        {"{{ define \"h2\" }}{{ .x.y }}{{ end }}{{ include \"h2\" .Values }}",
         "error calling include: template: c/templates/x.yaml:1:22: executing \"h2\" at <.x.y>: nil pointer "
         "evaluating interface {}.y",
         true},
        {"{{ slice 1 2 }}", "sprig-slice/2", false},
        {"{{ nkeys .Values.m }}|{{ nkeys nil }}|{{ .Values.em | nkeys }}", "3|0|0", false},
        {"{{ nkeys .Values.l }}", "wrong type for value; expected map[string]interface {}; got []interface {}", true},
        {"{{ nkeys 1 }}", "can't handle 1 for arg of type map[string]interface {}", true},
        {"{{ half 3 }}|{{ half .Values.f }}|{{ half 'a' }}", "1.5|0.75|48.5", false},
        {"{{ half \"1\" }}", "expected float; found \"1\"", true},
        {"{{ half 1 true false }}|{{ half 1 }}", "0.5|0.5", false},
        {"{{ half 1 2 }}", "at <2>: expected bool; found 2", true},
    };
    check_table(cases, sizeof cases / sizeof cases[0], KZ_TMPL_MISSING_ZERO, funcs);
    assert_int_equal(calls, 2);
    kz_tmpl_funcs_free(funcs);
}

/* The table itself: many names (its index grows several times), order of
 * registration kept by a replaced name, the typed parameters stored without
 * the dots, lookups by length (not NUL), methods apart from functions. */
static void test_func_registry(void **state) {
    (void)state;
    kz_tmpl_funcs *funcs = kz_tmpl_funcs_new();
    char name[32];
    for (int i = 0; i < 1000; i++) {
        snprintf(name, sizeof name, "fn%d", i);
        kz_tmpl_funcs_add(funcs, name, fn_twice, 1, 1, (void *)(intptr_t)i);
    }
    assert_int_equal(kz_tmpl_funcs_count(funcs), 1000);
    for (int i = 0; i < 1000; i++) {
        snprintf(name, sizeof name, "fn%d", i);
        const kz_tmpl_func *f = kz_tmpl_funcs_find(funcs, name, strlen(name));
        assert_non_null(f);
        assert_ptr_equal(f, kz_tmpl_funcs_at(funcs, (size_t)i));
        assert_int_equal((intptr_t)f->data, i);
    }
    assert_null(kz_tmpl_funcs_find(funcs, "fn1000", 6));
    assert_non_null(kz_tmpl_funcs_find(funcs, "fn12345", 4)); /* "fn12" */
    assert_null(kz_tmpl_funcs_at(funcs, 1000));

    kz_tmpl_funcs_add_typed(funcs, "fn7", fn_half, "f...b", NULL); /* replaced: keeps its place */
    const kz_tmpl_func *f = kz_tmpl_funcs_at(funcs, 7);
    assert_int_equal(kz_tmpl_funcs_count(funcs), 1000);
    assert_string_equal(f->name, "fn7");
    assert_int_equal(f->name_len, 3);
    assert_true(f->fn == fn_half);
    assert_int_equal(f->min_args, 1);
    assert_int_equal(f->max_args, KZ_TMPL_VARIADIC);
    assert_string_equal(f->params, "fb");
    kz_tmpl_funcs_add(funcs, "fn7", fn_twice, 2, 2, NULL); /* untyped again */
    assert_null(kz_tmpl_funcs_at(funcs, 7)->params);
    assert_int_equal(kz_tmpl_funcs_at(funcs, 7)->min_args, 2);

    kz_tmpl_funcs_add_method(funcs, KZ_GOTYPE_SEMVER, "fn8", fn_half, "f", NULL);
    assert_int_equal(kz_tmpl_funcs_count(funcs), 1000); /* not a function */
    assert_true(kz_tmpl_funcs_find(funcs, "fn8", 3)->fn == fn_twice);
    const kz_tmpl_func *m = kz_tmpl_funcs_find_method(funcs, KZ_GOTYPE_SEMVER, "fn8", 3);
    assert_non_null(m);
    assert_true(m->fn == fn_half);
    assert_null(kz_tmpl_funcs_find_method(funcs, KZ_GOTYPE_TIME, "fn8", 3));
    kz_tmpl_funcs_free(funcs);
}

/* ---- set ---- */

static char *exec_name(const kz_tmpl_set *set, const char *name) {
    kz_buf out = KZ_BUF_INIT;
    kz_value err = kz_tmpl_execute(set, name, strlen(name), NULL, NULL, &out);
    char *r = strdup(kz_error_message(&err) ? kz_error_message(&err) : kz_buf_cstr(&out));
    kz_free(err);
    kz_buf_free(&out);
    return r;
}

static void add(kz_tmpl_set *set, const char *name, const char *text) {
    kz_value err = kz_tmpl_set_add(set, name, text, strlen(text));
    assert_null(kz_error_message(&err));
    kz_free(err);
}

static void test_set(void **state) {
    (void)state;
    kz_tmpl_set *set = kz_tmpl_set_new(NULL);
    add(set, "c/charts/sub/templates/_h.tpl", "{{ define \"a\" }}sub-a{{ end }}{{ define \"b\" }}sub-b{{ end }}");
    add(set, "c/templates/_h.tpl", "{{ define \"a\" }}top-a{{ end }}{{ define \"b\" }}  {{ end }}");
    add(set, "c/templates/x.yaml", "{{ template \"a\" }}/{{ template \"b\" }}");
    char *r = exec_name(set, "c/templates/x.yaml");
    assert_string_equal(r, "top-a/sub-b"); /* a later non-empty tree replaces, an empty one doesn't */
    free(r);
    r = exec_name(set, "c/templates/_h.tpl");
    assert_string_equal(r, "");
    free(r);
    r = exec_name(set, "nope");
    assert_string_equal(r, "template: no template \"nope\" associated with template \"nope\"");
    free(r);
    kz_value err = kz_tmpl_set_add(set, "c/templates/bad.yaml", "{{ foo }}", 9);
    assert_string_equal(kz_error_message(&err), "template: c/templates/bad.yaml:1: function \"foo\" not defined");
    kz_free(err);
    assert_null(kz_tmpl_set_lookup(set, "c/templates/bad.yaml", 20));
    /* an overlay (Helm's tpl) sees the parent's templates; its own win */
    kz_tmpl_set *tpl = kz_tmpl_set_new_overlay(set);
    add(tpl, "gotpl", "{{ template \"a\" }}+{{ template \"b\" }}{{ define \"b\" }}tpl-b{{ end }}{{ define \"a\" }}{{ end }}");
    r = exec_name(tpl, "gotpl");
    assert_string_equal(r, "top-a+tpl-b");
    free(r);
    r = exec_name(set, "c/templates/x.yaml");
    assert_string_equal(r, "top-a/sub-b");
    free(r);
    kz_tmpl_set_free(tpl);
    kz_tmpl_set_delims(set, "[[", "]]");
    add(set, "c/templates/d.yaml", "[[ template \"a\" ]]{{ x }}");
    r = exec_name(set, "c/templates/d.yaml");
    assert_string_equal(r, "top-a{{ x }}");
    free(r);
    kz_tmpl_set_free(set);
}

/* kz_tmpl_set_add_all leaves the set as one-by-one adds would, on one thread
 * or several: the redefinition rule follows the order of the sources, and
 * on a parse error the sources before the first failing one are in, none
 * after it, whichever thread parsed what. */
static void test_set_add_all(void **state) {
    (void)state;
    enum { N = 65 };
    kz_tmpl_source src[N];
    char *texts[N], names[N][32];
    for (int i = 0; i < N; i++) {
        kz_buf t = KZ_BUF_INIT;
        /* every file redefines "x" (the last non-empty one wins) and has
         * enough text to put the whole set over the threading threshold */
        if (i % 5 == 4) kz_buf_puts(&t, "{{ define \"x\" }} {{ end }}");
        else kz_buf_printf(&t, "{{ define \"x\" }}file%d{{ end }}", i);
        for (int k = 0; k < 40; k++) kz_buf_puts(&t, "{{ if true }}{{ template \"x\" }}{{ else }}no{{ end }}\n");
        texts[i] = kz_buf_detach(&t, NULL);
        snprintf(names[i], sizeof names[i], "c/templates/f%02d.yaml", i);
        src[i] = (kz_tmpl_source){names[i], texts[i], strlen(texts[i]), NULL};
    }
    for (unsigned threads = 1; threads <= 4; threads++) {
        kz_tmpl_set *set = kz_tmpl_set_new(NULL);
        size_t failed;
        kz_value err = kz_tmpl_set_add_all(set, src, N, threads, &failed);
        assert_null(kz_error_message(&err));
        assert_int_equal(failed, N);
        char *r = exec_name(set, "x");
        assert_string_equal(r, "file63"); /* 64 is empty: 63 stays */
        free(r);
        kz_tmpl_set_free(set);
    }
    /* two broken files: the first one in order is reported */
    const char *ok_text = src[10].text;
    src[10].text = "{{ nope1 }}";
    src[10].len = strlen(src[10].text);
    src[40].text = "{{ nope2 }}";
    src[40].len = strlen(src[40].text);
    for (unsigned threads = 1; threads <= 4; threads++) {
        kz_tmpl_set *set = kz_tmpl_set_new(NULL);
        size_t failed;
        kz_value err = kz_tmpl_set_add_all(set, src, N, threads, &failed);
        assert_string_equal(kz_error_message(&err), "template: c/templates/f10.yaml:1: function \"nope1\" not defined");
        assert_int_equal(failed, 10);
        kz_free(err);
        assert_non_null(kz_tmpl_set_lookup(set, "c/templates/f09.yaml", 20));
        assert_null(kz_tmpl_set_lookup(set, "c/templates/f11.yaml", 20));
        char *r = exec_name(set, "x");
        assert_string_equal(r, "file8"); /* 9 is empty */
        free(r);
        kz_tmpl_set_free(set);
    }
    src[10].text = ok_text;
    for (int i = 0; i < N; i++) free(texts[i]);
}

static void test_strip_no_value(void **state) {
    (void)state;
    kz_buf b = KZ_BUF_INIT;
    kz_buf_puts(&b, "a: <no value>\nb: <no value><no value>x<no valu");
    kz_tmpl_strip_no_value(&b);
    assert_string_equal(kz_buf_cstr(&b), "a: \nb: x<no valu");
    /* a marker that forms only once another is cut out stays (ReplaceAll) */
    kz_buf_clear(&b);
    kz_buf_puts(&b, "<<no value><no <no value>value>>");
    kz_tmpl_strip_no_value(&b);
    assert_string_equal(kz_buf_cstr(&b), "<<no value>>");
    kz_buf_clear(&b);
    kz_buf_puts(&b, "nothing to cut <no");
    kz_tmpl_strip_no_value(&b);
    assert_string_equal(kz_buf_cstr(&b), "nothing to cut <no");
    kz_buf_free(&b);
}

/* Output goes straight into the caller's buffer, after what it holds. */
static void test_appends(void **state) {
    (void)state;
    kz_tmpl_set *set = kz_tmpl_set_new(NULL);
    add(set, "t", "{{ range . }}{{ . }},{{ end }}");
    kz_value data = kz_seq();
    for (int i = 0; i < 10000; i++) kz_seq_push(&data, kz_int(i));
    kz_buf out = KZ_BUF_INIT;
    kz_buf_puts(&out, ">");
    kz_value err = kz_tmpl_execute(set, "t", 1, &data, NULL, &out);
    assert_null(kz_error_message(&err));
    assert_int_equal(out.len, 1 + 10 * 2 + 90 * 3 + 900 * 4 + 9000 * 5);
    assert_memory_equal(out.data, ">0,1,2,", 7);
    kz_buf_free(&out);
    kz_free(data);
    kz_tmpl_set_free(set);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_golden),        cmocka_unit_test(test_builtin_slice),
        cmocka_unit_test(test_missingkey_error), cmocka_unit_test(test_typed_format),
        cmocka_unit_test(test_func_table),    cmocka_unit_test(test_func_registry),
        cmocka_unit_test(test_set),
        cmocka_unit_test(test_set_add_all),
        cmocka_unit_test(test_strip_no_value), cmocka_unit_test(test_appends),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    kz_parallel_reap(); /* workers still exiting would run beside LeakSanitizer's check */
    return failed;
}
