/* `helm template` as a library call (see template.h). */
#include "chart/template.h"

#include <errno.h>
#include <spawn.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>

#include "chart/chart.h"
#include "chart/deps.h"
#include "chart/helmignore.h"
#include "chart/manifest.h"
#include "chart/objects.h"
#include "chart/render.h"
#include "chart/schema.h"
#include "core/alloc.h"
#include "core/file.h"
#include "funcs/funcs.h"
#include "semver/semver.h"
#include "tmpl/exec.h"
#include "tmpl/set.h"

/* Helm logs with the Go file and line of the call (log.Lshortfile). */
static void warn_deps(void *ctx, const char *go_file, int go_line, const char *msg) {
    kz_buf_printf(ctx, "%s:%d: %s\n", go_file, go_line, msg);
}

static void warn_manifest(void *ctx, const char *msg) { kz_buf_printf(ctx, "manifest_sorter.go:190: %s\n", msg); }

/* ---- output ---- */


/* Every CRD of the chart and its subcharts (Helm's CRDObjects: the chart's
 * own, then each dependency's, depth first), as "---\n# Source: PATH\n" +
 * the file + "\n". */
typedef struct sink sink;
static kz_value sink_doc(sink *k, const char *name, const char *data, size_t len, bool hook, bool crd);

static kz_value print_crds(const kz_chart *c, sink *k) {
    char *full = kz_chart_full_path(c);
    kz_value err = kz_null();
    for (size_t i = 0; i < c->crds.len && kz_is_null(&err); i++) {
        kz_buf path = KZ_BUF_INIT;
        kz_buf_printf(&path, "%s/%s", full, c->crds.v[i].name);
        err = sink_doc(k, kz_buf_cstr(&path), c->crds.v[i].data, c->crds.v[i].len, false, true);
        kz_buf_free(&path);
    }
    free(full);
    for (size_t i = 0; i < c->ndeps && kz_is_null(&err); i++) err = print_crds(c->deps[i], k);
    return err;
}

/* strings.TrimSpace for the ASCII white space a manifest stream can end in. */
static void trim_ascii(const char **s, size_t *n) {
    while (*n && strchr(" \t\r\n\v\f", (*s)[0])) (*s)++, (*n)--;
    while (*n && strchr(" \t\r\n\v\f", (*s)[*n - 1])) (*n)--;
}

static const char *find(const char *hay, size_t n, const char *needle) {
    size_t m = strlen(needle);
    for (size_t i = 0; i + m <= n; i++)
        if (memcmp(hay + i, needle, m) == 0) return hay + i;
    return NULL;
}

/* The template path of a document as helm template's regular expression
 * `# Source: [^/]+/(.+)` finds it: the leftmost "# Source: " followed by at
 * least one byte other than '/' (newlines too) up to a '/', then the rest of
 * that line, which must not be empty. false when nothing matches. */
static bool source_path(const char *doc, size_t len, const char **path, size_t *path_len) {
    const char *end = doc + len;
    for (const char *src = find(doc, len, "# Source: "); src; src = find(src + 1, (size_t)(end - src - 1), "# Source: ")) {
        const char *name = src + 10;
        const char *slash = memchr(name, '/', (size_t)(end - name));
        if (!slash) return false; /* nor after any later "# Source: " */
        if (slash == name || slash + 1 == end || slash[1] == '\n') continue;
        const char *eol = memchr(slash + 1, '\n', (size_t)(end - slash - 1));
        *path = slash + 1;
        *path_len = (size_t)((eol ? eol : end) - *path);
        return true;
    }
    return false;
}

/* --show-only: the documents of the stream whose "# Source: CHART/PATH" PATH
 * matches a pattern (Go's filepath.Match; a malformed pattern matches
 * nothing), pattern by pattern. A pattern that matches nothing fails the
 * whole command before anything is printed (helm collects the documents
 * first), so out is then left as it was. */
