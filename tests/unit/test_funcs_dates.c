/*
 * The dates family where goldens cannot reach: the clock (now, ago, date of a
 * non-time, durationRound of a time) checked by shape, and a local zone other
 * than UTC (TZ=Europe/Berlin, expectations recorded with helm v3.17.3 under
 * the same TZ). The fixed-input behaviour is in tests/golden/funcs/dates.
 */
#include <pthread.h>
#include <regex.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "core/buf.h"
#include "core/gotime.h"
#include "core/value.h"
#include "funcs/funcs.h"
#include "tmpl/exec.h"
#include "tmpl/set.h"

static kz_tmpl_funcs *funcs;

/* Render `text`; the output (or "ERROR: message"), malloc'ed. */
static char *run(const char *text) {
    kz_tmpl_set *set = kz_tmpl_set_new(funcs);
    kz_value err = kz_tmpl_set_add(set, "x", text, strlen(text));
    kz_buf out = KZ_BUF_INIT;
    char *result;
    if (kz_error_message(&err)) {
        result = strdup(kz_error_message(&err));
    } else {
        kz_free(err);
        kz_funcs_ctx ctx;
        kz_funcs_ctx_init(&ctx);
        kz_tmpl_exec_opts opts = {.missingkey = KZ_TMPL_MISSING_ZERO, .user = &ctx};
        err = kz_tmpl_execute(set, "x", 1, NULL, &opts, &out);
        if (kz_error_message(&err)) {
            kz_buf b = KZ_BUF_INIT;
            kz_buf_printf(&b, "ERROR: %s", kz_error_message(&err));
            result = kz_buf_detach(&b, NULL);
        } else {
            result = strdup(kz_buf_cstr(&out));
        }
        kz_funcs_ctx_free(&ctx);
    }
    kz_free(err);
    kz_buf_free(&out);
    kz_tmpl_set_free(set);
    return result;
}

static void expect(const char *text, const char *want) {
    char *got = run(text);
    if (strcmp(got, want) != 0) fail_msg("%s\n  want [%s]\n  got  [%s]", text, want, got);
    free(got);
}

static void expect_match(const char *text, const char *pattern) {
    char *got = run(text);
    regex_t re;
    assert_int_equal(regcomp(&re, pattern, REG_EXTENDED | REG_NOSUB), 0);
    int rc = regexec(&re, got, 0, NULL, 0);
    regfree(&re);
    if (rc != 0) fail_msg("%s\n  want /%s/\n  got  [%s]", text, pattern, got);
    free(got);
}

/* Seconds of a Go duration text made of h, m and s parts ("3h2m1s"). */
static long long duration_seconds(const char *s) {
    long long total = 0, n = 0;
    for (; *s; s++) {
        if (*s >= '0' && *s <= '9') n = n * 10 + (*s - '0');
        else if (*s == 'h') total += n * 3600, n = 0;
        else if (*s == 'm') total += n * 60, n = 0;
        else if (*s == 's') total += n, n = 0;
        else fail_msg("unexpected duration %s", s);
    }
    return total;
}

static void test_now_shape(void **state) {
    (void)state;
    expect_match("{{ now }}", "^2[0-9]{3}-[01][0-9]-[0-3][0-9] [0-2][0-9]:[0-5][0-9]:[0-6][0-9](\\.[0-9]{1,9})? "
                              "\\+0[12]00 CES?T m=\\+[0-9]+\\.[0-9]{9}$");
    expect_match("{{ now | dateModify \"1h\" }}", " m=\\+36[0-9]{2}\\.[0-9]{9}$");
    expect_match("{{ now | dateModify \"-1.5h\" }}", " m=-5[0-9]{3}\\.[0-9]{9}$");
    /* In drops the monotonic reading; JSON never has it */
    expect_match("{{ dateInZone \"2006\" now \"UTC\" }}", "^2[0-9]{3}$");
    expect_match("{{ toJson now }}", "^\"2[0-9]{3}-[0-9]{2}-[0-9]{2}T[0-9:]{8}(\\.[0-9]*[1-9])?\\+0[12]:00\"$");
    expect("{{ printf \"%T\" now }}", "time.Time");
    expect("{{ ago now }}", "0s");
    expect("{{ durationRound now }}", "0s");

    char *epoch = run("{{ now | unixEpoch }}");
    long long e = atoll(epoch);
    /* not time(NULL): glibc reads it from the coarse clock, which can still
     * show the previous second when `now` (the precise one) has passed it */
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    long long t = (long long)ts.tv_sec;
    assert_true(e >= t - 2 && e <= t);
    free(epoch);
}

