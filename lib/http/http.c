#include "http/http.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/alloc.h"
#include "core/file.h"
#include "http/curl_api.h"
#include "http/http_internal.h"

/* ---- one transfer's state, shared with curl's callbacks ---- */

typedef struct transfer {
    const kz_curl_api *api;
    const kz_http_request *req;
    kz_http_response *resp;
    const char *method; /* upper case */
    /* request body source */
    bool has_body;
    const char *src;
    size_t src_len, src_pos;
    FILE *src_fp;
    curl_off_t src_size;
    /* response body sink */
    FILE *out_fp;
    char *out_buf; /* out_fp's buffer */
    size_t received;
    bool too_large;
    int write_errno;
    bool got_status; /* a status line arrived (for timeout wording) */
} transfer;

static void headers_clear(kz_http_response *r) {
    for (size_t i = 0; i < r->header_count; i++) {
        free(r->header_names[i]);
        free(r->header_values[i]);
    }
    free(r->header_names);
    free(r->header_values);
    r->header_names = r->header_values = NULL;
    r->header_count = 0;
}

static size_t on_header(char *data, size_t size, size_t nitems, void *ctx) {
    transfer *t = ctx;
    kz_http_response *r = t->resp;
    size_t n = size * nitems, len = n;
    while (len && (data[len - 1] == '\n' || data[len - 1] == '\r')) len--;
    if (len >= 5 && memcmp(data, "HTTP/", 5) == 0) {
        /* a new response (redirect hop, 100 Continue): forget the last one */
        headers_clear(r);
        free(r->status_text);
        r->status_text = NULL;
        t->got_status = true;
        const char *sp = memchr(data, ' ', len);
        const char *rest = sp ? sp + 1 : data + len;
        while (rest < data + len && *rest == ' ') rest++;
        long code = strtol(rest, NULL, 10);
        if (len >= 7 && memcmp(data, "HTTP/1.", 7) == 0) {
            /* Go keeps HTTP/1.x's status line as the server wrote it */
            r->status_text = kz_xstrndup(rest, (size_t)(data + len - rest));
        } else {
            /* HTTP/2 has no reason phrase: Go adds its own text */
            kz_buf b = KZ_BUF_INIT;
            kz_buf_printf(&b, "%ld %s", code, kz_http_status_text(code));
            r->status_text = kz_buf_detach(&b, NULL);
        }
        return n;
    }
    const char *colon = memchr(data, ':', len);
    if (!colon || colon == data || data[0] == ' ' || data[0] == '\t') return n;
    const char *v = colon + 1;
    while (v < data + len && (*v == ' ' || *v == '\t')) v++;
    size_t vlen = (size_t)(data + len - v);
    while (vlen && (v[vlen - 1] == ' ' || v[vlen - 1] == '\t')) vlen--;
    size_t i = r->header_count++;
    r->header_names = kz_xrealloc(r->header_names, r->header_count * sizeof *r->header_names);
    r->header_values = kz_xrealloc(r->header_values, r->header_count * sizeof *r->header_values);
    r->header_names[i] = kz_xstrndup(data, (size_t)(colon - data));
    r->header_values[i] = kz_xstrndup(v, vlen);
    return n;
}

static size_t on_write(char *data, size_t size, size_t nmemb, void *ctx) {
    transfer *t = ctx;
    size_t n = size * nmemb;
    size_t max = t->req->max_body_size;
    if (max && (t->received + n < t->received || t->received + n > max)) {
        t->too_large = true;
        return 0; /* aborts the transfer with CURLE_WRITE_ERROR */
    }
    t->received += n;
    if (t->out_fp) {
        if (fwrite(data, 1, n, t->out_fp) != n) {
            t->write_errno = errno ? errno : EIO;
            return 0;
        }
    } else {
        kz_buf_append(&t->resp->body, data, n);
    }
    return n;
}

