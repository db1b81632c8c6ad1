/* tests/test_notice_copies.c — notice tables as real people's copies give them (issue 9): page
 * furniture worded a little differently, unit lines beside the header, traditional characters,
 * quantity columns beside the money, side-by-side pages, damaged text, label shifts. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"

#define U(x) ((fp_amount)(x) * FP_AMOUNT_SCALE)
#define NOTICE_DIR FENPEI_SOURCE_DIR "/tests/data/notice/"

static fp_table *load_text(const char *text)
{
    fp_table *t = NULL;
    fp_diag d;
    fp_error e = fp_table_load_memory(text, strlen(text), "copy.txt", NULL, &t, &d);
    cr_assert_eq(e, FP_OK, "line %ld: %s", d.line, d.message);
    return t;
}

static fp_table *load_fixture(const char *name)
{
    char path[1024];
    snprintf(path, sizeof path, "%s%s", NOTICE_DIR, name);
    fp_table *t = NULL;
    fp_diag d;
    fp_error e = fp_table_load_file(path, NULL, &t, &d);
    cr_assert_eq(e, FP_OK, "%s: line %ld: %s", name, d.line, d.message);
    return t;
}

/* Names of the children of ROW (FP_NONE: the top-level rows), joined by '|'. */
static char *children(const fp_table *t, size_t row)
{
    static char buf[8192];
    buf[0] = '\0';
    size_t c = row == FP_NONE ? fp_table_first_root(t) : fp_table_first_child(t, row);
    for (; c != FP_NONE; c = fp_table_next_sibling(t, c)) {
        if (buf[0])
            strcat(buf, "|");
        strcat(buf, fp_table_row_name(t, c));
    }
    return buf;
}

/* Check T; returns the number of errors, warnings to *WARN. */
static size_t errors_of(const fp_table *t, size_t *warn)
{
    fp_report *r = NULL;
    fp_diag d;
    cr_assert_eq(fp_check(t, NULL, &r, &d), FP_OK, "%s", d.message);
    size_t e = fp_report_errors(r);
    if (warn)
        *warn = fp_report_warnings(r);
    fp_report_free(r);
    return e;
}

static const char HDR[] = "拨款单位\t项目甲\t中医药健康管理服务项目\t全年应拨付资金合计\n";
static const char ROWS1[] = "合计\t30\t6\t36\n"
                            "甲县\t10\t2\t12\n";
static const char ROWS2[] = "乙县\t20\t4\t24\n";

/* A two-page table: page 1's furniture, ROWS1, BETWEEN (the page break), ROWS2. */
static fp_table *two_pages(const char *between)
{
    char text[4096];
    snprintf(text, sizeof text, "某某资金分配表\n单位：万元\n%s%s%s%s", HDR, ROWS1, between, ROWS2);
    return load_text(text);
}

static void is_the_two_page_table(fp_table *t)
{
    cr_assert_eq(fp_table_row_count(t), 3, "%zu rows", fp_table_row_count(t));
    cr_assert_str_eq(children(t, FP_NONE), "合计");
    cr_assert_str_eq(children(t, 0), "甲县|乙县");
    cr_assert_eq(errors_of(t, NULL), 0);
    fp_table_free(t);
}

/* ---- page furniture, tolerant ---- */

Test(furniture, a_later_header_worded_differently)
{
    is_the_two_page_table(two_pages(
        "拨款单位\t项目甲\t中医药健康管理服务建设项目\t全年应拨付资金合计\n"));
}

Test(furniture, header_words_and_the_unit_on_one_line)
{
    is_the_two_page_table(two_pages("拨款单位\t单位：万元\n"));
    is_the_two_page_table(two_pages("拨款单位\t\t\t单位：万元\n"));
}

Test(furniture, trailing_empty_cells_on_a_repeated_header)
{
    is_the_two_page_table(two_pages("拨款单位\t项目甲\t中医药健康管理服务项目\t全年应拨付资金合计\t\t\t\n"));
}