static kz_value show_only(const kz_template_opts *o, const kz_buf *stream, kz_buf *out) {
    size_t out_len = out->len;
    size_t *spans = NULL;
    size_t count = kz_manifest_split(stream->data ? stream->data : "", stream->len, &spans);
    kz_value err = kz_null();
    for (size_t f = 0; f < o->n_show_only && kz_is_null(&err); f++) {
        bool missing = true;
        for (size_t i = 0; i < count; i++) {
            const char *doc = stream->data + spans[2 * i], *p;
            size_t len = spans[2 * i + 1], n;
            if (!source_path(doc, len, &p, &n)) continue;
            char *path = kz_xmalloc(n + 1);
            memcpy(path, p, n);
            path[n] = '\0';
            bool match = kz_go_path_match(o->show_only[f], path) == 1;
            free(path);
            if (!match) continue;
            kz_buf_puts(out, "---\n");
            kz_buf_append(out, doc, len);
            kz_buf_putc(out, '\n');
            missing = false;
        }
        if (missing) err = kz_error("could not find template %s in chart", o->show_only[f]);
    }
    if (!kz_is_null(&err) && out->data) out->data[out->len = out_len] = '\0';
    free(spans);
    return err;
}

/* ---- release names ---- */

static bool dns_char(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

/* ^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$: dot-separated
 * labels of lowercase letters, digits and inner dashes. */
static bool valid_release_name(const char *s) {
    size_t n = strlen(s);
    if (n == 0 || n > 53) return false;
    size_t start = 0;
    for (size_t i = 0; i <= n; i++) {
        if (i < n && s[i] != '.') {
            if (!dns_char(s[i]) && s[i] != '-') return false;
            continue;
        }
        if (i == start || !dns_char(s[start]) || !dns_char(s[i - 1])) return false; /* a label */
        start = i + 1;
    }
    return true;
}

kz_value kz_release_name_check(const char *name) {
    if (valid_release_name(name)) return kz_null();
    return kz_error("release name \"%s\": invalid release name, must match regex "
                    "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$ and the length must "
                    "not be longer than 53",
                    name);
}

kz_value kz_release_name_render(const char *tmpl) {
    kz_tmpl_funcs *funcs = kz_funcs_new();
    kz_tmpl_set *set = kz_tmpl_set_new(funcs);
    kz_value err = kz_tmpl_set_add(set, "name-template", tmpl, strlen(tmpl));
    kz_buf out = KZ_BUF_INIT;
    if (kz_is_null(&err)) {
        kz_funcs_ctx ctx;
        kz_funcs_ctx_init(&ctx);
        kz_tmpl_exec_opts eo = {.user = &ctx};
        err = kz_tmpl_execute(set, "name-template", 13, NULL, &eo, &out);
        kz_funcs_ctx_free(&ctx);
    }
    kz_value result = kz_is_null(&err) ? kz_string_n(out.data ? out.data : "", out.len) : kz_copy(&err);
    kz_free(err);
    kz_buf_free(&out);
    kz_tmpl_set_free(set);
    kz_tmpl_funcs_free(funcs);
    return result;
}

/* ---- --output-dir ---- */

/* "OP PATH: errno text", as Go's *PathError prints. */
static kz_value path_error(const char *op, const char *path, int e) {
    char text[128];
    return kz_error("%s %s: %s", op, path, kz_errno_text(e, text, sizeof text));
}

/* Go's os.MkdirAll(path, 0755): an existing directory is fine, an existing
 * file fails as "mkdir PATH: not a directory"; else the parents first,
 * then path itself. Its errors name the deepest folder that failed. */
static kz_value mkdir_all(const char *path) {
    struct stat st;
    if (stat(path, &st) == 0) return S_ISDIR(st.st_mode) ? kz_null() : path_error("mkdir", path, ENOTDIR);
    size_t i = strlen(path), j;
    while (i > 0 && path[i - 1] == '/') i--;
    for (j = i; j > 0 && path[j - 1] != '/'; j--) {}
    if (j > 1) {
        char *parent = kz_xstrdup(path);
        parent[j - 1] = '\0';
        kz_value err = mkdir_all(parent);
        free(parent);
        if (!kz_is_null(&err)) return err;
    }
    if (mkdir(path, 0755) == 0) return kz_null();
    int e = errno;
    if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode)) return kz_null();
    return path_error("mkdir", path, e);
}

/* Helm's ensureDirectoryForFile: the file's folder (path.Dir, so cleaned)
 * is stat'ed first, and any error but "does not exist" is reported as the
 * stat's (a file where a folder should be: "stat DIR: not a directory");
 * then os.MkdirAll. */
