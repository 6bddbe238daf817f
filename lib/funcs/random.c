/* Template functions: random family (see funcs_internal.h). */
#include "funcs/funcs_internal.h"

void kz_funcs_register_random(kz_tmpl_funcs *t) { (void)t; }
