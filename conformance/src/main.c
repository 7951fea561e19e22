/* conformance/src/main.c - zhttp-conform: replays the case library against one
 * or more targets, compares every trace with its golden copy and with the case's
 * expectation, and reports (terminal, JUnit XML, JSON, comparison matrix).
 * See conformance/README.md for the case format and the workflow. */
#include <errno.h>
#include <fnmatch.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "conform.h"
#include "targets.h"

#ifndef ZH_CONFORM_DIR
#define ZH_CONFORM_DIR "conformance"
#endif

typedef struct result {
    const cf_case *c;
    size_t target;
    bool pass;
    bool no_golden;
    bool xfail;            /* a known deviation from the case's expectation */
    char reason[160];
    cf_buf trace;
    cf_buf detail;
    double seconds;
} result;

static struct opts {
    const char *targets[16];
    size_t ntargets;
    const char *case_globs[32];
    size_t nglobs;
    const char *tags[16];
    size_t ntags;
    const char *skip_tags[16];
    size_t nskip;
    const char *paths[64];
    size_t npaths;
    const char *golden;
    const char *known;
    const char *junit, *json;
    bool record, require_golden, no_fork, list, check, matrix, quiet, verbose, strict;
    unsigned timeout_ms;
} o;

static bool color;

/* known-deviations.txt: "TARGET CASE reason..." per line, '#' comments. A listed
 * case that misses its expectation is XFAIL (reported, not a failure); one that
 * meets it is XPASS, a failure, so the list never goes stale. */
static cf_buf known_text;
static cf_lines known;

static const char *known_reason(const cf_target *t, const cf_case *c, size_t *len)
{
    size_t tl = strlen(t->golden_name[0] ? t->golden_name : t->name), cl = strlen(c->name);
    const char *tn = t->golden_name[0] ? t->golden_name : t->name;
    for (size_t i = 0; i < known.n; i++) {
        const char *s = known.line[i];
        size_t n = known.len[i];
        if (n > tl + cl + 1 && memcmp(s, tn, tl) == 0 && s[tl] == ' ' &&
            memcmp(s + tl + 1, c->name, cl) == 0 && (n == tl + 1 + cl || s[tl + 1 + cl] == ' ')) {
            const char *r = s + tl + 1 + cl;
            while (*r == ' ' && r < s + n)
                r++;
            *len = (size_t)(s + n - r);
            return r;
        }
    }
    return NULL;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void usage(FILE *f)
{
    fprintf(f,
            "usage: zhttp-conform [options] [CASE-FILE|DIR ...]\n"
            "  --target T       [NAME=]parser|server|server-tcp|client|api|tcp://HOST:PORT\n"
            "                   (repeatable; default: parser)\n"
            "  --case GLOB      only cases whose name matches (repeatable)\n"
            "  --tag TAG        only cases carrying the tag (repeatable: any of them)\n"
            "  --skip-tag TAG   leave out cases carrying the tag (repeatable)\n"
            "  --golden DIR     golden traces (default: %s/golden)\n"
            "  --record         write the produced traces as the new golden traces\n"
            "  --known FILE     known deviations (default: %s/known-deviations.txt)\n"
            "  --strict         ignore the known deviations: they fail like any case\n"
            "  --require-golden a case without a golden trace fails\n"
            "  --junit FILE     write JUnit XML     --json FILE   write JSON\n"
            "  --matrix         print a case x target table of outcomes\n"
            "  --timeout MS     per-case time limit (default 10000)\n"
            "  --idle MS        socket targets: silence after which a waiting connection\n"
            "                   counts as open (default 1000)\n"
            "  --no-fork        run cases in-process (debugging; no timeout/crash isolation)\n"
            "  --list           list the selected cases    --check  only read the case files\n"
            "  -q               only failures and the summary   -v  print every trace\n"
            "Exit status: 0 all passed, 1 a case failed or differs, 2 bad usage or case file.\n",
            ZH_CONFORM_DIR, ZH_CONFORM_DIR);
}

static bool selected(const cf_case *c)
{
    if (o.nglobs) {
        bool any = false;
        for (size_t i = 0; i < o.nglobs && !any; i++)
            any = fnmatch(o.case_globs[i], c->name, 0) == 0;
        if (!any)
            return false;
    }
    for (size_t i = 0; i < o.nskip; i++)
        if (cf_case_has_tag(c, o.skip_tags[i]))
            return false;
    if (o.ntags) {
        bool any = false;
        for (size_t i = 0; i < o.ntags && !any; i++)
            any = cf_case_has_tag(c, o.tags[i]);
        if (!any)
            return false;
    }
    return true;
}

/* ---------------------------------------------------------------- golden files */

static void golden_path(cf_buf *p, const cf_target *t, const cf_case *c)
{
    p->len = 0;
    cf_buf_printf(p, "%s/%s/%s.trace", o.golden, t->golden_name, c->name);
}

static bool read_whole(const char *path, cf_buf *out)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return false;
    char tmp[8192];
    size_t n;
    while ((n = fread(tmp, 1, sizeof tmp, f)) > 0)
        cf_buf_put(out, tmp, n);
    fclose(f);
    return true;
}

