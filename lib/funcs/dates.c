/*
 * Template functions: dates family (see funcs_internal.h). Sprig v3.3.0's
 * date.go: now, date, dateInZone, htmlDate, htmlDateInZone, dateModify,
 * mustDateModify, toDate, mustToDate, duration, durationRound, ago,
 * unixEpoch; Go's time package is core/gotime.h.
 */
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/goobj.h"
#include "core/gotime.h"
#include "funcs/funcs_internal.h"
#include "tmpl/gotype.h"

/* Sprig's dateInZone type switch: a time, or int/int32/int64 Unix seconds,
 * anything else is time.Now(). */
static kz_value date_arg(const kz_value *v, bool int32_ok) {
    if (kz_gotime_is(v)) return kz_copy(v);
    if (kz_kind_of(v) == KZ_INT && !kz_int_is_unsigned(v)) {
        kz_gotype g = kz_gotype_of(v);
        if (g == KZ_GOTYPE_NATURAL || g == KZ_GOTYPE_INT64 || (int32_ok && g == KZ_GOTYPE_INT32)) {
            return kz_gotime_unix(kz_int_get(v), 0);
        }
    }
    return kz_gotime_now();
}

static kz_value date_in_zone(const kz_value *layout, const kz_value *date, const char *zone) {
    kz_value t = date_arg(date, true);
    kz_value in = kz_gotime_in(&t, kz_gotime_location_exists(zone) ? zone : "UTC");
    kz_buf out = KZ_BUF_INIT;
    kz_gotime_format(&in, kz_str(layout), kz_str_len(layout), &out);
    kz_free(t);
    kz_free(in);
    kz_value r = kz_string_n(out.data ? out.data : "", out.len);
    kz_buf_free(&out);
    return r;
}

/* The zone argument as a NUL-terminated string (a zone name with a NUL byte
 * names no file: treat it as unknown). */
static char *zone_name(const kz_value *v) {
    if (memchr(kz_str(v), '\0', kz_str_len(v))) return kz_xstrdup("..");
    return kz_xstrndup(kz_str(v), kz_str_len(v));
}

static kz_value fn_now(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    (void)c, (void)argc, (void)argv;
    return kz_gotime_now();
}

static kz_value fn_date(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    (void)c, (void)argc;
    return date_in_zone(&argv[0], &argv[1], "Local");
}

static kz_value fn_date_in_zone(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    (void)c, (void)argc;
    char *zone = zone_name(&argv[2]);
    kz_value r = date_in_zone(&argv[0], &argv[1], zone);
    free(zone);
    return r;
}

static kz_value fn_html_date(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    (void)c, (void)argc;
    kz_value layout = kz_string("2006-01-02");
    kz_value r = date_in_zone(&layout, &argv[0], "Local");
    kz_free(layout);
    return r;
}

static kz_value fn_html_date_in_zone(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    (void)c, (void)argc;
    kz_value layout = kz_string("2006-01-02");
    char *zone = zone_name(&argv[1]);
    kz_value r = date_in_zone(&layout, &argv[0], zone);
    free(zone);
    kz_free(layout);
    return r;
}

/* A time.Time parameter: Go's evalArg rejects anything else before the call.
 * The executor has no time.Time parameter type, so the check is here (the
 * message then carries an "error calling NAME: " prefix helm does not print). */
static bool time_param(const kz_value *v, kz_value *err) {
    if (kz_gotime_is(v)) return true;
    if (kz_kind_of(v) == KZ_NULL || kz_kind_of(v) == KZ_INVALID) {
        *err = kz_error("invalid value; expected time.Time");
    } else {
        *err = kz_error("wrong type for value; expected time.Time; got %s", kz_gotype_name(v));
    }
    return false;
}

