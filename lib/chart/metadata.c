/*
 * Chart.yaml into Helm's Metadata struct, and its Validate (see chart.h).
 *
 * Helm decodes with sigs.k8s.io/yaml: YAML becomes JSON (map keys sorted),
 * scalars headed for a string field become their text, then encoding/json
 * fills the struct: keys match fields case-insensitively (an exact match
 * first), the first type mismatch is the error. The struct is modelled as a
 * table of fields; a decoded struct is a row of slots, turned into the
 * normalized MAP at the end.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "json/json.h"
#include "chart/chart.h"
#include "core/unicode.h"
#include "core/alloc.h"
#include "core/buf.h"
#include "core/gotime.h"
#include "core/utf8.h"
#include "semver/semver.h"
#include "tmpl/fmt.h"
#include "tmpl/fmt_internal.h"
#include "yaml/parse_scalar.h"

typedef enum ftype {
    F_STRING,
    F_BOOL,
    F_STRINGS,     /* []string */
    F_STRING_MAP,  /* map[string]string */
    F_ANY_LIST,    /* []interface {} */
    F_MAINTAINERS, /* []*chart.Maintainer */
    F_DEPS,        /* []*chart.Dependency */
    F_TIME,        /* time.Time (a lock's generated) */
} ftype;

typedef struct field {
    const char *name; /* JSON name */
    ftype type;
} field;

typedef struct stype {
    const char *name; /* Go struct name in errors: "Metadata" */
    const field *fields;
    size_t n;
} stype;

static const field metadata_fields[] = {
    {"name", F_STRING},         {"home", F_STRING},        {"sources", F_STRINGS},
    {"version", F_STRING},      {"description", F_STRING}, {"keywords", F_STRINGS},
    {"maintainers", F_MAINTAINERS}, {"icon", F_STRING},    {"apiVersion", F_STRING},
    {"condition", F_STRING},    {"tags", F_STRING},        {"appVersion", F_STRING},
    {"deprecated", F_BOOL},     {"annotations", F_STRING_MAP}, {"kubeVersion", F_STRING},
    {"dependencies", F_DEPS},   {"type", F_STRING},
};
static const field maintainer_fields[] = {
    {"name", F_STRING}, {"email", F_STRING}, {"url", F_STRING}};
static const field dependency_fields[] = {
    {"name", F_STRING},      {"version", F_STRING}, {"repository", F_STRING},
    {"condition", F_STRING}, {"tags", F_STRINGS},   {"enabled", F_BOOL},
    {"import-values", F_ANY_LIST}, {"alias", F_STRING},
};
static const field lock_fields[] = {
    {"generated", F_TIME}, {"digest", F_STRING}, {"dependencies", F_DEPS}};
#define NFIELDS(a) (sizeof(a) / sizeof((a)[0]))
static const stype metadata_type = {"Metadata", metadata_fields, NFIELDS(metadata_fields)};
static const stype maintainer_type = {"Maintainer", maintainer_fields, NFIELDS(maintainer_fields)};
static const stype dependency_type = {"Dependency", dependency_fields, NFIELDS(dependency_fields)};
static const stype lock_type = {"Lock", lock_fields, NFIELDS(lock_fields)};


static const char *type_name(ftype t) {
    switch (t) {
    case F_STRING: return "string";
    case F_BOOL: return "bool";
    case F_STRINGS: return "[]string";
    case F_STRING_MAP: return "map[string]string";
    case F_ANY_LIST: return "[]interface {}";
    case F_MAINTAINERS: return "[]*chart.Maintainer";
    case F_DEPS: return "[]*chart.Dependency";
    case F_TIME: return "time.Time";
    }
    return "";
}

/* Decoding context: where we are, for Go's "Struct.path.to.field". */
typedef struct dctx {
    const char *sname; /* innermost struct */
    const char *path;  /* JSON names from the top, dotted */
    kz_value *err;
} dctx;

static int mismatch(const dctx *d, const kz_value *v, const char *type) {
    *d->err = kz_error("json: cannot unmarshal %s into Go struct field %s.%s of type %s",
                       kz_json_kind(v), d->sname, d->path, type);
    return -1;
}

/* sigs.k8s.io/yaml's text of a scalar read into a string field. The YAML
 * parse made every number a float64, so an integral value is taken for an
 * integer (FormatInt); others are formatted as Go's float32 'g'. */
