/* Field blocks, request validation (Host), field lookup, list tokens, and each
 * lenient flag tested both ways: strict rejects, lenient accepts. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "guard.h"
#include "ptest.h"
#include "zhttp/parse.h"

/* ---------------------------------------------------------------- zh_parse_fields */

typedef struct fl_case {
    int line;
    const char *in;
    size_t len;
    unsigned lenient;
    zh_err err;
    const char *at;      /* error_offset: first occurrence */
    const char *fields;  /* ZH_OK: dump */
    size_t tail;
} fl_case;

#define L .line = __LINE__
#define IN(s) .in = (s), .len = sizeof(s) - 1
#define OK(f) .err = ZH_OK, .fields = (f)
#define ERR(e, a) .err = ZH_E_##e, .at = (a)

static const fl_case fcases[] = {
    { L, IN("\r\n"), OK("") },
    { L, IN("A: b\r\n\r\n"), OK("A: b\n") },
    { L, IN("A: b\r\nC: d\r\n\r\n"), OK("A: b\nC: d\n") },
    { L, IN("A: b\r\n\r\nrest"), OK("A: b\n"), .tail = 4 },
    { L, IN("A:   b c  \r\n\r\n"), OK("A: b c\n") },
    { L, IN("A:\t\tb\t\r\n\r\n"), OK("A: b\n") },
    { L, IN("A:\r\n\r\n"), OK("A: \n") },
    { L, IN("A: b\nC: d\n\n"), .lenient = ZH_LENIENT_BARE_LF, OK("A: b\nC: d\n") },
    { L, IN("A: b\r\n c\r\n\r\n"), .lenient = ZH_LENIENT_OBS_FOLD, OK("A: b\r\n c\n") },
    { L, IN(""), .err = ZH_INCOMPLETE },
    { L, IN("A: b\r\n"), .err = ZH_INCOMPLETE },
    { L, IN("A: b\r\n\r"), .err = ZH_INCOMPLETE },
    { L, IN("A : b\r\n\r\n"), ERR(WS_BEFORE_COLON, " ") },
    { L, IN("A(: b\r\n\r\n"), ERR(BAD_FIELD_NAME, "(") },
    { L, IN(": b\r\n\r\n"), ERR(BAD_FIELD_NAME, ":") },
    { L, IN("A: b\x01\r\n\r\n"), ERR(BAD_FIELD_VALUE, "\x01") },
    { L, IN("A: b\r\n c\r\n\r\n"), ERR(OBS_FOLD, " c") },
    { L, IN("A: b\rc\r\n\r\n"), ERR(BARE_CR, "\rc") },
    { L, IN("A: b\n\r\n"), ERR(BARE_LF, "\n") },
    { L, IN("\n"), ERR(BARE_LF, "\n") },
    { L, IN("A: b\r\nC: \x7f\r\n\r\n"), ERR(BAD_FIELD_VALUE, "\x7f") },
};

#define NF ((int)(sizeof(fcases) / sizeof(fcases[0])))

static void run_fields(const fl_case *c, bool scalar)
{
    zh_parse_config cfg = pt_cfg(c->lenient, scalar);
    size_t want_off = c->at ? pt_find(c->in, c->len, c->at) : (size_t)-1;
    char got[1024];
    if (c->at)
        ck_assert(want_off != (size_t)-1);
    for (size_t p = 0; p <= c->len; p++) {
        char *buf = guard_copy(c->in, p);
        zh_field f[8];
        size_t nf = 99, consumed = 99, off = (size_t)-1;
        zh_err e = zh_parse_fields(buf, p, &cfg, f, 8, &nf, &consumed, &off);
        bool full = p == c->len || (c->err == ZH_OK && p >= c->len - c->tail);
        if (full) {
            ck_assert_msg(e == c->err, "line %d at %zu: got %s", c->line, p, zh_error_name(e));
            if (e == ZH_OK) {
                ck_assert_msg(consumed == c->len - c->tail, "line %d: consumed %zu", c->line, consumed);
                pt_fields_str(f, nf, got, sizeof got);
                ck_assert_msg(strcmp(got, c->fields) == 0, "line %d: fields\n%s", c->line, got);
                for (size_t i = 0; i < nf; i++)
                    ck_assert(pt_slice_within(f[i].name, buf, p) && pt_slice_within(f[i].value, buf, p));
            }
        } else if (c->err == ZH_OK || c->err == ZH_INCOMPLETE) {
            ck_assert_msg(e == ZH_INCOMPLETE, "line %d at %zu: prefix got %s", c->line, p, zh_error_name(e));
        } else {
            ck_assert_msg(e == ZH_INCOMPLETE || e == c->err, "line %d at %zu: prefix got %s", c->line, p,
                          zh_error_name(e));
        }
        if (e != ZH_OK && e != ZH_INCOMPLETE && want_off != (size_t)-1)
            ck_assert_msg(off == want_off, "line %d at %zu: error_offset %zu, want %zu", c->line, p, off, want_off);
        guard_free(buf, p);
    }
}

