/* conformance/src/target_tcp.c - server cases over a byte stream: the runner
 * plays the client script (bytes, pauses, byte-by-byte runs, half-close) and
 * normalises what comes back:
 *   interim 100                  a 1xx response before a final one
 *   response N / status S        each final response, in order
 *   header name: value           only connection, content-length, transfer-encoding
 *   body-length N / body BYTES   the decoded body
 *   error ZH_E_NAME              the response stream itself was malformed
 *   closed | open                whether the server closed the connection
 *   timeout                      the case ran out of time */
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "conform.h"

#define MAX_REQS 64

static uint64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* The methods of the requests in sent (for HEAD responses), parsed leniently.
 * Returns how many requests a server should answer: the complete ones, plus one
 * error answer when the stream turns malformed. */
static size_t sent_methods(const char *sent, size_t n, char methods[][24])
{
    zh_parse_config cfg = ZH_PARSE_CONFIG_DEFAULT;
    cfg.lenient = ZH_LENIENT_BARE_LF | ZH_LENIENT_OBS_FOLD | ZH_LENIENT_HOST;
    zh_field fields[128];
    size_t pos = 0, count = 0;
    while (pos < n && count < MAX_REQS) {
        zh_request_head h;
        memset(&h, 0, sizeof h);
        h.fields = fields;
        h.fields_cap = 128;
        size_t used = 0;
        zh_err e = zh_parse_request_head(sent + pos, n - pos, &cfg, &h, &used);
        if (e == ZH_INCOMPLETE)
            break;
        if (e != ZH_OK) {
            strcpy(methods[count++], "GET");
            break;
        }
        size_t ml = h.method.len < 23 ? h.method.len : 23;
        memcpy(methods[count], h.method.ptr, ml);
        methods[count][ml] = '\0';
        pos += used;
        zh_framing fr;
        e = zh_request_framing(&h, &cfg, &fr);
        if (e != ZH_OK) {
            count++;
            break;
        }
        if (fr.kind == ZH_BODY_LENGTH) {
            if (fr.length > n - pos)
                break;
            pos += (size_t)fr.length;
        } else if (fr.kind == ZH_BODY_CHUNKED) {
            zh_chunked d;
            zh_chunked_init(&d, &cfg);
            for (;;) {
                size_t c = 0;
                zh_slice data;
                e = zh_chunked_next(&d, sent + pos, n - pos, &c, &data);
                pos += c;
                if (e != ZH_INCOMPLETE || (c == 0 && data.len == 0) || pos >= n)
                    break;
            }
            if (e == ZH_INCOMPLETE)
                break;
            if (e != ZH_OK) {
                count++;
                break;
            }
        }
        count++;
        if (fr.must_close)
            break;
    }
    return count;
}

static bool is_shown_header(zh_slice name)
{
    return zh_slice_eq_nocase(name, ZH_SLICE_LIT("connection")) ||
           zh_slice_eq_nocase(name, ZH_SLICE_LIT("content-length")) ||
           zh_slice_eq_nocase(name, ZH_SLICE_LIT("transfer-encoding"));
}

/* Parses the response stream; appends the trace when t is non-NULL. Returns the
 * number of complete final responses; *at_boundary says whether the stream
 * ends exactly after a complete response. */
