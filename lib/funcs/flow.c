/*
 * Template functions: flow family (see funcs_internal.h): default, empty,
 * coalesce, all, any, ternary, fail. Emptiness is Sprig's empty()
 * (kz_go_empty).
 */
#include "funcs/funcs_internal.h"

static bool arg_empty(const kz_value *v) {
    return kz_kind_of(v) == KZ_INVALID || kz_go_empty(v);
}

/* default DEFAULT [GIVEN...]: GIVEN[0] unless there is none or it is empty. */
static kz_value fn_default(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    (void)c;
    if (argc < 2 || arg_empty(&argv[1])) return kz_copy(&argv[0]);
    return kz_copy(&argv[1]);
}

static kz_value fn_empty(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    (void)c, (void)argc;
    return kz_bool(arg_empty(&argv[0]));
}

static kz_value fn_coalesce(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    (void)c;
    for (size_t i = 0; i < argc; i++)
        if (!arg_empty(&argv[i])) return kz_copy(&argv[i]);
    return kz_null();
}

static kz_value fn_all(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    (void)c;
    for (size_t i = 0; i < argc; i++)
        if (arg_empty(&argv[i])) return kz_bool(false);
    return kz_bool(true);
}

static kz_value fn_any(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    (void)c;
    for (size_t i = 0; i < argc; i++)
        if (!arg_empty(&argv[i])) return kz_bool(true);
    return kz_bool(false);
}

static kz_value fn_ternary(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    (void)c, (void)argc;
    return kz_copy(kz_bool_get(&argv[2]) ? &argv[0] : &argv[1]);
}

static kz_value fn_fail(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    (void)c, (void)argc;
    return kz_error("%s", kz_str(&argv[0]));
}

void kz_funcs_register_flow(kz_tmpl_funcs *t) {
    kz_tmpl_funcs_add_typed(t, "default", fn_default, "v...v", NULL);
    kz_tmpl_funcs_add_typed(t, "empty", fn_empty, "v", NULL);
    kz_tmpl_funcs_add_typed(t, "coalesce", fn_coalesce, "...v", NULL);
    kz_tmpl_funcs_add_typed(t, "all", fn_all, "...v", NULL);
    kz_tmpl_funcs_add_typed(t, "any", fn_any, "...v", NULL);
    kz_tmpl_funcs_add_typed(t, "ternary", fn_ternary, "vvb", NULL);
    kz_tmpl_funcs_add_typed(t, "fail", fn_fail, "s", NULL);
}
