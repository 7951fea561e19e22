/* bench/harness/bench.c - the runner: registration, calibration, timing,
 * allocation accounting, Go-format text and JSON output. See bench.h. */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <regex.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"
#include "malloc_count.h"
#include "zhttp/alloc.h"

#define MAX_BENCHES 512
#define MAX_COUNT 100

typedef struct bench_def {
    char name[128];
    bench_fn fn;
    const void *arg;
} bench_def;

typedef struct bench_result {
    uint64_t n, ns, bytes_per_op;
    uint64_t allocs, alloc_bytes, zh_allocs, zh_bytes;
} bench_result;

static bench_def benches[MAX_BENCHES];
static size_t num_benches;

/* Command-line options. */
static struct {
    const char *filter;
    double benchtime_s;    /* target seconds, when fixed_n == 0 */
    uint64_t fixed_n;      /* -benchtime Nx */
    double warmup_s;       /* untimed run before the measured ones */
    int count;
    int pin_cpu;           /* -1: no pinning */
    const char *json_path;
    bool list;
    bool verbose;
    bool short_mode;
} opt = { ".", 1.0, 0, -1.0, 1, -1, NULL, false, false, false };

bool bench_short(void) { return opt.short_mode; }

void bench_register(const char *name, bench_fn fn, const void *arg)
{
    if (num_benches == MAX_BENCHES) {
        fprintf(stderr, "bench: too many benchmarks (max %d)\n", MAX_BENCHES);
        exit(2);
    }
    bench_def *d = &benches[num_benches++];
    snprintf(d->name, sizeof d->name, "%s", name);
    d->fn = fn;
    d->arg = arg;
}

uint64_t bench_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

void bench_set_bytes(bench_b *b, uint64_t bytes) { b->bytes = bytes; }

void bench_start_timer(bench_b *b)
{
    if (b->timing)
        return;
    zh_alloc_stats zs = zh_alloc_stats_get();
    b->zh_alloc_start = zs.allocs;
    b->zh_bytes_start = zs.bytes;
    malloc_counts mc = malloc_count_get();
    b->alloc_start = mc.allocs;
    b->alloc_bytes_start = mc.bytes;
    b->timing = true;
    malloc_count_enable(true);
    b->start_ns = bench_now_ns();
}

void bench_stop_timer(bench_b *b)
{
    if (!b->timing)
        return;
    uint64_t now = bench_now_ns();
    malloc_count_enable(false);
    b->elapsed_ns += now - b->start_ns;
    malloc_counts mc = malloc_count_get();
    b->allocs += mc.allocs - b->alloc_start;
    b->alloc_bytes += mc.bytes - b->alloc_bytes_start;
    zh_alloc_stats zs = zh_alloc_stats_get();
    b->zh_allocs += zs.allocs - b->zh_alloc_start;
    b->zh_bytes += zs.bytes - b->zh_bytes_start;
    b->timing = false;
}

void bench_reset_timer(bench_b *b)
{
    bool was = b->timing;
    bench_stop_timer(b);
    b->elapsed_ns = 0;
    b->allocs = b->alloc_bytes = b->zh_allocs = b->zh_bytes = 0;
    if (was)
        bench_start_timer(b);
}

void bench_fail(bench_b *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(b->fail_msg, sizeof b->fail_msg, fmt, ap);
    va_end(ap);
    b->failed = true;
}

/* One call of the benchmark function with b->n = n. */
static bench_result run_n(const bench_def *d, uint64_t n, bool *failed, char *msg, size_t msgcap)
{
    bench_b b;
    memset(&b, 0, sizeof b);
    b.n = n;
    b.arg = d->arg;
    bench_start_timer(&b);
    d->fn(&b);
    bench_stop_timer(&b);
    if (b.failed) {
        *failed = true;
        snprintf(msg, msgcap, "%s", b.fail_msg);
    }
    return (bench_result){ n, b.elapsed_ns, b.bytes, b.allocs, b.alloc_bytes, b.zh_allocs, b.zh_bytes };
}

