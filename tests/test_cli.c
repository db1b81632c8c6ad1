/* tests/test_cli.c — the fenpei program end to end: reports, exit statuses, messages. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "helpers.h"

#define BUNDLED_REL "allocations/xinjiang-2024-basic-public-health-batch2.csv"

#define FENPEI_IN(dir, ...) th_fenpei_in(dir, (const char *const[]){__VA_ARGS__, NULL})
#define FENPEI(...) FENPEI_IN(FENPEI_SOURCE_DIR, __VA_ARGS__)

/* stdout equals the expected file NAME under tests/data/expected. */
static void stdout_is_file(const th_run *r, const char *name)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", TH_EXPECTED_DIR, name);
    size_t len;
    char *want = th_read_file(path, &len);
    cr_assert_not_null(want, "cannot read %s", path);
    cr_assert_str_eq(r->out, want, "stdout differs from %s", name);
    cr_assert_eq(r->outlen, len);
    free(want);
}

/* Make FENPEI_TEST_TMP/SUB (one folder per test, so that tests never share a file) and enter
 * it: the files a test writes and the names the reports print are relative to it. */
static void enter_tmp(const char *sub)
{
    char *dir = th_tmp_dir(sub);
    cr_assert_eq(chdir(dir), 0, "cannot enter %s", dir);
    free(dir);
}

/* Write TEXT to the file NAME in the current folder. */
static void write_here(const char *name, const char *text)
{
    FILE *f = fopen(name, "wb");
    cr_assert_not_null(f, "cannot create %s", name);
    cr_assert_eq(fwrite(text, 1, strlen(text), f), strlen(text));
    cr_assert_eq(fclose(f), 0);
}

/* A copy of the bundled table with one fault, written to NAME in the current folder. */
static void write_fault(const char *name, const char *from, const char *to)
{
    char *orig = th_read_file(TH_BUNDLED, NULL);
    cr_assert_not_null(orig);
    char *text = th_replace_once(orig, from, to);
    write_here(name, text);
    free(text);
    free(orig);
}

/* ---- reports ---- */

Test(report, bundled_table_exits_0_with_the_expected_text_report)
{
    th_run r = FENPEI("check", BUNDLED_REL);
    cr_assert_eq(r.status, 0, "stderr: %s", r.err);
    stdout_is_file(&r, "bundled.zh.txt");
    cr_assert_str_eq(r.err, "");
    th_run_free(&r);
}

Test(report, bundled_table_in_english)
{
    th_run r = FENPEI("check", "--lang", "en", BUNDLED_REL);
    cr_assert_eq(r.status, 0);
    stdout_is_file(&r, "bundled.en.txt");
    cr_assert_str_eq(r.err, "");
    th_run_free(&r);
}

Test(report, bundled_table_as_json)
{
    th_run r = FENPEI("check", "--format", "json", BUNDLED_REL);
    cr_assert_eq(r.status, 0);
    stdout_is_file(&r, "bundled.json");
    cr_assert_str_eq(r.err, "");
    th_run_free(&r);
}

Test(report, fault_a_exits_1_with_the_expected_json)
{
    enter_tmp("cli-report-fault_a_exits_1_with_the_expected_json");
    write_fault("fault-a.csv", "\n3,天山区,316,", "\n3,天山区,326,");
    th_run r = FENPEI_IN(".", "check", "--format", "json", "fault-a.csv");
    cr_assert_eq(r.status, 1, "stderr: %s", r.err);
    stdout_is_file(&r, "fault-a.json");
    cr_assert_str_eq(r.err, "");
    th_run_free(&r);
}

Test(report, fault_a_text_report_in_chinese_and_english)
{
    enter_tmp("cli-report-fault_a_text_report_in_chinese_and_english");
    write_fault("fault-a.csv", "\n3,天山区,316,", "\n3,天山区,326,");
    th_run r = FENPEI_IN(".", "check", "fault-a.csv");
    cr_assert_eq(r.status, 1);
    stdout_is_file(&r, "fault-a.zh.txt");
    th_run_free(&r);
    r = FENPEI_IN(".", "check", "--lang", "en", "fault-a.csv");
    cr_assert_eq(r.status, 1);
    stdout_is_file(&r, "fault-a.en.txt");
    th_run_free(&r);
}

