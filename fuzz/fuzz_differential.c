/* fuzz/fuzz_differential.c - target "differential": zhttp's request parser against
 * http-parser 2.9.4 (Debian libhttp-parser-dev) and picohttpparser (the phr_*
 * functions Debian's libh2o exports), on the same bytes.
 *
 * Input: [unused config byte][request bytes...]
 * zhttp runs strict (defaults): zh_parse_request_head, zh_validate_request and
 * zh_request_framing. Any disagreement aborts unless fuzz/differential_allow.h
 * explains it (each entry names the RFC rule):
 *  - accept/reject: a complete head accepted by one and refused by another;
 *  - what was read: head length, method, target, version, every field (name, value);
 *  - body framing (http-parser only; picohttpparser does not frame): chunked,
 *    Content-Length value, or no body.
 * Built only when at least one peer library is found (fuzz/CMakeLists.txt). */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "differential_allow.h"
#include "fuzz_support.h"

#define MAX_FIELDS 64

/* ---------------------------------------------------------------- zhttp */

typedef struct zres {
    zh_err rc;         /* head result, or the validation/framing error */
    int stage;         /* 0 head, 1 validate, 2 framing (where rc came from) */
    size_t consumed;
    zh_request_head h;
    zh_field f[MAX_FIELDS];
    zh_framing fr;
} zres;

static void run_zhttp(const char *buf, size_t len, zres *z)
{
    memset(z, 0, sizeof *z);
    zh_parse_config cfg = ZH_PARSE_CONFIG_DEFAULT;
    cfg.limits.max_fields = MAX_FIELDS;
    z->h.fields = z->f;
    z->h.fields_cap = MAX_FIELDS;
    z->rc = zh_parse_request_head(buf, len, &cfg, &z->h, &z->consumed);
    if (z->rc != ZH_OK)
        return;
    z->stage = 1;
    z->rc = zh_validate_request(&z->h, &cfg);
    if (z->rc != ZH_OK)
        return;
    z->stage = 2;
    z->rc = fz_request_framing_checked(&z->h, &cfg, &z->fr);
}

/* ---------------------------------------------------------------- picohttpparser */
#ifdef ZH_HAVE_PICOHTTPPARSER
/* Debian ships no header for the copy inside libh2o: the documented prototypes. */
struct phr_header {
    const char *name;
    size_t name_len;
    const char *value;
    size_t value_len;
};
int phr_parse_request(const char *buf, size_t len, const char **method, size_t *method_len,
                      const char **path, size_t *path_len, int *minor_version,
                      struct phr_header *headers, size_t *num_headers, size_t last_len);

static void vs_pico(const char *buf, size_t len, const zres *z)
{
    const char *method = NULL, *path = NULL;
    size_t mlen = 0, plen = 0, nh = MAX_FIELDS;
    int minor = -1;
    struct phr_header hs[MAX_FIELDS];
    int r = phr_parse_request(buf, len, &method, &mlen, &path, &plen, &minor, hs, &nh, 0);
    int z_ok = z->rc == ZH_OK || z->stage > 0; /* the head itself was accepted */
    if (r == -2)                                 /* incomplete */
        FZ_CHECK(!z_ok || dz_allow_pico_incomplete(buf, z->consumed));
    if (r == -1)
        FZ_CHECK(!z_ok || dz_allow_pico_rejects(buf, len, z->consumed));
    if (fz_verbose() && r < 0 && z_ok)
        fprintf(stderr, "differential: picohttpparser says %d, zhttp accepted\n", r);
    if (fz_verbose() && r >= 0 && !z_ok)
        fprintf(stderr, "differential: zhttp says %s, picohttpparser accepted\n", zh_error_name(z->rc));
    if (r < 0)
        return;
    if (!z_ok) {
        FZ_CHECK(z->rc == ZH_INCOMPLETE ? dz_allow_zhttp_incomplete(buf, (size_t)r)
                                        : dz_allow_zhttp_rejects(z->rc, DZ_PEER_PICO));
        return;
    }
    FZ_CHECK((size_t)r == z->consumed);
    FZ_CHECK(zh_slice_eq(z->h.method, (zh_slice){ method, mlen }));
    FZ_CHECK(zh_slice_eq(z->h.target, (zh_slice){ path, plen }));
    FZ_CHECK(minor == z->h.version_minor);
    FZ_CHECK(nh == z->h.num_fields);
    for (size_t i = 0; i < nh; i++) {
        FZ_CHECK(zh_slice_eq(z->f[i].name, (zh_slice){ hs[i].name, hs[i].name_len }));
        FZ_CHECK(dz_same_value(z->f[i].value, (zh_slice){ hs[i].value, hs[i].value_len }));
    }
}
#endif

/* ---------------------------------------------------------------- http-parser */
#ifdef ZH_HAVE_HTTP_PARSER
#include <http_parser.h>

typedef struct hp_ctx {
    zh_slice url;
    zh_field f[MAX_FIELDS];
    size_t nf;
    int in_value, overflow, complete;
} hp_ctx;

