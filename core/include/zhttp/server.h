/* zhttp/server.h - an HTTP/1.1 server over zh_conn connections.
 *
 * One event loop per worker thread (edge-triggered epoll, one SO_REUSEPORT
 * listener per worker); keep-alive, pipelining (responses strictly in order,
 * coalesced into one write), HTTP/1.0 and 1.1 connection semantics,
 * Expect: 100-continue, HEAD. Protocol errors are answered with the status that
 * zh_error_http_status maps them to, with Connection: close.
 *
 * Memory: connection objects, read/write buffers and request/response objects
 * come from per-worker pools and go back to them, so after warm-up a request
 * allocates nothing, with keep-alive or one request per connection. An idle
 * keep-alive connection holds no buffer and no message object. With
 * zh_pool_debug() on when the server is created, its pools allocate and free
 * every time (for ASan/Valgrind).
 *
 * Two ways to run it:
 *   - threads and sockets: zh_server_listen, zh_server_start, zh_server_stop,
 *     zh_server_wait (or zh_server_run, which does all but stop);
 *   - one thread, no threads started: zh_server_serve_conn hands the server any
 *     zh_conn (an in-memory pipe end, typically), and zh_server_pump runs one step
 *     of the loop. Benchmarks, fuzzers and the conformance runner drive the server
 *     this way, deterministically, with an injectable clock. */
#ifndef ZHTTP_SERVER_H
#define ZHTTP_SERVER_H

#include "zhttp/common.h"
#include "zhttp/conn.h"
#include "zhttp/error.h"
#include "zhttp/msg.h"
#include "zhttp/parse.h"

ZH_BEGIN_DECLS

typedef struct zh_server zh_server;

/* The context of one request, valid only during the handler call. */
typedef struct zh_ctx zh_ctx;

/* Called once per complete request (head and whole body received). Fill in the
 * response in any order: headers after the body, body replaced, status changed;
 * it is serialized when the handler returns. A streamed body (body writer) is
 * drained synchronously after the handler: a writer answering ZH_E_WOULD_BLOCK or
 * an error aborts the response and closes the connection. */
typedef void (*zh_handler)(zh_ctx *ctx);

/* The request being answered. Valid until the handler returns. */
ZH_API const zh_request *zh_ctx_request(const zh_ctx *ctx);
/* The response to fill in: 200, no fields, empty body when the handler starts.
 * Valid until the handler returns. */
ZH_API zh_response *zh_ctx_response(zh_ctx *ctx);
/* zh_server_config.user_data. */
ZH_API void *zh_ctx_user_data(const zh_ctx *ctx);
/* Close the connection after this response (sends Connection: close). */
ZH_API void zh_ctx_close_after(zh_ctx *ctx);
/* The connection the request came on (e.g. to tell pipes from sockets). */
ZH_API zh_conn *zh_ctx_conn(const zh_ctx *ctx);

/* Monotonic milliseconds. The default reads CLOCK_MONOTONIC; tests install a
 * clock they advance by hand to trigger timeouts deterministically. */
typedef uint64_t (*zh_clock_fn)(void *ud);

typedef struct zh_server_config {
    zh_handler handler;          /* required */
    void *user_data;             /* given back by zh_ctx_user_data */
    zh_parse_config parse;       /* limits (head, fields, body via limits.max_body) and lenient flags */
    unsigned workers;            /* threads for zh_server_start (>= 1) */
    bool pin_cpus;               /* pin worker i to CPU i % online CPUs */
    size_t max_conns;            /* per worker; more are accepted and closed at once */
    uint32_t head_timeout_ms;    /* a request's head and body must arrive within this
                                  * from its first byte (slowloris); then 408 + close */
    uint32_t idle_timeout_ms;    /* keep-alive connection without a request: closed */
    uint32_t write_timeout_ms;   /* no write progress for this long: closed */
    uint32_t shutdown_grace_ms;  /* zh_server_stop: in-flight requests get this long */
    size_t buffer_size;          /* pooled read/write buffer size (a head larger than
                                  * this gets a one-off buffer up to limits.max_head) */
    const char *server_name;     /* Server header default ("zhttp"); NULL or "": none */
    zh_clock_fn clock;           /* NULL: CLOCK_MONOTONIC */
    void *clock_ud;
} zh_server_config;

