/* fuzz/fuzz_server.c - target "server": a real zh_server with the echo handler over
 * an in-memory pipe; the input is the client's traffic.
 *
 * Input: [config byte][io byte][mode byte][traffic: any bytes, typically pipelined requests]
 *   io byte: bits 0-3 -> the pipe moves at most 1, 2, 3, 5, 8, 13, ... bytes per call
 *   (0: unlimited), bits 4-7 -> the client writes pieces of (n * 37 + 1) bytes.
 *   mode byte: bit 0 the clock runs (+700 ms per step: head/idle/write timeouts fire),
 *   bit 1 zh_server_stop once the traffic is sent (graceful shutdown; with bit 0 the
 *   client then waits six steps before its EOF: the grace period may expire), bit 2 small
 *   pooled buffers (256 bytes, raised to the minimum 1024: large heads take the one-off buffer), bits 3-4 timeouts
 *   scaled down (x1, /10, /100, /1000), bit 5 the handler streams the echo through a
 *   body writer (chunked, in small pieces), bit 6 max_conns is 0 (i.e. 1) and a second
 *   connection is offered (it must be refused with ZH_E_TOO_MANY_CONNECTIONS, and
 *   one offered after zh_server_stop with ZH_E_SHUTDOWN), bit 7 the handler asks
 *   for Connection: close (zh_ctx_close_after) on every response.
 *   Traffic starting with the magic "\xffZ" carries one more byte of options (the
 *   traffic is what follows it): bit 0 the client reads nothing during the first 12
 *   steps (the server's writes block: back-pressure, write timer), bit 1 pool debug
 *   on (zh_pool_debug_set), bit 2 no Server header (server_name ""), bit 3 an
 *   invalid server_name (every response is unsendable: the server writes no final
 *   response and closes), bit 4 a 512-byte pipe (writes block all the time), bits 5-7
 *   n > 0: the n-th library allocation once the connections are served fails
 *   (zh_alloc_fail_after; with pool debug every buffer and message is one): the
 *   server must answer 500, or close, and leak nothing; the last response on the
 *   wire may then be cut short and only a prefix of the requests answered.
 *   After it, "\xffB" + a byte: bit 0 zh_hello_handler (each 200 is "Hello, World!";
 *   mode bits 5 and 7 are then ignored),
 *   bit 1 the default clock (CLOCK_MONOTONIC; only without a running clock, scaled
 *   timeouts or a stop), bit 2 a Server name longer than the server keeps (sent cut).
 *   Unless max_conns is 1 (mode bit 6), a second connection is served beside the
 *   first, carrying one fixed GET.
 * The client writes its bytes as the pipe accepts them, then half-closes; the server
 * is pumped (single thread, injected clock) until it closes its end.
 * Properties (abort on violation):
 *  - the server closes the connection after the client's EOF: nothing hangs;
 *  - every byte it wrote parses as a sequence of complete responses (1xx aside);
 *  - the requests that zh_request_parse reads from the same bytes are answered in
 *    order, each 200 response carrying exactly the echo of that request (method,
 *    target, version, fields, body), and every one of them is answered unless the
 *    server ended with an error status (>= 400, then nothing follows it) or was
 *    stopped or timed out (then a prefix of them is answered);
 *  - with zh_ctx_close_after, at most one request is answered;
 *  - the second connection gets exactly the echo of its one request (or, when
 *    stopped, timed out or unsendable, nothing final), whatever the first one does;
 *  - without a Server name, no response carries a Server field;
 *  - zh_server_conn_count is 1 while the connection is open and 0 after it closed;
 *    after zh_server_stop the server reports itself drained;
 *  - no leak (LeakSanitizer) and no allocation left behind by the pools. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_support.h"
#include "zhttp/alloc.h"
#include "zhttp/conn.h"
#include "zhttp/msg.h"
#include "zhttp/server.h"

#define MAX_REQUESTS 64

typedef struct expected {
    fz_log echo;  /* the exact echo body */
    int head;     /* HEAD: no body in the answer */
    int http10;   /* an HTTP/1.0 request: its answer may end the connection */
} expected;

static uint64_t test_clock(void *ud)
{
    return *(const uint64_t *)ud;
}

static void put(fz_log *l, const char *s) { fz_log_put(l, s, strlen(s)); }

