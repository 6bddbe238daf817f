/*
 * `helm dependency list|update|build` on a chart directory, as Helm v3.17
 * does them (cmd/helm/dependency*.go, pkg/action/dependency.go,
 * pkg/downloader/manager.go, internal/resolver).
 *
 * SCOPE. Dependencies whose repository is "file://PATH" (PATH relative to the
 * chart directory, or absolute) or "" (a chart already in charts/NAME). Any
 * other repository (http(s)://, oci://, @alias, alias:) is refused with
 * "... not supported yet" by update and build: chart repositories come
 * later. No repositories.yaml is read, so helm's "Hang tight while we grab
 * the latest from your chart repositories..." (printed only when repositories
 * are configured) never appears.
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
 * must satisfy the constraint), packages them into CHART/tmpcharts-PID, moves
 * them into charts/ and deletes the charts/ archives that were not just
 * written (unless unreadable, or a chart named as a repository-less
 * dependency), then writes Chart.lock (requirements.lock for apiVersion v1)
 * unless its digest is unchanged. The digest is Helm's HashReq: "sha256:" +
 * hex sha256 of the JSON [requirements, locked] (chart.Dependency's JSON).
 * BUILD does the same from the lock file's versions after checking its digest
 * ("the lock file (Chart.lock) is out of sync ..."); without a lock it updates.
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

#include <stddef.h>

#include "core/buf.h"
#include "core/value.h"

kz_value kz_dependency_list(const char *chart_path, size_t max_col_width, kz_buf *out,
                            kz_buf *err);
kz_value kz_dependency_update(const char *chart_path, kz_buf *out, kz_buf *err);
kz_value kz_dependency_build(const char *chart_path, kz_buf *out, kz_buf *err);

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
