/* repositories.yaml (see repofile.h). */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sys/stat.h>
#include <unistd.h>

#include "core/alloc.h"
#include "core/file.h"
#include "core/gotime.h"
#include "json/json.h"
#include "repo/repofile.h"
#include "repo/index.h"
#include "repo/repo_internal.h"
#include "tmpl/fmt.h"
#include "yaml/emit.h"
#include "yaml/parse.h"

void kz_repofile_init(kz_repofile *f) {
    memset(f, 0, sizeof *f);
    f->api_version = kz_xstrdup("");
    f->generated = kz_invalid();
}

void kz_repofile_free(kz_repofile *f) {
    for (size_t i = 0; i < f->len; i++) kz_repo_entry_free(&f->entries[i]);
    free(f->entries);
    free(f->api_version);
    kz_free(f->generated);
    memset(f, 0, sizeof *f);
}

static char *dup0(const char *s) { return kz_xstrdup(s ? s : ""); }

void kz_repo_entry_init(kz_repo_entry *e, const char *name, const char *url) {
    memset(e, 0, sizeof *e);
    e->name = dup0(name);
    e->url = dup0(url);
    e->username = dup0(NULL);
    e->password = dup0(NULL);
    e->cert_file = dup0(NULL);
    e->key_file = dup0(NULL);
    e->ca_file = dup0(NULL);
}

void kz_repo_entry_copy(kz_repo_entry *dst, const kz_repo_entry *src) {
    dst->name = dup0(src->name);
    dst->url = dup0(src->url);
    dst->username = dup0(src->username);
    dst->password = dup0(src->password);
    dst->cert_file = dup0(src->cert_file);
    dst->key_file = dup0(src->key_file);
    dst->ca_file = dup0(src->ca_file);
    dst->insecure_skip_tls_verify = src->insecure_skip_tls_verify;
    dst->pass_credentials_all = src->pass_credentials_all;
}

void kz_repo_entry_free(kz_repo_entry *e) {
    free(e->name);
    free(e->url);
    free(e->username);
    free(e->password);
    free(e->cert_file);
    free(e->key_file);
    free(e->ca_file);
    memset(e, 0, sizeof *e);
}

static bool str_eq(const char *a, const char *b) { return strcmp(a ? a : "", b ? b : "") == 0; }

bool kz_repo_entry_equal(const kz_repo_entry *a, const kz_repo_entry *b) {
    return str_eq(a->name, b->name) && str_eq(a->url, b->url) && str_eq(a->username, b->username) &&
           str_eq(a->password, b->password) && str_eq(a->cert_file, b->cert_file) &&
           str_eq(a->key_file, b->key_file) && str_eq(a->ca_file, b->ca_file) &&
           a->insecure_skip_tls_verify == b->insecure_skip_tls_verify &&
           a->pass_credentials_all == b->pass_credentials_all;
}

/* ---- reading ---- */

/* Which field of repo.Entry a key names: the JSON names, matched as
 * encoding/json does (exact, else ASCII case-insensitively). */
static const char *const entry_fields[] = {"name",    "url",      "username",
                                           "password", "certFile", "keyFile",
                                           "caFile",  "insecure_skip_tls_verify",
                                           "pass_credentials_all"};
#define N_ENTRY_FIELDS (sizeof entry_fields / sizeof entry_fields[0])

