/*
 * Go's time.Time as a template value, for the date functions (lib/funcs) and
 * for fmt and encoding/json printing of times.
 *
 * Representation: a KZ_MAP with Go type hint KZ_GOTYPE_TIME holding
 *   "sec"    INT     seconds since the Unix epoch (UTC)
 *   "nsec"   INT     nanoseconds within the second, 0..999999999
 *   "offset" INT     the zone's offset east of UTC in seconds at that instant
 *   "zone"   STRING  the zone's abbreviation at that instant ("UTC", "CET")
 *   "loc"    STRING  the location's name ("UTC", "Local", "Europe/Berlin")
 * Build them with kz_gotime_make, never by hand.
 *
 * MEMORY: functions returning kz_value return owned values; pointers are borrowed.
 */
#ifndef KZ_CORE_GOTIME_H
#define KZ_CORE_GOTIME_H

#include <stdbool.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/value.h"

kz_value kz_gotime_make(int64_t sec, int32_t nsec, int32_t offset, const char *zone, const char *loc);

bool kz_gotime_is(const kz_value *v);

/* Go's Time.String(): "2006-01-02 15:04:05.999999999 -0700 MST". */
void kz_gotime_string(const kz_value *t, kz_buf *out);

/* Go's Time.MarshalJSON text without the quotes: RFC 3339 with nanoseconds
 * ("2006-01-02T15:04:05.999999999Z07:00"). */
void kz_gotime_rfc3339nano(const kz_value *t, kz_buf *out);

#endif
