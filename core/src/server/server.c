/* The server: per-worker pools, the per-connection protocol state machine, timers,
 * the epoll loop, worker threads and the single-thread pump. */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include "zhttp/alloc.h"
#include "msg/msg_internal.h"
#include "server/server_internal.h"

#define ZH__EVENTS 256
#define ZH__ACCEPT_PAUSE_MS 100u
/* Reads per drive before a connection yields to the others of its worker. */
#define ZH__READ_BUDGET 16

/* ================================================================ clock */

static uint64_t monotonic_ms(void *ud)
{
    (void)ud;
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* The time of the current loop step: timers need no finer resolution, and one
 * clock read per step instead of several per request is measurable. */
static uint64_t now_ms(const zh__worker *w) { return w->now; }

static void tick(zh__worker *w) { w->now = w->srv->cfg.clock(w->srv->cfg.clock_ud); }

static uint32_t list_duration(const zh__worker *w, unsigned list)
{
    const zh_server_config *cfg = &w->srv->cfg;
    switch (list) {
    case ZH__T_HEAD: return cfg->head_timeout_ms;
    case ZH__T_IDLE: return cfg->idle_timeout_ms;
    case ZH__T_WRITE: return cfg->write_timeout_ms;
    default: return ZH__LINGER_MS;
    }
}

/* ================================================================ pools */

static bool pool_debug_on(const zh__worker *w) { return w->pool_debug; }

static char *buf_acquire(zh__worker *w)
{
    if (w->free_bufs && !pool_debug_on(w)) {
        void *b = w->free_bufs;
        memcpy(&w->free_bufs, b, sizeof(void *));
        return b;
    }
    return zh_alloc(w->srv->cfg.buffer_size);
}

/* Gives back a buffer of capacity cap: pooled if it has the pool's size. */
static void buf_release(zh__worker *w, char *b, size_t cap)
{
    if (!b)
        return;
    if (cap != w->srv->cfg.buffer_size || pool_debug_on(w)) {
        zh_free(b);
        return;
    }
    memcpy(b, &w->free_bufs, sizeof(void *));
    w->free_bufs = b;
}

static void buf_pool_drain(zh__worker *w)
{
    while (w->free_bufs) {
        void *b = w->free_bufs;
        memcpy(&w->free_bufs, b, sizeof(void *));
        zh_free(b);
    }
}

static zh__exchange *ex_acquire(zh__worker *w)
{
    zh__exchange *ex = w->free_ex;
    if (ex && !pool_debug_on(w)) {
        w->free_ex = ex->next;
        return ex;
    }
    ex = zh_alloc(sizeof *ex);
    if (!ex)
        return NULL;
    zh_request_init(&ex->req);
    zh_response_init(&ex->resp);
    zh_headers_set_max(zh_request_headers(&ex->req), w->srv->cfg.parse.limits.max_fields);
    ex->next = NULL;
    return ex;
}

static void ex_free(zh__exchange *ex)
{
    zh_request_dispose(&ex->req);
    zh_response_dispose(&ex->resp);
    zh_free(ex);
}

static void ex_release(zh__worker *w, zh__exchange *ex)
{
    if (!ex)
        return;
    if (pool_debug_on(w)) {
        ex_free(ex);
        return;
    }
    ex->next = w->free_ex;
    w->free_ex = ex;
}

static zh__sconn *conn_acquire(zh__worker *w)
{
    zh__sconn *c = w->free_conns;
    if (c && !pool_debug_on(w))
        w->free_conns = c->next;
    else if (!(c = zh_alloc(sizeof *c)))
        return NULL;
    memset(c, 0, sizeof *c);
    c->w = w;
    c->tlist = ZH__T_NONE;
    return c;
}

/* ================================================================ timers */

static void timer_unlink(zh__sconn *c)
{
    if (c->tlist == ZH__T_NONE)
        return;
    zh__worker *w = c->w;
    if (c->tprev)
        c->tprev->tnext = c->tnext;
    else
        w->thead[c->tlist] = c->tnext;
    if (c->tnext)
        c->tnext->tprev = c->tprev;
    else
        w->ttail[c->tlist] = c->tprev;
    c->tprev = c->tnext = NULL;
    c->tlist = ZH__T_NONE;
}

static void timer_set(zh__sconn *c, unsigned list)
{
    zh__worker *w = c->w;
    timer_unlink(c);
    c->deadline = now_ms(w) + list_duration(w, list);
    c->tlist = (unsigned char)list;
    c->tprev = w->ttail[list];
    c->tnext = NULL;
    if (w->ttail[list])
        w->ttail[list]->tnext = c;
    else
        w->thead[list] = c;
    w->ttail[list] = c;
}

/* ================================================================ connections */

static void conn_link(zh__worker *w, zh__sconn *c)
{
    c->prev = NULL;
    c->next = w->conns;
    if (w->conns)
        w->conns->prev = c;
    w->conns = c;
    __atomic_store_n(&w->nconns, w->nconns + 1, __ATOMIC_RELAXED); /* read by zh_server_conn_count */
}

static void release_buffers(zh__sconn *c)
{
    buf_release(c->w, c->rbuf, c->rcap);
    c->rbuf = NULL;
    c->rcap = c->rlen = c->rpos = 0;
    buf_release(c->w, c->wb.ptr, c->wb.cap);
    c->wb = ZH_BUF_INIT;
    c->wpos = 0;
}

/* Closes c now; its object returns to the pool at the end of the loop step (an
 * event for it may still be pending in the current epoll batch). */
static void conn_close(zh__sconn *c)
{
    if (c->dead)
        return;
    zh__worker *w = c->w;
    c->dead = true;
    c->progress = true;
    timer_unlink(c);
    if (c->in_ready) {
        for (zh__sconn **pp = &w->ready; *pp; pp = &(*pp)->rnext) {
            if (*pp == c) {
                *pp = c->rnext;
                break;
            }
        }
        c->in_ready = false;
    }
    if (c->is_tcp && w->ep >= 0 && c->tcp.fd >= 0)
        epoll_ctl(w->ep, EPOLL_CTL_DEL, c->tcp.fd, NULL);
    zh_conn_close(c->io);
    release_buffers(c);
    ex_release(w, c->ex);
    c->ex = NULL;
    if (c->prev)
        c->prev->next = c->next;
    else
        w->conns = c->next;
    if (c->next)
        c->next->prev = c->prev;
    __atomic_store_n(&w->nconns, w->nconns - 1, __ATOMIC_RELAXED);
    c->next = w->zombies;
    w->zombies = c;
}

static void reap_zombies(zh__worker *w)
{
    while (w->zombies) {
        zh__sconn *c = w->zombies;
        w->zombies = c->next;
        if (pool_debug_on(w)) {
            zh_free(c);
        } else {
            c->next = w->free_conns;
            w->free_conns = c;
        }
    }
}

static zh_slice date_now(zh__worker *w)
{
    time_t t = time(NULL);
    if (t != w->date_sec || !w->ok_prefix_len) {
        w->date_sec = t;
        zh_http_date(t, w->date);
        /* 17 + (8 + 63 + 2) + (6 + 29 + 2) bytes at most: fits ok_prefix. */
        const zh_server *s = w->srv;
        char *p = w->ok_prefix;
        memcpy(p, "HTTP/1.1 200 OK\r\n", 17);
        p += 17;
        if (s->server_name_len) {
            memcpy(p, "Server: ", 8);
            memcpy(p + 8, s->server_name, s->server_name_len);
            memcpy(p + 8 + s->server_name_len, "\r\n", 2);
            p += 8 + s->server_name_len + 2;
        }
        memcpy(p, "Date: ", 6);
        memcpy(p + 6, w->date, 29);
        memcpy(p + 35, "\r\n", 2);
        w->ok_prefix_len = (size_t)(p + 37 - w->ok_prefix);
    }
    return (zh_slice){ w->date, 29 };
}

static zh_err ensure_wbuf(zh__sconn *c)
{
    if (c->wb.ptr) {
        if (c->wpos) {
            zh_buf_consume(&c->wb, c->wpos);
            c->wpos = 0;
        }
        return ZH_OK;
    }
    char *b = buf_acquire(c->w);
    if (!b)
        return ZH_E_NOMEM;
    c->wb = (zh_buf){ b, 0, c->w->srv->cfg.buffer_size, 0 };
    c->wpos = 0;
    return ZH_OK;
}

/* Answers a failed request with the mapped status and Connection: close, or just
 * closes when the error is no reason to answer. */
static void respond_error(zh__sconn *c, zh_err err)
{
    zh__worker *w = c->w;
    int status = zh_error_http_status(err);
    c->closing = true;
    c->rpos = c->rlen; /* the rest of the input is not trusted */
    if (status == 0 || ensure_wbuf(c) != ZH_OK) {
        conn_close(c);
        return;
    }
    if (!c->ex && !(c->ex = ex_acquire(w))) {
        conn_close(c);
        return;
    }
    zh_response *resp = &c->ex->resp;
    zh_response_reset(resp);
    zh_headers *h = zh_response_headers(resp);
    const char *msg = zh_strerror(err);
    if (zh_response_set_status(resp, status) != ZH_OK ||
        zh_headers_set(h, ZH_SLICE_LIT("Content-Type"), ZH_SLICE_LIT("text/plain")) != ZH_OK ||
        zh_response_set_body(resp, msg, strlen(msg)) != ZH_OK ||
        zh_response_append_body(resp, "\n", 1) != ZH_OK) {
        conn_close(c);
        return;
    }
    zh_msg_defaults d;
    memset(&d, 0, sizeof d);
    d.date = date_now(w);
    d.server = (zh_slice){ w->srv->server_name, w->srv->server_name_len };
    d.close = true;
    if (zh_response_serialize(resp, (zh_slice){ NULL, 0 }, &d, &c->wb) != ZH_OK) {
        conn_close(c);
        return;
    }
    ex_release(w, c->ex);
    c->ex = NULL;
    c->completed = true;
}

/* Runs the handler on the complete request of c and appends the response. */
static void respond(zh__sconn *c)
{
    zh__worker *w = c->w;
    zh_request *req = &c->ex->req;
    zh_response *resp = &c->ex->resp;
    zh_response_reset(resp);
    zh_ctx ctx = { c, req, resp, w->srv->cfg.user_data, false };
    w->srv->cfg.handler(&ctx);

    int minor = zh_request_version(req);
    bool close = ctx.close || zh_request_must_close(req) || w->stopping;
    zh_msg_defaults d;
    memset(&d, 0, sizeof d);
    d.date = date_now(w);
    d.server = (zh_slice){ w->srv->server_name, w->srv->server_name_len };
    d.peer_http10 = minor == 0;
    d.close = close;
    d.keep_alive = minor == 0 && !close;
    if (ensure_wbuf(c) != ZH_OK) {
        conn_close(c);
        return;
    }
    size_t before = c->wb.len;
    /* The defaults are the server's own (a name checked once at creation, a
     * Date from zh_http_date): no need to check them for every response. */
    bool trusted = w->srv->server_name_ok;
    zh_slice prefix = { w->ok_prefix, trusted ? w->ok_prefix_len : 0 };
    zh_err e = zh__response_serialize(resp, zh_request_method(req), &d, !trusted, prefix, &c->wb);
    if (e != ZH_OK) {
        /* The handler built something unsendable: a 500 instead. */
        c->wb.len = before;
        respond_error(c, ZH_E_INVALID_ARGUMENT);
        return;
    }
    if (zh_response_content_length(resp) < 0) {
        bool done = false;
        while (!done) {
            e = zh_response_write_body(resp, &c->wb, &done);
            if (e != ZH_OK) {
                /* The peer cannot tell where the body ended: send what we have, close. */
                c->closing = true;
                c->rpos = c->rlen;
                break;
            }
        }
    }
    if (zh_response_wire_close(resp))
        c->closing = true;
    ex_release(w, c->ex);
    c->ex = NULL;
    c->completed = true;
    c->served = true;
}

enum { PROC_NEED_INPUT, PROC_HIGH_WATER, PROC_STOPPED };

/* RFC 9110 §10.1.1: the only expectation defined is 100-continue; a server MAY
 * answer any other with 417. (HTTP/1.0 peers' Expect is ignored, §10.1.1.) */
static bool expectation_ok(const zh_request *req)
{
    /* Called once the head is done: the parsed framing is the current one. */
    if (zh_request_version(req) == 0 || req->parse.framing.expect_continue)
        return true;
    return !zh_headers_has(zh_request_headers_const(req), ZH_SLICE_LIT("Expect"));
}

/* Parses and answers every complete request buffered on c, in order. */
static int process(zh__sconn *c)
{
    zh__worker *w = c->w;
    const zh_server_config *cfg = &w->srv->cfg;
    while (!c->closing && !c->dead) {
        if (c->wb.len - c->wpos >= cfg->buffer_size / 2)
            return PROC_HIGH_WATER; /* flush before taking more pipelined requests */
        size_t avail = c->rlen - c->rpos;
        if (!c->ex) {
            if (avail == 0)
                return PROC_NEED_INPUT;
            if (!(c->ex = ex_acquire(w))) {
                conn_close(c);
                return PROC_STOPPED;
            }
            /* A new message: zh_request_parse resets the object itself on
             * its first call from the idle phase, so one reset, not two. */
            c->ex->req.parse.phase = ZH__PHASE_IDLE;
            c->sent_continue = false;
            c->head_checked = false;
        }
        if (avail == 0)
            return PROC_NEED_INPUT;
        size_t used = 0;
        zh_err e = zh_request_parse(&c->ex->req, c->rbuf + c->rpos, avail, &cfg->parse, &used);
        c->rpos += used;
        if ((e == ZH_OK || e == ZH_INCOMPLETE) && !c->head_checked && zh_request_head_done(&c->ex->req)) {
            c->head_checked = true;
            if (!expectation_ok(&c->ex->req)) {
                respond_error(c, ZH_E_EXPECTATION_FAILED);
                return PROC_STOPPED;
            }
        }
        if (e == ZH_INCOMPLETE) {
            zh_request *req = &c->ex->req;
            /* RFC 9110 §10.1.1: the client waits for 100 before sending the body. */
            if (zh_request_head_done(req) && zh_request_expect_continue(req) &&
                !c->sent_continue && zh_request_version(req) == 1 &&
                zh_request_body(req).len == 0) {
                /* (Omitted once body bytes arrived anyway, as §10.1.1 allows.) */
                static const char cont[] = "HTTP/1.1 100 Continue\r\n\r\n";
                if (ensure_wbuf(c) != ZH_OK || zh_buf_append(&c->wb, cont, sizeof cont - 1) != ZH_OK) {
                    conn_close(c);
                    return PROC_STOPPED;
                }
                c->sent_continue = true;
            }
            return PROC_NEED_INPUT;
        }
        if (e != ZH_OK) {
            respond_error(c, e);
            return PROC_STOPPED;
        }
        respond(c);
    }
    return PROC_STOPPED;
}

/* Writes what is pending. ZH_OK when all is written, ZH_E_WOULD_BLOCK, or an error. */
static zh_err flush(zh__sconn *c)
{
    while (c->wpos < c->wb.len) {
        size_t n = 0;
        zh_err e = zh_conn_write(c->io, c->wb.ptr + c->wpos, c->wb.len - c->wpos, &n);
        if (e == ZH_OK) {
            c->wpos += n;
            c->progress = c->wrote = true;
            continue;
        }
        return e;
    }
    c->wb.len = c->wpos = 0;
    return ZH_OK;
}

/* Makes room in the read buffer; false when the connection was closed instead. */
static bool read_room(zh__sconn *c)
{
    zh__worker *w = c->w;
    if (!c->rbuf) {
        if (!(c->rbuf = buf_acquire(w))) {
            conn_close(c);
            return false;
        }
        c->rcap = w->srv->cfg.buffer_size;
        c->rlen = c->rpos = 0;
    }
    if (c->rpos == c->rlen)
        c->rpos = c->rlen = 0;
    if (c->rlen < c->rcap)
        return true;
    if (c->rpos > 0) {
        memmove(c->rbuf, c->rbuf + c->rpos, c->rlen - c->rpos);
        c->rlen -= c->rpos;
        c->rpos = 0;
        return true;
    }
    /* Full of one incomplete head: grow once up to the head limit (+1 so the
     * parser itself sees the limit crossed and names the error). */
    size_t want = w->srv->cfg.parse.limits.max_head + 1;
    if (c->rcap >= want) {
        respond_error(c, ZH_E_HEAD_TOO_LARGE);
        return false;
    }
    char *nb = zh_alloc(want);
    if (!nb) {
        respond_error(c, ZH_E_NOMEM);
        return false;
    }
    memcpy(nb, c->rbuf, c->rlen);
    buf_release(w, c->rbuf, c->rcap);
    c->rbuf = nb;
    c->rcap = want;
    return true;
}

static void start_linger(zh__sconn *c)
{
    c->lingering = true;
    release_buffers(c);
    ex_release(c->w, c->ex);
    c->ex = NULL;
    if (zh_conn_shutdown_write(c->io) != ZH_OK)
        conn_close(c);
}

/* Moves c forward as far as it can go without blocking. */
static void drive(zh__sconn *c)
{
    zh__worker *w = c->w;
    c->progress = c->wrote = c->completed = false;
    bool write_blocked = false, yielded = false, drained = false;
    int budget = ZH__READ_BUDGET;
    while (!c->dead) {
        if (c->lingering) {
            size_t n;
            zh_err e = zh_conn_read(c->io, w->scratch, sizeof w->scratch, &n);
            if (e == ZH_OK) {
                c->progress = true;
                if (--budget == 0 && c->is_tcp) {
                    yielded = true; /* a flood being discarded must not hog the worker */
                    break;
                }
                continue;
            }
            if (e != ZH_E_WOULD_BLOCK)
                conn_close(c);
            break;
        }
        int pr = process(c);
        if (c->dead)
            break;
        if (c->wpos < c->wb.len) {
            zh_err e = flush(c);
            if (e == ZH_E_WOULD_BLOCK) {
                write_blocked = true;
                break;
            }
            if (e != ZH_OK) {
                conn_close(c);
                break;
            }
        }
        if (c->closing) {
            start_linger(c);
            continue;
        }
        if (pr == PROC_HIGH_WATER)
            continue;
        if (drained)
            break; /* the socket was emptied: the next bytes bring a new event */
        if (!read_room(c))
            continue; /* closed, or an error response is now pending */
        size_t n, room = c->rcap - c->rlen;
        zh_err e = zh_conn_read(c->io, c->rbuf + c->rlen, room, &n);
        if (e == ZH_OK) {
            c->rlen += n;
            c->progress = true;
            /* Edge-triggered: a short read emptied the socket, so reading again
             * would only return EAGAIN (one recvfrom per request instead of
             * two). Not after the peer's FIN was signalled: its EOF must still
             * be read, and no further event will announce it. */
            if (c->is_tcp && n < room && !c->rdhup) {
                drained = true;
                c->tcp.ready &= ~(unsigned)ZH_READABLE;
            }
            if (--budget == 0 && c->is_tcp) {
                /* Edge-triggered: no new event will come for what is still
                 * unread, so the ready list brings c back next step. */
                yielded = true;
                break;
            }
            continue;
        }
        if (e == ZH_E_WOULD_BLOCK)
            break;
        /* EOF or error: complete requests were answered above; a partial one
         * cannot be (RFC 9112 §9.6: the client closed), so just close. */
        conn_close(c);
        break;
    }
    if (c->dead)
        return;
    if (yielded && !c->in_ready) {
        c->in_ready = true;
        c->rnext = w->ready;
        w->ready = c;
    }

    /* Timers and buffers for the state we stopped in. */
    unsigned list;
    if (write_blocked)
        list = ZH__T_WRITE;
    else if (c->lingering)
        list = ZH__T_LINGER;
    else if (c->ex || c->rlen > c->rpos || !c->served)
        list = ZH__T_HEAD; /* a new connection gets head_timeout_ms for its first request */
    else
        list = ZH__T_IDLE;
    bool refresh = c->tlist != list || c->completed || (list == ZH__T_WRITE && c->wrote);
    if (refresh)
        timer_set(c, list);
    if (c->rbuf && c->rpos == c->rlen) {
        buf_release(w, c->rbuf, c->rcap);
        c->rbuf = NULL;
        c->rcap = c->rlen = c->rpos = 0;
    }
    if (c->wb.ptr && c->wpos == c->wb.len) {
        buf_release(w, c->wb.ptr, c->wb.cap);
        c->wb = ZH_BUF_INIT;
        c->wpos = 0;
    }
}

static void on_timeout(zh__sconn *c, unsigned list)
{
    timer_unlink(c);
    if (list == ZH__T_HEAD && !c->lingering && c->wpos == c->wb.len &&
        (c->ex || c->rlen > c->rpos)) {
        /* Slowloris: 408 and close. (A connection that never sent a byte is
         * just closed, like a keep-alive one.) */
        respond_error(c, ZH_E_TIMEOUT);
        if (!c->dead)
            drive(c);
        return;
    }
    conn_close(c);
}

static void run_timers(zh__worker *w)
{
    uint64_t now = now_ms(w);
    for (unsigned l = 0; l < ZH__T_COUNT; l++) {
        while (w->thead[l] && w->thead[l]->deadline <= now)
            on_timeout(w->thead[l], l);
    }
}

/* Milliseconds until the next timer (-1: none), capped by cap (-1: no cap). */
static int next_timer_ms(zh__worker *w, int cap)
{
    uint64_t now = now_ms(w), best = UINT64_MAX;
    for (unsigned l = 0; l < ZH__T_COUNT; l++)
        if (w->thead[l] && w->thead[l]->deadline < best)
            best = w->thead[l]->deadline;
    if (w->stopping && w->stop_deadline < best)
        best = w->stop_deadline;
    if (w->accept_resume && w->accept_resume < best)
        best = w->accept_resume;
    if (best == UINT64_MAX)
        return cap;
    uint64_t d = best > now ? best - now : 0;
    if (d > 60000)
        d = 60000;
    if (cap >= 0 && d > (uint64_t)cap)
        return cap;
    return (int)d;
}

/* ================================================================ shutdown */

static bool conn_is_idle(const zh__sconn *c)
{
    return !c->ex && c->rlen == c->rpos && c->wpos == c->wb.len && !c->closing && !c->lingering;
}

static void begin_shutdown(zh__worker *w)
{
    if (w->stopping)
        return;
    w->stopping = true;
    w->stop_deadline = now_ms(w) + w->srv->cfg.shutdown_grace_ms;
    if (w->lfd >= 0) {
        if (w->ep >= 0)
            epoll_ctl(w->ep, EPOLL_CTL_DEL, w->lfd, NULL);
        close(w->lfd);
        w->lfd = -1;
    }
    for (zh__sconn *c = w->conns, *next; c; c = next) {
        next = c->next;
        if (conn_is_idle(c))
            conn_close(c);
    }
}

static void check_shutdown(zh__worker *w)
{
    if (!w->stopping && __atomic_load_n(&w->srv->stop_requested, __ATOMIC_ACQUIRE))
        begin_shutdown(w);
    if (w->stopping && now_ms(w) >= w->stop_deadline) {
        while (w->conns)
            conn_close(w->conns);
    }
}

/* ================================================================ event loop */

static void accept_all(zh__worker *w)
{
    for (;;) {
        int fd = accept4(w->lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno == EINTR || errno == ECONNABORTED)
                continue;
            if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
                /* Out of descriptors: the level-triggered listener would wake us
                 * in a busy loop. Pause it briefly; connections closing free fds. */
                epoll_ctl(w->ep, EPOLL_CTL_DEL, w->lfd, NULL);
                w->accept_resume = now_ms(w) + ZH__ACCEPT_PAUSE_MS;
            }
            return; /* EAGAIN: the next event brings more */
        }
        if (w->stopping || w->nconns >= w->srv->cfg.max_conns) {
            close(fd);
            continue;
        }
        zh__sconn *c = conn_acquire(w);
        if (!c) {
            close(fd);
            continue;
        }
        if (zh_tcp_conn_adopt(&c->tcp, fd) != ZH_OK) {
            close(fd);
            c->next = w->zombies;
            w->zombies = c;
            continue;
        }
        c->is_tcp = true;
        c->io = &c->tcp.base;
        c->tcp.base.user = c;
        c->tcp.edge_driven = true;
        c->tcp.ready = 0;
        struct epoll_event ev;
        ev.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET;
        ev.data.ptr = c;
        conn_link(w, c);
        if (epoll_ctl(w->ep, EPOLL_CTL_ADD, fd, &ev) != 0) {
            conn_close(c);
            continue;
        }
        timer_set(c, ZH__T_HEAD);
    }
}

