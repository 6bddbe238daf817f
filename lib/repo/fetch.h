/*
 * Chart repositories over the network: downloading a repository's index
 * (`repo add`, `repo update`) and charts (`pull`, and `template`/`show` of a
 * REPO/CHART or --repo reference), as helm v3.17's ChartRepository and
 * ChartDownloader do, over lib/http.
 *
 * Beyond helm: a chart archive's sha256 is checked against the digest its
 * index lists (a mismatch is an error and leaves no file behind), an archive
 * already in the destination with the right digest is not downloaded again,
 * and an index is fetched with If-None-Match / If-Modified-Since when the
 * cache holds one (the validators are kept in CACHE/NAME-index.yaml.etag).
 *
 * MEMORY: options and inputs are borrowed; returned strings and values are
 * the caller's.
 */
#ifndef KZ_REPO_FETCH_H
#define KZ_REPO_FETCH_H

#include <stdbool.h>

#include "core/buf.h"
#include "core/value.h"
#include "repo/repofile.h"

/* ChartRepository.DownloadIndexFile: GET URL/index.yaml with e's
 * credentials and TLS files, load it (helm's validation; warnings appended
 * to `warnings`), write CACHE/NAME-index.yaml (the bytes as served) and
 * CACHE/NAME-charts.txt. Errors are helm's, e.g. "failed to fetch
 * URL/index.yaml : 404 Not Found" or the loader's. */
kz_value kz_repo_fetch_index(const kz_repo_entry *e, const char *cache_dir, kz_buf *warnings);

/* How to reach charts (helm's ChartPathOptions). */
typedef struct kz_chart_fetch_opts {
    const char *version;  /* --version: a version or a constraint; "" = newest stable */
    bool devel;           /* --devel: prereleases too (when version is "") */
    const char *repo_url; /* --repo: look the chart up in this repository's index */
    const char *username, *password;
    bool pass_credentials;
    const char *ca_file, *cert_file, *key_file;
    bool insecure_skip_tls_verify;
    const char *repository_config; /* repositories.yaml */
    const char *repository_cache;  /* cached indexes */
    /* oci:// references */
    const char *registry_config; /* credentials saved by `registry login` */
    bool plain_http;             /* --plain-http */
    kz_buf *log;                 /* receives helm's "Pulled: ..." lines; may be NULL */
} kz_chart_fetch_opts;

/* ChartDownloader.DownloadTo: resolve `ref` (REPO/CHART through the cached
 * index, a chart name with opts->repo_url, an http(s) URL of an archive, or
 * oci://HOST/PATH/CHART resolved against the registry's tags),
 * download the archive into dest_dir (atomically, digest checked) and set
 * *path to its file (caller frees). */
kz_value kz_chart_fetch(const char *ref, const kz_chart_fetch_opts *opts, const char *dest_dir, char **path);

/* Download the chart archive at `url` (http or https) into
 * dest_dir/BASENAME (the last element of the URL's path), with e's
 * credentials and TLS files (e may be NULL: none), atomically; when digest
 * (hex sha256, as an index lists it) is given and not "", the download must
 * match it ("digest mismatch for URL: ..."; nothing is left behind). An
 * archive already there with that digest is kept. *path: the file (caller
 * frees). Used by `dependency update|build`. */
kz_value kz_chart_fetch_url(const char *url, const kz_repo_entry *e, const char *digest, const char *dest_dir,
                            char **path);

/* Whether a chart argument names no local file and does not start with '.'
 * or '/': it must then come from a repository (LocateChart's test). */
bool kz_chart_ref_is_remote(const char *ref);

/* LocateChart: a local chart as kz_chart_locate finds it (chart/show.h),
 * else kz_chart_fetch into the repository cache. *path is the caller's. */
kz_value kz_chart_locate_or_fetch(const char *name, const kz_chart_fetch_opts *opts, char **path);

#endif
