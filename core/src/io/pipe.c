/* In-memory pipe pairs: two fixed byte rings, no syscalls, no allocation after
 * zh_pipe_pair_init. ring[i] carries the bytes end i writes to end 1-i. */
#include <string.h>

#include "zhttp/alloc.h"
#include "zhttp/conn.h"

static zh_pipe_end *end_of(zh_conn *c) { return (zh_pipe_end *)c; }
static const zh_pipe_end *cend_of(const zh_conn *c) { return (const zh_pipe_end *)c; }

static size_t clamp_io(const zh_pipe_pair *p, size_t n)
{
    return (p->max_io && n > p->max_io) ? p->max_io : n;
}

static zh_err pipe_read(zh_conn *c, void *buf, size_t cap, size_t *n)
{
    zh_pipe_end *e = end_of(c);
    zh_pipe_pair *p = e->pair;
    if (e->closed)
        return ZH_E_CLOSED;
    zh_pipe_ring *r = &p->ring[1 - e->side];
    if (r->len == 0)
        return r->wr_shut ? ZH_E_CLOSED : ZH_E_WOULD_BLOCK;
    size_t want = clamp_io(p, cap < r->len ? cap : r->len);
    size_t first = r->cap - r->head;
    if (first > want)
        first = want;
    memcpy(buf, r->buf + r->head, first);
    if (want > first)
        memcpy((char *)buf + first, r->buf, want - first);
    r->head += want; /* head < cap and want <= cap: one wrap at most */
    if (r->head >= r->cap)
        r->head -= r->cap;
    r->len -= want;
    if (r->len == 0)
        r->head = 0; /* keep later writes contiguous */
    *n = want;
    p->stats[e->side].reads++;
    p->stats[e->side].bytes_read += want;
    return ZH_OK;
}

static zh_err pipe_writev(zh_conn *c, const zh_slice *iov, size_t iovcnt, size_t *n)
{
    zh_pipe_end *e = end_of(c);
    zh_pipe_pair *p = e->pair;
    zh_pipe_ring *r = &p->ring[e->side];
    if (e->closed || r->wr_shut || r->rd_closed)
        return ZH_E_CLOSED;
    size_t space = clamp_io(p, r->cap - r->len);
    if (space == 0)
        return ZH_E_WOULD_BLOCK;
    size_t moved = 0;
    for (size_t i = 0; i < iovcnt && moved < space; i++) {
        const char *src = iov[i].ptr;
        size_t left = iov[i].len;
        if (left > space - moved)
            left = space - moved;
        while (left) {
            size_t tail = r->head + r->len; /* < 2 * cap */
            if (tail >= r->cap)
                tail -= r->cap;
            size_t run = r->cap - tail;
            if (run > left)
                run = left;
            memcpy(r->buf + tail, src, run);
            r->len += run;
            src += run;
            left -= run;
            moved += run;
        }
    }
    *n = moved;
    p->stats[e->side].writes++;
    p->stats[e->side].bytes_written += moved;
    return ZH_OK;
}

static zh_err pipe_shutdown_write(zh_conn *c)
{
    zh_pipe_end *e = end_of(c);
    if (e->closed)
        return ZH_E_CLOSED;
    e->pair->ring[e->side].wr_shut = true;
    return ZH_OK;
}

static void pipe_close(zh_conn *c)
{
    zh_pipe_end *e = end_of(c);
    if (e->closed)
        return;
    e->closed = true;
    zh_pipe_pair *p = e->pair;
    p->ring[e->side].wr_shut = true;      /* the peer reads EOF after the rest */
    p->ring[1 - e->side].rd_closed = true; /* the peer's writes now fail */
    p->ring[1 - e->side].len = 0;          /* unread bytes are dropped, like a socket */
    p->ring[1 - e->side].head = 0;
}

static unsigned pipe_ready(const zh_conn *c)
{
    const zh_pipe_end *e = cend_of(c);
    const zh_pipe_pair *p = e->pair;
    if (e->closed)
        return ZH_READABLE | ZH_WRITABLE; /* every call answers at once (ZH_E_CLOSED) */
    unsigned bits = 0;
    const zh_pipe_ring *in = &p->ring[1 - e->side], *out = &p->ring[e->side];
    if (in->len || in->wr_shut)
        bits |= ZH_READABLE;
    if (out->len < out->cap || out->wr_shut || out->rd_closed)
        bits |= ZH_WRITABLE;
    return bits;
}

static int pipe_fd(const zh_conn *c)
{
    (void)c;
    return -1;
}

static zh_err pipe_wait(zh_conn *c, unsigned events, int timeout_ms)
{
    zh_pipe_end *e = end_of(c);
    (void)timeout_ms;
    /* Bounded so a hook that always claims progress cannot spin forever. */
    for (int i = 0; i < 1000000; i++) {
        if (pipe_ready(c) & events)
            return ZH_OK;
        if (!e->pair->pump || !e->pair->pump(e->pair->pump_ud))
            break;
    }
    return (pipe_ready(c) & events) ? ZH_OK : ZH_E_TIMEOUT;
}

static const zh_conn_vtable pipe_vtable = {
    pipe_read, pipe_writev, pipe_shutdown_write, pipe_close, pipe_ready, pipe_fd, pipe_wait,
};

static void connect_ends(zh_pipe_pair *p)
{
    for (int i = 0; i < 2; i++) {
        p->end[i] = (zh_pipe_end){ { &pipe_vtable, NULL }, p, i, false };
        p->ring[i].head = p->ring[i].len = 0;
        p->ring[i].wr_shut = p->ring[i].rd_closed = false;
        p->stats[i] = (zh_pipe_stats){ 0, 0, 0, 0 };
    }
}

zh_err zh_pipe_pair_init(zh_pipe_pair *p, size_t capacity)
{
    if (!p || capacity == 0)
        return ZH_E_INVALID_ARGUMENT;
    memset(p, 0, sizeof *p);
    for (int i = 0; i < 2; i++) {
        p->ring[i].buf = zh_alloc(capacity);
        if (!p->ring[i].buf) {
            zh_free(p->ring[0].buf);
            p->ring[0].buf = NULL;
            return ZH_E_NOMEM;
        }
        p->ring[i].cap = capacity;
    }
    connect_ends(p);
    return ZH_OK;
}

void zh_pipe_pair_reset(zh_pipe_pair *p)
{
    if (p)
        connect_ends(p);
}

void zh_pipe_pair_dispose(zh_pipe_pair *p)
{
    if (!p)
        return;
    for (int i = 0; i < 2; i++) {
        zh_free(p->ring[i].buf);
        p->ring[i].buf = NULL;
        p->ring[i].cap = 0;
    }
}

zh_conn *zh_pipe_conn(zh_pipe_pair *p, int side)
{
    if (!p || side < 0 || side > 1)
        return NULL;
    return &p->end[side].base;
}

void zh_pipe_pair_set_max_io(zh_pipe_pair *p, size_t n)
{
    if (p)
        p->max_io = n;
}

void zh_pipe_pair_set_pump(zh_pipe_pair *p, zh_pipe_pump_fn fn, void *ud)
{
    if (p) {
        p->pump = fn;
        p->pump_ud = ud;
    }
}

bool zh_pipe_end_closed(const zh_pipe_pair *p, int side)
{
    return p && side >= 0 && side <= 1 && p->end[side].closed;
}
