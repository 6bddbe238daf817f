/*
 * lib/oci against Debian's docker-registry on 127.0.0.1 (tests/servers/
 * registry.sh: one open, one with htpasswd auth), started in the group setup
 * and stopped in the teardown (and by the script's --watch if this process
 * dies), and against goldens recorded from helm v3.17.3 by
 * tests/golden/oci/regen.sh: the manifests and configs helm pushed for the
 * same archives, what helm printed, its tag resolution and its errors.
 *
 * With KZ_OCI_PUSH_TO=oci://HOST/PATH in the environment the binary only
 * pushes the golden archives there and exits: regen.sh uses it to record
 * that helm pulls what kz pushed (helm-pulls-kz.txt, checked here too).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "chart/package.h"
#include "core/alloc.h"
#include "core/buf.h"
#include "core/file.h"
#include "http/http.h"
#include "oci/oci.h"

#define GOLDEN KZ_TEST_DATA "/golden/oci/"
#define REGISTRY_SH KZ_TEST_DATA "/servers/registry.sh"
#define TOKEN_SH GOLDEN "token-server.sh"
#define NGINX_SH KZ_TEST_DATA "/servers/nginx.sh"

typedef struct reg {
    char *url;  /* http://127.0.0.1:P */
    char *host; /* 127.0.0.1:P */
    char *port;
    char state[128];
} reg;

static struct {
    char dir[64]; /* mkdtemp */
    reg open, auth;
    reg token; /* nginx with the token flow in front of `open` */
    reg tls;   /* nginx.sh --tls proxying to `open` */
    reg mtls;  /* nginx.sh --client-cert proxying to `open` */
} S;

/* ---- helpers ---- */

static char *slurp(const char *path, size_t *len) {
    kz_buf b = KZ_BUF_INIT;
    kz_value err = kz_null();
    if (kz_file_read(path, &b, &err) != 0) {
        fail_msg("%s", kz_error_message(&err));
    }
    if (len) *len = b.len;
    kz_buf_putc(&b, '\0');
    return kz_buf_detach(&b, NULL);
}

static char *golden(const char *name, size_t *len) {
    kz_buf p = KZ_BUF_INIT;
    kz_buf_printf(&p, GOLDEN "%s", name);
    char *s = slurp(p.data, len);
    kz_buf_free(&p);
    return s;
}

/* A line of a golden table: the text after "KEY\t" up to the newline. */
static char *golden_case(const char *file, const char *key) {
    char *all = golden(file, NULL);
    char *found = NULL;
    size_t kl = strlen(key);
    for (char *line = all; line && *line;) {
        char *nl = strchr(line, '\n');
        if (strncmp(line, key, kl) == 0 && line[kl] == '\t') {
            found = kz_xstrndup(line + kl + 1, nl ? (size_t)(nl - line - kl - 1) : strlen(line + kl + 1));
            break;
        }
        line = nl ? nl + 1 : NULL;
    }
    free(all);
    if (!found) fail_msg("no case %s in %s", key, file);
    return found;
}

/* s with HOST:PORT of r written as 127.0.0.1:PORT, as the goldens have it. */
static char *mask(const char *s, const reg *r) {
    kz_buf b = KZ_BUF_INIT;
    size_t hl = strlen(r->host);
    while (*s) {
        if (strncmp(s, r->host, hl) == 0) {
            kz_buf_puts(&b, "127.0.0.1:PORT");
            s += hl;
        } else {
            kz_buf_putc(&b, *s++);
        }
    }
    return kz_buf_detach(&b, NULL);
}

/* An error value's message against a golden errors.txt case ("Error: ..."). */
static void expect_error(kz_value err, const char *key, const reg *r) {
    const char *msg = kz_error_message(&err);
    if (!msg) fail_msg("%s: no error", key);
    char *want = golden_case("errors.txt", key);
    char *got0 = mask(msg, r);
    kz_buf got = KZ_BUF_INIT;
    kz_buf_puts(&got, "Error: ");
    /* the table holds each message on one line, newlines as \n */
    for (const char *c = got0; *c; c++) {
        if (*c == '\n') kz_buf_puts(&got, "\\n");
        else kz_buf_putc(&got, *c);
    }
    assert_string_equal(got.data, want);
    kz_buf_free(&got);
    free(got0);
    free(want);
    kz_free(err);
}

static void ok(kz_value v) {
    if (!kz_is_null(&v)) fail_msg("unexpected error: %s", kz_error_message(&v) ? kz_error_message(&v) : "?");
}

static char *oci_url(const reg *r, const char *path) {
    kz_buf b = KZ_BUF_INIT;
    kz_buf_printf(&b, "oci://%s%s", r->host, path);
    return kz_buf_detach(&b, NULL);
}

static int start_server(reg *r, const char *script, const char *name, const char *extra) {
    snprintf(r->state, sizeof r->state, "%s/%s", S.dir, name);
    kz_buf cmd = KZ_BUF_INIT;
    if (strcmp(script, TOKEN_SH) == 0)
        kz_buf_printf(&cmd, "'%s' start '%s' %s --watch %ld", script, r->state, extra, (long)getpid());
    else
        kz_buf_printf(&cmd, "'%s' start '%s' --watch %ld %s", script, r->state, (long)getpid(), extra);
    FILE *p = popen(cmd.data, "r");
    kz_buf_free(&cmd);
    if (!p) return -1;
    char line[256] = "";
    if (!fgets(line, sizeof line, p)) line[0] = '\0';
    if (pclose(p) != 0 || strncmp(line, "http", 4) != 0) return -1;
    line[strcspn(line, "\n")] = '\0';
    r->url = kz_xstrdup(line);
    r->host = kz_xstrdup(strstr(line, "://") + 3);
    r->port = kz_xstrdup(strchr(r->host, ':') + 1);
    return 0;
}

