/* `helm lint` on one chart (see lint.h). */
#include "chart/lint.h"

#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include <dirent.h>
#include <stdarg.h>

#include "chart/chart.h"
#include "chart/deps.h"
#include "chart/objects.h"
#include "chart/render.h"
#include "chart/schema.h"
#include "chart/values.h"
#include "core/alloc.h"
#include "core/file.h"
#include "funcs/funcs.h"
#include "regex/regex.h"
#include "semver/semver.h"
#include "tmpl/exec.h"
#include "tmpl/fmt.h"
#include "tmpl/set.h"
#include "yaml/parse.h"

/* ---- messages ---- */

static void add(kz_lint_result *r, kz_lint_severity sev, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void add(kz_lint_result *r, kz_lint_severity sev, const char *path, const char *fmt, ...) {
    if (r->len == r->cap) {
        r->cap = r->cap ? r->cap * 2 : 16;
        r->v = kz_xrealloc(r->v, r->cap * sizeof *r->v);
    }
    kz_buf b = KZ_BUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    kz_buf_vprintf(&b, fmt, ap);
    va_end(ap);
    char *text = kz_buf_detach(&b, NULL);
    r->v[r->len++] = (kz_lint_message){.severity = sev, .path = kz_xstrdup(path), .text = text ? text : kz_xstrdup("")};
}

void kz_lint_result_free(kz_lint_result *r) {
    for (size_t i = 0; i < r->len; i++) free(r->v[i].path), free(r->v[i].text);
    free(r->v);
    memset(r, 0, sizeof *r);
}

void kz_lint_message_print(kz_buf *out, const kz_lint_message *m) {
    static const char *const names[] = {"UNKNOWN", "INFO", "WARNING", "ERROR"};
    kz_buf_printf(out, "[%s] %s: %s", names[m->severity], m->path, m->text);
}

/* Go's %q of a string. */
static char *quote(const char *s) {
    kz_buf b = KZ_BUF_INIT;
    kz_fmt_quote(&b, s, strlen(s), false);
    char *q = kz_buf_detach(&b, NULL);
    return q ? q : kz_xstrdup("\"\"");
}

static const char *str_at(const kz_value *map, const char *key) {
    const kz_value *v = kz_is_map(map) ? kz_map_getz(map, key) : NULL;
    return v && kz_is_string(v) ? kz_str(v) : "";
}

/* ---- URLs and e-mail addresses (govalidator's checks, as Helm uses them) ---- */

static bool is_ctl(const char *s) {
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f) return true;
    return false;
}

/* Percent escapes must be followed by two hex digits (Go's unescape). */
static bool valid_escapes(const char *s, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (s[i] == '%' && (i + 2 >= n + 0 || !isxdigit((unsigned char)s[i + 1]) || !isxdigit((unsigned char)s[i + 2])))
            return false;
    return true;
}

/* In a host, Go's unescape takes %XX only for non-ASCII bytes, or "%25". */
static bool valid_host_escapes(const char *s, size_t n) {
    if (!valid_escapes(s, n)) return false;
    for (size_t i = 0; i + 2 < n; i++)
        if (s[i] == '%' && strchr("01234567", s[i + 1]) && strncmp(s + i, "%25", 3) != 0) return false;
    return true;
}

/* Characters Go's url package refuses in a host name. */
static bool bad_host_char(unsigned char c) {
    if (c >= 0x80 || isalnum(c)) return false;
    return !strchr("-_.~!$&'()*+,;=:[]<>\"%", c);
}

/* Go's url.ParseRequestURI succeeding with a scheme (govalidator.IsRequestURL). */
static bool is_request_url(const char *s) {
    if (!*s || is_ctl(s)) return false;
    size_t i = 0;
    while (isalpha((unsigned char)s[i]) || (i > 0 && (isdigit((unsigned char)s[i]) || strchr("+-.", s[i])))) i++;
    if (s[i] != ':' || i == 0) return false; /* no scheme */
    const char *rest = s + i + 1;
    size_t n = strcspn(rest, "?");
    if (strncmp(rest, "//", 2) != 0) return rest[0] != '/' || valid_escapes(rest, n);
    const char *auth = rest + 2;
    size_t alen = strcspn(auth, "/?");
    const char *at = NULL;
    for (size_t k = 0; k < alen; k++)
        if (auth[k] == '@') at = auth + k;
    const char *host = at ? at + 1 : auth;
    if (at)
        for (const char *p = auth; p < at; p++)
            if (!isalnum((unsigned char)*p) && !strchr("-._:~!$&'()*+,;=%@", *p)) return false;
    size_t hlen = (size_t)(auth + alen - host);
    if (hlen && host[0] != '[') {
        const char *colon = NULL;
        for (size_t k = 0; k < hlen; k++)
            if (host[k] == ':') colon = host + k;
        if (colon)
            for (const char *p = colon + 1; p < host + hlen; p++)
                if (!isdigit((unsigned char)*p)) return false;
        for (size_t k = 0; k < hlen; k++)
            if (bad_host_char((unsigned char)host[k])) return false;
        if (!valid_host_escapes(host, hlen)) return false;
    }
    if (at && !valid_escapes(auth, (size_t)(at - auth))) return false;
    return valid_escapes(auth + alen, strcspn(auth + alen, "?"));
}

/* IsURL refuses what url.Parse reads as a path alone (no scheme nor "//"
 * host; with a ':' it is parsed after "http://" and has a host) unless the
 * path has a dot: "nope", "abcd?x" and "abc#d" are not URLs. */
static bool pathonly_without_dot(const char *s) {
    if (strchr(s, ':')) return false;
    size_t n = strcspn(s, "#");
    n = strcspn(s, "?") < n ? strcspn(s, "?") : n;
    if (n >= 2 && s[0] == '/' && s[1] == '/') return false; /* a host */
    return n > 0 && !memchr(s, '.', n);
}

/* govalidator.IsURL, as its own regular expression reads: an optional
 * scheme, optional user info, a host (IP address or dotted name), an
 * optional port and a path without white space. Written anew here. */
static bool is_url(const char *s) {
    size_t n = strlen(s);
    if (n <= 3 || n >= 2083 || s[0] == '.') return false;
    static const char *pattern =
        "^((ftp|tcp|udp|wss?|https?)://)?(\\S+(:\\S*)?@)?"
        "((([1-9]\\d?|1\\d\\d|2[01]\\d|22[0-3]|24\\d|25[0-5])(\\.(\\d{1,2}|1\\d\\d|2[0-4]\\d|25[0-5])){2}"
        "(\\.(\\d\\d?|1\\d\\d|2[0-4]\\d|25[0-5])))|(\\[[0-9a-fA-F:.]+\\])|"
        "(([a-zA-Z0-9_\\x{00a1}-\\x{ffff}]([a-zA-Z0-9_\\x{00a1}-\\x{ffff}-]*[a-zA-Z0-9_\\x{00a1}-\\x{ffff}])?\\.)*"
        "[a-zA-Z0-9\\x{00a1}-\\x{ffff}]+(-?-?[a-zA-Z0-9\\x{00a1}-\\x{ffff}]+)*))\\.?"
        "(:\\d{1,5})?([/?#]\\S*)?$";
    kz_regex *re = NULL;
    kz_value e = kz_regex_compile(pattern, strlen(pattern), &re);
    bool ok = kz_is_null(&e) && kz_regex_match(re, s, n);
    kz_free(e);
    kz_regex_free(re);
    if (!ok) return false;
    /* the host must not start with a dot and a bare word needs a dot */
    const char *h = strstr(s, "://");
    h = h ? h + 3 : s;
    return h[0] != '.' && !pathonly_without_dot(s);
}

/* An address: a dot-atom local part, '@', dotted labels ending in a
 * letter-only top-level label (an optional final dot). */
static bool is_email(const char *s) {
    const char *at = strrchr(s, '@');
    if (!at || at == s) return false;
    const char *atext = "!#$%&'*+-/=?^_`{|}~";
    bool prev_dot = true;
    for (const char *p = s; p < at; p++) {
        if (*p == '.') {
            if (prev_dot) return false;
            prev_dot = true;
            continue;
        }
        if (!isalnum((unsigned char)*p) && !strchr(atext, *p) && (unsigned char)*p < 0x80) return false;
        prev_dot = false;
    }
    if (prev_dot) return false;
    const char *d = at + 1;
    size_t n = strlen(d);
    if (n && d[n - 1] == '.') n--;
    size_t labels = 0, start = 0;
    for (size_t i = 0; i <= n; i++) {
        if (i < n && d[i] != '.') {
            if (!isalnum((unsigned char)d[i]) && !strchr("-~", d[i]) && (unsigned char)d[i] < 0x80) return false;
            continue;
        }
        if (i == start) return false;
        if (!isalnum((unsigned char)d[start]) || !isalnum((unsigned char)d[i - 1])) return false;
        labels++;
        if (i == n) /* the last label: letters first and last */
            if (!isalpha((unsigned char)d[start]) || !isalpha((unsigned char)d[i - 1])) return false;
        start = i + 1;
    }
    return labels >= 2;
}

/* ---- rule: Chart.yaml ---- */

static const char *go_type_name(const kz_value *v) {
    switch (kz_kind_of(v)) {
    case KZ_STRING: return "string";
    case KZ_INT:
    case KZ_FLOAT: return "float64";
    case KZ_BOOL: return "bool";
    case KZ_SEQ: return "[]interface {}";
    case KZ_MAP: return "map[string]interface {}";
    default: return "<nil>";
    }
}

static void type_check(kz_lint_result *r, const kz_value *doc, const char *key) {
    const kz_value *v = kz_is_map(doc) ? kz_map_getz(doc, key) : NULL;
    if (v && !kz_is_string(v))
        add(r, KZ_LINT_ERROR, "Chart.yaml", "%s should be of type string but it's of type %s", key, go_type_name(v));
}

/* filepath.Base */
static bool base_differs(const char *name) {
    size_t n = strlen(name);
    if (n && name[n - 1] == '/') return true;
    return strchr(name, '/') != NULL;
}

static void check_version(kz_lint_result *r, const char *version) {
    if (!*version) {
        add(r, KZ_LINT_ERROR, "Chart.yaml", "version is required");
        return;
    }
    kz_semver v;
    kz_value e = kz_semver_parse(version, strlen(version), &v);
    if (!kz_is_null(&e)) {
        kz_free(e);
        add(r, KZ_LINT_ERROR, "Chart.yaml", "version '%s' is not a valid SemVer", version);
        return;
    }
    kz_semver_constraint *c = NULL;
    kz_value ce = kz_semver_constraint_parse(">0.0.0-0", 8, &c);
    if (kz_is_null(&ce) && !kz_semver_constraint_check(c, &v))
        add(r, KZ_LINT_ERROR, "Chart.yaml", "version %s is less than or equal to 0.0.0-0", version);
    kz_free(ce);
    kz_semver_constraint_free(c);
    kz_semver_free(&v);
}

