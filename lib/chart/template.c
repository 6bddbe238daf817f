/* `helm template` as a library call (see template.h). */
#include "chart/template.h"

#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "chart/chart.h"
#include "chart/manifest.h"
#include "chart/objects.h"
#include "chart/render.h"
#include "core/alloc.h"

/* ---- chart ops for coalescing ---- */

static const char *op_name(const void *c) { return ((const kz_chart *)c)->name; }
static const kz_value *op_values(const void *c) {
    const kz_chart *ch = c;
    return kz_is_map(&ch->values) ? &ch->values : NULL;
}
static size_t op_n_deps(const void *c) { return ((const kz_chart *)c)->ndeps; }
static const void *op_dep(const void *c, size_t i) { return ((const kz_chart *)c)->deps[i]; }
static const kz_values_chart_ops chart_ops = {op_name, op_values, op_n_deps, op_dep};

static void warn_coalesce(void *ctx, int go_line, const char *msg) {
    kz_buf_printf(ctx, "coalesce.go:%d: %s\n", go_line, msg);
}

static void warn_manifest(void *ctx, const char *msg) { kz_buf_printf(ctx, "manifest_sorter.go:190: %s\n", msg); }

/* ---- output ---- */

static bool ends_with(const char *s, const char *suffix) {
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* Every CRD of the chart and its subcharts (Helm's CRDObjects: the chart's
 * own, then each dependency's, depth first), as "---\n# Source: PATH\n" +
 * the file + "\n". */
static void print_crds(const kz_chart *c, kz_buf *out) {
    char *full = kz_chart_full_path(c);
    for (size_t i = 0; i < c->crds.len; i++) {
        kz_buf path = KZ_BUF_INIT;
        kz_buf_printf(&path, "%s/%s", full, c->crds.v[i].name);
        kz_manifest_print(out, kz_buf_cstr(&path), c->crds.v[i].data, c->crds.v[i].len);
        kz_buf_free(&path);
    }
    free(full);
    for (size_t i = 0; i < c->ndeps; i++) print_crds(c->deps[i], out);
}

/* strings.TrimSpace for the ASCII white space a manifest stream can end in. */
static void trim_ascii(const char **s, size_t *n) {
    while (*n && strchr(" \t\r\n\v\f", (*s)[0])) (*s)++, (*n)--;
    while (*n && strchr(" \t\r\n\v\f", (*s)[*n - 1])) (*n)--;
}

static const char *find(const char *hay, size_t n, const char *needle) {
    size_t m = strlen(needle);
    for (size_t i = 0; i + m <= n; i++)
        if (memcmp(hay + i, needle, m) == 0) return hay + i;
    return NULL;
}

/* --show-only: the documents of the stream whose "# Source: CHART/PATH" PATH
 * matches a pattern (Go's filepath.Match), pattern by pattern. */
static kz_value show_only(const kz_template_opts *o, const kz_buf *stream, kz_buf *out) {
    size_t *spans = NULL;
    size_t count = kz_manifest_split(stream->data ? stream->data : "", stream->len, &spans);
    kz_value err = kz_null();
    for (size_t f = 0; f < o->n_show_only && kz_is_null(&err); f++) {
        bool missing = true;
        for (size_t i = 0; i < count; i++) {
            const char *doc = stream->data + spans[2 * i];
            size_t len = spans[2 * i + 1];
            const char *src = find(doc, len, "# Source: ");
            if (!src) continue;
            const char *name = src + 10, *end = doc + len;
            const char *slash = memchr(name, '/', (size_t)(end - name));
            if (!slash || slash == name) continue;
            const char *p = slash + 1, *e = p;
            while (e < end && *e != '\n') e++;
            char *path = kz_xmalloc((size_t)(e - p) + 1);
            memcpy(path, p, (size_t)(e - p));
            path[e - p] = '\0';
            bool match = fnmatch(o->show_only[f], path, FNM_PATHNAME) == 0;
            free(path);
            if (!match) continue;
            kz_buf_puts(out, "---\n");
            kz_buf_append(out, doc, len);
            kz_buf_putc(out, '\n');
            missing = false;
        }
        if (missing) err = kz_error("could not find template %s in chart", o->show_only[f]);
    }
    free(spans);
    return err;
}

/* ---- the pipeline ---- */

static kz_value render_stream(const kz_template_opts *o, kz_chart *chart, const kz_value *values, kz_buf *out,
                              kz_buf *warnings, bool *after_render) {
    kz_value extra = kz_seq();
    for (size_t i = 0; i < o->n_api_versions; i++) kz_seq_push(&extra, kz_string(o->api_versions[i]));
    kz_value caps = kz_chart_capabilities(o->kube_version, &extra);
    kz_free(extra);
    if (kz_error_message(&caps)) return caps;
    kz_render_opts ro = {.release_name = o->release_name,
                         .namespace_ = o->namespace_ && *o->namespace_ ? o->namespace_ : "default",
                         .is_install = !o->is_upgrade, .is_upgrade = o->is_upgrade, .revision = 1,
                         .capabilities = &caps};
    kz_rendered r;
    kz_value err = kz_chart_render(chart, values, &ro, &r);
    kz_free(caps);
    if (kz_error_message(&err)) return err;
    /* NOTES.txt files are the release's notes, not manifests */
    size_t keep = 0;
    for (size_t i = 0; i < r.count; i++) {
        if (ends_with(r.files[i].path, "NOTES.txt")) {
            free((char *)r.files[i].path);
            free((char *)r.files[i].text);
        } else {
            r.files[keep++] = r.files[i];
        }
    }
    r.count = keep;
    kz_manifests m;
    err = kz_manifests_sort(r.files, r.count, &m, warn_manifest, warnings);
    kz_rendered_free(&r);
    if (kz_error_message(&err)) return err;
    kz_buf manifest = KZ_BUF_INIT;
    if (o->include_crds) print_crds(chart, &manifest);
    for (size_t i = 0; i < m.hooks_from; i++)
        kz_manifest_print(&manifest, m.items[i].path, m.items[i].content, strlen(m.items[i].content));
    kz_buf stream = KZ_BUF_INIT;
    const char *text = manifest.data ? manifest.data : "";
    size_t len = manifest.len;
    trim_ascii(&text, &len);
    kz_buf_append(&stream, text, len);
    kz_buf_putc(&stream, '\n');
    kz_buf_free(&manifest);
    if (!o->no_hooks) {
        for (size_t i = m.hooks_from; i < m.count; i++) {
            if (o->skip_tests && m.items[i].is_test_hook) continue;
            kz_manifest_print(&stream, m.items[i].path, m.items[i].content, strlen(m.items[i].content));
        }
    }
    kz_manifests_free(&m);
    if (o->n_show_only) {
        *after_render = false; /* helm reports --show-only misses plainly */
        err = show_only(o, &stream, out);
    }
    else kz_buf_append(out, stream.data ? stream.data : "", stream.len);
    kz_buf_free(&stream);
    return err;
}

kz_value kz_chart_template(const kz_template_opts *o, kz_buf *out, kz_buf *warnings, bool *after_render) {
    *after_render = false;
    if (o->kube_version) { /* helm checks the flag before anything else */
        kz_value kv = kz_chart_kube_version(o->kube_version);
        if (kz_error_message(&kv)) return kv;
        kz_free(kv);
    }
    kz_chart *chart = NULL;
    kz_value err = kz_chart_load(o->chart_path, NULL, &chart);
    if (kz_error_message(&err)) return err;
    for (size_t i = 0; i < kz_len(&chart->warnings); i++) {
        kz_buf_puts(warnings, kz_str(kz_seq_at(&chart->warnings, i)));
        kz_buf_putc(warnings, '\n');
    }
    kz_value user = kz_values_user(&o->values);
    if (kz_error_message(&user)) {
        kz_chart_free(chart);
        return user;
    }
    kz_value values = kz_values_coalesce_tree(chart, &chart_ops, &user, false, warn_coalesce, warnings);
    kz_free(user);
    if (kz_error_message(&values)) {
        kz_chart_free(chart);
        return values;
    }
    *after_render = true;
    err = render_stream(o, chart, &values, out, warnings, after_render);
    kz_free(values);
    kz_chart_free(chart);
    return err;
}
