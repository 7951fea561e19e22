#include "guard.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static size_t page_size(void) { return (size_t)sysconf(_SC_PAGESIZE); }

static size_t data_pages(size_t len)
{
    size_t ps = page_size();
    return (len + ps - 1) / ps * ps;
}

char *guard_copy(const void *data, size_t len)
{
    size_t ps = page_size(), span = data_pages(len);
    char *base = mmap(NULL, span + ps, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (base == MAP_FAILED) {
        perror("guard_copy: mmap");
        abort();
    }
    if (mprotect(base + span, ps, PROT_NONE) != 0) {
        perror("guard_copy: mprotect");
        abort();
    }
    char *p = base + span - len;
    if (len)
        memcpy(p, data, len);
    return p;
}

void guard_free(char *p, size_t len)
{
    size_t ps = page_size(), span = data_pages(len);
    char *base = p + len - span;
    munmap(base, span + ps);
}