static kz_value scalar_text(const kz_value *v) {
    if (kz_kind_of(v) == KZ_BOOL) return kz_string(kz_bool_get(v) ? "true" : "false");
    if (kz_kind_of(v) == KZ_INT) return kz_string_fmt("%lld", (long long)kz_int_get(v));
    double f = kz_float_get(v);
    if (f == floor(f) && fabs(f) < 9007199254740992.0) return kz_string_fmt("%.0f", f);
    kz_buf b = KZ_BUF_INIT;
    kz_yaml_format_float32_g(&b, f);
    kz_value s = kz_string_n(b.data ? b.data : "", b.len);
    kz_buf_free(&b);
    return s;
}

/* v into a string target; *slot keeps its value for a null. */
static int dec_string(const dctx *d, const kz_value *v, kz_value *slot) {
    switch (kz_kind_of(v)) {
    case KZ_NULL: return 0;
    case KZ_STRING: kz_free(*slot); *slot = kz_copy(v); return 0;
    case KZ_BOOL:
    case KZ_INT:
    case KZ_FLOAT: kz_free(*slot); *slot = scalar_text(v); return 0;
    default: return mismatch(d, v, "string");
    }
}

static int dec_struct(const dctx *d, const stype *t, const kz_value *obj, kz_value *slots);

/* Elements of a slice: each into elem; nulls give "" or a null pointer. */
static int dec_list(const dctx *d, ftype ft, const kz_value *v, kz_value *slot) {
    if (kz_is_null(v)) {
        kz_free(*slot);
        *slot = kz_invalid();
        return 0;
    }
    if (!kz_is_seq(v)) return mismatch(d, v, type_name(ft));
    kz_value out = kz_seq();
    for (size_t i = 0; i < kz_len(v); i++) {
        const kz_value *e = kz_seq_at(v, i);
        kz_value item = kz_invalid();
        int rc = 0;
        if (ft == F_STRINGS) {
            item = kz_string("");
            rc = dec_string(d, e, &item);
        } else if (ft == F_ANY_LIST) {
            item = kz_copy(e);
        } else if (kz_is_null(e)) {
            item = kz_null(); /* a nil *Maintainer / *Dependency */
        } else if (!kz_is_map(e)) {
            rc = mismatch(d, e, ft == F_MAINTAINERS ? "chart.Maintainer" : "chart.Dependency");
        } else {
            const stype *st = ft == F_MAINTAINERS ? &maintainer_type : &dependency_type;
            kz_value slots[NFIELDS(dependency_fields)];
            for (size_t k = 0; k < st->n; k++) slots[k] = kz_invalid();
            dctx sub = {st->name, d->path, d->err};
            rc = dec_struct(&sub, st, e, slots);
            item = kz_map();
            for (size_t k = 0; k < st->n; k++) {
                if (kz_is_valid(&slots[k])) kz_map_setz(&item, st->fields[k].name, slots[k]);
            }
        }
        if (rc < 0) {
            kz_free(item);
            kz_free(out);
            return -1;
        }
        kz_seq_push(&out, item);
    }
    kz_free(*slot);
    *slot = out;
    return 0;
}

static int dec_string_map(const dctx *d, const kz_value *v, kz_value *slot) {
    if (kz_is_null(v)) {
        kz_free(*slot);
        *slot = kz_invalid();
        return 0;
    }
    if (!kz_is_map(v)) return mismatch(d, v, "map[string]string");
    /* encoding/json adds to a map it already has (requirements.yaml). */
    kz_value out = kz_is_map(slot) ? kz_copy(slot) : kz_map();
    kz_value sorted = kz_copy(v);
    kz_map_sort(&sorted, kz_key_cmp_bytes);
    for (size_t i = 0; i < kz_len(&sorted); i++) {
        kz_value s = kz_string("");
        if (dec_string(d, kz_map_value_at(&sorted, i), &s) < 0) {
            kz_free(s);
            kz_free(sorted);
            kz_free(out);
            return -1;
        }
        kz_map_set(&out, kz_copy(kz_map_key_at(&sorted, i)), s);
    }
    kz_free(sorted);
    kz_free(*slot);
    *slot = out;
    return 0;
}

/* time.Time's UnmarshalJSON: a JSON string (its text still escaped as
 * sigs.k8s.io/yaml's json.Marshal wrote it) holding an RFC 3339 time. */
