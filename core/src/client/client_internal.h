/* Internal: the client's pool structures and TCP helpers. */
#ifndef ZH_CLIENT_INTERNAL_H
#define ZH_CLIENT_INTERNAL_H

#include <pthread.h>

#include "zhttp/client.h"

/* The longest host name (RFC 1035: 253) plus brackets and slack. */
#define ZH__CLIENT_HOST_MAX 260

/* One connection slot of a host pool. The buffers outlive the connection: a
 * reconnection reuses them, so it allocates nothing after warm-up. */
typedef struct zh__cslot {
    zh_tcp_conn tcp; /* storage for TCP connections (default dialer) */
    zh_conn *conn;   /* NULL: no open connection */
    zh_buf rbuf;     /* received bytes not yet parsed */
    zh_buf wbuf;     /* the serialized request */
    bool busy;       /* a call is using the slot */
    struct zh__cslot *next, *prev; /* the host's idle list (doubly linked) or spare list */
    uint64_t uses;   /* requests sent on the current connection */
    int64_t idle_since_ms;
} zh__cslot;

typedef struct zh__chost {
    char name[ZH__CLIENT_HOST_MAX]; /* NUL-terminated; "" for an unused entry */
    uint16_t port;
    char hostport[ZH__CLIENT_HOST_MAX + 8]; /* Host field value: name[:port] */
    size_t hostport_len;
    zh__cslot *slots;   /* max_conns_per_host of them */
    size_t busy;        /* slots in use */
    /* Every slot not in use is on exactly one list, so taking one is O(1):
     * idle: an open connection, most recently released first;
     * spare: no connection (to dial). */
    zh__cslot *idle;
    zh__cslot *spare;
    bool hostport_ok;   /* hostport is field text: the Host default needs no check */
    uint64_t last_used; /* client tick of the last acquire */
} zh__chost;

struct zh_client {
    zh_client_config cfg;
    zh_client_dialer dialer;
    bool tcp; /* no dialer given */
    char user_agent[128];
    size_t user_agent_len;
    bool user_agent_ok; /* field text: the User-Agent default needs no check */
    pthread_mutex_t mu;
    pthread_cond_t cv; /* a slot was released */
    zh__chost *hosts;  /* max_hosts of them */
    uint64_t tick;
    zh_client_stats stats;
};

/* Monotonic milliseconds. */
int64_t zh__client_now_ms(void);
/* Milliseconds left until deadline_ms (a zh__client_now_ms value): -1 when
 * deadline_ms <= 0 (no deadline), 0 when passed. */
int zh__client_remaining_ms(int64_t deadline_ms);
/* Resolves host (brackets allowed around an IPv6 literal) and connects a
 * non-blocking TCP socket by deadline_ms, trying each address in turn. On failure
 * returns ZH_E_RESOLVE, ZH_E_CONNECT or ZH_E_TIMEOUT with a detail in msg. */
zh_err zh__client_tcp_connect(const char *host, uint16_t port, int64_t deadline_ms, int *fd_out,
                              char *msg, size_t msgcap);

#endif
