/* Serialization of requests and responses (zhttp/msg.h): every test asserts the
 * whole wire string, byte for byte. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "zhttp/alloc.h"
#include "zhttp/msg.h"

#define S(lit) ZH_SLICE_LIT(lit)
#define DATE "Sun, 06 Nov 1994 08:49:37 GMT"

static void assert_wire(const zh_buf *b, const char *want)
{
    size_t n = strlen(want);
    ck_assert_msg(b->len == n && (n == 0 || memcmp(b->ptr, want, n) == 0),
                  "wire mismatch\n got (%zu): [%.*s]\nwant (%zu): [%s]", b->len, (int)b->len,
                  b->ptr ? b->ptr : "", n, want);
}

/* Serializes like zh_*_serialize, and also checks the exact-size reservation:
 * into a fresh buffer capped at the wire length the same bytes must fit exactly
 * (an over-estimate fails with ZH_E_BUFFER_FULL), and one byte less must be
 * refused (an under-estimate would write past the allocation). */
static zh_err ser_req(zh_request *r, const zh_msg_defaults *d, zh_buf *out)
{
    size_t before = out->len;
    zh_err e = zh_request_serialize(r, d, out);
    if (e != ZH_OK)
        return e;
    size_t n = out->len - before;
    zh_buf exact = ZH_BUF_INIT;
    exact.max = n;
    ck_assert_int_eq(zh_request_serialize(r, d, &exact), ZH_OK);
    ck_assert_uint_eq(exact.len, n);
    ck_assert_int_eq(memcmp(exact.ptr, out->ptr + before, n), 0);
    zh_buf_dispose(&exact);
    exact.max = n - 1; /* one byte short must be refused, not overrun */
    ck_assert_int_eq(zh_request_serialize(r, d, &exact), ZH_E_BUFFER_FULL);
    ck_assert_uint_eq(exact.len, 0);
    zh_buf_dispose(&exact);
    return e;
}

static zh_err ser_resp(zh_response *r, zh_slice method, const zh_msg_defaults *d, zh_buf *out)
{
    size_t before = out->len;
    zh_err e = zh_response_serialize(r, method, d, out);
    if (e != ZH_OK)
        return e;
    size_t n = out->len - before;
    zh_buf exact = ZH_BUF_INIT;
    exact.max = n;
    ck_assert_int_eq(zh_response_serialize(r, method, d, &exact), ZH_OK);
    ck_assert_uint_eq(exact.len, n);
    ck_assert_int_eq(memcmp(exact.ptr, out->ptr + before, n), 0);
    zh_buf_dispose(&exact);
    exact.max = n - 1; /* one byte short must be refused, not overrun */
    ck_assert_int_eq(zh_response_serialize(r, method, d, &exact), ZH_E_BUFFER_FULL);
    ck_assert_uint_eq(exact.len, 0);
    zh_buf_dispose(&exact);
    return e;
}

/* ---------------------------------------------------------------- requests */

START_TEST(request_minimal_get)
{
    zh_request r;
    zh_request_init(&r);
    zh_buf out = ZH_BUF_INIT;
    zh_msg_defaults d = { .host = S("example.com") };
    ck_assert_int_eq(ser_req(&r, &d, &out), ZH_OK);
    assert_wire(&out, "GET / HTTP/1.1\r\nHost: example.com\r\n\r\n");
    ck_assert(!zh_request_wire_close(&r));
    bool done = false;
    ck_assert_int_eq(zh_request_write_body(&r, &out, &done), ZH_OK);
    ck_assert(done);
    assert_wire(&out, "GET / HTTP/1.1\r\nHost: example.com\r\n\r\n");
    zh_buf_dispose(&out);
    zh_request_dispose(&r);
}
END_TEST

START_TEST(request_defaults_user_agent_and_fields_in_order)
{
    zh_request r;
    zh_request_init(&r);
    zh_request_set_method(&r, S("POST"));
    zh_request_set_target(&r, S("/submit?x=1"));
    zh_headers_add(zh_request_headers(&r), S("Content-Type"), S("text/plain"));
    zh_headers_add(zh_request_headers(&r), S("X-B"), S("2"));
    zh_headers_add(zh_request_headers(&r), S("X-A"), S("1"));
    zh_request_set_body(&r, "abc", 3);
    zh_buf out = ZH_BUF_INIT;
    zh_msg_defaults d = { .host = S("h.test"), .user_agent = S("zhttp/0.1") };
    ck_assert_int_eq(ser_req(&r, &d, &out), ZH_OK);
    assert_wire(&out, "POST /submit?x=1 HTTP/1.1\r\n"
                      "Host: h.test\r\n"
                      "User-Agent: zhttp/0.1\r\n"
                      "Content-Type: text/plain\r\n"
                      "X-B: 2\r\n"
                      "X-A: 1\r\n"
                      "Content-Length: 3\r\n"
                      "\r\n"
                      "abc");
    zh_buf_dispose(&out);
    zh_request_dispose(&r);
}
END_TEST

