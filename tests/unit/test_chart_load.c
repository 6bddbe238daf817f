/*
 * Chart loading (lib/chart) against what helm v3.17 loads.
 *
 * Goldens in tests/golden/chartload/ were recorded with the reference helm by
 * regen.sh:
 *   <chart>.dump  what helm sees of a chart: .Chart as JSON and .Files (name,
 *                 size) of every chart folder, the templates it rendered, and
 *                 the lines it logged (test charts in tests/data/charts/ and the
 *                 real charts of ../shared/fixtures/edu-chart-repo)
 *   err-*.err     helm's message for each broken chart tests/data/charts/err-*
 *   arch-*.err|ok helm's message for, or the sources rendered from, archives
 *                 made by arch.py; arch_specs below builds the same entries
 *                 with libarchive
 */
#define _GNU_SOURCE /* asprintf, mkdtemp, symlink */
#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "chart/chart.h"
#include "chart/helmignore.h"
#include "core/buf.h"
#include "core/file.h"
#include "core/parallel.h"
#include "json/json.h"
#include "tmpl/funcs.h"

#define GOLDEN_DIR KZ_TEST_DATA "/golden/chartload/"
#define CHARTS_DIR KZ_TEST_DATA "/data/charts/"
#define FIXTURES KZ_SHARED_DIR "/fixtures/edu-chart-repo/"

static char *read_text(const char *path) {
    kz_buf b = KZ_BUF_INIT;
    kz_value err = kz_invalid();
    if (kz_file_read(path, &b, &err) < 0) {
        print_error("%s\n", kz_error_message(&err));
        kz_free(err);
        fail();
    }
    return kz_buf_detach(&b, NULL);
}

static char *golden(const char *name) {
    kz_buf p = KZ_BUF_INIT;
    kz_buf_printf(&p, GOLDEN_DIR "%s", name);
    char *s = read_text(kz_buf_cstr(&p));
    kz_buf_free(&p);
    return s;
}

static void chomp(char *s) {
    size_t n = strlen(s);
    while (n > 0 && s[n - 1] == '\n') s[--n] = '\0';
}

static const kz_chart_file *find_file(const kz_chart_files *fs, const char *name) {
    for (size_t i = 0; i < fs->len; i++) {
        if (strcmp(fs->v[i].name, name) == 0) return &fs->v[i];
    }
    return NULL;
}

static kz_chart *load_ok(const char *path, const kz_chart_load_opts *opts) {
    kz_chart *c = NULL;
    kz_value err = kz_chart_load(path, opts, &c);
    if (!kz_is_null(&err)) {
        print_error("%s: %s\n", path, kz_error_message(&err));
        kz_free(err);
        fail();
    }
    assert_non_null(c);
    return c;
}

/* The error message of loading path, owned by the caller. */
static char *load_err(const char *path, const kz_chart_load_opts *opts) {
    kz_chart *c = (kz_chart *)1;
    kz_value err = kz_chart_load(path, opts, &c);
    assert_null(c);
    const char *m = kz_error_message(&err);
    if (!m) {
        print_error("%s: loaded, expected an error\n", path);
        fail();
    }
    char *s = strdup(m);
    kz_free(err);
    return s;
}

/* ---- the .dump goldens ---- */

/* What the comparison ignores of helm's .Chart: IsRoot (added by the
 * renderer), and in dependencies what dependency processing changes
 * (enabled, import-values, the name of an aliased dependency). */
static void normalize_md(kz_value *md) {
    kz_map_remove(md, "IsRoot", 6);
    kz_value *deps = kz_map_get_mut(md, "dependencies", 12);
    for (size_t i = 0; deps && i < kz_len(deps); i++) {
        kz_value *d = kz_seq_at_mut(deps, i);
        kz_map_remove(d, "enabled", 7);
        kz_map_remove(d, "import-values", 13);
        if (kz_map_getz(d, "alias")) kz_map_remove(d, "name", 4);
    }
}

static char *md_json(const kz_value *md) {
    kz_value v = kz_copy(md);
    normalize_md(&v);
    kz_buf b = KZ_BUF_INIT;
    assert_int_equal(kz_json_emit(&b, &v, NULL, NULL), 0);
    kz_free(v);
    return kz_buf_detach(&b, NULL);
}

/* The chart a "top/charts/a/charts/b/..." path names; *rest is what follows. */
static const kz_chart *chart_at(const kz_chart *top, const char *path, const char **rest) {
    const char *p = strchr(path, '/');
    assert_non_null(p);
    p++;
    const kz_chart *c = top;
    while (strncmp(p, "charts/", 7) == 0) {
        const char *name = p + 7, *end = strchr(name, '/');
        assert_non_null(end);
        const kz_chart *next = NULL;
        for (size_t i = 0; i < c->ndeps; i++) {
            if (strlen(c->deps[i]->name) == (size_t)(end - name) &&
                strncmp(c->deps[i]->name, name, (size_t)(end - name)) == 0) {
                next = c->deps[i];
            }
        }
        if (!next) return NULL; /* renamed by an alias when helm rendered it */
        c = next;
        p = end + 1;
    }
    *rest = p;
    return c;
}

