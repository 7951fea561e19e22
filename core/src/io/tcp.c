/* TCP connections over non-blocking sockets, and listening sockets. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>
#include <arpa/inet.h>

#include "zhttp/conn.h"

#ifndef IOV_MAX
#define IOV_MAX 1024
#endif
#define ZH_TCP_IOV_BATCH 64

static zh_tcp_conn *tcp_of(zh_conn *c) { return (zh_tcp_conn *)c; }
static const zh_tcp_conn *ctcp_of(const zh_conn *c) { return (const zh_tcp_conn *)c; }

static zh_err errno_to_err(int e)
{
    switch (e) {
    case EAGAIN:
#if EWOULDBLOCK != EAGAIN
    case EWOULDBLOCK:
#endif
        return ZH_E_WOULD_BLOCK;
    case EPIPE:
    case ECONNRESET:
    case ENOTCONN:
    case ESHUTDOWN:
        return ZH_E_CLOSED;
    default:
        return ZH_E_IO;
    }
}

static zh_err tcp_read(zh_conn *c, void *buf, size_t cap, size_t *n)
{
    zh_tcp_conn *t = tcp_of(c);
    if (t->fd < 0)
        return ZH_E_CLOSED;
    if (t->rd_eof)
        return ZH_E_CLOSED;
    for (;;) {
        ssize_t r = recv(t->fd, buf, cap, 0);
        if (r > 0) {
            *n = (size_t)r;
            return ZH_OK;
        }
        if (r == 0) {
            t->rd_eof = true;
            return ZH_E_CLOSED;
        }
        if (errno == EINTR)
            continue;
        zh_err e = errno_to_err(errno);
        if (e == ZH_E_WOULD_BLOCK)
            t->ready &= ~(unsigned)ZH_READABLE;
        return e;
    }
}

static zh_err tcp_writev(zh_conn *c, const zh_slice *iov, size_t iovcnt, size_t *n)
{
    zh_tcp_conn *t = tcp_of(c);
    if (t->fd < 0 || t->wr_shut)
        return ZH_E_CLOSED;
    size_t total = 0;
    while (iovcnt) {
        struct iovec v[ZH_TCP_IOV_BATCH];
        size_t cnt = 0, want = 0;
        while (cnt < iovcnt && cnt < ZH_TCP_IOV_BATCH) {
            v[cnt].iov_base = (void *)iov[cnt].ptr;
            v[cnt].iov_len = iov[cnt].len;
            want += iov[cnt].len;
            cnt++;
        }
        struct msghdr mh;
        memset(&mh, 0, sizeof mh);
        mh.msg_iov = v;
        mh.msg_iovlen = cnt;
        ssize_t r = sendmsg(t->fd, &mh, MSG_NOSIGNAL);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            zh_err e = errno_to_err(errno);
            if (e == ZH_E_WOULD_BLOCK)
                t->ready &= ~(unsigned)ZH_WRITABLE;
            if (total) {
                *n = total;
                return (e == ZH_E_WOULD_BLOCK) ? ZH_OK : e;
            }
            return e;
        }
        total += (size_t)r;
        if ((size_t)r < want)
            break; /* the socket buffer is full: a short write */
        iov += cnt;
        iovcnt -= cnt;
    }
    *n = total;
    return ZH_OK;
}

static zh_err tcp_shutdown_write(zh_conn *c)
{
    zh_tcp_conn *t = tcp_of(c);
    if (t->fd < 0)
        return ZH_E_CLOSED;
    if (t->wr_shut)
        return ZH_OK;
    t->wr_shut = true;
    if (shutdown(t->fd, SHUT_WR) != 0 && errno != ENOTCONN)
        return ZH_E_IO;
    return ZH_OK;
}

static void tcp_close(zh_conn *c)
{
    zh_tcp_conn *t = tcp_of(c);
    if (t->fd >= 0)
        close(t->fd);
    t->fd = -1;
    t->ready = 0;
}