START_TEST(request_user_host_wins_in_its_place)
{
    zh_request r;
    zh_request_init(&r);
    zh_headers_add(zh_request_headers(&r), S("Accept"), S("*/*"));
    zh_headers_add(zh_request_headers(&r), S("host"), S("user.test:81"));
    zh_buf out = ZH_BUF_INIT;
    zh_msg_defaults d = { .host = S("default.test") };
    ck_assert_int_eq(ser_req(&r, &d, &out), ZH_OK);
    assert_wire(&out, "GET / HTTP/1.1\r\nAccept: */*\r\nhost: user.test:81\r\n\r\n");
    zh_buf_dispose(&out);
    zh_request_dispose(&r);
}
END_TEST

START_TEST(request_host_from_absolute_target)
{
    zh_request r;
    zh_request_init(&r);
    zh_request_set_target(&r, S("http://h.test:8080/x?y"));
    zh_buf out = ZH_BUF_INIT;
    ck_assert_int_eq(ser_req(&r, NULL, &out), ZH_OK);
    assert_wire(&out, "GET http://h.test:8080/x?y HTTP/1.1\r\nHost: h.test:8080\r\n\r\n");
    zh_buf_clear(&out);
    zh_request_set_target(&r, S("http://plain.test/"));
    ck_assert_int_eq(ser_req(&r, NULL, &out), ZH_OK);
    assert_wire(&out, "GET http://plain.test/ HTTP/1.1\r\nHost: plain.test\r\n\r\n");
    zh_buf_dispose(&out);
    zh_request_dispose(&r);
}
END_TEST

START_TEST(request_missing_host)
{
    zh_request r;
    zh_request_init(&r);
    zh_buf out = ZH_BUF_INIT;
    zh_buf_append_cstr(&out, "previous");
    ck_assert_int_eq(ser_req(&r, NULL, &out), ZH_E_MISSING_HOST);
    assert_wire(&out, "previous");
    /* HTTP/1.0 may go without */
    zh_request_set_version(&r, 0);
    ck_assert_int_eq(ser_req(&r, NULL, &out), ZH_OK);
    assert_wire(&out, "previousGET / HTTP/1.0\r\n\r\n");
    zh_buf_dispose(&out);
    zh_request_dispose(&r);
}
END_TEST

START_TEST(request_content_length_rules)
{
    zh_request r;
    zh_request_init(&r);
    zh_buf out = ZH_BUF_INIT;
    zh_msg_defaults d = { .host = S("h") };
    /* POST, PUT, PATCH announce an empty body; GET does not */
    static const char *const with_cl[] = { "POST", "PUT", "PATCH" };
    for (int i = 0; i < 3; i++) {
        zh_buf_clear(&out);
        zh_request_set_method(&r, zh_slice_from_cstr(with_cl[i]));
        ck_assert_int_eq(ser_req(&r, &d, &out), ZH_OK);
        char want[128];
        snprintf(want, sizeof want, "%s / HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\n\r\n", with_cl[i]);
        assert_wire(&out, want);
    }
    zh_buf_clear(&out);
    zh_request_set_method(&r, S("DELETE"));
    ck_assert_int_eq(ser_req(&r, &d, &out), ZH_OK);
    assert_wire(&out, "DELETE / HTTP/1.1\r\nHost: h\r\n\r\n");
    zh_buf_clear(&out);
    zh_request_set_body(&r, "0123456789", 10);
    ck_assert_int_eq(ser_req(&r, &d, &out), ZH_OK);
    assert_wire(&out, "DELETE / HTTP/1.1\r\nHost: h\r\nContent-Length: 10\r\n\r\n0123456789");
    zh_buf_dispose(&out);
    zh_request_dispose(&r);
}
END_TEST

