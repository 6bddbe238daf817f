/*
 * Function calls of the executor: Go's evalFunction / evalCall (argument count
 * checks, argument evaluation, and/or short-circuit, "error calling" wrapping)
 * and text/template's builtins over kz_values.
 *
 * Builtins see Go's two nils apart (exec.h): INVALID is the invalid
 * reflect.Value (a nil constant, a pipeline's nil), NULL a nil interface{}
 * from the data. Their error values carry Go's message without the
 * "error calling NAME: " prefix, which evalCall adds.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "tmpl/builtins.h"
#include "tmpl/exec_internal.h"
#include "tmpl/fmt.h"
#include "tmpl/funcs.h"
#include "core/gotime.h"
#include "tmpl/gotype.h"

typedef enum builtin_id {
    B_AND, B_OR, B_NOT, B_LEN, B_INDEX, B_SLICE, B_PRINT, B_PRINTF, B_PRINTLN, B_HTML, B_JS,
    B_URLQUERY, B_CALL, B_EQ, B_NE, B_LT, B_LE, B_GT, B_GE,
} builtin_id;

typedef struct builtin {
    const char *name;
    builtin_id id;
    int min_args;  /* Go's fixed parameters */
    bool variadic;
} builtin;

/* Arity as Go's signatures declare it (funcs.go). */
static const builtin builtins[] = {
    {"and", B_AND, 1, true},        {"or", B_OR, 1, true},         {"not", B_NOT, 1, false},
    {"len", B_LEN, 1, false},       {"index", B_INDEX, 1, true},   {"slice", B_SLICE, 1, true},
    {"print", B_PRINT, 0, true},    {"printf", B_PRINTF, 1, true}, {"println", B_PRINTLN, 0, true},
    {"html", B_HTML, 0, true},      {"js", B_JS, 0, true},         {"urlquery", B_URLQUERY, 0, true},
    {"call", B_CALL, 1, true},      {"eq", B_EQ, 1, true},         {"ne", B_NE, 2, false},
    {"lt", B_LT, 2, false},         {"le", B_LE, 2, false},        {"gt", B_GT, 2, false},
    {"ge", B_GE, 2, false},
};

static const builtin *find_builtin(const char *name, size_t len) {
    for (size_t i = 0; i < sizeof builtins / sizeof builtins[0]; i++) {
        if (strlen(builtins[i].name) == len && memcmp(builtins[i].name, name, len) == 0) return &builtins[i];
    }
    return NULL;
}

static bool is_nil(const kz_value *v) { return kz_kind_of(v) == KZ_INVALID || kz_kind_of(v) == KZ_NULL; }

/* ---- the builtins ---- */

/* The type Go's indirect leaves: a pointer's element type (Helm's
 * *chartutil.Capabilities and the like are dereferenced before the builtins
 * look at them). */
static const char *indirect_type_name(const kz_value *v) {
    const char *name = kz_gotype_name(v);
    return name[0] == '*' ? name + 1 : name;
}

static kz_value b_len(const kz_value *v) {
    switch (kz_kind_of(v)) {
    case KZ_INVALID: return kz_error("reflect: call of reflect.Value.Type on zero Value");
    case KZ_NULL: return kz_error("len of nil pointer");
    case KZ_SEQ:
    case KZ_STRING: return kz_int((int64_t)kz_len(v));
    case KZ_MAP:
        /* structs kept as MAPs (time.Time, .Chart, ...) have no length */
        if (kz_is_go_map(v)) return kz_int((int64_t)kz_len(v));
        return kz_error("len of type %s", indirect_type_name(v));
    default: return kz_error("len of type %s", kz_gotype_name(v));
    }
}

/* Go's indexArg: an integer index in [0, cap]. Returns false with *err set. */
static bool index_arg(const kz_value *index, size_t cap, bool nil_is_interface, int64_t *x, kz_value *err) {
    if (kz_kind_of(index) == KZ_INT) {
        *x = kz_int_get(index);
        if (kz_int_is_unsigned(index)) *x = (int64_t)kz_uint_get(index);
    } else if (kz_kind_of(index) == KZ_INVALID || (kz_kind_of(index) == KZ_NULL && !nil_is_interface)) {
        *err = kz_error("cannot index slice/array with nil");
        return false;
    } else {
        *err = kz_error("cannot index slice/array with type %s",
                        kz_kind_of(index) == KZ_NULL ? "interface {}" : kz_gotype_name(index));
        return false;
    }
    if (*x < 0 || (uint64_t)*x > cap) {
        *err = kz_error("index out of range: %lld", (long long)*x);
        return false;
    }
    return true;
}

