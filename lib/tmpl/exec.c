/*
 * The executor: a walk over the parse tree mirroring Go's exec.go, so that
 * results and error messages (including which node an error is reported "at")
 * are Go's. Go unwinds errors, break and continue with panics; here every walk
 * step returns a flow code and evaluation sets st->failed.
 *
 * Values. Evaluation yields an xval: an owned kz_value plus `boxed`, whether Go
 * would hold it as an interface{} taken out of a container (a map entry, a
 * sequence item). Boxing changes only messages: a field of a boxed string is
 * "can't evaluate field x in type interface {}", of an unboxed one "... in type
 * string". Pipelines unbox their result, as Go's evalPipeline does.
 *
 * The builtins (and, or, call, ...) live in exec_builtins.c.
 */
#include "tmpl/exec.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/goobj.h"
#include "core/parallel.h"
#include "tmpl/builtins.h"
#include "tmpl/exec_internal.h"
#include "tmpl/fmt.h"
#include "tmpl/gotype.h"

/* ---- errors ---- */

/* Record Go's execution error: "template: LOC: executing "NAME" at <NODE>: MSG". */
void kz_exec_fail(kz_exec_state *st, const char *fmt, ...) {
    if (st->failed) return;
    kz_buf msg = KZ_BUF_INIT;
    kz_buf_puts(&msg, "template: ");
    if (st->at) {
        kz_tmpl_location(&msg, st->tree, st->at);
        kz_buf_puts(&msg, ": executing ");
        kz_fmt_quote(&msg, st->tree->name->s, st->tree->name->len, false);
        kz_buf_puts(&msg, " at <");
        kz_tmpl_node_string(&msg, st->at);
        kz_buf_puts(&msg, ">: ");
    } else {
        kz_buf_append(&msg, st->tree->name->s, st->tree->name->len);
        kz_buf_puts(&msg, ": ");
    }
    va_list ap;
    va_start(ap, fmt);
    kz_buf_vprintf(&msg, fmt, ap);
    va_end(ap);
    st->err = kz_error("%s", kz_buf_cstr(&msg));
    st->failed = true;
    kz_buf_free(&msg);
}

/* Record a Go runtime panic (msg starts "runtime error: "): text/template
 * re-panics those instead of making them execution errors, so the message has
 * no "template: LOC" part. The function that ran the template (include, tpl)
 * or Helm's render recovers it; they tell it by that prefix, which no
 * execution error has. */
void kz_exec_panic(kz_exec_state *st, const char *msg) {
    if (st->failed) return;
    st->err = kz_error("%s", msg);
    st->failed = true;
}

/* A quoted Go string (%q) of s[0..n) as a C string; free() it. */
char *kz_exec_quote(const char *s, size_t n) {
    kz_buf b = KZ_BUF_INIT;
    kz_fmt_quote(&b, s, n, false);
    return kz_buf_detach(&b, NULL);
}

static void fail_node(kz_exec_state *st, const char *prefix, const kz_tmpl_node *n, const char *suffix) {
    kz_buf s = KZ_BUF_INIT;
    kz_tmpl_node_string(&s, n);
    kz_exec_fail(st, "%s%s%s", prefix, kz_buf_cstr(&s), suffix);
    kz_buf_free(&s);
}

/* ---- variables ---- */

static void push_var(kz_exec_state *st, const char *name, size_t len, xval x) {
    if (st->nvars == st->cap_vars) {
        st->cap_vars = st->cap_vars ? st->cap_vars * 2 : 16;
        st->vars = kz_xrealloc(st->vars, st->cap_vars * sizeof *st->vars);
    }
    st->vars[st->nvars++] = (kz_exec_var){.name = name, .len = len, .x = x};
}

static void pop_vars(kz_exec_state *st, size_t mark) {
    while (st->nvars > mark) kz_free(st->vars[--st->nvars].x.v);
}

static kz_exec_var *find_var(kz_exec_state *st, const char *name, size_t len) {
    for (size_t i = st->nvars; i > st->var_base; i--) {
        kz_exec_var *v = &st->vars[i - 1];
        if (v->len == len && memcmp(v->name, name, len) == 0) return v;
    }
    kz_exec_fail(st, "undefined variable: %.*s", (int)len, name);
    return NULL;
}

static void set_var(kz_exec_state *st, const kz_tmpl_name *name, xval x) {
    kz_exec_var *v = find_var(st, name->s, name->len);
    if (!v) {
        kz_free(x.v);
        return;
    }
    kz_free(v->x.v);
    v->x = x;
}

