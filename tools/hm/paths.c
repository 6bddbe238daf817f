/*
 * Where hm keeps its files, as Helm's helmpath does for helm, under hm's own
 * names so the two never share state: configuration (repositories.yaml,
 * registry/config.json) in $HM_CONFIG_HOME, else $XDG_CONFIG_HOME/hm, else
 * ~/.config/hm; caches (repository/NAME-index.yaml, downloaded archives) in
 * $HM_CACHE_HOME, else $XDG_CACHE_HOME/hm, else ~/.cache/hm. The global flags
 * --repository-config, --repository-cache and --registry-config win over
 * HM_REPOSITORY_CONFIG, HM_REPOSITORY_CACHE and HM_REGISTRY_CONFIG, which win
 * over the defaults.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/buf.h"
#include "hm.h"
#include "yaml/parse.h"

static char *join(const char *dir, const char *rest) {
    kz_buf b = KZ_BUF_INIT;
    kz_buf_printf(&b, "%s/%s", dir, rest);
    return kz_buf_detach(&b, NULL);
}

static const char *env_nonempty(const char *name) {
    const char *v = getenv(name);
    return v && *v ? v : NULL;
}

/* $OWN, else $XDG/hm, else ~/FALLBACK/hm. */
static char *home_dir(const char *own, const char *xdg, const char *fallback) {
    const char *v = env_nonempty(own);
    if (v) return kz_xstrdup(v);
    v = env_nonempty(xdg);
    if (v) return join(v, "hm");
    const char *home = env_nonempty("HOME");
    kz_buf b = KZ_BUF_INIT;
    kz_buf_printf(&b, "%s/%s/hm", home ? home : ".", fallback);
    return kz_buf_detach(&b, NULL);
}

/* The flag if the user gave it, else the variable, else dir/rest. */
static char *pick(const kz_cli_ctx *ctx, const char *flag, const char *env, const char *dir, const char *rest) {
    if (kz_cli_flag_changed(ctx, flag)) return kz_xstrdup(kz_cli_flag_string(ctx, flag));
    const char *v = env_nonempty(env);
    return v ? kz_xstrdup(v) : join(dir, rest);
}

void hm_paths_get(const kz_cli_ctx *ctx, hm_paths *p) {
    char *config = home_dir("HM_CONFIG_HOME", "XDG_CONFIG_HOME", ".config");
    char *cache = home_dir("HM_CACHE_HOME", "XDG_CACHE_HOME", ".cache");
    p->repository_config = pick(ctx, "repository-config", "HM_REPOSITORY_CONFIG", config, "repositories.yaml");
    p->repository_cache = pick(ctx, "repository-cache", "HM_REPOSITORY_CACHE", cache, "repository");
    p->registry_config = pick(ctx, "registry-config", "HM_REGISTRY_CONFIG", config, "registry/config.json");
    free(config);
    free(cache);
}

void hm_paths_free(hm_paths *p) {
    free(p->repository_config);
    free(p->repository_cache);
    free(p->registry_config);
    memset(p, 0, sizeof *p);
}

/* The first document of a kubeconfig file, or a NULL value if it can't be read. */
static kz_value read_kubeconfig(const char *path) {
    kz_yaml_parse_opts yo = {.schema = KZ_YAML_HELM, .max_threads = 1};
    kz_value docs = kz_yaml_parse_file(path, &yo);
    kz_value doc = kz_is_seq(&docs) && kz_len(&docs) && kz_is_map(kz_seq_at(&docs, 0)) ? kz_copy(kz_seq_at(&docs, 0))
                                                                                       : kz_null();
    kz_free(docs);
    return doc;
}

/* The kubeconfig files client-go merges: --kubeconfig's one file, else
 * $KUBECONFIG's list, else ~/.kube/config; each one's first document (a NULL
 * value for a file that can't be read), in order. */
static kz_value read_kubeconfigs(const kz_cli_ctx *ctx) {
    const char *paths = kz_cli_flag_string(ctx, "kubeconfig");
    bool explicit_file = *paths != '\0';
    char home_config[1024];
    if (!explicit_file) paths = getenv("KUBECONFIG");
    if (!paths || !*paths) {
        const char *home = getenv("HOME");
        snprintf(home_config, sizeof home_config, "%s/.kube/config", home ? home : "");
        paths = home_config;
    }
    kz_value docs = kz_seq();
    for (const char *p = paths; *p;) {
        size_t n = explicit_file ? strlen(p) : strcspn(p, ":");
        char path[1024];
        snprintf(path, sizeof path, "%.*s", (int)n, p);
        p += n + (p[n] == ':');
        if (n) kz_seq_push(&docs, read_kubeconfig(path));
    }
    return docs;
}

/* The release namespace as helm's settings.Namespace() finds it: --namespace
 * (default $HELM_NAMESPACE) when not empty; else the namespace of the
 * kubeconfig's context (--kube-context, $HELM_KUBECONTEXT, else its
 * current-context), the files merged as client-go merges them (the first file
 * to set current-context or to define a context of that name wins); "default"
 * when the context has none or can't be found. The result is borrowed from
 * ctx or the environment, or written into buf. */
const char *hm_release_namespace(const kz_cli_ctx *ctx, char *buf, size_t cap) {
    const char *ns = kz_cli_flag_changed(ctx, "namespace") ? kz_cli_flag_string(ctx, "namespace") : getenv("HELM_NAMESPACE");
    if (ns && *ns) return ns;
    snprintf(buf, cap, "default");
    kz_value docs = read_kubeconfigs(ctx);
    const char *name = kz_cli_flag_string(ctx, "kube-context");
    if (!*name) name = getenv("HELM_KUBECONTEXT");
    for (size_t d = 0; (!name || !*name) && d < kz_len(&docs); d++) {
        const kz_value *cur = kz_map_getz(kz_seq_at(&docs, d), "current-context");
        if (cur && kz_is_string(cur) && kz_str_len(cur)) name = kz_str(cur);
    }
    bool found = false;
    for (size_t d = 0; name && *name && d < kz_len(&docs) && !found; d++) {
        const kz_value *contexts = kz_map_getz(kz_seq_at(&docs, d), "contexts");
        for (size_t i = 0; contexts && kz_is_seq(contexts) && i < kz_len(contexts) && !found; i++) {
            const kz_value *c = kz_seq_at(contexts, i);
            const kz_value *cname = kz_is_map(c) ? kz_map_getz(c, "name") : NULL;
            if (!cname || !kz_is_string(cname) || strcmp(kz_str(cname), name) != 0) continue;
            found = true;
            const kz_value *body = kz_map_getz(c, "context");
            const kz_value *cns = body && kz_is_map(body) ? kz_map_getz(body, "namespace") : NULL;
            if (cns && kz_is_string(cns) && kz_str_len(cns)) snprintf(buf, cap, "%s", kz_str(cns));
        }
    }
    kz_free(docs);
    return buf;
}
