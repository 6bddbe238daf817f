/*
 * Go's float formatting, because both references print numbers the Go way and
 * byte-identical output depends on it.
 *
 * kz_format_float is strconv.FormatFloat(f, fmt, prec, 64): fmt is one of
 * 'e' 'E' 'f' 'g' 'G'; prec -1 means "the fewest digits that read back as the same
 * float64" (Go's shortest mode, used by %v and by encoding/json).
 * NaN, +Inf and -Inf print as "NaN", "+Inf", "-Inf".
 *
 * kz_format_json_float is encoding/json's float64 encoder: 'f' form between 1e-6
 * and 1e21, 'e' form outside with a one-digit negative exponent ("1e-7", "1e+21").
 * It returns false (and appends nothing) for NaN and infinities, which Go's JSON
 * rejects with "json: unsupported value".
 */
#ifndef KZ_CORE_GOFLOAT_H
#define KZ_CORE_GOFLOAT_H

#include <stdbool.h>

#include "core/buf.h"

void kz_format_float(kz_buf *out, double f, char fmt, int prec);
bool kz_format_json_float(kz_buf *out, double f);

#endif
