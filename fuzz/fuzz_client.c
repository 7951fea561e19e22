/* fuzz/fuzz_client.c - target "client": a real zh_client over an in-memory pipe;
 * the input is the server's side of the conversation.
 *
 * Input: [config byte][selector byte][server bytes...]
 *   selector bits 0-2: request method (GET, HEAD, POST, PUT, DELETE, OPTIONS, GET, GET);
 *   bits 3-6: the server's bytes arrive in pieces of (n * 29 + 1) bytes, then EOF;
 *   bit 7: between requests the scripted server runs until it is idle (it may close
 *   the pooled connection meanwhile: the client must notice, not fail).
 * The pipe's pump hook plays the server: it reads the request and writes the next
 * piece whenever the client waits. One request is made with zh_client_do; when its
 * response leaves the connection open, a second one (zh_client_get of a URL) reads
 * the bytes after it from the pooled connection.
 * Server bytes starting with the magic "\xffZ" carry one more byte of options (the
 * server's bytes are what follows it): bit 0 the POST/PUT body is streamed by a
 * body writer (chunked, several pieces), bit 1 a 256-byte pipe and a request padded
 * past it (the client's writes block and wait on the pump), bit 2 the scripted
 * server closes the first connection right after the first response and serves the
 * rest on a second one (a stale pooled connection: dropped or retried), bit 3 an
 * invalid User-Agent (every request is unsendable), bit 4 up to six requests in all
 * (URLs with and without path, query and port), bit 5 a released connection goes
 * back through the dialer's release hook, bit 6 max_hosts 1 and an extra request to
 * another host first (its dialer answers OK without a connection: refused; its pool
 * is then evicted), bit 7 a rude server: it never reads the request and closes its
 * end once it has written everything (the request write fails; the answer already
 * sent is read all the same). After the options byte, "\xffA" and one more byte n
 * make the (n & 15)-th library allocation of the first request fail (every later
 * one too when n & 16; zh_alloc_fail_after): that request may then fail (with
 * no body), never succeed with anything but the model's response.
 * Properties (abort on violation): the client answers ZH_OK exactly when
 * zh_response_parse (plus *_parse_eof at the end of the bytes) reads a complete
 * final response (1xx skipped) from the same bytes, and then with the same status,
 * version and body; on an error the response holds no body: a truncated body is
 * never reported as success. Each further request: ZH_OK only with the status and
 * body of the next complete response in the bytes, and (bit 2) ZH_OK whenever there
 * is one: a connection the server closed is never reused into a failure. The
 * statistics count exactly the calls that succeeded and failed; zh_client_last_error
 * is "" after a success and a message after a failure; invalid hosts, URLs and
 * configurations are refused without dialing; zh_client_close_idle leaves no idle
 * connection. No leak, no hang (the pump is finite). */
#include <string.h>

#include "fuzz_support.h"
#include "zhttp/alloc.h"
#include "zhttp/client.h"
#include "zhttp/conn.h"
#include "zhttp/msg.h"

typedef struct peer {
    zh_pipe_pair pp, pp2; /* the first connection, and the second (option bit 2) */
    const char *buf;
    size_t len, pos, piece, cut; /* the first connection ends at cut */
    int dialed, shut, cur, max_dials, released, rude;
} peer;

static bool pump(void *ud)
{
    peer *p = ud;
    zh_conn *srv = zh_pipe_conn(p->cur ? &p->pp2 : &p->pp, 1);
    size_t stop = p->cur ? p->len : p->cut;
    int moved = 0;
    char sink[4096];
    size_t n = 0;
    while (!p->rude && zh_conn_read(srv, sink, sizeof sink, &n) == ZH_OK && n > 0)
        moved = 1; /* the request: read and dropped */
    if (p->pos < stop) {
        size_t want = stop - p->pos < p->piece ? stop - p->pos : p->piece;
        if (zh_conn_write(srv, p->buf + p->pos, want, &n) == ZH_OK && n > 0) {
            p->pos += n;
            moved = 1;
        }
    } else if (!p->shut) {
        if (p->rude)
            zh_conn_close(srv); /* answered without reading: the request write fails */
        else
            zh_conn_shutdown_write(srv);
        p->shut = 1;
        moved = 1;
    }
    return moved;
}