/* Go's setTopVar: the n-th variable from the top (1 = top). */
static void set_top_var(kz_exec_state *st, size_t n, xval x) {
    kz_exec_var *v = &st->vars[st->nvars - n];
    kz_free(v->x.v);
    v->x = x;
}

/* ---- evaluation ---- */

static xval invalid(void) { return (xval){.v = kz_invalid(), .boxed = false}; }
static xval xcopy(const xval *x) {
    return (xval){.v = kz_copy(&x->v), .boxed = x->boxed, .addressable = x->addressable};
}

/* Go's evalPipeline unwrapping: an interface{} result becomes its content, nil
 * becomes the invalid value. */
static xval unbox(xval x) {
    if (kz_kind_of(&x.v) == KZ_NULL) {
        kz_free(x.v);
        return invalid();
    }
    x.boxed = false;
    return x;
}

static xval eval_command(kz_exec_state *st, const xval *dot, const kz_tmpl_node *cmd, const xval *final);
xval kz_exec_pipeline(kz_exec_state *st, const xval *dot, const kz_tmpl_node *pipe) {
    if (!pipe) return invalid();
    st->at = pipe;
    xval value = invalid();
    bool have = false;
    for (uint32_t i = 0; i < pipe->u.pipe.ncmds; i++) {
        xval next = eval_command(st, dot, pipe->u.pipe.cmds[i], have ? &value : NULL);
        kz_free(value.v);
        value = unbox(next);
        have = true;
        if (st->failed) return value;
    }
    for (uint32_t i = 0; i < pipe->u.pipe.ndecl; i++) {
        const kz_tmpl_name *name = pipe->u.pipe.decl[i];
        if (pipe->u.pipe.is_assign) {
            set_var(st, name, xcopy(&value));
        } else {
            push_var(st, name->s, name->len, xcopy(&value));
        }
    }
    return value;
}

/* Go's notAFunction: only functions and methods take arguments. */
static bool not_a_function(kz_exec_state *st, const kz_exec_args *args, const xval *final) {
    if (args->n > 1 || final) {
        fail_node(st, "can't give argument to non-function ", args->nodes[0], "");
        return false;
    }
    return true;
}

/* Go's idealConstant: the number as an interface{} argument. */
xval kz_exec_number(kz_exec_state *st, const kz_tmpl_node *n) {
    st->at = n;
    if (kz_is_valid(&n->u.con.value)) return (xval){.v = kz_copy(&n->u.con.value)};
    if (n->u.con.num && (n->u.con.num->flags & KZ_TNUM_COMPLEX)) {
        kz_exec_fail(st, "complex constants are not supported");
    } else {
        kz_exec_fail(st, "%.*s overflows int", (int)n->u.con.text_len, n->u.con.text);
    }
    return invalid();
}

/* Whether a MAP value stands for a Go struct (or pointer to one), whose
 * missing field is an error rather than a missing key. */
static bool is_struct_like(const kz_value *v) { return kz_kind_of(v) == KZ_MAP && !kz_is_go_map(v); }

/* .Chart's embedded chart.Metadata is served by a method (funcs.h), but Go
 * sees a struct field. */
static bool embedded_field(const kz_value *receiver, const kz_tmpl_name *name) {
    return kz_gotype_of(receiver) == KZ_GOTYPE_CHART_METADATA && name->len == 8 &&
           memcmp(name->s, "Metadata", 8) == 0;
}

/* Go's evalField on a field given arguments: a struct field and a map key
 * have different messages. */
static void fail_field_args(kz_exec_state *st, const kz_tmpl_name *name, bool struct_field) {
    kz_exec_fail(st, struct_field ? "%.*s has arguments but cannot be invoked as function"
                                  : "%.*s is not a method but has arguments",
                 (int)name->len, name->s);
}

/* One field of a receiver: Go's evalField. Methods of the receiver's Go type
 * (funcs.h) come first, then struct fields and map keys. `args`/`final` are
 * the command's (NULL for an intermediate field of a chain). */
