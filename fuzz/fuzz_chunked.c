/* fuzz/fuzz_chunked.c - target "chunked": the chunked decoder (RFC 9112 §7.1).
 *
 * Input: [config byte][split byte][chunked body bytes...]
 * The body is decoded three ways: zh_chunked_next over the whole buffer,
 * zh_chunked_next fed in pieces (piece size from the split byte: 1..64, each piece
 * an exact-size copy so over-reads are caught), and zh_chunked_decode in place.
 * Properties (abort on violation):
 *  - all three agree on the answer, the decoded bytes and the bytes consumed;
 *  - data slices lie inside the input just consumed, runs never exceed
 *    max_chunk_size, the total never exceeds max_body; zh_chunked_decode ends
 *    ZH_INCOMPLETE with every byte consumed (parse.h);
 *  - zh_chunked_done() is true exactly after ZH_OK;
 *  - scalar == SIMD; strict acceptance implies identical lenient acceptance;
 *  - re-encoding the decoded bytes canonically decodes back to the same bytes. */
#include <stdlib.h>
#include <string.h>

#include "fuzz_support.h"

typedef struct result {
    zh_err rc;
    size_t consumed; /* input bytes used, up to the end of the body on ZH_OK */
    fz_log data;
} result;

/* One zh_chunked_next step on buf[0..len): checks the contract of one call. */
static zh_err step(zh_chunked *d, const char *buf, size_t len, size_t *c, zh_slice *data,
                   const zh_parse_config *cfg)
{
    *c = 0;
    *data = (zh_slice){ NULL, 0 };
    zh_err rc = zh_chunked_next(d, buf, len, c, data);
    fz_check_known_error(rc);
    FZ_CHECK(*c <= len);
    FZ_CHECK(fz_within(*data, buf, *c));
    FZ_CHECK(data->len <= cfg->limits.max_chunk_size);
    if (data->len > 0)
        FZ_CHECK(data->ptr + data->len == buf + *c); /* consumed ends with the data */
    FZ_CHECK(zh_chunked_done(d) == (rc == ZH_OK));
    if (rc != ZH_OK && rc != ZH_INCOMPLETE)
        FZ_CHECK(rc == ZH_E_BAD_CHUNK_SIZE || rc == ZH_E_CHUNK_TOO_LARGE ||
                 rc == ZH_E_BAD_CHUNK_EXT || rc == ZH_E_CHUNK_MISSING_CRLF ||
                 rc == ZH_E_BODY_TOO_LARGE || (rc >= ZH_E_BAD_FIELD_NAME && rc <= ZH_E_HEAD_TOO_LARGE));
    return rc;
}

static void decode_whole(const char *buf, size_t len, const zh_parse_config *cfg, result *r)
{
    zh_chunked d;
    zh_chunked_init(&d, cfg);
    FZ_CHECK(!zh_chunked_done(&d));
    size_t pos = 0;
    for (;;) {
        size_t c;
        zh_slice data;
        zh_err rc = step(&d, buf + pos, len - pos, &c, &data, cfg);
        fz_log_put(&r->data, data.ptr, data.len);
        pos += c;
        r->rc = rc;
        /* no data and nothing (or everything) consumed: it needs more input; the
         * bytes after *consumed (an incomplete trailer section) are kept */
        if (rc != ZH_INCOMPLETE || (data.len == 0 && (c == 0 || pos == len)))
            break;
    }
    r->consumed = pos;
}

static void decode_pieces(const char *buf, size_t len, size_t piece, const zh_parse_config *cfg,
                          result *r)
{
    zh_chunked d;
    zh_chunked_init(&d, cfg);
    size_t pos = 0, avail = 0;
    int need_more = 1;
    r->rc = ZH_INCOMPLETE;
    while (r->rc == ZH_INCOMPLETE) {
        if (need_more) {
            if (avail == len)
                break;
            avail = avail + piece < len ? avail + piece : len;
            need_more = 0;
        }
        char *win = fz_dup(buf + pos, avail - pos);
        size_t c;
        zh_slice data;
        r->rc = step(&d, win, avail - pos, &c, &data, cfg);
        fz_log_put(&r->data, data.ptr, data.len);
        free(win);
        pos += c;
        if (data.len == 0 && (c == 0 || pos == avail))
            need_more = 1;
    }
    r->consumed = pos;
}