/* Go's rule (testing.B.launch): predict the iterations for the target time from
 * the last run, add 20%, grow at most 100x and at least by one, cap at 1e9. */
static uint64_t predict_n(uint64_t goal_ns, uint64_t prev_n, uint64_t prev_ns)
{
    if (prev_ns == 0)
        prev_ns = 1;
    double n = (double)goal_ns * (double)prev_n / (double)prev_ns;
    n += n / 5;
    if (n > 100.0 * (double)prev_n)
        n = 100.0 * (double)prev_n;
    if (n < (double)prev_n + 1)
        n = (double)prev_n + 1;
    if (n > 1e9)
        n = 1e9;
    return (uint64_t)n;
}

static bench_result measure(const bench_def *d, bool *failed, char *msg, size_t msgcap)
{
    /* run1 (Go's b.run1): one iteration, which also runs any lazy setup. */
    bench_result r = run_n(d, 1, failed, msg, msgcap);
    if (*failed)
        return r;
    if (opt.warmup_s > 0) {
        uint64_t goal = (uint64_t)(opt.warmup_s * 1e9);
        uint64_t n = 1;
        while (r.ns < goal && n < 1000000000u && !*failed) {
            n = predict_n(goal, r.n, r.ns);
            r = run_n(d, n, failed, msg, msgcap);
        }
        if (*failed)
            return r;
    }
    if (opt.fixed_n)
        return run_n(d, opt.fixed_n, failed, msg, msgcap);
    uint64_t goal = (uint64_t)(opt.benchtime_s * 1e9);
    r = run_n(d, 1, failed, msg, msgcap);
    while (!*failed && r.ns < goal && r.n < 1000000000u)
        r = run_n(d, predict_n(goal, r.n, r.ns), failed, msg, msgcap);
    return r;
}

/* Go's testing.prettyPrint: significant digits that shrink as values grow. */
static void pretty(FILE *f, double x, const char *unit)
{
    double y = fabs(x);
    if (y == 0 || y >= 999.95)
        fprintf(f, "\t%10.0f %s", x, unit);
    else if (y >= 99.995)
        fprintf(f, "\t%12.1f %s", x, unit);
    else if (y >= 9.9995)
        fprintf(f, "\t%13.2f %s", x, unit);
    else if (y >= 0.99995)
        fprintf(f, "\t%14.3f %s", x, unit);
    else if (y >= 0.099995)
        fprintf(f, "\t%15.4f %s", x, unit);
    else if (y >= 0.0099995)
        fprintf(f, "\t%16.5f %s", x, unit);
    else
        fprintf(f, "\t%17.6f %s", x, unit);
}

static bool counting_ok;

static void print_line(FILE *f, const bench_def *d, int width, const bench_result *r)
{
    double nsop = (double)r->ns / (double)r->n;
    char full[160];
    snprintf(full, sizeof full, "%s-1", d->name);
    fprintf(f, "Benchmark%-*s\t%8" PRIu64, width, full, r->n);
    pretty(f, nsop, "ns/op");
    if (r->bytes_per_op && r->ns)
        fprintf(f, "\t%7.2f MB/s", (double)r->bytes_per_op * (double)r->n / ((double)r->ns / 1e9) / 1e6);
    if (counting_ok)
        fprintf(f, "\t%8" PRIu64 " B/op\t%8" PRIu64 " allocs/op", r->alloc_bytes / r->n,
                r->allocs / r->n);
    fprintf(f, "\t%8" PRIu64 " zh-B/op\t%8" PRIu64 " zh-allocs/op\n", r->zh_bytes / r->n,
            r->zh_allocs / r->n);
    fflush(f);
}

static void json_str(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            fprintf(f, "\\%c", c);
        else if (c < 0x20)
            fprintf(f, "\\u%04x", c);
        else
            fputc(c, f);
    }
    fputc('"', f);
}

