/* cli/cmd_realloc.c — fenpei realloc (placeholder until the engine lands). */
#include "cli/cli.h"

int cmd_realloc(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return cli_fail("realloc: not implemented yet");
}
