/* Chunked transfer coding (RFC 9112 §7.1): every body decoded whole, one byte at a
 * time and cut at every byte boundary, through both zh_chunked_next (slices) and
 * zh_chunked_decode (in place), every input against an unmapped page. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "guard.h"
#include "ptest.h"
#include "zhttp/parse.h"

typedef struct ck_case {
    int line;
    const char *in;
    size_t len;
    unsigned lenient;
    uint64_t max_chunk; /* 0: default */
    uint64_t max_body;  /* 0: default */
    size_t max_fields;  /* 0: default */
    zh_err err;         /* ZH_OK, ZH_INCOMPLETE or an error */
    zh_err err2;        /* another acceptable error where RFC 9112 allows either; 0: none */
    const char *body;   /* ZH_OK / ZH_INCOMPLETE: data decoded */
    size_t body_len;
    size_t tail;        /* ZH_OK: bytes after the chunked body */
} ck_case;

#define L .line = __LINE__
#define IN(s) .in = (s), .len = sizeof(s) - 1
#define BODY(s) .body = (s), .body_len = sizeof(s) - 1
#define OK(s) .err = ZH_OK, BODY(s)
#define MORE(s) .err = ZH_INCOMPLETE, BODY(s)
#define ERR(e) .err = ZH_E_##e
#define ERR2(e, f) .err = ZH_E_##e, .err2 = ZH_E_##f
#define BIG .max_chunk = UINT64_MAX, .max_body = UINT64_MAX

