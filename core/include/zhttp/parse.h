/* zhttp/parse.h - strict, zero-copy, allocation-free HTTP/1.1 parsers.
 *
 * Pure functions over bytes: no allocation, no I/O, no global state, never a read
 * past the length given. Results are slices into the caller's buffer and stay
 * valid as long as those bytes do. Every parser answers one of three ways:
 * ZH_OK (complete; *consumed says how many bytes), ZH_INCOMPLETE (call again with
 * the same bytes plus more), or one specific error code with the byte offset where
 * it was found. Parsing a message in one piece or in any split gives the same
 * answer. Strict RFC 9110/9112 by default; each relaxation is an opt-in flag. */
#ifndef ZHTTP_PARSE_H
#define ZHTTP_PARSE_H

#include "zhttp/common.h"
#include "zhttp/error.h"

ZH_BEGIN_DECLS

/* ---------------------------------------------------------------- options */

/* Lenient flags, opt-in one by one. Each re-opens a door the strict parser keeps
 * shut; the comment names what walks through it. */
enum zh_lenient {
    /* Accept LF without CR as a line ending (RFC 9112 §2.2 MAY). Re-opens request
     * smuggling behind a proxy that ends lines only at CRLF. */
    ZH_LENIENT_BARE_LF = 1u << 0,
    /* Accept obs-fold continuation lines in field values (RFC 9112 §5.2). The
     * value slice then spans the fold bytes (CR LF WSP); treat each as SP.
     * Re-opens header-injection tricks on peers that do not unfold. */
    ZH_LENIENT_OBS_FOLD = 1u << 1,
    /* A response with both Content-Length and Transfer-Encoding: Transfer-Encoding
     * wins and the connection must close (RFC 9112 §6.3 rule 3) instead of an
     * error. Re-opens response splitting through a CL-trusting intermediary. */
    ZH_LENIENT_CL_TE_RESPONSE = 1u << 2,
    /* Accept an HTTP/1.1 request without Host, or with an unparsable one.
     * Re-opens virtual-host confusion (RFC 9112 §3.2). */
    ZH_LENIENT_HOST = 1u << 3,
};

/* Limits on every length read from the network. Exceeding one is its own error. */
typedef struct zh_limits {
    size_t max_request_line;  /* request or status line bytes, CRLF excluded -> ZH_E_REQUEST_LINE_TOO_LONG (414) */
    size_t max_field_line;    /* one field line -> ZH_E_FIELD_LINE_TOO_LONG (431) */
    size_t max_head;          /* whole head including the blank line -> ZH_E_HEAD_TOO_LARGE (431) */
    size_t max_fields;        /* field lines in a head or trailer -> ZH_E_TOO_MANY_FIELDS (431) */
    uint64_t max_body;        /* decoded body bytes -> ZH_E_BODY_TOO_LARGE (413) */
    uint64_t max_chunk_size;  /* one chunk -> ZH_E_CHUNK_TOO_LARGE (413) */
} zh_limits;

/* 8 KiB request line, 8 KiB field line, 64 KiB head, 100 fields, 16 MiB body,
 * 16 MiB chunk. */
#define ZH_LIMITS_INIT { 8192, 8192, 65536, 100, 16u << 20, 16u << 20 }
#define ZH_LIMITS_DEFAULT ((zh_limits)ZH_LIMITS_INIT)

typedef struct zh_parse_config {
    zh_limits limits;
    unsigned lenient;     /* ZH_LENIENT_* bits */
    bool force_scalar;    /* skip SIMD scans (Valgrind job, tests of the portable path) */
} zh_parse_config;

/* ZH_PARSE_CONFIG_INIT initialises a static; ZH_PARSE_CONFIG_DEFAULT is an expression. */
#define ZH_PARSE_CONFIG_INIT { ZH_LIMITS_INIT, 0, false }
#define ZH_PARSE_CONFIG_DEFAULT ((zh_parse_config)ZH_PARSE_CONFIG_INIT)