static kz_value entry_decode(const kz_value *m, kz_repo_entry *e) {
    kz_value sorted = kz_copy(m);
    kz_map_sort(&sorted, kz_key_cmp_bytes);
    kz_value err = kz_null();
    for (size_t i = 0; i < kz_len(&sorted) && kz_is_null(&err); i++) {
        const kz_value *k = kz_map_key_at(&sorted, i);
        const kz_value *v = kz_map_value_at(&sorted, i);
        ptrdiff_t f = kz_repo_field_index(entry_fields, N_ENTRY_FIELDS, kz_str(k), kz_str_len(k));
        if (f < 0) continue;
        kz_buf path = KZ_BUF_INIT;
        kz_buf_printf(&path, "repositories.%s", entry_fields[f]);
        if (f >= 7) {
            bool *slot = f == 7 ? &e->insecure_skip_tls_verify : &e->pass_credentials_all;
            if (kz_kind_of(v) == KZ_BOOL) *slot = kz_bool_get(v);
            else if (!kz_is_null(v)) err = kz_repo_json_mismatch(v, "Entry", kz_buf_cstr(&path), "bool");
        } else {
            char **slots[] = {&e->name, &e->url, &e->username, &e->password,
                              &e->cert_file, &e->key_file, &e->ca_file};
            kz_value text = kz_null();
            err = kz_repo_json_string(v, "Entry", kz_buf_cstr(&path), &text);
            if (kz_is_string(&text)) {
                free(*slots[f]);
                *slots[f] = kz_xstrdup(kz_str(&text));
            }
            kz_free(text);
        }
        kz_buf_free(&path);
    }
    kz_free(sorted);
    return err;
}

static const char *const file_fields[] = {"apiVersion", "generated", "repositories"};

kz_value kz_repofile_parse(const char *data, size_t len, kz_repofile *f) {
    kz_repofile_init(f);
    kz_yaml_parse_opts po = {.schema = KZ_YAML_HELM, .max_threads = 1, .go_errors = true};
    kz_value doc = kz_yaml_parse_one(data, len, &po);
    if (!kz_is_valid(&doc)) {
        kz_value e = kz_error("error converting YAML to JSON: %s", kz_error_message(&doc));
        kz_free(doc);
        return e;
    }
    kz_value err = kz_null();
    if (!kz_is_null(&doc) && !kz_is_map(&doc)) {
        err = kz_error("json: cannot unmarshal %s into Go value of type repo.File", kz_json_kind(&doc));
    } else if (kz_is_map(&doc)) {
        kz_map_sort(&doc, kz_key_cmp_bytes);
        for (size_t i = 0; i < kz_len(&doc) && kz_is_null(&err); i++) {
            const kz_value *k = kz_map_key_at(&doc, i);
            const kz_value *v = kz_map_value_at(&doc, i);
            ptrdiff_t fi = kz_repo_field_index(file_fields, 3, kz_str(k), kz_str_len(k));
            if (fi == 0) {
                kz_value text = kz_null();
                err = kz_repo_json_string(v, "File", "apiVersion", &text);
                if (kz_is_string(&text)) {
                    free(f->api_version);
                    f->api_version = kz_xstrdup(kz_str(&text));
                }
                kz_free(text);
            } else if (fi == 1) {
                kz_value t = kz_repo_json_time(v);
                if (kz_is_map(&t)) {
                    kz_free(f->generated);
                    f->generated = t;
                } else if (!kz_is_null(&t)) {
                    err = t;
                }
            } else if (fi == 2) {
                if (kz_is_null(v)) continue;
                if (!kz_is_seq(v)) {
                    err = kz_repo_json_mismatch(v, "File", "repositories", "[]*repo.Entry");
                    continue;
                }
                for (size_t j = 0; j < kz_len(v) && kz_is_null(&err); j++) {
                    const kz_value *item = kz_seq_at(v, j);
                    if (kz_is_null(item)) continue; /* a nil *Entry: dropped (kz) */
                    if (!kz_is_map(item)) {
                        err = kz_repo_json_mismatch(item, "File", "repositories", "repo.Entry");
                        continue;
                    }
                    kz_repo_entry e;
                    kz_repo_entry_init(&e, NULL, NULL);
                    err = entry_decode(item, &e);
                    if (f->len == f->cap) {
                        f->cap = kz_grow_cap(f->cap, f->len + 1);
                        f->entries = kz_xrealloc(f->entries, f->cap * sizeof *f->entries);
                    }
                    f->entries[f->len++] = e;
                }
            }
        }
    }
    kz_free(doc);
    if (!kz_is_null(&err)) {
        kz_value e = kz_error("error unmarshaling JSON: while decoding JSON: %s", kz_error_message(&err));
        kz_free(err);
        return e;
    }
    return kz_null();
}

