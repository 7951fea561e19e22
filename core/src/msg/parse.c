/* Reading a whole request or response from bytes: the parse layer's head
 * parsers, THE framing function, then the body, copied into the object. */
#include <string.h>

#include "msg/msg_internal.h"

/* The parser fills the slot array as zh_field[]; the strides must agree. */
_Static_assert(sizeof(zh__hslot) == sizeof(zh_field), "zh__hslot must be laid out as zh_field");

#define FIRST_SLOTS 16

static const zh_parse_config *config_or_default(const zh_parse_config *cfg, zh_parse_config *tmp)
{
    if (cfg)
        return cfg;
    *tmp = ZH_PARSE_CONFIG_DEFAULT;
    return tmp;
}

static zh_err fail(zh__parse_state *st, zh__body *body, zh_err e)
{
    st->phase = ZH__PHASE_FAILED;
    st->error = e;
    zh_buf_clear(&body->data); /* never a partial body next to an error */
    return e;
}

/* Field capacity for this parse: the table's max and the parser's limit. */
static size_t field_limit(const zh_headers *h, const zh_parse_config *cfg)
{
    size_t lim = cfg->limits.max_fields;
    return h->max < lim ? h->max : lim;
}

/* Next capacity to try after the parser ran out of cap slots, or 0 when cap is
 * already the limit (the error is then real). */
static size_t next_slot_cap(size_t cap, size_t limit)
{
    if (cap >= limit)
        return 0;
    return cap * 2 < limit ? cap * 2 : limit;
}

/* At least one slot, so the field array is never a null pointer (the limit
 * itself is enforced by the parser through min(fields_cap, max_fields)). */
static size_t first_slot_cap(const zh_headers *h, size_t limit)
{
    size_t cap = h->cap > FIRST_SLOTS ? h->cap : FIRST_SLOTS;
    cap = cap < limit ? cap : limit;
    return cap ? cap : 1;
}

/* Offset of a slice of buf[0..) once buf is copied to the store at base. */
static size_t rebase(zh_slice s, const char *buf, size_t base)
{
    return s.len ? base + (size_t)(s.ptr - buf) : 0;
}

/* RFC 9112 §5.2: a recipient that accepts obs-fold replaces each fold with SP
 * before interpreting or forwarding the value. The value slice of a folded field
 * spans the fold bytes (parse.h); blank them in our copy so no CR or LF can ever
 * reach the wire from a stored value. */
static void unfold(char *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (v[i] == '\r' || v[i] == '\n')
            v[i] = ' ';
}

/* Copies the head bytes into the store and turns the parsed fields (slices into
 * buf) into store offsets. */
static zh_err keep_head(zh_headers *h, const char *buf, size_t head_len, size_t num_fields,
                        const zh_parse_config *cfg, size_t *base)
{
    *base = h->store.len;
    zh_err e = zh_buf_append(&h->store, buf, head_len);
    if (e != ZH_OK)
        return e;
    /* Names are never empty; an empty value's offset is never read. */
    size_t b = *base;
    zh__hslot *slot = h->slots;
    for (size_t i = 0; i < num_fields; i++) {
        zh_field f = slot[i].field;
        slot[i].ent.name_off = b + (size_t)(f.name.ptr - buf);
        slot[i].ent.name_len = f.name.len;
        slot[i].ent.value_off = f.value.len ? b + (size_t)(f.value.ptr - buf) : b;
        slot[i].ent.value_len = f.value.len;
    }
    h->count = num_fields;
    if (cfg->lenient & ZH_LENIENT_OBS_FOLD) {
        for (size_t i = 0; i < num_fields; i++)
            if (slot[i].ent.value_len)
                unfold(h->store.ptr + slot[i].ent.value_off, slot[i].ent.value_len);
    }
    return ZH_OK;
}

/* Starts the body after the head: decides what to wait for. */
static void begin_body(zh__parse_state *st, const zh_parse_config *cfg)
{
    st->phase = ZH__PHASE_BODY;
    if (st->framing.kind == ZH_BODY_CHUNKED)
        zh_chunked_init(&st->chunked, cfg);
}

static zh_err body_append(zh__body *body, const zh_parse_config *cfg, const char *p, size_t n)
{
    if (n > cfg->limits.max_body || body->data.len > cfg->limits.max_body - n)
        return ZH_E_BODY_TOO_LARGE;
    return zh_buf_append(&body->data, p, n);
}

