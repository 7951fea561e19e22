/* Internal: byte classes of the HTTP grammars, one table lookup per byte. */
#ifndef ZH_PARSE_CHARS_H
#define ZH_PARSE_CHARS_H

#include <stdbool.h>
#include <stdint.h>

enum {
    ZH_CC_TOKEN = 0x01,  /* tchar, RFC 9110 §5.6.2 */
    ZH_CC_VALUE = 0x02,  /* field-vchar / SP / HTAB, RFC 9110 §5.5 (obs-text included) */
    ZH_CC_TARGET = 0x04, /* bytes of a request-target, RFC 3986 §3.3, §3.4 (+ '[' ']') */
    ZH_CC_HEX = 0x08,    /* HEXDIG */
    ZH_CC_REGNAME = 0x10, /* reg-name: unreserved / sub-delims / '%', RFC 3986 §3.2.2 */
    /* ZH_CC_TARGET but '%', '[' and ']': where the head scan stops to check an
     * escape or an IP-literal */
    ZH_CC_TARGET_PLAIN = 0x20,
    ZH_CC_REGNAME_PLAIN = 0x40 /* ZH_CC_REGNAME but '%' */
};

extern const uint8_t zh__char_class[256];

static inline bool zh__is(unsigned char c, unsigned cls) { return (zh__char_class[c] & cls) != 0; }

#endif
