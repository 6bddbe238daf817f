/*
 * Shape tests of the dicts family where helm's output is random: Sprig's keys
 * and values walk a Go map, whose iteration order is random, so goldens can
 * only hold single-key or sorted results. Here: every key (value) comes out
 * exactly once, keys and values pair up, and the Go types are right.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/buf.h"
#include "core/value.h"
#include "funcs/funcs.h"
#include "tmpl/exec.h"
#include "tmpl/set.h"

/* Run `text` with dot = {}: its output in *out, its error (or NULL) returned
 * (both malloc'd). A parse error fails the test. */
static char *exec_text(const char *text, char **out) {
    kz_tmpl_funcs *funcs = kz_funcs_new();
    kz_tmpl_set *set = kz_tmpl_set_new(funcs);
    kz_value err = kz_tmpl_set_add(set, "t", text, strlen(text));
    if (kz_error_message(&err)) fail_msg("parse: %s", kz_error_message(&err));
    kz_free(err);
    kz_funcs_ctx ctx;
    kz_funcs_ctx_init(&ctx);
    kz_tmpl_exec_opts opts = {.missingkey = KZ_TMPL_MISSING_ZERO, .user = &ctx};
    kz_value dot = kz_map();
    kz_buf buf = KZ_BUF_INIT;
    err = kz_tmpl_execute(set, "t", 1, &dot, &opts, &buf);
    char *msg = kz_error_message(&err) ? strdup(kz_error_message(&err)) : NULL;
    kz_free(err);
    kz_free(dot);
    kz_funcs_ctx_free(&ctx);
    kz_tmpl_set_free(set);
    kz_tmpl_funcs_free(funcs);
    *out = strdup(kz_buf_cstr(&buf));
    kz_buf_free(&buf);
    return msg;
}

/* Output of `text` run with dot = {}; fails the test on an error. */
static char *run(const char *text) {
    char *out, *msg = exec_text(text, &out);
    if (msg) fail_msg("exec: %s", msg);
    return out;
}

static void expect(const char *text, const char *want) {
    char *got = run(text);
    if (strcmp(got, want) != 0) fail_msg("%s\n  want [%s]\n  got  [%s]", text, want, got);
    free(got);
}

static void test_keys_shape(void **state) {
    (void)state;
    const char *d = "{{ $d := dict \"c\" 3 \"a\" 1 \"b\" 2 \"é\" 4 }}";
    char t[512];
    /* every key once, whatever the order */
    snprintf(t, sizeof t, "%s{{ len (keys $d) }} {{ keys $d | sortAlpha }} {{ printf \"%%T\" (keys $d) }}", d);
    expect(t, "4 [a b c é] []string");
    snprintf(t, sizeof t, "%s{{ range keys $d }}{{ if not (hasKey $d .) }}bad{{ end }}{{ end }}ok", d);
    expect(t, "ok");
    /* several dicts: duplicates are kept */
    expect("{{ keys (dict \"a\" 1 \"b\" 2) (dict \"b\" 3) | sortAlpha }}", "[a b b]");
}

static void test_values_shape(void **state) {
    (void)state;
    const char *d = "{{ $d := dict \"c\" 3 \"a\" 1 \"b\" 2 }}";
    char t[512];
    snprintf(t, sizeof t, "%s{{ len (values $d) }} {{ printf \"%%T\" (values $d) }} {{ has 1 (values $d) }} "
                          "{{ has 2 (values $d) }} {{ has 3 (values $d) }}", d);
    expect(t, "3 []interface {} true true true");
    /* keys and values walk the map alike in kz (in Go, two walks may differ) */
    snprintf(t, sizeof t, "%s{{ $v := values $d }}{{ range $i, $k := keys $d }}{{ if ne (index $v $i) (get $d $k) }}bad{{ end }}{{ end }}ok", d);
    expect(t, "ok");
}