kz_value kz_repofile_load(const char *path, kz_repofile *f, bool *exists) {
    kz_buf b = KZ_BUF_INIT;
    kz_value err = kz_null();
    if (exists) *exists = false;
    struct stat st;
    if (stat(path, &st) != 0 && errno == ENOENT) {
        kz_repofile_init(f);
        return kz_null();
    }
    if (kz_file_read(path, &b, &err) != 0) {
        kz_repofile_init(f);
        return err;
    }
    if (exists) *exists = true;
    kz_value r = kz_repofile_parse(b.data ? b.data : "", b.len, f);
    kz_buf_free(&b);
    return r;
}

/* ---- in memory ---- */

const kz_repo_entry *kz_repofile_get(const kz_repofile *f, const char *name) {
    for (size_t i = 0; i < f->len; i++)
        if (strcmp(f->entries[i].name, name) == 0) return &f->entries[i];
    return NULL;
}

void kz_repofile_set(kz_repofile *f, const kz_repo_entry *e) {
    for (size_t i = 0; i < f->len; i++) {
        if (strcmp(f->entries[i].name, e->name) == 0) {
            kz_repo_entry copy;
            kz_repo_entry_copy(&copy, e);
            kz_repo_entry_free(&f->entries[i]);
            f->entries[i] = copy;
            return;
        }
    }
    if (f->len == f->cap) {
        f->cap = kz_grow_cap(f->cap, f->len + 1);
        f->entries = kz_xrealloc(f->entries, f->cap * sizeof *f->entries);
    }
    kz_repo_entry_copy(&f->entries[f->len++], e);
}

bool kz_repofile_remove(kz_repofile *f, const char *name) {
    for (size_t i = 0; i < f->len; i++) {
        if (strcmp(f->entries[i].name, name) == 0) {
            kz_repo_entry_free(&f->entries[i]);
            memmove(&f->entries[i], &f->entries[i + 1], (f->len - i - 1) * sizeof *f->entries);
            f->len--;
            return true;
        }
    }
    return false;
}

/* ---- writing ---- */

void kz_repofile_write(const kz_repofile *f, kz_buf *out) {
    kz_value doc = kz_map();
    kz_map_setz(&doc, "apiVersion", kz_string(f->api_version));
    kz_map_setz(&doc, "generated", kz_repo_time_text(&f->generated));
    kz_value repos = kz_seq();
    for (size_t i = 0; i < f->len; i++) {
        const kz_repo_entry *e = &f->entries[i];
        kz_value m = kz_map();
        kz_map_setz(&m, "name", kz_string(e->name));
        kz_map_setz(&m, "url", kz_string(e->url));
        kz_map_setz(&m, "username", kz_string(e->username));
        kz_map_setz(&m, "password", kz_string(e->password));
        kz_map_setz(&m, "certFile", kz_string(e->cert_file));
        kz_map_setz(&m, "keyFile", kz_string(e->key_file));
        kz_map_setz(&m, "caFile", kz_string(e->ca_file));
        kz_map_setz(&m, "insecure_skip_tls_verify", kz_bool(e->insecure_skip_tls_verify));
        kz_map_setz(&m, "pass_credentials_all", kz_bool(e->pass_credentials_all));
        kz_seq_push(&repos, m);
    }
    /* helm only writes a File after adding or removing one, so the slice is
     * never nil: "repositories: []" once the last one is removed */
    kz_map_setz(&doc, "repositories", repos);
    kz_yaml_emit(out, &doc);
    kz_free(doc);
}

