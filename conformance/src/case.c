/* conformance/src/case.c - the strict case-file reader.
 *
 * A case file is plain text: comments (#), blank lines and cases. A case is
 *
 *     case NAME
 *     rfc: RFC 9112 §6.3
 *     why: one line saying what could go wrong
 *     tags: framing, content-length
 *     kind: parser-request | parser-response | server | client | api
 *     config: lenient=bare-lf max-head=64 fields-cap=4        (optional)
 *     request-method: HEAD                                    (optional)
 *     input:            (send: for server, respond: for client, calls: for api)
 *     GET / HTTP/1.1\r\n
 *     Host: a\r\n
 *     \r\n
 *
 *     expect:
 *     method GET
 *     framing none close=0
 *
 * Block lines carry bytes with escapes (\r \n \t \0 \\ \xNN); the file's own line
 * breaks are not part of the bytes. Raw bytes in a block must be printable ASCII
 * and may not end in a space or tab (invisible in review): write \x20 or \t. A
 * block ends at a blank line. In send:/respond: blocks, a line starting with '@'
 * is a directive (@pause MS, @bytewise, @shutdown, @close). Every problem is
 * reported as "file:line: message"; nothing in a file can crash the reader. */
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "conform.h"

/* ---------------------------------------------------------------- buffers */

static void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q) {
        fprintf(stderr, "zhttp-conform: out of memory\n");
        exit(3);
    }
    return q;
}

static char *xstrndup(const char *s, size_t n)
{
    char *p = xrealloc(NULL, n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

void cf_buf_put(cf_buf *b, const void *p, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + n + 1)
            cap *= 2;
        b->ptr = xrealloc(b->ptr, cap);
        b->cap = cap;
    }
    if (n)
        memcpy(b->ptr + b->len, p, n);
    b->len += n;
    b->ptr[b->len] = '\0';
}

void cf_buf_puts(cf_buf *b, const char *s)
{
    cf_buf_put(b, s, strlen(s));
}

void cf_buf_printf(cf_buf *b, const char *fmt, ...)
{
    char tmp[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n < sizeof tmp) {
        cf_buf_put(b, tmp, (size_t)n);
        return;
    }
    char *big = xrealloc(NULL, (size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(big, (size_t)n + 1, fmt, ap);
    va_end(ap);
    cf_buf_put(b, big, (size_t)n);
    free(big);
}

void cf_buf_put_escaped(cf_buf *b, const char *p, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)p[i];
        char e[4];
        switch (ch) {
        case '\r': cf_buf_put(b, "\\r", 2); break;
        case '\n': cf_buf_put(b, "\\n", 2); break;
        case '\t': cf_buf_put(b, "\\t", 2); break;
        case '\0': cf_buf_put(b, "\\0", 2); break;
        case '\\': cf_buf_put(b, "\\\\", 2); break;
        default:
            if (ch >= 0x20 && ch < 0x7f) {
                cf_buf_put(b, &p[i], 1);
            } else {
                e[0] = '\\';
                e[1] = 'x';
                e[2] = hex[ch >> 4];
                e[3] = hex[ch & 15];
                cf_buf_put(b, e, 4);
            }
        }
    }
}

void cf_buf_free(cf_buf *b)
{
    free(b->ptr);
    b->ptr = NULL;
    b->len = b->cap = 0;
}

const char *cf_buf_cstr(cf_buf *b)
{
    if (!b->ptr)
        cf_buf_put(b, "", 0);
    return b->ptr;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

bool cf_unescape(const char *s, size_t n, cf_buf *out, const char **why, size_t *at)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (ch != '\\') {
            if (ch < 0x20 || ch >= 0x7f) {
                *why = "raw control or non-ASCII byte in a byte block (use \\xNN)";
                *at = i;
                return false;
            }
            cf_buf_put(out, &s[i], 1);
            continue;
        }
        if (i + 1 >= n) {
            *why = "backslash at the end of a line (write \\\\ for a backslash)";
            *at = i;
            return false;
        }
        char e = s[++i], v;
        switch (e) {
        case 'r': v = '\r'; break;
        case 'n': v = '\n'; break;
        case 't': v = '\t'; break;
        case '0': v = '\0'; break;
        case '\\': v = '\\'; break;
        case 'x': {
            int hi = i + 1 < n ? hexval(s[i + 1]) : -1;
            int lo = i + 2 < n ? hexval(s[i + 2]) : -1;
            if (hi < 0 || lo < 0) {
                *why = "\\x needs two hex digits";
                *at = i - 1;
                return false;
            }
            v = (char)(hi * 16 + lo);
            i += 2;
            break;
        }
        default:
            *why = "unknown escape (known: \\r \\n \\t \\0 \\\\ \\xNN)";
            *at = i - 1;
            return false;
        }
        cf_buf_put(out, &v, 1);
    }
    return true;
}