/* One step of index into a sequence or string: the item, or an error. */
static kz_value index_position(const kz_value *item, const kz_value *index) {
    int64_t x;
    kz_value err;
    if (!index_arg(index, kz_len(item), false, &x, &err)) return err;
    if ((size_t)x == kz_len(item)) { /* indexArg lets x == len through; reflect's Index panics */
        bool text = kz_kind_of(item) == KZ_STRING && kz_gotype_of(item) != KZ_GOTYPE_BYTES;
        return kz_error(text ? "reflect: string index out of range"
                                                      : "reflect: slice index out of range");
    }
    if (kz_kind_of(item) == KZ_STRING) {
        return kz_with_gotype(kz_int((unsigned char)kz_str(item)[x]), KZ_GOTYPE_UINT8);
    }
    return kz_copy(kz_seq_at(item, (size_t)x));
}

static kz_value index_key(const kz_value *item, const kz_value *key) {
    if (is_nil(key)) return kz_error("value is nil; should be of type string");
    if (kz_kind_of(key) != KZ_STRING || kz_gotype_of(key) != KZ_GOTYPE_NATURAL) {
        return kz_error("value has type %s; should be string", kz_gotype_name(key));
    }
    const kz_value *found = kz_map_get(item, kz_str(key), kz_str_len(key));
    if (found) return kz_copy(found);
    /* a missing key gives the map's zero value: "", a nil []byte, nil */
    switch (kz_gotype_of(item)) {
    case KZ_GOTYPE_STRING_MAP: return kz_string("");
    case KZ_GOTYPE_FILES: return kz_with_gotype(kz_string(""), KZ_GOTYPE_BYTES);
    default: return kz_null();
    }
}

static kz_value b_index(size_t argc, const kz_value *argv) {
    if (is_nil(&argv[0])) return kz_error("index of untyped nil");
    kz_value item = kz_copy(&argv[0]);
    for (size_t i = 1; i < argc; i++) {
        kz_value next;
        switch (kz_kind_of(&item)) {
        case KZ_NULL: next = kz_error("index of nil pointer"); break;
        case KZ_SEQ:
        case KZ_STRING: next = index_position(&item, &argv[i]); break;
        case KZ_MAP:
            if (kz_is_go_map(&item)) {
                next = index_key(&item, &argv[i]);
            } else { /* a struct kept as a MAP */
                next = kz_error("can't index item of type %s", indirect_type_name(&item));
            }
            break;
        default: next = kz_error("can't index item of type %s", kz_gotype_name(&item)); break;
        }
        kz_free(item);
        item = next;
        if (kz_error_message(&item)) break;
    }
    return item;
}

static kz_value b_slice(size_t argc, const kz_value *argv) {
    const kz_value *item = &argv[0];
    size_t nidx = argc - 1;
    if (is_nil(item)) return kz_error("slice of untyped nil");
    if (nidx > 3) return kz_error("too many slice indexes: %zu", nidx);
    kz_kind k = kz_kind_of(item);
    if (k == KZ_STRING && nidx == 3) return kz_error("cannot 3-index slice a string");
    if (k != KZ_STRING && k != KZ_SEQ) return kz_error("can't slice item of type %s", kz_gotype_name(item));
    size_t len = kz_len(item);
    int64_t idx[3] = {0, (int64_t)len, (int64_t)len};
    for (size_t i = 0; i < nidx; i++) {
        kz_value err;
        if (!index_arg(&argv[1 + i], len, true, &idx[i], &err)) return err;
    }
    if (idx[0] > idx[1]) return kz_error("invalid slice index: %lld > %lld", (long long)idx[0], (long long)idx[1]);
    if (nidx == 3 && idx[1] > idx[2]) {
        return kz_error("invalid slice index: %lld > %lld", (long long)idx[1], (long long)idx[2]);
    }
    if (k == KZ_STRING) {
        kz_value s = kz_string_n(kz_str(item) + idx[0], (size_t)(idx[1] - idx[0]));
        return kz_with_gotype(s, kz_gotype_of(item));
    }
    kz_value seq = kz_seq_sized((size_t)(idx[1] - idx[0]));
    for (int64_t i = idx[0]; i < idx[1]; i++) kz_seq_push(&seq, kz_copy(kz_seq_at(item, (size_t)i)));
    return kz_with_gotype(seq, kz_gotype_of(item));
}