START_TEST(request_user_framing_fields_never_copied)
{
    zh_request r;
    zh_request_init(&r);
    zh_request_set_method(&r, S("PUT"));
    zh_headers_add(zh_request_headers(&r), S("Content-Length"), S("100"));
    zh_headers_add(zh_request_headers(&r), S("X"), S("y"));
    zh_headers_add(zh_request_headers(&r), S("transfer-encoding"), S("gzip, chunked"));
    zh_headers_add(zh_request_headers(&r), S("content-length"), S("7"));
    zh_request_set_body(&r, "abcd", 4);
    zh_buf out = ZH_BUF_INIT;
    zh_msg_defaults d = { .host = S("h") };
    ck_assert_int_eq(ser_req(&r, &d, &out), ZH_OK);
    assert_wire(&out, "PUT / HTTP/1.1\r\nHost: h\r\nX: y\r\nContent-Length: 4\r\n\r\nabcd");
    /* the table itself is left as the user made it */
    ck_assert_uint_eq(zh_headers_count(zh_request_headers(&r)), 4);
    zh_buf_dispose(&out);
    zh_request_dispose(&r);
}
END_TEST

START_TEST(request_connection_close_and_keep_alive)
{
    zh_request r;
    zh_request_init(&r);
    zh_buf out = ZH_BUF_INIT;
    zh_msg_defaults d = { .host = S("h"), .close = true };
    ck_assert_int_eq(ser_req(&r, &d, &out), ZH_OK);
    assert_wire(&out, "GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n");
    ck_assert(zh_request_wire_close(&r));

    /* closing replaces the user's keep-alive */
    zh_buf_clear(&out);
    zh_headers_add(zh_request_headers(&r), S("Connection"), S("keep-alive"));
    zh_headers_add(zh_request_headers(&r), S("X"), S("1"));
    ck_assert_int_eq(ser_req(&r, &d, &out), ZH_OK);
    assert_wire(&out, "GET / HTTP/1.1\r\nHost: h\r\nX: 1\r\nConnection: close\r\n\r\n");

    /* not closing: the user's Connection goes out as is */
    zh_buf_clear(&out);
    d.close = false;
    d.keep_alive = true;
    ck_assert_int_eq(ser_req(&r, &d, &out), ZH_OK);
    assert_wire(&out, "GET / HTTP/1.1\r\nHost: h\r\nConnection: keep-alive\r\nX: 1\r\n\r\n");
    ck_assert(!zh_request_wire_close(&r));

    /* the user's own close is kept once and makes the wire close */
    zh_buf_clear(&out);
    zh_headers_set(zh_request_headers(&r), S("Connection"), S("close"));
    ck_assert_int_eq(ser_req(&r, &d, &out), ZH_OK);
    assert_wire(&out, "GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\nX: 1\r\n\r\n");
    ck_assert(zh_request_wire_close(&r));

    /* keep-alive default only when the user set no Connection */
    zh_buf_clear(&out);
    zh_headers_del(zh_request_headers(&r), S("connection"));
    zh_request_set_version(&r, 0);
    ck_assert_int_eq(ser_req(&r, &d, &out), ZH_OK);
    assert_wire(&out, "GET / HTTP/1.0\r\nHost: h\r\nX: 1\r\nConnection: keep-alive\r\n\r\n");
    ck_assert(!zh_request_wire_close(&r));
    zh_buf_dispose(&out);
    zh_request_dispose(&r);
}
END_TEST

struct pieces {
    const char *const *parts;
    int next;
    int block_at;  /* call index answering ZH_E_WOULD_BLOCK once, -1 never */
    zh_err fail;   /* returned instead of the part at fail_at */
    int fail_at;
};

static zh_err piece_writer(void *ud, zh_buf *out, bool *done)
{
    struct pieces *p = ud;
    if (p->next == p->block_at) {
        p->block_at = -1;
        return ZH_E_WOULD_BLOCK;
    }
    if (p->next == p->fail_at) {
        zh_buf_append_cstr(out, "garbage"); /* must be discarded */
        return p->fail;
    }
    const char *s = p->parts[p->next++];
    zh_err e = zh_buf_append_cstr(out, s);
    *done = p->parts[p->next] == NULL;
    return e;
}

