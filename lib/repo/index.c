/* index.yaml: loading, lookup, merging and writing (see index.h). */
#include <stdlib.h>
#include <string.h>

#include "chart/chart.h"
#include "core/alloc.h"
#include "core/file.h"
#include "core/gotime.h"
#include "json/json.h"
#include "repo/index.h"
#include "repo/pool.h"
#include "repo/repo_internal.h"
#include "tmpl/fmt.h"
#include "yaml/emit.h"
#include "yaml/parse.h"

void kz_repo_index_init(kz_repo_index *idx) {
    memset(idx, 0, sizeof *idx);
    idx->api_version = kz_xstrdup("");
    idx->generated = kz_invalid();
    idx->server_info = kz_invalid();
    idx->public_keys = kz_invalid();
    idx->annotations = kz_invalid();
    idx->lookup = kz_map();
    idx->pool = kz_repo_pool_new();
}

/* A version while the slow path decodes it (the metadata not yet final). */
typedef struct slow_version {
    kz_value metadata, urls, created, digest, deprecated;
    bool removed;
} slow_version;

static void slow_version_init(slow_version *v) {
    v->metadata = kz_map();
    v->urls = kz_null();
    v->created = kz_invalid();
    v->digest = kz_invalid();
    v->deprecated = kz_map();
    v->removed = false;
}

static void slow_version_free(slow_version *v) {
    kz_free(v->metadata);
    kz_free(v->urls);
    kz_free(v->created);
    kz_free(v->digest);
    kz_free(v->deprecated);
}

void kz_repo_index_free(kz_repo_index *idx) {
    for (size_t i = 0; i < idx->len; i++) free(idx->charts[i].v);
    kz_repo_pool_free(idx->pool);
    free(idx->charts);
    free(idx->load_warnings);
    free(idx->api_version);
    kz_free(idx->generated);
    kz_free(idx->server_info);
    kz_free(idx->public_keys);
    kz_free(idx->annotations);
    kz_free(idx->lookup);
    memset(idx, 0, sizeof *idx);
}

const kz_repo_chart *kz_repo_index_chart(const kz_repo_index *idx, const char *name) {
    const kz_value *p = kz_map_getz(&idx->lookup, name);
    return p ? &idx->charts[kz_int_get(p)] : NULL;
}

/* The chart named `name`, added (empty) when missing. */
kz_repo_chart *kz_repo_index_chart_slot(kz_repo_index *idx, const char *name, size_t n) {
    const kz_value *p = kz_map_get(&idx->lookup, name, n);
    if (p) return &idx->charts[kz_int_get(p)];
    if (idx->len == idx->cap) {
        idx->cap = kz_grow_cap(idx->cap, idx->len + 1);
        idx->charts = kz_xrealloc(idx->charts, idx->cap * sizeof *idx->charts);
    }
    kz_repo_chart *c = &idx->charts[idx->len];
    memset(c, 0, sizeof *c);
    c->name = kz_repo_pool_str(idx->pool, name, n);
    kz_map_set(&idx->lookup, kz_string_n(name, n), kz_int((int64_t)idx->len));
    idx->len++;
    return c;
}

kz_repo_chart_version *kz_repo_index_version_push(kz_repo_chart *c) {
    if (c->len == c->cap) {
        c->cap = kz_grow_cap(c->cap, c->len + 1);
        c->v = kz_xrealloc(c->v, c->cap * sizeof *c->v);
    }
    kz_repo_chart_version *v = &c->v[c->len++];
    memset(v, 0, sizeof *v);
    return v;
}

static const char *md_str(const kz_value *md, const char *key) {
    const kz_value *v = kz_map_getz(md, key);
    return v && kz_is_string(v) ? kz_str(v) : "";
}

/* ---- decoding ---- */

static const char *const index_fields[] = {"serverInfo", "apiVersion", "generated",
                                           "entries",    "publicKeys", "annotations"};
/* ChartVersion: Metadata's fields, then its own */
static const char *const version_fields[] = {
    "name",     "home",     "sources",       "version",     "description", "keywords",
    "maintainers", "icon",  "apiVersion",    "condition",   "tags",        "appVersion",
    "deprecated", "annotations", "kubeVersion", "dependencies", "type",    "urls",
    "created",  "removed",  "digest",        "checksum",    "engine",      "tillerVersion",
    "url"};
#define N_VERSION_FIELDS (sizeof version_fields / sizeof version_fields[0])
#define FIRST_OWN_FIELD 17
static const char *const maintainer_fields[] = {"name", "email", "url"};
static const char *const dependency_fields[] = {"name",      "version", "repository", "condition",
                                                "tags",      "enabled", "import-values", "alias"};

