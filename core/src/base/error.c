/* Error names, messages and HTTP statuses, all generated from ZH_ERROR_MAP. */
#include <string.h>

#include "zhttp/error.h"

struct error_row {
    zh_err code;
    int status;
    const char *name;
    const char *message;
};

static const struct error_row error_rows[] = {
#define ZH__ERR_ROW(name, value, status, msg) { name, status, #name, msg },
    ZH_ERROR_MAP(ZH__ERR_ROW)
#undef ZH__ERR_ROW
};

#define ERROR_ROWS (sizeof(error_rows) / sizeof(error_rows[0]))

static const struct error_row *find_row(zh_err err)
{
    for (size_t i = 0; i < ERROR_ROWS; i++)
        if (error_rows[i].code == err)
            return &error_rows[i];
    return NULL;
}

const char *zh_strerror(zh_err err)
{
    const struct error_row *row = find_row(err);
    return row ? row->message : "unknown error";
}

const char *zh_error_name(zh_err err)
{
    const struct error_row *row = find_row(err);
    return row ? row->name : "ZH_E_UNKNOWN";
}

int zh_error_http_status(zh_err err)
{
    const struct error_row *row = find_row(err);
    return row ? row->status : 500;
}

bool zh_error_from_name(const char *name, zh_err *out)
{
    for (size_t i = 0; i < ERROR_ROWS; i++) {
        if (strcmp(error_rows[i].name, name) == 0) {
            *out = error_rows[i].code;
            return true;
        }
    }
    return false;
}
