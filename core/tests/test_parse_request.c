/* Request heads (RFC 9112 §2-§5): a table of well-formed and malformed requests,
 * each parsed whole and cut at every byte boundary, with the SIMD scans on and off,
 * every input ending flush against an unmapped page. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "guard.h"
#include "ptest.h"
#include "zhttp/parse.h"

typedef struct req_case {
    int line;
    const char *in;
    size_t len;
    unsigned lenient;
    zh_err err;         /* expected answer for the whole input */
    const char *at;     /* errors: error_offset is where this string first occurs */
    size_t off;         /* errors: OFF(n) when at cannot say it; 0 = not checked */
    const char *method; /* ZH_OK: expected outputs */
    const char *target;
    zh_target_form form;
    int minor;
    const char *fields; /* "name: value\n" per field */
    size_t body;        /* ZH_OK: bytes after the head (not consumed) */
    bool at_nul;        /* errors: error_offset is the first NUL */
} req_case;

#define L .line = __LINE__
#define IN(s) .in = (s), .len = sizeof(s) - 1
#define OK(m, t, f, v, flds) .err = ZH_OK, .method = (m), .target = (t), .form = ZH_FORM_##f, .minor = (v), .fields = (flds)
#define ERR(e, a) .err = ZH_E_##e, .at = (a)
#define ERR_OFF(e, n) .err = ZH_E_##e, .off = (size_t)(n) + 1
#define ERR_ANY(e) .err = ZH_E_##e
#define ERR_NUL .err = ZH_E_NUL, .at_nul = true
#define MORE .err = ZH_INCOMPLETE
#define LEN(n) .lenient = (n)
#define BARE_LF ZH_LENIENT_BARE_LF
#define FOLD ZH_LENIENT_OBS_FOLD

#define HOST "Host: a\r\n"

