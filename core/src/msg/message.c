/* Request and response objects: init/reset/dispose, fields, bodies. */
#include <string.h>

#include "msg/msg_internal.h"

/* Stores s in the table's store; s may be a slice of the store itself. */
static zh_err put_string(zh_headers *h, zh_slice s, size_t *off)
{
    if (s.len && h->store.ptr && s.ptr >= h->store.ptr && s.ptr < h->store.ptr + h->store.len) {
        size_t at = (size_t)(s.ptr - h->store.ptr);
        zh_err e = zh_buf_reserve(&h->store, s.len);
        if (e != ZH_OK)
            return e;
        s.ptr = h->store.ptr + at;
    }
    return zh__store_put(h, s, off);
}

/* Everything but the chunked decoder, which zh_chunked_init sets up whenever a
 * chunked body begins (nothing reads it otherwise): a reset runs per message. */
static void parse_state_reset(zh__parse_state *p)
{
    p->phase = ZH__PHASE_IDLE;
    p->error = ZH_OK;
    p->seen = false;
    p->framing = (zh_framing){ ZH_BODY_NONE, 0, false, false };
}

/* ---------------------------------------------------------------- request */

void zh_request_init(zh_request *req)
{
    memset(req, 0, sizeof *req);
    zh_headers_init(&req->headers);
    req->version_minor = 1;
}

void zh_request_reset(zh_request *req)
{
    zh_headers_reset(&req->headers);
    zh__body_reset(&req->body);
    req->method_off = req->method_len = 0;
    req->target_off = req->target_len = 0;
    req->version_minor = 1;
    parse_state_reset(&req->parse);
    memset(&req->wire, 0, sizeof req->wire);
}

void zh_request_dispose(zh_request *req)
{
    zh_headers_dispose(&req->headers);
    zh__body_dispose(&req->body);
    zh_request_reset(req);
}

zh_headers *zh_request_headers(zh_request *req) { return &req->headers; }
const zh_headers *zh_request_headers_const(const zh_request *req) { return &req->headers; }

zh_err zh_request_set_method(zh_request *req, zh_slice method)
{
    if (!zh__is_token(method))
        return ZH_E_BAD_METHOD;
    size_t off;
    zh_err e = put_string(&req->headers, method, &off);
    if (e != ZH_OK)
        return e;
    req->method_off = off;
    req->method_len = method.len;
    return ZH_OK;
}

zh_slice zh_request_method(const zh_request *req)
{
    if (req->method_len == 0)
        return ZH_SLICE_LIT("GET");
    return zh__store_get(&req->headers, req->method_off, req->method_len);
}

/* True when some byte of x is <= 0x20 (space, controls) or >= 0x7f (DEL,
 * non-ASCII). Exact for the word: the borrow of the first test and the carry
 * of the second only start at a byte that is itself flagged. */
static bool word_has_non_target_byte(uint64_t x)
{
    const uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
    uint64_t low = (x - ones * 0x21) & ~x & highs;
    uint64_t high = ((x + ones) | x) & highs;
    return (low | high) != 0;
}

static bool byte_is_non_target(unsigned char c) { return c <= 0x20 || c >= 0x7f; }

zh_err zh_request_set_target(zh_request *req, zh_slice target)
{
    if (target.len == 0)
        return ZH_E_BAD_TARGET;
    size_t i = 0;
    for (; i + 8 <= target.len; i += 8) {
        uint64_t x;
        memcpy(&x, target.ptr + i, 8);
        if (word_has_non_target_byte(x))
            return ZH_E_BAD_TARGET;
    }
    for (; i < target.len; i++)
        if (byte_is_non_target((unsigned char)target.ptr[i]))
            return ZH_E_BAD_TARGET;
    size_t off;
    zh_err e = put_string(&req->headers, target, &off);
    if (e != ZH_OK)
        return e;
    req->target_off = off;
    req->target_len = target.len;
    return ZH_OK;
}

zh_slice zh_request_target(const zh_request *req)
{
    if (req->target_len == 0)
        return ZH_SLICE_LIT("/");
    return zh__store_get(&req->headers, req->target_off, req->target_len);
}

zh_err zh_request_uri(const zh_request *req, zh_uri *out)
{
    return zh_parse_target(zh_request_target(req), zh_request_method(req), out);
}

zh_err zh_request_set_version(zh_request *req, int minor)
{
    if (minor != 0 && minor != 1)
        return ZH_E_UNSUPPORTED_VERSION;
    req->version_minor = minor;
    return ZH_OK;
}

int zh_request_version(const zh_request *req) { return req->version_minor; }

zh_err zh_request_set_body(zh_request *req, const void *p, size_t n)
{
    return zh__body_set(&req->body, p, n);
}

zh_err zh_request_append_body(zh_request *req, const void *p, size_t n)
{
    return zh__body_append(&req->body, p, n);
}

