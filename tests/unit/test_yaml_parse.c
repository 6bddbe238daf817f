/*
 * YAML parser tests: the rules of both modes, checked against what helm and
 * kubectl kustomize did with the same inputs (tests/golden/parse/, regenerated
 * by regen.sh), plus positions, anchors, merges, tags, limits and exact errors.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/file.h"
#include "json/json.h"
#include "yaml/emit.h"
#include "yaml/parse.h"

#define GOLDEN KZ_TEST_DATA "/golden/parse"

static const kz_yaml_parse_opts HELM = {.schema = KZ_YAML_HELM, .source_name = "t.yaml"};
static const kz_yaml_parse_opts KYAML = {.schema = KZ_YAML_KYAML, .source_name = "t.yaml"};
/* As Helm's loaders parse: errors in go-yaml's and sigs.k8s.io/yaml's words. */
static const kz_yaml_parse_opts GO = {.schema = KZ_YAML_HELM, .source_name = "t.yaml", .go_errors = true};

static kz_value one(const char *text, const kz_yaml_parse_opts *o) {
    return kz_yaml_parse_one(text, strlen(text), o);
}

static char *slurp(const char *path, size_t *len) {
    kz_buf b = KZ_BUF_INIT;
    kz_value err;
    if (kz_file_read(path, &b, &err) != 0) fail_msg("%s", kz_error_message(&err));
    return kz_buf_detach(&b, len);
}

static void assert_error(kz_value v, const char *want) {
    const char *msg = kz_error_message(&v);
    if (!msg || strcmp(msg, want) != 0) {
        print_error("want error \"%s\", got \"%s\" (kind %s)\n", want, msg ? msg : "(none)",
                    kz_kind_name(kz_kind_of(&v)));
        fail();
    }
    kz_free(v);
}

/* Equality as data where a number equals any number of the same value: kustomize
 * prints 1.0 as 1, so its output can't tell INT from FLOAT. */
static bool same_data(const kz_value *a, const kz_value *b) {
    if (kz_is_number(a) && kz_is_number(b)) {
        if (kz_kind_of(a) == KZ_INT && kz_kind_of(b) == KZ_INT) return kz_int_get(a) == kz_int_get(b);
        return kz_float_get(a) == kz_float_get(b);
    }
    if (kz_kind_of(a) != kz_kind_of(b)) return false;
    if (kz_is_seq(a)) {
        if (kz_len(a) != kz_len(b)) return false;
        for (size_t i = 0; i < kz_len(a); i++)
            if (!same_data(kz_seq_at(a, i), kz_seq_at(b, i))) return false;
        return true;
    }
    if (kz_is_map(a)) {
        if (kz_len(a) != kz_len(b)) return false;
        for (size_t i = 0; i < kz_len(a); i++) {
            const kz_value *k = kz_map_key_at(a, i);
            const kz_value *bv = kz_map_get(b, kz_str(k), kz_str_len(k));
            if (!bv || !same_data(kz_map_value_at(a, i), bv)) return false;
        }
        return true;
    }
    return kz_equal(a, b);
}

static kz_value json(const char *text) {
    kz_json_parse_opts o = {KZ_JSON_NUMBERS_FLOAT64, "golden"};
    kz_value v = kz_json_parse(text, strlen(text), &o);
    assert_true(kz_is_valid(&v));
    return v;
}

/* ---------------------------------------------------- helm goldens */

/* Every line of helm_scalars.tsv: "x: INPUT" must read as helm's toJson says. */
static void test_helm_scalars_golden(void **state) {
    (void)state;
    size_t len;
    char *text = slurp(GOLDEN "/helm_scalars.tsv", &len);
    int checked = 0;
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
        char *tab = strchr(line, '\t');
        assert_non_null(tab);
        *tab = '\0';
        char doc[512];
        snprintf(doc, sizeof doc, "x: %s\n", line);
        kz_value got = one(doc, &HELM);
        const char *want = tab + 1;
        if (strncmp(want, "ERROR", 5) == 0) {
            const char *tail = strstr(want, "json: unsupported value");
            assert_non_null(tail);
            const char *msg = kz_error_message(&got);
            if (!msg || !strstr(msg, tail)) {
                print_error("%s: want error \"%s\", got \"%s\"\n", line, tail, msg ? msg : "(value)");
                fail();
            }
        } else {
            kz_value exp = json(want);
            if (!kz_equal(&got, &exp)) {
                print_error("helm scalar \"%s\": want %s, got kind %s\n", line, want,
                            kz_kind_name(kz_kind_of(kz_map_getz(&got, "x"))));
                fail();
            }
            kz_free(exp);
        }
        kz_free(got);
        checked++;
    }
    assert_true(checked > 70);
    free(text);
}

/* Messages helm printed that our parser reproduces (the tail after "yaml: "). */
static const char *helm_message_tail(const char *out) {
    const char *p = strstr(out, "error converting YAML to JSON: ");
    if (!p) return NULL;
    p += strlen("error converting YAML to JSON: ");
    if (strncmp(p, "yaml: ", 6) == 0) p += 6;
    if (strncmp(p, "line ", 5) == 0) p = strstr(p, ": ") + 2; /* we print file:line:col */
    return p;
}

/* Call check(name, in, ilen, out) for every helm/NAME.yaml with its
 * recorded NAME.out; returns how many cases check counted (it returns 1 for
 * a case it checked, 0 for one it skipped). */
