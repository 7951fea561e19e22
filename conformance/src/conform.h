/* conformance/src/conform.h - shared declarations of the conformance runner:
 * case files, traces, targets and reports. The runner uses only zhttp's public
 * API; this header is private to conformance/src. */
#ifndef ZH_CONFORM_H
#define ZH_CONFORM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "zhttp/parse.h"

/* ---------------------------------------------------------------- buffers */

/* A growable byte/text buffer (the runner may use malloc; the library may not). */
typedef struct cf_buf {
    char *ptr;
    size_t len;
    size_t cap;
} cf_buf;

void cf_buf_put(cf_buf *b, const void *p, size_t n);
void cf_buf_puts(cf_buf *b, const char *s);
void cf_buf_printf(cf_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Appends bytes with the case-file escapes: \r \n \t \0 \\ \xNN for everything
 * outside printable ASCII, so a trace line is one line of plain text. */
void cf_buf_put_escaped(cf_buf *b, const char *p, size_t n);
void cf_buf_free(cf_buf *b);
/* NUL-terminated view (the NUL is not counted in len). */
const char *cf_buf_cstr(cf_buf *b);

/* ---------------------------------------------------------------- cases */

typedef enum cf_kind {
    CF_PARSER_REQUEST = 1,
    CF_PARSER_RESPONSE,
    CF_SERVER,
    CF_CLIENT,
    CF_API,
} cf_kind;

typedef enum cf_step_type {
    CF_STEP_SEND = 1,  /* bytes to the peer */
    CF_STEP_PAUSE,     /* @pause MS */
    CF_STEP_BYTEWISE,  /* @bytewise: the following sends go one byte at a time */
    CF_STEP_SHUTDOWN,  /* @shutdown: half-close (no more bytes from this side) */
    CF_STEP_CLOSE,     /* @close: close the connection */
} cf_step_type;

typedef struct cf_step {
    cf_step_type type;
    size_t off, len;   /* CF_STEP_SEND: bytes in cf_case.bytes */
    unsigned ms;       /* CF_STEP_PAUSE */
} cf_step;

typedef struct cf_case {
    char *name;
    char *rfc;
    char *why;
    char *tags;            /* comma-separated */
    cf_kind kind;
    const char *file;      /* path as given (owned by the case set) */
    int line;              /* line of "case NAME" */
    /* config: */
    unsigned lenient;      /* ZH_LENIENT_* */
    zh_limits limits;
    size_t fields_cap;     /* field array size handed to the parser */
    char request_method[24]; /* parser-response: the request answered */
    /* bytes (input:/send:/respond:), all sends concatenated */
    char *bytes;
    size_t bytes_len;
    cf_step *steps;
    size_t nsteps;
    bool has_directives;
    /* expect: lines, each must appear in the produced trace, in this order */
    char **expect;
    size_t nexpect;
} cf_case;

typedef struct cf_case_set {
    cf_case *cases;
    size_t n, cap;
    char **files;          /* owned file names */
    size_t nfiles;
} cf_case_set;

/* Reads one case file and appends its cases. On a malformed file returns false
 * and writes "file:line: message" into err (errcap bytes). Never crashes on any
 * input bytes. */
bool cf_read_file(cf_case_set *set, const char *path, char *err, size_t errcap);
/* Reads the text already in memory (path is used for messages). */
bool cf_read_text(cf_case_set *set, const char *path, const char *text, size_t len, char *err,
                  size_t errcap);
/* Reads every *.case file under dir (sorted by name). Same error contract. */
bool cf_read_dir(cf_case_set *set, const char *dir, char *err, size_t errcap);
void cf_case_set_free(cf_case_set *set);
const char *cf_kind_name(cf_kind k);
bool cf_case_has_tag(const cf_case *c, const char *tag);

/* Decodes the escapes of one raw line into out. false + message on a bad escape. */
bool cf_unescape(const char *s, size_t n, cf_buf *out, const char **why, size_t *at);

/* ---------------------------------------------------------------- traces */

/* Splits text into lines (without the '\n'); the array points into text. */
typedef struct cf_lines {
    const char **line;
    size_t *len;
    size_t n;
} cf_lines;

void cf_lines_split(cf_lines *l, const char *text, size_t n);
void cf_lines_free(cf_lines *l);
/* Appends a unified diff (3 lines of context) of a -> b to out; labels name them. */
void cf_unified_diff(cf_buf *out, const char *label_a, const char *a, size_t alen,
                     const char *label_b, const char *b, size_t blen);
/* First expect line of c not met, or NULL if all are: a plain line must appear
 * in the trace (the plain lines in this order); a line "!X" means no trace line
 * is X. */
const char *cf_expect_missing(const cf_case *c, const char *trace, size_t n);

/* ---------------------------------------------------------------- targets */

/* Parser target: produces the trace of one input delivered in parts. cuts[] are
 * the offsets where a new read "arrives" (ascending, < len); ncuts may be 0. */
void cf_parser_trace(const cf_case *c, const size_t *cuts, size_t ncuts, cf_buf *trace);
/* Runs a parser case whole, at every split point and byte by byte; the trace is
 * the whole-input trace, plus "split-differs ..." lines when a delivery differed. */
void cf_run_parser_case(const cf_case *c, cf_buf *trace);

/* Server cases over a socket to host:port: sends the script, reads the answers and
 * writes the normalised trace (status, framing, body, closed/open). */
void cf_run_tcp_case(const cf_case *c, const char *host, int port, unsigned timeout_ms,
                     cf_buf *trace);
/* How long a server may stay silent before a connection waiting for an answer
 * is judged "open" (--idle MS). */
extern unsigned cf_idle_ms;
/* Same, over a connected file descriptor (socket pair or TCP); the caller owns fd. */
void cf_run_script_fd(const cf_case *c, int fd, unsigned timeout_ms, cf_buf *trace);
/* Appends the normalised trace of a response stream (the bytes a server sent in
 * answer to the requests in sent[0..sent_len)); closed says whether the peer closed. */
void cf_trace_responses(const char *sent, size_t sent_len, const char *resp, size_t resp_len,
                        bool closed, bool timed_out, cf_buf *trace);

/* API target: runs a calls: script of msg-layer calls; see target_api.c. */
void cf_run_api_case(const cf_case *c, cf_buf *trace);

#endif
