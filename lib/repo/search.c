/* `helm search repo` (see search.h). */
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/unicode.h"
#include "core/utf8.h"
#include "regex/regex.h"
#include "repo/repo_internal.h"
#include "repo/repofile.h"
#include "repo/search.h"
#include "semver/semver.h"
#include "tmpl/fmt.h"

kz_value kz_repo_set_load(const char *repo_file, const char *cache_dir, kz_repo_set *out, kz_buf *warnings) {
    return kz_repo_set_load_ex(repo_file, cache_dir, true, out, warnings);
}

kz_value kz_repo_set_load_ex(const char *repo_file, const char *cache_dir, bool refresh_cache, kz_repo_set *out,
                             kz_buf *warnings) {
    memset(out, 0, sizeof *out);
    kz_repofile f;
    bool exists = false;
    kz_value err = kz_repofile_load(repo_file, &f, &exists);
    kz_free(err); /* helm goes on with what was decoded */
    if (!exists || f.len == 0) {
        kz_repofile_free(&f);
        return kz_error("no repositories configured");
    }
    out->names = kz_xcalloc(f.len, sizeof *out->names);
    out->indexes = kz_xcalloc(f.len, sizeof *out->indexes);
    for (size_t i = 0; i < f.len; i++) {
        char *p = kz_repo_cache_index_path(cache_dir, f.entries[i].name);
        kz_repo_index *idx = &out->indexes[out->len];
        kz_value e = kz_repo_index_load_cached(p, idx, warnings, refresh_cache);
        free(p);
        if (!kz_is_null(&e)) {
            if (warnings) {
                kz_buf_puts(warnings, "WARNING: Repo ");
                kz_fmt_quote(warnings, f.entries[i].name, strlen(f.entries[i].name), false);
                kz_buf_puts(warnings, " is corrupt or missing. Try 'helm repo update'.\n");
                kz_buf_printf(warnings, "WARNING: %s\n", kz_error_message(&e));
            }
            kz_free(e);
            kz_repo_index_free(idx);
            continue;
        }
        out->names[out->len++] = kz_xstrdup(f.entries[i].name);
    }
    kz_repofile_free(&f);
    return kz_null();
}

void kz_repo_set_free(kz_repo_set *s) {
    for (size_t i = 0; i < s->len; i++) {
        free(s->names[i]);
        kz_repo_index_free(&s->indexes[i]);
    }
    free(s->names);
    free(s->indexes);
    memset(s, 0, sizeof *s);
}

/* One search result: a chart version under its REPO/CHART name. */
typedef struct result {
    char *name;
    int score;
    const kz_repo_chart_version *v;
} result;

typedef struct results {
    result *v;
    size_t len, cap;
} results;

static void results_push(results *r, char *name, int score, const kz_repo_chart_version *v) {
    if (r->len == r->cap) {
        r->cap = kz_grow_cap(r->cap, r->len + 1);
        r->v = kz_xrealloc(r->v, r->cap * sizeof *r->v);
    }
    r->v[r->len++] = (result){name, score, v};
}

/* search.indstr */
static void line_text(kz_buf *b, const char *repo, const kz_repo_chart_version *v) {
    kz_buf_printf(b, "%s\v%s/%s\v%s\v", v->name, repo, v->name, v->description);
    const char *kw[64];
    size_t n = kz_repo_chart_version_keywords(v, kw, 64);
    if (n > 64) { /* rare: a long list */
        const char **all = kz_xmalloc(n * sizeof *all);
        kz_repo_chart_version_keywords(v, all, n);
        for (size_t i = 0; i < n; i++) {
            if (i) kz_buf_putc(b, ' ');
            kz_buf_puts(b, all[i]);
        }
        free(all);
        return;
    }
    for (size_t i = 0; i < n; i++) {
        if (i) kz_buf_putc(b, ' ');
        kz_buf_puts(b, kw[i]);
    }
}

