/* Rendered files to Helm's manifest stream (see manifest.h). */
#include "json/json.h"
#include "chart/manifest.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/unicode.h"
#include "core/alloc.h"
#include "core/parallel.h"
#include "core/utf8.h"
#include "funcs/funcs_internal.h"
#include "tmpl/fmt.h"
#include "yaml/parse.h"
#include "yaml/parse_scalar.h"

/* ---- text helpers ---- */


/* strings.TrimSpace of s[*start..*end). */
static void trim_space(const char *s, size_t *start, size_t *end) {
    while (*start < *end) {
        uint32_t r;
        size_t w = kz_utf8_decode((const unsigned char *)s + *start, *end - *start, &r);
        if (!kz_go_is_space(r) || r == KZ_RUNE_ERROR) break;
        *start += w;
    }
    while (*end > *start) {
        size_t back = 1; /* find the last rune's first byte */
        while (back < 4 && back < *end - *start && ((unsigned char)s[*end - back] & 0xC0) == 0x80) back++;
        uint32_t r;
        size_t w = kz_utf8_decode((const unsigned char *)s + *end - back, back, &r);
        if (w != back || !kz_go_is_space(r) || r == KZ_RUNE_ERROR) break;
        *end -= back;
    }
}

/* \s of Go's regexp (RE2): ASCII white space without \v. */
static bool re_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r'; }

/* The next match of Helm's separator `(?:^|\s*\n)---\s*` in s[from..n), at
 * or after `from` (leftmost first, as Go's Split finds them): true with the
 * match in [*ms, *me). */
static bool next_separator(const char *s, size_t n, size_t from, size_t *ms, size_t *me) {
    if (from == 0 && n >= 3 && memcmp(s, "---", 3) == 0) {
        *ms = 0;
        *me = 3;
        while (*me < n && re_space(s[*me])) (*me)++;
        return true;
    }
    /* Every other match ends in "\n---", and starts where the white space
     * before that newline starts (not before `from`): the first "\n---"
     * gives the leftmost match. memchr finds the newlines. */
    for (size_t p = from; p < n;) {
        const char *nl = memchr(s + p, '\n', n - p);
        if (!nl) return false;
        size_t q = (size_t)(nl - s);
        if (n - q - 1 >= 3 && memcmp(s + q + 1, "---", 3) == 0) {
            size_t i = q;
            while (i > from && re_space(s[i - 1])) i--;
            *ms = i;
            *me = q + 4;
            while (*me < n && re_space(s[*me])) (*me)++;
            return true;
        }
        p = q + 1;
    }
    return false;
}

size_t kz_manifest_split(const char *text, size_t len, size_t **spans) {
    size_t start = 0, end = len;
    trim_space(text, &start, &end);
    const char *s = text + start;
    size_t n = end - start, count = 0, cap = 0, from = 0, piece = 0;
    for (;;) {
        size_t ms = n, me = n;
        bool found = next_separator(s, n, from, &ms, &me);
        size_t a = piece, b = found ? ms : n;
        if (b > a) { /* Helm drops "" pieces before trimming: a piece of other
                      * white space (\v) stays, as an empty document */
            trim_space(s, &a, &b);
            if (count == cap) {
                cap = cap ? cap * 2 : 8;
                *spans = kz_xrealloc(*spans, 2 * cap * sizeof **spans);
            }
            (*spans)[2 * count] = start + a;
            (*spans)[2 * count + 1] = b - a;
            count++;
        }
        if (!found) break;
        piece = me;
        from = me > ms ? me : ms + 1;
        if (from > n) break;
    }
    return count;
}

/* ---- document heads ---- */

/* Helm's install order (releaseutil.InstallOrder, as v3.17.3 has it: the
 * webhook configurations are not in it); other kinds come after,
 * alphabetically. */
