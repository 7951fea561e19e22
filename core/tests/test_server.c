/* The server over in-memory pipes, driven by zh_server_pump with a hand-moved clock:
 * GET, keep-alive, pipelining, HTTP/1.0, HEAD, 100-continue, every error mapping,
 * timeouts, limits, graceful shutdown and zero allocations per request. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "zhttp/alloc.h"
#include "zhttp/server.h"

static uint64_t fake_now;
static uint64_t fake_clock(void *ud)
{
    (void)ud;
    return fake_now;
}

static zh_server *S;
static zh_pipe_pair P;
static zh_server_config CFG;

/* Client side is end 0, the server serves end 1. */
static zh_conn *cli(void) { return zh_pipe_conn(&P, 0); }

static void base_config(zh_handler h)
{
    zh_server_config_init(&CFG);
    CFG.handler = h;
    CFG.clock = fake_clock;
    CFG.head_timeout_ms = 1000;
    CFG.idle_timeout_ms = 5000;
    CFG.write_timeout_ms = 3000;
}

static void start(void)
{
    fake_now = 1000000;
    ck_assert_int_eq(zh_server_create(&CFG, &S), ZH_OK);
    ck_assert_int_eq(zh_pipe_pair_init(&P, 1 << 16), ZH_OK);
    ck_assert_int_eq(zh_server_serve_conn(S, zh_pipe_conn(&P, 1)), ZH_OK);
}

static void stop(void)
{
    zh_server_destroy(S);
    S = NULL;
    zh_pipe_pair_dispose(&P);
}

static void pump_all(void)
{
    for (int i = 0; i < 1000 && zh_server_pump(S, 0) > 0; i++)
        ;
}

static void send_str(const char *s)
{
    size_t n, len = strlen(s);
    ck_assert_int_eq(zh_conn_write(cli(), s, len, &n), ZH_OK);
    ck_assert_uint_eq(n, len);
}

/* Everything the server wrote so far, NUL-terminated; *eof when it shut down. */
static char out[1 << 17];
static size_t read_out(bool *eof)
{
    size_t total = 0, n;
    *eof = false;
    for (;;) {
        zh_err e = zh_conn_read(cli(), out + total, sizeof out - 1 - total, &n);
        if (e == ZH_OK) {
            total += n;
            continue;
        }
        if (e == ZH_E_CLOSED)
            *eof = true;
        break;
    }
    out[total] = '\0';
    return total;
}

static size_t exchange(const char *req, bool *eof)
{
    send_str(req);
    pump_all();
    return read_out(eof);
}

static int count_of(const char *hay, const char *needle)
{
    int k = 0;
    for (const char *p = hay; (p = strstr(p, needle)); p++)
        k++;
    return k;
}

/* ---------------------------------------------------------------- handlers */

/* Fills the response "in the wrong order": body, then headers, then replaces the
 * body and changes the status. The final state must go out. */
static void odd_order_handler(zh_ctx *ctx)
{
    zh_response *r = zh_ctx_response(ctx);
    zh_response_set_body(r, "first", 5);
    zh_headers_add(zh_response_headers(r), ZH_SLICE_LIT("X-A"), ZH_SLICE_LIT("1"));
    zh_response_set_body(r, "second body", 11);
    zh_response_set_status(r, 201);
    zh_headers_add(zh_response_headers(r), ZH_SLICE_LIT("X-B"), ZH_SLICE_LIT("2"));
    zh_slice t = zh_request_target(zh_ctx_request(ctx));
    if (t.len == 6 && memcmp(t.ptr, "/close", 6) == 0)
        zh_ctx_close_after(ctx);
}

static int user_calls;
static void user_data_handler(zh_ctx *ctx)
{
    int *p = zh_ctx_user_data(ctx);
    (*p)++;
    ck_assert_ptr_nonnull(zh_ctx_conn(ctx));
    zh_hello_handler(ctx);
}

/* ---------------------------------------------------------------- basics */

START_TEST(get_hello)
{
    base_config(zh_hello_handler);
    start();
    bool eof;
    exchange("GET / HTTP/1.1\r\nHost: a\r\n\r\n", &eof);
    ck_assert_msg(strncmp(out, "HTTP/1.1 200 OK\r\n", 17) == 0, "%s", out);
    ck_assert_ptr_nonnull(strstr(out, "\r\nContent-Length: 13\r\n"));
    ck_assert_ptr_nonnull(strstr(out, "\r\nContent-Type: text/plain\r\n"));
    ck_assert_ptr_nonnull(strstr(out, "\r\nServer: zhttp\r\n"));
    ck_assert_ptr_nonnull(strstr(out, "\r\nDate: "));
    ck_assert_ptr_null(strstr(out, "Connection: close"));
    ck_assert_str_eq(strstr(out, "\r\n\r\n") + 4, "Hello, World!");
    ck_assert(!eof);
    ck_assert_uint_eq(zh_server_conn_count(S), 1);
    stop();
}
END_TEST

