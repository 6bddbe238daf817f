/*
 * The chart artifact helm pushes: config JSON (json.Marshal of Helm's
 * chart.Metadata), the OCI annotations and the image manifest, byte for byte.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>


#include "chart/chart.h"
#include "core/digest.h"
#include "core/alloc.h"
#include "core/buf.h"
#include "core/gotime.h"
#include "json/json.h"
#include "oci/oci_internal.h"

void kz_oci_digest(const void *data, size_t len, kz_buf *out) {
    unsigned char md[KZ_SHA256_LEN];
    char hex[2 * KZ_SHA256_LEN + 1];
    kz_sha256(data, len, md);
    kz_hex_encode(md, sizeof md, hex);
    kz_buf_puts(out, "sha256:");
    kz_buf_puts(out, hex);
}

void kz_oci_created_time(int64_t sec, kz_buf *out) {
    kz_value t = kz_gotime_unix(sec, 0);
    static const char layout[] = "2006-01-02T15:04:05Z07:00";
    kz_gotime_format(&t, layout, sizeof layout - 1, out);
    kz_free(t);
}

/* ---- config: Go's json.Marshal(chart.Metadata) ---- */

static void emit_value(kz_buf *out, const kz_value *v) {
    kz_value err = kz_null();
    if (kz_json_emit(out, v, NULL, &err) != 0) {
        kz_free(err);
        kz_buf_puts(out, "null");
    }
}

/* `"key":value` after a comma when not the first field. */
static void field(kz_buf *out, bool *first, const char *key, const kz_value *v) {
    kz_buf_printf(out, "%s\"%s\":", *first ? "" : ",", key);
    *first = false;
    emit_value(out, v);
}

static bool nonempty(const kz_value *v) {
    if (!v) return false;
    switch (kz_kind_of(v)) {
    case KZ_STRING: return kz_str_len(v) > 0;
    case KZ_SEQ: case KZ_MAP: return kz_len(v) > 0;
    case KZ_BOOL: return kz_bool_get(v);
    case KZ_INT: case KZ_FLOAT: return true;
    default: return false;
    }
}

/* A struct's fields in order; `always` names fields without omitempty. */
static void emit_struct(kz_buf *out, const kz_value *m, const char *const *fields, const char *const *always,
                        void (*sub)(kz_buf *, const char *, const kz_value *)) {
    kz_buf_putc(out, '{');
    bool first = true;
    for (size_t i = 0; fields[i]; i++) {
        const kz_value *v = kz_is_map(m) ? kz_map_getz(m, fields[i]) : NULL;
        bool must = false;
        for (size_t j = 0; always && always[j]; j++) must |= strcmp(always[j], fields[i]) == 0;
        if (!nonempty(v)) {
            if (!must) continue;
            kz_value empty = kz_string("");
            field(out, &first, fields[i], &empty);
            continue;
        }
        if (sub && kz_is_seq(v) && (strcmp(fields[i], "maintainers") == 0 || strcmp(fields[i], "dependencies") == 0)) {
            kz_buf_printf(out, "%s\"%s\":", first ? "" : ",", fields[i]);
            first = false;
            sub(out, fields[i], v);
            continue;
        }
        field(out, &first, fields[i], v);
    }
    kz_buf_putc(out, '}');
}

static const char *const maintainer_fields[] = {"name", "email", "url", NULL};
static const char *const dependency_fields[] = {"name", "version", "repository", "condition", "tags",
                                                "enabled", "import-values", "alias", NULL};
static const char *const dependency_always[] = {"name", "repository", NULL};
static const char *const metadata_fields[] = {"name", "home", "sources", "version", "description", "keywords",
                                              "maintainers", "icon", "apiVersion", "condition", "tags",
                                              "appVersion", "deprecated", "annotations", "kubeVersion",
                                              "dependencies", "type", NULL};

static void emit_list(kz_buf *out, const char *what, const kz_value *seq) {
    bool dep = strcmp(what, "dependencies") == 0;
    kz_buf_putc(out, '[');
    for (size_t i = 0; i < kz_len(seq); i++) {
        if (i) kz_buf_putc(out, ',');
        const kz_value *item = kz_seq_at(seq, i);
        if (!kz_is_map(item)) kz_buf_puts(out, "null"); /* a nil pointer */
        else emit_struct(out, item, dep ? dependency_fields : maintainer_fields, dep ? dependency_always : NULL, NULL);
    }
    kz_buf_putc(out, ']');
}

void kz_oci_config_json(const kz_value *meta, kz_buf *out) {
    emit_struct(out, meta, metadata_fields, NULL, emit_list);
}

/* ---- annotations ---- */

static bool blank(const char *s) {
    for (; *s; s++)
        if (!isspace((unsigned char)*s)) return false;
    return true;
}

static void add_nonblank(kz_value *m, const char *key, const kz_value *v) {
    if (v && kz_is_string(v) && !blank(kz_str(v))) kz_map_setz(m, key, kz_copy(v));
}

