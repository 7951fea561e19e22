/* msg layer building blocks: zh_buf, the header table, the request/response
 * accessors, reason phrases and the HTTP date (zhttp/msg.h). */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "zhttp/alloc.h"
#include "zhttp/msg.h"

#define S(lit) ZH_SLICE_LIT(lit)

static void assert_slice(zh_slice got, const char *want, const char *what)
{
    size_t n = strlen(want);
    ck_assert_msg(got.len == n && (n == 0 || memcmp(got.ptr, want, n) == 0),
                  "%s: got \"%.*s\" (%zu bytes), want \"%s\"", what, (int)got.len,
                  got.ptr ? got.ptr : "", got.len, want);
}

static void assert_field(const zh_headers *h, size_t i, const char *name, const char *value)
{
    zh_slice n, v;
    ck_assert_msg(zh_headers_at(h, i, &n, &v), "no field %zu", i);
    assert_slice(n, name, "field name");
    assert_slice(v, value, "field value");
}

/* ---------------------------------------------------------------- zh_buf */

START_TEST(buf_append_clear_keeps_memory)
{
    zh_buf b = ZH_BUF_INIT;
    ck_assert_int_eq(zh_buf_append_cstr(&b, "abc"), ZH_OK);
    ck_assert_int_eq(zh_buf_append(&b, "de", 2), ZH_OK);
    ck_assert_int_eq(zh_buf_append_u64(&b, 0), ZH_OK);
    ck_assert_int_eq(zh_buf_append_slice(&b, S("|")), ZH_OK);
    ck_assert_int_eq(zh_buf_append_u64(&b, UINT64_MAX), ZH_OK);
    assert_slice(zh_buf_slice(&b), "abcde0|18446744073709551615", "content");
    char *p = b.ptr;
    size_t cap = b.cap;
    ck_assert_uint_ge(cap, b.len);
    zh_alloc_stats_reset();
    zh_buf_clear(&b);
    ck_assert_uint_eq(b.len, 0);
    ck_assert_ptr_eq(b.ptr, p);
    ck_assert_uint_eq(b.cap, cap);
    ck_assert_int_eq(zh_buf_append_cstr(&b, "xyz"), ZH_OK);
    ck_assert_uint_eq(zh_alloc_stats_get().allocs, 0);
    assert_slice(zh_buf_slice(&b), "xyz", "after clear");
    zh_buf_dispose(&b);
    ck_assert_ptr_null(b.ptr);
    ck_assert_uint_eq(b.len, 0);
    assert_slice(zh_buf_slice(&b), "", "disposed");
}
END_TEST

START_TEST(buf_grows_past_initial_capacity)
{
    zh_buf b;
    zh_buf_init(&b);
    char big[1000];
    for (size_t i = 0; i < sizeof big; i++)
        big[i] = (char)('a' + i % 26);
    for (int k = 0; k < 5; k++)
        ck_assert_int_eq(zh_buf_append(&b, big, sizeof big), ZH_OK);
    ck_assert_uint_eq(b.len, 5000);
    for (int k = 0; k < 5; k++)
        ck_assert_int_eq(memcmp(b.ptr + k * 1000, big, 1000), 0);
    zh_buf_dispose(&b);
}
END_TEST

START_TEST(buf_consume_moves_rest)
{
    zh_buf b = ZH_BUF_INIT;
    zh_buf_append_cstr(&b, "GET /a HTTP/1.1\r\n\r\nNEXT");
    zh_buf_consume(&b, 19);
    assert_slice(zh_buf_slice(&b), "NEXT", "after consume");
    zh_buf_consume(&b, 0);
    assert_slice(zh_buf_slice(&b), "NEXT", "consume 0");
    zh_buf_consume(&b, 4);
    ck_assert_uint_eq(b.len, 0);
    zh_buf_append_cstr(&b, "ab");
    zh_buf_consume(&b, 99);
    ck_assert_uint_eq(b.len, 0);
    zh_buf_dispose(&b);
}
END_TEST