static size_t on_read(char *buf, size_t size, size_t nitems, void *ctx) {
    transfer *t = ctx;
    size_t want = size * nitems;
    if (t->src_fp) {
        size_t got = fread(buf, 1, want, t->src_fp);
        if (got == 0 && ferror(t->src_fp)) return CURL_READFUNC_ABORT;
        return got;
    }
    size_t left = t->src_len - t->src_pos;
    if (want > left) want = left;
    if (want) memcpy(buf, t->src + t->src_pos, want);
    t->src_pos += want;
    return want;
}

/* curl rewinds the body to send it again (a redirect 307/308, auth). */
static int on_seek(void *ctx, curl_off_t offset, int origin) {
    transfer *t = ctx;
    if (origin != SEEK_SET || offset < 0) return CURL_SEEKFUNC_CANTSEEK;
    if (t->src_fp) return fseeko(t->src_fp, (off_t)offset, SEEK_SET) == 0 ? CURL_SEEKFUNC_OK : CURL_SEEKFUNC_FAIL;
    if ((size_t)offset > t->src_len) return CURL_SEEKFUNC_FAIL;
    t->src_pos = (size_t)offset;
    return CURL_SEEKFUNC_OK;
}

/* ---- messages ---- */

/* Go's url.Error operation: "Get", "Head", "Put", ... */
static void url_error_prefix(kz_buf *b, const char *method, const char *url) {
    kz_buf_putc(b, method[0]);
    for (const char *c = method + 1; *c; c++) kz_buf_putc(b, (char)(*c >= 'A' && *c <= 'Z' ? *c - 'A' + 'a' : *c));
    kz_buf_printf(b, " \"%s\": ", url);
}

static const char *info_str(transfer *t, CURL *h, CURLINFO what) {
    char *s = NULL;
    if (t->api->easy_getinfo(h, what, &s) != CURLE_OK) return NULL;
    return s && *s ? s : NULL;
}

static long info_long(transfer *t, CURL *h, CURLINFO what) {
    long v = 0;
    if (t->api->easy_getinfo(h, what, &v) != CURLE_OK) return 0;
    return v;
}

/* The URL that answered or failed: as given (curl would normalise it)
 * unless a redirect was followed. */
static const char *effective_url(transfer *t, CURL *h) {
    const char *eff = info_str(t, h, CURLINFO_EFFECTIVE_URL);
    if (!eff || info_long(t, h, CURLINFO_REDIRECT_COUNT) == 0) return t->req->url;
    return eff;
}

/* The address Go names in "dial tcp ADDR: ...": the URL's when it is an IP
 * address, else the one curl tried (known only without redirects: curl keeps
 * the previous hop's peer), else the URL's host and port. */
static void dial_addr(transfer *t, CURL *h, const char *url, char *out, size_t n) {
    kz_url_parts u;
    if (!kz_url_split(url, &u)) {
        snprintf(out, n, "%s", url);
        return;
    }
    bool is_ip = strspn(u.host, "0123456789.") == strlen(u.host) || strchr(u.host, ':');
    const char *ip = info_str(t, h, CURLINFO_PRIMARY_IP);
    long port = info_long(t, h, CURLINFO_PRIMARY_PORT);
    if (!is_ip && ip && port == strtol(u.port, NULL, 10) && info_long(t, h, CURLINFO_REDIRECT_COUNT) == 0) {
        kz_url_hostport(ip, u.port, out, n);
    } else {
        kz_url_hostport(u.host, u.port, out, n);
    }
}

/* The certificate's subjectAltName entries as Go's HostnameError lists them
 * (IP addresses for an IP host, else DNS names), from CURLINFO_CERTINFO. */
static void cert_names(transfer *t, CURL *h, bool want_ip, kz_buf *out) {
    struct curl_certinfo *ci = NULL;
    if (t->api->easy_getinfo(h, CURLINFO_CERTINFO, &ci) != CURLE_OK || !ci || ci->num_of_certs < 1) return;
    static const char key[] = "X509v3 Subject Alternative Name:";
    for (struct curl_slist *s = ci->certinfo[0]; s; s = s->next) {
        if (strncmp(s->data, key, sizeof key - 1) != 0) continue;
        const char *prefix = want_ip ? "IP Address:" : "DNS:";
        size_t plen = strlen(prefix);
        for (const char *p = s->data + sizeof key - 1; *p;) {
            while (*p == ' ' || *p == ',') p++;
            size_t len = strcspn(p, ",");
            if (len > plen && strncmp(p, prefix, plen) == 0) {
                if (out->len) kz_buf_puts(out, ", ");
                kz_buf_append(out, p + plen, len - plen);
            }
            p += len;
        }
    }
}