static const req_case cases[] = {
    /* ---- well-formed */
    { L, IN("GET / HTTP/1.1\r\nHost: a\r\n\r\n"), OK("GET", "/", ORIGIN, 1, "Host: a\n") },
    { L, IN("GET / HTTP/1.0\r\n\r\n"), OK("GET", "/", ORIGIN, 0, "") },
    { L, IN("GET / HTTP/1.1\r\n\r\n"), OK("GET", "/", ORIGIN, 1, "") },
    { L, IN("\r\nGET / HTTP/1.1\r\n" HOST "\r\n"), OK("GET", "/", ORIGIN, 1, "Host: a\n") },
    { L, IN("\r\n\r\n\r\nGET /x HTTP/1.1\r\n" HOST "\r\n"), OK("GET", "/x", ORIGIN, 1, "Host: a\n") },
    { L, IN("GET /index.html HTTP/1.1\r\nHost: example.com\r\nUser-Agent: curl/8.0\r\nAccept: */*\r\n\r\n"),
      OK("GET", "/index.html", ORIGIN, 1, "Host: example.com\nUser-Agent: curl/8.0\nAccept: */*\n") },
    { L, IN("POST /submit HTTP/1.1\r\n" HOST "Content-Length: 5\r\n\r\nhello"),
      OK("POST", "/submit", ORIGIN, 1, "Host: a\nContent-Length: 5\n"), .body = 5 },
    { L, IN("GET / HTTP/1.1\r\n" HOST "\r\nGET /2 HTTP/1.1\r\n" HOST "\r\n"),
      OK("GET", "/", ORIGIN, 1, "Host: a\n"), .body = 28 },
    { L, IN("GET / HTTP/1.1\r\n" HOST "\r\n\r\n"), OK("GET", "/", ORIGIN, 1, "Host: a\n"), .body = 2 },
    { L, IN("HEAD / HTTP/1.1\r\n" HOST "\r\n"), OK("HEAD", "/", ORIGIN, 1, "Host: a\n") },
    { L, IN("PUT /f HTTP/1.1\r\n" HOST "\r\n"), OK("PUT", "/f", ORIGIN, 1, "Host: a\n") },
    { L, IN("DELETE /f/1 HTTP/1.1\r\n" HOST "\r\n"), OK("DELETE", "/f/1", ORIGIN, 1, "Host: a\n") },
    { L, IN("PATCH /p HTTP/1.1\r\n" HOST "\r\n"), OK("PATCH", "/p", ORIGIN, 1, "Host: a\n") },
    { L, IN("TRACE / HTTP/1.1\r\n" HOST "\r\n"), OK("TRACE", "/", ORIGIN, 1, "Host: a\n") },
    { L, IN("CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n"),
      OK("CONNECT", "example.com:443", AUTHORITY, 1, "Host: example.com:443\n") },
    { L, IN("CONNECT [::1]:8443 HTTP/1.1\r\nHost: [::1]:8443\r\n\r\n"),
      OK("CONNECT", "[::1]:8443", AUTHORITY, 1, "Host: [::1]:8443\n") },
    { L, IN("OPTIONS * HTTP/1.1\r\n" HOST "\r\n"), OK("OPTIONS", "*", ASTERISK, 1, "Host: a\n") },
    { L, IN("OPTIONS / HTTP/1.1\r\n" HOST "\r\n"), OK("OPTIONS", "/", ORIGIN, 1, "Host: a\n") },
    { L, IN("get / HTTP/1.1\r\n" HOST "\r\n"), OK("get", "/", ORIGIN, 1, "Host: a\n") },
    { L, IN("M-SEARCH /upnp HTTP/1.1\r\n" HOST "\r\n"), OK("M-SEARCH", "/upnp", ORIGIN, 1, "Host: a\n") },
    { L, IN("!#$%&'*+-.^_`|~09azAZ / HTTP/1.1\r\n" HOST "\r\n"),
      OK("!#$%&'*+-.^_`|~09azAZ", "/", ORIGIN, 1, "Host: a\n") },
    { L, IN("GET http://example.com/a?b=c HTTP/1.1\r\nHost: example.com\r\n\r\n"),
      OK("GET", "http://example.com/a?b=c", ABSOLUTE, 1, "Host: example.com\n") },
    { L, IN("GET http://example.com:8080 HTTP/1.1\r\nHost: example.com:8080\r\n\r\n"),
      OK("GET", "http://example.com:8080", ABSOLUTE, 1, "Host: example.com:8080\n") },
    { L, IN("GET http://[::1]:80/x HTTP/1.1\r\nHost: [::1]:80\r\n\r\n"),
      OK("GET", "http://[::1]:80/x", ABSOLUTE, 1, "Host: [::1]:80\n") },
    { L, IN("GET /a/b/c?x=1&y=2 HTTP/1.1\r\n" HOST "\r\n"), OK("GET", "/a/b/c?x=1&y=2", ORIGIN, 1, "Host: a\n") },
    { L, IN("GET /%7Euser/a%20b HTTP/1.1\r\n" HOST "\r\n"), OK("GET", "/%7Euser/a%20b", ORIGIN, 1, "Host: a\n") },
    { L, IN("GET /a-._~!$&'()*+,;=:@/b?c/?d HTTP/1.1\r\n" HOST "\r\n"),
      OK("GET", "/a-._~!$&'()*+,;=:@/b?c/?d", ORIGIN, 1, "Host: a\n") },
    { L, IN("GET /? HTTP/1.1\r\n" HOST "\r\n"), OK("GET", "/?", ORIGIN, 1, "Host: a\n") },
    { L, IN("GET //double//slash HTTP/1.1\r\n" HOST "\r\n"), OK("GET", "//double//slash", ORIGIN, 1, "Host: a\n") },
    { L, IN("GET /aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
            "aaaaaaaaaaaaaaaaaaaaaaa?q=1 HTTP/1.1\r\n" HOST "\r\n"),
      OK("GET", "/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
                "aaaaaaaaaaaaaaaaaaaaaaa?q=1", ORIGIN, 1, "Host: a\n") },
    { L, IN("GET / HTTP/1.1\r\n" HOST "X: 1\r\nX: 2\r\nx: 3\r\n\r\n"), OK("GET", "/", ORIGIN, 1, "Host: a\nX: 1\nX: 2\nx: 3\n") },
    { L, IN("GET / HTTP/1.1\r\nX: caf\xc3\xa9 \x80\xff\r\n\r\n"), OK("GET", "/", ORIGIN, 1, "X: caf\xc3\xa9 \x80\xff\n") },
    { L, IN("GET / HTTP/1.1\r\nX: a\tb  c\r\n\r\n"), OK("GET", "/", ORIGIN, 1, "X: a\tb  c\n") },
    { L, IN("GET / HTTP/1.1\r\nX:\r\n\r\n"), OK("GET", "/", ORIGIN, 1, "X: \n") },
    { L, IN("GET / HTTP/1.1\r\nX: \t \r\nY: 1\r\n\r\n"), OK("GET", "/", ORIGIN, 1, "X: \nY: 1\n") },
    { L, IN("GET / HTTP/1.1\r\nX:\t  v  \t\r\n\r\n"), OK("GET", "/", ORIGIN, 1, "X: v\n") },
    { L, IN("GET / HTTP/1.1\r\nX:v\r\n\r\n"), OK("GET", "/", ORIGIN, 1, "X: v\n") },
    { L, IN("GET / HTTP/1.1\r\nX: a:b: c\r\n\r\n"), OK("GET", "/", ORIGIN, 1, "X: a:b: c\n") },
    { L, IN("GET / HTTP/1.1\r\n!#$%&'*+-.^_`|~09aZ: v\r\n\r\n"), OK("GET", "/", ORIGIN, 1, "!#$%&'*+-.^_`|~09aZ: v\n") },
    { L, IN("GET / HTTP/1.1\r\nX: \"a, b\", c\\d\r\n\r\n"), OK("GET", "/", ORIGIN, 1, "X: \"a, b\", c\\d\n") },
    { L, IN("GET / HTTP/1.1\r\nhOsT: a\r\n\r\n"), OK("GET", "/", ORIGIN, 1, "hOsT: a\n") },
    { L, IN("GET / HTTP/1.1\r\nX: !\x7e\r\n\r\n"), OK("GET", "/", ORIGIN, 1, "X: !~\n") },
    { L, IN("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"), OK("GET", "/", ORIGIN, 0, "Connection: keep-alive\n") },
    { L, IN("POST / HTTP/1.1\r\n" HOST "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n"),
      OK("POST", "/", ORIGIN, 1, "Host: a\nTransfer-Encoding: chunked\n"), .body = 15 },
    { L, IN("GET / HTTP/1.1\r\nA: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\nE: 5\r\nF: 6\r\nG: 7\r\nH: 8\r\nI: 9\r\nJ: 10\r\n"
            "K: 11\r\nL: 12\r\nM: 13\r\nN: 14\r\nO: 15\r\nP: 16\r\nQ: 17\r\nR: 18\r\nS: 19\r\nT: 20\r\n\r\n"),
      OK("GET", "/", ORIGIN, 1, "A: 1\nB: 2\nC: 3\nD: 4\nE: 5\nF: 6\nG: 7\nH: 8\nI: 9\nJ: 10\n"
                                "K: 11\nL: 12\nM: 13\nN: 14\nO: 15\nP: 16\nQ: 17\nR: 18\nS: 19\nT: 20\n") },
    { L, IN("GET / HTTP/1.1\r\nCookie: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa; b=cccccccccccccccccccccccccc"
            "cccccccccccccccccccccccccccccccccccccc\r\n\r\n"),
      OK("GET", "/", ORIGIN, 1, "Cookie: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa; b=cccccccccccccccccccccccccc"
                                "cccccccccccccccccccccccccccccccccccccc\n") },
    /* lenient: bare LF and obs-fold accepted only when asked for */
    { L, IN("GET / HTTP/1.1\nHost: a\n\n"), LEN(BARE_LF), OK("GET", "/", ORIGIN, 1, "Host: a\n") },
    { L, IN("GET / HTTP/1.1\r\nHost: a\n\r\n"), LEN(BARE_LF), OK("GET", "/", ORIGIN, 1, "Host: a\n") },
    { L, IN("\nGET / HTTP/1.1\r\n" HOST "\r\n"), LEN(BARE_LF), OK("GET", "/", ORIGIN, 1, "Host: a\n") },
    { L, IN("GET / HTTP/1.1\r\nX: a\r\n b\r\n" HOST "\r\n"), LEN(FOLD), OK("GET", "/", ORIGIN, 1, "X: a\r\n b\nHost: a\n") },
    { L, IN("GET / HTTP/1.1\r\nX: a\r\n\tb\r\n c\r\n\r\n"), LEN(FOLD), OK("GET", "/", ORIGIN, 1, "X: a\r\n\tb\r\n c\n") },
    { L, IN("GET / HTTP/1.1\r\nX:\r\n b\r\n\r\n"), LEN(FOLD), OK("GET", "/", ORIGIN, 1, "X: b\n") },
    { L, IN("GET / HTTP/1.1\r\nX: a\r\n \t\r\n\r\n"), LEN(FOLD), OK("GET", "/", ORIGIN, 1, "X: a\n") },
    { L, IN("GET / HTTP/1.1\r\nX: a\r\n b \r\nY: c\r\n\r\n"), LEN(FOLD), OK("GET", "/", ORIGIN, 1, "X: a\r\n b\nY: c\n") },
    { L, IN("GET / HTTP/1.1\r\nX: a\r\n b\x01\r\n\r\n"), LEN(FOLD), ERR(BAD_FIELD_VALUE, "\x01") },
    { L, IN("GET / HTTP/1.1\r\nX: a\r\n b\0\r\n\r\n"), LEN(FOLD), ERR_NUL },
    { L, IN("GET / HTTP/1.1\r\nX: a\r\n b\rc\r\n\r\n"), LEN(FOLD), ERR(BARE_CR, "\rc") },
    { L, IN("GET / HTTP/1.1\r\nX: a\r\n b"), LEN(FOLD), MORE },
    { L, IN("GET / HTTP/1.1\r\n" HOST "\r\n"), LEN(BARE_LF | FOLD | ZH_LENIENT_CL_TE_RESPONSE | ZH_LENIENT_HOST),
      OK("GET", "/", ORIGIN, 1, "Host: a\n") },
    /* ---- incomplete */
    { L, IN(""), MORE },
    { L, IN("\r\n\r\n"), MORE },
    { L, IN("GET"), MORE },
    { L, IN("GET / HTTP/1.1"), MORE },
    { L, IN("GET / HTTP/1.1\r"), MORE },
    { L, IN("GET / HTTP/1.1\r\n"), MORE },
    { L, IN("GET / HTTP/1.1\r\nHost: a\r\n"), MORE },
    { L, IN("GET / HTTP/1.1\r\nHost: a\r\n\r"), MORE },
    { L, IN("GET / HTTP/1.1\r\nHost: a"), MORE },
    /* ---- method */
    { L, IN("G@T / HTTP/1.1\r\n\r\n"), ERR(BAD_METHOD, "@") },
    { L, IN("GE(T / HTTP/1.1\r\n\r\n"), ERR(BAD_METHOD, "(") },
    { L, IN("GET\x01 / HTTP/1.1\r\n\r\n"), ERR(BAD_METHOD, "\x01") },
    { L, IN("G\xc3\x89T / HTTP/1.1\r\n\r\n"), ERR(BAD_METHOD, "\xc3") },
    { L, IN("GE\"T / HTTP/1.1\r\n\r\n"), ERR(BAD_METHOD, "\"") },
    { L, IN("GET\t/ HTTP/1.1\r\n\r\n"), ERR(BAD_METHOD, "\t") },
    { L, IN("GET:/ HTTP/1.1\r\n\r\n"), ERR(BAD_METHOD, ":") },
    { L, IN(" GET / HTTP/1.1\r\n\r\n"), ERR_OFF(BAD_METHOD, 0) },
    { L, IN("\r\n GET / HTTP/1.1\r\n\r\n"), ERR_OFF(BAD_METHOD, 2) },
    { L, IN("G\0T / HTTP/1.1\r\n\r\n"), ERR_NUL },
    /* ---- request-target */
    { L, IN("GET /a\x01" "b HTTP/1.1\r\n\r\n"), ERR(BAD_TARGET, "\x01") },
    { L, IN("GET /a\x7f HTTP/1.1\r\n\r\n"), ERR(BAD_TARGET, "\x7f") },
    { L, IN("GET /a\xff HTTP/1.1\r\n\r\n"), ERR(BAD_TARGET, "\xff") },
    { L, IN("GET /a\x80 HTTP/1.1\r\n\r\n"), ERR(BAD_TARGET, "\x80") },
    { L, IN("GET /a\tb HTTP/1.1\r\n\r\n"), ERR(BAD_TARGET, "\t") },
    { L, IN("GET /a\"b HTTP/1.1\r\n\r\n"), ERR(BAD_TARGET, "\"") },
    { L, IN("GET /a<b> HTTP/1.1\r\n\r\n"), ERR(BAD_TARGET, "<") },
    { L, IN("GET /a{b} HTTP/1.1\r\n\r\n"), ERR(BAD_TARGET, "{") },
    { L, IN("GET /a\\b HTTP/1.1\r\n\r\n"), ERR(BAD_TARGET, "\\") },
    { L, IN("GET /a#frag HTTP/1.1\r\n\r\n"), ERR(URI_FRAGMENT, "#") },
    { L, IN("GET  / HTTP/1.1\r\n\r\n"), ERR_OFF(BAD_TARGET, 4) },
    /* the form must fit the method (RFC 9112 §3.2.3, §3.2.4) */
    { L, IN("CONNECT / HTTP/1.1\r\n\r\n"), ERR_OFF(BAD_TARGET, 8) },
    { L, IN("GET example.com:80 HTTP/1.1\r\n\r\n"), ERR_OFF(BAD_TARGET, 4) },
    { L, IN("GET * HTTP/1.1\r\n\r\n"), ERR_OFF(BAD_TARGET, 4) },
    { L, IN("CONNECT example.com HTTP/1.1\r\n\r\n"), ERR_ANY(BAD_PORT) },
    { L, IN("GET /a%zz HTTP/1.1\r\n\r\n"), ERR(BAD_PERCENT, "%") },
    { L, IN("GET /a%2 HTTP/1.1\r\n\r\n"), ERR(BAD_PERCENT, "%") },
    { L, IN("GET /a?b=%4 HTTP/1.1\r\n\r\n"), ERR(BAD_PERCENT, "%") },
    { L, IN("GET /\0 HTTP/1.1\r\n\r\n"), ERR_NUL },
    /* ---- version */
    { L, IN("GET / HTTP/1.2\r\n\r\n"), ERR_OFF(UNSUPPORTED_VERSION, 6) },
    { L, IN("GET / HTTP/2.0\r\n\r\n"), ERR_OFF(UNSUPPORTED_VERSION, 6) },
    { L, IN("GET / HTTP/0.9\r\n\r\n"), ERR_OFF(UNSUPPORTED_VERSION, 6) },
    { L, IN("GET / HTTP/9.9\r\n\r\n"), ERR_OFF(UNSUPPORTED_VERSION, 6) },
    { L, IN("\r\nGET / HTTP/1.2\r\n\r\n"), ERR_OFF(UNSUPPORTED_VERSION, 8) },
    { L, IN("GET / HTTP/1.10\r\n\r\n"), ERR(BAD_VERSION, "0\r") },
    { L, IN("GET / HTTP/1\r\n\r\n"), ERR(BAD_VERSION, "\r") },
    { L, IN("GET / HTTP/11\r\n\r\n"), ERR_OFF(BAD_VERSION, 12) },
    { L, IN("GET / HTTP/1,1\r\n\r\n"), ERR(BAD_VERSION, ",") },
    { L, IN("GET / http/1.1\r\n\r\n"), ERR_OFF(BAD_VERSION, 6) },
    { L, IN("GET / HTTPS/1.1\r\n\r\n"), ERR_OFF(BAD_VERSION, 10) },
    { L, IN("GET / HTTP/a.1\r\n\r\n"), ERR_OFF(BAD_VERSION, 11) },
    { L, IN("GET / HTTP/1.a\r\n\r\n"), ERR_OFF(BAD_VERSION, 13) },
    { L, IN("GET / HTTP/1.1 \r\n\r\n"), ERR_OFF(BAD_VERSION, 14) },
    { L, IN("GET / \r\n\r\n"), ERR_OFF(BAD_VERSION, 6) },
    { L, IN("GET / HTTP/1.1\0\r\n\r\n"), ERR_NUL },
    /* ---- request line shape */
    { L, IN("GET /\r\n\r\n"), ERR_OFF(BAD_REQUEST_LINE, 5) },
    { L, IN("GET\r\n\r\n"), ERR_OFF(BAD_REQUEST_LINE, 3) },
    { L, IN("GET / HTTP/1.1\rHost: a\r\n\r\n"), ERR(BARE_CR, "\rH") },
    { L, IN("GET / HTTP/1.1\r\r\n\r\n"), ERR(BARE_CR, "\r\r") },
    { L, IN("\rGET / HTTP/1.1\r\n\r\n"), ERR_OFF(BARE_CR, 0) },
    /* ---- line endings (strict) */
    { L, IN("GET / HTTP/1.1\nHost: a\r\n\r\n"), ERR(BARE_LF, "\nH") },
    { L, IN("GET / HTTP/1.1\r\nHost: a\n\r\n"), ERR(BARE_LF, "\n\r") },
    { L, IN("GET / HTTP/1.1\r\nHost: a\r\n\n"), ERR_OFF(BARE_LF, 25) },
    { L, IN("\nGET / HTTP/1.1\r\n\r\n"), ERR_OFF(BARE_LF, 0) },
    { L, IN("GET / HTTP/1.1\nHost: a\n\n"), ERR(BARE_LF, "\nH") },
    /* ---- field names */
    { L, IN("GET / HTTP/1.1\r\nHost : a\r\n\r\n"), ERR(WS_BEFORE_COLON, " :") },
    { L, IN("GET / HTTP/1.1\r\nHost\t: a\r\n\r\n"), ERR(WS_BEFORE_COLON, "\t") },
    { L, IN("GET / HTTP/1.1\r\nX: 1\r\nHost  : a\r\n\r\n"), ERR(WS_BEFORE_COLON, "  :") },
    { L, IN("GET / HTTP/1.1\r\n: a\r\n\r\n"), ERR(BAD_FIELD_NAME, ": a") },
    { L, IN("GET / HTTP/1.1\r\nH(st: a\r\n\r\n"), ERR(BAD_FIELD_NAME, "(") },
    { L, IN("GET / HTTP/1.1\r\nH\xc3\xa9: a\r\n\r\n"), ERR(BAD_FIELD_NAME, "\xc3") },
    { L, IN("GET / HTTP/1.1\r\nX\"y: a\r\n\r\n"), ERR(BAD_FIELD_NAME, "\"") },
    { L, IN("GET / HTTP/1.1\r\nX/y: a\r\n\r\n"), ERR(BAD_FIELD_NAME, "/y") },
    { L, IN("GET / HTTP/1.1\r\nX\x7fy: a\r\n\r\n"), ERR(BAD_FIELD_NAME, "\x7f") },
    { L, IN("GET / HTTP/1.1\r\nX\0: a\r\n\r\n"), ERR_NUL },
    { L, IN("GET / HTTP/1.1\r\nHosta\r\n\r\n"), ERR_ANY(FIELD_NO_COLON) },
    { L, IN("GET / HTTP/1.1\r\n" HOST "NoColonHere\r\n\r\n"), ERR_ANY(FIELD_NO_COLON) },
    /* ---- field values */
    { L, IN("GET / HTTP/1.1\r\nX: a\x01" "b\r\n\r\n"), ERR(BAD_FIELD_VALUE, "\x01") },
    { L, IN("GET / HTTP/1.1\r\nX: a\x7f\r\n\r\n"), ERR(BAD_FIELD_VALUE, "\x7f") },
    { L, IN("GET / HTTP/1.1\r\nX: a\x1f\r\n\r\n"), ERR(BAD_FIELD_VALUE, "\x1f") },
    { L, IN("GET / HTTP/1.1\r\nX: \x0b" "a\r\n\r\n"), ERR(BAD_FIELD_VALUE, "\x0b") },
    { L, IN("GET / HTTP/1.1\r\nX: \x1b[31m\r\n\r\n"), ERR(BAD_FIELD_VALUE, "\x1b") },
    { L, IN("GET / HTTP/1.1\r\nX: a\rb\r\n\r\n"), ERR(BARE_CR, "\rb") },
    { L, IN("GET / HTTP/1.1\r\nX: a\r\r\n\r\n"), ERR(BARE_CR, "\r\r") },
    { L, IN("GET / HTTP/1.1\r\nX: a\0b\r\n\r\n"), ERR_NUL },
    { L, IN("GET / HTTP/1.1\r\nX: \0\r\n\r\n"), ERR_NUL },
    { L, IN("GET / HTTP/1.1\r\n" HOST "X: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\x01\r\n\r\n"),
      ERR(BAD_FIELD_VALUE, "\x01") },
    { L, IN("GET / HTTP/1.1\r\n" HOST "X: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\0\r\n\r\n"),
      ERR_NUL },
    /* ---- obs-fold and whitespace at the start of a line (strict) */
    { L, IN("GET / HTTP/1.1\r\nX: a\r\n b\r\n\r\n"), ERR(OBS_FOLD, " b") },
    { L, IN("GET / HTTP/1.1\r\nX: a\r\n\tb\r\n\r\n"), ERR(OBS_FOLD, "\tb") },
    { L, IN("GET / HTTP/1.1\r\n Host: a\r\n\r\n"), ERR(OBS_FOLD, " Host") },
    { L, IN("GET / HTTP/1.1\r\n" HOST " \r\n\r\n"), ERR_OFF(OBS_FOLD, 25) },
    /* the lenient flags do not open other doors */
    { L, IN("GET / HTTP/1.1\r\nX: a\r\n b\r\n\r\n"), LEN(BARE_LF), ERR(OBS_FOLD, " b") },
    { L, IN("GET / HTTP/1.1\nHost: a\r\n\r\n"), LEN(FOLD), ERR(BARE_LF, "\nH") },
    { L, IN("GET / HTTP/1.1\r\nX: a\rb\r\n\r\n"), LEN(BARE_LF | FOLD), ERR(BARE_CR, "\rb") },
    { L, IN("GET / HTTP/1.1\r\nX: a\0\r\n\r\n"), LEN(BARE_LF | FOLD), ERR_NUL },
    { L, IN("GET / HTTP/1.1\nHost : a\n\n"), LEN(BARE_LF), ERR(WS_BEFORE_COLON, " :") },
    /* whitespace before the first field line is never a fold */
    { L, IN("GET / HTTP/1.1\r\n Host: a\r\n\r\n"), LEN(FOLD), ERR(OBS_FOLD, " Host") },
};

