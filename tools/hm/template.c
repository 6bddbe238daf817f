/*
 * hm template: render a chart locally and print the manifests, as
 * `helm template` does. The work is lib/chart/template.h's; this maps flags
 * to its options and prints.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "chart/template.h"
#include "core/file.h"
#include "core/gotime.h"
#include "funcs/funcs.h"
#include "hm.h"
#include "repo/fetch.h"
#include "tmpl/fmt.h"

/* Helm's Install.NameAndChart, after `helm template` has preset the release
 * name to "release-name": NAME CHART (refused with --generate-name or a
 * --name-template), or CHART alone, named by --name-template or else
 * "release-name" (--generate-name then changes nothing). The name goes to
 * *name (owned by *templated when rendered); 0, or the exit code. */
static int name_and_chart(kz_cli_ctx *ctx, const char **name, const char **chart, kz_value *templated) {
    if (ctx->argc > 2) {
        kz_buf extra = KZ_BUF_INIT;
        for (size_t i = 2; i < ctx->argc; i++) {
            if (i > 2) kz_buf_puts(&extra, ", ");
            kz_buf_puts(&extra, ctx->argv[i]);
        }
        int code = kz_cli_fail(ctx, "expected at most two arguments, unexpected arguments: %s", kz_buf_cstr(&extra));
        kz_buf_free(&extra);
        return code;
    }
    const char *name_template = kz_cli_flag_string(ctx, "name-template");
    bool has_template = name_template && *name_template;
    if (ctx->argc == 2) {
        if (kz_cli_flag_bool(ctx, "generate-name"))
            return kz_cli_fail(ctx, "cannot set --generate-name and also specify a name");
        if (has_template) return kz_cli_fail(ctx, "cannot set --name-template and also specify a name");
        *name = ctx->argv[0];
        *chart = ctx->argv[1];
        return 0;
    }
    *chart = ctx->argv[0];
    *name = "release-name";
    if (has_template) {
        *templated = kz_release_name_render(name_template);
        if (kz_error_message(templated)) return kz_cli_fail(ctx, "%s", kz_error_message(templated));
        *name = kz_str(templated);
    }
    return 0;
}

/* The checks pflag makes of the install flags helm template accepts but
 * has no use for (--timeout is a duration, --labels key=value pairs). 0, or
 * the exit code. */
static int check_install_flags(kz_cli_ctx *ctx) {
    if (kz_cli_flag_changed(ctx, "timeout")) {
        const char *t = kz_cli_flag_string(ctx, "timeout");
        int64_t d;
        kz_buf why = KZ_BUF_INIT;
        if (!kz_goduration_parse(t, strlen(t), &d, &why)) {
            int code = kz_cli_fail(ctx, "invalid argument \"%s\" for \"--timeout\" flag: %s", t, kz_buf_cstr(&why));
            kz_buf_free(&why);
            return code;
        }
        kz_buf_free(&why);
    }
    size_t n = 0;
    const char **labels = hm_flag_strings(ctx, "labels", &n);
    for (size_t i = 0; i < n; i++) { /* pflag's stringToString: one "=" is one pair, more a CSV list */
        const char *bad = strchr(labels[i], '=') ? NULL : labels[i];
        size_t bad_len = bad ? strlen(bad) : 0;
        const char *second = bad ? NULL : strchr(strchr(labels[i], '=') + 1, '=');
        for (const char *p = labels[i]; second && !bad && *p;) {
            size_t len = strcspn(p, ",");
            if (!memchr(p, '=', len)) bad = p, bad_len = len;
            p += len + (p[len] == ',');
        }
        if (bad) {
            int code = kz_cli_fail(ctx,
                                   "invalid argument \"%s\" for \"-l, --labels\" flag: %.*s must be formatted as "
                                   "key=value",
                                   labels[i], (int)bad_len, bad);
            free(labels);
            return code;
        }
    }
    free(labels);
    return 0;
}

