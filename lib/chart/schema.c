/* values.schema.json validation as Helm v3.17 does it with gojsonschema (see schema.h). */
#include "chart/schema.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <openssl/bn.h>

#include "core/alloc.h"
#include "core/buf.h"
#include "core/gofloat.h"
#include "json/json.h"
#include "regex/regex.h"

/* ---- exact decimals ----
 * gojsonschema compares numbers as big.Rat read from the JSON text. A number
 * here is sign * digits * 10^exp with no leading or trailing zeros in
 * `digits` ("" for zero), made from the shortest decimal of a float64 (what
 * Go's JSON prints) or the digits of an integer. */

typedef struct dec {
    bool neg;
    char *digits;
    int exp;
} dec;

static void dec_free(dec *d) {
    if (!d) return;
    free(d->digits);
    free(d);
}

static dec *dec_from_text(const char *mant, size_t n, bool neg, long exp) {
    /* mant: decimal digits, exp: power of ten of the last digit */
    while (n && mant[0] == '0') mant++, n--;
    while (n && mant[n - 1] == '0') n--, exp++;
    dec *d = kz_xcalloc(1, sizeof *d);
    d->digits = kz_xstrndup(mant, n);
    d->neg = n ? neg : false;
    d->exp = n ? (int)exp : 0;
    return d;
}

/* A number value (INT or FLOAT) as a decimal. */
static dec *dec_of(const kz_value *v) {
    char tmp[32];
    if (kz_kind_of(v) == KZ_INT) {
        if (kz_int_is_unsigned(v)) snprintf(tmp, sizeof tmp, "%" PRIu64, kz_uint_get(v));
        else snprintf(tmp, sizeof tmp, "%" PRId64, kz_int_get(v));
        bool neg = tmp[0] == '-';
        return dec_from_text(tmp + neg, strlen(tmp + neg), neg, 0);
    }
    kz_buf b = KZ_BUF_INIT;
    kz_format_float(&b, kz_float_get(v), 'e', -1); /* "-1.2345e+06" */
    const char *s = kz_buf_cstr(&b);
    bool neg = s[0] == '-';
    if (neg) s++;
    char mant[64];
    size_t n = 0;
    const char *p = s;
    for (; *p && *p != 'e' && n < sizeof mant; p++)
        if (*p >= '0' && *p <= '9') mant[n++] = *p;
    long e = *p == 'e' ? strtol(p + 1, NULL, 10) : 0;
    dec *d = dec_from_text(mant, n, neg, e - (long)(n ? n - 1 : 0));
    kz_buf_free(&b);
    return d;
}

static bool dec_is_int(const dec *d) { return d->digits[0] == '\0' || d->exp >= 0; }

static int dec_cmp_abs(const dec *a, const dec *b) {
    size_t na = strlen(a->digits), nb = strlen(b->digits);
    if (!na || !nb) return (na > 0) - (nb > 0);
    long ta = (long)na + a->exp, tb = (long)nb + b->exp;
    if (ta != tb) return ta < tb ? -1 : 1;
    for (size_t i = 0; i < na || i < nb; i++) {
        char ca = i < na ? a->digits[i] : '0', cb = i < nb ? b->digits[i] : '0';
        if (ca != cb) return ca < cb ? -1 : 1;
    }
    return 0;
}

static int dec_cmp(const dec *a, const dec *b) {
    if (a->neg != b->neg) return a->neg ? -1 : 1;
    int c = dec_cmp_abs(a, b);
    return a->neg ? -c : c;
}

/* The digits of d scaled to 10^e (e <= d->exp), as a BIGNUM. */
static BIGNUM *dec_scaled(const dec *d, int e) {
    kz_buf b = KZ_BUF_INIT;
    kz_buf_puts(&b, d->digits[0] ? d->digits : "0");
    if (d->digits[0]) kz_buf_repeat(&b, '0', (size_t)(d->exp - e));
    BIGNUM *bn = NULL;
    BN_dec2bn(&bn, kz_buf_cstr(&b));
    kz_buf_free(&b);
    return bn;
}

/* Whether a / m is an integer (m > 0). */
static bool dec_multiple(const dec *a, const dec *m) {
    if (!a->digits[0]) return true;
    int e = a->exp < m->exp ? a->exp : m->exp;
    BIGNUM *x = dec_scaled(a, e), *y = dec_scaled(m, e), *r = BN_new();
    BN_CTX *ctx = BN_CTX_new();
    if (!x || !y || !r || !ctx) kz_oom(0);
    BN_mod(r, x, y, ctx);
    bool ok = BN_is_zero(r);
    BN_free(x), BN_free(y), BN_free(r), BN_CTX_free(ctx);
    return ok;
}

/* big.Float's %v of the number (shortest 'g': exponent form below 1e-4 and
 * from 1e6 on, "1e+06"). */
static void dec_format(kz_buf *out, const dec *d) {
    size_t n = strlen(d->digits);
    if (!n) {
        kz_buf_putc(out, '0');
        return;
    }
    if (d->neg) kz_buf_putc(out, '-');
    long x = (long)n + d->exp - 1;
    if (x < -4 || x >= 6) {
        kz_buf_putc(out, d->digits[0]);
        if (n > 1) kz_buf_putc(out, '.'), kz_buf_puts(out, d->digits + 1);
        kz_buf_printf(out, "e%c%02ld", x < 0 ? '-' : '+', x < 0 ? -x : x);
    } else if (d->exp >= 0) {
        kz_buf_puts(out, d->digits);
        kz_buf_repeat(out, '0', (size_t)d->exp);
    } else {
        long p = (long)n + d->exp; /* digits before the point */
        if (p > 0) {
            kz_buf_append(out, d->digits, (size_t)p);
            kz_buf_putc(out, '.');
            kz_buf_puts(out, d->digits + p);
        } else {
            kz_buf_puts(out, "0.");
            kz_buf_repeat(out, '0', (size_t)-p);
            kz_buf_puts(out, d->digits);
        }
    }
}

/* ---- canonical JSON (gojsonschema's marshalWithoutNumber): numbers as
 * float64, keys sorted, HTML characters escaped ---- */

static kz_value as_float64(const kz_value *v) {
    switch (kz_kind_of(v)) {
    case KZ_INT:
        return kz_float(kz_int_is_unsigned(v) ? (double)kz_uint_get(v) : (double)kz_int_get(v));
    case KZ_SEQ: {
        kz_value s = kz_seq_sized(kz_len(v));
        for (size_t i = 0; i < kz_len(v); i++) kz_seq_push(&s, as_float64(kz_seq_at(v, i)));
        return s;
    }
    case KZ_MAP: {
        kz_value m = kz_map_sized(kz_len(v));
        for (size_t i = 0; i < kz_len(v); i++)
            kz_map_set(&m, kz_copy(kz_map_key_at(v, i)), as_float64(kz_map_value_at(v, i)));
        return m;
    }
    default:
        return kz_with_gotype(kz_copy(v), KZ_GOTYPE_NATURAL);
    }
}

