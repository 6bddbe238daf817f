/*
 * One conversation with a registry: the URL scheme, the 401 challenge
 * (basic or bearer token, as the distribution spec's token flow), the
 * https-to-http fallback of helm v3, and the registry's error texts.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/alloc.h"
#include "core/buf.h"
#include "json/json.h"
#include "oci/oci_internal.h"

char *oci_replace_char(const char *s, char from, char to) {
    char *r = kz_xstrdup(s);
    for (char *p = r; *p; p++)
        if (*p == from) *p = to;
    return r;
}

bool oci_host_is_loopback(const char *registry) {
    char host[256];
    size_t n = strlen(registry);
    if (n >= sizeof host) return false;
    memcpy(host, registry, n + 1);
    if (host[0] == '[') { /* [::1]:5000 */
        char *end = strchr(host, ']');
        if (!end) return false;
        *end = '\0';
        return strcmp(host + 1, "::1") == 0;
    }
    char *colon = strchr(host, ':');
    if (colon) *colon = '\0';
    if (strcmp(host, "localhost") == 0) return true;
    /* 127.0.0.0/8 */
    return strncmp(host, "127.", 4) == 0 && strspn(host, "0123456789.") == strlen(host);
}

kz_value oci_session_init(oci_session *s, const char *registry, const kz_oci_opts *opts, oci_flavor flavor) {
    static const kz_oci_opts none = {0};
    memset(s, 0, sizeof *s);
    s->opts = opts ? opts : &none;
    s->flavor = flavor;
    s->actions = "pull";
    s->registry = kz_xstrdup(registry);
    s->http = s->opts->plain_http || (flavor == OCI_CONTAINERD && oci_host_is_loopback(registry));
    s->fallback_ok = !s->http && flavor != OCI_ORAS;
    if (s->opts->username && *s->opts->username) {
        s->user = kz_xstrdup(s->opts->username);
        s->pass = kz_xstrdup(s->opts->password ? s->opts->password : "");
        return kz_null();
    }
    if (s->opts->registry_config) {
        kz_value err = kz_oci_credentials(s->opts->registry_config, registry, &s->user, &s->pass);
        if (!kz_is_null(&err)) {
            oci_session_free(s);
            return err;
        }
    }
    return kz_null();
}

void oci_session_free(oci_session *s) {
    free(s->registry);
    free(s->user);
    free(s->pass);
    free(s->token);
    free(s->token_error);
    memset(s, 0, sizeof *s);
}

char *oci_url(const oci_session *s, const char *path) {
    kz_buf b = KZ_BUF_INIT;
    kz_buf_printf(&b, "%s://%s%s", s->http ? "http" : "https", s->registry, path);
    return kz_buf_detach(&b, NULL);
}

/* ---- WWW-Authenticate ---- */

typedef struct challenge {
    char scheme[16]; /* lower case: "basic", "bearer" */
    char *realm, *service, *scope;
} challenge;

static void challenge_free(challenge *c) {
    free(c->realm);
    free(c->service);
    free(c->scope);
}

/* `Scheme k="v", k2=v2`: quoted strings may hold backslash escapes. */
static void challenge_parse(const char *h, challenge *c) {
    memset(c, 0, sizeof *c);
    while (*h == ' ') h++;
    size_t i = 0;
    while (*h && *h != ' ' && i + 1 < sizeof c->scheme) c->scheme[i++] = (char)tolower((unsigned char)*h++);
    c->scheme[i] = '\0';
    while (*h) {
        while (*h == ' ' || *h == ',') h++;
        const char *k = h;
        while (*h && *h != '=' && *h != ' ' && *h != ',') h++;
        size_t klen = (size_t)(h - k);
        if (*h != '=') continue;
        h++;
        kz_buf v = KZ_BUF_INIT;
        if (*h == '"') {
            h++;
            while (*h && *h != '"') {
                if (*h == '\\' && h[1]) h++;
                kz_buf_putc(&v, *h++);
            }
            if (*h == '"') h++;
        } else {
            while (*h && *h != ',' && *h != ' ') kz_buf_putc(&v, *h++);
        }
        char *val = kz_buf_detach(&v, NULL);
        char **slot = NULL;
        if (klen == 5 && strncasecmp(k, "realm", 5) == 0) slot = &c->realm;
        else if (klen == 7 && strncasecmp(k, "service", 7) == 0) slot = &c->service;
        else if (klen == 5 && strncasecmp(k, "scope", 5) == 0) slot = &c->scope;
        if (slot) {
            free(*slot);
            *slot = val;
        } else {
            free(val);
        }
    }
}

