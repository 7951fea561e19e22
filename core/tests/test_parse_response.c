/* Response heads (RFC 9112 §4, §5): a table of well-formed and malformed
 * responses, each parsed whole and cut at every byte boundary, with the SIMD scans
 * on and off, every input ending flush against an unmapped page. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "guard.h"
#include "ptest.h"
#include "zhttp/parse.h"

typedef struct resp_case {
    int line;
    const char *in;
    size_t len;
    unsigned lenient;
    zh_err err;
    const char *at;     /* errors: error_offset is where this string first occurs */
    size_t off;         /* errors: OFF(n) + 1; 0 = not checked */
    bool at_nul;        /* errors: error_offset is the first NUL */
    int minor;          /* ZH_OK outputs */
    int status;
    const char *reason;
    const char *fields;
    size_t body;        /* bytes after the head */
} resp_case;

#define L .line = __LINE__
#define IN(s) .in = (s), .len = sizeof(s) - 1
#define OK(v, st, r, flds) .err = ZH_OK, .minor = (v), .status = (st), .reason = (r), .fields = (flds)
#define ERR(e, a) .err = ZH_E_##e, .at = (a)
#define ERR_OFF(e, n) .err = ZH_E_##e, .off = (size_t)(n) + 1
#define ERR_ANY(e) .err = ZH_E_##e
#define ERR_NUL .err = ZH_E_NUL, .at_nul = true
#define MORE .err = ZH_INCOMPLETE
#define LEN(n) .lenient = (n)

