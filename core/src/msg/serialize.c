/* Serialization of requests and responses to the wire (RFC 9112 §3-§7). */
#include <string.h>

#include "msg/msg_internal.h"

/* What the user's fields say, found in one pass over the table. */
typedef struct field_scan {
    bool host, user_agent, server, date, content_type, connection;
    bool connection_close; /* a Connection field lists "close" */
} field_scan;

enum skip_kind { KEEP = 0, SKIP_FRAMING, CONNECTION };

static bool name_is(zh_slice name, const char *lit, size_t n)
{
    return name.len == n && zh_slice_eq_nocase(name, (zh_slice){ lit, n });
}
#define NAME_IS(name, lit) name_is((name), (lit), sizeof(lit) - 1)

/* Classifies one field name for the writer (and records it in *scan). */
static enum skip_kind classify(zh_slice name, zh_slice value, field_scan *scan)
{
    switch (name.len) {
    case 4:
        if (NAME_IS(name, "Host"))
            scan->host = true;
        else if (NAME_IS(name, "Date"))
            scan->date = true;
        break;
    case 6:
        if (NAME_IS(name, "Server"))
            scan->server = true;
        break;
    case 10:
        if (NAME_IS(name, "User-Agent")) {
            scan->user_agent = true;
        } else if (NAME_IS(name, "Connection")) {
            scan->connection = true;
            if (zh_list_has_token(value, ZH_SLICE_LIT("close")))
                scan->connection_close = true;
            return CONNECTION;
        }
        break;
    case 12:
        if (NAME_IS(name, "Content-Type"))
            scan->content_type = true;
        break;
    case 14:
        if (NAME_IS(name, "Content-Length"))
            return SKIP_FRAMING; /* always derived from the body */
        break;
    case 17:
        if (NAME_IS(name, "Transfer-Encoding"))
            return SKIP_FRAMING; /* the library alone decides chunked coding */
        break;
    default:
        break;
    }
    return KEEP;
}

static void scan_fields(const zh_headers *h, field_scan *scan)
{
    memset(scan, 0, sizeof *scan);
    for (size_t i = 0; i < h->count; i++) {
        zh_slice name, value;
        zh_headers_at(h, i, &name, &value);
        classify(name, value, scan);
    }
}

/* Appends "Name: value\r\n". */
static zh_err put_field(zh_buf *out, const char *name, size_t nlen, zh_slice value)
{
    zh_err e = zh_buf_reserve(out, nlen + 2 + value.len + 2);
    if (e != ZH_OK)
        return e;
    char *w = out->ptr + out->len;
    memcpy(w, name, nlen);
    w += nlen;
    *w++ = ':';
    *w++ = ' ';
    if (value.len)
        memcpy(w, value.ptr, value.len);
    w += value.len;
    *w++ = '\r';
    *w++ = '\n';
    out->len = (size_t)(w - out->ptr);
    return ZH_OK;
}
#define PUT_FIELD(out, lit, value) put_field((out), (lit), sizeof(lit) - 1, (value))

/* Writes the user's fields in order. Content-Length and Transfer-Encoding are
 * never copied; Connection fields are dropped when drop_connection (the library
 * writes its own "Connection: close" instead). */
static zh_err put_user_fields(const zh_headers *h, bool drop_connection, zh_buf *out)
{
    field_scan dummy;
    memset(&dummy, 0, sizeof dummy);
    for (size_t i = 0; i < h->count; i++) {
        zh_slice name, value;
        zh_headers_at(h, i, &name, &value);
        enum skip_kind k = classify(name, value, &dummy);
        if (k == SKIP_FRAMING || (k == CONNECTION && drop_connection))
            continue;
        zh_err e = put_field(out, name.ptr, name.len, value);
        if (e != ZH_OK)
            return e;
    }
    return ZH_OK;
}

/* The Connection line (RFC 9112 §9.3, §9.6). close: the connection ends after this
 * message; user_close: the user's own Connection field already says so. */
static zh_err put_connection(zh_buf *out, bool close, const field_scan *scan,
                             const zh_msg_defaults *d)
{
    if (close) {
        if (scan->connection_close)
            return ZH_OK; /* the user's field already says close */
        return PUT_FIELD(out, "Connection", ZH_SLICE_LIT("close"));
    }
    if (d->keep_alive && !scan->connection)
        return PUT_FIELD(out, "Connection", ZH_SLICE_LIT("keep-alive"));
    return ZH_OK;
}

static zh_err put_content_length(zh_buf *out, size_t n)
{
    zh_err e = zh_buf_append(out, "Content-Length: ", 16);
    if (e == ZH_OK)
        e = zh_buf_append_u64(out, n);
    if (e == ZH_OK)
        e = zh_buf_append(out, "\r\n", 2);
    return e;
}

