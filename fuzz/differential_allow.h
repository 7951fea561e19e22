/* fuzz/differential_allow.h - the reviewed allow-list of the differential target:
 * every known, explained difference between zhttp (strict RFC 9110/9112) and
 * http-parser 2.9.4 / picohttpparser. Each entry names the rule that makes zhttp's
 * answer the right one (or an acceptable one). Anything not listed aborts the
 * target. Add an entry only with its RFC reference and a seed in
 * corpus/differential/ that exercises it. */
#ifndef ZH_FUZZ_DIFFERENTIAL_ALLOW_H
#define ZH_FUZZ_DIFFERENTIAL_ALLOW_H

#include <string.h>

#include "zhttp/parse.h"
#ifdef ZH_HAVE_HTTP_PARSER
#include <http_parser.h>
#endif

enum { DZ_PEER_PICO = 1, DZ_PEER_HTTP_PARSER = 2 };

/* zhttp refuses a head (or its Host / framing) that the peer accepts. */
static inline int dz_allow_zhttp_rejects(zh_err rc, int peer)
{
    switch (rc) {
    /* RFC 9112 §2.2: a recipient MAY accept a bare LF; strict zhttp refuses it
     * (opt-in ZH_LENIENT_BARE_LF). Both peers accept bare LF. */
    case ZH_E_BARE_LF:
    /* RFC 9112 §2.2: a bare CR must be rejected or replaced by SP; the peers
     * pass it through in values / treat it as a line end. */
    case ZH_E_BARE_CR:
    /* RFC 9112 §5.2: obs-fold is deprecated; a server MUST reject it or replace it
     * by SP. zhttp rejects; the peers join continuation lines. */
    case ZH_E_OBS_FOLD:
    /* RFC 9112 §3.2: a server MUST answer 400 to an HTTP/1.1 request without Host,
     * with more than one, or with an invalid one. The peers do not check Host. */
    case ZH_E_MISSING_HOST:
    case ZH_E_DUPLICATE_HOST:
    case ZH_E_BAD_HOST:
    /* RFC 9112 §3.2 / RFC 3986 §3: the request-target grammar (no fragment, valid
     * percent-encoding, origin/absolute/authority/asterisk forms tied to the method,
     * a port of digits); the peers accept any visible bytes. */
    case ZH_E_BAD_TARGET:
    case ZH_E_URI_FRAGMENT:
    case ZH_E_BAD_PERCENT:
    case ZH_E_BAD_PORT:
    case ZH_E_BAD_SCHEME:
    /* RFC 9110 §5.5: field values are field-vchar / SP / HTAB; zhttp refuses other
     * controls (NUL, DEL, 0x01-0x1f); the peers let some through. */
    case ZH_E_BAD_FIELD_VALUE:
    case ZH_E_NUL:
    /* RFC 9112 §2.3: HTTP-version is "HTTP/" DIGIT "." DIGIT, and zhttp serves 1.x
     * only (505 otherwise, RFC 9110 §15.6.6); the peers accept other versions. */
    case ZH_E_UNSUPPORTED_VERSION:
    case ZH_E_BAD_VERSION:
    /* RFC 9112 §3: request-line = method SP request-target SP HTTP-version, single
     * SPs; the peers skip extra spaces. */
    case ZH_E_BAD_REQUEST_LINE:
    /* RFC 9110 §9.1 / §5.6.2: the method is a token; pico accepts other bytes. */
    case ZH_E_BAD_METHOD:
    /* RFC 9110 §5.1 / RFC 9112 §5.1: a field name is a token and no whitespace is
     * allowed between it and the colon (MUST reject, 400). */
    case ZH_E_BAD_FIELD_NAME:
    case ZH_E_WS_BEFORE_COLON:
    case ZH_E_FIELD_NO_COLON:
    /* Limits (zhttp's defaults: 100 fields, 8 KiB lines, 64 KiB head); the peers
     * have other limits or none. */
    case ZH_E_TOO_MANY_FIELDS:
    case ZH_E_FIELD_LINE_TOO_LONG:
    case ZH_E_REQUEST_LINE_TOO_LONG:
    case ZH_E_HEAD_TOO_LARGE:
    case ZH_E_BODY_TOO_LARGE:
        return 1;
    /* Framing: picohttpparser does not look at Content-Length / Transfer-Encoding
     * at all, so every framing refusal differs from it. For http-parser: */
    case ZH_E_BAD_CONTENT_LENGTH:          /* RFC 9110 §8.6: 1*DIGIT, < 2^63 */
    case ZH_E_CONFLICTING_CONTENT_LENGTH:  /* RFC 9110 §8.6: differing values: 400 */
    case ZH_E_CL_AND_TE:                   /* RFC 9112 §6.3 rule 3: MAY reject; zhttp does */
    case ZH_E_BAD_TRANSFER_ENCODING:       /* RFC 9112 §6.1: list of tokens */
    case ZH_E_CHUNKED_NOT_LAST:            /* RFC 9112 §6.3 rule 4: 400 and close */
    case ZH_E_CHUNKED_TWICE:               /* RFC 9112 §6.1: MUST NOT apply chunked twice */
    case ZH_E_UNKNOWN_TRANSFER_CODING:     /* RFC 9112 §6.1: 501 for unknown codings */
    case ZH_E_TE_IN_HTTP10:                /* RFC 9112 §6.1: TE in 1.0 is suspect: 400 */
        return peer == DZ_PEER_PICO || peer == DZ_PEER_HTTP_PARSER;
    default:
        return 0;
    }
}