static xval eval_field(kz_exec_state *st, const xval *dot, const kz_tmpl_node *node, const kz_tmpl_name *name,
                       const kz_exec_args *args, const xval *final, xval receiver) {
    bool has_args = (args && args->n > 1) || final;
    kz_kind k = kz_kind_of(&receiver.v);
    if (k == KZ_INVALID || (k == KZ_NULL && !receiver.boxed)) {
        if (st->opts->missingkey == KZ_TMPL_MISSING_ERROR) {
            char *q = kz_exec_quote(name->s, name->len);
            kz_exec_fail(st, "nil data; no entry for key %s", q);
            free(q);
        }
        kz_free(receiver.v);
        return invalid();
    }
    if (k == KZ_NULL) {
        kz_exec_fail(st, "nil pointer evaluating interface {}.%.*s", (int)name->len, name->s);
        return invalid();
    }
    if (kz_gotype_of(&receiver.v) != KZ_GOTYPE_NATURAL) {
        const kz_tmpl_func *m =
            kz_tmpl_funcs_find_method(kz_tmpl_set_funcs(st->set), kz_gotype_of(&receiver.v), name->s, name->len);
        if (m && has_args && embedded_field(&receiver.v, name)) {
            fail_field_args(st, name, true);
            kz_free(receiver.v);
            return invalid();
        }
        if (m) {
            xval result = kz_exec_method(st, dot, m, name, node, &receiver.v, args, final);
            kz_free(receiver.v);
            return result;
        }
    }
    if (k != KZ_MAP) {
        kz_exec_fail(st, "can't evaluate field %.*s in type %s", (int)name->len, name->s,
                     receiver.boxed ? "interface {}" : kz_gotype_name(&receiver.v));
        kz_free(receiver.v);
        return invalid();
    }
    if (kz_goobj_unexported_field(&receiver.v, name->s, name->len)) {
        kz_exec_fail(st, "%.*s is an unexported field of struct type %s", (int)name->len, name->s,
                     kz_gotype_name(&receiver.v));
        kz_free(receiver.v);
        return invalid();
    }
    const kz_value *found = kz_map_get(&receiver.v, name->s, name->len);
    if (found && kz_goobj_internal_key(&receiver.v, name->s, name->len)) found = NULL; /* kz's, not Go's */
    if (is_struct_like(&receiver.v) && !found) {
        /* Go names the receiver's type before unboxing it: .Chart.x, straight
         * from the top-level map, is an interface {} */
        kz_exec_fail(st, "can't evaluate field %.*s in type %s", (int)name->len, name->s,
                     receiver.boxed ? "interface {}" : kz_gotype_name(&receiver.v));
        kz_free(receiver.v);
        return invalid();
    }
    if (has_args) {
        fail_field_args(st, name, is_struct_like(&receiver.v));
        kz_free(receiver.v);
        return invalid();
    }
    bool string_map = kz_gotype_of(&receiver.v) == KZ_GOTYPE_STRING_MAP;
    bool files = kz_gotype_of(&receiver.v) == KZ_GOTYPE_FILES; /* map[string][]byte */
    xval result;
    if (found) {
        /* a struct field has its own type; a map element is an interface{}
         * unless the map's element type is concrete */
        result = (xval){.v = kz_copy(found), .boxed = !string_map && !files && !is_struct_like(&receiver.v)};
        /* a field of a pointer's struct, or of an addressable struct */
        result.addressable = is_struct_like(&receiver.v) &&
                             (receiver.addressable || kz_gotype_of(&receiver.v) == KZ_GOTYPE_CAPABILITIES);
    } else if (st->opts->missingkey == KZ_TMPL_MISSING_ERROR) {
        char *q = kz_exec_quote(name->s, name->len);
        kz_exec_fail(st, "map has no entry for key %s", q);
        free(q);
        result = invalid();
    } else {
        /* The zero value of the element type: nil interface{}, "", or an
         * empty []uint8 (.Files.x, which Go prints as []). */
        if (string_map) result = (xval){.v = kz_string("")};
        else if (files) result = (xval){.v = kz_with_gotype(kz_string(""), KZ_GOTYPE_BYTES)};
        else result = (xval){.v = kz_null(), .boxed = true};
    }
    kz_free(receiver.v);
    return result;
}

/* Go's evalFieldChain: all fields but the last take no arguments. */
static xval eval_field_chain(kz_exec_state *st, const xval *dot, const kz_tmpl_node *node, xval receiver,
                             const kz_tmpl_name *const *names, uint32_t n, const kz_exec_args *args,
                             const xval *final) {
    for (uint32_t i = 0; i + 1 < n; i++) {
        receiver = eval_field(st, dot, node, names[i], NULL, NULL, receiver);
        if (st->failed) return receiver;
    }
    return eval_field(st, dot, node, names[n - 1], args, final, receiver);
}

