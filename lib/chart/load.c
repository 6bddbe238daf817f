/*
 * Loading charts: Helm's loader.Load, LoadDir and LoadFiles (see chart.h).
 * Archives are read in archive.c; Chart.yaml is decoded in metadata.c.
 */
/* realpath is XSI, not in _POSIX_C_SOURCE; d_type and DT_* of struct
 * dirent are BSD, in _DEFAULT_SOURCE. */
#define _XOPEN_SOURCE 700
#define _DEFAULT_SOURCE
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "chart/chart.h"
#include "chart/helmignore.h"
#include "core/alloc.h"
#include "core/buf.h"
#include "core/file.h"
#include "yaml/parse.h"

/* Go's wording of an errno (core/file.h). */
static const char *go_strerror(int e) {
    static _Thread_local char buf[128];
    return kz_errno_text(e, buf, sizeof buf);
}

/* ---- file lists ---- */

void kz_chart_files_push(kz_chart_files *fs, char *name, char *data, size_t len) {
    if (fs->len == fs->cap) {
        fs->cap = kz_grow_cap(fs->cap, fs->len + 1);
        fs->v = kz_xrealloc(fs->v, fs->cap * sizeof *fs->v);
    }
    fs->v[fs->len++] = (kz_chart_file){name, data, len, false};
}

/* f's data, seen from another list too: the raw list keeps owning it. */
static void push_shared(kz_chart_files *fs, const kz_chart_file *f) {
    kz_chart_files_push(fs, kz_xstrdup(f->name), f->data, f->len);
    fs->v[fs->len - 1].borrowed = true;
}

void kz_chart_files_free(kz_chart_files *fs) {
    for (size_t i = 0; i < fs->len; i++) {
        free(fs->v[i].name);
        if (!fs->v[i].borrowed) free(fs->v[i].data);
    }
    free(fs->v);
    *fs = (kz_chart_files){0};
}

void kz_chart_free(kz_chart *c) {
    if (!c) return;
    /* parses read the raw texts: an enclosing chart's of ours, ours of
     * ours and of archive subcharts' (which take theirs back, so the
     * subcharts go before our ahead) */
    kz_chart_ahead_forget(c->joined, c->raw.v, c->raw.len);
    kz_chart_ahead_wait(c->ahead);
    for (size_t i = 0; i < c->ndeps; i++) kz_chart_free(c->deps[i]);
    free(c->deps);
    kz_chart_ahead_free(c->ahead);
    kz_free(c->metadata);
    free(c->name);
    free(c->version);
    free(c->type);
    free(c->api_version);
    free(c->values_raw);
    kz_free(c->values);
    free(c->schema);
    kz_free(c->lock);
    kz_chart_files_free(&c->templates);
    kz_chart_files_free(&c->files);
    kz_chart_files_free(&c->crds);
    kz_chart_files_free(&c->raw);
    kz_free(c->warnings);
    free(c->full_path);
    free(c);
}

char *kz_chart_full_path(const kz_chart *c) {
    if (c->full_path) return kz_xstrdup(c->full_path);
    if (!c->parent) return kz_xstrdup(c->name);
    char *up = kz_chart_full_path(c->parent);
    kz_buf b = KZ_BUF_INIT;
    kz_buf_printf(&b, "%s/charts/%s", up, c->name);
    free(up);
    return kz_buf_detach(&b, NULL);
}

/* ---- LoadFiles ---- */

static bool has_prefix(const char *s, const char *p) { return strncmp(s, p, strlen(p)) == 0; }

/* filepath.Ext: from the last '.' of the last element. */
static const char *path_ext(const char *s) {
    const char *dot = NULL;
    for (const char *p = s; *p; p++) {
        if (*p == '/') dot = NULL;
        else if (*p == '.') dot = p;
    }
    return dot ? dot : "";
}

static bool is_manifest_ext(const char *name) {
    const char *e = path_ext(name);
    return strcasecmp(e, ".yaml") == 0 || strcasecmp(e, ".yml") == 0 ||
           strcasecmp(e, ".json") == 0;
}

/* "cannot load F: " + the wording of sigs.k8s.io/yaml for a parse error. */
static kz_value load_error(const char *file, const kz_value *yerr, bool decode) {
    return kz_error("cannot load %s: %s%s", file,
                    decode ? "error unmarshaling JSON: while decoding JSON: "
                           : "error converting YAML to JSON: ",
                    kz_error_message(yerr));
}