static bool mkdirs(const char *path)
{
    char tmp[1024];
    snprintf(tmp, sizeof tmp, "%s", path);
    for (char *p = tmp + 1; *p; p++) {
        if (*p == '/') {
            *p = '\0';
            if (mkdir(tmp, 0755) != 0 && errno != EEXIST)
                return false;
            *p = '/';
        }
    }
    return mkdir(tmp, 0755) == 0 || errno == EEXIST;
}

static bool write_golden(const cf_target *t, const cf_case *c, const cf_buf *trace)
{
    cf_buf dir = { 0 }, p = { 0 };
    cf_buf_printf(&dir, "%s/%s", o.golden, t->golden_name);
    bool ok = mkdirs(dir.ptr);
    golden_path(&p, t, c);
    FILE *f = ok ? fopen(p.ptr, "wb") : NULL;
    if (f) {
        ok = fwrite(trace->ptr ? trace->ptr : "", 1, trace->len, f) == trace->len;
        ok = (fclose(f) == 0) && ok;
    } else {
        ok = false;
    }
    if (!ok)
        fprintf(stderr, "zhttp-conform: cannot write %s: %s\n", p.ptr, strerror(errno));
    cf_buf_free(&dir);
    cf_buf_free(&p);
    return ok;
}

/* ---------------------------------------------------------------- running */

/* Runs one case in a child process so a hang is a timeout and a crash is a
 * result, not the end of the run. */
static void run_isolated(const cf_target *t, const cf_case *c, result *r)
{
    if (o.no_fork) {
        cf_target_run(t, c, o.timeout_ms, &r->trace);
        return;
    }
    int fds[2];
    if (pipe(fds) != 0) {
        snprintf(r->reason, sizeof r->reason, "pipe: %s", strerror(errno));
        r->pass = false;
        return;
    }
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid < 0) {
        snprintf(r->reason, sizeof r->reason, "fork: %s", strerror(errno));
        close(fds[0]);
        close(fds[1]);
        return;
    }
    if (pid == 0) {
        close(fds[0]);
        cf_buf tr = { 0 };
        cf_target_run(t, c, o.timeout_ms, &tr);
        size_t off = 0;
        while (off < tr.len) {
            ssize_t w = write(fds[1], tr.ptr + off, tr.len - off);
            if (w < 0 && errno == EINTR)
                continue;
            if (w <= 0)
                break;
            off += (size_t)w;
        }
        cf_buf_free(&tr);
        close(fds[1]);
        exit(0);
    }
    close(fds[1]);
    double deadline = now_s() + o.timeout_ms / 1000.0 + 1.0;
    bool timed_out = false;
    for (;;) {
        double left = deadline - now_s();
        if (left <= 0) {
            timed_out = true;
            break;
        }
        struct pollfd p = { .fd = fds[0], .events = POLLIN };
        int pr = poll(&p, 1, (int)(left * 1000) + 1);
        if (pr < 0 && errno == EINTR)
            continue;
        if (pr == 0)
            continue;
        char tmp[8192];
        ssize_t got = read(fds[0], tmp, sizeof tmp);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            break;
        cf_buf_put(&r->trace, tmp, (size_t)got);
    }
    close(fds[0]);
    if (timed_out)
        kill(pid, SIGKILL);
    int st = 0;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {
    }
    if (timed_out) {
        cf_buf_printf(&r->trace, "runner-timeout after %u ms\n", o.timeout_ms);
        snprintf(r->reason, sizeof r->reason, "timed out after %u ms", o.timeout_ms);
        r->pass = false;
    } else if (WIFSIGNALED(st)) {
        cf_buf_printf(&r->trace, "crashed signal %d\n", WTERMSIG(st));
        snprintf(r->reason, sizeof r->reason, "crashed (signal %d)", WTERMSIG(st));
        r->pass = false;
    } else if (WIFEXITED(st) && WEXITSTATUS(st) != 0) {
        cf_buf_printf(&r->trace, "exit-status %d\n", WEXITSTATUS(st));
        snprintf(r->reason, sizeof r->reason, "target process exited with %d (sanitizer?)",
                 WEXITSTATUS(st));
        r->pass = false;
    }
}

