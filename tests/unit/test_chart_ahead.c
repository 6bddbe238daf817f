/* chart/ahead: templates parsed while the chart loads, handed to the renderer
 * under their Helm names; what can't be used as it is comes back NULL. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "chart/ahead.h"
#include "chart/chart.h"
#include "core/parallel.h"
#include "funcs/funcs.h"
#include "tmpl/ast.h"

static kz_chart_file file(const char *name, const char *text) {
    return (kz_chart_file){(char *)name, (char *)text, strlen(text), false};
}

static void test_take(void **state) {
    (void)state;
    kz_tmpl_funcs *funcs = kz_funcs_new();
    kz_chart_file files[] = {
        file("Chart.yaml", "name: c\n"),
        file("values.yaml", "a: 1\n"),
        file("templates/cm.yaml", "{{ .Values.a | quote }}"),
        file("templates/_helpers.tpl", "{{ define \"c.name\" }}c{{ end }}"),
        file("templates/bad.yaml", "{{ nosuchfunction }}"),
        file("templates/own.yaml", "{{ define \"templates/own.yaml\" }}x{{ end }}"),
        file("charts/sub/templates/s.yaml", "{{ include \"c.name\" . }}"),
        file("charts/sub/values.yaml", "{{ not a template }}"),
        file("files/templates/t.txt", "{{ neither }}"),
    };
    size_t n = sizeof files / sizeof files[0];
    kz_chart_ahead *a = kz_chart_ahead_start(files, n, funcs);
    assert_non_null(a);
    assert_ptr_equal(kz_chart_ahead_funcs(a), funcs);

    kz_tmpl_file *f = kz_chart_ahead_take(a, files[2].data, files[2].len, "c/templates/cm.yaml");
    assert_non_null(f);
    assert_string_equal(f->name, "c/templates/cm.yaml");
    assert_string_equal(f->main->name->s, "c/templates/cm.yaml");
    assert_ptr_equal(f->text, files[2].data); /* the loaded bytes, not a copy */
    kz_tmpl_file_free(f);
    /* taken once */
    assert_null(kz_chart_ahead_take(a, files[2].data, files[2].len, "c/templates/cm.yaml"));

    f = kz_chart_ahead_take(a, files[3].data, files[3].len, "c/templates/_helpers.tpl");
    assert_non_null(f);
    assert_int_equal(f->ndefs, 1);
    assert_string_equal(f->defs[0]->parse_name, "c/templates/_helpers.tpl");
    kz_tmpl_file_free(f);

    /* a subchart folder's template, under an alias */
    f = kz_chart_ahead_take(a, files[6].data, files[6].len, "c/charts/alias/templates/s.yaml");
    assert_non_null(f);
    assert_string_equal(f->name, "c/charts/alias/templates/s.yaml");
    kz_tmpl_file_free(f);

    /* a parse error (the renderer reports it under the Helm name), a file
     * defining its own name, the same text at another address, files that
     * are not templates */
    assert_null(kz_chart_ahead_take(a, files[4].data, files[4].len, "c/templates/bad.yaml"));
    assert_null(kz_chart_ahead_take(a, files[5].data, files[5].len, "c/templates/own.yaml"));
    char *copy = strdup(files[3].data);
    assert_null(kz_chart_ahead_take(a, copy, files[3].len, "c/templates/_helpers.tpl"));
    free(copy);
    assert_null(kz_chart_ahead_take(a, files[7].data, files[7].len, "c/charts/sub/values.yaml"));
    assert_null(kz_chart_ahead_take(a, files[8].data, files[8].len, "c/files/templates/t.txt"));

    kz_chart_ahead_free(a); /* frees what was not taken */
    kz_tmpl_funcs_free(funcs);
}

static void test_nothing_to_parse(void **state) {
    (void)state;
    kz_chart_file files[] = {file("Chart.yaml", "name: c\n"), file("charts/templates", "x")};
    assert_null(kz_chart_ahead_start(files, 2, NULL));
    assert_null(kz_chart_ahead_take(NULL, "x", 1, "c/templates/x"));
    kz_chart_ahead_wait(NULL);
    kz_chart_ahead_free(NULL);
}

/* Freed before anything was taken, while the parses may still run. */
static void test_free_running(void **state) {
    (void)state;
    kz_tmpl_funcs *funcs = kz_funcs_new();
    enum { N = 64 };
    kz_chart_file files[N];
    char names[N][32];
    const char *text = "{{ range until 50 }}{{ if . }}{{ . | quote }}{{ end }}{{ end }}\n";
    for (int i = 0; i < N; i++) {
        snprintf(names[i], sizeof names[i], "templates/t%02d.yaml", i);
        files[i] = file(names[i], text);
    }
    kz_chart_ahead_free(kz_chart_ahead_start(files, N, funcs));
    kz_tmpl_funcs_free(funcs);
}

