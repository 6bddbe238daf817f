/*
 * hm package: see package.h. The archive is written with libarchive, into
 * memory first, then to the file in one go (no half-written archive is left
 * behind on an error).
 */
#include "chart/package.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "chart/deps.h"
#include "core/alloc.h"
#include "core/file.h"
#include "core/gotime.h"
#include "json/json.h"
#include "semver/semver.h"
#include "yaml/emit.h"

static kz_value errno_error(const char *op, const char *path, int e) {
    char reason[128];
    return kz_error("%s %s: %s", op, path, kz_errno_text(e, reason, sizeof reason));
}

/* Go's filepath.Join of two elements (cleaned). Caller frees. */
static char *join(const char *a, const char *b) {
    kz_buf j = KZ_BUF_INIT;
    kz_buf_printf(&j, "%s/%s", a, b);
    char *r = kz_chart_path_clean(kz_buf_cstr(&j));
    kz_buf_free(&j);
    return r;
}

/* ---- the archive ---- */

static la_ssize_t to_buf(struct archive *a, void *ctx, const void *data, size_t n) {
    (void)a;
    kz_buf_append(ctx, data, n);
    return (la_ssize_t)n;
}

static kz_value la_error(struct archive *a) {
    const char *m = archive_error_string(a);
    return kz_error("%s", m ? m : "archive error");
}

static kz_value add_entry(struct archive *a, const char *name, const char *data, size_t len, int64_t mtime) {
    struct archive_entry *e = archive_entry_new();
    archive_entry_set_pathname(e, name);
    archive_entry_set_filetype(e, AE_IFREG);
    archive_entry_set_perm(e, 0644);
    archive_entry_set_size(e, (la_int64_t)len);
    archive_entry_set_mtime(e, (time_t)mtime, 0);
    archive_entry_set_uid(e, 0);
    archive_entry_set_gid(e, 0);
    kz_value err = kz_null();
    if (archive_write_header(a, e) != ARCHIVE_OK) err = la_error(a);
    else if (len && archive_write_data(a, data, len) != (la_ssize_t)len) err = la_error(a);
    archive_entry_free(e);
    return err;
}

static kz_value add_yaml(struct archive *a, const char *name, const kz_value *doc, int64_t mtime) {
    kz_buf y = KZ_BUF_INIT;
    kz_value err = kz_null();
    if (kz_yaml_emit_checked(&y, doc, &err) == 0) err = add_entry(a, name, y.data ? y.data : "", y.len, mtime);
    kz_buf_free(&y);
    return err;
}

/* A Chart.lock as Helm re-encodes its Lock struct: dependencies decoded as
 * Chart.yaml's are, digest, and generated as Go prints a time.Time. */
static kz_value lock_doc(const kz_value *lock) {
    kz_value doc = kz_map();
    const kz_value *deps = kz_map_getz(lock, "dependencies");
    kz_value decoded = kz_null();
    if (deps && kz_is_seq(deps)) {
        kz_value tmp = kz_map(), md = kz_null(), err = kz_null();
        kz_map_setz(&tmp, "dependencies", kz_copy(deps));
        if (kz_chart_metadata_decode(&tmp, &md, &err) == 0) {
            const kz_value *d = kz_map_getz(&md, "dependencies");
            if (d) decoded = kz_copy(d);
        }
        kz_free(tmp), kz_free(md), kz_free(err);
    }
    kz_map_setz(&doc, "dependencies", decoded);
    const kz_value *digest = kz_map_getz(lock, "digest");
    kz_map_setz(&doc, "digest", digest && kz_is_string(digest) ? kz_copy(digest) : kz_string(""));
    const kz_value *gen = kz_map_getz(lock, "generated");
    kz_value t = kz_invalid();
    if (gen && kz_is_string(gen)) {
        static const char rfc3339[] = "2006-01-02T15:04:05Z07:00";
        t = kz_gotime_parse(rfc3339, sizeof rfc3339 - 1, kz_str(gen), kz_str_len(gen));
    }
    if (!kz_gotime_is(&t)) {
        kz_free(t);
        t = kz_gotime_zero();
    }
    kz_buf text = KZ_BUF_INIT;
    kz_gotime_rfc3339nano(&t, &text);
    kz_map_setz(&doc, "generated", kz_string(kz_buf_cstr(&text)));
    kz_buf_free(&text);
    kz_free(t);
    return doc;
}

