/* Template functions: toml family (see funcs_internal.h): Helm's toToml and
 * fromToml over lib/toml. */
#include "funcs/funcs_internal.h"
#include "toml/toml.h"

/* toToml v: the document, or the encoder's error text as the result. */
static kz_value fn_to_toml(kz_tmpl_call *call, size_t argc, const kz_value *argv) {
    (void)call;
    (void)argc;
    kz_buf out = KZ_BUF_INIT, err = KZ_BUF_INIT;
    int rc = kz_toml_emit(&out, &argv[0], &err);
    kz_value r;
    if (rc == KZ_TOML_OK) r = kz_string_n(out.data ? out.data : "", out.len);
    else if (rc == KZ_TOML_PANIC) r = kz_error("%s", kz_buf_cstr(&err));
    else r = kz_string_n(err.data ? err.data : "", err.len);
    kz_buf_free(&out);
    kz_buf_free(&err);
    return r;
}

/* fromToml str: the table, or {"Error": message} when it does not parse. */
static kz_value fn_from_toml(kz_tmpl_call *call, size_t argc, const kz_value *argv) {
    (void)call;
    (void)argc;
    kz_buf err = KZ_BUF_INIT;
    kz_value r = kz_toml_parse(kz_str(&argv[0]), kz_str_len(&argv[0]), &err);
    if (!kz_is_map(&r)) {
        kz_free(r);
        r = kz_map();
        kz_map_setz(&r, "Error", kz_string_n(err.data ? err.data : "", err.len));
    }
    kz_buf_free(&err);
    return r;
}

void kz_funcs_register_toml(kz_tmpl_funcs *t) {
    kz_tmpl_funcs_add_typed(t, "toToml", fn_to_toml, "v", NULL);
    kz_tmpl_funcs_add_typed(t, "fromToml", fn_from_toml, "s", NULL);
}