/* ---------------------------------------------------------------- reader */

enum block { B_NONE, B_BYTES, B_EXPECT };

typedef struct reader {
    cf_case_set *set;
    const char *path;
    int line;
    char *err;
    size_t errcap;
    cf_case *cur;
    enum block block;
    cf_buf bytes;
    bool seen_bytes_block, seen_expect_block, in_bytewise;
    const char *bytes_key; /* "input", "send", ... as written */
    bool seen_config, seen_reqmethod;
} reader;

static bool fail(reader *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static bool fail(reader *r, const char *fmt, ...)
{
    char msg[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    snprintf(r->err, r->errcap, "%s:%d: %s", r->path, r->line, msg);
    return false;
}

const char *cf_kind_name(cf_kind k)
{
    switch (k) {
    case CF_PARSER_REQUEST: return "parser-request";
    case CF_PARSER_RESPONSE: return "parser-response";
    case CF_SERVER: return "server";
    case CF_CLIENT: return "client";
    case CF_API: return "api";
    }
    return "?";
}

static const char *bytes_key_for(cf_kind k)
{
    switch (k) {
    case CF_PARSER_REQUEST:
    case CF_PARSER_RESPONSE: return "input";
    case CF_SERVER: return "send";
    case CF_CLIENT: return "respond";
    case CF_API: return "calls";
    }
    return "input";
}

static bool valid_name(const char *s, size_t n)
{
    if (n == 0 || n > 80)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
              c == '_'))
            return false;
    }
    return true;
}

static void add_step(cf_case *c, cf_step s)
{
    c->steps = xrealloc(c->steps, (c->nsteps + 1) * sizeof *c->steps);
    c->steps[c->nsteps++] = s;
}

static bool finish_case(reader *r)
{
    cf_case *c = r->cur;
    if (!c)
        return true;
    int line = r->line;
    r->line = c->line;
    if (!c->kind)
        return fail(r, "case '%s' has no 'kind:'", c->name);
    if (!c->rfc)
        return fail(r, "case '%s' has no 'rfc:'", c->name);
    if (!c->why)
        return fail(r, "case '%s' has no 'why:'", c->name);
    if (!c->tags)
        return fail(r, "case '%s' has no 'tags:'", c->name);
    if (!r->seen_bytes_block)
        return fail(r, "case '%s' has no '%s:' block", c->name, bytes_key_for(c->kind));
    if (!r->seen_expect_block || c->nexpect == 0)
        return fail(r, "case '%s' has no 'expect:' lines", c->name);
    c->bytes = xrealloc(NULL, r->bytes.len + 1);
    if (r->bytes.len)
        memcpy(c->bytes, r->bytes.ptr, r->bytes.len);
    c->bytes[r->bytes.len] = '\0';
    c->bytes_len = r->bytes.len;
    r->bytes.len = 0;
    for (size_t i = 0; i + 1 < r->set->n; i++) {
        if (strcmp(r->set->cases[i].name, c->name) == 0)
            return fail(r, "duplicate case name '%s' (first at %s:%d)", c->name,
                        r->set->cases[i].file, r->set->cases[i].line);
    }
    r->line = line;
    r->cur = NULL;
    r->block = B_NONE;
    return true;
}

static bool parse_uint(const char *s, size_t n, uint64_t *out)
{
    if (n == 0 || n > 20)
        return false;
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        uint64_t d = (uint64_t)(s[i] - '0');
        if (v > (UINT64_MAX - d) / 10)
            return false;
        v = v * 10 + d;
    }
    *out = v;
    return true;
}