static const ck_case cases[] = {
    /* ---- well-formed */
    { L, IN("5\r\nhello\r\n0\r\n\r\n"), OK("hello") },
    { L, IN("0\r\n\r\n"), OK("") },
    { L, IN("3\r\nabc\r\n4\r\ndefg\r\n0\r\n\r\n"), OK("abcdefg") },
    { L, IN("1\r\na\r\n1\r\nb\r\n1\r\nc\r\n0\r\n\r\n"), OK("abc") },
    { L, IN("a\r\n0123456789\r\n0\r\n\r\n"), OK("0123456789") },
    { L, IN("A\r\n0123456789\r\n0\r\n\r\n"), OK("0123456789") },
    { L, IN("10\r\n0123456789abcdef\r\n0\r\n\r\n"), OK("0123456789abcdef") },
    { L, IN("0005\r\nhello\r\n000\r\n\r\n"), OK("hello") },
    { L, IN("00000000000000000000005\r\nhello\r\n0\r\n\r\n"), OK("hello") },
    { L, IN("4\r\n\r\n\r\n\r\n0\r\n\r\n"), OK("\r\n\r\n") },
    { L, IN("3\r\na\0b\r\n0\r\n\r\n"), OK("a\0b") },
    { L, IN("2\r\n\xff\x80\r\n0\r\n\r\n"), OK("\xff\x80") },
    { L, IN("5;foo=bar\r\nhello\r\n0\r\n\r\n"), OK("hello") },
    { L, IN("5;foo\r\nhello\r\n0;last\r\n\r\n"), OK("hello") },
    { L, IN("5;a=1;b=2;c\r\nhello\r\n0\r\n\r\n"), OK("hello") },
    { L, IN("5 ; a = b\r\nhello\r\n0\r\n\r\n"), OK("hello") },
    { L, IN("5;\t a\t=\tb\r\nhello\r\n0\r\n\r\n"), OK("hello") },
    { L, IN("5;foo=\"a b;c=d\"\r\nhello\r\n0\r\n\r\n"), OK("hello") },
    { L, IN("5;foo=\"a\\\"b\\\\\"\r\nhello\r\n0\r\n\r\n"), OK("hello") },
    { L, IN("5;foo=\"\"\r\nhello\r\n0\r\n\r\n"), OK("hello") },
    { L, IN("5;foo=\"\\\r\"\r\nhello\r\n0\r\n\r\n"), ERR(BAD_CHUNK_EXT) },
    { L, IN("5;foo=\"caf\xc3\xa9\"\r\nhello\r\n0\r\n\r\n"), OK("hello") },
    { L, IN("5;!#$%&'*+-.^_`|~=!#$%&'*+-.^_`|~\r\nhello\r\n0\r\n\r\n"), OK("hello") },
    { L, IN("5\r\nhello\r\n0\r\nX-T: 1\r\nY: 2\r\n\r\n"), OK("hello") },
    { L, IN("0\r\nExpires: never\r\n\r\n"), OK("") },
    { L, IN("0\r\nX:\r\n\r\n"), OK("") },
    { L, IN("0\r\n\r\nGET / HTTP/1.1\r\n"), OK(""), .tail = 16 },
    { L, IN("2\r\nab\r\n0\r\n\r\n\r\n"), OK("ab"), .tail = 2 },
    { L, IN("5\nhello\n0\n\n"), .lenient = ZH_LENIENT_BARE_LF, OK("hello") },
    { L, IN("5\r\nhello\n0\r\nX: 1\n\n"), .lenient = ZH_LENIENT_BARE_LF, OK("hello") },
    /* ---- limits */
    { L, IN("5\r\nhello\r\n0\r\n\r\n"), .max_chunk = 5, OK("hello") },
    { L, IN("6\r\nhello!\r\n0\r\n\r\n"), .max_chunk = 5, ERR(CHUNK_TOO_LARGE) },
    { L, IN("0006\r\nhello!\r\n0\r\n\r\n"), .max_chunk = 5, ERR(CHUNK_TOO_LARGE) },
    { L, IN("5\r\nhello\r\n3\r\nabc\r\n0\r\n\r\n"), .max_body = 8, OK("helloabc") },
    { L, IN("5\r\nhello\r\n4\r\nabcd\r\n0\r\n\r\n"), .max_body = 8, ERR(BODY_TOO_LARGE) },
    { L, IN("9\r\n123456789\r\n0\r\n\r\n"), .max_body = 8, ERR(BODY_TOO_LARGE) },
    { L, IN("1000000\r\n"), MORE("") },
    { L, IN("1000001\r\n"), ERR(CHUNK_TOO_LARGE) },
    { L, IN("FFFFFFFFFFFFFFFF\r\n"), BIG, MORE("") },
    { L, IN("10000000000000000\r\n"), BIG, ERR(BAD_CHUNK_SIZE) },
    { L, IN("FFFFFFFFFFFFFFFFF\r\n"), BIG, ERR(BAD_CHUNK_SIZE) },
    { L, IN("0\r\nA: 1\r\nB: 2\r\n\r\n"), .max_fields = 2, OK("") },
    { L, IN("0\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n"), .max_fields = 2, ERR(TOO_MANY_FIELDS) },
    /* ---- incomplete */
    { L, IN(""), MORE("") },
    { L, IN("5"), MORE("") },
    { L, IN("5\r\nhel"), MORE("hel") },
    { L, IN("5\r\nhello"), MORE("hello") },
    { L, IN("5\r\nhello\r\n0\r\n"), MORE("hello") },
    { L, IN("5\r\nhello\r\n0\r\n\r"), MORE("hello") },
    { L, IN("0\r\nX: 1\r\n"), MORE("") },
    /* ---- chunk-size */
    { L, IN("\r\n\r\n"), ERR(BAD_CHUNK_SIZE) },
    { L, IN("g\r\nhello\r\n0\r\n\r\n"), ERR(BAD_CHUNK_SIZE) },
    { L, IN("-5\r\nhello\r\n0\r\n\r\n"), ERR(BAD_CHUNK_SIZE) },
    { L, IN("+5\r\nhello\r\n0\r\n\r\n"), ERR(BAD_CHUNK_SIZE) },
    { L, IN("0x5\r\nhello\r\n0\r\n\r\n"), ERR(BAD_CHUNK_SIZE) },
    { L, IN(" 5\r\nhello\r\n0\r\n\r\n"), ERR(BAD_CHUNK_SIZE) },
    { L, IN("5 \r\nhello\r\n0\r\n\r\n"), ERR(BAD_CHUNK_SIZE) },
    { L, IN("5\t \t;a\r\nhello\r\n0\r\n\r\n"), OK("hello") },
    { L, IN("5 5\r\nhello\r\n0\r\n\r\n"), ERR(BAD_CHUNK_SIZE) },
    { L, IN(";a\r\nhello\r\n0\r\n\r\n"), ERR(BAD_CHUNK_SIZE) },
    { L, IN("5\r\nhello\r\nz\r\n\r\n"), ERR(BAD_CHUNK_SIZE) },
    { L, IN("5\0\r\nhello\r\n0\r\n\r\n"), ERR2(NUL, BAD_CHUNK_SIZE) },
    { L, IN("5\rX\nhello\r\n0\r\n\r\n"), ERR(BARE_CR) },
    { L, IN("5\nhello\r\n0\r\n\r\n"), ERR(BARE_LF) },
    { L, IN("0\r\n\n"), ERR(BARE_LF) },
    /* ---- data CRLF */
    { L, IN("5\r\nhelloX\r\n0\r\n\r\n"), ERR(CHUNK_MISSING_CRLF) },
    { L, IN("5\r\nhello0\r\n\r\n"), ERR(CHUNK_MISSING_CRLF) },
    { L, IN("5\r\nhello\rX0\r\n\r\n"), ERR2(CHUNK_MISSING_CRLF, BARE_CR) },
    { L, IN("5\r\nhello\n0\r\n\r\n"), ERR2(CHUNK_MISSING_CRLF, BARE_LF) },
    { L, IN("3\r\nhello\r\n0\r\n\r\n"), ERR(CHUNK_MISSING_CRLF) },
    /* ---- extensions */
    { L, IN("5;\r\nhello\r\n0\r\n\r\n"), ERR(BAD_CHUNK_EXT) },
    { L, IN("5;=a\r\nhello\r\n0\r\n\r\n"), ERR(BAD_CHUNK_EXT) },
    { L, IN("5;a=\r\nhello\r\n0\r\n\r\n"), ERR(BAD_CHUNK_EXT) },
    { L, IN("5;a=b c\r\nhello\r\n0\r\n\r\n"), ERR(BAD_CHUNK_EXT) },
    { L, IN("5;a@=b\r\nhello\r\n0\r\n\r\n"), ERR(BAD_CHUNK_EXT) },
    { L, IN("5;a=\x01\r\nhello\r\n0\r\n\r\n"), ERR(BAD_CHUNK_EXT) },
    { L, IN("5;a=\"x\x01\"\r\nhello\r\n0\r\n\r\n"), ERR(BAD_CHUNK_EXT) },
    { L, IN("5;a=\"unterminated\r\nhello\r\n0\r\n\r\n"), ERR(BAD_CHUNK_EXT) },
    { L, IN("5;a=\"x\"y\r\nhello\r\n0\r\n\r\n"), ERR(BAD_CHUNK_EXT) },
    { L, IN("5;a=\"\\\x01\"\r\nhello\r\n0\r\n\r\n"), ERR(BAD_CHUNK_EXT) },
    { L, IN("5;a;;b\r\nhello\r\n0\r\n\r\n"), ERR(BAD_CHUNK_EXT) },
    { L, IN("5;a b\r\nhello\r\n0\r\n\r\n"), ERR(BAD_CHUNK_EXT) },
    { L, IN("5;a=b c=d\r\nhello\r\n0\r\n\r\n"), ERR(BAD_CHUNK_EXT) },
    { L, IN("5;a=\"x\x7f\"\r\nhello\r\n0\r\n\r\n"), ERR(BAD_CHUNK_EXT) },
    { L, IN("5;a=\"x\\\x7f\"\r\nhello\r\n0\r\n\r\n"), ERR(BAD_CHUNK_EXT) },
    /* ---- trailers: the field rules */
    { L, IN("0\r\nX : 1\r\n\r\n"), ERR(WS_BEFORE_COLON) },
    { L, IN("0\r\nX(: 1\r\n\r\n"), ERR(BAD_FIELD_NAME) },
    { L, IN("0\r\n: 1\r\n\r\n"), ERR(BAD_FIELD_NAME) },
    { L, IN("0\r\nX: \x01\r\n\r\n"), ERR(BAD_FIELD_VALUE) },
    { L, IN("0\r\nX\r\n\r\n"), ERR(FIELD_NO_COLON) },
    { L, IN("0\r\nX: 1\r\n y\r\n\r\n"), ERR(OBS_FOLD) },
    { L, IN("0\r\nX: 1\ry\r\n\r\n"), ERR(BARE_CR) },
    { L, IN("0\r\nX: 1\0\r\n\r\n"), ERR(NUL) },
    { L, IN("0\r\nX: 1\n\r\n"), ERR(BARE_LF) },
    { L, IN("0\r\n\0X: 1\r\n\r\n"), ERR(NUL) },
    { L, IN("0\r\n\rX"), ERR(BARE_CR) },
    { L, IN("0\r\nX: 1\r\n\rX"), ERR(BARE_CR) },
    { L, IN("0\r\nX\0: 1\r\n\r\n"), ERR(NUL) },
    { L, IN("0\r\n X: 1\r\n\r\n"), ERR(OBS_FOLD) },
    { L, IN("0\r\n X: 1\r\n\r\n"), .lenient = ZH_LENIENT_OBS_FOLD, ERR(OBS_FOLD) },
    { L, IN("0\r\nX: 1\r\n y\r\n\r\n"), .lenient = ZH_LENIENT_OBS_FOLD, OK("") },
};