static void test_date_of_now(void **state) {
    (void)state;
    /* non-time, non-int arguments format time.Now() in the local zone */
    static const char *const args[] = {"1.5", "\"1700000000\"", "nil", "true", "(list 1)"};
    for (size_t i = 0; i < sizeof args / sizeof args[0]; i++) {
        char tmpl[128];
        snprintf(tmpl, sizeof tmpl, "{{ date \"2006-01-02 15:04\" %s }}", args[i]);
        time_t before = time(NULL);
        char *got = run(tmpl);
        time_t after = time(NULL);
        char a[32], b[32];
        struct tm tm;
        strftime(a, sizeof a, "%Y-%m-%d %H:%M", localtime_r(&before, &tm));
        strftime(b, sizeof b, "%Y-%m-%d %H:%M", localtime_r(&after, &tm));
        if (strcmp(got, a) != 0 && strcmp(got, b) != 0) fail_msg("%s: got %s, want %s", tmpl, got, a);
        free(got);
    }
    expect_match("{{ htmlDate \"x\" }}", "^2[0-9]{3}-[01][0-9]-[0-3][0-9]$");
    expect_match("{{ dateInZone \"MST\" 1.5 \"Asia/Kolkata\" }}", "^IST$");
    expect_match("{{ dateInZone \"MST\" 1.5 \"Nowhere/Land\" }}", "^UTC$");
}

static void test_ago(void **state) {
    (void)state;
    char tmpl[128];
    long long now = (long long)time(NULL);
    snprintf(tmpl, sizeof tmpl, "{{ ago (int64 %lld) }}", now - 3725);
    char *got = run(tmpl);
    long long s = duration_seconds(got);
    assert_true(s >= 3724 && s <= 3727);
    free(got);

    got = run("{{ ago 0 }}");
    s = duration_seconds(got);
    now = (long long)time(NULL);
    assert_true(s >= now - 2 && s <= now + 1);
    free(got);

    /* a future time: negative */
    snprintf(tmpl, sizeof tmpl, "{{ ago %lld }}", now + 7200);
    got = run(tmpl);
    assert_int_equal(got[0], '-');
    s = duration_seconds(got + 1);
    assert_true(s >= 7198 && s <= 7201);
    free(got);

    expect("{{ ago \"x\" }}", "0s");
    expect("{{ ago (int64 9223372036854775807) }}", "2562047h47m16.854775807s");
}

static void test_duration_round_of_time(void **state) {
    (void)state;
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    /* durationRound of a time: time.Since, in 365-day years */
    long long since = (long long)now - 1577836800; /* 2020-01-01T00:00:00Z */
    char want[32];
    snprintf(want, sizeof want, "%lldy", since / (365LL * 86400));
    expect("{{ durationRound (toDate \"2006-01-02T15:04:05Z07:00\" \"2020-01-01T00:00:00Z\") }}", want);
    expect("{{ now | dateModify \"-49h\" | durationRound }}", "2d");
    expect("{{ now | dateModify \"-49h\" | ago }}", "49h0m0s");
    expect("{{ now | dateModify \"49h\" | durationRound }}", "2d");
}