static kz_value annotations(const kz_value *meta, const char *created) {
    kz_value a = kz_map();
    add_nonblank(&a, "org.opencontainers.image.description", kz_map_getz(meta, "description"));
    add_nonblank(&a, "org.opencontainers.image.title", kz_map_getz(meta, "name"));
    add_nonblank(&a, "org.opencontainers.image.version", kz_map_getz(meta, "version"));
    add_nonblank(&a, "org.opencontainers.image.url", kz_map_getz(meta, "home"));
    kz_value c = kz_string(created);
    add_nonblank(&a, "org.opencontainers.image.created", &c);
    kz_free(c);
    const kz_value *src = kz_map_getz(meta, "sources");
    if (src && kz_is_seq(src) && kz_len(src) > 0) add_nonblank(&a, "org.opencontainers.image.source", kz_seq_at(src, 0));
    const kz_value *ms = kz_map_getz(meta, "maintainers");
    if (ms && kz_is_seq(ms) && kz_len(ms) > 0) {
        kz_buf b = KZ_BUF_INIT;
        for (size_t i = 0; i < kz_len(ms); i++) {
            const kz_value *m = kz_seq_at(ms, i);
            const kz_value *name = kz_is_map(m) ? kz_map_getz(m, "name") : NULL;
            const kz_value *email = kz_is_map(m) ? kz_map_getz(m, "email") : NULL;
            if (name && kz_str_len(name)) kz_buf_puts(&b, kz_str(name));
            if (email && kz_str_len(email)) kz_buf_printf(&b, " (%s)", kz_str(email));
            if (i + 1 < kz_len(ms)) kz_buf_puts(&b, ", ");
        }
        kz_value s = kz_string(kz_buf_cstr(&b));
        add_nonblank(&a, "org.opencontainers.image.authors", &s);
        kz_free(s);
        kz_buf_free(&b);
    }
    /* the chart's own annotations: all but title and version may override */
    const kz_value *ca = kz_map_getz(meta, "annotations");
    for (size_t i = 0; ca && kz_is_map(ca) && i < kz_len(ca); i++) {
        const kz_value *k = kz_map_key_at(ca, i);
        if (kz_str_eqz(k, "org.opencontainers.image.title") || kz_str_eqz(k, "org.opencontainers.image.version"))
            continue;
        const kz_value *v = kz_map_value_at(ca, i);
        kz_map_set(&a, kz_copy(k), kz_is_string(v) ? kz_copy(v) : kz_string(""));
    }
    return a;
}

/* ---- manifest ---- */

typedef struct layer_desc {
    const char *media_type;
    char *digest;
    size_t size;
} layer_desc;

static void emit_desc(kz_buf *out, const char *mt, const char *digest, size_t size) {
    kz_buf_printf(out, "{\"mediaType\":\"%s\",\"digest\":\"%s\",\"size\":%zu}", mt, digest, size);
}

kz_value kz_oci_build(const void *archive, size_t len, const kz_oci_push_opts *popts, kz_buf *manifest,
                      kz_buf *config, kz_value *meta_out) {
    static const kz_oci_push_opts none = {0};
    if (!popts) popts = &none;
    kz_chart *ch = NULL;
    kz_value err = kz_chart_load_archive(archive, len, NULL, &ch);
    if (!kz_is_null(&err)) return err;
    kz_value meta = kz_copy(&ch->metadata);
    kz_chart_free(ch);

    kz_buf_clear(config);
    kz_oci_config_json(&meta, config);

    layer_desc layers[2];
    size_t nl = 0;
    kz_buf d = KZ_BUF_INIT;
    kz_oci_digest(archive, len, &d);
    layers[nl++] = (layer_desc){KZ_OCI_CHART_MEDIA_TYPE, kz_buf_detach(&d, NULL), len};
    if (popts->prov) {
        kz_oci_digest(popts->prov, popts->prov_len, &d);
        layers[nl++] = (layer_desc){KZ_OCI_PROV_MEDIA_TYPE, kz_buf_detach(&d, NULL), popts->prov_len};
    }
    /* sorted by digest, as helm does for determinism */
    if (nl == 2 && strcmp(layers[0].digest, layers[1].digest) > 0) {
        layer_desc t = layers[0];
        layers[0] = layers[1];
        layers[1] = t;
    }
    kz_buf created = KZ_BUF_INIT;
    if (popts->created && *popts->created) {
        kz_buf_puts(&created, popts->created);
    } else {
        /* time.Now().UTC().Format(time.RFC3339) */
        time_t now = time(NULL);
        struct tm tm;
        gmtime_r(&now, &tm);
        char tb[32];
        strftime(tb, sizeof tb, "%Y-%m-%dT%H:%M:%SZ", &tm);
        kz_buf_puts(&created, tb);
    }
    kz_value ann = annotations(&meta, kz_buf_cstr(&created));
    kz_buf_free(&created);

    kz_buf cd = KZ_BUF_INIT;
    kz_oci_digest(config->data ? config->data : "", config->len, &cd);
    kz_buf_clear(manifest);
    kz_buf_puts(manifest, "{\"schemaVersion\":2,\"config\":");
    emit_desc(manifest, KZ_OCI_CONFIG_MEDIA_TYPE, cd.data, config->len);
    kz_buf_puts(manifest, ",\"layers\":[");
    for (size_t i = 0; i < nl; i++) {
        if (i) kz_buf_putc(manifest, ',');
        emit_desc(manifest, layers[i].media_type, layers[i].digest, layers[i].size);
        free(layers[i].digest);
    }
    kz_buf_puts(manifest, "]");
    if (kz_len(&ann)) {
        kz_buf_puts(manifest, ",\"annotations\":");
        emit_value(manifest, &ann);
    }
    kz_buf_putc(manifest, '}');
    kz_free(ann);
    kz_buf_free(&cd);
    if (meta_out) *meta_out = meta;
    else kz_free(meta);
    return kz_null();
}