static kz_value date_modify(const kz_value *argv, bool must) {
    kz_value err;
    if (!time_param(&argv[1], &err)) return err;
    int64_t d;
    kz_buf msg = KZ_BUF_INIT;
    if (!kz_goduration_parse(kz_str(&argv[0]), kz_str_len(&argv[0]), &d, &msg)) {
        kz_value r = must ? kz_error("%s", kz_buf_cstr(&msg)) : kz_copy(&argv[1]);
        kz_buf_free(&msg);
        return r;
    }
    kz_buf_free(&msg);
    return kz_gotime_add(&argv[1], d);
}

static kz_value fn_date_modify(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    (void)c, (void)argc;
    return date_modify(argv, false);
}

static kz_value fn_must_date_modify(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    (void)c, (void)argc;
    return date_modify(argv, true);
}

static kz_value fn_to_date(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    (void)c, (void)argc;
    kz_value t = kz_gotime_parse(kz_str(&argv[0]), kz_str_len(&argv[0]), kz_str(&argv[1]), kz_str_len(&argv[1]));
    if (kz_error_message(&t)) {
        kz_free(t);
        return kz_gotime_zero();
    }
    return t;
}

static kz_value fn_must_to_date(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    (void)c, (void)argc;
    return kz_gotime_parse(kz_str(&argv[0]), kz_str_len(&argv[0]), kz_str(&argv[1]), kz_str_len(&argv[1]));
}

/* strconv.ParseInt(s, 10, 64) as Sprig's duration ignores its error: the
 * value on success, the clamped value on a range error, else 0. */
static int64_t parse_int10(const char *s, size_t n) {
    size_t i = 0;
    bool neg = false;
    if (n > 0 && (s[0] == '+' || s[0] == '-')) {
        neg = s[0] == '-';
        i = 1;
    }
    if (i == n) return 0;
    uint64_t v = 0;
    bool over = false;
    for (; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') return 0;
        if (!over) {
            if (v > (UINT64_MAX - 9) / 10) over = true;
            else v = v * 10 + (uint64_t)(s[i] - '0');
        }
    }
    if (neg) {
        if (over || v > (uint64_t)INT64_MAX + 1) return INT64_MIN;
        return (int64_t)(0 - v);
    }
    if (over || v > (uint64_t)INT64_MAX) return INT64_MAX;
    return (int64_t)v;
}

static kz_value duration_value(int64_t d) {
    kz_buf out = KZ_BUF_INIT;
    kz_goduration_string(d, &out);
    kz_value r = kz_string_n(out.data, out.len);
    kz_buf_free(&out);
    return r;
}

static kz_value fn_duration(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    (void)c, (void)argc;
    const kz_value *v = &argv[0];
    int64_t n = 0;
    if (kz_kind_of(v) == KZ_STRING && kz_gotype_of(v) == KZ_GOTYPE_NATURAL) {
        n = parse_int10(kz_str(v), kz_str_len(v));
    } else if (kz_kind_of(v) == KZ_INT && kz_gotype_of(v) == KZ_GOTYPE_INT64) {
        n = kz_int_get(v);
    }
    /* time.Duration(n) * time.Second wraps as Go's int64 multiplication */
    return duration_value((int64_t)((uint64_t)n * 1000000000ULL));
}

