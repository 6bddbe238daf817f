/* Helm's built-in template objects (see objects.h). */
#include "chart/objects.h"

#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/base64.h"
#include "core/buf.h"
#include "core/utf8.h"
#include "semver/semver.h"
#include "tmpl/exec.h"
#include "tmpl/fmt.h"
#include "yaml/emit.h"

/* ---- glob (gobwas/glob semantics with '/' as the separator) ---- */

/* The end of the class starting at p ('['), or NULL when it doesn't close. */
static const char *class_end(const char *p, const char *pe) {
    const char *q = p + 1;
    if (q < pe && *q == '!') q++;
    if (q >= pe || *q == ']') return NULL; /* an empty class doesn't compile */
    for (; q < pe; q++) {
        if (*q == '\\' && q + 1 < pe) q++;
        else if (*q == ']') return q;
    }
    return NULL;
}

static bool glob_compiles(const char *p) {
    const char *pe = p + strlen(p);
    for (; p < pe; p++) {
        if (*p == '\\' && p + 1 < pe) p++;
        else if (*p == '[') {
            const char *e = class_end(p, pe);
            if (!e) return false;
            p = e;
        }
    }
    return true;
}

static size_t rune_at(const char *s, const char *se, uint32_t *r) {
    size_t n = kz_utf8_decode((const unsigned char *)s, (size_t)(se - s), r);
    return n ? n : 1;
}

/* Whether the rune r is in the class [p..e] (p at '[', e at ']'). */
static bool class_has(const char *p, const char *e, uint32_t r) {
    const char *q = p + 1;
    bool neg = *q == '!';
    if (neg) q++;
    bool in = false;
    while (q < e) {
        uint32_t lo, hi;
        if (*q == '\\' && q + 1 < e) q++;
        q += rune_at(q, e, &lo);
        hi = lo;
        if (q + 1 < e && *q == '-') {
            q++;
            if (*q == '\\' && q + 1 < e) q++;
            q += rune_at(q, e, &hi);
        }
        if (r >= lo && r <= hi) in = true;
    }
    return in != neg;
}

static bool glob_match(const char *p, const char *pe, const char *s, const char *se);

/* {a,b,...}rest: some alternative matches a prefix of s and the rest the
 * remainder, each matched apart (so "{x/\*}\*" is not "x/\*\*"). */
static bool match_alternatives(const char *p, const char *pe, const char *s, const char *se) {
    int depth = 0;
    const char *close = pe, *q;
    for (q = p; q < pe; q++) {
        if (*q == '\\' && q + 1 < pe) q++;
        else if (*q == '{') depth++;
        else if (*q == '}' && --depth == 0) {
            close = q;
            break;
        }
    }
    const char *rest = close < pe ? close + 1 : pe;
    const char *alt = p + 1;
    depth = 0;
    for (q = p + 1; q <= close; q++) {
        if (q < close && *q == '\\' && q + 1 < close) {
            q++;
            continue;
        }
        if (q < close && *q == '{') depth++;
        else if (q < close && *q == '}') depth--;
        else if (q == close || (*q == ',' && depth == 0)) {
            for (const char *k = s; k <= se; k++)
                if (glob_match(alt, q, s, k) && glob_match(rest, pe, k, se)) return true;
            alt = q + 1;
        }
    }
    return false;
}

static bool glob_match(const char *p, const char *pe, const char *s, const char *se) {
    while (p < pe) {
        uint32_t r;
        switch (*p) {
        case '*':
            if (p + 1 < pe && p[1] == '*') {
                while (p < pe && *p == '*') p++;
                for (const char *k = s;; k++) {
                    if (glob_match(p, pe, k, se)) return true;
                    if (k == se) return false;
                }
            }
            p++;
            for (const char *k = s;; k++) {
                if (glob_match(p, pe, k, se)) return true;
                if (k == se || *k == '/') return false;
            }
        case '?':
            if (s == se || *s == '/') return false;
            s += rune_at(s, se, &r);
            p++;
            break;
        case '[': {
            const char *e = class_end(p, pe);
            if (!e || s == se) return false;
            s += rune_at(s, se, &r);
            if (!class_has(p, e, r)) return false;
            p = e + 1;
            break;
        }
        case '{': return match_alternatives(p, pe, s, se);
        case '\\':
            if (p + 1 < pe) p++;
            /* fall through */
        default:
            if (s == se || *s != *p) return false;
            s++;
            p++;
        }
    }
    return s == se;
}