kz_value kz_repofile_save(const char *path, const kz_repofile *f) {
    kz_buf b = KZ_BUF_INIT;
    kz_repofile_write(f, &b);
    kz_value r = kz_file_write_atomic(path, b.data ? b.data : "", b.len, 0600, 0755);
    kz_buf_free(&b);
    return r;
}

char *kz_repofile_lock_path(const char *path) {
    /* filepath.Ext: the suffix from the last '.' of the last element */
    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    const char *dot = strrchr(base, '.');
    size_t keep = dot ? (size_t)(dot - path) : strlen(path);
    kz_buf b = KZ_BUF_INIT;
    kz_buf_append(&b, path, keep);
    kz_buf_puts(&b, ".lock");
    return kz_buf_detach(&b, NULL);
}

kz_value kz_repofile_update(const char *path, kz_repofile_fn fn, void *data) {
    int fd = -1;
    kz_value err = kz_repo_lock(path, &fd);
    if (!kz_is_null(&err)) return err;
    kz_repofile f;
    err = kz_repofile_load(path, &f, NULL);
    if (kz_is_null(&err)) {
        bool changed = false;
        err = fn(&f, data, &changed);
        if (kz_is_null(&err) && changed) err = kz_repofile_save(path, &f);
    }
    kz_repofile_free(&f);
    kz_repo_unlock(fd);
    return err;
}

/* ---- repo add ---- */

kz_value kz_repo_add_check(const char *name, const char *url) {
    if (strchr(name, '/'))
        return kz_error("repository name (%s) contains '/', please specify a different name without '/'",
                        name);
    static const char *const retired[][2] = {
        {"//kubernetes-charts.storage.googleapis.com", "https://charts.helm.sh/stable"},
        {"//kubernetes-charts-incubator.storage.googleapis.com", "https://charts.helm.sh/incubator"},
    };
    for (size_t i = 0; i < 2; i++) {
        if (strstr(url, retired[i][0])) {
            kz_buf b = KZ_BUF_INIT;
            kz_buf_puts(&b, "repo ");
            kz_fmt_quote(&b, url, strlen(url), false);
            kz_buf_puts(&b, " is no longer available; try ");
            kz_fmt_quote(&b, retired[i][1], strlen(retired[i][1]), false);
            kz_buf_puts(&b, " instead");
            kz_value e = kz_error("%s", kz_buf_cstr(&b));
            kz_buf_free(&b);
            return e;
        }
    }
    return kz_null();
}

kz_value kz_repo_add_decide(const kz_repofile *f, const kz_repo_entry *e, bool force_update,
                            kz_repo_add_action *action) {
    *action = KZ_REPO_ADD_WRITE;
    const kz_repo_entry *cur = kz_repofile_get(f, e->name);
    if (force_update || !cur) return kz_null();
    if (!kz_repo_entry_equal(cur, e))
        return kz_error("repository name (%s) already exists, please specify a different name", e->name);
    *action = KZ_REPO_ADD_SKIP;
    return kz_null();
}

static void msg(kz_buf *out, const char *name, const char *text) {
    kz_fmt_quote(out, name, strlen(name), false);
    kz_buf_puts(out, text);
}

void kz_repo_msg_added(kz_buf *out, const char *name) { msg(out, name, " has been added to your repositories\n"); }
void kz_repo_msg_exists(kz_buf *out, const char *name) {
    msg(out, name, " already exists with the same configuration, skipping\n");
}
void kz_repo_msg_removed(kz_buf *out, const char *name) {
    msg(out, name, " has been removed from your repositories\n");
}

/* ---- repo list ---- */