static kz_value fn_duration_round(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    (void)c, (void)argc;
    const kz_value *v = &argv[0];
    int64_t d = 0;
    if (kz_kind_of(v) == KZ_STRING && kz_gotype_of(v) == KZ_GOTYPE_NATURAL) {
        kz_buf err = KZ_BUF_INIT;
        if (!kz_goduration_parse(kz_str(v), kz_str_len(v), &d, &err)) d = 0;
        kz_buf_free(&err);
    } else if (kz_kind_of(v) == KZ_INT && kz_gotype_of(v) == KZ_GOTYPE_INT64) {
        d = kz_int_get(v);
    } else if (kz_gotime_is(v)) {
        d = kz_gotime_since(v);
    }
    uint64_t u = (uint64_t)d;
    if (d < 0) u = 0 - u;
    const uint64_t second = 1000000000ULL, minute = 60 * second, hour = 60 * minute, day = 24 * hour,
                   month = 30 * day, year = 365 * day;
    kz_buf out = KZ_BUF_INIT;
    if (u > year) kz_buf_printf(&out, "%lluy", (unsigned long long)(u / year));
    else if (u > month) kz_buf_printf(&out, "%llumo", (unsigned long long)(u / month));
    else if (u > day) kz_buf_printf(&out, "%llud", (unsigned long long)(u / day));
    else if (u > hour) kz_buf_printf(&out, "%lluh", (unsigned long long)(u / hour));
    else if (u > minute) kz_buf_printf(&out, "%llum", (unsigned long long)(u / minute));
    else if (u > second) kz_buf_printf(&out, "%llus", (unsigned long long)(u / second));
    else kz_buf_puts(&out, "0s");
    kz_value r = kz_string_n(out.data, out.len);
    kz_buf_free(&out);
    return r;
}

static kz_value fn_ago(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    (void)c, (void)argc;
    kz_value t = date_arg(&argv[0], false);
    int64_t d = kz_goduration_round(kz_gotime_since(&t), 1000000000);
    kz_free(t);
    return duration_value(d);
}

static kz_value fn_unix_epoch(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    (void)c, (void)argc;
    kz_value err;
    if (!time_param(&argv[0], &err)) return err;
    return kz_string_fmt("%lld", (long long)kz_gotime_unix_sec(&argv[0]));
}

/* ---- methods of time.Time ---- */

/* A calendar or clock field, through the layout that prints it. */
static kz_value m_field(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    (void)argc;
    const char *layout = c->func->data;
    kz_buf text = KZ_BUF_INIT;
    kz_gotime_format(&argv[0], layout, strlen(layout), &text);
    int64_t n = strtoll(kz_buf_cstr(&text), NULL, 10);
    kz_buf_free(&text);
    return kz_go_int(n);
}

static int64_t nsec_of(const kz_value *t) {
    const kz_value *f = kz_map_getz(t, "nsec");
    return f ? kz_int_get(f) : 0;
}

static kz_value m_nanosecond(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    (void)c, (void)argc;
    return kz_go_int(nsec_of(&argv[0]));
}

/* Unix, UnixMilli, UnixMicro, UnixNano: int64 (the data is the divisor of a second). */
static kz_value m_unix(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    (void)argc;
    int64_t per_sec = (int64_t)(intptr_t)c->func->data;
    int64_t sec = kz_gotime_unix_sec(&argv[0]);
    return kz_go_int64(sec * per_sec + nsec_of(&argv[0]) / (1000000000 / per_sec));
}

/* AppendFormat(b []byte, layout string) []byte: b (nil: none) then Format. */
static kz_value m_append_format(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    (void)c, (void)argc;
    kz_buf text = KZ_BUF_INIT;
    if (kz_kind_of(&argv[1]) == KZ_STRING) kz_buf_append(&text, kz_str(&argv[1]), kz_str_len(&argv[1]));
    kz_gotime_format(&argv[0], kz_str(&argv[2]), kz_str_len(&argv[2]), &text);
    kz_value b = kz_with_gotype(kz_string_n(text.data ? text.data : "", text.len), KZ_GOTYPE_BYTES);
    kz_buf_free(&text);
    return b;
}

static kz_value m_format(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    (void)c, (void)argc;
    kz_buf text = KZ_BUF_INIT;
    kz_gotime_format(&argv[0], kz_str(&argv[1]), kz_str_len(&argv[1]), &text);
    kz_value s = kz_string_n(text.data ? text.data : "", text.len);
    kz_buf_free(&text);
    return s;
}

static kz_value m_in(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    (void)argc;
    return kz_gotime_in(&argv[0], c->func->data);
}

static kz_value m_time_string(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    (void)c, (void)argc;
    kz_buf text = KZ_BUF_INIT;
    kz_gotime_string(&argv[0], &text);
    kz_value s = kz_string_n(text.data ? text.data : "", text.len);
    kz_buf_free(&text);
    return s;
}

