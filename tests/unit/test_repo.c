/* lib/repo against helm v3.17's recorded behaviour (tests/golden/repo). */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/buf.h"
#include "core/file.h"
#include "core/gotime.h"
#include "repo/index.h"
#include "repo/pool.h"
#include "repo/repo_internal.h"
#include "repo/repofile.h"
#include "repo/search.h"

#define GOLDEN KZ_TEST_DATA "/golden/repo"

static char *slurp(const char *path) {
    kz_buf b = KZ_BUF_INIT;
    if (kz_file_read(path, &b, NULL) != 0) {
        kz_buf_free(&b);
        return NULL;
    }
    kz_buf_putc(&b, '\0');
    return kz_buf_detach(&b, NULL);
}

static char *golden(const char *fmt, const char *name) {
    char p[1024];
    snprintf(p, sizeof p, fmt, name);
    char *s = slurp(p);
    return s ? s : strdup("");
}

static int failures;

static void expect_eq(const char *what, const char *want, const char *got) {
    if (strcmp(want, got) == 0) return;
    failures++;
    fprintf(stderr, "MISMATCH %s\n--- want\n%s--- got\n%s---\n", what, want, got);
}

/* ---- search ---- */

/* home: a folder with repositories.yaml and cache/; sidecar: 0 don't
 * write sidecars, 1 write them, 2 every index must come from one. */
static void run_search_in(const char *home, const char *name, int sidecar) {
    char path[1024];
    snprintf(path, sizeof path, GOLDEN "/search/%s.args", name);
    char *args = slurp(path);
    const char *kw[16];
    size_t nkw = 0;
    kz_repo_search_opts o = {.max_col_width = 50};
    char *save = NULL;
    for (char *a = strtok_r(args, "\n", &save); a; a = strtok_r(NULL, "\n", &save)) {
        if (!strcmp(a, "--versions") || !strcmp(a, "-l")) o.versions = true;
        else if (!strcmp(a, "--devel")) o.devel = true;
        else if (!strcmp(a, "-r") || !strcmp(a, "--regexp")) o.regexp = true;
        else if (!strcmp(a, "--version")) o.version = strtok_r(NULL, "\n", &save);
        else if (!strcmp(a, "-o")) {
            const char *f = strtok_r(NULL, "\n", &save);
            o.format = !strcmp(f, "json") ? KZ_REPO_FORMAT_JSON : KZ_REPO_FORMAT_YAML;
        } else if (!strcmp(a, "--max-col-width")) o.max_col_width = (size_t)atoi(strtok_r(NULL, "\n", &save));
        else if (!strncmp(a, "--max-col-width=", 16)) o.max_col_width = (size_t)atoi(a + 16);
        else kw[nkw++] = a;
    }
    o.keywords = kw;
    o.nkeywords = nkw;
    kz_repo_set set;
    kz_buf warn = KZ_BUF_INIT, out = KZ_BUF_INIT;
    char rf[600], cache[600];
    snprintf(rf, sizeof rf, "%s/repositories.yaml", home);
    snprintf(cache, sizeof cache, "%s/cache", home);
    kz_value e = kz_repo_set_load_ex(rf, cache, sidecar == 1, &set, &warn);
    assert_true(kz_is_null(&e));
    for (size_t i = 0; sidecar == 2 && i < set.len; i++) assert_int_equal(set.indexes[i].loaded_from, 2);
    e = kz_repo_search(&set, &o, &out);
    if (!kz_is_null(&e)) kz_buf_printf(&warn, "Error: %s\n", kz_error_message(&e));
    char *want_out = golden(GOLDEN "/search/%s.out", name);
    char *want_err = golden(GOLDEN "/search/%s.err", name);
    char what[256];
    snprintf(what, sizeof what, "search %s (sidecar %d) stdout", name, sidecar);
    expect_eq(what, want_out, kz_buf_cstr(&out));
    snprintf(what, sizeof what, "search %s (sidecar %d) stderr", name, sidecar);
    expect_eq(what, want_err, kz_buf_cstr(&warn));
    free(want_out);
    free(want_err);
    kz_free(e);
    kz_buf_free(&warn);
    kz_buf_free(&out);
    kz_repo_set_free(&set);
    free(args);
}

static void run_search_case(const char *name) { run_search_in(GOLDEN "/home", name, 0); }

static int ends_with(const char *s, const char *suf) {
    size_t n = strlen(s), m = strlen(suf);
    return n > m && strcmp(s + n - m, suf) == 0;
}

static void test_search(void **state) {
    (void)state;
    DIR *d = opendir(GOLDEN "/search");
    assert_non_null(d);
    struct dirent *ent;
    int n = 0;
    failures = 0;
    while ((ent = readdir(d))) {
        if (!ends_with(ent->d_name, ".args")) continue;
        char name[256];
        snprintf(name, sizeof name, "%.*s", (int)(strlen(ent->d_name) - 5), ent->d_name);
        run_search_case(name);
        n++;
    }
    closedir(d);
    fprintf(stderr, "search: %d cases, %d mismatches\n", n, failures);
    assert_int_equal(failures, 0);
}

static void sh(const char *fmt, const char *a, const char *b);

/* ---- index loading (seen through helm's search --versions --devel) ---- */

