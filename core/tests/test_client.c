/* The client against a scripted raw peer, over in-memory pipes and over TCP
 * loopback (a small peer thread), with edge-case responses, keep-alive, retries,
 * the fasthttp quirks at client level and the zero-allocation steady state.
 *
 * Most tests are loop tests: _i == 0 runs over pipes, _i == 1 over TCP. */
#include <check.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "zhttp/alloc.h"
#include "zhttp/client.h"
#include "zhttp/conn.h"
#include "zhttp/msg.h"

/* ================================================================ script */

enum { KEEP = 0, CLOSE = 1, SILENT = 2, EARLY_CLOSE = 3 };

/* What the peer does with the Nth request it receives (over all connections):
 * send resp (may be NULL), then keep the connection, close it, or go silent
 * (never answer anything on that connection again). EARLY_CLOSE answers as soon
 * as the head is in, without reading the body, and closes. */
typedef struct step {
    const char *resp;
    int after;
} step;

#define MAX_LOG 16
#define LOG_CAP 4096

typedef struct script {
    const step *steps;
    size_t nsteps;
    size_t next;
    bool repeat_last;           /* past the end, every request gets the last step */
    char log[MAX_LOG][LOG_CAP]; /* the first requests as received, NUL-terminated */
    size_t nlog;
    int conns; /* connections accepted or dialed */
    pthread_mutex_t mu;
} script;

static void script_init(script *s, const step *steps, size_t n)
{
    memset(s, 0, sizeof *s);
    s->steps = steps;
    s->nsteps = n;
    pthread_mutex_init(&s->mu, NULL);
}

/* Logs a request and returns the step answering it (NULL past the script). */
static const step *script_take(script *s, const char *req, size_t len)
{
    pthread_mutex_lock(&s->mu);
    if (s->nlog < MAX_LOG) {
        size_t n = len < LOG_CAP - 1 ? len : LOG_CAP - 1;
        memcpy(s->log[s->nlog], req, n);
        s->log[s->nlog][n] = '\0';
    }
    s->nlog++;
    const step *st = NULL;
    if (s->next < s->nsteps)
        st = &s->steps[s->next++];
    else if (s->repeat_last && s->nsteps)
        st = &s->steps[s->nsteps - 1];
    pthread_mutex_unlock(&s->mu);
    return st;
}

/* Length of the first complete request in buf (head + Content-Length body), 0
 * if incomplete. */
static size_t request_complete(const char *buf, size_t len)
{
    const char *end = memmem(buf, len, "\r\n\r\n", 4);
    if (!end)
        return 0;
    size_t head = (size_t)(end - buf) + 4;
    size_t body = 0;
    if (memmem(buf, head, "Transfer-Encoding: chunked\r\n", 28)) {
        const char *last = memmem(buf + head - 2, len - head + 2, "\r\n0\r\n\r\n", 7);
        return last ? (size_t)(last - buf) + 7 : 0;
    }
    for (const char *p = buf; p < end;) {
        const char *eol = memmem(p, (size_t)(end - p) + 2, "\r\n", 2);
        if (!eol)
            break;
        if ((size_t)(eol - p) > 15 && strncasecmp(p, "Content-Length:", 15) == 0)
            body = strtoul(p + 15, NULL, 10);
        p = eol + 2;
    }
    return len >= head + body ? head + body : 0;
}

typedef bool (*send_fn)(void *ctx, const char *p, size_t n);

/* Answers every complete request in buf[0..*len). Returns true when the peer
 * must close the connection now. */
static bool serve_buffer(script *sc, char *buf, size_t *len, bool *silent, send_fn send, void *ctx)
{
    while (!*silent) {
        pthread_mutex_lock(&sc->mu);
        bool early = sc->next < sc->nsteps && sc->steps[sc->next].after == EARLY_CLOSE;
        pthread_mutex_unlock(&sc->mu);
        const char *head_end = memmem(buf, *len, "\r\n\r\n", 4);
        if (early && head_end) {
            const step *st = script_take(sc, buf, (size_t)(head_end - buf) + 4);
            if (st->resp)
                (void)send(ctx, st->resp, strlen(st->resp));
            return true;
        }
        size_t r = request_complete(buf, *len);
        if (!r)
            return false;
        const step *st = script_take(sc, buf, r);
        memmove(buf, buf + r, *len - r);
        *len -= r;
        if (!st) {
            *silent = true;
            return false;
        }
        if (st->resp && !send(ctx, st->resp, strlen(st->resp)))
            return true;
        if (st->after == CLOSE)
            return true;
        if (st->after == SILENT)
            *silent = true;
    }
    return false;
}

/* ================================================================ pipe peer */

#define MAX_CONNS 6
#define PEER_BUF  65536

typedef struct pconn {
    zh_pipe_pair pair;
    bool inited;
    bool closed;
    bool silent;
    script *sc;
    char in[PEER_BUF];
    size_t inlen;
} pconn;

typedef struct pipe_peer {
    script sc;
    pconn conns[MAX_CONNS];
    int nconns;
    size_t max_io;
} pipe_peer;

static pipe_peer *PP;

static bool pipe_send(void *ctx, const char *p, size_t n)
{
    zh_conn *end = ctx;
    size_t off = 0;
    while (off < n) {
        size_t w = 0;
        if (zh_conn_write(end, p + off, n - off, &w) != ZH_OK)
            return false;
        off += w;
    }
    return true;
}

static bool pconn_pump(void *ud)
{
    pconn *pc = ud;
    if (pc->closed)
        return false;
    zh_conn *end = zh_pipe_conn(&pc->pair, 1);
    bool progress = false;
    for (;;) {
        size_t n = 0;
        zh_err e = zh_conn_read(end, pc->in + pc->inlen, PEER_BUF - pc->inlen, &n);
        if (e == ZH_OK) {
            pc->inlen += n;
            progress = true;
            continue;
        }
        if (e == ZH_E_CLOSED) { /* the client went away */
            zh_conn_close(end);
            pc->closed = true;
            return true;
        }
        break;
    }
    size_t before = pc->sc->nlog;
    if (serve_buffer(pc->sc, pc->in, &pc->inlen, &pc->silent, pipe_send, end)) {
        zh_conn_close(end);
        pc->closed = true;
    }
    return progress || pc->sc->nlog != before;
}

static zh_err pipe_dial(void *ud, const char *host, uint16_t port, int timeout_ms, zh_conn **out)
{
    pipe_peer *pp = ud;
    if (pp->nconns >= MAX_CONNS)
        return ZH_E_CONNECT;
    pconn *pc = &pp->conns[pp->nconns++];
    if (!pc->inited) {
        zh_err e = zh_pipe_pair_init(&pc->pair, PEER_BUF);
        if (e != ZH_OK) { /* allocation failure tests */
            pp->nconns--;
            return e;
        }
        pc->inited = true;
    }
    pc->sc = &pp->sc;
    zh_pipe_pair_set_pump(&pc->pair, pconn_pump, pc);
    zh_pipe_pair_set_max_io(&pc->pair, pp->max_io);
    pp->sc.conns++;
    *out = zh_pipe_conn(&pc->pair, 0);
    return ZH_OK;
}

static const zh_client_dialer pipe_dialer = {pipe_dial, NULL, NULL};

/* ================================================================ TCP peer */

typedef struct tconn {
    int fd;
    bool silent;
    char in[PEER_BUF];
    size_t inlen;
} tconn;

typedef struct tcp_peer {
    script sc;
    int lfd;
    uint16_t port;
    pthread_t th;
    int stop;
    tconn conns[MAX_CONNS];
} tcp_peer;

static tcp_peer *TP;

static bool tcp_send(void *ctx, const char *p, size_t n)
{
    int fd = *(int *)ctx;
    size_t off = 0;
    while (off < n) {
        ssize_t w = send(fd, p + off, n - off, MSG_NOSIGNAL);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return false;
        off += (size_t)w;
    }
    return true;
}

static void *tcp_peer_main(void *arg)
{
    tcp_peer *tp = arg;
    for (int i = 0; i < MAX_CONNS; i++)
        tp->conns[i].fd = -1;
    while (!__atomic_load_n(&tp->stop, __ATOMIC_ACQUIRE)) {
        struct pollfd pfd[MAX_CONNS + 1];
        int idx[MAX_CONNS + 1];
        nfds_t n = 0;
        pfd[n] = (struct pollfd){.fd = tp->lfd, .events = POLLIN};
        idx[n++] = -1;
        for (int i = 0; i < MAX_CONNS; i++)
            if (tp->conns[i].fd >= 0) {
                pfd[n] = (struct pollfd){.fd = tp->conns[i].fd, .events = POLLIN};
                idx[n++] = i;
            }
        if (poll(pfd, n, 20) <= 0)
            continue;
        for (nfds_t k = 0; k < n; k++) {
            if (!pfd[k].revents)
                continue;
            if (idx[k] < 0) {
                int fd = accept(tp->lfd, NULL, NULL);
                if (fd < 0)
                    continue;
                int slot = -1;
                for (int i = 0; i < MAX_CONNS && slot < 0; i++)
                    if (tp->conns[i].fd < 0)
                        slot = i;
                if (slot < 0) {
                    close(fd);
                    continue;
                }
                tp->conns[slot].fd = fd;
                tp->conns[slot].inlen = 0;
                tp->conns[slot].silent = false;
                pthread_mutex_lock(&tp->sc.mu);
                tp->sc.conns++;
                pthread_mutex_unlock(&tp->sc.mu);
                continue;
            }
            tconn *tc = &tp->conns[idx[k]];
            ssize_t r = recv(tc->fd, tc->in + tc->inlen, PEER_BUF - tc->inlen, 0);
            if (r <= 0) {
                close(tc->fd);
                tc->fd = -1;
                continue;
            }
            tc->inlen += (size_t)r;
            if (serve_buffer(&tp->sc, tc->in, &tc->inlen, &tc->silent, tcp_send, &tc->fd)) {
                close(tc->fd);
                tc->fd = -1;
            }
        }
    }
    for (int i = 0; i < MAX_CONNS; i++)
        if (tp->conns[i].fd >= 0)
            close(tp->conns[i].fd);
    close(tp->lfd);
    return NULL;
}