static int for_each_helm_golden(int (*check)(const char *name, const char *in, size_t ilen, char *out)) {
    DIR *d = opendir(GOLDEN "/helm");
    assert_non_null(d);
    struct dirent *de;
    int checked = 0;
    while ((de = readdir(d))) {
        size_t n = strlen(de->d_name);
        if (n < 6 || strcmp(de->d_name + n - 5, ".yaml") != 0) continue;
        char path[1024], outp[1024];
        snprintf(path, sizeof path, GOLDEN "/helm/%s", de->d_name);
        snprintf(outp, sizeof outp, GOLDEN "/helm/%.*s.out", (int)(n - 5), de->d_name);
        size_t ilen, olen;
        char *in = slurp(path, &ilen), *out = slurp(outp, &olen);
        checked += check(de->d_name, in, ilen, out);
        free(in);
        free(out);
    }
    closedir(d);
    return checked;
}

/* As values: the same data as helm's toJson, or the same error. */
static int check_helm_document(const char *name, const char *in, size_t ilen, char *out) {
    kz_value got = kz_yaml_parse_one(in, ilen, &GO); /* as Helm reads values.yaml */
    if (strncmp(out, "ERROR", 5) == 0) {
        const char *tail = helm_message_tail(out);
        const char *msg = kz_error_message(&got);
        if (!tail) { /* "error unmarshaling JSON": the caller's check (top level not a map) */
            assert_true(kz_is_valid(&got) && !kz_is_map(&got));
        } else {
            char want[512];
            snprintf(want, sizeof want, "%s", tail);
            want[strcspn(want, "\n")] = '\0';
            if (!msg || !strstr(msg, want)) {
                print_error("%s: want error containing \"%s\", got \"%s\"\n", name, want, msg ? msg : "(value)");
                fail();
            }
        }
    } else {
        out[strcspn(out, "\n")] = '\0';
        kz_value exp = json(out);
        if (kz_is_null(&got)) { /* helm reads an empty document as {} */
            kz_free(got);
            got = kz_map();
        }
        if (!kz_equal(&got, &exp)) {
            print_error("%s: want %s\n", name, out);
            fail();
        }
        kz_free(exp);
    }
    kz_free(got);
    return 1;
}

static void test_helm_documents_golden(void **state) {
    (void)state;
    assert_true(for_each_helm_golden(check_helm_document) > 30);
}

/* As Helm's loaders read them (go_errors): helm's very message, the %#v of
 * keys and values included. */
static int check_helm_go_error(const char *name, const char *in, size_t ilen, char *out) {
    const char *tail = strstr(out, "error converting YAML to JSON: ");
    if (strncmp(out, "ERROR", 5) != 0 || !tail) return 0;
    char want[1024];
    snprintf(want, sizeof want, "%s", tail + strlen("error converting YAML to JSON: "));
    want[strcspn(want, "\n")] = '\0';
    kz_value got = kz_yaml_parse_one(in, ilen, &GO);
    const char *msg = kz_error_message(&got);
    if (!msg || strcmp(msg, want) != 0) {
        print_error("%s: want error \"%s\", got \"%s\"\n", name, want, msg ? msg : "(value)");
        fail();
    }
    kz_free(got);
    return 1;
}

static void test_helm_documents_golden_go_errors(void **state) {
    (void)state;
    assert_true(for_each_helm_golden(check_helm_go_error) >= 15);
}

/* Helm decodes a document, then converts its keys, then marshals it as JSON:
 * an error of an earlier step wins wherever it is; NaN and infinities are
 * met in the order of sorted keys. (Each checked against helm 3.17.) */
static void test_go_errors_order(void **state) {
    (void)state;
    assert_error(one("a: .inf\nb: !!int x\n", &GO), "yaml: cannot decode !!str `x` as a !!int");
    assert_error(one("a: .inf\n~: 2\n", &GO), "unsupported map key of type: %!s(<nil>), key: <nil>, value: 2");
    assert_error(one("b: .inf\na: [.nan]\n", &GO), "json: unsupported value: NaN");
    assert_error(one("a: [1, {z: .inf, y: .nan}]\n", &GO), "json: unsupported value: NaN");
    assert_error(one("a: !!int x\nb: [\n", &GO), "yaml: line 2: did not find expected node content");
    assert_error(one("a: *unknown\nb: .inf\n", &GO), "yaml: unknown anchor 'unknown' referenced");
    assert_error(one("~: {a: [1, \"x\\ty\", null, 1.5, true]}\n", &GO),
                 "unsupported map key of type: %!s(<nil>), key: <nil>, value: "
                 "map[interface {}]interface {}{\"a\":[]interface {}{1, \"x\\ty\", interface {}(nil), 1.5, true}}");
    assert_error(one("~: [{b: 1, a: 2}]\n", &GO), "unsupported map key of type: %!s(<nil>), key: <nil>, value: "
                                                  "[]interface {}{map[interface {}]interface {}{\"a\":2, \"b\":1}}");
    assert_error(one("b: .inf\n? [1, {a: .inf}]\n: 2\n", &GO),
                 "yaml: invalid map key: []interface {}{1, map[interface {}]interface {}{\"a\":+Inf}}");
    assert_error(one("9223372036854775808: .inf\n", &GO),
                 "unsupported map key of type: uint64, key: 0x8000000000000000, value: +Inf");
    assert_error(one("? [1, 1e20, 100000000, 2.5, -0]\n: x\n", &GO),
                 "yaml: invalid map key: []interface {}{1, 1e+20, 100000000, 2.5, 0}");
    assert_error(one("a: &x [*x]\n", &GO), "yaml: anchor 'x' value contains itself");
    /* keys sigs.k8s.io/yaml rejects, inside a key go-yaml rejects: Go's %#v of them */
    assert_error(one("? {~: 1, a: 2}\n: 3\n", &GO),
                 "yaml: invalid map key: map[interface {}]interface {}{interface {}(nil):1, \"a\":2}");
    assert_error(one("? {9223372036854775808: 1}\n: 3\n", &GO),
                 "yaml: invalid map key: map[interface {}]interface {}{0x8000000000000000:1}");
    /* infinite keys are fine: sigs.k8s.io/yaml spells them as go-yaml does */
    kz_value k = one(".inf: a\n-.inf: b\n.nan: c\n", &GO);
    assert_true(kz_is_map(&k));
    assert_true(kz_str_eqz(kz_map_key_at(&k, 0), ".inf"));
    assert_true(kz_str_eqz(kz_map_key_at(&k, 1), "-.inf"));
    assert_true(kz_str_eqz(kz_map_key_at(&k, 2), ".nan"));
    kz_free(k);
}

