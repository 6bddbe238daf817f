/* The template set: parsed files plus a name -> tree index (a kz_value map of
 * positions into `trees`, so lookups are O(1) for large charts). */
#include "tmpl/set.h"

#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/parallel.h"

struct kz_tmpl_set {
    const kz_tmpl_funcs *funcs;
    const kz_tmpl_set *parent; /* overlays only */
    char *left, *right;
    kz_tmpl_file **files;
    size_t nfiles, cap_files;
    const kz_tmpl_tree **trees;
    size_t ntrees, cap_trees;
    kz_value index; /* MAP: name -> INT position in `trees` */
};

kz_tmpl_set *kz_tmpl_set_new(const kz_tmpl_funcs *funcs) {
    kz_tmpl_set *s = kz_xcalloc(1, sizeof *s);
    s->funcs = funcs;
    s->index = kz_map();
    return s;
}

kz_tmpl_set *kz_tmpl_set_new_overlay(const kz_tmpl_set *parent) {
    kz_tmpl_set *s = kz_tmpl_set_new(parent->funcs);
    s->parent = parent;
    return s;
}

void kz_tmpl_set_free(kz_tmpl_set *s) {
    if (!s) return;
    for (size_t i = 0; i < s->nfiles; i++) kz_tmpl_file_free(s->files[i]);
    free(s->files);
    free(s->trees);
    free(s->left);
    free(s->right);
    kz_free(s->index);
    free(s);
}

void kz_tmpl_set_delims(kz_tmpl_set *s, const char *left, const char *right) {
    free(s->left);
    free(s->right);
    s->left = left ? kz_xstrdup(left) : NULL;
    s->right = right ? kz_xstrdup(right) : NULL;
}

/* Go's association rule: an empty tree never replaces an existing one. */
static void associate(kz_tmpl_set *s, const kz_tmpl_tree *t) {
    const kz_value *at = kz_map_get(&s->index, t->name->s, t->name->len);
    if (at) {
        if (!kz_tmpl_tree_is_empty(t)) s->trees[kz_int_get(at)] = t;
        return;
    }
    if (s->parent && kz_tmpl_tree_is_empty(t) && kz_tmpl_set_lookup(s->parent, t->name->s, t->name->len)) return;
    if (s->ntrees == s->cap_trees) {
        s->cap_trees = s->cap_trees ? s->cap_trees * 2 : 32;
        s->trees = kz_xrealloc(s->trees, s->cap_trees * sizeof *s->trees);
    }
    s->trees[s->ntrees] = t;
    kz_map_set(&s->index, kz_string_n(t->name->s, t->name->len), kz_int((int64_t)s->ntrees));
    s->ntrees++;
}

static kz_tmpl_parse_opts parse_opts(const kz_tmpl_set *s) {
    return (kz_tmpl_parse_opts){
        .left_delim = s->left,
        .right_delim = s->right,
        .func_exists = kz_tmpl_funcs_exists,
        .func_ctx = (void *)s->funcs,
    };
}

/* Take a parsed file and register its templates. */
static void adopt(kz_tmpl_set *s, kz_tmpl_file *f) {
    if (s->nfiles == s->cap_files) {
        s->cap_files = s->cap_files ? s->cap_files * 2 : 16;
        s->files = kz_xrealloc(s->files, s->cap_files * sizeof *s->files);
    }
    s->files[s->nfiles++] = f;
    /* Go adds the definitions first, then the file's own tree (Parse's order
     * matters only for the emptiness rule, which is per name). */
    if (f->main) associate(s, f->main);
    for (size_t i = 0; i < f->ndefs; i++) associate(s, f->defs[i]);
}

kz_value kz_tmpl_set_add(kz_tmpl_set *s, const char *name, const char *text, size_t len) {
    kz_tmpl_parse_opts opts = parse_opts(s);
    kz_tmpl_file *f = NULL;
    kz_value err = kz_tmpl_parse(name, text, len, &opts, &f);
    if (!f) return err;
    kz_free(err);
    adopt(s, f);
    return kz_null();
}

/* Parsing a file reads only its text and the function table, and builds its
 * tree in its own arena, so files parse independently; only adding them to
 * the set (the name rules above) must follow the order. */
typedef struct {
    const kz_tmpl_source *src;
    const kz_tmpl_parse_opts *opts;
    kz_tmpl_file **files;
    kz_value *errors;
} parse_jobs;

static void parse_job(void *ctx, size_t i) {
    parse_jobs *j = ctx;
    if (j->src[i].parsed) {
        j->files[i] = j->src[i].parsed;
        j->errors[i] = kz_null();
        return;
    }
    j->errors[i] = kz_tmpl_parse(j->src[i].name, j->src[i].text, j->src[i].len, j->opts, &j->files[i]);
}

kz_value kz_tmpl_set_add_all(kz_tmpl_set *s, const kz_tmpl_source *src, size_t n, unsigned max_threads,
                             size_t *failed) {
    size_t total = 0;
    for (size_t i = 0; i < n; i++) total += src[i].parsed ? 0 : src[i].len;
    if (total < KZ_PARALLEL_MIN_BYTES) max_threads = 1;
    kz_tmpl_parse_opts opts = parse_opts(s);
    opts.borrow_text = true;
    parse_jobs j = {src, &opts, kz_xcalloc(n ? n : 1, sizeof *j.files), kz_xcalloc(n ? n : 1, sizeof *j.errors)};
    kz_parallel_for(n, max_threads, parse_job, &j);
    kz_value err = kz_null();
    *failed = n;
    for (size_t i = 0; i < n; i++) {
        if (*failed == n && j.files[i]) {
            adopt(s, j.files[i]);
        } else if (*failed == n) {
            *failed = i;
            err = j.errors[i];
            j.errors[i] = kz_null();
        } else if (j.files[i]) {
            kz_tmpl_file_free(j.files[i]);
        }
        kz_free(j.errors[i]);
    }
    free(j.files);
    free(j.errors);
    return err;
}

const kz_tmpl_tree *kz_tmpl_set_lookup(const kz_tmpl_set *s, const char *name, size_t len) {
    const kz_value *at = kz_map_get(&s->index, name, len);
    if (at) return s->trees[kz_int_get(at)];
    return s->parent ? kz_tmpl_set_lookup(s->parent, name, len) : NULL;
}

const kz_tmpl_tree *kz_tmpl_set_file_tree(const kz_tmpl_set *s, const char *name, size_t len) {
    for (size_t i = s->nfiles; i-- > 0;) {
        const kz_tmpl_file *f = s->files[i];
        if (strlen(f->name) == len && memcmp(f->name, name, len) == 0) return f->main;
    }
    return NULL;
}

const kz_tmpl_funcs *kz_tmpl_set_funcs(const kz_tmpl_set *s) { return s->funcs; }