/* mode: 0 auto, 1 sequential, 2 parallel, 3 slow path, 4 through a sidecar */
static void run_load_mode(const char *name, int mode) {
    char path[1024];
    snprintf(path, sizeof path, GOLDEN "/load/%s.yaml", name);
    char *data = slurp(path);
    kz_buf warn = KZ_BUF_INIT, out = KZ_BUF_INIT;
    kz_repo_set set = {0};
    char *names[1] = {strdup("bad")};
    kz_repo_index idx;
    static const unsigned threads[] = {0, 1, 2, KZ_REPO_LOAD_SLOW};
    kz_value e;
    if (mode < 4) {
        e = kz_repo_index_load_ex(data, strlen(data), "@CACHE@/bad-index.yaml", &idx, &warn, threads[mode]);
    } else {
        /* a YAML file named as in the goldens: @CACHE@ is a folder */
        char dir[] = "/tmp/kz-test-side-XXXXXX";
        assert_non_null(mkdtemp(dir));
        char cd[300], yp[400], *old = getcwd(NULL, 0);
        snprintf(cd, sizeof cd, "%s/@CACHE@", dir);
        mkdir(cd, 0755);
        snprintf(yp, sizeof yp, "%s/bad-index.yaml", cd);
        FILE *f = fopen(yp, "w");
        fputs(data, f);
        fclose(f);
        assert_int_equal(chdir(dir), 0);
        kz_buf w0 = KZ_BUF_INIT;
        e = kz_repo_index_load_cached("@CACHE@/bad-index.yaml", &idx, &w0, true);
        bool loaded = kz_is_null(&e);
        if (loaded) {
            kz_repo_index_free(&idx);
            e = kz_repo_index_load_cached("@CACHE@/bad-index.yaml", &idx, &warn, true);
            assert_int_equal(idx.loaded_from, 2);
            assert_string_equal(kz_buf_cstr(&w0), kz_buf_cstr(&warn));
        } else {
            kz_buf_append(&warn, w0.data ? w0.data : "", w0.len);
            kz_free(e);
            kz_repo_index_free(&idx);
            e = kz_repo_index_load(data, strlen(data), "@CACHE@/bad-index.yaml", &idx, NULL);
        }
        kz_buf_free(&w0);
        assert_int_equal(chdir(old), 0);
        free(old);
        sh("rm -rf %s%s", dir, "");
    }
    set.names = names;
    set.indexes = &idx;
    if (kz_is_null(&e)) {
        set.len = 1;
    } else {
        kz_buf_printf(&warn, "WARNING: Repo \"bad\" is corrupt or missing. Try 'helm repo update'.\n"
                             "WARNING: error loading @CACHE@/bad-index.yaml: %s\n", kz_error_message(&e));
    }
    kz_free(e);
    kz_repo_search_opts o = {.versions = true, .devel = true, .max_col_width = 50};
    e = kz_repo_search(&set, &o, &out);
    assert_true(kz_is_null(&e));
    char *want_out = golden(GOLDEN "/load/%s.out", name);
    char *want_err = golden(GOLDEN "/load/%s.err", name);
    char what[256];
    snprintf(what, sizeof what, "load %s (mode %d) stdout", name, mode);
    expect_eq(what, want_out, kz_buf_cstr(&out));
    snprintf(what, sizeof what, "load %s (mode %d) stderr", name, mode);
    expect_eq(what, want_err, kz_buf_cstr(&warn));
    free(want_out);
    free(want_err);
    kz_repo_index_free(&idx);
    free(names[0]);
    kz_buf_free(&warn);
    kz_buf_free(&out);
    free(data);
}

static void run_load_case(const char *name) {
    for (int mode = 0; mode < 5; mode++) run_load_mode(name, mode);
}

static void test_load(void **state) {
    (void)state;
    DIR *d = opendir(GOLDEN "/load");
    assert_non_null(d);
    struct dirent *ent;
    int n = 0;
    failures = 0;
    while ((ent = readdir(d))) {
        if (!ends_with(ent->d_name, ".yaml")) continue;
        char name[256];
        snprintf(name, sizeof name, "%.*s", (int)(strlen(ent->d_name) - 5), ent->d_name);
        run_load_case(name);
        n++;
    }
    closedir(d);
    fprintf(stderr, "load: %d cases, %d mismatches\n", n, failures);
    assert_int_equal(failures, 0);
}

/* ---- repo list ---- */

static void test_list(void **state) {
    (void)state;
    kz_repofile f;
    kz_value e = kz_repofile_load(GOLDEN "/home/repositories.yaml", &f, NULL);
    assert_true(kz_is_null(&e));
    const char *names[] = {"table", "json", "yaml"};
    failures = 0;
    for (int i = 0; i < 3; i++) {
        kz_buf out = KZ_BUF_INIT;
        e = kz_repo_list(&f, (kz_repo_format)i, &out);
        assert_true(kz_is_null(&e));
        char *want = golden(GOLDEN "/list/%s.out", names[i]);
        expect_eq(names[i], want, kz_buf_cstr(&out));
        free(want);
        kz_buf_free(&out);
    }
    kz_repofile_free(&f);
    kz_repofile empty;
    kz_repofile_init(&empty);
    kz_buf out = KZ_BUF_INIT;
    e = kz_repo_list(&empty, KZ_REPO_FORMAT_TABLE, &out);
    expect_eq("empty list", "no repositories to show", kz_error_message(&e) ? kz_error_message(&e) : "");
    kz_free(e);
    e = kz_repo_list(&empty, KZ_REPO_FORMAT_JSON, &out);
    e = kz_repo_list(&empty, KZ_REPO_FORMAT_YAML, &out);
    expect_eq("empty json+yaml", "[]\n[]\n", kz_buf_cstr(&out));
    kz_buf_free(&out);
    kz_repofile_free(&empty);
    assert_int_equal(failures, 0);
}

/* ---- repo index ---- */

/* created:/generated: lines masked as regen.sh does */
static char *mask_times(const char *s) {
    kz_buf b = KZ_BUF_INIT;
    for (const char *p = s; *p;) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p + 1) : strlen(p);
        const char *q = p;
        while (*q == ' ') q++;
        if (!strncmp(q, "created: ", 9)) {
            kz_buf_append(&b, p, (size_t)(q - p));
            kz_buf_puts(&b, "created: @TIME@\n");
        } else if (!strncmp(p, "generated: ", 11)) {
            kz_buf_puts(&b, "generated: @TIME@\n");
        } else {
            kz_buf_append(&b, p, n);
        }
        p += n;
    }
    return kz_buf_detach(&b, NULL);
}

static char tmpdir[256];

static void sh(const char *fmt, const char *a, const char *b) {
    char cmd[2048];
    snprintf(cmd, sizeof cmd, fmt, a, b);
    assert_int_equal(system(cmd), 0);
}

