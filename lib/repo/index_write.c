/* `helm repo index`: IndexDirectory, MustAdd, Merge and the file written
 * (see index.h). */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "chart/chart.h"
#include "core/digest.h"
#include "core/alloc.h"
#include "core/file.h"
#include "core/gotime.h"
#include "repo/index.h"
#include "repo/repo_internal.h"

kz_value kz_repo_digest_file(const char *path) {
    kz_buf b = KZ_BUF_INIT;
    kz_value err = kz_null();
    if (kz_file_read(path, &b, &err) != 0) return err;
    unsigned char md[KZ_SHA256_LEN];
    char hex[2 * KZ_SHA256_LEN + 1];
    kz_sha256(b.data ? b.data : "", b.len, md);
    kz_buf_free(&b);
    kz_hex_encode(md, sizeof md, hex);
    return kz_string(hex);
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

typedef struct strlist {
    char **v;
    size_t len, cap;
} strlist;

static void strlist_push(strlist *l, char *s) {
    if (l->len == l->cap) {
        l->cap = kz_grow_cap(l->cap, l->len + 1);
        l->v = kz_xrealloc(l->v, l->cap * sizeof *l->v);
    }
    l->v[l->len++] = s;
}

static void strlist_free(strlist *l) {
    for (size_t i = 0; i < l->len; i++) free(l->v[i]);
    free(l->v);
}

static bool has_suffix(const char *s, const char *suf) {
    size_t n = strlen(s), m = strlen(suf);
    return n >= m && strcmp(s + n - m, suf) == 0;
}

/* The names in dir (no "." or ".."), sorted as Go's Glob returns them; only
 * names ending in ".tgz" when tgz, only folders otherwise. */
static void list_dir(const char *dir, bool tgz, strlist *out) {
    DIR *d = opendir(dir);
    if (!d) return;
    struct dirent *e;
    strlist names = {0};
    while ((e = readdir(d))) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
        if (tgz) {
            if (has_suffix(e->d_name, ".tgz")) strlist_push(&names, kz_xstrdup(e->d_name));
            continue;
        }
        kz_buf p = KZ_BUF_INIT;
        kz_buf_printf(&p, "%s/%s", dir, e->d_name);
        struct stat st;
        if (stat(kz_buf_cstr(&p), &st) == 0 && S_ISDIR(st.st_mode)) strlist_push(&names, kz_xstrdup(e->d_name));
        kz_buf_free(&p);
    }
    closedir(d);
    if (names.len) qsort(names.v, names.len, sizeof *names.v, cmp_str);
    for (size_t i = 0; i < names.len; i++) strlist_push(out, names.v[i]);
    free(names.v);
}

/* Go's path.Join of a and b (cleaned; "" when both are empty). */
static char *path_join(const char *a, const char *b) {
    if (!*a && !*b) return kz_xstrdup("");
    kz_buf j = KZ_BUF_INIT;
    kz_buf_puts(&j, a);
    if (*a && *b) kz_buf_putc(&j, '/');
    kz_buf_puts(&j, b);
    char *c = kz_chart_path_clean(kz_buf_cstr(&j));
    kz_buf_free(&j);
    return c;
}

/* urlutil.URLJoin(base, p): p joined to base's path (path.Join), the rest of
 * the URL kept. */
static char *url_join(const char *base, const char *p) {
    const char *s = base;
    const char *path = s;
    /* scheme and authority stay as they are */
    const char *colon = strchr(s, ':');
    const char *slash = strchr(s, '/');
    bool has_auth = false;
    if (colon && (!slash || colon < slash)) path = colon + 1;
    if (path[0] == '/' && path[1] == '/') {
        has_auth = true;
        const char *e = path + 2;
        while (*e && *e != '/' && *e != '?' && *e != '#') e++;
        path = e;
    }
    const char *pend = path;
    while (*pend && *pend != '?' && *pend != '#') pend++;
    char *old = kz_xstrndup(path, (size_t)(pend - path));
    char *joined = path_join(old, p);
    kz_buf out = KZ_BUF_INIT;
    kz_buf_append(&out, base, (size_t)(path - base));
    if (has_auth && *joined && joined[0] != '/') kz_buf_putc(&out, '/');
    kz_buf_puts(&out, joined);
    kz_buf_puts(&out, pend);
    free(old);
    free(joined);
    return kz_buf_detach(&out, NULL);
}

/* One archive into the index (IndexDirectory's loop body and MustAdd).
 * 1 when added, 0 when skipped (not a chart), -1 with *err. */