static void stop_server(reg *r, const char *script) {
    if (!r->state[0]) return;
    kz_buf cmd = KZ_BUF_INIT;
    kz_buf_printf(&cmd, "'%s' stop '%s' >/dev/null 2>&1", script, r->state);
    if (system(cmd.data) != 0) fprintf(stderr, "could not stop %s\n", r->state);
    kz_buf_free(&cmd);
    free(r->url);
    free(r->host);
    free(r->port);
    memset(r, 0, sizeof *r);
}

static int teardown(void **state) {
    stop_server(&S.token, TOKEN_SH);
    stop_server(&S.tls, NGINX_SH);
    stop_server(&S.mtls, NGINX_SH);
    stop_server(&S.open, REGISTRY_SH);
    stop_server(&S.auth, REGISTRY_SH);
    if (S.dir[0]) {
        kz_buf cmd = KZ_BUF_INIT;
        kz_buf_printf(&cmd, "rm -rf '%s'", S.dir);
        if (system(cmd.data) != 0) fprintf(stderr, "could not remove %s\n", S.dir);
        kz_buf_free(&cmd);
    }
    (void)state;
    return 0;
}

static int setup(void **state) {
    strcpy(S.dir, "/tmp/kz-oci-XXXXXX");
    if (!mkdtemp(S.dir)) return -1;
    if (start_server(&S.open, REGISTRY_SH, "open", "") == 0 &&
        start_server(&S.auth, REGISTRY_SH, "auth", "--auth alice:secret") == 0 &&
        start_server(&S.token, TOKEN_SH, "token", S.open.url) == 0) {
        kz_buf extra = KZ_BUF_INIT;
        kz_buf_printf(&extra, "--tls --proxy-to %s", S.open.url);
        int rc = start_server(&S.tls, NGINX_SH, "tls", extra.data);
        kz_buf_clear(&extra);
        kz_buf_printf(&extra, "--client-cert --proxy-to %s", S.open.url);
        if (rc == 0) rc = start_server(&S.mtls, NGINX_SH, "mtls", extra.data);
        kz_buf_free(&extra);
        if (rc == 0) return 0;
    }
    teardown(state);
    return -1;
}

/* The options of a plain-HTTP registry session. */
static kz_oci_opts plain(void) { return (kz_oci_opts){.plain_http = true}; }

/* Raw uploads, as another tool would have pushed them. */
static char *raw_blob(const reg *r, const char *repo, const char *data, size_t len) {
    kz_buf digest = KZ_BUF_INIT, url = KZ_BUF_INIT;
    kz_oci_digest(data, len, &digest);
    kz_buf_printf(&url, "%s/v2/%s/blobs/uploads/", r->url, repo);
    kz_http_request req = {.method = "POST", .url = url.data};
    kz_http_response resp = KZ_HTTP_RESPONSE_INIT;
    ok(kz_http_do(&req, &resp));
    assert_int_equal(resp.status, 202);
    kz_buf put = KZ_BUF_INIT;
    if (resp.location[0] == '/') kz_buf_puts(&put, r->url);
    kz_buf_printf(&put, "%s%cdigest=%s", resp.location, strchr(resp.location, '?') ? '&' : '?', digest.data);
    kz_http_response_free(&resp);
    req = (kz_http_request){.method = "PUT", .url = put.data, .body = data, .body_len = len};
    ok(kz_http_do(&req, &resp));
    assert_int_equal(resp.status, 201);
    kz_http_response_free(&resp);
    kz_buf_free(&put);
    kz_buf_free(&url);
    return kz_buf_detach(&digest, NULL);
}

static void raw_manifest(const reg *r, const char *repo, const char *tag, const char *data, size_t len) {
    kz_buf url = KZ_BUF_INIT;
    kz_buf_printf(&url, "%s/v2/%s/manifests/%s", r->url, repo, tag);
    static const char *const hdrs[] = {"Content-Type: " KZ_OCI_MANIFEST_MEDIA_TYPE, NULL};
    kz_http_request req = {.method = "PUT", .url = url.data, .headers = hdrs, .body = data, .body_len = len};
    kz_http_response resp = KZ_HTTP_RESPONSE_INIT;
    ok(kz_http_do(&req, &resp));
    assert_int_equal(resp.status, 201);
    kz_http_response_free(&resp);
    kz_buf_free(&url);
}

/* Push a golden archive (NAME.tgz, NAME.created, NAME.tgz.prov when asked). */
static kz_value push_golden(const char *name, bool prov, const char *remote, const kz_oci_opts *o,
                            kz_oci_push_result *res) {
    kz_buf f = KZ_BUF_INIT;
    size_t len = 0, plen = 0;
    kz_buf_printf(&f, "%s.tgz", name);
    char *tgz = golden(f.data, &len);
    kz_buf_puts(&f, ".prov");
    char *pv = prov ? golden(f.data, &plen) : NULL;
    kz_buf_clear(&f);
    kz_buf_printf(&f, "%s.created", name);
    char *created = golden(f.data, NULL);
    kz_oci_push_opts po = {.created = created, .prov = pv, .prov_len = plen};
    kz_value err = kz_oci_push(tgz, len, remote, &po, o, res);
    free(created);
    free(pv);
    free(tgz);
    kz_buf_free(&f);
    return err;
}

/* ---- offline: the artifact and the references ---- */

