/* zhttp get URL [-X METHOD] [-H 'Name: value']... [-d BODY] [--timeout SECONDS] [-i]
 *
 * Sends one request with the library's client and prints the response body (with
 * -i, the status line and header fields first, as received) to stdout. Exit
 * status: 0 for any complete response whatever its status, 1 for every failure
 * (connect, timeout, malformed response, truncated body: never a silently short
 * body), 2 for a usage error. Failures are one line on stderr. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "zhttp/client.h"
#include "zhttp/msg.h"

static void get_usage(FILE *f)
{
    fputs("usage: zhttp get URL [-X METHOD] [-H 'Name: value']... [-d BODY] [--timeout SECONDS] "
          "[-i]\n"
          "  -X METHOD          request method (default GET, or POST with -d)\n"
          "  -H 'Name: value'   add a header field (repeatable; replaces a default of that name)\n"
          "  -d BODY            request body\n"
          "  --timeout SECONDS  whole-request timeout (default 30; 0: none)\n"
          "  -i                 print the status line and header fields before the body\n",
          f);
}

/* "zhttp get: <what> '<arg>'" (arg may be NULL), then the usage. */
static int usage_error(const char *what, const char *arg)
{
    if (arg)
        fprintf(stderr, "zhttp get: %s '%s'\n", what, arg);
    else
        fprintf(stderr, "zhttp get: %s\n", what);
    get_usage(stderr);
    return 2;
}

/* "Name: value" -> a field of req. */
static zh_err add_header_arg(zh_request *req, const char *arg)
{
    const char *colon = strchr(arg, ':');
    if (!colon || colon == arg)
        return ZH_E_FIELD_NO_COLON;
    const char *v = colon + 1;
    size_t vl = strlen(v);
    while (vl && (*v == ' ' || *v == '\t')) {
        v++;
        vl--;
    }
    while (vl && (v[vl - 1] == ' ' || v[vl - 1] == '\t'))
        vl--;
    return zh_headers_add(zh_request_headers(req), (zh_slice){arg, (size_t)(colon - arg)},
                          (zh_slice){v, vl});
}

static bool write_out(const void *p, size_t n)
{
    return n == 0 || fwrite(p, 1, n, stdout) == n;
}

static bool print_head(const zh_response *resp)
{
    char line[64];
    zh_slice reason = zh_response_reason(resp);
    int n = snprintf(line, sizeof line, "HTTP/1.%d %d ", zh_response_version(resp),
                     zh_response_status(resp));
    bool ok =
        write_out(line, (size_t)n) && write_out(reason.ptr, reason.len) && write_out("\r\n", 2);
    const zh_headers *h = zh_response_headers_const(resp);
    zh_slice name, value;
    for (size_t i = 0; ok && zh_headers_at(h, i, &name, &value); i++)
        ok = write_out(name.ptr, name.len) && write_out(": ", 2) &&
             write_out(value.ptr, value.len) && write_out("\r\n", 2);
    return ok && write_out("\r\n", 2);
}

int zh_cli_get(int argc, char **argv)
{
    const char *url = NULL, *method = NULL, *body = NULL;
    double timeout_s = 30;
    bool include = false;
    zh_request req;
    zh_response resp;
    zh_request_init(&req);
    zh_response_init(&resp);
    int status = 2;
    zh_client *client = NULL;

    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        bool has_value = i + 1 < argc;
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            get_usage(stdout);
            status = 0;
            goto out;
        } else if (strcmp(a, "-i") == 0 || strcmp(a, "--include") == 0) {
            include = true;
        } else if (strcmp(a, "-X") == 0 || strcmp(a, "--request") == 0) {
            if (!has_value) {
                status = usage_error("a METHOD must follow", a);
                goto out;
            }
            method = argv[++i];
        } else if (strcmp(a, "-H") == 0 || strcmp(a, "--header") == 0) {
            if (!has_value) {
                status = usage_error("'Name: value' must follow", a);
                goto out;
            }
            zh_err e = add_header_arg(&req, argv[++i]);
            if (e != ZH_OK) {
                fprintf(stderr, "zhttp get: bad header '%s': %s\n", argv[i], zh_strerror(e));
                goto out;
            }
        } else if (strcmp(a, "-d") == 0 || strcmp(a, "--data") == 0) {
            if (!has_value) {
                status = usage_error("a BODY must follow", a);
                goto out;
            }
            body = argv[++i];
        } else if (strcmp(a, "--timeout") == 0) {
            if (!has_value) {
                status = usage_error("SECONDS must follow", a);
                goto out;
            }
            char *end = NULL;
            errno = 0;
            timeout_s = strtod(argv[++i], &end);
            if (errno || !end || *end || end == argv[i] || !isfinite(timeout_s) || timeout_s < 0 ||
                timeout_s > 86400.0 * 24) {
                status = usage_error("bad --timeout", argv[i]);
                goto out;
            }
        } else if (a[0] == '-' && a[1] != '\0') {
            status = usage_error("unknown option", a);
            goto out;
        } else if (!url) {
            url = a;
        } else {
            status = usage_error("more than one URL:", a);
            goto out;
        }
    }
    if (!url) {
        status = usage_error("missing URL", NULL);
        goto out;
    }
    status = 1;
    if (!method)
        method = body ? "POST" : "GET";
    zh_err e = zh_request_set_method(&req, zh_slice_from_cstr(method));
    if (e == ZH_OK && body)
        e = zh_request_set_body(&req, body, strlen(body));
    if (e != ZH_OK) {
        fprintf(stderr, "zhttp get: %s\n", zh_strerror(e));
        goto out;
    }

    zh_client_config cfg = zh_client_config_default();
    cfg.max_conns_per_host = 1;
    cfg.max_hosts = 1;
    double ms = timeout_s * 1000.0 + 0.999; /* round up: 0.0001 s is not "no timeout" */
    cfg.timeout_ms = ms > 2147483647.0 ? 2147483647 : (int)ms;
    e = zh_client_create(&cfg, &client);
    if (e != ZH_OK) {
        fprintf(stderr, "zhttp get: %s\n", zh_strerror(e));
        goto out;
    }
    e = zh_client_do_url(client, zh_slice_from_cstr(url), &req, &resp);
    if (e != ZH_OK) {
        fprintf(stderr, "zhttp get: %s (%s)\n", zh_client_last_error(), zh_error_name(e));
        goto out;
    }
    zh_slice b = zh_response_body(&resp);
    if ((include && !print_head(&resp)) || !write_out(b.ptr, b.len) || fflush(stdout) != 0) {
        fprintf(stderr, "zhttp get: writing the output: %s\n", strerror(errno));
        goto out;
    }
    status = 0;
out:
    zh_client_destroy(client);
    zh_request_dispose(&req);
    zh_response_dispose(&resp);
    return status;
}
