/*
 * Template functions: regex family (see funcs_internal.h).
 *
 * Sprig's regex* functions over Go's regexp (lib/regex). The plain variants
 * call regexp.MustCompile, whose panic helm reports as
 * "regexp: Compile(`PATTERN`): error parsing regexp: ..."; the must variants
 * return Compile's error as is; regexMatch swallows it (false).
 *
 * Gap: Go returns a nil []string from FindAllString / Split when nothing is
 * found; kz returns an empty []string, which prints the same except in toJson
 * (null versus []).
 */
#include "funcs/funcs_internal.h"
#include "regex/regex.h"
#include "tmpl/fmt.h"
#include "tmpl/fmt_internal.h"

#define S(i) kz_str(&argv[i]), kz_str_len(&argv[i])

/* Compile argv[0]; on failure returns the error (MustCompile's panic text
 * when must_panic) and *re is NULL. */
static kz_value compile(const kz_value *pat, bool must_panic, kz_regex **re) {
    kz_value err = kz_regex_compile(kz_str(pat), kz_str_len(pat), re);
    if (*re) return err;
    if (!must_panic) return err;
    kz_buf b = KZ_BUF_INIT;
    kz_buf_puts(&b, "regexp: Compile(");
    if (kz_fmt_can_backquote(kz_str(pat), kz_str_len(pat))) {
        kz_buf_putc(&b, '`');
        kz_buf_append(&b, kz_str(pat), kz_str_len(pat));
        kz_buf_putc(&b, '`');
    } else {
        kz_fmt_quote(&b, kz_str(pat), kz_str_len(pat), false);
    }
    kz_buf_puts(&b, "): ");
    const char *msg = kz_error_message(&err);
    kz_buf_puts(&b, msg ? msg : "error parsing regexp");
    kz_free(err);
    kz_value e = kz_error("%s", kz_buf_cstr(&b));
    kz_buf_free(&b);
    return e;
}

#define COMPILE(must_panic)                                \
    kz_regex *re;                                          \
    kz_value err_ = compile(&argv[0], (must_panic), &re); \
    if (!re) return err_;                                  \
    kz_free(err_)

static kz_value fn_regex_match(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    (void)c, (void)argc;
    kz_regex *re;
    kz_value err = compile(&argv[0], false, &re);
    kz_free(err);
    if (!re) return kz_bool(false);
    bool m = kz_regex_match(re, S(1));
    kz_regex_free(re);
    return kz_bool(m);
}

static kz_value fn_must_regex_match(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    (void)c, (void)argc;
    COMPILE(false);
    bool m = kz_regex_match(re, S(1));
    kz_regex_free(re);
    return kz_bool(m);
}

static kz_value find_all(const kz_value *argv, bool must) {
    COMPILE(!must);
    bool is_nil = false;
    kz_value r = kz_regex_find_all(re, S(1), (long)kz_int_get(&argv[2]), &is_nil);
    kz_regex_free(re);
    return is_nil ? kz_with_nil(r) : r;
}

static kz_value fn_regex_find_all(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    (void)c, (void)argc;
    return find_all(argv, false);
}

static kz_value fn_must_regex_find_all(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    (void)c, (void)argc;
    return find_all(argv, true);
}

static kz_value find(const kz_value *argv, bool must) {
    COMPILE(!must);
    kz_value r = kz_regex_find(re, S(1));
    kz_regex_free(re);
    return r;
}

static kz_value fn_regex_find(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    (void)c, (void)argc;
    return find(argv, false);
}

static kz_value fn_must_regex_find(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    (void)c, (void)argc;
    return find(argv, true);
}

static kz_value replace_all(const kz_value *argv, bool must, bool literal) {
    COMPILE(!must);
    kz_value r = literal ? kz_regex_replace_all_literal(re, S(1), S(2)) : kz_regex_replace_all(re, S(1), S(2));
    kz_regex_free(re);
    return r;
}

static kz_value fn_regex_replace_all(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    (void)c, (void)argc;
    return replace_all(argv, false, false);
}

static kz_value fn_must_regex_replace_all(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    (void)c, (void)argc;
    return replace_all(argv, true, false);
}

static kz_value fn_regex_replace_all_literal(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    (void)c, (void)argc;
    return replace_all(argv, false, true);
}

static kz_value fn_must_regex_replace_all_literal(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    (void)c, (void)argc;
    return replace_all(argv, true, true);
}

static kz_value split(const kz_value *argv, bool must) {
    COMPILE(!must);
    bool is_nil = false;
    kz_value r = kz_regex_split(re, S(1), (long)kz_int_get(&argv[2]), &is_nil);
    kz_regex_free(re);
    return is_nil ? kz_with_nil(r) : r;
}

static kz_value fn_regex_split(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    (void)c, (void)argc;
    return split(argv, false);
}

static kz_value fn_must_regex_split(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    (void)c, (void)argc;
    return split(argv, true);
}

static kz_value fn_regex_quote_meta(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    (void)c, (void)argc;
    return kz_regex_quote_meta(S(0));
}

void kz_funcs_register_regex(kz_tmpl_funcs *t) {
    kz_tmpl_funcs_add_typed(t, "regexMatch", fn_regex_match, "ss", NULL);
    kz_tmpl_funcs_add_typed(t, "mustRegexMatch", fn_must_regex_match, "ss", NULL);
    kz_tmpl_funcs_add_typed(t, "regexFindAll", fn_regex_find_all, "ssi", NULL);
    kz_tmpl_funcs_add_typed(t, "mustRegexFindAll", fn_must_regex_find_all, "ssi", NULL);
    kz_tmpl_funcs_add_typed(t, "regexFind", fn_regex_find, "ss", NULL);
    kz_tmpl_funcs_add_typed(t, "mustRegexFind", fn_must_regex_find, "ss", NULL);
    kz_tmpl_funcs_add_typed(t, "regexReplaceAll", fn_regex_replace_all, "sss", NULL);
    kz_tmpl_funcs_add_typed(t, "mustRegexReplaceAll", fn_must_regex_replace_all, "sss", NULL);
    kz_tmpl_funcs_add_typed(t, "regexReplaceAllLiteral", fn_regex_replace_all_literal, "sss", NULL);
    kz_tmpl_funcs_add_typed(t, "mustRegexReplaceAllLiteral", fn_must_regex_replace_all_literal, "sss", NULL);
    kz_tmpl_funcs_add_typed(t, "regexSplit", fn_regex_split, "ssi", NULL);
    kz_tmpl_funcs_add_typed(t, "mustRegexSplit", fn_must_regex_split, "ssi", NULL);
    kz_tmpl_funcs_add_typed(t, "regexQuoteMeta", fn_regex_quote_meta, "s", NULL);
}
