#define _GNU_SOURCE /* sched_getaffinity, CPU_COUNT, pthread_tryjoin_np */
#include "core/parallel.h"

#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

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

/* One batch of jobs (kz_parallel_start or _open, or a kz_parallel_for call).
 * It lives on the heap, not on the caller's stack: a worker may get its
 * first time slice only after the caller has run every job itself and
 * returned (on a virtual machine the other CPU can take milliseconds to
 * wake), and it then still reads `next` to find nothing left. Waiting for
 * such a worker to exit (pthread_join) would put that wake-up on the
 * caller's path; the caller waits for the jobs instead, and the threads are
 * reaped later. */
typedef struct kz_parallel_batch {
    _Atomic size_t next;  /* the next job to hand out */
    _Atomic size_t avail; /* jobs [0, avail) may be handed out */
    _Atomic size_t done;  /* jobs finished */
    _Atomic bool closed;  /* no more jobs will be posted: avail is final */
    size_t max_jobs;
    void (*job)(void *, size_t);
    void *ctx;
    pthread_mutex_t lock;
    pthread_cond_t all_done; /* done reached avail */
    pthread_cond_t posted;   /* avail grew, or the batch closed */
    size_t nthreads;
    pthread_t tids[MAX_WORKERS];
    struct kz_parallel_batch *older; /* calls whose threads are not reaped yet */
} work;

static pthread_mutex_t unreaped_lock = PTHREAD_MUTEX_INITIALIZER;
static work *unreaped;

/* A worker that finds no job yet in an open batch looks again for a few
 * tens of microseconds before it sleeps: jobs posted by a producer come
 * closer together than a sleeping CPU takes to wake up. */
#define SPINS_BEFORE_SLEEP 2000

static bool wait_for_job(work *w, size_t i) {
    for (int k = 0; k < SPINS_BEFORE_SLEEP; k++) {
        if (atomic_load(&w->avail) > i) return true;
        if (atomic_load(&w->closed)) return false;
#if defined(__x86_64__) || defined(__i386__)
        __builtin_ia32_pause();
#endif
    }
    pthread_mutex_lock(&w->lock);
    while (atomic_load(&w->avail) <= i && !atomic_load(&w->closed)) pthread_cond_wait(&w->posted, &w->lock);
    bool more = atomic_load(&w->avail) > i;
    pthread_mutex_unlock(&w->lock);
    return more;
}

/* Run jobs until none is left: on a worker, until the batch is closed and
 * empty; on the caller (which closed it), until every job is handed out. */
static void drain(work *w, bool is_worker) {
    for (;;) {
        if (kz_parallel_help(w)) continue;
        if (!is_worker || !wait_for_job(w, atomic_load(&w->next))) return;
    }
}

static void *worker(void *arg) {
    drain(arg, true);
    return NULL;
}

