/* tests/test_compare.c — fenpei compare: matched by path not line, exact % change, ranks, units
 * only in one table, JSON, and the workbook read back by openpyxl. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"

/* NEW lists the cities the other way round and drops 丙县 for 丁县: lines differ, paths match. */
#define OLD_TEXT                                                                                \
    "级次,单位,甲,乙,全年应拨付资金合计\n"                                                      \
    "0,总计,60,40,100\n"                                                                        \
    "1,一市,30,10,40\n"                                                                         \
    "2,城区,20,5,25\n"                                                                          \
    "2,丙县,10,5,15\n"                                                                          \
    "1,二市,30,30,60\n"                                                                         \
    "2,城区,30,30,60\n"
#define NEW_TEXT                                                                                \
    "级次,单位,甲,乙,全年应拨付资金合计\n"                                                      \
    "0,总计,0.000001,45,45.000001\n"                                                            \
    "1,二市,0,33,33\n"                                                                          \
    "2,城区,0,33,33\n"                                                                          \
    "1,一市,0.000001,12,12.000001\n"                                                            \
    "2,城区,0.000001,7,7.000001\n"                                                              \
    "2,丁县,0,5,5\n"

Test(compare, matched_by_path_with_exact_percentages_and_ranks)
{
    char *a = th_write_tmp_text("cmp-old.csv", OLD_TEXT), *b = th_write_tmp_text("cmp-new.csv", NEW_TEXT);
    const char *argv[] = {FENPEI_BIN, "compare", a, b, NULL};
    th_run r = th_run_argv(argv);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert_str_eq(r.out,
                     "状态,路径,单位,列,原值,新值,变动,变动率,原排名,新排名,排名变化\n"
                     "两表,总计,总计,甲,60,0.000001,-59.999999,-100.00%,,,\n"
                     "两表,总计,总计,乙,40,45,5,12.50%,,,\n"
                     "两表,总计,总计,全年应拨付资金合计,100,45.000001,-54.999999,-55.00%,,,\n"
                     "两表,总计/一市,一市,甲,30,0.000001,-29.999999,-100.00%,,,\n"
                     "两表,总计/一市,一市,乙,10,12,2,20.00%,,,\n"
                     "两表,总计/一市,一市,全年应拨付资金合计,40,12.000001,-27.999999,-70.00%,,,\n"
                     "两表,总计/一市/城区,城区,甲,20,0.000001,-19.999999,-100.00%,2,1,+1\n"
                     "两表,总计/一市/城区,城区,乙,5,7,2,40.00%,2,2,+0\n"
                     "两表,总计/一市/城区,城区,全年应拨付资金合计,25,7.000001,-17.999999,-72.00%,2,2,+0\n"
                     "仅原表,总计/一市/丙县,丙县,甲,10,,,,3,,\n"
                     "仅原表,总计/一市/丙县,丙县,乙,5,,,,2,,\n"
                     "仅原表,总计/一市/丙县,丙县,全年应拨付资金合计,15,,,,3,,\n"
                     "两表,总计/二市,二市,甲,30,0,-30,-100.00%,,,\n"
                     "两表,总计/二市,二市,乙,30,33,3,10.00%,,,\n"
                     "两表,总计/二市,二市,全年应拨付资金合计,60,33,-27,-45.00%,,,\n"
                     "两表,总计/二市/城区,城区,甲,30,0,-30,-100.00%,1,2,-1\n"
                     "两表,总计/二市/城区,城区,乙,30,33,3,10.00%,1,1,+0\n"
                     "两表,总计/二市/城区,城区,全年应拨付资金合计,60,33,-27,-45.00%,1,1,+0\n"
                     "仅新表,总计/一市/丁县,丁县,甲,,0,,,,2,\n"
                     "仅新表,总计/一市/丁县,丁县,乙,,5,,,,3,\n"
                     "仅新表,总计/一市/丁县,丁县,全年应拨付资金合计,,5,,,,3,\n");
    th_run_free(&r);

    const char *j[] = {FENPEI_BIN, "compare", a, b, "--format", "json", NULL};
    r = th_run_argv(j);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert(strstr(r.out, "{\"path\": \"总计/一市/丁县\", \"unit\": \"丁县\", \"in\": \"new\", "
                            "\"values\": [{\"column\": \"甲\", \"old\": null, \"new\": 0, "
                            "\"change\": null, \"pct\": null, \"rank_old\": null, "
                            "\"rank_new\": 2}"),
              "%s", r.out);
    th_run_free(&r);
    free(a);
    free(b);
}

