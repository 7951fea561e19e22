/* zhttp/msg.h - reusable request and response objects, their header table,
 * serialization to the wire, and reading a whole message from bytes.
 *
 * Objects are plain structs the caller embeds: init (no allocation), reset (the
 * hot path: never touches the allocator), dispose (frees). Each object owns a
 * string store (method, target, reason, header names and values) and a body
 * buffer; both grow with zh_realloc while warming up and are then reused, so a
 * steady-state parse/serialize cycle allocates nothing. Inside the objects
 * everything is an offset into those buffers; slices are made at the API edge.
 *
 * Nothing is cached from a field that may still change: the method, the content
 * length and the framing of the wire form are computed from the current state
 * every time they are read (fasthttp's stale isGet bug cannot happen here).
 *
 * Treat every struct member below as private; use the functions. */
#ifndef ZHTTP_MSG_H
#define ZHTTP_MSG_H

#include <time.h>

#include "zhttp/common.h"
#include "zhttp/error.h"
#include "zhttp/parse.h"

ZH_BEGIN_DECLS

/* ================================================================ zh_buf */

/* A growable byte buffer: ptr[0..len) is the content, cap the allocated size.
 * Grows with zh_realloc (doubling); zh_buf_clear keeps the memory for reuse.
 * max, when not 0, caps cap: growing past it is ZH_E_BUFFER_FULL.
 * A zero-initialized zh_buf (or ZH_BUF_INIT) is a valid empty buffer. */
typedef struct zh_buf {
    char *ptr;
    size_t len;
    size_t cap;
    size_t max; /* 0: unlimited */
} zh_buf;

#define ZH_BUF_INIT ((zh_buf){ NULL, 0, 0, 0 })

ZH_API void zh_buf_init(zh_buf *b);
/* Frees the memory; the buffer is empty and reusable afterwards. */
ZH_API void zh_buf_dispose(zh_buf *b);
/* len = 0; the memory is kept (no allocator call). */
ZH_API void zh_buf_clear(zh_buf *b);
/* Ensures cap - len >= extra. ZH_E_NOMEM (buffer unchanged) or ZH_E_BUFFER_FULL. */
ZH_API zh_err zh_buf_reserve(zh_buf *b, size_t extra);
/* Appends n bytes (p may be NULL when n is 0). On error the buffer is unchanged. */
ZH_API zh_err zh_buf_append(zh_buf *b, const void *p, size_t n);
ZH_API zh_err zh_buf_append_slice(zh_buf *b, zh_slice s);
ZH_API zh_err zh_buf_append_cstr(zh_buf *b, const char *s);
/* Appends v in decimal. */
ZH_API zh_err zh_buf_append_u64(zh_buf *b, uint64_t v);
/* Removes the first n bytes (n > len removes all), moving the rest to the front. */
ZH_API void zh_buf_consume(zh_buf *b, size_t n);
/* The content; valid until the next call that modifies b. */
ZH_API zh_slice zh_buf_slice(const zh_buf *b);

/* Chunked transfer coding writers (RFC 9112 §7.1), for servers and clients that
 * stream a body. zh_buf_append_chunk appends "<hex n>\r\n" data "\r\n"; n == 0 is
 * a no-op (an empty chunk would end the body). zh_buf_append_chunk_header appends
 * only "<hex n>\r\n" (n > 0) for callers that send the data with writev and then
 * "\r\n" themselves. zh_buf_append_last_chunk appends "0\r\n\r\n" (no trailers). */
ZH_API zh_err zh_buf_append_chunk(zh_buf *b, const void *data, size_t n);
ZH_API zh_err zh_buf_append_chunk_header(zh_buf *b, size_t n);
ZH_API zh_err zh_buf_append_last_chunk(zh_buf *b);

/* ================================================================ helpers */

