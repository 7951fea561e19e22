/* Fast scans: SSE2 on x86-64 (baseline there, so no run-time dispatch is needed
 * and Valgrind runs it), with the portable table loop as the fallback and tail. */
#include "parse/scan.h"

#include "parse/chars.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#define ZH_HAVE_SSE2 1
#endif

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

/* Mask of bytes outside the request-target class: outside 0x21..0x7e, or one of
 * " # < > \ ^ ` { | } . */
static inline unsigned target_stops(__m128i v)
{
    const __m128i lo = _mm_set1_epi8(0x20);
    const __m128i hi = _mm_set1_epi8(0x7e);
    __m128i out = _mm_or_si128(_mm_cmpeq_epi8(_mm_min_epu8(v, lo), v),
                               _mm_xor_si128(_mm_cmpeq_epi8(_mm_max_epu8(v, hi), hi),
                                             _mm_set1_epi8(-1)));
    static const char bad[] = { '"', '#', '<', '>', '\\', '^', '`', '{', '|', '}' };
    for (unsigned k = 0; k < sizeof bad; k++)
        out = _mm_or_si128(out, _mm_cmpeq_epi8(v, _mm_set1_epi8(bad[k])));
    return (unsigned)_mm_movemask_epi8(out);
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

size_t zh__scan_target(const char *p, size_t i, size_t n, bool scalar)
{
#ifdef ZH_HAVE_SSE2
    if (!scalar) {
        while (i + 16 <= n) {
            unsigned m = target_stops(_mm_loadu_si128((const __m128i *)(const void *)(p + i)));
            if (m)
                return i + (size_t)__builtin_ctz(m);
            i += 16;
        }
    }
#endif
    return scan_table(p, i, n, ZH_CC_TARGET);
}