static void cpu_model(char *out, size_t cap)
{
    snprintf(out, cap, "unknown");
    FILE *f = fopen("/proc/cpuinfo", "r");
    if (!f)
        return;
    char line[512];
    while (fgets(line, sizeof line, f)) {
        if (strncmp(line, "model name", 10) == 0) {
            char *p = strchr(line, ':');
            if (p) {
                p++;
                while (*p == ' ')
                    p++;
                p[strcspn(p, "\n")] = 0;
                snprintf(out, cap, "%s", p);
            }
            break;
        }
    }
    fclose(f);
}

static void git_rev(char *out, size_t cap)
{
    snprintf(out, cap, "unknown");
    const char *env = getenv("ZH_BENCH_REV");
    if (env && *env) {
        snprintf(out, cap, "%s", env);
        return;
    }
#ifdef ZH_BENCH_SRCDIR
    FILE *p = popen("git -C '" ZH_BENCH_SRCDIR "' describe --always --dirty --abbrev=7 2>/dev/null", "r");
#else
    FILE *p = popen("git describe --always --dirty --abbrev=7 2>/dev/null", "r");
#endif
    if (!p)
        return;
    char line[128];
    if (fgets(line, sizeof line, p)) {
        line[strcspn(line, "\n")] = 0;
        if (*line)
            snprintf(out, cap, "%s", line);
    }
    pclose(p);
}

/* "1s", "250ms", "2.5s", "100us", "100x". */
static bool parse_benchtime(const char *s)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || v <= 0)
        return false;
    if (strcmp(end, "x") == 0) {
        if (v != floor(v) || v > 1e12)
            return false;
        opt.fixed_n = (uint64_t)v;
        return true;
    }
    double mul = strcmp(end, "s") == 0    ? 1.0
               : strcmp(end, "ms") == 0   ? 1e-3
               : strcmp(end, "us") == 0   ? 1e-6
               : strcmp(end, "ns") == 0   ? 1e-9
               : strcmp(end, "m") == 0    ? 60.0
                                          : -1.0;
    if (mul < 0)
        return false;
    opt.fixed_n = 0;
    opt.benchtime_s = v * mul;
    return true;
}

static void usage(FILE *f, const char *prog)
{
    fprintf(f,
            "usage: %s [options]\n"
            "  -bench REGEX     run benchmarks whose name matches (POSIX ERE; default: all)\n"
            "  -benchtime D     target time per measurement (1s, 300ms) or exact iterations (100x)\n"
            "  -count N         measure each benchmark N times (default 1)\n"
            "  -cpu N           pin the process to CPU N before running\n"
            "  -warmup D        untimed warm-up per benchmark (default: benchtime/10, none with Nx)\n"
            "  -json FILE       also write every result as JSON to FILE\n"
            "  -list            print the benchmark names and exit\n"
            "  -v               print configuration details\n"
            "  -short           shrink the engine rows' set-up (smoke tests; not for figures)\n"
            "  -benchmem        accepted for Go compatibility (memory is always reported)\n"
            "Options also take the --long form. Output is Go's benchmark format (benchstat).\n",
            prog);
}