/* The echo handler's body for req (zh_echo_handler in core/src/server/handlers.c). */
static void echo_of(const zh_request *req, fz_log *l)
{
    zh_slice m = zh_request_method(req), t = zh_request_target(req), b = zh_request_body(req);
    const zh_headers *h = zh_request_headers_const(req);
    put(l, "method: ");
    fz_log_put(l, m.ptr, m.len);
    put(l, "\ntarget: ");
    fz_log_put(l, t.ptr, t.len);
    put(l, zh_request_version(req) == 0 ? "\nversion: HTTP/1.0\n" : "\nversion: HTTP/1.1\n");
    for (size_t i = 0; i < zh_headers_count(h); i++) {
        zh_slice n, v;
        FZ_CHECK(zh_headers_at(h, i, &n, &v));
        put(l, "header: ");
        fz_log_put(l, n.ptr, n.len);
        put(l, ": ");
        fz_log_put(l, v.ptr, v.len);
        put(l, "\n");
    }
    char num[32];
    snprintf(num, sizeof num, "body-length: %zu\n\n", b.len);
    put(l, num);
    fz_log_put(l, b.ptr, b.len);
}

/* The streaming handler: the echo body, handed out by a body writer in pieces of
 * 1, 2, 3, ... bytes (an empty piece first: the writer may append nothing). */
typedef struct stream_state {
    fz_log body;
    size_t pos, step;
    int close_after;
} stream_state;

static zh_err stream_writer(void *ud, zh_buf *out, bool *done)
{
    stream_state *st = ud;
    size_t n = st->body.len - st->pos < st->step ? st->body.len - st->pos : st->step;
    st->step++;
    if (n > 0 && zh_buf_append(out, st->body.p + st->pos, n) != ZH_OK)
        return ZH_E_NOMEM;
    st->pos += n;
    *done = st->pos == st->body.len;
    return ZH_OK;
}

static void stream_handler(zh_ctx *ctx)
{
    stream_state *st = zh_ctx_user_data(ctx);
    zh_echo_handler(ctx);
    zh_response *resp = zh_ctx_response(ctx);
    zh_slice b = zh_response_body(resp);
    st->body.len = 0;
    fz_log_put(&st->body, b.ptr, b.len);
    st->pos = st->step = 0;
    zh_response_set_body_writer(resp, stream_writer, st);
    FZ_CHECK(zh_response_body(resp).len == 0); /* the writer replaces the bytes */
    if (st->close_after)
        zh_ctx_close_after(ctx);
}

static void close_handler(zh_ctx *ctx)
{
    FZ_CHECK(zh_ctx_conn(ctx) != NULL);
    zh_echo_handler(ctx);
    zh_ctx_close_after(ctx);
}

/* Options of the "\xffB" byte, read by the checks below. */
static int g_hello, g_long_name;
static const char long_name[] = "a-server-name-longer-than-the-server-keeps-it-is-cut-at-its-limit-"
                                "and-what-remains-is-still-sent";
static const zh_slice hello_body = ZH_SLICE_LIT("Hello, World!");

/* The Server field of a final response: the configured name, none when it is "". */
static void check_server_field(const zh_response *r, uint8_t opt)
{
    zh_slice v;
    bool has = zh_headers_get(zh_response_headers_const(r), ZH_SLICE_LIT("Server"), &v);
    if (opt & 4u)
        FZ_CHECK(!has);
    else
        FZ_CHECK(has && (g_long_name ? v.len > 0 && v.len < sizeof long_name &&
                                           memcmp(v.ptr, long_name, v.len) == 0
                                     : zh_slice_eq(v, ZH_SLICE_LIT("zhttp"))));
}

static size_t model(const char *buf, size_t len, const zh_parse_config *cfg, expected *ex);

/* The output of a connection that sent the one request req, then EOF: at most one
 * final response, a 200 with exactly its echo or an error; exactly one when
 * must_answer; cut short only when may_cut. */
