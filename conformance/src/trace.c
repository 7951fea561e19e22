/* conformance/src/trace.c - trace lines, expectation matching and unified diffs. */
#include <stdlib.h>
#include <string.h>

#include "conform.h"

void cf_lines_split(cf_lines *l, const char *text, size_t n)
{
    memset(l, 0, sizeof *l);
    size_t cap = 16;
    l->line = malloc(cap * sizeof *l->line);
    l->len = malloc(cap * sizeof *l->len);
    if (!l->line || !l->len) {
        fprintf(stderr, "zhttp-conform: out of memory\n");
        exit(3);
    }
    size_t pos = 0;
    while (pos < n) {
        const char *s = text + pos;
        const char *nl = memchr(s, '\n', n - pos);
        size_t len = nl ? (size_t)(nl - s) : n - pos;
        if (l->n == cap) {
            cap *= 2;
            l->line = realloc(l->line, cap * sizeof *l->line);
            l->len = realloc(l->len, cap * sizeof *l->len);
            if (!l->line || !l->len) {
                fprintf(stderr, "zhttp-conform: out of memory\n");
                exit(3);
            }
        }
        l->line[l->n] = s;
        l->len[l->n] = len;
        l->n++;
        pos += len + (nl ? 1 : 0);
    }
}

void cf_lines_free(cf_lines *l)
{
    free(l->line);
    free(l->len);
    memset(l, 0, sizeof *l);
}

static bool line_eq(const cf_lines *a, size_t i, const cf_lines *b, size_t j)
{
    return a->len[i] == b->len[j] && memcmp(a->line[i], b->line[j], a->len[i]) == 0;
}

const char *cf_expect_missing(const cf_case *c, const char *trace, size_t n)
{
    cf_lines t;
    cf_lines_split(&t, trace, n);
    size_t j = 0;
    const char *missing = NULL;
    for (size_t i = 0; i < c->nexpect && !missing; i++) {
        if (c->expect[i][0] == '!') { /* "!LINE": LINE must appear nowhere */
            const char *neg = c->expect[i] + 1;
            size_t nl = strlen(neg);
            for (size_t k = 0; k < t.n && !missing; k++)
                if (t.len[k] == nl && memcmp(t.line[k], neg, nl) == 0)
                    missing = c->expect[i];
            continue;
        }
        size_t el = strlen(c->expect[i]);
        while (j < t.n && !(t.len[j] == el && memcmp(t.line[j], c->expect[i], el) == 0))
            j++;
        if (j == t.n)
            missing = c->expect[i];
        else
            j++;
    }
    cf_lines_free(&t);
    return missing;
}

/* Edit script from an LCS table: ops[k] is ' ', '-' or '+', with indexes. */
typedef struct op {
    char kind;
    size_t ai, bi;
} op;

static void emit_line(cf_buf *out, char prefix, const char *s, size_t n)
{
    cf_buf_put(out, &prefix, 1);
    cf_buf_put(out, s, n);
    cf_buf_put(out, "\n", 1);
}

void cf_unified_diff(cf_buf *out, const char *label_a, const char *a, size_t alen,
                     const char *label_b, const char *b, size_t blen)
{
    cf_lines A, B;
    cf_lines_split(&A, a, alen);
    cf_lines_split(&B, b, blen);
    size_t n = A.n, m = B.n;
    /* LCS lengths, suffix form: L[i][j] = LCS of A[i..] and B[j..]. Traces are
     * short (tens of lines), so the quadratic table is fine. */
    size_t *L = calloc((n + 1) * (m + 1), sizeof *L);
    op *ops = malloc((n + m + 1) * sizeof *ops);
    if (!L || !ops) {
        fprintf(stderr, "zhttp-conform: out of memory\n");
        exit(3);
    }
#define LL(i, j) L[(i) * (m + 1) + (j)]
    for (size_t i = n; i-- > 0;)
        for (size_t j = m; j-- > 0;)
            LL(i, j) = line_eq(&A, i, &B, j) ? LL(i + 1, j + 1) + 1
                       : LL(i + 1, j) >= LL(i, j + 1) ? LL(i + 1, j)
                                                      : LL(i, j + 1);
    size_t nops = 0, i = 0, j = 0;
    while (i < n || j < m) {
        if (i < n && j < m && line_eq(&A, i, &B, j)) {
            ops[nops++] = (op){ ' ', i++, j++ };
        } else if (j < m && (i == n || LL(i, j + 1) > LL(i + 1, j))) {
            ops[nops++] = (op){ '+', i, j++ };
        } else {
            ops[nops++] = (op){ '-', i++, j };
        }
    }
#undef LL
    cf_buf_printf(out, "--- %s\n+++ %s\n", label_a, label_b);
    const size_t ctx = 3;
    size_t k = 0;
    while (k < nops) {
        while (k < nops && ops[k].kind == ' ')
            k++;
        if (k == nops)
            break;
        size_t start = k > ctx ? k - ctx : 0;
        /* extend the hunk while changes are within 2*ctx of each other */
        size_t end = k, last_change = k;
        while (end < nops) {
            if (ops[end].kind != ' ')
                last_change = end;
            else if (end - last_change > 2 * ctx)
                break;
            end++;
        }
        end = last_change + ctx + 1 < nops ? last_change + ctx + 1 : nops;
        size_t a0 = ops[start].ai, b0 = ops[start].bi, ac = 0, bc = 0;
        for (size_t q = start; q < end; q++) {
            if (ops[q].kind != '+')
                ac++;
            if (ops[q].kind != '-')
                bc++;
        }
        cf_buf_printf(out, "@@ -%zu,%zu +%zu,%zu @@\n", ac ? a0 + 1 : a0, ac, bc ? b0 + 1 : b0,
                      bc);
        for (size_t q = start; q < end; q++) {
            if (ops[q].kind == '+')
                emit_line(out, '+', B.line[ops[q].bi], B.len[ops[q].bi]);
            else
                emit_line(out, ops[q].kind, A.line[ops[q].ai], A.len[ops[q].ai]);
        }
        k = end;
    }
    free(L);
    free(ops);
    cf_lines_free(&A);
    cf_lines_free(&B);
}
