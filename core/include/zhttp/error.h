/* zhttp/error.h - every outcome the library can report, its name, its message,
 * and the HTTP status a server answers with. One list makes all four. */
#ifndef ZHTTP_ERROR_H
#define ZHTTP_ERROR_H

#include "zhttp/common.h"

ZH_BEGIN_DECLS

/* XX(NAME, value, http_status, message)
 * http_status is what a server sends when it receives a message that fails with
 * this code (0: not a reason to answer; the connection is just closed or the
 * caller handles it). Values are stable: new codes go at the end. */
#define ZH_ERROR_MAP(XX)                                                                           \
    XX(ZH_OK, 0, 200, "success")                                                                   \
    XX(ZH_INCOMPLETE, 1, 0, "incomplete message: more bytes needed")                               \
    /* request and status line (RFC 9112 §3, §4) */                                                \
    XX(ZH_E_BAD_METHOD, 2, 400, "invalid method token")                                            \
    XX(ZH_E_BAD_TARGET, 3, 400, "invalid request-target")                                          \
    XX(ZH_E_BAD_VERSION, 4, 400, "malformed HTTP version")                                         \
    XX(ZH_E_UNSUPPORTED_VERSION, 5, 505, "HTTP version not supported")                             \
    XX(ZH_E_BAD_REQUEST_LINE, 6, 400, "malformed request line")                                    \
    XX(ZH_E_BAD_STATUS_LINE, 7, 0, "malformed status line")                                        \
    XX(ZH_E_BAD_STATUS, 8, 0, "invalid status code")                                               \
    XX(ZH_E_BAD_REASON, 9, 0, "invalid character in reason phrase")                                \
    /* field lines (RFC 9110 §5, RFC 9112 §5) */                                                   \
    XX(ZH_E_BAD_FIELD_NAME, 10, 400, "invalid header field name")                                  \
    XX(ZH_E_WS_BEFORE_COLON, 11, 400, "whitespace between header field name and colon")            \
    XX(ZH_E_FIELD_NO_COLON, 12, 400, "header field line without a colon")                          \
    XX(ZH_E_BAD_FIELD_VALUE, 13, 400, "invalid character in header field value")                   \
    XX(ZH_E_OBS_FOLD, 14, 400, "obsolete line folding (or whitespace at the start of a line)")     \
    XX(ZH_E_BARE_CR, 15, 400, "bare CR not followed by LF")                                        \
    XX(ZH_E_BARE_LF, 16, 400, "bare LF line ending (CRLF required)")                               \
    XX(ZH_E_NUL, 17, 400, "NUL byte in message")                                                   \
    /* limits */                                                                                   \
    XX(ZH_E_REQUEST_LINE_TOO_LONG, 18, 414, "request line too long")                               \
    XX(ZH_E_FIELD_LINE_TOO_LONG, 19, 431, "header field line too long")                            \
    XX(ZH_E_TOO_MANY_FIELDS, 20, 431, "too many header fields")                                    \
    XX(ZH_E_HEAD_TOO_LARGE, 21, 431, "message head too large")                                     \
    XX(ZH_E_BODY_TOO_LARGE, 22, 413, "message body too large")                                     \
    /* framing (RFC 9112 §6) */                                                                    \
    XX(ZH_E_BAD_CONTENT_LENGTH, 23, 400, "invalid Content-Length value")                           \
    XX(ZH_E_CONFLICTING_CONTENT_LENGTH, 24, 400, "conflicting Content-Length values")              \
    XX(ZH_E_CL_AND_TE, 25, 400, "both Content-Length and Transfer-Encoding present")               \
    XX(ZH_E_BAD_TRANSFER_ENCODING, 26, 400, "malformed Transfer-Encoding")                         \
    XX(ZH_E_CHUNKED_NOT_LAST, 27, 400, "chunked is not the final transfer coding")                 \
    XX(ZH_E_CHUNKED_TWICE, 28, 400, "chunked applied more than once")                              \
    XX(ZH_E_UNKNOWN_TRANSFER_CODING, 29, 501, "unsupported transfer coding")                       \
    XX(ZH_E_TE_IN_HTTP10, 30, 400, "Transfer-Encoding in an HTTP/1.0 request")                     \
    /* chunked coding (RFC 9112 §7.1) */                                                           \
    XX(ZH_E_BAD_CHUNK_SIZE, 31, 400, "invalid chunk size")                                         \
    XX(ZH_E_CHUNK_TOO_LARGE, 32, 413, "chunk size too large")                                      \
    XX(ZH_E_BAD_CHUNK_EXT, 33, 400, "invalid chunk extension")                                     \
    XX(ZH_E_CHUNK_MISSING_CRLF, 34, 400, "missing CRLF after chunk data")                          \
    /* request semantics (RFC 9112 §3.2, RFC 9110 §7.2) */                                         \
    XX(ZH_E_MISSING_HOST, 35, 400, "HTTP/1.1 request without Host")                                \
    XX(ZH_E_DUPLICATE_HOST, 36, 400, "more than one Host field")                                   \
    XX(ZH_E_BAD_HOST, 37, 400, "invalid Host")                                                     \
    /* URI (RFC 3986, RFC 9110 §4) */                                                              \
    XX(ZH_E_URI_FRAGMENT, 38, 400, "fragment in request-target")                                   \
    XX(ZH_E_BAD_PERCENT, 39, 400, "invalid percent-encoding")                                      \
    XX(ZH_E_BAD_PORT, 40, 400, "invalid port")                                                     \
    XX(ZH_E_BAD_SCHEME, 41, 400, "invalid or unsupported URI scheme")                              \
    /* engine: message objects, connections, server, client */                                     \
    XX(ZH_E_NOMEM, 42, 500, "out of memory")                                                       \
    XX(ZH_E_INVALID_ARGUMENT, 43, 500, "invalid argument")                                         \
    XX(ZH_E_BUFFER_FULL, 44, 431, "buffer full")                                                   \
    XX(ZH_E_WOULD_BLOCK, 45, 0, "operation would block")                                           \
    XX(ZH_E_CLOSED, 46, 0, "connection closed by peer")                                            \
    XX(ZH_E_TRUNCATED_BODY, 47, 0, "connection closed before the end of the body")                 \
    XX(ZH_E_TRUNCATED_HEAD, 48, 0, "connection closed in the middle of a message head")            \
    XX(ZH_E_TIMEOUT, 49, 408, "timed out")                                                         \
    XX(ZH_E_CONNECT, 50, 0, "connection refused or unreachable")                                   \
    XX(ZH_E_RESOLVE, 51, 0, "cannot resolve host name")                                            \
    XX(ZH_E_IO, 52, 0, "I/O error")                                                                \
    XX(ZH_E_TOO_MANY_CONNECTIONS, 53, 503, "too many connections")                                 \
    XX(ZH_E_SHUTDOWN, 54, 503, "shutting down")                                                    \
    XX(ZH_E_UNEXPECTED_DATA, 55, 0, "unexpected bytes from peer")                                  \
    XX(ZH_E_BAD_RESPONSE, 56, 0, "malformed response")                                             \
    XX(ZH_E_EXPECTATION_FAILED, 57, 417, "unsupported expectation")

typedef enum zh_err {
#define ZH__ERR_ENUM(name, value, status, msg) name = value,
    ZH_ERROR_MAP(ZH__ERR_ENUM)
#undef ZH__ERR_ENUM
} zh_err;

/* A one-line English message for err ("invalid method token"); never NULL. */
ZH_API const char *zh_strerror(zh_err err);
/* The enum's own name ("ZH_E_BAD_METHOD"), for traces and logs; never NULL. */
ZH_API const char *zh_error_name(zh_err err);
/* The status a server should answer a request failing with err: 400, 413, 414,
 * 431, 501, 505, ... ; 0 when err is no reason to answer (ZH_INCOMPLETE, I/O). */
ZH_API int zh_error_http_status(zh_err err);
/* Looks an error up by its name (as printed by zh_error_name). Returns false if unknown. */
ZH_API bool zh_error_from_name(const char *name, zh_err *out);

ZH_END_DECLS

#endif