static const char *const install_order[] = {
    "PriorityClass", "Namespace", "NetworkPolicy", "ResourceQuota", "LimitRange", "PodSecurityPolicy",
    "PodDisruptionBudget", "ServiceAccount", "Secret", "SecretList", "ConfigMap", "StorageClass",
    "PersistentVolume", "PersistentVolumeClaim", "CustomResourceDefinition", "ClusterRole", "ClusterRoleList",
    "ClusterRoleBinding", "ClusterRoleBindingList", "Role", "RoleList", "RoleBinding", "RoleBindingList",
    "Service", "DaemonSet", "Pod", "ReplicationController", "ReplicaSet", "Deployment",
    "HorizontalPodAutoscaler", "StatefulSet", "Job", "CronJob", "IngressClass", "Ingress", "APIService",
};

static int kind_rank(const char *kind) {
    for (size_t i = 0; i < sizeof install_order / sizeof install_order[0]; i++)
        if (strcmp(kind, install_order[i]) == 0) return (int)i;
    return -1;
}


/* sigs.k8s.io/yaml turns a scalar into the string a string field wants; a
 * list or map cannot be one. JSON's null leaves the field as it was. */
static kz_value head_string(const kz_value *v, const char *field, char **out) {
    if (!v || kz_is_null(v)) return kz_null();
    if (kz_is_seq(v) || kz_is_map(v))
        return kz_error("error unmarshaling JSON: while decoding JSON: json: cannot unmarshal %s into Go struct "
                        "field %s of type string",
                        kz_json_kind(v), field);
    kz_buf b = KZ_BUF_INIT;
    if (kz_kind_of(v) == KZ_FLOAT) kz_yaml_format_float32_g(&b, kz_float_get(v)); /* (+Inf, NaN too) */
    else kz_strval(v, &b);
    free(*out);
    *out = kz_buf_detach(&b, NULL);
    return kz_null();
}

#define HEAD_METADATA_TYPE                                                                                      \
    "struct { Name string \"json:\\\"name\\\"\"; Annotations map[string]string \"json:\\\"annotations\\\"\" }"

typedef struct head {
    char *kind, *name;
    char *hook; /* helm.sh/hook's value ("" for null), NULL when there is none */
    size_t hook_len; /* (it may hold NULs) */
} head;

static void head_free(head *h) {
    free(h->kind);
    free(h->name);
    free(h->hook);
}

/* ---- matching keys to fields as encoding/json does ----
 *
 * sigs.k8s.io/yaml makes JSON of the document, its objects' keys sorted (it
 * marshals Go maps), and encoding/json decodes that into SimpleHead: a key
 * names a field whatever its case ("KIND" is kind), later keys overwrite
 * earlier ones, and of several type errors the first in that order is the
 * one reported. */

/* Does `key` fold to `upper`, an upper-case ASCII field name? Go folds ASCII
 * case and, of the other runes, only the Kelvin sign (a K) and the long s
 * (an S) fold to ASCII letters. */
static bool key_folds_to(const kz_value *key, const char *upper) {
    const unsigned char *k = (const unsigned char *)kz_str(key);
    size_t n = kz_str_len(key), i = 0;
    for (; *upper; upper++) {
        if (i < n && k[i] < 0x80) {
            unsigned char c = k[i] >= 'a' && k[i] <= 'z' ? (unsigned char)(k[i] - 32) : k[i];
            if (c != (unsigned char)*upper) return false;
            i++;
        } else if (*upper == 'K' && n - i >= 3 && memcmp(k + i, "\xE2\x84\xAA", 3) == 0) {
            i += 3;
        } else if (*upper == 'S' && n - i >= 2 && memcmp(k + i, "\xC5\xBF", 2) == 0) {
            i += 2;
        } else {
            return false;
        }
    }
    return i == n;
}

/* Go's string order of two keys (bytes, then length). */
static int key_cmp(const kz_value *a, const kz_value *b) {
    size_t la = kz_str_len(a), lb = kz_str_len(b);
    int c = memcmp(kz_str(a), kz_str(b), la < lb ? la : lb);
    return c ? c : (la > lb) - (la < lb);
}

