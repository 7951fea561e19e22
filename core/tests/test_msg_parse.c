/* Reading requests and responses from bytes (zh_request_parse, zh_response_parse):
 * heads, framing, bodies, limits, every error path, EOF handling, and the same
 * result for every way the bytes can be split. Every buffer handed to the
 * parser ends flush against an unmapped page. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "guard.h"
#include "zhttp/alloc.h"
#include "zhttp/msg.h"

#define S(lit) ZH_SLICE_LIT(lit)

static void assert_slice(zh_slice got, const char *want, const char *what)
{
    size_t n = strlen(want);
    ck_assert_msg(got.len == n && (n == 0 || memcmp(got.ptr, want, n) == 0),
                  "%s: got \"%.*s\" (%zu bytes), want \"%s\"", what, (int)got.len,
                  got.ptr ? got.ptr : "", got.len, want);
}

static void assert_field(const zh_headers *h, size_t i, const char *name, const char *value)
{
    zh_slice n, v;
    ck_assert_msg(zh_headers_at(h, i, &n, &v), "no field %zu", i);
    assert_slice(n, name, "field name");
    assert_slice(v, value, "field value");
}

/* One parse call on a guarded copy of buf[0..len). */
static zh_err req_call(zh_request *r, const char *buf, size_t len, const zh_parse_config *cfg,
                       size_t *consumed)
{
    char *g = guard_copy(buf, len);
    zh_err e = zh_request_parse(r, g, len, cfg, consumed);
    guard_free(g, len);
    return e;
}

static zh_err resp_call(zh_response *r, const char *buf, size_t len, zh_slice method,
                        const zh_parse_config *cfg, size_t *consumed)
{
    char *g = guard_copy(buf, len);
    zh_err e = zh_response_parse(r, g, len, method, cfg, consumed);
    guard_free(g, len);
    return e;
}

/* A connection's read buffer receiving wire[0..len) step bytes at a time; after
 * each arrival the parser is called and what it consumed is dropped. Returns the
 * final answer; *used = bytes of wire that belong to the message (on ZH_OK). */
static zh_err feed_request(zh_request *r, const char *wire, size_t len, size_t step,
                           const zh_parse_config *cfg, size_t *used)
{
    zh_buf pending = ZH_BUF_INIT;
    size_t arrived = 0, dropped = 0;
    zh_err e = ZH_INCOMPLETE;
    while (e == ZH_INCOMPLETE && arrived < len) {
        size_t n = len - arrived < step ? len - arrived : step;
        zh_buf_append(&pending, wire + arrived, n);
        arrived += n;
        size_t c = 0;
        e = req_call(r, pending.ptr, pending.len, cfg, &c);
        ck_assert_uint_le(c, pending.len);
        if (e != ZH_OK && e != ZH_INCOMPLETE)
            ck_assert_uint_eq(c, 0);
        dropped += c;
        zh_buf_consume(&pending, c);
    }
    *used = dropped;
    zh_buf_dispose(&pending);
    return e;
}

static zh_err feed_response(zh_response *r, const char *wire, size_t len, size_t step,
                            zh_slice method, const zh_parse_config *cfg, size_t *used)
{
    zh_buf pending = ZH_BUF_INIT;
    size_t arrived = 0, dropped = 0;
    zh_err e = ZH_INCOMPLETE;
    while (e == ZH_INCOMPLETE && arrived < len) {
        size_t n = len - arrived < step ? len - arrived : step;
        zh_buf_append(&pending, wire + arrived, n);
        arrived += n;
        size_t c = 0;
        e = resp_call(r, pending.ptr, pending.len, method, cfg, &c);
        ck_assert_uint_le(c, pending.len);
        dropped += c;
        zh_buf_consume(&pending, c);
    }
    *used = dropped;
    zh_buf_dispose(&pending);
    return e;
}

/* ---------------------------------------------------------------- requests */

