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