/* ================================================================ fixture */

static int T;      /* 0: pipes, 1: TCP */
static script *SC; /* the running peer's script */
static char HOST[64];
static uint16_t PORT;

static void peer_start(int transport, const step *steps, size_t n)
{
    T = transport;
    if (T == 0) {
        PP = calloc(1, sizeof *PP);
        ck_assert_ptr_nonnull(PP);
        script_init(&PP->sc, steps, n);
        SC = &PP->sc;
        snprintf(HOST, sizeof HOST, "pipe.test");
        PORT = 80;
        return;
    }
    TP = calloc(1, sizeof *TP);
    ck_assert_ptr_nonnull(TP);
    script_init(&TP->sc, steps, n);
    SC = &TP->sc;
    ck_assert_int_eq(zh_tcp_listen("127.0.0.1:0", false, 16, &TP->lfd), ZH_OK);
    TP->port = zh_tcp_local_port(TP->lfd);
    ck_assert_uint_ne(TP->port, 0);
    snprintf(HOST, sizeof HOST, "127.0.0.1");
    PORT = TP->port;
    ck_assert_int_eq(pthread_create(&TP->th, NULL, tcp_peer_main, TP), 0);
}

static void peer_stop(void)
{
    if (T == 0) {
        for (int i = 0; i < MAX_CONNS; i++)
            if (PP->conns[i].inited)
                zh_pipe_pair_dispose(&PP->conns[i].pair);
        free(PP);
        PP = NULL;
    } else {
        __atomic_store_n(&TP->stop, 1, __ATOMIC_RELEASE);
        pthread_join(TP->th, NULL);
        free(TP);
        TP = NULL;
    }
    SC = NULL;
}

static zh_client *client_new(zh_client_config *cfg)
{
    zh_client_config def = zh_client_config_default();
    if (!cfg)
        cfg = &def;
    if (T == 0) {
        zh_client_dialer *d = calloc(1, sizeof *d);
        *d = pipe_dialer;
        d->ud = PP;
        cfg->dialer = d; /* copied by zh_client_create */
        zh_client *c = NULL;
        ck_assert_int_eq(zh_client_create(cfg, &c), ZH_OK);
        free(d);
        return c;
    }
    if (cfg->timeout_ms <= 0 || cfg->timeout_ms > 5000)
        cfg->timeout_ms = 5000; /* a broken test must not hang */
    zh_client *c = NULL;
    ck_assert_int_eq(zh_client_create(cfg, &c), ZH_OK);
    return c;
}

static zh_err do_req(zh_client *c, const char *method, const char *target, const char *body,
                     zh_request *req, zh_response *resp)
{
    zh_request_reset(req);
    ck_assert_int_eq(zh_request_set_method(req, zh_slice_from_cstr(method)), ZH_OK);
    ck_assert_int_eq(zh_request_set_target(req, zh_slice_from_cstr(target)), ZH_OK);
    if (body)
        ck_assert_int_eq(zh_request_set_body(req, body, strlen(body)), ZH_OK);
    return zh_client_do(c, HOST, PORT, req, resp);
}

static zh_err do_get(zh_client *c, const char *target, zh_request *req, zh_response *resp)
{
    return do_req(c, "GET", target, NULL, req, resp);
}

/* Lines of the logged request whose field name is name (case-insensitive). */
static int count_fields(const char *req, const char *name)
{
    int n = 0;
    size_t nl = strlen(name);
    const char *p = strstr(req, "\r\n");
    while (p && p[2] != '\r') {
        p += 2;
        if (strncasecmp(p, name, nl) == 0 && p[nl] == ':')
            n++;
        p = strstr(p, "\r\n");
    }
    return n;
}

/* The value of the first field name of the logged request, into out. */
static const char *field_value(const char *req, const char *name, char *out, size_t cap)
{
    size_t nl = strlen(name);
    const char *p = strstr(req, "\r\n");
    out[0] = '\0';
    while (p && p[2] != '\r') {
        p += 2;
        if (strncasecmp(p, name, nl) == 0 && p[nl] == ':') {
            const char *v = p + nl + 1;
            while (*v == ' ')
                v++;
            const char *e = strstr(v, "\r\n");
            size_t n = (size_t)(e - v) < cap - 1 ? (size_t)(e - v) : cap - 1;
            memcpy(out, v, n);
            out[n] = '\0';
            return out;
        }
        p = strstr(p, "\r\n");
    }
    return out;
}

static bool body_is(const zh_response *resp, const char *s)
{
    zh_slice b = zh_response_body(resp);
    return b.len == strlen(s) && (b.len == 0 || memcmp(b.ptr, s, b.len) == 0);
}

#define OK_5 "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello"
#define OK_2 "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"

/* ================================================================ basics */

START_TEST(get_basic)
{
    static const step s[] = {{OK_5, KEEP}};
    peer_start(_i, s, 1);
    zh_client *c = client_new(NULL);
    zh_request req;
    zh_response resp;
    zh_request_init(&req);
    zh_response_init(&resp);
    ck_assert_int_eq(do_get(c, "/x?y=1", &req, &resp), ZH_OK);
    ck_assert_int_eq(zh_response_status(&resp), 200);
    ck_assert(body_is(&resp, "hello"));
    ck_assert_int_eq(zh_response_content_length(&resp), 5);
    ck_assert_str_eq(zh_client_last_error(), "");
    zh_client_destroy(c);
    zh_request_dispose(&req);
    zh_response_dispose(&resp);
    ck_assert_uint_eq(SC->nlog, 1);
    const char *r = SC->log[0];
    ck_assert_msg(strncmp(r, "GET /x?y=1 HTTP/1.1\r\n", 21) == 0, "request line: %s", r);
    ck_assert_int_eq(count_fields(r, "Host"), 1);
    char v[128];
    char want[80];
    if (PORT == 80)
        snprintf(want, sizeof want, "%s", HOST);
    else
        snprintf(want, sizeof want, "%s:%u", HOST, (unsigned)PORT);
    ck_assert_str_eq(field_value(r, "Host", v, sizeof v), want);
    ck_assert_int_eq(count_fields(r, "User-Agent"), 1);
    ck_assert_str_eq(field_value(r, "User-Agent", v, sizeof v), "zhttp/0.1");
    ck_assert_int_eq(count_fields(r, "Content-Length"), 0);
    peer_stop();
}
END_TEST

START_TEST(get_chunked_body)
{
    static const step s[] = {
        {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
         "5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\nX-Trailer: t\r\n\r\n",
         KEEP},
        {OK_2, KEEP},
    };
    peer_start(_i, s, 2);
    zh_client *c = client_new(NULL);
    zh_request req;
    zh_response resp;
    zh_request_init(&req);
    zh_response_init(&resp);
    ck_assert_int_eq(do_get(c, "/", &req, &resp), ZH_OK);
    ck_assert(body_is(&resp, "hello world"));
    ck_assert_int_eq(zh_response_content_length(&resp), 11);
    /* The chunked body ended exactly: the connection carries the next request. */
    ck_assert_int_eq(do_get(c, "/2", &req, &resp), ZH_OK);
    ck_assert(body_is(&resp, "ok"));
    ck_assert_int_eq(SC->conns, 1);
    zh_client_destroy(c);
    zh_request_dispose(&req);
    zh_response_dispose(&resp);
    peer_stop();
}
END_TEST

/* One byte per read and write: the client must assemble heads and bodies from
 * any split (pipes only: max_io is a pipe feature). */
START_TEST(byte_at_a_time)
{
    static const step s[] = {
        {"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
         "3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n",
         KEEP},
        {OK_5, KEEP},
    };
    peer_start(0, s, 2);
    PP->max_io = 1;
    zh_client *c = client_new(NULL);
    zh_request req;
    zh_response resp;
    zh_request_init(&req);
    zh_response_init(&resp);
    ck_assert_int_eq(do_req(c, "PUT", "/p", "body!", &req, &resp), ZH_OK);
    ck_assert(body_is(&resp, "abcde"));
    ck_assert_int_eq(do_get(c, "/", &req, &resp), ZH_OK);
    ck_assert(body_is(&resp, "hello"));
    ck_assert_int_eq(SC->conns, 1);
    ck_assert_ptr_nonnull(strstr(SC->log[0], "\r\n\r\nbody!"));
    zh_client_destroy(c);
    zh_request_dispose(&req);
    zh_response_dispose(&resp);
    peer_stop();
}
END_TEST

/* ================================================================ edge cases */