/* zhttp wants more bytes where the peer saw a complete head. */
static inline int dz_allow_zhttp_incomplete(const char *buf, size_t peer_head_len)
{
    (void)buf;
    (void)peer_head_len;
    return 0;
}

/* picohttpparser refuses a head zhttp accepted (buf[0..head_len) is that head). */
static inline int dz_allow_pico_rejects(const char *buf, size_t len, size_t head_len)
{
    (void)len;
    /* RFC 9112 §2.2: a server SHOULD ignore at least one empty line before the
     * request-line (zhttp skips them); picohttpparser refuses them. */
    if (head_len >= 2 && buf[0] == '\r' && buf[1] == '\n')
        return 1;
    return 0;
}

static inline int dz_allow_pico_incomplete(const char *buf, size_t head_len)
{
    (void)buf;
    (void)head_len;
    return 0;
}

static inline size_t dz_count(const zh_request_head *h, const char *name)
{
    size_t n = 0;
    for (size_t i = 0; i < h->num_fields; i++)
        n += zh_slice_eq_nocase(h->fields[i].name, zh_slice_from_cstr(name));
    return n;
}

static inline int dz_has_comma(const zh_request_head *h, const char *name)
{
    for (size_t i = 0; i < h->num_fields; i++)
        if (zh_slice_eq_nocase(h->fields[i].name, zh_slice_from_cstr(name)) &&
            memchr(h->fields[i].value.ptr, ',', h->fields[i].value.len))
            return 1;
    return 0;
}

/* A field whose name starts with name but is longer ("Transfer-Encoding$"). */
static inline int dz_has_longer_name(const zh_request_head *h, const char *name)
{
    size_t n = strlen(name);
    for (size_t i = 0; i < h->num_fields; i++)
        if (h->fields[i].name.len > n &&
            zh_slice_eq_nocase((zh_slice){ h->fields[i].name.ptr, n }, zh_slice_from_cstr(name)))
            return 1;
    return 0;
}

/* http-parser's URL grammar is narrower than RFC 3986 for a scheme (ALPHA only,
 * where RFC 3986 §3.1 allows ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )) and a
 * reg-name host (alnum "-" "." "_" "~" only, where RFC 3986 §3.2.2 also allows
 * sub-delims and pct-encoded). */