/* Formats t as an IMF-fixdate (RFC 9110 §5.6.7), e.g. "Sun, 06 Nov 1994 08:49:37 GMT":
 * writes 29 characters and a NUL into out and returns 29. A server calls it once
 * per second and passes the result as zh_msg_defaults.date. */
ZH_API size_t zh_http_date(time_t t, char out[30]);

/* The standard reason phrase of a status code ("OK", "Not Found"); "" for codes
 * without one. Never NULL; a static string. */
ZH_API const char *zh_status_reason(int status);

/* ================================================================ header table */

/* One header table slot. While a head is being parsed it holds the parser's
 * zh_field; afterwards offsets into the table's store. Private. */
typedef union zh__hslot {
    zh_field field;
    struct {
        size_t name_off, name_len, value_off, value_len;
    } ent;
} zh__hslot;

/* An ordered header table: duplicates kept in order, names compared without
 * ASCII case. Its store also holds the owning message's other strings. */
typedef struct zh_headers {
    zh_buf store;      /* bytes of names and values (and the message's strings) */
    zh__hslot *slots;  /* slots[0..count) */
    size_t count;
    size_t cap;        /* allocated slots */
    size_t max;        /* most fields accepted (set, add, parse) */
} zh_headers;

#define ZH_MSG_MAX_HEADERS_DEFAULT 100

/* An empty table allowing ZH_MSG_MAX_HEADERS_DEFAULT fields. No allocation. */
ZH_API void zh_headers_init(zh_headers *h);
/* Empties the table, keeping its memory. */
ZH_API void zh_headers_reset(zh_headers *h);
ZH_API void zh_headers_dispose(zh_headers *h);
/* Changes the most fields the table accepts (>= 1). Fields already there stay. */
ZH_API void zh_headers_set_max(zh_headers *h, size_t max);

/* Number of fields, duplicates counted. */
ZH_API size_t zh_headers_count(const zh_headers *h);
/* Field i (0-based, in order) into *name and *value; false when i >= count.
 * The slices are valid until the next call that modifies the table or its
 * message (any set/add/del/reset/parse). */
ZH_API bool zh_headers_at(const zh_headers *h, size_t i, zh_slice *name, zh_slice *value);
/* Value of the FIRST field named name (ASCII case-insensitive) into *value; false
 * (and an empty *value) when there is none. *value is valid until the next call
 * that modifies the table or its message. */
ZH_API bool zh_headers_get(const zh_headers *h, zh_slice name, zh_slice *value);
/* True when a field named name exists. */
ZH_API bool zh_headers_has(const zh_headers *h, zh_slice name);

/* Appends a field after all others (duplicates kept). name must be a token
 * (RFC 9110 §5.1: ZH_E_BAD_FIELD_NAME otherwise); value must not contain CR, LF,
 * NUL or other controls except HTAB (ZH_E_BAD_FIELD_VALUE: no header injection).
 * ZH_E_TOO_MANY_FIELDS at the table's max, ZH_E_NOMEM when growing fails; on
 * any error the table is unchanged. name and value are copied. */
ZH_API zh_err zh_headers_add(zh_headers *h, zh_slice name, zh_slice value);
/* Replaces all fields named name with one field name: value, placed where the
 * first of them was (appended when there was none). Same errors as add. The
 * bytes of replaced or deleted fields are reclaimed at the next reset. */
ZH_API zh_err zh_headers_set(zh_headers *h, zh_slice name, zh_slice value);
/* Removes every field named name; returns how many were removed. */
ZH_API size_t zh_headers_del(zh_headers *h, zh_slice name);

/* ================================================================ bodies */

/* A streaming body source. Called repeatedly by zh_request_write_body /
 * zh_response_write_body: each call appends the next piece of raw body bytes to
 * out (any amount, possibly none; the library adds the chunk framing) and sets
 * *done after the last piece. Return ZH_OK, ZH_E_WOULD_BLOCK when no bytes are
 * ready yet (call again later), or any other error to abort the message (the
 * connection must then be closed: the peer cannot tell where the body ended). */
