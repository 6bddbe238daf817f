/*
 * helm show: see show.h. The parts are printed with the separators Helm's
 * action.Show writes (a "---" line between parts of `all`).
 */
#include "chart/show.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/alloc.h"
#include "yaml/emit.h"

/* Go's strings.TrimSpace on ASCII white space (Helm trims the chart name). */
static char *trim_space(const char *s) {
    while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r' || *s == '\v' || *s == '\f') s++;
    size_t n = strlen(s);
    while (n && strchr(" \t\n\r\v\f", s[n - 1])) n--;
    char *r = kz_xmalloc(n + 1);
    memcpy(r, s, n);
    r[n] = '\0';
    return r;
}


kz_value kz_chart_locate(const char *name, char **path) {
    *path = NULL;
    char *n = trim_space(name);
    struct stat st;
    kz_value err = kz_null();
    if (stat(n, &st) == 0) {
        *path = kz_chart_path_abs(n);
    } else if (n[0] == '/' || n[0] == '.') {
        err = kz_error("path \"%s\" not found", n);
    } else if (strstr(n, "://")) {
        /* A URL: Helm would download it; hm reads local charts only. */
        err = kz_error("could not find protocol handler for: %.*s", (int)(strstr(n, "://") - n), n);
    } else if (!strchr(n, '/')) {
        err = kz_error("non-absolute URLs should be in form of repo_name/path_to_chart, got: %s", n);
    } else {
        /* REPO/CHART: hm has no repositories configured, as a fresh Helm. */
        err = kz_error("repo %.*s not found", (int)(strchr(n, '/') - n), n);
    }
    free(n);
    return err;
}

/* Helm's findReadme: the first file (load order) whose whole name is one of
 * these, compared case-insensitively (Go's strings.EqualFold; the names are
 * ASCII, and EqualFold's Unicode folds cannot map other text onto them except
 * through K (U+212A), which none of the names contain). */
static const kz_chart_file *find_readme(const kz_chart *c) {
    static const char *const names[] = {"readme.md", "readme.txt", "readme"};
    for (size_t i = 0; i < c->files.len; i++)
        for (size_t k = 0; k < sizeof names / sizeof *names; k++)
            if (strcasecmp(c->files.v[i].name, names[k]) == 0) return &c->files.v[i];
    return NULL;
}

/* Helm's chart.CRDObjects: this chart's CRD files, then each subchart's. */
static void collect_crds(const kz_chart *c, const kz_chart_file ***v, size_t *n, size_t *cap) {
    for (size_t i = 0; i < c->crds.len; i++) {
        if (*n == *cap) {
            *cap = *cap ? *cap * 2 : 8;
            *v = kz_xrealloc(*v, *cap * sizeof **v);
        }
        (*v)[(*n)++] = &c->crds.v[i];
    }
    for (size_t d = 0; d < c->ndeps; d++) collect_crds(c->deps[d], v, n, cap);
}

static kz_value show_chart(const kz_chart *c, kz_buf *out) {
    kz_value err = kz_null();
    kz_buf y = KZ_BUF_INIT;
    if (kz_yaml_emit_checked(&y, &c->metadata, &err) != 0) {
        kz_buf_free(&y);
        return err;
    }
    kz_buf_append(out, y.data, y.len);
    kz_buf_putc(out, '\n');
    kz_buf_free(&y);
    return kz_null();
}

kz_value kz_chart_show(const kz_chart *c, kz_show_what what, kz_buf *out) {
    bool all = what == KZ_SHOW_ALL;
    if (all || what == KZ_SHOW_CHART) {
        kz_value err = show_chart(c, out);
        if (kz_error_message(&err)) return err;
    }
    if ((all || what == KZ_SHOW_VALUES) && c->values_raw) {
        if (all) kz_buf_puts(out, "---\n");
        /* helm prints every values.yaml of chart.Raw: an archive may hold
         * two entries of that name (the last one is the values) */
        for (size_t i = 0; i < c->raw.len; i++) {
            if (strcmp(c->raw.v[i].name, "values.yaml") != 0) continue;
            kz_buf_append(out, c->raw.v[i].data, c->raw.v[i].len);
            kz_buf_putc(out, '\n');
        }
    }
    if (all || what == KZ_SHOW_README) {
        const kz_chart_file *readme = find_readme(c);
        if (readme) {
            if (all) kz_buf_puts(out, "---\n");
            kz_buf_append(out, readme->data, readme->len);
            kz_buf_putc(out, '\n');
        }
    }
    if (all || what == KZ_SHOW_CRDS) {
        const kz_chart_file **crds = NULL;
        size_t n = 0, cap = 0;
        collect_crds(c, &crds, &n, &cap);
        if (n && all && !(crds[0]->len >= 3 && memcmp(crds[0]->data, "---", 3) == 0)) kz_buf_puts(out, "---\n");
        for (size_t i = 0; i < n; i++) {
            kz_buf_append(out, crds[i]->data, crds[i]->len);
            kz_buf_putc(out, '\n');
        }
        free(crds);
    }
    return kz_null();
}
