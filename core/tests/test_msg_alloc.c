/* Allocation behaviour of the msg layer: zero allocations per parse/serialize
 * cycle after warm-up (zh_alloc_stats), and every allocation failure during
 * warm-up coming back as ZH_E_NOMEM with nothing leaked and the objects still
 * usable (curl's torture idea: fail the Nth allocation for every N). */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "zhttp/alloc.h"
#include "zhttp/msg.h"

#define S(lit) ZH_SLICE_LIT(lit)

static const char request_wire[] =
    "POST /api/v1/items?id=42&x=y HTTP/1.1\r\n"
    "Host: example.com\r\n"
    "User-Agent: bench/1.0\r\n"
    "Accept: application/json\r\n"
    "Accept-Encoding: gzip, deflate\r\n"
    "Content-Type: application/json\r\n"
    "Cookie: a=1; b=2\r\n"
    "X-Request-Id: 0123456789abcdef\r\n"
    "Content-Length: 27\r\n"
    "\r\n"
    "{\"name\":\"widget\",\"qty\":10}\n";

static const char chunked_request_wire[] =
    "PUT /upload HTTP/1.1\r\n"
    "Host: example.com\r\n"
    "Transfer-Encoding: chunked\r\n"
    "\r\n"
    "10\r\n0123456789abcdef\r\n5\r\nhello\r\n0\r\n\r\n";

static const char response_wire[] =
    "HTTP/1.1 200 OK\r\n"
    "Server: peer\r\n"
    "Date: Sun, 06 Nov 1994 08:49:37 GMT\r\n"
    "Content-Type: text/plain\r\n"
    "Transfer-Encoding: chunked\r\n"
    "\r\n"
    "7\r\nHello, \r\n6\r\nWorld!\r\n0\r\n\r\n";

/* One server-side exchange: parse a request, build the response, serialize it. */
static zh_err server_cycle(zh_request *req, zh_response *resp, zh_buf *out, const char *wire,
                           size_t len)
{
    zh_request_reset(req);
    zh_response_reset(resp);
    zh_buf_clear(out);
    size_t c = 0;
    zh_err e = zh_request_parse(req, wire, len, NULL, &c);
    if (e != ZH_OK)
        return e;
    if (c != len)
        return ZH_E_UNEXPECTED_DATA;
    zh_slice v;
    zh_headers_get(zh_request_headers_const(req), S("accept"), &v);
    if ((e = zh_response_set_status(resp, 201)) != ZH_OK)
        return e;
    if ((e = zh_headers_set(zh_response_headers(resp), S("Content-Type"), S("text/plain"))) != ZH_OK)
        return e;
    if ((e = zh_headers_add(zh_response_headers(resp), S("X-Echo"), zh_request_target(req))) != ZH_OK)
        return e;
    if ((e = zh_response_set_body(resp, "created: ", 9)) != ZH_OK)
        return e;
    zh_slice b = zh_request_body(req);
    if ((e = zh_response_append_body(resp, b.ptr, b.len)) != ZH_OK)
        return e;
    zh_msg_defaults d = { .date = S("Sun, 06 Nov 1994 08:49:37 GMT"), .server = S("zhttp") };
    return zh_response_serialize(resp, zh_request_method(req), &d, out);
}

/* One client-side exchange: build and serialize a request, parse the response. */
static zh_err client_cycle(zh_request *req, zh_response *resp, zh_buf *out)
{
    zh_request_reset(req);
    zh_response_reset(resp);
    zh_buf_clear(out);
    zh_err e;
    if ((e = zh_request_set_method(req, S("POST"))) != ZH_OK)
        return e;
    if ((e = zh_request_set_target(req, S("/submit?q=1"))) != ZH_OK)
        return e;
    if ((e = zh_headers_add(zh_request_headers(req), S("Accept"), S("*/*"))) != ZH_OK)
        return e;
    if ((e = zh_request_set_body(req, "payload", 7)) != ZH_OK)
        return e;
    zh_msg_defaults d = { .host = S("example.com"), .user_agent = S("zhttp/0.1") };
    if ((e = zh_request_serialize(req, &d, out)) != ZH_OK)
        return e;
    size_t c = 0;
    e = zh_response_parse(resp, response_wire, sizeof response_wire - 1, zh_request_method(req),
                          NULL, &c);
    if (e != ZH_OK)
        return e;
    return zh_response_body(resp).len == 13 ? ZH_OK : ZH_E_BAD_RESPONSE;
}

