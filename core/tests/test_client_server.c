/* The zhttp client against the zhttp server: over in-memory pipes in one thread
 * (the pipe's pump hook runs the server's loop) and over loopback TCP with the
 * server on its own threads. Includes the zero-allocation assertion for
 * client GETs on a keep-alive connection over pipes, and the pool bound
 * (max_conns_per_host) under concurrent callers. */
#include <check.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "zhttp/alloc.h"
#include "zhttp/client.h"
#include "zhttp/conn.h"
#include "zhttp/msg.h"
#include "zhttp/server.h"

/* ================================================================ pipes */

#define PIPES 4

typedef struct mem {
    zh_server *server;
    zh_pipe_pair pipes[PIPES];
    bool used[PIPES];
    int dials;
} mem;

static bool mem_pump(void *ud)
{
    return zh_server_pump(ud, 0) > 0;
}

static zh_err mem_dial(void *ud, const char *host, uint16_t port, int timeout_ms, zh_conn **out)
{
    mem *m = ud;
    for (size_t i = 0; i < PIPES; i++) {
        if (m->used[i] && !zh_pipe_end_closed(&m->pipes[i], 1))
            continue; /* the server still serves this one */
        zh_pipe_pair_reset(&m->pipes[i]);
        zh_err e = zh_server_serve_conn(m->server, zh_pipe_conn(&m->pipes[i], 1));
        if (e != ZH_OK)
            return e;
        m->used[i] = true;
        m->dials++;
        *out = zh_pipe_conn(&m->pipes[i], 0);
        return ZH_OK;
    }
    return ZH_E_CONNECT;
}

/* Closes the connection after the response when the request asks for it with
 * the field "X-Close". */
static void close_on_demand(zh_ctx *ctx)
{
    const zh_request *req = zh_ctx_request(ctx);
    zh_echo_handler(ctx);
    if (zh_headers_has(zh_request_headers_const(req), ZH_SLICE_LIT("X-Close")))
        zh_ctx_close_after(ctx);
}

static void mem_setup(mem *m, zh_handler handler)
{
    memset(m, 0, sizeof *m);
    zh_server_config scfg;
    zh_server_config_init(&scfg);
    scfg.handler = handler;
    ck_assert_int_eq(zh_server_create(&scfg, &m->server), ZH_OK);
    for (size_t i = 0; i < PIPES; i++) {
        ck_assert_int_eq(zh_pipe_pair_init(&m->pipes[i], 16384), ZH_OK);
        zh_pipe_pair_set_pump(&m->pipes[i], mem_pump, m->server);
    }
}

static zh_client *mem_client(mem *m, zh_client_config *cfg)
{
    zh_client_config def = zh_client_config_default();
    if (!cfg)
        cfg = &def;
    zh_client_dialer d = {mem_dial, NULL, m};
    cfg->dialer = &d;
    zh_client *c = NULL;
    ck_assert_int_eq(zh_client_create(cfg, &c), ZH_OK);
    return c;
}

static void mem_teardown(mem *m, zh_client *c)
{
    zh_client_destroy(c);
    zh_server_destroy(m->server);
    for (size_t i = 0; i < PIPES; i++)
        zh_pipe_pair_dispose(&m->pipes[i]);
}

static bool body_has(const zh_response *resp, const char *s)
{
    zh_slice b = zh_response_body(resp);
    return memmem(b.ptr, b.len, s, strlen(s)) != NULL;
}