START_TEST(fields_table)
{
    run_fields(&fcases[_i], false);
    run_fields(&fcases[_i], true);
}
END_TEST

START_TEST(fields_capacity)
{
    static const char in[] = "A: 1\r\nB: 2\r\nC: 3\r\n\r\n";
    size_t len = sizeof in - 1, nf, consumed, off;
    char *buf = guard_copy(in, len);
    zh_field f[3];
    zh_parse_config cfg = pt_cfg(0, false);
    ck_assert_int_eq(zh_parse_fields(buf, len, &cfg, f, 3, &nf, &consumed, &off), ZH_OK);
    ck_assert_uint_eq(nf, 3);
    ck_assert_uint_eq(consumed, len);
    ck_assert_int_eq(zh_parse_fields(buf, len, &cfg, f, 2, &nf, &consumed, &off), ZH_E_TOO_MANY_FIELDS);
    cfg.limits.max_fields = 2;
    ck_assert_int_eq(zh_parse_fields(buf, len, &cfg, f, 3, &nf, &consumed, &off), ZH_E_TOO_MANY_FIELDS);
    ck_assert_int_eq(zh_parse_fields(buf, len, NULL, f, 3, &nf, &consumed, &off), ZH_OK);
    cfg = pt_cfg(0, true);
    cfg.limits.max_head = len;
    ck_assert_int_eq(zh_parse_fields(buf, len, &cfg, f, 3, &nf, &consumed, &off), ZH_OK);
    cfg.limits.max_head = len - 1;
    ck_assert_int_eq(zh_parse_fields(buf, len, &cfg, f, 3, &nf, &consumed, &off), ZH_E_HEAD_TOO_LARGE);
    ck_assert_uint_eq(off, len - 1);
    guard_free(buf, len);
}
END_TEST

/* 101 fields against the default limit of 100. */
START_TEST(default_field_count_limit)
{
    static char in[2048];
    static zh_field f[128];
    for (int count = 100; count <= 101; count++) {
        size_t len = 0;
        for (int i = 0; i < count; i++) {
            memcpy(in + len, "F: 1\r\n", 6);
            len += 6;
        }
        memcpy(in + len, "\r\n", 2);
        len += 2;
        char *buf = guard_copy(in, len);
        size_t nf, consumed, off;
        zh_err e = zh_parse_fields(buf, len, NULL, f, 128, &nf, &consumed, &off);
        ck_assert_msg(e == (count <= 100 ? ZH_OK : ZH_E_TOO_MANY_FIELDS), "%d: %s", count, zh_error_name(e));
        if (e == ZH_OK)
            ck_assert_uint_eq(nf, 100);
        guard_free(buf, len);
    }
}
END_TEST

/* ---------------------------------------------------------------- lenient flags both ways */

static zh_err parse_req(const char *text, unsigned lenient, zh_request_head *h, zh_field *f, size_t cap)
{
    size_t len = strlen(text), n;
    char *buf = guard_copy(text, len);
    zh_parse_config cfg = pt_cfg(lenient, false);
    h->fields = f;
    h->fields_cap = cap;
    zh_err e = zh_parse_request_head(buf, len, &cfg, h, &n);
    if (e == ZH_OK)
        e = zh_validate_request(h, &cfg);
    guard_free(buf, len);
    return e;
}

