/*
 * Pure pieces of text/template's builtin functions, shared by the executor
 * (exec.c), which evaluates arguments, applies Go's argument rules and wraps
 * errors ("error calling eq: ..."), and by the Sprig functions to come.
 *
 * Memory: inputs are borrowed; escapers append to the caller's buffer; error
 * values returned are owned by the caller.
 */
#ifndef KZ_TMPL_BUILTINS_H
#define KZ_TMPL_BUILTINS_H

#include <stdbool.h>
#include <stddef.h>

#include "core/buf.h"
#include "core/value.h"

/* Go's template.HTMLEscapeString, JSEscapeString and url.QueryEscape. */
void kz_tmpl_html_escape(kz_buf *out, const char *s, size_t n);
void kz_tmpl_js_escape(kz_buf *out, const char *s, size_t n);
void kz_tmpl_urlquery_escape(kz_buf *out, const char *s, size_t n);

/* Go's template truth (template.IsTrue): false for nil, false, 0, 0.0, "",
 * and empty sequences and mappings; true otherwise. */
bool kz_tmpl_truth(const kz_value *v);

typedef enum kz_tmpl_cmp_op {
    KZ_CMP_EQ,
    KZ_CMP_NE,
    KZ_CMP_LT,
    KZ_CMP_LE,
    KZ_CMP_GT,
    KZ_CMP_GE,
} kz_tmpl_cmp_op;

/* One comparison of text/template's eq/ne/lt/le/gt/ge on two values, with Go's
 * rules: ints and floats compare by value across kinds as Go's basicKind rules
 * allow (int vs float is "incompatible types for comparison"), strings by
 * bytes, bools and nil only for eq/ne, sequences and maps are not comparable
 * ("non-comparable type"/"invalid type for comparison"), ... Sets *result and
 * returns a NULL value, or returns an error value with Go's message WITHOUT the
 * "error calling eq: " prefix, which the executor adds. (eq with several
 * right-hand operands is a loop over this in the executor.) */
kz_value kz_tmpl_compare(kz_tmpl_cmp_op op, const kz_value *a, const kz_value *b, bool *result);

#endif