static void index_case(const char *what, const char *dir, const char *url, const char *merge,
                       const char *golden_name, const char *result) {
    kz_value now = kz_gotime_unix(1700000000, 123456789);
    kz_repo_index_dir_opts o = {.url = url, .merge = merge, .now = &now};
    kz_buf warn = KZ_BUF_INIT;
    kz_value e = kz_repo_index_dir(dir, &o, &warn);
    if (!kz_is_null(&e)) fprintf(stderr, "%s: %s\n", what, kz_error_message(&e));
    assert_true(kz_is_null(&e));
    char *got = slurp(result);
    char *masked = mask_times(got);
    char *want = golden(GOLDEN "/index/%s", golden_name);
    expect_eq(what, want, masked);
    free(got);
    free(masked);
    free(want);
    kz_free(now);
    kz_buf_free(&warn);
}

static void test_index_dir(void **state) {
    (void)state;
    snprintf(tmpdir, sizeof tmpdir, "/tmp/kz-test-repo-XXXXXX");
    assert_non_null(mkdtemp(tmpdir));
    sh("cp -r " GOLDEN "/srv %s/srv", tmpdir, "");
    char r1[512], r2[512], out1[600], out2[600], merge[600], missing[600];
    snprintf(r1, sizeof r1, "%s/srv/r1", tmpdir);
    snprintf(r2, sizeof r2, "%s/srv/r2", tmpdir);
    snprintf(out1, sizeof out1, "%s/index.yaml", r1);
    snprintf(out2, sizeof out2, "%s/index.yaml", r2);
    failures = 0;
    index_case("plain", r1, NULL, NULL, "r1-plain.yaml", out1);
    index_case("url", r1, "http://charts.example.com/r1/", NULL, "r1-url.yaml", out1);
    index_case("url query", r2, "http://charts.example.com/r2?x=1", NULL, "r2-url.yaml", out2);
    snprintf(merge, sizeof merge, "%s/r2-index.yaml", tmpdir);
    sh("cp %s %s", out2, merge);
    index_case("merge", r1, NULL, merge, "r1-merge.yaml", out1);
    snprintf(missing, sizeof missing, "%s/nonexistent.yaml", r1);
    index_case("merge missing", r1, NULL, missing, "r1-merge-missing.yaml", out1);
    char *created = slurp(missing);
    char *cm = mask_times(created);
    char *want = golden(GOLDEN "/index/%s", "merge-created.yaml");
    expect_eq("merge file created", want, cm);
    free(created);
    free(cm);
    free(want);
    index_case("merge edu", r1, "http://x/", KZ_SHARED_DIR "/fixtures/edu-chart-repo/index.yaml",
               "r1-merge-edu.yaml", out1);
    sh("rm -rf %s", tmpdir, "");
    assert_int_equal(failures, 0);
}

/* ---- repositories.yaml ---- */

static kz_value add_fn(kz_repofile *f, void *data, bool *changed) {
    kz_repo_entry *e = data;
    kz_repofile_set(f, e);
    *changed = true;
    return kz_null();
}