Test(report, warnings_alone_exit_0)
{
    enter_tmp("cli-report-warnings_alone_exit_0");
    write_here("neg.csv", "级次,单位,甲,乙,合计,已提前下达,此次下达\n"
                          "0,总计,5,-1,4,3,1\n"
                          "1,A,3,-1,2,3,-1\n"
                          "1,B,2,0,2,0,2\n");
    th_run r = FENPEI_IN(".", "check", "neg.csv");
    cr_assert_eq(r.status, 0);
    cr_assert_str_eq(r.out, "文件：neg.csv，3 行\n"
                            "检查规则：列合计、类别合计、全年=已提前下达+此次下达\n"
                            "\n"
                            "第 2 行  总计\n"
                            "  警告  负数 乙：-1，金额为负数。\n"
                            "第 3 行  总计 / A\n"
                            "  警告  收回 此次下达：-1，此次下达为负数，即收回已下达资金。\n"
                            "  警告  负数 乙：-1，金额为负数。\n"
                            "\n"
                            "共 3 行：各项平衡关系全部成立，3 个警告。\n");
    th_run_free(&r);
    r = FENPEI_IN(".", "check", "--format", "json", "neg.csv");
    cr_assert_eq(r.status, 0);
    cr_assert_str_eq(
        r.out,
        "{\"file\":\"neg.csv\",\"rows\":3,\"unit\":null,\"rules\":[\"column-sum\","
        "\"category-split\",\"advance-batch\"],\"errors\":0,\"warnings\":3,\"findings\":[\n"
        "{\"rule\":\"negative-amount\",\"severity\":\"warning\",\"line\":2,\"unit\":\"总计\","
        "\"path\":[\"总计\"],\"column\":\"乙\",\"expected\":null,\"actual\":\"-1\","
        "\"difference\":null},\n"
        "{\"rule\":\"clawback\",\"severity\":\"warning\",\"line\":3,\"unit\":\"A\",\"path\":"
        "[\"总计\",\"A\"],\"column\":\"此次下达\",\"expected\":null,\"actual\":\"-1\","
        "\"difference\":null},\n"
        "{\"rule\":\"negative-amount\",\"severity\":\"warning\",\"line\":3,\"unit\":\"A\","
        "\"path\":[\"总计\",\"A\"],\"column\":\"乙\",\"expected\":null,\"actual\":\"-1\","
        "\"difference\":null}]}\n");
    th_run_free(&r);
}

static const char target_csv[] = "单位：万元\n"
                                 "单位,总额,财政拨款,其他资金\n"
                                 "甲单位,120,100,20\n"
                                 "乙单位,56,50,5\n"
                                 "丙单位,30,30,\n"
                                 "丁单位,,,\n";

Test(report, custom_rule_failing_exits_1)
{
    enter_tmp("cli-report-custom_rule_failing_exits_1");
    write_here("target.csv", target_csv);
    th_run r = FENPEI_IN(".", "check", "--no-explain", "--rule", "总额 = 财政拨款 + 其他资金",
                         "target.csv");
    cr_assert_eq(r.status, 1);
    cr_assert_str_eq(r.out, "文件：target.csv，4 行\n"
                            "检查规则：列合计、类别合计、全年=已提前下达+此次下达、"
                            "自定义「总额 = 财政拨款 + 其他资金」\n"
                            "\n"
                            "第 4 行  乙单位\n"
                            "  错误  自定义规则 总额：表中 56，按规则应为 (总额 = 财政拨款 + "
                            "其他资金) 55，相差 +1。\n"
                            "第 6 行  丁单位\n"
                            "  警告  空行：该行没有任何金额。\n"
                            "\n"
                            "共 4 行：1 个错误，1 个警告。\n");
    cr_assert_str_eq(r.err, "");
    th_run_free(&r);
}

