/* `zhttp get` as a program: runs the built bin/zhttp (next to this test) against
 * a one-connection scripted TCP peer and checks stdout, stderr and the exit
 * status: 0 for any complete response, non-zero with ONE line on stderr and
 * nothing on stdout for a truncated body, a malformed response or a timeout. */
#include <check.h>
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "zhttp/conn.h"

/* ================================================================ peer */

typedef struct peer {
    int lfd;
    uint16_t port;
    const char *resp; /* sent after the request head; NULL: say nothing */
    bool hang;        /* keep the connection open after sending */
    int stop;
    char req[4096]; /* the request as received */
    size_t req_len;
    pthread_t th;
} peer;

static void *peer_main(void *arg)
{
    peer *p = arg;
    int fd = -1;
    while (fd < 0 && !__atomic_load_n(&p->stop, __ATOMIC_ACQUIRE)) {
        struct pollfd pf = {.fd = p->lfd, .events = POLLIN};
        if (poll(&pf, 1, 20) > 0)
            fd = accept(p->lfd, NULL, NULL);
    }
    while (fd >= 0 && !memmem(p->req, p->req_len, "\r\n\r\n", 4)) {
        struct pollfd pf = {.fd = fd, .events = POLLIN};
        if (__atomic_load_n(&p->stop, __ATOMIC_ACQUIRE))
            break;
        if (poll(&pf, 1, 20) <= 0)
            continue;
        ssize_t r = recv(fd, p->req + p->req_len, sizeof p->req - 1 - p->req_len, 0);
        if (r <= 0)
            break;
        p->req_len += (size_t)r;
    }
    if (fd >= 0 && p->resp)
        (void)!send(fd, p->resp, strlen(p->resp), MSG_NOSIGNAL);
    while (fd >= 0 && p->hang && !__atomic_load_n(&p->stop, __ATOMIC_ACQUIRE))
        usleep(10 * 1000);
    if (fd >= 0)
        close(fd);
    close(p->lfd);
    return NULL;
}

static void peer_start(peer *p, const char *resp, bool hang)
{
    memset(p, 0, sizeof *p);
    p->resp = resp;
    p->hang = hang;
    ck_assert_int_eq(zh_tcp_listen("127.0.0.1:0", false, 4, &p->lfd), ZH_OK);
    p->port = zh_tcp_local_port(p->lfd);
    ck_assert_int_eq(pthread_create(&p->th, NULL, peer_main, p), 0);
}

static void peer_stop(peer *p)
{
    __atomic_store_n(&p->stop, 1, __ATOMIC_RELEASE);
    pthread_join(p->th, NULL);
}

/* ================================================================ running zhttp */

typedef struct run {
    int status; /* exit status, or -1 when killed */
    char out[8192];
    size_t out_len;
    char err[2048];
    size_t err_len;
} run;

