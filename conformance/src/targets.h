/* conformance/src/targets.h - what a case runs against. */
#ifndef ZH_CONFORM_TARGETS_H
#define ZH_CONFORM_TARGETS_H

#include "conform.h"

typedef enum cf_target_type {
    CF_T_PARSER = 1, /* in-process parse.h */
    CF_T_TCP,        /* any server at host:port */
    CF_T_SERVER,     /* zhttp server over an in-memory pipe */
    CF_T_SERVER_TCP, /* zhttp server the runner starts on loopback */
    CF_T_CLIENT,     /* zhttp client against the runner's scripted peer */
    CF_T_API,        /* msg-layer call scripts */
} cf_target_type;

typedef struct cf_target {
    cf_target_type type;
    char name[96];        /* as shown: parser, tcp://127.0.0.1:8080 */
    char golden_name[96]; /* directory under golden/, "" for none */
    char host[64];
    int port;
    void *state;          /* the target's own (a started server...) */
} cf_target;

/* Parses a --target word. false + message if unknown or not built. */
bool cf_target_parse(const char *spec, cf_target *t, char *err, size_t errcap);
/* True when the target runs this kind of case. */
bool cf_target_runs(const cf_target *t, const cf_case *c);
/* Starts what the target needs (a server...) before the first case. */
bool cf_target_start(cf_target *t, char *err, size_t errcap);
void cf_target_stop(cf_target *t);
/* Runs one case; appends the trace. */
void cf_target_run(const cf_target *t, const cf_case *c, unsigned timeout_ms, cf_buf *trace);

#endif