Test(report, tolerance_turns_the_custom_error_into_a_residue_warning)
{
    enter_tmp("cli-report-tolerance_turns_the_custom_error_into_a_residue_warning");
    write_here("target.csv", target_csv);
    th_run r = FENPEI_IN(".", "check", "--format", "json", "--tolerance", "1",
                         "--rule", "总额 = 财政拨款 + 其他资金", "target.csv");
    cr_assert_eq(r.status, 0);
    cr_assert_str_eq(
        r.out,
        "{\"file\":\"target.csv\",\"rows\":4,\"unit\":\"万元\",\"rules\":[\"column-sum\","
        "\"category-split\",\"advance-batch\",\"总额 = 财政拨款 + 其他资金\"],\"errors\":0,"
        "\"warnings\":2,\"findings\":[\n"
        "{\"rule\":\"rounding-residue\",\"severity\":\"warning\",\"line\":4,\"unit\":\"乙单位\","
        "\"path\":[\"乙单位\"],\"column\":\"总额\",\"expected\":\"55\",\"actual\":\"56\","
        "\"difference\":\"1\",\"identity\":\"custom\",\"rule_text\":\"总额 = 财政拨款 + "
        "其他资金\"},\n"
        "{\"rule\":\"empty-row\",\"severity\":\"warning\",\"line\":6,\"unit\":\"丁单位\","
        "\"path\":[\"丁单位\"],\"column\":null,\"expected\":null,\"actual\":null,"
        "\"difference\":null}]}\n");
    th_run_free(&r);
    r = FENPEI_IN(".", "check", "--lang", "en", "--tolerance", "1", "--rule",
                  "总额 = 财政拨款 + 其他资金", "target.csv");
    cr_assert_eq(r.status, 0);
    cr_assert_str_eq(r.out, "file: target.csv, 4 rows\n"
                            "rules: column-sum, category-split, advance-batch, custom \"总额 = "
                            "财政拨款 + 其他资金\"\n"
                            "\n"
                            "line 4  乙单位\n"
                            "  warning  rounding-residue (custom) 总额: stated 56, rule requires "
                            "(总额 = 财政拨款 + 其他资金) 55, difference +1, within the tolerance.\n"
                            "line 6  丁单位\n"
                            "  warning  empty-row: the row has no amount at all.\n"
                            "\n"
                            "4 rows: every identity holds, 2 warnings.\n");
    th_run_free(&r);
}

Test(report, tolerance_on_the_bundled_table_with_a_residue_of_one)
{
    enter_tmp("cli-report-tolerance_on_the_bundled_table_with_a_residue_of_one");
    write_fault("fault-f.csv", "\n3,天山区,316,", "\n3,天山区,317,");
    th_run r = FENPEI_IN(".", "check", "--tolerance", "1", "fault-f.csv");
    cr_assert_eq(r.status, 0);
    cr_assert_str_eq(r.out, "文件：fault-f.csv，119 行\n"
                            "检查规则：列合计、类别合计、全年=已提前下达+此次下达\n"
                            "\n"
                            "第 9 行  总计 / 地州合计 / 乌鲁木齐市\n"
                            "  警告  尾差（列合计） 原基本公共卫生项目：表中 1900，下级之和 1901，"
                            "相差 -1，在容差之内。\n"
                            "第 10 行  总计 / 地州合计 / 乌鲁木齐市 / 天山区\n"
                            "  警告  尾差（类别合计） 全年应拨付资金合计：表中 331，各类别之和 "
                            "332，相差 -1，在容差之内。\n"
                            "\n"
                            "共 119 行：各项平衡关系全部成立，2 个警告。\n");
    th_run_free(&r);
    r = FENPEI_IN(".", "check", "--tolerance", "0.5", "fault-f.csv");
    cr_assert_eq(r.status, 1);
    cr_assert_not_null(strstr(r.out, "共 119 行：2 个错误，0 个警告。\n"));
    th_run_free(&r);
}

Test(report, load_options_reach_the_loader)
{
    enter_tmp("cli-report-load_options_reach_the_loader");
    write_here("semi.csv", "单位;项目A;项目B;小计\n总计;1,000;2.5;1,002.5\n");
    th_run r = FENPEI_IN(".", "check", "--format", "json", "--delimiter", ";",
                         "semi.csv");
    cr_assert_eq(r.status, 0, "stderr: %s", r.err);
    cr_assert_not_null(strstr(r.out, "\"rows\":1,"));
    th_run_free(&r);
    /* with 项目B as the total, 1000 ≠ 1002.5 and 项目A ≠ 2.5 */
    r = FENPEI_IN(".", "check", "--no-explain", "--format", "json", "--delimiter", ";",
                  "--total", "项目B", "--categories", "项目A", "semi.csv");
    cr_assert_eq(r.status, 1, "stderr: %s", r.err);
    cr_assert_not_null(strstr(r.out, "\"rule\":\"category-split\",\"severity\":\"error\","
                                     "\"line\":2,\"unit\":\"总计\",\"path\":[\"总计\"],"
                                     "\"column\":\"项目B\",\"expected\":\"1000\","
                                     "\"actual\":\"2.5\",\"difference\":\"-997.5\"}"),
                       "%s", r.out);
    th_run_free(&r);
}

