/* bench/suites/client.c - fasthttp's client rows (client_timing_test.go).
 *
 * ClientDoFastServer: the client against a "server" that answers instantly from
 *   memory: a fake connection that, for every request written to it, makes the
 *   fixed 88-byte response "HTTP/1.1 200 OK / Content-Type: text/plain /
 *   Content-Length: 12 / 012345678912" readable (fasthttp's fakeClientConn).
 *   One caller, GET http://foobar1.com/aaa/bbb, the same request object reused.
 * ClientGetEndToEnd1Inmemory: the client and a zhttp server over in-memory
 *   pipes in one thread (a pipe end that must wait runs the server's loop), the
 *   server echoing the request-target as text/plain; zh_client_get of
 *   http://unused.host/foo/bar?baz=123, the body checked on every call.
 * ClientGetEndToEnd{10,100,1000}Inmemory: P callers as coroutines in one thread
 *   (goroutines on GOMAXPROCS=1) share one client (max P connections) and the
 *   in-memory server (see co_*).
 * ClientGetEndToEnd{1,10,100}TCP: the same over loopback TCP, the server on its
 *   own thread (1 worker), P caller threads sharing one client (max P
 *   connections), ns/op = wall time / requests.
 * Like the server rows, each row's objects are created and warmed up before
 * its timer starts, so the figures are the steady state. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <ucontext.h>

#include "malloc_count.h"
#include "suites.h"
#include "zhttp/client.h"
#include "zhttp/server.h"

/* ================================================================ fake server */

static const char fast_response[] =
    "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 12\r\n\r\n012345678912";

typedef struct fake_conn {
    zh_conn base;
    size_t pending_pos;  /* next byte of the response to hand out */
    size_t pending;      /* responses queued */
    char tail[4];        /* last 4 bytes written: a request ends with CRLF CRLF */
    bool closed, in_use;
} fake_conn;

static zh_err fake_read(zh_conn *c, void *buf, size_t cap, size_t *n)
{
    fake_conn *f = (fake_conn *)c;
    *n = 0;
    if (f->closed)
        return ZH_E_CLOSED;
    if (f->pending == 0)
        return ZH_E_WOULD_BLOCK;
    size_t left = sizeof fast_response - 1 - f->pending_pos;
    size_t k = left < cap ? left : cap;
    memcpy(buf, fast_response + f->pending_pos, k);
    f->pending_pos += k;
    if (f->pending_pos == sizeof fast_response - 1) {
        f->pending_pos = 0;
        f->pending--;
    }
    *n = k;
    return ZH_OK;
}

static zh_err fake_writev(zh_conn *c, const zh_slice *iov, size_t iovcnt, size_t *n)
{
    fake_conn *f = (fake_conn *)c;
    *n = 0;
    if (f->closed)
        return ZH_E_CLOSED;
    size_t total = 0;
    for (size_t i = 0; i < iovcnt; i++) {
        total += iov[i].len;
        for (size_t j = iov[i].len > 4 ? iov[i].len - 4 : 0; j < iov[i].len; j++) {
            memmove(f->tail, f->tail + 1, 3);
            f->tail[3] = iov[i].ptr[j];
        }
    }
    if (total > 0 && memcmp(f->tail, "\r\n\r\n", 4) == 0)
        f->pending++;
    *n = total;
    return ZH_OK;
}

static zh_err fake_shutdown(zh_conn *c)
{
    (void)c;
    return ZH_OK;
}

static void fake_close(zh_conn *c) { ((fake_conn *)c)->closed = true; }

static unsigned fake_ready(const zh_conn *c)
{
    const fake_conn *f = (const fake_conn *)c;
    return ZH_WRITABLE | (f->pending || f->closed ? ZH_READABLE : 0u);
}

static int fake_fd(const zh_conn *c)
{
    (void)c;
    return -1;
}

static zh_err fake_wait(zh_conn *c, unsigned events, int timeout_ms)
{
    (void)timeout_ms;
    return (fake_ready(c) & events) ? ZH_OK : ZH_E_TIMEOUT;
}