static zh_err dial(void *ud, const char *host, uint16_t port, int timeout_ms, zh_conn **out)
{
    (void)timeout_ms;
    peer *p = ud;
    if (strcmp(host, "other.test") == 0 && port == 8080) {
        *out = NULL;
        return ZH_OK; /* a dialer answering OK without a connection: refused */
    }
    FZ_CHECK(strcmp(host, "fuzz.test") == 0 && port == 80);
    if (p->dialed >= p->max_dials)
        return ZH_E_CONNECT; /* the scripted server speaks once */
    if (p->dialed++ == 1) {
        p->cur = 1;
        p->shut = 0;
        p->pos = p->cut; /* what the first connection did not send is not sent */
    }
    *out = zh_pipe_conn(p->cur ? &p->pp2 : &p->pp, 0);
    return ZH_OK;
}

static void release_conn(void *ud, zh_conn *conn)
{
    peer *p = ud;
    FZ_CHECK(conn == zh_pipe_conn(&p->pp, 0) || conn == zh_pipe_conn(&p->pp2, 0));
    p->released++;
}

/* A streamed request body: "ping" in pieces of 1, 2, then 1 byte, after one
 * ZH_E_WOULD_BLOCK (nothing ready yet: the client asks again). */
typedef struct body_state {
    unsigned step;
} body_state;

static zh_err body_writer(void *ud, zh_buf *out, bool *done)
{
    body_state *b = ud;
    static const char *const pieces[] = { "p", "", "in", "g" };
    const char *piece = pieces[b->step++];
    if (b->step == 2)
        return ZH_E_WOULD_BLOCK;
    if (piece[0] && zh_buf_append(out, piece, strlen(piece)) != ZH_OK)
        return ZH_E_NOMEM;
    *done = b->step == 4;
    return ZH_OK;
}

/* What a correct client reads from the bytes: the first final response. Returns
 * ZH_OK with it in *m, or the error; sets *upgrade for a 101 (not checked). */
static zh_err model(const char *buf, size_t len, zh_slice method, const zh_parse_config *cfg,
                    zh_response *m, int *upgrade, size_t *end)
{
    size_t pos = 0;
    for (;;) {
        size_t used = 0;
        zh_response_reset(m);
        zh_err rc = zh_response_parse(m, buf + pos, len - pos, method, cfg, &used);
        if (rc == ZH_INCOMPLETE)
            rc = zh_response_parse_eof(m);
        if (rc != ZH_OK)
            return rc;
        int st = zh_response_status(m);
        pos += used;
        *end = pos;
        if (st == 101)
            *upgrade = 1;
        if (st >= 200 || st == 101)
            return ZH_OK;
    }
}

/* The calls made, for the statistics check. */
typedef struct tally {
    uint64_t ok, failed;
} tally;

static void count(zh_err rc, tally *t)
{
    fz_check_known_error(rc);
    const char *le = zh_client_last_error();
    FZ_CHECK(le != NULL);
    if (rc == ZH_OK) {
        t->ok++;
        FZ_CHECK(le[0] == '\0');
    } else {
        t->failed++;
        FZ_CHECK(le[0] != '\0');
    }
}

