/* Internal: the server's workers, connections and pools. */
#ifndef ZH_SERVER_INTERNAL_H
#define ZH_SERVER_INTERNAL_H

#include <pthread.h>
#include <time.h>

#include "zhttp/server.h"

/* Timer lists. Every list has one fixed duration, so appending at the tail keeps
 * it sorted by deadline: expiry only ever looks at the heads (O(1) per timer). */
enum {
    ZH__T_HEAD = 0,   /* a request has begun: head_timeout_ms */
    ZH__T_IDLE = 1,   /* keep-alive, no request: idle_timeout_ms */
    ZH__T_WRITE = 2,  /* a write is blocked: write_timeout_ms since the last progress */
    ZH__T_LINGER = 3, /* closing: discard input until EOF (ZH__LINGER_MS) */
    ZH__T_COUNT = 4,
    ZH__T_NONE = 255,
};

#define ZH__LINGER_MS 2000u

/* A request/response pair, taken from the worker's pool while a request is in
 * progress on a connection and given back when its response is serialized. */
typedef struct zh__exchange {
    zh_request req;
    zh_response resp;
    struct zh__exchange *next;
} zh__exchange;

struct zh__worker;

/* One server connection. Idle, it holds no buffer and no exchange. */
typedef struct zh__sconn {
    zh_conn *io;                 /* &tcp.base, or the served in-memory conn */
    zh_tcp_conn tcp;
    struct zh__worker *w;
    struct zh__sconn *prev, *next;   /* the worker's open connections; or free/zombie list */
    struct zh__sconn *tprev, *tnext; /* timer list */
    uint64_t deadline;
    zh__exchange *ex;
    char *rbuf;                  /* pooled (rcap == buffer_size) or a one-off larger buffer */
    size_t rcap, rlen, rpos;
    zh_buf wb;                   /* wb.ptr NULL when idle */
    size_t wpos;                 /* bytes of wb already written */
    unsigned char tlist;
    bool is_tcp;
    bool in_ready;               /* on the worker's ready list (read budget used up) */
    struct zh__sconn *rnext;     /* ready list */
    bool closing;                /* no more requests: flush, then linger and close */
    bool lingering;
    bool sent_continue;
    bool head_checked;           /* the current request's head passed the server's checks */
    bool progress;               /* bytes moved in the current drive */
    bool wrote;                  /* write progress in the current drive */
    bool completed;              /* a response was produced in the current drive */
    bool dead;
    bool served;                 /* at least one request answered (keep-alive) */
    bool rdhup;                  /* epoll reported the peer's FIN (or an error/hangup) */
} zh__sconn;

typedef struct zh__worker {
    struct zh_server *srv;
    unsigned index;
    int ep;                      /* epoll fd, -1 if none */
    int lfd;                     /* listener, -1 if none */
    int evfd;                    /* eventfd waking the loop for stop, -1 if none */
    uint64_t accept_resume;      /* out of fds: listener paused until this time (0: not paused) */
    pthread_t thread;
    bool thread_started;
    zh__sconn *conns;            /* open connections */
    size_t nconns;
    zh__sconn *thead[ZH__T_COUNT], *ttail[ZH__T_COUNT];
    zh__sconn *free_conns;       /* pool */
    zh__sconn *zombies;          /* closed during this step, pooled at its end */
    zh__sconn *ready;            /* TCP connections that stopped before EAGAIN (fairness) */
    void *free_bufs;             /* pool of buffer_size buffers (intrusive list) */
    zh__exchange *free_ex;       /* pool */
    bool stopping;
    bool pool_debug;             /* zh_pool_debug() when the server was created */
    uint64_t now;                /* the clock, read once per loop step (and on entry points) */
    uint64_t stop_deadline;
    time_t date_sec;
    char date[30];
    /* "HTTP/1.1 200 OK\r\n" + the Server and Date lines of this second: the
     * start of most responses, rebuilt with the date (zh__response_serialize). */
    char ok_prefix[160];
    size_t ok_prefix_len;
    char scratch[4096];          /* lingering reads are discarded here */
} zh__worker;

struct zh_server {
    zh_server_config cfg;
    char server_name[64];
    size_t server_name_len;
    bool server_name_ok;         /* server_name is field text: defaults need no re-check */
    zh__worker *workers;
    unsigned nworkers;
    uint16_t port;
    bool started;
    int stop_requested;          /* atomic */
};

struct zh_ctx {
    zh__sconn *c;
    zh_request *req;
    zh_response *resp;
    void *user_data;
    bool close;
};

#endif