START_TEST(pipes_get_and_post)
{
    mem m;
    mem_setup(&m, zh_echo_handler);
    zh_client *c = mem_client(&m, NULL);
    zh_request req;
    zh_response resp;
    zh_request_init(&req);
    zh_response_init(&resp);
    ck_assert_int_eq(zh_client_get(c, ZH_SLICE_LIT("http://mem.test/a?b=c"), &req, &resp), ZH_OK);
    ck_assert_int_eq(zh_response_status(&resp), 200);
    ck_assert(body_has(&resp, "method: GET"));
    ck_assert(body_has(&resp, "target: /a?b=c"));
    ck_assert(body_has(&resp, "Host: mem.test"));
    ck_assert(body_has(&resp, "User-Agent: zhttp/0.1"));

    zh_request_reset(&req);
    ck_assert_int_eq(zh_request_set_method(&req, ZH_SLICE_LIT("POST")), ZH_OK);
    ck_assert_int_eq(zh_request_set_body(&req, "payload-123", 11), ZH_OK);
    ck_assert_int_eq(zh_client_do_url(c, ZH_SLICE_LIT("http://mem.test/post"), &req, &resp), ZH_OK);
    ck_assert(body_has(&resp, "method: POST"));
    ck_assert(body_has(&resp, "payload-123"));
    ck_assert_int_eq(zh_response_content_length(&resp), (int64_t)zh_response_body(&resp).len);

    zh_request_reset(&req);
    ck_assert_int_eq(zh_request_set_method(&req, ZH_SLICE_LIT("HEAD")), ZH_OK);
    ck_assert_int_eq(zh_client_do_url(c, ZH_SLICE_LIT("http://mem.test/h"), &req, &resp), ZH_OK);
    ck_assert_int_eq(zh_response_status(&resp), 200);
    ck_assert_uint_eq(zh_response_body(&resp).len, 0);

    /* Everything went over one kept-alive connection. */
    ck_assert_int_eq(m.dials, 1);
    ck_assert_uint_eq(zh_client_get_stats(c).reuses, 2);
    zh_request_dispose(&req);
    zh_response_dispose(&resp);
    mem_teardown(&m, c);
}
END_TEST

START_TEST(pipes_server_closes)
{
    mem m;
    mem_setup(&m, close_on_demand);
    zh_client *c = mem_client(&m, NULL);
    zh_request req;
    zh_response resp;
    zh_request_init(&req);
    zh_response_init(&resp);
    ck_assert_int_eq(
        zh_headers_add(zh_request_headers(&req), ZH_SLICE_LIT("X-Close"), ZH_SLICE_LIT("1")),
        ZH_OK);
    ck_assert_int_eq(zh_client_do(c, "mem.test", 80, &req, &resp), ZH_OK);
    ck_assert_uint_eq(zh_client_idle_conns(c, "mem.test", 80), 0);
    ck_assert_int_eq(zh_client_get(c, ZH_SLICE_LIT("http://mem.test/"), &req, &resp), ZH_OK);
    ck_assert_int_eq(zh_client_get(c, ZH_SLICE_LIT("http://mem.test/"), &req, &resp), ZH_OK);
    ck_assert_int_eq(m.dials, 2);
    zh_request_dispose(&req);
    zh_response_dispose(&resp);
    mem_teardown(&m, c);
}
END_TEST

/* Server errors are responses: the client returns them as such (status 400,
 * Connection: close) and drops the connection. */
START_TEST(pipes_server_error_response)
{
    mem m;
    mem_setup(&m, zh_echo_handler);
    zh_client *c = mem_client(&m, NULL);
    zh_request req;
    zh_response resp;
    zh_request_init(&req);
    zh_response_init(&resp);
    /* Two Host fields: the server answers 400 (RFC 9112 §3.2). */
    ck_assert_int_eq(
        zh_headers_add(zh_request_headers(&req), ZH_SLICE_LIT("Host"), ZH_SLICE_LIT("a")), ZH_OK);
    ck_assert_int_eq(
        zh_headers_add(zh_request_headers(&req), ZH_SLICE_LIT("Host"), ZH_SLICE_LIT("b")), ZH_OK);
    ck_assert_int_eq(zh_client_do(c, "mem.test", 80, &req, &resp), ZH_OK);
    ck_assert_int_eq(zh_response_status(&resp), 400);
    ck_assert_uint_eq(zh_client_idle_conns(c, "mem.test", 80), 0);
    zh_request_dispose(&req);
    zh_response_dispose(&resp);
    mem_teardown(&m, c);
}
END_TEST

/* Issue 3: 0 allocations per client GET with keep-alive over pipes, after
 * warm-up, counting the client and the server (same thread). */
