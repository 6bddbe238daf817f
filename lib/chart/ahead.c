/* Templates parsed ahead, see chart/ahead.h. */
#include "chart/ahead.h"

#include <stdlib.h>
#include <string.h>

#include "chart/chart.h"
#include "core/alloc.h"
#include "core/parallel.h"

typedef struct parse {
    const char *path; /* the file's name in the chart folder: the parse's name */
    const char *text;
    size_t len;
    kz_tmpl_file *file; /* NULL: failed, or taken */
} parse;

struct kz_chart_ahead {
    const kz_tmpl_funcs *funcs;
    kz_tmpl_parse_opts opts;
    parse *v;
    size_t n;
    kz_parallel_batch *batch; /* NULL once finished */
};

/* "templates/..." of the chart or of a subchart folder ("charts/a/templates/",
 * "charts/a/charts/b/templates/..."). */
static bool is_template(const char *name) {
    for (;;) {
        if (strncmp(name, "templates/", 10) == 0) return true;
        if (strncmp(name, "charts/", 7) != 0) return false;
        const char *slash = strchr(name + 7, '/');
        if (!slash || slash == name + 7) return false;
        name = slash + 1;
    }
}

static void parse_one(void *ctx, size_t i) {
    kz_chart_ahead *a = ctx;
    parse *p = &a->v[i];
    kz_value err = kz_tmpl_parse(p->path, p->text, p->len, &a->opts, &p->file);
    kz_free(err); /* the renderer parses again and reports it under the Helm name */
}

/* Big files first: the caller joins in last and takes what is left. */
static int bigger_first(const void *x, const void *y) {
    const parse *a = x, *b = y;
    return a->len < b->len ? 1 : a->len > b->len ? -1 : 0;
}

kz_chart_ahead *kz_chart_ahead_start(const struct kz_chart_file *files, size_t n, const kz_tmpl_funcs *funcs) {
    size_t count = 0;
    for (size_t i = 0; i < n; i++) count += is_template(files[i].name) && files[i].data;
    if (count == 0) return NULL;
    kz_chart_ahead *a = kz_xcalloc(1, sizeof *a);
    a->funcs = funcs;
    a->opts = (kz_tmpl_parse_opts){.func_exists = kz_tmpl_funcs_exists, .func_ctx = (void *)funcs,
                                   .borrow_text = true};
    a->v = kz_xcalloc(count, sizeof *a->v);
    for (size_t i = 0; i < n; i++)
        if (is_template(files[i].name) && files[i].data)
            a->v[a->n++] = (parse){files[i].name, files[i].data, files[i].len, NULL};
    qsort(a->v, a->n, sizeof *a->v, bigger_first);
    a->batch = kz_parallel_start(a->n, 0, parse_one, a);
    return a;
}

const kz_tmpl_funcs *kz_chart_ahead_funcs(const kz_chart_ahead *a) { return a->funcs; }

void kz_chart_ahead_wait(kz_chart_ahead *a) {
    if (!a) return;
    kz_parallel_finish(a->batch);
    a->batch = NULL;
}

kz_tmpl_file *kz_chart_ahead_take(kz_chart_ahead *a, const char *text, size_t len, const char *name) {
    if (!a) return NULL;
    kz_chart_ahead_wait(a);
    for (size_t i = 0; i < a->n; i++) {
        parse *p = &a->v[i];
        if (p->text != text || p->len != len || !p->file) continue;
        kz_tmpl_file *f = p->file;
        if (!kz_tmpl_file_rename(f, name)) return NULL;
        p->file = NULL;
        return f;
    }
    return NULL;
}

void kz_chart_ahead_free(kz_chart_ahead *a) {
    if (!a) return;
    kz_chart_ahead_wait(a);
    for (size_t i = 0; i < a->n; i++) kz_tmpl_file_free(a->v[i].file);
    free(a->v);
    free(a);
}
