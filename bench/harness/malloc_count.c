/* bench/harness/malloc_count.c - the malloc interposer of the bench binaries.
 * See malloc_count.h. glibc supports replacing malloc this way (its manual,
 * "Replacing malloc"): libc's own internal allocations call these too. */
#include <errno.h>
#include <malloc.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "malloc_count.h"

/* glibc's real allocator, exported for exactly this purpose. */
extern void *__libc_malloc(size_t size);
extern void *__libc_calloc(size_t n, size_t size);
extern void *__libc_realloc(void *ptr, size_t size);
extern void __libc_free(void *ptr);
extern void *__libc_memalign(size_t align, size_t size);
extern void *__libc_valloc(size_t size);
extern void *__libc_pvalloc(size_t size);

static atomic_bool counting;
static atomic_uint_fast64_t n_allocs, n_bytes, n_frees;

static inline void note_alloc(const void *p, size_t size)
{
    if (p && atomic_load_explicit(&counting, memory_order_relaxed)) {
        atomic_fetch_add_explicit(&n_allocs, 1, memory_order_relaxed);
        atomic_fetch_add_explicit(&n_bytes, size, memory_order_relaxed);
    }
}

void *malloc(size_t size)
{
    void *p = __libc_malloc(size);
    note_alloc(p, size);
    return p;
}

void *calloc(size_t n, size_t size)
{
    void *p = __libc_calloc(n, size);
    note_alloc(p, n * size); /* __libc_calloc refused an overflowing product */
    return p;
}

void *realloc(void *ptr, size_t size)
{
    void *p = __libc_realloc(ptr, size);
    /* realloc(p, 0) frees: count it as a free, not an allocation. */
    if (ptr && size == 0) {
        if (atomic_load_explicit(&counting, memory_order_relaxed))
            atomic_fetch_add_explicit(&n_frees, 1, memory_order_relaxed);
        return p;
    }
    note_alloc(p, size);
    return p;
}

void *reallocarray(void *ptr, size_t n, size_t size)
{
    if (size && n > SIZE_MAX / size) {
        errno = ENOMEM;
        return NULL;
    }
    return realloc(ptr, n * size);
}

void free(void *ptr)
{
    if (ptr && atomic_load_explicit(&counting, memory_order_relaxed))
        atomic_fetch_add_explicit(&n_frees, 1, memory_order_relaxed);
    __libc_free(ptr);
}

int posix_memalign(void **out, size_t align, size_t size)
{
    if (align < sizeof(void *) || (align & (align - 1)) != 0)
        return EINVAL;
    void *p = __libc_memalign(align, size);
    if (!p)
        return ENOMEM;
    note_alloc(p, size);
    *out = p;
    return 0;
}

void *aligned_alloc(size_t align, size_t size)
{
    void *p = __libc_memalign(align, size);
    note_alloc(p, size);
    return p;
}

void *memalign(size_t align, size_t size)
{
    void *p = __libc_memalign(align, size);
    note_alloc(p, size);
    return p;
}

void *valloc(size_t size)
{
    void *p = __libc_valloc(size);
    note_alloc(p, size);
    return p;
}

void *pvalloc(size_t size)
{
    void *p = __libc_pvalloc(size);
    note_alloc(p, size);
    return p;
}

void malloc_count_enable(bool on)
{
    atomic_store_explicit(&counting, on, memory_order_seq_cst);
}

malloc_counts malloc_count_get(void)
{
    return (malloc_counts){ atomic_load(&n_allocs), atomic_load(&n_bytes), atomic_load(&n_frees) };
}

bool malloc_count_active(void)
{
    static int known = -1;
    if (known < 0) {
        bool was = atomic_load(&counting);
        malloc_count_enable(true);
        malloc_counts before = malloc_count_get();
        char *volatile s = strdup("probe"); /* allocates inside libc */
        malloc_counts after = malloc_count_get();
        free(s);
        malloc_count_enable(was);
        known = after.allocs > before.allocs;
    }
    return known == 1;
}
