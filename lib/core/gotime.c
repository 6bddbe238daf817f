/* Go's time.Time values, locations, layouts and durations (see gotime.h). */
#include "core/gotime.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/alloc.h"

#define SEC_PER_DAY 86400
#define ZERO_SEC (-62135596800LL) /* Unix seconds of 0001-01-01T00:00:00Z */
#define ALPHA INT64_MIN
#define OMEGA INT64_MAX

/* ------------------------------------------------------------------ */
/* calendar                                                           */

static int64_t floor_div(int64_t a, int64_t b) {
    int64_t q = a / b;
    if ((a % b != 0) && ((a < 0) != (b < 0))) q--;
    return q;
}

/* int64 arithmetic that wraps as Go's does (no UB at the extremes). */
static int64_t wadd(int64_t a, int64_t b) { return (int64_t)((uint64_t)a + (uint64_t)b); }
static int64_t wmul(int64_t a, int64_t b) { return (int64_t)((uint64_t)a * (uint64_t)b); }

static bool is_leap(int64_t y) { return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0); }

static const int days_before[13] = {0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365};

static int days_in(int m, int64_t y) {
    if (m == 2 && is_leap(y)) return 29;
    return days_before[m] - days_before[m - 1];
}

/* Days since 1970-01-01 of a proleptic Gregorian date. */
static int64_t days_from_civil(int64_t y, int m, int d) {
    y -= m <= 2;
    int64_t era = floor_div(y, 400);
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, int *m, int *d) {
    z += 719468;
    int64_t era = floor_div(z, 146097);
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*m <= 2);
}

typedef struct civil {
    int64_t year;
    int month, day, hour, min, sec, yday, wday; /* yday 1-based, wday 0 = Sunday */
} civil;

/* Go computes calendars from an unsigned count of seconds since its absolute
 * epoch: Unix seconds below -GO_UNIX_TO_ABS wrap around to the far future. */
#define GO_UNIX_TO_ABS 9223372028683721448LL

static void civil_of(__int128 local, civil *c) {
    if (local < -(__int128)GO_UNIX_TO_ABS) local += (__int128)1 << 64;
    __int128 days128 = local / SEC_PER_DAY;
    int64_t rem = (int64_t)(local % SEC_PER_DAY);
    if (rem < 0) {
        rem += SEC_PER_DAY;
        days128--;
    }
    int64_t days = (int64_t)days128;
    civil_from_days(days, &c->year, &c->month, &c->day);
    c->hour = (int)(rem / 3600);
    c->min = (int)(rem / 60 % 60);
    c->sec = (int)(rem % 60);
    c->yday = days_before[c->month - 1] + c->day + (c->month > 2 && is_leap(c->year));
    int64_t w = (days + 4) % 7;
    c->wday = (int)(w < 0 ? w + 7 : w);
}

/* ------------------------------------------------------------------ */
/* locations                                                          */

typedef struct gz_zone {
    int32_t off;
    bool dst;
    char *name;
} gz_zone;

typedef struct gz_tx {
    int64_t when;
    uint8_t idx;
} gz_tx;

typedef struct goloc {
    char *name;
    bool ok; /* loaded (false: LoadLocation failed) */
    gz_zone *zones;
    size_t nzones;
    gz_tx *tx;
    size_t ntx;
    char *extend;
    struct goloc *next;
} goloc;

static pthread_mutex_t loc_lock = PTHREAD_MUTEX_INITIALIZER;
static goloc *loc_cache;
static goloc utc_loc = {.name = "UTC", .ok = true};
static goloc *local_loc;

static uint32_t be32(const unsigned char *p) {
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}
static int64_t be64(const unsigned char *p) { return (int64_t)((uint64_t)be32(p) << 32 | be32(p + 4)); }

/* Go's LoadLocationFromTZData. */
static bool tzif_parse(goloc *l, const unsigned char *d, size_t n) {
    if (n < 44 || memcmp(d, "TZif", 4) != 0) return false;
    int version = d[4] == 0 ? 1 : d[4] - '0';
    if (version < 1 || version > 9) return false;
    const unsigned char *p = d;
    size_t left = n;
    size_t cnt[6];
    int tsize = 4;
    for (int pass = 0; pass < 2; pass++) {
        if (left < 44 || memcmp(p, "TZif", 4) != 0) return false;
        for (int i = 0; i < 6; i++) cnt[i] = be32(p + 20 + 4 * (size_t)i);
        p += 44;
        left -= 44;
        /* isutcnt isstdcnt leapcnt timecnt typecnt charcnt */
        size_t body = cnt[3] * (size_t)tsize + cnt[3] + cnt[4] * 6 + cnt[5] + cnt[2] * (size_t)(tsize + 4) +
                      cnt[1] + cnt[0];
        if (body > left) return false;
        if (pass == 0 && version >= 2) {
            p += body;
            left -= body;
            tsize = 8;
            continue;
        }
        break;
    }
    size_t timecnt = cnt[3], typecnt = cnt[4], charcnt = cnt[5];
    if (typecnt == 0) return false;
    const unsigned char *times = p;
    const unsigned char *idx = times + timecnt * (size_t)tsize;
    const unsigned char *types = idx + timecnt;
    const unsigned char *chars = types + typecnt * 6;
    size_t body = timecnt * (size_t)tsize + timecnt + typecnt * 6 + charcnt + cnt[2] * (size_t)(tsize + 4) +
                  cnt[1] + cnt[0];
    l->zones = kz_xcalloc(typecnt, sizeof *l->zones);
    l->nzones = typecnt;
    for (size_t i = 0; i < typecnt; i++) {
        const unsigned char *t = types + 6 * i;
        l->zones[i].off = (int32_t)be32(t);
        l->zones[i].dst = t[4] != 0;
        size_t ai = t[5];
        if (ai >= charcnt) return false;
        size_t e = ai;
        while (e < charcnt && chars[e]) e++;
        l->zones[i].name = kz_xmalloc(e - ai + 1);
        memcpy(l->zones[i].name, chars + ai, e - ai);
        l->zones[i].name[e - ai] = '\0';
    }
    l->ntx = timecnt ? timecnt : 1;
    l->tx = kz_xcalloc(l->ntx, sizeof *l->tx);
    if (timecnt == 0) l->tx[0] = (gz_tx){ALPHA, 0};
    for (size_t i = 0; i < timecnt; i++) {
        l->tx[i].when = tsize == 8 ? be64(times + 8 * i) : (int64_t)(int32_t)be32(times + 4 * i);
        if (idx[i] >= typecnt) return false;
        l->tx[i].idx = idx[i];
    }
    if (version >= 2) {
        const unsigned char *f = p + body;
        size_t fl = n - (size_t)(f - d);
        if (fl > 2 && f[0] == '\n') {
            const unsigned char *end = memchr(f + 1, '\n', fl - 1);
            if (end && end > f + 1) {
                size_t len = (size_t)(end - f - 1);
                l->extend = kz_xmalloc(len + 1);
                memcpy(l->extend, f + 1, len);
                l->extend[len] = '\0';
            }
        }
    }
    return true;
}

static void loc_clear(goloc *l) {
    for (size_t i = 0; i < l->nzones; i++) free(l->zones[i].name);
    free(l->zones);
    free(l->tx);
    free(l->extend);
    l->zones = NULL;
    l->tx = NULL;
    l->extend = NULL;
    l->nzones = l->ntx = 0;
}

static bool load_file(goloc *l, const char *path) {
    FILE *f = fopen(path, "rb");
    if (!f) return false;
    unsigned char *data = NULL;
    size_t len = 0, cap = 0;
    for (;;) {
        if (len == cap) {
            cap = cap ? cap * 2 : 4096;
            if (cap > (1u << 24)) break;
            data = kz_xrealloc(data, cap);
        }
        size_t r = fread(data + len, 1, cap - len, f);
        if (r == 0) break;
        len += r;
    }
    bool err = ferror(f);
    fclose(f);
    bool ok = !err && tzif_parse(l, data, len);
    free(data);
    if (!ok) loc_clear(l);
    return ok;
}

static const char *const zone_dirs[] = {"/usr/share/zoneinfo/", "/usr/share/lib/zoneinfo/", "/usr/lib/locale/TZ/",
                                        "/etc/zoneinfo/"};

static bool load_named(goloc *l, const char *name) {
    for (size_t i = 0; i < sizeof zone_dirs / sizeof zone_dirs[0]; i++) {
        size_t n = strlen(zone_dirs[i]) + strlen(name) + 1;
        char *path = kz_xmalloc(n);
        snprintf(path, n, "%s%s", zone_dirs[i], name);
        bool ok = load_file(l, path);
        free(path);
        if (ok) return true;
    }
    return false;
}

/* Go's initLocal. Caller holds loc_lock. The name is what Go's Local.String()
 * gives: "Local" for /etc/localtime, the TZ value for another zone, "UTC"
 * when none loads. */
static goloc *init_local(void) {
    goloc *l = kz_xcalloc(1, sizeof *l);
    const char *tz = getenv("TZ"), *name = "UTC";
    if (!tz) {
        if (load_file(l, "/etc/localtime")) name = "Local";
    } else if (*tz) {
        if (*tz == ':') tz++;
        if (*tz == '/') {
            if (load_file(l, tz)) name = strcmp(tz, "/etc/localtime") == 0 ? "Local" : tz;
        } else if (*tz && strcmp(tz, "UTC") != 0) {
            if (load_named(l, tz)) name = tz;
        }
    }
    l->name = kz_xstrdup(name);
    l->ok = true; /* on failure: UTC (no zones) */
    return l;
}

static goloc *get_local(void) {
    pthread_mutex_lock(&loc_lock);
    if (!local_loc) local_loc = init_local();
    goloc *l = local_loc;
    pthread_mutex_unlock(&loc_lock);
    return l;
}

