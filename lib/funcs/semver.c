/*
 * Template functions: semver family (see funcs_internal.h): semver (a
 * *semver.Version object, core/goobj.h) and semverCompare, over
 * Masterminds/semver v3 (semver/semver.h).
 */
#include <stdlib.h>

#include "core/goobj.h"
#include "funcs/funcs_internal.h"
#include "semver/semver.h"

static kz_value fn_semver(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    (void)c, (void)argc;
    kz_semver v;
    kz_value err = kz_semver_parse(kz_str(&argv[0]), kz_str_len(&argv[0]), &v);
    if (!kz_is_null(&err)) return err;
    kz_value m = kz_map_sized(6);
    kz_map_setz(&m, "Major", kz_with_gotype(kz_uint(v.major), KZ_GOTYPE_UINT64));
    kz_map_setz(&m, "Minor", kz_with_gotype(kz_uint(v.minor), KZ_GOTYPE_UINT64));
    kz_map_setz(&m, "Patch", kz_with_gotype(kz_uint(v.patch), KZ_GOTYPE_UINT64));
    kz_map_setz(&m, "Prerelease", kz_string(v.prerelease));
    kz_map_setz(&m, "Metadata", kz_string(v.metadata));
    kz_map_setz(&m, "Original", kz_string(v.original));
    kz_semver_free(&v);
    return kz_with_gotype(m, KZ_GOTYPE_SEMVER);
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

/* ---- methods of *semver.Version ---- */

/* The version an object stands for, parsed back from its String(). */
static bool version_of(const kz_value *obj, kz_semver *out) {
    kz_buf text = KZ_BUF_INIT;
    kz_goobj_string(obj, &text);
    kz_value err = kz_semver_parse(text.data ? text.data : "", text.len, out);
    kz_buf_free(&text);
    bool ok = kz_is_null(&err);
    kz_free(err);
    return ok;
}

static kz_value m_string(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    (void)c, (void)argc;
    kz_buf text = KZ_BUF_INIT;
    kz_goobj_string(&argv[0], &text);
    kz_value s = kz_string_n(text.data ? text.data : "", text.len);
    kz_buf_free(&text);
    return s;
}

/* Compare(o) and its boolean forms; o must be another version. */
static kz_value compare_with(const kz_value *a, const kz_value *b, int *out) {
    if (kz_kind_of(b) != KZ_MAP) /* a nil *Version: Go dereferences it */
        return kz_error("runtime error: invalid memory address or nil pointer dereference");
    kz_semver x, y;
    if (!version_of(a, &x)) return kz_error("invalid version");
    if (!version_of(b, &y)) {
        kz_semver_free(&x);
        return kz_error("invalid version");
    }
    *out = kz_semver_compare(&x, &y);
    kz_semver_free(&x);
    kz_semver_free(&y);
    return kz_null();
}

static kz_value m_compare(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    (void)argc;
    int r = 0;
    kz_value err = compare_with(&argv[0], &argv[1], &r);
    if (kz_error_message(&err)) return err;
    const char *op = c->func->data;
    if (!op) return kz_go_int(r);
    if (op[0] == '<') return kz_bool(r < 0);
    if (op[0] == '>') return kz_bool(r > 0);
    return kz_bool(r == 0);
}

void kz_funcs_register_semver(kz_tmpl_funcs *t) {
    kz_tmpl_funcs_add_method(t, KZ_GOTYPE_SEMVER, "String", m_string, "", NULL);
    kz_tmpl_funcs_add_method(t, KZ_GOTYPE_SEMVER, "Compare", m_compare, "V", NULL);
    kz_tmpl_funcs_add_method(t, KZ_GOTYPE_SEMVER, "LessThan", m_compare, "V", (void *)"<");
    kz_tmpl_funcs_add_method(t, KZ_GOTYPE_SEMVER, "GreaterThan", m_compare, "V", (void *)">");
    kz_tmpl_funcs_add_method(t, KZ_GOTYPE_SEMVER, "Equal", m_compare, "V", (void *)"=");
    kz_tmpl_funcs_add_typed(t, "semver", fn_semver, "s", NULL);
    kz_tmpl_funcs_add_typed(t, "semverCompare", fn_semver_compare, "ss", NULL);
}
