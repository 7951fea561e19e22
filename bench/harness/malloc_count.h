/* bench/harness/malloc_count.h - whole-process allocation counting.
 *
 * malloc_count.c defines malloc, calloc, realloc, reallocarray, free,
 * posix_memalign, aligned_alloc, memalign, valloc and pvalloc in the bench
 * binary. The dynamic linker binds every caller in the process (libc itself,
 * peers' libraries, zhttp) to these definitions; they forward to glibc's
 * __libc_* entry points and, while counting is on, add each successful
 * allocation and its requested size to process-wide atomic counters. Under
 * ASan the file is not linked (ASan owns malloc) and malloc_count_active()
 * reports false. */
#ifndef ZH_BENCH_MALLOC_COUNT_H
#define ZH_BENCH_MALLOC_COUNT_H

#include <stdbool.h>
#include <stdint.h>

typedef struct malloc_counts {
    uint64_t allocs; /* successful allocations, a realloc counting as one */
    uint64_t bytes;  /* bytes requested by them */
    uint64_t frees;  /* free calls with a non-NULL pointer */
} malloc_counts;

/* Turns counting on or off (process-wide). */
void malloc_count_enable(bool on);
/* Counters since the process started (only the counted periods). */
malloc_counts malloc_count_get(void);
/* True when the interposer is linked and really sees allocations made inside
 * libc (checked once with strdup). */
bool malloc_count_active(void);

#endif