typedef struct dec {
    bool strict; /* YAML: unknown fields are errors */
    kz_value err;
} dec;

static bool failed(const dec *d) { return !kz_is_null(&d->err); }

static void set_err(dec *d, kz_value e) {
    if (failed(d)) kz_free(e);
    else d->err = e;
}

static void unknown(dec *d, const kz_value *key) {
    kz_buf b = KZ_BUF_INIT;
    kz_buf_puts(&b, "json: unknown field ");
    kz_fmt_quote(&b, kz_str(key), kz_str_len(key), false);
    set_err(d, kz_error("%s", kz_buf_cstr(&b)));
    kz_buf_free(&b);
}

/* lib/chart names the struct Metadata with paths from it; helm decodes it
 * as the embedded struct of ChartVersion under "entries". */
static kz_value rewrite_metadata_error(const kz_value *e) {
    const char *m = kz_error_message(e);
    const char *at = strstr(m, "Go struct field ");
    if (!at) return kz_error("%s", m);
    at += strlen("Go struct field ");
    const char *dot = strchr(at, '.');
    if (!dot) return kz_error("%s", m);
    kz_buf b = KZ_BUF_INIT;
    if (strncmp(at, "Metadata.", 9) == 0) {
        kz_buf_append(&b, m, (size_t)(at - m));
        kz_buf_puts(&b, "ChartVersion.entries.");
        kz_buf_puts(&b, at + 9);
    } else {
        kz_buf_append(&b, m, (size_t)(dot + 1 - m));
        kz_buf_puts(&b, "entries.");
        kz_buf_puts(&b, dot + 1);
    }
    kz_value r = kz_error("%s", kz_buf_cstr(&b));
    kz_buf_free(&b);
    return r;
}

/* Field kinds for the type checks below. */
enum { T_STR, T_STRS, T_BOOL, T_MAP_STR, T_ANY_LIST, T_MAINT, T_DEPS, T_OWN };

static int version_field_type(const char *f) {
    static const char *const strs[] = {"sources", "keywords"};
    for (size_t i = 0; i < 2; i++)
        if (strcmp(f, strs[i]) == 0) return T_STRS;
    if (strcmp(f, "deprecated") == 0) return T_BOOL;
    if (strcmp(f, "annotations") == 0) return T_MAP_STR;
    if (strcmp(f, "maintainers") == 0) return T_MAINT;
    if (strcmp(f, "dependencies") == 0) return T_DEPS;
    for (size_t i = FIRST_OWN_FIELD; i < N_VERSION_FIELDS; i++)
        if (strcmp(f, version_fields[i]) == 0) return T_OWN;
    return T_STR;
}

/* helm decodes index entries as plain JSON: below `entries`, YAML scalars
 * are not turned into text for string fields (version: 1.10 is an error). */
static void check_type(dec *d, int t, const kz_value *v, const char *sname, const char *path) {
    if (kz_is_null(v) || failed(d)) return;
    switch (t) {
    case T_STR:
        if (!kz_is_string(v)) set_err(d, kz_repo_json_mismatch(v, sname, path, "string"));
        break;
    case T_BOOL:
        if (kz_kind_of(v) != KZ_BOOL) set_err(d, kz_repo_json_mismatch(v, sname, path, "bool"));
        break;
    case T_STRS:
        if (!kz_is_seq(v)) {
            set_err(d, kz_repo_json_mismatch(v, sname, path, "[]string"));
            break;
        }
        for (size_t i = 0; i < kz_len(v); i++) check_type(d, T_STR, kz_seq_at(v, i), sname, path);
        break;
    case T_MAP_STR:
        if (!kz_is_map(v)) {
            set_err(d, kz_repo_json_mismatch(v, sname, path, "map[string]string"));
            break;
        }
        for (size_t i = 0; i < kz_len(v); i++) check_type(d, T_STR, kz_map_value_at(v, i), sname, path);
        break;
    case T_ANY_LIST:
        if (!kz_is_seq(v)) set_err(d, kz_repo_json_mismatch(v, sname, path, "[]interface {}"));
        break;
    default: break;
    }
}