static int dec_time(const dctx *d, const kz_value *v) {
    if (kz_is_null(v)) return 0;
    if (!kz_is_string(v)) {
        *d->err = kz_error("Time.UnmarshalJSON: input is not a JSON string");
        return -1;
    }
    kz_buf js = KZ_BUF_INIT;
    kz_value e = kz_null();
    if (kz_json_emit(&js, v, NULL, &e) == 0 && js.len >= 2) {
        static const char rfc3339[] = "2006-01-02T15:04:05Z07:00";
        kz_value t = kz_gotime_parse(rfc3339, sizeof rfc3339 - 1, js.data + 1, js.len - 2);
        if (kz_error_message(&t)) e = t;
        else kz_free(t);
    }
    kz_buf_free(&js);
    if (kz_is_null(&e)) return 0;
    *d->err = e;
    return -1;
}

static int dec_field(const dctx *d, ftype ft, const kz_value *v, kz_value *slot) {
    switch (ft) {
    case F_TIME: return dec_time(d, v);
    case F_STRING: return dec_string(d, v, slot);
    case F_BOOL:
        if (kz_is_null(v)) return 0;
        if (kz_kind_of(v) != KZ_BOOL) return mismatch(d, v, "bool");
        kz_free(*slot);
        *slot = kz_copy(v);
        return 0;
    case F_STRING_MAP: return dec_string_map(d, v, slot);
    default: return dec_list(d, ft, v, slot);
    }
}

static bool ascii_equal_fold(const char *a, const char *b, size_t bn) {
    size_t an = strlen(a);
    if (an != bn) return false;
    for (size_t i = 0; i < an; i++) {
        char x = a[i], y = b[i];
        if (x >= 'A' && x <= 'Z') x = (char)(x - 'A' + 'a');
        if (y >= 'A' && y <= 'Z') y = (char)(y - 'A' + 'a');
        if (x != y) return false;
    }
    return true;
}

/* The field a JSON key lands in: exact name first, then any case. */
static ptrdiff_t find_field(const stype *t, const char *key, size_t n) {
    for (size_t i = 0; i < t->n; i++) {
        if (strlen(t->fields[i].name) == n && memcmp(t->fields[i].name, key, n) == 0) {
            return (ptrdiff_t)i;
        }
    }
    for (size_t i = 0; i < t->n; i++) {
        if (ascii_equal_fold(t->fields[i].name, key, n)) return (ptrdiff_t)i;
    }
    return -1;
}

/* Decode obj (a MAP) into the struct's slots, keys in JSON (sorted) order. */
static int dec_struct(const dctx *d, const stype *t, const kz_value *obj, kz_value *slots) {
    kz_value sorted = kz_copy(obj);
    kz_map_sort(&sorted, kz_key_cmp_bytes);
    int rc = 0;
    for (size_t i = 0; i < kz_len(&sorted) && rc == 0; i++) {
        const kz_value *k = kz_map_key_at(&sorted, i);
        ptrdiff_t f = find_field(t, kz_str(k), kz_str_len(k));
        if (f < 0) continue;
        const field *fd = &t->fields[f];
        kz_buf pb = KZ_BUF_INIT;
        if (d->path[0]) kz_buf_printf(&pb, "%s.", d->path);
        kz_buf_puts(&pb, fd->name);
        dctx sub = {t->name, kz_buf_cstr(&pb), d->err};
        if (!kz_is_valid(&slots[f]) && fd->type == F_STRING) slots[f] = kz_string("");
        rc = dec_field(&sub, fd->type, kz_map_value_at(&sorted, i), &slots[f]);
        kz_buf_free(&pb);
    }
    kz_free(sorted);
    return rc;
}

/* Whether a slot holds a value omitempty would print. */
static bool non_empty(const kz_value *v) {
    switch (kz_kind_of(v)) {
    case KZ_INVALID: return false;
    case KZ_BOOL: return kz_bool_get(v);
    case KZ_STRING:
    case KZ_SEQ:
    case KZ_MAP: return kz_len(v) > 0;
    default: return true;
    }
}

/* A maintainer or dependency as JSON prints it: fields in struct order,
 * empty ones left out but for a dependency's name and repository, which
 * have no omitempty. */