static kz_value m_is_zero(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    (void)c, (void)argc;
    kz_value zero = kz_gotime_zero();
    bool z = kz_gotime_unix_sec(&argv[0]) == kz_gotime_unix_sec(&zero) && nsec_of(&argv[0]) == 0;
    kz_free(zero);
    return kz_bool(z);
}

/* Month and Weekday: Go's named integers, printed by name. */
static kz_value m_month(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    (void)c, (void)argc;
    kz_gotime_civil cv;
    kz_gotime_civil_of(&argv[0], &cv);
    return kz_with_gotype(kz_int(cv.month), KZ_GOTYPE_MONTH);
}

static kz_value m_weekday(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    (void)c, (void)argc;
    kz_gotime_civil cv;
    kz_gotime_civil_of(&argv[0], &cv);
    return kz_with_gotype(kz_int(cv.wday), KZ_GOTYPE_WEEKDAY);
}

static kz_value m_add_date(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    (void)c, (void)argc;
    return kz_gotime_add_date(&argv[0], kz_int_get(&argv[1]), kz_int_get(&argv[2]), kz_int_get(&argv[3]));
}

static kz_value m_add(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    (void)c, (void)argc;
    return kz_gotime_add(&argv[0], kz_int_get(&argv[1]));
}

static kz_value duration(int64_t d) { return kz_with_gotype(kz_int(d), KZ_GOTYPE_DURATION); }

static kz_value m_sub(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    (void)c, (void)argc;
    return duration(kz_gotime_sub(&argv[0], &argv[1]));
}

/* Before, After, Equal (data "<", ">", "="), Compare (NULL). */
static kz_value m_compare(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    (void)argc;
    int r = kz_gotime_compare(&argv[0], &argv[1]);
    const char *op = c->func->data;
    if (!op) return kz_go_int(r);
    return kz_bool(op[0] == '<' ? r < 0 : op[0] == '>' ? r > 0 : r == 0);
}

/* Round (data non-NULL) and Truncate. */
static kz_value m_round(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    (void)argc;
    return kz_gotime_round(&argv[0], kz_int_get(&argv[1]), c->func->data != NULL);
}

static kz_value m_location(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    (void)c, (void)argc;
    return kz_gotime_location(&argv[0]);
}

static kz_value m_in_location(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    (void)c, (void)argc;
    if (kz_kind_of(&argv[1]) != KZ_MAP) return kz_error("time: missing Location in call to Time.In");
    return kz_gotime_in_location(&argv[0], &argv[1]);
}

static kz_value m_is_dst(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    (void)c, (void)argc;
    return kz_bool(kz_gotime_is_dst(&argv[0]));
}

static kz_value m_go_string(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    (void)c, (void)argc;
    kz_buf text = KZ_BUF_INIT;
    kz_gotime_go_string(&argv[0], &text);
    kz_value s = kz_string_n(text.data, text.len);
    kz_buf_free(&text);
    return s;
}

/* MarshalJSON (data non-NULL: quoted) and MarshalText: RFC 3339 as []byte,
 * or Go's error for a year outside 0..9999. */
static kz_value m_marshal(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    (void)argc;
    bool json = c->func->data != NULL;
    const char *err = kz_gotime_marshal_error(&argv[0]);
    if (err) { /* "Time.MarshalJSON: ..." */
        const char *rest = strchr(err, ':');
        return kz_error("Time.%s%s", json ? "MarshalJSON" : "MarshalText", rest ? rest : "");
    }
    kz_buf text = KZ_BUF_INIT;
    if (json) kz_buf_putc(&text, '"');
    kz_gotime_rfc3339nano(&argv[0], &text);
    if (json) kz_buf_putc(&text, '"');
    kz_value b = kz_with_gotype(kz_string_n(text.data, text.len), KZ_GOTYPE_BYTES);
    kz_buf_free(&text);
    return b;
}

