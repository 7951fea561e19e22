/* fuzz/fuzz_incremental.c - target "incremental": every split is the same message.
 *
 * Input: [config byte][mode byte][k][k schedule bytes][message bytes...]
 *   mode (bits 0-2, mod 5): 0 request head, 1 response head, 2 field block,
 *     3 request stream (pipelined requests with Content-Length / chunked bodies, as a
 *     server reads them), 4 response stream (as a client reads them; bit 3: the
 *     requests were HEAD).
 *   The message is delivered in pieces of schedule[i % k] + 1 bytes (k = 0: one byte
 *   at a time, or 7 when the message is over 1 KiB). Each call sees an exact-size
 *   copy of the bytes delivered so far, so a read past them is caught.
 * Properties (abort on violation): the first answer other than ZH_INCOMPLETE while
 * the bytes arrive is exactly the answer on the whole message (code, bytes consumed,
 * error offset, method/target/status/fields); in stream modes the whole sequence of
 * events (heads, validation, framing, body bytes, errors, where the input ended) is
 * byte-for-byte the same for the split and the whole delivery. */
#include <stdlib.h>
#include <string.h>

#include "fuzz_support.h"

#define MAX_MESSAGES 64

typedef struct schedule {
    const uint8_t *steps;
    size_t k, i;
    size_t one; /* piece size when k == 0 */
} schedule;

static size_t next_piece(schedule *s)
{
    if (s->k == 0)
        return s->one;
    return (size_t)s->steps[s->i++ % s->k] + 1;
}

static size_t grow(size_t avail, size_t len, schedule *s)
{
    size_t p = next_piece(s);
    return len - avail < p ? len : avail + p;
}

/* ---------------------------------------------------------------- heads */

static void heads(int mode, const char *buf, size_t len, const zh_parse_config *cfg,
                  schedule *s)
{
    static zh_field fw[FZ_MAX_FIELDS_CAP], fp[FZ_MAX_FIELDS_CAP];
    zh_request_head qw = { .fields = fw, .fields_cap = FZ_MAX_FIELDS_CAP }, qp = { 0 };
    zh_response_head rw = { .fields = fw, .fields_cap = FZ_MAX_FIELDS_CAP }, rp = { 0 };
    size_t nw = 0, np = 0, fnw = 0, fnp = 0, offw = 0, offp = 0;
    zh_err ew, ep = ZH_INCOMPLETE;
    if (mode == 0)
        ew = zh_parse_request_head(buf, len, cfg, &qw, &nw);
    else if (mode == 1)
        ew = zh_parse_response_head(buf, len, cfg, &rw, &nw);
    else
        ew = zh_parse_fields(buf, len, cfg, fw, FZ_MAX_FIELDS_CAP, &fnw, &nw, &offw);
    fz_check_known_error(ew);
    if (len == 0)
        return; /* nothing is delivered piecewise */

    size_t avail = 0;
    char *win = NULL;
    while (avail < len) {
        avail = grow(avail, len, s);
        free(win);
        win = fz_dup(buf, avail);
        if (mode == 0) {
            qp = (zh_request_head){ .fields = fp, .fields_cap = FZ_MAX_FIELDS_CAP };
            ep = zh_parse_request_head(win, avail, cfg, &qp, &np);
        } else if (mode == 1) {
            rp = (zh_response_head){ .fields = fp, .fields_cap = FZ_MAX_FIELDS_CAP };
            ep = zh_parse_response_head(win, avail, cfg, &rp, &np);
        } else {
            ep = zh_parse_fields(win, avail, cfg, fp, FZ_MAX_FIELDS_CAP, &fnp, &np, &offp);
        }
        if (ep != ZH_INCOMPLETE)
            break;
    }
    if (mode == 0) {
        FZ_CHECK(fz_same_request(ew, &qw, nw, buf, ep, &qp, np, win));
    } else if (mode == 1) {
        FZ_CHECK(fz_same_response(ew, &rw, nw, buf, ep, &rp, np, win));
    } else {
        FZ_CHECK(ew == ep);
        if (ew == ZH_OK) {
            FZ_CHECK(nw == np && fnw == fnp);
            for (size_t i = 0; i < fnw; i++)
                FZ_CHECK(fz_same_slice(fw[i].name, buf, fp[i].name, win) &&
                         fz_same_slice(fw[i].value, buf, fp[i].value, win));
        } else if (ew != ZH_INCOMPLETE) {
            FZ_CHECK(offw == offp);
        }
    }
    free(win);
}