static void decode_in_place(const char *buf, size_t len, const zh_parse_config *cfg, result *r)
{
    zh_chunked d;
    zh_chunked_init(&d, cfg);
    char *copy = fz_dup(buf, len);
    size_t consumed = 0, decoded = 0;
    r->rc = zh_chunked_decode(&d, copy, len, &consumed, &decoded);
    fz_check_known_error(r->rc);
    FZ_CHECK(consumed <= len && decoded <= consumed);
    if (r->rc == ZH_INCOMPLETE)
        FZ_CHECK(consumed == len); /* parse.h: "then *consumed == len" */
    r->consumed = consumed;
    fz_log_put(&r->data, copy, decoded);
    free(copy);
}

static void check_same(const result *a, const result *b)
{
    FZ_CHECK(a->rc == b->rc);
    if (a->rc == ZH_OK || a->rc == ZH_INCOMPLETE) {
        if (a->rc == ZH_OK)
            FZ_CHECK(a->consumed == b->consumed);
        FZ_CHECK(a->data.len == b->data.len);
        FZ_CHECK(a->data.len == 0 || memcmp(a->data.p, b->data.p, a->data.len) == 0);
    }
}

/* Canonical chunked coding of data: chunks of `piece` bytes, no extensions. */
static void encode(const char *data, size_t len, size_t piece, fz_log *out)
{
    static const char hex[] = "0123456789abcdef";
    for (size_t off = 0; off < len; off += piece) {
        size_t n = len - off < piece ? len - off : piece;
        char line[20];
        size_t k = sizeof line;
        line[--k] = '\n';
        line[--k] = '\r';
        do {
            line[--k] = hex[n & 15u];
            n >>= 4;
        } while (n);
        n = len - off < piece ? len - off : piece;
        fz_log_put(out, line + k, sizeof line - k);
        fz_log_put(out, data + off, n);
        fz_log_put(out, "\r\n", 2);
    }
    fz_log_put(out, "0\r\n\r\n", 5);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fz_input in = { data, size };
    zh_parse_config cfg = fz_config(fz_take_byte(&in));
    size_t piece = (size_t)(fz_take_byte(&in) & 63u) + 1;
    const char *buf = (const char *)in.p;
    size_t len = in.n;

    result whole = { 0 }, pieces = { 0 }, inplace = { 0 }, other = { 0 };
    decode_whole(buf, len, &cfg, &whole);
    FZ_CHECK(whole.data.len <= cfg.limits.max_body);
    if (whole.rc == ZH_OK)
        FZ_CHECK(whole.consumed >= ((cfg.lenient & ZH_LENIENT_BARE_LF) ? 3u : 5u)); /* "0\r\n\r\n" */

    decode_pieces(buf, len, piece, &cfg, &pieces);
    check_same(&whole, &pieces);
    FZ_CHECK(whole.consumed == pieces.consumed || whole.rc != ZH_OK);
    decode_in_place(buf, len, &cfg, &inplace);
    check_same(&whole, &inplace);

    zh_parse_config alt = fz_flip_scalar(cfg);
    decode_whole(buf, len, &alt, &other);
    check_same(&whole, &other);
    FZ_CHECK(whole.consumed == other.consumed); /* same path, same stopping point */
    fz_log_free(&other.data);

    if (whole.rc == ZH_OK && cfg.lenient == 0) {
        zh_parse_config lc = fz_all_lenient(cfg);
        decode_whole(buf, len, &lc, &other);
        check_same(&whole, &other);
        fz_log_free(&other.data);
    }

    if (whole.rc == ZH_OK && cfg.limits.max_chunk_size > 0) {
        /* canonical re-encoding round-trips */
        size_t p = piece < cfg.limits.max_chunk_size ? piece : (size_t)cfg.limits.max_chunk_size;
        fz_log enc = { 0 };
        encode(whole.data.p, whole.data.len, p, &enc);
        decode_whole(enc.p, enc.len, &cfg, &other);
        FZ_CHECK(other.rc == ZH_OK);
        FZ_CHECK(other.consumed == enc.len);
        FZ_CHECK(other.data.len == whole.data.len);
        FZ_CHECK(other.data.len == 0 || memcmp(other.data.p, whole.data.p, other.data.len) == 0);
        fz_log_free(&other.data);
        fz_log_free(&enc);
    }

    fz_log_free(&whole.data);
    fz_log_free(&pieces.data);
    fz_log_free(&inplace.data);
    return 0;
}
