/*
 * Proxy selection as Go's http.ProxyFromEnvironment (golang.org/x/net's
 * httpproxy) makes it, and URL splitting for it and for error messages.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/buf.h"
#include "http/http.h"
#include "http/http_internal.h"

static bool copy_lower(char *dst, size_t cap, const char *s, size_t n) {
    if (n >= cap) return false;
    for (size_t i = 0; i < n; i++) dst[i] = (char)tolower((unsigned char)s[i]);
    dst[n] = '\0';
    return true;
}

bool kz_url_split(const char *url, kz_url_parts *out) {
    memset(out, 0, sizeof *out);
    const char *sep = strstr(url, "://");
    if (!sep || !copy_lower(out->scheme, sizeof out->scheme, url, (size_t)(sep - url))) return false;
    const char *auth = sep + 3;
    size_t alen = strcspn(auth, "/?#");
    /* userinfo ends at the last '@' of the authority */
    for (size_t i = alen; i > 0; i--) {
        if (auth[i - 1] == '@') {
            auth += i;
            alen -= i;
            break;
        }
    }
    const char *host = auth, *port = NULL;
    size_t hlen = alen;
    if (alen && auth[0] == '[') {
        const char *close = memchr(auth, ']', alen);
        if (!close) return false;
        host = auth + 1;
        hlen = (size_t)(close - host);
        if (close + 1 < auth + alen && close[1] == ':') port = close + 2;
    } else {
        const char *colon = memchr(auth, ':', alen);
        if (colon) {
            hlen = (size_t)(colon - auth);
            port = colon + 1;
        }
    }
    if (!copy_lower(out->host, sizeof out->host, host, hlen)) return false;
    if (port && port < auth + alen) {
        if (!copy_lower(out->port, sizeof out->port, port, (size_t)(auth + alen - port))) return false;
    } else if (strcmp(out->scheme, "https") == 0) {
        strcpy(out->port, "443");
    } else if (strcmp(out->scheme, "http") == 0) {
        strcpy(out->port, "80");
    }
    return true;
}

void kz_url_hostport(const char *host, const char *port, char *out, size_t n) {
    if (strchr(host, ':')) snprintf(out, n, "[%s]:%s", host, port);
    else snprintf(out, n, "%s:%s", host, port);
}

/* The first non-empty of two environment variables (Go's getEnvAny). */
static const char *env_any(const char *upper, const char *lower) {
    const char *v = getenv(upper);
    if (v && *v) return v;
    v = getenv(lower);
    return v && *v ? v : NULL;
}

/* An IP address in 16 bytes (IPv4 mapped into IPv6, as Go's net.IP). */
typedef struct ip16 {
    unsigned char b[16];
} ip16;

static bool parse_ip(const char *s, ip16 *ip) {
    unsigned char v4[4];
    if (inet_pton(AF_INET, s, v4) == 1) {
        memset(ip->b, 0, 10);
        ip->b[10] = ip->b[11] = 0xff;
        memcpy(ip->b + 12, v4, 4);
        return true;
    }
    return inet_pton(AF_INET6, s, ip->b) == 1;
}

static bool is_v4(const ip16 *ip) {
    static const unsigned char prefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    return memcmp(ip->b, prefix, 12) == 0;
}