kz_value kz_repo_list(const kz_repofile *f, kz_repo_format format, kz_buf *out) {
    if (f->len == 0 && format == KZ_REPO_FORMAT_TABLE) return kz_error("no repositories to show");
    if (format == KZ_REPO_FORMAT_TABLE) {
        kz_table t;
        kz_table_init(&t, 2, 0);
        const char *head[] = {"NAME", "URL"};
        kz_table_add_row(&t, head);
        for (size_t i = 0; i < f->len; i++) {
            const char *row[] = {f->entries[i].name, f->entries[i].url};
            kz_table_add_row(&t, row);
        }
        kz_table_write(&t, out);
        kz_table_free(&t);
        return kz_null();
    }
    kz_value list = kz_seq();
    for (size_t i = 0; i < f->len; i++) {
        kz_value m = kz_map();
        kz_map_setz(&m, "name", kz_string(f->entries[i].name));
        kz_map_setz(&m, "url", kz_string(f->entries[i].url));
        kz_seq_push(&list, m);
    }
    kz_value err = kz_repo_encode(&list, format, out);
    kz_free(list);
    return err;
}

/* ---- repo remove ---- */

char *kz_repo_cache_index_path(const char *cache_dir, const char *name) {
    kz_buf b = KZ_BUF_INIT;
    kz_buf_printf(&b, "%s/%s-index.yaml", cache_dir, name);
    return kz_buf_detach(&b, NULL);
}

char *kz_repo_cache_charts_path(const char *cache_dir, const char *name) {
    kz_buf b = KZ_BUF_INIT;
    kz_buf_printf(&b, "%s/%s-charts.txt", cache_dir, name);
    return kz_buf_detach(&b, NULL);
}

char *kz_repo_cache_etag_path(const char *index_path) {
    kz_buf b = KZ_BUF_INIT;
    kz_buf_printf(&b, "%s.etag", index_path);
    return kz_buf_detach(&b, NULL);
}

static kz_value remove_file(const char *path) {
    if (unlink(path) == 0 || errno == ENOENT) return kz_null();
    char eb[128];
    return kz_error("remove %s: %s", path, kz_errno_text(errno, eb, sizeof eb));
}

kz_value kz_repo_remove(const char *path, const char *cache_dir, const char *const *names,
                        size_t n, kz_buf *out) {
    int fd = -1;
    kz_value err = kz_repo_lock(path, &fd);
    if (!kz_is_null(&err)) return err;
    kz_repofile f;
    bool exists = false;
    err = kz_repofile_load(path, &f, &exists);
    if (!exists || f.len == 0) {
        /* helm: a missing file or one without repositories; a broken file
         * reads as an empty one */
        kz_free(err);
        err = kz_error("no repositories configured");
    } else if (!kz_is_null(&err) && f.len > 0) {
        /* partly decoded before the type error: helm goes on with it */
        kz_free(err);
        err = kz_null();
    }
    for (size_t i = 0; i < n && kz_is_null(&err); i++) {
        if (!kz_repofile_remove(&f, names[i])) {
            kz_buf b = KZ_BUF_INIT;
            kz_buf_puts(&b, "no repo named ");
            kz_fmt_quote(&b, names[i], strlen(names[i]), false);
            kz_buf_puts(&b, " found");
            err = kz_error("%s", kz_buf_cstr(&b));
            kz_buf_free(&b);
            break;
        }
        err = kz_repofile_save(path, &f);
        if (!kz_is_null(&err)) break;
        char *p = kz_repo_cache_index_path(cache_dir, names[i]);
        err = remove_file(p);
        /* hm's own files beside it: the sidecar and the saved validators */
        char *kzc = kz_repo_index_cache_path(p), *etag = kz_repo_cache_etag_path(p);
        if (kz_is_null(&err)) err = remove_file(kzc);
        if (kz_is_null(&err)) err = remove_file(etag);
        free(kzc);
        free(etag);
        free(p);
        if (!kz_is_null(&err)) break;
        p = kz_repo_cache_charts_path(cache_dir, names[i]);
        err = remove_file(p);
        free(p);
        if (!kz_is_null(&err)) break;
        kz_repo_msg_removed(out, names[i]);
    }
    kz_repofile_free(&f);
    kz_repo_unlock(fd);
    return err;
}
