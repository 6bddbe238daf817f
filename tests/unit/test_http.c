/*
 * lib/http against real servers on 127.0.0.1: nginx instances (plain, TLS,
 * TLS with client certificates, basic auth, a forward proxy) and Debian's
 * docker-registry, started by the scripts in tests/servers/ in the group setup and
 * stopped in the teardown (and by the scripts' --watch if this process dies).
 * A missing nginx or docker-registry fails the test: scripts/install-deps.sh
 * installs them.
 *
 * The error texts are those helm v3.17.3 printed against the same servers
 * (`helm repo add` / `helm pull`), after its "looks like ... cannot be
 * reached: " prefix.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/alloc.h"
#include "core/buf.h"
#include "core/file.h"
#include "http/http.h"

#define SERVERS KZ_TEST_DATA "/servers/"
#define FIXTURE_REPO KZ_SHARED_DIR "/fixtures/edu-chart-repo"

typedef struct servers {
    char state[64];  /* mkdtemp */
    char www[128];   /* the plain server's root */
    char *plain;     /* http://127.0.0.1:P (files in www, /headers, /status/..., ...) */
    char *plain_port;
    char *tls;       /* https with the test CA (STATE/tls/ca.crt) */
    char *mtls;      /* https requiring a client certificate */
    char *wrongname; /* https with a certificate for other names */
    char *auth;      /* basic auth user:secret */
    char *proxy;     /* forward proxy to plain */
} servers;

static servers S;

/* ---- helpers ---- */

static char *path_in(const char *dir, const char *name) {
    kz_buf b = KZ_BUF_INIT;
    kz_buf_printf(&b, "%s/%s", dir, name);
    return kz_buf_detach(&b, NULL);
}

static char *url_of(const char *base, const char *path) {
    kz_buf b = KZ_BUF_INIT;
    kz_buf_printf(&b, "%s%s", base, path);
    return kz_buf_detach(&b, NULL);
}

/* Run `SCRIPT start STATE/NAME ARGS --watch PID`; its first line of output
 * (the base URL), or NULL after printing why. */
static char *start_server(const char *script, const char *name, const char *args) {
    kz_buf cmd = KZ_BUF_INIT;
    kz_buf_printf(&cmd, "bash %s%s start %s/%s %s --watch %ld", SERVERS, script, S.state, name, args, (long)getpid());
    FILE *p = popen(cmd.data, "r");
    char line[256] = "";
    if (p && !fgets(line, sizeof line, p)) line[0] = '\0';
    int rc = p ? pclose(p) : -1;
    line[strcspn(line, "\n")] = '\0';
    if (rc != 0 || strncmp(line, "http", 4) != 0) {
        fprintf(stderr, "test_http: `%s` failed (status %d): is it installed? (scripts/install-deps.sh)\n", cmd.data, rc);
        kz_buf_free(&cmd);
        return NULL;
    }
    kz_buf_free(&cmd);
    return kz_xstrdup(line);
}

static void stop_server(const char *script, const char *name) {
    kz_buf cmd = KZ_BUF_INIT;
    kz_buf_printf(&cmd, "bash %s%s stop %s/%s", SERVERS, script, S.state, name);
    if (system(cmd.data) != 0) fprintf(stderr, "test_http: `%s` failed\n", cmd.data);
    kz_buf_free(&cmd);
}

static char *read_text(const char *path) {
    kz_buf b = KZ_BUF_INIT;
    if (kz_file_read(path, &b, NULL) != 0) {
        kz_buf_free(&b);
        return NULL;
    }
    kz_buf_putc(&b, '\0');
    return kz_buf_detach(&b, NULL);
}

/* Lines of a server's access log containing `needle`. */
static int count_log(const char *name, const char *needle) {
    char *log = path_in(S.state, name);
    char *full = path_in(log, "access.log");
    char *text = read_text(full);
    int n = 0;
    for (const char *p = text ? text : ""; (p = strstr(p, needle)) != NULL; p += strlen(needle)) n++;
    free(text);
    free(full);
    free(log);
    return n;
}

/* count_log once it reaches `want` (nginx logs a request after answering
 * it, so the last line may come a moment after the response), or after 2 s. */
static int wait_log(const char *name, const char *needle, int want) {
    int n = 0;
    for (int i = 0; i < 200 && (n = count_log(name, needle)) < want; i++) {
        struct timespec ts = {0, 10 * 1000000L};
        nanosleep(&ts, NULL);
    }
    return n;
}