START_TEST(zero_alloc_server_cycle_after_warm_up)
{
    zh_request req;
    zh_response resp;
    zh_buf out = ZH_BUF_INIT;
    zh_request_init(&req);
    zh_response_init(&resp);
    for (int i = 0; i < 3; i++) {
        ck_assert_int_eq(server_cycle(&req, &resp, &out, request_wire, sizeof request_wire - 1), ZH_OK);
        ck_assert_int_eq(server_cycle(&req, &resp, &out, chunked_request_wire,
                                      sizeof chunked_request_wire - 1), ZH_OK);
    }
    zh_alloc_stats_reset();
    for (int i = 0; i < 1000; i++) {
        ck_assert_int_eq(server_cycle(&req, &resp, &out, request_wire, sizeof request_wire - 1), ZH_OK);
        ck_assert_int_eq(server_cycle(&req, &resp, &out, chunked_request_wire,
                                      sizeof chunked_request_wire - 1), ZH_OK);
    }
    zh_alloc_stats st = zh_alloc_stats_get();
    ck_assert_msg(st.allocs == 0 && st.frees == 0, "steady state allocated: %llu allocs, %llu frees",
                  (unsigned long long)st.allocs, (unsigned long long)st.frees);
    /* and the last cycle really did the work */
    ck_assert_uint_gt(out.len, 0);
    ck_assert_ptr_nonnull(memmem(out.ptr, out.len, "created: 0123456789abcdefhello", 30));
    zh_buf_dispose(&out);
    zh_request_dispose(&req);
    zh_response_dispose(&resp);
}
END_TEST

START_TEST(zero_alloc_client_cycle_after_warm_up)
{
    zh_request req;
    zh_response resp;
    zh_buf out = ZH_BUF_INIT;
    zh_request_init(&req);
    zh_response_init(&resp);
    for (int i = 0; i < 3; i++)
        ck_assert_int_eq(client_cycle(&req, &resp, &out), ZH_OK);
    zh_alloc_stats_reset();
    for (int i = 0; i < 1000; i++)
        ck_assert_int_eq(client_cycle(&req, &resp, &out), ZH_OK);
    zh_alloc_stats st = zh_alloc_stats_get();
    ck_assert_msg(st.allocs == 0 && st.frees == 0, "steady state allocated: %llu allocs, %llu frees",
                  (unsigned long long)st.allocs, (unsigned long long)st.frees);
    zh_buf_dispose(&out);
    zh_request_dispose(&req);
    zh_response_dispose(&resp);
}
END_TEST

START_TEST(zero_alloc_streamed_and_split_parse)
{
    /* byte-at-a-time arrival of a chunked request allocates nothing either */
    zh_request req;
    zh_request_init(&req);
    const char *w = chunked_request_wire;
    size_t len = sizeof chunked_request_wire - 1;
    for (int round = 0; round < 4; round++) {
        if (round == 2)
            zh_alloc_stats_reset();
        zh_request_reset(&req);
        size_t start = 0;
        zh_err e = ZH_INCOMPLETE;
        for (size_t end = 1; end <= len && e == ZH_INCOMPLETE; end++) {
            size_t c = 0;
            e = zh_request_parse(&req, w + start, end - start, NULL, &c);
            start += c;
        }
        ck_assert_int_eq(e, ZH_OK);
        ck_assert_uint_eq(start, len);
    }
    ck_assert_uint_eq(zh_alloc_stats_get().allocs, 0);
    zh_request_dispose(&req);
}
END_TEST