static void resume_accepting(zh__worker *w)
{
    if (!w->accept_resume || now_ms(w) < w->accept_resume)
        return;
    w->accept_resume = 0;
    if (w->lfd < 0)
        return;
    struct epoll_event ev;
    ev.events = EPOLLIN;
    ev.data.ptr = &w->lfd;
    epoll_ctl(w->ep, EPOLL_CTL_ADD, w->lfd, &ev);
}

static int worker_step(zh__worker *w, int timeout_ms)
{
    int progress = 0;
    tick(w);
    check_shutdown(w);
    resume_accepting(w);
    if (w->ep >= 0) {
        struct epoll_event evs[ZH__EVENTS];
        int n = epoll_wait(w->ep, evs, ZH__EVENTS, w->ready ? 0 : next_timer_ms(w, timeout_ms));
        tick(w);
        for (int i = 0; i < n; i++) {
            void *p = evs[i].data.ptr;
            if (p == &w->lfd) {
                if (w->lfd >= 0)
                    accept_all(w);
                progress++;
                continue;
            }
            if (p == &w->evfd) {
                uint64_t v;
                ssize_t r = read(w->evfd, &v, sizeof v);
                (void)r;
                check_shutdown(w);
                continue;
            }
            zh__sconn *c = p;
            if (c->dead)
                continue;
            unsigned bits = 0;
            if (evs[i].events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR))
                bits |= ZH_READABLE;
            if (evs[i].events & (EPOLLOUT | EPOLLHUP | EPOLLERR))
                bits |= ZH_WRITABLE;
            if (evs[i].events & (EPOLLRDHUP | EPOLLHUP | EPOLLERR))
                c->rdhup = true;
            zh_tcp_conn_on_events(&c->tcp, bits);
            drive(c);
            progress++;
        }
    }
    /* Connections that yielded last step: their turn again (new ones that
     * yield now wait for the next step). */
    zh__sconn *ready = w->ready;
    w->ready = NULL;
    for (zh__sconn *c = ready; c; c = ready) {
        ready = c->rnext;
        c->in_ready = false;
        if (!c->dead) {
            drive(c);
            progress++;
        }
    }
    /* Served (in-memory) connections have no events: try each one. */
    for (zh__sconn *c = w->conns, *next; c; c = next) {
        next = c->next;
        if (c->is_tcp)
            continue;
        /* Only what can move: input (or EOF) to read, or output that fits now.
         * Keeps a pump over 10,000 idle served connections cheap. */
        unsigned r = zh_conn_ready(c->io);
        if (!(r & ZH_READABLE) && !(c->wpos < c->wb.len && (r & ZH_WRITABLE)))
            continue;
        drive(c);
        if (c->progress)
            progress++;
    }
    run_timers(w);
    check_shutdown(w);
    reap_zombies(w);
    return progress;
}