/* Go's findExecutable: 0 when FILE may be run, else the errno that says why;
 * a failed stat also sets *stat_failed (Go words that one "stat FILE: ..."). */
static int executable_errno(const char *file, bool *stat_failed) {
    struct stat st;
    *stat_failed = false;
    if (stat(file, &st) != 0) {
        *stat_failed = true;
        return errno;
    }
    if (S_ISDIR(st.st_mode)) return EISDIR;
    if (access(file, X_OK) == 0) return 0;
    return errno == ENOSYS || errno == EPERM ? ((st.st_mode & 0111) ? 0 : EACCES) : errno;
}

/* exec.Error's start: `exec: "FILE": `. */
static void exec_error(kz_buf *why, const char *file) {
    kz_buf_puts(why, "exec: ");
    kz_fmt_quote(why, file, strlen(file), false);
    kz_buf_puts(why, ": ");
}

/* Go's exec.LookPath, which helm runs as it parses --post-renderer: a FILE
 * with a slash is checked as it is, another searched for in $PATH. true when
 * found, with what was found in *found (a $PATH entry joined to FILE), else
 * *why holds exec.Error's text ("exec: \"x\": ..."). */
static bool look_path(const char *file, kz_buf *found, kz_buf *why) {
    char eb[128];
    bool stat_failed;
    if (strchr(file, '/')) {
        int e = executable_errno(file, &stat_failed);
        if (e == 0) kz_buf_puts(found, file);
        if (e == 0) return true;
        exec_error(why, file);
        if (stat_failed) kz_buf_printf(why, "stat %s: ", file);
        kz_buf_puts(why, kz_errno_text(e, eb, sizeof eb));
        return false;
    }
    const char *path = getenv("PATH");
    for (const char *dir = path; path && *path;) { /* filepath.SplitList: "" has no entries */
        size_t len = strcspn(dir, ":");
        kz_buf cand = KZ_BUF_INIT;
        kz_buf_printf(&cand, "%.*s/%s", (int)(len ? len : 1), len ? dir : ".", file);
        bool ok = executable_errno(kz_buf_cstr(&cand), &stat_failed) == 0;
        bool relative = kz_buf_cstr(&cand)[0] != '/';
        if (ok && !relative) kz_buf_puts(found, kz_buf_cstr(&cand));
        kz_buf_free(&cand);
        if (ok) {
            if (!relative) return true;
            /* Go refuses what only a relative $PATH entry finds (exec.ErrDot) */
            exec_error(why, file);
            kz_buf_puts(why, "cannot run executable found relative to current directory");
            return false;
        }
        if (!dir[len]) break;
        dir += len + 1;
    }
    exec_error(why, file);
    kz_buf_puts(why, "executable file not found in $PATH");
    return false;
}

static void abs_path(const char *path, kz_buf *out);

/* --post-renderer as helm parses it: each non-empty use must name an
 * executable (else the flag is refused), the last one is run, an empty one
 * changes nothing. What is run, and named in its errors, is the absolute
 * path of what exec.LookPath found (helm keeps filepath.Abs of it). 0 with
 * the path in *binary (empty: none), or the exit code. */
static int post_renderer_flag(kz_cli_ctx *ctx, kz_buf *binary) {
    size_t n = 0;
    const char **uses = hm_flag_strings(ctx, "post-renderer", &n);
    int code = 0;
    for (size_t i = 0; i < n && !code; i++) {
        if (!*uses[i]) continue;
        kz_buf why = KZ_BUF_INIT, found = KZ_BUF_INIT;
        kz_buf_clear(binary);
        if (look_path(uses[i], &found, &why))
            abs_path(kz_buf_cstr(&found), binary);
        else
            code = kz_cli_fail(ctx, "invalid argument \"%s\" for \"--post-renderer\" flag: unable to find binary at %s: %s",
                               uses[i], uses[i], kz_buf_cstr(&why));
        kz_buf_free(&why);
        kz_buf_free(&found);
    }
    free(uses);
    return code;
}