/* ---------------------------------------------------- kustomize goldens */

static void test_kyaml_scalars_golden(void **state) {
    (void)state;
    size_t len;
    char *text = slurp(GOLDEN "/kyaml_scalars.tsv", &len);
    int checked = 0;
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
        char *tab = strchr(line, '\t');
        assert_non_null(tab);
        *tab = '\0';
        char *printed = tab + 1;
        char *tab2 = strchr(printed, '\t');
        if (tab2) *tab2 = '\0';
        char doc[512];
        snprintf(doc, sizeof doc, "x: %s\n", line);
        kz_value got = one(doc, &KYAML);
        assert_true(kz_is_map(&got));
        const kz_value *x = kz_map_getz(&got, "x");
        if (*printed == '\0') { /* kustomize failed later in JSON: .inf/.nan */
            assert_int_equal(kz_kind_of(x), KZ_FLOAT);
            assert_false(isfinite(kz_float_get(x)));
        } else {
            /* kustomize printed canonical YAML: read it back as the expectation. */
            char expdoc[512];
            snprintf(expdoc, sizeof expdoc, "%s\n", printed);
            kz_value exp = one(expdoc, &KYAML);
            const kz_value *ex = kz_map_getz(&exp, "x");
            if (!ex || !same_data(x, ex)) {
                print_error("kyaml scalar \"%s\": kustomize printed \"%s\", we read kind %s \"%s\"\n",
                            line, printed, kz_kind_name(kz_kind_of(x)), kz_str(x));
                fail();
            }
            kz_free(exp);
            /* And printed back, the line is kustomize's, byte for byte. */
            kz_buf out = KZ_BUF_INIT;
            kz_yaml_emit(&out, &got);
            if (strncmp(kz_buf_cstr(&out), printed, strlen(printed)) != 0 ||
                strcmp(kz_buf_cstr(&out) + strlen(printed), "\n") != 0) {
                print_error("kyaml scalar \"%s\": kustomize printed \"%s\", we print \"%s\"\n", line,
                            printed, kz_buf_cstr(&out));
                fail();
            }
            kz_buf_free(&out);
        }
        kz_free(got);
        checked++;
    }
    assert_true(checked > 70);
    free(text);
}

/* kyaml/NAME.yaml: same documents as kustomize printed, or an error where it failed. */
static void test_kyaml_documents_golden(void **state) {
    (void)state;
    DIR *d = opendir(GOLDEN "/kyaml");
    assert_non_null(d);
    struct dirent *de;
    int checked = 0;
    while ((de = readdir(d))) {
        size_t n = strlen(de->d_name);
        if (n < 6 || strcmp(de->d_name + n - 5, ".yaml") != 0) continue;
        /* kustomize-specific outcomes, not the parser's: a BOM read as part of a key,
         * a stack overflow on a self alias, a merge error reported at build time. */
        if (!strcmp(de->d_name, "bom.yaml") || !strcmp(de->d_name, "self_alias.yaml")) continue;
        char path[1024], outp[1024];
        snprintf(path, sizeof path, GOLDEN "/kyaml/%s", de->d_name);
        snprintf(outp, sizeof outp, GOLDEN "/kyaml/%.*s.out", (int)(n - 5), de->d_name);
        size_t ilen, olen;
        char *in = slurp(path, &ilen), *out = slurp(outp, &olen);
        kz_value got = kz_yaml_parse_stream(in, ilen, &KYAML);
        if (strncmp(out, "ERROR", 5) == 0) {
            bool json_only = strstr(out, "json: unsupported value") != NULL;
            if (json_only) {
                assert_true(kz_is_valid(&got));
            } else if (kz_is_valid(&got)) {
                print_error("%s: kustomize failed (%s) but we parsed it\n", de->d_name, out);
                fail();
            }
        } else {
            kz_value exp = kz_yaml_parse_stream(out, olen, &KYAML);
            assert_true(kz_is_seq(&exp));
            assert_true(kz_is_seq(&got));
            /* kustomize drops empty documents */
            kz_value nonempty = kz_seq();
            for (size_t i = 0; i < kz_len(&got); i++)
                if (!kz_is_null(kz_seq_at(&got, i))) kz_seq_push(&nonempty, kz_copy(kz_seq_at(&got, i)));
            if (!same_data(&nonempty, &exp)) {
                print_error("%s: differs from kustomize output\n", de->d_name);
                fail();
            }
            kz_free(nonempty);
            kz_free(exp);
        }
        kz_free(got);
        free(in);
        free(out);
        checked++;
    }
    closedir(d);
    assert_true(checked > 15);
}

