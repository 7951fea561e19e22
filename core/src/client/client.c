/* The HTTP/1.1 client: per-host keep-alive pools, one request at a time per
 * connection, response framing by msg.h's zh_response_parse (which uses the one
 * framing function of parse.h). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "client/client_internal.h"
#include "msg/msg_internal.h"
#include "zhttp/alloc.h"

/* Bytes the read buffer offers to each read; it grows (warm-up only) while a
 * response head does not fit. */
#define READ_CHUNK 16384
/* Below this much free space the read buffer is grown before reading. */
#define READ_MIN_FREE 2048

static _Thread_local char last_error[256];

static void set_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void set_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(last_error, sizeof last_error, fmt, ap);
    va_end(ap);
}

const char *zh_client_last_error(void)
{
    return last_error;
}

static void stat_inc(uint64_t *counter)
{
    __atomic_fetch_add(counter, 1, __ATOMIC_RELAXED);
}

zh_client_config zh_client_config_default(void)
{
    zh_client_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.max_conns_per_host = 4;
    cfg.max_hosts = 16;
    cfg.timeout_ms = 30000;
    cfg.max_idle_ms = 60000;
    cfg.max_body = 0;
    cfg.parse = ZH_PARSE_CONFIG_DEFAULT;
    cfg.user_agent = NULL;
    cfg.dialer = NULL;
    return cfg;
}

/* ---------------------------------------------------------------- lifetime */

zh_err zh_client_create(const zh_client_config *cfg, zh_client **out)
{
    if (!out)
        return ZH_E_INVALID_ARGUMENT;
    *out = NULL;
    zh_client_config cc = cfg ? *cfg : zh_client_config_default();
    if (cc.max_conns_per_host == 0 || cc.max_hosts == 0 || (cc.dialer && !cc.dialer->dial))
        return ZH_E_INVALID_ARGUMENT;
    const char *ua = cc.user_agent ? cc.user_agent : "zhttp/0.1";
    size_t ua_len = strlen(ua);
    zh_client *c = zh_calloc(1, sizeof *c);
    if (!c)
        return ZH_E_NOMEM;
    if (ua_len >= sizeof c->user_agent) {
        zh_free(c);
        return ZH_E_INVALID_ARGUMENT;
    }
    c->hosts = zh_calloc(cc.max_hosts, sizeof *c->hosts);
    if (!c->hosts) {
        zh_free(c);
        return ZH_E_NOMEM;
    }
    if (cc.max_body)
        cc.parse.limits.max_body = cc.max_body;
    memcpy(c->user_agent, ua, ua_len + 1);
    c->user_agent_len = ua_len;
    c->user_agent_ok = zh__is_field_text((zh_slice){ c->user_agent, ua_len });
    c->tcp = cc.dialer == NULL;
    if (cc.dialer)
        c->dialer = *cc.dialer;
    cc.dialer = NULL; /* the copy in c->dialer is the one used */
    c->cfg = cc;
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&c->cv, &ca);
    pthread_condattr_destroy(&ca);
    pthread_mutex_init(&c->mu, NULL);
    *out = c;
    return ZH_OK;
}

/* Closes the slot's connection (the slot is owned by the caller: busy, or the
 * lock is held). */
static void close_conn(zh_client *c, zh__cslot *s)
{
    if (!s->conn)
        return;
    zh_conn *conn = s->conn;
    s->conn = NULL;
    zh_conn_close(conn);
    if (!c->tcp && c->dialer.release)
        c->dialer.release(c->dialer.ud, conn);
    s->uses = 0;
    zh_buf_clear(&s->rbuf);
    stat_inc(&c->stats.closes);
}

/* The host's lists of slots not in use (the lock is held). */
static void idle_push(zh__chost *h, zh__cslot *s)
{
    s->prev = NULL;
    s->next = h->idle;
    if (h->idle)
        h->idle->prev = s;
    h->idle = s;
}

static void idle_unlink(zh__chost *h, zh__cslot *s)
{
    if (s->prev)
        s->prev->next = s->next;
    else
        h->idle = s->next;
    if (s->next)
        s->next->prev = s->prev;
    s->next = s->prev = NULL;
}

static void spare_push(zh__chost *h, zh__cslot *s)
{
    s->prev = NULL;
    s->next = h->spare;
    h->spare = s;
}

static zh__cslot *spare_pop(zh__chost *h)
{
    zh__cslot *s = h->spare;
    if (s) {
        h->spare = s->next;
        s->next = NULL;
    }
    return s;
}