static void check_maintainers(kz_lint_result *r, const kz_value *md) {
    const kz_value *ms = kz_map_getz(md, "maintainers");
    for (size_t i = 0; ms && i < kz_len(ms); i++) {
        const kz_value *m = kz_seq_at(ms, i);
        const char *name = str_at(m, "name"), *email = str_at(m, "email"), *url = str_at(m, "url");
        const char *msg = NULL;
        if (!kz_is_map(m)) msg = "a maintainer entry is empty";
        if (msg || !*name) {
            add(r, KZ_LINT_ERROR, "Chart.yaml", "%s", msg ? msg : "each maintainer requires a name");
            return;
        }
        if (*email && !is_email(email)) {
            add(r, KZ_LINT_ERROR, "Chart.yaml", "invalid email '%s' for maintainer '%s'", email, name);
            return;
        }
        if (*url && !is_url(url)) {
            add(r, KZ_LINT_ERROR, "Chart.yaml", "invalid url '%s' for maintainer '%s'", url, name);
            return;
        }
    }
}

static void rule_chartfile(kz_lint_result *r, const char *dir) {
    kz_buf path = KZ_BUF_INIT;
    kz_buf_printf(&path, "%s/Chart.yaml", dir);
    struct stat st;
    if (stat(kz_buf_cstr(&path), &st) == 0 && S_ISDIR(st.st_mode))
        add(r, KZ_LINT_ERROR, "Chart.yaml", "should be a file, not a directory");
    kz_buf data = KZ_BUF_INIT;
    kz_value err = kz_null();
    if (kz_file_read(kz_buf_cstr(&path), &data, &err) != 0) {
        add(r, KZ_LINT_ERROR, "Chart.yaml", "unable to parse YAML\n\t%s", kz_error_message(&err));
        kz_free(err);
        kz_buf_free(&data), kz_buf_free(&path);
        return;
    }
    kz_yaml_parse_opts yo = {.schema = KZ_YAML_HELM, .source_name = "Chart.yaml", .max_threads = 1, .go_errors = true};
    kz_value doc = kz_yaml_parse_one(data.data ? data.data : "", data.len, &yo);
    kz_buf_free(&data), kz_buf_free(&path);
    if (!kz_is_valid(&doc)) {
        add(r, KZ_LINT_ERROR, "Chart.yaml", "unable to parse YAML\n\terror converting YAML to JSON: %s",
            kz_error_message(&doc));
        kz_free(doc);
        return;
    }
    kz_value md = kz_invalid(), derr = kz_invalid();
    if (kz_chart_metadata_decode(&doc, &md, &derr) != 0) {
        add(r, KZ_LINT_ERROR, "Chart.yaml", "unable to parse YAML\n\terror unmarshaling JSON: while decoding JSON: %s",
            kz_error_message(&derr));
        kz_free(derr), kz_free(md), kz_free(doc);
        return;
    }
    kz_free(derr);
    const char *name = str_at(&md, "name"), *api = str_at(&md, "apiVersion");
    if (!*name) add(r, KZ_LINT_ERROR, "Chart.yaml", "name is required");
    else if (base_differs(name)) {
        char *q = quote(name);
        add(r, KZ_LINT_ERROR, "Chart.yaml", "chart name %s is invalid", q);
        free(q);
    }
    if (!*api) add(r, KZ_LINT_ERROR, "Chart.yaml", "apiVersion is required. The value must be either \"v1\" or \"v2\"");
    else if (strcmp(api, "v1") != 0 && strcmp(api, "v2") != 0)
        add(r, KZ_LINT_ERROR, "Chart.yaml", "apiVersion '%s' is not valid. The value must be either \"v1\" or \"v2\"", api);
    type_check(r, &doc, "version");
    check_version(r, str_at(&md, "version"));
    type_check(r, &doc, "appVersion");
    check_maintainers(r, &md);
    const kz_value *sources = kz_map_getz(&md, "sources");
    for (size_t i = 0; sources && i < kz_len(sources); i++) {
        const char *s = kz_str(kz_seq_at(sources, i));
        if (!*s || !is_request_url(s)) {
            add(r, KZ_LINT_ERROR, "Chart.yaml", "invalid source URL '%s'", s);
            break;
        }
    }
    const char *icon = str_at(&md, "icon");
    if (!*icon) add(r, KZ_LINT_INFO, "Chart.yaml", "icon is recommended");
    if (*icon && !is_request_url(icon)) add(r, KZ_LINT_ERROR, "Chart.yaml", "invalid icon URL '%s'", icon);
    if (*str_at(&md, "type") && strcmp(api, "v2") != 0)
        add(r, KZ_LINT_ERROR, "Chart.yaml", "chart type is not valid in apiVersion '%s'. It is valid in apiVersion 'v2'", api);
    const kz_value *deps = kz_map_getz(&md, "dependencies");
    if (deps && kz_len(deps) > 0 && strcmp(api, "v2") != 0)
        add(r, KZ_LINT_ERROR, "Chart.yaml",
            "dependencies are not valid in the Chart file with apiVersion '%s'. They are valid in apiVersion 'v2'", api);
    kz_free(md);
    kz_free(doc);
}

/* ---- rule: values.yaml ---- */

typedef struct logger {
    kz_buf *log;
} logger;

static void log_values(void *ctx, int go_line, const char *msg) {
    kz_buf_printf(((logger *)ctx)->log, "coalesce.go:%d: %s\n", go_line, msg);
}

static void log_deps(void *ctx, const char *go_file, int go_line, const char *msg) {
    kz_buf_printf(((logger *)ctx)->log, "%s:%d: %s\n", go_file, go_line, msg);
}

/* values.schema.json next to values.yaml, when not empty. */
static void check_values_schema(kz_lint_result *r, const char *dir, const kz_value *values, const kz_lint_opts *o) {
    kz_buf path = KZ_BUF_INIT, schema = KZ_BUF_INIT;
    kz_buf_printf(&path, "%s/values.schema.json", dir);
    kz_value err = kz_null();
    bool read = kz_file_read(kz_buf_cstr(&path), &schema, &err) == 0;
    kz_free(err);
    (void)o; /* helm v3.17 checks values.yaml even with --skip-schema-validation */
    if (read && schema.len) {
        kz_value e = kz_schema_validate_json(schema.data, schema.len, values);
        if (kz_error_message(&e)) add(r, KZ_LINT_ERROR, "values.yaml", "%s", kz_error_message(&e));
        kz_free(e);
    }
    kz_buf_free(&path), kz_buf_free(&schema);
}

static void rule_values(kz_lint_result *r, const char *dir, const kz_value *user, const kz_lint_opts *o, logger *lg) {
    (void)o;
    kz_buf path = KZ_BUF_INIT;
    kz_buf_printf(&path, "%s/values.yaml", dir);
    struct stat st;
    if (stat(kz_buf_cstr(&path), &st) != 0) {
        add(r, KZ_LINT_INFO, "values.yaml", "file does not exist");
        kz_buf_free(&path);
        return;
    }
    kz_buf data = KZ_BUF_INIT;
    kz_value err = kz_null();
    if (kz_file_read(kz_buf_cstr(&path), &data, &err) != 0) {
        add(r, KZ_LINT_ERROR, "values.yaml", "unable to parse YAML: %s", kz_error_message(&err));
        kz_free(err);
        kz_buf_free(&data), kz_buf_free(&path);
        return;
    }
    kz_buf_free(&path);
    kz_yaml_parse_opts yo = {.schema = KZ_YAML_HELM, .source_name = "values.yaml", .max_threads = 1, .go_errors = true};
    kz_value doc = kz_yaml_parse_one(data.data ? data.data : "", data.len, &yo);
    kz_buf_free(&data);
    if (!kz_is_valid(&doc)) {
        add(r, KZ_LINT_ERROR, "values.yaml", "unable to parse YAML: error converting YAML to JSON: %s",
            kz_error_message(&doc));
    } else if (!kz_is_map(&doc) && !kz_is_null(&doc)) {
        add(r, KZ_LINT_ERROR, "values.yaml",
            "unable to parse YAML: error unmarshaling JSON: while decoding JSON: json: cannot unmarshal %s into Go "
            "value of type chartutil.Values",
            kz_is_seq(&doc) ? "array" : kz_is_string(&doc) ? "string" : kz_kind_of(&doc) == KZ_BOOL ? "bool" : "number");
    } else {
        /* Helm checks the top chart's values only: the user's over values.yaml */
        kz_value merged = kz_map();
        if (user && kz_is_map(user)) kz_values_coalesce_tables(&merged, user, false, log_values, lg);
        if (kz_is_map(&doc)) kz_values_coalesce_tables(&merged, &doc, false, log_values, lg);
        check_values_schema(r, dir, &merged, o);
        kz_free(merged);
    }
    kz_free(doc);
}

/* ---- rendering in lint mode ---- */
/* Helm's LintMode: `required` and `fail` log instead of failing. */

static logger *lint_logger_of(kz_tmpl_call *call);

static kz_value lint_required(kz_tmpl_call *call, size_t argc, const kz_value *argv) {
    (void)argc;
    kz_kind k = kz_kind_of(&argv[1]);
    if (k == KZ_NULL || k == KZ_INVALID ||
        (k == KZ_STRING && kz_gotype_of(&argv[1]) == KZ_GOTYPE_NATURAL && kz_str_len(&argv[1]) == 0)) {
        /* helm logs from two lines of engine.go: nil, then "" */
        kz_buf_printf(lint_logger_of(call)->log, "engine.go:%d: [INFO] Missing required value: %.*s\n",
                      k == KZ_STRING ? 214 : 206, (int)kz_str_len(&argv[0]), kz_str(&argv[0]));
        return kz_string("");
    }
    return kz_copy(&argv[1]);
}

static kz_value lint_fail(kz_tmpl_call *call, size_t argc, const kz_value *argv) {
    (void)argc;
    kz_buf_printf(lint_logger_of(call)->log, "engine.go:227: [INFO] Fail: %.*s\n", (int)kz_str_len(&argv[0]),
                  kz_str(&argv[0]));
    return kz_string("");
}

static logger *lint_logger_of(kz_tmpl_call *call) { return (logger *)call->func->data; }


/* Render with Helm's lint-mode functions: the library's table with
 * `required` and `fail` replaced. */
static kz_value lint_render(const kz_chart *chart, const kz_value *values, kz_render_opts *opts, logger *lg,
                            kz_rendered *out) {
    kz_tmpl_funcs *funcs = kz_funcs_new();
    kz_tmpl_funcs_add_typed(funcs, "required", lint_required, "sv", lg);
    kz_tmpl_funcs_add_typed(funcs, "fail", lint_fail, "s", lg);
    opts->funcs = funcs;
    kz_value err = kz_chart_render(chart, values, opts, out);
    opts->funcs = NULL;
    kz_tmpl_funcs_free(funcs);
    return err;
}

/* ---- deprecated APIs (Kubernetes 1.32's scheme, as helm v3.17 knows them) ---- */

typedef struct deprecated_api {
    const char *api_version, *kind;
    int deprecated_minor; /* deprecated in v1.N */
    const char *message;
} deprecated_api;