/* --debug, whose default is strconv.ParseBool($HELM_DEBUG). */
static bool debug_on(kz_cli_ctx *ctx) {
    if (kz_cli_flag_changed(ctx, "debug")) return kz_cli_flag_bool(ctx, "debug");
    const char *e = getenv("HELM_DEBUG");
    static const char *const yes[] = {"1", "t", "T", "TRUE", "true", "True"};
    for (size_t i = 0; e && i < sizeof yes / sizeof *yes; i++)
        if (strcmp(e, yes[i]) == 0) return true;
    return false;
}

/* filepath.Abs: joined to the working directory and cleaned. */
static void abs_path(const char *path, kz_buf *out) {
    kz_buf joined = KZ_BUF_INIT;
    char cwd[4096];
    if (path[0] != '/' && getcwd(cwd, sizeof cwd)) kz_buf_printf(&joined, "%s/", cwd);
    kz_buf_puts(&joined, path);
    kz_funcs_path_clean(joined.data, joined.len, out);
    kz_buf_free(&joined);
}

/* helm's debug(): "FILE:LINE: <time.Now()> [debug] MESSAGE\n" on stderr (a
 * MESSAGE ending in a newline leaves a blank line, as log.Output adds none) */
static void debug_line(kz_cli_ctx *ctx, const char *where, const char *msg) {
    kz_value now = kz_gotime_now();
    kz_buf_printf(ctx->err, "%s: ", where);
    kz_gotime_string(&now, ctx->err);
    kz_buf_printf(ctx->err, " [debug] %s\n", msg);
    kz_free(now);
}

/* runInstall's first debug line, before it locates the chart: the --version
 * asked for. */
static void debug_version(kz_cli_ctx *ctx) {
    kz_buf msg = KZ_BUF_INIT;
    kz_buf_puts(&msg, "Original chart version: ");
    const char *v = kz_cli_flag_string(ctx, "version");
    kz_fmt_quote(&msg, v, strlen(v), false);
    debug_line(ctx, "install.go:225", kz_buf_cstr(&msg));
    kz_buf_free(&msg);
}

/* runInstall's second, once the chart is located: its absolute path. */
static void debug_chart_path(kz_cli_ctx *ctx, const char *chart) { /* (a download: its file) */
    kz_buf msg = KZ_BUF_INIT;
    kz_buf_puts(&msg, "CHART PATH: ");
    abs_path(chart, &msg);
    kz_buf_putc(&msg, '\n');
    debug_line(ctx, "install.go:242", kz_buf_cstr(&msg));
    kz_buf_free(&msg);
}

#define HM_NO_VERIFY "--verify: hm does not check OpenPGP signatures (provenance files) yet"

/* --verify of a local chart, as helm's LocateChart and VerifyChart check it,
 * up to the signature, which hm can't check (OpenPGP): so with a keyring
 * there it refuses rather than skip the check. 0, or the exit code of the
 * error printed. */
