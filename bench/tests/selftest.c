/* bench/tests/selftest.c - benchmarks whose allocation counts are known, run by
 * tests/gate_test.sh to check the malloc interposer, the timer discipline and
 * the bench/compare allocation gate on real harness output. */
#include <malloc.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "zhttp/alloc.h"

static void no_alloc(bench_b *b)
{
    uint64_t sum = 0;
    for (uint64_t i = 0; i < b->n; i++)
        sum += i ^ (sum << 1);
    BENCH_KEEP(sum);
}

static void malloc64(bench_b *b)
{
    for (uint64_t i = 0; i < b->n; i++) {
        char *p = malloc(64);
        BENCH_KEEP(p);
        free(p);
    }
}

/* libc's own internal allocation must be seen too. */
static void libc_strdup(bench_b *b)
{
    for (uint64_t i = 0; i < b->n; i++) {
        char *p = strdup("hello");
        BENCH_KEEP(p);
        free(p);
    }
}

/* Through zhttp's allocator: counted by both the interposer and zh counters. */
static void zh_alloc32(bench_b *b)
{
    for (uint64_t i = 0; i < b->n; i++) {
        void *p = zh_alloc(32);
        BENCH_KEEP(p);
        zh_free(p);
    }
}

/* Every entry point: 5 allocations, 64+128+64+8+100 = 364 bytes per op. */
static void mixed(bench_b *b)
{
    for (uint64_t i = 0; i < b->n; i++) {
        void *c = calloc(4, 16);
        void *pm = NULL;
        if (posix_memalign(&pm, 64, 128) != 0) {
            bench_fail(b, "posix_memalign failed");
            return;
        }
        void *aa = aligned_alloc(64, 64);
        char *r = malloc(8);
        char *r2 = realloc(r, 100);
        BENCH_KEEP(c);
        BENCH_KEEP(aa);
        BENCH_KEEP(r2);
        free(c);
        free(pm);
        free(aa);
        free(r2);
    }
}

/* Allocations while the timer is stopped, or before a reset, are not counted. */
static void setup_outside_timer(bench_b *b)
{
    bench_stop_timer(b);
    char *big = malloc(1 << 20);
    bench_start_timer(b);
    char *early = malloc(16); /* discarded by the reset below */
    bench_reset_timer(b);
    for (uint64_t i = 0; i < b->n; i++)
        big[i & ((1 << 20) - 1)] = (char)i;
    BENCH_KEEP(big);
    bench_stop_timer(b);
    free(early);
    free(big);
}

/* One allocation per op only when ZH_BENCH_SELFTEST_ALLOC=1: the "regression"
 * the gate test introduces. */
static void maybe_alloc(bench_b *b)
{
    const char *env = getenv("ZH_BENCH_SELFTEST_ALLOC");
    bool alloc = env && strcmp(env, "1") == 0;
    for (uint64_t i = 0; i < b->n; i++) {
        if (alloc) {
            char *p = malloc(24);
            BENCH_KEEP(p);
            free(p);
        } else {
            BENCH_KEEP(i);
        }
    }
}

static void fails(bench_b *b)
{
    if (b->n > 0)
        bench_fail(b, "failing on purpose");
}

int main(int argc, char **argv)
{
    bench_register("Harness/NoAlloc", no_alloc, NULL);
    bench_register("Harness/Malloc64", malloc64, NULL);
    bench_register("Harness/LibcStrdup", libc_strdup, NULL);
    bench_register("Harness/ZhAlloc32", zh_alloc32, NULL);
    bench_register("Harness/Mixed", mixed, NULL);
    bench_register("Harness/SetupOutsideTimer", setup_outside_timer, NULL);
    bench_register("Harness/MaybeAlloc", maybe_alloc, NULL);
    bench_register("HarnessFail/Fails", fails, NULL);
    return bench_main(argc, argv);
}
