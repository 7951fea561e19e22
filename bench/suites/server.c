/* bench/suites/server.c - fasthttp's server table over in-memory pipes.
 *
 * The traffic is that of fasthttp's server_timing_test.go, so the rows compare
 * one to one with `go test -bench ServerGet` (bench/peers/fasthttp):
 *   - every request is the same 201-byte GET /foobar?baz with Host, User-Agent,
 *     Referer and Cookie (bench/data/req_fasthttp.http);
 *   - a connection carries R requests written back to back as fast as the server
 *     reads them (fasthttp's fakeServerConn.Read fills whatever buffer it gets),
 *     then end-of-stream;
 *   - C connections are open at once (fasthttp: runtime.NumCPU() = 2 here, or
 *     10,000 for the ...10KClients rows); when one finishes, the next starts on it;
 *   - the handler checks the method is GET and answers "Hello, world!" as
 *     text/plain, asking to close the connection when R == 1 (as fasthttp's
 *     handler calls SetConnectionClose);
 *   - ns/op is per request, and the server's output is read and dropped.
 * All of it runs in one thread: zh_server_serve_conn hands each pipe end to the
 * server, zh_server_pump runs its loop. The server, its pools and the pipes are
 * created once per row and warmed up (every connection slot used once, with up
 * to 25 pipelined requests) before
 * the timer starts, so the figures are the steady state: what one more request
 * costs a running server. The warm-up also checks the responses byte by byte. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "suites.h"
#include "zhttp/server.h"

typedef struct srv_case {
    const char *name;
    size_t clients;
    uint64_t per_conn;
} srv_case;

typedef struct slot {
    zh_pipe_pair pipe;
    uint64_t reqs;       /* requests this connection carries */
    uint64_t sent;       /* request bytes written so far */
    uint64_t received;   /* response bytes read */
    bool active;
    bool eof_sent;
} slot;

typedef struct srv_state {
    const srv_case *cs;
    size_t clients;        /* cs->clients, or fewer with -short */
    zh_server *server;
    slot *slots;
    const bench_corpus *req;
    char *stream;          /* the request repeated: a window of the byte stream */
    size_t stream_len;
    uint64_t to_assign;    /* requests not yet given to a connection */
    uint64_t served;       /* handler calls */
    size_t active;
    bool bad_method;
    /* verification (warm-up): slot 0's responses, kept whole */
    bool verify;
    char *capture;
    size_t capture_len, capture_cap;
} srv_state;

#define RING_CAP 4096 /* fasthttp's default read buffer size */

static const char hello[] = "Hello, world!";

static void handler(zh_ctx *ctx)
{
    srv_state *st = zh_ctx_user_data(ctx);
    const zh_request *req = zh_ctx_request(ctx);
    if (!zh_slice_eq(zh_request_method(req), ZH_SLICE_LIT("GET")))
        st->bad_method = true;
    zh_response *resp = zh_ctx_response(ctx);
    zh_headers_set(zh_response_headers(resp), ZH_SLICE_LIT("Content-Type"),
                   ZH_SLICE_LIT("text/plain"));
    zh_response_set_body(resp, hello, sizeof hello - 1);
    if (st->cs->per_conn == 1)
        zh_ctx_close_after(ctx);
    st->served++;
}

static void state_free(srv_state *st)
{
    if (!st)
        return;
    if (st->server)
        zh_server_destroy(st->server);
    if (st->slots) {
        for (size_t i = 0; i < st->clients; i++)
            if (st->slots[i].pipe.ring[0].buf)
                zh_pipe_pair_dispose(&st->slots[i].pipe);
        free(st->slots);
    }
    free(st->stream);
    free(st->capture);
    free(st);
}

/* Starts the next connection on slot s: reqs requests, then end-of-stream. */
static zh_err slot_start(srv_state *st, slot *s, uint64_t reqs)
{
    zh_pipe_pair_reset(&s->pipe);
    s->reqs = reqs;
    s->sent = 0;
    s->received = 0;
    s->eof_sent = false;
    s->active = true;
    st->active++;
    return zh_server_serve_conn(st->server, zh_pipe_conn(&s->pipe, 1));
}

/* Writes as much of the request stream as the ring takes. */
static bool slot_feed(srv_state *st, slot *s)
{
    size_t rlen = st->req->len;
    uint64_t total = s->reqs * rlen;
    bool moved = false;
    if (s->sent < total) {
        size_t off = (size_t)(s->sent % rlen);
        uint64_t want = total - s->sent;
        size_t avail = st->stream_len - off;
        size_t len = want < avail ? (size_t)want : avail;
        size_t n = 0;
        zh_err e = zh_conn_write(zh_pipe_conn(&s->pipe, 0), st->stream + off, len, &n);
        if (e == ZH_OK && n > 0) {
            s->sent += n;
            moved = true;
        }
    }
    if (s->sent == total && !s->eof_sent) {
        zh_conn_shutdown_write(zh_pipe_conn(&s->pipe, 0));
        s->eof_sent = true;
        moved = true;
    }
    return moved;
}

