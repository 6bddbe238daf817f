/*
 * Go's fmt over template values: fmt.Sprint, Sprintln and Sprintf as Go 1.23
 * prints them, which is what Helm's print, println and printf produce, and the
 * %v text of a pipeline's value.
 *
 * Values are printed as the Go values they stand for (see core/value.h's type
 * hints and tmpl/gotype.h): INT as int (or int64, uint8, ... per hint), FLOAT
 * as float64, STRING as string (or []uint8), SEQ as []interface {} (or
 * []string), MAP as map[string]interface {} (or map[string]string, keys sorted
 * bytewise), NULL and INVALID as Go's nil interface.
 *
 * Supported: verbs %v %+v %#v %T %d %s %q %x %X %o %O %b %c %U %e %E %f %F %g
 * %G %t %%, flags + - # 0 space, width and precision (also * and .*), explicit
 * argument indexes %[n]d, and Go's error forms (%!d(string=abc), %!v(MISSING),
 * %!(EXTRA ...), %!(NOVERB), %!(BADWIDTH), %!(BADPREC), %!d(BADINDEX)).
 * Not supported: %p of maps and slices (Go prints an address; here it is
 * reported as a bad verb, %!p(...)).
 *
 * Everything is appended to `out`; arguments are borrowed. Nothing fails.
 */
#ifndef KZ_TMPL_FMT_H
#define KZ_TMPL_FMT_H

#include <stdbool.h>
#include <stddef.h>

#include "core/buf.h"
#include "core/value.h"

/* Go's fmt.Sprint / Sprintln / Sprintf over template values, appended to out. */
void kz_fmt_sprint(kz_buf *out, size_t argc, const kz_value *argv);
void kz_fmt_sprintln(kz_buf *out, size_t argc, const kz_value *argv);
void kz_fmt_sprintf(kz_buf *out, const char *format, size_t format_len, size_t argc,
                    const kz_value *argv);
/* %v of one value: what a template prints for {{ .x }} (before Helm replaces
 * "<no value>"): a NULL or INVALID value prints "<no value>", as text/template
 * prints a nil interface. */
void kz_fmt_value(kz_buf *out, const kz_value *v);
/* kz_fmt_value of a value Go holds addressable or not: a KubeVersion's
 * String() has a pointer receiver, so only an addressable one (a field
 * reached through .Capabilities) prints as its version; a copy (a function's
 * result, a list's item) prints as the struct, {v1.32.0 1 32}. kz_fmt_value
 * takes it as addressable. */
void kz_fmt_value_at(kz_buf *out, const kz_value *v, bool addressable);

/* Go's strconv.Quote (ascii_only: QuoteToASCII) of s[0..n), appended to out. */
void kz_fmt_quote(kz_buf *out, const char *s, size_t n, bool ascii_only);

#endif