/* ---------------------------------------------------- specific rules */

static void test_number_kinds(void **state) {
    (void)state;
    kz_value h = one("a: 1\nb: 1.5\nc: 0x10\nd: yes\ne: 9223372036854775807\n", &HELM);
    assert_int_equal(kz_kind_of(kz_map_getz(&h, "a")), KZ_FLOAT);
    assert_int_equal(kz_kind_of(kz_map_getz(&h, "c")), KZ_FLOAT);
    assert_true(kz_float_get(kz_map_getz(&h, "c")) == 16.0);
    assert_int_equal(kz_kind_of(kz_map_getz(&h, "d")), KZ_BOOL);
    kz_free(h);
    kz_value k = one("a: 1\nb: 1.5\nc: 0x10\nd: yes\ne: 9223372036854775807\nf: -9223372036854775808\n"
                     "g: 1.0\nh: 18446744073709551615\ni: .NaN\nj: -.inf\n", &KYAML);
    assert_int_equal(kz_kind_of(kz_map_getz(&k, "a")), KZ_INT);
    assert_int_equal(kz_kind_of(kz_map_getz(&k, "b")), KZ_FLOAT);
    assert_int_equal(kz_int_get(kz_map_getz(&k, "c")), 16);
    assert_true(kz_str_eqz(kz_map_getz(&k, "d"), "yes"));
    assert_int_equal(kz_int_get(kz_map_getz(&k, "e")), INT64_MAX);
    assert_int_equal(kz_int_get(kz_map_getz(&k, "f")), INT64_MIN);
    assert_int_equal(kz_kind_of(kz_map_getz(&k, "g")), KZ_FLOAT);
    assert_int_equal(kz_kind_of(kz_map_getz(&k, "h")), KZ_INT); /* kept as uint64, as kustomize does */
    assert_true(kz_int_is_unsigned(kz_map_getz(&k, "h")));
    assert_true(kz_uint_get(kz_map_getz(&k, "h")) == UINT64_MAX);
    assert_true(isnan(kz_float_get(kz_map_getz(&k, "i"))));
    assert_true(kz_float_get(kz_map_getz(&k, "j")) < 0 && isinf(kz_float_get(kz_map_getz(&k, "j"))));
    kz_free(k);
}

static void test_timestamps_kyaml(void **state) {
    (void)state;
    kz_value k = one("a: 2001-12-14t21:59:43.10-05:00\nb: 2002-12-14\nc: 2002-12-14 21:59:43.10 -5\n"
                     "d: 2001-12-14 21:59:43.000\ne: 2001-02-30\nf: '2002-12-14'\n", &KYAML);
    assert_true(kz_str_eqz(kz_map_getz(&k, "a"), "2001-12-14T21:59:43.1-05:00"));
    assert_true(kz_str_eqz(kz_map_getz(&k, "b"), "2002-12-14T00:00:00Z"));
    assert_true(kz_str_eqz(kz_map_getz(&k, "c"), "2002-12-14 21:59:43.10 -5"));
    assert_true(kz_str_eqz(kz_map_getz(&k, "d"), "2001-12-14T21:59:43Z"));
    assert_true(kz_str_eqz(kz_map_getz(&k, "e"), "2001-02-30"));
    assert_true(kz_str_eqz(kz_map_getz(&k, "f"), "2002-12-14"));
    kz_free(k);
    kz_value h = one("b: 2002-12-14\n", &HELM);
    assert_true(kz_str_eqz(kz_map_getz(&h, "b"), "2002-12-14"));
    kz_free(h);
}

static void test_keys(void **state) {
    (void)state;
    kz_value h = one("1: a\ntrue: b\n1.5: c\n123456789.5: d\n1e21: e\n0.0000001: f\n\"q\": g\n", &HELM);
    const char *keys[] = {"1", "true", "1.5", "1.2345679e+08", "1e+21", "1e-07", "q"};
    assert_int_equal(kz_len(&h), 7);
    for (size_t i = 0; i < 7; i++) assert_true(kz_str_eqz(kz_map_key_at(&h, i), keys[i]));
    kz_free(h);
    kz_value k = one("1: a\ntrue: b\n1.5: c\n0x10: d\nyes: e\nx: {yes: 1, \"1\": 2}\n", &KYAML);
    const char *kkeys[] = {"1", "true", "1.5", "0x10", "yes"};
    for (size_t i = 0; i < 5; i++) assert_true(kz_str_eqz(kz_map_key_at(&k, i), kkeys[i]));
    kz_free(k);
    /* nested non-string keys: kustomize's JSON step fails */
    assert_error(one("x:\n  1: a\n", &KYAML), "t.yaml:2:3: json: unsupported type: map[interface {}]interface {}");
    assert_error(one("x:\n- 2001-12-14: a\n", &KYAML), "t.yaml:2:3: json: unsupported type: map[interface {}]interface {}");
    assert_error(one("a: 1\n~: a\n", &KYAML), "t.yaml:2:1: mapping key \"~\" already defined at line 2");
    assert_error(one("~: a\n", &HELM), "t.yaml:1:1: unsupported map key of type: %!s(<nil>), key: <nil>");
    assert_error(one("12345678901234567890: a\n", &HELM),
                 "t.yaml:1:1: unsupported map key of type: uint64, key: 0xab54a98ceb1f0ad2");
    /* kz's positional words; with go_errors, go-yaml's %#v of the key (test_go_errors) */
    assert_error(one("? [1, 2]\n: x\n", &HELM), "t.yaml:1:3: invalid map key: seq");
    assert_error(one("? [1, 2]\n: x\n", &KYAML), "t.yaml:1:3: cannot unmarshal !!seq into string");
}

