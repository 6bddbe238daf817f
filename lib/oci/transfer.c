/*
 * `helm push` and the OCI half of `helm pull`: blobs and manifests over the
 * distribution API, every byte checked against its descriptor.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "chart/chart.h"
#include "core/alloc.h"
#include "core/buf.h"
#include "core/file.h"
#include "json/json.h"
#include "oci/oci_internal.h"

/* helm's registryUnderscoreMessage, after "REF contains an underscore.\n" */
static const char underscore_note[] =
    "\n"
    "OCI artifact references (e.g. tags) do not support the plus sign (+). To support\n"
    "storing semantic versions, Helm adopts the convention of changing plus (+) to\n"
    "an underscore (_) in chart version tags when pushing to a registry and back to\n"
    "a plus (+) when pulling from a registry.\n";

/* The accepted manifest types, as containerd's resolver asks for them. */
static const char *const manifest_accept[] = {
    "Accept: application/vnd.docker.distribution.manifest.v2+json, "
    "application/vnd.docker.distribution.manifest.list.v2+json, " KZ_OCI_MANIFEST_MEDIA_TYPE ", "
    "application/vnd.oci.image.index.v1+json, */*",
    NULL};

static kz_value access_denied(const oci_session *s, const char *what) {
    /* a token server's refusal is reported as it is */
    if (s->auth_fail == OCI_AUTH_TOKEN && s->token_error) return kz_error("%s", s->token_error);
    return kz_error("%s access denied, repository does not exist or may require authorization: authorization failed: %s",
                    what, oci_auth_reason(s));
}

/* containerd's ErrUnexpectedStatus */
static kz_value unexpected_status(const char *method, const char *url, const kz_http_response *resp) {
    return kz_error("unexpected status from %s request to %s: %s", method, url,
                    resp->status_text ? resp->status_text : kz_http_status_text(resp->status));
}

/* lib/http's transport error under containerd's prefix */
static kz_value request_failed(kz_value err) {
    kz_value e = kz_error("failed to do request: %s", kz_error_message(&err));
    kz_free(err);
    return e;
}

/* ---- push ---- */

static void append_query_digest(kz_buf *url, const char *digest) {
    kz_buf_putc(url, strchr(url->data, '?') ? '&' : '?');
    kz_buf_puts(url, "digest=");
    for (const char *c = digest; *c; c++) {
        if (*c == ':') kz_buf_puts(url, "%3A");
        else kz_buf_putc(url, *c);
    }
}

static kz_value push_blob(oci_session *s, const kz_oci_ref *r, const void *data, size_t len, const char *digest) {
    kz_buf path = KZ_BUF_INIT;
    kz_http_response resp = KZ_HTTP_RESPONSE_INIT;
    kz_value err = kz_null();
    char *url = NULL;
    /* already there? */
    kz_buf_printf(&path, "/v2/%s/blobs/%s", r->repository, digest);
    kz_http_request head = {.method = "HEAD"};
    err = oci_do(s, path.data, &head, &resp);
    if (!kz_is_null(&err)) {
        err = request_failed(err);
        goto out;
    }
    if (resp.status == 200) goto out;
    if (resp.status == 401) {
        err = access_denied(s, "push");
        goto out;
    }
    kz_http_response_free(&resp);
    /* start an upload, then send it whole */
    kz_buf_clear(&path);
    kz_buf_printf(&path, "/v2/%s/blobs/uploads/", r->repository);
    kz_http_request post = {.method = "POST"};
    err = oci_do(s, path.data, &post, &resp);
    if (!kz_is_null(&err)) {
        err = request_failed(err);
        goto out;
    }
    if (resp.status == 401) {
        err = access_denied(s, "push");
        goto out;
    }
    if (resp.status != 202 || !resp.location) {
        url = oci_url(s, path.data);
        err = unexpected_status("POST", url, &resp);
        goto out;
    }
    kz_buf loc = KZ_BUF_INIT;
    if (resp.location[0] == '/') {
        char *abs = oci_url(s, resp.location);
        kz_buf_puts(&loc, abs);
        free(abs);
    } else {
        kz_buf_puts(&loc, resp.location);
    }
    append_query_digest(&loc, digest);
    kz_http_response_free(&resp);
    static const char *const put_hdrs[] = {"Content-Type: application/octet-stream", NULL};
    kz_http_request put = {.method = "PUT", .headers = put_hdrs, .body = data, .body_len = len};
    err = oci_do(s, loc.data, &put, &resp);
    if (!kz_is_null(&err)) {
        err = request_failed(err);
    } else if (resp.status == 401) {
        err = access_denied(s, "push");
    } else if (resp.status < 200 || resp.status > 299) {
        err = unexpected_status("PUT", loc.data, &resp);
    }
    kz_buf_free(&loc);
out:
    free(url);
    kz_http_response_free(&resp);
    kz_buf_free(&path);
    return err;
}