START_TEST(request_get_complete)
{
    static const char wire[] = "GET /a/b?c=d HTTP/1.1\r\nHost: example.com\r\nAccept: */*\r\n"
                               "X-Dup: 1\r\nx-dup: 2\r\n\r\n";
    zh_request r;
    zh_request_init(&r);
    size_t c = 0;
    ck_assert_int_eq(req_call(&r, wire, sizeof wire - 1, NULL, &c), ZH_OK);
    ck_assert_uint_eq(c, sizeof wire - 1);
    assert_slice(zh_request_method(&r), "GET", "method");
    assert_slice(zh_request_target(&r), "/a/b?c=d", "target");
    ck_assert_int_eq(zh_request_version(&r), 1);
    const zh_headers *h = zh_request_headers_const(&r);
    ck_assert_uint_eq(zh_headers_count(h), 4);
    assert_field(h, 0, "Host", "example.com");
    assert_field(h, 1, "Accept", "*/*");
    assert_field(h, 2, "X-Dup", "1");
    assert_field(h, 3, "x-dup", "2");
    zh_slice v;
    ck_assert(zh_headers_get(h, S("x-DUP"), &v));
    assert_slice(v, "1", "first duplicate");
    ck_assert_int_eq(zh_request_content_length(&r), 0);
    ck_assert(zh_request_head_done(&r));
    zh_framing f = zh_request_parsed_framing(&r);
    ck_assert_int_eq(f.kind, ZH_BODY_NONE);
    ck_assert(!zh_request_must_close(&r));
    ck_assert(!zh_request_expect_continue(&r));
    zh_uri u;
    ck_assert_int_eq(zh_request_uri(&r, &u), ZH_OK);
    assert_slice(u.path, "/a/b", "uri path");
    assert_slice(u.query, "c=d", "uri query");
    /* a parsed request can be modified like any other */
    ck_assert_int_eq(zh_headers_set(zh_request_headers(&r), S("Accept"), S("text/html")), ZH_OK);
    assert_field(h, 1, "Accept", "text/html");
    assert_field(h, 0, "Host", "example.com");
    zh_request_dispose(&r);
}
END_TEST

START_TEST(request_length_body_leaves_next_message)
{
    static const char wire[] = "POST /p HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhello"
                               "GET /next HTTP/1.1\r\nHost: h\r\n\r\n";
    size_t first = strlen("POST /p HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhello");
    zh_request r;
    zh_request_init(&r);
    size_t c = 0;
    ck_assert_int_eq(req_call(&r, wire, sizeof wire - 1, NULL, &c), ZH_OK);
    ck_assert_uint_eq(c, first);
    assert_slice(zh_request_method(&r), "POST", "method");
    assert_slice(zh_request_body(&r), "hello", "body");
    ck_assert_int_eq(zh_request_content_length(&r), 5);
    zh_framing f = zh_request_parsed_framing(&r);
    ck_assert_int_eq(f.kind, ZH_BODY_LENGTH);
    ck_assert_uint_eq(f.length, 5);
    /* the rest is the next message */
    zh_request_reset(&r);
    ck_assert_int_eq(req_call(&r, wire + c, sizeof wire - 1 - c, NULL, &c), ZH_OK);
    ck_assert_uint_eq(c, sizeof wire - 1 - first);
    assert_slice(zh_request_target(&r), "/next", "second target");
    assert_slice(zh_request_body(&r), "", "second body");
    zh_request_dispose(&r);
}
END_TEST

START_TEST(request_chunked_body_decoded)
{
    static const char wire[] = "POST /up HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
                               "5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\nTrailer: x\r\n\r\nNEXT";
    zh_request r;
    zh_request_init(&r);
    size_t c = 0;
    ck_assert_int_eq(req_call(&r, wire, sizeof wire - 1, NULL, &c), ZH_OK);
    ck_assert_uint_eq(c, sizeof wire - 1 - 4);
    assert_slice(zh_request_body(&r), "hello world", "decoded body");
    ck_assert_int_eq(zh_request_content_length(&r), 11);
    ck_assert_int_eq(zh_request_parsed_framing(&r).kind, ZH_BODY_CHUNKED);
    /* the received field stays in the table; serializing again writes CL instead */
    ck_assert(zh_headers_has(zh_request_headers(&r), S("Transfer-Encoding")));
    zh_buf out = ZH_BUF_INIT;
    ck_assert_int_eq(zh_request_serialize(&r, NULL, &out), ZH_OK);
    static const char again[] = "POST /up HTTP/1.1\r\nHost: h\r\nContent-Length: 11\r\n\r\nhello world";
    ck_assert_uint_eq(out.len, sizeof again - 1);
    ck_assert_int_eq(memcmp(out.ptr, again, out.len), 0);
    zh_buf_dispose(&out);
    zh_request_dispose(&r);
}
END_TEST

static const char *const split_requests[] = {
    "GET / HTTP/1.1\r\nHost: a\r\n\r\n",
    "POST /p HTTP/1.1\r\nHost: h\r\nContent-Length: 11\r\n\r\nhello world",
    ("PUT /c HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
     "3\r\nabc\r\n1;x=y\r\nd\r\n10\r\n0123456789abcdef\r\n0\r\n\r\n"),
    "\r\nGET /lead HTTP/1.0\r\n\r\n",
};