static char *canon(const kz_value *v) {
    kz_value f = as_float64(v);
    kz_buf b = KZ_BUF_INIT;
    kz_value err = kz_invalid();
    if (kz_json_emit(&b, &f, NULL, &err) != 0) {
        kz_buf_clear(&b);
        kz_buf_puts(&b, "null");
        kz_free(err);
    }
    kz_free(f);
    return kz_buf_detach(&b, NULL);
}

/* ---- compiled schemas ---- */

enum { T_ARRAY = 1, T_BOOLEAN = 2, T_INTEGER = 4, T_NUMBER = 8, T_NULL = 16, T_OBJECT = 32, T_STRING = 64 };
static const char *const type_names[] = {"array", "boolean", "integer", "number", "null", "object", "string"};

enum { DRAFT4 = 4, DRAFT6 = 6, DRAFT7 = 7, HYBRID = 1 << 30 };
enum { ADD_NONE, ADD_FALSE, ADD_TRUE, ADD_SCHEMA };

typedef struct sch sch;
typedef struct named { char *name; sch *s; } named;
typedef struct patprop { char *pat; kz_regex *re; sch *s; } patprop;
typedef struct depend { char *key; char **strs; size_t n; sch *s; } depend;
typedef struct schlist { sch **v; size_t n; } schlist;

struct sch {
    int draft;
    int pass; /* boolean schema: 0 or 1; -1 otherwise */
    sch *ref;
    unsigned types;
    kz_buf types_str; /* "string", "[string,null]" */
    named *props;
    size_t nprops;
    kz_value prop_index; /* MAP: property name -> NULL, for lookups */
    int addl_props;
    sch *addl_props_s;
    patprop *pats;
    size_t npats;
    sch *prop_names;
    depend *deps;
    size_t ndeps;
    schlist items;
    bool items_single;
    int addl_items;
    sch *addl_items_s;
    dec *multiple, *min, *max, *exmin, *exmax;
    long min_len, max_len, min_props, max_props, min_items, max_items; /* -1: none */
    kz_regex *pattern;
    char *pattern_src;
    char *format;
    char **required;
    size_t nrequired;
    bool unique;
    sch *contains;
    char *konst;
    char **enums;
    size_t nenums;
    schlist one_of, any_of, all_of;
    sch *not_, *if_, *then_, *else_;
    /* Validation state, not schema: the value this schema is being checked
     * against right now (NULL when none), and whether validation came back
     * to that same value through a $ref/allOf/anyOf/oneOf/not/if chain. */
    const kz_value *visiting;
    bool looped;
};

typedef struct pooled { char *key; sch *s; } pooled;

typedef struct comp {
    const kz_value *root;
    sch **all;
    size_t nall, capall;
    pooled *pool;
    size_t npool, cappool;
    kz_buf err;
    bool failed;
} comp;

static sch *new_sch(comp *c, int draft) {
    sch *s = kz_xcalloc(1, sizeof *s);
    s->draft = draft;
    s->pass = -1;
    s->min_len = s->max_len = s->min_props = s->max_props = s->min_items = s->max_items = -1;
    if (c->nall == c->capall) {
        c->capall = kz_grow_cap(c->capall, c->nall + 1);
        c->all = kz_xrealloc(c->all, c->capall * sizeof *c->all);
    }
    c->all[c->nall++] = s;
    return s;
}

static void free_strs(char **v, size_t n) {
    for (size_t i = 0; i < n; i++) free(v[i]);
    free(v);
}

static void sch_free(sch *s) {
    kz_buf_free(&s->types_str);
    for (size_t i = 0; i < s->nprops; i++) free(s->props[i].name);
    free(s->props);
    kz_free(s->prop_index);
    for (size_t i = 0; i < s->npats; i++) free(s->pats[i].pat), kz_regex_free(s->pats[i].re);
    free(s->pats);
    for (size_t i = 0; i < s->ndeps; i++) free(s->deps[i].key), free_strs(s->deps[i].strs, s->deps[i].n);
    free(s->deps);
    free(s->items.v), free(s->one_of.v), free(s->any_of.v), free(s->all_of.v);
    dec_free(s->multiple), dec_free(s->min), dec_free(s->max), dec_free(s->exmin), dec_free(s->exmax);
    kz_regex_free(s->pattern);
    free(s->pattern_src), free(s->format), free(s->konst);
    free_strs(s->required, s->nrequired);
    free_strs(s->enums, s->nenums);
    free(s);
}

static void comp_free(comp *c) {
    for (size_t i = 0; i < c->nall; i++) sch_free(c->all[i]);
    free(c->all);
    for (size_t i = 0; i < c->npool; i++) free(c->pool[i].key);
    free(c->pool);
    kz_buf_free(&c->err);
}

