/* Templates and values.yaml parsed ahead, see chart/ahead.h. */
#include "chart/ahead.h"

#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "chart/chart.h"
#include "core/alloc.h"
#include "core/parallel.h"

/* Jobs a folder's walk may post; files past that are parsed by the renderer. */
#define OPEN_CAPACITY 4096

enum { PENDING, RUNNING, DONE };

typedef struct job {
    const char *path; /* templates: the file's name in the chart folder, the parse's name */
    const char *text;
    size_t len;
    bool is_values;
    _Atomic int state;
    kz_tmpl_file *file; /* templates: NULL when failed, or taken */
    char *source;       /* values: the source name of the parse */
    kz_value values;    /* values: the parse (or its error) until taken */
} job;

struct kz_chart_ahead {
    const kz_tmpl_funcs *funcs;
    kz_tmpl_parse_opts opts;
    job *v;
    size_t n, cap;
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

static void run(kz_chart_ahead *a, job *j) {
    if (j->is_values) {
        j->values = kz_chart_parse_yaml(j->text, j->len, j->source); /* as the loader would */
    } else {
        kz_value err = kz_tmpl_parse(j->path, j->text, j->len, &a->opts, &j->file);
        kz_free(err); /* the renderer parses again and reports it under the Helm name */
    }
}

/* Whoever claims a job first runs it: a worker, or the loader that needs
 * values.yaml now and finds nobody has started it. */
static bool claim(job *j) {
    int pending = PENDING;
    return atomic_compare_exchange_strong(&j->state, &pending, RUNNING);
}

static void job_run(void *ctx, size_t i) {
    kz_chart_ahead *a = ctx;
    job *j = &a->v[i];
    if (!claim(j)) return;
    /* The parse trees of a chart's templates and values take megabytes. */
    static _Thread_local bool reserved;
    if (!reserved) {
        reserved = true;
        kz_heap_reserve();
    }
    run(a, j);
    atomic_store(&j->state, DONE);
}

static kz_chart_ahead *ahead_new(size_t cap, const kz_tmpl_funcs *funcs) {
    kz_chart_ahead *a = kz_xcalloc(1, sizeof *a);
    a->funcs = funcs;
    a->opts = (kz_tmpl_parse_opts){.func_exists = kz_tmpl_funcs_exists, .func_ctx = (void *)funcs,
                                   .borrow_text = true};
    a->v = kz_xmalloc(cap * sizeof *a->v); /* jobs [0, n) are filled in as posted */
    a->cap = cap;
    return a;
}

kz_chart_ahead *kz_chart_ahead_open(const kz_tmpl_funcs *funcs) {
    kz_chart_ahead *a = ahead_new(OPEN_CAPACITY, funcs);
    a->batch = kz_parallel_open(a->cap, 0, job_run, a);
    return a;
}

/* Fill in the next job and let the workers have it. */
static void post(kz_chart_ahead *a, job j) {
    if (!a || !a->batch || a->n == a->cap) return;
    a->v[a->n] = j;
    atomic_init(&a->v[a->n].state, PENDING);
    a->n++;
    kz_parallel_post(a->batch);
}

void kz_chart_ahead_add(kz_chart_ahead *a, const char *path, const char *text, size_t len) {
    if (!text || !is_template(path)) return;
    post(a, (job){.path = path, .text = text, .len = len, .values = kz_null()});
}

void kz_chart_ahead_add_values(kz_chart_ahead *a, const char *text, size_t len, const char *source) {
    if (!a || !text) return;
    post(a, (job){.text = text, .len = len, .is_values = true, .source = kz_xstrdup(source), .values = kz_null()});
}

/* Big files first: the caller joins in last and takes what is left. */
static int bigger_first(const void *x, const void *y) {
    const job *a = x, *b = y;
    return a->len < b->len ? 1 : a->len > b->len ? -1 : 0;
}

static size_t count_templates(const struct kz_chart_file *files, size_t n) {
    size_t count = 0;
    for (size_t i = 0; i < n; i++) count += is_template(files[i].name) && files[i].data;
    return count;
}

/* The template files among files[0..n), biggest first, posted to an open
 * ahead (as many as it has room for). */
static void post_templates(kz_chart_ahead *a, const struct kz_chart_file *files, size_t n) {
    size_t count = count_templates(files, n);
    if (count == 0) return;
    job *v = kz_xcalloc(count, sizeof *v);
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (is_template(files[i].name) && files[i].data)
            v[k++] = (job){.path = files[i].name, .text = files[i].data, .len = files[i].len, .values = kz_null()};
    qsort(v, count, sizeof *v, bigger_first);
    for (size_t i = 0; i < count; i++) post(a, v[i]);
    free(v);
}

/* An archive's files are all there at once; the batch stays open for the
 * archives among its subcharts (kz_chart_ahead_join), so that they share
 * its worker instead of each starting their own. */
kz_chart_ahead *kz_chart_ahead_start(const struct kz_chart_file *files, size_t n, const kz_tmpl_funcs *funcs) {
    if (count_templates(files, n) == 0) return NULL;
    kz_chart_ahead *a = kz_chart_ahead_open(funcs);
    post_templates(a, files, n);
    return a;
}

bool kz_chart_ahead_join(kz_chart_ahead *a, const struct kz_chart_file *files, size_t n, const kz_tmpl_funcs *funcs) {
    if (!a || !a->batch || a->funcs != funcs) return false;
    post_templates(a, files, n);
    return true;
}

void kz_chart_ahead_forget(kz_chart_ahead *a, const struct kz_chart_file *files, size_t n) {
    if (!a) return;
    kz_chart_ahead_wait(a);
    for (size_t i = 0; i < a->n; i++) {
        job *j = &a->v[i];
        if (j->is_values || !j->text) continue;
        for (size_t k = 0; k < n; k++) {
            if (files[k].data != j->text) continue;
            kz_tmpl_file_free(j->file); /* it points into the text */
            j->file = NULL;
            j->text = NULL;
            break;
        }
    }
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
        job *j = &a->v[i];
        if (j->is_values || j->text != text || j->len != len || !j->file) continue;
        kz_tmpl_file *f = j->file;
        if (!kz_tmpl_file_rename(f, name)) return NULL;
        j->file = NULL;
        return f;
    }
    return NULL;
}