void zh_client_destroy(zh_client *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->cfg.max_hosts; i++) {
        zh__chost *h = &c->hosts[i];
        if (!h->slots)
            continue;
        for (size_t j = 0; j < c->cfg.max_conns_per_host; j++) {
            close_conn(c, &h->slots[j]);
            zh_buf_dispose(&h->slots[j].rbuf);
            zh_buf_dispose(&h->slots[j].wbuf);
        }
        zh_free(h->slots);
    }
    zh_free(c->hosts);
    pthread_mutex_destroy(&c->mu);
    pthread_cond_destroy(&c->cv);
    zh_free(c);
}

void zh_client_close_idle(zh_client *c)
{
    if (!c)
        return;
    pthread_mutex_lock(&c->mu);
    for (size_t i = 0; i < c->cfg.max_hosts; i++) {
        zh__chost *h = &c->hosts[i];
        while (h->idle) {
            zh__cslot *s = h->idle;
            idle_unlink(h, s);
            close_conn(c, s);
            spare_push(h, s);
        }
    }
    pthread_mutex_unlock(&c->mu);
}

zh_client_stats zh_client_get_stats(const zh_client *c)
{
    zh_client_stats s;
    memset(&s, 0, sizeof s);
    if (!c)
        return s;
    s.requests = __atomic_load_n(&c->stats.requests, __ATOMIC_RELAXED);
    s.failures = __atomic_load_n(&c->stats.failures, __ATOMIC_RELAXED);
    s.dials = __atomic_load_n(&c->stats.dials, __ATOMIC_RELAXED);
    s.reuses = __atomic_load_n(&c->stats.reuses, __ATOMIC_RELAXED);
    s.retries = __atomic_load_n(&c->stats.retries, __ATOMIC_RELAXED);
    s.closes = __atomic_load_n(&c->stats.closes, __ATOMIC_RELAXED);
    return s;
}

/* ---------------------------------------------------------------- pool */

static zh__chost *find_host_locked(zh_client *c, const char *host, uint16_t port)
{
    for (size_t i = 0; i < c->cfg.max_hosts; i++) {
        zh__chost *h = &c->hosts[i];
        if (h->name[0] && h->port == port && strcasecmp(h->name, host) == 0)
            return h;
    }
    return NULL;
}

size_t zh_client_idle_conns(const zh_client *c, const char *host, uint16_t port)
{
    if (!c || !host)
        return 0;
    zh_client *mc = (zh_client *)c; /* the lock is not part of the logical state */
    size_t n = 0;
    pthread_mutex_lock(&mc->mu);
    zh__chost *h = find_host_locked(mc, host, port);
    for (size_t j = 0; h && j < c->cfg.max_conns_per_host; j++)
        if (!h->slots[j].busy && h->slots[j].conn)
            n++;
    pthread_mutex_unlock(&mc->mu);
    return n;
}

/* Finds the pool of host:port, or claims an unused entry, or recycles the least
 * recently used entry that has no call running. */
static zh_err host_locked(zh_client *c, const char *host, uint16_t port, zh__chost **out)
{
    size_t hl = strlen(host);
    if (hl == 0 || hl >= ZH__CLIENT_HOST_MAX) {
        set_error("invalid host name (%zu bytes)", hl);
        return ZH_E_BAD_HOST;
    }
    zh__chost *h = find_host_locked(c, host, port);
    if (h) {
        *out = h;
        return ZH_OK;
    }
    zh__chost *victim = NULL;
    for (size_t i = 0; i < c->cfg.max_hosts; i++) {
        zh__chost *e = &c->hosts[i];
        if (!e->name[0]) {
            victim = e;
            break;
        }
        if (e->busy == 0 && (!victim || e->last_used < victim->last_used))
            victim = e;
    }
    if (!victim) {
        set_error("all %zu host pools are busy", c->cfg.max_hosts);
        return ZH_E_TOO_MANY_CONNECTIONS;
    }
    if (!victim->slots) {
        victim->slots = zh_calloc(c->cfg.max_conns_per_host, sizeof *victim->slots);
        if (!victim->slots) {
            set_error("out of memory for the pool of %s:%u", host, (unsigned)port);
            return ZH_E_NOMEM;
        }
    }
    /* No call runs on the victim: every slot is idle or spare. */
    victim->idle = victim->spare = NULL;
    for (size_t j = c->cfg.max_conns_per_host; j-- > 0;) {
        close_conn(c, &victim->slots[j]);
        spare_push(victim, &victim->slots[j]);
    }
    memcpy(victim->name, host, hl + 1);
    victim->port = port;
    if (port == 80)
        snprintf(victim->hostport, sizeof victim->hostport, "%s", host);
    else
        snprintf(victim->hostport, sizeof victim->hostport, "%s:%u", host, (unsigned)port);
    victim->hostport_len = strlen(victim->hostport);
    victim->hostport_ok = zh__is_field_text((zh_slice){ victim->hostport, victim->hostport_len });
    *out = victim;
    return ZH_OK;
}