kz_value kz_chart_parse_yaml(const char *text, size_t len, const char *source) {
    kz_yaml_parse_opts o = {.schema = KZ_YAML_HELM, .source_name = source, .max_threads = 1,
                            .go_errors = true};
    return kz_yaml_parse_one(text, len, &o);
}

static kz_value parse_yaml(const kz_chart_file *f, const char *source) {
    return kz_chart_parse_yaml(f->data, f->len, source);
}

/* Decode a Chart.yaml or requirements.yaml file into *md. */
static kz_value decode_metadata(const kz_chart_file *f, kz_value *md) {
    kz_value doc = parse_yaml(f, f->name);
    if (!kz_is_valid(&doc)) {
        kz_value e = load_error(f->name, &doc, false);
        kz_free(doc);
        return e;
    }
    kz_value err = kz_invalid();
    int rc = kz_chart_metadata_decode(&doc, md, &err);
    kz_free(doc);
    if (rc < 0) {
        kz_value e = load_error(f->name, &err, true);
        kz_free(err);
        return e;
    }
    return kz_null();
}

static const char *md_str(const kz_value *md, const char *key) {
    const kz_value *v = kz_is_map(md) ? kz_map_getz(md, key) : NULL;
    return v ? kz_str(v) : "";
}

static void set_api_version_v1(kz_value *md) {
    kz_value doc = kz_map();
    kz_map_setz(&doc, "apiVersion", kz_string("v1"));
    kz_value err = kz_invalid();
    kz_chart_metadata_decode(&doc, md, &err);
    kz_free(doc);
}

/* A subchart's files, collected under its name in charts/. */
typedef struct subchart {
    char *name;
    kz_chart_files files;
} subchart;

typedef struct subcharts {
    subchart *v;
    size_t len, cap;
} subcharts;

static kz_chart_files *sub_files(subcharts *s, const char *name, size_t n) {
    for (size_t i = 0; i < s->len; i++) {
        if (strlen(s->v[i].name) == n && memcmp(s->v[i].name, name, n) == 0) return &s->v[i].files;
    }
    if (s->len == s->cap) {
        s->cap = kz_grow_cap(s->cap, s->len + 1);
        s->v = kz_xrealloc(s->v, s->cap * sizeof *s->v);
    }
    s->v[s->len] = (subchart){kz_xstrndup(name, n), {0}};
    return &s->v[s->len++].files;
}

static int sub_cmp(const void *a, const void *b) {
    return strcmp(((const subchart *)a)->name, ((const subchart *)b)->name);
}

static void subcharts_free(subcharts *s) {
    for (size_t i = 0; i < s->len; i++) {
        free(s->v[i].name);
        kz_chart_files_free(&s->v[i].files);
    }
    free(s->v);
}

/* Chart.yaml as the walk read and decoded it before the walk (to name the
 * values.yaml it parses early): its bytes and its metadata. */
typedef struct early_metadata {
    const char *text;
    kz_value metadata;
} early_metadata;

static kz_value load_files(kz_chart_file *files, size_t n, const kz_chart_load_opts *opts,
                           kz_value warnings, kz_chart_ahead *ahead, const early_metadata *early,
                           kz_chart **out);

/* Load one subchart (Helm's loop over the charts/ map); NULL result for a
 * skipped name. */
static kz_value load_subchart(kz_chart *c, subchart *s, const kz_chart_load_opts *opts,
                              kz_chart **sc) {
    *sc = NULL;
    const char *n = s->name;
    if (n[0] == '_' || n[0] == '.') return kz_null();
    kz_value err;
    /* Subcharts' templates are parsed with the nearest enclosing chart's */
    kz_chart_load_opts sub = opts ? *opts : (kz_chart_load_opts){0};
    sub.join_ahead = c->ahead ? c->ahead : sub.join_ahead;
    if (strcmp(path_ext(n), ".tgz") == 0) {
        kz_chart_file *f = &s->files.v[0];
        if (strcmp(f->name, n) != 0) {
            return kz_error("error unpacking subchart tar in %s: expected %s, got %s", c->name, n,
                            f->name);
        }
        if (!sub.parse_ahead && sub.join_ahead) sub.parse_ahead = kz_chart_ahead_funcs(sub.join_ahead);
        err = kz_chart_load_archive(f->data, f->len, &sub, sc);
    } else {
        /* Drop the subchart's folder; a file right in charts/ has none. */
        kz_chart_files kept = {0};
        for (size_t i = 0; i < s->files.len; i++) {
            kz_chart_file *f = &s->files.v[i];
            const char *slash = strchr(f->name, '/');
            if (!slash) continue;
            kz_chart_files_push(&kept, kz_xstrdup(slash + 1), f->data, f->len);
            kept.v[kept.len - 1].borrowed = f->borrowed;
            f->data = NULL;
        }
        /* its templates are among the parent's parsed ahead */
        sub.parse_ahead = NULL;
        err = load_files(kept.v, kept.len, &sub, kz_seq(), NULL, NULL, sc);
        for (size_t i = 0; i < kept.len; i++) free(kept.v[i].name);
        free(kept.v);
    }
    if (!kz_is_null(&err)) {
        kz_value e = kz_error("error unpacking subchart %s in %s: %s", n, c->name, kz_error_message(&err));
        kz_free(err);
        return e;
    }
    return err;
}

