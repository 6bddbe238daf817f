/*
 * chartutil.ExpandFile: a chart archive unpacked into DIR/NAME, NAME being
 * the chart's own name. The entries are read under the loader's rules for
 * untrusted archives (kz_chart_archive_files: nothing escapes the chart
 * folder, sizes bounded), so the files written stay inside DIR/NAME.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "chart/chart.h"
#include "core/alloc.h"
#include "core/buf.h"
#include "core/file.h"

static kz_value write_file(const char *path, const char *data, size_t len) {
    char why[128];
    FILE *f = fopen(path, "wb");
    if (!f) return kz_error("open %s: %s", path, kz_errno_text(errno, why, sizeof why));
    bool ok = fwrite(data, 1, len, f) == len;
    int e = errno;
    if (fclose(f) != 0) ok = false;
    return ok ? kz_null() : kz_error("write %s: %s", path, kz_errno_text(e, why, sizeof why));
}

kz_value kz_chart_expand_file(const char *archive, const char *dir) {
    kz_buf data = KZ_BUF_INIT;
    kz_value err = kz_null();
    if (kz_file_read(archive, &data, &err) != 0) return err;
    kz_chart *c = NULL;
    err = kz_chart_load_archive(data.data, data.len, NULL, &c);
    kz_chart_files files = {0};
    if (!kz_error_message(&err)) kz_chart_archive_files(data.data, data.len, NULL, &files, &err);
    for (size_t i = 0; !kz_error_message(&err) && i < files.len; i++) {
        kz_buf b = KZ_BUF_INIT;
        kz_buf_printf(&b, "%s/%s/%s", dir, c->name, files.v[i].name);
        char *path = kz_buf_detach(&b, NULL);
        char *folder = kz_file_dir(path);
        err = kz_file_mkdir_all(folder, 0755);
        free(folder);
        if (!kz_error_message(&err)) err = write_file(path, files.v[i].data, files.v[i].len);
        free(path);
    }
    kz_chart_files_free(&files);
    kz_chart_free(c);
    kz_buf_free(&data);
    return err;
}
