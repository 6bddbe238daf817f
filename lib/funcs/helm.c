/* Helm's own template functions: include, tpl, required, lookup,
 * getHostByName; and the render context they share (funcs.h). */
#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>

#include "core/alloc.h"
#include "funcs/funcs_internal.h"
#include "tmpl/fmt.h"
#include "tmpl/set.h"

/* tpl's cache: each distinct text is parsed once per parent set (a chart
 * calling tpl on the same values string in a loop parses it once). */
typedef struct tpl_entry {
    const kz_tmpl_set *parent;
    char *text;
    size_t len;
    kz_tmpl_set *overlay; /* the text parsed as "gotpl" over parent; NULL if parsing failed */
    const kz_tmpl_tree *tree; /* its own tree, which tpl runs (borrowed from overlay) */
    kz_value parse_error;
} tpl_entry;

struct kz_funcs_tpl_cache {
    tpl_entry *slots; /* open addressing */
    size_t cap, count;
};

void kz_funcs_ctx_init(kz_funcs_ctx *ctx) {
    memset(ctx, 0, sizeof *ctx);
    ctx->include_counts_ = kz_map();
}

void kz_funcs_ctx_free(kz_funcs_ctx *ctx) {
    kz_free(ctx->include_counts_);
    ctx->include_counts_ = kz_null();
    struct kz_funcs_tpl_cache *cache = ctx->tpl_cache_;
    if (cache) {
        for (size_t i = 0; i < cache->cap; i++) {
            tpl_entry *e = &cache->slots[i];
            if (!e->text) continue;
            free(e->text);
            kz_tmpl_set_free(e->overlay);
            kz_free(e->parse_error);
        }
        free(cache->slots);
        free(cache);
        ctx->tpl_cache_ = NULL;
    }
}

static size_t tpl_slot(const struct kz_funcs_tpl_cache *c, const kz_tmpl_set *parent, const char *text,
                       size_t len) {
    uint64_t h = kz_hash_bytes(text, len) ^ (uint64_t)(uintptr_t)parent * 0x9E3779B97F4A7C15ull;
    size_t mask = c->cap - 1;
    size_t i = (size_t)h & mask;
    while (c->slots[i].text &&
           !(c->slots[i].parent == parent && c->slots[i].len == len && memcmp(c->slots[i].text, text, len) == 0))
        i = (i + 1) & mask;
    return i;
}

static void tpl_cache_grow(struct kz_funcs_tpl_cache *c) {
    size_t old_cap = c->cap;
    tpl_entry *old = c->slots;
    c->cap = old_cap ? old_cap * 2 : 16;
    c->slots = kz_xcalloc(c->cap, sizeof *c->slots);
    for (size_t i = 0; i < old_cap; i++)
        if (old[i].text) c->slots[tpl_slot(c, old[i].parent, old[i].text, old[i].len)] = old[i];
    free(old);
}

/* The cached parse of text over parent (parsing it the first time). */
static tpl_entry *tpl_lookup(kz_funcs_ctx *ctx, const kz_tmpl_set *parent, const char *text, size_t len) {
    if (!ctx->tpl_cache_) ctx->tpl_cache_ = kz_xcalloc(1, sizeof *ctx->tpl_cache_);
    struct kz_funcs_tpl_cache *c = ctx->tpl_cache_;
    if ((c->count + 1) * 2 > c->cap) tpl_cache_grow(c);
    tpl_entry *e = &c->slots[tpl_slot(c, parent, text, len)];
    if (e->text) return e;
    e->parent = parent;
    e->text = kz_xmalloc(len + 1);
    memcpy(e->text, text, len);
    e->text[len] = '\0';
    e->len = len;
    e->overlay = kz_tmpl_set_new_overlay(parent);
    e->parse_error = kz_tmpl_set_add(e->overlay, "gotpl", text, len);
    if (kz_error_message(&e->parse_error)) {
        kz_tmpl_set_free(e->overlay);
        e->overlay = NULL;
    } else {
        e->tree = kz_tmpl_set_file_tree(e->overlay, "gotpl", 5);
    }
    c->count++;
    return e;
}

/* Helm wraps required's message in these markers so that the error, however
 * deep, can be found and printed alone. */
#define WARN_START "HELM_ERR_START"
#define WARN_END "HELM_ERR_END"

/* How a Go runtime panic of an execution starts (kz_exec_panic): execution
 * errors start "template: ". */
#define GO_RUNTIME_ERROR "runtime error: "

