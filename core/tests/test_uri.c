/* Request-targets and URLs (RFC 9112 §3.2, RFC 3986): the four forms, ports,
 * IPv6, userinfo, fragments, percent-decoding, client URLs and authorities. Every
 * input sits against an unmapped page. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "guard.h"
#include "ptest.h"
#include "zhttp/parse.h"

typedef struct uri_case {
    int line;
    const char *in;
    const char *method;
    zh_err err;
    zh_target_form form;
    const char *scheme, *host, *port_text;
    int port;
    const char *path, *query;
} uri_case;

#define L .line = __LINE__
#define T(s, m) .in = (s), .method = (m)
#define ORIGIN(p, q) .err = ZH_OK, .form = ZH_FORM_ORIGIN, .scheme = "", .host = "", .port_text = "", .path = (p), .query = (q)
#define ABS(s, h, pt, pn, p, q) .err = ZH_OK, .form = ZH_FORM_ABSOLUTE, .scheme = (s), .host = (h), .port_text = (pt), .port = (pn), .path = (p), .query = (q)
#define AUTH(h, pt, pn) .err = ZH_OK, .form = ZH_FORM_AUTHORITY, .scheme = "", .host = (h), .port_text = (pt), .port = (pn), .path = "", .query = ""
#define ERR(e) .err = ZH_E_##e

static const uri_case targets[] = {
    /* origin-form */
    { L, T("/", "GET"), ORIGIN("/", "") },
    { L, T("/a/b/c", "GET"), ORIGIN("/a/b/c", "") },
    { L, T("/a?b=c&d", "GET"), ORIGIN("/a", "b=c&d") },
    { L, T("/a?", "GET"), ORIGIN("/a", "") },
    { L, T("/?x", "POST"), ORIGIN("/", "x") },
    { L, T("/a?b?c/d", "GET"), ORIGIN("/a", "b?c/d") },
    { L, T("/%41%2fb?%20", "GET"), ORIGIN("/%41%2fb", "%20") },
    { L, T("/a-._~!$&'()*+,;=:@", "GET"), ORIGIN("/a-._~!$&'()*+,;=:@", "") },
    { L, T("/a#b", "GET"), ERR(URI_FRAGMENT) },
    { L, T("/a?b#c", "GET"), ERR(URI_FRAGMENT) },
    { L, T("/#", "GET"), ERR(URI_FRAGMENT) },
    { L, T("/a%2", "GET"), ERR(BAD_PERCENT) },
    { L, T("/a%", "GET"), ERR(BAD_PERCENT) },
    { L, T("/a%zz", "GET"), ERR(BAD_PERCENT) },
    { L, T("/a%g0", "GET"), ERR(BAD_PERCENT) },
    { L, T("/a%0g", "GET"), ERR(BAD_PERCENT) },
    { L, T("/a?b=%", "GET"), ERR(BAD_PERCENT) },
    { L, T("/a b", "GET"), ERR(BAD_TARGET) },
    { L, T("/a\"b", "GET"), ERR(BAD_TARGET) },
    { L, T("/a\x01", "GET"), ERR(BAD_TARGET) },
    { L, T("/a\x7f", "GET"), ERR(BAD_TARGET) },
    { L, T("/\xc3\xa9", "GET"), ERR(BAD_TARGET) },
    { L, T("", "GET"), ERR(BAD_TARGET) },
    { L, T("?a", "GET"), ERR(BAD_TARGET) },
    { L, T("/a[1]", "GET"), ERR(BAD_TARGET) },
    { L, T("/a?b]", "GET"), ERR(BAD_TARGET) },
    { L, T("http://h/[x]", "GET"), ERR(BAD_TARGET) },
    { L, T("http:/h/", "GET"), ERR(BAD_TARGET) },
    { L, T("http//h/", "GET"), ERR(BAD_TARGET) },
    /* absolute-form */
    { L, T("http://example.com/p?q", "GET"), ABS("http", "example.com", "", 0, "/p", "q") },
    { L, T("http://example.com:8080/p?q", "GET"), ABS("http", "example.com", "8080", 8080, "/p", "q") },
    { L, T("http://example.com:65535/", "GET"), ABS("http", "example.com", "65535", 65535, "/", "") },
    { L, T("http://example.com:1/", "GET"), ABS("http", "example.com", "1", 1, "/", "") },
    { L, T("http://[::1]:8080/x", "GET"), ABS("http", "[::1]", "8080", 8080, "/x", "") },
    { L, T("http://[2001:db8::7]/", "GET"), ABS("http", "[2001:db8::7]", "", 0, "/", "") },
    { L, T("http://192.0.2.1:80/a", "GET"), ABS("http", "192.0.2.1", "80", 80, "/a", "") },
    { L, T("http://a.b-c_d~e/", "GET"), ABS("http", "a.b-c_d~e", "", 0, "/", "") },
    { L, T("http://example.com:65536/", "GET"), ERR(BAD_PORT) },
    { L, T("http://example.com:99999/", "GET"), ERR(BAD_PORT) },
    { L, T("http://example.com:8a/", "GET"), ERR(BAD_PORT) },
    { L, T("http://example.com:-1/", "GET"), ERR(BAD_PORT) },
    { L, T("http://example.com:123456789012345678901/", "GET"), ERR(BAD_PORT) },
    { L, T("http://example.com/a#f", "GET"), ERR(URI_FRAGMENT) },
    { L, T("http://example.com/a%", "GET"), ERR(BAD_PERCENT) },
    { L, T("http://user@example.com/", "GET"), ERR(BAD_HOST) },
    { L, T("http://user:pw@example.com/", "GET"), ERR(BAD_HOST) },
    { L, T("http://[::1/", "GET"), ERR(BAD_HOST) },
    { L, T("http://exa mple.com/", "GET"), ERR(BAD_TARGET) },
    /* authority-form: CONNECT only */
    { L, T("example.com:443", "CONNECT"), AUTH("example.com", "443", 443) },
    { L, T("[::1]:8443", "CONNECT"), AUTH("[::1]", "8443", 8443) },
    { L, T("10.0.0.1:65535", "CONNECT"), AUTH("10.0.0.1", "65535", 65535) },
    { L, T("example.com:65536", "CONNECT"), ERR(BAD_PORT) },
    { L, T("example.com:x", "CONNECT"), ERR(BAD_PORT) },
    { L, T("user@example.com:443", "CONNECT"), ERR(BAD_HOST) },
    { L, T("example.com", "CONNECT"), ERR(BAD_PORT) },
    { L, T("example.com:", "CONNECT"), ERR(BAD_PORT) },
    { L, T("example.com:443", "GET"), ERR(BAD_TARGET) },
    { L, T("/", "CONNECT"), ERR(BAD_TARGET) },
    { L, T("*", "CONNECT"), ERR(BAD_TARGET) },
    /* asterisk-form: OPTIONS only */
    { L, T("*", "OPTIONS"), .err = ZH_OK, .form = ZH_FORM_ASTERISK, .scheme = "", .host = "", .port_text = "",
      .path = "*", .query = "" },
    { L, T("*", "GET"), ERR(BAD_TARGET) },
    { L, T("**", "OPTIONS"), ERR(BAD_TARGET) },
    { L, T("*/", "OPTIONS"), ERR(BAD_TARGET) },
    { L, T("/", "OPTIONS"), ORIGIN("/", "") },
};

