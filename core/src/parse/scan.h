/* Internal: fast scans over runs of one byte class (token, request-target,
 * field value).
 * Each returns the index of the first byte at or after i (and before n) that is
 * not in the class, or n. SIMD loads never touch a byte at or beyond n. */
#ifndef ZH_PARSE_SCAN_H
#define ZH_PARSE_SCAN_H

#include <stdbool.h>
#include <stddef.h>

size_t zh__scan_value(const char *p, size_t i, size_t n, bool scalar);
size_t zh__scan_target(const char *p, size_t i, size_t n, bool scalar);
size_t zh__scan_token(const char *p, size_t i, size_t n, bool scalar);

/* The SSSE3 lookup rows of the token and target classes (see scan.c). */
extern const unsigned char zh__token_rows[16];
extern const unsigned char zh__target_rows[16];

#endif