static const deprecated_api deprecated_apis[] = {
    {"admissionregistration.k8s.io/v1beta1", "MutatingWebhookConfiguration", 16, "admissionregistration.k8s.io/v1beta1 MutatingWebhookConfiguration is deprecated in v1.16+, unavailable in v1.22+; use admissionregistration.k8s.io/v1 MutatingWebhookConfiguration"},
    {"admissionregistration.k8s.io/v1beta1", "ValidatingWebhookConfiguration", 16, "admissionregistration.k8s.io/v1beta1 ValidatingWebhookConfiguration is deprecated in v1.16+, unavailable in v1.22+; use admissionregistration.k8s.io/v1 ValidatingWebhookConfiguration"},
    {"admissionregistration.k8s.io/v1beta1", "ValidatingAdmissionPolicy", 31, "admissionregistration.k8s.io/v1beta1 ValidatingAdmissionPolicy is deprecated in v1.31+, unavailable in v1.34+"},
    {"admissionregistration.k8s.io/v1beta1", "ValidatingAdmissionPolicyBinding", 31, "admissionregistration.k8s.io/v1beta1 ValidatingAdmissionPolicyBinding is deprecated in v1.31+, unavailable in v1.34+"},
    {"admissionregistration.k8s.io/v1beta1", "MutatingWebhookConfigurationList", 16, "admissionregistration.k8s.io/v1beta1 MutatingWebhookConfigurationList is deprecated in v1.16+, unavailable in v1.22+; use admissionregistration.k8s.io/v1 MutatingWebhookConfigurationList"},
    {"admissionregistration.k8s.io/v1beta1", "ValidatingWebhookConfigurationList", 16, "admissionregistration.k8s.io/v1beta1 ValidatingWebhookConfigurationList is deprecated in v1.16+, unavailable in v1.22+; use admissionregistration.k8s.io/v1 ValidatingWebhookConfigurationList"},
    {"admissionregistration.k8s.io/v1beta1", "ValidatingAdmissionPolicyList", 31, "admissionregistration.k8s.io/v1beta1 ValidatingAdmissionPolicyList is deprecated in v1.31+, unavailable in v1.34+"},
    {"admissionregistration.k8s.io/v1beta1", "ValidatingAdmissionPolicyBindingList", 31, "admissionregistration.k8s.io/v1beta1 ValidatingAdmissionPolicyBindingList is deprecated in v1.31+, unavailable in v1.34+"},
    {"admissionregistration.k8s.io/v1alpha1", "ValidatingAdmissionPolicy", 29, "admissionregistration.k8s.io/v1alpha1 ValidatingAdmissionPolicy is deprecated in v1.29+, unavailable in v1.32+"},
    {"admissionregistration.k8s.io/v1alpha1", "ValidatingAdmissionPolicyBinding", 29, "admissionregistration.k8s.io/v1alpha1 ValidatingAdmissionPolicyBinding is deprecated in v1.29+, unavailable in v1.32+"},
    {"admissionregistration.k8s.io/v1alpha1", "MutatingAdmissionPolicy", 35, "admissionregistration.k8s.io/v1alpha1 MutatingAdmissionPolicy is deprecated in v1.35+, unavailable in v1.38+"},
    {"admissionregistration.k8s.io/v1alpha1", "MutatingAdmissionPolicyBinding", 35, "admissionregistration.k8s.io/v1alpha1 MutatingAdmissionPolicyBinding is deprecated in v1.35+, unavailable in v1.38+"},
    {"admissionregistration.k8s.io/v1alpha1", "ValidatingAdmissionPolicyList", 29, "admissionregistration.k8s.io/v1alpha1 ValidatingAdmissionPolicyList is deprecated in v1.29+, unavailable in v1.32+"},
    {"admissionregistration.k8s.io/v1alpha1", "ValidatingAdmissionPolicyBindingList", 29, "admissionregistration.k8s.io/v1alpha1 ValidatingAdmissionPolicyBindingList is deprecated in v1.29+, unavailable in v1.32+"},
    {"admissionregistration.k8s.io/v1alpha1", "MutatingAdmissionPolicyList", 35, "admissionregistration.k8s.io/v1alpha1 MutatingAdmissionPolicyList is deprecated in v1.35+, unavailable in v1.38+"},
    {"admissionregistration.k8s.io/v1alpha1", "MutatingAdmissionPolicyBindingList", 35, "admissionregistration.k8s.io/v1alpha1 MutatingAdmissionPolicyBindingList is deprecated in v1.35+, unavailable in v1.38+"},
    {"apps/v1beta1", "ControllerRevision", 8, "apps/v1beta1 ControllerRevision is deprecated in v1.8+, unavailable in v1.16+; use apps/v1 ControllerRevision"},
    {"apps/v1beta1", "Deployment", 8, "apps/v1beta1 Deployment is deprecated in v1.8+, unavailable in v1.16+; use apps/v1 Deployment"},
    {"apps/v1beta1", "StatefulSet", 8, "apps/v1beta1 StatefulSet is deprecated in v1.8+, unavailable in v1.16+; use apps/v1 StatefulSet"},
    {"apps/v1beta1", "DeploymentRollback", 8, "apps/v1beta1 DeploymentRollback is deprecated in v1.8+, unavailable in v1.16+; use apps/v1 DeploymentRollback"},
    {"apps/v1beta1", "Scale", 8, "apps/v1beta1 Scale is deprecated in v1.8+, unavailable in v1.16+; use autoscaling/v1 Scale"},
    {"apps/v1beta1", "ControllerRevisionList", 8, "apps/v1beta1 ControllerRevisionList is deprecated in v1.8+, unavailable in v1.16+; use apps/v1 ControllerRevisionList"},
    {"apps/v1beta1", "DeploymentList", 8, "apps/v1beta1 DeploymentList is deprecated in v1.8+, unavailable in v1.16+; use apps/v1 DeploymentList"},
    {"apps/v1beta1", "StatefulSetList", 8, "apps/v1beta1 StatefulSetList is deprecated in v1.8+, unavailable in v1.16+; use apps/v1 StatefulSetList"},
    {"apps/v1beta2", "ControllerRevision", 9, "apps/v1beta2 ControllerRevision is deprecated in v1.9+, unavailable in v1.16+; use apps/v1 ControllerRevision"},
    {"apps/v1beta2", "DaemonSet", 9, "apps/v1beta2 DaemonSet is deprecated in v1.9+, unavailable in v1.16+; use apps/v1 DaemonSet"},
    {"apps/v1beta2", "Deployment", 9, "apps/v1beta2 Deployment is deprecated in v1.9+, unavailable in v1.16+; use apps/v1 Deployment"},
    {"apps/v1beta2", "ReplicaSet", 9, "apps/v1beta2 ReplicaSet is deprecated in v1.9+, unavailable in v1.16+; use apps/v1 ReplicaSet"},
    {"apps/v1beta2", "StatefulSet", 9, "apps/v1beta2 StatefulSet is deprecated in v1.9+, unavailable in v1.16+; use apps/v1 StatefulSet"},
    {"apps/v1beta2", "Scale", 9, "apps/v1beta2 Scale is deprecated in v1.9+, unavailable in v1.16+; use autoscaling/v1 Scale"},
    {"apps/v1beta2", "ControllerRevisionList", 9, "apps/v1beta2 ControllerRevisionList is deprecated in v1.9+, unavailable in v1.16+; use apps/v1 ControllerRevisionList"},
    {"apps/v1beta2", "DaemonSetList", 9, "apps/v1beta2 DaemonSetList is deprecated in v1.9+, unavailable in v1.16+; use apps/v1 DaemonSetList"},
    {"apps/v1beta2", "DeploymentList", 9, "apps/v1beta2 DeploymentList is deprecated in v1.9+, unavailable in v1.16+; use apps/v1 DeploymentList"},
    {"apps/v1beta2", "ReplicaSetList", 9, "apps/v1beta2 ReplicaSetList is deprecated in v1.9+, unavailable in v1.16+; use apps/v1 ReplicaSetList"},
    {"apps/v1beta2", "StatefulSetList", 9, "apps/v1beta2 StatefulSetList is deprecated in v1.9+, unavailable in v1.16+; use apps/v1 StatefulSetList"},
    {"authentication.k8s.io/v1beta1", "TokenReview", 19, "authentication.k8s.io/v1beta1 TokenReview is deprecated in v1.19+, unavailable in v1.22+; use authentication.k8s.io/v1 TokenReview"},
    {"authentication.k8s.io/v1beta1", "SelfSubjectReview", 30, "authentication.k8s.io/v1beta1 SelfSubjectReview is deprecated in v1.30+, unavailable in v1.33+"},
    {"authentication.k8s.io/v1alpha1", "SelfSubjectReview", 29, "authentication.k8s.io/v1alpha1 SelfSubjectReview is deprecated in v1.29+, unavailable in v1.32+"},
    {"authorization.k8s.io/v1beta1", "LocalSubjectAccessReview", 19, "authorization.k8s.io/v1beta1 LocalSubjectAccessReview is deprecated in v1.19+, unavailable in v1.22+; use authorization.k8s.io/v1 LocalSubjectAccessReview"},
    {"authorization.k8s.io/v1beta1", "SelfSubjectAccessReview", 19, "authorization.k8s.io/v1beta1 SelfSubjectAccessReview is deprecated in v1.19+, unavailable in v1.22+; use authorization.k8s.io/v1 SelfSubjectAccessReview"},
    {"authorization.k8s.io/v1beta1", "SelfSubjectRulesReview", 19, "authorization.k8s.io/v1beta1 SelfSubjectRulesReview is deprecated in v1.19+, unavailable in v1.22+; use authorization.k8s.io/v1 SelfSubjectRulesReview"},
    {"authorization.k8s.io/v1beta1", "SubjectAccessReview", 19, "authorization.k8s.io/v1beta1 SubjectAccessReview is deprecated in v1.19+, unavailable in v1.22+; use authorization.k8s.io/v1 SubjectAccessReview"},
    {"autoscaling/v2beta1", "HorizontalPodAutoscaler", 22, "autoscaling/v2beta1 HorizontalPodAutoscaler is deprecated in v1.22+, unavailable in v1.25+; use autoscaling/v2 HorizontalPodAutoscaler"},
    {"autoscaling/v2beta1", "HorizontalPodAutoscalerList", 22, "autoscaling/v2beta1 HorizontalPodAutoscalerList is deprecated in v1.22+, unavailable in v1.25+; use autoscaling/v2beta2 HorizontalPodAutoscalerList"},
    {"autoscaling/v2beta2", "HorizontalPodAutoscaler", 23, "autoscaling/v2beta2 HorizontalPodAutoscaler is deprecated in v1.23+, unavailable in v1.26+; use autoscaling/v2 HorizontalPodAutoscaler"},
    {"autoscaling/v2beta2", "HorizontalPodAutoscalerList", 22, "autoscaling/v2beta2 HorizontalPodAutoscalerList is deprecated in v1.22+, unavailable in v1.25+"},
    {"batch/v1beta1", "CronJob", 21, "batch/v1beta1 CronJob is deprecated in v1.21+, unavailable in v1.25+; use batch/v1 CronJob"},
    {"batch/v1beta1", "CronJobList", 21, "batch/v1beta1 CronJobList is deprecated in v1.21+, unavailable in v1.25+; use batch/v1 CronJobList"},
    {"certificates.k8s.io/v1beta1", "CertificateSigningRequest", 19, "certificates.k8s.io/v1beta1 CertificateSigningRequest is deprecated in v1.19+, unavailable in v1.22+; use certificates.k8s.io/v1 CertificateSigningRequest"},
    {"certificates.k8s.io/v1beta1", "CertificateSigningRequestList", 19, "certificates.k8s.io/v1beta1 CertificateSigningRequestList is deprecated in v1.19+, unavailable in v1.22+; use certificates.k8s.io/v1 CertificateSigningRequestList"},
    {"certificates.k8s.io/v1alpha1", "ClusterTrustBundle", 34, "certificates.k8s.io/v1alpha1 ClusterTrustBundle is deprecated in v1.34+, unavailable in v1.37+"},
    {"certificates.k8s.io/v1alpha1", "ClusterTrustBundleList", 34, "certificates.k8s.io/v1alpha1 ClusterTrustBundleList is deprecated in v1.34+, unavailable in v1.37+"},
    {"coordination.k8s.io/v1beta1", "Lease", 19, "coordination.k8s.io/v1beta1 Lease is deprecated in v1.19+, unavailable in v1.22+; use coordination.k8s.io/v1 Lease"},
    {"coordination.k8s.io/v1beta1", "LeaseList", 19, "coordination.k8s.io/v1beta1 LeaseList is deprecated in v1.19+, unavailable in v1.22+; use coordination.k8s.io/v1 LeaseList"},
    {"coordination.k8s.io/v1alpha2", "LeaseCandidate", 35, "coordination.k8s.io/v1alpha2 LeaseCandidate is deprecated in v1.35+, unavailable in v1.38+"},
    {"coordination.k8s.io/v1alpha2", "LeaseCandidateList", 35, "coordination.k8s.io/v1alpha2 LeaseCandidateList is deprecated in v1.35+, unavailable in v1.38+"},
    {"discovery.k8s.io/v1beta1", "EndpointSlice", 21, "discovery.k8s.io/v1beta1 EndpointSlice is deprecated in v1.21+, unavailable in v1.25+; use discovery.k8s.io/v1 EndpointSlice"},
    {"discovery.k8s.io/v1beta1", "EndpointSliceList", 21, "discovery.k8s.io/v1beta1 EndpointSliceList is deprecated in v1.21+, unavailable in v1.25+; use discovery.k8s.io/v1 EndpointSlice"},
    {"events.k8s.io/v1beta1", "Event", 22, "events.k8s.io/v1beta1 Event is deprecated in v1.22+, unavailable in v1.25+"},
    {"events.k8s.io/v1beta1", "EventList", 22, "events.k8s.io/v1beta1 EventList is deprecated in v1.22+, unavailable in v1.25+"},
    {"extensions/v1beta1", "DaemonSet", 8, "extensions/v1beta1 DaemonSet is deprecated in v1.8+, unavailable in v1.16+; use apps/v1 DaemonSet"},
    {"extensions/v1beta1", "Deployment", 8, "extensions/v1beta1 Deployment is deprecated in v1.8+, unavailable in v1.16+; use apps/v1 Deployment"},
    {"extensions/v1beta1", "Ingress", 14, "extensions/v1beta1 Ingress is deprecated in v1.14+, unavailable in v1.22+; use networking.k8s.io/v1 Ingress"},
    {"extensions/v1beta1", "NetworkPolicy", 9, "extensions/v1beta1 NetworkPolicy is deprecated in v1.9+, unavailable in v1.16+; use networking.k8s.io/v1 NetworkPolicy"},
    {"extensions/v1beta1", "ReplicaSet", 8, "extensions/v1beta1 ReplicaSet is deprecated in v1.8+, unavailable in v1.16+; use apps/v1 ReplicaSet"},
    {"extensions/v1beta1", "DeploymentRollback", 8, "extensions/v1beta1 DeploymentRollback is deprecated in v1.8+, unavailable in v1.16+"},
    {"extensions/v1beta1", "Scale", 2, "extensions/v1beta1 Scale is deprecated in v1.2+, unavailable in v1.16+"},
    {"extensions/v1beta1", "DaemonSetList", 8, "extensions/v1beta1 DaemonSetList is deprecated in v1.8+, unavailable in v1.16+; use apps/v1 DaemonSetList"},
    {"extensions/v1beta1", "DeploymentList", 8, "extensions/v1beta1 DeploymentList is deprecated in v1.8+, unavailable in v1.16+; use apps/v1 DeploymentList"},
    {"extensions/v1beta1", "IngressList", 14, "extensions/v1beta1 IngressList is deprecated in v1.14+, unavailable in v1.22+; use networking.k8s.io/v1 IngressList"},
    {"extensions/v1beta1", "NetworkPolicyList", 9, "extensions/v1beta1 NetworkPolicyList is deprecated in v1.9+, unavailable in v1.16+; use networking.k8s.io/v1 NetworkPolicyList"},
    {"extensions/v1beta1", "ReplicaSetList", 8, "extensions/v1beta1 ReplicaSetList is deprecated in v1.8+, unavailable in v1.16+; use apps/v1 ReplicaSetList"},
    {"flowcontrol.apiserver.k8s.io/v1beta1", "FlowSchema", 23, "flowcontrol.apiserver.k8s.io/v1beta1 FlowSchema is deprecated in v1.23+, unavailable in v1.26+; use flowcontrol.apiserver.k8s.io/v1beta3 FlowSchema"},
    {"flowcontrol.apiserver.k8s.io/v1beta1", "PriorityLevelConfiguration", 23, "flowcontrol.apiserver.k8s.io/v1beta1 PriorityLevelConfiguration is deprecated in v1.23+, unavailable in v1.26+; use flowcontrol.apiserver.k8s.io/v1beta3 PriorityLevelConfiguration"},
    {"flowcontrol.apiserver.k8s.io/v1beta1", "FlowSchemaList", 23, "flowcontrol.apiserver.k8s.io/v1beta1 FlowSchemaList is deprecated in v1.23+, unavailable in v1.26+; use flowcontrol.apiserver.k8s.io/v1beta3 FlowSchemaList"},
    {"flowcontrol.apiserver.k8s.io/v1beta1", "PriorityLevelConfigurationList", 23, "flowcontrol.apiserver.k8s.io/v1beta1 PriorityLevelConfigurationList is deprecated in v1.23+, unavailable in v1.26+; use flowcontrol.apiserver.k8s.io/v1beta3 PriorityLevelConfigurationList"},
    {"flowcontrol.apiserver.k8s.io/v1beta2", "FlowSchema", 26, "flowcontrol.apiserver.k8s.io/v1beta2 FlowSchema is deprecated in v1.26+, unavailable in v1.29+; use flowcontrol.apiserver.k8s.io/v1beta3 FlowSchema"},
    {"flowcontrol.apiserver.k8s.io/v1beta2", "PriorityLevelConfiguration", 26, "flowcontrol.apiserver.k8s.io/v1beta2 PriorityLevelConfiguration is deprecated in v1.26+, unavailable in v1.29+; use flowcontrol.apiserver.k8s.io/v1beta3 PriorityLevelConfiguration"},
    {"flowcontrol.apiserver.k8s.io/v1beta2", "FlowSchemaList", 26, "flowcontrol.apiserver.k8s.io/v1beta2 FlowSchemaList is deprecated in v1.26+, unavailable in v1.29+; use flowcontrol.apiserver.k8s.io/v1beta3 FlowSchemaList"},
    {"flowcontrol.apiserver.k8s.io/v1beta2", "PriorityLevelConfigurationList", 26, "flowcontrol.apiserver.k8s.io/v1beta2 PriorityLevelConfigurationList is deprecated in v1.26+, unavailable in v1.29+; use flowcontrol.apiserver.k8s.io/v1beta3 PriorityLevelConfigurationList"},
    {"flowcontrol.apiserver.k8s.io/v1beta3", "FlowSchema", 29, "flowcontrol.apiserver.k8s.io/v1beta3 FlowSchema is deprecated in v1.29+, unavailable in v1.32+; use flowcontrol.apiserver.k8s.io/v1 FlowSchema"},
    {"flowcontrol.apiserver.k8s.io/v1beta3", "PriorityLevelConfiguration", 29, "flowcontrol.apiserver.k8s.io/v1beta3 PriorityLevelConfiguration is deprecated in v1.29+, unavailable in v1.32+; use flowcontrol.apiserver.k8s.io/v1 PriorityLevelConfiguration"},
    {"flowcontrol.apiserver.k8s.io/v1beta3", "FlowSchemaList", 29, "flowcontrol.apiserver.k8s.io/v1beta3 FlowSchemaList is deprecated in v1.29+, unavailable in v1.32+; use flowcontrol.apiserver.k8s.io/v1 FlowSchemaList"},
    {"flowcontrol.apiserver.k8s.io/v1beta3", "PriorityLevelConfigurationList", 29, "flowcontrol.apiserver.k8s.io/v1beta3 PriorityLevelConfigurationList is deprecated in v1.29+, unavailable in v1.32+; use flowcontrol.apiserver.k8s.io/v1 PriorityLevelConfigurationList"},
    {"networking.k8s.io/v1beta1", "Ingress", 19, "networking.k8s.io/v1beta1 Ingress is deprecated in v1.19+, unavailable in v1.22+; use networking.k8s.io/v1 Ingress"},
    {"networking.k8s.io/v1beta1", "IngressClass", 19, "networking.k8s.io/v1beta1 IngressClass is deprecated in v1.19+, unavailable in v1.22+; use networking.k8s.io/v1 IngressClassList"},
    {"networking.k8s.io/v1beta1", "IPAddress", 34, "networking.k8s.io/v1beta1 IPAddress is deprecated in v1.34+, unavailable in v1.37+"},
    {"networking.k8s.io/v1beta1", "ServiceCIDR", 34, "networking.k8s.io/v1beta1 ServiceCIDR is deprecated in v1.34+, unavailable in v1.37+"},
    {"networking.k8s.io/v1beta1", "IngressList", 19, "networking.k8s.io/v1beta1 IngressList is deprecated in v1.19+, unavailable in v1.22+; use networking.k8s.io/v1 IngressList"},
    {"networking.k8s.io/v1beta1", "IngressClassList", 19, "networking.k8s.io/v1beta1 IngressClassList is deprecated in v1.19+, unavailable in v1.22+; use networking.k8s.io/v1 IngressClassList"},
    {"networking.k8s.io/v1beta1", "IPAddressList", 34, "networking.k8s.io/v1beta1 IPAddressList is deprecated in v1.34+, unavailable in v1.37+"},
    {"networking.k8s.io/v1beta1", "ServiceCIDRList", 34, "networking.k8s.io/v1beta1 ServiceCIDRList is deprecated in v1.34+, unavailable in v1.37+"},
    {"networking.k8s.io/v1alpha1", "IPAddress", 30, "networking.k8s.io/v1alpha1 IPAddress is deprecated in v1.30+, unavailable in v1.33+"},
    {"networking.k8s.io/v1alpha1", "ServiceCIDR", 30, "networking.k8s.io/v1alpha1 ServiceCIDR is deprecated in v1.30+, unavailable in v1.33+"},
    {"networking.k8s.io/v1alpha1", "IPAddressList", 30, "networking.k8s.io/v1alpha1 IPAddressList is deprecated in v1.30+, unavailable in v1.33+"},
    {"networking.k8s.io/v1alpha1", "ServiceCIDRList", 30, "networking.k8s.io/v1alpha1 ServiceCIDRList is deprecated in v1.30+, unavailable in v1.33+"},
    {"node.k8s.io/v1beta1", "RuntimeClass", 22, "node.k8s.io/v1beta1 RuntimeClass is deprecated in v1.22+, unavailable in v1.25+"},
    {"node.k8s.io/v1beta1", "RuntimeClassList", 22, "node.k8s.io/v1beta1 RuntimeClassList is deprecated in v1.22+, unavailable in v1.25+"},
    {"policy/v1beta1", "PodDisruptionBudget", 21, "policy/v1beta1 PodDisruptionBudget is deprecated in v1.21+, unavailable in v1.25+; use policy/v1 PodDisruptionBudget"},
    {"policy/v1beta1", "Eviction", 22, "policy/v1beta1 Eviction is deprecated in v1.22+, unavailable in v1.25+"},
    {"policy/v1beta1", "PodDisruptionBudgetList", 21, "policy/v1beta1 PodDisruptionBudgetList is deprecated in v1.21+, unavailable in v1.25+; use policy/v1 PodDisruptionBudgetList"},
    {"rbac.authorization.k8s.io/v1beta1", "Role", 17, "rbac.authorization.k8s.io/v1beta1 Role is deprecated in v1.17+, unavailable in v1.22+; use rbac.authorization.k8s.io/v1 Role"},
    {"rbac.authorization.k8s.io/v1beta1", "RoleBinding", 17, "rbac.authorization.k8s.io/v1beta1 RoleBinding is deprecated in v1.17+, unavailable in v1.22+; use rbac.authorization.k8s.io/v1 RoleBinding"},
    {"rbac.authorization.k8s.io/v1beta1", "ClusterRole", 17, "rbac.authorization.k8s.io/v1beta1 ClusterRole is deprecated in v1.17+, unavailable in v1.22+; use rbac.authorization.k8s.io/v1 ClusterRole"},
    {"rbac.authorization.k8s.io/v1beta1", "ClusterRoleBinding", 17, "rbac.authorization.k8s.io/v1beta1 ClusterRoleBinding is deprecated in v1.17+, unavailable in v1.22+; use rbac.authorization.k8s.io/v1 ClusterRoleBinding"},
    {"rbac.authorization.k8s.io/v1beta1", "RoleList", 17, "rbac.authorization.k8s.io/v1beta1 RoleList is deprecated in v1.17+, unavailable in v1.22+; use rbac.authorization.k8s.io/v1 RoleList"},
    {"rbac.authorization.k8s.io/v1beta1", "RoleBindingList", 17, "rbac.authorization.k8s.io/v1beta1 RoleBindingList is deprecated in v1.17+, unavailable in v1.22+; use rbac.authorization.k8s.io/v1 RoleBindingList"},
    {"rbac.authorization.k8s.io/v1beta1", "ClusterRoleList", 17, "rbac.authorization.k8s.io/v1beta1 ClusterRoleList is deprecated in v1.17+, unavailable in v1.22+; use rbac.authorization.k8s.io/v1 ClusterRoleList"},
    {"rbac.authorization.k8s.io/v1beta1", "ClusterRoleBindingList", 17, "rbac.authorization.k8s.io/v1beta1 ClusterRoleBindingList is deprecated in v1.17+, unavailable in v1.22+; use rbac.authorization.k8s.io/v1 ClusterRoleBindingList"},
    {"resource.k8s.io/v1alpha3", "DeviceClass", 34, "resource.k8s.io/v1alpha3 DeviceClass is deprecated in v1.34+, unavailable in v1.37+; use resource.k8s.io/v1beta1 DeviceClass"},
    {"resource.k8s.io/v1alpha3", "ResourceClaim", 34, "resource.k8s.io/v1alpha3 ResourceClaim is deprecated in v1.34+, unavailable in v1.37+; use resource.k8s.io/v1beta1 ResourceClaim"},
    {"resource.k8s.io/v1alpha3", "ResourceClaimTemplate", 34, "resource.k8s.io/v1alpha3 ResourceClaimTemplate is deprecated in v1.34+, unavailable in v1.37+; use resource.k8s.io/v1beta1 ResourceClaimTemplate"},
    {"resource.k8s.io/v1alpha3", "ResourceSlice", 34, "resource.k8s.io/v1alpha3 ResourceSlice is deprecated in v1.34+, unavailable in v1.37+; use resource.k8s.io/v1beta1 ResourceSlice"},
    {"resource.k8s.io/v1alpha3", "DeviceClassList", 34, "resource.k8s.io/v1alpha3 DeviceClassList is deprecated in v1.34+, unavailable in v1.37+; use resource.k8s.io/v1beta1 DeviceClassList"},
    {"resource.k8s.io/v1alpha3", "ResourceClaimList", 34, "resource.k8s.io/v1alpha3 ResourceClaimList is deprecated in v1.34+, unavailable in v1.37+; use resource.k8s.io/v1beta1 ResourceClaimList"},
    {"resource.k8s.io/v1alpha3", "ResourceClaimTemplateList", 34, "resource.k8s.io/v1alpha3 ResourceClaimTemplateList is deprecated in v1.34+, unavailable in v1.37+; use resource.k8s.io/v1beta1 ResourceClaimTemplateList"},
    {"resource.k8s.io/v1alpha3", "ResourceSliceList", 34, "resource.k8s.io/v1alpha3 ResourceSliceList is deprecated in v1.34+, unavailable in v1.37+; use resource.k8s.io/v1beta1 ResourceSliceList"},
    {"resource.k8s.io/v1beta1", "DeviceClass", 35, "resource.k8s.io/v1beta1 DeviceClass is deprecated in v1.35+, unavailable in v1.38+"},
    {"resource.k8s.io/v1beta1", "ResourceClaim", 35, "resource.k8s.io/v1beta1 ResourceClaim is deprecated in v1.35+, unavailable in v1.38+"},
    {"resource.k8s.io/v1beta1", "ResourceClaimTemplate", 35, "resource.k8s.io/v1beta1 ResourceClaimTemplate is deprecated in v1.35+, unavailable in v1.38+"},
    {"resource.k8s.io/v1beta1", "ResourceSlice", 35, "resource.k8s.io/v1beta1 ResourceSlice is deprecated in v1.35+, unavailable in v1.38+"},
    {"resource.k8s.io/v1beta1", "DeviceClassList", 35, "resource.k8s.io/v1beta1 DeviceClassList is deprecated in v1.35+, unavailable in v1.38+"},
    {"resource.k8s.io/v1beta1", "ResourceClaimList", 35, "resource.k8s.io/v1beta1 ResourceClaimList is deprecated in v1.35+, unavailable in v1.38+"},
    {"resource.k8s.io/v1beta1", "ResourceClaimTemplateList", 35, "resource.k8s.io/v1beta1 ResourceClaimTemplateList is deprecated in v1.35+, unavailable in v1.38+"},
    {"resource.k8s.io/v1beta1", "ResourceSliceList", 35, "resource.k8s.io/v1beta1 ResourceSliceList is deprecated in v1.35+, unavailable in v1.38+"},
    {"scheduling.k8s.io/v1beta1", "PriorityClass", 14, "scheduling.k8s.io/v1beta1 PriorityClass is deprecated in v1.14+, unavailable in v1.22+; use scheduling.k8s.io/v1 PriorityClass"},
    {"scheduling.k8s.io/v1beta1", "PriorityClassList", 14, "scheduling.k8s.io/v1beta1 PriorityClassList is deprecated in v1.14+, unavailable in v1.22+; use scheduling.k8s.io/v1 PriorityClassList"},
    {"storage.k8s.io/v1beta1", "CSIDriver", 19, "storage.k8s.io/v1beta1 CSIDriver is deprecated in v1.19+, unavailable in v1.22+; use storage.k8s.io/v1 CSIDriver"},
    {"storage.k8s.io/v1beta1", "CSINode", 17, "storage.k8s.io/v1beta1 CSINode is deprecated in v1.17+, unavailable in v1.22+; use storage.k8s.io/v1 CSINode"},
    {"storage.k8s.io/v1beta1", "StorageClass", 19, "storage.k8s.io/v1beta1 StorageClass is deprecated in v1.19+, unavailable in v1.22+; use storage.k8s.io/v1 StorageClass"},
    {"storage.k8s.io/v1beta1", "VolumeAttachment", 19, "storage.k8s.io/v1beta1 VolumeAttachment is deprecated in v1.19+, unavailable in v1.22+; use storage.k8s.io/v1 VolumeAttachment"},
    {"storage.k8s.io/v1beta1", "CSIStorageCapacity", 24, "storage.k8s.io/v1beta1 CSIStorageCapacity is deprecated in v1.24+, unavailable in v1.27+; use storage.k8s.io/v1 CSIStorageCapacity"},
    {"storage.k8s.io/v1beta1", "VolumeAttributesClass", 34, "storage.k8s.io/v1beta1 VolumeAttributesClass is deprecated in v1.34+, unavailable in v1.37+"},
    {"storage.k8s.io/v1beta1", "CSIDriverList", 19, "storage.k8s.io/v1beta1 CSIDriverList is deprecated in v1.19+, unavailable in v1.22+; use storage.k8s.io/v1 CSIDriverList"},
    {"storage.k8s.io/v1beta1", "CSINodeList", 17, "storage.k8s.io/v1beta1 CSINodeList is deprecated in v1.17+, unavailable in v1.22+; use storage.k8s.io/v1 CSINode"},
    {"storage.k8s.io/v1beta1", "StorageClassList", 19, "storage.k8s.io/v1beta1 StorageClassList is deprecated in v1.19+, unavailable in v1.22+; use storage.k8s.io/v1 StorageClassList"},
    {"storage.k8s.io/v1beta1", "VolumeAttachmentList", 19, "storage.k8s.io/v1beta1 VolumeAttachmentList is deprecated in v1.19+, unavailable in v1.22+; use storage.k8s.io/v1 VolumeAttachmentList"},
    {"storage.k8s.io/v1beta1", "CSIStorageCapacityList", 24, "storage.k8s.io/v1beta1 CSIStorageCapacityList is deprecated in v1.24+, unavailable in v1.27+; use storage.k8s.io/v1 CSIStorageCapacityList"},
    {"storage.k8s.io/v1beta1", "VolumeAttributesClassList", 34, "storage.k8s.io/v1beta1 VolumeAttributesClassList is deprecated in v1.34+, unavailable in v1.37+"},
    {"storage.k8s.io/v1alpha1", "VolumeAttachment", 21, "storage.k8s.io/v1alpha1 VolumeAttachment is deprecated in v1.21+, unavailable in v1.24+; use storage.k8s.io/v1 VolumeAttachment"},
    {"storage.k8s.io/v1alpha1", "CSIStorageCapacity", 21, "storage.k8s.io/v1alpha1 CSIStorageCapacity is deprecated in v1.21+, unavailable in v1.24+; use storage.k8s.io/v1beta1 CSIStorageCapacity"},
    {"storage.k8s.io/v1alpha1", "VolumeAttributesClass", 32, "storage.k8s.io/v1alpha1 VolumeAttributesClass is deprecated in v1.32+, unavailable in v1.35+"},
    {"storage.k8s.io/v1alpha1", "VolumeAttachmentList", 21, "storage.k8s.io/v1alpha1 VolumeAttachmentList is deprecated in v1.21+, unavailable in v1.24+; use storage.k8s.io/v1 VolumeAttachmentList"},
    {"storage.k8s.io/v1alpha1", "CSIStorageCapacityList", 21, "storage.k8s.io/v1alpha1 CSIStorageCapacityList is deprecated in v1.21+, unavailable in v1.24+; use storage.k8s.io/v1beta1 CSIStorageCapacityList"},
    {"storage.k8s.io/v1alpha1", "VolumeAttributesClassList", 32, "storage.k8s.io/v1alpha1 VolumeAttributesClassList is deprecated in v1.32+, unavailable in v1.35+"},
    {"storagemigration.k8s.io/v1alpha1", "StorageVersionMigration", 33, "storagemigration.k8s.io/v1alpha1 StorageVersionMigration is deprecated in v1.33+, unavailable in v1.36+"},
    {"storagemigration.k8s.io/v1alpha1", "StorageVersionMigrationList", 33, "storagemigration.k8s.io/v1alpha1 StorageVersionMigrationList is deprecated in v1.33+, unavailable in v1.36+"},
    {"v1", "ComponentStatus", 19, "v1 ComponentStatus is deprecated in v1.19+"},
    {"v1", "ComponentStatusList", 19, "v1 ComponentStatusList is deprecated in v1.19+"},
};