static const zh_conn_vtable fake_vt = { fake_read, fake_writev, fake_shutdown, fake_close,
                                        fake_ready, fake_fd, fake_wait };

#define FAKE_CONNS 4
static fake_conn fakes[FAKE_CONNS];

static zh_err fake_dial(void *ud, const char *host, uint16_t port, int timeout_ms, zh_conn **out)
{
    (void)ud, (void)host, (void)port, (void)timeout_ms;
    for (size_t i = 0; i < FAKE_CONNS; i++) {
        if (!fakes[i].in_use) {
            fakes[i] = (fake_conn){ .base = { &fake_vt, NULL }, .in_use = true };
            *out = &fakes[i].base;
            return ZH_OK;
        }
    }
    return ZH_E_CONNECT;
}

static void fake_release(void *ud, zh_conn *conn)
{
    (void)ud;
    ((fake_conn *)conn)->in_use = false;
}

typedef struct fast_state {
    zh_client *client;
    zh_request req;
    zh_response resp;
    bool ready;
} fast_state;

static fast_state fast;

static zh_err fast_once(void)
{
    zh_err e = zh_client_do(fast.client, "foobar1.com", 80, &fast.req, &fast.resp);
    if (e != ZH_OK)
        return e;
    if (zh_response_status(&fast.resp) != 200 ||
        !zh_slice_eq(zh_response_body(&fast.resp), ZH_SLICE_LIT("012345678912")))
        return ZH_E_BAD_RESPONSE;
    return ZH_OK;
}

static void bench_client_fast(bench_b *b)
{
    bench_stop_timer(b);
    if (!fast.ready) {
        static const zh_client_dialer dialer = { fake_dial, fake_release, NULL };
        zh_client_config cfg = zh_client_config_default();
        cfg.max_conns_per_host = 1; /* fasthttp: GOMAXPROCS, 1 in the table */
        cfg.dialer = &dialer;
        zh_err e = zh_client_create(&cfg, &fast.client);
        if (e != ZH_OK) {
            bench_fail(b, "zh_client_create: %s", zh_error_name(e));
            return;
        }
        zh_request_init(&fast.req);
        zh_response_init(&fast.resp);
        zh_request_set_target(&fast.req, ZH_SLICE_LIT("/aaa/bbb"));
        for (int i = 0; i < 100 && e == ZH_OK; i++)
            e = fast_once();
        if (e != ZH_OK) {
            bench_fail(b, "warm-up: %s (%s)", zh_error_name(e), zh_client_last_error());
            return;
        }
        fast.ready = true;
    }
    bench_reset_timer(b);
    bench_start_timer(b);
    for (uint64_t i = 0; i < b->n; i++) {
        zh_err e = fast_once();
        if (e != ZH_OK) {
            bench_fail(b, "zh_client_do: %s (%s)", zh_error_name(e), zh_client_last_error());
            return;
        }
    }
}

/* ================================================================ echo server */

static void echo_uri(zh_ctx *ctx)
{
    zh_slice t = zh_request_target(zh_ctx_request(ctx));
    zh_response *resp = zh_ctx_response(ctx);
    zh_headers_set(zh_response_headers(resp), ZH_SLICE_LIT("Content-Type"), ZH_SLICE_LIT("text/plain"));
    zh_response_set_body(resp, t.ptr, t.len);
}

static const char e2e_uri[] = "/foo/bar?baz=123";

static bool e2e_check(const zh_response *resp)
{
    return zh_response_status(resp) == 200 &&
           zh_slice_eq(zh_response_body(resp), ZH_SLICE_LIT(e2e_uri));
}

/* ================================================================ in memory */

#define MEM_PIPES 8

typedef struct mem_state {
    zh_server *server;
    zh_client *client;
    zh_pipe_pair pipes[MEM_PIPES];
    bool used[MEM_PIPES];
    zh_request req;
    zh_response resp;
    bool ready;
} mem_state;

static mem_state mem;

static bool mem_pump(void *ud) { return zh_server_pump(ud, 0) > 0; }