bool kz_chart_glob_match(const char *pattern, const char *name) {
    if (!glob_compiles(pattern)) pattern = "**";
    return glob_match(pattern, pattern + strlen(pattern), name, name + strlen(name));
}

/* ---- .Files ---- */

static void files_add(kz_value *out, const kz_value *path, const kz_value *data) {
    if (!kz_is_string(path) || !kz_is_string(data)) return;
    kz_map_set(out, kz_copy(path), kz_with_gotype(kz_string_n(kz_str(data), kz_str_len(data)), KZ_GOTYPE_BYTES));
}

kz_value kz_chart_files_object(const kz_value *files) {
    kz_value out = kz_map();
    if (files && kz_is_map(files)) {
        for (size_t i = 0; i < kz_len(files); i++) files_add(&out, kz_map_key_at(files, i), kz_map_value_at(files, i));
    } else if (files && kz_is_seq(files)) {
        for (size_t i = 0; i < kz_len(files); i++) {
            const kz_value *pair = kz_seq_at(files, i);
            if (kz_is_seq(pair) && kz_len(pair) == 2) files_add(&out, kz_seq_at(pair, 0), kz_seq_at(pair, 1));
        }
    }
    return kz_with_gotype(out, KZ_GOTYPE_FILES);
}

static kz_value m_files_get_bytes(kz_tmpl_call *call, size_t argc, const kz_value *argv) {
    (void)call, (void)argc;
    const kz_value *v = kz_map_get(&argv[0], kz_str(&argv[1]), kz_str_len(&argv[1]));
    if (!v) return kz_with_gotype(kz_string(""), KZ_GOTYPE_BYTES);
    return kz_with_gotype(kz_copy(v), KZ_GOTYPE_BYTES);
}

static kz_value m_files_get(kz_tmpl_call *call, size_t argc, const kz_value *argv) {
    (void)call, (void)argc;
    const kz_value *v = kz_map_get(&argv[0], kz_str(&argv[1]), kz_str_len(&argv[1]));
    return v ? kz_string_n(kz_str(v), kz_str_len(v)) : kz_string("");
}

static kz_value m_files_glob(kz_tmpl_call *call, size_t argc, const kz_value *argv) {
    (void)call, (void)argc;
    const char *pattern = kz_str(&argv[1]);
    if (!glob_compiles(pattern)) pattern = "**";
    size_t plen = strlen(pattern);
    kz_value out = kz_map();
    for (size_t i = 0; i < kz_len(&argv[0]); i++) {
        const kz_value *k = kz_map_key_at(&argv[0], i);
        if (glob_match(pattern, pattern + plen, kz_str(k), kz_str(k) + kz_str_len(k)))
            kz_map_set(&out, kz_copy(k), kz_copy(kz_map_value_at(&argv[0], i)));
    }
    return kz_with_gotype(out, KZ_GOTYPE_FILES);
}

/* Lines: a trailing newline doesn't start a line; Helm indexes the last byte
 * of the file unchecked, so an empty file panics (recovered by the template). */