static void test_duplicate_keys(void **state) {
    (void)state;
    kz_value h = one("a: 1\nb: 2\na: 3\n", &HELM);
    assert_int_equal(kz_len(&h), 2);
    assert_true(kz_float_get(kz_map_getz(&h, "a")) == 3.0);
    kz_free(h);
    assert_error(one("a: 1\nb: 2\na: 3\n", &KYAML), "t.yaml:3:1: mapping key \"a\" already defined at line 1");
    assert_error(one("a:\n  x: 1\n  x: 2\n", &KYAML), "t.yaml:3:3: mapping key \"x\" already defined at line 2");
    assert_error(one("a: {x: 1, x: 2}\n", &KYAML), "t.yaml:1:11: mapping key \"x\" already defined at line 1");
    /* an explicit key may replace a merged one */
    kz_value k = one("b: &b {x: 1}\nc: {<<: *b, x: 2}\n", &KYAML);
    assert_int_equal(kz_int_get(kz_map_getz(kz_map_getz(&k, "c"), "x")), 2);
    kz_free(k);
}

static void test_anchors_and_merge(void **state) {
    (void)state;
    const char *src = "base: &b {x: 1, y: 2}\nother: &o {z: 3, x: 9}\n"
                      "m1: {x: 5, <<: *b}\nm2: {<<: [*b, *o]}\nm3: {<<: *o, x: 5}\n";
    kz_value h = one(src, &HELM);
    assert_true(kz_float_get(kz_map_getz(kz_map_getz(&h, "m1"), "x")) == 1.0); /* helm: merge overrides */
    assert_true(kz_float_get(kz_map_getz(kz_map_getz(&h, "m2"), "x")) == 1.0); /* first map wins */
    assert_true(kz_float_get(kz_map_getz(kz_map_getz(&h, "m3"), "x")) == 5.0);
    assert_int_equal(kz_len(kz_map_getz(&h, "m2")), 3);
    kz_free(h);
    kz_value k = one(src, &KYAML);
    assert_int_equal(kz_int_get(kz_map_getz(kz_map_getz(&k, "m1"), "x")), 5); /* explicit wins */
    assert_int_equal(kz_int_get(kz_map_getz(kz_map_getz(&k, "m2"), "x")), 1);
    assert_int_equal(kz_int_get(kz_map_getz(kz_map_getz(&k, "m3"), "x")), 5);
    kz_free(k);
    kz_value a = one("a: &x {k: [1, 2]}\nb: *x\nc: &s str\nd: *c2\n", &HELM);
    assert_false(kz_is_valid(&a));
    kz_free(a);
    a = one("a: &x {k: [1, 2]}\nb: *x\nc: &s str\nd: *s\ne: &x 7\nf: *x\n", &HELM);
    assert_true(kz_equal(kz_map_getz(&a, "a"), kz_map_getz(&a, "b")));
    assert_true(kz_str_eqz(kz_map_getz(&a, "d"), "str"));
    assert_true(kz_float_get(kz_map_getz(&a, "f")) == 7.0); /* redefined anchor: latest wins */
    kz_free(a);
    assert_error(one("a: *nope\n", &HELM), "t.yaml:1:4: unknown anchor 'nope' referenced");
    assert_error(one("a: &a [*a]\n", &HELM), "t.yaml:1:8: anchor 'a' value contains itself");
    assert_error(one("a:\n  <<: 5\n", &HELM), "t.yaml:2:7: map merge requires map or sequence of maps as the value");
    assert_error(one("a:\n  <<: [{x: 1}, 2]\n", &KYAML), "t.yaml:2:7: map merge requires map or sequence of maps as the value");
    /* a quoted "<<" is an ordinary key */
    kz_value q = one("'<<': 1\n", &KYAML);
    assert_int_equal(kz_int_get(kz_map_getz(&q, "<<")), 1);
    kz_free(q);
}