static void check_build(const char *name, bool prov) {
    kz_buf f = KZ_BUF_INIT;
    size_t len = 0, plen = 0;
    kz_buf_printf(&f, "%s.tgz", name);
    char *tgz = golden(f.data, &len);
    kz_buf_puts(&f, ".prov");
    char *pv = prov ? golden(f.data, &plen) : NULL;
    kz_buf_clear(&f);
    kz_buf_printf(&f, "%s.created", name);
    char *created = golden(f.data, NULL);
    kz_buf_clear(&f);
    kz_buf_printf(&f, "%s.manifest.json", name);
    char *want_manifest = golden(f.data, NULL);
    kz_buf_clear(&f);
    kz_buf_printf(&f, "%s.config.json", name);
    char *want_config = golden(f.data, NULL);

    kz_oci_push_opts po = {.created = created, .prov = pv, .prov_len = plen};
    kz_buf manifest = KZ_BUF_INIT, config = KZ_BUF_INIT;
    kz_value meta;
    ok(kz_oci_build(tgz, len, &po, &manifest, &config, &meta));
    assert_string_equal(config.data, want_config);
    assert_string_equal(manifest.data, want_manifest);
    assert_true(kz_is_map(&meta));
    kz_free(meta);
    kz_buf_free(&manifest);
    kz_buf_free(&config);
    free(want_manifest);
    free(want_config);
    free(created);
    free(pv);
    free(tgz);
    kz_buf_free(&f);
}

/* Byte for byte what helm pushed: a minimal chart, and one with every
 * metadata field, build metadata in its version, non-ASCII and HTML
 * characters, overriding annotations and a provenance file. */
static void test_build_matches_helm(void **state) {
    check_build("webapp", false);
    check_build("rich", true);
    (void)state;
}

static void test_created_time(void **state) {
    kz_buf b = KZ_BUF_INIT;
    setenv("TZ", "UTC", 1);
    kz_oci_created_time(1704164645, &b);
    assert_string_equal(b.data, "2024-01-02T03:04:05Z");
    kz_buf_free(&b);
    (void)state;
}

static void test_references(void **state) {
    kz_oci_ref r;
    ok(kz_oci_ref_parse("oci://127.0.0.1:5000/charts/webapp:1.2.3+build.7", &r));
    assert_string_equal(r.registry, "127.0.0.1:5000");
    assert_string_equal(r.repository, "charts/webapp");
    assert_string_equal(r.tag, "1.2.3_build.7");
    assert_string_equal(r.digest, "");
    char *s = kz_oci_ref_string(&r);
    assert_string_equal(s, "127.0.0.1:5000/charts/webapp:1.2.3_build.7");
    free(s);
    kz_oci_ref_free(&r);

    const char *d = "sha256:d25b78958301971b320e705a1f46287d70883945dd03594e1a9104d73c372dde";
    kz_buf raw = KZ_BUF_INIT;
    kz_buf_printf(&raw, "registry.example.com/a/b-c__d.e/webapp@%s", d);
    ok(kz_oci_ref_parse(raw.data, &r));
    assert_string_equal(r.repository, "a/b-c__d.e/webapp");
    assert_string_equal(r.tag, "");
    assert_string_equal(r.digest, d);
    s = kz_oci_ref_string(&r);
    assert_string_equal(s, raw.data);
    free(s);
    kz_oci_ref_free(&r);
    kz_buf_free(&raw);

    reg none = {.host = "127.0.0.1:1"};
    expect_error(kz_oci_ref_parse("oci://127.0.0.1:1/Charts/webapp", &r), "pull-bad-repository", &none);
    expect_error(kz_oci_ref_parse("oci://127.0.0.1:1", &r), "pull-missing-repository", &none);
    expect_error(kz_oci_ref_parse("127.0.0.1:1/charts:foo/webapp:0.1.0", &r), "push-bad-tag", &none);
    kz_value e = kz_oci_ref_parse("127.0.0.1:x/charts/webapp", &r);
    assert_string_equal(kz_error_message(&e), "invalid_reference: invalid registry");
    kz_free(e);
    e = kz_oci_ref_parse("host/charts/webapp:-bad", &r);
    assert_string_equal(kz_error_message(&e), "invalid_reference: invalid tag");
    kz_free(e);

    assert_true(kz_oci_is_oci("oci://x/y"));
    assert_false(kz_oci_is_oci("https://x/y"));
    (void)state;
}

static void test_pull_filename(void **state) {
    char *f = kz_oci_pull_filename("127.0.0.1:5000/charts/webapp:0.1.0");
    assert_string_equal(f, "webapp-0.1.0.tgz");
    free(f);
    f = kz_oci_pull_filename("oci://127.0.0.1:5000/charts/webapp@sha256:abc");
    assert_string_equal(f, "webapp@sha256-abc.tgz");
    free(f);
    (void)state;
}

/* helm's choice among tags for each --version of tags.txt (offline half:
 * the matcher over the sorted tag list). */
static void test_match_version(void **state) {
    kz_value tags = kz_seq();
    const char *list[] = {"1.1.0", "1.1.0-rc.1", "1.0.0", "0.2.0", "0.1.0"};
    for (size_t i = 0; i < 5; i++) kz_seq_push(&tags, kz_string(list[i]));
    const char *cases[] = {"^0.1", "~0.1.0", ">=1.0.0-0", "^1.0", "^2.0", "<0.2.0", "1.x", ""};
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char *want = golden_case("tags.txt", cases[i]);
        kz_value err;
        char *tag = kz_oci_match_version(&tags, cases[i], &err);
        kz_buf got = KZ_BUF_INIT;
        if (tag) kz_buf_printf(&got, "Pulled: 127.0.0.1:PORT/vers/webapp:%s", tag);
        else kz_buf_printf(&got, "Error: %s", kz_error_message(&err));
        assert_string_equal(got.data, want);
        kz_buf_free(&got);
        kz_free(err);
        free(tag);
        free(want);
    }
    kz_free(tags);
    (void)state;
}