static const resp_case cases[] = {
    /* ---- well-formed */
    { L, IN("HTTP/1.1 200 OK\r\n\r\n"), OK(1, 200, "OK", "") },
    { L, IN("HTTP/1.0 200 OK\r\n\r\n"), OK(0, 200, "OK", "") },
    { L, IN("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"), OK(1, 404, "Not Found", "Content-Length: 0\n") },
    { L, IN("HTTP/1.1 204 \r\n\r\n"), OK(1, 204, "", "") },
    { L, IN("HTTP/1.1 100 Continue\r\n\r\n"), OK(1, 100, "Continue", "") },
    { L, IN("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n"),
      OK(1, 101, "Switching Protocols", "Upgrade: websocket\nConnection: Upgrade\n") },
    { L, IN("HTTP/1.1 599 x\r\n\r\n"), OK(1, 599, "x", "") },
    { L, IN("HTTP/1.1 100 \r\n\r\n"), OK(1, 100, "", "") },
    { L, IN("HTTP/1.1 301 Moved Permanently\r\nLocation: http://a/b?c\r\n\r\n"),
      OK(1, 301, "Moved Permanently", "Location: http://a/b?c\n") },
    { L, IN("HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"),
      OK(1, 500, "Internal Server Error", "Content-Length: 0\nConnection: close\n") },
    { L, IN("HTTP/1.1 200 OK\tfine\r\n\r\n"), OK(1, 200, "OK\tfine", "") },
    { L, IN("HTTP/1.1 200 caf\xc3\xa9 \x80\xff\r\n\r\n"), OK(1, 200, "caf\xc3\xa9 \x80\xff", "") },
    { L, IN("HTTP/1.1 200 a:b/c;d \"e\"\r\n\r\n"), OK(1, 200, "a:b/c;d \"e\"", "") },
    { L, IN("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello"), OK(1, 200, "OK", "Content-Length: 5\n"), .body = 5 },
    { L, IN("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"),
      OK(1, 200, "OK", "Transfer-Encoding: chunked\n"), .body = 5 },
    { L, IN("HTTP/1.1 200 OK\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\n\r\n"),
      OK(1, 200, "OK", "Set-Cookie: a=1\nSet-Cookie: b=2\n") },
    { L, IN("HTTP/1.1 200 OK\r\nDate: Mon, 23 Nov 2026 07:00:00 GMT\r\nServer: zhttp\r\n"
            "Content-Type: text/html; charset=utf-8\r\nContent-Length: 12\r\nCache-Control: max-age=0\r\n\r\n"
            "<html></html>"),
      OK(1, 200, "OK", "Date: Mon, 23 Nov 2026 07:00:00 GMT\nServer: zhttp\nContent-Type: text/html; charset=utf-8\n"
                       "Content-Length: 12\nCache-Control: max-age=0\n"), .body = 13 },
    { L, IN("HTTP/1.1 200 OK\r\nX:\r\nY:  y \r\n\r\n"), OK(1, 200, "OK", "X: \nY: y\n") },
    { L, IN("HTTP/1.1 200 OK\r\nX: caf\xc3\xa9\r\n\r\n"), OK(1, 200, "OK", "X: caf\xc3\xa9\n") },
    { L, IN("HTTP/1.1 200 OK\r\n\r\nHTTP/1.1 200 OK\r\n\r\n"), OK(1, 200, "OK", ""), .body = 19 },
    { L, IN("HTTP/1.1 200 OK\nA: b\n\n"), LEN(ZH_LENIENT_BARE_LF), OK(1, 200, "OK", "A: b\n") },
    { L, IN("HTTP/1.1 200 OK\r\nA: b\n\r\n"), LEN(ZH_LENIENT_BARE_LF), OK(1, 200, "OK", "A: b\n") },
    { L, IN("HTTP/1.1 200 OK\r\nA: b\r\n c\r\n\r\n"), LEN(ZH_LENIENT_OBS_FOLD), OK(1, 200, "OK", "A: b\r\n c\n") },
    /* ---- incomplete */
    { L, IN(""), MORE },
    { L, IN("HTTP/1.1"), MORE },
    { L, IN("HTTP/1.1 200"), MORE },
    { L, IN("HTTP/1.1 200 OK\r\n"), MORE },
    { L, IN("HTTP/1.1 200 OK\r\nA: b\r\n"), MORE },
    { L, IN("HTTP/1.1 200 OK\r\nA: b\r\n\r"), MORE },
    /* ---- status code */
    { L, IN("HTTP/1.1 099 x\r\n\r\n"), ERR_OFF(BAD_STATUS, 9) },
    { L, IN("HTTP/1.1 000 x\r\n\r\n"), ERR_OFF(BAD_STATUS, 9) },
    { L, IN("HTTP/1.1 600 x\r\n\r\n"), ERR_OFF(BAD_STATUS, 9) },
    { L, IN("HTTP/1.1 999 x\r\n\r\n"), ERR_OFF(BAD_STATUS, 9) },
    { L, IN("HTTP/1.1 20 OK\r\n\r\n"), ERR_OFF(BAD_STATUS, 11) },
    { L, IN("HTTP/1.1 2000 OK\r\n\r\n"), ERR_OFF(BAD_STATUS, 12) },
    { L, IN("HTTP/1.1 20a OK\r\n\r\n"), ERR_OFF(BAD_STATUS, 11) },
    { L, IN("HTTP/1.1 2OO OK\r\n\r\n"), ERR_OFF(BAD_STATUS, 10) },
    { L, IN("HTTP/1.1 -20 OK\r\n\r\n"), ERR_OFF(BAD_STATUS, 9) },
    { L, IN("HTTP/1.1  200 OK\r\n\r\n"), ERR_OFF(BAD_STATUS, 9) },
    { L, IN("HTTP/1.1 \r\n\r\n"), ERR_OFF(BAD_STATUS, 9) },
    /* ---- status line shape: SP after the version and after the code (§4) */
    { L, IN("HTTP/1.1x200 OK\r\n\r\n"), ERR_OFF(BAD_STATUS_LINE, 8) },
    { L, IN("HTTP/1.1\t200 OK\r\n\r\n"), ERR_OFF(BAD_STATUS_LINE, 8) },
    { L, IN("HTTP/1.1 200\r\n\r\n"), ERR_OFF(BAD_STATUS_LINE, 12) },
    { L, IN("HTTP/1.1 200\tOK\r\n\r\n"), ERR_OFF(BAD_STATUS_LINE, 12) },
    /* ---- reason phrase */
    { L, IN("HTTP/1.1 200 O\x01K\r\n\r\n"), ERR(BAD_REASON, "\x01") },
    { L, IN("HTTP/1.1 200 OK\x7f\r\n\r\n"), ERR(BAD_REASON, "\x7f") },
    { L, IN("HTTP/1.1 200 \x1b[0m\r\n\r\n"), ERR(BAD_REASON, "\x1b") },
    { L, IN("HTTP/1.1 200 O\0K\r\n\r\n"), ERR_NUL },
    { L, IN("HTTP/1.1 200 OK\rX\r\n\r\n"), ERR(BARE_CR, "\rX") },
    /* ---- version */
    { L, IN("HTTP/1.2 200 OK\r\n\r\n"), ERR_OFF(UNSUPPORTED_VERSION, 0) },
    { L, IN("HTTP/2.0 200 OK\r\n\r\n"), ERR_OFF(UNSUPPORTED_VERSION, 0) },
    { L, IN("HTTP/0.9 200 OK\r\n\r\n"), ERR_ANY(UNSUPPORTED_VERSION) },
    { L, IN("HTTP/2 200 OK\r\n\r\n"), ERR_OFF(BAD_VERSION, 6) },
    { L, IN("http/1.1 200 OK\r\n\r\n"), ERR_OFF(BAD_VERSION, 0) },
    { L, IN("ICY 200 OK\r\n\r\n"), ERR_OFF(BAD_VERSION, 0) },
    { L, IN("HTTP/1.x 200 OK\r\n\r\n"), ERR_OFF(BAD_VERSION, 7) },
    { L, IN("HTTP/11 200 OK\r\n\r\n"), ERR_OFF(BAD_VERSION, 6) },
    { L, IN("HTTP/1.1\0 200 OK\r\n\r\n"), ERR_NUL },
    /* ---- line endings */
    { L, IN("HTTP/1.1 200 OK\n\r\n"), ERR(BARE_LF, "\n\r") },
    { L, IN("HTTP/1.1 200 OK\r\nA: b\n\r\n"), ERR(BARE_LF, "\n\r") },
    { L, IN("HTTP/1.1 200 OK\r\nA: b\r\n\n"), ERR_OFF(BARE_LF, 23) },
    { L, IN("HTTP/1.1 200 OK\nA: b\n\n"), LEN(ZH_LENIENT_OBS_FOLD), ERR_OFF(BARE_LF, 15) },
    /* ---- fields */
    { L, IN("HTTP/1.1 200 OK\r\nA : b\r\n\r\n"), ERR(WS_BEFORE_COLON, " :") },
    { L, IN("HTTP/1.1 200 OK\r\nA\t: b\r\n\r\n"), ERR(WS_BEFORE_COLON, "\t") },
    { L, IN("HTTP/1.1 200 OK\r\n: b\r\n\r\n"), ERR(BAD_FIELD_NAME, ": b") },
    { L, IN("HTTP/1.1 200 OK\r\nA@: b\r\n\r\n"), ERR(BAD_FIELD_NAME, "@") },
    { L, IN("HTTP/1.1 200 OK\r\nA[1]: b\r\n\r\n"), ERR(BAD_FIELD_NAME, "[") },
    { L, IN("HTTP/1.1 200 OK\r\nAb\r\n\r\n"), ERR_ANY(FIELD_NO_COLON) },
    { L, IN("HTTP/1.1 200 OK\r\nA: b\x01\r\n\r\n"), ERR(BAD_FIELD_VALUE, "\x01") },
    { L, IN("HTTP/1.1 200 OK\r\nA: b\x7f" "c\r\n\r\n"), ERR(BAD_FIELD_VALUE, "\x7f") },
    { L, IN("HTTP/1.1 200 OK\r\nA: b\rc\r\n\r\n"), ERR(BARE_CR, "\rc") },
    { L, IN("HTTP/1.1 200 OK\r\nA: b\0\r\n\r\n"), ERR_NUL },
    { L, IN("HTTP/1.1 200 OK\r\n\0A: b\r\n\r\n"), ERR_NUL },
    { L, IN("HTTP/1.1 200 OK\r\nA: b\r\n c\r\n\r\n"), ERR(OBS_FOLD, " c") },
    { L, IN("HTTP/1.1 200 OK\r\n A: b\r\n\r\n"), ERR(OBS_FOLD, " A") },
    { L, IN("HTTP/1.1 200 OK\r\nA: b\r\n c\r\n\r\n"), LEN(ZH_LENIENT_BARE_LF), ERR(OBS_FOLD, " c") },
};