static int verify_chart(kz_cli_ctx *ctx, const char *chart) {
    struct stat st;
    if (stat(chart, &st) != 0) return 0; /* not there: the usual error follows */
    if (S_ISDIR(st.st_mode)) return kz_cli_fail(ctx, "unpacked charts cannot be verified");
    kz_buf abs = KZ_BUF_INIT, prov = KZ_BUF_INIT, keyring = KZ_BUF_INIT;
    abs_path(chart, &abs);
    const char *base = strrchr(kz_buf_cstr(&abs), '/');
    const char *ext = strrchr(base ? base : kz_buf_cstr(&abs), '.');
    int code = 0;
    char why[128];
    if (!ext || strcasecmp(ext, ".tgz") != 0) code = kz_cli_fail(ctx, "chart must be a tgz file"); /* IsTar */
    kz_buf_printf(&prov, "%s.prov", kz_buf_cstr(&abs));
    if (!code && stat(kz_buf_cstr(&prov), &st) != 0)
        code = kz_cli_fail(ctx, "could not load provenance file %s: stat %s: %s", kz_buf_cstr(&prov),
                           kz_buf_cstr(&prov), kz_errno_text(errno, why, sizeof why));
    /* --keyring's default is $GNUPGHOME/pubring.gpg, else ~/.gnupg/pubring.gpg */
    if (kz_cli_flag_changed(ctx, "keyring")) kz_buf_puts(&keyring, kz_cli_flag_string(ctx, "keyring"));
    else if (getenv("GNUPGHOME")) /* set, even empty: filepath.Join */
        kz_buf_printf(&keyring, "%s%spubring.gpg", getenv("GNUPGHOME"), *getenv("GNUPGHOME") ? "/" : "");
    else kz_buf_printf(&keyring, "%s/.gnupg/pubring.gpg", getenv("HOME") ? getenv("HOME") : "");
    FILE *k = code ? NULL : fopen(kz_buf_cstr(&keyring), "rb");
    if (!code && !k)
        code = kz_cli_fail(ctx, "failed to load keyring: open %s: %s", kz_buf_cstr(&keyring),
                           kz_errno_text(errno, why, sizeof why));
    if (k) {
        fclose(k);
        code = kz_cli_fail(ctx, HM_NO_VERIFY);
    }
    kz_buf_free(&abs), kz_buf_free(&prov), kz_buf_free(&keyring);
    return code;
}

static int template_with(kz_cli_ctx *ctx, kz_template_opts o);

static int run_template(kz_cli_ctx *ctx) {
    kz_template_opts o = {0};
    kz_buf post_renderer = KZ_BUF_INIT; /* its absolute path */
    int code = check_install_flags(ctx);
    if (!code) code = post_renderer_flag(ctx, &post_renderer);
    o.post_renderer = post_renderer.len ? kz_buf_cstr(&post_renderer) : NULL;
    if (!code) code = template_with(ctx, o);
    kz_buf_free(&post_renderer);
    return code;
}

