/* Template functions: toml family (see funcs_internal.h). */
#include "funcs/funcs_internal.h"

void kz_funcs_register_toml(kz_tmpl_funcs *t) { (void)t; }
