/*
 * hm search repo [KEYWORD...]: the charts of the added repositories, from
 * their cached indexes, as `helm search repo` lists them (lib/repo/search.h).
 */
#include "hm.h"
#include "repo/search.h"

static int run_search_repo(kz_cli_ctx *ctx) {
    kz_repo_search_opts o = {
        .keywords = ctx->argv,
        .nkeywords = ctx->argc,
        .regexp = kz_cli_flag_bool(ctx, "regexp"),
        .versions = kz_cli_flag_bool(ctx, "versions"),
        .devel = kz_cli_flag_bool(ctx, "devel"),
        .version = kz_cli_flag_string(ctx, "version"),
        .fail_on_no_result = kz_cli_flag_bool(ctx, "fail-on-no-result"),
    };
    if (hm_output_format(ctx, &o.format)) return 1;
    int64_t width = kz_cli_flag_int(ctx, "max-col-width");
    if (width < 0) return kz_cli_fail(ctx, "invalid argument \"%lld\" for \"--max-col-width\" flag", (long long)width);
    o.max_col_width = (size_t)width;

    hm_paths paths;
    hm_paths_get(ctx, &paths);
    kz_repo_set repos = {0};
    kz_buf warnings = KZ_BUF_INIT;
    kz_value err = kz_repo_set_load(paths.repository_config, paths.repository_cache, &repos, &warnings);
    kz_buf_append(ctx->err, warnings.data ? warnings.data : "", warnings.len);
    kz_buf_free(&warnings);
    if (!kz_error_message(&err)) err = kz_repo_search(&repos, &o, ctx->out);
    kz_repo_set_free(&repos);
    hm_paths_free(&paths);
    return hm_fail_value(ctx, err);
}

static const kz_flag_def search_repo_flags[] = {
    {.name = "devel", .type = KZ_FLAG_BOOL,
     .usage = "use development versions (alpha, beta, and release candidate releases), too. Equivalent to "
              "version '>0.0.0-0'. If --version is set, this is ignored"},
    {.name = "fail-on-no-result", .type = KZ_FLAG_BOOL, .usage = "search fails if no results are found"},
    {.name = "max-col-width", .type = KZ_FLAG_INT, .def = "50", .varname = "uint",
     .usage = "maximum column width for output table"},
    HM_OUTPUT_FLAG,
    {.name = "regexp", .shorthand = 'r', .type = KZ_FLAG_BOOL,
     .usage = "use regular expressions for searching repositories you have added"},
    {.name = "version", .type = KZ_FLAG_STRING,
     .usage = "search using semantic versioning constraints on repositories you have added"},
    {.name = "versions", .shorthand = 'l', .type = KZ_FLAG_BOOL,
     .usage = "show the long listing, with each version of each chart on its own line, for repositories you have "
              "added"},
    {0},
};

static const kz_cmd search_repo_cmd = {
    .use = "repo [keyword]",
    .short_desc = "search repositories for a keyword in charts",
    .long_desc = "\nSearch the cached indexes of the repositories added with 'hm repo add' (run\n"
                 "'hm repo update' to refresh them). Without a keyword every chart is listed;\n"
                 "keywords are matched, case-insensitively, against chart names, descriptions\n"
                 "and keywords, or as a regular expression with --regexp. Only the newest\n"
                 "stable version of each chart is shown, unless --versions, --devel or a\n"
                 "--version constraint says otherwise.\n",
    .flags = search_repo_flags,
    .run = run_search_repo,
};

static const kz_cmd *const search_subcommands[] = {&search_repo_cmd, NULL};

const kz_cmd hm_search_cmd = {
    .use = "search [keyword]",
    .short_desc = "search for a keyword in charts",
    .long_desc = "\nSearch for charts in the repositories you have added ('hm search repo').\n"
                 "Artifact Hub searches ('helm search hub') are not supported.\n",
    .subcommands = search_subcommands,
};