/* Go's evalArgs for the escapers: one string as is, else fmt.Sprint with nil
 * arguments printed "<no value>". */
static void escaper_text(kz_buf *text, size_t argc, const kz_value *argv) {
    if (argc == 1 && kz_kind_of(&argv[0]) == KZ_STRING && kz_gotype_of(&argv[0]) == KZ_GOTYPE_NATURAL) {
        kz_buf_append(text, kz_str(&argv[0]), kz_str_len(&argv[0]));
        return;
    }
    kz_value *args = kz_xmalloc((argc + 1) * sizeof *args);
    for (size_t i = 0; i < argc; i++) args[i] = is_nil(&argv[i]) ? kz_string("<no value>") : kz_copy(&argv[i]);
    kz_fmt_sprint(text, argc, args);
    for (size_t i = 0; i < argc; i++) kz_free(args[i]);
    free(args);
}

static kz_value b_escape(builtin_id id, size_t argc, const kz_value *argv) {
    kz_buf text = KZ_BUF_INIT, out = KZ_BUF_INIT;
    escaper_text(&text, argc, argv);
    if (id == B_HTML) kz_tmpl_html_escape(&out, text.data ? text.data : "", text.len);
    if (id == B_JS) kz_tmpl_js_escape(&out, text.data ? text.data : "", text.len);
    if (id == B_URLQUERY) kz_tmpl_urlquery_escape(&out, text.data ? text.data : "", text.len);
    kz_value r = kz_string_n(out.data ? out.data : "", out.len);
    kz_buf_free(&text);
    kz_buf_free(&out);
    return r;
}

static kz_value b_print(builtin_id id, size_t argc, const kz_value *argv) {
    kz_buf out = KZ_BUF_INIT;
    if (id == B_PRINT) kz_fmt_sprint(&out, argc, argv);
    if (id == B_PRINTLN) kz_fmt_sprintln(&out, argc, argv);
    if (id == B_PRINTF) kz_fmt_sprintf(&out, kz_str(&argv[0]), kz_str_len(&argv[0]), argc - 1, argv + 1);
    kz_value r = kz_string_n(out.data ? out.data : "", out.len);
    kz_buf_free(&out);
    return r;
}

/* No template value is a function, so call always fails, as Go's would. */
static kz_value b_call(const char *callee, const kz_value *fn) {
    if (is_nil(fn)) return kz_error("call of nil");
    return kz_error("non-function %s of type %s", callee, kz_gotype_name(fn));
}

static kz_value b_compare(builtin_id id, size_t argc, const kz_value *argv) {
    bool result = false;
    if (id == B_EQ) {
        if (argc < 2) return kz_error("missing argument for comparison");
        for (size_t i = 1; i < argc && !result; i++) {
            kz_value err = kz_tmpl_compare(KZ_CMP_EQ, &argv[0], &argv[i], &result);
            if (kz_error_message(&err)) return err;
            kz_free(err);
        }
        return kz_bool(result);
    }
    kz_tmpl_cmp_op op = id == B_NE ? KZ_CMP_NE : id == B_LT ? KZ_CMP_LT : id == B_LE ? KZ_CMP_LE
                      : id == B_GT ? KZ_CMP_GT : KZ_CMP_GE;
    kz_value err = kz_tmpl_compare(op, &argv[0], &argv[1], &result);
    if (kz_error_message(&err)) return err;
    kz_free(err);
    return kz_bool(result);
}

static kz_value run_builtin(builtin_id id, const char *callee, size_t argc, const kz_value *argv) {
    switch (id) {
    case B_NOT: return kz_bool(!kz_tmpl_truth(&argv[0]));
    case B_LEN: return b_len(&argv[0]);
    case B_INDEX: return b_index(argc, argv);
    case B_SLICE: return b_slice(argc, argv);
    case B_PRINT:
    case B_PRINTF:
    case B_PRINTLN: return b_print(id, argc, argv);
    case B_HTML:
    case B_JS:
    case B_URLQUERY: return b_escape(id, argc, argv);
    case B_CALL: return b_call(callee, &argv[0]);
    default: return b_compare(id, argc, argv);
    }
}

/* ---- argument evaluation ---- */

