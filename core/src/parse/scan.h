/* Internal: scans over runs of one byte class (token, request-target, field
 * value). Each returns the index of the first byte at or after i (and before n)
 * that is not in the class, or n; no load ever touches a byte at or beyond n.
 *
 * Two levels: portable (a word-at-a-time value scan and a table loop) and SIMD
 * (AVX2 compares for values, SSSE3 pshufb nibble lookups for tokens and targets),
 * chosen at run time. The hot loops in head.c are compiled once per level (see
 * field_lines.inc) so the scans inline into them. */
#ifndef ZH_PARSE_SCAN_H
#define ZH_PARSE_SCAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "parse/chars.h"

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define ZH_SCAN_SIMD 1
#define ZH_SIMD_TARGET __attribute__((target("avx2")))
#else
#define ZH_SIMD_TARGET
#endif

/* Whether the scans must take the portable path: forced by the caller, or the
 * CPU lacks AVX2. Ask once per parse call. */
bool zh__scan_scalar(bool forced);

/* Dispatching scans for code outside the hot loops and for tests.
 * zh__scan_target stops at '%' too (ZH_CC_TARGET_PLAIN), so the caller checks
 * each escape where it stands instead of in a second pass. */
size_t zh__scan_value(const char *p, size_t i, size_t n, bool scalar);
size_t zh__scan_target(const char *p, size_t i, size_t n, bool scalar);
size_t zh__scan_token(const char *p, size_t i, size_t n, bool scalar);

/* The pshufb rows of the token and plain-target classes: bit hi of row[lo] is set when
 * byte hi<<4|lo is in the class (bytes >= 0x80 never are). test_scan checks them
 * against chars.c. */
extern const unsigned char zh__token_rows[16];
extern const unsigned char zh__target_rows[16];

static inline size_t zh__scan_table(const char *p, size_t i, size_t n, unsigned cls)
{
    while (i + 4 <= n) {
        if (!zh__is((unsigned char)p[i], cls))
            return i;
        if (!zh__is((unsigned char)p[i + 1], cls))
            return i + 1;
        if (!zh__is((unsigned char)p[i + 2], cls))
            return i + 2;
        if (!zh__is((unsigned char)p[i + 3], cls))
            return i + 3;
        i += 4;
    }
    while (i < n && zh__is((unsigned char)p[i], cls))
        i++;
    return i;
}

/* Portable value scan, 8 bytes a step: flags bytes < 0x20 or == 0x7f with
 * carry-free arithmetic on the low 7 bits (bytes >= 0x80, obs-text, are never
 * flagged). HTAB is flagged and stepped over. */
static inline size_t zh__scan_value_portable(const char *p, size_t i, size_t n)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    const uint64_t ones = 0x0101010101010101u, highs = 0x8080808080808080u;
    while (i + 8 <= n) {
        uint64_t x;
        memcpy(&x, p + i, 8);
        uint64_t ge_space = (x & ~highs) + (0x80 - 0x20) * ones; /* high bit: low7 >= 0x20 */
        uint64_t not_del = ((x ^ (0x7f * ones)) & ~highs) + 0x7f * ones; /* high bit: low7 != 0x7f */
        uint64_t bad = (~ge_space | ~not_del) & ~x & highs;
        if (bad) {
            size_t at = i + (size_t)(__builtin_ctzll(bad) >> 3);
            if (p[at] != '\t')
                return at;
            i = at + 1;
            continue;
        }
        i += 8;
    }
#endif
    return zh__scan_table(p, i, n, ZH_CC_VALUE);
}

#ifdef ZH_SCAN_SIMD
/* 32 bytes a step: stop at CTLs and DEL; step over HTAB. */
static inline ZH_SIMD_TARGET size_t zh__scan_value_simd(const char *p, size_t i, size_t n)
{
    const __m256i ctl_max = _mm256_set1_epi8(0x1f);
    const __m256i del = _mm256_set1_epi8(0x7f);
    while (i + 32 <= n) {
        __m256i v = _mm256_loadu_si256((const __m256i *)(const void *)(p + i));
        __m256i stop = _mm256_or_si256(_mm256_cmpeq_epi8(_mm256_min_epu8(v, ctl_max), v),
                                       _mm256_cmpeq_epi8(v, del));
        unsigned m = (unsigned)_mm256_movemask_epi8(stop);
        if (m == 0) {
            i += 32;
            continue;
        }
        size_t at = i + (size_t)__builtin_ctz(m);
        if (p[at] != '\t')
            return at;
        i = at + 1;
    }
    return zh__scan_value_portable(p, i, n);
}

/* 16 bytes a step by two pshufb lookups; the tail goes to the table loop. */
static inline ZH_SIMD_TARGET size_t zh__scan_class_simd(const char *p, size_t i, size_t n,
                                                        const unsigned char row[16],
                                                        unsigned cls)
{
    const __m128i rows = _mm_loadu_si128((const __m128i *)(const void *)row);
    const __m128i bits = _mm_setr_epi8(1, 2, 4, 8, 16, 32, 64, (char)0x80, 0, 0, 0, 0, 0, 0, 0, 0);
    const __m128i nib = _mm_set1_epi8(0x0f);
    while (i + 16 <= n) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(p + i));
        __m128i lo = _mm_and_si128(v, nib);
        __m128i hi = _mm_and_si128(_mm_srli_epi16(v, 4), nib);
        __m128i in = _mm_and_si128(_mm_shuffle_epi8(rows, lo), _mm_shuffle_epi8(bits, hi));
        unsigned m = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(in, _mm_setzero_si128()));
        if (m)
            return i + (size_t)__builtin_ctz(m);
        i += 16;
    }
    return zh__scan_table(p, i, n, cls);
}
#endif

#endif
