/*
 * Real-world manifests (the edu repository's charts rendered by helm) read with
 * the kyaml schema and written back must give exactly what `kubectl kustomize`
 * printed for them (tests/golden/realworld, made by its regen.sh). kustomize
 * orders resources by kind, so documents are compared as sorted lists.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/file.h"
#include "yaml/emit.h"
#include "yaml/parse.h"

#define GOLDEN KZ_TEST_DATA "/golden/realworld"

typedef struct {
    char **docs;
    size_t n;
} doc_list;

static int cmp_str(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Split a stream printed with "---\n" separators into its documents, sorted. */
static doc_list split_sorted(char *text) {
    doc_list l = {NULL, 0};
    size_t cap = 0;
    for (char *p = text; p && *p;) {
        char *sep = strstr(p, "\n---\n");
        if (sep) sep[1] = '\0';
        if (l.n == cap) {
            cap = cap ? cap * 2 : 16;
            l.docs = realloc(l.docs, cap * sizeof *l.docs);
            assert_non_null(l.docs);
        }
        l.docs[l.n++] = p;
        p = sep ? sep + 5 : NULL;
    }
    qsort(l.docs, l.n, sizeof *l.docs, cmp_str);
    return l;
}

static void check_chart(const char *name) {
    char path[512];
    kz_buf in = KZ_BUF_INIT, want = KZ_BUF_INIT, out = KZ_BUF_INIT;
    kz_value err;
    snprintf(path, sizeof path, "%s/%s/in.yaml", GOLDEN, name);
    if (kz_file_read(path, &in, &err) != 0) fail_msg("%s", kz_error_message(&err));
    snprintf(path, sizeof path, "%s/%s/want.yaml", GOLDEN, name);
    if (kz_file_read(path, &want, &err) != 0) fail_msg("%s", kz_error_message(&err));

    kz_yaml_parse_opts opts = {.schema = KZ_YAML_KYAML, .source_name = name};
    kz_value docs = kz_yaml_parse_stream(in.data, in.len, &opts);
    if (!kz_is_valid(&docs)) fail_msg("%s", kz_error_message(&docs));
    size_t printed = 0;
    for (size_t i = 0; i < kz_len(&docs); i++) {
        const kz_value *d = kz_seq_at(&docs, i);
        if (kz_is_null(d)) continue; /* kustomize skips empty documents */
        if (printed++) kz_buf_puts(&out, "---\n");
        kz_yaml_emit(&out, d);
    }
    doc_list got = split_sorted(out.data), exp = split_sorted(want.data);
    assert_int_equal(got.n, exp.n);
    for (size_t i = 0; i < got.n; i++) {
        if (strcmp(got.docs[i], exp.docs[i]) != 0)
            fail_msg("%s: document differs\n--- ours\n%s--- kustomize\n%s", name, got.docs[i],
                     exp.docs[i]);
    }
    free(got.docs);
    free(exp.docs);
    kz_free(docs);
    kz_buf_free(&in);
    kz_buf_free(&want);
    kz_buf_free(&out);
}

static void test_edu_charts(void **state) {
    (void)state;
    DIR *dir = opendir(GOLDEN);
    assert_non_null(dir);
    int charts = 0;
    for (struct dirent *e; (e = readdir(dir)) != NULL;) {
        if (e->d_name[0] == '.' || strchr(e->d_name, '.') == NULL) continue; /* NAME-VERSION */
        if (strstr(e->d_name, ".sh")) continue;
        check_chart(e->d_name);
        charts++;
    }
    closedir(dir);
    assert_int_equal(charts, 6);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_edu_charts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
