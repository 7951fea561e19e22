/* Message body length and connection persistence (RFC 9112 §6.3, §9.3, RFC 9110
 * §8.6): every rule of zh_decide_framing, the wrappers over parsed heads, and the
 * Content-Length parser. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "guard.h"
#include "ptest.h"
#include "zhttp/parse.h"

enum { REQ = 0, RESP = 1 };
#define ANY_KIND (-1)

typedef struct fr_case {
    int line;
    int is_response;
    int minor;
    int status;
    const char *method;  /* responses: the request's method */
    const char *fields;  /* "Name: value\n" per field */
    unsigned lenient;
    uint64_t max_body;   /* 0: the default */
    zh_err err;
    zh_err err2;         /* another acceptable answer where the header allows both */
    int kind;            /* zh_body_kind, or ANY_KIND for NONE-or-LENGTH-0 */
    uint64_t length;
    bool must_close;
    bool expect_continue;
} fr_case;

#define L .line = __LINE__
#define RQ(v, f) .is_response = REQ, .minor = (v), .fields = (f)
#define RS(v, st, m, f) .is_response = RESP, .minor = (v), .status = (st), .method = (m), .fields = (f)
#define NONE .err = ZH_OK, .kind = ZH_BODY_NONE
#define LENGTH(n) .err = ZH_OK, .kind = ZH_BODY_LENGTH, .length = (n)
#define CHUNKED .err = ZH_OK, .kind = ZH_BODY_CHUNKED
#define UNTIL_CLOSE .err = ZH_OK, .kind = ZH_BODY_UNTIL_CLOSE
#define ERR(e) .err = ZH_E_##e
#define CLOSE .must_close = true