/* ---- against the registry ---- */

/* kz pushes what helm pushed (same digest, same lines) and pulls it back
 * byte-identical, with helm's lines. */
static void test_push_pull_roundtrip(void **state) {
    kz_oci_opts o = {0}; /* a loopback registry is plain http without asking, as in helm */
    char *remote = oci_url(&S.open, "/charts");
    kz_oci_push_result pr;
    ok(push_golden("webapp", false, remote, &o, &pr));
    char *log = mask(pr.log.data, &S.open);
    char *want = golden("webapp.push.txt", NULL);
    assert_string_equal(log, want);
    free(log);
    free(want);
    want = golden("webapp.manifest.json", NULL);
    assert_string_equal(pr.manifest.data, want);
    free(want);
    kz_oci_push_result_free(&pr);

    /* again: every blob is there already */
    ok(push_golden("webapp", false, remote, &o, &pr));
    kz_oci_push_result_free(&pr);

    char *url = oci_url(&S.open, "/charts/webapp");
    char *ref = NULL;
    kz_oci_opts po = plain();
    ok(kz_oci_resolve(url, "0.1.0", &po, &ref));
    kz_oci_pull_result res;
    ok(kz_oci_pull(ref, NULL, &o, &res));
    size_t len;
    char *tgz = golden("webapp.tgz", &len);
    assert_int_equal(res.chart.len, len);
    assert_memory_equal(res.chart.data, tgz, len);
    log = mask(res.log.data, &S.open);
    want = golden("webapp.pull.txt", NULL);
    assert_string_equal(log, want);
    assert_string_equal(kz_str(kz_map_getz(&res.meta, "name")), "webapp");
    assert_false(res.has_prov);
    char *fname = kz_oci_pull_filename(ref);
    assert_string_equal(fname, "webapp-0.1.0.tgz");
    free(fname);
    free(log);
    free(want);
    free(tgz);
    kz_oci_pull_result_free(&res);

    /* by digest */
    want = golden("webapp.manifest.json", NULL);
    kz_buf md = KZ_BUF_INIT, durl = KZ_BUF_INIT;
    kz_oci_digest(want, strlen(want), &md);
    kz_buf_printf(&durl, "%s@%s", url, md.data);
    free(ref);
    ok(kz_oci_resolve(durl.data, NULL, &po, &ref));
    ok(kz_oci_pull(ref, NULL, &o, &res));
    assert_string_equal(res.manifest_digest, md.data);
    kz_oci_pull_result_free(&res);
    kz_buf_clear(&durl);
    kz_buf_printf(&durl, "%s:0.1.0@%s", url, md.data);
    free(ref);
    ok(kz_oci_resolve(durl.data, NULL, &po, &ref));
    assert_non_null(strstr(ref, md.data));
    kz_buf_free(&md);
    kz_buf_free(&durl);
    free(want);
    free(ref);
    free(url);
    free(remote);
    (void)state;
}

/* Build metadata in the version ('+' as '_' in the tag, helm's note) and
 * a provenance layer. */
static void test_push_pull_prov(void **state) {
    kz_oci_opts o = plain();
    char *remote = oci_url(&S.open, "/charts");
    kz_oci_push_result pr;
    ok(push_golden("rich", true, remote, &o, &pr));
    char *log = mask(pr.log.data, &S.open);
    char *want = golden("rich.push.txt", NULL);
    assert_string_equal(log, want);
    free(log);
    free(want);
    kz_oci_push_result_free(&pr);

    char *url = oci_url(&S.open, "/charts/rich");
    char *ref = NULL;
    ok(kz_oci_resolve(url, "1.2.3+build.7", &o, &ref));
    kz_oci_pull_opts pop = {.with_prov = true};
    kz_oci_pull_result res;
    ok(kz_oci_pull(ref, &pop, &o, &res));
    log = mask(res.log.data, &S.open);
    want = golden("rich.pull.txt", NULL);
    assert_string_equal(log, want);
    size_t len;
    char *pv = golden("rich.tgz.prov", &len);
    assert_true(res.has_prov);
    assert_int_equal(res.prov.len, len);
    assert_memory_equal(res.prov.data, pv, len);
    char *fname = kz_oci_pull_filename(ref);
    assert_string_equal(fname, "rich-1.2.3+build.7.tgz");
    free(fname);
    free(pv);
    free(log);
    free(want);
    kz_oci_pull_result_free(&res);
    free(ref);
    free(url);
    free(remote);
    (void)state;
}

/* What helm pushed (its manifest, config and archive bytes, uploaded as
 * they are) pulls with kz. */
static void test_pull_helm_artifact(void **state) {
    size_t tlen, clen, mlen;
    char *tgz = golden("webapp.tgz", &tlen);
    char *cfg = golden("webapp.config.json", &clen);
    char *man = golden("webapp.manifest.json", &mlen);
    free(raw_blob(&S.open, "helm/webapp", tgz, tlen));
    free(raw_blob(&S.open, "helm/webapp", cfg, clen));
    raw_manifest(&S.open, "helm/webapp", "0.1.0", man, mlen);
    kz_oci_opts o = {0};
    char *ref = oci_url(&S.open, "/helm/webapp:0.1.0");
    kz_oci_pull_result res;
    ok(kz_oci_pull(ref, NULL, &o, &res));
    assert_int_equal(res.chart.len, tlen);
    assert_memory_equal(res.chart.data, tgz, tlen);
    assert_int_equal(res.config.len, clen);
    kz_oci_pull_result_free(&res);
    free(ref);
    free(tgz);
    free(cfg);
    free(man);
    (void)state;
}

