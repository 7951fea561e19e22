/* bench/peers/pico.c - picohttpparser as exported by Debian's libh2o (a generic
 * build: no SSE4.2). Debian ships no picohttpparser.h, so the three entry points
 * are declared here from picohttpparser's documented API. */
#include <string.h>
#include <sys/types.h>

#include "suites.h"

struct phr_header {
    const char *name;
    size_t name_len;
    const char *value;
    size_t value_len;
};

/* Newer picohttpparser versions grew this struct: the union leaves room so the
 * library never writes past it, whatever version libh2o bundles. */
struct phr_chunked_decoder {
    size_t bytes_left_in_chunk;
    char consume_trailer;
    char hex_count_;
    char state_;
};
typedef union pico_decoder {
    struct phr_chunked_decoder d;
    char room[128];
} pico_decoder;

int phr_parse_request(const char *buf, size_t len, const char **method, size_t *method_len,
                      const char **path, size_t *path_len, int *minor_version,
                      struct phr_header *headers, size_t *num_headers, size_t last_len);
int phr_parse_response(const char *buf, size_t len, int *minor_version, int *status,
                       const char **msg, size_t *msg_len, struct phr_header *headers,
                       size_t *num_headers, size_t last_len);
ssize_t phr_decode_chunked(struct phr_chunked_decoder *decoder, char *buf, size_t *bufsz);

#define PICO_FIELDS 64

void peer_pico_request(bench_b *b)
{
    const bench_corpus *c = b->arg;
    const char *buf = (const char *)c->data;
    struct phr_header h[PICO_FIELDS];
    size_t want = bench_corpus_fields(c);
    bench_set_bytes(b, c->len);
    for (uint64_t i = 0; i < b->n; i++) {
        const char *method, *path;
        size_t method_len, path_len, num = PICO_FIELDS;
        int minor;
        int r = phr_parse_request(buf, c->len, &method, &method_len, &path, &path_len, &minor, h,
                                  &num, 0);
        if (r != (int)c->len || num != want) {
            bench_fail(b, "phr_parse_request(%s) = %d, want %zu (%zu fields)", c->name, r, c->len, num);
            return;
        }
        BENCH_KEEP(path);
    }
}

void peer_pico_response(bench_b *b)
{
    const bench_corpus *c = b->arg;
    const char *buf = (const char *)c->data;
    struct phr_header h[PICO_FIELDS];
    size_t want = bench_corpus_fields(c);
    bench_set_bytes(b, c->len);
    for (uint64_t i = 0; i < b->n; i++) {
        const char *msg;
        size_t msg_len, num = PICO_FIELDS;
        int minor, status;
        int r = phr_parse_response(buf, c->len, &minor, &status, &msg, &msg_len, h, &num, 0);
        if (r != (int)c->len || status != 200 || num != want) {
            bench_fail(b, "phr_parse_response(%s) = %d, want %zu", c->name, r, c->len);
            return;
        }
        BENCH_KEEP(msg);
    }
}

/* phr_decode_chunked decodes in place, so each iteration starts from a fresh
 * copy; the copy is outside the timer. */
void peer_pico_chunked(bench_b *b)
{
    const bench_corpus *c = b->arg;
    static char work[1 << 17];
    if (c->len > sizeof work) {
        bench_fail(b, "corpus %s too large", c->name);
        return;
    }
    bench_set_bytes(b, c->len);
    for (uint64_t i = 0; i < b->n; i++) {
        bench_stop_timer(b);
        memcpy(work, c->data, c->len);
        pico_decoder dec;
        memset(&dec, 0, sizeof dec);
        dec.d.consume_trailer = 1;
        bench_start_timer(b);
        size_t size = c->len;
        ssize_t r = phr_decode_chunked(&dec.d, work, &size);
        if (r != 0 || size != BENCH_CHUNKED_BODY_LEN) {
            bench_fail(b, "phr_decode_chunked(%s) = %zd, size %zu", c->name, r, size);
            return;
        }
    }
}
