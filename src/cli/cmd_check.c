/* cli/cmd_check.c — fenpei check: load a table and report every identity that fails. */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"

static const char usage_text[] =
    "usage: fenpei check [OPTIONS] TABLE\n"
    "\n"
    "Load an allocation table (CSV/TSV, UTF-8 or GB18030) and verify exactly that every parent\n"
    "equals the sum of its rows in every amount column (column-sum), that each row's year total\n"
    "equals the sum of its categories (category-split) and equals 已提前下达 + 此次下达\n"
    "(advance-batch), plus any --rule.\n"
    "\n"
    "Options:\n"
    "  --rule \"A = B + C\"   also check this linear identity on every row (repeatable)\n"
    "  --tolerance AMOUNT  let differences up to AMOUNT pass as rounding-residue warnings\n"
    "  --format text|json  report format (default: text)\n"
    "  --lang zh|en        language of the text report (default: zh)\n"
    "  --xlsx FILE         also write the audit workbook: the table with the cells of every\n"
    "                      failing identity filled and commented, and a sheet 问题清单\n"
    "  --force             replace FILE if it exists\n" CLI_LOAD_HELP
    "  -h, --help          show this help\n"
    "\n"
    "Exit status: 0 every identity holds (warnings allowed), 1 errors found, 2 the table could\n"
    "not be read or the command line is wrong.\n";

enum { OPT_RULE = CLI_OPT_FIRST_FREE, OPT_TOLERANCE, OPT_FORMAT, OPT_LANG, OPT_XLSX, OPT_FORCE };

typedef struct audit_job {
    const fp_table *t;
    const fp_report *report;
    const fp_check_options *co;
} audit_job;

static int write_audit(const char *tmp_path, void *p)
{
    audit_job *j = p;
    fp_diag d;
    return fp_xlsx_write_audit(j->t, j->report, j->co, tmp_path, &d) == FP_OK ? 0
                                                                               : cli_fail_diag(&d);
}

static int same_file(const char *a, const char *b)
{
    struct stat sa, sb;
    return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
           sa.st_ino == sb.st_ino;
}

int cmd_check(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"rule", required_argument, NULL, OPT_RULE},
        {"tolerance", required_argument, NULL, OPT_TOLERANCE},
        {"format", required_argument, NULL, OPT_FORMAT},
        {"lang", required_argument, NULL, OPT_LANG},
        {"xlsx", required_argument, NULL, OPT_XLSX},
        {"force", no_argument, NULL, OPT_FORCE},
        {"help", no_argument, NULL, 'h'},
        CLI_LOAD_LONG_OPTIONS,
        {NULL, 0, NULL, 0},
    };
    cli_load L = {0};
    fp_load_options_init(&L.o);
    fp_check_options co;
    fp_check_options_init(&co);
    const char *rules_text[64];
    size_t nrules = 0;
    int json = 0, force = 0, rc = EXIT_USAGE;
    const char *xlsx = NULL;
    fp_lang lang = FP_LANG_ZH;
    fp_table *t = NULL;
    fp_report *report = NULL;
    fp_rule *rules[64] = {0};

    optind = 0; /* GNU getopt: start afresh on this argv */
    int opt;
    while ((opt = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        int handled = cli_load_option(&L, opt, optarg);
        if (handled < 0)
            goto done;
        if (handled)
            continue;
        switch (opt) {
        case 'h':
            fputs(usage_text, stdout);
            rc = EXIT_CLEAN;
            goto done;
        case OPT_RULE:
            if (nrules == sizeof rules_text / sizeof rules_text[0]) {
                cli_fail("--rule: at most 64 rules");
                goto done;
            }
            rules_text[nrules++] = optarg;
            break;
        case OPT_TOLERANCE:
            if (cli_amount("--tolerance", optarg, &co.tolerance))
                goto done;
            if (co.tolerance < 0) {
                cli_fail("--tolerance: must not be negative");
                goto done;
            }
            break;
        case OPT_FORMAT:
            if (strcmp(optarg, "json") == 0)
                json = 1;
            else if (strcmp(optarg, "text") == 0)
                json = 0;
            else {
                cli_fail("--format: expected text or json, not \"%s\"", optarg);
                goto done;
            }
            break;
        case OPT_LANG:
            if (strcmp(optarg, "en") == 0)
                lang = FP_LANG_EN;
            else if (strcmp(optarg, "zh") == 0)
                lang = FP_LANG_ZH;
            else {
                cli_fail("--lang: expected zh or en, not \"%s\"", optarg);
                goto done;
            }
            break;
        case OPT_XLSX:
            xlsx = optarg;
            break;
        case OPT_FORCE:
            force = 1;
            break;
        default:
            fputs("try 'fenpei check --help'\n", stderr);
            goto done;
        }
    }
    if (optind != argc - 1) {
        cli_fail(optind >= argc ? "check: no table given; try 'fenpei check --help'"
                                : "check: give exactly one table");
        goto done;
    }
    if (xlsx && same_file(argv[optind], xlsx)) {
        cli_fail("check: --xlsx would replace the input %s; choose another file", argv[optind]);
        goto done;
    }
    if ((rc = cli_load_table(&L, argv[optind], &t)) != 0)
        goto done;
    rc = EXIT_USAGE;
    fp_diag d;
    for (size_t i = 0; i < nrules; i++)
        if (fp_rule_parse(t, rules_text[i], &rules[i], &d) != FP_OK) {
            cli_fail_diag(&d);
            goto done;
        }
    co.custom = (const fp_rule *const *)rules;
    co.custom_count = nrules;
    if (fp_check(t, &co, &report, &d) != FP_OK) {
        cli_fail_diag(&d);
        goto done;
    }
    fp_error e = json ? fp_report_write_json(report, t, &co, stdout)
                      : fp_report_write_text(report, t, &co, lang, stdout);
    if (e != FP_OK || fflush(stdout) != 0) {
        cli_fail("cannot write the report");
        goto done;
    }
    if (xlsx) {
        audit_job job = {t, report, &co};
        if (cli_write_path(xlsx, force, write_audit, &job))
            goto done;
    }
    rc = fp_report_errors(report) ? EXIT_FINDINGS : EXIT_CLEAN;
done:
    for (size_t i = 0; i < nrules; i++)
        fp_rule_free(rules[i]);
    fp_report_free(report);
    fp_table_free(t);
    cli_load_free(&L);
    return rc;
}
