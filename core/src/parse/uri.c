/* Request-targets and URLs (RFC 9112 §3.2, RFC 3986), Host checks (RFC 9112
 * §3.2), percent-decoding. */
#include <string.h>

#include "base/ascii.h"
#include "parse/chars.h"
#include "zhttp/parse.h"

static const zh_slice method_connect = { "CONNECT", 7 };
static const zh_slice method_options = { "OPTIONS", 7 };

/* Every byte of s[from..to) is a target byte and every '%' starts "%XX".
 * Brackets belong only to an IP-literal host, never to a path or query. */
static zh_err check_chars(const char *s, size_t from, size_t to, bool brackets)
{
    for (size_t i = from; i < to; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '#')
            return ZH_E_URI_FRAGMENT;
        if (!zh__is(c, ZH_CC_TARGET) || (!brackets && (c == '[' || c == ']')))
            return ZH_E_BAD_TARGET;
        if (c == '%') {
            if (i + 2 >= to || !zh__is((unsigned char)s[i + 1], ZH_CC_HEX) ||
                !zh__is((unsigned char)s[i + 2], ZH_CC_HEX))
                return ZH_E_BAD_PERCENT;
            i += 2;
        }
    }
    return ZH_OK;
}

/* path-abempty [ "?" query ] from s[i..n): splits and validates. */
static zh_err split_path_query(zh_slice s, size_t i, zh_uri *out)
{
    const char *q = memchr(s.ptr + i, '?', s.len - i);
    size_t path_end = q ? (size_t)(q - s.ptr) : s.len;
    zh_err e = check_chars(s.ptr, i, s.len, false);
    if (e != ZH_OK)
        return e;
    out->path = (zh_slice){ s.ptr + i, path_end - i };
    out->query = q ? (zh_slice){ q + 1, s.len - path_end - 1 } : (zh_slice){ s.ptr + s.len, 0 };
    return ZH_OK;
}

zh_err zh_parse_authority(zh_slice a, zh_slice *host, uint16_t *port, bool *has_port)
{
    size_t i = 0;
    *has_port = false;
    *port = 0;
    if (a.len == 0)
        return ZH_E_BAD_HOST;
    if (a.ptr[0] == '[') {
        /* IP-literal: IPv6 hex groups, ':' and an optional dotted IPv4 tail */
        i = 1;
        while (i < a.len && (zh__is((unsigned char)a.ptr[i], ZH_CC_HEX) || a.ptr[i] == ':' ||
                             a.ptr[i] == '.'))
            i++;
        if (i >= a.len || a.ptr[i] != ']' || i < 3)
            return ZH_E_BAD_HOST;
        i++;
    } else {
        for (;;) {
            while (i < a.len && zh__is((unsigned char)a.ptr[i], ZH_CC_REGNAME_PLAIN))
                i++;
            if (i == a.len || a.ptr[i] != '%')
                break;
            if (a.len - i < 3 || !zh__is((unsigned char)a.ptr[i + 1], ZH_CC_HEX) ||
                !zh__is((unsigned char)a.ptr[i + 2], ZH_CC_HEX))
                return ZH_E_BAD_HOST; /* reg-name escapes are "%" HEXDIG HEXDIG */
            i += 3;
        }
        if (i == 0)
            return ZH_E_BAD_HOST;
    }
    *host = (zh_slice){ a.ptr, i };
    if (i == a.len)
        return ZH_OK;
    if (a.ptr[i] != ':')
        return ZH_E_BAD_HOST; /* '@' (userinfo), '/', or any other stray byte */
    i++;
    /* userinfo is never accepted (RFC 9110 §4.2.4), "user:pw@host" included */
    if (memchr(a.ptr + i, '@', a.len - i))
        return ZH_E_BAD_HOST;
    if (i == a.len || a.len - i > 5)
        return ZH_E_BAD_PORT;
    uint32_t p = 0;
    for (; i < a.len; i++) {
        if (a.ptr[i] < '0' || a.ptr[i] > '9')
            return ZH_E_BAD_PORT;
        p = p * 10 + (uint32_t)(a.ptr[i] - '0');
    }
    if (p > 65535)
        return ZH_E_BAD_PORT;
    *port = (uint16_t)p;
    *has_port = true;
    return ZH_OK;
}

/* scheme "://" authority path-abempty [ "?" query ] */
static zh_err parse_absolute(zh_slice s, zh_uri *out)
{
    size_t i = 0;
    if (s.len == 0 || !((s.ptr[0] | 0x20) >= 'a' && (s.ptr[0] | 0x20) <= 'z'))
        return ZH_E_BAD_TARGET;
    while (i < s.len && (((s.ptr[i] | 0x20) >= 'a' && (s.ptr[i] | 0x20) <= 'z') ||
                         (s.ptr[i] >= '0' && s.ptr[i] <= '9') || s.ptr[i] == '+' ||
                         s.ptr[i] == '-' || s.ptr[i] == '.'))
        i++;
    if (s.len - i < 3 || memcmp(s.ptr + i, "://", 3) != 0)
        return ZH_E_BAD_TARGET;
    out->scheme = (zh_slice){ s.ptr, i };
    size_t a = i + 3, ae = a;
    while (ae < s.len && s.ptr[ae] != '/' && s.ptr[ae] != '?' && s.ptr[ae] != '#')
        ae++;
    bool has_port;
    zh_err e = zh_parse_authority((zh_slice){ s.ptr + a, ae - a }, &out->host, &out->port,
                                  &has_port);
    if (e != ZH_OK)
        return e;
    if (has_port)
        out->port_text = (zh_slice){ out->host.ptr + out->host.len + 1,
                                     ae - a - out->host.len - 1 };
    out->form = ZH_FORM_ABSOLUTE;
    return split_path_query(s, ae, out);
}

