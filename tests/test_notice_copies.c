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
    cr_assert_str_eq(th_children(t, FP_NONE), "合计");
    cr_assert_str_eq(th_children(t, 0), "甲县|乙县");
    cr_assert_eq(th_errors_of(t, NULL), 0);
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
    cr_assert_eq(th_errors_of(t, NULL), 0);
    fp_table_free(t);
}

Test(real_shape, unit_top_right_checks_clean)
{
    fp_table *t = load_fixture("unit-top-right.txt");
    cr_assert_eq(fp_table_row_count(t), 119);
    cr_assert_eq(fp_table_column_count(t), 10);
    cr_assert_eq(th_errors_of(t, NULL), 0);
    fp_table_free(t);
}

/* ---- traditional characters ---- */

Test(traditional, the_bundled_table_reads_as_a_tree)
{
    fp_table *t = load_fixture("traditional.txt");
    cr_assert_eq(fp_table_row_count(t), 119);
    cr_assert_str_eq(fp_table_unit(t), "万元");
    cr_assert_str_eq(th_children(t, FP_NONE), "總計");
    cr_assert_str_eq(th_children(t, th_row(t, "總計")), "自治區本級合計|地州合計");
    cr_assert_eq(fp_table_role_column(t, FP_ROLE_TOTAL), th_col(t, "全年應撥付資金合計"));
    cr_assert_eq(fp_table_role_column(t, FP_ROLE_ADVANCE), th_col(t, "已提前下達"));
    cr_assert_eq(fp_table_role_column(t, FP_ROLE_BATCH), th_col(t, "此次下達"));
    const size_t *cats;
    cr_assert_eq(fp_table_categories(t, &cats), 6);
    cr_assert_eq(th_errors_of(t, NULL), 0);
    fp_table_free(t);
}

Test(traditional, a_fault_is_found)
{
    fp_table *t = load_fixture("fault-traditional.txt");
    cr_assert_eq(th_errors_of(t, NULL), 3);
    cr_assert_eq(fp_table_parent(t, th_row(t, "天山區")), th_row(t, "烏魯木齊市"));
    fp_table_free(t);
}

Test(traditional, words_that_matter)
{
    fp_table *t = load_text("撥款單位\t中央資金\t資金合計\n合計\t5\t5\n甲縣\t2\t2\n乙區\t3\t3\n");
    cr_assert_eq(fp_table_role_column(t, FP_ROLE_NAME), 0);
    cr_assert_eq(fp_table_role_column(t, FP_ROLE_TOTAL), 2);
    cr_assert_eq(fp_table_role_column(t, FP_ROLE_CATEGORY), 1);
    cr_assert_str_eq(th_children(t, 0), "甲縣|乙區");
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
    cr_assert_str_eq(th_children(t, th_row(t, "合  计")), "城关镇|东关镇|西河乡|南山乡|北塬镇|红星乡|"
                                                     "黄河镇|石门乡|青龙镇|柳树乡|马家镇|高庄乡");
    size_t warn;
    cr_assert_eq(th_errors_of(t, &warn), 0);
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
    cr_assert_str_eq(th_children(t, FP_NONE), "合计");
    cr_assert_str_eq(th_children(t, 0),
                     "东胜区|达拉特旗|准格尔旗|鄂托克旗|临河区|五原县|磴口县|杭锦后旗|集宁区|"
                     "乌拉特前旗|乌拉特中旗|乌拉特后旗|海勃湾区|海南区|"
                     "鄂托克前旗|杭锦旗|乌审旗|伊金霍洛旗|康巴什区|卓资县|化德县|商都县|兴和县|"
                     "凉城县|乌达区");
    /* lines stay the file's: 临河区 is on line 5, 乌达区 on line 12 */
    cr_assert_eq(fp_table_row_line(t, th_row(t, "临河区")), 5);
    cr_assert_eq(fp_table_row_line(t, th_row(t, "乌达区")), 12);
    cr_assert_eq(th_errors_of(t, NULL), 0);
    fp_table_free(t);
}

Test(side_by_side, quantity_and_amount_pairs)
{
    fp_table *t = load_fixture("side-by-side-counts.txt");
    cr_assert_eq(fp_table_column_count(t), 3);
    cr_assert_eq(fp_table_column_is_quantity(t, 1), 1);
    cr_assert_str_eq(th_children(t, 0), "甲县|乙县|丙县|丁县");
    cr_assert_eq(th_errors_of(t, NULL), 0);
    fp_table_free(t);
}