static unsigned poll_fd(int fd, unsigned events, int timeout_ms)
{
    struct pollfd pfd = { fd, 0, 0 };
    if (events & ZH_READABLE)
        pfd.events |= POLLIN;
    if (events & ZH_WRITABLE)
        pfd.events |= POLLOUT;
    int r;
    do {
        r = poll(&pfd, 1, timeout_ms);
    } while (r < 0 && errno == EINTR);
    if (r <= 0)
        return 0;
    unsigned bits = 0;
    if (pfd.revents & (POLLIN | POLLHUP | POLLERR))
        bits |= ZH_READABLE;
    if (pfd.revents & (POLLOUT | POLLHUP | POLLERR))
        bits |= ZH_WRITABLE;
    return bits;
}

static unsigned tcp_ready(const zh_conn *c)
{
    const zh_tcp_conn *t = ctcp_of(c);
    if (t->fd < 0)
        return ZH_READABLE | ZH_WRITABLE;
    if (t->edge_driven)
        return t->ready;
    return poll_fd(t->fd, ZH_READABLE | ZH_WRITABLE, 0);
}

static int tcp_fd(const zh_conn *c) { return ctcp_of(c)->fd; }

static zh_err tcp_wait(zh_conn *c, unsigned events, int timeout_ms)
{
    zh_tcp_conn *t = tcp_of(c);
    if (t->fd < 0)
        return ZH_OK;
    unsigned bits = poll_fd(t->fd, events, timeout_ms);
    t->ready |= bits;
    return (bits & events) ? ZH_OK : ZH_E_TIMEOUT;
}

static const zh_conn_vtable tcp_vtable = {
    tcp_read, tcp_writev, tcp_shutdown_write, tcp_close, tcp_ready, tcp_fd, tcp_wait,
};

static bool set_nonblocking(int fd)
{
    int fl = fcntl(fd, F_GETFL, 0);
    return fl >= 0 && fcntl(fd, F_SETFL, fl | O_NONBLOCK) == 0;
}

zh_err zh_tcp_conn_adopt(zh_tcp_conn *c, int fd)
{
    if (!c || fd < 0)
        return ZH_E_INVALID_ARGUMENT;
    if (!set_nonblocking(fd))
        return ZH_E_IO;
    int one = 1;
    (void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one); /* fails on non-TCP fds: fine */
    *c = (zh_tcp_conn){ { &tcp_vtable, NULL }, fd, ZH_READABLE | ZH_WRITABLE, false, false, false };
    return ZH_OK;
}

void zh_tcp_conn_on_events(zh_tcp_conn *c, unsigned ready)
{
    if (!c)
        return;
    c->edge_driven = true;
    c->ready |= ready;
}

zh_err zh_tcp_connect(zh_tcp_conn *c, const char *host, uint16_t port, int timeout_ms)
{
    if (!c || !host)
        return ZH_E_INVALID_ARGUMENT;
    /* A closed connection until it succeeds: zh_conn_close on it is harmless. */
    *c = (zh_tcp_conn){ { &tcp_vtable, NULL }, -1, 0, false, false, false };
    char portstr[8];
    snprintf(portstr, sizeof portstr, "%u", (unsigned)port);
    /* Accept "[::1]" as well as "::1". */
    char hostbuf[256];
    size_t hl = strlen(host);
    if (hl >= 2 && host[0] == '[' && host[hl - 1] == ']') {
        if (hl - 2 >= sizeof hostbuf)
            return ZH_E_RESOLVE;
        memcpy(hostbuf, host + 1, hl - 2);
        hostbuf[hl - 2] = '\0';
        host = hostbuf;
    }
    struct addrinfo hints, *res = NULL;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    if (getaddrinfo(host, portstr, &hints, &res) != 0 || !res)
        return ZH_E_RESOLVE;
    zh_err result = ZH_E_CONNECT;
    for (struct addrinfo *ai = res; ai; ai = ai->ai_next) {
        int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, ai->ai_protocol);
        if (fd < 0)
            continue;
        int r = connect(fd, ai->ai_addr, ai->ai_addrlen);
        if (r != 0 && errno == EINPROGRESS) {
            unsigned bits = poll_fd(fd, ZH_WRITABLE, timeout_ms);
            if (!bits) {
                close(fd);
                result = ZH_E_TIMEOUT;
                continue;
            }
            int soerr = 0;
            socklen_t sl = sizeof soerr;
            if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) != 0 || soerr != 0) {
                close(fd);
                continue;
            }
            r = 0;
        }
        if (r != 0) {
            close(fd);
            continue;
        }
        zh_err e = zh_tcp_conn_adopt(c, fd);
        if (e != ZH_OK) {
            close(fd);
            result = e;
            continue;
        }
        result = ZH_OK;
        break;
    }
    freeaddrinfo(res);
    return result;
}

