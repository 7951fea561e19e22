/* conformance/src/target_parser.c - the "parser" target: replays parser cases
 * in-process over parse.h and writes the normalised trace.
 *
 * Trace lines, one fact per line (values escaped like case-file bytes):
 *   message N                    before the 2nd, 3rd... message of a pipelined input
 *   method GET / target /x / form origin / version 1.1     (requests)
 *   version 1.1 / status 200 / reason OK                   (responses)
 *   field Name: value            each field line, in order ("field Name:" if empty)
 *   head-bytes N                 length of the head, leading empty lines included
 *   uri scheme=.. host=.. port=.. path=.. query=..         (requests, zh_parse_target)
 *   framing none|length N|chunked|until-close close=0|1 [expect-continue]
 *   body-length N / body BYTES   the decoded body
 *   end-offset N                 input offset just after the message
 *   trailing-bytes N             bytes left after a message that closes the connection
 *   error ZH_E_NAME / error-offset N / answer STATUS       on failure (then stop)
 * The end of the input is the peer closing: a message cut short there is
 * ZH_E_TRUNCATED_HEAD or ZH_E_TRUNCATED_BODY, never data. */
#include <stdlib.h>
#include <string.h>

#include "conform.h"

/* Bytes that "arrive": the input is revealed up to avail, cut by cut. */
typedef struct feed {
    const char *buf;
    size_t len, avail;
    const size_t *cuts;
    size_t ncuts, next;
} feed;

static bool feed_more(feed *f)
{
    if (f->avail >= f->len)
        return false;
    while (f->next < f->ncuts && f->cuts[f->next] <= f->avail)
        f->next++;
    f->avail = f->next < f->ncuts ? f->cuts[f->next++] : f->len;
    return true;
}

static void put_slice(cf_buf *t, const char *label, zh_slice s)
{
    cf_buf_puts(t, label);
    cf_buf_put_escaped(t, s.ptr, s.len);
    cf_buf_puts(t, "\n");
}

static void put_error(cf_buf *t, zh_err e, size_t offset, bool has_offset)
{
    cf_buf_printf(t, "error %s\n", zh_error_name(e));
    if (has_offset)
        cf_buf_printf(t, "error-offset %zu\n", offset);
    int st = zh_error_http_status(e);
    if (st)
        cf_buf_printf(t, "answer %d\n", st);
}

static void put_fields(cf_buf *t, const zh_field *f, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        cf_buf_puts(t, "field ");
        cf_buf_put_escaped(t, f[i].name.ptr, f[i].name.len);
        cf_buf_puts(t, f[i].value.len ? ": " : ":"); /* no trailing space */
        cf_buf_put_escaped(t, f[i].value.ptr, f[i].value.len);
        cf_buf_puts(t, "\n");
    }
}

static const char *form_name(zh_target_form f)
{
    switch (f) {
    case ZH_FORM_ORIGIN: return "origin";
    case ZH_FORM_ABSOLUTE: return "absolute";
    case ZH_FORM_AUTHORITY: return "authority";
    case ZH_FORM_ASTERISK: return "asterisk";
    }
    return "unknown";
}

static void put_framing(cf_buf *t, const zh_framing *fr)
{
    switch (fr->kind) {
    case ZH_BODY_NONE: cf_buf_puts(t, "framing none"); break;
    case ZH_BODY_LENGTH:
        cf_buf_printf(t, "framing length %llu", (unsigned long long)fr->length);
        break;
    case ZH_BODY_CHUNKED: cf_buf_puts(t, "framing chunked"); break;
    case ZH_BODY_UNTIL_CLOSE: cf_buf_puts(t, "framing until-close"); break;
    default: cf_buf_printf(t, "framing kind-%d", (int)fr->kind); break;
    }
    cf_buf_printf(t, " close=%d%s\n", fr->must_close ? 1 : 0,
                  fr->expect_continue ? " expect-continue" : "");
}

static void put_body(cf_buf *t, const char *p, size_t n)
{
    cf_buf_printf(t, "body-length %zu\n", n);
    if (n) {
        cf_buf_puts(t, "body ");
        cf_buf_put_escaped(t, p, n);
        cf_buf_puts(t, "\n");
    }
}