/* kz_http_do that must fail; returns the owned message. */
static char *do_error(const kz_http_request *req) {
    kz_http_response resp = KZ_HTTP_RESPONSE_INIT;
    kz_value err = kz_http_do(req, &resp);
    kz_http_response_free(&resp);
    assert_false(kz_is_valid(&err));
    char *msg = kz_xstrdup(kz_error_message(&err));
    kz_free(err);
    return msg;
}

/* kz_http_do that must succeed. */
static void do_ok(const kz_http_request *req, kz_http_response *resp) {
    kz_value err = kz_http_do(req, resp);
    if (!kz_is_valid(&err)) fail_msg("%s: %s", req->url, kz_error_message(&err));
}

/* ---- setup ---- */

static int start_all(void) {
    strcpy(S.state, "/tmp/kz-test-http-XXXXXX");
    if (!mkdtemp(S.state)) {
        S.state[0] = '\0';
        return -1;
    }
    snprintf(S.www, sizeof S.www, "%s/www", S.state);
    char cmd[512];
    snprintf(cmd, sizeof cmd, "mkdir -p %s && cp %s/index.yaml %s/metallb-0.1.0.tgz %s/", S.www, FIXTURE_REPO, FIXTURE_REPO, S.www);
    if (system(cmd) != 0) return -1;
    char args[512];
    snprintf(args, sizeof args, "--root %s", S.www);
    if (!(S.plain = start_server("nginx.sh", "plain", args))) return -1;
    S.plain_port = strrchr(S.plain, ':') + 1;
    snprintf(args, sizeof args, "--tls --root %s", S.www);
    if (!(S.tls = start_server("nginx.sh", "tls", args))) return -1;
    if (!(S.mtls = start_server("nginx.sh", "mtls", "--client-cert"))) return -1;
    if (!(S.wrongname = start_server("nginx.sh", "wrongname", "--san IP:10.1.1.1,DNS:other.example,DNS:x.example"))) return -1;
    snprintf(args, sizeof args, "--auth user:secret --root %s", S.www);
    if (!(S.auth = start_server("nginx.sh", "auth", args))) return -1;
    snprintf(args, sizeof args, "--proxy-to %s", S.plain);
    if (!(S.proxy = start_server("nginx.sh", "proxy", args))) return -1;
    return 0;
}

static int teardown(void **state) {
    const char *names[] = {"plain", "tls", "mtls", "wrongname", "auth", "proxy"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) stop_server("nginx.sh", names[i]);
    free(S.plain);
    free(S.tls);
    free(S.mtls);
    free(S.wrongname);
    free(S.auth);
    free(S.proxy);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", S.state);
    if (S.state[0] && system(cmd) != 0) fprintf(stderr, "test_http: could not remove %s\n", S.state);
    (void)state;
    return 0;
}

/* ---- plain GET, headers, status ---- */

static void test_get_ok(void **state) {
    char *url = url_of(S.plain, "/index.yaml");
    kz_http_request req = {.url = url};
    kz_http_response resp = KZ_HTTP_RESPONSE_INIT;
    do_ok(&req, &resp);
    assert_int_equal(resp.status, 200);
    assert_string_equal(resp.status_text, "200 OK");
    char *want = read_text(FIXTURE_REPO "/index.yaml");
    assert_non_null(want);
    assert_int_equal(resp.body.len, strlen(want));
    assert_memory_equal(resp.body.data, want, resp.body.len);
    assert_string_equal(resp.content_type, "application/x-yaml");
    assert_non_null(resp.etag);
    assert_non_null(resp.last_modified);
    assert_string_equal(kz_http_response_header(&resp, "content-type"), "application/x-yaml");
    assert_null(kz_http_response_header(&resp, "X-Nothing"));
    assert_string_equal(resp.effective_url, url);
    assert_int_equal(resp.attempts, 1);
    assert_null(resp.body_file);
    free(want);
    kz_http_response_free(&resp);
    free(url);
    (void)state;
}

static void test_fetch_404(void **state) {
    char *url = url_of(S.plain, "/nosuch/index.yaml");
    kz_http_request req = {.url = url};
    kz_http_response resp = KZ_HTTP_RESPONSE_INIT;
    kz_value err = kz_http_fetch(&req, &resp);
    char *want = url_of("failed to fetch ", url);
    kz_buf_free(&(kz_buf){0});
    char expect[512];
    snprintf(expect, sizeof expect, "%s : 404 Not Found", want);
    assert_string_equal(kz_error_message(&err), expect);
    assert_int_equal(resp.status, 404);
    kz_free(err);
    kz_http_response_free(&resp);
    free(want);
    free(url);
    (void)state;
}