static kz_value m_files_lines(kz_tmpl_call *call, size_t argc, const kz_value *argv) {
    (void)call, (void)argc;
    kz_value out = kz_with_gotype(kz_seq(), KZ_GOTYPE_STRING_SLICE);
    const kz_value *v = kz_map_get(&argv[0], kz_str(&argv[1]), kz_str_len(&argv[1]));
    if (!v) return out;
    const char *s = kz_str(v);
    size_t n = kz_str_len(v);
    if (n == 0) {
        kz_free(out);
        return kz_error("runtime error: index out of range [-1]");
    }
    if (s[n - 1] == '\n') n--;
    size_t start = 0;
    for (size_t i = 0; i <= n; i++) {
        if (i == n || s[i] == '\n') {
            kz_seq_push(&out, kz_string_n(s + start, i - start));
            start = i + 1;
        }
    }
    return out;
}

static int path_order(const void *a, const void *b) {
    const kz_value *x = *(const kz_value *const *)a, *y = *(const kz_value *const *)b;
    return kz_key_cmp_bytes(kz_str(x), kz_str_len(x), kz_str(y), kz_str_len(y));
}

/* AsConfig (data as text) and AsSecrets (base64): Helm's toYAML of a
 * map[string]string keyed by the files' base names, without the final
 * newline ("" when that fails). Two files of the same base name: Go keeps whichever its map
 * iteration gives last; we keep the last in path order. */
static kz_value m_files_as(kz_tmpl_call *call, size_t argc, const kz_value *argv) {
    (void)argc;
    bool secrets = call->func->data != NULL;
    size_t n = kz_len(&argv[0]);
    const kz_value **keys = kz_xmalloc((n ? n : 1) * sizeof *keys);
    for (size_t i = 0; i < n; i++) keys[i] = kz_map_key_at(&argv[0], i);
    qsort(keys, n, sizeof *keys, path_order);
    kz_value m = kz_with_gotype(kz_map(), KZ_GOTYPE_STRING_MAP);
    for (size_t i = 0; i < n; i++) {
        const char *path = kz_str(keys[i]);
        const char *slash = strrchr(path, '/');
        const char *base = slash ? slash + 1 : path;
        const kz_value *data = kz_map_get(&argv[0], path, kz_str_len(keys[i]));
        kz_value text;
        if (secrets) {
            kz_buf b = KZ_BUF_INIT;
            kz_base64_encode(kz_str(data), kz_str_len(data), &b);
            text = kz_string_n(kz_buf_cstr(&b), b.len);
            kz_buf_free(&b);
        } else {
            text = kz_string_n(kz_str(data), kz_str_len(data));
        }
        kz_map_setz(&m, *base ? base : ".", text);
    }
    free(keys);
    /* Helm's toYAML swallows a marshalling error (a control character in
     * a file: sigs.k8s.io/yaml rereads its JSON with yaml.v2) and gives "". */
    kz_buf out = KZ_BUF_INIT;
    int rc = kz_yaml_emit_checked(&out, &m, NULL);
    kz_free(m);
    if (rc != 0) {
        kz_buf_free(&out);
        return kz_string("");
    }
    if (out.len && out.data[out.len - 1] == '\n') out.len--;
    kz_value s = kz_string_n(out.data ? out.data : "", out.len);
    kz_buf_free(&out);
    return s;
}

/* ---- .Capabilities ---- */

static kz_value kube_version_object(const char *version, const char *major, const char *minor) {
    kz_value kv = kz_map_sized(3);
    kz_map_setz(&kv, "Version", kz_string(version));
    kz_map_setz(&kv, "Major", kz_string(major));
    kz_map_setz(&kv, "Minor", kz_string(minor));
    return kz_with_gotype(kv, KZ_GOTYPE_KUBE_VERSION);
}