/* A table that does not add up (二市's 甲 changed alone: 总计 甲, 二市 甲 against its 城区 and
 * 二市's year total no longer hold) is compared all the same; the JSON counts its errors, stderr says so and the exit status
 * is 1. The same pair the other way round names the other table. */
Test(compare, a_table_that_does_not_add_up_is_compared_and_said_so)
{
    char *a = th_write_tmp_text("cmp-ok.csv", OLD_TEXT);
    char *b = th_write_tmp_text("cmp-off.csv", "级次,单位,甲,乙,全年应拨付资金合计\n"
                                               "0,总计,60,40,100\n"
                                               "1,一市,30,10,40\n"
                                               "2,城区,20,5,25\n"
                                               "2,丙县,10,5,15\n"
                                               "1,二市,35,30,60\n"
                                               "2,城区,30,30,60\n");
    const char *argv[] = {FENPEI_BIN, "compare", a, b, "--format", "json", NULL};
    th_run r = th_run_argv(argv);
    cr_assert_eq(r.status, 1, "%s", r.err);
    cr_assert(strstr(r.out, "\"checks\": {\"old\": {\"errors\": 0, \"warnings\": 0}, "
                            "\"new\": {\"errors\": 3, \"warnings\": 0}}, \"units\": ["),
              "%s", r.out);
    cr_assert(strstr(r.out, "{\"column\": \"甲\", \"old\": 30, \"new\": 35, \"change\": 5"),
              "the comparison is written all the same: %s", r.out);
    char want[512];
    snprintf(want, sizeof want,
             "fenpei: %s: 3 identities of this table do not hold (fenpei check %s shows where)", b,
             b);
    cr_assert(strstr(r.err, want), "%s", r.err);
    cr_assert_null(strstr(r.err, a), "only the table that does not add up is named: %s", r.err);
    th_run_free(&r);

    const char *back[] = {FENPEI_BIN, "compare", b, a, NULL};
    r = th_run_argv(back);
    cr_assert_eq(r.status, 1, "%s", r.err);
    cr_assert(strstr(r.out, "两表,总计/二市,二市,甲,35,30,-5,-14.29%,,,\n"), "%s", r.out);
    snprintf(want, sizeof want, "fenpei: %s: 3 identities", b);
    cr_assert(strstr(r.err, want), "%s", r.err);
    th_run_free(&r);
    free(a);
    free(b);
}

Test(compare, workbook_has_a_summary_and_a_sheet_per_column)
{
    char *a = th_write_tmp_text("cmpx-old.csv", OLD_TEXT), *b = th_write_tmp_text("cmpx-new.csv", NEW_TEXT);
    char *x = th_write_tmp_text("cmp.xlsx", "");
    remove(x);
    const char *argv[] = {FENPEI_BIN, "compare", a, b, "--xlsx", x, NULL};
    th_run r = th_run_argv(argv);
    cr_assert_eq(r.status, 0, "%s", r.err);
    th_run_free(&r);
    const char *py = "import sys, openpyxl\n"
                     "wb = openpyxl.load_workbook(sys.argv[1])\n"
                     "print(wb.sheetnames)\n"
                     "s = wb['汇总']\n"
                     "print([c.value for c in s[5]])\n"
                     "print(s['A8'].value)\n"
                     "t = wb[wb.sheetnames[2]]\n"
                     "print([c.value for c in t[5]])\n";
    const char *p[] = {"/usr/bin/python3", "-c", py, x, NULL};
    r = th_run_argv(p);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert_str_eq(r.out, "['汇总', '甲-1', '乙-2', '全年应拨付资金合计-3']\n"
                            "['乙', 40, 45, 5, 0.125]\n"
                            "仅在原表的单位：1 个；仅在新表的单位：1 个\n"
                            "['总计/一市/城区', '城区', 5, 7, 2, 0.4, 2, 2, 0]\n");
    th_run_free(&r);
    /* the same input gives the same bytes */
    size_t n1, n2;
    char *b1 = th_read_file(x, &n1);
    remove(x);
    const char *again[] = {FENPEI_BIN, "compare", a, b, "--xlsx", x, NULL};
    r = th_run_argv(again);
    cr_assert_eq(r.status, 0);
    th_run_free(&r);
    char *b2 = th_read_file(x, &n2);
    cr_assert(n1 == n2 && memcmp(b1, b2, n1) == 0);
    free(b1);
    free(b2);
    free(a);
    free(b);
    free(x);
}