static kz_value push_manifest(oci_session *s, const kz_oci_ref *r, const kz_buf *manifest) {
    kz_buf path = KZ_BUF_INIT;
    kz_buf_printf(&path, "/v2/%s/manifests/%s", r->repository, r->tag);
    static const char *const hdrs[] = {"Content-Type: " KZ_OCI_MANIFEST_MEDIA_TYPE, NULL};
    kz_http_request put = {.method = "PUT", .headers = hdrs, .body = manifest->data, .body_len = manifest->len};
    kz_http_response resp = KZ_HTTP_RESPONSE_INIT;
    kz_value err = oci_do(s, path.data, &put, &resp);
    if (!kz_is_null(&err)) {
        err = request_failed(err);
    } else if (resp.status == 401) {
        err = access_denied(s, "push");
    } else if (resp.status < 200 || resp.status > 299) {
        char *url = oci_url(s, path.data);
        err = unexpected_status("PUT", url, &resp);
        free(url);
    }
    kz_http_response_free(&resp);
    kz_buf_free(&path);
    return err;
}

kz_value kz_oci_push(const void *archive, size_t len, const char *remote, const kz_oci_push_opts *popts,
                     const kz_oci_opts *opts, kz_oci_push_result *out) {
    static const kz_oci_push_opts none = {0};
    if (!popts) popts = &none;
    memset(out, 0, sizeof *out);
    kz_value err = oci_check_remote(remote);
    if (!kz_is_null(&err)) return err;
    const char *sep = strstr(remote, "://");
    kz_value meta = kz_invalid();
    err = kz_oci_build(archive, len, popts, &out->manifest, &out->config, &meta);
    if (!kz_is_null(&err)) return err;
    const kz_value *name = kz_map_getz(&meta, "name");
    const kz_value *version = kz_map_getz(&meta, "version");
    /* path.Join(REMOTE without oci://, NAME) + ":" + VERSION */
    kz_buf joined = KZ_BUF_INIT;
    kz_buf_printf(&joined, "%s/%s", sep + 3, name ? kz_str(name) : "");
    char *clean = kz_chart_path_clean(joined.data);
    kz_buf ref = KZ_BUF_INIT;
    kz_buf_printf(&ref, "%s:%s", clean, version ? kz_str(version) : "");
    free(clean);
    kz_buf_free(&joined);
    kz_oci_ref r = {0};
    oci_session s = {0};
    if (!popts->no_strict) {
        kz_buf suffix = KZ_BUF_INIT;
        kz_buf_printf(&suffix, "/%s:%s", name ? kz_str(name) : "", version ? kz_str(version) : "");
        bool ok = ref.len >= suffix.len && memcmp(ref.data + ref.len - suffix.len, suffix.data, suffix.len) == 0;
        kz_buf_free(&suffix);
        if (!ok) {
            err = kz_error("strict mode enabled, ref basename and tag must match the chart name and version");
            goto out;
        }
    }
    err = kz_oci_ref_parse(ref.data, &r);
    if (!kz_is_null(&err)) goto out;
    err = oci_session_init(&s, r.registry, opts, OCI_CONTAINERD);
    if (!kz_is_null(&err)) goto out;
    s.repository = r.repository;
    s.actions = "pull,push";

    kz_buf d = KZ_BUF_INIT;
    kz_oci_digest(archive, len, &d);
    out->chart_digest = kz_buf_detach(&d, NULL);
    err = push_blob(&s, &r, archive, len, out->chart_digest);
    if (kz_is_null(&err)) {
        kz_oci_digest(out->config.data ? out->config.data : "", out->config.len, &d);
        err = push_blob(&s, &r, out->config.data ? out->config.data : "", out->config.len, d.data);
        kz_buf_free(&d);
    }
    if (kz_is_null(&err) && popts->prov) {
        kz_oci_digest(popts->prov, popts->prov_len, &d);
        err = push_blob(&s, &r, popts->prov, popts->prov_len, d.data);
        kz_buf_free(&d);
    }
    if (kz_is_null(&err)) err = push_manifest(&s, &r, &out->manifest);
    if (!kz_is_null(&err)) goto out;

    kz_oci_digest(out->manifest.data, out->manifest.len, &d);
    out->manifest_digest = kz_buf_detach(&d, NULL);
    out->ref = kz_oci_ref_string(&r);
    kz_buf_printf(&out->log, "Pushed: %s\nDigest: %s\n", out->ref, out->manifest_digest);
    if (strchr(r.tag, '_')) kz_buf_printf(&out->log, "%s contains an underscore.\n%s", out->ref, underscore_note);
out:
    oci_session_free(&s);
    kz_oci_ref_free(&r);
    kz_buf_free(&ref);
    kz_free(meta);
    if (!kz_is_null(&err)) kz_oci_push_result_free(out);
    return err;
}