/* Reads and drops (or, verifying slot 0, keeps) what the server wrote. */
static bool slot_drain(srv_state *st, slot *s, bool keep)
{
    static char sink[RING_CAP];
    bool moved = false;
    for (;;) {
        size_t n = 0;
        zh_err e = zh_conn_read(zh_pipe_conn(&s->pipe, 0), sink, sizeof sink, &n);
        if (e != ZH_OK || n == 0)
            break;
        moved = true;
        s->received += n;
        if (keep) {
            if (st->capture_len + n > st->capture_cap) {
                size_t cap = (st->capture_len + n) * 2;
                char *p = realloc(st->capture, cap);
                if (!p)
                    return moved;
                st->capture = p;
                st->capture_cap = cap;
            }
            memcpy(st->capture + st->capture_len, sink, n);
            st->capture_len += n;
        }
    }
    return moved;
}

/* Serves `total` requests, per_conn (or first_per_conn) to a connection, with
 * up to clients connections at once. Returns false with msg on a stall. */
static bool serve(srv_state *st, uint64_t total, uint64_t per_conn, char *msg, size_t cap)
{
    st->to_assign = total;
    for (size_t i = 0; i < st->clients && st->to_assign > 0; i++) {
        uint64_t r = st->to_assign < per_conn ? st->to_assign : per_conn;
        st->to_assign -= r;
        zh_err e = slot_start(st, &st->slots[i], r);
        if (e != ZH_OK) {
            snprintf(msg, cap, "zh_server_serve_conn: %s", zh_error_name(e));
            return false;
        }
    }
    int idle_rounds = 0;
    while (st->active > 0) {
        bool moved = false;
        for (size_t i = 0; i < st->clients; i++) {
            slot *s = &st->slots[i];
            if (s->active && slot_feed(st, s))
                moved = true;
        }
        if (zh_server_pump(st->server, 0) > 0)
            moved = true;
        for (size_t i = 0; i < st->clients; i++) {
            slot *s = &st->slots[i];
            if (!s->active)
                continue;
            if (slot_drain(st, s, st->verify && i == 0))
                moved = true;
            if (zh_pipe_end_closed(&s->pipe, 1)) {
                slot_drain(st, s, st->verify && i == 0);
                if (s->received == 0) {
                    snprintf(msg, cap, "connection closed without a response");
                    return false;
                }
                s->active = false;
                st->active--;
                moved = true;
                if (st->to_assign > 0) {
                    uint64_t r = st->to_assign < per_conn ? st->to_assign : per_conn;
                    st->to_assign -= r;
                    zh_err e = slot_start(st, s, r);
                    if (e != ZH_OK) {
                        snprintf(msg, cap, "zh_server_serve_conn: %s", zh_error_name(e));
                        return false;
                    }
                }
            }
        }
        if (moved) {
            idle_rounds = 0;
        } else if (++idle_rounds > 1000) {
            snprintf(msg, cap, "server stalled: %zu connections open, %llu requests served",
                     st->active, (unsigned long long)st->served);
            return false;
        }
    }
    return true;
}

/* Parses slot 0's captured output: reqs responses, each 200 text/plain
 * "Hello, world!", Connection: close on one-request connections. */
static bool verify_capture(srv_state *st, uint64_t reqs, char *msg, size_t cap)
{
    size_t off = 0;
    for (uint64_t i = 0; i < reqs; i++) {
        zh_field f[32];
        zh_response_head h = { .fields = f, .fields_cap = 32 };
        size_t used = 0;
        zh_err e = zh_parse_response_head(st->capture + off, st->capture_len - off, NULL, &h, &used);
        if (e != ZH_OK || h.status != 200) {
            snprintf(msg, cap, "response %llu: %s, status %d", (unsigned long long)i,
                     zh_error_name(e), h.status);
            return false;
        }
        const zh_field *ct = zh_fields_find(f, h.num_fields, ZH_SLICE_LIT("Content-Type"));
        const zh_field *cl = zh_fields_find(f, h.num_fields, ZH_SLICE_LIT("Content-Length"));
        const zh_field *conn = zh_fields_find(f, h.num_fields, ZH_SLICE_LIT("Connection"));
        if (!ct || !zh_slice_eq(ct->value, ZH_SLICE_LIT("text/plain")) || !cl ||
            !zh_slice_eq(cl->value, ZH_SLICE_LIT("13"))) {
            snprintf(msg, cap, "response %llu: wrong Content-Type or Content-Length", (unsigned long long)i);
            return false;
        }
        if (st->cs->per_conn == 1 && (!conn || !zh_list_has_token(conn->value, ZH_SLICE_LIT("close")))) {
            snprintf(msg, cap, "one-request connection answered without Connection: close");
            return false;
        }
        off += used;
        if (st->capture_len - off < 13 || memcmp(st->capture + off, hello, 13) != 0) {
            snprintf(msg, cap, "response %llu: body is not \"Hello, world!\"", (unsigned long long)i);
            return false;
        }
        off += 13;
    }
    if (off != st->capture_len) {
        snprintf(msg, cap, "%zu stray bytes after %llu responses", st->capture_len - off,
                 (unsigned long long)reqs);
        return false;
    }
    return true;
}