START_TEST(keep_alive_serves_sequential_requests)
{
    base_config(zh_echo_handler);
    start();
    bool eof;
    for (int i = 0; i < 5; i++) {
        char req[64];
        snprintf(req, sizeof req, "GET /r%d HTTP/1.1\r\nHost: a\r\n\r\n", i);
        exchange(req, &eof);
        char want[32];
        snprintf(want, sizeof want, "target: /r%d\n", i);
        ck_assert_ptr_nonnull(strstr(out, want));
        ck_assert(!eof);
    }
    ck_assert(!zh_pipe_end_closed(&P, 1));
    stop();
}
END_TEST

START_TEST(pipelined_batch_in_order_one_write)
{
    base_config(zh_echo_handler);
    start();
    bool eof;
    uint64_t writes_before = P.stats[1].writes;
    exchange("GET /one HTTP/1.1\r\nHost: a\r\n\r\n"
             "POST /two HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabc"
             "GET /three HTTP/1.1\r\nHost: a\r\n\r\n",
             &eof);
    ck_assert_int_eq(count_of(out, "HTTP/1.1 200 OK\r\n"), 3);
    char *a = strstr(out, "target: /one"), *b = strstr(out, "target: /two"),
         *c = strstr(out, "target: /three");
    ck_assert(a && b && c);
    ck_assert(a < b && b < c);
    ck_assert_ptr_nonnull(strstr(b, "body-length: 3\n\nabc"));
    ck_assert_uint_eq(P.stats[1].writes - writes_before, 1);
    ck_assert(!eof);
    stop();
}
END_TEST

static void byte_by_byte(const char *req, const char *want_body)
{
    base_config(zh_echo_handler);
    start();
    zh_pipe_pair_set_max_io(&P, 1);
    for (const char *p = req; *p; p++) {
        size_t n;
        ck_assert_int_eq(zh_conn_write(cli(), p, 1, &n), ZH_OK);
        pump_all();
    }
    zh_pipe_pair_set_max_io(&P, 0);
    pump_all();
    bool eof;
    read_out(&eof);
    ck_assert_msg(strstr(out, "HTTP/1.1 200 OK\r\n") != NULL, "%s", out);
    ck_assert_ptr_nonnull(strstr(out, want_body));
    ck_assert(!eof);
    stop();
}

START_TEST(request_split_byte_by_byte)
{
    byte_by_byte("POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nabcde",
                 "body-length: 5\n\nabcde");
}
END_TEST

START_TEST(chunked_request_split_byte_by_byte)
{
    byte_by_byte("POST /x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
                 "3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n",
                 "body-length: 5\n\nabcde");
}
END_TEST

START_TEST(chunked_request_in_one_piece)
{
    base_config(zh_echo_handler);
    start();
    bool eof;
    exchange("POST /x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
             "3\r\nabc\r\n2\r\nde\r\n0\r\n\r\nGET /next HTTP/1.1\r\nHost: a\r\n\r\n", &eof);
    ck_assert_ptr_nonnull(strstr(out, "body-length: 5\n\nabcde"));
    ck_assert_ptr_nonnull(strstr(out, "target: /next"));
    ck_assert(!eof);
    stop();
}
END_TEST

START_TEST(http10_closes_by_default)
{
    base_config(zh_hello_handler);
    start();
    bool eof;
    exchange("GET / HTTP/1.0\r\n\r\n", &eof);
    ck_assert_msg(strncmp(out, "HTTP/1.1 200 OK\r\n", 17) == 0, "%s", out);
    ck_assert_ptr_nonnull(strstr(out, "Connection: close\r\n"));
    ck_assert(eof);
    zh_conn_close(cli());
    pump_all();
    ck_assert(zh_pipe_end_closed(&P, 1));
    ck_assert_uint_eq(zh_server_conn_count(S), 0);
    stop();
}
END_TEST

START_TEST(http10_keep_alive_stays_open)
{
    base_config(zh_hello_handler);
    start();
    bool eof;
    exchange("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", &eof);
    ck_assert_ptr_nonnull(strstr(out, "Connection: keep-alive\r\n"));
    ck_assert_ptr_null(strstr(out, "Connection: close"));
    ck_assert(!eof);
    exchange("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", &eof);
    ck_assert_ptr_nonnull(strstr(out, "Hello, World!"));
    ck_assert(!eof);
    stop();
}
END_TEST

START_TEST(http11_connection_close_closes)
{
    base_config(zh_hello_handler);
    start();
    bool eof;
    exchange("GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n", &eof);
    ck_assert_ptr_nonnull(strstr(out, "Connection: close\r\n"));
    ck_assert_ptr_nonnull(strstr(out, "Hello, World!"));
    ck_assert(eof);
    stop();
}
END_TEST

