/* bench/harness/corpus.c - lookup in the embedded corpus table. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "corpus.h"

const bench_corpus *bench_corpus_get(const char *name)
{
    for (const bench_corpus *c = bench_corpora; c->name; c++)
        if (strcmp(c->name, name) == 0)
            return c;
    fprintf(stderr, "bench: no corpus named %s in bench/data/\n", name);
    exit(2);
}

size_t bench_corpus_fields(const bench_corpus *c)
{
    size_t lines = 0;
    for (size_t i = 0; i + 1 < c->len; i++) {
        if (c->data[i] == '\r' && c->data[i + 1] == '\n') {
            if (i + 3 < c->len && c->data[i + 2] == '\r' && c->data[i + 3] == '\n')
                return lines; /* end of the head: start line + lines field lines */
            lines++;
        }
    }
    return lines;
}