START_TEST(buf_max_is_buffer_full)
{
    zh_buf b = ZH_BUF_INIT;
    b.max = 8;
    ck_assert_int_eq(zh_buf_append(&b, "12345678", 8), ZH_OK);
    ck_assert_int_eq(zh_buf_append(&b, "9", 1), ZH_E_BUFFER_FULL);
    assert_slice(zh_buf_slice(&b), "12345678", "unchanged after full");
    ck_assert_uint_le(b.cap, 8);
    zh_buf_clear(&b);
    ck_assert_int_eq(zh_buf_reserve(&b, 9), ZH_E_BUFFER_FULL);
    ck_assert_int_eq(zh_buf_reserve(&b, 8), ZH_OK);
    ck_assert_int_eq(zh_buf_reserve(&b, SIZE_MAX), ZH_E_BUFFER_FULL);
    zh_buf_dispose(&b);
    ck_assert_uint_eq(b.max, 8);
}
END_TEST

START_TEST(buf_nomem_leaves_buffer_unchanged)
{
    zh_buf b = ZH_BUF_INIT;
    zh_alloc_fail_after(1, false);
    ck_assert_int_eq(zh_buf_append(&b, "abc", 3), ZH_E_NOMEM);
    zh_alloc_fail_after(0, false);
    ck_assert_ptr_null(b.ptr);
    ck_assert_uint_eq(b.len, 0);
    ck_assert_uint_eq(b.cap, 0);
    ck_assert_int_eq(zh_buf_append(&b, "abc", 3), ZH_OK);
    /* growth failure keeps the old content */
    char big[200];
    memset(big, 'x', sizeof big);
    zh_alloc_fail_after(1, false);
    ck_assert_int_eq(zh_buf_append(&b, big, sizeof big), ZH_E_NOMEM);
    zh_alloc_fail_after(0, false);
    assert_slice(zh_buf_slice(&b), "abc", "kept");
    ck_assert_int_eq(zh_buf_reserve(&b, SIZE_MAX), ZH_E_NOMEM);
    zh_buf_dispose(&b);
}
END_TEST

START_TEST(buf_chunk_writers)
{
    zh_buf b = ZH_BUF_INIT;
    ck_assert_int_eq(zh_buf_append_chunk(&b, "hello", 5), ZH_OK);
    ck_assert_int_eq(zh_buf_append_chunk(&b, "", 0), ZH_OK); /* no-op: never a last-chunk */
    ck_assert_int_eq(zh_buf_append_chunk(&b, "abcdefghijklmnopqrstuvwxyz", 26), ZH_OK);
    ck_assert_int_eq(zh_buf_append_chunk_header(&b, 255), ZH_OK);
    ck_assert_int_eq(zh_buf_append_chunk_header(&b, 0), ZH_OK);
    ck_assert_int_eq(zh_buf_append_chunk_header(&b, 16), ZH_OK);
    ck_assert_int_eq(zh_buf_append_last_chunk(&b), ZH_OK);
    assert_slice(zh_buf_slice(&b),
                 "5\r\nhello\r\n1a\r\nabcdefghijklmnopqrstuvwxyz\r\nff\r\n10\r\n0\r\n\r\n", "chunks");
    zh_buf_dispose(&b);
}
END_TEST

/* ---------------------------------------------------------------- headers */

START_TEST(headers_add_keeps_order_and_duplicates)
{
    zh_headers h;
    zh_headers_init(&h);
    ck_assert_int_eq(zh_headers_add(&h, S("A"), S("1")), ZH_OK);
    ck_assert_int_eq(zh_headers_add(&h, S("b"), S("2")), ZH_OK);
    ck_assert_int_eq(zh_headers_add(&h, S("a"), S("3")), ZH_OK);
    ck_assert_int_eq(zh_headers_add(&h, S("Empty"), S("")), ZH_OK);
    ck_assert_uint_eq(zh_headers_count(&h), 4);
    assert_field(&h, 0, "A", "1");
    assert_field(&h, 1, "b", "2");
    assert_field(&h, 2, "a", "3");
    assert_field(&h, 3, "Empty", "");
    zh_slice n = S("junk"), v = S("junk");
    ck_assert(!zh_headers_at(&h, 4, &n, &v));
    ck_assert_uint_eq(n.len, 0);
    ck_assert_uint_eq(v.len, 0);
    zh_headers_dispose(&h);
}
END_TEST

