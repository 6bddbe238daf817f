/*
 * Template functions: semver family (see funcs_internal.h): semver (a
 * *semver.Version object, core/goobj.h) and semverCompare, over
 * Masterminds/semver v3 (semver/semver.h).
 */
#include <stdlib.h>

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

void kz_funcs_register_semver(kz_tmpl_funcs *t) {
    kz_tmpl_funcs_add_typed(t, "semver", fn_semver, "s", NULL);
    kz_tmpl_funcs_add_typed(t, "semverCompare", fn_semver_compare, "ss", NULL);
}