/* TZ=Europe/Berlin (set in main before the first use of Local). */
static void test_local_zone(void **state) {
    (void)state;
    expect("{{ date \"2006-01-02 15:04:05 MST -0700\" 1700000000 }}", "2023-11-14 23:13:20 CET +0100");
    expect("{{ toDate \"2006-01-02 15:04:05\" \"2024-03-31 01:30:00\" }}", "2024-03-31 01:30:00 +0100 CET");
    expect("{{ toDate \"2006-01-02 15:04:05\" \"2024-03-31 02:30:00\" }}", "2024-03-31 03:30:00 +0200 CEST");
    expect("{{ toDate \"2006-01-02 15:04:05\" \"2024-10-27 02:30:00\" }}", "2024-10-27 02:30:00 +0100 CET");
    expect("{{ toDate \"2006-01-02 15:04:05\" \"2024-03-31 01:30:00\" | dateModify \"1h\" }}",
           "2024-03-31 03:30:00 +0200 CEST");
    expect("{{ toDate \"2006-01-02 15:04:05 MST\" \"2024-07-01 10:00:00 CEST\" }}", "2024-07-01 10:00:00 +0200 CEST");
    expect("{{ toDate \"2006-01-02 15:04:05 MST\" \"2024-01-01 10:00:00 CEST\" }}", "2024-01-01 09:00:00 +0100 CET");
    expect("{{ toDate \"2006-01-02 15:04:05 MST\" \"2024-07-01 10:00:00 EST\" }}", "2024-07-01 10:00:00 +0000 EST");
    expect("{{ toDate \"2006-01-02T15:04:05Z07:00\" \"2024-07-01T10:00:00+02:00\" }}",
           "2024-07-01 10:00:00 +0200 CEST");
    expect("{{ toDate \"2006-01-02T15:04:05Z07:00\" \"2024-07-01T10:00:00+01:00\" }}",
           "2024-07-01 10:00:00 +0100 +0100");
    expect("{{ toDate \"2006-01-02T15:04:05Z07:00\" \"2024-07-01T10:00:00Z\" }}", "2024-07-01 10:00:00 +0000 UTC");
    expect("{{ dateInZone \"15:04 MST\" 1700000000 \"Local\" }}", "23:13 CET");
    expect("{{ toDate \"2006\" \"x\" }}", "0001-01-01 00:00:00 +0000 UTC");
    expect("{{ toDate \"2006-01-02\" \"1850-01-01\" }}", "1850-01-01 00:00:00 +0053 LMT");
    expect("{{ toDate \"2006-01-02\" \"2200-07-01\" }}", "2200-07-01 00:00:00 +0200 CEST");
    expect("{{ toDate \"2006-01-02 MST\" \"2024-07-01 CET\" }}", "2024-07-01 01:00:00 +0200 CEST");
    expect("{{ toJson (toDate \"2006-01-02\" \"2024-07-01\") }}", "\"2024-07-01T00:00:00+02:00\"");
}

/* Time's methods in a zone with daylight saving time (TZ=Europe/Berlin;
 * expectations from helm v3.17.3 under the same TZ). */
static void test_local_methods(void **state) {
    (void)state;
#define SPRING "(toDate \"2006-01-02 15:04:05\" \"2024-03-30 02:30:00\")"
#define FALL "(toDate \"2006-01-02 15:04:05\" \"2024-10-27 01:30:00\")"
#define JULY "(toDate \"2006-01-02T15:04:05Z07:00\" \"2024-07-01T10:00:00Z\")"
    /* AddDate keeps the wall clock: a day is 24h in spring (02:30 does not
     * exist: 03:30 CEST), 25h on the day clocks go back */
    expect("{{ " SPRING ".AddDate 0 0 1 }}", "2024-03-31 03:30:00 +0200 CEST");
    expect("{{ (" SPRING ".AddDate 0 0 1).Sub " SPRING " }}", "24h0m0s");
    expect("{{ (" FALL ".AddDate 0 0 1).Sub " FALL " }}", "25h0m0s");
    expect("{{ " FALL ".AddDate 0 -1 0 }}", "2024-09-27 01:30:00 +0200 CEST");
    expect("{{ " FALL ".Add 3600000000000 }}", "2024-10-27 02:30:00 +0200 CEST");
    /* Truncate and Round work on absolute time, not on the wall clock */
    expect("{{ (" FALL ".Add 3600000000000).Truncate 3600000000000 }}", "2024-10-27 02:00:00 +0200 CEST");
    expect("{{ (" FALL ".Add 7200000000000).Round 86400000000000 }}", "2024-10-27 02:00:00 +0200 CEST");
    expect("{{ (toDate \"2006-01-02 15:04:05\" \"2024-03-31 01:59:59\").Add 1000000000 }}",
           "2024-03-31 03:00:00 +0200 CEST");
    expect("{{ printf \"%v %v %d\" " FALL ".Weekday " FALL ".Month " FALL ".YearDay }}", "Sunday October 301");
    /* Local is named after $TZ; GoString still says time.Local */
    expect("{{ " SPRING ".Location }}|{{ " JULY ".Local.Location }}", "Europe/Berlin|Europe/Berlin");
    expect("{{ " JULY ".In " SPRING ".Location }}", "2024-07-01 12:00:00 +0200 CEST");
    expect("{{ printf \"%#v\" (" JULY ".In " SPRING ".Location) }}",
           "time.Date(2024, time.July, 1, 12, 0, 0, 0, time.Local)");
    expect("{{ eq " SPRING ".Location " JULY ".Local.Location }}", "true");
    expect("{{ " SPRING ".IsDST }} {{ " FALL ".IsDST }} {{ (" FALL ".Add 3600000000000).IsDST }} {{ " JULY ".IsDST }} {{ " JULY
           ".Local.IsDST }}",
           "false true true false true");
    expect("{{ " JULY ".Local.MarshalBinary }}", "[1 0 0 0 14 222 20 117 32 0 0 0 0 0 120]");
#undef SPRING
#undef FALL
#undef JULY
}