static const char *param_type_name(char letter) {
    switch (letter) {
    case 's': return "string";
    case 'i': return "int";
    case 'f': return "float64";
    case 'b': return "bool";
    case 'm': return "map[string]interface {}";
    case 't': return "time.Time";
    case 'u': return "uint32";
    case 'l': return "[]interface {}";
    case 'c': return "sprig.certificate";
    case 'V': return "*semver.Version";
    case 'D': return "time.Duration";
    case 'L': return "*time.Location";
    case 'B': return "[]uint8";
    default: return "interface {}";
    }
}

static bool has_type(const kz_value *v, char letter) {
    if (letter == 'v' || letter == '\0') return true;
    if (letter == 't') return kz_gotime_is(v);
    if (letter == 'c') return kz_kind_of(v) == KZ_MAP && kz_gotype_of(v) == KZ_GOTYPE_CERT;
    if (letter == 'V') return kz_kind_of(v) == KZ_MAP && kz_gotype_of(v) == KZ_GOTYPE_SEMVER;
    if (letter == 'B') return kz_kind_of(v) == KZ_STRING && kz_gotype_of(v) == KZ_GOTYPE_BYTES;
    if (letter == 'L') return kz_kind_of(v) == KZ_MAP && kz_gotype_of(v) == KZ_GOTYPE_LOCATION;
    if (letter == 'D') return kz_kind_of(v) == KZ_INT && kz_gotype_of(v) == KZ_GOTYPE_DURATION;
    if (letter == 'u') return false; /* no value of the data is a uint32; constants are converted */
    /* chartutil.Values is a named map[string]interface{}: assignable to it */
    if (letter == 'm' && kz_kind_of(v) == KZ_MAP && kz_gotype_of(v) == KZ_GOTYPE_CHART_VALUES) return true;
    if (kz_gotype_of(v) != KZ_GOTYPE_NATURAL) return false;
    switch (letter) {
    case 's': return kz_kind_of(v) == KZ_STRING;
    case 'i': return kz_kind_of(v) == KZ_INT && !kz_int_is_unsigned(v);
    case 'f': return kz_kind_of(v) == KZ_FLOAT;
    case 'b': return kz_kind_of(v) == KZ_BOOL;
    case 'm': return kz_kind_of(v) == KZ_MAP;
    case 'l': return kz_kind_of(v) == KZ_SEQ;
    default: return true;
    }
}

/* Go's validateType for a typed parameter. A nil map parameter becomes NULL. */
static bool check_type(kz_exec_state *st, kz_value *v, char letter) {
    if (has_type(v, letter)) return true;
    if (kz_kind_of(v) == KZ_INVALID) {
        if (letter == 'm' || letter == 'l' || letter == 'V' || letter == 'L' || letter == 'B') {
            *v = kz_null();
            return true;
        }
        kz_exec_fail(st, "invalid value; expected %s", param_type_name(letter));
    } else {
        kz_exec_fail(st, "wrong type for value; expected %s; got %s", param_type_name(letter),
                     kz_kind_of(v) == KZ_NULL ? "interface {}" : kz_gotype_name(v));
    }
    return false;
}

/* A constant where Go wants a typed parameter (evalString, evalInteger, ...). */
static kz_value typed_constant(kz_exec_state *st, const kz_tmpl_node *n, char letter) {
    if (letter == 's' && n->kind == KZ_TN_STRING) return kz_copy(&n->u.con.value);
    if (letter == 'b' && n->kind == KZ_TN_BOOL) return kz_copy(&n->u.con.value);
    if (letter == 'i' && n->kind == KZ_TN_NUMBER && (n->u.con.num->flags & KZ_TNUM_INT)) return kz_int(n->u.con.num->i64);
    if (letter == 'D' && n->kind == KZ_TN_NUMBER && (n->u.con.num->flags & KZ_TNUM_INT))
        return kz_with_gotype(kz_int(n->u.con.num->i64), KZ_GOTYPE_DURATION);
    if (letter == 'f' && n->kind == KZ_TN_NUMBER && (n->u.con.num->flags & KZ_TNUM_FLOAT)) {
        return kz_float(n->u.con.num->f64);
    }
    if (letter == 'u' && n->kind == KZ_TN_NUMBER && (n->u.con.num->flags & KZ_TNUM_UINT)) {
        return kz_int((int64_t)(uint32_t)n->u.con.num->u64); /* reflect's SetUint truncates to the type */
    }
    kz_buf s = KZ_BUF_INIT;
    kz_tmpl_node_string(&s, n);
    const char *what = letter == 's'   ? "string"
                       : letter == 'i' || letter == 'D' ? "integer"
                       : letter == 'u' ? "unsigned integer"
                       : letter == 'f' ? "float"
                                       : "bool";
    if (letter == 'm' || letter == 't' || letter == 'l' || letter == 'c' || letter == 'V' || letter == 'L' ||
        letter == 'B') {
        kz_exec_fail(st, "can't handle %s for arg of type %s", kz_buf_cstr(&s), param_type_name(letter));
    } else {
        kz_exec_fail(st, "expected %s; found %s", what, kz_buf_cstr(&s));
    }
    kz_buf_free(&s);
    return kz_invalid();
}