static const fr_case cases[] = {
    /* ---- requests: rule 6/7 (no body), rule 5/6 (Content-Length), rule 4 (TE) */
    { L, RQ(1, ""), NONE },
    { L, RQ(1, "Host: a\n"), NONE },
    { L, RQ(1, "Content-Length: 5\n"), LENGTH(5) },
    { L, RQ(1, "Content-Length: 0\n"), .err = ZH_OK, .kind = ANY_KIND },
    { L, RQ(1, "Content-Length: 007\n"), LENGTH(7) },
    { L, RQ(1, "Content-Length: 16777216\n"), LENGTH(16777216) },
    { L, RQ(1, "Content-Length: 16777217\n"), ERR(BODY_TOO_LARGE) },
    { L, RQ(1, "Content-Length: 100\n"), .max_body = 100, LENGTH(100) },
    { L, RQ(1, "Content-Length: 101\n"), .max_body = 100, ERR(BODY_TOO_LARGE) },
    { L, RQ(1, "Content-Length: 9223372036854775807\n"), .max_body = UINT64_MAX, LENGTH(9223372036854775807u) },
    { L, RQ(1, "Content-Length: 9223372036854775808\n"), .max_body = UINT64_MAX, ERR(BAD_CONTENT_LENGTH) },
    { L, RQ(1, "Content-Length: 18446744073709551615\n"), .max_body = UINT64_MAX, ERR(BAD_CONTENT_LENGTH) },
    { L, RQ(1, "Content-Length: 18446744073709551616\n"), .max_body = UINT64_MAX, ERR(BAD_CONTENT_LENGTH) },
    { L, RQ(1, "Content-Length: 99999999999999999999999\n"), .max_body = UINT64_MAX, ERR(BAD_CONTENT_LENGTH) },
    { L, RQ(1, "Content-Length: +5\n"), ERR(BAD_CONTENT_LENGTH) },
    { L, RQ(1, "Content-Length: -5\n"), ERR(BAD_CONTENT_LENGTH) },
    { L, RQ(1, "Content-Length: 0x5\n"), ERR(BAD_CONTENT_LENGTH) },
    { L, RQ(1, "Content-Length: 5a\n"), ERR(BAD_CONTENT_LENGTH) },
    { L, RQ(1, "Content-Length: a5\n"), ERR(BAD_CONTENT_LENGTH) },
    { L, RQ(1, "Content-Length: 1.0\n"), ERR(BAD_CONTENT_LENGTH) },
    { L, RQ(1, "Content-Length: 5 5\n"), ERR(BAD_CONTENT_LENGTH) },
    { L, RQ(1, "Content-Length: \n"), ERR(BAD_CONTENT_LENGTH) },
    { L, RQ(1, "Content-Length: 5\nContent-Length: 5\n"), LENGTH(5) },
    { L, RQ(1, "Content-Length: 5\nContent-Length: 6\n"), ERR(CONFLICTING_CONTENT_LENGTH) },
    { L, RQ(1, "Content-Length: 5\nX: y\ncontent-length: 50\n"), ERR(CONFLICTING_CONTENT_LENGTH) },
    { L, RQ(1, "Content-Length: 5, 5\n"), LENGTH(5) },
    { L, RQ(1, "Content-Length: 5,5,5\n"), LENGTH(5) },
    { L, RQ(1, "Content-Length: 5, 6\n"), ERR(CONFLICTING_CONTENT_LENGTH) },
    { L, RQ(1, "Content-Length: 5, 5\nContent-Length: 5\n"), LENGTH(5) },
    { L, RQ(1, "Content-Length: 5, 5\nContent-Length: 6\n"), ERR(CONFLICTING_CONTENT_LENGTH) },
    { L, RQ(1, "Content-Length: 5, x\n"), ERR(BAD_CONTENT_LENGTH) },
    { L, RQ(1, "Transfer-Encoding: chunked\n"), CHUNKED },
    { L, RQ(1, "Transfer-Encoding: Chunked\n"), CHUNKED },
    { L, RQ(1, "transfer-encoding: CHUNKED\n"), CHUNKED },
    /* chunked is the only coding the library decodes: any other is 501 (RFC 9112 §6.1) */
    { L, RQ(1, "Transfer-Encoding: gzip, chunked\n"), ERR(UNKNOWN_TRANSFER_CODING) },
    { L, RQ(1, "Transfer-Encoding: deflate,chunked\n"), ERR(UNKNOWN_TRANSFER_CODING) },
    { L, RQ(1, "Transfer-Encoding: gzip\nTransfer-Encoding: chunked\n"), ERR(UNKNOWN_TRANSFER_CODING) },
    { L, RQ(1, "Transfer-Encoding: gzip\n"), ERR(CHUNKED_NOT_LAST), .err2 = ZH_E_UNKNOWN_TRANSFER_CODING },
    { L, RQ(1, "Transfer-Encoding: chunked, gzip\n"), ERR(CHUNKED_NOT_LAST) },
    { L, RQ(1, "Transfer-Encoding: chunked\nTransfer-Encoding: gzip\n"), ERR(CHUNKED_NOT_LAST) },
    { L, RQ(1, "Transfer-Encoding: chunked, chunked\n"), ERR(CHUNKED_TWICE) },
    { L, RQ(1, "Transfer-Encoding: chunked\nTransfer-Encoding: chunked\n"), ERR(CHUNKED_TWICE) },
    { L, RQ(1, "Transfer-Encoding: foo, chunked\n"), ERR(UNKNOWN_TRANSFER_CODING) },
    { L, RQ(1, "Transfer-Encoding: chunkedx\n"), ERR(CHUNKED_NOT_LAST) }, /* §6.3 rule 4 */
    { L, RQ(1, "Transfer-Encoding: gzip, chunkedx\n"), ERR(CHUNKED_NOT_LAST) },
    { L, RQ(1, "Transfer-Encoding: \n"), ERR(BAD_TRANSFER_ENCODING) },
    { L, RQ(1, "Transfer-Encoding: chunked;q=1\n"), ERR(BAD_TRANSFER_ENCODING) },
    { L, RQ(1, "Transfer-Encoding: @\n"), ERR(BAD_TRANSFER_ENCODING) },
    { L, RQ(1, "Transfer-Encoding: ;chunked\n"), ERR(BAD_TRANSFER_ENCODING) },
    { L, RQ(1, "Transfer-Encoding: chunked x\n"), ERR(BAD_TRANSFER_ENCODING) },
    /* empty list elements are ignored (RFC 9110 §5.6.1) */
    { L, RQ(1, "Transfer-Encoding: , chunked\n"), CHUNKED },
    { L, RQ(1, "Transfer-Encoding: chunked ,\n"), CHUNKED },
    { L, RQ(1, "Transfer-Encoding: gz@p, chunked\n"), ERR(BAD_TRANSFER_ENCODING) },
    { L, RQ(0, "Transfer-Encoding: chunked\n"), ERR(TE_IN_HTTP10) },
    { L, RQ(1, "Content-Length: 5\nTransfer-Encoding: chunked\n"), ERR(CL_AND_TE) },
    { L, RQ(1, "Transfer-Encoding: chunked\nContent-Length: 5\n"), ERR(CL_AND_TE) },
    { L, RQ(1, "Transfer-Encoding: chunked\nContent-Length: 5\n"), .lenient = ZH_LENIENT_CL_TE_RESPONSE, ERR(CL_AND_TE) },
    /* ---- requests: persistence (§9.3) and Expect */
    { L, RQ(1, "Connection: close\n"), NONE, CLOSE },
    { L, RQ(1, "Connection: Close\n"), NONE, CLOSE },
    { L, RQ(1, "Connection: keep-alive, close\n"), NONE, CLOSE },
    { L, RQ(1, "Connection: keep-alive\nConnection: close\n"), NONE, CLOSE },
    { L, RQ(1, "Connection: keep-alive\n"), NONE },
    { L, RQ(1, "Connection: upgrade\n"), NONE },
    { L, RQ(1, "Connection: closed\n"), NONE },
    { L, RQ(0, ""), NONE, CLOSE },
    { L, RQ(0, "Content-Length: 3\n"), LENGTH(3), CLOSE },
    { L, RQ(0, "Connection: keep-alive\n"), NONE },
    { L, RQ(0, "Connection: Keep-Alive\n"), NONE },
    { L, RQ(0, "Connection: keep-alive, close\n"), NONE, CLOSE },
    { L, RQ(1, "Content-Length: 5\nExpect: 100-continue\n"), LENGTH(5), .expect_continue = true },
    { L, RQ(1, "Content-Length: 5\nExpect: 100-Continue\n"), LENGTH(5), .expect_continue = true },
    { L, RQ(1, "Content-Length: 5\nExpect: 200-ok\n"), LENGTH(5) },
    /* ---- responses: rule 1 (no body), 2 (CONNECT), 3 (CL+TE), 4 (TE), 5/6 (CL), 8 (until close) */
    { L, RS(1, 200, "GET", "Content-Length: 5\n"), LENGTH(5) },
    { L, RS(1, 200, "GET", ""), UNTIL_CLOSE, CLOSE },
    { L, RS(1, 404, "POST", "Server: x\n"), UNTIL_CLOSE, CLOSE },
    { L, RS(1, 200, "GET", "Transfer-Encoding: chunked\n"), CHUNKED },
    { L, RS(1, 200, "GET", "Transfer-Encoding: gzip, chunked\n"), CHUNKED },
    { L, RS(1, 200, "GET", "Transfer-Encoding: gzip\n"), UNTIL_CLOSE, CLOSE },
    { L, RS(1, 200, "GET", "Transfer-Encoding: chunked, gzip\n"), UNTIL_CLOSE, CLOSE },
    { L, RS(1, 200, "HEAD", "Content-Length: 10\n"), NONE },
    { L, RS(1, 200, "HEAD", "Transfer-Encoding: chunked\n"), NONE },
    { L, RS(1, 200, "HEAD", ""), NONE },
    { L, RS(1, 404, "HEAD", "Content-Length: 10\n"), NONE },
    { L, RS(1, 100, "GET", "Content-Length: 5\n"), NONE },
    { L, RS(1, 101, "GET", "Content-Length: 5\n"), NONE, CLOSE }, /* no longer HTTP/1.1 */
    { L, RS(1, 199, "GET", "Transfer-Encoding: chunked\n"), NONE },
    { L, RS(1, 204, "GET", "Content-Length: 5\n"), NONE },
    { L, RS(1, 204, "GET", ""), NONE },
    { L, RS(1, 304, "GET", "Content-Length: 5\n"), NONE },
    { L, RS(1, 304, "GET", "Transfer-Encoding: chunked\n"), NONE },
    { L, RS(1, 205, "GET", "Content-Length: 0\n"), .err = ZH_OK, .kind = ANY_KIND },
    { L, RS(1, 203, "GET", "Content-Length: 5\n"), LENGTH(5) },
    { L, RS(1, 303, "GET", "Content-Length: 5\n"), LENGTH(5) },
    { L, RS(1, 305, "GET", "Content-Length: 5\n"), LENGTH(5) },
    /* a 2xx to CONNECT makes a tunnel: no HTTP message follows on it */
    { L, RS(1, 200, "CONNECT", ""), NONE, CLOSE },
    { L, RS(1, 200, "CONNECT", "Content-Length: 5\n"), NONE, CLOSE },
    { L, RS(1, 299, "CONNECT", "Transfer-Encoding: chunked\n"), NONE, CLOSE },
    { L, RS(1, 300, "CONNECT", "Content-Length: 5\n"), LENGTH(5) },
    { L, RS(1, 407, "CONNECT", "Content-Length: 5\n"), LENGTH(5) },
    { L, RS(1, 200, "GET", "Content-Length: 5\nTransfer-Encoding: chunked\n"), ERR(CL_AND_TE) },
    { L, RS(1, 200, "GET", "Transfer-Encoding: chunked\nContent-Length: 5\n"), ERR(CL_AND_TE) },
    { L, RS(1, 200, "GET", "Content-Length: 5\nTransfer-Encoding: chunked\n"),
      .lenient = ZH_LENIENT_CL_TE_RESPONSE, CHUNKED, CLOSE },
    { L, RS(1, 200, "GET", "Transfer-Encoding: gzip\nContent-Length: 5\n"),
      .lenient = ZH_LENIENT_CL_TE_RESPONSE, UNTIL_CLOSE, CLOSE },
    { L, RS(1, 200, "GET", "Content-Length: 5\nContent-Length: 7\n"), ERR(CONFLICTING_CONTENT_LENGTH) },
    { L, RS(1, 200, "GET", "Content-Length: 5, 5\n"), LENGTH(5) },
    { L, RS(1, 200, "GET", "Content-Length: -1\n"), ERR(BAD_CONTENT_LENGTH) },
    { L, RS(1, 200, "GET", "Content-Length: 101\n"), .max_body = 100, ERR(BODY_TOO_LARGE) },
    { L, RS(1, 200, "GET", "Content-Length: 100\n"), .max_body = 100, LENGTH(100) },
    /* ---- responses: persistence */
    { L, RS(1, 200, "GET", "Content-Length: 5\nConnection: close\n"), LENGTH(5), CLOSE },
    { L, RS(1, 200, "GET", "Transfer-Encoding: chunked\nConnection: Close\n"), CHUNKED, CLOSE },
    { L, RS(0, 200, "GET", "Content-Length: 5\n"), LENGTH(5), CLOSE },
    { L, RS(0, 200, "GET", "Content-Length: 5\nConnection: keep-alive\n"), LENGTH(5) },
    { L, RS(1, 204, "GET", "Connection: close\n"), NONE, CLOSE },
};

