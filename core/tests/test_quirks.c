/* fasthttp's documented quirks, as regression tests at the message level. Each
 * test fails on a fasthttp-like implementation:
 *   1. method caching: a request whose method was read (isGet cached) before it
 *      became POST goes out without its body;
 *   2. duplicate User-Agent: the client default is added next to the user's;
 *   3. errors swallowed: a body cut short is returned as data (or the error text
 *      becomes the body);
 *   4. Content-Length mismatch: the stored length disagrees with the body, or
 *      bytes past Content-Length end up in the body. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "guard.h"
#include "zhttp/msg.h"

#define S(lit) ZH_SLICE_LIT(lit)

static void assert_wire(const zh_buf *b, const char *want)
{
    size_t n = strlen(want);
    ck_assert_msg(b->len == n && (n == 0 || memcmp(b->ptr, want, n) == 0),
                  "wire mismatch\n got (%zu): [%.*s]\nwant (%zu): [%s]", b->len, (int)b->len,
                  b->ptr ? b->ptr : "", n, want);
}

static void assert_slice(zh_slice got, const char *want, const char *what)
{
    size_t n = strlen(want);
    ck_assert_msg(got.len == n && (n == 0 || memcmp(got.ptr, want, n) == 0),
                  "%s: got \"%.*s\" (%zu bytes), want \"%s\"", what, (int)got.len,
                  got.ptr ? got.ptr : "", got.len, want);
}

/* Field lines on the wire whose name is name (case-insensitive), and the value
 * of the k-th one into value (NUL-terminated, at most cap-1 bytes). */
static int count_wire_fields(const zh_buf *b, const char *name, int k, char *value, size_t cap)
{
    size_t nlen = strlen(name);
    int found = 0;
    const char *p = b->ptr, *end = b->ptr + b->len;
    /* skip the start line */
    const char *eol = memmem(p, (size_t)(end - p), "\r\n", 2);
    if (!eol)
        return 0;
    p = eol + 2;
    while (p < end) {
        eol = memmem(p, (size_t)(end - p), "\r\n", 2);
        if (!eol || eol == p)
            break; /* end of head */
        if ((size_t)(eol - p) > nlen && p[nlen] == ':' && strncasecmp(p, name, nlen) == 0) {
            if (found == k && value) {
                const char *v = p + nlen + 1;
                while (v < eol && *v == ' ')
                    v++;
                size_t vl = (size_t)(eol - v) < cap - 1 ? (size_t)(eol - v) : cap - 1;
                memcpy(value, v, vl);
                value[vl] = '\0';
            }
            found++;
        }
        p = eol + 2;
    }
    return found;
}

/* ---------------------------------------------------------------- quirk 1 */

START_TEST(quirk1_method_read_before_post_is_not_cached)
{
    zh_request r;
    zh_request_init(&r);
    zh_buf out = ZH_BUF_INIT;
    zh_msg_defaults d = { .host = S("h") };
    /* inspect it as a GET first: print, serialize, look at the method and URI */
    ck_assert_int_eq(zh_request_serialize(&r, &d, &out), ZH_OK);
    assert_wire(&out, "GET / HTTP/1.1\r\nHost: h\r\n\r\n");
    assert_slice(zh_request_method(&r), "GET", "method before");
    zh_uri u;
    ck_assert_int_eq(zh_request_uri(&r, &u), ZH_OK);
    ck_assert_int_eq(zh_request_content_length(&r), 0);
    /* then make it a POST with a body */
    ck_assert_int_eq(zh_request_set_method(&r, S("POST")), ZH_OK);
    ck_assert_int_eq(zh_request_set_body(&r, "hello", 5), ZH_OK);
    zh_buf_clear(&out);
    ck_assert_int_eq(zh_request_serialize(&r, &d, &out), ZH_OK);
    assert_wire(&out, "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhello");
    assert_slice(zh_request_method(&r), "POST", "method after");
    ck_assert_int_eq(zh_request_content_length(&r), 5);
    zh_buf_dispose(&out);
    zh_request_dispose(&r);
}
END_TEST