typedef struct field_match {
    size_t at;  /* entry of the map */
    int field;  /* index in the field list */
} field_match;

enum { MATCH_STACK = 8 };

/* SimpleHead's fields, and its metadata's, as upper-case names */
static const char *const head_fields[] = {"APIVERSION", "KIND", "METADATA"};
static const char *const metadata_fields[] = {"NAME", "ANNOTATIONS"};

/* The entries of map m that name one of the fields (upper-case names), in
 * the order json decodes them: by key. Most documents have each field
 * once, spelt as Helm spells it; `stack` holds that many, more go to the
 * heap (*out then differs from stack and is the caller's to free). */
static size_t match_fields(const kz_value *m, const char *const *fields, int nfields, field_match *stack,
                           field_match **out) {
    size_t n = 0, cap = MATCH_STACK;
    *out = stack;
    for (size_t i = 0; i < kz_len(m); i++) {
        const kz_value *key = kz_map_key_at(m, i);
        for (int f = 0; f < nfields; f++) {
            if (!key_folds_to(key, fields[f])) continue;
            if (n == cap) {
                field_match *grown = kz_xmalloc(2 * cap * sizeof *grown);
                memcpy(grown, *out, n * sizeof *grown);
                if (*out != stack) free(*out);
                *out = grown;
                cap *= 2;
            }
            size_t j = n++; /* insertion by key: n is tiny */
            while (j > 0 && key_cmp(kz_map_key_at(m, (*out)[j - 1].at), key) > 0) {
                (*out)[j] = (*out)[j - 1];
                j--;
            }
            (*out)[j] = (field_match){i, f};
            break;
        }
    }
    return n;
}

/* annotations (map[string]string): an error for the first value by key that
 * is no string (a list or a map), else helm.sh/hook's value into h->hook.
 * The maps of several matching keys merge, as json decodes into the map it
 * has; null empties it. */
static kz_value decode_annotations(const kz_value *ann, head *h) {
    if (kz_is_null(ann)) {
        free(h->hook);
        h->hook = NULL;
        return kz_null();
    }
    if (!kz_is_map(ann))
        return kz_error("error unmarshaling JSON: while decoding JSON: json: cannot unmarshal %s into Go "
                        "struct field .metadata.annotations of type map[string]string",
                        kz_json_kind(ann));
    const kz_value *bad = NULL, *bad_key = NULL;
    for (size_t i = 0; i < kz_len(ann); i++) {
        const kz_value *v = kz_map_value_at(ann, i), *k = kz_map_key_at(ann, i);
        if ((kz_is_seq(v) || kz_is_map(v)) && (!bad_key || key_cmp(k, bad_key) < 0)) bad = v, bad_key = k;
    }
    if (bad) {
        char *unused = NULL;
        return head_string(bad, ".metadata.annotations", &unused);
    }
    const kz_value *hook = kz_map_getz(ann, "helm.sh/hook");
    if (!hook) return kz_null();
    free(h->hook);
    h->hook = NULL;
    if (kz_is_null(hook)) { /* json sets a null element to "" */
        h->hook = kz_xstrdup("");
        h->hook_len = 0;
        return kz_null();
    }
    kz_value err = head_string(hook, ".metadata.annotations", &h->hook);
    h->hook_len = kz_is_string(hook) ? kz_str_len(hook) : strlen(h->hook);
    return err;
}

/* metadata, a pointer to a struct: null clears it, an object is decoded
 * into what earlier keys left. */