START_TEST(request_every_split_same_result)
{
    const char *wire = split_requests[_i];
    size_t len = strlen(wire);
    zh_request whole;
    zh_request_init(&whole);
    size_t c_whole = 0;
    ck_assert_int_eq(req_call(&whole, wire, len, NULL, &c_whole), ZH_OK);
    ck_assert_uint_eq(c_whole, len);
    for (size_t step = 1; step <= len; step++) {
        zh_request r;
        zh_request_init(&r);
        size_t used = 0;
        ck_assert_msg(feed_request(&r, wire, len, step, NULL, &used) == ZH_OK, "step %zu", step);
        ck_assert_uint_eq(used, len);
        ck_assert(zh_slice_eq(zh_request_method(&r), zh_request_method(&whole)));
        ck_assert(zh_slice_eq(zh_request_target(&r), zh_request_target(&whole)));
        ck_assert(zh_slice_eq(zh_request_body(&r), zh_request_body(&whole)));
        ck_assert_int_eq(zh_request_version(&r), zh_request_version(&whole));
        ck_assert_uint_eq(zh_headers_count(zh_request_headers(&r)),
                          zh_headers_count(zh_request_headers(&whole)));
        for (size_t i = 0; i < zh_headers_count(zh_request_headers(&r)); i++) {
            zh_slice n1, v1, n2, v2;
            zh_headers_at(zh_request_headers(&r), i, &n1, &v1);
            zh_headers_at(zh_request_headers(&whole), i, &n2, &v2);
            ck_assert(zh_slice_eq(n1, n2) && zh_slice_eq(v1, v2));
        }
        zh_request_dispose(&r);
    }
    zh_request_dispose(&whole);
}
END_TEST

START_TEST(request_head_incomplete_consumes_nothing)
{
    static const char wire[] = "GET / HTTP/1.1\r\nHost: h\r\n";
    zh_request r;
    zh_request_init(&r);
    size_t c = 99;
    ck_assert_int_eq(req_call(&r, wire, sizeof wire - 1, NULL, &c), ZH_INCOMPLETE);
    ck_assert_uint_eq(c, 0);
    ck_assert(!zh_request_head_done(&r));
    ck_assert_int_eq(zh_request_parsed_framing(&r).kind, ZH_BODY_NONE);
    ck_assert_int_eq(req_call(&r, "", 0, NULL, &c), ZH_INCOMPLETE);
    ck_assert_uint_eq(c, 0);
    zh_request_dispose(&r);
}
END_TEST

START_TEST(request_expect_continue_known_before_body)
{
    static const char head[] = "PUT /big HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\n"
                               "Content-Length: 4\r\n\r\n";
    zh_request r;
    zh_request_init(&r);
    size_t c = 0;
    ck_assert_int_eq(req_call(&r, head, sizeof head - 1, NULL, &c), ZH_INCOMPLETE);
    ck_assert_uint_eq(c, sizeof head - 1); /* the head is taken; the body is awaited */
    ck_assert(zh_request_head_done(&r));
    ck_assert(zh_request_expect_continue(&r));
    ck_assert_int_eq(zh_request_parsed_framing(&r).kind, ZH_BODY_LENGTH);
    ck_assert_int_eq(req_call(&r, "ab", 2, NULL, &c), ZH_INCOMPLETE);
    ck_assert_uint_eq(c, 2);
    ck_assert_int_eq(req_call(&r, "cdEXTRA", 7, NULL, &c), ZH_OK);
    ck_assert_uint_eq(c, 2);
    assert_slice(zh_request_body(&r), "abcd", "body");
    zh_request_dispose(&r);
}
END_TEST

START_TEST(request_connection_persistence)
{
    static const struct {
        const char *wire;
        bool close;
    } rows[] = {
        { "GET / HTTP/1.1\r\nHost: h\r\n\r\n", false },
        { "GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n", true },
        { "GET / HTTP/1.1\r\nHost: h\r\nConnection: keep-alive, Close\r\n\r\n", true },
        { "GET / HTTP/1.0\r\n\r\n", true },
        { "GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", false },
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        zh_request r;
        zh_request_init(&r);
        size_t c = 0;
        ck_assert_int_eq(req_call(&r, rows[i].wire, strlen(rows[i].wire), NULL, &c), ZH_OK);
        ck_assert_msg(zh_request_must_close(&r) == rows[i].close, "row %zu", i);
        zh_request_dispose(&r);
    }
}
END_TEST

static const struct {
    const char *wire;
    zh_err err;
} bad_requests[] = {
    { "GET / HTTP/1.1\r\n\r\n", ZH_E_MISSING_HOST },
    { "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", ZH_E_DUPLICATE_HOST },
    { "G@T / HTTP/1.1\r\nHost: h\r\n\r\n", ZH_E_BAD_METHOD },
    { "GET / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n",
      ZH_E_CL_AND_TE },
    { "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: abc\r\n\r\n", ZH_E_BAD_CONTENT_LENGTH },
    { "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\n",
      ZH_E_CONFLICTING_CONTENT_LENGTH },
    { "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked, chunked\r\n\r\n",
      ZH_E_CHUNKED_TWICE },
    { "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked, gzip\r\n\r\n",
      ZH_E_CHUNKED_NOT_LAST },
    { "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: zstdx, chunked\r\n\r\n",
      ZH_E_UNKNOWN_TRANSFER_CODING },
    { "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", ZH_E_BAD_CHUNK_SIZE },
    { "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabX\r\n",
      ZH_E_CHUNK_MISSING_CRLF },
    { "GET / HTTP/1.1\r\nHost: h\r\nB@d: x\r\n\r\n", ZH_E_BAD_FIELD_NAME },
    { "GET / HTTP/1.1\nHost: h\n\n", ZH_E_BARE_LF },
};

