/* Rendering a chart's templates as Helm's engine does (see render.h). */
#include "chart/render.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "chart/objects.h"
#include "chart/values.h"
#include "core/alloc.h"
#include "funcs/funcs.h"
#include "tmpl/exec.h"
#include "tmpl/set.h"

/* One template to parse and maybe execute, with the objects it sees. */
typedef struct renderable {
    char *name;      /* "parent/charts/sub/templates/x.yaml" */
    char *base_path; /* "parent/charts/sub/templates" */
    const kz_chart_file *file;
    const kz_chart *chart; /* the file's */
    kz_value *objects; /* its chart's top-level map (shared by the chart's templates) */
    size_t depth;      /* '/'s in name: deeper files parse first */
    size_t seq;        /* collection order */
} renderable;

typedef struct collect {
    renderable *items;
    size_t n, cap;
    kz_value **objects; /* every chart's objects map, to free */
    size_t nobjects, cap_objects;
} collect;

static void push_renderable(collect *c, renderable r) {
    if (c->n == c->cap) {
        c->cap = c->cap ? c->cap * 2 : 32;
        c->items = kz_xrealloc(c->items, c->cap * sizeof *c->items);
    }
    r.seq = c->n;
    c->items[c->n++] = r;
}

static kz_value *keep_objects(collect *c, kz_value objects) {
    if (c->nobjects == c->cap_objects) {
        c->cap_objects = c->cap_objects ? c->cap_objects * 2 : 8;
        c->objects = kz_xrealloc(c->objects, c->cap_objects * sizeof *c->objects);
    }
    kz_value *slot = kz_xmalloc(sizeof *slot);
    *slot = objects;
    c->objects[c->nobjects++] = slot;
    return slot;
}

/* Go's path.Join, as helm names templates: cleaned, so a chart named "."
 * (`helm create .`) gives "templates/x.yaml", not "./templates/x.yaml". */
static char *join(const char *a, const char *b) {
    size_t la = strlen(a), lb = strlen(b);
    char *s = kz_xmalloc(la + lb + 2);
    memcpy(s, a, la);
    s[la] = '/';
    memcpy(s + la + 1, b, lb + 1);
    char *clean = kz_chart_path_clean(s);
    free(s);
    return clean;
}

static bool is_library(const kz_chart *c) { return strcmp(c->type, "library") == 0; }

static bool is_partial_name(const char *name) {
    const char *base = strrchr(name, '/');
    return (base ? base[1] : name[0]) == '_';
}

/* .Files: the chart's non-template files (chart.h says which). */
static kz_value files_object(const kz_chart_files *files) {
    kz_value m = kz_map_sized(files->len);
    for (size_t i = 0; i < files->len; i++)
        kz_map_setz(&m, files->v[i].name,
                    kz_with_gotype(kz_string_n(files->v[i].data, files->v[i].len), KZ_GOTYPE_BYTES));
    kz_value f = kz_chart_files_object(&m);
    kz_free(m);
    return f;
}

/* A chart's .Values: the root's are the coalesced values; a subchart's are
 * its parent's .Values.<name> when that is a map (the same map: changes made
 * through one are seen through the other, as in Go), else empty. */
static kz_value chart_values(const kz_chart *c, const kz_value *parent_objects, const kz_value *top_values) {
    if (!c->parent) return kz_with_gotype(kz_copy(top_values), KZ_GOTYPE_CHART_VALUES);
    const kz_value *pv = kz_map_getz(parent_objects, "Values");
    kz_value empty = kz_map();
    kz_value mine = kz_values_subchart(pv ? pv : &empty, c->name);
    kz_free(empty);
    return mine;
}

/* Helm's recAllTpls: the chart's objects, its subcharts' first. Returns the
 * objects map (owned by `col`). */
static size_t count_slashes(const char *s) {
    size_t n = 0;
    for (; *s; s++) n += *s == '/';
    return n;
}