static kz_value decode_metadata(const kz_value *meta, head *h) {
    if (kz_is_null(meta)) {
        free(h->name), free(h->hook);
        h->name = h->hook = NULL;
        return kz_null();
    }
    if (!kz_is_map(meta))
        return kz_error("error unmarshaling JSON: while decoding JSON: json: cannot unmarshal %s into Go struct "
                        "field SimpleHead.metadata of type " HEAD_METADATA_TYPE,
                        kz_json_kind(meta));
    field_match stack[MATCH_STACK], *m;
    size_t n = match_fields(meta, metadata_fields, 2, stack, &m);
    kz_value err = kz_null();
    for (size_t i = 0; i < n && kz_is_null(&err); i++) {
        const kz_value *v = kz_map_value_at(meta, m[i].at);
        err = m[i].field == 0 ? head_string(v, ".metadata.name", &h->name) : decode_annotations(v, h);
    }
    if (m != stack) free(m);
    return err;
}

/* ---- NaN and infinities ----
 *
 * JSON has none: sigs.k8s.io/yaml fails on them ("json: unsupported value:
 * +Inf"), except where it converts a scalar for a string field of SimpleHead
 * (kind: .inf is the kind "+Inf"). The YAML parse reports every one; when it
 * does, the document is read again keeping them, and the first that JSON
 * would get, keys sorted, is looked for. */


typedef enum target { T_ANY, T_STRING, T_HEAD, T_METADATA, T_ANNOTATIONS } target;

static const kz_value *first_nonfinite(const kz_value *v, target t);

/* The first non-finite value of map m's entries, by key, each entry's
 * target the field its key names (T_ANY when none). */
static const kz_value *map_nonfinite(const kz_value *m, target t) {
    const kz_value *best = NULL, *best_key = NULL;
    for (size_t i = 0; i < kz_len(m); i++) {
        const kz_value *key = kz_map_key_at(m, i);
        if (best_key && key_cmp(key, best_key) > 0) continue;
        target sub = t == T_ANNOTATIONS ? T_STRING : T_ANY;
        for (int f = 0; t == T_HEAD && f < 3; f++)
            if (key_folds_to(key, head_fields[f])) sub = f == 2 ? T_METADATA : T_STRING;
        for (int f = 0; t == T_METADATA && f < 2; f++)
            if (key_folds_to(key, metadata_fields[f])) sub = f == 1 ? T_ANNOTATIONS : T_STRING;
        const kz_value *bad = first_nonfinite(kz_map_value_at(m, i), sub);
        if (bad) best = bad, best_key = key;
    }
    return best;
}

static const kz_value *first_nonfinite(const kz_value *v, target t) {
    if (kz_kind_of(v) == KZ_FLOAT) {
        double f = kz_float_get(v);
        return t != T_STRING && (isnan(f) || isinf(f)) ? v : NULL;
    }
    if (kz_is_map(v)) return map_nonfinite(v, t == T_STRING ? T_ANY : t);
    for (size_t i = 0; kz_is_seq(v) && i < kz_len(v); i++) { /* elements have no target */
        const kz_value *bad = first_nonfinite(kz_seq_at(v, i), T_ANY);
        if (bad) return bad;
    }
    return NULL;
}

/* The document parsed again, keeping NaN and infinities: an error value
 * for the first JSON would reject, else the document. */
static kz_value parse_nonfinite(const char *doc, size_t len) {
    kz_yaml_parse_opts o = {.schema = KZ_YAML_HELM, .max_threads = 1, .go_errors = true, .keep_nonfinite = true,
                            .int_values = true};
    kz_value v = kz_yaml_parse_one(doc, len, &o);
    const kz_value *bad = kz_error_message(&v) ? NULL : first_nonfinite(&v, T_HEAD);
    if (!bad) return v;
    double f = kz_float_get(bad);
    kz_free(v);
    return kz_error("json: unsupported value: %s", isnan(f) ? "NaN" : f > 0 ? "+Inf" : "-Inf");
}

/* Helm's SimpleHead of one document: yaml.Unmarshal into {apiVersion, kind,
 * metadata{name, annotations}}, with the errors that unmarshalling gives. */