/* strings.ToLower */
static void to_lower(kz_buf *out, const char *s, size_t n) {
    for (size_t i = 0; i < n;) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x80) {
            kz_buf_putc(out, (char)(c >= 'A' && c <= 'Z' ? c + 32 : c));
            i++;
            continue;
        }
        uint32_t r;
        size_t k = kz_utf8_decode((const unsigned char *)s + i, n - i, &r);
        if (k == 0) k = 1;
        if (kz_utf8_valid_len((const unsigned char *)s + i, k) == k) kz_utf8_append(out, kz_go_to_lower(r));
        else kz_buf_append(out, s + i, k);
        i += k;
    }
}

/* calcScore: how many separators come before the match at byte `at`. */
static int calc_score(size_t at, const char *line, size_t n) {
    int score = 0;
    for (size_t i = 0; i < n; i++) {
        if (line[i] != '\v') continue;
        if (at <= i) return score;
        score++;
    }
    return score;
}

/* Go's FindStringIndex start, or -1 when there is no match. */
static long regex_start(const kz_regex *re, const char *s, size_t n) {
    size_t start, end;
    if (!kz_regex_find_index(re, s, n, &start, &end)) return -1;
    return (long)start;
}

static int result_cmp(const void *pa, const void *pb) {
    const result *a = pa, *b = pb;
    if (a->score != b->score) return a->score < b->score ? -1 : 1;
    int c = strcmp(a->name, b->name);
    if (c) return c;
    return kz_semver_compare(&b->v->semver, &a->v->semver);
}

/* Index.AddRepo with all versions: keyed by REPO/CHART and version, so a
 * version listed twice is one entry (the later one). */
static bool duplicate_of_next(const kz_repo_chart *c, size_t j) {
    for (size_t k = j + 1; k < c->len; k++)
        if (strcmp(c->v[k].version, c->v[j].version) == 0) return true;
    return false;
}

static kz_value collect(const kz_repo_set *repos, const kz_repo_search_opts *o, results *res) {
    kz_buf term = KZ_BUF_INIT, raw = KZ_BUF_INIT;
    for (size_t i = 0; i < o->nkeywords; i++) {
        if (i) kz_buf_putc(&raw, ' ');
        kz_buf_puts(&raw, o->keywords[i]);
    }
    kz_regex *re = NULL;
    if (o->nkeywords && o->regexp) {
        kz_value e = kz_regex_compile(kz_buf_cstr(&raw), raw.len, &re);
        if (!kz_is_null(&e)) {
            kz_buf_free(&raw);
            return e;
        }
    }
    to_lower(&term, kz_buf_cstr(&raw), raw.len);
    kz_buf line = KZ_BUF_INIT, lower = KZ_BUF_INIT;
    for (size_t r = 0; r < repos->len; r++) {
        const kz_repo_index *idx = &repos->indexes[r];
        for (size_t i = 0; i < idx->len; i++) {
            const kz_repo_chart *c = &idx->charts[i];
            for (size_t j = 0; j < c->len; j++) {
                if (duplicate_of_next(c, j)) continue;
                int score = 0;
                if (o->nkeywords) {
                    kz_buf_clear(&line);
                    line_text(&line, repos->names[r], &c->v[j]);
                    long at;
                    if (re) {
                        at = regex_start(re, kz_buf_cstr(&line), line.len);
                    } else {
                        kz_buf_clear(&lower);
                        to_lower(&lower, kz_buf_cstr(&line), line.len);
                        const char *hit = strstr(kz_buf_cstr(&lower), kz_buf_cstr(&term));
                        at = hit ? (long)(hit - kz_buf_cstr(&lower)) : -1;
                        if (at >= 0) score = calc_score((size_t)at, kz_buf_cstr(&lower), lower.len);
                    }
                    if (at < 0) continue;
                    if (re) score = calc_score((size_t)at, kz_buf_cstr(&line), line.len);
                    if (score >= 25) continue; /* searchMaxScore */
                }
                kz_buf n = KZ_BUF_INIT;
                kz_buf_printf(&n, "%s/%s", repos->names[r], c->name);
                results_push(res, kz_buf_detach(&n, NULL), score, &c->v[j]);
            }
        }
    }
    kz_buf_free(&line);
    kz_buf_free(&lower);
    kz_buf_free(&term);
    kz_buf_free(&raw);
    kz_regex_free(re);
    return kz_null();
}