/* Tags listed and resolved as helm did for each case of tags.txt. */
static void test_tags_and_resolution(void **state) {
    const char *versions[] = {"0.1.0", "0.2.0", "1.0.0", "1.1.0-rc.1", "1.1.0"};
    char *remote = oci_url(&S.open, "/vers");
    kz_oci_opts o = plain();
    char dest[128];
    snprintf(dest, sizeof dest, "%s/vers", S.dir);
    mkdir(dest, 0700);
    for (size_t i = 0; i < 5; i++) {
        kz_package_opts pko = {.version = versions[i], .destination = dest};
        char *saved = NULL;
        kz_buf warn = KZ_BUF_INIT;
        ok(kz_chart_package(KZ_TEST_DATA "/../charts/webapp", &pko, &saved, &warn));
        size_t len;
        char *tgz = slurp(saved, &len);
        kz_oci_push_result pr;
        ok(kz_oci_push(tgz, len, remote, NULL, &o, &pr));
        kz_oci_push_result_free(&pr);
        free(tgz);
        free(saved);
        kz_buf_free(&warn);
    }
    char *repo = oci_url(&S.open, "/vers/webapp");
    kz_value tags;
    ok(kz_oci_tags(repo, &o, &tags));
    assert_int_equal(kz_len(&tags), 5);
    assert_string_equal(kz_str(kz_seq_at(&tags, 0)), "1.1.0");
    assert_string_equal(kz_str(kz_seq_at(&tags, 1)), "1.1.0-rc.1");
    assert_string_equal(kz_str(kz_seq_at(&tags, 4)), "0.1.0");
    kz_free(tags);

    const char *cases[] = {"", "^0.1", "~0.1.0", ">=1.0.0-0", "^1.0", "1.1.0-rc.1", "0.2.0", "^2.0", "<0.2.0", "1.x"};
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char *want = golden_case("tags.txt", cases[i]);
        char *ref = NULL;
        kz_value err = kz_oci_resolve(repo, cases[i], &o, &ref);
        kz_buf got = KZ_BUF_INIT;
        if (ref) {
            char *m = mask(ref, &S.open);
            kz_buf_printf(&got, "Pulled: %s", m);
            free(m);
        } else {
            char *m = mask(kz_error_message(&err), &S.open);
            kz_buf_printf(&got, "Error: %s", m);
            free(m);
        }
        assert_string_equal(got.data, want);
        kz_buf_free(&got);
        kz_free(err);
        free(ref);
        free(want);
    }
    free(repo);
    free(remote);
    (void)state;
}