/* A maintainer or dependency: unknown keys (strict) and types, sorted keys. */
static void check_struct(dec *d, const kz_value *m, const char *const *names, size_t n, const char *sname,
                         const char *list, const char *listtype) {
    if (kz_is_null(m)) return;
    kz_buf path = KZ_BUF_INIT;
    kz_buf_printf(&path, "entries.%s", list);
    if (!kz_is_map(m)) {
        set_err(d, kz_repo_json_mismatch(m, "ChartVersion", kz_buf_cstr(&path), listtype));
        kz_buf_free(&path);
        return;
    }
    kz_value sorted = kz_copy(m);
    kz_map_sort(&sorted, kz_key_cmp_bytes);
    for (size_t i = 0; i < kz_len(&sorted) && !failed(d); i++) {
        const kz_value *k = kz_map_key_at(&sorted, i);
        ptrdiff_t f = kz_repo_field_index(names, n, kz_str(k), kz_str_len(k));
        if (f < 0) {
            if (d->strict) unknown(d, k);
            continue;
        }
        kz_buf fp = KZ_BUF_INIT;
        kz_buf_printf(&fp, "entries.%s.%s", list, names[f]);
        int t = T_STR;
        if (strcmp(names[f], "tags") == 0) t = T_STRS;
        else if (strcmp(names[f], "enabled") == 0) t = T_BOOL;
        else if (strcmp(names[f], "import-values") == 0) t = T_ANY_LIST;
        check_type(d, t, kz_map_value_at(&sorted, i), sname, kz_buf_cstr(&fp));
        kz_buf_free(&fp);
    }
    kz_free(sorted);
    kz_buf_free(&path);
}

/* Unknown keys and wrong types of one entry, in Go's (sorted) order. */
static void check_version(dec *d, const kz_value *m) {
    kz_value sorted = kz_copy(m);
    kz_map_sort(&sorted, kz_key_cmp_bytes);
    for (size_t i = 0; i < kz_len(&sorted) && !failed(d); i++) {
        const kz_value *k = kz_map_key_at(&sorted, i);
        const kz_value *v = kz_map_value_at(&sorted, i);
        ptrdiff_t f = kz_repo_field_index(version_fields, N_VERSION_FIELDS, kz_str(k), kz_str_len(k));
        if (f < 0) {
            if (d->strict) unknown(d, k);
            continue;
        }
        const char *fname = version_fields[f];
        kz_buf path = KZ_BUF_INIT;
        kz_buf_printf(&path, "entries.%s", fname);
        int t = version_field_type(fname);
        if (t == T_MAINT || t == T_DEPS) {
            const char *tn = t == T_MAINT ? "[]*chart.Maintainer" : "[]*chart.Dependency";
            if (!kz_is_null(v) && !kz_is_seq(v)) set_err(d, kz_repo_json_mismatch(v, "ChartVersion", kz_buf_cstr(&path), tn));
            for (size_t j = 0; kz_is_seq(v) && j < kz_len(v) && !failed(d); j++) {
                if (t == T_MAINT)
                    check_struct(d, kz_seq_at(v, j), maintainer_fields, 3, "Maintainer", fname, "chart.Maintainer");
                else
                    check_struct(d, kz_seq_at(v, j), dependency_fields, 8, "Dependency", fname, "chart.Dependency");
            }
        } else if (t != T_OWN) {
            check_type(d, t, v, "ChartVersion", kz_buf_cstr(&path));
        }
        kz_buf_free(&path);
    }
    kz_free(sorted);
}

/* A string field of ChartVersion itself (urls, digest, ...): sigs.k8s.io/yaml
 * turns scalars into text for these, unlike for the fields of the embedded
 * *chart.Metadata (helm loads a digest of digits; `appVersion: 2` fails). */
static kz_value strict_string(const kz_value *v, const char *path, kz_value *out) {
    kz_free(*out);
    *out = kz_null();
    return kz_repo_json_string(v, "ChartVersion", path, out);
}