static bool worker_done(const zh__worker *w)
{
    return w->stopping && w->nconns == 0;
}

static void *worker_main(void *arg)
{
    zh__worker *w = arg;
    if (w->srv->cfg.pin_cpus) {
        long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
        if (ncpu > 0) {
            cpu_set_t set;
            CPU_ZERO(&set);
            CPU_SET((int)(w->index % (unsigned long)ncpu), &set);
            (void)pthread_setaffinity_np(pthread_self(), sizeof set, &set);
        }
    }
    while (!worker_done(w))
        worker_step(w, -1);
    return NULL;
}

static zh_err worker_open_loop(zh__worker *w)
{
    if (w->ep >= 0)
        return ZH_OK;
    w->ep = epoll_create1(EPOLL_CLOEXEC);
    if (w->ep < 0)
        return ZH_E_IO;
    w->evfd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (w->evfd < 0)
        return ZH_E_IO;
    struct epoll_event ev;
    ev.events = EPOLLIN;
    ev.data.ptr = &w->evfd;
    if (epoll_ctl(w->ep, EPOLL_CTL_ADD, w->evfd, &ev) != 0)
        return ZH_E_IO;
    return ZH_OK;
}

/* ================================================================ public API */

void zh_server_config_init(zh_server_config *cfg)
{
    if (!cfg)
        return;
    memset(cfg, 0, sizeof *cfg);
    cfg->parse = ZH_PARSE_CONFIG_DEFAULT;
    cfg->workers = 1;
    cfg->max_conns = 10000;
    cfg->head_timeout_ms = 10000;
    cfg->idle_timeout_ms = 60000;
    cfg->write_timeout_ms = 30000;
    cfg->shutdown_grace_ms = 5000;
    cfg->buffer_size = 16384;
    cfg->server_name = "zhttp";
}