/* Methods on times from now: Sub, Before and Equal use the monotonic
 * readings; Round, Truncate, AddDate and In drop them. */
static void test_now_methods(void **state) {
    (void)state;
    expect("{{ $n := now }}{{ ($n.Add 1000).Sub $n }} {{ $n.Before ($n.Add 1) }} {{ $n.Equal $n }}", "1µs true true");
    expect_match("{{ (now).Round 0 }}", "^2[0-9]{3}-[0-9]{2}-[0-9]{2} [0-9:.]+ \\+0[12]00 CES?T$");
    expect_match("{{ (now).Truncate 3600000000000 }}", "^2[0-9]{3}-[0-9]{2}-[0-9]{2} [0-9]{2}:00:00 \\+0[12]00 CES?T$");
    expect_match("{{ (now).AddDate 0 0 0 }}", "^[^m]*$");
    expect_match("{{ (now).In (now).Location }}", "^[^m]*$");
    expect_match("{{ (now).Month }} {{ (now).Weekday }}", "^[A-Z][a-z]+ [A-Z][a-z]+day$");
    expect_match("{{ ((now).Sub (toDate \"2006\" \"2020\")).Hours }}", "^[0-9]+\\.?[0-9]*(e\\+[0-9]+)?$");
}

/* The C side of the methods (core/gotime.h). */
static void test_time_method_api(void **state) {
    (void)state;
    kz_value t = kz_gotime_make(1706745599, 999999999, 0, "UTC", "UTC"); /* 2024-01-31T23:59:59.999999999Z */
    kz_gotime_civil c;
    kz_gotime_civil_of(&t, &c);
    assert_true(c.year == 2024 && c.month == 1 && c.day == 31 && c.hour == 23 && c.yday == 31 && c.wday == 3);
    kz_value next = kz_gotime_add_date(&t, 0, 1, 0); /* February 31st: March 2nd */
    kz_gotime_civil_of(&next, &c);
    assert_true(c.month == 3 && c.day == 2 && c.sec == 59);
    assert_true(kz_gotime_sub(&next, &t) == 31LL * 86400 * 1000000000);
    assert_int_equal(kz_gotime_compare(&t, &next), -1);
    assert_int_equal(kz_gotime_compare(&next, &t), 1);
    assert_int_equal(kz_gotime_compare(&t, &t), 0);
    kz_value back = kz_gotime_add_date(&t, -1, -25, 0); /* months below zero borrow from the year */
    kz_gotime_civil_of(&back, &c);
    assert_true(c.year == 2020 && c.month == 12 && c.day == 31);
    kz_value r = kz_gotime_round(&t, 1000000000, true);
    assert_true(kz_gotime_unix_sec(&r) == 1706745600);
    kz_value tr = kz_gotime_round(&t, 1000000000, false);
    assert_true(kz_gotime_unix_sec(&tr) == 1706745599);
    kz_value fixed = kz_gotime_make(0, 0, -5400, "", ""); /* a fixed zone: In keeps its offset */
    kz_value loc = kz_gotime_location(&fixed);
    kz_value in = kz_gotime_in_location(&t, &loc);
    kz_buf b = KZ_BUF_INIT;
    kz_gotime_string(&in, &b);
    assert_string_equal(kz_buf_cstr(&b), "2024-01-31 22:29:59.999999999 -0130 -0130");
    kz_buf_clear(&b);
    kz_gotime_go_string(&in, &b);
    assert_string_equal(kz_buf_cstr(&b), "time.Date(2024, time.January, 31, 22, 29, 59, 999999999, time.Location(\"\"))");
    assert_true(kz_gotime_same_location(&in, &fixed) == false); /* -01:30 is no cached FixedZone */
    kz_buf_free(&b);
    kz_value vals[] = {t, next, back, r, tr, fixed, loc, in};
    for (size_t i = 0; i < sizeof vals / sizeof vals[0]; i++) kz_free(vals[i]);
    assert_true(kz_goduration_truncate(-1500000000, 1000000000) == -1000000000);
    assert_true(kz_goduration_abs(INT64_MIN) == INT64_MAX);
    assert_true(kz_goduration_in(5400000000000, 3600000000000) == 1.5);
}