START_TEST(request_errors)
{
    const char *wire = bad_requests[_i].wire;
    zh_request r;
    zh_request_init(&r);
    size_t c = 77;
    zh_err e = req_call(&r, wire, strlen(wire), NULL, &c);
    ck_assert_msg(e == bad_requests[_i].err, "row %d: got %s, want %s", _i, zh_error_name(e),
                  zh_error_name(bad_requests[_i].err));
    ck_assert_uint_eq(c, 0);
    assert_slice(zh_request_body(&r), "", "no body after an error");
    /* the parse is over: more bytes, or EOF, do not revive it */
    ck_assert_int_eq(req_call(&r, wire, strlen(wire), NULL, &c), ZH_E_INVALID_ARGUMENT);
    ck_assert_int_eq(zh_request_parse_eof(&r), bad_requests[_i].err);
    zh_request_reset(&r);
    static const char good[] = "GET / HTTP/1.1\r\nHost: h\r\n\r\n";
    ck_assert_int_eq(req_call(&r, good, sizeof good - 1, NULL, &c), ZH_OK);
    zh_request_dispose(&r);
}
END_TEST

START_TEST(request_obs_fold_unfolded_when_lenient)
{
    static const char wire[] = "GET / HTTP/1.1\r\nHost: h\r\nX-Fold: a\r\n b\r\n\tc\r\nY: z\r\n\r\n";
    zh_request r;
    zh_request_init(&r);
    size_t c = 0;
    ck_assert_int_eq(req_call(&r, wire, sizeof wire - 1, NULL, &c), ZH_E_OBS_FOLD);
    zh_request_reset(&r);
    zh_parse_config cfg = ZH_PARSE_CONFIG_DEFAULT;
    cfg.lenient = ZH_LENIENT_OBS_FOLD;
    ck_assert_int_eq(req_call(&r, wire, sizeof wire - 1, &cfg, &c), ZH_OK);
    zh_slice v;
    ck_assert(zh_headers_get(zh_request_headers(&r), S("X-Fold"), &v));
    ck_assert_ptr_null(memchr(v.ptr, '\r', v.len));
    ck_assert_ptr_null(memchr(v.ptr, '\n', v.len));
    ck_assert_uint_eq(v.len, strlen("a\r\n b\r\n\tc"));
    ck_assert_int_eq(v.ptr[0], 'a');
    ck_assert_int_eq(v.ptr[v.len - 1], 'c');
    /* forwarded, it is one field line */
    zh_buf out = ZH_BUF_INIT;
    ck_assert_int_eq(zh_request_serialize(&r, NULL, &out), ZH_OK);
    static const char want[] = "GET / HTTP/1.1\r\nHost: h\r\nX-Fold: a   b  \tc\r\nY: z\r\n\r\n";
    ck_assert_uint_eq(out.len, sizeof want - 1);
    ck_assert_int_eq(memcmp(out.ptr, want, out.len), 0);
    zh_buf_dispose(&out);
    zh_request_dispose(&r);
}
END_TEST

START_TEST(request_after_done_needs_reset)
{
    static const char wire[] = "GET / HTTP/1.1\r\nHost: h\r\n\r\n";
    zh_request r;
    zh_request_init(&r);
    size_t c = 0;
    ck_assert_int_eq(req_call(&r, wire, sizeof wire - 1, NULL, &c), ZH_OK);
    ck_assert_int_eq(req_call(&r, wire, sizeof wire - 1, NULL, &c), ZH_E_INVALID_ARGUMENT);
    ck_assert_uint_eq(c, 0);
    ck_assert_int_eq(zh_request_parse_eof(&r), ZH_OK);
    zh_request_reset(&r);
    ck_assert_int_eq(req_call(&r, wire, sizeof wire - 1, NULL, &c), ZH_OK);
    zh_request_dispose(&r);
}
END_TEST

START_TEST(request_parse_discards_user_state)
{
    static const char wire[] = "GET /x HTTP/1.1\r\nHost: h\r\n\r\n";
    zh_request r;
    zh_request_init(&r);
    zh_request_set_method(&r, S("POST"));
    zh_headers_add(zh_request_headers(&r), S("X-Old"), S("1"));
    zh_request_set_body(&r, "old", 3);
    zh_request_set_version(&r, 0);
    size_t c = 0;
    ck_assert_int_eq(req_call(&r, wire, sizeof wire - 1, NULL, &c), ZH_OK);
    assert_slice(zh_request_method(&r), "GET", "method");
    ck_assert_int_eq(zh_request_version(&r), 1);
    ck_assert_uint_eq(zh_headers_count(zh_request_headers(&r)), 1);
    assert_slice(zh_request_body(&r), "", "body");
    zh_request_dispose(&r);
}
END_TEST

