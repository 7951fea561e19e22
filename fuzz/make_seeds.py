#!/usr/bin/env python3
"""Writes the hand-made seed files of corpus/<target>/ (seed-*.bin) from the messages
below. Each target's input starts with its configuration bytes (see fuzz/README.md),
so a seed is those bytes + a message. Re-run after editing; fuzzer finds merged by
ci/fuzz --merge live beside the seeds under their SHA-1 names and are not touched.

Usage: fuzz/make_seeds.py [CORPUS_DIR]   (default: corpus/ next to fuzz/)"""
import os
import sys

CRLF = "\r\n"


def msg(*lines, body=""):
    """A message head (CRLF line endings) and body; "Content-Length: AUTO" is filled in."""
    lines = [l.replace("AUTO", str(len(body.encode("latin-1")))) for l in lines]
    return (CRLF.join(lines) + CRLF + CRLF + body).encode("latin-1")


UA = "Mozilla/5.0 (X11; Linux x86_64; rv:109.0) Gecko/20100101 Firefox/115.0"
COOKIE = "; ".join("c%02d=%s" % (i, "v" * 40) for i in range(48))

REQUESTS = {
    "browser-get": msg("GET /index.html?q=zhttp&lang=en HTTP/1.1", "Host: www.example.com",
                       "User-Agent: " + UA,
                       "Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
                       "Accept-Language: en-US,en;q=0.5", "Accept-Encoding: gzip, deflate, br",
                       "Connection: keep-alive", "Upgrade-Insecure-Requests: 1",
                       "Sec-Fetch-Dest: document", "Sec-Fetch-Mode: navigate"),
    "post-form": msg("POST /login HTTP/1.1", "Host: example.com",
                     "Content-Type: application/x-www-form-urlencoded", "Content-Length: AUTO",
                     body="user=alice&pass=s%40cr%C3%A9t"),
    "post-json": msg("POST /api/v1/items HTTP/1.1", "Host: api.example.com:8080",
                     "Content-Type: application/json", "Accept: application/json",
                     "Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.e30.abc", "Content-Length: AUTO",
                     body='{"name":"widget","qty":3,"tags":["a","b"]}'),
    "post-multipart": msg("POST /upload HTTP/1.1", "Host: example.com",
                          "Content-Type: multipart/form-data; boundary=----zh1234",
                          "Content-Length: AUTO",
                          body="------zh1234\r\nContent-Disposition: form-data; name=\"f\"; "
                               "filename=\"a.txt\"\r\nContent-Type: text/plain\r\n\r\nhello\r\n"
                               "------zh1234--\r\n"),
    "post-chunked": msg("POST /stream HTTP/1.1", "Host: example.com",
                        "Transfer-Encoding: chunked", "Trailer: X-Checksum",
                        body="5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\nX-Checksum: 42\r\n\r\n"),
    "big-cookie": msg("GET /account HTTP/1.1", "Host: shop.example.com", "Cookie: " + COOKIE,
                      "Accept: */*"),
    "http10": msg("GET / HTTP/1.0", "User-Agent: curl/7.88.1", "Accept: */*"),
    "http10-keepalive": msg("GET /a HTTP/1.0", "Connection: keep-alive"),
    "options-star": msg("OPTIONS * HTTP/1.1", "Host: example.com"),
    "connect": msg("CONNECT example.com:443 HTTP/1.1", "Host: example.com:443"),
    "absolute": msg("GET http://example.com:8080/p/a%20th?x=1&y= HTTP/1.1", "Host: example.com:8080"),
    "expect": msg("PUT /file HTTP/1.1", "Host: h", "Expect: 100-continue", "Content-Length: 4",
                  body="data"),
    "head": msg("HEAD /big HTTP/1.1", "Host: h", "Connection: close"),
    "ipv6-host": msg("GET / HTTP/1.1", "Host: [::1]:8080"),
    "dup-fields": msg("GET / HTTP/1.1", "Host: h", "Accept: a", "accept: b", "X-Empty:",
                      "X-Tab:\tv\t", "X-Obs: caf\xe9"),
    "leading-crlf": b"\r\n\r\n" + msg("DELETE /item/7 HTTP/1.1", "Host: h"),
    # invalid or lenient-only, so the error paths have seeds too
    "cl-and-te": msg("POST / HTTP/1.1", "Host: h", "Content-Length: 5",
                     "Transfer-Encoding: chunked", body="0\r\n\r\n"),
    "te-gzip": msg("POST / HTTP/1.1", "Host: h", "Transfer-Encoding: gzip, chunked",
                   body="0\r\n\r\n"),
    "te-not-last": msg("POST / HTTP/1.1", "Host: h", "Transfer-Encoding: chunked, gzip"),
    "dup-cl": msg("POST / HTTP/1.1", "Host: h", "Content-Length: 3, 3", "Content-Length: 3",
                  body="abc"),
    "bad-cl": msg("POST / HTTP/1.1", "Host: h", "Content-Length: +3", body="abc"),
    "obs-fold": msg("GET / HTTP/1.1", "Host: h", "X-Long: a", " b"),
    "bare-lf": b"GET / HTTP/1.1\nHost: h\n\n",
    "ws-colon": msg("GET / HTTP/1.1", "Host : h"),
    "no-host": msg("GET / HTTP/1.1", "Accept: */*"),
    "two-hosts": msg("GET / HTTP/1.1", "Host: a", "Host: b"),
    "fragment": msg("GET /p#frag HTTP/1.1", "Host: h"),
    "bad-version": msg("GET / HTTP/1.2", "Host: h"),
    "http2-preface": b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n",
}

