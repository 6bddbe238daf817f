/*
 * Tests of semver/semver.h against Masterminds/semver v3.3.0 as helm v3.17 runs it.
 *
 * Goldens in tests/golden/semver/ were recorded with the reference helm by regen.sh:
 * compare.tsv (semverCompare over constraints x versions), fields.tsv (the fields of
 * `semver V`) and errors.tsv (edge cases of semverCompare, mostly its error messages).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/file.h"
#include "core/value.h"
#include "semver/semver.h"

#define GOLDEN_DIR KZ_TEST_DATA "/golden/semver/"
#define MAX_FIELDS 10

/* ---- helpers ---- */

static char *read_golden(const char *name) {
    kz_buf b = KZ_BUF_INIT;
    kz_value err;
    char path[512];
    snprintf(path, sizeof path, "%s%s", GOLDEN_DIR, name);
    if (kz_file_read(path, &b, &err) != 0) fail_msg("%s", kz_error_message(&err));
    return kz_buf_detach(&b, NULL);
}

/* Split line (modified in place) at tabs; returns the number of fields. */
static int split_tabs(char *line, char **fields) {
    int n = 0;
    fields[n++] = line;
    for (char *p = line; *p && n < MAX_FIELDS; p++)
        if (*p == '\t') *p = '\0', fields[n++] = p + 1;
    return n;
}

/* Next line of *cursor (NUL-terminated in place), or NULL at the end. */
static char *next_line(char **cursor) {
    char *line = *cursor;
    if (!*line) return NULL;
    char *nl = strchr(line, '\n');
    if (nl) *nl = '\0', *cursor = nl + 1;
    else *cursor = line + strlen(line);
    return line;
}

static kz_semver parse_ok(const char *s) {
    kz_semver v;
    kz_value err = kz_semver_parse(s, strlen(s), &v);
    if (!kz_is_null(&err)) fail_msg("parse %s: %s", s, kz_error_message(&err));
    return v;
}

/* What sprig's semverCompare gives: "value: true|false" or "error: MESSAGE". */
static char *semver_compare(const char *constraint, const char *version) {
    kz_semver_constraint *c;
    kz_value err = kz_semver_constraint_parse(constraint, strlen(constraint), &c);
    if (kz_is_null(&err)) {
        kz_semver v;
        err = kz_semver_parse(version, strlen(version), &v);
        if (kz_is_null(&err)) {
            bool ok = kz_semver_constraint_check(c, &v);
            kz_semver_free(&v);
            kz_semver_constraint_free(c);
            return strdup(ok ? "value: true" : "value: false");
        }
        kz_semver_constraint_free(c);
    }
    kz_buf b = KZ_BUF_INIT;
    kz_buf_printf(&b, "error: %s", kz_error_message(&err));
    kz_free(err);
    return kz_buf_detach(&b, NULL);
}

/* ---- golden tests ---- */

static void test_compare_table(void **state) {
    (void)state;
    char *data = read_golden("compare.tsv"), *cursor = data, *line;
    int total = 0, failed = 0;
    while ((line = next_line(&cursor))) {
        char *f[MAX_FIELDS];
        assert_int_equal(split_tabs(line, f), 3);
        char want[64];
        snprintf(want, sizeof want, "value: %s", f[2]);
        char *got = semver_compare(f[0], f[1]);
        if (strcmp(got, want) != 0 && failed++ < 20)
            print_message("semverCompare \"%s\" \"%s\": got %s, want %s\n", f[0], f[1], got, want);
        free(got);
        total++;
    }
    free(data);
    print_message("compare.tsv: %d/%d agree\n", total - failed, total);
    assert_true(total >= 1000);
    assert_int_equal(failed, 0);
}

static void test_edge_cases(void **state) {
    (void)state;
    char *data = read_golden("errors.tsv"), *cursor = data, *line;
    int total = 0, failed = 0;
    while ((line = next_line(&cursor))) {
        char *f[MAX_FIELDS];
        assert_int_equal(split_tabs(line, f), 3);
        char *got = semver_compare(f[0], f[1]);
        if (strcmp(got, f[2]) != 0 && failed++ < 20)
            print_message("semverCompare \"%s\" \"%s\": got [%s], want [%s]\n", f[0], f[1], got, f[2]);
        free(got);
        total++;
    }
    free(data);
    assert_true(total >= 30);
    assert_int_equal(failed, 0);
}