START_TEST(head_has_no_body_bytes)
{
    base_config(zh_hello_handler);
    start();
    bool eof;
    size_t n = exchange("HEAD / HTTP/1.1\r\nHost: a\r\n\r\n", &eof);
    ck_assert_ptr_nonnull(strstr(out, "HTTP/1.1 200 OK\r\n"));
    ck_assert_ptr_null(strstr(out, "Hello"));
    char *end = strstr(out, "\r\n\r\n");
    ck_assert_ptr_nonnull(end);
    ck_assert_uint_eq((size_t)(end + 4 - out), n); /* nothing after the head */
    /* The connection is still in sync: the next GET gets its body. */
    exchange("GET / HTTP/1.1\r\nHost: a\r\n\r\n", &eof);
    ck_assert_str_eq(strstr(out, "\r\n\r\n") + 4, "Hello, World!");
    stop();
}
END_TEST

START_TEST(expect_continue_sends_100_before_body)
{
    base_config(zh_echo_handler);
    start();
    bool eof;
    exchange("PUT /up HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n", &eof);
    ck_assert_str_eq(out, "HTTP/1.1 100 Continue\r\n\r\n");
    exchange("hello", &eof);
    ck_assert_msg(strncmp(out, "HTTP/1.1 200 OK\r\n", 17) == 0, "%s", out);
    ck_assert_ptr_nonnull(strstr(out, "body-length: 5\n\nhello"));
    ck_assert_int_eq(count_of(out, "100 Continue"), 0);
    stop();
}
END_TEST

START_TEST(expect_continue_not_sent_when_body_already_there)
{
    base_config(zh_echo_handler);
    start();
    bool eof;
    exchange("PUT /up HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\nok", &eof);
    ck_assert_int_eq(count_of(out, "100 Continue"), 0);
    ck_assert_ptr_nonnull(strstr(out, "body-length: 2\n\nok"));
    stop();
}
END_TEST

START_TEST(expect_continue_not_sent_after_partial_body)
{
    base_config(zh_echo_handler);
    start();
    bool eof;
    exchange("PUT /up HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\nok", &eof);
    ck_assert_uint_eq(strlen(out), 0);
    exchange("!!", &eof);
    ck_assert_int_eq(count_of(out, "100 Continue"), 0);
    ck_assert_ptr_nonnull(strstr(out, "body-length: 4\n\nok!!"));
    stop();
}
END_TEST

START_TEST(expect_continue_too_large_gets_413_without_100)
{
    base_config(zh_echo_handler);
    CFG.parse.limits.max_body = 10;
    start();
    bool eof;
    exchange("PUT /up HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 11\r\n\r\n", &eof);
    ck_assert_int_eq(count_of(out, "100 Continue"), 0);
    ck_assert_msg(strncmp(out, "HTTP/1.1 413 ", 13) == 0, "%s", out);
    ck_assert(eof);
    stop();
}
END_TEST

START_TEST(handler_fills_response_in_any_order)
{
    base_config(odd_order_handler);
    start();
    bool eof;
    exchange("GET / HTTP/1.1\r\nHost: a\r\n\r\n", &eof);
    ck_assert_msg(strncmp(out, "HTTP/1.1 201 Created\r\n", 22) == 0, "%s", out);
    ck_assert_ptr_nonnull(strstr(out, "\r\nX-A: 1\r\n"));
    ck_assert_ptr_nonnull(strstr(out, "\r\nX-B: 2\r\n"));
    ck_assert_ptr_nonnull(strstr(out, "\r\nContent-Length: 11\r\n"));
    ck_assert_str_eq(strstr(out, "\r\n\r\n") + 4, "second body");
    ck_assert(!eof);
    exchange("GET /close HTTP/1.1\r\nHost: a\r\n\r\n", &eof);
    ck_assert_ptr_nonnull(strstr(out, "Connection: close\r\n"));
    ck_assert(eof);
    stop();
}
END_TEST

START_TEST(user_data_reaches_handler)
{
    base_config(user_data_handler);
    user_calls = 0;
    CFG.user_data = &user_calls;
    start();
    bool eof;
    exchange("GET / HTTP/1.1\r\nHost: a\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n", &eof);
    ck_assert_int_eq(user_calls, 2);
    stop();
}
END_TEST

START_TEST(echo_describes_request)
{
    base_config(zh_echo_handler);
    start();
    bool eof;
    exchange("POST /p?q=1 HTTP/1.1\r\nHost: h\r\nX-Dup: 1\r\nx-dup: 2\r\nContent-Length: 4\r\n\r\nwxyz", &eof);
    const char *body = strstr(out, "\r\n\r\n") + 4;
    ck_assert_str_eq(body, "method: POST\ntarget: /p?q=1\nversion: HTTP/1.1\n"
                           "header: Host: h\nheader: X-Dup: 1\nheader: x-dup: 2\n"
                           "header: Content-Length: 4\nbody-length: 4\n\nwxyz");
    stop();
}
END_TEST