static void judge(const cf_target *t, result *r)
{
    const cf_case *c = r->c;
    r->pass = true;
    run_isolated(t, c, r);
    if (r->reason[0]) {
        r->pass = false;
        return;
    }
    const char *tr = cf_buf_cstr(&r->trace);
    if (o.record) {
        if (!write_golden(t, c, &r->trace)) {
            r->pass = false;
            snprintf(r->reason, sizeof r->reason, "cannot write the golden trace");
        }
    } else if (t->golden_name[0]) {
        cf_buf p = { 0 }, g = { 0 };
        golden_path(&p, t, c);
        if (!read_whole(p.ptr, &g)) {
            r->no_golden = true;
            if (o.require_golden) {
                r->pass = false;
                snprintf(r->reason, sizeof r->reason, "no golden trace (%s): run with --record",
                         p.ptr);
            }
        } else if (g.len != r->trace.len || memcmp(g.ptr, tr, g.len) != 0) {
            r->pass = false;
            snprintf(r->reason, sizeof r->reason, "trace differs from the golden trace");
            cf_buf la = { 0 };
            cf_buf_printf(&la, "golden/%s/%s.trace", t->golden_name, c->name);
            cf_unified_diff(&r->detail, la.ptr, cf_buf_cstr(&g), g.len, "produced", tr,
                            r->trace.len);
            cf_buf_free(&la);
        }
        cf_buf_free(&p);
        cf_buf_free(&g);
    }
    const char *miss = cf_expect_missing(c, tr, r->trace.len);
    size_t kl = 0;
    const char *kr = o.strict ? NULL : known_reason(t, c, &kl);
    if (kr && miss && r->pass) {
        r->xfail = true;
        snprintf(r->reason, sizeof r->reason, "known deviation (%.*s): %.60s", (int)(kl > 80 ? 80 : kl),
                 kr, miss);
        return;
    }
    if (kr && !miss && r->pass) {
        r->pass = false;
        snprintf(r->reason, sizeof r->reason,
                 "XPASS: meets its expectation now; remove it from known-deviations.txt");
        return;
    }
    if (miss) {
        if (r->pass)
            snprintf(r->reason, sizeof r->reason, "expectation not met: %.120s", miss);
        r->pass = false;
        cf_buf_printf(&r->detail, "%s: %s\n", miss[0] == '!' ? "present but forbidden" : "expected (in order) but missing", miss);
        if (!r->detail.len || strstr(r->detail.ptr, "@@") == NULL) {
            cf_buf_puts(&r->detail, "produced trace:\n");
            cf_buf_put(&r->detail, tr, r->trace.len);
        }
    }
}

/* ---------------------------------------------------------------- reports */

static void xml_escape(FILE *f, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        switch (ch) {
        case '&': fputs("&amp;", f); break;
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '"': fputs("&quot;", f); break;
        case '\'': fputs("&apos;", f); break;
        default:
            if (ch < 0x20 && ch != '\n' && ch != '\t')
                fprintf(f, "\\x%02x", ch);
            else if (ch >= 0x80)
                fprintf(f, "\\x%02x", ch);
            else
                fputc(ch, f);
        }
    }
}

static void json_escape(FILE *f, const char *s, size_t n)
{
    fputc('"', f);
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (ch == '"' || ch == '\\')
            fprintf(f, "\\%c", ch);
        else if (ch == '\n')
            fputs("\\n", f);
        else if (ch < 0x20 || ch >= 0x7f)
            fprintf(f, "\\u%04x", ch);
        else
            fputc(ch, f);
    }
    fputc('"', f);
}