static kz_value *collect_chart(collect *col, const kz_chart *c, const kz_value *parent_objects,
                               const kz_value *top_values, const kz_value *release, const kz_value *caps) {
    kz_value objects = kz_with_gotype(kz_map_sized(8), KZ_GOTYPE_CHART_VALUES);
    kz_map_setz(&objects, "Chart", kz_chart_metadata_object(&c->metadata, c->parent == NULL));
    kz_map_setz(&objects, "Files", files_object(&c->files));
    kz_map_setz(&objects, "Release", kz_copy(release));
    kz_map_setz(&objects, "Capabilities", caps ? kz_copy(caps) : kz_null());
    kz_map_setz(&objects, "Values", chart_values(c, parent_objects, top_values));
    kz_map_setz(&objects, "Subcharts", kz_map());
    kz_value *mine = keep_objects(col, objects);
    char *full = kz_chart_full_path(c);
    for (size_t i = 0; i < c->ndeps; i++) {
        kz_value *child = collect_chart(col, c->deps[i], mine, top_values, release, caps);
        kz_value *subcharts = (kz_value *)(uintptr_t)kz_map_getz(mine, "Subcharts");
        kz_map_set_shared(subcharts, kz_string(c->deps[i]->name), kz_copy(child));
    }
    char *base = join(full, "templates");
    for (size_t i = 0; i < c->templates.len; i++) {
        const kz_chart_file *t = &c->templates.v[i];
        if (is_library(c) && !is_partial_name(t->name)) continue; /* a library gives its defines only */
        char *name = join(full, t->name);
        push_renderable(col, (renderable){.name = name, .base_path = kz_xstrdup(base), .file = t, .chart = c,
                                          .objects = mine, .depth = count_slashes(name)});
    }
    free(base);
    free(full);
    return mine;
}

/* Helm's sortTemplates: more slashes first, then reverse byte order; a name
 * met twice (two subcharts of one name in charts/) latest first. */
static int cmp_renderable(const void *a, const void *b) {
    const renderable *x = a, *y = b;
    if (x->depth != y->depth) return x->depth > y->depth ? -1 : 1;
    int c = strcmp(x->name, y->name);
    if (c) return -c;
    return x->seq > y->seq ? -1 : x->seq < y->seq;
}

/* Helm keeps its templates in a map by name: the one collected last wins
 * (recAllTpls walks subcharts in order). Drops the others from the sorted list. */
static void drop_shadowed(collect *col) {
    size_t keep = 0;
    for (size_t i = 0; i < col->n; i++) {
        if (keep && strcmp(col->items[keep - 1].name, col->items[i].name) == 0) {
            free(col->items[i].name);
            free(col->items[i].base_path);
            continue;
        }
        col->items[keep++] = col->items[i];
    }
    col->n = keep;
}

static kz_value parse_error(const char *name, const char *msg) {
    char *text = kz_funcs_helm_parse_error(name, msg);
    kz_value err = kz_error("%s", text);
    free(text);
    return err;
}

static kz_value make_release(const kz_render_opts *o) {
    kz_value r = kz_map_sized(6);
    kz_map_setz(&r, "Name", kz_string(o->release_name ? o->release_name : ""));
    kz_map_setz(&r, "Namespace", kz_string(o->namespace_ ? o->namespace_ : "default"));
    kz_map_setz(&r, "IsUpgrade", kz_bool(o->is_upgrade));
    kz_map_setz(&r, "IsInstall", kz_bool(o->is_install));
    kz_map_setz(&r, "Revision", kz_int(o->revision));
    kz_map_setz(&r, "Service", kz_string("Helm"));
    return r;
}

static void free_collect(collect *col) {
    for (size_t i = 0; i < col->n; i++) {
        free(col->items[i].name);
        free(col->items[i].base_path);
    }
    free(col->items);
    for (size_t i = 0; i < col->nobjects; i++) {
        kz_free(*col->objects[i]);
        free(col->objects[i]);
    }
    free(col->objects);
}

bool kz_rendered_is_notes(const char *path) {
    size_t n = strlen(path);
    return n >= 9 && strcmp(path + n - 9, "NOTES.txt") == 0;
}

static void push_output(kz_rendered *out, size_t *cap, const char *name, kz_buf *text) {
    if (out->count == *cap) {
        *cap = *cap ? *cap * 2 : 16;
        out->files = kz_xrealloc(out->files, *cap * sizeof *out->files);
    }
    size_t len = text->len;
    char *data = kz_buf_detach(text, NULL);
    if (!data) data = kz_xstrdup("");
    out->files[out->count++] = (kz_rendered_file){.path = kz_xstrdup(name), .text = data, .len = len};
}