/* Sort one file into its place (Helm's second pass over the files). */
static kz_value place_file(kz_chart *c, kz_chart_file *f, bool *have_md, subcharts *subs) {
    const char *name = f->name;
    if (strcmp(name, "Chart.yaml") == 0) return kz_null();
    if (strcmp(name, "Chart.lock") == 0 || strcmp(name, "requirements.lock") == 0) {
        kz_value lock = parse_yaml(f, name);
        if (!kz_is_valid(&lock)) {
            kz_value e = load_error(name, &lock, false);
            kz_free(lock);
            return e;
        }
        kz_value derr = kz_invalid();
        if (kz_chart_lock_check(&lock, &derr) < 0) {
            kz_value e = load_error(name, &derr, true);
            kz_free(derr);
            kz_free(lock);
            return e;
        }
        kz_free(c->lock);
        c->lock = lock;
        if (strcmp(name, "requirements.lock") == 0) {
            if (!*have_md) *have_md = true, c->metadata = kz_map();
            if (strcmp(md_str(&c->metadata, "apiVersion"), "v1") == 0)
                push_shared(&c->files, f);
            else /* Helm still reads it, but says so */
                kz_seq_push(&c->warnings,
                            kz_string("load.go:138: Warning: Dependency locking is handled in "
                                      "Chart.lock since apiVersion \"v2\". We recommend "
                                      "migrating to Chart.lock."));
        }
        return kz_null();
    }
    if (strcmp(name, "values.yaml") == 0) {
        /* Errors name the file as Helm does; values keep "<chart>/values.yaml". */
        kz_buf src = KZ_BUF_INIT;
        kz_buf_printf(&src, "%s/values.yaml", md_str(&c->metadata, "name"));
        kz_value v;
        if (!kz_chart_ahead_take_values(c->ahead, f->data, f->len, kz_buf_cstr(&src), &v))
            v = parse_yaml(f, kz_buf_cstr(&src));
        kz_buf_free(&src);
        if (!kz_is_valid(&v)) {
            kz_value e = load_error(name, &v, false);
            kz_free(v);
            return e;
        }
        if (!kz_is_map(&v) && !kz_is_null(&v)) {
            kz_value e = kz_error("cannot load values.yaml: error unmarshaling JSON: while decoding "
                                  "JSON: json: cannot unmarshal %s into Go value of type "
                                  "map[string]interface {}",
                                  kz_is_seq(&v) ? "array" : kz_is_string(&v) ? "string"
                                                          : kz_kind_of(&v) == KZ_BOOL ? "bool"
                                                                                      : "number");
            kz_free(v);
            return e;
        }
        kz_free(c->values);
        c->values = v;
        free(c->values_raw);
        c->values_raw = kz_xmalloc(f->len + 1);
        memcpy(c->values_raw, f->data, f->len + 1);
        c->values_raw_len = f->len;
        return kz_null();
    }
    if (strcmp(name, "values.schema.json") == 0) {
        free(c->schema);
        c->schema = kz_xmalloc(f->len + 1);
        memcpy(c->schema, f->data, f->len + 1);
        c->schema_len = f->len;
        return kz_null();
    }
    if (strcmp(name, "requirements.yaml") == 0) {
        if (!*have_md) *have_md = true, c->metadata = kz_map();
        if (strcmp(md_str(&c->metadata, "apiVersion"), "v1") != 0) {
            kz_seq_push(&c->warnings,
                        kz_string("load.go:120: Warning: Dependencies are handled in Chart.yaml "
                                  "since apiVersion \"v2\". We recommend migrating dependencies "
                                  "to Chart.yaml."));
        }
        kz_value e = decode_metadata(f, &c->metadata);
        if (!kz_is_null(&e)) return e;
        if (strcmp(md_str(&c->metadata, "apiVersion"), "v1") == 0) push_shared(&c->files, f);
        return kz_null();
    }
    if (has_prefix(name, "templates/")) {
        push_shared(&c->templates, f);
        return kz_null();
    }
    if (has_prefix(name, "charts/")) {
        if (strcmp(path_ext(name), ".prov") == 0) {
            push_shared(&c->files, f);
            return kz_null();
        }
        const char *rest = name + strlen("charts/");
        const char *slash = strchr(rest, '/');
        size_t cn = slash ? (size_t)(slash - rest) : strlen(rest);
        kz_chart_file copy = {(char *)rest, f->data, f->len, f->borrowed};
        push_shared(sub_files(subs, rest, cn), &copy);
        return kz_null();
    }
    push_shared(&c->files, f);
    if (has_prefix(name, "crds/") && is_manifest_ext(name)) push_shared(&c->crds, f);
    return kz_null();
}