/* True when a pooled, idle connection can no longer carry a request: idle too
 * long, or readable (the peer closed it, or sent bytes nobody asked for). */
static bool idle_conn_stale(const zh_client *c, const zh__cslot *s, int64_t now)
{
    if (c->cfg.max_idle_ms > 0 && now - s->idle_since_ms > c->cfg.max_idle_ms)
        return true;
    return (zh_conn_ready(s->conn) & ZH_READABLE) != 0;
}

/* Takes a slot of host:port: an idle open connection (most recently used first,
 * *reused = true) or a free slot to dial. Waits for a release until deadline. */
static zh_err acquire(zh_client *c, const char *host, uint16_t port, int64_t deadline,
                      zh__chost **hout, zh__cslot **sout, bool *reused)
{
    pthread_mutex_lock(&c->mu);
    zh__chost *h = NULL;
    zh_err err = host_locked(c, host, port, &h);
    if (err != ZH_OK) {
        pthread_mutex_unlock(&c->mu);
        return err;
    }
    h->last_used = ++c->tick;
    for (;;) {
        /* The most recently used idle connection (the head of the idle list);
         * one found stale is closed and the next is tried (one readiness check
         * per candidate); else a spare slot to dial. O(1) per slot looked at. */
        zh__cslot *s = NULL;
        bool from_idle = false;
        int64_t now = h->idle && c->cfg.max_idle_ms > 0 ? zh__client_now_ms() : 0;
        while ((s = h->idle) != NULL) {
            idle_unlink(h, s);
            if (!idle_conn_stale(c, s, now)) {
                from_idle = true;
                break;
            }
            close_conn(c, s);
            spare_push(h, s);
        }
        if (!s)
            s = spare_pop(h);
        if (s) {
            s->busy = true;
            h->busy++;
            *reused = from_idle;
            *hout = h;
            *sout = s;
            pthread_mutex_unlock(&c->mu);
            return ZH_OK;
        }
        int left = zh__client_remaining_ms(deadline);
        if (left == 0) {
            pthread_mutex_unlock(&c->mu);
            set_error("no free connection to %s:%u within the timeout (%zu in use)", host,
                      (unsigned)port, c->cfg.max_conns_per_host);
            return ZH_E_TIMEOUT;
        }
        if (left < 0) {
            pthread_cond_wait(&c->cv, &c->mu);
        } else {
            struct timespec ts;
            clock_gettime(CLOCK_MONOTONIC, &ts);
            ts.tv_sec += left / 1000;
            ts.tv_nsec += (long)(left % 1000) * 1000000L;
            if (ts.tv_nsec >= 1000000000L) {
                ts.tv_sec++;
                ts.tv_nsec -= 1000000000L;
            }
            pthread_cond_timedwait(&c->cv, &c->mu, &ts);
        }
    }
}

static void release(zh_client *c, zh__chost *h, zh__cslot *s, bool keep)
{
    pthread_mutex_lock(&c->mu);
    s->busy = false;
    h->busy--;
    if (keep && s->conn) {
        s->uses++;
        s->idle_since_ms = c->cfg.max_idle_ms > 0 ? zh__client_now_ms() : 0;
        idle_push(h, s);
    } else {
        close_conn(c, s);
        spare_push(h, s);
    }
    pthread_cond_signal(&c->cv);
    pthread_mutex_unlock(&c->mu);
}