static xval eval_field_node(kz_exec_state *st, const xval *dot, const kz_tmpl_node *field,
                            const kz_exec_args *args, const xval *final) {
    st->at = field;
    return eval_field_chain(st, dot, field, xcopy(dot), field->u.field.names, field->u.field.n, args, final);
}

static xval eval_variable_node(kz_exec_state *st, const xval *dot, const kz_tmpl_node *var,
                               const kz_exec_args *args, const xval *final) {
    st->at = var;
    const kz_tmpl_name *name = var->u.var.names[0];
    kz_exec_var *v = find_var(st, name->s, name->len);
    if (!v) return invalid();
    xval value = xcopy(&v->x);
    if (var->u.var.n == 1) {
        if (args && !not_a_function(st, args, final)) {
            kz_free(value.v);
            return invalid();
        }
        return value;
    }
    return eval_field_chain(st, dot, var, value, var->u.var.names + 1, var->u.var.n - 1, args, final);
}

static xval eval_chain_node(kz_exec_state *st, const xval *dot, const kz_tmpl_node *chain,
                            const kz_exec_args *args, const xval *final) {
    st->at = chain;
    if (chain->u.chain.node->kind == KZ_TN_NIL) {
        fail_node(st, "indirection through explicit nil in ", chain, "");
        return invalid();
    }
    xval term = unbox(kz_exec_arg(st, dot, chain->u.chain.node));
    if (st->failed) return term;
    return eval_field_chain(st, dot, chain, term, chain->u.chain.fields, chain->u.chain.n, args, final);
}

/* Go's evalArg for an interface{} or reflect.Value parameter: the argument's
 * value, nil constants as INVALID (callers of table functions pass NULL). */
xval kz_exec_arg(kz_exec_state *st, const xval *dot, const kz_tmpl_node *n) {
    st->at = n;
    switch (n->kind) {
    case KZ_TN_DOT: return xcopy(dot);
    case KZ_TN_NIL: return invalid();
    case KZ_TN_FIELD: return eval_field_node(st, dot, n, NULL, NULL);
    case KZ_TN_VARIABLE: return eval_variable_node(st, dot, n, NULL, NULL);
    case KZ_TN_PIPE: return kz_exec_pipeline(st, dot, n);
    case KZ_TN_IDENTIFIER: {
        kz_exec_args none = {.nodes = NULL, .n = 0};
        return kz_exec_function(st, dot, n, n, &none, NULL);
    }
    case KZ_TN_CHAIN: return eval_chain_node(st, dot, n, NULL, NULL);
    case KZ_TN_BOOL:
    case KZ_TN_STRING: return (xval){.v = kz_copy(&n->u.con.value)};
    case KZ_TN_NUMBER: return kz_exec_number(st, n);
    default: fail_node(st, "can't handle ", n, " for arg of type interface {}"); return invalid();
    }
}

static xval eval_command(kz_exec_state *st, const xval *dot, const kz_tmpl_node *cmd, const xval *final) {
    kz_exec_args args = {.nodes = (const kz_tmpl_node *const *)cmd->u.cmd.args, .n = cmd->u.cmd.nargs};
    const kz_tmpl_node *first = args.nodes[0];
    switch (first->kind) {
    case KZ_TN_FIELD: return eval_field_node(st, dot, first, &args, final);
    case KZ_TN_CHAIN: return eval_chain_node(st, dot, first, &args, final);
    case KZ_TN_IDENTIFIER: return kz_exec_function(st, dot, first, cmd, &args, final);
    case KZ_TN_PIPE:
        if (!not_a_function(st, &args, final)) return invalid();
        return kz_exec_pipeline(st, dot, first);
    case KZ_TN_VARIABLE: return eval_variable_node(st, dot, first, &args, final);
    default: break;
    }
    st->at = first;
    if (!not_a_function(st, &args, final)) return invalid();
    switch (first->kind) {
    case KZ_TN_BOOL:
    case KZ_TN_STRING: return (xval){.v = kz_copy(&first->u.con.value)};
    case KZ_TN_DOT: return xcopy(dot);
    case KZ_TN_NIL: kz_exec_fail(st, "nil is not a command"); return invalid();
    case KZ_TN_NUMBER: return kz_exec_number(st, first);
    default: fail_node(st, "can't evaluate command ", first, ""); return invalid();
    }
}

