/* bench/suites/parse.c - the parser suite: request head, response head and
 * chunked decoding on the committed corpus, zhttp (default dispatch and
 * force_scalar) beside the peers built in, so ratios come from one run. */
#include <stdio.h>
#include <string.h>

#include "suites.h"
#include "zhttp/parse.h"

#define FIELDS 64

typedef struct parse_case {
    const char *corpus;
    bool scalar;
} parse_case;

static zh_parse_config config_for(bool scalar)
{
    zh_parse_config cfg = ZH_PARSE_CONFIG_DEFAULT;
    cfg.force_scalar = scalar;
    return cfg;
}

static void zh_request(bench_b *b)
{
    const parse_case *pc = b->arg;
    const bench_corpus *c = bench_corpus_get(pc->corpus);
    const char *buf = (const char *)c->data;
    zh_parse_config cfg = config_for(pc->scalar);
    zh_field fields[FIELDS];
    size_t want = bench_corpus_fields(c);
    bench_set_bytes(b, c->len);
    for (uint64_t i = 0; i < b->n; i++) {
        zh_request_head h = { .fields = fields, .fields_cap = FIELDS };
        size_t used = 0;
        zh_err e = zh_parse_request_head(buf, c->len, &cfg, &h, &used);
        if (e != ZH_OK || used != c->len || h.num_fields != want) {
            bench_fail(b, "zh_parse_request_head(%s) = %s, consumed %zu of %zu, %zu of %zu fields (offset %zu)",
                       c->name, zh_error_name(e), used, c->len, h.num_fields, want, h.error_offset);
            return;
        }
        BENCH_KEEP(h.num_fields);
    }
}

static void zh_response(bench_b *b)
{
    const parse_case *pc = b->arg;
    const bench_corpus *c = bench_corpus_get(pc->corpus);
    const char *buf = (const char *)c->data;
    zh_parse_config cfg = config_for(pc->scalar);
    zh_field fields[FIELDS];
    size_t want = bench_corpus_fields(c);
    bench_set_bytes(b, c->len);
    for (uint64_t i = 0; i < b->n; i++) {
        zh_response_head h = { .fields = fields, .fields_cap = FIELDS };
        size_t used = 0;
        zh_err e = zh_parse_response_head(buf, c->len, &cfg, &h, &used);
        if (e != ZH_OK || used != c->len || h.status != 200 || h.num_fields != want) {
            bench_fail(b, "zh_parse_response_head(%s) = %s, consumed %zu of %zu (offset %zu)",
                       c->name, zh_error_name(e), used, c->len, h.error_offset);
            return;
        }
        BENCH_KEEP(h.num_fields);
    }
}

/* Zero-copy decoding: zh_chunked_next hands out slices of the data runs. */
static void zh_chunked_slices(bench_b *b)
{
    const parse_case *pc = b->arg;
    const bench_corpus *c = bench_corpus_get(pc->corpus);
    const char *buf = (const char *)c->data;
    zh_parse_config cfg = config_for(pc->scalar);
    bench_set_bytes(b, c->len);
    for (uint64_t i = 0; i < b->n; i++) {
        zh_chunked d;
        zh_chunked_init(&d, &cfg);
        size_t off = 0;
        uint64_t total = 0;
        zh_err e;
        for (;;) {
            size_t used = 0;
            zh_slice data = { NULL, 0 };
            e = zh_chunked_next(&d, buf + off, c->len - off, &used, &data);
            off += used;
            total += data.len;
            if (e != ZH_INCOMPLETE)
                break;
            if (used == 0 && data.len == 0) {
                bench_fail(b, "zh_chunked_next made no progress at offset %zu", off);
                return;
            }
        }
        if (e != ZH_OK || off != c->len || total != BENCH_CHUNKED_BODY_LEN) {
            bench_fail(b, "zh_chunked_next(%s) = %s, consumed %zu of %zu, decoded %llu", c->name,
                       zh_error_name(e), off, c->len, (unsigned long long)total);
            return;
        }
    }
}