kz_value oci_check_remote(const char *remote) {
    /* Go's url.Parse: a scheme is [A-Za-z][A-Za-z0-9+.-]* before a ':' */
    size_t n = 0;
    if (isalpha((unsigned char)remote[0]))
        while (isalnum((unsigned char)remote[n]) || strchr("+.-", remote[n])) n++;
    if (n && remote[n] == ':') {
        if (n == 3 && strncmp(remote, "oci", 3) == 0 && strncmp(remote + 3, "://", 3) == 0) return kz_null();
        return kz_error("scheme \"%.*s\" not supported", (int)n, remote);
    }
    size_t seg = strcspn(remote, "/");
    if (memchr(remote, ':', seg)) return kz_error("invalid chart URL format: %s", remote);
    return kz_error("scheme prefix missing from remote (e.g. \"%s://\")", KZ_OCI_SCHEME);
}

kz_value kz_oci_push_file(const char *path, const char *remote, const kz_oci_opts *opts, kz_oci_push_result *out) {
    memset(out, 0, sizeof *out);
    kz_value err = oci_check_remote(remote);
    if (!kz_is_null(&err)) return err;
    struct stat st;
    char why[128];
    if (stat(path, &st) != 0) {
        if (errno == ENOENT) return kz_error("%s: no such file", path);
        return kz_error("stat %s: %s", path, kz_errno_text(errno, why, sizeof why));
    }
    if (S_ISDIR(st.st_mode)) return kz_error("cannot push directory, must provide chart archive (.tgz)");
    /* helm loads the chart first: its errors for what is not a chart */
    kz_chart *ch = NULL;
    err = kz_chart_load_file(path, NULL, &ch);
    if (!kz_is_null(&err)) return err;
    kz_chart_free(ch);
    kz_buf data = KZ_BUF_INIT, prov = KZ_BUF_INIT, created = KZ_BUF_INIT, provpath = KZ_BUF_INIT;
    if (kz_file_read(path, &data, &err) != 0) goto out;
    kz_oci_push_opts po = {0};
    kz_buf_printf(&provpath, "%s.prov", path);
    struct stat pst;
    if (stat(provpath.data, &pst) == 0) {
        if (kz_file_read(provpath.data, &prov, &err) != 0) goto out;
        po.prov = prov.data ? prov.data : "";
        po.prov_len = prov.len;
    }
    /* the archive's modification time is the chart's creation time */
    kz_oci_created_time((int64_t)st.st_mtime, &created);
    po.created = created.data;
    err = kz_oci_push(data.data ? data.data : "", data.len, remote, &po, opts, out);
out:
    kz_buf_free(&data);
    kz_buf_free(&prov);
    kz_buf_free(&created);
    kz_buf_free(&provpath);
    return err;
}

