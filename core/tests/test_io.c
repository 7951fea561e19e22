/* The io layer: pipe pair semantics and TCP connections over loopback. */
#include <check.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>

#include "zhttp/alloc.h"
#include "zhttp/conn.h"

static zh_pipe_pair P;

static void setup(void) { ck_assert_int_eq(zh_pipe_pair_init(&P, 16), ZH_OK); }
static void teardown(void) { zh_pipe_pair_dispose(&P); }

START_TEST(pipe_roundtrip_both_directions)
{
    zh_conn *a = zh_pipe_conn(&P, 0), *b = zh_pipe_conn(&P, 1);
    size_t n = 99;
    char buf[32];
    ck_assert_int_eq(zh_conn_write(a, "hello", 5, &n), ZH_OK);
    ck_assert_uint_eq(n, 5);
    ck_assert_int_eq(zh_conn_write(b, "xy", 2, &n), ZH_OK);
    ck_assert_int_eq(zh_conn_read(b, buf, sizeof buf, &n), ZH_OK);
    ck_assert_uint_eq(n, 5);
    ck_assert(memcmp(buf, "hello", 5) == 0);
    ck_assert_int_eq(zh_conn_read(a, buf, sizeof buf, &n), ZH_OK);
    ck_assert_uint_eq(n, 2);
    ck_assert(memcmp(buf, "xy", 2) == 0);
    ck_assert_int_eq(zh_conn_fd(a), -1);
}
END_TEST

START_TEST(pipe_empty_read_would_block)
{
    zh_conn *b = zh_pipe_conn(&P, 1);
    char buf[4];
    size_t n = 7;
    ck_assert_int_eq(zh_conn_read(b, buf, sizeof buf, &n), ZH_E_WOULD_BLOCK);
    ck_assert_uint_eq(n, 0);
    ck_assert_uint_eq(zh_conn_ready(b) & ZH_READABLE, 0);
    ck_assert_uint_eq(zh_conn_ready(b) & ZH_WRITABLE, ZH_WRITABLE);
    ck_assert_int_eq(zh_conn_read(b, buf, 0, &n), ZH_E_INVALID_ARGUMENT);
}
END_TEST

START_TEST(pipe_full_ring_short_write_then_would_block)
{
    zh_conn *a = zh_pipe_conn(&P, 0), *b = zh_pipe_conn(&P, 1);
    size_t n;
    char big[40];
    for (size_t i = 0; i < sizeof big; i++)
        big[i] = (char)('a' + i % 26);
    ck_assert_int_eq(zh_conn_write(a, big, sizeof big, &n), ZH_OK);
    ck_assert_uint_eq(n, 16);
    ck_assert_uint_eq(zh_conn_ready(a) & ZH_WRITABLE, 0);
    ck_assert_int_eq(zh_conn_write(a, big, 1, &n), ZH_E_WOULD_BLOCK);
    ck_assert_uint_eq(n, 0);
    /* Wrap around: read 10, write 10 more, read all 16 back in order. */
    char out[40];
    ck_assert_int_eq(zh_conn_read(b, out, 10, &n), ZH_OK);
    ck_assert_uint_eq(n, 10);
    ck_assert(memcmp(out, big, 10) == 0);
    ck_assert_int_eq(zh_conn_write(a, big + 16, 24, &n), ZH_OK);
    ck_assert_uint_eq(n, 10);
    ck_assert_int_eq(zh_conn_read(b, out, sizeof out, &n), ZH_OK);
    ck_assert_uint_eq(n, 16);
    ck_assert(memcmp(out, big + 10, 16) == 0);
}
END_TEST

