/* fuzz/fuzz_uri.c - target "uri": zh_parse_target, zh_parse_url, zh_parse_authority
 * and zh_percent_decode.
 *
 * Input: [selector byte][request-target / URL bytes...]
 *   selector bits 0-2: method (GET, CONNECT, OPTIONS, POST, HEAD, connect, options, PUT)
 * Properties (abort on violation):
 *  - every slice lies inside the input; the parts re-assemble to the target
 *    (origin-form: path ['?' query]); forms obey their methods (RFC 9112 §3.2);
 *    no fragment, CTL or space is ever accepted; a port is its digits' value;
 *  - authority-form agrees with zh_parse_authority; zh_parse_url gives http + '/'-path;
 *  - percent-decoding agrees with a reference decoder (accept/reject and bytes),
 *    in place and out of place, and capacity is exact (one byte less is BUFFER_FULL). */
#include <stdlib.h>
#include <string.h>

#include "fuzz_support.h"

static int hexval(unsigned char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Reference percent-decoder: returns the decoded length or -1 on a bad escape. */
static long ref_decode(const char *in, size_t n, char *out)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        if (in[i] != '%') {
            out[o++] = in[i];
            continue;
        }
        if (i + 2 >= n)
            return -1;
        int hi = hexval((unsigned char)in[i + 1]), lo = hexval((unsigned char)in[i + 2]);
        if (hi < 0 || lo < 0)
            return -1;
        out[o++] = (char)(hi * 16 + lo);
        i += 2;
    }
    return (long)o;
}

static int percent_ok(zh_slice s)
{
    for (size_t i = 0; i < s.len; i++)
        if (s.ptr[i] == '%' && (i + 2 >= s.len || hexval((unsigned char)s.ptr[i + 1]) < 0 ||
                                hexval((unsigned char)s.ptr[i + 2]) < 0))
            return 0;
    return 1;
}

static void check_port(const zh_uri *u)
{
    if (u->port_text.len == 0) {
        FZ_CHECK(u->port == 0);
        return;
    }
    uint32_t v = 0;
    for (size_t i = 0; i < u->port_text.len; i++) {
        unsigned char c = (unsigned char)u->port_text.ptr[i];
        FZ_CHECK(c >= '0' && c <= '9');
        v = v * 10 + (uint32_t)(c - '0');
        FZ_CHECK(v <= 65535);
    }
    FZ_CHECK(u->port == v);
}

static void check_target(zh_slice t, zh_slice method)
{
    zh_uri u;
    memset(&u, 0, sizeof u);
    zh_err rc = zh_parse_target(t, method, &u);
    fz_check_known_error(rc);
    if (rc != ZH_OK) {
        FZ_CHECK(rc == ZH_E_BAD_TARGET || rc == ZH_E_URI_FRAGMENT || rc == ZH_E_BAD_PERCENT ||
                 rc == ZH_E_BAD_PORT || rc == ZH_E_BAD_SCHEME || rc == ZH_E_BAD_HOST);
        return;
    }
    FZ_CHECK(t.len > 0);
    FZ_CHECK(memchr(t.ptr, '#', t.len) == NULL);
    for (size_t i = 0; i < t.len; i++)
        FZ_CHECK((unsigned char)t.ptr[i] > 0x20 && (unsigned char)t.ptr[i] != 0x7f);
    FZ_CHECK(fz_within(u.scheme, t.ptr, t.len) && fz_within(u.host, t.ptr, t.len) &&
             fz_within(u.port_text, t.ptr, t.len) && fz_within(u.path, t.ptr, t.len) &&
             fz_within(u.query, t.ptr, t.len));
    check_port(&u);
    FZ_CHECK(percent_ok(u.path) && percent_ok(u.query));
    FZ_CHECK(percent_ok(u.host) || fz_known("host-percent")); /* RFC 3986 §3.2.2 */
    switch (u.form) {
    case ZH_FORM_ORIGIN:
        FZ_CHECK(u.path.len > 0 && u.path.ptr == t.ptr && t.ptr[0] == '/');
        if (u.path.len < t.len) {
            FZ_CHECK(t.ptr[u.path.len] == '?');
            FZ_CHECK(u.path.len + 1 + u.query.len == t.len);
            FZ_CHECK(memchr(u.path.ptr, '?', u.path.len) == NULL);
        } else {
            FZ_CHECK(u.query.len == 0);
        }
        FZ_CHECK(u.host.len == 0 && u.scheme.len == 0);
        break;
    case ZH_FORM_ASTERISK:
        FZ_CHECK(t.len == 1 && t.ptr[0] == '*');
        FZ_CHECK(zh_slice_eq(method, ZH_SLICE_LIT("OPTIONS")));
        break;
    case ZH_FORM_AUTHORITY: {
        FZ_CHECK(zh_slice_eq(method, ZH_SLICE_LIT("CONNECT")));
        FZ_CHECK(u.host.len > 0 && u.path.len == 0 && u.query.len == 0);
        zh_slice host;
        uint16_t port = 0;
        bool has_port = false;
        FZ_CHECK(zh_parse_authority(t, &host, &port, &has_port) == ZH_OK);
        FZ_CHECK(fz_same_slice(host, t.ptr, u.host, t.ptr));
        FZ_CHECK(has_port == (u.port_text.len > 0));
        FZ_CHECK(port == u.port);
        break;
    }
    case ZH_FORM_ABSOLUTE: {
        FZ_CHECK(u.scheme.len > 0 && u.scheme.ptr == t.ptr);
        FZ_CHECK((t.ptr[0] | 0x20) >= 'a' && (t.ptr[0] | 0x20) <= 'z');
        FZ_CHECK(u.scheme.len + 3 <= t.len && memcmp(t.ptr + u.scheme.len, "://", 3) == 0);
        if (u.path.len > 0)
            FZ_CHECK(u.path.ptr[0] == '/' || u.path.ptr[0] == '*');
        if (u.query.len > 0)
            FZ_CHECK(u.query.ptr[-1] == '?' && u.query.ptr + u.query.len == t.ptr + t.len);
        break;
    }
    default:
        FZ_CHECK(!"form out of range");
    }
}