static kz_value make_parents(const char *path) {
    const char *slash = strrchr(path, '/');
    kz_buf dir = KZ_BUF_INIT;
    kz_funcs_path_clean(path, slash ? (size_t)(slash - path) : 0, &dir);
    const char *d = kz_buf_cstr(&dir);
    struct stat st;
    kz_value err = kz_null();
    if (stat(d, &st) != 0 && errno != ENOENT) err = path_error("stat", d, errno);
    else err = mkdir_all(d);
    kz_buf_free(&dir);
    return err;
}

/* Helm's writeToFile: "---\n# Source: NAME\nDATA\n" into DIR/NAME, appended when
 * the file was written before; "wrote FILE" on stdout. */
static kz_value write_to_file(const char *dir, const char *name, const char *data, size_t len, bool append,
                              kz_buf *out) {
    kz_buf path = KZ_BUF_INIT;
    kz_buf_printf(&path, "%s/%s", dir, name);
    kz_value err = make_parents(kz_buf_cstr(&path));
    FILE *f = kz_is_null(&err) ? fopen(kz_buf_cstr(&path), append ? "a" : "w") : NULL;
    if (kz_is_null(&err) && !f) err = path_error("open", kz_buf_cstr(&path), errno);
    if (f) {
        kz_buf doc = KZ_BUF_INIT;
        kz_manifest_print(&doc, name, data, len);
        bool ok = fwrite(doc.data, 1, doc.len, f) == doc.len;
        ok = (fclose(f) == 0) && ok;
        kz_buf_free(&doc);
        if (!ok) err = path_error("write", kz_buf_cstr(&path), errno);
        else kz_buf_printf(out, "wrote %s\n", kz_buf_cstr(&path));
    }
    kz_buf_free(&path);
    return err;
}

/* Names already written in this run (Helm's fileWritten map). */
typedef struct written {
    kz_value names; /* MAP name -> true */
} written;

static kz_value write_doc(const char *dir, written *w, const char *name, const char *data, size_t len, bool hook,
                          kz_buf *out) {
    bool append = kz_map_getz(&w->names, name) != NULL;
    if (hook && !append) { /* Helm appends a hook to a file that exists, from any run */
        kz_buf path = KZ_BUF_INIT;
        kz_buf_printf(&path, "%s/%s", dir, name);
        struct stat st;
        append = stat(kz_buf_cstr(&path), &st) == 0;
        kz_buf_free(&path);
    }
    kz_value err = write_to_file(dir, name, data, len, append, out);
    kz_map_setz(&w->names, name, kz_bool(true));
    return err;
}

/* ---- --post-renderer ---- */

/* Go's ProcessState.String() of a failed child: "exit status N", or
 * "signal: NAME" with Go's own signal names (syscall's table, not
 * strsignal's), " (core dumped)" appended when it dumped core. */
static void wait_status_text(int status, kz_buf *out) {
    static const char *const names[] = {
        NULL, "hangup", "interrupt", "quit", "illegal instruction", "trace/breakpoint trap", "aborted",
        "bus error", "floating point exception", "killed", "user defined signal 1", "segmentation fault",
        "user defined signal 2", "broken pipe", "alarm clock", "terminated", "stack fault", "child exited",
        "continued", "stopped (signal)", "stopped", "stopped (tty input)", "stopped (tty output)",
        "urgent I/O condition", "CPU time limit exceeded", "file size limit exceeded", "virtual timer expired",
        "profiling timer expired", "window changed", "I/O possible", "power failure", "bad system call",
    };
    if (WIFEXITED(status)) {
        kz_buf_printf(out, "exit status %d", WEXITSTATUS(status));
        return;
    }
    int sig = WTERMSIG(status);
    if (sig > 0 && (size_t)sig < sizeof names / sizeof *names) kz_buf_printf(out, "signal: %s", names[sig]);
    else kz_buf_printf(out, "signal: signal %d", sig);
    if (status & 0x80) kz_buf_puts(out, " (core dumped)"); /* WCOREDUMP, which strict C17 hides */
}

/* Run the post-renderer with `in` on its stdin; its stdout replaces `in`.
 * Helm's errors: "error while running command PATH. error output:\nSTDERR: exit
 * status N", wrapped as "error while running post render on files: ...". */
