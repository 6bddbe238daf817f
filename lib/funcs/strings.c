/* Template functions: strings family (see funcs_internal.h). */
#include "funcs/funcs_internal.h"

void kz_funcs_register_strings(kz_tmpl_funcs *t) { (void)t; }