/* Helm's writeTarContents: one chart under prefix, then its subcharts. */
static kz_value write_chart(struct archive *a, const kz_chart *c, const char *prefix, int64_t mtime) {
    char *base = prefix ? join(prefix, c->name) : kz_xstrdup(c->name);
    kz_buf name = KZ_BUF_INIT;
    kz_value err = kz_null();
    bool v1 = strcmp(c->api_version, "v1") == 0;

    /* Chart.yaml; a v1 chart's dependencies live in requirements.yaml. */
    kz_value md = kz_copy(&c->metadata);
    if (v1) kz_map_remove(&md, "dependencies", 12);
    kz_buf_printf(&name, "%s/Chart.yaml", base);
    err = add_yaml(a, kz_buf_cstr(&name), &md, mtime);
    kz_free(md);

    if (!kz_error_message(&err) && !v1 && strcmp(c->api_version, "v2") == 0 && kz_is_map(&c->lock)) {
        kz_value lock = lock_doc(&c->lock);
        kz_buf_clear(&name);
        kz_buf_printf(&name, "%s/Chart.lock", base);
        err = add_yaml(a, kz_buf_cstr(&name), &lock, mtime);
        kz_free(lock);
    }
    if (!kz_error_message(&err) && c->values_raw) {
        kz_buf_clear(&name);
        kz_buf_printf(&name, "%s/values.yaml", base);
        err = add_entry(a, kz_buf_cstr(&name), c->values_raw, c->values_raw_len, mtime);
    }
    if (!kz_error_message(&err) && c->schema) {
        kz_buf msg = KZ_BUF_INIT;
        if (kz_json_go_syntax_error(c->schema, c->schema_len, &msg)) {
            err = kz_error("Invalid JSON in values.schema.json");
        } else {
            kz_buf_clear(&name);
            kz_buf_printf(&name, "%s/values.schema.json", base);
            err = add_entry(a, kz_buf_cstr(&name), c->schema, c->schema_len, mtime);
        }
        kz_buf_free(&msg);
    }
    const kz_chart_files *lists[] = {&c->templates, &c->files};
    for (size_t l = 0; l < 2; l++)
        for (size_t i = 0; i < lists[l]->len && !kz_error_message(&err); i++) {
            const kz_chart_file *f = &lists[l]->v[i];
            kz_buf_clear(&name);
            kz_buf_printf(&name, "%s/%s", base, f->name);
            char *clean = kz_chart_path_clean(kz_buf_cstr(&name));
            err = add_entry(a, clean, f->data, f->len, mtime);
            free(clean);
        }
    kz_buf_clear(&name);
    kz_buf_printf(&name, "%s/charts", base);
    for (size_t d = 0; d < c->ndeps && !kz_error_message(&err); d++)
        err = write_chart(a, c->deps[d], kz_buf_cstr(&name), mtime);
    kz_buf_free(&name);
    free(base);
    return err;
}

/* Chart paths are UTF-8 (Go's strings), and libarchive converts a name from
 * the locale's charset to UTF-8 for its pax record: in the C locale a
 * non-ASCII name fails ("Can't translate pathname"). The archive is written
 * under a UTF-8 LC_CTYPE set for this thread only (uselocale), when the
 * system has one; the caller's locale is back on return. */
static kz_value write_archive(const kz_chart *c, int64_t mtime, kz_buf *out);

kz_value kz_chart_write_archive(const kz_chart *c, int64_t mtime, kz_buf *out) {
    locale_t utf8 = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
    locale_t old = utf8 ? uselocale(utf8) : (locale_t)0;
    kz_value err = write_archive(c, mtime, out);
    if (utf8) {
        uselocale(old);
        freelocale(utf8);
    }
    return err;
}

static kz_value write_archive(const kz_chart *c, int64_t mtime, kz_buf *out) {
    struct archive *a = archive_write_new();
    kz_value err = kz_null();
    /* ustar as Go's tar writer produces it; pax records only when needed. */
    if (archive_write_set_format_pax_restricted(a) != ARCHIVE_OK || archive_write_add_filter_gzip(a) != ARCHIVE_OK ||
        archive_write_set_filter_option(a, "gzip", "timestamp", NULL) != ARCHIVE_OK ||
        archive_write_set_bytes_in_last_block(a, 1) != ARCHIVE_OK ||
        archive_write_open(a, out, NULL, to_buf, NULL) != ARCHIVE_OK) {
        err = la_error(a);
    } else {
        err = write_chart(a, c, NULL, mtime);
        if (archive_write_close(a) != ARCHIVE_OK && !kz_error_message(&err)) err = la_error(a);
    }
    archive_write_free(a);
    return err;
}

/* ---- helm package ---- */

/* Helm's CheckDependencies: every dependency of Chart.yaml must be a loaded
 * subchart (by the subchart's own name). */
static kz_value check_dependencies(const kz_chart *c) {
    kz_buf missing = KZ_BUF_INIT;
    kz_value err = kz_null();
    if (kz_chart_missing_dependencies(c, &missing))
        err = kz_error("found in Chart.yaml, but missing in charts/ directory: %s", kz_buf_cstr(&missing));
    kz_buf_free(&missing);
    return err;
}

/* Set a metadata string field (and its mirror in the struct). */
static void set_field(kz_chart *c, const char *key, const char *value, char **mirror) {
    kz_map_setz(&c->metadata, key, kz_string(value));
    if (mirror) {
        free(*mirror);
        *mirror = kz_xstrdup(value);
    }
}

