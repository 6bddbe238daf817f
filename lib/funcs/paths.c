/*
 * Template functions: paths family (see funcs_internal.h).
 *
 * base, dir, clean, ext, isAbs: Go's path package; the os* variants are
 * path/filepath, which on Linux behaves the same. urlParse and urlJoin:
 * Sprig's url.go over Go's net/url (Parse, URL.String, Userinfo.String).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "funcs/funcs_internal.h"
#include "tmpl/fmt.h"

#define S(i) kz_str(&argv[i]), kz_str_len(&argv[i])

static kz_value buf_value(kz_buf *b) {
    kz_value v = kz_string_n(b->data ? b->data : "", b->len);
    kz_buf_free(b);
    return v;
}

/* ---- path ---- */

/* path.Clean */
static void path_clean(const char *p, size_t n, kz_buf *out) {
    if (n == 0) {
        kz_buf_putc(out, '.');
        return;
    }
    bool rooted = p[0] == '/';
    size_t start = out->len;
    size_t r = 0, dotdot = 0;
    if (rooted) {
        kz_buf_putc(out, '/');
        r = 1;
        dotdot = 1;
    }
    size_t base = start; /* out positions relative to start */
    while (r < n) {
        if (p[r] == '/') r++;
        else if (p[r] == '.' && (r + 1 == n || p[r + 1] == '/')) r++;
        else if (p[r] == '.' && p[r + 1] == '.' && (r + 2 == n || p[r + 2] == '/')) {
            r += 2;
            size_t w = out->len - base;
            if (w > dotdot) {
                w--;
                while (w > dotdot && out->data[base + w] != '/') w--;
                out->len = base + w;
            } else if (!rooted) {
                if (w > 0) kz_buf_putc(out, '/');
                kz_buf_puts(out, "..");
                dotdot = out->len - base;
            }
        } else {
            size_t w = out->len - base;
            if ((rooted && w != 1) || (!rooted && w != 0)) kz_buf_putc(out, '/');
            for (; r < n && p[r] != '/'; r++) kz_buf_putc(out, p[r]);
        }
    }
    if (out->len == base) kz_buf_putc(out, '.');
    if (out->data) out->data[out->len] = '\0';
}

void kz_funcs_path_clean(const char *p, size_t n, kz_buf *out) { path_clean(p, n, out); }

static kz_value fn_clean(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    (void)c, (void)argc;
    kz_buf b = KZ_BUF_INIT;
    path_clean(S(0), &b);
    return buf_value(&b);
}

/* path.Base */
static kz_value fn_base(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    (void)c, (void)argc;
    const char *p = kz_str(&argv[0]);
    size_t n = kz_str_len(&argv[0]);
    if (n == 0) return kz_string(".");
    while (n > 0 && p[n - 1] == '/') n--;
    if (n == 0) return kz_string("/");
    size_t i = n;
    while (i > 0 && p[i - 1] != '/') i--;
    return kz_string_n(p + i, n - i);
}

/* path.Dir */
static kz_value fn_dir(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    (void)c, (void)argc;
    const char *p = kz_str(&argv[0]);
    size_t n = kz_str_len(&argv[0]), i = n;
    while (i > 0 && p[i - 1] != '/') i--;
    kz_buf b = KZ_BUF_INIT;
    path_clean(p, i, &b);
    return buf_value(&b);
}

/* path.Ext */
static kz_value fn_ext(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    (void)c, (void)argc;
    const char *p = kz_str(&argv[0]);
    size_t n = kz_str_len(&argv[0]);
    for (size_t i = n; i > 0 && p[i - 1] != '/'; i--)
        if (p[i - 1] == '.') return kz_string_n(p + i - 1, n - i + 1);
    return kz_string("");
}

static kz_value fn_isabs(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    (void)c, (void)argc;
    return kz_bool(kz_str_len(&argv[0]) > 0 && kz_str(&argv[0])[0] == '/');
}

/* ---- net/url ---- */

enum { E_PATH, E_HOST, E_ZONE, E_USER, E_QUERY, E_FRAGMENT };

static bool should_escape(unsigned char c, int mode) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return false;
    if (mode == E_HOST || mode == E_ZONE) {
        if (c && strchr("!$&'()*+,;=:[]<>\"", c)) return false;
    }
    if (c == '-' || c == '_' || c == '.' || c == '~') return false;
    if (c && strchr("$&+,/:;=?@", c)) {
        switch (mode) {
        case E_FRAGMENT: return false;
        case E_PATH: return c == '?';
        case E_USER: return c == '@' || c == '/' || c == '?' || c == ':';
        case E_QUERY: return true;
        default: break;
        }
    }
    if (mode == E_FRAGMENT && (c == '!' || c == '(' || c == ')' || c == '*')) return false;
    return true;
}