START_TEST(request_body_too_large)
{
    zh_parse_config cfg = ZH_PARSE_CONFIG_DEFAULT;
    cfg.limits.max_body = 4;
    zh_request r;
    zh_request_init(&r);
    size_t c = 0;
    static const char cl_ok[] = "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 4\r\n\r\nabcd";
    ck_assert_int_eq(req_call(&r, cl_ok, sizeof cl_ok - 1, &cfg, &c), ZH_OK);
    zh_request_reset(&r);
    static const char cl_big[] = "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nabcde";
    ck_assert_int_eq(req_call(&r, cl_big, sizeof cl_big - 1, &cfg, &c), ZH_E_BODY_TOO_LARGE);
    zh_request_reset(&r);
    static const char ch_ok[] = "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
                                "2\r\nab\r\n2\r\ncd\r\n0\r\n\r\n";
    ck_assert_int_eq(req_call(&r, ch_ok, sizeof ch_ok - 1, &cfg, &c), ZH_OK);
    assert_slice(zh_request_body(&r), "abcd", "chunked at the limit");
    zh_request_reset(&r);
    static const char ch_big[] = "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
                                 "2\r\nab\r\n3\r\ncde\r\n0\r\n\r\n";
    ck_assert_int_eq(req_call(&r, ch_big, sizeof ch_big - 1, &cfg, &c), ZH_E_BODY_TOO_LARGE);
    assert_slice(zh_request_body(&r), "", "no partial body");
    /* also when the excess arrives in a later call */
    zh_request_reset(&r);
    size_t used = 0;
    ck_assert_int_eq(feed_request(&r, ch_big, sizeof ch_big - 1, 1, &cfg, &used), ZH_E_BODY_TOO_LARGE);
    ck_assert_int_eq(zh_error_http_status(ZH_E_BODY_TOO_LARGE), 413);
    zh_request_dispose(&r);
}
END_TEST

START_TEST(request_field_limits)
{
    char wire[4096];
    size_t n = (size_t)snprintf(wire, sizeof wire, "GET / HTTP/1.1\r\nHost: h\r\n");
    for (int i = 0; i < 40; i++)
        n += (size_t)snprintf(wire + n, sizeof wire - n, "X-F%d: v%d\r\n", i, i);
    n += (size_t)snprintf(wire + n, sizeof wire - n, "\r\n");
    zh_request r;
    zh_request_init(&r);
    size_t c = 0;
    /* more fields than the first slot allocation: the table grows */
    ck_assert_int_eq(req_call(&r, wire, n, NULL, &c), ZH_OK);
    ck_assert_uint_eq(zh_headers_count(zh_request_headers(&r)), 41);
    assert_field(zh_request_headers(&r), 40, "X-F39", "v39");
    /* the table's own max */
    zh_request_reset(&r);
    zh_headers_set_max(zh_request_headers(&r), 41);
    ck_assert_int_eq(req_call(&r, wire, n, NULL, &c), ZH_OK);
    zh_request_reset(&r);
    zh_headers_set_max(zh_request_headers(&r), 40);
    ck_assert_int_eq(req_call(&r, wire, n, NULL, &c), ZH_E_TOO_MANY_FIELDS);
    ck_assert_uint_eq(zh_headers_count(zh_request_headers(&r)), 0);
    /* the parser's limit */
    zh_request_reset(&r);
    zh_headers_set_max(zh_request_headers(&r), 1000);
    zh_parse_config cfg = ZH_PARSE_CONFIG_DEFAULT;
    cfg.limits.max_fields = 10;
    ck_assert_int_eq(req_call(&r, wire, n, &cfg, &c), ZH_E_TOO_MANY_FIELDS);
    ck_assert_int_eq(zh_error_http_status(ZH_E_TOO_MANY_FIELDS), 431);
    /* no fields allowed at all: a head without fields still parses */
    cfg.limits.max_fields = 0;
    zh_request_dispose(&r);
    zh_request_init(&r);
    static const char bare[] = "GET / HTTP/1.0\r\n\r\n";
    ck_assert_int_eq(req_call(&r, bare, sizeof bare - 1, &cfg, &c), ZH_OK);
    zh_request_reset(&r);
    ck_assert_int_eq(req_call(&r, wire, n, &cfg, &c), ZH_E_TOO_MANY_FIELDS);
    zh_request_dispose(&r);
}
END_TEST

