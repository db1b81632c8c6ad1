/* cli/cmd_notice.c — fenpei notice: the attachment of a 下达 notice as a print-ready workbook. */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"

static const char usage_text[] =
    "usage: fenpei notice TABLE -o 分配表.xlsx [OPTIONS]\n"
    "\n"
    "Write an allocation table as the attachment of a 下达 notice: merged title, 单位 line,\n"
    "header wrapped in balanced lines, names indented by level, bold subtotals, SUM formulas\n"
    "(with their values already computed) on every subtotal, year-total and 此次下达 cell, rows\n"
    "that fold by level, frozen header, A4 landscape one page wide with the header on every\n"
    "page, \"第 N 页 共 M 页\", and page breaks that keep each 地州 with its counties. Zeros\n"
    "print as 0 except in the category columns of unit rows. The table must add up: 'fenpei\n"
    "check' lists what does not.\n"
    "\n"
    "Options:\n"
    "  -o, --output FILE   the workbook to write (.xlsx)\n"
    "  --title TEXT        the title line (default: the table's, else 分配表)\n"
    "  --unit TEXT         the unit after 单位： (default: the table's, else no unit line)\n"
    "  --attachment TEXT   a line above the title, such as 附件1\n"
    "  --thousands         thousands separators in amounts (default when the unit is 元)\n"
    "  --no-thousands      no thousands separators\n"
    "  --sheet NAME        the worksheet's name (default: 分配表)\n"
    "  --force             replace FILE if it exists\n" CLI_LOAD_HELP
    "  -h, --help          show this help\n"
    "\n"
    "Exit status: 0 written, 1 the table does not add up (nothing written), 2 bad input or\n"
    "command line, or FILE exists without --force.\n";

enum {
    OPT_TITLE = CLI_OPT_FIRST_FREE,
    OPT_UNIT,
    OPT_SHEET,
    OPT_ATTACHMENT,
    OPT_THOUSANDS,
    OPT_NO_THOUSANDS
};

typedef struct notice_job {
    const fp_table *t;
    const fp_notice_options *o;
} notice_job;

static int write_notice(const char *tmp_path, void *p)
{
    notice_job *j = p;
    fp_diag d;
    int quiet = cli_quiet(); /* libxlsxwriter's own messages would name the temporary file */
    fp_error e = fp_xlsx_write_notice(j->t, j->o, tmp_path, &d);
    cli_loud(quiet);
    return e == FP_OK ? 0 : cli_fail_diag(&d);
}

int cmd_notice(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"output", required_argument, NULL, 'o'},
        {"title", required_argument, NULL, OPT_TITLE},
        {"unit", required_argument, NULL, OPT_UNIT},
        {"sheet", required_argument, NULL, OPT_SHEET},
        {"attachment", required_argument, NULL, OPT_ATTACHMENT},
        {"thousands", no_argument, NULL, OPT_THOUSANDS},
        {"no-thousands", no_argument, NULL, OPT_NO_THOUSANDS},
        CLI_SHARED_LONG_OPTIONS,
    };
    cli_load L = {0};
    fp_load_options_init(&L.o);
    fp_notice_options no;
    fp_notice_options_init(&no);
    int rc = EXIT_USAGE;
    fp_table *t = NULL;
    fp_report *report = NULL;

    optind = 0; /* GNU getopt: start afresh on this argv */
    int opt;
    while ((opt = cli_next_option(argc, argv, "ho:", longopts, &L, usage_text, &rc)) != -1) {
        switch (opt) {
        case CLI_OPT_EXIT:
            goto done;
        case OPT_TITLE:
            no.title = optarg;
            break;
        case OPT_UNIT:
            no.unit = optarg;
            break;
        case OPT_SHEET:
            no.sheet = optarg;
            break;
        case OPT_ATTACHMENT:
            no.attachment = optarg;
            break;
        case OPT_THOUSANDS:
        case OPT_NO_THOUSANDS:
            no.thousands = opt == OPT_THOUSANDS;
            break;
        default: /* an option in longopts with no case: a bug */
            cli_fail("notice: option %d not handled", opt);
            goto done;
        }
    }
    if (cli_one_table(argc, argv))
        goto done;
    if (!L.output) {
        cli_fail("notice: give the workbook's file with -o 分配表.xlsx");
        goto done;
    }
    const char *input = argv[optind];
    if (cli_same_file(input, L.output)) {
        cli_fail("notice: the output would replace the input %s; choose another file", input);
        goto done;
    }
    if ((rc = cli_load_table(&L, input, &t)) != 0)
        goto done;
    rc = EXIT_USAGE;
    /* A notice that does not add up must not go out: say so as check would (exit 1). */
    fp_check_options co;
    fp_check_options_init(&co);
    co.rules = FP_CHECK_COLUMN_SUM | FP_CHECK_CATEGORY_SPLIT | FP_CHECK_ADVANCE_BATCH;
    fp_diag d;
    if (fp_check(t, &co, &report, &d) != FP_OK) {
        cli_fail_diag(&d);
        goto done;
    }
    if (fp_report_errors(report)) {
        cli_fail("notice: %s does not add up (%zu errors); 'fenpei check %s' lists them", input,
                 fp_report_errors(report), input);
        rc = EXIT_FINDINGS;
        goto done;
    }
    notice_job job = {t, &no};
    if (cli_write_path(L.output, L.force, write_notice, &job))
        goto done;
    printf("已写入 %s（%zu 行）\n", L.output, fp_table_row_count(t));
    rc = EXIT_CLEAN;
done:
    fp_report_free(report);
    fp_table_free(t);
    cli_load_free(&L);
    return rc;
}