START_TEST(headers_get_first_case_insensitive)
{
    zh_headers h;
    zh_headers_init(&h);
    zh_headers_add(&h, S("Content-Type"), S("text/plain"));
    zh_headers_add(&h, S("X-A"), S("first"));
    zh_headers_add(&h, S("x-a"), S("second"));
    zh_slice v;
    ck_assert(zh_headers_get(&h, S("CONTENT-type"), &v));
    assert_slice(v, "text/plain", "get nocase");
    ck_assert(zh_headers_get(&h, S("X-a"), &v));
    assert_slice(v, "first", "get returns the first");
    v = S("junk");
    ck_assert(!zh_headers_get(&h, S("X-B"), &v));
    ck_assert_uint_eq(v.len, 0);
    ck_assert(!zh_headers_get(&h, S("X-"), &v)); /* prefix is not a match */
    ck_assert(!zh_headers_get(&h, S("X-AA"), &v));
    ck_assert(zh_headers_has(&h, S("content-TYPE")));
    ck_assert(!zh_headers_has(&h, S("Content-Typ")));
    zh_headers_dispose(&h);
}
END_TEST

START_TEST(headers_set_replaces_all_in_place_of_first)
{
    zh_headers h;
    zh_headers_init(&h);
    zh_headers_add(&h, S("X"), S("1"));
    zh_headers_add(&h, S("Y"), S("2"));
    zh_headers_add(&h, S("x"), S("3"));
    zh_headers_add(&h, S("Z"), S("4"));
    zh_headers_add(&h, S("X"), S("5"));
    ck_assert_int_eq(zh_headers_set(&h, S("X"), S("9")), ZH_OK);
    ck_assert_uint_eq(zh_headers_count(&h), 3);
    assert_field(&h, 0, "X", "9");
    assert_field(&h, 1, "Y", "2");
    assert_field(&h, 2, "Z", "4");
    /* absent: appended at the end */
    ck_assert_int_eq(zh_headers_set(&h, S("New"), S("n")), ZH_OK);
    ck_assert_uint_eq(zh_headers_count(&h), 4);
    assert_field(&h, 3, "New", "n");
    /* set on the only occurrence keeps the count */
    ck_assert_int_eq(zh_headers_set(&h, S("y"), S("two")), ZH_OK);
    ck_assert_uint_eq(zh_headers_count(&h), 4);
    assert_field(&h, 1, "y", "two");
    zh_headers_dispose(&h);
}
END_TEST

START_TEST(headers_del_removes_every_occurrence)
{
    zh_headers h;
    zh_headers_init(&h);
    zh_headers_add(&h, S("A"), S("1"));
    zh_headers_add(&h, S("B"), S("2"));
    zh_headers_add(&h, S("a"), S("3"));
    zh_headers_add(&h, S("C"), S("4"));
    zh_headers_add(&h, S("A"), S("5"));
    ck_assert_uint_eq(zh_headers_del(&h, S("A")), 3);
    ck_assert_uint_eq(zh_headers_count(&h), 2);
    assert_field(&h, 0, "B", "2");
    assert_field(&h, 1, "C", "4");
    ck_assert_uint_eq(zh_headers_del(&h, S("A")), 0);
    ck_assert_uint_eq(zh_headers_del(&h, S("C")), 1);
    ck_assert_uint_eq(zh_headers_count(&h), 1);
    assert_field(&h, 0, "B", "2");
    zh_headers_dispose(&h);
}
END_TEST

START_TEST(headers_del_at_full_capacity)
{
    /* every slot in use: removing must not read past the last one */
    zh_headers h;
    zh_headers_init(&h);
    size_t n = 0;
    do {
        char name[16];
        snprintf(name, sizeof name, "H%zu", n++);
        ck_assert_int_eq(zh_headers_add(&h, zh_slice_from_cstr(name), S("v")), ZH_OK);
    } while (h.count < h.cap);
    ck_assert_uint_eq(zh_headers_del(&h, S("H0")), 1);
    ck_assert_uint_eq(zh_headers_count(&h), n - 1);
    assert_field(&h, 0, "H1", "v");
    char last[16];
    snprintf(last, sizeof last, "H%zu", n - 1);
    assert_field(&h, n - 2, last, "v");
    ck_assert_uint_eq(zh_headers_del(&h, zh_slice_from_cstr(last)), 1);
    ck_assert_uint_eq(zh_headers_count(&h), n - 2);
    zh_headers_dispose(&h);
}
END_TEST

