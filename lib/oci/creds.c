/*
 * The registry config (docker's config.json format, helm's
 * $HELM_REGISTRY_CONFIG) and `helm registry login|logout`.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/alloc.h"
#include "core/base64.h"
#include "core/buf.h"
#include "core/file.h"
#include "json/json.h"
#include "oci/oci_internal.h"

/* The config as a MAP: {} when the file does not exist. */
static kz_value config_read(const char *path, kz_value *doc) {
    *doc = kz_invalid();
    struct stat st;
    if (stat(path, &st) != 0 && errno == ENOENT) {
        *doc = kz_map();
        return kz_null();
    }
    kz_buf b = KZ_BUF_INIT;
    kz_value err = kz_null();
    if (kz_file_read(path, &b, &err) != 0) return err;
    if (b.len == 0) {
        *doc = kz_map();
    } else {
        kz_json_parse_opts po = {.source_name = path};
        *doc = kz_json_parse(b.data, b.len, &po);
        if (!kz_is_valid(doc)) {
            err = kz_error("failed to decode config file at %s: %s", path, kz_error_message(doc) ? kz_error_message(doc) : "invalid JSON");
            kz_free(*doc);
            *doc = kz_invalid();
        } else if (!kz_is_map(doc)) {
            err = kz_error("failed to decode config file at %s: not a JSON object", path);
            kz_free(*doc);
            *doc = kz_invalid();
        }
    }
    kz_buf_free(&b);
    return err;
}

/* Written as docker's configfile.Save: MarshalIndent("", "\t"), no final
 * newline, mode 0600, through a temporary file renamed into place. */
static kz_value config_write(const char *path, const kz_value *doc) {
    /* "auths" first, as docker's ConfigFile struct has it */
    kz_value ordered = kz_map();
    const kz_value *auths = kz_map_getz(doc, "auths");
    kz_map_setz(&ordered, "auths", auths ? kz_copy(auths) : kz_map());
    for (size_t i = 0; i < kz_len(doc); i++) {
        const kz_value *k = kz_map_key_at(doc, i);
        if (kz_str_eqz(k, "auths")) continue;
        kz_map_set(&ordered, kz_copy(k), kz_copy(kz_map_value_at(doc, i)));
    }
    kz_buf out = KZ_BUF_INIT;
    kz_value err = kz_null();
    /* keys inside "auths" are sorted by the emitter (a Go map); the top
     * level keeps our order, so emit it by hand */
    kz_buf_puts(&out, "{");
    for (size_t i = 0; i < kz_len(&ordered); i++) {
        kz_buf_puts(&out, i ? ",\n\t" : "\n\t");
        kz_value key = kz_copy(kz_map_key_at(&ordered, i));
        kz_json_emit(&out, &key, NULL, NULL);
        kz_free(key);
        kz_buf_puts(&out, ": ");
        kz_json_emit_opts inner = {.prefix = "\t", .indent = "\t"};
        if (kz_json_emit(&out, kz_map_value_at(&ordered, i), &inner, &err) != 0) break;
    }
    kz_buf_puts(&out, kz_len(&ordered) ? "\n}" : "}");
    kz_free(ordered);
    if (!kz_is_null(&err)) {
        kz_buf_free(&out);
        return err;
    }
    /* docker keeps its config folder private: 0700 */
    err = kz_file_write_atomic(path, out.data ? out.data : "", out.len, 0600, 0700);
    kz_buf_free(&out);
    return err;
}

/* The auths entry for host: the key itself, or a URL naming it
 * ("https://host/v1/" as docker writes Docker Hub's). */
static const kz_value *auth_entry(const kz_value *auths, const char *host) {
    const kz_value *e = kz_map_getz(auths, host);
    if (e) return e;
    for (size_t i = 0; i < kz_len(auths); i++) {
        const char *k = kz_str(kz_map_key_at(auths, i));
        const char *h = strstr(k, "://");
        if (!h) continue;
        h += 3;
        size_t n = strcspn(h, "/");
        if (n == strlen(host) && strncmp(h, host, n) == 0) return kz_map_value_at(auths, i);
    }
    return NULL;
}