void zh_request_set_body_writer(zh_request *req, zh_body_writer writer, void *ud)
{
    zh__body_set_writer(&req->body, writer, ud);
}

zh_slice zh_request_body(const zh_request *req) { return zh_buf_slice(&req->body.data); }

int64_t zh_request_content_length(const zh_request *req)
{
    return req->body.writer ? -1 : (int64_t)req->body.data.len;
}

bool zh_request_wire_close(const zh_request *req) { return req->wire.close; }

bool zh_request_head_done(const zh_request *req)
{
    return req->parse.phase == ZH__PHASE_BODY || req->parse.phase == ZH__PHASE_DONE;
}

zh_framing zh_request_parsed_framing(const zh_request *req)
{
    if (!zh_request_head_done(req))
        return (zh_framing){ ZH_BODY_NONE, 0, false, false };
    return req->parse.framing;
}

bool zh_request_must_close(const zh_request *req) { return zh_request_parsed_framing(req).must_close; }

bool zh_request_expect_continue(const zh_request *req)
{
    return zh_request_parsed_framing(req).expect_continue;
}

/* ---------------------------------------------------------------- response */

void zh_response_init(zh_response *resp)
{
    memset(resp, 0, sizeof *resp);
    zh_headers_init(&resp->headers);
    resp->status = 200;
    resp->version_minor = 1;
}

void zh_response_reset(zh_response *resp)
{
    zh_headers_reset(&resp->headers);
    zh__body_reset(&resp->body);
    resp->status = 200;
    resp->reason_off = resp->reason_len = 0;
    resp->reason_set = false;
    resp->version_minor = 1;
    parse_state_reset(&resp->parse);
    memset(&resp->wire, 0, sizeof resp->wire);
}

void zh_response_dispose(zh_response *resp)
{
    zh_headers_dispose(&resp->headers);
    zh__body_dispose(&resp->body);
    zh_response_reset(resp);
}

zh_headers *zh_response_headers(zh_response *resp) { return &resp->headers; }
const zh_headers *zh_response_headers_const(const zh_response *resp) { return &resp->headers; }

zh_err zh_response_set_status(zh_response *resp, int status)
{
    if (status < 100 || status > 599)
        return ZH_E_BAD_STATUS;
    resp->status = status;
    resp->reason_set = false;
    resp->reason_off = resp->reason_len = 0;
    return ZH_OK;
}

zh_err zh_response_set_status_reason(zh_response *resp, int status, zh_slice reason)
{
    if (status < 100 || status > 599)
        return ZH_E_BAD_STATUS;
    if (!zh__is_field_text(reason))
        return ZH_E_BAD_REASON;
    size_t off = 0;
    zh_err e = put_string(&resp->headers, reason, &off);
    if (e != ZH_OK)
        return e;
    resp->status = status;
    resp->reason_off = off;
    resp->reason_len = reason.len;
    resp->reason_set = true;
    return ZH_OK;
}

int zh_response_status(const zh_response *resp) { return resp->status; }

zh_slice zh_response_reason(const zh_response *resp)
{
    if (resp->reason_set)
        return zh__store_get(&resp->headers, resp->reason_off, resp->reason_len);
    return zh_slice_from_cstr(zh_status_reason(resp->status));
}

zh_err zh_response_set_version(zh_response *resp, int minor)
{
    if (minor != 0 && minor != 1)
        return ZH_E_UNSUPPORTED_VERSION;
    resp->version_minor = minor;
    return ZH_OK;
}

int zh_response_version(const zh_response *resp) { return resp->version_minor; }

zh_err zh_response_set_body(zh_response *resp, const void *p, size_t n)
{
    return zh__body_set(&resp->body, p, n);
}

zh_err zh_response_append_body(zh_response *resp, const void *p, size_t n)
{
    return zh__body_append(&resp->body, p, n);
}

void zh_response_set_body_writer(zh_response *resp, zh_body_writer writer, void *ud)
{
    zh__body_set_writer(&resp->body, writer, ud);
}

zh_slice zh_response_body(const zh_response *resp) { return zh_buf_slice(&resp->body.data); }

int64_t zh_response_content_length(const zh_response *resp)
{
    return resp->body.writer ? -1 : (int64_t)resp->body.data.len;
}

bool zh_response_wire_close(const zh_response *resp) { return resp->wire.close; }

bool zh_response_head_done(const zh_response *resp)
{
    return resp->parse.phase == ZH__PHASE_BODY || resp->parse.phase == ZH__PHASE_DONE;
}

zh_framing zh_response_parsed_framing(const zh_response *resp)
{
    if (!zh_response_head_done(resp))
        return (zh_framing){ ZH_BODY_NONE, 0, false, false };
    return resp->parse.framing;
}

bool zh_response_must_close(const zh_response *resp)
{
    return zh_response_parsed_framing(resp).must_close;
}