static void url_escape(const char *s, size_t n, int mode, kz_buf *out) {
    static const char hex[] = "0123456789ABCDEF";
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == ' ' && mode == E_QUERY) kz_buf_putc(out, '+');
        else if (should_escape(c, mode)) {
            kz_buf_putc(out, '%');
            kz_buf_putc(out, hex[c >> 4]);
            kz_buf_putc(out, hex[c & 15]);
        } else kz_buf_putc(out, (char)c);
    }
}

static bool ishex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
static int unhex(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return c - 'A' + 10;
}

/* url.unescape; on error sets *err (an owned error value) and returns false. */
static bool url_unescape(const char *s, size_t n, int mode, kz_buf *out, kz_value *err) {
    for (size_t i = 0; i < n;) {
        if (s[i] == '%') {
            if (i + 2 >= n || !ishex(s[i + 1]) || !ishex(s[i + 2])) {
                size_t l = n - i > 3 ? 3 : n - i;
                kz_buf q = KZ_BUF_INIT;
                kz_fmt_quote(&q, s + i, l, false);
                *err = kz_error("invalid URL escape %s", kz_buf_cstr(&q));
                kz_buf_free(&q);
                return false;
            }
            int v = unhex(s[i + 1]) << 4 | unhex(s[i + 2]);
            bool is25 = memcmp(s + i, "%25", 3) == 0;
            if ((mode == E_HOST && unhex(s[i + 1]) < 8 && !is25) ||
                (mode == E_ZONE && !is25 && v != ' ' && should_escape((unsigned char)v, E_HOST))) {
                kz_buf q = KZ_BUF_INIT;
                kz_fmt_quote(&q, s + i, 3, false);
                *err = kz_error("invalid URL escape %s", kz_buf_cstr(&q));
                kz_buf_free(&q);
                return false;
            }
            i += 3;
        } else {
            unsigned char c = (unsigned char)s[i];
            if ((mode == E_HOST || mode == E_ZONE) && c < 0x80 && should_escape(c, mode)) {
                kz_buf q = KZ_BUF_INIT;
                kz_fmt_quote(&q, s + i, 1, false);
                *err = kz_error("invalid character %s in host name", kz_buf_cstr(&q));
                kz_buf_free(&q);
                return false;
            }
            i++;
        }
    }
    for (size_t i = 0; i < n;) {
        if (s[i] == '%') {
            kz_buf_putc(out, (char)(unhex(s[i + 1]) << 4 | unhex(s[i + 2])));
            i += 3;
        } else if (s[i] == '+' && mode == E_QUERY) {
            kz_buf_putc(out, ' ');
            i++;
        } else {
            kz_buf_putc(out, s[i++]);
        }
    }
    return true;
}

static bool valid_optional_port(const char *p, size_t n) {
    if (n == 0) return true;
    if (p[0] != ':') return false;
    for (size_t i = 1; i < n; i++)
        if (p[i] < '0' || p[i] > '9') return false;
    return true;
}

typedef struct {
    kz_buf scheme, opaque, host, path, query, fragment, user, pass;
    bool has_user, has_pass;
} go_url;

static void url_free(go_url *u) {
    kz_buf_free(&u->scheme), kz_buf_free(&u->opaque), kz_buf_free(&u->host), kz_buf_free(&u->path);
    kz_buf_free(&u->query), kz_buf_free(&u->fragment), kz_buf_free(&u->user), kz_buf_free(&u->pass);
}

static const char *last_of(const char *s, size_t n, char c) {
    for (size_t i = n; i > 0; i--)
        if (s[i - 1] == c) return s + i - 1;
    return NULL;
}