static void zhttp_path(char *out, size_t cap)
{
    char self[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    ck_assert_int_gt(n, 0);
    self[n] = '\0';
    char *slash = strrchr(self, '/');
    ck_assert_ptr_nonnull(slash);
    *slash = '\0';
    snprintf(out, cap, "%s/zhttp", self);
    ck_assert_msg(access(out, X_OK) == 0, "%s not built (build the zhttp_cli target)", out);
}

static void drain(int fd, char *buf, size_t cap, size_t *len)
{
    for (;;) {
        ssize_t r = read(fd, buf + *len, cap - 1 - *len);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        *len += (size_t)r;
        if (*len == cap - 1)
            break;
    }
    buf[*len] = '\0';
}

/* Runs "zhttp get args..." (NULL-terminated) and collects its output. */
static void run_get(run *r, const char *const *args)
{
    char path[PATH_MAX + 8];
    zhttp_path(path, sizeof path);
    const char *argv[16];
    size_t n = 0;
    argv[n++] = path;
    argv[n++] = "get";
    for (size_t i = 0; args[i] && n < 15; i++)
        argv[n++] = args[i];
    argv[n] = NULL;
    int out[2], err[2];
    ck_assert_int_eq(pipe(out), 0);
    ck_assert_int_eq(pipe(err), 0);
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        dup2(out[1], 1);
        dup2(err[1], 2);
        close(out[0]);
        close(err[0]);
        close(out[1]);
        close(err[1]);
        execv(path, (char *const *)argv);
        _exit(127);
    }
    close(out[1]);
    close(err[1]);
    memset(r, 0, sizeof *r);
    drain(out[0], r->out, sizeof r->out, &r->out_len); /* outputs are small */
    drain(err[0], r->err, sizeof r->err, &r->err_len);
    close(out[0]);
    close(err[0]);
    int st = 0;
    ck_assert_int_eq(waitpid(pid, &st, 0), pid);
    r->status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static int lines(const char *s)
{
    int n = 0;
    for (; *s; s++)
        n += *s == '\n';
    return n;
}

static void url_of(const peer *p, const char *path, char *out, size_t cap)
{
    snprintf(out, cap, "http://127.0.0.1:%u%s", (unsigned)p->port, path);
}

/* ================================================================ tests */

START_TEST(prints_body)
{
    peer p;
    peer_start(&p, "HTTP/1.1 404 Not Found\r\nContent-Length: 9\r\nX-A: 1\r\n\r\nnot here\n",
               false);
    char url[64];
    url_of(&p, "/missing?q=1", url, sizeof url);
    run r;
    run_get(&r, (const char *const[]){url, NULL});
    peer_stop(&p);
    ck_assert_int_eq(r.status, 0); /* any complete response, whatever the status */
    ck_assert_str_eq(r.out, "not here\n");
    ck_assert_str_eq(r.err, "");
    ck_assert_msg(strncmp(p.req, "GET /missing?q=1 HTTP/1.1\r\n", 27) == 0, "%s", p.req);
    ck_assert_ptr_nonnull(strstr(p.req, "\r\nUser-Agent: zhttp/0.1\r\n"));
}
END_TEST

START_TEST(include_head)
{
    peer p;
    peer_start(&p, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nX-A: 1\r\nX-A: 2\r\n\r\nok", false);
    char url[64];
    url_of(&p, "/", url, sizeof url);
    run r;
    run_get(&r, (const char *const[]){"-i", url, NULL});
    peer_stop(&p);
    ck_assert_int_eq(r.status, 0);
    ck_assert_str_eq(r.out, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nX-A: 1\r\nX-A: 2\r\n\r\nok");
}
END_TEST

START_TEST(method_headers_body)
{
    peer p;
    peer_start(&p, "HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n", false);
    char url[64];
    url_of(&p, "/items", url, sizeof url);
    run r;
    run_get(&r, (const char *const[]){"-X", "PUT", "-H", "User-Agent: Test-Agent", "-H",
                                      "X-Two:  spaced  ", "-d", "k=v", url, NULL});
    peer_stop(&p);
    ck_assert_int_eq(r.status, 0);
    ck_assert_str_eq(r.out, "");
    ck_assert_msg(strncmp(p.req, "PUT /items HTTP/1.1\r\n", 21) == 0, "%s", p.req);
    ck_assert_ptr_nonnull(strstr(p.req, "\r\nUser-Agent: Test-Agent\r\n"));
    ck_assert_ptr_null(strstr(p.req, "zhttp/0.1")); /* the user's User-Agent wins */
    ck_assert_ptr_nonnull(strstr(p.req, "\r\nX-Two: spaced\r\n"));
    ck_assert_ptr_nonnull(strstr(p.req, "\r\nContent-Length: 3\r\n"));
}
END_TEST

START_TEST(data_defaults_to_post)
{
    peer p;
    peer_start(&p, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", false);
    char url[64];
    url_of(&p, "/f", url, sizeof url);
    run r;
    run_get(&r, (const char *const[]){url, "-d", "x", NULL});
    peer_stop(&p);
    ck_assert_int_eq(r.status, 0);
    ck_assert_msg(strncmp(p.req, "POST /f HTTP/1.1\r\n", 18) == 0, "%s", p.req);
}
END_TEST

/* Failures: non-zero, nothing on stdout (never a silently short body), exactly
 * one line on stderr naming the error. */
static void expect_failure(const char *resp, bool hang, const char *const *extra, const char *name)
{
    peer p;
    peer_start(&p, resp, hang);
    char url[64];
    url_of(&p, "/", url, sizeof url);
    const char *args[8];
    size_t n = 0;
    args[n++] = url;
    for (size_t i = 0; extra && extra[i] && n < 7; i++)
        args[n++] = extra[i];
    args[n] = NULL;
    run r;
    run_get(&r, args);
    peer_stop(&p);
    ck_assert_msg(r.status != 0 && r.status != -1, "exit %d for %s", r.status, name);
    ck_assert_msg(r.out_len == 0, "stdout holds %zu bytes for %s", r.out_len, name);
    ck_assert_int_eq(lines(r.err), 1);
    ck_assert_msg(strstr(r.err, name) != NULL, "stderr '%s' lacks %s", r.err, name);
}

START_TEST(truncated_body_fails)
{
    expect_failure("HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\nonly part", false, NULL,
                   "ZH_E_TRUNCATED_BODY");
    expect_failure("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n9\r\nonly", false, NULL,
                   "ZH_E_TRUNCATED_BODY");
}
END_TEST

START_TEST(protocol_errors_fail)
{
    expect_failure("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\nok",
                   false, NULL, "ZH_E_CL_AND_TE");
    expect_failure("HTTP/9.9 200 OK\r\nContent-Length: 2\r\n\r\nok", false, NULL, "ZH_E_");
    expect_failure(NULL, false, NULL, "ZH_E_CLOSED");
}
END_TEST

START_TEST(timeout_fails)
{
    static const char *const t[] = {"--timeout", "0.3", NULL};
    expect_failure("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhe", true, t, "ZH_E_TIMEOUT");
}
END_TEST

START_TEST(connect_refused_fails)
{
    int fd = -1;
    ck_assert_int_eq(zh_tcp_listen("127.0.0.1:0", false, 1, &fd), ZH_OK);
    uint16_t port = zh_tcp_local_port(fd);
    close(fd);
    char url[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%u/", (unsigned)port);
    run r;
    run_get(&r, (const char *const[]){url, NULL});
    ck_assert_int_eq(r.status, 1);
    ck_assert_int_eq(lines(r.err), 1);
    ck_assert_ptr_nonnull(strstr(r.err, "ZH_E_CONNECT"));
}
END_TEST

START_TEST(usage_errors)
{
    static const char *const cases[][4] = {
        {NULL},
        {"http://a/", "http://b/", NULL},
        {"--timeout", "soon", "http://a/", NULL},
        {"--bogus", "http://a/", NULL},
        {"http://a/", "-X", NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        run r;
        run_get(&r, cases[i]);
        ck_assert_msg(r.status == 2, "case %zu: exit %d", i, r.status);
        ck_assert_uint_eq(r.out_len, 0);
        ck_assert_ptr_nonnull(strstr(r.err, "usage:"));
    }
    run r;
    run_get(&r, (const char *const[]){"ftp://a/", NULL});
    ck_assert_int_eq(r.status, 1);
    ck_assert_ptr_nonnull(strstr(r.err, "ZH_E_BAD_SCHEME"));
    run_get(&r, (const char *const[]){"-H", "no colon here", "http://a/", NULL});
    ck_assert_int_ne(r.status, 0);
    ck_assert_int_eq(lines(r.err), 1);
}
END_TEST

static Suite *cli_suite(void)
{
    Suite *s = suite_create("client_cli");
    TCase *tc = tcase_create("get");
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, prints_body);
    tcase_add_test(tc, include_head);
    tcase_add_test(tc, method_headers_body);
    tcase_add_test(tc, data_defaults_to_post);
    tcase_add_test(tc, truncated_body_fails);
    tcase_add_test(tc, protocol_errors_fail);
    tcase_add_test(tc, timeout_fails);
    tcase_add_test(tc, connect_refused_fails);
    tcase_add_test(tc, usage_errors);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(cli_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