static size_t parse_responses(const char *sent, size_t sent_len, const char *resp, size_t n,
                              bool closed, cf_buf *t, bool *at_boundary, bool *last_close)
{
    bool dummy;
    if (!last_close)
        last_close = &dummy;
    *last_close = false;
    char methods[MAX_REQS][24];
    size_t nreq = sent_methods(sent, sent_len, methods);
    zh_parse_config cfg = ZH_PARSE_CONFIG_DEFAULT;
    cfg.lenient = ZH_LENIENT_CL_TE_RESPONSE;
    zh_field fields[128];
    size_t pos = 0, finals = 0;
    *at_boundary = true;
    while (pos < n) {
        *at_boundary = false;
        zh_response_head h;
        memset(&h, 0, sizeof h);
        h.fields = fields;
        h.fields_cap = 128;
        size_t used = 0;
        zh_err e = zh_parse_response_head(resp + pos, n - pos, &cfg, &h, &used);
        if (e == ZH_INCOMPLETE) {
            if (t && closed) {
                cf_buf_printf(t, "head-received %zu\n", n - pos);
                cf_buf_printf(t, "error %s\n", zh_error_name(ZH_E_TRUNCATED_HEAD));
            }
            return finals;
        }
        if (e != ZH_OK) {
            if (t)
                cf_buf_printf(t, "error %s\n", zh_error_name(e));
            *at_boundary = true; /* nothing more will make sense */
            *last_close = true;
            return finals;
        }
        pos += used;
        const char *method = finals < nreq ? methods[finals] : "GET";
        if (h.status >= 100 && h.status < 200 && h.status != 101) {
            if (t)
                cf_buf_printf(t, "interim %d\n", h.status);
            *at_boundary = true;
            continue;
        }
        zh_framing fr;
        e = zh_response_framing(&h, zh_slice_from_cstr(method), &cfg, &fr);
        if (t) {
            cf_buf_printf(t, "response %zu\n", finals + 1);
            cf_buf_printf(t, "status %d\n", h.status);
            for (size_t i = 0; i < h.num_fields; i++) {
                if (!is_shown_header(fields[i].name))
                    continue;
                cf_buf_puts(t, "header ");
                for (size_t j = 0; j < fields[i].name.len; j++) {
                    char ch = fields[i].name.ptr[j];
                    if (ch >= 'A' && ch <= 'Z')
                        ch = (char)(ch - 'A' + 'a');
                    cf_buf_put(t, &ch, 1);
                }
                cf_buf_puts(t, fields[i].value.len ? ": " : ":");
                cf_buf_put_escaped(t, fields[i].value.ptr, fields[i].value.len);
                cf_buf_puts(t, "\n");
            }
        }
        if (e != ZH_OK) {
            if (t)
                cf_buf_printf(t, "error %s\n", zh_error_name(e));
            *at_boundary = true;
            return finals;
        }
        cf_buf body = { 0 };
        bool done = false;
        if (fr.kind == ZH_BODY_NONE) {
            done = true;
        } else if (fr.kind == ZH_BODY_LENGTH) {
            if (fr.length <= n - pos) {
                cf_buf_put(&body, resp + pos, (size_t)fr.length);
                pos += (size_t)fr.length;
                done = true;
            }
        } else if (fr.kind == ZH_BODY_UNTIL_CLOSE) {
            if (closed) {
                cf_buf_put(&body, resp + pos, n - pos);
                pos = n;
                done = true;
            }
        } else {
            zh_chunked d;
            zh_chunked_init(&d, &cfg);
            for (;;) {
                size_t c = 0;
                zh_slice data = { NULL, 0 };
                e = zh_chunked_next(&d, resp + pos, n - pos, &c, &data);
                if (data.len)
                    cf_buf_put(&body, data.ptr, data.len);
                pos += c;
                if (e != ZH_INCOMPLETE || (c == 0 && data.len == 0) || pos >= n)
                    break;
            }
            if (e == ZH_OK)
                done = true;
            else if (e != ZH_INCOMPLETE) {
                if (t)
                    cf_buf_printf(t, "error %s\n", zh_error_name(e));
                cf_buf_free(&body);
                *at_boundary = true;
                return finals;
            }
        }
        if (!done) {
            if (t && closed) {
                cf_buf_printf(t, "body-received %zu\n", body.len);
                cf_buf_printf(t, "error %s\n", zh_error_name(ZH_E_TRUNCATED_BODY));
            }
            cf_buf_free(&body);
            return finals;
        }
        if (t) {
            cf_buf_printf(t, "body-length %zu\n", body.len);
            if (body.len) {
                cf_buf_puts(t, "body ");
                cf_buf_put_escaped(t, body.ptr, body.len);
                cf_buf_puts(t, "\n");
            }
        }
        cf_buf_free(&body);
        finals++;
        *at_boundary = true;
        *last_close = fr.must_close;
    }
    (void)nreq;
    return finals;
}

void cf_trace_responses(const char *sent, size_t sent_len, const char *resp, size_t resp_len,
                        bool closed, bool timed_out, cf_buf *trace)
{
    bool b;
    parse_responses(sent, sent_len, resp, resp_len, closed, trace, &b, NULL);
    cf_buf_puts(trace, timed_out ? "timeout\n" : closed ? "closed\n" : "open\n");
}

/* Reads what is there (waiting up to wait_ms). Returns -1 on EOF/error, else bytes. */
static long read_some(int fd, cf_buf *in, int wait_ms)
{
    struct pollfd p = { .fd = fd, .events = POLLIN };
    int r = poll(&p, 1, wait_ms);
    if (r <= 0)
        return 0;
    char tmp[16384];
    ssize_t got = recv(fd, tmp, sizeof tmp, 0);
    if (got > 0) {
        cf_buf_put(in, tmp, (size_t)got);
        return got;
    }
    if (got < 0 && (errno == EAGAIN || errno == EINTR))
        return 0;
    return -1;
}