#define NCASES ((int)(sizeof(cases) / sizeof(cases[0])))

typedef struct outcome {
    zh_err err;
    char body[256];
    size_t body_len;
    size_t consumed; /* input bytes used when err == ZH_OK */
} outcome;

static zh_parse_config case_cfg(const ck_case *c)
{
    zh_parse_config cfg = pt_cfg(c->lenient, false);
    if (c->max_chunk)
        cfg.limits.max_chunk_size = c->max_chunk;
    if (c->max_body)
        cfg.limits.max_body = c->max_body;
    if (c->max_fields)
        cfg.limits.max_fields = c->max_fields;
    return cfg;
}

static void append(outcome *o, const char *p, size_t n, int line)
{
    ck_assert_msg(o->body_len + n <= sizeof o->body, "line %d: body overflow", line);
    memcpy(o->body + o->body_len, p, n);
    o->body_len += n;
}

/* zh_chunked_next with input arriving in pieces: first `first` bytes (0: step),
 * then `step` bytes at a time. */
static outcome run_next(const ck_case *c, size_t first, size_t step)
{
    zh_parse_config cfg = case_cfg(c);
    zh_chunked d;
    zh_chunked_init(&d, &cfg);
    outcome o = { .err = ZH_INCOMPLETE };
    size_t start = 0, end = first ? first : step;
    if (end > c->len)
        end = c->len;
    ck_assert(!zh_chunked_done(&d));
    for (size_t iter = 0; iter < 4 * c->len + 16; iter++) {
        size_t n = end - start;
        char *win = guard_copy(c->in + start, n);
        size_t used = (size_t)-1;
        zh_slice data = { NULL, 0 };
        zh_err e = zh_chunked_next(&d, win, n, &used, &data);
        if (e == ZH_OK || e == ZH_INCOMPLETE) {
            ck_assert_msg(used <= n, "line %d: consumed %zu of %zu", c->line, used, n);
            ck_assert_msg(pt_slice_within(data, win, used), "line %d: data outside the consumed input", c->line);
            append(&o, data.ptr, data.len, c->line);
        }
        guard_free(win, n);
        if (e != ZH_INCOMPLETE) {
            o.err = e;
            if (e == ZH_OK) {
                o.consumed = start + used;
                ck_assert_msg(zh_chunked_done(&d), "line %d: done() false after ZH_OK", c->line);
            }
            return o;
        }
        ck_assert_msg(!zh_chunked_done(&d), "line %d: done() before the end", c->line);
        start += used;
        if (start == end || (used == 0 && data.len == 0)) {
            if (end == c->len)
                return o;
            end = end + step > c->len ? c->len : end + step;
        }
    }
    ck_abort_msg("line %d: decoder made no progress", c->line);
    return o;
}