/* config: key=value words separated by spaces. */
static bool parse_config(reader *r, const char *v, size_t n)
{
    cf_case *c = r->cur;
    size_t i = 0;
    while (i < n) {
        while (i < n && v[i] == ' ')
            i++;
        size_t start = i;
        while (i < n && v[i] != ' ')
            i++;
        if (i == start)
            break;
        const char *w = v + start;
        size_t wn = i - start;
        const char *eq = memchr(w, '=', wn);
        if (!eq)
            return fail(r, "config word '%.*s' is not key=value", (int)wn, w);
        size_t kn = (size_t)(eq - w);
        const char *val = eq + 1;
        size_t vn = wn - kn - 1;
        if (kn == 7 && memcmp(w, "lenient", 7) == 0) {
            size_t j = 0;
            while (j < vn) {
                size_t s0 = j;
                while (j < vn && val[j] != ',')
                    j++;
                size_t fn = j - s0;
                const char *f = val + s0;
                if (fn == 7 && memcmp(f, "bare-lf", 7) == 0)
                    c->lenient |= ZH_LENIENT_BARE_LF;
                else if (fn == 8 && memcmp(f, "obs-fold", 8) == 0)
                    c->lenient |= ZH_LENIENT_OBS_FOLD;
                else if (fn == 14 && memcmp(f, "cl-te-response", 14) == 0)
                    c->lenient |= ZH_LENIENT_CL_TE_RESPONSE;
                else if (fn == 4 && memcmp(f, "host", 4) == 0)
                    c->lenient |= ZH_LENIENT_HOST;
                else
                    return fail(r,
                                "unknown lenient flag '%.*s' (known: bare-lf obs-fold "
                                "cl-te-response host)",
                                (int)fn, f);
                if (j < vn)
                    j++;
            }
            continue;
        }
        uint64_t num;
        if (!parse_uint(val, vn, &num))
            return fail(r, "config '%.*s' needs a decimal number", (int)kn, w);
        if (kn == 16 && memcmp(w, "max-request-line", 16) == 0)
            c->limits.max_request_line = (size_t)num;
        else if (kn == 14 && memcmp(w, "max-field-line", 14) == 0)
            c->limits.max_field_line = (size_t)num;
        else if (kn == 8 && memcmp(w, "max-head", 8) == 0)
            c->limits.max_head = (size_t)num;
        else if (kn == 10 && memcmp(w, "max-fields", 10) == 0)
            c->limits.max_fields = (size_t)num;
        else if (kn == 8 && memcmp(w, "max-body", 8) == 0)
            c->limits.max_body = num;
        else if (kn == 14 && memcmp(w, "max-chunk-size", 14) == 0)
            c->limits.max_chunk_size = num;
        else if (kn == 10 && memcmp(w, "fields-cap", 10) == 0) {
            if (num == 0 || num > 4096)
                return fail(r, "fields-cap must be 1..4096");
            c->fields_cap = (size_t)num;
        } else
            return fail(r,
                        "unknown config key '%.*s' (known: lenient max-request-line "
                        "max-field-line max-head max-fields max-body max-chunk-size fields-cap)",
                        (int)kn, w);
    }
    return true;
}

static char **set_str(reader *r, const char *key)
{
    cf_case *c = r->cur;
    if (strcmp(key, "rfc") == 0)
        return &c->rfc;
    if (strcmp(key, "why") == 0)
        return &c->why;
    if (strcmp(key, "tags") == 0)
        return &c->tags;
    return NULL;
}

