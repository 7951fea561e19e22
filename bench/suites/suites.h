/* bench/suites/suites.h - every suite registers its benchmarks here, in the
 * order they print. Peer adapters (bench/peers/) are compiled in when their
 * packages were found at configure time (ZH_BENCH_HAVE_*). */
#ifndef ZH_BENCH_SUITES_H
#define ZH_BENCH_SUITES_H

#include "bench.h"
#include "corpus.h"

/* Decoded size of bench/data/body_chunked_64k.http (64 chunks of 1 KiB). */
#define BENCH_CHUNKED_BODY_LEN 65536u

/* Parsers on bench/data/: request head, response head, chunked decoding, each
 * for zhttp (run-time SIMD dispatch and force_scalar) and the peers present. */
void suite_parse_register(void);

/* Server and client suites over in-memory connections (when the engine is built). */
void suite_server_register(void);
void suite_client_register(void);

/* Peer benchmark functions; b->arg is a const bench_corpus *. Each checks the
 * peer's answer on every iteration, as the zhttp ones do. */
#ifdef ZH_BENCH_HAVE_PICO
void peer_pico_request(bench_b *b);
void peer_pico_response(bench_b *b);
void peer_pico_chunked(bench_b *b);
#endif
#ifdef ZH_BENCH_HAVE_HTTP_PARSER
void peer_http_parser_request(bench_b *b);
void peer_http_parser_response(bench_b *b);
void peer_http_parser_chunked(bench_b *b);
#endif

#endif