static int str_cmp(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* One dump section as this chart would print it. */
static char *dump_chart(const kz_chart *c) {
    kz_buf b = KZ_BUF_INIT;
    char *json = md_json(&c->metadata);
    kz_buf_printf(&b, "# kzdump %s\nmetadata: %s\nfiles:", c->name, json);
    free(json);
    char **names = malloc((c->files.len + 1) * sizeof *names);
    for (size_t i = 0; i < c->files.len; i++) names[i] = c->files.v[i].name;
    qsort(names, c->files.len, sizeof *names, str_cmp);
    for (size_t i = 0; i < c->files.len; i++) {
        kz_buf_printf(&b, "\n- %s %zu", names[i], find_file(&c->files, names[i])->len);
    }
    free(names);
    return kz_buf_detach(&b, NULL);
}

/* Helm's dump section with its metadata normalized as ours is. */
static char *normalize_dump(const char *section) {
    const char *m = strstr(section, "\nmetadata: ");
    assert_non_null(m);
    m += strlen("\nmetadata: ");
    const char *end = strchr(m, '\n');
    kz_value md = kz_json_parse(m, (size_t)(end - m), NULL);
    assert_true(kz_is_map(&md));
    kz_buf b = KZ_BUF_INIT;
    kz_buf_append(&b, section, (size_t)(m - section));
    char *json = md_json(&md);
    kz_buf_puts(&b, json);
    kz_buf_puts(&b, end);
    free(json);
    kz_free(md);
    return kz_buf_detach(&b, NULL);
}

/* Check a loaded chart against its .dump golden; returns the sections seen. */
static int check_dump(const kz_chart *top, const char *golden_name) {
    char *g = golden(golden_name);
    int checked = 0;
    char *sec = strstr(g, "== sources\n");
    assert_non_null(sec);
    char *dumps = strstr(g, "\n== dump ");
    char *stderr_sec = strstr(g, "== stderr\n");
    assert_non_null(stderr_sec);
    /* sources: each rendered template is one of the chart's templates */
    char *line = sec + strlen("== sources\n");
    char *stop = dumps ? dumps + 1 : stderr_sec;
    while (line < stop) {
        char *nl = strchr(line, '\n');
        *nl = '\0';
        const char *rest;
        const kz_chart *c = chart_at(top, line, &rest);
        if (c) {
            if (!find_file(&c->templates, rest)) {
                print_error("%s: template %s not loaded\n", golden_name, line);
                fail();
            }
            checked++;
        }
        line = nl + 1;
    }
    /* dumps */
    while (dumps && strncmp(dumps + 1, "== dump ", 8) == 0) { /* dumps[0]: a NUL, a newline */
        char *path = dumps + strlen("\n== dump ");
        char *nl = strchr(path, '\n');
        *nl = '\0';
        char *body = nl + 1;
        char *next = strstr(body, "\n== ");
        *next = '\0';
        const char *rest;
        const kz_chart *c = chart_at(top, path, &rest);
        assert_non_null(c);
        char *want = normalize_dump(body), *got = dump_chart(c);
        if (strcmp(want, got) != 0) {
            print_error("%s: %s\nhelm:\n%s\nkz:\n%s\n", golden_name, path, want, got);
            fail();
        }
        free(want);
        free(got);
        checked++;
        *next = '\n';
        dumps = next;
    }
    /* what the loader logs */
    kz_buf want = KZ_BUF_INIT, got = KZ_BUF_INIT;
    for (line = stderr_sec + strlen("== stderr\n"); *line;) {
        char *nl = strchr(line, '\n');
        size_t n = nl ? (size_t)(nl - line) : strlen(line);
        if (strncmp(line, "load.go:", 8) == 0 || strncmp(line, "walk.go:", 8) == 0) {
            kz_buf_append(&want, line, n);
            kz_buf_putc(&want, '\n');
        }
        line += n + (nl ? 1 : 0);
    }
    for (size_t i = 0; i < kz_len(&top->warnings); i++) {
        kz_buf_printf(&got, "%s\n", kz_str(kz_seq_at(&top->warnings, i)));
    }
    assert_string_equal(kz_buf_cstr(&want), kz_buf_cstr(&got));
    kz_buf_free(&want);
    kz_buf_free(&got);
    free(g);
    return checked;
}

/* Entry names of an archive, via libarchive (what `tar tzf` lists). */
static size_t count_entries(const char *path, const char *under, size_t *n_under) {
    struct archive *a = archive_read_new();
    archive_read_support_filter_gzip(a);
    archive_read_support_format_tar(a);
    assert_int_equal(archive_read_open_filename(a, path, 1 << 16), ARCHIVE_OK);
    struct archive_entry *e;
    size_t n = 0;
    *n_under = 0;
    while (archive_read_next_header(a, &e) == ARCHIVE_OK) {
        if (archive_entry_filetype(e) == AE_IFDIR) continue;
        n++;
        if (strstr(archive_entry_pathname(e), under)) (*n_under)++;
    }
    archive_read_free(a);
    return n;
}

static size_t count_templates(const kz_chart *c) {
    size_t n = c->templates.len;
    for (size_t i = 0; i < c->ndeps; i++) n += count_templates(c->deps[i]);
    return n;
}

static void t_fixtures(void **state) {
    (void)state;
    DIR *d = opendir(FIXTURES);
    assert_non_null(d);
    struct dirent *e;
    int charts = 0;
    while ((e = readdir(d))) {
        size_t n = strlen(e->d_name);
        if (n < 5 || strcmp(e->d_name + n - 4, ".tgz") != 0) continue;
        kz_buf path = KZ_BUF_INIT, gname = KZ_BUF_INIT;
        kz_buf_printf(&path, FIXTURES "%s", e->d_name);
        kz_buf_printf(&gname, "%.*s.dump", (int)(n - 4), e->d_name);
        kz_chart *c = load_ok(kz_buf_cstr(&path), NULL);
        /* name-version.tgz */
        char *expect = NULL;
        assert_true(asprintf(&expect, "%s-%s.tgz", c->name, c->version) > 0);
        assert_string_equal(expect, e->d_name);
        free(expect);
        /* every archive entry is in raw; templates as tar lists them */
        size_t ntpl, total = count_entries(kz_buf_cstr(&path), "/templates/", &ntpl);
        assert_int_equal(c->raw.len, total);
        assert_int_equal(count_templates(c), ntpl);
        assert_true(check_dump(c, kz_buf_cstr(&gname)) > 0);
        kz_chart_free(c);
        kz_buf_free(&path);
        kz_buf_free(&gname);
        charts++;
    }
    closedir(d);
    assert_int_equal(charts, 6);
}

static void t_test_charts(void **state) {
    (void)state;
    static const char *const names[] = {"basic", "v1req", "v2req", "ignore", "ignore-negate"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        kz_buf path = KZ_BUF_INIT, gname = KZ_BUF_INIT;
        kz_buf_printf(&path, CHARTS_DIR "%s", names[i]);
        kz_buf_printf(&gname, "%s.dump", names[i]);
        kz_chart *c = load_ok(kz_buf_cstr(&path), NULL);
        check_dump(c, kz_buf_cstr(&gname));
        kz_chart_free(c);
        kz_buf_free(&path);
        kz_buf_free(&gname);
    }
}

/* The parts of a chart the dump does not show. */
static void t_basic_structure(void **state) {
    (void)state;
    kz_chart *c = load_ok(CHARTS_DIR "basic", NULL);
    static const char *const tpl[] = {"templates/NOTES.txt", "templates/_helpers.tpl",
                                      "templates/a.yaml", "templates/sub/b.yaml"};
    assert_int_equal(c->templates.len, 4);
    for (size_t i = 0; i < 4; i++) assert_string_equal(c->templates.v[i].name, tpl[i]);
    assert_int_equal(c->crds.len, 2);
    assert_string_equal(c->crds.v[0].name, "crds/crd.yaml");
    assert_string_equal(c->crds.v[1].name, "crds/extra.YML");
    assert_non_null(c->schema);
    assert_non_null(strstr(c->schema, "draft-07"));
    assert_non_null(c->values_raw);
    assert_true(kz_is_map(&c->values));
    assert_string_equal(kz_source_name(&c->values), "basic/values.yaml");
    assert_true(kz_kind_of(kz_map_getz(&c->values, "replicas")) == KZ_FLOAT);
    assert_false(kz_is_valid(&c->lock));
    assert_string_equal(c->name, "basic");
    assert_string_equal(c->version, "0.1.0");
    assert_string_equal(c->type, "application");
    assert_string_equal(c->api_version, "v2");
    assert_non_null(find_file(&c->raw, "Chart.yaml"));
    assert_non_null(find_file(&c->raw, "charts/sub1/Chart.yaml"));
    assert_non_null(find_file(&c->raw, "values.schema.json"));
    assert_null(find_file(&c->raw, "x.bak"));
    assert_null(find_file(&c->raw, "templates/.hidden.yaml"));
    const kz_chart_file *bom = find_file(&c->files, "bom.yaml");
    assert_string_equal(bom->data, "bom: true\n");
    /* subcharts in name order: the folder, then the archive */
    assert_int_equal(c->ndeps, 2);
    assert_string_equal(c->deps[0]->name, "sub1");
    assert_string_equal(c->deps[1]->name, "sub2");
    assert_ptr_equal(c->deps[0]->parent, c);
    assert_true(kz_chart_is_root(c));
    assert_false(kz_chart_is_root(c->deps[1]));
    char *fp = kz_chart_full_path(c->deps[1]);
    assert_string_equal(fp, "basic/charts/sub2");
    free(fp);
    assert_int_equal(c->deps[1]->templates.len, 1);
    assert_string_equal(kz_source_name(&c->deps[1]->values), "sub2/values.yaml");
    kz_chart_free(c);

    c = load_ok(CHARTS_DIR "v1req", NULL);
    assert_string_equal(c->api_version, "v1");
    assert_true(kz_is_map(&c->lock));
    assert_string_equal(kz_str(kz_map_getz(&c->lock, "digest")), "sha256:0000");
    assert_int_equal(kz_len(kz_map_getz(&c->metadata, "dependencies")), 1);
    assert_true(kz_is_null(&c->values));
    assert_null(c->values_raw);
    kz_chart_free(c);

    c = load_ok(CHARTS_DIR "v2req", NULL);
    assert_string_equal(kz_str(kz_map_getz(&c->lock, "digest")), "sha256:1111");
    assert_null(find_file(&c->files, "requirements.yaml"));
    kz_chart_free(c);

    c = load_ok(CHARTS_DIR "ignore-negate", NULL);
    assert_int_equal(c->templates.len + c->files.len, 0);
    assert_int_equal(c->raw.len, 1);
    kz_chart_free(c);
}

static void t_errors(void **state) {
    (void)state;
    DIR *d = opendir(CHARTS_DIR);
    assert_non_null(d);
    struct dirent *e;
    int n = 0;
    while ((e = readdir(d))) {
        if (strncmp(e->d_name, "err-", 4) != 0) continue;
        kz_buf path = KZ_BUF_INIT, gname = KZ_BUF_INIT;
        kz_buf_printf(&path, CHARTS_DIR "%s", e->d_name);
        kz_buf_printf(&gname, "%s.err", e->d_name);
        char *want = golden(kz_buf_cstr(&gname));
        chomp(want);
        char *got = load_err(kz_buf_cstr(&path), NULL);
        if (strcmp(want, got) != 0) {
            print_error("%s:\nhelm: %s\nkz:   %s\n", e->d_name, want, got);
            fail();
        }
        free(want);
        free(got);
        kz_buf_free(&path);
        kz_buf_free(&gname);
        n++;
    }
    closedir(d);
    assert_true(n >= 30);
    char *m = load_err("/nonexistent/chart", NULL);
    assert_string_equal(m, "stat /nonexistent/chart: no such file or directory");
    free(m);
}

/* ---- archives ---- */

enum { E_FILE, E_SYM, E_HARD, E_DIR };
typedef struct entry {
    const char *name;
    int kind;
    const char *data; /* file contents, or link target */
    size_t size;      /* E_FILE with data NULL: that many zero bytes */
} entry;

#define CHART_YAML "apiVersion: v2\nname: chart\nversion: 1.0.0\n"
#define CM_YAML "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n"
#define OK_ENTRIES {"chart/Chart.yaml", E_FILE, CHART_YAML, 0}, {"chart/templates/cm.yaml", E_FILE, CM_YAML, 0}

static char tmpdir[] = "/tmp/kz-chart-test-XXXXXX";

/* Write entries as a tar (gzipped unless raw_tar) to tmpdir/name. */
static char *write_archive(const char *name, const entry *es, size_t n, bool gz, bool raw_format) {
    char *path = NULL;
    assert_true(asprintf(&path, "%s/%s", tmpdir, name) > 0);
    struct archive *a = archive_write_new();
    if (gz) archive_write_add_filter_gzip(a);
    if (raw_format) archive_write_set_format_raw(a);
    else archive_write_set_format_pax_restricted(a);
    assert_int_equal(archive_write_open_filename(a, path), ARCHIVE_OK);
    static char zeros[5 * 1024 * 1024 + 1];
    for (size_t i = 0; i < n; i++) {
        struct archive_entry *e = archive_entry_new();
        archive_entry_set_pathname(e, es[i].name);
        archive_entry_set_perm(e, 0644);
        size_t size = es[i].data ? strlen(es[i].data) : es[i].size;
        switch (es[i].kind) {
        case E_FILE:
            archive_entry_set_filetype(e, AE_IFREG);
            archive_entry_set_size(e, (la_int64_t)size);
            break;
        case E_SYM:
            archive_entry_set_filetype(e, AE_IFLNK);
            archive_entry_set_symlink(e, es[i].data);
            size = 0;
            break;
        case E_HARD:
            archive_entry_set_filetype(e, AE_IFREG);
            archive_entry_set_hardlink(e, es[i].data);
            archive_entry_set_size(e, 0);
            size = 0;
            break;
        default:
            archive_entry_set_filetype(e, AE_IFDIR);
            size = 0;
        }
        assert_int_equal(archive_write_header(a, e), ARCHIVE_OK);
        const char *p = es[i].kind == E_FILE && es[i].data ? es[i].data : zeros;
        while (size > 0) {
            size_t chunk = size < sizeof zeros - 1 ? size : sizeof zeros - 1;
            assert_true(archive_write_data(a, p, chunk) == (la_ssize_t)chunk);
            size -= chunk;
            if (p != zeros) p += chunk;
        }
        archive_entry_free(e);
    }
    assert_int_equal(archive_write_close(a), ARCHIVE_OK);
    archive_write_free(a);
    return path;
}

static void write_bytes(const char *path, const void *data, size_t n) {
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, n, f), n);
    fclose(f);
}

