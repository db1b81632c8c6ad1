/* stub until the notice command lands */
#include "cli/cli.h"
int cmd_notice(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return cli_fail("notice: not implemented yet");
}