static void check_url(zh_slice t)
{
    zh_uri u;
    memset(&u, 0, sizeof u);
    zh_err rc = zh_parse_url(t, &u);
    fz_check_known_error(rc);
    if (rc != ZH_OK)
        return;
    FZ_CHECK(zh_slice_eq_nocase(u.scheme, ZH_SLICE_LIT("http")));
    FZ_CHECK(u.host.len > 0 && fz_within(u.host, t.ptr, t.len));
    FZ_CHECK(u.path.len > 0 && u.path.ptr[0] == '/');
    FZ_CHECK(fz_within(u.query, t.ptr, t.len));
    check_port(&u);
    FZ_CHECK(percent_ok(u.host) || fz_known("host-percent"));
    for (size_t i = 0; i < u.host.len; i++)
        FZ_CHECK(u.host.ptr[i] != '@' && u.host.ptr[i] != '/'); /* no userinfo, no path */
}

static void check_percent(const char *in, size_t n)
{
    char *ref = malloc(n + 1), *out = malloc(n + 1);
    FZ_CHECK(ref != NULL && out != NULL);
    long rl = ref_decode(in, n, ref);
    size_t ol = 0;
    zh_err rc = zh_percent_decode(in, n, out, n, &ol);
    if (rl < 0) {
        FZ_CHECK(rc == ZH_E_BAD_PERCENT);
    } else {
        FZ_CHECK(rc == ZH_OK);
        FZ_CHECK(ol == (size_t)rl && memcmp(out, ref, ol) == 0);
        /* in place */
        char *copy = fz_dup(in, n);
        rc = zh_percent_decode(copy, n, copy, n, &ol);
        FZ_CHECK(rc == ZH_OK && ol == (size_t)rl && memcmp(copy, ref, ol) == 0);
        free(copy);
        /* exact capacity suffices, one byte less does not */
        char *exact = malloc((size_t)rl + 1);
        FZ_CHECK(exact != NULL);
        rc = zh_percent_decode(in, n, exact, (size_t)rl, &ol);
        FZ_CHECK(rc == ZH_OK && ol == (size_t)rl);
        if (rl > 0) {
            rc = zh_percent_decode(in, n, exact, (size_t)rl - 1, &ol);
            FZ_CHECK(rc == ZH_E_BUFFER_FULL);
        }
        free(exact);
    }
    free(ref);
    free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const methods[8] = { "GET",  "CONNECT", "OPTIONS", "POST",
                                            "HEAD", "connect", "options", "PUT" };
    fz_input in = { data, size };
    uint8_t sel = fz_take_byte(&in);
    zh_slice method = zh_slice_from_cstr(methods[sel & 7u]);
    zh_slice t = { (const char *)in.p, in.n };

    check_target(t, method);
    check_url(t);
    zh_slice host;
    uint16_t port = 0;
    bool has_port = false;
    if (zh_parse_authority(t, &host, &port, &has_port) == ZH_OK) {
        FZ_CHECK(host.len > 0 && fz_within(host, t.ptr, t.len));
        FZ_CHECK(memchr(t.ptr, '@', t.len) == NULL); /* no userinfo */
        FZ_CHECK(percent_ok(host) || fz_known("host-percent")); /* RFC 3986 §3.2.2 */
        if (!has_port)
            FZ_CHECK(port == 0);
    }
    check_percent(t.ptr, t.len);
    return 0;
}