static void test_repofile(void **state) {
    (void)state;
    failures = 0;
    /* repo add of edu to a missing file */
    kz_repofile f;
    kz_repofile_init(&f);
    kz_repo_entry e;
    kz_repo_entry_init(&e, "edu", "http://127.0.0.1:8879");
    kz_repo_add_action act;
    kz_value err = kz_repo_add_decide(&f, &e, false, &act);
    assert_true(kz_is_null(&err) && act == KZ_REPO_ADD_WRITE);
    kz_repofile_set(&f, &e);
    kz_buf out = KZ_BUF_INIT;
    kz_repofile_write(&f, &out);
    char *want = golden(GOLDEN "/repofile/%s", "01-add.yaml");
    expect_eq("01-add.yaml", want, kz_buf_cstr(&out));
    free(want);
    kz_buf_clear(&out);
    kz_repo_msg_added(&out, "edu");
    want = golden(GOLDEN "/repofile/%s", "01-add.out");
    expect_eq("01-add.out", want, kz_buf_cstr(&out));
    free(want);
    /* same again: skipping */
    err = kz_repo_add_decide(&f, &e, false, &act);
    assert_true(kz_is_null(&err) && act == KZ_REPO_ADD_SKIP);
    kz_buf_clear(&out);
    kz_repo_msg_exists(&out, "edu");
    want = golden(GOLDEN "/repofile/%s", "02-add-same.out");
    expect_eq("02", want, kz_buf_cstr(&out));
    free(want);
    /* another URL */
    kz_repo_entry other;
    kz_repo_entry_init(&other, "edu", "http://127.0.0.1:8879/other");
    err = kz_repo_add_decide(&f, &other, false, &act);
    kz_buf_clear(&out);
    kz_buf_printf(&out, "Error: %s\n", kz_error_message(&err));
    kz_free(err);
    want = golden(GOLDEN "/repofile/%s", "03-add-other-url.err");
    expect_eq("03", want, kz_buf_cstr(&out));
    free(want);
    kz_repo_entry_free(&other);
    /* a second one with credentials */
    kz_repo_entry two;
    kz_repo_entry_init(&two, "two", "http://127.0.0.1:8879/");
    free(two.username);
    two.username = strdup("u");
    free(two.password);
    two.password = strdup("p:w");
    two.pass_credentials_all = two.insecure_skip_tls_verify = true;
    kz_repofile_set(&f, &two);
    kz_buf_clear(&out);
    kz_repofile_write(&f, &out);
    want = golden(GOLDEN "/repofile/%s", "04-add-second.yaml");
    expect_eq("04", want, kz_buf_cstr(&out));
    free(want);
    /* --force-update replaces in place */
    kz_repo_entry forced;
    kz_repo_entry_init(&forced, "edu", "http://127.0.0.1:8879/");
    err = kz_repo_add_decide(&f, &forced, true, &act);
    assert_true(kz_is_null(&err) && act == KZ_REPO_ADD_WRITE);
    kz_repofile_set(&f, &forced);
    kz_buf_clear(&out);
    kz_repofile_write(&f, &out);
    want = golden(GOLDEN "/repofile/%s", "05-add-force.yaml");
    expect_eq("05", want, kz_buf_cstr(&out));
    free(want);
    kz_repo_entry_free(&forced);
    kz_repo_entry_free(&two);
    /* name checks */
    const char *checks[][3] = {
        {"a/b", "http://127.0.0.1:8879", "06-add-slash.err"},
        {"stable", "https://kubernetes-charts.storage.googleapis.com", "07-add-stable.err"},
        {"inc", "http://kubernetes-charts-incubator.storage.googleapis.com/x", "08-add-incubator.err"},
    };
    for (int i = 0; i < 3; i++) {
        err = kz_repo_add_check(checks[i][0], checks[i][1]);
        kz_buf_clear(&out);
        kz_buf_printf(&out, "Error: %s\n", kz_error_message(&err) ? kz_error_message(&err) : "");
        kz_free(err);
        want = golden(GOLDEN "/repofile/%s", checks[i][2]);
        expect_eq(checks[i][2], want, kz_buf_cstr(&out));
        free(want);
    }
    kz_repo_entry_free(&e);
    kz_repofile_free(&f);

    /* remove through the files */
    char dir[] = "/tmp/kz-test-repofile-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[256], cache[256];
    snprintf(path, sizeof path, "%s/repositories.yaml", dir);
    snprintf(cache, sizeof cache, "%s/cache", dir);
    sh("mkdir -p %s && touch %s/two-index.yaml", cache, cache);
    sh("cp " GOLDEN "/repofile/05-add-force.yaml %s%s", path, "");
    const char *rm1[] = {"nope"};
    kz_buf_clear(&out);
    err = kz_repo_remove(path, cache, rm1, 1, &out);
    kz_buf_printf(&out, "Error: %s\n", kz_error_message(&err));
    kz_free(err);
    want = golden(GOLDEN "/repofile/%s", "09-remove-missing.err");
    expect_eq("09", want, kz_buf_cstr(&out));
    free(want);
    const char *rm2[] = {"two", "nope"};
    kz_buf_clear(&out);
    err = kz_repo_remove(path, cache, rm2, 2, &out);
    want = golden(GOLDEN "/repofile/%s", "10-remove-two.out");
    expect_eq("10 out", want, kz_buf_cstr(&out));
    free(want);
    kz_buf_clear(&out);
    kz_buf_printf(&out, "Error: %s\n", kz_error_message(&err));
    kz_free(err);
    want = golden(GOLDEN "/repofile/%s", "10-remove-two.err");
    expect_eq("10 err", want, kz_buf_cstr(&out));
    free(want);
    char *got = slurp(path);
    want = golden(GOLDEN "/repofile/%s", "10-remove-two.yaml");
    expect_eq("10 yaml", want, got);
    free(want);
    free(got);
    char tip[300];
    snprintf(tip, sizeof tip, "%s/two-index.yaml", cache);
    assert_int_not_equal(access(tip, F_OK), 0);
    const char *rm3[] = {"edu"};
    kz_buf_clear(&out);
    err = kz_repo_remove(path, cache, rm3, 1, &out);
    assert_true(kz_is_null(&err));
    got = slurp(path);
    want = golden(GOLDEN "/repofile/%s", "12-remove-last.yaml");
    expect_eq("12 yaml", want, got);
    free(want);
    free(got);
    unlink(path);
    err = kz_repo_remove(path, cache, rm3, 1, &out);
    expect_eq("14", "no repositories configured", kz_error_message(&err));
    kz_free(err);
    /* a file with extra keys, a time with zeros, keys in other case */
    sh("cp " GOLDEN "/repofile/15-input.yaml %s%s", path, "");
    const char *rm4[] = {"one"};
    kz_buf_clear(&out);
    err = kz_repo_remove(path, cache, rm4, 1, &out);
    assert_true(kz_is_null(&err));
    got = slurp(path);
    want = golden(GOLDEN "/repofile/%s", "15-remove-one.yaml");
    expect_eq("15 yaml", want, got);
    free(want);
    free(got);
    /* broken files as repo add reads them */
    const char *broken[][2] = {
        {"apiVersion: v1\nrepositories:\n- name: [x\n", "16-add-broken.err"},
        {"repositories: 3\n", "17-add-type.err"},
        {"generated: 3\n", "18-add-generated.err"},
        {"generated: \"x\"\n", "19-add-generated-text.err"},
    };
    for (int i = 0; i < 4; i++) {
        kz_repofile bf;
        err = kz_repofile_parse(broken[i][0], strlen(broken[i][0]), &bf);
        kz_buf_clear(&out);
        kz_buf_printf(&out, "Error: %s\n", kz_error_message(&err) ? kz_error_message(&err) : "");
        kz_free(err);
        kz_repofile_free(&bf);
        want = golden(GOLDEN "/repofile/%s", broken[i][1]);
        expect_eq(broken[i][1], want, kz_buf_cstr(&out));
        free(want);
    }
    sh("rm -rf %s", dir, "");
    kz_buf_free(&out);
    assert_int_equal(failures, 0);
}

/* Two processes adding 50 repositories each at the same time: all 100 end
 * up in the file (the lock serialises the read-modify-write cycles). */
static void test_concurrent_update(void **state) {
    (void)state;
    char dir[] = "/tmp/kz-test-lock-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[256];
    snprintf(path, sizeof path, "%s/sub/repositories.yaml", dir);
    pid_t kids[2];
    for (int k = 0; k < 2; k++) {
        kids[k] = fork();
        assert_true(kids[k] >= 0);
        if (kids[k] == 0) {
            for (int i = 0; i < 50; i++) {
                char name[32], url[64];
                snprintf(name, sizeof name, "p%d-r%02d", k, i);
                snprintf(url, sizeof url, "http://127.0.0.1/%s", name);
                kz_repo_entry e;
                kz_repo_entry_init(&e, name, url);
                kz_value err = kz_repofile_update(path, add_fn, &e);
                kz_repo_entry_free(&e);
                if (!kz_is_null(&err)) _exit(1);
            }
            _exit(0);
        }
    }
    for (int k = 0; k < 2; k++) {
        int st = 0;
        waitpid(kids[k], &st, 0);
        assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    }
    kz_repofile f;
    kz_value err = kz_repofile_load(path, &f, NULL);
    assert_true(kz_is_null(&err));
    assert_int_equal(f.len, 100);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    char *lock = kz_repofile_lock_path(path);
    assert_true(ends_with(lock, "/sub/repositories.lock"));
    assert_int_equal(access(lock, F_OK), 0);
    free(lock);
    kz_repofile_free(&f);
    sh("rm -rf %s", dir, "");
}

