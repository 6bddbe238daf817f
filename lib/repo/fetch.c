/*
 * Downloads of indexes and charts (fetch.h). The lookups are index.h's, the
 * transfers http.h's; this file decides what to fetch from where, with which
 * credentials, and where the bytes go.
 */
#include "repo/fetch.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "chart/chart.h"
#include "chart/show.h"
#include "core/alloc.h"
#include "core/file.h"
#include "http/http.h"
#include "oci/oci.h"
#include "repo/index.h"
#include "repo/repo_internal.h"

/* helm sends its own name; servers that gate on it see the same client. */
#define USER_AGENT "Helm/3.17.3"

static char *str_printf(const char *fmt, const char *a, const char *b) {
    kz_buf buf = KZ_BUF_INIT;
    kz_buf_printf(&buf, fmt, a, b);
    return kz_buf_detach(&buf, NULL);
}

/* URL with "/index.yaml" joined to its path (Go's path.Join on URL.Path:
 * trailing slashes dropped), the query kept. */
static char *index_url(const char *url) {
    const char *q = strchr(url, '?');
    size_t n = q ? (size_t)(q - url) : strlen(url);
    while (n > 0 && url[n - 1] == '/') n--;
    kz_buf b = KZ_BUF_INIT;
    kz_buf_append(&b, url, n);
    kz_buf_puts(&b, "/index.yaml");
    if (q) kz_buf_puts(&b, q);
    return kz_buf_detach(&b, NULL);
}

typedef struct creds {
    const char *username, *password, *ca_file, *cert_file, *key_file;
    bool insecure, pass_credentials;
} creds;

static creds entry_creds(const kz_repo_entry *e) {
    return (creds){.username = e->username, .password = e->password, .ca_file = e->ca_file,
                   .cert_file = e->cert_file, .key_file = e->key_file,
                   .insecure = e->insecure_skip_tls_verify, .pass_credentials = e->pass_credentials_all};
}

static const char *nonempty(const char *s) { return s && *s ? s : NULL; }

static kz_http_request request_for(const char *url, const creds *c) {
    return (kz_http_request){
        .url = url,
        .username = nonempty(c->username),
        .password = c->password,
        .pass_credentials = c->pass_credentials,
        .ca_file = nonempty(c->ca_file),
        .cert_file = nonempty(c->cert_file),
        .key_file = nonempty(c->key_file),
        .insecure_skip_tls_verify = c->insecure,
        .user_agent = USER_AGENT,
    };
}

/* ---- indexes ---- */

static char *etag_path(const char *index_path) { return kz_repo_cache_etag_path(index_path); }

/* The validators saved with a cached index: "ETAG\nLAST-MODIFIED\n". */
static void read_validators(const char *index_path, char **etag, char **last_modified) {
    *etag = *last_modified = NULL;
    struct stat st;
    if (stat(index_path, &st) != 0) return;
    char *p = etag_path(index_path);
    kz_buf b = KZ_BUF_INIT;
    kz_value err = kz_null();
    if (kz_file_read(p, &b, &err) == 0) {
        const char *s = kz_buf_cstr(&b);
        const char *nl = strchr(s, '\n');
        if (nl) {
            if (nl > s) *etag = kz_xstrndup(s, (size_t)(nl - s));
            const char *nl2 = strchr(nl + 1, '\n');
            if (nl2 && nl2 > nl + 1) *last_modified = kz_xstrndup(nl + 1, (size_t)(nl2 - nl - 1));
        }
    }
    kz_free(err);
    kz_buf_free(&b);
    free(p);
}

static void write_validators(const char *index_path, const kz_http_response *r) {
    char *p = etag_path(index_path);
    if (!r->etag && !r->last_modified) {
        unlink(p);
    } else {
        kz_buf b = KZ_BUF_INIT;
        kz_buf_printf(&b, "%s\n%s\n", r->etag ? r->etag : "", r->last_modified ? r->last_modified : "");
        kz_free(kz_file_write_atomic(p, b.data, b.len, 0644, 0755)); /* only an optimisation */
        kz_buf_free(&b);
    }
    free(p);
}

/* The sidecar of a downloaded index (search and pull load it instead of the
 * YAML), written from the download (fd) while it is renamed to `path`: an
 * optimisation, so failing to write it is no error. */