/* One chart version's map into v (the metadata not yet validated). */
static void decode_version(dec *d, const kz_value *m, slow_version *v) {
    check_version(d, m);
    if (failed(d)) return;
    kz_value err = kz_null();
    if (kz_chart_metadata_decode(m, &v->metadata, &err) != 0) {
        set_err(d, rewrite_metadata_error(&err));
        kz_free(err);
        return;
    }
    for (size_t i = 0; i < kz_len(m) && !failed(d); i++) {
        const kz_value *k = kz_map_key_at(m, i);
        const kz_value *val = kz_map_value_at(m, i);
        ptrdiff_t f = kz_repo_field_index(version_fields, N_VERSION_FIELDS, kz_str(k), kz_str_len(k));
        if (f < FIRST_OWN_FIELD) continue;
        const char *fname = version_fields[f];
        kz_buf path = KZ_BUF_INIT;
        kz_buf_printf(&path, "entries.%s", fname);
        if (strcmp(fname, "urls") == 0) {
            if (kz_is_null(val)) {
                kz_free(v->urls);
                v->urls = kz_null();
            } else if (!kz_is_seq(val)) {
                set_err(d, kz_repo_json_mismatch(val, "ChartVersion", kz_buf_cstr(&path), "[]string"));
            } else {
                kz_value urls = kz_seq();
                for (size_t j = 0; j < kz_len(val) && !failed(d); j++) {
                    kz_value s = kz_string("");
                    set_err(d, strict_string(kz_seq_at(val, j), kz_buf_cstr(&path), &s));
                    kz_seq_push(&urls, s);
                }
                kz_free(v->urls);
                v->urls = urls;
            }
        } else if (strcmp(fname, "created") == 0) {
            kz_value t = kz_repo_json_time(val);
            if (kz_is_map(&t)) {
                kz_free(v->created);
                v->created = kz_copy(val);
                kz_free(t);
            } else if (!kz_is_null(&t)) {
                set_err(d, t);
            }
        } else if (strcmp(fname, "removed") == 0) {
            if (kz_kind_of(val) == KZ_BOOL) v->removed = kz_bool_get(val);
            else if (!kz_is_null(val))
                set_err(d, kz_repo_json_mismatch(val, "ChartVersion", kz_buf_cstr(&path), "bool"));
        } else {
            kz_value s = kz_null();
            set_err(d, strict_string(val, kz_buf_cstr(&path), &s));
            if (kz_is_string(&s) && strcmp(fname, "digest") == 0) {
                kz_free(v->digest);
                v->digest = s;
            } else if (kz_is_string(&s)) {
                kz_map_setz(&v->deprecated, fname, s);
            } else {
                kz_free(s);
            }
        }
        kz_buf_free(&path);
    }
}

static void warn_quoted(kz_buf *w, const char *s) { kz_fmt_quote(w, s, strlen(s), false); }

/* loadIndex's pass over one chart: from the last version to the first,
 * null entries and invalid metadata are dropped with helm's warnings. */
static void decode_chart(dec *d, kz_repo_index *idx, const kz_value *key, const kz_value *list,
                         const char *source, kz_buf *warnings) {
    kz_repo_chart *c = kz_repo_index_chart_slot(idx, kz_str(key), kz_str_len(key));
    if (kz_is_null(list)) return;
    if (!kz_is_seq(list)) {
        set_err(d, kz_repo_json_mismatch(list, "IndexFile", "entries", "repo.ChartVersions"));
        return;
    }
    size_t n = kz_len(list);
    bool *keep = kz_xcalloc(n ? n : 1, sizeof *keep);
    slow_version *sv = kz_xcalloc(n ? n : 1, sizeof *sv);
    for (size_t i = 0; i < n; i++) slow_version_init(&sv[i]);
    for (size_t i = 0; i < n && !failed(d); i++) {
        const kz_value *item = kz_seq_at(list, i);
        if (kz_is_null(item)) continue;
        if (!kz_is_map(item)) {
            set_err(d, kz_repo_json_mismatch(item, "IndexFile", "entries", "repo.ChartVersion"));
            break;
        }
        decode_version(d, item, &sv[i]);
        keep[i] = true;
    }
    /* validation, last to first as helm (its warnings come in that order) */
    for (size_t i = n; !failed(d) && i-- > 0;) {
        slow_version *v = &sv[i];
        if (!keep[i]) {
            if (warnings) {
                kz_buf_puts(warnings, "index.go:359: skipping loading invalid entry for chart ");
                warn_quoted(warnings, c->name);
                kz_buf_printf(warnings, " from %s: empty entry\n", source);
            }
            continue;
        }
        if (!kz_map_getz(&v->metadata, "apiVersion") ||
            kz_str_len(kz_map_getz(&v->metadata, "apiVersion")) == 0) {
            /* Metadata's field order: apiVersion goes after icon; the
             * emitters sort keys, so appending is enough */
            kz_map_setz(&v->metadata, "apiVersion", kz_string("v1"));
        }
        kz_value e = kz_chart_metadata_validate(&v->metadata);
        const char *msg = kz_error_message(&e);
        if (msg && strncmp(msg, "validation: more than one dependency with name or alias", 55) != 0) {
            if (warnings) {
                kz_buf_puts(warnings, "index.go:370: skipping loading invalid entry for chart ");
                warn_quoted(warnings, c->name);
                kz_buf_putc(warnings, ' ');
                warn_quoted(warnings, md_str(&v->metadata, "version"));
                kz_buf_printf(warnings, " from %s: %s\n", source, msg);
            }
            keep[i] = false;
        }
        kz_free(e);
    }
    for (size_t i = 0; i < n; i++) {
        if (!failed(d) && keep[i]) {
            kz_repo_chart_version *v = kz_repo_index_version_push(c);
            kz_repo_version_set(idx->pool, v, &sv[i].metadata, &sv[i].urls, &sv[i].created, sv[i].removed,
                                &sv[i].digest, &sv[i].deprecated);
        }
        slow_version_free(&sv[i]);
    }
    free(sv);
    free(keep);
}

