/*
 * References (helm's registry.NewReference over ORAS v1's ParseReference),
 * tag listing and version resolution (helm's Client.Tags,
 * GetTagMatchingVersionOrConstraint and ValidateReference).
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/buf.h"
#include "json/json.h"
#include "oci/oci_internal.h"
#include "semver/semver.h"

bool kz_oci_is_oci(const char *url) { return url && strncmp(url, "oci://", 6) == 0; }

void kz_oci_ref_free(kz_oci_ref *r) {
    free(r->registry);
    free(r->repository);
    free(r->tag);
    free(r->digest);
    memset(r, 0, sizeof *r);
}

/* ---- ORAS v1's checks ---- */

static bool lower_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

/* One path component of `[a-z0-9]+(?:(?:[._]|__|[-]*)[a-z0-9]+)*`. */
static bool repo_component_ok(const char *s, size_t n) {
    size_t i = 0;
    if (n == 0 || !lower_alnum(s[0])) return false;
    while (i < n) {
        while (i < n && lower_alnum(s[i])) i++;
        if (i == n) return true;
        /* a separator, then more alphanumerics */
        if (s[i] == '.') i++;
        else if (s[i] == '_') i += (i + 1 < n && s[i + 1] == '_') ? 2 : 1;
        else if (s[i] == '-') while (i < n && s[i] == '-') i++;
        else return false;
        if (i == n || !lower_alnum(s[i])) return false;
    }
    return true;
}

static bool repository_ok(const char *repo) {
    const char *p = repo;
    for (;;) {
        const char *slash = strchr(p, '/');
        size_t n = slash ? (size_t)(slash - p) : strlen(p);
        if (!repo_component_ok(p, n)) return false;
        if (!slash) return true;
        p = slash + 1;
    }
}

static bool word_char(char c) { return isalnum((unsigned char)c) || c == '_'; }

/* `^[\w][\w.-]{0,127}$` */
static bool tag_ok(const char *t) {
    size_t n = strlen(t);
    if (n == 0 || n > 128 || !word_char(t[0])) return false;
    for (size_t i = 1; i < n; i++)
        if (!word_char(t[i]) && t[i] != '.' && t[i] != '-') return false;
    return true;
}

/* Go's url.ParseRequestURI("dummy://" + r).Host == r: a host[:port] with no
 * user info, path, query or fragment, and a numeric port. */
static bool registry_ok(const char *r) {
    for (const char *c = r; *c; c++)
        if ((unsigned char)*c <= ' ' || strchr("?#@/\\%\"<>{}|^`", *c)) return false;
    const char *port = NULL;
    if (r[0] == '[') {
        const char *end = strchr(r, ']');
        if (!end) return false;
        if (end[1] == ':') port = end + 2;
        else if (end[1]) return false;
    } else {
        port = strrchr(r, ':');
        if (port) port++;
    }
    if (port)
        for (const char *c = port; *c; c++)
            if (!isdigit((unsigned char)*c)) return false;
    return true;
}

/* sha256:64 lower-case hex (what go-digest accepts for sha256) */
static bool digest_ok(const char *d) {
    if (strncmp(d, "sha256:", 7) != 0 || strlen(d) != 7 + 64) return false;
    for (const char *c = d + 7; *c; c++)
        if (!isdigit((unsigned char)*c) && !(*c >= 'a' && *c <= 'f')) return false;
    return true;
}

/* Go's strings.ReplaceAll(s, old, new): helm rewrites the tag this way, so
 * the same text elsewhere in the reference changes too. */
static char *replace_all(const char *s, const char *old, const char *new_) {
    kz_buf b = KZ_BUF_INIT;
    size_t ol = strlen(old);
    while (*s) {
        const char *hit = strstr(s, old);
        if (!hit) break;
        kz_buf_append(&b, s, (size_t)(hit - s));
        kz_buf_puts(&b, new_);
        s = hit + ol;
    }
    kz_buf_puts(&b, s);
    return kz_buf_detach(&b, NULL);
}