Test(furniture, a_unit_line_at_the_page_bottom)
{
    is_the_two_page_table(two_pages("\t\t\t单位：万元\n"));
    is_the_two_page_table(two_pages("单位：万元\n"));
}

Test(furniture, page_numbers_in_every_form)
{
    is_the_two_page_table(two_pages("— 3 —\n"));
    is_the_two_page_table(two_pages("- 3 -\n"));
    is_the_two_page_table(two_pages("第3页\n"));
    is_the_two_page_table(two_pages("第 3 页 共 5 页\n"));
    is_the_two_page_table(two_pages("\t\t\t- 3 -\n"));
}

Test(furniture, continued_table_and_the_title_again)
{
    is_the_two_page_table(two_pages("续表\n某某资金分配表\n单位：万元\n"
                                    "拨款单位\t项目甲\t中医药健康管理服务项目\t全年应拨付资金合计\n"));
}

Test(furniture, the_page_1_unit_beside_the_first_header_cell)
{
    fp_table *t = load_text("某某资金分配表\n拨款单位\t\t\t单位：万元\n"
                            "\t项目甲\t中医药健康管理服务项目\t全年应拨付资金合计\n"
                            "合计\t30\t6\t36\n甲县\t10\t2\t12\n乙县\t20\t4\t24\n");
    cr_assert_str_eq(fp_table_unit(t), "万元");
    cr_assert_str_eq(fp_table_column_name(t, 0), "拨款单位");
    cr_assert_eq(fp_table_column_count(t), 4);
    is_the_two_page_table(t);
}

Test(furniture, a_header_line_with_another_unit_is_an_error)
{
    char text[] = "t\n单位：万元\n拨款单位\t项目甲\t全年合计\n合计\t3\t3\n拨款单位\t单位：元\n甲县\t3\t3\n";
    fp_table *t = NULL;
    fp_diag d;
    cr_assert_eq(fp_table_load_memory(text, strlen(text), "u.txt", NULL, &t, &d), FP_ERR_CSV);
    cr_assert_eq(d.line, 5);
    cr_assert(strstr(d.message, "unit changes"), "%s", d.message);
}

Test(furniture, a_data_row_without_amounts_is_kept)
{
    fp_table *t = load_text("单位\t总额\t财政拨款\n甲单位\t3\t3\n丁单位\t\t\n");
    cr_assert_eq(fp_table_row_count(t), 2);
    fp_table_free(t);
}

/* ---- the real shapes, from the bundled table ---- */

Test(real_shape, unit_beside_the_header_checks_clean)
{
    fp_table *t = load_fixture("unit-beside-header.txt");
    cr_assert_eq(fp_table_row_count(t), 119);
    cr_assert_str_eq(fp_table_unit(t), "万元");
    cr_assert_eq(errors_of(t, NULL), 0);
    fp_table_free(t);
}

Test(real_shape, unit_top_right_checks_clean)
{
    fp_table *t = load_fixture("unit-top-right.txt");
    cr_assert_eq(fp_table_row_count(t), 119);
    cr_assert_eq(fp_table_column_count(t), 10);
    cr_assert_eq(errors_of(t, NULL), 0);
    fp_table_free(t);
}

/* ---- traditional characters ---- */

Test(traditional, the_bundled_table_reads_as_a_tree)
{
    fp_table *t = load_fixture("traditional.txt");
    cr_assert_eq(fp_table_row_count(t), 119);
    cr_assert_str_eq(fp_table_unit(t), "万元");
    cr_assert_str_eq(children(t, FP_NONE), "總計");
    cr_assert_str_eq(children(t, th_row(t, "總計")), "自治區本級合計|地州合計");
    cr_assert_eq(fp_table_role_column(t, FP_ROLE_TOTAL), th_col(t, "全年應撥付資金合計"));
    cr_assert_eq(fp_table_role_column(t, FP_ROLE_ADVANCE), th_col(t, "已提前下達"));
    cr_assert_eq(fp_table_role_column(t, FP_ROLE_BATCH), th_col(t, "此次下達"));
    const size_t *cats;
    cr_assert_eq(fp_table_categories(t, &cats), 6);
    cr_assert_eq(errors_of(t, NULL), 0);
    fp_table_free(t);
}

