#define _GNU_SOURCE /* sched_getaffinity, CPU_COUNT, pthread_tryjoin_np */
#include "core/parallel.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>

#include "core/alloc.h"

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

/* One kz_parallel_for call. It lives on the heap, not on the caller's stack:
 * a worker may get its first time slice only after the caller has run every
 * job itself and returned (on a virtual machine the other CPU can take
 * milliseconds to wake), and it then still reads `next` to find nothing
 * left. Waiting for such a worker to exit (pthread_join) would put that
 * wake-up on the caller's path; the caller waits for the jobs instead, and
 * the threads are reaped later. */
typedef struct work {
    _Atomic size_t next; /* the next job to hand out */
    _Atomic size_t done; /* jobs finished */
    size_t n;
    void (*job)(void *, size_t);
    void *ctx;
    pthread_mutex_t lock;
    pthread_cond_t all_done;
    size_t nthreads;
    pthread_t tids[MAX_WORKERS];
    struct work *older; /* calls whose threads are not reaped yet */
} work;

static pthread_mutex_t unreaped_lock = PTHREAD_MUTEX_INITIALIZER;
static work *unreaped;

static void drain(work *w) {
    for (;;) {
        size_t i = atomic_fetch_add(&w->next, 1);
        if (i >= w->n) return;
        w->job(w->ctx, i);
        if (atomic_fetch_add(&w->done, 1) + 1 == w->n) {
            pthread_mutex_lock(&w->lock);
            pthread_cond_broadcast(&w->all_done);
            pthread_mutex_unlock(&w->lock);
        }
    }
}

static void *worker(void *arg) {
    drain(arg);
    return NULL;
}

static void work_free(work *w) {
    pthread_mutex_destroy(&w->lock);
    pthread_cond_destroy(&w->all_done);
    free(w);
}

/* Free the calls whose workers have all exited; the others stay listed. */
static void reap(bool wait) {
    pthread_mutex_lock(&unreaped_lock);
    work **link = &unreaped;
    while (*link) {
        work *w = *link;
        while (w->nthreads > 0) {
            pthread_t t = w->tids[w->nthreads - 1];
            if ((wait ? pthread_join(t, NULL) : pthread_tryjoin_np(t, NULL)) != 0) break;
            w->nthreads--;
        }
        if (w->nthreads == 0) {
            *link = w->older;
            work_free(w);
        } else {
            link = &w->older;
        }
    }
    pthread_mutex_unlock(&unreaped_lock);
}

void kz_parallel_reap(void) { reap(true); }

void kz_parallel_for(size_t n, unsigned max_threads, void (*job)(void *ctx, size_t i), void *ctx) {
    unsigned threads = max_threads ? max_threads : kz_cpu_count();
    if (threads > n) threads = (unsigned)n;
    size_t workers = threads > 1 ? threads - 1 : 0;
    if (workers > MAX_WORKERS) workers = MAX_WORKERS;
    if (workers == 0) {
        for (size_t i = 0; i < n; i++) job(ctx, i);
        return;
    }
    reap(false);
    work *w = kz_xcalloc(1, sizeof *w);
    atomic_init(&w->next, 0);
    atomic_init(&w->done, 0);
    w->n = n;
    w->job = job;
    w->ctx = ctx;
    pthread_mutex_init(&w->lock, NULL);
    pthread_cond_init(&w->all_done, NULL);
    for (size_t k = 0; k < workers; k++)
        if (pthread_create(&w->tids[w->nthreads], NULL, worker, w) == 0) w->nthreads++;
    drain(w);
    /* Every job handed out is finished once `done` reaches n; the lock and
     * condition make the workers' writes to their job slots visible here. */
    pthread_mutex_lock(&w->lock);
    while (atomic_load(&w->done) < n) pthread_cond_wait(&w->all_done, &w->lock);
    pthread_mutex_unlock(&w->lock);
    pthread_mutex_lock(&unreaped_lock);
    w->older = unreaped;
    unreaped = w;
    pthread_mutex_unlock(&unreaped_lock);
}

typedef struct stack_call {
    void (*fn)(void *);
    void *arg;
} stack_call;

static void *stack_call_main(void *p) {
    stack_call *c = p;
    c->fn(c->arg);
    return NULL;
}

bool kz_call_with_stack(size_t stack_bytes, void (*fn)(void *), void *arg) {
    stack_call c = {fn, arg};
    pthread_attr_t attr;
    pthread_t thread;
    bool ok = pthread_attr_init(&attr) == 0;
    ok = ok && pthread_attr_setstacksize(&attr, stack_bytes) == 0;
    ok = ok && pthread_create(&thread, &attr, stack_call_main, &c) == 0;
    pthread_attr_destroy(&attr);
    if (ok) pthread_join(thread, NULL);
    return ok;
}
