#include "core/file.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

int kz_file_read(const char *path, kz_buf *out, kz_value *err) {
    bool is_stdin = strcmp(path, "-") == 0;
    FILE *fp = is_stdin ? stdin : fopen(path, "rb");
    if (!fp) {
        if (err) *err = kz_error("open %s: %s", path, strerror(errno));
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
        if (err) *err = kz_error("read %s: %s", path, strerror(failed ? failed : EIO));
        return -1;
    }
    return 0;
}