static zh_err dial(zh_client *c, zh__chost *h, zh__cslot *s, int64_t deadline)
{
    int left = zh__client_remaining_ms(deadline);
    if (left == 0) {
        set_error("connect %s:%u: timed out", h->name, (unsigned)h->port);
        return ZH_E_TIMEOUT;
    }
    if (c->tcp) {
        int fd = -1;
        char msg[sizeof last_error];
        zh_err err = zh__client_tcp_connect(h->name, h->port, deadline, &fd, msg, sizeof msg);
        if (err != ZH_OK) {
            set_error("%s", msg);
            return err;
        }
        err = zh_tcp_conn_adopt(&s->tcp, fd);
        if (err != ZH_OK) {
            close(fd);
            set_error("connect %s:%u: %s", h->name, (unsigned)h->port, zh_strerror(err));
            return err;
        }
        s->conn = &s->tcp.base;
    } else {
        zh_conn *conn = NULL;
        zh_err err = c->dialer.dial(c->dialer.ud, h->name, h->port, left, &conn);
        if (err == ZH_OK && !conn)
            err = ZH_E_CONNECT;
        if (err != ZH_OK) {
            set_error("connect %s:%u: %s", h->name, (unsigned)h->port, zh_strerror(err));
            return err;
        }
        s->conn = conn;
    }
    s->uses = 0;
    zh_buf_clear(&s->rbuf);
    stat_inc(&c->stats.dials);
    return ZH_OK;
}

/* ---------------------------------------------------------------- one exchange */

/* What an attempt learned, for the retry decision and the pool. */
typedef struct attempt {
    zh__chost *h;
    zh__cslot *s;
    int64_t deadline;
    bool got_bytes; /* a byte of a response arrived */
    bool keep;      /* the connection may carry the next request */
} attempt;

static zh_err write_all(attempt *a, const char *p, size_t len)
{
    size_t off = 0;
    while (off < len) {
        size_t n = 0;
        zh_err e = zh_conn_write(a->s->conn, p + off, len - off, &n);
        if (e == ZH_OK) {
            off += n;
            continue;
        }
        if (e != ZH_E_WOULD_BLOCK)
            return e;
        int left = zh__client_remaining_ms(a->deadline);
        if (left == 0)
            return ZH_E_TIMEOUT;
        e = zh_conn_wait(a->s->conn, ZH_WRITABLE, left);
        if (e != ZH_OK)
            return e;
    }
    return ZH_OK;
}

static zh_err send_request(zh_client *c, attempt *a, zh_request *req)
{
    zh__cslot *s = a->s;
    zh_msg_defaults d;
    memset(&d, 0, sizeof d);
    d.user_agent = (zh_slice){c->user_agent, c->user_agent_len};
    d.host = (zh_slice){a->h->hostport, a->h->hostport_len};
    d.keep_alive = zh_request_version(req) == 0; /* HTTP/1.0 closes unless asked */
    zh_buf_clear(&s->wbuf);
    /* The defaults are the client's own, checked when they were stored. */
    bool checked = c->user_agent_ok && a->h->hostport_ok;
    zh_err e = zh__request_serialize(req, &d, !checked, &s->wbuf);
    if (e != ZH_OK) {
        set_error("cannot serialize the request: %s", zh_strerror(e));
        return e;
    }
    e = write_all(a, s->wbuf.ptr, s->wbuf.len);
    bool done = zh_request_content_length(req) >= 0;
    while (e == ZH_OK && !done) {
        zh_buf_clear(&s->wbuf);
        e = zh_request_write_body(req, &s->wbuf, &done);
        if (e == ZH_E_WOULD_BLOCK) {
            if (zh__client_remaining_ms(a->deadline) == 0)
                e = ZH_E_TIMEOUT;
            else
                e = ZH_OK; /* the writer has nothing yet: ask again */
            continue;
        }
        if (e != ZH_OK) {
            set_error("request body writer failed: %s", zh_strerror(e));
            return e;
        }
        e = write_all(a, s->wbuf.ptr, s->wbuf.len);
    }
    return e;
}

