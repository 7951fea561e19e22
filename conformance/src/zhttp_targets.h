/* conformance/src/zhttp_targets.h - the targets built on zhttp's engine layers
 * (server over a pipe, server on loopback, client, msg API). */
#ifndef ZH_CONFORM_ZHTTP_TARGETS_H
#define ZH_CONFORM_ZHTTP_TARGETS_H

#include "targets.h"

bool cf_zhttp_target_parse(const char *spec, cf_target *t, char *err, size_t errcap);
bool cf_zhttp_target_start(cf_target *t, char *err, size_t errcap);
void cf_zhttp_target_stop(cf_target *t);
void cf_zhttp_target_run(const cf_target *t, const cf_case *c, unsigned timeout_ms,
                         cf_buf *trace);

#endif
