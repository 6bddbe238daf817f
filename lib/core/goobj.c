/* Go objects printed through their methods (see goobj.h). */
#include "core/goobj.h"

#include <inttypes.h>
#include <stdlib.h>

#include "core/alloc.h"
#include "core/gofloat.h"
#include "core/gotime.h"

static void semver_string(const kz_value *v, kz_buf *out) {
    const kz_value *major = kz_map_getz(v, "Major"), *minor = kz_map_getz(v, "Minor");
    const kz_value *patch = kz_map_getz(v, "Patch");
    kz_buf_printf(out, "%" PRIu64 ".%" PRIu64 ".%" PRIu64, major ? kz_uint_get(major) : 0,
                  minor ? kz_uint_get(minor) : 0, patch ? kz_uint_get(patch) : 0);
    const kz_value *pre = kz_map_getz(v, "Prerelease"), *meta = kz_map_getz(v, "Metadata");
    if (pre && kz_str_len(pre)) {
        kz_buf_putc(out, '-');
        kz_buf_append(out, kz_str(pre), kz_str_len(pre));
    }
    if (meta && kz_str_len(meta)) {
        kz_buf_putc(out, '+');
        kz_buf_append(out, kz_str(meta), kz_str_len(meta));
    }
}

/* ---- Helm's structs ---- */

#define F(name, json, omit) {name, json, omit}
static const kz_goobj_field kube_version_fields[] = {
    F("Version", "Version", false), F("Major", "Major", false), F("Minor", "Minor", false)};
static const kz_goobj_field helm_version_fields[] = {
    F("Version", "version", true), F("GitCommit", "git_commit", true), F("GitTreeState", "git_tree_state", true),
    F("GoVersion", "go_version", true)};
static const kz_goobj_field capabilities_fields[] = {
    F("KubeVersion", "KubeVersion", false), F("APIVersions", "APIVersions", false),
    F("HelmVersion", "HelmVersion", false)};
/* chart.Metadata, then struct { chart.Metadata; IsRoot bool }'s own field */
static const kz_goobj_field chart_fields[] = {
    F("Name", "name", true), F("Home", "home", true), F("Sources", "sources", true),
    F("Version", "version", true), F("Description", "description", true), F("Keywords", "keywords", true),
    F("Maintainers", "maintainers", true), F("Icon", "icon", true), F("APIVersion", "apiVersion", true),
    F("Condition", "condition", true), F("Tags", "tags", true), F("AppVersion", "appVersion", true),
    F("Deprecated", "deprecated", true), F("Annotations", "annotations", true),
    F("KubeVersion", "kubeVersion", true), F("Dependencies", "dependencies", true), F("Type", "type", true),
    F("IsRoot", "IsRoot", false)};
#define METADATA_NFIELDS (sizeof chart_fields / sizeof chart_fields[0] - 1)
static const kz_goobj_field maintainer_fields[] = {
    F("Name", "name", true), F("Email", "email", true), F("URL", "url", true)};
static const kz_goobj_field dependency_fields[] = {
    F("Name", "name", false), F("Version", "version", true), F("Repository", "repository", false),
    F("Condition", "condition", true), F("Tags", "tags", true), F("Enabled", "enabled", true),
    F("ImportValues", "import-values", true), F("Alias", "alias", true)};
#undef F
#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

const kz_goobj_field *kz_goobj_struct_fields(const kz_value *v, size_t *n) {
    if (kz_kind_of(v) != KZ_MAP) return NULL;
    const kz_goobj_field *f = NULL;
    switch (kz_gotype_of(v)) {
    case KZ_GOTYPE_KUBE_VERSION: f = kube_version_fields, *n = COUNT(kube_version_fields); break;
    case KZ_GOTYPE_HELM_VERSION: f = helm_version_fields, *n = COUNT(helm_version_fields); break;
    case KZ_GOTYPE_CAPABILITIES: f = capabilities_fields, *n = COUNT(capabilities_fields); break;
    case KZ_GOTYPE_CHART_METADATA: f = chart_fields, *n = COUNT(chart_fields); break;
    case KZ_GOTYPE_METADATA: f = chart_fields, *n = METADATA_NFIELDS; break;
    case KZ_GOTYPE_MAINTAINER: f = maintainer_fields, *n = COUNT(maintainer_fields); break;
    case KZ_GOTYPE_DEPENDENCY: f = dependency_fields, *n = COUNT(dependency_fields); break;
    default: break;
    }
    return f;
}

bool kz_goobj_is_empty(const kz_value *v) {
    switch (kz_kind_of(v)) {
    case KZ_INVALID:
    case KZ_NULL: return true;
    case KZ_BOOL: return !kz_bool_get(v);
    case KZ_INT: return kz_int_get(v) == 0;
    case KZ_FLOAT: return kz_float_get(v) == 0;
    case KZ_STRING:
    case KZ_SEQ: return kz_len(v) == 0;
    case KZ_MAP: return kz_is_go_map(v) && kz_len(v) == 0; /* a struct is never empty */
    }
    return false;
}

kz_value kz_goobj_json_view(const kz_value *v) {
    size_t n;
    const kz_goobj_field *f = kz_goobj_struct_fields(v, &n);
    if (!f) return kz_invalid();
    kz_value m = kz_map_sized(n);
    for (size_t i = 0; i < n; i++) {
        const kz_value *x = kz_map_getz(v, f[i].name);
        if (f[i].omitempty && (!x || kz_goobj_is_empty(x))) continue;
        kz_map_setz(&m, f[i].json, x ? kz_copy(x) : kz_null());
    }
    return m;
}