void kz_oci_push_result_free(kz_oci_push_result *r) {
    free(r->ref);
    free(r->manifest_digest);
    free(r->chart_digest);
    kz_buf_free(&r->manifest);
    kz_buf_free(&r->config);
    kz_buf_free(&r->log);
    memset(r, 0, sizeof *r);
}

/* ---- pull ---- */

/* The bytes must be `size` long and hash to `digest` (containerd's checks
 * when it commits content). */
static kz_value verify(const kz_buf *b, const char *digest, long long size) {
    if (size >= 0 && (long long)b->len < size) return kz_error("failed to read expected number of bytes: unexpected EOF");
    kz_buf got = KZ_BUF_INIT;
    kz_oci_digest(b->data ? b->data : "", b->len, &got);
    kz_value err = kz_null();
    if (strcmp(got.data, digest) != 0 || (size >= 0 && (long long)b->len != size))
        err = kz_error("failed commit on ref \"\": unexpected commit digest %s, expected %s: failed precondition", got.data,
                       digest);
    kz_buf_free(&got);
    return err;
}

static kz_value fetch_blob(oci_session *s, const kz_oci_ref *r, const char *digest, long long size, kz_buf *out) {
    kz_buf path = KZ_BUF_INIT;
    kz_buf_printf(&path, "/v2/%s/blobs/%s", r->repository, digest);
    kz_http_request req = {.method = "GET", .max_body_size = size >= 0 ? (size_t)size + 1 : 0};
    kz_http_response resp = KZ_HTTP_RESPONSE_INIT;
    kz_value err = oci_do(s, path.data, &req, &resp);
    if (!kz_is_null(&err)) {
        err = request_failed(err);
    } else if (resp.status == 401) {
        err = access_denied(s, "pull");
    } else if (resp.status != 200) {
        char *url = oci_url(s, path.data);
        err = unexpected_status("GET", url, &resp);
        free(url);
    } else {
        err = verify(&resp.body, digest, size);
        if (kz_is_null(&err)) {
            kz_buf_clear(out);
            kz_buf_append(out, resp.body.data ? resp.body.data : "", resp.body.len);
        }
    }
    kz_http_response_free(&resp);
    kz_buf_free(&path);
    return err;
}