/* ---------------------------------------------------------------- failures */

/* An allocator that counts live blocks, so a leak shows as live != 0. */
static long live;
static void *count_alloc(void *ud, size_t n)
{
    (void)ud;
    void *p = malloc(n);
    if (p)
        live++;
    return p;
}
static void *count_realloc(void *ud, void *p, size_t n)
{
    (void)ud;
    void *q = realloc(p, n);
    if (q && !p)
        live++;
    return q;
}
static void count_free(void *ud, void *p)
{
    (void)ud;
    if (p)
        live--;
    free(p);
}
static const zh_allocator counting = { count_alloc, count_realloc, count_free, NULL };

typedef zh_err (*cycle_fn)(zh_request *, zh_response *, zh_buf *);

static zh_err server_cycle_plain(zh_request *req, zh_response *resp, zh_buf *out)
{
    return server_cycle(req, resp, out, request_wire, sizeof request_wire - 1);
}

static zh_err server_cycle_chunked(zh_request *req, zh_response *resp, zh_buf *out)
{
    return server_cycle(req, resp, out, chunked_request_wire, sizeof chunked_request_wire - 1);
}

static const cycle_fn cycles[] = { server_cycle_plain, server_cycle_chunked, client_cycle };

/* Fails the nth allocation (alone, or every one from it when sticky) of a cold
 * cycle, for every n, until a cycle needs no more than n-1. */
static void torture(cycle_fn cycle, bool sticky)
{
    zh_set_allocator(&counting);
    uint64_t n;
    for (n = 1; n < 1000; n++) {
        live = 0;
        zh_request req;
        zh_response resp;
        zh_buf out = ZH_BUF_INIT;
        zh_request_init(&req);
        zh_response_init(&resp);
        zh_alloc_stats_reset();
        zh_alloc_fail_after(n, sticky);
        zh_err e = cycle(&req, &resp, &out);
        zh_alloc_fail_after(0, false);
        uint64_t failures = zh_alloc_stats_get().failures;
        if (failures == 0) {
            ck_assert_int_eq(e, ZH_OK);
        } else {
            /* no allocation is retried or ignored: a failure is the cycle's answer */
            ck_assert_msg(e == ZH_E_NOMEM,
                          "allocation %llu failed, cycle returned %s", (unsigned long long)n,
                          zh_error_name(e));
            /* the same objects recover once memory is back */
            ck_assert_int_eq(cycle(&req, &resp, &out), ZH_OK);
        }
        zh_buf_dispose(&out);
        zh_request_dispose(&req);
        zh_response_dispose(&resp);
        ck_assert_msg(live == 0, "allocation %llu failed: %ld blocks leaked", (unsigned long long)n, live);
        if (failures == 0)
            break;
    }
    zh_set_allocator(NULL);
    ck_assert_uint_gt(n, 3); /* the cycles do allocate while cold: the test saw failures */
    ck_assert_uint_lt(n, 1000);
}

START_TEST(nomem_each_allocation_once)
{
    torture(cycles[_i], false);
}
END_TEST

START_TEST(nomem_each_allocation_sticky)
{
    torture(cycles[_i], true);
}
END_TEST

static Suite *msg_alloc_suite(void)
{
    Suite *s = suite_create("msg_alloc");
    TCase *tc = tcase_create("steady_state");
    tcase_add_test(tc, zero_alloc_server_cycle_after_warm_up);
    tcase_add_test(tc, zero_alloc_client_cycle_after_warm_up);
    tcase_add_test(tc, zero_alloc_streamed_and_split_parse);
    suite_add_tcase(s, tc);
    tc = tcase_create("failures");
    int n = (int)(sizeof cycles / sizeof cycles[0]);
    tcase_add_loop_test(tc, nomem_each_allocation_once, 0, n);
    tcase_add_loop_test(tc, nomem_each_allocation_sticky, 0, n);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(msg_alloc_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
