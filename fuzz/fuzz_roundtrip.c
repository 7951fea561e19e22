/* fuzz/fuzz_roundtrip.c - target "roundtrip": parse -> serialize -> parse (msg layer).
 *
 * Input: [config byte][selector byte][one message: head and body...]
 *   selector bit 0: response (else request); bits 1-3: method of the request a
 *   response answers (GET, HEAD, POST, CONNECT, PUT, OPTIONS, DELETE, PATCH).
 * A message read whole by zh_request_parse / zh_response_parse (a close-delimited
 * response ended by *_parse_eof) is serialized with zh_*_serialize and read again.
 * Properties (abort on violation): the second parse succeeds on exactly the bytes
 * serialized and gives the same method/target/version or status/reason/version, the
 * same fields in the same order (except Content-Length, Transfer-Encoding and
 * Connection, which the serializer writes itself), the same body, the same
 * persistence; and serializing the re-parsed message gives the same bytes again. */
#include <string.h>

#include "fuzz_support.h"
#include "zhttp/msg.h"

static int framing_field(zh_slice name)
{
    return zh_slice_eq_nocase(name, ZH_SLICE_LIT("content-length")) ||
           zh_slice_eq_nocase(name, ZH_SLICE_LIT("transfer-encoding")) ||
           zh_slice_eq_nocase(name, ZH_SLICE_LIT("connection"));
}

/* Same fields in order, framing fields aside, and a Host that the serializer
 * added (msg.h: from an absolute-form target) when a had none. */
static void check_same_fields(const zh_headers *a, const zh_headers *b)
{
    size_t i = 0, j = 0, na = zh_headers_count(a), nb = zh_headers_count(b);
    int added_host = !zh_headers_has(a, ZH_SLICE_LIT("host"));
    zh_slice an, av, bn, bv;
    for (;;) {
        while (i < na && zh_headers_at(a, i, &an, &av) && framing_field(an))
            i++;
        while (j < nb && zh_headers_at(b, j, &bn, &bv) &&
               (framing_field(bn) || (added_host && zh_slice_eq_nocase(bn, ZH_SLICE_LIT("host")))))
            j++;
        if (i == na || j == nb)
            break;
        FZ_CHECK(zh_slice_eq(an, bn));
        FZ_CHECK(zh_slice_eq(av, bv));
        i++;
        j++;
    }
    FZ_CHECK(i == na && j == nb);
}

/* The second parse reads what the serializer wrote, which may be a little longer
 * (a Content-Length line): same flags, roomy limits. */
static zh_parse_config roomy(const zh_parse_config *cfg)
{
    zh_parse_config c = *cfg;
    c.limits = (zh_limits){ 1u << 20, 1u << 20, 1u << 22, 1024, UINT64_C(1) << 40,
                            UINT64_C(1) << 40 };
    return c;
}

static void roundtrip_request(const char *buf, size_t len, const zh_parse_config *cfg)
{
    zh_request a, b;
    zh_request_init(&a);
    zh_request_init(&b);
    zh_buf w1 = { 0 }, w2 = { 0 };
    size_t used = 0;
    zh_err rc = zh_request_parse(&a, buf, len, cfg, &used);
    fz_check_known_error(rc);
    FZ_CHECK(used <= len);
    if (rc == ZH_INCOMPLETE) {
        /* the input ends here: the message is cut short, never complete */
        rc = zh_request_parse_eof(&a);
        FZ_CHECK(rc != ZH_OK); /* a request body is never delimited by close */
    }
    if (rc != ZH_OK) {
        FZ_CHECK(zh_request_body(&a).len == 0); /* an error never leaves partial data */
        goto out;
    }
    FZ_CHECK(zh_request_body(&a).len <= cfg->limits.max_body);
    rc = zh_request_serialize(&a, NULL, &w1);
    if (rc != ZH_OK)
        goto out; /* e.g. an HTTP/1.1 request the lenient Host flag let in */
    size_t used2 = 0;
    zh_parse_config cfg2 = roomy(cfg);
    zh_headers_set_max(zh_request_headers(&b), 1024); /* + the fields the serializer adds */
    rc = zh_request_parse(&b, w1.ptr, w1.len, &cfg2, &used2);
    FZ_CHECK(rc == ZH_OK);
    FZ_CHECK(used2 == w1.len);
    FZ_CHECK(zh_slice_eq(zh_request_method(&a), zh_request_method(&b)));
    FZ_CHECK(zh_slice_eq(zh_request_target(&a), zh_request_target(&b)));
    FZ_CHECK(zh_request_version(&a) == zh_request_version(&b));
    FZ_CHECK(zh_slice_eq(zh_request_body(&a), zh_request_body(&b)));
    FZ_CHECK(zh_request_must_close(&a) == zh_request_must_close(&b));
    check_same_fields(zh_request_headers_const(&a), zh_request_headers_const(&b));
    FZ_CHECK(zh_request_serialize(&b, NULL, &w2) == ZH_OK);
    FZ_CHECK(w1.len == w2.len && memcmp(w1.ptr, w2.ptr, w1.len) == 0);
out:
    zh_buf_dispose(&w1);
    zh_buf_dispose(&w2);
    zh_request_dispose(&a);
    zh_request_dispose(&b);
}