/* Takes body bytes from p[0..n). Returns ZH_OK when the body is complete (*used
 * bytes belong to it), ZH_INCOMPLETE when all n bytes were taken and more are
 * needed, or an error. */
static zh_err take_body(zh__parse_state *st, zh__body *body, const zh_parse_config *cfg,
                        const char *p, size_t n, size_t *used)
{
    *used = 0;
    zh_err e;
    switch (st->framing.kind) {
    case ZH_BODY_NONE:
        return ZH_OK;
    case ZH_BODY_LENGTH: {
        uint64_t left = st->framing.length - body->data.len;
        size_t take = (uint64_t)n < left ? n : (size_t)left;
        if ((e = body_append(body, cfg, p, take)) != ZH_OK)
            return e;
        *used = take;
        return (uint64_t)body->data.len == st->framing.length ? ZH_OK : ZH_INCOMPLETE;
    }
    case ZH_BODY_CHUNKED:
        for (;;) {
            size_t c = 0;
            zh_slice data = { NULL, 0 };
            zh_err r = zh_chunked_next(&st->chunked, p + *used, n - *used, &c, &data);
            if (r != ZH_OK && r != ZH_INCOMPLETE)
                return r;
            if (data.len && (e = body_append(body, cfg, data.ptr, data.len)) != ZH_OK)
                return e;
            *used += c;
            if (r == ZH_OK)
                return ZH_OK;
            if (c == 0 && data.len == 0)
                return ZH_INCOMPLETE;
        }
    case ZH_BODY_UNTIL_CLOSE:
        if ((e = body_append(body, cfg, p, n)) != ZH_OK)
            return e;
        *used = n;
        return ZH_INCOMPLETE;
    }
    return ZH_E_INVALID_ARGUMENT;
}

/* The body phase shared by both kinds. start: bytes of buf already used (head). */
static zh_err continue_body(zh__parse_state *st, zh__body *body, const zh_parse_config *cfg,
                            const char *buf, size_t len, size_t start, size_t *consumed)
{
    size_t used = 0;
    zh_err e = take_body(st, body, cfg, buf + start, len - start, &used);
    if (e == ZH_OK) {
        st->phase = ZH__PHASE_DONE;
        *consumed = start + used;
        return ZH_OK;
    }
    if (e == ZH_INCOMPLETE) {
        /* Usually every byte; the chunked decoder may leave a partial line
         * (e.g. a lone CR) for the next call. */
        *consumed = start + used;
        return ZH_INCOMPLETE;
    }
    return fail(st, body, e);
}

static zh_err eof(zh__parse_state *st, zh__body *body)
{
    switch (st->phase) {
    case ZH__PHASE_DONE:
        return ZH_OK;
    case ZH__PHASE_FAILED:
        return st->error;
    case ZH__PHASE_BODY:
        if (st->framing.kind == ZH_BODY_UNTIL_CLOSE) {
            st->phase = ZH__PHASE_DONE; /* RFC 9112 §6.3 rule 8 */
            return ZH_OK;
        }
        return fail(st, body, ZH_E_TRUNCATED_BODY);
    case ZH__PHASE_HEAD:
        return fail(st, body, st->seen ? ZH_E_TRUNCATED_HEAD : ZH_E_CLOSED);
    default:
        return fail(st, body, ZH_E_CLOSED);
    }
}

/* ---------------------------------------------------------------- request */

static zh_err request_head(zh_request *req, const char *buf, size_t len,
                           const zh_parse_config *cfg, size_t *head_len)
{
    zh_headers *h = &req->headers;
    size_t limit = field_limit(h, cfg);
    size_t cap = first_slot_cap(h, limit);
    zh_request_head head;
    zh_err e;
    for (;;) {
        if ((e = zh__headers_reserve(h, cap)) != ZH_OK)
            return e;
        memset(&head, 0, sizeof head);
        head.fields = &h->slots[0].field;
        head.fields_cap = cap;
        e = zh_parse_request_head(buf, len, cfg, &head, head_len);
        if (e != ZH_E_TOO_MANY_FIELDS || (cap = next_slot_cap(cap, limit)) == 0)
            break;
    }
    if (e != ZH_OK)
        return e;
    if ((e = zh_validate_request(&head, cfg)) != ZH_OK)
        return e;
    if ((e = zh_request_framing(&head, cfg, &req->parse.framing)) != ZH_OK)
        return e;
    size_t base;
    if ((e = keep_head(h, buf, *head_len, head.num_fields, cfg, &base)) != ZH_OK)
        return e;
    req->method_off = rebase(head.method, buf, base);
    req->method_len = head.method.len;
    req->target_off = rebase(head.target, buf, base);
    req->target_len = head.target.len;
    req->version_minor = head.version_minor;
    return ZH_OK;
}