/* applyConstraint: versions that satisfy the constraint; without --versions
 * only the first of each name. */
static kz_value apply_constraint(const kz_repo_search_opts *o, results *res) {
    const char *cs = o->version && *o->version ? o->version : o->devel ? ">0.0.0-0" : ">0.0.0";
    kz_semver_constraint *con = NULL;
    kz_value e = kz_semver_constraint_parse(cs, strlen(cs), &con);
    if (!kz_is_null(&e)) {
        kz_value w = kz_error("an invalid version/constraint format: %s", kz_error_message(&e));
        kz_free(e);
        return w;
    }
    size_t w = 0;
    kz_value found = kz_map(); /* names shown, when one row per chart */
    for (size_t i = 0; i < res->len; i++) {
        result *r = &res->v[i];
        bool keep = !(!o->versions && kz_map_getz(&found, r->name)) && r->v->semver.original != NULL &&
                    kz_semver_constraint_check(con, &r->v->semver);
        if (keep) {
            if (!o->versions) kz_map_setz(&found, r->name, kz_null());
            res->v[w++] = *r;
        } else {
            free(r->name);
        }
    }
    kz_free(found);
    res->len = w;
    kz_semver_constraint_free(con);
    return kz_null();
}

static void write_output(const kz_repo_search_opts *o, const results *res, kz_buf *out) {
    if (o->format == KZ_REPO_FORMAT_TABLE) {
        if (res->len == 0) {
            kz_buf_puts(out, "No results found\n");
            return;
        }
        kz_table t;
        kz_table_init(&t, 4, o->max_col_width);
        const char *head[] = {"NAME", "CHART VERSION", "APP VERSION", "DESCRIPTION"};
        kz_table_add_row(&t, head);
        for (size_t i = 0; i < res->len; i++) {
            const kz_repo_chart_version *v = res->v[i].v;
            const char *row[] = {res->v[i].name, v->version, v->app_version, v->description};
            kz_table_add_row(&t, row);
        }
        kz_table_write(&t, out);
        kz_table_free(&t);
        return;
    }
    kz_value list = kz_seq();
    for (size_t i = 0; i < res->len; i++) {
        const kz_repo_chart_version *v = res->v[i].v;
        kz_value m = kz_map();
        kz_map_setz(&m, "name", kz_string(res->v[i].name));
        kz_map_setz(&m, "version", kz_string(v->version));
        kz_map_setz(&m, "app_version", kz_string(v->app_version));
        kz_map_setz(&m, "description", kz_string(v->description));
        kz_seq_push(&list, m);
    }
    kz_value e = kz_repo_encode(&list, o->format, out);
    kz_free(e);
    kz_free(list);
}

kz_value kz_repo_search(const kz_repo_set *repos, const kz_repo_search_opts *o, kz_buf *out) {
    results res = {0};
    kz_value err = collect(repos, o, &res);
    if (kz_is_null(&err)) {
        if (res.len) qsort(res.v, res.len, sizeof *res.v, result_cmp);
        err = apply_constraint(o, &res);
    }
    if (kz_is_null(&err) && res.len == 0 && o->fail_on_no_result) err = kz_error("no results found");
    if (kz_is_null(&err)) write_output(o, &res, out);
    for (size_t i = 0; i < res.len; i++) free(res.v[i].name);
    free(res.v);
    return err;
}