#define NCASES ((int)(sizeof(cases) / sizeof(cases[0])))

/* Splits "Name: value\n..." into fields pointing into storage (a guard copy). */
static size_t split_fields(const char *spec, zh_field *out, size_t cap, char **storage, size_t *slen)
{
    size_t len = strlen(spec), n = 0;
    char *s = guard_copy(spec, len);
    size_t at = 0;
    while (at < len && n < cap) {
        size_t eol = at;
        while (s[eol] != '\n')
            eol++;
        size_t colon = at;
        while (s[colon] != ':')
            colon++;
        size_t v = colon + 1;
        while (v < eol && s[v] == ' ')
            v++;
        out[n].name = (zh_slice){ s + at, colon - at };
        out[n].value = (zh_slice){ s + v, eol - v };
        n++;
        at = eol + 1;
    }
    *storage = s;
    *slen = len;
    return n;
}

static void run_case(const fr_case *c)
{
    zh_field fields[8];
    char *storage;
    size_t slen;
    size_t n = split_fields(c->fields, fields, 8, &storage, &slen);
    zh_parse_config cfg = pt_cfg(c->lenient, false);
    if (c->max_body)
        cfg.limits.max_body = c->max_body;
    zh_framing_input in = {
        .is_response = c->is_response == RESP,
        .version_minor = c->minor,
        .status = c->status,
        .request_method = c->method ? pt_guard_slice(c->method) : (zh_slice){ NULL, 0 },
        .fields = fields,
        .num_fields = n,
    };
    zh_framing out;
    memset(&out, 0x77, sizeof out);
    zh_err e = zh_decide_framing(&in, &cfg, &out);
    ck_assert_msg(e == c->err || (c->err2 && e == c->err2), "line %d: got %s, want %s", c->line,
                  zh_error_name(e), zh_error_name(c->err));
    if (e == ZH_OK) {
        if (c->kind == ANY_KIND) {
            ck_assert_msg(out.kind == ZH_BODY_NONE || (out.kind == ZH_BODY_LENGTH && out.length == 0),
                          "line %d: kind %d length %llu", c->line, out.kind, (unsigned long long)out.length);
        } else {
            ck_assert_msg((int)out.kind == c->kind, "line %d: kind %d, want %d", c->line, out.kind, c->kind);
            if (c->kind == ZH_BODY_LENGTH)
                ck_assert_msg(out.length == c->length, "line %d: length %llu, want %llu", c->line,
                              (unsigned long long)out.length, (unsigned long long)c->length);
        }
        ck_assert_msg(out.must_close == c->must_close, "line %d: must_close %d", c->line, out.must_close);
        ck_assert_msg(out.expect_continue == c->expect_continue, "line %d: expect_continue %d", c->line,
                      out.expect_continue);
    }
    guard_free(storage, slen);
    pt_guard_release();
}

