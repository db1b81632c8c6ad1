/* cli/main.c — the fenpei program: dispatch to a command. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

static const struct command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
} commands[] = {
    {"check", cmd_check, "verify every identity of an allocation table"},
    {"realloc", cmd_realloc, "redistribute new totals in whole units, every identity exact"},
    {"allocate", cmd_allocate, "split an amount by weighted factors (因素法), optionally into a table"},
    {"compare", cmd_compare, "two tables of the same tree side by side: change, % change, ranks"},
    {"apportion", cmd_apportion, "split whole seats/units among weights (classical methods)"},
    {"convert", cmd_convert, "write a table (XLSX, notice text, CSV) as the canonical CSV"},
    {"notice", cmd_notice, "write the notice attachment as a print-ready XLSX workbook"},
    {"package", cmd_package, "write the whole 下达 package: letter, 附件1, 附件3, 对下分解"},
};

static void usage(FILE *out)
{
    fputs("usage: fenpei COMMAND [OPTIONS] FILE\n\n"
          "fenpei loads, verifies and reallocates transfer-payment allocation tables (分配表)\n"
          "exactly. Commands:\n",
          out);
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
    fputs("\n'fenpei COMMAND --help' describes a command; 'man fenpei' (docs/fenpei.1) all.\n"
          "Exit status: 0 every identity holds, 1 findings, 2 bad input or command line.\n",
          out);
}

int main(int argc, char **argv)
{
    if (argc < 2)
        return usage(stderr), EXIT_USAGE;
    const char *cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0)
        return usage(stdout), EXIT_CLEAN;
    if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "-V") == 0) {
        printf("fenpei %s\n", fp_version());
        return EXIT_CLEAN;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(cmd, commands[i].name) == 0)
            return commands[i].run(argc - 1, argv + 1);
    return cli_fail("unknown command '%s'; try 'fenpei --help'", cmd);
}