/* Refusals that never reach the dialer. */
static void check_refusals(zh_client *cl, zh_request *req, zh_response *resp, tally *t)
{
    static const char *const bad_urls[] = { "", "ftp://fuzz.test/", "http://", "http:///p",
                                            "fuzz.test/p", "http://fuzz.test/a b" };
    zh_err rc = zh_client_do(cl, "", 80, req, resp);
    FZ_CHECK(rc == ZH_E_BAD_HOST);
    count(rc, t);
    for (size_t i = 0; i < sizeof bad_urls / sizeof bad_urls[0]; i++) {
        rc = zh_client_get(cl, zh_slice_from_cstr(bad_urls[i]), req, resp);
        FZ_CHECK(rc != ZH_OK);
        FZ_CHECK(zh_response_body(resp).len == 0);
        count(rc, t);
    }
    static char long_host[300 + 8], long_query[1100 + 20];
    memcpy(long_host, "http://", 7);
    memset(long_host + 7, 'h', sizeof long_host - 8); /* a host name over the limit */
    memcpy(long_query, "http://fuzz.test?", 17);
    memset(long_query + 17, 'q', sizeof long_query - 18); /* no path: the query is copied */
    const char *longs[2] = { long_host, long_query };
    for (size_t i = 0; i < 2; i++) {
        rc = zh_client_do_url(cl, zh_slice_from_cstr(longs[i]), req, resp);
        FZ_CHECK(rc == (i == 0 ? ZH_E_BAD_HOST : ZH_E_BAD_TARGET));
        count(rc, t);
    }
    FZ_CHECK(zh_client_do_url(NULL, ZH_SLICE_LIT("http://fuzz.test/"), req, resp) == ZH_E_INVALID_ARGUMENT);
    FZ_CHECK(zh_client_idle_conns(NULL, "fuzz.test", 80) == 0);
    FZ_CHECK(zh_client_idle_conns(cl, "unknown.test", 80) == 0);
    zh_client_close_idle(NULL);
    zh_client_destroy(NULL);
    rc = zh_client_do(cl, "fuzz.test", 80, NULL, resp);
    FZ_CHECK(rc == ZH_E_INVALID_ARGUMENT);
    count(rc, t);
    FZ_CHECK(zh_client_get(cl, ZH_SLICE_LIT("http://fuzz.test/"), NULL, resp) == ZH_E_INVALID_ARGUMENT);
    count(ZH_E_INVALID_ARGUMENT, t);
}