START_TEST(framing_table)
{
    run_case(&cases[_i]);
}
END_TEST

/* The wrappers over parsed heads agree with zh_decide_framing. */
static zh_err frame_request(const char *text, unsigned lenient, zh_framing *out)
{
    size_t len = strlen(text), n;
    char *buf = guard_copy(text, len);
    zh_field fields[16];
    zh_request_head h = { .fields = fields, .fields_cap = 16 };
    zh_parse_config cfg = pt_cfg(lenient, false);
    ck_assert_int_eq(zh_parse_request_head(buf, len, &cfg, &h, &n), ZH_OK);
    zh_err e = zh_request_framing(&h, &cfg, out);
    guard_free(buf, len);
    return e;
}

static zh_err frame_response(const char *text, const char *method, unsigned lenient, zh_framing *out)
{
    size_t len = strlen(text), n;
    char *buf = guard_copy(text, len);
    zh_field fields[16];
    zh_response_head h = { .fields = fields, .fields_cap = 16 };
    zh_parse_config cfg = pt_cfg(lenient, false);
    ck_assert_int_eq(zh_parse_response_head(buf, len, &cfg, &h, &n), ZH_OK);
    zh_err e = zh_response_framing(&h, zh_slice_from_cstr(method), &cfg, out);
    guard_free(buf, len);
    return e;
}