static void test_errors(void **state) {
    kz_oci_opts o = plain(), tls = {0};
    char *ref = NULL, *u;
    kz_oci_pull_result res;
    kz_oci_push_result pr;

    u = oci_url(&S.open, "/charts/webapp:9.9.9");
    expect_error(kz_oci_pull(u, NULL, &o, &res), "pull-missing-version", &S.open);
    free(u);
    u = oci_url(&S.open, "/charts/nosuch");
    expect_error(kz_oci_resolve(u, NULL, &o, &ref), "pull-missing-repo", &S.open);
    expect_error(kz_oci_resolve(u, NULL, &tls, &ref), "tags-https", &S.open);
    free(u);
    u = oci_url(&S.open, "/charts/webapp:0.1.0");
    expect_error(kz_oci_resolve(u, "0.2.0", &o, &ref), "pull-version-mismatch", &S.open);
    free(u);
    u = oci_url(&S.open, "/vers/webapp");
    expect_error(kz_oci_resolve(u, "^2.0", &o, &ref), "pull-no-match", &S.open);
    free(u);
    assert_null(ref);

    size_t len;
    char *tgz = golden("webapp.tgz", &len);
    u = oci_url(&S.open, "/charts:foo");
    expect_error(kz_oci_push(tgz, len, u, NULL, &o, &pr), "push-bad-tag", &S.open);
    free(u);
    u = oci_url(&S.open, "/Charts");
    expect_error(kz_oci_push(tgz, len, u, NULL, &o, &pr), "push-bad-repository", &S.open);
    free(u);
    kz_buf hu = KZ_BUF_INIT;
    kz_buf_printf(&hu, "%s/charts", S.open.url);
    expect_error(kz_oci_push(tgz, len, hu.data, NULL, &o, &pr), "push-scheme", &S.open);
    kz_buf_clear(&hu);
    kz_buf_printf(&hu, "%s/charts", S.open.host);
    expect_error(kz_oci_push(tgz, len, hu.data, NULL, &o, &pr), "push-no-scheme", &S.open);
    kz_buf_free(&hu);

    /* helm's pusher on its file argument, relative names as helm got them */
    char cwd[512];
    assert_non_null(getcwd(cwd, sizeof cwd));
    char work[128];
    snprintf(work, sizeof work, "%s/pushfile", S.dir);
    mkdir(work, 0700);
    assert_int_equal(chdir(work), 0);
    mkdir("somedir", 0700);
    FILE *nf = fopen("notachart.tgz", "w");
    fputs("hello\n", nf);
    fclose(nf);
    u = oci_url(&S.open, "/charts");
    expect_error(kz_oci_push_file("nosuch.tgz", u, &o, &pr), "push-no-file", &S.open);
    expect_error(kz_oci_push_file("somedir", u, &o, &pr), "push-dir", &S.open);
    expect_error(kz_oci_push_file("notachart.tgz", u, &o, &pr), "push-not-gzip", &S.open);
    ok(kz_oci_push_file(GOLDEN "rich.tgz", u, &o, &pr));
    assert_non_null(strstr(pr.manifest.data, KZ_OCI_PROV_MEDIA_TYPE)); /* rich.tgz.prov went along */
    kz_oci_push_result_free(&pr);
    free(u);
    assert_int_equal(chdir(cwd), 0);

    /* not a chart; a chart without its layer */
    size_t mlen;
    char *img = golden("image.manifest.json", &mlen);
    free(raw_blob(&S.open, "other/img", "{}", 2));
    free(raw_blob(&S.open, "other/img", tgz, len));
    raw_manifest(&S.open, "other/img", "1.0.0", img, mlen);
    u = oci_url(&S.open, "/other/img:1.0.0");
    expect_error(kz_oci_pull(u, NULL, &o, &res), "pull-not-a-chart", &S.open);
    free(u);
    free(img);
    size_t clen;
    char *cfg = golden("webapp.config.json", &clen);
    char *nochart = golden("nochart.manifest.json", &mlen);
    free(raw_blob(&S.open, "other/nochart", cfg, clen));
    raw_manifest(&S.open, "other/nochart", "1.0.0", nochart, mlen);
    u = oci_url(&S.open, "/other/nochart:1.0.0");
    expect_error(kz_oci_pull(u, NULL, &o, &res), "pull-no-chart-layer", &S.open);
    free(u);
    free(nochart);
    free(cfg);

    /* a corrupted blob in the registry's storage: an error, nothing returned */
    kz_buf dg = KZ_BUF_INIT, path = KZ_BUF_INIT;
    kz_oci_digest(tgz, len, &dg);
    const char *hex = dg.data + 7;
    kz_buf_printf(&path, "%s/data/docker/registry/v2/blobs/sha256/%.2s/%s/data", S.open.state, hex, hex);
    FILE *f = fopen(path.data, "r+b");
    assert_non_null(f);
    fseek(f, 100, SEEK_SET);
    fputc('X', f);
    fclose(f);
    u = oci_url(&S.open, "/charts/webapp:0.1.0");
    expect_error(kz_oci_pull(u, NULL, &o, &res), "pull-corrupt", &S.open);
    assert_int_equal(res.chart.len, 0);
    f = fopen(path.data, "r+b");
    fseek(f, 100, SEEK_SET);
    fputc(tgz[100], f);
    fclose(f);
    ok(kz_oci_pull(u, NULL, &o, &res));
    kz_oci_pull_result_free(&res);
    free(u);
    kz_buf_free(&dg);
    kz_buf_free(&path);

    /* nothing listening */
    u = kz_xstrdup("oci://127.0.0.1:1/charts/webapp:0.1.0");
    kz_value e = kz_oci_pull(u, NULL, &o, &res);
    assert_string_equal(kz_error_message(&e), "failed to do request: Head \"http://127.0.0.1:1/v2/charts/webapp/manifests/0.1.0\": "
                                              "dial tcp 127.0.0.1:1: connect: connection refused");
    kz_free(e);
    free(u);
    /* login tries https, then http, as helm's did here */
    kz_oci_opts creds = {.username = "a", .password = "b"};
    char config[160];
    snprintf(config, sizeof config, "%s/none/config.json", S.dir);
    e = kz_oci_login("127.0.0.1:1", config, &creds, NULL);
    assert_string_equal(kz_error_message(&e), "Get \"http://127.0.0.1:1/v2/\": dial tcp 127.0.0.1:1: connect: connection refused");
    kz_free(e);
    assert_int_equal(access(config, F_OK), -1);
    free(tgz);
    (void)state;
}

