/* Helm's own template functions: include, tpl, required, lookup,
 * getHostByName; and the render context they share (funcs.h). */
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "funcs/funcs_internal.h"

void kz_funcs_ctx_init(kz_funcs_ctx *ctx) {
    memset(ctx, 0, sizeof *ctx);
    ctx->include_counts_ = kz_map();
}

void kz_funcs_ctx_free(kz_funcs_ctx *ctx) {
    kz_free(ctx->include_counts_);
    ctx->include_counts_ = kz_null();
}

/* Helm wraps required's message in these markers so that the error, however
 * deep, can be found and printed alone. */
#define WARN_START "HELM_ERR_START"
#define WARN_END "HELM_ERR_END"

char *kz_funcs_helm_exec_error(const char *msg) {
    /* Go: tokens := strings.SplitN(err.Error(), ": ", 3); location = tokens[1] */
    const char *a = strstr(msg, ": ");
    const char *b = a ? strstr(a + 2, ": ") : NULL;
    const char *start = b ? strstr(b + 2, WARN_START) : NULL;
    const char *end = NULL;
    if (start) { /* (?s)START(.*)END: greedy, so the last END */
        for (const char *p = strstr(start, WARN_END); p; p = strstr(p + 1, WARN_END)) end = p;
    }
    if (!start || !end) return kz_xstrdup(msg);
    start += strlen(WARN_START);
    kz_buf out = KZ_BUF_INIT;
    kz_buf_puts(&out, "execution error at (");
    kz_buf_append(&out, a + 2, (size_t)(b - (a + 2)));
    kz_buf_puts(&out, "): ");
    kz_buf_append(&out, start, (size_t)(end - start));
    return kz_buf_detach(&out, NULL);
}

void kz_funcs_register_helm(kz_tmpl_funcs *t) { (void)t; }
