/*
 * Golden tests of the function library (lib/funcs): every case of
 * tests/golden/funcs/FAMILY/cases.tsv, recorded from helm v3.17 by
 * tests/golden/funcs/regen.sh with chart/values.yaml as .Values. "ok" cases
 * must print exactly what helm printed, "err" cases must fail with helm's
 * message (after Helm's rewriting of parse and execution errors).
 *
 * KZ_FUNCS_FAMILY=strings,math limits the run to some families (handy while
 * working on one); KZ_FUNCS_SLOW=0.5 prints cases slower than that (seconds).
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "core/base64.h"
#include "core/buf.h"
#include "core/file.h"
#include "core/goobj.h"
#include "core/gotime.h"
#include "core/value.h"
#include "golden_util.h"
#include "funcs/funcs.h"
#include "tmpl/exec.h"
#include "tmpl/set.h"
#include "yaml/parse.h"

#define GOLDEN KZ_TEST_DATA "/golden/funcs"
#define FILE_NAME "c/templates/x.yaml"

static kz_value load_dot(void) {
    kz_buf b = KZ_BUF_INIT;
    assert_int_equal(kz_file_read(GOLDEN "/chart/values.yaml", &b, NULL), 0);
    kz_yaml_parse_opts o = {.schema = KZ_YAML_HELM};
    kz_value values = kz_yaml_parse_one(b.data, b.len, &o);
    kz_buf_free(&b);
    assert_true(kz_is_map(&values));
    kz_value dot = kz_map();
    /* Helm's .Values is a chartutil.Values (typeOf, dig and printf %T see it) */
    kz_map_setz(&dot, "Values", kz_with_gotype(values, KZ_GOTYPE_CHART_VALUES));
    return dot;
}




/* Run `text` as file FILE_NAME; the output or helm's error message. */
static char *run_case(const kz_tmpl_funcs *funcs, const char *text, const kz_value *dot, bool *failed) {
    kz_tmpl_set *set = kz_tmpl_set_new(funcs);
    kz_value err = kz_tmpl_set_add(set, FILE_NAME, text, strlen(text));
    kz_buf out = KZ_BUF_INIT;
    char *result;
    if (kz_error_message(&err)) {
        *failed = true;
        result = kz_funcs_helm_parse_error(FILE_NAME, kz_error_message(&err));
    } else {
        kz_free(err);
        kz_funcs_ctx ctx;
        kz_funcs_ctx_init(&ctx);
        kz_tmpl_exec_opts opts = {.missingkey = KZ_TMPL_MISSING_ZERO, .user = &ctx};
        err = kz_tmpl_execute(set, FILE_NAME, strlen(FILE_NAME), dot, &opts, &out);
        *failed = kz_error_message(&err) != NULL;
        result = *failed ? kz_funcs_helm_exec_error(kz_error_message(&err)) : strdup(kz_buf_cstr(&out));
        kz_funcs_ctx_free(&ctx);
    }
    kz_free(err);
    kz_buf_free(&out);
    kz_tmpl_set_free(set);
    return result;
}

static bool family_selected(const char *family) {
    const char *sel = getenv("KZ_FUNCS_FAMILY");
    if (!sel || !*sel) return true;
    size_t n = strlen(family);
    for (const char *p = sel; *p;) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        if (len == n && strncmp(p, family, n) == 0) return true;
        p += len + (end ? 1 : 0);
    }
    return false;
}