/* Cross-check of the in-place decoder on the whole remaining input: same
 * outcome, same body, same end as the slice decoder gave. */
static void check_decode_in_place(cf_buf *t, const zh_parse_config *cfg, const char *in,
                                  size_t n, zh_err want_err, const cf_buf *want_body,
                                  size_t want_consumed)
{
    char *copy = malloc(n ? n : 1);
    if (!copy)
        return;
    memcpy(copy, in, n);
    zh_chunked d;
    zh_chunked_init(&d, cfg);
    size_t consumed = 0, decoded = 0;
    zh_err e = zh_chunked_decode(&d, copy, n, &consumed, &decoded);
    bool same = e == want_err;
    if (same && e == ZH_OK)
        same = decoded == want_body->len &&
               (decoded == 0 || memcmp(copy, want_body->ptr, decoded) == 0) &&
               consumed == want_consumed && zh_chunked_done(&d);
    if (same && e == ZH_INCOMPLETE)
        same = consumed == n;
    if (!same)
        cf_buf_printf(t, "chunked-decode-differs %s consumed=%zu decoded=%zu\n", zh_error_name(e),
                      consumed, decoded);
    free(copy);
}

/* Reads the body described by fr starting at *pos. Returns false after an error
 * line (the connection is done). */
static bool read_body(cf_buf *t, feed *f, size_t *pos, const zh_framing *fr,
                      const zh_parse_config *cfg, bool cross_check)
{
    switch (fr->kind) {
    case ZH_BODY_NONE:
        put_body(t, "", 0);
        return true;
    case ZH_BODY_LENGTH: {
        while ((uint64_t)(f->avail - *pos) < fr->length && feed_more(f)) {
        }
        if ((uint64_t)(f->avail - *pos) < fr->length) {
            cf_buf_printf(t, "body-received %zu\n", f->avail - *pos);
            put_error(t, ZH_E_TRUNCATED_BODY, 0, false);
            return false;
        }
        put_body(t, f->buf + *pos, (size_t)fr->length);
        *pos += (size_t)fr->length;
        return true;
    }
    case ZH_BODY_UNTIL_CLOSE:
        while (feed_more(f)) {
        }
        put_body(t, f->buf + *pos, f->len - *pos);
        *pos = f->len;
        return true;
    case ZH_BODY_CHUNKED: {
        zh_chunked d;
        zh_chunked_init(&d, cfg);
        cf_buf body = { 0 };
        size_t start = *pos;
        zh_err e = ZH_INCOMPLETE;
        for (;;) {
            if (*pos == f->avail) {
                if (!feed_more(f))
                    break;
                continue;
            }
            size_t c = 0;
            zh_slice data = { NULL, 0 };
            e = zh_chunked_next(&d, f->buf + *pos, f->avail - *pos, &c, &data);
            if (c > f->avail - *pos) { /* contract breach: never trust it */
                cf_buf_printf(t, "contract-breach chunked consumed %zu > %zu\n", c,
                              f->avail - *pos);
                cf_buf_free(&body);
                return false;
            }
            if (data.len)
                cf_buf_put(&body, data.ptr, data.len);
            *pos += c;
            if (e != ZH_INCOMPLETE)
                break;
            if (c == 0 && data.len == 0 && !feed_more(f))
                break;
        }
        if (cross_check)
            check_decode_in_place(t, cfg, f->buf + start, f->len - start, e, &body, *pos - start);
        if (e == ZH_OK) {
            put_body(t, body.ptr, body.len);
            cf_buf_free(&body);
            return true;
        }
        if (e == ZH_INCOMPLETE) {
            cf_buf_printf(t, "body-received %zu\n", body.len);
            put_error(t, ZH_E_TRUNCATED_BODY, 0, false);
        } else {
            cf_buf_printf(t, "body-received %zu\n", body.len);
            put_error(t, e, 0, false);
        }
        cf_buf_free(&body);
        return false;
    }
    }
    cf_buf_puts(t, "framing-unknown-kind\n");
    return false;
}