#define NCASES ((int)(sizeof(cases) / sizeof(cases[0])))

enum { NFIELDS = 64 };

static size_t expected_offset(const req_case *c)
{
    if (c->at_nul) {
        const char *z = memchr(c->in, 0, c->len);
        return z ? (size_t)(z - c->in) : (size_t)-1;
    }
    if (c->at)
        return pt_find(c->in, c->len, c->at);
    return c->off ? c->off - 1 : (size_t)-1;
}

/* Checks the ZH_OK outputs of a parse of buf[0..len). */
static void check_ok(const req_case *c, const char *buf, size_t len, const zh_request_head *h,
                     size_t consumed, const char *where)
{
    size_t want = c->len - c->body;
    ck_assert_msg(consumed == want, "%s: consumed %zu, want %zu", where, consumed, want);
    ck_assert_msg(pt_slice_is(h->method, c->method), "%s: method '%.*s'", where, (int)h->method.len,
                  h->method.ptr);
    ck_assert_msg(pt_slice_is(h->target, c->target), "%s: target '%.*s'", where, (int)h->target.len,
                  h->target.ptr);
    ck_assert_msg(h->form == c->form, "%s: form %d, want %d", where, h->form, c->form);
    ck_assert_msg(h->version_minor == c->minor, "%s: minor %d", where, h->version_minor);
    ck_assert_msg(pt_slice_within(h->method, buf, len) && pt_slice_within(h->target, buf, len),
                  "%s: slices outside the input", where);
    pt_check_fields(h->fields, h->num_fields, h->fields_cap, c->fields, buf, len, where);
}