static void decode_index(dec *d, const kz_value *doc, const char *source, kz_repo_index *idx,
                         kz_buf *warnings) {
    if (kz_is_null(doc)) return;
    if (!kz_is_map(doc)) {
        set_err(d, kz_error("json: cannot unmarshal %s into Go value of type repo.IndexFile",
                            kz_json_kind(doc)));
        return;
    }
    kz_value sorted = kz_copy(doc);
    kz_map_sort(&sorted, kz_key_cmp_bytes);
    for (size_t i = 0; i < kz_len(&sorted) && !failed(d); i++) {
        const kz_value *k = kz_map_key_at(&sorted, i);
        const kz_value *v = kz_map_value_at(&sorted, i);
        ptrdiff_t f = kz_repo_field_index(index_fields, 6, kz_str(k), kz_str_len(k));
        switch (f) {
        case -1:
            if (d->strict) unknown(d, k);
            break;
        case 0: /* serverInfo */
            if (!kz_is_null(v) && !kz_is_map(v))
                set_err(d, kz_repo_json_mismatch(v, "IndexFile", "serverInfo", "map[string]interface {}"));
            else if (kz_is_map(v)) {
                kz_free(idx->server_info);
                idx->server_info = kz_copy(v);
            }
            break;
        case 1: { /* apiVersion */
            kz_value s = kz_null();
            set_err(d, kz_repo_json_string(v, "IndexFile", "apiVersion", &s));
            if (kz_is_string(&s)) {
                free(idx->api_version);
                idx->api_version = kz_xstrdup(kz_str(&s));
            }
            kz_free(s);
            break;
        }
        case 2: { /* generated */
            kz_value t = kz_repo_json_time(v);
            if (kz_is_map(&t)) {
                kz_free(idx->generated);
                idx->generated = kz_copy(v);
                kz_free(t);
            } else if (!kz_is_null(&t)) {
                set_err(d, t);
            }
            break;
        }
        case 3: /* entries */
            if (kz_is_null(v)) break;
            if (!kz_is_map(v)) {
                set_err(d, kz_repo_json_mismatch(v, "IndexFile", "entries", "map[string]repo.ChartVersions"));
                break;
            }
            for (size_t j = 0; j < kz_len(v) && !failed(d); j++)
                decode_chart(d, idx, kz_map_key_at(v, j), kz_map_value_at(v, j), source, warnings);
            break;
        case 4: /* publicKeys */
            if (!kz_is_null(v) && !kz_is_seq(v))
                set_err(d, kz_repo_json_mismatch(v, "IndexFile", "publicKeys", "[]string"));
            else if (kz_is_seq(v)) {
                kz_free(idx->public_keys);
                idx->public_keys = kz_copy(v);
            }
            break;
        case 5: /* annotations */
            if (!kz_is_null(v) && !kz_is_map(v))
                set_err(d, kz_repo_json_mismatch(v, "IndexFile", "annotations", "map[string]string"));
            else if (kz_is_map(v)) {
                kz_free(idx->annotations);
                idx->annotations = kz_copy(v);
            }
            break;
        }
    }
    kz_free(sorted);
}