static zh_err mem_dial(void *ud, const char *host, uint16_t port, int timeout_ms, zh_conn **out)
{
    mem_state *m = ud;
    (void)host, (void)port, (void)timeout_ms;
    for (size_t i = 0; i < MEM_PIPES; i++) {
        /* Reusable once the client released it and the server closed its end. */
        if (m->used[i] && !zh_pipe_end_closed(&m->pipes[i], 1))
            continue;
        zh_pipe_pair_reset(&m->pipes[i]);
        zh_err e = zh_server_serve_conn(m->server, zh_pipe_conn(&m->pipes[i], 1));
        if (e != ZH_OK)
            return e;
        m->used[i] = true;
        *out = zh_pipe_conn(&m->pipes[i], 0);
        return ZH_OK;
    }
    return ZH_E_CONNECT;
}

static void mem_release(void *ud, zh_conn *conn)
{
    (void)ud, (void)conn; /* the pipe is free once the server closed its end */
}

static zh_err mem_once(void)
{
    zh_err e = zh_client_get(mem.client, ZH_SLICE_LIT("http://unused.host/foo/bar?baz=123"), &mem.req,
                             &mem.resp);
    if (e == ZH_OK && !e2e_check(&mem.resp))
        e = ZH_E_BAD_RESPONSE;
    return e;
}

static void bench_client_mem(bench_b *b)
{
    bench_stop_timer(b);
    if (!mem.ready) {
        zh_server_config scfg;
        zh_server_config_init(&scfg);
        scfg.handler = echo_uri;
        zh_err e = zh_server_create(&scfg, &mem.server);
        for (size_t i = 0; i < MEM_PIPES && e == ZH_OK; i++) {
            e = zh_pipe_pair_init(&mem.pipes[i], 16384);
            zh_pipe_pair_set_pump(&mem.pipes[i], mem_pump, mem.server);
        }
        static zh_client_dialer dialer = { mem_dial, mem_release, &mem };
        zh_client_config cfg = zh_client_config_default();
        cfg.max_conns_per_host = 1;
        cfg.dialer = &dialer;
        if (e == ZH_OK)
            e = zh_client_create(&cfg, &mem.client);
        if (e != ZH_OK) {
            bench_fail(b, "setup: %s", zh_error_name(e));
            return;
        }
        zh_request_init(&mem.req);
        zh_response_init(&mem.resp);
        for (int i = 0; i < 100 && e == ZH_OK; i++)
            e = mem_once();
        if (e != ZH_OK) {
            bench_fail(b, "warm-up: %s (%s)", zh_error_name(e), zh_client_last_error());
            return;
        }
        mem.ready = true;
    }
    bench_reset_timer(b);
    bench_start_timer(b);
    for (uint64_t i = 0; i < b->n; i++) {
        zh_err e = mem_once();
        if (e != ZH_OK) {
            bench_fail(b, "zh_client_get: %s (%s)", zh_error_name(e), zh_client_last_error());
            return;
        }
    }
}

/* ================================================================ in memory, P callers */

/* P callers as coroutines in one thread (ucontext), the C analogue of P
 * goroutines on GOMAXPROCS=1: each caller runs zh_client_get on its own stack;
 * when its pipe end must wait, the pipe's pump hook switches back to the
 * scheduler, which runs the server's loop and resumes the callers whose
 * connection became readable. The client is shared (max P connections), as in
 * fasthttp's benchmark. Nothing needs a lock: zhttp's client never waits while
 * holding its pool lock, and with P connections no caller waits for one. */
#define CO_STACK (128 * 1024)
#define CO_MAX 1000
#define CO_PIPES 1024

typedef struct co_caller {
    ucontext_t ctx;
    char *stack;
    uint64_t n;            /* requests this caller makes in the current run */
    zh_err err;
    char detail[160];
    zh_request req;
    zh_response resp;
    zh_pipe_pair *pipe;    /* the connection it is parked on; NULL when runnable */
    bool finished;
} co_caller;

