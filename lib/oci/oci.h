/*
 * OCI registries for charts: `helm push`, `helm pull oci://...`, `helm
 * registry login|logout` and OCI dependencies, as Helm v3.17.3 does them
 * (its pkg/registry over ORAS and containerd's resolver), so that each tool
 * pulls what the other pushed.
 *
 * THE ARTIFACT (byte for byte what helm writes):
 *   manifest  {"schemaVersion":2,"config":DESC,"layers":[DESC...],"annotations":{...}}
 *             no top-level mediaType; sent as application/vnd.oci.image.manifest.v1+json
 *   DESC      {"mediaType":...,"digest":"sha256:...","size":N}
 *   config    application/vnd.cncf.helm.config.v1+json: the chart's Chart.yaml
 *             metadata as Go's json.Marshal(chart.Metadata) writes it (struct
 *             order, empty fields out; see kz_oci_config_json)
 *   layers    application/vnd.cncf.helm.chart.content.v1.tar+gzip: the .tgz;
 *             application/vnd.cncf.helm.chart.provenance.v1.prov: the .prov,
 *             when there is one; sorted by digest
 *   annotations (Go map: keys sorted) org.opencontainers.image.{created,
 *             description, title, version, url (home), source (sources[0]),
 *             authors ("Name (email), ...")}: only non-blank ones; then the
 *             chart's own annotations, which may override all but title and
 *             version. `created` is the archive file's modification time in
 *             RFC 3339, local zone (helm's pusher); callers pass it in.
 *
 * REFERENCES. "oci://HOST[:PORT]/PATH/NAME[:TAG][@sha256:...]". A '+' in the
 * tag becomes '_' (OCI tags can't hold '+'; helm's convention, undone when
 * tags are listed). Bad references fail with ORAS v1's messages:
 * "invalid_reference: missing repository", "... invalid registry",
 * "... invalid repository" (lower-case path components only), "... invalid tag".
 *
 * TRANSPORT. As helm v3.17's three client stacks (see oci_internal.h):
 * push and pull use plain http for a loopback host (localhost, 127.x, ::1)
 * whatever the flags, https elsewhere; tag listing uses https unless
 * plain_http, even for loopback; login tries https (unverified for
 * loopback) then http. push, pull and login retry over http (and stay
 * there) when an https request meets a plain-HTTP server.
 * Authentication follows the registry's 401 challenge: `Basic realm=...`
 * (docker-registry with htpasswd) sends the credentials; `Bearer
 * realm=...,service=...,scope=...` fetches a token from the realm (with the
 * credentials as basic auth when there are some) and retries with it.
 * Credentials come from kz_oci_opts.username/password, else from the
 * registry config file (docker's config.json format) for the host.
 *
 * MESSAGES. Nothing is printed: what helm prints comes back in a `log`
 * buffer, lines ending in "\n". helm v3.17 writes all of it to STDERR
 * ("Pushed: ...", "Digest: ...", "Pulled: ...", the '_' note, "Login
 * Succeeded", "Removing login credentials for HOST"); its stdout stays
 * empty. Errors are kz_error values with helm's text (without "Error: "),
 * naming the reference or URL.
 *
 * MEMORY. Inputs are borrowed; results are the caller's, released with the
 * matching _free. Every call is independent (no global state).
 */
#ifndef KZ_OCI_OCI_H
#define KZ_OCI_OCI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/value.h"

#define KZ_OCI_SCHEME "oci"
#define KZ_OCI_MANIFEST_MEDIA_TYPE "application/vnd.oci.image.manifest.v1+json"
#define KZ_OCI_CONFIG_MEDIA_TYPE "application/vnd.cncf.helm.config.v1+json"
#define KZ_OCI_CHART_MEDIA_TYPE "application/vnd.cncf.helm.chart.content.v1.tar+gzip"
#define KZ_OCI_LEGACY_CHART_MEDIA_TYPE "application/tar+gzip"
#define KZ_OCI_PROV_MEDIA_TYPE "application/vnd.cncf.helm.chart.provenance.v1.prov"
/* What helm sends; registries log it. */
#define KZ_OCI_USER_AGENT "Helm/3.17.3"

/* Whether url starts with "oci://" (helm's registry.IsOCI). */
bool kz_oci_is_oci(const char *url);

/* ---- references ---- */

typedef struct kz_oci_ref {
    char *registry;   /* "HOST[:PORT]" */
    char *repository; /* "PATH/NAME" */
    char *tag;        /* "" when none; '+' already turned into '_' */
    char *digest;     /* "" when none ("sha256:...") */
} kz_oci_ref;

/* Parse raw ("oci://" optional) as helm's registry.NewReference. Returns
 * kz_null() and fills *out (free with kz_oci_ref_free), or an error value
 * (then *out is empty). */