kz_value kz_chart_kube_version(const char *text) {
    kz_semver sv;
    kz_value err = kz_semver_parse(text, strlen(text), &sv);
    if (!kz_is_null(&err)) {
        kz_value e = kz_error("invalid kube version '%s': %s", text,
                              kz_error_message(&err) ? kz_error_message(&err) : "Invalid Semantic Version");
        kz_free(err);
        return e;
    }
    char *s = kz_semver_string(&sv);
    kz_buf version = KZ_BUF_INIT, major = KZ_BUF_INIT, minor = KZ_BUF_INIT;
    kz_buf_printf(&version, "v%s", s);
    kz_buf_printf(&major, "%llu", (unsigned long long)sv.major);
    kz_buf_printf(&minor, "%llu", (unsigned long long)sv.minor);
    kz_value kv = kube_version_object(kz_buf_cstr(&version), kz_buf_cstr(&major), kz_buf_cstr(&minor));
    free(s);
    kz_semver_free(&sv);
    kz_buf_free(&version);
    kz_buf_free(&major);
    kz_buf_free(&minor);
    return kv;
}

kz_value kz_chart_capabilities(const char *kube_version, const kz_value *extra_api_versions) {
    kz_value kv;
    if (kube_version) {
        kv = kz_chart_kube_version(kube_version);
        if (!kz_is_valid(&kv)) return kv;
    } else {
        kv = kube_version_object(kz_chart_default_kube_version[0], kz_chart_default_kube_version[1],
                                 kz_chart_default_kube_version[2]);
    }
    kz_value apis = kz_seq();
    for (size_t i = 0; kz_chart_default_api_versions[i]; i++)
        kz_seq_push(&apis, kz_string(kz_chart_default_api_versions[i]));
    for (size_t i = 0; extra_api_versions && i < kz_len(extra_api_versions); i++) {
        const kz_value *a = kz_seq_at(extra_api_versions, i);
        if (kz_is_string(a)) kz_seq_push(&apis, kz_string_n(kz_str(a), kz_str_len(a)));
    }
    static const char *const build_fields[4] = {"Version", "GitCommit", "GitTreeState", "GoVersion"};
    kz_value helm = kz_map_sized(4);
    for (size_t i = 0; i < 4; i++) kz_map_setz(&helm, build_fields[i], kz_string(kz_chart_helm_build_info[i]));
    kz_value caps = kz_map_sized(3);
    kz_map_setz(&caps, "KubeVersion", kv);
    kz_map_setz(&caps, "APIVersions", kz_with_gotype(apis, KZ_GOTYPE_VERSION_SET));
    kz_map_setz(&caps, "HelmVersion", kz_with_gotype(helm, KZ_GOTYPE_HELM_VERSION));
    return kz_with_gotype(caps, KZ_GOTYPE_CAPABILITIES);
}

static kz_value m_kube_version(kz_tmpl_call *call, size_t argc, const kz_value *argv) {
    (void)call, (void)argc;
    const kz_value *v = kz_map_getz(&argv[0], "Version");
    return v ? kz_copy(v) : kz_string("");
}

static kz_value m_version_set_has(kz_tmpl_call *call, size_t argc, const kz_value *argv) {
    (void)call, (void)argc;
    for (size_t i = 0; i < kz_len(&argv[0]); i++)
        if (kz_str_eq(kz_seq_at(&argv[0], i), kz_str(&argv[1]), kz_str_len(&argv[1]))) return kz_bool(true);
    return kz_bool(false);
}

/* ---- .Chart ---- */

static kz_value get_string(const kz_value *m, const char *key) {
    const kz_value *v = m ? kz_map_getz(m, key) : NULL;
    return v && kz_is_string(v) ? kz_string_n(kz_str(v), kz_str_len(v)) : kz_string("");
}

/* An absent (or null) list of Chart.yaml is a nil slice in Go. */
static kz_value nil_unless_seq(kz_value out, const kz_value *v) {
    return v && kz_is_seq(v) ? out : kz_with_nil(out);
}

static kz_value get_strings(const kz_value *m, const char *key) {
    const kz_value *v = m ? kz_map_getz(m, key) : NULL;
    kz_value out = nil_unless_seq(kz_with_gotype(kz_seq(), KZ_GOTYPE_STRING_SLICE), v);
    for (size_t i = 0; v && kz_is_seq(v) && i < kz_len(v); i++) {
        const kz_value *s = kz_seq_at(v, i);
        kz_seq_push(&out, kz_is_string(s) ? kz_string_n(kz_str(s), kz_str_len(s)) : kz_string(""));
    }
    return out;
}