typedef struct co_state {
    zh_server *server;
    zh_client *client;
    zh_pipe_pair *pipes;
    bool *pipe_used;
    size_t callers;
    bool ready;
} co_state;

static ucontext_t co_sched;
static co_caller *co_current;
static co_state *co_active;
static co_caller co_callers[CO_MAX];
static size_t co_inited;

static size_t co_callers_of(const co_state *cs)
{
    return bench_short() && cs->callers > 10 ? 10 : cs->callers;
}

/* The pump hook of every pipe: the calling caller parks until the scheduler
 * finds its end readable, then reports progress so the pipe's wait looks again. */
static bool co_park(void *ud)
{
    co_caller *me = co_current;
    me->pipe = ud;
    swapcontext(&me->ctx, &co_sched);
    me->pipe = NULL;
    return true;
}

static zh_err co_dial(void *ud, const char *host, uint16_t port, int timeout_ms, zh_conn **out)
{
    co_state *cs = ud;
    (void)host, (void)port, (void)timeout_ms;
    for (size_t i = 0; i < CO_PIPES; i++) {
        zh_pipe_pair *p = &cs->pipes[i];
        if (cs->pipe_used[i] && !(zh_pipe_end_closed(p, 0) && zh_pipe_end_closed(p, 1)))
            continue; /* in use, or the server has not closed its end yet */
        if (!cs->pipe_used[i]) {
            zh_err e = zh_pipe_pair_init(p, 16384);
            if (e != ZH_OK)
                return e;
            zh_pipe_pair_set_pump(p, co_park, p);
            cs->pipe_used[i] = true;
        } else {
            zh_pipe_pair_reset(p);
        }
        zh_err e = zh_server_serve_conn(cs->server, zh_pipe_conn(p, 1));
        if (e != ZH_OK)
            return e;
        *out = zh_pipe_conn(p, 0);
        return ZH_OK;
    }
    return ZH_E_CONNECT;
}

static void co_main(void)
{
    co_caller *me = co_current;
    for (uint64_t i = 0; i < me->n; i++) {
        zh_err e = zh_client_get(co_active->client, ZH_SLICE_LIT("http://unused.host/foo/bar?baz=123"),
                                 &me->req, &me->resp);
        if (e == ZH_OK && !e2e_check(&me->resp))
            e = ZH_E_BAD_RESPONSE;
        if (e != ZH_OK) {
            me->err = e;
            snprintf(me->detail, sizeof me->detail, "%s", zh_client_last_error());
            break;
        }
    }
    me->finished = true;
    /* returning resumes uc_link: the scheduler */
}

/* Runs n requests over the row's callers. The timer covers the requests; the
 * coroutines are prepared before it starts. */
static bool co_run(bench_b *b, co_state *cs, uint64_t n, bool timed)
{
    size_t p = n < co_callers_of(cs) ? (size_t)n : co_callers_of(cs);
    co_active = cs;
    for (size_t i = 0; i < p; i++) {
        co_caller *c = &co_callers[i];
        c->n = n / p + (i < n % p ? 1 : 0);
        c->err = ZH_OK;
        c->finished = false;
        c->pipe = NULL;
        getcontext(&c->ctx);
        c->ctx.uc_stack.ss_sp = c->stack;
        c->ctx.uc_stack.ss_size = CO_STACK;
        c->ctx.uc_link = &co_sched;
        makecontext(&c->ctx, co_main, 0);
    }
    if (timed) {
        bench_reset_timer(b);
        bench_start_timer(b);
    }
    size_t left = p;
    int idle = 0;
    while (left > 0) {
        bool moved = false;
        for (size_t i = 0; i < p; i++) {
            co_caller *c = &co_callers[i];
            if (c->finished)
                continue;
            if (c->pipe && !(zh_conn_ready(zh_pipe_conn(c->pipe, 0)) & ZH_READABLE) &&
                !zh_pipe_end_closed(c->pipe, 1))
                continue; /* still waiting for the server */
            co_current = c;
            swapcontext(&co_sched, &c->ctx);
            moved = true;
            if (c->finished)
                left--;
        }
        if (zh_server_pump(cs->server, 0) > 0)
            moved = true;
        if (moved) {
            idle = 0;
        } else if (++idle > 1000) {
            if (timed)
                bench_stop_timer(b);
            bench_fail(b, "in-memory exchange stalled with %zu callers waiting", left);
            return false;
        }
    }
    if (timed)
        bench_stop_timer(b);
    for (size_t i = 0; i < p; i++) {
        if (co_callers[i].err != ZH_OK) {
            bench_fail(b, "zh_client_get: %s (%s)", zh_error_name(co_callers[i].err), co_callers[i].detail);
            return false;
        }
    }
    return true;
}