static bool attr_line(reader *r, const char *s, size_t n)
{
    cf_case *c = r->cur;
    const char *colon = memchr(s, ':', n);
    if (!colon)
        return fail(r, "expected 'key: value', a block ('input:', 'expect:'...) or a blank line");
    size_t kn = (size_t)(colon - s);
    char key[32];
    if (kn == 0 || kn >= sizeof key)
        return fail(r, "bad attribute name");
    memcpy(key, s, kn);
    key[kn] = '\0';
    const char *v = colon + 1;
    size_t vn = n - kn - 1;
    if (vn == 0) { /* a block */
        if (strcmp(key, "expect") == 0) {
            if (r->seen_expect_block)
                return fail(r, "second 'expect:' block in case '%s'", c->name);
            r->seen_expect_block = true;
            r->block = B_EXPECT;
            return true;
        }
        if (strcmp(key, "input") == 0 || strcmp(key, "send") == 0 ||
            strcmp(key, "respond") == 0 || strcmp(key, "calls") == 0) {
            if (!c->kind)
                return fail(r, "'kind:' must come before the '%s:' block", key);
            if (strcmp(key, bytes_key_for(c->kind)) != 0)
                return fail(r, "a %s case takes a '%s:' block, not '%s:'", cf_kind_name(c->kind),
                            bytes_key_for(c->kind), key);
            if (r->seen_bytes_block)
                return fail(r, "second '%s:' block in case '%s'", key, c->name);
            if (r->seen_expect_block)
                return fail(r, "the '%s:' block must come before 'expect:'", key);
            r->seen_bytes_block = true;
            r->block = B_BYTES;
            r->in_bytewise = false;
            return true;
        }
        return fail(r, "unknown block '%s:' (known: input send respond calls expect)", key);
    }
    if (v[0] != ' ' || vn < 2)
        return fail(r, "write 'key: value' with one space after the colon");
    v++;
    vn--;
    if (v[vn - 1] == ' ')
        return fail(r, "trailing whitespace after the value of '%s'", key);
    if (r->seen_bytes_block || r->seen_expect_block)
        return fail(r, "attribute '%s' after a block: put attributes first", key);
    char **slot = set_str(r, key);
    if (slot) {
        if (*slot)
            return fail(r, "duplicate '%s:' in case '%s'", key, c->name);
        *slot = xstrndup(v, vn);
        return true;
    }
    if (strcmp(key, "kind") == 0) {
        if (c->kind)
            return fail(r, "duplicate 'kind:' in case '%s'", c->name);
        static const cf_kind kinds[] = { CF_PARSER_REQUEST, CF_PARSER_RESPONSE, CF_SERVER,
                                         CF_CLIENT, CF_API };
        for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
            const char *kname = cf_kind_name(kinds[i]);
            if (strlen(kname) == vn && memcmp(kname, v, vn) == 0)
                c->kind = kinds[i];
        }
        if (!c->kind)
            return fail(r,
                        "unknown kind '%.*s' (known: parser-request parser-response server "
                        "client api)",
                        (int)vn, v);
        return true;
    }
    if (strcmp(key, "config") == 0) {
        if (r->seen_config)
            return fail(r, "duplicate 'config:' in case '%s'", c->name);
        r->seen_config = true;
        return parse_config(r, v, vn);
    }
    if (strcmp(key, "request-method") == 0) {
        if (r->seen_reqmethod)
            return fail(r, "duplicate 'request-method:' in case '%s'", c->name);
        r->seen_reqmethod = true;
        if (vn >= sizeof c->request_method)
            return fail(r, "request-method too long");
        memcpy(c->request_method, v, vn);
        c->request_method[vn] = '\0';
        return true;
    }
    return fail(r, "unknown attribute '%s' (known: rfc why tags kind config request-method)",
                key);
}

static bool directive_line(reader *r, const char *s, size_t n)
{
    cf_case *c = r->cur;
    if (c->kind != CF_SERVER && c->kind != CF_CLIENT)
        return fail(r, "directives ('@...') are only allowed in send:/respond: blocks; "
                       "write \\x40 for a literal '@'");
    c->has_directives = true;
    if (n > 7 && memcmp(s, "@pause ", 7) == 0) {
        uint64_t ms;
        if (!parse_uint(s + 7, n - 7, &ms) || ms > 10000)
            return fail(r, "@pause needs milliseconds 0..10000");
        add_step(c, (cf_step){ .type = CF_STEP_PAUSE, .ms = (unsigned)ms });
        return true;
    }
    if (n == 9 && memcmp(s, "@bytewise", 9) == 0) {
        add_step(c, (cf_step){ .type = CF_STEP_BYTEWISE });
        return true;
    }
    if (n == 9 && memcmp(s, "@shutdown", 9) == 0) {
        add_step(c, (cf_step){ .type = CF_STEP_SHUTDOWN });
        return true;
    }
    if (n == 6 && memcmp(s, "@close", 6) == 0) {
        add_step(c, (cf_step){ .type = CF_STEP_CLOSE });
        return true;
    }
    return fail(r, "unknown directive '%.*s' (known: @pause MS, @bytewise, @shutdown, @close)",
                (int)(n > 40 ? 40 : n), s);
}