/* The warning for apiVersion/kind under Kubernetes major.minor, or NULL. */
static const char *deprecation(const char *api_version, const char *kind, int major, int minor) {
    for (size_t i = 0; i < sizeof deprecated_apis / sizeof *deprecated_apis; i++) {
        const deprecated_api *d = &deprecated_apis[i];
        if (strcmp(d->api_version, api_version) != 0 || strcmp(d->kind, kind) != 0) continue;
        return major > 1 || (major == 1 && minor >= d->deprecated_minor) ? d->message : NULL;
    }
    return NULL;
}

/* ---- Kubernetes object names ---- */

static bool dns_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

/* [a-z0-9]([-a-z0-9]*[a-z0-9])? over s[0..n); first_alpha: [a-z] first. */
static bool dns_label(const char *s, size_t n, bool first_alpha) {
    if (n == 0 || !dns_alnum(s[0]) || !dns_alnum(s[n - 1])) return false;
    if (first_alpha && !(s[0] >= 'a' && s[0] <= 'z')) return false;
    for (size_t i = 0; i < n; i++)
        if (!dns_alnum(s[i]) && s[i] != '-') return false;
    return true;
}

static bool dns_subdomain(const char *s) {
    size_t n = strlen(s), start = 0;
    for (size_t i = 0; i <= n; i++) {
        if (i < n && s[i] != '.') continue;
        if (!dns_label(s + start, i - start, false)) return false;
        start = i + 1;
    }
    return true;
}