/* HEAD the reference for its digest (a tag) and GET the manifest by digest. */
static kz_value fetch_manifest(oci_session *s, const kz_oci_ref *r, const char *refstr, char **digest, kz_buf *body) {
    const char *reference = *r->tag ? r->tag : r->digest;
    kz_buf path = KZ_BUF_INIT;
    kz_buf_printf(&path, "/v2/%s/manifests/%s", r->repository, reference);
    kz_http_request head = {.method = "HEAD", .headers = manifest_accept};
    kz_http_response resp = KZ_HTTP_RESPONSE_INIT;
    kz_value err = oci_do(s, path.data, &head, &resp);
    if (!kz_is_null(&err)) {
        err = request_failed(err);
        goto out;
    }
    if (resp.status == 404) {
        err = kz_error("%s: not found", refstr);
        goto out;
    }
    if (resp.status == 401) {
        err = access_denied(s, "pull");
        goto out;
    }
    if (resp.status != 200) {
        char *url = oci_url(s, path.data);
        err = unexpected_status("HEAD", url, &resp);
        free(url);
        goto out;
    }
    *digest = kz_xstrdup(resp.docker_content_digest ? resp.docker_content_digest
                         : *r->digest ? r->digest : "");
    kz_http_response_free(&resp);
    kz_buf_clear(&path);
    kz_buf_printf(&path, "/v2/%s/manifests/%s", r->repository, **digest ? *digest : reference);
    /* manifests are small: ORAS caps them at 4 MiB */
    kz_http_request get = {.method = "GET", .headers = manifest_accept, .max_body_size = 4u << 20};
    err = oci_do(s, path.data, &get, &resp);
    if (!kz_is_null(&err)) {
        err = request_failed(err);
    } else if (resp.status == 401) {
        err = access_denied(s, "pull");
    } else if (resp.status != 200) {
        char *url = oci_url(s, path.data);
        err = unexpected_status("GET", url, &resp);
        free(url);
    } else {
        if (!**digest) {
            free(*digest);
            kz_buf d = KZ_BUF_INIT;
            kz_oci_digest(resp.body.data ? resp.body.data : "", resp.body.len, &d);
            *digest = kz_buf_detach(&d, NULL);
        }
        err = verify(&resp.body, *digest, -1);
        if (kz_is_null(&err)) kz_buf_append(body, resp.body.data ? resp.body.data : "", resp.body.len);
    }
out:
    kz_http_response_free(&resp);
    kz_buf_free(&path);
    return err;
}

typedef struct desc {
    const char *media_type, *digest;
    long long size;
} desc;

static bool desc_get(const kz_value *d, desc *out) {
    if (!d || !kz_is_map(d)) return false;
    const kz_value *mt = kz_map_getz(d, "mediaType"), *dg = kz_map_getz(d, "digest"), *sz = kz_map_getz(d, "size");
    out->media_type = mt ? kz_str(mt) : "";
    out->digest = dg ? kz_str(dg) : "";
    out->size = sz && kz_is_number(sz) ? (long long)kz_int_get(sz) : -1;
    return true;
}