static int add_archive(kz_repo_index *idx, const char *dir, const char *parent, const char *file,
                       const kz_repo_index_dir_opts *o, kz_buf *warnings, kz_value *err) {
    kz_buf path = KZ_BUF_INIT;
    if (*parent) kz_buf_printf(&path, "%s/%s/%s", dir, parent, file);
    else kz_buf_printf(&path, "%s/%s", dir, file);
    kz_chart *c = NULL;
    kz_value e = kz_chart_load(kz_buf_cstr(&path), NULL, &c);
    if (!kz_is_null(&e)) {
        kz_free(e); /* "Assume this is not a chart." */
        kz_buf_free(&path);
        return 0;
    }
    for (size_t i = 0; warnings && i < kz_len(&c->warnings); i++) {
        kz_buf_puts(warnings, kz_str(kz_seq_at(&c->warnings, i)));
        kz_buf_putc(warnings, '\n');
    }
    kz_value digest = kz_repo_digest_file(kz_buf_cstr(&path));
    kz_buf_free(&path);
    if (!kz_is_string(&digest)) {
        *err = digest;
        kz_chart_free(c);
        return -1;
    }
    const char *base = o && o->url ? o->url : "";
    char *parent_url = url_join(base, parent);
    char *u = *parent_url ? url_join(parent_url, file) : kz_xstrdup(file);
    kz_value md = kz_copy(&c->metadata);
    kz_chart_free(c);
    if (!kz_map_getz(&md, "apiVersion")) kz_map_setz(&md, "apiVersion", kz_string("v1"));
    kz_value v = kz_chart_metadata_validate(&md);
    if (!kz_is_null(&v)) {
        *err = kz_error("failed adding to %s to index: validate failed for %s: %s", file, file,
                        kz_error_message(&v));
        kz_free(v);
        kz_free(md);
        kz_free(digest);
        free(parent_url);
        free(u);
        return -1;
    }
    kz_value urls = kz_seq();
    kz_seq_push(&urls, kz_string(u));
    kz_value now = o && o->now ? kz_copy(o->now) : kz_gotime_now();
    kz_value created = kz_repo_time_text(&now);
    kz_free(now);
    kz_repo_index_add(idx, md, urls, created, digest);
    free(parent_url);
    free(u);
    return 1;
}

static kz_value index_directory(const char *dir, const kz_repo_index_dir_opts *o, kz_repo_index *idx,
                                kz_buf *warnings) {
    strlist top = {0}, subs = {0};
    list_dir(dir, true, &top);
    list_dir(dir, false, &subs);
    kz_value err = kz_null();
    for (size_t i = 0; i < top.len && kz_is_null(&err); i++)
        add_archive(idx, dir, "", top.v[i], o, warnings, &err);
    for (size_t i = 0; i < subs.len && kz_is_null(&err); i++) {
        kz_buf sd = KZ_BUF_INIT;
        kz_buf_printf(&sd, "%s/%s", dir, subs.v[i]);
        strlist files = {0};
        list_dir(kz_buf_cstr(&sd), true, &files);
        for (size_t j = 0; j < files.len && kz_is_null(&err); j++)
            add_archive(idx, dir, subs.v[i], files.v[j], o, warnings, &err);
        strlist_free(&files);
        kz_buf_free(&sd);
    }
    strlist_free(&top);
    strlist_free(&subs);
    return err;
}

static kz_value write_index(const kz_repo_index *idx, const kz_value *generated, bool json, const char *path) {
    kz_buf b = KZ_BUF_INIT;
    kz_value err = kz_repo_index_write(idx, generated, json, &b);
    if (kz_is_null(&err)) err = kz_file_write_atomic(path, b.data ? b.data : "", b.len, 0644, 0755);
    kz_buf_free(&b);
    return err;
}

kz_value kz_repo_index_dir(const char *dir, const kz_repo_index_dir_opts *o, kz_buf *warnings) {
    struct stat st;
    if (stat(dir, &st) != 0) {
        char eb[128];
        return kz_error("stat %s: %s", dir, kz_errno_text(errno, eb, sizeof eb));
    }
    kz_value generated = o && o->now ? kz_copy(o->now) : kz_gotime_now();
    kz_repo_index idx;
    kz_repo_index_init(&idx);
    free(idx.api_version);
    idx.api_version = kz_xstrdup("v1");
    kz_value err = index_directory(dir, o, &idx, warnings);
    if (kz_is_null(&err) && o && o->merge && *o->merge) {
        kz_repo_index other;
        if (stat(o->merge, &st) != 0 && errno == ENOENT) {
            kz_repo_index_init(&other);
            free(other.api_version);
            other.api_version = kz_xstrdup("v1");
            kz_value now = o->now ? kz_copy(o->now) : kz_gotime_now();
            kz_value e = write_index(&other, &now, o->json, o->merge);
            kz_free(e); /* helm ignores this error */
            kz_free(now);
        } else {
            kz_value e = kz_repo_index_load_file(o->merge, &other, warnings);
            if (!kz_is_null(&e)) {
                err = kz_error("merge failed: %s", kz_error_message(&e));
                kz_free(e);
            }
        }
        if (kz_is_null(&err)) kz_repo_index_merge(&idx, &other);
        kz_repo_index_free(&other);
    }
    if (kz_is_null(&err)) {
        kz_repo_index_sort(&idx);
        kz_buf out = KZ_BUF_INIT;
        kz_buf_printf(&out, "%s/index.yaml", dir);
        err = write_index(&idx, &generated, o && o->json, kz_buf_cstr(&out));
        kz_buf_free(&out);
    }
    kz_free(generated);
    kz_repo_index_free(&idx);
    return err;
}
