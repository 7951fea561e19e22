/* Chunked transfer coding (RFC 9112 §7.1), decoded incrementally by a byte-level
 * state machine whose whole state is the caller's zh_chunked. Data runs are
 * handed out as slices of the input (zero-copy); zh_chunked_decode compacts them
 * in place for callers that want one contiguous body. */
#include <string.h>

#include "base/ascii.h"
#include "parse/chars.h"
#include "zhttp/parse.h"

enum {
    S_SIZE_START, /* first HEXDIG of chunk-size */
    S_SIZE,       /* more HEXDIG */
    S_SIZE_BWS,   /* BWS after chunk-size, before ';' */
    S_EXT_NAME_START,
    S_EXT_NAME,
    S_EXT_AFTER_NAME,
    S_EXT_VAL_START,
    S_EXT_VAL_TOKEN,
    S_EXT_QUOTED,
    S_EXT_QUOTED_ESC,
    S_EXT_AFTER_VAL,
    S_SIZE_LF,    /* CR seen at the end of the size line */
    S_DATA,
    S_DATA_CR,    /* CRLF after chunk-data */
    S_DATA_LF,
    S_TRAILER,    /* start of a trailer line (or of the final empty line) */
    S_TR_NAME,    /* field-name */
    S_TR_VALUE,   /* after the colon: OWS field-value OWS */
    S_TR_LF,      /* CR seen at the end of a trailer field line */
    S_TR_END_LF,  /* CR seen on the final empty line */
    S_DONE,
};

void zh_chunked_init(zh_chunked *d, const zh_parse_config *cfg)
{
    static const zh_parse_config defaults = ZH_PARSE_CONFIG_INIT;
    if (!cfg)
        cfg = &defaults;
    memset(d, 0, sizeof *d);
    d->limits = cfg->limits;
    d->lenient = cfg->lenient;
    d->state = S_SIZE_START;
}

bool zh_chunked_done(const zh_chunked *d) { return d->state == S_DONE; }

static bool is_ws(unsigned char c) { return c == ' ' || c == '\t'; }

/* qdtext and quoted-pair bytes (RFC 9110 §5.6.4) */
static bool is_qdtext(unsigned char c)
{
    return c == '\t' || c == ' ' || c == 0x21 || (c >= 0x23 && c <= 0x5b) ||
           (c >= 0x5d && c <= 0x7e) || c >= 0x80;
}

static bool is_escapable(unsigned char c)
{
    return c == '\t' || c == ' ' || (c >= 0x21 && c <= 0x7e) || c >= 0x80;
}

/* A trailer field line ended: count it against the head limits. */
static zh_err trailer_line_done(zh_chunked *d)
{
    d->line_len = 0;
    if (++d->trailer_fields > d->limits.max_fields)
        return ZH_E_TOO_MANY_FIELDS;
    d->state = S_TRAILER;
    return ZH_OK;
}

/* The trailer section (RFC 9112 §7.1.2), byte by byte, with the field-line
 * rules of a head (RFC 9112 §5): the same errors as zh_parse_fields. */
static zh_err step_trailer(zh_chunked *d, unsigned char c)
{
    if (++d->trailer_bytes > d->limits.max_head)
        return ZH_E_HEAD_TOO_LARGE;
    /* Like a head's field line, the line's content counts, not its CRLF. */
    if ((d->state == S_TR_NAME || d->state == S_TR_VALUE) && c != '\r' && c != '\n' &&
        ++d->line_len > d->limits.max_field_line)
        return ZH_E_FIELD_LINE_TOO_LONG;
    switch (d->state) {
    case S_TRAILER:
        if (c == '\r') {
            d->state = S_TR_END_LF;
            return ZH_OK;
        }
        if (c == '\n') {
            if (!(d->lenient & ZH_LENIENT_BARE_LF))
                return ZH_E_BARE_LF;
            d->state = S_DONE;
            return ZH_OK;
        }
        d->line_len = 1;
        if (c == ' ' || c == '\t') {
            if (d->trailer_fields == 0 || !(d->lenient & ZH_LENIENT_OBS_FOLD))
                return ZH_E_OBS_FOLD;
            d->trailer_fields--; /* a continuation of the last line, counted again at its end */
            d->state = S_TR_VALUE;
            return ZH_OK;
        }
        if (zh__is(c, ZH_CC_TOKEN)) {
            d->state = S_TR_NAME;
            return ZH_OK;
        }
        return c == '\0' ? ZH_E_NUL : ZH_E_BAD_FIELD_NAME;
    case S_TR_NAME:
        if (zh__is(c, ZH_CC_TOKEN))
            return ZH_OK;
        if (c == ':') {
            d->state = S_TR_VALUE;
            return ZH_OK;
        }
        if (c == ' ' || c == '\t')
            return ZH_E_WS_BEFORE_COLON;
        if (c == '\r' || c == '\n')
            return ZH_E_FIELD_NO_COLON;
        return c == '\0' ? ZH_E_NUL : ZH_E_BAD_FIELD_NAME;
    case S_TR_VALUE:
        if (zh__is(c, ZH_CC_VALUE))
            return ZH_OK;
        if (c == '\r') {
            d->state = S_TR_LF;
            return ZH_OK;
        }
        if (c == '\n') {
            if (!(d->lenient & ZH_LENIENT_BARE_LF))
                return ZH_E_BARE_LF;
            return trailer_line_done(d);
        }
        return c == '\0' ? ZH_E_NUL : ZH_E_BAD_FIELD_VALUE;
    case S_TR_LF:
        if (c != '\n')
            return ZH_E_BARE_CR;
        return trailer_line_done(d);
    case S_TR_END_LF:
        if (c != '\n')
            return ZH_E_BARE_CR;
        d->state = S_DONE;
        return ZH_OK;
    default:
        return ZH_E_INVALID_ARGUMENT;
    }
}

