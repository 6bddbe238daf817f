/*
 * bench/charts: time whole processes, as users wait for them. Runs a command
 * N times (stdout to /dev/null) and prints the mean and best wall time, the
 * mean CPU time (user + system, all threads: hm uses the second core for part
 * of its work, helm's Go runtime uses every core) and the peak resident
 * memory (getrusage of the children), so scripts/bench.sh can put
 * `hm template` and `helm template` side by side on the same chart.
 *
 *   bench_charts [--runs N] [--label NAME] -- COMMAND ARGS...
 *
 * Output: "NAME: mean 12.3 ms, best 11.9 ms, cpu 14.1 ms, peak RSS 6712 KB (N runs)".
 */
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

static double now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

int main(int argc, char **argv) {
    int runs = 10, i = 1;
    const char *label = "command";
    for (; i < argc && strcmp(argv[i], "--") != 0; i++) {
        if (strcmp(argv[i], "--runs") == 0 && i + 1 < argc) runs = atoi(argv[++i]);
        else if (strcmp(argv[i], "--label") == 0 && i + 1 < argc) label = argv[++i];
    }
    if (i + 1 >= argc || runs < 1) {
        fprintf(stderr, "usage: bench_charts [--runs N] [--label NAME] -- COMMAND ARGS...\n");
        return 2;
    }
    char **cmd = argv + i + 1;
    double total = 0, best = 1e300;
    long peak_kb = 0;
    for (int r = 0; r < runs; r++) {
        posix_spawn_file_actions_t fa;
        posix_spawn_file_actions_init(&fa);
        posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
        pid_t pid;
        double t0 = now_ms();
        int rc = posix_spawnp(&pid, cmd[0], &fa, NULL, cmd, environ);
        posix_spawn_file_actions_destroy(&fa);
        if (rc != 0) {
            fprintf(stderr, "bench_charts: cannot run %s: %s\n", cmd[0], strerror(rc));
            return 1;
        }
        int status;
        if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
            fprintf(stderr, "bench_charts: %s failed\n", cmd[0]);
            return 1;
        }
        double t = now_ms() - t0;
        total += t;
        if (t < best) best = t;
        struct rusage ru; /* RUSAGE_CHILDREN's maxrss: the largest child so far */
        getrusage(RUSAGE_CHILDREN, &ru);
        if (ru.ru_maxrss > peak_kb) peak_kb = ru.ru_maxrss;
    }
    struct rusage ru;
    getrusage(RUSAGE_CHILDREN, &ru);
    double cpu = (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e3 +
                 (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e3;
    printf("%s: mean %.1f ms, best %.1f ms, cpu %.1f ms, peak RSS %ld KB (%d runs)\n", label, total / runs, best,
           cpu / runs, peak_kb, runs);
    return 0;
}