typedef zh_err (*zh_body_writer)(void *ud, zh_buf *out, bool *done);

/* Private state shared by both message kinds. */
typedef struct zh__body {
    zh_buf data;
    zh_body_writer writer; /* non-NULL: streaming */
    void *writer_ud;
} zh__body;

typedef struct zh__parse_state {
    unsigned phase;        /* idle, head, body, done, failed */
    zh_err error;          /* the error that failed the parse */
    bool seen;             /* bytes were offered since the parse began */
    zh_framing framing;    /* the framing decision of the parsed head */
    zh_chunked chunked;    /* chunked decoder state */
} zh__parse_state;

typedef struct zh__wire_state {
    unsigned mode;         /* body mode chosen by the last serialize */
    bool close;            /* the last serialize said: close after this message */
    bool finished;         /* streaming: last piece written */
} zh__wire_state;

/* ================================================================ defaults */

/* What the connection owner supplies when serializing. Zero-initialized
 * ({0}) means: no default headers, an HTTP/1.1 peer, keep the connection.
 * Every default header goes out ONLY when the user set no field of that name
 * (the user wins: one user field => exactly that one on the wire; two user
 * fields => both, in order). */
typedef struct zh_msg_defaults {
    /* Responses. */
    zh_slice date;         /* Date value, e.g. from zh_http_date cached per second; empty: none */
    zh_slice server;       /* Server value; empty: none */
    zh_slice content_type; /* Content-Type for a response with a body; empty: none */
    bool peer_http10;      /* the request answered was HTTP/1.0: no chunked coding
                            * (a streamed body is then delimited by closing) */
    /* Requests. */
    zh_slice user_agent;   /* User-Agent value; empty: none */
    zh_slice host;         /* Host value; empty: taken from an absolute-form target */
    /* Both. */
    bool close;            /* send "Connection: close": the connection closes after this message */
    bool keep_alive;       /* send "Connection: keep-alive" (HTTP/1.0 peers) unless closing
                            * or the user set a Connection field */
    bool head_only;        /* serialize the head only; the caller sends zh_*_body() itself
                            * (e.g. with writev). Framing fields are the same. */
} zh_msg_defaults;

/* ================================================================ request */

typedef struct zh_request {
    zh_headers headers;    /* public through zh_request_headers() */
    zh__body body;
    size_t method_off, method_len; /* method_len 0: never set (GET) */
    size_t target_off, target_len; /* target_len 0: never set ("/") */
    int version_minor;
    zh__parse_state parse;
    zh__wire_state wire;
} zh_request;

/* A GET / HTTP/1.1 request with no fields and no body. No allocation. */
ZH_API void zh_request_init(zh_request *req);
/* Back to the state after init, keeping all memory (no allocator call). */
ZH_API void zh_request_reset(zh_request *req);
/* Frees all memory; init again to reuse. */
ZH_API void zh_request_dispose(zh_request *req);

/* The header table of req; valid as long as req. Modifying it modifies req. */
ZH_API zh_headers *zh_request_headers(zh_request *req);
ZH_API const zh_headers *zh_request_headers_const(const zh_request *req);

/* Method token (RFC 9110 §9): ZH_E_BAD_METHOD when method is empty or not a token. */
ZH_API zh_err zh_request_set_method(zh_request *req, zh_slice method);
/* The method, read from the object at every call: "GET" when never set. Valid
 * until the next call that modifies req or zh_request_reset. */
ZH_API zh_slice zh_request_method(const zh_request *req);
/* Request-target as sent on the request line: "/path?query", an absolute URL,
 * "host:port" (CONNECT) or "*" (OPTIONS). ZH_E_BAD_TARGET when empty or when it
 * holds a space, a control or a non-ASCII byte. Validated as a URI only by
 * zh_request_uri / at parse time. */