Test(report, gb18030_file_with_encoding_given)
{
    th_run r = FENPEI("check", "--encoding", "GB18030", "--format", "json",
                      "tests/data/gb18030.csv");
    cr_assert_eq(r.status, 0, "stderr: %s", r.err);
    cr_assert_str_eq(r.out, "{\"file\":\"tests/data/gb18030.csv\",\"rows\":4,\"unit\":\"万元\","
                            "\"rules\":[\"column-sum\",\"category-split\",\"advance-batch\"],"
                            "\"errors\":0,\"warnings\":0,\"findings\":[]}\n");
    th_run_free(&r);
}

/* ---- input errors: exit 2, one message on stderr, nothing on stdout ---- */

Test(errors, bad_cell_names_file_line_column_and_text)
{
    enter_tmp("cli-errors-bad_cell_names_file_line_column_and_text");
    write_here("bad-cell.csv", "级次,单位,甲,乙,合计\n"
                               "0,总计,3,4,7\n"
                               "1,A,1,2,3\n"
                               "1,B,3x6,2,4\n");
    static const char msg[] = "fenpei: bad-cell.csv:4: column \"甲\": \"3x6\": not an amount: "
                              "expected an amount such as 1234, 1,234.5, (12) or an empty cell, "
                              "\"-\" or \"—\"\n";
    th_run r = FENPEI_IN(".", "check", "bad-cell.csv");
    cr_assert_eq(r.status, 2);
    cr_assert_str_eq(r.out, "");
    cr_assert_str_eq(r.err, msg);
    th_run_free(&r);
    r = FENPEI_IN(".", "check", "--format", "json", "bad-cell.csv");
    cr_assert_eq(r.status, 2);
    cr_assert_str_eq(r.out, "");
    cr_assert_str_eq(r.err, msg);
    th_run_free(&r);
}

Test(errors, bad_cell_in_the_bundled_table)
{
    enter_tmp("cli-errors-bad_cell_in_the_bundled_table");
    write_fault("bad-bundled.csv", "\n3,天山区,316,", "\n3,天山区,3l6,");
    th_run r = FENPEI_IN(".", "check", "bad-bundled.csv");
    cr_assert_eq(r.status, 2);
    cr_assert_str_eq(r.out, "");
    cr_assert_str_eq(r.err, "fenpei: bad-bundled.csv:10: column \"原基本公共卫生项目\": \"3l6\": "
                            "not an amount: expected an amount such as 1234, 1,234.5, (12) or an "
                            "empty cell, \"-\" or \"—\"\n");
    th_run_free(&r);
}

Test(errors, tree_error_names_the_line)
{
    enter_tmp("cli-errors-tree_error_names_the_line");
    write_here("jump.csv", "级次,单位,甲\n0,总计,3\n2,A,3\n");
    th_run r = FENPEI_IN(".", "check", "jump.csv");
    cr_assert_eq(r.status, 2);
    cr_assert_str_eq(r.out, "");
    cr_assert_str_eq(r.err, "fenpei: jump.csv:3: column \"级次\": level jumps from 0 to 2; "
                            "a row can be at most one level below the row before it\n");
    th_run_free(&r);
}

Test(errors, missing_file)
{
    enter_tmp("cli-errors-missing_file");
    th_run r = FENPEI_IN(".", "check", "no-such-table.csv");
    cr_assert_eq(r.status, 2);
    cr_assert_str_eq(r.out, "");
    cr_assert_str_eq(r.err, "fenpei: no-such-table.csv: cannot open: No such file or directory\n");
    th_run_free(&r);
}

Test(errors, bad_rule)
{
    enter_tmp("cli-errors-bad_rule");
    write_here("target.csv", target_csv);
    th_run r = FENPEI_IN(".", "check", "--rule", "总额 = 财政拨款 + 其它资金",
                         "target.csv");
    cr_assert_eq(r.status, 2);
    cr_assert_str_eq(r.out, "");
    cr_assert_str_eq(r.err, "fenpei: target.csv: rule \"总额 = 财政拨款 + 其它资金\": no column "
                            "is headed \"其它资金\"\n");
    th_run_free(&r);
    r = FENPEI_IN(".", "check", "--rule", "总额 = 财政拨款 = 其他资金", "target.csv");
    cr_assert_eq(r.status, 2);
    cr_assert_str_eq(r.out, "");
    cr_assert_not_null(strstr(r.err, "more than one '='"), "%s", r.err);
    th_run_free(&r);
}

