/* cli/cmd_check.c — fenpei check: load a table and report every identity that fails. */
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

static const char usage_text[] =
    "usage: fenpei check [OPTIONS] TABLE\n"
    "       fenpei check [OPTIONS] TABLE --letter LETTER\n"
    "       fenpei check [OPTIONS] FILE|FOLDER…   (several tables: one summary)\n"
    "\n"
    "Load an allocation table (CSV/TSV, UTF-8 or GB18030) and verify exactly that every parent\n"
    "equals the sum of its rows in every amount column (column-sum), that each row's year total\n"
    "equals the sum of its categories (category-split) and equals 已提前下达 + 此次下达\n"
    "(advance-batch), plus any --rule.\n"
    "A file holding performance tables (绩效目标表, 绩效自评表, 部门整体支出绩效目标表) is checked\n"
    "by their rules instead; 'fenpei check ALLOCATION --targets FILE…' cross-checks target\n"
    "tables with the allocation ('fenpei check --targets - --help', docs/performance.md).\n"
    "\n"
    "Options:\n"
    "  --rule \"A = B + C\"   also check this linear identity on every row (repeatable)\n"
    "  --tolerance AMOUNT  let differences up to AMOUNT pass as rounding-residue warnings\n"
    "  --format text|json  report format (default: text)\n"
    "  --lang zh|en        language of the text report (default: zh)\n"
    "  --no-explain        do not look for the likely cause of each error (by default every\n"
    "                      error gets a line 可能原因/likely cause: typo, misplaced cell,\n"
    "                      missing or extra row, label shift, split row, rounding residue,\n"
    "                      wrong parent — or ambiguous)\n"
    "  --fix               write the table with every unambiguous suggestion applied to the\n"
    "                      file given by -o, list what changed, and check it again\n"
    "  -o, --output FILE   where --fix writes the fixed table (canonical CSV)\n"
    "  --xlsx FILE         also write the audit workbook: the table with the cells of every\n"
    "                      failing identity filled and commented, and a sheet 问题清单\n"
    "  --letter FILE       also compare every amount the notice's letter (.txt, .docx, .pdf)\n"
    "                      states with the table's figure it names: a different figure is\n"
    "                      an error, an amount naming no figure and equal to none a warning\n"
    "  --force             replace FILE (of -o or --xlsx) if it exists\n"
    "\n"
    "Several files, or a folder (its .csv, .tsv, .txt, .xlsx and .pdf files, and its .docx\n"
    "files of performance tables), are checked each and summarised one line per file (rows,\n"
    "errors, warnings; --format json: {files: […]}); a file of performance tables is checked\n"
    "by their rules, its line giving the number of tables instead of rows;\n"
    "--xlsx FILE then writes a summary workbook linking to an audit workbook per table.\n"
    "A file that cannot be read is reported and the others are still checked.\n"
    "\n" CLI_LOAD_HELP
    "  -h, --help          show this help\n"
    "\n"
    "Exit status: 0 every identity holds (warnings allowed), 1 errors found, 2 the table could\n"
    "not be read or the command line is wrong (several files: the worst of them). With --fix the status is that of the fixed\n"
    "table: 0 when every identity holds in it, 1 when errors remain.\n";

enum {
    OPT_RULE = CLI_OPT_FIRST_FREE,
    OPT_TOLERANCE,
    OPT_FORMAT,
    OPT_LANG,
    OPT_XLSX,
    OPT_EXPLAIN,
    OPT_NO_EXPLAIN,
    OPT_FIX,
    OPT_LETTER
};

typedef struct audit_job {
    const fp_table *t;
    const fp_report *report;
    const fp_check_options *co;
} audit_job;

static int write_audit(const char *tmp_path, void *p)
{
    audit_job *j = p;
    fp_diag d;
    int quiet = cli_quiet(); /* libxlsxwriter's own messages would name the temporary file */
    fp_error e = fp_xlsx_write_audit(j->t, j->report, j->co, tmp_path, &d);
    cli_loud(quiet);
    return e == FP_OK ? 0 : cli_fail_diag(&d);
}

static int write_fixed(FILE *out, void *p)
{
    fp_diag d;
    return fp_table_write_csv(p, out, -1, &d) == FP_OK ? 0 : cli_fail_diag(&d);
}

