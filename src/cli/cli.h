/* cli/cli.h — the fenpei program's commands and shared helpers (not part of the library). */
#ifndef FENPEI_CLI_H
#define FENPEI_CLI_H

#include <getopt.h>
#include <stdio.h>

#include "fenpei/fenpei.h"

/* Exit statuses: 0 all identities hold, 1 findings (errors), 2 bad input or command line. */
enum { EXIT_CLEAN = 0, EXIT_FINDINGS = 1, EXIT_USAGE = 2 };

/* Each command takes argv with argv[0] = the command's name and returns the exit status. */
int cmd_check(int argc, char **argv);
int cmd_apportion(int argc, char **argv);
int cmd_realloc(int argc, char **argv);
int cmd_notice(int argc, char **argv);
int cmd_convert(int argc, char **argv);
int cmd_serve(int argc, char **argv);

/* The web server's entry (defined by the serve front end, src/serve/serve.c, which the program
 * links; declared here so that cli/ includes no header of another front end): listen on
 * HOST:PORT (PORT 0: any free port) and serve until SIGTERM or SIGINT. Returns the exit
 * status: 0 after a clean stop, 2 when it could not listen. */
int serve_main(const char *host, unsigned port, size_t max_upload, size_t max_rows,
               unsigned threads, unsigned timeout, unsigned request_limit);

int cmd_package(int argc, char **argv);
int cmd_allocate(int argc, char **argv);
int cmd_compare(int argc, char **argv);

/* Help in the users' language (cli/help_zh.c): 1 when ARGV asks for English (--lang en) or, without
 * --lang, the locale variables name an English one (LC_ALL, LC_MESSAGES, LANG = en…); Chinese
 * otherwise. */
int cli_lang_english(int argc, char **argv);
/* COMMAND's help text (or its one-line summary) in Chinese, or ENGLISH when EN is set or no
 * Chinese text exists. */
const char *cli_help_text(const char *command, const char *english, int en);
const char *cli_help_summary(const char *command, const char *english, int en);
int cmd_targets(int argc, char **argv);
/* check on performance tables (cli/cmd_perf.c), chosen by cli_check_is_performance. */
int cmd_check_perf(int argc, char **argv);
int cli_check_is_performance(int argc, char **argv);

/* "fenpei: MESSAGE" on stderr; returns EXIT_USAGE. */
int cli_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Print a library diagnostic as "fenpei: FILE:LINE: column C: «text»: message"; EXIT_USAGE. */
int cli_fail_diag(const fp_diag *diag);
/* 1 when paths A and B name the same file: the same existing file, or the same name in the
 * same folder for files not yet there. */
int cli_same_file(const char *a, const char *b);
/* Parse an amount given on the command line (OPTION names it in the message). 0 or -1. */
int cli_amount(const char *option, const char *text, fp_amount *out);
/* cli_amount for an amount that must be above 0 (a --unit). 0 or -1. */
int cli_positive_amount(const char *option, const char *text, fp_amount *out);
/* A whole number ≥ 0 (digits only, fits int64) into *OUT; 0, or -1 after a message. */
int cli_count(const char *option, const char *text, int64_t *out);
/* An output written to a temporary file in its target's folder, not yet in place. Several
 * outputs of one command are staged first and published together, so that a failure leaves
 * every target as it was. */
typedef struct cli_staged {
    char *tmp;        /* the temporary file, or NULL */
    const char *path; /* the target */
    int force;        /* may replace an existing target */
} cli_staged;

/* Refuse PATH when it is an input of the run, not a regular file, or exists without FORCE; then
 * let WRITE fill a temporary file next to it (WRITE returns 0 on success; messages it prints
 * name PATH, not the temporary file) and flush it to the disk. The file gets the mode the umask
 * gives a new file, or the mode of the file it replaces. 0, or EXIT_USAGE after printing why
 * (nothing left behind, also when SIGINT, SIGTERM or SIGHUP ends the run). */
int cli_stage(cli_staged *st, const char *path, int force,
              int (*write)(const char *tmp_path, void *ctx), void *ctx);
/* cli_stage for a writer of a stream. */
int cli_stage_stream(cli_staged *st, const char *path, int force,
                     int (*write)(FILE *out, void *ctx), void *ctx);
/* Put the N staged outputs in place (rename, or link when not forced, which never replaces).
 * 0, or EXIT_USAGE after printing why; the temporary files are gone either way. */
int cli_publish(cli_staged *st, size_t n);
/* Remove the temporary files of N staged outputs. */
void cli_discard(cli_staged *st, size_t n);
/* Note PATH as an input of this run: no output may replace it (cli_load_table notes its
 * table). */
void cli_note_input(const char *path);
/* Send stderr to /dev/null while a library that prints its own messages (libxlsxwriter) runs;
 * cli_loud(the result) restores it. */
int cli_quiet(void);
void cli_loud(int saved);
/* Stage and publish one output. */
int cli_write_file(const char *path, int force, int (*write)(FILE *out, void *ctx), void *ctx);
int cli_write_path(const char *path, int force, int (*write)(const char *tmp_path, void *ctx),
                   void *ctx);