static bool text_ok(zh_slice s) { return s.len == 0 || zh__is_field_text(s); }

/* Defaults come from the application, not the network, but a CR or LF in one
 * would split a field line: refuse them (ZH_E_INVALID_ARGUMENT). */
static bool defaults_ok(const zh_msg_defaults *d)
{
    return text_ok(d->date) && text_ok(d->server) && text_ok(d->content_type) &&
           text_ok(d->user_agent) && text_ok(d->host);
}

/* Methods whose request content has a defined meaning: a user agent sends
 * Content-Length: 0 for them even with no body (RFC 9110 §8.6). */
static bool method_expects_content(zh_slice m)
{
    return zh_slice_eq(m, ZH_SLICE_LIT("POST")) || zh_slice_eq(m, ZH_SLICE_LIT("PUT")) ||
           zh_slice_eq(m, ZH_SLICE_LIT("PATCH"));
}

/* ---------------------------------------------------------------- request */

static zh_err request_head(zh_request *req, const zh_msg_defaults *d, zh_buf *out,
                           unsigned *mode, bool *close)
{
    zh_slice method = zh_request_method(req);
    zh_slice target = zh_request_target(req);
    bool streaming = req->body.writer != NULL;
    if (streaming && req->version_minor == 0)
        return ZH_E_INVALID_ARGUMENT; /* no chunked coding in HTTP/1.0 (RFC 9112 §6.1) */
    field_scan scan;
    scan_fields(&req->headers, &scan);

    /* Host: the user's, else the default, else the authority of an absolute-form
     * target (RFC 9112 §3.2, §3.2.2). */
    zh_slice host = d->host, port = { "", 0 };
    if (!scan.host && host.len == 0) {
        zh_uri uri;
        if (zh_parse_target(target, method, &uri) == ZH_OK && uri.form == ZH_FORM_ABSOLUTE) {
            host = uri.host;
            port = uri.port_text;
        }
        if (host.len == 0 && req->version_minor == 1)
            return ZH_E_MISSING_HOST;
    }

    zh_err e = zh_buf_reserve(out, method.len + target.len + 12);
    if (e != ZH_OK)
        return e;
    char *w = out->ptr + out->len;
    memcpy(w, method.ptr, method.len);
    w += method.len;
    *w++ = ' ';
    memcpy(w, target.ptr, target.len);
    w += target.len;
    memcpy(w, req->version_minor ? " HTTP/1.1\r\n" : " HTTP/1.0\r\n", 11);
    w += 11;
    out->len = (size_t)(w - out->ptr);

    if (!scan.host && host.len) {
        /* RFC 9110 §7.2: a user agent SHOULD send Host first. */
        e = zh_buf_append(out, "Host: ", 6);
        if (e == ZH_OK)
            e = zh_buf_append_slice(out, host);
        if (e == ZH_OK && port.len) {
            e = zh_buf_append(out, ":", 1);
            if (e == ZH_OK)
                e = zh_buf_append_slice(out, port);
        }
        if (e == ZH_OK)
            e = zh_buf_append(out, "\r\n", 2);
        if (e != ZH_OK)
            return e;
    }
    if (!scan.user_agent && d->user_agent.len &&
        (e = PUT_FIELD(out, "User-Agent", d->user_agent)) != ZH_OK)
        return e;

    *close = d->close || scan.connection_close;
    if ((e = put_user_fields(&req->headers, *close && !scan.connection_close, out)) != ZH_OK)
        return e;

    if (streaming) {
        e = PUT_FIELD(out, "Transfer-Encoding", ZH_SLICE_LIT("chunked"));
        *mode = ZH__WIRE_CHUNKED;
    } else if (req->body.data.len || method_expects_content(method)) {
        e = put_content_length(out, req->body.data.len);
        *mode = ZH__WIRE_LENGTH;
    } else {
        *mode = ZH__WIRE_NONE;
    }
    if (e == ZH_OK)
        e = put_connection(out, *close, &scan, d);
    if (e == ZH_OK)
        e = zh_buf_append(out, "\r\n", 2);
    return e;
}

zh_err zh_request_serialize(zh_request *req, const zh_msg_defaults *defaults, zh_buf *out)
{
    static const zh_msg_defaults none;
    const zh_msg_defaults *d = defaults ? defaults : &none;
    if (!defaults_ok(d))
        return ZH_E_INVALID_ARGUMENT;
    size_t mark = out->len;
    unsigned mode = ZH__WIRE_NONE;
    bool close = false;
    zh_err e = request_head(req, d, out, &mode, &close);
    if (e == ZH_OK && mode == ZH__WIRE_LENGTH && !d->head_only)
        e = zh_buf_append(out, req->body.data.ptr, req->body.data.len);
    if (e != ZH_OK) {
        out->len = mark;
        return e;
    }
    req->wire.mode = mode;
    req->wire.close = close;
    req->wire.finished = false;
    return ZH_OK;
}

