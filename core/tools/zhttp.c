/* zhttp: the command-line program. Dispatches to a subcommand. */
#include <stdio.h>
#include <string.h>

#include "cli.h"

static void usage(FILE *f)
{
    fputs("usage: zhttp serve [--addr HOST:PORT] [--workers N] [--handler hello|echo]\n"
          "       zhttp get URL [-X METHOD] [-H 'Name: value']... [-d BODY] [--timeout SECONDS] [-i]\n",
          f);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    if (strcmp(argv[1], "serve") == 0)
        return zh_cli_serve(argc - 1, argv + 1);
    if (strcmp(argv[1], "get") == 0) {
#ifdef ZH_CLI_HAVE_GET
        return zh_cli_get(argc - 1, argv + 1);
#else
        fputs("zhttp: 'get' is not part of this build\n", stderr);
        return 2;
#endif
    }
    if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "help") == 0) {
        usage(stdout);
        return 0;
    }
    fprintf(stderr, "zhttp: unknown command '%s'\n", argv[1]);
    usage(stderr);
    return 2;
}