/* helm's message from the golden, TMP/ standing for tmpdir; scaled limits
 * replace Helm's numbers. */
static char *expected(const char *gname, const char *from, const char *to) {
    char *g = golden(gname);
    chomp(g);
    kz_buf b = KZ_BUF_INIT;
    for (const char *p = g; *p;) {
        if (strncmp(p, "TMP/", 4) == 0) {
            kz_buf_printf(&b, "%s/", tmpdir);
            p += 4;
        } else if (from && strncmp(p, from, strlen(from)) == 0) {
            kz_buf_puts(&b, to);
            p += strlen(from);
        } else {
            kz_buf_putc(&b, *p++);
        }
    }
    free(g);
    return kz_buf_detach(&b, NULL);
}

static void expect_arch_err(const char *name, const char *path, const kz_chart_load_opts *o,
                            const char *from, const char *to) {
    char *gname = NULL;
    assert_true(asprintf(&gname, "arch-%s.err", name) > 0);
    char *want = expected(gname, from, to);
    char *got = load_err(path, o);
    if (strcmp(want, got) != 0) {
        print_error("archive %s:\nhelm: %s\nkz:   %s\n", name, want, got);
        fail();
    }
    free(want);
    free(got);
    free(gname);
}

/* Load an archive helm loads; every source it rendered is a template here. */
static kz_chart *expect_arch_ok(const char *name, const char *path) {
    kz_chart *c = load_ok(path, NULL);
    char *gname = NULL;
    assert_true(asprintf(&gname, "arch-%s.ok", name) > 0);
    char *g = golden(gname);
    assert_int_equal(strncmp(g, "ok\n", 3), 0);
    for (char *line = g + 3; *line;) {
        char *nl = strchr(line, '\n');
        *nl = '\0';
        assert_int_equal(strncmp(line, "chart/", 6), 0);
        assert_non_null(find_file(&c->templates, line + 6));
        line = nl + 1;
    }
    free(g);
    free(gname);
    return c;
}