#define SUBDOMAIN_MSG                                                                                           \
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must " \
    "start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is "         \
    "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
#define LABEL_MSG                                                                                               \
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and " \
    "end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is "          \
    "'[a-z0-9]([-a-z0-9]*[a-z0-9])?')"
#define DNS1035_MSG                                                                                             \
    "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic "     \
    "character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for "         \
    "validation is '[a-z]([-a-z0-9]*[a-z0-9])?')"

/* The Kubernetes name checks by kind (Helm's validateMetadataNameFunc):
 * fills msgs (at most 3) and returns their count. */
static size_t name_problems(const char *kind, const char *name, const char *msgs[3]) {
    size_t n = 0, len = strlen(name);
    if (strcasecmp(kind, "certificatesigningrequest") == 0) return 0;
    if (strcasecmp(kind, "role") == 0 || strcasecmp(kind, "clusterrole") == 0 ||
        strcasecmp(kind, "rolebinding") == 0 || strcasecmp(kind, "clusterrolebinding") == 0) {
        if (strcmp(name, ".") == 0) msgs[n++] = "may not be '.'";
        else if (strcmp(name, "..") == 0) msgs[n++] = "may not be '..'";
        if (strchr(name, '/')) msgs[n++] = "may not contain '/'";
        if (strchr(name, '%')) msgs[n++] = "may not contain '%'";
        return n;
    }
    if (strcasecmp(kind, "service") == 0) {
        if (len > 63) msgs[n++] = "must be no more than 63 characters";
        if (!dns_label(name, len, true)) msgs[n++] = DNS1035_MSG;
        return n;
    }
    if (strcasecmp(kind, "namespace") == 0) {
        if (len > 63) msgs[n++] = "must be no more than 63 characters";
        /* IsDNS1123Label: a valid subdomain that is no label has dots */
        if (!dns_label(name, len, false)) msgs[n++] = dns_subdomain(name) ? "must not contain dots" : LABEL_MSG;
        return n;
    }
    if (len > 253) msgs[n++] = "must be no more than 253 characters";
    if (!dns_subdomain(name)) msgs[n++] = SUBDOMAIN_MSG;
    return n;
}