/* What --fix changed, one applied cause per line, and how the fixed table checks. */
static void list_fixes(FILE *out, const fp_causes *c, const fp_report *after, size_t applied,
                       const char *path, fp_lang lang)
{
    if (lang == FP_LANG_EN)
        fprintf(out, "fixed: %zu change%s written to %s:\n", applied, applied == 1 ? "" : "s",
                path);
    else
        fprintf(out, "修正：%zu 处修改，已写入 %s：\n", applied, path);
    for (size_t i = 0; i < fp_causes_count(c); i++) {
        const fp_cause *k = fp_causes_get(c, i);
        if (k->fixable)
            fprintf(out, "  - %s\n", lang == FP_LANG_EN ? k->text_en : k->text_zh);
    }
    for (size_t i = 0; i < fp_causes_count(c); i++) {
        const fp_cause *k = fp_causes_get(c, i);
        if (k->fixable ||
            (fp_cause_is_note(c, k) && (k->hold == FP_HOLD_NONE || k->hold == FP_HOLD_NOTE)))
            continue;
        fp_fix_hold hold = k->hold != FP_HOLD_NONE ? k->hold
                           : k->kind == FP_CAUSE_AMBIGUOUS ? FP_HOLD_AMBIGUOUS
                                                           : FP_HOLD_PARTIAL;
        const char *why_zh = fp_fix_hold_text(hold, 0), *why_en = fp_fix_hold_text(hold, 1);
        if (lang == FP_LANG_EN)
            fprintf(out, "  left alone (%s): %s\n", why_en, k->text_en);
        else
            fprintf(out, "  未修改（%s）：%s\n", why_zh, k->text_zh);
    }
    size_t errs = fp_report_errors(after);
    if (lang == FP_LANG_EN && errs == 0)
        fputs("the fixed table: every identity holds.\n", out);
    else if (lang == FP_LANG_EN)
        fprintf(out, "the fixed table still has %zu error%s (causes that are ambiguous or unknown "
                     "were left alone).\n", errs, errs == 1 ? "" : "s");
    else if (errs == 0)
        fputs("修正后的表：各项平衡关系全部成立。\n", out);
    else
        fprintf(out, "修正后的表仍有 %zu 个错误（原因不唯一或不明的未作修改）。\n", errs);
}

