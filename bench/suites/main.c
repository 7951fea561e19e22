/* bench/suites/main.c - zh_bench: every suite in one binary, so the peers and
 * zhttp are measured in the same run. */
#include "suites.h"

int main(int argc, char **argv)
{
    suite_parse_register();
#ifdef ZH_BENCH_HAVE_SERVER
    suite_server_register();
#endif
#ifdef ZH_BENCH_HAVE_CLIENT
    suite_client_register();
#endif
    return bench_main(argc, argv);
}