static void check_name(kz_lint_result *r, const char *path, const char *kind, const char *name) {
    const char *msgs[3];
    size_t n = name_problems(kind, name, msgs);
    if (!n) return;
    char *q = quote(name);
    kz_buf b = KZ_BUF_INIT;
    if (n > 1) kz_buf_putc(&b, '[');
    for (size_t i = 0; i < n; i++)
        kz_buf_printf(&b, "%smetadata.name: Invalid value: %s: %s", i ? ", " : "", q, msgs[i]);
    if (n > 1) kz_buf_putc(&b, ']');
    add(r, KZ_LINT_WARNING, path, "object name does not conform to Kubernetes naming requirements: %s: %s", q,
        kz_buf_cstr(&b));
    kz_buf_free(&b);
    free(q);
}

/* ---- the shape of a rendered document (Helm's K8sYamlStruct) ---- */

typedef struct k8s_head {
    char *api_version, *kind, *name, *ns;
} k8s_head;

static void head_free(k8s_head *h) { free(h->api_version), free(h->kind), free(h->name), free(h->ns); }

static const char *json_type(const kz_value *v) {
    switch (kz_kind_of(v)) {
    case KZ_SEQ: return "array";
    case KZ_MAP: return "object";
    case KZ_STRING: return "string";
    case KZ_BOOL: return "bool";
    default: return "number";
    }
}

/* A scalar read into a Go string field by sigs.k8s.io/yaml: its text. */
static char *scalar_text(const kz_value *v) {
    char tmp[64];
    switch (kz_kind_of(v)) {
    case KZ_STRING: return kz_xstrdup(kz_str(v));
    case KZ_BOOL: return kz_xstrdup(kz_bool_get(v) ? "true" : "false");
    case KZ_INT: snprintf(tmp, sizeof tmp, "%lld", (long long)kz_int_get(v)); return kz_xstrdup(tmp);
    case KZ_FLOAT: {
        double f = kz_float_get(v);
        if (f == (double)(long long)f && f < 1e21 && f > -1e21) snprintf(tmp, sizeof tmp, "%.0f", f);
        else snprintf(tmp, sizeof tmp, "%g", f);
        return kz_xstrdup(tmp);
    }
    default: return kz_xstrdup("");
    }
}

/* A string field: NULL on success (*out set), else the JSON type error. */
static char *string_field(const kz_value *v, const char *where, char **out) {
    if (kz_is_seq(v) || kz_is_map(v)) {
        kz_buf b = KZ_BUF_INIT;
        kz_buf_printf(&b, "json: cannot unmarshal %s into Go struct field %s of type string", json_type(v), where);
        return kz_buf_detach(&b, NULL);
    }
    free(*out);
    *out = scalar_text(v);
    return NULL;
}

static int cmp_keys(const void *a, const void *b) {
    const kz_value *x = *(const kz_value *const *)a, *y = *(const kz_value *const *)b;
    return kz_key_cmp_bytes(kz_str(x), kz_str_len(x), kz_str(y), kz_str_len(y));
}

/* Indices of a map's entries in JSON key order (Go marshals maps sorted). */
static size_t *sorted_entries(const kz_value *map) {
    size_t n = kz_len(map);
    const kz_value **keys = kz_xcalloc(n + 1, sizeof *keys);
    for (size_t i = 0; i < n; i++) keys[i] = kz_map_key_at(map, i);
    qsort(keys, n, sizeof *keys, cmp_keys);
    size_t *idx = kz_xcalloc(n + 1, sizeof *idx);
    for (size_t i = 0; i < n; i++) idx[i] = (size_t)kz_map_find(map, kz_str(keys[i]), kz_str_len(keys[i]));
    free(keys);
    return idx;
}

/* Decode a document into its head; NULL, or the error text (owned). */
static char *decode_head(const kz_value *doc, k8s_head *h) {
    kz_buf b = KZ_BUF_INIT;
    if (!kz_is_map(doc)) {
        kz_buf_printf(&b, "json: cannot unmarshal %s into Go value of type rules.K8sYamlStruct", json_type(doc));
        return kz_buf_detach(&b, NULL);
    }
    char *err = NULL;
    size_t *idx = sorted_entries(doc);
    for (size_t k = 0; k < kz_len(doc); k++) {
        const char *key = kz_str(kz_map_key_at(doc, idx[k]));
        const kz_value *v = kz_map_value_at(doc, idx[k]);
        char *e = NULL;
        if (strcasecmp(key, "apiVersion") == 0) e = string_field(v, "K8sYamlStruct.apiVersion", &h->api_version);
        else if (strcasecmp(key, "kind") == 0) e = string_field(v, "K8sYamlStruct.Kind", &h->kind);
        else if (strcasecmp(key, "metadata") == 0) {
            if (kz_is_map(v)) {
                size_t *mi = sorted_entries(v);
                for (size_t j = 0; j < kz_len(v); j++) {
                    const char *mk = kz_str(kz_map_key_at(v, mi[j]));
                    const kz_value *mv = kz_map_value_at(v, mi[j]);
                    char *me = NULL;
                    if (strcasecmp(mk, "name") == 0) me = string_field(mv, "k8sYamlMetadata.Metadata.Name", &h->name);
                    else if (strcasecmp(mk, "namespace") == 0)
                        me = string_field(mv, "k8sYamlMetadata.Metadata.Namespace", &h->ns);
                    if (me && !err) err = me;
                    else free(me);
                }
                free(mi);
            } else if (!kz_is_null(v)) {
                kz_buf_printf(&b, "json: cannot unmarshal %s into Go struct field K8sYamlStruct.Metadata of type "
                                  "rules.k8sYamlMetadata", json_type(v));
                e = kz_buf_detach(&b, NULL);
            }
        }
        if (e && !err) err = e;
        else free(e);
    }
    free(idx);
    kz_buf_free(&b);
    return err;
}

/* ---- rule: templates ---- */

static const char *file_ext(const char *name) {
    const char *base = strrchr(name, '/');
    base = base ? base + 1 : name;
    const char *dot = strrchr(base, '.');
    return dot ? dot : "";
}

/* "?helm\.sh/hook"?:\s+crd-install */
static bool has_crd_hook(const char *s, size_t n) {
    const char *needle = "helm.sh/hook";
    size_t m = strlen(needle);
    for (size_t i = 0; i + m <= n; i++) {
        if (memcmp(s + i, needle, m) != 0) continue;
        size_t j = i + m;
        if (j < n && s[j] == '"') j++;
        if (j >= n || s[j] != ':') continue;
        j++;
        size_t ws = j;
        while (j < n && strchr(" \t\n\f\r", s[j]) && s[j]) j++;
        if (j > ws && n - j >= 11 && memcmp(s + j, "crd-install", 11) == 0) return true;
    }
    return false;
}