START_TEST(lenient_bare_lf)
{
    zh_request_head h;
    zh_field f[4];
    const char *req = "GET / HTTP/1.1\nHost: a\n\n";
    ck_assert_int_eq(parse_req(req, 0, &h, f, 4), ZH_E_BARE_LF);
    ck_assert_int_eq(parse_req(req, ZH_LENIENT_OBS_FOLD | ZH_LENIENT_HOST, &h, f, 4), ZH_E_BARE_LF);
    ck_assert_int_eq(parse_req(req, ZH_LENIENT_BARE_LF, &h, f, 4), ZH_OK);
    ck_assert_uint_eq(h.num_fields, 1);
}
END_TEST

START_TEST(lenient_obs_fold)
{
    zh_request_head h;
    zh_field f[4];
    const char *req = "GET / HTTP/1.1\r\nHost: a\r\nX: one\r\n two\r\n\r\n";
    ck_assert_int_eq(parse_req(req, 0, &h, f, 4), ZH_E_OBS_FOLD);
    ck_assert_int_eq(parse_req(req, ZH_LENIENT_BARE_LF | ZH_LENIENT_HOST, &h, f, 4), ZH_E_OBS_FOLD);
    ck_assert_int_eq(parse_req(req, ZH_LENIENT_OBS_FOLD, &h, f, 4), ZH_OK);
    ck_assert_uint_eq(h.num_fields, 2);
}
END_TEST

START_TEST(lenient_cl_te_response)
{
    zh_field f[2] = { { pt_guard_slice("Transfer-Encoding"), pt_guard_slice("chunked") },
                      { pt_guard_slice("Content-Length"), pt_guard_slice("10") } };
    zh_framing_input in = { .is_response = true, .version_minor = 1, .status = 200,
                            .request_method = pt_guard_slice("GET"), .fields = f, .num_fields = 2 };
    zh_framing out;
    zh_parse_config cfg = pt_cfg(ZH_LENIENT_BARE_LF | ZH_LENIENT_OBS_FOLD | ZH_LENIENT_HOST, false);
    ck_assert_int_eq(zh_decide_framing(&in, &cfg, &out), ZH_E_CL_AND_TE);
    cfg.lenient = ZH_LENIENT_CL_TE_RESPONSE;
    ck_assert_int_eq(zh_decide_framing(&in, &cfg, &out), ZH_OK);
    ck_assert_int_eq(out.kind, ZH_BODY_CHUNKED);
    ck_assert(out.must_close);
    /* never for requests */
    in.is_response = false;
    ck_assert_int_eq(zh_decide_framing(&in, &cfg, &out), ZH_E_CL_AND_TE);
    pt_guard_release();
}
END_TEST

START_TEST(lenient_host)
{
    zh_request_head h;
    zh_field f[4];
    const char *missing = "GET / HTTP/1.1\r\nX: y\r\n\r\n";
    const char *bad = "GET / HTTP/1.1\r\nHost: a b\r\n\r\n";
    ck_assert_int_eq(parse_req(missing, 0, &h, f, 4), ZH_E_MISSING_HOST);
    ck_assert_int_eq(parse_req(missing, ZH_LENIENT_BARE_LF | ZH_LENIENT_OBS_FOLD | ZH_LENIENT_CL_TE_RESPONSE, &h, f, 4),
                     ZH_E_MISSING_HOST);
    ck_assert_int_eq(parse_req(missing, ZH_LENIENT_HOST, &h, f, 4), ZH_OK);
    ck_assert_int_eq(parse_req(bad, 0, &h, f, 4), ZH_E_BAD_HOST);
    ck_assert_int_eq(parse_req(bad, ZH_LENIENT_HOST, &h, f, 4), ZH_OK);
}
END_TEST

/* ---------------------------------------------------------------- zh_validate_request */

typedef struct host_case {
    int line;
    const char *req;
    zh_err err;
} host_case;

