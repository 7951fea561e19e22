/* Internal: the field-block parser shared by heads and chunked trailers. */
#ifndef ZH_PARSE_HEAD_H
#define ZH_PARSE_HEAD_H

#include "zhttp/parse.h"

/* Parses field lines from p[pos..n) up to and including the empty line.
 * n is the parse window (already capped at max_head), len the real buffer length
 * (to tell "head too large" from "incomplete"). fields may be NULL: then lines are
 * validated and counted, not stored. On ZH_OK *end is the offset after the empty
 * line; on error *err_at is the offending offset. */
zh_err zh__parse_field_lines(const char *p, size_t pos, size_t n, size_t len,
                             const zh_parse_config *cfg, zh_field *fields, size_t cap,
                             size_t *num, size_t *end, size_t *err_at);

#endif