START_TEST(headers_max_count)
{
    zh_headers h;
    zh_headers_init(&h);
    ck_assert_uint_eq(h.max, ZH_MSG_MAX_HEADERS_DEFAULT);
    zh_headers_set_max(&h, 2);
    ck_assert_int_eq(zh_headers_add(&h, S("A"), S("1")), ZH_OK);
    ck_assert_int_eq(zh_headers_add(&h, S("B"), S("2")), ZH_OK);
    ck_assert_int_eq(zh_headers_add(&h, S("C"), S("3")), ZH_E_TOO_MANY_FIELDS);
    ck_assert_int_eq(zh_headers_set(&h, S("C"), S("3")), ZH_E_TOO_MANY_FIELDS);
    ck_assert_uint_eq(zh_headers_count(&h), 2);
    ck_assert_int_eq(zh_headers_set(&h, S("a"), S("one")), ZH_OK); /* replacing is fine */
    assert_field(&h, 0, "a", "one");
    assert_field(&h, 1, "B", "2");
    zh_headers_del(&h, S("B"));
    ck_assert_int_eq(zh_headers_add(&h, S("C"), S("3")), ZH_OK);
    zh_headers_set_max(&h, 0); /* clamps to 1 */
    ck_assert_uint_eq(h.max, 1);
    zh_headers_dispose(&h);
    zh_headers_init(&h);
    for (int i = 0; i < ZH_MSG_MAX_HEADERS_DEFAULT; i++)
        ck_assert_int_eq(zh_headers_add(&h, S("K"), S("v")), ZH_OK);
    ck_assert_int_eq(zh_headers_add(&h, S("K"), S("v")), ZH_E_TOO_MANY_FIELDS);
    zh_headers_dispose(&h);
}
END_TEST

START_TEST(headers_reject_bad_names_and_values)
{
    zh_headers h;
    zh_headers_init(&h);
    ck_assert_int_eq(zh_headers_add(&h, S(""), S("v")), ZH_E_BAD_FIELD_NAME);
    ck_assert_int_eq(zh_headers_add(&h, S("Bad Name"), S("v")), ZH_E_BAD_FIELD_NAME);
    ck_assert_int_eq(zh_headers_add(&h, S("a:b"), S("v")), ZH_E_BAD_FIELD_NAME);
    ck_assert_int_eq(zh_headers_add(&h, S("a\r\nb"), S("v")), ZH_E_BAD_FIELD_NAME);
    ck_assert_int_eq(zh_headers_add(&h, S("X"), S("a\r\nInjected: 1")), ZH_E_BAD_FIELD_VALUE);
    ck_assert_int_eq(zh_headers_add(&h, S("X"), S("a\nb")), ZH_E_BAD_FIELD_VALUE);
    ck_assert_int_eq(zh_headers_add(&h, S("X"), S("a\rb")), ZH_E_BAD_FIELD_VALUE);
    ck_assert_int_eq(zh_headers_add(&h, S("X"), (zh_slice){ "a\0b", 3 }), ZH_E_BAD_FIELD_VALUE);
    ck_assert_int_eq(zh_headers_add(&h, S("X"), S("\x7f")), ZH_E_BAD_FIELD_VALUE);
    ck_assert_int_eq(zh_headers_add(&h, S("X"), S("\x1f")), ZH_E_BAD_FIELD_VALUE);
    ck_assert_uint_eq(zh_headers_count(&h), 0);
    zh_headers_add(&h, S("X"), S("ok"));
    ck_assert_int_eq(zh_headers_set(&h, S("X"), S("bad\r\n")), ZH_E_BAD_FIELD_VALUE);
    ck_assert_int_eq(zh_headers_set(&h, S("X Y"), S("v")), ZH_E_BAD_FIELD_NAME);
    assert_field(&h, 0, "X", "ok");
    /* tokens, HTAB, SP and obs-text are fine */
    ck_assert_int_eq(zh_headers_add(&h, S("!#$%&'*+-.^_`|~09azAZ"), S("a\tb c\xe9")), ZH_OK);
    ck_assert_uint_eq(zh_headers_count(&h), 2);
    zh_headers_dispose(&h);
}
END_TEST