static co_state co_rows[3];

static void bench_client_co(bench_b *b)
{
    co_state *cs = (co_state *)b->arg;
    bench_stop_timer(b);
    if (!cs->ready) {
        cs->pipes = calloc(CO_PIPES, sizeof *cs->pipes);
        cs->pipe_used = calloc(CO_PIPES, sizeof *cs->pipe_used);
        zh_server_config scfg;
        zh_server_config_init(&scfg);
        scfg.handler = echo_uri;
        scfg.max_conns = CO_PIPES + 16;
        zh_err e = cs->pipes && cs->pipe_used ? zh_server_create(&scfg, &cs->server) : ZH_E_NOMEM;
        zh_client_dialer dialer = { co_dial, NULL, cs };
        zh_client_config cfg = zh_client_config_default();
        cfg.max_conns_per_host = co_callers_of(cs); /* fasthttp: GOMAXPROCS * parallelism */
        cfg.dialer = &dialer;
        if (e == ZH_OK)
            e = zh_client_create(&cfg, &cs->client);
        for (; e == ZH_OK && co_inited < co_callers_of(cs); co_inited++) {
            co_caller *c = &co_callers[co_inited];
            c->stack = malloc(CO_STACK);
            if (!c->stack)
                e = ZH_E_NOMEM;
            zh_request_init(&c->req);
            zh_response_init(&c->resp);
        }
        if (e != ZH_OK) {
            bench_fail(b, "setup: %s", zh_error_name(e));
            return;
        }
        /* Warm up until a round allocates nothing, at most 10 rounds. */
        for (int round = 0; round < 10; round++) {
            malloc_counts before = malloc_count_get();
            malloc_count_enable(true);
            bool ok = co_run(b, cs, co_callers_of(cs) * 5, false);
            malloc_count_enable(false);
            if (!ok)
                return;
            if (malloc_count_get().allocs == before.allocs)
                break;
        }
        cs->ready = true;
    }
    co_run(b, cs, b->n, true);
}

/* ================================================================ TCP */

typedef struct tcp_state {
    zh_server *server;
    zh_client *client;
    char url[64];
    size_t callers;
    bool ready;
} tcp_state;

typedef struct tcp_caller {
    tcp_state *st;
    uint64_t n;
    pthread_barrier_t *start;
    zh_err err;
    char detail[160];
    zh_request req;
    zh_response resp;
} tcp_caller;

static tcp_state tcp_rows[3];

static void *tcp_caller_main(void *arg)
{
    tcp_caller *c = arg;
    pthread_barrier_wait(c->start);
    zh_slice url = zh_slice_from_cstr(c->st->url);
    for (uint64_t i = 0; i < c->n; i++) {
        zh_err e = zh_client_get(c->st->client, url, &c->req, &c->resp);
        if (e == ZH_OK && !e2e_check(&c->resp))
            e = ZH_E_BAD_RESPONSE;
        if (e != ZH_OK) {
            c->err = e;
            snprintf(c->detail, sizeof c->detail, "%s", zh_client_last_error());
            break;
        }
    }
    return NULL;
}

/* Runs n requests split over the row's callers; the timer covers the requests
 * only (threads are created before it starts and joined after it stops). */
static size_t tcp_callers_of(const tcp_state *st)
{
    return bench_short() && st->callers > 10 ? 10 : st->callers;
}