static void run_case(const req_case *c, bool scalar)
{
    zh_parse_config cfg = pt_cfg(c->lenient, scalar);
    size_t want_off = expected_offset(c);
    size_t want_consumed = c->len - c->body;
    zh_field fields[NFIELDS];
    zh_request_head h = { .fields = fields, .fields_cap = NFIELDS };
    char where[160];

    if (c->at || c->at_nul)
        ck_assert_msg(want_off != (size_t)-1, "line %d: marker not in input", c->line);
    /* Every prefix, ending with the whole input; the same head struct throughout,
     * as a caller re-parsing a growing buffer would use it. */
    for (size_t p = 0; p <= c->len; p++) {
        char *buf = guard_copy(c->in, p);
        size_t consumed = (size_t)-1;
        snprintf(where, sizeof where, "line %d, %zu of %zu bytes, scalar=%d", c->line, p, c->len, scalar);
        h.error_offset = (size_t)-1;
        zh_err e = zh_parse_request_head(buf, p, &cfg, &h, &consumed);
        bool whole = p == c->len || (c->err == ZH_OK && p >= want_consumed);
        pt_check_verdict(e, c->err, whole, h.error_offset, want_off, p, where);
        if (whole && e == ZH_OK)
            check_ok(c, buf, p, &h, consumed, where);
        guard_free(buf, p);
    }
}

