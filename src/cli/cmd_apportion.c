/* stub until the apportion command lands */
#include "cli/cli.h"
int cmd_apportion(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return cli_fail("apportion: not implemented yet");
}