#define N(a) (sizeof(a) / sizeof((a)[0]))

static void t_archives_refused(void **state) {
    (void)state;
    static const struct {
        const char *name;
        entry es[3];
        size_t n;
    } specs[] = {
        {"dotdot", {OK_ENTRIES, {"chart/../../evil.txt", E_FILE, "x", 0}}, 3},
        {"abs", {OK_ENTRIES, {"chart//etc/passwd", E_FILE, "x", 0}}, 3},
        {"absfirst", {{"/chart/Chart.yaml", E_FILE, CHART_YAML, 0}}, 1},
        {"outside", {{"chart", E_FILE, "x", 0}}, 1},
        {"rootchart", {{"Chart.yaml", E_FILE, CHART_YAML, 0}}, 1},
        {"drive", {OK_ENTRIES, {"chart/c:/x", E_FILE, "x", 0}}, 3},
        {"dotdotname", {OK_ENTRIES, {"chart/..x", E_FILE, "x", 0}}, 3},
        {"onlydirs", {{"chart/", E_DIR, NULL, 0}, {"chart/templates/", E_DIR, NULL, 0}}, 2},
        {"nochart", {{"chart/values.yaml", E_FILE, "a: 1\n", 0}}, 1},
        {"bigfile", {OK_ENTRIES, {"chart/big.bin", E_FILE, NULL, 5 * 1024 * 1024 + 1}}, 3},
        {"empty", {{0}}, 0},
    };
    for (size_t i = 0; i < N(specs); i++) {
        char *fname = NULL;
        assert_true(asprintf(&fname, "%s.tgz", specs[i].name) > 0);
        char *path = write_archive(fname, specs[i].es, specs[i].n, true, false);
        expect_arch_err(specs[i].name, path, NULL, NULL, NULL);
        free(path);
        free(fname);
    }
}

/* The chart budget, scaled down: 5 KiB files, a 100 KiB chart. */
static void t_archives_budget(void **state) {
    (void)state;
    const size_t unit = 5 * 1024;
    kz_chart_load_opts o = {.max_chart_size = 100 * 1024, .max_file_size = unit};
    entry es[23] = {OK_ENTRIES};
    char names[21][32];
    for (size_t i = 0; i < 20; i++) {
        snprintf(names[i], sizeof names[i], "chart/f%02zu.bin", i);
        es[2 + i] = (entry){names[i], E_FILE, NULL, unit};
    }
    char *path = write_archive("bigchart.tgz", es, 22, true, false);
    expect_arch_err("bigchart", path, &o, "104857600", "102400");
    free(path);
    /* exactly the budget: 19 full files and one that uses up the rest */
    es[21] = (entry){"chart/last.bin", E_FILE, NULL,
                     unit - strlen(CHART_YAML) - strlen(CM_YAML)};
    path = write_archive("bigexact.tgz", es, 22, true, false);
    expect_arch_err("bigexact", path, &o, "104857600", "102400");
    free(path);
    /* one byte less fits */
    es[21].size--;
    path = write_archive("fits.tgz", es, 22, true, false);
    kz_chart *c = load_ok(path, &o);
    assert_int_equal(c->files.len, 20);
    kz_chart_free(c);
    free(path);
    /* a file just over the per-file limit */
    entry big[] = {OK_ENTRIES, {"chart/big.bin", E_FILE, NULL, unit + 1}};
    path = write_archive("bigfile-small.tgz", big, 3, true, false);
    expect_arch_err("bigfile", path, &o, "5242880", "5120");
    free(path);
    /* Helm's defaults */
    assert_int_equal(KZ_CHART_MAX_SIZE, 104857600);
    assert_int_equal(KZ_CHART_MAX_FILE_SIZE, 5242880);
}

