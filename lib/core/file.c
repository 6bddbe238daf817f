#include "core/file.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

int kz_file_read(const char *path, kz_buf *out, kz_value *err) {
    bool is_stdin = strcmp(path, "-") == 0;
    FILE *fp = is_stdin ? stdin : fopen(path, "rb");
    if (!fp) {
        if (err) {
            char why[128];
            *err = kz_error("open %s: %s", path, kz_errno_text(errno, why, sizeof why));
        }
        return -1;
    }
    size_t start = out->len;
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, fp)) > 0) kz_buf_append(out, chunk, n);
    int failed = ferror(fp) ? errno : 0;
    if (!is_stdin) fclose(fp);
    if (failed) {
        out->len = start;
        if (out->data) out->data[start] = '\0';
        if (err) {
            char why[128];
            *err = kz_error("read %s: %s", path, kz_errno_text(failed ? failed : EIO, why, sizeof why));
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