static int hp_url(http_parser *p, const char *at, size_t n)
{
    hp_ctx *c = p->data;
    if (c->url.len == 0)
        c->url.ptr = at;
    c->url.len += n;
    return 0;
}

static int hp_field(http_parser *p, const char *at, size_t n)
{
    hp_ctx *c = p->data;
    if (c->in_value || c->nf == 0) {
        if (c->nf == MAX_FIELDS) {
            c->overflow = 1;
            return 0;
        }
        c->f[c->nf++] = (zh_field){ { at, n }, { "", 0 } };
        c->in_value = 0;
        return 0;
    }
    c->f[c->nf - 1].name.len += n; /* contiguous in one buffer */
    return 0;
}

static int hp_value(http_parser *p, const char *at, size_t n)
{
    hp_ctx *c = p->data;
    if (c->nf == 0 || c->overflow)
        return 0;
    zh_field *f = &c->f[c->nf - 1];
    if (!c->in_value)
        f->value = (zh_slice){ at, 0 };
    f->value.len = (size_t)(at + n - f->value.ptr);
    c->in_value = 1;
    return 0;
}

static int hp_headers_complete(http_parser *p)
{
    hp_ctx *c = p->data;
    c->complete = 1;
    http_parser_pause(p, 1);
    return 0;
}

static void vs_http_parser(const char *buf, size_t len, const zres *z)
{
    http_parser_settings s;
    http_parser_settings_init(&s);
    s.on_url = hp_url;
    s.on_header_field = hp_field;
    s.on_header_value = hp_value;
    s.on_headers_complete = hp_headers_complete;
    http_parser p;
    http_parser_init(&p, HTTP_REQUEST);
    hp_ctx c;
    memset(&c, 0, sizeof c);
    p.data = &c;
    size_t n = http_parser_execute(&p, &s, buf, len);
    enum http_errno e = HTTP_PARSER_ERRNO(&p);
    int hp_ok = c.complete && (e == HPE_OK || e == HPE_PAUSED) && !c.overflow;
    int z_ok = z->rc == ZH_OK;

    if (fz_verbose() && !hp_ok && z_ok)
        fprintf(stderr, "differential: http-parser says %s (%s), zhttp accepted\n",
                http_errno_name(e), c.complete ? "after the head" : "in the head");
    if (fz_verbose() && hp_ok && !z_ok)
        fprintf(stderr, "differential: zhttp says %s, http-parser accepted\n", zh_error_name(z->rc));
    if (!hp_ok) {
        if (!c.complete && e == HPE_OK) /* http-parser wants more bytes */
            FZ_CHECK(!z_ok || dz_allow_hp_incomplete(buf, z->consumed));
        else
            FZ_CHECK(!z_ok || dz_allow_hp_rejects(buf, len, &z->h, (int)e));
        return;
    }
    if (!z_ok) {
        FZ_CHECK(z->rc == ZH_INCOMPLETE ? dz_allow_zhttp_incomplete(buf, n + 1)
                                        : dz_allow_zhttp_rejects(z->rc, DZ_PEER_HTTP_PARSER));
        return;
    }
    /* paused in on_headers_complete, http-parser has not counted the final LF */
    FZ_CHECK(n + 1 == z->consumed);
    FZ_CHECK(zh_slice_eq(z->h.method, zh_slice_from_cstr(http_method_str((enum http_method)p.method))));
    FZ_CHECK(zh_slice_eq(z->h.target, c.url));
    FZ_CHECK(p.http_major == 1 && (int)p.http_minor == z->h.version_minor);
    FZ_CHECK(c.nf == z->h.num_fields);
    for (size_t i = 0; i < c.nf; i++) {
        FZ_CHECK(zh_slice_eq(z->f[i].name, c.f[i].name));
        FZ_CHECK(dz_same_value(z->f[i].value, c.f[i].value));
    }
    /* body framing */
    int chunked = (p.flags & F_CHUNKED) != 0;
    FZ_CHECK(chunked == (z->fr.kind == ZH_BODY_CHUNKED) || dz_allow_chunked_mismatch(&z->h));
    if (z->fr.kind == ZH_BODY_LENGTH)
        FZ_CHECK(p.content_length == z->fr.length);
    if (z->fr.kind == ZH_BODY_NONE)
        FZ_CHECK(p.content_length == 0 || p.content_length == ULLONG_MAX);
    /* persistence (RFC 9112 §9.3) */
    FZ_CHECK(dz_same_keep_alive(!z->fr.must_close, http_should_keep_alive(&p) != 0, &z->h));
}
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fz_input in = { data, size };
    (void)fz_take_byte(&in);
    const char *buf = (const char *)in.p;
    size_t len = in.n;
    static zres z;
    run_zhttp(buf, len, &z);
#ifdef ZH_HAVE_PICOHTTPPARSER
    vs_pico(buf, len, &z);
#endif
#ifdef ZH_HAVE_HTTP_PARSER
    vs_http_parser(buf, len, &z);
#endif
    return 0;
}
