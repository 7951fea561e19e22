/* The zh_conn wrappers: argument checks, then the implementation's vtable. */
#include "zhttp/conn.h"

zh_err zh_conn_read(zh_conn *c, void *buf, size_t cap, size_t *n)
{
    size_t dummy;
    if (!n)
        n = &dummy;
    *n = 0;
    if (!c || !c->vt || !buf || cap == 0)
        return ZH_E_INVALID_ARGUMENT;
    return c->vt->read(c, buf, cap, n);
}

zh_err zh_conn_write(zh_conn *c, const void *buf, size_t len, size_t *n)
{
    zh_slice one = { (const char *)buf, len };
    return zh_conn_writev(c, &one, 1, n);
}

zh_err zh_conn_writev(zh_conn *c, const zh_slice *iov, size_t iovcnt, size_t *n)
{
    size_t dummy;
    if (!n)
        n = &dummy;
    *n = 0;
    if (!c || !c->vt || (iovcnt && !iov))
        return ZH_E_INVALID_ARGUMENT;
    size_t total = 0;
    for (size_t i = 0; i < iovcnt; i++) {
        if (iov[i].len && !iov[i].ptr)
            return ZH_E_INVALID_ARGUMENT;
        total += iov[i].len;
    }
    if (total == 0)
        return ZH_OK;
    return c->vt->writev(c, iov, iovcnt, n);
}

zh_err zh_conn_shutdown_write(zh_conn *c)
{
    if (!c || !c->vt)
        return ZH_E_INVALID_ARGUMENT;
    return c->vt->shutdown_write(c);
}

void zh_conn_close(zh_conn *c)
{
    if (c && c->vt)
        c->vt->close(c);
}

unsigned zh_conn_ready(const zh_conn *c)
{
    if (!c || !c->vt)
        return 0;
    return c->vt->ready(c);
}

int zh_conn_fd(const zh_conn *c)
{
    if (!c || !c->vt)
        return -1;
    return c->vt->fd(c);
}

zh_err zh_conn_wait(zh_conn *c, unsigned events, int timeout_ms)
{
    if (!c || !c->vt || !(events & (ZH_READABLE | ZH_WRITABLE)))
        return ZH_E_INVALID_ARGUMENT;
    return c->vt->wait(c, events, timeout_ms);
}