/* Zones load once and are shared: format in many zones from several threads. */
static void *zone_worker(void *arg) {
    (void)arg;
    static const char *const zones[] = {"America/New_York", "Asia/Kolkata", "Europe/Paris", "Australia/Sydney",
                                        "Pacific/Chatham", "Local", "UTC", "Bad/Zone"};
    for (int round = 0; round < 20; round++) {
        for (size_t i = 0; i < sizeof zones / sizeof zones[0]; i++) {
            kz_value t = kz_gotime_unix(1700000000 + round * 86400 * 30, 0);
            kz_value in = kz_gotime_in(&t, zones[i]);
            kz_buf b = KZ_BUF_INIT;
            kz_gotime_format(&in, "2006-01-02 15:04 MST", 20, &b);
            if (b.len < 18) return (void *)1;
            kz_buf_free(&b);
            kz_free(in);
            kz_free(t);
        }
    }
    return NULL;
}

static void test_threads(void **state) {
    (void)state;
    pthread_t th[4];
    for (int i = 0; i < 4; i++) assert_int_equal(pthread_create(&th[i], NULL, zone_worker, NULL), 0);
    for (int i = 0; i < 4; i++) {
        void *r;
        pthread_join(th[i], &r);
        assert_null(r);
    }
}

static void test_duration_api(void **state) {
    (void)state;
    static const struct {
        int64_t d;
        const char *s;
    } cases[] = {{0, "0s"},           {1, "1ns"},           {1500, "1.5µs"},          {1500000, "1.5ms"},
                 {1500000000, "1.5s"}, {3723000000000, "1h2m3s"}, {-60000000000, "-1m0s"},
                 {INT64_MIN, "-2562047h47m16.854775808s"}, {INT64_MAX, "2562047h47m16.854775807s"}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        kz_buf b = KZ_BUF_INIT;
        kz_goduration_string(cases[i].d, &b);
        assert_string_equal(kz_buf_cstr(&b), cases[i].s);
        kz_buf_clear(&b);
        int64_t back;
        assert_true(kz_goduration_parse(cases[i].s, strlen(cases[i].s), &back, &b));
        assert_true(back == cases[i].d);
        kz_buf_free(&b);
    }
    assert_true(kz_goduration_round(1499999999, 1000000000) == 1000000000);
    assert_true(kz_goduration_round(1500000000, 1000000000) == 2000000000);
    assert_true(kz_goduration_round(-1500000000, 1000000000) == -2000000000);
    assert_true(kz_goduration_round(INT64_MAX, 1000000000) == INT64_MAX);
}

int main(void) {
    setenv("TZ", "Europe/Berlin", 1);
    funcs = kz_funcs_new();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_now_shape),     cmocka_unit_test(test_date_of_now),
        cmocka_unit_test(test_ago),           cmocka_unit_test(test_duration_round_of_time),
        cmocka_unit_test(test_local_zone),    cmocka_unit_test(test_threads),
        cmocka_unit_test(test_duration_api),  cmocka_unit_test(test_local_methods),
        cmocka_unit_test(test_now_methods),   cmocka_unit_test(test_time_method_api),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    kz_tmpl_funcs_free(funcs);
    return rc;
}