/* ---- the sidecar cache ---- */

static void sidecar_cases(const char *home, int sidecar) {
    DIR *d = opendir(GOLDEN "/search");
    assert_non_null(d);
    struct dirent *ent;
    while ((ent = readdir(d))) {
        if (!ends_with(ent->d_name, ".args")) continue;
        char name[256];
        snprintf(name, sizeof name, "%.*s", (int)(strlen(ent->d_name) - 5), ent->d_name);
        run_search_in(home, name, sidecar);
    }
    closedir(d);
}

/* Every search golden through sidecars: written by the first pass, read by
 * the second; then a stale sidecar is ignored. */
static void test_search_sidecar(void **state) {
    (void)state;
    char dir[] = "/tmp/kz-test-sidecar-XXXXXX";
    assert_non_null(mkdtemp(dir));
    sh("cp -r " GOLDEN "/home %s/home", dir, "");
    char home[300];
    snprintf(home, sizeof home, "%s/home", dir);
    failures = 0;
    sidecar_cases(home, 1);
    char side[400];
    snprintf(side, sizeof side, "%s/cache/r2-index.kzc", home);
    assert_int_equal(access(side, F_OK), 0);
    sidecar_cases(home, 2);
    /* the same size and content but another mtime: stale */
    char yp[400];
    snprintf(yp, sizeof yp, "%s/cache/r2-index.yaml", home);
    kz_repo_index idx;
    kz_value e;
    sh("touch -d '2001-01-01' %s%s", yp, "");
    assert_int_equal(kz_repo_index_cache_read(yp, &idx, NULL), 0);
    kz_repo_index_free(&idx);
    /* changed content: the YAML wins */
    sh("sed -i 's/Another alpha in repo two/Changed alpha in repo two/' %s%s", yp, "");
    e = kz_repo_index_load_cached(yp, &idx, NULL, true);
    assert_true(kz_is_null(&e));
    assert_int_not_equal(idx.loaded_from, 2);
    assert_string_equal(kz_repo_index_chart(&idx, "alpha")->v[0].description, "Changed alpha in repo two");
    kz_repo_index_free(&idx);
    e = kz_repo_index_load_cached(yp, &idx, NULL, true);
    assert_int_equal(idx.loaded_from, 2);
    assert_string_equal(kz_repo_index_chart(&idx, "alpha")->v[0].description, "Changed alpha in repo two");
    kz_repo_index_free(&idx);
    /* a broken sidecar is ignored */
    sh("truncate -s 100 %s%s", side, "");
    e = kz_repo_index_load_cached(yp, &idx, NULL, false);
    assert_true(kz_is_null(&e));
    assert_int_not_equal(idx.loaded_from, 2);
    kz_repo_index_free(&idx);
    sh("rm -rf %s%s", dir, "");
    assert_int_equal(failures, 0);
}

/* A varied index (null and invalid entries, maintainers, dependencies,
 * annotations, unicode, deprecated fields, flow style) loads the same on
 * the fast path, on two threads, on the slow path and through a sidecar:
 * same warnings, same YAML and JSON written back. */
static void make_varied(kz_buf *b, int charts, bool bad) {
    kz_buf_puts(b, "apiVersion: v1\nentries:\n");
    for (int c = 0; c < charts; c++) {
        kz_buf_printf(b, "  c%03d:\n", c);
        for (int v = 0; v < 6; v++) {
            if (c % 17 == 3 && v == 2) {
                kz_buf_puts(b, "  -\n");
                continue;
            }
            kz_buf_printf(b, "  - name: %s\n    version: %d.%d.%d%s\n", c % 23 == 5 && v == 1 ? "x/y" : "c", v,
                          c % 5, c, v == 4 ? "-rc.1+meta" : "");
            kz_buf_printf(b, "    description: \"Chart %d, version %d: caf\u00e9\\t\u6f22\"\n", c, v);
            if (c % 3 == 0) kz_buf_printf(b, "    appVersion: \"%d.0\"\n    home: https://h/%d\n", v, c);
            if (c % 4 == 1) kz_buf_puts(b, "    keywords: [a, b, 'c d']\n    maintainers:\n    - name: M\n      email: m@x\n    - {url: http://u}\n");
            if (c % 6 == 2) kz_buf_puts(b, "    dependencies:\n    - name: d1\n      version: ^1\n      repository: http://r\n      tags: [t]\n      enabled: true\n    - name: d2\n      alias: dd\n      condition: x.y\n");
            if (c % 7 == 4) kz_buf_puts(b, "    annotations:\n      zz: '1'\n      aa: two\n    deprecated: true\n    type: library\n");
            if (c % 9 == 1 && c % 7 != 4 && v == 3) kz_buf_puts(b, "    type: other\n");
            if (c % 11 == 2) kz_buf_puts(b, "    checksum: abc\n    engine: gotpl\n    removed: true\n    icon: http://i\n    kubeVersion: '>=1.20'\n    sources:\n    - http://s\n");
            if (c % 13 == 6) kz_buf_puts(b, "    digest: 12345\n    urls: [1, true]\n");
            else kz_buf_printf(b, "    digest: d%d\n    urls:\n    - c-%d.tgz\n", v, v);
            kz_buf_printf(b, "    created: \"2024-01-0%dT03:04:05.%dZ\"\n", v + 1, c);
            if (bad && c == charts - 2 && v == 5) kz_buf_puts(b, "    version: 9.9.9\n");
        }
    }
    kz_buf_puts(b, "generated: \"2024-01-02T03:04:05Z\"\n");
}

static void written(const kz_repo_index *idx, kz_buf *out) {
    kz_value gen = kz_gotime_unix(1700000000, 0);
    kz_value e = kz_repo_index_write(idx, &gen, false, out);
    assert_true(kz_is_null(&e));
    e = kz_repo_index_write(idx, &gen, true, out);
    assert_true(kz_is_null(&e));
    kz_free(gen);
}