START_TEST(truncated_cl_body)
{
    static const step s[] = {{"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhello", CLOSE}};
    peer_start(_i, s, 1);
    zh_client *c = client_new(NULL);
    zh_request req;
    zh_response resp;
    zh_request_init(&req);
    zh_response_init(&resp);
    ck_assert_int_eq(do_get(c, "/", &req, &resp), ZH_E_TRUNCATED_BODY);
    ck_assert_uint_eq(zh_response_body(&resp).len, 0);
    ck_assert_str_ne(zh_client_last_error(), "");
    ck_assert_uint_eq(zh_client_get_stats(c).retries, 0);
    ck_assert_uint_eq(zh_client_get_stats(c).failures, 1);
    ck_assert_uint_eq(SC->nlog, 1);
    zh_client_destroy(c);
    zh_request_dispose(&req);
    zh_response_dispose(&resp);
    peer_stop();
}
END_TEST

START_TEST(eof_mid_chunk)
{
    static const step s[] = {
        {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\na\r\nhello", CLOSE},
    };
    peer_start(_i, s, 1);
    zh_client *c = client_new(NULL);
    zh_request req;
    zh_response resp;
    zh_request_init(&req);
    zh_response_init(&resp);
    ck_assert_int_eq(do_get(c, "/", &req, &resp), ZH_E_TRUNCATED_BODY);
    ck_assert_uint_eq(zh_response_body(&resp).len, 0);
    zh_client_destroy(c);
    zh_request_dispose(&req);
    zh_response_dispose(&resp);
    peer_stop();
}
END_TEST

START_TEST(eof_mid_head)
{
    static const step s[] = {{"HTTP/1.1 200 OK\r\nContent-Le", CLOSE}};
    peer_start(_i, s, 1);
    zh_client *c = client_new(NULL);
    zh_request req;
    zh_response resp;
    zh_request_init(&req);
    zh_response_init(&resp);
    ck_assert_int_eq(do_get(c, "/", &req, &resp), ZH_E_TRUNCATED_HEAD);
    zh_client_destroy(c);
    zh_request_dispose(&req);
    zh_response_dispose(&resp);
    peer_stop();
}
END_TEST

START_TEST(closed_without_response)
{
    static const step s[] = {{NULL, CLOSE}};
    peer_start(_i, s, 1);
    zh_client *c = client_new(NULL);
    zh_request req;
    zh_response resp;
    zh_request_init(&req);
    zh_response_init(&resp);
    /* A NEW connection closed before any byte: an error, and no retry. */
    ck_assert_int_eq(do_get(c, "/", &req, &resp), ZH_E_CLOSED);
    ck_assert_uint_eq(zh_client_get_stats(c).retries, 0);
    ck_assert_int_eq(SC->conns, 1);
    zh_client_destroy(c);
    zh_request_dispose(&req);
    zh_response_dispose(&resp);
    peer_stop();
}
END_TEST

/* Quirk 4: bytes beyond Content-Length are not the body, and the connection
 * that carried them is not reused. */
START_TEST(bytes_beyond_cl)
{
    static const step s[] = {
        {"HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabcHTTP/1.1 200 OK\r\n", KEEP},
        {OK_2, KEEP},
    };
    peer_start(_i, s, 2);
    zh_client *c = client_new(NULL);
    zh_request req;
    zh_response resp;
    zh_request_init(&req);
    zh_response_init(&resp);
    zh_err e = do_get(c, "/", &req, &resp);
    /* Over TCP the extra bytes may come in a later segment; either way the body
     * is exactly the Content-Length bytes. */
    ck_assert_int_eq(e, ZH_OK);
    ck_assert(body_is(&resp, "abc"));
    ck_assert_int_eq(zh_response_content_length(&resp), 3);
    ck_assert_int_eq(do_get(c, "/2", &req, &resp), ZH_OK);
    ck_assert(body_is(&resp, "ok"));
    ck_assert_int_eq(SC->conns, 2);
    zh_client_destroy(c);
    zh_request_dispose(&req);
    zh_response_dispose(&resp);
    peer_stop();
}
END_TEST

START_TEST(interim_1xx_skipped)
{
    static const step s[] = {
        {"HTTP/1.1 100 Continue\r\n\r\n"
         "HTTP/1.1 103 Early Hints\r\nLink: </s.css>; rel=preload\r\n\r\n"
         "HTTP/1.1 201 Created\r\nContent-Length: 2\r\nX-Final: 1\r\n\r\nok",
         KEEP},
    };
    peer_start(_i, s, 1);
    zh_client *c = client_new(NULL);
    zh_request req;
    zh_response resp;
    zh_request_init(&req);
    zh_response_init(&resp);
    ck_assert_int_eq(do_req(c, "POST", "/", "x", &req, &resp), ZH_OK);
    ck_assert_int_eq(zh_response_status(&resp), 201);
    ck_assert(body_is(&resp, "ok"));
    ck_assert(!zh_headers_has(zh_response_headers_const(&resp), ZH_SLICE_LIT("Link")));
    ck_assert(zh_headers_has(zh_response_headers_const(&resp), ZH_SLICE_LIT("X-Final")));
    zh_client_destroy(c);
    zh_request_dispose(&req);
    zh_response_dispose(&resp);
    peer_stop();
}
END_TEST

START_TEST(switching_protocols_is_error)
{
    static const step s[] = {
        {"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: upgrade\r\n\r\n",
         KEEP},
        {OK_2, KEEP},
    };
    peer_start(_i, s, 2);
    zh_client *c = client_new(NULL);
    zh_request req;
    zh_response resp;
    zh_request_init(&req);
    zh_response_init(&resp);
    ck_assert_int_eq(do_get(c, "/", &req, &resp), ZH_E_BAD_RESPONSE);
    ck_assert_uint_eq(zh_client_get_stats(c).closes, 1);
    /* The connection was dropped: the next request dials again. */
    ck_assert_int_eq(do_get(c, "/", &req, &resp), ZH_OK);
    ck_assert_int_eq(SC->conns, 2);
    zh_client_destroy(c);
    zh_request_dispose(&req);
    zh_response_dispose(&resp);
    peer_stop();
}
END_TEST

START_TEST(until_close_body)
{
    static const step s[] = {
        {"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nall of this, until the end", CLOSE},
        {OK_2, KEEP},
    };
    peer_start(_i, s, 2);
    zh_client *c = client_new(NULL);
    zh_request req;
    zh_response resp;
    zh_request_init(&req);
    zh_response_init(&resp);
    ck_assert_int_eq(do_get(c, "/", &req, &resp), ZH_OK);
    ck_assert(body_is(&resp, "all of this, until the end"));
    ck_assert_uint_eq(zh_client_idle_conns(c, HOST, PORT), 0);
    ck_assert_int_eq(do_get(c, "/", &req, &resp), ZH_OK);
    ck_assert_int_eq(SC->conns, 2);
    zh_client_destroy(c);
    zh_request_dispose(&req);
    zh_response_dispose(&resp);
    peer_stop();
}
END_TEST

/* HEAD: Content-Length describes the GET body, none follows (RFC 9110 §9.3.2);
 * the connection stays usable. */
START_TEST(head_with_cl_no_body)
{
    static const step s[] = {
        {"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n", KEEP},
        {OK_5, KEEP},
    };
    peer_start(_i, s, 2);
    zh_client *c = client_new(NULL);
    zh_request req;
    zh_response resp;
    zh_request_init(&req);
    zh_response_init(&resp);
    ck_assert_int_eq(do_req(c, "HEAD", "/", NULL, &req, &resp), ZH_OK);
    ck_assert_int_eq(zh_response_status(&resp), 200);
    ck_assert_uint_eq(zh_response_body(&resp).len, 0);
    ck_assert_int_eq(do_get(c, "/", &req, &resp), ZH_OK);
    ck_assert(body_is(&resp, "hello"));
    ck_assert_int_eq(SC->conns, 1);
    zh_client_destroy(c);
    zh_request_dispose(&req);
    zh_response_dispose(&resp);
    peer_stop();
}
END_TEST

START_TEST(no_content_and_not_modified)
{
    static const step s[] = {
        {"HTTP/1.1 204 No Content\r\n\r\n", KEEP},
        {"HTTP/1.1 304 Not Modified\r\nContent-Length: 10\r\nETag: \"x\"\r\n\r\n", KEEP},
        {OK_5, KEEP},
    };
    peer_start(_i, s, 3);
    zh_client *c = client_new(NULL);
    zh_request req;
    zh_response resp;
    zh_request_init(&req);
    zh_response_init(&resp);
    ck_assert_int_eq(do_req(c, "DELETE", "/d", NULL, &req, &resp), ZH_OK);
    ck_assert_int_eq(zh_response_status(&resp), 204);
    ck_assert_uint_eq(zh_response_body(&resp).len, 0);
    ck_assert_int_eq(do_get(c, "/", &req, &resp), ZH_OK);
    ck_assert_int_eq(zh_response_status(&resp), 304);
    ck_assert_uint_eq(zh_response_body(&resp).len, 0);
    ck_assert_int_eq(do_get(c, "/", &req, &resp), ZH_OK);
    ck_assert(body_is(&resp, "hello"));
    ck_assert_int_eq(SC->conns, 1);
    zh_client_destroy(c);
    zh_request_dispose(&req);
    zh_response_dispose(&resp);
    peer_stop();
}
END_TEST

/* The client reports exactly what the response parser says about the head. */
static void expect_bad_head(int transport, const char *resp_text, zh_err want)
{
    step s[] = {{resp_text, KEEP}};
    peer_start(transport, s, 1);
    zh_client *c = client_new(NULL);
    zh_request req;
    zh_response resp;
    zh_request_init(&req);
    zh_response_init(&resp);
    zh_err e = do_get(c, "/", &req, &resp);
    ck_assert_msg(e == want, "got %s, want %s for %s", zh_error_name(e), zh_error_name(want),
                  resp_text);
    ck_assert_str_ne(zh_client_last_error(), "");
    ck_assert_uint_eq(zh_response_body(&resp).len, 0);
    /* A connection with a broken answer is never pooled. */
    ck_assert_uint_eq(zh_client_idle_conns(c, HOST, PORT), 0);
    zh_client_destroy(c);
    zh_request_dispose(&req);
    zh_response_dispose(&resp);
    peer_stop();
}

START_TEST(malformed_status_line)
{
    static const char *const bad[] = {
        "HTTP/1.1 2000 OK\r\nContent-Length: 0\r\n\r\n",
        "HTTX/1.1 200 OK\r\nContent-Length: 0\r\n\r\n",
        "HTTP/1.1 20 OK\r\nContent-Length: 0\r\n\r\n",
        "HTTP/1.1 200 OK\nContent-Length: 0\r\n\r\n",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        zh_field f[8];
        zh_response_head h = {.fields = f, .fields_cap = 8};
        size_t n = 0;
        zh_err want = zh_parse_response_head(bad[i], strlen(bad[i]), NULL, &h, &n);
        ck_assert_int_ne(want, ZH_OK);
        ck_assert_int_ne(want, ZH_INCOMPLETE);
        expect_bad_head(_i, bad[i], want);
    }
}
END_TEST

START_TEST(cl_and_te_is_error)
{
    expect_bad_head(_i,
                    "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n"
                    "5\r\nhello\r\n0\r\n\r\n",
                    ZH_E_CL_AND_TE);
}
END_TEST

START_TEST(bad_chunk_size_is_error)
{
    expect_bad_head(_i,
                    "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n",
                    ZH_E_BAD_CHUNK_SIZE);
}
END_TEST

START_TEST(body_too_large)
{
    zh_client_config cfg = zh_client_config_default();
    cfg.max_body = 8;
    static const step s[] = {
        {"HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\n123456789", KEEP},
        {"HTTP/1.1 200 OK\r\nTransfer-Encoding: "
         "chunked\r\n\r\n5\r\n12345\r\n5\r\n67890\r\n0\r\n\r\n",
         KEEP},
        {"HTTP/1.1 200 OK\r\nContent-Length: 8\r\n\r\n12345678", KEEP},
    };
    peer_start(_i, s, 3);
    zh_client *c = client_new(&cfg);
    zh_request req;
    zh_response resp;
    zh_request_init(&req);
    zh_response_init(&resp);
    ck_assert_int_eq(do_get(c, "/", &req, &resp), ZH_E_BODY_TOO_LARGE);
    ck_assert_uint_eq(zh_response_body(&resp).len, 0);
    ck_assert_int_eq(do_get(c, "/", &req, &resp), ZH_E_BODY_TOO_LARGE);
    ck_assert_uint_eq(zh_response_body(&resp).len, 0);
    ck_assert_int_eq(do_get(c, "/", &req, &resp), ZH_OK); /* exactly at the limit */
    ck_assert(body_is(&resp, "12345678"));
    ck_assert_int_eq(SC->conns, 3);
    zh_client_destroy(c);
    zh_request_dispose(&req);
    zh_response_dispose(&resp);
    peer_stop();
}
END_TEST

START_TEST(timeout)
{
    zh_client_config cfg = zh_client_config_default();
    cfg.timeout_ms = 300;
    static const step s[] = {{"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhe", SILENT}};
    peer_start(_i, s, 1);
    zh_client *c = client_new(&cfg);
    zh_request req;
    zh_response resp;
    zh_request_init(&req);
    zh_response_init(&resp);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    ck_assert_int_eq(do_get(c, "/", &req, &resp), ZH_E_TIMEOUT);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    long ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
    if (_i == 1) /* pipes time out at once: nothing can ever progress in one thread */
        ck_assert_msg(ms >= 250 && ms < 3000, "timed out after %ld ms", ms);
    ck_assert_uint_eq(zh_response_body(&resp).len, 0); /* no partial body */
    ck_assert_uint_eq(zh_client_idle_conns(c, HOST, PORT), 0);
    ck_assert_uint_eq(zh_client_get_stats(c).retries, 0);
    zh_client_destroy(c);
    zh_request_dispose(&req);
    zh_response_dispose(&resp);
    peer_stop();
}
END_TEST

START_TEST(connection_refused)
{
    /* A port nobody listens on: bind one, note it, close it. */
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    ck_assert_int_ge(fd, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    ck_assert_int_eq(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
    socklen_t al = sizeof a;
    ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&a, &al), 0);
    uint16_t port = ntohs(a.sin_port);
    close(fd);
    zh_client_config cfg = zh_client_config_default();
    cfg.timeout_ms = 3000;
    zh_client *c = NULL;
    ck_assert_int_eq(zh_client_create(&cfg, &c), ZH_OK);
    zh_request req;
    zh_response resp;
    zh_request_init(&req);
    zh_response_init(&resp);
    ck_assert_int_eq(zh_client_do(c, "127.0.0.1", port, &req, &resp), ZH_E_CONNECT);
    ck_assert_ptr_nonnull(strstr(zh_client_last_error(), "127.0.0.1"));
    ck_assert_uint_eq(zh_client_get_stats(c).dials, 0);
    ck_assert_uint_eq(zh_client_get_stats(c).failures, 1);
    zh_client_destroy(c);
    zh_request_dispose(&req);
    zh_response_dispose(&resp);
}
END_TEST

START_TEST(resolve_failure)
{
    zh_client *c = NULL;
    ck_assert_int_eq(zh_client_create(NULL, &c), ZH_OK);
    zh_request req;
    zh_response resp;
    zh_request_init(&req);
    zh_response_init(&resp);
    /* RFC 6761: .invalid never resolves. */
    ck_assert_int_eq(zh_client_do(c, "no-such-host.invalid", 80, &req, &resp), ZH_E_RESOLVE);
    ck_assert_ptr_nonnull(strstr(zh_client_last_error(), "no-such-host.invalid"));
    zh_client_destroy(c);
    zh_request_dispose(&req);
    zh_response_dispose(&resp);
}
END_TEST

/* ================================================================ keep-alive, retries */

START_TEST(keep_alive_reuse)
{
    static const step s[] = {{OK_5, KEEP}, {OK_2, KEEP}, {OK_5, KEEP}};
    peer_start(_i, s, 3);
    zh_client *c = client_new(NULL);
    zh_request req;
    zh_response resp;
    zh_request_init(&req);
    zh_response_init(&resp);
    ck_assert_int_eq(do_get(c, "/1", &req, &resp), ZH_OK);
    ck_assert(body_is(&resp, "hello"));
    ck_assert_uint_eq(zh_client_idle_conns(c, HOST, PORT), 1);
    ck_assert_int_eq(do_get(c, "/2", &req, &resp), ZH_OK);
    ck_assert(body_is(&resp, "ok"));
    ck_assert_int_eq(do_req(c, "POST", "/3", "abc", &req, &resp), ZH_OK);
    ck_assert(body_is(&resp, "hello"));
    zh_client_stats st = zh_client_get_stats(c);
    ck_assert_uint_eq(st.dials, 1);
    ck_assert_uint_eq(st.reuses, 2);
    ck_assert_uint_eq(st.requests, 3);
    zh_client_destroy(c);
    zh_request_dispose(&req);
    zh_response_dispose(&resp);
    ck_assert_int_eq(SC->conns, 1);
    ck_assert_uint_eq(SC->nlog, 3);
    ck_assert_msg(strncmp(SC->log[1], "GET /2 ", 7) == 0, "%s", SC->log[1]);
    peer_stop();
}
END_TEST

START_TEST(connection_close_not_pooled)
{
    static const step s[] = {
        {"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 5\r\n\r\nhello", KEEP},
        {"HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok", KEEP},
        {"HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 2\r\n\r\nok", KEEP},
        {OK_5, KEEP},
    };
    peer_start(_i, s, 4);
    zh_client *c = client_new(NULL);
    zh_request req;
    zh_response resp;
    zh_request_init(&req);
    zh_response_init(&resp);
    ck_assert_int_eq(do_get(c, "/", &req, &resp), ZH_OK);
    ck_assert_uint_eq(zh_client_idle_conns(c, HOST, PORT), 0);
    ck_assert_int_eq(do_get(c, "/", &req, &resp), ZH_OK); /* HTTP/1.0: closes by default */
    ck_assert_uint_eq(zh_client_idle_conns(c, HOST, PORT), 0);
    ck_assert_int_eq(do_get(c, "/", &req, &resp), ZH_OK); /* HTTP/1.0 keep-alive: kept */
    ck_assert_uint_eq(zh_client_idle_conns(c, HOST, PORT), 1);
    ck_assert_int_eq(do_get(c, "/", &req, &resp), ZH_OK);
    ck_assert_int_eq(SC->conns, 3);
    zh_client_destroy(c);
    zh_request_dispose(&req);
    zh_response_dispose(&resp);
    peer_stop();
}
END_TEST

START_TEST(request_connection_close)
{
    static const step s[] = {{OK_5, KEEP}, {OK_2, KEEP}};
    peer_start(_i, s, 2);
    zh_client *c = client_new(NULL);
    zh_request req;
    zh_response resp;
    zh_request_init(&req);
    zh_response_init(&resp);
    ck_assert_int_eq(
        zh_headers_add(zh_request_headers(&req), ZH_SLICE_LIT("Connection"), ZH_SLICE_LIT("close")),
        ZH_OK);
    ck_assert_int_eq(zh_client_do(c, HOST, PORT, &req, &resp), ZH_OK);
    ck_assert_uint_eq(zh_client_idle_conns(c, HOST, PORT), 0);
    ck_assert_int_eq(do_get(c, "/", &req, &resp), ZH_OK);
    ck_assert_int_eq(SC->conns, 2);
    zh_client_destroy(c);
    zh_request_dispose(&req);
    zh_response_dispose(&resp);
    peer_stop();
}
END_TEST

/* A pooled connection the peer closed while idle is noticed before use: a new
 * connection, no retry needed. */
START_TEST(stale_idle_connection_replaced)
{
    static const step s[] = {{OK_5, CLOSE}, {OK_2, KEEP}};
    peer_start(_i, s, 2);
    zh_client *c = client_new(NULL);
    zh_request req;
    zh_response resp;
    zh_request_init(&req);
    zh_response_init(&resp);
    ck_assert_int_eq(do_get(c, "/", &req, &resp), ZH_OK);
    if (_i == 1) /* let the FIN arrive */
        usleep(50 * 1000);
    ck_assert_int_eq(do_req(c, "POST", "/", "x", &req, &resp), ZH_OK);
    ck_assert(body_is(&resp, "ok"));
    zh_client_stats st = zh_client_get_stats(c);
    ck_assert_uint_eq(st.retries, 0);
    ck_assert_uint_eq(st.dials, 2);
    zh_client_destroy(c);
    zh_request_dispose(&req);
    zh_response_dispose(&resp);
    peer_stop();
}
END_TEST

/* The reused connection dies after the request went out and before any byte of
 * an answer: an idempotent request is sent again on a new connection. */
START_TEST(retry_idempotent_on_dead_reused)
{
    static const char *const methods[] = {"GET", "HEAD", "PUT", "DELETE", "OPTIONS", "TRACE"};
    for (size_t m = 0; m < sizeof methods / sizeof methods[0]; m++) {
        static const step s[] = {
            {OK_5, KEEP},
            {NULL, CLOSE},
            {"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", KEEP},
        };
        peer_start(_i, s, 3);
        zh_client *c = client_new(NULL);
        zh_request req;
        zh_response resp;
        zh_request_init(&req);
        zh_response_init(&resp);
        ck_assert_int_eq(do_get(c, "/", &req, &resp), ZH_OK);
        zh_err e = do_req(c, methods[m], "/again", strcmp(methods[m], "PUT") == 0 ? "v" : NULL,
                          &req, &resp);
        ck_assert_msg(e == ZH_OK, "%s: %s (%s)", methods[m], zh_error_name(e),
                      zh_client_last_error());
        zh_client_stats st = zh_client_get_stats(c);
        ck_assert_uint_eq(st.retries, 1);
        ck_assert_uint_eq(st.dials, 2);
        zh_client_destroy(c);
        zh_request_dispose(&req);
        zh_response_dispose(&resp);
        ck_assert_uint_eq(SC->nlog, 3);
        ck_assert_int_eq(SC->conns, 2);
        ck_assert(strncmp(SC->log[2], methods[m], strlen(methods[m])) == 0);
        peer_stop();
    }
}
END_TEST

START_TEST(no_retry_for_post)
{
    static const char *const methods[] = {"POST", "PATCH"};
    for (size_t m = 0; m < 2; m++) {
        static const step s[] = {{OK_5, KEEP}, {NULL, CLOSE}, {OK_2, KEEP}};
        peer_start(_i, s, 3);
        zh_client *c = client_new(NULL);
        zh_request req;
        zh_response resp;
        zh_request_init(&req);
        zh_response_init(&resp);
        ck_assert_int_eq(do_get(c, "/", &req, &resp), ZH_OK);
        zh_err e = do_req(c, methods[m], "/form", "a=1", &req, &resp);
        ck_assert_msg(e == ZH_E_CLOSED || e == ZH_E_IO, "%s", zh_error_name(e));
        zh_client_stats st = zh_client_get_stats(c);
        ck_assert_uint_eq(st.retries, 0);
        ck_assert_uint_eq(st.dials, 1);
        zh_client_destroy(c);
        zh_request_dispose(&req);
        zh_response_dispose(&resp);
        ck_assert_uint_eq(SC->nlog, 2);
        ck_assert_int_eq(SC->conns, 1);
        peer_stop();
    }
}
END_TEST

/* Part of an answer arrived: the server saw the request; never send it again. */
START_TEST(no_retry_after_response_bytes)
{
    static const step s[] = {{OK_5, KEEP}, {"HTTP/1.1 200 OK\r\nConn", CLOSE}, {OK_2, KEEP}};
    peer_start(_i, s, 3);
    zh_client *c = client_new(NULL);
    zh_request req;
    zh_response resp;
    zh_request_init(&req);
    zh_response_init(&resp);
    ck_assert_int_eq(do_get(c, "/", &req, &resp), ZH_OK);
    ck_assert_int_eq(do_get(c, "/", &req, &resp), ZH_E_TRUNCATED_HEAD);
    ck_assert_uint_eq(zh_client_get_stats(c).retries, 0);
    ck_assert_uint_eq(SC->nlog, 2);
    zh_client_destroy(c);
    zh_request_dispose(&req);
    zh_response_dispose(&resp);
    peer_stop();
}
END_TEST

/* The peer answers 413 and closes before reading a large body: the write
 * fails, and the client returns the answer that came back (pipes: the bytes
 * stay readable after the peer's close). */
START_TEST(early_answer_before_body_sent)
{
    static const step s[] = {
        {OK_2, KEEP},
        {"HTTP/1.1 413 Content Too Large\r\nConnection: close\r\nContent-Length: 3\r\n\r\nbig",
         EARLY_CLOSE},
        {OK_5, KEEP},
    };
    peer_start(0, s, 3);
    zh_client *c = client_new(NULL);
    zh_request req;
    zh_response resp;
    zh_request_init(&req);
    zh_response_init(&resp);
    ck_assert_int_eq(do_get(c, "/", &req, &resp), ZH_OK);
    size_t big_len = 4 * PEER_BUF;
    char *big = malloc(big_len + 1);
    memset(big, 'x', big_len);
    big[big_len] = '\0';
    ck_assert_int_eq(do_req(c, "PUT", "/upload", big, &req, &resp), ZH_OK);
    free(big);
    ck_assert_int_eq(zh_response_status(&resp), 413);
    ck_assert(body_is(&resp, "big"));
    zh_client_stats st = zh_client_get_stats(c);
    ck_assert_uint_eq(st.retries, 0);
    ck_assert_uint_eq(zh_client_idle_conns(c, HOST, PORT), 0);
    ck_assert_int_eq(do_get(c, "/", &req, &resp), ZH_OK);
    ck_assert(body_is(&resp, "hello"));
    ck_assert_int_eq(SC->conns, 2);
    zh_client_destroy(c);
    zh_request_dispose(&req);
    zh_response_dispose(&resp);
    peer_stop();
}
END_TEST

/* A body writer: three pieces, one per call. */
static zh_err three_pieces(void *ud, zh_buf *out, bool *done)
{
    int *calls = ud;
    static const char *const piece[] = {"alpha-", "beta-", "gamma"};
    zh_err e = zh_buf_append_cstr(out, piece[*calls]);
    if (++*calls == 3)
        *done = true;
    return e;
}

/* A streamed request body goes out chunked; it cannot be replayed, so even an
 * idempotent method is not retried when the reused connection is dead. */
START_TEST(streamed_request_body)
{
    static const step s[] = {{OK_2, KEEP}, {OK_5, KEEP}, {NULL, CLOSE}};
    peer_start(_i, s, 3);
    zh_client *c = client_new(NULL);
    zh_request req;
    zh_response resp;
    zh_request_init(&req);
    zh_response_init(&resp);
    int calls = 0;
    ck_assert_int_eq(zh_request_set_method(&req, ZH_SLICE_LIT("PUT")), ZH_OK);
    zh_request_set_body_writer(&req, three_pieces, &calls);
    ck_assert_int_eq(zh_client_do(c, HOST, PORT, &req, &resp), ZH_OK);
    ck_assert(body_is(&resp, "ok"));
    ck_assert_int_eq(calls, 3);
    ck_assert_int_eq(do_get(c, "/", &req, &resp), ZH_OK);
    calls = 0;
    zh_request_reset(&req);
    ck_assert_int_eq(zh_request_set_method(&req, ZH_SLICE_LIT("PUT")), ZH_OK);
    zh_request_set_body_writer(&req, three_pieces, &calls);
    zh_err e = zh_client_do(c, HOST, PORT, &req, &resp);
    ck_assert_msg(e == ZH_E_CLOSED || e == ZH_E_IO, "%s", zh_error_name(e));
    ck_assert_uint_eq(zh_client_get_stats(c).retries, 0);
    zh_client_destroy(c);
    zh_request_dispose(&req);
    zh_response_dispose(&resp);
    const char *r = SC->log[0];
    ck_assert_msg(strncmp(r, "PUT / HTTP/1.1\r\n", 16) == 0, "%s", r);
    ck_assert_int_eq(count_fields(r, "Transfer-Encoding"), 1);
    ck_assert_int_eq(count_fields(r, "Content-Length"), 0);
    ck_assert_ptr_nonnull(
        strstr(r, "\r\n\r\n6\r\nalpha-\r\n5\r\nbeta-\r\n5\r\ngamma\r\n0\r\n\r\n"));
    ck_assert_int_eq(SC->conns, 1);
    peer_stop();
}
END_TEST

/* A pooled connection idle longer than max_idle_ms is closed, not reused. */
START_TEST(idle_timeout_not_reused)
{
    static const step s[] = {{OK_5, KEEP}, {OK_2, KEEP}, {OK_5, KEEP}};
    peer_start(_i, s, 3);
    zh_client_config cfg = zh_client_config_default();
    cfg.max_idle_ms = 30;
    zh_client *c = client_new(&cfg);
    zh_request req;
    zh_response resp;
    zh_request_init(&req);
    zh_response_init(&resp);
    ck_assert_int_eq(do_get(c, "/", &req, &resp), ZH_OK);
    ck_assert_int_eq(do_get(c, "/", &req, &resp), ZH_OK); /* at once: reused */
    ck_assert_uint_eq(zh_client_get_stats(c).dials, 1);
    usleep(80 * 1000);
    ck_assert_int_eq(do_req(c, "POST", "/", "x", &req, &resp), ZH_OK);
    zh_client_stats st = zh_client_get_stats(c);
    ck_assert_uint_eq(st.dials, 2);
    ck_assert_uint_eq(st.reuses, 1);
    ck_assert_uint_eq(st.retries, 0);
    zh_client_destroy(c);
    zh_request_dispose(&req);
    zh_response_dispose(&resp);
    peer_stop();
}
END_TEST

/* A 2xx answer to CONNECT makes the connection a tunnel: it is not pooled. */
START_TEST(connect_not_pooled)
{
    static const step s[] = {{"HTTP/1.1 200 Connection Established\r\n\r\n", KEEP}, {OK_2, KEEP}};
    peer_start(_i, s, 2);
    zh_client *c = client_new(NULL);
    zh_request req;
    zh_response resp;
    zh_request_init(&req);
    zh_response_init(&resp);
    ck_assert_int_eq(do_req(c, "CONNECT", "example.org:443", NULL, &req, &resp), ZH_OK);
    ck_assert_int_eq(zh_response_status(&resp), 200);
    ck_assert_uint_eq(zh_client_idle_conns(c, HOST, PORT), 0);
    ck_assert_int_eq(do_get(c, "/", &req, &resp), ZH_OK);
    ck_assert(body_is(&resp, "ok"));
    ck_assert_int_eq(SC->conns, 2);
    zh_client_destroy(c);
    zh_request_dispose(&req);
    zh_response_dispose(&resp);
    peer_stop();
}
END_TEST

typedef struct bg_call {
    zh_client *c;
    zh_err err;
    long ms;
} bg_call;

static void *bg_get(void *arg)
{
    bg_call *b = arg;
    zh_request req;
    zh_response resp;
    zh_request_init(&req);
    zh_response_init(&resp);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    b->err = zh_client_do(b->c, HOST, PORT, &req, &resp);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    b->ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
    zh_request_dispose(&req);
    zh_response_dispose(&resp);
    return NULL;
}

/* max_conns_per_host = 1: while one call holds the only connection (its peer
 * never answers), a second caller waits instead of opening another one, within
 * its own timeout. */
START_TEST(pool_limit_waits)
{
    static const step s[] = {{NULL, SILENT}};
    peer_start(1, s, 1);
    zh_client_config cfg = zh_client_config_default();
    cfg.max_conns_per_host = 1;
    cfg.timeout_ms = 400;
    zh_client *c = client_new(&cfg);
    bg_call a = {c, ZH_OK, 0}, b = {c, ZH_OK, 0};
    pthread_t ta, tb;
    ck_assert_int_eq(pthread_create(&ta, NULL, bg_get, &a), 0);
    usleep(100 * 1000);
    ck_assert_int_eq(pthread_create(&tb, NULL, bg_get, &b), 0);
    usleep(150 * 1000); /* t = 250 ms: a still holds the slot, b waits */
    ck_assert_uint_eq(zh_client_get_stats(c).dials, 1);
    pthread_join(ta, NULL);
    pthread_join(tb, NULL);
    ck_assert_int_eq(a.err, ZH_E_TIMEOUT);
    /* b got the slot when a gave up at 400 ms, and ran out of its own time. */
    ck_assert_int_eq(b.err, ZH_E_TIMEOUT);
    ck_assert_msg(b.ms >= 350 && b.ms < 3000, "second caller gave up after %ld ms", b.ms);
    zh_client_destroy(c);
    peer_stop();
}
END_TEST

/* max_conns_per_host = 1: a released connection wakes the waiting caller,
 * which then reuses it. */
START_TEST(pool_limit_handoff)
{
    static const step s[] = {{OK_2, KEEP}};
    peer_start(1, s, 1);
    SC->repeat_last = true;
    zh_client_config cfg = zh_client_config_default();
    cfg.max_conns_per_host = 1;
    zh_client *c = client_new(&cfg);
    bg_call k[4];
    pthread_t th[4];
    for (int i = 0; i < 4; i++) {
        k[i] = (bg_call){c, ZH_E_IO, 0};
        ck_assert_int_eq(pthread_create(&th[i], NULL, bg_get, &k[i]), 0);
    }
    for (int i = 0; i < 4; i++) {
        pthread_join(th[i], NULL);
        ck_assert_int_eq(k[i].err, ZH_OK);
    }
    ck_assert_uint_eq(zh_client_get_stats(c).dials, 1);
    ck_assert_uint_eq(zh_client_get_stats(c).reuses, 3);
    zh_client_destroy(c);
    ck_assert_int_eq(SC->conns, 1);
    peer_stop();
}
END_TEST

/* ================================================================ fasthttp quirks */

/* Quirk 2: a user-set User-Agent is the only one on the wire; two explicit adds
 * both go out, in order; none: the client default, once. */
START_TEST(quirk_duplicate_user_agent)
{
    static const step s[] = {{OK_2, KEEP}};
    peer_start(_i, s, 1);
    SC->repeat_last = true;
    zh_client *c = client_new(NULL);
    zh_request req;
    zh_response resp;
    zh_request_init(&req);
    zh_response_init(&resp);
    zh_headers *h = zh_request_headers(&req);
    ck_assert_int_eq(zh_headers_set(h, ZH_SLICE_LIT("User-Agent"), ZH_SLICE_LIT("Test-Agent")),
                     ZH_OK);
    ck_assert_int_eq(zh_client_do(c, HOST, PORT, &req, &resp), ZH_OK);
    zh_request_reset(&req);
    ck_assert_int_eq(zh_headers_add(h, ZH_SLICE_LIT("user-agent"), ZH_SLICE_LIT("A/1")), ZH_OK);
    ck_assert_int_eq(zh_headers_add(h, ZH_SLICE_LIT("User-Agent"), ZH_SLICE_LIT("B/2")), ZH_OK);
    ck_assert_int_eq(zh_client_do(c, HOST, PORT, &req, &resp), ZH_OK);
    zh_request_reset(&req);
    ck_assert_int_eq(zh_client_do(c, HOST, PORT, &req, &resp), ZH_OK);
    /* The user's Host wins over the default too. */
    ck_assert_int_eq(zh_headers_set(h, ZH_SLICE_LIT("Host"), ZH_SLICE_LIT("example.org")), ZH_OK);
    ck_assert_int_eq(zh_client_do(c, HOST, PORT, &req, &resp), ZH_OK);
    zh_client_destroy(c);
    zh_request_dispose(&req);
    zh_response_dispose(&resp);
    ck_assert_uint_eq(SC->nlog, 4);
    char v[64];
    ck_assert_int_eq(count_fields(SC->log[0], "User-Agent"), 1);
    ck_assert_str_eq(field_value(SC->log[0], "User-Agent", v, sizeof v), "Test-Agent");
    ck_assert_int_eq(count_fields(SC->log[1], "User-Agent"), 2);
    const char *a = strstr(SC->log[1], "A/1"), *b = strstr(SC->log[1], "B/2");
    ck_assert(a && b && a < b);
    ck_assert_int_eq(count_fields(SC->log[2], "User-Agent"), 1);
    ck_assert_str_eq(field_value(SC->log[2], "User-Agent", v, sizeof v), "zhttp/0.1");
    ck_assert_int_eq(count_fields(SC->log[3], "Host"), 1);
    ck_assert_str_eq(field_value(SC->log[3], "Host", v, sizeof v), "example.org");
    peer_stop();
}
END_TEST

START_TEST(custom_default_user_agent)
{
    static const step s[] = {{OK_2, KEEP}, {OK_2, KEEP}};
    peer_start(_i, s, 2);
    zh_client_config cfg = zh_client_config_default();
    cfg.user_agent = "probe/9";
    zh_client *c = client_new(&cfg);
    zh_request req;
    zh_response resp;
    zh_request_init(&req);
    zh_response_init(&resp);
    ck_assert_int_eq(do_get(c, "/", &req, &resp), ZH_OK);
    zh_client_destroy(c);
    cfg = zh_client_config_default();
    cfg.user_agent = ""; /* no default at all */
    c = client_new(&cfg);
    ck_assert_int_eq(do_get(c, "/", &req, &resp), ZH_OK);
    zh_client_destroy(c);
    zh_request_dispose(&req);
    zh_response_dispose(&resp);
    char v[64];
    ck_assert_str_eq(field_value(SC->log[0], "User-Agent", v, sizeof v), "probe/9");
    ck_assert_int_eq(count_fields(SC->log[1], "User-Agent"), 0);
    peer_stop();
}
END_TEST

/* Quirk 1: reading the method (inspecting, serializing) before making the request
 * a POST with a body does not freeze it as GET. */
START_TEST(quirk_method_caching)
{
    static const step s[] = {{OK_2, KEEP}};
    peer_start(_i, s, 1);
    zh_client *c = client_new(NULL);
    zh_request req;
    zh_response resp;
    zh_request_init(&req);
    zh_response_init(&resp);
    ck_assert(zh_slice_eq(zh_request_method(&req), ZH_SLICE_LIT("GET")));
    zh_buf scratch = ZH_BUF_INIT;
    zh_msg_defaults d = {0};
    d.host = ZH_SLICE_LIT("h");
    ck_assert_int_eq(zh_request_serialize(&req, &d, &scratch), ZH_OK);
    zh_buf_dispose(&scratch);
    ck_assert_int_eq(zh_request_set_method(&req, ZH_SLICE_LIT("POST")), ZH_OK);
    ck_assert_int_eq(zh_request_set_body(&req, "data", 4), ZH_OK);
    ck_assert_int_eq(zh_client_do(c, HOST, PORT, &req, &resp), ZH_OK);
    ck_assert(body_is(&resp, "ok"));
    zh_client_destroy(c);
    zh_request_dispose(&req);
    zh_response_dispose(&resp);
    const char *r = SC->log[0];
    ck_assert_msg(strncmp(r, "POST / HTTP/1.1\r\n", 17) == 0, "%s", r);
    char v[32];
    ck_assert_str_eq(field_value(r, "Content-Length", v, sizeof v), "4");
    size_t rl = strlen(r);
    ck_assert(rl > 8 && strcmp(r + rl - 8, "\r\n\r\ndata") == 0);
    peer_stop();
}
END_TEST

/* Quirk 3: a body cut short is an error code, never data and never error text
 * in the body; the same objects then work for the next request. */
START_TEST(quirk_body_errors_not_swallowed)
{
    static const step s[] = {
        {"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\npartial", CLOSE},
        {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n7\r\npartial\r\n5\r\npa", CLOSE},
        {OK_5, KEEP},
    };
    peer_start(_i, s, 3);
    zh_client *c = client_new(NULL);
    zh_request req;
    zh_response resp;
    zh_request_init(&req);
    zh_response_init(&resp);
    for (int k = 0; k < 2; k++) {
        zh_err e = do_get(c, "/", &req, &resp);
        ck_assert_int_eq(e, ZH_E_TRUNCATED_BODY);
        zh_slice b = zh_response_body(&resp);
        ck_assert_uint_eq(b.len, 0);
        ck_assert_int_eq(zh_response_content_length(&resp), 0);
        ck_assert_ptr_nonnull(strstr(zh_client_last_error(), "closed"));
    }
    ck_assert_int_eq(do_get(c, "/", &req, &resp), ZH_OK);
    ck_assert(body_is(&resp, "hello"));
    zh_client_destroy(c);
    zh_request_dispose(&req);
    zh_response_dispose(&resp);
    peer_stop();
}
END_TEST

/* ================================================================ urls, api */

START_TEST(get_url_reuses_objects)
{
    static const step s[] = {{OK_5, KEEP}, {OK_2, KEEP}, {OK_2, KEEP}};
    peer_start(_i, s, 3);
    zh_client *c = client_new(NULL);
    zh_request req;
    zh_response resp;
    zh_request_init(&req);
    zh_response_init(&resp);
    char url[128];
    snprintf(url, sizeof url, "http://%s:%u/a/b?x=1&y=2", HOST, (unsigned)PORT);
    /* Leftovers of an earlier use of the objects are reset by the GET. */
    ck_assert_int_eq(zh_request_set_method(&req, ZH_SLICE_LIT("POST")), ZH_OK);
    ck_assert_int_eq(zh_request_set_body(&req, "zzz", 3), ZH_OK);
    ck_assert_int_eq(zh_client_get(c, zh_slice_from_cstr(url), &req, &resp), ZH_OK);
    ck_assert(body_is(&resp, "hello"));
    snprintf(url, sizeof url, "http://%s:%u", HOST, (unsigned)PORT);
    ck_assert_int_eq(zh_client_get(c, zh_slice_from_cstr(url), &req, &resp), ZH_OK);
    ck_assert(body_is(&resp, "ok"));
    /* do_url keeps the caller's method, fields and body. */
    zh_request_reset(&req);
    ck_assert_int_eq(zh_request_set_method(&req, ZH_SLICE_LIT("PUT")), ZH_OK);
    ck_assert_int_eq(zh_request_set_body(&req, "val", 3), ZH_OK);
    snprintf(url, sizeof url, "http://%s:%u/k", HOST, (unsigned)PORT);
    ck_assert_int_eq(zh_client_do_url(c, zh_slice_from_cstr(url), &req, &resp), ZH_OK);
    ck_assert_int_eq(zh_client_get(c, ZH_SLICE_LIT("https://x/"), &req, &resp), ZH_E_BAD_SCHEME);
    ck_assert_str_ne(zh_client_last_error(), "");
    zh_client_destroy(c);
    zh_request_dispose(&req);
    zh_response_dispose(&resp);
    ck_assert_uint_eq(SC->nlog, 3);
    ck_assert_msg(strncmp(SC->log[0], "GET /a/b?x=1&y=2 HTTP/1.1\r\n", 27) == 0, "%s", SC->log[0]);
    ck_assert_int_eq(count_fields(SC->log[0], "Content-Length"), 0);
    ck_assert_msg(strncmp(SC->log[1], "GET / HTTP/1.1\r\n", 16) == 0, "%s", SC->log[1]);
    ck_assert_msg(strncmp(SC->log[2], "PUT /k HTTP/1.1\r\n", 17) == 0, "%s", SC->log[2]);
    ck_assert_int_eq(SC->conns, 1);
    peer_stop();
}
END_TEST

START_TEST(invalid_arguments)
{
    zh_client *c = NULL;
    zh_client_config cfg = zh_client_config_default();
    cfg.max_conns_per_host = 0;
    ck_assert_int_eq(zh_client_create(&cfg, &c), ZH_E_INVALID_ARGUMENT);
    cfg = zh_client_config_default();
    cfg.max_hosts = 0;
    ck_assert_int_eq(zh_client_create(&cfg, &c), ZH_E_INVALID_ARGUMENT);
    ck_assert_int_eq(zh_client_create(NULL, NULL), ZH_E_INVALID_ARGUMENT);
    ck_assert_int_eq(zh_client_create(NULL, &c), ZH_OK);
    zh_request req;
    zh_response resp;
    zh_request_init(&req);
    zh_response_init(&resp);
    ck_assert_int_eq(zh_client_do(c, NULL, 80, &req, &resp), ZH_E_INVALID_ARGUMENT);
    ck_assert_int_eq(zh_client_do(c, "h", 80, NULL, &resp), ZH_E_INVALID_ARGUMENT);
    ck_assert_int_eq(zh_client_do(c, "", 80, &req, &resp), ZH_E_BAD_HOST);
    ck_assert_int_eq(zh_client_get(c, ZH_SLICE_LIT("not a url"), &req, &resp) == ZH_OK, 0);
    ck_assert_uint_eq(zh_client_idle_conns(c, "nowhere", 1), 0);
    zh_client_destroy(c);
    zh_client_destroy(NULL);
    zh_request_dispose(&req);
    zh_response_dispose(&resp);
}
END_TEST

START_TEST(create_out_of_memory)
{
    for (uint64_t n = 1; n <= 2; n++) {
        zh_client *c = (zh_client *)1;
        zh_alloc_fail_after(n, false);
        ck_assert_int_eq(zh_client_create(NULL, &c), ZH_E_NOMEM);
        ck_assert_ptr_null(c);
        zh_alloc_fail_after(0, false);
    }
}
END_TEST

/* The host table is bounded: a new host recycles the least recently used pool. */
START_TEST(host_pools_recycled)
{
    static const step s[] = {{OK_2, KEEP}};
    peer_start(0, s, 1);
    SC->repeat_last = true;
    zh_client_config cfg = zh_client_config_default();
    cfg.max_hosts = 2;
    zh_client *c = client_new(&cfg);
    zh_request req;
    zh_response resp;
    zh_request_init(&req);
    zh_response_init(&resp);
    ck_assert_int_eq(zh_client_do(c, "a.test", 80, &req, &resp), ZH_OK);
    ck_assert_int_eq(zh_client_do(c, "b.test", 8080, &req, &resp), ZH_OK);
    ck_assert_uint_eq(zh_client_idle_conns(c, "a.test", 80), 1);
    ck_assert_int_eq(zh_client_do(c, "c.test", 80, &req, &resp), ZH_OK);
    ck_assert_uint_eq(zh_client_idle_conns(c, "a.test", 80), 0); /* recycled */
    ck_assert_uint_eq(zh_client_idle_conns(c, "b.test", 8080), 1);
    ck_assert_uint_eq(zh_client_idle_conns(c, "c.test", 80), 1);
    ck_assert_uint_eq(zh_client_get_stats(c).dials, 3);
    zh_client_close_idle(c);
    ck_assert_uint_eq(zh_client_idle_conns(c, "b.test", 8080), 0);
    zh_client_destroy(c);
    zh_request_dispose(&req);
    zh_response_dispose(&resp);
    char v[64];
    ck_assert_str_eq(field_value(SC->log[1], "Host", v, sizeof v), "b.test:8080");
    ck_assert_str_eq(field_value(SC->log[2], "Host", v, sizeof v), "c.test");
    peer_stop();
}
END_TEST

/* Allocation failure at every point of a first request (STYLE.md §14, curl's
 * torture mode): the call returns ZH_OK or ZH_E_NOMEM, never anything else,
 * nothing leaks (ASan/Valgrind jobs), and the same client then works. */
START_TEST(allocation_failures)
{
    static const step s[] = {
        {"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n"
         "5\r\nhello\r\n0\r\n\r\n",
         KEEP},
    };
    bool tripped = true;
    unsigned covered = 0;
    for (uint64_t n = 1; tripped && n < 200; n++) {
        peer_start(0, s, 1);
        SC->repeat_last = true;
        zh_client *c = client_new(NULL);
        zh_request req;
        zh_response resp;
        zh_request_init(&req);
        zh_response_init(&resp);
        ck_assert_int_eq(zh_request_set_target(&req, ZH_SLICE_LIT("/a/longer/target?to=copy")),
                         ZH_OK);
        ck_assert_int_eq(
            zh_headers_add(zh_request_headers(&req), ZH_SLICE_LIT("X-Pad"), ZH_SLICE_LIT("1")),
            ZH_OK);
        zh_alloc_stats_reset();
        zh_alloc_fail_after(n, false);
        zh_err e = zh_client_do(c, HOST, PORT, &req, &resp);
        zh_alloc_fail_after(0, false);
        tripped = zh_alloc_stats_get().failures > 0;
        covered += tripped;
        ck_assert_msg(e == ZH_OK || (tripped && e == ZH_E_NOMEM), "allocation %llu: %s (%s)",
                      (unsigned long long)n, zh_error_name(e), zh_client_last_error());
        if (e == ZH_OK)
            ck_assert(body_is(&resp, "hello"));
        ck_assert_int_eq(do_get(c, "/", &req, &resp), ZH_OK);
        ck_assert(body_is(&resp, "hello"));
        zh_client_destroy(c);
        zh_request_dispose(&req);
        zh_response_dispose(&resp);
        peer_stop();
    }
    ck_assert(!tripped);           /* the loop ended because every allocation was covered */
    ck_assert_uint_ge(covered, 4); /* slots, read and write buffers, response storage */
}
END_TEST

/* Mutated responses in random splits (a deterministic generator): every call
 * ends with ZH_OK and a body whose length is the content length, or an error
 * and no body; never a crash, a hang or a leak. */
static uint32_t rng_next(uint32_t *st)
{
    *st ^= *st << 13;
    *st ^= *st >> 17;
    *st ^= *st << 5;
    return *st;
}

START_TEST(mutated_responses)
{
    static const char *const seeds[] = {
        OK_5,
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
        "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n",
        "HTTP/1.0 200 OK\r\n\r\nuntil close",
        "HTTP/1.1 304 Not Modified\r\nContent-Length: 7\r\n\r\n",
    };
    static const char alphabet[] = "\r\n :0123456789abcdefHTP/.;-,xX\t";
    uint32_t st = 0x2545F491u;
    for (int iter = 0; iter < 600; iter++) {
        char text[256];
        const char *seed = seeds[rng_next(&st) % (sizeof seeds / sizeof seeds[0])];
        size_t len = strlen(seed);
        memcpy(text, seed, len + 1);
        int edits = 1 + (int)(rng_next(&st) % 3);
        for (int k = 0; k < edits && len > 0; k++) {
            size_t at = rng_next(&st) % len;
            switch (rng_next(&st) % 3) {
            case 0: /* replace a byte */
                text[at] = alphabet[rng_next(&st) % (sizeof alphabet - 1)];
                break;
            case 1: /* cut the message short */
                len = at;
                text[len] = '\0';
                break;
            default: /* duplicate a run */
                if (len + 8 < sizeof text) {
                    memmove(text + at + 8, text + at, len - at + 1);
                    len += 8;
                }
                break;
            }
        }
        step steps[] = {{text, CLOSE}};
        peer_start(0, steps, 1);
        PP->max_io = 1 + rng_next(&st) % 7;
        zh_client *c = client_new(NULL);
        zh_request req;
        zh_response resp;
        zh_request_init(&req);
        zh_response_init(&resp);
        zh_err e = do_get(c, "/", &req, &resp);
        if (e == ZH_OK)
            ck_assert_int_eq(zh_response_content_length(&resp),
                             (int64_t)zh_response_body(&resp).len);
        else
            ck_assert_msg(zh_response_body(&resp).len == 0, "%s left a body", zh_error_name(e));
        ck_assert_uint_eq(zh_client_get_stats(c).retries, 0);
        zh_client_destroy(c);
        zh_request_dispose(&req);
        zh_response_dispose(&resp);
        peer_stop();
    }
}
END_TEST

/* ================================================================ zero allocation */

START_TEST(zero_alloc_keep_alive)
{
    static const step s[] = {
        {"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 13\r\n\r\nHello, World!",
         KEEP},
    };
    peer_start(0, s, 1);
    SC->repeat_last = true;
    zh_client *c = client_new(NULL);
    zh_request req;
    zh_response resp;
    zh_request_init(&req);
    zh_response_init(&resp);
    zh_slice url = ZH_SLICE_LIT("http://pipe.test/plaintext?q=1");
    for (int i = 0; i < 16; i++)
        ck_assert_int_eq(zh_client_get(c, url, &req, &resp), ZH_OK);
    zh_alloc_stats_reset();
    for (int i = 0; i < 1000; i++) {
        ck_assert_int_eq(zh_client_get(c, url, &req, &resp), ZH_OK);
        ck_assert_uint_eq(zh_response_body(&resp).len, 13);
    }
    zh_alloc_stats st = zh_alloc_stats_get();
    ck_assert_msg(st.allocs == 0, "%llu allocations in 1000 keep-alive requests",
                  (unsigned long long)st.allocs);
    ck_assert_uint_eq(st.frees, 0);
    ck_assert_uint_eq(zh_client_get_stats(c).dials, 1);
    zh_client_destroy(c);
    zh_request_dispose(&req);
    zh_response_dispose(&resp);
    peer_stop();
}
END_TEST

static Suite *client_suite(void)
{
    Suite *s = suite_create("client");
    TCase *tc = tcase_create("peer");
    tcase_set_timeout(tc, 30);
    tcase_add_loop_test(tc, get_basic, 0, 2);
    tcase_add_loop_test(tc, get_chunked_body, 0, 2);
    tcase_add_test(tc, byte_at_a_time);
    tcase_add_loop_test(tc, truncated_cl_body, 0, 2);
    tcase_add_loop_test(tc, eof_mid_chunk, 0, 2);
    tcase_add_loop_test(tc, eof_mid_head, 0, 2);
    tcase_add_loop_test(tc, closed_without_response, 0, 2);
    tcase_add_loop_test(tc, bytes_beyond_cl, 0, 2);
    tcase_add_loop_test(tc, interim_1xx_skipped, 0, 2);
    tcase_add_loop_test(tc, switching_protocols_is_error, 0, 2);
    tcase_add_loop_test(tc, until_close_body, 0, 2);
    tcase_add_loop_test(tc, head_with_cl_no_body, 0, 2);
    tcase_add_loop_test(tc, no_content_and_not_modified, 0, 2);
    tcase_add_loop_test(tc, malformed_status_line, 0, 2);
    tcase_add_loop_test(tc, cl_and_te_is_error, 0, 2);
    tcase_add_loop_test(tc, bad_chunk_size_is_error, 0, 2);
    tcase_add_loop_test(tc, body_too_large, 0, 2);
    tcase_add_loop_test(tc, timeout, 0, 2);
    tcase_add_test(tc, connection_refused);
    tcase_add_test(tc, resolve_failure);
    suite_add_tcase(s, tc);

    TCase *ka = tcase_create("keep_alive");
    tcase_set_timeout(ka, 30);
    tcase_add_loop_test(ka, keep_alive_reuse, 0, 2);
    tcase_add_loop_test(ka, connection_close_not_pooled, 0, 2);
    tcase_add_loop_test(ka, request_connection_close, 0, 2);
    tcase_add_loop_test(ka, stale_idle_connection_replaced, 0, 2);
    tcase_add_loop_test(ka, retry_idempotent_on_dead_reused, 0, 2);
    tcase_add_loop_test(ka, no_retry_for_post, 0, 2);
    tcase_add_loop_test(ka, no_retry_after_response_bytes, 0, 2);
    tcase_add_loop_test(ka, streamed_request_body, 0, 2);
    tcase_add_test(ka, early_answer_before_body_sent);
    tcase_add_loop_test(ka, idle_timeout_not_reused, 0, 2);
    tcase_add_loop_test(ka, connect_not_pooled, 0, 2);
    tcase_add_test(ka, pool_limit_waits);
    tcase_add_test(ka, pool_limit_handoff);
    tcase_add_test(ka, host_pools_recycled);
    tcase_add_test(ka, zero_alloc_keep_alive);
    suite_add_tcase(s, ka);

    TCase *q = tcase_create("quirks");
    tcase_add_loop_test(q, quirk_duplicate_user_agent, 0, 2);
    tcase_add_loop_test(q, custom_default_user_agent, 0, 2);
    tcase_add_loop_test(q, quirk_method_caching, 0, 2);
    tcase_add_loop_test(q, quirk_body_errors_not_swallowed, 0, 2);
    suite_add_tcase(s, q);

    TCase *api = tcase_create("api");
    tcase_add_loop_test(api, get_url_reuses_objects, 0, 2);
    tcase_add_test(api, invalid_arguments);
    tcase_add_test(api, create_out_of_memory);
    tcase_add_test(api, allocation_failures);
    tcase_add_test(api, mutated_responses);
    suite_add_tcase(s, api);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(client_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
