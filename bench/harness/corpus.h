/* bench/harness/corpus.h - the committed benchmark inputs (bench/data/), compiled
 * into the bench binary by bench/cmake/embed.cmake so runs never depend on the
 * working directory. */
#ifndef ZH_BENCH_CORPUS_H
#define ZH_BENCH_CORPUS_H

#include <stddef.h>

typedef struct bench_corpus {
    const char *name;           /* file name without extension: "req_browser" */
    const unsigned char *data;  /* the file's bytes (followed by a NUL not counted in len) */
    size_t len;
} bench_corpus;

/* Terminated by an entry with name == NULL. */
extern const bench_corpus bench_corpora[];

/* The corpus named name; exits with a message when it does not exist (a build
 * problem, not a run-time condition). */
const bench_corpus *bench_corpus_get(const char *name);

/* For a message head: the number of field lines (the lines between the start
 * line and the empty line), counted from the bytes, so every parser's answer can
 * be checked against it. */
size_t bench_corpus_fields(const bench_corpus *c);

#endif