/* One family's goldens; returns the number of wrong cases. */
static int run_family(const kz_tmpl_funcs *funcs, const kz_value *dot, const char *family) {
    char path[512];
    snprintf(path, sizeof path, GOLDEN "/%s/cases.tsv", family);
    kz_buf file = KZ_BUF_INIT;
    if (kz_file_read(path, &file, NULL) != 0) return 0; /* a folder without goldens yet */
    int ok = 0, err = 0, bad = 0;
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
        bool want_fail = strcmp(kind, "ok") != 0;
        char *want = want_fail ? strdup(expect) : golden_b64_decode(expect, NULL);
        bool failed;
        struct timespec t0, t1;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        char *got = run_case(funcs, text, dot, &failed);
        clock_gettime(CLOCK_MONOTONIC, &t1);
        double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
        if (getenv("KZ_FUNCS_SLOW") && secs > atof(getenv("KZ_FUNCS_SLOW")))
            fprintf(stderr, "[%s] SLOW %.2f s: %.100s\n", family, secs, text);
        if (failed != want_fail || strcmp(got, want) != 0) {
            fprintf(stderr, "[%s] CASE %s\n  want %s: [%s]\n  got  %s: [%s]\n", family, text,
                    want_fail ? "error" : "output", want, failed ? "error" : "output", got);
            bad++;
        } else if (want_fail) {
            err++;
        } else {
            ok++;
        }
        free(got);
        free(want);
    }
    fprintf(stderr, "funcs golden %-10s %4d outputs, %4d errors match; %d wrong\n", family, ok, err, bad);
    if (ok == 0) {
        fprintf(stderr, "[%s] no ok cases\n", family);
        bad++;
    }
    kz_buf_free(&file);
    return bad;
}