kz_value kz_oci_pull(const char *ref, const kz_oci_pull_opts *popts, const kz_oci_opts *opts,
                     kz_oci_pull_result *out) {
    static const kz_oci_pull_opts none = {0};
    if (!popts) popts = &none;
    memset(out, 0, sizeof *out);
    out->meta = kz_invalid();
    kz_oci_ref r;
    kz_value err = kz_oci_ref_parse(ref, &r);
    if (!kz_is_null(&err)) return err;
    oci_session s = {0};
    kz_value doc = kz_invalid();
    char *refstr = kz_oci_ref_string(&r);
    err = oci_session_init(&s, r.registry, opts, OCI_CONTAINERD);
    if (!kz_is_null(&err)) goto out;
    s.repository = r.repository;
    err = fetch_manifest(&s, &r, refstr, &out->manifest_digest, &out->manifest);
    if (!kz_is_null(&err)) goto out;

    doc = kz_json_parse(out->manifest.data ? out->manifest.data : "", out->manifest.len, NULL);
    if (!kz_is_map(&doc)) {
        err = kz_error("%s: invalid manifest: %s", refstr, kz_error_message(&doc) ? kz_error_message(&doc) : "not an object");
        goto out;
    }
    /* helm takes the descriptors whose media type it knows, skips the rest */
    desc cfg = {0}, chart = {0}, prov = {0};
    bool have_cfg = false, have_chart = false, have_prov = false, legacy = false;
    int found = 1; /* the manifest */
    desc d;
    if (desc_get(kz_map_getz(&doc, "config"), &d) && strcmp(d.media_type, KZ_OCI_CONFIG_MEDIA_TYPE) == 0) {
        cfg = d;
        have_cfg = true;
        found++;
    }
    const kz_value *layers = kz_map_getz(&doc, "layers");
    for (size_t i = 0; layers && kz_is_seq(layers) && i < kz_len(layers); i++) {
        if (!desc_get(kz_seq_at(layers, i), &d)) continue;
        if (strcmp(d.media_type, KZ_OCI_CHART_MEDIA_TYPE) == 0 || strcmp(d.media_type, KZ_OCI_LEGACY_CHART_MEDIA_TYPE) == 0) {
            legacy = strcmp(d.media_type, KZ_OCI_LEGACY_CHART_MEDIA_TYPE) == 0;
            chart = d;
            have_chart = true;
            found++;
        } else if (popts->with_prov && strcmp(d.media_type, KZ_OCI_PROV_MEDIA_TYPE) == 0) {
            prov = d;
            have_prov = true;
            found++;
        }
    }
    if (have_cfg) err = fetch_blob(&s, &r, cfg.digest, cfg.size, &out->config);
    if (kz_is_null(&err) && have_chart) err = fetch_blob(&s, &r, chart.digest, chart.size, &out->chart);
    if (kz_is_null(&err) && have_prov) err = fetch_blob(&s, &r, prov.digest, prov.size, &out->prov);
    if (!kz_is_null(&err)) goto out;

    int min = 2 + (popts->with_prov && !popts->ignore_missing_prov);
    if (found < min) {
        err = kz_error("manifest does not contain minimum number of descriptors (%d), descriptors found: %d", min, found);
    } else if (!have_cfg) {
        err = kz_error("could not load config with mediatype %s", KZ_OCI_CONFIG_MEDIA_TYPE);
    } else if (!have_chart) {
        err = kz_error("manifest does not contain a layer with mediatype %s", KZ_OCI_CHART_MEDIA_TYPE);
    } else if (popts->with_prov && !have_prov && !popts->ignore_missing_prov) {
        err = kz_error("manifest does not contain a layer with mediatype %s", KZ_OCI_PROV_MEDIA_TYPE);
    }
    if (!kz_is_null(&err)) goto out;
    kz_json_parse_opts jo = {.source_name = "config"};
    out->meta = kz_json_parse(out->config.data ? out->config.data : "", out->config.len, &jo);
    if (!kz_is_valid(&out->meta)) {
        err = kz_error("%s", kz_error_message(&out->meta) ? kz_error_message(&out->meta) : "invalid config");
        goto out;
    }
    out->chart_digest = kz_xstrdup(chart.digest);
    out->has_prov = have_prov;
    out->ref = refstr;
    refstr = NULL;
    if (legacy) kz_buf_printf(&out->log, "Warning: chart media type %s is deprecated\n", KZ_OCI_LEGACY_CHART_MEDIA_TYPE);
    kz_buf_printf(&out->log, "Pulled: %s\nDigest: %s\n", out->ref, out->manifest_digest);
    if (strchr(out->ref, '_')) kz_buf_printf(&out->log, "%s contains an underscore.\n%s", out->ref, underscore_note);
out:
    kz_free(doc);
    free(refstr);
    oci_session_free(&s);
    kz_oci_ref_free(&r);
    if (!kz_is_null(&err)) kz_oci_pull_result_free(out);
    return err;
}

void kz_oci_pull_result_free(kz_oci_pull_result *r) {
    free(r->ref);
    free(r->manifest_digest);
    free(r->chart_digest);
    kz_buf_free(&r->manifest);
    kz_buf_free(&r->config);
    kz_buf_free(&r->chart);
    kz_buf_free(&r->prov);
    kz_buf_free(&r->log);
    kz_free(r->meta);
    memset(r, 0, sizeof *r);
    r->meta = kz_invalid();
}