static void t_archives_loaded(void **state) {
    (void)state;
    entry sym[] = {OK_ENTRIES,
                   {"chart/link.txt", E_SYM, "/etc/passwd", 0},
                   {"chart/templates/evil.yaml", E_SYM, "../../../etc/passwd", 0}};
    char *path = write_archive("symlink.tgz", sym, N(sym), true, false);
    kz_chart *c = expect_arch_ok("symlink", path);
    /* links are empty files under their own names: targets never read */
    assert_int_equal(find_file(&c->files, "link.txt")->len, 0);
    assert_int_equal(find_file(&c->templates, "templates/evil.yaml")->len, 0);
    kz_chart_free(c);
    free(path);

    entry hard[] = {OK_ENTRIES, {"chart/hard.txt", E_HARD, "chart/Chart.yaml", 0}};
    path = write_archive("hardlink.tgz", hard, N(hard), true, false);
    c = expect_arch_ok("hardlink", path);
    assert_int_equal(find_file(&c->files, "hard.txt")->len, 0);
    kz_chart_free(c);
    free(path);

    entry win[] = {{"chart\\Chart.yaml", E_FILE, CHART_YAML, 0},
                   {"chart\\templates\\cm.yaml", E_FILE, CM_YAML, 0}};
    path = write_archive("windows.tgz", win, N(win), true, false);
    c = expect_arch_ok("windows", path);
    kz_chart_free(c);
    free(path);

    entry bom[] = {{"chart/Chart.yaml", E_FILE, "\xef\xbb\xbf" CHART_YAML, 0},
                   {"chart/templates/cm.yaml", E_FILE, CM_YAML, 0}};
    path = write_archive("bom.tgz", bom, N(bom), true, false);
    c = expect_arch_ok("bom", path);
    assert_string_equal(find_file(&c->raw, "Chart.yaml")->data, CHART_YAML);
    kz_chart_free(c);
    free(path);

    /* a second Chart.yaml is decoded over the first, as Go does */
    entry two[] = {OK_ENTRIES, {"chart/Chart.yaml", E_FILE, "version: 2.0.0\n", 0}};
    path = write_archive("twochart.tgz", two, N(two), true, false);
    c = expect_arch_ok("twochart", path);
    assert_string_equal(c->version, "2.0.0");
    assert_string_equal(c->name, "chart");
    kz_chart_free(c);
    free(path);

    char longname[200];
    snprintf(longname, sizeof longname, "chart/templates/%0120d/cm.yaml", 0);
    for (char *p = longname + 16; *p == '0'; p++) *p = 'd';
    entry lng[] = {OK_ENTRIES, {longname, E_FILE, CM_YAML, 0}};
    path = write_archive("longname.tgz", lng, N(lng), true, false);
    c = expect_arch_ok("longname", path);
    kz_chart_free(c);
    free(path);
}

static void t_archives_not_charts(void **state) {
    (void)state;
    entry ok[] = {OK_ENTRIES};
    char *path = write_archive("good.tgz", ok, 2, true, false);
    kz_buf data = KZ_BUF_INIT;
    assert_int_equal(kz_file_read(path, &data, NULL), 0);
    free(path);
    assert_true(asprintf(&path, "%s/truncated.tgz", tmpdir) > 0);
    write_bytes(path, data.data, data.len / 2);
    expect_arch_err("truncated", path, NULL, NULL, NULL);
    free(path);
    kz_buf_free(&data);

    path = write_archive("plaintar.tgz", ok, 2, false, false);
    expect_arch_err("plaintar", path, NULL, NULL, NULL);
    free(path);

    char text[17 * 64 + 1] = "";
    for (int i = 0; i < 64; i++) strcat(text, "hello, not a tar\n");
    entry raw[] = {{"data", E_FILE, text, 0}};
    path = write_archive("gzipnottar.tgz", raw, 1, true, true);
    expect_arch_err("gzipnottar", path, NULL, NULL, NULL);
    free(path);

    assert_true(asprintf(&path, "%s/notgz.tgz", tmpdir) > 0);
    write_bytes(path, "just some text\n", 15);
    expect_arch_err("notgz", path, NULL, NULL, NULL);
    free(path);

    unsigned char bin[64];
    for (int i = 0; i < 64; i++) bin[i] = (unsigned char)i;
    assert_true(asprintf(&path, "%s/binary.tgz", tmpdir) > 0);
    write_bytes(path, bin, sizeof bin);
    expect_arch_err("binary", path, NULL, NULL, NULL);
    free(path);

    assert_true(asprintf(&path, "%s/notchart.yaml", tmpdir) > 0);
    write_bytes(path, "apiVersion: v2\n", 15);
    expect_arch_err("notchart", path, NULL, NULL, NULL);
    free(path);

    /* in memory: what gzip.NewReader says */
    kz_chart *c = (kz_chart *)1;
    kz_value err = kz_chart_load_archive("", 0, NULL, &c);
    assert_string_equal(kz_error_message(&err), "EOF");
    assert_null(c);
    kz_free(err);
    err = kz_chart_load_archive("this is not gzip data", 21, NULL, &c);
    assert_string_equal(kz_error_message(&err), "gzip: invalid header");
    kz_free(err);
}

/* ---- directories: links, irregular files, limits ---- */

static void mkfile(const char *dir, const char *name, const char *text) {
    char *p = NULL;
    assert_true(asprintf(&p, "%s/%s", dir, name) > 0);
    write_bytes(p, text, strlen(text));
    free(p);
}