START_TEST(request_streamed_body_is_chunked)
{
    static const char *const parts[] = { "hello", "", " world!!!!!!!!!!", NULL };
    struct pieces p = { parts, 0, 1, ZH_OK, -1 };
    zh_request r;
    zh_request_init(&r);
    zh_request_set_method(&r, S("POST"));
    zh_request_set_body_writer(&r, piece_writer, &p);
    zh_headers_add(zh_request_headers(&r), S("Content-Length"), S("5"));
    zh_buf out = ZH_BUF_INIT;
    zh_msg_defaults d = { .host = S("h") };
    ck_assert_int_eq(ser_req(&r, &d, &out), ZH_OK);
    assert_wire(&out, "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n");
    zh_buf_clear(&out);
    bool done = true;
    ck_assert_int_eq(zh_request_write_body(&r, &out, &done), ZH_OK);
    ck_assert(!done);
    assert_wire(&out, "5\r\nhello\r\n");
    ck_assert_int_eq(zh_request_write_body(&r, &out, &done), ZH_E_WOULD_BLOCK);
    assert_wire(&out, "5\r\nhello\r\n");
    ck_assert_int_eq(zh_request_write_body(&r, &out, &done), ZH_OK); /* empty piece */
    ck_assert(!done);
    assert_wire(&out, "5\r\nhello\r\n");
    ck_assert_int_eq(zh_request_write_body(&r, &out, &done), ZH_OK);
    ck_assert(done);
    assert_wire(&out, "5\r\nhello\r\n10\r\n world!!!!!!!!!!\r\n0\r\n\r\n");
    /* after the end nothing more is written and the writer is not called */
    ck_assert_int_eq(zh_request_write_body(&r, &out, &done), ZH_OK);
    ck_assert(done);
    assert_wire(&out, "5\r\nhello\r\n10\r\n world!!!!!!!!!!\r\n0\r\n\r\n");
    zh_buf_dispose(&out);
    zh_request_dispose(&r);
}
END_TEST

START_TEST(request_streamed_writer_error_discards_piece)
{
    static const char *const parts[] = { "ab", "cd", NULL };
    struct pieces p = { parts, 0, -1, ZH_E_IO, 1 };
    zh_request r;
    zh_request_init(&r);
    zh_request_set_body_writer(&r, piece_writer, &p);
    zh_buf out = ZH_BUF_INIT;
    zh_msg_defaults d = { .host = S("h") };
    ck_assert_int_eq(ser_req(&r, &d, &out), ZH_OK);
    zh_buf_clear(&out);
    bool done = false;
    ck_assert_int_eq(zh_request_write_body(&r, &out, &done), ZH_OK);
    ck_assert_int_eq(zh_request_write_body(&r, &out, &done), ZH_E_IO);
    ck_assert(!done);
    assert_wire(&out, "2\r\nab\r\n");
    zh_buf_dispose(&out);
    zh_request_dispose(&r);
}
END_TEST

START_TEST(request_streamed_http10_refused)
{
    static const char *const parts[] = { "x", NULL };
    struct pieces p = { parts, 0, -1, ZH_OK, -1 };
    zh_request r;
    zh_request_init(&r);
    zh_request_set_version(&r, 0);
    zh_request_set_body_writer(&r, piece_writer, &p);
    zh_buf out = ZH_BUF_INIT;
    ck_assert_int_eq(ser_req(&r, NULL, &out), ZH_E_INVALID_ARGUMENT);
    ck_assert_uint_eq(out.len, 0);
    zh_buf_dispose(&out);
    zh_request_dispose(&r);
}
END_TEST

START_TEST(request_head_only_and_coalescing)
{
    zh_request r;
    zh_request_init(&r);
    zh_request_set_method(&r, S("POST"));
    zh_request_set_body(&r, "BODY", 4);
    zh_buf out = ZH_BUF_INIT;
    zh_msg_defaults d = { .host = S("h"), .head_only = true };
    ck_assert_int_eq(ser_req(&r, &d, &out), ZH_OK);
    assert_wire(&out, "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 4\r\n\r\n");
    d.head_only = false;
    ck_assert_int_eq(ser_req(&r, &d, &out), ZH_OK);
    assert_wire(&out, "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 4\r\n\r\n"
                      "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 4\r\n\r\nBODY");
    zh_buf_dispose(&out);
    zh_request_dispose(&r);
}
END_TEST

START_TEST(request_defaults_with_controls_refused)
{
    zh_request r;
    zh_request_init(&r);
    zh_buf out = ZH_BUF_INIT;
    zh_msg_defaults d = { .host = S("h\r\nX: injected") };
    ck_assert_int_eq(ser_req(&r, &d, &out), ZH_E_INVALID_ARGUMENT);
    d.host = S("h");
    d.user_agent = S("ua\n");
    ck_assert_int_eq(ser_req(&r, &d, &out), ZH_E_INVALID_ARGUMENT);
    ck_assert_uint_eq(out.len, 0);
    zh_buf_dispose(&out);
    zh_request_dispose(&r);
}
END_TEST