START_TEST(pipe_reads_across_the_wrap)
{
    zh_conn *a = zh_pipe_conn(&P, 0), *b = zh_pipe_conn(&P, 1);
    const char *src = "0123456789abcdefghijklmnopqrstuvwxyz";
    char out[40];
    size_t n;
    ck_assert_int_eq(zh_conn_write(a, src, 16, &n), ZH_OK);
    ck_assert_int_eq(zh_conn_read(b, out, 10, &n), ZH_OK);
    ck_assert_int_eq(zh_conn_write(a, src + 16, 10, &n), ZH_OK);
    ck_assert_uint_eq(n, 10);
    /* 6 bytes before the end of the ring and 1 after it. */
    ck_assert_int_eq(zh_conn_read(b, out, 7, &n), ZH_OK);
    ck_assert_uint_eq(n, 7);
    ck_assert(memcmp(out, src + 10, 7) == 0);
    ck_assert_int_eq(zh_conn_write(a, src + 26, 7, &n), ZH_OK);
    ck_assert_uint_eq(n, 7);
    ck_assert_int_eq(zh_conn_read(b, out, sizeof out, &n), ZH_OK);
    ck_assert_uint_eq(n, 16);
    ck_assert(memcmp(out, src + 17, 16) == 0);
    ck_assert_int_eq(zh_conn_read(b, out, sizeof out, &n), ZH_E_WOULD_BLOCK);
}
END_TEST

START_TEST(pipe_writev_is_one_write)
{
    zh_conn *a = zh_pipe_conn(&P, 0), *b = zh_pipe_conn(&P, 1);
    zh_slice iov[3] = { ZH_SLICE_LIT("ab"), ZH_SLICE_LIT(""), ZH_SLICE_LIT("cde") };
    size_t n;
    ck_assert_int_eq(zh_conn_writev(a, iov, 3, &n), ZH_OK);
    ck_assert_uint_eq(n, 5);
    ck_assert_uint_eq(P.stats[0].writes, 1);
    ck_assert_uint_eq(P.stats[0].bytes_written, 5);
    char out[8];
    ck_assert_int_eq(zh_conn_read(b, out, sizeof out, &n), ZH_OK);
    ck_assert_uint_eq(n, 5);
    ck_assert(memcmp(out, "abcde", 5) == 0);
    ck_assert_uint_eq(P.stats[1].reads, 1);
    /* An empty writev moves nothing and is not counted. */
    ck_assert_int_eq(zh_conn_writev(a, iov + 1, 1, &n), ZH_OK);
    ck_assert_uint_eq(n, 0);
    ck_assert_uint_eq(P.stats[0].writes, 1);
}
END_TEST

START_TEST(pipe_half_close_gives_eof_after_data)
{
    zh_conn *a = zh_pipe_conn(&P, 0), *b = zh_pipe_conn(&P, 1);
    size_t n;
    char out[8];
    ck_assert_int_eq(zh_conn_write(a, "xyz", 3, &n), ZH_OK);
    ck_assert_int_eq(zh_conn_shutdown_write(a), ZH_OK);
    ck_assert_int_eq(zh_conn_write(a, "q", 1, &n), ZH_E_CLOSED);
    ck_assert_int_eq(zh_conn_read(b, out, 2, &n), ZH_OK);
    ck_assert_uint_eq(n, 2);
    ck_assert_int_eq(zh_conn_read(b, out, 8, &n), ZH_OK);
    ck_assert_uint_eq(n, 1);
    ck_assert_int_eq(out[0], 'z');
    ck_assert_int_eq(zh_conn_read(b, out, 8, &n), ZH_E_CLOSED);
    ck_assert_uint_eq(zh_conn_ready(b) & ZH_READABLE, ZH_READABLE);
    /* The other direction still works after a half-close. */
    ck_assert_int_eq(zh_conn_write(b, "ok", 2, &n), ZH_OK);
    ck_assert_int_eq(zh_conn_read(a, out, 8, &n), ZH_OK);
    ck_assert_uint_eq(n, 2);
}
END_TEST

START_TEST(pipe_close_fails_peer_writes)
{
    zh_conn *a = zh_pipe_conn(&P, 0), *b = zh_pipe_conn(&P, 1);
    size_t n;
    char out[8];
    ck_assert_int_eq(zh_conn_write(b, "unread", 6, &n), ZH_OK);
    ck_assert(!zh_pipe_end_closed(&P, 0));
    zh_conn_close(a);
    zh_conn_close(a); /* idempotent */
    ck_assert(zh_pipe_end_closed(&P, 0));
    ck_assert(!zh_pipe_end_closed(&P, 1));
    ck_assert_int_eq(zh_conn_write(b, "x", 1, &n), ZH_E_CLOSED);
    ck_assert_int_eq(zh_conn_read(b, out, 8, &n), ZH_E_CLOSED);
    ck_assert_int_eq(zh_conn_read(a, out, 8, &n), ZH_E_CLOSED);
    ck_assert_int_eq(zh_conn_write(a, "x", 1, &n), ZH_E_CLOSED);
}
END_TEST

