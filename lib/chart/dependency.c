/*
 * helm dependency list|update|build (see dependency.h). Charts are packaged
 * here with libarchive, as chartutil.Save lays them out (dep_save below): to
 * be merged with `hm package`'s writer when that lands.
 */
#define _GNU_SOURCE
#include "chart/dependency.h"
#include "chart/package.h"

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "chart/chart.h"
#include "core/digest.h"
#include "core/alloc.h"
#include "tmpl/fmt.h"
#include "core/file.h"
#include "json/json.h"
#include "oci/oci.h"
#include "repo/fetch.h"
#include "repo/index.h"
#include "repo/repofile.h"
#include "semver/semver.h"
#include "yaml/emit.h"
#include "yaml/parse.h"

/* ---- small helpers ---- */

/* Go's filepath.Join(a, b): joined and cleaned. Caller frees. */
static char *path_join(const char *a, const char *b) {
    kz_buf t = KZ_BUF_INIT;
    if (*a) kz_buf_puts(&t, a);
    if (*a && *b) kz_buf_putc(&t, '/');
    kz_buf_puts(&t, b);
    char *r = kz_chart_path_clean(kz_buf_cstr(&t));
    kz_buf_free(&t);
    return r;
}

/* Go's os.Stat error text: "stat PATH: reason". */
static kz_value stat_error(const char *path, int e) {
    char eb[128];
    return kz_error("stat %s: %s", path, kz_errno_text(e, eb, sizeof eb));
}

/* Go's %q (strconv.Quote). */
static void go_quote(kz_buf *b, const char *s) { kz_fmt_quote(b, s, strlen(s), false); }

static const char *field(const kz_value *dep, const char *key) {
    const kz_value *v = kz_is_map(dep) ? kz_map_getz(dep, key) : NULL;
    return v ? kz_str(v) : "";
}

static bool has_prefix(const char *s, const char *p) { return strncmp(s, p, strlen(p)) == 0; }

/* The chart's declared dependencies as Go holds them: a SEQ, or NULL for a
 * nil slice. The metadata drops an empty list, but `dependencies: []` is a
 * non-nil empty slice for helm (update then writes a lock), so the source
 * file is looked at again in that case. */
static kz_value declared_deps(const kz_chart *c) {
    const kz_value *d = kz_map_getz(&c->metadata, "dependencies");
    if (d && kz_is_seq(d)) return kz_copy(d);
    const char *src = strcmp(c->api_version, "v1") == 0 ? "requirements.yaml" : "Chart.yaml";
    for (size_t i = 0; i < c->raw.len; i++) {
        if (strcmp(c->raw.v[i].name, src) != 0) continue;
        kz_value doc = kz_yaml_parse_one(c->raw.v[i].data, c->raw.v[i].len, NULL);
        const kz_value *dd = kz_is_map(&doc) ? kz_map_getz(&doc, "dependencies") : NULL;
        bool empty_list = dd && kz_is_seq(dd);
        kz_free(doc);
        if (empty_list) return kz_seq();
    }
    return kz_null();
}

/* ---- semver ---- */

/* Masterminds' NewConstraint(c).Check(NewVersion(v)): 1 satisfied, 0 not,
 * -1 bad constraint (*err), -2 bad version (*err). err may be NULL. */
static int version_check(const char *constraint, const char *version, kz_value *err) {
    kz_semver_constraint *c = NULL;
    kz_value e = kz_semver_constraint_parse(constraint, strlen(constraint), &c);
    if (!kz_is_null(&e)) {
        if (err) *err = e;
        else kz_free(e);
        return -1;
    }
    kz_semver v;
    e = kz_semver_parse(version, strlen(version), &v);
    if (!kz_is_null(&e)) {
        kz_semver_constraint_free(c);
        if (err) *err = e;
        else kz_free(e);
        return -2;
    }
    int ok = kz_semver_constraint_check(c, &v) ? 1 : 0;
    kz_semver_free(&v);
    kz_semver_constraint_free(c);
    return ok;
}

/* Masterminds' StrictNewVersion: exactly MAJOR.MINOR.PATCH, no "v", no
 * leading zeros, then what NewVersion accepts as prerelease and metadata. */
static bool strict_semver(const char *s) {
    const char *p = s;
    for (int part = 0; part < 3; part++) {
        if (*p < '0' || *p > '9') return false;
        if (*p == '0' && p[1] >= '0' && p[1] <= '9') return false;
        while (*p >= '0' && *p <= '9') p++;
        if (part < 2 && *p++ != '.') return false;
    }
    if (*p && *p != '-' && *p != '+') return false;
    kz_semver v;
    kz_value e = kz_semver_parse(s, strlen(s), &v);
    if (!kz_is_null(&e)) {
        kz_free(e);
        return false;
    }
    kz_semver_free(&v);
    return true;
}

/* ---- HashReq ---- */

/* One chart.Dependency as encoding/json writes it: struct order, omitempty
 * but for name and repository. */
static void dep_json(kz_buf *b, const kz_value *d) {
    static const char *const keys[] = {"name", "version", "repository", "condition",
                                       "tags", "enabled", "import-values", "alias"};
    if (!kz_is_map(d)) {
        kz_buf_puts(b, "null");
        return;
    }
    kz_buf_putc(b, '{');
    bool first = true;
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        const kz_value *v = kz_map_getz(d, keys[i]);
        bool always = i == 0 || i == 2;
        bool empty = !v || kz_is_null(v) || (kz_kind_of(v) == KZ_BOOL && !kz_bool_get(v)) ||
                     ((kz_is_string(v) || kz_is_seq(v) || kz_is_map(v)) && kz_len(v) == 0);
        if (empty && !always) continue;
        if (!first) kz_buf_putc(b, ',');
        first = false;
        kz_buf_printf(b, "\"%s\":", keys[i]);
        kz_value s = empty ? kz_string("") : kz_copy(v);
        if (kz_kind_of(&s) != KZ_STRING && i != 4 && i != 5 && i != 6) {
            /* a scalar read into a string field (a lock's unquoted 1.0) */
            kz_buf t = KZ_BUF_INIT;
            kz_json_emit(&t, &s, NULL, NULL);
            kz_free(s);
            s = kz_string(kz_buf_cstr(&t));
            kz_buf_free(&t);
        }
        kz_json_emit(b, &s, NULL, NULL);
        kz_free(s);
    }
    kz_buf_putc(b, '}');
}

static void deps_json(kz_buf *b, const kz_value *deps) {
    if (!deps || !kz_is_seq(deps)) {
        kz_buf_puts(b, "null");
        return;
    }
    kz_buf_putc(b, '[');
    for (size_t i = 0; i < kz_len(deps); i++) {
        if (i) kz_buf_putc(b, ',');
        dep_json(b, kz_seq_at(deps, i));
    }
    kz_buf_putc(b, ']');
}

static kz_value sha256_text(const kz_buf *data) {
    unsigned char md[KZ_SHA256_LEN];
    char text[sizeof "sha256:" + 2 * KZ_SHA256_LEN] = "sha256:";
    kz_sha256(data->data ? data->data : "", data->len, md);
    kz_hex_encode(md, sizeof md, text + strlen("sha256:"));
    return kz_string(text);
}

kz_value kz_dependency_hash(const kz_value *req, const kz_value *lock) {
    kz_buf b = KZ_BUF_INIT;
    kz_buf_putc(&b, '[');
    deps_json(&b, req);
    kz_buf_putc(&b, ',');
    deps_json(&b, lock);
    kz_buf_putc(&b, ']');
    kz_value r = sha256_text(&b);
    kz_buf_free(&b);
    return r;
}