static void url_escape(kz_buf *b, const char *s) {
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') kz_buf_putc(b, (char)c);
        else kz_buf_printf(b, "%%%02X", c);
    }
}

/* Add "repository:R:ACTIONS" to a list of scopes unless already there. */
static void scope_add(char **list, size_t *n, const char *scope) {
    for (size_t i = 0; i < *n; i++)
        if (strcmp(list[i], scope) == 0) return;
    list[(*n)++] = kz_xstrdup(scope);
}

/* ORAS v2 merges the scopes of one repository: "pull" and "pull,push" make
 * "pull,push" (actions sorted, deduplicated). */
static char *scope_merge(const char *own, const char *chal) {
    const char *oa = strrchr(own, ':'), *ca = chal ? strrchr(chal, ':') : NULL;
    if (!ca || (size_t)(oa - own) != (size_t)(ca - chal) || strncmp(own, chal, (size_t)(oa - own)) != 0)
        return NULL;
    const char *names[] = {"delete", "pull", "push", "*"};
    kz_buf b = KZ_BUF_INIT;
    kz_buf_append(&b, own, (size_t)(oa - own) + 1);
    bool any = false;
    for (size_t i = 0; i < 4; i++) {
        size_t nl = strlen(names[i]);
        bool in = false;
        for (const char *acts[] = {oa + 1, ca + 1}, **a = acts; a < acts + 2; a++) {
            for (const char *p = *a; *p;) {
                size_t l = strcspn(p, ",");
                if (l == nl && strncmp(p, names[i], nl) == 0) in = true;
                p += l + (p[l] == ',');
            }
        }
        if (in) {
            kz_buf_printf(&b, "%s%s", any ? "," : "", names[i]);
            any = true;
        }
    }
    return kz_buf_detach(&b, NULL);
}

/* The token request's URL: realm plus the query each client sends (Go's
 * url.Values.Encode: keys sorted). */
static char *token_url(const oci_session *s, const challenge *c) {
    kz_buf url = KZ_BUF_INIT;
    kz_buf_puts(&url, c->realm);
    char sep = strchr(c->realm, '?') ? '&' : '?';
#define PARAM(k, v)                                                                                                   \
    do {                                                                                                              \
        kz_buf_printf(&url, "%c%s=", sep, k);                                                                         \
        url_escape(&url, v);                                                                                          \
        sep = '&';                                                                                                    \
    } while (0)
    if (s->flavor == OCI_DOCKER) {
        /* docker's login asks for an offline token, no scope */
        if (s->user) PARAM("account", s->user);
        PARAM("client_id", "docker");
        PARAM("offline_token", "true");
    } else if (s->repository) {
        char own[512];
        snprintf(own, sizeof own, "repository:%s:%s", s->repository, s->actions);
        char *scopes[2];
        size_t n = 0;
        char *merged = s->flavor == OCI_ORAS ? scope_merge(own, c->scope) : NULL;
        if (merged) {
            scopes[n++] = merged;
        } else {
            scope_add(scopes, &n, own);
            if (c->scope && *c->scope) scope_add(scopes, &n, c->scope);
        }
        for (size_t i = 0; i < n; i++) {
            PARAM("scope", scopes[i]);
            free(scopes[i]);
        }
    } else if (c->scope && *c->scope) {
        PARAM("scope", c->scope);
    }
    if (c->service && *c->service) PARAM("service", c->service);
#undef PARAM
    return kz_buf_detach(&url, NULL);
}

/* The token flow: GET the realm (basic auth when we have credentials); the
 * answer's "token" (or "access_token"). A refusal is kept in token_error in
 * the words of the client helm would have used. */
