/*
 * Chart archives: Helm's LoadFile, LoadArchive and LoadArchiveFiles (see
 * chart.h). libarchive reads the gzipped tar from memory; nothing is ever
 * written to disk, so an entry's name is only a name: the checks below make
 * sure it names something inside the chart folder.
 */
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "chart/chart.h"
#include "core/alloc.h"
#include "core/buf.h"
#include "core/file.h"
#include "tmpl/fmt.h"

char *kz_chart_path_clean(const char *p) {
    if (!*p) return kz_xstrdup(".");
    bool rooted = p[0] == '/';
    size_t n = strlen(p);
    /* Kept elements as (start, length); ".." pops one unless none is left. */
    size_t (*el)[2] = kz_xmalloc((n / 2 + 2) * sizeof *el);
    size_t nel = 0, dotdot = 0; /* leading ".." elements kept (relative paths) */
    size_t i = 0;
    while (i < n) {
        while (i < n && p[i] == '/') i++;
        size_t s = i;
        while (i < n && p[i] != '/') i++;
        size_t len = i - s;
        if (len == 0 || (len == 1 && p[s] == '.')) continue;
        if (len == 2 && p[s] == '.' && p[s + 1] == '.') {
            if (nel > dotdot) {
                nel--;
                continue;
            }
            if (rooted) continue;
            dotdot++;
        }
        el[nel][0] = s;
        el[nel][1] = len;
        nel++;
    }
    kz_buf b = KZ_BUF_INIT;
    if (rooted) kz_buf_putc(&b, '/');
    for (size_t k = 0; k < nel; k++) {
        if (k) kz_buf_putc(&b, '/');
        kz_buf_append(&b, p + el[k][0], el[k][1]);
    }
    free(el);
    if (b.len == 0) kz_buf_putc(&b, '.');
    return kz_buf_detach(&b, NULL);
}

char *kz_chart_path_abs(const char *p) {
    if (p[0] == '/') return kz_chart_path_clean(p);
    char cwd[4096];
    if (!getcwd(cwd, sizeof cwd)) return kz_chart_path_clean(p);
    kz_buf b = KZ_BUF_INIT;
    kz_buf_printf(&b, "%s/%s", cwd, p);
    char *r = kz_chart_path_clean(kz_buf_cstr(&b));
    kz_buf_free(&b);
    return r;
}

static size_t max_chart(const kz_chart_load_opts *o) {
    return o && o->max_chart_size ? o->max_chart_size : KZ_CHART_MAX_SIZE;
}
static size_t max_file(const kz_chart_load_opts *o) {
    return o && o->max_file_size ? o->max_file_size : KZ_CHART_MAX_FILE_SIZE;
}

/* Go's %q of a name, for messages. */
static kz_value quoted_error(const char *fmt_before, const char *s) {
    kz_buf b = KZ_BUF_INIT;
    kz_buf_puts(&b, fmt_before);
    kz_fmt_quote(&b, s, strlen(s), false);
    kz_value e = kz_error("%s", kz_buf_cstr(&b));
    kz_buf_free(&b);
    return e;
}

/* Check an entry's name and turn it into a chart-relative path (Helm's
 * rules: drop the first element, refuse what leaves the folder). Returns the
 * path, or NULL with *err set. */
static char *entry_path(const char *name, kz_value *err) {
    /* An archive made on Windows may use '\' throughout. */
    char delim = strchr(name, '\\') ? '\\' : '/';
    const char *first = strchr(name, delim);
    char *n = kz_xstrdup(first ? first + 1 : "");
    for (char *q = n; *q; q++) {
        if (*q == delim) *q = '/';
    }
    if (n[0] == '/') {
        free(n);
        *err = kz_error("chart illegally contains absolute paths");
        return NULL;
    }
    char *clean = kz_chart_path_clean(n);
    free(n);
    if (strcmp(clean, ".") == 0) {
        *err = quoted_error("chart illegally contains content outside the base directory: ", name);
    } else if (strncmp(clean, "..", 2) == 0) {
        *err = kz_error("chart illegally references parent directory");
    } else if (((clean[0] >= 'a' && clean[0] <= 'z') || (clean[0] >= 'A' && clean[0] <= 'Z')) &&
               clean[1] == ':' && clean[2] == '/') {
        *err = kz_error("chart contains illegally named files");
    } else if (first ? (size_t)(first - name) == strlen("Chart.yaml") &&
                           strncmp(name, "Chart.yaml", strlen("Chart.yaml")) == 0
                     : strcmp(name, "Chart.yaml") == 0) {
        *err = kz_error("chart yaml not in base directory");
    } else {
        return clean;
    }
    free(clean);
    return NULL;
}