static void tls_verify_text(transfer *t, CURL *h, const char *url, const char *errbuf, kz_buf *b) {
    kz_buf_puts(b, "tls: failed to verify certificate: ");
    long vr = info_long(t, h, CURLINFO_SSL_VERIFYRESULT);
    switch (vr) {
    case 2: case 18: case 19: case 20: case 21: /* issuer unknown, self-signed */
        kz_buf_puts(b, "x509: certificate signed by unknown authority");
        return;
    case 9: case 10: /* not yet valid, expired */
        kz_buf_puts(b, "x509: certificate has expired or is not yet valid");
        return;
    default:
        break;
    }
    kz_url_parts u;
    if (strstr(errbuf, "subject name") && kz_url_split(url, &u)) {
        bool is_ip = strspn(u.host, "0123456789.") == strlen(u.host) || strchr(u.host, ':');
        kz_buf names = KZ_BUF_INIT;
        cert_names(t, h, is_ip, &names);
        if (names.len) kz_buf_printf(b, "x509: certificate is valid for %s, not %s", names.data, u.host);
        else if (is_ip)
            kz_buf_printf(b, "x509: cannot validate certificate for %s because it doesn't contain any IP SANs", u.host);
        else kz_buf_printf(b, "x509: certificate is not valid for any names, but wanted to match %s", u.host);
        kz_buf_free(&names);
        return;
    }
    kz_buf_puts(b, errbuf[0] ? errbuf : "x509: certificate verification failed");
}

/* The error for a transfer that got no usable answer. */
static kz_value transport_error(transfer *t, CURL *h, CURLcode rc, const char *errbuf) {
    const kz_http_request *req = t->req;
    const char *url = effective_url(t, h);
    if (t->write_errno && t->out_fp) {
        char why[128];
        return kz_error("write %s: %s", t->resp->body_file, kz_errno_text(t->write_errno, why, sizeof why));
    }
    kz_buf b = KZ_BUF_INIT;
    char addr[300], why[128];
    switch (rc) {
    case CURLE_TOO_MANY_REDIRECTS: {
        const char *next = info_str(t, h, CURLINFO_REDIRECT_URL);
        url_error_prefix(&b, t->method, next ? next : url);
        kz_buf_printf(&b, "stopped after %d redirects", KZ_HTTP_MAX_REDIRECTS);
        break;
    }
    case CURLE_COULDNT_RESOLVE_HOST: {
        kz_url_parts u;
        url_error_prefix(&b, t->method, url);
        kz_buf_printf(&b, "dial tcp: lookup %s: no such host", kz_url_split(url, &u) ? u.host : url);
        break;
    }
    case CURLE_COULDNT_CONNECT: {
        long oserr = info_long(t, h, CURLINFO_OS_ERRNO);
        dial_addr(t, h, url, addr, sizeof addr);
        url_error_prefix(&b, t->method, url);
        kz_buf_printf(&b, "dial tcp %s: connect: %s", addr,
                      oserr ? kz_errno_text((int)oserr, why, sizeof why) : (errbuf[0] ? errbuf : "connection failed"));
        break;
    }
    case CURLE_OPERATION_TIMEDOUT: {
        curl_off_t connected = 0;
        t->api->easy_getinfo(h, CURLINFO_CONNECT_TIME_T, &connected);
        url_error_prefix(&b, t->method, url);
        if (!connected && !t->got_status) {
            dial_addr(t, h, url, addr, sizeof addr);
            kz_buf_printf(&b, "dial tcp %s: i/o timeout", addr);
        } else if (!t->got_status) {
            kz_buf_puts(&b, "context deadline exceeded (Client.Timeout exceeded while awaiting headers)");
        } else {
            kz_buf_puts(&b, "context deadline exceeded (Client.Timeout or context cancellation while reading body)");
        }
        break;
    }
    case CURLE_PEER_FAILED_VERIFICATION:
        url_error_prefix(&b, t->method, url);
        tls_verify_text(t, h, url, errbuf, &b);
        break;
    case CURLE_SSL_CACERT_BADFILE:
        kz_buf_printf(&b, "can't create TLS config for client: failed to append certificates from file: %s",
                      req->ca_file ? req->ca_file : "");
        break;
    case CURLE_SSL_CERTPROBLEM:
        kz_buf_printf(&b, "can't create TLS config for client: can't load key pair from cert %s and key %s: %s",
                      req->cert_file ? req->cert_file : "", req->key_file ? req->key_file : req->cert_file ? req->cert_file : "",
                      errbuf[0] ? errbuf : "bad certificate or key");
        break;
    case CURLE_GOT_NOTHING:
        url_error_prefix(&b, t->method, url);
        kz_buf_puts(&b, "EOF");
        break;
    case CURLE_WRITE_ERROR:
        url_error_prefix(&b, t->method, url);
        if (t->too_large) kz_buf_printf(&b, "response body larger than %zu bytes", req->max_body_size);
        else kz_buf_puts(&b, errbuf[0] ? errbuf : "failed to store the response body");
        break;
    default:
        url_error_prefix(&b, t->method, url);
        if (strstr(errbuf, "wrong version number")) {
            /* a plain-HTTP server behind an https:// URL */
            kz_buf_puts(&b, "http: server gave HTTP response to HTTPS client");
        } else {
            kz_buf_puts(&b, errbuf[0] ? errbuf : t->api->easy_strerror(rc));
        }
        break;
    }
    kz_value err = kz_error("%s", b.data);
    kz_buf_free(&b);
    return err;
}