START_TEST(headers_value_check_every_position)
{
    /* a control anywhere in a value of any length is refused; HTAB, SP and
     * obs-text anywhere are fine */
    static const unsigned char bad[] = { 0x00, 0x01, 0x0a, 0x0d, 0x1f, 0x7f };
    static const unsigned char good[] = { '\t', ' ', 0x20, 0x7e, 0x80, 0xff };
    zh_headers h;
    zh_headers_init(&h);
    char v[40];
    for (size_t len = 1; len <= sizeof v; len++) {
        for (size_t pos = 0; pos < len; pos++) {
            for (size_t k = 0; k < sizeof bad; k++) {
                memset(v, 'x', len);
                v[pos] = (char)bad[k];
                ck_assert_msg(zh_headers_add(&h, S("X"), (zh_slice){ v, len }) == ZH_E_BAD_FIELD_VALUE,
                              "len %zu pos %zu byte %#x accepted", len, pos, bad[k]);
            }
            for (size_t k = 0; k < sizeof good; k++) {
                memset(v, 'x', len);
                v[pos] = (char)good[k];
                ck_assert_msg(zh_headers_set(&h, S("X"), (zh_slice){ v, len }) == ZH_OK,
                              "len %zu pos %zu byte %#x refused", len, pos, good[k]);
            }
        }
    }
    ck_assert_uint_eq(zh_headers_count(&h), 1);
    zh_headers_dispose(&h);
}
END_TEST

START_TEST(headers_accept_own_slices_while_growing)
{
    zh_headers h;
    zh_headers_init(&h);
    zh_headers_add(&h, S("Name-One"), S("value-number-one"));
    for (int i = 0; i < 40; i++) {
        zh_slice n, v;
        zh_headers_at(&h, (size_t)i, &n, &v);
        /* n and v point into the store, which grows during the call */
        ck_assert_int_eq(zh_headers_add(&h, n, v), ZH_OK);
    }
    ck_assert_uint_eq(zh_headers_count(&h), 41);
    for (size_t i = 0; i < 41; i++)
        assert_field(&h, i, "Name-One", "value-number-one");
    zh_slice v;
    zh_headers_get(&h, S("name-one"), &v);
    ck_assert_int_eq(zh_headers_set(&h, S("Other"), v), ZH_OK);
    zh_slice n;
    zh_headers_at(&h, 41, &n, NULL);
    ck_assert_int_eq(zh_headers_set(&h, n, S("x")), ZH_OK); /* name from the store */
    ck_assert_uint_eq(zh_headers_count(&h), 42);
    assert_field(&h, 41, "Other", "x");
    zh_headers_at(&h, 0, &n, NULL);
    ck_assert_int_eq(zh_headers_set(&h, n, S("one")), ZH_OK);
    ck_assert_uint_eq(zh_headers_count(&h), 2);
    assert_field(&h, 0, "Name-One", "one");
    assert_field(&h, 1, "Other", "x");
    zh_headers_dispose(&h);
}
END_TEST

START_TEST(headers_reset_keeps_memory)
{
    zh_headers h;
    zh_headers_init(&h);
    for (int i = 0; i < 20; i++)
        zh_headers_add(&h, S("Some-Header"), S("some value"));
    zh_alloc_stats_reset();
    for (int round = 0; round < 10; round++) {
        zh_headers_reset(&h);
        ck_assert_uint_eq(zh_headers_count(&h), 0);
        ck_assert(!zh_headers_has(&h, S("Some-Header")));
        for (int i = 0; i < 20; i++)
            ck_assert_int_eq(zh_headers_add(&h, S("Some-Header"), S("some value")), ZH_OK);
    }
    zh_alloc_stats st = zh_alloc_stats_get();
    ck_assert_uint_eq(st.allocs, 0);
    ck_assert_uint_eq(st.frees, 0);
    zh_headers_dispose(&h);
}
END_TEST

START_TEST(headers_nomem_leaves_table_unchanged)
{
    zh_headers h;
    zh_headers_init(&h);
    zh_alloc_fail_after(1, true);
    ck_assert_int_eq(zh_headers_add(&h, S("A"), S("1")), ZH_E_NOMEM);
    ck_assert_int_eq(zh_headers_set(&h, S("A"), S("1")), ZH_E_NOMEM);
    zh_alloc_fail_after(0, false);
    ck_assert_uint_eq(zh_headers_count(&h), 0);
    zh_headers_add(&h, S("A"), S("1"));
    /* the store grows on the second allocation (slots already there) */
    char big[300];
    memset(big, 'v', sizeof big);
    zh_alloc_fail_after(1, false);
    ck_assert_int_eq(zh_headers_set(&h, S("A"), (zh_slice){ big, sizeof big }), ZH_E_NOMEM);
    zh_alloc_fail_after(0, false);
    ck_assert_uint_eq(zh_headers_count(&h), 1);
    assert_field(&h, 0, "A", "1");
    zh_headers_dispose(&h);
}
END_TEST

/* ---------------------------------------------------------------- request accessors */