RESPONSES = {
    "ok-length": msg("HTTP/1.1 200 OK", "Date: Mon, 23 Nov 2026 07:00:00 GMT", "Server: nginx",
                     "Content-Type: text/html; charset=utf-8", "Content-Length: 13",
                     "Cache-Control: max-age=60", body="<p>hello</p>\n"),
    "chunked": msg("HTTP/1.1 200 OK", "Content-Type: application/json",
                   "Transfer-Encoding: chunked", "Vary: Accept-Encoding",
                   body="7\r\n{\"a\":1}\r\nA;x=\"q\"\r\n,\"b\":[1,2]\r\n1\r\n}\r\n0\r\nServer-Timing: db;dur=3\r\n\r\n"),
    "no-content": msg("HTTP/1.1 204 No Content", "Content-Length: 0"),
    "not-modified": msg("HTTP/1.1 304 Not Modified", "ETag: \"abc\"", "Content-Length: 120"),
    "switching": msg("HTTP/1.1 101 Switching Protocols", "Upgrade: websocket", "Connection: Upgrade"),
    "continue": msg("HTTP/1.1 100 Continue") + msg("HTTP/1.1 201 Created", "Location: /item/8",
                                                     "Content-Length: 2", body="ok"),
    "http10-close": msg("HTTP/1.0 200 OK", "Content-Type: text/plain", body="until close"),
    "redirect": msg("HTTP/1.1 301 Moved Permanently", "Location: https://example.com/",
                    "Content-Length: 0"),
    "cookies": msg("HTTP/1.1 200 OK", "Set-Cookie: a=1; Path=/; HttpOnly",
                   "Set-Cookie: b=2; Secure; SameSite=Lax", "Content-Length: 0"),
    "empty-reason": msg("HTTP/1.1 404 ", "Content-Length: 0"),
    "no-reason": msg("HTTP/1.1 500", "Content-Length: 0"),
    "error-close": msg("HTTP/1.1 503 Service Unavailable", "Connection: close", "Retry-After: 5",
                       "Content-Length: 4", body="busy"),
    "cl-and-te": msg("HTTP/1.1 200 OK", "Content-Length: 10", "Transfer-Encoding: chunked",
                     body="0\r\n\r\n"),
    "te-gzip-only": msg("HTTP/1.1 200 OK", "Transfer-Encoding: gzip", body="\x1f\x8b"),
    "bad-status": msg("HTTP/1.1 20 OK", "Content-Length: 0"),
    "obs-fold": msg("HTTP/1.1 200 OK", "X-A: 1", "\tcontinued", "Content-Length: 0"),
    "bare-lf": b"HTTP/1.1 200 OK\nContent-Length: 2\n\nok",
}

