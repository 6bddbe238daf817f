/*
 * Go's time.Time as a template value, for the date functions (lib/funcs) and
 * for fmt and encoding/json printing of times; Go's time.Duration text.
 *
 * Representation: a KZ_MAP with Go type hint KZ_GOTYPE_TIME holding
 *   "sec"    INT     seconds since the Unix epoch (UTC)
 *   "nsec"   INT     nanoseconds within the second, 0..999999999
 *   "offset" INT     the zone's offset east of UTC in seconds at that instant
 *   "zone"   STRING  the zone's abbreviation at that instant ("UTC", "CET")
 *   "loc"    STRING  the location's name ("UTC", "Local", "Europe/Berlin"),
 *                    or "" for a fixed zone (Go's FixedZone(zone, offset))
 *   "mono"   INT     optional: Go's monotonic clock reading (nanoseconds since
 *                    the process started), only on times from now
 * Build them with kz_gotime_make or the functions below, never by hand.
 *
 * Locations follow Go's time.LoadLocation: "" and "UTC" are UTC, "Local" is
 * the local zone (the TZ environment variable, else /etc/localtime, read once
 * at first use as Go does), other names are TZif files under
 * /usr/share/zoneinfo (read by kz itself, cached; thread-safe).
 *
 * MEMORY: functions returning kz_value return owned values; pointers are borrowed.
 */
#ifndef KZ_CORE_GOTIME_H
#define KZ_CORE_GOTIME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/value.h"

kz_value kz_gotime_make(int64_t sec, int32_t nsec, int32_t offset, const char *zone, const char *loc);

bool kz_gotime_is(const kz_value *v);

/* Go's time.Now() (in Local, with a monotonic reading). */
kz_value kz_gotime_now(void);
/* Go's time.Unix(sec, nsec) (in Local). */
kz_value kz_gotime_unix(int64_t sec, int64_t nsec);
/* Go's zero time.Time{} ("0001-01-01 00:00:00 +0000 UTC"). */
kz_value kz_gotime_zero(void);
/* t.Unix(). */
int64_t kz_gotime_unix_sec(const kz_value *t);

/* Whether time.LoadLocation(name) succeeds. */
bool kz_gotime_location_exists(const char *name);
/* t.In(LoadLocation(loc)); an unknown location gives UTC (callers that care
 * check kz_gotime_location_exists first). Drops the monotonic reading. */
kz_value kz_gotime_in(const kz_value *t, const char *loc);
/* t.Add(d) (d in nanoseconds), keeping t's location. */
kz_value kz_gotime_add(const kz_value *t, int64_t d);
/* time.Since(t) as a Go Duration (saturated). */
int64_t kz_gotime_since(const kz_value *t);

/* t.Format(layout): Go's layout language in full. Appends to out. */
void kz_gotime_format(const kz_value *t, const char *layout, size_t layout_len, kz_buf *out);

/* time.ParseInLocation(layout, value, time.Local): a time, or an error value
 * with Go's message ("parsing time \"x\" as \"2006\": cannot parse ..."). */
kz_value kz_gotime_parse(const char *layout, size_t layout_len, const char *value, size_t value_len);

/* Go's Time.String(): "2006-01-02 15:04:05.999999999 -0700 MST" plus
 * " m=+0.000000001" when the time carries a monotonic reading. */
void kz_gotime_string(const kz_value *t, kz_buf *out);

/* Go's Time.MarshalJSON text without the quotes: RFC 3339 with nanoseconds
 * ("2006-01-02T15:04:05.999999999Z07:00"). */
void kz_gotime_rfc3339nano(const kz_value *t, kz_buf *out);

/* Go's == on two time.Time values (text/template's eq): the same instant,
 * monotonic reading and *Location. Locations are pointers in Go: UTC and
 * Local are shared, FixedZone("", whole hours from -12h to +14h) is cached,
 * every other fixed zone (a parsed "+0530", "EST") is a new one, so two such
 * times are never equal (Go: unless they are the very same variable). */