/* What Go's gzip and tar readers say where libarchive fails. */
static kz_value read_error(struct archive *a) {
    const char *m = archive_error_string(a);
    if (!m) m = "";
    if (strstr(m, "runcat") || strstr(m, "remature") || strstr(m, "EOF")) {
        return kz_error("unexpected EOF");
    }
    if (strstr(m, "nrecognized archive format") || strstr(m, "header")) {
        return kz_error("archive/tar: invalid tar header");
    }
    return kz_error("%s", m[0] ? m : "archive read error");
}

int kz_chart_archive_files(const void *data, size_t len, const kz_chart_load_opts *opts,
                           kz_chart_files *files, kz_value *err) {
    const unsigned char *d = data;
    /* gzip.NewReader's own checks, which come before any tar reading. */
    if (len == 0) {
        *err = kz_error("EOF");
        return -1;
    }
    if (len < 10) {
        *err = kz_error("unexpected EOF");
        return -1;
    }
    if (d[0] != 0x1f || d[1] != 0x8b || d[2] != 8) {
        *err = kz_error("gzip: invalid header");
        return -1;
    }
    struct archive *a = archive_read_new();
    archive_read_support_filter_gzip(a);
    archive_read_support_format_tar(a);
    archive_read_support_format_empty(a);
    int rc = 0;
    size_t limit = max_chart(opts), remaining = limit, fmax = max_file(opts);
    if (archive_read_open_memory(a, data, len) != ARCHIVE_OK) {
        *err = read_error(a);
        archive_read_free(a);
        return -1;
    }
    struct archive_entry *e;
    for (;;) {
        int r = archive_read_next_header(a, &e);
        if (r == ARCHIVE_EOF) break;
        if (r != ARCHIVE_OK && r != ARCHIVE_WARN) {
            *err = read_error(a);
            rc = -1;
            break;
        }
        if (archive_entry_filetype(e) == AE_IFDIR) continue;
        const char *name = archive_entry_pathname(e);
        if (!name) name = "";
        char *path = entry_path(name, err);
        if (!path) {
            rc = -1;
            break;
        }
        size_t size = archive_entry_size_is_set(e) && archive_entry_size(e) > 0
                          ? (size_t)archive_entry_size(e)
                          : 0;
        if (size > remaining) {
            *err = kz_error("decompressed chart is larger than the maximum file size %zu", limit);
        } else if (size > fmax) {
            kz_buf b = KZ_BUF_INIT;
            kz_buf_puts(&b, "decompressed chart file ");
            kz_fmt_quote(&b, name, strlen(name), false);
            kz_buf_printf(&b, " is larger than the maximum file size %zu", fmax);
            *err = kz_error("%s", kz_buf_cstr(&b));
            kz_buf_free(&b);
        }
        if (size > remaining || size > fmax) {
            free(path);
            rc = -1;
            break;
        }
        /* Read at most what is left of the budget, whatever the header said. */
        char *buf = kz_xmalloc(size + 1);
        size_t got = 0;
        while (got < size) {
            la_ssize_t k = archive_read_data(a, buf + got, size - got);
            if (k < 0) {
                *err = read_error(a);
                rc = -1;
                break;
            }
            if (k == 0) break;
            got += (size_t)k;
        }
        if (rc == 0 && got < size) {
            *err = kz_error("unexpected EOF");
            rc = -1;
        }
        if (rc < 0) {
            free(buf);
            free(path);
            break;
        }
        remaining -= got;
        if (remaining == 0) {
            *err = kz_error("decompressed chart is larger than the maximum file size %zu", limit);
            free(buf);
            free(path);
            rc = -1;
            break;
        }
        buf[got] = '\0';
        if (got >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0) {
            memmove(buf, buf + 3, got - 2);
            got -= 3;
        }
        kz_chart_files_push(files, path, buf, got);
    }
    archive_read_free(a);
    if (rc == 0 && files->len == 0) {
        *err = kz_error("no files in chart archive");
        rc = -1;
    }
    if (rc < 0) kz_chart_files_free(files);
    return rc;
}