/* zh_chunked_decode in place with input arriving in pieces, as above. */
static outcome run_decode(const ck_case *c, size_t first, size_t step)
{
    zh_parse_config cfg = case_cfg(c);
    zh_chunked d;
    zh_chunked_init(&d, &cfg);
    outcome o = { .err = ZH_INCOMPLETE };
    size_t start = 0;
    for (;;) {
        size_t k = start == 0 && first ? first : step;
        if (k > c->len - start)
            k = c->len - start;
        char *piece = guard_copy(c->in + start, k);
        size_t used = (size_t)-1, decoded = (size_t)-1;
        zh_err e = zh_chunked_decode(&d, piece, k, &used, &decoded);
        if (e == ZH_OK || e == ZH_INCOMPLETE) {
            ck_assert_msg(used <= k && decoded <= used, "line %d: used %zu decoded %zu of %zu", c->line, used,
                          decoded, k);
            append(&o, piece, decoded, c->line);
        }
        guard_free(piece, k);
        if (e != ZH_INCOMPLETE) {
            o.err = e;
            if (e == ZH_OK) {
                o.consumed = start + used;
                ck_assert(zh_chunked_done(&d));
            }
            return o;
        }
        ck_assert_msg(used == k, "line %d: ZH_INCOMPLETE with %zu of %zu used", c->line, used, k);
        start += k;
        if (start == c->len)
            return o;
    }
}

