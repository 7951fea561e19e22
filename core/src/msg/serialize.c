/* Serialization of requests and responses to the wire (RFC 9112 §3-§7). */
#include <string.h>

#include "msg/msg_internal.h"

/* What the user's fields say, found in one pass over the table. */
typedef struct field_scan {
    bool host, user_agent, server, date, content_type, connection;
    bool connection_close; /* a Connection field lists "close" */
} field_scan;

enum skip_kind { KEEP = 0, SKIP_FRAMING, CONNECTION };

/* Classifies one field name for the writer (and records it in *scan). The
 * switch on the length rules out nearly every name before any comparison. */
static zh_slice field_value(const zh_headers *h, size_t i);

static enum skip_kind classify(const zh_headers *h, size_t i, zh_slice name, field_scan *scan)
{
    switch (name.len) {
    case 4:
        if (ZH__NAME_IS(name, "Host"))
            scan->host = true;
        else if (ZH__NAME_IS(name, "Date"))
            scan->date = true;
        break;
    case 6:
        if (ZH__NAME_IS(name, "Server"))
            scan->server = true;
        break;
    case 10:
        if (ZH__NAME_IS(name, "User-Agent")) {
            scan->user_agent = true;
        } else if (ZH__NAME_IS(name, "Connection")) {
            scan->connection = true;
            if (zh_list_has_token(field_value(h, i), ZH_SLICE_LIT("close")))
                scan->connection_close = true;
            return CONNECTION;
        }
        break;
    case 12:
        if (ZH__NAME_IS(name, "Content-Type"))
            scan->content_type = true;
        break;
    case 14:
        if (ZH__NAME_IS(name, "Content-Length"))
            return SKIP_FRAMING; /* always derived from the body */
        break;
    case 17:
        if (ZH__NAME_IS(name, "Transfer-Encoding"))
            return SKIP_FRAMING; /* the library alone decides chunked coding */
        break;
    default:
        break;
    }
    return KEEP;
}

/* What the writer does with a field: classify without the scan. */
static enum skip_kind wire_kind(zh_slice name)
{
    switch (name.len) {
    case 10:
        return ZH__NAME_IS(name, "Connection") ? CONNECTION : KEEP;
    case 14:
        return ZH__NAME_IS(name, "Content-Length") ? SKIP_FRAMING : KEEP;
    case 17:
        return ZH__NAME_IS(name, "Transfer-Encoding") ? SKIP_FRAMING : KEEP;
    default:
        return KEEP;
    }
}

static zh_slice field_name(const zh_headers *h, size_t i)
{
    return (zh_slice){ h->store.ptr + h->slots[i].ent.name_off, h->slots[i].ent.name_len };
}

static zh_slice field_value(const zh_headers *h, size_t i)
{
    return zh__store_get(h, h->slots[i].ent.value_off, h->slots[i].ent.value_len);
}

/* One pass over the user's fields: what they hold, and how many wire bytes the
 * kept ones take ("Name: value\r\n"), Connection fields counted apart. */
static void scan_fields(const zh_headers *h, field_scan *scan, size_t *kept_bytes,
                        size_t *connection_bytes)
{
    memset(scan, 0, sizeof *scan);
    *kept_bytes = *connection_bytes = 0;
    for (size_t i = 0; i < h->count; i++) {
        zh_slice name = field_name(h, i);
        enum skip_kind k = classify(h, i, name, scan);
        size_t n = name.len + h->slots[i].ent.value_len + 4;
        if (k == KEEP)
            *kept_bytes += n;
        else if (k == CONNECTION)
            *connection_bytes += n;
    }
}

/* The head is measured first, reserved once, then written without checks. */
typedef struct writer {
    char *p;
} writer;

static void put(writer *w, const void *s, size_t n)
{
    zh__copy(w->p, s, n);
    w->p += n;
}
#define PUT_LIT(w, lit) put((w), (lit), sizeof(lit) - 1)