/* Execute every non-partial template in order, into out. */
static kz_value execute_all(const collect *col, const kz_tmpl_set *set, const kz_render_opts *opts,
                            kz_rendered *out) {
    kz_funcs_ctx ctx;
    kz_funcs_ctx_init(&ctx);
    ctx.enable_dns = opts->enable_dns;
    kz_tmpl_exec_opts eo = {.missingkey = opts->strict ? KZ_TMPL_MISSING_ERROR : KZ_TMPL_MISSING_ZERO,
                            .user = &ctx};
    kz_value err = kz_null();
    size_t cap = 0;
    for (size_t i = 0; i < col->n && kz_is_null(&err); i++) {
        const renderable *r = &col->items[i];
        if (is_partial_name(r->name)) continue;
        kz_value tmpl = kz_with_gotype(kz_map_sized(2), KZ_GOTYPE_CHART_VALUES);
        kz_map_setz(&tmpl, "Name", kz_string(r->name));
        kz_map_setz(&tmpl, "BasePath", kz_string(r->base_path));
        kz_map_set_shared(r->objects, kz_string("Template"), tmpl);
        kz_buf text = KZ_BUF_INIT;
        kz_value e = kz_tmpl_execute(set, r->name, strlen(r->name), r->objects, &eo, &text);
        if (kz_error_message(&e)) {
            char *msg = kz_funcs_helm_exec_error(kz_error_message(&e));
            err = kz_error("%s", msg);
            free(msg);
            kz_buf_free(&text);
        } else {
            kz_tmpl_strip_no_value(&text);
            push_output(out, &cap, r->name, &text);
            const kz_rendered_file *f = &out->files[out->count - 1];
            if (!kz_rendered_is_notes(f->path)) kz_manifest_reader_add(opts->reader, f->path, f->text, f->len);
        }
        kz_free(e);
    }
    kz_funcs_ctx_free(&ctx);
    return err;
}

static void wait_ahead(const kz_chart *c) {
    kz_chart_ahead_wait(c->ahead);
    for (size_t i = 0; i < c->ndeps; i++) wait_ahead(c->deps[i]);
}

/* The file's parse from its chart's load (or an ancestor's, which parsed its
 * subchart folders too), if there is one made with this function table. */
static kz_tmpl_file *take_ahead(const renderable *r, const kz_tmpl_funcs *funcs) {
    for (const kz_chart *c = r->chart; c; c = c->parent) {
        if (!c->ahead || kz_chart_ahead_funcs(c->ahead) != funcs) continue;
        kz_tmpl_file *f = kz_chart_ahead_take(c->ahead, r->file->data, r->file->len, r->name);
        if (f) return f;
    }
    return NULL;
}

kz_value kz_chart_render(const kz_chart *chart, const kz_value *values, const kz_render_opts *opts, kz_rendered *out) {
    memset(out, 0, sizeof *out);
    collect col = {0};
    kz_value release = make_release(opts);
    collect_chart(&col, chart, NULL, values, &release, opts->capabilities);
    kz_free(release);
    if (col.n) qsort(col.items, col.n, sizeof *col.items, cmp_renderable);
    drop_shadowed(&col);

    kz_tmpl_funcs *funcs = opts->funcs ? opts->funcs : kz_funcs_new();
    wait_ahead(chart); /* parses reading the table, which gets methods now */
    kz_chart_register_methods(funcs);
    kz_tmpl_set *set = kz_tmpl_set_new(funcs);
    kz_tmpl_source *src = kz_xmalloc((col.n ? col.n : 1) * sizeof *src);
    for (size_t i = 0; i < col.n; i++) {
        const renderable *r = &col.items[i];
        src[i] = (kz_tmpl_source){r->name, r->file->data, r->file->len, take_ahead(r, funcs)};
    }
    size_t failed;
    kz_value err = kz_tmpl_set_add_all(set, src, col.n, 0, &failed);
    free(src);
    if (kz_error_message(&err)) {
        kz_value e = parse_error(col.items[failed].name, kz_error_message(&err));
        kz_free(err);
        err = e;
    }
    if (kz_is_null(&err)) err = execute_all(&col, set, opts, out);
    if (kz_error_message(&err)) {
        kz_manifest_reader_wait(opts->reader); /* it reads the texts */
        kz_rendered_free(out);
        kz_tmpl_set_free(set);
    } else {
        out->set_ = set;
    }
    if (!opts->funcs) kz_tmpl_funcs_free(funcs);
    free_collect(&col);
    return err;
}

void kz_rendered_free(kz_rendered *r) {
    for (size_t i = 0; i < r->count; i++) {
        free((char *)r->files[i].path);
        free((char *)r->files[i].text);
    }
    free(r->files);
    kz_tmpl_set_free(r->set_);
    memset(r, 0, sizeof *r);
}