zh_err zh_server_create(const zh_server_config *cfg, zh_server **out)
{
    if (!cfg || !out || !cfg->handler || cfg->workers == 0 || cfg->workers > 1024)
        return ZH_E_INVALID_ARGUMENT;
    zh_server *s = zh_calloc(1, sizeof *s);
    if (!s)
        return ZH_E_NOMEM;
    s->cfg = *cfg;
    if (!s->cfg.clock)
        s->cfg.clock = monotonic_ms;
    if (s->cfg.buffer_size < 1024)
        s->cfg.buffer_size = 1024;
    if (s->cfg.max_conns == 0)
        s->cfg.max_conns = 1;
    if (cfg->server_name) {
        size_t n = strlen(cfg->server_name);
        if (n >= sizeof s->server_name)
            n = sizeof s->server_name - 1;
        memcpy(s->server_name, cfg->server_name, n);
        s->server_name_len = n;
    }
    s->server_name_ok = zh__is_field_text((zh_slice){ s->server_name, s->server_name_len });
    s->cfg.server_name = s->server_name;
    s->nworkers = cfg->workers;
    s->workers = zh_calloc(s->nworkers, sizeof *s->workers);
    if (!s->workers) {
        zh_free(s);
        return ZH_E_NOMEM;
    }
    for (unsigned i = 0; i < s->nworkers; i++) {
        zh__worker *w = &s->workers[i];
        w->srv = s;
        w->index = i;
        w->ep = w->lfd = w->evfd = -1;
        w->pool_debug = zh_pool_debug();
        w->now = s->cfg.clock(s->cfg.clock_ud);
        for (unsigned l = 0; l < ZH__T_COUNT; l++)
            w->thead[l] = w->ttail[l] = NULL;
    }
    *out = s;
    return ZH_OK;
}