#define NTARGETS ((int)(sizeof(targets) / sizeof(targets[0])))

static void check_uri(const uri_case *c, const zh_uri *u, const char *buf, size_t len, const char *what)
{
    ck_assert_msg(u->form == c->form, "line %d (%s): form %d", c->line, what, u->form);
    ck_assert_msg(pt_slice_is(u->scheme, c->scheme), "line %d (%s): scheme '%.*s'", c->line, what,
                  (int)u->scheme.len, u->scheme.ptr);
    ck_assert_msg(pt_slice_is(u->host, c->host), "line %d (%s): host '%.*s'", c->line, what, (int)u->host.len,
                  u->host.ptr);
    ck_assert_msg(pt_slice_is(u->port_text, c->port_text), "line %d (%s): port_text '%.*s'", c->line, what,
                  (int)u->port_text.len, u->port_text.ptr);
    ck_assert_msg(u->port == c->port, "line %d (%s): port %u", c->line, what, u->port);
    ck_assert_msg(pt_slice_is(u->path, c->path), "line %d (%s): path '%.*s'", c->line, what, (int)u->path.len,
                  u->path.ptr);
    ck_assert_msg(pt_slice_is(u->query, c->query), "line %d (%s): query '%.*s'", c->line, what, (int)u->query.len,
                  u->query.ptr);
    ck_assert_msg(pt_slice_within(u->host, buf, len) && pt_slice_within(u->path, buf, len) &&
                      pt_slice_within(u->query, buf, len) && pt_slice_within(u->scheme, buf, len) &&
                      pt_slice_within(u->port_text, buf, len),
                  "line %d (%s): slices outside the target", c->line, what);
}