START_TEST(pipe_max_io_limits_each_call)
{
    zh_conn *a = zh_pipe_conn(&P, 0), *b = zh_pipe_conn(&P, 1);
    zh_pipe_pair_set_max_io(&P, 1);
    size_t n;
    char out[8];
    ck_assert_int_eq(zh_conn_write(a, "abc", 3, &n), ZH_OK);
    ck_assert_uint_eq(n, 1);
    ck_assert_int_eq(zh_conn_write(a, "bc", 2, &n), ZH_OK);
    ck_assert_uint_eq(n, 1);
    ck_assert_int_eq(zh_conn_read(b, out, 8, &n), ZH_OK);
    ck_assert_uint_eq(n, 1);
    ck_assert_int_eq(out[0], 'a');
    ck_assert_int_eq(zh_conn_read(b, out, 8, &n), ZH_OK);
    ck_assert_uint_eq(n, 1);
    ck_assert_int_eq(out[0], 'b');
}
END_TEST

START_TEST(pipe_reset_reuses_storage_without_allocating)
{
    zh_conn *a = zh_pipe_conn(&P, 0), *b = zh_pipe_conn(&P, 1);
    size_t n;
    ck_assert_int_eq(zh_conn_write(a, "abc", 3, &n), ZH_OK);
    zh_conn_close(b);
    zh_alloc_stats_reset();
    zh_pipe_pair_reset(&P);
    ck_assert_uint_eq(zh_alloc_stats_get().allocs, 0);
    ck_assert(!zh_pipe_end_closed(&P, 1));
    char out[4];
    ck_assert_int_eq(zh_conn_read(b, out, 4, &n), ZH_E_WOULD_BLOCK);
    ck_assert_int_eq(zh_conn_write(a, "z", 1, &n), ZH_OK);
    ck_assert_int_eq(zh_conn_read(b, out, 4, &n), ZH_OK);
    ck_assert_uint_eq(n, 1);
    ck_assert_uint_eq(P.stats[0].writes, 1);
}
END_TEST

static int pump_calls;
static zh_pipe_pair *pump_pair;
static bool pump_writes_once(void *ud)
{
    (void)ud;
    size_t n;
    if (pump_calls++ > 0)
        return false;
    zh_conn_write(zh_pipe_conn(pump_pair, 0), "!", 1, &n);
    return true;
}

START_TEST(pipe_wait_runs_the_pump)
{
    zh_conn *b = zh_pipe_conn(&P, 1);
    ck_assert_int_eq(zh_conn_wait(b, ZH_READABLE, 0), ZH_E_TIMEOUT);
    pump_calls = 0;
    pump_pair = &P;
    zh_pipe_pair_set_pump(&P, pump_writes_once, NULL);
    ck_assert_int_eq(zh_conn_wait(b, ZH_READABLE, 1000), ZH_OK);
    ck_assert_int_eq(pump_calls, 1);
    char c;
    size_t n;
    ck_assert_int_eq(zh_conn_read(b, &c, 1, &n), ZH_OK);
    ck_assert_int_eq(c, '!');
    ck_assert_int_eq(zh_conn_wait(b, ZH_READABLE, 1000), ZH_E_TIMEOUT);
    ck_assert_int_eq(zh_conn_wait(b, 0, 0), ZH_E_INVALID_ARGUMENT);
}
END_TEST

START_TEST(pipe_init_rejects_zero_and_reports_nomem)
{
    zh_pipe_pair q;
    ck_assert_int_eq(zh_pipe_pair_init(&q, 0), ZH_E_INVALID_ARGUMENT);
    zh_alloc_fail_after(2, false);
    ck_assert_int_eq(zh_pipe_pair_init(&q, 8), ZH_E_NOMEM);
    zh_alloc_fail_after(0, false);
    zh_alloc_stats_reset();
    ck_assert_int_eq(zh_pipe_pair_init(&q, 8), ZH_OK);
    ck_assert_uint_eq(zh_alloc_stats_get().allocs, 2);
    zh_pipe_pair_dispose(&q);
    ck_assert_uint_eq(zh_alloc_stats_get().frees, 2);
}
END_TEST

