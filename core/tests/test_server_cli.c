/* `zhttp serve` as a program: runs the built bin/zhttp (next to this test) on an
 * ephemeral port, talks to it over TCP, and checks the graceful shutdown on
 * SIGTERM/SIGINT (an in-flight request still gets its answer; exit status 0) and
 * the usage errors. */
#include <check.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "zhttp/conn.h"

static char zhttp_path[PATH_MAX];

static void find_zhttp(void)
{
    ssize_t n = readlink("/proc/self/exe", zhttp_path, sizeof zhttp_path - 16);
    ck_assert_int_gt(n, 0);
    zhttp_path[n] = '\0';
    char *slash = strrchr(zhttp_path, '/');
    ck_assert_ptr_nonnull(slash);
    strcpy(slash + 1, "zhttp");
    ck_assert_msg(access(zhttp_path, X_OK) == 0, "%s not built", zhttp_path);
}

typedef struct proc {
    pid_t pid;
    int err_fd; /* the child's stderr */
    char err[4096];
    size_t err_len;
} proc;

static void spawn(proc *p, const char *const *args)
{
    find_zhttp();
    int fds[2];
    ck_assert_int_eq(pipe(fds), 0);
    p->pid = fork();
    ck_assert_int_ge(p->pid, 0);
    if (p->pid == 0) {
        dup2(fds[1], 2);
        close(fds[0]);
        close(fds[1]);
        int devnull = open("/dev/null", O_WRONLY);
        dup2(devnull, 1);
        char *argv[16];
        int i = 0;
        argv[i++] = zhttp_path;
        for (; args[i - 1] && i < 15; i++)
            argv[i] = (char *)args[i - 1];
        argv[i] = NULL;
        execv(zhttp_path, argv);
        _exit(127);
    }
    close(fds[1]);
    p->err_fd = fds[0];
    p->err_len = 0;
    p->err[0] = '\0';
}

/* Reads the child's stderr until needle shows up or timeout_ms pass. */
static bool err_wait(proc *p, const char *needle, int timeout_ms)
{
    while (!strstr(p->err, needle)) {
        struct pollfd pf = { p->err_fd, POLLIN, 0 };
        if (poll(&pf, 1, timeout_ms) <= 0)
            return false;
        ssize_t r = read(p->err_fd, p->err + p->err_len, sizeof p->err - 1 - p->err_len);
        if (r <= 0)
            return false;
        p->err_len += (size_t)r;
        p->err[p->err_len] = '\0';
    }
    return true;
}

/* Waits for the child to exit; its exit status, or -1 on timeout (then kills it). */
static int reap(proc *p, int timeout_ms)
{
    int st;
    for (int waited = 0; waited < timeout_ms; waited += 10) {
        if (waitpid(p->pid, &st, WNOHANG) == p->pid) {
            close(p->err_fd);
            return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
        }
        usleep(10000);
    }
    kill(p->pid, SIGKILL);
    waitpid(p->pid, &st, 0);
    close(p->err_fd);
    return -1;
}

static uint16_t started_port(proc *p)
{
    ck_assert_msg(err_wait(p, ")\n", 5000), "no start line: %s", p->err);
    const char *at = strstr(p->err, "listening on 127.0.0.1:");
    ck_assert_ptr_nonnull(at);
    return (uint16_t)atoi(at + strlen("listening on 127.0.0.1:"));
}

static void send_all(zh_conn *c, const char *s)
{
    size_t n;
    ck_assert_int_eq(zh_conn_write(c, s, strlen(s), &n), ZH_OK);
    ck_assert_uint_eq(n, strlen(s));
}

static char rbuf[16384];

/* Reads until needle arrives (true) or EOF/timeout (false). */
static bool recv_until(zh_conn *c, const char *needle)
{
    size_t total = 0, n;
    rbuf[0] = '\0';
    while (!strstr(rbuf, needle)) {
        if (zh_conn_wait(c, ZH_READABLE, 5000) != ZH_OK)
            return false;
        zh_err e = zh_conn_read(c, rbuf + total, sizeof rbuf - 1 - total, &n);
        if (e == ZH_E_WOULD_BLOCK)
            continue;
        if (e != ZH_OK)
            return false;
        total += n;
        rbuf[total] = '\0';
    }
    return true;
}
static bool recv_to_eof(zh_conn *c)
{
    size_t total = 0, n;
    for (;;) {
        if (zh_conn_wait(c, ZH_READABLE, 5000) != ZH_OK)
            return false;
        zh_err e = zh_conn_read(c, rbuf + total, sizeof rbuf - 1 - total, &n);
        if (e == ZH_E_WOULD_BLOCK)
            continue;
        if (e != ZH_OK)
            break;
        total += n;
        rbuf[total] = '\0';
    }
    rbuf[total] = '\0';
    return true;
}