START_TEST(request_serialize_nomem_leaves_out_unchanged)
{
    zh_request r;
    zh_request_init(&r);
    zh_request_set_method(&r, S("POST"));
    char body[500];
    memset(body, 'b', sizeof body);
    zh_request_set_body(&r, body, sizeof body);
    zh_buf out = ZH_BUF_INIT;
    zh_buf_append_cstr(&out, "kept");
    zh_msg_defaults d = { .host = S("h") };
    zh_alloc_fail_after(1, true);
    ck_assert_int_eq(ser_req(&r, &d, &out), ZH_E_NOMEM);
    zh_alloc_fail_after(0, false);
    assert_wire(&out, "kept");
    zh_buf_dispose(&out);
    zh_request_dispose(&r);
}
END_TEST

/* ---------------------------------------------------------------- responses */

START_TEST(response_minimal)
{
    zh_response r;
    zh_response_init(&r);
    zh_buf out = ZH_BUF_INIT;
    ck_assert_int_eq(ser_resp(&r, S("GET"), NULL, &out), ZH_OK);
    assert_wire(&out, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
    ck_assert(!zh_response_wire_close(&r));
    zh_buf_dispose(&out);
    zh_response_dispose(&r);
}
END_TEST

START_TEST(response_defaults)
{
    zh_response r;
    zh_response_init(&r);
    zh_response_set_body(&r, "Hello, World!", 13);
    zh_buf out = ZH_BUF_INIT;
    zh_msg_defaults d = { .date = S(DATE), .server = S("zhttp"), .content_type = S("text/plain") };
    ck_assert_int_eq(ser_resp(&r, S("GET"), &d, &out), ZH_OK);
    assert_wire(&out, "HTTP/1.1 200 OK\r\n"
                      "Server: zhttp\r\n"
                      "Date: " DATE "\r\n"
                      "Content-Type: text/plain\r\n"
                      "Content-Length: 13\r\n"
                      "\r\n"
                      "Hello, World!");
    /* no Content-Type default without a body */
    zh_buf_clear(&out);
    zh_response_set_body(&r, NULL, 0);
    ck_assert_int_eq(ser_resp(&r, S("GET"), &d, &out), ZH_OK);
    assert_wire(&out, "HTTP/1.1 200 OK\r\nServer: zhttp\r\nDate: " DATE "\r\nContent-Length: 0\r\n\r\n");
    zh_buf_dispose(&out);
    zh_response_dispose(&r);
}
END_TEST

START_TEST(response_user_fields_win_over_defaults)
{
    zh_response r;
    zh_response_init(&r);
    zh_headers *h = zh_response_headers(&r);
    zh_headers_add(h, S("X-First"), S("1"));
    zh_headers_add(h, S("server"), S("mine"));
    zh_headers_add(h, S("Content-Type"), S("application/json"));
    zh_headers_add(h, S("DATE"), S("yesterday"));
    zh_response_set_body(&r, "{}", 2);
    zh_buf out = ZH_BUF_INIT;
    zh_msg_defaults d = { .date = S(DATE), .server = S("zhttp"), .content_type = S("text/plain") };
    ck_assert_int_eq(ser_resp(&r, S("GET"), &d, &out), ZH_OK);
    assert_wire(&out, "HTTP/1.1 200 OK\r\n"
                      "X-First: 1\r\n"
                      "server: mine\r\n"
                      "Content-Type: application/json\r\n"
                      "DATE: yesterday\r\n"
                      "Content-Length: 2\r\n"
                      "\r\n"
                      "{}");
    zh_buf_dispose(&out);
    zh_response_dispose(&r);
}
END_TEST

START_TEST(response_to_head_has_no_body_bytes)
{
    /* RFC 9110 §9.3.2: the fields a GET would get, Content-Length included (§8.6),
     * and no body. */
    zh_response r;
    zh_response_init(&r);
    zh_response_set_body(&r, "abc", 3);
    zh_headers_add(zh_response_headers(&r), S("Content-Length"), S("99"));
    zh_buf out = ZH_BUF_INIT;
    zh_msg_defaults d = { .server = S("s"), .content_type = S("text/plain") };
    ck_assert_int_eq(ser_resp(&r, S("HEAD"), &d, &out), ZH_OK);
    static const char head[] =
        "HTTP/1.1 200 OK\r\nServer: s\r\nContent-Type: text/plain\r\nContent-Length: 3\r\n\r\n";
    assert_wire(&out, head);
    bool done = false;
    ck_assert_int_eq(zh_response_write_body(&r, &out, &done), ZH_OK);
    ck_assert(done);
    assert_wire(&out, head);
    /* no content at all: Content-Length 0, no Content-Type */
    zh_buf_clear(&out);
    zh_response_set_body(&r, "", 0);
    ck_assert_int_eq(ser_resp(&r, S("HEAD"), &d, &out), ZH_OK);
    assert_wire(&out, "HTTP/1.1 200 OK\r\nServer: s\r\nContent-Length: 0\r\n\r\n");
    /* 204 and 304 to HEAD still get no Content-Length (§8.6, §15.3.5, §15.4.5) */
    zh_buf_clear(&out);
    zh_response_set_status(&r, 204);
    ck_assert_int_eq(ser_resp(&r, S("HEAD"), NULL, &out), ZH_OK);
    assert_wire(&out, "HTTP/1.1 204 No Content\r\n\r\n");
    zh_buf_clear(&out);
    zh_response_set_status(&r, 304);
    ck_assert_int_eq(ser_resp(&r, S("HEAD"), NULL, &out), ZH_OK);
    assert_wire(&out, "HTTP/1.1 304 Not Modified\r\n\r\n");
    zh_response_set_status(&r, 200);
    zh_response_set_body(&r, "abc", 3);
    /* the method is compared exactly: "head" is another method */
    zh_buf_clear(&out);
    ck_assert_int_eq(ser_resp(&r, S("head"), NULL, &out), ZH_OK);
    assert_wire(&out, "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc");
    zh_buf_dispose(&out);
    zh_response_dispose(&r);
}
END_TEST

START_TEST(response_statuses_without_body)
{
    static const int codes[] = { 100, 101, 103, 199, 204, 304 };
    zh_buf out = ZH_BUF_INIT;
    for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++) {
        zh_response r;
        zh_response_init(&r);
        zh_response_set_status(&r, codes[i]);
        zh_response_set_body(&r, "abc", 3);
        zh_buf_clear(&out);
        zh_msg_defaults d = { .content_type = S("text/plain") };
        ck_assert_int_eq(ser_resp(&r, S("GET"), &d, &out), ZH_OK);
        char want[128];
        snprintf(want, sizeof want, "HTTP/1.1 %d %s\r\n\r\n", codes[i], zh_status_reason(codes[i]));
        assert_wire(&out, want);
        zh_response_dispose(&r);
    }
    /* the neighbours do carry a body */
    static const int with_body[] = { 200, 205, 303, 305 };
    for (size_t i = 0; i < sizeof with_body / sizeof with_body[0]; i++) {
        zh_response r;
        zh_response_init(&r);
        zh_response_set_status(&r, with_body[i]);
        zh_response_set_body(&r, "abc", 3);
        zh_buf_clear(&out);
        ck_assert_int_eq(ser_resp(&r, S("GET"), NULL, &out), ZH_OK);
        char want[128];
        snprintf(want, sizeof want, "HTTP/1.1 %d %s\r\nContent-Length: 3\r\n\r\nabc", with_body[i],
                 zh_status_reason(with_body[i]));
        assert_wire(&out, want);
        zh_response_dispose(&r);
    }
    zh_buf_dispose(&out);
}
END_TEST