static void test_billion_laughs(void **state) {
    (void)state;
    kz_buf b = KZ_BUF_INIT;
    kz_buf_puts(&b, "a: &a [x, x, x, x, x, x, x, x, x, x]\n");
    for (char c = 'b'; c <= 'j'; c++)
        kz_buf_printf(&b, "%c: &%c [*%c, *%c, *%c, *%c, *%c, *%c, *%c, *%c, *%c, *%c]\n", c, c, c - 1,
                      c - 1, c - 1, c - 1, c - 1, c - 1, c - 1, c - 1, c - 1, c - 1);
    kz_value v = kz_yaml_parse_one(b.data, b.len, &HELM);
    const char *msg = kz_error_message(&v);
    assert_non_null(msg);
    assert_non_null(strstr(msg, "document contains excessive aliasing"));
    kz_free(v);
    kz_buf_free(&b);
    /* many aliases of a small anchor are fine */
    kz_buf_puts(&b, "a: &a {k: v}\nl:\n");
    for (int i = 0; i < 20000; i++) kz_buf_puts(&b, "- *a\n");
    v = kz_yaml_parse_one(b.data, b.len, &KYAML);
    assert_int_equal(kz_len(kz_map_getz(&v, "l")), 20000);
    kz_free(v);
    kz_buf_free(&b);
}

static void test_depth_limit(void **state) {
    (void)state;
    kz_buf b = KZ_BUF_INIT;
    kz_buf_repeat(&b, '[', 20000);
    kz_buf_repeat(&b, ']', 20000);
    assert_error(kz_yaml_parse_stream(b.data, b.len, &KYAML), "t.yaml:1:10001: exceeded max depth of 10000");
    kz_buf_clear(&b);
    kz_buf_repeat(&b, '[', 5000);
    kz_buf_repeat(&b, ']', 5000);
    kz_value v = kz_yaml_parse_stream(b.data, b.len, &KYAML);
    assert_true(kz_is_seq(&v));
    kz_free(v);
    kz_buf_free(&b);
    v = kz_yaml_parse_stream(NULL, 0, NULL);
    assert_int_equal(kz_len(&v), 0);
    kz_free(v);
}

static void test_tags(void **state) {
    (void)state;
    kz_value k = one("s: !!str 12\ni: !!int \"12\"\nf: !!float 3\nn: !!null \"\"\nb: !!bool \"true\"\n"
                     "c: !foo bar\ncm: !foo {a: 1}\nm: !!map {a: 1}\nq: !!seq [1]\n"
                     "l: !<tag:yaml.org,2002:str> 5\nbin: !!binary aGVsbG8=\nraw: !!binary /w==\n"
                     "ns: ! 12\n", &KYAML);
    assert_true(kz_str_eqz(kz_map_getz(&k, "s"), "12"));
    assert_int_equal(kz_kind_of(kz_map_getz(&k, "i")), KZ_INT);
    assert_int_equal(kz_kind_of(kz_map_getz(&k, "f")), KZ_FLOAT);
    assert_true(kz_is_null(kz_map_getz(&k, "n")));
    assert_true(kz_bool_get(kz_map_getz(&k, "b")));
    assert_true(kz_str_eqz(kz_map_getz(&k, "c"), "bar"));
    assert_true(kz_is_map(kz_map_getz(&k, "cm")));
    assert_true(kz_str_eqz(kz_map_getz(&k, "l"), "5"));
    assert_true(kz_str_eqz(kz_map_getz(&k, "bin"), "hello"));
    assert_true(kz_str_eqz(kz_map_getz(&k, "raw"), "\xEF\xBF\xBD"));
    assert_true(kz_str_eqz(kz_map_getz(&k, "ns"), "12"));
    kz_free(k);
    assert_error(one("a: !!int 1.5\n", &HELM), "t.yaml:1:4: cannot decode !!float `1.5` as a !!int");
    assert_error(one("a: !!float abc\n", &KYAML), "t.yaml:1:4: cannot decode !!str `abc` as a !!float");
    assert_error(one("a: !!binary \"%%\"\n", &HELM), "t.yaml:1:4: !!binary value contains invalid base64 data");
}

static void test_strings_and_styles(void **state) {
    (void)state;
    kz_value v = one("a: |\n  line1\n  line2\nb: >\n  folded\n  text\nc: \"q\\tt\"\nd: 'it''s'\n"
                     "e: plain text\nf: \"yes\"\ng: \"\"\n", &HELM);
    assert_true(kz_str_eqz(kz_map_getz(&v, "a"), "line1\nline2\n"));
    assert_true(kz_str_eqz(kz_map_getz(&v, "b"), "folded text\n"));
    assert_true(kz_str_eqz(kz_map_getz(&v, "c"), "q\tt"));
    assert_true(kz_str_eqz(kz_map_getz(&v, "d"), "it's"));
    assert_true(kz_map_getz(&v, "d")->x.flags & KZ_VF_QUOTED);
    assert_false(kz_map_getz(&v, "e")->x.flags & KZ_VF_QUOTED);
    assert_true(kz_str_eqz(kz_map_getz(&v, "f"), "yes"));
    assert_true(kz_str_eqz(kz_map_getz(&v, "g"), ""));
    kz_free(v);
}