static void check_outcome(const ck_case *c, const outcome *o, const char *how)
{
    bool err_ok = o->err == c->err || (c->err2 && o->err == c->err2);
    ck_assert_msg(err_ok, "line %d (%s): got %s, want %s", c->line, how, zh_error_name(o->err),
                  zh_error_name(c->err));
    if (c->err == ZH_OK || c->err == ZH_INCOMPLETE) {
        ck_assert_msg(o->body_len == c->body_len && memcmp(o->body, c->body, c->body_len) == 0,
                      "line %d (%s): body '%.*s' (%zu bytes)", c->line, how, (int)o->body_len, o->body, o->body_len);
    }
    if (c->err == ZH_OK)
        ck_assert_msg(o->consumed == c->len - c->tail, "line %d (%s): consumed %zu, want %zu", c->line, how,
                      o->consumed, c->len - c->tail);
}

START_TEST(chunked_whole_and_bytewise)
{
    const ck_case *c = &cases[_i];
    outcome o = run_next(c, 0, c->len ? c->len : 1);
    check_outcome(c, &o, "next, whole");
    o = run_next(c, 0, 1);
    check_outcome(c, &o, "next, byte at a time");
    o = run_decode(c, 0, c->len ? c->len : 1);
    check_outcome(c, &o, "decode, whole");
    o = run_decode(c, 0, 1);
    check_outcome(c, &o, "decode, byte at a time");
}
END_TEST

START_TEST(chunked_every_split)
{
    const ck_case *c = &cases[_i];
    char how[64];
    for (size_t p = 1; p < c->len; p++) {
        outcome o = run_next(c, p, c->len);
        snprintf(how, sizeof how, "next, split at %zu", p);
        check_outcome(c, &o, how);
        o = run_decode(c, p, c->len);
        snprintf(how, sizeof how, "decode, split at %zu", p);
        check_outcome(c, &o, how);
    }
}
END_TEST

/* The data slice of a whole-buffer decode points at the chunk's bytes. */
START_TEST(next_is_zero_copy)
{
    static const char in[] = "5\r\nhello\r\n3;x=y\r\nabc\r\n0\r\n\r\n";
    size_t len = sizeof in - 1, used;
    char *buf = guard_copy(in, len);
    zh_chunked d;
    zh_chunked_init(&d, NULL);
    zh_slice data;
    size_t pos = 0;
    zh_err e;
    /* First run of data: "hello" at offset 3. */
    do {
        e = zh_chunked_next(&d, buf + pos, len - pos, &used, &data);
        ck_assert_int_eq(e, ZH_INCOMPLETE);
        pos += used;
    } while (data.len == 0);
    ck_assert_ptr_eq(data.ptr, buf + 3);
    ck_assert_uint_eq(data.len, 5);
    ck_assert_uint_eq(pos, 8);
    do {
        e = zh_chunked_next(&d, buf + pos, len - pos, &used, &data);
        ck_assert_int_eq(e, ZH_INCOMPLETE);
        pos += used;
    } while (data.len == 0);
    ck_assert_ptr_eq(data.ptr, buf + 17);
    ck_assert_uint_eq(data.len, 3);
    do {
        e = zh_chunked_next(&d, buf + pos, len - pos, &used, &data);
        pos += used;
        ck_assert_uint_eq(data.len, 0);
    } while (e == ZH_INCOMPLETE && used > 0);
    ck_assert_int_eq(e, ZH_OK);
    ck_assert_uint_eq(pos, len);
    ck_assert(zh_chunked_done(&d));
    guard_free(buf, len);
}
END_TEST