START_TEST(request_defaults_and_setters)
{
    zh_request r;
    zh_request_init(&r);
    assert_slice(zh_request_method(&r), "GET", "default method");
    assert_slice(zh_request_target(&r), "/", "default target");
    ck_assert_int_eq(zh_request_version(&r), 1);
    ck_assert_int_eq(zh_request_content_length(&r), 0);
    assert_slice(zh_request_body(&r), "", "default body");
    ck_assert_ptr_eq(zh_request_headers(&r), zh_request_headers_const(&r));

    ck_assert_int_eq(zh_request_set_method(&r, S("PATCH")), ZH_OK);
    assert_slice(zh_request_method(&r), "PATCH", "method");
    ck_assert_int_eq(zh_request_set_method(&r, S("")), ZH_E_BAD_METHOD);
    ck_assert_int_eq(zh_request_set_method(&r, S("GE T")), ZH_E_BAD_METHOD);
    ck_assert_int_eq(zh_request_set_method(&r, S("GET\r\n")), ZH_E_BAD_METHOD);
    assert_slice(zh_request_method(&r), "PATCH", "method kept after a bad set");

    ck_assert_int_eq(zh_request_set_target(&r, S("/a/b?c=d")), ZH_OK);
    assert_slice(zh_request_target(&r), "/a/b?c=d", "target");
    ck_assert_int_eq(zh_request_set_target(&r, S("")), ZH_E_BAD_TARGET);
    ck_assert_int_eq(zh_request_set_target(&r, S("/a b")), ZH_E_BAD_TARGET);
    ck_assert_int_eq(zh_request_set_target(&r, S("/a\r\nX: y")), ZH_E_BAD_TARGET);
    ck_assert_int_eq(zh_request_set_target(&r, S("/\x7f")), ZH_E_BAD_TARGET);
    ck_assert_int_eq(zh_request_set_target(&r, S("/\xc3\xa9")), ZH_E_BAD_TARGET);
    assert_slice(zh_request_target(&r), "/a/b?c=d", "target kept after a bad set");

    ck_assert_int_eq(zh_request_set_version(&r, 0), ZH_OK);
    ck_assert_int_eq(zh_request_version(&r), 0);
    ck_assert_int_eq(zh_request_set_version(&r, 2), ZH_E_UNSUPPORTED_VERSION);
    ck_assert_int_eq(zh_request_set_version(&r, -1), ZH_E_UNSUPPORTED_VERSION);
    ck_assert_int_eq(zh_request_version(&r), 0);

    /* a slice of the object itself survives the store growing under it */
    ck_assert_int_eq(zh_request_set_target(&r, S("OPTIONS")), ZH_OK);
    ck_assert_int_eq(zh_headers_add(zh_request_headers(&r), S("X"),
                                    S("0123456789012345678901234567890123456789")), ZH_OK);
    for (int i = 0; i < 8; i++)
        ck_assert_int_eq(zh_request_set_method(&r, zh_request_target(&r)), ZH_OK);
    assert_slice(zh_request_method(&r), "OPTIONS", "method from own target");
    ck_assert_int_eq(zh_request_set_target(&r, zh_request_method(&r)), ZH_OK);
    assert_slice(zh_request_target(&r), "OPTIONS", "target from own method");

    zh_request_reset(&r);
    assert_slice(zh_request_method(&r), "GET", "method after reset");
    assert_slice(zh_request_target(&r), "/", "target after reset");
    ck_assert_int_eq(zh_request_version(&r), 1);
    zh_request_dispose(&r);
}
END_TEST

static zh_err dummy_writer(void *ud, zh_buf *out, bool *done)
{
    (void)ud;
    (void)out;
    *done = true;
    return ZH_OK;
}

