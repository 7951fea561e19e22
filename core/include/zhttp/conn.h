/* zhttp/conn.h - the io layer: one connection interface, two implementations.
 *
 * A zh_conn is a byte stream with non-blocking read, write and writev, half-close
 * and close, and a readiness query. The server and the client only ever call the
 * zh_conn_* functions below, so they run unchanged over
 *   - TCP sockets (zh_tcp_conn: non-blocking, driven by an edge-triggered epoll
 *     loop inside the server, or by zh_conn_wait() in a blocking-style client), and
 *   - in-memory pipe pairs (zh_pipe_pair: two byte rings, no syscalls, no
 *     allocation after zh_pipe_pair_init), so a benchmark, fuzzer or conformance
 *     runner can drive a client and a server in one thread, deterministically.
 *
 * Every call returns a zh_err and never blocks (except zh_conn_wait and
 * zh_tcp_connect, which take a timeout). Common results:
 *   ZH_OK             some bytes moved (*n > 0), or the operation succeeded
 *   ZH_E_WOULD_BLOCK  nothing can move now; wait for readiness and call again
 *   ZH_E_CLOSED       read: the peer finished sending (EOF, *n == 0);
 *                     write: the peer closed its reading side (EPIPE/ECONNRESET)
 *   ZH_E_IO           any other operating-system error (the connection is dead)
 * Objects are plain structs the caller may embed; the layouts are public so they
 * can live inside pools, but treat the members as private. */
#ifndef ZHTTP_CONN_H
#define ZHTTP_CONN_H

#include "zhttp/common.h"
#include "zhttp/error.h"

ZH_BEGIN_DECLS

/* ---------------------------------------------------------------- interface */

/* Readiness bits (zh_conn_ready, zh_conn_wait). */
enum zh_ready {
    ZH_READABLE = 1u << 0, /* a read would return data, EOF or an error */
    ZH_WRITABLE = 1u << 1, /* a write would accept bytes or return an error */
};

typedef struct zh_conn zh_conn;

/* The operations an implementation provides. Only implementers use this; everyone
 * else calls the zh_conn_* wrappers. writev may move fewer bytes than offered. */
typedef struct zh_conn_vtable {
    zh_err (*read)(zh_conn *c, void *buf, size_t cap, size_t *n);
    zh_err (*writev)(zh_conn *c, const zh_slice *iov, size_t iovcnt, size_t *n);
    zh_err (*shutdown_write)(zh_conn *c);
    void (*close)(zh_conn *c);
    unsigned (*ready)(const zh_conn *c);
    int (*fd)(const zh_conn *c);
    /* Waits up to timeout_ms (-1: no limit) for any of events. */
    zh_err (*wait)(zh_conn *c, unsigned events, int timeout_ms);
} zh_conn_vtable;

/* The common head of every connection. user is free for the owner of the
 * connection (the server or client stores its per-connection state there). */
struct zh_conn {
    const zh_conn_vtable *vt;
    void *user;
};

/* Reads up to cap bytes into buf. ZH_OK with *n > 0 when bytes were read;
 * ZH_E_WOULD_BLOCK (*n == 0) when none are available yet; ZH_E_CLOSED (*n == 0)
 * when the peer has shut down its writing side and every byte was read; ZH_E_IO
 * on a socket error. cap == 0 is ZH_E_INVALID_ARGUMENT. */
ZH_API zh_err zh_conn_read(zh_conn *c, void *buf, size_t cap, size_t *n);

/* Writes up to len bytes from buf; *n says how many were taken (a short write is
 * ZH_OK with *n < len). ZH_E_WOULD_BLOCK (*n == 0) when no byte fits now;
 * ZH_E_CLOSED when the peer closed (or this side shut down writing). len == 0 is
 * ZH_OK with *n == 0. */
ZH_API zh_err zh_conn_write(zh_conn *c, const void *buf, size_t len, size_t *n);