START_TEST(quirk1_parsed_get_turned_into_post)
{
    static const char wire[] = "GET /form HTTP/1.1\r\nHost: h\r\n\r\n";
    zh_request r;
    zh_request_init(&r);
    size_t c = 0;
    char *g = guard_copy(wire, sizeof wire - 1);
    ck_assert_int_eq(zh_request_parse(&r, g, sizeof wire - 1, NULL, &c), ZH_OK);
    guard_free(g, sizeof wire - 1);
    assert_slice(zh_request_method(&r), "GET", "parsed method");
    ck_assert_int_eq(zh_request_set_method(&r, S("POST")), ZH_OK);
    ck_assert_int_eq(zh_request_set_body(&r, "a=1", 3), ZH_OK);
    zh_buf out = ZH_BUF_INIT;
    ck_assert_int_eq(zh_request_serialize(&r, NULL, &out), ZH_OK);
    assert_wire(&out, "POST /form HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\na=1");
    /* and back: nothing of the POST lingers in the method */
    ck_assert_int_eq(zh_request_set_method(&r, S("GET")), ZH_OK);
    zh_request_set_body(&r, NULL, 0);
    zh_buf_clear(&out);
    ck_assert_int_eq(zh_request_serialize(&r, NULL, &out), ZH_OK);
    assert_wire(&out, "GET /form HTTP/1.1\r\nHost: h\r\n\r\n");
    /* reset makes it the default GET again */
    zh_request_set_method(&r, S("DELETE"));
    zh_request_reset(&r);
    assert_slice(zh_request_method(&r), "GET", "after reset");
    zh_buf_dispose(&out);
    zh_request_dispose(&r);
}
END_TEST

START_TEST(quirk1_head_response_method_not_cached)
{
    /* the response's framing depends on the method passed at each call */
    zh_response r;
    zh_response_init(&r);
    zh_response_set_body(&r, "abc", 3);
    zh_buf out = ZH_BUF_INIT;
    ck_assert_int_eq(zh_response_serialize(&r, S("HEAD"), NULL, &out), ZH_OK);
    assert_wire(&out, "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\n");
    zh_buf_clear(&out);
    ck_assert_int_eq(zh_response_serialize(&r, S("GET"), NULL, &out), ZH_OK);
    assert_wire(&out, "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc");
    zh_buf_dispose(&out);
    zh_response_dispose(&r);
}
END_TEST

/* ---------------------------------------------------------------- quirk 2 */

START_TEST(quirk2_user_agent_set_by_user_goes_once)
{
    zh_request r;
    zh_request_init(&r);
    ck_assert_int_eq(zh_headers_set(zh_request_headers(&r), S("User-Agent"), S("Test-Agent")), ZH_OK);
    zh_buf out = ZH_BUF_INIT;
    zh_msg_defaults d = { .host = S("h"), .user_agent = S("zhttp/0.1") };
    ck_assert_int_eq(zh_request_serialize(&r, &d, &out), ZH_OK);
    char v[64];
    ck_assert_int_eq(count_wire_fields(&out, "User-Agent", 0, v, sizeof v), 1);
    ck_assert_str_eq(v, "Test-Agent");
    assert_wire(&out, "GET / HTTP/1.1\r\nHost: h\r\nUser-Agent: Test-Agent\r\n\r\n");
    /* any spelling of the name counts as the user's */
    zh_request_reset(&r);
    zh_headers_add(zh_request_headers(&r), S("user-agent"), S("Test-Agent"));
    zh_buf_clear(&out);
    ck_assert_int_eq(zh_request_serialize(&r, &d, &out), ZH_OK);
    ck_assert_int_eq(count_wire_fields(&out, "User-Agent", 0, v, sizeof v), 1);
    ck_assert_str_eq(v, "Test-Agent");
    /* set over two adds leaves one */
    zh_request_reset(&r);
    zh_headers_add(zh_request_headers(&r), S("User-Agent"), S("one"));
    zh_headers_add(zh_request_headers(&r), S("User-Agent"), S("two"));
    zh_headers_set(zh_request_headers(&r), S("User-Agent"), S("Test-Agent"));
    zh_buf_clear(&out);
    ck_assert_int_eq(zh_request_serialize(&r, &d, &out), ZH_OK);
    ck_assert_int_eq(count_wire_fields(&out, "User-Agent", 0, v, sizeof v), 1);
    ck_assert_str_eq(v, "Test-Agent");
    zh_buf_dispose(&out);
    zh_request_dispose(&r);
}
END_TEST

