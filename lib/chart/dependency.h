/*
 * `helm dependency list|update|build` on a chart directory, as Helm v3.17
 * does them (cmd/helm/dependency*.go, pkg/action/dependency.go,
 * pkg/downloader/manager.go, internal/resolver).
 *
 * REPOSITORIES. A dependency's repository is "" (a chart already in
 * charts/NAME), "file://PATH" (PATH relative to the chart directory, or
 * absolute), "@NAME" or "alias:NAME" (the configured repository of that name,
 * replaced by its URL in the lock and the digest, as helm's
 * resolveRepoNames does), an http(s) URL (the configured repository with an
 * equal URL, else an "unmanaged" one: its index is fetched into
 * CACHE/helm-manager-<sha256 of the URL>-index.yaml, "Getting updates for
 * unmanaged Helm repositories..."; `build` refuses those: "no repository
 * definition for URL. Please add the missing repos via 'helm repo add'"), or
 * "oci://HOST/PATH" (no configuration; the version is an exact tag, or the
 * highest tag the constraint accepts). Unknown names fail with helm's "no
 * repository definition for @x, stable. Please add them via 'helm repo
 * add'..." text.
 *
 * REFRESH. Unless skip_refresh, update and build first download the index of
 * EVERY configured repository (helm's UpdateRepositories: "Hang tight while
 * we grab the latest from your chart repositories...", one
 * "...Successfully got an update from the \"NAME\" chart repository" or
 * "...Unable to get an update from the \"NAME\" chart repository (URL):\n\t
 * ERROR" line each, in file order (helm's order is random), then "Update
 * Complete. ⎈Happy Helming!⎈"); failures are not errors. Downloading then
 * loads the cached index of every configured repository, so one that was
 * never fetched fails the command ("open CACHE/NAME-index.yaml: no such file
 * or directory"), as in helm.
 *
 * DOWNLOADS. "Downloading NAME from repo REPOSITORY" per chart (the URL as
 * the dependency or lock writes it), into CHART/tmpcharts-PID, then moved
 * into charts/. http(s) archives are fetched with the repository entry's
 * credentials and TLS files and checked against the index's digest (beyond
 * helm); oci:// charts are pulled (digests checked by lib/oci), helm's
 * "Pulled: ..."/"Digest: ..." lines going to `err`.
 *
 * LIST prints the table "NAME VERSION REPOSITORY STATUS" (gosuri/uitable:
 * cells padded to the column's width, "\t" between cells, cells wider than
 * max_col_width cut to max_col_width with "..."; 0 = no limit), a blank line,
 * then warnings about charts/ entries that are not charts or not declared.
 * Statuses, as helm decides them: "ok", "wrong version", "misnamed",
 * "invalid version", "corrupt" from an archive charts/NAME-*.tgz (when several
 * match and more than one is named NAME-<strict semver>: "too many matches");
 * else from the loaded subchart named NAME: "missing", "wrong version",
 * "invalid version", "unpacked".
 *
 * UPDATE resolves each dependency (file://: the chart at PATH, whose version
 * must satisfy the constraint; a repository: the newest version in its cached
 * index the constraint accepts, prereleases only when the constraint allows
 * them, else "can't get a valid version for N subchart(s): ..."; oci://: the
 * highest such tag), downloads or packages them into CHART/tmpcharts-PID, moves
 * them into charts/ and deletes the charts/ archives that were not just
 * written (unless unreadable, or a chart named as a repository-less
 * dependency), then writes Chart.lock (requirements.lock for apiVersion v1)
 * unless its digest is unchanged. The digest is Helm's HashReq: "sha256:" +
 * hex sha256 of the JSON [requirements, locked] (chart.Dependency's JSON).
 * BUILD does the same from the lock file's versions after checking its digest
 * ("the lock file (Chart.lock) is out of sync ...") and that every http(s)
 * repository of the lock is configured; without a lock it updates.
 *
 * OUTPUT. Helm's messages for stdout go to `out` ("Saving 2 charts",
 * "Deleting outdated charts", the table); lines helm logs on stderr (the
 * loader's warnings) to `err`. Errors come back as error values with helm's
 * message (the caller prints "Error: ..."). chart_path is used as given (the
 * CLI cleans it as helm does); it appears in messages as helm shows it.
 * Inputs are borrowed; returned values are the caller's.
 */
#ifndef KZ_CHART_DEPENDENCY_H
#define KZ_CHART_DEPENDENCY_H

#include <stdbool.h>
#include <stddef.h>

#include "core/buf.h"
#include "core/value.h"

kz_value kz_dependency_list(const char *chart_path, size_t max_col_width, kz_buf *out,
                            kz_buf *err);

/* Where repositories are configured and cached, and how to reach OCI
 * registries (helm's dependency update|build flags). Strings borrowed; NULL
 * or "" = unset. A NULL repository_config means no repository is
 * configured. */
typedef struct kz_dependency_opts {
    const char *repository_config; /* repositories.yaml */
    const char *repository_cache;  /* NAME-index.yaml files */
    const char *registry_config;   /* OCI credentials */
    bool skip_refresh;             /* --skip-refresh */
    /* OCI registries (--plain-http, --username, --password, TLS files) */
    bool plain_http, insecure_skip_tls_verify;
    const char *username, *password, *ca_file, *cert_file, *key_file;
} kz_dependency_opts;

/* opts may be NULL: no repositories (file:// and charts/ only). */
kz_value kz_dependency_update(const char *chart_path, const kz_dependency_opts *opts, kz_buf *out,
                              kz_buf *err);
kz_value kz_dependency_build(const char *chart_path, const kz_dependency_opts *opts, kz_buf *out,
                             kz_buf *err);

/* Helm's resolver.HashReq: req and lock are SEQs of dependency MAPs (the
 * metadata form of chart.h, or a lock file's entries), or NULL values (Go's
 * nil slice). Returns a STRING "sha256:<hex>". */
kz_value kz_dependency_hash(const kz_value *req, const kz_value *lock);

/* The text of Chart.lock for these locked dependencies (a SEQ of MAPs with
 * name, repository, version), digest and time (Go's RFC 3339 with
 * nanoseconds, in the local time zone), as yaml.Marshal(chart.Lock) prints it.
 * Appended to out. */
void kz_dependency_lock_yaml(kz_buf *out, const kz_value *locked, const char *digest,
                             long long sec, long nsec);

#endif
