/* bench/peers/alloc_preload.c - an LD_PRELOAD allocation counter for servers
 * measured from outside (bench/peers/servers): nginx, h2o, lighttpd and
 * `zhttp serve` get the same treatment.
 *
 * At load it maps the file named by ZH_ALLOC_COUNT_FILE (created if missing)
 * MAP_SHARED: every process of the server (a master and the workers it forks
 * inherit the mapping) adds to the same counters with atomic increments, and the
 * script reads the file before and after a wrk run. Without the variable it only
 * forwards. Allocation calls forward to glibc's __libc_* entry points, as in the
 * bench binaries' interposer (bench/harness/malloc_count.c). */
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

extern void *__libc_malloc(size_t size);
extern void *__libc_calloc(size_t n, size_t size);
extern void *__libc_realloc(void *ptr, size_t size);
extern void __libc_free(void *ptr);
extern void *__libc_memalign(size_t align, size_t size);

/* The file's layout: what bench/peers/servers reads (four little-endian u64). */
typedef struct shared_counts {
    _Atomic uint64_t allocs, bytes, frees, processes;
} shared_counts;

static shared_counts *counts;

__attribute__((constructor)) static void preload_init(void)
{
    const char *path = getenv("ZH_ALLOC_COUNT_FILE");
    if (!path || !*path)
        return;
    int fd = open(path, O_RDWR | O_CREAT, 0600);
    if (fd < 0)
        return;
    if (ftruncate(fd, sizeof(shared_counts)) == 0) {
        void *p = mmap(NULL, sizeof(shared_counts), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
        if (p != MAP_FAILED) {
            counts = p;
            atomic_fetch_add(&counts->processes, 1);
        }
    }
    close(fd);
}

static inline void note(const void *p, size_t size)
{
    if (p && counts) {
        atomic_fetch_add_explicit(&counts->allocs, 1, memory_order_relaxed);
        atomic_fetch_add_explicit(&counts->bytes, size, memory_order_relaxed);
    }
}

void *malloc(size_t size)
{
    void *p = __libc_malloc(size);
    note(p, size);
    return p;
}

void *calloc(size_t n, size_t size)
{
    void *p = __libc_calloc(n, size);
    note(p, n * size);
    return p;
}

void *realloc(void *ptr, size_t size)
{
    void *p = __libc_realloc(ptr, size);
    if (!(ptr && size == 0))
        note(p, size);
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
    if (ptr && counts)
        atomic_fetch_add_explicit(&counts->frees, 1, memory_order_relaxed);
    __libc_free(ptr);
}

int posix_memalign(void **out, size_t align, size_t size)
{
    if (align < sizeof(void *) || (align & (align - 1)) != 0)
        return EINVAL;
    void *p = __libc_memalign(align, size);
    if (!p)
        return ENOMEM;
    note(p, size);
    *out = p;
    return 0;
}

void *aligned_alloc(size_t align, size_t size)
{
    void *p = __libc_memalign(align, size);
    note(p, size);
    return p;
}

void *memalign(size_t align, size_t size)
{
    void *p = __libc_memalign(align, size);
    note(p, size);
    return p;
}
