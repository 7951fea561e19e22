/* Test support: buffers that end flush against an unmapped page, so a parser
 * that reads one byte past the length it was given faults in a plain test run
 * (picohttpparser's trick), not only under ASan. */
#ifndef ZH_TEST_GUARD_H
#define ZH_TEST_GUARD_H

#include <stddef.h>

/* A copy of data[0..len) whose last byte is the last byte before a PROT_NONE
 * page. Never returns NULL (aborts the test on mmap failure). Free with guard_free. */
char *guard_copy(const void *data, size_t len);
void guard_free(char *p, size_t len);

#endif