/* Helm's HashV2Req: {"dependencies": req}. */
static kz_value hash_v2(const kz_value *req) {
    kz_buf b = KZ_BUF_INIT;
    kz_buf_puts(&b, "{\"dependencies\":");
    deps_json(&b, req);
    kz_buf_putc(&b, '}');
    kz_value r = sha256_text(&b);
    kz_buf_free(&b);
    return r;
}

/* ---- lock file ---- */

/* Go's time.Time JSON form: RFC 3339 with nanoseconds, trailing zeros cut. */
static void go_time(kz_buf *b, long long sec, long nsec) {
    time_t t = (time_t)sec;
    struct tm tm;
    localtime_r(&t, &tm);
    char d[64];
    strftime(d, sizeof d, "%Y-%m-%dT%H:%M:%S", &tm);
    kz_buf_puts(b, d);
    if (nsec > 0) {
        char frac[24];
        snprintf(frac, sizeof frac, "%09ld", nsec);
        size_t n = strlen(frac);
        while (n > 0 && frac[n - 1] == '0') n--;
        kz_buf_putc(b, '.');
        kz_buf_append(b, frac, n);
    }
    long off = tm.tm_gmtoff;
    if (off == 0) {
        kz_buf_putc(b, 'Z');
        return;
    }
    char sign = off < 0 ? '-' : '+';
    if (off < 0) off = -off;
    kz_buf_printf(b, "%c%02ld:%02ld", sign, off / 3600, (off / 60) % 60);
}

/* A locked dependency as chart.Dependency's JSON keeps it (for YAML). */
static kz_value lock_entry(const kz_value *d) {
    kz_value m = kz_map();
    kz_map_setz(&m, "name", kz_string(field(d, "name")));
    if (*field(d, "version")) kz_map_setz(&m, "version", kz_string(field(d, "version")));
    kz_map_setz(&m, "repository", kz_string(field(d, "repository")));
    return m;
}

void kz_dependency_lock_yaml(kz_buf *out, const kz_value *locked, const char *digest,
                             long long sec, long nsec) {
    kz_value doc = kz_map();
    kz_value deps = kz_seq();
    for (size_t i = 0; kz_is_seq(locked) && i < kz_len(locked); i++)
        kz_seq_push(&deps, lock_entry(kz_seq_at(locked, i)));
    kz_map_setz(&doc, "dependencies", deps);
    kz_map_setz(&doc, "digest", kz_string(digest));
    kz_buf t = KZ_BUF_INIT;
    go_time(&t, sec, nsec);
    kz_map_setz(&doc, "generated", kz_string(kz_buf_cstr(&t)));
    kz_buf_free(&t);
    kz_yaml_emit(out, &doc);
    kz_free(doc);
}

/* ---- packaging (chartutil.Save) ---- */

/* chartutil.Save(c, dir): DIR/NAME-VERSION.tgz. */
static kz_value dep_save(const kz_chart *c, const char *dir) {
    kz_buf data = KZ_BUF_INIT;
    kz_value err = kz_chart_write_archive(c, (int64_t)time(NULL), &data); /* hm package's writer */
    if (kz_is_null(&err)) {
        kz_buf name = KZ_BUF_INIT;
        kz_buf_printf(&name, "%s-%s.tgz", c->name, c->version);
        char *path = path_join(dir, kz_buf_cstr(&name));
        FILE *f = fopen(path, "wb");
        if (!f || fwrite(data.data, 1, data.len, f) != data.len) {
            char eb[128];
            err = kz_error("open %s: %s", path, kz_errno_text(errno, eb, sizeof eb));
        }
        if (f) fclose(f);
        free(path);
        kz_buf_free(&name);
    }
    kz_buf_free(&data);
    return err;
}

/* ---- resolving ---- */

/* resolver.GetLocalPath: the folder of a file:// repository (or of a path
 * relative to the chart). Caller frees *out. */
static kz_value local_path(const char *repo, const char *chart_path, char **out) {
    const char *p = has_prefix(repo, "file://") ? repo + 7 : repo;
    char *dep = p[0] == '/' ? kz_chart_path_clean(p) : path_join(chart_path, p);
    struct stat st;
    if (stat(dep, &st) != 0) {
        kz_value e = errno == ENOENT ? kz_error("directory %s not found", dep) : stat_error(dep, errno);
        free(dep);
        return e;
    }
    *out = dep;
    return kz_null();
}

/* ---- repositories (Manager.resolveRepoNames, ensureMissingRepos,
 * UpdateRepositories) ---- */

/* What update and build share: the options, repositories.yaml, and helm's
 * repoNames (dependency name -> repository name, a MAP of STRING). */
typedef struct dep_ctx {
    const char *chart_path;
    kz_dependency_opts o;
    kz_repofile rf;
    kz_value names;
    kz_buf *out, *err;
} dep_ctx;

static const char *opt(const char *s) { return s && *s ? s : NULL; }

static kz_value ctx_init(dep_ctx *x, const char *chart_path, const kz_dependency_opts *o, kz_buf *out,
                         kz_buf *err) {
    memset(x, 0, sizeof *x);
    x->chart_path = chart_path;
    if (o) x->o = *o;
    x->out = out;
    x->err = err;
    x->names = kz_map();
    if (opt(x->o.repository_config)) return kz_repofile_load(x->o.repository_config, &x->rf, NULL);
    kz_repofile_init(&x->rf);
    return kz_null();
}

static void ctx_free(dep_ctx *x) {
    kz_repofile_free(&x->rf);
    kz_free(x->names);
}

static const char *repo_name_of(const dep_ctx *x, const char *dep_name) {
    const kz_value *v = kz_map_getz(&x->names, dep_name);
    return v && kz_is_string(v) ? kz_str(v) : NULL;
}

/* helm's urlutil.Equal: scheme and host as written, paths compared after
 * filepath.Clean ("" reads "/"), so a trailing slash does not matter. */
static char *url_normal(const char *u) {
    const char *sep = strstr(u, "://");
    const char *path = sep ? sep + 3 + strcspn(sep + 3, "/?#") : u;
    size_t plen = strcspn(path, "?#");
    char *p = kz_xstrndup(path, plen);
    char *clean = kz_chart_path_clean(*p ? p : "/");
    kz_buf b = KZ_BUF_INIT;
    kz_buf_append(&b, u, (size_t)(path - u));
    kz_buf_puts(&b, clean);
    kz_buf_puts(&b, path + plen);
    free(p);
    free(clean);
    return kz_buf_detach(&b, NULL);
}

static bool url_equal(const char *a, const char *b) {
    char *na = url_normal(a), *nb = url_normal(b);
    bool eq = strcmp(na, nb) == 0;
    free(na);
    free(nb);
    return eq;
}

/* Go's url.ParseRequestURI accepts it: a scheme, or an absolute path. */
static bool request_uri_ok(const char *s) {
    if (s[0] == '/') return true;
    const char *p = s;
    if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z'))) return false;
    while (*p && *p != ':') {
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
              *p == '+' || *p == '-' || *p == '.'))
            return false;
        p++;
    }
    return *p == ':' && strpbrk(s, " \t\n\r") == NULL;
}

/* Manager.resolveRepoNames: file:// paths must exist, @NAME and alias:NAME
 * must be configured (the dependency's repository becomes the URL: the lock
 * and the digest show it), URLs are looked up. */