kz_value kz_oci_credentials(const char *config_path, const char *host, char **user, char **pass) {
    *user = *pass = NULL;
    kz_value doc;
    kz_value err = config_read(config_path, &doc);
    if (!kz_is_null(&err)) return err;
    const kz_value *auths = kz_map_getz(&doc, "auths");
    const kz_value *e = auths && kz_is_map(auths) ? auth_entry(auths, host) : NULL;
    if (e && kz_is_map(e)) {
        const kz_value *a = kz_map_getz(e, "auth");
        const kz_value *u = kz_map_getz(e, "username");
        const kz_value *p = kz_map_getz(e, "password");
        if (a && kz_is_string(a) && kz_str_len(a)) {
            kz_buf dec = KZ_BUF_INIT;
            if (!kz_base64_decode(kz_str(a), kz_str_len(a), &dec) || !memchr(dec.data, ':', dec.len)) {
                err = kz_error("invalid auth configuration file: %s: bad \"auth\" for %s", config_path, host);
            } else {
                kz_buf_putc(&dec, '\0');
                char *colon = strchr(dec.data, ':');
                *user = kz_xstrndup(dec.data, (size_t)(colon - dec.data));
                *pass = kz_xstrdup(colon + 1);
            }
            kz_buf_free(&dec);
        } else if (u && kz_is_string(u) && kz_str_len(u)) {
            *user = kz_xstrdup(kz_str(u));
            *pass = kz_xstrdup(p && kz_is_string(p) ? kz_str(p) : "");
        }
    }
    kz_free(doc);
    return err;
}

kz_value kz_oci_login(const char *host, const char *config_path, const kz_oci_opts *opts, kz_buf *log) {
    if (!opts || !opts->username || !*opts->username) return kz_error("username is required");
    oci_session s;
    kz_value err = oci_session_init(&s, host, opts, OCI_DOCKER);
    if (!kz_is_null(&err)) return err;
    /* docker's login: ping /v2/, answer the challenge, expect 200 */
    kz_http_request req = {.method = "GET"};
    kz_http_response resp = KZ_HTTP_RESPONSE_INIT;
    err = oci_do(&s, "/v2/", &req, &resp);
    if (kz_is_null(&err) && resp.status == 401 && s.auth_fail == OCI_AUTH_TOKEN) {
        err = kz_error("%s", s.token_error);
    } else if (kz_is_null(&err) && resp.status != 200) {
        char *url = oci_url(&s, "/v2/");
        err = kz_error("login attempt to %s failed with status: %ld %s", url, resp.status,
                       kz_http_status_text(resp.status));
        free(url);
    }
    kz_http_response_free(&resp);
    oci_session_free(&s);
    if (!kz_is_null(&err)) return err;

    kz_value doc;
    err = config_read(config_path, &doc);
    if (!kz_is_null(&err)) return err;
    kz_buf cred = KZ_BUF_INIT, b64 = KZ_BUF_INIT;
    kz_buf_printf(&cred, "%s:%s", opts->username, opts->password ? opts->password : "");
    kz_base64_encode(cred.data, cred.len, &b64);
    kz_value entry = kz_map();
    kz_map_setz(&entry, "auth", kz_string(b64.data));
    kz_value *auths = kz_map_get_mut(&doc, "auths", 5);
    if (!auths || !kz_is_map(auths)) {
        kz_map_setz(&doc, "auths", kz_map());
        auths = kz_map_get_mut(&doc, "auths", 5);
    }
    kz_map_setz(auths, host, entry);
    err = config_write(config_path, &doc);
    kz_free(doc);
    kz_buf_free(&cred);
    kz_buf_free(&b64);
    if (kz_is_null(&err) && log) kz_buf_puts(log, "Login Succeeded\n");
    return err;
}

kz_value kz_oci_logout(const char *host, const char *config_path, kz_buf *log) {
    kz_value doc;
    kz_value err = config_read(config_path, &doc);
    if (!kz_is_null(&err)) return err;
    kz_value *auths = kz_map_get_mut(&doc, "auths", 5);
    if (!auths || !kz_is_map(auths) || !kz_map_remove(auths, host, strlen(host))) {
        kz_free(doc);
        return kz_error("not logged in");
    }
    err = config_write(config_path, &doc);
    kz_free(doc);
    if (kz_is_null(&err) && log) kz_buf_printf(log, "Removing login credentials for %s\n", host);
    return err;
}