static void put_uri(cf_buf *t, const zh_uri *u)
{
    cf_buf_puts(t, "uri");
    if (u->scheme.len) {
        cf_buf_puts(t, " scheme=");
        cf_buf_put_escaped(t, u->scheme.ptr, u->scheme.len);
    }
    if (u->host.len) {
        cf_buf_puts(t, " host=");
        cf_buf_put_escaped(t, u->host.ptr, u->host.len);
    }
    if (u->port_text.len)
        cf_buf_printf(t, " port=%u", (unsigned)u->port);
    if (u->path.len) {
        cf_buf_puts(t, " path=");
        cf_buf_put_escaped(t, u->path.ptr, u->path.len);
    }
    if (u->query.len) {
        cf_buf_puts(t, " query=");
        cf_buf_put_escaped(t, u->query.ptr, u->query.len);
    }
    cf_buf_puts(t, "\n");
}

static void parser_trace(const cf_case *c, const size_t *cuts, size_t ncuts, bool cross,
                         cf_buf *t)
{
    zh_parse_config cfg = ZH_PARSE_CONFIG_DEFAULT;
    cfg.limits = c->limits;
    cfg.lenient = c->lenient;
    feed f = { c->bytes, c->bytes_len, 0, cuts, ncuts, 0 };
    f.avail = ncuts ? cuts[0] : c->bytes_len;
    f.next = ncuts ? 1 : 0;
    size_t cap = c->fields_cap;
    zh_field *fields = calloc(cap, sizeof *fields);
    if (!fields)
        exit(3);
    bool is_resp = c->kind == CF_PARSER_RESPONSE;
    zh_slice reqm = zh_slice_from_cstr(c->request_method[0] ? c->request_method : "GET");
    size_t pos = 0;
    for (int msg = 1;; msg++) {
        if (msg > 1) {
            while (pos == f.avail && feed_more(&f)) {
            }
            if (pos == f.avail) {
                cf_buf_puts(t, "eof\n");
                break;
            }
            cf_buf_printf(t, "message %d\n", msg);
        }
        /* ---- head: re-scan from the message start as bytes arrive */
        zh_err e;
        size_t consumed = 0, errpos = 0;
        zh_request_head rq;
        zh_response_head rs;
        for (;;) {
            if (pos == f.avail && !feed_more(&f)) {
                e = ZH_INCOMPLETE;
                break;
            }
            if (is_resp) {
                memset(&rs, 0, sizeof rs);
                rs.fields = fields;
                rs.fields_cap = cap;
                e = zh_parse_response_head(f.buf + pos, f.avail - pos, &cfg, &rs, &consumed);
                errpos = rs.error_offset;
            } else {
                memset(&rq, 0, sizeof rq);
                rq.fields = fields;
                rq.fields_cap = cap;
                e = zh_parse_request_head(f.buf + pos, f.avail - pos, &cfg, &rq, &consumed);
                errpos = rq.error_offset;
            }
            if (e != ZH_INCOMPLETE || !feed_more(&f))
                break;
        }
        if (e == ZH_INCOMPLETE) {
            if (pos == f.len)
                cf_buf_puts(t, "eof\n");
            else {
                cf_buf_printf(t, "head-received %zu\n", f.len - pos);
                put_error(t, ZH_E_TRUNCATED_HEAD, 0, false);
            }
            break;
        }
        if (e != ZH_OK) {
            put_error(t, e, pos + errpos, true);
            break;
        }
        size_t nf = is_resp ? rs.num_fields : rq.num_fields;
        if (consumed == 0 || consumed > f.avail - pos || nf > cap) {
            cf_buf_printf(t, "contract-breach head consumed=%zu fields=%zu\n", consumed, nf);
            break;
        }
        zh_framing fr;
        if (is_resp) {
            cf_buf_printf(t, "version 1.%d\n", rs.version_minor);
            cf_buf_printf(t, "status %d\n", rs.status);
            put_slice(t, "reason ", rs.reason);
            put_fields(t, fields, nf);
            cf_buf_printf(t, "head-bytes %zu\n", consumed);
            pos += consumed;
            e = zh_response_framing(&rs, reqm, &cfg, &fr);
        } else {
            put_slice(t, "method ", rq.method);
            put_slice(t, "target ", rq.target);
            cf_buf_printf(t, "form %s\n", form_name(rq.form));
            cf_buf_printf(t, "version 1.%d\n", rq.version_minor);
            put_fields(t, fields, nf);
            cf_buf_printf(t, "head-bytes %zu\n", consumed);
            pos += consumed;
            e = zh_validate_request(&rq, &cfg);
            if (e != ZH_OK) {
                put_error(t, e, 0, false);
                break;
            }
            zh_uri u;
            memset(&u, 0, sizeof u);
            e = zh_parse_target(rq.target, rq.method, &u);
            if (e != ZH_OK) {
                put_error(t, e, 0, false);
                break;
            }
            put_uri(t, &u);
            e = zh_request_framing(&rq, &cfg, &fr);
        }
        if (e != ZH_OK) {
            put_error(t, e, 0, false);
            break;
        }
        put_framing(t, &fr);
        if (!read_body(t, &f, &pos, &fr, &cfg, cross))
            break;
        cf_buf_printf(t, "end-offset %zu\n", pos);
        if (fr.must_close) {
            while (feed_more(&f)) {
            }
            if (pos < f.len)
                cf_buf_printf(t, "trailing-bytes %zu\n", f.len - pos);
            cf_buf_puts(t, "closed\n");
            break;
        }
    }
    free(fields);
}