/* Go's os.MkdirAll(dir, 0755). */
static kz_value mkdir_all(const char *path) {
    struct stat st;
    if (stat(path, &st) == 0) return S_ISDIR(st.st_mode) ? kz_null() : errno_error("mkdir", path, ENOTDIR);
    const char *slash = strrchr(path, '/');
    if (slash && slash != path) {
        char *parent = kz_xmalloc((size_t)(slash - path) + 1);
        memcpy(parent, path, (size_t)(slash - path));
        parent[slash - path] = '\0';
        kz_value err = mkdir_all(parent);
        free(parent);
        if (kz_error_message(&err)) return err;
    }
    if (mkdir(path, 0755) != 0 && errno != EEXIST) return errno_error("mkdir", path, errno);
    return kz_null();
}

/* Helm's chartutil.Save after validation: the folder checks, then the file. */
static kz_value save(const kz_chart *c, const char *dest, int64_t mtime, char **saved) {
    kz_buf fname = KZ_BUF_INIT;
    kz_buf_printf(&fname, "%s-%s.tgz", c->name, c->version);
    char *path = join(dest, kz_buf_cstr(&fname));
    kz_buf_free(&fname);
    const char *slash = strrchr(path, '/');
    char *dir = slash ? kz_xmalloc((size_t)(slash - path) + 2) : kz_xstrdup(".");
    if (slash) {
        size_t n = slash == path ? 1 : (size_t)(slash - path);
        memcpy(dir, path, n);
        dir[n] = '\0';
    }
    kz_value err = kz_null();
    struct stat st;
    if (stat(dir, &st) != 0) {
        if (errno == ENOENT) err = mkdir_all(dir);
        else {
            char reason[128];
            err = kz_error("stat %s: stat %s: %s", dir, dir, kz_errno_text(errno, reason, sizeof reason));
        }
    } else if (!S_ISDIR(st.st_mode)) {
        err = kz_error("is not a directory: %s", dir);
    }
    kz_buf tgz = KZ_BUF_INIT;
    if (!kz_error_message(&err)) err = kz_chart_write_archive(c, mtime, &tgz);
    if (!kz_error_message(&err)) {
        FILE *f = fopen(path, "wb");
        if (!f) err = errno_error("open", path, errno);
        else {
            bool ok = fwrite(tgz.data, 1, tgz.len, f) == tgz.len;
            int e = errno;
            ok = fclose(f) == 0 && ok;
            if (!ok) {
                err = errno_error("write", path, e ? e : EIO);
                remove(path);
            }
        }
    }
    kz_buf_free(&tgz);
    free(dir);
    if (kz_error_message(&err)) free(path);
    else *saved = path;
    return err;
}

static kz_value package_chart(kz_chart *c, const kz_package_opts *o, char **saved) {
    if (o->version && *o->version) set_field(c, "version", o->version, &c->version);
    kz_semver v;
    kz_value err = kz_semver_parse(c->version, strlen(c->version), &v);
    if (kz_error_message(&err)) return err;
    kz_free(err);
    kz_semver_free(&v);
    if (o->app_version && *o->app_version) set_field(c, "appVersion", o->app_version, NULL);
    err = check_dependencies(c);
    if (kz_error_message(&err)) return err;

    char cwd[4096];
    const char *dest = o->destination && *o->destination ? o->destination : ".";
    if (strcmp(dest, ".") == 0) { /* Helm saves to os.Getwd(): the path printed is absolute */
        if (!getcwd(cwd, sizeof cwd)) return errno_error("getwd", ".", errno);
        dest = cwd;
    }
    /* chart.Validate (it also sanitizes what the flags set) */
    err = kz_chart_metadata_validate(&c->metadata);
    if (kz_error_message(&err)) {
        kz_value wrapped = kz_error("failed to save: chart validation: %s", kz_error_message(&err));
        kz_free(err);
        return wrapped;
    }
    err = save(c, dest, o->mtime, saved);
    if (kz_error_message(&err)) {
        kz_value wrapped = kz_error("failed to save: %s", kz_error_message(&err));
        kz_free(err);
        return wrapped;
    }
    return err;
}


kz_value kz_chart_package(const char *path, const kz_package_opts *opts, char **saved, kz_buf *warnings) {
    static const kz_package_opts none = {0};
    const kz_package_opts *o = opts ? opts : &none;
    *saved = NULL;
    struct stat st;
    if (stat(path, &st) != 0) return errno_error("stat", path, errno);
    char *abs = kz_chart_path_abs(path);
    kz_chart *c = NULL;
    kz_value err = kz_null();
    if (o->dependency_update) { /* helm updates the absolute path, output discarded */
        kz_buf discard = KZ_BUF_INIT;
        err = kz_dependency_update(abs, o->dependency_update, &discard, warnings);
        kz_buf_free(&discard);
    }
    if (!kz_error_message(&err)) err = kz_chart_load_logged(abs, true, warnings, &c);
    free(abs);
    if (c) err = package_chart(c, o, saved);
    kz_chart_free(c);
    return err;
}
