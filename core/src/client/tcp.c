/* Client side of TCP: name resolution and a non-blocking connect bounded by a
 * deadline. The caller wraps the connected socket in a zh_conn. */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "client/client_internal.h"

int64_t zh__client_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int zh__client_remaining_ms(int64_t deadline_ms)
{
    if (deadline_ms <= 0)
        return -1; /* no deadline: wait forever */
    int64_t left = deadline_ms - zh__client_now_ms();
    if (left <= 0)
        return 0;
    return left > 0x7fffffff ? 0x7fffffff : (int)left;
}

/* Connects one address; returns the socket, or -1 with *err and msg set. */
static int connect_one(const struct addrinfo *ai, int64_t deadline_ms, zh_err *err, char *msg,
                       size_t msgcap, const char *what)
{
    int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol);
    if (fd < 0) {
        *err = ZH_E_CONNECT;
        snprintf(msg, msgcap, "socket for %s: %s", what, strerror(errno));
        return -1;
    }
    if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
        goto connected;
    if (errno != EINPROGRESS) {
        *err = ZH_E_CONNECT;
        snprintf(msg, msgcap, "connect %s: %s", what, strerror(errno));
        close(fd);
        return -1;
    }
    for (;;) {
        int wait = zh__client_remaining_ms(deadline_ms);
        if (wait == 0) {
            *err = ZH_E_TIMEOUT;
            snprintf(msg, msgcap, "connect %s: timed out", what);
            close(fd);
            return -1;
        }
        struct pollfd p = {.fd = fd, .events = POLLOUT};
        int r = poll(&p, 1, wait);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            *err = ZH_E_CONNECT;
            snprintf(msg, msgcap, "connect %s: poll: %s", what, strerror(errno));
            close(fd);
            return -1;
        }
        if (r == 0)
            continue; /* the deadline check above decides */
        int soerr = 0;
        socklen_t sl = sizeof soerr;
        if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) != 0)
            soerr = errno;
        if (soerr != 0) {
            *err = ZH_E_CONNECT;
            snprintf(msg, msgcap, "connect %s: %s", what, strerror(soerr));
            close(fd);
            return -1;
        }
        break;
    }
connected:;
    int one = 1;
    (void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return fd;
}

zh_err zh__client_tcp_connect(const char *host, uint16_t port, int64_t deadline_ms, int *fd_out,
                              char *msg, size_t msgcap)
{
    char portstr[8];
    snprintf(portstr, sizeof portstr, "%u", (unsigned)port);
    /* An IPv6 literal arrives with its brackets (RFC 3986 §3.2.2); getaddrinfo
     * wants it bare. */
    char bare[256];
    size_t hl = strlen(host);
    if (hl >= sizeof bare) {
        snprintf(msg, msgcap, "host name too long");
        return ZH_E_RESOLVE;
    }
    if (hl >= 2 && host[0] == '[' && host[hl - 1] == ']') {
        memcpy(bare, host + 1, hl - 2);
        bare[hl - 2] = '\0';
    } else {
        memcpy(bare, host, hl + 1);
    }
    struct addrinfo hints, *res = NULL;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_ADDRCONFIG | AI_NUMERICSERV;
    int gai = getaddrinfo(bare, portstr, &hints, &res);
    if (gai != 0 || !res) {
        snprintf(msg, msgcap, "resolve %s: %s", host, gai ? gai_strerror(gai) : "no address");
        return ZH_E_RESOLVE;
    }
    char what[300];
    snprintf(what, sizeof what, "%s:%u", host, (unsigned)port);
    zh_err err = ZH_E_CONNECT;
    int fd = -1;
    for (const struct addrinfo *ai = res; ai; ai = ai->ai_next) {
        fd = connect_one(ai, deadline_ms, &err, msg, msgcap, what);
        if (fd >= 0 || err == ZH_E_TIMEOUT)
            break;
    }
    freeaddrinfo(res);
    if (fd < 0)
        return err;
    *fd_out = fd;
    return ZH_OK;
}