typedef struct sidecar_job {
    kz_repo_index idx;
    const char *path;
    int fd;
    pthread_t thread;
} sidecar_job;

static void *sidecar_run(void *arg) {
    sidecar_job *j = arg;
    kz_free(kz_repo_index_cache_write_fd(&j->idx, j->path, j->fd));
    return NULL;
}

/* The downloaded index (a temporary file in the cache folder, mapped rather
 * than read: public indexes reach 30 MB) is loaded with helm's validation,
 * then becomes NAME-index.yaml by a rename: its bytes are never copied. */
static kz_value store_index(const kz_repo_entry *e, const char *cache_dir, const char *path,
                            kz_http_response *resp, kz_buf *warnings) {
    char why[128];
    int fd = open(resp->body_file, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return kz_error("open %s: %s", resp->body_file, kz_errno_text(errno, why, sizeof why));
    struct stat st;
    void *map = NULL;
    size_t len = 0;
    kz_value err = kz_null();
    if (fstat(fd, &st) != 0) {
        err = kz_error("stat %s: %s", resp->body_file, kz_errno_text(errno, why, sizeof why));
    } else if (st.st_size > 0) {
        len = (size_t)st.st_size;
        map = mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, 0);
        if (map == MAP_FAILED) {
            map = NULL;
            err = kz_error("mmap %s: %s", resp->body_file, kz_errno_text(errno, why, sizeof why));
        }
    }
    sidecar_job job = {.path = path, .fd = fd};
    bool loaded = !kz_error_message(&err);
    if (loaded) err = kz_repo_index_load(map ? map : "", len, e->url, &job.idx, warnings);
    if (map) munmap(map, len);
    /* the sidecar (27 MB for a 55 MB index: writing it takes as long as all
     * the rest here) goes on a thread of its own meanwhile. The old one,
     * stale from now on, is unlinked but kept open: its blocks are freed
     * when it is closed, here, rather than by the new one's rename, there. */
    int old_sidecar = -1;
    if (!kz_error_message(&err)) {
        char *kzc = kz_repo_index_cache_path(path);
        old_sidecar = open(kzc, O_RDONLY | O_CLOEXEC);
        if (old_sidecar >= 0) unlink(kzc);
        free(kzc);
    }
    bool threaded = !kz_error_message(&err) && pthread_create(&job.thread, NULL, sidecar_run, &job) == 0;
    if (!kz_error_message(&err)) {
        kz_buf names = KZ_BUF_INIT;
        kz_repo_index_charts_txt(&job.idx, &names);
        char *charts = kz_repo_cache_charts_path(cache_dir, e->name);
        err = kz_file_write_atomic(charts, names.data ? names.data : "", names.len, 0644, 0755);
        free(charts);
        kz_buf_free(&names);
    }
    if (!kz_error_message(&err)) err = kz_http_response_commit(resp, path);
    if (old_sidecar >= 0) close(old_sidecar);
    if (threaded) pthread_join(job.thread, NULL);
    else if (!kz_error_message(&err)) sidecar_run(&job);
    close(fd);
    if (loaded) kz_repo_index_free(&job.idx);
    return err;
}

kz_value kz_repo_fetch_index(const kz_repo_entry *e, const char *cache_dir, kz_buf *warnings) {
    char *url = index_url(e->url);
    char *path = kz_repo_cache_index_path(cache_dir, e->name);
    char *etag, *last_modified;
    read_validators(path, &etag, &last_modified);
    creds c = entry_creds(e);
    kz_http_request req = request_for(url, &c);
    req.if_none_match = etag;
    req.if_modified_since = last_modified;
    req.output_dir = cache_dir;
    kz_http_response resp = KZ_HTTP_RESPONSE_INIT;
    kz_value err = kz_file_mkdir_all(cache_dir, 0755);
    if (!kz_error_message(&err)) err = kz_http_do(&req, &resp);
    if (!kz_error_message(&err) && resp.status == 304) {
        /* unchanged: the cached copy stays, and so do its charts.txt */
    } else {
        if (!kz_error_message(&err) && (resp.status < 200 || resp.status > 299)) {
            kz_free(err);
            err = kz_error("failed to fetch %s : %s", url, resp.status_text ? resp.status_text : "");
        }
        if (!kz_error_message(&err)) err = store_index(e, cache_dir, path, &resp, warnings);
        if (!kz_error_message(&err)) write_validators(path, &resp);
    }
    kz_http_response_free(&resp); /* removes the download unless it became the cache */
    free(etag);
    free(last_modified);
    free(path);
    free(url);
    return err;
}

