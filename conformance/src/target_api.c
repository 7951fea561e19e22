/* conformance/src/target_api.c - the "api" target: small scripts of msg-layer
 * calls (the fasthttp quirk classes that are about call order, not bytes:
 * method caching, default vs user-set User-Agent, Content-Length vs body) and the
 * wire bytes they produce.
 *
 * A calls: block holds one call per line (escapes decoded, so values may hold
 * any byte except a line break):
 *   method M | target T | version 0|1 | body TEXT | append-body TEXT | no-body
 *   header-set NAME: VALUE | header-add NAME: VALUE | header-del NAME
 *   ua VALUE | host VALUE | close | keep-alive         (zh_msg_defaults for the next serialize)
 *   serialize                   zh_request_serialize; the trace gets the wire bytes
 *   status CODE                 switch to the response object and set its status
 *   resp-header-set/-add NAME: VALUE, resp-body TEXT
 *   resp-serialize METHOD       zh_response_serialize answering METHOD
 *   reset                       zh_request_reset + zh_response_reset (objects reused)
 * Trace: "wire LINE" per CRLF-terminated head line, "wire-body BYTES", and
 * "error CALL ZH_E_..." for a call that failed. */
#include <stdlib.h>
#include <string.h>

#include "conform.h"
#include "zhttp/msg.h"

static void put_wire(cf_buf *t, zh_slice w)
{
    size_t pos = 0;
    while (pos < w.len) {
        const char *s = w.ptr + pos;
        const char *crlf = NULL;
        for (size_t i = pos; i + 1 < w.len; i++) {
            if (w.ptr[i] == '\r' && w.ptr[i + 1] == '\n') {
                crlf = w.ptr + i;
                break;
            }
        }
        if (!crlf) {
            cf_buf_puts(t, "wire-rest ");
            cf_buf_put_escaped(t, s, w.len - pos);
            cf_buf_puts(t, "\n");
            return;
        }
        size_t n = (size_t)(crlf - s);
        pos += n + 2;
        if (n == 0) { /* end of head: the rest is the body */
            cf_buf_puts(t, "wire-end-of-head\n");
            if (pos < w.len) {
                cf_buf_puts(t, "wire-body ");
                cf_buf_put_escaped(t, w.ptr + pos, w.len - pos);
                cf_buf_puts(t, "\n");
            }
            return;
        }
        cf_buf_puts(t, "wire ");
        cf_buf_put_escaped(t, s, n);
        cf_buf_puts(t, "\n");
    }
}

/* Splits "NAME: VALUE". */
static bool split_field(const char *a, size_t n, zh_slice *name, zh_slice *value)
{
    const char *colon = memchr(a, ':', n);
    if (!colon)
        return false;
    name->ptr = a;
    name->len = (size_t)(colon - a);
    const char *v = colon + 1;
    size_t vn = n - name->len - 1;
    if (vn && *v == ' ') {
        v++;
        vn--;
    }
    value->ptr = v;
    value->len = vn;
    return true;
}

static bool word(const char *s, size_t n, const char *w, const char **arg, size_t *argn)
{
    size_t wl = strlen(w);
    if (n == wl && memcmp(s, w, wl) == 0) {
        *arg = s + n;
        *argn = 0;
        return true;
    }
    if (n > wl && memcmp(s, w, wl) == 0 && s[wl] == ' ') {
        *arg = s + wl + 1;
        *argn = n - wl - 1;
        return true;
    }
    return false;
}