/* Go's evalArg for a parameter of type `letter` (see funcs.h). */
static kz_value eval_typed_arg(kz_exec_state *st, const xval *dot, const kz_tmpl_node *n, char letter) {
    if (letter == 'v' || letter == '\0') return kz_exec_arg(st, dot, n).v;
    st->at = n;
    switch (n->kind) {
    case KZ_TN_NIL:
        if (letter == 'm' || letter == 'l' || letter == 'V' || letter == 'L' || letter == 'B') return kz_null(); /* nil map, slice, pointer */
        kz_exec_fail(st, "cannot assign nil to %s", param_type_name(letter));
        return kz_invalid();
    case KZ_TN_BOOL:
    case KZ_TN_NUMBER:
    case KZ_TN_STRING: return typed_constant(st, n, letter);
    default: {
        kz_value v = kz_exec_arg(st, dot, n).v;
        if (!st->failed) check_type(st, &v, letter);
        return v;
    }
    }
}

typedef struct callee {
    const char *name;
    size_t len;
    const builtin *b;        /* a builtin, or */
    const kz_tmpl_func *f;   /* a table function */
    const char *params;      /* parameter types (funcs.h letters), or NULL */
    int fixed;               /* number of fixed parameters */
} callee;

/* The type letter of parameter i. */
static char param_letter(const callee *c, size_t i) {
    if (!c->params) return 'v';
    return i < (size_t)c->fixed ? c->params[i] : c->params[c->fixed];
}

/* Go's and/or: evaluate operands until one decides; return that operand. */
static xval and_or(kz_exec_state *st, const xval *dot, bool is_or, const kz_exec_args *args, const xval *final) {
    xval v = {.v = kz_invalid()};
    for (uint32_t i = 1; i < args->n; i++) {
        kz_free(v.v);
        v = kz_exec_arg(st, dot, args->nodes[i]);
        if (st->failed || kz_tmpl_truth(&v.v) == is_or) return v;
    }
    if (final) {
        kz_free(v.v);
        v = (xval){.v = kz_copy(&final->v), .boxed = final->boxed};
    }
    return v;
}

static bool check_arity(kz_exec_state *st, const callee *c, uint32_t nargs, size_t num_in) {
    int min = c->b ? c->b->min_args : c->f->min_args;
    bool variadic = c->b ? c->b->variadic : c->f->max_args == KZ_TMPL_VARIADIC;
    if (variadic && num_in < (size_t)min) {
        kz_exec_fail(st, "wrong number of args for %.*s: want at least %d got %u", (int)c->len, c->name, min,
                     nargs);
        return false;
    }
    if (!variadic && num_in != (size_t)min) {
        kz_exec_fail(st, "wrong number of args for %.*s: want %d got %zu", (int)c->len, c->name, min, num_in);
        return false;
    }
    return true;
}

/* The callee's name for Go's call builtin: the first argument as written, or
 * the piped value's String(). */
static char *call_callee_name(const kz_exec_args *args, const xval *final) {
    kz_buf s = KZ_BUF_INIT;
    if (args->n > 1) {
        kz_tmpl_node_string(&s, args->nodes[1]);
    } else if (kz_kind_of(&final->v) == KZ_STRING) {
        kz_buf_append(&s, kz_str(&final->v), kz_str_len(&final->v));
    } else {
        kz_buf_printf(&s, "<%s Value>", kz_is_valid(&final->v) ? kz_gotype_name(&final->v) : "invalid");
    }
    return kz_buf_detach(&s, NULL);
}

/* Call a builtin, a table function, or (recv != NULL) a method of recv, which
 * the function receives as argv[0] before the arguments. */