/* Gathers iov[0..iovcnt) into one write (one syscall for TCP, one ring copy for
 * pipes); *n is the total taken, possibly fewer than offered. Same results as
 * zh_conn_write. iovcnt may be large; TCP splits at IOV_MAX. */
ZH_API zh_err zh_conn_writev(zh_conn *c, const zh_slice *iov, size_t iovcnt, size_t *n);

/* Half-close: no more bytes will be written; the peer reads EOF after the bytes
 * already written. Reading on this side still works. Idempotent. */
ZH_API zh_err zh_conn_shutdown_write(zh_conn *c);

/* Closes both directions and releases the operating-system resources (the fd).
 * The struct itself stays owned by whoever allocated it. Idempotent; after it
 * every call but zh_conn_close answers ZH_E_CLOSED. */
ZH_API void zh_conn_close(zh_conn *c);

/* Current readiness as ZH_READABLE | ZH_WRITABLE bits. Exact for pipes; for TCP it
 * reflects the last edge-triggered events seen and the last EAGAIN (0 bits then
 * means "wait for the next event"), or a poll(2) of the fd when no loop drives it. */
ZH_API unsigned zh_conn_ready(const zh_conn *c);

/* The socket fd, or -1 for connections without one (pipes, closed sockets). */
ZH_API int zh_conn_fd(const zh_conn *c);

/* Waits until the connection has one of events (ZH_READABLE / ZH_WRITABLE) or
 * timeout_ms passes (-1: no limit; 0: just check). ZH_OK when ready, ZH_E_TIMEOUT
 * when not. For TCP this is poll(2) on the fd. A pipe end cannot block in a single
 * thread: it runs the pair's pump hook (zh_pipe_pair_set_pump, e.g. one step of
 * an in-memory server) until the end is ready or the hook reports no progress,
 * then answers ZH_OK or ZH_E_TIMEOUT at once. */
ZH_API zh_err zh_conn_wait(zh_conn *c, unsigned events, int timeout_ms);

/* ---------------------------------------------------------------- TCP */

/* A TCP connection over a non-blocking socket. Embed it or pool it; it holds no
 * allocation of its own. */
typedef struct zh_tcp_conn {
    zh_conn base;  /* &tcp->base is the zh_conn to pass around */
    int fd;        /* -1 when closed */
    unsigned ready;    /* cached readiness, updated by zh_tcp_conn_on_events and EAGAIN */
    bool edge_driven;  /* readiness comes from an edge-triggered loop */
    bool wr_shut;
    bool rd_eof;
} zh_tcp_conn;

/* Wraps an already connected or accepted socket fd (made non-blocking, TCP_NODELAY
 * set). The conn now owns fd and closes it in zh_conn_close. */
ZH_API zh_err zh_tcp_conn_adopt(zh_tcp_conn *c, int fd);

/* Opens a connection to host:port (a numeric address or a name resolved with
 * getaddrinfo, IPv4 or IPv6), waiting up to timeout_ms (-1: no limit). Returns
 * ZH_OK with c usable, ZH_E_RESOLVE when the name does not resolve, ZH_E_CONNECT
 * when refused or unreachable, ZH_E_TIMEOUT when the connect did not finish in
 * time. host is a NUL-terminated string. */
ZH_API zh_err zh_tcp_connect(zh_tcp_conn *c, const char *host, uint16_t port, int timeout_ms);

/* For event loops: record the readiness reported by an edge-triggered event (the
 * cached bits are cleared again when an operation hits EAGAIN). */
ZH_API void zh_tcp_conn_on_events(zh_tcp_conn *c, unsigned ready);

/* Opens a listening, non-blocking TCP socket on addr ("127.0.0.1:8080",
 * "[::1]:0", ":8080" for all IPv4 addresses; port 0 picks a free port) with
 * SO_REUSEADDR, and SO_REUSEPORT when reuseport is true. Returns the fd in *fd.
 * ZH_E_BAD_PORT / ZH_E_BAD_HOST for a malformed addr, ZH_E_IO if the socket cannot
 * be bound. */
