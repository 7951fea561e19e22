/* Internal: ASCII helpers that must not depend on the C locale. */
#ifndef ZH_BASE_ASCII_H
#define ZH_BASE_ASCII_H

static inline unsigned char zh__lower(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') ? (unsigned char)(c | 0x20) : c;
}

static inline int zh__hexval(unsigned char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = zh__lower(c);
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

#endif