ZH_API zh_err zh_request_set_target(zh_request *req, zh_slice target);
/* The target: "/" when never set. Valid until the next call that modifies req or
 * zh_request_reset. */
ZH_API zh_slice zh_request_target(const zh_request *req);
/* Splits the current target with zh_parse_target (on demand, nothing cached).
 * The slices in *out are valid until the next call that modifies req or
 * zh_request_reset. */
ZH_API zh_err zh_request_uri(const zh_request *req, zh_uri *out);
/* 0 (HTTP/1.0) or 1 (HTTP/1.1, the default); ZH_E_UNSUPPORTED_VERSION otherwise. */
ZH_API zh_err zh_request_set_version(zh_request *req, int minor);
ZH_API int zh_request_version(const zh_request *req);

/* Body bytes: set replaces the body (and drops a writer); append adds to it
 * (ZH_E_INVALID_ARGUMENT when a writer is set). Bytes are copied. */
ZH_API zh_err zh_request_set_body(zh_request *req, const void *p, size_t n);
ZH_API zh_err zh_request_append_body(zh_request *req, const void *p, size_t n);
/* Streams the body from writer (replaces any body bytes). Sent chunked
 * (HTTP/1.1 only: serializing a streamed HTTP/1.0 request is ZH_E_INVALID_ARGUMENT). */
ZH_API void zh_request_set_body_writer(zh_request *req, zh_body_writer writer, void *ud);
/* The body bytes (empty for a streamed body). Valid until the next call that
 * modifies req or zh_request_reset. */
ZH_API zh_slice zh_request_body(const zh_request *req);
/* The content length, derived from the body at every call: the body length, or
 * -1 for a streamed body. There is no separate stored length to disagree. */
ZH_API int64_t zh_request_content_length(const zh_request *req);

/* Appends the wire form of req to out (nothing is cleared: pipelined messages
 * coalesce). defaults may be NULL ({0}).
 *   request-line: METHOD SP target SP HTTP/1.x
 *   Host: defaults.host (or the absolute target's authority) first, only if the
 *     user set no Host; an HTTP/1.1 request with no Host at all is ZH_E_MISSING_HOST
 *   User-Agent: defaults.user_agent, only if the user set none
 *   the user's fields in order, EXCEPT Content-Length and Transfer-Encoding, which
 *     the library always writes itself from the body (a user-set value can never
 *     disagree with the bytes sent), and Connection when closing (replaced)
 *   Content-Length: body length (when the body is not empty or the method is
 *     POST, PUT or PATCH), or Transfer-Encoding: chunked for a streamed body
 *   Connection: close (defaults.close) / keep-alive (defaults.keep_alive)
 *   CRLF, then the body bytes unless streamed or head_only.
 * A streamed body is then sent with zh_request_write_body. On error out is
 * unchanged. */
ZH_API zh_err zh_request_serialize(zh_request *req, const zh_msg_defaults *defaults, zh_buf *out);
/* Streams the next piece of a streamed body after zh_request_serialize: calls the
 * writer, frames what it appended as a chunk, and after the last piece appends the
 * last-chunk; *done then becomes true. For a non-streamed body *done is true at
 * once and nothing is appended. Errors from the writer are returned as is, and
 * whatever it appended in that call is dropped from out. */
ZH_API zh_err zh_request_write_body(zh_request *req, zh_buf *out, bool *done);
/* True when the last zh_request_serialize decided the connection closes after
 * this request (defaults.close or a user "Connection: close"). */
ZH_API bool zh_request_wire_close(const zh_request *req);