static kz_value get_bool(const kz_value *m, const char *key) {
    const kz_value *v = m ? kz_map_getz(m, key) : NULL;
    return kz_bool(v && kz_bool_get(v));
}

static kz_value string_map(const kz_value *v) {
    kz_value out = kz_with_gotype(kz_map(), KZ_GOTYPE_STRING_MAP);
    if (!v || !kz_is_map(v)) out = kz_with_nil(out); /* absent: a nil map */
    for (size_t i = 0; v && kz_is_map(v) && i < kz_len(v); i++) {
        const kz_value *x = kz_map_value_at(v, i);
        kz_map_set(&out, kz_copy(kz_map_key_at(v, i)),
                   kz_is_string(x) ? kz_string_n(kz_str(x), kz_str_len(x)) : kz_string(""));
    }
    return out;
}

static kz_value maintainer_object(const kz_value *m) {
    kz_value o = kz_map_sized(3);
    kz_map_setz(&o, "Name", get_string(m, "name"));
    kz_map_setz(&o, "Email", get_string(m, "email"));
    kz_map_setz(&o, "URL", get_string(m, "url"));
    return kz_with_gotype(o, KZ_GOTYPE_MAINTAINER);
}

static kz_value dependency_object(const kz_value *m) {
    kz_value o = kz_map_sized(8);
    kz_map_setz(&o, "Name", get_string(m, "name"));
    kz_map_setz(&o, "Version", get_string(m, "version"));
    kz_map_setz(&o, "Repository", get_string(m, "repository"));
    kz_map_setz(&o, "Condition", get_string(m, "condition"));
    kz_map_setz(&o, "Tags", get_strings(m, "tags"));
    kz_map_setz(&o, "Enabled", get_bool(m, "enabled"));
    /* []interface{}: Helm's normalised entries are map[string]string */
    const kz_value *list = kz_map_getz(m, "import-values");
    kz_value iv = nil_unless_seq(kz_seq(), list);
    for (size_t i = 0; list && kz_is_seq(list) && i < kz_len(list); i++) {
        const kz_value *x = kz_seq_at(list, i);
        kz_seq_push(&iv, kz_is_map(x) ? string_map(x) : kz_copy(x));
    }
    kz_map_setz(&o, "ImportValues", iv);
    kz_map_setz(&o, "Alias", get_string(m, "alias"));
    return kz_with_gotype(o, KZ_GOTYPE_DEPENDENCY);
}

static kz_value object_list(const kz_value *m, const char *key, kz_value (*make)(const kz_value *), kz_gotype t) {
    const kz_value *v = m ? kz_map_getz(m, key) : NULL;
    kz_value out = nil_unless_seq(kz_with_gotype(kz_seq(), t), v);
    for (size_t i = 0; v && kz_is_seq(v) && i < kz_len(v); i++) {
        const kz_value *x = kz_seq_at(v, i);
        kz_seq_push(&out, kz_is_map(x) ? make(x) : kz_null()); /* a nil pointer */
    }
    return out;
}

