/* Request and response heads: start line and field lines (RFC 9112 §2-§5).
 *
 * Stateless: each call parses from the first byte, so incremental use is "call
 * again with more bytes" and a split input gives exactly the whole-input answer.
 * Limits are positional (a line is too long when its content reaches the limit,
 * whatever follows), which keeps that property for limit errors too. */
#include <string.h>

#include "parse/chars.h"
#include "parse/head.h"
#include "parse/scan.h"

static const zh_parse_config default_config = ZH_PARSE_CONFIG_INIT;

/* What to answer when the bytes ran out at the window's end: the window is capped
 * at max_head, so if the buffer holds more, the head is too large. */
static zh_err out_of_bytes(size_t len, size_t max_head)
{
    return len > max_head ? ZH_E_HEAD_TOO_LARGE : ZH_INCOMPLETE;
}

/* p[i] is CR or LF ending a line. RFC 9112 §2.2: CRLF; a bare CR is always an
 * error; a bare LF only with ZH_LENIENT_BARE_LF. */
static zh_err line_end(const char *p, size_t i, size_t n, size_t len, const zh_parse_config *cfg,
                       size_t *next, size_t *err_at)
{
    if (p[i] == '\r') {
        if (i + 1 >= n)
            return out_of_bytes(len, cfg->limits.max_head);
        if (p[i + 1] != '\n') {
            *err_at = i;
            return ZH_E_BARE_CR;
        }
        *next = i + 2;
        return ZH_OK;
    }
    if (!(cfg->lenient & ZH_LENIENT_BARE_LF)) {
        *err_at = i;
        return ZH_E_BARE_LF;
    }
    *next = i + 1;
    return ZH_OK;
}

/* The error for a byte that stopped a scan where it may not stand. */
static zh_err stray_byte(char c, zh_err otherwise)
{
    if (c == '\0')
        return ZH_E_NUL;
    return otherwise;
}

static size_t min_size(size_t a, size_t b) { return a < b ? a : b; }

/* start + max without wrapping: a limit of SIZE_MAX means "no limit". */
static size_t sat_add(size_t start, size_t max)
{
    return max > SIZE_MAX - start ? SIZE_MAX : start + max;
}

/* HTTP-version = "HTTP/" DIGIT "." DIGIT (RFC 9112 §2.3), at p[i..). Reads at
 * most 8 bytes; ZH_INCOMPLETE with *err_at = n when the window ends first (the
 * caller knows whether that is a limit or a need for more bytes). */
static inline zh_err parse_version(const char *p, size_t i, size_t n, int *minor,
                                   bool *supported, size_t *err_at)
{
    static const char shape[] = "HTTP/0.0";
    if (n - i >= 8) { /* the common case: one 8-byte compare */
        uint64_t v, v11, v10;
        memcpy(&v, p + i, 8);
        memcpy(&v11, "HTTP/1.1", 8);
        memcpy(&v10, "HTTP/1.0", 8);
        if (v == v11 || v == v10) {
            *minor = v == v11;
            *supported = true;
            return ZH_OK;
        }
    }
    for (size_t k = 0; k < 8; k++) {
        if (i + k >= n) {
            *err_at = n;
            return ZH_INCOMPLETE;
        }
        char c = p[i + k];
        bool ok = (shape[k] == '0') ? (c >= '0' && c <= '9') : c == shape[k];
        if (!ok) {
            *err_at = i + k;
            return stray_byte(c, ZH_E_BAD_VERSION);
        }
    }
    *minor = p[i + 7] - '0';
    *supported = p[i + 5] == '1' && (p[i + 7] == '0' || p[i + 7] == '1');
    return ZH_OK;
}

#define FIELD_LINES_FN field_lines_portable
#define FIELD_LINES_ATTR
#define SCAN_VALUE(p, i, n) zh__scan_value_portable(p, i, n)
#define SCAN_TOKEN(p, i, n) zh__scan_table(p, i, n, ZH_CC_TOKEN)
#include "parse/field_lines.inc"
#undef FIELD_LINES_FN
#undef FIELD_LINES_ATTR
#undef SCAN_VALUE
#undef SCAN_TOKEN

#ifdef ZH_SCAN_SIMD
#define FIELD_LINES_FN field_lines_simd
#define FIELD_LINES_ATTR ZH_SIMD_TARGET
#define SCAN_VALUE(p, i, n) zh__scan_value_simd(p, i, n)
#define SCAN_TOKEN(p, i, n) zh__scan_class_simd(p, i, n, zh__token_rows, ZH_CC_TOKEN)
#include "parse/field_lines.inc"
#undef FIELD_LINES_FN
#undef FIELD_LINES_ATTR
#undef SCAN_VALUE
#undef SCAN_TOKEN
#endif

static inline zh_err field_lines(const char *p, size_t pos, size_t n, size_t len,
                                 const zh_parse_config *cfg, bool scalar, zh_field *fields,
                                 size_t cap, size_t *num, size_t *end, size_t *err_at)
{
#ifdef ZH_SCAN_SIMD
    if (!scalar)
        return field_lines_simd(p, pos, n, len, cfg, fields, cap, num, end, err_at);
#endif
    (void)scalar;
    return field_lines_portable(p, pos, n, len, cfg, fields, cap, num, end, err_at);
}