kz_value kz_oci_ref_parse(const char *raw_in, kz_oci_ref *out) {
    memset(out, 0, sizeof *out);
    const char *raw0 = kz_oci_is_oci(raw_in) ? raw_in + 6 : raw_in;
    char *raw = kz_xstrdup(raw0);
    char *digest = kz_xstrdup("");
    char *at = strrchr(raw, '@');
    if (at) {
        free(digest);
        digest = kz_xstrdup(at + 1);
        *at = '\0';
    }
    /* the tag: text after the last ':' when it holds no '/' */
    char *colon = strrchr(raw, ':');
    if (colon && !strchr(colon + 1, '/') && colon[1] && strchr(colon + 1, '+')) {
        char *tag = kz_xstrdup(colon + 1);
        char *fixed = oci_replace_char(tag, '+', '_');
        char *n = replace_all(raw, tag, fixed);
        free(raw);
        raw = n;
        free(tag);
        free(fixed);
    }
    kz_value err = kz_null();
    char *slash = strchr(raw, '/');
    if (!slash) {
        err = kz_error("invalid_reference: missing repository");
        goto fail;
    }
    *slash = '\0';
    char *path = slash + 1;
    char *reference = NULL;
    char *c = strchr(path, ':');
    if (c) {
        *c = '\0';
        reference = c + 1;
    }
    if (!registry_ok(raw)) {
        err = kz_error("invalid_reference: invalid registry");
        goto fail;
    }
    if (!repository_ok(path)) {
        err = kz_error("invalid_reference: invalid repository");
        goto fail;
    }
    if (reference && *reference && !digest_ok(reference) && !tag_ok(reference)) {
        err = kz_error("invalid_reference: invalid tag");
        goto fail;
    }
    out->registry = kz_xstrdup(raw);
    out->repository = kz_xstrdup(path);
    out->tag = kz_xstrdup(reference ? reference : "");
    out->digest = digest;
    free(raw);
    return kz_null();
fail:
    free(raw);
    free(digest);
    return err;
}

char *kz_oci_ref_string(const kz_oci_ref *r) {
    kz_buf b = KZ_BUF_INIT;
    kz_buf_printf(&b, "%s/%s", r->registry, r->repository);
    if (r->tag && *r->tag) kz_buf_printf(&b, "%s%s", digest_ok(r->tag) ? "@" : ":", r->tag);
    else kz_buf_printf(&b, "@%s", r->digest ? r->digest : "");
    return kz_buf_detach(&b, NULL);
}

/* ---- tags ---- */

static bool num_ok(const char *s, size_t n) {
    if (n == 0) return false;
    for (size_t i = 0; i < n; i++)
        if (!isdigit((unsigned char)s[i])) return false;
    return n == 1 || s[0] != '0';
}

static bool idents_ok(const char *s, size_t n, bool numeric_rule) {
    size_t i = 0;
    if (n == 0) return false;
    while (i <= n) {
        size_t j = i;
        while (j < n && s[j] != '.') j++;
        if (j == i) return false;
        bool all_digits = true;
        for (size_t k = i; k < j; k++) {
            if (!isalnum((unsigned char)s[k]) && s[k] != '-') return false;
            if (!isdigit((unsigned char)s[k])) all_digits = false;
        }
        if (numeric_rule && all_digits && j - i > 1 && s[i] == '0') return false;
        i = j + 1;
    }
    return true;
}

/* Masterminds' StrictNewVersion: MAJOR.MINOR.PATCH[-pre][+meta], no 'v'. */
static bool strict_semver(const char *v) {
    const char *p = v;
    for (int part = 0; part < 3; part++) {
        size_t n = strspn(p, "0123456789");
        if (!num_ok(p, n)) return false;
        p += n;
        if (part < 2) {
            if (*p != '.') return false;
            p++;
        }
    }
    if (*p == '-') {
        p++;
        size_t n = strcspn(p, "+");
        if (!idents_ok(p, n, true)) return false;
        p += n;
    }
    if (*p == '+') {
        p++;
        if (!idents_ok(p, strlen(p), false)) return false;
        p += strlen(p);
    }
    return *p == '\0';
}

typedef struct tag_entry {
    kz_semver v;
    size_t order;
} tag_entry;

static int tag_cmp_desc(const void *a, const void *b) {
    const tag_entry *x = a, *y = b;
    int c = kz_semver_compare(&y->v, &x->v);
    if (c) return c;
    return x->order < y->order ? -1 : x->order > y->order;
}

/* The next page of a tag list: `Link: </v2/...?n=..&last=..>; rel="next"`. */
static char *next_link(const kz_http_response *resp) {
    const char *l = kz_http_response_header(resp, "Link");
    if (!l || !strstr(l, "rel=\"next\"")) return NULL;
    const char *s = strchr(l, '<'), *e = s ? strchr(s, '>') : NULL;
    if (!s || !e) return NULL;
    return kz_xstrndup(s + 1, (size_t)(e - s - 1));
}

