/* Go's time.Time values (see gotime.h). */
#include "core/gotime.h"

#include <inttypes.h>
#include <stdio.h>
#include <time.h>

kz_value kz_gotime_make(int64_t sec, int32_t nsec, int32_t offset, const char *zone, const char *loc) {
    kz_value t = kz_map_sized(5);
    kz_map_setz(&t, "sec", kz_int(sec));
    kz_map_setz(&t, "nsec", kz_int(nsec));
    kz_map_setz(&t, "offset", kz_int(offset));
    kz_map_setz(&t, "zone", kz_string(zone));
    kz_map_setz(&t, "loc", kz_string(loc));
    return kz_with_gotype(t, KZ_GOTYPE_TIME);
}

bool kz_gotime_is(const kz_value *v) { return kz_kind_of(v) == KZ_MAP && kz_gotype_of(v) == KZ_GOTYPE_TIME; }

static int64_t field(const kz_value *t, const char *name) {
    const kz_value *f = kz_map_getz(t, name);
    return f ? kz_int_get(f) : 0;
}

/* Civil date and clock of the instant in the time's own zone. */
static void civil(const kz_value *t, struct tm *tm) {
    time_t local = (time_t)(field(t, "sec") + field(t, "offset"));
    gmtime_r(&local, tm);
}

static void put_clock(const kz_value *t, kz_buf *out, char sep) {
    struct tm tm;
    civil(t, &tm);
    kz_buf_printf(out, "%04d-%02d-%02d%c%02d:%02d:%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, sep,
                  tm.tm_hour, tm.tm_min, tm.tm_sec);
    int64_t ns = field(t, "nsec");
    if (ns) {
        char digits[16];
        snprintf(digits, sizeof digits, "%09" PRId64, ns);
        size_t n = 9;
        while (n > 0 && digits[n - 1] == '0') n--;
        kz_buf_putc(out, '.');
        kz_buf_append(out, digits, n);
    }
}

static void put_offset(kz_buf *out, int64_t off, bool colon) {
    char sign = off < 0 ? '-' : '+';
    if (off < 0) off = -off;
    kz_buf_printf(out, colon ? "%c%02d:%02d" : "%c%02d%02d", sign, (int)(off / 3600), (int)(off / 60 % 60));
}

void kz_gotime_string(const kz_value *t, kz_buf *out) {
    put_clock(t, out, ' ');
    kz_buf_putc(out, ' ');
    put_offset(out, field(t, "offset"), false);
    kz_buf_putc(out, ' ');
    const kz_value *zone = kz_map_getz(t, "zone");
    if (zone && kz_str_len(zone)) kz_buf_append(out, kz_str(zone), kz_str_len(zone));
    else put_offset(out, field(t, "offset"), false);
}

void kz_gotime_rfc3339nano(const kz_value *t, kz_buf *out) {
    put_clock(t, out, 'T');
    int64_t off = field(t, "offset");
    if (off == 0) kz_buf_putc(out, 'Z');
    else put_offset(out, off, true);
}