static bool parse_host(const char *h, size_t n, go_url *u, kz_value *err) {
    if (n > 0 && h[0] == '[') {
        const char *rb = last_of(h, n, ']');
        if (!rb) {
            *err = kz_error("missing ']' in host");
            return false;
        }
        size_t i = (size_t)(rb - h);
        if (!valid_optional_port(h + i + 1, n - i - 1)) {
            kz_buf q = KZ_BUF_INIT;
            kz_fmt_quote(&q, h + i + 1, n - i - 1, false);
            *err = kz_error("invalid port %s after host", kz_buf_cstr(&q));
            kz_buf_free(&q);
            return false;
        }
        const char *zone = NULL;
        for (size_t k = 0; k + 3 <= i; k++)
            if (memcmp(h + k, "%25", 3) == 0) {
                zone = h + k;
                break;
            }
        if (zone) {
            size_t z = (size_t)(zone - h);
            return url_unescape(h, z, E_HOST, &u->host, err) && url_unescape(h + z, i - z, E_ZONE, &u->host, err) &&
                   url_unescape(h + i, n - i, E_HOST, &u->host, err);
        }
    } else {
        const char *colon = last_of(h, n, ':');
        if (colon && !valid_optional_port(colon, n - (size_t)(colon - h))) {
            kz_buf q = KZ_BUF_INIT;
            kz_fmt_quote(&q, colon, n - (size_t)(colon - h), false);
            *err = kz_error("invalid port %s after host", kz_buf_cstr(&q));
            kz_buf_free(&q);
            return false;
        }
    }
    return url_unescape(h, n, E_HOST, &u->host, err);
}

static bool valid_userinfo(const char *s, size_t n) {
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) continue;
        if (c && strchr("-._:~!$&'()*+,;=%@", c)) continue;
        return false;
    }
    return true;
}

static bool parse_authority(const char *a, size_t n, go_url *u, kz_value *err) {
    const char *at = last_of(a, n, '@');
    size_t hs = at ? (size_t)(at - a) + 1 : 0;
    if (!parse_host(a + hs, n - hs, u, err)) return false;
    if (!at) return true;
    size_t un = (size_t)(at - a);
    if (!valid_userinfo(a, un)) {
        *err = kz_error("net/url: invalid userinfo");
        return false;
    }
    const char *colon = memchr(a, ':', un);
    u->has_user = true;
    if (!colon) return url_unescape(a, un, E_USER, &u->user, err);
    u->has_pass = true;
    size_t cn = (size_t)(colon - a);
    return url_unescape(a, cn, E_USER, &u->user, err) && url_unescape(colon + 1, un - cn - 1, E_USER, &u->pass, err);
}

/* url.parse(rawURL, false) of the part before '#' */
static bool url_parse_main(const char *s, size_t n, go_url *u, kz_value *err) {
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f) {
            *err = kz_error("net/url: invalid control character in URL");
            return false;
        }
    if (n == 1 && s[0] == '*') {
        kz_buf_putc(&u->path, '*');
        return true;
    }
    /* getScheme */
    const char *rest = s;
    size_t rn = n;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) continue;
        if ((c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.') {
            if (i == 0) break;
            continue;
        }
        if (c == ':') {
            if (i == 0) {
                *err = kz_error("missing protocol scheme");
                return false;
            }
            for (size_t k = 0; k < i; k++) {
                char ch = s[k];
                kz_buf_putc(&u->scheme, ch >= 'A' && ch <= 'Z' ? (char)(ch + 32) : ch);
            }
            rest = s + i + 1;
            rn = n - i - 1;
        }
        break;
    }
    size_t qcount = 0;
    for (size_t i = 0; i < rn; i++) qcount += rest[i] == '?';
    if (rn > 0 && rest[rn - 1] == '?' && qcount == 1) {
        rn--; /* ForceQuery: not kept by Sprig */
    } else {
        const char *q = memchr(rest, '?', rn);
        if (q) {
            kz_buf_append(&u->query, q + 1, rn - (size_t)(q - rest) - 1);
            rn = (size_t)(q - rest);
        }
    }
    if (rn == 0 || rest[0] != '/') {
        if (u->scheme.len > 0) {
            kz_buf_append(&u->opaque, rest, rn);
            return true;
        }
        const char *sl = memchr(rest, '/', rn);
        size_t seg = sl ? (size_t)(sl - rest) : rn;
        if (memchr(rest, ':', seg)) {
            *err = kz_error("first path segment in URL cannot contain colon");
            return false;
        }
    }
    bool triple = rn >= 3 && memcmp(rest, "///", 3) == 0;
    if ((u->scheme.len > 0 || !triple) && rn >= 2 && rest[0] == '/' && rest[1] == '/') {
        const char *auth = rest + 2;
        size_t an = rn - 2;
        const char *sl = memchr(auth, '/', an);
        size_t alen = sl ? (size_t)(sl - auth) : an;
        if (!parse_authority(auth, alen, u, err)) return false;
        rest = auth + alen;
        rn = an - alen;
    }
    return url_unescape(rest, rn, E_PATH, &u->path, err);
}