START_TEST(request_wrapper)
{
    zh_framing f;
    ck_assert_int_eq(frame_request("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 12\r\n\r\n", 0, &f), ZH_OK);
    ck_assert_int_eq(f.kind, ZH_BODY_LENGTH);
    ck_assert_uint_eq(f.length, 12);
    ck_assert(!f.must_close);
    ck_assert_int_eq(frame_request("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n"
                                   "Connection: close\r\nExpect: 100-continue\r\n\r\n", 0, &f), ZH_OK);
    ck_assert_int_eq(f.kind, ZH_BODY_CHUNKED);
    ck_assert(f.must_close);
    ck_assert(f.expect_continue);
    ck_assert_int_eq(frame_request("GET / HTTP/1.0\r\n\r\n", 0, &f), ZH_OK);
    ck_assert_int_eq(f.kind, ZH_BODY_NONE);
    ck_assert(f.must_close);
    ck_assert_int_eq(frame_request("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n", 0, &f), ZH_E_TE_IN_HTTP10);
    ck_assert_int_eq(frame_request("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nContent-Length: 1\r\n\r\n", 0, &f),
                     ZH_E_CL_AND_TE);
    ck_assert_int_eq(frame_request("POST / HTTP/1.1\r\nTransfer-Encoding: chunked, br\r\n\r\n", 0, &f),
                     ZH_E_CHUNKED_NOT_LAST);
    ck_assert_int_eq(frame_request("POST / HTTP/1.1\r\nTransfer-Encoding: br, chunked\r\n\r\n", 0, &f),
                     ZH_E_UNKNOWN_TRANSFER_CODING);
    ck_assert_int_eq(zh_error_http_status(ZH_E_UNKNOWN_TRANSFER_CODING), 501);
}
END_TEST