Test(errors, unknown_option)
{
    th_run r = FENPEI("check", "--bogus", BUNDLED_REL);
    cr_assert_eq(r.status, 2);
    cr_assert_str_eq(r.out, "");
    cr_assert_not_null(strstr(r.err, "--bogus"), "%s", r.err);
    cr_assert_not_null(strstr(r.err, "fenpei check --help"), "%s", r.err);
    th_run_free(&r);
}

Test(errors, option_without_its_value)
{
    th_run r = FENPEI("check", BUNDLED_REL, "--format");
    cr_assert_eq(r.status, 2);
    cr_assert_str_eq(r.out, "");
    cr_assert_not_null(strstr(r.err, "format"), "%s", r.err);
    th_run_free(&r);
}

Test(errors, bad_option_values)
{
    static const char *const cases[][3] = {
        {"--format", "xml", "fenpei: --format: expected text or json, not \"xml\"\n"},
        {"--lang", "fr", "fenpei: --lang: expected zh or en, not \"fr\"\n"},
        {"--tolerance", "abc", "fenpei: --tolerance: \"abc\" is not an amount (not an amount); "
                               "expected e.g. 27000 or 0.01\n"},
        {"--tolerance", "-1", "fenpei: --tolerance: must not be negative\n"},
        {"--delimiter", "ab", "fenpei: --delimiter: expected one character or 'tab', not \"ab\"\n"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        th_run r = FENPEI("check", cases[i][0], cases[i][1], BUNDLED_REL);
        cr_assert_eq(r.status, 2, "%s %s", cases[i][0], cases[i][1]);
        cr_assert_str_eq(r.out, "");
        cr_assert_str_eq(r.err, cases[i][2]);
        th_run_free(&r);
    }
}

Test(errors, flag_naming_no_column)
{
    th_run r = FENPEI("check", "--total", "全年", BUNDLED_REL);
    cr_assert_eq(r.status, 2);
    cr_assert_str_eq(r.out, "");
    cr_assert_str_eq(r.err, "fenpei: " BUNDLED_REL ": no column is headed \"全年\" (given with "
                            "--total)\n");
    th_run_free(&r);
}

Test(errors, no_table_given)
{
    th_run r = FENPEI("check");
    cr_assert_eq(r.status, 2);
    cr_assert_str_eq(r.out, "");
    cr_assert_str_eq(r.err, "fenpei: check: no table given; try 'fenpei check --help'\n");
    th_run_free(&r);
}

Test(errors, two_tables_given_are_checked_each_with_one_summary)
{
    th_run r = FENPEI("check", BUNDLED_REL, BUNDLED_REL);
    cr_assert_eq(r.status, 0);
    cr_assert_str_eq(r.err, "");
    cr_assert_not_null(strstr(r.out, "共 2 个文件：2 个通过，0 个有错误，0 个无法读取。\n"), "%s",
                       r.out);
    th_run_free(&r);
    r = FENPEI("check", BUNDLED_REL, BUNDLED_REL, "--fix", "-o", "x.csv");
    cr_assert_eq(r.status, 2);
    cr_assert_str_eq(r.out, "");
    cr_assert_str_eq(r.err, "fenpei: check: --fix, -o and --letter are for one table, not several\n");
    th_run_free(&r);
}

Test(errors, no_command_prints_the_usage_on_stderr)
{
    const char *argv[] = {FENPEI_BIN, NULL};
    th_run r = th_run_argv(argv);
    cr_assert_eq(r.status, 2);
    cr_assert_str_eq(r.out, "");
    cr_assert(strstr(r.err, "usage: fenpei COMMAND") || strstr(r.err, "用法：fenpei 命令"), "%s", r.err);
    th_run_free(&r);
}

Test(errors, unknown_command)
{
    th_run r = FENPEI("chek", BUNDLED_REL);
    cr_assert_eq(r.status, 2);
    cr_assert_str_eq(r.out, "");
    cr_assert_str_eq(r.err, "fenpei: unknown command 'chek'; try 'fenpei --help'\n");
    th_run_free(&r);
}

/* ---- help and version ---- */

Test(help, program_help_exits_0_and_lists_check)
{
    th_run r = FENPEI("--help", "--lang", "en");
    cr_assert_eq(r.status, 0);
    cr_assert_str_eq(r.err, "");
    cr_assert_not_null(strstr(r.out, "usage: fenpei COMMAND"));
    cr_assert_not_null(strstr(r.out, "  check "));
    cr_assert_not_null(strstr(r.out, "--help"));
    cr_assert_not_null(strstr(r.out, "Exit status"));
    th_run_free(&r);
}

Test(help, help_is_chinese_with_lang_zh)
{
    th_run r = FENPEI("--help", "--lang", "zh");
    cr_assert_eq(r.status, 0);
    cr_assert_not_null(strstr(r.out, "用法：fenpei 命令"), "%s", r.out);
    cr_assert_not_null(strstr(r.out, "  check      核对分配表"), "%s", r.out);
    th_run c = FENPEI("check", "--lang", "zh", "-h");
    cr_assert_eq(c.status, 0);
    cr_assert_not_null(strstr(c.out, "用法：fenpei check [选项] 表\n"), "%s", c.out);
    cr_assert_not_null(strstr(c.out, "  --rule \"A = B + C\"   在每一行再核对这个线性关系"), "%s", c.out);
    th_run_free(&r);
    th_run_free(&c);
}

Test(help, check_help_exits_0_and_names_every_option)
{
    static const char *const options[] = {"--rule", "--tolerance", "--format", "--lang",
                                          "--delimiter", "--encoding", "--name", "--total",
                                          "--advance", "--batch", "--categories", "--help"};
    th_run r = FENPEI("check", "--help", "--lang", "en");
    cr_assert_eq(r.status, 0);
    cr_assert_str_eq(r.err, "");
    cr_assert_not_null(strstr(r.out, "usage: fenpei check [OPTIONS] TABLE\n"));
    for (size_t i = 0; i < sizeof options / sizeof options[0]; i++)
        cr_assert_not_null(strstr(r.out, options[i]), "no %s in the help", options[i]);
    cr_assert_not_null(strstr(r.out, "Exit status: 0"));
    th_run s = FENPEI("check", "-h", "--lang", "en");
    cr_assert_eq(s.status, 0);
    cr_assert_str_eq(s.out, r.out, "-h prints the same help");
    th_run_free(&s);
    th_run_free(&r);
}

Test(help, version)
{
    th_run r = FENPEI("--version");
    cr_assert_eq(r.status, 0);
    cr_assert_str_eq(r.out, "fenpei " FP_VERSION_STRING "\n");
    cr_assert_str_eq(r.err, "");
    th_run_free(&r);
}

/* check --fix -o onto an existing file: refused before anything is printed or written. */
Test(outputs, check_fix_onto_an_existing_file_prints_and_writes_nothing)
{
    enter_tmp("cli-outputs-check_fix_existing");
    unlink("audit.xlsx"); /* left by an earlier run of this test */
    size_t len;
    char *csv = th_read_file(FENPEI_SOURCE_DIR
                             "/allocations/xinjiang-2024-basic-public-health-batch2.csv",
                             &len);
    char *bad = th_replace_once(csv, "3,天山区,316,", "3,天山区,326,");
    write_here("bad.csv", bad);
    write_here("fixed.csv", "old\n");
    th_run r = FENPEI_IN(".", "check", "bad.csv", "--xlsx", "audit.xlsx", "--fix", "-o",
                         "fixed.csv");
    cr_assert_eq(r.status, 2);
    cr_assert_str_eq(r.out, "");
    cr_assert_not_null(strstr(r.err, "fixed.csv exists"), "%s", r.err);
    cr_assert_eq(access("audit.xlsx", F_OK), -1);
    char *kept = th_read_file("fixed.csv", &len);
    cr_assert_str_eq(kept, "old\n");
    th_run_free(&r);
    /* with --force both are written and the fixed table passes */
    r = FENPEI_IN(".", "check", "bad.csv", "--xlsx", "audit.xlsx", "--fix", "-o", "fixed.csv",
                  "--force");
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert_eq(access("audit.xlsx", F_OK), 0);
    th_run_free(&r);
    r = FENPEI_IN(".", "check", "fixed.csv");
    cr_assert_eq(r.status, 0, "%s", r.out);
    th_run_free(&r);
    free(kept);
    free(bad);
    free(csv);
}