START_TEST(quirk2_two_user_agents_added_go_in_order)
{
    zh_request r;
    zh_request_init(&r);
    zh_headers_add(zh_request_headers(&r), S("User-Agent"), S("First/1"));
    zh_headers_add(zh_request_headers(&r), S("Accept"), S("*/*"));
    zh_headers_add(zh_request_headers(&r), S("User-Agent"), S("Second/2"));
    zh_buf out = ZH_BUF_INIT;
    zh_msg_defaults d = { .host = S("h"), .user_agent = S("zhttp/0.1") };
    ck_assert_int_eq(zh_request_serialize(&r, &d, &out), ZH_OK);
    char v[64];
    ck_assert_int_eq(count_wire_fields(&out, "User-Agent", 0, v, sizeof v), 2);
    ck_assert_str_eq(v, "First/1");
    count_wire_fields(&out, "User-Agent", 1, v, sizeof v);
    ck_assert_str_eq(v, "Second/2");
    assert_wire(&out, "GET / HTTP/1.1\r\nHost: h\r\nUser-Agent: First/1\r\nAccept: */*\r\n"
                      "User-Agent: Second/2\r\n\r\n");
    zh_buf_dispose(&out);
    zh_request_dispose(&r);
}
END_TEST

START_TEST(quirk2_default_user_agent_once)
{
    zh_request r;
    zh_request_init(&r);
    zh_buf out = ZH_BUF_INIT;
    zh_msg_defaults d = { .host = S("h"), .user_agent = S("zhttp/0.1") };
    /* the same object sent several times still carries one default */
    for (int i = 0; i < 3; i++) {
        zh_buf_clear(&out);
        ck_assert_int_eq(zh_request_serialize(&r, &d, &out), ZH_OK);
        char v[64];
        ck_assert_int_eq(count_wire_fields(&out, "User-Agent", 0, v, sizeof v), 1);
        ck_assert_str_eq(v, "zhttp/0.1");
    }
    ck_assert_uint_eq(zh_headers_count(zh_request_headers(&r)), 0); /* defaults are not stored */
    assert_wire(&out, "GET / HTTP/1.1\r\nHost: h\r\nUser-Agent: zhttp/0.1\r\n\r\n");
    /* a parsed request that carried one keeps exactly that one when re-sent */
    static const char wire[] = "GET / HTTP/1.1\r\nHost: h\r\nUser-Agent: Test-Agent\r\n\r\n";
    zh_request_reset(&r);
    size_t c = 0;
    ck_assert_int_eq(zh_request_parse(&r, wire, sizeof wire - 1, NULL, &c), ZH_OK);
    zh_buf_clear(&out);
    ck_assert_int_eq(zh_request_serialize(&r, &d, &out), ZH_OK);
    assert_wire(&out, wire);
    zh_buf_dispose(&out);
    zh_request_dispose(&r);
}
END_TEST

START_TEST(quirk2_server_default_same_rule)
{
    zh_response r;
    zh_response_init(&r);
    zh_headers_add(zh_response_headers(&r), S("Server"), S("mine"));
    zh_buf out = ZH_BUF_INIT;
    zh_msg_defaults d = { .server = S("zhttp"), .date = S("Sun, 06 Nov 1994 08:49:37 GMT") };
    ck_assert_int_eq(zh_response_serialize(&r, S("GET"), &d, &out), ZH_OK);
    char v[64];
    ck_assert_int_eq(count_wire_fields(&out, "Server", 0, v, sizeof v), 1);
    ck_assert_str_eq(v, "mine");
    ck_assert_int_eq(count_wire_fields(&out, "Date", 0, NULL, 0), 1);
    zh_buf_dispose(&out);
    zh_response_dispose(&r);
}
END_TEST

/* ---------------------------------------------------------------- quirk 3 */

/* The body of a failed response is never data: not the partial bytes, not the
 * error's text. */
static void assert_no_error_text(const zh_response *r, zh_err e)
{
    zh_slice b = zh_response_body(r);
    ck_assert_uint_eq(b.len, 0);
    ck_assert_int_eq(zh_response_content_length(r), 0);
    const char *msg = zh_strerror(e), *name = zh_error_name(e);
    ck_assert(b.len < strlen(msg) || memmem(b.ptr, b.len, msg, strlen(msg)) == NULL);
    ck_assert(b.len < strlen(name) || memmem(b.ptr, b.len, name, strlen(name)) == NULL);
}