kz_value kz_oci_tags(const char *ref, const kz_oci_opts *opts, kz_value *tags) {
    *tags = kz_invalid();
    kz_oci_ref r;
    kz_value err = kz_oci_ref_parse(ref, &r);
    if (!kz_is_null(&err)) return err;
    oci_session s;
    err = oci_session_init(&s, r.registry, opts, OCI_ORAS);
    if (!kz_is_null(&err)) {
        kz_oci_ref_free(&r);
        return err;
    }
    s.repository = r.repository;
    tag_entry *list = NULL;
    size_t n = 0, cap = 0;
    kz_buf path = KZ_BUF_INIT;
    kz_buf_printf(&path, "/v2/%s/tags/list", r.repository);
    char *page = kz_buf_detach(&path, NULL);
    while (page && kz_is_null(&err)) {
        kz_http_request req = {.method = "GET"};
        kz_http_response resp = KZ_HTTP_RESPONSE_INIT;
        err = oci_do(&s, page, &req, &resp);
        char *url = page[0] == '/' ? oci_url(&s, page) : kz_xstrdup(page);
        free(page);
        page = NULL;
        if (kz_is_null(&err) && resp.status == 401 && s.auth_fail == OCI_AUTH_TOKEN) {
            err = kz_error("%s", s.token_error);
        } else if (kz_is_null(&err) && resp.status == 401 && s.auth_fail == OCI_AUTH_NO_CREDS) {
            /* ORAS v2's auth client */
            err = kz_error("GET \"%s\": credential required for basic auth", url);
        } else if (kz_is_null(&err) && resp.status != 200) {
            err = oci_status_error("GET", &resp, url);
        } else if (kz_is_null(&err)) {
            kz_value doc = kz_json_parse(resp.body.data ? resp.body.data : "", resp.body.len, NULL);
            const kz_value *tl = kz_is_map(&doc) ? kz_map_getz(&doc, "tags") : NULL;
            for (size_t i = 0; tl && kz_is_seq(tl) && i < kz_len(tl); i++) {
                const kz_value *t = kz_seq_at(tl, i);
                if (!kz_is_string(t)) continue;
                /* '_' back to '+' (helm's convention for build metadata) */
                char *plus = oci_replace_char(kz_str(t), '_', '+');
                kz_semver v;
                if (strict_semver(plus)) {
                    kz_value perr = kz_semver_parse(plus, strlen(plus), &v);
                    if (kz_is_null(&perr)) {
                        if (n == cap) {
                            cap = cap ? cap * 2 : 16;
                            list = kz_xrealloc(list, cap * sizeof *list);
                        }
                        list[n].v = v;
                        list[n].order = n;
                        n++;
                    }
                    kz_free(perr);
                }
                free(plus);
            }
            kz_free(doc);
            page = next_link(&resp);
        }
        free(url);
        kz_http_response_free(&resp);
    }
    free(page);
    if (kz_is_null(&err)) {
        qsort(list, n, sizeof *list, tag_cmp_desc);
        *tags = kz_seq_sized(n);
        for (size_t i = 0; i < n; i++) {
            char *str = kz_semver_string(&list[i].v);
            kz_seq_push(tags, kz_string(str));
            free(str);
        }
    }
    for (size_t i = 0; i < n; i++) kz_semver_free(&list[i].v);
    free(list);
    oci_session_free(&s);
    kz_oci_ref_free(&r);
    return err;
}

char *kz_oci_match_version(const kz_value *tags, const char *version, kz_value *err) {
    *err = kz_null();
    const char *want = version ? version : "";
    if (*want) {
        for (size_t i = 0; i < kz_len(tags); i++)
            if (kz_str_eqz(kz_seq_at(tags, i), want)) return kz_xstrdup(want);
    }
    kz_semver_constraint *c = NULL;
    const char *cs = *want ? want : "*";
    kz_value cerr = kz_semver_constraint_parse(cs, strlen(cs), &c);
    if (!kz_is_null(&cerr)) {
        *err = cerr;
        return NULL;
    }
    char *found = NULL;
    for (size_t i = 0; i < kz_len(tags) && !found; i++) {
        const kz_value *t = kz_seq_at(tags, i);
        kz_semver v;
        kz_value perr = kz_semver_parse(kz_str(t), kz_str_len(t), &v);
        if (!kz_is_null(&perr)) {
            kz_free(perr);
            continue;
        }
        if (kz_semver_constraint_check(c, &v)) found = kz_xstrdup(kz_str(t));
        kz_semver_free(&v);
    }
    kz_semver_constraint_free(c);
    if (!found) *err = kz_error("Could not locate a version matching provided version string %s", want);
    return found;
}