/* "Name: value\r\n" */
static void put_field(writer *w, const char *name, size_t nlen, zh_slice value)
{
    put(w, name, nlen);
    PUT_LIT(w, ": ");
    put(w, value.ptr, value.len);
    PUT_LIT(w, "\r\n");
}
#define PUT_FIELD(w, lit, value) put_field((w), (lit), sizeof(lit) - 1, (value))
#define FIELD_LEN(lit, value) (sizeof(lit) - 1 + 4 + (value).len)

static size_t digits(uint64_t v)
{
    size_t n = 1;
    while (v >= 10) {
        v /= 10;
        n++;
    }
    return n;
}

static void put_u64(writer *w, uint64_t v, size_t ndigits)
{
    for (size_t i = ndigits; i > 0; i--) {
        w->p[i - 1] = (char)('0' + v % 10);
        v /= 10;
    }
    w->p += ndigits;
}

/* Writes the user's fields in order. Content-Length and Transfer-Encoding are
 * never copied; Connection fields are dropped when drop_connection (the library
 * writes its own "Connection: close" instead). */
static void put_user_fields(writer *w, const zh_headers *h, bool drop_connection)
{
    for (size_t i = 0; i < h->count; i++) {
        zh_slice name = field_name(h, i);
        enum skip_kind k = wire_kind(name);
        if (k == SKIP_FRAMING || (k == CONNECTION && drop_connection))
            continue;
        put_field(w, name.ptr, name.len, field_value(h, i));
    }
}

/* The Connection line (RFC 9112 §9.3, §9.6): "close" when the connection ends
 * after this message (unless the user's own field already says so), else
 * "keep-alive" when asked for and the user set no Connection field. */
