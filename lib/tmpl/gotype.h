/*
 * Go type names of template values: what Go's reflect says of the value a
 * template holds, from the kind and the Go type hint bits of core/value.h.
 *
 * kz_gotype_name is %T (reflect.Type.String): "int", "int64", "int32", "uint8",
 * "uint64", "float64", "string", "bool", "[]interface {}", "[]string", "[]uint8",
 * "map[string]interface {}", "map[string]string"; a NULL (Go's nil interface)
 * or INVALID value gives "<nil>".
 * kz_gokind_name is reflect.Kind.String() (Sprig's kindOf): "int", "int64",
 * "int32", "uint8", "uint64", "float64", "string", "bool", "slice", "map"; nil
 * gives "invalid".
 * Both return static strings.
 */
#ifndef KZ_TMPL_GOTYPE_H
#define KZ_TMPL_GOTYPE_H

#include <stdbool.h>

#include "core/value.h"

const char *kz_gotype_name(const kz_value *v);
const char *kz_gokind_name(const kz_value *v);
/* Whether an INT value is one of Go's unsigned types (uint8, uint64). */
bool kz_gotype_is_unsigned(const kz_value *v);

#endif
