/*
 * bench_repo INDEX.yaml [KEYWORD]: times loading a repository index and a
 * search over it in-process, each stage in a child process so that its peak
 * RSS is its own. Stages: YAML sequential, YAML parallel, sidecar write,
 * sidecar load, search (after a sidecar load). Prints one line per stage:
 *   stage  ms  peak-RSS-MB  (charts/versions)
 */
#define _DEFAULT_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/buf.h"
#include "repo/index.h"
#include "repo/search.h"

static double now_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static size_t count_versions(const kz_repo_index *idx) {
    size_t n = 0;
    for (size_t i = 0; i < idx->len; i++) n += idx->charts[i].len;
    return n;
}

static const char *stage_names[] = {"yaml-sequential", "yaml-parallel", "sidecar-write", "sidecar-load",
                                    "search"};

static int run_stage(int stage, const char *path, const char *keyword) {
    kz_repo_index idx;
    kz_buf warn = KZ_BUF_INIT;
    double t0 = now_ms(), t1;
    kz_value e = kz_null();
    const char *src = "?";
    if (stage == 0 || stage == 1) {
        e = kz_repo_index_load_file_ex(path, &idx, &warn, stage == 0 ? 1 : 0);
        t1 = now_ms();
    } else if (stage == 2) {
        e = kz_repo_index_load_file(path, &idx, &warn);
        t0 = now_ms();
        if (kz_is_null(&e)) e = kz_repo_index_cache_write(&idx, path);
        t1 = now_ms();
    } else {
        if (!kz_repo_index_cache_read(path, &idx, &warn)) {
            fprintf(stderr, "no sidecar\n");
            return 1;
        }
        t1 = now_ms();
        if (stage == 4) {
            kz_repo_set set = {0};
            char *names[1] = {"bench"};
            set.names = names;
            set.indexes = &idx;
            set.len = 1;
            const char *kw[1] = {keyword};
            kz_repo_search_opts o = {.keywords = kw, .nkeywords = 1, .max_col_width = 50};
            kz_buf out = KZ_BUF_INIT;
            t0 = now_ms();
            e = kz_repo_search(&set, &o, &out);
            t1 = now_ms();
            fprintf(stderr, "  search output: %zu bytes\n", out.len);
            kz_buf_free(&out);
        }
    }
    if (!kz_is_null(&e)) {
        fprintf(stderr, "%s: %s\n", stage_names[stage], kz_error_message(&e));
        kz_free(e);
        kz_repo_index_free(&idx);
        kz_buf_free(&warn);
        return 1;
    }
    src = idx.loaded_from == 2 ? "sidecar" : idx.loaded_from == 1 ? "parallel" : "sequential";
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("%-16s %9.1f ms  %7.1f MB peak RSS  (%zu charts, %zu versions, loaded %s)\n", stage_names[stage],
           t1 - t0, (double)ru.ru_maxrss / 1024.0, idx.len, count_versions(&idx), src);
    fflush(stdout);
    kz_repo_index_free(&idx);
    kz_buf_free(&warn);
    return 0;
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: bench_repo INDEX.yaml [KEYWORD]\n");
        return 2;
    }
    const char *kw = argc > 2 ? argv[2] : "k7";
    int rc = 0;
    for (int stage = 0; stage < 5; stage++) {
        pid_t pid = fork();
        if (pid == 0) _exit(run_stage(stage, argv[1], kw));
        int st = 0;
        waitpid(pid, &st, 0);
        if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) rc = 1;
    }
    return rc;
}