static void t_dir_links(void **state) {
    (void)state;
    char *dir = NULL, *target = NULL, *tdir = NULL, *p = NULL;
    assert_true(asprintf(&dir, "%s/linked", tmpdir) > 0);
    assert_true(asprintf(&target, "%s/target.txt", tmpdir) > 0);
    assert_true(asprintf(&tdir, "%s/shared-tpl", tmpdir) > 0);
    assert_int_equal(mkdir(dir, 0755), 0);
    assert_int_equal(mkdir(tdir, 0755), 0);
    mkfile(dir, "Chart.yaml", CHART_YAML);
    mkfile(tmpdir, "target.txt", "linked data\n");
    mkfile(tdir, "cm.yaml", CM_YAML);
    assert_true(asprintf(&p, "%s/link.txt", dir) > 0);
    assert_int_equal(symlink(target, p), 0);
    free(p);
    assert_true(asprintf(&p, "%s/templates", dir) > 0);
    assert_int_equal(symlink(tdir, p), 0);
    free(p);
    kz_chart *c = load_ok(dir, NULL);
    assert_string_equal(find_file(&c->files, "link.txt")->data, "linked data\n");
    assert_non_null(find_file(&c->templates, "templates/cm.yaml"));
    assert_int_equal(kz_len(&c->warnings), 2);
    char *want = NULL;
    assert_true(asprintf(&want,
                         "walk.go:75: found symbolic link in path: %s/link.txt resolves to %s. "
                         "Contents of linked file included and used",
                         dir, target) > 0);
    assert_string_equal(kz_str(kz_seq_at(&c->warnings, 0)), want);
    free(want);
    kz_chart_free(c);

    /* a dangling link: Go names the missing target */
    assert_true(asprintf(&p, "%s/broken", dir) > 0);
    assert_int_equal(symlink("/nonexistent", p), 0);
    char *m = load_err(dir, NULL);
    assert_true(asprintf(&want,
                         "error evaluating symlink %s: lstat /nonexistent: no such file or directory",
                         p) > 0);
    assert_string_equal(m, want);
    unlink(p);
    free(p);
    free(m);
    free(want);

    /* a FIFO is an irregular file */
    assert_true(asprintf(&p, "%s/fifo", dir) > 0);
    assert_int_equal(mkfifo(p, 0644), 0);
    m = load_err(dir, NULL);
    assert_true(asprintf(&want, "cannot load irregular file %s as it has file mode type bits set",
                         p) > 0);
    assert_string_equal(m, want);
    unlink(p);
    free(p);
    free(m);
    free(want);

    /* per-file limit on a directory (the message names the base name) */
    mkfile(dir, "big.bin", "0123456789012345678901234567890123456789012345678901234567890");
    kz_chart_load_opts o = {.max_file_size = 60};
    m = load_err(dir, &o);
    assert_string_equal(m, "chart file \"big.bin\" is larger than the maximum file size 60");
    free(m);
    free(dir);
    free(target);
    free(tdir);
}

/* ---- Chart.yaml reading ---- */

static kz_chart *from_chart_yaml(const char *yaml, kz_value *err) {
    kz_chart_file f = {strdup("Chart.yaml"), strdup(yaml), strlen(yaml), false};
    kz_chart *c = NULL;
    *err = kz_chart_load_files(&f, 1, NULL, &c);
    return c;
}

static void t_metadata(void **state) {
    (void)state;
    kz_value err;
    kz_chart *c = from_chart_yaml("name: m\nversion: 1.10\nappVersion: 12345678\n"
                                  "kubeVersion: 0.5\nhome: 010\nicon: 0x10\nVERSION: 2.0\n"
                                  "description: \"a\\u200bb\\nc\"\n",
                                  &err);
    assert_true(kz_is_null(&err));
    /* sorted keys: "VERSION" comes before "version", which wins */
    assert_string_equal(c->version, "1.1");
    assert_string_equal(kz_str(kz_map_getz(&c->metadata, "appVersion")), "12345678");
    assert_string_equal(kz_str(kz_map_getz(&c->metadata, "kubeVersion")), "0.5");
    assert_string_equal(kz_str(kz_map_getz(&c->metadata, "home")), "8");
    assert_string_equal(kz_str(kz_map_getz(&c->metadata, "icon")), "16");
    assert_string_equal(kz_str(kz_map_getz(&c->metadata, "description")), "ab c");
    assert_string_equal(c->api_version, "v1");
    assert_string_equal(c->type, "");
    kz_chart_free(c);

    c = from_chart_yaml("apiVersion: v2\nname: x\nversion: v1.2\ntype: library\n", &err);
    assert_true(kz_is_null(&err));
    assert_string_equal(c->type, "library");
    kz_chart_free(c);

    c = from_chart_yaml("apiVersion: v2\nname: x\nversion: 1.0.0\ndependencies:\n- {}\n", &err);
    assert_true(kz_is_null(&err));
    /* a dependency keeps name and repository: no omitempty in Helm's struct */
    kz_buf b = KZ_BUF_INIT;
    assert_int_equal(kz_json_emit(&b, kz_map_getz(&c->metadata, "dependencies"), NULL, NULL), 0);
    assert_string_equal(kz_buf_cstr(&b), "[{\"name\":\"\",\"repository\":\"\"}]");
    kz_buf_free(&b);
    kz_chart_free(c);

    c = from_chart_yaml("apiVersion: v2\nname: .\nversion: 1.0.0\n", &err);
    assert_true(kz_is_null(&err)); /* filepath.Base(".") is "." */
    kz_chart_free(c);

    c = from_chart_yaml("apiVersion: v2\nname: x/\nversion: 1.0.0\n", &err);
    assert_null(c);
    assert_string_equal(kz_error_message(&err), "validation: chart.metadata.name \"x/\" is invalid");
    kz_free(err);

    /* no Chart.yaml, but requirements.yaml: no apiVersion to default */
    kz_chart_file f = {strdup("requirements.yaml"), strdup("dependencies: []\n"), 17, false};
    err = kz_chart_load_files(&f, 1, NULL, &c);
    assert_string_equal(kz_error_message(&err),
                        "validation: chart.metadata.apiVersion is required");
    kz_free(err);
}