/* nginx says "Service Temporarily Unavailable": Go (and helm) keep the
 * server's reason phrase. */
static void test_retries_on_503(void **state) {
    char *url = url_of(S.plain, "/status/503/retry-default");
    kz_http_request req = {.url = url};
    kz_http_response resp = KZ_HTTP_RESPONSE_INIT;
    kz_value err = kz_http_fetch(&req, &resp);
    char expect[512];
    snprintf(expect, sizeof expect, "failed to fetch %s : 503 Service Temporarily Unavailable", url);
    assert_string_equal(kz_error_message(&err), expect);
    assert_int_equal(resp.attempts, 3);
    assert_int_equal(wait_log("plain", "GET /status/503/retry-default 503", 3), 3);
    kz_free(err);
    kz_http_response_free(&resp);
    free(url);

    url = url_of(S.plain, "/status/503/retry-none");
    req = (kz_http_request){.url = url, .max_retries = -1};
    do_ok(&req, &resp);
    assert_int_equal(resp.status, 503);
    assert_int_equal(resp.attempts, 1);
    assert_int_equal(wait_log("plain", "GET /status/503/retry-none 503", 1), 1);
    assert_int_equal(count_log("plain", "GET /status/503/retry-none 503"), 1);
    kz_http_response_free(&resp);
    free(url);

    /* 404 is not retried */
    url = url_of(S.plain, "/status/404/retry");
    req = (kz_http_request){.url = url};
    do_ok(&req, &resp);
    assert_int_equal(resp.attempts, 1);
    kz_http_response_free(&resp);
    free(url);
    (void)state;
}

static void test_auth(void **state) {
    char *url = url_of(S.auth, "/index.yaml");
    kz_http_request req = {.url = url};
    kz_http_response resp = KZ_HTTP_RESPONSE_INIT;
    kz_value err = kz_http_fetch(&req, &resp);
    char expect[512];
    snprintf(expect, sizeof expect, "failed to fetch %s : 401 Unauthorized", url);
    assert_string_equal(kz_error_message(&err), expect);
    assert_string_equal(resp.www_authenticate, "Basic realm=\"kz test\"");
    kz_free(err);
    kz_http_response_free(&resp);

    req.username = "user";
    req.password = "wrong";
    do_ok(&req, &resp);
    assert_int_equal(resp.status, 401);
    kz_http_response_free(&resp);

    req.password = "secret";
    err = kz_http_fetch(&req, &resp);
    if (!kz_is_null(&err)) fail_msg("%s", kz_error_message(&err));
    assert_int_equal(resp.status, 200);
    kz_http_response_free(&resp);
    free(url);
    (void)state;
}

static void test_headers_sent(void **state) {
    char *url = url_of(S.plain, "/headers");
    const char *extra[] = {"X-Test: yes", NULL};
    kz_http_request req = {.url = url, .headers = extra, .bearer_token = "tok"};
    kz_http_response resp = KZ_HTTP_RESPONSE_INIT;
    do_ok(&req, &resp);
    assert_non_null(strstr(resp.body.data, "user-agent: hm/" KZ_VERSION "\n"));
    assert_non_null(strstr(resp.body.data, "x-test: yes\n"));
    assert_non_null(strstr(resp.body.data, "authorization: Bearer tok\n"));
    assert_non_null(strstr(resp.body.data, "method: GET\n"));
    kz_http_response_free(&resp);

    req = (kz_http_request){.url = url, .user_agent = "Helm/3.17.3", .method = "POST", .body = "x=1", .body_len = 3};
    do_ok(&req, &resp);
    assert_non_null(strstr(resp.body.data, "user-agent: Helm/3.17.3\n"));
    assert_non_null(strstr(resp.body.data, "method: POST\n"));
    assert_non_null(strstr(resp.body.data, "authorization: \n"));
    kz_http_response_free(&resp);
    free(url);
    (void)state;
}

/* ---- TLS ---- */

