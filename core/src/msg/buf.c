/* zh_buf: the growable byte buffer of the msg layer, and chunked-coding writers. */
#include <string.h>

#include "zhttp/alloc.h"
#include "msg/msg_internal.h"

#define ZH__BUF_MIN_CAP 64

void zh_buf_init(zh_buf *b) { *b = ZH_BUF_INIT; }

void zh_buf_dispose(zh_buf *b)
{
    size_t max = b->max;
    zh_free(b->ptr);
    *b = ZH_BUF_INIT;
    b->max = max;
}

void zh_buf_clear(zh_buf *b) { b->len = 0; }

zh_err zh_buf_reserve(zh_buf *b, size_t extra)
{
    if (b->cap - b->len >= extra)
        return ZH_OK;
    if (extra > SIZE_MAX - b->len)
        return b->max ? ZH_E_BUFFER_FULL : ZH_E_NOMEM;
    size_t need = b->len + extra;
    if (b->max && need > b->max)
        return ZH_E_BUFFER_FULL;
    size_t cap = b->cap ? b->cap : ZH__BUF_MIN_CAP;
    while (cap < need)
        cap = cap > SIZE_MAX / 2 ? need : cap * 2;
    if (b->max && cap > b->max)
        cap = b->max;
    char *p = zh_realloc(b->ptr, cap);
    if (!p)
        return ZH_E_NOMEM;
    b->ptr = p;
    b->cap = cap;
    return ZH_OK;
}

zh_err zh_buf_append(zh_buf *b, const void *p, size_t n)
{
    if (n == 0)
        return ZH_OK;
    zh_err e = zh_buf_reserve(b, n);
    if (e != ZH_OK)
        return e;
    memcpy(b->ptr + b->len, p, n);
    b->len += n;
    return ZH_OK;
}

zh_err zh_buf_append_slice(zh_buf *b, zh_slice s) { return zh_buf_append(b, s.ptr, s.len); }

zh_err zh_buf_append_cstr(zh_buf *b, const char *s)
{
    return s ? zh_buf_append(b, s, strlen(s)) : ZH_OK;
}

zh_err zh_buf_append_u64(zh_buf *b, uint64_t v)
{
    char tmp[20];
    size_t i = sizeof tmp;
    do {
        tmp[--i] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    return zh_buf_append(b, tmp + i, sizeof tmp - i);
}

void zh_buf_consume(zh_buf *b, size_t n)
{
    if (n >= b->len) {
        b->len = 0;
        return;
    }
    memmove(b->ptr, b->ptr + n, b->len - n);
    b->len -= n;
}

zh_slice zh_buf_slice(const zh_buf *b)
{
    zh_slice s = { b->ptr ? b->ptr : "", b->len };
    return s;
}

/* Writes n in lower-case hex into tmp (right-aligned); returns the digit count. */
static size_t hex_digits(uint64_t n, char tmp[16])
{
    static const char hex[] = "0123456789abcdef";
    size_t i = 16;
    do {
        tmp[--i] = hex[n & 15];
        n >>= 4;
    } while (n);
    return 16 - i;
}

zh_err zh_buf_append_chunk_header(zh_buf *b, size_t n)
{
    if (n == 0)
        return ZH_OK;
    char tmp[18];
    size_t d = hex_digits(n, tmp);
    tmp[16] = '\r';
    tmp[17] = '\n';
    return zh_buf_append(b, tmp + 16 - d, d + 2);
}

zh_err zh_buf_append_chunk(zh_buf *b, const void *data, size_t n)
{
    if (n == 0)
        return ZH_OK;
    char tmp[16];
    size_t d = hex_digits(n, tmp);
    if (n > SIZE_MAX - d - 4)
        return ZH_E_NOMEM;
    zh_err e = zh_buf_reserve(b, d + 2 + n + 2);
    if (e != ZH_OK)
        return e;
    char *w = b->ptr + b->len;
    memcpy(w, tmp + 16 - d, d);
    w += d;
    *w++ = '\r';
    *w++ = '\n';
    memcpy(w, data, n);
    w += n;
    *w++ = '\r';
    *w++ = '\n';
    b->len = (size_t)(w - b->ptr);
    return ZH_OK;
}

zh_err zh_buf_append_last_chunk(zh_buf *b) { return zh_buf_append(b, "0\r\n\r\n", 5); }

/* Frames the bytes a writer appended at out[start..len) as one chunk, in place. */
static zh_err frame_chunk(zh_buf *out, size_t start)
{
    size_t n = out->len - start;
    if (n == 0)
        return ZH_OK;
    char tmp[16];
    size_t d = hex_digits(n, tmp);
    zh_err e = zh_buf_reserve(out, d + 4);
    if (e != ZH_OK)
        return e;
    char *p = out->ptr + start;
    memmove(p + d + 2, p, n);
    memcpy(p, tmp + 16 - d, d);
    p[d] = '\r';
    p[d + 1] = '\n';
    p[d + 2 + n] = '\r';
    p[d + 3 + n] = '\n';
    out->len += d + 4;
    return ZH_OK;
}

zh_err zh__body_pump(zh__body *b, zh__wire_state *w, zh_buf *out, bool *done)
{
    *done = false;
    if ((w->mode != ZH__WIRE_CHUNKED && w->mode != ZH__WIRE_CLOSE) || w->finished || !b->writer) {
        *done = true;
        return ZH_OK;
    }
    size_t start = out->len;
    bool fin = false;
    zh_err e = b->writer(b->writer_ud, out, &fin);
    if (out->len < start) /* a writer must only append */
        return ZH_E_INVALID_ARGUMENT;
    if (e != ZH_OK) {
        out->len = start;
        return e;
    }
    if (w->mode == ZH__WIRE_CHUNKED) {
        e = frame_chunk(out, start);
        if (e == ZH_OK && fin)
            e = zh_buf_append_last_chunk(out);
        if (e != ZH_OK) {
            out->len = start;
            return e;
        }
    }
    if (fin)
        w->finished = true;
    *done = fin;
    return ZH_OK;
}