static bool write_junit(const char *path, result *rs, size_t n, const cf_target *ts, size_t nt)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return false;
    size_t tot_fail = 0;
    for (size_t i = 0; i < n; i++)
        tot_fail += !rs[i].pass;
    fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    fprintf(f, "<testsuites name=\"zhttp-conform\" tests=\"%zu\" failures=\"%zu\">\n", n, tot_fail);
    for (size_t t = 0; t < nt; t++) {
        size_t tests = 0, fails = 0;
        double secs = 0;
        for (size_t i = 0; i < n; i++) {
            if (rs[i].target != t)
                continue;
            tests++;
            fails += !rs[i].pass;
            secs += rs[i].seconds;
        }
        fprintf(f, "  <testsuite name=\"");
        xml_escape(f, ts[t].name, strlen(ts[t].name));
        fprintf(f, "\" tests=\"%zu\" failures=\"%zu\" errors=\"0\" time=\"%.3f\">\n", tests, fails,
                secs);
        for (size_t i = 0; i < n; i++) {
            if (rs[i].target != t)
                continue;
            const cf_case *c = rs[i].c;
            fprintf(f, "    <testcase classname=\"");
            xml_escape(f, ts[t].name, strlen(ts[t].name));
            fprintf(f, ".%s\" name=\"%s\" file=\"", cf_kind_name(c->kind), c->name);
            xml_escape(f, c->file, strlen(c->file));
            fprintf(f, "\" line=\"%d\" time=\"%.4f\"", c->line, rs[i].seconds);
            if (rs[i].xfail) {
                fprintf(f, ">\n      <skipped message=\"");
                xml_escape(f, rs[i].reason, strlen(rs[i].reason));
                fprintf(f, "\"/>\n    </testcase>\n");
                continue;
            }
            if (rs[i].pass) {
                fprintf(f, "/>\n");
                continue;
            }
            fprintf(f, ">\n      <failure message=\"");
            xml_escape(f, rs[i].reason, strlen(rs[i].reason));
            fprintf(f, "\">");
            xml_escape(f, cf_buf_cstr(&rs[i].detail), rs[i].detail.len);
            fprintf(f, "</failure>\n      <system-out>");
            xml_escape(f, cf_buf_cstr(&rs[i].trace), rs[i].trace.len);
            fprintf(f, "</system-out>\n    </testcase>\n");
        }
        fprintf(f, "  </testsuite>\n");
    }
    fprintf(f, "</testsuites>\n");
    return fclose(f) == 0;
}

static bool write_json(const char *path, result *rs, size_t n, const cf_target *ts)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return false;
    size_t passed = 0;
    for (size_t i = 0; i < n; i++)
        passed += rs[i].pass;
    fprintf(f, "{\n  \"passed\": %zu,\n  \"failed\": %zu,\n  \"results\": [\n", passed, n - passed);
    for (size_t i = 0; i < n; i++) {
        const cf_case *c = rs[i].c;
        fprintf(f, "    {\"target\": ");
        json_escape(f, ts[rs[i].target].name, strlen(ts[rs[i].target].name));
        fprintf(f, ", \"case\": \"%s\", \"kind\": \"%s\", \"file\": ", c->name,
                cf_kind_name(c->kind));
        json_escape(f, c->file, strlen(c->file));
        fprintf(f, ", \"line\": %d, \"rfc\": ", c->line);
        json_escape(f, c->rfc, strlen(c->rfc));
        fprintf(f, ", \"status\": \"%s\", \"reason\": ",
                rs[i].xfail ? "xfail" : rs[i].pass ? "pass" : "fail");
        json_escape(f, rs[i].reason, strlen(rs[i].reason));
        fprintf(f, ", \"seconds\": %.4f, \"trace\": ", rs[i].seconds);
        json_escape(f, cf_buf_cstr(&rs[i].trace), rs[i].trace.len);
        fprintf(f, "}%s\n", i + 1 < n ? "," : "");
    }
    fprintf(f, "  ]\n}\n");
    return fclose(f) == 0;
}

/* The matrix cell: final statuses joined by ',', then C(losed) / O(pen) / T(imeout),
 * or the first error name. */
