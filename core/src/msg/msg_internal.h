/* Internal to the msg layer: character classes and helpers shared by its files. */
#ifndef ZH_MSG_INTERNAL_H
#define ZH_MSG_INTERNAL_H

#include <string.h>

#include "zhttp/msg.h"

/* Parse phases (zh__parse_state.phase). */
enum {
    ZH__PHASE_IDLE = 0, /* no byte offered since init/reset */
    ZH__PHASE_HEAD,     /* head incomplete */
    ZH__PHASE_BODY,     /* head done, body arriving */
    ZH__PHASE_DONE,     /* whole message parsed */
    ZH__PHASE_FAILED,   /* parse failed with parse.error */
};

/* Body modes chosen at serialization (zh__wire_state.mode). */
enum {
    ZH__WIRE_NONE = 0,    /* no body bytes on the wire */
    ZH__WIRE_LENGTH,      /* Content-Length, bytes written by serialize */
    ZH__WIRE_CHUNKED,     /* streamed, chunked coding */
    ZH__WIRE_CLOSE,       /* streamed, delimited by closing the connection */
};

/* ASCII case-insensitive equality of a[0..n) and b[0..n): eight bytes at a
 * time while they are equal as they are (the usual case: a name spelled as
 * registered), byte by byte otherwise. Header names are short; this runs in
 * every lookup and in serialization, so it is inline. */
static inline bool zh__nocase_eq(const char *a, const char *b, size_t n)
{
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t x, y;
        memcpy(&x, a + i, 8);
        memcpy(&y, b + i, 8);
        if (x != y)
            break;
    }
    if (n >= 8 && i < n && i + 8 > n) {
        /* Every full word matched; the rest as the final eight bytes
         * (overlapping the last word). */
        uint64_t x, y;
        memcpy(&x, a + n - 8, 8);
        memcpy(&y, b + n - 8, 8);
        if (x == y)
            return true;
    }
    for (; i < n; i++) {
        unsigned char ca = (unsigned char)a[i], cb = (unsigned char)b[i];
        if (ca == cb)
            continue;
        ca |= 0x20;
        if (ca != (cb | 0x20) || ca < 'a' || ca > 'z')
            return false;
    }
    return true;
}

/* memcpy for the short strings of heads (names, values, status lines): up to 16
 * bytes with two overlapping loads and stores, no call; longer ones go to
 * memcpy. dst and src must not overlap. */
static inline void zh__copy(char *dst, const char *src, size_t n)
{
    if (n > 16) {
        memcpy(dst, src, n);
    } else if (n >= 8) {
        uint64_t a, b;
        memcpy(&a, src, 8);
        memcpy(&b, src + n - 8, 8);
        memcpy(dst, &a, 8);
        memcpy(dst + n - 8, &b, 8);
    } else if (n >= 4) {
        uint32_t a, b;
        memcpy(&a, src, 4);
        memcpy(&b, src + n - 4, 4);
        memcpy(dst, &a, 4);
        memcpy(dst + n - 4, &b, 4);
    } else if (n) {
        char a = src[0], b = src[n / 2], c = src[n - 1];
        dst[0] = a;
        dst[n / 2] = b;
        dst[n - 1] = c;
    }
}

/* name equals the literal lit of length n, ignoring ASCII case. */
static inline bool zh__name_is(zh_slice name, const char *lit, size_t n)
{
    return name.len == n && zh__nocase_eq(name.ptr, lit, n);
}
#define ZH__NAME_IS(name, lit) zh__name_is((name), (lit), sizeof(lit) - 1)

/* tchar (RFC 9110 §5.6.2). */
bool zh__is_tchar(unsigned char c);
/* True when s is a non-empty token. */
bool zh__is_token(zh_slice s);
/* True when every byte of s may appear in a field value or reason phrase we write:
 * HTAB, SP, VCHAR, obs-text (no CR, LF, NUL, other controls, DEL). */
bool zh__is_field_text(zh_slice s);

/* Appends s to the table's store and returns its offset in *off. */
zh_err zh__store_put(zh_headers *h, zh_slice s, size_t *off);
/* A slice of the store. */
static inline zh_slice zh__store_get(const zh_headers *h, size_t off, size_t len)
{
    zh_slice s = { len ? h->store.ptr + off : "", len };
    return s;
}

/* Ensures h->cap >= n slots. */
zh_err zh__headers_reserve(zh_headers *h, size_t n);

/* The body helpers shared by request and response. */
void zh__body_reset(zh__body *b);
void zh__body_dispose(zh__body *b);
zh_err zh__body_set(zh__body *b, const void *p, size_t n);
zh_err zh__body_append(zh__body *b, const void *p, size_t n);
void zh__body_set_writer(zh__body *b, zh_body_writer w, void *ud);

/* zh_request_serialize; check_defaults false skips the check that the default
 * values hold only field text (the client checked its User-Agent and Host
 * values once, when it stored them). */
zh_err zh__request_serialize(zh_request *req, const zh_msg_defaults *defaults, bool check_defaults,
                             zh_buf *out);

/* zh_response_serialize with two shortcuts for a caller whose defaults are its
 * own (the server):
 *   - check_defaults false skips the check that the default values hold only
 *     field text (the server checked its name once; its Date comes from
 *     zh_http_date);
 *   - ok_prefix, when not empty, MUST be exactly the bytes the writer would
 *     produce for "HTTP/1.1 200 OK\r\n" followed by the Server and Date lines
 *     of these defaults (each only when its default is not empty); it is
 *     copied in one piece when the response is an HTTP/1.1 200 with the
 *     standard reason and the user set neither Server nor Date. */
zh_err zh__response_serialize(zh_response *resp, zh_slice request_method,
                              const zh_msg_defaults *defaults, bool check_defaults,
                              zh_slice ok_prefix, zh_buf *out);

/* Streams the next piece of a body in the given wire mode. */
zh_err zh__body_pump(zh__body *b, zh__wire_state *w, zh_buf *out, bool *done);

#endif