zh_err zh_request_parse(zh_request *req, const char *buf, size_t len,
                        const zh_parse_config *cfg, size_t *consumed)
{
    zh_parse_config tmp;
    zh__parse_state *st = &req->parse;
    *consumed = 0;
    cfg = config_or_default(cfg, &tmp);
    switch (st->phase) {
    case ZH__PHASE_IDLE:
        zh_request_reset(req);
        st->phase = ZH__PHASE_HEAD;
        /* fall through */
    case ZH__PHASE_HEAD: {
        if (len)
            st->seen = true;
        size_t head_len = 0;
        zh_err e = request_head(req, buf, len, cfg, &head_len);
        if (e == ZH_INCOMPLETE)
            return e;
        if (e != ZH_OK) {
            zh_headers_reset(&req->headers);
            req->method_len = req->target_len = 0;
            return fail(st, &req->body, e);
        }
        begin_body(st, cfg);
        return continue_body(st, &req->body, cfg, buf, len, head_len, consumed);
    }
    case ZH__PHASE_BODY:
        return continue_body(st, &req->body, cfg, buf, len, 0, consumed);
    default:
        return ZH_E_INVALID_ARGUMENT;
    }
}

zh_err zh_request_parse_eof(zh_request *req) { return eof(&req->parse, &req->body); }

/* ---------------------------------------------------------------- response */

static zh_err response_head(zh_response *resp, const char *buf, size_t len, zh_slice method,
                            const zh_parse_config *cfg, size_t *head_len)
{
    zh_headers *h = &resp->headers;
    size_t limit = field_limit(h, cfg);
    size_t cap = first_slot_cap(h, limit);
    zh_response_head head;
    zh_err e;
    for (;;) {
        if ((e = zh__headers_reserve(h, cap)) != ZH_OK)
            return e;
        memset(&head, 0, sizeof head);
        head.fields = &h->slots[0].field;
        head.fields_cap = cap;
        e = zh_parse_response_head(buf, len, cfg, &head, head_len);
        if (e != ZH_E_TOO_MANY_FIELDS || (cap = next_slot_cap(cap, limit)) == 0)
            break;
    }
    if (e != ZH_OK)
        return e;
    zh_framing *fr = &resp->parse.framing;
    if ((e = zh_response_framing(&head, method, cfg, fr)) != ZH_OK)
        return e;
    if (fr->kind == ZH_BODY_UNTIL_CLOSE)
        fr->must_close = true;
    size_t base;
    if ((e = keep_head(h, buf, *head_len, head.num_fields, cfg, &base)) != ZH_OK)
        return e;
    resp->status = head.status;
    resp->reason_off = rebase(head.reason, buf, base);
    resp->reason_len = head.reason.len;
    resp->reason_set = true;
    resp->version_minor = head.version_minor;
    return ZH_OK;
}

zh_err zh_response_parse(zh_response *resp, const char *buf, size_t len, zh_slice request_method,
                         const zh_parse_config *cfg, size_t *consumed)
{
    zh_parse_config tmp;
    zh__parse_state *st = &resp->parse;
    *consumed = 0;
    cfg = config_or_default(cfg, &tmp);
    switch (st->phase) {
    case ZH__PHASE_IDLE:
        zh_response_reset(resp);
        st->phase = ZH__PHASE_HEAD;
        /* fall through */
    case ZH__PHASE_HEAD: {
        if (len)
            st->seen = true;
        size_t head_len = 0;
        zh_err e = response_head(resp, buf, len, request_method, cfg, &head_len);
        if (e == ZH_INCOMPLETE)
            return e;
        if (e != ZH_OK) {
            zh_headers_reset(&resp->headers);
            resp->status = 200;
            resp->reason_set = false;
            resp->reason_len = 0;
            return fail(st, &resp->body, e);
        }
        begin_body(st, cfg);
        return continue_body(st, &resp->body, cfg, buf, len, head_len, consumed);
    }
    case ZH__PHASE_BODY:
        return continue_body(st, &resp->body, cfg, buf, len, 0, consumed);
    default:
        return ZH_E_INVALID_ARGUMENT;
    }
}

zh_err zh_response_parse_eof(zh_response *resp) { return eof(&resp->parse, &resp->body); }
