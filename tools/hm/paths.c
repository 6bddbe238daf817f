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
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/buf.h"
#include "hm.h"

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
