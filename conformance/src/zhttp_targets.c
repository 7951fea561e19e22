/* conformance/src/zhttp_targets.c - targets over zhttp's engine layers:
 *   server      zh_server (echo handler) over an in-memory pipe, driven in one
 *               thread with zh_server_pump and a hand-advanced clock, so every
 *               outcome (including "still open") is deterministic;
 *   server-tcp  a zh_server with one worker thread on 127.0.0.1:0, started per
 *               case, the script played over a real socket;
 *   client      zh_client_do against the runner's scripted peer (a pipe pair
 *               whose pump hook plays the case's respond: script). */
#include <stdlib.h>
#include <string.h>

#include "zhttp/client.h"
#include "zhttp/conn.h"
#include "zhttp/msg.h"
#include "zhttp/server.h"
#include "zhttp_targets.h"

bool cf_zhttp_target_parse(const char *spec, cf_target *t, char *err, size_t errcap)
{
    static const struct {
        const char *name;
        cf_target_type type;
    } known[] = {
        { "server", CF_T_SERVER },
        { "server-tcp", CF_T_SERVER_TCP },
        { "client", CF_T_CLIENT },
        { "api", CF_T_API },
    };
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++) {
        if (strcmp(spec, known[i].name) != 0)
            continue;
        t->type = known[i].type;
        /* the server over TCP must give the very answers it gives over a pipe */
        snprintf(t->golden_name, sizeof t->golden_name, "%s",
                 t->type == CF_T_SERVER_TCP ? "server" : spec);
        return true;
    }
    snprintf(err, errcap,
             "unknown target '%s' (known: parser server server-tcp client api tcp://HOST:PORT)",
             spec);
    return false;
}

bool cf_zhttp_target_start(cf_target *t, char *err, size_t errcap)
{
    (void)t;
    (void)err;
    (void)errcap;
    return true; /* every case builds its own server or client */
}

void cf_zhttp_target_stop(cf_target *t)
{
    (void)t;
}

/* ---------------------------------------------------------------- server over a pipe */

static uint64_t manual_clock(void *ud)
{
    return *(const uint64_t *)ud;
}

static void server_config(const cf_case *c, zh_server_config *cfg, uint64_t *now)
{
    zh_server_config_init(cfg);
    cfg->handler = zh_echo_handler;
    cfg->parse.limits = c->limits;
    cfg->parse.lenient = c->lenient;
    if (now) {
        cfg->clock = manual_clock;
        cfg->clock_ud = now;
    }
}

typedef struct pipe_run {
    zh_server *srv;
    zh_pipe_pair pair;
    zh_conn *cl;
    cf_buf in, sent;
    bool closed;
    bool peer_gone; /* the server stopped reading */
} pipe_run;

/* Runs the server until it has nothing left to do, collecting its output. */
static void settle(pipe_run *r)
{
    for (int rounds = 0; rounds < 100000; rounds++) {
        int progressed = zh_server_pump(r->srv, 0);
        bool got = false;
        while (!r->closed) {
            char tmp[16384];
            size_t n = 0;
            zh_err e = zh_conn_read(r->cl, tmp, sizeof tmp, &n);
            if (e == ZH_OK && n) {
                cf_buf_put(&r->in, tmp, n);
                got = true;
                continue;
            }
            if (e != ZH_E_WOULD_BLOCK)
                r->closed = true;
            break;
        }
        if (!progressed && !got)
            return;
    }
}

static void send_bytes(pipe_run *r, const char *p, size_t n, bool bytewise)
{
    size_t off = 0;
    while (off < n && !r->peer_gone) {
        size_t want = bytewise ? 1 : n - off;
        size_t w = 0;
        zh_err e = zh_conn_write(r->cl, p + off, want, &w);
        if (e == ZH_OK && w) {
            cf_buf_put(&r->sent, p + off, w);
            off += w;
            if (bytewise)
                settle(r);
            continue;
        }
        if (e == ZH_E_WOULD_BLOCK) {
            size_t before = r->in.len;
            settle(r);
            if (r->in.len == before && zh_conn_ready(r->cl) == 0)
                r->peer_gone = true; /* ring full and nobody reads: give up sending */
            continue;
        }
        r->peer_gone = true;
    }
    settle(r);
}