/* ---- .helmignore and Go's filepath.Match ---- */

static void t_go_match(void **state) {
    (void)state;
    static const struct {
        const char *pattern, *name;
        int want;
    } cases[] = {
        {"abc", "abc", 1},       {"*", "abc", 1},          {"*c", "abc", 1},
        {"a*", "a", 1},          {"a*", "abc", 1},         {"a*", "ab/c", 0},
        {"a*/b", "abc/b", 1},    {"a*/b", "a/c/b", 0},     {"a*b*c*d*e*/f", "axbxcxdxe/f", 1},
        {"a*b*c*d*e*/f", "axbxcxdxexxx/f", 1},             {"a*b*c*d*e*/f", "axbxcxdxe/xxx/f", 0},
        {"a*b?c*x", "abxbbxdbxebxczzx", 1},                {"a*b?c*x", "abxbbxdbxebxczzy", 0},
        {"ab[c]", "abc", 1},     {"ab[b-d]", "abc", 1},    {"ab[e-g]", "abc", 0},
        {"ab[^c]", "abc", 0},    {"ab[^b-d]", "abc", 0},   {"ab[^e-g]", "abc", 1},
        {"a\\*b", "a*b", 1},     {"a\\*b", "ab", 0},       {"a?b", "a☺b", 1},
        {"a[^a]b", "a☺b", 1},    {"a???b", "a☺b", 0},      {"a[^a][^a][^a]b", "a☺b", 0},
        {"[a-ζ]*", "α", 1},      {"*[a-ζ]", "A", 0},       {"a?b", "a/b", 0},
        {"a*b", "a/b", 0},       {"[\\]a]", "]", 1},       {"[\\-]", "-", 1},
        {"[x\\-]", "x", 1},      {"[x\\-]", "-", 1},       {"[x\\-]", "z", 0},
        {"[\\-x]", "x", 1},      {"[\\-x]", "a", 0},       {"[]a]", "]", -1},
        {"[-]", "-", -1},        {"[x-]", "x", -1},        {"[-x]", "x", -1},
        {"\\", "a", -1},         {"[a-b-c]", "a", -1},     {"[", "a", -1},
        {"[^", "a", -1},         {"[^bc", "a", -1},        {"a[", "a", -1},
        {"a[", "ab", -1},        {"a[", "x", -1},          {"a/b[", "x", -1},
        {"*x", "xxx", 1},        {"", "", 1},              {"", "a", 0},
        {"x[", "abc", -1},       {"*x\\", "ab", -1},
    };
    for (size_t i = 0; i < N(cases); i++) {
        int got = kz_go_path_match(cases[i].pattern, cases[i].name);
        if (got != cases[i].want) {
            print_error("Match(%s, %s) = %d, want %d\n", cases[i].pattern, cases[i].name, got,
                        cases[i].want);
            fail();
        }
    }
}

static void t_helmignore(void **state) {
    (void)state;
    const char *rules = "\xef\xbb\xbf# comment\n  *.txt  \r\n\n/root.md\nsub/*.yaml\nbuild/\n";
    kz_value err = kz_invalid();
    kz_helmignore *r = kz_helmignore_parse(rules, strlen(rules), &err);
    assert_non_null(r);
    kz_helmignore_add_defaults(r);
    assert_true(kz_helmignore_ignore(r, "a.txt", false));
    assert_true(kz_helmignore_ignore(r, "deep/dir/a.txt", false));
    assert_true(kz_helmignore_ignore(r, "root.md", false));
    assert_false(kz_helmignore_ignore(r, "x/root.md", false));
    assert_true(kz_helmignore_ignore(r, "sub/a.yaml", false));
    assert_false(kz_helmignore_ignore(r, "x/sub/a.yaml", false));
    assert_true(kz_helmignore_ignore(r, "build", true));
    assert_true(kz_helmignore_ignore(r, "x/build", true));
    assert_false(kz_helmignore_ignore(r, "build", false));
    assert_true(kz_helmignore_ignore(r, "templates/.hidden", false));
    assert_false(kz_helmignore_ignore(r, "templates/.", false));
    assert_false(kz_helmignore_ignore(r, "templates/a.yaml", false));
    assert_false(kz_helmignore_ignore(r, ".", true));
    assert_false(kz_helmignore_ignore(r, "", true));
    kz_helmignore_free(r);

    /* Helm's negation: a rule that does not match ignores */
    r = kz_helmignore_parse("!keep.txt\n", 10, &err);
    assert_false(kz_helmignore_ignore(r, "keep.txt", false));
    assert_true(kz_helmignore_ignore(r, "other.txt", false));
    kz_helmignore_free(r);
    r = kz_helmignore_parse("!keep/\n", 7, &err);
    assert_true(kz_helmignore_ignore(r, "keep.txt", false));
    assert_false(kz_helmignore_ignore(r, "keep", true));
    kz_helmignore_free(r);

    assert_null(kz_helmignore_parse("a/**/b\n", 7, &err));
    assert_string_equal(kz_error_message(&err), "double-star (**) syntax is not supported");
    kz_free(err);
    assert_null(kz_helmignore_parse("!x[\n", 4, &err));
    assert_string_equal(kz_error_message(&err), "syntax error in pattern");
    kz_free(err);
}

/* ---- loading with the templates and values.yaml parsed ahead ---- */

/* The same folder loaded both ways gives the same chart or the same error. */
static void same_both_ways(const char *dir, const kz_tmpl_funcs *funcs) {
    kz_chart *plain = NULL, *ahead = NULL;
    kz_value e1 = kz_chart_load(dir, NULL, &plain);
    kz_chart_load_opts o = {.parse_ahead = funcs};
    kz_value e2 = kz_chart_load(dir, &o, &ahead);
    if (kz_error_message(&e1) || kz_error_message(&e2)) {
        assert_non_null(kz_error_message(&e1));
        assert_non_null(kz_error_message(&e2));
        assert_string_equal(kz_error_message(&e2), kz_error_message(&e1));
    } else {
        assert_true(kz_equal(&plain->values, &ahead->values));
        assert_true(kz_equal(&plain->metadata, &ahead->metadata));
        if (kz_is_map(&plain->values))
            assert_string_equal(kz_source_name(&ahead->values), kz_source_name(&plain->values));
        assert_int_equal(ahead->templates.len, plain->templates.len);
        assert_int_equal(ahead->raw.len, plain->raw.len);
        for (size_t i = 0; i < plain->raw.len; i++) {
            assert_string_equal(ahead->raw.v[i].name, plain->raw.v[i].name);
            assert_int_equal(ahead->raw.v[i].len, plain->raw.v[i].len);
        }
    }
    kz_free(e1);
    kz_free(e2);
    kz_chart_free(plain);
    kz_chart_free(ahead);
}

