/*
 * Shared between the files of lib/oci: one registry conversation (scheme,
 * credentials, token) and the registry's error texts. Not part of the API.
 */
#ifndef KZ_OCI_INTERNAL_H
#define KZ_OCI_INTERNAL_H

#include <stdbool.h>

#include "http/http.h"
#include "oci/oci.h"

/* What an unanswered 401 left behind, for the callers' messages. */
typedef enum oci_auth_fail {
    OCI_AUTH_OK = 0,
    OCI_AUTH_NO_CREDS,   /* Basic challenge and no credentials */
    OCI_AUTH_REJECTED,   /* credentials sent, still 401 */
    OCI_AUTH_TOKEN,      /* the token server refused (message in token_error) */
} oci_auth_fail;

/* Helm v3.17 talks to registries through three stacks, each with its own
 * transport rules and error texts; a session behaves as one of them. */
typedef enum oci_flavor {
    OCI_CONTAINERD, /* push and pull (containerd's resolver via ORAS v1) */
    OCI_ORAS,       /* tag listing and resolution (ORAS v2) */
    OCI_DOCKER,     /* registry login (docker's login code) */
} oci_flavor;

typedef struct oci_session {
    const kz_oci_opts *opts;
    oci_flavor flavor;
    const char *repository; /* for token scopes (borrowed; NULL for login) */
    const char *actions;    /* "pull" or "pull,push" */
    char *registry;   /* HOST[:PORT] */
    bool http;        /* plain http (asked for, a loopback host, or fallen back to) */
    bool fallback_ok; /* may switch to http when an https request meets a plain-HTTP server */
    char *user, *pass;
    char *token;      /* bearer token once fetched */
    bool basic;       /* the registry asked for basic auth */
    oci_auth_fail auth_fail;
    char *token_error; /* the whole message, in the flavor's words */
} oci_session;

/* A session for `registry`: credentials from opts, else the registry config.
 * Transport: containerd uses plain http for loopback hosts; ORAS v2 uses
 * https unless --plain-http, with no fallback; docker's login tries https
 * then http for loopback hosts. containerd and docker also fall back to
 * http when an https request meets a plain-HTTP server (helm v3's
 * fallbackTransport). Returns kz_null() or an error (unreadable config).
 * Free with oci_session_free. */
kz_value oci_session_init(oci_session *s, const char *registry, const kz_oci_opts *opts, oci_flavor flavor);
void oci_session_free(oci_session *s);

/* "http(s)://REGISTRY" + path, owned. */
char *oci_url(const oci_session *s, const char *path);

/* One request to the registry: path ("/v2/..."), or a full URL (upload
 * locations). Answers a 401 challenge once (basic or bearer), falls back to
 * http as described in oci.h. Returns kz_null() with *resp filled (any
 * status; a final 401 sets s->auth_fail), or lib/http's error. `req` gives
 * method, headers and body; its url and auth fields are set here. */
kz_value oci_do(oci_session *s, const char *path, const kz_http_request *req, kz_http_response *resp);

/* ORAS's text for a registry error answer:
 * `METHOD "URL": unexpected status code N: code words: message[; ...]`
 * (Go's status text when the body holds no errors). */
kz_value oci_status_error(const char *method, const kz_http_response *resp, const char *url);

/* The text after "authorization failed: " style prefixes for a failed auth:
 * "no basic auth credentials", or the token server's error. */
const char *oci_auth_reason(const oci_session *s);

/* Whether host (no port) is a loopback name or address: containerd and
 * docker talk plain http to those. */
bool oci_host_is_loopback(const char *registry);

/* helm push's check of REMOTE: "scheme prefix missing from remote (e.g.
 * \"oci://\")", `scheme "http" not supported`, or kz_null(). */
kz_value oci_check_remote(const char *remote);

/* Go's strings.ReplaceAll(s, from, to) for single characters; owned. */
char *oci_replace_char(const char *s, char from, char to);

#endif