static kz_value load(const char *data, size_t len, const char *source, kz_repo_index *idx,
                     kz_buf *warnings, unsigned max_threads) {
    if (len == 0) return kz_error("empty index.yaml file");
    dec d = {false, kz_null()};
    kz_value doc;
    kz_buf junk = KZ_BUF_INIT;
    bool is_json = !kz_json_go_syntax_error(data, len, &junk);
    kz_buf_free(&junk);
    if (is_json) {
        kz_json_parse_opts jo = {KZ_JSON_NUMBERS_FLOAT64, source};
        doc = kz_json_parse(data, len, &jo);
    } else {
        if (max_threads != KZ_REPO_LOAD_SLOW &&
            kz_repo_index_parse_fast(data, len, source, idx, warnings, max_threads)) {
            kz_repo_index_sort(idx);
            if (!*idx->api_version) return kz_error("no API version specified");
            return kz_null();
        }
        kz_yaml_parse_opts po = {.schema = KZ_YAML_HELM, .source_name = source, .go_errors = true};
        doc = kz_yaml_parse_one(data, len, &po);
        /* go-yaml's decoding errors (duplicates) come after its syntax
         * errors but before sigs.k8s.io/yaml's conversion errors */
        kz_value dup = kz_repo_yaml_duplicates(data, len);
        if (!kz_is_null(&dup)) {
            kz_free(doc);
            kz_value e = kz_error("error converting YAML to JSON: %s", kz_error_message(&dup));
            kz_free(dup);
            return e;
        }
        if (!kz_is_valid(&doc)) {
            kz_value e = kz_error("error converting YAML to JSON: %s", kz_error_message(&doc));
            kz_free(doc);
            return e;
        }
        d.strict = true;
    }
    if (!kz_is_valid(&doc)) return doc;
    idx->loaded_from = 3;
    decode_index(&d, &doc, source, idx, warnings);
    kz_free(doc);
    if (failed(&d)) {
        kz_value e = kz_error("error unmarshaling JSON: while decoding JSON: %s", kz_error_message(&d.err));
        kz_free(d.err);
        return e;
    }
    kz_repo_index_sort(idx);
    if (!*idx->api_version) return kz_error("no API version specified");
    return kz_null();
}

kz_value kz_repo_index_load_ex(const char *data, size_t len, const char *source, kz_repo_index *idx,
                               kz_buf *warnings, unsigned max_threads) {
    kz_repo_index_init(idx);
    kz_buf w = KZ_BUF_INIT;
    kz_value e = load(data, len, source, idx, &w, max_threads);
    if (w.len) {
        if (warnings) kz_buf_append(warnings, w.data, w.len);
        idx->load_warnings = kz_buf_detach(&w, NULL);
    }
    kz_buf_free(&w);
    return e;
}

kz_value kz_repo_index_load(const char *data, size_t len, const char *source, kz_repo_index *idx,
                            kz_buf *warnings) {
    return kz_repo_index_load_ex(data, len, source, idx, warnings, 0);
}

kz_value kz_repo_index_load_file_ex(const char *path, kz_repo_index *idx, kz_buf *warnings, unsigned max_threads) {
    kz_buf b = KZ_BUF_INIT;
    kz_value err = kz_null();
    if (kz_file_read(path, &b, &err) != 0) {
        kz_repo_index_init(idx);
        return err;
    }
    kz_value r = kz_repo_index_load_ex(b.data ? b.data : "", b.len, path, idx, warnings, max_threads);
    kz_buf_free(&b);
    if (!kz_is_null(&r)) {
        kz_value e = kz_error("error loading %s: %s", path, kz_error_message(&r));
        kz_free(r);
        return e;
    }
    return r;
}

kz_value kz_repo_index_load_file(const char *path, kz_repo_index *idx, kz_buf *warnings) {
    return kz_repo_index_load_file_ex(path, idx, warnings, 0);
}
/* ---- sorting, lookup ---- */

/* ChartVersions.Less under sort.Reverse: b before a when b is newer. */
static int newer_first(const kz_repo_chart_version *a, const kz_repo_chart_version *b) {
    bool ao = a->semver.original != NULL, bo = b->semver.original != NULL;
    if (!ao || !bo) return ao == bo ? 0 : (ao ? -1 : 1); /* unparsable last */
    return kz_semver_compare(&b->semver, &a->semver);
}

/* A stable merge sort (helm's sort is stable for the short lists indexes have). */
static void merge_sort(kz_repo_chart_version *v, kz_repo_chart_version *tmp, size_t n) {
    if (n < 2) return;
    size_t h = n / 2;
    merge_sort(v, tmp, h);
    merge_sort(v + h, tmp, n - h);
    size_t i = 0, j = h, k = 0;
    while (i < h && j < n) tmp[k++] = newer_first(&v[j], &v[i]) < 0 ? v[j++] : v[i++];
    while (i < h) tmp[k++] = v[i++];
    while (j < n) tmp[k++] = v[j++];
    memcpy(v, tmp, n * sizeof *v);
}

/* Whether c's versions are in order already (a parallel load sorts each
 * piece on its own thread, and many indexes list the newest first). */
static bool in_order(const kz_repo_chart *c) {
    for (size_t i = 1; i < c->len; i++)
        if (newer_first(&c->v[i], &c->v[i - 1]) < 0) return false;
    return true;
}

void kz_repo_index_sort(kz_repo_index *idx) {
    for (size_t i = 0; i < idx->len; i++) {
        kz_repo_chart *c = &idx->charts[i];
        if (c->len < 2 || in_order(c)) continue;
        kz_repo_chart_version *tmp = kz_xmalloc(c->len * sizeof *tmp);
        merge_sort(c->v, tmp, c->len);
        free(tmp);
    }
}

