/* The ordered, duplicate-keeping, case-insensitive header table. */
#include <string.h>

#include "zhttp/alloc.h"
#include "msg/msg_internal.h"

/* RFC 9110 §5.6.2: tchar = "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-" / "."
 * / "^" / "_" / "`" / "|" / "~" / DIGIT / ALPHA. A table: every field name set by
 * the user is checked byte by byte. */
#define T1(c) [c] = 1
static const unsigned char tchar_table[256] = {
    T1('!'), T1('#'), T1('$'), T1('%'), T1('&'), T1('\''), T1('*'), T1('+'), T1('-'), T1('.'),
    T1('^'), T1('_'), T1('`'), T1('|'), T1('~'),
    T1('0'), T1('1'), T1('2'), T1('3'), T1('4'), T1('5'), T1('6'), T1('7'), T1('8'), T1('9'),
    T1('A'), T1('B'), T1('C'), T1('D'), T1('E'), T1('F'), T1('G'), T1('H'), T1('I'), T1('J'),
    T1('K'), T1('L'), T1('M'), T1('N'), T1('O'), T1('P'), T1('Q'), T1('R'), T1('S'), T1('T'),
    T1('U'), T1('V'), T1('W'), T1('X'), T1('Y'), T1('Z'),
    T1('a'), T1('b'), T1('c'), T1('d'), T1('e'), T1('f'), T1('g'), T1('h'), T1('i'), T1('j'),
    T1('k'), T1('l'), T1('m'), T1('n'), T1('o'), T1('p'), T1('q'), T1('r'), T1('s'), T1('t'),
    T1('u'), T1('v'), T1('w'), T1('x'), T1('y'), T1('z'),
};
#undef T1

bool zh__is_tchar(unsigned char c) { return tchar_table[c] != 0; }

bool zh__is_token(zh_slice s)
{
    if (s.len == 0)
        return false;
    /* Four table look-ups per step, combined without branches: names are
     * short and nearly always valid. */
    const unsigned char *p = (const unsigned char *)s.ptr;
    unsigned ok = 1;
    size_t i = 0;
    for (; i + 4 <= s.len; i += 4)
        ok &= (unsigned)(tchar_table[p[i]] & tchar_table[p[i + 1]] & tchar_table[p[i + 2]] &
                         tchar_table[p[i + 3]]);
    for (; i < s.len; i++)
        ok &= tchar_table[p[i]];
    return ok != 0;
}

static bool byte_is_field_text(unsigned char c)
{
    return (c >= 0x20 || c == '\t') && c != 0x7f;
}

/* True when some byte of the 8 in x is below 0x20 or equal to 0x7f (exact for
 * the word, not for which byte: the caller rechecks bytes one by one). */
static bool word_may_have_ctl(uint64_t x)
{
    const uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
    uint64_t below = (x - ones * 0x20) & ~x & highs;
    uint64_t y = x ^ (ones * 0x7f);
    uint64_t del = (y - ones) & ~y & highs;
    return (below | del) != 0;
}

bool zh__is_field_text(zh_slice s)
{
    /* Eight bytes at a time: this runs over every default value at every
     * serialization. HTAB is rare, so a flagged word is simply rechecked. */
    size_t i = 0;
    for (; i + 8 <= s.len; i += 8) {
        uint64_t x;
        memcpy(&x, s.ptr + i, 8);
        if (word_may_have_ctl(x))
            for (size_t k = 0; k < 8; k++)
                if (!byte_is_field_text((unsigned char)s.ptr[i + k]))
                    return false;
    }
    if (i < s.len && s.len >= 8) {
        /* The last partial word: the final eight bytes (overlapping the words
         * already checked) in one test instead of a byte loop. */
        uint64_t x;
        memcpy(&x, s.ptr + s.len - 8, 8);
        if (!word_may_have_ctl(x))
            return true;
    }
    for (; i < s.len; i++)
        if (!byte_is_field_text((unsigned char)s.ptr[i]))
            return false;
    return true;
}

zh_err zh__store_put(zh_headers *h, zh_slice s, size_t *off)
{
    *off = h->store.len;
    return zh_buf_append(&h->store, s.ptr, s.len);
}

void zh_headers_init(zh_headers *h)
{
    memset(h, 0, sizeof *h);
    h->max = ZH_MSG_MAX_HEADERS_DEFAULT;
}

void zh_headers_reset(zh_headers *h)
{
    zh_buf_clear(&h->store);
    h->count = 0;
}

void zh_headers_dispose(zh_headers *h)
{
    size_t max = h->max;
    zh_buf_dispose(&h->store);
    zh_free(h->slots);
    memset(h, 0, sizeof *h);
    h->max = max;
}

void zh_headers_set_max(zh_headers *h, size_t max) { h->max = max ? max : 1; }

zh_err zh__headers_reserve(zh_headers *h, size_t n)
{
    if (h->cap >= n)
        return ZH_OK;
    size_t cap = h->cap ? h->cap : 8;
    while (cap < n)
        cap *= 2;
    if (cap > SIZE_MAX / sizeof *h->slots)
        return ZH_E_NOMEM;
    zh__hslot *s = zh_realloc(h->slots, cap * sizeof *s);
    if (!s)
        return ZH_E_NOMEM;
    h->slots = s;
    h->cap = cap;
    return ZH_OK;
}

size_t zh_headers_count(const zh_headers *h) { return h->count; }

static zh_slice slot_name(const zh_headers *h, size_t i)
{
    return zh__store_get(h, h->slots[i].ent.name_off, h->slots[i].ent.name_len);
}