static kz_value resolve_repo_names(dep_ctx *x, kz_value *deps) {
    kz_buf missing = KZ_BUF_INIT;
    bool non_url = false;
    size_t nmissing = 0;
    for (size_t i = 0; kz_is_seq(deps) && i < kz_len(deps); i++) {
        kz_value *d = kz_seq_at_mut(deps, i);
        const char *name = field(d, "name"), *repo = field(d, "repository");
        if (!*repo || kz_oci_is_oci(repo)) continue;
        if (has_prefix(repo, "file://")) {
            char *p = NULL;
            kz_value e = local_path(repo, x->chart_path, &p);
            free(p);
            if (!kz_is_null(&e)) {
                kz_buf_free(&missing);
                return e;
            }
            kz_map_setz(&x->names, name, kz_string(repo));
            continue;
        }
        bool found = false;
        for (size_t k = 0; k < x->rf.len && !found; k++) {
            const kz_repo_entry *e = &x->rf.entries[k];
            if ((repo[0] == '@' && strcmp(repo + 1, e->name) == 0) ||
                (has_prefix(repo, "alias:") && strcmp(repo + 6, e->name) == 0)) {
                found = true;
                kz_map_setz(&x->names, name, kz_string(e->name));
                kz_map_setz(d, "repository", kz_string(e->url));
            } else if (url_equal(e->url, repo)) {
                found = true;
                kz_map_setz(&x->names, name, kz_string(e->name));
            }
        }
        if (found || request_uri_ok(repo)) continue;
        if (nmissing++) kz_buf_puts(&missing, ", ");
        kz_buf_puts(&missing, repo);
        if (!strstr(repo, "//") && repo[0] != '@' && !has_prefix(repo, "alias:")) non_url = true;
    }
    kz_value res = kz_null();
    if (nmissing)
        res = kz_error("no repository definition for %s. Please add them via 'helm repo add'%s",
                       kz_buf_cstr(&missing),
                       non_url ? "\nNote that repositories must be URLs or aliases. For example, to refer to the "
                                 "\"example\"\nrepository, use \"https://charts.example.com/\" or \"@example\" "
                                 "instead of\n\"example\". Don't forget to add the repo, too ('helm repo add')."
                               : "");
    kz_buf_free(&missing);
    return res;
}

/* The scheme of a URL for the getters: http and https only. */
static kz_value check_protocol(const char *url) {
    if (has_prefix(url, "http://") || has_prefix(url, "https://")) return kz_null();
    const char *c = strchr(url, ':');
    const char *sl = strchr(url, '/');
    size_t n = c && (!sl || c < sl) ? (size_t)(c - url) : 0;
    return kz_error("could not find protocol handler for: %.*s", (int)n, url);
}

/* Manager.parallelRepoUpdate, one repository after the other, in file
 * order (helm's order is random); an entry whose URL (trailing '/' aside) a
 * later one repeats is skipped (dedupeRepos keeps the last). Unmanaged
 * entries are named by their URL. */
static void refresh_repos(dep_ctx *x, const kz_repo_entry *const *es, size_t n, bool unmanaged) {
    for (size_t i = 0; i < n; i++) {
        const kz_repo_entry *e = es[i];
        size_t ul = strlen(e->url);
        while (ul && e->url[ul - 1] == '/') ul--;
        bool later = false;
        for (size_t k = i + 1; k < n && !later; k++) {
            size_t kl = strlen(es[k]->url);
            while (kl && es[k]->url[kl - 1] == '/') kl--;
            later = kl == ul && strncmp(es[k]->url, e->url, ul) == 0;
        }
        if (later) continue;
        kz_value err = kz_repo_fetch_index(e, x->o.repository_cache, x->err);
        const char *shown = unmanaged ? e->url : e->name;
        if (kz_error_message(&err)) {
            if (unmanaged)
                kz_buf_printf(x->out, "...Unable to get an update from the \"%s\" chart repository:\n\t%s\n", shown,
                              kz_error_message(&err));
            else
                kz_buf_printf(x->out, "...Unable to get an update from the \"%s\" chart repository (%s):\n\t%s\n",
                              shown, e->url, kz_error_message(&err));
        } else {
            kz_buf_printf(x->out, "...Successfully got an update from the \"%s\" chart repository\n", shown);
        }
        kz_free(err);
    }
}

/* Manager.UpdateRepositories: every configured repository. */
static void update_repositories(dep_ctx *x) {
    if (x->o.skip_refresh || x->rf.len == 0) return;
    const kz_repo_entry **es = kz_xcalloc(x->rf.len, sizeof *es);
    for (size_t i = 0; i < x->rf.len; i++) es[i] = &x->rf.entries[i];
    kz_buf_puts(x->out, "Hang tight while we grab the latest from your chart repositories...\n");
    refresh_repos(x, es, x->rf.len, false);
    kz_buf_puts(x->out, "Update Complete. \xe2\x8e\x88Happy Helming!\xe2\x8e\x88\n");
    free(es);
}

static char *sha256_hex(const char *s) {
    unsigned char md[KZ_SHA256_LEN];
    char *hex = kz_xmalloc(2 * KZ_SHA256_LEN + 1);
    kz_sha256(s, strlen(s), md);
    kz_hex_encode(md, sizeof md, hex);
    return hex;
}

/* Manager.ensureMissingRepos: URLs no configured repository has become
 * "unmanaged" repositories named helm-manager-<sha256 of the URL>, whose
 * indexes are fetched (unless skip_refresh). */
static kz_value ensure_missing_repos(dep_ctx *x, const kz_value *deps) {
    size_t n = 0, cap = kz_is_seq(deps) ? kz_len(deps) : 0;
    kz_repo_entry *es = kz_xcalloc(cap ? cap : 1, sizeof *es);
    for (size_t i = 0; i < cap; i++) {
        const kz_value *d = kz_seq_at(deps, i);
        const char *name = field(d, "name"), *repo = field(d, "repository");
        if (!*repo || kz_oci_is_oci(repo) || repo_name_of(x, name)) continue;
        char *hex = sha256_hex(repo);
        kz_buf key = KZ_BUF_INIT;
        kz_buf_printf(&key, "helm-manager-%s", hex);
        free(hex);
        kz_map_setz(&x->names, name, kz_string(kz_buf_cstr(&key)));
        kz_repo_entry_init(&es[n++], kz_buf_cstr(&key), repo);
        kz_buf_free(&key);
    }
    kz_value res = kz_null();
    if (!x->o.skip_refresh && n > 0) {
        kz_buf_puts(x->out, "Getting updates for unmanaged Helm repositories...\n");
        for (size_t i = 0; i < n && kz_is_null(&res); i++) res = check_protocol(es[i].url);
        if (kz_is_null(&res)) {
            const kz_repo_entry **ps = kz_xcalloc(n, sizeof *ps);
            for (size_t i = 0; i < n; i++) ps[i] = &es[i];
            refresh_repos(x, ps, n, true);
            free(ps);
        }
    }
    for (size_t i = 0; i < n; i++) kz_repo_entry_free(&es[i]);
    free(es);
    return res;
}

/* Manager.hasAllRepos (build): every http(s) repository of the lock must be
 * configured. */
static kz_value has_all_repos(const dep_ctx *x, const kz_value *deps) {
    kz_buf missing = KZ_BUF_INIT;
    size_t nmissing = 0;
    for (size_t i = 0; kz_is_seq(deps) && i < kz_len(deps); i++) {
        const char *repo = field(kz_seq_at(deps, i), "repository");
        if (!*repo || has_prefix(repo, "file://") || kz_oci_is_oci(repo)) continue;
        size_t n = strlen(repo);
        char *trimmed = kz_xstrndup(repo, n && repo[n - 1] == '/' ? n - 1 : n);
        bool found = false;
        for (size_t k = 0; k < x->rf.len && !found; k++) found = url_equal(x->rf.entries[k].url, trimmed);
        free(trimmed);
        if (found) continue;
        if (nmissing++) kz_buf_puts(&missing, ", ");
        kz_buf_puts(&missing, repo);
    }
    kz_value res = kz_null();
    if (nmissing)
        res = kz_error("no repository definition for %s. Please add the missing repos via 'helm repo add'",
                       kz_buf_cstr(&missing));
    kz_buf_free(&missing);
    return res;
}