static bool contains_dotdot(const char *s) {
    for (; *s; s++) {
        if (s[0] == '.' && s[1] == '.') return true;
    }
    return false;
}

/* Go's LoadLocation: the location, or NULL. */
static goloc *load_location(const char *name) {
    if (!*name || strcmp(name, "UTC") == 0) return &utc_loc;
    if (strcmp(name, "Local") == 0) return get_local();
    if (contains_dotdot(name) || name[0] == '/' || name[0] == '\\') return NULL;
    pthread_mutex_lock(&loc_lock);
    goloc *l = loc_cache;
    while (l && strcmp(l->name, name) != 0) l = l->next;
    if (!l) {
        l = kz_xcalloc(1, sizeof *l);
        l->name = kz_xstrdup(name);
        l->ok = load_named(l, name);
        if (l->ok) {
            l->next = loc_cache;
            loc_cache = l;
        } else { /* not cached: names from templates are unbounded */
            free(l->name);
            free(l);
            l = NULL;
        }
    }
    pthread_mutex_unlock(&loc_lock);
    return l;
}

/* ---- POSIX TZ rules (the TZif footer), as Go's tzset ---- */

typedef struct tzrule {
    int kind; /* 0 Julian (Jn), 1 day of year (n), 2 month-week-day (Mm.w.d) */
    int day, week, mon, time;
} tzrule;

static bool tzset_name(const char **s, const char **name, size_t *len) {
    const char *p = *s;
    if (!*p) return false;
    if (*p != '<') {
        size_t i = 0;
        for (; p[i]; i++) {
            char c = p[i];
            if ((c >= '0' && c <= '9') || c == ',' || c == '-' || c == '+') break;
        }
        if (i < 3) return false;
        *name = p;
        *len = i;
        *s = p + i;
        return true;
    }
    const char *e = strchr(p, '>');
    if (!e) return false;
    *name = p + 1;
    *len = (size_t)(e - p - 1);
    *s = e + 1;
    return true;
}

static bool tzset_num(const char **s, int min, int max, int *out) {
    const char *p = *s;
    if (!*p) return false;
    int num = 0;
    size_t i = 0;
    for (; p[i]; i++) {
        if (p[i] < '0' || p[i] > '9') {
            if (i == 0 || num < min) return false;
            break;
        }
        num = num * 10 + (p[i] - '0');
        if (num > max) return false;
    }
    if (num < min) return false;
    *out = num;
    *s = p + i;
    return true;
}

static bool tzset_offset(const char **s, int *out) {
    const char *p = *s;
    if (!*p) return false;
    bool neg = false;
    if (*p == '+') p++;
    else if (*p == '-') p++, neg = true;
    int h, m, sec;
    if (!tzset_num(&p, 0, 24 * 7, &h)) return false;
    int off = h * 3600;
    if (*p == ':') {
        p++;
        if (!tzset_num(&p, 0, 59, &m)) return false;
        off += m * 60;
        if (*p == ':') {
            p++;
            if (!tzset_num(&p, 0, 59, &sec)) return false;
            off += sec;
        }
    }
    *out = neg ? -off : off;
    *s = p;
    return true;
}

static bool tzset_rule(const char **s, tzrule *r) {
    const char *p = *s;
    memset(r, 0, sizeof *r);
    if (!*p) return false;
    if (*p == 'J') {
        p++;
        if (!tzset_num(&p, 1, 365, &r->day)) return false;
        r->kind = 0;
    } else if (*p == 'M') {
        p++;
        if (!tzset_num(&p, 1, 12, &r->mon) || *p != '.') return false;
        p++;
        if (!tzset_num(&p, 1, 5, &r->week) || *p != '.') return false;
        p++;
        if (!tzset_num(&p, 0, 6, &r->day)) return false;
        r->kind = 2;
    } else {
        if (!tzset_num(&p, 0, 365, &r->day)) return false;
        r->kind = 1;
    }
    if (*p != '/') {
        r->time = 7200;
    } else {
        p++;
        if (!tzset_offset(&p, &r->time)) return false;
    }
    *s = p;
    return true;
}

static int64_t tzrule_time(int64_t year, const tzrule *r, int off) {
    int64_t s = 0;
    switch (r->kind) {
    case 0:
        s = (int64_t)(r->day - 1) * SEC_PER_DAY;
        if (is_leap(year) && r->day >= 60) s += SEC_PER_DAY;
        break;
    case 1: s = (int64_t)r->day * SEC_PER_DAY; break;
    default: {
        int64_t m1 = (r->mon + 9) % 12 + 1;
        int64_t yy0 = year;
        if (r->mon <= 2) yy0--;
        int64_t yy1 = yy0 / 100, yy2 = yy0 % 100;
        int64_t dow = ((26 * m1 - 2) / 10 + 1 + yy2 + yy2 / 4 + yy1 / 4 - 2 * yy1) % 7;
        if (dow < 0) dow += 7;
        int64_t d = r->day - dow;
        if (d < 0) d += 7;
        for (int i = 1; i < r->week; i++) {
            if (d + 7 >= days_in(r->mon, year)) break;
            d += 7;
        }
        d += days_before[r->mon - 1];
        if (is_leap(year) && r->mon > 2) d++;
        s = d * SEC_PER_DAY;
    }
    }
    return s + r->time - off;
}

typedef struct zinfo {
    const char *name;
    size_t name_len;
    int32_t off;
    int64_t start, end;
    bool dst; /* daylight saving time (IsDST) */
} zinfo;

static bool posix_tz(const char *s, int64_t last_tx, int64_t sec, zinfo *z) {
    const char *std_name, *dst_name;
    size_t std_len, dst_len;
    int std_off, dst_off;
    if (!tzset_name(&s, &std_name, &std_len) || !tzset_offset(&s, &std_off)) return false;
    std_off = -std_off;
    if (!*s || *s == ',') {
        *z = (zinfo){std_name, std_len, std_off, last_tx, OMEGA, false};
        return true;
    }
    if (!tzset_name(&s, &dst_name, &dst_len)) return false;
    if (!*s || *s == ',') {
        dst_off = std_off + 3600;
    } else {
        if (!tzset_offset(&s, &dst_off)) return false;
        dst_off = -dst_off;
    }
    if (!*s) s = ",M3.2.0,M11.1.0";
    if (*s != ',' && *s != ';') return false;
    s++;
    tzrule start_rule, end_rule;
    if (!tzset_rule(&s, &start_rule) || *s != ',') return false;
    s++;
    if (!tzset_rule(&s, &end_rule) || *s) return false;
    bool std_is_dst = false, dst_is_dst = true; /* swapped below with the zones */

    int64_t days = floor_div(sec, SEC_PER_DAY);
    int64_t year;
    int mon, mday;
    civil_from_days(days, &year, &mon, &mday);
    int64_t yday = days_before[mon - 1] + mday - 1 + (mon > 2 && is_leap(year));
    int64_t ysec = yday * SEC_PER_DAY + sec % SEC_PER_DAY;
    int64_t abs = wmul(days_from_civil(year, 1, 1), SEC_PER_DAY);
    int64_t start_sec = tzrule_time(year, &start_rule, std_off);
    int64_t end_sec = tzrule_time(year, &end_rule, dst_off);
    if (end_sec < start_sec) {
        int64_t t = start_sec;
        start_sec = end_sec;
        end_sec = t;
        const char *tn = std_name;
        std_name = dst_name;
        dst_name = tn;
        std_is_dst = true, dst_is_dst = false;
        size_t tl = std_len;
        std_len = dst_len;
        dst_len = tl;
        int to = std_off;
        std_off = dst_off;
        dst_off = to;
    }
    if (ysec < start_sec) *z = (zinfo){std_name, std_len, std_off, abs, wadd(start_sec, abs), std_is_dst};
    else if (ysec >= end_sec)
        *z = (zinfo){std_name, std_len, std_off, wadd(end_sec, abs), wadd(abs, 365 * SEC_PER_DAY), std_is_dst};
    else *z = (zinfo){dst_name, dst_len, dst_off, wadd(start_sec, abs), wadd(end_sec, abs), dst_is_dst};
    return true;
}

static bool first_zone_used(const goloc *l) {
    for (size_t i = 0; i < l->ntx; i++) {
        if (l->tx[i].idx == 0) return true;
    }
    return false;
}

static size_t lookup_first_zone(const goloc *l) {
    if (!first_zone_used(l)) return 0;
    if (l->ntx > 0 && l->zones[l->tx[0].idx].dst) {
        for (int zi = (int)l->tx[0].idx - 1; zi >= 0; zi--) {
            if (!l->zones[zi].dst) return (size_t)zi;
        }
    }
    for (size_t zi = 0; zi < l->nzones; zi++) {
        if (!l->zones[zi].dst) return zi;
    }
    return 0;
}

static void set_zone(zinfo *z, const gz_zone *zone, int64_t start, int64_t end) {
    *z = (zinfo){zone->name, strlen(zone->name), zone->off, start, end, zone->dst};
}

/* Go's Location.lookup. */
static void loc_lookup(const goloc *l, int64_t sec, zinfo *z) {
    if (l->nzones == 0) {
        *z = (zinfo){"UTC", 3, 0, ALPHA, OMEGA, false};
        return;
    }
    if (l->ntx == 0 || sec < l->tx[0].when) {
        set_zone(z, &l->zones[lookup_first_zone(l)], ALPHA, l->ntx > 0 ? l->tx[0].when : OMEGA);
        return;
    }
    int64_t end = OMEGA;
    size_t lo = 0, hi = l->ntx;
    while (hi - lo > 1) {
        size_t m = (lo + hi) / 2;
        if (sec < l->tx[m].when) {
            end = l->tx[m].when;
            hi = m;
        } else {
            lo = m;
        }
    }
    set_zone(z, &l->zones[l->tx[lo].idx], l->tx[lo].when, end);
    if (lo == l->ntx - 1 && l->extend) {
        zinfo e;
        if (posix_tz(l->extend, z->start, sec, &e)) *z = e;
    }
}

