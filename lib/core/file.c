#include "core/file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/alloc.h"

/* Read fd to its end into out. A regular file is read into a buffer one
 * byte larger than its size, so the first read comes back short and that
 * alone says the end is reached: one read(2) per file instead of stdio's
 * fstat, reads through a 4 KB buffer and a final empty read. */
static int read_fd(int fd, size_t size_hint, bool regular, kz_buf *out) {
    size_t want = regular ? size_hint + 1 : 65536;
    if (regular && out->cap < out->len + want + 1) {
        /* exactly the file: chart files are kept for the whole render */
        out->cap = out->len + want + 1;
        out->data = kz_xrealloc(out->data, out->cap);
    }
    for (;;) {
        kz_buf_reserve(out, want);
        size_t room = out->cap - out->len - 1;
        ssize_t n = read(fd, out->data + out->len, room);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return errno;
        out->len += (size_t)n;
        if (n == 0 || (regular && (size_t)n < room)) return 0;
        want = out->len; /* grew while we read, or a pipe: double */
    }
}

int kz_file_read(const char *path, kz_buf *out, kz_value *err) { return kz_file_read_max(path, SIZE_MAX, out, err); }

int kz_file_read_max(const char *path, size_t max, kz_buf *out, kz_value *err) {
    bool is_stdin = strcmp(path, "-") == 0;
    int fd = is_stdin ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        if (err) {
            char why[128];
            *err = kz_error("open %s: %s", path, kz_errno_text(errno, why, sizeof why));
        }
        return -1;
    }
    size_t start = out->len;
    struct stat st;
    /* Size 0 may be a file the kernel makes up as it is read (/proc). */
    bool regular = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0;
    if (regular && (uint64_t)st.st_size > max) {
        if (!is_stdin) close(fd);
        return -2;
    }
    int failed = read_fd(fd, regular ? (size_t)st.st_size : 0, regular, out);
    if (!is_stdin) close(fd);
    if (out->data) out->data[failed ? start : out->len] = '\0';
    if (failed) {
        out->len = start;
        if (err) {
            char why[128];
            *err = kz_error("read %s: %s", path, kz_errno_text(failed, why, sizeof why));
        }
        return -1;
    }
    return 0;
}

const char *kz_errno_text(int e, char *buf, size_t n) {
    snprintf(buf, n, "%s", strerror(e));
    if (buf[0] >= 'A' && buf[0] <= 'Z' && buf[1] >= 'a' && buf[1] <= 'z') buf[0] = (char)(buf[0] - 'A' + 'a');
    return buf;
}

static kz_value errno_error(const char *op, const char *path, int e) {
    char eb[128];
    return kz_error("%s %s: %s", op, path, kz_errno_text(e, eb, sizeof eb));
}

kz_value kz_file_mkdir_all(const char *dir, unsigned mode) {
    char *p = kz_xstrdup(dir);
    size_t n = strlen(p);
    for (size_t i = 1; i <= n; i++) {
        if (p[i] != '/' && p[i] != '\0') continue;
        char c = p[i];
        p[i] = '\0';
        int e_no = mkdir(p, (mode_t)mode) != 0 ? errno : 0;
        /* a file in the way: Go's os.MkdirAll names it, with ENOTDIR */
        struct stat st;
        if (e_no == EEXIST) e_no = stat(p, &st) == 0 && !S_ISDIR(st.st_mode) ? ENOTDIR : 0;
        if (e_no != 0) {
            kz_value e = errno_error("mkdir", p, e_no);
            free(p);
            return e;
        }
        p[i] = c;
    }
    free(p);
    return kz_null();
}

char *kz_file_dir(const char *path) {
    const char *slash = strrchr(path, '/');
    if (!slash) return kz_xstrdup(".");
    if (slash == path) return kz_xstrdup("/");
    return kz_xstrndup(path, (size_t)(slash - path));
}


/* All of data[0..len) to fd at off: 0, or an errno. */
static int pwrite_all(int fd, const char *data, size_t len, off_t off) {
    size_t done = 0;
    while (done < len) {
        ssize_t w = pwrite(fd, data + done, len - done, off + (off_t)done);
        if (w < 0) {
            if (errno == EINTR) continue;
            return errno;
        }
        done += (size_t)w;
    }
    return 0;
}

kz_value kz_file_atomic_begin(const char *path, unsigned dir_mode, kz_file_atomic *f) {
    f->tmp = NULL;
    f->fd = -1;
    char *dir = kz_file_dir(path);
    kz_value err = kz_file_mkdir_all(dir, dir_mode);
    free(dir);
    if (!kz_is_null(&err)) return err;
    size_t plen = strlen(path);
    char *tp = kz_xmalloc(plen + sizeof ".tmp-XXXXXX");
    memcpy(tp, path, plen);
    memcpy(tp + plen, ".tmp-XXXXXX", sizeof ".tmp-XXXXXX");
    int fd = mkstemp(tp);
    if (fd < 0) {
        err = errno_error("open", tp, errno);
        free(tp);
        return err;
    }
    f->tmp = tp;
    f->fd = fd;
    return kz_null();
}

int kz_file_atomic_pwrite(const kz_file_atomic *f, const void *data, size_t len, unsigned long long off) {
    return pwrite_all(f->fd, data, len, (off_t)off);
}

kz_value kz_file_atomic_commit(kz_file_atomic *f, const char *path, unsigned mode, int write_errno) {
    kz_value err = kz_null();
    if (write_errno) err = errno_error("write", f->tmp, write_errno);
    if (kz_is_null(&err) && fchmod(f->fd, (mode_t)mode) != 0) err = errno_error("chmod", f->tmp, errno);
    if (kz_is_null(&err) && fsync(f->fd) != 0) err = errno_error("sync", f->tmp, errno);
    if (close(f->fd) != 0 && kz_is_null(&err)) err = errno_error("close", f->tmp, errno);
    f->fd = -1;
    if (kz_is_null(&err) && rename(f->tmp, path) != 0) err = errno_error("rename", f->tmp, errno);
    if (!kz_is_null(&err)) unlink(f->tmp);
    free(f->tmp);
    f->tmp = NULL;
    return err;
}

void kz_file_atomic_abort(kz_file_atomic *f) {
    if (f->fd >= 0) close(f->fd);
    if (f->tmp) unlink(f->tmp);
    free(f->tmp);
    f->tmp = NULL;
    f->fd = -1;
}

kz_value kz_file_write_atomic(const char *path, const void *data, size_t len, unsigned mode, unsigned dir_mode) {
    kz_file_atomic f;
    kz_value err = kz_file_atomic_begin(path, dir_mode, &f);
    if (!kz_is_null(&err)) return err;
    return kz_file_atomic_commit(&f, path, mode, kz_file_atomic_pwrite(&f, data, len, 0));
}