START_TEST(target_table)
{
    const uri_case *c = &targets[_i];
    size_t len = strlen(c->in);
    char *buf = guard_copy(c->in, len);
    zh_uri u;
    memset(&u, 0x3c, sizeof u);
    zh_err e = zh_parse_target((zh_slice){ buf, len }, zh_slice_from_cstr(c->method), &u);
    ck_assert_msg(e == c->err, "line %d: '%s' got %s, want %s", c->line, c->in, zh_error_name(e), zh_error_name(c->err));
    if (e == ZH_OK)
        check_uri(c, &u, buf, len, "target");
    guard_free(buf, len);
}
END_TEST

/* Absolute-form without a path: the path is empty or "/" (never anything else). */
START_TEST(absolute_without_path)
{
    static const char t[] = "http://example.com:81";
    char *buf = guard_copy(t, sizeof t - 1);
    zh_uri u;
    ck_assert_int_eq(zh_parse_target((zh_slice){ buf, sizeof t - 1 }, ZH_SLICE_LIT("GET"), &u), ZH_OK);
    ck_assert_int_eq(u.form, ZH_FORM_ABSOLUTE);
    ck_assert(pt_slice_is(u.host, "example.com"));
    ck_assert_uint_eq(u.port, 81);
    ck_assert(u.path.len == 0 || pt_slice_is(u.path, "/"));
    ck_assert_uint_eq(u.query.len, 0);
    guard_free(buf, sizeof t - 1);
}
END_TEST

/* Every port from 0 to 70000 in authority-form: 1..65535 accepted with the right
 * value; 65536 and up refused. Port 0 cannot be connected to. */
START_TEST(port_range)
{
    char t[64];
    for (unsigned p = 0; p <= 70000; p += (p < 1100 || (p > 65500 && p < 65600)) ? 1 : 97) {
        int n = snprintf(t, sizeof t, "h:%u", p);
        char *buf = guard_copy(t, (size_t)n);
        zh_uri u;
        zh_err e = zh_parse_target((zh_slice){ buf, (size_t)n }, ZH_SLICE_LIT("CONNECT"), &u);
        if (p >= 1 && p <= 65535) {
            ck_assert_msg(e == ZH_OK, "port %u: %s", p, zh_error_name(e));
            ck_assert_uint_eq(u.port, p);
        } else if (p > 65535) {
            ck_assert_msg(e == ZH_E_BAD_PORT, "port %u: %s", p, zh_error_name(e));
        }
        guard_free(buf, (size_t)n);
    }
}
END_TEST

START_TEST(port_zero)
{
    /* Port 0 is syntactically a port but names no service; either answer is
     * defensible, but it must never be reported as a different port. */
    static const char t[] = "h:0";
    char *buf = guard_copy(t, 3);
    zh_uri u;
    zh_err e = zh_parse_target((zh_slice){ buf, 3 }, ZH_SLICE_LIT("CONNECT"), &u);
    ck_assert_msg(e == ZH_OK || e == ZH_E_BAD_PORT, "%s", zh_error_name(e));
    if (e == ZH_OK) {
        ck_assert_uint_eq(u.port, 0);
        ck_assert(pt_slice_is(u.port_text, "0"));
    }
    guard_free(buf, 3);
}
END_TEST

/* ---------------------------------------------------------------- URLs */