/* ------------------------------------------------------------------ */
/* time values                                                        */

static int64_t field(const kz_value *t, const char *name) {
    const kz_value *f = kz_map_getz(t, name);
    return f ? kz_int_get(f) : 0;
}

static kz_value make_n(int64_t sec, int32_t nsec, int32_t offset, const char *zone, size_t zone_len,
                       const char *loc) {
    kz_value t = kz_map_sized(6);
    kz_map_setz(&t, "sec", kz_int(sec));
    kz_map_setz(&t, "nsec", kz_int(nsec));
    kz_map_setz(&t, "offset", kz_int(offset));
    kz_map_setz(&t, "zone", kz_string_n(zone, zone_len));
    kz_map_setz(&t, "loc", kz_string(loc));
    return kz_with_gotype(t, KZ_GOTYPE_TIME);
}

kz_value kz_gotime_make(int64_t sec, int32_t nsec, int32_t offset, const char *zone, const char *loc) {
    return make_n(sec, nsec, offset, zone, strlen(zone), loc);
}

bool kz_gotime_is(const kz_value *v) { return kz_kind_of(v) == KZ_MAP && kz_gotype_of(v) == KZ_GOTYPE_TIME; }

/* A time at sec/nsec in location l (named `name`). */
static kz_value in_loc(int64_t sec, int32_t nsec, const goloc *l, const char *name) {
    zinfo z;
    loc_lookup(l, sec, &z);
    return make_n(sec, nsec, z.off, z.name, z.name_len, name);
}

kz_value kz_gotime_zero(void) { return kz_gotime_make(ZERO_SEC, 0, 0, "UTC", "UTC"); }

static pthread_mutex_t mono_lock = PTHREAD_MUTEX_INITIALIZER;
static int64_t mono_start;
static bool mono_started;

kz_value kz_gotime_now(void) {
    struct timespec rt, mt;
    clock_gettime(CLOCK_MONOTONIC, &mt);
    clock_gettime(CLOCK_REALTIME, &rt);
    int64_t mono = (int64_t)mt.tv_sec * 1000000000 + mt.tv_nsec;
    pthread_mutex_lock(&mono_lock);
    if (!mono_started) {
        mono_start = mono - 1;
        mono_started = true;
    }
    int64_t m = mono - mono_start;
    pthread_mutex_unlock(&mono_lock);
    kz_value t = in_loc((int64_t)rt.tv_sec, (int32_t)rt.tv_nsec, get_local(), "Local");
    kz_map_setz(&t, "mono", kz_int(m));
    return t;
}

kz_value kz_gotime_unix(int64_t sec, int64_t nsec) {
    if (nsec < 0 || nsec >= 1000000000) {
        int64_t n = nsec / 1000000000;
        sec += n;
        nsec -= n * 1000000000;
        if (nsec < 0) {
            nsec += 1000000000;
            sec--;
        }
    }
    return in_loc(sec, (int32_t)nsec, get_local(), "Local");
}

int64_t kz_gotime_unix_sec(const kz_value *t) { return field(t, "sec"); }

bool kz_gotime_location_exists(const char *name) { return load_location(name) != NULL; }

kz_value kz_gotime_in(const kz_value *t, const char *loc) {
    goloc *l = load_location(loc);
    if (!l) l = &utc_loc, loc = "UTC";
    if (l == &utc_loc) loc = "UTC";
    return in_loc(field(t, "sec"), (int32_t)field(t, "nsec"), l, loc);
}

kz_value kz_gotime_add(const kz_value *t, int64_t d) {
    int64_t dsec = d / 1000000000;
    int64_t nsec = field(t, "nsec") + d % 1000000000;
    if (nsec >= 1000000000) {
        dsec++;
        nsec -= 1000000000;
    } else if (nsec < 0) {
        dsec--;
        nsec += 1000000000;
    }
    int64_t sec = field(t, "sec"), nsum;
    if (__builtin_add_overflow(sec, dsec, &nsum)) nsum = dsec > 0 ? INT64_MAX : INT64_MIN;
    const kz_value *locv = kz_map_getz(t, "loc");
    const char *loc = locv ? kz_str(locv) : "UTC";
    kz_value r;
    goloc *l = *loc ? load_location(loc) : NULL;
    if (l) {
        r = in_loc(nsum, (int32_t)nsec, l, loc);
    } else {
        const kz_value *zone = kz_map_getz(t, "zone");
        r = make_n(nsum, (int32_t)nsec, (int32_t)field(t, "offset"), zone ? kz_str(zone) : "",
                   zone ? kz_str_len(zone) : 0, loc);
    }
    const kz_value *mono = kz_map_getz(t, "mono");
    if (mono) {
        int64_t m = kz_int_get(mono), te;
        if (!__builtin_add_overflow(m, d, &te)) kz_map_setz(&r, "mono", kz_int(te));
    }
    return r;
}

/* Go's internal seconds (since year 1), wrapping as Go's int64 addition does. */
static int64_t internal_sec(int64_t unix_sec) { return (int64_t)((uint64_t)unix_sec + 62135596800ULL); }

int64_t kz_gotime_since(const kz_value *t) {
    kz_value now = kz_gotime_now();
    int64_t d;
    const kz_value *mono = kz_map_getz(t, "mono");
    if (mono) {
        d = field(&now, "mono") - kz_int_get(mono);
    } else {
        /* Go's Sub: the difference, or the saturated value when it overflows */
        int64_t a = internal_sec(field(&now, "sec")), b = internal_sec(field(t, "sec"));
        int64_t an = field(&now, "nsec"), bn = field(t, "nsec");
        __int128 x = ((__int128)a - b) * 1000000000 + (an - bn);
        if (x >= INT64_MIN && x <= INT64_MAX) d = (int64_t)x;
        else d = (a < b || (a == b && an < bn)) ? INT64_MIN : INT64_MAX;
    }
    kz_free(now);
    return d;
}

/* ------------------------------------------------------------------ */
/* layouts                                                            */

enum {
    STD_NONE = 0,
    STD_LONG_MONTH,
    STD_MONTH,
    STD_NUM_MONTH,
    STD_ZERO_MONTH,
    STD_LONG_WEEKDAY,
    STD_WEEKDAY,
    STD_DAY,
    STD_UNDER_DAY,
    STD_ZERO_DAY,
    STD_UNDER_YEARDAY,
    STD_ZERO_YEARDAY,
    STD_HOUR,
    STD_HOUR12,
    STD_ZERO_HOUR12,
    STD_MINUTE,
    STD_ZERO_MINUTE,
    STD_SECOND,
    STD_ZERO_SECOND,
    STD_LONG_YEAR,
    STD_YEAR,
    STD_PM,
    STD_pm,
    STD_TZ,
    STD_ISO8601_TZ,
    STD_ISO8601_SECONDS_TZ,
    STD_ISO8601_SHORT_TZ,
    STD_ISO8601_COLON_TZ,
    STD_ISO8601_COLON_SECONDS_TZ,
    STD_NUM_TZ,
    STD_NUM_SECONDS_TZ,
    STD_NUM_SHORT_TZ,
    STD_NUM_COLON_TZ,
    STD_NUM_COLON_SECONDS_TZ,
    STD_FRAC0,
    STD_FRAC9,
};

typedef struct chunk {
    size_t prefix;  /* bytes of literal text before the element */
    int std;        /* STD_NONE: no element (the whole rest is literal) */
    size_t len;     /* bytes of the element */
    int digits;     /* fractional seconds: number of digits */
    char sep;       /* fractional seconds: '.' or ',' */
} chunk;

static bool starts_lower(const char *s, size_t n) { return n > 0 && s[0] >= 'a' && s[0] <= 'z'; }
static bool has(const char *s, size_t n, size_t i, const char *lit) {
    size_t l = strlen(lit);
    return n >= i + l && memcmp(s + i, lit, l) == 0;
}
static bool digit_at(const char *s, size_t n, size_t i) { return i < n && s[i] >= '0' && s[i] <= '9'; }