/* Go's %v of a value inside a struct (fmt's printValue at depth > 0). */
static void print_v(const kz_value *v, kz_buf *out, int depth);

static int key_order(const void *a, const void *b) {
    const kz_value *x = *(const kz_value *const *)a, *y = *(const kz_value *const *)b;
    return kz_key_cmp_bytes(kz_str(x), kz_str_len(x), kz_str(y), kz_str_len(y));
}

static void print_struct(const kz_value *v, const kz_goobj_field *f, size_t n, kz_buf *out, int depth) {
    kz_buf_putc(out, '{');
    for (size_t i = 0; i < n; i++) {
        if (i) kz_buf_putc(out, ' ');
        const kz_value *x = kz_map_getz(v, f[i].name);
        kz_value none = kz_null();
        print_v(x ? x : &none, out, depth + 1);
    }
    kz_buf_putc(out, '}');
}

static void print_v(const kz_value *v, kz_buf *out, int depth) {
    switch (kz_kind_of(v)) {
    case KZ_INVALID:
    case KZ_NULL: kz_buf_puts(out, "<nil>"); return;
    case KZ_BOOL: kz_buf_puts(out, kz_bool_get(v) ? "true" : "false"); return;
    case KZ_INT:
        if (kz_int_is_unsigned(v)) kz_buf_printf(out, "%" PRIu64, kz_uint_get(v));
        else kz_buf_printf(out, "%" PRId64, kz_int_get(v));
        return;
    case KZ_FLOAT: kz_format_float(out, kz_float_get(v), 'g', -1); return;
    case KZ_STRING:
        if (kz_gotype_of(v) == KZ_GOTYPE_BYTES) {
            kz_buf_putc(out, '[');
            for (size_t i = 0; i < kz_str_len(v); i++)
                kz_buf_printf(out, i ? " %u" : "%u", (unsigned)(unsigned char)kz_str(v)[i]);
            kz_buf_putc(out, ']');
        } else {
            kz_buf_append(out, kz_str(v), kz_str_len(v));
        }
        return;
    case KZ_SEQ:
        kz_buf_putc(out, '[');
        for (size_t i = 0; i < kz_len(v); i++) {
            if (i) kz_buf_putc(out, ' ');
            print_v(kz_seq_at(v, i), out, depth + 1);
        }
        kz_buf_putc(out, ']');
        return;
    case KZ_MAP: break;
    }
    size_t n;
    const kz_goobj_field *f = kz_goobj_struct_fields(v, &n);
    kz_gotype t = kz_gotype_of(v);
    if (t == KZ_GOTYPE_CHART_METADATA) { /* {{Metadata...} IsRoot} */
        kz_buf_putc(out, '{');
        print_struct(v, f, n - 1, out, depth + 1);
        kz_buf_putc(out, ' ');
        print_v(kz_map_getz(v, "IsRoot"), out, depth + 1);
        kz_buf_putc(out, '}');
        return;
    }
    if (f) {
        /* Go prints an address for a pointer inside a struct or slice; we can't */
        if (depth > 0 && (t == KZ_GOTYPE_MAINTAINER || t == KZ_GOTYPE_DEPENDENCY)) kz_buf_putc(out, '&');
        print_struct(v, f, n, out, depth);
        return;
    }
    if (kz_goobj_string(v, out)) return;
    size_t len = kz_len(v);
    const kz_value **keys = kz_xmalloc((len ? len : 1) * sizeof *keys);
    for (size_t i = 0; i < len; i++) keys[i] = kz_map_key_at(v, i);
    qsort(keys, len, sizeof *keys, key_order);
    kz_buf_puts(out, "map[");
    for (size_t i = 0; i < len; i++) {
        if (i) kz_buf_putc(out, ' ');
        kz_buf_append(out, kz_str(keys[i]), kz_str_len(keys[i]));
        kz_buf_putc(out, ':');
        print_v(kz_map_get(v, kz_str(keys[i]), kz_str_len(keys[i])), out, depth + 1);
    }
    kz_buf_putc(out, ']');
    free(keys);
}

bool kz_goobj_string(const kz_value *v, kz_buf *out) {
    if (kz_kind_of(v) != KZ_MAP) return false;
    switch (kz_gotype_of(v)) {
    case KZ_GOTYPE_TIME: kz_gotime_string(v, out); return true;
    case KZ_GOTYPE_SEMVER: semver_string(v, out); return true;
    case KZ_GOTYPE_CAPABILITIES: /* a pointer to a struct: fmt's "&{...}" */
    case KZ_GOTYPE_MAINTAINER:
    case KZ_GOTYPE_DEPENDENCY: kz_buf_putc(out, '&'); print_v(v, out, 0); return true;
    case KZ_GOTYPE_KUBE_VERSION: /* String() has a pointer receiver: a copy handed to a function is no Stringer */
    case KZ_GOTYPE_HELM_VERSION:
    case KZ_GOTYPE_CHART_METADATA:
    case KZ_GOTYPE_METADATA: print_v(v, out, 0); return true;
    default: return false;
    }
}

bool kz_goobj_json_string(const kz_value *v, kz_buf *out) {
    if (kz_kind_of(v) != KZ_MAP) return false;
    switch (kz_gotype_of(v)) {
    case KZ_GOTYPE_TIME: kz_gotime_rfc3339nano(v, out); return true;
    case KZ_GOTYPE_SEMVER: semver_string(v, out); return true;
    default: return false;
    }
}
