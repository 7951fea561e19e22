/* Fast scans. On x86-64: SSE2 (baseline, always there) for field values, SSSE3
 * nibble lookups for token and request-target bytes when the CPU has them (chosen
 * at run time), and the portable table loop for everything else, for the tail,
 * and whenever the caller forces the scalar path. Valgrind runs all of them. */
#include "parse/scan.h"

#include "parse/chars.h"

#if defined(__x86_64__) && defined(__SSE2__)
#include <emmintrin.h>
#include <tmmintrin.h>
#define ZH_HAVE_SSE2 1
#endif

/* Nibble rows of ZH_CC_TOKEN and ZH_CC_TARGET (bit hi of row[lo] is set when the
 * byte hi<<4|lo is in the class); test_scan checks them against chars.c. */
const unsigned char zh__token_rows[16] = { 0xe8, 0xfc, 0xf8, 0xfc, 0xfc, 0xfc, 0xfc, 0xfc,
                                           0xf8, 0xf8, 0xf4, 0x54, 0xd0, 0x54, 0xf4, 0x70 };
const unsigned char zh__target_rows[16] = { 0xb8, 0xfc, 0xf8, 0xf8, 0xfc, 0xfc, 0xfc, 0xfc,
                                            0xfc, 0xfc, 0xfc, 0x7c, 0x54, 0x7c, 0xd4, 0x7c };

static size_t scan_table(const char *p, size_t i, size_t n, unsigned cls)
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

#ifdef ZH_HAVE_SSE2
/* Mask of bytes that are CTLs (< 0x20) or DEL: everything a field value may not
 * hold except HTAB, which the caller steps over. */
static inline unsigned value_stops(__m128i v)
{
    const __m128i ctl_max = _mm_set1_epi8(0x1f);
    const __m128i del = _mm_set1_epi8(0x7f);
    __m128i is_ctl = _mm_cmpeq_epi8(_mm_min_epu8(v, ctl_max), v);
    __m128i is_del = _mm_cmpeq_epi8(v, del);
    return (unsigned)_mm_movemask_epi8(_mm_or_si128(is_ctl, is_del));
}

/* Class membership of 16 bytes at once by two pshufb lookups; bytes >= 0x80
 * index the zero half of `bits`, so they are never members. Returns the first
 * non-member, or the first i with fewer than 16 bytes left. */
__attribute__((target("ssse3"))) static size_t scan_nibbles(const char *p, size_t i, size_t n,
                                                           const unsigned char row[16])
{
    const __m128i rows = _mm_loadu_si128((const __m128i *)(const void *)row);
    const __m128i bits = _mm_setr_epi8(1, 2, 4, 8, 16, 32, 64, (char)0x80, 0, 0, 0, 0, 0, 0, 0, 0);
    const __m128i nib = _mm_set1_epi8(0x0f);
    const __m128i zero = _mm_setzero_si128();
    while (i + 16 <= n) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(p + i));
        __m128i lo = _mm_and_si128(v, nib);
        __m128i hi = _mm_and_si128(_mm_srli_epi16(v, 4), nib);
        __m128i in = _mm_and_si128(_mm_shuffle_epi8(rows, lo), _mm_shuffle_epi8(bits, hi));
        unsigned m = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(in, zero));
        if (m)
            return i + (size_t)__builtin_ctz(m);
        i += 16;
    }
    return i;
}
#endif

size_t zh__scan_value(const char *p, size_t i, size_t n, bool scalar)
{
#ifdef ZH_HAVE_SSE2
    if (!scalar) {
        while (i + 16 <= n) {
            unsigned m = value_stops(_mm_loadu_si128((const __m128i *)(const void *)(p + i)));
            if (m == 0) {
                i += 16;
                continue;
            }
            size_t at = i + (size_t)__builtin_ctz(m);
            if (p[at] != '\t')
                return at;
            i = at + 1;
        }
    }
#endif
    return scan_table(p, i, n, ZH_CC_VALUE);
}

static size_t scan_class(const char *p, size_t i, size_t n, bool scalar, unsigned cls,
                         const unsigned char rows[16])
{
#ifdef ZH_HAVE_SSE2
    if (!scalar && i + 16 <= n && __builtin_cpu_supports("ssse3")) {
        i = scan_nibbles(p, i, n, rows);
        if (i + 16 <= n)
            return i;
    }
#else
    (void)scalar;
    (void)rows;
#endif
    return scan_table(p, i, n, cls);
}

size_t zh__scan_target(const char *p, size_t i, size_t n, bool scalar)
{
    return scan_class(p, i, n, scalar, ZH_CC_TARGET, zh__target_rows);
}

size_t zh__scan_token(const char *p, size_t i, size_t n, bool scalar)
{
    return scan_class(p, i, n, scalar, ZH_CC_TOKEN, zh__token_rows);
}