static kz_value read_head(const char *doc, size_t len, head *h) {
    kz_yaml_parse_opts o = {.schema = KZ_YAML_HELM, .max_threads = 1, .go_errors = true, .int_values = true};
    kz_value v = kz_yaml_parse_one(doc, len, &o);
    kz_value err = kz_null();
    const char *msg = kz_error_message(&v);
    if (msg && strncmp(msg, "json: unsupported value: ", 25) == 0) {
        kz_free(v);
        v = parse_nonfinite(doc, len);
    }
    if (kz_error_message(&v)) {
        err = kz_error("error converting YAML to JSON: %s", kz_error_message(&v));
    } else if (!kz_is_null(&v) && !kz_is_map(&v)) {
        err = kz_error("error unmarshaling JSON: while decoding JSON: json: cannot unmarshal %s into Go value of "
                       "type releaseutil.SimpleHead",
                       kz_json_kind(&v));
    } else if (kz_is_map(&v)) {
        field_match stack[MATCH_STACK], *m;
        size_t n = match_fields(&v, head_fields, 3, stack, &m);
        char *api = NULL;
        for (size_t i = 0; i < n && kz_is_null(&err); i++) {
            const kz_value *x = kz_map_value_at(&v, m[i].at);
            if (m[i].field == 0) err = head_string(x, "SimpleHead.apiVersion", &api);
            else if (m[i].field == 1) err = head_string(x, "SimpleHead.kind", &h->kind);
            else err = decode_metadata(x, h);
        }
        free(api);
        if (m != stack) free(m);
    }
    kz_free(v);
    return err;
}

/* ---- hooks ---- */

static const char *const hook_events[] = {"pre-install",  "post-install", "pre-delete",    "post-delete",
                                          "pre-upgrade",  "post-upgrade", "pre-rollback",  "post-rollback",
                                          "test",         "test-success"};

/* Helm's events of a hook annotation: false if one is unknown. */
static bool hook_events_known(const char *spec, size_t spec_len, bool *is_test) {
    *is_test = false;
    const char *p = spec, *end = spec + spec_len;
    for (;;) {
        const char *comma = memchr(p, ',', (size_t)(end - p));
        size_t n = comma ? (size_t)(comma - p) : (size_t)(end - p);
        size_t a = 0, b = n;
        trim_space(p, &a, &b);
        char event[32];
        size_t len = 0;
        for (size_t i = a; i < b && len + 1 < sizeof event; i++) { /* strings.ToLower: of the other runes only
                                                                     * the Kelvin sign and İ lower to ASCII */
            if (p[i] >= 'A' && p[i] <= 'Z') event[len++] = (char)(p[i] + 32);
            else if (b - i >= 3 && memcmp(p + i, "\xE2\x84\xAA", 3) == 0) event[len++] = 'k', i += 2; /* Kelvin sign */
            else if (b - i >= 2 && memcmp(p + i, "\xC4\xB0", 2) == 0) event[len++] = 'i', i += 1; /* İ */
            else event[len++] = p[i];
        }
        if (len + 1 == sizeof event) return false; /* longer than any event */
        event[len] = '\0';
        bool known = false;
        for (size_t i = 0; i < sizeof hook_events / sizeof hook_events[0]; i++) /* (event may hold a NUL) */
            if (strlen(hook_events[i]) == len && memcmp(event, hook_events[i], len) == 0) known = true;
        if (!known) return false;
        if (strcmp(event, "test") == 0 || strcmp(event, "test-success") == 0) *is_test = true;
        if (!comma) return true;
        p = comma + 1;
    }
}

/* ---- sorting ---- */

typedef struct list {
    kz_manifest *items;
    size_t n, cap;
} list;

static void list_push(list *l, kz_manifest m) {
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 16;
        l->items = kz_xrealloc(l->items, l->cap * sizeof *l->items);
    }
    l->items[l->n++] = m;
}

/* Helm's lessByKind: known kinds by install order, unknown kinds after them
 * by name; equal ranks keep their order (the sort is stable). Each item's
 * rank is looked up once, not in every comparison. */