Test(side_by_side, a_fault_in_the_second_group_is_found)
{
    fp_table *t = load_text("单位\t金额\t单位\t金额\n合计\t60\t丙县\t25\n甲县\t10\t丁县\t4\n"
                            "乙县\t20\t\t\n");
    cr_assert_str_eq(th_children(t, FP_NONE), "合计");
    cr_assert_str_eq(th_children(t, 0), "甲县|乙县|丙县|丁县");
    cr_assert_eq(th_errors_of(t, NULL), 1);
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

/* ---- damaged text is read, never refused ---- */

static fp_table *load_damaged(const char *text)
{
    fp_load_options o;
    fp_load_options_init(&o);
    o.read_damaged = 1;
    fp_table *t = NULL;
    fp_diag d;
    fp_error e = fp_table_load_memory(text, strlen(text), "damaged.txt", &o, &t, &d);
    cr_assert_eq(e, FP_OK, "line %ld: %s", d.line, d.message);
    return t;
}

static const char damaged[] = "拨款单位\t项目甲\t项目乙\t全年合计\n"
                              "合计\t30\t6\t36\n"
                              "甲地区\t10\t2\t12\n"
                              "子县\t4\t1\t5\n"
                              "丑县\t6\t1\t7\n"
                              "乙地区\t20\t4\t24\n"
                              "寅县\t1S\t2\t12\n"  /* 10 copied as 1S */
                              "卯县\t10\t2\t12\n";

Test(damaged, a_cell_that_is_no_amount_is_read_as_blank_and_warned)
{
    fp_table *t = load_damaged(damaged);
    cr_assert_eq(fp_table_row_count(t), 7);
    size_t yin = th_row(t, "寅县");
    cr_assert_eq(fp_table_is_blank(t, yin, 1), 1);
    cr_assert_str_eq(fp_table_text(t, yin, 1), "1S", "the text is kept");
    cr_assert_eq(fp_table_row_uncertain(t, yin), 1);
    /* the other block is whole and certain */
    cr_assert_str_eq(th_children(t, th_row(t, "甲地区")), "子县|丑县");
    cr_assert_eq(fp_table_row_uncertain(t, th_row(t, "子县")), 0);
    fp_report *r = NULL;
    fp_diag d;
    cr_assert_eq(fp_check(t, NULL, &r, &d), FP_OK);
    size_t unreadable = 0, failing = 0;
    for (size_t i = 0; i < fp_report_count(r); i++) {
        const fp_finding *f = fp_report_finding(r, i);
        if (f->rule == FP_RULE_UNREADABLE) {
            unreadable++;
            cr_assert_eq(f->row, yin);
            cr_assert_eq(f->column, 1);
            cr_assert_eq(f->severity, FP_SEVERITY_WARNING);
        } else if (f->severity == FP_SEVERITY_ERROR) {
            failing++;
        }
    }
    cr_assert_eq(unreadable, 1);
    cr_assert_geq(failing, 2, "the sums the lost 10 breaks are each reported");
    fp_report_free(r);
    fp_table_free(t);
}

Test(damaged, without_read_damaged_the_cell_is_a_located_error)
{
    fp_table *t = NULL;
    fp_diag d;
    cr_assert_eq(fp_table_load_memory(damaged, strlen(damaged), "damaged.txt", NULL, &t, &d),
                 FP_ERR_AMOUNT_SYNTAX);
    cr_assert_eq(d.line, 7);
}

Test(damaged, check_exits_1_not_2)
{
    char *in = th_write_tmp_text("damaged.txt", damaged);
    th_run r = th_run_argv((const char *const[]){FENPEI_BIN, "check", in, NULL});
    cr_assert_eq(r.status, 1, "exit %d: %s", r.status, r.err);
    cr_assert(strstr(r.out, "无法识别 项目甲：「1S」不是金额，按空白读入，该行存疑。"), "%s", r.out);
    th_run_free(&r);
    free(in);
}

/* ---- label shift ---- */

Test(label_shift, a_county_name_on_its_prefectures_subtotal_is_a_warning)
{
    fp_table *t = load_fixture("../cause/label-shift.notice.txt");
    fp_report *r = NULL;
    fp_diag d;
    cr_assert_eq(fp_check(t, NULL, &r, &d), FP_OK);
    cr_assert_eq(fp_report_errors(r), 0, "every sum closes");
    cr_assert_eq(fp_report_warnings(r), 1);
    const fp_finding *f = fp_report_finding(r, 0);
    cr_assert_eq(f->rule, FP_RULE_LABEL_SHIFT);
    cr_assert_eq(fp_table_row_line(t, f->row), 75);
    cr_assert_str_eq(fp_table_row_name(t, f->row), "托克逊县");
    fp_report_free(r);
    fp_table_free(t);
}

Test(label_shift, the_report_shows_the_realignment_and_counts_it)
{
    th_run r = th_run_argv((const char *const[]){
        FENPEI_BIN, "check", FENPEI_SOURCE_DIR "/tests/data/cause/label-shift.notice.txt", NULL});
    cr_assert_eq(r.status, 0, "warnings only: exit 0");
    cr_assert(strstr(r.out, "警告  名称错行：第 75–77 行的单位名称比数字晚了一行：第 75 行是「巴州」，"
                            "第 76 行是「库尔勒市」，第 77 行是「轮台县」（名称缺失，据区划名录）。\n"),
              "%s", r.out);
    cr_assert(strstr(r.out, "共 119 行：各项平衡关系全部成立，1 个警告。"), "%s", r.out);
    cr_assert_null(strstr(r.out, "0 个警告"));
    cr_assert_null(strstr(r.out, "提示"), "said once, as the warning: %s", r.out);
    th_run_free(&r);
    r = th_run_argv((const char *const[]){FENPEI_BIN, "check", "--format", "json",
                                          FENPEI_SOURCE_DIR "/tests/data/cause/label-shift.notice.txt",
                                          NULL});
    cr_assert(strstr(r.out, "\"rule\":\"label-shift\""), "%s", r.out);
    cr_assert(strstr(r.out, "\"realign\":[{\"line\":75,\"name\":\"巴州\"},{\"line\":76,\"name\":\"库尔勒市\"},"
                            "{\"line\":77,\"name\":\"轮台县\"}],\"ambiguous\":false,\"by_order\":false"),
              "%s", r.out);
    cr_assert(strstr(r.out, "\"warnings\":1"), "%s", r.out);
    th_run_free(&r);
}

Test(label_shift, the_bundled_table_has_none)
{
    fp_table *t = th_load_bundled();
    size_t warn;
    cr_assert_eq(th_errors_of(t, &warn), 0);
    cr_assert_eq(warn, 0);
    fp_table_free(t);
}

/* ---- real published tables (README.md cites them) ---- */

Test(real, taiwan_2001_traditional_with_a_code_column_checks_clean)
{
    fp_table *t = load_fixture("real-tw-2001-subsidies.txt");
    cr_assert_eq(fp_table_row_count(t), 12);
    cr_assert_eq(fp_table_column_is_amount(t, th_col(t, "款")), 0);
    cr_assert_eq(fp_table_role_column(t, FP_ROLE_NAME), th_col(t, "名稱"));
    cr_assert_eq(fp_table_role_column(t, FP_ROLE_TOTAL), th_col(t, "合計"));
    const size_t *cats;
    cr_assert_eq(fp_table_categories(t, &cats), 4);
    cr_assert_eq(fp_table_amount(t, 0, th_col(t, "合計")), U(170105845));
    cr_assert_str_eq(th_children(t, FP_NONE), "合        計");
    cr_assert_str_eq(th_children(t, 0), "行政院主管|內政部主管|國防部主管|教育部主管|經濟部主管|"
                                     "交通部主管|農業委員會主管|勞工委員會主管|衛生署主管|"
                                     "環境保護署主管|省市地方政府");
    size_t warn;
    cr_assert_eq(th_errors_of(t, &warn), 0);
    cr_assert_eq(warn, 0, "the note after the table is furniture, not an empty row");
    fp_table_free(t);
}

Test(real, taiwan_2001_with_a_swapped_digit_is_found)
{
    fp_table *t = load_fixture("fault-real-tw-2001-subsidies.txt");
    fp_report *r = NULL;
    fp_diag d;
    cr_assert_eq(fp_check(t, NULL, &r, &d), FP_OK);
    cr_assert_eq(fp_report_errors(r), 2);
    size_t edu = th_row(t, "教育部主管");
    int split = 0;
    for (size_t i = 0; i < fp_report_count(r); i++) {
        const fp_finding *f = fp_report_finding(r, i);
        if (f->rule == FP_RULE_CATEGORY_SPLIT && f->row == edu)
            split = f->difference == U(9000);
    }
    cr_assert(split, "教育部主管's 合計 is 9000 more than its parts");
    fp_report_free(r);
    fp_table_free(t);
}

Test(real, zhengan_2009_total_at_the_bottom_over_a_chance_block)
{
    fp_table *t = load_fixture("real-zhengan-2009-disaster-relief.txt");
    cr_assert_eq(fp_table_row_count(t), 10);
    size_t total = th_row(t, "合计");
    cr_assert_str_eq(th_children(t, total), "杨兴乡|新州镇|安场镇|凤仪镇|乐俭乡|和溪镇|中观镇|班竹乡|格林镇");
    cr_assert_eq(fp_table_amount(t, th_row(t, "格林镇"), 1), U(2) + U(1) / 2);
    cr_assert_eq(th_errors_of(t, NULL), 0);
    cr_assert_eq(fp_table_row_uncertain(t, total), 0);
    fp_table_free(t);
}

Test(real, yiyang_2017_remarks_and_total_at_the_bottom)
{
    fp_table *t = load_fixture("real-yiyang-2017-disaster-relief.txt");
    cr_assert_eq(fp_table_row_count(t), 4);
    cr_assert_eq(fp_table_role_column(t, FP_ROLE_TEXT), 2);
    cr_assert_str_eq(th_children(t, th_row(t, "合计")), "资阳区|赫山区|大通湖区");
    cr_assert_eq(th_errors_of(t, NULL), 0);
    fp_table_free(t);
}

Test(real, a_comma_between_thousands_does_not_make_a_tab_table_a_csv)
{
    fp_table *t = load_text("单位\t金额\t其他\n合计\t1,234,567\t1,000\n甲\t1,234,567\t1,000\n");
    cr_assert_eq(fp_table_column_count(t), 3);
    cr_assert_eq(fp_table_amount(t, 0, 1), U(1234567));
    fp_table_free(t);
}

Test(quantity, a_total_printed_across_the_ordinal_and_name_cells_names_its_row)
{
    /* 合计 in a Word table's merged cell lands in the 序号 column */
    fp_table *t = load_text("序号\t乡镇\t村数\t合计（万元）\t中央资金\t省级资金\n"
                            "合  计\t\t9\t30\t20\t10\n"
                            "1\t甲镇\t4\t12\t8\t4\n"
                            "2\t乙镇\t5\t18\t12\t6\n");
    cr_assert_str_eq(fp_table_row_name(t, 0), "合  计");
    cr_assert_str_eq(fp_table_text(t, 0, 0), "");
    cr_assert_str_eq(th_children(t, 0), "甲镇|乙镇");
    cr_assert_eq(th_errors_of(t, NULL), 0);
    fp_table_free(t);
}

Test(notice_copies, a_county_printed_again_after_the_last_block_is_an_extra_row_of_it)
{
    /* the text's last row twice (伊吾县 of 哈密市): not a second tree beside 总计 that adds up on
     * its own, but a row of 哈密市 too many, which the check finds and --fix takes out */
    fp_table *t = load_text("拨款单位\t资金\t全年应拨付资金合计\n"
                            "总计\t100\t100\n"
                            "地州合计\t100\t100\n"
                            "吐鲁番市\t40\t40\n"
                            "高昌区\t25\t25\n"
                            "鄯善县\t15\t15\n"
                            "哈密市\t60\t60\n"
                            "伊州区\t30\t30\n"
                            "巴里坤县\t18\t18\n"
                            "伊吾县\t12\t12\n"
                            "伊吾县\t12\t12\n");
    size_t last = fp_table_row_count(t) - 1;
    cr_assert_str_eq(fp_table_row_name(t, fp_table_parent(t, last)), "哈密市");
    cr_assert_eq(th_errors_of(t, NULL), 2); /* 哈密市's two columns */
    fp_report *r = NULL;
    fp_causes *c = NULL;
    fp_diag d;
    cr_assert_eq(fp_check(t, NULL, &r, &d), FP_OK);
    cr_assert_eq(fp_explain(t, r, NULL, &c, &d), FP_OK);
    cr_assert_eq(fp_causes_count(c), 1);
    const fp_cause *k = fp_causes_get(c, 0);
    cr_assert_eq(k->kind, FP_CAUSE_EXTRA_ROW);
    cr_assert_eq(k->row, last);
    cr_assert(k->fixable);
    fp_table *fixed = th_fix(t, c, 1);
    cr_assert_eq(fp_table_row_count(fixed), last);
    cr_assert_eq(th_errors_of(fixed, NULL), 0);
    fp_table_free(fixed);
    fp_causes_free(c);
    fp_report_free(r);
    fp_table_free(t);
}