static void work_free(work *w) {
    pthread_mutex_destroy(&w->lock);
    pthread_cond_destroy(&w->all_done);
    pthread_cond_destroy(&w->posted);
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

/* Workers run on the other CPUs. Left to itself, the kernel may start a new
 * thread on the CPU of the thread creating it and let it take that CPU over
 * (wake-up preemption): the caller, whose work the worker was to overlap,
 * then waits for a time slice, a millisecond or more on a virtual machine
 * while the other CPU sits idle. */
static bool worker_attr(pthread_attr_t *attr) {
    cpu_set_t set;
    int here = sched_getcpu();
    if (here < 0 || sched_getaffinity(0, sizeof set, &set) != 0 || !CPU_ISSET(here, &set)) return false;
    CPU_CLR(here, &set);
    if (CPU_COUNT(&set) == 0) return false;
    if (pthread_attr_init(attr) != 0) return false;
    if (pthread_attr_setaffinity_np(attr, sizeof set, &set) != 0) {
        pthread_attr_destroy(attr);
        return false;
    }
    return true;
}

/* nr_running in /proc/loadavg counts runnable threads system-wide, this one
 * included; a cgroup's CPU quota is not seen, which errs towards fewer
 * workers. Read once: a run lasts milliseconds.
 *
 * The yield first: since Linux 6.12 the scheduler leaves a thread that went
 * to sleep with CPU time owed (EEVDF's delayed dequeue) counted on its CPU's
 * run queue until that CPU next picks a thread. A shell that forked this
 * process and sleeps in wait() is such a thread, on this CPU, as long as we
 * run without a break: measured here, 2 of 3 runs started from bash or
 * any fork()ing parent read nr_running 2 on an idle machine and went
 * single-threaded (40% slower). One pick clears it; with a real thread
 * queued here, the yield gives it the CPU it was due anyway. */
unsigned kz_cpu_idle(void) {
    static _Atomic int cached = -1;
    int idle = atomic_load_explicit(&cached, memory_order_relaxed);
    if (idle >= 0) return (unsigned)idle;
    unsigned cpus = kz_cpu_count(), running = 1;
    sched_yield();
    int fd = open("/proc/loadavg", O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
        char buf[128];
        ssize_t n = read(fd, buf, sizeof buf - 1);
        close(fd);
        if (n > 0) {
            buf[n] = '\0';
            double a, b, c;
            unsigned r;
            if (sscanf(buf, "%lf %lf %lf %u/", &a, &b, &c, &r) == 4 && r > 0) running = r;
        }
    }
    idle = running >= cpus ? 0 : (int)(cpus - running);
    atomic_store_explicit(&cached, idle, memory_order_relaxed);
    return (unsigned)idle;
}

kz_parallel_batch *kz_parallel_open(size_t max_jobs, unsigned max_workers, void (*job)(void *ctx, size_t i),
                                    void *ctx) {
    size_t workers = max_workers ? max_workers : kz_cpu_idle();
    if (workers > max_jobs) workers = max_jobs;
    if (workers > MAX_WORKERS) workers = MAX_WORKERS;
    work *w = kz_xcalloc(1, sizeof *w);
    atomic_init(&w->next, 0);
    atomic_init(&w->avail, 0);
    atomic_init(&w->done, 0);
    atomic_init(&w->closed, false);
    w->max_jobs = max_jobs;
    w->job = job;
    w->ctx = ctx;
    pthread_mutex_init(&w->lock, NULL);
    pthread_cond_init(&w->all_done, NULL);
    pthread_cond_init(&w->posted, NULL);
    if (workers == 0) return w;
    reap(false);
    pthread_attr_t attr;
    bool have_attr = worker_attr(&attr);
    for (size_t k = 0; k < workers; k++)
        if (pthread_create(&w->tids[w->nthreads], have_attr ? &attr : NULL, worker, w) == 0) w->nthreads++;
    if (have_attr) pthread_attr_destroy(&attr);
    return w;
}

static void post(work *w, size_t count) {
    pthread_mutex_lock(&w->lock);
    atomic_fetch_add(&w->avail, count);
    pthread_cond_broadcast(&w->posted);
    pthread_mutex_unlock(&w->lock);
}

size_t kz_parallel_post(kz_parallel_batch *w) {
    size_t i = atomic_load(&w->avail);
    if (i >= w->max_jobs) return SIZE_MAX;
    if (w->nthreads == 0) atomic_store(&w->avail, i + 1); /* nobody waits */
    else post(w, 1);
    return i;
}

bool kz_parallel_help(kz_parallel_batch *w) {
    for (;;) {
        size_t i = atomic_load(&w->next);
        if (i >= atomic_load(&w->avail)) return false;
        if (!atomic_compare_exchange_weak(&w->next, &i, i + 1)) continue;
        w->job(w->ctx, i);
        size_t done = atomic_fetch_add(&w->done, 1) + 1;
        if (done == atomic_load(&w->avail)) {
            pthread_mutex_lock(&w->lock);
            pthread_cond_broadcast(&w->all_done);
            pthread_mutex_unlock(&w->lock);
        }
        return true;
    }
}

kz_parallel_batch *kz_parallel_start(size_t n, unsigned max_workers, void (*job)(void *ctx, size_t i), void *ctx) {
    work *w = kz_parallel_open(n, max_workers, job, ctx);
    if (w->nthreads == 0) atomic_store(&w->avail, n);
    else post(w, n);
    return w;
}

void kz_parallel_finish(kz_parallel_batch *w) {
    if (!w) return;
    pthread_mutex_lock(&w->lock);
    atomic_store(&w->closed, true);
    pthread_cond_broadcast(&w->posted);
    pthread_mutex_unlock(&w->lock);
    drain(w, false);
    /* Every job handed out is finished once `done` reaches avail; the lock
     * and condition make the workers' writes to their job slots visible. */
    pthread_mutex_lock(&w->lock);
    while (atomic_load(&w->done) < atomic_load(&w->avail)) pthread_cond_wait(&w->all_done, &w->lock);
    pthread_mutex_unlock(&w->lock);
    if (w->nthreads == 0) {
        work_free(w);
        return;
    }
    pthread_mutex_lock(&unreaped_lock);
    w->older = unreaped;
    unreaped = w;
    pthread_mutex_unlock(&unreaped_lock);
}

void kz_parallel_for(size_t n, unsigned max_threads, void (*job)(void *ctx, size_t i), void *ctx) {
    unsigned threads = max_threads ? max_threads : kz_cpu_idle() + 1;
    if (threads > n) threads = (unsigned)n;
    if (threads <= 1) {
        for (size_t i = 0; i < n; i++) job(ctx, i);
        return;
    }
    kz_parallel_finish(kz_parallel_start(n, threads - 1, job, ctx));
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