ZH_API zh_err zh_tcp_listen(const char *addr, bool reuseport, int backlog, int *fd);

/* The port a bound socket listens on (useful after binding port 0); 0 on error. */
ZH_API uint16_t zh_tcp_local_port(int fd);

/* ---------------------------------------------------------------- pipes */

/* One direction of a pipe pair: a fixed-capacity byte ring. */
typedef struct zh_pipe_ring {
    char *buf;
    size_t cap;
    size_t head;   /* offset of the first unread byte */
    size_t len;    /* unread bytes */
    bool wr_shut;  /* writer shut down: reader sees EOF after draining */
    bool rd_closed;/* reader closed: writer gets ZH_E_CLOSED */
} zh_pipe_ring;

struct zh_pipe_pair;

/* One end of a pipe pair. &end->base is its zh_conn. */
typedef struct zh_pipe_end {
    zh_conn base;
    struct zh_pipe_pair *pair;
    int side;      /* 0 or 1 */
    bool closed;
} zh_pipe_end;

/* Counters, per end, for tests and benchmarks ("the pipelined responses went out
 * in one write"). A write call that moved at least one byte counts as one write;
 * a writev counts once, however many slices it gathered. */
typedef struct zh_pipe_stats {
    uint64_t reads;       /* read calls that returned bytes */
    uint64_t writes;      /* write/writev calls that accepted bytes */
    uint64_t bytes_read;
    uint64_t bytes_written;
} zh_pipe_stats;

/* Called by zh_conn_wait on a pipe end that is not ready: do one step of work
 * (e.g. zh_server_pump) and return true if anything progressed. */
typedef bool (*zh_pipe_pump_fn)(void *ud);

/* Two connected ends: bytes written to end[0] are read from end[1] and vice versa.
 * No syscalls, no locking: use from one thread. */
typedef struct zh_pipe_pair {
    zh_pipe_end end[2];
    zh_pipe_ring ring[2];      /* ring[i] carries bytes written by end[i] */
    zh_pipe_stats stats[2];    /* stats[i] counts calls on end[i] */
    size_t max_io;             /* 0: unlimited; else each read/write moves at most this */
    zh_pipe_pump_fn pump;
    void *pump_ud;
} zh_pipe_pair;

/* Allocates the two rings (capacity bytes each, the only allocations this pair
 * ever makes) and connects the ends. ZH_E_NOMEM, or ZH_E_INVALID_ARGUMENT when
 * capacity is 0. */
ZH_API zh_err zh_pipe_pair_init(zh_pipe_pair *p, size_t capacity);

/* Empties both rings, reopens both ends and zeroes the counters, keeping the
 * storage: a fresh connection with no allocation (benchmarks of one request per
 * connection). Keeps max_io and the pump hook. */
ZH_API void zh_pipe_pair_reset(zh_pipe_pair *p);

/* Frees the rings. The ends must no longer be in use. */
ZH_API void zh_pipe_pair_dispose(zh_pipe_pair *p);

/* The zh_conn of end side (0 or 1). */
ZH_API zh_conn *zh_pipe_conn(zh_pipe_pair *p, int side);

/* Limits every read and write to at most n bytes (0: no limit), to exercise
 * short reads and writes: n == 1 delivers a message one byte at a time. */
ZH_API void zh_pipe_pair_set_max_io(zh_pipe_pair *p, size_t n);

/* Installs the hook zh_conn_wait runs on a pipe end that is not ready. */
ZH_API void zh_pipe_pair_set_pump(zh_pipe_pair *p, zh_pipe_pump_fn fn, void *ud);

/* True once end side was closed with zh_conn_close (e.g. the server finished
 * with the connection). */
ZH_API bool zh_pipe_end_closed(const zh_pipe_pair *p, int side);

ZH_END_DECLS

#endif