/* Options every command that reads a table shares (long options only). */
enum {
    CLI_OPT_DELIMITER = 0x100,
    CLI_OPT_ENCODING,
    CLI_OPT_NAME,
    CLI_OPT_TOTAL,
    CLI_OPT_ADVANCE,
    CLI_OPT_BATCH,
    CLI_OPT_CATEGORIES,
    CLI_OPT_SHEET,
    CLI_OPT_LAYOUT,
    CLI_OPT_TO_UNIT,
    CLI_OPT_TABLE,
    CLI_OPT_FORCE,     /* --force: cli_load.force */
    CLI_OPT_EXIT,      /* cli_next_option: stop, with the exit status it set */
    CLI_OPT_FIRST_FREE /* commands number their own options from here */
};
#define CLI_LOAD_LONG_OPTIONS                                                                   \
    {"delimiter", required_argument, NULL, CLI_OPT_DELIMITER},                                  \
        {"encoding", required_argument, NULL, CLI_OPT_ENCODING},                                \
        {"name", required_argument, NULL, CLI_OPT_NAME},                                        \
        {"total", required_argument, NULL, CLI_OPT_TOTAL},                                      \
        {"advance", required_argument, NULL, CLI_OPT_ADVANCE},                                  \
        {"batch", required_argument, NULL, CLI_OPT_BATCH},                                      \
        {"categories", required_argument, NULL, CLI_OPT_CATEGORIES},                            \
        {"sheet", required_argument, NULL, CLI_OPT_SHEET},                                      \
        {"layout", required_argument, NULL, CLI_OPT_LAYOUT},                                    \
        {"to-unit", required_argument, NULL, CLI_OPT_TO_UNIT},                                  \
        {"table", required_argument, NULL, CLI_OPT_TABLE}
#define CLI_LOAD_HELP                                                                           \
    "  --delimiter C       cell separator: ',', ';', '|' or 'tab' (default: detected)\n"        \
    "  --encoding ENC      UTF-8, GB18030, GBK, UTF-16 … (default: detected)\n"                \
    "  --name COL          the column of unit names (default: 单位, 拨款单位, … or the first)\n" \
    "  --total COL         the year-total column (default: 全年应拨付资金合计, 合计, 总额 …)\n"   \
    "  --advance COL       the 已提前下达 column\n"                                             \
    "  --batch COL         the 此次下达 column\n"                                               \
    "  --categories A,B,…  the category columns (default: between the name and the total)\n"  \
    "  --sheet NAME|N      the worksheet of an XLSX file (default: the first with a table)\n"   \
    "  --layout L          auto (default), canonical (级次/上级 column) or notice (as printed)\n" \
    "  --to-unit U         convert amounts to 元, 万元 or 亿元\n"                               \
    "  --table N           a PDF or its text: read its N-th table (default: the largest whose\n" \
    "                      rows add up as a tree)\n"

/* The end of the long options of a command that reads a table with cli_next_option: --force,
 * --help, the load options and the terminating entry. */
#define CLI_SHARED_LONG_OPTIONS                                                                 \
    {"force", no_argument, NULL, CLI_OPT_FORCE}, {"help", no_argument, NULL, 'h'},             \
        CLI_LOAD_LONG_OPTIONS, {NULL, 0, NULL, 0}

typedef struct cli_load {
    fp_load_options o;
    const char *output; /* -o, --output FILE (or DIR) of a command that takes one */
    int force;          /* --force: an output may replace an existing file */
    const char *cats[256];
    size_t ncats;
    char *bufs[16];
    size_t nbufs;
} cli_load;

/* ARG as one of the NULL-terminated NAMES (the values OPTION takes): its index, or -1 after
 * printing "OPTION: expected A, B or C, not "ARG"". */
int cli_choice(const char *option, const char *arg, const char *const *names);
/* --format text|json: *JSON 0 or 1. 0, or -1 after a message. */
int cli_format_option(const char *arg, int *json);
/* --lang zh|en into *LANG. 0, or -1 after a message. */
int cli_lang_option(const char *arg, fp_lang *lang);
/* ARG as a whole number from 1 to MAX (digits only) into *OUT. 0, or -1 without a message (the
 * caller says what it expected). */
int cli_number(const char *arg, unsigned long max, unsigned long *out);
/* Handle a shared option (the load options, -o and --force): 1 handled, 0 not one of them, -1 bad (message printed). */
int cli_load_option(cli_load *L, int opt, const char *arg);
/* The next option of a command that reads a table (call with optind = 0 first): the shared
 * load options, -o, --force and -h/--help are handled here, an unknown option is reported.
 * Returns the option for the command, -1 after the last, or CLI_OPT_EXIT when the command should
 * stop with *RC (EXIT_CLEAN after the help, EXIT_USAGE after a message). */
int cli_next_option(int argc, char **argv, const char *shortopts, const struct option *longopts,
                    cli_load *L, const char *usage, int *rc);
/* After the options: 0 when exactly one operand (the table) is left, else EXIT_USAGE after a
 * message naming the command (argv[0]). */
int cli_one_table(int argc, char **argv);
/* Write S as one CSV cell, quoted only when it must be. */
void cli_csv_cell(FILE *out, const char *s);
/* Load PATH with the options gathered; 0, or EXIT_USAGE after printing the diagnostic. */
int cli_load_table(cli_load *L, const char *path, fp_table **out);
void cli_load_free(cli_load *L);

/* check beyond one table (check_more.c). 1 when PATH is a folder. */
int cli_is_dir(const char *path);
/* Compare the letter LETTER with T into *OUT; 0, or EXIT_USAGE after printing why. */
int cli_letter_load(const fp_table *t, const char *letter, fp_letter_report **out);
/* Check every table among the N OPERANDS (files, or folders: their .csv/.tsv/.txt/.xlsx files)
 * and print one summary; --xlsx XLSX writes a summary workbook linking to an audit workbook per
 * table. A file that cannot be read is reported and the others go on. Returns the worst exit
 * status: 2 a file could not be read, 1 errors, 0 clean. */
int cli_check_many(int n, char **operands, cli_load *L, fp_check_options *co,
                   const char *const *rules_text, size_t nrules, int json, fp_lang lang,
                   const char *xlsx, int force);

#endif