START_TEST(response_wrapper)
{
    zh_framing f;
    ck_assert_int_eq(frame_response("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\n", "GET", 0, &f), ZH_OK);
    ck_assert_int_eq(f.kind, ZH_BODY_LENGTH);
    ck_assert_uint_eq(f.length, 3);
    ck_assert(!f.must_close);
    ck_assert_int_eq(frame_response("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\n", "HEAD", 0, &f), ZH_OK);
    ck_assert_int_eq(f.kind, ZH_BODY_NONE);
    ck_assert_int_eq(frame_response("HTTP/1.1 200 OK\r\n\r\n", "CONNECT", 0, &f), ZH_OK);
    ck_assert_int_eq(f.kind, ZH_BODY_NONE);
    ck_assert_int_eq(frame_response("HTTP/1.1 200 OK\r\n\r\n", "GET", 0, &f), ZH_OK);
    ck_assert_int_eq(f.kind, ZH_BODY_UNTIL_CLOSE);
    ck_assert(f.must_close);
    ck_assert_int_eq(frame_response("HTTP/1.1 304 Not Modified\r\nContent-Length: 3\r\n\r\n", "GET", 0, &f), ZH_OK);
    ck_assert_int_eq(f.kind, ZH_BODY_NONE);
    const char *clte = "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n";
    ck_assert_int_eq(frame_response(clte, "GET", 0, &f), ZH_E_CL_AND_TE);
    ck_assert_int_eq(frame_response(clte, "GET", ZH_LENIENT_CL_TE_RESPONSE, &f), ZH_OK);
    ck_assert_int_eq(f.kind, ZH_BODY_CHUNKED);
    ck_assert(f.must_close);
}
END_TEST

START_TEST(null_config_is_default)
{
    zh_field f[1] = { { pt_guard_slice("Content-Length"), pt_guard_slice("16777217") } };
    zh_framing_input in = { .is_response = false, .version_minor = 1, .fields = f, .num_fields = 1 };
    zh_framing out;
    ck_assert_int_eq(zh_decide_framing(&in, NULL, &out), ZH_E_BODY_TOO_LARGE);
    f[0].value = pt_guard_slice("16777216");
    ck_assert_int_eq(zh_decide_framing(&in, NULL, &out), ZH_OK);
    ck_assert_uint_eq(out.length, 16777216);
    pt_guard_release();
}
END_TEST

/* zh_parse_content_length over values placed against the guard page. */
static zh_err cl(const char *v, uint64_t *out)
{
    size_t n = strlen(v);
    char *buf = guard_copy(v, n);
    zh_err e = zh_parse_content_length((zh_slice){ buf, n }, out);
    guard_free(buf, n);
    return e;
}