static bool bytes_line(reader *r, const char *s, size_t n)
{
    cf_case *c = r->cur;
    if (s[n - 1] == ' ')
        return fail(r, "raw trailing space in a byte block: write it as \\x20");
    if (s[0] == '@')
        return directive_line(r, s, n);
    size_t before = r->bytes.len;
    const char *why;
    size_t at;
    if (!cf_unescape(s, n, &r->bytes, &why, &at))
        return fail(r, "column %zu: %s", at + 1, why);
    if (c->kind == CF_API) /* one call per line: keep the line structure */
        cf_buf_put(&r->bytes, "\n", 1);
    size_t added = r->bytes.len - before;
    if (c->nsteps && c->steps[c->nsteps - 1].type == CF_STEP_SEND &&
        c->steps[c->nsteps - 1].off + c->steps[c->nsteps - 1].len == before)
        c->steps[c->nsteps - 1].len += added;
    else
        add_step(c, (cf_step){ .type = CF_STEP_SEND, .off = before, .len = added });
    return true;
}

static bool expect_line(reader *r, const char *s, size_t n)
{
    cf_case *c = r->cur;
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (ch < 0x20 || ch >= 0x7f)
            return fail(r, "column %zu: raw control or non-ASCII byte in an expect line", i + 1);
    }
    if (s[n - 1] == ' ')
        return fail(r, "trailing space in an expect line");
    c->expect = xrealloc(c->expect, (c->nexpect + 1) * sizeof *c->expect);
    c->expect[c->nexpect++] = xstrndup(s, n);
    return true;
}

static bool start_case(reader *r, const char *s, size_t n)
{
    const char *name = s + 5;
    size_t nn = n - 5;
    if (!valid_name(name, nn))
        return fail(r, "case name must be 1-80 characters of [a-z0-9._-]");
    cf_case_set *set = r->set;
    if (set->n == set->cap) {
        set->cap = set->cap ? set->cap * 2 : 64;
        set->cases = xrealloc(set->cases, set->cap * sizeof *set->cases);
    }
    cf_case *c = &set->cases[set->n++];
    memset(c, 0, sizeof *c);
    c->name = xstrndup(name, nn);
    c->file = set->files[set->nfiles - 1];
    c->line = r->line;
    c->limits = ZH_LIMITS_DEFAULT;
    c->fields_cap = 64;
    r->cur = c;
    r->block = B_NONE;
    r->seen_bytes_block = r->seen_expect_block = false;
    r->seen_config = r->seen_reqmethod = false;
    r->bytes.len = 0;
    return true;
}

