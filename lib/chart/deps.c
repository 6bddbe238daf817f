/*
 * Chart dependencies before rendering (see deps.h): Helm v3.17's
 * processDependencyEnabled and processDependencyImportValues over a tree of
 * working nodes, then written back into the kz_chart tree.
 *
 * Go shares state that a plain tree would not: an aliased copy of a chart
 * shares its *Dependency entries with the other copies of the same chart
 * (reqset below, reference-counted), and imported tables share maps with the
 * coalesced values they come from (kz_map_set_shared keeps that sharing).
 */
#include <stdlib.h>
#include <string.h>

#include "chart/deps.h"
#include "chart/values.h"
#include "core/alloc.h"
#include "core/buf.h"
#include "semver/semver.h"
#include "tmpl/fmt.h"

/* Lines of Helm v3.17's pkg/chartutil files that log. */
enum {
    LINE_CONDITION_NOT_BOOL = 63,
    LINE_TAG_NOT_BOOL = 94,
    LINE_IMPORT_MISSING_CHILD = 269,
    LINE_IMPORT_MISSING_EXPORT = 286,
    LINE_CANNOT_OVERWRITE_TABLE = 298,
    LINE_DEST_IS_TABLE = 301,
};

static const char DEPS_GO[] = "dependencies.go";
static const char COALESCE_GO[] = "coalesce.go";

/* ---- chart ops for values.h ---- */

static const char *chart_name(const void *c) { return ((const kz_chart *)c)->name; }
static const kz_value *chart_values(const void *c) {
    const kz_chart *ch = c;
    return kz_is_map(&ch->values) ? &ch->values : NULL;
}
static size_t chart_n_deps(const void *c) { return ((const kz_chart *)c)->ndeps; }
static const void *chart_dep(const void *c, size_t i) { return ((const kz_chart *)c)->deps[i]; }

const kz_values_chart_ops kz_chart_values_ops = {chart_name, chart_values, chart_n_deps, chart_dep};

/* ---- deep copy ---- */