static xval eval_call(kz_exec_state *st, const xval *dot, const callee *c, const kz_tmpl_node *cmd,
                      const kz_exec_args *args, const xval *final, const kz_value *recv) {
    uint32_t nargs = args && args->n > 0 ? args->n - 1 : 0;
    size_t num_in = nargs + (final ? 1 : 0);
    if (!check_arity(st, c, nargs, num_in)) return (xval){.v = kz_invalid()};
    if (c->f && !c->f->fn) { /* a method templates can't call: Go's goodFunc */
        kz_exec_fail(st, "%s", (const char *)c->f->data);
        return (xval){.v = kz_invalid()};
    }
    if (c->b && (c->b->id == B_AND || c->b->id == B_OR)) return and_or(st, dot, c->b->id == B_OR, args, final);

    size_t skip = recv ? 1 : 0; /* argv[0] is the receiver: parameter i is argv[i + skip] */
    kz_value local[8];
    kz_value *argv = num_in + skip <= 8 ? local : kz_xmalloc((num_in + skip) * sizeof *argv);
    size_t argc = 0;
    if (recv) argv[argc++] = kz_copy(recv);
    for (uint32_t i = 0; i < nargs && !st->failed; i++) {
        argv[argc] = eval_typed_arg(st, dot, args->nodes[1 + i], param_letter(c, argc - skip));
        argc++;
    }
    if (final && !st->failed) {
        argv[argc] = kz_copy(&final->v);
        check_type(st, &argv[argc], param_letter(c, argc - skip));
        argc++;
    }
    kz_value result = kz_invalid();
    if (!st->failed && c->b && c->b->id == B_CALL && nargs == 0) {
        /* Go 1.23's evalCall takes the callee's name from args[0] even when
         * only a piped value was given (fixed in Go 1.24) */
        kz_exec_panic(st, "runtime error: index out of range [0] with length 0");
    }
    if (!st->failed) {
        if (c->b) {
            char *name = c->b->id == B_CALL ? call_callee_name(args, final) : NULL;
            result = run_builtin(c->b->id, name, argc, argv);
            free(name);
        } else {
            for (size_t i = 0; i < argc; i++) {
                if (kz_kind_of(&argv[i]) == KZ_INVALID) argv[i] = kz_null();
            }
            kz_tmpl_call call = {.func = c->f, .set = st->set, .opts = st->opts, .depth = st->depth, .exec_state_ = st};
            result = c->f->fn(&call, argc, argv);
        }
        if (kz_error_message(&result)) {
            st->at = cmd;
            kz_exec_fail(st, "error calling %.*s: %s", (int)c->len, c->name, kz_error_message(&result));
            kz_free(result);
            result = kz_invalid();
        }
    }
    for (size_t i = 0; i < argc; i++) kz_free(argv[i]);
    if (argv != local) free(argv);
    return (xval){.v = result};
}

xval kz_exec_function(kz_exec_state *st, const xval *dot, const kz_tmpl_node *ident, const kz_tmpl_node *cmd,
                      const kz_exec_args *args, const xval *final) {
    st->at = ident;
    const kz_tmpl_name *name = ident->u.ident.name;
    callee c = {.name = name->s, .len = name->len};
    c.f = kz_tmpl_funcs_find(kz_tmpl_set_funcs(st->set), name->s, name->len);
    if (c.f) {
        c.params = c.f->params;
        c.fixed = c.f->min_args;
    } else {
        c.b = find_builtin(name->s, name->len);
        if (c.b && c.b->id == B_PRINTF) c.params = "sv"; /* printf(format string, a ...any) */
        c.fixed = c.b ? c.b->min_args : 0;
    }
    if (!c.f && !c.b) {
        char *q = kz_exec_quote(name->s, name->len);
        kz_exec_fail(st, "%s is not a defined function", q);
        free(q);
        return (xval){.v = kz_invalid()};
    }
    return eval_call(st, dot, &c, cmd, args, final, NULL);
}

xval kz_exec_method(kz_exec_state *st, const xval *dot, const kz_tmpl_func *m, const kz_tmpl_name *name,
                    const kz_tmpl_node *node, const kz_value *recv, const kz_exec_args *args, const xval *final) {
    callee c = {.name = name->s, .len = name->len, .f = m, .params = m->params, .fixed = m->min_args};
    return eval_call(st, dot, &c, node, args, final, recv);
}
