/* Template functions: dicts family (see funcs_internal.h). */
#include "funcs/funcs_internal.h"

void kz_funcs_register_dicts(kz_tmpl_funcs *t) { (void)t; }