START_TEST(response_reasons_on_the_wire)
{
    zh_response r;
    zh_response_init(&r);
    zh_buf out = ZH_BUF_INIT;
    zh_response_set_status_reason(&r, 404, S("Nope, not here"));
    ck_assert_int_eq(ser_resp(&r, S("GET"), NULL, &out), ZH_OK);
    assert_wire(&out, "HTTP/1.1 404 Nope, not here\r\nContent-Length: 0\r\n\r\n");
    zh_buf_clear(&out);
    zh_response_set_status(&r, 299);
    ck_assert_int_eq(ser_resp(&r, S("GET"), NULL, &out), ZH_OK);
    assert_wire(&out, "HTTP/1.1 299 \r\nContent-Length: 0\r\n\r\n");
    zh_buf_clear(&out);
    zh_response_set_status(&r, 503);
    zh_response_set_version(&r, 0);
    zh_msg_defaults d = { .keep_alive = true };
    ck_assert_int_eq(ser_resp(&r, S("GET"), &d, &out), ZH_OK);
    assert_wire(&out, "HTTP/1.0 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: keep-alive\r\n\r\n");
    zh_buf_dispose(&out);
    zh_response_dispose(&r);
}
END_TEST

START_TEST(response_connection_close)
{
    zh_response r;
    zh_response_init(&r);
    zh_response_set_body(&r, "x", 1);
    zh_headers_add(zh_response_headers(&r), S("Connection"), S("keep-alive"));
    zh_buf out = ZH_BUF_INIT;
    zh_msg_defaults d = { .close = true, .keep_alive = true };
    ck_assert_int_eq(ser_resp(&r, S("GET"), &d, &out), ZH_OK);
    assert_wire(&out, "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nConnection: close\r\n\r\nx");
    ck_assert(zh_response_wire_close(&r));
    /* a handler's own "Connection: close" is honoured */
    zh_buf_clear(&out);
    zh_headers_set(zh_response_headers(&r), S("connection"), S("Close"));
    d.close = false;
    ck_assert_int_eq(ser_resp(&r, S("GET"), &d, &out), ZH_OK);
    assert_wire(&out, "HTTP/1.1 200 OK\r\nconnection: Close\r\nContent-Length: 1\r\n\r\nx");
    ck_assert(zh_response_wire_close(&r));
    zh_buf_clear(&out);
    zh_headers_del(zh_response_headers(&r), S("connection"));
    ck_assert_int_eq(ser_resp(&r, S("GET"), NULL, &out), ZH_OK);
    ck_assert(!zh_response_wire_close(&r));
    zh_buf_dispose(&out);
    zh_response_dispose(&r);
}
END_TEST