static kz_value post_render(const kz_template_opts *o, kz_buf *in) {
    char tmpl_in[] = "/tmp/kz-postrender-in-XXXXXX", tmpl_out[] = "/tmp/kz-postrender-out-XXXXXX",
         tmpl_err[] = "/tmp/kz-postrender-err-XXXXXX";
    int fin = mkstemp(tmpl_in), fout = mkstemp(tmpl_out), ferr = mkstemp(tmpl_err);
    kz_value err = kz_null();
    if (fin < 0 || fout < 0 || ferr < 0) err = kz_error("error while running post render on files: %s", strerror(errno));
    if (kz_is_null(&err) && write(fin, in->data ? in->data : "", in->len) != (ssize_t)in->len)
        err = kz_error("error while running post render on files: %s", strerror(errno));
    if (kz_is_null(&err)) {
        lseek(fin, 0, SEEK_SET);
        posix_spawn_file_actions_t fa;
        posix_spawn_file_actions_init(&fa);
        posix_spawn_file_actions_adddup2(&fa, fin, 0);
        posix_spawn_file_actions_adddup2(&fa, fout, 1);
        posix_spawn_file_actions_adddup2(&fa, ferr, 2);
        char **argv = kz_xcalloc(o->n_post_renderer_args + 2, sizeof *argv);
        argv[0] = (char *)o->post_renderer;
        for (size_t i = 0; i < o->n_post_renderer_args; i++) argv[i + 1] = (char *)o->post_renderer_args[i];
        extern char **environ;
        pid_t pid;
        int rc = posix_spawnp(&pid, o->post_renderer, &fa, NULL, argv, environ);
        posix_spawn_file_actions_destroy(&fa);
        free(argv);
        int status = 0;
        char why[128];
        if (rc != 0) {
            err = kz_error("error while running post render on files: fork/exec %s: %s", o->post_renderer,
                           kz_errno_text(rc, why, sizeof why));
        } else if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
            kz_buf e = KZ_BUF_INIT, st = KZ_BUF_INIT;
            (void)kz_file_read(tmpl_err, &e, NULL);
            wait_status_text(status, &st);
            err = kz_error("error while running post render on files: error while running command %s. error "
                           "output:\n%s: %s",
                           o->post_renderer, kz_buf_cstr(&e), kz_buf_cstr(&st));
            kz_buf_free(&e);
            kz_buf_free(&st);
        } else {
            kz_buf_clear(in);
            if (kz_file_read(tmpl_out, in, &err) != 0) {
                kz_value wrapped = kz_error("error while running post render on files: %s", kz_error_message(&err));
                kz_free(err);
                err = wrapped;
            }
        }
    }
    if (fin >= 0) close(fin), unlink(tmpl_in);
    if (fout >= 0) close(fout), unlink(tmpl_out);
    if (ferr >= 0) close(ferr), unlink(tmpl_err);
    return err;
}

/* ---- the pipeline ---- */

/* Where documents go: the printed stream, or files under --output-dir. */
struct sink {
    const kz_template_opts *o;
    kz_buf *stream; /* printing: the manifest text */
    kz_buf *out;    /* --output-dir: helm's "wrote" lines */
    written w;
    char *dir;      /* --output-dir for manifests and hooks: OUTPUT_DIR/RELEASE with --release-name */
};

static kz_value sink_doc(sink *k, const char *name, const char *data, size_t len, bool hook, bool crd) {
    /* Helm writes CRDs to OUTPUT_DIR even with --release-name */
    if (k->o->output_dir) return write_doc(crd ? k->o->output_dir : k->dir, &k->w, name, data, len, hook, k->out);
    kz_manifest_print(k->stream, name, data, len);
    return kz_null();
}

/* The manifests as helm template prints them: CRDs (with --include-crds) and
 * manifests, through the post-renderer, trimmed, then the hooks. */