/* `ahead`: the parses a folder's walk started (the chart takes it over), or
 * NULL. */
static void give_failed_warnings(const kz_chart_load_opts *opts, kz_value warnings);

/* A load that fails: Helm had logged the warnings met so far (the walk's,
 * the files', the loaded subcharts', then those of the subchart that failed,
 * which it left in failed_warnings when child is set). They move there;
 * c->warnings is left invalid. */
static void keep_warnings(kz_chart *c, const kz_chart_load_opts *opts, bool child) {
    kz_value w = c->warnings;
    c->warnings = kz_invalid();
    if (child && opts && opts->failed_warnings) {
        const kz_value *cw = opts->failed_warnings;
        for (size_t k = 0; kz_is_seq(cw) && k < kz_len(cw); k++) kz_seq_push(&w, kz_copy(kz_seq_at(cw, k)));
    }
    give_failed_warnings(opts, w);
}

static kz_value load_files(kz_chart_file *files, size_t n, const kz_chart_load_opts *opts,
                           kz_value warnings, kz_chart_ahead *ahead, const early_metadata *early,
                           kz_chart **out) {
    *out = NULL;
    kz_chart *c = kz_xcalloc(1, sizeof *c);
    c->ahead = ahead;
    c->metadata = kz_invalid();
    c->values = kz_null();
    c->lock = kz_invalid();
    c->warnings = warnings;
    bool have_md = false;
    kz_value err = kz_null();
    subcharts subs = {0};

    /* The files' buffers move into c->raw (the chart owns them from here,
     * on errors too, unless they are borrowed from a parent's raw list);
     * templates, files and CRDs are views of them. */
    for (size_t i = 0; i < n; i++) {
        kz_chart_files_push(&c->raw, files[i].name, files[i].data, files[i].len);
        c->raw.v[i].borrowed = files[i].borrowed;
    }

    /* an archive: the files are all here now */
    if (!c->ahead && opts && opts->parse_ahead) {
        if (kz_chart_ahead_join(opts->join_ahead, c->raw.v, c->raw.len, opts->parse_ahead))
            c->joined = opts->join_ahead;
        else
            c->ahead = kz_chart_ahead_start(c->raw.v, c->raw.len, opts->parse_ahead);
    }

    /* Chart.yaml first, wherever it is: later files depend on its apiVersion. */
    for (size_t i = 0; i < n; i++) {
        if (strcmp(files[i].name, "Chart.yaml") != 0) continue;
        if (early && early->text == files[i].data && !have_md) {
            have_md = true;
            c->metadata = kz_copy(&early->metadata);
        } else {
            if (!have_md) have_md = true, c->metadata = kz_map();
            err = decode_metadata(&files[i], &c->metadata);
            if (!kz_is_null(&err)) goto done;
        }
        if (!*md_str(&c->metadata, "apiVersion")) set_api_version_v1(&c->metadata);
    }
    for (size_t i = 0; i < n; i++) {
        err = place_file(c, &files[i], &have_md, &subs);
        if (!kz_is_null(&err)) goto done;
    }
    if (!have_md) {
        err = kz_error("Chart.yaml file is missing");
        goto done;
    }
    err = kz_chart_metadata_validate(&c->metadata);
    if (!kz_is_null(&err)) goto done;
    c->name = kz_xstrdup(md_str(&c->metadata, "name"));
    c->version = kz_xstrdup(md_str(&c->metadata, "version"));
    c->type = kz_xstrdup(md_str(&c->metadata, "type"));
    c->api_version = kz_xstrdup(md_str(&c->metadata, "apiVersion"));

    /* Helm walks a Go map (random order); kz takes the names in order. */
    if (subs.len > 1) qsort(subs.v, subs.len, sizeof *subs.v, sub_cmp);
    for (size_t i = 0; i < subs.len; i++) {
        kz_chart *sc;
        if (opts && opts->failed_warnings) give_failed_warnings(opts, kz_seq());
        err = load_subchart(c, &subs.v[i], opts, &sc);
        if (!kz_is_null(&err)) {
            keep_warnings(c, opts, true);
            goto done;
        }
        if (!sc) continue;
        sc->parent = c;
        for (size_t k = 0; k < kz_len(&sc->warnings); k++) {
            kz_seq_push(&c->warnings, kz_copy(kz_seq_at(&sc->warnings, k)));
        }
        c->deps = kz_xrealloc(c->deps, (c->ndeps + 1) * sizeof *c->deps);
        c->deps[c->ndeps++] = sc;
    }
done:
    subcharts_free(&subs);
    for (size_t i = 0; i < n; i++) files[i].name = files[i].data = NULL; /* c->raw's now */
    if (!kz_is_null(&err)) {
        if (kz_is_seq(&c->warnings)) keep_warnings(c, opts, false);
        kz_chart_free(c);
        return err;
    }
    *out = c;
    return err;
}