static void test_tls(void **state) {
    char *url = url_of(S.tls, "/index.yaml");
    char *dir = path_in(S.state, "tls");
    char *ca = path_in(dir, "ca.crt");
    kz_http_request req = {.url = url, .ca_file = ca};
    kz_http_response resp = KZ_HTTP_RESPONSE_INIT;
    do_ok(&req, &resp);
    assert_int_equal(resp.status, 200);
    kz_http_response_free(&resp);

    /* the certificate names localhost too */
    char *local = url_of("https://localhost:", strrchr(url, ':') + 1);
    req.url = local;
    do_ok(&req, &resp);
    assert_int_equal(resp.status, 200);
    kz_http_response_free(&resp);
    free(local);

    /* the system roots don't know the test CA */
    req = (kz_http_request){.url = url};
    char *msg = do_error(&req);
    char expect[512];
    snprintf(expect, sizeof expect, "Get \"%s\": tls: failed to verify certificate: x509: certificate signed by unknown authority", url);
    assert_string_equal(msg, expect);
    free(msg);

    req.insecure_skip_tls_verify = true;
    do_ok(&req, &resp);
    assert_int_equal(resp.status, 200);
    kz_http_response_free(&resp);

    /* Helm's TLS config errors, before any connection */
    req = (kz_http_request){.url = url, .ca_file = "/nonexistent/ca.crt"};
    msg = do_error(&req);
    assert_string_equal(msg, "can't create TLS config for client: can't read CA file: /nonexistent/ca.crt");
    free(msg);
    char *notpem = path_in(dir, "nginx.conf");
    req.ca_file = notpem;
    msg = do_error(&req);
    snprintf(expect, sizeof expect, "can't create TLS config for client: failed to append certificates from file: %s", notpem);
    assert_string_equal(msg, expect);
    free(msg);
    req = (kz_http_request){.url = url, .ca_file = ca, .cert_file = "/nonexistent/c.crt", .key_file = ca};
    msg = do_error(&req);
    snprintf(expect, sizeof expect,
             "can't create TLS config for client: can't load key pair from cert /nonexistent/c.crt and key %s: "
             "open /nonexistent/c.crt: no such file or directory", ca);
    assert_string_equal(msg, expect);
    free(msg);

    /* plain http to the TLS port: nginx answers 400 (helm: "400 Bad Request") */
    char *http = url_of("http://127.0.0.1:", strrchr(url, ':') + 1);
    req = (kz_http_request){.url = http};
    do_ok(&req, &resp);
    assert_int_equal(resp.status, 400);
    kz_http_response_free(&resp);
    free(http);
    /* https to a plain port */
    char *https = url_of("https://127.0.0.1:", S.plain_port);
    req = (kz_http_request){.url = https};
    msg = do_error(&req);
    snprintf(expect, sizeof expect, "Get \"%s\": http: server gave HTTP response to HTTPS client", https);
    assert_string_equal(msg, expect);
    free(msg);
    free(https);

    free(notpem);
    free(ca);
    free(dir);
    free(url);
    (void)state;
}

static void test_client_cert(void **state) {
    char *url = url_of(S.mtls, "/");
    char *dir = path_in(S.state, "mtls");
    char *ca = path_in(dir, "ca.crt");
    char *cert = path_in(dir, "client.crt");
    char *key = path_in(dir, "client.key");
    /* without a certificate nginx answers 400, as helm saw */
    kz_http_request req = {.url = url, .ca_file = ca};
    kz_http_response resp = KZ_HTTP_RESPONSE_INIT;
    do_ok(&req, &resp);
    assert_int_equal(resp.status, 400);
    kz_http_response_free(&resp);
    req.cert_file = cert;
    req.key_file = key;
    do_ok(&req, &resp);
    assert_int_not_equal(resp.status, 400);
    assert_true(resp.status == 200 || resp.status == 403 || resp.status == 404);
    kz_http_response_free(&resp);
    free(key);
    free(cert);
    free(ca);
    free(dir);
    free(url);
    (void)state;
}

/* Go's HostnameError: the certificate's IP SANs for an IP host, else its DNS
 * names (helm printed these against the same certificate). */
static void test_tls_wrong_name(void **state) {
    char *dir = path_in(S.state, "wrongname");
    char *ca = path_in(dir, "ca.crt");
    kz_http_request req = {.url = S.wrongname, .ca_file = ca};
    char *msg = do_error(&req);
    char expect[512];
    snprintf(expect, sizeof expect,
             "Get \"%s\": tls: failed to verify certificate: x509: certificate is valid for 10.1.1.1, not 127.0.0.1",
             S.wrongname);
    assert_string_equal(msg, expect);
    free(msg);
    char *local = url_of("https://localhost:", strrchr(S.wrongname, ':') + 1);
    req.url = local;
    msg = do_error(&req);
    snprintf(expect, sizeof expect,
             "Get \"%s\": tls: failed to verify certificate: x509: certificate is valid for other.example, x.example, "
             "not localhost", local);
    assert_string_equal(msg, expect);
    free(msg);
    free(local);
    free(ca);
    free(dir);
    (void)state;
}