void cf_parser_trace(const cf_case *c, const size_t *cuts, size_t ncuts, cf_buf *t)
{
    parser_trace(c, cuts, ncuts, false, t);
}

/* First line where a and b differ, for the split report. */
static void first_difference(const cf_buf *a, const cf_buf *b, cf_buf *out)
{
    cf_lines A, B;
    cf_lines_split(&A, a->ptr ? a->ptr : "", a->len);
    cf_lines_split(&B, b->ptr ? b->ptr : "", b->len);
    size_t i = 0;
    while (i < A.n && i < B.n && A.len[i] == B.len[i] && memcmp(A.line[i], B.line[i], A.len[i]) == 0)
        i++;
    cf_buf_puts(out, " whole=\"");
    if (i < A.n)
        cf_buf_put(out, A.line[i], A.len[i]);
    cf_buf_puts(out, "\" split=\"");
    if (i < B.n)
        cf_buf_put(out, B.line[i], B.len[i]);
    cf_buf_puts(out, "\"\n");
    cf_lines_free(&A);
    cf_lines_free(&B);
}

void cf_run_parser_case(const cf_case *c, cf_buf *trace)
{
    /* the reported trace (with the in-place decoder cross-check) ... */
    parser_trace(c, NULL, 0, true, trace);
    size_t n = c->bytes_len;
    if (n < 2)
        return;
    /* ... and the reference every other delivery must reproduce exactly */
    cf_buf whole = { 0 }, other = { 0 };
    parser_trace(c, NULL, 0, false, &whole);
    /* every single split point (large inputs: the edges and a stride between) */
    size_t stride = n > 4096 ? n / 1024 : 1;
    int reported = 0;
    for (size_t k = 1; k < n; k++) {
        if (stride > 1 && k > 256 && k < n - 256 && k % stride)
            continue;
        other.len = 0;
        parser_trace(c, &k, 1, false, &other);
        if (other.len != whole.len || memcmp(other.ptr, whole.ptr, other.len) != 0) {
            if (reported++ < 3) {
                cf_buf_printf(trace, "split-differs at %zu:", k);
                first_difference(&whole, &other, trace);
            }
        }
    }
    if (reported > 3)
        cf_buf_printf(trace, "split-differs at %d more points\n", reported - 3);
    /* byte by byte */
    if (n <= 16384) {
        size_t *cuts = malloc(n * sizeof *cuts);
        if (!cuts)
            exit(3);
        for (size_t k = 1; k < n; k++)
            cuts[k - 1] = k;
        other.len = 0;
        parser_trace(c, cuts, n - 1, false, &other);
        if (other.len != whole.len || memcmp(other.ptr, whole.ptr, other.len) != 0) {
            cf_buf_puts(trace, "bytewise-differs:");
            first_difference(&whole, &other, trace);
        }
        free(cuts);
    }
    cf_buf_free(&whole);
    cf_buf_free(&other);
}