START_TEST(response_streamed_chunked)
{
    static const char *const parts[] = { "Hello, ", "World!", NULL };
    struct pieces p = { parts, 0, -1, ZH_OK, -1 };
    zh_response r;
    zh_response_init(&r);
    zh_response_set_body_writer(&r, piece_writer, &p);
    zh_buf out = ZH_BUF_INIT;
    zh_msg_defaults d = { .content_type = S("text/plain") };
    ck_assert_int_eq(ser_resp(&r, S("GET"), &d, &out), ZH_OK);
    bool done = false;
    while (!done)
        ck_assert_int_eq(zh_response_write_body(&r, &out, &done), ZH_OK);
    assert_wire(&out, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n"
                      "7\r\nHello, \r\n6\r\nWorld!\r\n0\r\n\r\n");
    ck_assert(!zh_response_wire_close(&r));
    zh_buf_dispose(&out);
    zh_response_dispose(&r);
}
END_TEST

START_TEST(response_streamed_to_http10_is_close_delimited)
{
    static const char *const parts[] = { "Hello, ", "World!", NULL };
    struct pieces p = { parts, 0, -1, ZH_OK, -1 };
    zh_response r;
    zh_response_init(&r);
    zh_response_set_body_writer(&r, piece_writer, &p);
    zh_headers_add(zh_response_headers(&r), S("Transfer-Encoding"), S("chunked"));
    zh_buf out = ZH_BUF_INIT;
    zh_msg_defaults d = { .peer_http10 = true, .keep_alive = true };
    ck_assert_int_eq(ser_resp(&r, S("GET"), &d, &out), ZH_OK);
    bool done = false;
    while (!done)
        ck_assert_int_eq(zh_response_write_body(&r, &out, &done), ZH_OK);
    assert_wire(&out, "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nHello, World!");
    ck_assert(zh_response_wire_close(&r));
    /* an HTTP/1.0 response cannot be chunked either */
    zh_buf_clear(&out);
    p.next = 0;
    zh_response_set_version(&r, 0);
    ck_assert_int_eq(ser_resp(&r, S("GET"), NULL, &out), ZH_OK);
    done = false;
    while (!done)
        ck_assert_int_eq(zh_response_write_body(&r, &out, &done), ZH_OK);
    assert_wire(&out, "HTTP/1.0 200 OK\r\nConnection: close\r\n\r\nHello, World!");
    zh_buf_dispose(&out);
    zh_response_dispose(&r);
}
END_TEST

START_TEST(response_streamed_to_head_writes_nothing)
{
    static const char *const parts[] = { "never", NULL };
    struct pieces p = { parts, 0, -1, ZH_OK, -1 };
    zh_response r;
    zh_response_init(&r);
    zh_response_set_body_writer(&r, piece_writer, &p);
    zh_buf out = ZH_BUF_INIT;
    ck_assert_int_eq(ser_resp(&r, S("HEAD"), NULL, &out), ZH_OK);
    bool done = false;
    ck_assert_int_eq(zh_response_write_body(&r, &out, &done), ZH_OK);
    ck_assert(done);
    ck_assert_int_eq(p.next, 0);
    assert_wire(&out, "HTTP/1.1 200 OK\r\n\r\n");
    zh_buf_dispose(&out);
    zh_response_dispose(&r);
}
END_TEST