/* ---- checks made before connecting (Helm's TLS config and Go's URL checks) ---- */

static kz_value check_files(const kz_http_request *req) {
    char why[128];
    if (req->ca_file) {
        kz_buf pem = KZ_BUF_INIT;
        if (kz_file_read(req->ca_file, &pem, NULL) != 0) {
            kz_buf_free(&pem);
            return kz_error("can't create TLS config for client: can't read CA file: %s", req->ca_file);
        }
        bool has_cert = pem.len && strstr(pem.data, "-----BEGIN CERTIFICATE-----") != NULL;
        kz_buf_free(&pem);
        if (!has_cert) {
            return kz_error("can't create TLS config for client: failed to append certificates from file: %s", req->ca_file);
        }
    }
    const char *key = req->key_file ? req->key_file : req->cert_file;
    const char *files[2] = {req->cert_file, req->cert_file ? key : NULL};
    for (int i = 0; i < 2; i++) {
        if (!files[i] || access(files[i], R_OK) == 0) continue;
        int e = errno;
        return kz_error("can't create TLS config for client: can't load key pair from cert %s and key %s: open %s: %s",
                        req->cert_file, key, files[i], kz_errno_text(e, why, sizeof why));
    }
    return kz_null();
}

static kz_value check_url(const char *method, const char *url) {
    const char *sep = strstr(url, "://");
    size_t slen = sep ? (size_t)(sep - url) : 0;
    if ((slen == 4 && strncasecmp(url, "http", 4) == 0) || (slen == 5 && strncasecmp(url, "https", 5) == 0)) {
        return kz_null();
    }
    kz_buf b = KZ_BUF_INIT;
    url_error_prefix(&b, method, url);
    kz_buf_printf(&b, "unsupported protocol scheme \"%.*s\"", (int)slen, url);
    kz_value err = kz_error("%s", b.data);
    kz_buf_free(&b);
    return err;
}

/* ---- setting up the handle ---- */

#define SETOPT(t, h, opt, val) ((t)->api->easy_setopt((h), (opt), (val)))

