/*
 * The few libcurl functions lib/http uses, as a table of function pointers.
 *
 * WHY A TABLE. The static release build (KZ_STATIC_DEPS) compiles kzlib with
 * KZ_CURL_DLOPEN=1 and does not link libcurl: linking it would map some thirty
 * shared libraries into every process (7 ms before main, for commands that
 * never touch the network). There the table is filled from
 * dlopen("libcurl.so.4") the first time a transfer is made. Without the define
 * (sanitizer and dynamic builds) it holds the linked symbols. Callers see the
 * same table either way.
 *
 * The first successful kz_curl_api_get also runs curl_global_init, once per
 * process (pthread_once), so it is safe to call from several threads. The
 * table and the loader's outcome are the module's only global state; they
 * are never unloaded.
 */
#ifndef KZ_HTTP_CURL_API_H
#define KZ_HTTP_CURL_API_H

#include <curl/curl.h>

#include "core/value.h"

typedef struct kz_curl_api {
    CURL *(*easy_init)(void);
    void (*easy_cleanup)(CURL *h);
    /* variadic as curl's: pass long, curl_off_t, pointers exactly */
    CURLcode (*easy_setopt)(CURL *h, CURLoption opt, ...);
    CURLcode (*easy_perform)(CURL *h);
    CURLcode (*easy_getinfo)(CURL *h, CURLINFO info, ...);
    const char *(*easy_strerror)(CURLcode code);
    struct curl_slist *(*slist_append)(struct curl_slist *list, const char *s);
    void (*slist_free_all)(struct curl_slist *list);
} kz_curl_api;

/* The loaded and initialised API (borrowed, valid for the process's life), or
 * NULL with *err (may be NULL) set to an owned error value: "libcurl is not
 * installed: <dlerror text>" when the library can't be opened, or the reason
 * curl_global_init or symbol lookup failed. A failure is remembered: later
 * calls fail the same way without retrying. */
const kz_curl_api *kz_curl_api_get(kz_value *err);

#endif
