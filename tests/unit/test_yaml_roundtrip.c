/*
 * Round trip over real charts: every YAML file of every chart archive in the
 * shared fixture repository (outside templates/, which hold Go templates, not
 * YAML) is parsed (HELM mode), each document emitted with the YAML emitter and
 * parsed again; the two readings must be equal as data.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/buf.h"
#include "yaml/emit.h"
#include "yaml/parse.h"

#define CHART_REPO KZ_SHARED_DIR "/fixtures/edu-chart-repo"

typedef struct counts {
    int files, docs, skipped;
} counts;

/* Unpack a .tgz into dir with libarchive. Entry names are checked here (no
 * absolute paths, no ".."), since they are rewritten to absolute paths under dir. */
static void extract(const char *tgz, const char *dir) {
    struct archive *a = archive_read_new();
    archive_read_support_filter_all(a);
    archive_read_support_format_all(a);
    assert_int_equal(archive_read_open_filename(a, tgz, 65536), ARCHIVE_OK);
    struct archive *w = archive_write_disk_new();
    archive_write_disk_set_options(w, ARCHIVE_EXTRACT_SECURE_NODOTDOT | ARCHIVE_EXTRACT_SECURE_SYMLINKS);
    struct archive_entry *e;
    while (archive_read_next_header(a, &e) == ARCHIVE_OK) {
        const char *name = archive_entry_pathname(e);
        assert_true(name[0] != '/' && !strstr(name, ".."));
        kz_buf path = KZ_BUF_INIT;
        kz_buf_printf(&path, "%s/%s", dir, name);
        archive_entry_set_pathname(e, kz_buf_cstr(&path));
        if (archive_write_header(w, e) != ARCHIVE_OK) {
            print_error("%s: %s\n", kz_buf_cstr(&path), archive_error_string(w));
            fail();
        }
        kz_buf_free(&path);
        const void *buf;
        size_t size;
        la_int64_t off;
        while (archive_read_data_block(a, &buf, &size, &off) == ARCHIVE_OK)
            archive_write_data_block(w, buf, size, off);
        archive_write_finish_entry(w);
    }
    archive_read_free(a);
    archive_write_free(w);
}

static bool has_suffix(const char *s, const char *suf) {
    size_t n = strlen(s), m = strlen(suf);
    return n >= m && strcmp(s + n - m, suf) == 0;
}

static void roundtrip_file(const char *path, counts *c) {
    kz_yaml_parse_opts o = {.schema = KZ_YAML_HELM, .source_name = path};
    kz_value docs = kz_yaml_parse_file(path, &o);
    if (!kz_is_valid(&docs)) { /* not valid YAML for Helm (e.g. a .inf): nothing to round-trip */
        c->skipped++;
        kz_free(docs);
        return;
    }
    c->files++;
    for (size_t i = 0; i < kz_len(&docs); i++) {
        const kz_value *doc = kz_seq_at(&docs, i);
        kz_buf out = KZ_BUF_INIT;
        kz_value err = kz_invalid();
        if (kz_yaml_emit_checked(&out, doc, &err) != 0) {
            print_error("%s doc %zu: emit failed: %s\n", path, i, kz_error_message(&err));
            fail();
        }
        kz_yaml_parse_opts o2 = {.schema = KZ_YAML_HELM, .source_name = "emitted"};
        kz_value again = kz_yaml_parse_one(out.data ? out.data : "", out.len, &o2);
        if (!kz_equal(doc, &again)) {
            print_error("%s doc %zu: changed by the round trip; emitted:\n%s\n", path, i, kz_buf_cstr(&out));
            fail();
        }
        kz_free(again);
        kz_buf_free(&out);
        c->docs++;
    }
    kz_free(docs);
}

/* Walk dir; YAML files outside any templates/ folder are round-tripped. */
static void walk(const char *dir, counts *c) {
    DIR *d = opendir(dir);
    assert_non_null(d);
    struct dirent *de;
    while ((de = readdir(d))) {
        if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..")) continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
        struct stat st;
        if (lstat(path, &st) != 0) continue;
        if (S_ISDIR(st.st_mode)) {
            if (strcmp(de->d_name, "templates") != 0) walk(path, c);
        } else if (S_ISREG(st.st_mode) && (has_suffix(path, ".yaml") || has_suffix(path, ".yml"))) {
            roundtrip_file(path, c);
        }
    }
    closedir(d);
}

static void remove_tree(const char *dir) {
    DIR *d = opendir(dir);
    if (!d) return;
    struct dirent *de;
    while ((de = readdir(d))) {
        if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..")) continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
        struct stat st;
        if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode)) remove_tree(path);
        else unlink(path);
    }
    closedir(d);
    rmdir(dir);
}

static void test_chart_archives_roundtrip(void **state) {
    (void)state;
    char tmp[] = "/tmp/kz_roundtrip_XXXXXX";
    assert_non_null(mkdtemp(tmp));
    DIR *d = opendir(CHART_REPO);
    assert_non_null(d);
    struct dirent *de;
    int archives = 0;
    counts c = {0, 0, 0};
    while ((de = readdir(d))) {
        if (!has_suffix(de->d_name, ".tgz")) continue;
        char tgz[4096], dest[4096];
        snprintf(tgz, sizeof tgz, "%s/%s", CHART_REPO, de->d_name);
        snprintf(dest, sizeof dest, "%s/%d", tmp, archives);
        mkdir(dest, 0700);
        extract(tgz, dest);
        walk(dest, &c);
        archives++;
    }
    closedir(d);
    remove_tree(tmp);
    print_message("%d archives, %d YAML files, %d documents round-tripped, %d files skipped\n", archives,
                  c.files, c.docs, c.skipped);
    assert_true(archives >= 6);
    assert_true(c.files >= 12);
    assert_true(c.docs >= 15); /* a comment-only values.yaml has no document */
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_chart_archives_roundtrip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