START_TEST(quirk3_eof_before_content_length_is_an_error)
{
    static const char wire[] = "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc";
    zh_response r;
    zh_response_init(&r);
    size_t c = 0;
    ck_assert_int_eq(zh_response_parse(&r, wire, sizeof wire - 1, S("GET"), NULL, &c), ZH_INCOMPLETE);
    zh_err e = zh_response_parse_eof(&r);
    ck_assert_int_eq(e, ZH_E_TRUNCATED_BODY);
    assert_no_error_text(&r, e);
    /* asking again does not turn it into success */
    ck_assert_int_eq(zh_response_parse_eof(&r), ZH_E_TRUNCATED_BODY);
    ck_assert_int_eq(zh_response_parse(&r, "defghij", 7, S("GET"), NULL, &c), ZH_E_INVALID_ARGUMENT);
    assert_no_error_text(&r, e);
    zh_response_dispose(&r);
}
END_TEST

START_TEST(quirk3_eof_mid_chunk_is_an_error)
{
    static const char *const cuts[] = {
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab",        /* in data */
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n", /* between chunks */
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5",              /* in a size line */
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n",          /* before the trailer end */
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n",               /* before any chunk */
    };
    for (size_t i = 0; i < sizeof cuts / sizeof cuts[0]; i++) {
        zh_response r;
        zh_response_init(&r);
        size_t c = 0;
        ck_assert_int_eq(zh_response_parse(&r, cuts[i], strlen(cuts[i]), S("GET"), NULL, &c),
                         ZH_INCOMPLETE);
        zh_err e = zh_response_parse_eof(&r);
        ck_assert_msg(e == ZH_E_TRUNCATED_BODY, "cut %zu: %s", i, zh_error_name(e));
        assert_no_error_text(&r, e);
        zh_response_dispose(&r);
    }
}
END_TEST

START_TEST(quirk3_malformed_body_is_an_error_not_data)
{
    static const char wire[] = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                               "5\r\nhello\r\nXYZ\r\n";
    zh_response r;
    zh_response_init(&r);
    size_t c = 0;
    zh_err e = zh_response_parse(&r, wire, sizeof wire - 1, S("GET"), NULL, &c);
    ck_assert_int_eq(e, ZH_E_BAD_CHUNK_SIZE);
    assert_no_error_text(&r, e);
    zh_response_dispose(&r);
}
END_TEST

START_TEST(quirk3_close_delimited_body_ends_cleanly)
{
    /* the contrast: without Content-Length or chunked, EOF is the end */
    static const char wire[] = "HTTP/1.1 200 OK\r\n\r\nabc";
    zh_response r;
    zh_response_init(&r);
    size_t c = 0;
    ck_assert_int_eq(zh_response_parse(&r, wire, sizeof wire - 1, S("GET"), NULL, &c), ZH_INCOMPLETE);
    ck_assert_int_eq(zh_response_parse_eof(&r), ZH_OK);
    assert_slice(zh_response_body(&r), "abc", "body");
    zh_response_dispose(&r);
}
END_TEST

/* ---------------------------------------------------------------- quirk 4 */

START_TEST(quirk4_bytes_beyond_content_length_not_in_body)
{
    static const char wire[] = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhelloEXTRA";
    zh_response r;
    zh_response_init(&r);
    size_t c = 0;
    char *g = guard_copy(wire, sizeof wire - 1);
    ck_assert_int_eq(zh_response_parse(&r, g, sizeof wire - 1, S("GET"), NULL, &c), ZH_OK);
    guard_free(g, sizeof wire - 1);
    ck_assert_uint_eq(c, sizeof wire - 1 - 5); /* EXTRA is not consumed */
    assert_slice(zh_response_body(&r), "hello", "body");
    ck_assert_int_eq(zh_response_content_length(&r), (int64_t)zh_response_body(&r).len);
    ck_assert_int_eq(zh_response_content_length(&r), 5);
    zh_slice v;
    ck_assert(zh_headers_get(zh_response_headers(&r), S("Content-Length"), &v));
    assert_slice(v, "5", "received field");
    zh_response_dispose(&r);
}
END_TEST