zh_err zh_parse_target(zh_slice target, zh_slice method, zh_uri *out)
{
    memset(out, 0, sizeof *out);
    if (target.len == 0)
        return ZH_E_BAD_TARGET;
    if (memchr(target.ptr, '#', target.len))
        return ZH_E_URI_FRAGMENT;
    zh_err e = check_chars(target.ptr, 0, target.len, true);
    if (e != ZH_OK)
        return e;
    if (zh_slice_eq(method, method_connect)) {
        /* authority-form, and only it (RFC 9112 §3.2.3): host and port */
        if (target.ptr[0] == '/' || target.ptr[0] == '*')
            return ZH_E_BAD_TARGET;
        bool has_port;
        e = zh_parse_authority(target, &out->host, &out->port, &has_port);
        if (e != ZH_OK)
            return e;
        if (!has_port)
            return ZH_E_BAD_PORT; /* authority-form always names the port */
        out->port_text = (zh_slice){ out->host.ptr + out->host.len + 1,
                                     target.len - out->host.len - 1 };
        out->form = ZH_FORM_AUTHORITY;
        return ZH_OK;
    }
    if (target.len == 1 && target.ptr[0] == '*') {
        if (!zh_slice_eq(method, method_options))
            return ZH_E_BAD_TARGET;
        out->form = ZH_FORM_ASTERISK;
        out->path = target;
        return ZH_OK;
    }
    if (target.ptr[0] == '/') {
        out->form = ZH_FORM_ORIGIN;
        return split_path_query(target, 0, out);
    }
    return parse_absolute(target, out);
}

zh_err zh_parse_url(zh_slice url, zh_uri *out)
{
    memset(out, 0, sizeof *out);
    /* A fragment is never sent (RFC 9110 §4.2.1): drop it. */
    const char *hash = url.len ? memchr(url.ptr, '#', url.len) : NULL;
    if (hash)
        url.len = (size_t)(hash - url.ptr);
    zh_err e = parse_absolute(url, out);
    if (e == ZH_E_BAD_TARGET)
        return out->scheme.len ? ZH_E_BAD_TARGET : ZH_E_BAD_SCHEME;
    if (e != ZH_OK)
        return e;
    if (!zh_slice_eq_nocase(out->scheme, (zh_slice){ "http", 4 }))
        return ZH_E_BAD_SCHEME;
    if (out->path.len == 0)
        out->path = (zh_slice){ "/", 1 };
    return ZH_OK;
}

zh_err zh_validate_request(const zh_request_head *head, const zh_parse_config *cfg)
{
    bool lenient = cfg && (cfg->lenient & ZH_LENIENT_HOST);
    const zh_field *host = NULL;
    for (size_t i = 0; i < head->num_fields; i++) {
        const char *n = head->fields[i].name.ptr;
        /* c | 0x20 is the letter only for that letter in either case */
        if (head->fields[i].name.len == 4 && (n[0] | 0x20) == 'h' && (n[1] | 0x20) == 'o' &&
            (n[2] | 0x20) == 's' && (n[3] | 0x20) == 't') {
            if (host)
                return ZH_E_DUPLICATE_HOST;
            host = &head->fields[i];
        }
    }
    if (!host)
        return (head->version_minor >= 1 && !lenient) ? ZH_E_MISSING_HOST : ZH_OK;
    /* An empty Host is what a client sends when the target has no authority
     * (RFC 9110 §7.2). */
    if (host->value.len == 0)
        return ZH_OK;
    zh_slice h;
    uint16_t port;
    bool has_port;
    if (zh_parse_authority(host->value, &h, &port, &has_port) != ZH_OK && !lenient)
        return ZH_E_BAD_HOST;
    return ZH_OK;
}

zh_err zh_percent_decode(const char *in, size_t n, char *out, size_t cap, size_t *out_len)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        char c = in[i];
        if (c == '%') {
            if (n - i < 3)
                return ZH_E_BAD_PERCENT;
            int hi = zh__hexval((unsigned char)in[i + 1]);
            int lo = zh__hexval((unsigned char)in[i + 2]);
            if (hi < 0 || lo < 0)
                return ZH_E_BAD_PERCENT;
            c = (char)(hi << 4 | lo);
            i += 2;
        }
        if (o >= cap)
            return ZH_E_BUFFER_FULL;
        out[o++] = c;
    }
    *out_len = o;
    return ZH_OK;
}
