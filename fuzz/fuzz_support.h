/* fuzz/fuzz_support.h - what every zhttp fuzz target shares: configuration taken
 * from the first input bytes, the property checks (abort() on violation), and
 * comparisons of parse results across buffers.
 *
 * Every target is a plain LLVMFuzzerTestOneInput over the public API. The same
 * source builds three ways (libFuzzer, AFL++ persistent mode, plain replay), so
 * nothing here may depend on a fuzzing engine. */
#ifndef ZH_FUZZ_SUPPORT_H
#define ZH_FUZZ_SUPPORT_H

#include <stddef.h>
#include <stdint.h>

#include "zhttp/parse.h"

/* The libFuzzer entry points every target defines (and the drivers call). */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* Reports a violated property and aborts: that is how a target tells the engine
 * it found a bug (a crash with a readable first line). */
_Noreturn void fz_fail(const char *file, int line, const char *what);
#define FZ_CHECK(cond)                                                                             \
    do {                                                                                           \
        if (!(cond))                                                                               \
            fz_fail(__FILE__, __LINE__, #cond);                                                    \
    } while (0)

/* A cursor over the fuzzer's bytes. Taking past the end yields zeros / nothing. */
typedef struct fz_input {
    const uint8_t *p;
    size_t n;
} fz_input;

uint8_t fz_take_byte(fz_input *in);

/* Known open bugs to step around while they are being fixed, so a campaign can
 * look for new ones: the environment variable ZH_FUZZ_KNOWN is a comma list of
 * tags (see fuzz/README.md). Never set in ctest: regressions must keep failing. */
int fz_known(const char *tag);

/* True when ZH_FUZZ_VERBOSE is set: targets then explain what they compare
 * (e.g. every allowed difference of the differential target). */
int fz_verbose(void);

/* The configuration byte (documented in fuzz/README.md):
 *   bits 0-3  lenient flags: BARE_LF, OBS_FOLD, CL_TE_RESPONSE, HOST
 *   bit  4    force_scalar
 *   bits 5-7  limits profile: 0-3 defaults, 4 tiny, 5 small, 6 zero counts, 7 unbounded */
zh_parse_config fz_config(uint8_t b);
/* Capacity of the caller's field array, from 3 bits: 128, 0, 1, 3, 7, 16, 100, 101. */
size_t fz_fields_cap(uint8_t b);
#define FZ_MAX_FIELDS_CAP 128

/* Same config with all lenient flags on, or with the other scan path. */
zh_parse_config fz_all_lenient(zh_parse_config c);
zh_parse_config fz_flip_scalar(zh_parse_config c);

/* True when s lies inside buf[0..len) (an empty slice anywhere inside or at the end). */
int fz_within(zh_slice s, const void *buf, size_t len);
/* RFC 9110 §5.6.2 tchar. */
int fz_is_tchar(unsigned char c);

/* err is a value of ZH_ERROR_MAP. */
void fz_check_known_error(zh_err err);

/* Properties of a successfully parsed block of fields in buf[0..len). */
void fz_check_fields(const zh_field *f, size_t n, const char *buf, size_t len,
                     const zh_parse_config *cfg);

/* Properties of ZH_OK results (see fuzz/README.md for the list). */
void fz_check_request_ok(const zh_request_head *h, const char *buf, size_t len, size_t consumed,
                         const zh_parse_config *cfg);
void fz_check_response_ok(const zh_response_head *h, const char *buf, size_t len, size_t consumed,
                          const zh_parse_config *cfg);

/* The invariants of zh_decide_framing's answer rc/out for in. */
void fz_check_framing(const zh_framing_input *in, const zh_parse_config *cfg, zh_err rc,
                      const zh_framing *out);

/* Runs zh_request_framing / zh_response_framing on a parsed head, checks that it
 * agrees with zh_decide_framing on the same fields and with fz_check_framing, and
 * returns its answer. */
zh_err fz_request_framing_checked(const zh_request_head *h, const zh_parse_config *cfg,
                                  zh_framing *out);
zh_err fz_response_framing_checked(const zh_response_head *h, zh_slice request_method,
                                   const zh_parse_config *cfg, zh_framing *out);

/* Checks zh_validate_request on an accepted head against RFC 9112 §3.2. */
void fz_check_validate(const zh_request_head *h, const zh_parse_config *cfg);

/* Equality of two parse results of the same bytes held in two buffers (slices
 * compared by offset from their buffer). Unspecified outputs (after INCOMPLETE or
 * an error) are not compared, except error_offset after an error. */
int fz_same_slice(zh_slice a, const char *abuf, zh_slice b, const char *bbuf);
int fz_same_request(zh_err ra, const zh_request_head *a, size_t ca, const char *abuf, zh_err rb,
                    const zh_request_head *b, size_t cb, const char *bbuf);
int fz_same_response(zh_err ra, const zh_response_head *a, size_t ca, const char *abuf,
                     zh_err rb, const zh_response_head *b, size_t cb, const char *bbuf);

/* A malloc'd copy of exactly n bytes (so ASan / Valgrind catch any over-read);
 * never NULL (aborts if out of memory, which is a harness failure). */
char *fz_dup(const void *p, size_t n);

/* A growable byte log used to compare event sequences (incremental target). */
typedef struct fz_log {
    char *p;
    size_t len, cap;
} fz_log;
void fz_log_put(fz_log *l, const void *p, size_t n);
void fz_log_u64(fz_log *l, uint64_t v);
void fz_log_free(fz_log *l);

#endif