/* HEAD the manifest of REPO:TAG; its digest, or NULL when that fails. */
static char *head_digest(const kz_oci_ref *r, const char *tag, const kz_oci_opts *opts) {
    oci_session s;
    kz_value err = oci_session_init(&s, r->registry, opts, OCI_ORAS);
    if (!kz_is_null(&err)) {
        kz_free(err);
        return NULL;
    }
    s.repository = r->repository;
    char *fixed = oci_replace_char(tag, '+', '_');
    kz_buf path = KZ_BUF_INIT;
    kz_buf_printf(&path, "/v2/%s/manifests/%s", r->repository, fixed);
    static const char *const hdrs[] = {"Accept: " KZ_OCI_MANIFEST_MEDIA_TYPE, NULL};
    kz_http_request req = {.method = "HEAD", .headers = hdrs};
    kz_http_response resp = KZ_HTTP_RESPONSE_INIT;
    err = oci_do(&s, path.data, &req, &resp);
    char *d = NULL;
    if (kz_is_null(&err) && resp.status == 200 && resp.docker_content_digest)
        d = kz_xstrdup(resp.docker_content_digest);
    kz_free(err);
    kz_http_response_free(&resp);
    kz_buf_free(&path);
    free(fixed);
    oci_session_free(&s);
    return d;
}

kz_value kz_oci_resolve(const char *url, const char *version, const kz_oci_opts *opts, char **resolved) {
    *resolved = NULL;
    kz_oci_ref r;
    kz_value err = kz_oci_ref_parse(url, &r);
    if (!kz_is_null(&err)) return err;
    const char *v = version ? version : "";
    if (!*v) {
        v = r.tag;
    } else if (*r.tag && strcmp(r.tag, v) != 0) {
        err = kz_error("chart reference and version mismatch: %s is not %s", v, r.tag);
        goto out;
    }
    kz_buf b = KZ_BUF_INIT;
    if (*r.digest) {
        if (*v) {
            /* the tag must point at the digest, when it exists at all */
            char *d = head_digest(&r, v, opts);
            if (d && strcmp(d, r.digest) != 0) {
                err = kz_error("chart reference digest mismatch: %s is not %s", d, r.digest);
                free(d);
                goto out;
            }
            free(d);
        }
        kz_buf_printf(&b, "%s/%s@%s", r.registry, r.repository, r.digest);
        *resolved = kz_buf_detach(&b, NULL);
        goto out;
    }
    kz_semver sv;
    kz_value perr = *v ? kz_semver_parse(v, strlen(v), &sv) : kz_error("empty");
    if (kz_is_null(&perr)) {
        kz_semver_free(&sv);
        kz_buf_printf(&b, "%s/%s:%s", r.registry, r.repository, v);
        *resolved = kz_buf_detach(&b, NULL);
        goto out;
    }
    kz_free(perr);
    kz_value tags;
    kz_buf repo = KZ_BUF_INIT;
    kz_buf_printf(&repo, "%s/%s", r.registry, r.repository);
    err = kz_oci_tags(repo.data, opts, &tags);
    kz_buf_free(&repo);
    if (!kz_is_null(&err)) goto out;
    if (kz_len(&tags) == 0) {
        err = kz_error("Unable to locate any tags in provided repository: %s", url);
    } else {
        char *tag = kz_oci_match_version(&tags, v, &err);
        if (tag) {
            kz_buf_printf(&b, "%s/%s:%s", r.registry, r.repository, tag);
            *resolved = kz_buf_detach(&b, NULL);
            free(tag);
        }
    }
    kz_free(tags);
out:
    kz_oci_ref_free(&r);
    return err;
}

char *kz_oci_pull_filename(const char *ref) {
    const char *s = kz_oci_is_oci(ref) ? ref + 6 : ref;
    const char *base = strrchr(s, '/');
    base = base ? base + 1 : s;
    char *name = kz_xstrdup(base);
    char *colon = strrchr(name, ':');
    kz_buf b = KZ_BUF_INIT;
    if (colon) {
        *colon = '\0';
        kz_buf_printf(&b, "%s-%s.tgz", name, colon + 1);
    } else {
        kz_buf_printf(&b, "%s.tgz", name);
    }
    free(name);
    return kz_buf_detach(&b, NULL);
}