typedef struct ranked {
    int rank; /* in install_order, or -1 */
    kz_manifest m;
} ranked;

static int cmp_kind(const ranked *a, const ranked *b) {
    if (a->rank < 0 && b->rank < 0) return strcmp(a->m.kind, b->m.kind);
    if (a->rank < 0) return 1;
    if (b->rank < 0) return -1;
    return (a->rank > b->rank) - (a->rank < b->rank);
}

static void sort_stable(kz_manifest *items, size_t n) {
    if (n < 2) return;
    ranked *v = kz_xmalloc(2 * n * sizeof *v), *tmp = v + n;
    for (size_t i = 0; i < n; i++) v[i] = (ranked){kind_rank(items[i].kind), items[i]};
    for (size_t width = 1; width < n; width *= 2) { /* bottom-up merge sort */
        for (size_t lo = 0; lo < n; lo += 2 * width) {
            size_t mid = lo + width < n ? lo + width : n, hi = lo + 2 * width < n ? lo + 2 * width : n;
            size_t i = lo, j = mid, k = lo;
            while (i < mid && j < hi) tmp[k++] = cmp_kind(&v[j], &v[i]) < 0 ? v[j++] : v[i++];
            while (i < mid) tmp[k++] = v[i++];
            while (j < hi) tmp[k++] = v[j++];
        }
        memcpy(v, tmp, n * sizeof *tmp);
    }
    for (size_t i = 0; i < n; i++) items[i] = v[i].m;
    free(v);
}

static int cmp_path(const void *a, const void *b) {
    const kz_rendered_file *x = *(const kz_rendered_file *const *)a, *y = *(const kz_rendered_file *const *)b;
    return strcmp(x->path, y->path);
}

static bool is_partial(const char *path) {
    const char *base = strrchr(path, '/');
    return (base ? base[1] : path[0]) == '_';
}

static bool is_blank(const char *s, size_t n) {
    size_t a = 0, b = n;
    trim_space(s, &a, &b);
    return a == b;
}

static kz_manifest manifest_new(const char *path, const char *doc, size_t len, head *h) {
    kz_manifest m = {.path = kz_xstrdup(path), .kind = h->kind ? h->kind : kz_xstrdup(""),
                     .name = h->name ? h->name : kz_xstrdup("")};
    m.content = kz_xmalloc(len + 1);
    memcpy(m.content, doc, len);
    m.content[len] = '\0';
    h->kind = h->name = NULL;
    return m;
}

static void manifest_free(kz_manifest *m) {
    free(m->path);
    free(m->content);
    free(m->kind);
    free(m->name);
}

/* One document of a rendered file, with its head once read. */
typedef struct doc {
    const kz_rendered_file *file;
    const char *text;
    size_t len;
    head head;
    kz_value err;
    bool read; /* head and err are set (read ahead) */
} doc;

/* The documents of the files in order, skipping partials and blank files. */
static doc *split_docs(const kz_rendered_file *const *order, size_t n, size_t *count, size_t *bytes) {
    doc *docs = NULL;
    size_t len = 0, cap = 0;
    *bytes = 0;
    for (size_t i = 0; i < n; i++) {
        const kz_rendered_file *f = order[i];
        if (is_partial(f->path) || is_blank(f->text, f->len)) continue;
        size_t *spans = NULL;
        size_t k = kz_manifest_split(f->text, f->len, &spans);
        for (size_t d = 0; d < k; d++) {
            if (len == cap) {
                cap = kz_grow_cap(cap, len + 1);
                docs = kz_xrealloc(docs, cap * sizeof *docs);
            }
            docs[len++] = (doc){f, f->text + spans[2 * d], spans[2 * d + 1], {0}, kz_null(), false};
            *bytes += spans[2 * d + 1];
        }
        free(spans);
    }
    *count = len;
    return docs;
}

