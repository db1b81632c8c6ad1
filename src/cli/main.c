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
    {"apportion", cmd_apportion, "split whole seats/units among weights (classical methods)"},
    {"convert", cmd_convert, "write a table (XLSX, notice text, CSV) as the canonical CSV"},
    {"notice", cmd_notice, "write the notice attachment as a print-ready XLSX workbook"},
    {"serve", cmd_serve, "a local web page and JSON API for people who use a browser"},
    {"package", cmd_package, "write the whole 下达 package: letter, 附件1, 附件3, 对下分解"},
    {"targets", cmd_targets, "write a target-table (绩效目标表) workbook per recipient"},
};

static void usage(FILE *out, int en)
{
    fputs(en ? "usage: fenpei COMMAND [OPTIONS] FILE\n\n"
               "fenpei loads, verifies and reallocates transfer-payment allocation tables (分配表)\n"
               "exactly. Commands:\n"
             : "用法：fenpei 命令 [选项] 文件\n\n"
               "fenpei 读入、核对并重新测算转移支付分配表，精确到最后一个单位。命令：\n",
          out);
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(out, "  %-10s %s\n", commands[i].name,
                cli_help_summary(commands[i].name, commands[i].summary, en));
    fputs(en ? "\n'fenpei COMMAND --help' describes a command; 'man fenpei' (docs/fenpei.1) all.\n"
               "Add --lang en (or set LANG=en…) for English; the default is Chinese.\n"
               "Exit status: 0 every identity holds, 1 findings, 2 bad input or command line.\n"
             : "\n'fenpei 命令 --help' 说明一个命令；'man fenpei'（docs/fenpei.1）说明全部。\n"
               "加 --lang en（或设 LANG=en…）显示英文。\n"
               "退出状态：0 各项关系全部成立，1 有发现，2 输入或命令行有误。\n",
          out);
}

int main(int argc, char **argv)
{
    int en = cli_lang_english(argc, argv);
    if (argc < 2)
        return usage(stderr, en), EXIT_USAGE;
    const char *cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0)
        return usage(stdout, en), EXIT_CLEAN;
    if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "-V") == 0) {
        printf("fenpei %s\n", fp_version());
        return EXIT_CLEAN;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(cmd, commands[i].name) == 0)
            return commands[i].run(argc - 1, argv + 1);
    return cli_fail("unknown command '%s'; try 'fenpei --help'", cmd);
}