static void summarize(const cf_buf *trace, char *out, size_t cap)
{
    cf_lines l;
    cf_lines_split(&l, trace->ptr ? trace->ptr : "", trace->len);
    size_t o_len = 0;
    out[0] = '\0';
    const char *end = "?";
    for (size_t i = 0; i < l.n; i++) {
        const char *s = l.line[i];
        size_t n = l.len[i];
        if (n > 7 && memcmp(s, "status ", 7) == 0 && o_len + n < cap) {
            o_len += (size_t)snprintf(out + o_len, cap - o_len, "%s%.*s", o_len ? "," : "",
                                      (int)(n - 7), s + 7);
        } else if (n == 6 && memcmp(s, "closed", 6) == 0) {
            end = "C";
        } else if (n == 4 && memcmp(s, "open", 4) == 0) {
            end = "O";
        } else if (n == 7 && memcmp(s, "timeout", 7) == 0) {
            end = "T";
        } else if (n > 6 && memcmp(s, "error ", 6) == 0 && o_len + n < cap) {
            o_len += (size_t)snprintf(out + o_len, cap - o_len, "%s%.*s", o_len ? "," : "",
                                      (int)(n - 6 > 24 ? 24 : n - 6), s + 6);
        }
    }
    if (o_len + 3 < cap)
        snprintf(out + o_len, cap - o_len, "%s%s", o_len ? " " : "-", end);
    cf_lines_free(&l);
}

static void print_matrix(result *rs, size_t n, const cf_target *ts, size_t nt, size_t ncases,
                         const cf_case **cases)
{
    printf("\n%-40s", "case");
    for (size_t t = 0; t < nt; t++)
        printf(" | %-18.18s", ts[t].name);
    printf(" | note\n");
    size_t disagree = 0, rfc_miss = 0;
    for (size_t k = 0; k < ncases; k++) {
        char cells[16][64];
        bool meets[16];
        bool have[16];
        size_t present = 0;
        for (size_t t = 0; t < nt; t++) {
            have[t] = false;
            for (size_t i = 0; i < n; i++) {
                if (rs[i].c == cases[k] && rs[i].target == t) {
                    summarize(&rs[i].trace, cells[t], sizeof cells[t]);
                    meets[t] = cf_expect_missing(cases[k], cf_buf_cstr(&rs[i].trace),
                                                 rs[i].trace.len) == NULL;
                    have[t] = true;
                    present++;
                }
            }
        }
        if (!present)
            continue;
        bool differ = false;
        const char *first = NULL;
        for (size_t t = 0; t < nt; t++) {
            if (!have[t])
                continue;
            if (!first)
                first = cells[t];
            else if (strcmp(first, cells[t]) != 0)
                differ = true;
        }
        printf("%-40.40s", cases[k]->name);
        bool any_miss = false;
        for (size_t t = 0; t < nt; t++) {
            if (!have[t]) {
                printf(" | %-18s", "");
                continue;
            }
            char cell[80];
            snprintf(cell, sizeof cell, "%s%s", meets[t] ? "" : "!", cells[t]);
            any_miss |= !meets[t];
            printf(" | %-18.18s", cell);
        }
        printf(" | %s%s\n", differ ? "DISAGREE" : "", any_miss ? (differ ? ", !rfc" : "!rfc") : "");
        disagree += differ;
        rfc_miss += any_miss;
    }
    printf("cells: final statuses, then C closed / O open / T timeout; '!' = misses the case's "
           "RFC expectation\n%zu cases where targets disagree, %zu where a target misses the "
           "expectation\n",
           disagree, rfc_miss);
}

/* ---------------------------------------------------------------- main */