/* The size line is over: decide what follows it. */
static zh_err size_line_done(zh_chunked *d)
{
    d->line_len = 0;
    if (d->size == 0) {
        d->state = S_TRAILER;
        return ZH_OK;
    }
    if (d->size > d->limits.max_body - d->total)
        return ZH_E_BODY_TOO_LARGE;
    d->remaining = d->size;
    d->state = S_DATA;
    return ZH_OK;
}

/* A line end inside the size line: CR goes to S_SIZE_LF; a bare LF ends the line
 * only under ZH_LENIENT_BARE_LF. */
static zh_err size_line_end(zh_chunked *d, unsigned char c)
{
    if (c == '\r') {
        d->state = S_SIZE_LF;
        return ZH_OK;
    }
    if (!(d->lenient & ZH_LENIENT_BARE_LF))
        return ZH_E_BARE_LF;
    return size_line_done(d);
}

static zh_err step_size_line(zh_chunked *d, unsigned char c)
{
    switch (d->state) {
    case S_SIZE_START:
    case S_SIZE: {
        int h = zh__hexval(c);
        if (h >= 0) {
            /* A size past 64 bits is no number at all; one past the limit is
             * too large (413). */
            if (d->size > (UINT64_MAX - (uint64_t)h) / 16)
                return ZH_E_BAD_CHUNK_SIZE;
            d->size = d->size * 16 + (uint64_t)h;
            if (d->size > d->limits.max_chunk_size)
                return ZH_E_CHUNK_TOO_LARGE;
            d->state = S_SIZE;
            return ZH_OK;
        }
        if (d->state == S_SIZE_START)
            return c == '\0' ? ZH_E_NUL : ZH_E_BAD_CHUNK_SIZE;
        if (c == ';') {
            d->state = S_EXT_NAME_START;
            return ZH_OK;
        }
        if (is_ws(c)) {
            d->state = S_SIZE_BWS;
            return ZH_OK;
        }
        if (c == '\r' || c == '\n')
            return size_line_end(d, c);
        return c == '\0' ? ZH_E_NUL : ZH_E_BAD_CHUNK_SIZE;
    }
    case S_SIZE_BWS:
        if (is_ws(c))
            return ZH_OK;
        if (c == ';') {
            d->state = S_EXT_NAME_START;
            return ZH_OK;
        }
        return ZH_E_BAD_CHUNK_SIZE; /* BWS is only allowed before an extension */
    case S_EXT_NAME_START:
        if (is_ws(c))
            return ZH_OK;
        if (zh__is(c, ZH_CC_TOKEN)) {
            d->state = S_EXT_NAME;
            return ZH_OK;
        }
        return ZH_E_BAD_CHUNK_EXT;
    case S_EXT_NAME:
    case S_EXT_AFTER_NAME:
        if (d->state == S_EXT_NAME && zh__is(c, ZH_CC_TOKEN))
            return ZH_OK;
        if (is_ws(c)) {
            d->state = S_EXT_AFTER_NAME;
            return ZH_OK;
        }
        if (c == '=') {
            d->state = S_EXT_VAL_START;
            return ZH_OK;
        }
        if (c == ';') {
            d->state = S_EXT_NAME_START;
            return ZH_OK;
        }
        if (c == '\r' || c == '\n')
            return size_line_end(d, c);
        return ZH_E_BAD_CHUNK_EXT;
    case S_EXT_VAL_START:
        if (is_ws(c))
            return ZH_OK;
        if (c == '"') {
            d->state = S_EXT_QUOTED;
            return ZH_OK;
        }
        if (zh__is(c, ZH_CC_TOKEN)) {
            d->state = S_EXT_VAL_TOKEN;
            return ZH_OK;
        }
        return ZH_E_BAD_CHUNK_EXT;
    case S_EXT_VAL_TOKEN:
    case S_EXT_AFTER_VAL:
        if (d->state == S_EXT_VAL_TOKEN && zh__is(c, ZH_CC_TOKEN))
            return ZH_OK;
        if (is_ws(c)) {
            d->state = S_EXT_AFTER_VAL;
            return ZH_OK;
        }
        if (c == ';') {
            d->state = S_EXT_NAME_START;
            return ZH_OK;
        }
        if (c == '\r' || c == '\n')
            return size_line_end(d, c);
        return ZH_E_BAD_CHUNK_EXT;
    case S_EXT_QUOTED:
        if (c == '"') {
            d->state = S_EXT_AFTER_VAL;
            return ZH_OK;
        }
        if (c == '\\') {
            d->state = S_EXT_QUOTED_ESC;
            return ZH_OK;
        }
        return is_qdtext(c) ? ZH_OK : ZH_E_BAD_CHUNK_EXT;
    case S_EXT_QUOTED_ESC:
        if (!is_escapable(c))
            return ZH_E_BAD_CHUNK_EXT;
        d->state = S_EXT_QUOTED;
        return ZH_OK;
    case S_SIZE_LF:
        if (c != '\n')
            return ZH_E_BARE_CR;
        return size_line_done(d);
    default:
        return ZH_E_INVALID_ARGUMENT;
    }
}