START_TEST(quirk4_extra_bytes_in_a_later_read)
{
    static const char head[] = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhel";
    zh_response r;
    zh_response_init(&r);
    size_t c = 0;
    ck_assert_int_eq(zh_response_parse(&r, head, sizeof head - 1, S("GET"), NULL, &c), ZH_INCOMPLETE);
    ck_assert_uint_eq(c, sizeof head - 1);
    ck_assert_int_eq(zh_response_parse(&r, "loHTTP/1.1 204", 14, S("GET"), NULL, &c), ZH_OK);
    ck_assert_uint_eq(c, 2);
    assert_slice(zh_response_body(&r), "hello", "body");
    ck_assert_int_eq(zh_response_content_length(&r), 5);
    zh_response_dispose(&r);
}
END_TEST

START_TEST(quirk4_request_bytes_beyond_content_length)
{
    static const char wire[] = "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabcGET / HTTP/1.1\r\n";
    zh_request r;
    zh_request_init(&r);
    size_t c = 0;
    ck_assert_int_eq(zh_request_parse(&r, wire, sizeof wire - 1, NULL, &c), ZH_OK);
    ck_assert_uint_eq(c, sizeof wire - 1 - strlen("GET / HTTP/1.1\r\n"));
    assert_slice(zh_request_body(&r), "abc", "body");
    ck_assert_int_eq(zh_request_content_length(&r), 3);
    zh_request_dispose(&r);
}
END_TEST

START_TEST(quirk4_length_always_agrees_with_body_on_the_wire)
{
    zh_response r;
    zh_response_init(&r);
    zh_headers_set(zh_response_headers(&r), S("Content-Length"), S("100"));
    zh_response_set_body(&r, "abc", 3);
    zh_buf out = ZH_BUF_INIT;
    ck_assert_int_eq(zh_response_serialize(&r, S("GET"), NULL, &out), ZH_OK);
    assert_wire(&out, "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc");
    /* body changed after the header: still derived */
    zh_response_append_body(&r, "defg", 4);
    zh_buf_clear(&out);
    ck_assert_int_eq(zh_response_serialize(&r, S("GET"), NULL, &out), ZH_OK);
    assert_wire(&out, "HTTP/1.1 200 OK\r\nContent-Length: 7\r\n\r\nabcdefg");
    ck_assert_int_eq(zh_response_content_length(&r), 7);
    /* a body replaced by a shorter one */
    zh_response_set_body(&r, "z", 1);
    zh_buf_clear(&out);
    ck_assert_int_eq(zh_response_serialize(&r, S("GET"), NULL, &out), ZH_OK);
    assert_wire(&out, "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nz");
    zh_buf_dispose(&out);
    zh_response_dispose(&r);
}
END_TEST

static Suite *quirks_suite(void)
{
    Suite *s = suite_create("quirks");
    TCase *tc = tcase_create("method_caching");
    tcase_add_test(tc, quirk1_method_read_before_post_is_not_cached);
    tcase_add_test(tc, quirk1_parsed_get_turned_into_post);
    tcase_add_test(tc, quirk1_head_response_method_not_cached);
    suite_add_tcase(s, tc);
    tc = tcase_create("duplicate_user_agent");
    tcase_add_test(tc, quirk2_user_agent_set_by_user_goes_once);
    tcase_add_test(tc, quirk2_two_user_agents_added_go_in_order);
    tcase_add_test(tc, quirk2_default_user_agent_once);
    tcase_add_test(tc, quirk2_server_default_same_rule);
    suite_add_tcase(s, tc);
    tc = tcase_create("errors_not_swallowed");
    tcase_add_test(tc, quirk3_eof_before_content_length_is_an_error);
    tcase_add_test(tc, quirk3_eof_mid_chunk_is_an_error);
    tcase_add_test(tc, quirk3_malformed_body_is_an_error_not_data);
    tcase_add_test(tc, quirk3_close_delimited_body_ends_cleanly);
    suite_add_tcase(s, tc);
    tc = tcase_create("content_length_mismatch");
    tcase_add_test(tc, quirk4_bytes_beyond_content_length_not_in_body);
    tcase_add_test(tc, quirk4_extra_bytes_in_a_later_read);
    tcase_add_test(tc, quirk4_request_bytes_beyond_content_length);
    tcase_add_test(tc, quirk4_length_always_agrees_with_body_on_the_wire);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(quirks_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