/* Go's nextStdChunk. */
static chunk next_chunk(const char *s, size_t n) {
    for (size_t i = 0; i < n; i++) {
#define RET(code, l) return (chunk){i, code, l, 0, 0}
        switch (s[i]) {
        case 'J':
            if (has(s, n, i, "Jan")) {
                if (has(s, n, i, "January")) RET(STD_LONG_MONTH, 7);
                if (!starts_lower(s + i + 3, n - i - 3)) RET(STD_MONTH, 3);
            }
            break;
        case 'M':
            if (n >= i + 3) {
                if (has(s, n, i, "Mon")) {
                    if (has(s, n, i, "Monday")) RET(STD_LONG_WEEKDAY, 6);
                    if (!starts_lower(s + i + 3, n - i - 3)) RET(STD_WEEKDAY, 3);
                }
                if (has(s, n, i, "MST")) RET(STD_TZ, 3);
            }
            break;
        case '0':
            if (n >= i + 2 && s[i + 1] >= '1' && s[i + 1] <= '6') {
                static const int std0x[] = {STD_ZERO_MONTH, STD_ZERO_DAY, STD_ZERO_HOUR12,
                                            STD_ZERO_MINUTE, STD_ZERO_SECOND, STD_YEAR};
                RET(std0x[s[i + 1] - '1'], 2);
            }
            if (n >= i + 3 && s[i + 1] == '0' && s[i + 2] == '2') RET(STD_ZERO_YEARDAY, 3);
            break;
        case '1':
            if (n >= i + 2 && s[i + 1] == '5') RET(STD_HOUR, 2);
            RET(STD_NUM_MONTH, 1);
        case '2':
            if (has(s, n, i, "2006")) RET(STD_LONG_YEAR, 4);
            RET(STD_DAY, 1);
        case '_':
            if (n >= i + 2 && s[i + 1] == '2') {
                if (has(s, n, i + 1, "2006")) return (chunk){i + 1, STD_LONG_YEAR, 4, 0, 0};
                RET(STD_UNDER_DAY, 2);
            }
            if (n >= i + 3 && s[i + 1] == '_' && s[i + 2] == '2') RET(STD_UNDER_YEARDAY, 3);
            break;
        case '3': RET(STD_HOUR12, 1);
        case '4': RET(STD_MINUTE, 1);
        case '5': RET(STD_SECOND, 1);
        case 'P':
            if (n >= i + 2 && s[i + 1] == 'M') RET(STD_PM, 2);
            break;
        case 'p':
            if (n >= i + 2 && s[i + 1] == 'm') RET(STD_pm, 2);
            break;
        case '-':
            if (has(s, n, i, "-070000")) RET(STD_NUM_SECONDS_TZ, 7);
            if (has(s, n, i, "-07:00:00")) RET(STD_NUM_COLON_SECONDS_TZ, 9);
            if (has(s, n, i, "-0700")) RET(STD_NUM_TZ, 5);
            if (has(s, n, i, "-07:00")) RET(STD_NUM_COLON_TZ, 6);
            if (has(s, n, i, "-07")) RET(STD_NUM_SHORT_TZ, 3);
            break;
        case 'Z':
            if (has(s, n, i, "Z070000")) RET(STD_ISO8601_SECONDS_TZ, 7);
            if (has(s, n, i, "Z07:00:00")) RET(STD_ISO8601_COLON_SECONDS_TZ, 9);
            if (has(s, n, i, "Z0700")) RET(STD_ISO8601_TZ, 5);
            if (has(s, n, i, "Z07:00")) RET(STD_ISO8601_COLON_TZ, 6);
            if (has(s, n, i, "Z07")) RET(STD_ISO8601_SHORT_TZ, 3);
            break;
        case '.':
        case ',':
            if (i + 1 < n && (s[i + 1] == '0' || s[i + 1] == '9')) {
                char ch = s[i + 1];
                size_t j = i + 1;
                while (j < n && s[j] == ch) j++;
                if (!digit_at(s, n, j)) {
                    return (chunk){i, ch == '0' ? STD_FRAC0 : STD_FRAC9, j - i, (int)(j - i - 1), s[i]};
                }
            }
            break;
        default: break;
        }
#undef RET
    }
    return (chunk){n, STD_NONE, 0, 0, 0};
}

static const char *const long_months[] = {"January", "February", "March",     "April",   "May",      "June",
                                          "July",    "August",   "September", "October", "November", "December"};
static const char *const short_months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                           "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
static const char *const long_days[] = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                                        "Thursday", "Friday", "Saturday"};
static const char *const short_days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};

/* Go's appendInt: sign, then at least `width` digits. */
static void put_int(kz_buf *out, int64_t x, int width) {
    uint64_t u = (uint64_t)x;
    if (x < 0) {
        kz_buf_putc(out, '-');
        u = 0 - u;
    }
    char tmp[24];
    int n = 0;
    do {
        tmp[n++] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    for (int w = width - n; w > 0; w--) kz_buf_putc(out, '0');
    while (n) kz_buf_putc(out, tmp[--n]);
}

static void format_at(const civil *c, int32_t nsec, int32_t offset, const char *zone, size_t zone_len,
                      const char *layout, size_t n, kz_buf *out) {
    while (n > 0) {
        chunk ch = next_chunk(layout, n);
        kz_buf_append(out, layout, ch.prefix);
        if (ch.std == STD_NONE) break;
        size_t adv = ch.prefix + ch.len;
        layout += adv;
        n -= adv;
        int hr12 = c->hour % 12 == 0 ? 12 : c->hour % 12;
        switch (ch.std) {
        case STD_YEAR: put_int(out, (c->year < 0 ? -c->year : c->year) % 100, 2); break;
        case STD_LONG_YEAR: put_int(out, c->year, 4); break;
        case STD_MONTH: kz_buf_puts(out, short_months[c->month - 1]); break;
        case STD_LONG_MONTH: kz_buf_puts(out, long_months[c->month - 1]); break;
        case STD_NUM_MONTH: put_int(out, c->month, 0); break;
        case STD_ZERO_MONTH: put_int(out, c->month, 2); break;
        case STD_WEEKDAY: kz_buf_puts(out, short_days[c->wday]); break;
        case STD_LONG_WEEKDAY: kz_buf_puts(out, long_days[c->wday]); break;
        case STD_DAY: put_int(out, c->day, 0); break;
        case STD_UNDER_DAY:
            if (c->day < 10) kz_buf_putc(out, ' ');
            put_int(out, c->day, 0);
            break;
        case STD_ZERO_DAY: put_int(out, c->day, 2); break;
        case STD_UNDER_YEARDAY:
            if (c->yday < 100) {
                kz_buf_putc(out, ' ');
                if (c->yday < 10) kz_buf_putc(out, ' ');
            }
            put_int(out, c->yday, 0);
            break;
        case STD_ZERO_YEARDAY: put_int(out, c->yday, 3); break;
        case STD_HOUR: put_int(out, c->hour, 2); break;
        case STD_HOUR12: put_int(out, hr12, 0); break;
        case STD_ZERO_HOUR12: put_int(out, hr12, 2); break;
        case STD_MINUTE: put_int(out, c->min, 0); break;
        case STD_ZERO_MINUTE: put_int(out, c->min, 2); break;
        case STD_SECOND: put_int(out, c->sec, 0); break;
        case STD_ZERO_SECOND: put_int(out, c->sec, 2); break;
        case STD_PM: kz_buf_puts(out, c->hour >= 12 ? "PM" : "AM"); break;
        case STD_pm: kz_buf_puts(out, c->hour >= 12 ? "pm" : "am"); break;
        case STD_ISO8601_TZ:
        case STD_ISO8601_COLON_TZ:
        case STD_ISO8601_SECONDS_TZ:
        case STD_ISO8601_SHORT_TZ:
        case STD_ISO8601_COLON_SECONDS_TZ:
        case STD_NUM_TZ:
        case STD_NUM_COLON_TZ:
        case STD_NUM_SECONDS_TZ:
        case STD_NUM_SHORT_TZ:
        case STD_NUM_COLON_SECONDS_TZ: {
            bool iso = ch.std >= STD_ISO8601_TZ && ch.std <= STD_ISO8601_COLON_SECONDS_TZ;
            if (offset == 0 && iso) {
                kz_buf_putc(out, 'Z');
                break;
            }
            int zone_min = offset / 60;
            int absoff = offset;
            if (zone_min < 0) {
                kz_buf_putc(out, '-');
                zone_min = -zone_min;
                absoff = -absoff;
            } else {
                kz_buf_putc(out, '+');
            }
            put_int(out, zone_min / 60, 2);
            bool colon = ch.std == STD_ISO8601_COLON_TZ || ch.std == STD_NUM_COLON_TZ ||
                         ch.std == STD_ISO8601_COLON_SECONDS_TZ || ch.std == STD_NUM_COLON_SECONDS_TZ;
            if (colon) kz_buf_putc(out, ':');
            if (ch.std != STD_NUM_SHORT_TZ && ch.std != STD_ISO8601_SHORT_TZ) put_int(out, zone_min % 60, 2);
            if (ch.std == STD_ISO8601_SECONDS_TZ || ch.std == STD_NUM_SECONDS_TZ ||
                ch.std == STD_NUM_COLON_SECONDS_TZ || ch.std == STD_ISO8601_COLON_SECONDS_TZ) {
                if (ch.std == STD_NUM_COLON_SECONDS_TZ || ch.std == STD_ISO8601_COLON_SECONDS_TZ) {
                    kz_buf_putc(out, ':');
                }
                put_int(out, absoff % 60, 2);
            }
            break;
        }
        case STD_TZ:
            if (zone_len) {
                kz_buf_append(out, zone, zone_len);
            } else {
                int z = offset / 60;
                if (z < 0) {
                    kz_buf_putc(out, '-');
                    z = -z;
                } else {
                    kz_buf_putc(out, '+');
                }
                put_int(out, z / 60, 2);
                put_int(out, z % 60, 2);
            }
            break;
        case STD_FRAC0:
        case STD_FRAC9: {
            bool trim = ch.std == STD_FRAC9;
            if (trim && (ch.digits == 0 || nsec == 0)) break;
            char digits[16];
            snprintf(digits, sizeof digits, "%09d", (int)nsec);
            size_t nd = (size_t)ch.digits < 9 ? (size_t)ch.digits : 9;
            if (trim) {
                while (nd > 0 && digits[nd - 1] == '0') nd--;
                if (nd == 0) break;
            }
            kz_buf_putc(out, ch.sep);
            kz_buf_append(out, digits, nd);
            break;
        }
        default: break;
        }
    }
}

void kz_gotime_format(const kz_value *t, const char *layout, size_t layout_len, kz_buf *out) {
    int64_t offset = field(t, "offset");
    civil c;
    civil_of((__int128)field(t, "sec") + offset, &c);
    const kz_value *zone = kz_map_getz(t, "zone");
    format_at(&c, (int32_t)field(t, "nsec"), (int32_t)offset, zone ? kz_str(zone) : "", zone ? kz_str_len(zone) : 0,
              layout, layout_len, out);
}

void kz_gotime_string(const kz_value *t, kz_buf *out) {
    static const char layout[] = "2006-01-02 15:04:05.999999999 -0700 MST";
    kz_gotime_format(t, layout, sizeof layout - 1, out);
    const kz_value *mono = kz_map_getz(t, "mono");
    if (mono) {
        int64_t m = kz_int_get(mono);
        uint64_t u = (uint64_t)m;
        char sign = '+';
        if (m < 0) {
            sign = '-';
            u = 0 - u;
        }
        uint64_t m2 = u % 1000000000, m1 = u / 1000000000;
        uint64_t m0 = m1 / 1000000000;
        m1 %= 1000000000;
        kz_buf_printf(out, " m=%c", sign);
        if (m0) kz_buf_printf(out, "%llu%09llu", (unsigned long long)m0, (unsigned long long)m1);
        else kz_buf_printf(out, "%llu", (unsigned long long)m1);
        kz_buf_printf(out, ".%09llu", (unsigned long long)m2);
    }
}

bool kz_gotime_go_equal(const kz_value *a, const kz_value *b) {
    if (field(a, "sec") != field(b, "sec") || field(a, "nsec") != field(b, "nsec")) return false;
    const kz_value *ma = kz_map_getz(a, "mono"), *mb = kz_map_getz(b, "mono");
    if ((ma == NULL) != (mb == NULL) || (ma && kz_int_get(ma) != kz_int_get(mb))) return false;
    return kz_gotime_same_location(a, b);
}

bool kz_gotime_same_location(const kz_value *a, const kz_value *b) {
    const kz_value *la = kz_map_getz(a, "loc"), *lb = kz_map_getz(b, "loc");
    const char *sa = la ? kz_str(la) : "UTC", *sb = lb ? kz_str(lb) : "UTC";
    if (strcmp(sa, sb) != 0) return false;
    if (strcmp(sa, "UTC") == 0 || strcmp(sa, "Local") == 0) return true;
    if (*sa) return false; /* LoadLocation makes a new *Location each time */
    /* fixed zones: Go shares FixedZone("", whole hours in -12h..+14h) */
    const kz_value *za = kz_map_getz(a, "zone"), *zb = kz_map_getz(b, "zone");
    int64_t oa = field(a, "offset"), ob = field(b, "offset");
    return (!za || kz_str_len(za) == 0) && (!zb || kz_str_len(zb) == 0) && oa == ob && oa % 3600 == 0 &&
           oa >= -12 * 3600 && oa <= 14 * 3600;
}

const char *kz_gotime_marshal_error(const kz_value *t) {
    civil c;
    civil_of((__int128)field(t, "sec") + field(t, "offset"), &c);
    if (c.year < 0 || c.year > 9999) return "Time.MarshalJSON: year outside of range [0,9999]";
    return NULL;
}

void kz_gotime_rfc3339nano(const kz_value *t, kz_buf *out) {
    static const char layout[] = "2006-01-02T15:04:05.999999999Z07:00";
    kz_gotime_format(t, layout, sizeof layout - 1, out);
}

/* ------------------------------------------------------------------ */
/* parsing                                                            */

/* Go's time.quote. */
static void go_quote(kz_buf *out, const char *s, size_t n) {
    static const char hex[] = "0123456789abcdef";
    kz_buf_putc(out, '"');
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x80 || c < ' ') {
            kz_buf_putc(out, '\\');
            kz_buf_putc(out, 'x');
            kz_buf_putc(out, hex[c >> 4]);
            kz_buf_putc(out, hex[c & 15]);
        } else {
            if (c == '"' || c == '\\') kz_buf_putc(out, '\\');
            kz_buf_putc(out, (char)c);
        }
    }
    kz_buf_putc(out, '"');
}