static kz_oci_opts oci_opts(const dep_ctx *x) {
    return (kz_oci_opts){
        .registry_config = opt(x->o.registry_config),
        .username = opt(x->o.username),
        .password = x->o.password,
        .plain_http = x->o.plain_http,
        .insecure_skip_tls_verify = x->o.insecure_skip_tls_verify,
        .ca_file = opt(x->o.ca_file),
        .cert_file = opt(x->o.cert_file),
        .key_file = opt(x->o.key_file),
    };
}

/* CACHE/NAME-index.yaml, loaded (helm's LoadIndexFile; warnings to err). */
static kz_value load_cached_index(const dep_ctx *x, const char *name, kz_repo_index *idx) {
    char *path = kz_repo_cache_index_path(x->o.repository_cache ? x->o.repository_cache : "", name);
    kz_value e = kz_repo_index_load_cached(path, idx, x->err, false);
    free(path);
    return e;
}

static kz_value locked_dep(const char *name, const char *repo, const char *version) {
    kz_value m = kz_map();
    kz_map_setz(&m, "name", kz_string(name));
    kz_map_setz(&m, "repository", kz_string(repo));
    if (*version) kz_map_setz(&m, "version", kz_string(version));
    return m;
}

/* The candidate versions of a repository dependency, newest first: from the
 * cached index of its repository, or (oci://) the exact version or the
 * registry's tags. *vs: a SEQ of STRING (versions without URLs left out). */
static kz_value candidate_versions(const dep_ctx *x, const kz_value *d, const char *repo_name, kz_value *vs) {
    const char *name = field(d, "name"), *repo = field(d, "repository"), *ver = field(d, "version");
    *vs = kz_seq();
    if (kz_oci_is_oci(repo)) {
        kz_semver v;
        kz_value e = kz_semver_parse(ver, strlen(ver), &v);
        if (kz_is_null(&e)) {
            kz_semver_free(&v);
            kz_seq_push(vs, kz_string(ver));
            return kz_null();
        }
        kz_free(e);
        kz_buf ref = KZ_BUF_INIT;
        kz_buf_printf(&ref, "%s/%s", repo + strlen("oci://"), name);
        kz_oci_opts oo = oci_opts(x);
        kz_value tags = kz_null();
        e = kz_oci_tags(kz_buf_cstr(&ref), &oo, &tags);
        kz_buf_free(&ref);
        if (!kz_is_null(&e)) {
            kz_value r = kz_error("could not retrieve list of tags for repository %s: %s", repo, kz_error_message(&e));
            kz_free(e);
            kz_free(tags);
            return r;
        }
        kz_free(*vs);
        *vs = tags;
        return kz_null();
    }
    kz_repo_index idx;
    kz_value e = load_cached_index(x, repo_name, &idx);
    if (!kz_is_null(&e)) {
        kz_value r = kz_error("no cached repository for %s found. (try 'helm repo update'): %s", repo_name,
                                kz_error_message(&e));
        kz_free(e);
        kz_repo_index_free(&idx);
        return r;
    }
    const kz_repo_chart *ch = kz_repo_index_chart(&idx, name);
    if (!ch) e = kz_error("%s chart not found in repo %s", name, repo);
    for (size_t i = 0; ch && i < ch->len; i++)
        if (ch->v[i].urls && ch->v[i].nurls > 0) kz_seq_push(vs, kz_string(ch->v[i].version));
    kz_repo_index_free(&idx);
    return e;
}

/* Resolver.Resolve: the locked dependencies (*locked, a SEQ). */
static kz_value resolve(const dep_ctx *x, const kz_value *req, kz_value *locked) {
    const char *chart_path = x->chart_path;
    *locked = kz_seq();
    kz_buf missing = KZ_BUF_INIT;
    size_t nmissing = 0;
    kz_value res = kz_null();
    for (size_t i = 0; i < kz_len(req) && kz_is_null(&res); i++) {
        const kz_value *d = kz_seq_at(req, i);
        const char *name = field(d, "name"), *repo = field(d, "repository"),
                   *ver = field(d, "version");
        kz_value e = kz_null();
        if (version_check(ver, "0.0.0", &e) == -1) {
            kz_buf q = KZ_BUF_INIT;
            go_quote(&q, name);
            res = kz_error("dependency %s has an invalid version/constraint format: %s",
                           kz_buf_cstr(&q), kz_error_message(&e));
            kz_buf_free(&q);
            kz_free(e);
            break;
        }
        kz_free(e);
        char *p = NULL;
        if (!*repo) {
            char *sub = path_join("charts", name);
            res = local_path(sub, chart_path, &p);
            free(sub);
            free(p);
            if (kz_is_null(&res)) kz_seq_push(locked, locked_dep(name, "", ver));
            continue;
        }
        const char *version = NULL; /* the version locked */
        bool found = true;
        kz_chart *c = NULL;
        kz_value vs = kz_null();
        if (has_prefix(repo, "file://")) {
            res = local_path(repo, chart_path, &p);
            if (kz_is_null(&res)) res = kz_chart_load_dir(p, NULL, &c);
            free(p);
            if (!kz_is_null(&res)) break;
            int ok = version_check(ver, c->version, NULL);
            if (ok < 0) {
                /* Helm skips a chart whose version is not semver. */
                kz_seq_push(locked, kz_null());
                kz_chart_free(c);
                continue;
            }
            vs = kz_seq();
            kz_seq_push(&vs, kz_string(c->version));
            found = false;
        } else {
            const char *rn = repo_name_of(x, name);
            if (!rn && !kz_oci_is_oci(repo)) { /* nothing is known about it: locked as written */
                kz_seq_push(locked, locked_dep(name, repo, ver));
                continue;
            }
            res = candidate_versions(x, d, rn, &vs);
            if (!kz_is_null(&res)) {
                kz_free(vs);
                break;
            }
            if (!kz_oci_is_oci(repo)) found = false;
            else version = ver;
        }
        /* newest first: the first the constraint accepts wins */
        for (size_t k = 0; k < kz_len(&vs); k++) {
            const char *cand = kz_str(kz_seq_at(&vs, k));
            if (version_check(ver, cand, NULL) == 1) {
                version = cand;
                found = true;
                break;
            }
        }
        if (!found) {
            if (nmissing++) kz_buf_puts(&missing, ", ");
            go_quote(&missing, name);
            kz_buf_puts(&missing, " (repository ");
            go_quote(&missing, repo);
            kz_buf_puts(&missing, ", version ");
            go_quote(&missing, ver);
            kz_buf_putc(&missing, ')');
            kz_seq_push(locked, has_prefix(repo, "file://") ? kz_null() : locked_dep(name, repo, ""));
        } else {
            kz_seq_push(locked, locked_dep(name, repo, version ? version : ""));
        }
        kz_free(vs);
        kz_chart_free(c);
    }
    if (kz_is_null(&res) && nmissing)
        res = kz_error("can't get a valid version for %zu subchart(s): %s. Make sure a matching "
                       "chart version exists in the repo, or change the version constraint in "
                       "Chart.yaml",
                       nmissing, kz_buf_cstr(&missing));
    kz_buf_free(&missing);
    return res;
}

/* ---- downloading (packaging, here) ---- */