static bool url_parse(const char *s, size_t n, go_url *u, kz_value *err) {
    const char *hash = memchr(s, '#', n);
    size_t mn = hash ? (size_t)(hash - s) : n;
    if (!url_parse_main(s, mn, u, err)) {
        kz_value e = *err;
        kz_buf q = KZ_BUF_INIT;
        kz_fmt_quote(&q, s, mn, false);
        *err = kz_error("parse %s: %s", kz_buf_cstr(&q), kz_error_message(&e));
        kz_buf_free(&q);
        kz_free(e);
        return false;
    }
    if (hash && !url_unescape(hash + 1, n - mn - 1, E_FRAGMENT, &u->fragment, err)) {
        kz_value e = *err;
        kz_buf q = KZ_BUF_INIT;
        kz_fmt_quote(&q, s, n, false);
        *err = kz_error("parse %s: %s", kz_buf_cstr(&q), kz_error_message(&e));
        kz_buf_free(&q);
        kz_free(e);
        return false;
    }
    return true;
}

static kz_value bstr(const kz_buf *b) { return kz_string_n(b->data ? b->data : "", b->len); }

static void userinfo_string(const go_url *u, kz_buf *out) {
    url_escape(u->user.data ? u->user.data : "", u->user.len, E_USER, out);
    if (u->has_pass) {
        kz_buf_putc(out, ':');
        url_escape(u->pass.data ? u->pass.data : "", u->pass.len, E_USER, out);
    }
}

static kz_value fn_urlparse(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    (void)c, (void)argc;
    go_url u = {0};
    kz_value err;
    if (!url_parse(S(0), &u, &err)) {
        url_free(&u);
        kz_value e = kz_error("unable to parse url: %s", kz_error_message(&err));
        kz_free(err);
        return e;
    }
    kz_value d = kz_map();
    kz_map_setz(&d, "fragment", bstr(&u.fragment));
    kz_map_setz(&d, "host", bstr(&u.host));
    /* Hostname(): the host without a valid :port, without [ ] */
    const char *h = u.host.data ? u.host.data : "";
    size_t hn = u.host.len;
    const char *colon = last_of(h, hn, ':');
    if (colon && valid_optional_port(colon, hn - (size_t)(colon - h))) hn = (size_t)(colon - h);
    if (hn >= 2 && h[0] == '[' && h[hn - 1] == ']') h++, hn -= 2;
    kz_map_setz(&d, "hostname", kz_string_n(h, hn));
    kz_map_setz(&d, "opaque", bstr(&u.opaque));
    kz_map_setz(&d, "path", bstr(&u.path));
    kz_map_setz(&d, "query", bstr(&u.query));
    kz_map_setz(&d, "scheme", bstr(&u.scheme));
    kz_buf ui = KZ_BUF_INIT;
    if (u.has_user) userinfo_string(&u, &ui);
    kz_map_setz(&d, "userinfo", bstr(&ui));
    kz_buf_free(&ui);
    url_free(&u);
    return d;
}

/* Sprig's dictGetOrEmpty: missing -> "", a string, else a panic. */
static bool dict_get(const kz_value *d, const char *key, const char **s, size_t *n, kz_value *err) {
    *s = "", *n = 0;
    if (kz_kind_of(d) != KZ_MAP) return true;
    const kz_value *v = kz_map_getz(d, key);
    if (!v) return true;
    if (kz_kind_of(v) == KZ_NULL) {
        *err = kz_error("runtime error: invalid memory address or nil pointer dereference");
        return false;
    }
    if (kz_kind_of(v) != KZ_STRING || kz_gotype_of(v) == KZ_GOTYPE_BYTES) {
        const char *kind;
        switch (kz_kind_of(v)) {
        case KZ_BOOL: kind = "bool"; break;
        case KZ_INT:
            kind = kz_gotype_of(v) == KZ_GOTYPE_INT64 ? "int64" : kz_gotype_of(v) == KZ_GOTYPE_INT32 ? "int32"
                   : kz_gotype_of(v) == KZ_GOTYPE_UINT8 ? "uint8" : kz_gotype_of(v) == KZ_GOTYPE_UINT64 ? "uint64" : "int";
            break;
        case KZ_FLOAT: kind = "float64"; break;
        case KZ_SEQ: case KZ_STRING: kind = "slice"; break;
        case KZ_MAP:
            kind = kz_is_go_map(v) ? "map"
                   : kz_gotype_of(v) == KZ_GOTYPE_TIME ? "struct" : "ptr";
            break;
        default: kind = "invalid"; break;
        }
        *err = kz_error("unable to parse %s key, must be of type string, but %s found", key, kind);
        return false;
    }
    *s = kz_str(v), *n = kz_str_len(v);
    return true;
}