START_TEST(pipes_zero_alloc_keep_alive)
{
    /* Pool debug mode (ZHTTP_POOL_DEBUG=1 in sanitizer jobs) allocates on every
     * pool acquire by design; this test measures the recycling mode. */
    bool pool_debug = zh_pool_debug();
    zh_pool_debug_set(false);
    mem m;
    mem_setup(&m, zh_hello_handler);
    zh_client *c = mem_client(&m, NULL);
    zh_request req;
    zh_response resp;
    zh_request_init(&req);
    zh_response_init(&resp);
    zh_slice url = ZH_SLICE_LIT("http://mem.test/plaintext");
    for (int i = 0; i < 32; i++)
        ck_assert_int_eq(zh_client_get(c, url, &req, &resp), ZH_OK);
    zh_alloc_stats_reset();
    for (int i = 0; i < 2000; i++) {
        ck_assert_int_eq(zh_client_get(c, url, &req, &resp), ZH_OK);
        ck_assert(zh_slice_eq(zh_response_body(&resp), ZH_SLICE_LIT("Hello, World!")));
    }
    zh_alloc_stats st = zh_alloc_stats_get();
    ck_assert_msg(st.allocs == 0 && st.frees == 0, "%llu allocs, %llu frees in 2000 GETs",
                  (unsigned long long)st.allocs, (unsigned long long)st.frees);
    ck_assert_int_eq(m.dials, 1);
    zh_request_dispose(&req);
    zh_response_dispose(&resp);
    mem_teardown(&m, c);
    zh_pool_debug_set(pool_debug);
}
END_TEST

/* ================================================================ TCP */

typedef struct caller {
    zh_client *c;
    char url[96];
    int n;
    int ok;
    zh_err last;
} caller;

static void *caller_main(void *arg)
{
    caller *k = arg;
    zh_request req;
    zh_response resp;
    zh_request_init(&req);
    zh_response_init(&resp);
    for (int i = 0; i < k->n; i++) {
        zh_err e = zh_client_get(k->c, zh_slice_from_cstr(k->url), &req, &resp);
        if (e == ZH_OK && zh_slice_eq(zh_response_body(&resp), ZH_SLICE_LIT("Hello, World!")))
            k->ok++;
        else
            k->last = e;
    }
    zh_request_dispose(&req);
    zh_response_dispose(&resp);
    return NULL;
}

static zh_server *tcp_server(zh_handler h)
{
    zh_server_config scfg;
    zh_server_config_init(&scfg);
    scfg.handler = h;
    zh_server *s = NULL;
    ck_assert_int_eq(zh_server_create(&scfg, &s), ZH_OK);
    ck_assert_int_eq(zh_server_listen(s, "127.0.0.1:0"), ZH_OK);
    ck_assert_int_eq(zh_server_start(s), ZH_OK);
    return s;
}

START_TEST(tcp_get_keep_alive)
{
    zh_server *s = tcp_server(zh_echo_handler);
    zh_client *c = NULL;
    zh_client_config cfg = zh_client_config_default();
    cfg.timeout_ms = 5000;
    ck_assert_int_eq(zh_client_create(&cfg, &c), ZH_OK);
    char url[96];
    snprintf(url, sizeof url, "http://127.0.0.1:%u/x/y?z", (unsigned)zh_server_port(s));
    zh_request req;
    zh_response resp;
    zh_request_init(&req);
    zh_response_init(&resp);
    for (int i = 0; i < 20; i++) {
        ck_assert_int_eq(zh_client_get(c, zh_slice_from_cstr(url), &req, &resp), ZH_OK);
        ck_assert(body_has(&resp, "target: /x/y?z"));
    }
    ck_assert_uint_eq(zh_client_get_stats(c).dials, 1);
    ck_assert_uint_eq(zh_client_get_stats(c).reuses, 19);
    zh_server_stop(s);
    zh_server_wait(s);
    zh_server_destroy(s);
    /* The pooled connection is dead now: the next call fails cleanly (the retry
     * on a new connection is refused), no crash, no hang. */
    zh_err e = zh_client_get(c, zh_slice_from_cstr(url), &req, &resp);
    ck_assert_int_eq(e, ZH_E_CONNECT);
    zh_request_dispose(&req);
    zh_response_dispose(&resp);
    zh_client_destroy(c);
}
END_TEST