/* As a folder's walk uses it: values.yaml first, templates as they are read. */
static void test_open(void **state) {
    (void)state;
    kz_tmpl_funcs *funcs = kz_funcs_new();
    kz_chart_ahead *a = kz_chart_ahead_open(funcs);
    if (!a) { /* one core: nothing is parsed ahead */
        kz_tmpl_funcs_free(funcs);
        return;
    }
    const char *values = "a: 1\nb: [x, y]\n", *bad = "a: [1\n", *tmpl = "{{ .Values.a }}";
    kz_chart_ahead_add_values(a, values, strlen(values), "c/values.yaml");
    kz_chart_ahead_add_values(a, bad, strlen(bad), "d/values.yaml");
    kz_chart_ahead_add(a, "templates/x.yaml", tmpl, strlen(tmpl));
    kz_chart_ahead_add(a, "README.md", "{{ not parsed", 13);

    kz_value v;
    assert_false(kz_chart_ahead_take_values(a, values, strlen(values), "other/values.yaml", &v));
    assert_true(kz_chart_ahead_take_values(a, values, strlen(values), "c/values.yaml", &v));
    assert_true(kz_is_map(&v));
    assert_int_equal(kz_len(&v), 2);
    assert_string_equal(kz_source_name(&v), "c/values.yaml");
    kz_free(v);
    assert_false(kz_chart_ahead_take_values(a, values, strlen(values), "c/values.yaml", &v)); /* taken */
    assert_true(kz_chart_ahead_take_values(a, bad, strlen(bad), "d/values.yaml", &v));
    assert_non_null(kz_error_message(&v)); /* the parse's own error */
    kz_free(v);

    kz_tmpl_file *f = kz_chart_ahead_take(a, tmpl, strlen(tmpl), "c/templates/x.yaml");
    assert_non_null(f);
    assert_string_equal(f->name, "c/templates/x.yaml");
    kz_tmpl_file_free(f);
    kz_chart_ahead_free(a);
    kz_tmpl_funcs_free(funcs);
}

/* An archive subchart's templates join the enclosing chart's parses. */
static void test_join(void **state) {
    (void)state;
    kz_tmpl_funcs *funcs = kz_funcs_new(), *other = kz_funcs_new();
    kz_chart_file top[] = {file("Chart.yaml", "name: c\n"), file("templates/a.yaml", "{{ .Values.a }}")};
    kz_chart_file sub[] = {file("Chart.yaml", "name: s\n"), file("templates/b.yaml", "{{ .Values.b | quote }}"),
                           file("values.yaml", "b: 1\n")};
    assert_false(kz_chart_ahead_join(NULL, sub, 3, funcs));
    kz_chart_ahead *a = kz_chart_ahead_start(top, 2, funcs);
    assert_non_null(a);
    assert_false(kz_chart_ahead_join(a, sub, 3, other)); /* parses checked against another table */
    assert_true(kz_chart_ahead_join(a, sub, 3, funcs));
    kz_tmpl_file *f = kz_chart_ahead_take(a, sub[1].data, sub[1].len, "c/charts/s/templates/b.yaml");
    assert_non_null(f);
    assert_string_equal(f->name, "c/charts/s/templates/b.yaml");
    assert_ptr_equal(f->text, sub[1].data);
    kz_tmpl_file_free(f);
    f = kz_chart_ahead_take(a, top[1].data, top[1].len, "c/templates/a.yaml");
    assert_non_null(f);
    kz_tmpl_file_free(f);
    assert_false(kz_chart_ahead_join(a, sub, 3, funcs)); /* finished by the takes */
    kz_chart_ahead_free(a);

    /* a joined subchart freed first takes its texts back: nothing of them is
     * parsed or taken after, the others' parses stay */
    kz_chart_file sub2[] = {file("templates/c.yaml", "{{ .Values.c }}"), file("templates/d.yaml", "{{ .Values.d }}")};
    a = kz_chart_ahead_start(top, 2, funcs);
    assert_true(kz_chart_ahead_join(a, sub2, 1, funcs));
    assert_true(kz_chart_ahead_join(a, sub2 + 1, 1, funcs));
    kz_chart_ahead_forget(a, sub2, 1);
    assert_null(kz_chart_ahead_take(a, sub2[0].data, sub2[0].len, "c/charts/s/templates/c.yaml"));
    f = kz_chart_ahead_take(a, sub2[1].data, sub2[1].len, "c/charts/t/templates/d.yaml");
    assert_non_null(f);
    kz_tmpl_file_free(f);
    kz_chart_ahead_forget(NULL, sub2, 2);
    kz_chart_ahead_free(a);
    kz_tmpl_funcs_free(other);
    kz_tmpl_funcs_free(funcs);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_take),
        cmocka_unit_test(test_nothing_to_parse),
        cmocka_unit_test(test_free_running),
        cmocka_unit_test(test_open),
        cmocka_unit_test(test_join),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    kz_parallel_reap(); /* workers still exiting would run beside LeakSanitizer's check */
    return failed;
}