static const host_case hosts[] = {
    { __LINE__, "GET / HTTP/1.1\r\nHost: example.com\r\n\r\n", ZH_OK },
    { __LINE__, "GET / HTTP/1.1\r\nhost: example.com:8080\r\n\r\n", ZH_OK },
    { __LINE__, "GET / HTTP/1.1\r\nHOST: [::1]:80\r\n\r\n", ZH_OK },
    { __LINE__, "GET / HTTP/1.1\r\nHost: 10.1.2.3\r\n\r\n", ZH_OK },
    { __LINE__, "GET / HTTP/1.0\r\n\r\n", ZH_OK },
    { __LINE__, "GET / HTTP/1.0\r\nHost: a\r\n\r\n", ZH_OK },
    { __LINE__, "GET / HTTP/1.1\r\n\r\n", ZH_E_MISSING_HOST },
    { __LINE__, "GET / HTTP/1.1\r\nHosts: a\r\nXHost: b\r\n\r\n", ZH_E_MISSING_HOST },
    { __LINE__, "GET / HTTP/1.1\r\nHost: a\r\nHost: a\r\n\r\n", ZH_E_DUPLICATE_HOST },
    { __LINE__, "GET / HTTP/1.1\r\nHost: a\r\nX: 1\r\nhost: b\r\n\r\n", ZH_E_DUPLICATE_HOST },
    { __LINE__, "GET / HTTP/1.0\r\nHost: a\r\nHost: b\r\n\r\n", ZH_E_DUPLICATE_HOST },
    { __LINE__, "GET / HTTP/1.1\r\nHost: a b\r\n\r\n", ZH_E_BAD_HOST },
    { __LINE__, "GET / HTTP/1.1\r\nHost: user@a\r\n\r\n", ZH_E_BAD_HOST },
    { __LINE__, "GET / HTTP/1.1\r\nHost: a:99999\r\n\r\n", ZH_E_BAD_HOST },
    { __LINE__, "GET / HTTP/1.1\r\nHost: a:x\r\n\r\n", ZH_E_BAD_HOST },
    { __LINE__, "GET / HTTP/1.1\r\nHost: a/b\r\n\r\n", ZH_E_BAD_HOST },
    { __LINE__, "GET / HTTP/1.1\r\nHost: [::1\r\n\r\n", ZH_E_BAD_HOST },
    { __LINE__, "GET / HTTP/1.1\r\nHost: a, b\r\n\r\n", ZH_E_BAD_HOST },
    /* RFC 9110 §7.2: empty when the target has no authority */
    { __LINE__, "GET / HTTP/1.1\r\nHost:\r\n\r\n", ZH_OK },
};

#define NHOSTS ((int)(sizeof(hosts) / sizeof(hosts[0])))

START_TEST(validate_table)
{
    zh_request_head h;
    zh_field f[8];
    zh_err e = parse_req(hosts[_i].req, 0, &h, f, 8);
    ck_assert_msg(e == hosts[_i].err, "line %d: got %s, want %s", hosts[_i].line, zh_error_name(e),
                  zh_error_name(hosts[_i].err));
}
END_TEST

START_TEST(validate_null_config)
{
    zh_field f[1] = { { pt_guard_slice("X"), pt_guard_slice("y") } };
    zh_request_head h = { .method = pt_guard_slice("GET"), .target = pt_guard_slice("/"), .form = ZH_FORM_ORIGIN,
                          .version_minor = 1, .fields = f, .fields_cap = 1, .num_fields = 1 };
    ck_assert_int_eq(zh_validate_request(&h, NULL), ZH_E_MISSING_HOST);
    f[0].name = pt_guard_slice("Host");
    ck_assert_int_eq(zh_validate_request(&h, NULL), ZH_OK);
    h.version_minor = 0;
    h.num_fields = 0;
    ck_assert_int_eq(zh_validate_request(&h, NULL), ZH_OK);
    pt_guard_release();
}
END_TEST

/* ---------------------------------------------------------------- lookup and lists */