#define NCASES ((int)(sizeof(cases) / sizeof(cases[0])))
enum { NFIELDS = 32 };

static size_t expected_offset(const resp_case *c)
{
    if (c->at_nul) {
        const char *z = memchr(c->in, 0, c->len);
        return z ? (size_t)(z - c->in) : (size_t)-1;
    }
    if (c->at)
        return pt_find(c->in, c->len, c->at);
    return c->off ? c->off - 1 : (size_t)-1;
}

static void check_ok(const resp_case *c, const char *buf, size_t len, const zh_response_head *h,
                     size_t consumed, const char *where)
{
    ck_assert_msg(consumed == c->len - c->body, "%s: consumed %zu", where, consumed);
    ck_assert_msg(h->version_minor == c->minor, "%s: minor %d", where, h->version_minor);
    ck_assert_msg(h->status == c->status, "%s: status %d", where, h->status);
    ck_assert_msg(pt_slice_is(h->reason, c->reason), "%s: reason '%.*s'", where, (int)h->reason.len,
                  h->reason.ptr);
    ck_assert_msg(pt_slice_within(h->reason, buf, len), "%s: reason outside the input", where);
    pt_check_fields(h->fields, h->num_fields, h->fields_cap, c->fields, buf, len, where);
}

static void run_case(const resp_case *c, bool scalar)
{
    zh_parse_config cfg = pt_cfg(c->lenient, scalar);
    size_t want_off = expected_offset(c);
    size_t want_consumed = c->len - c->body;
    zh_field fields[NFIELDS];
    zh_response_head h = { .fields = fields, .fields_cap = NFIELDS };
    char where[160];

    if (c->at || c->at_nul)
        ck_assert_msg(want_off != (size_t)-1, "line %d: marker not in input", c->line);
    for (size_t p = 0; p <= c->len; p++) {
        char *buf = guard_copy(c->in, p);
        size_t consumed = (size_t)-1;
        snprintf(where, sizeof where, "line %d, %zu of %zu bytes, scalar=%d", c->line, p, c->len, scalar);
        h.error_offset = (size_t)-1;
        zh_err e = zh_parse_response_head(buf, p, &cfg, &h, &consumed);
        bool whole = p == c->len || (c->err == ZH_OK && p >= want_consumed);
        pt_check_verdict(e, c->err, whole, h.error_offset, want_off, p, where);
        if (whole && e == ZH_OK)
            check_ok(c, buf, p, &h, consumed, where);
        guard_free(buf, p);
    }
}