typedef struct span {
    const char *p;
    size_t n;
} span;

static void adv(span *s, size_t k) {
    s->p += k;
    s->n -= k;
}

static bool leading_int(span *s, uint64_t *x) {
    uint64_t v = 0;
    size_t i = 0;
    for (; i < s->n; i++) {
        char c = s->p[i];
        if (c < '0' || c > '9') break;
        if (v > (1ULL << 63) / 10) return false;
        v = v * 10 + (uint64_t)(c - '0');
        if (v > (1ULL << 63)) return false;
    }
    adv(s, i);
    *x = v;
    return true;
}

/* Go's time.atoi: the whole span must be [+-]digits. */
static bool go_atoi(const char *p, size_t n, int64_t *out) {
    span s = {p, n};
    bool neg = false;
    if (s.n > 0 && (s.p[0] == '-' || s.p[0] == '+')) {
        neg = s.p[0] == '-';
        adv(&s, 1);
    }
    uint64_t q;
    if (!leading_int(&s, &q) || s.n > 0) return false;
    *out = neg ? -(int64_t)q : (int64_t)q;
    return true;
}

static bool getnum(span *s, bool fixed, int *out) {
    if (!digit_at(s->p, s->n, 0)) return false;
    if (!digit_at(s->p, s->n, 1)) {
        if (fixed) return false;
        *out = s->p[0] - '0';
        adv(s, 1);
        return true;
    }
    *out = (s->p[0] - '0') * 10 + (s->p[1] - '0');
    adv(s, 2);
    return true;
}

static bool getnum3(span *s, bool fixed, int *out) {
    int v = 0, i = 0;
    for (; i < 3 && digit_at(s->p, s->n, (size_t)i); i++) v = v * 10 + (s->p[i] - '0');
    if (i == 0 || (fixed && i != 3)) return false;
    *out = v;
    adv(s, (size_t)i);
    return true;
}

static bool match_fold(const char *a, const char *b, size_t n) {
    for (size_t i = 0; i < n; i++) {
        unsigned char c1 = (unsigned char)a[i], c2 = (unsigned char)b[i];
        if (c1 != c2) {
            c1 |= 0x20;
            c2 |= 0x20;
            if (c1 != c2 || c1 < 'a' || c1 > 'z') return false;
        }
    }
    return true;
}

static bool lookup_name(const char *const *tab, size_t count, span *s, int *out) {
    for (size_t i = 0; i < count; i++) {
        size_t l = strlen(tab[i]);
        if (s->n >= l && match_fold(s->p, tab[i], l)) {
            *out = (int)i;
            adv(s, l);
            return true;
        }
    }
    return false;
}

static bool skip_prefix(span *v, const char *prefix, size_t pn) {
    while (pn > 0) {
        if (*prefix == ' ') {
            if (v->n > 0 && v->p[0] != ' ') return false;
            while (pn > 0 && *prefix == ' ') prefix++, pn--;
            while (v->n > 0 && v->p[0] == ' ') adv(v, 1);
            continue;
        }
        if (v->n == 0 || v->p[0] != *prefix) return false;
        prefix++, pn--;
        adv(v, 1);
    }
    return true;
}

static bool comma_or_period(char c) { return c == '.' || c == ','; }

/* Go's parseNanoseconds. Returns false on a syntax error; *range set on a
 * range error. */
static bool parse_nanos(const span *v, size_t nbytes, int *ns, const char **range) {
    if (!comma_or_period(v->p[0])) return false;
    if (nbytes > 10) nbytes = 10;
    int64_t x;
    if (!go_atoi(v->p + 1, nbytes - 1, &x)) return false;
    if (x < 0) {
        *range = "fractional second";
        return true;
    }
    for (size_t i = 0; i < 10 - nbytes; i++) x *= 10;
    *ns = (int)x;
    return true;
}

static size_t parse_signed_offset(const char *p, size_t n) {
    if (n == 0 || (p[0] != '-' && p[0] != '+')) return 0;
    span s = {p + 1, n - 1};
    uint64_t x;
    if (!leading_int(&s, &x) || s.n == n - 1) return 0;
    if (x > 23) return 0;
    return n - s.n;
}

static bool parse_time_zone(const char *p, size_t n, size_t *len) {
    if (n < 3) return false;
    if (n >= 4 && (memcmp(p, "ChST", 4) == 0 || memcmp(p, "MeST", 4) == 0)) {
        *len = 4;
        return true;
    }
    if (memcmp(p, "GMT", 3) == 0) {
        *len = n == 3 ? 3 : 3 + parse_signed_offset(p + 3, n - 3);
        return true;
    }
    if (p[0] == '+' || p[0] == '-') {
        *len = parse_signed_offset(p, n);
        return *len > 0;
    }
    size_t up = 0;
    for (; up < 6 && up < n; up++) {
        if (p[up] < 'A' || p[up] > 'Z') break;
    }
    switch (up) {
    case 5:
        if (p[4] == 'T') {
            *len = 5;
            return true;
        }
        return false;
    case 4:
        if (p[3] == 'T' || memcmp(p, "WITA", 4) == 0) {
            *len = 4;
            return true;
        }
        return false;
    case 3: *len = 3; return true;
    default: return false;
    }
}

static kz_value parse_error(const char *layout, size_t ln, const char *value, size_t vn, const char *lelem,
                            size_t lel, const span *velem, const char *msg, const span *msgq) {
    kz_buf b = KZ_BUF_INIT;
    kz_buf_puts(&b, "parsing time ");
    go_quote(&b, value, vn);
    if (!msg) {
        kz_buf_puts(&b, " as ");
        go_quote(&b, layout, ln);
        kz_buf_puts(&b, ": cannot parse ");
        go_quote(&b, velem->p, velem->n);
        kz_buf_puts(&b, " as ");
        go_quote(&b, lelem, lel);
    } else {
        kz_buf_puts(&b, msg);
        if (msgq) go_quote(&b, msgq->p, msgq->n);
    }
    kz_value e = kz_error("%s", kz_buf_cstr(&b));
    kz_buf_free(&b);
    return e;
}

/* Go's Date(...) in location l: Unix seconds. */
static int64_t date_in(int64_t year, int month, int day, int hour, int min, int sec, const goloc *l) {
    int64_t unix = days_from_civil(year, month, day) * SEC_PER_DAY + hour * 3600 + min * 60 + sec;
    zinfo z;
    loc_lookup(l, unix, &z);
    if (z.off != 0) {
        int64_t utc = unix - z.off;
        if (utc < z.start || utc >= z.end) loc_lookup(l, utc, &z);
        unix -= z.off;
    }
    return unix;
}

