/* zhttp/client.h - an HTTP/1.1 client with a keep-alive connection pool per host.
 *
 * A zh_client sends a caller-owned zh_request and reads the answer into a
 * caller-owned zh_response (msg.h): both objects are reused from call to call,
 * and the client's per-connection buffers are kept across requests and
 * reconnections, so after warm-up a request on a kept-alive connection allocates
 * nothing (tests assert it with zh_alloc_stats_get).
 *
 * What a call does:
 *   - takes an idle pooled connection to host:port (most recently used first;
 *     one found closed or with unsolicited bytes is dropped), or opens a new one
 *     while the host has fewer than max_conns_per_host, or waits for one to be
 *     released (bounded by the request timeout);
 *   - serializes the request (msg.h) with the defaults "Host: host[:port]" and
 *     "User-Agent: zhttp/0.1", each sent ONLY when the user set no field of that
 *     name;
 *   - reads the response with zh_response_parse, which frames it with the one
 *     framing function (RFC 9112 §6.3). Interim 1xx responses are skipped
 *     (RFC 9110 §15.2); 101 Switching Protocols is an error (no upgrades);
 *   - keeps the connection when the response allows it (no Connection: close, not
 *     close-delimited, no bytes after the response), closes it otherwise.
 * One timeout covers the whole call: connect, write, read (and retries). Name
 * resolution (getaddrinfo) blocks and is not bounded by it; numeric addresses
 * skip it.
 *
 * Retries (RFC 9110 §9.2.2, RFC 9112 §9.3.1): only idempotent methods (GET, HEAD,
 * PUT, DELETE, OPTIONS, TRACE) with a non-streamed body, and only when a REUSED
 * keep-alive connection turned out dead (write failed, or closed/reset) before any
 * byte of a response arrived. A new connection failing, a timeout, or any byte of
 * a response received is never retried; neither is POST or PATCH.
 *
 * Every failure is a zh_err, with a one-line detail for the calling thread in
 * zh_client_last_error(). The response body is never error text: on failure it
 * is empty. The common ones:
 *   ZH_E_RESOLVE          the host name does not resolve
 *   ZH_E_CONNECT          connection refused or unreachable
 *   ZH_E_TIMEOUT          the request timeout passed (connect, write or read)
 *   ZH_E_CLOSED           the peer closed before any byte of a response
 *   ZH_E_TRUNCATED_HEAD   the peer closed in the middle of the response head
 *   ZH_E_TRUNCATED_BODY   the peer closed before the end of a Content-Length or
 *                         chunked body
 *   ZH_E_BODY_TOO_LARGE   the body exceeds max_body
 *   ZH_E_BAD_RESPONSE     a 101 response, or an unusable answer
 *   parse errors          ZH_E_BAD_STATUS_LINE, ZH_E_CL_AND_TE, ZH_E_BAD_CHUNK_SIZE...
 *   ZH_E_IO               an operating-system error on the connection
 *
 * Thread safety: one zh_client may be shared by threads (the pool is locked);
 * each call needs its own request and response objects. */
#ifndef ZHTTP_CLIENT_H
#define ZHTTP_CLIENT_H

#include "zhttp/common.h"
#include "zhttp/conn.h"
#include "zhttp/error.h"
#include "zhttp/msg.h"
#include "zhttp/parse.h"

ZH_BEGIN_DECLS

/* A connection factory: how the client opens connections when not over TCP
 * (in-memory pipes to a zh_server in the same thread, a scripted test peer...).
 * dial opens a connection to host:port within timeout_ms (-1: no limit) and
 * returns it in *out; it answers ZH_OK or an error (ZH_E_CONNECT, ZH_E_TIMEOUT,
 * ...). The client only calls the zh_conn_* functions on it, waits with
 * zh_conn_wait (a pipe pair's pump hook runs the peer), calls zh_conn_close when
 * done, and then release (may be NULL) so the factory can recycle the object.
 * release may run with the client's pool lock held: it must not call the client. */
typedef struct zh_client_dialer {
    zh_err (*dial)(void *ud, const char *host, uint16_t port, int timeout_ms, zh_conn **out);
    void (*release)(void *ud, zh_conn *conn);
    void *ud;
} zh_client_dialer;