START_TEST(response_table)
{
    run_case(&cases[_i], false);
    run_case(&cases[_i], true);
}
END_TEST

START_TEST(table_size)
{
    ck_assert_int_ge(NCASES, 50);
}
END_TEST

START_TEST(every_status_code)
{
    /* 100..599 parse to themselves; the neighbours outside do not. */
    char line[64];
    zh_field fields[2];
    zh_response_head h = { .fields = fields, .fields_cap = 2 };
    zh_parse_config cfg = pt_cfg(0, false);
    for (int st = 0; st <= 999; st++) {
        int n = snprintf(line, sizeof line, "HTTP/1.1 %03d R\r\n\r\n", st);
        char *buf = guard_copy(line, (size_t)n);
        size_t consumed = 0;
        zh_err e = zh_parse_response_head(buf, (size_t)n, &cfg, &h, &consumed);
        if (st >= 100 && st <= 599) {
            ck_assert_msg(e == ZH_OK, "%d: %s", st, zh_error_name(e));
            ck_assert_int_eq(h.status, st);
            ck_assert_uint_eq(consumed, (size_t)n);
        } else {
            ck_assert_msg(e == ZH_E_BAD_STATUS, "%d: %s", st, zh_error_name(e));
        }
        guard_free(buf, (size_t)n);
    }
}
END_TEST

START_TEST(response_field_capacity)
{
    static const char resp[] = "HTTP/1.1 200 OK\r\nA: 1\r\nB: 2\r\n\r\n";
    size_t len = sizeof resp - 1, n;
    char *buf = guard_copy(resp, len);
    zh_field fields[2];
    zh_response_head h = { .fields = fields, .fields_cap = 2 };
    zh_parse_config cfg = pt_cfg(0, _i != 0);
    ck_assert_int_eq(zh_parse_response_head(buf, len, &cfg, &h, &n), ZH_OK);
    ck_assert_uint_eq(h.num_fields, 2);
    h.fields_cap = 1;
    ck_assert_int_eq(zh_parse_response_head(buf, len, &cfg, &h, &n), ZH_E_TOO_MANY_FIELDS);
    h.fields_cap = 2;
    cfg.limits.max_fields = 1;
    ck_assert_int_eq(zh_parse_response_head(buf, len, &cfg, &h, &n), ZH_E_TOO_MANY_FIELDS);
    guard_free(buf, len);
}
END_TEST