/* The rest of run_template, once the flags checked first are good. */
static int template_with(kz_cli_ctx *ctx, kz_template_opts o) {
    const char *chart = NULL;
    kz_value templated = kz_null();
    int failed = name_and_chart(ctx, &o.release_name, &chart, &templated);
    if (failed) {
        kz_free(templated);
        return failed;
    }
    o.chart_path = chart;
    bool debug = debug_on(ctx);
    if (debug) debug_version(ctx);
    bool verify = kz_cli_flag_bool(ctx, "verify");
    if (verify && !kz_chart_ref_is_remote(chart)) {
        failed = verify_chart(ctx, chart);
        if (failed) {
            kz_free(templated);
            return failed;
        }
    }
    if (debug && !kz_chart_ref_is_remote(chart)) debug_chart_path(ctx, chart);
    char *fetched = NULL;
    if (kz_chart_ref_is_remote(chart)) { /* REPO/CHART, --repo, a URL: download it first */
        hm_paths paths;
        hm_paths_get(ctx, &paths);
        kz_chart_fetch_opts fo;
        hm_fetch_opts(ctx, &paths, &fo);
        kz_value ferr = kz_chart_locate_or_fetch(chart, &fo, &fetched);
        hm_paths_free(&paths);
        if (kz_error_message(&ferr)) {
            kz_free(templated);
            return hm_fail_value(ctx, ferr);
        }
        o.chart_path = fetched;
        if (verify) { /* the downloaded chart's signature: not checked yet */
            free(fetched);
            kz_free(templated);
            return kz_cli_fail(ctx, HM_NO_VERIFY);
        }
        if (debug) debug_chart_path(ctx, fetched); /* hm's cache, where helm names its own */
    }
    char ns_buf[256];
    o.namespace_ = hm_release_namespace(ctx, ns_buf, sizeof ns_buf);
    hm_values_options(ctx, &o.values);
    const char **show = hm_flag_strings(ctx, "show-only", &o.n_show_only);
    const char **apis = hm_flag_strings(ctx, "api-versions", &o.n_api_versions);
    o.show_only = show, o.api_versions = apis;
    /* helm parses the flag only when it is not empty: --kube-version "" is the default */
    const char *kube_version = kz_cli_flag_string(ctx, "kube-version");
    o.kube_version = kz_cli_flag_changed(ctx, "kube-version") && kube_version && *kube_version ? kube_version : NULL;
    o.include_crds = kz_cli_flag_bool(ctx, "include-crds");
    o.skip_tests = kz_cli_flag_bool(ctx, "skip-tests");
    o.no_hooks = kz_cli_flag_bool(ctx, "no-hooks");
    o.is_upgrade = kz_cli_flag_bool(ctx, "is-upgrade");
    o.skip_schema_validation = kz_cli_flag_bool(ctx, "skip-schema-validation");
    o.enable_dns = kz_cli_flag_bool(ctx, "enable-dns");
    o.debug = debug;
    /* an empty --output-dir prints, as none does; --release-name puts the
     * manifests and hooks under DIR/NAME (CRDs stay in DIR) */
    const char *output_dir = kz_cli_flag_string(ctx, "output-dir");
    o.output_dir = output_dir && *output_dir ? output_dir : NULL;
    o.use_release_name = kz_cli_flag_bool(ctx, "release-name");
    /* checked by the library after the dependency check, as Helm does */
    o.dry_run = kz_cli_flag_changed(ctx, "dry-run") ? kz_cli_flag_string(ctx, "dry-run") : NULL;
    const char **pr_args = hm_flag_strings(ctx, "post-renderer-args", &o.n_post_renderer_args);
    o.post_renderer_args = pr_args;
    bool after_render = false;
    kz_value err = kz_chart_template(&o, ctx->out, ctx->err, &after_render);
    int code = 0;
    if (kz_error_message(&err)) { /* (with --debug, helm prints its stack trace instead of the hint) */
        code = after_render && !debug
                   ? kz_cli_fail(ctx, "%s\n\nUse --debug flag to render out invalid YAML", kz_error_message(&err))
                   : kz_cli_fail(ctx, "%s", kz_error_message(&err));
    }
    kz_free(err);
    kz_free(templated);
    free(fetched);
    free(pr_args);
    hm_values_options_free(&o.values);
    free(show), free(apis);
    return code;
}