static void test_auth(void **state) {
    kz_oci_opts none = plain();
    kz_oci_pull_result res;
    kz_oci_push_result pr;
    char *ref = NULL;
    char *remote = oci_url(&S.auth, "/charts");
    char *u = oci_url(&S.auth, "/charts/webapp:0.1.0");
    char *repo = oci_url(&S.auth, "/charts/webapp");

    expect_error(push_golden("webapp", false, remote, &none, &pr), "auth-push-no-creds", &S.auth);
    expect_error(kz_oci_pull(u, NULL, &none, &res), "auth-pull-no-creds", &S.auth);
    expect_error(kz_oci_resolve(repo, NULL, &none, &ref), "auth-tags-no-creds", &S.auth);
    kz_oci_opts wrong = {.plain_http = true, .username = "alice", .password = "wrong"};
    expect_error(kz_oci_resolve(repo, NULL, &wrong, &ref), "auth-tags-wrong-password", &S.auth);
    expect_error(kz_oci_pull(u, NULL, &wrong, &res), "auth-pull-wrong-password", &S.auth);

    char config[160];
    snprintf(config, sizeof config, "%s/helm/registry/config.json", S.dir);
    kz_buf log = KZ_BUF_INIT;
    expect_error(kz_oci_login(S.auth.host, config, &wrong, &log), "login-wrong-password", &S.auth);
    assert_int_equal(access(config, F_OK), -1);
    expect_error(kz_oci_logout(S.auth.host, config, &log), "logout-not-logged-in", &S.auth);

    kz_oci_opts right = {.username = "alice", .password = "secret"};
    ok(kz_oci_login(S.auth.host, config, &right, &log));
    assert_string_equal(log.data, "Login Succeeded\n");
    char *got = slurp(config, NULL), *m = mask(got, &S.auth), *want = golden("login.json", NULL);
    assert_string_equal(m, want);
    free(got);
    free(m);
    free(want);
    struct stat st;
    assert_int_equal(stat(config, &st), 0);
    char *mode = golden("login.mode", NULL); /* helm's: 600 */
    assert_int_equal(st.st_mode & 0777, strtol(mode, NULL, 8));
    free(mode);

    /* the stored credentials serve push and pull */
    kz_oci_opts stored = {.registry_config = config};
    ok(push_golden("webapp", false, remote, &stored, &pr));
    m = mask(pr.log.data, &S.auth);
    want = golden("auth.push.txt", NULL);
    assert_string_equal(m, want);
    free(m);
    free(want);
    kz_oci_push_result_free(&pr);
    ok(kz_oci_pull(u, NULL, &stored, &res));
    kz_oci_pull_result_free(&res);
    kz_oci_opts stored_plain = {.registry_config = config, .plain_http = true};
    ok(kz_oci_resolve(repo, NULL, &stored_plain, &ref));
    free(ref);

    kz_buf_clear(&log);
    ok(kz_oci_logout(S.auth.host, config, &log));
    m = mask(log.data, &S.auth);
    want = golden("logout.txt", NULL);
    assert_string_equal(m, want);
    free(m);
    free(want);
    got = slurp(config, NULL);
    want = golden("logout.json", NULL);
    assert_string_equal(got, want);
    free(got);
    free(want);
    char *user, *pass;
    ok(kz_oci_credentials(config, S.auth.host, &user, &pass));
    assert_null(user);
    assert_null(pass);
    kz_buf_free(&log);
    free(repo);
    free(u);
    free(remote);
    (void)state;
}

/* Other entries of the registry config survive login and logout, written
 * as Go's MarshalIndent writes the map (keys sorted, tabs). */
static void test_config_file(void **state) {
    char config[160];
    snprintf(config, sizeof config, "%s/keep/config.json", S.dir);
    char dir[160];
    snprintf(dir, sizeof dir, "%s/keep", S.dir);
    mkdir(dir, 0700);
    FILE *f = fopen(config, "w");
    fputs("{\"auths\":{\"zz.example.com\":{\"auth\":\"eDp5\"}}}", f);
    fclose(f);
    char *user, *pass;
    ok(kz_oci_credentials(config, "zz.example.com", &user, &pass));
    assert_string_equal(user, "x");
    assert_string_equal(pass, "y");
    free(user);
    free(pass);
    kz_oci_opts right = {.username = "alice", .password = "secret"};
    ok(kz_oci_login(S.auth.host, config, &right, NULL));
    char *got = slurp(config, NULL);
    kz_buf want = KZ_BUF_INIT;
    kz_buf_printf(&want,
                  "{\n\t\"auths\": {\n\t\t\"%s\": {\n\t\t\t\"auth\": \"YWxpY2U6c2VjcmV0\"\n\t\t},\n"
                  "\t\t\"zz.example.com\": {\n\t\t\t\"auth\": \"eDp5\"\n\t\t}\n\t}\n}",
                  S.auth.host);
    assert_string_equal(got, want.data);
    free(got);
    ok(kz_oci_logout(S.auth.host, config, NULL));
    got = slurp(config, NULL);
    assert_string_equal(got, "{\n\t\"auths\": {\n\t\t\"zz.example.com\": {\n\t\t\t\"auth\": \"eDp5\"\n\t\t}\n\t}\n}");
    free(got);
    kz_buf_free(&want);

    /* a config that is not JSON */
    f = fopen(config, "w");
    fputs("{nope", f);
    fclose(f);
    kz_value e = kz_oci_credentials(config, "x", &user, &pass);
    assert_non_null(kz_error_message(&e));
    kz_free(e);
    (void)state;
}

/* The distribution token flow: a Bearer challenge, a token from the realm
 * for alice:secret only (nginx in front of the open registry). */
static void test_token_flow(void **state) {
    kz_oci_opts none = plain();
    kz_oci_pull_result res;
    kz_oci_push_result pr;
    char *ref = NULL;
    char *remote = oci_url(&S.token, "/charts");
    char *u = oci_url(&S.token, "/charts/webapp:0.1.0");
    char *repo = oci_url(&S.token, "/charts/webapp");
    kz_oci_opts no_creds = {0};
    expect_error(push_golden("webapp", false, remote, &no_creds, &pr), "token-push-no-creds", &S.token);
    kz_oci_opts wrong = {.username = "alice", .password = "wrong"};
    expect_error(push_golden("webapp", false, remote, &wrong, &pr), "token-push-wrong-password", &S.token);
    expect_error(kz_oci_pull(u, NULL, &no_creds, &res), "token-pull-no-creds", &S.token);
    expect_error(kz_oci_resolve(repo, NULL, &none, &ref), "token-tags-no-creds", &S.token);
    char config[160];
    snprintf(config, sizeof config, "%s/token/config.json", S.dir);
    kz_buf log = KZ_BUF_INIT;
    expect_error(kz_oci_login(S.token.host, config, &wrong, &log), "token-login-wrong-password", &S.token);

    kz_oci_opts right = {.username = "alice", .password = "secret"};
    ok(push_golden("webapp", false, remote, &right, &pr));
    char *m = mask(pr.log.data, &S.token), *want = golden("token.push.txt", NULL);
    assert_string_equal(m, want);
    free(m);
    free(want);
    kz_oci_push_result_free(&pr);

    kz_oci_opts right_plain = {.username = "alice", .password = "secret", .plain_http = true};
    ok(kz_oci_resolve(repo, NULL, &right_plain, &ref));
    ok(kz_oci_pull(ref, NULL, &right, &res));
    m = mask(res.log.data, &S.token);
    want = golden("token.pull.txt", NULL);
    assert_string_equal(m, want);
    free(m);
    free(want);
    kz_oci_pull_result_free(&res);
    free(ref);

    ok(kz_oci_login(S.token.host, config, &right, &log));
    want = golden("token.login.txt", NULL);
    assert_string_equal(log.data, want);
    free(want);
    kz_buf_free(&log);
    free(repo);
    free(u);
    free(remote);
    (void)state;
}

