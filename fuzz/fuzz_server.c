/* fuzz/fuzz_server.c - target "server": a real zh_server with the echo handler over
 * an in-memory pipe; the input is the client's traffic.
 *
 * Input: [config byte][io byte][mode byte][traffic: any bytes, typically pipelined requests]
 *   io byte: bits 0-3 -> the pipe moves at most 1, 2, 3, 5, 8, 13, ... bytes per call
 *   (0: unlimited), bits 4-7 -> the client writes pieces of (n * 37 + 1) bytes.
 *   mode byte: bit 0 the clock runs (+700 ms per step: head/idle/write timeouts fire),
 *   bit 1 zh_server_stop once the traffic is sent (graceful shutdown), bit 2 small
 *   pooled buffers (256 bytes: large heads take the one-off buffer), bits 3-4 timeouts
 *   scaled down (x1, /10, /100, /1000).
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
 *  - no leak (LeakSanitizer) and no allocation left behind by the pools. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_support.h"
#include "zhttp/conn.h"
#include "zhttp/msg.h"
#include "zhttp/server.h"

#define MAX_REQUESTS 64

typedef struct expected {
    fz_log echo;  /* the exact echo body */
    int head;     /* HEAD: no body in the answer */
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
    const char *buf = (const char *)in.p;
    size_t len = in.n, piece = (size_t)(io >> 4) * 37 + 1;

    zh_server_config sc;
    zh_server_config_init(&sc);
    sc.handler = zh_echo_handler;
    sc.parse = cfg;
    uint64_t now = 1000;
    sc.clock = test_clock;
    sc.clock_ud = &now;
    if (mode & 4u)
        sc.buffer_size = 256;
    static const uint32_t scale[4] = { 1, 10, 100, 1000 };
    sc.head_timeout_ms /= scale[(mode >> 3) & 3u];
    sc.idle_timeout_ms /= scale[(mode >> 3) & 3u];
    sc.write_timeout_ms /= scale[(mode >> 3) & 3u];
    sc.shutdown_grace_ms /= scale[(mode >> 3) & 3u];
    zh_server *srv = NULL;
    FZ_CHECK(zh_server_create(&sc, &srv) == ZH_OK);
    zh_pipe_pair pp;
    FZ_CHECK(zh_pipe_pair_init(&pp, 1u << 16) == ZH_OK);
    zh_pipe_pair_set_max_io(&pp, ios[io & 15u]);
    zh_conn *cli = zh_pipe_conn(&pp, 0);
    FZ_CHECK(zh_server_serve_conn(srv, zh_pipe_conn(&pp, 1)) == ZH_OK);

    fz_log out = { 0 };
    size_t pos = 0;
    int shut = 0, idle = 0, eof = 0;
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
            zh_conn_shutdown_write(cli);
            shut = moved = 1;
            if (mode & 2u)
                zh_server_stop(srv);
        }
        if (mode & 1u)
            now += 700;
        if (zh_server_pump(srv, 0) > 0)
            moved = 1;
        for (;;) {
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
        if (eof && zh_pipe_end_closed(&pp, 1))
            break;
        idle = moved ? 0 : idle + 1;
        /* after the client's EOF, a server that neither moves nor closes hangs */
        FZ_CHECK(idle < 16);
    }

    /* check the answers against the requests */
    static expected ex[MAX_REQUESTS];
    size_t nreq = model(buf, len, &cfg, ex);
    zh_parse_config rcfg = ZH_PARSE_CONFIG_DEFAULT;
    rcfg.limits.max_body = UINT64_MAX >> 2;
    zh_response r;
    zh_response_init(&r);
    size_t off = 0, answered = 0;
    int ended_with_error = 0;
    if (fz_verbose())
        fprintf(stderr, "server: wrote %zu bytes:\n%.*s\n", out.len, (int)out.len, out.p);
    while (off < out.len) {
        FZ_CHECK(!ended_with_error); /* nothing after an error response */
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
        FZ_CHECK(rc == ZH_OK);
        FZ_CHECK(used > 0);
        off += used;
        int st = zh_response_status(&r);
        if (fz_verbose())
            fprintf(stderr, "server: response %d (%zu bytes), %zu of %zu requests answered\n", st,
                    used, answered, nreq);
        if (st < 200)
            continue;
        if (st != 200) {
            FZ_CHECK(st >= 400);
            ended_with_error = 1;
            continue;
        }
        FZ_CHECK(answered < nreq); /* a 200 answers a request the parser read */
        zh_slice body = zh_response_body(&r);
        if (!ex[answered].head) {
            FZ_CHECK(body.len == ex[answered].echo.len);
            FZ_CHECK(body.len == 0 || memcmp(body.ptr, ex[answered].echo.p, body.len) == 0);
        }
        answered++;
    }
    if (!ended_with_error && !(mode & 3u))
        FZ_CHECK(answered == nreq);
    zh_response_dispose(&r);
    for (size_t i = 0; i < nreq; i++)
        fz_log_free(&ex[i].echo);
    fz_log_free(&out);
    zh_server_destroy(srv);
    zh_pipe_pair_dispose(&pp);
    return 0;
}