/* ---------------------------------------------------------------- TCP */

START_TEST(tcp_loopback_roundtrip)
{
    int lfd;
    ck_assert_int_eq(zh_tcp_listen("127.0.0.1:0", false, 16, &lfd), ZH_OK);
    uint16_t port = zh_tcp_local_port(lfd);
    ck_assert_uint_ne(port, 0);
    zh_tcp_conn cli, srv;
    ck_assert_int_eq(zh_tcp_connect(&cli, "127.0.0.1", port, 2000), ZH_OK);
    int afd = -1;
    for (int i = 0; i < 200 && afd < 0; i++) {
        afd = accept(lfd, NULL, NULL);
        if (afd < 0)
            usleep(1000);
    }
    ck_assert_int_ge(afd, 0);
    ck_assert_int_eq(zh_tcp_conn_adopt(&srv, afd), ZH_OK);
    zh_conn *c = &cli.base, *s = &srv.base;
    ck_assert_int_ge(zh_conn_fd(c), 0);
    char buf[64];
    size_t n;
    ck_assert_int_eq(zh_conn_read(s, buf, sizeof buf, &n), ZH_E_WOULD_BLOCK);
    zh_slice iov[2] = { ZH_SLICE_LIT("ping "), ZH_SLICE_LIT("pong") };
    ck_assert_int_eq(zh_conn_writev(c, iov, 2, &n), ZH_OK);
    ck_assert_uint_eq(n, 9);
    ck_assert_int_eq(zh_conn_wait(s, ZH_READABLE, 2000), ZH_OK);
    size_t got = 0;
    while (got < 9) {
        ck_assert_int_eq(zh_conn_wait(s, ZH_READABLE, 2000), ZH_OK);
        zh_err e = zh_conn_read(s, buf + got, sizeof buf - got, &n);
        if (e == ZH_E_WOULD_BLOCK)
            continue;
        ck_assert_int_eq(e, ZH_OK);
        got += n;
    }
    ck_assert(memcmp(buf, "ping pong", 9) == 0);
    ck_assert_int_eq(zh_conn_shutdown_write(c), ZH_OK);
    ck_assert_int_eq(zh_conn_wait(s, ZH_READABLE, 2000), ZH_OK);
    ck_assert_int_eq(zh_conn_read(s, buf, sizeof buf, &n), ZH_E_CLOSED);
    zh_conn_close(c);
    zh_conn_close(s);
    ck_assert_int_eq(zh_conn_fd(s), -1);
    ck_assert_int_eq(zh_conn_read(s, buf, sizeof buf, &n), ZH_E_CLOSED);
    close(lfd);
}
END_TEST

START_TEST(tcp_connect_refused_and_bad_names)
{
    int lfd;
    ck_assert_int_eq(zh_tcp_listen("127.0.0.1:0", false, 1, &lfd), ZH_OK);
    uint16_t port = zh_tcp_local_port(lfd);
    close(lfd); /* nothing listens there now */
    zh_tcp_conn c;
    memset(&c, 0xA5, sizeof c); /* garbage: a failed connect must leave it closable */
    ck_assert_int_eq(zh_tcp_connect(&c, "127.0.0.1", port, 2000), ZH_E_CONNECT);
    ck_assert_int_eq(zh_conn_fd(&c.base), -1);
    zh_conn_close(&c.base);
    size_t n;
    char b[4];
    ck_assert_int_eq(zh_conn_read(&c.base, b, sizeof b, &n), ZH_E_CLOSED);
    ck_assert_int_eq(zh_tcp_connect(&c, "no-such-host.invalid", 80, 2000), ZH_E_RESOLVE);
    int fd;
    ck_assert_int_eq(zh_tcp_listen("127.0.0.1", false, 1, &fd), ZH_E_BAD_PORT);
    ck_assert_int_eq(zh_tcp_listen("127.0.0.1:99999", false, 1, &fd), ZH_E_BAD_PORT);
    ck_assert_int_eq(zh_tcp_listen("127.0.0.1:8x", false, 1, &fd), ZH_E_BAD_PORT);
    ck_assert_int_eq(zh_tcp_listen("not-an-ip:80", false, 1, &fd), ZH_E_BAD_HOST);
    ck_assert_int_eq(zh_tcp_listen("::1:80", false, 1, &fd), ZH_E_BAD_HOST);
}
END_TEST