/* Go's Location.lookupName. */
static bool loc_lookup_name(const goloc *l, const char *name, size_t nl, int64_t unix, int32_t *off) {
    for (size_t i = 0; i < l->nzones; i++) {
        const gz_zone *z = &l->zones[i];
        if (strlen(z->name) == nl && memcmp(z->name, name, nl) == 0) {
            zinfo zi;
            loc_lookup(l, unix - z->off, &zi);
            if (zi.name_len == nl && memcmp(zi.name, z->name, nl) == 0) {
                *off = zi.off;
                return true;
            }
        }
    }
    for (size_t i = 0; i < l->nzones; i++) {
        const gz_zone *z = &l->zones[i];
        if (strlen(z->name) == nl && memcmp(z->name, name, nl) == 0) {
            *off = z->off;
            return true;
        }
    }
    return false;
}

kz_value kz_gotime_parse(const char *layout0, size_t ln0, const char *value0, size_t vn0) {
    span layout = {layout0, ln0}, value = {value0, vn0};
    const char *range = NULL;
    bool am = false, pm = false;
    int64_t year = 0;
    int month = -1, day = -1, yday = -1, hour = 0, min = 0, sec = 0, nsec = 0;
    bool utc = false;
    int64_t zone_offset = -1;
    const char *zone_name = NULL;
    size_t zone_len = 0;
    const goloc *local = get_local();

    for (;;) {
        chunk ch = next_chunk(layout.p, layout.n);
        const char *stdstr = layout.p + ch.prefix;
        size_t stdlen = ch.len;
        if (!skip_prefix(&value, layout.p, ch.prefix)) {
            return parse_error(layout0, ln0, value0, vn0, layout.p, ch.prefix, &value, NULL, NULL);
        }
        if (ch.std == STD_NONE) {
            if (value.n != 0) return parse_error(layout0, ln0, value0, vn0, NULL, 0, NULL, ": extra text: ", &value);
            break;
        }
        adv(&layout, ch.prefix + ch.len);
        span hold = value;
        bool ok = true;
        int tmp;
        switch (ch.std) {
        case STD_YEAR: {
            if (value.n < 2) {
                ok = false;
                break;
            }
            int64_t y;
            ok = go_atoi(value.p, 2, &y);
            adv(&value, 2);
            if (!ok) break;
            year = y >= 69 ? y + 1900 : y + 2000;
            break;
        }
        case STD_LONG_YEAR:
            if (value.n < 4 || !digit_at(value.p, value.n, 0)) {
                ok = false;
                break;
            }
            ok = go_atoi(value.p, 4, &year);
            adv(&value, 4);
            break;
        case STD_MONTH:
            ok = lookup_name(short_months, 12, &value, &month);
            month++;
            break;
        case STD_LONG_MONTH:
            ok = lookup_name(long_months, 12, &value, &month);
            month++;
            break;
        case STD_NUM_MONTH:
        case STD_ZERO_MONTH:
            ok = getnum(&value, ch.std == STD_ZERO_MONTH, &month);
            if (ok && (month <= 0 || month > 12)) range = "month";
            break;
        case STD_WEEKDAY: ok = lookup_name(short_days, 7, &value, &tmp); break;
        case STD_LONG_WEEKDAY: ok = lookup_name(long_days, 7, &value, &tmp); break;
        case STD_DAY:
        case STD_UNDER_DAY:
        case STD_ZERO_DAY:
            if (ch.std == STD_UNDER_DAY && value.n > 0 && value.p[0] == ' ') adv(&value, 1);
            ok = getnum(&value, ch.std == STD_ZERO_DAY, &day);
            break;
        case STD_UNDER_YEARDAY:
        case STD_ZERO_YEARDAY:
            for (int i = 0; i < 2; i++) {
                if (ch.std == STD_UNDER_YEARDAY && value.n > 0 && value.p[0] == ' ') adv(&value, 1);
            }
            ok = getnum3(&value, ch.std == STD_ZERO_YEARDAY, &yday);
            break;
        case STD_HOUR:
            hour = 0;
            ok = getnum(&value, false, &hour);
            if (hour < 0 || hour >= 24) range = "hour";
            break;
        case STD_HOUR12:
        case STD_ZERO_HOUR12:
            hour = 0;
            ok = getnum(&value, ch.std == STD_ZERO_HOUR12, &hour);
            if (hour < 0 || hour > 12) range = "hour";
            break;
        case STD_MINUTE:
        case STD_ZERO_MINUTE:
            min = 0;
            ok = getnum(&value, ch.std == STD_ZERO_MINUTE, &min);
            if (min < 0 || min >= 60) range = "minute";
            break;
        case STD_SECOND:
        case STD_ZERO_SECOND: {
            sec = 0;
            ok = getnum(&value, ch.std == STD_ZERO_SECOND, &sec);
            if (!ok) break;
            if (sec < 0 || sec >= 60) {
                range = "second";
                break;
            }
            if (value.n >= 2 && comma_or_period(value.p[0]) && digit_at(value.p, value.n, 1)) {
                chunk nx = next_chunk(layout.p, layout.n);
                if (nx.std == STD_FRAC0 || nx.std == STD_FRAC9) break;
                size_t k = 2;
                while (k < value.n && digit_at(value.p, value.n, k)) k++;
                ok = parse_nanos(&value, k, &nsec, &range);
                adv(&value, k);
            }
            break;
        }
        case STD_PM:
        case STD_pm: {
            if (value.n < 2) {
                ok = false;
                break;
            }
            const char *p = value.p;
            adv(&value, 2);
            if (memcmp(p, ch.std == STD_PM ? "PM" : "pm", 2) == 0) pm = true;
            else if (memcmp(p, ch.std == STD_PM ? "AM" : "am", 2) == 0) am = true;
            else ok = false;
            break;
        }
        case STD_ISO8601_TZ:
        case STD_ISO8601_SHORT_TZ:
        case STD_ISO8601_COLON_TZ:
        case STD_ISO8601_SECONDS_TZ:
        case STD_ISO8601_COLON_SECONDS_TZ:
            if (value.n >= 1 && value.p[0] == 'Z') {
                adv(&value, 1);
                utc = true;
                break;
            }
            /* fallthrough */
        case STD_NUM_TZ:
        case STD_NUM_SHORT_TZ:
        case STD_NUM_COLON_TZ:
        case STD_NUM_SECONDS_TZ:
        case STD_NUM_COLON_SECONDS_TZ: {
            const char *sign, *hh, *mm, *ss = "00";
            int s = ch.std;
            if (s == STD_ISO8601_COLON_TZ || s == STD_NUM_COLON_TZ) {
                if (value.n < 6 || value.p[3] != ':') {
                    ok = false;
                    break;
                }
                sign = value.p, hh = value.p + 1, mm = value.p + 4;
                adv(&value, 6);
            } else if (s == STD_NUM_SHORT_TZ || s == STD_ISO8601_SHORT_TZ) {
                if (value.n < 3) {
                    ok = false;
                    break;
                }
                sign = value.p, hh = value.p + 1, mm = "00";
                adv(&value, 3);
            } else if (s == STD_ISO8601_COLON_SECONDS_TZ || s == STD_NUM_COLON_SECONDS_TZ) {
                if (value.n < 9 || value.p[3] != ':' || value.p[6] != ':') {
                    ok = false;
                    break;
                }
                sign = value.p, hh = value.p + 1, mm = value.p + 4, ss = value.p + 7;
                adv(&value, 9);
            } else if (s == STD_ISO8601_SECONDS_TZ || s == STD_NUM_SECONDS_TZ) {
                if (value.n < 7) {
                    ok = false;
                    break;
                }
                sign = value.p, hh = value.p + 1, mm = value.p + 3, ss = value.p + 5;
                adv(&value, 7);
            } else {
                if (value.n < 5) {
                    ok = false;
                    break;
                }
                sign = value.p, hh = value.p + 1, mm = value.p + 3;
                adv(&value, 5);
            }
            int hr = 0, mi = 0, se = 0;
            span a = {hh, 2}, b = {mm, 2}, c = {ss, 2};
            ok = getnum(&a, true, &hr);
            if (ok) ok = getnum(&b, true, &mi);
            if (ok) ok = getnum(&c, true, &se);
            if (hr > 24) range = "time zone offset hour";
            if (mi > 60) range = "time zone offset minute";
            if (se > 60) range = "time zone offset second";
            zone_offset = (hr * 60 + mi) * 60 + se;
            if (*sign == '-') zone_offset = -zone_offset;
            else if (*sign != '+') ok = false;
            break;
        }
        case STD_TZ: {
            if (value.n >= 3 && memcmp(value.p, "UTC", 3) == 0) {
                utc = true;
                adv(&value, 3);
                break;
            }
            size_t zl;
            if (!parse_time_zone(value.p, value.n, &zl)) {
                ok = false;
                break;
            }
            zone_name = value.p;
            zone_len = zl;
            adv(&value, zl);
            break;
        }
        case STD_FRAC0: {
            size_t nd = 1 + (size_t)ch.digits;
            if (value.n < nd) {
                ok = false;
                break;
            }
            ok = parse_nanos(&value, nd, &nsec, &range);
            adv(&value, nd);
            break;
        }
        case STD_FRAC9: {
            if (value.n < 2 || !comma_or_period(value.p[0]) || value.p[1] < '0' || value.p[1] > '9') break;
            size_t i = 0;
            while (i + 1 < value.n && value.p[i + 1] >= '0' && value.p[i + 1] <= '9') i++;
            ok = parse_nanos(&value, 1 + i, &nsec, &range);
            adv(&value, 1 + i);
            break;
        }
        default: break;
        }
        if (range) {
            kz_buf m = KZ_BUF_INIT;
            kz_buf_printf(&m, ": %s out of range", range);
            kz_value e = parse_error(layout0, ln0, value0, vn0, NULL, 0, NULL, kz_buf_cstr(&m), NULL);
            kz_buf_free(&m);
            return e;
        }
        if (!ok) return parse_error(layout0, ln0, value0, vn0, stdstr, stdlen, &hold, NULL, NULL);
    }
    if (pm && hour < 12) hour += 12;
    else if (am && hour == 12) hour = 0;

    if (yday >= 0) {
        int d = 0, m = 0;
        if (is_leap(year)) {
            if (yday == 31 + 29) {
                m = 2;
                d = 29;
            } else if (yday > 31 + 29) {
                yday--;
            }
        }
        if (yday < 1 || yday > 365) {
            return parse_error(layout0, ln0, value0, vn0, NULL, 0, NULL, ": day-of-year out of range", NULL);
        }
        if (m == 0) {
            m = (yday - 1) / 31 + 1;
            if (days_before[m] < yday) m++;
            d = yday - days_before[m - 1];
        }
        if (month >= 0 && month != m) {
            return parse_error(layout0, ln0, value0, vn0, NULL, 0, NULL, ": day-of-year does not match month",
                               NULL);
        }
        month = m;
        if (day >= 0 && day != d) {
            return parse_error(layout0, ln0, value0, vn0, NULL, 0, NULL, ": day-of-year does not match day", NULL);
        }
        day = d;
    } else {
        if (month < 0) month = 1;
        if (day < 0) day = 1;
    }
    if (day < 1 || day > days_in(month, year)) {
        return parse_error(layout0, ln0, value0, vn0, NULL, 0, NULL, ": day out of range", NULL);
    }

    if (utc) return make_n(date_in(year, month, day, hour, min, sec, &utc_loc), nsec, 0, "UTC", 3, "UTC");

    if (zone_offset != -1) {
        int64_t t = date_in(year, month, day, hour, min, sec, &utc_loc) - zone_offset;
        zinfo z;
        loc_lookup(local, t, &z);
        bool same_name = !zone_name || (z.name_len == zone_len && memcmp(z.name, zone_name, zone_len) == 0);
        if (z.off == zone_offset && same_name) {
            return make_n(t, nsec, z.off, z.name, z.name_len, "Local");
        }
        return make_n(t, nsec, (int32_t)zone_offset, zone_name ? zone_name : "", zone_name ? zone_len : 0, "");
    }

    if (zone_name) {
        int64_t t = date_in(year, month, day, hour, min, sec, &utc_loc);
        int32_t off = 0;
        if (loc_lookup_name(local, zone_name, zone_len, t, &off)) {
            t -= off;
            zinfo z;
            loc_lookup(local, t, &z);
            return make_n(t, nsec, z.off, z.name, z.name_len, "Local");
        }
        if (zone_len > 3 && memcmp(zone_name, "GMT", 3) == 0) {
            int64_t h = 0;
            go_atoi(zone_name + 3, zone_len - 3, &h);
            off = (int32_t)(h * 3600);
        }
        return make_n(t, nsec, off, zone_name, zone_len, "");
    }

    int64_t t = date_in(year, month, day, hour, min, sec, local);
    zinfo z;
    loc_lookup(local, t, &z);
    return make_n(t, nsec, z.off, z.name, z.name_len, "Local");
}