kz_value kz_chart_load_archive(const void *data, size_t len, const kz_chart_load_opts *opts,
                               kz_chart **out) {
    *out = NULL;
    kz_chart_files files = {0};
    kz_value err = kz_invalid();
    if (kz_chart_archive_files(data, len, opts, &files, &err) < 0) return err;
    err = kz_chart_load_files(files.v, files.len, opts, out);
    free(files.v);
    return err;
}

/* A little of Go's http.DetectContentType: enough to name what a non-chart
 * file looks like in Helm's message. */
static const char *content_type(const unsigned char *d, size_t n) {
    static const struct {
        const char *sig;
        size_t len;
        const char *type;
    } sigs[] = {
        {"%PDF-", 5, "application/pdf"},
        {"PK\x03\x04", 4, "application/zip"},
        {"\x89PNG\r\n\x1a\n", 8, "image/png"},
        {"\xff\xd8\xff", 3, "image/jpeg"},
        {"GIF87a", 6, "image/gif"},
        {"GIF89a", 6, "image/gif"},
        {"BZh", 3, "application/x-bzip2"},
        {"\x7f" "ELF", 4, "application/octet-stream"},
        {"\xfe\xff", 2, "text/plain; charset=utf-16be"},
        {"\xff\xfe", 2, "text/plain; charset=utf-16le"},
        {"\xef\xbb\xbf", 3, "text/plain; charset=utf-8"},
    };
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
        if (n >= sigs[i].len && memcmp(d, sigs[i].sig, sigs[i].len) == 0) return sigs[i].type;
    }
    size_t ws = 0;
    while (ws < n && (d[ws] == ' ' || d[ws] == '\t' || d[ws] == '\n' || d[ws] == '\r' ||
                      d[ws] == '\f')) {
        ws++;
    }
    if (n - ws >= 5 && memcmp(d + ws, "<?xml", 5) == 0) return "text/xml; charset=utf-8";
    for (size_t i = 0; i < n; i++) {
        unsigned char c = d[i];
        if (c <= 0x08 || c == 0x0B || (c >= 0x0E && c <= 0x1A) || (c >= 0x1C && c <= 0x1F)) {
            return "application/octet-stream";
        }
    }
    return "text/plain; charset=utf-8";
}

static bool has_suffix(const char *s, const char *suf) {
    size_t n = strlen(s), m = strlen(suf);
    return n >= m && strcmp(s + n - m, suf) == 0;
}

kz_value kz_chart_load_file(const char *path, const kz_chart_load_opts *opts, kz_chart **out) {
    *out = NULL;
    struct stat st;
    if (stat(path, &st) != 0) {
        char msg[128];
        return kz_error("stat %s: %s", path, kz_errno_text(errno, msg, sizeof msg));
    }
    if (S_ISDIR(st.st_mode)) return kz_error("cannot load a directory");
    kz_buf data = KZ_BUF_INIT;
    kz_value err = kz_invalid();
    if (kz_file_read(path, &data, &err) < 0) return err;
    const unsigned char *d = (const unsigned char *)(data.data ? data.data : "");
    /* Helm sniffs a zero-filled 512-byte buffer: short text looks binary. */
    unsigned char head[512] = {0};
    memcpy(head, d, data.len < 512 ? data.len : 512);
    if (!(head[0] == 0x1f && head[1] == 0x8b && head[2] == 8)) {
        kz_value e = has_suffix(path, ".yml") || has_suffix(path, ".yaml")
                         ? kz_error("file '%s' seems to be a YAML file, but expected a gzipped "
                                    "archive",
                                    path)
                         : kz_error("file '%s' does not appear to be a gzipped archive; got '%s'",
                                    path, content_type(head, sizeof head));
        kz_buf_free(&data);
        return e;
    }
    err = kz_chart_load_archive(d, data.len, opts, out);
    kz_buf_free(&data);
    const char *m = kz_error_message(&err);
    if (m && strcmp(m, "gzip: invalid header") == 0) {
        kz_free(err);
        return kz_error("file '%s' does not appear to be a valid chart file (details: gzip: "
                        "invalid header)",
                        path);
    }
    return err;
}