START_TEST(tcp_listen_address_forms)
{
    const char *forms[] = { ":0", "localhost:0", "[::1]:0", "0.0.0.0:0" };
    for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++) {
        int fd = -1;
        zh_err e = zh_tcp_listen(forms[i], true, 4, &fd);
        if (e == ZH_E_IO && forms[i][0] == '[')
            continue; /* no IPv6 loopback in this sandbox */
        ck_assert_msg(e == ZH_OK, "%s: %s", forms[i], zh_error_name(e));
        uint16_t port = zh_tcp_local_port(fd);
        ck_assert_uint_ne(port, 0);
        zh_tcp_conn c;
        const char *host = forms[i][0] == '[' ? "[::1]" : "127.0.0.1";
        ck_assert_int_eq(zh_tcp_connect(&c, host, port, 2000), ZH_OK);
        zh_conn_close(&c.base);
        close(fd);
    }
    ck_assert_uint_eq(zh_tcp_local_port(-1), 0);
}
END_TEST

START_TEST(tcp_write_to_closed_peer_is_closed)
{
    int sv[2];
    ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    zh_tcp_conn a;
    ck_assert_int_eq(zh_tcp_conn_adopt(&a, sv[0]), ZH_OK);
    close(sv[1]);
    size_t n;
    ck_assert_int_eq(zh_conn_write(&a.base, "x", 1, &n), ZH_E_CLOSED);
    zh_conn_close(&a.base);
}
END_TEST

START_TEST(tcp_edge_readiness_cleared_on_eagain)
{
    int sv[2];
    ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    zh_tcp_conn a;
    ck_assert_int_eq(zh_tcp_conn_adopt(&a, sv[0]), ZH_OK);
    zh_tcp_conn_on_events(&a, ZH_READABLE);
    ck_assert_uint_eq(zh_conn_ready(&a.base) & ZH_READABLE, ZH_READABLE);
    char buf[4];
    size_t n;
    ck_assert_int_eq(zh_conn_read(&a.base, buf, sizeof buf, &n), ZH_E_WOULD_BLOCK);
    ck_assert_uint_eq(zh_conn_ready(&a.base) & ZH_READABLE, 0);
    zh_conn_close(&a.base);
    close(sv[1]);
}
END_TEST

static Suite *io_suite(void)
{
    Suite *s = suite_create("io");
    TCase *p = tcase_create("pipe");
    tcase_add_checked_fixture(p, setup, teardown);
    tcase_add_test(p, pipe_roundtrip_both_directions);
    tcase_add_test(p, pipe_empty_read_would_block);
    tcase_add_test(p, pipe_full_ring_short_write_then_would_block);
    tcase_add_test(p, pipe_reads_across_the_wrap);
    tcase_add_test(p, pipe_writev_is_one_write);
    tcase_add_test(p, pipe_half_close_gives_eof_after_data);
    tcase_add_test(p, pipe_close_fails_peer_writes);
    tcase_add_test(p, pipe_max_io_limits_each_call);
    tcase_add_test(p, pipe_reset_reuses_storage_without_allocating);
    tcase_add_test(p, pipe_wait_runs_the_pump);
    tcase_add_test(p, pipe_init_rejects_zero_and_reports_nomem);
    suite_add_tcase(s, p);
    TCase *t = tcase_create("tcp");
    tcase_add_test(t, tcp_loopback_roundtrip);
    tcase_add_test(t, tcp_connect_refused_and_bad_names);
    tcase_add_test(t, tcp_listen_address_forms);
    tcase_add_test(t, tcp_write_to_closed_peer_is_closed);
    tcase_add_test(t, tcp_edge_readiness_cleared_on_eagain);
    suite_add_tcase(s, t);
    return s;
}

int main(void)
{
    SRunner *r = srunner_create(io_suite());
    srunner_run_all(r, CK_NORMAL);
    int failed = srunner_ntests_failed(r);
    srunner_free(r);
    return failed ? 1 : 0;
}