static void test_positions(void **state) {
    (void)state;
    const char *src = "a:\n  b: [1, 2]\n  c:\n    - x\n    - {d: 1}\n---\n- z\n";
    kz_yaml_parse_opts o = {.schema = KZ_YAML_KYAML, .source_name = "manifests/deploy.yaml"}; /* longer than inline */
    kz_value docs = kz_yaml_parse_stream(src, strlen(src), &o);
    assert_int_equal(kz_len(&docs), 2);
    const kz_value *root = kz_seq_at(&docs, 0);
    assert_string_equal(kz_source_name(root), "manifests/deploy.yaml");
    assert_int_equal(kz_node_pos(root).line, 1);
    assert_int_equal(kz_node_pos(root).col, 1);
    const kz_value *a = kz_map_getz(root, "a");
    assert_int_equal(kz_node_pos(a).line, 2);
    assert_int_equal(kz_node_pos(a).col, 3);
    assert_int_equal(kz_entry_pos(a, 1).line, 3); /* key c */
    assert_int_equal(kz_entry_pos(a, 1).col, 3);
    const kz_value *b = kz_map_getz(a, "b");
    assert_int_equal(kz_node_pos(b).col, 6);
    assert_int_equal(kz_entry_pos(b, 1).col, 10);
    const kz_value *c = kz_map_getz(a, "c");
    assert_int_equal(kz_entry_pos(c, 1).line, 5);
    assert_int_equal(kz_entry_pos(c, 1).col, 7);
    assert_int_equal(kz_node_pos(kz_seq_at(c, 1)).col, 7);
    assert_string_equal(kz_source_name(kz_seq_at(c, 1)), "manifests/deploy.yaml");
    /* one shared source string: same bytes pointer across nodes */
    assert_ptr_equal(kz_source_name(root), kz_source_name(c));
    const kz_value *second = kz_seq_at(&docs, 1);
    assert_int_equal(kz_node_pos(second).line, 7);
    kz_free(docs);
}

static void test_streams(void **state) {
    (void)state;
    kz_value s = kz_yaml_parse_stream("", 0, &HELM);
    assert_true(kz_is_seq(&s));
    assert_int_equal(kz_len(&s), 0);
    kz_free(s);
    s = one("", &HELM);
    assert_true(kz_is_null(&s));
    const char *src = "a: 1\n---\n---\n# c\n---\n- 2\n...\n";
    s = kz_yaml_parse_stream(src, strlen(src), &KYAML);
    assert_int_equal(kz_len(&s), 4);
    assert_true(kz_is_map(kz_seq_at(&s, 0)));
    assert_true(kz_is_null(kz_seq_at(&s, 1)));
    assert_true(kz_is_null(kz_seq_at(&s, 2)));
    assert_true(kz_is_seq(kz_seq_at(&s, 3)));
    kz_free(s);
    s = one("a: 1\n---\nb: 2\n", &HELM);
    assert_true(kz_is_map(&s) && kz_len(&s) == 1);
    kz_free(s);
    /* anchors don't cross documents */
    assert_error(kz_yaml_parse_stream("a: &x 1\n---\nb: *x\n", 18, &HELM),
                 "t.yaml:3:4: unknown anchor 'x' referenced");
}

static void test_syntax_errors(void **state) {
    (void)state;
    assert_error(one("a: 1\n\tb: 2\n", &HELM), "t.yaml:2:1: found a tab character that violates indentation");
    assert_error(one("a: b: c\n", &KYAML), "t.yaml:1:5: mapping values are not allowed in this context");
    assert_error(one("a: [1, 2\n", &HELM), "t.yaml:2:1: did not find expected ',' or ']'");
    assert_error(one("a: \"\xff\xfe\"\n", &HELM), "t.yaml:1:5: invalid leading UTF-8 octet");
    assert_error(one("a: 1\nb: .inf\n", &HELM), "t.yaml:2:4: json: unsupported value: +Inf");
    kz_yaml_parse_opts noname = {.schema = KZ_YAML_HELM, .source_name = NULL};
    assert_error(one("a: *x\n", &noname), "<input>:1:4: unknown anchor 'x' referenced");
}