int main(int argc, char **argv)
{
    o.golden = ZH_CONFORM_DIR "/golden";
    o.known = ZH_CONFORM_DIR "/known-deviations.txt";
    o.timeout_ms = 10000;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
#define TAKE(field, cap, cnt)                                                                      \
    do {                                                                                           \
        if (!v) {                                                                                  \
            fprintf(stderr, "zhttp-conform: %s needs a value\n", a);                              \
            return 2;                                                                              \
        }                                                                                          \
        if (o.cnt == (cap)) {                                                                      \
            fprintf(stderr, "zhttp-conform: too many %s\n", a);                                   \
            return 2;                                                                              \
        }                                                                                          \
        o.field[o.cnt++] = v;                                                                      \
        i++;                                                                                       \
    } while (0)
        if (strcmp(a, "--target") == 0)
            TAKE(targets, 16, ntargets);
        else if (strcmp(a, "--case") == 0)
            TAKE(case_globs, 32, nglobs);
        else if (strcmp(a, "--tag") == 0)
            TAKE(tags, 16, ntags);
        else if (strcmp(a, "--skip-tag") == 0)
            TAKE(skip_tags, 16, nskip);
        else if (strcmp(a, "--golden") == 0 && v)
            o.golden = argv[++i];
        else if (strcmp(a, "--known") == 0 && v)
            o.known = argv[++i];
        else if (strcmp(a, "--strict") == 0)
            o.strict = true;
        else if (strcmp(a, "--junit") == 0 && v)
            o.junit = argv[++i];
        else if (strcmp(a, "--json") == 0 && v)
            o.json = argv[++i];
        else if (strcmp(a, "--timeout") == 0 && v) {
            long ms = strtol(argv[++i], NULL, 10);
            if (ms <= 0 || ms > 600000) {
                fprintf(stderr, "zhttp-conform: --timeout takes 1..600000 ms\n");
                return 2;
            }
            o.timeout_ms = (unsigned)ms;
        } else if (strcmp(a, "--idle") == 0 && v) {
            long ms = strtol(argv[++i], NULL, 10);
            if (ms <= 0 || ms > 600000) {
                fprintf(stderr, "zhttp-conform: --idle takes 1..600000 ms\n");
                return 2;
            }
            cf_idle_ms = (unsigned)ms;
        } else if (strcmp(a, "--record") == 0)
            o.record = true;
        else if (strcmp(a, "--require-golden") == 0)
            o.require_golden = true;
        else if (strcmp(a, "--no-fork") == 0)
            o.no_fork = true;
        else if (strcmp(a, "--list") == 0)
            o.list = true;
        else if (strcmp(a, "--check") == 0)
            o.check = true;
        else if (strcmp(a, "--matrix") == 0)
            o.matrix = true;
        else if (strcmp(a, "-q") == 0)
            o.quiet = true;
        else if (strcmp(a, "-v") == 0)
            o.verbose = true;
        else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            usage(stdout);
            return 0;
        } else if (a[0] == '-') {
            fprintf(stderr, "zhttp-conform: unknown or incomplete option %s\n", a);
            usage(stderr);
            return 2;
        } else if (o.npaths < 64)
            o.paths[o.npaths++] = a;
