/* Internal to the msg layer: character classes and helpers shared by its files. */
#ifndef ZH_MSG_INTERNAL_H
#define ZH_MSG_INTERNAL_H

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
zh_slice zh__store_get(const zh_headers *h, size_t off, size_t len);

/* Ensures h->cap >= n slots. */
zh_err zh__headers_reserve(zh_headers *h, size_t n);

/* The body helpers shared by request and response. */
void zh__body_reset(zh__body *b);
void zh__body_dispose(zh__body *b);
zh_err zh__body_set(zh__body *b, const void *p, size_t n);
zh_err zh__body_append(zh__body *b, const void *p, size_t n);
void zh__body_set_writer(zh__body *b, zh_body_writer w, void *ud);

/* Streams the next piece of a body in the given wire mode. */
zh_err zh__body_pump(zh__body *b, zh__wire_state *w, zh_buf *out, bool *done);

#endif