START_TEST(request_eof_outcomes)
{
    zh_request r;
    zh_request_init(&r);
    ck_assert_int_eq(zh_request_parse_eof(&r), ZH_E_CLOSED);
    zh_request_reset(&r);
    size_t c = 0;
    ck_assert_int_eq(req_call(&r, "GET / HT", 8, NULL, &c), ZH_INCOMPLETE);
    ck_assert_int_eq(zh_request_parse_eof(&r), ZH_E_TRUNCATED_HEAD);
    zh_request_reset(&r);
    static const char cl[] = "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 10\r\n\r\nabc";
    ck_assert_int_eq(req_call(&r, cl, sizeof cl - 1, NULL, &c), ZH_INCOMPLETE);
    ck_assert_uint_eq(c, sizeof cl - 1);
    assert_slice(zh_request_body(&r), "abc", "partial body while incomplete");
    ck_assert_int_eq(zh_request_parse_eof(&r), ZH_E_TRUNCATED_BODY);
    assert_slice(zh_request_body(&r), "", "emptied on truncation");
    ck_assert_int_eq(zh_request_parse_eof(&r), ZH_E_TRUNCATED_BODY);
    zh_request_reset(&r);
    static const char ch[] = "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab";
    ck_assert_int_eq(req_call(&r, ch, sizeof ch - 1, NULL, &c), ZH_INCOMPLETE);
    ck_assert_int_eq(zh_request_parse_eof(&r), ZH_E_TRUNCATED_BODY);
    assert_slice(zh_request_body(&r), "", "emptied on truncation");
    zh_request_dispose(&r);
}
END_TEST

START_TEST(request_parse_nomem_is_clean)
{
    static const char wire[] = "POST /p HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhello";
    for (uint64_t n = 1; n <= 3; n++) {
        zh_request r;
        zh_request_init(&r);
        size_t c = 0;
        zh_alloc_fail_after(n, true);
        zh_err e = req_call(&r, wire, sizeof wire - 1, NULL, &c);
        zh_alloc_fail_after(0, false);
        ck_assert_msg(e == ZH_E_NOMEM, "allocation %d: got %s", (int)n, zh_error_name(e));
        ck_assert_uint_eq(c, 0);
        assert_slice(zh_request_body(&r), "", "no body");
        zh_request_reset(&r);
        ck_assert_int_eq(req_call(&r, wire, sizeof wire - 1, NULL, &c), ZH_OK);
        assert_slice(zh_request_body(&r), "hello", "body after recovery");
        zh_request_dispose(&r);
    }
}
END_TEST

/* ---------------------------------------------------------------- responses */

START_TEST(response_length_body)
{
    static const char wire[] = "HTTP/1.1 404 Not Here\r\nContent-Type: text/plain\r\n"
                               "Content-Length: 7\r\n\r\nmissingHTTP/1.1 200 OK\r\n";
    zh_response r;
    zh_response_init(&r);
    size_t c = 0;
    ck_assert_int_eq(resp_call(&r, wire, sizeof wire - 1, S("GET"), NULL, &c), ZH_OK);
    ck_assert_uint_eq(c, sizeof wire - 1 - strlen("HTTP/1.1 200 OK\r\n"));
    ck_assert_int_eq(zh_response_status(&r), 404);
    assert_slice(zh_response_reason(&r), "Not Here", "reason as received");
    ck_assert_int_eq(zh_response_version(&r), 1);
    assert_slice(zh_response_body(&r), "missing", "body");
    ck_assert_int_eq(zh_response_content_length(&r), 7);
    ck_assert_uint_eq(zh_headers_count(zh_response_headers(&r)), 2);
    ck_assert(!zh_response_must_close(&r));
    zh_framing f = zh_response_parsed_framing(&r);
    ck_assert_int_eq(f.kind, ZH_BODY_LENGTH);
    ck_assert_uint_eq(f.length, 7);
    zh_response_dispose(&r);
}
END_TEST

START_TEST(response_empty_reason_kept)
{
    static const char wire[] = "HTTP/1.1 200 \r\nContent-Length: 0\r\n\r\n";
    zh_response r;
    zh_response_init(&r);
    size_t c = 0;
    ck_assert_int_eq(resp_call(&r, wire, sizeof wire - 1, S("GET"), NULL, &c), ZH_OK);
    assert_slice(zh_response_reason(&r), "", "empty reason as received");
    zh_response_dispose(&r);
}
END_TEST

START_TEST(response_chunked_body)
{
    static const char wire[] = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                               "4\r\nWiki\r\n5\r\npedia\r\nE\r\n in\r\n\r\nchunks.\r\n0\r\n\r\n";
    for (size_t step = 1; step <= sizeof wire - 1; step++) {
        zh_response r;
        zh_response_init(&r);
        size_t used = 0;
        ck_assert_int_eq(feed_response(&r, wire, sizeof wire - 1, step, S("GET"), NULL, &used), ZH_OK);
        ck_assert_uint_eq(used, sizeof wire - 1);
        assert_slice(zh_response_body(&r), "Wikipedia in\r\n\r\nchunks.", "decoded");
        ck_assert_int_eq(zh_response_content_length(&r), 23);
        zh_response_dispose(&r);
    }
}
END_TEST