static void run_server_pipe_io(const cf_case *c, size_t max_io, cf_buf *trace)
{
    uint64_t now = 1000000;
    zh_server_config cfg;
    server_config(c, &cfg, &now);
    pipe_run r;
    memset(&r, 0, sizeof r);
    zh_err e = zh_server_create(&cfg, &r.srv);
    if (e != ZH_OK) {
        cf_buf_printf(trace, "target-error zh_server_create %s\n", zh_error_name(e));
        return;
    }
    e = zh_pipe_pair_init(&r.pair, 1u << 20);
    if (e != ZH_OK) {
        cf_buf_printf(trace, "target-error zh_pipe_pair_init %s\n", zh_error_name(e));
        zh_server_destroy(r.srv);
        return;
    }
    zh_pipe_pair_set_max_io(&r.pair, max_io);
    r.cl = zh_pipe_conn(&r.pair, 0);
    e = zh_server_serve_conn(r.srv, zh_pipe_conn(&r.pair, 1));
    if (e != ZH_OK) {
        cf_buf_printf(trace, "target-error zh_server_serve_conn %s\n", zh_error_name(e));
    } else {
        bool bytewise = false;
        for (size_t i = 0; i < c->nsteps; i++) {
            const cf_step *s = &c->steps[i];
            switch (s->type) {
            case CF_STEP_SEND:
                send_bytes(&r, c->bytes + s->off, s->len, bytewise);
                break;
            case CF_STEP_PAUSE:
                now += s->ms;
                settle(&r);
                break;
            case CF_STEP_BYTEWISE:
                bytewise = true;
                break;
            case CF_STEP_SHUTDOWN:
            case CF_STEP_CLOSE:
                zh_conn_shutdown_write(r.cl);
                settle(&r);
                break;
            }
        }
        settle(&r);
        if (zh_pipe_end_closed(&r.pair, 1) && !r.closed) {
            settle(&r);
            r.closed = true;
        }
        cf_trace_responses(r.sent.ptr, r.sent.len, r.in.ptr, r.in.len, r.closed, false, trace);
    }
    zh_server_destroy(r.srv);
    zh_pipe_pair_dispose(&r.pair);
    cf_buf_free(&r.in);
    cf_buf_free(&r.sent);
}

/* First line where two traces differ, as a report line. */
static void put_first_difference(cf_buf *t, const char *what, const cf_buf *a, const cf_buf *b)
{
    cf_lines A, B;
    cf_lines_split(&A, a->ptr ? a->ptr : "", a->len);
    cf_lines_split(&B, b->ptr ? b->ptr : "", b->len);
    size_t i = 0;
    while (i < A.n && i < B.n && A.len[i] == B.len[i] &&
           memcmp(A.line[i], B.line[i], A.len[i]) == 0)
        i++;
    cf_buf_printf(t, "%s: whole=\"%.*s\" bytewise=\"%.*s\"\n", what,
                  i < A.n ? (int)A.len[i] : 0, i < A.n ? A.line[i] : "",
                  i < B.n ? (int)B.len[i] : 0, i < B.n ? B.line[i] : "");
    cf_lines_free(&A);
    cf_lines_free(&B);
}

/* The server case as scripted, then again with every pipe read and write limited
 * to one byte: both must give the same trace. */
static void run_server_pipe(const cf_case *c, cf_buf *trace)
{
    run_server_pipe_io(c, 0, trace);
    cf_buf slow = { 0 };
    run_server_pipe_io(c, 1, &slow);
    if (slow.len != trace->len || memcmp(slow.ptr, trace->ptr, slow.len) != 0)
        put_first_difference(trace, "bytewise-differs", trace, &slow);
    cf_buf_free(&slow);
}

/* ---------------------------------------------------------------- server on loopback */

static void run_server_tcp(const cf_case *c, unsigned timeout_ms, cf_buf *trace)
{
    zh_server_config cfg;
    server_config(c, &cfg, NULL);
    cfg.workers = 1;
    zh_server *s = NULL;
    zh_err e = zh_server_create(&cfg, &s);
    if (e == ZH_OK)
        e = zh_server_listen(s, "127.0.0.1:0");
    if (e == ZH_OK)
        e = zh_server_start(s);
    if (e != ZH_OK) {
        cf_buf_printf(trace, "target-error server start %s\n", zh_error_name(e));
        if (s)
            zh_server_destroy(s);
        return;
    }
    cf_run_tcp_case(c, "127.0.0.1", zh_server_port(s), timeout_ms, trace);
    zh_server_stop(s);
    zh_server_wait(s);
    zh_server_destroy(s);
}

/* ---------------------------------------------------------------- client */

/* The scripted peer: one pipe pair per dial. Its pump hook reads what the client
 * sent and, once a request head is complete, plays the respond: script. */
