/*
 * Independent jobs spread over the machine's cores.
 *
 * Why: `hm template` of a big chart spends a quarter of its time parsing
 * templates and another fifth re-reading the rendered documents; both are
 * lists of independent pieces, and the reference tools use one core for them.
 * (On the 2-vCPU benchmark machine it gains nothing measurable: both vCPUs
 * running at once each run at about half speed there.)
 *
 * The rule for jobs: refcounts in core/value.h are not atomic, so a job may
 * read shared data that nobody changes while the jobs run (a function table,
 * the input text) but must not share a kz_value with another job. Values a
 * job creates may be handed back through the job's own slot and used by the
 * caller after kz_parallel_for returns.
 *
 * MEMORY: what a call uses is freed when its threads are reaped (by a later
 * call or kz_parallel_reap).
 */
#ifndef KZ_CORE_PARALLEL_H
#define KZ_CORE_PARALLEL_H

#include <stdbool.h>
#include <stddef.h>

/* Below this much input (template text, YAML documents) starting a thread
 * costs more than the work it would take over: callers pass max_threads 1. */
#define KZ_PARALLEL_MIN_BYTES (16u * 1024)

/* Cores this process may run on (sched_getaffinity), at least 1; read once. */
unsigned kz_cpu_count(void);

/* Those of them with nothing to run besides the calling thread when the
 * process first asks (the system's runnable threads, from /proc/loadavg):
 * the cores a worker could have without taking them from anyone. 0 when
 * every core is busy, as when a CI job renders many charts at once; then
 * parallel work only costs CPU time. */
unsigned kz_cpu_idle(void);

/* Call job(ctx, i) once for every i in [0, n). The calling thread takes part;
 * up to max_threads - 1 workers join it (max_threads 0: one per core that
 * has nothing else to run when the process first asks, read from
 * /proc/loadavg; never more threads than jobs). Jobs are handed out in order of i from a shared
 * counter, so put the big ones first if sizes vary. If a worker can't be
 * started the calling thread runs its share: every job runs exactly once
 * either way. It returns once every job has finished; a worker that found
 * nothing left may still be exiting, and is reaped by a later call or by
 * kz_parallel_reap. */
void kz_parallel_for(size_t n, unsigned max_threads, void (*job)(void *ctx, size_t i), void *ctx);

/* The same jobs, started in the background: up to max_workers worker threads
 * (0: one per idle core, as above) begin taking jobs at once, while the caller
 * goes on with other work; kz_parallel_finish then runs on the calling thread
 * the jobs nobody has started, waits for the others and frees the batch.
 * Workers take a while to get a CPU on a virtual machine: starting them well
 * before the results are needed hides that. With one core (or no thread to
 * be had) every job runs in kz_parallel_finish. ctx must stay valid, and
 * whatever the jobs read unchanged, until kz_parallel_finish returns. Every
 * batch must be finished; NULL is fine. */
typedef struct kz_parallel_batch kz_parallel_batch;
kz_parallel_batch *kz_parallel_start(size_t n, unsigned max_workers, void (*job)(void *ctx, size_t i), void *ctx);
void kz_parallel_finish(kz_parallel_batch *b);

/* A batch whose jobs arrive one at a time, while the caller produces them:
 * workers start now and wait for work. kz_parallel_post makes the next job
 * (0, 1, ...) available and returns its number, or SIZE_MAX once max_jobs
 * were posted (that job never runs); the caller must have filled in what
 * the job reads first. kz_parallel_finish ends it as above. */
kz_parallel_batch *kz_parallel_open(size_t max_jobs, unsigned max_workers, void (*job)(void *ctx, size_t i),
                                    void *ctx);
size_t kz_parallel_post(kz_parallel_batch *b);

/* Run one job of the batch that nobody has started, on the calling thread:
 * false when there is none (for a caller waiting on something a worker
 * does, to make itself useful meanwhile). */
bool kz_parallel_help(kz_parallel_batch *b);

/* Wait for the worker threads still exiting and free what their calls used.
 * A program about to end needn't: its threads end with it. */
void kz_parallel_reap(void);

/* ---- deep recursion ----
 * A value nested 100,000 levels deep is a few lines of template ({{ range
 * until 100000 }}{{ $d = dict "a" $d }}{{ end }}), and Go walks it on a
 * goroutine stack that grows to 1 GB; a recursive walker here would overflow
 * its thread's stack. So walkers over values (printing, JSON, YAML, copying)
 * count their depth and, every KZ_DEEP_HOP levels, go on on a fresh thread
 * with a KZ_DEEP_STACK stack, waiting for it (kz_call_with_stack). 2,000
 * levels of the largest walker frame fit the smallest stack they start on.
 * Values from files never get there: YAML stops at 10,000 levels, JSON at
 * 2,048, --set at 30. */
#define KZ_DEEP_HOP 2000
#define KZ_DEEP_STACK ((size_t)16 << 20)

static inline int kz_deep_hop_due(size_t depth) { return depth != 0 && depth % KZ_DEEP_HOP == 0; }

/* Run fn(arg) on a new thread whose stack is stack_bytes, and wait for it.
 * False, with fn not run, when no thread could be made: the caller decides
 * (a walker goes on on its own stack, template execution fails). */
bool kz_call_with_stack(size_t stack_bytes, void (*fn)(void *), void *arg);

#endif