static void test_fast_paths(void **state) {
    (void)state;
    for (int bad = 0; bad < 2; bad++) {
        kz_buf in = KZ_BUF_INIT;
        make_varied(&in, 120, bad);
        kz_buf ref = KZ_BUF_INIT, refw = KZ_BUF_INIT;
        kz_repo_index idx;
        kz_value e0 = kz_repo_index_load_ex(in.data, in.len, "SRC", &idx, &refw, KZ_REPO_LOAD_SLOW);
        if (kz_is_null(&e0)) written(&idx, &ref);
        else kz_buf_puts(&ref, kz_error_message(&e0));
        kz_repo_index_free(&idx);
        for (unsigned t = 1; t <= 2; t++) {
            kz_buf got = KZ_BUF_INIT, gotw = KZ_BUF_INIT;
            kz_value e = kz_repo_index_load_ex(in.data, in.len, "SRC", &idx, &gotw, t);
            if (kz_is_null(&e)) written(&idx, &got);
            else kz_buf_puts(&got, kz_error_message(&e));
            if (!bad) assert_int_equal(idx.loaded_from, t == 2 ? 1 : 0);
            assert_string_equal(kz_buf_cstr(&ref), kz_buf_cstr(&got));
            assert_string_equal(kz_buf_cstr(&refw), kz_buf_cstr(&gotw));
            kz_repo_index_free(&idx);
            kz_free(e);
            kz_buf_free(&got);
            kz_buf_free(&gotw);
        }
        if (!bad) { /* through a sidecar */
            char dir[] = "/tmp/kz-test-fast-XXXXXX";
            assert_non_null(mkdtemp(dir));
            char yp[300];
            snprintf(yp, sizeof yp, "%s/x-index.yaml", dir);
            FILE *f = fopen(yp, "w");
            fwrite(in.data, 1, in.len, f);
            fclose(f);
            kz_buf w1 = KZ_BUF_INIT, w2 = KZ_BUF_INIT, got = KZ_BUF_INIT;
            kz_value e = kz_repo_index_load_cached(yp, &idx, &w1, true);
            assert_true(kz_is_null(&e));
            kz_repo_index_free(&idx);
            e = kz_repo_index_load_cached(yp, &idx, &w2, true);
            assert_int_equal(idx.loaded_from, 2);
            written(&idx, &got);
            assert_string_equal(kz_buf_cstr(&ref), kz_buf_cstr(&got));
            assert_string_equal(kz_buf_cstr(&w1), kz_buf_cstr(&w2));
            kz_repo_index_free(&idx);
            kz_buf_free(&w1);
            kz_buf_free(&w2);
            kz_buf_free(&got);
            sh("rm -rf %s%s", dir, "");
        }
        kz_free(e0);
        kz_buf_free(&ref);
        kz_buf_free(&refw);
        kz_buf_free(&in);
    }
}

/* The reference for an input: the slow path's index written back (or its
 * error) and its warnings. */
static void slow_reference(const kz_buf *in, kz_buf *ref, kz_buf *refw) {
    kz_repo_index idx;
    kz_value e = kz_repo_index_load_ex(in->data, in->len, "SRC", &idx, refw, KZ_REPO_LOAD_SLOW);
    if (kz_is_null(&e)) written(&idx, ref);
    else kz_buf_puts(ref, kz_error_message(&e));
    kz_repo_index_free(&idx);
    kz_free(e);
}

/* idx (loaded from in) written to a sidecar and read back: the same index
 * (its strings come from the pools of several threads). */
static void sidecar_round_trip(kz_repo_index *idx, const kz_buf *in, const kz_buf *ref) {
    char dir[] = "/tmp/kz-test-pieces-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char yp[300];
    snprintf(yp, sizeof yp, "%s/x-index.yaml", dir);
    FILE *f = fopen(yp, "w");
    assert_non_null(f);
    fwrite(in->data, 1, in->len, f);
    fclose(f);
    kz_value e = kz_repo_index_cache_write(idx, yp);
    assert_true(kz_is_null(&e));
    kz_repo_index back;
    kz_buf w = KZ_BUF_INIT, got = KZ_BUF_INIT;
    assert_int_equal(kz_repo_index_cache_read(yp, &back, &w), 1);
    written(&back, &got);
    assert_string_equal(kz_buf_cstr(ref), kz_buf_cstr(&got));
    kz_repo_index_free(&back);
    kz_buf_free(&w);
    kz_buf_free(&got);
    sh("rm -rf %s%s", dir, "");
}

/* A parallel load cut into any number of pieces, on 2 or 3 threads, gives
 * what the slow path gives (or gives up, on input the fast path leaves to
 * it): the pieces are joined in order whatever thread parsed them. */
static void test_fast_pieces(void **state) {
    (void)state;
    for (int input = 0; input < 3; input++) {
        kz_buf in = KZ_BUF_INIT;
        make_varied(&in, 30, input == 1);
        if (input == 2) /* a quoted scalar over lines that look like chart keys */
            kz_buf_puts(&in, "  zz:\n  - name: zz\n    version: 1.0.0\n    description: \"one\n  two: x\n  three: y\"\n");
        kz_buf ref = KZ_BUF_INIT, refw = KZ_BUF_INIT;
        slow_reference(&in, &ref, &refw);
        for (unsigned threads = 2; threads <= 3; threads++) {
            for (unsigned pieces = 2; pieces <= 40; pieces += 1 + pieces / 8) {
                kz_repo_index idx;
                kz_repo_index_init(&idx);
                kz_buf got = KZ_BUF_INIT, gotw = KZ_BUF_INIT;
                int ok = kz_repo_index_parse_fast_ex(in.data, in.len, "SRC", &idx, &gotw, threads, pieces);
                if (input == 0) {
                    assert_int_equal(ok, 1);
                    assert_int_equal(idx.loaded_from, 1);
                }
                if (ok) {
                    kz_repo_index_sort(&idx);
                    written(&idx, &got);
                    assert_string_equal(kz_buf_cstr(&ref), kz_buf_cstr(&got));
                    assert_string_equal(kz_buf_cstr(&refw), kz_buf_cstr(&gotw));
                    if (input == 0 && pieces == 7) sidecar_round_trip(&idx, &in, &ref);
                } else {
                    assert_int_equal(gotw.len, 0);
                    assert_int_equal(idx.len, 0);
                }
                kz_repo_index_free(&idx);
                kz_buf_free(&got);
                kz_buf_free(&gotw);
            }
        }
        kz_buf_free(&ref);
        kz_buf_free(&refw);
        kz_buf_free(&in);
    }
}