#undef TAKE
    }
    color = isatty(STDOUT_FILENO) && !getenv("NO_COLOR");
    if (!o.strict && read_whole(o.known, &known_text)) {
        cf_lines all;
        cf_lines_split(&all, cf_buf_cstr(&known_text), known_text.len);
        known.line = malloc((all.n + 1) * sizeof *known.line);
        known.len = malloc((all.n + 1) * sizeof *known.len);
        for (size_t i = 0; i < all.n; i++) {
            if (all.len[i] == 0 || all.line[i][0] == '#')
                continue;
            known.line[known.n] = all.line[i];
            known.len[known.n++] = all.len[i];
        }
        cf_lines_free(&all);
    }
    signal(SIGPIPE, SIG_IGN);

    /* ---- cases */
    cf_case_set set = { 0 };
    char err[600];
    if (o.npaths == 0)
        o.paths[o.npaths++] = ZH_CONFORM_DIR "/cases";
    for (size_t i = 0; i < o.npaths; i++) {
        struct stat st;
        bool ok;
        if (stat(o.paths[i], &st) == 0 && S_ISDIR(st.st_mode))
            ok = cf_read_dir(&set, o.paths[i], err, sizeof err);
        else
            ok = cf_read_file(&set, o.paths[i], err, sizeof err);
        if (!ok) {
            fprintf(stderr, "%s\n", err);
            cf_case_set_free(&set);
            return 2;
        }
    }
    if (o.check) {
        printf("%zu cases in %zu files: ok\n", set.n, set.nfiles);
        cf_case_set_free(&set);
        return 0;
    }

    /* ---- targets */
    cf_target ts[16];
    size_t nt = 0;
    if (o.ntargets == 0)
        o.targets[o.ntargets++] = "parser";
    for (size_t i = 0; i < o.ntargets; i++) {
        if (!cf_target_parse(o.targets[i], &ts[nt], err, sizeof err)) {
            fprintf(stderr, "zhttp-conform: %s\n", err);
            cf_case_set_free(&set);
            return 2;
        }
        nt++;
    }

    const cf_case **cases = malloc((set.n + 1) * sizeof *cases);
    size_t ncases = 0;
    for (size_t i = 0; i < set.n; i++)
        if (selected(&set.cases[i]))
            cases[ncases++] = &set.cases[i];
    if (o.list) {
        for (size_t i = 0; i < ncases; i++)
            printf("%-16s %-44s %s\n", cf_kind_name(cases[i]->kind), cases[i]->name,
                   cases[i]->rfc);
        printf("%zu cases\n", ncases);
        free(cases);
        cf_case_set_free(&set);
        return 0;
    }

    for (size_t t = 0; t < nt; t++) {
        if (!cf_target_start(&ts[t], err, sizeof err)) {
            fprintf(stderr, "zhttp-conform: target %s: %s\n", ts[t].name, err);
            for (size_t u = 0; u < t; u++)
                cf_target_stop(&ts[u]);
            free(cases);
            cf_case_set_free(&set);
            return 2;
        }
    }

    result *rs = calloc(ncases * nt + 1, sizeof *rs);
    size_t nr = 0, passed = 0, failed = 0, nogold = 0, xfails = 0;
    double t0 = now_s();
    for (size_t t = 0; t < nt; t++) {
        for (size_t k = 0; k < ncases; k++) {
            if (!cf_target_runs(&ts[t], cases[k]))
                continue;
            result *r = &rs[nr++];
            r->c = cases[k];
            r->target = t;
            double s0 = now_s();
            judge(&ts[t], r);
            r->seconds = now_s() - s0;
            if (r->pass)
                passed++;
            else
                failed++;
            nogold += r->no_golden;
            xfails += r->xfail;
            if (!o.quiet || !r->pass || r->xfail) {
                const char *tag = o.record ? "REC " : r->xfail ? "XFAIL" : r->pass ? "PASS" : "FAIL";
                const char *col = !color ? "" : r->xfail ? "\033[33m" : r->pass ? "\033[32m" : "\033[31m";
                printf("%s%s%s %-10s %-44s %s%s\n", col, tag, color ? "\033[0m" : "",
                       ts[t].name, r->c->name, r->pass && !r->xfail ? "" : r->reason,
                       r->no_golden && !o.record ? " (no golden)" : "");
            }
            if (!r->pass && r->detail.len) {
                fputs(r->detail.ptr, stdout);
            }
            if (o.verbose) {
                fputs(cf_buf_cstr(&r->trace), stdout);
            }
        }
    }
    double elapsed = now_s() - t0;
    for (size_t t = 0; t < nt; t++)
        cf_target_stop(&ts[t]);
    if (o.matrix)
        print_matrix(rs, nr, ts, nt, ncases, cases);
    int rc = failed ? 1 : 0;
    if (o.junit && !write_junit(o.junit, rs, nr, ts, nt)) {
        fprintf(stderr, "zhttp-conform: cannot write %s\n", o.junit);
        rc = 2;
    }
    if (o.json && !write_json(o.json, rs, nr, ts)) {
        fprintf(stderr, "zhttp-conform: cannot write %s\n", o.json);
        rc = 2;
    }
    if (xfails)
        fprintf(stderr, "zhttp-conform: %zu known deviations (XFAIL, counted as passed; see %s)\n",
                xfails, o.known);
    if (nogold && !o.record)
        fprintf(stderr, "zhttp-conform: %zu runs had no golden trace\n", nogold);
    fprintf(stderr, "zhttp-conform: %zu runs in %.2f s\n", nr, elapsed);
    printf("%zu passed, %zu failed\n", passed, failed);
    for (size_t i = 0; i < nr; i++) {
        cf_buf_free(&rs[i].trace);
        cf_buf_free(&rs[i].detail);
    }
    free(rs);
    free(cases);
    cf_case_set_free(&set);
    free(known.line);
    free(known.len);
    cf_buf_free(&known_text);
    return rc;
}