static void put_be(kz_buf *b, uint64_t x, int bytes) {
    for (int i = bytes - 1; i >= 0; i--) kz_buf_putc(b, (char)(x >> (8 * i)));
}

/* MarshalBinary and GobEncode: Go's version 1 (2 for an offset with
 * seconds) encoding: seconds since year 1, nanoseconds, the offset in
 * minutes (-1 for UTC). */
static kz_value m_marshal_binary(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    (void)c, (void)argc;
    const kz_value *loc = kz_map_getz(&argv[0], "loc");
    const kz_value *offv = kz_map_getz(&argv[0], "offset");
    int64_t offset = offv ? kz_int_get(offv) : 0, minutes = -1;
    int version = 1;
    if (!loc || strcmp(kz_str(loc), "UTC") != 0) {
        if (offset % 60 != 0) version = 2;
        minutes = offset / 60;
        if (minutes < -32768 || minutes == -1 || minutes > 32767)
            return kz_error("Time.MarshalBinary: unexpected zone offset");
    }
    const kz_value *nsec = kz_map_getz(&argv[0], "nsec");
    kz_buf b = KZ_BUF_INIT;
    kz_buf_putc(&b, (char)version);
    put_be(&b, (uint64_t)kz_gotime_unix_sec(&argv[0]) + 62135596800ULL, 8); /* Unix to year 1, wrapping as Go */
    put_be(&b, (uint64_t)(nsec ? kz_int_get(nsec) : 0), 4);
    put_be(&b, (uint64_t)minutes, 2);
    if (version == 2) kz_buf_putc(&b, (char)(offset % 60));
    kz_value r = kz_with_gotype(kz_string_n(b.data, b.len), KZ_GOTYPE_BYTES);
    kz_buf_free(&b);
    return r;
}

/* Methods whose results a template can't take (Go's goodFunc), failing with
 * text/template's message. */
