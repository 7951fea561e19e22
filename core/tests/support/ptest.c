#include "ptest.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "guard.h"

zh_parse_config pt_cfg(unsigned lenient, bool force_scalar)
{
    zh_parse_config c = ZH_PARSE_CONFIG_DEFAULT;
    c.lenient = lenient;
    c.force_scalar = force_scalar;
    return c;
}

const char *pt_fields_str(const zh_field *f, size_t n, char *out, size_t cap)
{
    size_t at = 0;
    out[0] = '\0';
    for (size_t i = 0; i < n && at < cap; i++) {
        int w = snprintf(out + at, cap - at, "%.*s: %.*s\n", (int)f[i].name.len, f[i].name.ptr,
                         (int)f[i].value.len, f[i].value.ptr);
        if (w < 0)
            break;
        at += (size_t)w;
    }
    return out;
}

bool pt_slice_is(zh_slice s, const char *str)
{
    size_t n = strlen(str);
    return s.len == n && (n == 0 || (s.ptr != NULL && memcmp(s.ptr, str, n) == 0));
}

bool pt_slice_within(zh_slice s, const void *buf, size_t len)
{
    const char *b = buf;
    if (s.len == 0)
        return s.ptr == NULL || (s.ptr >= b && s.ptr <= b + len);
    return s.ptr >= b && s.ptr + s.len <= b + len;
}

const char *pt_escape(const char *p, size_t n, char *out, size_t cap)
{
    size_t at = 0;
    for (size_t i = 0; i < n && at + 5 < cap; i++) {
        unsigned char c = (unsigned char)p[i];
        if (c == '\r')
            at += (size_t)snprintf(out + at, cap - at, "\\r");
        else if (c == '\n')
            at += (size_t)snprintf(out + at, cap - at, "\\n");
        else if (c == '\t')
            at += (size_t)snprintf(out + at, cap - at, "\\t");
        else if (c < 0x20 || c >= 0x7f)
            at += (size_t)snprintf(out + at, cap - at, "\\x%02x", c);
        else
            out[at++] = (char)c;
    }
    out[at < cap ? at : cap - 1] = '\0';
    return out;
}

size_t pt_find(const char *hay, size_t n, const char *needle)
{
    size_t k = strlen(needle);
    if (k == 0 || k > n)
        return (size_t)-1;
    for (size_t i = 0; i + k <= n; i++)
        if (memcmp(hay + i, needle, k) == 0)
            return i;
    return (size_t)-1;
}

static struct {
    char *p;
    size_t n;
} guarded[256];
static size_t nguarded;

zh_slice pt_guard_slice(const char *s)
{
    size_t n = strlen(s);
    if (nguarded == sizeof guarded / sizeof guarded[0]) {
        fprintf(stderr, "pt_guard_slice: too many live copies\n");
        abort();
    }
    char *p = guard_copy(s, n);
    guarded[nguarded].p = p;
    guarded[nguarded].n = n;
    nguarded++;
    return (zh_slice){ p, n };
}

void pt_guard_release(void)
{
    while (nguarded > 0) {
        nguarded--;
        guard_free(guarded[nguarded].p, guarded[nguarded].n);
    }
}

void pt_check_fields(const zh_field *f, size_t n, size_t cap, const char *want, const void *buf,
                     size_t len, const char *where)
{
    char got[4096];
    ck_assert_msg(n <= cap, "%s: %zu fields", where, n);
    pt_fields_str(f, n, got, sizeof got);
    ck_assert_msg(strcmp(got, want) == 0, "%s: fields\n%s\nwant\n%s", where, got, want);
    for (size_t i = 0; i < n; i++)
        ck_assert_msg(pt_slice_within(f[i].name, buf, len) && pt_slice_within(f[i].value, buf, len),
                      "%s: field %zu outside the input", where, i);
}

void pt_check_verdict(zh_err e, zh_err want, bool whole, size_t error_offset, size_t want_off,
                      size_t p, const char *where)
{
    if (whole) {
        ck_assert_msg(e == want, "%s: got %s, want %s", where, zh_error_name(e), zh_error_name(want));
    } else if (want == ZH_OK || want == ZH_INCOMPLETE) {
        ck_assert_msg(e == ZH_INCOMPLETE, "%s: prefix got %s", where, zh_error_name(e));
    } else {
        ck_assert_msg(e == ZH_INCOMPLETE || e == want, "%s: prefix got %s, want %s or incomplete",
                      where, zh_error_name(e), zh_error_name(want));
    }
    if (e != ZH_OK && e != ZH_INCOMPLETE) {
        ck_assert_msg(error_offset < p, "%s: error_offset %zu past the input", where, error_offset);
        if (want_off != (size_t)-1)
            ck_assert_msg(error_offset == want_off, "%s: error_offset %zu, want %zu", where,
                          error_offset, want_off);
    }
}
