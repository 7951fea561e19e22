/* The SIMD scans agree with the byte-class table on every byte and every
 * position, and never read past the length they are given. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "guard.h"
#include "parse/chars.h"
#include "parse/scan.h"

/* This suite calls the SIMD paths directly: only where the CPU has them. */
static bool simd_here(void) { return !zh__scan_scalar(false); }

static void check_rows(const unsigned char rows[16], unsigned cls)
{
    for (unsigned c = 0; c < 256; c++) {
        bool in_rows = c < 128 && (rows[c & 15] & (1u << (c >> 4)));
        ck_assert_msg(in_rows == zh__is((unsigned char)c, cls), "byte 0x%02x", c);
    }
}

START_TEST(nibble_rows_match_table)
{
    check_rows(zh__token_rows, ZH_CC_TOKEN);
    check_rows(zh__target_rows, ZH_CC_TARGET_PLAIN);
}
END_TEST

typedef size_t (*scan_fn)(const char *, size_t, size_t, bool);

/* Every byte value at every offset of a 64-byte run of class members: the SIMD
 * and scalar scans stop at the same index, and that index is right. */
static void check_scan(scan_fn scan, unsigned cls, char filler)
{
    enum { N = 64 };
    char *p;
    char buf[N];
    for (unsigned c = 0; c < 256; c++) {
        for (size_t at = 0; at < N; at++) {
            memset(buf, filler, N);
            buf[at] = (char)c;
            p = guard_copy(buf, N);
            bool member = zh__is((unsigned char)c, cls);
            size_t want = member ? N : at;
            size_t fast = scan(p, 0, N, !simd_here()), slow = scan(p, 0, N, true);
            ck_assert_msg(fast == slow, "byte 0x%02x at %zu: simd %zu scalar %zu", c, at, fast, slow);
            if (cls == ZH_CC_VALUE && c == '\t')
                want = N;
            ck_assert_msg(fast == want, "byte 0x%02x at %zu: got %zu want %zu", c, at, fast, want);
            /* a shorter window stops at its end */
            size_t w = at;
            ck_assert_uint_eq(scan(p, 0, w, !simd_here()), w);
            guard_free(p, N);
        }
    }
}

START_TEST(value_scan_agrees)
{
    check_scan(zh__scan_value, ZH_CC_VALUE, 'a');
}
END_TEST

START_TEST(token_scan_agrees)
{
    check_scan(zh__scan_token, ZH_CC_TOKEN, 'x');
}
END_TEST

START_TEST(target_scan_agrees)
{
    check_scan(zh__scan_target, ZH_CC_TARGET_PLAIN, '/');
}
END_TEST

START_TEST(random_runs_agree)
{
    unsigned seed = 12345;
    char buf[300];
    for (int round = 0; round < 2000; round++) {
        size_t n = (size_t)(rand_r(&seed) % 300);
        for (size_t k = 0; k < n; k++) /* mostly members, now and then anything */
            buf[k] = (rand_r(&seed) % 40) ? 'a' + (char)(rand_r(&seed) % 26) : (char)rand_r(&seed);
        char *p = guard_copy(buf, n);
        size_t start = n ? (size_t)rand_r(&seed) % n : 0;
        bool simd = simd_here();
        ck_assert_uint_eq(zh__scan_value(p, start, n, !simd), zh__scan_value(p, start, n, true));
        ck_assert_uint_eq(zh__scan_token(p, start, n, !simd), zh__scan_token(p, start, n, true));
        ck_assert_uint_eq(zh__scan_target(p, start, n, !simd), zh__scan_target(p, start, n, true));
        guard_free(p, n);
    }
}
END_TEST

int main(void)
{
    Suite *s = suite_create("scan");
    TCase *tc = tcase_create("scan");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, nibble_rows_match_table);
    tcase_add_test(tc, value_scan_agrees);
    tcase_add_test(tc, token_scan_agrees);
    tcase_add_test(tc, target_scan_agrees);
    tcase_add_test(tc, random_runs_agree);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
