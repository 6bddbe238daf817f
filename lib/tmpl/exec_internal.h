/*
 * Internal to the executor (exec.c, exec_call.c): the walk state and the
 * evaluation helpers the function-call code shares. Not part of the API.
 */
#ifndef KZ_TMPL_EXEC_INTERNAL_H
#define KZ_TMPL_EXEC_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tmpl/ast.h"
#include "tmpl/exec.h"

/* An evaluated value (owned) and whether Go would hold it boxed in an
 * interface{} taken from a container (see exec.c), and whether it is
 * addressable, as Go's reflect says: a field of what a pointer points to
 * (.Capabilities.KubeVersion), not a function's result or a list's item. */
typedef struct xval {
    kz_value v;
    bool boxed;
    bool addressable;
} xval;

typedef struct kz_exec_var {
    const char *name; /* "$x", borrowed from the tree */
    size_t len;
    xval x;
} kz_exec_var;

typedef enum kz_exec_flow { KZ_FLOW_OK, KZ_FLOW_BREAK, KZ_FLOW_CONTINUE, KZ_FLOW_ERR } kz_exec_flow;

typedef struct kz_exec_state {
    const kz_tmpl_set *set;
    const kz_tmpl_exec_opts *opts;
    kz_buf *out;
    const kz_tmpl_tree *tree;   /* the template executing (error names, locations) */
    const kz_tmpl_node *at;     /* Go's s.node: where an error is reported */
    kz_exec_var *vars;          /* one stack; a called template sees from var_base */
    size_t nvars, cap_vars, var_base;
    int depth;
    uintptr_t stack_base;       /* where this thread's part of the walk started */
    size_t stack_budget;
    bool failed;
    kz_value err;
} kz_exec_state;

/* A command's words: nodes[0] is the function (or field, ...), then its args. */
typedef struct kz_exec_args {
    const kz_tmpl_node *const *nodes;
    uint32_t n;
} kz_exec_args;

void kz_exec_fail(kz_exec_state *st, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void kz_exec_panic(kz_exec_state *st, const char *msg);
char *kz_exec_quote(const char *s, size_t n);
xval kz_exec_pipeline(kz_exec_state *st, const xval *dot, const kz_tmpl_node *pipe);
xval kz_exec_arg(kz_exec_state *st, const xval *dot, const kz_tmpl_node *n);
xval kz_exec_number(kz_exec_state *st, const kz_tmpl_node *n);
/* Go's evalFunction: call the function named by identifier `ident` of command
 * `cmd` (the node "error calling" is reported at). */
xval kz_exec_function(kz_exec_state *st, const xval *dot, const kz_tmpl_node *ident, const kz_tmpl_node *cmd,
                      const kz_exec_args *args, const xval *final);

/* Go's evalCall for a method (funcs.h kz_tmpl_funcs_add_method) of recv,
 * named `name` in field node `node`; args/final as for a function (NULL for
 * an intermediate field of a chain: no arguments). */
xval kz_exec_method(kz_exec_state *st, const xval *dot, const kz_tmpl_func *m, const kz_tmpl_name *name,
                    const kz_tmpl_node *node, const kz_value *recv, const kz_exec_args *args, const xval *final);

#endif
