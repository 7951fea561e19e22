/* fuzz/fuzz_client.c - target "client": a real zh_client over an in-memory pipe;
 * the input is the server's side of the conversation.
 *
 * Input: [config byte][selector byte][server bytes...]
 *   selector bits 0-2: request method (GET, HEAD, POST, PUT, DELETE, OPTIONS, GET, GET);
 *   bits 3-6: the server's bytes arrive in pieces of (n * 29 + 1) bytes, then EOF.
 * The pipe's pump hook plays the server: it reads the request and writes the next
 * piece whenever the client waits. One request is made with zh_client_do; when its
 * response leaves the connection open, a second one (zh_client_get of a URL) reads
 * the bytes after it from the pooled connection.
 * Properties (abort on violation): the client answers ZH_OK exactly when
 * zh_response_parse (plus *_parse_eof at the end of the bytes) reads a complete
 * final response (1xx skipped) from the same bytes, and then with the same status,
 * version and body; on an error the response holds no body: a truncated body is
 * never reported as success. The second request: ZH_OK only with the status and body
 * of the next complete response in the bytes. No leak, no hang (the pump is finite). */
#include <string.h>

#include "fuzz_support.h"
#include "zhttp/client.h"
#include "zhttp/conn.h"
#include "zhttp/msg.h"

typedef struct peer {
    zh_pipe_pair pp;
    const char *buf;
    size_t len, pos, piece;
    int dialed, shut;
} peer;

static bool pump(void *ud)
{
    peer *p = ud;
    zh_conn *srv = zh_pipe_conn(&p->pp, 1);
    int moved = 0;
    char sink[4096];
    size_t n = 0;
    while (zh_conn_read(srv, sink, sizeof sink, &n) == ZH_OK && n > 0)
        moved = 1; /* the request: read and dropped */
    if (p->pos < p->len) {
        size_t want = p->len - p->pos < p->piece ? p->len - p->pos : p->piece;
        if (zh_conn_write(srv, p->buf + p->pos, want, &n) == ZH_OK && n > 0) {
            p->pos += n;
            moved = 1;
        }
    } else if (!p->shut) {
        zh_conn_shutdown_write(srv);
        p->shut = 1;
        moved = 1;
    }
    return moved;
}

static zh_err dial(void *ud, const char *host, uint16_t port, int timeout_ms, zh_conn **out)
{
    (void)host;
    (void)port;
    (void)timeout_ms;
    peer *p = ud;
    if (p->dialed)
        return ZH_E_CONNECT; /* one connection: the scripted server speaks once */
    p->dialed = 1;
    *out = zh_pipe_conn(&p->pp, 0);
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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const methods[8] = { "GET", "HEAD",    "POST", "PUT",
                                            "DELETE", "OPTIONS", "GET", "GET" };
    fz_input in = { data, size };
    zh_parse_config cfg = fz_config(fz_take_byte(&in));
    uint8_t sel = fz_take_byte(&in);
    zh_slice method = zh_slice_from_cstr(methods[sel & 7u]);

    static peer p;
    p = (peer){ .buf = (const char *)in.p, .len = in.n, .piece = (size_t)((sel >> 3) & 15u) * 29 + 1 };
    FZ_CHECK(zh_pipe_pair_init(&p.pp, 1u << 16) == ZH_OK);
    zh_pipe_pair_set_pump(&p.pp, pump, &p);
    zh_client_dialer d = { .dial = dial, .release = NULL, .ud = &p };
    zh_client_config cc = zh_client_config_default();
    cc.parse = cfg;
    cc.timeout_ms = 0;
    cc.max_idle_ms = 0;
    cc.max_conns_per_host = 1;
    cc.dialer = &d;
    zh_client *cl = NULL;
    FZ_CHECK(zh_client_create(&cc, &cl) == ZH_OK);

    zh_request req;
    zh_response resp, m;
    zh_request_init(&req);
    zh_response_init(&resp);
    zh_response_init(&m);
    FZ_CHECK(zh_request_set_method(&req, method) == ZH_OK);
    if (zh_slice_eq(method, ZH_SLICE_LIT("POST")) || zh_slice_eq(method, ZH_SLICE_LIT("PUT")))
        FZ_CHECK(zh_request_set_body(&req, "ping", 4) == ZH_OK);
    zh_err rc = zh_client_do(cl, "fuzz.test", 80, &req, &resp);
    fz_check_known_error(rc);

    int upgrade = 0;
    size_t end = 0;
    zh_err mrc = model(p.buf, p.len, method, &cfg, &m, &upgrade, &end);
    if (rc != ZH_OK)
        FZ_CHECK(zh_response_body(&resp).len == 0); /* never partial data */
    if (!upgrade) {
        FZ_CHECK((rc == ZH_OK) == (mrc == ZH_OK));
        if (rc == ZH_OK) {
            FZ_CHECK(zh_response_status(&resp) == zh_response_status(&m));
            FZ_CHECK(zh_response_version(&resp) == zh_response_version(&m));
            FZ_CHECK(zh_slice_eq(zh_response_body(&resp), zh_response_body(&m)));
        }
    }
    /* a second request on the pooled connection reads what follows */
    zh_framing fr = zh_response_parsed_framing(&m);
    if (rc == ZH_OK && !upgrade && !fr.must_close && fr.kind != ZH_BODY_UNTIL_CLOSE &&
        zh_client_idle_conns(cl, "fuzz.test", 80) == 1) {
        rc = zh_client_get(cl, ZH_SLICE_LIT("http://fuzz.test/second?q=1"), &req, &resp);
        fz_check_known_error(rc);
        if (rc != ZH_OK) {
            FZ_CHECK(zh_response_body(&resp).len == 0);
        } else {
            int up2 = 0;
            size_t end2 = 0;
            mrc = model(p.buf + end, p.len - end, ZH_SLICE_LIT("GET"), &cfg, &m, &up2, &end2);
            if (!up2) {
                FZ_CHECK(mrc == ZH_OK);
                FZ_CHECK(zh_response_status(&resp) == zh_response_status(&m));
                FZ_CHECK(zh_slice_eq(zh_response_body(&resp), zh_response_body(&m)));
            }
        }
    }
    zh_request_dispose(&req);
    zh_response_dispose(&resp);
    zh_response_dispose(&m);
    zh_client_destroy(cl);
    zh_pipe_pair_dispose(&p.pp);
    return 0;
}