static bool contains(const char *s, size_t n, const char *needle) {
    size_t m = strlen(needle);
    for (size_t i = 0; i + m <= n; i++)
        if (memcmp(s + i, needle, m) == 0) return true;
    return false;
}

/* The first non-blank line must not start with a space or a tab. */
static void check_indent(kz_lint_result *r, const char *path, const char *s) {
    while (*s) {
        size_t len = strcspn(s, "\n");
        bool blank = true;
        for (size_t i = 0; i < len; i++)
            if (!isspace((unsigned char)s[i])) blank = false;
        if (!blank) {
            if (s[0] == ' ' || s[0] == '\t') {
                size_t l = len;
                if (l && s[l - 1] == '\r') l--;
                char *line = kz_xmalloc(l + 1);
                memcpy(line, s, l);
                line[l] = '\0';
                char *q = quote(line);
                add(r, KZ_LINT_WARNING, path, "document starts with an illegal indent: %s, which may cause parsing problems", q);
                free(q), free(line);
            }
            return;
        }
        s += len + (s[len] == '\n');
    }
}

/* A List whose items carry helm.sh/resource-policy. */
static bool list_has_policy(const char *content) {
    kz_yaml_parse_opts yo = {.schema = KZ_YAML_HELM, .max_threads = 1, .go_errors = true};
    kz_value doc = kz_yaml_parse_one(content, strlen(content), &yo);
    bool found = false;
    const kz_value *items = kz_is_map(&doc) ? kz_map_getz(&doc, "items") : NULL;
    for (size_t i = 0; items && kz_is_seq(items) && i < kz_len(items); i++) {
        const kz_value *it = kz_seq_at(items, i);
        const kz_value *md = kz_is_map(it) ? kz_map_getz(it, "metadata") : NULL;
        const kz_value *an = md && kz_is_map(md) ? kz_map_getz(md, "annotations") : NULL;
        if (an && kz_is_map(an) && kz_map_getz(an, "helm.sh/resource-policy")) found = true;
    }
    kz_free(doc);
    return found;
}

typedef struct lint_env {
    int kube_major, kube_minor;
} lint_env;

/* One document's checks. false: a YAML error (the rule stops there). */
static bool check_document(kz_lint_result *r, const char *path, const char *doc, size_t len, const char *content,
                           const lint_env *env) {
    kz_yaml_parse_opts yo = {.schema = KZ_YAML_HELM, .source_name = path, .max_threads = 1, .go_errors = true};
    kz_value v = kz_yaml_parse_one(doc, len, &yo);
    if (!kz_is_valid(&v)) {
        add(r, KZ_LINT_ERROR, path, "unable to parse YAML: error converting YAML to JSON: %s", kz_error_message(&v));
        kz_free(v);
        return false;
    }
    if (kz_is_null(&v)) {
        kz_free(v);
        return true;
    }
    k8s_head h = {0};
    char *err = decode_head(&v, &h);
    kz_free(v);
    if (err) {
        add(r, KZ_LINT_ERROR, path, "unable to parse YAML: error unmarshaling JSON: while decoding JSON: %s", err);
        free(err);
        head_free(&h);
        return false;
    }
    const char *api = h.api_version ? h.api_version : "", *kind = h.kind ? h.kind : "", *name = h.name ? h.name : "";
    check_name(r, path, kind, name);
    const char *dep = *api && *kind ? deprecation(api, kind, env->kube_major, env->kube_minor) : NULL;
    if (dep) add(r, KZ_LINT_WARNING, path, "%s", dep);
    if ((strcmp(kind, "Deployment") == 0 || strcmp(kind, "ReplicaSet") == 0 || strcmp(kind, "DaemonSet") == 0 ||
         strcmp(kind, "StatefulSet") == 0) &&
        !strstr(content, "matchLabels") && !strstr(content, "matchExpressions")) {
        char *q = quote(name);
        add(r, KZ_LINT_ERROR, path, "a %s must contain matchLabels or matchExpressions, and %s does not", kind, q);
        free(q);
    }
    if (strcmp(kind, "List") == 0 && list_has_policy(content))
        add(r, KZ_LINT_ERROR, path, "Annotation 'helm.sh/resource-policy' within List objects are ignored");
    head_free(&h);
    return true;
}

/* The documents of a rendered file as Kubernetes' YAML reader cuts them
 * (lines starting with "---"; only a comment may follow; a separator that
 * opens a document stays in it). false: stop. */
static bool check_documents(kz_lint_result *r, const char *path, const char *content, const lint_env *env) {
    const char *p = content;
    while (isspace((unsigned char)*p)) p++;
    if (*p == '{') return check_document(r, path, content, strlen(content), content, env);
    kz_buf doc = KZ_BUF_INIT;
    const char *s = content;
    bool ok = true;
    while (ok && *s) {
        size_t len = strcspn(s, "\n");
        size_t next = len + (s[len] == '\n');
        if (len >= 3 && memcmp(s, "---", 3) == 0) {
            const char *t = s + 3, *e = s + len;
            while (t < e && isspace((unsigned char)*t)) t++;
            while (e > t && isspace((unsigned char)e[-1])) e--;
            if (t < e && *t != '#') {
                add(r, KZ_LINT_ERROR, path, "unable to parse YAML: invalid Yaml document separator: %.*s", (int)(e - t), t);
                ok = false;
                break;
            }
            /* a separator ends a document; before any line it is the
             * document's first line (the reader keeps it: error lines count it) */
            if (doc.len) {
                ok = check_document(r, path, doc.data, doc.len, content, env);
                kz_buf_clear(&doc);
            } else if (s[len] == '\n') {
                kz_buf_append(&doc, s, next);
            }
        } else {
            kz_buf_append(&doc, s, next);
        }
        s += next;
    }
    if (ok && doc.len) ok = check_document(r, path, doc.data, doc.len, content, env);
    kz_buf_free(&doc);
    return ok;
}

static const char *rendered_text(const kz_rendered *rd, const char *key) {
    for (size_t i = 0; i < rd->count; i++)
        if (strcmp(rd->files[i].path, key) == 0) return rd->files[i].text;
    return "";
}

/* loader.Load (or LoadDir, dir_only) for a rule, its warnings logged. */
static kz_value load_logged(const char *dir, bool dir_only, logger *lg, kz_chart **chart) {
    return kz_chart_load_logged(dir, dir_only, lg->log, chart);
}

/* Helm's validateTemplatesDir: templates/ may be missing, but a file of that
 * name is a warning that ends the rule (nothing is loaded or rendered). */
static bool templates_not_a_dir(const char *dir) {
    kz_buf path = KZ_BUF_INIT;
    kz_buf_printf(&path, "%s/templates", dir);
    struct stat st;
    bool file = stat(kz_buf_cstr(&path), &st) == 0 && !S_ISDIR(st.st_mode);
    kz_buf_free(&path);
    return file;
}

static void rule_templates(kz_lint_result *r, const char *dir, const kz_value *user, const kz_lint_opts *o, logger *lg) {
    if (templates_not_a_dir(dir)) {
        add(r, KZ_LINT_WARNING, "templates/", "not a directory");
        return;
    }
    kz_chart *chart = NULL;
    kz_value err = load_logged(dir, false, lg, &chart);
    if (kz_error_message(&err)) {
        add(r, KZ_LINT_ERROR, "templates/", "%s", kz_error_message(&err));
        kz_free(err);
        return;
    }
    kz_value caps = kz_chart_capabilities(o->kube_version, NULL);
    lint_env env = {1, 32};
    const kz_value *kv = kz_is_map(&caps) ? kz_map_getz(&caps, "KubeVersion") : NULL;
    if (kv) env.kube_major = atoi(str_at(kv, "Major")), env.kube_minor = atoi(str_at(kv, "Minor"));
    kz_value empty = kz_map();
    if (!user) user = &empty;
    kz_value values = kz_invalid();
    err = kz_chart_process_dependencies(chart, user, true, log_deps, lg);
    if (kz_is_null(&err)) {
        kz_value first = kz_chart_coalesce_values(chart, user, log_deps, lg);
        /* ToRenderValues coalesces once more */
        if (!kz_error_message(&first)) values = kz_chart_coalesce_values(chart, &first, log_deps, lg);
        kz_free(first);
    }
    kz_free(err);
    kz_free(empty);
    if (kz_error_message(&values) && !kz_is_valid(&values)) {
        /* a second coalescing error is reported as ToRenderValues' */
        add(r, KZ_LINT_ERROR, "templates/", "%s", kz_error_message(&values));
    }
    if (kz_is_map(&values) && !o->skip_schema_validation) {
        kz_value e = kz_chart_validate_schema(chart, &values);
        if (kz_error_message(&e)) {
            add(r, KZ_LINT_ERROR, "templates/", "%s", kz_error_message(&e));
            kz_free(values);
            values = kz_invalid();
        }
        kz_free(e);
    }
    if (!kz_is_map(&values)) {
        kz_free(values), kz_free(caps);
        kz_chart_free(chart);
        return;
    }
    kz_render_opts ro = {.release_name = "test-release",
                         .namespace_ = o->namespace_ && *o->namespace_ ? o->namespace_ : "default",
                         .revision = 0,
                         .capabilities = &caps};
    kz_rendered rd;
    err = lint_render(chart, &values, &ro, lg, &rd);
    kz_free(values);
    kz_free(caps);
    if (kz_error_message(&err)) {
        add(r, KZ_LINT_ERROR, "templates/", "%s", kz_error_message(&err));
        kz_free(err);
        kz_chart_free(chart);
        return;
    }
    for (size_t i = 0; i < chart->templates.len; i++) {
        const kz_chart_file *t = &chart->templates.v[i];
        const char *ext = file_ext(t->name);
        if (strcmp(ext, ".yaml") != 0 && strcmp(ext, ".yml") != 0 && strcmp(ext, ".tpl") != 0 && strcmp(ext, ".txt") != 0)
            add(r, KZ_LINT_ERROR, t->name, "file extension '%s' not valid. Valid extensions are .yaml, .yml, .tpl, or .txt", ext);
        if (has_crd_hook(t->data, t->len))
            add(r, KZ_LINT_WARNING, t->name,
                "manifest is a crd-install hook. This hook is no longer supported in v3 and all CRDs should also exist "
                "the crds/ directory at the top level of the chart");
        if (contains(t->data, t->len, ".Release.Time"))
            add(r, KZ_LINT_ERROR, t->name, ".Release.Time has been removed in v3, please replace with the `now` function in your templates");
        if (strcmp(ext, ".yaml") != 0) continue;
        kz_buf key = KZ_BUF_INIT;
        kz_buf_printf(&key, "%s/%s", chart->name, t->name);
        const char *content = rendered_text(&rd, kz_buf_cstr(&key));
        kz_buf_free(&key);
        const char *p = content;
        while (isspace((unsigned char)*p)) p++;
        if (!*p) continue;
        check_indent(r, t->name, content);
        if (!check_documents(r, t->name, content, &env)) break;
    }
    kz_rendered_free(&rd);
    kz_chart_free(chart);
}

/* ---- rule: dependencies ---- */