/* A bracketed IPv6 literal: resolved without its brackets, sent with them in
 * Host (RFC 9110 §7.2). Skipped when the machine has no IPv6 loopback. */
START_TEST(tcp_ipv6_literal)
{
    zh_server_config scfg;
    zh_server_config_init(&scfg);
    scfg.handler = zh_echo_handler;
    zh_server *s = NULL;
    ck_assert_int_eq(zh_server_create(&scfg, &s), ZH_OK);
    if (zh_server_listen(s, "[::1]:0") != ZH_OK) {
        zh_server_destroy(s);
        return;
    }
    ck_assert_int_eq(zh_server_start(s), ZH_OK);
    zh_client *c = NULL;
    ck_assert_int_eq(zh_client_create(NULL, &c), ZH_OK);
    char url[96], host[64];
    snprintf(url, sizeof url, "http://[::1]:%u/six", (unsigned)zh_server_port(s));
    snprintf(host, sizeof host, "Host: [::1]:%u", (unsigned)zh_server_port(s));
    zh_request req;
    zh_response resp;
    zh_request_init(&req);
    zh_response_init(&resp);
    ck_assert_int_eq(zh_client_get(c, zh_slice_from_cstr(url), &req, &resp), ZH_OK);
    ck_assert(body_has(&resp, "target: /six"));
    ck_assert(body_has(&resp, host));
    zh_request_dispose(&req);
    zh_response_dispose(&resp);
    zh_client_destroy(c);
    zh_server_stop(s);
    zh_server_wait(s);
    zh_server_destroy(s);
}
END_TEST

/* Eight threads share a client limited to 2 connections per host: every request
 * succeeds and no more than 2 connections are ever opened. */
START_TEST(tcp_max_conns_per_host)
{
    zh_server *s = tcp_server(zh_hello_handler);
    zh_client *c = NULL;
    zh_client_config cfg = zh_client_config_default();
    cfg.max_conns_per_host = 2;
    cfg.timeout_ms = 10000;
    ck_assert_int_eq(zh_client_create(&cfg, &c), ZH_OK);
    enum { THREADS = 8, EACH = 50 };
    caller k[THREADS];
    pthread_t th[THREADS];
    for (int i = 0; i < THREADS; i++) {
        memset(&k[i], 0, sizeof k[i]);
        k[i].c = c;
        k[i].n = EACH;
        snprintf(k[i].url, sizeof k[i].url, "http://127.0.0.1:%u/", (unsigned)zh_server_port(s));
        ck_assert_int_eq(pthread_create(&th[i], NULL, caller_main, &k[i]), 0);
    }
    for (int i = 0; i < THREADS; i++) {
        pthread_join(th[i], NULL);
        ck_assert_msg(k[i].ok == EACH, "thread %d: %d ok, last %s", i, k[i].ok,
                      zh_error_name(k[i].last));
    }
    zh_client_stats st = zh_client_get_stats(c);
    ck_assert_uint_le(st.dials, 2);
    ck_assert_uint_eq(st.requests, THREADS * EACH);
    ck_assert_uint_le(zh_client_idle_conns(c, "127.0.0.1", zh_server_port(s)), 2);
    zh_client_destroy(c);
    zh_server_stop(s);
    zh_server_wait(s);
    zh_server_destroy(s);
}
END_TEST

static Suite *client_server_suite(void)
{
    Suite *s = suite_create("client_server");
    TCase *p = tcase_create("pipes");
    tcase_add_test(p, pipes_get_and_post);
    tcase_add_test(p, pipes_server_closes);
    tcase_add_test(p, pipes_server_error_response);
    tcase_add_test(p, pipes_zero_alloc_keep_alive);
    suite_add_tcase(s, p);
    TCase *t = tcase_create("tcp");
    tcase_set_timeout(t, 60);
    tcase_add_test(t, tcp_get_keep_alive);
    tcase_add_test(t, tcp_max_conns_per_host);
    tcase_add_test(t, tcp_ipv6_literal);
    suite_add_tcase(s, t);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(client_server_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
