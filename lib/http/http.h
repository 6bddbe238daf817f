/*
 * HTTP(S) client over libcurl: one request in, one response out.
 *
 * What the repository commands need from Helm's getter (Go's net/http client
 * as Helm configures it), and nothing about repositories themselves:
 *
 *   - TLS with a CA file (replacing the system roots, as Helm does), a client
 *     certificate, or no verification at all;
 *   - basic auth or a bearer token. After a redirect to another host (scheme,
 *     host and port all count: libcurl's rule) credentials are dropped unless
 *     pass_credentials is set;
 *   - redirects followed (at most 10, as Go: "stopped after 10 redirects");
 *   - proxies from the environment as Go's http.ProxyFromEnvironment reads
 *     them: HTTP_PROXY/http_proxy for http URLs, HTTPS_PROXY/https_proxy for
 *     https, NO_PROXY/no_proxy, never for localhost or loopback addresses.
 *     The choice is made for the request's URL; a redirect to another host
 *     keeps that proxy, minus the NO_PROXY hosts (libcurl's matching);
 *   - a small retry budget for timeouts and 5xx answers;
 *   - the body in memory or streamed to a temporary file.
 *
 * ERRORS. kz_http_do returns an error value only when no HTTP answer came
 * back (or the body could not be stored); a 404 is a response. Messages read
 * as Go's url.Error, which Helm prints:
 *   Get "http://127.0.0.1:1/index.yaml": dial tcp 127.0.0.1:1: connect: connection refused
 *   Get "https://...": tls: failed to verify certificate: x509: certificate signed by unknown authority
 *   Get "http://nosuch.invalid/index.yaml": dial tcp: lookup nosuch.invalid: no such host
 *   Get "...": context deadline exceeded (Client.Timeout exceeded while awaiting headers)
 *   Get "...": stopped after 10 redirects
 * The URL is the one that failed (after redirects, the last one). Bad TLS
 * files fail before any connection, as Helm's:
 *   can't create TLS config for client: can't read CA file: PATH
 *
 * THREADS. Every call is independent (one curl handle per call); nothing is
 * printed; the only global state is the libcurl loader (http/curl_api.h).
 */
#ifndef KZ_HTTP_HTTP_H
#define KZ_HTTP_HTTP_H

#include <stdbool.h>
#include <stddef.h>

#include "core/buf.h"
#include "core/value.h"

/* Defaults taken for zero fields of kz_http_request. */
#define KZ_HTTP_DEFAULT_TIMEOUT_MS 120000        /* helm's getter: 120 s per request */
#define KZ_HTTP_DEFAULT_CONNECT_TIMEOUT_MS 30000 /* Go's default dialer: 30 s */
#define KZ_HTTP_DEFAULT_RETRIES 2
#define KZ_HTTP_MAX_REDIRECTS 10                 /* Go's http.Client */
#define KZ_HTTP_DEFAULT_USER_AGENT "hm/" KZ_VERSION

/* One request. Everything is borrowed for the duration of the call. A
 * zero-initialised struct with a url is a plain GET with the defaults. */