kz_value kz_oci_ref_parse(const char *raw, kz_oci_ref *out);
void kz_oci_ref_free(kz_oci_ref *r);
/* Helm's reference String(): "REGISTRY/REPO:TAG", "REGISTRY/REPO@DIGEST" when
 * there is no tag (and "REGISTRY/REPO" with neither). Caller frees. */
char *kz_oci_ref_string(const kz_oci_ref *r);

/* ---- options shared by every operation ---- */

typedef struct kz_oci_opts {
    /* The registry config (helm's $HELM_REGISTRY_CONFIG, docker config.json
     * format) read for credentials; NULL = none. */
    const char *registry_config;
    /* Explicit credentials (--username/--password); take precedence. */
    const char *username;
    const char *password;
    bool plain_http;               /* --plain-http: http:// from the start */
    bool insecure_skip_tls_verify; /* --insecure-skip-tls-verify / --insecure */
    const char *ca_file;           /* --ca-file */
    const char *cert_file;         /* --cert-file */
    const char *key_file;          /* --key-file */
    const char *user_agent;        /* NULL = KZ_OCI_USER_AGENT */
    long timeout_ms;               /* per request; 0 = lib/http's default */
} kz_oci_opts;

/* ---- tags and versions ---- */

/* Helm's Client.Tags: GET /v2/REPO/tags/list (following Link pages), keep
 * the tags that are strict semver once '_' is read as '+', sorted highest
 * first, as Version.String(). `ref` is "[oci://]HOST/REPO". *tags: a SEQ
 * of STRING. Errors as helm: `GET "URL": unexpected status code 404: name
 * unknown: repository name not known to registry`. */
kz_value kz_oci_tags(const char *ref, const kz_oci_opts *opts, kz_value *tags);

/* Helm's GetTagMatchingVersionOrConstraint over tags sorted highest first:
 * an exact tag, else the first satisfying the constraint ("" = "*").
 * Returns an owned string, or NULL with *err ("Could not locate a version
 * matching provided version string V", or the constraint's parse error). */
char *kz_oci_match_version(const kz_value *tags, const char *version, kz_value *err);

/* Helm's ValidateReference for `pull`/`install`/dependencies: the reference
 * to fetch for chart URL `url` ("oci://HOST/REPO[:TAG][@DIGEST]") and
 * --version `version` (may be NULL/""): with a digest, that digest (after
 * checking that the tag, when given, points at it: "chart reference digest
 * mismatch: X is not Y"); an exact semver version is the tag as is;
 * otherwise (a range, or nothing) the tags are listed and the best match
 * taken ("Unable to locate any tags in provided repository: URL"). A tag in
 * the URL must equal --version ("chart reference and version mismatch: V is
 * not T"). *resolved: "HOST/REPO:TAG" or "HOST/REPO@DIGEST" (caller frees). */
kz_value kz_oci_resolve(const char *url, const char *version, const kz_oci_opts *opts, char **resolved);

/* ---- pull ---- */

typedef struct kz_oci_pull_opts {
    bool with_prov;           /* also fetch the provenance layer (--verify, --prov) */
    bool ignore_missing_prov; /* ... and don't fail when it is absent */
} kz_oci_pull_opts;

typedef struct kz_oci_pull_result {
    char *ref;             /* the reference pulled, as helm prints it */
    char *manifest_digest; /* "sha256:..." */
    kz_buf manifest;       /* the manifest bytes */
    kz_buf config;         /* the config blob (Chart.yaml metadata as JSON) */
    kz_value meta;         /* config parsed: a MAP */
    char *chart_digest;
    kz_buf chart;          /* the .tgz, its sha256 and size verified */
    bool has_prov;
    kz_buf prov;
    kz_buf log;            /* "Pulled: REF\nDigest: DIGEST\n" (+ helm's '_' note) */
} kz_oci_pull_result;

/* Pull `ref` (a resolved reference: "[oci://]HOST/REPO:TAG" or "...@DIGEST";
 * see kz_oci_resolve). Every blob is checked against its descriptor: a wrong
 * digest is the error `failed commit on ref "": unexpected commit digest
 * sha256:GOT, expected sha256:WANT: failed precondition`, and nothing is
 * returned. Media types as helm: other layers are skipped, then "manifest
 * does not contain minimum number of descriptors (N), descriptors found: M",
 * "could not load config with mediatype ...", "manifest does not contain a
 * layer with mediatype ...". A missing tag: "HOST/REPO:TAG: not found";
 * other failures in containerd's words as for kz_oci_push. */
kz_value kz_oci_pull(const char *ref, const kz_oci_pull_opts *popts, const kz_oci_opts *opts,
                     kz_oci_pull_result *out);
void kz_oci_pull_result_free(kz_oci_pull_result *r);

/* The file name helm's `pull` saves the chart as, for a reference from
 * kz_oci_resolve: the last path element with its last ':' turned into '-',
 * plus ".tgz": NAME-VERSION.tgz (the version as resolved, '+' kept), or
 * NAME@sha256-HEX.tgz for a digest reference. Caller frees. */