static kz_value compact(const kz_value *m, const stype *t) {
    kz_value out = kz_map();
    for (size_t i = 0; i < t->n; i++) {
        const char *k = t->fields[i].name;
        const kz_value *v = kz_map_getz(m, k);
        bool always = t == &dependency_type && (strcmp(k, "name") == 0 ||
                                                strcmp(k, "repository") == 0);
        if (v && non_empty(v)) kz_map_setz(&out, k, kz_copy(v));
        else if (always) kz_map_setz(&out, k, kz_string(""));
    }
    return out;
}

static kz_value build_map(kz_value *slots) {
    kz_value md = kz_map();
    for (size_t i = 0; i < NFIELDS(metadata_fields); i++) {
        if (!non_empty(&slots[i])) {
            kz_free(slots[i]);
            continue;
        }
        ftype ft = metadata_fields[i].type;
        if (ft == F_MAINTAINERS || ft == F_DEPS) {
            kz_value list = kz_seq();
            for (size_t k = 0; k < kz_len(&slots[i]); k++) {
                const kz_value *e = kz_seq_at(&slots[i], k);
                kz_seq_push(&list, kz_is_map(e) ? compact(e, ft == F_DEPS ? &dependency_type
                                                                             : &maintainer_type)
                                               : kz_null());
            }
            kz_free(slots[i]);
            slots[i] = list;
        }
        kz_map_setz(&md, metadata_fields[i].name, slots[i]);
    }
    return md;
}

int kz_chart_metadata_decode(const kz_value *doc, kz_value *md, kz_value *err) {
    if (kz_is_null(doc)) return 0;
    if (!kz_is_map(doc)) {
        *err = kz_error("json: cannot unmarshal %s into Go value of type chart.Metadata",
                        kz_json_kind(doc));
        return -1;
    }
    kz_value slots[NFIELDS(metadata_fields)];
    for (size_t i = 0; i < NFIELDS(metadata_fields); i++) {
        const kz_value *cur = kz_is_map(md) ? kz_map_getz(md, metadata_fields[i].name) : NULL;
        slots[i] = cur ? kz_copy(cur) : kz_invalid();
    }
    dctx d = {"Metadata", "", err};
    if (dec_struct(&d, &metadata_type, doc, slots) < 0) {
        for (size_t i = 0; i < NFIELDS(metadata_fields); i++) kz_free(slots[i]);
        return -1;
    }
    kz_free(*md);
    *md = build_map(slots);
    return 0;
}

int kz_chart_lock_check(const kz_value *doc, kz_value *err) {
    if (kz_is_null(doc)) return 0;
    if (!kz_is_map(doc)) {
        *err = kz_error("json: cannot unmarshal %s into Go value of type chart.Lock", kz_json_kind(doc));
        return -1;
    }
    kz_value slots[NFIELDS(lock_fields)];
    for (size_t i = 0; i < NFIELDS(lock_fields); i++) slots[i] = kz_invalid();
    dctx d = {"Lock", "", err};
    int rc = dec_struct(&d, &lock_type, doc, slots);
    for (size_t i = 0; i < NFIELDS(lock_fields); i++) kz_free(slots[i]);
    return rc;
}

/* ---- Validate ---- */


/* Helm's sanitizeString: spaces become ' ', non-printable runes go. */
static kz_value sanitize(const kz_value *s) {
    kz_buf b = KZ_BUF_INIT;
    const unsigned char *p = (const unsigned char *)kz_str(s);
    size_t n = kz_str_len(s);
    while (n > 0) {
        uint32_t r;
        size_t k = kz_utf8_decode(p, n, &r);
        if (kz_go_is_space(r)) kz_buf_putc(&b, ' ');
        else if (kz_fmt_isprint(r)) kz_utf8_append(&b, r);
        p += k;
        n -= k;
    }
    kz_value out = kz_string_n(b.data ? b.data : "", b.len);
    kz_buf_free(&b);
    return out;
}

/* Sanitize map[key] (a STRING, or a SEQ of STRING) in place; drop it when
 * it ends up empty, unless keep_empty (JSON fields without omitempty). */
