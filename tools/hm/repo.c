/*
 * hm repo add|list|update|remove|index: chart repositories, as `helm repo`
 * manages them. The rules and formats are lib/repo's; downloads lib/http's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "hm.h"
#include "repo/fetch.h"
#include "repo/index.h"
#include "repo/repofile.h"

int hm_output_format(kz_cli_ctx *ctx, kz_repo_format *format) {
    const char *s = kz_cli_flag_string(ctx, "output");
    if (strcmp(s, "table") == 0) *format = KZ_REPO_FORMAT_TABLE;
    else if (strcmp(s, "json") == 0) *format = KZ_REPO_FORMAT_JSON;
    else if (strcmp(s, "yaml") == 0) *format = KZ_REPO_FORMAT_YAML;
    else return kz_cli_fail(ctx, "invalid argument \"%s\" for \"-o, --output\" flag: invalid format type", s);
    return 0;
}

/* Print an error value (consumed) the tool's way; 0 when it is not one. */
int hm_fail_value(kz_cli_ctx *ctx, kz_value err) {
    int code = kz_error_message(&err) ? kz_cli_fail(ctx, "%s", kz_error_message(&err)) : 0;
    kz_free(err);
    return code;
}

/* ---- add ---- */

typedef struct add_job {
    kz_repo_entry entry;
    bool force_update;
    const char *cache_dir;
    bool skipped;
    kz_buf warnings;
} add_job;

/* Under the lock: decide, fetch the index, record the entry. */
static kz_value add_locked(kz_repofile *f, void *data, bool *changed) {
    add_job *job = data;
    kz_repo_add_action action;
    kz_value err = kz_repo_add_decide(f, &job->entry, job->force_update, &action);
    if (kz_error_message(&err)) return err;
    if (action == KZ_REPO_ADD_SKIP) {
        job->skipped = true;
        return err;
    }
    err = kz_repo_fetch_index(&job->entry, job->cache_dir, &job->warnings);
    if (kz_error_message(&err)) {
        kz_value w = kz_error("looks like \"%s\" is not a valid chart repository or cannot be reached: %s",
                              job->entry.url, kz_error_message(&err));
        kz_free(err);
        return w;
    }
    kz_repofile_set(f, &job->entry);
    *changed = true;
    return err;
}

/* --password-stdin: the first line of stdin, without its line ending. */
static char *read_password_stdin(void) {
    kz_buf b = KZ_BUF_INIT;
    int c;
    while ((c = getchar()) != EOF && c != '\n') kz_buf_putc(&b, (char)c);
    if (b.len && b.data[b.len - 1] == '\r') b.len--;
    kz_buf_putc(&b, 0);
    return kz_buf_detach(&b, NULL);
}

static void set_field(char **field, const char *value) {
    free(*field);
    *field = kz_xstrdup(value);
}

static int run_add(kz_cli_ctx *ctx) {
    const char *name = ctx->argv[0], *url = ctx->argv[1];
    kz_value err = kz_repo_add_check(name, url);
    if (kz_error_message(&err)) return hm_fail_value(ctx, err);
    add_job job = {.force_update = kz_cli_flag_bool(ctx, "force-update"), .warnings = KZ_BUF_INIT};
    kz_repo_entry_init(&job.entry, name, url);
    const char *username = kz_cli_flag_string(ctx, "username");
    char *password = kz_xstrdup(kz_cli_flag_string(ctx, "password"));
    if (kz_cli_flag_bool(ctx, "password-stdin")) {
        free(password);
        password = read_password_stdin();
    } else if (*username && !*password) {
        free(password);
        kz_repo_entry_free(&job.entry);
        return kz_cli_fail(ctx, "a password is required with --username: give --password or --password-stdin");
    }
    set_field(&job.entry.username, username);
    set_field(&job.entry.password, password);
    set_field(&job.entry.ca_file, kz_cli_flag_string(ctx, "ca-file"));
    set_field(&job.entry.cert_file, kz_cli_flag_string(ctx, "cert-file"));
    set_field(&job.entry.key_file, kz_cli_flag_string(ctx, "key-file"));
    job.entry.insecure_skip_tls_verify = kz_cli_flag_bool(ctx, "insecure-skip-tls-verify");
    job.entry.pass_credentials_all = kz_cli_flag_bool(ctx, "pass-credentials");
    free(password);

    hm_paths paths;
    hm_paths_get(ctx, &paths);
    job.cache_dir = paths.repository_cache;
    err = kz_repofile_update(paths.repository_config, add_locked, &job);
    kz_buf_append(ctx->err, job.warnings.data ? job.warnings.data : "", job.warnings.len);
    if (!kz_error_message(&err)) {
        if (job.skipped) kz_repo_msg_exists(ctx->out, name);
        else kz_repo_msg_added(ctx->out, name);
    }
    kz_buf_free(&job.warnings);
    kz_repo_entry_free(&job.entry);
    hm_paths_free(&paths);
    return hm_fail_value(ctx, err);
}