zh_err zh_chunked_next(zh_chunked *d, const char *buf, size_t len, size_t *consumed,
                       zh_slice *data)
{
    size_t i = 0;
    *data = (zh_slice){ buf, 0 };
    while (i < len) {
        unsigned char c = (unsigned char)buf[i];
        zh_err e;
        switch (d->state) {
        case S_DATA: {
            size_t avail = len - i;
            size_t take = d->remaining < avail ? (size_t)d->remaining : avail;
            *data = (zh_slice){ buf + i, take };
            d->remaining -= take;
            d->total += take;
            if (d->remaining == 0)
                d->state = S_DATA_CR;
            *consumed = i + take;
            return ZH_INCOMPLETE;
        }
        case S_DATA_CR:
            if (c == '\r') {
                d->state = S_DATA_LF;
            } else if (c == '\n' && (d->lenient & ZH_LENIENT_BARE_LF)) {
                d->state = S_SIZE_START;
                d->size = 0;
            } else {
                *consumed = i;
                return ZH_E_CHUNK_MISSING_CRLF;
            }
            i++;
            continue;
        case S_DATA_LF:
            if (c != '\n') {
                *consumed = i;
                return ZH_E_CHUNK_MISSING_CRLF;
            }
            d->state = S_SIZE_START;
            d->size = 0;
            i++;
            continue;
        case S_TRAILER:
        case S_TR_NAME:
        case S_TR_VALUE:
        case S_TR_LF:
        case S_TR_END_LF:
            e = step_trailer(d, c);
            if (e != ZH_OK) {
                *consumed = i;
                return e;
            }
            i++;
            if (d->state == S_DONE) {
                *consumed = i;
                return ZH_OK;
            }
            continue;
        case S_DONE:
            *consumed = i;
            return ZH_OK;
        default:
            /* the size line: its content is bounded like a field line's */
            if (c != '\r' && c != '\n' && ++d->line_len > d->limits.max_field_line) {
                *consumed = i;
                return ZH_E_FIELD_LINE_TOO_LONG;
            }
            e = step_size_line(d, c);
            if (e != ZH_OK) {
                *consumed = i;
                return e;
            }
            i++;
            continue;
        }
    }
    *consumed = i;
    return d->state == S_DONE ? ZH_OK : ZH_INCOMPLETE;
}

zh_err zh_chunked_decode(zh_chunked *d, char *buf, size_t len, size_t *consumed, size_t *decoded)
{
    size_t in = 0, out = 0;
    for (;;) {
        size_t used = 0;
        zh_slice data;
        zh_err e = zh_chunked_next(d, buf + in, len - in, &used, &data);
        if (data.len) {
            memmove(buf + out, data.ptr, data.len);
            out += data.len;
        }
        in += used;
        if (e != ZH_INCOMPLETE || (data.len == 0 && (used == 0 || in == len))) {
            *consumed = in;
            *decoded = out;
            return e;
        }
    }
}