/* ---- charts ---- */

static char *sha256_file(const char *path) {
    kz_value d = kz_repo_digest_file(path);
    char *r = kz_error_message(&d) ? NULL : kz_xstrdup(kz_str(&d));
    kz_free(d);
    return r;
}

/* The archive's file name: the last element of the URL's path. */
static char *url_base(const char *url) {
    const char *end = url + strcspn(url, "?#");
    const char *start = end;
    while (start > url && start[-1] != '/') start--;
    return kz_xstrndup(start, (size_t)(end - start));
}

/* GET url into dest_dir/BASE, checking the digest when one is known. An
 * archive already there with that digest is kept as is. */
static kz_value download_archive(const char *url, const creds *c, const char *digest, const char *dest_dir,
                                 char **path) {
    char *base = url_base(url);
    kz_buf b = KZ_BUF_INIT;
    kz_buf_printf(&b, "%s/%s", dest_dir, base);
    char *dest = kz_buf_detach(&b, NULL);
    free(base);
    if (digest && *digest) {
        char *have = sha256_file(dest);
        bool cached = have && strcmp(have, digest) == 0;
        free(have);
        if (cached) {
            *path = dest;
            return kz_null();
        }
    }
    kz_value err = kz_file_mkdir_all(dest_dir, 0755);
    kz_http_request req = request_for(url, c);
    req.output_dir = dest_dir;
    kz_http_response resp = KZ_HTTP_RESPONSE_INIT;
    if (!kz_error_message(&err)) err = kz_http_fetch(&req, &resp);
    if (!kz_error_message(&err) && digest && *digest) {
        char *got = sha256_file(resp.body_file);
        if (!got || strcmp(got, digest) != 0)
            err = kz_error("digest mismatch for %s: the index lists sha256:%s, the download is sha256:%s", url,
                           digest, got ? got : "(unreadable)");
        free(got);
    }
    if (!kz_error_message(&err)) err = kz_http_response_commit(&resp, dest);
    kz_http_response_free(&resp); /* removes an uncommitted download */
    if (kz_error_message(&err)) {
        free(dest);
        return err;
    }
    *path = dest;
    return err;
}

static const char *version_or_devel(const kz_chart_fetch_opts *o) {
    if (o->version && *o->version) return o->version;
    return o->devel ? ">0.0.0-0" : "";
}

/* The chart URL and digest of REPO/CHART through the cached index. */
static kz_value resolve_repo_chart(const char *ref, const kz_chart_fetch_opts *o, kz_repo_entry *entry,
                                   char **url, char **digest) {
    const char *slash = strchr(ref, '/');
    if (!slash) return kz_error("non-absolute URLs should be in form of repo_name/path_to_chart, got: %s", ref);
    char *repo = kz_xstrndup(ref, (size_t)(slash - ref));
    const char *chart = slash + 1;
    kz_repofile f;
    kz_value err = kz_repofile_load(o->repository_config, &f, NULL);
    const kz_repo_entry *e = kz_error_message(&err) ? NULL : kz_repofile_get(&f, repo);
    if (!kz_error_message(&err) && !e) err = kz_error("repo %s not found", repo);
    kz_repo_index idx;
    bool loaded = false; /* kz_repo_index_load_file initialises idx */
    if (!kz_error_message(&err)) {
        char *ipath = kz_repo_cache_index_path(o->repository_cache, repo);
        kz_value lerr = kz_repo_index_load_cached(ipath, &idx, NULL, true);
        loaded = true;
        if (kz_error_message(&lerr))
            err = kz_error("no cached repo found. (try 'helm repo update'): %s", kz_error_message(&lerr));
        kz_free(lerr);
        free(ipath);
    }
    const kz_repo_chart_version *cv = NULL;
    const char *version = version_or_devel(o);
    if (!kz_error_message(&err)) {
        kz_value gerr = kz_repo_index_get(&idx, chart, version, &cv);
        if (kz_error_message(&gerr))
            err = kz_error("chart \"%s\" matching %s not found in %s index. (try 'helm repo update'): %s", chart,
                           o->version ? o->version : "", repo, kz_error_message(&gerr));
        kz_free(gerr);
    }
    if (!kz_error_message(&err) && (!cv->urls || cv->nurls == 0))
        err = kz_error("chart \"%s\" has no downloadable URLs", chart);
    if (!kz_error_message(&err)) {
        *url = kz_repo_resolve_url(e->url, cv->urls[0]);
        *digest = kz_xstrdup(cv->digest ? cv->digest : "");
        kz_repo_entry_copy(entry, e);
    }
    if (loaded) kz_repo_index_free(&idx);
    kz_repofile_free(&f);
    free(repo);
    return err;
}

