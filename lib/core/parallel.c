#define _GNU_SOURCE /* sched_getaffinity, CPU_COUNT */
#include "core/parallel.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdbool.h>

#define MAX_WORKERS 7

unsigned kz_cpu_count(void) {
    /* Not sysconf(_SC_NPROCESSORS_ONLN): glibc answers it by reading a file
     * in /sys, three system calls on every call; the affinity mask is one,
     * and it also honours taskset and cgroup pinning. */
    static _Atomic unsigned cached;
    unsigned n = atomic_load_explicit(&cached, memory_order_relaxed);
    if (n) return n;
    cpu_set_t set;
    n = sched_getaffinity(0, sizeof set, &set) == 0 ? (unsigned)CPU_COUNT(&set) : 1;
    if (n == 0) n = 1;
    atomic_store_explicit(&cached, n, memory_order_relaxed);
    return n;
}

typedef struct {
    _Atomic size_t next;
    size_t n;
    void (*job)(void *, size_t);
    void *ctx;
} work;

static void drain(work *w) {
    for (;;) {
        size_t i = atomic_fetch_add_explicit(&w->next, 1, memory_order_relaxed);
        if (i >= w->n) return;
        w->job(w->ctx, i);
    }
}

static void *worker(void *arg) {
    drain(arg);
    return NULL;
}

void kz_parallel_for(size_t n, unsigned max_threads, void (*job)(void *ctx, size_t i), void *ctx) {
    unsigned threads = max_threads ? max_threads : kz_cpu_count();
    if (threads > n) threads = (unsigned)n;
    size_t workers = threads > 1 ? threads - 1 : 0;
    if (workers > MAX_WORKERS) workers = MAX_WORKERS;
    work w = {.n = n, .job = job, .ctx = ctx};
    atomic_init(&w.next, 0);
    pthread_t tids[MAX_WORKERS];
    bool started[MAX_WORKERS] = {false};
    for (size_t k = 0; k < workers; k++) started[k] = pthread_create(&tids[k], NULL, worker, &w) == 0;
    drain(&w);
    /* pthread_join is the barrier: the workers' writes to their job slots
     * are visible to the caller once it returns. */
    for (size_t k = 0; k < workers; k++)
        if (started[k]) pthread_join(tids[k], NULL);
}