kz_value kz_chart_load_files(kz_chart_file *files, size_t n, const kz_chart_load_opts *opts,
                             kz_chart **out) {
    return load_files(files, n, opts, kz_seq(), NULL, NULL, out);
}

/* ---- LoadDir ---- */

static size_t max_file(const kz_chart_load_opts *o) {
    return o && o->max_file_size ? o->max_file_size : KZ_CHART_MAX_FILE_SIZE;
}

typedef struct walker {
    const kz_helmignore *rules;
    size_t top_len; /* length of "topdir/" */
    size_t max_file;
    kz_chart_files files;
    kz_value warnings;
    kz_chart_ahead *ahead; /* files are handed to it as they are read */
    char *early_values;    /* values.yaml, read before the walk (ahead parses it) */
    size_t early_values_len;
    char *early_chart_yaml;       /* Chart.yaml, read before the walk for the chart's name */
    size_t early_chart_yaml_len;  /* (the walk takes these bytes instead of reading the file) */
    const char *early_chart_text; /* those bytes while the walk's files hold them, else NULL */
    kz_value early_metadata;      /* their decoding, kz_invalid() if none */
} walker;

/* A directory entry with the type readdir reports (DT_UNKNOWN if the file
 * system doesn't say). */
typedef struct dir_entry {
    char *name;
    unsigned char type;
} dir_entry;

static int entry_cmp(const void *a, const void *b) {
    return strcmp(((const dir_entry *)a)->name, ((const dir_entry *)b)->name);
}

/* Sorted entries of a directory (Go's readDirNames). */
static kz_value read_dir_entries(const char *path, dir_entry **entries, size_t *n) {
    *entries = NULL;
    *n = 0;
    DIR *d = opendir(path);
    if (!d) return kz_error("open %s: %s", path, go_strerror(errno));
    size_t cap = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
        if (*n == cap) {
            cap = kz_grow_cap(cap, *n + 1);
            *entries = kz_xrealloc(*entries, cap * sizeof **entries);
        }
        (*entries)[(*n)++] = (dir_entry){kz_xstrdup(e->d_name), e->d_type};
    }
    closedir(d);
    if (*n > 1) qsort(*entries, *n, sizeof **entries, entry_cmp);
    return kz_null();
}

static const char *base_name(const char *p) {
    const char *s = strrchr(p, '/');
    return s ? s + 1 : p;
}

/* Helm's walk function for one path with its (link-resolved) status. */
static kz_value visit(walker *w, const char *path, const struct stat *st);

/* dest without its last component ("/a/b" -> "/a", "/a" -> "/", "a" -> ""). */
static void drop_last(kz_buf *dest) {
    size_t r = dest->len;
    while (r > 0 && dest->data[r - 1] != '/') r--;
    if (r == 1) dest->len = 1; /* keep the root */
    else if (r > 0) dest->len = r - 1;
    else dest->len = 0;
    if (dest->data) dest->data[dest->len] = '\0';
}

/* Go's filepath.EvalSymlinks: the path is walked one
 * component at a time from the resolved prefix (so the kernel's limit of 40
 * links per lookup never applies; Go stops at 255), each link's target
 * spliced in. kz_null() and *out (the caller's), or Go's error: "lstat
 * DEST: ..." for a component that is missing, naming it as resolved so far. */