/* --repo URL: the chart's URL from that repository's index, fetched into a
 * temporary cache entry that is removed again (FindChartInAuthAndTLSAndPassRepoURL). */
static kz_value resolve_with_repo_url(const char *chart, const kz_chart_fetch_opts *o, char **url, char **digest) {
    char name[64];
    snprintf(name, sizeof name, "hm-repo-%ld", (long)getpid());
    kz_repo_entry e;
    kz_repo_entry_init(&e, name, o->repo_url);
    free(e.username);
    free(e.password);
    free(e.ca_file);
    free(e.cert_file);
    free(e.key_file);
    e.username = kz_xstrdup(o->username ? o->username : "");
    e.password = kz_xstrdup(o->password ? o->password : "");
    e.ca_file = kz_xstrdup(o->ca_file ? o->ca_file : "");
    e.cert_file = kz_xstrdup(o->cert_file ? o->cert_file : "");
    e.key_file = kz_xstrdup(o->key_file ? o->key_file : "");
    e.insecure_skip_tls_verify = o->insecure_skip_tls_verify;
    e.pass_credentials_all = o->pass_credentials;
    kz_value err = kz_repo_fetch_index(&e, o->repository_cache, NULL);
    char *ipath = kz_repo_cache_index_path(o->repository_cache, name);
    char *cpath = kz_repo_cache_charts_path(o->repository_cache, name);
    if (kz_error_message(&err)) {
        kz_value w = kz_error("looks like \"%s\" is not a valid chart repository or cannot be reached: %s",
                              o->repo_url, kz_error_message(&err));
        kz_free(err);
        err = w;
    }
    kz_repo_index idx;
    bool loaded = !kz_error_message(&err); /* kz_repo_index_load_file initialises idx */
    if (loaded) err = kz_repo_index_load_file(ipath, &idx, NULL);
    const kz_repo_chart_version *cv = NULL;
    if (!kz_error_message(&err)) {
        kz_value gerr = kz_repo_index_get(&idx, chart, version_or_devel(o), &cv);
        if (kz_error_message(&gerr)) {
            if (o->version && *o->version)
                err = kz_error("chart \"%s\" version \"%s\" not found in %s repository", chart, o->version,
                               o->repo_url);
            else
                err = kz_error("chart \"%s\" not found in %s repository", chart, o->repo_url);
        }
        kz_free(gerr);
    }
    if (!kz_error_message(&err) && (!cv->urls || cv->nurls == 0))
        err = kz_error("chart \"%s\" has no downloadable URLs", chart);
    if (!kz_error_message(&err)) {
        *url = kz_repo_resolve_url(o->repo_url, cv->urls[0]);
        *digest = kz_xstrdup(cv->digest ? cv->digest : "");
    }
    if (loaded) kz_repo_index_free(&idx);
    unlink(ipath);
    unlink(cpath);
    char *etag = etag_path(ipath);
    unlink(etag);
    free(etag);
    free(ipath);
    free(cpath);
    kz_repo_entry_free(&e);
    return err;
}

/* scheme and host[:port] of a URL equal? (helm's rule for sending --repo's
 * credentials to the chart's URL) */
static bool same_origin(const char *a, const char *b) {
    const char *pa = strstr(a, "://"), *pb = strstr(b, "://");
    if (!pa || !pb) return false;
    size_t na = (size_t)(pa - a) + 3 + strcspn(pa + 3, "/?#");
    size_t nb = (size_t)(pb - b) + 3 + strcspn(pb + 3, "/?#");
    return na == nb && strncmp(a, b, na) == 0;
}

/* oci://: resolve the version against the tags, pull (digests checked by
 * lib/oci), write NAME-VERSION.tgz into dest_dir. */