/* Reads the final response into resp: 1xx skipped, 101 refused. */
static zh_err read_response(zh_client *c, attempt *a, zh_slice method, zh_response *resp)
{
    zh__cslot *s = a->s;
    zh_buf *rb = &s->rbuf;
    /* A head must fit whole; the parser reports a long one first. */
    size_t max_head = c->cfg.parse.limits.max_head;
    rb->max = max_head < SIZE_MAX - 2 * READ_CHUNK ? max_head + 2 * READ_CHUNK : 0;
    for (;;) {
        if (rb->len > 0) {
            size_t consumed = 0;
            zh_err e = zh_response_parse(resp, rb->ptr, rb->len, method, &c->cfg.parse, &consumed);
            zh_buf_consume(rb, consumed);
            if (e == ZH_OK) {
                int status = zh_response_status(resp);
                if (status == 101) {
                    set_error("unexpected 101 Switching Protocols (upgrades are not supported)");
                    return ZH_E_BAD_RESPONSE;
                }
                if (status >= 100 && status < 200) { /* RFC 9110 §15.2: interim */
                    zh_response_reset(resp);
                    continue;
                }
                return ZH_OK;
            }
            if (e == ZH_E_NOMEM) {
                set_error("out of memory while reading the response");
                return e;
            }
            if (e != ZH_INCOMPLETE) {
                set_error("malformed response: %s", zh_strerror(e));
                return e;
            }
        }
        if (rb->cap - rb->len < READ_MIN_FREE) {
            zh_err e = zh_buf_reserve(rb, READ_CHUNK);
            if (e == ZH_E_BUFFER_FULL) {
                set_error("response head larger than %zu bytes", c->cfg.parse.limits.max_head);
                return ZH_E_HEAD_TOO_LARGE;
            }
            if (e != ZH_OK) {
                set_error("no memory for the read buffer");
                return e;
            }
        }
        size_t n = 0;
        zh_err e = zh_conn_read(s->conn, rb->ptr + rb->len, rb->cap - rb->len, &n);
        if (e == ZH_OK) {
            rb->len += n;
            a->got_bytes = true;
            continue;
        }
        if (e == ZH_E_WOULD_BLOCK) {
            int left = zh__client_remaining_ms(a->deadline);
            e = left == 0 ? ZH_E_TIMEOUT : zh_conn_wait(s->conn, ZH_READABLE, left);
            if (e == ZH_E_TIMEOUT) {
                set_error("timed out waiting for the response from %s:%u", a->h->name,
                          (unsigned)a->h->port);
                return e;
            }
            if (e != ZH_OK) {
                set_error("waiting for the response: %s", zh_strerror(e));
                return e;
            }
            continue;
        }
        if (e == ZH_E_CLOSED) {
            zh_err eof = zh_response_parse_eof(resp);
            if (eof == ZH_OK) {
                a->keep = false;
                return ZH_OK; /* a close-delimited body ended */
            }
            if (eof == ZH_E_CLOSED && !a->got_bytes)
                set_error("connection closed by %s:%u before any response byte", a->h->name,
                          (unsigned)a->h->port);
            else
                set_error("connection closed by %s:%u: %s", a->h->name, (unsigned)a->h->port,
                          zh_strerror(eof));
            return eof;
        }
        set_error("reading the response from %s:%u: %s", a->h->name, (unsigned)a->h->port,
                  zh_strerror(e));
        return e;
    }
}

static zh_err exchange(zh_client *c, attempt *a, zh_request *req, zh_response *resp)
{
    zh_response_reset(resp);
    a->got_bytes = false;
    a->keep = true;
    zh_err e = send_request(c, a, req);
    /* Read after serializing: the method slice lives in req's storage. */
    zh_slice method = zh_request_method(req);
    if (e == ZH_E_CLOSED || e == ZH_E_IO) {
        /* The peer may have answered early (e.g. 413) before closing: read what
         * it sent; without any byte of an answer the write error stands. */
        zh_err wr = e;
        e = read_response(c, a, method, resp);
        if (e != ZH_OK && !a->got_bytes) {
            set_error("sending the request to %s:%u: %s", a->h->name, (unsigned)a->h->port,
                      zh_strerror(wr));
            e = wr;
        }
        a->keep = false;
        return e;
    }
    if (e == ZH_E_TIMEOUT) {
        set_error("timed out sending the request to %s:%u", a->h->name, (unsigned)a->h->port);
        return e;
    }
    if (e != ZH_OK)
        return e;
    e = read_response(c, a, method, resp);
    if (e != ZH_OK)
        return e;
    /* Bytes after the response: nobody asked for them. A successful CONNECT
     * turns the connection into a tunnel (RFC 9110 §9.3.6): not reusable. */
    if (zh_response_must_close(resp) || zh_request_wire_close(req) || a->s->rbuf.len > 0 ||
        zh_slice_eq(method, ZH_SLICE_LIT("CONNECT")))
        a->keep = false;
    return ZH_OK;
}

/* RFC 9110 §9.2.2. */
static bool idempotent(zh_slice m)
{
    static const zh_slice names[] = {{"GET", 3},    {"HEAD", 4},    {"PUT", 3},
                                     {"DELETE", 6}, {"OPTIONS", 7}, {"TRACE", 5}};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (m.len == names[i].len && memcmp(m.ptr, names[i].ptr, m.len) == 0)
            return true;
    return false;
}