CHUNKED = {
    "simple": b"5\r\nhello\r\n0\r\n\r\n",
    "multi": b"3\r\nabc\r\n1\r\nd\r\nA\r\n0123456789\r\n0\r\n\r\n",
    "upper-hex": b"1F\r\n" + b"x" * 31 + b"\r\n0\r\n\r\n",
    "leading-zeros": b"0005\r\nhello\r\n000\r\n\r\n",
    "extensions": b"5;a=b;c=\"q;\\\"x\"\r\nhello\r\n0;last\r\n\r\n",
    "ext-ws": b"5 ;a = b\r\nhello\r\n0\r\n\r\n",
    "trailers": b"2\r\nhi\r\n0\r\nX-Sum: 1\r\nX-Other: two\r\n\r\n",
    "empty": b"0\r\n\r\n",
    "huge-size": b"ffffffffffffffffff\r\nx\r\n0\r\n\r\n",
    "bad-size": b"5x\r\nhello\r\n0\r\n\r\n",
    "no-crlf-after-data": b"5\r\nhelloX\r\n0\r\n\r\n",
    "bare-lf": b"5\nhello\n0\n\n",
    "truncated": b"a\r\nabc",
    "negative": b"-1\r\nx\r\n0\r\n\r\n",
    "bad-trailer": b"0\r\nBad Name: x\r\n\r\n",
}

# one seed per entry of fuzz/differential_allow.h
DIFF_ALLOWED = {
    "allow-unknown-method": msg("FOO /x HTTP/1.1", "Host: h"),
    "allow-cl-list": msg("POST / HTTP/1.1", "Host: h", "Content-Length: 3, 3", body="abc"),
    "allow-te-name-prefix": msg("POST / HTTP/1.1", "Host: h", "Transfer-Encoding$: chunked",
                                "Content-Length: 0"),
    "allow-host-subdelims": msg("GET http://*.1:80/ HTTP/1.1", "Host: *.1:80"),
    "allow-scheme-digits": msg("GET h2c+x://h/ HTTP/1.1", "Host: h"),
    "allow-cl-htab": msg("POST / HTTP/1.1", "Host: h", "Content-Length:\t2\t", body="ok"),
    "allow-te-empty-element": msg("POST / HTTP/1.1", "Host: h", "Transfer-Encoding: ,chunked, ",
                                  body="0\r\n\r\n"),
    "allow-connection-ows": msg("GET / HTTP/1.1", "Host: h", "Connection: , close  "),
    "allow-connection-later-element": msg("GET / HTTP/1.1", "Host: h", "Connection: close,ce"),
    "allow-connection-obs-text": msg("GET / HTTP/1.0", "Connection: \xff, keep-alive"),
}

URIS = [
    (0, b"/"), (0, b"/index.html?q=1&r=%2F"), (0, b"/a/../b/./c"), (0, b"/p%zz"), (0, b"/p#f"),
    (0, b"http://example.com:8080/p?x"), (0, b"HTTP://Example.COM"), (0, b"http://[::1]:80/"),
    (0, b"http://user@host/"), (0, b"https://h/"), (0, b"http://h:99999/"), (0, b"http://h:/"),
    (1, b"example.com:443"), (1, b"[2001:db8::1]:443"), (1, b"h:0"), (1, b"h"),
    (2, b"*"), (0, b"*"), (3, b"/%41%42%c3%a9+x"), (4, b"//double"), (0, b"/\xff"),
    (0, b"http://127.0.0.1/"), (0, b"ftp://h/"), (0, b"/%"), (0, b"/%4"),
]