static bool is_loopback(const ip16 *ip) {
    static const unsigned char v6[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
    if (is_v4(ip)) return ip->b[12] == 127;
    return memcmp(ip->b, v6, 16) == 0;
}

/* "a.b.c.d/n" or "v6/n" containing ip; false when p is not a CIDR. */
static bool cidr_match(const char *p, const ip16 *ip, bool *is_cidr) {
    *is_cidr = false;
    const char *slash = strchr(p, '/');
    if (!slash || slash - p >= 64) return false;
    char addr[64];
    memcpy(addr, p, (size_t)(slash - p));
    addr[slash - p] = '\0';
    char *end;
    long bits = strtol(slash + 1, &end, 10);
    ip16 net;
    if (*end || end == slash + 1 || !parse_ip(addr, &net)) return false;
    bool v4 = strchr(addr, ':') == NULL;
    if (bits < 0 || bits > (v4 ? 32 : 128)) return false;
    *is_cidr = true;
    if (!ip || v4 != is_v4(ip)) return false;
    long total = v4 ? bits + 96 : bits;
    for (long i = 0; i < total; i++) {
        unsigned mask = 0x80u >> (i % 8);
        if ((net.b[i / 8] & mask) != (ip->b[i / 8] & mask)) return false;
    }
    return true;
}

/* One NO_PROXY entry (lower case, trimmed) against host and port: Go's
 * ipMatch, cidrMatch and domainMatch. */
static bool no_proxy_entry_matches(const char *p, const char *host, const char *port, const ip16 *ip) {
    bool is_cidr;
    bool in_net = cidr_match(p, ip, &is_cidr);
    if (is_cidr) return in_net;
    char phost[256], pport[16] = "";
    /* host:port, [v6]:port, or a bare name / address */
    const char *colon = strrchr(p, ':');
    bool bracketed = p[0] == '[';
    if (colon && (bracketed || strchr(p, ':') == colon) && colon[1]) {
        size_t hl = (size_t)(colon - p);
        if (hl == 0 || hl >= sizeof phost || strlen(colon + 1) >= sizeof pport) return false;
        memcpy(phost, p, hl);
        phost[hl] = '\0';
        strcpy(pport, colon + 1);
        if (bracketed && phost[hl - 1] == ']') {
            memmove(phost, phost + 1, hl - 2);
            phost[hl - 2] = '\0';
        }
    } else {
        if (strlen(p) >= sizeof phost) return false;
        strcpy(phost, p);
    }
    ip16 pip;
    if (parse_ip(phost, &pip)) {
        return ip && memcmp(pip.b, ip->b, 16) == 0 && (!pport[0] || strcmp(pport, port) == 0);
    }
    if (!phost[0]) return false;
    const char *dom = phost;
    if (strncmp(dom, "*.", 2) == 0) dom++;
    bool match_host = dom[0] != '.';
    const char *bare = match_host ? dom : dom + 1; /* without the leading dot */
    size_t hl = strlen(host), bl = strlen(bare);
    bool suffix = hl > bl && host[hl - bl - 1] == '.' && strcmp(host + hl - bl, bare) == 0;
    bool same = match_host && strcmp(host, bare) == 0;
    return (suffix || same) && (!pport[0] || strcmp(pport, port) == 0);
}

/* Whether NO_PROXY (or loopback) exempts host:port. */
static bool bypass_proxy(const char *host, const char *port) {
    if (strcmp(host, "localhost") == 0) return true;
    ip16 ip;
    bool is_ip = parse_ip(host, &ip);
    if (is_ip && is_loopback(&ip)) return true;
    const char *np = env_any("NO_PROXY", "no_proxy");
    if (!np) return false;
    char *list = kz_xstrdup(np);
    bool hit = false;
    for (char *save = NULL, *tok = strtok_r(list, ",", &save); tok && !hit; tok = strtok_r(NULL, ",", &save)) {
        while (isspace((unsigned char)*tok)) tok++;
        size_t n = strlen(tok);
        while (n && isspace((unsigned char)tok[n - 1])) tok[--n] = '\0';
        for (char *c = tok; *c; c++) *c = (char)tolower((unsigned char)*c);
        if (!*tok) continue;
        hit = strcmp(tok, "*") == 0 || no_proxy_entry_matches(tok, host, port, is_ip ? &ip : NULL);
    }
    free(list);
    return hit;
}

char *kz_http_proxy_for_url(const char *url) {
    kz_url_parts u;
    if (!kz_url_split(url, &u)) return NULL;
    const char *proxy = NULL;
    if (strcmp(u.scheme, "https") == 0) proxy = env_any("HTTPS_PROXY", "https_proxy");
    else if (strcmp(u.scheme, "http") == 0) proxy = env_any("HTTP_PROXY", "http_proxy");
    if (!proxy || bypass_proxy(u.host, u.port)) return NULL;
    /* Go reads a value without a known scheme as http://VALUE */
    static const char *const schemes[] = {"http://", "https://", "socks5://", "socks5h://"};
    for (size_t i = 0; i < sizeof schemes / sizeof schemes[0]; i++) {
        if (strncmp(proxy, schemes[i], strlen(schemes[i])) == 0) return kz_xstrdup(proxy);
    }
    kz_buf b = KZ_BUF_INIT;
    kz_buf_printf(&b, "http://%s", proxy);
    return kz_buf_detach(&b, NULL);
}

char *kz_http_noproxy_list(void) {
    kz_buf b = KZ_BUF_INIT;
    kz_buf_puts(&b, "localhost,127.0.0.0/8,::1");
    const char *np = env_any("NO_PROXY", "no_proxy");
    if (np) {
        kz_buf_putc(&b, ',');
        kz_buf_puts(&b, np);
    }
    return kz_buf_detach(&b, NULL);
}