zh_err zh_server_listen(zh_server *s, const char *addr)
{
    if (!s || !addr || s->started)
        return ZH_E_INVALID_ARGUMENT;
    char buf[160];
    const char *a = addr;
    for (unsigned i = 0; i < s->nworkers; i++) {
        zh__worker *w = &s->workers[i];
        if (w->lfd >= 0)
            return ZH_E_INVALID_ARGUMENT;
        zh_err e = worker_open_loop(w);
        if (e == ZH_OK)
            e = zh_tcp_listen(a, true, 4096, &w->lfd);
        if (e != ZH_OK)
            return e;
        if (i == 0) {
            s->port = zh_tcp_local_port(w->lfd);
            /* Port 0: every other worker binds the port the first one got. */
            const char *colon = strrchr(addr, ':');
            size_t hl = colon ? (size_t)(colon - addr) : 0;
            if (hl + 8 < sizeof buf) {
                memcpy(buf, addr, hl);
                snprintf(buf + hl, sizeof buf - hl, ":%u", (unsigned)s->port);
                a = buf;
            }
        }
        struct epoll_event ev;
        ev.events = EPOLLIN; /* level-triggered: accept_all may stop early */
        ev.data.ptr = &w->lfd;
        if (epoll_ctl(w->ep, EPOLL_CTL_ADD, w->lfd, &ev) != 0)
            return ZH_E_IO;
    }
    return ZH_OK;
}

