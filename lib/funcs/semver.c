/*
 * Template functions: semver family (see funcs_internal.h): semver (a
 * *semver.Version object, core/goobj.h) and semverCompare, over
 * Masterminds/semver v3 (semver/semver.h), and the methods of the versions.
 *
 * Masterminds gives *Version every method, but a semver.Version value (what
 * IncMinor or SetPrerelease return) only those with a value receiver: no
 * Original, Compare, LessThan, ... (Go: "can't evaluate field Original in
 * type semver.Version"). Both are maps of Go's own fields (goobj.h).
 */
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/goobj.h"
#include "funcs/funcs_internal.h"
#include "semver/semver.h"

/* A version object of Go type t (SEMVER or SEMVER_VALUE); v stays the caller's. */
static kz_value version_object(const kz_semver *v, kz_gotype t) {
    kz_value m = kz_map_sized(6);
    kz_map_setz(&m, "major", kz_with_gotype(kz_uint(v->major), KZ_GOTYPE_UINT64));
    kz_map_setz(&m, "minor", kz_with_gotype(kz_uint(v->minor), KZ_GOTYPE_UINT64));
    kz_map_setz(&m, "patch", kz_with_gotype(kz_uint(v->patch), KZ_GOTYPE_UINT64));
    kz_map_setz(&m, "pre", kz_string(v->prerelease ? v->prerelease : ""));
    kz_map_setz(&m, "metadata", kz_string(v->metadata ? v->metadata : ""));
    kz_map_setz(&m, "original", kz_string(v->original ? v->original : ""));
    return kz_with_gotype(m, t);
}

static kz_value fn_semver(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    (void)c, (void)argc;
    kz_semver v;
    kz_value err = kz_semver_parse(kz_str(&argv[0]), kz_str_len(&argv[0]), &v);
    if (!kz_is_null(&err)) return err;
    kz_value m = version_object(&v, KZ_GOTYPE_SEMVER);
    kz_semver_free(&v);
    return m;
}

/* semverCompare CONSTRAINT VERSION: the constraint's errors first. */
static kz_value fn_semver_compare(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    (void)c, (void)argc;
    kz_semver_constraint *con;
    kz_value err = kz_semver_constraint_parse(kz_str(&argv[0]), kz_str_len(&argv[0]), &con);
    if (!kz_is_null(&err)) return err;
    kz_semver v;
    err = kz_semver_parse(kz_str(&argv[1]), kz_str_len(&argv[1]), &v);
    if (!kz_is_null(&err)) {
        kz_semver_constraint_free(con);
        return err;
    }
    bool ok = kz_semver_constraint_check(con, &v);
    kz_semver_constraint_free(con);
    kz_semver_free(&v);
    return kz_bool(ok);
}

/* ---- methods of *semver.Version and semver.Version ---- */

static char *string_field(const kz_value *obj, const char *key) {
    const kz_value *s = kz_map_getz(obj, key);
    return s ? kz_xstrndup(kz_str(s), kz_str_len(s)) : kz_xstrdup("");
}

static uint64_t number_field(const kz_value *obj, const char *key) {
    const kz_value *n = kz_map_getz(obj, key);
    return n ? kz_uint_get(n) : 0;
}

/* The version an object holds (free with kz_semver_free). */
static kz_semver version_of(const kz_value *obj) {
    return (kz_semver){.major = number_field(obj, "major"),
                       .minor = number_field(obj, "minor"),
                       .patch = number_field(obj, "patch"),
                       .prerelease = string_field(obj, "pre"),
                       .metadata = string_field(obj, "metadata"),
                       .original = string_field(obj, "original")};
}

/* Major, Minor, Patch: uint64; Prerelease, Metadata, Original: string (the
 * data is the field's key). */
static kz_value m_field(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    (void)argc;
    const kz_value *f = kz_map_getz(&argv[0], c->func->data);
    return f ? kz_copy(f) : kz_string("");
}

/* MarshalJSON (data non-NULL: json.Marshal of the String) and MarshalText: []byte. */
static kz_value m_marshal(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    (void)argc;
    kz_buf text = KZ_BUF_INIT;
    if (c->func->data) kz_buf_putc(&text, '"');
    kz_goobj_string(&argv[0], &text); /* [0-9A-Za-z.+-]: nothing JSON escapes */
    if (c->func->data) kz_buf_putc(&text, '"');
    kz_value b = kz_with_gotype(kz_string_n(text.data, text.len), KZ_GOTYPE_BYTES);
    kz_buf_free(&text);
    return b;
}

/* Compare(o) and its boolean forms; o must be another *Version. */
static kz_value m_compare(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    (void)argc;
    const char *op = c->func->data;
    if (kz_kind_of(&argv[1]) != KZ_MAP) { /* a nil *Version: only Equal checks for it */
        if (op && strcmp(op, "=") == 0) return kz_bool(false);
        return kz_error("runtime error: invalid memory address or nil pointer dereference");
    }
    kz_semver x = version_of(&argv[0]), y = version_of(&argv[1]);
    int r = kz_semver_compare(&x, &y);
    kz_semver_free(&x);
    kz_semver_free(&y);
    if (!op) return kz_go_int(r);
    if (strcmp(op, "<") == 0) return kz_bool(r < 0);
    if (strcmp(op, "<=") == 0) return kz_bool(r <= 0);
    if (strcmp(op, ">") == 0) return kz_bool(r > 0);
    if (strcmp(op, ">=") == 0) return kz_bool(r >= 0);
    return kz_bool(r == 0);
}

/* The semver.Version value v becomes: Masterminds sets its Original to the
 * new String() behind the old one's "v", if it had one. Frees v. */