static void check_single(const fz_log *out, const char *req, const zh_parse_config *cfg,
                         zh_response *r, uint8_t opt, int may_cut, int must_answer)
{
    zh_parse_config rcfg = ZH_PARSE_CONFIG_DEFAULT;
    rcfg.limits.max_body = UINT64_MAX >> 2;
    expected ex2[1];
    size_t n2 = model(req, strlen(req), cfg, ex2);
    size_t off = 0, finals = 0;
    int last = 0;
    while (off < out->len) {
        size_t used = 0;
        zh_response_reset(r);
        zh_err rc = zh_response_parse(r, out->p + off, out->len - off, ZH_SLICE_LIT("GET"), &rcfg, &used);
        if (rc == ZH_INCOMPLETE)
            rc = zh_response_parse_eof(r);
        if (rc != ZH_OK && may_cut)
            break; /* cut short by a failed allocation */
        FZ_CHECK(rc == ZH_OK && used > 0);
        off += used;
        int st = zh_response_status(r);
        FZ_CHECK(st >= 400 || st == 200);
        FZ_CHECK(!(opt & 8u)); /* an unsendable response is never sent */
        check_server_field(r, opt);
        finals++;
        last = st;
        if (st == 200) {
            zh_slice body = zh_response_body(r);
            FZ_CHECK(n2 == 1);
            if (g_hello)
                FZ_CHECK(zh_slice_eq(body, hello_body));
            else
                FZ_CHECK(body.len == ex2[0].echo.len && memcmp(body.ptr, ex2[0].echo.p, body.len) == 0);
        }
    }
    FZ_CHECK(finals <= 1);
    if (must_answer)
        FZ_CHECK(finals == 1);
    if (n2 == 1)
        fz_log_free(&ex2[0].echo);
    else
        FZ_CHECK(finals == 0 || last >= 400);
}

/* What zh_server_create refuses, and the NULL server. */
static void check_bad_configs(const zh_server_config *good)
{
    zh_server_config c = *good;
    zh_server *s = (zh_server *)&c;
    c.handler = NULL;
    FZ_CHECK(zh_server_create(&c, &s) == ZH_E_INVALID_ARGUMENT);
    c = *good;
    c.workers = 0;
    FZ_CHECK(zh_server_create(&c, &s) == ZH_E_INVALID_ARGUMENT);
    FZ_CHECK(zh_server_create(good, NULL) == ZH_E_INVALID_ARGUMENT);
    FZ_CHECK(zh_server_create(NULL, &s) == ZH_E_INVALID_ARGUMENT);
    FZ_CHECK(zh_server_pump(NULL, 0) == 0);
    FZ_CHECK(zh_server_conn_count(NULL) == 0);
    FZ_CHECK(!zh_server_drained(NULL));
    FZ_CHECK(zh_server_port(NULL) == 0);
    FZ_CHECK(zh_ctx_request(NULL) == NULL && zh_ctx_response(NULL) == NULL);
    FZ_CHECK(zh_ctx_user_data(NULL) == NULL && zh_ctx_conn(NULL) == NULL);
    zh_server_destroy(NULL);
}