bool kz_gotime_go_equal(const kz_value *a, const kz_value *b);

/* Go's GoString (fmt's %#v): "time.Date(2024, time.March, 5, 10, 20, 30, 0,
 * time.UTC)", time.Local, or time.Location("NAME") (a fixed zone's name is
 * its zone's: "" for a parsed "+02:00", "CET" for a "CET" Local doesn't use). */
void kz_gotime_go_string(const kz_value *t, kz_buf *out);

/* ---- Time's methods ---- */

/* t.Location(): a KZ_GOTYPE_LOCATION map of t's "loc", and for a fixed zone
 * its "zone" and "offset" too. */
kz_value kz_gotime_location(const kz_value *t);
/* Location.String(): the name ("UTC", "Local", "Europe/Berlin"; a fixed
 * zone's own name, which may be ""). Appends to out. */
void kz_gotime_location_name(const kz_value *loc, kz_buf *out);
/* t.In(loc) for a location from kz_gotime_location. */
kz_value kz_gotime_in_location(const kz_value *t, const kz_value *loc);
/* Go's == on the *Location of two times or locations (see kz_gotime_go_equal). */
bool kz_gotime_same_location(const kz_value *a, const kz_value *b);

/* The wall clock and calendar of t in its zone (Date, Clock, YearDay,
 * Weekday). */
typedef struct kz_gotime_civil {
    int64_t year;
    int month, day, hour, min, sec; /* month 1..12 */
    int yday, wday;                 /* yday 1-based, wday 0 = Sunday */
} kz_gotime_civil;
void kz_gotime_civil_of(const kz_value *t, kz_gotime_civil *out);

/* t.AddDate(years, months, days): the date's fields added and normalised
 * ("2024-01-31" plus a month is "2024-03-02"), in t's location. */
kz_value kz_gotime_add_date(const kz_value *t, int64_t years, int64_t months, int64_t days);
/* a.Sub(b) as a Duration, saturated; by the monotonic readings when both
 * have one, as Go does. */
int64_t kz_gotime_sub(const kz_value *a, const kz_value *b);
/* a.Compare(b): -1, 0 or 1 (Before, After and Equal follow from it). */
int kz_gotime_compare(const kz_value *a, const kz_value *b);
/* t.IsDST(): whether t's location observes daylight saving time then. */
bool kz_gotime_is_dst(const kz_value *t);
/* t.Round(d) (round) or t.Truncate(d): to a multiple of d since year 1,
 * without a monotonic reading; d <= 0 leaves the instant as it is. */
kz_value kz_gotime_round(const kz_value *t, int64_t d, bool round);

/* Go's MarshalJSON/MarshalText refuse years outside [0,9999]: the message
 * ("Time.MarshalJSON: year outside of range [0,9999]"; encoding/json wraps
 * it as "json: error calling MarshalJSON for type time.Time: ..."), or NULL. */
const char *kz_gotime_marshal_error(const kz_value *t);

/* ---- time.Duration (int64 nanoseconds) ---- */

/* Duration.String(): "1h2m3.5s", "1.5µs", "0s". Appends to out. */
void kz_goduration_string(int64_t d, kz_buf *out);
/* time.ParseDuration; false with Go's message in *err (appended) on error. */
bool kz_goduration_parse(const char *s, size_t n, int64_t *d, kz_buf *err);
/* Duration.Round(m). */
int64_t kz_goduration_round(int64_t d, int64_t m);
/* Duration.Truncate(m) and Duration.Abs(). */
int64_t kz_goduration_truncate(int64_t d, int64_t m);
int64_t kz_goduration_abs(int64_t d);
/* d in units of `unit` nanoseconds as Go's Hours, Minutes and Seconds
 * compute it: whole units plus the remainder's fraction. */
double kz_goduration_in(int64_t d, int64_t unit);

#endif