# framing: [cfg][selector][status] then fields "<name byte>value\n".
# name bytes: 0 Content-Length, 2 Transfer-Encoding, 4 Connection, 5 Expect, 6 Host,
# 7 raw "Name:value"; selector bit 0 response, bit 1 HTTP/1.1, bits 2-4 method.
FRAMING = {
    "req-cl": bytes([0, 0x02, 0]) + b"\x00" + b"12\n\x06h\n",
    "req-te": bytes([0, 0x02, 0]) + b"\x02chunked\n",
    "req-cl-te": bytes([0, 0x02, 0]) + b"\x00" + b"5\n\x02chunked\n",
    "req-te-10": bytes([0, 0x00, 0]) + b"\x02chunked\n",
    "req-expect": bytes([0, 0x02 | (4 << 2), 0]) + b"\x05100-continue\n\x0012\n",
    "req-dup-cl": bytes([0, 0x02, 0]) + b"\x0012, 12\n\x0812\n",
    "req-bad-cl": bytes([0, 0x02, 0]) + b"\x00" + b"1 2\n",
    "req-big-cl": bytes([0, 0x02, 0]) + b"\x00" + b"99999999999999999999\n",
    "req-close": bytes([0, 0x02, 0]) + b"\x04keep-alive, close\n",
    "req-10-ka": bytes([0, 0x00, 0]) + b"\x04Keep-Alive\n",
    "resp-cl": bytes([0, 0x03, 3]) + b"\x00" + b"100\n",
    "resp-none": bytes([0, 0x03, 3]),
    "resp-te-gzip": bytes([0, 0x03, 3]) + b"\x02gzip\n",
    "resp-cl-te-lenient": bytes([0x04, 0x03, 3]) + b"\x00" + b"5\n\x02chunked\n",
    "resp-head": bytes([0, 0x03 | (1 << 2), 3]) + b"\x00" + b"500\n",
    "resp-304": bytes([0, 0x03, 10]) + b"\x00" + b"500\n",
    "resp-connect": bytes([0, 0x03 | (2 << 2), 3]) + b"\x02chunked\n",
    "resp-raw-status": bytes([0, 0x23, 50]) + b"\x07X-Custom:1\n",
    "resp-chunked-twice": bytes([0, 0x03, 3]) + b"\x02chunked, chunked\n",
    "small-limits": bytes([0x80, 0x02, 0]) + b"\x00" + b"65\n",
}