int bench_main(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (a[0] == '-' && a[1] == '-')
            a++;
        const char *val = NULL;
        char flag[32];
        const char *eq = strchr(a, '=');
        if (eq && (size_t)(eq - a) < sizeof flag) {
            memcpy(flag, a, (size_t)(eq - a));
            flag[eq - a] = 0;
            val = eq + 1;
        } else {
            snprintf(flag, sizeof flag, "%s", a);
        }
        bool needs = strcmp(flag, "-bench") == 0 || strcmp(flag, "-benchtime") == 0 ||
                     strcmp(flag, "-count") == 0 || strcmp(flag, "-cpu") == 0 ||
                     strcmp(flag, "-json") == 0 || strcmp(flag, "-warmup") == 0;
        if (needs && !val) {
            if (i + 1 >= argc) {
                fprintf(stderr, "bench: %s needs a value\n", flag);
                return 2;
            }
            val = argv[++i];
        }
        if (strcmp(flag, "-bench") == 0) {
            opt.filter = val;
        } else if (strcmp(flag, "-benchtime") == 0) {
            if (!parse_benchtime(val)) {
                fprintf(stderr, "bench: bad -benchtime %s\n", val);
                return 2;
            }
        } else if (strcmp(flag, "-warmup") == 0) {
            uint64_t keep_n = opt.fixed_n;
            double keep_t = opt.benchtime_s;
            if (strcmp(val, "0") == 0) {
                opt.warmup_s = 0;
            } else if (parse_benchtime(val) && opt.fixed_n == 0) {
                opt.warmup_s = opt.benchtime_s;
            } else {
                fprintf(stderr, "bench: bad -warmup %s (a duration)\n", val);
                return 2;
            }
            opt.fixed_n = keep_n;
            opt.benchtime_s = keep_t;
        } else if (strcmp(flag, "-count") == 0) {
            opt.count = atoi(val);
            if (opt.count < 1 || opt.count > MAX_COUNT) {
                fprintf(stderr, "bench: -count must be 1..%d\n", MAX_COUNT);
                return 2;
            }
        } else if (strcmp(flag, "-cpu") == 0) {
            opt.pin_cpu = atoi(val);
        } else if (strcmp(flag, "-json") == 0) {
            opt.json_path = val;
        } else if (strcmp(flag, "-list") == 0) {
            opt.list = true;
        } else if (strcmp(flag, "-v") == 0) {
            opt.verbose = true;
        } else if (strcmp(flag, "-short") == 0) {
            opt.short_mode = true;
        } else if (strcmp(flag, "-benchmem") == 0) {
            /* always on */
        } else if (strcmp(flag, "-h") == 0 || strcmp(flag, "-help") == 0) {
            usage(stdout, argv[0]);
            return 0;
        } else {
            fprintf(stderr, "bench: unknown option %s\n", argv[i]);
            usage(stderr, argv[0]);
            return 2;
        }
    }
    if (opt.warmup_s < 0)
        opt.warmup_s = opt.fixed_n ? 0 : opt.benchtime_s / 10;

    regex_t re;
    if (regcomp(&re, opt.filter, REG_EXTENDED | REG_NOSUB) != 0) {
        fprintf(stderr, "bench: bad -bench regex %s\n", opt.filter);
        return 2;
    }
    size_t sel[MAX_BENCHES], nsel = 0;
    int width = 0;
    for (size_t i = 0; i < num_benches; i++) {
        if (regexec(&re, benches[i].name, 0, NULL, 0) == 0) {
            sel[nsel++] = i;
            int w = (int)strlen(benches[i].name) + 2; /* "-1" */
            if (w > width)
                width = w;
        }
    }
    regfree(&re);
    if (opt.list) {
        for (size_t i = 0; i < nsel; i++)
            printf("%s\n", benches[sel[i]].name);
        return 0;
    }

    if (opt.pin_cpu >= 0) {
        cpu_set_t set;
        CPU_ZERO(&set);
        CPU_SET(opt.pin_cpu, &set);
        if (sched_setaffinity(0, sizeof set, &set) != 0) {
            fprintf(stderr, "bench: cannot pin to CPU %d: %s\n", opt.pin_cpu, strerror(errno));
            return 2;
        }
    }

    counting_ok = malloc_count_active();
    char cpu[256], rev[128];
    cpu_model(cpu, sizeof cpu);
    git_rev(rev, sizeof rev);
    printf("goos: linux\ngoarch: amd64\npkg: zhttp/bench\ncpu: %s\n", cpu);
    if (opt.verbose || !counting_ok)
        printf("# malloc interposer: %s; rev %s; pinned cpu %d\n",
               counting_ok ? "active (whole-process B/op, allocs/op)"
                           : "INACTIVE (B/op, allocs/op not measured; only zh-* counters)",
               rev, opt.pin_cpu);

    FILE *json = NULL;
    if (opt.json_path) {
        json = fopen(opt.json_path, "w");
        if (!json) {
            fprintf(stderr, "bench: cannot write %s: %s\n", opt.json_path, strerror(errno));
            return 2;
        }
        time_t now = time(NULL);
        char date[64];
        strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
        fprintf(json, "{\n  \"format\": \"zhttp-bench-1\",\n  \"date\": \"%s\",\n  \"rev\": ", date);
        json_str(json, rev);
        fprintf(json, ",\n  \"cpu\": ");
        json_str(json, cpu);
        fprintf(json, ",\n  \"nproc\": %ld,\n  \"pinned_cpu\": %d,\n", sysconf(_SC_NPROCESSORS_ONLN),
                opt.pin_cpu);
        if (opt.fixed_n)
            fprintf(json, "  \"benchtime\": \"%" PRIu64 "x\",\n", opt.fixed_n);
        else
            fprintf(json, "  \"benchtime\": \"%gs\",\n", opt.benchtime_s);
        fprintf(json, "  \"count\": %d,\n  \"malloc_interposer\": %s,\n  \"benchmarks\": [", opt.count,
                counting_ok ? "true" : "false");
    }

    uint64_t t0 = bench_now_ns();
    int failures = 0;
    for (size_t k = 0; k < nsel; k++) {
        const bench_def *d = &benches[sel[k]];
        bench_result res[MAX_COUNT];
        int got = 0;
        for (int c = 0; c < opt.count; c++) {
            bool failed = false;
            char msg[256] = "";
            bench_result r = measure(d, &failed, msg, sizeof msg);
            if (failed) {
                printf("--- FAIL: Benchmark%s\n    %s\n", d->name, msg);
                fflush(stdout);
                failures++;
                break;
            }
            res[got++] = r;
            print_line(stdout, d, width, &r);
        }
        if (json) {
            fprintf(json, "%s\n    {\"name\": ", k ? "," : "");
            json_str(json, d->name);
            fprintf(json, ", \"failed\": %s, \"runs\": [", got < opt.count ? "true" : "false");
            for (int c = 0; c < got; c++) {
                const bench_result *r = &res[c];
                double n = (double)r->n;
                fprintf(json,
                        "%s\n      {\"n\": %" PRIu64 ", \"ns\": %" PRIu64 ", \"ns_per_op\": %.4f, "
                        "\"bytes_per_op\": %" PRIu64 ", \"mb_per_s\": %.3f, "
                        "\"allocs\": %" PRIu64 ", \"alloc_bytes\": %" PRIu64 ", "
                        "\"allocs_per_op\": %.6f, \"alloc_bytes_per_op\": %.4f, "
                        "\"zh_allocs\": %" PRIu64 ", \"zh_bytes\": %" PRIu64 "}",
                        c ? "," : "", r->n, r->ns, (double)r->ns / n, r->bytes_per_op,
                        r->ns ? (double)r->bytes_per_op * n / ((double)r->ns / 1e9) / 1e6 : 0.0,
                        counting_ok ? r->allocs : r->zh_allocs,
                        counting_ok ? r->alloc_bytes : r->zh_bytes,
                        (double)(counting_ok ? r->allocs : r->zh_allocs) / n,
                        (double)(counting_ok ? r->alloc_bytes : r->zh_bytes) / n, r->zh_allocs,
                        r->zh_bytes);
            }
            fprintf(json, "]}");
        }
    }
    double secs = (double)(bench_now_ns() - t0) / 1e9;
    if (json) {
        fprintf(json, "\n  ]\n}\n");
        if (fclose(json) != 0) {
            fprintf(stderr, "bench: error writing %s\n", opt.json_path);
            return 2;
        }
    }
    printf("%s\n%s\tzhttp/bench\t%.3fs\n", failures ? "FAIL" : "PASS", failures ? "FAIL" : "ok", secs);
    return failures ? 1 : 0;
}