START_TEST(serve_echo_then_sigterm_finishes_in_flight)
{
    proc p;
    const char *args[] = { "serve", "--addr", "127.0.0.1:0", "--handler", "echo", NULL };
    spawn(&p, args);
    uint16_t port = started_port(&p);
    ck_assert_uint_ne(port, 0);
    zh_tcp_conn c;
    ck_assert_int_eq(zh_tcp_connect(&c, "127.0.0.1", port, 2000), ZH_OK);
    /* One send: once /warm is answered the server holds the partial POST. */
    send_all(&c.base, "GET /warm HTTP/1.1\r\nHost: t\r\n\r\n"
                      "POST /cli HTTP/1.1\r\nHost: t\r\nContent-Length: 6\r\n\r\nabc");
    ck_assert(recv_until(&c.base, "target: /warm"));
    kill(p.pid, SIGTERM);
    /* Shutdown has begun once the listener is gone. */
    bool refused = false;
    for (int i = 0; i < 500 && !refused; i++) {
        zh_tcp_conn probe;
        if (zh_tcp_connect(&probe, "127.0.0.1", port, 1000) == ZH_OK) {
            zh_conn_close(&probe.base);
            usleep(10000);
        } else {
            refused = true;
        }
    }
    ck_assert(refused);
    send_all(&c.base, "def");
    ck_assert(recv_to_eof(&c.base));
    ck_assert_msg(strncmp(rbuf, "HTTP/1.1 200 OK\r\n", 17) == 0, "%s", rbuf);
    ck_assert_ptr_nonnull(strstr(rbuf, "Connection: close\r\n"));
    ck_assert_ptr_nonnull(strstr(rbuf, "method: POST\ntarget: /cli\nversion: HTTP/1.1\n"));
    ck_assert_ptr_nonnull(strstr(rbuf, "body-length: 6\n\nabcdef"));
    zh_conn_close(&c.base);
    ck_assert_msg(err_wait(&p, "zhttp serve: stopped\n", 5000), "%s", p.err);
    ck_assert_int_eq(reap(&p, 5000), 0);
}
END_TEST

START_TEST(serve_hello_and_sigint)
{
    proc p;
    const char *args[] = { "serve", "--addr", "127.0.0.1:0", "--workers", "2", NULL };
    spawn(&p, args);
    uint16_t port = started_port(&p);
    ck_assert_ptr_nonnull(strstr(p.err, "(2 workers)"));
    for (int i = 0; i < 4; i++) {
        zh_tcp_conn c;
        ck_assert_int_eq(zh_tcp_connect(&c, "127.0.0.1", port, 2000), ZH_OK);
        send_all(&c.base, "GET / HTTP/1.0\r\n\r\n");
        ck_assert(recv_to_eof(&c.base));
        ck_assert_str_eq(strstr(rbuf, "\r\n\r\n") + 4, "Hello, World!");
        ck_assert_ptr_nonnull(strstr(rbuf, "Content-Type: text/plain\r\n"));
        zh_conn_close(&c.base);
    }
    kill(p.pid, SIGINT);
    ck_assert_int_eq(reap(&p, 5000), 0);
}
END_TEST

typedef struct {
    const char *args[8];
    int status;
    const char *message;
} usage_case;

static const usage_case usage_cases[] = {
    { { "serve", "--workers", "0", NULL }, 2, "--workers" },
    { { "serve", "--workers", "x", NULL }, 2, "--workers" },
    { { "serve", "--handler", "nope", NULL }, 2, "unknown handler" },
    { { "serve", "--addr", NULL }, 2, "needs a value" },
    { { "serve", "--bogus", "1", NULL }, 2, "unknown option" },
    { { "serve", "--addr", "127.0.0.1", NULL }, 1, "cannot listen" },
    { { "frobnicate", NULL }, 2, "unknown command" },
    { { NULL }, 2, "usage" },
};

START_TEST(usage_errors)
{
    const usage_case *uc = &usage_cases[_i];
    proc p;
    spawn(&p, uc->args);
    err_wait(&p, uc->message, 3000);
    ck_assert_int_eq(reap(&p, 5000), uc->status);
    ck_assert_msg(strstr(p.err, uc->message) != NULL, "case %d: %s", _i, p.err);
}
END_TEST

static Suite *cli_suite(void)
{
    Suite *s = suite_create("server_cli");
    TCase *t = tcase_create("serve");
    tcase_set_timeout(t, 30);
    tcase_add_test(t, serve_echo_then_sigterm_finishes_in_flight);
    tcase_add_test(t, serve_hello_and_sigint);
    tcase_add_loop_test(t, usage_errors, 0, (int)(sizeof usage_cases / sizeof usage_cases[0]));
    suite_add_tcase(s, t);
    return s;
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    SRunner *r = srunner_create(cli_suite());
    srunner_run_all(r, CK_NORMAL);
    int failed = srunner_ntests_failed(r);
    srunner_free(r);
    return failed ? 1 : 0;
}