bool kz_chart_ahead_take_values(kz_chart_ahead *a, const char *text, size_t len, const char *source,
                                kz_value *out) {
    if (!a) return false;
    for (size_t i = 0; i < a->n; i++) {
        job *j = &a->v[i];
        if (!j->is_values || j->text != text || j->len != len || strcmp(j->source, source) != 0) continue;
        if (claim(j)) { /* nobody got to it: it is needed now */
            run(a, j);
            atomic_store(&j->state, DONE);
        }
        /* A worker parses it: help with templates meanwhile. */
        while (atomic_load(&j->state) != DONE)
            if (!a->batch || !kz_parallel_help(a->batch)) sched_yield();
        /* The parse's blocks stay referenced here until the ahead is freed:
         * they were allocated by the worker, in its malloc arena, and the
         * loader would otherwise free them (replacing or copying values)
         * while the worker allocates in that arena for templates, each free
         * then contending for the arena's lock. */
        *out = kz_copy(&j->values);
        j->is_values = false; /* taken */
        j->text = NULL;
        return true;
    }
    return false;
}

void kz_chart_ahead_free(kz_chart_ahead *a) {
    if (!a) return;
    kz_chart_ahead_wait(a);
    for (size_t i = 0; i < a->n; i++) {
        kz_tmpl_file_free(a->v[i].file);
        kz_free(a->v[i].values);
        free(a->v[i].source);
    }
    free(a->v);
    free(a);
}