Test(traditional, a_fault_is_found)
{
    fp_table *t = load_fixture("fault-traditional.txt");
    cr_assert_eq(errors_of(t, NULL), 3);
    cr_assert_eq(fp_table_parent(t, th_row(t, "天山區")), th_row(t, "烏魯木齊市"));
    fp_table_free(t);
}

Test(traditional, words_that_matter)
{
    fp_table *t = load_text("撥款單位\t中央資金\t資金合計\n合計\t5\t5\n甲縣\t2\t2\n乙區\t3\t3\n");
    cr_assert_eq(fp_table_role_column(t, FP_ROLE_NAME), 0);
    cr_assert_eq(fp_table_role_column(t, FP_ROLE_TOTAL), 2);
    cr_assert_eq(fp_table_role_column(t, FP_ROLE_CATEGORY), 1);
    cr_assert_str_eq(children(t, 0), "甲縣|乙區");
    fp_table_free(t);
}

/* ---- quantities beside the money, 序号 ---- */

Test(quantity, towns_with_village_counts_check_clean)
{
    fp_table *t = load_fixture("towns-villages.txt");
    cr_assert_eq(fp_table_row_count(t), 13);
    cr_assert_eq(fp_table_role_column(t, FP_ROLE_NAME), th_col(t, "乡镇"));
    cr_assert_eq(fp_table_column_is_amount(t, th_col(t, "序号")), 0);
    cr_assert_eq(fp_table_column_is_quantity(t, th_col(t, "村数（个）")), 1);
    cr_assert_eq(fp_table_column_is_quantity(t, th_col(t, "户数（户）")), 1);
    cr_assert_eq(fp_table_column_is_quantity(t, th_col(t, "中央资金")), 0);
    cr_assert_eq(fp_table_role_column(t, FP_ROLE_TOTAL), th_col(t, "合计（万元）"));
    const size_t *cats;
    cr_assert_eq(fp_table_categories(t, &cats), 3);
    cr_assert_eq(cats[0], th_col(t, "中央资金"));
    cr_assert_eq(fp_table_first_root(t), th_row(t, "合  计"));
    cr_assert_str_eq(children(t, th_row(t, "合  计")), "城关镇|东关镇|西河乡|南山乡|北塬镇|红星乡|"
                                                     "黄河镇|石门乡|青龙镇|柳树乡|马家镇|高庄乡");
    size_t warn;
    cr_assert_eq(errors_of(t, &warn), 0);
    cr_assert_eq(warn, 0);
    fp_table_free(t);
}

Test(quantity, a_wrong_village_count_is_a_column_sum_error_only)
{
    fp_table *t = load_text("乡镇\t村数\t合计\t中央资金\t省级资金\n合计\t9\t30\t20\t10\n"
                            "甲镇\t4\t12\t8\t4\n乙镇\t4\t18\t12\t6\n");
    cr_assert_eq(fp_table_column_is_quantity(t, 1), 1);
    fp_report *r = NULL;
    fp_diag d;
    cr_assert_eq(fp_check(t, NULL, &r, &d), FP_OK);
    cr_assert_eq(fp_report_errors(r), 1);
    const fp_finding *f = fp_report_finding(r, 0);
    cr_assert_eq(f->rule, FP_RULE_COLUMN_SUM);
    cr_assert_eq(f->column, 1);
    fp_report_free(r);
    fp_table_free(t);
}

