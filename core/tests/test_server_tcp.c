/* The server over real TCP loopback sockets: worker threads, keep-alive and
 * pipelining through the kernel, several workers on one SO_REUSEPORT port, curl
 * against a server started in-process, graceful shutdown, and the pump mode with
 * a listener. */
#include <check.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "zhttp/server.h"

static zh_server *start_server(zh_handler h, unsigned workers)
{
    zh_server_config cfg;
    zh_server_config_init(&cfg);
    cfg.handler = h;
    cfg.workers = workers;
    zh_server *s;
    ck_assert_int_eq(zh_server_create(&cfg, &s), ZH_OK);
    ck_assert_int_eq(zh_server_listen(s, "127.0.0.1:0"), ZH_OK);
    ck_assert_uint_ne(zh_server_port(s), 0);
    ck_assert_int_eq(zh_server_start(s), ZH_OK);
    return s;
}

static void connect_to(zh_server *s, zh_tcp_conn *c)
{
    ck_assert_int_eq(zh_tcp_connect(c, "127.0.0.1", zh_server_port(s), 2000), ZH_OK);
}

static void send_all(zh_conn *c, const char *s)
{
    size_t len = strlen(s), off = 0, n;
    while (off < len) {
        zh_err e = zh_conn_write(c, s + off, len - off, &n);
        if (e == ZH_E_WOULD_BLOCK) {
            ck_assert_int_eq(zh_conn_wait(c, ZH_WRITABLE, 2000), ZH_OK);
            continue;
        }
        ck_assert_int_eq(e, ZH_OK);
        off += n;
    }
}

/* Reads until want occurrences of needle were seen, or EOF/timeout. */
static char rbuf[1 << 16];
static size_t recv_until(zh_conn *c, const char *needle, int want, bool *eof)
{
    size_t total = 0, n;
    *eof = false;
    for (;;) {
        rbuf[total] = '\0';
        int k = 0;
        for (const char *p = rbuf; (p = strstr(p, needle)); p++)
            k++;
        if (k >= want && want > 0)
            return total;
        if (zh_conn_wait(c, ZH_READABLE, 3000) != ZH_OK)
            return total;
        zh_err e = zh_conn_read(c, rbuf + total, sizeof rbuf - 1 - total, &n);
        if (e == ZH_E_WOULD_BLOCK)
            continue;
        if (e != ZH_OK) {
            *eof = true;
            rbuf[total] = '\0';
            return total;
        }
        total += n;
    }
}

