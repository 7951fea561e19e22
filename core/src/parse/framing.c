/* The one message-body-length decision (RFC 9112 §6.3) and connection
 * persistence (RFC 9112 §9.3). Everything that frames a body calls this. */
#include <string.h>

#include "base/ascii.h"
#include "parse/chars.h"
#include "zhttp/parse.h"

static const zh_parse_config default_config = ZH_PARSE_CONFIG_INIT;

#define INT63_MAX ((uint64_t)INT64_MAX)

static bool is_ows(char c) { return c == ' ' || c == '\t'; }

static bool name_is(zh_slice name, const char *lower, size_t n)
{
    if (name.len != n)
        return false;
    for (size_t i = 0; i < n; i++)
        if (zh__lower((unsigned char)name.ptr[i]) != (unsigned char)lower[i])
            return false;
    return true;
}

/* Calls fn on each element of a comma-separated list (RFC 9110 §5.6.1), trimmed
 * of OWS; empty elements are skipped as the RFC requires. Stops at the first
 * non-zero answer and returns it. */
typedef int (*list_fn)(zh_slice element, void *ud);

static int for_each_element(zh_slice list, list_fn fn, void *ud)
{
    size_t i = 0;
    while (i <= list.len) {
        size_t s = i;
        while (i < list.len && list.ptr[i] != ',')
            i++;
        size_t e = i;
        while (s < e && is_ows(list.ptr[s]))
            s++;
        while (e > s && is_ows(list.ptr[e - 1]))
            e--;
        if (e > s) {
            int r = fn((zh_slice){ list.ptr + s, e - s }, ud);
            if (r)
                return r;
        }
        i++;
    }
    return 0;
}

/* name equals the n-byte lowercase `lower` ignoring case; `canon` is its usual
 * spelling, tried first with one memcmp. */
static inline bool name_is_canon(zh_slice name, const char *canon, const char *lower, size_t n)
{
    /* lower[0] is a letter: c | 0x20 equals it only for that letter in either case */
    return name.len == n && (name.ptr[0] | 0x20) == lower[0] &&
           (memcmp(name.ptr, canon, n) == 0 || name_is(name, lower, n));
}

struct token_search {
    zh_slice token;
};

static int match_token(zh_slice element, void *ud)
{
    return zh_slice_eq_nocase(element, ((struct token_search *)ud)->token);
}

bool zh_list_has_token(zh_slice list, zh_slice token)
{
    struct token_search s = { token };
    return for_each_element(list, match_token, &s) != 0;
}

const zh_field *zh_fields_find(const zh_field *fields, size_t n, zh_slice name)
{
    for (size_t i = 0; i < n; i++)
        if (zh_slice_eq_nocase(fields[i].name, name))
            return &fields[i];
    return NULL;
}

/* Content-Length = 1*DIGIT (RFC 9110 §8.6); a list of identical values is the
 * same as one. Strict: no sign, no empty element, below 2^63. */
zh_err zh_parse_content_length(zh_slice value, uint64_t *out)
{
    bool have = false;
    uint64_t first = 0;
    size_t i = 0;
    if (value.len == 0)
        return ZH_E_BAD_CONTENT_LENGTH;
    while (i <= value.len) {
        size_t s = i;
        while (i < value.len && value.ptr[i] != ',')
            i++;
        size_t e = i;
        while (s < e && is_ows(value.ptr[s]))
            s++;
        while (e > s && is_ows(value.ptr[e - 1]))
            e--;
        if (s == e)
            return ZH_E_BAD_CONTENT_LENGTH;
        uint64_t v = 0;
        for (size_t k = s; k < e; k++) {
            char c = value.ptr[k];
            if (c < '0' || c > '9')
                return ZH_E_BAD_CONTENT_LENGTH;
            unsigned d = (unsigned)(c - '0');
            if (v > (INT63_MAX - d) / 10)
                return ZH_E_BAD_CONTENT_LENGTH;
            v = v * 10 + d;
        }
        if (have && v != first)
            return ZH_E_CONFLICTING_CONTENT_LENGTH;
        first = v;
        have = true;
        i++;
    }
    *out = first;
    return ZH_OK;
}

/* The transfer codings, across every Transfer-Encoding field in order, form one
 * list (RFC 9110 §5.3). */
struct te_scan {
    size_t count;
    size_t chunked;    /* how many times chunked appears */
    bool chunked_last; /* the last coding is chunked */
    bool other;        /* a coding other than chunked */
    bool malformed;
};

static int scan_coding(zh_slice el, void *ud)
{
    struct te_scan *te = ud;
    /* transfer-coding = token *( OWS ";" OWS transfer-parameter ) (RFC 9112 §7) */
    size_t k = 0;
    while (k < el.len && zh__is((unsigned char)el.ptr[k], ZH_CC_TOKEN))
        k++;
    if (k == 0) {
        te->malformed = true;
        return 1;
    }
    zh_slice name = { el.ptr, k };
    bool params = false;
    while (k < el.len && is_ows(el.ptr[k]))
        k++;
    if (k < el.len) {
        if (el.ptr[k] != ';') {
            te->malformed = true;
            return 1;
        }
        params = true;
    }
    te->count++;
    if (name_is(name, "chunked", 7)) {
        if (params) { /* chunked takes no parameters */
            te->malformed = true;
            return 1;
        }
        te->chunked++;
        te->chunked_last = true;
    } else {
        te->other = true;
        te->chunked_last = false;
    }
    return 0;
}