/* ---- caching ---- */

static void test_conditional(void **state) {
    char *url = url_of(S.plain, "/index.yaml");
    kz_http_request req = {.url = url};
    kz_http_response first = KZ_HTTP_RESPONSE_INIT, resp = KZ_HTTP_RESPONSE_INIT;
    do_ok(&req, &first);
    assert_non_null(first.etag);
    req.if_none_match = first.etag;
    do_ok(&req, &resp);
    assert_int_equal(resp.status, 304);
    assert_int_equal(resp.body.len, 0);
    kz_http_response_free(&resp);
    req.if_none_match = "\"other\"";
    do_ok(&req, &resp);
    assert_int_equal(resp.status, 200);
    kz_http_response_free(&resp);
    req = (kz_http_request){.url = url, .if_modified_since = first.last_modified};
    do_ok(&req, &resp);
    assert_int_equal(resp.status, 304);
    kz_http_response_free(&resp);
    req.if_modified_since = "Thu, 01 Jan 1970 00:00:00 GMT";
    do_ok(&req, &resp);
    assert_int_equal(resp.status, 200);
    kz_http_response_free(&resp);
    kz_http_response_free(&first);
    free(url);
    (void)state;
}

/* ---- redirects ---- */

static void test_redirects(void **state) {
    char *url = url_of(S.plain, "/moved/index.yaml");
    char *target = url_of(S.plain, "/index.yaml");
    kz_http_request req = {.url = url};
    kz_http_response resp = KZ_HTTP_RESPONSE_INIT;
    do_ok(&req, &resp);
    assert_int_equal(resp.status, 200);
    assert_string_equal(resp.effective_url, target);
    assert_null(resp.location);
    kz_http_response_free(&resp);

    req.no_follow_redirects = true;
    do_ok(&req, &resp);
    assert_int_equal(resp.status, 301);
    assert_non_null(resp.location);
    assert_non_null(strstr(resp.location, "/index.yaml"));
    kz_http_response_free(&resp);
    free(url);
    free(target);

    /* Go gives up after 10 redirects, naming the next URL */
    url = url_of(S.plain, "/loop/x.tgz");
    target = url_of(S.plain, "/loop");
    req = (kz_http_request){.url = url};
    char *msg = do_error(&req);
    char expect[512];
    snprintf(expect, sizeof expect, "Get \"%s\": stopped after 10 redirects", target);
    assert_string_equal(msg, expect);
    free(msg);
    free(url);
    free(target);

    /* a failure after a redirect names the URL that failed (as helm) */
    url = url_of(S.plain, "/redirect/127.0.0.1:1/x.tgz");
    req = (kz_http_request){.url = url};
    msg = do_error(&req);
    assert_string_equal(msg, "Get \"http://127.0.0.1:1/x.tgz\": dial tcp 127.0.0.1:1: connect: connection refused");
    free(msg);
    free(url);
    (void)state;
}

/* Credentials go to the host they were given for, not to another port after
 * a redirect, unless pass_credentials. */
static void test_credentials_on_redirect(void **state) {
    kz_buf path = KZ_BUF_INIT;
    kz_buf_printf(&path, "/redirect/127.0.0.1:%s/headers", S.plain_port);
    char *url = url_of(S.auth, path.data);
    kz_http_request req = {.url = url, .username = "user", .password = "secret"};
    kz_http_response resp = KZ_HTTP_RESPONSE_INIT;
    do_ok(&req, &resp);
    assert_int_equal(resp.status, 200);
    assert_non_null(strstr(resp.body.data, "authorization: \n"));
    kz_http_response_free(&resp);

    req.pass_credentials = true;
    do_ok(&req, &resp);
    assert_int_equal(resp.status, 200);
    assert_non_null(strstr(resp.body.data, "authorization: Basic dXNlcjpzZWNyZXQ=\n")); /* user:secret */
    kz_http_response_free(&resp);
    free(url);

    /* a redirect on the same server keeps them */
    url = url_of(S.auth, "/moved/headers");
    req = (kz_http_request){.url = url, .username = "user", .password = "secret"};
    do_ok(&req, &resp);
    assert_int_equal(resp.status, 200);
    assert_non_null(strstr(resp.body.data, "authorization: Basic dXNlcjpzZWNyZXQ=\n"));
    kz_http_response_free(&resp);
    free(url);
    kz_buf_free(&path);
    (void)state;
}