/* tarFromLocalDir: package the file:// chart into dest; *version its version. */
static kz_value tar_from_local_dir(const char *chart_path, const char *name, const char *repo,
                                   const char *constraint, const char *dest, char **version) {
    char *p = NULL;
    kz_value e = local_path(repo, chart_path, &p);
    if (!kz_is_null(&e)) return e;
    kz_chart *c = NULL;
    e = kz_chart_load_dir(p, NULL, &c);
    free(p);
    if (!kz_is_null(&e)) return e;
    kz_value ve = kz_null();
    int ok = version_check(constraint, c->version, &ve);
    if (ok == -1) {
        e = kz_error("dependency %s has an invalid version/constraint format: %s", name,
                     kz_error_message(&ve));
    } else if (ok == -2) {
        e = kz_error("%s", kz_error_message(&ve));
    } else if (ok == 1) {
        e = dep_save(c, dest);
        *version = kz_xstrdup(c->version);
    } else {
        e = kz_error("can't get a valid version for dependency %s", name);
    }
    kz_free(ve);
    kz_chart_free(c);
    return e;
}

typedef struct name_list {
    char **v;
    size_t len, cap;
} name_list;

static int cmp_str(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* os.ReadDir: the entry names, sorted; *dirs[i] whether entry i is a folder
 * (not following links). -1 with errno on failure. */
static int read_dir(const char *path, name_list *out) {
    DIR *d = opendir(path);
    if (!d) return -1;
    struct dirent *de;
    while ((de = readdir(d))) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0) continue;
        if (out->len == out->cap) {
            out->cap = kz_grow_cap(out->cap, out->len + 1);
            out->v = kz_xrealloc(out->v, out->cap * sizeof *out->v);
        }
        out->v[out->len++] = kz_xstrdup(de->d_name);
    }
    closedir(d);
    if (out->len) qsort(out->v, out->len, sizeof *out->v, cmp_str);
    return 0;
}

static void name_list_free(name_list *l) {
    for (size_t i = 0; i < l->len; i++) free(l->v[i]);
    free(l->v);
}

static void name_list_push(name_list *l, const char *s) {
    if (l->len == l->cap) {
        l->cap = kz_grow_cap(l->cap, l->len + 1);
        l->v = kz_xrealloc(l->v, l->cap * sizeof *l->v);
    }
    l->v[l->len++] = kz_xstrdup(s);
}