static kz_value fn_urljoin(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    (void)c, (void)argc;
    const kz_value *d = &argv[0];
    const char *scheme, *host, *path, *query, *opaque, *frag, *ui;
    size_t schemen, hostn, pathn, queryn, opaquen, fragn, uin;
    kz_value err;
    if (!dict_get(d, "scheme", &scheme, &schemen, &err) || !dict_get(d, "host", &host, &hostn, &err) ||
        !dict_get(d, "path", &path, &pathn, &err) || !dict_get(d, "query", &query, &queryn, &err) ||
        !dict_get(d, "opaque", &opaque, &opaquen, &err) || !dict_get(d, "fragment", &frag, &fragn, &err) ||
        !dict_get(d, "userinfo", &ui, &uin, &err))
        return err;
    go_url user = {0};
    if (uin > 0) {
        kz_buf tmp = KZ_BUF_INIT;
        kz_buf_puts(&tmp, "proto://");
        kz_buf_append(&tmp, ui, uin);
        kz_buf_puts(&tmp, "@host");
        bool ok = url_parse(tmp.data, tmp.len, &user, &err);
        kz_buf_free(&tmp);
        if (!ok) {
            url_free(&user);
            kz_value e = kz_error("unable to parse userinfo in dict: %s", kz_error_message(&err));
            kz_free(err);
            return e;
        }
    }
    kz_buf b = KZ_BUF_INIT;
    if (schemen) {
        kz_buf_append(&b, scheme, schemen);
        kz_buf_putc(&b, ':');
    }
    if (opaquen) {
        kz_buf_append(&b, opaque, opaquen);
    } else {
        if (schemen || hostn || user.has_user) {
            if (hostn || pathn || user.has_user) kz_buf_puts(&b, "//");
            if (user.has_user) {
                userinfo_string(&user, &b);
                kz_buf_putc(&b, '@');
            }
            if (hostn) url_escape(host, hostn, E_HOST, &b);
        }
        kz_buf ep = KZ_BUF_INIT;
        if (pathn == 1 && path[0] == '*') kz_buf_putc(&ep, '*');
        else url_escape(path, pathn, E_PATH, &ep);
        if (ep.len > 0 && ep.data[0] != '/' && hostn) kz_buf_putc(&b, '/');
        if (b.len == 0 && ep.len > 0) {
            const char *sl = memchr(ep.data, '/', ep.len);
            size_t seg = sl ? (size_t)(sl - ep.data) : ep.len;
            if (memchr(ep.data, ':', seg)) kz_buf_puts(&b, "./");
        }
        kz_buf_append(&b, ep.data ? ep.data : "", ep.len);
        kz_buf_free(&ep);
    }
    if (queryn) {
        kz_buf_putc(&b, '?');
        kz_buf_append(&b, query, queryn);
    }
    if (fragn) {
        kz_buf_putc(&b, '#');
        url_escape(frag, fragn, E_FRAGMENT, &b);
    }
    url_free(&user);
    return buf_value(&b);
}

void kz_funcs_register_paths(kz_tmpl_funcs *t) {
    kz_tmpl_funcs_add_typed(t, "base", fn_base, "s", NULL);
    kz_tmpl_funcs_add_typed(t, "dir", fn_dir, "s", NULL);
    kz_tmpl_funcs_add_typed(t, "clean", fn_clean, "s", NULL);
    kz_tmpl_funcs_add_typed(t, "ext", fn_ext, "s", NULL);
    kz_tmpl_funcs_add_typed(t, "isAbs", fn_isabs, "s", NULL);
    kz_tmpl_funcs_add_typed(t, "osBase", fn_base, "s", NULL);
    kz_tmpl_funcs_add_typed(t, "osDir", fn_dir, "s", NULL);
    kz_tmpl_funcs_add_typed(t, "osClean", fn_clean, "s", NULL);
    kz_tmpl_funcs_add_typed(t, "osExt", fn_ext, "s", NULL);
    kz_tmpl_funcs_add_typed(t, "osIsAbs", fn_isabs, "s", NULL);
    kz_tmpl_funcs_add_typed(t, "urlParse", fn_urlparse, "s", NULL);
    kz_tmpl_funcs_add_typed(t, "urlJoin", fn_urljoin, "m", NULL);
}
