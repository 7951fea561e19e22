/* fuzz/fuzz_response_head.c - target "response_head": zh_parse_response_head and the
 * response framing decision.
 *
 * Input: [config byte][field-capacity byte (bits 0-2) | request method (bits 3-5)]
 *        [bytes of a response head...]
 * Properties: as fuzz_request_head (range of answers, fz_check_response_ok,
 * self-delimiting, bounded, SIMD == scalar, strict => lenient identical), plus the
 * response framing invariants of RFC 9112 §6.3 for the chosen request method. */
#include <stdlib.h>

#include "fuzz_support.h"

static zh_err parse(const char *buf, size_t len, const zh_parse_config *cfg, zh_field *f,
                    size_t cap, zh_response_head *h, size_t *n)
{
    *h = (zh_response_head){ .fields = f, .fields_cap = cap };
    *n = 0;
    return zh_parse_response_head(buf, len, cfg, h, n);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const methods[8] = { "GET", "HEAD", "CONNECT", "POST",
                                            "PUT", "OPTIONS", "DELETE", "get" };
    fz_input in = { data, size };
    zh_parse_config cfg = fz_config(fz_take_byte(&in));
    uint8_t b1 = fz_take_byte(&in);
    size_t cap = fz_fields_cap(b1);
    zh_slice method = zh_slice_from_cstr(methods[(b1 >> 3) & 7u]);
    const char *buf = (const char *)in.p;
    size_t len = in.n;

    static zh_field f[FZ_MAX_FIELDS_CAP], g[FZ_MAX_FIELDS_CAP];
    zh_response_head h, h2;
    size_t n, n2;
    zh_err rc = parse(buf, len, &cfg, f, cap, &h, &n);
    fz_check_known_error(rc);

    zh_parse_config alt = fz_flip_scalar(cfg);
    zh_err rc2 = parse(buf, len, &alt, g, cap, &h2, &n2);
    FZ_CHECK(fz_same_response(rc, &h, n, buf, rc2, &h2, n2, buf));

    if (rc == ZH_INCOMPLETE) {
        size_t lead = 0;
        while (lead + 1 < len && buf[lead] == '\r' && buf[lead + 1] == '\n')
            lead += 2;
        if (!(cfg.lenient & ZH_LENIENT_BARE_LF))
            FZ_CHECK(len - lead <= cfg.limits.max_head);
        return 0;
    }
    if (rc != ZH_OK) {
        FZ_CHECK(h.error_offset <= len);
        FZ_CHECK(rc >= ZH_E_BAD_VERSION && rc <= ZH_E_HEAD_TOO_LARGE);
        FZ_CHECK(rc != ZH_E_BAD_TARGET && rc != ZH_E_BAD_REQUEST_LINE);
        return 0;
    }

    fz_check_response_ok(&h, buf, len, n, &cfg);

    char *head = fz_dup(buf, n);
    rc2 = parse(head, n, &cfg, g, cap, &h2, &n2);
    FZ_CHECK(fz_same_response(rc, &h, n, buf, rc2, &h2, n2, head));
    rc2 = parse(head, n - 1, &cfg, g, cap, &h2, &n2);
    FZ_CHECK(rc2 == ZH_INCOMPLETE);
    free(head);

    if (cfg.lenient == 0) {
        zh_parse_config len_cfg = fz_all_lenient(cfg);
        rc2 = parse(buf, len, &len_cfg, g, cap, &h2, &n2);
        FZ_CHECK(fz_same_response(rc, &h, n, buf, rc2, &h2, n2, buf));
    }

    zh_framing fr;
    (void)fz_response_framing_checked(&h, method, &cfg, &fr);
    return 0;
}
