/* fuzz/fuzz_framing.c - target "framing": zh_decide_framing (RFC 9112 §6.3) and
 * zh_parse_content_length, on field lists built from the input.
 *
 * Input: [config byte][selector byte][status byte][fields...]
 *   selector: bit 0 response, bit 1 HTTP/1.1 (else 1.0), bits 2-4 request method,
 *             bit 5 status is raw (100 + status byte * 2) instead of a table pick
 *   each field: [name byte] value bytes up to '\n' (the name byte picks
 *   Content-Length / Transfer-Encoding / Connection / Expect / Host in various cases;
 *   7 mod 8: the name is the value bytes before the first ':').
 *   Values are trimmed of SP/HTAB like the head parser does.
 * Properties: fz_check_framing (LENGTH never above max_body and equal to every
 * Content-Length, CL+TE never a kept-alive response nor an accepted request,
 * CHUNKED only when chunked is the final coding, requests never UNTIL_CLOSE,
 * bodiless statuses NONE, Connection: close / HTTP/1.0 close ...), determinism,
 * the request/response conveniences agree, and Content-Length parsing agrees with
 * a reference on the plain cases (1*DIGIT below 2^63 accepted, other bytes refused). */
#include <string.h>

#include "fuzz_support.h"

#define MAX_FIELDS 64

static void check_content_length(zh_slice v)
{
    uint64_t got = 0;
    zh_err rc = zh_parse_content_length(v, &got);
    FZ_CHECK(rc == ZH_OK || rc == ZH_E_BAD_CONTENT_LENGTH ||
             rc == ZH_E_CONFLICTING_CONTENT_LENGTH);
    int digits_only = v.len > 0, other = 0;
    uint64_t ref = 0;
    int overflow = 0;
    for (size_t i = 0; i < v.len; i++) {
        unsigned char c = (unsigned char)v.ptr[i];
        if (c >= '0' && c <= '9') {
            if (ref > (UINT64_MAX - 9) / 10)
                overflow = 1;
            else
                ref = ref * 10 + (uint64_t)(c - '0');
        } else {
            digits_only = 0;
            if (c != ',' && c != ' ' && c != '\t')
                other = 1;
        }
    }
    if (digits_only && !overflow && ref < (UINT64_C(1) << 63)) {
        FZ_CHECK(rc == ZH_OK);
        FZ_CHECK(got == ref);
    }
    if (digits_only && (overflow || ref >= (UINT64_C(1) << 63)))
        FZ_CHECK(rc != ZH_OK);
    if (other || v.len == 0)
        FZ_CHECK(rc != ZH_OK);
    if (rc == ZH_OK)
        FZ_CHECK(got < (UINT64_C(1) << 63));
}

static int same(zh_err ra, const zh_framing *a, zh_err rb, const zh_framing *b)
{
    if (ra != rb)
        return 0;
    if (ra != ZH_OK)
        return 1;
    return a->kind == b->kind && a->must_close == b->must_close &&
           a->expect_continue == b->expect_continue &&
           (a->kind != ZH_BODY_LENGTH || a->length == b->length);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const names[16] = {
        "Content-Length", "content-length", "Transfer-Encoding", "transfer-encoding",
        "Connection",     "Expect",         "Host",              NULL,
        "CONTENT-LENGTH", "Transfer-encoding", "connection",     "Content-Type",
        "Keep-Alive",     "TE",             "Trailer",           NULL,
    };
    static const char *const methods[8] = { "GET", "HEAD", "CONNECT", "POST",
                                            "PUT", "OPTIONS", "head", "TRACE" };
    static const int statuses[16] = { 100, 101, 103, 200, 201, 204, 205, 206,
                                      299, 301, 304, 400, 404, 500, 199, 599 };
    fz_input in = { data, size };
    zh_parse_config cfg = fz_config(fz_take_byte(&in));
    uint8_t sel = fz_take_byte(&in), st = fz_take_byte(&in);

    zh_field fields[MAX_FIELDS];
    size_t nf = 0;
    const char *p = (const char *)in.p, *end = p + in.n;
    while (p < end && nf < MAX_FIELDS) {
        unsigned char nb = (unsigned char)*p++;
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        const char *vend = eol ? eol : end;
        zh_slice name = zh_slice_from_cstr(names[nb & 15u]);
        if (names[nb & 15u] == NULL) {
            const char *colon = memchr(p, ':', (size_t)(vend - p));
            if (colon == NULL || colon == p) {
                p = eol ? eol + 1 : end;
                continue;
            }
            name = (zh_slice){ p, (size_t)(colon - p) };
            p = colon + 1;
        }
        while (p < vend && (*p == ' ' || *p == '\t'))
            p++;
        const char *ve = vend;
        while (ve > p && (ve[-1] == ' ' || ve[-1] == '\t'))
            ve--;
        fields[nf].name = name;
        fields[nf].value = (zh_slice){ p, (size_t)(ve - p) };
        nf++;
        p = eol ? eol + 1 : end;
    }

    zh_framing_input fin = {
        .is_response = (sel & 1u) != 0,
        .version_minor = (sel >> 1) & 1u,
        .status = (sel & 0x20u) ? 100 + st * 2 : statuses[st & 15u],
        .request_method = zh_slice_from_cstr(methods[(sel >> 2) & 7u]),
        .fields = fields,
        .num_fields = nf,
    };
    zh_framing a = { 0 }, b = { 0 };
    zh_err ra = zh_decide_framing(&fin, &cfg, &a);
    fz_check_framing(&fin, &cfg, ra, &a);
    zh_err rb = zh_decide_framing(&fin, &cfg, &b);
    FZ_CHECK(same(ra, &a, rb, &b)); /* a pure function */

    /* the conveniences are the same decision */
    if (fin.is_response) {
        zh_response_head h = { .version_minor = fin.version_minor, .status = fin.status,
                               .fields = fields, .fields_cap = MAX_FIELDS, .num_fields = nf };
        rb = zh_response_framing(&h, fin.request_method, &cfg, &b);
    } else {
        zh_request_head h = { .method = fin.request_method, .target = ZH_SLICE_LIT("/"),
                              .form = ZH_FORM_ORIGIN, .version_minor = fin.version_minor,
                              .fields = fields, .fields_cap = MAX_FIELDS, .num_fields = nf };
        rb = zh_request_framing(&h, &cfg, &b);
    }
    FZ_CHECK(same(ra, &a, rb, &b));

    for (size_t i = 0; i < nf; i++)
        if (zh_slice_eq_nocase(fields[i].name, ZH_SLICE_LIT("content-length")))
            check_content_length(fields[i].value);
    return 0;
}