static void same_str(const char *a, const char *b) {
    if (!a || !b) assert_ptr_equal(a, b);
    else assert_string_equal(a, b);
}

/* a and b hold the same charts and versions, field by field. */
static void same_index(const kz_repo_index *a, const kz_repo_index *b) {
    assert_int_equal(a->len, b->len);
    for (size_t i = 0; i < a->len; i++) {
        const kz_repo_chart *x = &a->charts[i], *y = &b->charts[i];
        assert_string_equal(x->name, y->name);
        assert_int_equal(x->len, y->len);
        for (size_t j = 0; j < x->len; j++) {
            const kz_repo_chart_version *u = &x->v[j], *v = &y->v[j];
            const char *su[] = {u->name, u->version, u->app_version, u->description, u->api_version, u->created,
                                u->digest, u->semver.prerelease, u->semver.metadata};
            const char *sv[] = {v->name, v->version, v->app_version, v->description, v->api_version, v->created,
                                v->digest, v->semver.prerelease, v->semver.metadata};
            for (size_t k = 0; k < sizeof su / sizeof su[0]; k++) same_str(su[k], sv[k]);
            assert_int_equal(u->nurls, v->nurls);
            for (size_t k = 0; k < u->nurls; k++) assert_string_equal(u->urls[k], v->urls[k]);
            size_t el = kz_repo_extra_len(u->extra);
            assert_int_equal(el, kz_repo_extra_len(v->extra));
            assert_memory_equal(u->extra, v->extra, el);
            assert_true(u->removed == v->removed && u->semver.major == v->semver.major &&
                        u->semver.minor == v->semver.minor && u->semver.patch == v->semver.patch);
        }
    }
}

/* A sidecar big enough for its string chunks to be written by a thread of
 * their own while the records are built reads back the same. */
static void test_sidecar_big(void **state) {
    (void)state;
    kz_buf in = KZ_BUF_INIT;
    make_varied(&in, 3000, false);
    kz_repo_index idx, back;
    kz_buf w = KZ_BUF_INIT, w2 = KZ_BUF_INIT;
    kz_value e = kz_repo_index_load_ex(in.data, in.len, "SRC", &idx, &w, 2);
    assert_true(kz_is_null(&e));
    size_t nchunks, bytes = 0;
    const kz_repo_pool_chunk *chunks = kz_repo_pool_chunks(idx.pool, &nchunks);
    for (size_t i = 0; i < nchunks; i++) bytes += chunks[i].len;
    assert_true(bytes > (1u << 20)); /* index_cache.c: a thread from 1 MB on */
    char dir[] = "/tmp/kz-test-big-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char yp[300];
    snprintf(yp, sizeof yp, "%s/x-index.yaml", dir);
    FILE *f = fopen(yp, "w");
    assert_non_null(f);
    fwrite(in.data, 1, in.len, f);
    fclose(f);
    e = kz_repo_index_cache_write(&idx, yp);
    assert_true(kz_is_null(&e));
    assert_int_equal(kz_repo_index_cache_read(yp, &back, &w2), 1);
    same_index(&idx, &back);
    assert_string_equal(kz_buf_cstr(&w), kz_buf_cstr(&w2));
    kz_repo_index_free(&back);
    kz_repo_index_free(&idx);
    kz_buf_free(&w);
    kz_buf_free(&w2);
    kz_buf_free(&in);
    sh("rm -rf %s%s", dir, "");
}

/* `created` is checked without building a time when it has the usual form:
 * every time, valid or not, loads as on the slow path. */
static void test_fast_created(void **state) {
    (void)state;
    static const char *const times[] = {
        "2024-01-02T03:04:05Z", "2024-02-29T00:00:00Z", "2023-02-29T00:00:00Z", "1900-02-29T00:00:00Z",
        "2000-02-29T00:00:00Z", "2024-04-31T00:00:00Z", "2024-04-30T23:59:59Z", "2024-01-02T24:00:00Z",
        "2024-01-02T03:60:00Z", "2024-01-02T03:04:60Z", "2024-01-02T03:04:05.123456789Z",
        "2024-01-02T03:04:05.1234567891Z", "2024-01-02T03:04:05.Z", "2024-01-02T03:04:05,5Z",
        "2024-01-02T03:04:05+02:00", "2024-01-02T03:04:05-23:59", "2024-01-02T03:04:05+24:00",
        "2024-01-02T03:04:05+02:60", "2024-01-02T03:04:05+0200", "2024-01-02T3:04:05Z", "2024-01-02t03:04:05Z",
        "2024-01-02T03:04:05z", "2024-01-02 03:04:05Z", "0000-01-01T00:00:00Z", "2024-13-01T00:00:00Z",
        "2024-00-01T00:00:00Z", "2024-01-00T00:00:00Z", "2024-1-02T03:04:05Z", "2024-01-02T03:04:05.5+01:00",
        "2024-01-02T03:04:05Z ", "2024-01-02T03:04:05ZZ", "x024-01-02T03:04:05Z", "",
    };
    for (size_t i = 0; i < sizeof times / sizeof times[0]; i++) {
        kz_buf in = KZ_BUF_INIT;
        kz_buf_printf(&in, "apiVersion: v1\nentries:\n  a:\n  - name: a\n    version: 1.0.0\n    created: \"%s\"\n",
                      times[i]);
        kz_buf ref = KZ_BUF_INIT, refw = KZ_BUF_INIT, got = KZ_BUF_INIT, gotw = KZ_BUF_INIT;
        slow_reference(&in, &ref, &refw);
        kz_repo_index idx;
        kz_value e = kz_repo_index_load_ex(in.data, in.len, "SRC", &idx, &gotw, 1);
        if (kz_is_null(&e)) written(&idx, &got);
        else kz_buf_puts(&got, kz_error_message(&e));
        assert_string_equal(kz_buf_cstr(&ref), kz_buf_cstr(&got));
        assert_string_equal(kz_buf_cstr(&refw), kz_buf_cstr(&gotw));
        kz_repo_index_free(&idx);
        kz_free(e);
        kz_buf_free(&in);
        kz_buf_free(&ref);
        kz_buf_free(&refw);
        kz_buf_free(&got);
        kz_buf_free(&gotw);
    }
}