/* Names joined with commas, counted apart from the text: helm reports a
 * list that holds only empty names (a dependency without a name), which
 * prints as nothing after the colon. */
typedef struct {
    kz_buf text;
    size_t n;
} name_list;

static void name_list_add(name_list *l, const char *name) {
    kz_buf_printf(&l->text, "%s%s", l->n++ ? "," : "", name);
}

static void name_list_clear(name_list *l) {
    kz_buf_clear(&l->text);
    l->n = 0;
}

static void rule_dependencies(kz_lint_result *r, const char *dir, logger *lg) {
    kz_chart *c = NULL;
    kz_value err = load_logged(dir, true, lg, &c);
    if (kz_error_message(&err)) {
        add(r, KZ_LINT_ERROR, "", "unable to load chart\n\t%s", kz_error_message(&err));
        kz_free(err);
        return;
    }
    const kz_value *deps = kz_map_getz(&c->metadata, "dependencies");
    size_t nd = deps ? kz_len(deps) : 0;
    name_list missing = {KZ_BUF_INIT, 0};
    for (size_t i = 0; i < c->ndeps; i++) {
        bool found = false;
        for (size_t j = 0; j < nd && !found; j++) found = strcmp(str_at(kz_seq_at(deps, j), "name"), c->deps[i]->name) == 0;
        if (!found) name_list_add(&missing, c->deps[i]->name);
    }
    if (missing.n) add(r, KZ_LINT_ERROR, dir, "chart metadata is missing these dependencies: %s", kz_buf_cstr(&missing.text));
    name_list_clear(&missing);
    for (size_t j = 0; j < nd; j++) { /* names or aliases used twice */
        const kz_value *d = kz_seq_at(deps, j);
        const char *key = *str_at(d, "alias") ? str_at(d, "alias") : str_at(d, "name");
        for (size_t k = 0; k < j; k++) {
            const kz_value *e = kz_seq_at(deps, k);
            if (strcmp(key, *str_at(e, "alias") ? str_at(e, "alias") : str_at(e, "name")) == 0) {
                name_list_add(&missing, key);
                break;
            }
        }
    }
    if (missing.n) add(r, KZ_LINT_ERROR, dir, "multiple dependencies with name or alias: %s", kz_buf_cstr(&missing.text));
    name_list_clear(&missing);
    for (size_t j = 0; j < nd; j++) {
        const char *name = str_at(kz_seq_at(deps, j), "name");
        bool found = false;
        for (size_t i = 0; i < c->ndeps && !found; i++) found = strcmp(c->deps[i]->name, name) == 0;
        if (!found) name_list_add(&missing, name);
    }
    if (missing.n) add(r, KZ_LINT_WARNING, dir, "chart directory is missing these dependencies: %s", kz_buf_cstr(&missing.text));
    kz_buf_free(&missing.text);
    kz_chart_free(c);
}

/* ---- one chart ---- */

static bool has_suffix(const char *s, const char *suffix) {
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}


/* rm -r of a folder we made (symbolic links removed, not followed). */
static void remove_tree(const char *dir) {
    DIR *d = opendir(dir);
    for (struct dirent *e; d && (e = readdir(d));) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
        kz_buf p = KZ_BUF_INIT;
        kz_buf_printf(&p, "%s/%s", dir, e->d_name);
        struct stat st;
        if (lstat(kz_buf_cstr(&p), &st) == 0 && S_ISDIR(st.st_mode)) remove_tree(kz_buf_cstr(&p));
        else unlink(kz_buf_cstr(&p));
        kz_buf_free(&p);
    }
    if (d) closedir(d);
    rmdir(dir);
}

/* securejoin.SecureJoin(root, rel) with nothing to resolve (a fresh
 * folder): rel cleaned as if rooted, so ".." cannot climb out of root. */
static char *secure_join(const char *root, const char *rel) {
    kz_buf b = KZ_BUF_INIT;
    kz_buf_printf(&b, "/%s", rel);
    char *clean = kz_chart_path_clean(kz_buf_cstr(&b));
    kz_buf_free(&b);
    kz_buf_printf(&b, "%s%s", root, strcmp(clean, "/") == 0 ? "" : clean);
    free(clean);
    return kz_buf_detach(&b, NULL);
}

/* The name Expand gives the chart's folder: Chart.yaml's name, as
 * yaml.Unmarshal into chart.Metadata reads it (the last Chart.yaml wins).
 * NULL with *err when a Chart.yaml does not decode. */
static char *archive_chart_name(const kz_chart_files *files, kz_value *err) {
    char *name = NULL;
    for (size_t i = 0; i < files->len; i++) {
        if (strcmp(files->v[i].name, "Chart.yaml") != 0) continue;
        kz_yaml_parse_opts yo = {.schema = KZ_YAML_HELM, .max_threads = 1, .go_errors = true};
        kz_value doc = kz_yaml_parse_one(files->v[i].data, files->v[i].len, &yo);
        kz_value md = kz_invalid(), derr = kz_invalid();
        if (!kz_is_valid(&doc))
            *err = kz_error("cannot load Chart.yaml: error converting YAML to JSON: %s", kz_error_message(&doc));
        else if (kz_chart_metadata_decode(&doc, &md, &derr) != 0)
            *err = kz_error("cannot load Chart.yaml: error unmarshaling JSON: while decoding JSON: %s",
                            kz_error_message(&derr));
        else {
            free(name);
            name = kz_xstrdup(str_at(&md, "name"));
        }
        kz_free(md), kz_free(derr), kz_free(doc);
        if (kz_error_message(err)) {
            free(name);
            return NULL;
        }
    }
    return name;
}

/* Write every file under base (each name securely joined to it). */
static kz_value write_files(const kz_chart_files *files, const char *base) {
    for (size_t i = 0; i < files->len; i++) {
        char *p = secure_join(base, files->v[i].name), *folder = kz_file_dir(p);
        kz_value e = kz_file_mkdir_all(folder, 0755);
        free(folder);
        FILE *f = kz_error_message(&e) ? NULL : fopen(p, "wb");
        if (!kz_error_message(&e) && (!f || fwrite(files->v[i].data, 1, files->v[i].len, f) != files->v[i].len))
            e = kz_error("open %s: %s", p, strerror(errno));
        if (f) fclose(f);
        free(p);
        if (kz_error_message(&e)) return e;
    }
    return kz_null();
}

/* chartutil.Expand: the archive's files written under TMP/<chart name>. */
static kz_value expand_archive(const char *tgz, const char *tmp) {
    kz_buf data = KZ_BUF_INIT;
    kz_value err = kz_null();
    if (kz_file_read(tgz, &data, &err) != 0) {
        kz_value e = kz_error("unable to open tarball: %s", kz_error_message(&err));
        kz_free(err);
        kz_buf_free(&data);
        return e;
    }
    kz_chart_files files = {0};
    char *name = NULL;
    if (kz_chart_archive_files(data.data ? data.data : "", data.len, NULL, &files, &err) == 0) {
        name = archive_chart_name(&files, &err);
        if (!kz_error_message(&err) && (!name || !*name)) err = kz_error("chart name not specified");
    }
    kz_buf_free(&data);
    if (!kz_error_message(&err)) {
        char *base = secure_join(tmp, name);
        err = write_files(&files, base);
        free(base);
    }
    free(name);
    kz_chart_files_free(&files);
    if (!kz_error_message(&err)) return err;
    kz_value e = kz_error("unable to extract tarball: %s", kz_error_message(&err));
    kz_free(err);
    return e;
}

static int not_dots(const struct dirent *e) { return strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0; }

/* Helm lints the first entry (by name) of the folder it expanded into: the
 * chart's folder, unless the chart's name put the files elsewhere. */
static kz_value expand(const char *tgz, const char *tmp, char **chart_dir) {
    kz_value err = expand_archive(tgz, tmp);
    if (kz_error_message(&err)) return err;
    struct dirent **names = NULL;
    int n = scandir(tmp, &names, not_dots, alphasort);
    kz_buf p = KZ_BUF_INIT;
    if (n > 0) kz_buf_printf(&p, "%s/%s", tmp, names[0]->d_name);
    struct stat st;
    if (n <= 0) err = kz_error("unable to read temporary output directory %s", tmp);
    else if (stat(kz_buf_cstr(&p), &st) != 0 || !S_ISDIR(st.st_mode))
        err = kz_error("unexpected file %s in temporary output directory %s", names[0]->d_name, tmp);
    else *chart_dir = kz_buf_detach(&p, NULL);
    kz_buf_free(&p);
    for (int i = 0; i < n; i++) free(names[i]);
    free(names);
    return err;
}

/* os.MkdirTemp("", "helm-lint"): $TMPDIR (or /tmp) and a random decimal
 * number, as Go names it. */
static char *make_temp_dir(void) {
    const char *root = getenv("TMPDIR");
    if (!root || !*root) root = "/tmp";
    FILE *f = fopen("/dev/urandom", "rb");
    for (int tries = 0; tries < 10000; tries++) {
        uint32_t r = 0;
        if (!f || fread(&r, sizeof r, 1, f) != 1) r = (uint32_t)getpid() * 2654435761u + (uint32_t)tries;
        kz_buf b = KZ_BUF_INIT;
        kz_buf_printf(&b, "%s/helm-lint%u", root, (unsigned)r);
        if (mkdir(kz_buf_cstr(&b), 0700) == 0) {
            if (f) fclose(f);
            return kz_buf_detach(&b, NULL);
        }
        kz_buf_free(&b);
        if (errno != EEXIST) break;
    }
    if (f) fclose(f);
    return NULL;
}

kz_value kz_lint_chart(const char *path, const kz_value *values, const kz_lint_opts *opts, kz_lint_result *out,
                       kz_buf *log) {
    kz_lint_opts none = {0};
    if (!opts) opts = &none;
    char *tmp = NULL;
    bool archive = has_suffix(path, ".tgz") || has_suffix(path, ".tar.gz");
    char *chart_dir = NULL;
    if (archive) {
        if (!(tmp = make_temp_dir()))
            return kz_error("unable to create temp dir to extract tarball: %s", strerror(errno));
        kz_value err = expand(path, tmp, &chart_dir);
        if (kz_error_message(&err)) {
            remove_tree(tmp);
            free(tmp);
            return err;
        }
    } else {
        chart_dir = kz_xstrdup(path);
    }
    kz_buf cy = KZ_BUF_INIT;
    kz_buf_printf(&cy, "%s/Chart.yaml", chart_dir);
    char *cyc = kz_chart_path_clean(kz_buf_cstr(&cy));
    kz_buf_free(&cy);
    struct stat st;
    kz_value result = kz_null();
    if (stat(cyc, &st) != 0) {
        result = kz_error("unable to check Chart.yaml file in chart: stat %s: %s", cyc,
                          errno == ENOENT ? "no such file or directory" : errno == ENOTDIR ? "not a directory" : strerror(errno));
    } else {
        char *dir = kz_chart_path_abs(chart_dir);
        logger lg = {log};
        rule_chartfile(out, dir);
        rule_values(out, dir, values, opts, &lg);
        rule_templates(out, dir, values, opts, &lg);
        rule_dependencies(out, dir, &lg);
        free(dir);
    }
    free(cyc);
    free(chart_dir);
    if (archive) remove_tree(tmp);
    free(tmp);
    return result;
}