START_TEST(response_head_only)
{
    zh_response r;
    zh_response_init(&r);
    zh_response_set_body(&r, "payload", 7);
    zh_buf out = ZH_BUF_INIT;
    zh_msg_defaults d = { .head_only = true };
    ck_assert_int_eq(ser_resp(&r, S("GET"), &d, &out), ZH_OK);
    assert_wire(&out, "HTTP/1.1 200 OK\r\nContent-Length: 7\r\n\r\n");
    zh_buf_dispose(&out);
    zh_response_dispose(&r);
}
END_TEST

START_TEST(response_buffer_full_leaves_out_unchanged)
{
    zh_response r;
    zh_response_init(&r);
    zh_response_set_body(&r, "0123456789", 10);
    zh_buf out = ZH_BUF_INIT;
    out.max = 40; /* the head fits, the body does not */
    ck_assert_int_eq(ser_resp(&r, S("GET"), NULL, &out), ZH_E_BUFFER_FULL);
    ck_assert_uint_eq(out.len, 0);
    out.max = 0;
    ck_assert_int_eq(ser_resp(&r, S("GET"), NULL, &out), ZH_OK);
    assert_wire(&out, "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n0123456789");
    zh_buf_dispose(&out);
    zh_response_dispose(&r);
}
END_TEST

START_TEST(response_defaults_with_controls_refused)
{
    zh_response r;
    zh_response_init(&r);
    zh_buf out = ZH_BUF_INIT;
    zh_msg_defaults d = { .date = S("x\r\nSet-Cookie: a=b") };
    ck_assert_int_eq(ser_resp(&r, S("GET"), &d, &out), ZH_E_INVALID_ARGUMENT);
    d = (zh_msg_defaults){ .server = S("a\rb") };
    ck_assert_int_eq(ser_resp(&r, S("GET"), &d, &out), ZH_E_INVALID_ARGUMENT);
    d = (zh_msg_defaults){ .content_type = S("a\nb") };
    ck_assert_int_eq(ser_resp(&r, S("GET"), &d, &out), ZH_E_INVALID_ARGUMENT);
    ck_assert_uint_eq(out.len, 0);
    zh_buf_dispose(&out);
    zh_response_dispose(&r);
}
END_TEST

static Suite *msg_serialize_suite(void)
{
    Suite *s = suite_create("msg_serialize");
    TCase *tc = tcase_create("request");
    tcase_add_test(tc, request_minimal_get);
    tcase_add_test(tc, request_defaults_user_agent_and_fields_in_order);
    tcase_add_test(tc, request_user_host_wins_in_its_place);
    tcase_add_test(tc, request_host_from_absolute_target);
    tcase_add_test(tc, request_missing_host);
    tcase_add_test(tc, request_content_length_rules);
    tcase_add_test(tc, request_user_framing_fields_never_copied);
    tcase_add_test(tc, request_connection_close_and_keep_alive);
    tcase_add_test(tc, request_streamed_body_is_chunked);
    tcase_add_test(tc, request_streamed_writer_error_discards_piece);
    tcase_add_test(tc, request_streamed_http10_refused);
    tcase_add_test(tc, request_head_only_and_coalescing);
    tcase_add_test(tc, request_defaults_with_controls_refused);
    tcase_add_test(tc, request_serialize_nomem_leaves_out_unchanged);
    suite_add_tcase(s, tc);
    tc = tcase_create("response");
    tcase_add_test(tc, response_minimal);
    tcase_add_test(tc, response_defaults);
    tcase_add_test(tc, response_user_fields_win_over_defaults);
    tcase_add_test(tc, response_to_head_has_no_body_bytes);
    tcase_add_test(tc, response_statuses_without_body);
    tcase_add_test(tc, response_reasons_on_the_wire);
    tcase_add_test(tc, response_connection_close);
    tcase_add_test(tc, response_streamed_chunked);
    tcase_add_test(tc, response_streamed_to_http10_is_close_delimited);
    tcase_add_test(tc, response_streamed_to_head_writes_nothing);
    tcase_add_test(tc, response_head_only);
    tcase_add_test(tc, response_buffer_full_leaves_out_unchanged);
    tcase_add_test(tc, response_defaults_with_controls_refused);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(msg_serialize_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