START_TEST(request_table)
{
    run_case(&cases[_i], false);
    run_case(&cases[_i], true);
}
END_TEST

START_TEST(table_size)
{
    int ok = 0, bad = 0;
    for (int i = 0; i < NCASES; i++)
        if (cases[i].err == ZH_OK)
            ok++;
        else
            bad++;
    ck_assert_int_ge(NCASES, 100);
    ck_assert_int_ge(ok, 40);
    ck_assert_int_ge(bad, 60);
}
END_TEST

/* A parse must not depend on what the caller left in the head struct. */
START_TEST(outputs_do_not_depend_on_garbage)
{
    static const char req[] = "GET /x HTTP/1.1\r\nHost: h\r\nA: b\r\n\r\n";
    zh_field fields[8];
    zh_request_head h;
    memset(&h, 0x5a, sizeof h);
    memset(fields, 0x5a, sizeof fields);
    h.fields = fields;
    h.fields_cap = 8;
    char *buf = guard_copy(req, sizeof req - 1);
    size_t n = 0;
    ck_assert_int_eq(zh_parse_request_head(buf, sizeof req - 1, NULL, &h, &n), ZH_OK);
    ck_assert_uint_eq(n, sizeof req - 1);
    ck_assert_uint_eq(h.num_fields, 2);
    ck_assert(pt_slice_is(h.fields[1].value, "b"));
    ck_assert_int_eq(h.form, ZH_FORM_ORIGIN);
    ck_assert_int_eq(h.version_minor, 1);
    guard_free(buf, sizeof req - 1);
}
END_TEST