void cf_run_api_case(const cf_case *c, cf_buf *t)
{
    zh_request req;
    zh_response resp;
    zh_request_init(&req);
    zh_response_init(&resp);
    zh_msg_defaults d;
    memset(&d, 0, sizeof d);
    char ua[256] = "", host[256] = "";
    zh_buf out;
    zh_buf_init(&out);
    size_t pos = 0, lineno = 0;
    while (pos < c->bytes_len) {
        const char *s = c->bytes + pos;
        const char *nl = memchr(s, '\n', c->bytes_len - pos);
        size_t n = nl ? (size_t)(nl - s) : c->bytes_len - pos;
        pos += n + (nl ? 1 : 0);
        lineno++;
        const char *a;
        size_t an;
        zh_err e = ZH_OK;
        zh_slice name, value;
        const char *call = "?";
        if (word(s, n, "method", &a, &an)) {
            call = "method";
            e = zh_request_set_method(&req, (zh_slice){ a, an });
        } else if (word(s, n, "target", &a, &an)) {
            call = "target";
            e = zh_request_set_target(&req, (zh_slice){ a, an });
        } else if (word(s, n, "version", &a, &an)) {
            call = "version";
            e = zh_request_set_version(&req, an == 1 && a[0] == '0' ? 0 : 1);
        } else if (word(s, n, "body", &a, &an)) {
            call = "body";
            e = zh_request_set_body(&req, a, an);
        } else if (word(s, n, "append-body", &a, &an)) {
            call = "append-body";
            e = zh_request_append_body(&req, a, an);
        } else if (word(s, n, "no-body", &a, &an)) {
            call = "no-body";
            e = zh_request_set_body(&req, "", 0);
        } else if (word(s, n, "header-set", &a, &an) || word(s, n, "header-add", &a, &an)) {
            call = s[7] == 's' ? "header-set" : "header-add";
            if (!split_field(a, an, &name, &value))
                e = ZH_E_INVALID_ARGUMENT;
            else if (s[7] == 's')
                e = zh_headers_set(zh_request_headers(&req), name, value);
            else
                e = zh_headers_add(zh_request_headers(&req), name, value);
        } else if (word(s, n, "header-del", &a, &an)) {
            call = "header-del";
            cf_buf_printf(t, "deleted %zu\n",
                          zh_headers_del(zh_request_headers(&req), (zh_slice){ a, an }));
        } else if (word(s, n, "ua", &a, &an)) {
            call = "ua";
            snprintf(ua, sizeof ua, "%.*s", (int)an, a);
            d.user_agent = zh_slice_from_cstr(ua);
        } else if (word(s, n, "host", &a, &an)) {
            call = "host";
            snprintf(host, sizeof host, "%.*s", (int)an, a);
            d.host = zh_slice_from_cstr(host);
        } else if (word(s, n, "close", &a, &an)) {
            call = "close";
            d.close = true;
        } else if (word(s, n, "keep-alive", &a, &an)) {
            call = "keep-alive";
            d.keep_alive = true;
        } else if (word(s, n, "serialize", &a, &an)) {
            call = "serialize";
            zh_buf_clear(&out);
            e = zh_request_serialize(&req, &d, &out);
            if (e == ZH_OK)
                put_wire(t, zh_buf_slice(&out));
        } else if (word(s, n, "status", &a, &an)) {
            call = "status";
            int st = 0;
            for (size_t i = 0; i < an && i < 4; i++)
                st = st * 10 + (a[i] - '0');
            e = zh_response_set_status(&resp, st);
        } else if (word(s, n, "resp-header-set", &a, &an) ||
                   word(s, n, "resp-header-add", &a, &an)) {
            bool set = s[12] == 's';
            call = set ? "resp-header-set" : "resp-header-add";
            if (!split_field(a, an, &name, &value))
                e = ZH_E_INVALID_ARGUMENT;
            else if (set)
                e = zh_headers_set(zh_response_headers(&resp), name, value);
            else
                e = zh_headers_add(zh_response_headers(&resp), name, value);
        } else if (word(s, n, "resp-body", &a, &an)) {
            call = "resp-body";
            e = zh_response_set_body(&resp, a, an);
        } else if (word(s, n, "resp-serialize", &a, &an)) {
            call = "resp-serialize";
            zh_buf_clear(&out);
            e = zh_response_serialize(&resp, (zh_slice){ a, an }, &d, &out);
            if (e == ZH_OK) {
                put_wire(t, zh_buf_slice(&out));
                cf_buf_printf(t, "wire-close %d\n", zh_response_wire_close(&resp) ? 1 : 0);
            }
        } else if (word(s, n, "reset", &a, &an)) {
            call = "reset";
            zh_request_reset(&req);
            zh_response_reset(&resp);
            memset(&d, 0, sizeof d);
        } else {
            cf_buf_printf(t, "api-script-error line %zu: unknown call\n", lineno);
            break;
        }
        if (e != ZH_OK)
            cf_buf_printf(t, "error %s %s\n", call, zh_error_name(e));
    }
    zh_buf_dispose(&out);
    zh_request_dispose(&req);
    zh_response_dispose(&resp);
}