char *kz_funcs_helm_exec_error(const char *msg) {
    /* a Go runtime panic of the execution: Helm's render recovers it */
    if (strncmp(msg, GO_RUNTIME_ERROR, strlen(GO_RUNTIME_ERROR)) == 0) {
        kz_buf out = KZ_BUF_INIT;
        kz_buf_printf(&out, "rendering template failed: %s", msg);
        return kz_buf_detach(&out, NULL);
    }
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

static kz_funcs_ctx *ctx_of(kz_tmpl_call *call) {
    return call->opts ? (kz_funcs_ctx *)call->opts->user : NULL;
}

static kz_value no_ctx(const char *fn) {
    return kz_error("%s needs a render context (kz_funcs_ctx in the execution's user pointer)", fn);
}

static void go_quote(kz_buf *out, const kz_value *s) { kz_fmt_quote(out, kz_str(s), kz_str_len(s), false); }

/* Helm's recursion guard: an include of NAME nested more than 1000 times. */
#define INCLUDE_MAX_NESTING 1000

/* include NAME DATA: template NAME executed with DATA, as a string. */
static kz_value fn_include(kz_tmpl_call *call, size_t argc, const kz_value *argv) {
    (void)argc;
    kz_funcs_ctx *ctx = ctx_of(call);
    if (!ctx) return no_ctx("include");
    const char *name = kz_str(&argv[0]);
    size_t len = kz_str_len(&argv[0]);
    if (!kz_tmpl_set_lookup(call->set, name, len)) { /* Go names the root template: Helm's "gotpl" */
        kz_buf m = KZ_BUF_INIT;
        kz_buf_puts(&m, "template: no template ");
        go_quote(&m, &argv[0]);
        kz_buf_puts(&m, " associated with template \"gotpl\"");
        kz_value err = kz_error("%s", kz_buf_cstr(&m));
        kz_buf_free(&m);
        return err;
    }
    const kz_value *count = kz_map_get(&ctx->include_counts_, name, len);
    int64_t nesting = count ? kz_int_get(count) : 0;
    if (nesting > INCLUDE_MAX_NESTING)
        return kz_error("rendering template has a nested reference name: %s: unable to execute template", name);
    kz_map_set(&ctx->include_counts_, kz_copy(&argv[0]), kz_int(nesting + 1));
    kz_buf out = KZ_BUF_INIT;
    kz_value err = kz_tmpl_call_execute(call, name, len, &argv[1], &out);
    kz_map_set(&ctx->include_counts_, kz_copy(&argv[0]), kz_int(nesting));
    if (kz_error_message(&err)) {
        kz_buf_free(&out);
        return err;
    }
    kz_free(err);
    kz_value s = kz_string_n(out.data ? out.data : "", out.len);
    kz_buf_free(&out);
    return s;
}

/* tpl TEXT DATA: TEXT parsed as a template over the chart's set (its
 * defines are visible, and it may define more) and executed with DATA;
 * "<no value>" is removed from the result as from a file's. */
static kz_value fn_tpl(kz_tmpl_call *call, size_t argc, const kz_value *argv) {
    (void)argc;
    kz_funcs_ctx *ctx = ctx_of(call);
    if (!ctx) return no_ctx("tpl");
    tpl_entry *e = tpl_lookup(ctx, call->set, kz_str(&argv[0]), kz_str_len(&argv[0]));
    kz_buf m = KZ_BUF_INIT;
    if (!e->overlay) {
        kz_buf_puts(&m, "cannot parse template ");
        go_quote(&m, &argv[0]);
        kz_buf_printf(&m, ": %s", kz_error_message(&e->parse_error));
        kz_value err = kz_error("%s", kz_buf_cstr(&m));
        kz_buf_free(&m);
        return err;
    }
    if (ctx->tpl_depth_ >= KZ_TPL_MAX_DEPTH) {
        kz_buf_free(&m);
        return kz_error("tpl calls nested more than %d deep (a template calling itself through tpl?)",
                        KZ_TPL_MAX_DEPTH);
    }
    kz_buf out = KZ_BUF_INIT;
    /* Helm runs the parsed template itself, not the name "gotpl": text that
     * parses to an empty tree inside another tpl must not run the outer one. */
    ctx->tpl_depth_++;
    kz_value err = kz_tmpl_call_execute_tree(call, e->overlay, e->tree, &argv[1], &out);
    ctx->tpl_depth_--;
    if (kz_error_message(&err) && strncmp(kz_error_message(&err), GO_RUNTIME_ERROR, strlen(GO_RUNTIME_ERROR)) == 0) {
        /* a panic skips tpl's wrapping: Go's safeCall recovers it as is */
        kz_buf_free(&m);
        kz_buf_free(&out);
        return err;
    }
    if (kz_error_message(&err)) {
        kz_buf_puts(&m, "error during tpl function execution for ");
        go_quote(&m, &argv[0]);
        kz_buf_printf(&m, ": %s", kz_error_message(&err));
        kz_free(err);
        err = kz_error("%s", kz_buf_cstr(&m));
        kz_buf_free(&m);
        kz_buf_free(&out);
        return err;
    }
    kz_free(err);
    kz_buf_free(&m);
    kz_tmpl_strip_no_value(&out);
    kz_value s = kz_string_n(out.data ? out.data : "", out.len);
    kz_buf_free(&out);
    return s;
}

/* Helm's errors for required and fail carry markers, so that the final
 * message shows just the text (kz_funcs_helm_exec_error). */
static kz_value warn_error(const kz_value *msg) {
    return kz_error(WARN_START "%.*s" WARN_END, (int)kz_str_len(msg), kz_str(msg));
}

static kz_value fn_required(kz_tmpl_call *call, size_t argc, const kz_value *argv) {
    (void)call, (void)argc;
    kz_kind k = kz_kind_of(&argv[1]);
    if (k == KZ_NULL || k == KZ_INVALID || (k == KZ_STRING && kz_gotype_of(&argv[1]) == KZ_GOTYPE_NATURAL &&
                                            kz_str_len(&argv[1]) == 0))
        return warn_error(&argv[0]);
    return kz_copy(&argv[1]);
}

static kz_value fn_fail(kz_tmpl_call *call, size_t argc, const kz_value *argv) {
    (void)call, (void)argc;
    return warn_error(&argv[0]);
}

/* lookup APIVERSION KIND NAMESPACE NAME: the object from the cluster; with no
 * cluster (helm template) an empty map. */
static kz_value fn_lookup(kz_tmpl_call *call, size_t argc, const kz_value *argv) {
    (void)argc;
    kz_funcs_ctx *ctx = ctx_of(call);
    if (!ctx || !ctx->lookup) return kz_map();
    return ctx->lookup(ctx->lookup_data, kz_str(&argv[0]), kz_str(&argv[1]), kz_str(&argv[2]), kz_str(&argv[3]));
}

/* getHostByName: "" unless --enable-dns; then one of the name's addresses
 * picked at random (Helm's addrs[rand.Intn(len(addrs))], which panics, and so
 * fails, when there are none). */
static kz_value fn_getHostByName(kz_tmpl_call *call, size_t argc, const kz_value *argv) {
    (void)argc;
    kz_funcs_ctx *ctx = ctx_of(call);
    if (!ctx || !ctx->enable_dns) return kz_string("");
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM}, *res = NULL;
    kz_value addrs = kz_seq();
    if (getaddrinfo(kz_str(&argv[0]), NULL, &hints, &res) == 0) {
        for (struct addrinfo *a = res; a; a = a->ai_next) {
            char text[INET6_ADDRSTRLEN] = "";
            const void *raw = a->ai_family == AF_INET ? (const void *)&((struct sockaddr_in *)a->ai_addr)->sin_addr
                              : a->ai_family == AF_INET6 ? (const void *)&((struct sockaddr_in6 *)a->ai_addr)->sin6_addr
                                                         : NULL;
            if (!raw || !inet_ntop(a->ai_family, raw, text, sizeof text)) continue;
            bool seen = false;
            for (size_t i = 0; i < kz_len(&addrs) && !seen; i++) seen = kz_str_eqz(kz_seq_at(&addrs, i), text);
            if (!seen) kz_seq_push(&addrs, kz_string(text));
        }
        freeaddrinfo(res);
    }
    uint32_t r = 0;
    if (kz_len(&addrs) > 1 && getrandom(&r, sizeof r, 0) != (ssize_t)sizeof r) r = 0;
    kz_value out = kz_len(&addrs) ? kz_copy(kz_seq_at(&addrs, r % kz_len(&addrs))) : kz_error("invalid argument to Intn");
    kz_free(addrs);
    return out;
}