static kz_value eval_symlinks(const char *path, char **out) {
    kz_buf rest = KZ_BUF_INIT, dest = KZ_BUF_INIT;
    kz_buf_puts(&rest, path);
    if (path[0] == '/') kz_buf_putc(&dest, '/'); /* (a relative path stays relative) */
    kz_value err = kz_null();
    int links = 0;
    size_t start = 0, end = 0;
    while (kz_is_null(&err) && start < rest.len) {
        const char *p = rest.data;
        while (start < rest.len && p[start] == '/') start++;
        for (end = start; end < rest.len && p[end] != '/';) end++;
        size_t n = end - start;
        if (n == 0) break;
        if (n == 1 && p[start] == '.') {
            start = end;
            continue;
        }
        if (n == 2 && p[start] == '.' && p[start + 1] == '.') {
            drop_last(&dest);
            start = end;
            continue;
        }
        if (dest.len && dest.data[dest.len - 1] != '/') kz_buf_putc(&dest, '/');
        kz_buf_append(&dest, p + start, n);
        struct stat st;
        if (lstat(kz_buf_cstr(&dest), &st) != 0) {
            err = kz_error("lstat %s: %s", kz_buf_cstr(&dest), go_strerror(errno));
            break;
        }
        if (!S_ISLNK(st.st_mode)) {
            if (!S_ISDIR(st.st_mode) && end < rest.len) err = kz_error("%s", go_strerror(ENOTDIR));
            start = end;
            continue;
        }
        if (++links > 255) {
            err = kz_error("EvalSymlinks: too many links");
            break;
        }
        char target[PATH_MAX];
        ssize_t tn = readlink(kz_buf_cstr(&dest), target, sizeof target - 1);
        if (tn < 0) {
            err = kz_error("readlink %s: %s", kz_buf_cstr(&dest), go_strerror(errno));
            break;
        }
        kz_buf next = KZ_BUF_INIT; /* the link's target, then what followed the link */
        kz_buf_append(&next, target, (size_t)tn);
        kz_buf_append(&next, p + end, rest.len - end);
        kz_buf_free(&rest);
        rest = next;
        if (tn > 0 && target[0] == '/') {
            kz_buf_clear(&dest);
            kz_buf_putc(&dest, '/');
        } else {
            drop_last(&dest);
        }
        start = 0;
    }
    if (kz_is_null(&err)) *out = kz_chart_path_clean(kz_buf_cstr(&dest));
    kz_buf_free(&rest);
    kz_buf_free(&dest);
    return err;
}

/* sympath.Walk's step: resolve a symlink, then visit. readdir's type spares
 * the lstat(2) of plain files and folders (a chart is mostly those); their
 * size is then checked when the file is opened (st_size -1: not known yet). */
static kz_value walk(walker *w, const char *path, unsigned char type) {
    struct stat st;
    if (type == DT_REG || type == DT_DIR) {
        memset(&st, 0, sizeof st);
        st.st_mode = type == DT_REG ? S_IFREG : S_IFDIR;
        st.st_size = -1;
        return visit(w, path, &st);
    }
    if (lstat(path, &st) != 0) return kz_error("lstat %s: %s", path, go_strerror(errno));
    if (S_ISLNK(st.st_mode)) {
        char *resolved = NULL;
        kz_value e = eval_symlinks(path, &resolved);
        if (!kz_is_null(&e)) {
            kz_value wrapped = kz_error("error evaluating symlink %s: %s", path, kz_error_message(&e));
            kz_free(e);
            return wrapped;
        }
        kz_seq_push(&w->warnings,
                    kz_string_fmt("walk.go:75: found symbolic link in path: %s resolves to %s. "
                                  "Contents of linked file included and used",
                                  path, resolved));
        int rc = lstat(resolved, &st);
        free(resolved);
        if (rc != 0) return kz_error("lstat %s: %s", path, go_strerror(errno));
    }
    return visit(w, path, &st);
}

static kz_value too_big(const char *path, size_t max) {
    return kz_error("chart file \"%s\" is larger than the maximum file size %zu", base_name(path), max);
}

/* A chart file's bytes (NUL-terminated, a UTF-8 byte order mark dropped),
 * or Helm's error: kz_null() and *data the caller's. */
