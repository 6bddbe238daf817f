/* Template functions: yamlv3 family (see funcs_internal.h).
 *
 * toYamlPretty (Helm): go-yaml v3's Encoder with SetIndent(2) straight from the
 * Go value (yaml/emit_v3.h), one trailing newline trimmed; "" when encoding
 * fails (Helm swallows the error). */
#include "funcs/funcs_internal.h"
#include "yaml/emit_v3.h"

static kz_value fn_to_yaml_pretty(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    (void)c, (void)argc;
    kz_value nil = kz_null();
    const kz_value *v = kz_kind_of(&argv[0]) == KZ_INVALID ? &nil : &argv[0];
    kz_buf out = KZ_BUF_INIT;
    if (kz_yaml_v3_emit(&out, v, NULL) != 0) out.len = 0;
    if (out.len > 0 && out.data[out.len - 1] == '\n') out.len--;
    kz_value r = kz_string_n(out.data ? out.data : "", out.len);
    kz_buf_free(&out);
    return r;
}

void kz_funcs_register_yamlv3(kz_tmpl_funcs *t) {
    kz_tmpl_funcs_add_typed(t, "toYamlPretty", fn_to_yaml_pretty, "v", NULL);
}