bool cf_read_text(cf_case_set *set, const char *path, const char *text, size_t len, char *err,
                  size_t errcap)
{
    reader r = { .set = set, .path = path, .err = err, .errcap = errcap };
    set->files = xrealloc(set->files, (set->nfiles + 1) * sizeof *set->files);
    set->files[set->nfiles++] = xstrndup(path, strlen(path));
    size_t pos = 0;
    bool ok = true;
    while (ok && pos < len) {
        r.line++;
        const char *s = text + pos;
        const char *nl = memchr(s, '\n', len - pos);
        size_t n = nl ? (size_t)(nl - s) : len - pos;
        pos += n + (nl ? 1 : 0);
        for (size_t i = 0; i < n; i++) {
            if (s[i] == '\r' || s[i] == '\0' || s[i] == '\t') {
                ok = fail(&r, "column %zu: raw %s in the case file (escape it)", i + 1,
                          s[i] == '\r' ? "CR" : s[i] == '\t' ? "tab" : "NUL");
                break;
            }
        }
        if (!ok)
            break;
        if (n == 0) { /* blank line: ends a block */
            r.block = B_NONE;
            continue;
        }
        if (r.block == B_BYTES) {
            ok = bytes_line(&r, s, n);
            continue;
        }
        if (r.block == B_EXPECT) {
            ok = expect_line(&r, s, n);
            continue;
        }
        if (s[0] == '#')
            continue;
        if (n >= 5 && memcmp(s, "case ", 5) == 0) {
            ok = finish_case(&r) && start_case(&r, s, n);
            continue;
        }
        if (!r.cur) {
            ok = fail(&r, "expected 'case NAME', a comment or a blank line");
            continue;
        }
        ok = attr_line(&r, s, n);
    }
    if (ok) {
        r.line++;
        ok = finish_case(&r);
    }
    if (!ok && r.cur) {
        /* drop the half-read case so the set stays consistent */
        cf_case *c = r.cur;
        free(c->name);
        free(c->rfc);
        free(c->why);
        free(c->tags);
        free(c->steps);
        for (size_t i = 0; i < c->nexpect; i++)
            free(c->expect[i]);
        free(c->expect);
        free(c->bytes);
        set->n--;
    }
    cf_buf_free(&r.bytes);
    return ok;
}

bool cf_read_file(cf_case_set *set, const char *path, char *err, size_t errcap)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errcap, "%s:0: cannot open: %s", path, strerror(errno));
        return false;
    }
    cf_buf b = { 0 };
    char tmp[8192];
    size_t n;
    while ((n = fread(tmp, 1, sizeof tmp, f)) > 0)
        cf_buf_put(&b, tmp, n);
    bool rd_err = ferror(f);
    fclose(f);
    if (rd_err) {
        snprintf(err, errcap, "%s:0: read error", path);
        cf_buf_free(&b);
        return false;
    }
    bool ok = cf_read_text(set, path, b.ptr ? b.ptr : "", b.len, err, errcap);
    cf_buf_free(&b);
    return ok;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

bool cf_read_dir(cf_case_set *set, const char *dir, char *err, size_t errcap)
{
    DIR *d = opendir(dir);
    if (!d) {
        snprintf(err, errcap, "%s:0: cannot open directory: %s", dir, strerror(errno));
        return false;
    }
    char **names = NULL;
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        size_t l = strlen(e->d_name);
        if (l > 5 && strcmp(e->d_name + l - 5, ".case") == 0) {
            names = xrealloc(names, (n + 1) * sizeof *names);
            names[n++] = xstrndup(e->d_name, l);
        }
    }
    closedir(d);
    qsort(names, n, sizeof *names, cmp_str);
    bool ok = true;
    for (size_t i = 0; i < n; i++) {
        if (ok) {
            cf_buf p = { 0 };
            cf_buf_printf(&p, "%s/%s", dir, names[i]);
            ok = cf_read_file(set, p.ptr, err, errcap);
            cf_buf_free(&p);
        }
        free(names[i]);
    }
    free(names);
    return ok;
}

void cf_case_set_free(cf_case_set *set)
{
    for (size_t i = 0; i < set->n; i++) {
        cf_case *c = &set->cases[i];
        free(c->name);
        free(c->rfc);
        free(c->why);
        free(c->tags);
        free(c->steps);
        for (size_t j = 0; j < c->nexpect; j++)
            free(c->expect[j]);
        free(c->expect);
        free(c->bytes);
    }
    free(set->cases);
    for (size_t i = 0; i < set->nfiles; i++)
        free(set->files[i]);
    free(set->files);
    memset(set, 0, sizeof *set);
}

bool cf_case_has_tag(const cf_case *c, const char *tag)
{
    size_t tl = strlen(tag);
    const char *p = c->tags;
    while (p && *p) {
        while (*p == ' ' || *p == ',')
            p++;
        const char *s = p;
        while (*p && *p != ',')
            p++;
        const char *e = p;
        while (e > s && e[-1] == ' ')
            e--;
        if ((size_t)(e - s) == tl && memcmp(s, tag, tl) == 0)
            return true;
    }
    return false;
}