START_TEST(request_body_and_derived_length)
{
    zh_request r;
    zh_request_init(&r);
    ck_assert_int_eq(zh_request_set_body(&r, "hello", 5), ZH_OK);
    ck_assert_int_eq(zh_request_content_length(&r), 5);
    ck_assert_int_eq(zh_request_append_body(&r, " world", 6), ZH_OK);
    assert_slice(zh_request_body(&r), "hello world", "appended");
    ck_assert_int_eq(zh_request_content_length(&r), 11);
    ck_assert_int_eq(zh_request_set_body(&r, "x", 1), ZH_OK);
    assert_slice(zh_request_body(&r), "x", "replaced");
    ck_assert_int_eq(zh_request_content_length(&r), 1);
    ck_assert_int_eq(zh_request_set_body(&r, NULL, 0), ZH_OK);
    ck_assert_int_eq(zh_request_content_length(&r), 0);
    ck_assert_int_eq(zh_request_set_body(&r, NULL, 3), ZH_E_INVALID_ARGUMENT);

    /* parts of the body itself */
    zh_request_set_body(&r, "0123456789", 10);
    zh_slice b = zh_request_body(&r);
    ck_assert_int_eq(zh_request_set_body(&r, b.ptr + 3, 4), ZH_OK);
    assert_slice(zh_request_body(&r), "3456", "set from own bytes");
    b = zh_request_body(&r);
    ck_assert_int_eq(zh_request_append_body(&r, b.ptr, b.len), ZH_OK);
    assert_slice(zh_request_body(&r), "34563456", "append own bytes");
    b = zh_request_body(&r);
    ck_assert_int_eq(zh_request_append_body(&r, b.ptr + 6, 5), ZH_E_INVALID_ARGUMENT);

    zh_request_set_body_writer(&r, dummy_writer, NULL);
    ck_assert_int_eq(zh_request_content_length(&r), -1);
    assert_slice(zh_request_body(&r), "", "streamed body has no bytes");
    ck_assert_int_eq(zh_request_append_body(&r, "x", 1), ZH_E_INVALID_ARGUMENT);
    ck_assert_int_eq(zh_request_set_body(&r, "abc", 3), ZH_OK); /* drops the writer */
    ck_assert_int_eq(zh_request_content_length(&r), 3);
    zh_request_set_body_writer(&r, dummy_writer, NULL);
    zh_request_set_body_writer(&r, NULL, NULL);
    ck_assert_int_eq(zh_request_content_length(&r), 0);
    zh_request_dispose(&r);
}
END_TEST

/* ---------------------------------------------------------------- response accessors */

START_TEST(response_status_and_reason)
{
    zh_response r;
    zh_response_init(&r);
    ck_assert_int_eq(zh_response_status(&r), 200);
    assert_slice(zh_response_reason(&r), "OK", "default reason");
    ck_assert_int_eq(zh_response_version(&r), 1);
    ck_assert_int_eq(zh_response_set_status(&r, 404), ZH_OK);
    assert_slice(zh_response_reason(&r), "Not Found", "reason follows status");
    ck_assert_int_eq(zh_response_set_status(&r, 99), ZH_E_BAD_STATUS);
    ck_assert_int_eq(zh_response_set_status(&r, 600), ZH_E_BAD_STATUS);
    ck_assert_int_eq(zh_response_set_status(&r, 100), ZH_OK);
    ck_assert_int_eq(zh_response_set_status(&r, 599), ZH_OK);
    assert_slice(zh_response_reason(&r), "", "no standard reason");
    ck_assert_int_eq(zh_response_set_status_reason(&r, 200, S("Fine")), ZH_OK);
    assert_slice(zh_response_reason(&r), "Fine", "custom reason");
    ck_assert_int_eq(zh_response_set_status_reason(&r, 200, S("a\r\nb")), ZH_E_BAD_REASON);
    ck_assert_int_eq(zh_response_set_status_reason(&r, 700, S("x")), ZH_E_BAD_STATUS);
    assert_slice(zh_response_reason(&r), "Fine", "kept after bad set");
    ck_assert_int_eq(zh_response_status(&r), 200);
    ck_assert_int_eq(zh_response_set_status(&r, 201), ZH_OK);
    assert_slice(zh_response_reason(&r), "Created", "custom reason dropped by set_status");
    ck_assert_int_eq(zh_response_set_status_reason(&r, 299, S("")), ZH_OK);
    assert_slice(zh_response_reason(&r), "", "empty custom reason");
    ck_assert_int_eq(zh_response_set_version(&r, 0), ZH_OK);
    ck_assert_int_eq(zh_response_version(&r), 0);
    ck_assert_int_eq(zh_response_set_version(&r, 3), ZH_E_UNSUPPORTED_VERSION);
    zh_response_reset(&r);
    ck_assert_int_eq(zh_response_status(&r), 200);
    assert_slice(zh_response_reason(&r), "OK", "after reset");
    ck_assert_int_eq(zh_response_version(&r), 1);
    zh_response_dispose(&r);
}
END_TEST

