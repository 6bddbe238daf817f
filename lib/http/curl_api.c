#include "http/curl_api.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#ifdef KZ_CURL_DLOPEN
#include <dlfcn.h>
#endif

/* Written once under pthread_once, read-only afterwards. */
static kz_curl_api g_api;
static char g_failure[512]; /* empty when the API is usable */
static pthread_once_t g_once = PTHREAD_ONCE_INIT;
/* curl_global_init: called once, so it is not part of the public table */
static CURLcode (*g_global_init)(long flags);

#ifdef KZ_CURL_DLOPEN

/* Resolve one symbol into a function pointer slot; false when missing. */
static bool resolve(void *lib, const char *name, void *slot) {
    void *sym = dlsym(lib, name);
    if (!sym) {
        snprintf(g_failure, sizeof g_failure, "libcurl is not usable: %s has no %s", "libcurl.so.4", name);
        return false;
    }
    /* POSIX guarantees object and function pointers convert (dlsym's contract) */
    memcpy(slot, &sym, sizeof sym);
    return true;
}

static bool load_table(void) {
    void *lib = dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);
    if (!lib) {
        const char *why = dlerror();
        snprintf(g_failure, sizeof g_failure, "libcurl is not installed: %s", why ? why : "libcurl.so.4 not found");
        return false;
    }
    /* the library stays loaded for the life of the process */
    return resolve(lib, "curl_easy_init", &g_api.easy_init) &&
           resolve(lib, "curl_easy_cleanup", &g_api.easy_cleanup) &&
           resolve(lib, "curl_easy_setopt", &g_api.easy_setopt) &&
           resolve(lib, "curl_easy_perform", &g_api.easy_perform) &&
           resolve(lib, "curl_easy_getinfo", &g_api.easy_getinfo) &&
           resolve(lib, "curl_easy_strerror", &g_api.easy_strerror) &&
           resolve(lib, "curl_slist_append", &g_api.slist_append) &&
           resolve(lib, "curl_slist_free_all", &g_api.slist_free_all) &&
           resolve(lib, "curl_global_init", &g_global_init);
}

#else

static bool load_table(void) {
    g_api.easy_init = curl_easy_init;
    g_api.easy_cleanup = curl_easy_cleanup;
    g_api.easy_setopt = curl_easy_setopt;
    g_api.easy_perform = curl_easy_perform;
    g_api.easy_getinfo = curl_easy_getinfo;
    g_api.easy_strerror = curl_easy_strerror;
    g_api.slist_append = curl_slist_append;
    g_api.slist_free_all = curl_slist_free_all;
    g_global_init = curl_global_init;
    return true;
}

#endif

static void load_once(void) {
    if (!load_table()) return;
    /* CURL_GLOBAL_DEFAULT: TLS initialised once here, not racily per handle */
    CURLcode rc = g_global_init(CURL_GLOBAL_DEFAULT);
    if (rc != CURLE_OK) {
        snprintf(g_failure, sizeof g_failure, "libcurl failed to initialise: %s", g_api.easy_strerror(rc));
    }
}

const kz_curl_api *kz_curl_api_get(kz_value *err) {
    pthread_once(&g_once, load_once);
    if (g_failure[0]) {
        if (err) *err = kz_error("%s", g_failure);
        return NULL;
    }
    return &g_api;
}