/* The requests a correct server reads from the traffic, in order. */
static size_t model(const char *buf, size_t len, const zh_parse_config *cfg, expected *ex)
{
    zh_request q;
    zh_request_init(&q);
    size_t pos = 0, n = 0;
    while (n < MAX_REQUESTS) {
        size_t used = 0;
        zh_request_reset(&q);
        zh_err rc = zh_request_parse(&q, buf + pos, len - pos, cfg, &used);
        if (rc != ZH_OK)
            break;
        ex[n].echo = (fz_log){ 0 };
        echo_of(&q, &ex[n].echo);
        ex[n].head = zh_slice_eq(zh_request_method(&q), ZH_SLICE_LIT("HEAD"));
        ex[n].http10 = zh_request_version(&q) == 0;
        n++;
        pos += used;
        if (zh_request_must_close(&q))
            break;
    }
    zh_request_dispose(&q);
    return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const size_t ios[16] = { 0, 1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144, 233, 377, 610, 987 };
    fz_input in = { data, size };
    zh_parse_config cfg = fz_config(fz_take_byte(&in));
    uint8_t io = fz_take_byte(&in);
    uint8_t mode = fz_take_byte(&in);
    uint8_t opt = 0;
    if (in.n >= 2 && in.p[0] == 0xff && in.p[1] == 'Z') {
        in.p += 2;
        in.n -= 2;
        opt = fz_take_byte(&in);
    }
    uint8_t opt2 = 0;
    if (in.n >= 2 && in.p[0] == 0xff && in.p[1] == 'B') {
        in.p += 2;
        in.n -= 2;
        opt2 = fz_take_byte(&in);
    }
    g_hello = opt2 & 1u;
    if (g_hello)
        mode &= (uint8_t)~0xa0u; /* neither streaming nor closing: hello it is */
    g_long_name = (opt2 & 4u) && !(opt & 12u);
    const char *buf = (const char *)in.p;
    size_t len = in.n, piece = (size_t)(io >> 4) * 37 + 1;
    bool pool_debug_was = zh_pool_debug();
    zh_pool_debug_set((opt & 2u) != 0);

    zh_server_config sc;
    zh_server_config_init(&sc);
    static stream_state sst;
    sst = (stream_state){ .close_after = (mode & 128u) != 0 };
    sc.handler = (mode & 32u) ? stream_handler : (mode & 128u) ? close_handler : zh_echo_handler;
    sc.user_data = &sst;
    if (mode & 64u)
        sc.max_conns = 0; /* means 1 */
    if (opt & 4u)
        sc.server_name = "";
    if (opt & 8u)
        sc.server_name = "bad\r\nname";
    if (g_hello)
        sc.handler = zh_hello_handler;
    if (g_long_name)
        sc.server_name = long_name;
    int unsendable = (opt & 8u) != 0;
    unsigned fail_at = opt >> 5;
    /* a write timeout may fire, or a failed allocation close a connection */
    int may_truncate = ((opt & 1u) && (mode & 1u)) || fail_at;
    sc.parse = cfg;
    uint64_t now = 1000;
    sc.clock = test_clock;
    sc.clock_ud = &now;
    if ((opt2 & 2u) && !(mode & 0x1bu))
        sc.clock = NULL; /* CLOCK_MONOTONIC: its 5 s and more never pass in a run */
    if (mode & 4u)
        sc.buffer_size = 256;
    static const uint32_t scale[4] = { 1, 10, 100, 1000 };
    sc.head_timeout_ms /= scale[(mode >> 3) & 3u];
    sc.idle_timeout_ms /= scale[(mode >> 3) & 3u];
    sc.write_timeout_ms /= scale[(mode >> 3) & 3u];
    sc.shutdown_grace_ms /= scale[(mode >> 3) & 3u];
    zh_server *srv = NULL;
    check_bad_configs(&sc);
    FZ_CHECK(zh_server_create(&sc, &srv) == ZH_OK);
    FZ_CHECK(zh_server_port(srv) == 0); /* not listening */
    FZ_CHECK(zh_server_serve_conn(srv, NULL) == ZH_E_INVALID_ARGUMENT);
    zh_pipe_pair pp;
    FZ_CHECK(zh_pipe_pair_init(&pp, (opt & 16u) ? 512 : 1u << 16) == ZH_OK);
    zh_pipe_pair_set_max_io(&pp, ios[io & 15u]);
    zh_conn *cli = zh_pipe_conn(&pp, 0);
    FZ_CHECK(zh_server_conn_count(srv) == 0);
    FZ_CHECK(zh_server_serve_conn(srv, zh_pipe_conn(&pp, 1)) == ZH_OK);
    FZ_CHECK(zh_server_conn_count(srv) == 1);
    zh_pipe_pair extra;
    FZ_CHECK(zh_pipe_pair_init(&extra, 1u << 14) == ZH_OK);
    zh_conn *xcli = zh_pipe_conn(&extra, 0);
    int second = !(mode & 64u);
    if (!second) {
        FZ_CHECK(zh_server_serve_conn(srv, zh_pipe_conn(&extra, 1)) == ZH_E_TOO_MANY_CONNECTIONS);
    } else {
        static const char get2[] = "GET /second?x=1 HTTP/1.1\r\nHost: two\r\n\r\n";
        size_t n = 0;
        FZ_CHECK(zh_server_serve_conn(srv, zh_pipe_conn(&extra, 1)) == ZH_OK);
        FZ_CHECK(zh_server_conn_count(srv) == 2);
        FZ_CHECK(zh_conn_write(xcli, get2, sizeof get2 - 1, &n) == ZH_OK && n == sizeof get2 - 1);
        FZ_CHECK(zh_conn_shutdown_write(xcli) == ZH_OK);
    }
    fz_log xout = { 0 };
    int xeof = 0;
    zh_alloc_fail_after(fail_at, false);

    fz_log out = { 0 };
    size_t pos = 0;
    int shut = 0, idle = 0, eof = 0, stopped = 0, steps = 0, linger_steps = 0;
    char tmp[4096];
    for (;;) {
        int moved = 0;
        if (pos < len) {
            size_t n = 0;
            size_t want = len - pos < piece ? len - pos : piece;
            zh_err e = zh_conn_write(cli, buf + pos, want, &n);
            if (e == ZH_OK && n > 0) {
                pos += n;
                moved = 1;
            } else if (e == ZH_E_CLOSED) {
                pos = len; /* the server stopped reading: the rest is never sent */
            }
        } else if (!shut) {
            if ((mode & 2u) && !stopped) {
                zh_server_stop(srv);
                stopped = 1;
                if (mode & 64u)
                    FZ_CHECK(zh_server_serve_conn(srv, zh_pipe_conn(&extra, 1)) == ZH_E_SHUTDOWN);
            }
            /* with the clock running, a stopped server's connection stays open a
             * few steps (a request in flight: the grace period may run out) */
            if ((mode & 3u) == 3u && linger_steps < 6) {
                linger_steps++;
                moved = 1;
            } else {
                zh_conn_shutdown_write(cli);
                shut = moved = 1;
            }
        }
        if (mode & 1u)
            now += 700;
        if (zh_server_pump(srv, 0) > 0)
            moved = 1;
        while (second && !xeof) {
            size_t n = 0;
            zh_err e = zh_conn_read(xcli, tmp, sizeof tmp, &n);
            if (e == ZH_OK && n > 0) {
                fz_log_put(&xout, tmp, n);
                moved = 1;
                continue;
            }
            if (e == ZH_E_CLOSED)
                xeof = 1;
            break;
        }
        steps++;
        for (; !((opt & 1u) && steps <= 12);) {
            size_t n = 0;
            zh_err e = zh_conn_read(cli, tmp, sizeof tmp, &n);
            if (e == ZH_OK && n > 0) {
                fz_log_put(&out, tmp, n);
                moved = 1;
                continue;
            }
            if (e == ZH_E_CLOSED)
                eof = 1;
            break;
        }
        FZ_CHECK(zh_server_conn_count(srv) ==
                 (size_t)!zh_pipe_end_closed(&pp, 1) + (size_t)(second && !zh_pipe_end_closed(&extra, 1)));
        if (eof && zh_pipe_end_closed(&pp, 1) && (!second || (xeof && zh_pipe_end_closed(&extra, 1))))
            break;
        idle = moved || steps <= 12 ? 0 : idle + 1;
        /* after the client's EOF, a server that neither moves nor closes hangs */
        FZ_CHECK(idle < 16);
    }

    zh_alloc_fail_after(0, false);
    FZ_CHECK(zh_server_conn_count(srv) == 0);
    FZ_CHECK(zh_server_drained(srv) == (stopped != 0));

    /* check the answers against the requests */
    static expected ex[MAX_REQUESTS];
    size_t nreq = model(buf, len, &cfg, ex);
    zh_parse_config rcfg = ZH_PARSE_CONFIG_DEFAULT;
    rcfg.limits.max_body = UINT64_MAX >> 2;
    zh_response r;
    zh_response_init(&r);
    size_t off = 0, answered = 0;
    int ended_with_error = 0, ended_with_close = 0;
    if (fz_verbose())
        fprintf(stderr, "server: wrote %zu bytes:\n%.*s\n", out.len, (int)out.len, out.p);
    while (off < out.len) {
        FZ_CHECK(!ended_with_error); /* nothing after an error response */
        FZ_CHECK(!ended_with_close); /* nor after one that said Connection: close */
        size_t used = 0;
        zh_slice method = answered < nreq && ex[answered].head ? ZH_SLICE_LIT("HEAD")
                                                             : ZH_SLICE_LIT("GET");
        zh_response_reset(&r);
        zh_err rc = zh_response_parse(&r, out.p + off, out.len - off, method, &rcfg, &used);
        if (rc == ZH_INCOMPLETE)
            rc = zh_response_parse_eof(&r); /* the server closed: must end cleanly */
        if (rc == ZH_OK && zh_response_status(&r) >= 400 && zh_slice_eq(method, ZH_SLICE_LIT("HEAD")) &&
            off + used < out.len) {
            /* an error may answer a request that never completed (a timeout in the
             * middle of the next head): then it is not a HEAD answer and has a body */
            zh_response_reset(&r);
            rc = zh_response_parse(&r, out.p + off, out.len - off, ZH_SLICE_LIT("GET"), &rcfg, &used);
            if (rc == ZH_INCOMPLETE)
                rc = zh_response_parse_eof(&r);
        }
        if (rc != ZH_OK && may_truncate)
            break; /* the write timeout cut the last response short */
        FZ_CHECK(rc == ZH_OK);
        FZ_CHECK(used > 0);
        off += used;
        int st = zh_response_status(&r);
        if (fz_verbose())
            fprintf(stderr, "server: response %d (%zu bytes), %zu of %zu requests answered\n", st,
                    used, answered, nreq);
        if (st < 200)
            continue;
        FZ_CHECK(!unsendable);
        check_server_field(&r, opt);
        if (st != 200) {
            FZ_CHECK(st >= 400);
            ended_with_error = 1;
            continue;
        }
        FZ_CHECK(answered < nreq); /* a 200 answers a request the parser read */
        /* A response may end the connection: the handler asked for it, the request
         * was HTTP/1.0 without keep-alive, or a streamed body had to be delimited
         * by the close for an HTTP/1.0 peer (RFC 9112 §6.3 rule 8, §9.3). */
        zh_slice conn;
        if (zh_headers_get(zh_response_headers(&r), ZH_SLICE_LIT("Connection"), &conn) &&
            zh_list_has_token(conn, ZH_SLICE_LIT("close")))
            ended_with_close = 1;
        zh_slice body = zh_response_body(&r);
        if (!ex[answered].head && g_hello) {
            FZ_CHECK(zh_slice_eq(body, hello_body));
        } else if (!ex[answered].head) {
            FZ_CHECK(body.len == ex[answered].echo.len);
            FZ_CHECK(body.len == 0 || memcmp(body.ptr, ex[answered].echo.p, body.len) == 0);
        }
        answered++;
    }
    if (mode & 128u)
        FZ_CHECK(answered <= 1); /* Connection: close after the first */
    if (!ended_with_error && !(mode & 3u) && !may_truncate && !unsendable) {
        FZ_CHECK(answered == ((mode & 128u) && nreq > 1 ? 1 : nreq) ||
                 (ended_with_close && answered < nreq));
        /* a close before the last request is owed only to HTTP/1.0 framing */
        FZ_CHECK(!ended_with_close || answered == nreq || (mode & 128u) ||
                 ex[answered - 1].http10);
    }

    /* the second connection: its one request, answered whatever the first did */
    static const char get2[] = "GET /second?x=1 HTTP/1.1\r\nHost: two\r\n\r\n";
    if (second)
        check_single(&xout, get2, &cfg, &r, opt, fail_at != 0,
                     !(mode & 3u) && !unsendable && !fail_at);
    /* a third connection once the others are gone (its object comes back from the
     * pool): served and answered like the second */
    if (!stopped) {
        static const char get3[] = "POST /third HTTP/1.1\r\nHost: three\r\nContent-Length: 3\r\n\r\nabc";
        zh_pipe_pair third;
        fz_log tout = { 0 };
        FZ_CHECK(zh_pipe_pair_init(&third, 1u << 14) == ZH_OK);
        zh_conn *tcli = zh_pipe_conn(&third, 0);
        size_t n = 0;
        FZ_CHECK(zh_server_serve_conn(srv, zh_pipe_conn(&third, 1)) == ZH_OK);
        FZ_CHECK(zh_conn_write(tcli, get3, sizeof get3 - 1, &n) == ZH_OK && n == sizeof get3 - 1);
        FZ_CHECK(zh_conn_shutdown_write(tcli) == ZH_OK);
        for (int k = 0; k < 64 && !zh_pipe_end_closed(&third, 1); k++) {
            zh_server_pump(srv, 0);
            while (zh_conn_read(tcli, tmp, sizeof tmp, &n) == ZH_OK && n > 0)
                fz_log_put(&tout, tmp, n);
        }
        FZ_CHECK(zh_pipe_end_closed(&third, 1));
        while (zh_conn_read(tcli, tmp, sizeof tmp, &n) == ZH_OK && n > 0)
            fz_log_put(&tout, tmp, n);
        FZ_CHECK(zh_server_conn_count(srv) == 0);
        check_single(&tout, get3, &cfg, &r, opt, 0, !unsendable);
        fz_log_free(&tout);
        zh_pipe_pair_dispose(&third);
    }
    fz_log_free(&xout);
    zh_response_dispose(&r);
    for (size_t i = 0; i < nreq; i++)
        fz_log_free(&ex[i].echo);
    fz_log_free(&out);
    zh_server_destroy(srv);
    zh_pipe_pair_dispose(&pp);
    zh_pipe_pair_dispose(&extra);
    fz_log_free(&sst.body);
    zh_pool_debug_set(pool_debug_was);
    return 0;
}