typedef struct peer {
    const cf_case *c;
    zh_pipe_pair pair;
    bool in_use;
    size_t step;         /* next script step */
    bool bytewise;
    size_t sent_off;     /* bytes of the current send step already written */
    cf_buf got;          /* what the client wrote */
    size_t max_io;       /* pipe read/write limit (1: byte by byte) */
    bool answering;      /* the request head has arrived */
    int dials;
} peer;

static bool peer_head_complete(const cf_buf *b)
{
    for (size_t i = 0; i + 3 < b->len; i++)
        if (memcmp(b->ptr + i, "\r\n\r\n", 4) == 0)
            return true;
    return false;
}

static bool peer_pump(void *ud)
{
    peer *p = ud;
    zh_conn *me = zh_pipe_conn(&p->pair, 1);
    bool progress = false;
    for (;;) {
        char tmp[4096];
        size_t n = 0;
        zh_err e = zh_conn_read(me, tmp, sizeof tmp, &n);
        if (e != ZH_OK || n == 0)
            break;
        cf_buf_put(&p->got, tmp, n);
        progress = true;
    }
    if (!p->answering && peer_head_complete(&p->got))
        p->answering = true;
    if (!p->answering)
        return progress;
    /* one script step (or one byte of a bytewise send) per pump call */
    while (p->step < p->c->nsteps) {
        const cf_step *s = &p->c->steps[p->step];
        if (s->type == CF_STEP_BYTEWISE) {
            p->bytewise = true;
            p->step++;
            continue;
        }
        if (s->type == CF_STEP_PAUSE) { /* time is not simulated for the client */
            p->step++;
            continue;
        }
        if (s->type == CF_STEP_SHUTDOWN) {
            zh_conn_shutdown_write(me);
            p->step++;
            return true;
        }
        if (s->type == CF_STEP_CLOSE) {
            zh_conn_close(me);
            p->step++;
            return true;
        }
        size_t left = s->len - p->sent_off;
        size_t want = p->bytewise ? 1 : left;
        size_t w = 0;
        zh_err e = zh_conn_write(me, p->c->bytes + s->off + p->sent_off, want, &w);
        if (e != ZH_OK || w == 0)
            return progress;
        p->sent_off += w;
        if (p->sent_off == s->len) {
            p->step++;
            p->sent_off = 0;
        }
        return true;
    }
    return progress;
}

static zh_err peer_dial(void *ud, const char *host, uint16_t port, int timeout_ms, zh_conn **out)
{
    (void)host;
    (void)port;
    (void)timeout_ms;
    peer *p = ud;
    if (p->in_use)
        return ZH_E_CONNECT; /* one scripted connection per case */
    zh_err e = zh_pipe_pair_init(&p->pair, 1u << 20);
    if (e != ZH_OK)
        return e;
    zh_pipe_pair_set_pump(&p->pair, peer_pump, p);
    zh_pipe_pair_set_max_io(&p->pair, p->max_io);
    p->in_use = true;
    p->dials++;
    *out = zh_pipe_conn(&p->pair, 0);
    return ZH_OK;
}

static void peer_release(void *ud, zh_conn *conn)
{
    (void)ud;
    (void)conn;
}

static void put_headers(cf_buf *t, const char *label, const zh_headers *h)
{
    size_t n = zh_headers_count(h);
    for (size_t i = 0; i < n; i++) {
        zh_slice name, value;
        if (!zh_headers_at(h, i, &name, &value))
            break;
        cf_buf_puts(t, label);
        cf_buf_put_escaped(t, name.ptr, name.len);
        cf_buf_puts(t, value.len ? ": " : ":");
        cf_buf_put_escaped(t, value.ptr, value.len);
        cf_buf_puts(t, "\n");
    }
}