static zh_slice slot_value(const zh_headers *h, size_t i)
{
    return zh__store_get(h, h->slots[i].ent.value_off, h->slots[i].ent.value_len);
}

bool zh_headers_at(const zh_headers *h, size_t i, zh_slice *name, zh_slice *value)
{
    if (i >= h->count) {
        if (name)
            *name = (zh_slice){ "", 0 };
        if (value)
            *value = (zh_slice){ "", 0 };
        return false;
    }
    if (name)
        *name = slot_name(h, i);
    if (value)
        *value = slot_value(h, i);
    return true;
}

/* Index of the first field named name at or after from, or h->count. The
 * length and the first letter rule most slots out before any comparison. */
static size_t find_from(const zh_headers *h, zh_slice name, size_t from)
{
    size_t n = name.len;
    if (n == 0) {
        for (size_t i = from; i < h->count; i++)
            if (h->slots[i].ent.name_len == 0)
                return i;
        return h->count;
    }
    unsigned char first = (unsigned char)(name.ptr[0] | 0x20);
    for (size_t i = from; i < h->count; i++) {
        const zh__hslot *s = &h->slots[i];
        if (s->ent.name_len != n)
            continue;
        const char *p = h->store.ptr + s->ent.name_off;
        if ((unsigned char)(p[0] | 0x20) == first && zh__nocase_eq(p, name.ptr, n))
            return i;
    }
    return h->count;
}

bool zh_headers_get(const zh_headers *h, zh_slice name, zh_slice *value)
{
    size_t i = find_from(h, name, 0);
    if (i == h->count) {
        if (value)
            *value = (zh_slice){ "", 0 };
        return false;
    }
    if (value)
        *value = slot_value(h, i);
    return true;
}

bool zh_headers_has(const zh_headers *h, zh_slice name) { return find_from(h, name, 0) < h->count; }

static zh_err check_field(zh_slice name, zh_slice value)
{
    if (!zh__is_token(name))
        return ZH_E_BAD_FIELD_NAME;
    if (!zh__is_field_text(value))
        return ZH_E_BAD_FIELD_VALUE;
    return ZH_OK;
}

/* True when s points into the table's store (a slice the table handed out). */
static bool in_store(const zh_headers *h, zh_slice s)
{
    return s.len && h->store.ptr && s.ptr >= h->store.ptr && s.ptr < h->store.ptr + h->store.len;
}

/* Stores name and value; on error the store is as before. Either may be a slice
 * of the store itself: it is re-pointed after the store grows. */
static zh_err put_pair(zh_headers *h, zh_slice name, zh_slice value, size_t *noff, size_t *voff)
{
    size_t need = name.len + value.len;
    if (h->store.cap - h->store.len < need) {
        bool n_in = in_store(h, name), v_in = in_store(h, value);
        size_t n_at = n_in ? (size_t)(name.ptr - h->store.ptr) : 0;
        size_t v_at = v_in ? (size_t)(value.ptr - h->store.ptr) : 0;
        zh_err e = zh_buf_reserve(&h->store, need);
        if (e != ZH_OK)
            return e;
        if (n_in)
            name.ptr = h->store.ptr + n_at;
        if (v_in)
            value.ptr = h->store.ptr + v_at;
    }
    /* Room is reserved: the store does not move below, so slices of it stay good. */
    char *dst = h->store.ptr + h->store.len;
    *noff = h->store.len;
    zh__copy(dst, name.ptr, name.len);
    *voff = h->store.len + name.len;
    zh__copy(dst + name.len, value.ptr, value.len);
    h->store.len += need;
    return ZH_OK;
}

zh_err zh_headers_add(zh_headers *h, zh_slice name, zh_slice value)
{
    zh_err e = check_field(name, value);
    if (e != ZH_OK)
        return e;
    if (h->count >= h->max)
        return ZH_E_TOO_MANY_FIELDS;
    if ((e = zh__headers_reserve(h, h->count + 1)) != ZH_OK)
        return e;
    size_t noff, voff;
    if ((e = put_pair(h, name, value, &noff, &voff)) != ZH_OK)
        return e;
    zh__hslot *s = &h->slots[h->count++];
    s->ent.name_off = noff;
    s->ent.name_len = name.len;
    s->ent.value_off = voff;
    s->ent.value_len = value.len;
    return ZH_OK;
}

/* Removes slot i, keeping the order of the others. */
static void remove_at(zh_headers *h, size_t i)
{
    memmove(&h->slots[i], &h->slots[i + 1], (h->count - i - 1) * sizeof *h->slots);
    h->count--;
}

zh_err zh_headers_set(zh_headers *h, zh_slice name, zh_slice value)
{
    size_t first = find_from(h, name, 0);
    if (first == h->count)
        return zh_headers_add(h, name, value);
    zh_err e = check_field(name, value);
    if (e != ZH_OK)
        return e;
    size_t noff, voff;
    if ((e = put_pair(h, name, value, &noff, &voff)) != ZH_OK)
        return e;
    zh__hslot *s = &h->slots[first];
    s->ent.name_off = noff;
    s->ent.name_len = name.len;
    s->ent.value_off = voff;
    s->ent.value_len = value.len;
    zh_slice stored = slot_name(h, first); /* name may have pointed into the old store */
    for (size_t i = find_from(h, stored, first + 1); i < h->count; i = find_from(h, stored, i))
        remove_at(h, i);
    return ZH_OK;
}

size_t zh_headers_del(zh_headers *h, zh_slice name)
{
    size_t removed = 0;
    for (size_t i = find_from(h, name, 0); i < h->count; i = find_from(h, name, i)) {
        remove_at(h, i);
        removed++;
    }
    return removed;
}