static kz_value fetch_oci(const char *ref, const kz_chart_fetch_opts *o, const char *dest_dir, char **path) {
    kz_oci_opts oo = {
        .registry_config = nonempty(o->registry_config),
        .username = nonempty(o->username),
        .password = o->password,
        .plain_http = o->plain_http,
        .insecure_skip_tls_verify = o->insecure_skip_tls_verify,
        .ca_file = nonempty(o->ca_file),
        .cert_file = nonempty(o->cert_file),
        .key_file = nonempty(o->key_file),
    };
    char *resolved = NULL;
    kz_value err = kz_oci_resolve(ref, o->version ? o->version : "", &oo, &resolved);
    kz_oci_pull_result res = {0};
    bool pulled = false;
    if (!kz_error_message(&err)) {
        err = kz_oci_pull(resolved, NULL, &oo, &res);
        pulled = true;
    }
    if (!kz_error_message(&err)) err = kz_file_mkdir_all(dest_dir, 0755);
    if (!kz_error_message(&err)) {
        char *name = kz_oci_pull_filename(resolved);
        char *dest = str_printf("%s/%s", dest_dir, name);
        free(name);
        err = kz_file_write_atomic(dest, res.chart.data ? res.chart.data : "", res.chart.len, 0644, 0755);
        if (kz_error_message(&err)) free(dest);
        else *path = dest;
        if (o->log) kz_buf_append(o->log, res.log.data ? res.log.data : "", res.log.len);
    }
    if (pulled) kz_oci_pull_result_free(&res);
    free(resolved);
    return err;
}

static bool is_http_url(const char *s) { return strncmp(s, "http://", 7) == 0 || strncmp(s, "https://", 8) == 0; }

kz_value kz_chart_fetch(const char *ref, const kz_chart_fetch_opts *o, const char *dest_dir, char **path) {
    *path = NULL;
    char *url = NULL, *digest = NULL;
    creds c = {.username = o->username, .password = o->password, .ca_file = o->ca_file,
               .cert_file = o->cert_file, .key_file = o->key_file,
               .insecure = o->insecure_skip_tls_verify, .pass_credentials = o->pass_credentials};
    kz_repo_entry entry = {0};
    kz_value err = kz_null();
    if (kz_oci_is_oci(ref)) {
        return fetch_oci(ref, o, dest_dir, path);
    } else if (o->repo_url && *o->repo_url) {
        err = resolve_with_repo_url(ref, o, &url, &digest);
        if (!kz_error_message(&err) && !o->pass_credentials && !same_origin(o->repo_url, url))
            c.username = c.password = NULL;
    } else if (is_http_url(ref)) {
        url = kz_xstrdup(ref);
    } else if (strstr(ref, "://")) {
        err = kz_error("could not find protocol handler for: %.*s", (int)(strstr(ref, "://") - ref), ref);
    } else {
        err = resolve_repo_chart(ref, o, &entry, &url, &digest);
        if (!kz_error_message(&err)) c = entry_creds(&entry);
    }
    if (!kz_error_message(&err)) err = download_archive(url, &c, digest, dest_dir, path);
    if (entry.name) kz_repo_entry_free(&entry);
    free(url);
    free(digest);
    return err;
}

kz_value kz_chart_fetch_url(const char *url, const kz_repo_entry *e, const char *digest, const char *dest_dir,
                            char **path) {
    *path = NULL;
    creds c = {0};
    if (e) c = entry_creds(e);
    return download_archive(url, &c, digest, dest_dir, path);
}

static char *trim_space(const char *s) {
    while (*s && strchr(" \t\n\r\v\f", *s)) s++;
    size_t n = strlen(s);
    while (n && strchr(" \t\n\r\v\f", s[n - 1])) n--;
    return kz_xstrndup(s, n);
}

bool kz_chart_ref_is_remote(const char *ref) {
    char *n = trim_space(ref);
    struct stat st;
    bool remote = stat(n, &st) != 0 && n[0] != '.' && n[0] != '/';
    free(n);
    return remote;
}

kz_value kz_chart_locate_or_fetch(const char *name, const kz_chart_fetch_opts *o, char **path) {
    *path = NULL;
    if (!kz_chart_ref_is_remote(name)) return kz_chart_locate(name, path);
    char *n = trim_space(name), *file = NULL;
    kz_value err = kz_chart_fetch(n, o, o->repository_cache, &file);
    if (file) *path = kz_chart_path_abs(file);
    free(file);
    free(n);
    return err;
}