START_TEST(head_larger_than_buffer_is_served)
{
    base_config(zh_echo_handler);
    CFG.buffer_size = 1024;
    start();
    char req[4096];
    char big[3000];
    memset(big, 'v', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    snprintf(req, sizeof req, "GET / HTTP/1.1\r\nHost: a\r\nX-Big: %s\r\n\r\n", big);
    bool eof;
    exchange(req, &eof);
    ck_assert_msg(strncmp(out, "HTTP/1.1 200 OK\r\n", 17) == 0, "%.80s", out);
    ck_assert_ptr_nonnull(strstr(out, big));
    ck_assert(!eof);
    stop();
}
END_TEST


START_TEST(unknown_expectation_gets_417)
{
    base_config(zh_echo_handler);
    start();
    bool eof;
    exchange("PUT / HTTP/1.1\r\nHost: a\r\nExpect: fancy\r\nContent-Length: 2\r\n\r\nok", &eof);
    ck_assert_msg(strncmp(out, "HTTP/1.1 417 ", 13) == 0, "%s", out);
    ck_assert_ptr_nonnull(strstr(out, "Connection: close"));
    ck_assert(eof);
    stop();
}
END_TEST

START_TEST(chunked_body_over_limit_gets_413)
{
    base_config(zh_echo_handler);
    CFG.parse.limits.max_body = 4;
    start();
    bool eof;
    exchange("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n", &eof);
    ck_assert_msg(strncmp(out, "HTTP/1.1 413 ", 13) == 0, "%s", out);
    ck_assert(eof);
    stop();
}
END_TEST

START_TEST(linger_ends_when_client_never_closes)
{
    base_config(zh_echo_handler);
    start();
    bool eof;
    exchange("BAD REQUEST\r\n\r\n", &eof);
    ck_assert_msg(strncmp(out, "HTTP/1.1 400 ", 13) == 0, "%s", out);
    ck_assert(eof);
    /* The client keeps sending garbage; the server discards it while lingering. */
    send_str("more junk");
    pump_all();
    ck_assert(!zh_pipe_end_closed(&P, 1));
    fake_now += 1999;
    pump_all();
    ck_assert(!zh_pipe_end_closed(&P, 1));
    fake_now += 1;
    pump_all();
    ck_assert(zh_pipe_end_closed(&P, 1));
    ck_assert_uint_eq(zh_server_conn_count(S), 0);
    stop();
}
END_TEST

static int pieces_left;
static zh_err piece_writer(void *ud, zh_buf *o, bool *done)
{
    (void)ud;
    if (pieces_left < 0)
        return ZH_E_IO;
    zh_err e = zh_buf_append(o, "piece;", 6);
    if (--pieces_left == 0)
        *done = true;
    return e;
}

static void streaming_handler(zh_ctx *ctx)
{
    zh_response_set_body_writer(zh_ctx_response(ctx), piece_writer, NULL);
}

START_TEST(streamed_body_goes_out_chunked)
{
    base_config(streaming_handler);
    start();
    pieces_left = 3;
    bool eof;
    exchange("GET / HTTP/1.1\r\nHost: a\r\n\r\n", &eof);
    ck_assert_ptr_nonnull(strstr(out, "Transfer-Encoding: chunked\r\n"));
    ck_assert_str_eq(strstr(out, "\r\n\r\n") + 4, "6\r\npiece;\r\n6\r\npiece;\r\n6\r\npiece;\r\n0\r\n\r\n");
    ck_assert(!eof);
    stop();
}
END_TEST

START_TEST(streamed_body_error_closes_connection)
{
    base_config(streaming_handler);
    start();
    pieces_left = -1;
    bool eof;
    exchange("GET / HTTP/1.1\r\nHost: a\r\n\r\nGET /second HTTP/1.1\r\nHost: a\r\n\r\n", &eof);
    ck_assert_ptr_nonnull(strstr(out, "Transfer-Encoding: chunked\r\n"));
    ck_assert_ptr_null(strstr(out, "0\r\n\r\n")); /* never a clean end */
    ck_assert_int_eq(count_of(out, "HTTP/1.1 200"), 1);
    ck_assert(eof);
    stop();
}
END_TEST

static void huge_handler(zh_ctx *ctx)
{
    static char body[200000];
    for (size_t i = 0; i < sizeof body; i++)
        body[i] = (char)('a' + i % 23);
    zh_response_set_body(zh_ctx_response(ctx), body, sizeof body);
}

START_TEST(large_response_through_small_pipe)
{
    base_config(huge_handler);
    fake_now = 1000000;
    ck_assert_int_eq(zh_server_create(&CFG, &S), ZH_OK);
    ck_assert_int_eq(zh_pipe_pair_init(&P, 4096), ZH_OK);
    ck_assert_int_eq(zh_server_serve_conn(S, zh_pipe_conn(&P, 1)), ZH_OK);
    send_str("GET / HTTP/1.1\r\nHost: a\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n");
    static char got[500000];
    size_t total = 0, n;
    for (int i = 0; i < 100000 && total < 400200; i++) {
        zh_server_pump(S, 0);
        if (zh_conn_read(cli(), got + total, sizeof got - 1 - total, &n) == ZH_OK)
            total += n;
    }
    got[total] = '\0';
    ck_assert_int_eq(count_of(got, "HTTP/1.1 200 OK"), 2);
    ck_assert_ptr_nonnull(strstr(got, "Content-Length: 200000\r\n"));
    char *b1 = strstr(got, "\r\n\r\n") + 4;
    for (size_t i = 0; i < 200000; i++)
        ck_assert_int_eq(b1[i], (char)('a' + i % 23));
    ck_assert(strncmp(b1 + 200000, "HTTP/1.1 200 OK", 15) == 0);
    ck_assert(!zh_pipe_end_closed(&P, 1));
    stop();
}
END_TEST

START_TEST(many_pipelined_requests_past_high_water)
{
    base_config(zh_echo_handler);
    CFG.buffer_size = 1024;
    start();
    static char reqs[40000];
    reqs[0] = '\0';
    for (int i = 0; i < 300; i++) {
        char one[80];
        snprintf(one, sizeof one, "GET /n%03d HTTP/1.1\r\nHost: a\r\n\r\n", i);
        strcat(reqs, one);
    }
    bool eof;
    exchange(reqs, &eof);
    ck_assert_int_eq(count_of(out, "HTTP/1.1 200 OK"), 300);
    const char *p = out;
    for (int i = 0; i < 300; i++) {
        char want[32];
        snprintf(want, sizeof want, "target: /n%03d\n", i);
        const char *q = strstr(p, want);
        ck_assert_msg(q != NULL, "response %d missing or out of order", i);
        p = q;
    }
    /* Output is bounded: flushed about every half buffer, not all held back. */
    ck_assert_uint_gt(P.stats[1].writes, 10);
    ck_assert_uint_le(P.stats[1].bytes_written / P.stats[1].writes, 2 * 1024);
    ck_assert(!eof);
    stop();
}
END_TEST

/* ---------------------------------------------------------------- errors */

typedef struct {
    const char *req;
    const char *status_line;
} err_case;

static const err_case err_cases[] = {
    { "G@T / HTTP/1.1\r\nHost: a\r\n\r\n", "HTTP/1.1 400 " },                       /* bad method */
    { "GET / HTTP/1.1\r\nHost: a\r\nBad Name: x\r\n\r\n", "HTTP/1.1 400 " },      /* bad field name */
    { "GET / HTTP/1.1\r\n\r\n", "HTTP/1.1 400 " },                                /* missing Host */
    { "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 99999999\r\n\r\n", "HTTP/1.1 413 " },
    { "GET /" "%s" " HTTP/1.1\r\nHost: a\r\n\r\n", "HTTP/1.1 414 " },              /* long target */
    { "GET / HTTP/1.1\r\nHost: a\r\nX: " "%s" "\r\n\r\n", "HTTP/1.1 431 " },       /* long field */
    { "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", "HTTP/1.1 501 " },
    { "GET / HTTP/2.0\r\nHost: a\r\n\r\n", "HTTP/1.1 505 " },
    { "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n"
      "0\r\n\r\n", "HTTP/1.1 400 " },                                              /* CL + TE */
    { "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", "HTTP/1.1 400 " },
    { "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab", "HTTP/1.1 400 " },
};

START_TEST(errors_get_mapped_status_and_close)
{
    const err_case *ec = &err_cases[_i];
    base_config(zh_echo_handler);
    CFG.parse.limits.max_body = 1000;
    CFG.parse.limits.max_request_line = 200;
    CFG.parse.limits.max_field_line = 200;
    start();
    static char req[2048], filler[600];
    memset(filler, 'a', 400);
    filler[400] = '\0';
    const char *hole = strstr(ec->req, "%s");
    if (hole) {
        size_t pre = (size_t)(hole - ec->req);
        memcpy(req, ec->req, pre);
        req[pre] = '\0';
        strcat(req, filler);
        strcat(req, hole + 2);
    } else {
        strcpy(req, ec->req);
    }
    /* A valid request after the bad one must never be answered. */
    strcat(req, "GET /after HTTP/1.1\r\nHost: a\r\n\r\n");
    bool eof;
    exchange(req, &eof);
    ck_assert_msg(strncmp(out, ec->status_line, strlen(ec->status_line)) == 0, "case %d: %s", _i, out);
    ck_assert_ptr_nonnull(strstr(out, "\r\nConnection: close\r\n"));
    ck_assert_int_eq(count_of(out, "\r\nServer: zhttp\r\n"), 1);
    ck_assert_ptr_null(strstr(out, "target: /after"));
    ck_assert_msg(eof, "case %d: connection not shut down", _i);
    /* The server drops the connection once the client closes too. */
    zh_conn_close(cli());
    pump_all();
    ck_assert(zh_pipe_end_closed(&P, 1));
    stop();
}
END_TEST

START_TEST(truncated_request_is_closed_without_answer)
{
    base_config(zh_echo_handler);
    start();
    send_str("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\nabc");
    pump_all();
    zh_conn_shutdown_write(cli());
    pump_all();
    bool eof;
    size_t n = read_out(&eof);
    ck_assert_uint_eq(n, 0);
    ck_assert(eof);
    ck_assert(zh_pipe_end_closed(&P, 1));
    stop();
}
END_TEST

START_TEST(half_close_after_pipelined_requests_still_answers_them)
{
    base_config(zh_echo_handler);
    start();
    send_str("GET /a HTTP/1.1\r\nHost: a\r\n\r\nGET /b HTTP/1.1\r\nHost: a\r\n\r\n");
    zh_conn_shutdown_write(cli());
    pump_all();
    bool eof;
    read_out(&eof);
    ck_assert_int_eq(count_of(out, "HTTP/1.1 200 OK"), 2);
    ck_assert(eof);
    stop();
}
END_TEST

/* ---------------------------------------------------------------- timeouts */

START_TEST(head_timeout_sends_408_and_closes)
{
    base_config(zh_echo_handler);
    start();
    bool eof;
    exchange("GET / HTTP/1.1\r\nHost:", &eof);
    ck_assert_uint_eq(strlen(out), 0);
    fake_now += 999;
    pump_all();
    read_out(&eof);
    ck_assert_uint_eq(strlen(out), 0);
    ck_assert(!eof);
    /* More bytes do not extend the deadline (slowloris). */
    send_str(" a");
    pump_all();
    fake_now += 1;
    pump_all();
    read_out(&eof);
    ck_assert_msg(strncmp(out, "HTTP/1.1 408 ", 13) == 0, "%s", out);
    ck_assert_ptr_nonnull(strstr(out, "Connection: close"));
    ck_assert(eof);
    stop();
}
END_TEST

START_TEST(idle_timeout_closes_silently)
{
    base_config(zh_hello_handler);
    start();
    bool eof;
    exchange("GET / HTTP/1.1\r\nHost: a\r\n\r\n", &eof);
    ck_assert(!eof);
    fake_now += 4999;
    pump_all();
    ck_assert(!zh_pipe_end_closed(&P, 1));
    /* A request restarts the idle clock. */
    exchange("GET / HTTP/1.1\r\nHost: a\r\n\r\n", &eof);
    fake_now += 4999;
    pump_all();
    ck_assert(!zh_pipe_end_closed(&P, 1));
    fake_now += 1;
    pump_all();
    ck_assert(zh_pipe_end_closed(&P, 1));
    size_t n = read_out(&eof);
    ck_assert_uint_eq(n, 0);
    ck_assert(eof);
    ck_assert_uint_eq(zh_server_conn_count(S), 0);
    stop();
}
END_TEST

START_TEST(first_request_must_arrive_within_head_timeout)
{
    base_config(zh_hello_handler);
    start();
    pump_all();
    fake_now += 999;
    pump_all();
    bool eof;
    ck_assert(!zh_pipe_end_closed(&P, 1));
    fake_now += 1; /* a fresh connection waits under the head timeout, not idle */
    pump_all();
    size_t n = read_out(&eof);
    ck_assert(eof);
    ck_assert_uint_eq(n, 0); /* never sent a byte: closed without an answer */
    ck_assert(zh_pipe_end_closed(&P, 1));
    stop();
}
END_TEST

static void big_handler(zh_ctx *ctx)
{
    static char body[8192];
    memset(body, 'b', sizeof body);
    zh_response_set_body(zh_ctx_response(ctx), body, sizeof body);
}

START_TEST(write_timeout_closes_stuck_connection)
{
    base_config(big_handler);
    fake_now = 1000000;
    ck_assert_int_eq(zh_server_create(&CFG, &S), ZH_OK);
    ck_assert_int_eq(zh_pipe_pair_init(&P, 1024), ZH_OK);
    ck_assert_int_eq(zh_server_serve_conn(S, zh_pipe_conn(&P, 1)), ZH_OK);
    send_str("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
    pump_all();
    /* The client reads a little: progress restarts the write clock. */
    fake_now += 2000;
    char buf[512];
    size_t n;
    ck_assert_int_eq(zh_conn_read(cli(), buf, sizeof buf, &n), ZH_OK);
    pump_all();
    fake_now += 2999;
    pump_all();
    ck_assert(!zh_pipe_end_closed(&P, 1));
    fake_now += 1;
    pump_all();
    ck_assert(zh_pipe_end_closed(&P, 1));
    stop();
}
END_TEST

/* ---------------------------------------------------------------- limits, shutdown */

START_TEST(max_conns_refuses_extra_connection)
{
    base_config(zh_hello_handler);
    CFG.max_conns = 1;
    start();
    zh_pipe_pair q;
    ck_assert_int_eq(zh_pipe_pair_init(&q, 64), ZH_OK);
    ck_assert_int_eq(zh_server_serve_conn(S, zh_pipe_conn(&q, 1)), ZH_E_TOO_MANY_CONNECTIONS);
    zh_conn_close(cli());
    pump_all();
    ck_assert_uint_eq(zh_server_conn_count(S), 0);
    ck_assert_int_eq(zh_server_serve_conn(S, zh_pipe_conn(&q, 1)), ZH_OK);
    zh_server_destroy(S);
    S = NULL;
    ck_assert(zh_pipe_end_closed(&q, 1)); /* destroy closes served connections */
    zh_pipe_pair_dispose(&q);
    zh_pipe_pair_dispose(&P);
}
END_TEST

START_TEST(create_rejects_bad_config)
{
    zh_server *s = NULL;
    zh_server_config c;
    zh_server_config_init(&c);
    ck_assert_int_eq(zh_server_create(&c, &s), ZH_E_INVALID_ARGUMENT); /* no handler */
    c.handler = zh_hello_handler;
    c.workers = 0;
    ck_assert_int_eq(zh_server_create(&c, &s), ZH_E_INVALID_ARGUMENT);
    c.workers = 1;
    zh_alloc_fail_after(1, false);
    ck_assert_int_eq(zh_server_create(&c, &s), ZH_E_NOMEM);
    zh_alloc_fail_after(0, false);
    ck_assert_int_eq(zh_server_create(&c, &s), ZH_OK);
    ck_assert_int_eq(zh_server_pump(s, 0), 0);
    zh_server_destroy(s);
}
END_TEST

START_TEST(graceful_shutdown_finishes_in_flight_closes_idle)
{
    base_config(zh_echo_handler);
    start();
    zh_pipe_pair idle;
    ck_assert_int_eq(zh_pipe_pair_init(&idle, 4096), ZH_OK);
    ck_assert_int_eq(zh_server_serve_conn(S, zh_pipe_conn(&idle, 1)), ZH_OK);
    bool eof;
    exchange("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\n\r\nab", &eof);
    ck_assert_uint_eq(strlen(out), 0);
    zh_server_stop(S);
    pump_all();
    ck_assert(zh_pipe_end_closed(&idle, 1));
    ck_assert(!zh_pipe_end_closed(&P, 1));
    ck_assert(!zh_server_drained(S));
    ck_assert_int_eq(zh_server_serve_conn(S, zh_pipe_conn(&idle, 1)), ZH_E_SHUTDOWN);
    exchange("cd", &eof);
    ck_assert_ptr_nonnull(strstr(out, "body-length: 4\n\nabcd"));
    ck_assert_ptr_nonnull(strstr(out, "Connection: close\r\n"));
    ck_assert(eof);
    zh_conn_close(cli());
    pump_all();
    ck_assert(zh_server_drained(S));
    zh_pipe_pair_dispose(&idle);
    stop();
}
END_TEST

START_TEST(shutdown_grace_expires)
{
    base_config(zh_echo_handler);
    CFG.shutdown_grace_ms = 500;
    CFG.head_timeout_ms = 100000;
    start();
    send_str("GET / HTTP/1.1\r\n");
    pump_all();
    zh_server_stop(S);
    pump_all();
    ck_assert(!zh_pipe_end_closed(&P, 1));
    fake_now += 500;
    pump_all();
    ck_assert(zh_pipe_end_closed(&P, 1));
    ck_assert(zh_server_drained(S));
    stop();
}
END_TEST

/* ---------------------------------------------------------------- allocations */

static const char get_req[] = "GET /plaintext HTTP/1.1\r\nHost: localhost\r\nUser-Agent: t\r\n\r\n";

static void one_keepalive_get(void)
{
    size_t n;
    ck_assert_int_eq(zh_conn_write(cli(), get_req, sizeof get_req - 1, &n), ZH_OK);
    zh_server_pump(S, 0);
    char buf[512];
    ck_assert_int_eq(zh_conn_read(cli(), buf, sizeof buf, &n), ZH_OK);
    ck_assert_uint_gt(n, 100);
}

START_TEST(zero_allocs_per_keepalive_request)
{
    zh_pool_debug_set(false); /* measures pool reuse: debug pools never reuse */
    base_config(zh_hello_handler);
    start();
    for (int i = 0; i < 20; i++)
        one_keepalive_get();
    zh_alloc_stats_reset();
    for (int i = 0; i < 2000; i++)
        one_keepalive_get();
    zh_alloc_stats st = zh_alloc_stats_get();
    ck_assert_uint_eq(st.allocs, 0);
    ck_assert_uint_eq(st.frees, 0);
    stop();
}
END_TEST

static void one_conn_one_get(void)
{
    static const char req[] = "GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n";
    zh_pipe_pair_reset(&P);
    ck_assert_int_eq(zh_server_serve_conn(S, zh_pipe_conn(&P, 1)), ZH_OK);
    size_t n;
    ck_assert_int_eq(zh_conn_write(cli(), req, sizeof req - 1, &n), ZH_OK);
    zh_server_pump(S, 0);
    char buf[512];
    ck_assert_int_eq(zh_conn_read(cli(), buf, sizeof buf, &n), ZH_OK);
    zh_conn_close(cli());
    zh_server_pump(S, 0);
    ck_assert(zh_pipe_end_closed(&P, 1));
}

START_TEST(zero_allocs_one_request_per_connection)
{
    zh_pool_debug_set(false); /* measures pool reuse: debug pools never reuse */
    base_config(zh_hello_handler);
    start();
    zh_conn_close(cli());
    zh_server_pump(S, 0);
    for (int i = 0; i < 20; i++)
        one_conn_one_get();
    zh_alloc_stats_reset();
    for (int i = 0; i < 2000; i++)
        one_conn_one_get();
    zh_alloc_stats st = zh_alloc_stats_get();
    ck_assert_uint_eq(st.allocs, 0);
    ck_assert_uint_eq(st.frees, 0);
    stop();
}
END_TEST

START_TEST(idle_connection_holds_no_buffers)
{
    zh_pool_debug_set(false); /* measures pool reuse: debug pools never reuse */
    base_config(zh_hello_handler);
    start();
    one_keepalive_get();
    /* Measure: serving 1 more idle connection must not keep a buffer. */
    zh_pipe_pair q;
    ck_assert_int_eq(zh_pipe_pair_init(&q, 4096), ZH_OK);
    zh_alloc_stats_reset();
    ck_assert_int_eq(zh_server_serve_conn(S, zh_pipe_conn(&q, 1)), ZH_OK);
    size_t n;
    ck_assert_int_eq(zh_conn_write(zh_pipe_conn(&q, 0), get_req, sizeof get_req - 1, &n), ZH_OK);
    zh_server_pump(S, 0);
    zh_alloc_stats st = zh_alloc_stats_get();
    /* The only new allocation is the connection object: both connections'
     * buffers and the exchange went back to the pools and were shared. */
    ck_assert_uint_eq(st.allocs, 1);
    ck_assert_uint_lt(st.bytes, 1024);
    char buf[512];
    ck_assert_int_eq(zh_conn_read(zh_pipe_conn(&q, 0), buf, sizeof buf, &n), ZH_OK);
    zh_server_destroy(S);
    S = NULL;
    zh_pipe_pair_dispose(&q);
    zh_pipe_pair_dispose(&P);
}
END_TEST

static Suite *server_suite(void)
{
    Suite *s = suite_create("server");
    TCase *t = tcase_create("pipe");
    tcase_add_test(t, get_hello);
    tcase_add_test(t, keep_alive_serves_sequential_requests);
    tcase_add_test(t, pipelined_batch_in_order_one_write);
    tcase_add_test(t, request_split_byte_by_byte);
    tcase_add_test(t, chunked_request_in_one_piece);
    tcase_add_test(t, chunked_request_split_byte_by_byte);
    tcase_add_test(t, http10_closes_by_default);
    tcase_add_test(t, http10_keep_alive_stays_open);
    tcase_add_test(t, http11_connection_close_closes);
    tcase_add_test(t, head_has_no_body_bytes);
    tcase_add_test(t, expect_continue_sends_100_before_body);
    tcase_add_test(t, expect_continue_not_sent_when_body_already_there);
    tcase_add_test(t, expect_continue_not_sent_after_partial_body);
    tcase_add_test(t, expect_continue_too_large_gets_413_without_100);
    tcase_add_test(t, handler_fills_response_in_any_order);
    tcase_add_test(t, user_data_reaches_handler);
    tcase_add_test(t, echo_describes_request);
    tcase_add_test(t, head_larger_than_buffer_is_served);
    tcase_add_test(t, streamed_body_goes_out_chunked);
    tcase_add_test(t, streamed_body_error_closes_connection);
    tcase_add_test(t, large_response_through_small_pipe);
    tcase_add_test(t, many_pipelined_requests_past_high_water);
    suite_add_tcase(s, t);
    TCase *e = tcase_create("errors");
    tcase_add_loop_test(e, errors_get_mapped_status_and_close, 0,
                        (int)(sizeof err_cases / sizeof err_cases[0]));
    tcase_add_test(e, truncated_request_is_closed_without_answer);
    tcase_add_test(e, unknown_expectation_gets_417);
    tcase_add_test(e, chunked_body_over_limit_gets_413);
    tcase_add_test(e, half_close_after_pipelined_requests_still_answers_them);
    suite_add_tcase(s, e);
    TCase *tm = tcase_create("timeouts");
    tcase_add_test(tm, head_timeout_sends_408_and_closes);
    tcase_add_test(tm, idle_timeout_closes_silently);
    tcase_add_test(tm, first_request_must_arrive_within_head_timeout);
    tcase_add_test(tm, write_timeout_closes_stuck_connection);
    tcase_add_test(tm, linger_ends_when_client_never_closes);
    suite_add_tcase(s, tm);
    TCase *l = tcase_create("limits");
    tcase_add_test(l, max_conns_refuses_extra_connection);
    tcase_add_test(l, create_rejects_bad_config);
    tcase_add_test(l, graceful_shutdown_finishes_in_flight_closes_idle);
    tcase_add_test(l, shutdown_grace_expires);
    suite_add_tcase(s, l);
    TCase *a = tcase_create("alloc");
    tcase_add_test(a, zero_allocs_per_keepalive_request);
    tcase_add_test(a, zero_allocs_one_request_per_connection);
    tcase_add_test(a, idle_connection_holds_no_buffers);
    suite_add_tcase(s, a);
    return s;
}

int main(void)
{
    SRunner *r = srunner_create(server_suite());
    srunner_run_all(r, CK_NORMAL);
    int failed = srunner_ntests_failed(r);
    srunner_free(r);
    return failed ? 1 : 0;
}
