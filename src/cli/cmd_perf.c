/* cli/cmd_perf.c — fenpei check on performance tables (绩效目标表, 绩效自评表, 部门整体支出绩效
 * 目标表), and the cross-check of target tables against an allocation table (--targets). */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"

static const char usage_text[] =
    "usage: fenpei check [OPTIONS] PERFORMANCE_FILE…\n"
    "       fenpei check [OPTIONS] ALLOCATION --targets FILE…\n"
    "\n"
    "A file holding performance tables (Word .docx, XLSX or text; titles 项目支出绩效目标表,\n"
    "项目支出绩效自评表, 部门(单位)整体支出绩效目标表) is checked by the rules of each table:\n"
    "target tables (weights add up to 90, 年度预算总额 = 财政拨款 + 其他资金, every indicator has\n"
    "a value and a weight), self-evaluation tables (funding rows add up, 执行率 and the budget\n"
    "score as printed, 得分 ≤ 分值, the 总计 row) and department tables (总额 = 财政拨款 +\n"
    "其他资金, 合计 = Σ tasks). With --targets, every target table is matched to its recipient in\n"
    "the allocation table and its 年度预算总额 compared with the row's 全年应拨付资金合计.\n"
    "\n"
    "Options:\n"
    "  --targets FILE      cross-check the target tables of FILE (and of every further operand)\n"
    "                      against the allocation table\n"
    "  --format text|json  report format (default: text)\n"
    "  --lang zh|en        language of the text report (default: zh)\n"
    "  --xlsx FILE         also write the audit workbook: one sheet per table, the cells of\n"
    "                      every finding filled and commented, and a sheet 问题清单\n"
    "  --force             replace the --xlsx FILE if it exists\n"
    "  -h, --help          show this help\n"
    "\n"
    "Exit status: 0 no error (warnings allowed), 1 errors found, 2 a file could not be read or\n"
    "the command line is wrong.\n";

enum { OPT_FORMAT = CLI_OPT_FIRST_FREE, OPT_LANG, OPT_XLSX, OPT_FORCE, OPT_TARGETS };

/* 1 when the command line of check is about performance tables: --targets, or operands that
 * all hold them (a folder, or performance files beside allocation tables, are checked one by
 * one with one summary: cli/check_more.c). */
int cli_check_is_performance(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--targets") == 0 || strncmp(argv[i], "--targets=", 10) == 0)
            return 1;
        if (strcmp(argv[i], "--") == 0)
            break;
    }
    int perf = 0;
    for (int i = 1; i < argc; i++) {
        struct stat st;
        if (argv[i][0] == '-' || stat(argv[i], &st) != 0)
            continue;
        /* skip option values */
        if (i > 1 && argv[i - 1][0] == '-' && argv[i - 1][1] == '-' && !strchr(argv[i - 1], '=') &&
            strcmp(argv[i - 1], "--force") != 0 && strcmp(argv[i - 1], "--fix") != 0 &&
            strcmp(argv[i - 1], "--no-explain") != 0 && strcmp(argv[i - 1], "--explain") != 0)
            continue;
        if (!S_ISREG(st.st_mode) || !fp_perf_file_is_performance(argv[i]))
            return 0;
        perf = 1;
    }
    return perf;
}

typedef struct audit_job {
    const fp_perf_doc *doc;
    const fp_perf_report *report;
} audit_job;

static int write_audit(const char *tmp_path, void *p)
{
    audit_job *j = p;
    fp_diag d;
    return fp_perf_write_audit_xlsx(j->doc, j->report, tmp_path, &d) == FP_OK ? 0
                                                                               : cli_fail_diag(&d);
}

int cmd_check_perf(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"format", required_argument, NULL, OPT_FORMAT},
        {"lang", required_argument, NULL, OPT_LANG},
        {"xlsx", required_argument, NULL, OPT_XLSX},
        {"force", no_argument, NULL, OPT_FORCE},
        {"targets", required_argument, NULL, OPT_TARGETS},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int json = 0, force = 0, rc = EXIT_USAGE;
    fp_lang lang = FP_LANG_ZH;
    const char *xlsx = NULL;
    const char **targets = calloc((size_t)argc + 1, sizeof *targets);
    size_t ntargets = 0;
    fp_perf_doc *doc = fp_perf_doc_new();
    fp_perf_report *report = NULL;
    fp_table *alloc = NULL;
    if (!targets || !doc) {
        cli_fail("out of memory");
        goto done;
    }
    optind = 0;
    opterr = 0;
    int opt;
    while ((opt = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (opt) {
        case 'h':
            fputs(cli_help_text("check-performance", usage_text, cli_lang_english(argc, argv)),
                  stdout);
            rc = EXIT_CLEAN;
            goto done;
        case OPT_FORMAT:
            if (cli_format_option(optarg, &json))
                goto done;
            break;
        case OPT_LANG:
            if (cli_lang_option(optarg, &lang))
                goto done;
            break;
        case OPT_XLSX:
            xlsx = optarg;
            break;
        case OPT_FORCE:
            force = 1;
            break;
        case OPT_TARGETS:
            targets[ntargets++] = optarg;
            break;
        default:
            cli_fail("check: unknown or incomplete option %s for performance tables; try 'fenpei "
                     "check --help'",
                     argv[optind - 1]);
            goto done;
        }
    }
    if (optind >= argc) {
        cli_fail("check: no file given");
        goto done;
    }
    fp_diag d;
    const char *alloc_path = NULL;
    int first = optind;
    if (ntargets) {
        alloc_path = argv[optind];
        first = optind + 1;
        for (int i = first; i < argc; i++)
            targets[ntargets++] = argv[i];
    }
    size_t nfiles = ntargets ? ntargets : (size_t)(argc - first);
    for (size_t i = 0; i < nfiles; i++) {
        const char *path = ntargets ? targets[i] : argv[first + (int)i];
        if (xlsx && cli_same_file(path, xlsx)) {
            cli_fail("check: --xlsx would replace the input %s; choose another file", path);
            goto done;
        }
        if (fp_perf_doc_add_file(doc, path, &d) != FP_OK) {
            cli_fail_diag(&d);
            goto done;
        }
    }
    if (alloc_path) {
        if (fp_table_load_file(alloc_path, NULL, &alloc, &d) != FP_OK) {
            cli_fail_diag(&d);
            goto done;
        }
        if (fp_perf_cross_check(alloc, doc, &report, &d) != FP_OK) {
            cli_fail_diag(&d);
            goto done;
        }
    } else if (fp_perf_check(doc, &report, &d) != FP_OK) {
        cli_fail_diag(&d);
        goto done;
    }
    cli_staged st[1] = {{0}};
    size_t nst = 0;
    if (xlsx) {
        audit_job job = {doc, report};
        if (cli_stage(&st[nst++], xlsx, force, write_audit, &job))
            goto discard;
    }
    fp_error e = json ? fp_perf_report_write_json(report, doc, stdout)
                      : fp_perf_report_write_text(report, doc, lang, stdout);
    if (e != FP_OK || fflush(stdout) != 0) {
        cli_fail("cannot write the report");
        goto discard;
    }
    if (cli_publish(st, nst))
        goto done;
    rc = fp_perf_report_errors(report) ? EXIT_FINDINGS : EXIT_CLEAN;
    goto done;
discard:
    cli_discard(st, nst);
done:
    fp_perf_report_free(report);
    fp_perf_doc_free(doc);
    fp_table_free(alloc);
    free(targets);
    return rc;
}