Test(quantity, headers_that_count_and_headers_that_pay)
{
    fp_table *t = load_text("单位\t社区(25个)\t人数\t人口\t床位数（张）\t补助人数资金\t金额（万元）\n"
                            "甲\t1\t2\t3\t4\t5\t6\n");
    cr_assert_eq(fp_table_column_is_quantity(t, 1), 1);
    cr_assert_eq(fp_table_column_is_quantity(t, 2), 1);
    cr_assert_eq(fp_table_column_is_quantity(t, 3), 1);
    cr_assert_eq(fp_table_column_is_quantity(t, 4), 1);
    cr_assert_eq(fp_table_column_is_quantity(t, 5), 0);
    cr_assert_eq(fp_table_column_is_quantity(t, 6), 0);
    fp_table_free(t);
}

Test(quantity, unit_conversion_leaves_counts_alone)
{
    fp_load_options o;
    fp_load_options_init(&o);
    o.to_unit = "元";
    const char text[] = "单位：万元\n乡镇\t村数\t合计\n合计\t9\t30\n甲镇\t4\t12\n乙镇\t5\t18\n";
    fp_table *t = NULL;
    fp_diag d;
    cr_assert_eq(fp_table_load_memory(text, strlen(text), "u.txt", &o, &t, &d), FP_OK, "%s",
                 d.message);
    cr_assert_eq(fp_table_amount(t, 0, 1), U(9));
    cr_assert_eq(fp_table_amount(t, 0, 2), U(300000));
    fp_table_free(t);
}

/* ---- side-by-side pages ---- */

Test(side_by_side, three_pairs_over_two_pages_read_column_major)
{
    fp_table *t = load_fixture("side-by-side.txt");
    cr_assert_eq(fp_table_column_count(t), 2);
    cr_assert_eq(fp_table_row_count(t), 26);
    cr_assert_str_eq(fp_table_unit(t), "万元");
    cr_assert_str_eq(children(t, FP_NONE), "合计");
    cr_assert_str_eq(children(t, 0),
                     "东胜区|达拉特旗|准格尔旗|鄂托克旗|临河区|五原县|磴口县|杭锦后旗|集宁区|"
                     "乌拉特前旗|乌拉特中旗|乌拉特后旗|海勃湾区|海南区|"
                     "鄂托克前旗|杭锦旗|乌审旗|伊金霍洛旗|康巴什区|卓资县|化德县|商都县|兴和县|"
                     "凉城县|乌达区");
    /* lines stay the file's: 临河区 is on line 5, 乌达区 on line 12 */
    cr_assert_eq(fp_table_row_line(t, th_row(t, "临河区")), 5);
    cr_assert_eq(fp_table_row_line(t, th_row(t, "乌达区")), 12);
    cr_assert_eq(errors_of(t, NULL), 0);
    fp_table_free(t);
}

Test(side_by_side, quantity_and_amount_pairs)
{
    fp_table *t = load_fixture("side-by-side-counts.txt");
    cr_assert_eq(fp_table_column_count(t), 3);
    cr_assert_eq(fp_table_column_is_quantity(t, 1), 1);
    cr_assert_str_eq(children(t, 0), "甲县|乙县|丙县|丁县");
    cr_assert_eq(errors_of(t, NULL), 0);
    fp_table_free(t);
}

Test(side_by_side, a_fault_in_the_second_group_is_found)
{
    fp_table *t = load_text("单位\t金额\t单位\t金额\n合计\t60\t丙县\t25\n甲县\t10\t丁县\t4\n"
                            "乙县\t20\t\t\n");
    cr_assert_str_eq(children(t, FP_NONE), "合计");
    cr_assert_str_eq(children(t, 0), "甲县|乙县|丙县|丁县");
    cr_assert_eq(errors_of(t, NULL), 1);
    fp_table_free(t);
}

Test(side_by_side, a_header_that_does_not_repeat_is_one_table)
{
    const char text[] = "单位\t金额\t单位\t合计\n甲\t1\t乙\t1\n";
    fp_table *t = NULL;
    fp_diag d;
    fp_error e = fp_table_load_memory(text, strlen(text), "x.txt", NULL, &t, &d);
    cr_assert_eq(e, FP_ERR_COLUMN, "two 单位 columns without a repeat are still an error");
}