static void read_head_job(void *ctx, size_t i) {
    doc *d = (doc *)ctx + i;
    if (!d->read) d->err = read_head(d->text, d->len, &d->head);
}

/* ---- heads read ahead ---- */

typedef struct early_file {
    const char *path, *text;
    size_t len;
    doc *docs; /* file unused: a file handed in needn't be one sorted later */
    size_t ndocs;
} early_file;

struct kz_manifest_reader {
    early_file *files;
    size_t cap, count;
    kz_parallel_batch *batch; /* NULL once finished */
    doc **index;              /* every doc read, by text address, once finished */
    size_t nindex;
    size_t taken;
};

static void read_file_job(void *ctx, size_t i) {
    early_file *f = &((kz_manifest_reader *)ctx)->files[i];
    if (is_partial(f->path) || is_blank(f->text, f->len)) return;
    size_t *spans = NULL;
    f->ndocs = kz_manifest_split(f->text, f->len, &spans);
    f->docs = kz_xcalloc(f->ndocs ? f->ndocs : 1, sizeof *f->docs);
    for (size_t d = 0; d < f->ndocs; d++) {
        doc *x = &f->docs[d];
        x->text = f->text + spans[2 * d];
        x->len = spans[2 * d + 1];
        x->err = read_head(x->text, x->len, &x->head);
        x->read = true;
    }
    free(spans);
}

kz_manifest_reader *kz_manifest_reader_start(size_t capacity) {
    if (capacity == 0) return NULL;
    kz_manifest_reader *r = kz_xcalloc(1, sizeof *r);
    r->files = kz_xcalloc(capacity, sizeof *r->files);
    r->cap = capacity;
    r->batch = kz_parallel_open(capacity, 0, read_file_job, r);
    return r;
}

void kz_manifest_reader_add(kz_manifest_reader *r, const char *path, const char *text, size_t len) {
    if (!r || !r->batch || r->count == r->cap) return;
    r->files[r->count] = (early_file){path, text, len, NULL, 0};
    r->count++;
    kz_parallel_post(r->batch);
}

static int doc_by_address(const void *a, const void *b) {
    const char *x = (*(doc *const *)a)->text, *y = (*(doc *const *)b)->text;
    return x < y ? -1 : x > y;
}

/* Wait for the reads and index what they found. */
void kz_manifest_reader_wait(kz_manifest_reader *r) {
    if (!r || !r->batch) return;
    kz_parallel_finish(r->batch);
    r->batch = NULL;
    size_t n = 0;
    for (size_t i = 0; i < r->count; i++) n += r->files[i].ndocs;
    r->index = kz_xmalloc((n ? n : 1) * sizeof *r->index);
    for (size_t i = 0; i < r->count; i++)
        for (size_t d = 0; d < r->files[i].ndocs; d++) r->index[r->nindex++] = &r->files[i].docs[d];
    qsort(r->index, r->nindex, sizeof *r->index, doc_by_address);
}

/* Move what the reader read of d's text (same bytes, same place) into d. */
static void take_early(kz_manifest_reader *r, doc *d) {
    doc key = {.text = d->text}, *k = &key;
    doc **at = bsearch(&k, r->index, r->nindex, sizeof *r->index, doc_by_address);
    if (!at || (*at)->len != d->len || !(*at)->read) return;
    d->head = (*at)->head;
    d->err = (*at)->err;
    d->read = true;
    r->taken++;
    (*at)->head = (head){0};
    (*at)->err = kz_null();
    (*at)->read = false;
}

size_t kz_manifest_reader_taken(const kz_manifest_reader *r) { return r ? r->taken : 0; }

void kz_manifest_reader_free(kz_manifest_reader *r) {
    if (!r) return;
    if (r->batch) kz_parallel_finish(r->batch);
    for (size_t i = 0; i < r->count; i++) {
        for (size_t d = 0; d < r->files[i].ndocs; d++) {
            head_free(&r->files[i].docs[d].head);
            kz_free(r->files[i].docs[d].err);
        }
        free(r->files[i].docs);
    }
    free(r->files);
    free(r->index);
    free(r);
}