/* `repo index --json`: Go's struct order, two-space indent, no final newline. */
static char *mask_json_times(const char *s) {
    kz_buf b = KZ_BUF_INIT;
    for (const char *p = s; *p;) {
        const char *c = strstr(p, "\"created\": \""), *g = strstr(p, "\"generated\": \"");
        const char *h = c && (!g || c < g) ? c : g;
        if (!h) {
            kz_buf_puts(&b, p);
            break;
        }
        const char *v = strchr(h, ':') + 3;
        kz_buf_append(&b, p, (size_t)(v - p));
        kz_buf_puts(&b, "@TIME@");
        p = strchr(v, '"');
    }
    return kz_buf_detach(&b, NULL);
}

static void json_case(const char *dir, const char *url, const char *merge, const char *golden_name) {
    kz_value now = kz_gotime_unix(1700000000, 123456789);
    kz_repo_index_dir_opts o = {.url = url, .merge = merge, .json = true, .now = &now};
    kz_value e = kz_repo_index_dir(dir, &o, NULL);
    assert_true(kz_is_null(&e));
    char p[600];
    snprintf(p, sizeof p, "%s/index.yaml", dir);
    char *got = slurp(p), *want = golden(GOLDEN "/index/%s", golden_name);
    char *mg = mask_json_times(got), *mw = mask_json_times(want);
    expect_eq(golden_name, mw, mg);
    free(got);
    free(want);
    free(mg);
    free(mw);
    kz_free(now);
}

static void test_index_json(void **state) {
    (void)state;
    char dir[] = "/tmp/kz-test-json-XXXXXX";
    assert_non_null(mkdtemp(dir));
    sh("cp -r " GOLDEN "/srv %s/srv", dir, "");
    char r1[300];
    snprintf(r1, sizeof r1, "%s/srv/r1", dir);
    failures = 0;
    json_case(r1, NULL, NULL, "r1-json.json");
    json_case(r1, "http://x/", KZ_SHARED_DIR "/fixtures/edu-chart-repo/index.yaml", "r1-merge-edu.json");
    sh("rm -rf %s%s", dir, "");
    assert_int_equal(failures, 0);
}

/* ---- lookups ---- */

static void test_get(void **state) {
    (void)state;
    kz_repo_index idx;
    kz_buf warn = KZ_BUF_INIT;
    kz_value e = kz_repo_index_load_file(KZ_SHARED_DIR "/fixtures/edu-chart-repo/index.yaml", &idx, &warn);
    assert_true(kz_is_null(&e));
    assert_int_equal(warn.len, 0);
    const kz_repo_chart_version *v;
    /* the duplicated metallb 0.1.1: the first (helm pulls metallb-0.1.1.tgz) */
    e = kz_repo_index_get(&idx, "metallb", "0.1.1", &v);
    assert_true(kz_is_null(&e));
    assert_string_equal(v->urls[0], "metallb-0.1.1.tgz");
    e = kz_repo_index_get(&idx, "metallb", "", &v);
    assert_string_equal(v->version, "0.1.1");
    e = kz_repo_index_get(&idx, "metallb", "~0.1.0", &v);
    assert_string_equal(v->version, "0.1.1");
    e = kz_repo_index_get(&idx, "metallb", "<0.1.1", &v);
    assert_string_equal(v->version, "0.1.0");
    e = kz_repo_index_get(&idx, "metallb", "9.9.9", &v);
    assert_string_equal(kz_error_message(&e), "no chart version found for metallb-9.9.9");
    kz_free(e);
    e = kz_repo_index_get(&idx, "nope", "", &v);
    assert_string_equal(kz_error_message(&e), "no chart name found");
    kz_free(e);
    kz_buf txt = KZ_BUF_INIT;
    kz_repo_index_charts_txt(&idx, &txt);
    assert_string_equal(kz_buf_cstr(&txt), "dashboard\ngrafana\njenkins\nmetallb\nprometheus\n");
    kz_buf_free(&txt);
    kz_repo_index_free(&idx);
    kz_buf_free(&warn);
}

static void test_resolve_url(void **state) {
    (void)state;
    const char *cases[][3] = {
        {"http://h/charts", "a-1.0.0.tgz", "http://h/charts/a-1.0.0.tgz"},
        {"http://h/charts/", "a-1.0.0.tgz", "http://h/charts/a-1.0.0.tgz"},
        {"http://h/charts//", "a-1.0.0.tgz", "http://h/charts/a-1.0.0.tgz"},
        {"http://h", "a.tgz", "http://h/a.tgz"},
        {"http://h/charts?token=x", "sub/a.tgz", "http://h/charts/sub/a.tgz?token=x"},
        {"http://h/charts", "/abs/a.tgz", "http://h/abs/a.tgz"},
        {"http://h/charts", "../a.tgz", "http://h/a.tgz"},
        {"http://h/charts", "https://other/a.tgz", "https://other/a.tgz"},
        {"http://h/charts", "//cdn/a.tgz", "http://cdn/a.tgz"},
        {"http://h/charts?x=1", "a.tgz?y=2", "http://h/charts/a.tgz?x=1"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *u = kz_repo_resolve_url(cases[i][0], cases[i][1]);
        assert_string_equal(u, cases[i][2]);
        free(u);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_search),       cmocka_unit_test(test_load),
        cmocka_unit_test(test_list),         cmocka_unit_test(test_index_dir),
        cmocka_unit_test(test_repofile),     cmocka_unit_test(test_concurrent_update),
        cmocka_unit_test(test_get),          cmocka_unit_test(test_resolve_url),
        cmocka_unit_test(test_search_sidecar), cmocka_unit_test(test_fast_paths),
        cmocka_unit_test(test_fast_pieces), cmocka_unit_test(test_fast_created),
        cmocka_unit_test(test_sidecar_big),
        cmocka_unit_test(test_index_json),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