static void register_uncallable(kz_tmpl_funcs *t) {
    static const char *const bad[][2] = {
        {"Date", "function Date has 3 return values; should be 1 or 2"},
        {"Clock", "function Clock has 3 return values; should be 1 or 2"},
        {"Zone", "invalid function signature for Zone: second return value should be error; is int"},
        {"ISOWeek", "invalid function signature for ISOWeek: second return value should be error; is int"},
        {"ZoneBounds", "invalid function signature for ZoneBounds: second return value should be error; is time.Time"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        kz_tmpl_funcs_add_method(t, KZ_GOTYPE_TIME, bad[i][0], NULL, "", (void *)bad[i][1]);
}

/* ---- methods of time.Duration, time.Month and time.Weekday ---- */

/* Hours, Minutes, Seconds: float64 (the data is the unit in nanoseconds). */
static kz_value m_dur_float(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    (void)argc;
    return kz_float(kz_goduration_in(kz_int_get(&argv[0]), (int64_t)(intptr_t)c->func->data));
}

/* Milliseconds, Microseconds, Nanoseconds: int64 (the data is the unit). */
static kz_value m_dur_int(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    (void)argc;
    return kz_go_int64(kz_int_get(&argv[0]) / (int64_t)(intptr_t)c->func->data);
}

/* Round (data non-NULL), Truncate; Abs (no argument). */
static kz_value m_dur_round(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    int64_t d = kz_int_get(&argv[0]);
    if (argc == 1) return duration(kz_goduration_abs(d));
    int64_t m = kz_int_get(&argv[1]);
    return duration(c->func->data ? kz_goduration_round(d, m) : kz_goduration_truncate(d, m));
}

static void register_duration_methods(kz_tmpl_funcs *t) {
    const kz_gotype D = KZ_GOTYPE_DURATION;
    kz_tmpl_funcs_add_method(t, D, "String", kz_funcs_method_string, "", NULL);
    kz_tmpl_funcs_add_method(t, D, "Hours", m_dur_float, "", (void *)(intptr_t)3600000000000);
    kz_tmpl_funcs_add_method(t, D, "Minutes", m_dur_float, "", (void *)(intptr_t)60000000000);
    kz_tmpl_funcs_add_method(t, D, "Seconds", m_dur_float, "", (void *)(intptr_t)1000000000);
    kz_tmpl_funcs_add_method(t, D, "Milliseconds", m_dur_int, "", (void *)(intptr_t)1000000);
    kz_tmpl_funcs_add_method(t, D, "Microseconds", m_dur_int, "", (void *)(intptr_t)1000);
    kz_tmpl_funcs_add_method(t, D, "Nanoseconds", m_dur_int, "", (void *)(intptr_t)1);
    kz_tmpl_funcs_add_method(t, D, "Round", m_dur_round, "D", (void *)"round");
    kz_tmpl_funcs_add_method(t, D, "Truncate", m_dur_round, "D", NULL);
    kz_tmpl_funcs_add_method(t, D, "Abs", m_dur_round, "", NULL);
    kz_tmpl_funcs_add_method(t, KZ_GOTYPE_MONTH, "String", kz_funcs_method_string, "", NULL);
    kz_tmpl_funcs_add_method(t, KZ_GOTYPE_WEEKDAY, "String", kz_funcs_method_string, "", NULL);
    kz_tmpl_funcs_add_method(t, KZ_GOTYPE_LOCATION, "String", kz_funcs_method_string, "", NULL);
}

static void register_time_methods(kz_tmpl_funcs *t) {
    static const struct {
        const char *name, *layout;
    } fields[] = {{"Year", "2006"}, {"YearDay", "002"}, {"Day", "2"},
                  {"Hour", "15"},   {"Minute", "4"},    {"Second", "5"}};
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
        kz_tmpl_funcs_add_method(t, KZ_GOTYPE_TIME, fields[i].name, m_field, "", (void *)fields[i].layout);
    kz_tmpl_funcs_add_method(t, KZ_GOTYPE_TIME, "Nanosecond", m_nanosecond, "", NULL);
    kz_tmpl_funcs_add_method(t, KZ_GOTYPE_TIME, "Unix", m_unix, "", (void *)(intptr_t)1);
    kz_tmpl_funcs_add_method(t, KZ_GOTYPE_TIME, "UnixMilli", m_unix, "", (void *)(intptr_t)1000);
    kz_tmpl_funcs_add_method(t, KZ_GOTYPE_TIME, "UnixMicro", m_unix, "", (void *)(intptr_t)1000000);
    kz_tmpl_funcs_add_method(t, KZ_GOTYPE_TIME, "UnixNano", m_unix, "", (void *)(intptr_t)1000000000);
    kz_tmpl_funcs_add_method(t, KZ_GOTYPE_TIME, "Format", m_format, "s", NULL);
    kz_tmpl_funcs_add_method(t, KZ_GOTYPE_TIME, "AppendFormat", m_append_format, "Bs", NULL);
    kz_tmpl_funcs_add_method(t, KZ_GOTYPE_TIME, "UTC", m_in, "", (void *)"UTC");
    kz_tmpl_funcs_add_method(t, KZ_GOTYPE_TIME, "Local", m_in, "", (void *)"Local");
    kz_tmpl_funcs_add_method(t, KZ_GOTYPE_TIME, "String", m_time_string, "", NULL);
    kz_tmpl_funcs_add_method(t, KZ_GOTYPE_TIME, "IsZero", m_is_zero, "", NULL);
    kz_tmpl_funcs_add_method(t, KZ_GOTYPE_TIME, "Month", m_month, "", NULL);
    kz_tmpl_funcs_add_method(t, KZ_GOTYPE_TIME, "Weekday", m_weekday, "", NULL);
    kz_tmpl_funcs_add_method(t, KZ_GOTYPE_TIME, "AddDate", m_add_date, "iii", NULL);
    kz_tmpl_funcs_add_method(t, KZ_GOTYPE_TIME, "Add", m_add, "D", NULL);
    kz_tmpl_funcs_add_method(t, KZ_GOTYPE_TIME, "Sub", m_sub, "t", NULL);
    kz_tmpl_funcs_add_method(t, KZ_GOTYPE_TIME, "Before", m_compare, "t", (void *)"<");
    kz_tmpl_funcs_add_method(t, KZ_GOTYPE_TIME, "After", m_compare, "t", (void *)">");
    kz_tmpl_funcs_add_method(t, KZ_GOTYPE_TIME, "Equal", m_compare, "t", (void *)"=");
    kz_tmpl_funcs_add_method(t, KZ_GOTYPE_TIME, "Compare", m_compare, "t", NULL);
    kz_tmpl_funcs_add_method(t, KZ_GOTYPE_TIME, "Round", m_round, "D", (void *)"round");
    kz_tmpl_funcs_add_method(t, KZ_GOTYPE_TIME, "Truncate", m_round, "D", NULL);
    kz_tmpl_funcs_add_method(t, KZ_GOTYPE_TIME, "GoString", m_go_string, "", NULL);
    kz_tmpl_funcs_add_method(t, KZ_GOTYPE_TIME, "IsDST", m_is_dst, "", NULL);
    kz_tmpl_funcs_add_method(t, KZ_GOTYPE_TIME, "MarshalBinary", m_marshal_binary, "", NULL);
    kz_tmpl_funcs_add_method(t, KZ_GOTYPE_TIME, "GobEncode", m_marshal_binary, "", NULL);
    kz_tmpl_funcs_add_method(t, KZ_GOTYPE_TIME, "Location", m_location, "", NULL);
    kz_tmpl_funcs_add_method(t, KZ_GOTYPE_TIME, "In", m_in_location, "L", NULL);
    kz_tmpl_funcs_add_method(t, KZ_GOTYPE_TIME, "MarshalJSON", m_marshal, "", (void *)"json");
    kz_tmpl_funcs_add_method(t, KZ_GOTYPE_TIME, "MarshalText", m_marshal, "", NULL);
    register_uncallable(t);
    register_duration_methods(t);
}

void kz_funcs_register_dates(kz_tmpl_funcs *t) {
    register_time_methods(t);
    kz_tmpl_funcs_add_typed(t, "now", fn_now, "", NULL);
    kz_tmpl_funcs_add_typed(t, "date", fn_date, "sv", NULL);
    kz_tmpl_funcs_add_typed(t, "dateInZone", fn_date_in_zone, "svs", NULL);
    kz_tmpl_funcs_add_typed(t, "date_in_zone", fn_date_in_zone, "svs", NULL);
    kz_tmpl_funcs_add_typed(t, "htmlDate", fn_html_date, "v", NULL);
    kz_tmpl_funcs_add_typed(t, "htmlDateInZone", fn_html_date_in_zone, "vs", NULL);
    kz_tmpl_funcs_add_typed(t, "dateModify", fn_date_modify, "st", NULL);
    kz_tmpl_funcs_add_typed(t, "date_modify", fn_date_modify, "st", NULL);
    kz_tmpl_funcs_add_typed(t, "mustDateModify", fn_must_date_modify, "st", NULL);
    kz_tmpl_funcs_add_typed(t, "must_date_modify", fn_must_date_modify, "st", NULL);
    kz_tmpl_funcs_add_typed(t, "toDate", fn_to_date, "ss", NULL);
    kz_tmpl_funcs_add_typed(t, "mustToDate", fn_must_to_date, "ss", NULL);
    kz_tmpl_funcs_add_typed(t, "duration", fn_duration, "v", NULL);
    kz_tmpl_funcs_add_typed(t, "durationRound", fn_duration_round, "v", NULL);
    kz_tmpl_funcs_add_typed(t, "ago", fn_ago, "v", NULL);
    kz_tmpl_funcs_add_typed(t, "unixEpoch", fn_unix_epoch, "t", NULL);
}