kz_value kz_repo_index_get(const kz_repo_index *idx, const char *name, const char *version,
                           const kz_repo_chart_version **out) {
    *out = NULL;
    const kz_repo_chart *c = kz_repo_index_chart(idx, name);
    if (!c) return kz_error("no chart name found");
    if (c->len == 0) return kz_error("no chart version found");
    const char *cs = version && *version ? version : "*";
    kz_semver_constraint *con = NULL;
    kz_value err = kz_semver_constraint_parse(cs, strlen(cs), &con);
    if (!kz_is_null(&err)) return err;
    if (version && *version) {
        for (size_t i = 0; i < c->len; i++) {
            if (strcmp(c->v[i].version, version) == 0) {
                *out = &c->v[i];
                kz_semver_constraint_free(con);
                return kz_null();
            }
        }
    }
    for (size_t i = 0; i < c->len; i++) {
        if (!c->v[i].semver.original) continue;
        if (kz_semver_constraint_check(con, &c->v[i].semver)) {
            *out = &c->v[i];
            kz_semver_constraint_free(con);
            return kz_null();
        }
    }
    kz_semver_constraint_free(con);
    return kz_error("no chart version found for %s-%s", name, version ? version : "");
}

bool kz_repo_index_has(const kz_repo_index *idx, const char *name, const char *version) {
    const kz_repo_chart_version *v;
    kz_value e = kz_repo_index_get(idx, name, version, &v);
    bool ok = kz_is_null(&e);
    kz_free(e);
    return ok;
}

void kz_repo_index_charts_txt(const kz_repo_index *idx, kz_buf *out) {
    for (size_t i = 0; i < idx->len; i++) {
        kz_buf_puts(out, idx->charts[i].name);
        kz_buf_putc(out, '\n');
    }
}

/* ---- building and merging ---- */

void kz_repo_index_add(kz_repo_index *idx, kz_value metadata, kz_value urls, kz_value created,
                       kz_value digest) {
    const kz_value *n = kz_map_getz(&metadata, "name");
    kz_repo_chart *c = kz_repo_index_chart_slot(idx, n ? kz_str(n) : "", n ? kz_str_len(n) : 0);
    kz_repo_chart_version *v = kz_repo_index_version_push(c);
    kz_value dep = kz_map();
    kz_repo_version_set(idx->pool, v, &metadata, &urls, &created, false, &digest, &dep);
    kz_free(dep);
    kz_free(metadata);
    kz_free(urls);
    kz_free(created);
    kz_free(digest);
}

void kz_repo_index_merge(kz_repo_index *idx, const kz_repo_index *from) {
    for (size_t i = 0; i < from->len; i++) {
        const kz_repo_chart *fc = &from->charts[i];
        for (size_t j = 0; j < fc->len; j++) {
            const kz_repo_chart_version *v = &fc->v[j];
            if (kz_repo_index_has(idx, v->name, v->version)) continue;
            kz_repo_chart *c = kz_repo_index_chart_slot(idx, v->name, strlen(v->name));
            kz_repo_version_copy(idx->pool, kz_repo_index_version_push(c), v);
        }
    }
}

/* ---- writing ---- */

/* A STRING time as encoding/json prints it again (RFC 3339 with nanoseconds). */
static kz_value time_again(const kz_value *s) {
    if (!kz_is_string(s)) return kz_repo_time_text(s);
    kz_value t = kz_repo_json_time(s);
    kz_value r = kz_repo_time_text(&t);
    kz_free(t);
    return r;
}

/* A version as ChartVersion marshals: Metadata's fields, then its own, in
 * the struct's order (the YAML emitter sorts them; JSON keeps them). */
static kz_value version_doc(const kz_repo_chart_version *v) {
    kz_value m = kz_repo_chart_version_metadata(v);
    kz_value urls = kz_null();
    if (v->urls) {
        urls = kz_seq();
        for (size_t i = 0; i < v->nurls; i++) kz_seq_push(&urls, kz_string(v->urls[i]));
    }
    kz_map_setz(&m, "urls", urls);
    kz_value created = v->created ? kz_string(v->created) : kz_invalid();
    kz_map_setz(&m, "created", time_again(&created));
    kz_free(created);
    if (v->removed) kz_map_setz(&m, "removed", kz_bool(true));
    if (v->digest && *v->digest) kz_map_setz(&m, "digest", kz_string(v->digest));
    kz_value dep = kz_repo_chart_version_deprecated(v);
    for (size_t i = 0; i < kz_len(&dep); i++) {
        const kz_value *val = kz_map_value_at(&dep, i);
        if (kz_str_len(val)) kz_map_set(&m, kz_copy(kz_map_key_at(&dep, i)), kz_copy(val));
    }
    kz_free(dep);
    return m;
}

