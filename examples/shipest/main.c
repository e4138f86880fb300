/* main.c — the shipest command: subcommand dispatch and top-level help.
 * See docs/cli.md and docs/shipest.1. */
#include "cli.h"

#include <string.h>

static const char main_help[] =
    "usage: shipest COMMAND [options] [arguments]\n"
    "\n"
    "Conflict-logistics estimation with honest uncertainty (libshipest).\n"
    "\n"
    "commands:\n"
    "  run FILE|-            run a model file (or standard input) and report\n"
    "  eval 'MODEL TEXT'     run model text given as the argument\n"
    "  convert 'QUANTITY' UNIT\n"
    "                        convert through the tables, with factors and sources\n"
    "  claim 'TEXT'          the distribution a hedged claim becomes, and why\n"
    "  table list [FILE]     list units, kinds, factors and their sources\n"
    "  table check FILE      validate a table file\n"
    "\n"
    "  shipest COMMAND --help   options of one command\n"
    "  shipest --version        versions of the command and the library\n"
    "\n"
    "example:\n"
    "  shipest eval 'rounds = 6,700 container -> round_152mm'\n"
    "\n"
    "exit status: 0 success, 1 model, table or claim error, 2 usage error.\n";

int main(int argc, char **argv)
{
    if (argc < 2)
        return cli_usage_error(NULL, "missing command (run, eval, convert, claim, table)");
    const char *cmd = argv[1];
    if (strcmp(cmd, "-h") == 0 || strcmp(cmd, "--help") == 0 || strcmp(cmd, "help") == 0) {
        fputs(main_help, stdout);
        return EXIT_OK;
    }
    if (strcmp(cmd, "--version") == 0) {
        printf("shipest %s (libshipest %s)\n", SHIPEST_VERSION_STRING, shipest_version_string());
        return EXIT_OK;
    }
    /* The command and the library it runs on must agree on the API. */
    if (shipest_version_number() / 100 != SHIPEST_VERSION_NUMBER / 100) {
        fprintf(stderr, "shipest: built for libshipest %s but running with %s\n",
                SHIPEST_VERSION_STRING, shipest_version_string());
        return EXIT_ERROR;
    }
    if (strcmp(cmd, "run") == 0)
        return cmd_run(argc, argv, 0);
    if (strcmp(cmd, "eval") == 0)
        return cmd_run(argc, argv, 1);
    if (strcmp(cmd, "convert") == 0)
        return cmd_convert(argc, argv);
    if (strcmp(cmd, "claim") == 0)
        return cmd_claim(argc, argv);
    if (strcmp(cmd, "table") == 0)
        return cmd_table(argc, argv);
    return cli_usage_error(NULL, "unknown command '%s' (run, eval, convert, claim, table)", cmd);
}