zh_err zh__parse_field_lines(const char *p, size_t pos, size_t n, size_t len,
                             const zh_parse_config *cfg, zh_field *fields, size_t cap,
                             size_t *num, size_t *end, size_t *err_at)
{
    return field_lines(p, pos, n, len, cfg, zh__scan_scalar(cfg->force_scalar), fields, cap,
                       num, end, err_at);
}

zh_err zh_parse_request_head(const char *buf, size_t len, const zh_parse_config *cfg,
                             zh_request_head *h, size_t *consumed)
{
    if (!cfg)
        cfg = &default_config;
    const size_t max_head = cfg->limits.max_head;
    const size_t n = min_size(len, max_head);
    const bool scalar = zh__scan_scalar(cfg->force_scalar);
    size_t pos = 0, err_at = 0;
    zh_err e;

    h->num_fields = 0;
    h->error_offset = 0;

    /* RFC 9112 §2.2: ignore empty lines before the request-line. */
    while (pos < n && (buf[pos] == '\r' || buf[pos] == '\n')) {
        e = line_end(buf, pos, n, len, cfg, &pos, &err_at);
        if (e != ZH_OK)
            goto fail;
    }

    const size_t line = pos;
    const size_t lim = sat_add(line, cfg->limits.max_request_line);
    const size_t ln = min_size(n, sat_add(lim, 1));
#define LINE_OUT(at)                                                                               \
    do {                                                                                           \
        if ((at) > lim) {                                                                          \
            err_at = lim;                                                                          \
            e = ZH_E_REQUEST_LINE_TOO_LONG;                                                        \
        } else {                                                                                   \
            err_at = (at);                                                                         \
            e = out_of_bytes(len, max_head);                                                       \
        }                                                                                          \
        goto fail;                                                                                 \
    } while (0)

    /* method = token SP (§3.1) */
    size_t i = pos;
    while (i < ln && zh__is((unsigned char)buf[i], ZH_CC_TOKEN))
        i++;
    if (i >= ln)
        LINE_OUT(i);
    if (buf[i] != ' ' || i == line) {
        err_at = i;
        e = (buf[i] == '\r' || buf[i] == '\n') && i > line ? ZH_E_BAD_REQUEST_LINE
                                                           : stray_byte(buf[i], ZH_E_BAD_METHOD);
        goto fail;
    }
    h->method = (zh_slice){ buf + line, i - line };

    /* request-target SP (§3.2); each '%' must start "%" HEXDIG HEXDIG */
    size_t t = ++i;
    for (;;) {
        i = zh__scan_target(buf, i, ln, scalar);
        if (i >= ln)
            LINE_OUT(i);
        if ((buf[i] == '[' || buf[i] == ']') && buf[t] != '/') {
            i++; /* an IP-literal host in absolute-form; zh_parse_target checks it */
            continue;
        }
        if (buf[i] != '%')
            break;
        for (size_t k = 1; k <= 2; k++) {
            if (i + k >= ln)
                LINE_OUT(i + k);
            if (!zh__is((unsigned char)buf[i + k], ZH_CC_HEX)) {
                err_at = i;
                e = ZH_E_BAD_PERCENT;
                goto fail;
            }
        }
        i += 3;
    }
    if (buf[i] != ' ' || i == t) {
        err_at = i;
        if (buf[i] == '#')
            e = ZH_E_URI_FRAGMENT;
        else if ((buf[i] == '\r' || buf[i] == '\n') && i > t)
            e = ZH_E_BAD_REQUEST_LINE; /* no version: HTTP/0.9 is not spoken */
        else
            e = stray_byte(buf[i], ZH_E_BAD_TARGET);
        goto fail;
    }
    h->target = (zh_slice){ buf + t, i - t };

    /* HTTP-version CRLF (§2.3) */
    i++;
    bool supported;
    e = parse_version(buf, i, ln, &h->version_minor, &supported, &err_at);
    if (e == ZH_INCOMPLETE)
        LINE_OUT(err_at);
    if (e != ZH_OK)
        goto fail;
    i += 8;
    if (i >= ln)
        LINE_OUT(i);
    if (buf[i] != '\r' && buf[i] != '\n') {
        err_at = i;
        e = stray_byte(buf[i], ZH_E_BAD_VERSION);
        goto fail;
    }
    e = line_end(buf, i, n, len, cfg, &pos, &err_at);
    if (e != ZH_OK)
        goto fail;
#undef LINE_OUT

    /* Only once the line is whole is the version's value an answer: a well-formed
     * line with an unsupported version is 505, not 400 (RFC 9110 §15.6.6). */
    if (!supported) {
        err_at = i - 8;
        e = ZH_E_UNSUPPORTED_VERSION;
        goto fail;
    }

    /* The target's form follows from its first byte and the method (§3.2). The
     * common origin-form was fully checked by the scan above. */
    if (buf[t] == '/' && !(h->method.len == 7 && memcmp(h->method.ptr, "CONNECT", 7) == 0)) {
        h->form = ZH_FORM_ORIGIN;
    } else {
        zh_uri uri;
        e = zh_parse_target(h->target, h->method, &uri);
        if (e != ZH_OK) {
            err_at = t;
            goto fail;
        }
        h->form = uri.form;
    }

    size_t nf = 0;
    e = field_lines(buf, pos, n, len, cfg, scalar, h->fields, h->fields_cap, &nf, consumed,
                    &err_at);
    if (e != ZH_OK)
        goto fail;
    h->num_fields = nf;
    return ZH_OK;

fail:
    if (e == ZH_E_HEAD_TOO_LARGE)
        err_at = max_head;
    h->error_offset = err_at;
    return e;
}

