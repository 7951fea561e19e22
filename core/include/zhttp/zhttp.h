/* zhttp/zhttp.h - everything: include this, or only the header of the concern
 * you use (each compiles on its own). */
#ifndef ZHTTP_ZHTTP_H
#define ZHTTP_ZHTTP_H

#include "zhttp/common.h"
#include "zhttp/error.h"
#include "zhttp/alloc.h"
#include "zhttp/parse.h"
#include "zhttp/msg.h"
#include "zhttp/conn.h"
#include "zhttp/server.h"
#include "zhttp/client.h"

#endif