/* In-place decode over a whole buffer, then a reused decoder for a second body. */
START_TEST(decode_in_place)
{
    static const char in[] = "4\r\nWiki\r\n5;ext=\"q\\\"x\"\r\npedia\r\nE\r\n in\r\n\r\nchunks.\r\n0\r\nT: v\r\n\r\nNEXT";
    size_t len = sizeof in - 1, used, decoded;
    char *buf = guard_copy(in, len);
    zh_chunked d;
    zh_parse_config cfg = pt_cfg(0, true);
    zh_chunked_init(&d, &cfg);
    ck_assert_int_eq(zh_chunked_decode(&d, buf, len, &used, &decoded), ZH_OK);
    ck_assert_uint_eq(used, len - 4);
    ck_assert_uint_eq(decoded, 23);
    ck_assert_int_eq(memcmp(buf, "Wikipedia in\r\n\r\nchunks.", 23), 0);
    ck_assert_int_eq(memcmp(buf + used, "NEXT", 4), 0);
    ck_assert(zh_chunked_done(&d));
    guard_free(buf, len);

    /* init resets everything: the same struct decodes a second body. */
    static const char in2[] = "2\r\nok\r\n0\r\n\r\n";
    buf = guard_copy(in2, sizeof in2 - 1);
    zh_chunked_init(&d, &cfg);
    ck_assert(!zh_chunked_done(&d));
    ck_assert_int_eq(zh_chunked_decode(&d, buf, sizeof in2 - 1, &used, &decoded), ZH_OK);
    ck_assert_uint_eq(decoded, 2);
    ck_assert_int_eq(memcmp(buf, "ok", 2), 0);
    guard_free(buf, sizeof in2 - 1);
}
END_TEST

/* A large chunk: the size limit is per chunk and the body limit is the sum. */
START_TEST(large_chunks)
{
    size_t n = 70000;
    char *in = malloc(n + 64);
    ck_assert_ptr_nonnull(in);
    int h = snprintf(in, 64, "%zx\r\n", n);
    memset(in + h, 'z', n);
    memcpy(in + h + n, "\r\n0\r\n\r\n", 7);
    size_t len = (size_t)h + n + 7, used, decoded;
    zh_parse_config cfg = pt_cfg(0, false);
    zh_chunked d;
    for (int round = 0; round < 4; round++) {
        cfg.limits.max_chunk_size = round == 1 ? n - 1 : n;
        cfg.limits.max_body = round == 2 ? n - 1 : n;
        char *buf = guard_copy(in, len);
        zh_chunked_init(&d, &cfg);
        zh_err e;
        if (round == 3) {
            /* two pieces cut inside the data */
            e = zh_chunked_decode(&d, buf, 40000, &used, &decoded);
            ck_assert_int_eq(e, ZH_INCOMPLETE);
            ck_assert_uint_eq(used, 40000);
            ck_assert_uint_eq(decoded, 40000 - (size_t)h);
            e = zh_chunked_decode(&d, buf + 40000, len - 40000, &used, &decoded);
            ck_assert_int_eq(e, ZH_OK);
            ck_assert_uint_eq(decoded, n - (40000 - (size_t)h));
        } else {
            e = zh_chunked_decode(&d, buf, len, &used, &decoded);
        }
        if (round == 0) {
            ck_assert_int_eq(e, ZH_OK);
            ck_assert_uint_eq(decoded, n);
            ck_assert_uint_eq(used, len);
        } else if (round == 1) {
            ck_assert_int_eq(e, ZH_E_CHUNK_TOO_LARGE);
        } else if (round == 2) {
            ck_assert_int_eq(e, ZH_E_BODY_TOO_LARGE);
        }
        guard_free(buf, len);
    }
    free(in);
}
END_TEST

START_TEST(body_limit_counts_all_chunks)
{
    /* 40 chunks of 3 bytes: 120 bytes of body. */
    char in[512];
    size_t len = 0;
    for (int i = 0; i < 40; i++) {
        memcpy(in + len, "3\r\nabc\r\n", 8);
        len += 8;
    }
    memcpy(in + len, "0\r\n\r\n", 5);
    len += 5;
    for (uint64_t limit = 119; limit <= 121; limit++) {
        zh_parse_config cfg = pt_cfg(0, false);
        cfg.limits.max_body = limit;
        zh_chunked d;
        zh_chunked_init(&d, &cfg);
        char *buf = guard_copy(in, len);
        size_t used, decoded;
        zh_err e = zh_chunked_decode(&d, buf, len, &used, &decoded);
        ck_assert_int_eq(e, limit >= 120 ? ZH_OK : ZH_E_BODY_TOO_LARGE);
        if (e == ZH_OK)
            ck_assert_uint_eq(decoded, 120);
        guard_free(buf, len);
    }
}
END_TEST

