/* conformance/src/zhttp_targets.c - targets over zhttp's server/client layers.
 * Built against whichever engine headers exist in the tree
 * (ZH_CONFORM_HAVE_SERVER / _CLIENT / _MSG come from conformance/CMakeLists.txt). */
#include <string.h>

#include "zhttp_targets.h"

bool cf_zhttp_target_parse(const char *spec, cf_target *t, char *err, size_t errcap)
{
    static const struct {
        const char *name;
        cf_target_type type;
        const char *needs;
    } known[] = {
        { "server", CF_T_SERVER, "zhttp/server.h" },
        { "server-tcp", CF_T_SERVER_TCP, "zhttp/server.h" },
        { "client", CF_T_CLIENT, "zhttp/client.h" },
        { "api", CF_T_API, "zhttp/msg.h" },
    };
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++) {
        if (strcmp(spec, known[i].name) != 0)
            continue;
        snprintf(err, errcap, "target '%s' is not built: it needs %s, which this tree lacks",
                 spec, known[i].needs);
        (void)t;
        return false;
    }
    snprintf(err, errcap,
             "unknown target '%s' (known: parser server server-tcp client api tcp://HOST:PORT)",
             spec);
    return false;
}

bool cf_zhttp_target_start(cf_target *t, char *err, size_t errcap)
{
    snprintf(err, errcap, "target '%s' is not built", t->name);
    return false;
}

void cf_zhttp_target_stop(cf_target *t)
{
    (void)t;
}

void cf_zhttp_target_run(const cf_target *t, const cf_case *c, unsigned timeout_ms,
                         cf_buf *trace)
{
    (void)c;
    (void)timeout_ms;
    cf_buf_printf(trace, "target %s is not built\n", t->name);
}