/* Fills cfg with the defaults: no handler, ZH_PARSE_CONFIG_DEFAULT, 1 worker,
 * 10000 connections, 10 s head timeout, 60 s idle, 30 s write, 5 s shutdown grace,
 * 16 KiB buffers, "zhttp". */
ZH_API void zh_server_config_init(zh_server_config *cfg);

/* Creates a server (not listening, no threads). ZH_E_INVALID_ARGUMENT without a
 * handler or with 0 workers; ZH_E_NOMEM. The config is copied (server_name too). */
ZH_API zh_err zh_server_create(const zh_server_config *cfg, zh_server **out);

/* Stops everything still running, closes every connection (the server's TCP
 * sockets and zh_conn_close on served connections) and frees the server. */
ZH_API void zh_server_destroy(zh_server *s);

/* Binds one listener per worker on addr ("127.0.0.1:8080", "[::1]:0", ":8080"),
 * with SO_REUSEPORT; port 0 picks a free port shared by all workers. */
ZH_API zh_err zh_server_listen(zh_server *s, const char *addr);

/* The port the server listens on (after zh_server_listen), else 0. */
ZH_API uint16_t zh_server_port(const zh_server *s);

/* Starts one thread per worker, each running its event loop. */
ZH_API zh_err zh_server_start(zh_server *s);

/* Requests a graceful shutdown: stop accepting, close idle connections, finish
 * the requests in flight (each answered with Connection: close) within
 * shutdown_grace_ms, then let the loops end. Async-signal-safe: call it from a
 * SIGINT/SIGTERM handler. */
ZH_API void zh_server_stop(zh_server *s);

/* Waits for the worker threads started by zh_server_start to end. */
ZH_API zh_err zh_server_wait(zh_server *s);

/* zh_server_start then zh_server_wait. */
ZH_API zh_err zh_server_run(zh_server *s);

/* Single-thread mode: the server takes c (an in-memory pipe end, or any zh_conn)
 * and serves it from zh_server_pump until the exchange is over; it then calls
 * zh_conn_close(c). The caller keeps owning the storage of c and must keep it
 * valid until it sees it closed (zh_pipe_end_closed) or destroys the server.
 * ZH_E_TOO_MANY_CONNECTIONS at max_conns; ZH_E_SHUTDOWN after zh_server_stop;
 * ZH_E_INVALID_ARGUMENT once threads were started. */
ZH_API zh_err zh_server_serve_conn(zh_server *s, zh_conn *c);

/* Single-thread mode: one step of the (first) worker's loop in the calling thread:
 * waits up to timeout_ms for socket events if the server listens (0: no wait),
 * serves every served connection that can make progress, and fires due timers.
 * Returns how many connections made progress (0: nothing to do). Not for servers
 * started with zh_server_start. */
ZH_API int zh_server_pump(zh_server *s, int timeout_ms);

/* Connections currently open (all workers; approximate while threads run). */
ZH_API size_t zh_server_conn_count(const zh_server *s);

/* True once zh_server_stop was called and every connection has finished. */
ZH_API bool zh_server_drained(const zh_server *s);

/* ---------------------------------------------------------------- handlers */

/* 200 text/plain "Hello, World!" (the TechEmpower plaintext test). */
ZH_API void zh_hello_handler(zh_ctx *ctx);

/* 200 text/plain describing the request as parsed, one item per line:
 *     method: GET
 *     target: /path?q
 *     version: HTTP/1.1
 *     header: Name: value        (one line per field, in order, duplicates kept)
 *     body-length: N
 *     <blank line>
 *     <the N body bytes, verbatim>
 * Used by the CLI (zhttp serve --handler echo), the fuzzers and the conformance
 * runner to see exactly what the server understood. */
ZH_API void zh_echo_handler(zh_ctx *ctx);

ZH_END_DECLS

#endif