/* ---- walking ---- */

static kz_exec_flow walk(kz_exec_state *st, const xval *dot, const kz_tmpl_node *n);

static kz_exec_flow walk_if_with(kz_exec_state *st, const xval *dot, const kz_tmpl_node *n) {
    size_t mark = st->nvars;
    xval val = kz_exec_pipeline(st, dot, n->u.branch.pipe);
    kz_exec_flow flow = KZ_FLOW_ERR;
    if (!st->failed) {
        if (kz_tmpl_truth(&val.v)) {
            flow = walk(st, n->kind == KZ_TN_WITH ? &val : dot, n->u.branch.list);
        } else if (n->u.branch.else_list) {
            flow = walk(st, dot, n->u.branch.else_list);
        } else {
            flow = KZ_FLOW_OK;
        }
    }
    kz_free(val.v);
    pop_vars(st, mark);
    return flow;
}

/* One iteration of a range body, with Go's variable rules: `$v := ` gets the
 * element, `$i, $v := ` the index and the element; `=` assigns instead. */
static kz_exec_flow range_iteration(kz_exec_state *st, const kz_tmpl_node *r, size_t mark, xval index,
                                    xval elem) {
    const kz_tmpl_node *pipe = r->u.branch.pipe;
    uint32_t ndecl = pipe->u.pipe.ndecl;
    if (ndecl > 0) {
        if (pipe->u.pipe.is_assign) {
            set_var(st, pipe->u.pipe.decl[0], ndecl > 1 ? xcopy(&index) : xcopy(&elem));
        } else {
            set_top_var(st, 1, xcopy(&elem));
        }
    }
    if (ndecl > 1 && !st->failed) {
        if (pipe->u.pipe.is_assign) {
            set_var(st, pipe->u.pipe.decl[1], xcopy(&elem));
        } else {
            set_top_var(st, 2, xcopy(&index));
        }
    }
    kz_exec_flow flow = st->failed ? KZ_FLOW_ERR : walk(st, &elem, r->u.branch.list);
    pop_vars(st, mark);
    kz_free(index.v);
    kz_free(elem.v);
    return flow;
}

typedef struct key_ref {
    const char *s;
    size_t len;
    size_t i;
} key_ref;

static int key_ref_cmp(const void *a, const void *b) {
    const key_ref *x = a, *y = b;
    return kz_key_cmp_bytes(x->s, x->len, y->s, y->len);
}

static kz_exec_flow range_map(kz_exec_state *st, const kz_tmpl_node *r, size_t mark, const kz_value *m) {
    size_t n = kz_len(m);
    key_ref *keys = kz_xmalloc(n * sizeof *keys);
    for (size_t i = 0; i < n; i++) {
        const kz_value *k = kz_map_key_at(m, i);
        keys[i] = (key_ref){.s = kz_str(k), .len = kz_str_len(k), .i = i};
    }
    qsort(keys, n, sizeof *keys, key_ref_cmp);
    /* only map[string]interface{} holds its values as interface{} */
    kz_gotype t = kz_gotype_of(m);
    bool boxed = t == KZ_GOTYPE_NATURAL || t == KZ_GOTYPE_CHART_VALUES;
    kz_exec_flow flow = KZ_FLOW_OK;
    for (size_t i = 0; i < n; i++) {
        xval key = {.v = kz_copy(kz_map_key_at(m, keys[i].i))};
        xval elem = {.v = kz_copy(kz_map_value_at(m, keys[i].i)), .boxed = boxed};
        flow = range_iteration(st, r, mark, key, elem);
        if (flow == KZ_FLOW_CONTINUE) flow = KZ_FLOW_OK;
        if (flow != KZ_FLOW_OK) break;
    }
    free(keys);
    return flow == KZ_FLOW_BREAK ? KZ_FLOW_OK : flow;
}

static kz_exec_flow range_seq(kz_exec_state *st, const kz_tmpl_node *r, size_t mark, const kz_value *s) {
    /* only []interface{} holds its items as interface{}: those of []int,
     * []string, [][]interface{} ... are of their concrete type */
    bool boxed = kz_gotype_of(s) == KZ_GOTYPE_NATURAL;
    kz_exec_flow flow = KZ_FLOW_OK;
    for (size_t i = 0; i < kz_len(s); i++) {
        xval elem = {.v = kz_copy(kz_seq_at(s, i)), .boxed = boxed};
        flow = range_iteration(st, r, mark, (xval){.v = kz_int((int64_t)i)}, elem);
        if (flow == KZ_FLOW_CONTINUE) flow = KZ_FLOW_OK;
        if (flow != KZ_FLOW_OK) break;
    }
    return flow == KZ_FLOW_BREAK ? KZ_FLOW_OK : flow;
}

