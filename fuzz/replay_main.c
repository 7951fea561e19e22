/* fuzz/replay_main.c - the plain replay driver: runs files and directories (recursively,
 * in name order) through a target's LLVMFuzzerTestOneInput with any compiler and no
 * fuzzing engine. ctest uses it to replay corpus/ on every test run (also under ASan
 * and Valgrind). Each input is copied flush against an unmapped page, so a read past
 * its end faults even in a build without sanitizers.
 *
 * Usage: fuzz_<target> [-v] [-libFuzzer_flag=...] PATH...
 * Arguments starting with '-' other than -v are ignored (libFuzzer compatibility). */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz_support.h"

__attribute__((weak)) int LLVMFuzzerInitialize(int *argc, char ***argv);

static const char *current = "(none)";
static size_t ran, failed_paths;
static int verbose;

static void on_fatal(int sig)
{
    /* async-signal-safe report of which input was running */
    static const char msg[] = "\nreplay: crashed on input: ";
    if (write(2, msg, sizeof msg - 1) < 0 || write(2, current, strlen(current)) < 0 ||
        write(2, "\n", 1) < 0) {
        /* nothing more we can do */
    }
    signal(sig, SIG_DFL);
    raise(sig);
}

static void run_bytes(const char *data, size_t len)
{
    size_t ps = (size_t)sysconf(_SC_PAGESIZE);
    size_t span = (len + ps - 1) / ps * ps;
    char *base = mmap(NULL, span + ps, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (base == MAP_FAILED || mprotect(base + span, ps, PROT_NONE) != 0) {
        perror("replay: mmap");
        exit(2);
    }
    char *p = base + span - len;
    if (len)
        memcpy(p, data, len);
    LLVMFuzzerTestOneInput((const uint8_t *)p, len);
    munmap(base, span + ps);
    ran++;
}

static void run_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        fprintf(stderr, "replay: cannot open %s: %s\n", path, strerror(errno));
        failed_paths++;
        return;
    }
    size_t cap = 4096, len = 0;
    char *buf = malloc(cap);
    for (;;) {
        if (buf == NULL) {
            fprintf(stderr, "replay: out of memory reading %s\n", path);
            exit(2);
        }
        len += fread(buf + len, 1, cap - len, f);
        if (len < cap)
            break;
        cap *= 2;
        char *nb = realloc(buf, cap);
        if (nb == NULL)
            free(buf);
        buf = nb;
    }
    fclose(f);
    current = path;
    if (verbose)
        fprintf(stderr, "replay: %s (%zu bytes)\n", path, len);
    run_bytes(buf, len);
    current = "(none)";
    free(buf);
}

static int skip_name(const char *name)
{
    /* dot files (.gitkeep) and READMEs are not inputs */
    return name[0] == '.' || strncmp(name, "README", 6) == 0;
}

static void run_path(const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
        failed_paths++;
        return;
    }
    if (!S_ISDIR(st.st_mode)) {
        run_file(path);
        return;
    }
    struct dirent **names;
    int n = scandir(path, &names, NULL, alphasort);
    if (n < 0) {
        fprintf(stderr, "replay: cannot list %s: %s\n", path, strerror(errno));
        failed_paths++;
        return;
    }
    for (int i = 0; i < n; i++) {
        if (!skip_name(names[i]->d_name)) {
            size_t need = strlen(path) + strlen(names[i]->d_name) + 2;
            char *child = malloc(need);
            if (child == NULL)
                exit(2);
            snprintf(child, need, "%s/%s", path, names[i]->d_name);
            run_path(child);
            free(child);
        }
        free(names[i]);
    }
    free(names);
}

int main(int argc, char **argv)
{
    signal(SIGABRT, on_fatal);
    signal(SIGSEGV, on_fatal);
    signal(SIGBUS, on_fatal);
    signal(SIGFPE, on_fatal);
    signal(SIGILL, on_fatal);
    if (LLVMFuzzerInitialize)
        LLVMFuzzerInitialize(&argc, &argv);
    size_t paths = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-v") == 0) {
            verbose = 1;
            continue;
        }
        if (argv[i][0] == '-')
            continue;
        paths++;
        run_path(argv[i]);
    }
    if (paths == 0) {
        fprintf(stderr, "usage: %s [-v] FILE|DIR...\n", argv[0]);
        return 2;
    }
    printf("replay: %zu inputs ok from %zu paths%s\n", ran, paths,
           failed_paths ? " (some paths unreadable)" : "");
    return failed_paths ? 1 : 0;
}