/* Reads one request from buf[0..len) into req (RFC 9112): the head with
 * zh_parse_request_head, the Host checks of zh_validate_request, the body length
 * with zh_request_framing (the one framing function), then the body (Content-Length
 * or chunked), copying everything kept into req's own storage. cfg may be NULL.
 * The first call after init/reset starts a message (discarding what the user set).
 * Returns:
 *   ZH_OK: the whole message is in req; *consumed = bytes of it in buf. Bytes
 *     after it are NOT consumed (the next pipelined message).
 *   ZH_INCOMPLETE: *consumed bytes at the front of buf were taken (0 while the head
 *     is incomplete: the head must arrive whole in one buffer, bounded by
 *     limits.max_head; in a chunked body a partial chunk line may be left too);
 *     call again with the bytes after them plus more.
 *   an error: the parse is over; the body is empty (never partial data). Body over
 *     limits.max_body -> ZH_E_BODY_TOO_LARGE. Use zh_error_http_status for the answer.
 * After ZH_OK or an error, further calls return ZH_E_INVALID_ARGUMENT until
 * zh_request_reset. With ZH_LENIENT_OBS_FOLD, folds in stored values are replaced
 * by spaces (RFC 9112 §5.2): no stored value ever holds CR or LF. */
ZH_API zh_err zh_request_parse(zh_request *req, const char *buf, size_t len,
                               const zh_parse_config *cfg, size_t *consumed);
/* Tells a parse in progress that the peer closed the connection. Returns
 * ZH_E_CLOSED when no byte of a message was offered, ZH_E_TRUNCATED_HEAD within the
 * head, ZH_E_TRUNCATED_BODY within the body (and the body is emptied), ZH_OK when
 * the message was already complete. */
ZH_API zh_err zh_request_parse_eof(zh_request *req);
/* True once the head is parsed and validated (the body may still be arriving): a
 * server then checks zh_request_expect_continue to send 100 Continue. */
ZH_API bool zh_request_head_done(const zh_request *req);
/* The framing decision of the parsed head (kind, length, must_close,
 * expect_continue); all zero before the head is done. */
ZH_API zh_framing zh_request_parsed_framing(const zh_request *req);
/* Shortcuts: the connection must close after this request (Connection: close,
 * HTTP/1.0 without keep-alive); the request carries Expect: 100-continue. */
ZH_API bool zh_request_must_close(const zh_request *req);
ZH_API bool zh_request_expect_continue(const zh_request *req);

/* ================================================================ response */

typedef struct zh_response {
    zh_headers headers;
    zh__body body;
    int status;                    /* default 200 */
    size_t reason_off, reason_len;
    bool reason_set;               /* false: the reason is zh_status_reason(status) */
    int version_minor;
    zh__parse_state parse;
    zh__wire_state wire;
} zh_response;

/* A 200 OK HTTP/1.1 response with no fields and no body. No allocation. */
ZH_API void zh_response_init(zh_response *resp);
/* Back to the state after init, keeping all memory (no allocator call). */
ZH_API void zh_response_reset(zh_response *resp);
ZH_API void zh_response_dispose(zh_response *resp);

ZH_API zh_headers *zh_response_headers(zh_response *resp);
ZH_API const zh_headers *zh_response_headers_const(const zh_response *resp);

/* Sets the status (100..599, ZH_E_BAD_STATUS otherwise) and drops any custom
 * reason: the reason becomes the standard one for the new status. */
ZH_API zh_err zh_response_set_status(zh_response *resp, int status);
/* Sets status and a custom reason (may be empty; no CR, LF or controls except
 * HTAB: ZH_E_BAD_REASON). */
ZH_API zh_err zh_response_set_status_reason(zh_response *resp, int status, zh_slice reason);
ZH_API int zh_response_status(const zh_response *resp);
/* The custom or parsed reason, else zh_status_reason(status). Valid until the next
 * call that modifies resp or zh_response_reset. */
ZH_API zh_slice zh_response_reason(const zh_response *resp);
/* 0 or 1 (default); ZH_E_UNSUPPORTED_VERSION otherwise. */
ZH_API zh_err zh_response_set_version(zh_response *resp, int minor);
ZH_API int zh_response_version(const zh_response *resp);

/* Body, as for requests. A body is never error text: parse failures are
 * returned as error codes and leave the body empty. */
