/*
 * bench/charts: time whole processes, as users wait for them. Runs a command
 * N times (stdout to /dev/null) and prints the mean, median and best wall
 * time, the mean CPU time (user + system, all threads: hm uses the second
 * core for part of its work, helm's Go runtime uses every core) and the peak
 * resident memory, so scripts/bench.sh can put `hm template` and
 * `helm template` side by side on the same chart.
 *
 *   bench_charts [--rounds R] [--runs N] [--label NAME] -- COMMAND ARGS...
 *                [--and [--runs N] [--label NAME] -- COMMAND ARGS...]...
 *
 * With several commands (--and), each of R rounds runs every command its N
 * times in turn, so all of them meet the same machine. On a shared virtual
 * machine whose speed drifts by a third from one minute to the next, timing
 * one command and then the other measures the drift as much as the tools.
 *
 * Output, a line per command:
 * "NAME: mean 12.3 ms, median 12.1 ms, best 11.9 ms, cpu 14.1 ms, peak RSS 6712 KB (N runs)".
 */
#define _DEFAULT_SOURCE /* wait4 */
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

#define MAX_COMMANDS 8

typedef struct command {
    const char *label;
    int runs;    /* per round */
    char **argv; /* NULL-terminated */
    double *times;
    int ntimes;
    double cpu_ms;
    long peak_kb;
} command;

static double now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int usage(void) {
    fprintf(stderr, "usage: bench_charts [--rounds R] [--runs N] [--label NAME] -- COMMAND ARGS... "
                    "[--and [--runs N] [--label NAME] -- COMMAND ARGS...]...\n");
    return 2;
}

/* One run of c: its wall time, and its own CPU time and peak memory (wait4
 * reports the child's alone). 0, or -1 if it could not run or failed. */
static int run_once(command *c) {
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    pid_t pid;
    double t0 = now_ms();
    int rc = posix_spawnp(&pid, c->argv[0], &fa, NULL, c->argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0) {
        fprintf(stderr, "bench_charts: cannot run %s: %s\n", c->argv[0], strerror(rc));
        return -1;
    }
    int status;
    struct rusage ru;
    if (wait4(pid, &status, 0, &ru) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        fprintf(stderr, "bench_charts: %s failed\n", c->argv[0]);
        return -1;
    }
    c->times[c->ntimes++] = now_ms() - t0;
    c->cpu_ms += (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e3 +
                 (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e3;
    if (ru.ru_maxrss > c->peak_kb) c->peak_kb = ru.ru_maxrss;
    return 0;
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static void report(command *c) {
    double total = 0;
    for (int i = 0; i < c->ntimes; i++) total += c->times[i];
    qsort(c->times, (size_t)c->ntimes, sizeof *c->times, cmp_double);
    int n = c->ntimes;
    double median = n % 2 ? c->times[n / 2] : (c->times[n / 2 - 1] + c->times[n / 2]) / 2;
    printf("%s: mean %.1f ms, median %.1f ms, best %.1f ms, cpu %.1f ms, peak RSS %ld KB (%d runs)\n", c->label,
           total / n, median, c->times[0], c->cpu_ms / n, c->peak_kb, n);
}

int main(int argc, char **argv) {
    command cmds[MAX_COMMANDS];
    int ncmds = 0, rounds = 1, i = 1;
    while (i < argc) { /* one command: its options, "--", its words up to "--and" */
        if (ncmds == MAX_COMMANDS) return usage();
        command *c = &cmds[ncmds++];
        *c = (command){.label = "command", .runs = 10};
        for (; i < argc && strcmp(argv[i], "--") != 0; i++) {
            if (strcmp(argv[i], "--runs") == 0 && i + 1 < argc) c->runs = atoi(argv[++i]);
            else if (strcmp(argv[i], "--label") == 0 && i + 1 < argc) c->label = argv[++i];
            else if (strcmp(argv[i], "--rounds") == 0 && i + 1 < argc && ncmds == 1) rounds = atoi(argv[++i]);
            else return usage();
        }
        if (i + 1 >= argc || c->runs < 1) return usage();
        c->argv = argv + i + 1;
        for (i++; i < argc && strcmp(argv[i], "--and") != 0; i++) {
        }
        if (i < argc) argv[i++] = NULL; /* ends this command's words */
    }
    if (ncmds == 0 || rounds < 1) return usage();
    for (int k = 0; k < ncmds; k++) cmds[k].times = calloc((size_t)rounds * (size_t)cmds[k].runs, sizeof(double));
    for (int r = 0; r < rounds; r++)
        for (int k = 0; k < ncmds; k++)
            for (int j = 0; j < cmds[k].runs; j++)
                if (run_once(&cmds[k]) != 0) return 1;
    for (int k = 0; k < ncmds; k++) {
        report(&cmds[k]);
        free(cmds[k].times);
    }
    return 0;
}
