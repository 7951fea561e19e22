/* zhttp serve: runs the server until SIGINT/SIGTERM, then shuts down gracefully. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "zhttp/server.h"

static zh_server *volatile running;

static void on_signal(int sig)
{
    (void)sig;
    zh_server *s = running;
    if (s)
        zh_server_stop(s); /* async-signal-safe: a flag and an eventfd write */
}

static void serve_usage(FILE *f)
{
    fputs("usage: zhttp serve [--addr HOST:PORT] [--workers N] [--handler hello|echo] [--pin]\n"
          "  --addr     address to listen on (default 127.0.0.1:8080; port 0: any free port)\n"
          "  --workers  worker threads, one event loop and SO_REUSEPORT listener each (default 1)\n"
          "  --handler  hello: 'Hello, World!' text/plain; echo: the request as parsed (default hello)\n"
          "  --pin      pin worker i to CPU i\n",
          f);
}

int zh_cli_serve(int argc, char **argv)
{
    const char *addr = "127.0.0.1:8080";
    zh_server_config cfg;
    zh_server_config_init(&cfg);
    cfg.handler = zh_hello_handler;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            serve_usage(stdout);
            return 0;
        } else if (strcmp(a, "--pin") == 0) {
            cfg.pin_cpus = true;
        } else if (!v) {
            fprintf(stderr, "zhttp serve: %s needs a value\n", a);
            return 2;
        } else if (strcmp(a, "--addr") == 0) {
            addr = v;
            i++;
        } else if (strcmp(a, "--workers") == 0) {
            char *end;
            long n = strtol(v, &end, 10);
            if (*end || n < 1 || n > 1024) {
                fprintf(stderr, "zhttp serve: --workers must be 1..1024\n");
                return 2;
            }
            cfg.workers = (unsigned)n;
            i++;
        } else if (strcmp(a, "--handler") == 0) {
            if (strcmp(v, "hello") == 0)
                cfg.handler = zh_hello_handler;
            else if (strcmp(v, "echo") == 0)
                cfg.handler = zh_echo_handler;
            else {
                fprintf(stderr, "zhttp serve: unknown handler '%s' (hello, echo)\n", v);
                return 2;
            }
            i++;
        } else {
            fprintf(stderr, "zhttp serve: unknown option '%s'\n", a);
            serve_usage(stderr);
            return 2;
        }
    }

    zh_server *s;
    zh_err e = zh_server_create(&cfg, &s);
    if (e != ZH_OK) {
        fprintf(stderr, "zhttp serve: %s\n", zh_strerror(e));
        return 1;
    }
    e = zh_server_listen(s, addr);
    if (e != ZH_OK) {
        fprintf(stderr, "zhttp serve: cannot listen on %s: %s\n", addr, zh_strerror(e));
        zh_server_destroy(s);
        return 1;
    }
    running = s;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);

    const char *colon = strrchr(addr, ':');
    fprintf(stderr, "zhttp serve: listening on %.*s:%u (%u worker%s)\n",
            colon ? (int)(colon - addr) : 0, addr, (unsigned)zh_server_port(s), cfg.workers,
            cfg.workers == 1 ? "" : "s");
    e = zh_server_run(s);
    running = NULL;
    zh_server_destroy(s);
    if (e != ZH_OK) {
        fprintf(stderr, "zhttp serve: %s\n", zh_strerror(e));
        return 1;
    }
    fprintf(stderr, "zhttp serve: stopped\n");
    return 0;
}