static struct curl_slist *build_headers(transfer *t) {
    const kz_http_request *req = t->req;
    struct curl_slist *list = NULL;
    kz_buf line = KZ_BUF_INIT;
    if (req->if_none_match) {
        kz_buf_printf(&line, "If-None-Match: %s", req->if_none_match);
        list = t->api->slist_append(list, line.data);
        kz_buf_clear(&line);
    }
    if (req->if_modified_since) {
        kz_buf_printf(&line, "If-Modified-Since: %s", req->if_modified_since);
        list = t->api->slist_append(list, line.data);
    }
    kz_buf_free(&line);
    /* Go never sends "Expect: 100-continue"; curl would for large uploads */
    list = t->api->slist_append(list, "Expect:");
    for (const char *const *hdr = req->headers; hdr && *hdr; hdr++) list = t->api->slist_append(list, *hdr);
    return list;
}

static void set_method(transfer *t, CURL *h) {
    const char *m = t->method;
    bool bodyful = strcmp(m, "PUT") == 0 || strcmp(m, "POST") == 0 || strcmp(m, "PATCH") == 0;
    t->has_body = bodyful || t->req->body_len || t->req->body_file;
    if (strcmp(m, "HEAD") == 0) {
        SETOPT(t, h, CURLOPT_NOBODY, 1L);
        return;
    }
    if (t->has_body) {
        SETOPT(t, h, CURLOPT_READFUNCTION, on_read);
        SETOPT(t, h, CURLOPT_READDATA, t);
        SETOPT(t, h, CURLOPT_SEEKFUNCTION, on_seek);
        SETOPT(t, h, CURLOPT_SEEKDATA, t);
        if (strcmp(m, "POST") == 0) {
            /* curl's own POST: a 301/302/303 then turns into GET, as in Go */
            SETOPT(t, h, CURLOPT_POST, 1L);
            SETOPT(t, h, CURLOPT_POSTFIELDSIZE_LARGE, t->src_size);
            return;
        }
        SETOPT(t, h, CURLOPT_UPLOAD, 1L);
        SETOPT(t, h, CURLOPT_INFILESIZE_LARGE, t->src_size);
    }
    /* curl's own method is PUT for an upload, else GET */
    if (strcmp(m, t->has_body ? "PUT" : "GET") != 0) SETOPT(t, h, CURLOPT_CUSTOMREQUEST, m);
}