START_TEST(status_line_limit)
{
    char resp[256];
    zh_field fields[2];
    size_t n;
    zh_response_head h = { .fields = fields, .fields_cap = 2 };
    zh_parse_config cfg = pt_cfg(0, _i != 0);
    cfg.limits.max_request_line = 40;
    for (size_t line = 39; line <= 41; line++) {
        memcpy(resp, "HTTP/1.1 200 ", 13);
        memset(resp + 13, 'r', line - 13);
        memcpy(resp + line, "\r\n\r\n", 4);
        char *buf = guard_copy(resp, line + 4);
        zh_err e = zh_parse_response_head(buf, line + 4, &cfg, &h, &n);
        ck_assert_msg(e == (line <= 40 ? ZH_OK : ZH_E_REQUEST_LINE_TOO_LONG), "%zu: %s", line, zh_error_name(e));
        if (e == ZH_OK)
            ck_assert_uint_eq(h.reason.len, line - 13);
        guard_free(buf, line + 4);
    }
    /* exactly the limit without its CRLF yet: incomplete; one more: too long */
    memset(resp + 13, 'r', 60);
    for (size_t extra = 0; extra <= 1; extra++) {
        char *buf = guard_copy(resp, 40 + extra);
        ck_assert_int_eq(zh_parse_response_head(buf, 40 + extra, &cfg, &h, &n),
                         extra ? ZH_E_REQUEST_LINE_TOO_LONG : ZH_INCOMPLETE);
        guard_free(buf, 40 + extra);
    }
}
END_TEST

START_TEST(response_head_limit)
{
    static const char resp[] = "HTTP/1.1 200 OK\r\nA: 1\r\nB: 2\r\n\r\n";
    size_t len = sizeof resp - 1, n;
    char *buf = guard_copy(resp, len);
    zh_field fields[4];
    zh_response_head h = { .fields = fields, .fields_cap = 4 };
    zh_parse_config cfg = pt_cfg(0, _i != 0);
    cfg.limits.max_head = len;
    ck_assert_int_eq(zh_parse_response_head(buf, len, &cfg, &h, &n), ZH_OK);
    cfg.limits.max_head = len - 1;
    ck_assert_int_eq(zh_parse_response_head(buf, len, &cfg, &h, &n), ZH_E_HEAD_TOO_LARGE);
    ck_assert_uint_eq(h.error_offset, len - 1);
    guard_free(buf, len);
}
END_TEST

/* Every byte value inside a long reason phrase, at positions across the scan
 * blocks, scalar and SIMD: VCHAR, SP, HTAB and obs-text are reason bytes. */
START_TEST(reason_every_byte)
{
    enum { RUN = 80 };
    static const size_t at[] = { 0, 1, 15, 16, 31, 32, 47, 63, 79 };
    char resp[128];
    zh_field fields[2];
    zh_response_head h = { .fields = fields, .fields_cap = 2 };
    zh_parse_config cfg = pt_cfg(0, _i != 0);
    for (int c = 0; c < 256; c++) {
        for (size_t a = 0; a < sizeof at / sizeof at[0]; a++) {
            size_t k = at[a];
            memcpy(resp, "HTTP/1.1 200 ", 13);
            memset(resp + 13, 'r', RUN);
            resp[13 + k] = (char)c;
            memcpy(resp + 13 + RUN, "\r\n\r\n", 4);
            size_t len = 13 + RUN + 4, n;
            zh_err want = c == 0                                    ? ZH_E_NUL
                          : c == '\r'                               ? ZH_E_BARE_CR
                          : c == '\n'                               ? ZH_E_BARE_LF
                          : (c == '\t' || (c >= 0x20 && c != 0x7f)) ? ZH_OK
                                                                    : ZH_E_BAD_REASON;
            char *buf = guard_copy(resp, len);
            zh_err e = zh_parse_response_head(buf, len, &cfg, &h, &n);
            ck_assert_msg(e == want, "0x%02x at %zu: %s, want %s", c, k, zh_error_name(e), zh_error_name(want));
            if (e == ZH_OK)
                ck_assert_uint_eq(h.reason.len, RUN);
            else
                ck_assert_uint_eq(h.error_offset, 13 + k);
            guard_free(buf, len);
        }
    }
}
END_TEST

static Suite *response_suite(void)
{
    Suite *s = suite_create("parse_response");
    TCase *tc = tcase_create("table");
    tcase_set_timeout(tc, 120);
    tcase_add_loop_test(tc, response_table, 0, NCASES);
    tcase_add_test(tc, table_size);
    tcase_add_test(tc, every_status_code);
    tcase_add_loop_test(tc, reason_every_byte, 0, 2);
    suite_add_tcase(s, tc);
    tc = tcase_create("limits");
    tcase_add_loop_test(tc, response_field_capacity, 0, 2);
    tcase_add_loop_test(tc, status_line_limit, 0, 2);
    tcase_add_loop_test(tc, response_head_limit, 0, 2);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(response_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