/* ---- transport errors ---- */

static void test_transport_errors(void **state) {
    kz_http_request req = {.url = "http://127.0.0.1:1/index.yaml"};
    char *msg = do_error(&req);
    assert_string_equal(msg, "Get \"http://127.0.0.1:1/index.yaml\": dial tcp 127.0.0.1:1: connect: connection refused");
    free(msg);
    req.method = "PUT";
    msg = do_error(&req);
    assert_string_equal(msg, "Put \"http://127.0.0.1:1/index.yaml\": dial tcp 127.0.0.1:1: connect: connection refused");
    free(msg);

    req = (kz_http_request){.url = "ftp://127.0.0.1/x"};
    msg = do_error(&req);
    assert_string_equal(msg, "Get \"ftp://127.0.0.1/x\": unsupported protocol scheme \"ftp\"");
    free(msg);
    req.url = "index.yaml";
    msg = do_error(&req);
    assert_string_equal(msg, "Get \"index.yaml\": unsupported protocol scheme \"\"");
    free(msg);
    /* Unknown hosts (dial tcp: lookup HOST: no such host) are not tested: the
     * lookup would go to the machine's DNS server. */
    (void)state;
}

static void test_timeout(void **state) {
    char *url = url_of(S.plain, "/slow/t1");
    kz_http_request req = {.url = url, .timeout_ms = 300, .max_retries = -1};
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    char *msg = do_error(&req);
    clock_gettime(CLOCK_MONOTONIC, &b);
    char expect[512];
    snprintf(expect, sizeof expect, "Get \"%s\": context deadline exceeded (Client.Timeout exceeded while awaiting headers)", url);
    assert_string_equal(msg, expect);
    assert_true(b.tv_sec - a.tv_sec < 3);
    free(msg);
    free(url);

    /* timeouts are retried */
    url = url_of(S.plain, "/slow/t2");
    req = (kz_http_request){.url = url, .timeout_ms = 200, .max_retries = 1};
    kz_http_response resp = KZ_HTTP_RESPONSE_INIT;
    kz_value err = kz_http_do(&req, &resp);
    assert_false(kz_is_valid(&err));
    assert_int_equal(resp.attempts, 2);
    kz_free(err);
    kz_http_response_free(&resp);
    free(url);
    (void)state;
}

static void test_max_body_size(void **state) {
    char *url = url_of(S.plain, "/index.yaml");
    kz_http_request req = {.url = url, .max_body_size = 100};
    char *msg = do_error(&req);
    char expect[512];
    snprintf(expect, sizeof expect, "Get \"%s\": response body larger than 100 bytes", url);
    assert_string_equal(msg, expect);
    free(msg);
    req.max_body_size = 1 << 20;
    kz_http_response resp = KZ_HTTP_RESPONSE_INIT;
    do_ok(&req, &resp);
    assert_int_equal(resp.status, 200);
    kz_http_response_free(&resp);
    free(url);
    (void)state;
}

/* ---- files ---- */

static void test_output_file(void **state) {
    char *dl = path_in(S.state, "dl");
    assert_int_equal(mkdir(dl, 0755), 0);
    char *url = url_of(S.plain, "/metallb-0.1.0.tgz");
    kz_http_request req = {.url = url, .output_dir = dl};
    kz_http_response resp = KZ_HTTP_RESPONSE_INIT;
    do_ok(&req, &resp);
    assert_int_equal(resp.status, 200);
    assert_int_equal(resp.body.len, 0);
    assert_non_null(resp.body_file);
    assert_int_equal(strncmp(resp.body_file, dl, strlen(dl)), 0);
    char *dest = path_in(dl, "metallb-0.1.0.tgz");
    kz_value err = kz_http_response_commit(&resp, dest);
    assert_true(kz_is_null(&err));
    assert_null(resp.body_file);
    kz_http_response_free(&resp);
    kz_buf got = KZ_BUF_INIT, want = KZ_BUF_INIT;
    assert_int_equal(kz_file_read(dest, &got, NULL), 0);
    assert_int_equal(kz_file_read(FIXTURE_REPO "/metallb-0.1.0.tgz", &want, NULL), 0);
    assert_int_equal(got.len, want.len);
    assert_memory_equal(got.data, want.data, got.len);
    kz_buf_free(&got);
    kz_buf_free(&want);

    /* an uncommitted download (a 404 page here) is removed by the free */
    char *missing = url_of(S.plain, "/nosuch.tgz");
    req.url = missing;
    do_ok(&req, &resp);
    assert_int_equal(resp.status, 404);
    char *tmp = kz_xstrdup(resp.body_file);
    assert_int_equal(access(tmp, F_OK), 0);
    kz_http_response_free(&resp);
    assert_int_not_equal(access(tmp, F_OK), 0);
    free(tmp);
    /* and on a transport error nothing is left behind */
    req.url = "http://127.0.0.1:1/x.tgz";
    char *msg = do_error(&req);
    free(msg);
    char cmd[256];
    snprintf(cmd, sizeof cmd, "test $(ls -A %s | wc -l) -eq 1", dl);
    assert_int_equal(system(cmd), 0);
    free(missing);
    free(dest);
    free(url);
    free(dl);
    (void)state;
}

