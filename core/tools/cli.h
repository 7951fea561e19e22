/* Internal to the zhttp command-line program: one entry point per subcommand. */
#ifndef ZH_TOOLS_CLI_H
#define ZH_TOOLS_CLI_H

/* zhttp serve [--addr HOST:PORT] [--workers N] [--handler hello|echo] */
int zh_cli_serve(int argc, char **argv);
/* zhttp get URL [-X METHOD] [-H 'Name: value']... [-d BODY] [--timeout SECONDS] [-i] */
int zh_cli_get(int argc, char **argv);

#endif