/* ---------------------------------------------------------------- heads */

/* One field line. name and value are slices into the parsed buffer; value has
 * leading and trailing whitespace removed. */
typedef struct zh_field {
    zh_slice name;
    zh_slice value;
} zh_field;

typedef enum zh_target_form {
    ZH_FORM_ORIGIN = 1,    /* /path?query              RFC 9112 §3.2.1 */
    ZH_FORM_ABSOLUTE = 2,  /* http://host:port/path    RFC 9112 §3.2.2 */
    ZH_FORM_AUTHORITY = 3, /* host:port (CONNECT only) RFC 9112 §3.2.3 */
    ZH_FORM_ASTERISK = 4,  /* * (OPTIONS only)         RFC 9112 §3.2.4 */
} zh_target_form;

/* The parsed head of a request. The caller provides the field array:
 * set fields and fields_cap before the call. All slices point into the buffer
 * given to zh_parse_request_head and are valid while it is. After ZH_INCOMPLETE or
 * an error the outputs are unspecified, except error_offset. */
typedef struct zh_request_head {
    zh_slice method;
    zh_slice target;
    zh_target_form form;
    int version_minor;     /* 0 or 1: HTTP/1.x */
    zh_field *fields;      /* in: array; out: the fields in order, duplicates kept */
    size_t fields_cap;     /* in: capacity of fields */
    size_t num_fields;     /* out */
    size_t error_offset;   /* out, on error: offset of the offending byte */
} zh_request_head;

typedef struct zh_response_head {
    int version_minor;     /* 0 or 1 */
    int status;            /* 100..599 */
    zh_slice reason;       /* may be empty */
    zh_field *fields;
    size_t fields_cap;
    size_t num_fields;
    size_t error_offset;
} zh_response_head;

/* Parses a request head (RFC 9112 §2-§5) from buf[0..len). Leading empty lines
 * are skipped (§2.2). On ZH_OK *consumed is the head length including the final
 * CRLF CRLF. Running out of field capacity (min(fields_cap, max_fields)) is
 * ZH_E_TOO_MANY_FIELDS. cfg may be NULL for the defaults.
 * Example:
 *     zh_field f[32]; zh_request_head h = { .fields = f, .fields_cap = 32 };
 *     size_t n; zh_err e = zh_parse_request_head(buf, len, NULL, &h, &n); */
ZH_API zh_err zh_parse_request_head(const char *buf, size_t len, const zh_parse_config *cfg,
                                    zh_request_head *head, size_t *consumed);

/* Parses a response head (RFC 9112 §4). Same contract as the request parser. */
ZH_API zh_err zh_parse_response_head(const char *buf, size_t len, const zh_parse_config *cfg,
                                     zh_response_head *head, size_t *consumed);

/* Parses a block of field lines ending with an empty line (a trailer section, or
 * a head without start line). Same contract; *num_fields gets the count. */
ZH_API zh_err zh_parse_fields(const char *buf, size_t len, const zh_parse_config *cfg,
                              zh_field *fields, size_t fields_cap, size_t *num_fields,
                              size_t *consumed, size_t *error_offset);

/* Request checks that need the whole head (RFC 9112 §3.2): an HTTP/1.1 request
 * has exactly one Host field with a valid host[:port]; HTTP/1.0 may omit it.
 * Returns ZH_OK, ZH_E_MISSING_HOST, ZH_E_DUPLICATE_HOST or ZH_E_BAD_HOST. */
ZH_API zh_err zh_validate_request(const zh_request_head *head, const zh_parse_config *cfg);

/* First field named name (case-insensitive), or NULL. */
ZH_API const zh_field *zh_fields_find(const zh_field *fields, size_t n, zh_slice name);

/* True when the comma-separated list value contains token (case-insensitive),
 * e.g. zh_list_has_token(connection_value, "close"). */
ZH_API bool zh_list_has_token(zh_slice list, zh_slice token);