zh_err zh_parse_response_head(const char *buf, size_t len, const zh_parse_config *cfg,
                              zh_response_head *h, size_t *consumed)
{
    if (!cfg)
        cfg = &default_config;
    const size_t max_head = cfg->limits.max_head;
    const size_t n = min_size(len, max_head);
    const size_t lim = cfg->limits.max_request_line;
    const size_t ln = min_size(n, sat_add(lim, 1));
    const bool scalar = zh__scan_scalar(cfg->force_scalar);
    size_t err_at = 0, pos = 0, i;
    bool supported;
    zh_err e;

    h->num_fields = 0;
    h->error_offset = 0;

#define LINE_OUT(at)                                                                               \
    do {                                                                                           \
        if ((at) > lim) {                                                                          \
            err_at = lim;                                                                          \
            e = ZH_E_REQUEST_LINE_TOO_LONG;                                                        \
        } else {                                                                                   \
            err_at = (at);                                                                         \
            e = out_of_bytes(len, max_head);                                                       \
        }                                                                                          \
        goto fail;                                                                                 \
    } while (0)

    /* status-line = HTTP-version SP status-code SP [ reason-phrase ] (§4) */
    e = parse_version(buf, 0, ln, &h->version_minor, &supported, &err_at);
    if (e == ZH_INCOMPLETE)
        LINE_OUT(err_at);
    if (e != ZH_OK)
        goto fail;
    i = 8;
    if (i >= ln)
        LINE_OUT(i);
    if (buf[i] != ' ') {
        err_at = i;
        e = stray_byte(buf[i], ZH_E_BAD_STATUS_LINE);
        goto fail;
    }
    i++;
    int status = 0;
    for (size_t k = 0; k < 3; k++, i++) {
        if (i >= ln)
            LINE_OUT(i);
        if (buf[i] < '0' || buf[i] > '9') {
            err_at = i;
            e = stray_byte(buf[i], ZH_E_BAD_STATUS);
            goto fail;
        }
        status = status * 10 + (buf[i] - '0');
    }
    if (i >= ln)
        LINE_OUT(i);
    if (buf[i] != ' ') {
        err_at = i;
        e = (buf[i] >= '0' && buf[i] <= '9') ? ZH_E_BAD_STATUS
                                            : stray_byte(buf[i], ZH_E_BAD_STATUS_LINE);
        goto fail;
    }
    if (status < 100 || status > 599) { /* RFC 9110 §15 */
        err_at = 9;
        e = ZH_E_BAD_STATUS;
        goto fail;
    }
    size_t r = ++i;
    i = zh__scan_value(buf, i, ln, scalar);
    if (i >= ln)
        LINE_OUT(i);
    if (buf[i] != '\r' && buf[i] != '\n') {
        err_at = i;
        e = stray_byte(buf[i], ZH_E_BAD_REASON);
        goto fail;
    }
    e = line_end(buf, i, n, len, cfg, &pos, &err_at);
    if (e != ZH_OK)
        goto fail;
#undef LINE_OUT
    if (!supported) {
        err_at = 0;
        e = ZH_E_UNSUPPORTED_VERSION;
        goto fail;
    }
    h->status = status;
    h->reason = (zh_slice){ buf + r, i - r };

    size_t nf = 0;
    e = field_lines(buf, pos, n, len, cfg, scalar, h->fields, h->fields_cap, &nf, consumed,
                    &err_at);
    if (e != ZH_OK)
        goto fail;
    h->num_fields = nf;
    return ZH_OK;

fail:
    if (e == ZH_E_HEAD_TOO_LARGE)
        err_at = max_head;
    h->error_offset = err_at;
    return e;
}

zh_err zh_parse_fields(const char *buf, size_t len, const zh_parse_config *cfg, zh_field *fields,
                       size_t fields_cap, size_t *num_fields, size_t *consumed,
                       size_t *error_offset)
{
    if (!cfg)
        cfg = &default_config;
    size_t err_at = 0, nf = 0;
    size_t n = min_size(len, cfg->limits.max_head);
    zh_err e = zh__parse_field_lines(buf, 0, n, len, cfg, fields, fields_cap, &nf, consumed,
                                     &err_at);
    if (e == ZH_E_HEAD_TOO_LARGE)
        err_at = cfg->limits.max_head;
    if (num_fields)
        *num_fields = e == ZH_OK ? nf : 0;
    if (error_offset)
        *error_offset = e == ZH_OK ? 0 : err_at;
    return e;
}