static const uri_case urls[] = {
    { L, T("http://example.com/p?q=1", NULL), ABS("http", "example.com", "", 0, "/p", "q=1") },
    { L, T("http://example.com", NULL), ABS("http", "example.com", "", 0, "/", "") },
    { L, T("http://example.com?x", NULL), ABS("http", "example.com", "", 0, "/", "x") },
    { L, T("http://example.com:8080", NULL), ABS("http", "example.com", "8080", 8080, "/", "") },
    { L, T("http://127.0.0.1:65535/a/b", NULL), ABS("http", "127.0.0.1", "65535", 65535, "/a/b", "") },
    { L, T("http://[::1]:9/", NULL), ABS("http", "[::1]", "9", 9, "/", "") },
    { L, T("http://[fe80::1]", NULL), ABS("http", "[fe80::1]", "", 0, "/", "") },
    { L, T("https://example.com/", NULL), ERR(BAD_SCHEME) },
    { L, T("ftp://example.com/", NULL), ERR(BAD_SCHEME) },
    { L, T("httpx://example.com/", NULL), ERR(BAD_SCHEME) },
    { L, T("htt://example.com/", NULL), ERR(BAD_SCHEME) },
    { L, T("example.com/", NULL), ERR(BAD_SCHEME) },
    { L, T("/path", NULL), ERR(BAD_SCHEME) },
    { L, T("", NULL), ERR(BAD_SCHEME) },
    { L, T("http://example.com:65536/", NULL), ERR(BAD_PORT) },
    { L, T("http://example.com:http/", NULL), ERR(BAD_PORT) },
    { L, T("http://u:p@example.com/", NULL), ERR(BAD_HOST) },
    { L, T("http:///path", NULL), ERR(BAD_HOST) },
    { L, T("http://", NULL), ERR(BAD_HOST) },
    { L, T("http:/a/", NULL), ERR(BAD_SCHEME) },
    { L, T("http://[::1/", NULL), ERR(BAD_HOST) },
    { L, T("http://a/%zz", NULL), ERR(BAD_PERCENT) },
    /* a fragment is never sent (RFC 9110 §4.2.1): dropped from client URLs */
    { L, T("http://a/p?q#frag", NULL), ABS("http", "a", "", 0, "/p", "q") },
    { L, T("HTTP://a/", NULL), ABS("HTTP", "a", "", 0, "/", "") },
};

#define NURLS ((int)(sizeof(urls) / sizeof(urls[0])))

START_TEST(url_table)
{
    const uri_case *c = &urls[_i];
    size_t len = strlen(c->in);
    char *buf = guard_copy(c->in, len);
    zh_uri u;
    memset(&u, 0x3c, sizeof u);
    zh_err e = zh_parse_url((zh_slice){ buf, len }, &u);
    ck_assert_msg(e == c->err, "line %d: '%s' got %s, want %s", c->line, c->in, zh_error_name(e), zh_error_name(c->err));
    if (e == ZH_OK) {
        /* "an empty path is /": the path may be a literal, not a slice of the URL */
        const char *what = "url";
        ck_assert_msg(u.form == c->form, "line %d: form", c->line);
        ck_assert_msg(pt_slice_is(u.scheme, c->scheme), "line %d: scheme", c->line);
        ck_assert_msg(pt_slice_is(u.host, c->host), "line %d: host '%.*s'", c->line, (int)u.host.len, u.host.ptr);
        ck_assert_msg(pt_slice_is(u.port_text, c->port_text), "line %d: port_text", c->line);
        ck_assert_msg(u.port == c->port, "line %d: port %u", c->line, u.port);
        ck_assert_msg(pt_slice_is(u.path, c->path), "line %d (%s): path '%.*s'", c->line, what, (int)u.path.len,
                      u.path.ptr);
        ck_assert_msg(pt_slice_is(u.query, c->query), "line %d: query '%.*s'", c->line, (int)u.query.len, u.query.ptr);
        ck_assert(pt_slice_within(u.host, buf, len));
    }
    guard_free(buf, len);
}
END_TEST

/* ---------------------------------------------------------------- authority */

typedef struct auth_case {
    int line;
    const char *in;
    zh_err err;
    const char *host;
    bool has_port;
    unsigned port;
} auth_case;