/* The error `text` fails with (dot = {}); fails the test if it renders. */
static char *run_error(const char *text) {
    char *out, *msg = exec_text(text, &out);
    if (!msg) fail_msg("%s rendered [%s] instead of failing", text, out);
    free(out);
    return msg;
}

/* A map can't be made to contain itself: Go allows it, but printing, copying
 * or comparing the result never ends (helm crashes on most uses). Storing a
 * map that merely shares blocks with the target is fine. */
static void test_self_containing_maps_refused(void **state) {
    (void)state;
    static const struct { const char *text, *call; } cycles[] = {
        {"{{ $d := dict }}{{ $_ := set $d \"x\" $d }}", "error calling set: "},
        {"{{ $d := dict }}{{ $l := list 1 $d }}{{ $_ := set $d \"x\" (dict \"y\" $l) }}", "error calling set: "},
        {"{{ $_ := set . \"self\" . }}", "error calling set: "},
        {"{{ $d := dict \"a\" (dict \"b\" 1) }}{{ $_ := merge $d (dict \"c\" $d) }}", "error calling merge: "},
        {"{{ $d := dict \"a\" (dict \"b\" 1) }}{{ $_ := mergeOverwrite $d.a (dict \"c\" $d) }}",
         "error calling mergeOverwrite: "},
        {"{{ $d := dict \"a\" (dict) }}{{ $_ := mustMerge $d (dict \"a\" (dict \"b\" $d)) }}",
         "error calling mustMerge: "},
    };
    for (size_t i = 0; i < sizeof cycles / sizeof cycles[0]; i++) {
        char *msg = run_error(cycles[i].text);
        if (!strstr(msg, cycles[i].call) || !strstr(msg, "the map would contain itself"))
            fail_msg("%s: %s", cycles[i].text, msg);
        free(msg);
    }
    expect("{{ $d := dict \"a\" (dict \"b\" 1) }}{{ $_ := merge $d $d }}{{ $d }}", "map[a:map[b:1]]");
    expect("{{ $d := dict \"b\" 1 }}{{ $e := dict }}{{ $_ := set $e \"x\" $d }}{{ $_ := set $e \"y\" $d }}"
           "{{ $_ := set $e \"z\" $e.x }}{{ $e }}",
           "map[x:map[b:1] y:map[b:1] z:map[b:1]]");
}

/* Values nested far deeper than a thread's stack could walk recursively
 * (Go's goroutine stacks grow to 1 GB): printing, JSON, YAML and copying go
 * on on fresh stacks (kz_deep_hop_due) and give Go's results. */
static void test_deep_values(void **state) {
    (void)state;
    const char *deep = "{{ $d := dict }}{{ range until 50000 }}{{ $d = dict \"a\" $d }}{{ end }}";
    char t[512];
    /* {"a":...{"a":{}}...}: 6 bytes a level and the innermost {} */
    snprintf(t, sizeof t, "%s{{ toJson $d | len }} {{ mustToJson $d | len }}", deep);
    expect(t, "300002 300002");
    /* map[a:...map[a:map[]]...]: 7 bytes a level, map[] */
    snprintf(t, sizeof t, "%s{{ printf \"%%v\" $d | len }} {{ toString $d | len }}", deep);
    expect(t, "350005 350005");
    snprintf(t, sizeof t, "%s{{ deepCopy $d | toJson | len }} {{ deepEqual $d (deepCopy $d) }}", deep);
    expect(t, "300002 true");
    /* block YAML indents each level by two more spaces: 4,100 levels make
     * 16.8 MB, past two hops (helm v3.17.3 prints the same lengths) */
    expect("{{ $d := dict }}{{ range until 4100 }}{{ $d = dict \"a\" $d }}{{ end }}{{ toYaml $d | len }}",
           "16818202");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_keys_shape),
        cmocka_unit_test(test_values_shape),
        cmocka_unit_test(test_self_containing_maps_refused),
        cmocka_unit_test(test_deep_values),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