START_TEST(tcp_roundtrip_keepalive_and_pipelining)
{
    zh_server *s = start_server(zh_echo_handler, 1);
    zh_tcp_conn c;
    connect_to(s, &c);
    bool eof;
    send_all(&c.base, "GET /first HTTP/1.1\r\nHost: x\r\n\r\n");
    recv_until(&c.base, "target: /first", 1, &eof);
    ck_assert_msg(strncmp(rbuf, "HTTP/1.1 200 OK\r\n", 17) == 0, "%s", rbuf);
    ck_assert(!eof);
    send_all(&c.base, "GET /a HTTP/1.1\r\nHost: x\r\n\r\nPOST /b HTTP/1.1\r\nHost: x\r\n"
                      "Content-Length: 2\r\n\r\nhiGET /c HTTP/1.1\r\nHost: x\r\n\r\n");
    recv_until(&c.base, "HTTP/1.1 200 OK", 3, &eof);
    char *a = strstr(rbuf, "target: /a"), *b = strstr(rbuf, "target: /b"), *cc = strstr(rbuf, "target: /c");
    ck_assert(a && b && cc && a < b && b < cc);
    send_all(&c.base, "GET /bye HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    recv_until(&c.base, "no such string", 1, &eof);
    ck_assert_ptr_nonnull(strstr(rbuf, "target: /bye"));
    ck_assert(eof);
    zh_conn_close(&c.base);
    zh_server_stop(s);
    ck_assert_int_eq(zh_server_wait(s), ZH_OK);
    zh_server_destroy(s);
}
END_TEST

START_TEST(tcp_protocol_error_answered_and_closed)
{
    zh_server *s = start_server(zh_echo_handler, 1);
    zh_tcp_conn c;
    connect_to(s, &c);
    bool eof;
    send_all(&c.base, "GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n");
    recv_until(&c.base, "no such string", 1, &eof);
    ck_assert_msg(strncmp(rbuf, "HTTP/1.1 400 ", 13) == 0, "%s", rbuf);
    ck_assert_ptr_nonnull(strstr(rbuf, "Connection: close"));
    ck_assert(eof);
    zh_conn_close(&c.base);
    zh_server_destroy(s); /* stops and joins the running workers itself */
}
END_TEST

START_TEST(tcp_several_workers_share_the_port)
{
    zh_server_config cfg;
    zh_server_config_init(&cfg);
    cfg.handler = zh_hello_handler;
    cfg.workers = 3;
    cfg.pin_cpus = true;
    zh_server *s;
    ck_assert_int_eq(zh_server_create(&cfg, &s), ZH_OK);
    ck_assert_int_eq(zh_server_listen(s, "127.0.0.1:0"), ZH_OK);
    ck_assert_int_eq(zh_server_start(s), ZH_OK);
    ck_assert_int_eq(zh_server_start(s), ZH_E_INVALID_ARGUMENT); /* already started */
    ck_assert_int_eq(zh_server_pump(s, 0), 0);                   /* not in thread mode */
    zh_pipe_pair pp;
    ck_assert_int_eq(zh_pipe_pair_init(&pp, 64), ZH_OK);
    ck_assert_int_eq(zh_server_serve_conn(s, zh_pipe_conn(&pp, 1)), ZH_E_INVALID_ARGUMENT);
    zh_pipe_pair_dispose(&pp);
    for (int i = 0; i < 12; i++) {
        zh_tcp_conn c;
        connect_to(s, &c);
        bool eof;
        send_all(&c.base, "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        recv_until(&c.base, "no such string", 1, &eof);
        ck_assert(eof);
        ck_assert_ptr_nonnull(strstr(rbuf, "Hello, World!"));
        zh_conn_close(&c.base);
    }
    zh_server_stop(s);
    zh_server_wait(s);
    ck_assert(zh_server_drained(s));
    zh_server_destroy(s);
}
END_TEST

START_TEST(tcp_graceful_stop_finishes_in_flight_request)
{
    zh_server *s = start_server(zh_echo_handler, 1);
    zh_tcp_conn busy, idle;
    connect_to(s, &busy);
    connect_to(s, &idle);
    bool eof;
    send_all(&idle.base, "GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    recv_until(&idle.base, "body-length", 1, &eof);
    /* One send: when /warm is answered, the server has read the partial POST too. */
    send_all(&busy.base, "GET /warm HTTP/1.1\r\nHost: x\r\n\r\n"
                         "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\nab");
    recv_until(&busy.base, "target: /warm", 1, &eof);
    ck_assert(!eof);
    zh_server_stop(s);
    /* The idle keep-alive connection is closed at once. */
    recv_until(&idle.base, "no such string", 1, &eof);
    ck_assert(eof);
    send_all(&busy.base, "cd");
    recv_until(&busy.base, "no such string", 1, &eof);
    ck_assert_ptr_nonnull(strstr(rbuf, "body-length: 4\n\nabcd"));
    ck_assert_ptr_null(strstr(rbuf, "target: /warm")); /* answered before the stop */
    ck_assert_ptr_nonnull(strstr(rbuf, "Connection: close"));
    ck_assert(eof);
    zh_conn_close(&busy.base);
    zh_conn_close(&idle.base);
    ck_assert_int_eq(zh_server_wait(s), ZH_OK);
    ck_assert(zh_server_drained(s));
    zh_tcp_conn late;
    ck_assert_int_eq(zh_tcp_connect(&late, "127.0.0.1", zh_server_port(s), 500), ZH_E_CONNECT);
    zh_server_destroy(s);
}
END_TEST

START_TEST(pump_mode_with_listener)
{
    zh_server_config cfg;
    zh_server_config_init(&cfg);
    cfg.handler = zh_hello_handler;
    zh_server *s;
    ck_assert_int_eq(zh_server_create(&cfg, &s), ZH_OK);
    ck_assert_int_eq(zh_server_listen(s, "127.0.0.1:0"), ZH_OK);
    zh_tcp_conn c;
    connect_to(s, &c);
    send_all(&c.base, "GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    size_t total = 0, n;
    for (int i = 0; i < 200 && !strstr(rbuf, "Hello, World!"); i++) {
        zh_server_pump(s, 10);
        if (zh_conn_read(&c.base, rbuf + total, sizeof rbuf - 1 - total, &n) == ZH_OK)
            total += n;
        rbuf[total] = '\0';
    }
    ck_assert_ptr_nonnull(strstr(rbuf, "Hello, World!"));
    ck_assert_uint_eq(zh_server_conn_count(s), 1);
    zh_conn_close(&c.base);
    zh_server_destroy(s);
}
END_TEST

START_TEST(curl_against_in_process_server)
{
    if (system("command -v curl >/dev/null 2>&1") != 0) {
        fprintf(stderr, "curl not installed: skipped\n");
        return;
    }
    zh_server *s = start_server(zh_echo_handler, 1);
    char cmd[512];
    /* Two URLs: curl reuses the connection (keep-alive); -d sends a POST body. */
    snprintf(cmd, sizeof cmd,
             "curl -s --max-time 5 -H 'X-Test: yes' -d 'payload' http://127.0.0.1:%u/one "
             "--next -s --max-time 5 -I http://127.0.0.1:%u/two 2>&1",
             (unsigned)zh_server_port(s), (unsigned)zh_server_port(s));
    FILE *f = popen(cmd, "r");
    ck_assert_ptr_nonnull(f);
    size_t n = fread(rbuf, 1, sizeof rbuf - 1, f);
    rbuf[n] = '\0';
    int rc = pclose(f);
    ck_assert_int_eq(rc, 0);
    ck_assert_msg(strstr(rbuf, "method: POST\ntarget: /one\nversion: HTTP/1.1\n") != NULL, "%s", rbuf);
    ck_assert_ptr_nonnull(strstr(rbuf, "header: X-Test: yes\n"));
    ck_assert_ptr_nonnull(strstr(rbuf, "body-length: 7\n\npayload"));
    ck_assert_ptr_nonnull(strstr(rbuf, "HTTP/1.1 200 OK"));
    ck_assert_ptr_null(strstr(rbuf, "target: /two")); /* HEAD: no body */
    zh_server_destroy(s);
}
END_TEST


START_TEST(tcp_max_conns_closes_extra_connections)
{
    zh_server_config cfg;
    zh_server_config_init(&cfg);
    cfg.handler = zh_hello_handler;
    cfg.max_conns = 1;
    zh_server *s;
    ck_assert_int_eq(zh_server_create(&cfg, &s), ZH_OK);
    ck_assert_int_eq(zh_server_listen(s, "127.0.0.1:0"), ZH_OK);
    ck_assert_int_eq(zh_server_start(s), ZH_OK);
    zh_tcp_conn first, second;
    connect_to(s, &first);
    bool eof;
    send_all(&first.base, "GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    recv_until(&first.base, "Hello, World!", 1, &eof);
    ck_assert(!eof);
    connect_to(s, &second); /* the kernel accepts; the server closes it at once */
    send_all(&second.base, "GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    recv_until(&second.base, "Hello, World!", 1, &eof);
    ck_assert(eof);
    ck_assert_ptr_null(strstr(rbuf, "Hello"));
    /* The first one is still served. */
    send_all(&first.base, "GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    recv_until(&first.base, "Hello, World!", 1, &eof);
    ck_assert_ptr_nonnull(strstr(rbuf, "Hello, World!"));
    zh_conn_close(&first.base);
    zh_conn_close(&second.base);
    zh_server_destroy(s);
}
END_TEST

START_TEST(listen_rejects_bad_addresses)
{
    zh_server_config cfg;
    zh_server_config_init(&cfg);
    cfg.handler = zh_hello_handler;
    zh_server *s;
    ck_assert_int_eq(zh_server_create(&cfg, &s), ZH_OK);
    ck_assert_int_eq(zh_server_listen(s, "127.0.0.1"), ZH_E_BAD_PORT);
    ck_assert_int_eq(zh_server_listen(s, "nohost:80"), ZH_E_BAD_HOST);
    ck_assert_uint_eq(zh_server_port(s), 0);
    ck_assert_int_eq(zh_server_listen(s, "127.0.0.1:0"), ZH_OK);
    ck_assert_int_eq(zh_server_listen(s, "127.0.0.1:0"), ZH_E_INVALID_ARGUMENT); /* already listening */
    zh_server_destroy(s);
}
END_TEST


START_TEST(tcp_pipelined_flood_is_served_completely)
{
    zh_server *s = start_server(zh_hello_handler, 1);
    zh_tcp_conn c;
    connect_to(s, &c);
    static const char one[] = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
    enum { N = 20000 };
    size_t req_len = sizeof one - 1, sent = 0, total = N * req_len;
    static char chunk[65536];
    int got = 0;
    size_t match = 0; /* bytes of "Hello, World!" matched across reads */
    static const char needle[] = "Hello, World!";
    for (int spins = 0; got < N && spins < 200000; spins++) {
        if (sent < total) {
            size_t off = sent % req_len, n = 0;
            zh_slice iov[64];
            size_t k = 0;
            iov[k++] = (zh_slice){ one + off, req_len - off };
            while (k < 64 && sent + (k * req_len) - off < total)
                iov[k++] = (zh_slice){ one, req_len };
            zh_err e = zh_conn_writev(&c.base, iov, k, &n);
            ck_assert(e == ZH_OK || e == ZH_E_WOULD_BLOCK);
            sent += n;
            if (sent > total)
                sent = total;
        }
        size_t n = 0;
        zh_err e = zh_conn_read(&c.base, chunk, sizeof chunk, &n);
        if (e == ZH_E_WOULD_BLOCK) {
            zh_conn_wait(&c.base, ZH_READABLE | (sent < total ? ZH_WRITABLE : 0), 1000);
            continue;
        }
        ck_assert_int_eq(e, ZH_OK);
        for (size_t i = 0; i < n; i++) {
            match = (chunk[i] == needle[match]) ? match + 1 : (chunk[i] == needle[0]);
            if (match == sizeof needle - 1) {
                got++;
                match = 0;
            }
        }
    }
    ck_assert_int_eq(got, N);
    zh_conn_close(&c.base);
    zh_server_destroy(s);
}
END_TEST

static double cpu_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

START_TEST(tcp_out_of_fds_pauses_accept_without_spinning)
{
    zh_server *s = start_server(zh_hello_handler, 1);
    int probe = dup(0);
    ck_assert_int_ge(probe, 0);
    close(probe);
    /* Room for: client 1, its accepted socket, client 2; not client 2's accept. */
    struct rlimit rl;
    ck_assert_int_eq(getrlimit(RLIMIT_NOFILE, &rl), 0);
    rlim_t saved = rl.rlim_cur;
    rl.rlim_cur = (rlim_t)probe + 3;
    ck_assert_int_eq(setrlimit(RLIMIT_NOFILE, &rl), 0);
    /* Is the limit enforced here? (Valgrind virtualizes it.) */
    int spare[4], opened = 0;
    while (opened < 4 && (spare[opened] = dup(0)) >= 0)
        opened++;
    for (int i = 0; i < opened; i++)
        close(spare[i]);
    /* Valgrind enforces the limit on dup but closes over-limit accepted sockets
     * itself, which is not what the kernel does: the test needs the kernel. */
    const char *preload = getenv("LD_PRELOAD");
    if (opened != 3 || (preload && strstr(preload, "vgpreload"))) {
        fprintf(stderr, "RLIMIT_NOFILE not enforced as by the kernel (valgrind?): skipped\n");
        rl.rlim_cur = saved;
        setrlimit(RLIMIT_NOFILE, &rl);
        zh_server_destroy(s);
        return;
    }
    zh_tcp_conn c1, c2;
    connect_to(s, &c1);
    bool eof;
    send_all(&c1.base, "GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    recv_until(&c1.base, "Hello, World!", 1, &eof);
    ck_assert_ptr_nonnull(strstr(rbuf, "Hello, World!"));
    connect_to(s, &c2);
    send_all(&c2.base, "GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    double before = cpu_ms();
    ck_assert_int_eq(zh_conn_wait(&c2.base, ZH_READABLE, 400), ZH_E_TIMEOUT);
    double spent = cpu_ms() - before;
    ck_assert_msg(spent < 50, "the worker spun for %.0f ms of CPU in 400 ms", spent);
    zh_conn_close(&c1.base); /* frees the server's descriptor for c1 */
    recv_until(&c2.base, "Hello, World!", 1, &eof);
    ck_assert_ptr_nonnull(strstr(rbuf, "Hello, World!"));
    zh_conn_close(&c2.base);
    zh_server_destroy(s);
}
END_TEST

static Suite *tcp_suite(void)
{
    Suite *s = suite_create("server_tcp");
    TCase *t = tcase_create("tcp");
    tcase_set_timeout(t, 30);
    tcase_add_test(t, tcp_roundtrip_keepalive_and_pipelining);
    tcase_add_test(t, tcp_protocol_error_answered_and_closed);
    tcase_add_test(t, tcp_several_workers_share_the_port);
    tcase_add_test(t, tcp_graceful_stop_finishes_in_flight_request);
    tcase_add_test(t, pump_mode_with_listener);
    tcase_add_test(t, curl_against_in_process_server);
    tcase_add_test(t, tcp_max_conns_closes_extra_connections);
    tcase_add_test(t, listen_rejects_bad_addresses);
    tcase_add_test(t, tcp_pipelined_flood_is_served_completely);
    tcase_add_test(t, tcp_out_of_fds_pauses_accept_without_spinning);
    suite_add_tcase(s, t);
    return s;
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    SRunner *r = srunner_create(tcp_suite());
    srunner_run_all(r, CK_NORMAL);
    int failed = srunner_ntests_failed(r);
    srunner_free(r);
    return failed ? 1 : 0;
}