static zh_err fail(zh_client *c, zh_response *resp, zh_err e)
{
    if (resp)
        zh_response_reset(resp); /* never a partial body */
    if (c)
        stat_inc(&c->stats.failures);
    if (!last_error[0])
        snprintf(last_error, sizeof last_error, "%s", zh_strerror(e));
    return e;
}

zh_err zh_client_do(zh_client *c, const char *host, uint16_t port, zh_request *req,
                    zh_response *resp)
{
    last_error[0] = '\0';
    if (!c || !host || !req || !resp)
        return fail(c, resp, ZH_E_INVALID_ARGUMENT);
    int64_t deadline = c->cfg.timeout_ms > 0 ? zh__client_now_ms() + c->cfg.timeout_ms : 0;
    bool may_retry = idempotent(zh_request_method(req)) && zh_request_content_length(req) >= 0;
    for (size_t attempt_no = 0;; attempt_no++) {
        attempt a;
        memset(&a, 0, sizeof a);
        a.deadline = deadline;
        bool reused = false;
        zh_err e = acquire(c, host, port, deadline, &a.h, &a.s, &reused);
        if (e != ZH_OK)
            return fail(c, resp, e);
        if (!a.s->conn) {
            e = dial(c, a.h, a.s, deadline);
            if (e != ZH_OK) {
                release(c, a.h, a.s, false);
                return fail(c, resp, e);
            }
        } else {
            stat_inc(&c->stats.reuses);
        }
        e = exchange(c, &a, req, resp);
        release(c, a.h, a.s, e == ZH_OK && a.keep);
        if (e == ZH_OK) {
            last_error[0] = '\0';
            stat_inc(&c->stats.requests);
            return ZH_OK;
        }
        /* RFC 9112 §9.3.1: a kept-alive connection the server closed meanwhile.
         * Only when nothing of an answer came back, and at most once per slot. */
        bool dead = e == ZH_E_CLOSED || e == ZH_E_IO;
        if (reused && dead && !a.got_bytes && may_retry && attempt_no < c->cfg.max_conns_per_host) {
            stat_inc(&c->stats.retries);
            last_error[0] = '\0';
            continue;
        }
        return fail(c, resp, e);
    }
}

zh_err zh_client_do_url(zh_client *c, zh_slice url, zh_request *req, zh_response *resp)
{
    last_error[0] = '\0';
    if (!c || !req || !resp || (!url.ptr && url.len))
        return fail(c, resp, ZH_E_INVALID_ARGUMENT);
    zh_uri u;
    zh_err e = zh_parse_url(url, &u);
    if (e != ZH_OK) {
        set_error("invalid url \"%.*s\": %s", (int)(url.len > 200 ? 200 : url.len), url.ptr,
                  zh_strerror(e));
        return fail(c, resp, e);
    }
    char host[ZH__CLIENT_HOST_MAX];
    if (u.host.len == 0 || u.host.len >= sizeof host) {
        set_error("invalid host in url");
        return fail(c, resp, ZH_E_BAD_HOST);
    }
    memcpy(host, u.host.ptr, u.host.len);
    host[u.host.len] = '\0';
    /* The target is path[?query]; both are slices of url, adjacent unless the
     * path was empty (then zh_parse_url gives "/" from elsewhere). */
    zh_slice target = u.path.len ? u.path : ZH_SLICE_LIT("/");
    char tbuf[1024];
    if (u.query.len) {
        if (u.path.len && u.path.ptr + u.path.len + 1 == u.query.ptr) {
            target.len = (size_t)(u.query.ptr + u.query.len - u.path.ptr);
        } else if (target.len + 1 + u.query.len <= sizeof tbuf) {
            memcpy(tbuf, target.ptr, target.len);
            tbuf[target.len] = '?';
            memcpy(tbuf + target.len + 1, u.query.ptr, u.query.len);
            target = (zh_slice){tbuf, target.len + 1 + u.query.len};
        } else {
            set_error("url query too long");
            return fail(c, resp, ZH_E_BAD_TARGET);
        }
    }
    e = zh_request_set_target(req, target);
    if (e != ZH_OK) {
        set_error("invalid request target: %s", zh_strerror(e));
        return fail(c, resp, e);
    }
    return zh_client_do(c, host, u.port ? u.port : 80, req, resp);
}

zh_err zh_client_get(zh_client *c, zh_slice url, zh_request *req, zh_response *resp)
{
    if (!req || !resp) {
        last_error[0] = '\0';
        return fail(c, resp, ZH_E_INVALID_ARGUMENT);
    }
    zh_request_reset(req);
    zh_response_reset(resp);
    return zh_client_do_url(c, url, req, resp);
}