/* ------------------------------------------------------------------ */
/* durations                                                          */

/* fmtFrac: the fraction of v/10^prec into the tail of buf[0..w). */
static size_t fmt_frac(char *buf, size_t w, uint64_t *v, int prec) {
    bool print = false;
    for (int i = 0; i < prec; i++) {
        int digit = (int)(*v % 10);
        print = print || digit != 0;
        if (print) buf[--w] = (char)('0' + digit);
        *v /= 10;
    }
    if (print) buf[--w] = '.';
    return w;
}

static size_t fmt_int(char *buf, size_t w, uint64_t v) {
    if (v == 0) {
        buf[--w] = '0';
    } else {
        while (v > 0) {
            buf[--w] = (char)('0' + v % 10);
            v /= 10;
        }
    }
    return w;
}

void kz_goduration_string(int64_t d, kz_buf *out) {
    char buf[40];
    size_t w = sizeof buf;
    uint64_t u = (uint64_t)d;
    bool neg = d < 0;
    if (neg) u = 0 - u;
    if (u < 1000000000ULL) {
        int prec;
        buf[--w] = 's';
        if (u == 0) {
            kz_buf_puts(out, "0s");
            return;
        } else if (u < 1000) {
            prec = 0;
            buf[--w] = 'n';
        } else if (u < 1000000) {
            prec = 3;
            buf[--w] = (char)0xB5;
            buf[--w] = (char)0xC2;
        } else {
            prec = 6;
            buf[--w] = 'm';
        }
        w = fmt_frac(buf, w, &u, prec);
        w = fmt_int(buf, w, u);
    } else {
        buf[--w] = 's';
        w = fmt_frac(buf, w, &u, 9);
        w = fmt_int(buf, w, u % 60);
        u /= 60;
        if (u > 0) {
            buf[--w] = 'm';
            w = fmt_int(buf, w, u % 60);
            u /= 60;
            if (u > 0) {
                buf[--w] = 'h';
                w = fmt_int(buf, w, u);
            }
        }
    }
    if (neg) buf[--w] = '-';
    kz_buf_append(out, buf + w, sizeof buf - w);
}

static bool dur_fail(kz_buf *err, const char *what, const char *s, size_t n) {
    kz_buf_puts(err, what);
    go_quote(err, s, n);
    return false;
}

bool kz_goduration_parse(const char *s0, size_t n0, int64_t *out, kz_buf *err) {
    span s = {s0, n0};
    uint64_t d = 0;
    bool neg = false;
    if (s.n > 0 && (s.p[0] == '-' || s.p[0] == '+')) {
        neg = s.p[0] == '-';
        adv(&s, 1);
    }
    if (s.n == 1 && s.p[0] == '0') {
        *out = 0;
        return true;
    }
    if (s.n == 0) return dur_fail(err, "time: invalid duration ", s0, n0);
    while (s.n > 0) {
        uint64_t v, f = 0;
        double scale = 1;
        if (!(s.p[0] == '.' || (s.p[0] >= '0' && s.p[0] <= '9'))) {
            return dur_fail(err, "time: invalid duration ", s0, n0);
        }
        size_t pl = s.n;
        if (!leading_int(&s, &v)) return dur_fail(err, "time: invalid duration ", s0, n0);
        bool pre = pl != s.n, post = false;
        if (s.n > 0 && s.p[0] == '.') {
            adv(&s, 1);
            size_t pl2 = s.n, i = 0;
            bool overflow = false;
            for (; i < s.n; i++) {
                char c = s.p[i];
                if (c < '0' || c > '9') break;
                if (overflow) continue;
                if (f > (uint64_t)INT64_MAX / 10) {
                    overflow = true;
                    continue;
                }
                uint64_t y = f * 10 + (uint64_t)(c - '0');
                if (y > (1ULL << 63)) {
                    overflow = true;
                    continue;
                }
                f = y;
                scale *= 10;
            }
            adv(&s, i);
            post = pl2 != s.n;
        }
        if (!pre && !post) return dur_fail(err, "time: invalid duration ", s0, n0);
        size_t i = 0;
        for (; i < s.n; i++) {
            char c = s.p[i];
            if (c == '.' || (c >= '0' && c <= '9')) break;
        }
        if (i == 0) return dur_fail(err, "time: missing unit in duration ", s0, n0);
        const char *u = s.p;
        size_t ul = i;
        adv(&s, i);
        uint64_t unit = 0;
        static const struct {
            const char *name;
            uint64_t ns;
        } units[] = {{"ns", 1},           {"us", 1000},          {"\xc2\xb5s", 1000},       {"\xce\xbcs", 1000},
                     {"ms", 1000000},     {"s", 1000000000ULL},  {"m", 60000000000ULL},     {"h", 3600000000000ULL}};
        for (size_t k = 0; k < sizeof units / sizeof units[0]; k++) {
            if (strlen(units[k].name) == ul && memcmp(units[k].name, u, ul) == 0) unit = units[k].ns;
        }
        if (!unit) {
            kz_buf_puts(err, "time: unknown unit ");
            go_quote(err, u, ul);
            kz_buf_puts(err, " in duration ");
            go_quote(err, s0, n0);
            return false;
        }
        if (v > (1ULL << 63) / unit) return dur_fail(err, "time: invalid duration ", s0, n0);
        v *= unit;
        if (f > 0) {
            v += (uint64_t)((double)f * ((double)unit / scale));
            if (v > (1ULL << 63)) return dur_fail(err, "time: invalid duration ", s0, n0);
        }
        d += v;
        if (d > (1ULL << 63)) return dur_fail(err, "time: invalid duration ", s0, n0);
    }
    if (neg) {
        *out = (int64_t)(0 - d);
        return true;
    }
    if (d > (uint64_t)INT64_MAX) return dur_fail(err, "time: invalid duration ", s0, n0);
    *out = (int64_t)d;
    return true;
}

static bool less_than_half(int64_t x, int64_t y) { return (uint64_t)x + (uint64_t)x < (uint64_t)y; }

int64_t kz_goduration_round(int64_t d, int64_t m) {
    if (m <= 0) return d;
    int64_t r = d % m;
    if (d < 0) {
        r = -r;
        if (less_than_half(r, m)) return d + r;
        int64_t d1;
        if (!__builtin_sub_overflow(d, m - r, &d1) && d1 < d) return d1;
        return INT64_MIN;
    }
    if (less_than_half(r, m)) return d - r;
    int64_t d1;
    if (!__builtin_add_overflow(d, m - r, &d1) && d1 > d) return d1;
    return INT64_MAX;
}

/* ------------------------------------------------------------------ */
/* calendar arithmetic and comparisons (Time's methods)               */