/* PUT (nginx's WebDAV module), from memory and from a file; HEAD; DELETE. */
static void test_put_head_delete(void **state) {
    char *url = url_of(S.plain, "/upload/a.txt");
    kz_http_request req = {.url = url, .method = "PUT", .body = "hello", .body_len = 5};
    kz_http_response resp = KZ_HTTP_RESPONSE_INIT;
    do_ok(&req, &resp);
    assert_int_equal(resp.status, 201);
    kz_http_response_free(&resp);
    req = (kz_http_request){.url = url};
    do_ok(&req, &resp);
    assert_int_equal(resp.body.len, 5);
    assert_memory_equal(resp.body.data, "hello", 5);
    kz_http_response_free(&resp);

    req = (kz_http_request){.url = url, .method = "PUT", .body_file = FIXTURE_REPO "/metallb-0.1.0.tgz"};
    do_ok(&req, &resp);
    assert_int_equal(resp.status, 204);
    kz_http_response_free(&resp);
    req = (kz_http_request){.url = url, .method = "HEAD"};
    do_ok(&req, &resp);
    assert_int_equal(resp.status, 200);
    assert_int_equal(resp.body.len, 0);
    struct stat st;
    assert_int_equal(stat(FIXTURE_REPO "/metallb-0.1.0.tgz", &st), 0);
    char size[32];
    snprintf(size, sizeof size, "%lld", (long long)st.st_size);
    assert_string_equal(kz_http_response_header(&resp, "Content-Length"), size);
    kz_http_response_free(&resp);

    req = (kz_http_request){.url = url, .method = "PUT", .body_file = "/nonexistent/file"};
    char *msg = do_error(&req);
    assert_string_equal(msg, "open /nonexistent/file: no such file or directory");
    free(msg);

    req = (kz_http_request){.url = url, .method = "DELETE"};
    do_ok(&req, &resp);
    assert_int_equal(resp.status, 204);
    kz_http_response_free(&resp);
    req = (kz_http_request){.url = url};
    do_ok(&req, &resp);
    assert_int_equal(resp.status, 404);
    kz_http_response_free(&resp);
    free(url);
    (void)state;
}

/* ---- proxies ---- */

static void check_proxy(const char *url, const char *want) {
    char *got = kz_http_proxy_for_url(url);
    if (!want) {
        if (got) fail_msg("%s: proxy %s, want none", url, got);
    } else {
        assert_non_null(got);
        assert_string_equal(got, want);
    }
    free(got);
}

static void test_proxy_rules(void **state) {
    unsetenv("http_proxy");
    unsetenv("https_proxy");
    unsetenv("no_proxy");
    setenv("HTTP_PROXY", "proxy.example:3128", 1);
    setenv("HTTPS_PROXY", "https://sproxy.example:443", 1);
    setenv("NO_PROXY", " .skip.example, exact.example ,10.0.0.0/8,192.168.1.1,port.example:8080", 1);
    check_proxy("http://charts.example/index.yaml", "http://proxy.example:3128");
    check_proxy("https://charts.example/index.yaml", "https://sproxy.example:443");
    check_proxy("http://localhost:8080/", NULL);
    check_proxy("http://127.0.0.5/", NULL);
    check_proxy("http://[::1]:80/", NULL);
    check_proxy("http://a.skip.example/", NULL);
    check_proxy("http://skip.example/", "http://proxy.example:3128"); /* ".x" is subdomains only */
    check_proxy("http://exact.example/", NULL);
    check_proxy("http://sub.exact.example/", NULL);
    check_proxy("http://notexact.example/", "http://proxy.example:3128");
    check_proxy("http://10.1.2.3/", NULL);
    check_proxy("http://11.1.2.3/", "http://proxy.example:3128");
    check_proxy("http://192.168.1.1:99/", NULL);
    check_proxy("http://port.example:8080/", NULL);
    check_proxy("http://port.example/", "http://proxy.example:3128");
    check_proxy("http://user:pw@EXACT.example/", NULL);
    setenv("NO_PROXY", "*", 1);
    check_proxy("http://charts.example/", NULL);
    unsetenv("NO_PROXY");
    unsetenv("HTTP_PROXY");
    setenv("http_proxy", "http://lower.example:1", 1);
    check_proxy("http://charts.example/", "http://lower.example:1");
    unsetenv("http_proxy");
    check_proxy("http://charts.example/", NULL);
    unsetenv("HTTPS_PROXY");
    (void)state;
}