static void run_client_io(const cf_case *c, unsigned timeout_ms, size_t max_io, cf_buf *trace)
{
    peer p;
    memset(&p, 0, sizeof p);
    p.c = c;
    p.max_io = max_io;
    zh_client_dialer d = { peer_dial, peer_release, &p };
    zh_client_config cfg = zh_client_config_default();
    cfg.dialer = &d;
    cfg.timeout_ms = (int)timeout_ms;
    cfg.parse.limits = c->limits;
    cfg.parse.lenient = c->lenient;
    cfg.max_body = c->limits.max_body;
    zh_client *cl = NULL;
    zh_err e = zh_client_create(&cfg, &cl);
    if (e != ZH_OK) {
        cf_buf_printf(trace, "target-error zh_client_create %s\n", zh_error_name(e));
        return;
    }
    zh_request req;
    zh_response resp;
    zh_request_init(&req);
    zh_response_init(&resp);
    const char *method = c->request_method[0] ? c->request_method : "GET";
    zh_request_set_method(&req, zh_slice_from_cstr(method));
    zh_request_set_target(&req, ZH_SLICE_LIT("/"));
    e = zh_client_do(cl, "conform.test", 80, &req, &resp);
    /* what the client put on the wire: its request line and fields */
    {
        zh_field f[64];
        zh_request_head h;
        memset(&h, 0, sizeof h);
        h.fields = f;
        h.fields_cap = 64;
        size_t used = 0;
        if (p.got.len &&
            zh_parse_request_head(p.got.ptr, p.got.len, NULL, &h, &used) == ZH_OK) {
            cf_buf_puts(trace, "sent ");
            cf_buf_put_escaped(trace, h.method.ptr, h.method.len);
            cf_buf_puts(trace, " ");
            cf_buf_put_escaped(trace, h.target.ptr, h.target.len);
            cf_buf_printf(trace, " HTTP/1.%d\n", h.version_minor);
            for (size_t i = 0; i < h.num_fields; i++) {
                cf_buf_puts(trace, "sent-field ");
                cf_buf_put_escaped(trace, f[i].name.ptr, f[i].name.len);
                cf_buf_puts(trace, ": ");
                cf_buf_put_escaped(trace, f[i].value.ptr, f[i].value.len);
                cf_buf_puts(trace, "\n");
            }
        } else {
            cf_buf_printf(trace, "sent-bytes %zu\n", p.got.len);
        }
    }
    if (e == ZH_OK) {
        cf_buf_puts(trace, "result ZH_OK\n");
        cf_buf_printf(trace, "status %d\n", zh_response_status(&resp));
        put_headers(trace, "header ", zh_response_headers_const(&resp));
        zh_slice b = zh_response_body(&resp);
        cf_buf_printf(trace, "body-length %zu\n", b.len);
        if (b.len) {
            cf_buf_puts(trace, "body ");
            cf_buf_put_escaped(trace, b.ptr, b.len);
            cf_buf_puts(trace, "\n");
        }
    } else {
        cf_buf_printf(trace, "error %s\n", zh_error_name(e));
        cf_buf_printf(trace, "body-length %zu\n", zh_response_body(&resp).len);
    }
    zh_client_stats st = zh_client_get_stats(cl);
    cf_buf_printf(trace, "pooled %zu\n", zh_client_idle_conns(cl, "conform.test", 80));
    cf_buf_printf(trace, "dials %llu\n", (unsigned long long)st.dials);
    zh_request_dispose(&req);
    zh_response_dispose(&resp);
    zh_client_destroy(cl);
    if (p.in_use)
        zh_pipe_pair_dispose(&p.pair);
    cf_buf_free(&p.got);
}

/* The trace without its "pooled" line: whether unsolicited bytes after a response
 * were already there when it completed depends on how they arrive. */
static void without_pooled(const cf_buf *in, cf_buf *out)
{
    cf_lines l;
    cf_lines_split(&l, in->ptr ? in->ptr : "", in->len);
    for (size_t i = 0; i < l.n; i++) {
        if (l.len[i] >= 7 && memcmp(l.line[i], "pooled ", 7) == 0)
            continue;
        cf_buf_put(out, l.line[i], l.len[i]);
        cf_buf_put(out, "\n", 1);
    }
    cf_lines_free(&l);
}

/* The client case as scripted, then again with the peer's pipe moving one byte
 * per read and write: the same outcome is required. */
static void run_client(const cf_case *c, unsigned timeout_ms, cf_buf *trace)
{
    run_client_io(c, timeout_ms, 0, trace);
    cf_buf slow = { 0 }, a = { 0 }, b = { 0 };
    run_client_io(c, timeout_ms, 1, &slow);
    without_pooled(trace, &a);
    without_pooled(&slow, &b);
    if (a.len != b.len || (a.len && memcmp(a.ptr, b.ptr, a.len) != 0))
        put_first_difference(trace, "bytewise-differs", &a, &b);
    cf_buf_free(&slow);
    cf_buf_free(&a);
    cf_buf_free(&b);
}

void cf_zhttp_target_run(const cf_target *t, const cf_case *c, unsigned timeout_ms,
                         cf_buf *trace)
{
    switch (t->type) {
    case CF_T_SERVER:
        run_server_pipe(c, trace);
        return;
    case CF_T_SERVER_TCP:
        run_server_tcp(c, timeout_ms, trace);
        return;
    case CF_T_CLIENT:
        run_client(c, timeout_ms, trace);
        return;
    case CF_T_API:
        cf_run_api_case(c, trace);
        return;
    default:
        cf_buf_printf(trace, "target-error unknown target\n");
        return;
    }
}
