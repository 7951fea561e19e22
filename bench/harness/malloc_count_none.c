/* bench/harness/malloc_count_none.c - stands in for malloc_count.c where the
 * process's malloc belongs to someone else (ASan, or a build without the
 * interposer): whole-process counts are then unavailable and reported as such. */
#include "malloc_count.h"

void malloc_count_enable(bool on) { (void)on; }
malloc_counts malloc_count_get(void) { return (malloc_counts){ 0, 0, 0 }; }
bool malloc_count_active(void) { return false; }
