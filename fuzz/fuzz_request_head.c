/* fuzz/fuzz_request_head.c - target "request_head": zh_parse_request_head.
 *
 * Input: [config byte][field-capacity byte][bytes of a request head...]
 * Properties (abort on violation):
 *  - the answer is ZH_OK, ZH_INCOMPLETE or a request-head error with an offset in range;
 *  - an accepted head passes fz_check_request_ok (slices inside the head, tokens are
 *    tchar, values trimmed and free of CTLs, limits and field capacity respected);
 *  - the head is self-delimiting: its own bytes parse the same, one byte less is
 *    ZH_INCOMPLETE; INCOMPLETE never holds more than max_head bytes (bounded);
 *  - SIMD and scalar scans give identical answers, on every input;
 *  - what the strict parser accepts, the all-lenient parser accepts identically;
 *  - validation and framing of an accepted head obey RFC 9112 §3.2 / §6.3. */
#include <stdlib.h>

#include "fuzz_support.h"

static zh_err parse(const char *buf, size_t len, const zh_parse_config *cfg, zh_field *f,
                    size_t cap, zh_request_head *h, size_t *n)
{
    *h = (zh_request_head){ .fields = f, .fields_cap = cap };
    *n = 0;
    return zh_parse_request_head(buf, len, cfg, h, n);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fz_input in = { data, size };
    zh_parse_config cfg = fz_config(fz_take_byte(&in));
    size_t cap = fz_fields_cap(fz_take_byte(&in));
    const char *buf = (const char *)in.p;
    size_t len = in.n;

    static zh_field f[FZ_MAX_FIELDS_CAP], g[FZ_MAX_FIELDS_CAP];
    zh_request_head h, h2;
    size_t n, n2;
    zh_err rc = parse(buf, len, &cfg, f, cap, &h, &n);
    fz_check_known_error(rc);

    /* the other scan path gives the very same answer */
    zh_parse_config alt = fz_flip_scalar(cfg);
    zh_err rc2 = parse(buf, len, &alt, g, cap, &h2, &n2);
    FZ_CHECK(fz_same_request(rc, &h, n, buf, rc2, &h2, n2, buf));

    if (rc == ZH_INCOMPLETE) {
        /* bounded: past max_head bytes (leading empty lines aside) it must decide */
        size_t lead = 0;
        while (lead + 1 < len && buf[lead] == '\r' && buf[lead + 1] == '\n')
            lead += 2;
        if (!(cfg.lenient & ZH_LENIENT_BARE_LF))
            FZ_CHECK(len - lead <= cfg.limits.max_head);
        return 0;
    }
    if (rc != ZH_OK) {
        FZ_CHECK(h.error_offset <= len);
        FZ_CHECK(rc >= ZH_E_BAD_METHOD && rc <= ZH_E_BAD_SCHEME);
        FZ_CHECK(rc != ZH_E_BAD_STATUS_LINE && rc != ZH_E_BAD_STATUS && rc != ZH_E_BAD_REASON);
        FZ_CHECK(rc < ZH_E_BODY_TOO_LARGE || rc > ZH_E_CHUNK_MISSING_CRLF);
        return 0;
    }

    fz_check_request_ok(&h, buf, len, n, &cfg);

    /* self-delimiting: the head alone (exact-size copy) parses the same ... */
    char *head = fz_dup(buf, n);
    rc2 = parse(head, n, &cfg, g, cap, &h2, &n2);
    FZ_CHECK(fz_same_request(rc, &h, n, buf, rc2, &h2, n2, head));
    /* ... and one byte less is not yet a head */
    rc2 = parse(head, n - 1, &cfg, g, cap, &h2, &n2);
    FZ_CHECK(rc2 == ZH_INCOMPLETE);
    free(head);

    /* strict acceptance implies identical lenient acceptance */
    if (cfg.lenient == 0) {
        zh_parse_config len_cfg = fz_all_lenient(cfg);
        rc2 = parse(buf, len, &len_cfg, g, cap, &h2, &n2);
        FZ_CHECK(fz_same_request(rc, &h, n, buf, rc2, &h2, n2, buf));
    }

    fz_check_validate(&h, &cfg);
    zh_framing fr;
    (void)fz_request_framing_checked(&h, &cfg, &fr);
    return 0;
}
