/* The library's only allocator entry points, with per-thread counters and
 * fault injection for tests. */
#include <stdlib.h>
#include <string.h>

#include "zhttp/alloc.h"

static void *default_alloc(void *ud, size_t size) { (void)ud; return malloc(size); }
static void *default_realloc(void *ud, void *p, size_t size) { (void)ud; return realloc(p, size); }
static void default_free(void *ud, void *p) { (void)ud; free(p); }

static zh_allocator current = { default_alloc, default_realloc, default_free, NULL };

static _Thread_local zh_alloc_stats stats;
static _Thread_local uint64_t fail_countdown; /* 0: off */
static _Thread_local bool fail_sticky;
static _Thread_local bool fail_tripped;

/* -1 unknown, 0 off, 1 on: read from the environment once. */
static int pool_debug = -1;

void zh_set_allocator(const zh_allocator *a)
{
    if (a && a->alloc && a->realloc && a->free)
        current = *a;
    else
        current = (zh_allocator){ default_alloc, default_realloc, default_free, NULL };
}

static bool should_fail(void)
{
    if (fail_tripped)
        return fail_sticky;
    if (fail_countdown == 0)
        return false;
    if (--fail_countdown == 0) {
        fail_tripped = true;
        return true;
    }
    return false;
}

void *zh_alloc(size_t size)
{
    void *p = should_fail() ? NULL : current.alloc(current.ud, size ? size : 1);
    if (!p) {
        stats.failures++;
        return NULL;
    }
    stats.allocs++;
    stats.bytes += size;
    return p;
}

void *zh_calloc(size_t n, size_t size)
{
    if (size && n > SIZE_MAX / size)
        return NULL;
    void *p = zh_alloc(n * size);
    if (p)
        memset(p, 0, n * size);
    return p;
}

void *zh_realloc(void *ptr, size_t size)
{
    void *p = should_fail() ? NULL : current.realloc(current.ud, ptr, size ? size : 1);
    if (!p) {
        stats.failures++;
        return NULL;
    }
    stats.allocs++;
    stats.bytes += size;
    return p;
}

void zh_free(void *ptr)
{
    if (!ptr)
        return;
    stats.frees++;
    current.free(current.ud, ptr);
}

zh_alloc_stats zh_alloc_stats_get(void) { return stats; }

void zh_alloc_stats_reset(void) { memset(&stats, 0, sizeof stats); }

void zh_alloc_fail_after(uint64_t n, bool sticky)
{
    fail_countdown = n;
    fail_sticky = sticky;
    fail_tripped = false;
}

void zh_pool_debug_set(bool on) { __atomic_store_n(&pool_debug, on ? 1 : 0, __ATOMIC_RELAXED); }

bool zh_pool_debug(void)
{
    int v = __atomic_load_n(&pool_debug, __ATOMIC_RELAXED);
    if (v < 0) {
        const char *env = getenv("ZHTTP_POOL_DEBUG");
        v = (env && env[0] == '1') ? 1 : 0;
        __atomic_store_n(&pool_debug, v, __ATOMIC_RELAXED);
    }
    return v == 1;
}
