/* Shared between the files of lib/http; not part of the module's contract. */
#ifndef KZ_HTTP_INTERNAL_H
#define KZ_HTTP_INTERNAL_H

#include <stdbool.h>

/* The parts of an http(s) URL this module looks at. */
typedef struct kz_url_parts {
    char scheme[16]; /* lower case; "" when the URL has none */
    char host[256];  /* lower case, IPv6 without brackets */
    char port[8];    /* explicit, or the scheme's default ("" if unknown) */
} kz_url_parts;

/* Split url; false when it has no "scheme://" or its pieces don't fit. */
bool kz_url_split(const char *url, kz_url_parts *out);

/* Go's address text for host and port: "h:p", or "[h]:p" for IPv6. */
void kz_url_hostport(const char *host, const char *port, char *out, size_t n);

/* The NO_PROXY value in libcurl's form for CURLOPT_NOPROXY (loopback names
 * always included, as Go never proxies them). Owned. */
char *kz_http_noproxy_list(void);

#endif
