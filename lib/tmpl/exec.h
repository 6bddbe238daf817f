/*
 * The executor of Go's text/template (Go 1.23, as Helm v3.17 runs it): walks a
 * parsed template of a set (set.h) with a dot value and appends the output to
 * the caller's buffer.
 *
 * Semantics follow Go's exec.go: Go's truth, variable scoping (variables are
 * pushed per block and popped at its end; a called template sees only `$`),
 * range over sequences and mappings (keys sorted bytewise) with else, break and
 * continue, field chains on mappings, the builtins (funcs.h lists them) and the
 * functions of the set's table, printing through Go's fmt (fmt.h).
 *
 * Go's reflection distinguishes two kinds of "nothing", and so does the executor:
 *   - INVALID: Go's invalid reflect.Value: a nil dot, the result of a pipeline
 *     that produced nil (Go unwraps interface{} results), a nil constant passed
 *     to a builtin. A field of it is silently nothing; `len` of it fails.
 *   - NULL: a nil interface{} inside data: a null in the values, a missing map
 *     key under missingkey=zero. A field of it is Go's "nil pointer evaluating
 *     interface {}.x".
 * Functions of the table see both as NULL.
 *
 * Missing keys. KZ_TMPL_MISSING_ZERO (Helm's default): a missing key yields no
 * value, printed "<no value>". The executor does NOT remove "<no value>" from
 * the output: Helm removes it from each file's final text only (not from what
 * include returns), so that is the caller's step (kz_tmpl_strip_no_value).
 * KZ_TMPL_MISSING_ERROR (Helm's strict mode): Go's `map has no entry for key "x"`.
 *
 * Errors come back as error values whose message is Go's, e.g.
 *   template: c/templates/x.yaml:1:10: executing "c/templates/x.yaml" at
 *   <.Values.x.y>: nil pointer evaluating interface {}.y
 * Output written before the error stays in the buffer (as Go's writer has it).
 * Template calls nest at most KZ_TMPL_MAX_DEPTH deep, Go's maxExecDepth, with
 * Go's "exceeded maximum template depth (100000)"; deep nesting moves to
 * helper threads with large stacks, so it never overflows the caller's stack.
 *
 * Threads: values are reference-counted without atomics (core/value.h), and the
 * tree's constants are shared by every execution, so one set executes on one
 * thread at a time (deep nesting hands the walk to a helper thread while the
 * caller waits, which is safe).
 *
 * MEMORY: the set, the dot and the options are borrowed for the call; values
 * are shared by reference (kz_copy), never deep-copied; output is appended to
 * `out` (amortised O(1) per byte).
 */
#ifndef KZ_TMPL_EXEC_H
#define KZ_TMPL_EXEC_H

#include <stddef.h>

#include "core/buf.h"
#include "core/value.h"
#include "tmpl/funcs.h"
#include "tmpl/set.h"

#define KZ_TMPL_MAX_DEPTH 100000

typedef enum kz_tmpl_missingkey {
    KZ_TMPL_MISSING_ZERO = 0, /* Helm's default (Go's missingkey=zero) */
    KZ_TMPL_MISSING_ERROR,    /* Go's missingkey=error */
} kz_tmpl_missingkey;

typedef struct kz_tmpl_exec_opts {
    kz_tmpl_missingkey missingkey;
    void *user; /* handed to functions through kz_tmpl_call */
} kz_tmpl_exec_opts;

/* Execute template `name` of the set with `dot` (NULL pointer or a NULL value:
 * Go's nil data), appending to out. Returns a NULL value on success, or an error
 * value with Go's message. opts may be NULL (missingkey=zero). An unknown name
 * gives Go's `template: no template "NAME" associated with template "NAME"`. */
kz_value kz_tmpl_execute(const kz_tmpl_set *set, const char *name, size_t name_len, const kz_value *dot,
                         const kz_tmpl_exec_opts *opts, kz_buf *out);

/* What a table function learns of its call (funcs.h). Borrowed for the call. */
struct kz_tmpl_call {
    const kz_tmpl_func *func;      /* the entry called (name, data) */
    const kz_tmpl_set *set;        /* the set being executed */
    const kz_tmpl_exec_opts *opts; /* the execution's options (user pointer) */
    int depth;                     /* template nesting depth at the call */
    const struct kz_exec_state *exec_state_; /* internal: the running execution */
};

/* Re-enter the engine from a function (Helm's include): execute template `name`
 * of the call's set with `dot` into out, with the same options, as a new Go
 * execution (Go's ExecuteTemplate: depth starts again; Helm's include keeps its
 * own counter in its `user` data). Result as kz_tmpl_execute. */
kz_value kz_tmpl_call_execute(kz_tmpl_call *call, const char *name, size_t name_len, const kz_value *dot,
                              kz_buf *out);

/* The same with another set (Helm's tpl executes its text in a set layered
 * over the caller's: kz_tmpl_set_new_overlay). */
kz_value kz_tmpl_call_execute_in(kz_tmpl_call *call, const kz_tmpl_set *set, const char *name, size_t name_len,
                                 const kz_value *dot, kz_buf *out);

/* The same with the tree itself rather than its name (Go's Template.Execute
 * on a template whose empty tree did not replace the name's earlier one). */
kz_value kz_tmpl_call_execute_tree(kz_tmpl_call *call, const kz_tmpl_set *set, const kz_tmpl_tree *tree,
                                   const kz_value *dot, kz_buf *out);

/* Remove every "<no value>" from buf (Helm's last step on a rendered file). */
void kz_tmpl_strip_no_value(kz_buf *buf);

#endif
