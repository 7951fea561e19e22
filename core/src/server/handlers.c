/* Ready-made handlers: hello (plaintext benchmark) and echo (what was parsed). */
#include <stdio.h>
#include <string.h>

#include "zhttp/server.h"

static const zh_slice ct_name = ZH_SLICE_LIT("Content-Type");
static const zh_slice ct_plain = ZH_SLICE_LIT("text/plain");

void zh_hello_handler(zh_ctx *ctx)
{
    zh_response *resp = zh_ctx_response(ctx);
    static const char body[] = "Hello, World!";
    /* The response starts empty: add, not set (no search for an old value). */
    (void)zh_headers_add(zh_response_headers(resp), ct_name, ct_plain);
    (void)zh_response_set_body(resp, body, sizeof body - 1);
}

static zh_err put(zh_response *r, const char *s) { return zh_response_append_body(r, s, strlen(s)); }
static zh_err put_slice(zh_response *r, zh_slice s) { return zh_response_append_body(r, s.ptr, s.len); }

void zh_echo_handler(zh_ctx *ctx)
{
    const zh_request *req = zh_ctx_request(ctx);
    zh_response *resp = zh_ctx_response(ctx);
    const zh_headers *h = zh_request_headers_const(req);
    zh_slice body = zh_request_body(req);
    char num[32];
    zh_err e = ZH_OK;
    e = e ? e : put(resp, "method: ");
    e = e ? e : put_slice(resp, zh_request_method(req));
    e = e ? e : put(resp, "\ntarget: ");
    e = e ? e : put_slice(resp, zh_request_target(req));
    e = e ? e : put(resp, zh_request_version(req) == 0 ? "\nversion: HTTP/1.0\n" : "\nversion: HTTP/1.1\n");
    for (size_t i = 0; !e && i < zh_headers_count(h); i++) {
        zh_slice n, v;
        if (!zh_headers_at(h, i, &n, &v))
            break;
        e = e ? e : put(resp, "header: ");
        e = e ? e : put_slice(resp, n);
        e = e ? e : put(resp, ": ");
        e = e ? e : put_slice(resp, v);
        e = e ? e : put(resp, "\n");
    }
    snprintf(num, sizeof num, "%zu", body.len);
    e = e ? e : put(resp, "body-length: ");
    e = e ? e : put(resp, num);
    e = e ? e : put(resp, "\n\n");
    e = e ? e : put_slice(resp, body);
    if (e == ZH_OK)
        e = zh_headers_set(zh_response_headers(resp), ct_name, ct_plain);
    if (e != ZH_OK) {
        (void)zh_response_set_status(resp, 500);
        (void)zh_response_set_body(resp, NULL, 0);
        zh_ctx_close_after(ctx);
    }
}