/* Go's range cannot iterate over a struct (.Capabilities, .Chart.Metadata, a
 * semver): it prints it as %v after indirect, so a pointer loses its "&". */
static void range_struct_fail(kz_exec_state *st, const kz_value *v) {
    kz_buf s = KZ_BUF_INIT;
    kz_fmt_sprint(&s, 1, v);
    size_t skip = s.len > 0 && s.data[0] == '&';
    kz_exec_fail(st, "range can't iterate over %s", kz_buf_cstr(&s) + skip);
    kz_buf_free(&s);
}

/* A []byte (.Files.GetBytes, toRawJson ...) kept as a string: Go ranges
 * over its bytes, uint8 items. */
static kz_exec_flow range_bytes(kz_exec_state *st, const kz_tmpl_node *r, size_t mark, const kz_value *s) {
    kz_exec_flow flow = KZ_FLOW_OK;
    const char *p = kz_str(s);
    for (size_t i = 0; i < kz_str_len(s); i++) {
        xval elem = {.v = kz_with_gotype(kz_int((unsigned char)p[i]), KZ_GOTYPE_UINT8)};
        flow = range_iteration(st, r, mark, (xval){.v = kz_int((int64_t)i)}, elem);
        if (flow == KZ_FLOW_CONTINUE) flow = KZ_FLOW_OK;
        if (flow != KZ_FLOW_OK) break;
    }
    return flow == KZ_FLOW_BREAK ? KZ_FLOW_OK : flow;
}

static kz_exec_flow walk_range(kz_exec_state *st, const xval *dot, const kz_tmpl_node *r) {
    st->at = r;
    size_t outer = st->nvars;
    xval val = kz_exec_pipeline(st, dot, r->u.branch.pipe);
    kz_exec_flow flow = KZ_FLOW_ERR;
    if (st->failed) goto done;
    size_t mark = st->nvars;
    kz_kind k = kz_kind_of(&val.v);
    bool empty = true;
    if (k == KZ_MAP && !kz_is_go_map(&val.v)) {
        range_struct_fail(st, &val.v);
        goto done;
    }
    if (k == KZ_STRING && kz_gotype_of(&val.v) == KZ_GOTYPE_BYTES) {
        if (kz_str_len(&val.v) > 0) {
            empty = false;
            flow = range_bytes(st, r, mark, &val.v);
        }
    } else if (k == KZ_SEQ || k == KZ_MAP) {
        if (kz_len(&val.v) > 0) {
            empty = false;
            flow = k == KZ_SEQ ? range_seq(st, r, mark, &val.v) : range_map(st, r, mark, &val.v);
        }
    } else if (k != KZ_INVALID) {
        kz_buf s = KZ_BUF_INIT;
        kz_fmt_sprint(&s, 1, &val.v);
        kz_exec_fail(st, "range can't iterate over %s", kz_buf_cstr(&s));
        kz_buf_free(&s);
        goto done;
    }
    if (empty) flow = r->u.branch.else_list ? walk(st, dot, r->u.branch.else_list) : KZ_FLOW_OK;
done:
    kz_free(val.v);
    pop_vars(st, outer);
    return flow;
}

/* ---- template calls and the stack ---- */

/* Stack the caller's thread may use before deep template nesting moves to a
 * helper thread, and the size and budget of those threads. */
#define CALLER_STACK_BUDGET (256u * 1024u)
#define HELPER_STACK_SIZE (64u * 1024u * 1024u)
#define HELPER_STACK_BUDGET (48u * 1024u * 1024u)

static size_t stack_used(const kz_exec_state *st) {
    char here;
    uintptr_t now = (uintptr_t)&here;
    return st->stack_base > now ? st->stack_base - now : now - st->stack_base;
}