static const auth_case auths[] = {
    { __LINE__, "example.com", ZH_OK, "example.com", false, 0 },
    { __LINE__, "example.com:80", ZH_OK, "example.com", true, 80 },
    { __LINE__, "EXAMPLE.com:65535", ZH_OK, "EXAMPLE.com", true, 65535 },
    { __LINE__, "localhost", ZH_OK, "localhost", false, 0 },
    { __LINE__, "1.2.3.4:5", ZH_OK, "1.2.3.4", true, 5 },
    { __LINE__, "[::1]", ZH_OK, "[::1]", false, 0 },
    { __LINE__, "[::1]:443", ZH_OK, "[::1]", true, 443 },
    { __LINE__, "[2001:db8:0:0:1:0:0:1]:8080", ZH_OK, "[2001:db8:0:0:1:0:0:1]", true, 8080 },
    { __LINE__, "a-b.c_d~e%41", ZH_OK, "a-b.c_d~e%41", false, 0 },
    { __LINE__, "example.com:65536", ZH_E_BAD_PORT, NULL, false, 0 },
    { __LINE__, "example.com:1x", ZH_E_BAD_PORT, NULL, false, 0 },
    { __LINE__, "example.com:+1", ZH_E_BAD_PORT, NULL, false, 0 },
    { __LINE__, "user@example.com", ZH_E_BAD_HOST, NULL, false, 0 },
    { __LINE__, "user:pw@example.com:80", ZH_E_BAD_HOST, NULL, false, 0 },
    { __LINE__, "", ZH_E_BAD_HOST, NULL, false, 0 },
    { __LINE__, ":80", ZH_E_BAD_HOST, NULL, false, 0 },
    { __LINE__, "exa mple.com", ZH_E_BAD_HOST, NULL, false, 0 },
    { __LINE__, "example.com/", ZH_E_BAD_HOST, NULL, false, 0 },
    { __LINE__, "example.com?", ZH_E_BAD_HOST, NULL, false, 0 },
    { __LINE__, "exa\"mple", ZH_E_BAD_HOST, NULL, false, 0 },
    { __LINE__, "[::1", ZH_E_BAD_HOST, NULL, false, 0 },
    { __LINE__, "::1", ZH_E_BAD_HOST, NULL, false, 0 },
    { __LINE__, "[::1]x", ZH_E_BAD_HOST, NULL, false, 0 },
    { __LINE__, "[zz::1]", ZH_E_BAD_HOST, NULL, false, 0 },
    { __LINE__, "[]", ZH_E_BAD_HOST, NULL, false, 0 },
    { __LINE__, "a%4", ZH_E_BAD_HOST, NULL, false, 0 },
    { __LINE__, "a%zz.com", ZH_E_BAD_HOST, NULL, false, 0 },
    { __LINE__, "[:]", ZH_E_BAD_HOST, NULL, false, 0 },
    { __LINE__, "[::]", ZH_OK, "[::]", false, 0 },
};

#define NAUTHS ((int)(sizeof(auths) / sizeof(auths[0])))

START_TEST(authority_table)
{
    const auth_case *c = &auths[_i];
    size_t len = strlen(c->in);
    char *buf = guard_copy(c->in, len);
    zh_slice host = { NULL, 7 };
    uint16_t port = 7;
    bool has_port = !c->has_port;
    zh_err e = zh_parse_authority((zh_slice){ buf, len }, &host, &port, &has_port);
    ck_assert_msg(e == c->err, "line %d: '%s' got %s, want %s", c->line, c->in, zh_error_name(e), zh_error_name(c->err));
    if (e == ZH_OK) {
        ck_assert_msg(pt_slice_is(host, c->host), "line %d: host '%.*s'", c->line, (int)host.len, host.ptr);
        ck_assert(pt_slice_within(host, buf, len));
        ck_assert_msg(has_port == c->has_port, "line %d: has_port", c->line);
        if (c->has_port)
            ck_assert_msg(port == c->port, "line %d: port %u", c->line, port);
    }
    guard_free(buf, len);
}
END_TEST

/* ---------------------------------------------------------------- percent */

static zh_err pdec(const char *in, char *out, size_t cap, size_t *n)
{
    size_t len = strlen(in);
    char *buf = guard_copy(in, len);
    zh_err e = zh_percent_decode(buf, len, out, cap, n);
    guard_free(buf, len);
    return e;
}