START_TEST(fields_find)
{
    zh_field f[4] = { { pt_guard_slice("Host"), pt_guard_slice("a") },
                      { pt_guard_slice("Accept"), pt_guard_slice("1") },
                      { pt_guard_slice("ACCEPT"), pt_guard_slice("2") },
                      { pt_guard_slice("Content-Length"), pt_guard_slice("3") } };
    ck_assert_ptr_eq(zh_fields_find(f, 4, pt_guard_slice("host")), &f[0]);
    ck_assert_ptr_eq(zh_fields_find(f, 4, pt_guard_slice("accept")), &f[1]);
    ck_assert_ptr_eq(zh_fields_find(f, 4, pt_guard_slice("CONTENT-length")), &f[3]);
    ck_assert_ptr_null(zh_fields_find(f, 4, pt_guard_slice("Content-Lengt")));
    ck_assert_ptr_null(zh_fields_find(f, 4, pt_guard_slice("Content-Lengths")));
    ck_assert_ptr_null(zh_fields_find(f, 4, pt_guard_slice("Hos")));
    ck_assert_ptr_null(zh_fields_find(f, 3, pt_guard_slice("Content-Length")));
    ck_assert_ptr_null(zh_fields_find(f, 0, pt_guard_slice("Host")));
    ck_assert_ptr_null(zh_fields_find(NULL, 0, pt_guard_slice("Host")));
    /* case folding is ASCII letters only: '-' (0x2d) and '\r' (0x0d) differ by 0x20 */
    zh_field g[1] = { { pt_guard_slice("a-b"), pt_guard_slice("x") } };
    ck_assert_ptr_null(zh_fields_find(g, 1, pt_guard_slice("a\rb")));
    ck_assert_ptr_null(zh_fields_find(g, 1, pt_guard_slice("A@B")));
    pt_guard_release();
}
END_TEST

static bool has(const char *list, const char *tok)
{
    size_t n = strlen(list);
    char *buf = guard_copy(list, n);
    bool r = zh_list_has_token((zh_slice){ buf, n }, zh_slice_from_cstr(tok));
    guard_free(buf, n);
    return r;
}

START_TEST(list_has_token)
{
    ck_assert(has("close", "close"));
    ck_assert(has("Close", "close"));
    ck_assert(has("keep-alive, close", "close"));
    ck_assert(has("keep-alive,close", "close"));
    ck_assert(has("close, keep-alive", "close"));
    ck_assert(has("  close  ", "close"));
    ck_assert(has("a ,\tclose\t, b", "close"));
    ck_assert(has(",,close,,", "close"));
    ck_assert(has("Upgrade, Keep-Alive", "keep-alive"));
    ck_assert(!has("", "close"));
    ck_assert(!has("closed", "close"));
    ck_assert(!has("xclose", "close"));
    ck_assert(!has("clos", "close"));
    ck_assert(!has("keep-alive", "close"));
    ck_assert(!has("close-ish, open", "close"));
    ck_assert(!has("c lose", "close"));
    ck_assert(!has(",", "close"));
    ck_assert(has("100-continue", "100-continue"));
    ck_assert(has("gzip, chunked", "chunked"));
    ck_assert(!has("gzip, chunkedx", "chunked"));
}
END_TEST

static Suite *fields_suite(void)
{
    Suite *s = suite_create("parse_fields");
    TCase *tc = tcase_create("fields");
    tcase_add_loop_test(tc, fields_table, 0, NF);
    tcase_add_test(tc, fields_capacity);
    tcase_add_test(tc, default_field_count_limit);
    suite_add_tcase(s, tc);
    tc = tcase_create("lenient");
    tcase_add_test(tc, lenient_bare_lf);
    tcase_add_test(tc, lenient_obs_fold);
    tcase_add_test(tc, lenient_cl_te_response);
    tcase_add_test(tc, lenient_host);
    suite_add_tcase(s, tc);
    tc = tcase_create("validate");
    tcase_add_loop_test(tc, validate_table, 0, NHOSTS);
    tcase_add_test(tc, validate_null_config);
    suite_add_tcase(s, tc);
    tc = tcase_create("lookup");
    tcase_add_test(tc, fields_find);
    tcase_add_test(tc, list_has_token);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(fields_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
