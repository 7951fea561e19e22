/* fuzz/afl_main.c - the AFL++ driver: persistent mode with shared-memory test cases
 * (__AFL_FUZZ_TESTCASE_BUF), deferred fork server, around the same
 * LLVMFuzzerTestOneInput as the libFuzzer and replay builds. Compiled only by
 * afl-clang-fast / afl-clang-lto (the macros below come from the compiler).
 *
 * Usage under afl-fuzz: afl-fuzz -i seeds -o out -- afl_<target>
 * Outside afl-fuzz: afl_<target> FILE... runs the files (reproduce a crash), and
 * with no argument the test case is read from stdin (afl-tmin, afl-cmin). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz_support.h"

__attribute__((weak)) int LLVMFuzzerInitialize(int *argc, char ***argv);

__AFL_FUZZ_INIT();

static void run_copy(const unsigned char *p, size_t len)
{
    /* an exact-size copy: a read past the end lands outside the allocation */
    char *copy = fz_dup(p, len);
    LLVMFuzzerTestOneInput((const uint8_t *)copy, len);
    free(copy);
}

static int run_files(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        FILE *f = fopen(argv[i], "rb");
        if (f == NULL) {
            perror(argv[i]);
            return 2;
        }
        static unsigned char buf[1 << 20];
        size_t n = fread(buf, 1, sizeof buf, f);
        fclose(f);
        run_copy(buf, n);
    }
    printf("afl driver: %d inputs ok\n", argc - 1);
    return 0;
}

int main(int argc, char **argv)
{
    if (LLVMFuzzerInitialize)
        LLVMFuzzerInitialize(&argc, &argv);
    if (argc > 1 && getenv("__AFL_SHM_ID") == NULL)
        return run_files(argc, argv);
#ifdef __AFL_HAVE_MANUAL_CONTROL
    __AFL_INIT();
#endif
    unsigned char *buf = __AFL_FUZZ_TESTCASE_BUF;
    while (__AFL_LOOP(100000)) {
        int len = __AFL_FUZZ_TESTCASE_LEN;
        if (len < 0)
            len = 0;
        run_copy(buf, (size_t)len);
    }
    return 0;
}
