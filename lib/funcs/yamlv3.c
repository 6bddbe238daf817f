/* Template functions: yamlv3 family (see funcs_internal.h). */
#include "funcs/funcs_internal.h"

void kz_funcs_register_yamlv3(kz_tmpl_funcs *t) { (void)t; }