/* Through the nginx forward proxy: a name under .invalid only works through
 * it (the proxy sends everything to the plain server); loopback URLs never
 * use the proxy, as in Go. */
static void test_proxy_used(void **state) {
    setenv("HTTP_PROXY", S.proxy, 1);
    kz_http_request req = {.url = "http://charts.example.invalid/headers"};
    kz_http_response resp = KZ_HTTP_RESPONSE_INIT;
    do_ok(&req, &resp);
    assert_int_equal(resp.status, 200);
    assert_non_null(strstr(resp.body.data, "proxied: yes\n"));
    kz_http_response_free(&resp);

    char *url = url_of(S.plain, "/headers");
    req.url = url;
    do_ok(&req, &resp);
    assert_non_null(strstr(resp.body.data, "proxied: \n"));
    kz_http_response_free(&resp);
    free(url);
    unsetenv("HTTP_PROXY");
    (void)state;
}

/* ---- docker-registry ---- */

static void test_registry(void **state) {
    char *open = start_server("registry.sh", "registry", "");
    char *closed = start_server("registry.sh", "registry-auth", "--auth user:secret");
    assert_non_null(open);
    assert_non_null(closed);
    char *url = url_of(open, "/v2/");
    kz_http_request req = {.url = url};
    kz_http_response resp = KZ_HTTP_RESPONSE_INIT;
    do_ok(&req, &resp);
    assert_int_equal(resp.status, 200);
    assert_string_equal(kz_http_response_header(&resp, "Docker-Distribution-Api-Version"), "registry/2.0");
    kz_http_response_free(&resp);
    free(url);

    url = url_of(closed, "/v2/");
    req = (kz_http_request){.url = url, .method = "HEAD"};
    do_ok(&req, &resp);
    assert_int_equal(resp.status, 401);
    assert_string_equal(resp.www_authenticate, "Basic realm=\"kz-test\"");
    kz_http_response_free(&resp);
    req = (kz_http_request){.url = url, .username = "user", .password = "secret"};
    do_ok(&req, &resp);
    assert_int_equal(resp.status, 200);
    kz_http_response_free(&resp);
    free(url);

    stop_server("registry.sh", "registry");
    stop_server("registry.sh", "registry");
    stop_server("registry.sh", "registry-auth");
    req = (kz_http_request){.url = closed};
    char *msg = do_error(&req);
    assert_non_null(strstr(msg, "connect: connection refused"));
    free(msg);
    free(open);
    free(closed);
    (void)state;
}

/* Servers started before a failure are stopped here too. */
static int setup(void **state) {
    if (start_all() == 0) return 0;
    teardown(state);
    return -1;
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_get_ok),
        cmocka_unit_test(test_fetch_404),
        cmocka_unit_test(test_retries_on_503),
        cmocka_unit_test(test_auth),
        cmocka_unit_test(test_headers_sent),
        cmocka_unit_test(test_tls),
        cmocka_unit_test(test_tls_wrong_name),
        cmocka_unit_test(test_client_cert),
        cmocka_unit_test(test_conditional),
        cmocka_unit_test(test_redirects),
        cmocka_unit_test(test_credentials_on_redirect),
        cmocka_unit_test(test_transport_errors),
        cmocka_unit_test(test_timeout),
        cmocka_unit_test(test_max_body_size),
        cmocka_unit_test(test_output_file),
        cmocka_unit_test(test_put_head_delete),
        cmocka_unit_test(test_proxy_rules),
        cmocka_unit_test(test_proxy_used),
        cmocka_unit_test(test_registry),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