static kz_value read_chart_file(const char *path, const char *rel, size_t max, char **data, size_t *len) {
    kz_buf b = KZ_BUF_INIT;
    kz_value err = kz_invalid();
    int rc = kz_file_read_max(path, max, &b, &err);
    if (rc == -2) {
        kz_buf_free(&b);
        kz_free(err);
        return too_big(path, max);
    }
    if (rc < 0) {
        kz_value e = kz_error("error reading %s: %s", rel, kz_error_message(&err));
        kz_free(err);
        kz_buf_free(&b);
        return e;
    }
    *data = kz_buf_detach(&b, len);
    if (*len >= 3 && memcmp(*data, "\xEF\xBB\xBF", 3) == 0) {
        memmove(*data, *data + 3, *len - 2);
        *len -= 3;
    }
    return kz_null();
}

static kz_value visit(walker *w, const char *path, const struct stat *st) {
    const char *rel = strlen(path) > w->top_len ? path + w->top_len : "";
    bool is_dir = S_ISDIR(st->st_mode);
    if (*rel) {
        if (kz_helmignore_ignore(w->rules, rel, is_dir)) return kz_null();
        if (!is_dir) {
            if (!S_ISREG(st->st_mode)) {
                return kz_error("cannot load irregular file %s as it has file mode type bits set",
                                path);
            }
            if (st->st_size >= 0 && (size_t)st->st_size > w->max_file) return too_big(path, w->max_file);
            char *data = NULL;
            size_t len = 0;
            if (w->early_values && strcmp(rel, "values.yaml") == 0) {
                data = w->early_values, len = w->early_values_len;
                w->early_values = NULL;
            } else if (w->early_chart_yaml && strcmp(rel, "Chart.yaml") == 0) {
                data = w->early_chart_yaml, len = w->early_chart_yaml_len;
                w->early_chart_yaml = NULL;
                w->early_chart_text = data;
            } else {
                kz_value e = read_chart_file(path, rel, w->max_file, &data, &len);
                if (!kz_is_null(&e)) return e;
            }
            char *name = kz_xstrdup(rel);
            kz_chart_files_push(&w->files, name, data, len);
            kz_chart_ahead_add(w->ahead, name, data, len);
            return kz_null();
        }
    }
    if (!is_dir) return kz_null();
    dir_entry *entries;
    size_t n;
    kz_value err = read_dir_entries(path, &entries, &n);
    for (size_t i = 0; i < n; i++) {
        if (kz_is_null(&err)) {
            kz_buf child = KZ_BUF_INIT;
            kz_buf_printf(&child, "%s%s%s", path, path[strlen(path) - 1] == '/' ? "" : "/",
                          entries[i].name);
            err = walk(w, kz_buf_cstr(&child), entries[i].type);
            kz_buf_free(&child);
        }
        free(entries[i].name);
    }
    free(entries);
    return err;
}


/* Helm logged the walk's warnings as it went: a failure keeps them. */
static void give_failed_warnings(const kz_chart_load_opts *opts, kz_value warnings) {
    if (opts && opts->failed_warnings) {
        kz_free(*opts->failed_warnings);
        *opts->failed_warnings = warnings;
    } else {
        kz_free(warnings);
    }
}

/* A plain file right in the chart folder that the walk will read (not
 * ignored, not a link, not too big): its bytes, or NULL. */
static char *read_early(const walker *w, const char *top, const char *name, size_t *len) {
    if (kz_helmignore_ignore(w->rules, name, false)) return NULL;
    kz_buf path = KZ_BUF_INIT;
    kz_buf_printf(&path, "%s/%s", strcmp(top, "/") == 0 ? "" : top, name);
    struct stat st;
    char *data = NULL;
    if (lstat(kz_buf_cstr(&path), &st) == 0 && S_ISREG(st.st_mode) && (size_t)st.st_size <= w->max_file) {
        kz_value err = read_chart_file(kz_buf_cstr(&path), name, w->max_file, &data, len);
        if (!kz_is_null(&err)) data = NULL; /* the walk meets it again and reports it in its turn */
        kz_free(err);
    }
    kz_buf_free(&path);
    return data;
}

/* values.yaml is the last file of the walk, and the loader parses it as soon
 * as the walk is done, waiting for nothing else: read it first and let the
 * other core parse it during the walk. The parse is named after the chart
 * (Chart.yaml's name, as load_files will read it); the walk then takes
 * these bytes instead of reading the file, so the loader finds the parse.
 * Chart.yaml is kept too: the walk takes its bytes, and load_files the
 * metadata decoded here (a YAML parse of its own otherwise). */