START_TEST(content_length_values)
{
    uint64_t v = 0;
    ck_assert_int_eq(cl("0", &v), ZH_OK);
    ck_assert_uint_eq(v, 0);
    ck_assert_int_eq(cl("1", &v), ZH_OK);
    ck_assert_uint_eq(v, 1);
    ck_assert_int_eq(cl("1234567890", &v), ZH_OK);
    ck_assert_uint_eq(v, 1234567890u);
    ck_assert_int_eq(cl("0000000000000000000000042", &v), ZH_OK);
    ck_assert_uint_eq(v, 42);
    ck_assert_int_eq(cl("9223372036854775807", &v), ZH_OK);
    ck_assert_uint_eq(v, 9223372036854775807u);
    ck_assert_int_eq(cl("9223372036854775806", &v), ZH_OK);
    ck_assert_uint_eq(v, 9223372036854775806u);
    ck_assert_int_eq(cl("42, 42", &v), ZH_OK);
    ck_assert_uint_eq(v, 42);
    ck_assert_int_eq(cl("42,42", &v), ZH_OK);
    ck_assert_uint_eq(v, 42);
    ck_assert_int_eq(cl("7 ,\t7 , 7", &v), ZH_OK);
    ck_assert_uint_eq(v, 7);
    static const char *const bad[] = { "", "+1", "-1", "0x10", "1e3", "1 2", "12a", "a", " ", ",",
                                       "9223372036854775808", "9223372036854775809", "10000000000000000000",
                                       "18446744073709551616", "184467440737095516160", "1\r" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        uint64_t w = 0;
        zh_err e = cl(bad[i], &w);
        ck_assert_msg(e == ZH_E_BAD_CONTENT_LENGTH, "'%s': %s", bad[i], zh_error_name(e));
    }
    ck_assert_int_eq(cl("42, 43", &v), ZH_E_CONFLICTING_CONTENT_LENGTH);
    ck_assert_int_eq(cl("1,1,2", &v), ZH_E_CONFLICTING_CONTENT_LENGTH);
    /* A value not NUL-terminated: the parser stops at the slice length. */
    static const char digits[] = "12345";
    char *buf = guard_copy(digits, 5);
    ck_assert_int_eq(zh_parse_content_length((zh_slice){ buf, 3 }, &v), ZH_OK);
    ck_assert_uint_eq(v, 123);
    ck_assert_int_eq(zh_parse_content_length((zh_slice){ buf, 5 }, &v), ZH_OK);
    ck_assert_uint_eq(v, 12345);
    guard_free(buf, 5);
}
END_TEST

START_TEST(every_digit_count)
{
    /* 1..19 nines: all below 2^63; 20 nines overflow. */
    char s[32];
    uint64_t expect = 0;
    for (int k = 1; k <= 20; k++) {
        s[k - 1] = '9';
        s[k] = '\0';
        uint64_t v = 0;
        zh_err e = cl(s, &v);
        if (k <= 18) {
            expect = expect * 10 + 9;
            ck_assert_msg(e == ZH_OK && v == expect, "%s: %s", s, zh_error_name(e));
        } else if (k == 19) {
            /* 9999999999999999999 > 2^63 - 1 */
            ck_assert_int_eq(e, ZH_E_BAD_CONTENT_LENGTH);
        } else {
            ck_assert_int_eq(e, ZH_E_BAD_CONTENT_LENGTH);
        }
    }
}
END_TEST

static Suite *framing_suite(void)
{
    Suite *s = suite_create("framing");
    TCase *tc = tcase_create("decide");
    tcase_add_loop_test(tc, framing_table, 0, NCASES);
    tcase_add_test(tc, request_wrapper);
    tcase_add_test(tc, response_wrapper);
    tcase_add_test(tc, null_config_is_default);
    suite_add_tcase(s, tc);
    tc = tcase_create("content_length");
    tcase_add_test(tc, content_length_values);
    tcase_add_test(tc, every_digit_count);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(framing_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