static bool fail(comp *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static bool fail(comp *c, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    kz_buf_clear(&c->err);
    kz_buf_vprintf(&c->err, fmt, ap);
    va_end(ap);
    c->failed = true;
    return false;
}

static bool bad_type(comp *c, const char *expected, const char *given) {
    return fail(c, "Invalid type. Expected: %s, given: %s", expected, given);
}

static bool is_number(const kz_value *v) { return kz_is_number(v); }
static bool is_schema_node(const kz_value *v) { return kz_is_map(v) || kz_kind_of(v) == KZ_BOOL; }
static bool is_int_literal(const kz_value *v, long *out) {
    /* gojsonschema's mustBeInteger: json.Number.Int64() must succeed, so the
     * text is an integer literal (1.0 and 1e2 fail). */
    if (kz_kind_of(v) != KZ_INT || kz_int_is_unsigned(v)) return false;
    *out = (long)kz_int_get(v);
    return true;
}

static void push_sch(schlist *l, sch *s) {
    l->v = kz_xrealloc(l->v, (l->n + 1) * sizeof *l->v);
    l->v[l->n++] = s;
}

static bool parse(comp *c, const kz_value *node, sch *s);

static sch *parse_child(comp *c, const kz_value *node, const sch *parent) {
    sch *n = new_sch(c, parent->draft);
    return parse(c, node, n) ? n : NULL;
}

/* JSON pointer (a $ref's fragment) into the root document, gojsonpointer's
 * way and messages. */
static const kz_value *resolve_pointer(comp *c, const char *frag) {
    kz_buf dec_frag = KZ_BUF_INIT; /* the URL fragment, percent-decoded */
    for (const char *p = frag; *p; p++) {
        int hi, lo;
        if (*p == '%' && p[1] && p[2] && sscanf(p + 1, "%1x%1x", (unsigned *)&hi, (unsigned *)&lo) == 2) {
            kz_buf_putc(&dec_frag, (char)(hi * 16 + lo));
            p += 2;
        } else {
            kz_buf_putc(&dec_frag, *p);
        }
    }
    const char *s = kz_buf_cstr(&dec_frag);
    const kz_value *cur = c->root;
    if (*s && *s != '/') {
        fail(c, "JSON pointer must be empty or start with a \"/\"");
        cur = NULL;
    }
    while (cur && *s) {
        s++; /* the '/' */
        kz_buf tok = KZ_BUF_INIT;
        for (; *s && *s != '/'; s++) {
            if (s[0] == '~' && s[1] == '1') kz_buf_putc(&tok, '/'), s++;
            else if (s[0] == '~' && s[1] == '0') kz_buf_putc(&tok, '~'), s++;
            else kz_buf_putc(&tok, *s);
        }
        const char *t = kz_buf_cstr(&tok);
        if (kz_is_map(cur)) {
            const kz_value *next = kz_map_get(cur, t, tok.len);
            if (!next) fail(c, "Object has no key '%s'", t);
            cur = next;
        } else if (kz_is_seq(cur)) {
            char *end = NULL;
            long i = strtol(t, &end, 10);
            if (!*t || *end) {
                fail(c, "Invalid array index '%s'", t);
                cur = NULL;
            } else if (i < 0 || (size_t)i >= kz_len(cur)) {
                fail(c, "Out of bound array[0,%zu] index '%ld'", kz_len(cur) - 1, i);
                cur = NULL;
            } else {
                cur = kz_seq_at(cur, (size_t)i);
            }
        } else {
            fail(c, "Invalid token reference '%s'", t);
            cur = NULL;
        }
        kz_buf_free(&tok);
    }
    kz_buf_free(&dec_frag);
    return cur;
}

/* "$ref": returns 1 when parsing of the schema ends here (a first use: Go
 * returns before its siblings), 0 to go on (a reference seen before), -1 on
 * error. */
static int parse_ref(comp *c, const char *ref, sch *s) {
    for (size_t i = 0; i < c->npool; i++)
        if (strcmp(c->pool[i].key, ref) == 0) {
            s->ref = c->pool[i].s;
            return 0;
        }
    if (ref[0] != '#') {
        const char *colon = strchr(ref, ':'), *slash = strchr(ref, '/');
        if (colon && (!slash || colon < slash))
            return fail(c, "kz: cannot load the remote schema %s", ref), -1;
        return fail(c, "Reference %s%s must be canonical", ref[0] == '/' ? "" : "/", ref), -1;
    }
    sch *n = new_sch(c, s->draft);
    if (c->npool == c->cappool) {
        c->cappool = kz_grow_cap(c->cappool, c->npool + 1);
        c->pool = kz_xrealloc(c->pool, c->cappool * sizeof *c->pool);
    }
    c->pool[c->npool++] = (pooled){kz_xstrdup(ref), n};
    const kz_value *target = resolve_pointer(c, ref + 1);
    if (!target) return -1;
    if (!is_schema_node(target)) return fail(c, "valid schema must be of type object"), -1;
    if (!parse(c, target, n)) return -1;
    s->ref = n;
    return 1;
}

static bool add_type(comp *c, sch *s, const char *t) {
    unsigned bit = 0;
    for (int i = 0; i < 7; i++)
        if (strcmp(t, type_names[i]) == 0) bit = 1u << i;
    if (!bit)
        return fail(c, "has a primitive type that is NOT VALID -- given: /%s/ Expected valid values are:"
                       "[array boolean integer number null object string]", t);
    if (s->types & bit) return fail(c, "%s type is duplicated", t);
    s->types |= bit;
    if (s->types_str.len) {
        /* "[a,b]" when there are several */
        if (s->types_str.data[0] != '[') {
            char *first = kz_buf_detach(&s->types_str, NULL);
            kz_buf_printf(&s->types_str, "[%s]", first);
            free(first);
        }
        s->types_str.len--; /* drop ']' */
        kz_buf_printf(&s->types_str, ",%s]", t);
    } else {
        kz_buf_puts(&s->types_str, t);
    }
    return true;
}

static bool parse_number_kw(comp *c, const kz_value *m, const char *key, dec **out, const char *msg_fmt) {
    const kz_value *v = kz_map_getz(m, key);
    if (!v) return true;
    if (!is_number(v)) return fail(c, msg_fmt, key);
    *out = dec_of(v);
    return true;
}

static bool parse_nonneg_int(comp *c, const kz_value *m, const char *key, long *out) {
    const kz_value *v = kz_map_getz(m, key);
    if (!v) return true;
    long n;
    if (!is_int_literal(v, &n)) return fail(c, "%s must be of an integer", key);
    if (n < 0) return fail(c, "%s must be greater than or equal to 0", key);
    *out = n;
    return true;
}

/* exclusiveMinimum / exclusiveMaximum by draft. */
static bool parse_exclusive(comp *c, const kz_value *m, sch *s, const char *key, const char *base, dec **bound,
                            dec **excl) {
    const kz_value *v = kz_map_getz(m, key);
    if (!v) return true;
    bool isbool = kz_kind_of(v) == KZ_BOOL;
    if (s->draft == DRAFT4 && !isbool) return bad_type(c, "boolean", key);
    if (isbool && s->draft != DRAFT4 && s->draft != HYBRID) return bad_type(c, "number", key);
    if (isbool) {
        if (!*bound) return fail(c, "%s cannot be used without %s", key, base);
        if (kz_bool_get(v)) *excl = *bound, *bound = NULL;
        return true;
    }
    if (!is_number(v)) return bad_type(c, s->draft == HYBRID ? "boolean/number" : "number", key);
    *excl = dec_of(v);
    return true;
}

static bool parse_schema_array(comp *c, const kz_value *m, sch *s, const char *key, const char *errkey,
                               schlist *out) {
    const kz_value *v = kz_map_getz(m, key);
    if (!v) return true;
    if (!kz_is_seq(v)) return fail(c, "%s must be of an array", errkey);
    for (size_t i = 0; i < kz_len(v); i++) {
        sch *n = new_sch(c, s->draft);
        push_sch(out, n);
        if (!parse(c, kz_seq_at(v, i), n)) return false;
    }
    return true;
}

static bool parse_sub_object(comp *c, const kz_value *m, sch *s, const char *key, sch **out) {
    const kz_value *v = kz_map_getz(m, key);
    if (!v) return true;
    if (!is_schema_node(v)) return fail(c, "%s must be of an object", key);
    return (*out = parse_child(c, v, s)) != NULL;
}

/* gojsonschema's parseSchema: keywords in its order, with its messages. */
static bool parse(comp *c, const kz_value *node, sch *s) {
    if (s->draft >= DRAFT6 && kz_kind_of(node) == KZ_BOOL) {
        s->pass = kz_bool_get(node);
        return true;
    }
    if (!kz_is_map(node)) return fail(c, "Expected: valid schema, given: Invalid JSON");
    const kz_value *m = node, *v;

    const char *id_key = s->draft == DRAFT4 ? "id" : (s->draft == HYBRID && kz_map_getz(m, "id")) ? "id" : "$id";
    if ((v = kz_map_getz(m, id_key)) && !kz_is_string(v)) return bad_type(c, "string", id_key);

    if ((v = kz_map_getz(m, "definitions"))) {
        if (kz_kind_of(v) == KZ_BOOL)
            return fail(c, "unable to validate schema: interface conversion: interface {} is bool, not "
                           "map[string]interface {}");
        if (!kz_is_map(v)) return bad_type(c, "array of schemas", "definitions");
        for (size_t i = 0; i < kz_len(v); i++) {
            const kz_value *d = kz_map_value_at(v, i);
            if (!is_schema_node(d)) return bad_type(c, "array of schemas", "definitions");
            if (!parse_child(c, d, s)) return false;
        }
    }
    if ((v = kz_map_getz(m, "title")) && !kz_is_string(v)) return bad_type(c, "string", "title");
    if ((v = kz_map_getz(m, "description")) && !kz_is_string(v)) return bad_type(c, "string", "description");

    if ((v = kz_map_getz(m, "$ref"))) {
        if (!kz_is_string(v)) return bad_type(c, "string", "$ref");
        int r = parse_ref(c, kz_str(v), s);
        if (r < 0) return false;
        if (r > 0) return true;
    }

    if ((v = kz_map_getz(m, "type"))) {
        if (kz_is_string(v)) {
            if (!add_type(c, s, kz_str(v))) return false;
        } else if (kz_is_seq(v)) {
            for (size_t i = 0; i < kz_len(v); i++) {
                const kz_value *t = kz_seq_at(v, i);
                if (!kz_is_string(t)) return bad_type(c, "string/array of strings", "type");
                if (!add_type(c, s, kz_str(t))) return false;
            }
        } else {
            return bad_type(c, "string/array of strings", "type");
        }
    }

    if ((v = kz_map_getz(m, "properties"))) {
        if (!kz_is_map(v)) return fail(c, "properties must be of type object");
        s->props = kz_xcalloc(kz_len(v) ? kz_len(v) : 1, sizeof *s->props);
        for (size_t i = 0; i < kz_len(v); i++) {
            sch *n = new_sch(c, s->draft);
            s->props[s->nprops++] = (named){kz_xstrdup(kz_str(kz_map_key_at(v, i))), n};
            if (!kz_is_map(&s->prop_index)) s->prop_index = kz_map();
            kz_map_set(&s->prop_index, kz_copy(kz_map_key_at(v, i)), kz_null());
            if (!parse(c, kz_map_value_at(v, i), n)) return false;
        }
    }

    if ((v = kz_map_getz(m, "additionalProperties"))) {
        if (kz_kind_of(v) == KZ_BOOL) {
            s->addl_props = kz_bool_get(v) ? ADD_TRUE : ADD_FALSE;
        } else if (kz_is_map(v)) {
            s->addl_props = ADD_SCHEMA;
            if (!(s->addl_props_s = parse_child(c, v, s))) return false;
        } else {
            return bad_type(c, "boolean/valid schema", "additionalProperties");
        }
    }

    if ((v = kz_map_getz(m, "patternProperties"))) {
        if (!kz_is_map(v)) return bad_type(c, "valid schema", "patternProperties");
        s->pats = kz_xcalloc(kz_len(v) ? kz_len(v) : 1, sizeof *s->pats);
        for (size_t i = 0; i < kz_len(v); i++) {
            const kz_value *k = kz_map_key_at(v, i);
            kz_regex *re = NULL;
            kz_value e = kz_regex_compile(kz_str(k), kz_str_len(k), &re);
            if (!kz_is_null(&e)) {
                kz_free(e);
                return fail(c, "Invalid regex pattern '%s'", kz_str(k));
            }
            sch *n = new_sch(c, s->draft);
            s->pats[s->npats++] = (patprop){kz_xstrdup(kz_str(k)), re, n};
            if (!parse(c, kz_map_value_at(v, i), n)) return false;
        }
    }

    if ((v = kz_map_getz(m, "propertyNames")) && s->draft >= DRAFT6) {
        if (!is_schema_node(v)) return bad_type(c, "valid schema", "patternProperties");
        if (!(s->prop_names = parse_child(c, v, s))) return false;
    }

    if ((v = kz_map_getz(m, "dependencies"))) {
        if (!kz_is_map(v)) return fail(c, "dependencies must be of type object");
        s->deps = kz_xcalloc(kz_len(v) ? kz_len(v) : 1, sizeof *s->deps);
        for (size_t i = 0; i < kz_len(v); i++) {
            const kz_value *d = kz_map_value_at(v, i);
            depend *dp = &s->deps[s->ndeps];
            if (kz_is_seq(d)) {
                for (size_t j = 0; j < kz_len(d); j++)
                    if (!kz_is_string(kz_seq_at(d, j)))
                        return fail(c, "dependency must be of type schema or array of strings");
                if (!kz_len(d)) continue; /* Go registers nothing for [] */
                dp->strs = kz_xcalloc(kz_len(d), sizeof *dp->strs);
                for (size_t j = 0; j < kz_len(d); j++) dp->strs[dp->n++] = kz_xstrdup(kz_str(kz_seq_at(d, j)));
            } else if (is_schema_node(d)) {
                if (!(dp->s = parse_child(c, d, s))) return false;
            } else {
                return fail(c, "dependency must be of type schema or array of strings");
            }
            dp->key = kz_xstrdup(kz_str(kz_map_key_at(v, i)));
            s->ndeps++;
        }
    }

    if ((v = kz_map_getz(m, "items"))) {
        if (kz_is_seq(v)) {
            for (size_t i = 0; i < kz_len(v); i++) {
                const kz_value *it = kz_seq_at(v, i);
                if (!is_schema_node(it)) return bad_type(c, "valid schema/array of schemas", "items");
                sch *n = new_sch(c, s->draft);
                push_sch(&s->items, n);
                if (!parse(c, it, n)) return false;
            }
        } else if (is_schema_node(v)) {
            sch *n = new_sch(c, s->draft);
            push_sch(&s->items, n);
            if (!parse(c, v, n)) return false;
            s->items_single = true;
        } else {
            return bad_type(c, "valid schema/array of schemas", "items");
        }
    }

    if ((v = kz_map_getz(m, "additionalItems"))) {
        if (kz_kind_of(v) == KZ_BOOL) {
            s->addl_items = kz_bool_get(v) ? ADD_TRUE : ADD_FALSE;
        } else if (kz_is_map(v)) {
            s->addl_items = ADD_SCHEMA;
            if (!(s->addl_items_s = parse_child(c, v, s))) return false;
        } else {
            return bad_type(c, "boolean/valid schema", "additionalItems");
        }
    }

    if ((v = kz_map_getz(m, "multipleOf"))) {
        if (!is_number(v)) return bad_type(c, "number", "multipleOf");
        s->multiple = dec_of(v);
        if (s->multiple->neg || !s->multiple->digits[0]) return fail(c, "multipleOf must be strictly greater than 0");
    }
    if (!parse_number_kw(c, m, "minimum", &s->min, "%s must be of a number")) return false;
    if (!parse_exclusive(c, m, s, "exclusiveMinimum", "minimum", &s->min, &s->exmin)) return false;
    if (!parse_number_kw(c, m, "maximum", &s->max, "%s must be of a number")) return false;
    if (!parse_exclusive(c, m, s, "exclusiveMaximum", "maximum", &s->max, &s->exmax)) return false;

    if (!parse_nonneg_int(c, m, "minLength", &s->min_len)) return false;
    if (!parse_nonneg_int(c, m, "maxLength", &s->max_len)) return false;
    if (s->min_len >= 0 && s->max_len >= 0 && s->min_len > s->max_len)
        return fail(c, "minLength cannot be greater than maxLength");

    if ((v = kz_map_getz(m, "pattern"))) {
        if (!kz_is_string(v)) return fail(c, "pattern must be of a string");
        kz_value e = kz_regex_compile(kz_str(v), kz_str_len(v), &s->pattern);
        if (!kz_is_null(&e)) {
            kz_free(e);
            return fail(c, "pattern must be a valid regex");
        }
        s->pattern_src = kz_xstrdup(kz_str(v));
    }
    if ((v = kz_map_getz(m, "format"))) {
        if (!kz_is_string(v)) return fail(c, "format must be of type string");
        s->format = kz_xstrdup(kz_str(v));
    }

    if (!parse_nonneg_int(c, m, "minProperties", &s->min_props)) return false;
    if (!parse_nonneg_int(c, m, "maxProperties", &s->max_props)) return false;
    if (s->min_props >= 0 && s->max_props >= 0 && s->min_props > s->max_props)
        return fail(c, "minProperties cannot be greater than maxProperties");

    if ((v = kz_map_getz(m, "required"))) {
        if (!kz_is_seq(v)) return fail(c, "required must be of an array");
        s->required = kz_xcalloc(kz_len(v) ? kz_len(v) : 1, sizeof *s->required);
        for (size_t i = 0; i < kz_len(v); i++) {
            const kz_value *r = kz_seq_at(v, i);
            if (!kz_is_string(r)) return fail(c, "required items must be string");
            for (size_t j = 0; j < s->nrequired; j++)
                if (strcmp(s->required[j], kz_str(r)) == 0) return fail(c, "required items must be unique");
            s->required[s->nrequired++] = kz_xstrdup(kz_str(r));
        }
    }

    if (!parse_nonneg_int(c, m, "minItems", &s->min_items)) return false;
    if (!parse_nonneg_int(c, m, "maxItems", &s->max_items)) return false;
    if ((v = kz_map_getz(m, "uniqueItems"))) {
        if (kz_kind_of(v) != KZ_BOOL) return fail(c, "uniqueItems must be of a boolean");
        s->unique = kz_bool_get(v);
    }
    if ((v = kz_map_getz(m, "contains")) && s->draft >= DRAFT6)
        if (!(s->contains = parse_child(c, v, s))) return false;

    if ((v = kz_map_getz(m, "const")) && s->draft >= DRAFT6) s->konst = canon(v);
    if ((v = kz_map_getz(m, "enum"))) {
        if (!kz_is_seq(v)) return fail(c, "enum must be of an array");
        s->enums = kz_xcalloc(kz_len(v) ? kz_len(v) : 1, sizeof *s->enums);
        for (size_t i = 0; i < kz_len(v); i++) {
            char *e = canon(kz_seq_at(v, i));
            for (size_t j = 0; j < s->nenums; j++)
                if (strcmp(s->enums[j], e) == 0) {
                    free(e);
                    return fail(c, "enum items must be unique");
                }
            s->enums[s->nenums++] = e;
        }
    }

    if (!parse_schema_array(c, m, s, "oneOf", "oneOf", &s->one_of)) return false;
    if (!parse_schema_array(c, m, s, "anyOf", "anyOf", &s->any_of)) return false;
    if (!parse_schema_array(c, m, s, "allOf", "anyOf", &s->all_of)) return false; /* sic */
    if (!parse_sub_object(c, m, s, "not", &s->not_)) return false;
    if (s->draft >= DRAFT7) {
        if (!parse_sub_object(c, m, s, "if", &s->if_)) return false;
        if (!parse_sub_object(c, m, s, "then", &s->then_)) return false;
        if (!parse_sub_object(c, m, s, "else", &s->else_)) return false;
    }
    return true;
}

/* ---- validation ---- */

typedef struct res {
    char **errs;
    size_t n, cap;
    int score;
} res;

static void res_free(res *r) {
    if (!r) return;
    free_strs(r->errs, r->n);
    free(r);
}

/* gojsonschema's Field(): the context without its "(root)." prefix. */
static const char *field_of(const char *ctx) {
    return strncmp(ctx, "(root).", 7) == 0 ? ctx + 7 : ctx;
}

static void add_err(res *r, const char *ctx, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void add_err(res *r, const char *ctx, const char *fmt, ...) {
    kz_buf b = KZ_BUF_INIT;
    kz_buf_printf(&b, "%s: ", field_of(ctx));
    va_list ap;
    va_start(ap, fmt);
    kz_buf_vprintf(&b, fmt, ap);
    va_end(ap);
    if (r->n == r->cap) {
        r->cap = kz_grow_cap(r->cap, r->n + 1);
        r->errs = kz_xrealloc(r->errs, r->cap * sizeof *r->errs);
    }
    r->errs[r->n++] = kz_buf_detach(&b, NULL);
    r->score -= 2;
}

/* mergeErrors: other's errors appended, its score added; other is freed. */
static void merge(res *r, res *other) {
    if (r->n + other->n > r->cap) {
        r->cap = kz_grow_cap(r->cap, r->n + other->n);
        r->errs = kz_xrealloc(r->errs, r->cap * sizeof *r->errs);
    }
    for (size_t i = 0; i < other->n; i++) r->errs[r->n++] = other->errs[i];
    other->n = 0;
    r->score += other->score;
    res_free(other);
}

static char *sub_ctx(const char *ctx, const char *key) {
    kz_buf b = KZ_BUF_INIT;
    kz_buf_printf(&b, "%s.%s", ctx, key);
    return kz_buf_detach(&b, NULL);
}

static char *sub_ctx_index(const char *ctx, size_t i) {
    kz_buf b = KZ_BUF_INIT;
    kz_buf_printf(&b, "%s.%zu", ctx, i);
    return kz_buf_detach(&b, NULL);
}

static void validate(const sch *s, const kz_value *node, res *r, const char *ctx);

static res *sub_validate(const sch *s, const kz_value *node, const char *ctx) {
    res *r = kz_xcalloc(1, sizeof *r);
    validate(s, node, r, ctx);
    return r;
}

/* A value's keys in byte order (the order gojsonschema sees them in is one
 * of the rotations of that order). Caller frees the index array. */
typedef struct keyref { const char *s; size_t n, ix; } keyref;
static int cmp_keyref(const void *a, const void *b) {
    const keyref *x = a, *y = b;
    return kz_key_cmp_bytes(x->s, x->n, y->s, y->n);
}

static size_t *sorted_keys(const kz_value *obj) {
    size_t n = kz_len(obj);
    keyref *refs = kz_xmalloc((n ? n : 1) * sizeof *refs);
    for (size_t i = 0; i < n; i++) {
        const kz_value *k = kz_map_key_at(obj, i);
        refs[i] = (keyref){kz_str(k), kz_str_len(k), i};
    }
    qsort(refs, n, sizeof *refs, cmp_keyref);
    size_t *ix = kz_xmalloc((n ? n : 1) * sizeof *ix);
    for (size_t i = 0; i < n; i++) ix[i] = refs[i].ix;
    free(refs);
    return ix;
}

static void v_schema(const sch *s, const kz_value *node, res *r, const char *ctx) {
    if (s->any_of.n) {
        bool ok = false;
        res *best = NULL;
        for (size_t i = 0; i < s->any_of.n && !ok; i++) {
            res *sr = sub_validate(s->any_of.v[i], node, ctx);
            ok = sr->n == 0;
            if (!ok && (!best || sr->score > best->score)) res_free(best), best = sr;
            else res_free(sr);
        }
        if (!ok) {
            add_err(r, ctx, "Must validate at least one schema (anyOf)");
            if (best) merge(r, best), best = NULL;
        }
        res_free(best);
    }
    if (s->one_of.n) {
        size_t nvalid = 0;
        res *best = NULL;
        for (size_t i = 0; i < s->one_of.n; i++) {
            res *sr = sub_validate(s->one_of.v[i], node, ctx);
            if (sr->n == 0) nvalid++, res_free(sr);
            else if (nvalid == 0 && (!best || sr->score > best->score)) res_free(best), best = sr;
            else res_free(sr);
        }
        if (nvalid != 1) {
            add_err(r, ctx, "Must validate one and only one schema (oneOf)");
            if (nvalid == 0 && best) merge(r, best), best = NULL;
        }
        res_free(best);
    }
    if (s->all_of.n) {
        size_t nvalid = 0;
        for (size_t i = 0; i < s->all_of.n; i++) {
            res *sr = sub_validate(s->all_of.v[i], node, ctx);
            if (sr->n == 0) nvalid++;
            merge(r, sr);
        }
        if (nvalid != s->all_of.n) add_err(r, ctx, "Must validate all the schemas (allOf)");
    }
    if (s->not_) {
        res *sr = sub_validate(s->not_, node, ctx);
        if (sr->n == 0) add_err(r, ctx, "Must not validate the schema (not)");
        res_free(sr);
    }
    if (s->ndeps && kz_is_map(node)) {
        size_t *ix = sorted_keys(node);
        for (size_t k = 0; k < kz_len(node); k++) {
            const kz_value *key = kz_map_key_at(node, ix[k]);
            for (size_t d = 0; d < s->ndeps; d++) {
                const depend *dp = &s->deps[d];
                if (strcmp(dp->key, kz_str(key)) != 0) continue;
                if (dp->s) {
                    validate(dp->s, node, r, ctx);
                } else {
                    for (size_t j = 0; j < dp->n; j++)
                        if (!kz_map_getz(node, dp->strs[j])) add_err(r, ctx, "Has a dependency on %s", dp->strs[j]);
                }
            }
        }
        free(ix);
    }
    if (s->if_) {
        res *ri = sub_validate(s->if_, node, ctx);
        bool ok = ri->n == 0;
        res_free(ri);
        if (s->then_ && ok) {
            res *rt = sub_validate(s->then_, node, ctx);
            if (rt->n) add_err(r, ctx, "Must validate \"then\" as \"if\" was valid"), merge(r, rt);
            else res_free(rt);
        }
        if (s->else_ && !ok) {
            res *re = sub_validate(s->else_, node, ctx);
            if (re->n) add_err(r, ctx, "Must validate \"else\" as \"if\" was not valid"), merge(r, re);
            else res_free(re);
        }
    }
    r->score++;
}

static void v_common(const sch *s, const kz_value *node, res *r, const char *ctx) {
    if (s->konst || s->nenums) {
        char *c = canon(node);
        if (s->konst && strcmp(c, s->konst) != 0) add_err(r, ctx, "%s does not match: %s", field_of(ctx), s->konst);
        if (s->nenums) {
            bool found = false;
            for (size_t i = 0; i < s->nenums && !found; i++) found = strcmp(s->enums[i], c) == 0;
            if (!found) {
                kz_buf all = KZ_BUF_INIT;
                for (size_t i = 0; i < s->nenums; i++) {
                    if (i) kz_buf_puts(&all, ", ");
                    kz_buf_puts(&all, s->enums[i]);
                }
                add_err(r, ctx, "%s must be one of the following: %s", field_of(ctx), kz_buf_cstr(&all));
                kz_buf_free(&all);
            }
        }
        free(c);
    }
    r->score++;
}

static void v_array(const sch *s, const kz_value *node, res *r, const char *ctx) {
    size_t n = kz_len(node);
    if (s->items_single) {
        for (size_t i = 0; i < n; i++) {
            char *cx = sub_ctx_index(ctx, i);
            merge(r, sub_validate(s->items.v[0], kz_seq_at(node, i), cx));
            free(cx);
        }
    } else if (s->items.n) {
        for (size_t i = 0; i < s->items.n && i < n; i++) {
            char *cx = sub_ctx_index(ctx, i);
            merge(r, sub_validate(s->items.v[i], kz_seq_at(node, i), cx));
            free(cx);
        }
        if (s->items.n < n) {
            if (s->addl_items == ADD_FALSE) {
                add_err(r, ctx, "No additional items allowed on array");
            } else if (s->addl_items == ADD_SCHEMA) {
                for (size_t i = s->items.n; i < n; i++) {
                    char *cx = sub_ctx_index(ctx, i);
                    merge(r, sub_validate(s->addl_items_s, kz_seq_at(node, i), cx));
                    free(cx);
                }
            }
        }
    }
    if (s->min_items >= 0 && (long)n < s->min_items) add_err(r, ctx, "Array must have at least %ld items", s->min_items);
    if (s->max_items >= 0 && (long)n > s->max_items) add_err(r, ctx, "Array must have at most %ld items", s->max_items);
    if (s->unique && n > 1) {
        char **cs = kz_xcalloc(n, sizeof *cs);
        for (size_t j = 0; j < n; j++) {
            cs[j] = canon(kz_seq_at(node, j));
            for (size_t i = j; i-- > 0;)
                if (strcmp(cs[i], cs[j]) == 0) {
                    add_err(r, ctx, "array items[%zu,%zu] must be unique", i, j);
                    break;
                }
        }
        free_strs(cs, n);
    }
    if (s->contains) {
        bool ok = false;
        res *best = NULL;
        for (size_t i = 0; i < n && !ok; i++) {
            char *cx = sub_ctx_index(ctx, i);
            res *sr = sub_validate(s->contains, kz_seq_at(node, i), cx);
            free(cx);
            ok = sr->n == 0;
            if (!ok && (!best || sr->score > best->score)) res_free(best), best = sr;
            else res_free(sr);
        }
        if (!ok) {
            add_err(r, ctx, "At least one of the items must match");
            if (best) merge(r, best), best = NULL;
        }
        res_free(best);
    }
    r->score++;
}

static bool v_pattern(const sch *s, const char *key, size_t keylen, const kz_value *val, res *r, const char *ctx) {
    bool matched = false;
    for (size_t i = 0; i < s->npats; i++) {
        if (!kz_regex_match(s->pats[i].re, key, keylen)) continue;
        matched = true;
        char *cx = sub_ctx(ctx, key);
        merge(r, sub_validate(s->pats[i].s, val, cx));
        free(cx);
    }
    if (!matched) return false;
    r->score++;
    return true;
}

static void v_object(const sch *s, const kz_value *node, res *r, const char *ctx) {
    long n = (long)kz_len(node);
    if (s->min_props >= 0 && n < s->min_props) add_err(r, ctx, "Must have at least %ld properties", s->min_props);
    if (s->max_props >= 0 && n > s->max_props) add_err(r, ctx, "Must have at most %ld properties", s->max_props);
    for (size_t i = 0; i < s->nrequired; i++) {
        if (kz_map_getz(node, s->required[i])) r->score++;
        else add_err(r, ctx, "%s is required", s->required[i]);
    }
    size_t *ix = sorted_keys(node);
    for (size_t k = 0; k < kz_len(node); k++) {
        const kz_value *key = kz_map_key_at(node, ix[k]), *val = kz_map_value_at(node, ix[k]);
        bool found = s->nprops && kz_map_get(&s->prop_index, kz_str(key), kz_str_len(key)) != NULL;
        bool pp = v_pattern(s, kz_str(key), kz_str_len(key), val, r, ctx);
        if (found || pp) continue;
        if (s->addl_props == ADD_FALSE) {
            add_err(r, ctx, "Additional property %s is not allowed", kz_str(key));
        } else if (s->addl_props == ADD_SCHEMA) {
            char *cx = sub_ctx(ctx, kz_str(key));
            merge(r, sub_validate(s->addl_props_s, val, cx));
            free(cx);
        }
    }
    if (s->prop_names) {
        for (size_t k = 0; k < kz_len(node); k++) {
            kz_value name = kz_copy(kz_map_key_at(node, ix[k]));
            res *sr = sub_validate(s->prop_names, &name, ctx);
            if (sr->n) {
                add_err(r, ctx, "Property name of \"%s\" does not match", kz_str(&name));
                merge(r, sr);
            } else {
                res_free(sr);
            }
            kz_free(name);
        }
    }
    free(ix);
    r->score++;
}

/* Go's utf8.RuneCount: each invalid byte counts as one rune. */
static long rune_count(const char *s, size_t n) {
    long count = 0;
    for (size_t i = 0; i < n; count++) {
        unsigned char c = (unsigned char)s[i];
        size_t len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 1;
        if (len > 1) {
            bool ok = i + len <= n;
            for (size_t j = 1; ok && j < len; j++) ok = ((unsigned char)s[i + j] >> 6) == 2;
            if (ok && len == 2 && c < 0xC2) ok = false;
            if (ok && len == 3) {
                unsigned cp = ((c & 0x0Fu) << 12) | (((unsigned char)s[i + 1] & 0x3Fu) << 6);
                if (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF)) ok = false;
            }
            if (ok && len == 4) {
                unsigned cp = ((c & 0x07u) << 18) | (((unsigned char)s[i + 1] & 0x3Fu) << 12);
                if (cp < 0x10000 || cp > 0x10FFFF) ok = false;
            }
            if (!ok) len = 1;
        }
        i += len;
    }
    return count;
}

static void v_string(const sch *s, const kz_value *node, res *r, const char *ctx) {
    const char *str = kz_str(node);
    size_t n = kz_str_len(node);
    if (s->min_len >= 0 || s->max_len >= 0) {
        long runes = rune_count(str, n);
        if (s->min_len >= 0 && runes < s->min_len)
            add_err(r, ctx, "String length must be greater than or equal to %ld", s->min_len);
        if (s->max_len >= 0 && runes > s->max_len)
            add_err(r, ctx, "String length must be less than or equal to %ld", s->max_len);
    }
    if (s->pattern && !kz_regex_match(s->pattern, str, n))
        add_err(r, ctx, "Does not match pattern '%s'", s->pattern_src);
    if (s->format && !kz_schema_format_ok(s->format, str, n))
        add_err(r, ctx, "Does not match format '%s'", s->format);
    r->score++;
}

static void bound_err(res *r, const char *ctx, const char *what, const dec *d) {
    kz_buf b = KZ_BUF_INIT;
    dec_format(&b, d);
    add_err(r, ctx, "%s%s", what, kz_buf_cstr(&b));
    kz_buf_free(&b);
}

static void v_number(const sch *s, const dec *d, res *r, const char *ctx) {
    if (s->multiple && !dec_multiple(d, s->multiple)) bound_err(r, ctx, "Must be a multiple of ", s->multiple);
    if (s->max && dec_cmp(d, s->max) > 0) bound_err(r, ctx, "Must be less than or equal to ", s->max);
    if (s->exmax && dec_cmp(d, s->exmax) >= 0) bound_err(r, ctx, "Must be less than ", s->exmax);
    if (s->min && dec_cmp(d, s->min) < 0) bound_err(r, ctx, "Must be greater than or equal to ", s->min);
    if (s->exmin && dec_cmp(d, s->exmin) <= 0) bound_err(r, ctx, "Must be greater than ", s->exmin);
    /* gojsonschema hands the checkers a *big.Rat: every known format fails */
    if (s->format && !kz_schema_format_ok(s->format, NULL, 0))
        add_err(r, ctx, "Does not match format '%s'", s->format);
    r->score++;
}

static bool type_error(const sch *s, res *r, const char *ctx, unsigned ok_bits, const char *given) {
    if (!s->types || (s->types & ok_bits)) return false;
    add_err(r, ctx, "Invalid type. Expected: %s, given: %s", kz_buf_cstr(&s->types_str), given);
    return true;
}

/* gojsonschema's validateRecursive. */
static void validate_node(const sch *s, const kz_value *node, res *r, const char *ctx);

/* A schema met again for the same value further down the same check (as
 * {"$ref": "#"} or {"allOf": [{"$ref": "#"}]} do) would be met again and again
 * forever: validation is deterministic and only properties, items and the
 * like step down into the value. gojsonschema recurses until Go's stack
 * overflows and helm crashes; here the loop is marked and reported once the
 * walk is done (loop_error). A value deeper than the one being visited never
 * leads back up, so remembering one value per schema is enough. The schema
 * is only written by the one validation walking it. */
static void validate(const sch *s, const kz_value *node, res *r, const char *ctx) {
    sch *state = (sch *)s; /* allocated non-const by new_sch */
    if (s->visiting == node) {
        state->looped = true;
        return;
    }
    const kz_value *outer = s->visiting;
    state->visiting = node;
    validate_node(s, node, r, ctx);
    state->visiting = outer;
}

static void validate_node(const sch *s, const kz_value *node, res *r, const char *ctx) {
    if (s->pass >= 0) {
        if (!s->pass) add_err(r, ctx, "False always fails validation");
        return;
    }
    if (s->ref) {
        validate(s->ref, node, r, ctx);
        return;
    }
    switch (kz_kind_of(node)) {
    case KZ_INT:
    case KZ_FLOAT: {
        dec *d = dec_of(node);
        bool isint = dec_is_int(d);
        if (type_error(s, r, ctx, T_NUMBER | (isint ? T_INTEGER : 0), isint ? "integer" : "number")) {
            dec_free(d);
            return;
        }
        v_schema(s, node, r, ctx);
        v_number(s, d, r, ctx);
        v_common(s, node, r, ctx);
        dec_free(d);
        break;
    }
    case KZ_SEQ:
        if (type_error(s, r, ctx, T_ARRAY, "array")) return;
        v_schema(s, node, r, ctx);
        v_array(s, node, r, ctx);
        v_common(s, node, r, ctx);
        break;
    case KZ_MAP:
        if (type_error(s, r, ctx, T_OBJECT, "object")) return;
        v_schema(s, node, r, ctx);
        v_object(s, node, r, ctx);
        v_common(s, node, r, ctx);
        for (size_t i = 0; i < s->nprops; i++) {
            const kz_value *child = kz_map_getz(node, s->props[i].name);
            if (!child) continue;
            char *cx = sub_ctx(ctx, s->props[i].name);
            validate(s->props[i].s, child, r, cx);
            free(cx);
        }
        break;
    case KZ_BOOL:
        if (type_error(s, r, ctx, T_BOOLEAN, "boolean")) return;
        v_schema(s, node, r, ctx);
        v_common(s, node, r, ctx);
        break;
    case KZ_STRING:
        if (type_error(s, r, ctx, T_STRING, "string")) return;
        v_schema(s, node, r, ctx);
        v_common(s, node, r, ctx);
        v_string(s, node, r, ctx);
        break;
    default: /* null */
        if (type_error(s, r, ctx, T_NULL, "null")) return;
        v_schema(s, node, r, ctx);
        v_common(s, node, r, ctx);
        break;
    }
    r->score++;
}

/* ---- loading the schema document ---- */

/* The first JSON value of text, as gojsonschema's json.Decoder reads it (a
 * value followed by anything is fine), or an error with Go's words. */
static kz_value load_json(const char *text, size_t len) {
    size_t i = 0;
    while (i < len && strchr(" \t\r\n", text[i])) i++;
    if (i == len) return kz_error("EOF");
    kz_buf msg = KZ_BUF_INIT;
    if (kz_json_go_syntax_error(text, len, &msg)) {
        const char *m = kz_buf_cstr(&msg);
        if (strstr(m, "after top-level value")) {
            json_error_t e;
            json_t *j = json_loadb(text, len, JSON_DECODE_ANY | JSON_DISABLE_EOF_CHECK, &e);
            if (j) {
                json_decref(j);
                len = (size_t)e.position;
            }
        } else {
            kz_value err = strcmp(m, "unexpected end of JSON input") == 0 ? kz_error("unexpected EOF") : kz_error("%s", m);
            kz_buf_free(&msg);
            return err;
        }
    }
    kz_buf_free(&msg);
    kz_json_parse_opts o = {.numbers = KZ_JSON_NUMBERS_NATIVE, .source_name = "values.schema.json"};
    return kz_json_parse(text, len, &o);
}

/* The draft named by "$schema" (gojsonschema's parseSchemaURL), HYBRID when
 * there is none or it is not one of the three; 0 with *err on error. */
static int detect_draft(const kz_value *doc, kz_value *err) {
    if (kz_kind_of(doc) == KZ_BOOL) return HYBRID;
    if (!kz_is_map(doc)) return *err = kz_error("schema is invalid"), 0;
    const kz_value *v = kz_map_getz(doc, "$schema");
    if (!v) return HYBRID;
    if (!kz_is_string(v)) return *err = kz_error("$schema must be of type string"), 0;
    static const struct { const char *url; int draft; } urls[] = {
        {"http://json-schema.org/draft-04/schema", DRAFT4},
        {"http://json-schema.org/draft-06/schema", DRAFT6},
        {"http://json-schema.org/draft-07/schema", DRAFT7},
    };
    size_t n = kz_str_len(v);
    const char *s = kz_str(v);
    if (n && s[n - 1] == '#') n--; /* an empty fragment is dropped */
    for (size_t i = 0; i < 3; i++)
        if (strlen(urls[i].url) == n && memcmp(urls[i].url, s, n) == 0) return urls[i].draft;
    return HYBRID;
}

static bool validation_looped(const comp *c) {
    for (size_t i = 0; i < c->nall; i++)
        if (c->all[i]->looped) return true;
    return false;
}

kz_value kz_schema_validate_json(const char *schema, size_t len, const kz_value *doc) {
    kz_value root = load_json(schema ? schema : "", schema ? len : 0);
    if (!kz_is_valid(&root)) return root;
    kz_value err = kz_null();
    int draft = detect_draft(&root, &err);
    if (!draft) {
        kz_free(root);
        return err;
    }
    comp c = {.root = &root};
    sch *top = new_sch(&c, draft);
    if (!parse(&c, &root, top)) {
        err = kz_error("%s", kz_buf_cstr(&c.err));
    } else {
        kz_value empty = kz_map();
        const kz_value *d = (!doc || kz_is_null(doc)) ? &empty : doc;
        res r = {0};
        validate(top, d, &r, "(root)");
        if (validation_looped(&c)) {
            err = kz_error("- (root): the schema loops: a $ref (or allOf, anyOf, oneOf, not, if) leads back to the "
                           "same schema for the same value, so the check would never end (helm overflows its stack "
                           "here)\n");
        } else if (r.n) {
            kz_buf b = KZ_BUF_INIT;
            for (size_t i = 0; i < r.n; i++) kz_buf_printf(&b, "- %s\n", r.errs[i]);
            err = kz_error("%s", kz_buf_cstr(&b));
            kz_buf_free(&b);
        }
        free_strs(r.errs, r.n);
        kz_free(empty);
    }
    comp_free(&c);
    kz_free(root);
    return err;
}

/* ---- the chart tree ---- */

static void validate_chart(const kz_chart *c, const kz_value *values, kz_buf *sb) {
    if (c->schema) {
        kz_value e = kz_schema_validate_json(c->schema, c->schema_len, values);
        if (!kz_is_null(&e)) {
            const char *m = kz_error_message(&e);
            kz_buf_printf(sb, "%s:\n%s", c->name, m ? m : "");
        }
        kz_free(e);
    }
    for (size_t i = 0; i < c->ndeps; i++) {
        const kz_chart *d = c->deps[i];
        const kz_value *sub = kz_is_map(values) ? kz_map_getz(values, d->name) : NULL;
        kz_value empty = kz_map();
        validate_chart(d, sub && kz_is_map(sub) ? sub : &empty, sb);
        kz_free(empty);
    }
}

kz_value kz_chart_validate_schema(const kz_chart *chart, const kz_value *values) {
    kz_buf sb = KZ_BUF_INIT;
    validate_chart(chart, values, &sb);
    if (!sb.len) return kz_null();
    kz_value err = kz_error("values don't meet the specifications of the schema(s) in the following chart(s):\n%s",
                            kz_buf_cstr(&sb));
    kz_buf_free(&sb);
    return err;
}