START_TEST(response_body_and_derived_length)
{
    zh_response r;
    zh_response_init(&r);
    ck_assert_int_eq(zh_response_set_body(&r, "abc", 3), ZH_OK);
    ck_assert_int_eq(zh_response_append_body(&r, "de", 2), ZH_OK);
    assert_slice(zh_response_body(&r), "abcde", "body");
    ck_assert_int_eq(zh_response_content_length(&r), 5);
    zh_response_set_body_writer(&r, dummy_writer, NULL);
    ck_assert_int_eq(zh_response_content_length(&r), -1);
    ck_assert_int_eq(zh_response_append_body(&r, "x", 1), ZH_E_INVALID_ARGUMENT);
    zh_response_reset(&r);
    ck_assert_int_eq(zh_response_content_length(&r), 0);
    ck_assert_ptr_eq(zh_response_headers(&r), zh_response_headers_const(&r));
    zh_response_dispose(&r);
}
END_TEST

/* ---------------------------------------------------------------- reasons, dates */

START_TEST(status_reasons)
{
    ck_assert_str_eq(zh_status_reason(100), "Continue");
    ck_assert_str_eq(zh_status_reason(200), "OK");
    ck_assert_str_eq(zh_status_reason(204), "No Content");
    ck_assert_str_eq(zh_status_reason(304), "Not Modified");
    ck_assert_str_eq(zh_status_reason(400), "Bad Request");
    ck_assert_str_eq(zh_status_reason(404), "Not Found");
    ck_assert_str_eq(zh_status_reason(413), "Content Too Large");
    ck_assert_str_eq(zh_status_reason(431), "Request Header Fields Too Large");
    ck_assert_str_eq(zh_status_reason(505), "HTTP Version Not Supported");
    ck_assert_str_eq(zh_status_reason(299), "");
    ck_assert_str_eq(zh_status_reason(0), "");
    ck_assert_str_eq(zh_status_reason(-1), "");
}
END_TEST

START_TEST(http_dates)
{
    char out[30];
    memset(out, 'z', sizeof out);
    ck_assert_uint_eq(zh_http_date(784111777, out), 29);
    ck_assert_str_eq(out, "Sun, 06 Nov 1994 08:49:37 GMT");
    zh_http_date(0, out);
    ck_assert_str_eq(out, "Thu, 01 Jan 1970 00:00:00 GMT");
    zh_http_date(951782400, out);
    ck_assert_str_eq(out, "Tue, 29 Feb 2000 00:00:00 GMT");
    zh_http_date(4102444799, out);
    ck_assert_str_eq(out, "Thu, 31 Dec 2099 23:59:59 GMT");
    zh_http_date(1700000000, out);
    ck_assert_str_eq(out, "Tue, 14 Nov 2023 22:13:20 GMT");
}
END_TEST

static Suite *msg_headers_suite(void)
{
    Suite *s = suite_create("msg_headers");
    TCase *tc = tcase_create("buf");
    tcase_add_test(tc, buf_append_clear_keeps_memory);
    tcase_add_test(tc, buf_grows_past_initial_capacity);
    tcase_add_test(tc, buf_consume_moves_rest);
    tcase_add_test(tc, buf_max_is_buffer_full);
    tcase_add_test(tc, buf_nomem_leaves_buffer_unchanged);
    tcase_add_test(tc, buf_chunk_writers);
    suite_add_tcase(s, tc);
    tc = tcase_create("headers");
    tcase_add_test(tc, headers_add_keeps_order_and_duplicates);
    tcase_add_test(tc, headers_get_first_case_insensitive);
    tcase_add_test(tc, headers_set_replaces_all_in_place_of_first);
    tcase_add_test(tc, headers_del_removes_every_occurrence);
    tcase_add_test(tc, headers_del_at_full_capacity);
    tcase_add_test(tc, headers_max_count);
    tcase_add_test(tc, headers_reject_bad_names_and_values);
    tcase_add_test(tc, headers_value_check_every_position);
    tcase_add_test(tc, headers_accept_own_slices_while_growing);
    tcase_add_test(tc, headers_reset_keeps_memory);
    tcase_add_test(tc, headers_nomem_leaves_table_unchanged);
    suite_add_tcase(s, tc);
    tc = tcase_create("objects");
    tcase_add_test(tc, request_defaults_and_setters);
    tcase_add_test(tc, request_body_and_derived_length);
    tcase_add_test(tc, response_status_and_reason);
    tcase_add_test(tc, response_body_and_derived_length);
    tcase_add_test(tc, status_reasons);
    tcase_add_test(tc, http_dates);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(msg_headers_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