START_TEST(response_until_close)
{
    static const char wire[] = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nall of this";
    zh_response r;
    zh_response_init(&r);
    size_t c = 0;
    ck_assert_int_eq(resp_call(&r, wire, sizeof wire - 1, S("GET"), NULL, &c), ZH_INCOMPLETE);
    ck_assert_uint_eq(c, sizeof wire - 1);
    ck_assert(zh_response_head_done(&r));
    ck_assert(zh_response_must_close(&r));
    ck_assert_int_eq(zh_response_parsed_framing(&r).kind, ZH_BODY_UNTIL_CLOSE);
    ck_assert_int_eq(resp_call(&r, " and more", 9, S("GET"), NULL, &c), ZH_INCOMPLETE);
    ck_assert_uint_eq(c, 9);
    ck_assert_int_eq(zh_response_parse_eof(&r), ZH_OK);
    assert_slice(zh_response_body(&r), "all of this and more", "body");
    ck_assert_int_eq(zh_response_content_length(&r), 20);
    ck_assert_int_eq(zh_response_parse_eof(&r), ZH_OK);
    /* the limit applies to close-delimited bodies too */
    zh_parse_config cfg = ZH_PARSE_CONFIG_DEFAULT;
    cfg.limits.max_body = 10;
    zh_response_reset(&r);
    ck_assert_int_eq(resp_call(&r, wire, sizeof wire - 1, S("GET"), &cfg, &c), ZH_E_BODY_TOO_LARGE);
    assert_slice(zh_response_body(&r), "", "no partial body");
    zh_response_dispose(&r);
}
END_TEST

START_TEST(response_without_body_by_status_or_method)
{
    static const struct {
        const char *wire;
        const char *method;
        size_t head_len; /* bytes that are the response */
    } rows[] = {
        { "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello", "HEAD", 38 },
        { "HTTP/1.1 204 No Content\r\n\r\nX", "GET", 27 },
        { "HTTP/1.1 304 Not Modified\r\nContent-Length: 10\r\n\r\nY", "GET", 49 },
        { "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\n", "POST", 25 },
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        zh_response r;
        zh_response_init(&r);
        size_t c = 0, len = strlen(rows[i].wire);
        ck_assert_int_eq(resp_call(&r, rows[i].wire, len, zh_slice_from_cstr(rows[i].method), NULL, &c),
                         ZH_OK);
        ck_assert_msg(c == rows[i].head_len, "row %zu: consumed %zu", i, c);
        assert_slice(zh_response_body(&r), "", "no body");
        ck_assert_int_eq(zh_response_content_length(&r), 0);
        ck_assert_int_eq(zh_response_parsed_framing(&r).kind, ZH_BODY_NONE);
        zh_response_dispose(&r);
    }
}
END_TEST

START_TEST(response_interim_then_final)
{
    static const char wire[] = "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok";
    zh_response r;
    zh_response_init(&r);
    size_t c = 0, off = 0;
    ck_assert_int_eq(resp_call(&r, wire, sizeof wire - 1, S("POST"), NULL, &c), ZH_OK);
    ck_assert_int_eq(zh_response_status(&r), 100);
    off += c;
    zh_response_reset(&r);
    ck_assert_int_eq(resp_call(&r, wire + off, sizeof wire - 1 - off, S("POST"), NULL, &c), ZH_OK);
    off += c;
    ck_assert_uint_eq(off, sizeof wire - 1);
    ck_assert_int_eq(zh_response_status(&r), 201);
    assert_slice(zh_response_body(&r), "ok", "final body");
    zh_response_dispose(&r);
}
END_TEST

static const struct {
    const char *wire;
    zh_err err;
} bad_responses[] = {
    { "HTTP/1.1 2000 OK\r\n\r\n", ZH_E_BAD_STATUS },
    { "HTTX/1.1 200 OK\r\n\r\n", ZH_E_BAD_VERSION },
    { "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n", ZH_E_CL_AND_TE },
    { "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", ZH_E_BAD_CONTENT_LENGTH },
    { "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nq\r\n", ZH_E_BAD_CHUNK_SIZE },
    { "HTTP/1.1 200 OK\r\nX: a\x01b\r\n\r\n", ZH_E_BAD_FIELD_VALUE },
};

START_TEST(response_errors)
{
    const char *wire = bad_responses[_i].wire;
    zh_response r;
    zh_response_init(&r);
    size_t c = 5;
    zh_err e = resp_call(&r, wire, strlen(wire), S("GET"), NULL, &c);
    ck_assert_msg(e == bad_responses[_i].err, "row %d: got %s, want %s", _i, zh_error_name(e),
                  zh_error_name(bad_responses[_i].err));
    ck_assert_uint_eq(c, 0);
    assert_slice(zh_response_body(&r), "", "no body after an error");
    ck_assert_int_eq(zh_response_parse_eof(&r), bad_responses[_i].err);
    ck_assert_int_eq(resp_call(&r, wire, strlen(wire), S("GET"), NULL, &c), ZH_E_INVALID_ARGUMENT);
    zh_response_dispose(&r);
}
END_TEST