ZH_API zh_err zh_response_set_body(zh_response *resp, const void *p, size_t n);
ZH_API zh_err zh_response_append_body(zh_response *resp, const void *p, size_t n);
ZH_API void zh_response_set_body_writer(zh_response *resp, zh_body_writer writer, void *ud);
/* Valid until the next call that modifies resp or zh_response_reset. */
ZH_API zh_slice zh_response_body(const zh_response *resp);
/* Body length, or -1 for a streamed body; derived at every call. */
ZH_API int64_t zh_response_content_length(const zh_response *resp);

/* Appends the wire form of resp, the answer to a request with request_method
 * (empty slice: not HEAD), to out. defaults may be NULL.
 *   status-line: HTTP/1.x SP status SP reason
 *   Server, Date: the defaults, only if the user set no field of that name
 *   the user's fields in order, except Content-Length and Transfer-Encoding
 *     (always written by the library) and Connection when closing (replaced)
 *   Content-Type: defaults.content_type if there is a body and the user set none
 *   framing (RFC 9110 §6.4.1, §8.6; RFC 9112 §6.1): for 1xx, 204 and 304: no
 *     Content-Length, no Transfer-Encoding, NO body bytes; for an answer to HEAD:
 *     the fields a GET would get (§9.3.2), Content-Length: body length when the
 *     body is set as bytes (none when streamed), and NO body bytes;
 *     otherwise Content-Length: body length, or for a streamed body
 *     Transfer-Encoding: chunked (HTTP/1.1 response to an HTTP/1.1 peer) or, for
 *     HTTP/1.0, a body delimited by closing the connection (Connection: close)
 *   Connection: close when defaults.close, a close-delimited body, or the user's
 *     Connection field has "close"; keep-alive when defaults.keep_alive
 *   CRLF, then the body bytes unless streamed or head_only.
 * On error out is unchanged. */
ZH_API zh_err zh_response_serialize(zh_response *resp, zh_slice request_method,
                                    const zh_msg_defaults *defaults, zh_buf *out);
/* As zh_request_write_body, for a streamed response body (chunked, or raw bytes
 * when close-delimited; nothing for HEAD, 1xx, 204, 304). */
ZH_API zh_err zh_response_write_body(zh_response *resp, zh_buf *out, bool *done);
/* True when the last zh_response_serialize decided the connection must close after
 * this response (defaults.close, the user's Connection: close, or a body delimited
 * by closing). The server must honour it. */
ZH_API bool zh_response_wire_close(const zh_response *resp);

/* Reads one response, the answer to a request with request_method (HEAD and
 * CONNECT change the framing), from buf[0..len). Same contract as
 * zh_request_parse, with zh_parse_response_head and zh_response_framing. A body
 * delimited by closing (no Content-Length, no chunked) takes every byte offered
 * and stays ZH_INCOMPLETE until zh_response_parse_eof. A 1xx response is
 * returned as a complete message of its own (the client skips it). */
ZH_API zh_err zh_response_parse(zh_response *resp, const char *buf, size_t len,
                                zh_slice request_method, const zh_parse_config *cfg,
                                size_t *consumed);
/* The peer closed the connection: ZH_OK when that ends a close-delimited body
 * (or the response was already complete); ZH_E_TRUNCATED_BODY when a
 * Content-Length or chunked body was cut short (the body is emptied: a short body
 * is never reported as success); ZH_E_TRUNCATED_HEAD within the head; ZH_E_CLOSED
 * when no byte of a response was offered. */
ZH_API zh_err zh_response_parse_eof(zh_response *resp);
ZH_API bool zh_response_head_done(const zh_response *resp);
ZH_API zh_framing zh_response_parsed_framing(const zh_response *resp);
/* The connection must close after this response (Connection: close, HTTP/1.0
 * without keep-alive, close-delimited body). */
ZH_API bool zh_response_must_close(const zh_response *resp);

ZH_END_DECLS

#endif
