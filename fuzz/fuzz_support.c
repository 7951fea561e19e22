/* fuzz/fuzz_support.c - configuration, property checks and comparisons shared by
 * the fuzz targets. Each check states the contract of parse.h it enforces. */
#include "fuzz_support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void fz_fail(const char *file, int line, const char *what)
{
    fprintf(stderr, "zhttp fuzz property violated at %s:%d: %s\n", file, line, what);
    fflush(stderr);
    abort();
}

uint8_t fz_take_byte(fz_input *in)
{
    if (in->n == 0)
        return 0;
    uint8_t b = in->p[0];
    in->p++;
    in->n--;
    return b;
}

int fz_known(const char *tag)
{
    static const char *known;
    static int loaded;
    if (!loaded) {
        known = getenv("ZH_FUZZ_KNOWN");
        loaded = 1;
    }
    if (known == NULL)
        return 0;
    size_t n = strlen(tag);
    for (const char *p = known; (p = strstr(p, tag)) != NULL; p += n)
        if ((p == known || p[-1] == ',') && (p[n] == '\0' || p[n] == ','))
            return 1;
    return 0;
}

int fz_verbose(void)
{
    static int v = -1;
    if (v < 0)
        v = getenv("ZH_FUZZ_VERBOSE") != NULL;
    return v;
}

zh_parse_config fz_config(uint8_t b)
{
    zh_parse_config c = ZH_PARSE_CONFIG_DEFAULT;
    c.lenient = b & 0x0fu;
    c.force_scalar = (b & 0x10u) != 0;
    switch (b >> 5) {
    case 4: /* tiny: every limit is reachable with a short input */
        c.limits = (zh_limits){ 32, 32, 128, 4, 64, 16 };
        break;
    case 5: /* small */
        c.limits = (zh_limits){ 256, 128, 512, 8, 1024, 256 };
        break;
    case 6: /* zero counts: no field, no body byte, no chunk byte allowed */
        c.limits.max_fields = fz_known("zero-fields") ? 1 : 0;
        c.limits.max_body = 0;
        c.limits.max_chunk_size = 0;
        break;
    case 7: /* unbounded: overflow handling is the parser's own */
        if (fz_known("size-max"))
            break;
        c.limits = (zh_limits){ SIZE_MAX, SIZE_MAX, SIZE_MAX, SIZE_MAX, UINT64_MAX, UINT64_MAX };
        break;
    default:
        break;
    }
    return c;
}

size_t fz_fields_cap(uint8_t b)
{
    static const size_t caps[8] = { 128, 0, 1, 3, 7, 16, 100, 101 };
    return caps[b & 7u];
}

zh_parse_config fz_all_lenient(zh_parse_config c)
{
    c.lenient = ZH_LENIENT_BARE_LF | ZH_LENIENT_OBS_FOLD | ZH_LENIENT_CL_TE_RESPONSE |
                ZH_LENIENT_HOST;
    return c;
}

zh_parse_config fz_flip_scalar(zh_parse_config c)
{
    c.force_scalar = !c.force_scalar;
    return c;
}

int fz_within(zh_slice s, const void *buf, size_t len)
{
    const char *b = buf;
    if (s.len == 0)
        return 1; /* an empty slice carries no bytes; its pointer is not read */
    if (s.ptr == NULL || s.ptr < b)
        return 0;
    size_t off = (size_t)(s.ptr - b);
    return off <= len && s.len <= len - off;
}