kz_value kz_chart_metadata_object(const kz_value *chart_yaml, bool is_root) {
    const kz_value *y = chart_yaml && kz_is_map(chart_yaml) ? chart_yaml : NULL;
    kz_value o = kz_map_sized(18);
    kz_map_setz(&o, "Name", get_string(y, "name"));
    kz_map_setz(&o, "Home", get_string(y, "home"));
    kz_map_setz(&o, "Sources", get_strings(y, "sources"));
    kz_map_setz(&o, "Version", get_string(y, "version"));
    kz_map_setz(&o, "Description", get_string(y, "description"));
    kz_map_setz(&o, "Keywords", get_strings(y, "keywords"));
    kz_map_setz(&o, "Maintainers", object_list(y, "maintainers", maintainer_object, KZ_GOTYPE_MAINTAINERS));
    kz_map_setz(&o, "Icon", get_string(y, "icon"));
    kz_map_setz(&o, "APIVersion", get_string(y, "apiVersion"));
    kz_map_setz(&o, "Condition", get_string(y, "condition"));
    kz_map_setz(&o, "Tags", get_string(y, "tags"));
    kz_map_setz(&o, "AppVersion", get_string(y, "appVersion"));
    kz_map_setz(&o, "Deprecated", get_bool(y, "deprecated"));
    kz_map_setz(&o, "Annotations", string_map(y ? kz_map_getz(y, "annotations") : NULL));
    kz_map_setz(&o, "KubeVersion", get_string(y, "kubeVersion"));
    kz_map_setz(&o, "Dependencies", object_list(y, "dependencies", dependency_object, KZ_GOTYPE_DEPENDENCIES));
    kz_map_setz(&o, "Type", get_string(y, "type"));
    kz_map_setz(&o, "IsRoot", kz_bool(is_root));
    return kz_with_gotype(o, KZ_GOTYPE_CHART_METADATA);
}

/* .Chart.Metadata: the embedded struct, a field Go's template reaches by its
 * type name. */
static kz_value m_chart_metadata(kz_tmpl_call *call, size_t argc, const kz_value *argv) {
    (void)call, (void)argc;
    kz_value md = kz_copy(&argv[0]);
    kz_map_remove(&md, "IsRoot", 6);
    return kz_with_gotype(md, KZ_GOTYPE_METADATA);
}

/* ---- chartutil.Values ---- */

static kz_value go_quoted_error(const char *fmt_after, const char *s, size_t n) {
    kz_buf q = KZ_BUF_INIT;
    kz_fmt_quote(&q, s, n, false);
    kz_value e = kz_error("%s%s", kz_buf_cstr(&q), fmt_after);
    kz_buf_free(&q);
    return e;
}

static kz_value m_values_yaml(kz_tmpl_call *call, size_t argc, const kz_value *argv) {
    (void)call, (void)argc;
    kz_buf out = KZ_BUF_INIT;
    kz_value err = kz_null();
    kz_value plain = kz_with_gotype(kz_copy(&argv[0]), KZ_GOTYPE_NATURAL);
    kz_yaml_emit_checked(&out, &plain, &err);
    kz_free(plain);
    if (kz_error_message(&err)) {
        kz_buf_free(&out);
        return err;
    }
    kz_value s = kz_string_n(out.data ? out.data : "", out.len);
    kz_buf_free(&out);
    return s;
}

static kz_value m_values_as_map(kz_tmpl_call *call, size_t argc, const kz_value *argv) {
    (void)call, (void)argc;
    return kz_with_gotype(kz_copy(&argv[0]), KZ_GOTYPE_NATURAL);
}

static bool is_table(const kz_value *v) {
    kz_gotype t = kz_gotype_of(v);
    return kz_is_map(v) && (t == KZ_GOTYPE_NATURAL || t == KZ_GOTYPE_CHART_VALUES);
}

/* Table: walk the dot-separated path; the first missing or non-map step
 * is "NAME is not a table". */
static kz_value values_table(const kz_value *values, const char *path, size_t n) {
    kz_value table = kz_copy(values);
    size_t start = 0;
    for (size_t i = 0; i <= n; i++) {
        if (i < n && path[i] != '.') continue;
        const kz_value *next = kz_map_get(&table, path + start, i - start);
        if (!next || !is_table(next)) {
            kz_free(table);
            return go_quoted_error(" is not a table", path + start, i - start);
        }
        kz_value t = kz_copy(next);
        kz_free(table);
        table = t;
        start = i + 1;
    }
    return kz_with_gotype(table, KZ_GOTYPE_CHART_VALUES);
}