static int cmp_names(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static void test_golden(void **state) {
    (void)state;
    kz_value dot = load_dot();
    kz_tmpl_funcs *funcs = kz_funcs_new();
    DIR *d = opendir(GOLDEN);
    assert_non_null(d);
    char *names[256];
    size_t n = 0;
    for (struct dirent *e; (e = readdir(d)) && n < 256;) {
        if (e->d_name[0] == '.' || strcmp(e->d_name, "chart") == 0 || strchr(e->d_name, '.')) continue; /* files: names.txt, regen.sh */
        if (!family_selected(e->d_name)) continue;
        names[n++] = strdup(e->d_name);
    }
    closedir(d);
    qsort(names, n, sizeof names[0], cmp_names);
    int bad = 0;
    for (size_t i = 0; i < n; i++) {
        bad += run_family(funcs, &dot, names[i]);
        free(names[i]);
    }
    kz_tmpl_funcs_free(funcs);
    kz_free(dot);
    assert_int_equal(bad, 0);
}

/* ---- the function list ---- */

static bool word_in(const char *text, const char *word) {
    size_t n = strlen(word);
    for (const char *p = strstr(text, word); p; p = strstr(p + 1, word)) {
        bool left = p == text || !(p[-1] == '_' || (p[-1] >= 'a' && p[-1] <= 'z') || (p[-1] >= 'A' && p[-1] <= 'Z') ||
                                   (p[-1] >= '0' && p[-1] <= '9'));
        char r = p[n];
        bool right = !(r == '_' || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9'));
        if (left && right) return true;
    }
    return false;
}

/* Every test text: the golden cases and the unit tests of the families. */
static void read_tests(kz_buf *all) {
    DIR *d = opendir(GOLDEN);
    assert_non_null(d);
    for (struct dirent *e; (e = readdir(d));) {
        if (e->d_name[0] == '.') continue;
        char path[512];
        snprintf(path, sizeof path, GOLDEN "/%s/cases.txt", e->d_name);
        (void)kz_file_read(path, all, NULL);
        kz_buf_putc(all, '\n');
    }
    closedir(d);
    d = opendir(KZ_TEST_DATA "/unit");
    assert_non_null(d);
    for (struct dirent *e; (e = readdir(d));) {
        if (strncmp(e->d_name, "test_funcs_", 11) != 0 && strcmp(e->d_name, "test_toml.c") != 0) continue;
        char path[512];
        snprintf(path, sizeof path, KZ_TEST_DATA "/unit/%s", e->d_name);
        (void)kz_file_read(path, all, NULL);
        kz_buf_putc(all, '\n');
    }
    closedir(d);
}

/* `text` renders to `want` (or fails with the helm message `want`). */
static void expect(const kz_tmpl_funcs *funcs, const char *text, const char *want) {
    bool failed;
    char *got = run_case(funcs, text, NULL, &failed);
    if (strcmp(got, want) != 0) fail_msg("%s\n  want [%s]\n  got  [%s]", text, want, got);
    free(got);
}

/* Methods of the values Sprig's functions return, beside the goldens:
 * chains of semver.Version values and what Go hides of them (expectations
 * from helm v3.17.3). */
static void test_value_methods(void **state) {
    (void)state;
    kz_tmpl_funcs *funcs = kz_funcs_new();
    expect(funcs, "{{ (semver \"1.2.3\").IncMinor }}", "1.3.0");
    expect(funcs, "{{ ((semver \"1.2.3\").IncPatch).String }} {{ (semver \"1.2.3\").IncMinor.IncPatch }}", "1.2.4 1.3.1");
    expect(funcs, "{{ (semver \"1.2.3\").IncMinor.Minor }} {{ printf \"%T\" (semver \"1.2.3\").IncMinor }}",
           "3 semver.Version");
    expect(funcs, "{{ (semver \"1.2.3-rc.1+b5\").IncPatch }} {{ (semver \"1.2.3-rc.1+b5\").IncMinor }}", "1.2.3 1.3.0");
    expect(funcs, "{{ printf \"%#v\" (semver \"v1.2.3\").IncMajor }}",
           "semver.Version{major:0x2, minor:0x0, patch:0x0, pre:\"\", metadata:\"\", original:\"v2.0.0\"}");
    expect(funcs, "{{ (semver \"v1.2.3\").SetPrerelease \"rc.1\" | toJson }}", "\"1.2.3-rc.1\"");
    expect(funcs, "{{ (semver \"1.2.3\").SetPrerelease \"rc.01\" }}",
           "template: c/templates/x.yaml:1:19: executing \"c/templates/x.yaml\" at <(semver \"1.2.3\").SetPrerelease>: "
           "error calling SetPrerelease: Version segment starts with 0");
    expect(funcs, "{{ (semver \"1.2.3\").SetMetadata \"a_b\" }}",
           "template: c/templates/x.yaml:1:19: executing \"c/templates/x.yaml\" at <(semver \"1.2.3\").SetMetadata>: "
           "error calling SetMetadata: Invalid Metadata string");
    expect(funcs, "{{ (semver \"1.2.3\").IncMinor.Original }}",
           "template: c/templates/x.yaml:1:11: executing \"c/templates/x.yaml\" at <\"1.2.3\">: "
           "can't evaluate field Original in type semver.Version");
    expect(funcs, "{{ (semver \"1.2.3\").LessThanEqual (semver \"1.2.3\") }} {{ (semver \"1.2.3\").GreaterThanEqual (semver \"1.2.4\") }}",
           "true false");
    /* time's named integers print by name, count as numbers */
    expect(funcs, "{{ $t := toDate \"2006-01-02\" \"2024-03-05\" }}{{ $t.Month }} {{ $t.Weekday }} {{ add $t.Month 1 }} {{ $t.Month | toJson }}",
           "March Tuesday 4 3");
    expect(funcs, "{{ (toDate \"2006\" \"2024\").Date }}",
           "template: c/templates/x.yaml:1:18: executing \"c/templates/x.yaml\" at <\"2024\">: "
           "function Date has 3 return values; should be 1 or 2");
    kz_tmpl_funcs_free(funcs);

    /* internal keys stay out of templates' reach; Go's own fields are unexported */
    kz_value t = kz_gotime_zero();
    assert_true(kz_goobj_internal_key(&t, "sec", 3));
    assert_false(kz_goobj_internal_key(&t, "Sec", 3));
    assert_true(kz_goobj_unexported_field(&t, "wall", 4));
    assert_false(kz_goobj_unexported_field(&t, "sec", 3));
    kz_buf b = KZ_BUF_INIT;
    assert_true(kz_goobj_go_syntax(&t, &b));
    assert_string_equal(kz_buf_cstr(&b), "time.Date(1, time.January, 1, 0, 0, 0, 0, time.UTC)");
    kz_buf_free(&b);
    kz_free(t);
    kz_value m = kz_map();
    assert_false(kz_goobj_internal_key(&m, "sec", 3)); /* a Go map's keys are data */
    kz_free(m);
    kz_value month = kz_with_gotype(kz_int(13), KZ_GOTYPE_MONTH);
    kz_buf s = KZ_BUF_INIT;
    assert_true(kz_goobj_string(&month, &s));
    assert_string_equal(kz_buf_cstr(&s), "%!Month(13)");
    kz_buf_free(&s);
}

/* A template that calls itself through tpl: helm recurses until Go's stack
 * overflows (a crash after half a minute); kz stops at KZ_TPL_MAX_DEPTH
 * nested tpl calls with an error. Nested tpl short of that still works. */
static void test_tpl_depth(void **state) {
    (void)state;
    kz_tmpl_funcs *funcs = kz_funcs_new();
    bool failed;
    char *got = run_case(funcs, "{{ tpl \"{{ template \\\"" FILE_NAME "\\\" . }}\" . }}", NULL, &failed);
    assert_true(failed);
    assert_non_null(strstr(got, "error calling tpl: tpl calls nested more than 100 deep"));
    free(got);
    expect(funcs, "{{ tpl \"{{ tpl \\\"{{ tpl \\\\\\\"deep\\\\\\\" . }}\\\" . }}\" . }}", "deep");
    kz_tmpl_funcs_free(funcs);
}

/* The table holds exactly the functions helm v3.17 defines (names.txt,
 * recorded by regen-names.sh); docs/functions.md has a row for each; and each
 * is exercised by a golden case or a unit test. */
static void test_names(void **state) {
    (void)state;
    kz_buf names = KZ_BUF_INIT, doc = KZ_BUF_INIT, tests = KZ_BUF_INIT;
    assert_int_equal(kz_file_read(GOLDEN "/names.txt", &names, NULL), 0);
    assert_int_equal(kz_file_read(KZ_TEST_DATA "/../docs/functions.md", &doc, NULL), 0);
    read_tests(&tests);
    kz_tmpl_funcs *funcs = kz_funcs_new();
    int bad = 0;
    size_t count = 0;
    char *save = NULL;
    for (char *name = strtok_r(names.data, "\n", &save); name; name = strtok_r(NULL, "\n", &save)) {
        count++;
        if (!kz_tmpl_funcs_find(funcs, name, strlen(name)) && !kz_tmpl_is_builtin(name, strlen(name))) {
            fprintf(stderr, "helm has %s; we don't\n", name);
            bad++;
        }
        char row[128];
        snprintf(row, sizeof row, "| `%s` |", name);
        if (!strstr(kz_buf_cstr(&doc), row)) {
            fprintf(stderr, "docs/functions.md has no row for %s\n", name);
            bad++;
        }
        if (!word_in(kz_buf_cstr(&tests), name)) {
            fprintf(stderr, "no test calls %s\n", name);
            bad++;
        }
    }
    if (kz_tmpl_funcs_count(funcs) != count) {
        fprintf(stderr, "we define %zu functions, helm %zu\n", kz_tmpl_funcs_count(funcs), count);
        bad++;
    }
    fprintf(stderr, "functions: %zu names checked\n", count);
    kz_tmpl_funcs_free(funcs);
    kz_buf_free(&names);
    kz_buf_free(&doc);
    kz_buf_free(&tests);
    assert_int_equal(bad, 0);
}

int main(void) {
    setenv("TZ", "UTC", 1); /* the goldens were recorded in UTC (regen.sh) */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_golden),
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_value_methods), cmocka_unit_test(test_tpl_depth),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
