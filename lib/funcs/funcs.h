/*
 * The template function library: every function Helm v3.17 gives templates,
 * i.e. Sprig v3.3.0's generic map minus env/expandenv, plus Helm's own
 * (include, tpl, required, lookup, toYaml, fromYaml, toJson, toToml, ...).
 * docs/functions.md lists them, one row each.
 *
 * Usage: build the table once (kz_funcs_new), parse templates against it
 * (tmpl/set.h), and execute with opts.user pointing at a kz_funcs_ctx: Helm's
 * include keeps its recursion count there, tpl its parsed-text cache, lookup
 * its source. One ctx per render (per thread).
 *
 * MEMORY: the table from kz_funcs_new is the caller's (kz_tmpl_funcs_free);
 * the ctx owns what it caches and must outlive executions that use it and be
 * freed (kz_funcs_ctx_free) before the sets its tpl cache layered over.
 */
#ifndef KZ_FUNCS_FUNCS_H
#define KZ_FUNCS_FUNCS_H

#include <stdbool.h>
#include <stddef.h>

#include "core/value.h"
#include "tmpl/funcs.h"

/* The whole table Helm's engine uses. */
kz_tmpl_funcs *kz_funcs_new(void);

/* lookup's source: the object apiVersion/kind namespace/name (name "" lists
 * the kind: Helm returns {"items": [...]}-shaped maps), as an owned MAP, an
 * empty MAP when there is none, or an error value. */
typedef kz_value (*kz_funcs_lookup_fn)(void *data, const char *api_version, const char *kind,
                                       const char *ns, const char *name);

typedef struct kz_funcs_ctx {
    kz_funcs_lookup_fn lookup; /* NULL: lookup returns an empty map, as `helm template` does */
    void *lookup_data;
    bool enable_dns; /* --enable-dns: getHostByName resolves; else it is "" */
    /* internal */
    kz_value include_counts_; /* name -> active nested includes (Helm's recursion guard) */
    struct kz_funcs_tpl_cache *tpl_cache_;
    int tpl_depth_; /* tpl calls running inside one another */
} kz_funcs_ctx;

/* How deep tpl calls may nest. A template that calls itself through tpl
 * never ends in Helm: each tpl starts a new execution, whose template depth
 * starts again at 0, until Go's stack overflows and helm crashes (after
 * half a minute and gigabytes); kz stops it with an error instead. */
#define KZ_TPL_MAX_DEPTH 100

void kz_funcs_ctx_init(kz_funcs_ctx *ctx);
void kz_funcs_ctx_free(kz_funcs_ctx *ctx);

/* Helm's rewriting of an execution error of file `file` (engine.go's
 * reformatExecErrorMsg): a message carrying required's marker becomes
 * "execution error at (FILE:LINE:COL): MESSAGE". Returns an owned copy of
 * the final message. */
char *kz_funcs_helm_exec_error(const char *go_message);

/* Helm's rewriting of a parse error of file `file` (engine.go's
 * cleanupParseError): "template: FILE:LINE: ... MSG" becomes "parse error at
 * (FILE:LINE): MSG", MSG the last ": "-separated part. Owned copy. */
char *kz_funcs_helm_parse_error(const char *file, const char *go_message);

/* Go's path.Clean (filepath.Clean on Unix) of p[0..n), appended to out. */
void kz_funcs_path_clean(const char *p, size_t n, kz_buf *out);

#endif