/* Field capacity: min(fields_cap, max_fields) fields fit, one more is an error. */
START_TEST(field_capacity)
{
    static const char req[] = "GET / HTTP/1.1\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n";
    size_t len = sizeof req - 1;
    char *buf = guard_copy(req, len);
    zh_field fields[3];
    size_t n;
    zh_request_head h = { .fields = fields, .fields_cap = 3 };
    zh_parse_config cfg = pt_cfg(0, _i != 0);
    ck_assert_int_eq(zh_parse_request_head(buf, len, &cfg, &h, &n), ZH_OK);
    ck_assert_uint_eq(h.num_fields, 3);
    h.fields_cap = 2;
    ck_assert_int_eq(zh_parse_request_head(buf, len, &cfg, &h, &n), ZH_E_TOO_MANY_FIELDS);
    h.fields_cap = 3;
    cfg.limits.max_fields = 2;
    ck_assert_int_eq(zh_parse_request_head(buf, len, &cfg, &h, &n), ZH_E_TOO_MANY_FIELDS);
    cfg.limits.max_fields = 3;
    ck_assert_int_eq(zh_parse_request_head(buf, len, &cfg, &h, &n), ZH_OK);
    h.fields_cap = 0;
    h.fields = NULL;
    ck_assert_int_eq(zh_parse_request_head(buf, len, &cfg, &h, &n), ZH_E_TOO_MANY_FIELDS);
    guard_free(buf, len);
}
END_TEST

/* Builds "GET /aaa...a HTTP/1.1\r\n" whose line (CRLF excluded) is line_len bytes. */
static size_t make_request_line(char *out, size_t line_len)
{
    size_t tlen = line_len - strlen("GET  HTTP/1.1");
    size_t at = 0;
    memcpy(out, "GET /", 5);
    at = 5;
    memset(out + at, 'a', tlen - 1);
    at += tlen - 1;
    memcpy(out + at, " HTTP/1.1\r\n", 11);
    return at + 11;
}

START_TEST(request_line_limit)
{
    static char req[20000];
    zh_field fields[4];
    size_t n;
    zh_request_head h = { .fields = fields, .fields_cap = 4 };
    zh_parse_config cfg = pt_cfg(0, _i != 0);
    cfg.limits.max_request_line = 100;
    size_t len = make_request_line(req, 100);
    memcpy(req + len, "\r\n", 2);
    len += 2;
    char *buf = guard_copy(req, len);
    ck_assert_int_eq(zh_parse_request_head(buf, len, &cfg, &h, &n), ZH_OK);
    ck_assert_uint_eq(n, len);
    ck_assert_uint_eq(h.target.len, 100 - strlen("GET  HTTP/1.1"));
    guard_free(buf, len);

    len = make_request_line(req, 101);
    memcpy(req + len, "\r\n", 2);
    len += 2;
    buf = guard_copy(req, len);
    ck_assert_int_eq(zh_parse_request_head(buf, len, &cfg, &h, &n), ZH_E_REQUEST_LINE_TOO_LONG);
    guard_free(buf, len);

    /* An over-long line is refused before its end arrives: a peer cannot make
     * the caller buffer without bound. */
    memset(req, 'a', sizeof req);
    memcpy(req, "GET /", 5);
    buf = guard_copy(req, 200);
    ck_assert_int_eq(zh_parse_request_head(buf, 200, &cfg, &h, &n), ZH_E_REQUEST_LINE_TOO_LONG);
    guard_free(buf, 200);
    buf = guard_copy(req, 100);
    ck_assert_int_eq(zh_parse_request_head(buf, 100, &cfg, &h, &n), ZH_INCOMPLETE);
    guard_free(buf, 100);

    /* The default limit is 8 KiB. */
    cfg = pt_cfg(0, _i != 0);
    len = make_request_line(req, 8192);
    memcpy(req + len, "\r\n", 2);
    len += 2;
    buf = guard_copy(req, len);
    ck_assert_int_eq(zh_parse_request_head(buf, len, &cfg, &h, &n), ZH_OK);
    guard_free(buf, len);
    len = make_request_line(req, 8193);
    memcpy(req + len, "\r\n", 2);
    len += 2;
    buf = guard_copy(req, len);
    ck_assert_int_eq(zh_parse_request_head(buf, len, &cfg, &h, &n), ZH_E_REQUEST_LINE_TOO_LONG);
    ck_assert_int_eq(zh_error_http_status(ZH_E_REQUEST_LINE_TOO_LONG), 414);
    guard_free(buf, len);
}
END_TEST

/* "X: vvv...v\r\n" with a line (CRLF excluded) of line_len bytes. */
static size_t make_field_line(char *out, size_t line_len)
{
    memcpy(out, "X: ", 3);
    memset(out + 3, 'v', line_len - 3);
    memcpy(out + line_len, "\r\n", 2);
    return line_len + 2;
}