static const kz_flag_def template_flags[] = {
    HM_VALUES_FLAGS,
    HM_CHART_REF_FLAGS,
    {.name = "show-only", .shorthand = 's', .type = KZ_FLAG_STRING_ARRAY,
     .usage = "print only the manifests of these templates (glob patterns, can repeat)"},
    {.name = "include-crds", .type = KZ_FLAG_BOOL, .usage = "print the chart's CRDs first"},
    {.name = "skip-crds", .type = KZ_FLAG_BOOL, .usage = "leave CRDs out (the default unless --include-crds)"},
    {.name = "skip-tests", .type = KZ_FLAG_BOOL, .usage = "leave test hooks out"},
    {.name = "no-hooks", .type = KZ_FLAG_BOOL, .usage = "leave all hooks out"},
    {.name = "render-subchart-notes", .type = KZ_FLAG_BOOL,
     .usage = "render subcharts' NOTES.txt too (accepted as helm accepts it: template prints no notes)"},
    {.name = "skip-schema-validation", .type = KZ_FLAG_BOOL, .usage = "do not check values against values.schema.json"},
    {.name = "is-upgrade", .type = KZ_FLAG_BOOL, .usage = "set .Release.IsUpgrade instead of .Release.IsInstall"},
    {.name = "kube-version", .type = KZ_FLAG_STRING, .usage = "Kubernetes version for .Capabilities.KubeVersion"},
    {.name = "api-versions", .shorthand = 'a', .type = KZ_FLAG_STRING_SLICE,
     .usage = "extra API versions for .Capabilities.APIVersions"},
    {.name = "generate-name", .shorthand = 'g', .type = KZ_FLAG_BOOL, .usage = "make up the release name"},
    {.name = "name-template", .type = KZ_FLAG_STRING, .usage = "a template (Sprig functions) whose output is the release name"},
    {.name = "output-dir", .type = KZ_FLAG_STRING, .usage = "write each template's documents into files under this folder"},
    {.name = "release-name", .type = KZ_FLAG_BOOL, .usage = "with --output-dir, write under DIR/NAME"},
    /* install's flags, which helm template takes; none changes what it prints */
    {.name = "atomic", .type = KZ_FLAG_BOOL, .usage = "accepted as helm accepts it (nothing is installed)"},
    {.name = "create-namespace", .type = KZ_FLAG_BOOL, .usage = "accepted as helm accepts it (nothing is installed)"},
    {.name = "dependency-update", .type = KZ_FLAG_BOOL,
     .usage = "accepted as helm accepts it (missing dependencies are still an error)"},
    {.name = "description", .type = KZ_FLAG_STRING, .usage = "accepted as helm accepts it (no release is stored)"},
    {.name = "disable-openapi-validation", .type = KZ_FLAG_BOOL, .usage = "accepted as helm accepts it"},
    {.name = "dry-run", .type = KZ_FLAG_STRING, .no_opt_default = "client",
     .usage = "false, true, none, client or server: accepted as helm accepts it (template always renders locally)"},
    {.name = "enable-dns", .type = KZ_FLAG_BOOL, .usage = "let getHostByName resolve names"},
    {.name = "force", .type = KZ_FLAG_BOOL, .usage = "accepted as helm accepts it (nothing is installed)"},
    {.name = "hide-notes", .type = KZ_FLAG_BOOL, .usage = "accepted as helm accepts it (template prints no notes)"},
    {.name = "keyring", .type = KZ_FLAG_STRING, .def = "~/.gnupg/pubring.gpg", .usage = "the public keys --verify checks with"},
    {.name = "verify", .type = KZ_FLAG_BOOL,
     .usage = "check the chart's provenance file (up to the signature, which is not checked yet)"},
    {.name = "labels", .shorthand = 'l', .type = KZ_FLAG_STRING_ARRAY, .varname = "stringToString",
     .usage = "KEY=VALUE labels for the release: accepted as helm accepts them (no release is stored)"},
    {.name = "replace", .type = KZ_FLAG_BOOL, .usage = "accepted as helm accepts it (nothing is installed)"},
    {.name = "take-ownership", .type = KZ_FLAG_BOOL, .usage = "accepted as helm accepts it (nothing is installed)"},
    {.name = "timeout", .type = KZ_FLAG_STRING, .def = "5m0s", .varname = "duration",
     .usage = "accepted as helm accepts it (nothing waits)"},
    {.name = "wait", .type = KZ_FLAG_BOOL, .usage = "accepted as helm accepts it (nothing waits)"},
    {.name = "wait-for-jobs", .type = KZ_FLAG_BOOL, .usage = "accepted as helm accepts it (nothing waits)"},
    {.name = "post-renderer", .type = KZ_FLAG_STRING_ARRAY, .varname = "postRendererString",
     .usage = "an executable that receives the manifests on stdin and prints what to keep"},
    {.name = "post-renderer-args", .type = KZ_FLAG_STRING_ARRAY, .usage = "an argument for the post-renderer (can repeat)"},
    {0},
};

const kz_cmd hm_template_cmd = {
    .use = "template [NAME] [CHART]",
    .short_desc = "render a chart's templates locally and print them",
    .long_desc = "Render a chart locally and print the resulting manifests, exactly as\n"
                 "`helm template` prints them: values from the chart, -f files and --set\n"
                 "flags, every template of the chart and its enabled subcharts, documents\n"
                 "sorted in Helm's install order with hooks last.\n",
    .example = "  hm template metallb ./metallb --namespace metallb-system --set configmap.ipRange=192.168.1.11-192.168.1.29",
    .flags = template_flags,
    .args = {KZ_ARGS_MIN, 1, 0},
    .run = run_template,
    .stderr_first = true,
};
