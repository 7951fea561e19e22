/* zhttp/common.h - the slice type, export macro and C++ guards every header uses. */
#ifndef ZHTTP_COMMON_H
#define ZHTTP_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#ifdef __cplusplus
#define ZH_BEGIN_DECLS extern "C" {
#define ZH_END_DECLS }
#else
#define ZH_BEGIN_DECLS
#define ZH_END_DECLS
#endif

/* The library is built with -fvisibility=hidden; only ZH_API symbols are exported. */
#if defined(ZH_BUILDING) && defined(__GNUC__)
#define ZH_API __attribute__((visibility("default")))
#else
#define ZH_API
#endif

ZH_BEGIN_DECLS

/* A view of bytes owned by someone else. Every API says, where it hands one out,
 * how long the bytes stay valid. A slice is never NUL-terminated by contract. */
typedef struct zh_slice {
    const char *ptr;
    size_t len;
} zh_slice;

#define ZH_SLICE_LIT(s) ((zh_slice){ (s), sizeof(s) - 1 })

/* True when a and b hold the same bytes. */
ZH_API bool zh_slice_eq(zh_slice a, zh_slice b);
/* True when a and b are equal ignoring ASCII case (header names, tokens). */
ZH_API bool zh_slice_eq_nocase(zh_slice a, zh_slice b);
/* A slice over a NUL-terminated string (NULL gives the empty slice). */
ZH_API zh_slice zh_slice_from_cstr(const char *s);

ZH_END_DECLS

#endif