static bool fetch_token(oci_session *s, const challenge *c, const char *request_url) {
    free(s->token_error);
    s->token_error = NULL;
    if (!c->realm || !*c->realm) {
        s->token_error = kz_xstrdup("failed to authorize: bearer challenge without a realm");
        return false;
    }
    char *url = token_url(s, c);
    kz_http_request req = {
        .url = url,
        .username = s->user,
        .password = s->user ? s->pass : NULL,
        .ca_file = s->opts->ca_file,
        .cert_file = s->opts->cert_file,
        .key_file = s->opts->key_file,
        .insecure_skip_tls_verify = s->opts->insecure_skip_tls_verify,
        .user_agent = s->opts->user_agent ? s->opts->user_agent : KZ_OCI_USER_AGENT,
        .timeout_ms = s->opts->timeout_ms,
    };
    kz_http_response resp = KZ_HTTP_RESPONSE_INIT;
    kz_value err = kz_http_do(&req, &resp);
    kz_buf msg = KZ_BUF_INIT;
    if (!kz_is_null(&err)) {
        kz_buf_printf(&msg, "%s%s", s->flavor == OCI_CONTAINERD ? "failed to authorize: " : "", kz_error_message(&err));
    } else if (resp.status < 200 || resp.status > 299) {
        if (s->flavor == OCI_CONTAINERD) {
            kz_buf_printf(&msg, "failed to authorize: failed to fetch anonymous token: unexpected status from GET request to %s: %s",
                          url, resp.status_text ? resp.status_text : "");
        } else if (s->flavor == OCI_ORAS) {
            kz_value e = oci_status_error("GET", &resp, url);
            kz_buf_printf(&msg, "GET \"%s\": %s", request_url, kz_error_message(&e));
            kz_free(e);
        } else {
            kz_buf_printf(&msg, "Get \"%s\": unauthorized: ", request_url);
            kz_buf_append(&msg, resp.body.data ? resp.body.data : "", resp.body.len);
        }
    } else {
        kz_value doc = kz_json_parse(resp.body.data ? resp.body.data : "", resp.body.len, NULL);
        const kz_value *tok = kz_is_map(&doc) ? kz_map_getz(&doc, "token") : NULL;
        if (!tok || !kz_is_string(tok) || !kz_str_len(tok)) tok = kz_is_map(&doc) ? kz_map_getz(&doc, "access_token") : NULL;
        if (tok && kz_is_string(tok) && kz_str_len(tok)) {
            free(s->token);
            s->token = kz_xstrdup(kz_str(tok));
        } else {
            kz_buf_printf(&msg, "failed to fetch token from %s: no token in the answer", url);
        }
        kz_free(doc);
    }
    kz_free(err);
    kz_http_response_free(&resp);
    free(url);
    if (msg.len) s->token_error = kz_buf_detach(&msg, NULL);
    kz_buf_free(&msg);
    return s->token_error == NULL;
}

/* ---- requests ---- */

static kz_value send_once(oci_session *s, const char *path, const kz_http_request *in, kz_http_response *resp) {
    char *url = strncmp(path, "http://", 7) == 0 || strncmp(path, "https://", 8) == 0 ? kz_xstrdup(path) : oci_url(s, path);
    kz_http_request req = *in;
    req.url = url;
    req.ca_file = s->opts->ca_file;
    req.cert_file = s->opts->cert_file;
    req.key_file = s->opts->key_file;
    req.insecure_skip_tls_verify = s->opts->insecure_skip_tls_verify;
    /* docker treats loopback registries as insecure: https unverified, then http */
    if (s->flavor == OCI_DOCKER && oci_host_is_loopback(s->registry)) req.insecure_skip_tls_verify = true;
    req.user_agent = s->opts->user_agent ? s->opts->user_agent : KZ_OCI_USER_AGENT;
    if (!req.timeout_ms) req.timeout_ms = s->opts->timeout_ms;
    req.no_follow_redirects = in->no_follow_redirects;
    req.username = req.password = req.bearer_token = NULL;
    if (s->token) req.bearer_token = s->token;
    else if (s->basic && s->user) {
        req.username = s->user;
        req.password = s->pass;
    }
    kz_value err = kz_http_do(&req, resp);
    bool loopback_login = s->flavor == OCI_DOCKER && oci_host_is_loopback(s->registry);
    if (!kz_is_null(&err) && s->fallback_ok && !s->http && strncmp(url, "https://", 8) == 0 &&
        (loopback_login || strstr(kz_error_message(&err), "server gave HTTP response to HTTPS client"))) {
        /* helm v3's fallbackTransport: retry over http, and stay there */
        kz_free(err);
        kz_http_response_free(resp);
        s->http = true;
        char *again = kz_xmalloc(strlen(url));
        strcpy(again, "http://");
        strcat(again, url + 8);
        req.url = again;
        err = kz_http_do(&req, resp);
        free(again);
    }
    free(url);
    return err;
}