START_TEST(too_many_trailer_fields_default)
{
    /* The default limit is 100 fields, for trailers too. */
    static char in[4096];
    for (int fields = 100; fields <= 101; fields++) {
        size_t len = 0;
        memcpy(in, "0\r\n", 3);
        len = 3;
        for (int i = 0; i < fields; i++) {
            memcpy(in + len, "T: 1\r\n", 6);
            len += 6;
        }
        memcpy(in + len, "\r\n", 2);
        len += 2;
        zh_chunked d;
        zh_chunked_init(&d, NULL);
        char *buf = guard_copy(in, len);
        size_t used, decoded;
        zh_err e = zh_chunked_decode(&d, buf, len, &used, &decoded);
        ck_assert_msg(e == (fields <= 100 ? ZH_OK : ZH_E_TOO_MANY_FIELDS), "%d: %s", fields, zh_error_name(e));
        guard_free(buf, len);
    }
}
END_TEST

/* The size line is bounded like a field line, the trailer section like a head. */
START_TEST(line_and_trailer_limits)
{
    static const char size_line[] = "5;a=bcdefgh\r\nhello\r\n0\r\n\r\n"; /* size line: 11 bytes + CRLF */
    static const char trailers[] = "0\r\nA: 12\r\nB: 34\r\n\r\n";        /* trailer section: 16 bytes */
    struct {
        const char *in;
        size_t len;
        size_t field_line, head;
        zh_err want;
    } rows[] = {
        { size_line, sizeof size_line - 1, 13, 65536, ZH_OK },
        { size_line, sizeof size_line - 1, 10, 65536, ZH_E_FIELD_LINE_TOO_LONG },
        { trailers, sizeof trailers - 1, 8192, 16, ZH_OK },
        { trailers, sizeof trailers - 1, 8192, 15, ZH_E_HEAD_TOO_LARGE },
        { trailers, sizeof trailers - 1, 7, 65536, ZH_OK },
        { trailers, sizeof trailers - 1, 4, 65536, ZH_E_FIELD_LINE_TOO_LONG },
    };
    for (size_t r = 0; r < sizeof rows / sizeof rows[0]; r++) {
        zh_parse_config cfg = pt_cfg(0, false);
        cfg.limits.max_field_line = rows[r].field_line;
        cfg.limits.max_head = rows[r].head;
        for (size_t step = 1; step <= rows[r].len; step += rows[r].len - 1) {
            zh_chunked d;
            zh_chunked_init(&d, &cfg);
            size_t at = 0, used, decoded;
            zh_err e = ZH_INCOMPLETE;
            while (e == ZH_INCOMPLETE && at < rows[r].len) {
                size_t k = rows[r].len - at < step ? rows[r].len - at : step;
                char *piece = guard_copy(rows[r].in + at, k);
                e = zh_chunked_decode(&d, piece, k, &used, &decoded);
                guard_free(piece, k);
                at += k;
            }
            ck_assert_msg(e == rows[r].want, "row %zu step %zu: %s", r, step, zh_error_name(e));
        }
    }
}
END_TEST

static Suite *chunked_suite(void)
{
    Suite *s = suite_create("chunked");
    TCase *tc = tcase_create("table");
    tcase_set_timeout(tc, 120);
    tcase_add_loop_test(tc, chunked_whole_and_bytewise, 0, NCASES);
    tcase_add_loop_test(tc, chunked_every_split, 0, NCASES);
    suite_add_tcase(s, tc);
    tc = tcase_create("api");
    tcase_add_test(tc, next_is_zero_copy);
    tcase_add_test(tc, decode_in_place);
    tcase_add_test(tc, large_chunks);
    tcase_add_test(tc, body_limit_counts_all_chunks);
    tcase_add_test(tc, too_many_trailer_fields_default);
    tcase_add_test(tc, line_and_trailer_limits);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(chunked_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