START_TEST(field_line_limit)
{
    static char req[20000];
    zh_field fields[4];
    size_t n;
    zh_request_head h = { .fields = fields, .fields_cap = 4 };
    zh_parse_config cfg = pt_cfg(0, _i != 0);
    cfg.limits.max_field_line = 64;
    for (size_t line = 63; line <= 65; line++) {
        size_t len = 16;
        memcpy(req, "GET / HTTP/1.1\r\n", 16);
        len += make_field_line(req + len, line);
        memcpy(req + len, "\r\n", 2);
        len += 2;
        char *buf = guard_copy(req, len);
        zh_err e = zh_parse_request_head(buf, len, &cfg, &h, &n);
        ck_assert_msg(e == (line <= 64 ? ZH_OK : ZH_E_FIELD_LINE_TOO_LONG), "line %zu: %s", line,
                      zh_error_name(e));
        if (e == ZH_OK)
            ck_assert_uint_eq(h.fields[0].value.len, line - 3);
        guard_free(buf, len);
    }
    /* A line of exactly the limit whose end has not arrived is still incomplete,
     * one byte more is too long: in a value and in a name. */
    memcpy(req, "GET / HTTP/1.1\r\nX: ", 19);
    memset(req + 19, 'v', 100);
    for (size_t extra = 0; extra <= 1; extra++) {
        char *b = guard_copy(req, 16 + 64 + extra);
        ck_assert_int_eq(zh_parse_request_head(b, 16 + 64 + extra, &cfg, &h, &n),
                         extra ? ZH_E_FIELD_LINE_TOO_LONG : ZH_INCOMPLETE);
        guard_free(b, 16 + 64 + extra);
    }
    memset(req + 16, 'n', 100);
    for (size_t extra = 0; extra <= 1; extra++) {
        char *b = guard_copy(req, 16 + 64 + extra);
        ck_assert_int_eq(zh_parse_request_head(b, 16 + 64 + extra, &cfg, &h, &n),
                         extra ? ZH_E_FIELD_LINE_TOO_LONG : ZH_INCOMPLETE);
        guard_free(b, 16 + 64 + extra);
    }
    /* Refused before the line ends: in a value, in a name, in a fold. */
    memcpy(req, "GET / HTTP/1.1\r\nX: ", 19);
    memset(req + 19, 'v', 500);
    char *buf = guard_copy(req, 519);
    ck_assert_int_eq(zh_parse_request_head(buf, 519, &cfg, &h, &n), ZH_E_FIELD_LINE_TOO_LONG);
    ck_assert_uint_eq(h.error_offset, 16 + 64);
    guard_free(buf, 519);
    memset(req + 16, 'n', 500);
    buf = guard_copy(req, 516);
    ck_assert_int_eq(zh_parse_request_head(buf, 516, &cfg, &h, &n), ZH_E_FIELD_LINE_TOO_LONG);
    guard_free(buf, 516);
    memcpy(req + 16, "X: a\r\n ", 7);
    memset(req + 23, 'v', 500);
    cfg.lenient = ZH_LENIENT_OBS_FOLD;
    buf = guard_copy(req, 523);
    ck_assert_int_eq(zh_parse_request_head(buf, 523, &cfg, &h, &n), ZH_E_FIELD_LINE_TOO_LONG);
    guard_free(buf, 523);
}
END_TEST

START_TEST(head_limit)
{
    static char req[4096];
    zh_field fields[64];
    size_t n;
    zh_request_head h = { .fields = fields, .fields_cap = 64 };
    zh_parse_config cfg = pt_cfg(0, _i != 0);
    /* 16 (request line) + 10 * 12 (fields "X: 12345678\r\n" are 13) + 2 */
    size_t len = 16;
    memcpy(req, "GET / HTTP/1.1\r\n", 16);
    for (int i = 0; i < 10; i++) {
        memcpy(req + len, "X: 12345678\r\n", 13);
        len += 13;
    }
    memcpy(req + len, "\r\n", 2);
    len += 2; /* 148 */
    char *buf = guard_copy(req, len);
    cfg.limits.max_head = len;
    ck_assert_int_eq(zh_parse_request_head(buf, len, &cfg, &h, &n), ZH_OK);
    ck_assert_uint_eq(n, len);
    cfg.limits.max_head = len - 1;
    ck_assert_int_eq(zh_parse_request_head(buf, len, &cfg, &h, &n), ZH_E_HEAD_TOO_LARGE);
    ck_assert_uint_eq(h.error_offset, len - 1);
    guard_free(buf, len);
    /* Refused before the head ends: fields keep coming. */
    len = 16;
    for (int i = 0; i < 30; i++) {
        memcpy(req + len, "X: 12345678\r\n", 13);
        len += 13;
    }
    buf = guard_copy(req, len);
    cfg.limits.max_head = 200;
    ck_assert_int_eq(zh_parse_request_head(buf, len, &cfg, &h, &n), ZH_E_HEAD_TOO_LARGE);
    ck_assert_uint_eq(h.error_offset, 200);
    guard_free(buf, len);
}
END_TEST

START_TEST(null_config_is_default)
{
    static const char req[] = "GET / HTTP/1.1\nHost: a\n\n";
    zh_field fields[4];
    size_t n;
    zh_request_head h = { .fields = fields, .fields_cap = 4 };
    char *buf = guard_copy(req, sizeof req - 1);
    ck_assert_int_eq(zh_parse_request_head(buf, sizeof req - 1, NULL, &h, &n), ZH_E_BARE_LF);
    guard_free(buf, sizeof req - 1);
}
END_TEST

/* A bad byte at every position of long runs, so the 8/16/32-byte scan steps and
 * their tails are each hit; _i selects scalar (1) or SIMD-if-available (0). */
static void expect_at(const char *req, size_t len, bool scalar, zh_err want, size_t off)
{
    zh_field fields[4];
    zh_request_head h = { .fields = fields, .fields_cap = 4 };
    zh_parse_config cfg = pt_cfg(0, scalar);
    char *buf = guard_copy(req, len);
    size_t n;
    zh_err e = zh_parse_request_head(buf, len, &cfg, &h, &n);
    ck_assert_msg(e == want, "bad byte at %zu (scalar=%d): %s, want %s", off, scalar, zh_error_name(e),
                  zh_error_name(want));
    if (want != ZH_OK)
        ck_assert_msg(h.error_offset == off, "bad byte at %zu (scalar=%d): error_offset %zu", off, scalar,
                      h.error_offset);
    guard_free(buf, len);
}

