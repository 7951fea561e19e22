/* Slice comparisons shared by every layer. */
#include <string.h>

#include "zhttp/common.h"
#include "base/ascii.h"

bool zh_slice_eq(zh_slice a, zh_slice b)
{
    return a.len == b.len && (a.len == 0 || memcmp(a.ptr, b.ptr, a.len) == 0);
}

bool zh_slice_eq_nocase(zh_slice a, zh_slice b)
{
    if (a.len != b.len)
        return false;
    for (size_t i = 0; i < a.len; i++)
        if (zh__lower((unsigned char)a.ptr[i]) != zh__lower((unsigned char)b.ptr[i]))
            return false;
    return true;
}

zh_slice zh_slice_from_cstr(const char *s)
{
    zh_slice r = { s ? s : "", s ? strlen(s) : 0 };
    return r;
}
