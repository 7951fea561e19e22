/* bench/harness/bench.h - a small benchmark framework in the manner of Go's testing.B.
 *
 * A benchmark is a function that runs its operation b->n times. The runner picks n
 * so that one run lasts about -benchtime, repeats the measurement -count times and
 * prints each result in Go's benchmark line format, which benchstat reads:
 *
 *     BenchmarkParseRequest/browser/zhttp-1   5000000   231 ns/op   3043.29 MB/s   0 B/op   0 allocs/op
 *
 * Allocations are counted for the whole process (malloc_count.c interposes malloc
 * and friends in the bench binary) while the timer runs, and zhttp's own allocator
 * counters (zh_alloc_stats_get, calling thread only) are reported beside them as
 * the custom units zh-B/op and zh-allocs/op.
 *
 * Example:
 *     static void bench_parse(bench_b *b) {
 *         const corpus *c = b->arg;
 *         bench_set_bytes(b, c->len);
 *         for (uint64_t i = 0; i < b->n; i++)
 *             if (parse(c->ptr, c->len) != OK) { bench_fail(b, "parse failed"); return; }
 *     }
 *     bench_register("ParseRequest/browser/zhttp", bench_parse, &browser);
 */
#ifndef ZH_BENCH_H
#define ZH_BENCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct bench_b bench_b;
typedef void (*bench_fn)(bench_b *b);

struct bench_b {
    uint64_t n;       /* iterations to run: the loop bound */
    const void *arg;  /* the pointer given to bench_register */
    /* Private to the runner. */
    uint64_t bytes;   /* bytes processed per op (bench_set_bytes), for MB/s */
    bool timing;
    bool failed;
    char fail_msg[256];
    uint64_t start_ns, elapsed_ns;
    uint64_t alloc_start, alloc_bytes_start, allocs, alloc_bytes;
    uint64_t zh_alloc_start, zh_bytes_start, zh_allocs, zh_bytes;
};

/* Registers a benchmark (name without the "Benchmark" prefix; '/' separates
 * sub-benchmarks as in Go). arg is handed back in b->arg. Up to 512 benchmarks. */
void bench_register(const char *name, bench_fn fn, const void *arg);

/* Bytes processed by one operation: the runner reports MB/s from it. */
void bench_set_bytes(bench_b *b, uint64_t bytes);

/* Timer control for setup and teardown inside a benchmark function. The timer
 * and the allocation counting run between start and stop; reset discards what
 * was measured so far (Go's b.ResetTimer). The runner starts the timer before
 * calling the function and stops it after. */
void bench_start_timer(bench_b *b);
void bench_stop_timer(bench_b *b);
void bench_reset_timer(bench_b *b);

/* Marks the benchmark failed (printed as --- FAIL with msg, exit status 1). The
 * function should return after calling it. */
void bench_fail(bench_b *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Parses the command line, runs the selected benchmarks and prints the results.
 * Returns the process exit status. */
int bench_main(int argc, char **argv);

/* True with -short: suites shrink their set-up (fewer connections, callers and
 * warm-up requests) so a smoke run under Valgrind or ASan stays quick. The
 * figures of a -short run are not the published rows. */
bool bench_short(void);

/* Monotonic clock in nanoseconds. */
uint64_t bench_now_ns(void);

/* Keeps the compiler from deleting a computation whose result is unused. */
#define BENCH_KEEP(x) __asm__ __volatile__("" : : "g"(x) : "memory")

#endif