static kz_value assemble(const kz_template_opts *o, const kz_chart *chart, const kz_manifests *m, kz_buf *out,
                         bool *after_render) {
    kz_buf manifest = KZ_BUF_INIT, shown = KZ_BUF_INIT;
    /* The stream is the output itself, unless --show-only picks from it or
     * --output-dir writes files (and `out` lists them). Nothing after the
     * post-renderer can fail then, so `out` never holds half a stream. */
    bool direct = !o->n_show_only && !o->output_dir;
    kz_buf *stream = direct ? out : &shown;
    sink k = {.o = o, .stream = &manifest, .out = out, .w = {kz_map()}};
    if (o->output_dir) {
        kz_buf dir = KZ_BUF_INIT, joined = KZ_BUF_INIT;
        kz_buf_puts(&dir, o->output_dir);
        if (o->use_release_name) { /* filepath.Join: cleaned ("out/" + "x" is "out/x") */
            kz_buf_printf(&dir, "/%s", o->release_name);
            kz_funcs_path_clean(dir.data, dir.len, &joined);
        }
        k.dir = kz_xstrdup(kz_buf_cstr(o->use_release_name ? &joined : &dir));
        kz_buf_free(&dir);
        kz_buf_free(&joined);
    }
    size_t total = 0; /* the stream's size, to grow each buffer once */
    for (size_t i = 0; i < m->count; i++) total += strlen(m->items[i].content) + strlen(m->items[i].path) + 16;
    if (!o->output_dir) kz_buf_reserve(&manifest, total);
    if (direct) kz_buf_reserve(out, total);
    kz_value err = o->include_crds ? print_crds(chart, &k) : kz_null();
    for (size_t i = 0; i < m->hooks_from && kz_is_null(&err); i++)
        err = sink_doc(&k, m->items[i].path, m->items[i].content, strlen(m->items[i].content), false, false);
    /* helm runs it with --output-dir too (on nothing: the documents went to
     * files), and prints what it prints */
    if (kz_is_null(&err) && o->post_renderer) err = post_render(o, &manifest);
    if (kz_is_null(&err)) {
        const char *text = manifest.data ? manifest.data : "";
        size_t len = manifest.len;
        trim_ascii(&text, &len);
        kz_buf_append(stream, text, len);
        kz_buf_putc(stream, '\n');
        k.stream = stream;
        /* the rest is helm template's own, after the release was made:
         * its errors (a hook's file, a --show-only miss) come plainly */
        *after_render = false;
    }
    for (size_t i = m->hooks_from; i < m->count && kz_is_null(&err) && !o->no_hooks; i++) {
        if (o->skip_tests && m->items[i].is_test_hook) continue;
        err = sink_doc(&k, m->items[i].path, m->items[i].content, strlen(m->items[i].content), true, false);
    }
    if (kz_is_null(&err) && o->n_show_only) err = show_only(o, &shown, out);
    else if (kz_is_null(&err) && !direct) kz_buf_append(out, shown.data ? shown.data : "", shown.len);
    kz_free(k.w.names);
    free(k.dir);
    kz_buf_free(&manifest);
    kz_buf_free(&shown);
    return err;
}

/* Helm's renderResources first checks the chart's kubeVersion against the
 * cluster's (chartutil.IsCompatibleRange): a constraint that does not parse
 * is as incompatible as one that does not match. */
static kz_value check_kube_version(const kz_chart *chart, const kz_value *caps) {
    const kz_value *want = kz_is_map(&chart->metadata) ? kz_map_getz(&chart->metadata, "kubeVersion") : NULL;
    if (!want || !kz_is_string(want) || kz_str_len(want) == 0) return kz_null();
    const kz_value *kv = kz_map_getz(caps, "KubeVersion");
    const kz_value *have = kv ? kz_map_getz(kv, "Version") : NULL;
    const char *have_s = have && kz_is_string(have) ? kz_str(have) : "";
    kz_semver v;
    kz_semver_constraint *c = NULL;
    kz_value e1 = kz_semver_parse(have_s, strlen(have_s), &v);
    bool ok = kz_is_null(&e1);
    if (ok) {
        kz_value e2 = kz_semver_constraint_parse(kz_str(want), kz_str_len(want), &c);
        ok = kz_is_null(&e2) && kz_semver_constraint_check(c, &v);
        kz_free(e2);
        if (c) kz_semver_constraint_free(c);
        kz_semver_free(&v);
    }
    kz_free(e1);
    if (ok) return kz_null();
    return kz_error("chart requires kubeVersion: %s which is incompatible with Kubernetes %s", kz_str(want), have_s);
}

