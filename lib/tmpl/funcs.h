/*
 * The function table of the template engine: an open registry, name -> C
 * function, that later modules fill with Sprig's and Helm's functions. The
 * builtins of text/template (and, or, not, len, index, slice, print, printf,
 * println, html, js, urlquery, call, eq, ne, lt, le, gt, ge) are the executor's
 * own and are NOT in the table; as in Go (and Helm, whose Sprig `slice` replaces
 * the builtin), a table entry of the same name takes precedence over a builtin.
 *
 * Calling convention. A function receives its evaluated arguments as borrowed
 * kz_values (a template nil, a missing map key, ... arrive as a NULL value) and
 * returns an owned kz_value: its result, or an error value (kz_error) whose
 * message the executor reports as Go does: "error calling NAME: MESSAGE". The
 * executor checks the argument count first, with Go's messages ("wrong number
 * of args for NAME: want N got M", "... want at least N got M"), so a function
 * only sees counts its declaration allows.
 *
 * Re-entry. Helm's include and tpl execute templates from inside a function: the
 * kz_tmpl_call passed to every function names the running execution (see
 * exec.h: kz_tmpl_call_execute, kz_tmpl_call_set) and carries the function's
 * registered `data` pointer and the caller's `user` pointer from the options.
 *
 * MEMORY: the table copies names; it must outlive every set and execution that
 * uses it. Not thread-safe for registration; lookups may run concurrently once
 * the table is complete.
 */
#ifndef KZ_TMPL_FUNCS_H
#define KZ_TMPL_FUNCS_H

#include <stdbool.h>
#include <stddef.h>

#include "core/value.h"

typedef struct kz_tmpl_call kz_tmpl_call; /* defined in exec.h */

typedef kz_value (*kz_tmpl_fn)(kz_tmpl_call *call, size_t argc, const kz_value *argv);

/* KZ_TMPL_VARIADIC as max_args: any number from min_args on (a Go func with
 * min_args fixed parameters then `...`). */
#define KZ_TMPL_VARIADIC (-1)

typedef struct kz_tmpl_func {
    const char *name;
    size_t name_len;
    kz_tmpl_fn fn;
    int min_args;  /* fixed parameters */
    int max_args;  /* == min_args for a fixed arity, or KZ_TMPL_VARIADIC */
    void *data;    /* handed to the function through kz_tmpl_call */
    /* Go parameter types, one letter each (NULL: all interface{}), see
     * kz_tmpl_funcs_add_typed; for a variadic function the letter at index
     * min_args is the type of the `...` arguments. */
    const char *params;
} kz_tmpl_func;

typedef struct kz_tmpl_funcs kz_tmpl_funcs;

kz_tmpl_funcs *kz_tmpl_funcs_new(void);
void kz_tmpl_funcs_free(kz_tmpl_funcs *t); /* NULL is fine */

/* Register (or replace) NAME. max_args is min_args or KZ_TMPL_VARIADIC. */
void kz_tmpl_funcs_add(kz_tmpl_funcs *t, const char *name, kz_tmpl_fn fn, int min_args, int max_args,
                       void *data);

/* Register NAME with Go parameter types, so arguments are checked and
 * converted as Go's evalArg does for a typed parameter, with its errors
 * ("expected integer; found \"a\"", "wrong type for value; expected int; got
 * float64", "cannot assign nil to string", ...). `params` is one letter per
 * fixed parameter, then optionally "..." and the letter of the variadic ones:
 *   v interface{}   s string   i int   f float64   b bool
 *   m map[string]interface {} (nil arrives as NULL)   t time.Time (core/gotime.h)
 *   l []interface {} (nil arrives as NULL)   u uint32 (constants only: data holds no uint32)
 *   c sprig.certificate (a KZ_GOTYPE_CERT map)   V *semver.Version (nil arrives as NULL)
 *   D time.Duration (an INT; constants are integers)   L *time.Location (nil arrives as NULL)
 *   B []uint8 (a KZ_GOTYPE_BYTES string; nil arrives as NULL)
 * e.g. "is" for repeat(count int, str string), "v...v" for default. The
 * arity follows from it. */
void kz_tmpl_funcs_add_typed(kz_tmpl_funcs *t, const char *name, kz_tmpl_fn fn, const char *params, void *data);

/* The entry for name[0..len), or NULL. t may be NULL (an empty table). */
const kz_tmpl_func *kz_tmpl_funcs_find(const kz_tmpl_funcs *t, const char *name, size_t len);

/* Methods of a Go type (a value's type hint, core/value.h): `.Files.Get "x"`,
 * `(now).Year`. As in Go's evalField, a method is found before a map key of
 * the same name, takes arguments where a field cannot, and an intermediate
 * field of a chain calls it without arguments (`.Capabilities.KubeVersion.
 * Version`). The function receives the receiver as argv[0], then the
 * arguments; `params` types the arguments only (letters as above, NULL or ""
 * for none), and the arity and "error calling NAME" messages count the
 * arguments only, as Go does. A NULL fn registers a method Go has but a
 * template can't call (time.Time's Date returns three values): calling it
 * fails, once the arity is checked, with the message `data` points to. */
void kz_tmpl_funcs_add_method(kz_tmpl_funcs *t, kz_gotype recv, const char *name, kz_tmpl_fn fn, const char *params,
                              void *data);
const kz_tmpl_func *kz_tmpl_funcs_find_method(const kz_tmpl_funcs *t, kz_gotype recv, const char *name, size_t len);

/* The entries in registration order (a replaced name keeps its place). */
size_t kz_tmpl_funcs_count(const kz_tmpl_funcs *t);
const kz_tmpl_func *kz_tmpl_funcs_at(const kz_tmpl_funcs *t, size_t i); /* NULL past the end */

/* Whether name[0..len) is one of text/template's builtins. */
bool kz_tmpl_is_builtin(const char *name, size_t len);

/* The parser's function check (parse.h kz_tmpl_func_exists) for table `ctx`
 * (a const kz_tmpl_funcs *, may be NULL): the table's names plus the builtins. */
bool kz_tmpl_funcs_exists(void *ctx, const char *name, size_t len);

#endif
