/* The whole function table of Helm's engine (funcs.h). */
#include "funcs/funcs_internal.h"

kz_tmpl_funcs *kz_funcs_new(void) {
    kz_tmpl_funcs *t = kz_tmpl_funcs_new();
    kz_funcs_register_strings(t);
    kz_funcs_register_regex(t);
    kz_funcs_register_paths(t);
    kz_funcs_register_math(t);
    kz_funcs_register_conv(t);
    kz_funcs_register_flow(t);
    kz_funcs_register_types(t);
    kz_funcs_register_semver(t);
    kz_funcs_register_lists(t);
    kz_funcs_register_dicts(t);
    kz_funcs_register_dates(t);
    kz_funcs_register_crypto(t);
    kz_funcs_register_random(t);
    kz_funcs_register_encoding(t);
    kz_funcs_register_toml(t);
    kz_funcs_register_yamlv3(t);
    kz_funcs_register_helm(t); /* last: Helm's versions replace Sprig's of the same name */
    return t;
}