/* What helm template prints with --debug when the rendered files fail to
 * sort: renderResources's "---\n# Source: PATH\nTEXT\n" of each file that
 * is not blank (in a Go map's order, so helm's varies; here the render
 * order), strings.TrimSpace'd, and a newline. NULL r: no files. */
static void debug_unsorted(const kz_rendered *r, kz_buf *out) {
    kz_buf raw = KZ_BUF_INIT;
    for (size_t i = 0; r && i < r->count; i++) {
        const char *t = r->files[i].text;
        if (t[strspn(t, " \t\r\n\v\f")] == '\0') continue;
        kz_buf_printf(&raw, "---\n# Source: %s\n%s\n", r->files[i].path, t);
    }
    size_t start = 0, end = raw.len;
    while (start < end && strchr(" \t\r\n\v\f", raw.data[start])) start++;
    while (end > start && strchr(" \t\r\n\v\f", raw.data[end - 1])) end--;
    kz_buf_append(out, raw.data ? raw.data + start : "", end - start);
    kz_buf_putc(out, '\n');
    kz_buf_free(&raw);
}

/* The most files a render of the chart gives: its templates and those of
 * every subchart. */
static size_t count_templates(const kz_chart *c) {
    size_t n = c->templates.len;
    for (size_t i = 0; i < c->ndeps; i++) n += count_templates(c->deps[i]);
    return n;
}

static kz_value render_stream(const kz_template_opts *o, kz_chart *chart, const kz_value *values,
                              kz_tmpl_funcs *funcs, kz_buf *out, kz_buf *warnings, bool *after_render) {
    kz_value extra = kz_seq();
    for (size_t i = 0; i < o->n_api_versions; i++) kz_seq_push(&extra, kz_string(o->api_versions[i]));
    kz_value caps = kz_chart_capabilities(o->kube_version, &extra);
    kz_free(extra);
    if (kz_error_message(&caps)) return caps;
    kz_value incompatible = check_kube_version(chart, &caps);
    if (kz_error_message(&incompatible)) {
        kz_free(caps);
        return incompatible;
    }
    kz_render_opts ro = {.release_name = o->release_name,
                         .namespace_ = o->namespace_ && *o->namespace_ ? o->namespace_ : "default",
                         .is_install = !o->is_upgrade, .is_upgrade = o->is_upgrade, .revision = 1,
                         .enable_dns = o->enable_dns,
                         .capabilities = &caps, .funcs = funcs,
                         .reader = kz_manifest_reader_start(count_templates(chart))};
    kz_rendered r;
    kz_value err = kz_chart_render(chart, values, &ro, &r);
    kz_free(caps);
    if (kz_error_message(&err)) {
        kz_manifest_reader_free(ro.reader);
        if (o->debug) debug_unsorted(NULL, out);
        return err;
    }
    /* NOTES.txt files are the release's notes, not manifests */
    size_t keep = 0;
    for (size_t i = 0; i < r.count; i++) {
        if (kz_rendered_is_notes(r.files[i].path)) {
            free((char *)r.files[i].path);
            free((char *)r.files[i].text);
        } else {
            r.files[keep++] = r.files[i];
        }
    }
    r.count = keep;
    kz_manifests m;
    err = kz_manifests_sort(r.files, r.count, ro.reader, &m, warn_manifest, warnings);
    if (kz_error_message(&err) && o->debug) debug_unsorted(&r, out);
    kz_rendered_free(&r);
    kz_manifest_reader_free(ro.reader);
    if (kz_error_message(&err)) return err;
    err = assemble(o, chart, &m, out, after_render);
    kz_manifests_free(&m);
    return err;
}

/* Helm's validateDryRunOptionFlag, after the dependency check. */
static bool allowed_dry_run(const char *v) {
    static const char *const ok[] = {"false", "true", "none", "client", "server"};
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
        if (strcmp(v, ok[i]) == 0) return true;
    return false;
}

/* Helm's checkIfInstallable: only application charts (the default type). */
static kz_value check_installable(const kz_chart *chart) {
    const kz_value *type = kz_is_map(&chart->metadata) ? kz_map_getz(&chart->metadata, "type") : NULL;
    if (!type || !kz_is_string(type) || kz_str_len(type) == 0 || strcmp(kz_str(type), "application") == 0)
        return kz_null();
    return kz_error("%s charts are not installable", kz_str(type));
}