START_TEST(long_runs)
{
    enum { RUN = 80 };
    bool scalar = _i != 0;
    char req[256];
    static const struct {
        char c;
        zh_err value_err, target_err, name_err, method_err;
    } bad[] = {
        { '\x01', ZH_E_BAD_FIELD_VALUE, ZH_E_BAD_TARGET, ZH_E_BAD_FIELD_NAME, ZH_E_BAD_METHOD },
        { '\x1f', ZH_E_BAD_FIELD_VALUE, ZH_E_BAD_TARGET, ZH_E_BAD_FIELD_NAME, ZH_E_BAD_METHOD },
        { '\x7f', ZH_E_BAD_FIELD_VALUE, ZH_E_BAD_TARGET, ZH_E_BAD_FIELD_NAME, ZH_E_BAD_METHOD },
        { '\0', ZH_E_NUL, ZH_E_NUL, ZH_E_NUL, ZH_E_NUL },
        { '"', ZH_OK, ZH_E_BAD_TARGET, ZH_E_BAD_FIELD_NAME, ZH_E_BAD_METHOD },
        { '\x80', ZH_OK, ZH_E_BAD_TARGET, ZH_E_BAD_FIELD_NAME, ZH_E_BAD_METHOD },
        { '\t', ZH_OK, ZH_E_BAD_TARGET, ZH_E_WS_BEFORE_COLON, ZH_E_BAD_METHOD },
    };
    for (size_t b = 0; b < sizeof bad / sizeof bad[0]; b++) {
        for (size_t k = 1; k < RUN - 1; k++) {
            /* field value: "GET / HTTP/1.1\r\nX: vvv...\r\n\r\n" */
            size_t len = 0;
            memcpy(req, "GET / HTTP/1.1\r\nX: ", 19);
            len = 19;
            memset(req + len, 'v', RUN);
            req[len + k] = bad[b].c;
            len += RUN;
            memcpy(req + len, "\r\n\r\n", 4);
            len += 4;
            expect_at(req, len, scalar, bad[b].value_err, 19 + k);
            /* request-target: "GET /ttt... HTTP/1.1\r\n\r\n" */
            memcpy(req, "GET /", 5);
            memset(req + 5, 't', RUN);
            req[5 + k] = bad[b].c;
            memcpy(req + 5 + RUN, " HTTP/1.1\r\n\r\n", 13);
            expect_at(req, 5 + RUN + 13, scalar, bad[b].target_err, 5 + k);
            /* field name: "GET / HTTP/1.1\r\nnnn...: v\r\n\r\n" */
            memcpy(req, "GET / HTTP/1.1\r\n", 16);
            memset(req + 16, 'n', RUN);
            req[16 + k] = bad[b].c;
            memcpy(req + 16 + RUN, ": v\r\n\r\n", 7);
            zh_err want = bad[b].name_err;
            expect_at(req, 16 + RUN + 7, scalar, want, 16 + k);
            /* method: "MMM... / HTTP/1.1\r\n\r\n" */
            memset(req, 'M', RUN);
            req[k] = bad[b].c;
            memcpy(req + RUN, " / HTTP/1.1\r\n\r\n", 15);
            expect_at(req, RUN + 15, scalar, bad[b].method_err, k);
        }
    }
}
END_TEST

static bool is_tchar(int c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c != 0 && strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

/* RFC 3986 pchar / "/" / "?" without '%' (tested with escapes elsewhere). */
static bool is_target_char(int c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c != 0 && strchr("-._~!$&'()*+,;=:@/?", c) != NULL);
}

/* Every byte value at positions inside and across the scan blocks, judged by the
 * RFC character classes written out here, independently of the parser's tables. */
START_TEST(every_byte_everywhere)
{
    enum { RUN = 80 };
    static const size_t at[] = { 1, 15, 16, 31, 32, 47, 63 };
    bool scalar = _i != 0;
    char req[256];
    for (int c = 0; c < 256; c++) {
        for (size_t a = 0; a < sizeof at / sizeof at[0]; a++) {
            size_t k = at[a];
            if (c != ' ' && c != '\r' && c != '\n') {
                memset(req, 'M', RUN);
                req[k] = (char)c;
                memcpy(req + RUN, " / HTTP/1.1\r\n\r\n", 15);
                expect_at(req, RUN + 15, scalar, c == 0 ? ZH_E_NUL : is_tchar(c) ? ZH_OK : ZH_E_BAD_METHOD, k);
            }
            /* '[' and ']' belong only to an IP-literal host: BAD_TARGET here. */
            if (c != ' ' && c != '\r' && c != '\n' && c != '%' && c != '#') {
                memcpy(req, "GET /", 5);
                memset(req + 5, 't', RUN);
                req[5 + k] = (char)c;
                memcpy(req + 5 + RUN, " HTTP/1.1\r\n\r\n", 13);
                expect_at(req, 5 + RUN + 13, scalar,
                          c == 0 ? ZH_E_NUL : is_target_char(c) ? ZH_OK : ZH_E_BAD_TARGET, 5 + k);
            }
            if (c != ':') {
                memcpy(req, "GET / HTTP/1.1\r\n", 16);
                memset(req + 16, 'n', RUN);
                req[16 + k] = (char)c;
                memcpy(req + 16 + RUN, ": v\r\n\r\n", 7);
                zh_err want = c == 0                       ? ZH_E_NUL
                              : is_tchar(c)                ? ZH_OK
                              : (c == ' ' || c == '\t')    ? ZH_E_WS_BEFORE_COLON
                              : (c == '\r' || c == '\n')   ? ZH_E_FIELD_NO_COLON
                                                           : ZH_E_BAD_FIELD_NAME;
                expect_at(req, 16 + RUN + 7, scalar, want, 16 + k);
            }
            {
                memcpy(req, "GET / HTTP/1.1\r\nX: ", 19);
                memset(req + 19, 'v', RUN);
                req[19 + k] = (char)c;
                memcpy(req + 19 + RUN, "\r\n\r\n", 4);
                zh_err want = c == 0                                       ? ZH_E_NUL
                              : c == '\r'                                  ? ZH_E_BARE_CR
                              : c == '\n'                                  ? ZH_E_BARE_LF
                              : (c == '\t' || (c >= 0x20 && c != 0x7f))    ? ZH_OK
                                                                           : ZH_E_BAD_FIELD_VALUE;
                expect_at(req, 19 + RUN + 4, scalar, want, 19 + k);
            }
        }
    }
}
END_TEST

static Suite *request_suite(void)
{
    Suite *s = suite_create("parse_request");
    TCase *tc = tcase_create("table");
    tcase_set_timeout(tc, 120);
    tcase_add_loop_test(tc, request_table, 0, NCASES);
    tcase_add_test(tc, table_size);
    suite_add_tcase(s, tc);
    tc = tcase_create("limits");
    tcase_add_test(tc, outputs_do_not_depend_on_garbage);
    tcase_add_loop_test(tc, field_capacity, 0, 2);
    tcase_add_loop_test(tc, request_line_limit, 0, 2);
    tcase_add_loop_test(tc, field_line_limit, 0, 2);
    tcase_add_loop_test(tc, head_limit, 0, 2);
    tcase_add_test(tc, null_config_is_default);
    tcase_add_loop_test(tc, long_runs, 0, 2);
    tcase_add_loop_test(tc, every_byte_everywhere, 0, 2);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(request_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