START_TEST(percent_decode_ok)
{
    char out[64];
    size_t n = 99;
    ck_assert_int_eq(pdec("", out, sizeof out, &n), ZH_OK);
    ck_assert_uint_eq(n, 0);
    ck_assert_int_eq(pdec("abc", out, sizeof out, &n), ZH_OK);
    ck_assert_uint_eq(n, 3);
    ck_assert_int_eq(memcmp(out, "abc", 3), 0);
    ck_assert_int_eq(pdec("a%20b", out, sizeof out, &n), ZH_OK);
    ck_assert_uint_eq(n, 3);
    ck_assert_int_eq(memcmp(out, "a b", 3), 0);
    ck_assert_int_eq(pdec("%2F%2f", out, sizeof out, &n), ZH_OK);
    ck_assert_uint_eq(n, 2);
    ck_assert_int_eq(memcmp(out, "//", 2), 0);
    ck_assert_int_eq(pdec("a+b", out, sizeof out, &n), ZH_OK);
    ck_assert_uint_eq(n, 3);
    ck_assert_int_eq(memcmp(out, "a+b", 3), 0);
    ck_assert_int_eq(pdec("%e2%82%AC%ff%00%7e", out, sizeof out, &n), ZH_OK);
    ck_assert_uint_eq(n, 6);
    ck_assert_int_eq(memcmp(out, "\xe2\x82\xac\xff\0~", 6), 0);
    ck_assert_int_eq(pdec("%25%2525", out, sizeof out, &n), ZH_OK);
    ck_assert_uint_eq(n, 4);
    ck_assert_int_eq(memcmp(out, "%%25", 4), 0);
    /* every byte value round-trips */
    char enc[3 * 256 + 1];
    for (int b = 0; b < 256; b++)
        snprintf(enc + 3 * b, 4, "%%%02X", b);
    char dec[256];
    ck_assert_int_eq(pdec(enc, dec, sizeof dec, &n), ZH_OK);
    ck_assert_uint_eq(n, 256);
    for (int b = 0; b < 256; b++)
        ck_assert_int_eq((unsigned char)dec[b], b);
}
END_TEST

START_TEST(percent_decode_errors)
{
    static const char *const bad[] = { "%", "%2", "a%", "a%2", "%g0", "%0g", "%zz", "%%", "%%20", "% 20",
                                       "%-1", "%+1", "ab%2x", ("%\x80" "0") };
    char out[64];
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        size_t n;
        zh_err e = pdec(bad[i], out, sizeof out, &n);
        ck_assert_msg(e == ZH_E_BAD_PERCENT, "'%s': %s", bad[i], zh_error_name(e));
    }
}
END_TEST

START_TEST(percent_decode_capacity)
{
    char out[8];
    size_t n;
    /* exactly enough room, then one byte short */
    ck_assert_int_eq(pdec("a%20b", out, 3, &n), ZH_OK);
    ck_assert_uint_eq(n, 3);
    ck_assert_int_eq(pdec("a%20b", out, 2, &n), ZH_E_BUFFER_FULL);
    ck_assert_int_eq(pdec("abcd", out, 4, &n), ZH_OK);
    ck_assert_int_eq(pdec("abcd", out, 3, &n), ZH_E_BUFFER_FULL);
    ck_assert_int_eq(pdec("x", out, 0, &n), ZH_E_BUFFER_FULL);
    ck_assert_int_eq(pdec("", out, 0, &n), ZH_OK);
    ck_assert_uint_eq(n, 0);
    /* the output lands against the guard page too: no write past cap */
    char *g = guard_copy("\0\0\0", 3);
    ck_assert_int_eq(pdec("%41%42%43", g, 3, &n), ZH_OK);
    ck_assert_int_eq(memcmp(g, "ABC", 3), 0);
    ck_assert_int_eq(pdec("%41%42%43%44", g, 3, &n), ZH_E_BUFFER_FULL);
    guard_free(g, 3);
}
END_TEST

START_TEST(percent_decode_in_place)
{
    static const char s[] = "/a%20b/%7Euser%2Fx";
    size_t len = sizeof s - 1, n;
    char *buf = guard_copy(s, len);
    ck_assert_int_eq(zh_percent_decode(buf, len, buf, len, &n), ZH_OK);
    ck_assert_uint_eq(n, 12);
    ck_assert_int_eq(memcmp(buf, "/a b/~user/x", 12), 0);
    guard_free(buf, len);
}
END_TEST

static Suite *uri_suite(void)
{
    Suite *s = suite_create("uri");
    TCase *tc = tcase_create("target");
    tcase_add_loop_test(tc, target_table, 0, NTARGETS);
    tcase_add_test(tc, absolute_without_path);
    tcase_add_test(tc, port_range);
    tcase_add_test(tc, port_zero);
    suite_add_tcase(s, tc);
    tc = tcase_create("url");
    tcase_add_loop_test(tc, url_table, 0, NURLS);
    tcase_add_loop_test(tc, authority_table, 0, NAUTHS);
    suite_add_tcase(s, tc);
    tc = tcase_create("percent");
    tcase_add_test(tc, percent_decode_ok);
    tcase_add_test(tc, percent_decode_errors);
    tcase_add_test(tc, percent_decode_capacity);
    tcase_add_test(tc, percent_decode_in_place);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(uri_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