static kz_value next_version(kz_semver *v) {
    bool v_prefix = v->original && v->original[0] == 'v';
    free(v->original);
    char *s = kz_semver_string(v);
    size_t n = strlen(s);
    v->original = kz_xmalloc(n + 2);
    v->original[0] = 'v';
    memcpy(v->original + v_prefix, s, n + 1);
    free(s);
    kz_value obj = version_object(v, KZ_GOTYPE_SEMVER_VALUE);
    kz_semver_free(v);
    return obj;
}

static void set_string(char **field, const char *s) {
    free(*field);
    *field = kz_xstrdup(s);
}

/* IncMajor, IncMinor, IncPatch (data "M", "m", "p"): the prerelease and
 * metadata go; IncPatch of a prerelease only drops them (1.2.3-rc is
 * followed by 1.2.3). uint64 wraps as in Go. */
static kz_value m_inc(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    (void)argc;
    kz_semver v = version_of(&argv[0]);
    char which = *(const char *)c->func->data;
    bool was_pre = v.prerelease[0] != '\0';
    set_string(&v.prerelease, "");
    set_string(&v.metadata, "");
    if (which == 'M') v.major++, v.minor = 0, v.patch = 0;
    else if (which == 'm') v.minor++, v.patch = 0;
    else if (!was_pre) v.patch++;
    return next_version(&v);
}

static bool ident_chars(const char *s, size_t n) {
    for (size_t i = 0; i < n; i++) {
        char ch = s[i];
        if (!((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || ch == '-'))
            return false;
    }
    return true;
}

static bool all_digits(const char *s, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9') return false;
    return true;
}

/* Masterminds' validatePrerelease (pre) or validateMetadata: each
 * dot-separated part, in order; empty parts pass. */
static kz_value validate_part(const char *s, size_t n, bool pre) {
    size_t start = 0;
    for (size_t i = 0; i <= n; i++) {
        if (i < n && s[i] != '.') continue;
        const char *p = s + start;
        size_t len = i - start;
        start = i + 1;
        if (pre && all_digits(p, len)) {
            if (len > 1 && p[0] == '0') return kz_error("Version segment starts with 0");
        } else if (!ident_chars(p, len)) {
            return kz_error(pre ? "Invalid Prerelease string" : "Invalid Metadata string");
        }
    }
    return kz_null();
}

/* SetPrerelease, SetMetadata (data "p", "m"): (Version, error). */
static kz_value m_set(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    (void)argc;
    bool pre = *(const char *)c->func->data == 'p';
    const char *s = kz_str(&argv[1]);
    size_t n = kz_str_len(&argv[1]);
    kz_value err = validate_part(s, n, pre);
    if (!kz_is_null(&err)) return err;
    kz_semver v = version_of(&argv[0]);
    char **field = pre ? &v.prerelease : &v.metadata;
    free(*field);
    *field = kz_xstrndup(s, n);
    return next_version(&v);
}

/* The methods both types have (value receivers). */
static void register_value_methods(kz_tmpl_funcs *t, kz_gotype g) {
    static const char *const fields[][2] = {{"Major", "major"}, {"Minor", "minor"},       {"Patch", "patch"},
                                            {"Prerelease", "pre"}, {"Metadata", "metadata"}};
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
        kz_tmpl_funcs_add_method(t, g, fields[i][0], m_field, "", (void *)fields[i][1]);
    kz_tmpl_funcs_add_method(t, g, "String", kz_funcs_method_string, "", NULL);
    kz_tmpl_funcs_add_method(t, g, "Value", kz_funcs_method_string, "", NULL); /* driver.Value: the String */
    kz_tmpl_funcs_add_method(t, g, "MarshalJSON", m_marshal, "", (void *)"json");
    kz_tmpl_funcs_add_method(t, g, "MarshalText", m_marshal, "", NULL);
    kz_tmpl_funcs_add_method(t, g, "IncMajor", m_inc, "", (void *)"M");
    kz_tmpl_funcs_add_method(t, g, "IncMinor", m_inc, "", (void *)"m");
    kz_tmpl_funcs_add_method(t, g, "IncPatch", m_inc, "", (void *)"p");
    kz_tmpl_funcs_add_method(t, g, "SetPrerelease", m_set, "s", (void *)"p");
    kz_tmpl_funcs_add_method(t, g, "SetMetadata", m_set, "s", (void *)"m");
}

void kz_funcs_register_semver(kz_tmpl_funcs *t) {
    register_value_methods(t, KZ_GOTYPE_SEMVER);
    register_value_methods(t, KZ_GOTYPE_SEMVER_VALUE);
    /* pointer receivers: *Version only */
    kz_tmpl_funcs_add_method(t, KZ_GOTYPE_SEMVER, "Original", m_field, "", (void *)"original");
    kz_tmpl_funcs_add_method(t, KZ_GOTYPE_SEMVER, "Compare", m_compare, "V", NULL);
    kz_tmpl_funcs_add_method(t, KZ_GOTYPE_SEMVER, "LessThan", m_compare, "V", (void *)"<");
    kz_tmpl_funcs_add_method(t, KZ_GOTYPE_SEMVER, "LessThanEqual", m_compare, "V", (void *)"<=");
    kz_tmpl_funcs_add_method(t, KZ_GOTYPE_SEMVER, "GreaterThan", m_compare, "V", (void *)">");
    kz_tmpl_funcs_add_method(t, KZ_GOTYPE_SEMVER, "GreaterThanEqual", m_compare, "V", (void *)">=");
    kz_tmpl_funcs_add_method(t, KZ_GOTYPE_SEMVER, "Equal", m_compare, "V", (void *)"=");
    kz_tmpl_funcs_add_typed(t, "semver", fn_semver, "s", NULL);
    kz_tmpl_funcs_add_typed(t, "semverCompare", fn_semver_compare, "ss", NULL);
}