static void test_fields(void **state) {
    (void)state;
    char *data = read_golden("fields.tsv"), *cursor = data, *line;
    int total = 0;
    while ((line = next_line(&cursor))) {
        char *f[MAX_FIELDS];
        assert_int_equal(split_tabs(line, f), 8);
        kz_semver v = parse_ok(f[0]);
        char num[3][32];
        snprintf(num[0], sizeof num[0], "%llu", (unsigned long long)v.major);
        snprintf(num[1], sizeof num[1], "%llu", (unsigned long long)v.minor);
        snprintf(num[2], sizeof num[2], "%llu", (unsigned long long)v.patch);
        assert_string_equal(num[0], f[1]);
        assert_string_equal(num[1], f[2]);
        assert_string_equal(num[2], f[3]);
        assert_string_equal(v.prerelease, f[4]);
        assert_string_equal(v.metadata, f[5]);
        assert_string_equal(v.original, f[6]);
        char *s = kz_semver_string(&v);
        assert_string_equal(s, f[7]);
        free(s);
        kz_semver_free(&v);
        total++;
    }
    free(data);
    assert_true(total >= 10);
}

/* ---- direct tests ---- */

/* SemVer 2.0 section 11's precedence example, plus metadata being ignored. */
static void test_precedence(void **state) {
    (void)state;
    const char *ordered[] = {"1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta",
                             "1.0.0-beta.2", "1.0.0-beta.11", "1.0.0-rc.1", "1.0.0",
                             "1.0.1", "1.1.0", "2.0.0", "10.0.0"};
    size_t n = sizeof ordered / sizeof ordered[0];
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j < n; j++) {
            kz_semver a = parse_ok(ordered[i]), b = parse_ok(ordered[j]);
            int want = i < j ? -1 : i > j;
            assert_int_equal(kz_semver_compare(&a, &b), want);
            kz_semver_free(&a);
            kz_semver_free(&b);
        }
    }
    kz_semver a = parse_ok("1.2.3+a"), b = parse_ok("v1.2.3+b");
    assert_int_equal(kz_semver_compare(&a, &b), 0);
    kz_semver_free(&a);
    kz_semver_free(&b);
}

static void test_errors_leave_nothing(void **state) {
    (void)state;
    kz_semver v;
    kz_value err = kz_semver_parse("1.2.3-01", 8, &v);
    assert_string_equal(kz_error_message(&err), "Version segment starts with 0");
    assert_null(v.original);
    kz_free(err);
    kz_semver_constraint *c = (kz_semver_constraint *)&v;
    err = kz_semver_constraint_parse(">1 || ~", 7, &c);
    assert_string_equal(kz_error_message(&err), "improper constraint:  ~");
    assert_null(c);
    kz_free(err);
    /* Bytes after n are not read; NUL inside is rejected. */
    err = kz_semver_parse("1.2.3garbage", 5, &v);
    assert_true(kz_is_null(&err));
    assert_string_equal(v.original, "1.2.3");
    kz_semver_free(&v);
    err = kz_semver_parse("1\0002", 3, &v);
    assert_string_equal(kz_error_message(&err), "Invalid Semantic Version");
    kz_free(err);
}

/* The hand-read path for plain constraints and Masterminds' patterns give
 * the same outcome (the same error, or constraints that accept the same
 * versions) over constraints built from plain and not-quite-plain pieces:
 * every operator spelling, spacing, wildcards, prereleases, metadata,
 * leading zeros, extra parts, separators, alternatives. */
static const char *const probe_versions[] = {
    "0.0.0", "0.1.0", "1.0.0", "1.2.0", "1.2.3", "1.2.4", "1.3.0", "2.0.0", "1.2.3-alpha.1",
    "1.2.3-beta", "1.14.0-0", "1.14.2", "1.2.3+b5", "0.0.0-0", "3.1.4-rc.1", "10.0.0",
};

