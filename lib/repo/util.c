/* Helpers shared by lib/repo (see repo_internal.h). */
/* flock(2): the lock helm itself takes (gofrs/flock), so hm and helm exclude
 * each other. */
#define _DEFAULT_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/alloc.h"
#include "core/file.h"
#include "core/gotime.h"
#include "json/json.h"
#include "repo/repo_internal.h"
#include "repo/repofile.h"
#include "yaml/emit.h"
#include "yaml/parse_scalar.h"

static bool ascii_equal_fold(const char *a, size_t an, const char *b, size_t bn) {
    if (an != bn) return false;
    for (size_t i = 0; i < an; i++) {
        unsigned char x = (unsigned char)a[i], y = (unsigned char)b[i];
        if (x >= 'A' && x <= 'Z') x = (unsigned char)(x + 32);
        if (y >= 'A' && y <= 'Z') y = (unsigned char)(y + 32);
        if (x != y) return false;
    }
    return true;
}

ptrdiff_t kz_repo_field_index(const char *const *names, size_t n, const char *key, size_t klen) {
    for (size_t i = 0; i < n; i++)
        if (strlen(names[i]) == klen && memcmp(names[i], key, klen) == 0) return (ptrdiff_t)i;
    for (size_t i = 0; i < n; i++)
        if (ascii_equal_fold(names[i], strlen(names[i]), key, klen)) return (ptrdiff_t)i;
    return -1;
}


kz_value kz_repo_json_mismatch(const kz_value *v, const char *sname, const char *path, const char *type) {
    return kz_error("json: cannot unmarshal %s into Go struct field %s.%s of type %s", kz_json_kind(v),
                    sname, path, type);
}

kz_value kz_repo_json_string(const kz_value *v, const char *sname, const char *path, kz_value *out) {
    switch (kz_kind_of(v)) {
    case KZ_NULL: return kz_null();
    case KZ_STRING: *out = kz_copy(v); return kz_null();
    case KZ_BOOL: *out = kz_string(kz_bool_get(v) ? "true" : "false"); return kz_null();
    case KZ_INT: *out = kz_string_fmt("%lld", (long long)kz_int_get(v)); return kz_null();
    case KZ_FLOAT: {
        /* sigs.k8s.io/yaml: an integral float as an integer, others as
         * float32 'g' (as lib/chart's metadata decoding) */
        double f = kz_float_get(v);
        if (f == floor(f) && fabs(f) < 9007199254740992.0) {
            *out = kz_string_fmt("%.0f", f);
        } else {
            kz_buf b = KZ_BUF_INIT;
            kz_yaml_format_float32_g(&b, f);
            *out = kz_string(kz_buf_cstr(&b));
            kz_buf_free(&b);
        }
        return kz_null();
    }
    default: return kz_repo_json_mismatch(v, sname, path, "string");
    }
}

kz_value kz_repo_json_time(const kz_value *v) {
    if (kz_is_null(v)) return kz_null();
    if (!kz_is_string(v)) return kz_error("Time.UnmarshalJSON: input is not a JSON string");
    static const char layout[] = "2006-01-02T15:04:05Z07:00";
    return kz_gotime_parse(layout, sizeof layout - 1, kz_str(v), kz_str_len(v));
}

kz_value kz_repo_time_text(const kz_value *t) {
    if (!kz_is_map(t)) return kz_string("0001-01-01T00:00:00Z");
    kz_buf b = KZ_BUF_INIT;
    kz_gotime_rfc3339nano(t, &b);
    kz_value s = kz_string_n(kz_buf_cstr(&b), b.len);
    kz_buf_free(&b);
    return s;
}

static kz_value errno_error(const char *op, const char *path, int e) {
    char eb[128];
    return kz_error("%s %s: %s", op, path, kz_errno_text(e, eb, sizeof eb));
}


#define LOCK_TIMEOUT_MS 30000
#define LOCK_POLL_MS 50

kz_value kz_repo_lock(const char *path, int *fd) {
    char *lp = kz_repofile_lock_path(path);
    char *dir = kz_file_dir(lp);
    kz_value err = kz_file_mkdir_all(dir, 0755);
    free(dir);
    if (!kz_is_null(&err)) {
        free(lp);
        return err;
    }
    *fd = open(lp, O_CREAT | O_RDWR | O_CLOEXEC, 0600);
    if (*fd < 0) {
        err = errno_error("open", lp, errno);
        free(lp);
        return err;
    }
    /* helm gives up after 30 s (a context deadline); so do we, rather than
     * hang behind a stuck process */
    for (int waited_ms = 0;; waited_ms += LOCK_POLL_MS) {
        if (flock(*fd, LOCK_EX | LOCK_NB) == 0) break;
        if (errno != EWOULDBLOCK && errno != EINTR) {
            err = errno_error("flock", lp, errno);
        } else if (waited_ms >= LOCK_TIMEOUT_MS) {
            err = kz_error("timed out after %d s waiting for the lock %s (is another hm changing the "
                           "repositories?): context deadline exceeded",
                           LOCK_TIMEOUT_MS / 1000, lp);
        } else {
            struct timespec pause = {0, LOCK_POLL_MS * 1000000L};
            nanosleep(&pause, NULL);
            continue;
        }
        close(*fd);
        *fd = -1;
        break;
    }
    free(lp);
    return err;
}

void kz_repo_unlock(int fd) {
    if (fd < 0) return;
    flock(fd, LOCK_UN);
    close(fd);
}

/* Go structs print their fields in declaration order: mappings here are
 * structs built in that order, so they print in insertion order. */
static int json_struct(kz_buf *out, const kz_value *v, kz_value *err) {
    if (kz_is_seq(v)) {
        kz_buf_putc(out, '[');
        for (size_t i = 0; i < kz_len(v); i++) {
            if (i) kz_buf_putc(out, ',');
            if (json_struct(out, kz_seq_at(v, i), err) != 0) return -1;
        }
        kz_buf_putc(out, ']');
        return 0;
    }
    if (kz_is_map(v)) {
        kz_buf_putc(out, '{');
        for (size_t i = 0; i < kz_len(v); i++) {
            if (i) kz_buf_putc(out, ',');
            if (kz_json_emit(out, kz_map_key_at(v, i), NULL, err) != 0) return -1;
            kz_buf_putc(out, ':');
            if (json_struct(out, kz_map_value_at(v, i), err) != 0) return -1;
        }
        kz_buf_putc(out, '}');
        return 0;
    }
    return kz_json_emit(out, v, NULL, err);
}

kz_value kz_repo_encode(const kz_value *v, kz_repo_format format, kz_buf *out) {
    kz_value err = kz_null();
    if (format == KZ_REPO_FORMAT_JSON) {
        if (json_struct(out, v, &err) != 0) return err;
        kz_buf_putc(out, '\n');
        return kz_null();
    }
    if (kz_yaml_emit_checked(out, v, &err) != 0) return err;
    return kz_null();
}
