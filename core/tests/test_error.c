/* Error names, messages and HTTP statuses (zhttp/error.h): every code of
 * ZH_ERROR_MAP round-trips through its name, has its own message, and maps to
 * one of the statuses a server may answer with. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "zhttp/error.h"

struct row {
    zh_err code;
    int value;
    int status;
    const char *name;
    const char *msg;
};

static const struct row rows[] = {
#define ROW(name, value, status, msg) { name, value, status, #name, msg },
    ZH_ERROR_MAP(ROW)
#undef ROW
};
#define NROWS ((int)(sizeof(rows) / sizeof(rows[0])))

START_TEST(name_round_trips)
{
    const struct row *r = &rows[_i];
    ck_assert_int_eq((int)r->code, r->value);
    ck_assert_str_eq(zh_error_name(r->code), r->name);
    zh_err back = (zh_err)-7;
    ck_assert_msg(zh_error_from_name(r->name, &back), "%s not found by name", r->name);
    ck_assert_int_eq(back, r->code);
}
END_TEST

START_TEST(message_matches_map)
{
    const struct row *r = &rows[_i];
    const char *m = zh_strerror(r->code);
    ck_assert_ptr_nonnull(m);
    ck_assert_msg(m[0] != '\0', "%s has an empty message", r->name);
    ck_assert_str_eq(m, r->msg);
}
END_TEST

START_TEST(status_matches_map_and_is_allowed)
{
    static const int allowed[] = { 0, 200, 400, 408, 413, 414, 417, 431, 500, 501, 503, 505 };
    const struct row *r = &rows[_i];
    int st = zh_error_http_status(r->code);
    ck_assert_int_eq(st, r->status);
    bool ok = false;
    for (size_t k = 0; k < sizeof(allowed) / sizeof(allowed[0]); k++)
        ok = ok || allowed[k] == st;
    ck_assert_msg(ok, "%s maps to unexpected status %d", r->name, st);
}
END_TEST

START_TEST(values_dense_and_unique)
{
    /* Values are stable and new codes are appended: 0..N-1 in map order. */
    for (int i = 0; i < NROWS; i++)
        ck_assert_int_eq(rows[i].value, i);
    ck_assert_int_eq(rows[0].code, ZH_OK);
    ck_assert_int_eq(rows[1].code, ZH_INCOMPLETE);
}
END_TEST

START_TEST(names_and_messages_unique)
{
    for (int i = 0; i < NROWS; i++) {
        for (int j = i + 1; j < NROWS; j++) {
            ck_assert_str_ne(zh_error_name(rows[i].code), zh_error_name(rows[j].code));
            ck_assert_msg(strcmp(zh_strerror(rows[i].code), zh_strerror(rows[j].code)) != 0,
                          "%s and %s share a message", rows[i].name, rows[j].name);
        }
    }
}
END_TEST

START_TEST(names_have_prefix)
{
    for (int i = 0; i < NROWS; i++) {
        const char *n = zh_error_name(rows[i].code);
        ck_assert_msg(strncmp(n, "ZH_", 3) == 0, "%s", n);
        if (i >= 2)
            ck_assert_msg(strncmp(n, "ZH_E_", 5) == 0, "%s", n);
    }
}
END_TEST

START_TEST(key_statuses)
{
    /* The statuses the server relies on (RFC 9110 §15). */
    ck_assert_int_eq(zh_error_http_status(ZH_OK), 200);
    ck_assert_int_eq(zh_error_http_status(ZH_INCOMPLETE), 0);
    ck_assert_int_eq(zh_error_http_status(ZH_E_BAD_METHOD), 400);
    ck_assert_int_eq(zh_error_http_status(ZH_E_UNSUPPORTED_VERSION), 505);
    ck_assert_int_eq(zh_error_http_status(ZH_E_REQUEST_LINE_TOO_LONG), 414);
    ck_assert_int_eq(zh_error_http_status(ZH_E_FIELD_LINE_TOO_LONG), 431);
    ck_assert_int_eq(zh_error_http_status(ZH_E_TOO_MANY_FIELDS), 431);
    ck_assert_int_eq(zh_error_http_status(ZH_E_HEAD_TOO_LARGE), 431);
    ck_assert_int_eq(zh_error_http_status(ZH_E_BODY_TOO_LARGE), 413);
    ck_assert_int_eq(zh_error_http_status(ZH_E_CHUNK_TOO_LARGE), 413);
    ck_assert_int_eq(zh_error_http_status(ZH_E_UNKNOWN_TRANSFER_CODING), 501);
    ck_assert_int_eq(zh_error_http_status(ZH_E_CL_AND_TE), 400);
    ck_assert_int_eq(zh_error_http_status(ZH_E_MISSING_HOST), 400);
    ck_assert_int_eq(zh_error_http_status(ZH_E_TIMEOUT), 408);
    ck_assert_int_eq(zh_error_http_status(ZH_E_EXPECTATION_FAILED), 417);
    ck_assert_int_eq(zh_error_http_status(ZH_E_TOO_MANY_CONNECTIONS), 503);
    ck_assert_int_eq(zh_error_http_status(ZH_E_NOMEM), 500);
    ck_assert_int_eq(zh_error_http_status(ZH_E_BAD_STATUS_LINE), 0);
    ck_assert_int_eq(zh_error_http_status(ZH_E_CLOSED), 0);
}
END_TEST

START_TEST(unknown_codes)
{
    /* Never NULL, never a crash, and not the message of a real code. */
    const zh_err bad[] = { (zh_err)NROWS, (zh_err)(NROWS + 1), (zh_err)-1, (zh_err)100000 };
    for (size_t k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
        const char *m = zh_strerror(bad[k]);
        const char *n = zh_error_name(bad[k]);
        ck_assert_ptr_nonnull(m);
        ck_assert_ptr_nonnull(n);
        ck_assert(m[0] != '\0');
        for (int i = 0; i < NROWS; i++) {
            ck_assert_str_ne(m, rows[i].msg);
            ck_assert_str_ne(n, rows[i].name);
        }
    }
}
END_TEST

START_TEST(unknown_names)
{
    static const char *const bad[] = { "", "ZH_E_", "ZH_E_BAD", "zh_e_bad_method", "ZH_E_BAD_METHODX",
                                       "ZH_E_BAD_METHO", " ZH_OK", "ZH_OK ", "ZH_E_UNKNOWN" };
    for (size_t k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
        zh_err out = ZH_E_IO;
        ck_assert_msg(!zh_error_from_name(bad[k], &out), "'%s' accepted", bad[k]);
        ck_assert_int_eq(out, ZH_E_IO);
    }
}
END_TEST

static Suite *error_suite(void)
{
    Suite *s = suite_create("error");
    TCase *tc = tcase_create("map");
    tcase_add_loop_test(tc, name_round_trips, 0, NROWS);
    tcase_add_loop_test(tc, message_matches_map, 0, NROWS);
    tcase_add_loop_test(tc, status_matches_map_and_is_allowed, 0, NROWS);
    tcase_add_test(tc, values_dense_and_unique);
    tcase_add_test(tc, names_and_messages_unique);
    tcase_add_test(tc, names_have_prefix);
    tcase_add_test(tc, key_statuses);
    tcase_add_test(tc, unknown_codes);
    tcase_add_test(tc, unknown_names);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(error_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