static zh_slice connection_value(bool close, const field_scan *scan, const zh_msg_defaults *d)
{
    if (close)
        return scan->connection_close ? (zh_slice){ "", 0 } : ZH_SLICE_LIT("close");
    if (d->keep_alive && !scan->connection)
        return ZH_SLICE_LIT("keep-alive");
    return (zh_slice){ "", 0 };
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
static bool method_is(zh_slice m, const char *lit, size_t n)
{
    return m.len == n && memcmp(m.ptr, lit, n) == 0;
}
#define METHOD_IS(m, lit) method_is((m), (lit), sizeof(lit) - 1)

static bool method_expects_content(zh_slice m)
{
    return METHOD_IS(m, "POST") || METHOD_IS(m, "PUT") || METHOD_IS(m, "PATCH");
}

/* ---------------------------------------------------------------- request */

zh_err zh_request_serialize(zh_request *req, const zh_msg_defaults *defaults, zh_buf *out)
{
    return zh__request_serialize(req, defaults, true, out);
}

zh_err zh__request_serialize(zh_request *req, const zh_msg_defaults *defaults, bool check_defaults,
                             zh_buf *out)
{
    static const zh_msg_defaults none;
    const zh_msg_defaults *d = defaults ? defaults : &none;
    if (check_defaults && !defaults_ok(d))
        return ZH_E_INVALID_ARGUMENT;
    zh_slice method = zh_request_method(req);
    zh_slice target = zh_request_target(req);
    bool streaming = req->body.writer != NULL;
    if (streaming && req->version_minor == 0)
        return ZH_E_INVALID_ARGUMENT; /* no chunked coding in HTTP/1.0 (RFC 9112 §6.1) */
    field_scan scan;
    size_t kept, conn_bytes;
    scan_fields(&req->headers, &scan, &kept, &conn_bytes);

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
    bool put_host = !scan.host && host.len;
    bool put_ua = !scan.user_agent && d->user_agent.len;
    bool close = d->close || scan.connection_close;
    bool drop_connection = close && !scan.connection_close;
    unsigned mode = streaming ? ZH__WIRE_CHUNKED
                    : (req->body.data.len || method_expects_content(method)) ? ZH__WIRE_LENGTH
                                                                              : ZH__WIRE_NONE;
    size_t body_len = req->body.data.len;
    size_t cl_digits = digits(body_len);
    zh_slice conn = connection_value(close, &scan, d);
    bool put_body = mode == ZH__WIRE_LENGTH && !d->head_only;

    size_t n = method.len + 1 + target.len + 11;
    if (put_host)
        n += 6 + host.len + (port.len ? 1 + port.len : 0) + 2;
    if (put_ua)
        n += FIELD_LEN("User-Agent", d->user_agent);
    n += kept + (drop_connection ? 0 : conn_bytes);
    if (mode == ZH__WIRE_CHUNKED)
        n += FIELD_LEN("Transfer-Encoding", ZH_SLICE_LIT("chunked"));
    else if (mode == ZH__WIRE_LENGTH)
        n += 16 + cl_digits + 2;
    if (conn.len)
        n += FIELD_LEN("Connection", conn);
    n += 2 + (put_body ? body_len : 0);
    zh_err e = zh_buf_reserve(out, n);
    if (e != ZH_OK)
        return e;

    writer w = { out->ptr + out->len };
    put(&w, method.ptr, method.len);
    PUT_LIT(&w, " ");
    put(&w, target.ptr, target.len);
    if (req->version_minor)
        PUT_LIT(&w, " HTTP/1.1\r\n");
    else
        PUT_LIT(&w, " HTTP/1.0\r\n");
    if (put_host) {
        /* RFC 9110 §7.2: a user agent SHOULD send Host first. */
        PUT_LIT(&w, "Host: ");
        put(&w, host.ptr, host.len);
        if (port.len) {
            PUT_LIT(&w, ":");
            put(&w, port.ptr, port.len);
        }
        PUT_LIT(&w, "\r\n");
    }
    if (put_ua)
        PUT_FIELD(&w, "User-Agent", d->user_agent);
    put_user_fields(&w, &req->headers, drop_connection);
    if (mode == ZH__WIRE_CHUNKED) {
        PUT_FIELD(&w, "Transfer-Encoding", ZH_SLICE_LIT("chunked"));
    } else if (mode == ZH__WIRE_LENGTH) {
        PUT_LIT(&w, "Content-Length: ");
        put_u64(&w, body_len, cl_digits);
        PUT_LIT(&w, "\r\n");
    }
    if (conn.len)
        PUT_FIELD(&w, "Connection", conn);
    PUT_LIT(&w, "\r\n");
    if (put_body)
        put(&w, req->body.data.ptr, body_len);
    out->len = (size_t)(w.p - out->ptr);

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

/* RFC 9110 §6.4.1 / §15.2, §15.3.5, §15.4.5: no content in 1xx, 204 and 304. */
static bool status_has_no_body(int status)
{
    return (status >= 100 && status < 200) || status == 204 || status == 304;
}

/* §9.3.2: no content in a response to HEAD either. */
static bool response_has_no_body(int status, zh_slice request_method)
{
    return status_has_no_body(status) || METHOD_IS(request_method, "HEAD");
}

zh_err zh_response_serialize(zh_response *resp, zh_slice request_method,
                             const zh_msg_defaults *defaults, zh_buf *out)
{
    return zh__response_serialize(resp, request_method, defaults, true, (zh_slice){ NULL, 0 }, out);
}

zh_err zh__response_serialize(zh_response *resp, zh_slice request_method,
                              const zh_msg_defaults *defaults, bool check_defaults,
                              zh_slice ok_prefix, zh_buf *out)
{
    static const zh_msg_defaults none;
    const zh_msg_defaults *d = defaults ? defaults : &none;
    if (check_defaults && !defaults_ok(d))
        return ZH_E_INVALID_ARGUMENT;
    bool streaming = resp->body.writer != NULL;
    unsigned mode;
    if (response_has_no_body(resp->status, request_method))
        mode = ZH__WIRE_NONE;
    else if (!streaming)
        mode = ZH__WIRE_LENGTH;
    else if (resp->version_minor == 1 && !d->peer_http10)
        mode = ZH__WIRE_CHUNKED; /* RFC 9112 §6.1: only to HTTP/1.1 recipients */
    else
        mode = ZH__WIRE_CLOSE;   /* RFC 9112 §6.3 rule 8: ends with the connection */

    field_scan scan;
    size_t kept, conn_bytes;
    scan_fields(&resp->headers, &scan, &kept, &conn_bytes);
    bool close = d->close || scan.connection_close || mode == ZH__WIRE_CLOSE;
    bool drop_connection = close && !scan.connection_close;
    bool put_server = !scan.server && d->server.len;
    bool put_date = !scan.date && d->date.len;
    size_t body_len = resp->body.data.len;
    /* A HEAD response carries the fields a GET would (§9.3.2), Content-Length
     * included when the body is known (§8.6), but not the body itself. */
    bool head_length = mode == ZH__WIRE_NONE && !streaming && !status_has_no_body(resp->status);
    bool has_body = mode == ZH__WIRE_CHUNKED || mode == ZH__WIRE_CLOSE ||
                    ((mode == ZH__WIRE_LENGTH || head_length) && body_len);
    bool put_ctype = has_body && !scan.content_type && d->content_type.len;
    size_t cl_digits = digits(body_len);
    zh_slice conn = connection_value(close, &scan, d);
    bool put_body = mode == ZH__WIRE_LENGTH && !d->head_only;

    /* The common answer (HTTP/1.1 200 OK with the defaults' Server and Date)
     * starts with the caller's prebuilt block: one copy instead of six. */
    bool use_prefix = ok_prefix.len && resp->version_minor == 1 && resp->status == 200 &&
                      !resp->reason_set && !scan.server && !scan.date;
    zh_slice reason = use_prefix ? (zh_slice){ "", 0 } : zh_response_reason(resp);
    size_t n = use_prefix ? ok_prefix.len : 13 + reason.len + 2;
    if (put_server && !use_prefix)
        n += FIELD_LEN("Server", d->server);
    if (put_date && !use_prefix)
        n += FIELD_LEN("Date", d->date);
    n += kept + (drop_connection ? 0 : conn_bytes);
    if (put_ctype)
        n += FIELD_LEN("Content-Type", d->content_type);
    if (mode == ZH__WIRE_LENGTH || head_length)
        n += 16 + cl_digits + 2;
    else if (mode == ZH__WIRE_CHUNKED)
        n += FIELD_LEN("Transfer-Encoding", ZH_SLICE_LIT("chunked"));
    if (conn.len)
        n += FIELD_LEN("Connection", conn);
    n += 2 + (put_body ? body_len : 0);
    zh_err e = zh_buf_reserve(out, n);
    if (e != ZH_OK)
        return e;

    writer w = { out->ptr + out->len };
    if (use_prefix) {
        put(&w, ok_prefix.ptr, ok_prefix.len);
    } else {
        if (resp->version_minor)
            PUT_LIT(&w, "HTTP/1.1 ");
        else
            PUT_LIT(&w, "HTTP/1.0 ");
        unsigned st = (unsigned)resp->status;
        char code[4] = { (char)('0' + st / 100 % 10), (char)('0' + st / 10 % 10), (char)('0' + st % 10), ' ' };
        put(&w, code, 4);
        put(&w, reason.ptr, reason.len);
        PUT_LIT(&w, "\r\n");
        if (put_server)
            PUT_FIELD(&w, "Server", d->server);
        if (put_date)
            PUT_FIELD(&w, "Date", d->date);
    }
    put_user_fields(&w, &resp->headers, drop_connection);
    if (put_ctype)
        PUT_FIELD(&w, "Content-Type", d->content_type);
    if (mode == ZH__WIRE_LENGTH || head_length) {
        PUT_LIT(&w, "Content-Length: ");
        put_u64(&w, body_len, cl_digits);
        PUT_LIT(&w, "\r\n");
    } else if (mode == ZH__WIRE_CHUNKED) {
        PUT_FIELD(&w, "Transfer-Encoding", ZH_SLICE_LIT("chunked"));
    }
    if (conn.len)
        PUT_FIELD(&w, "Connection", conn);
    PUT_LIT(&w, "\r\n");
    if (put_body)
        put(&w, resp->body.data.ptr, body_len);
    out->len = (size_t)(w.p - out->ptr);

    resp->wire.mode = mode;
    resp->wire.close = close;
    resp->wire.finished = false;
    return ZH_OK;
}

zh_err zh_response_write_body(zh_response *resp, zh_buf *out, bool *done)
{
    return zh__body_pump(&resp->body, &resp->wire, out, done);
}