static char *outcome(const char *text, bool regexes) {
    kz_semver_constraint *c;
    kz_value err = regexes ? kz_semver_constraint_parse_regexes(text, strlen(text), &c)
                           : kz_semver_constraint_parse(text, strlen(text), &c);
    kz_buf b = KZ_BUF_INIT;
    if (kz_error_message(&err)) {
        kz_buf_printf(&b, "error: %s", kz_error_message(&err));
    } else {
        for (size_t i = 0; i < sizeof probe_versions / sizeof probe_versions[0]; i++) {
            kz_semver v = parse_ok(probe_versions[i]);
            kz_buf_putc(&b, kz_semver_constraint_check(c, &v) ? '1' : '0');
            kz_semver_free(&v);
        }
        kz_semver_constraint_free(c);
    }
    kz_free(err);
    return kz_buf_detach(&b, NULL);
}

static void check_same(const char *text, size_t *checked) {
    char *fast = outcome(text, false), *slow = outcome(text, true);
    if (strcmp(fast, slow) != 0) fail_msg("constraint \"%s\": hand-read %s, patterns %s", text, fast, slow);
    free(fast);
    free(slow);
    (*checked)++;
}

static void test_plain_matches_patterns(void **state) {
    (void)state;
    static const char *const ops[] = {"", "=", "!=", ">", "<", ">=", "=>", "<=", "=<", "~", "~>", "^", "!", "==", "> ="};
    static const char *const gaps[] = {"", " ", "\t "};
    static const char *const versions[] = {
        "1", "1.2", "1.2.3", "v1.2.3", "1.x", "x", "*", "1.2.X", "1.2.3-alpha.1", "1.2.3+b5",
        "1.2.3-rc.1+meta.2", "01.2.3", "1.2.3.4", "1x", "1.2-", "1.2.3-", "1.2.3+", "V1", "1.|.3",
        "1.2.3-a..b", "99999999999999999999.1.1", "1.14-0", "2.x.x", "x.2", "1.2.3-0", "v2", "",
        ".1", "1.", "1.2.3-x.y-z"};
    static const char *const seps[] = {" ", ",", ", ", " , ", "  ", ",,", "||", " || ", " - "};
    char text[256];
    size_t checked = 0;
    for (size_t o = 0; o < sizeof ops / sizeof ops[0]; o++)
        for (size_t g = 0; g < sizeof gaps / sizeof gaps[0]; g++)
            for (size_t v = 0; v < sizeof versions / sizeof versions[0]; v++) {
                snprintf(text, sizeof text, "%s%s%s", ops[o], gaps[g], versions[v]);
                check_same(text, &checked);
                snprintf(text, sizeof text, " %s%s%s ", ops[o], gaps[g], versions[v]);
                check_same(text, &checked);
            }
    /* two and three items: every separator, a sample of operators */
    static const char *const few_ops[] = {"", ">=", "<", "~", "^", "!=", "=>"};
    for (size_t a = 0; a < sizeof versions / sizeof versions[0]; a++)
        for (size_t b = 0; b < sizeof versions / sizeof versions[0]; b += 3)
            for (size_t s = 0; s < sizeof seps / sizeof seps[0]; s++) {
                const char *o1 = few_ops[(a + s) % 7], *o2 = few_ops[(b + 2 * s) % 7];
                snprintf(text, sizeof text, "%s%s%s%s%s", o1, versions[a], seps[s], o2, versions[b]);
                check_same(text, &checked);
                snprintf(text, sizeof text, "%s %s%s%s%s, <%s", o1, versions[a], seps[s], o2, versions[b],
                         versions[(a + b) % 30]);
                check_same(text, &checked);
            }
    assert_true(checked > 3000);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_compare_table),
        cmocka_unit_test(test_edge_cases),
        cmocka_unit_test(test_fields),
        cmocka_unit_test(test_precedence),
        cmocka_unit_test(test_errors_leave_nothing),
        cmocka_unit_test(test_plain_matches_patterns),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