/* Walk a called template's body: a fresh variable scope holding only `$`. */
static kz_exec_flow walk_tree(kz_exec_state *st, const kz_tmpl_tree *tree, const xval *dot) {
    const kz_tmpl_tree *saved_tree = st->tree;
    const kz_tmpl_node *saved_at = st->at;
    size_t saved_base = st->var_base;
    st->tree = tree;
    st->var_base = st->nvars;
    push_var(st, "$", 1, xcopy(dot));
    st->depth++;
    kz_exec_flow flow = walk(st, dot, tree->root);
    st->depth--;
    pop_vars(st, st->var_base);
    st->var_base = saved_base;
    if (!st->failed) {
        st->tree = saved_tree;
        st->at = saved_at;
    }
    return flow;
}

typedef struct hop {
    kz_exec_state *st;
    const kz_tmpl_tree *tree;
    const xval *dot;
    kz_exec_flow flow;
} hop;

static void hop_main(void *p) {
    hop *h = p;
    char base;
    h->st->stack_base = (uintptr_t)&base;
    h->st->stack_budget = HELPER_STACK_BUDGET;
    h->flow = walk_tree(h->st, h->tree, h->dot);
}

/* Continue the walk on a helper thread with a large stack; this thread waits. */
static kz_exec_flow walk_tree_on_new_stack(kz_exec_state *st, const kz_tmpl_tree *tree, const xval *dot) {
    uintptr_t saved_base = st->stack_base;
    size_t saved_budget = st->stack_budget;
    hop h = {.st = st, .tree = tree, .dot = dot, .flow = KZ_FLOW_ERR};
    if (!kz_call_with_stack(HELPER_STACK_SIZE, hop_main, &h)) {
        kz_exec_fail(st, "out of stack for nested templates (depth %d)", st->depth);
        return KZ_FLOW_ERR;
    }
    st->stack_base = saved_base;
    st->stack_budget = saved_budget;
    return h.flow;
}

static kz_exec_flow walk_template(kz_exec_state *st, const xval *dot, const kz_tmpl_node *n) {
    st->at = n;
    const kz_tmpl_name *name = n->u.tmpl.name;
    const kz_tmpl_tree *tree = kz_tmpl_set_lookup(st->set, name->s, name->len);
    if (!tree) {
        char *q = kz_exec_quote(name->s, name->len);
        kz_exec_fail(st, "template %s not defined", q);
        free(q);
        return KZ_FLOW_ERR;
    }
    if (st->depth == KZ_TMPL_MAX_DEPTH) {
        kz_exec_fail(st, "exceeded maximum template depth (%d)", KZ_TMPL_MAX_DEPTH);
        return KZ_FLOW_ERR;
    }
    xval new_dot = kz_exec_pipeline(st, dot, n->u.tmpl.pipe); /* its variables persist */
    if (st->failed) {
        kz_free(new_dot.v);
        return KZ_FLOW_ERR;
    }
    kz_exec_flow flow = stack_used(st) > st->stack_budget ? walk_tree_on_new_stack(st, tree, &new_dot)
                                                          : walk_tree(st, tree, &new_dot);
    kz_free(new_dot.v);
    return flow == KZ_FLOW_ERR ? KZ_FLOW_ERR : KZ_FLOW_OK;
}

static kz_exec_flow walk(kz_exec_state *st, const xval *dot, const kz_tmpl_node *n) {
    st->at = n;
    switch (n->kind) {
    case KZ_TN_LIST:
        for (uint32_t i = 0; i < n->u.list.len; i++) {
            kz_exec_flow flow = walk(st, dot, n->u.list.nodes[i]);
            if (flow != KZ_FLOW_OK) return flow;
        }
        return KZ_FLOW_OK;
    case KZ_TN_TEXT: kz_buf_append(st->out, n->u.text.s, n->u.text.len); return KZ_FLOW_OK;
    case KZ_TN_ACTION: {
        xval val = kz_exec_pipeline(st, dot, n->u.action.pipe);
        if (!st->failed && n->u.action.pipe->u.pipe.ndecl == 0) {
            st->at = n;
            kz_fmt_value_at(st->out, &val.v, val.addressable);
        }
        kz_free(val.v);
        return st->failed ? KZ_FLOW_ERR : KZ_FLOW_OK;
    }
    case KZ_TN_IF:
    case KZ_TN_WITH: return walk_if_with(st, dot, n);
    case KZ_TN_RANGE: return walk_range(st, dot, n);
    case KZ_TN_TEMPLATE: return walk_template(st, dot, n);
    case KZ_TN_BREAK: return KZ_FLOW_BREAK;
    case KZ_TN_CONTINUE: return KZ_FLOW_CONTINUE;
    default: fail_node(st, "unknown node: ", n, ""); return KZ_FLOW_ERR;
    }
}