static void sanitize_field(kz_value *m, const char *key, bool keep_empty) {
    kz_value *v = kz_map_get_mut(m, key, strlen(key));
    if (!v) return;
    if (kz_is_string(v)) {
        kz_value s = sanitize(v);
        kz_free(*v);
        *v = s;
        if (kz_str_len(v) == 0 && !keep_empty) kz_map_remove(m, key, strlen(key));
    } else if (kz_is_seq(v)) {
        for (size_t i = 0; i < kz_len(v); i++) {
            kz_seq_set(v, i, sanitize(kz_seq_at(v, i)));
        }
    }
}

static void sanitize_key(kz_value *m, const char *key) { sanitize_field(m, key, false); }

static const char *get_str(const kz_value *m, const char *key) {
    const kz_value *v = kz_map_getz(m, key);
    return v ? kz_str(v) : "";
}

static bool alias_ok(const char *s) {
    if (!*s) return false;
    for (; *s; s++) {
        char c = *s;
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '-')) {
            return false;
        }
    }
    return true;
}

static kz_value verr(const char *what, const char *s) {
    kz_buf b = KZ_BUF_INIT;
    kz_buf_puts(&b, "validation: ");
    const char *pct = strstr(what, "%q");
    kz_buf_append(&b, what, (size_t)(pct - what));
    kz_fmt_quote(&b, s, strlen(s), false);
    kz_buf_puts(&b, pct + 2);
    kz_value e = kz_error("%s", kz_buf_cstr(&b));
    kz_buf_free(&b);
    return e;
}

static kz_value validate_deps(kz_value *md) {
    kz_value *deps = kz_map_get_mut(md, "dependencies", strlen("dependencies"));
    if (!deps) return kz_null();
    kz_value seen = kz_map();
    kz_value res = kz_null();
    for (size_t i = 0; i < kz_len(deps); i++) {
        kz_value *d = kz_seq_at_mut(deps, i);
        if (!kz_is_map(d)) {
            res = kz_error("validation: dependencies must not contain empty or null nodes");
            break;
        }
        static const char *const keys[] = {"name", "version", "repository", "condition", "tags"};
        for (size_t k = 0; k < 5; k++) {
            sanitize_field(d, keys[k], strcmp(keys[k], "name") == 0 ||
                                           strcmp(keys[k], "repository") == 0);
        }
        const char *alias = get_str(d, "alias");
        if (*alias && !alias_ok(alias)) {
            res = verr("dependency %q has disallowed characters in the alias", get_str(d, "name"));
            break;
        }
        const char *key = *alias ? alias : get_str(d, "name");
        if (kz_map_getz(&seen, key)) {
            res = verr("more than one dependency with name or alias %q", key);
            break;
        }
        kz_map_setz(&seen, key, kz_null());
    }
    kz_free(seen);
    return res;
}

kz_value kz_chart_metadata_validate(kz_value *md) {
    static const char *const keys[] = {"name", "description", "home", "icon", "condition",
                                       "tags", "appVersion", "kubeVersion", "sources",
                                       "keywords"};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) sanitize_key(md, keys[i]);
    if (!*get_str(md, "apiVersion")) {
        return kz_error("validation: chart.metadata.apiVersion is required");
    }
    const char *name = get_str(md, "name");
    if (!*name) return kz_error("validation: chart.metadata.name is required");
    /* filepath.Base(name) != name: a '/' anywhere, but for "/" itself */
    if (strchr(name, '/') && strcmp(name, "/") != 0) {
        return verr("chart.metadata.name %q is invalid", name);
    }
    const char *version = get_str(md, "version");
    if (!*version) return kz_error("validation: chart.metadata.version is required");
    kz_semver sv;
    kz_value perr = kz_semver_parse(version, strlen(version), &sv);
    if (!kz_is_valid(&perr)) {
        kz_free(perr);
        return verr("chart.metadata.version %q is invalid", version);
    }
    kz_semver_free(&sv);
    const char *type = get_str(md, "type");
    if (*type && strcmp(type, "application") != 0 && strcmp(type, "library") != 0) {
        return kz_error("validation: chart.metadata.type must be application or library");
    }
    kz_value *ms = kz_map_get_mut(md, "maintainers", strlen("maintainers"));
    for (size_t i = 0; ms && i < kz_len(ms); i++) {
        kz_value *m = kz_seq_at_mut(ms, i);
        if (!kz_is_map(m)) {
            return kz_error("validation: maintainers must not contain empty or null nodes");
        }
        sanitize_key(m, "name");
        sanitize_key(m, "email");
        sanitize_key(m, "url");
    }
    return validate_deps(md);
}