static char *dup_or_null(const char *s, size_t n) {
    if (!s) return NULL;
    char *d = kz_xmalloc(n + 1);
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

static void copy_files(kz_chart_files *dst, const kz_chart_files *src) {
    for (size_t i = 0; i < src->len; i++) {
        const kz_chart_file *f = &src->v[i];
        kz_chart_files_push(dst, kz_xstrdup(f->name), dup_or_null(f->data, f->len), f->len);
    }
}

kz_chart *kz_chart_copy(const kz_chart *c) {
    kz_chart *d = kz_xcalloc(1, sizeof *d);
    d->metadata = kz_deep_copy(&c->metadata);
    d->name = kz_xstrdup(c->name);
    d->version = kz_xstrdup(c->version);
    d->type = kz_xstrdup(c->type);
    d->api_version = kz_xstrdup(c->api_version);
    d->values_raw = dup_or_null(c->values_raw, c->values_raw_len);
    d->values_raw_len = c->values_raw_len;
    d->values = kz_deep_copy(&c->values);
    d->schema = dup_or_null(c->schema, c->schema_len);
    d->schema_len = c->schema_len;
    d->lock = kz_deep_copy(&c->lock);
    copy_files(&d->templates, &c->templates);
    copy_files(&d->files, &c->files);
    copy_files(&d->crds, &c->crds);
    copy_files(&d->raw, &c->raw);
    d->warnings = kz_deep_copy(&c->warnings);
    d->parent = c->parent;
    d->full_path = c->full_path ? kz_xstrdup(c->full_path) : NULL;
    if (c->ndeps) {
        d->deps = kz_xcalloc(c->ndeps, sizeof *d->deps);
        for (size_t i = 0; i < c->ndeps; i++) {
            d->deps[i] = kz_chart_copy(c->deps[i]);
            d->deps[i]->parent = d;
        }
        d->ndeps = c->ndeps;
    }
    return d;
}

/* ---- missing dependencies ---- */

static const char *md_get_str(const kz_value *m, const char *key) {
    const kz_value *v = kz_map_getz(m, key);
    return v && kz_is_string(v) ? kz_str(v) : "";
}

size_t kz_chart_missing_dependencies(const kz_chart *chart, kz_buf *out) {
    const kz_value *reqs = kz_map_getz(&chart->metadata, "dependencies");
    if (!reqs || !kz_is_seq(reqs)) return 0;
    size_t nmissing = 0; /* an empty name is missing too (and joined as "") */
    for (size_t i = 0; i < kz_len(reqs); i++) {
        const char *name = md_get_str(kz_seq_at(reqs, i), "name");
        bool found = false;
        for (size_t k = 0; k < chart->ndeps && !found; k++) found = strcmp(chart->deps[k]->name, name) == 0;
        if (found) continue;
        if (nmissing++) kz_buf_puts(out, ", ");
        kz_buf_puts(out, name);
    }
    return nmissing;
}

kz_value kz_chart_check_dependencies(const kz_chart *chart) {
    kz_buf missing = KZ_BUF_INIT;
    kz_value e = kz_null();
    if (kz_chart_missing_dependencies(chart, &missing))
        e = kz_error("An error occurred while checking for chart dependencies. You may need to run "
                     "`helm dependency build` to fetch missing dependencies: found in Chart.yaml, but "
                     "missing in charts/ directory: %s",
                     kz_buf_cstr(&missing));
    kz_buf_free(&missing);
    return e;
}

/* ---- working tree ---- */

/* One chart.Dependency. Go mutates Name, Enabled and ImportValues in place,
 * and the copies of an aliased chart share these. */
typedef struct req {
    kz_value md;      /* the Chart.yaml entry (MAP) as loaded */
    char *name;       /* Name: the alias once applied */
    bool enabled;
    kz_value imports; /* ImportValues: a SEQ, or NULL */
    bool rewritten;   /* imports hold Go map[string]string: later passes skip them */
} req;

typedef struct reqset {
    size_t refs, n;
    req *v;
} reqset;

/* The Go *Chart a node stands for, as far as ChartFullPath sees it: its name
 * and its parent pointer. Go's alias copies are shallow, so the subcharts of
 * two copies are the same objects: nodes deep-copied for a second alias share
 * their gchart, and AddDependency's `x.parent = ch` on one of them is seen
 * by all (the last parent set wins, as in Go). */
typedef struct gchart {
    size_t refs;
    char *name; /* the root's: its whole path */
    struct gchart *parent; /* a reference; NULL for the root */
} gchart;

static gchart *gchart_new(const char *name, gchart *parent) {
    gchart *g = kz_xcalloc(1, sizeof *g);
    g->refs = 1;
    g->name = kz_xstrdup(name);
    g->parent = parent;
    if (parent) parent->refs++;
    return g;
}

static void gchart_unref(gchart *g) {
    while (g && --g->refs == 0) {
        gchart *up = g->parent;
        free(g->name);
        free(g);
        g = up;
    }
}

static void gchart_set_parent(gchart *g, gchart *parent) {
    parent->refs++;
    gchart_unref(g->parent);
    g->parent = parent;
}

static void gchart_path(const gchart *g, kz_buf *b) {
    if (g->parent) {
        gchart_path(g->parent, b);
        kz_buf_printf(b, "/charts/");
    }
    kz_buf_printf(b, "%s", g->name);
}

typedef struct node {
    /* Go's alias copies are shallow: the copies of a chart share its
     * subchart objects, which are then processed once through each copy
     * (the second pass sees what the first did). Nodes are shared the same
     * way: a node is referenced once per parent node holding it. */
    size_t refs;
    kz_chart *chart; /* owned; chart->deps are moved into kids while working */
    gchart *g;       /* a reference */
    reqset *reqs;    /* NULL: the chart declared no dependencies */
    size_t *md;      /* Metadata.Dependencies: indices into reqs */
    size_t nmd;
    bool md_nil;     /* Metadata.Dependencies == nil */
    struct node **kids;
    size_t nkids;
} node;

static reqset *reqset_new(const kz_value *deps) {
    reqset *s = kz_xcalloc(1, sizeof *s);
    s->refs = 1;
    s->n = kz_len(deps);
    s->v = kz_xcalloc(s->n ? s->n : 1, sizeof *s->v);
    for (size_t i = 0; i < s->n; i++) {
        const kz_value *d = kz_seq_at(deps, i);
        req *r = &s->v[i];
        r->md = kz_copy(d);
        r->name = kz_xstrdup(md_get_str(d, "name"));
        /* Chart.yaml's own value: it stays when nothing processes the chart
         * (a parent that declares no dependencies stops the walk) */
        const kz_value *en = kz_map_getz(d, "enabled");
        r->enabled = en && kz_kind_of(en) == KZ_BOOL && kz_bool_get(en);
        const kz_value *iv = kz_map_getz(d, "import-values");
        r->imports = iv && kz_is_seq(iv) ? kz_copy(iv) : kz_null();
    }
    return s;
}

static void reqset_unref(reqset *s) {
    if (!s || --s->refs) return;
    for (size_t i = 0; i < s->n; i++) {
        kz_free(s->v[i].md);
        free(s->v[i].name);
        kz_free(s->v[i].imports);
    }
    free(s->v);
    free(s);
}

static node *node_of(kz_chart *c, gchart *parent) {
    node *n = kz_xcalloc(1, sizeof *n);
    n->refs = 1;
    n->chart = c;
    if (parent) {
        n->g = gchart_new(c->name, parent);
    } else {
        char *full = kz_chart_full_path(c);
        n->g = gchart_new(full, NULL);
        free(full);
    }
    const kz_value *deps = kz_map_getz(&c->metadata, "dependencies");
    if (deps && kz_is_seq(deps) && kz_len(deps)) {
        n->reqs = reqset_new(deps);
        n->nmd = n->reqs->n;
        n->md = kz_xcalloc(n->nmd, sizeof *n->md);
        for (size_t i = 0; i < n->nmd; i++) n->md[i] = i;
    } else {
        n->md_nil = true;
    }
    n->nkids = c->ndeps;
    n->kids = kz_xcalloc(c->ndeps ? c->ndeps : 1, sizeof *n->kids);
    for (size_t i = 0; i < c->ndeps; i++) n->kids[i] = node_of(c->deps[i], n->g);
    free(c->deps);
    c->deps = NULL;
    c->ndeps = 0;
    return n;
}

static void node_free(node *n) {
    if (!n || --n->refs) return;
    for (size_t i = 0; i < n->nkids; i++) node_free(n->kids[i]);
    free(n->kids);
    free(n->md);
    reqset_unref(n->reqs);
    gchart_unref(n->g);
    kz_chart_free(n->chart);
    free(n);
}

/* getAliasDependency's copy of a node: its own chart and Metadata, the
 * reqsets and subchart nodes shared. Its gchart is the caller's to set. */
static node *node_copy(const node *n) {
    node *d = kz_xcalloc(1, sizeof *d);
    d->refs = 1;
    d->chart = kz_chart_copy(n->chart);
    d->reqs = n->reqs;
    if (d->reqs) d->reqs->refs++;
    d->nmd = n->nmd;
    d->md = kz_xcalloc(n->nmd ? n->nmd : 1, sizeof *d->md);
    if (n->nmd) memcpy(d->md, n->md, n->nmd * sizeof *d->md);
    d->md_nil = n->md_nil;
    d->nkids = n->nkids;
    d->kids = kz_xcalloc(n->nkids ? n->nkids : 1, sizeof *d->kids);
    for (size_t i = 0; i < n->nkids; i++) {
        d->kids[i] = n->kids[i];
        d->kids[i]->refs++;
    }
    return d;
}

static req *node_req(const node *n, size_t i) { return &n->reqs->v[n->md[i]]; }

static void set_name(kz_chart *c, const char *name) {
    free(c->name);
    c->name = kz_xstrdup(name);
    kz_map_setz(&c->metadata, "name", kz_string(name));
}

/* The metadata entry of a processed dependency, fields in chart.Dependency's
 * order (as chart.h's METADATA). */
static kz_value req_metadata(const req *r) {
    static const char *const fields[] = {"name", "version", "repository", "condition", "tags",
                                         "enabled", "import-values", "alias"};
    kz_value m = kz_map();
    for (size_t f = 0; f < sizeof fields / sizeof fields[0]; f++) {
        const char *k = fields[f];
        if (strcmp(k, "name") == 0) {
            if (*r->name) kz_map_setz(&m, k, kz_string(r->name));
        } else if (strcmp(k, "enabled") == 0) {
            if (r->enabled) kz_map_setz(&m, k, kz_bool(true));
        } else if (strcmp(k, "import-values") == 0) {
            if (kz_is_seq(&r->imports) && kz_len(&r->imports)) kz_map_setz(&m, k, kz_copy(&r->imports));
        } else {
            const kz_value *v = kz_map_getz(&r->md, k);
            if (v) kz_map_setz(&m, k, kz_copy(v));
        }
    }
    return m;
}

/* Write a node tree back into its charts; takes one reference of n. A node
 * shared by several parents becomes one chart copy per place, all of its
 * final state (the chart rendered is the last, as Go's map of templates
 * keeps the last one of a path). */
static kz_chart *node_finish(node *n, kz_chart *parent) {
    bool last = n->refs == 1;
    kz_chart *c = last ? n->chart : kz_chart_copy(n->chart);
    if (last) n->chart = NULL;
    c->parent = parent;
    free(c->full_path);
    kz_buf full = KZ_BUF_INIT;
    gchart_path(n->g, &full);
    c->full_path = kz_buf_detach(&full, NULL);
    if (n->reqs) {
        if (n->md_nil) {
            kz_map_remove(&c->metadata, "dependencies", strlen("dependencies"));
        } else {
            kz_value deps = kz_seq_sized(n->nmd);
            for (size_t i = 0; i < n->nmd; i++) kz_seq_push(&deps, req_metadata(node_req(n, i)));
            kz_map_setz(&c->metadata, "dependencies", deps);
        }
    }
    c->ndeps = n->nkids;
    c->deps = kz_xcalloc(n->nkids ? n->nkids : 1, sizeof *c->deps);
    for (size_t i = 0; i < n->nkids; i++) {
        if (!last) n->kids[i]->refs++; /* n keeps its own for its other places */
        c->deps[i] = node_finish(n->kids[i], c);
    }
    if (last) n->nkids = 0;
    node_free(n);
    return c;
}

/* ---- context, warnings, coalescing ---- */

typedef struct ctx {
    kz_deps_warn_fn warn;
    void *warn_ctx;
} ctx;

static void warn(const ctx *x, const char *file, int line, const char *msg) {
    if (x->warn) x->warn(x->warn_ctx, file, line, msg);
}

static void warn_fmt(const ctx *x, const char *file, int line, const char *fmt, size_t argc,
                     const kz_value *argv) {
    if (!x->warn) return;
    kz_buf b = KZ_BUF_INIT;
    kz_fmt_sprintf(&b, fmt, strlen(fmt), argc, argv);
    x->warn(x->warn_ctx, file, line, kz_buf_cstr(&b));
    kz_buf_free(&b);
}

static void coalesce_warn(void *c, int go_line, const char *msg) {
    warn(c, COALESCE_GO, go_line, msg);
}

static const char *node_name(const void *n) { return ((const node *)n)->chart->name; }
static const kz_value *node_values(const void *n) { return chart_values(((const node *)n)->chart); }
static size_t node_n_deps(const void *n) { return ((const node *)n)->nkids; }
static const void *node_dep(const void *n, size_t i) { return ((const node *)n)->kids[i]; }
static const kz_values_chart_ops NODE_OPS = {node_name, node_values, node_n_deps, node_dep};

static kz_value coalesce_node(const ctx *x, const node *n, const kz_value *v, bool merge) {
    return kz_values_coalesce_tree(n, &NODE_OPS, v, merge, coalesce_warn, (void *)x);
}

/* ---- values paths (chartutil.Values Table and PathValue) ---- */

/* Values.Table: the map at a dotted path; a handle sharing its block, or an
 * INVALID value with Go's ErrNoTable text ("\"key\" is not a table"). */
static kz_value table_at(const kz_value *v, const char *path) {
    kz_value cur = kz_copy(v);
    const char *p = path;
    for (;;) {
        const char *dot = strchr(p, '.');
        size_t len = dot ? (size_t)(dot - p) : strlen(p);
        const kz_value *next = kz_is_map(&cur) ? kz_map_get(&cur, p, len) : NULL;
        if (!next || !kz_is_map(next)) {
            kz_free(cur);
            kz_value key = kz_string_n(p, len);
            kz_buf b = KZ_BUF_INIT;
            static const char fmt[] = "%q is not a table";
            kz_fmt_sprintf(&b, fmt, sizeof fmt - 1, 1, &key);
            kz_free(key);
            kz_value e = kz_error("%s", kz_buf_cstr(&b));
            kz_buf_free(&b);
            return e;
        }
        kz_value n = kz_copy(next);
        kz_free(cur);
        cur = n;
        if (!dot) return cur;
        p = dot + 1;
    }
}

/* Values.PathValue: the non-table value at a dotted path, or NULL. */
static const kz_value *path_value(const kz_value *v, const char *path) {
    const char *last = strrchr(path, '.');
    const kz_value *t = v;
    kz_value tbl = kz_invalid();
    if (last) {
        char *head = dup_or_null(path, (size_t)(last - path));
        tbl = table_at(v, head);
        free(head);
        if (!kz_is_valid(&tbl)) {
            kz_free(tbl);
            return NULL;
        }
        t = &tbl;
    }
    const char *key = last ? last + 1 : path;
    const kz_value *r = kz_is_map(t) ? kz_map_getz(t, key) : NULL;
    /* tbl shares its block with v, so r stays valid after tbl is released */
    kz_free(tbl);
    return r && !kz_is_map(r) ? r : NULL;
}

/* ---- enabled ---- */

/* chartutil.IsCompatibleRange. */
static bool compatible(const char *constraint, const char *version) {
    kz_semver v;
    kz_value e = kz_semver_parse(version, strlen(version), &v);
    if (!kz_is_null(&e)) {
        kz_free(e);
        return false;
    }
    kz_semver_constraint *c = NULL;
    e = kz_semver_constraint_parse(constraint, strlen(constraint), &c);
    bool ok = false;
    if (kz_is_null(&e) && *constraint) ok = kz_semver_constraint_check(c, &v);
    kz_free(e);
    kz_semver_constraint_free(c);
    kz_semver_free(&v);
    return ok;
}

static bool req_matches(const req *r, const node *kid) {
    return strcmp(kid->chart->name, r->name) == 0 &&
           compatible(md_get_str(&r->md, "version"), kid->chart->version);
}

/* The subcharts after matching (Helm's chartDependencies): the unmatched
 * ones, then one per matched dependency, renamed to its alias. */
static void match_dependencies(node *n) {
    size_t nk = n->nkids;
    ptrdiff_t *match = kz_xcalloc(n->nmd ? n->nmd : 1, sizeof *match);
    size_t *uses = kz_xcalloc(nk ? nk : 1, sizeof *uses);
    bool *unmatched = kz_xcalloc(nk ? nk : 1, sizeof *unmatched);
    for (size_t k = 0; k < nk; k++) {
        unmatched[k] = true;
        for (size_t i = 0; i < n->nmd && unmatched[k]; i++) unmatched[k] = !req_matches(node_req(n, i), n->kids[k]);
    }
    for (size_t i = 0; i < n->nmd; i++) {
        match[i] = -1;
        for (size_t k = 0; k < nk && match[i] < 0; k++) {
            if (req_matches(node_req(n, i), n->kids[k])) match[i] = (ptrdiff_t)k;
        }
        if (match[i] >= 0) uses[match[i]]++;
    }
    node **kids = kz_xcalloc(nk + n->nmd + 1, sizeof *kids);
    size_t len = 0;
    for (size_t k = 0; k < nk; k++) {
        if (!unmatched[k]) continue;
        gchart_set_parent(n->kids[k]->g, n->g); /* the same Go object, re-parented */
        kids[len++] = n->kids[k], n->kids[k] = NULL;
    }
    for (size_t i = 0; i < n->nmd; i++) {
        req *r = node_req(n, i);
        const char *alias = md_get_str(&r->md, "alias");
        if (match[i] >= 0) {
            size_t k = (size_t)match[i];
            node *use;
            /* the last use may take the node itself when nothing else sees it */
            if (--uses[k] == 0 && n->kids[k]->refs == 1) use = n->kids[k], n->kids[k] = NULL;
            else use = node_copy(n->kids[k]);
            if (*alias) set_name(use->chart, alias);
            /* getAliasDependency's copy: a new object, its subcharts shared */
            gchart_unref(use->g);
            use->g = gchart_new(use->chart->name, n->g);
            kids[len++] = use;
        }
        if (*alias) {
            free(r->name);
            r->name = kz_xstrdup(alias);
        }
    }
    for (size_t k = 0; k < nk; k++) node_free(n->kids[k]); /* matched by name, never picked */
    free(n->kids);
    n->kids = kids;
    n->nkids = len;
    free(match);
    free(uses);
    free(unmatched);
}

static void apply_tags(const ctx *x, node *n, const kz_value *cvals) {
    kz_value tags = table_at(cvals, "tags");
    if (!kz_is_valid(&tags)) {
        kz_free(tags);
        return;
    }
    for (size_t i = 0; i < n->nmd; i++) {
        req *r = node_req(n, i);
        const kz_value *rt = kz_map_getz(&r->md, "tags");
        bool has_true = false, has_false = false;
        for (size_t t = 0; rt && kz_is_seq(rt) && t < kz_len(rt); t++) {
            const kz_value *tag = kz_seq_at(rt, t);
            const kz_value *b = kz_map_get(&tags, kz_str(tag), kz_str_len(tag));
            if (!b) continue;
            if (kz_kind_of(b) == KZ_BOOL) {
                if (kz_bool_get(b)) has_true = true;
                else has_false = true;
            } else {
                kz_value args[2] = {*tag, kz_string(r->name)};
                warn_fmt(x, DEPS_GO, LINE_TAG_NOT_BOOL, "Warning: Tag '%s' for chart %s returned non-bool value",
                         2, args);
                kz_free(args[1]);
            }
        }
        r->enabled = has_true || !has_false;
    }
    kz_free(tags);
}

static void apply_conditions(const ctx *x, node *n, const kz_value *cvals, const char *path) {
    for (size_t i = 0; i < n->nmd; i++) {
        req *r = node_req(n, i);
        const char *cond = md_get_str(&r->md, "condition");
        /* strings.TrimSpace of the whole, then Split at ',' (parts untrimmed) */
        while (*cond == ' ' || *cond == '\t' || *cond == '\n' || *cond == '\r' || *cond == '\v' || *cond == '\f') cond++;
        size_t clen = strlen(cond);
        while (clen && strchr(" \t\n\r\v\f", cond[clen - 1])) clen--;
        const char *p = cond, *end = cond + clen;
        while (p <= end && clen) {
            const char *comma = memchr(p, ',', (size_t)(end - p));
            size_t len = comma ? (size_t)(comma - p) : (size_t)(end - p);
            if (len) {
                kz_buf full = KZ_BUF_INIT;
                kz_buf_printf(&full, "%s", path);
                kz_buf_append(&full, p, len);
                const kz_value *vv = path_value(cvals, kz_buf_cstr(&full));
                kz_buf_free(&full);
                if (vv && kz_kind_of(vv) == KZ_BOOL) {
                    r->enabled = kz_bool_get(vv);
                    break;
                }
                if (vv) {
                    kz_value args[2] = {kz_string_n(p, len), kz_string(r->name)};
                    warn_fmt(x, DEPS_GO, LINE_CONDITION_NOT_BOOL,
                             "Warning: Condition path '%s' for chart %s returned non-bool value", 2, args);
                    kz_free(args[0]);
                    kz_free(args[1]);
                }
            }
            if (!comma) break;
            p = comma + 1;
        }
    }
}

static bool name_disabled(const node *n, const char *name) {
    for (size_t i = 0; i < n->nmd; i++) {
        const req *r = node_req(n, i);
        if (!r->enabled && strcmp(r->name, name) == 0) return true;
    }
    return false;
}

/* processDependencyEnabled. v: the values to coalesce with (borrowed). */
static kz_value process_enabled(const ctx *x, node *n, const kz_value *v, const char *path) {
    if (n->md_nil) return kz_null();
    match_dependencies(n);
    for (size_t i = 0; i < n->nmd; i++) node_req(n, i)->enabled = true;
    kz_value cvals = coalesce_node(x, n, v, false);
    if (!kz_is_valid(&cvals)) return cvals;
    apply_tags(x, n, &cvals);
    apply_conditions(x, n, &cvals, path);

    size_t keep = 0;
    for (size_t k = 0; k < n->nkids; k++) {
        if (name_disabled(n, n->kids[k]->chart->name)) node_free(n->kids[k]);
        else n->kids[keep++] = n->kids[k];
    }
    n->nkids = keep;
    size_t md_keep = 0;
    for (size_t i = 0; i < n->nmd; i++) {
        if (!name_disabled(n, node_req(n, i)->name)) n->md[md_keep++] = n->md[i];
    }
    kz_value err = kz_null();
    for (size_t k = 0; k < n->nkids && kz_is_null(&err); k++) {
        kz_buf sub = KZ_BUF_INIT;
        kz_buf_printf(&sub, "%s%s.", path, n->kids[k]->chart->name);
        err = process_enabled(x, n->kids[k], &cvals, kz_buf_cstr(&sub));
        kz_buf_free(&sub);
    }
    n->nmd = md_keep;
    n->md_nil = md_keep == 0;
    kz_free(cvals);
    return err;
}

/* ---- import values ---- */

/* Helm's MergeTables / CoalesceTables (values.h): src into dst in place,
 * dst winning, warnings through this run's callback. */
static void merge_tables(const ctx *x, kz_value *dst, const kz_value *src, bool merge) {
    kz_values_coalesce_tables(dst, src, merge, coalesce_warn, (void *)x);
}

/* pathToMap: data under the dotted path (fresh maps around the shared data). */
static kz_value path_to_map(const char *path, kz_value data) {
    if (strcmp(path, ".") == 0) return data;
    const char *end = path + strlen(path);
    kz_value cur = data;
    for (;;) {
        const char *start = end;
        while (start > path && start[-1] != '.') start--;
        kz_value m = kz_map();
        kz_map_set(&m, kz_string_n(start, (size_t)(end - start)), cur);
        cur = m;
        if (start == path) return cur;
        end = start - 1;
    }
}

static kz_value trim_nils(const kz_value *v) {
    if (!kz_is_map(v)) return kz_copy(v);
    kz_value out = kz_map();
    for (size_t i = 0; i < kz_len(v); i++) {
        const kz_value *val = kz_map_value_at(v, i);
        if (kz_is_null(val)) continue;
        kz_map_set(&out, kz_copy(kz_map_key_at(v, i)), trim_nils(val));
    }
    return out;
}

static kz_value string_map(const char *child, const char *parent) {
    kz_value m = kz_map();
    kz_map_setz(&m, "child", kz_string(child));
    kz_map_setz(&m, "parent", kz_string(parent));
    return kz_with_gotype(m, KZ_GOTYPE_STRING_MAP);
}

/* One dependency's import-values into b. */
static kz_value import_req(const ctx *x, req *r, const kz_value *cvals, kz_value *b, bool merge) {
    kz_value out = kz_seq();
    bool skip = r->rewritten;
    for (size_t i = 0; !skip && kz_is_seq(&r->imports) && i < kz_len(&r->imports); i++) {
        const kz_value *iv = kz_seq_at(&r->imports, i);
        if (kz_is_map(iv)) {
            const kz_value *c = kz_map_getz(iv, "child"), *p = kz_map_getz(iv, "parent");
            if (!c || !p || !kz_is_string(c) || !kz_is_string(p)) {
                kz_free(out);
                return kz_error("import-values of %s: child and parent must be strings", r->name);
            }
            kz_seq_push(&out, string_map(kz_str(c), kz_str(p)));
            kz_value path = kz_string_fmt("%s.%s", r->name, kz_str(c));
            kz_value vv = table_at(cvals, kz_str(&path));
            kz_free(path);
            if (!kz_is_valid(&vv)) {
                kz_value args[2] = {kz_string(r->name), kz_string(kz_error_message(&vv))};
                warn_fmt(x, DEPS_GO, LINE_IMPORT_MISSING_CHILD,
                         "Warning: ImportValues missing table from chart %s: %s", 2, args);
                kz_free(args[0]);
                kz_free(args[1]);
                kz_free(vv);
                continue;
            }
            kz_value src = path_to_map(kz_str(p), vv);
            merge_tables(x, b, &src, merge);
            kz_free(src);
        } else if (kz_is_string(iv)) {
            kz_value child = kz_string_fmt("exports.%s", kz_str(iv));
            kz_seq_push(&out, string_map(kz_str(&child), "."));
            kz_value path = kz_string_fmt("%s.%s", r->name, kz_str(&child));
            kz_free(child);
            kz_value vm = table_at(cvals, kz_str(&path));
            kz_free(path);
            if (!kz_is_valid(&vm)) {
                kz_value arg = kz_string(kz_error_message(&vm));
                warn_fmt(x, DEPS_GO, LINE_IMPORT_MISSING_EXPORT, "Warning: ImportValues missing table: %s", 1,
                         &arg);
                kz_free(arg);
                kz_free(vm);
                continue;
            }
            merge_tables(x, b, &vm, merge);
            kz_free(vm);
        }
    }
    kz_free(r->imports);
    r->rewritten = kz_len(&out) > 0;
    if (r->rewritten) {
        r->imports = out;
    } else {
        kz_free(out);
        r->imports = kz_null();
    }
    return kz_null();
}

/* processDependencyImportValues: children first, then the chart itself. */
static kz_value process_imports(const ctx *x, node *n, bool merge) {
    for (size_t k = 0; k < n->nkids; k++) {
        kz_value e = process_imports(x, n->kids[k], merge);
        if (!kz_is_null(&e)) return e;
    }
    if (n->md_nil) return kz_null();
    kz_value coalesced = coalesce_node(x, n, NULL, merge);
    if (!kz_is_valid(&coalesced)) return coalesced;
    /* blocks of our own, so that sharing them with b reaches nothing else */
    kz_value cvals = kz_deep_copy(&coalesced);
    kz_free(coalesced);
    kz_value b = kz_map();
    kz_value err = kz_null();
    for (size_t i = 0; i < n->nmd && kz_is_null(&err); i++) err = import_req(x, node_req(n, i), &cvals, &b, merge);
    if (kz_is_null(&err) && kz_len(&b) == 0) {
        /* nothing imported (the usual case): merging an empty table changes
         * nothing, and cvals' blocks are already nobody else's */
        kz_free(n->chart->values);
        n->chart->values = merge ? cvals : trim_nils(&cvals);
        if (merge) cvals = kz_null();
    } else if (kz_is_null(&err)) {
        kz_value base = merge ? kz_deep_copy(&cvals) : trim_nils(&cvals);
        merge_tables(x, &base, &b, merge);
        kz_free(n->chart->values);
        n->chart->values = kz_deep_copy(&base); /* no block shared with b or cvals */
        kz_free(base);
    }
    kz_free(b);
    kz_free(cvals);
    return err;
}

/* ---- entry points ---- */

kz_value kz_chart_process_dependencies(kz_chart *chart, const kz_value *user, bool merge,
                                       kz_deps_warn_fn warn_fn, void *warn_ctx) {
    ctx x = {warn_fn, warn_ctx};
    kz_chart *parent = chart->parent;
    /* work on a node tree whose root is `chart` itself; written back at the end */
    node *root = node_of(chart, NULL);
    kz_value empty = kz_map();
    kz_value err = process_enabled(&x, root, user && kz_is_map(user) ? user : &empty, "");
    kz_free(empty);
    if (kz_is_null(&err)) {
        kz_free(err);
        err = process_imports(&x, root, merge);
    }
    node_finish(root, parent);
    return err;
}

kz_value kz_chart_coalesce_values(const kz_chart *chart, const kz_value *user, kz_deps_warn_fn warn_fn,
                                  void *warn_ctx) {
    ctx x = {warn_fn, warn_ctx};
    return kz_values_coalesce_tree(chart, &kz_chart_values_ops, user, false, coalesce_warn, &x);
}