static const kz_flag_def add_flags[] = {
    {.name = "ca-file", .type = KZ_FLAG_STRING, .usage = "verify certificates of HTTPS-enabled servers using this CA bundle"},
    {.name = "cert-file", .type = KZ_FLAG_STRING, .usage = "identify HTTPS client using this SSL certificate file"},
    {.name = "force-update", .type = KZ_FLAG_BOOL, .usage = "replace (overwrite) the repo if it already exists"},
    {.name = "insecure-skip-tls-verify", .type = KZ_FLAG_BOOL,
     .usage = "skip tls certificate checks for the repository"},
    {.name = "key-file", .type = KZ_FLAG_STRING, .usage = "identify HTTPS client using this SSL key file"},
    {.name = "pass-credentials", .type = KZ_FLAG_BOOL, .usage = "pass credentials to all domains"},
    {.name = "password", .type = KZ_FLAG_STRING, .usage = "chart repository password"},
    {.name = "password-stdin", .type = KZ_FLAG_BOOL, .usage = "read chart repository password from stdin"},
    {.name = "username", .type = KZ_FLAG_STRING, .usage = "chart repository username"},
    {0},
};

static const kz_cmd repo_add_cmd = {
    .use = "add [NAME] [URL]",
    .short_desc = "add a chart repository",
    .long_desc = "\nAdd a chart repository: its index is downloaded and checked, cached, and the\n"
                 "repository recorded in repositories.yaml.\n",
    .flags = add_flags,
    .args = {KZ_ARGS_EXACT, 2, 2},
    .run = run_add,
};

/* ---- update ---- */

static int run_update(kz_cli_ctx *ctx) {
    hm_paths paths;
    hm_paths_get(ctx, &paths);
    kz_repofile f;
    kz_value err = kz_repofile_load(paths.repository_config, &f, NULL);
    if (!kz_error_message(&err) && f.len == 0)
        err = kz_error("no repositories found. You must add one before updating");
    for (size_t i = 0; !kz_error_message(&err) && i < ctx->argc; i++)
        if (!kz_repofile_get(&f, ctx->argv[i]))
            err = kz_error("no repositories found matching '%s'.  Nothing will be updated", ctx->argv[i]);
    if (!kz_error_message(&err)) {
        kz_buf_puts(ctx->out, "Hang tight while we grab the latest from your chart repositories...\n");
        kz_buf failed = KZ_BUF_INIT; /* Go's %v of the failed URLs: "[a b]" */
        size_t failures = 0;
        for (size_t i = 0; i < f.len; i++) {
            const kz_repo_entry *e = &f.entries[i];
            bool wanted = ctx->argc == 0;
            for (size_t k = 0; k < ctx->argc; k++) wanted |= strcmp(ctx->argv[k], e->name) == 0;
            if (!wanted) continue;
            kz_value ferr = kz_repo_fetch_index(e, paths.repository_cache, ctx->err);
            if (kz_error_message(&ferr)) {
                kz_buf_printf(ctx->out, "...Unable to get an update from the \"%s\" chart repository (%s):\n\t%s\n",
                              e->name, e->url, kz_error_message(&ferr));
                kz_buf_printf(&failed, "%s%s", failures++ ? " " : "", e->url);
            } else {
                kz_buf_printf(ctx->out, "...Successfully got an update from the \"%s\" chart repository\n", e->name);
            }
            kz_free(ferr);
        }
        if (failures && kz_cli_flag_bool(ctx, "fail-on-repo-update-fail"))
            err = kz_error("Failed to update the following repositories: [%s]", kz_buf_cstr(&failed));
        else
            kz_buf_puts(ctx->out, "Update Complete. \xe2\x8e\x88Happy Helming!\xe2\x8e\x88\n");
        kz_buf_free(&failed);
    }
    kz_repofile_free(&f);
    hm_paths_free(&paths);
    return hm_fail_value(ctx, err);
}

static const kz_flag_def update_flags[] = {
    {.name = "fail-on-repo-update-fail", .type = KZ_FLAG_BOOL, .usage = "update fails if any of the repository updates fail"},
    {0},
};