/* Idle waits: a complete answer that keeps the connection gets a short grace for
 * a close; one that announced the close (Connection: close, HTTP/1.0) waits for
 * it until the case's deadline; a partial answer (or none) waits cf_idle_ms
 * without news before the connection is judged "open". */
#define GRACE_MS 200
unsigned cf_idle_ms = 1000;

void cf_run_script_fd(const cf_case *c, int fd, unsigned timeout_ms, cf_buf *trace)
{
    uint64_t deadline = now_ms() + timeout_ms;
    cf_buf in = { 0 }, sent = { 0 };
    bool closed = false, timed_out = false, bytewise = false;
    for (size_t i = 0; i < c->nsteps && !closed; i++) {
        const cf_step *s = &c->steps[i];
        switch (s->type) {
        case CF_STEP_SEND: {
            size_t off = 0;
            while (off < s->len && !closed) {
                size_t chunk = bytewise ? 1 : s->len - off;
                ssize_t w = send(fd, c->bytes + s->off + off, chunk, MSG_NOSIGNAL);
                if (w < 0) {
                    if (errno == EINTR)
                        continue;
                    if (errno == EAGAIN) {
                        if (read_some(fd, &in, 10) < 0)
                            closed = true;
                        continue;
                    }
                    break; /* EPIPE/ECONNRESET: the peer gave up; read what it said */
                }
                cf_buf_put(&sent, c->bytes + s->off + off, (size_t)w);
                off += (size_t)w;
                if (bytewise && read_some(fd, &in, 2) < 0)
                    closed = true;
            }
            break;
        }
        case CF_STEP_PAUSE: {
            uint64_t until = now_ms() + s->ms;
            while (!closed && now_ms() < until) {
                if (read_some(fd, &in, (int)(until - now_ms())) < 0)
                    closed = true;
            }
            break;
        }
        case CF_STEP_BYTEWISE:
            bytewise = true;
            break;
        case CF_STEP_SHUTDOWN:
        case CF_STEP_CLOSE:
            shutdown(fd, SHUT_WR);
            break;
        }
        if (now_ms() > deadline) {
            timed_out = true;
            break;
        }
    }
    uint64_t last_data = now_ms();
    while (!closed && !timed_out) {
        bool boundary;
        bool last_close = false;
        size_t finals = parse_responses(sent.ptr, sent.len, in.ptr, in.len, false, NULL, &boundary,
                                        &last_close);
        char methods[MAX_REQS][24];
        size_t want = sent_methods(sent.ptr, sent.len, methods);
        bool complete = boundary && finals >= want && want > 0;
        uint64_t idle = !complete ? cf_idle_ms : last_close ? UINT64_MAX : GRACE_MS;
        uint64_t now = now_ms();
        if (now >= deadline) {
            timed_out = true;
            break;
        }
        if (now - last_data >= idle)
            break;
        long r = read_some(fd, &in, 20);
        if (r < 0)
            closed = true;
        else if (r > 0)
            last_data = now_ms();
    }
    cf_trace_responses(sent.ptr, sent.len, in.ptr, in.len, closed, timed_out, trace);
    cf_buf_free(&in);
    cf_buf_free(&sent);
}

void cf_run_tcp_case(const cf_case *c, const char *host, int port, unsigned timeout_ms,
                     cf_buf *trace)
{
    struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM }, *res = NULL;
    char ps[16];
    snprintf(ps, sizeof ps, "%d", port);
    if (getaddrinfo(host, ps, &hints, &res) != 0 || !res) {
        cf_buf_printf(trace, "error %s\n", zh_error_name(ZH_E_RESOLVE));
        return;
    }
    int fd = socket(res->ai_family, SOCK_STREAM, 0);
    if (fd < 0 || connect(fd, res->ai_addr, res->ai_addrlen) != 0) {
        cf_buf_printf(trace, "error %s\n", zh_error_name(ZH_E_CONNECT));
        if (fd >= 0)
            close(fd);
        freeaddrinfo(res);
        return;
    }
    freeaddrinfo(res);
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    cf_run_script_fd(c, fd, timeout_ms, trace);
    close(fd);
}