static kz_value m_values_table(kz_tmpl_call *call, size_t argc, const kz_value *argv) {
    (void)call, (void)argc;
    return values_table(&argv[0], kz_str(&argv[1]), kz_str_len(&argv[1]));
}

/* PathValue: the value (not a table) at a dot-separated path; failures say
 * "KEY is not a value" for the last key. */
static kz_value m_values_path_value(kz_tmpl_call *call, size_t argc, const kz_value *argv) {
    (void)call, (void)argc;
    const char *path = kz_str(&argv[1]);
    size_t n = kz_str_len(&argv[1]);
    if (n == 0) return kz_error("YAML path cannot be empty");
    const char *dot = NULL;
    for (size_t i = n; i-- > 0;)
        if (path[i] == '.') {
            dot = path + i;
            break;
        }
    const char *key = dot ? dot + 1 : path;
    size_t keylen = n - (size_t)(key - path);
    kz_value table = dot ? values_table(&argv[0], path, (size_t)(dot - path)) : kz_copy(&argv[0]);
    if (!kz_is_valid(&table)) {
        kz_free(table);
        return go_quoted_error(" is not a value", key, keylen);
    }
    const kz_value *v = kz_map_get(&table, key, keylen);
    kz_value result = v && !(kz_is_map(v) && kz_gotype_of(v) == KZ_GOTYPE_NATURAL)
                          ? kz_copy(v)
                          : go_quoted_error(" is not a value", key, keylen);
    kz_free(table);
    return result;
}

static kz_value m_values_encode(kz_tmpl_call *call, size_t argc, const kz_value *argv) {
    (void)call, (void)argc, (void)argv;
    return kz_error("wrong type for value; expected io.Writer");
}

void kz_chart_register_methods(kz_tmpl_funcs *t) {
    kz_tmpl_funcs_add_method(t, KZ_GOTYPE_FILES, "Get", m_files_get, "s", NULL);
    kz_tmpl_funcs_add_method(t, KZ_GOTYPE_FILES, "GetBytes", m_files_get_bytes, "s", NULL);
    kz_tmpl_funcs_add_method(t, KZ_GOTYPE_FILES, "Glob", m_files_glob, "s", NULL);
    kz_tmpl_funcs_add_method(t, KZ_GOTYPE_FILES, "Lines", m_files_lines, "s", NULL);
    kz_tmpl_funcs_add_method(t, KZ_GOTYPE_FILES, "AsConfig", m_files_as, "", NULL);
    kz_tmpl_funcs_add_method(t, KZ_GOTYPE_FILES, "AsSecrets", m_files_as, "", (void *)"secrets");
    kz_tmpl_funcs_add_method(t, KZ_GOTYPE_KUBE_VERSION, "String", m_kube_version, "", NULL);
    kz_tmpl_funcs_add_method(t, KZ_GOTYPE_KUBE_VERSION, "GitVersion", m_kube_version, "", NULL);
    kz_tmpl_funcs_add_method(t, KZ_GOTYPE_VERSION_SET, "Has", m_version_set_has, "s", NULL);
    kz_tmpl_funcs_add_method(t, KZ_GOTYPE_CHART_METADATA, "Metadata", m_chart_metadata, "", NULL);
    kz_tmpl_funcs_add_method(t, KZ_GOTYPE_CHART_VALUES, "YAML", m_values_yaml, "", NULL);
    kz_tmpl_funcs_add_method(t, KZ_GOTYPE_CHART_VALUES, "AsMap", m_values_as_map, "", NULL);
    kz_tmpl_funcs_add_method(t, KZ_GOTYPE_CHART_VALUES, "Table", m_values_table, "s", NULL);
    kz_tmpl_funcs_add_method(t, KZ_GOTYPE_CHART_VALUES, "PathValue", m_values_path_value, "s", NULL);
    kz_tmpl_funcs_add_method(t, KZ_GOTYPE_CHART_VALUES, "Encode", m_values_encode, "v", NULL);
}