typedef struct zh_client_config {
    size_t max_conns_per_host;      /* open connections per host:port (>= 1) */
    size_t max_hosts;               /* host:port pools kept (>= 1); a new host takes the
                                     * least recently used pool with no call running */
    int timeout_ms;                 /* per request: connect + write + read; <= 0: none */
    int max_idle_ms;                /* a pooled connection idle longer is closed, not reused;
                                     * <= 0: no limit */
    uint64_t max_body;              /* response body limit -> ZH_E_BODY_TOO_LARGE;
                                     * 0: parse.limits.max_body */
    zh_parse_config parse;          /* response parsing: limits and lenient flags */
    const char *user_agent;         /* default User-Agent; NULL: "zhttp/0.1"; "": none */
    const zh_client_dialer *dialer; /* NULL: TCP (resolve, non-blocking connect) */
} zh_client_config;

/* 4 connections per host, 16 hosts, 30 s timeout, 60 s idle, default parse
 * config (16 MiB body), "zhttp/0.1", TCP. */
ZH_API zh_client_config zh_client_config_default(void);

typedef struct zh_client zh_client;

/* Creates a client (cfg NULL: the defaults). The dialer struct is copied.
 * ZH_E_INVALID_ARGUMENT for a zero max_conns_per_host or max_hosts, ZH_E_NOMEM. */
ZH_API zh_err zh_client_create(const zh_client_config *cfg, zh_client **out);

/* Closes every pooled connection and frees the client. No call may be running. */
ZH_API void zh_client_destroy(zh_client *c);

/* Sends req to host:port and reads the answer into resp (reset first). host is a
 * NUL-terminated name, IPv4 literal or bracketed IPv6 literal ("[::1]"). req is
 * only read (its header table is not changed by the defaults). A streamed body
 * (zh_request_set_body_writer) goes out chunked; a writer answering
 * ZH_E_WOULD_BLOCK is asked again until the timeout. Returns ZH_OK for any
 * complete response (any status), or an error as listed above; on error resp
 * holds no body. */
ZH_API zh_err zh_client_do(zh_client *c, const char *host, uint16_t port, zh_request *req,
                           zh_response *resp);

/* As zh_client_do, to the server of url ("http://host[:port]/path?query", see
 * zh_parse_url): sets req's target to the url's path and query, then sends req
 * (method, fields and body as the caller left them). ZH_E_BAD_SCHEME for a
 * non-http url, other zh_parse_url errors for a malformed one. */
ZH_API zh_err zh_client_do_url(zh_client *c, zh_slice url, zh_request *req, zh_response *resp);

/* The one-call GET: resets req and resp (keeping their memory), makes req a GET of
 * url and sends it. Example:
 *     zh_request req; zh_response resp;
 *     zh_request_init(&req); zh_response_init(&resp);
 *     zh_err e = zh_client_get(c, ZH_SLICE_LIT("http://127.0.0.1:8080/"), &req, &resp);
 *     if (e != ZH_OK) fprintf(stderr, "%s\n", zh_client_last_error());
 *     else fwrite(zh_response_body(&resp).ptr, 1, zh_response_body(&resp).len, stdout); */
ZH_API zh_err zh_client_get(zh_client *c, zh_slice url, zh_request *req, zh_response *resp);

/* A one-line description of the calling thread's last failed client call
 * ("connect 127.0.0.1:1: Connection refused"); "" after a success. Valid until
 * the next client call on this thread. */
ZH_API const char *zh_client_last_error(void);

/* Counters since zh_client_create. */
typedef struct zh_client_stats {
    uint64_t requests; /* zh_client_do calls that returned ZH_OK */
    uint64_t failures; /* calls that returned an error */
    uint64_t dials;    /* connections opened */
    uint64_t reuses;   /* requests sent on a pooled connection */
    uint64_t retries;  /* requests re-sent after a dead reused connection */
    uint64_t closes;   /* connections closed by the client */
} zh_client_stats;

ZH_API zh_client_stats zh_client_get_stats(const zh_client *c);

/* Idle connections currently pooled for host:port (0 for an unknown host). */
ZH_API size_t zh_client_idle_conns(const zh_client *c, const char *host, uint16_t port);

/* Closes every idle pooled connection (e.g. before the servers go away). */
ZH_API void zh_client_close_idle(zh_client *c);

ZH_END_DECLS

#endif