def write(d, name, data):
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "seed-" + name + ".bin"), "wb") as f:
        f.write(data)


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "corpus")
    for name, m in REQUESTS.items():
        write(os.path.join(root, "request_head"), name, b"\x00\x00" + m)
        write(os.path.join(root, "incremental"), "req-" + name, b"\x00\x00\x00" + m)
        write(os.path.join(root, "incremental"), "reqstream-" + name, b"\x00\x03\x02\x05\x00" + m)
        write(os.path.join(root, "differential"), name, b"\x00" + m)
    # the lenient and small-limit configurations see a few of them too
    for cfg, names in ((0x0f, ("obs-fold", "bare-lf", "no-host", "browser-get")),
                       (0x80, ("browser-get", "big-cookie")), (0xa0, ("post-json",)),
                       (0xc0, ("dup-fields",)), (0x10, ("browser-get",)), (0x60, ("post-chunked",))):
        for n in names:
            write(os.path.join(root, "request_head"), "%s-cfg%02x" % (n, cfg),
                  bytes([cfg, 0]) + REQUESTS[n])
    write(os.path.join(root, "request_head"), "cap1", b"\x00\x02" + REQUESTS["dup-fields"])
    pipelined = REQUESTS["browser-get"] + REQUESTS["post-form"] + REQUESTS["post-chunked"] + \
        REQUESTS["head"]
    write(os.path.join(root, "incremental"), "pipelined", b"\x00\x03\x03\x01\x10\x40" + pipelined)
    write(os.path.join(root, "incremental"), "pipelined-bytewise", b"\x00\x03\x00" + pipelined)
    for name, m in RESPONSES.items():
        write(os.path.join(root, "response_head"), name, b"\x00\x00" + m)
        write(os.path.join(root, "incremental"), "resp-" + name, b"\x00\x01\x00" + m)
        write(os.path.join(root, "incremental"), "respstream-" + name, b"\x00\x04\x01\x03" + m)
    write(os.path.join(root, "response_head"), "head-method", bytes([0, 1 << 3]) + RESPONSES["ok-length"])
    write(os.path.join(root, "response_head"), "connect-method",
          bytes([0, 2 << 3]) + RESPONSES["chunked"])
    write(os.path.join(root, "response_head"), "cl-te-lenient", b"\x04\x00" + RESPONSES["cl-and-te"])
    write(os.path.join(root, "response_head"), "obs-fold-lenient", b"\x02\x00" + RESPONSES["obs-fold"])
    for name, m in DIFF_ALLOWED.items():
        write(os.path.join(root, "differential"), name, b"\x00" + m)
    write(os.path.join(root, "incremental"), "fields", b"\x00\x02\x00Host: h\r\nX-A: b\r\n\r\n")
    for name, m in CHUNKED.items():
        write(os.path.join(root, "chunked"), name, b"\x00\x00" + m)
        write(os.path.join(root, "incremental"), "chunked-" + name, b"\x00\x03\x00" +
              msg("POST / HTTP/1.1", "Host: h", "Transfer-Encoding: chunked") + m)
    write(os.path.join(root, "chunked"), "bare-lf-lenient", b"\x01\x03" + CHUNKED["bare-lf"])
    write(os.path.join(root, "chunked"), "tiny-limits", b"\x80\x05" + CHUNKED["multi"])
    # engine targets: roundtrip [cfg][selector], server [cfg][io], client [cfg][selector]
    for name, m in REQUESTS.items():
        write(os.path.join(root, "roundtrip"), "req-" + name, b"\x00\x00" + m)
        write(os.path.join(root, "server"), name, b"\x00\x00\x00" + m)
    for name, m in RESPONSES.items():
        write(os.path.join(root, "roundtrip"), "resp-" + name, b"\x00\x01" + m)
        write(os.path.join(root, "client"), name, b"\x00\x00" + m)
    write(os.path.join(root, "server"), "pipelined", b"\x00\x00\x00" + pipelined)
    write(os.path.join(root, "server"), "pipelined-short-io", b"\x00\x31\x00" + pipelined)
    write(os.path.join(root, "server"), "pipelined-then-bad", b"\x00\x02\x00" + pipelined +
          REQUESTS["cl-and-te"] + REQUESTS["browser-get"])
    write(os.path.join(root, "server"), "expect-then-get", b"\x00\x00\x00" + REQUESTS["expect"] +
          REQUESTS["head"])
    write(os.path.join(root, "server"), "slow-head-timeout", b"\x00\x01\x19" + REQUESTS["browser-get"])
    write(os.path.join(root, "server"), "stop-mid-pipeline", b"\x00\x05\x02" + pipelined)
    write(os.path.join(root, "server"), "small-buffers-big-cookie", b"\x00\x00\x04" + REQUESTS["big-cookie"]
          + REQUESTS["post-json"])
    write(os.path.join(root, "server"), "idle-timeout", b"\x00\x00\x19" + REQUESTS["http10-keepalive"])
    # server mode bits 5-7: streaming handler, max_conns 1 + a refused second
    # connection, Connection: close from the handler; and paths the modes above miss
    write(os.path.join(root, "server"), "stream-pipelined", b"\x00\x00\x20" + pipelined)
    write(os.path.join(root, "server"), "stream-head-close", b"\x00\x00\xa0" + REQUESTS["post-json"]
          + REQUESTS["head"])
    write(os.path.join(root, "server"), "close-after-pipelined", b"\x00\x03\x80" + pipelined)
    write(os.path.join(root, "server"), "max-conns-stop", b"\x00\x00\x42" + pipelined)
    write(os.path.join(root, "server"), "stream-small-buffers", b"\x00\x00\x24" + pipelined * 3)
    write(os.path.join(root, "server"), "expect-unknown", b"\x00\x00\x00" +
          msg("PUT /f HTTP/1.1", "Host: h", "Expect: something-else", "Content-Length: 2", body="ab"))
    write(os.path.join(root, "server"), "expect-head-only-timeout", b"\x00\x01\x19" +
          msg("PUT /f HTTP/1.1", "Host: h", "Expect: 100-continue", "Content-Length: 4"))
    write(os.path.join(root, "server"), "tiny-limits-long-target", b"\x80\x00\x00" +
          msg("GET /" + "a" * 200 + " HTTP/1.1", "Host: h"))
    write(os.path.join(root, "server"), "tiny-limits-big-head", b"\x80\x00\x04" +
          msg("GET / HTTP/1.1", "Host: h", "X-A: " + "b" * 20, "X-B: " + "c" * 20, "X-C: d",
              "X-D: e", "X-E: f"))
    write(os.path.join(root, "server"), "tiny-limits-big-body", b"\x80\x00\x00" +
          msg("POST / HTTP/1.1", "Host: h", "Content-Length: AUTO", body="z" * 100))
    write(os.path.join(root, "server"), "small-buffers-head-over-limit", b"\xa0\x00\x04" +
          REQUESTS["big-cookie"])
    write(os.path.join(root, "server"), "stop-idle-grace", b"\x00\x01\x0a" + REQUESTS["browser-get"]
          + b"GET /unfinished HTTP/1.1\r\nHost: h\r\n")
    write(os.path.join(root, "server"), "write-timeout-one-byte-pipe", b"\x00\x01\x19" +
          pipelined * 4)
    # server extended options: traffic starting "\xffZ" + options byte
    write(os.path.join(root, "server"), "opt-stall-reader", b"\x00\x00\x00\xffZ\x01" + pipelined * 2)
    write(os.path.join(root, "server"), "opt-stall-write-timeout", b"\x00\x00\x19\xffZ\x01" +
          pipelined * 4)
    write(os.path.join(root, "server"), "opt-pool-debug-no-server-name", b"\x00\x00\x00\xffZ\x06" +
          pipelined)
    write(os.path.join(root, "server"), "opt-pool-debug-max-conns", b"\x00\x00\x42\xffZ\x02" +
          REQUESTS["browser-get"])
    write(os.path.join(root, "server"), "opt-unsendable", b"\x00\x00\x00\xffZ\x08" + REQUESTS["expect"]
          + REQUESTS["browser-get"])
    write(os.path.join(root, "server"), "opt-tiny-pipe-stream", b"\x00\x00\x20\xffZ\x10" + pipelined * 3)
    write(os.path.join(root, "server"), "opt-tiny-pipe-small-buffers", b"\x00\x00\x04\xffZ\x10" +
          pipelined * 6)
    # "\xffB" + a byte: hello handler, default clock, a Server name cut at its limit
    write(os.path.join(root, "server"), "optb-hello-pipelined", b"\x00\x00\x00\xffB\x01" + pipelined)
    write(os.path.join(root, "server"), "optb-hello-monotonic-long-name", b"\x00\x00\x00\xffZ\x00\xffB\x07" +
          pipelined + REQUESTS["head"])
    write(os.path.join(root, "server"), "optb-monotonic-long-name", b"\x00\x00\x40\xffB\x06" + pipelined)
    # zh_server_stop with an unfinished request: the grace period runs out (clock on)
    for m in (0x03, 0x0b, 0x13, 0x1b, 0x8b, 0x2b):
        write(os.path.join(root, "server"), "stop-grace-expires-%02x" % m, bytes([0, 0, m]) +
              REQUESTS["browser-get"] + b"POST /slow HTTP/1.1\r\nHost: h\r\nContent-Length: 9\r\n\r\nabc")
    # server options bits 5-7: the n-th allocation fails (with pool debug: bit 1)
    for n in range(1, 8):
        write(os.path.join(root, "server"), "opt-fail-alloc-%d-pool-debug" % n,
              b"\x00\x00\x00\xffZ" + bytes([n << 5 | 2]) + pipelined)
        write(os.path.join(root, "server"), "opt-fail-alloc-%d-stream-expect" % n,
              b"\x00\x00\x20\xffZ" + bytes([n << 5 | 2]) + REQUESTS["expect"] + REQUESTS["big-cookie"])
        write(os.path.join(root, "server"), "opt-fail-alloc-%d-small-buffers" % n,
              b"\x00\x02\x04\xffZ" + bytes([n << 5]) + REQUESTS["big-cookie"] + pipelined)
    write(os.path.join(root, "client"), "keepalive-two", b"\x00\x00" + RESPONSES["ok-length"] +
          RESPONSES["chunked"])
    write(os.path.join(root, "client"), "keepalive-continue-then-close", b"\x00\x10" +
          RESPONSES["redirect"] + RESPONSES["continue"] + RESPONSES["error-close"])
    write(os.path.join(root, "client"), "chunked-short-io", b"\x00\x08" + RESPONSES["chunked"])
    write(os.path.join(root, "client"), "head-method", b"\x00\x01" + RESPONSES["ok-length"])
    write(os.path.join(root, "client"), "truncated-length", b"\x00\x00" + RESPONSES["ok-length"][:-3])
    write(os.path.join(root, "client"), "truncated-chunked", b"\x00\x00" + RESPONSES["chunked"][:-4])
    # client extended options: server bytes starting "\xffZ" + options byte
    ka = RESPONSES["ok-length"] + RESPONSES["chunked"] + RESPONSES["no-content"] + \
        RESPONSES["continue"] + RESPONSES["cookies"] + RESPONSES["redirect"]
    write(os.path.join(root, "client"), "opt-stream-body-post", b"\x00\x02\xffZ\x01" + RESPONSES["ok-length"])
    write(os.path.join(root, "client"), "opt-stream-body-put-tiny-pipe", b"\x00\x03\xffZ\x03" +
          RESPONSES["chunked"])
    write(os.path.join(root, "client"), "opt-server-closes-first", b"\x00\x00\xffZ\x04" + ka)
    write(os.path.join(root, "client"), "opt-server-closes-first-short-io", b"\x00\x08\xffZ\x24" + ka)
    write(os.path.join(root, "client"), "opt-bad-user-agent", b"\x00\x00\xffZ\x08" + RESPONSES["ok-length"])
    write(os.path.join(root, "client"), "opt-six-requests", b"\x00\x00\xffZ\x10" + ka)
    write(os.path.join(root, "client"), "opt-six-requests-release", b"\x00\x05\xffZ\x30" + ka)
    write(os.path.join(root, "client"), "opt-evict-other-host", b"\x00\x00\xffZ\x50" + ka)
    write(os.path.join(root, "client"), "opt-six-then-close", b"\x00\x00\xffZ\x14" +
          RESPONSES["ok-length"] + RESPONSES["chunked"] + RESPONSES["error-close"])
    write(os.path.join(root, "client"), "opt-tiny-head-limit", b"\x80\x00\xffZ\x10" + ka)
    write(os.path.join(root, "client"), "opt-server-closes-idle", b"\x00\x80\xffZ\x04" + ka)
    write(os.path.join(root, "client"), "opt-rude-tiny-pipe", b"\x00\x02\xffZ\x83" + RESPONSES["error-close"])
    write(os.path.join(root, "client"), "opt-rude-keepalive", b"\x00\x80\xffZ\x90" + ka)
    # "\xffA" + n after the options: the n-th allocation of the first request fails
    for n in range(1, 9):
        write(os.path.join(root, "client"), "fail-alloc-%d" % n, b"\x00\x00\xffZ\x00\xffA" + bytes([n]) + ka)
        write(os.path.join(root, "client"), "fail-alloc-%d-sticky-chunked" % n,
              b"\x00\x00\xffZ\x10\xffA" + bytes([n | 16]) + RESPONSES["chunked"] + ka)
    write(os.path.join(root, "client"), "fail-alloc-1-evict", b"\x00\x00\xffZ\x50\xffA\x01" + ka)
    write(os.path.join(root, "client"), "opt-all", b"\x00\x0b\xffZ\x77" + ka)
    write(os.path.join(root, "roundtrip"), "resp-head", b"\x00\x03" + RESPONSES["ok-length"])
    for i, (sel, t) in enumerate(URIS):
        write(os.path.join(root, "uri"), "%02d" % i, bytes([sel]) + t)
    for name, m in FRAMING.items():
        write(os.path.join(root, "framing"), name, m)


if __name__ == "__main__":
    main()