uint16_t zh_server_port(const zh_server *s) { return s ? s->port : 0; }

zh_err zh_server_start(zh_server *s)
{
    if (!s || s->started)
        return ZH_E_INVALID_ARGUMENT;
    for (unsigned i = 0; i < s->nworkers; i++) {
        zh_err e = worker_open_loop(&s->workers[i]);
        if (e != ZH_OK)
            return e;
    }
    s->started = true;
    for (unsigned i = 0; i < s->nworkers; i++) {
        zh__worker *w = &s->workers[i];
        if (pthread_create(&w->thread, NULL, worker_main, w) != 0) {
            zh_server_stop(s);
            zh_server_wait(s);
            return ZH_E_IO;
        }
        w->thread_started = true;
    }
    return ZH_OK;
}

void zh_server_stop(zh_server *s)
{
    if (!s)
        return;
    __atomic_store_n(&s->stop_requested, 1, __ATOMIC_RELEASE);
    for (unsigned i = 0; i < s->nworkers; i++) {
        int fd = s->workers[i].evfd;
        if (fd >= 0) {
            uint64_t one = 1;
            ssize_t r = write(fd, &one, sizeof one);
            (void)r;
        }
    }
}

zh_err zh_server_wait(zh_server *s)
{
    if (!s)
        return ZH_E_INVALID_ARGUMENT;
    for (unsigned i = 0; i < s->nworkers; i++) {
        zh__worker *w = &s->workers[i];
        if (w->thread_started) {
            pthread_join(w->thread, NULL);
            w->thread_started = false;
        }
    }
    return ZH_OK;
}

