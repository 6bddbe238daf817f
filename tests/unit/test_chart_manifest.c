/*
 * Tests of Helm's manifest splitting, sorting and printing (lib/chart/manifest):
 * the templates of tests/golden/manifest/chart are plain YAML, so helm's
 * `helm template` output for them (default.txt, skip-tests.txt, no-hooks.txt,
 * recorded by regen.sh) is exactly its handling of these files.
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "chart/manifest.h"
#include "core/buf.h"
#include "core/file.h"
#include "core/parallel.h"

#define GOLDEN KZ_TEST_DATA "/golden/manifest"

typedef struct files {
    kz_rendered_file f[32];
    kz_buf texts[32];
    char *paths[32];
    size_t n;
} files;

static void load_files(files *fs) {
    DIR *d = opendir(GOLDEN "/chart/templates");
    assert_non_null(d);
    fs->n = 0;
    for (struct dirent *e; (e = readdir(d)) && fs->n < 32;) {
        if (e->d_name[0] == '.') continue;
        char path[512];
        snprintf(path, sizeof path, GOLDEN "/chart/templates/%s", e->d_name);
        kz_buf_init(&fs->texts[fs->n]);
        assert_int_equal(kz_file_read(path, &fs->texts[fs->n], NULL), 0);
        fs->paths[fs->n] = malloc(strlen(e->d_name) + 16);
        sprintf(fs->paths[fs->n], "mf/templates/%s", e->d_name);
        fs->f[fs->n] = (kz_rendered_file){fs->paths[fs->n], kz_buf_cstr(&fs->texts[fs->n]), fs->texts[fs->n].len};
        fs->n++;
    }
    closedir(d);
}

static void free_files(files *fs) {
    for (size_t i = 0; i < fs->n; i++) {
        kz_buf_free(&fs->texts[i]);
        free(fs->paths[i]);
    }
}

static void collect_warning(void *data, const char *msg) {
    kz_buf *b = data;
    kz_buf_printf(b, "manifest_sorter.go:190: %s\n", msg);
}

/* helm template's printing: manifests, then hooks unless --no-hooks. */
static void render(const kz_manifests *m, bool skip_tests, bool no_hooks, kz_buf *out) {
    for (size_t i = 0; i < m->count; i++) {
        const kz_manifest *x = &m->items[i];
        if (x->is_hook && (no_hooks || (skip_tests && x->is_test_hook))) continue;
        kz_manifest_print(out, x->path, x->content, strlen(x->content));
    }
}

static void check(const char *golden, bool skip_tests, bool no_hooks) {
    files fs;
    load_files(&fs);
    kz_manifests m;
    kz_buf warnings = KZ_BUF_INIT, out = KZ_BUF_INIT, want = KZ_BUF_INIT;
    kz_value err = kz_manifests_sort(fs.f, fs.n, NULL, &m, collect_warning, &warnings);
    assert_null(kz_error_message(&err));
    render(&m, skip_tests, no_hooks, &out);
    assert_int_equal(kz_file_read(golden, &want, NULL), 0);
    if (strcmp(kz_buf_cstr(&out), kz_buf_cstr(&want)) != 0)
        fail_msg("%s differs:\n--- got\n%s\n--- want\n%s", golden, kz_buf_cstr(&out), kz_buf_cstr(&want));
    kz_buf stderr_want = KZ_BUF_INIT;
    assert_int_equal(kz_file_read(GOLDEN "/default.stderr", &stderr_want, NULL), 0);
    assert_string_equal(kz_buf_cstr(&warnings), kz_buf_cstr(&stderr_want));
    kz_buf_free(&stderr_want);
    kz_manifests_free(&m);
    kz_buf_free(&warnings);
    kz_buf_free(&out);
    kz_buf_free(&want);
    free_files(&fs);
}

static void test_default(void **state) {
    (void)state;
    check(GOLDEN "/default.txt", false, false);
}

static void test_skip_tests(void **state) {
    (void)state;
    check(GOLDEN "/skip-tests.txt", true, false);
}

static void test_no_hooks(void **state) {
    (void)state;
    check(GOLDEN "/no-hooks.txt", false, true);
}