/* kz_chart_template once the chart is loaded, or failed to load (err): the
 * user's values, then the chart, whether it is installable, the deprecation
 * warning, its dependencies, values and schema, and the render. */
static kz_value template_loaded(const kz_template_opts *o, kz_chart *chart, kz_value err, kz_value early,
                                kz_value user, kz_tmpl_funcs *funcs, kz_buf *out, kz_buf *warnings,
                                bool *after_render) {
    if (kz_error_message(&err)) { /* what helm logged before it failed */
        for (size_t i = 0; i < kz_len(&early); i++) {
            kz_buf_puts(warnings, kz_str(kz_seq_at(&early, i)));
            kz_buf_putc(warnings, '\n');
        }
        kz_free(early);
        kz_free(user);
        return err;
    }
    kz_free(early);
    for (size_t i = 0; i < kz_len(&chart->warnings); i++) {
        kz_buf_puts(warnings, kz_str(kz_seq_at(&chart->warnings, i)));
        kz_buf_putc(warnings, '\n');
    }
    err = check_installable(chart);
    if (kz_error_message(&err)) {
        kz_free(user);
        kz_chart_free(chart);
        return err;
    }
    const kz_value *deprecated = kz_is_map(&chart->metadata) ? kz_map_getz(&chart->metadata, "deprecated") : NULL;
    if (deprecated && kz_kind_of(deprecated) == KZ_BOOL && kz_bool_get(deprecated))
        kz_buf_puts(warnings, "WARNING: This chart is deprecated\n");
    err = kz_chart_check_dependencies(chart);
    if (kz_is_null(&err) && o->dry_run && !allowed_dry_run(o->dry_run))
        err = kz_error("Invalid dry-run flag. Flag must one of the following: false, true, none, client, server");
    if (kz_is_null(&err)) err = kz_chart_process_dependencies(chart, &user, true, warn_deps, warnings);
    if (kz_error_message(&err)) {
        kz_free(user);
        kz_chart_free(chart);
        return err;
    }
    kz_value values = kz_chart_coalesce_values(chart, &user, warn_deps, warnings);
    kz_free(user);
    if (kz_is_map(&values) && !o->skip_schema_validation) {
        kz_value bad = kz_chart_validate_schema(chart, &values);
        if (kz_error_message(&bad)) {
            kz_free(values);
            values = bad;
        }
    }
    if (kz_error_message(&values)) {
        kz_chart_free(chart);
        return values;
    }
    *after_render = true;
    err = render_stream(o, chart, &values, funcs, out, warnings, after_render);
    kz_free(values);
    kz_chart_free(chart);
    return err;
}

kz_value kz_chart_template(const kz_template_opts *o, kz_buf *out, kz_buf *warnings, bool *after_render) {
    *after_render = false;
    kz_value bad_name = kz_release_name_check(o->release_name);
    if (kz_error_message(&bad_name)) return bad_name;
    if (o->kube_version) { /* helm checks the flag before anything else */
        kz_value kv = kz_chart_kube_version(o->kube_version);
        if (kz_error_message(&kv)) return kv;
        kz_free(kv);
    }
    struct stat st; /* Helm's LocateChart: a local path that is not there */
    if (stat(o->chart_path, &st) != 0) return kz_error("path \"%s\" not found", o->chart_path);
    /* Helm's runInstall */
    kz_value user = kz_values_user(&o->values);
    if (kz_error_message(&user)) return user;
    kz_chart *chart = NULL;
    kz_value early = kz_seq();
    /* the templates parse on the other cores while values and dependencies
     * are worked out here (chart/ahead.h) */
    kz_tmpl_funcs *funcs = kz_funcs_new();
    kz_chart_load_opts lo = {.failed_warnings = &early, .parse_ahead = funcs};
    kz_value err = kz_chart_load(o->chart_path, &lo, &chart);
    err = template_loaded(o, chart, err, early, user, funcs, out, warnings, after_render);
    kz_tmpl_funcs_free(funcs); /* after the chart: its parses ahead read it */
    return err;
}
