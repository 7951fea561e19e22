/* conformance/src/targets.c - the target table: parsing --target, which cases a
 * target runs, and dispatch. */
#include <stdlib.h>
#include <string.h>

#include "targets.h"
#include "zhttp_targets.h"

bool cf_target_parse(const char *spec, cf_target *t, char *err, size_t errcap)
{
    memset(t, 0, sizeof *t);
    /* "NAME=TARGET" names a column of the matrix: zhttp=server-tcp, nginx=tcp://... */
    const char *eq = strchr(spec, '=');
    size_t pre = eq ? strspn(spec, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-")
                    : 0;
    if (eq && eq > spec && pre == (size_t)(eq - spec)) {
        snprintf(t->name, sizeof t->name, "%.*s", (int)(eq - spec), spec);
        spec = eq + 1;
    } else {
        snprintf(t->name, sizeof t->name, "%s", spec);
    }
    if (strcmp(spec, "parser") == 0) {
        t->type = CF_T_PARSER;
        snprintf(t->golden_name, sizeof t->golden_name, "parser");
        return true;
    }
    if (strncmp(spec, "tcp://", 6) == 0) {
        const char *hp = spec + 6;
        const char *colon = strrchr(hp, ':');
        char *end = NULL;
        long port = colon ? strtol(colon + 1, &end, 10) : 0;
        size_t hl = colon ? (size_t)(colon - hp) : 0;
        if (!colon || hl == 0 || hl >= sizeof t->host || !end || *end || port < 1 ||
            port > 65535) {
            snprintf(err, errcap, "bad target '%s' (want tcp://HOST:PORT)", spec);
            return false;
        }
        memcpy(t->host, hp, hl);
        t->host[hl] = '\0';
        if (t->host[0] == '[' && hl > 2 && t->host[hl - 1] == ']') { /* [::1] */
            memmove(t->host, t->host + 1, hl - 2);
            t->host[hl - 2] = '\0';
        }
        t->port = (int)port;
        t->type = CF_T_TCP;
        return true; /* other servers have no golden traces: judged by expectations */
    }
    return cf_zhttp_target_parse(spec, t, err, errcap);
}

bool cf_target_runs(const cf_target *t, const cf_case *c)
{
    switch (t->type) {
    case CF_T_PARSER: return c->kind == CF_PARSER_REQUEST || c->kind == CF_PARSER_RESPONSE;
    case CF_T_TCP:
    case CF_T_SERVER:
    case CF_T_SERVER_TCP: return c->kind == CF_SERVER;
    case CF_T_CLIENT: return c->kind == CF_CLIENT;
    case CF_T_API: return c->kind == CF_API;
    }
    return false;
}

bool cf_target_start(cf_target *t, char *err, size_t errcap)
{
    if (t->type == CF_T_PARSER || t->type == CF_T_TCP)
        return true;
    return cf_zhttp_target_start(t, err, errcap);
}

void cf_target_stop(cf_target *t)
{
    if (t->type == CF_T_PARSER || t->type == CF_T_TCP)
        return;
    cf_zhttp_target_stop(t);
}

void cf_target_run(const cf_target *t, const cf_case *c, unsigned timeout_ms, cf_buf *trace)
{
    switch (t->type) {
    case CF_T_PARSER:
        cf_run_parser_case(c, trace);
        return;
    case CF_T_TCP:
        cf_run_tcp_case(c, t->host, t->port, timeout_ms, trace);
        return;
    default:
        cf_zhttp_target_run(t, c, timeout_ms, trace);
        return;
    }
}