zh_err zh_server_run(zh_server *s)
{
    zh_err e = zh_server_start(s);
    if (e != ZH_OK)
        return e;
    return zh_server_wait(s);
}

zh_err zh_server_serve_conn(zh_server *s, zh_conn *io)
{
    if (!s || !io || s->started)
        return ZH_E_INVALID_ARGUMENT;
    zh__worker *w = &s->workers[0];
    if (w->stopping || __atomic_load_n(&s->stop_requested, __ATOMIC_ACQUIRE))
        return ZH_E_SHUTDOWN;
    if (w->nconns >= s->cfg.max_conns)
        return ZH_E_TOO_MANY_CONNECTIONS;
    zh__sconn *c = conn_acquire(w);
    if (!c)
        return ZH_E_NOMEM;
    c->io = io;
    io->user = c;
    tick(w);
    conn_link(w, c);
    timer_set(c, ZH__T_HEAD);
    return ZH_OK;
}

int zh_server_pump(zh_server *s, int timeout_ms)
{
    if (!s || s->started)
        return 0;
    return worker_step(&s->workers[0], timeout_ms);
}

size_t zh_server_conn_count(const zh_server *s)
{
    if (!s)
        return 0;
    size_t n = 0;
    for (unsigned i = 0; i < s->nworkers; i++)
        n += __atomic_load_n(&s->workers[i].nconns, __ATOMIC_RELAXED);
    return n;
}

