/*
 * Tests of lib/core's file reading and parallel jobs.
 *
 * - kz_file_read / kz_file_read_max: regular files (read in one call, so the
 *   size and the end must come out exact), empty files, files the kernel makes
 *   up as they are read (/proc, size 0), folders and missing files with Go's
 *   wording, appending to a buffer that has text, and the size limit.
 * - kz_parallel_for: every job runs exactly once, whatever the thread count.
 * - kz_format_float's shortcut for integral floats below 2^53, next to the
 *   general path just above it (Go's strconv.FormatFloat(f, 'g', -1, 64)).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/buf.h"
#include "core/file.h"
#include "core/gofloat.h"
#include "core/parallel.h"

static char *temp_file(const char *data, size_t len) {
    char *path = strdup("/tmp/kz-test-core-XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, data, len), (ssize_t)len);
    close(fd);
    return path;
}

static void test_read_regular(void **state) {
    (void)state;
    size_t sizes[] = {1, 4095, 4096, 4097, 65536, 300001};
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
        char *data = malloc(sizes[k]);
        for (size_t i = 0; i < sizes[k]; i++) data[i] = (char)('a' + i % 26);
        char *path = temp_file(data, sizes[k]);
        kz_buf b = KZ_BUF_INIT;
        kz_buf_puts(&b, "kept:");
        assert_int_equal(kz_file_read(path, &b, NULL), 0);
        assert_int_equal(b.len, 5 + sizes[k]);
        assert_memory_equal(b.data, "kept:", 5);
        assert_memory_equal(b.data + 5, data, sizes[k]);
        assert_int_equal(b.data[b.len], '\0');
        kz_buf_free(&b);
        /* the limit: at the size it reads, below it refuses without reading */
        assert_int_equal(kz_file_read_max(path, sizes[k], &b, NULL), 0);
        assert_int_equal(b.len, sizes[k]);
        kz_buf_free(&b);
        assert_int_equal(kz_file_read_max(path, sizes[k] - 1, &b, NULL), -2);
        assert_int_equal(b.len, 0);
        kz_buf_free(&b);
        unlink(path);
        free(path);
        free(data);
    }
}

static void test_read_special(void **state) {
    (void)state;
    char *path = temp_file("", 0);
    kz_buf b = KZ_BUF_INIT;
    assert_int_equal(kz_file_read(path, &b, NULL), 0);
    assert_int_equal(b.len, 0);
    unlink(path);
    free(path);
    /* size 0 in stat, text when read */
    assert_int_equal(kz_file_read("/proc/self/status", &b, NULL), 0);
    assert_non_null(strstr(kz_buf_cstr(&b), "VmRSS:"));
    assert_int_equal(strlen(kz_buf_cstr(&b)), b.len);
    kz_buf_clear(&b);
    kz_value err = kz_null();
    assert_int_equal(kz_file_read("/no/such/file", &b, &err), -1);
    assert_string_equal(kz_error_message(&err), "open /no/such/file: no such file or directory");
    kz_free(err);
    kz_buf_puts(&b, "before");
    assert_int_equal(kz_file_read("/tmp", &b, &err), -1);
    assert_string_equal(kz_error_message(&err), "read /tmp: is a directory");
    assert_string_equal(kz_buf_cstr(&b), "before"); /* unchanged on failure */
    kz_free(err);
    kz_buf_free(&b);
}

typedef struct {
    _Atomic unsigned *hits;
} count_ctx;

static void count_job(void *ctx, size_t i) {
    count_ctx *c = ctx;
    atomic_fetch_add(&c->hits[i], 1);
}

static void test_parallel_for(void **state) {
    (void)state;
    assert_true(kz_cpu_count() >= 1);
    size_t counts[] = {0, 1, 2, 7, 1000};
    for (unsigned threads = 0; threads <= 5; threads++) {
        for (size_t k = 0; k < sizeof counts / sizeof counts[0]; k++) {
            size_t n = counts[k];
            _Atomic unsigned *hits = calloc(n ? n : 1, sizeof *hits);
            count_ctx c = {hits};
            kz_parallel_for(n, threads, count_job, &c);
            for (size_t i = 0; i < n; i++)
                if (atomic_load(&hits[i]) != 1) fail_msg("threads %u, n %zu: job %zu ran %u times", threads, n, i, atomic_load(&hits[i]));
            free(hits);
        }
    }
    kz_parallel_reap(); /* the workers of every call above are gone after it */
    kz_parallel_reap();
}

/* Jobs posted one at a time, as a producer makes them, and batches started
 * in the background: each job runs once, after its input was written, and
 * nothing runs past max_jobs. */
typedef struct {
    size_t input[300];
    _Atomic size_t output[300];
    _Atomic unsigned hits[300];
} posted_ctx;

static void posted_job(void *ctx, size_t i) {
    posted_ctx *c = ctx;
    atomic_fetch_add(&c->hits[i], 1);
    atomic_store(&c->output[i], c->input[i] * 2);
}

static void test_parallel_posted(void **state) {
    (void)state;
    for (unsigned workers = 0; workers <= 3; workers++) {
        for (size_t max = 0; max <= 300; max += 150) {
            posted_ctx *c = calloc(1, sizeof *c);
            kz_parallel_batch *b = kz_parallel_open(max, workers, posted_job, c);
            size_t posted = 0;
            for (size_t i = 0; i < max; i++) {
                c->input[i] = i + 1;
                if (i % 50 == 0) for (volatile int spin = 0; spin < 20000; spin++) {} /* a slow producer */
                assert_int_equal(kz_parallel_post(b), i);
                posted++;
            }
            assert_int_equal(kz_parallel_post(b), SIZE_MAX); /* past max_jobs */
            kz_parallel_finish(b);
            for (size_t i = 0; i < posted; i++) {
                if (atomic_load(&c->hits[i]) != 1 || atomic_load(&c->output[i]) != 2 * (i + 1))
                    fail_msg("workers %u, job %zu: ran %u times, output %zu", workers, i, atomic_load(&c->hits[i]),
                             atomic_load(&c->output[i]));
            }
            free(c);

            _Atomic unsigned *hits = calloc(max ? max : 1, sizeof *hits);
            count_ctx cc = {hits};
            kz_parallel_finish(kz_parallel_start(max, workers, count_job, &cc));
            for (size_t i = 0; i < max; i++) assert_int_equal(atomic_load(&hits[i]), 1);
            free(hits);
        }
    }
    kz_parallel_finish(NULL);
    kz_parallel_reap();
}

static void test_float_integers(void **state) {
    (void)state;
    static const struct {
        double f;
        const char *want;
    } cases[] = {
        {0, "0"},
        {-5, "-5"},
        {9090, "9090"},
        {100000, "100000"},
        {1000000, "1e+06"},
        {123456789, "1.23456789e+08"},
        {120000000, "1.2e+08"},
        {9007199254740991.0, "9.007199254740991e+15"},
        {9007199254740992.0, "9.007199254740992e+15"},
        {9007199254740994.0, "9.007199254740994e+15"},
        {1e21, "1e+21"},
        {0.5, "0.5"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        kz_buf b = KZ_BUF_INIT;
        kz_format_float(&b, cases[i].f, 'g', -1);
        assert_string_equal(kz_buf_cstr(&b), cases[i].want);
        kz_buf_free(&b);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_read_regular),
        cmocka_unit_test(test_read_special),
        cmocka_unit_test(test_parallel_for), cmocka_unit_test(test_parallel_posted),
        cmocka_unit_test(test_float_integers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