zh_err zh_request_write_body(zh_request *req, zh_buf *out, bool *done)
{
    return zh__body_pump(&req->body, &req->wire, out, done);
}

/* ---------------------------------------------------------------- response */

/* RFC 9110 §6.4.1 / §15.2, §15.3.5, §15.4.5, §9.3.2: no content in a response to
 * HEAD, in 1xx, 204 and 304. */
static bool response_has_no_body(int status, zh_slice request_method)
{
    return (status >= 100 && status < 200) || status == 204 || status == 304 ||
           zh_slice_eq(request_method, ZH_SLICE_LIT("HEAD"));
}

static zh_err response_head(zh_response *resp, zh_slice method, const zh_msg_defaults *d,
                            zh_buf *out, unsigned *mode, bool *close)
{
    bool streaming = resp->body.writer != NULL;
    if (response_has_no_body(resp->status, method))
        *mode = ZH__WIRE_NONE;
    else if (!streaming)
        *mode = ZH__WIRE_LENGTH;
    else if (resp->version_minor == 1 && !d->peer_http10)
        *mode = ZH__WIRE_CHUNKED; /* RFC 9112 §6.1: only to HTTP/1.1 recipients */
    else
        *mode = ZH__WIRE_CLOSE;   /* RFC 9112 §6.3 rule 8: ends with the connection */

    field_scan scan;
    scan_fields(&resp->headers, &scan);
    *close = d->close || scan.connection_close || *mode == ZH__WIRE_CLOSE;

    zh_slice reason = zh_response_reason(resp);
    zh_err e = zh_buf_reserve(out, 13 + reason.len + 2);
    if (e != ZH_OK)
        return e;
    char *w = out->ptr + out->len;
    memcpy(w, resp->version_minor ? "HTTP/1.1 " : "HTTP/1.0 ", 9);
    w += 9;
    unsigned st = (unsigned)resp->status;
    *w++ = (char)('0' + st / 100 % 10);
    *w++ = (char)('0' + st / 10 % 10);
    *w++ = (char)('0' + st % 10);
    *w++ = ' ';
    if (reason.len)
        memcpy(w, reason.ptr, reason.len);
    w += reason.len;
    *w++ = '\r';
    *w++ = '\n';
    out->len = (size_t)(w - out->ptr);

    if (!scan.server && d->server.len && (e = PUT_FIELD(out, "Server", d->server)) != ZH_OK)
        return e;
    if (!scan.date && d->date.len && (e = PUT_FIELD(out, "Date", d->date)) != ZH_OK)
        return e;
    if ((e = put_user_fields(&resp->headers, *close && !scan.connection_close, out)) != ZH_OK)
        return e;
    bool has_body = *mode == ZH__WIRE_CHUNKED || *mode == ZH__WIRE_CLOSE ||
                    (*mode == ZH__WIRE_LENGTH && resp->body.data.len);
    if (has_body && !scan.content_type && d->content_type.len &&
        (e = PUT_FIELD(out, "Content-Type", d->content_type)) != ZH_OK)
        return e;
    if (*mode == ZH__WIRE_LENGTH)
        e = put_content_length(out, resp->body.data.len);
    else if (*mode == ZH__WIRE_CHUNKED)
        e = PUT_FIELD(out, "Transfer-Encoding", ZH_SLICE_LIT("chunked"));
    if (e == ZH_OK)
        e = put_connection(out, *close, &scan, d);
    if (e == ZH_OK)
        e = zh_buf_append(out, "\r\n", 2);
    return e;
}

zh_err zh_response_serialize(zh_response *resp, zh_slice request_method,
                             const zh_msg_defaults *defaults, zh_buf *out)
{
    static const zh_msg_defaults none;
    const zh_msg_defaults *d = defaults ? defaults : &none;
    if (!defaults_ok(d))
        return ZH_E_INVALID_ARGUMENT;
    size_t mark = out->len;
    unsigned mode = ZH__WIRE_NONE;
    bool close = false;
    zh_err e = response_head(resp, request_method, d, out, &mode, &close);
    if (e == ZH_OK && mode == ZH__WIRE_LENGTH && !d->head_only)
        e = zh_buf_append(out, resp->body.data.ptr, resp->body.data.len);
    if (e != ZH_OK) {
        out->len = mark;
        return e;
    }
    resp->wire.mode = mode;
    resp->wire.close = close;
    resp->wire.finished = false;
    return ZH_OK;
}

zh_err zh_response_write_body(zh_response *resp, zh_buf *out, bool *done)
{
    return zh__body_pump(&resp->body, &resp->wire, out, done);
}