char *kz_funcs_helm_parse_error(const char *file, const char *msg) {
    kz_buf out = KZ_BUF_INIT;
    const char *first = strstr(msg, ": ");
    if (!first) {
        kz_buf_printf(&out, "parse error in (%s): %s", file, msg);
        return kz_buf_detach(&out, NULL);
    }
    const char *loc = first + 2;
    const char *loc_end = strstr(loc, ": ");
    const char *last = msg;
    for (const char *p = first; p; p = strstr(p + 2, ": ")) last = p + 2;
    size_t loc_len = loc_end ? (size_t)(loc_end - loc) : strlen(loc);
    kz_buf_printf(&out, "parse error at (%.*s): %s", (int)loc_len, loc, last);
    return kz_buf_detach(&out, NULL);
}

void kz_funcs_register_helm(kz_tmpl_funcs *t) {
    kz_tmpl_funcs_add_typed(t, "include", fn_include, "sv", NULL);
    kz_tmpl_funcs_add_typed(t, "tpl", fn_tpl, "sv", NULL);
    kz_tmpl_funcs_add_typed(t, "required", fn_required, "sv", NULL);
    kz_tmpl_funcs_add_typed(t, "fail", fn_fail, "s", NULL);
    kz_tmpl_funcs_add_typed(t, "lookup", fn_lookup, "ssss", NULL);
    kz_tmpl_funcs_add_typed(t, "getHostByName", fn_getHostByName, "s", NULL);
}