/* Configurations zh_client_create refuses. */
static void check_bad_configs(const zh_client_config *good)
{
    static char long_ua[600];
    zh_client *cl = (zh_client *)&cl;
    zh_client_config c = *good;
    c.max_conns_per_host = 0;
    FZ_CHECK(zh_client_create(&c, &cl) == ZH_E_INVALID_ARGUMENT && cl == NULL);
    c = *good;
    c.max_hosts = 0;
    FZ_CHECK(zh_client_create(&c, &cl) == ZH_E_INVALID_ARGUMENT && cl == NULL);
    zh_client_dialer nodial = { .dial = NULL, .release = NULL, .ud = NULL };
    c = *good;
    c.dialer = &nodial;
    FZ_CHECK(zh_client_create(&c, &cl) == ZH_E_INVALID_ARGUMENT && cl == NULL);
    memset(long_ua, 'a', sizeof long_ua - 1);
    c = *good;
    c.user_agent = long_ua;
    FZ_CHECK(zh_client_create(&c, &cl) == ZH_E_INVALID_ARGUMENT && cl == NULL);
    FZ_CHECK(zh_client_create(good, NULL) == ZH_E_INVALID_ARGUMENT);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const methods[8] = { "GET", "HEAD",    "POST", "PUT",
                                            "DELETE", "OPTIONS", "GET", "GET" };
    /* further requests: URL (all on fuzz.test:80) and method */
    static const char *const urls[5] = { "http://fuzz.test/second?q=1", "http://fuzz.test",
                                         "http://fuzz.test?only=query", "http://fuzz.test:80/p/a/t/h",
                                         "http://fuzz.test/x?y" };
    fz_input in = { data, size };
    zh_parse_config cfg = fz_config(fz_take_byte(&in));
    uint8_t sel = fz_take_byte(&in);
    uint8_t opt = 0;
    if (in.n >= 2 && in.p[0] == 0xff && in.p[1] == 'Z') {
        in.p += 2;
        in.n -= 2;
        opt = fz_take_byte(&in);
    }
    uint8_t fault = 0;
    if (in.n >= 2 && in.p[0] == 0xff && in.p[1] == 'A') {
        in.p += 2;
        in.n -= 2;
        fault = fz_take_byte(&in);
    }
    zh_slice method = zh_slice_from_cstr(methods[sel & 7u]);

    zh_request req;
    zh_response resp, m;
    zh_request_init(&req);
    zh_response_init(&resp);
    zh_response_init(&m);

    /* where the first response ends (the first connection's end with bit 2) */
    int upgrade = 0;
    size_t end = 0;
    zh_err mrc = model((const char *)in.p, in.n, method, &cfg, &m, &upgrade, &end);

    static peer p;
    p = (peer){ .buf = (const char *)in.p, .len = in.n, .piece = (size_t)((sel >> 3) & 15u) * 29 + 1,
                .cut = in.n, .max_dials = 1, .rude = (opt & 128u) != 0 };
    if ((opt & 4u) && mrc == ZH_OK) {
        p.cut = end;
        p.max_dials = 2;
    }
    FZ_CHECK(zh_pipe_pair_init(&p.pp, (opt & 2u) ? 256 : 1u << 16) == ZH_OK);
    FZ_CHECK(zh_pipe_pair_init(&p.pp2, 1u << 16) == ZH_OK);
    zh_pipe_pair_set_pump(&p.pp, pump, &p);
    zh_pipe_pair_set_pump(&p.pp2, pump, &p);
    zh_client_dialer d = { .dial = dial, .release = (opt & 32u) ? release_conn : NULL, .ud = &p };
    zh_client_config cc = zh_client_config_default();
    cc.parse = cfg;
    cc.timeout_ms = 0;
    cc.max_idle_ms = 0;
    cc.max_conns_per_host = 1;
    cc.dialer = &d;
    if (opt & 8u)
        cc.user_agent = "bad\r\nagent";
    if (opt & 64u)
        cc.max_hosts = 1;
    check_bad_configs(&cc);
    zh_client *cl = NULL;
    FZ_CHECK(zh_client_create(&cc, &cl) == ZH_OK);
    tally t = { 0, 0 };
    check_refusals(cl, &req, &resp, &t);
    FZ_CHECK(p.dialed == 0);
    if (opt & 64u) {
        /* another host: dialed and refused (its pool is then evicted) */
        zh_err rc = zh_client_get(cl, ZH_SLICE_LIT("http://other.test:8080/"), &req, &resp);
        FZ_CHECK(rc == ZH_E_CONNECT);
        count(rc, &t);
        FZ_CHECK(zh_client_idle_conns(cl, "other.test", 8080) == 0);
    }

    body_state bs = { 0 };
    zh_request_reset(&req);
    FZ_CHECK(zh_request_set_method(&req, method) == ZH_OK);
    if (zh_slice_eq(method, ZH_SLICE_LIT("POST")) || zh_slice_eq(method, ZH_SLICE_LIT("PUT"))) {
        if (opt & 1u)
            zh_request_set_body_writer(&req, body_writer, &bs);
        else
            FZ_CHECK(zh_request_set_body(&req, "ping", 4) == ZH_OK);
    }
    if (opt & 2u) {
        static char pad[700];
        memset(pad, 'x', sizeof pad);
        FZ_CHECK(zh_headers_add(zh_request_headers(&req), ZH_SLICE_LIT("X-Pad"),
                                (zh_slice){ pad, sizeof pad }) == ZH_OK);
    }
    uint64_t failures_before = zh_alloc_stats_get().failures;
    zh_alloc_fail_after(fault & 15u, (fault & 16u) != 0);
    zh_err rc = zh_client_do(cl, "fuzz.test", 80, &req, &resp);
    zh_alloc_fail_after(0, false);
    int faulted = zh_alloc_stats_get().failures != failures_before;
    if (!(fault & 15u))
        FZ_CHECK(!faulted);
    count(rc, &t);

    if (rc != ZH_OK)
        FZ_CHECK(zh_response_body(&resp).len == 0); /* never partial data */
    if (opt & 8u)
        FZ_CHECK(rc != ZH_OK); /* the User-Agent cannot be sent */
    else if (!upgrade) {
        if (faulted)
            /* out of memory: a failure is fine, a wrong success is not */
            FZ_CHECK(rc != ZH_OK || mrc == ZH_OK);
        else if (p.rude && !p.shut && p.cur == 0)
            /* a rude server that neither reads nor got all its bytes into the pipe:
             * both ends block writing (a real client times out); no success with
             * a response the server never delivered */
            FZ_CHECK(rc != ZH_OK || mrc == ZH_OK);
        else
            FZ_CHECK((rc == ZH_OK) == (mrc == ZH_OK));
        if (rc == ZH_OK) {
            FZ_CHECK(zh_response_status(&resp) == zh_response_status(&m));
            FZ_CHECK(zh_response_version(&resp) == zh_response_version(&m));
            FZ_CHECK(zh_slice_eq(zh_response_body(&resp), zh_response_body(&m)));
        }
    }
    if ((opt & 1u) && !p.rude && !faulted && rc == ZH_OK && (zh_slice_eq(method, ZH_SLICE_LIT("POST")) ||
                                      zh_slice_eq(method, ZH_SLICE_LIT("PUT"))))
        FZ_CHECK(bs.step == 4); /* the whole streamed body was sent (a rude server may
                                 * answer early and stop reading) */
    /* further requests on the pooled connection (or the second one) read what follows */
    zh_framing fr = zh_response_parsed_framing(&m);
    size_t rounds = (opt & 16u) ? 5 : 1;
    uint64_t later = 0;
    for (size_t r = 0; r < rounds; r++) {
        int reusable = rc == ZH_OK && !upgrade && !fr.must_close && fr.kind != ZH_BODY_UNTIL_CLOSE;
        if (!reusable)
            break;
        if (sel & 128u)
            for (int k = 0; k < 64 && pump(&p); k++)
                ; /* time passes: the server writes what it has, maybe closes */
        int fresh = p.max_dials == 2 && p.dialed == 1; /* the first connection was cut */
        if (!fresh && zh_client_idle_conns(cl, "fuzz.test", 80) != 1)
            break;
        rc = (r & 1u) ? zh_client_do_url(cl, zh_slice_from_cstr(urls[r]), &req, &resp)
                      : zh_client_get(cl, zh_slice_from_cstr(urls[r]), &req, &resp);
        count(rc, &t);
        later++;
        int up2 = 0;
        size_t end2 = 0;
        /* zh_client_get reset req to a GET, and zh_client_do_url keeps it */
        mrc = model(p.buf + end, p.len - end, ZH_SLICE_LIT("GET"), &cfg, &m, &up2, &end2);
        if (rc != ZH_OK) {
            FZ_CHECK(zh_response_body(&resp).len == 0);
            /* a server that closed the first connection is not a failure */
            if (fresh && mrc == ZH_OK && !up2)
                FZ_CHECK(rc == ZH_OK);
            break;
        }
        if (up2) {
            upgrade = 1;
            break;
        }
        FZ_CHECK(mrc == ZH_OK);
        FZ_CHECK(zh_response_status(&resp) == zh_response_status(&m));
        FZ_CHECK(zh_slice_eq(zh_response_body(&resp), zh_response_body(&m)));
        end += end2;
        fr = zh_response_parsed_framing(&m);
    }
    zh_client_stats st = zh_client_get_stats(cl);
    FZ_CHECK(st.requests == t.ok && st.failures == t.failed);
    FZ_CHECK(st.dials <= (uint64_t)p.max_dials + ((opt & 64u) ? 1u : 0u));
    /* at most one retry per call (max_conns_per_host is 1), only on a reused
     * connection: never in the first call */
    FZ_CHECK(st.retries <= later);
    zh_client_close_idle(cl);
    FZ_CHECK(zh_client_idle_conns(cl, "fuzz.test", 80) == 0);
    FZ_CHECK(zh_client_get_stats(NULL).requests == 0);
    zh_request_dispose(&req);
    zh_response_dispose(&resp);
    zh_response_dispose(&m);
    zh_client_destroy(cl);
    if (opt & 32u)
        FZ_CHECK((uint64_t)p.released == st.dials); /* every connection opened went back */
    zh_pipe_pair_dispose(&p.pp);
    zh_pipe_pair_dispose(&p.pp2);
    return 0;
}