static zh_err parse_response(zh_response *r, const char *buf, size_t len, zh_slice method,
                             const zh_parse_config *cfg, size_t *used)
{
    zh_err rc = zh_response_parse(r, buf, len, method, cfg, used);
    fz_check_known_error(rc);
    FZ_CHECK(*used <= len);
    if (rc == ZH_INCOMPLETE) {
        /* the input ends here: a close-delimited body is complete, others are not */
        zh_framing fr = zh_response_parsed_framing(r);
        int head_done = zh_response_head_done(r);
        rc = zh_response_parse_eof(r);
        fz_check_known_error(rc);
        if (rc == ZH_OK)
            FZ_CHECK(head_done && fr.kind == ZH_BODY_UNTIL_CLOSE);
        else
            FZ_CHECK(zh_response_body(r).len == 0); /* never a truncated body */
        *used = len;
    }
    return rc;
}

static void roundtrip_response(const char *buf, size_t len, zh_slice method,
                               const zh_parse_config *cfg)
{
    zh_response a, b;
    zh_response_init(&a);
    zh_response_init(&b);
    zh_buf w1 = { 0 }, w2 = { 0 };
    size_t used = 0;
    zh_err rc = parse_response(&a, buf, len, method, cfg, &used);
    if (rc != ZH_OK)
        goto out;
    FZ_CHECK(zh_response_body(&a).len <= cfg->limits.max_body);
    FZ_CHECK(zh_response_serialize(&a, method, NULL, &w1) == ZH_OK);
    size_t used2 = 0;
    zh_parse_config cfg2 = roomy(cfg);
    zh_headers_set_max(zh_response_headers(&b), 1024); /* + the fields the serializer adds */
    rc = parse_response(&b, w1.ptr, w1.len, method, &cfg2, &used2);
    FZ_CHECK(rc == ZH_OK);
    FZ_CHECK(used2 == w1.len);
    FZ_CHECK(zh_response_status(&a) == zh_response_status(&b));
    FZ_CHECK(zh_slice_eq(zh_response_reason(&a), zh_response_reason(&b)));
    FZ_CHECK(zh_response_version(&a) == zh_response_version(&b));
    FZ_CHECK(zh_slice_eq(zh_response_body(&a), zh_response_body(&b)));
    check_same_fields(zh_response_headers_const(&a), zh_response_headers_const(&b));
    FZ_CHECK(zh_response_serialize(&b, method, NULL, &w2) == ZH_OK);
    FZ_CHECK(w1.len == w2.len && memcmp(w1.ptr, w2.ptr, w1.len) == 0);
out:
    zh_buf_dispose(&w1);
    zh_buf_dispose(&w2);
    zh_response_dispose(&a);
    zh_response_dispose(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const methods[8] = { "GET", "HEAD",    "POST",   "CONNECT",
                                            "PUT", "OPTIONS", "DELETE", "PATCH" };
    fz_input in = { data, size };
    zh_parse_config cfg = fz_config(fz_take_byte(&in));
    uint8_t sel = fz_take_byte(&in);
    if (sel & 1u)
        roundtrip_response((const char *)in.p, in.n, zh_slice_from_cstr(methods[(sel >> 1) & 7u]),
                           &cfg);
    else
        roundtrip_request((const char *)in.p, in.n, &cfg);
    return 0;
}