int cmd_check(int argc, char **argv)
{
    if (cli_check_is_performance(argc, argv)) /* 绩效目标表, 绩效自评表: cli/cmd_perf.c */
        return cmd_check_perf(argc, argv);
    static const struct option longopts[] = {
        {"rule", required_argument, NULL, OPT_RULE},
        {"tolerance", required_argument, NULL, OPT_TOLERANCE},
        {"format", required_argument, NULL, OPT_FORMAT},
        {"lang", required_argument, NULL, OPT_LANG},
        {"xlsx", required_argument, NULL, OPT_XLSX},
        {"explain", no_argument, NULL, OPT_EXPLAIN},
        {"no-explain", no_argument, NULL, OPT_NO_EXPLAIN},
        {"fix", no_argument, NULL, OPT_FIX},
        {"letter", required_argument, NULL, OPT_LETTER},
        {"output", required_argument, NULL, 'o'},
        CLI_SHARED_LONG_OPTIONS,
    };
    cli_load L = {0};
    fp_load_options_init(&L.o);
    L.o.read_damaged = 1; /* check reports damaged cells of a notice text, never refuses them */
    fp_check_options co;
    fp_check_options_init(&co);
    const char *rules_text[64];
    size_t nrules = 0;
    int json = 0, explain = 1, fix = 0, rc = EXIT_USAGE;
    const char *xlsx = NULL, *letter = NULL;
    fp_letter_report *letter_report = NULL;
    fp_lang lang = FP_LANG_ZH;
    fp_table *t = NULL;
    fp_report *report = NULL, *after = NULL;
    fp_causes *causes = NULL;
    fp_table *fixed = NULL;
    fp_rule *rules[64] = {0};

    optind = 0; /* GNU getopt: start afresh on this argv */
    int opt;
    while ((opt = cli_next_option(argc, argv, "ho:", longopts, &L, usage_text, &rc)) != -1) {
        switch (opt) {
        case CLI_OPT_EXIT:
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
        case OPT_EXPLAIN:
            explain = 1;
            break;
        case OPT_NO_EXPLAIN:
            explain = 0;
            break;
        case OPT_FIX:
            fix = 1;
            break;
        case OPT_LETTER:
            letter = optarg;
            break;
        default: /* an option in longopts with no case: a bug */
            cli_fail("check: option %d not handled", opt);
            goto done;
        }
    }
    if (optind < argc && (argc - optind > 1 || cli_is_dir(argv[optind]))) {
        if (fix || L.output || letter) {
            cli_fail("check: --fix, -o and --letter are for one table, not several");
            goto done;
        }
        rc = cli_check_many(argc - optind, argv + optind, &L, &co, rules_text, nrules, json, lang,
                            xlsx, L.force);
        goto done;
    }
    if (cli_one_table(argc, argv))
        goto done;
    if (fix != (L.output != NULL)) {
        cli_fail(fix ? "check: --fix needs -o FILE for the fixed table"
                     : "check: -o is for --fix; add --fix to write the fixed table");
        goto done;
    }
    if (L.output && cli_same_file(argv[optind], L.output)) {
        cli_fail("check: -o would replace the input %s; choose another file", argv[optind]);
        goto done;
    }
    if (xlsx && cli_same_file(argv[optind], xlsx)) {
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
    if ((explain || fix) && fp_explain(t, report, &co, &causes, &d) != FP_OK) {
        cli_fail_diag(&d);
        goto done;
    }
    if (letter && cli_letter_load(t, letter, &letter_report))
        goto done;
    /* Outputs are written to temporary files before the report is printed, and put in place
     * after it: a command that fails (an existing file without --force, a full disk) prints
     * nothing on stdout and leaves every file as it was. */
    cli_staged st[2] = {{0}};
    size_t nst = 0, applied = 0;
    if (xlsx) {
        audit_job job = {t, report, &co};
        if (cli_stage(&st[nst++], xlsx, L.force, write_audit, &job))
            goto discard;
    }
    if (fix) {
        if (fp_causes_fix(t, causes, &fixed, &applied, &d) != FP_OK ||
            fp_check(fixed, &co, &after, &d) != FP_OK) {
            cli_fail_diag(&d);
            goto discard;
        }
        if (cli_stage_stream(&st[nst++], L.output, L.force, write_fixed, fixed))
            goto discard;
    }
    const fp_causes *shown = explain ? causes : NULL;
    if (json && letter_report)
        fputs("{\"table\":", stdout);
    fp_error e = json ? fp_report_write_json_explained(report, shown, t, &co, stdout)
                      : fp_report_write_text_explained(report, shown, t, &co, lang, stdout);
    if (e == FP_OK && letter_report) {
        fputs(json ? ",\"letter\":" : "\n", stdout);
        e = json ? fp_letter_write_json(letter_report, t, stdout)
                 : fp_letter_write_text(letter_report, t, lang == FP_LANG_EN, stdout);
        if (json)
            fputs("}\n", stdout);
    }
    if (e != FP_OK || fflush(stdout) != 0) {
        cli_fail("cannot write the report");
        goto discard;
    }
    if (cli_publish(st, nst))
        goto done;
    rc = fp_report_errors(report) ||
                 (letter_report && fp_letter_report_errors(letter_report))
             ? EXIT_FINDINGS
             : EXIT_CLEAN;
    if (fix) {
        FILE *list = json ? stderr : stdout;
        if (!json)
            fputc('\n', list);
        list_fixes(list, causes, after, applied, L.output, lang);
        if (fflush(list) != 0) {
            rc = cli_fail("cannot write the report");
            goto done;
        }
        rc = fp_report_errors(after) ? EXIT_FINDINGS : EXIT_CLEAN;
    }
    goto done;
discard:
    cli_discard(st, nst);
done:
    for (size_t i = 0; i < nrules; i++)
        fp_rule_free(rules[i]);
    fp_letter_report_free(letter_report);
    fp_report_free(report);
    fp_report_free(after);
    fp_causes_free(causes);
    fp_table_free(fixed);
    fp_table_free(t);
    cli_load_free(&L);
    return rc;
}
