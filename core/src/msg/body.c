/* Body storage shared by requests and responses. */
#include <string.h>

#include "msg/msg_internal.h"

void zh__body_reset(zh__body *b)
{
    zh_buf_clear(&b->data);
    b->writer = NULL;
    b->writer_ud = NULL;
}

void zh__body_dispose(zh__body *b)
{
    zh_buf_dispose(&b->data);
    b->writer = NULL;
    b->writer_ud = NULL;
}

zh_err zh__body_set(zh__body *b, const void *p, size_t n)
{
    if (n && !p)
        return ZH_E_INVALID_ARGUMENT;
    const char *c = p;
    if (n && b->data.ptr && c >= b->data.ptr && c < b->data.ptr + b->data.len) {
        /* A part of the current body: move it to the front. */
        size_t at = (size_t)(c - b->data.ptr);
        if (n > b->data.len - at)
            return ZH_E_INVALID_ARGUMENT;
        memmove(b->data.ptr, b->data.ptr + at, n);
        b->data.len = n;
    } else {
        zh_err e = zh_buf_reserve(&b->data, n > b->data.len ? n - b->data.len : 0);
        if (e != ZH_OK)
            return e;
        zh__copy(b->data.ptr, p, n); /* p is outside the body: no overlap */
        b->data.len = n;
    }
    b->writer = NULL;
    b->writer_ud = NULL;
    return ZH_OK;
}

zh_err zh__body_append(zh__body *b, const void *p, size_t n)
{
    if (b->writer)
        return ZH_E_INVALID_ARGUMENT;
    if (n && !p)
        return ZH_E_INVALID_ARGUMENT;
    const char *c = p;
    if (n && b->data.ptr && c >= b->data.ptr && c < b->data.ptr + b->data.len) {
        size_t at = (size_t)(c - b->data.ptr);
        if (n > b->data.len - at)
            return ZH_E_INVALID_ARGUMENT;
        zh_err e = zh_buf_reserve(&b->data, n);
        if (e != ZH_OK)
            return e;
        memmove(b->data.ptr + b->data.len, b->data.ptr + at, n);
        b->data.len += n;
        return ZH_OK;
    }
    return zh_buf_append(&b->data, p, n);
}

void zh__body_set_writer(zh__body *b, zh_body_writer w, void *ud)
{
    zh_buf_clear(&b->data);
    b->writer = w;
    b->writer_ud = w ? ud : NULL;
}