/* TLS: tags over https with --ca-file or --insecure-skip-tls-verify, helm's
 * x509 error without; push and pull use plain http for a loopback host
 * whatever the flags (as helm v3.17: containerd's resolver); login trusts a
 * loopback registry's certificate (docker's rule). */
static void test_tls(void **state) {
    char ca[160];
    snprintf(ca, sizeof ca, "%s/ca.crt", S.tls.state);
    kz_oci_opts with_ca = {.ca_file = ca}, insecure = {.insecure_skip_tls_verify = true}, none = {0};
    char *repo = oci_url(&S.tls, "/charts/webapp");
    char *ref = NULL;
    expect_error(kz_oci_resolve(repo, NULL, &none, &ref), "tls-tags-no-ca", &S.tls);
    ok(kz_oci_resolve(repo, NULL, &insecure, &ref));
    free(ref);
    ok(kz_oci_resolve(repo, NULL, &with_ca, &ref));
    kz_oci_pull_result res;
    expect_error(kz_oci_pull(ref, NULL, &with_ca, &res), "tls-tags-ca", &S.tls);
    free(ref);
    char *u = oci_url(&S.tls, "/charts/webapp:0.1.0");
    expect_error(kz_oci_pull(u, NULL, &with_ca, &res), "tls-pull", &S.tls);
    free(u);

    /* a client certificate where the registry asks for one */
    char mca[160], cert[160], key[160];
    snprintf(mca, sizeof mca, "%s/ca.crt", S.mtls.state);
    snprintf(cert, sizeof cert, "%s/client.crt", S.mtls.state);
    snprintf(key, sizeof key, "%s/client.key", S.mtls.state);
    char *mrepo = oci_url(&S.mtls, "/charts/webapp");
    kz_oci_opts mtls = {.ca_file = mca, .cert_file = cert, .key_file = key}, mca_only = {.ca_file = mca};
    ok(kz_oci_resolve(mrepo, NULL, &mtls, &ref));
    assert_non_null(strstr(ref, "/charts/webapp:"));
    free(ref);
    kz_value e = kz_oci_resolve(mrepo, NULL, &mca_only, &ref);
    assert_non_null(strstr(kz_error_message(&e), "unexpected status code 400"));
    kz_free(e);
    free(mrepo);

    char config[160];
    snprintf(config, sizeof config, "%s/tls-config.json", S.dir);
    kz_oci_opts creds = {.username = "any", .password = "thing"};
    kz_buf log = KZ_BUF_INIT;
    ok(kz_oci_login(S.tls.host, config, &creds, &log));
    char *want = golden("tls.login.txt", NULL);
    assert_string_equal(log.data, want);
    free(want);
    kz_buf_free(&log);
    free(repo);
    (void)state;
}

/* regen.sh's record of helm pulling what kz pushed. */
static void test_helm_pulls_kz(void **state) {
    char *path = kz_xstrdup(GOLDEN "helm-pulls-kz.txt");
    if (access(path, F_OK) != 0) {
        free(path);
        skip();
    }
    for (int i = 0; i < 2; i++) {
        char *line = golden_case("helm-pulls-kz.txt", i ? "rich" : "webapp");
        assert_true(strncmp(line, "identical\t", 10) == 0);
        assert_non_null(strstr(line, "Pulled: "));
        free(line);
    }
    free(path);
    (void)state;
}

/* KZ_OCI_PUSH_TO mode (regen.sh). */
static int push_for_regen(const char *remote) {
    kz_oci_opts o = {.plain_http = true};
    kz_oci_push_result pr;
    int rc = 0;
    for (int i = 0; i < 2; i++) {
        kz_value err = push_golden(i ? "rich" : "webapp", i == 1, remote, &o, &pr);
        if (!kz_is_null(&err)) {
            fprintf(stderr, "push: %s\n", kz_error_message(&err));
            kz_free(err);
            rc = 1;
            continue;
        }
        fputs(pr.log.data, stdout);
        kz_oci_push_result_free(&pr);
    }
    return rc;
}

int main(void) {
    const char *to = getenv("KZ_OCI_PUSH_TO");
    if (to && *to) return push_for_regen(to);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_build_matches_helm),
        cmocka_unit_test(test_created_time),
        cmocka_unit_test(test_references),
        cmocka_unit_test(test_pull_filename),
        cmocka_unit_test(test_match_version),
        cmocka_unit_test(test_push_pull_roundtrip),
        cmocka_unit_test(test_push_pull_prov),
        cmocka_unit_test(test_pull_helm_artifact),
        cmocka_unit_test(test_tags_and_resolution),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_auth),
        cmocka_unit_test(test_config_file),
        cmocka_unit_test(test_token_flow),
        cmocka_unit_test(test_tls),
        cmocka_unit_test(test_helm_pulls_kz),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
