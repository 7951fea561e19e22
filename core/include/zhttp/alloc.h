/* zhttp/alloc.h - the one door through which the library allocates.
 *
 * Every byte zhttp allocates goes through zh_alloc/zh_realloc/zh_free, which call
 * the installed allocator (malloc by default) and count calls per thread, so a
 * test can prove "zero allocations per request after warm-up". Failure is always
 * reported as ZH_E_NOMEM to the caller, never an abort. */
#ifndef ZHTTP_ALLOC_H
#define ZHTTP_ALLOC_H

#include "zhttp/common.h"

ZH_BEGIN_DECLS

typedef struct zh_allocator {
    /* Same contracts as malloc/realloc/free; ud is passed through. */
    void *(*alloc)(void *ud, size_t size);
    void *(*realloc)(void *ud, void *ptr, size_t size);
    void (*free)(void *ud, void *ptr);
    void *ud;
} zh_allocator;

/* Counters of the calling thread since the last zh_alloc_stats_reset(). */
typedef struct zh_alloc_stats {
    uint64_t allocs;   /* successful zh_alloc + zh_realloc calls */
    uint64_t frees;    /* zh_free calls with a non-NULL pointer */
    uint64_t bytes;    /* bytes requested by those allocs */
    uint64_t failures; /* allocations that returned NULL */
} zh_alloc_stats;

/* Installs a process-wide allocator (NULL restores malloc). Call before any other
 * zhttp call: memory must be freed by the allocator that made it. */
ZH_API void zh_set_allocator(const zh_allocator *a);

ZH_API void *zh_alloc(size_t size);
ZH_API void *zh_calloc(size_t n, size_t size); /* zeroed; overflow-checked */
ZH_API void *zh_realloc(void *ptr, size_t size);
ZH_API void zh_free(void *ptr);

/* This thread's counters. */
ZH_API zh_alloc_stats zh_alloc_stats_get(void);
ZH_API void zh_alloc_stats_reset(void);

/* Pool debug mode (STYLE.md §9): when on, library pools never recycle; every
 * acquire is a fresh allocation and every release a free, so ASan and Valgrind see
 * each object's real lifetime. Set from the environment variable ZHTTP_POOL_DEBUG=1
 * at first use, or by this call. */
ZH_API void zh_pool_debug_set(bool on);
ZH_API bool zh_pool_debug(void);

/* Fault injection for tests: the Nth allocation from now (1-based) on this thread
 * fails, and every one after it too if sticky. 0 disables. */
ZH_API void zh_alloc_fail_after(uint64_t n, bool sticky);

ZH_END_DECLS

#endif