/* Splits "host:port", "[v6]:port" or ":port" into a NUL-terminated host (empty for
 * "any") and a port. */
static zh_err split_addr(const char *addr, char *host, size_t hostcap, uint16_t *port)
{
    const char *colon = strrchr(addr, ':');
    if (!colon)
        return ZH_E_BAD_PORT;
    size_t hl = (size_t)(colon - addr);
    const char *h = addr;
    if (hl >= 2 && h[0] == '[' && h[hl - 1] == ']') {
        h++;
        hl -= 2;
    } else if (memchr(h, ':', hl)) {
        return ZH_E_BAD_HOST; /* bare IPv6 without brackets */
    }
    if (hl >= hostcap)
        return ZH_E_BAD_HOST;
    memcpy(host, h, hl);
    host[hl] = '\0';
    const char *p = colon + 1;
    if (!*p)
        return ZH_E_BAD_PORT;
    unsigned long v = 0;
    for (; *p; p++) {
        if (*p < '0' || *p > '9')
            return ZH_E_BAD_PORT;
        v = v * 10 + (unsigned long)(*p - '0');
        if (v > 65535)
            return ZH_E_BAD_PORT;
    }
    *port = (uint16_t)v;
    return ZH_OK;
}

zh_err zh_tcp_listen(const char *addr, bool reuseport, int backlog, int *fd_out)
{
    if (!addr || !fd_out)
        return ZH_E_INVALID_ARGUMENT;
    char host[128];
    uint16_t port;
    zh_err e = split_addr(addr, host, sizeof host, &port);
    if (e != ZH_OK)
        return e;
    struct sockaddr_storage ss;
    socklen_t sl;
    memset(&ss, 0, sizeof ss);
    struct sockaddr_in *v4 = (struct sockaddr_in *)&ss;
    struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&ss;
    if (host[0] == '\0') {
        v4->sin_family = AF_INET;
        v4->sin_addr.s_addr = htonl(INADDR_ANY);
        v4->sin_port = htons(port);
        sl = sizeof *v4;
    } else if (inet_pton(AF_INET, host, &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        v4->sin_port = htons(port);
        sl = sizeof *v4;
    } else if (inet_pton(AF_INET6, host, &v6->sin6_addr) == 1) {
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons(port);
        sl = sizeof *v6;
    } else if (strcmp(host, "localhost") == 0) {
        v4->sin_family = AF_INET;
        v4->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        v4->sin_port = htons(port);
        sl = sizeof *v4;
    } else {
        return ZH_E_BAD_HOST;
    }
    int fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return ZH_E_IO;
    int one = 1;
    (void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (reuseport && setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one) != 0) {
        close(fd);
        return ZH_E_IO;
    }
    if (bind(fd, (struct sockaddr *)&ss, sl) != 0 || listen(fd, backlog > 0 ? backlog : 1024) != 0) {
        close(fd);
        return ZH_E_IO;
    }
    *fd_out = fd;
    return ZH_OK;
}

uint16_t zh_tcp_local_port(int fd)
{
    struct sockaddr_storage ss;
    socklen_t sl = sizeof ss;
    if (fd < 0 || getsockname(fd, (struct sockaddr *)&ss, &sl) != 0)
        return 0;
    if (ss.ss_family == AF_INET)
        return ntohs(((struct sockaddr_in *)&ss)->sin_port);
    if (ss.ss_family == AF_INET6)
        return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
    return 0;
}