int fz_is_tchar(unsigned char c)
{
    if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
        return 1;
    return c != 0 && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

void fz_check_known_error(zh_err err)
{
    zh_err back;
    FZ_CHECK(zh_error_from_name(zh_error_name(err), &back));
    FZ_CHECK(back == err);
}

static int is_ows(unsigned char c) { return c == ' ' || c == '\t'; }

void fz_check_fields(const zh_field *f, size_t n, const char *buf, size_t len,
                     const zh_parse_config *cfg)
{
    int fold = (cfg->lenient & ZH_LENIENT_OBS_FOLD) != 0;
    for (size_t i = 0; i < n; i++) {
        zh_slice nm = f[i].name, v = f[i].value;
        FZ_CHECK(nm.len > 0);
        FZ_CHECK(fz_within(nm, buf, len));
        FZ_CHECK(fz_within(v, buf, len));
        for (size_t k = 0; k < nm.len; k++)
            FZ_CHECK(fz_is_tchar((unsigned char)nm.ptr[k]));
        /* the value follows its name in the buffer */
        FZ_CHECK(v.len == 0 || v.ptr > nm.ptr + nm.len);
        /* a field line never exceeds its limit: name ':' value at least (with
         * obs-fold a value may span several lines, each under the limit) */
        if (!fold)
            FZ_CHECK(nm.len + 1 + v.len <= cfg->limits.max_field_line);
        if (v.len > 0) {
            FZ_CHECK(!is_ows((unsigned char)v.ptr[0]));
            FZ_CHECK(!is_ows((unsigned char)v.ptr[v.len - 1]));
        }
        for (size_t k = 0; k < v.len; k++) {
            unsigned char c = (unsigned char)v.ptr[k];
            FZ_CHECK(c != 0);
            FZ_CHECK(c != 0x7f);
            if (c == '\r' || c == '\n') {
                /* only inside an obs-fold, which only the lenient flag admits */
                FZ_CHECK(fold);
                continue;
            }
            FZ_CHECK(c >= 0x20 || c == '\t');
        }
        /* zh_fields_find answers the first field of that name */
        const zh_field *first = zh_fields_find(f, n, nm);
        FZ_CHECK(first != NULL && first <= &f[i]);
        FZ_CHECK(zh_slice_eq_nocase(first->name, nm));
        for (const zh_field *p = f; p < first; p++)
            FZ_CHECK(!zh_slice_eq_nocase(p->name, nm));
    }
}

/* Bytes of empty lines (CRLF, or LF when lenient) before the start line. */
static size_t leading_empty_lines(const char *buf, size_t len, const zh_parse_config *cfg)
{
    size_t i = 0;
    for (;;) {
        if (i + 1 < len && buf[i] == '\r' && buf[i + 1] == '\n')
            i += 2;
        else if (i < len && buf[i] == '\n' && (cfg->lenient & ZH_LENIENT_BARE_LF))
            i += 1;
        else
            return i;
    }
}

static void check_head_common(const char *buf, size_t len, size_t consumed,
                              const zh_parse_config *cfg, size_t num_fields, size_t fields_cap)
{
    FZ_CHECK(consumed > 0 && consumed <= len);
    FZ_CHECK(buf[consumed - 1] == '\n');
    size_t lead = leading_empty_lines(buf, consumed, cfg);
    FZ_CHECK(lead < consumed);
    FZ_CHECK(consumed - lead <= cfg->limits.max_head);
    FZ_CHECK(num_fields <= fields_cap);
    FZ_CHECK(num_fields <= cfg->limits.max_fields);
    for (size_t i = 0; i < consumed; i++)
        FZ_CHECK(buf[i] != 0); /* NUL is never part of an accepted head */
}

void fz_check_request_ok(const zh_request_head *h, const char *buf, size_t len, size_t consumed,
                         const zh_parse_config *cfg)
{
    check_head_common(buf, len, consumed, cfg, h->num_fields, h->fields_cap);
    FZ_CHECK(h->version_minor == 0 || h->version_minor == 1);
    FZ_CHECK(h->method.len > 0 && fz_within(h->method, buf, consumed));
    for (size_t i = 0; i < h->method.len; i++)
        FZ_CHECK(fz_is_tchar((unsigned char)h->method.ptr[i]));
    FZ_CHECK(h->target.len > 0 && fz_within(h->target, buf, consumed));
    FZ_CHECK(h->target.ptr > h->method.ptr);
    for (size_t i = 0; i < h->target.len; i++) {
        unsigned char c = (unsigned char)h->target.ptr[i];
        FZ_CHECK(c > 0x20 && c != 0x7f);
    }
    /* method SP target SP HTTP/1.x fits the request-line limit */
    FZ_CHECK(h->method.len + h->target.len + 10 <= cfg->limits.max_request_line);
    switch (h->form) {
    case ZH_FORM_ORIGIN:
        FZ_CHECK(h->target.ptr[0] == '/');
        break;
    case ZH_FORM_ASTERISK:
        FZ_CHECK(h->target.len == 1 && h->target.ptr[0] == '*');
        FZ_CHECK(zh_slice_eq(h->method, ZH_SLICE_LIT("OPTIONS")));
        break;
    case ZH_FORM_AUTHORITY:
        FZ_CHECK(zh_slice_eq(h->method, ZH_SLICE_LIT("CONNECT")));
        break;
    case ZH_FORM_ABSOLUTE:
        FZ_CHECK(memchr(h->target.ptr, ':', h->target.len) != NULL);
        break;
    default:
        FZ_CHECK(!"request form out of range");
    }
    /* the head parser and the target parser agree on the form */
    zh_uri u;
    if (zh_parse_target(h->target, h->method, &u) == ZH_OK)
        FZ_CHECK(u.form == h->form);
    fz_check_fields(h->fields, h->num_fields, buf, consumed, cfg);
}

void fz_check_response_ok(const zh_response_head *h, const char *buf, size_t len, size_t consumed,
                          const zh_parse_config *cfg)
{
    check_head_common(buf, len, consumed, cfg, h->num_fields, h->fields_cap);
    FZ_CHECK(h->version_minor == 0 || h->version_minor == 1);
    FZ_CHECK(h->status >= 100 && h->status <= 599);
    FZ_CHECK(fz_within(h->reason, buf, consumed));
    for (size_t i = 0; i < h->reason.len; i++) {
        unsigned char c = (unsigned char)h->reason.ptr[i];
        FZ_CHECK(c == '\t' || (c >= 0x20 && c != 0x7f));
    }
    /* HTTP/1.x SP 3DIGIT SP reason fits the status-line limit */
    FZ_CHECK(12 + h->reason.len <= cfg->limits.max_request_line);
    fz_check_fields(h->fields, h->num_fields, buf, consumed, cfg);
}

/* ---------------------------------------------------------------- framing */

static int name_is(const zh_field *f, const char *name)
{
    return zh_slice_eq_nocase(f->name, zh_slice_from_cstr(name));
}

static size_t count_named(const zh_framing_input *in, const char *name)
{
    size_t n = 0;
    for (size_t i = 0; i < in->num_fields; i++)
        n += (size_t)name_is(&in->fields[i], name);
    return n;
}

static int any_has_token(const zh_framing_input *in, const char *name, const char *token)
{
    for (size_t i = 0; i < in->num_fields; i++)
        if (name_is(&in->fields[i], name) &&
            zh_list_has_token(in->fields[i].value, zh_slice_from_cstr(token)))
            return 1;
    return 0;
}

/* The last transfer coding of the combined Transfer-Encoding list is "chunked"
 * (RFC 9112 §6.1): the last non-empty list element, trimmed. */
static int te_last_is_chunked(const zh_framing_input *in)
{
    zh_slice last = { "", 0 };
    for (size_t i = 0; i < in->num_fields; i++) {
        if (!name_is(&in->fields[i], "transfer-encoding"))
            continue;
        zh_slice v = in->fields[i].value;
        size_t start = 0;
        for (size_t k = 0; k <= v.len; k++) {
            if (k == v.len || v.ptr[k] == ',') {
                size_t a = start, b = k;
                while (a < b && is_ows((unsigned char)v.ptr[a]))
                    a++;
                while (b > a && is_ows((unsigned char)v.ptr[b - 1]))
                    b--;
                if (b > a)
                    last = (zh_slice){ v.ptr + a, b - a };
                start = k + 1;
            }
        }
    }
    return zh_slice_eq_nocase(last, ZH_SLICE_LIT("chunked"));
}

static int response_has_no_body(const zh_framing_input *in)
{
    if (!in->is_response)
        return 0;
    if (zh_slice_eq(in->request_method, ZH_SLICE_LIT("HEAD")))
        return 1;
    if ((in->status >= 100 && in->status < 200) || in->status == 204 || in->status == 304)
        return 1;
    return zh_slice_eq(in->request_method, ZH_SLICE_LIT("CONNECT")) && in->status >= 200 &&
           in->status < 300;
}

void fz_check_framing(const zh_framing_input *in, const zh_parse_config *cfg, zh_err rc,
                      const zh_framing *out)
{
    fz_check_known_error(rc);
    FZ_CHECK(rc != ZH_INCOMPLETE);
    size_t ncl = count_named(in, "content-length");
    size_t nte = count_named(in, "transfer-encoding");
    int no_body = response_has_no_body(in);

    if (rc != ZH_OK) {
        /* a failed decision is a framing error, nothing else */
        FZ_CHECK(rc == ZH_E_BAD_CONTENT_LENGTH || rc == ZH_E_CONFLICTING_CONTENT_LENGTH ||
                 rc == ZH_E_CL_AND_TE || rc == ZH_E_BAD_TRANSFER_ENCODING ||
                 rc == ZH_E_CHUNKED_NOT_LAST || rc == ZH_E_CHUNKED_TWICE ||
                 rc == ZH_E_UNKNOWN_TRANSFER_CODING || rc == ZH_E_TE_IN_HTTP10 ||
                 rc == ZH_E_BODY_TOO_LARGE || rc == ZH_E_EXPECTATION_FAILED ||
                 rc == ZH_E_INVALID_ARGUMENT);
        /* nothing to object to without CL or TE (an Expect aside) */
        FZ_CHECK(ncl > 0 || nte > 0 || rc == ZH_E_EXPECTATION_FAILED ||
                 rc == ZH_E_INVALID_ARGUMENT);
        return;
    }

    FZ_CHECK(out->kind == ZH_BODY_NONE || out->kind == ZH_BODY_LENGTH ||
             out->kind == ZH_BODY_CHUNKED || out->kind == ZH_BODY_UNTIL_CLOSE);
    /* §6.3 rule 1-2: these responses never have a body */
    if (no_body)
        FZ_CHECK(out->kind == ZH_BODY_NONE);
    /* a request body is never delimited by close (§6.3 rule 7) */
    if (!in->is_response)
        FZ_CHECK(out->kind != ZH_BODY_UNTIL_CLOSE);
    if (out->kind == ZH_BODY_UNTIL_CLOSE)
        FZ_CHECK(out->must_close);
    if (out->kind == ZH_BODY_LENGTH) {
        FZ_CHECK(ncl > 0);
        FZ_CHECK(nte == 0); /* CL+TE: refused, or TE wins */
        FZ_CHECK(out->length <= cfg->limits.max_body);
        FZ_CHECK(out->length < (UINT64_C(1) << 63));
        for (size_t i = 0; i < in->num_fields; i++) {
            uint64_t v = 0;
            if (!name_is(&in->fields[i], "content-length"))
                continue;
            FZ_CHECK(zh_parse_content_length(in->fields[i].value, &v) == ZH_OK);
            FZ_CHECK(v == out->length); /* duplicates agree with the decision */
        }
    }
    if (out->kind == ZH_BODY_CHUNKED) {
        FZ_CHECK(nte > 0);
        FZ_CHECK(te_last_is_chunked(in));
    }
    /* CL and TE together: a request is refused; a response (lenient) closes */
    if (ncl > 0 && nte > 0) {
        FZ_CHECK(in->is_response);
        FZ_CHECK(out->kind != ZH_BODY_LENGTH);
        FZ_CHECK(out->must_close || no_body);
        if (!no_body)
            FZ_CHECK(cfg->lenient & ZH_LENIENT_CL_TE_RESPONSE);
    }
    if (!in->is_response && nte > 0) {
        FZ_CHECK(in->version_minor != 0);       /* TE in HTTP/1.0 is refused */
        FZ_CHECK(out->kind == ZH_BODY_CHUNKED); /* chunked last or refused (§6.3 rule 4) */
    }
    if (!in->is_response && ncl == 0 && nte == 0)
        FZ_CHECK(out->kind == ZH_BODY_NONE);
    if (in->is_response && !no_body && ncl == 0 && nte == 0)
        FZ_CHECK(out->kind == ZH_BODY_UNTIL_CLOSE);
    if (in->is_response && !no_body && nte > 0 && !te_last_is_chunked(in))
        FZ_CHECK(out->kind == ZH_BODY_UNTIL_CLOSE);
    /* persistence (RFC 9112 §9.3) */
    if (any_has_token(in, "connection", "close"))
        FZ_CHECK(out->must_close);
    if (in->version_minor == 0 && !any_has_token(in, "connection", "keep-alive"))
        FZ_CHECK(out->must_close);
    if (out->expect_continue) {
        FZ_CHECK(!in->is_response);
        FZ_CHECK(count_named(in, "expect") > 0);
    }
}

static int same_framing(zh_err ra, const zh_framing *a, zh_err rb, const zh_framing *b)
{
    if (ra != rb)
        return 0;
    if (ra != ZH_OK)
        return 1;
    return a->kind == b->kind && a->must_close == b->must_close &&
           a->expect_continue == b->expect_continue &&
           (a->kind != ZH_BODY_LENGTH || a->length == b->length);
}

zh_err fz_request_framing_checked(const zh_request_head *h, const zh_parse_config *cfg,
                                  zh_framing *out)
{
    zh_framing a = { 0 }, b = { 0 };
    zh_err ra = zh_request_framing(h, cfg, &a);
    zh_framing_input in = { .is_response = false,
                            .version_minor = h->version_minor,
                            .fields = h->fields,
                            .num_fields = h->num_fields };
    zh_err rb = zh_decide_framing(&in, cfg, &b);
    FZ_CHECK(same_framing(ra, &a, rb, &b));
    fz_check_framing(&in, cfg, ra, &a);
    *out = a;
    return ra;
}

zh_err fz_response_framing_checked(const zh_response_head *h, zh_slice request_method,
                                   const zh_parse_config *cfg, zh_framing *out)
{
    zh_framing a = { 0 }, b = { 0 };
    zh_err ra = zh_response_framing(h, request_method, cfg, &a);
    zh_framing_input in = { .is_response = true,
                            .version_minor = h->version_minor,
                            .status = h->status,
                            .request_method = request_method,
                            .fields = h->fields,
                            .num_fields = h->num_fields };
    zh_err rb = zh_decide_framing(&in, cfg, &b);
    FZ_CHECK(same_framing(ra, &a, rb, &b));
    fz_check_framing(&in, cfg, ra, &a);
    *out = a;
    return ra;
}

void fz_check_validate(const zh_request_head *h, const zh_parse_config *cfg)
{
    zh_err rc = zh_validate_request(h, cfg);
    FZ_CHECK(rc == ZH_OK || rc == ZH_E_MISSING_HOST || rc == ZH_E_DUPLICATE_HOST ||
             rc == ZH_E_BAD_HOST);
    if (cfg->lenient & ZH_LENIENT_HOST)
        return;
    size_t hosts = 0;
    const zh_field *host = NULL;
    for (size_t i = 0; i < h->num_fields; i++)
        if (zh_slice_eq_nocase(h->fields[i].name, ZH_SLICE_LIT("host"))) {
            hosts++;
            host = &h->fields[i];
        }
    if (hosts > 1)
        FZ_CHECK(rc != ZH_OK);
    if (hosts == 0 && h->version_minor == 1)
        FZ_CHECK(rc == ZH_E_MISSING_HOST);
    /* an empty Host is allowed (RFC 9112 §3.2: target without authority) */
    if (rc == ZH_OK && hosts == 1 && host->value.len > 0) {
        zh_slice hn;
        uint16_t port;
        bool has_port;
        FZ_CHECK(zh_parse_authority(host->value, &hn, &port, &has_port) == ZH_OK);
        FZ_CHECK(hn.len > 0 && fz_within(hn, host->value.ptr, host->value.len));
    }
}

/* ---------------------------------------------------------------- comparisons */

int fz_same_slice(zh_slice a, const char *abuf, zh_slice b, const char *bbuf)
{
    if (a.len != b.len)
        return 0;
    if (a.len == 0)
        return 1;
    return a.ptr - abuf == b.ptr - bbuf;
}

static int same_fields(const zh_field *a, size_t na, const char *abuf, const zh_field *b,
                       size_t nb, const char *bbuf)
{
    if (na != nb)
        return 0;
    for (size_t i = 0; i < na; i++)
        if (!fz_same_slice(a[i].name, abuf, b[i].name, bbuf) ||
            !fz_same_slice(a[i].value, abuf, b[i].value, bbuf))
            return 0;
    return 1;
}

int fz_same_request(zh_err ra, const zh_request_head *a, size_t ca, const char *abuf, zh_err rb,
                    const zh_request_head *b, size_t cb, const char *bbuf)
{
    if (ra != rb)
        return 0;
    if (ra == ZH_INCOMPLETE)
        return 1;
    if (ra != ZH_OK)
        return a->error_offset == b->error_offset;
    return ca == cb && a->form == b->form && a->version_minor == b->version_minor &&
           fz_same_slice(a->method, abuf, b->method, bbuf) &&
           fz_same_slice(a->target, abuf, b->target, bbuf) &&
           same_fields(a->fields, a->num_fields, abuf, b->fields, b->num_fields, bbuf);
}

int fz_same_response(zh_err ra, const zh_response_head *a, size_t ca, const char *abuf,
                     zh_err rb, const zh_response_head *b, size_t cb, const char *bbuf)
{
    if (ra != rb)
        return 0;
    if (ra == ZH_INCOMPLETE)
        return 1;
    if (ra != ZH_OK)
        return a->error_offset == b->error_offset;
    return ca == cb && a->status == b->status && a->version_minor == b->version_minor &&
           fz_same_slice(a->reason, abuf, b->reason, bbuf) &&
           same_fields(a->fields, a->num_fields, abuf, b->fields, b->num_fields, bbuf);
}

char *fz_dup(const void *p, size_t n)
{
    char *d = malloc(n ? n : 1);
    if (d == NULL) {
        fprintf(stderr, "zhttp fuzz: out of memory in the harness\n");
        abort();
    }
    if (n)
        memcpy(d, p, n);
    return d;
}

void fz_log_put(fz_log *l, const void *p, size_t n)
{
    if (l->len + n > l->cap) {
        size_t cap = l->cap ? l->cap : 256;
        while (cap < l->len + n)
            cap *= 2;
        char *np = realloc(l->p, cap);
        if (np == NULL) {
            fprintf(stderr, "zhttp fuzz: out of memory in the harness\n");
            abort();
        }
        l->p = np;
        l->cap = cap;
    }
    if (n)
        memcpy(l->p + l->len, p, n);
    l->len += n;
}

void fz_log_u64(fz_log *l, uint64_t v) { fz_log_put(l, &v, sizeof v); }

void fz_log_free(fz_log *l)
{
    free(l->p);
    *l = (fz_log){ 0 };
}