void kz_gotime_civil_of(const kz_value *t, kz_gotime_civil *out) {
    civil c;
    civil_of((__int128)field(t, "sec") + field(t, "offset"), &c);
    *out = (kz_gotime_civil){c.year, c.month, c.day, c.hour, c.min, c.sec, c.yday, c.wday};
}

/* The time at sec/nsec in t's location (a fixed zone keeps its offset and
 * name), without a monotonic reading. */
static kz_value at_loc_of(const kz_value *t, int64_t sec, int32_t nsec) {
    const kz_value *locv = kz_map_getz(t, "loc");
    const char *loc = locv ? kz_str(locv) : "UTC";
    goloc *l = *loc ? load_location(loc) : NULL;
    if (l) return in_loc(sec, nsec, l, l == &utc_loc ? "UTC" : loc);
    const kz_value *zone = kz_map_getz(t, "zone");
    return make_n(sec, nsec, (int32_t)field(t, "offset"), zone ? kz_str(zone) : "", zone ? kz_str_len(zone) : 0,
                  loc);
}

/* Go's Date: Unix seconds of a wall clock reading (`local`, seconds as if
 * the zone were UTC) in t's location, choosing the offset as Go does. */
static int64_t wall_to_unix(const kz_value *t, int64_t local) {
    const kz_value *locv = kz_map_getz(t, "loc");
    const char *loc = locv ? kz_str(locv) : "UTC";
    goloc *l = *loc ? load_location(loc) : NULL;
    if (!l) return wadd(local, -field(t, "offset")); /* a fixed zone */
    zinfo z;
    loc_lookup(l, local, &z);
    if (z.off != 0) {
        int64_t utc = wadd(local, -z.off);
        if (utc < z.start || utc >= z.end) loc_lookup(l, utc, &z);
        local = wadd(local, -z.off);
    }
    return local;
}

/* Go's norm for the month: lo into [0, base), the carry into hi, with Go's
 * wrapping int arithmetic (AddDate with absurd counts wraps as in Go). */
static void go_norm(int64_t *hi, int64_t *lo, int64_t base) {
    if (*lo < 0) {
        int64_t n = wadd((int64_t)(0 - (uint64_t)*lo), -1) / base + 1; /* Go: (-lo-1)/base + 1 */
        *hi = wadd(*hi, -n);
        *lo = wadd(*lo, wmul(n, base));
    }
    if (*lo >= base) {
        int64_t n = *lo / base;
        *hi = wadd(*hi, n);
        *lo = wadd(*lo, wmul(-n, base));
    }
}

/* Go 1.23's Date before the zone: the wall clock as Unix seconds, computed
 * as Go does from an unsigned day count since its absolute zero year. */
static int64_t go_date_wall(int64_t year, int64_t month0, int64_t day, int hour, int min, int sec) {
    go_norm(&year, &month0, 12);
    uint64_t y = (uint64_t)year - (uint64_t)-292277022399LL; /* absoluteZeroYear */
    uint64_t n = y / 400, d = 146097 * n;
    y -= 400 * n;
    n = y / 100, y -= 100 * n, d += 36524 * n;
    n = y / 4, y -= 4 * n, d += 1461 * n;
    d += 365 * y;
    d += (uint64_t)days_before[month0];
    if (is_leap(year) && month0 >= 2) d++;
    d += (uint64_t)day - 1;
    uint64_t abs = d * SEC_PER_DAY + (uint64_t)(hour * 3600 + min * 60 + sec);
    return (int64_t)(abs + (uint64_t)(-9223371966579724800LL - 62135596800LL)); /* absolute to Unix */
}

kz_value kz_gotime_add_date(const kz_value *t, int64_t years, int64_t months, int64_t days) {
    civil c;
    civil_of((__int128)field(t, "sec") + field(t, "offset"), &c);
    int64_t local = go_date_wall(wadd(c.year, years), wadd(c.month - 1, months), wadd(c.day, days), c.hour, c.min,
                                 c.sec);
    return at_loc_of(t, wall_to_unix(t, local), (int32_t)field(t, "nsec"));
}

static int64_t saturate(__int128 d) {
    if (d > INT64_MAX) return INT64_MAX;
    if (d < INT64_MIN) return INT64_MIN;
    return (int64_t)d;
}

int64_t kz_gotime_sub(const kz_value *a, const kz_value *b) {
    const kz_value *ma = kz_map_getz(a, "mono"), *mb = kz_map_getz(b, "mono");
    if (ma && mb) return saturate((__int128)kz_int_get(ma) - kz_int_get(mb));
    __int128 d = ((__int128)field(a, "sec") - field(b, "sec")) * 1000000000 + (field(a, "nsec") - field(b, "nsec"));
    return saturate(d);
}

int kz_gotime_compare(const kz_value *a, const kz_value *b) {
    const kz_value *ma = kz_map_getz(a, "mono"), *mb = kz_map_getz(b, "mono");
    int64_t x, y;
    if (ma && mb) {
        x = kz_int_get(ma), y = kz_int_get(mb);
    } else {
        x = field(a, "sec"), y = field(b, "sec");
        if (x == y) x = field(a, "nsec"), y = field(b, "nsec");
    }
    return x < y ? -1 : x > y;
}

kz_value kz_gotime_round(const kz_value *t, int64_t d, bool round) {
    kz_value bare = at_loc_of(t, field(t, "sec"), (int32_t)field(t, "nsec")); /* Go's stripMono */
    if (d <= 0) return bare;
    /* Go's div: the remainder of the time since year 1 by d, floored */
    __int128 abs = (__int128)internal_sec(field(t, "sec")) * 1000000000 + field(t, "nsec");
    __int128 r128 = abs % d;
    if (r128 < 0) r128 += d;
    int64_t r = (int64_t)r128;
    kz_value out = kz_gotime_add(&bare, round && !less_than_half(r, d) ? d - r : -r);
    kz_free(bare);
    return out;
}

void kz_gotime_go_string(const kz_value *t, kz_buf *out) {
    static const char *const months[] = {"January", "February", "March",     "April",   "May",      "June",
                                         "July",    "August",   "September", "October", "November", "December"};
    civil c;
    civil_of((__int128)field(t, "sec") + field(t, "offset"), &c);
    kz_buf_printf(out, "time.Date(%lld, time.%s, %d, %d, %d, %d, %d, ", (long long)c.year, months[c.month - 1], c.day,
                  c.hour, c.min, c.sec, (int)field(t, "nsec"));
    const kz_value *locv = kz_map_getz(t, "loc");
    const char *loc = locv ? kz_str(locv) : "UTC";
    if (strcmp(loc, "UTC") == 0) {
        kz_buf_puts(out, "time.UTC");
    } else if (strcmp(loc, "Local") == 0) {
        kz_buf_puts(out, "time.Local");
    } else if (*loc) {
        kz_buf_puts(out, "time.Location(");
        go_quote(out, loc, strlen(loc));
        kz_buf_putc(out, ')');
    } else { /* FixedZone(name, offset) is named as its zone */
        const kz_value *zone = kz_map_getz(t, "zone");
        kz_buf_puts(out, "time.Location(");
        go_quote(out, zone ? kz_str(zone) : "", zone ? kz_str_len(zone) : 0);
        kz_buf_putc(out, ')');
    }
    kz_buf_putc(out, ')');
}

/* ---- Duration's methods ---- */

int64_t kz_goduration_truncate(int64_t d, int64_t m) { return m <= 0 ? d : d - d % m; }

int64_t kz_goduration_abs(int64_t d) {
    if (d >= 0) return d;
    return d == INT64_MIN ? INT64_MAX : -d;
}

double kz_goduration_in(int64_t d, int64_t unit) {
    return (double)(d / unit) + (double)(d % unit) / (double)unit;
}

bool kz_gotime_is_dst(const kz_value *t) {
    const kz_value *locv = kz_map_getz(t, "loc");
    const char *loc = locv ? kz_str(locv) : "UTC";
    goloc *l = *loc ? load_location(loc) : NULL;
    if (!l) return false; /* a fixed zone never is */
    zinfo z;
    loc_lookup(l, field(t, "sec"), &z);
    return z.dst;
}

/* ---- *time.Location ---- */

kz_value kz_gotime_location(const kz_value *t) {
    const kz_value *loc = kz_map_getz(t, "loc");
    kz_value l = kz_map_sized(3);
    kz_map_setz(&l, "loc", loc ? kz_copy(loc) : kz_string("UTC"));
    if (loc && kz_str_len(loc) == 0) { /* a fixed zone: its name and offset */
        const kz_value *zone = kz_map_getz(t, "zone");
        kz_map_setz(&l, "zone", zone ? kz_copy(zone) : kz_string(""));
        kz_map_setz(&l, "offset", kz_int(field(t, "offset")));
    }
    return kz_with_gotype(l, KZ_GOTYPE_LOCATION);
}

void kz_gotime_location_name(const kz_value *loc, kz_buf *out) {
    const kz_value *name = kz_map_getz(loc, "loc");
    if (name && strcmp(kz_str(name), "Local") == 0) { /* Go names Local after $TZ */
        kz_buf_puts(out, get_local()->name);
        return;
    }
    if (name && kz_str_len(name) == 0) name = kz_map_getz(loc, "zone");
    if (name) kz_buf_append(out, kz_str(name), kz_str_len(name));
}

kz_value kz_gotime_in_location(const kz_value *t, const kz_value *loc) {
    const kz_value *name = kz_map_getz(loc, "loc");
    if (name && kz_str_len(name) > 0) return kz_gotime_in(t, kz_str(name));
    const kz_value *zone = kz_map_getz(loc, "zone");
    return make_n(field(t, "sec"), (int32_t)field(t, "nsec"), (int32_t)field(loc, "offset"),
                  zone ? kz_str(zone) : "", zone ? kz_str_len(zone) : 0, "");
}