static bool lstat_dir(const char *path) {
    struct stat st;
    return lstat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static bool in_list(const name_list *l, const char *s) {
    for (size_t i = 0; i < l->len; i++)
        if (strcmp(l->v[i], s) == 0) return true;
    return false;
}

static bool local_dep_named(const kz_value *deps, const char *name) {
    for (size_t i = 0; i < kz_len(deps); i++) {
        const kz_value *d = kz_seq_at(deps, i);
        if (kz_is_map(d) && !*field(d, "repository") && strcmp(field(d, "name"), name) == 0)
            return true;
    }
    return false;
}

/* Manager.safeMoveDeps. */
static kz_value safe_move_deps(const kz_value *deps, const char *source, const char *dest,
                               kz_buf *out) {
    name_list src = {0}, dst = {0};
    char eb[128];
    if (read_dir(source, &src) < 0) return kz_error("open %s: %s", source, kz_errno_text(errno, eb, sizeof eb));
    if (read_dir(dest, &dst) < 0) {
        name_list_free(&src);
        return kz_error("open %s: %s", dest, kz_errno_text(errno, eb, sizeof eb));
    }
    name_list moved = {0};
    for (size_t i = 0; i < src.len; i++) {
        char *from = path_join(source, src.v[i]);
        if (lstat_dir(from)) {
            free(from);
            continue;
        }
        char *to = path_join(dest, src.v[i]);
        if (moved.len == moved.cap) {
            moved.cap = kz_grow_cap(moved.cap, moved.len + 1);
            moved.v = kz_xrealloc(moved.v, moved.cap * sizeof *moved.v);
        }
        moved.v[moved.len++] = kz_xstrdup(src.v[i]);
        kz_chart *c = NULL;
        kz_value e = kz_chart_load_file(from, NULL, &c);
        if (!kz_is_null(&e)) {
            kz_buf_printf(out, "Could not verify %s for moving: %s (Skipping)", from, kz_error_message(&e));
            kz_free(e);
        } else if (rename(from, to) != 0) {
            kz_buf_printf(out, "Unable to move %s to charts dir rename %s %s: %s (Skipping)", from,
                          from, to, kz_errno_text(errno, eb, sizeof eb));
        }
        kz_chart_free(c);
        free(from);
        free(to);
    }
    kz_buf_puts(out, "Deleting outdated charts\n");
    for (size_t i = 0; i < dst.len; i++) {
        char *f = path_join(dest, dst.v[i]);
        if (lstat_dir(f) || in_list(&moved, dst.v[i])) {
            free(f);
            continue;
        }
        kz_chart *c = NULL;
        kz_value e = kz_chart_load_file(f, NULL, &c);
        if (!kz_is_null(&e)) {
            kz_buf_printf(out, "Could not verify %s for deletion: %s (Skipping)\n", f, kz_error_message(&e));
            kz_free(e);
        } else if (!local_dep_named(deps, c->name) && remove(f) != 0) {
            kz_buf_printf(out, "Could not delete %s: remove %s: %s (Skipping)", f, f,
                          kz_errno_text(errno, eb, sizeof eb));
        }
        kz_chart_free(c);
        free(f);
    }
    name_list_free(&moved);
    name_list_free(&src);
    name_list_free(&dst);
    return kz_null();
}

/* os.RemoveAll for the temporary folder (flat: archives only). */
static void remove_tree(const char *path) {
    name_list l = {0};
    if (read_dir(path, &l) == 0) {
        for (size_t i = 0; i < l.len; i++) {
            char *p = path_join(path, l.v[i]);
            if (lstat_dir(p)) remove_tree(p);
            else unlink(p);
            free(p);
        }
    }
    name_list_free(&l);
    rmdir(path);
}

/* A repository-less dependency: charts/NAME must satisfy the constraint. 1
 * when it does not (*save_err set), 0 when it does, -1 on a hard error. */
static int check_in_charts(const char *dest, const kz_value *d, kz_value *res, kz_buf *out) {
    const char *name = field(d, "name"), *ver = field(d, "version");
    kz_buf_printf(out, "Dependency %s did not declare a repository. Assuming it exists in the charts directory\n", name);
    char *p = path_join(dest, name);
    kz_chart *c = NULL;
    kz_value e = kz_chart_load_dir(p, NULL, &c);
    if (!kz_is_null(&e)) {
        *res = kz_error("unable to load chart '%s': %s", p, kz_error_message(&e));
        kz_free(e);
        free(p);
        return -1;
    }
    free(p);
    int rc = 0;
    int ok = version_check(ver, c->version, &e);
    if (ok == -1) {
        *res = kz_error("dependency %s has an invalid version/constraint format: %s", name, kz_error_message(&e));
        rc = -1;
    } else if (ok == -2) {
        *res = kz_error("invalid version %s for dependency %s: %s", ver, name, kz_error_message(&e));
        rc = -1;
    } else if (ok == 0) {
        *res = kz_error("dependency %s at version %s does not satisfy the constraint %s", name,
                        c->version, ver);
        rc = 1;
    }
    kz_free(e);
    kz_chart_free(c);
    return rc;
}

/* The configured repositories with their cached indexes
 * (Manager.loadChartRepositories): every index must load. */
typedef struct repo_set {
    kz_repo_index *idx; /* one per x->rf entry */
    size_t len;
} repo_set;

static void repo_set_free(repo_set *r) {
    for (size_t i = 0; i < r->len; i++) kz_repo_index_free(&r->idx[i]);
    free(r->idx);
}

static kz_value load_chart_repositories(const dep_ctx *x, repo_set *r) {
    r->idx = kz_xcalloc(x->rf.len ? x->rf.len : 1, sizeof *r->idx);
    r->len = 0;
    for (size_t i = 0; i < x->rf.len; i++) {
        kz_value e = load_cached_index(x, x->rf.entries[i].name, &r->idx[r->len++]);
        if (!kz_is_null(&e)) return e;
    }
    return kz_null();
}

/* Masterminds' Equal on two versions, else the strings (versionEquals). */
static bool version_equals(const char *a, const char *b) {
    kz_semver va, vb;
    kz_value ea = kz_semver_parse(a, strlen(a), &va);
    if (!kz_is_null(&ea)) {
        kz_free(ea);
        return strcmp(a, b) == 0;
    }
    kz_value eb = kz_semver_parse(b, strlen(b), &vb);
    if (!kz_is_null(&eb)) {
        kz_free(eb);
        kz_semver_free(&va);
        return strcmp(a, b) == 0;
    }
    bool eq = kz_semver_compare(&va, &vb) == 0;
    kz_semver_free(&va);
    kz_semver_free(&vb);
    return eq;
}

/* findEntryByName + findVersionedEntry + normalizeURL on one index. */
static kz_value find_in_index(const kz_repo_index *idx, const char *base, const char *name, const char *version,
                              char **url, char **digest) {
    const kz_repo_chart *ch = kz_repo_index_chart(idx, name);
    if (!ch) return kz_error("entry not found");
    for (size_t i = 0; i < ch->len; i++) {
        const kz_repo_chart_version *v = &ch->v[i];
        if (!v->urls || v->nurls == 0) continue;
        if (*version && !version_equals(version, v->version)) continue;
        *url = kz_repo_resolve_url(base, v->urls[0]);
        *digest = kz_xstrdup(v->digest ? v->digest : "");
        return kz_null();
    }
    return kz_error("no matching version");
}

/* Manager.findChartURL: the archive's URL (oci: REPO/NAME:VERSION), its
 * digest, and the repository entry whose credentials apply (NULL: none). */
static kz_value find_chart_url(const dep_ctx *x, const repo_set *rs, const kz_value *d, char **url, char **digest,
                               const kz_repo_entry **entry) {
    const char *name = field(d, "name"), *repo = field(d, "repository"), *ver = field(d, "version");
    *url = *digest = NULL;
    *entry = NULL;
    if (kz_oci_is_oci(repo)) {
        kz_buf b = KZ_BUF_INIT;
        kz_buf_printf(&b, "%s/%s:%s", repo, name, ver);
        *url = kz_buf_detach(&b, NULL);
        return kz_null();
    }
    for (size_t i = 0; i < rs->len; i++) {
        if (!url_equal(repo, x->rf.entries[i].url)) continue;
        *entry = &x->rf.entries[i];
        return find_in_index(&rs->idx[i], repo, name, ver, url, digest);
    }
    /* an unmanaged repository: its index was fetched by ensure_missing_repos
     * (helm downloads it again here) */
    const char *rn = repo_name_of(x, name);
    kz_repo_index idx;
    kz_value e = rn ? load_cached_index(x, rn, &idx) : kz_error("no cached index");
    if (rn && kz_is_null(&e)) e = find_in_index(&idx, repo, name, ver, url, digest);
    if (rn) kz_repo_index_free(&idx);
    if (!kz_is_null(&e)) {
        kz_value r = kz_error("chart %s not found in %s: %s", name, repo, kz_error_message(&e));
        kz_free(e);
        return r;
    }
    return e;
}

/* One chart from a repository into tmp: "Downloading ...", then the
 * download. Errors are the save error. */
static kz_value download_one(const dep_ctx *x, const repo_set *rs, const kz_value *d, const char *tmp,
                             name_list *seen) {
    const char *name = field(d, "name"), *repo = field(d, "repository");
    char *url = NULL, *digest = NULL;
    const kz_repo_entry *entry = NULL;
    kz_value e = find_chart_url(x, rs, d, &url, &digest, &entry);
    if (!kz_is_null(&e)) {
        kz_value r = kz_error("could not find %s: %s", url ? url : "", kz_error_message(&e));
        kz_free(e);
        free(url);
        free(digest);
        return r;
    }
    if (in_list(seen, url)) {
        kz_buf_printf(x->out, "Already downloaded %s from repo %s\n", name, repo);
        free(url);
        free(digest);
        return kz_null();
    }
    kz_buf_printf(x->out, "Downloading %s from repo %s\n", name, repo);
    char *path = NULL;
    if (kz_oci_is_oci(url)) {
        kz_buf log = KZ_BUF_INIT;
        kz_chart_fetch_opts fo = {
            .version = field(d, "version"),
            .registry_config = opt(x->o.registry_config),
            .username = opt(x->o.username),
            .password = x->o.password,
            .plain_http = x->o.plain_http,
            .insecure_skip_tls_verify = x->o.insecure_skip_tls_verify,
            .ca_file = opt(x->o.ca_file),
            .cert_file = opt(x->o.cert_file),
            .key_file = opt(x->o.key_file),
            .log = &log,
        };
        e = kz_chart_fetch(url, &fo, tmp, &path);
        if (x->err && log.len) kz_buf_append(x->err, log.data, log.len);
        kz_buf_free(&log);
    } else {
        e = kz_chart_fetch_url(url, entry, digest, tmp, &path);
    }
    if (!kz_is_null(&e)) {
        kz_value r = kz_error("could not download %s: %s", url, kz_error_message(&e));
        kz_free(e);
        e = r;
    } else {
        name_list_push(seen, url);
    }
    free(path);
    free(url);
    free(digest);
    return e;
}

/* Manager.downloadAll. The versions in *deps become the packaged file://
 * charts' versions. */
static kz_value download_all(const dep_ctx *x, kz_value *deps) {
    const char *chart_path = x->chart_path;
    kz_buf *out = x->out;
    repo_set rs = {0};
    kz_value res = load_chart_repositories(x, &rs);
    if (!kz_is_null(&res)) {
        repo_set_free(&rs);
        return res;
    }
    char *dest = path_join(chart_path, "charts");
    struct stat st;
    if (stat(dest, &st) == 0) {
        if (!S_ISDIR(st.st_mode)) {
            kz_buf q = KZ_BUF_INIT;
            go_quote(&q, dest);
            res = kz_error("%s is not a directory", kz_buf_cstr(&q));
            kz_buf_free(&q);
            free(dest);
            repo_set_free(&rs);
            return res;
        }
    } else if (errno == ENOENT) {
        if (mkdir(dest, 0755) != 0) {
            res = kz_error("mkdir %s: %s", dest, strerror(errno));
            free(dest);
            repo_set_free(&rs);
            return res;
        }
    } else {
        char eb[128];
        res = kz_error("unable to retrieve file info for '%s': stat %s: %s", dest, dest,
                       kz_errno_text(errno, eb, sizeof eb));
        free(dest);
        repo_set_free(&rs);
        return res;
    }
    kz_buf tn = KZ_BUF_INIT;
    kz_buf_printf(&tn, "tmpcharts-%d", (int)getpid());
    char *tmp = path_join(chart_path, kz_buf_cstr(&tn));
    kz_buf_free(&tn);
    if (mkdir(tmp, 0755) != 0 && errno != EEXIST) {
        res = kz_error("mkdir %s: %s", tmp, strerror(errno));
        free(tmp);
        free(dest);
        repo_set_free(&rs);
        return res;
    }
    kz_buf_printf(out, "Saving %zu charts\n", kz_len(deps));
    kz_value save_err = kz_null();
    name_list seen = {0};
    for (size_t i = 0; i < kz_len(deps) && kz_is_null(&save_err) && kz_is_null(&res); i++) {
        kz_value *d = kz_seq_at_mut(deps, i);
        if (!kz_is_map(d)) continue;
        const char *repo = field(d, "repository");
        if (!*repo) {
            kz_value e = kz_null();
            int rc = check_in_charts(dest, d, &e, out);
            if (rc < 0) res = e;
            else if (rc > 0) save_err = e;
            continue;
        }
        if (!has_prefix(repo, "file://")) {
            save_err = download_one(x, &rs, d, tmp, &seen);
            continue;
        }
        char *ver = NULL;
        save_err = tar_from_local_dir(chart_path, field(d, "name"), repo, field(d, "version"), tmp, &ver);
        if (ver) kz_map_setz(d, "version", kz_string(ver));
        free(ver);
    }
    if (kz_is_null(&res)) {
        if (kz_is_null(&save_err)) {
            res = safe_move_deps(deps, tmp, dest, out);
        } else {
            kz_buf_printf(out, "Save error occurred:  %s\n", kz_error_message(&save_err));
            res = save_err;
            save_err = kz_null();
        }
    }
    kz_free(save_err);
    name_list_free(&seen);
    repo_set_free(&rs);
    remove_tree(tmp);
    free(tmp);
    free(dest);
    return res;
}

/* ---- commands ---- */

/* Manager.loadChartDir. */
static kz_value load_chart_dir(const char *chart_path, kz_chart **c, kz_buf *err) {
    struct stat st;
    if (stat(chart_path, &st) != 0) {
        kz_value e = stat_error(chart_path, errno);
        kz_value r = kz_error("could not find %s: %s", chart_path, kz_error_message(&e));
        kz_free(e);
        return r;
    }
    if (!S_ISDIR(st.st_mode)) return kz_error("only unpacked charts can be updated");
    return kz_chart_load_logged(chart_path, true, err, c);
}

static kz_value write_lock(const char *chart_path, const kz_chart *c, const kz_value *locked,
                           const char *digest) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    kz_buf b = KZ_BUF_INIT;
    kz_dependency_lock_yaml(&b, locked, digest, (long long)ts.tv_sec, ts.tv_nsec);
    bool v1 = strcmp(c->api_version, "v1") == 0;
    char *p = path_join(chart_path, v1 ? "requirements.lock" : "Chart.lock");
    kz_value res = kz_null();
    FILE *f = fopen(p, "wb");
    if (!f || fwrite(b.data, 1, b.len, f) != b.len) {
        char eb[128];
        res = kz_error("open %s: %s", p, kz_errno_text(errno, eb, sizeof eb));
    }
    if (f) fclose(f);
    free(p);
    kz_buf_free(&b);
    return res;
}