char *kz_oci_pull_filename(const char *ref);

/* ---- push ---- */

typedef struct kz_oci_push_opts {
    const void *prov;    /* the .prov bytes, or NULL */
    size_t prov_len;
    /* org.opencontainers.image.created: helm uses the archive's mtime
     * (kz_oci_created_time formats it). NULL or "" = now, UTC. */
    const char *created;
    bool no_strict;      /* helm's strict mode off: don't check NAME:VERSION */
} kz_oci_push_opts;

typedef struct kz_oci_push_result {
    char *ref;             /* "HOST/REPO/NAME:TAG" */
    char *manifest_digest;
    kz_buf manifest;       /* the bytes pushed */
    kz_buf config;
    char *chart_digest;
    kz_buf log;            /* "Pushed: REF\nDigest: DIGEST\n" (+ the '_' note) */
} kz_oci_push_result;

/* `helm push ARCHIVE REMOTE`: push the chart archive bytes to "oci://HOST
 * [/PATH]" as HOST/PATH/NAME:VERSION ('+' as '_'). Blobs already in the
 * registry (HEAD) are not sent again; new ones go by POST .../blobs/uploads/
 * then PUT ?digest=; the manifest by PUT .../manifests/TAG. The archive is
 * loaded to read its metadata (lib/chart's errors). Errors: `scheme "http"
 * not supported`, "scheme prefix missing from remote (e.g. \"oci://\")",
 * "invalid chart URL format: R", reference errors, registry errors in
 * containerd's words ("push access denied, repository does not exist or may
 * require authorization: authorization failed: no basic auth credentials",
 * "failed to authorize: failed to fetch anonymous token: ...", "unexpected
 * status from PUT request to URL: 400 Bad Request", "failed to do request:
 * Head \"URL\": dial tcp ..."). */
kz_value kz_oci_push(const void *archive, size_t len, const char *remote, const kz_oci_push_opts *popts,
                     const kz_oci_opts *opts, kz_oci_push_result *out);
void kz_oci_push_result_free(kz_oci_push_result *r);

/* `helm push PATH REMOTE` whole, as helm's OCI pusher: REMOTE checked
 * first, then "PATH: no such file", "cannot push directory, must provide
 * chart archive (.tgz)", lib/chart's errors for what is not a chart
 * archive ("file 'F' does not appear to be a gzipped archive; got
 * '...'"); PATH.prov pushed too when it exists; `created` is PATH's
 * modification time (kz_oci_created_time). */
kz_value kz_oci_push_file(const char *path, const char *remote, const kz_oci_opts *opts, kz_oci_push_result *out);

/* The manifest and config helm would push for this archive (what
 * kz_oci_push sends), without a registry. For goldens and tests. */
kz_value kz_oci_build(const void *archive, size_t len, const kz_oci_push_opts *popts, kz_buf *manifest,
                      kz_buf *config, kz_value *meta);

/* Chart metadata (lib/chart's normalized MAP) as Go's json.Marshal of
 * chart.Metadata writes it: fields in struct order, empty ones left out
 * (a dependency's name and repository always written). Appends to out. */
void kz_oci_config_json(const kz_value *meta, kz_buf *out);

/* Unix time `sec` as Go's t.Format(time.RFC3339) in the local zone
 * ("2026-01-02T03:04:05Z" under TZ=UTC). Appends to out. */
void kz_oci_created_time(int64_t sec, kz_buf *out);

/* "sha256:" + hex of data: appends to out. */
void kz_oci_digest(const void *data, size_t len, kz_buf *out);

/* ---- login / logout ---- */

/* `helm registry login HOST`: GET /v2/ with the credentials (opts->username
 * and password, which must be set); on 200 store them in the registry config
 * `config_path` under "HOST" (the host as given) and log "Login
 * Succeeded\n". The file is written as helm writes it: {"auths":{"HOST":
 * {"auth":"base64(user:pass)"}}} indented with tabs, no final newline, mode
 * 0600 in a 0700 directory created as needed; other entries and keys kept.
 * Errors: "login attempt to URL failed with status: 401 Unauthorized". */
kz_value kz_oci_login(const char *host, const char *config_path, const kz_oci_opts *opts, kz_buf *log);

/* `helm registry logout HOST`: remove HOST's entry from the config file
 * (kept, with "auths":{} when it was the last) and log "Removing login
 * credentials for HOST\n"; "not logged in" when there is none. */
kz_value kz_oci_logout(const char *host, const char *config_path, kz_buf *log);

/* The credentials stored for host in config_path: *user and *pass (caller
 * frees) or both NULL when none. Errors for an unreadable/invalid file. */
kz_value kz_oci_credentials(const char *config_path, const char *host, char **user, char **pass);

#endif