static bool tcp_run(bench_b *b, tcp_state *st, uint64_t n, bool timed, tcp_caller *callers)
{
    size_t p = n < tcp_callers_of(st) ? (size_t)n : tcp_callers_of(st);
    pthread_t th[100];
    if (p == 0)
        return true;
    pthread_barrier_t start;
    pthread_barrier_init(&start, NULL, (unsigned)p + 1);
    for (size_t i = 0; i < p; i++) {
        callers[i].st = st;
        callers[i].n = n / p + (i < n % p ? 1 : 0);
        callers[i].start = &start;
        callers[i].err = ZH_OK;
        pthread_create(&th[i], NULL, tcp_caller_main, &callers[i]);
    }
    if (timed) {
        bench_reset_timer(b);
        bench_start_timer(b);
    }
    pthread_barrier_wait(&start);
    for (size_t i = 0; i < p; i++)
        pthread_join(th[i], NULL);
    if (timed)
        bench_stop_timer(b);
    pthread_barrier_destroy(&start);
    for (size_t i = 0; i < p; i++) {
        if (callers[i].err != ZH_OK) {
            bench_fail(b, "zh_client_get: %s (%s)", zh_error_name(callers[i].err), callers[i].detail);
            return false;
        }
    }
    return true;
}

static void bench_client_tcp(bench_b *b)
{
    tcp_state *st = (tcp_state *)b->arg;
    static tcp_caller callers[100];
    bench_stop_timer(b);
    if (!st->ready) {
        zh_server_config scfg;
        zh_server_config_init(&scfg);
        scfg.handler = echo_uri;
        scfg.workers = 1;
        zh_err e = zh_server_create(&scfg, &st->server);
        if (e == ZH_OK)
            e = zh_server_listen(st->server, "127.0.0.1:0");
        if (e == ZH_OK)
            e = zh_server_start(st->server);
        zh_client_config cfg = zh_client_config_default();
        cfg.max_conns_per_host = tcp_callers_of(st);
        if (e == ZH_OK)
            e = zh_client_create(&cfg, &st->client);
        if (e != ZH_OK) {
            bench_fail(b, "setup: %s", zh_error_name(e));
            return;
        }
        snprintf(st->url, sizeof st->url, "http://127.0.0.1:%u%s", zh_server_port(st->server), e2e_uri);
        static size_t inited; /* callers[] is shared by the rows */
        for (; inited < tcp_callers_of(st); inited++) {
            zh_request_init(&callers[inited].req);
            zh_response_init(&callers[inited].resp);
        }
        for (int round = 0; round < 20; round++) {
            malloc_counts before = malloc_count_get();
            malloc_count_enable(true);
            bool ok = tcp_run(b, st, tcp_callers_of(st) * 20, false, callers);
            malloc_count_enable(false);
            if (!ok)
                return;
            if (malloc_count_get().allocs == before.allocs)
                break;
        }
        st->ready = true;
    }
    tcp_run(b, st, b->n, true, callers);
}

/* ================================================================ register */

void suite_client_register(void)
{
    bench_register("ClientDoFastServer", bench_client_fast, NULL);
    bench_register("ClientGetEndToEnd1Inmemory", bench_client_mem, NULL);
    static const size_t pp[3] = { 10, 100, 1000 };
    static const char *pnames[3] = { "ClientGetEndToEnd10Inmemory", "ClientGetEndToEnd100Inmemory",
                                     "ClientGetEndToEnd1000Inmemory" };
    for (size_t i = 0; i < 3; i++) {
        co_rows[i].callers = pp[i];
        bench_register(pnames[i], bench_client_co, &co_rows[i]);
    }
    static const size_t p[3] = { 1, 10, 100 };
    static const char *names[3] = { "ClientGetEndToEnd1TCP", "ClientGetEndToEnd10TCP",
                                    "ClientGetEndToEnd100TCP" };
    for (size_t i = 0; i < 3; i++) {
        tcp_rows[i].callers = p[i];
        bench_register(names[i], bench_client_tcp, &tcp_rows[i]);
    }
}