/* Manager.Update on a loaded chart. */
static kz_value update_loaded(dep_ctx *x, kz_chart *c) {
    kz_value req = declared_deps(c);
    if (kz_is_null(&req)) return kz_null();
    kz_value res = resolve_repo_names(x, &req);
    if (kz_is_null(&res)) res = ensure_missing_repos(x, &req);
    if (kz_is_null(&res)) update_repositories(x);
    kz_value locked = kz_null();
    if (kz_is_null(&res)) res = resolve(x, &req, &locked);
    if (kz_is_null(&res)) res = download_all(x, &locked);
    if (kz_is_null(&res)) {
        kz_value digest = kz_dependency_hash(&req, &locked);
        const char *old = kz_is_map(&c->lock) ? field(&c->lock, "digest") : NULL;
        if (!old || strcmp(old, kz_str(&digest)) != 0)
            res = write_lock(x->chart_path, c, &locked, kz_str(&digest));
        kz_free(digest);
    }
    kz_free(locked);
    kz_free(req);
    return res;
}

kz_value kz_dependency_update(const char *chart_path, const kz_dependency_opts *opts, kz_buf *out, kz_buf *err) {
    kz_chart *c = NULL;
    kz_value res = load_chart_dir(chart_path, &c, err);
    dep_ctx x;
    if (kz_is_null(&res)) {
        res = ctx_init(&x, chart_path, opts, out, err);
        if (kz_is_null(&res)) res = update_loaded(&x, c);
        ctx_free(&x);
    }
    kz_chart_free(c);
    return res;
}

/* Manager.Build once the chart is loaded and has a lock. */
static kz_value build_locked(dep_ctx *x, kz_chart *c) {
    bool v1 = strcmp(c->api_version, "v1") == 0;
    kz_value req = declared_deps(c);
    const kz_value *ld = kz_map_getz(&c->lock, "dependencies");
    kz_value lock_deps = ld && kz_is_seq(ld) ? kz_copy(ld) : kz_null();
    /* helm v2's hash is of the dependencies as written (before @NAME is
     * replaced by the URL) */
    kz_value v2sum = v1 ? hash_v2(&req) : kz_null();
    kz_value res = resolve_repo_names(x, &req);
    if (kz_is_null(&res)) {
        kz_value sum = kz_dependency_hash(&req, &lock_deps);
        const char *digest = field(&c->lock, "digest");
        if (strcmp(kz_str(&sum), digest) != 0) {
            if (v1) {
                if (x->err) kz_buf_puts(x->err, "manager.go:122: warning: a valid Helm v3 hash was not found. Checking against Helm v2 hash...\n");
                if (strcmp(kz_str(&v2sum), digest) != 0)
                    res = kz_error("the lock file (requirements.lock) is out of sync with the "
                                   "dependencies file (requirements.yaml). Please update the dependencies");
            } else {
                res = kz_error("the lock file (Chart.lock) is out of sync with the dependencies "
                               "file (Chart.yaml). Please update the dependencies");
            }
        }
        kz_free(sum);
    }
    if (kz_is_null(&res)) res = has_all_repos(x, &lock_deps);
    if (kz_is_null(&res)) update_repositories(x);
    if (kz_is_null(&res) && kz_is_seq(&lock_deps)) res = download_all(x, &lock_deps);
    else if (kz_is_null(&res)) {
        kz_value none = kz_seq();
        res = download_all(x, &none);
        kz_free(none);
    }
    kz_free(v2sum);
    kz_free(lock_deps);
    kz_free(req);
    return res;
}

kz_value kz_dependency_build(const char *chart_path, const kz_dependency_opts *opts, kz_buf *out, kz_buf *err) {
    kz_chart *c = NULL;
    kz_value res = load_chart_dir(chart_path, &c, err);
    if (!kz_is_null(&res)) return res;
    dep_ctx x;
    res = ctx_init(&x, chart_path, opts, out, err);
    if (kz_is_null(&res) && kz_is_map(&c->lock)) res = build_locked(&x, c);
    else if (kz_is_null(&res)) {
        /* without a lock, Build runs Update, which loads the chart again:
         * the loader's warnings are logged twice */
        for (size_t i = 0; err && i < kz_len(&c->warnings); i++)
            kz_buf_printf(err, "%s\n", kz_str(kz_seq_at(&c->warnings, i)));
        res = update_loaded(&x, c);
    }
    ctx_free(&x);
    kz_chart_free(c);
    return res;
}

/* ---- list ---- */

/* Display width of a cell (runes; East Asian wide runes count as one). */
static size_t text_width(const char *s) {
    size_t n = 0;
    for (; *s; s++)
        if (((unsigned char)*s & 0xC0) != 0x80) n++;
    return n;
}