/* ---- entry points ---- */

static const kz_tmpl_exec_opts default_opts = {.missingkey = KZ_TMPL_MISSING_ZERO};

/* One Go execution of `tree`. A nested execution (include) inherits the
 * caller's stack accounting, so a deep chain of includes moves to a helper
 * thread's stack as deep template calls do. */
static kz_value execute_tree(const kz_tmpl_set *set, const kz_tmpl_tree *tree, const kz_value *dot,
                            const kz_tmpl_exec_opts *opts, kz_buf *out, const kz_exec_state *parent) {
    char base;
    kz_exec_state st = {
        .set = set,
        .opts = opts ? opts : &default_opts,
        .out = out,
        .tree = tree,
        .stack_base = parent ? parent->stack_base : (uintptr_t)&base,
        .stack_budget = parent ? parent->stack_budget : CALLER_STACK_BUDGET,
    };
    /* Go's reflect.ValueOf(nil data) is the invalid value. */
    xval root = {.v = dot && kz_kind_of(dot) != KZ_NULL ? kz_copy(dot) : kz_invalid()};
    st.depth = -1; /* walk_tree counts the outermost template as depth 0 */
    if (stack_used(&st) > st.stack_budget) walk_tree_on_new_stack(&st, tree, &root);
    else walk_tree(&st, tree, &root);
    kz_free(root.v);
    free(st.vars);
    return st.failed ? st.err : kz_null();
}

static kz_value no_template(const char *name, size_t name_len) {
    char *q = kz_exec_quote(name, name_len);
    kz_value err = kz_error("template: no template %s associated with template %s", q, q);
    free(q);
    return err;
}

kz_value kz_tmpl_execute(const kz_tmpl_set *set, const char *name, size_t name_len, const kz_value *dot,
                         const kz_tmpl_exec_opts *opts, kz_buf *out) {
    const kz_tmpl_tree *tree = kz_tmpl_set_lookup(set, name, name_len);
    if (!tree) return no_template(name, name_len);
    return execute_tree(set, tree, dot, opts, out, NULL);
}

kz_value kz_tmpl_call_execute(kz_tmpl_call *call, const char *name, size_t name_len, const kz_value *dot,
                              kz_buf *out) {
    return kz_tmpl_call_execute_in(call, call->set, name, name_len, dot, out);
}

kz_value kz_tmpl_call_execute_in(kz_tmpl_call *call, const kz_tmpl_set *set, const char *name, size_t name_len,
                                 const kz_value *dot, kz_buf *out) {
    const kz_tmpl_tree *tree = kz_tmpl_set_lookup(set, name, name_len);
    if (!tree) return no_template(name, name_len);
    return execute_tree(set, tree, dot, call->opts, out, call->exec_state_);
}

kz_value kz_tmpl_call_execute_tree(kz_tmpl_call *call, const kz_tmpl_set *set, const kz_tmpl_tree *tree,
                                   const kz_value *dot, kz_buf *out) {
    return execute_tree(set, tree, dot, call->opts, out, call->exec_state_);
}

#define NO_VALUE "<no value>"
#define NO_VALUE_LEN (sizeof NO_VALUE - 1)

/* The first "<no value>" in s[0..n), or NULL: memchr finds the candidates. */
static char *find_no_value(char *s, size_t n) {
    for (char *end = s + n; (s = memchr(s, '<', (size_t)(end - s))) != NULL; s++) {
        if ((size_t)(end - s) < NO_VALUE_LEN) return NULL;
        if (memcmp(s, NO_VALUE, NO_VALUE_LEN) == 0) return s;
    }
    return NULL;
}

void kz_tmpl_strip_no_value(kz_buf *buf) {
    char *hit = buf->data ? find_no_value(buf->data, buf->len) : NULL;
    if (!hit) return; /* the usual case: nothing moves */
    /* Markers are cut where they stand in the text as rendered: a marker
     * that only forms once another is cut out stays (Helm's strings.ReplaceAll). */
    size_t w = (size_t)(hit - buf->data), r = w;
    while (r < buf->len) {
        r += NO_VALUE_LEN;
        char *next = find_no_value(buf->data + r, buf->len - r);
        size_t end = next ? (size_t)(next - buf->data) : buf->len;
        memmove(buf->data + w, buf->data + r, end - r);
        w += end - r;
        r = end;
    }
    buf->len = w;
    buf->data[w] = '\0';
}
