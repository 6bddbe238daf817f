/* Template functions: dates family (see funcs_internal.h). */
#include "funcs/funcs_internal.h"

void kz_funcs_register_dates(kz_tmpl_funcs *t) { (void)t; }