static inline int dz_hp_url_narrower(const zh_request_head *h)
{
    zh_uri u;
    if (zh_parse_target(h->target, h->method, &u) != ZH_OK)
        return 0;
    for (size_t i = 0; i < u.scheme.len; i++) {
        char c = (char)(u.scheme.ptr[i] | 0x20);
        if (c < 'a' || c > 'z')
            return 1;
    }
    if (u.host.len > 0 && u.host.ptr[0] == '[')
        return 0;
    for (size_t i = 0; i < u.host.len; i++) {
        unsigned char c = (unsigned char)u.host.ptr[i];
        int ok = (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') || c == '-' ||
                 c == '.' || c == '_' || c == '~';
        if (!ok)
            return 1;
    }
    return 0;
}

/* The raw field line around the value of a field named name holds an HTAB (OWS
 * that zhttp trimmed). The value slice lies inside the parsed head, between the
 * colon and the CR LF, so the bytes looked at are part of the head. */
static inline int dz_htab_ows(const zh_request_head *h, const char *name)
{
    for (size_t i = 0; i < h->num_fields; i++) {
        if (!zh_slice_eq_nocase(h->fields[i].name, zh_slice_from_cstr(name)))
            continue;
        const char *p = h->fields[i].name.ptr + h->fields[i].name.len + 1;
        for (; *p == ' ' || *p == '\t'; p++)
            if (*p == '\t')
                return 1;
        for (p += h->fields[i].value.len; *p == ' ' || *p == '\t'; p++)
            if (*p == '\t')
                return 1;
    }
    return 0;
}

/* SP or HTAB after the value of a field named name (trailing OWS, trimmed by zhttp,
 * RFC 9110 §5.5; http-parser keeps it and then fails to match tokens). */
static inline int dz_trailing_ows(const zh_request_head *h, const char *name)
{
    for (size_t i = 0; i < h->num_fields; i++) {
        if (!zh_slice_eq_nocase(h->fields[i].name, zh_slice_from_cstr(name)))
            continue;
        const char *p = h->fields[i].name.ptr + h->fields[i].name.len + 1;
        while (*p == ' ' || *p == '\t')
            p++;
        p += h->fields[i].value.len;
        if (*p == ' ' || *p == '\t')
            return 1;
    }
    return 0;
}

/* http-parser refuses a head zhttp accepted. */
static inline int dz_allow_hp_rejects(const char *buf, size_t len, const zh_request_head *h,
                                      int hp_errno)
{
    (void)buf;
    (void)len;
#ifdef ZH_HAVE_HTTP_PARSER
    /* RFC 9110 §9.1, §16.1: the method is any token and the set is extensible;
     * http-parser knows only its fixed table (GET ... LINK, UNLINK, SOURCE). */
    if (hp_errno == HPE_INVALID_METHOD) {
        int known = 0;
        for (int m = 0; m < 64; m++) {
            const char *name = http_method_str((enum http_method)m);
            if (strcmp(name, "<unknown>") != 0 && zh_slice_eq(h->method, zh_slice_from_cstr(name)))
                known = 1;
        }
        if (!known)
            return 1;
    }
    if (hp_errno == HPE_INVALID_URL && dz_hp_url_narrower(h))
        return 1;
    /* RFC 9110 §5.5: OWS (SP / HTAB) around a field value is not part of it;
     * http-parser refuses an HTAB around the Content-Length digits. */
    if (hp_errno == HPE_INVALID_CONTENT_LENGTH && dz_htab_ows(h, "content-length"))
        return 1;
    /* http-parser bug: a field name that merely starts with Transfer-Encoding or
     * Content-Length ("Transfer-Encoding$", "Content-Lengthx") is taken for that
     * field. RFC 9110 §5.1: names are compared whole (case-insensitively). */
    if ((hp_errno == HPE_UNEXPECTED_CONTENT_LENGTH || hp_errno == HPE_INVALID_CONTENT_LENGTH ||
         hp_errno == HPE_INVALID_TRANSFER_ENCODING) &&
        (dz_has_longer_name(h, "transfer-encoding") || dz_has_longer_name(h, "content-length")))
        return 1;
    /* RFC 9110 §8.6: a Content-Length list or repeated field whose values are all
     * equal MAY be accepted as that value (zhttp does); http-parser refuses any
     * second Content-Length and any list. */
    if ((hp_errno == HPE_UNEXPECTED_CONTENT_LENGTH || hp_errno == HPE_INVALID_CONTENT_LENGTH) &&
        (dz_count(h, "content-length") > 1 || dz_has_comma(h, "content-length")))
        return 1;
#else
    (void)h;
    (void)hp_errno;
#endif
    return 0;
}

static inline int dz_allow_hp_incomplete(const char *buf, size_t head_len)
{
    (void)buf;
    (void)head_len;
    return 0;
}

/* Field values: zhttp's slice excludes leading and trailing OWS (RFC 9110 §5.5:
 * "not part of the field value"); a peer may report trailing OWS. */
static inline int dz_same_value(zh_slice z, zh_slice peer)
{
    while (peer.len > 0 && (peer.ptr[peer.len - 1] == ' ' || peer.ptr[peer.len - 1] == '\t'))
        peer.len--;
    while (peer.len > 0 && (peer.ptr[0] == ' ' || peer.ptr[0] == '\t')) {
        peer.ptr++;
        peer.len--;
    }
    return zh_slice_eq(z, peer);
}

/* A field list with HTAB or empty elements (", close", "chunked, "). RFC 9110
 * §5.6.1: list elements are separated by OWS "," OWS (OWS = SP / HTAB) and a
 * recipient MUST accept and ignore empty elements. http-parser splits on "," and
 * SP only and does not skip empty elements. */
static inline int dz_list_irregular(const zh_request_head *h, const char *name)
{
    for (size_t i = 0; i < h->num_fields; i++) {
        zh_slice v = h->fields[i].value;
        if (!zh_slice_eq_nocase(h->fields[i].name, zh_slice_from_cstr(name)))
            continue;
        /* canonical: elem *( "," [ SP ] elem ), elements without SP / HTAB at
         * their ends; anything else is valid list syntax http-parser misreads */
        size_t start = 0;
        for (size_t k = 0; k <= v.len; k++) {
            if (k < v.len && v.ptr[k] != ',') {
                if (v.ptr[k] == '\t')
                    return 1;
                continue;
            }
            size_t a = start, b = k;
            if (start > 0 && a < b && v.ptr[a] == ' ')
                a++;
            if (a == b || memchr(v.ptr + a, ' ', b - a) != NULL)
                return 1; /* empty element, or SP around / inside an element */
            start = k + 1;
        }
    }
    return 0;
}

/* Body framing: zhttp says chunked where http-parser does not, because the
 * Transfer-Encoding list has empty elements after "chunked" ("chunked, ").
 * RFC 9110 §5.6.1: a recipient MUST accept and ignore empty list elements, so
 * chunked is the final coding. */
static inline int dz_allow_chunked_mismatch(const zh_request_head *h)
{
    /* and the http-parser name-prefix bug above ("Transfer-Encodingh: x") */
    return dz_list_irregular(h, "transfer-encoding") || dz_htab_ows(h, "transfer-encoding") ||
           dz_trailing_ows(h, "transfer-encoding") ||
           dz_has_longer_name(h, "transfer-encoding");
}

/* Connection persistence. */
static inline int dz_same_keep_alive(int z_keep, int hp_keep, const zh_request_head *h)
{
    /* the same list rule for Connection: "\tclose" and ", close" are the token close */
    if (z_keep == hp_keep || dz_list_irregular(h, "connection") || dz_htab_ows(h, "connection") ||
        dz_trailing_ows(h, "connection"))
        return 1;
    /* zhttp reads each element of a Connection list (RFC 9110 §5.6.1, §7.6.1): a
     * "close" or "keep-alive" anywhere counts. http-parser's scanner follows one
     * element at a time and loses earlier or later ones ("close,ce",
     * "%,_,keep-alive"), so with more than one element (a comma, or several
     * Connection fields) the two may differ. A single element must agree. */
    if (dz_has_comma(h, "connection") || dz_count(h, "connection") > 1)
        return 1;
    /* A Connection value with bytes that are not token characters is malformed
     * (RFC 9110 §7.6.1: #connection-option, tokens). zhttp still honours the
     * well-formed "close" / "keep-alive" elements of the list (RFC 9110 §5.6.1
     * parses elements independently); http-parser's scanner loses track at the
     * first odd byte. */
    for (size_t i = 0; i < h->num_fields; i++) {
            zh_slice v = h->fields[i].value;
            if (!zh_slice_eq_nocase(h->fields[i].name, ZH_SLICE_LIT("connection")))
                continue;
            for (size_t k = 0; k < v.len; k++) {
                unsigned char c = (unsigned char)v.ptr[k];
                int tchar = (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') ||
                            (c != 0 && strchr("!#$%&'*+-.^_`|~", c) != NULL);
                if (!tchar && c != ',' && c != ' ' && c != '\t')
                    return 1;
            }
        }
    return 0;
}

#endif