typedef struct kz_http_request {
    const char *method; /* NULL = "GET"; also "HEAD", "PUT", "POST", "PATCH", "DELETE" */
    const char *url;    /* http:// or https:// */
    /* Extra headers, "Name: value" each, NULL-terminated (may be NULL). */
    const char *const *headers;
    /* Request body: body_len bytes at body (may be 0 with body NULL), or the
     * contents of body_file (large uploads are streamed, never loaded). A
     * body is sent with a Content-Length whenever one is given or the method
     * is PUT, POST or PATCH. */
    const char *body;
    size_t body_len;
    const char *body_file;

    /* TLS */
    const char *ca_file;   /* PEM roots to trust instead of the system's */
    const char *cert_file; /* client certificate (PEM) ... */
    const char *key_file;  /* ... and its key (PEM; cert_file when NULL) */
    bool insecure_skip_tls_verify;

    /* Authentication: basic auth when username is set (sent on the first
     * request, as Go's SetBasicAuth), else a bearer token when set. */
    const char *username;
    const char *password;
    const char *bearer_token;
    bool pass_credentials; /* also send them to other hosts after redirects */

    /* Conditional GET: sent as If-None-Match / If-Modified-Since. */
    const char *if_none_match;
    const char *if_modified_since;

    bool no_follow_redirects; /* return 3xx answers as they are */
    long timeout_ms;          /* whole transfer per attempt; 0 = default, <0 = none */
    long connect_timeout_ms;  /* 0 = default, <0 = none */
    /* Extra attempts after a timeout or a 500/502/503/504 answer, waiting
     * 100 ms, 200 ms, ... in between. 0 = KZ_HTTP_DEFAULT_RETRIES, <0 = none.
     * Every method is retried: bodies always come from memory or a file, so
     * they can be sent again. */
    int max_retries;
    size_t max_body_size; /* 0 = unlimited; a larger body is an error */
    const char *user_agent; /* NULL = KZ_HTTP_DEFAULT_USER_AGENT; helm sends "Helm/3.17.3" */

    /* Stream the response body into a new temporary file in this directory
     * (".hm-download-XXXXXX") instead of memory; see kz_http_response_commit. */
    const char *output_dir;
} kz_http_request;

/* One response; owns all its fields. Zero-initialise, or use
 * KZ_HTTP_RESPONSE_INIT, before kz_http_do; free with kz_http_response_free. */
typedef struct kz_http_response {
    long status;       /* 200, 404, ... (0 when no answer came) */
    char *status_text; /* Go's resp.Status: "404 Not Found" (the server's
                        * reason phrase over HTTP/1.x, Go's text over HTTP/2) */
    kz_buf body;       /* the body, unless output_dir was given */
    char *body_file;   /* output_dir: the temporary file holding the body */
    char *effective_url; /* the URL that answered, after redirects */
    int attempts;      /* requests made, retries included */
    /* The final response's headers, in order (names as sent). */
    char **header_names;
    char **header_values;
    size_t header_count;
    /* Common headers (NULL when absent): pointers into header_values. */
    const char *etag;
    const char *last_modified;
    const char *content_type;
    const char *location; /* seen when redirects are not followed */
    const char *www_authenticate;
    const char *docker_content_digest;
} kz_http_response;

#define KZ_HTTP_RESPONSE_INIT {0}

/* Perform the request. Returns kz_null() with *resp filled in (any status),
 * or an owned error value (see ERRORS above; resp then holds what was known,
 * body_file removed). *resp must be empty (initialised or freed). */
kz_value kz_http_do(const kz_http_request *req, kz_http_response *resp);

/* The "GET must succeed" case of Helm's getter: kz_http_do, then a status
 * outside 200..299 becomes the error "failed to fetch URL : 404 Not Found"
 * (URL as requested; the status as Go's resp.Status). *resp is filled either
 * way. A conditional GET wants kz_http_do: 304 is an error here. */
kz_value kz_http_fetch(const kz_http_request *req, kz_http_response *resp);

/* The value of a response header, case-insensitively by name (the last one
 * when repeated), or NULL. Borrowed from resp. */
const char *kz_http_response_header(const kz_http_response *resp, const char *name);

/* Move the downloaded body_file to `path` (rename(2): same file system, as
 * the temporary file lives in output_dir). Returns kz_null(), or an error
 * value "rename TMP PATH: reason" (the temporary file is then still owned by
 * resp and removed by kz_http_response_free). */
kz_value kz_http_response_commit(kz_http_response *resp, const char *path);

/* Release everything; an uncommitted body_file is removed. Leaves *resp
 * empty and reusable. */
void kz_http_response_free(kz_http_response *resp);

/* Go's http.StatusText for a code ("Not Found"), "" for unknown codes. */
const char *kz_http_status_text(long code);

/* Whether Go's ProxyFromEnvironment sends a request for `url` through a proxy,
 * and which: an owned "scheme://host:port" string, or NULL for a direct
 * connection. Reads the environment (see above). Exposed for tests. */
char *kz_http_proxy_for_url(const char *url);

#endif