/* ---------------------------------------------------------------- framing */

typedef enum zh_body_kind {
    ZH_BODY_NONE = 0,        /* no body: length 0 */
    ZH_BODY_LENGTH = 1,      /* exactly framing.length bytes */
    ZH_BODY_CHUNKED = 2,     /* chunked coding, zh_chunked_* decodes it */
    ZH_BODY_UNTIL_CLOSE = 3, /* response body ends when the connection closes */
} zh_body_kind;

typedef struct zh_framing {
    zh_body_kind kind;
    uint64_t length;      /* ZH_BODY_LENGTH: the body length */
    bool must_close;      /* the connection must close after this message */
    bool expect_continue; /* request carries "Expect: 100-continue" */
} zh_framing;

/* Which message the framing is for, and what is known about the exchange. */
typedef struct zh_framing_input {
    bool is_response;
    int version_minor;        /* of this message */
    int status;               /* responses: the status code */
    zh_slice request_method;  /* responses: method of the request answered (HEAD, CONNECT...) */
    const zh_field *fields;
    size_t num_fields;
} zh_framing_input;

/* THE message body length decision, RFC 9112 §6.3, rules 1-8, plus connection
 * persistence (§9.3: Connection: close/keep-alive, HTTP/1.0 default). Server,
 * client, fuzzers and conformance all use this one function.
 * Requests: no CL/TE -> NONE; TE "chunked" -> CHUNKED; chunked not the final
 * coding ("gzip", "xchunked", "chunked, gzip") -> ZH_E_CHUNKED_NOT_LAST (§6.3
 * rule 4: 400, then close); chunked last after another coding ("gzip, chunked",
 * "foo, chunked") -> ZH_E_UNKNOWN_TRANSFER_CODING (501, §6.1: zhttp decodes only
 * chunked, and a still-coded body must not reach a handler as content);
 * chunked twice -> ZH_E_CHUNKED_TWICE; TE in HTTP/1.0 -> ZH_E_TE_IN_HTTP10; CL and
 * TE -> ZH_E_CL_AND_TE.
 * Responses: HEAD, 1xx, 204, 304, 2xx to CONNECT -> NONE (101 and 2xx to
 * CONNECT also set must_close: the connection stops carrying HTTP/1.1 messages,
 * so it never goes back to a keep-alive pool); TE chunked last ->
 * CHUNKED; other TE -> UNTIL_CLOSE; CL -> LENGTH; neither -> UNTIL_CLOSE; CL and TE
 * -> ZH_E_CL_AND_TE unless ZH_LENIENT_CL_TE_RESPONSE (TE wins, must_close).
 * Content-Length: 1*DIGIT, no sign, < 2^63, a list or duplicates only when all
 * equal (RFC 9110 §8.6); a length above limits.max_body is ZH_E_BODY_TOO_LARGE. */
ZH_API zh_err zh_decide_framing(const zh_framing_input *in, const zh_parse_config *cfg,
                                zh_framing *out);

/* Conveniences over zh_decide_framing. */
ZH_API zh_err zh_request_framing(const zh_request_head *head, const zh_parse_config *cfg,
                                 zh_framing *out);
ZH_API zh_err zh_response_framing(const zh_response_head *head, zh_slice request_method,
                                  const zh_parse_config *cfg, zh_framing *out);

/* Parses a Content-Length field value (digits, or a comma list of equal values). */
ZH_API zh_err zh_parse_content_length(zh_slice value, uint64_t *out);

/* ---------------------------------------------------------------- chunked */

/* Incremental chunked decoder (RFC 9112 §7.1). A small caller-owned struct; no
 * allocation. Treat the members as private. */
typedef struct zh_chunked {
    uint64_t remaining;   /* data bytes left in the current chunk */
    uint64_t total;       /* data bytes decoded so far */
    uint64_t size;        /* chunk-size being read */
    size_t line_len;      /* bytes of the current size/trailer line */
    size_t trailer_fields;
    size_t trailer_bytes;
    unsigned state;
    unsigned ext_state;
    zh_limits limits;
    unsigned lenient;
} zh_chunked;