START_TEST(response_eof_outcomes)
{
    zh_response r;
    zh_response_init(&r);
    ck_assert_int_eq(zh_response_parse_eof(&r), ZH_E_CLOSED);
    zh_response_reset(&r);
    size_t c = 0;
    ck_assert_int_eq(resp_call(&r, "", 0, S("GET"), NULL, &c), ZH_INCOMPLETE);
    ck_assert_int_eq(zh_response_parse_eof(&r), ZH_E_CLOSED);
    zh_response_reset(&r);
    ck_assert_int_eq(resp_call(&r, "HTTP/1.1 200 OK\r\nCont", 21, S("GET"), NULL, &c), ZH_INCOMPLETE);
    ck_assert_int_eq(zh_response_parse_eof(&r), ZH_E_TRUNCATED_HEAD);
    zh_response_reset(&r);
    static const char whole[] = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
    ck_assert_int_eq(resp_call(&r, whole, sizeof whole - 1, S("GET"), NULL, &c), ZH_OK);
    ck_assert_int_eq(zh_response_parse_eof(&r), ZH_OK);
    assert_slice(zh_response_body(&r), "ok", "complete body kept");
    zh_response_dispose(&r);
}
END_TEST

START_TEST(response_round_trip)
{
    zh_response out_resp;
    zh_response_init(&out_resp);
    zh_response_set_status_reason(&out_resp, 418, S("I'm a teapot"));
    zh_headers_add(zh_response_headers(&out_resp), S("X-A"), S("1"));
    zh_headers_add(zh_response_headers(&out_resp), S("X-A"), S("2"));
    zh_response_set_body(&out_resp, "short and stout", 15);
    zh_buf wire = ZH_BUF_INIT;
    zh_msg_defaults d = { .server = S("zhttp"), .date = S("Sun, 06 Nov 1994 08:49:37 GMT") };
    ck_assert_int_eq(zh_response_serialize(&out_resp, S("GET"), &d, &wire), ZH_OK);
    zh_response in;
    zh_response_init(&in);
    size_t c = 0;
    ck_assert_int_eq(resp_call(&in, wire.ptr, wire.len, S("GET"), NULL, &c), ZH_OK);
    ck_assert_uint_eq(c, wire.len);
    ck_assert_int_eq(zh_response_status(&in), 418);
    assert_slice(zh_response_reason(&in), "I'm a teapot", "reason");
    assert_slice(zh_response_body(&in), "short and stout", "body");
    const zh_headers *h = zh_response_headers_const(&in);
    ck_assert_uint_eq(zh_headers_count(h), 5);
    assert_field(h, 0, "Server", "zhttp");
    assert_field(h, 1, "Date", "Sun, 06 Nov 1994 08:49:37 GMT");
    assert_field(h, 2, "X-A", "1");
    assert_field(h, 3, "X-A", "2");
    assert_field(h, 4, "Content-Length", "15");
    zh_buf_dispose(&wire);
    zh_response_dispose(&in);
    zh_response_dispose(&out_resp);
}
END_TEST

static Suite *msg_parse_suite(void)
{
    Suite *s = suite_create("msg_parse");
    TCase *tc = tcase_create("request");
    tcase_add_test(tc, request_get_complete);
    tcase_add_test(tc, request_length_body_leaves_next_message);
    tcase_add_test(tc, request_chunked_body_decoded);
    tcase_add_loop_test(tc, request_every_split_same_result, 0,
                        (int)(sizeof split_requests / sizeof split_requests[0]));
    tcase_add_test(tc, request_head_incomplete_consumes_nothing);
    tcase_add_test(tc, request_expect_continue_known_before_body);
    tcase_add_test(tc, request_connection_persistence);
    tcase_add_loop_test(tc, request_errors, 0, (int)(sizeof bad_requests / sizeof bad_requests[0]));
    tcase_add_test(tc, request_obs_fold_unfolded_when_lenient);
    tcase_add_test(tc, request_after_done_needs_reset);
    tcase_add_test(tc, request_parse_discards_user_state);
    tcase_add_test(tc, request_body_too_large);
    tcase_add_test(tc, request_field_limits);
    tcase_add_test(tc, request_eof_outcomes);
    tcase_add_test(tc, request_parse_nomem_is_clean);
    suite_add_tcase(s, tc);
    tc = tcase_create("response");
    tcase_add_test(tc, response_length_body);
    tcase_add_test(tc, response_empty_reason_kept);
    tcase_add_test(tc, response_chunked_body);
    tcase_add_test(tc, response_until_close);
    tcase_add_test(tc, response_without_body_by_status_or_method);
    tcase_add_test(tc, response_interim_then_final);
    tcase_add_loop_test(tc, response_errors, 0, (int)(sizeof bad_responses / sizeof bad_responses[0]));
    tcase_add_test(tc, response_eof_outcomes);
    tcase_add_test(tc, response_round_trip);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(msg_parse_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