/* One document into the generic or the hook list (or dropped, with a
 * warning, for a hook Helm does not know). */
static void place_doc(doc *d, list *generic, list *hooks, void (*on_warning)(void *, const char *), void *data) {
    head *h = &d->head;
    if (!h->hook) { /* (a hook annotation makes the annotations non-empty) */
        list_push(generic, manifest_new(d->file->path, d->text, d->len, h));
        return;
    }
    bool is_test;
    if (!hook_events_known(h->hook, h->hook_len, &is_test)) {
        if (on_warning) {
            kz_buf w = KZ_BUF_INIT;
            kz_buf_puts(&w, "info: skipping unknown hook: "); /* Go's %q: escapes tabs and the like */
            kz_fmt_quote(&w, h->hook, h->hook_len, false);
            on_warning(data, kz_buf_cstr(&w));
            kz_buf_free(&w);
        }
        return;
    }
    kz_manifest m = manifest_new(d->file->path, d->text, d->len, h);
    m.is_hook = true;
    m.is_test_hook = is_test;
    list_push(hooks, m);
}

kz_value kz_manifests_sort(const kz_rendered_file *files, size_t n, kz_manifest_reader *reader, kz_manifests *out,
                           void (*on_warning)(void *data, const char *msg), void *data) {
    memset(out, 0, sizeof *out);
    const kz_rendered_file **order = kz_xmalloc((n ? n : 1) * sizeof *order);
    for (size_t i = 0; i < n; i++) order[i] = &files[i];
    qsort(order, n, sizeof *order, cmp_path);
    size_t ndocs, bytes;
    doc *docs = split_docs(order, n, &ndocs, &bytes);
    free(order);
    if (reader) {
        kz_manifest_reader_wait(reader);
        for (size_t i = 0; i < ndocs; i++) {
            take_early(reader, &docs[i]);
            if (docs[i].read) bytes -= docs[i].len;
        }
    }
    /* Reading a head is a whole YAML parse of the document (Helm unmarshals
     * each one), independent of the others: spread them over the cores, then
     * place them in order, stopping at the first that failed as Helm does. */
    kz_parallel_for(ndocs, bytes < KZ_PARALLEL_MIN_BYTES ? 1 : 0, read_head_job, docs);
    list generic = {0}, hooks = {0};
    kz_value err = kz_null();
    for (size_t i = 0; i < ndocs; i++) {
        if (kz_is_null(&err) && kz_error_message(&docs[i].err)) {
            err = kz_error("YAML parse error on %s: %s", docs[i].file->path, kz_error_message(&docs[i].err));
        } else if (kz_is_null(&err)) {
            place_doc(&docs[i], &generic, &hooks, on_warning, data);
        }
        kz_free(docs[i].err);
        head_free(&docs[i].head);
    }
    free(docs);
    sort_stable(generic.items, generic.n);
    sort_stable(hooks.items, hooks.n);
    for (size_t i = 0; i < hooks.n; i++) list_push(&generic, hooks.items[i]);
    free(hooks.items);
    out->items = generic.items;
    out->count = generic.n;
    out->hooks_from = generic.n - hooks.n;
    if (kz_error_message(&err)) kz_manifests_free(out);
    return err;
}

void kz_manifests_free(kz_manifests *m) {
    for (size_t i = 0; i < m->count; i++) manifest_free(&m->items[i]);
    free(m->items);
    memset(m, 0, sizeof *m);
}

void kz_manifest_print(kz_buf *out, const char *path, const char *content, size_t len) {
    kz_buf_puts(out, "---\n# Source: ");
    kz_buf_puts(out, path);
    kz_buf_putc(out, '\n');
    kz_buf_append(out, content, len);
    kz_buf_putc(out, '\n');
}