static void set_options(transfer *t, CURL *h, struct curl_slist *headers, char *errbuf, char *proxy, char *noproxy) {
    const kz_http_request *req = t->req;
    SETOPT(t, h, CURLOPT_URL, req->url);
    SETOPT(t, h, CURLOPT_NOSIGNAL, 1L);
    SETOPT(t, h, CURLOPT_ERRORBUFFER, errbuf);
    SETOPT(t, h, CURLOPT_PROTOCOLS_STR, "http,https");
    SETOPT(t, h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    SETOPT(t, h, CURLOPT_HEADERFUNCTION, on_header);
    SETOPT(t, h, CURLOPT_HEADERDATA, t);
    SETOPT(t, h, CURLOPT_WRITEFUNCTION, on_write);
    SETOPT(t, h, CURLOPT_WRITEDATA, t);
    SETOPT(t, h, CURLOPT_HTTPHEADER, headers);
    SETOPT(t, h, CURLOPT_USERAGENT, req->user_agent ? req->user_agent : KZ_HTTP_DEFAULT_USER_AGENT);
    /* Go's transport asks for gzip and decodes it transparently */
    SETOPT(t, h, CURLOPT_ACCEPT_ENCODING, "gzip");
    /* downloads into a file are the big ones (indexes of 50 MB): read them
     * in bigger pieces than curl's 16 KB, a tenth of the system calls */
    if (req->output_dir) SETOPT(t, h, CURLOPT_BUFFERSIZE, 512L * 1024);
    if (!req->no_follow_redirects) {
        SETOPT(t, h, CURLOPT_FOLLOWLOCATION, 1L);
        SETOPT(t, h, CURLOPT_MAXREDIRS, (long)KZ_HTTP_MAX_REDIRECTS);
    }
    long timeout = req->timeout_ms ? req->timeout_ms : KZ_HTTP_DEFAULT_TIMEOUT_MS;
    long connect = req->connect_timeout_ms ? req->connect_timeout_ms : KZ_HTTP_DEFAULT_CONNECT_TIMEOUT_MS;
    SETOPT(t, h, CURLOPT_TIMEOUT_MS, timeout < 0 ? 0L : timeout);
    SETOPT(t, h, CURLOPT_CONNECTTIMEOUT_MS, connect < 0 ? 0L : connect);
    /* proxy chosen here (Go's rules); "" disables curl's own reading of the environment */
    SETOPT(t, h, CURLOPT_PROXY, proxy ? proxy : "");
    if (proxy) SETOPT(t, h, CURLOPT_NOPROXY, noproxy);
    /* TLS */
    if (req->ca_file) SETOPT(t, h, CURLOPT_CAINFO, req->ca_file);
    if (req->cert_file) {
        SETOPT(t, h, CURLOPT_SSLCERT, req->cert_file);
        SETOPT(t, h, CURLOPT_SSLKEY, req->key_file ? req->key_file : req->cert_file);
    }
    if (req->insecure_skip_tls_verify) {
        SETOPT(t, h, CURLOPT_SSL_VERIFYPEER, 0L);
        SETOPT(t, h, CURLOPT_SSL_VERIFYHOST, 0L);
    }
    /* the certificate's names, for Go's "certificate is valid for X, not Y" */
    if (strncasecmp(req->url, "https:", 6) == 0) SETOPT(t, h, CURLOPT_CERTINFO, 1L);
    /* credentials: curl drops them on a redirect to another scheme, host or
     * port unless told otherwise */
    if (req->username) {
        SETOPT(t, h, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
        SETOPT(t, h, CURLOPT_USERNAME, req->username);
        SETOPT(t, h, CURLOPT_PASSWORD, req->password ? req->password : "");
    } else if (req->bearer_token) {
        SETOPT(t, h, CURLOPT_HTTPAUTH, (long)CURLAUTH_BEARER);
        SETOPT(t, h, CURLOPT_XOAUTH2_BEARER, req->bearer_token);
    }
    SETOPT(t, h, CURLOPT_UNRESTRICTED_AUTH, req->pass_credentials ? 1L : 0L);
    set_method(t, h);
}

/* ---- attempts ---- */

static bool retryable_status(long s) {
    return s == 500 || s == 502 || s == 503 || s == 504;
}

static void sleep_ms(long ms) {
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

/* Back to an empty response (and an empty output file) before an attempt. */
static kz_value reset_attempt(transfer *t) {
    kz_http_response *r = t->resp;
    headers_clear(r);
    free(r->status_text);
    r->status_text = NULL;
    r->status = 0;
    kz_buf_clear(&r->body);
    t->received = 0;
    t->too_large = false;
    t->write_errno = 0;
    t->got_status = false;
    t->src_pos = 0;
    if (t->src_fp && fseeko(t->src_fp, 0, SEEK_SET) != 0) {
        char why[128];
        return kz_error("seek %s: %s", t->req->body_file, kz_errno_text(errno, why, sizeof why));
    }
    if (t->out_fp) {
        if (fflush(t->out_fp) != 0 || ftruncate(fileno(t->out_fp), 0) != 0 || fseeko(t->out_fp, 0, SEEK_SET) != 0) {
            char why[128];
            return kz_error("write %s: %s", r->body_file, kz_errno_text(errno, why, sizeof why));
        }
    }
    return kz_null();
}

#define OUT_BUF_SIZE (256u * 1024)

static kz_value open_output(transfer *t) {
    kz_buf path = KZ_BUF_INIT;
    kz_buf_printf(&path, "%s/.hm-download-XXXXXX", t->req->output_dir);
    int fd = mkstemp(path.data);
    char why[128];
    if (fd < 0) {
        kz_value err = kz_error("open %s: %s", path.data, kz_errno_text(errno, why, sizeof why));
        kz_buf_free(&path);
        return err;
    }
    /* as Go's os.WriteFile(..., 0644) under the usual umask */
    (void)fchmod(fd, 0644);
    t->resp->body_file = kz_buf_detach(&path, NULL);
    t->out_fp = fdopen(fd, "wb");
    if (!t->out_fp) {
        close(fd);
        return kz_error("open %s: %s", t->resp->body_file, kz_errno_text(errno, why, sizeof why));
    }
    /* curl hands the body over 16 KB at a time: written through stdio's
     * 4 KB buffer, that was two system calls each */
    t->out_buf = kz_xmalloc(OUT_BUF_SIZE);
    (void)setvbuf(t->out_fp, t->out_buf, _IOFBF, OUT_BUF_SIZE);
    return kz_null();
}

static kz_value open_body(transfer *t) {
    const kz_http_request *req = t->req;
    if (!req->body_file) {
        t->src = req->body;
        t->src_len = req->body_len;
        t->src_size = (curl_off_t)req->body_len;
        return kz_null();
    }
    char why[128];
    t->src_fp = fopen(req->body_file, "rb");
    struct stat st;
    if (!t->src_fp) return kz_error("open %s: %s", req->body_file, kz_errno_text(errno, why, sizeof why));
    if (fstat(fileno(t->src_fp), &st) != 0) return kz_error("stat %s: %s", req->body_file, kz_errno_text(errno, why, sizeof why));
    t->src_size = (curl_off_t)st.st_size;
    return kz_null();
}

static void fill_common_headers(kz_http_response *r) {
    r->etag = kz_http_response_header(r, "ETag");
    r->last_modified = kz_http_response_header(r, "Last-Modified");
    r->content_type = kz_http_response_header(r, "Content-Type");
    r->location = kz_http_response_header(r, "Location");
    r->www_authenticate = kz_http_response_header(r, "WWW-Authenticate");
    r->docker_content_digest = kz_http_response_header(r, "Docker-Content-Digest");
}

static kz_value perform(transfer *t, CURL *h) {
    const kz_http_request *req = t->req;
    kz_http_response *resp = t->resp;
    char errbuf[CURL_ERROR_SIZE];
    char *proxy = kz_http_proxy_for_url(req->url);
    char *noproxy = proxy ? kz_http_noproxy_list() : NULL;
    struct curl_slist *headers = build_headers(t);
    set_options(t, h, headers, errbuf, proxy, noproxy);

    int retries = req->max_retries < 0 ? 0 : req->max_retries ? req->max_retries : KZ_HTTP_DEFAULT_RETRIES;
    kz_value result = kz_null();
    for (int attempt = 0;; attempt++) {
        if (attempt) sleep_ms(100L << (attempt - 1));
        result = reset_attempt(t);
        if (!kz_is_valid(&result)) break;
        errbuf[0] = '\0';
        resp->attempts++;
        CURLcode rc = t->api->easy_perform(h);
        if (t->out_fp && rc == CURLE_OK && fflush(t->out_fp) != 0) t->write_errno = errno, rc = CURLE_WRITE_ERROR;
        if (rc != CURLE_OK) {
            result = transport_error(t, h, rc, errbuf);
            if (rc == CURLE_OPERATION_TIMEDOUT && attempt < retries) {
                kz_free(result);
                continue;
            }
            break;
        }
        resp->status = info_long(t, h, CURLINFO_RESPONSE_CODE);
        if (retryable_status(resp->status) && attempt < retries) continue;
        break;
    }
    resp->effective_url = kz_xstrdup(effective_url(t, h));
    if (!resp->status_text && resp->status) {
        kz_buf b = KZ_BUF_INIT;
        kz_buf_printf(&b, "%ld %s", resp->status, kz_http_status_text(resp->status));
        resp->status_text = kz_buf_detach(&b, NULL);
    }
    fill_common_headers(resp);
    t->api->slist_free_all(headers);
    free(proxy);
    free(noproxy);
    return result;
}

kz_value kz_http_do(const kz_http_request *req, kz_http_response *resp) {
    memset(resp, 0, sizeof *resp);
    transfer t = {.req = req, .resp = resp, .method = req->method ? req->method : "GET"};
    kz_value err = check_url(t.method, req->url ? req->url : "");
    if (!kz_is_valid(&err)) return err;
    err = check_files(req);
    if (!kz_is_valid(&err)) return err;
    t.api = kz_curl_api_get(&err);
    if (!t.api) return err;
    CURL *h = t.api->easy_init();
    if (!h) return kz_error("libcurl failed to create a transfer");
    err = open_body(&t);
    if (kz_is_valid(&err) && req->output_dir) {
        err = open_output(&t);
    }
    if (kz_is_valid(&err)) err = perform(&t, h);
    t.api->easy_cleanup(h);
    if (t.src_fp) fclose(t.src_fp);
    if (t.out_fp && fclose(t.out_fp) != 0 && kz_is_valid(&err)) {
        char why[128];
        err = kz_error("write %s: %s", resp->body_file, kz_errno_text(errno, why, sizeof why));
    }
    free(t.out_buf); /* (after fclose: the stream flushes from it) */
    if (!kz_is_valid(&err) && resp->body_file) {
        unlink(resp->body_file);
        free(resp->body_file);
        resp->body_file = NULL;
    }
    return err;
}

kz_value kz_http_fetch(const kz_http_request *req, kz_http_response *resp) {
    kz_value err = kz_http_do(req, resp);
    if (!kz_is_valid(&err)) return err;
    if (resp->status < 200 || resp->status > 299) {
        return kz_error("failed to fetch %s : %s", req->url, resp->status_text ? resp->status_text : "");
    }
    return err;
}

const char *kz_http_response_header(const kz_http_response *resp, const char *name) {
    for (size_t i = resp->header_count; i > 0; i--) {
        if (strcasecmp(resp->header_names[i - 1], name) == 0) return resp->header_values[i - 1];
    }
    return NULL;
}

kz_value kz_http_response_commit(kz_http_response *resp, const char *path) {
    if (!resp->body_file) return kz_error("rename %s: no downloaded file", path);
    if (rename(resp->body_file, path) != 0) {
        char why[128];
        return kz_error("rename %s %s: %s", resp->body_file, path, kz_errno_text(errno, why, sizeof why));
    }
    free(resp->body_file);
    resp->body_file = NULL;
    return kz_null();
}

void kz_http_response_free(kz_http_response *resp) {
    headers_clear(resp);
    free(resp->status_text);
    kz_buf_free(&resp->body);
    if (resp->body_file) {
        unlink(resp->body_file);
        free(resp->body_file);
    }
    free(resp->effective_url);
    memset(resp, 0, sizeof *resp);
}

const char *kz_http_status_text(long code) {
    switch (code) {
    case 100: return "Continue";
    case 101: return "Switching Protocols";
    case 102: return "Processing";
    case 103: return "Early Hints";
    case 200: return "OK";
    case 201: return "Created";
    case 202: return "Accepted";
    case 203: return "Non-Authoritative Information";
    case 204: return "No Content";
    case 205: return "Reset Content";
    case 206: return "Partial Content";
    case 207: return "Multi-Status";
    case 208: return "Already Reported";
    case 226: return "IM Used";
    case 300: return "Multiple Choices";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 303: return "See Other";
    case 304: return "Not Modified";
    case 305: return "Use Proxy";
    case 307: return "Temporary Redirect";
    case 308: return "Permanent Redirect";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 402: return "Payment Required";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 406: return "Not Acceptable";
    case 407: return "Proxy Authentication Required";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 410: return "Gone";
    case 411: return "Length Required";
    case 412: return "Precondition Failed";
    case 413: return "Request Entity Too Large";
    case 414: return "Request URI Too Long";
    case 415: return "Unsupported Media Type";
    case 416: return "Requested Range Not Satisfiable";
    case 417: return "Expectation Failed";
    case 418: return "I'm a teapot";
    case 421: return "Misdirected Request";
    case 422: return "Unprocessable Entity";
    case 423: return "Locked";
    case 424: return "Failed Dependency";
    case 425: return "Too Early";
    case 426: return "Upgrade Required";
    case 428: return "Precondition Required";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 451: return "Unavailable For Legal Reasons";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    case 505: return "HTTP Version Not Supported";
    case 506: return "Variant Also Negotiates";
    case 507: return "Insufficient Storage";
    case 508: return "Loop Detected";
    case 510: return "Not Extended";
    case 511: return "Network Authentication Required";
    default: return "";
    }
}
