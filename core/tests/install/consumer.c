/* A program as a user writes it against an installed zhttp: parse a request. */
#include <stdio.h>
#include <string.h>

#include <zhttp/zhttp.h>

int main(void)
{
    static const char req[] = "GET /hello HTTP/1.1\r\nHost: example.com\r\n\r\n";
    zh_field fields[8];
    zh_request_head head = { .fields = fields, .fields_cap = 8 };
    size_t used = 0;
    zh_err e = zh_parse_request_head(req, strlen(req), NULL, &head, &used);
    if (e != ZH_OK || used != strlen(req) || head.num_fields != 1) {
        fprintf(stderr, "consumer: %s\n", zh_strerror(e));
        return 1;
    }
    printf("consumer: %.*s %.*s ok\n", (int)head.method.len, head.method.ptr,
           (int)head.target.len, head.target.ptr);
    return 0;
}