/* Heads that fail as Helm's SimpleHead unmarshalling fails (messages from helm). */
static void test_head_errors(void **state) {
    (void)state;
    static const struct {
        const char *doc, *want;
    } cases[] = {
        {"apiVersion: [1]", "YAML parse error on x: error unmarshaling JSON: while decoding JSON: json: cannot "
                            "unmarshal array into Go struct field SimpleHead.apiVersion of type string"},
        {"metadata: x", "YAML parse error on x: error unmarshaling JSON: while decoding JSON: json: cannot unmarshal "
                        "string into Go struct field SimpleHead.metadata of type struct { Name string "
                        "\"json:\\\"name\\\"\"; Annotations map[string]string \"json:\\\"annotations\\\"\" }"},
        {"metadata: {annotations: x}", "YAML parse error on x: error unmarshaling JSON: while decoding JSON: json: "
                                       "cannot unmarshal string into Go struct field .metadata.annotations of type "
                                       "map[string]string"},
        {"- a", "YAML parse error on x: error unmarshaling JSON: while decoding JSON: json: cannot unmarshal array "
                "into Go value of type releaseutil.SimpleHead"},
        {"\"str\"", "YAML parse error on x: error unmarshaling JSON: while decoding JSON: json: cannot unmarshal "
                    "string into Go value of type releaseutil.SimpleHead"},
        {"a: [1", "YAML parse error on x: error converting YAML to JSON: yaml: line 1: did not find expected ',' or "
                  "']'"},
        {"a: b: c", "YAML parse error on x: error converting YAML to JSON: yaml: mapping values are not allowed in "
                    "this context"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        kz_rendered_file f = {"x", cases[i].doc, strlen(cases[i].doc)};
        kz_manifests m;
        kz_value err = kz_manifests_sort(&f, 1, NULL, &m, NULL, NULL);
        if (!kz_error_message(&err) || strcmp(kz_error_message(&err), cases[i].want) != 0)
            fail_msg("[%s]\n got  %s\n want %s", cases[i].doc, kz_error_message(&err), cases[i].want);
        kz_free(err);
    }
    /* scalars become strings for string fields (sigs.k8s.io/yaml): accepted */
    const char *doc = "kind: 1\nmetadata: {name: 2}";
    kz_rendered_file ok = {"x", doc, strlen(doc)};
    kz_manifests m;
    kz_value err = kz_manifests_sort(&ok, 1, NULL, &m, NULL, NULL);
    assert_null(kz_error_message(&err));
    assert_int_equal(m.count, 1);
    assert_string_equal(m.items[0].kind, "1");
    kz_manifests_free(&m);
}

static void test_split(void **state) {
    (void)state;
    static const struct {
        const char *text;
        size_t docs;
    } cases[] = {
        {"", 0}, {"---", 0}, {"a", 1}, {"---\na\n---\nb", 2}, {"a\n---b", 2}, {"a---b", 1},
        {"a\n  ---\nb", 1}, {"a\n\n\n---\n\n\n---\nb", 2}, {"a\n---\n\v\n---\nb", 3},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t *spans = NULL;
        size_t n = kz_manifest_split(cases[i].text, strlen(cases[i].text), &spans);
        if (n != cases[i].docs) fail_msg("split of [%s]: %zu documents, want %zu", cases[i].text, n, cases[i].docs);
        free(spans);
    }
}

enum { READ_HERE, READ_AHEAD_ALL, READ_AHEAD_SOME };

/* A reader as render hands it files: all of them, or every third one and a
 * text that is not among those sorted (a NOTES.txt would be, were it given). */
static kz_manifest_reader *reader_for(int mode, const kz_rendered_file *f, size_t n) {
    if (mode == READ_HERE) return NULL;
    kz_manifest_reader *r = kz_manifest_reader_start(n + 1);
    for (size_t i = 0; i < n; i++)
        if (mode == READ_AHEAD_ALL || i % 3 == 0) kz_manifest_reader_add(r, f[i].path, f[i].text, f[i].len);
    static const char foreign[] = "kind: [";
    kz_manifest_reader_add(r, "c/templates/NOTES.txt", foreign, strlen(foreign));
    return r;
}

/* Enough documents to be read on several threads: the result, the warnings
 * and the first error still follow file order, whether heads were read
 * ahead or not. */
static void check_many_documents(int mode) {
    enum { FILES = 40, DOCS = 10 };
    kz_rendered_file f[FILES];
    char *texts[FILES], paths[FILES][48];
    for (int i = 0; i < FILES; i++) {
        kz_buf t = KZ_BUF_INIT;
        for (int d = 0; d < DOCS; d++) {
            const char *kind = d % 2 ? "Service" : "ConfigMap";
            kz_buf_printf(&t, "---\napiVersion: v1\nkind: %s\nmetadata:\n  name: f%d-d%d\n", kind, i, d);
            if (d == 3) kz_buf_printf(&t, "  annotations:\n    helm.sh/hook: odd-%d\n", i);
            kz_buf_puts(&t, "data:\n  padding: \"0123456789012345678901234567890123456789\"\n");
        }
        texts[i] = kz_buf_detach(&t, NULL);
        snprintf(paths[i], sizeof paths[i], "c/templates/f%02d.yaml", i);
        f[i] = (kz_rendered_file){paths[i], texts[i], strlen(texts[i])};
    }
    kz_manifests m;
    kz_buf warnings = KZ_BUF_INIT;
    kz_manifest_reader *reader = reader_for(mode, f, FILES);
    kz_value err = kz_manifests_sort(f, FILES, reader, &m, collect_warning, &warnings);
    if (reader) { /* (no reader on one core) */
        size_t read_ahead = mode == READ_AHEAD_ALL ? FILES * DOCS : (FILES + 2) / 3 * DOCS;
        assert_int_equal(kz_manifest_reader_taken(reader), read_ahead);
    }
    kz_manifest_reader_free(reader);
    assert_null(kz_error_message(&err));
    assert_int_equal(m.count, FILES * (DOCS - 1)); /* the unknown hooks are dropped */
    /* ConfigMaps before Services, each kind in file then document order */
    assert_string_equal(m.items[0].name, "f0-d0");
    assert_string_equal(m.items[1].name, "f0-d2");
    assert_string_equal(m.items[FILES * DOCS / 2].name, "f0-d1");
    assert_string_equal(m.items[FILES * DOCS / 2 + 1].name, "f0-d5"); /* d3 was the hook */
    const char *first_two = "manifest_sorter.go:190: info: skipping unknown hook: \"odd-0\"\n"
                            "manifest_sorter.go:190: info: skipping unknown hook: \"odd-1\"\n";
    assert_memory_equal(kz_buf_cstr(&warnings), first_two, strlen(first_two));
    kz_manifests_free(&m);
    kz_buf_clear(&warnings);
    /* two broken files: the first is named, and nothing after it warns */
    free(texts[7]);
    texts[7] = strdup("a: [1");
    f[7] = (kz_rendered_file){paths[7], texts[7], strlen(texts[7])};
    free(texts[30]);
    texts[30] = strdup("a: b: c");
    f[30] = (kz_rendered_file){paths[30], texts[30], strlen(texts[30])};
    reader = reader_for(mode, f, FILES);
    err = kz_manifests_sort(f, FILES, reader, &m, collect_warning, &warnings);
    kz_manifest_reader_free(reader);
    assert_string_equal(kz_error_message(&err), "YAML parse error on c/templates/f07.yaml: error converting YAML to "
                                                "JSON: yaml: line 1: did not find expected ',' or ']'");
    kz_free(err);
    assert_int_equal(m.count, 0);
    assert_null(strstr(kz_buf_cstr(&warnings), "odd-7"));
    assert_non_null(strstr(kz_buf_cstr(&warnings), "odd-6"));
    kz_buf_free(&warnings);
    for (int i = 0; i < FILES; i++) free(texts[i]);
}

static void test_many_documents(void **state) {
    (void)state;
    check_many_documents(READ_HERE);
}

static void test_heads_read_ahead(void **state) {
    (void)state;
    check_many_documents(READ_AHEAD_ALL);
    check_many_documents(READ_AHEAD_SOME);
}

/* A reader handed files that are never sorted (render failed) is waited for
 * and freed without a sort. */
static void test_reader_unused(void **state) {
    (void)state;
    const char *text = "apiVersion: v1\nkind: ConfigMap\n";
    kz_manifest_reader *r = kz_manifest_reader_start(2);
    kz_manifest_reader_add(r, "c/templates/a.yaml", text, strlen(text));
    kz_manifest_reader_add(r, "c/templates/b.yaml", text, strlen(text));
    kz_manifest_reader_add(r, "c/templates/c.yaml", text, strlen(text)); /* over capacity: ignored */
    kz_manifest_reader_wait(r);
    kz_manifest_reader_free(r);
    kz_manifest_reader_free(NULL);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_default),    cmocka_unit_test(test_skip_tests), cmocka_unit_test(test_no_hooks),
        cmocka_unit_test(test_head_errors), cmocka_unit_test(test_split), cmocka_unit_test(test_many_documents),
        cmocka_unit_test(test_heads_read_ahead), cmocka_unit_test(test_reader_unused),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    kz_parallel_reap(); /* workers still exiting would run beside LeakSanitizer's check */
    return failed;
}