static const char *const update_aliases[] = {"up", NULL};

static const kz_cmd repo_update_cmd = {
    .use = "update [REPO1 [REPO2 ...]]",
    .aliases = update_aliases,
    .short_desc = "update information of available charts locally from chart repositories",
    .long_desc = "\nDownload the latest index of every added repository (or of the named ones)\n"
                 "into the cache. An index the server reports unchanged is not downloaded again.\n",
    .flags = update_flags,
    .run = run_update,
};

/* ---- list ---- */

static int run_list(kz_cli_ctx *ctx) {
    kz_repo_format format = KZ_REPO_FORMAT_TABLE;
    if (hm_output_format(ctx, &format)) return 1;
    hm_paths paths;
    hm_paths_get(ctx, &paths);
    kz_repofile f;
    kz_value err = kz_repofile_load(paths.repository_config, &f, NULL);
    if (!kz_error_message(&err)) err = kz_repo_list(&f, format, ctx->out);
    kz_repofile_free(&f);
    hm_paths_free(&paths);
    return hm_fail_value(ctx, err);
}

static const kz_flag_def list_flags[] = {
    HM_OUTPUT_FLAG,
    {0},
};

static const char *const list_aliases[] = {"ls", NULL};

static const kz_cmd repo_list_cmd = {
    .use = "list",
    .aliases = list_aliases,
    .short_desc = "list chart repositories",
    .long_desc = "\nList the chart repositories added with 'hm repo add'.\n",
    .flags = list_flags,
    .args = {KZ_ARGS_NONE, 0, 0},
    .run = run_list,
};

/* ---- remove ---- */

static int run_remove(kz_cli_ctx *ctx) {
    hm_paths paths;
    hm_paths_get(ctx, &paths);
    kz_value err =
        kz_repo_remove(paths.repository_config, paths.repository_cache, ctx->argv, ctx->argc, ctx->out);
    hm_paths_free(&paths);
    return hm_fail_value(ctx, err);
}

static const char *const remove_aliases[] = {"rm", NULL};

static const kz_cmd repo_remove_cmd = {
    .use = "remove [REPO1 [REPO2 ...]]",
    .aliases = remove_aliases,
    .short_desc = "remove one or more chart repositories",
    .long_desc = "\nRemove chart repositories and their cached indexes.\n",
    .args = {KZ_ARGS_MIN, 1, 0},
    .run = run_remove,
};

/* ---- index ---- */

static int run_index(kz_cli_ctx *ctx) {
    kz_repo_index_dir_opts o = {
        .url = kz_cli_flag_string(ctx, "url"),
        .merge = kz_cli_flag_string(ctx, "merge"),
        .json = kz_cli_flag_bool(ctx, "json"),
    };
    kz_buf warnings = KZ_BUF_INIT;
    kz_value err = kz_repo_index_dir(ctx->argv[0], &o, &warnings);
    kz_buf_append(ctx->err, warnings.data ? warnings.data : "", warnings.len);
    kz_buf_free(&warnings);
    return hm_fail_value(ctx, err);
}

static const kz_flag_def index_flags[] = {
    {.name = "json", .type = KZ_FLAG_BOOL, .usage = "output in JSON format"},
    {.name = "merge", .type = KZ_FLAG_STRING, .usage = "merge the generated index into the given index"},
    {.name = "url", .type = KZ_FLAG_STRING, .usage = "url of chart repository"},
    {0},
};

static const kz_cmd repo_index_cmd = {
    .use = "index [DIR]",
    .short_desc = "generate an index file given a directory containing packaged charts",
    .long_desc = "\nWrite DIR/index.yaml listing every chart archive (*.tgz) in DIR and its\n"
                 "direct subfolders, with each archive's sha256 digest. --url makes the chart\n"
                 "URLs absolute; --merge adds the charts of an existing index that DIR lacks.\n",
    .flags = index_flags,
    .args = {KZ_ARGS_EXACT, 1, 1},
    .run = run_index,
};

static const kz_cmd *const repo_subcommands[] = {
    &repo_add_cmd, &repo_index_cmd, &repo_list_cmd, &repo_remove_cmd, &repo_update_cmd, NULL,
};

const kz_cmd hm_repo_cmd = {
    .use = "repo",
    .short_desc = "add, list, remove, update, and index chart repositories",
    .long_desc = "\nThis command consists of multiple subcommands to interact with chart repositories.\n"
                 "\n"
                 "It can be used to add, remove, list, and index chart repositories.\n",
    .subcommands = repo_subcommands,
};