/* Helm's values files and fromYaml: sigs.k8s.io/yaml's words, no position. */
static void test_go_errors(void **state) {
    (void)state;
    kz_yaml_parse_opts go = {.schema = KZ_YAML_HELM, .source_name = "t.yaml", .go_errors = true};
    assert_error(one("a: 1\nb: .inf\n", &go), "json: unsupported value: +Inf");
    assert_error(one("a: [.nan]\n", &go), "json: unsupported value: NaN");
    assert_error(one("a: *nope\n", &go), "yaml: unknown anchor 'nope' referenced");
    assert_error(one("a: &a [*a]\n", &go), "yaml: anchor 'a' value contains itself");
    assert_error(one("a:\n  <<: 5\n", &go), "yaml: map merge requires map or sequence of maps as the value");
    assert_error(one("a: !!int abc\n", &go), "yaml: cannot decode !!str `abc` as a !!int");
    assert_error(one("a: !!binary \"@@\"\n", &go), "yaml: !!binary value contains invalid base64 data");
    assert_error(one("a: [1\n", &go), "yaml: line 1: did not find expected ',' or ']'");
    /* go-yaml parses the whole document, then decodes it, then sigs.k8s.io/yaml
     * converts it to JSON: the earlier phase's error wins */
    assert_error(one("a: .inf\nb: [\n", &go), "yaml: line 2: did not find expected node content");
    assert_error(one("a: !!int x\nb: [\n", &go), "yaml: line 2: did not find expected node content");
    assert_error(one("a: .inf\nb: *q\n", &go), "yaml: unknown anchor 'q' referenced");
    assert_error(one("a: &q .inf\nb: *q\n", &go), "json: unsupported value: +Inf");
    assert_error(one("a: .inf\nb: !!int x\n", &go), "yaml: cannot decode !!str `x` as a !!int");
    assert_error(one("a: &w [.inf, *w]\n", &go), "yaml: anchor 'w' value contains itself");
    /* a key JSON has no text for, with fmt's %+#v of its value */
    assert_error(one("~: 1\n", &go), "unsupported map key of type: %!s(<nil>), key: <nil>, value: 1");
    assert_error(one("a:\n  ~: [1, \"x\\\"\", ~, 1.5]\n", &go),
                 "unsupported map key of type: %!s(<nil>), key: <nil>, value: []interface {}{1, \"x\\\"\", interface {}(nil), 1.5}");
    assert_error(one("~: {b: 1, a: .inf}\n", &go),
                 "unsupported map key of type: %!s(<nil>), key: <nil>, value: map[interface {}]interface {}{\"a\":+Inf, \"b\":1}");
    assert_error(one("0xFFFFFFFFFFFFFFFF: a\n", &go), "unsupported map key of type: uint64, key: 0xffffffffffffffff, value: \"a\"");
    /* an infinite key is text to JSON, in YAML's words as sigs.k8s.io/yaml
     * writes it (helm v3.17.3: {"-.inf":2,".inf":1,".nan":3}) */
    kz_value v = one(".inf: 1\n-.inf: 2\n.nan: 3\n", &go);
    assert_non_null(kz_map_getz(&v, ".inf"));
    assert_non_null(kz_map_getz(&v, "-.inf"));
    assert_non_null(kz_map_getz(&v, ".nan"));
    kz_free(v);
    /* go-yaml v2 reads a ':' before , ] or } in a flow collection as text;
     * libyaml refuses it ("found unexpected ':'") and is given a patched copy */
    v = one("a: [x:, y:b:]\nb: {k: v:}\nc: [';:']\n", &go);
    assert_string_equal(kz_str(kz_seq_at(kz_map_getz(&v, "a"), 0)), "x:");
    assert_string_equal(kz_str(kz_seq_at(kz_map_getz(&v, "a"), 1)), "y:b:");
    assert_string_equal(kz_str(kz_map_getz(kz_map_getz(&v, "b"), "k")), "v:");
    assert_string_equal(kz_str(kz_seq_at(kz_map_getz(&v, "c"), 0)), ";:");
    kz_free(v);
    v = one("a: [x;, y:]\n", &go); /* a ';' of the text stays one */
    assert_string_equal(kz_str(kz_seq_at(kz_map_getz(&v, "a"), 0)), "x;");
    assert_string_equal(kz_str(kz_seq_at(kz_map_getz(&v, "a"), 1)), "y:");
    kz_free(v);
    assert_error(one("a: [x:[y]]\n", &go), "yaml: did not find expected ',' or ']'");
    assert_error(one("a: [x:?y]\n", &go), "yaml: did not find expected ',' or ']'"); /* helm v3.17.3 */
    assert_error(one("a: 1\nb: [x:?y]\n", &go), "yaml: line 1: did not find expected ',' or ']'"); /* go-yaml: 0-based for parser errors */
    /* kz's own reader keeps libyaml's word */
    assert_error(one("a: [x:]\n", &HELM), "t.yaml:1:6: found unexpected ':'");
}

static void test_parse_file(void **state) {
    (void)state;
    assert_error(kz_yaml_parse_file("/nonexistent/x.yaml", &HELM), "open /nonexistent/x.yaml: no such file or directory");
    char path[] = "/tmp/kz_parse_test_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *fp = fdopen(fd, "w");
    fputs("a: 1\n---\nb: [\n", fp);
    fclose(fp);
    kz_yaml_parse_opts o = {.schema = KZ_YAML_KYAML, .source_name = NULL};
    kz_value v = kz_yaml_parse_file(path, &o);
    char want[256];
    snprintf(want, sizeof want, "%s:4:1: did not find expected node content", path);
    assert_error(v, want);
    fp = fopen(path, "w");
    fputs("a: 1\n---\nb: 2\n", fp);
    fclose(fp);
    v = kz_yaml_parse_file(path, &o);
    assert_int_equal(kz_len(&v), 2);
    assert_string_equal(kz_source_name(kz_seq_at(&v, 1)), path);
    kz_free(v);

    /* "-" reads standard input, and errors name it <stdin>. */
    fp = fopen(path, "w");
    fputs("x: 1\n---\ny: {\n", fp);
    fclose(fp);
    assert_non_null(freopen(path, "r", stdin));
    v = kz_yaml_parse_file("-", &o);
    assert_error(v, "<stdin>:4:1: did not find expected node content");
    remove(path);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_helm_scalars_golden),
        cmocka_unit_test(test_helm_documents_golden),
        cmocka_unit_test(test_helm_documents_golden_go_errors),
        cmocka_unit_test(test_go_errors_order),
        cmocka_unit_test(test_kyaml_scalars_golden),
        cmocka_unit_test(test_kyaml_documents_golden),
        cmocka_unit_test(test_number_kinds),
        cmocka_unit_test(test_timestamps_kyaml),
        cmocka_unit_test(test_keys),
        cmocka_unit_test(test_duplicate_keys),
        cmocka_unit_test(test_anchors_and_merge),
        cmocka_unit_test(test_billion_laughs),
        cmocka_unit_test(test_depth_limit),
        cmocka_unit_test(test_tags),
        cmocka_unit_test(test_strings_and_styles),
        cmocka_unit_test(test_positions),
        cmocka_unit_test(test_streams),
        cmocka_unit_test(test_syntax_errors),
        cmocka_unit_test(test_go_errors),
        cmocka_unit_test(test_parse_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