/* In-place decoding, the same work as picohttpparser's phr_decode_chunked: each
 * iteration decodes a fresh copy, made outside the timer. */
static void zh_chunked_in_place(bench_b *b)
{
    const parse_case *pc = b->arg;
    const bench_corpus *c = bench_corpus_get(pc->corpus);
    static char work[1 << 17];
    if (c->len > sizeof work) {
        bench_fail(b, "corpus %s too large", c->name);
        return;
    }
    zh_parse_config cfg = config_for(pc->scalar);
    bench_set_bytes(b, c->len);
    for (uint64_t i = 0; i < b->n; i++) {
        bench_stop_timer(b);
        memcpy(work, c->data, c->len);
        bench_start_timer(b);
        zh_chunked d;
        zh_chunked_init(&d, &cfg);
        size_t used = 0, decoded = 0;
        zh_err e = zh_chunked_decode(&d, work, c->len, &used, &decoded);
        if (e != ZH_OK || used != c->len || decoded != BENCH_CHUNKED_BODY_LEN) {
            bench_fail(b, "zh_chunked_decode(%s) = %s, consumed %zu, decoded %zu", c->name,
                       zh_error_name(e), used, decoded);
            return;
        }
    }
}

static const parse_case cases[][2] = {
    { { "req_browser", false }, { "req_browser", true } },
    { { "req_minimal", false }, { "req_minimal", true } },
    { { "req_fasthttp", false }, { "req_fasthttp", true } },
    { { "resp_small", false }, { "resp_small", true } },
    { { "body_chunked_64k", false }, { "body_chunked_64k", true } },
};

static void add(const char *group, const char *label, const char *impl, bench_fn fn, const void *arg)
{
    char name[128];
    snprintf(name, sizeof name, "%s/%s/%s", group, label, impl);
    bench_register(name, fn, arg);
}

/* Registers one row group: zhttp, zhttp-scalar, then the peers. */
static void add_head(const char *group, const char *label, const parse_case pc[2], bool response)
{
    add(group, label, "zhttp", response ? zh_response : zh_request, &pc[0]);
    add(group, label, "zhttp-scalar", response ? zh_response : zh_request, &pc[1]);
    const bench_corpus *c = bench_corpus_get(pc[0].corpus);
    (void)c;
#ifdef ZH_BENCH_HAVE_PICO
    add(group, label, "pico", response ? peer_pico_response : peer_pico_request, c);
#endif
#ifdef ZH_BENCH_HAVE_HTTP_PARSER
    add(group, label, "http-parser", response ? peer_http_parser_response : peer_http_parser_request,
        c);
#endif
}

void suite_parse_register(void)
{
    add_head("ParseRequest", "browser", cases[0], false);
    add_head("ParseRequest", "minimal", cases[1], false);
    add_head("ParseRequest", "fasthttp", cases[2], false);
    add_head("ParseResponse", "small", cases[3], true);

    const parse_case *ch = cases[4];
    const bench_corpus *c = bench_corpus_get(ch[0].corpus);
    (void)c;
    add("ChunkedDecode", "64k", "zhttp", zh_chunked_slices, &ch[0]);
    add("ChunkedDecode", "64k", "zhttp-scalar", zh_chunked_slices, &ch[1]);
#ifdef ZH_BENCH_HAVE_HTTP_PARSER
    add("ChunkedDecode", "64k", "http-parser", peer_http_parser_chunked, c);
#endif
    add("ChunkedDecodeInPlace", "64k", "zhttp", zh_chunked_in_place, &ch[0]);
    add("ChunkedDecodeInPlace", "64k", "zhttp-scalar", zh_chunked_in_place, &ch[1]);
#ifdef ZH_BENCH_HAVE_PICO
    add("ChunkedDecodeInPlace", "64k", "pico", peer_pico_chunked, c);
#endif
}