zh_err zh_decide_framing(const zh_framing_input *in, const zh_parse_config *cfg, zh_framing *out)
{
    if (!cfg)
        cfg = &default_config;
    memset(out, 0, sizeof *out);

    bool has_cl = false, has_te = false, conn_close = false, conn_keep_alive = false;
    uint64_t cl = 0;
    zh_err cl_err = ZH_OK;
    struct te_scan te = { 0 };
    static const zh_slice close_tok = { "close", 5 }, keep_alive_tok = { "keep-alive", 10 };

    for (size_t i = 0; i < in->num_fields; i++) {
        const zh_field *f = &in->fields[i];
        switch (f->name.len) {
        case 14:
            if (name_is_canon(f->name, "Content-Length", "content-length", 14)) {
                uint64_t v = 0;
                zh_err e = zh_parse_content_length(f->value, &v);
                if (e != ZH_OK) {
                    if (cl_err == ZH_OK)
                        cl_err = e;
                } else if (has_cl && v != cl && cl_err == ZH_OK) {
                    cl_err = ZH_E_CONFLICTING_CONTENT_LENGTH;
                }
                cl = v;
                has_cl = true;
            }
            break;
        case 17:
            if (name_is_canon(f->name, "Transfer-Encoding", "transfer-encoding", 17)) {
                has_te = true;
                if (!te.malformed)
                    for_each_element(f->value, scan_coding, &te);
            }
            break;
        case 10:
            if (name_is_canon(f->name, "Connection", "connection", 10)) {
                conn_close |= zh_list_has_token(f->value, close_tok);
                conn_keep_alive |= zh_list_has_token(f->value, keep_alive_tok);
            }
            break;
        case 6:
            if (!in->is_response && name_is(f->name, "expect", 6) &&
                f->value.len == 12 && name_is(f->value, "100-continue", 12))
                out->expect_continue = true;
            break;
        default:
            break;
        }
    }

    /* Persistence (RFC 9112 §9.3): close wins; HTTP/1.0 needs keep-alive. */
    out->must_close = conn_close || (in->version_minor == 0 && !conn_keep_alive);

    if (in->is_response) {
        int s = in->status;
        /* Rule 1: HEAD, 1xx, 204, 304 have no body whatever the fields say. */
        if ((s >= 100 && s < 200) || s == 204 || s == 304 ||
            zh_slice_eq(in->request_method, (zh_slice){ "HEAD", 4 })) {
            out->kind = ZH_BODY_NONE;
            if (s == 101)
                out->must_close = true; /* the connection stops being HTTP/1.1 */
            return ZH_OK;
        }
        /* Rule 2: a 2xx to CONNECT turns the connection into a tunnel. */
        if (s >= 200 && s < 300 && zh_slice_eq(in->request_method, (zh_slice){ "CONNECT", 7 })) {
            out->kind = ZH_BODY_NONE;
            out->must_close = true;
            return ZH_OK;
        }
    }

    if (has_te) {
        /* RFC 9112 §6.1: Transfer-Encoding in HTTP/1.0 means faulty framing. */
        if (in->version_minor == 0)
            return ZH_E_TE_IN_HTTP10;
        if (te.malformed || te.count == 0)
            return ZH_E_BAD_TRANSFER_ENCODING;
        if (te.chunked > 1)
            return ZH_E_CHUNKED_TWICE;
        /* Rule 3: CL with TE smells of smuggling. A request is refused; a response
         * only under the named lenience, and then TE wins and the connection ends. */
        if (has_cl) {
            if (!in->is_response || !(cfg->lenient & ZH_LENIENT_CL_TE_RESPONSE))
                return ZH_E_CL_AND_TE;
            out->must_close = true;
        }
        if (in->is_response) {
            /* Rule 4 (response): chunked last frames it, else read until close. */
            if (te.chunked_last) {
                out->kind = ZH_BODY_CHUNKED;
            } else {
                out->kind = ZH_BODY_UNTIL_CLOSE;
                out->must_close = true;
            }
            return ZH_OK;
        }
        /* Rule 4 (request): without chunked as the final coding the length
         * cannot be known: 400, then close (a MUST, whatever the codings are).
         * With it the message is framed, but zhttp decodes only chunked, and a
         * body still gzip- or foo-coded must not reach a handler as if it were
         * content: 501 (RFC 9112 §6.1). */
        if (!te.chunked_last)
            return ZH_E_CHUNKED_NOT_LAST;
        if (te.other)
            return ZH_E_UNKNOWN_TRANSFER_CODING;
        out->kind = ZH_BODY_CHUNKED;
        return ZH_OK;
    }

    if (has_cl) {
        /* Rule 5: an invalid or conflicting Content-Length is unrecoverable. */
        if (cl_err != ZH_OK)
            return cl_err;
        if (cl > cfg->limits.max_body)
            return ZH_E_BODY_TOO_LARGE;
        out->kind = ZH_BODY_LENGTH;
        out->length = cl;
        return ZH_OK;
    }

    if (in->is_response) {
        /* Rule 8: a response without either is read until the connection closes. */
        out->kind = ZH_BODY_UNTIL_CLOSE;
        out->must_close = true;
    } else {
        out->kind = ZH_BODY_NONE; /* Rule 7 */
    }
    return ZH_OK;
}

zh_err zh_request_framing(const zh_request_head *head, const zh_parse_config *cfg,
                          zh_framing *out)
{
    zh_framing_input in = { false, head->version_minor, 0, { NULL, 0 }, head->fields,
                            head->num_fields };
    return zh_decide_framing(&in, cfg, out);
}

zh_err zh_response_framing(const zh_response_head *head, zh_slice request_method,
                           const zh_parse_config *cfg, zh_framing *out)
{
    zh_framing_input in = { true, head->version_minor, head->status, request_method,
                            head->fields, head->num_fields };
    return zh_decide_framing(&in, cfg, out);
}