/* json.MarshalIndent(v, "", "  ") where mappings are Go structs (printed in
 * their insertion order) but for the fields holding Go maps or interface
 * values (annotations, serverInfo, import-values), printed by the JSON
 * emitter (keys sorted). */
static int json_indent(kz_buf *out, const kz_value *v, size_t level, bool gomap, kz_value *err) {
    kz_buf pre = KZ_BUF_INIT;
    for (size_t i = 0; i < level; i++) kz_buf_puts(&pre, "  ");
    int rc = 0;
    if (gomap || (!kz_is_map(v) && !kz_is_seq(v))) {
        kz_json_emit_opts jo = {.prefix = kz_buf_cstr(&pre), .indent = "  "};
        rc = kz_json_emit(out, v, &jo, err);
    } else if (kz_len(v) == 0) {
        kz_buf_puts(out, kz_is_map(v) ? "{}" : "[]");
    } else {
        bool map = kz_is_map(v);
        kz_buf_putc(out, map ? '{' : '[');
        for (size_t i = 0; i < kz_len(v) && rc == 0; i++) {
            kz_buf_puts(out, i ? ",\n" : "\n");
            kz_buf_append(out, pre.data ? pre.data : "", pre.len);
            kz_buf_puts(out, "  ");
            const kz_value *item = map ? kz_map_value_at(v, i) : kz_seq_at(v, i);
            bool child_gomap = false;
            if (map) {
                const kz_value *k = kz_map_key_at(v, i);
                rc = kz_json_emit(out, k, NULL, err);
                kz_buf_puts(out, ": ");
                child_gomap = level != 1 && (!strcmp(kz_str(k), "annotations") || !strcmp(kz_str(k), "serverInfo") ||
                              !strcmp(kz_str(k), "import-values"));
            }
            if (rc == 0) rc = json_indent(out, item, level + 1, child_gomap, err);
        }
        kz_buf_putc(out, '\n');
        kz_buf_append(out, pre.data ? pre.data : "", pre.len);
        kz_buf_putc(out, map ? '}' : ']');
    }
    kz_buf_free(&pre);
    return rc;
}

static int cmp_chart_name(const void *a, const void *b) {
    return strcmp((*(const kz_repo_chart *const *)a)->name, (*(const kz_repo_chart *const *)b)->name);
}

kz_value kz_repo_index_write(const kz_repo_index *idx, const kz_value *generated, bool json, kz_buf *out) {
    kz_value doc = kz_map();
    if (kz_is_map(&idx->server_info) && kz_len(&idx->server_info))
        kz_map_setz(&doc, "serverInfo", kz_copy(&idx->server_info));
    kz_map_setz(&doc, "apiVersion", kz_string(idx->api_version));
    kz_map_setz(&doc, "generated", generated ? kz_repo_time_text(generated) : time_again(&idx->generated));
    /* entries is a Go map: keys sorted */
    const kz_repo_chart **order = kz_xmalloc((idx->len ? idx->len : 1) * sizeof *order);
    for (size_t i = 0; i < idx->len; i++) order[i] = &idx->charts[i];
    if (idx->len) qsort(order, idx->len, sizeof *order, cmp_chart_name);
    kz_value entries = kz_map();
    for (size_t i = 0; i < idx->len; i++) {
        const kz_repo_chart *c = order[i];
        kz_value list = kz_seq();
        for (size_t j = 0; j < c->len; j++) kz_seq_push(&list, version_doc(&c->v[j]));
        kz_map_setz(&entries, c->name, list);
    }
    free(order);
    kz_map_setz(&doc, "entries", entries);
    if (kz_is_seq(&idx->public_keys) && kz_len(&idx->public_keys))
        kz_map_setz(&doc, "publicKeys", kz_copy(&idx->public_keys));
    if (kz_is_map(&idx->annotations) && kz_len(&idx->annotations))
        kz_map_setz(&doc, "annotations", kz_copy(&idx->annotations));
    kz_value err = kz_null();
    int rc;
    if (json) {
        rc = json_indent(out, &doc, 0, false, &err);
    } else {
        rc = kz_yaml_emit_checked(out, &doc, &err);
    }
    kz_free(doc);
    return rc == 0 ? kz_null() : err;
}