/* ---------------------------------------------------------------- streams */

enum phase { P_HEAD, P_LENGTH, P_CHUNKED, P_UNTIL_CLOSE, P_STOP };

static void log_slice(fz_log *l, zh_slice s)
{
    fz_log_u64(l, s.len);
    fz_log_put(l, s.ptr, s.len);
}

static void log_fields(fz_log *l, const zh_field *f, size_t n)
{
    fz_log_u64(l, n);
    for (size_t i = 0; i < n; i++) {
        log_slice(l, f[i].name);
        log_slice(l, f[i].value);
    }
}

/* Reads a stream of messages the way a server (requests) or a client (responses)
 * does, and logs every event. piece == 0 delivers the whole input at once. */
static void stream(int is_response, zh_slice req_method, const char *buf, size_t len,
                   const zh_parse_config *cfg, schedule *s, fz_log *log)
{
    static zh_field f[FZ_MAX_FIELDS_CAP];
    enum phase ph = P_HEAD;
    size_t pos = 0, avail = s ? 0 : len, messages = 0;
    uint64_t remaining = 0;
    zh_chunked dec;
    fz_log body = { 0 };

    while (ph != P_STOP) {
        int need_more = 0;
        size_t wl = avail - pos;
        char *win = fz_dup(buf + pos, wl);
        if (ph == P_HEAD) {
            size_t n = 0;
            zh_err rc;
            zh_framing fr = { 0 };
            zh_err frc = ZH_OK;
            if (is_response) {
                zh_response_head h = { .fields = f, .fields_cap = FZ_MAX_FIELDS_CAP };
                rc = zh_parse_response_head(win, wl, cfg, &h, &n);
                if (rc == ZH_OK) {
                    fz_check_response_ok(&h, win, wl, n, cfg);
                    fz_log_put(log, "R", 1);
                    fz_log_u64(log, (uint64_t)h.status);
                    fz_log_u64(log, (uint64_t)h.version_minor);
                    log_slice(log, h.reason);
                    log_fields(log, h.fields, h.num_fields);
                    frc = fz_response_framing_checked(&h, req_method, cfg, &fr);
                } else {
                    n = h.error_offset;
                }
            } else {
                zh_request_head h = { .fields = f, .fields_cap = FZ_MAX_FIELDS_CAP };
                rc = zh_parse_request_head(win, wl, cfg, &h, &n);
                if (rc == ZH_OK) {
                    fz_check_request_ok(&h, win, wl, n, cfg);
                    fz_log_put(log, "Q", 1);
                    log_slice(log, h.method);
                    log_slice(log, h.target);
                    fz_log_u64(log, (uint64_t)h.version_minor);
                    log_fields(log, h.fields, h.num_fields);
                    zh_err vrc = zh_validate_request(&h, cfg);
                    fz_log_u64(log, (uint64_t)vrc);
                    frc = fz_request_framing_checked(&h, cfg, &fr);
                    if (vrc != ZH_OK)
                        frc = vrc;
                } else {
                    n = h.error_offset;
                }
            }
            if (rc == ZH_INCOMPLETE) {
                need_more = 1;
            } else if (rc != ZH_OK) {
                fz_log_put(log, "E", 1);
                fz_log_u64(log, (uint64_t)rc);
                fz_log_u64(log, pos + n); /* error offset in the stream */
                ph = P_STOP;
            } else {
                fz_log_u64(log, (uint64_t)frc);
                pos += n;
                if (frc != ZH_OK) {
                    ph = P_STOP;
                } else {
                    fz_log_u64(log, (uint64_t)fr.kind);
                    fz_log_u64(log, fr.length);
                    fz_log_u64(log, (uint64_t)fr.must_close);
                    body.len = 0;
                    if (fr.kind == ZH_BODY_LENGTH) {
                        remaining = fr.length;
                        ph = P_LENGTH;
                    } else if (fr.kind == ZH_BODY_CHUNKED) {
                        zh_chunked_init(&dec, cfg);
                        ph = P_CHUNKED;
                    } else if (fr.kind == ZH_BODY_UNTIL_CLOSE) {
                        ph = P_UNTIL_CLOSE;
                    }
                    if (++messages == MAX_MESSAGES)
                        ph = P_STOP;
                    else if (ph == P_HEAD && fr.must_close)
                        ph = P_STOP;
                }
            }
        } else if (ph == P_LENGTH || ph == P_UNTIL_CLOSE) {
            size_t take = wl;
            if (ph == P_LENGTH && remaining < take)
                take = (size_t)remaining;
            fz_log_put(&body, win, take);
            pos += take;
            if (ph == P_LENGTH)
                remaining -= take;
            if (ph == P_LENGTH && remaining == 0) {
                fz_log_put(log, "B", 1);
                log_slice(log, (zh_slice){ body.p, body.len });
                ph = P_HEAD;
            } else {
                need_more = 1;
            }
        } else if (ph == P_CHUNKED) {
            size_t c = 0;
            zh_slice data = { NULL, 0 };
            zh_err rc = zh_chunked_next(&dec, win, wl, &c, &data);
            FZ_CHECK(c <= wl && fz_within(data, win, c));
            fz_log_put(&body, data.ptr, data.len);
            pos += c;
            if (rc == ZH_OK) {
                fz_log_put(log, "C", 1);
                log_slice(log, (zh_slice){ body.p, body.len });
                ph = P_HEAD;
            } else if (rc != ZH_INCOMPLETE) {
                fz_log_put(log, "X", 1);
                fz_log_u64(log, (uint64_t)rc);
                ph = P_STOP;
            } else if (c == 0 && data.len == 0) {
                need_more = 1; /* keeps an incomplete trailer section, wants more */
            }
        }
        free(win);
        if (need_more) {
            if (avail == len) {
                /* the input ends here: where, and in which phase */
                fz_log_put(log, "Z", 1);
                fz_log_u64(log, (uint64_t)ph);
                fz_log_u64(log, pos);
                log_slice(log, (zh_slice){ body.p, body.len });
                break;
            }
            avail = grow(avail, len, s);
        }
    }
    fz_log_free(&body);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fz_input in = { data, size };
    zh_parse_config cfg = fz_config(fz_take_byte(&in));
    uint8_t mode_byte = fz_take_byte(&in);
    int mode = (mode_byte & 7u) % 5;
    schedule s = { .k = fz_take_byte(&in) & 15u };
    if (s.k > in.n)
        s.k = in.n;
    s.steps = in.p;
    in.p += s.k;
    in.n -= s.k;
    s.one = in.n > 1024 ? 7 : 1;
    const char *buf = (const char *)in.p;
    size_t len = in.n;

    if (mode <= 2) {
        heads(mode, buf, len, &cfg, &s);
        return 0;
    }
    zh_slice method = (mode_byte & 8u) ? ZH_SLICE_LIT("HEAD") : ZH_SLICE_LIT("GET");
    fz_log whole = { 0 }, split = { 0 };
    stream(mode == 4, method, buf, len, &cfg, NULL, &whole);
    stream(mode == 4, method, buf, len, &cfg, &s, &split);
    FZ_CHECK(whole.len == split.len);
    FZ_CHECK(whole.len == 0 || memcmp(whole.p, split.p, whole.len) == 0);
    fz_log_free(&whole);
    fz_log_free(&split);
    return 0;
}