static char *chart_dir(const char *name, const char *chart_yaml, const char *values) {
    char *dir = NULL;
    assert_true(asprintf(&dir, "%s/%s", tmpdir, name) > 0);
    assert_int_equal(mkdir(dir, 0755), 0);
    char *t = NULL;
    assert_true(asprintf(&t, "%s/templates", dir) > 0);
    assert_int_equal(mkdir(t, 0755), 0);
    free(t);
    if (chart_yaml) mkfile(dir, "Chart.yaml", chart_yaml);
    if (values) mkfile(dir, "values.yaml", values);
    mkfile(dir, "templates/cm.yaml", CM_YAML);
    return dir;
}

static void t_parse_ahead(void **state) {
    (void)state;
    kz_tmpl_funcs *funcs = kz_tmpl_funcs_new();
    const char *chart = "apiVersion: v2\nname: early\nversion: 1.0.0\n";
    char *d = chart_dir("ahead-plain", chart, "a: 1\nb: {c: [1, 2]}\n");
    same_both_ways(d, funcs);
    free(d);
    d = chart_dir("ahead-bad-values", chart, "a: [1\n");
    same_both_ways(d, funcs);
    free(d);
    d = chart_dir("ahead-values-list", chart, "- 1\n");
    same_both_ways(d, funcs);
    free(d);
    d = chart_dir("ahead-bad-chart", "name: [\n", "a: 1\n");
    same_both_ways(d, funcs);
    free(d);
    d = chart_dir("ahead-no-chart", NULL, "a: 1\n");
    same_both_ways(d, funcs);
    free(d);
    d = chart_dir("ahead-bom", chart, "\xEF\xBB\xBF" "a: 1\n");
    same_both_ways(d, funcs);
    free(d);
    /* values.yaml ignored, or a link: the walk decides, as without */
    d = chart_dir("ahead-ignored", chart, "a: 1\n");
    mkfile(d, ".helmignore", "values.yaml\n");
    same_both_ways(d, funcs);
    free(d);
    d = chart_dir("ahead-link", chart, NULL);
    mkfile(tmpdir, "ahead-values.yaml", "linked: true\n");
    char *p = NULL, *target = NULL;
    assert_true(asprintf(&p, "%s/values.yaml", d) > 0);
    assert_true(asprintf(&target, "%s/ahead-values.yaml", tmpdir) > 0);
    assert_int_equal(symlink(target, p), 0);
    same_both_ways(d, funcs);
    free(p);
    free(target);
    free(d);
    /* a walk that fails after values.yaml was read ahead */
    d = chart_dir("ahead-walk-fails", chart, "a: 1\n");
    assert_true(asprintf(&p, "%s/templates/fifo", d) > 0);
    assert_int_equal(mkfifo(p, 0644), 0);
    same_both_ways(d, funcs);
    free(p);
    free(d);
    kz_tmpl_funcs_free(funcs);
}

static int setup(void **state) {
    (void)state;
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state) {
    (void)state;
    char *cmd = NULL;
    if (asprintf(&cmd, "rm -rf '%s'", tmpdir) < 0) return -1;
    int rc = system(cmd);
    free(cmd);
    return rc == 0 ? 0 : -1;
}

/* The chart's dependency named `name` (loaded subcharts are in name order). */
static const kz_chart *dep(const kz_chart *c, const char *name) {
    for (size_t i = 0; i < c->ndeps; i++)
        if (strcmp(c->deps[i]->name, name) == 0) return c->deps[i];
    fail_msg("no subchart %s in %s", name, c->name);
    return NULL;
}

/* Archive subcharts, at any depth and under folder subcharts too, have their
 * templates parsed with the top chart's (no parses, no worker of their own). */
static void t_archive_subcharts_join(void **state) {
    (void)state;
    kz_tmpl_funcs *funcs = kz_tmpl_funcs_new();
    static const char *const paths[] = {KZ_TEST_DATA "/golden/template/charts/c10-tgz-subcharts",
                                        KZ_TEST_DATA "/golden/template/charts/c10-tgz-subcharts-1.0.0.tgz"};
    for (size_t i = 0; i < 2; i++) {
        same_both_ways(paths[i], funcs);
        kz_chart_load_opts o = {.parse_ahead = funcs};
        kz_chart *c = NULL;
        kz_value err = kz_chart_load(paths[i], &o, &c);
        assert_null(kz_error_message(&err));
        assert_non_null(c->ahead);
        const kz_chart *alpha = dep(c, "alpha"), *beta = dep(c, "beta");
        assert_null(alpha->ahead);
        assert_null(dep(alpha, "gamma")->ahead);
        assert_null(beta->ahead);
        assert_null(dep(beta, "delta")->ahead);
        kz_chart_free(c);
    }
    kz_tmpl_funcs_free(funcs);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(t_fixtures),         cmocka_unit_test(t_test_charts),
        cmocka_unit_test(t_basic_structure),  cmocka_unit_test(t_errors),
        cmocka_unit_test(t_archives_refused), cmocka_unit_test(t_archives_budget),
        cmocka_unit_test(t_archives_loaded),  cmocka_unit_test(t_archives_not_charts),
        cmocka_unit_test(t_dir_links),        cmocka_unit_test(t_metadata),
        cmocka_unit_test(t_go_match),         cmocka_unit_test(t_helmignore),
        cmocka_unit_test(t_parse_ahead),
        cmocka_unit_test(t_archive_subcharts_join),
    };
    int failed = cmocka_run_group_tests(tests, setup, teardown);
    kz_parallel_reap(); /* workers still exiting would run beside LeakSanitizer's check */
    return failed;
}