kz_value oci_do(oci_session *s, const char *path, const kz_http_request *req, kz_http_response *resp) {
    kz_value err = send_once(s, path, req, resp);
    if (!kz_is_null(&err) || resp->status != 401) return err;
    const char *h = resp->www_authenticate ? resp->www_authenticate : kz_http_response_header(resp, "WWW-Authenticate");
    challenge c;
    challenge_parse(h ? h : "", &c);
    bool retry = false;
    if (strcmp(c.scheme, "basic") == 0) {
        if (!s->user) {
            s->auth_fail = OCI_AUTH_NO_CREDS;
        } else if (!s->basic) {
            s->basic = true;
            retry = true;
        } else {
            s->auth_fail = OCI_AUTH_REJECTED;
        }
    } else if (strcmp(c.scheme, "bearer") == 0) {
        free(s->token);
        s->token = NULL;
        char *rurl = resp->effective_url ? kz_xstrdup(resp->effective_url) : oci_url(s, path);
        if (fetch_token(s, &c, rurl)) retry = true;
        else s->auth_fail = OCI_AUTH_TOKEN;
        free(rurl);
    } else {
        s->auth_fail = s->user ? OCI_AUTH_REJECTED : OCI_AUTH_NO_CREDS;
    }
    challenge_free(&c);
    if (!retry) return kz_null();
    kz_http_response_free(resp);
    err = send_once(s, path, req, resp);
    if (kz_is_null(&err) && resp->status == 401 && s->auth_fail == OCI_AUTH_OK)
        s->auth_fail = s->user ? OCI_AUTH_REJECTED : OCI_AUTH_NO_CREDS;
    else if (kz_is_null(&err) && resp->status != 401)
        s->auth_fail = OCI_AUTH_OK;
    return err;
}

const char *oci_auth_reason(const oci_session *s) {
    /* containerd's words for a basic challenge it could not answer (helm
     * says this for a wrong password too: it sends them once, then gives up) */
    return "no basic auth credentials";
}

kz_value oci_status_error(const char *method, const kz_http_response *resp, const char *url) {
    kz_buf b = KZ_BUF_INIT;
    kz_buf_printf(&b, "%s \"%s\": unexpected status code %ld: ", method, url, resp->status);
    size_t before = b.len;
    kz_value doc = resp->body.len ? kz_json_parse(resp->body.data, resp->body.len, NULL) : kz_null();
    const kz_value *errs = kz_is_map(&doc) ? kz_map_getz(&doc, "errors") : NULL;
    if (errs && kz_is_seq(errs)) {
        for (size_t i = 0; i < kz_len(errs); i++) {
            const kz_value *e = kz_seq_at(errs, i);
            const kz_value *code = kz_is_map(e) ? kz_map_getz(e, "code") : NULL;
            const kz_value *msg = kz_is_map(e) ? kz_map_getz(e, "message") : NULL;
            if (i) kz_buf_puts(&b, "; ");
            /* "NAME_UNKNOWN" -> "name unknown" */
            for (const char *c = code ? kz_str(code) : ""; *c; c++)
                kz_buf_putc(&b, *c == '_' ? ' ' : (char)tolower((unsigned char)*c));
            if (msg && kz_str_len(msg)) kz_buf_printf(&b, ": %s", kz_str(msg));
        }
    }
    if (b.len == before) kz_buf_puts(&b, kz_http_status_text(resp->status));
    kz_free(doc);
    kz_value err = kz_error("%s", b.data);
    kz_buf_free(&b);
    return err;
}