ZH_API void zh_chunked_init(zh_chunked *d, const zh_parse_config *cfg);

/* Decodes from buf[0..len). Finds the next run of body bytes and returns it in
 * *data (a slice into buf, possibly empty), with *consumed the input bytes used
 * (up to the end of that data). Returns ZH_OK when the last chunk and trailer
 * section are done (*consumed then ends just after the final CRLF; bytes after it
 * belong to the next message), ZH_INCOMPLETE when the caller must call again with
 * the bytes after *consumed (when data is empty, *consumed == len: everything was
 * taken and more input is needed), or an error (*consumed is then the offset of
 * the offending byte). The decoder keeps its whole state in d, byte by byte, so
 * input may be split anywhere. Trailer fields are checked with the field rules and
 * head limits (max_field_line, max_fields, max_head), then discarded (RFC 9110
 * §6.5.1). */
ZH_API zh_err zh_chunked_next(zh_chunked *d, const char *buf, size_t len, size_t *consumed,
                              zh_slice *data);

/* Decodes in place: moves the data bytes of buf[0..len) to the front of buf.
 * *consumed input bytes were used, *decoded data bytes are now at buf[0..).
 * Returns ZH_OK at the end of the body, ZH_INCOMPLETE when it needs more input
 * (then *consumed == len), or an error. */
ZH_API zh_err zh_chunked_decode(zh_chunked *d, char *buf, size_t len, size_t *consumed,
                                size_t *decoded);

/* True once the terminating chunk and trailers were decoded. */
ZH_API bool zh_chunked_done(const zh_chunked *d);

/* ---------------------------------------------------------------- URI */

/* A request-target split into parts (RFC 9112 §3.2, RFC 3986). Slices point into
 * the target. Absent parts are empty; port is 0 when absent. */
typedef struct zh_uri {
    zh_target_form form;
    zh_slice scheme;  /* absolute-form: "http" */
    zh_slice host;    /* absolute- and authority-form; IPv6 keeps its brackets */
    zh_slice port_text;
    uint16_t port;
    zh_slice path;    /* origin- and absolute-form; "*" for asterisk-form */
    zh_slice query;   /* without the '?' */
} zh_uri;

/* Splits and validates a request-target. method decides the forms allowed
 * (authority-form only for CONNECT, asterisk-form only for OPTIONS). A fragment is
 * ZH_E_URI_FRAGMENT; a bad %XX is ZH_E_BAD_PERCENT; a bad or (CONNECT) missing
 * port ZH_E_BAD_PORT; a bad host or any userinfo ZH_E_BAD_HOST; anything else
 * ZH_E_BAD_TARGET. The request head parser passes these codes on. */
ZH_API zh_err zh_parse_target(zh_slice target, zh_slice method, zh_uri *out);

/* Splits an absolute URL for a client ("http://host[:port]/path?query").
 * Only the http scheme is accepted (ZH_E_BAD_SCHEME otherwise); an empty path is "/". */
ZH_API zh_err zh_parse_url(zh_slice url, zh_uri *out);

/* Checks a host[:port] (Host field value or authority): reg-name, IPv4 or
 * [IPv6]; no userinfo. */
ZH_API zh_err zh_parse_authority(zh_slice authority, zh_slice *host, uint16_t *port,
                                 bool *has_port);

/* Percent-decodes in[0..n) into out[0..cap) (out may equal in). "%2F" -> "/";
 * '+' is not special. Writes *out_len. ZH_E_BAD_PERCENT on a bad escape,
 * ZH_E_BUFFER_FULL when cap is too small. */
ZH_API zh_err zh_percent_decode(const char *in, size_t n, char *out, size_t cap,
                                size_t *out_len);

ZH_END_DECLS

#endif