bool zh_server_drained(const zh_server *s)
{
    if (!s || !__atomic_load_n(&s->stop_requested, __ATOMIC_ACQUIRE))
        return false;
    return zh_server_conn_count(s) == 0;
}

void zh_server_destroy(zh_server *s)
{
    if (!s)
        return;
    if (s->started) {
        zh_server_stop(s);
        zh_server_wait(s);
    }
    for (unsigned i = 0; i < s->nworkers; i++) {
        zh__worker *w = &s->workers[i];
        while (w->conns)
            conn_close(w->conns);
        reap_zombies(w);
        while (w->free_conns) {
            zh__sconn *c = w->free_conns;
            w->free_conns = c->next;
            zh_free(c);
        }
        while (w->free_ex) {
            zh__exchange *ex = w->free_ex;
            w->free_ex = ex->next;
            ex_free(ex);
        }
        buf_pool_drain(w);
        if (w->lfd >= 0)
            close(w->lfd);
        if (w->evfd >= 0)
            close(w->evfd);
        if (w->ep >= 0)
            close(w->ep);
    }
    zh_free(s->workers);
    zh_free(s);
}

/* ================================================================ ctx */

const zh_request *zh_ctx_request(const zh_ctx *ctx) { return ctx ? ctx->req : NULL; }
zh_response *zh_ctx_response(zh_ctx *ctx) { return ctx ? ctx->resp : NULL; }
void *zh_ctx_user_data(const zh_ctx *ctx) { return ctx ? ctx->user_data : NULL; }
zh_conn *zh_ctx_conn(const zh_ctx *ctx) { return ctx ? ctx->c->io : NULL; }

void zh_ctx_close_after(zh_ctx *ctx)
{
    if (ctx)
        ctx->close = true;
}
