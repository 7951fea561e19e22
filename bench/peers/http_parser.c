/* bench/peers/http_parser.c - nodejs/http-parser 2.9.4 (Debian libhttp-parser-dev).
 * It reports spans through callbacks; the callbacks here keep what a user needs
 * (method via the parser, target and every name/value slice in an array), the
 * same information zhttp and picohttpparser return. */
#include <http_parser.h>
#include <string.h>

#include "suites.h"

#define HP_FIELDS 64

typedef struct hp_span {
    const char *ptr;
    size_t len;
} hp_span;

typedef struct hp_state {
    hp_span url;
    hp_span names[HP_FIELDS], values[HP_FIELDS];
    size_t num;         /* fields completed */
    bool in_value;
    bool done;
    bool overflow;
    uint64_t body;
} hp_state;

static int on_url(http_parser *p, const char *at, size_t len)
{
    hp_state *s = p->data;
    s->url = (hp_span){ at, len };
    return 0;
}

/* With the whole message in one buffer each span arrives in one piece. */
static int on_field(http_parser *p, const char *at, size_t len)
{
    hp_state *s = p->data;
    if (s->num == HP_FIELDS) {
        s->overflow = true;
        return 1;
    }
    s->names[s->num] = (hp_span){ at, len };
    s->in_value = true;
    return 0;
}

static int on_value(http_parser *p, const char *at, size_t len)
{
    hp_state *s = p->data;
    s->values[s->num++] = (hp_span){ at, len };
    s->in_value = false;
    return 0;
}

static int on_body(http_parser *p, const char *at, size_t len)
{
    hp_state *s = p->data;
    s->body += len;
    return 0;
}

static int on_complete(http_parser *p)
{
    hp_state *s = p->data;
    s->done = true;
    return 0;
}

static const http_parser_settings settings = {
    .on_url = on_url,
    .on_header_field = on_field,
    .on_header_value = on_value,
    .on_body = on_body,
    .on_message_complete = on_complete,
};

static void run_head(bench_b *b, enum http_parser_type type)
{
    const bench_corpus *c = b->arg;
    const char *buf = (const char *)c->data;
    http_parser p;
    hp_state s;
    size_t want = bench_corpus_fields(c);
    bench_set_bytes(b, c->len);
    for (uint64_t i = 0; i < b->n; i++) {
        s.num = 0;
        s.done = false;
        s.overflow = false;
        http_parser_init(&p, type);
        p.data = &s;
        size_t r = http_parser_execute(&p, &settings, buf, c->len);
        /* A response with Content-Length has a body to come: the head is done
         * when every byte was taken without error. */
        if (r != c->len || HTTP_PARSER_ERRNO(&p) != HPE_OK || s.overflow || s.num != want) {
            bench_fail(b, "http_parser_execute(%s) = %zu (%s)", c->name, r,
                       http_errno_name(HTTP_PARSER_ERRNO(&p)));
            return;
        }
        BENCH_KEEP(s.num);
    }
}

void peer_http_parser_request(bench_b *b) { run_head(b, HTTP_REQUEST); }
void peer_http_parser_response(bench_b *b) { run_head(b, HTTP_RESPONSE); }

/* http-parser cannot start inside a body: the chunked body follows a minimal
 * response head (49 bytes, about 0.07% of the input). MB/s counts the body only. */
void peer_http_parser_chunked(bench_b *b)
{
    const bench_corpus *c = b->arg;
    static const char head[] = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
    static char msg[1 << 17];
    size_t hl = sizeof head - 1;
    if (hl + c->len > sizeof msg) {
        bench_fail(b, "corpus %s too large", c->name);
        return;
    }
    memcpy(msg, head, hl);
    memcpy(msg + hl, c->data, c->len);
    size_t len = hl + c->len;
    http_parser p;
    hp_state s;
    bench_set_bytes(b, c->len);
    bench_reset_timer(b);
    for (uint64_t i = 0; i < b->n; i++) {
        s.num = 0;
        s.done = false;
        s.overflow = false;
        s.body = 0;
        http_parser_init(&p, HTTP_RESPONSE);
        p.data = &s;
        size_t r = http_parser_execute(&p, &settings, msg, len);
        if (r != len || !s.done || s.body != BENCH_CHUNKED_BODY_LEN) {
            bench_fail(b, "http_parser_execute(chunked) = %zu, body %llu (%s)", r,
                       (unsigned long long)s.body, http_errno_name(HTTP_PARSER_ERRNO(&p)));
            return;
        }
    }
}
