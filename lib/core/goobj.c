/* Go objects printed through their methods (see goobj.h). */
#include "core/goobj.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/gofloat.h"
#include "core/gotime.h"

static uint64_t semver_number(const kz_value *v, const char *key) {
    const kz_value *n = kz_map_getz(v, key);
    return n ? kz_uint_get(n) : 0;
}

static void semver_string(const kz_value *v, kz_buf *out) {
    kz_buf_printf(out, "%" PRIu64 ".%" PRIu64 ".%" PRIu64, semver_number(v, "major"), semver_number(v, "minor"),
                  semver_number(v, "patch"));
    const kz_value *pre = kz_map_getz(v, "pre"), *meta = kz_map_getz(v, "metadata");
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
    case KZ_GOTYPE_LOCATION: f = maintainer_fields, *n = 0; break; /* no exported field: JSON's {} */
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

static const char *const month_names[] = {"January", "February", "March",     "April",   "May",      "June",
                                          "July",    "August",   "September", "October", "November", "December"};
static const char *const weekday_names[] = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                                            "Thursday", "Friday", "Saturday"};

/* Go's String of a time.Month or time.Weekday: the name, or "%!Month(13)". */
static void enum_string(int64_t n, const char *const *names, int64_t first, int64_t count, const char *type,
                        kz_buf *out) {
    if (n >= first && n < first + count) kz_buf_puts(out, names[n - first]);
    else kz_buf_printf(out, "%%!%s(%" PRId64 ")", type, n);
}

/* The Stringers that are integers: time.Month, time.Weekday, time.Duration. */
static bool int_string(const kz_value *v, kz_buf *out) {
    int64_t n = kz_int_get(v);
    switch (kz_gotype_of(v)) {
    case KZ_GOTYPE_MONTH: enum_string(n, month_names, 1, 12, "Month", out); return true;
    case KZ_GOTYPE_WEEKDAY: enum_string(n, weekday_names, 0, 7, "Weekday", out); return true;
    case KZ_GOTYPE_DURATION: kz_goduration_string(n, out); return true;
    default: return false;
    }
}

bool kz_goobj_string(const kz_value *v, kz_buf *out) {
    if (kz_kind_of(v) == KZ_INT) return int_string(v, out);
    if (kz_kind_of(v) != KZ_MAP) return false;
    switch (kz_gotype_of(v)) {
    case KZ_GOTYPE_TIME: kz_gotime_string(v, out); return true;
    case KZ_GOTYPE_SEMVER:
    case KZ_GOTYPE_SEMVER_VALUE: semver_string(v, out); return true;
    case KZ_GOTYPE_LOCATION: kz_gotime_location_name(v, out); return true;
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
    case KZ_GOTYPE_SEMVER:
    case KZ_GOTYPE_SEMVER_VALUE: semver_string(v, out); return true;
    default: return false;
    }
}

static bool is_named(const char *name, size_t len, const char *const *names) {
    for (; *names; names++)
        if (strlen(*names) == len && memcmp(*names, name, len) == 0) return true;
    return false;
}

bool kz_goobj_unexported_field(const kz_value *v, const char *name, size_t len) {
    static const char *const time_fields[] = {"wall", "ext", "loc", NULL};
    static const char *const semver_fields[] = {"major", "minor", "patch", "pre", "metadata", "original", NULL};
    static const char *const location_fields[] = {"name",       "zone",     "tx",        "extend",
                                                  "cacheStart", "cacheEnd", "cacheZone", NULL};
    if (kz_kind_of(v) != KZ_MAP) return false;
    switch (kz_gotype_of(v)) {
    case KZ_GOTYPE_TIME: return is_named(name, len, time_fields);
    case KZ_GOTYPE_SEMVER:
    case KZ_GOTYPE_SEMVER_VALUE: return is_named(name, len, semver_fields);
    case KZ_GOTYPE_LOCATION: return is_named(name, len, location_fields);
    default: return false;
    }
}

bool kz_goobj_internal_key(const kz_value *v, const char *name, size_t len) {
    if (kz_kind_of(v) != KZ_MAP || kz_is_go_map(v)) return false;
    return len > 0 && name[0] >= 'a' && name[0] <= 'z';
}

/* Go's %#v of a string: strconv.Quote. */
static void go_quoted(kz_buf *out, const kz_value *s) {
    kz_buf_putc(out, '"');
    for (size_t i = 0; i < kz_str_len(s); i++) {
        unsigned char c = (unsigned char)kz_str(s)[i];
        if (c == '"' || c == '\\') kz_buf_putc(out, '\\');
        kz_buf_putc(out, (char)c); /* semver strings are [0-9A-Za-z.-]: nothing else to escape */
    }
    kz_buf_putc(out, '"');
}

bool kz_goobj_go_syntax(const kz_value *v, kz_buf *out) {
    if (kz_kind_of(v) != KZ_MAP) return false;
    kz_gotype t = kz_gotype_of(v);
    if (t == KZ_GOTYPE_TIME) {
        kz_gotime_go_string(v, out);
        return true;
    }
    if (t != KZ_GOTYPE_SEMVER && t != KZ_GOTYPE_SEMVER_VALUE) return false;
    kz_buf_puts(out, t == KZ_GOTYPE_SEMVER ? "&semver.Version{" : "semver.Version{");
    kz_buf_printf(out, "major:0x%" PRIx64 ", minor:0x%" PRIx64 ", patch:0x%" PRIx64, semver_number(v, "major"),
                  semver_number(v, "minor"), semver_number(v, "patch"));
    static const char *const strings[] = {"pre", "metadata", "original"};
    for (size_t i = 0; i < 3; i++) {
        const kz_value *s = kz_map_getz(v, strings[i]);
        kz_value empty = kz_string("");
        kz_buf_printf(out, ", %s:", strings[i]);
        go_quoted(out, s ? s : &empty);
    }
    kz_buf_putc(out, '}');
    return true;
}