static void start_values_early(walker *w, const char *top) {
    if (!w->ahead) return;
    size_t len;
    char *chart_yaml = read_early(w, top, "Chart.yaml", &len);
    if (!chart_yaml) return;
    kz_chart_file f = {"Chart.yaml", chart_yaml, len, false};
    kz_value md = kz_map();
    kz_value err = decode_metadata(&f, &md);
    if (kz_is_null(&err)) {
        w->early_chart_yaml = chart_yaml, w->early_chart_yaml_len = len;
        w->early_metadata = kz_copy(&md);
        chart_yaml = NULL;
        w->early_values = read_early(w, top, "values.yaml", &w->early_values_len);
        if (w->early_values) {
            kz_buf source = KZ_BUF_INIT;
            kz_buf_printf(&source, "%s/values.yaml", md_str(&md, "name"));
            kz_chart_ahead_add_values(w->ahead, w->early_values, w->early_values_len, kz_buf_cstr(&source));
            kz_buf_free(&source);
        }
    }
    kz_free(err);
    kz_free(md);
    free(chart_yaml);
}

kz_value kz_chart_load_dir(const char *path, const kz_chart_load_opts *opts, kz_chart **out) {
    *out = NULL;
    char *top = kz_chart_path_abs(path);
    kz_helmignore *rules = NULL;
    kz_buf ipath = KZ_BUF_INIT;
    kz_buf_printf(&ipath, "%s/.helmignore", strcmp(top, "/") == 0 ? "" : top);
    struct stat st;
    if (stat(kz_buf_cstr(&ipath), &st) == 0) {
        kz_buf data = KZ_BUF_INIT;
        kz_value err = kz_invalid();
        if (kz_file_read(kz_buf_cstr(&ipath), &data, &err) == 0) {
            rules = kz_helmignore_parse(data.data ? data.data : "", data.len, &err);
        }
        kz_buf_free(&data);
        if (!rules) {
            kz_buf_free(&ipath);
            free(top);
            return err;
        }
    } else {
        rules = kz_helmignore_new();
    }
    kz_buf_free(&ipath);
    kz_helmignore_add_defaults(rules);

    walker w = {.rules = rules, .top_len = strlen(top) + (strcmp(top, "/") == 0 ? 0 : 1),
                .max_file = max_file(opts), .warnings = kz_seq(), .early_metadata = kz_invalid()};
    if (opts && opts->parse_ahead) {
        w.ahead = kz_chart_ahead_open(opts->parse_ahead);
        start_values_early(&w, top);
    }
    /* The root is stat'ed through a link (Helm walks "topdir/"). */
    kz_value err = stat(top, &st) == 0 ? visit(&w, top, &st)
                                       : kz_error("lstat %s: %s", top, go_strerror(errno));
    kz_helmignore_free(rules);
    free(top);
    if (w.early_values) { /* the walk did not take it: its parse must end first */
        kz_chart_ahead_wait(w.ahead);
        free(w.early_values);
    }
    free(w.early_chart_yaml); /* the walk did not take it */
    if (!kz_is_null(&err)) {
        kz_free(w.early_metadata);
        kz_chart_ahead_free(w.ahead); /* its parses read the files */
        kz_chart_files_free(&w.files);
        give_failed_warnings(opts, w.warnings);
        return err;
    }
    early_metadata early = {w.early_chart_text, w.early_metadata};
    err = load_files(w.files.v, w.files.len, opts, kz_copy(&w.warnings), w.ahead, &early, out);
    kz_free(w.early_metadata);
    free(w.files.v);
    kz_free(w.warnings); /* a failed load_files left its own (these among them) */
    return err;
}

/* ---- Load ---- */

kz_value kz_chart_load(const char *path, const kz_chart_load_opts *opts, kz_chart **out) {
    *out = NULL;
    struct stat st;
    if (stat(path, &st) != 0) return kz_error("stat %s: %s", path, go_strerror(errno));
    if (S_ISDIR(st.st_mode)) return kz_chart_load_dir(path, opts, out);
    return kz_chart_load_file(path, opts, out);
}

kz_value kz_chart_load_logged(const char *path, bool dir_only, kz_buf *log, kz_chart **out) {
    kz_value failed = kz_seq();
    kz_chart_load_opts opts = {.failed_warnings = &failed};
    kz_value err = dir_only ? kz_chart_load_dir(path, &opts, out) : kz_chart_load(path, &opts, out);
    const kz_value *w = kz_is_null(&err) ? &(*out)->warnings : &failed;
    for (size_t i = 0; log && i < kz_len(w); i++) kz_buf_printf(log, "%s\n", kz_str(kz_seq_at(w, i)));
    kz_free(failed);
    return err;
}
