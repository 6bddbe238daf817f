/*
 * `helm search repo` (helm v3.17's cmd/helm/search and search_repo.go) over
 * the cached indexes.
 *
 * WHAT IS SEARCHED. Every version of every chart of every repository (in the
 * order of repositories.yaml; a repository whose cache does not load is
 * skipped with two warnings). Each version's search text is
 *   NAME \v REPO/NAME \v DESCRIPTION \v KEYWORDS (joined by spaces)
 * (NAME: the chart's metadata name). Without keywords every version matches.
 * Keywords are joined by one space into one term: a literal search finds the
 * lower-cased term in the lower-cased text; --regexp finds Go's regexp in the
 * text as is. The score is the field the match starts in (0 name, 1
 * repo/name, 2 description, 3 keywords).
 *
 * ORDER AND FILTER. Results sort by score, then by REPO/CHART name (bytes),
 * then newest version first. The version constraint (--version, else
 * ">0.0.0", or ">0.0.0-0" with --devel) keeps matching versions; without
 * --versions only the first kept row of each chart is shown. One version
 * listed twice in an index gives one row.
 *
 * OUTPUT. table: NAME, CHART VERSION, APP VERSION, DESCRIPTION columns (see
 * table.h; --max-col-width, helm's default 50; 0 = no limit), or "No results
 * found\n"; json: [{"name","version","app_version","description"}] and
 * "\n"; yaml: the same list as YAML ("[]\n" when empty).
 *
 * MEMORY: inputs borrowed; the caller owns out and warnings.
 */
#ifndef KZ_REPO_SEARCH_H
#define KZ_REPO_SEARCH_H

#include <stdbool.h>
#include <stddef.h>

#include "core/buf.h"
#include "core/value.h"
#include "repo/index.h"
#include "repo/table.h"

/* The repositories searched: names and their loaded indexes. */
typedef struct kz_repo_set {
    char **names;
    kz_repo_index *indexes;
    size_t len;
} kz_repo_set;

/* buildIndex: read repositories.yaml ("no repositories configured" when it
 * is missing, broken or empty) and each CACHE/NAME-index.yaml. A cache that
 * fails to load adds
 *   WARNING: Repo "NAME" is corrupt or missing. Try 'helm repo update'.
 *   WARNING: <the load error>
 * to warnings and is left out; index load warnings go there too. Caches
 * are read through their sidecars (kz_repo_index_load_cached, refreshed). */
kz_value kz_repo_set_load(const char *repo_file, const char *cache_dir, kz_repo_set *out, kz_buf *warnings);
/* The same; each cache is read through its sidecar (index.h, SIDECAR) when
 * it matches, and the sidecar is rewritten when it doesn't and
 * refresh_cache is set (kz_repo_set_load: set). */
kz_value kz_repo_set_load_ex(const char *repo_file, const char *cache_dir, bool refresh_cache, kz_repo_set *out,
                             kz_buf *warnings);
void kz_repo_set_free(kz_repo_set *s);

typedef struct kz_repo_search_opts {
    const char *const *keywords; /* the arguments; joined by " " */
    size_t nkeywords;
    bool regexp;         /* --regexp */
    bool versions;       /* --versions */
    bool devel;          /* --devel */
    const char *version; /* --version constraint; NULL or "" for the default */
    kz_repo_format format;
    size_t max_col_width; /* --max-col-width (helm's default: 50) */
    bool fail_on_no_result; /* --fail-on-no-result: no rows is the error "no results found" */
} kz_repo_search_opts;

/* Search and print. Errors: a bad regexp (Go's "error parsing regexp: ..."),
 * a bad constraint ("an invalid version/constraint format: ..."). */
kz_value kz_repo_search(const kz_repo_set *repos, const kz_repo_search_opts *opts, kz_buf *out);

#endif
