/* Test support for the parse layer: configurations, field dumps, slice checks,
 * and printable escapes for failure messages. */
#ifndef ZH_TEST_PTEST_H
#define ZH_TEST_PTEST_H

#include <stdbool.h>
#include <stddef.h>

#include "zhttp/parse.h"

/* The default configuration with the given lenient bits and scalar switch. */
zh_parse_config pt_cfg(unsigned lenient, bool force_scalar);

/* Writes "name: value\n" for each field into out (always NUL-terminated,
 * truncated to cap) and returns out. */
const char *pt_fields_str(const zh_field *f, size_t n, char *out, size_t cap);

/* True when s holds exactly the bytes of the NUL-terminated str. */
bool pt_slice_is(zh_slice s, const char *str);

/* True when s lies inside buf[0..len) (an empty slice may also sit at buf+len
 * or be NULL). Checks the zero-copy promise: results point into the input. */
bool pt_slice_within(zh_slice s, const void *buf, size_t len);

/* A printable C-escaped copy of p[0..n) in out (truncated to cap). */
const char *pt_escape(const char *p, size_t n, char *out, size_t cap);

/* A slice over a copy of the NUL-terminated s (without its NUL) that ends flush
 * against an unmapped page; the copy lives until pt_guard_release(). For inputs
 * that are slices rather than buffers (field tables, names, methods). */
zh_slice pt_guard_slice(const char *s);
void pt_guard_release(void);

/* Asserts that the n parsed fields (at most cap) dump as `want` (pt_fields_str
 * form) and that every name and value points into buf[0..len). */
void pt_check_fields(const zh_field *f, size_t n, size_t cap, const char *want, const void *buf,
                     size_t len, const char *where);

/* Asserts the verdict of one parse of a prefix in a split test: `whole` when the
 * prefix holds the whole message (then e must be want exactly), otherwise
 * ZH_INCOMPLETE, or want itself when want is an error. On an error, error_offset
 * must lie inside the prefix (p bytes) and equal want_off unless that is (size_t)-1. */
void pt_check_verdict(zh_err e, zh_err want, bool whole, size_t error_offset, size_t want_off,
                      size_t p, const char *where);

/* Offset of the first occurrence of needle in hay[0..n), or (size_t)-1. */
size_t pt_find(const char *hay, size_t n, const char *needle);

#endif
