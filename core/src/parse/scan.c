/* The dispatching scans (see scan.h), and the lookup rows. */
#include "parse/scan.h"

const unsigned char zh__token_rows[16] = { 0xe8, 0xfc, 0xf8, 0xfc, 0xfc, 0xfc, 0xfc, 0xfc,
                                           0xf8, 0xf8, 0xf4, 0x54, 0xd0, 0x54, 0xf4, 0x70 };
const unsigned char zh__target_rows[16] = { 0xb8, 0xfc, 0xf8, 0xf8, 0xfc, 0xf8, 0xfc, 0xfc,
                                            0xfc, 0xfc, 0xfc, 0x5c, 0x54, 0x5c, 0xd4, 0x7c };

bool zh__scan_scalar(bool forced)
{
#ifdef ZH_SCAN_SIMD
    /* Asked once per parse call: keep the CPU's answer (racing first callers
     * store the same value). */
    static int simd = -1;
    int have = __atomic_load_n(&simd, __ATOMIC_RELAXED);
    if (have < 0) {
        have = __builtin_cpu_supports("avx2") ? 1 : 0;
        __atomic_store_n(&simd, have, __ATOMIC_RELAXED);
    }
    return forced || !have;
#else
    (void)forced;
    return true;
#endif
}

#ifdef ZH_SCAN_SIMD
static ZH_SIMD_TARGET size_t value_simd(const char *p, size_t i, size_t n)
{
    return zh__scan_value_simd(p, i, n);
}

static ZH_SIMD_TARGET size_t class_simd(const char *p, size_t i, size_t n,
                                        const unsigned char row[16], unsigned cls)
{
    return zh__scan_class_simd(p, i, n, row, cls);
}
#endif

size_t zh__scan_value(const char *p, size_t i, size_t n, bool scalar)
{
#ifdef ZH_SCAN_SIMD
    if (!scalar)
        return value_simd(p, i, n);
#endif
    (void)scalar;
    return zh__scan_value_portable(p, i, n);
}

size_t zh__scan_target(const char *p, size_t i, size_t n, bool scalar)
{
#ifdef ZH_SCAN_SIMD
    if (!scalar)
        return class_simd(p, i, n, zh__target_rows, ZH_CC_TARGET_PLAIN);
#endif
    (void)scalar;
    return zh__scan_table(p, i, n, ZH_CC_TARGET_PLAIN);
}

size_t zh__scan_token(const char *p, size_t i, size_t n, bool scalar)
{
#ifdef ZH_SCAN_SIMD
    if (!scalar)
        return class_simd(p, i, n, zh__token_rows, ZH_CC_TOKEN);
#endif
    (void)scalar;
    return zh__scan_table(p, i, n, ZH_CC_TOKEN);
}