/* runewidth.Truncate(s, w, "..."), appended to b. */
static void truncate_cell(kz_buf *b, const char *s, size_t w) {
    size_t keep = w > 3 ? w - 3 : 0, n = 0;
    const char *p = s;
    while (*p) {
        const char *q = p + 1;
        while (((unsigned char)*q & 0xC0) == 0x80) q++;
        if (n + 1 > keep) break;
        n++;
        p = q;
    }
    kz_buf_append(b, s, (size_t)(p - s));
    kz_buf_puts(b, "...");
}

/* The archive rules of dependencyStatus (statArchiveForStatus): a status,
 * or NULL when there is no archive. */
static const char *archive_status(const char *archive, const kz_value *dep) {
    struct stat st;
    if (stat(archive, &st) != 0) return NULL;
    kz_chart *c = NULL;
    kz_value e = kz_chart_load(archive, NULL, &c);
    if (!kz_is_null(&e)) {
        kz_free(e);
        return "corrupt";
    }
    const char *r = "ok";
    const char *ver = field(dep, "version");
    if (strcmp(c->name, field(dep, "name")) != 0) r = "misnamed";
    else if (strcmp(c->version, ver) != 0) {
        int ok = version_check(ver, c->version, NULL);
        r = ok < 0 ? "invalid version" : ok == 0 ? "wrong version" : "ok";
    }
    kz_chart_free(c);
    return r;
}

/* The sorted paths of DIR's entries matching pattern (filepath.Glob on
 * DIR/pattern). */
static void glob_dir(const char *dir, const char *pattern, name_list *out) {
    name_list all = {0};
    if (read_dir(dir, &all) == 0) {
        for (size_t i = 0; i < all.len; i++) {
            if (fnmatch(pattern, all.v[i], 0) != 0) continue;
            if (out->len == out->cap) {
                out->cap = kz_grow_cap(out->cap, out->len + 1);
                out->v = kz_xrealloc(out->v, out->cap * sizeof *out->v);
            }
            out->v[out->len++] = path_join(dir, all.v[i]);
        }
    }
    name_list_free(&all);
}

static const char *dependency_status(const char *chart_path, const kz_value *dep, const kz_chart *parent) {
    const char *name = field(dep, "name"), *ver = field(dep, "version");
    char *dir = path_join(chart_path, "charts");
    kz_buf pat = KZ_BUF_INIT;
    kz_buf_printf(&pat, "%s-*.tgz", name);
    name_list archives = {0};
    glob_dir(dir, kz_buf_cstr(&pat), &archives);
    kz_buf_free(&pat);
    free(dir);
    const char *r = NULL;
    if (archives.len == 1) {
        r = archive_status(archives.v[0], dep);
    } else if (archives.len > 1) {
        size_t found = 0, at = 0;
        for (size_t i = 0; i < archives.len; i++) {
            const char *base = strrchr(archives.v[i], '/');
            base = base ? base + 1 : archives.v[i];
            char *v = kz_xstrndup(base + strlen(name) + 1, strlen(base) - strlen(name) - 1 - 4);
            if (strict_semver(v)) found++, at = i;
            free(v);
        }
        if (found == 1) r = archive_status(archives.v[at], dep);
        else if (found > 1) r = "too many matches";
    }
    name_list_free(&archives);
    if (r) return r;
    const kz_chart *sub = NULL;
    for (size_t i = 0; i < parent->ndeps; i++)
        if (strcmp(parent->deps[i]->name, name) == 0) sub = parent->deps[i];
    if (!sub) return "missing";
    if (strcmp(sub->version, ver) != 0) {
        int ok = version_check(ver, sub->version, NULL);
        if (ok < 0) return "invalid version";
        if (ok == 0) return "wrong version";
    }
    return "unpacked";
}

/* uitable's String(): widths from the cells (capped), cells resized. */
static void print_table(kz_buf *out, const char *const *cells, size_t rows, size_t cols, size_t max_w) {
    size_t widths[8] = {0};
    for (size_t r = 0; r < rows; r++)
        for (size_t k = 0; k < cols; k++) {
            size_t w = text_width(cells[r * cols + k]);
            if (max_w && w > max_w) w = max_w;
            if (w > widths[k]) widths[k] = w;
        }
    for (size_t r = 0; r < rows; r++) {
        for (size_t k = 0; k < cols; k++) {
            const char *s = cells[r * cols + k];
            size_t w = text_width(s);
            if (k) kz_buf_putc(out, '\t');
            if (widths[k] == 0) kz_buf_puts(out, s);
            else if (w > widths[k]) truncate_cell(out, s, widths[k]);
            else {
                kz_buf_puts(out, s);
                kz_buf_repeat(out, ' ', widths[k] - w);
            }
        }
        kz_buf_putc(out, '\n');
    }
}

/* printMissing: charts/ entries that are not charts or not declared. */
static void print_missing(const char *chart_path, const kz_value *req, kz_buf *out) {
    char *dir = path_join(chart_path, "charts");
    name_list files = {0};
    glob_dir(dir, "*", &files);
    for (size_t i = 0; i < files.len; i++) {
        const char *f = files.v[i];
        struct stat st;
        if (stat(f, &st) != 0) {
            kz_value e = stat_error(f, errno);
            kz_buf_printf(out, "Warning: %s\n", kz_error_message(&e));
            kz_free(e);
            continue;
        }
        size_t n = strlen(f);
        if (!S_ISDIR(st.st_mode) && (n < 4 || strcmp(f + n - 4, ".tgz") != 0)) continue;
        kz_chart *c = NULL;
        kz_value e = kz_chart_load(f, NULL, &c);
        kz_buf q = KZ_BUF_INIT;
        go_quote(&q, f);
        if (!kz_is_null(&e)) {
            kz_buf_printf(out, "WARNING: %s is not a chart.\n", kz_buf_cstr(&q));
            kz_free(e);
        } else {
            bool found = false;
            for (size_t k = 0; k < kz_len(req) && !found; k++)
                found = strcmp(field(kz_seq_at(req, k), "name"), c->name) == 0;
            if (!found) kz_buf_printf(out, "WARNING: %s is not in Chart.yaml.\n", kz_buf_cstr(&q));
        }
        kz_buf_free(&q);
        kz_chart_free(c);
    }
    name_list_free(&files);
    free(dir);
}

kz_value kz_dependency_list(const char *chart_path, size_t max_col_width, kz_buf *out, kz_buf *err) {
    kz_chart *c = NULL;
    kz_value res = kz_chart_load_logged(chart_path, false, err, &c);
    if (!kz_is_null(&res)) return res;
    kz_value req = declared_deps(c);
    if (kz_is_null(&req)) {
        char *p = path_join(chart_path, "charts");
        kz_buf_printf(out, "WARNING: no dependencies at %s\n", p);
        free(p);
        kz_chart_free(c);
        return kz_null();
    }
    size_t rows = kz_len(&req) + 1;
    const char **cells = kz_xcalloc(rows * 4, sizeof *cells);
    cells[0] = "NAME", cells[1] = "VERSION", cells[2] = "REPOSITORY", cells[3] = "STATUS";
    for (size_t i = 1; i < rows; i++) {
        const kz_value *d = kz_seq_at(&req, i - 1);
        cells[i * 4] = field(d, "name");
        cells[i * 4 + 1] = field(d, "version");
        cells[i * 4 + 2] = field(d, "repository");
        cells[i * 4 + 3] = dependency_status(chart_path, d, c);
    }
    print_table(out, cells, rows, 4, max_col_width);
    kz_buf_putc(out, '\n');
    free(cells);
    print_missing(chart_path, &req, out);
    kz_free(req);
    kz_chart_free(c);
    return kz_null();
}