static srv_state *current;

/* The row's server and pipes: created at its first call, warmed up, reused by
 * every later call of the same row (another row's state is freed first). */
static srv_state *state_get(const srv_case *cs, char *msg, size_t cap)
{
    if (current && current->cs == cs)
        return current;
    state_free(current);
    current = NULL;
    srv_state *st = calloc(1, sizeof *st);
    if (!st) {
        snprintf(msg, cap, "out of memory");
        return NULL;
    }
    st->cs = cs;
    st->clients = bench_short() && cs->clients > 16 ? 16 : cs->clients;
    st->req = bench_corpus_get("req_fasthttp");
    size_t copies = RING_CAP / st->req->len + 2;
    st->stream_len = copies * st->req->len;
    st->stream = malloc(st->stream_len);
    st->slots = calloc(st->clients, sizeof *st->slots);
    if (!st->stream || !st->slots) {
        snprintf(msg, cap, "out of memory");
        state_free(st);
        return NULL;
    }
    for (size_t i = 0; i < copies; i++)
        memcpy(st->stream + i * st->req->len, st->req->data, st->req->len);
    for (size_t i = 0; i < st->clients; i++) {
        zh_err e = zh_pipe_pair_init(&st->slots[i].pipe, RING_CAP);
        if (e != ZH_OK) {
            snprintf(msg, cap, "zh_pipe_pair_init: %s", zh_error_name(e));
            state_free(st);
            return NULL;
        }
    }
    zh_server_config cfg;
    zh_server_config_init(&cfg);
    cfg.handler = handler;
    cfg.user_data = st;
    cfg.max_conns = st->clients + 16;
    zh_err e = zh_server_create(&cfg, &st->server);
    if (e != ZH_OK) {
        snprintf(msg, cap, "zh_server_create: %s", zh_error_name(e));
        state_free(st);
        return NULL;
    }
    /* Warm-up: every slot carries one connection of min(R, 25) requests, so the
     * pools reach the row's concurrency and its pipelining depth (a 4 KiB ring
     * holds 20 requests); slot 0's output is checked. */
    uint64_t first = cs->per_conn < 25 ? cs->per_conn : 25;
    st->verify = true;
    if (!serve(st, first * st->clients, first, msg, cap) || !verify_capture(st, first, msg, cap)) {
        state_free(st);
        return NULL;
    }
    st->verify = false;
    free(st->capture);
    st->capture = NULL;
    st->capture_len = st->capture_cap = 0;
    if (st->bad_method || st->served != first * st->clients) {
        snprintf(msg, cap, "warm-up served %llu of %llu requests", (unsigned long long)st->served,
                 (unsigned long long)(first * st->clients));
        state_free(st);
        return NULL;
    }
    current = st;
    return st;
}

static void bench_server(bench_b *b)
{
    const srv_case *cs = b->arg;
    char msg[200] = "";
    bench_stop_timer(b);
    srv_state *st = state_get(cs, msg, sizeof msg);
    if (!st) {
        bench_fail(b, "%s", msg);
        return;
    }
    st->served = 0;
    bench_reset_timer(b);
    bench_start_timer(b);
    bool ok = serve(st, b->n, cs->per_conn, msg, sizeof msg);
    bench_stop_timer(b);
    if (!ok) {
        bench_fail(b, "%s", msg);
        state_free(st);
        current = NULL;
        return;
    }
    if (st->served != b->n || st->bad_method) {
        bench_fail(b, "served %llu of %llu requests", (unsigned long long)st->served,
                   (unsigned long long)b->n);
        return;
    }
}

static const srv_case cases[] = {
    { "ServerGet1ReqPerConn", 2, 1 },
    { "ServerGet2ReqPerConn", 2, 2 },
    { "ServerGet10ReqPerConn", 2, 10 },
    { "ServerGet10KReqPerConn", 2, 10000 },
    { "ServerGet1ReqPerConn10KClients", 10000, 1 },
    { "ServerGet2ReqPerConn10KClients", 10000, 2 },
    { "ServerGet10ReqPerConn10KClients", 10000, 10 },
    { "ServerGet100ReqPerConn10KClients", 10000, 100 },
};

void suite_server_register(void)
{
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        bench_register(cases[i].name, bench_server, &cases[i]);
}
