/* tests/test_notice.c — the notice layout: page furniture, the tree rebuilt from order, names and
 * sums, uncertain rows in faulty tables, and converting units. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"

#define U(x) ((fp_amount)(x) * FP_AMOUNT_SCALE)
#define NOTICE_DIR FENPEI_SOURCE_DIR "/tests/data/notice/"

/* Load PATH (a file) with OPTS (NULL: defaults), failing the test with the diagnostic. */
static fp_table *load_path(const char *path, const fp_load_options *o)
{
    fp_table *t = NULL;
    fp_diag d;
    fp_error e = fp_table_load_file(path, o, &t, &d);
    cr_assert_eq(e, FP_OK, "%s: line %ld: %s", path, d.line, d.message);
    return t;
}

static fp_table *load_notice(const char *name)
{
    char path[1024];
    snprintf(path, sizeof path, "%s%s", NOTICE_DIR, name);
    return load_path(path, NULL);
}

static fp_table *load_text_with(const char *text, const fp_load_options *o)
{
    fp_table *t = NULL;
    fp_diag d;
    fp_error e = fp_table_load_memory(text, strlen(text), "notice.txt", o, &t, &d);
    cr_assert_eq(e, FP_OK, "line %ld: %s", d.line, d.message);
    return t;
}

/* Load TEXT, expecting error CODE at LINE; returns the diagnostic. */
static fp_diag load_fails(const char *text, const fp_load_options *o, fp_error code, long line)
{
    fp_table *t = NULL;
    fp_diag d;
    fp_error e = fp_table_load_memory(text, strlen(text), "notice.txt", o, &t, &d);
    cr_assert_eq(e, code, "expected %s, got %s (%s)", fp_strerror(code), fp_strerror(e),
                 d.message);
    cr_assert_null(t);
    cr_assert_eq(d.line, line, "line %ld, expected %ld: %s", d.line, line, d.message);
    return d;
}

static const char *parent_name(const fp_table *t, size_t r)
{
    size_t p = fp_table_parent(t, r);
    return p == FP_NONE ? "" : fp_table_row_name(t, p);
}

static int is_one_of(const char *s, const char *const *names, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(s, names[i]) == 0)
            return 1;
    return 0;
}

/* Every row of the bundled table that T also has (by name; LOST names rows T must not have)
 * has the same parent, the same amounts in every column and (unless in UNCERTAIN) is certain;
 * the rows of T marked uncertain are exactly those in UNCERTAIN. */
static void like_bundled(const fp_table *t, const char *const *lost, size_t nlost,
                         const char *const *uncertain, size_t nunc)
{
    fp_table *b = th_load_bundled();
    size_t seen = 0;
    for (size_t r = 0; r < fp_table_row_count(b); r++) {
        const char *name = fp_table_row_name(b, r);
        size_t row;
        size_t n = fp_table_find_row(t, name, &row);
        if (is_one_of(name, lost, nlost)) {
            cr_assert_eq(n, 0, "%s should be missing", name);
            continue;
        }
        cr_assert_eq(n, 1, "%s: found %zu times", name, n);
        seen++;
        cr_assert_str_eq(parent_name(t, row), parent_name(b, r), "parent of %s", name);
        for (size_t c = 0; c < fp_table_column_count(b); c++) {
            if (!fp_table_column_is_amount(b, c))
                continue;
            size_t tc = th_col(t, fp_table_column_name(b, c));
            if (!is_one_of(name, uncertain, nunc))
                cr_assert_eq(fp_table_amount(t, row, tc), fp_table_amount(b, r, c), "%s / %s",
                             name, fp_table_column_name(b, c));
        }
    }
    for (size_t r = 0; r < fp_table_row_count(t); r++) {
        const char *name = fp_table_row_name(t, r);
        cr_assert_eq(fp_table_row_uncertain(t, r), is_one_of(name, uncertain, nunc),
                     "%s: uncertain %d", name, fp_table_row_uncertain(t, r));
    }
    cr_assert_geq(fp_table_row_count(t), seen);
    fp_table_free(b);
}

/* The shape every good notice fixture must load into: the bundled table without 级次. */
static void expect_bundled(const char *fixture)
{
    fp_table *t = load_notice(fixture);
    cr_assert_eq(fp_table_row_count(t), 119, "%s: %zu rows", fixture, fp_table_row_count(t));
    cr_assert_eq(fp_table_role_column(t, FP_ROLE_LEVEL), FP_NONE, "no 级次 column");
    cr_assert_str_eq(fp_table_unit(t), "万元");
    cr_assert_eq(fp_table_column_count(t), 10);
    cr_assert_str_eq(fp_table_column_name(t, 0), "拨款单位");
    cr_assert_eq(fp_table_role_column(t, FP_ROLE_NAME), 0);
    cr_assert_eq(fp_table_role_column(t, FP_ROLE_TOTAL), th_col(t, "全年应拨付资金合计"));
    cr_assert_eq(fp_table_role_column(t, FP_ROLE_ADVANCE), th_col(t, "已提前下达"));
    cr_assert_eq(fp_table_role_column(t, FP_ROLE_BATCH), th_col(t, "此次下达"));
    const size_t *cats;
    cr_assert_eq(fp_table_categories(t, &cats), 6);
    cr_assert_str_eq(th_children(t, FP_NONE), "总计");
    like_bundled(t, NULL, 0, NULL, 0);
    fp_table_free(t);
}

/* ---- the bundled table printed as a notice, in every way it comes ---- */

Test(good, plain_notice_has_the_bundled_tree) { expect_bundled("plain.txt"); }
Test(good, page_furniture_every_40_rows_is_dropped) { expect_bundled("pages.txt"); }
Test(good, header_split_over_two_lines) { expect_bundled("split-header.txt"); }
Test(good, blank_page_between_data_rows) { expect_bundled("blank-page.txt"); }
Test(good, total_at_the_bottom) { expect_bundled("total-bottom.txt"); }
Test(good, gb18030_with_crlf) { expect_bundled("gb18030.txt"); }

Test(good, total_at_the_bottom_is_the_root_after_its_rows)
{
    fp_table *t = load_notice("total-bottom.txt");
    size_t total = th_row(t, "总计");
    cr_assert_eq(total, fp_table_row_count(t) - 1, "the file order is kept");
    cr_assert_eq(fp_table_first_root(t), total);
    cr_assert_str_eq(th_children(t, total), "自治区本级合计|地州合计");
    fp_table_free(t);
}

Test(good, subtotals_print_0_where_their_rows_print_blanks)
{
    fp_table *t = load_notice("plain.txt");
    size_t yj = th_col(t, "国家应急队伍补充建设和运维保障项目");
    cr_assert_eq(fp_table_is_blank(t, th_row(t, "乌鲁木齐市"), yj), 0);
    cr_assert_eq(fp_table_is_blank(t, th_row(t, "天山区"), yj), 1);
    cr_assert_eq(fp_table_amount(t, th_row(t, "天山区"), yj), 0);
    fp_table_free(t);
}

Test(good, qizhong_rows_are_inside_their_unit)
{
    fp_table *t = load_notice("pages.txt");
    cr_assert_str_eq(parent_name(t, th_row(t, "其中：博州人民医院")), "博州");
    cr_assert_str_eq(parent_name(t, th_row(t, "其中：喀什地区第一人民医院")), "喀什地区");
    fp_table_free(t);
}

/* ---- layouts ---- */

Test(layout, notice_forced_on_the_canonical_table_rebuilds_the_same_tree)
{
    fp_load_options o;
    fp_load_options_init(&o);
    o.layout = FP_LAYOUT_NOTICE;
    fp_table *t = load_path(TH_BUNDLED, &o);
    like_bundled(t, NULL, 0, NULL, 0);
    fp_table_free(t);
}

Test(layout, canonical_forced_on_a_notice_is_flat)
{
    fp_load_options o;
    fp_load_options_init(&o);
    o.layout = FP_LAYOUT_CANONICAL;
    char path[1024];
    snprintf(path, sizeof path, "%s%s", NOTICE_DIR, "plain.txt");
    fp_table *t = load_path(path, &o);
    cr_assert_eq(fp_table_row_count(t), 119);
    for (size_t r = 0; r < fp_table_row_count(t); r++)
        cr_assert_eq(fp_table_depth(t, r), 0);
    fp_table_free(t);
}

Test(layout, a_level_column_wins_over_sums_in_auto)
{
    /* a broken sum in a table with 级次 does not change its tree nor make rows uncertain */
    char *orig = th_read_file(TH_BUNDLED, NULL);
    char *text = th_replace_once(orig, "3,天山区,316,", "3,天山区,317,");
    fp_table *t = th_load_text(text);
    cr_assert_str_eq(parent_name(t, th_row(t, "天山区")), "乌鲁木齐市");
    for (size_t r = 0; r < fp_table_row_count(t); r++)
        cr_assert_eq(fp_table_row_uncertain(t, r), 0);
    fp_table_free(t);
    free(text);
    free(orig);
}

/* ---- page furniture ---- */

static const char furniture[] = "附件1\n"
                                "某某资金分配表\n"
                                "单位：万元\n"
                                "拨款单位\t甲\t乙\t合计\n"
                                "总计：\t3\t4\t7\n"
                                "甲地区\t3\t4\t7\n"
                                "A县\t1\t2\t3\n"
                                "— 1 —\n"
                                "某某资金分配表\n"
                                "（续表）\n"
                                "单位：万元\n"
                                "拨款单位\t甲\t乙\t合计\n"
                                "(此页无正文)\n"
                                "第 2 页\n"
                                "  B县 \t2\t2\t4\n"
                                "\t\t\t\t3 / 4\n"
                                "注：本表金额为预算数。\n";

Test(furniture, titles_units_headers_page_numbers_and_notes_are_dropped)
{
    fp_table *t = th_load_text(furniture);
    cr_assert_eq(fp_table_row_count(t), 4);
    cr_assert_str_eq(th_children(t, FP_NONE), "总计");
    cr_assert_str_eq(th_children(t, th_row(t, "总计")), "甲地区");
    cr_assert_str_eq(th_children(t, th_row(t, "甲地区")), "A县|B县", "B县 is trimmed");
    cr_assert_eq(fp_table_row_line(t, th_row(t, "B县")), 15);
    for (size_t r = 0; r < 4; r++)
        cr_assert_eq(fp_table_row_uncertain(t, r), 0);
    fp_table_free(t);
}

Test(furniture, a_unit_line_naming_another_unit_is_an_error)
{
    fp_diag d = load_fails("单位：万元\n拨款单位\t甲\t合计\n总计\t3\t3\n单位：元\nA县\t3\t3\n", NULL,
                           FP_ERR_CSV, 4);
    cr_assert(strstr(d.message, "万元") && strstr(d.message, "元"), "%s", d.message);
}

Test(furniture, header_split_over_two_lines_is_joined)
{
    fp_table *t = th_load_text("拨款单位\t原基本公共\t全年应拨付资\n"
                               "\t卫生项目\t金合计\n"
                               "合计\t5\t5\n"
                               "A县\t2\t2\n"
                               "B县\t3\t3\n"
                               "拨款单位\t原基本公共\t全年应拨付资\n"
                               "\t卫生项目\t金合计\n"
                               "C县\t0\t0\n");
    cr_assert_str_eq(fp_table_column_name(t, 1), "原基本公共卫生项目");
    cr_assert_str_eq(fp_table_column_name(t, 2), "全年应拨付资金合计");
    cr_assert_eq(fp_table_role_column(t, FP_ROLE_TOTAL), 2);
    cr_assert_eq(fp_table_row_count(t), 4);
    cr_assert_str_eq(th_children(t, th_row(t, "合计")), "A县|B县|C县", "a row of zeros stays in");
    fp_table_free(t);
}

Test(furniture, header_continued_in_its_first_column_only_with_layout_notice)
{
    fp_load_options o;
    fp_load_options_init(&o);
    o.layout = FP_LAYOUT_NOTICE;
    fp_table *t = load_text_with("拨款\t甲\t合\n单位\t类\t计\n总计\t3\t3\nA县\t1\t1\nB县\t2\t2\n", &o);
    cr_assert_str_eq(fp_table_column_name(t, 0), "拨款单位");
    cr_assert_str_eq(fp_table_column_name(t, 1), "甲类");
    cr_assert_str_eq(fp_table_column_name(t, 2), "合计");
    cr_assert_str_eq(th_children(t, th_row(t, "总计")), "A县|B县");
    fp_table_free(t);
}

Test(furniture, a_text_table_in_auto_keeps_its_first_row)
{
    fp_table *t = th_load_text("名称,备注,金额\n甲,乙,1\n");
    cr_assert_str_eq(fp_table_column_name(t, 1), "备注");
    cr_assert_eq(fp_table_row_count(t), 1);
    fp_table_free(t);
}

Test(furniture, cells_right_of_the_header_mark_the_row_uncertain)
{
    fp_table *t = th_load_text("拨款单位\t甲\t合计\n总计\t3\t3\nA县\t1\t1\t7\nB县\t2\t2\n");
    cr_assert_eq(fp_table_row_count(t), 3);
    cr_assert_eq(fp_table_row_uncertain(t, th_row(t, "A县")), 1);
    cr_assert_eq(fp_table_row_uncertain(t, th_row(t, "B县")), 0);
    cr_assert_str_eq(th_children(t, th_row(t, "总计")), "A县|B县");
    fp_table_free(t);
}

/* ---- the tree from names and sums ---- */

Test(tree, spaced_total_at_the_bottom_takes_the_rows_above)
{
    fp_table *t = th_load_text("单位\t甲\nA县\t1\nB县\t2\n合　计\t3\n");
    cr_assert_str_eq(th_children(t, FP_NONE), "合　计");
    cr_assert_str_eq(th_children(t, th_row(t, "合　计")), "A县|B县");
    fp_table_free(t);
}

Test(tree, subtotals_at_the_bottom_of_each_group)
{
    fp_table *t = th_load_text("单位\t甲\t乙\n"
                               "A1县\t1\t1\nA2县\t2\t0\n甲市小计\t3\t1\n"
                               "B1县\t4\t0\nB2县\t5\t2\n乙市小计\t9\t2\n"
                               "合计\t12\t3\n");
    cr_assert_str_eq(th_children(t, FP_NONE), "合计");
    cr_assert_str_eq(th_children(t, th_row(t, "合计")), "甲市小计|乙市小计");
    cr_assert_str_eq(th_children(t, th_row(t, "乙市小计")), "B1县|B2县");
    fp_table_free(t);
}

Test(tree, a_flat_list_whose_sums_meet_by_chance_stays_flat)
{
    fp_table *t = th_load_text("单位,金额\nA,5\nB,2\nC,3\nD,1\n");
    cr_assert_str_eq(th_children(t, FP_NONE), "A|B|C|D");
    fp_table_free(t);
}

Test(tree, a_total_takes_rows_that_met_by_chance_as_its_own)
{
    fp_table *t = th_load_text("单位,金额\n合计,11\nA,5\nB,2\nC,3\nD,1\n");
    cr_assert_str_eq(th_children(t, th_row(t, "合计")), "A|B|C|D");
    for (size_t r = 0; r < fp_table_row_count(t); r++)
        cr_assert_eq(fp_table_row_uncertain(t, r), 0);
    fp_table_free(t);
}

Test(tree, a_total_that_does_not_close_is_uncertain_with_its_rows)
{
    fp_table *t = th_load_text("单位,金额\n合计,12\nA县,5\nB县,2\n");
    cr_assert_str_eq(th_children(t, th_row(t, "合计")), "A县|B县");
    for (size_t r = 0; r < fp_table_row_count(t); r++)
        cr_assert_eq(fp_table_row_uncertain(t, r), 1, "%s", fp_table_row_name(t, r));
    fp_table_free(t);
}

Test(tree, a_region_with_one_county)
{
    fp_table *t = th_load_text("单位\t甲\t乙\n总计\t5\t3\n甲地区\t2\t1\n甲县\t2\t1\n乙地区\t3\t2\n"
                               "乙县\t1\t1\n丙县\t2\t1\n");
    cr_assert_str_eq(th_children(t, th_row(t, "总计")), "甲地区|乙地区");
    cr_assert_str_eq(th_children(t, th_row(t, "甲地区")), "甲县");
    fp_table_free(t);
}

Test(tree, ten_thousand_levels_deep)
{
    /* 第i小计 = 第i县 + 第(i+1)小计, down to two 县 at the bottom */
    enum { N = 10000 };
    size_t cap = (size_t)N * 64 + 64, len = 0;
    char *text = malloc(cap);
    len += (size_t)snprintf(text + len, cap - len, "单位,甲\n");
    for (int i = 0; i < N; i++)
        len += (size_t)snprintf(text + len, cap - len, "第%d小计,%d\n第%d县,1\n", i, N - i + 1, i);
    snprintf(text + len, cap - len, "末县,1\n");
    fp_table *t = th_load_text(text);
    size_t last = th_row(t, "末县");
    cr_assert_eq(fp_table_depth(t, last), N);
    cr_assert_str_eq(parent_name(t, last), "第9999小计");
    fp_table_free(t);
    free(text);
}

Test(tree, a_million_rows_under_one_total)
{
    enum { N = 1000000 };
    size_t cap = (size_t)N * 24 + 64, len = 0;
    char *text = malloc(cap);
    len += (size_t)snprintf(text + len, cap - len, "单位,甲\n合计,%d\n", N * 3 / 2);
    for (int i = 0; i < N; i++)
        len += (size_t)snprintf(text + len, cap - len, "%d县,%d\n", i, 1 + i % 2);
    fp_table *t = th_load_text(text);
    cr_assert_eq(fp_table_row_count(t), N + 1);
    cr_assert_eq(fp_table_parent(t, N), 0);
    cr_assert_eq(fp_table_row_uncertain(t, 0), 0);
    fp_table_free(t);
    free(text);
}

/* ---- faulty notices: keep going, build the rest right, mark the broken block ---- */

static const char *const bazhou[] = {"巴州", "库尔勒市", "轮台县", "若羌县", "且末县",
                                     "焉耆县", "和静县", "和硕县", "博湖县"};
static const char *const urumqi[] = {"乌鲁木齐市", "天山区", "沙依巴克区", "新市区", "水磨沟区",
                                     "头屯河区", "达坂城区", "米东区", "乌鲁木齐县"};
static const char *const kashgar[] = {"喀什地区", "其中：喀什地区第一人民医院", "喀什市",
                                      "疏附县", "疏勒县", "英吉沙县", "泽普县", "莎车县",
                                      "1462", "叶城县", "麦盖提县", "岳普湖县", "伽师县",
                                      "巴楚县", "塔什库尔干塔吉克自治县"};
#define N_OF(a) (sizeof a / sizeof a[0])

/* Every error that fp_check finds in T is on a row named in BLOCK, and there is one. */
static void findings_only_in(const fp_table *t, const char *const *block, size_t n)
{
    fp_report *r = NULL;
    fp_diag d;
    cr_assert_eq(fp_check(t, NULL, &r, &d), FP_OK, "%s", d.message);
    size_t errors = 0;
    for (size_t i = 0; i < fp_report_count(r); i++) {
        const fp_finding *f = fp_report_finding(r, i);
        if (f->severity != FP_SEVERITY_ERROR)
            continue;
        errors++;
        cr_assert(is_one_of(fp_table_row_name(t, f->row), block, n), "a finding on %s",
                  fp_table_row_name(t, f->row));
    }
    cr_assert_gt(errors, 0);
    fp_report_free(r);
}

Test(faults, row_lost_at_a_page_break)
{
    fp_table *t = load_notice("fault-lost-row.txt");
    cr_assert_eq(fp_table_row_count(t), 118);
    static const char *const lost[] = {"尉犁县"};
    like_bundled(t, lost, 1, bazhou, N_OF(bazhou));
    /* the untouched blocks, spelled out */
    cr_assert_str_eq(parent_name(t, th_row(t, "地州合计")), "总计");
    cr_assert_str_eq(parent_name(t, th_row(t, "乌鲁木齐市")), "地州合计");
    cr_assert_str_eq(parent_name(t, th_row(t, "天山区")), "乌鲁木齐市");
    cr_assert_str_eq(parent_name(t, th_row(t, "巴州")), "地州合计");
    cr_assert_str_eq(parent_name(t, th_row(t, "阿克苏地区")), "地州合计");
    cr_assert_str_eq(parent_name(t, th_row(t, "柯坪县")), "阿克苏地区");
    cr_assert_str_eq(parent_name(t, th_row(t, "民丰县")), "和田地区");
    cr_assert_str_eq(parent_name(t, th_row(t, "自治区卫生健康委")), "自治区本级合计");
    findings_only_in(t, bazhou, N_OF(bazhou));
    fp_table_free(t);
}

Test(faults, cell_in_the_wrong_column)
{
    fp_table *t = load_notice("fault-wrong-column.txt");
    cr_assert_eq(fp_table_row_count(t), 119);
    like_bundled(t, NULL, 0, urumqi, N_OF(urumqi));
    cr_assert_str_eq(parent_name(t, th_row(t, "伊犁州")), "地州合计");
    cr_assert_str_eq(parent_name(t, th_row(t, "伊宁市")), "伊犁州");
    findings_only_in(t, urumqi, N_OF(urumqi));
    fp_table_free(t);
}

Test(faults, row_split_over_two_lines)
{
    fp_table *t = load_notice("fault-split-row.txt");
    cr_assert_eq(fp_table_row_count(t), 120);
    like_bundled(t, NULL, 0, kashgar, N_OF(kashgar));
    cr_assert_str_eq(parent_name(t, th_row(t, "1462")), "喀什地区");
    cr_assert_str_eq(parent_name(t, th_row(t, "和田地区")), "地州合计");
    cr_assert_str_eq(parent_name(t, th_row(t, "阿图什市")), "克州");
    findings_only_in(t, kashgar, N_OF(kashgar));
    fp_table_free(t);
}

Test(faults, a_broken_grand_total_at_the_bottom_still_holds_everything)
{
    char path[1024];
    snprintf(path, sizeof path, "%s%s", NOTICE_DIR, "total-bottom.txt");
    char *orig = th_read_file(path, NULL);
    char *text = th_replace_once(orig, "\n总计\t26455\t", "\n总计\t26456\t");
    fp_table *t = th_load_text(text);
    static const char *const total[] = {"总计"};
    like_bundled(t, NULL, 0, total, 1);
    fp_table_free(t);
    free(text);
    free(orig);
}

Test(faults, a_prefecture_city_after_a_broken_prefecture_is_not_its_county)
{
    /* neither 阿勒泰地区 nor 克拉玛依市 closes; by its name alone 克拉玛依市 could be a
     * county-level city of 阿勒泰地区 (like 阿勒泰市), but the gazetteer knows it as a
     * prefecture of its own, so it and its districts go under 地州合计 */
    fp_table *t = th_load_text("拨款单位\t甲\t乙\n"
                               "总计\t20\t8\n地州合计\t20\t8\n"
                               "阿勒泰地区\t9\t4\n阿勒泰市\t5\t2\n布尔津县\t3\t1\n"
                               "克拉玛依市\t11\t4\n克拉玛依区\t7\t3\n独山子区\t3\t2\n");
    cr_assert_str_eq(th_children(t, th_row(t, "地州合计")), "阿勒泰地区|克拉玛依市");
    cr_assert_str_eq(th_children(t, th_row(t, "阿勒泰地区")), "阿勒泰市|布尔津县");
    cr_assert_str_eq(th_children(t, th_row(t, "克拉玛依市")), "克拉玛依区|独山子区");
    cr_assert_eq(fp_table_row_uncertain(t, th_row(t, "克拉玛依市")), 1);
    fp_table_free(t);
    /* a county-level city of the open prefecture stays under it (奎屯市 in 伊犁州) */
    t = th_load_text("拨款单位\t甲\t乙\n"
                     "总计\t20\t8\n地州合计\t20\t8\n"
                     "伊犁州\t9\t4\n伊宁县\t6\t2\n奎屯市\t3\t1\n察布查尔县\t1\t1\n"
                     "塔城地区\t11\t4\n塔城市\t7\t3\n额敏县\t3\t2\n");
    cr_assert_str_eq(th_children(t, th_row(t, "伊犁州")), "伊宁县|奎屯市|察布查尔县");
    cr_assert_str_eq(th_children(t, th_row(t, "地州合计")), "伊犁州|塔城地区");
    fp_table_free(t);
}

/* ---- units ---- */

static fp_table *load_to(const char *text, const char *unit)
{
    fp_load_options o;
    fp_load_options_init(&o);
    o.to_unit = unit;
    return load_text_with(text, &o);
}

static fp_diag to_unit_fails(const char *text, const char *unit, fp_error code, long line)
{
    fp_load_options o;
    fp_load_options_init(&o);
    o.to_unit = unit;
    return load_fails(text, &o, code, line);
}

Test(units, wan_yuan_to_yuan_multiplies_exactly)
{
    fp_table *t = load_to("单位：万元\n单位\t甲\t合计\n总计\t5141.32\t5438.4998\nA县\t5141.32\t5438.4998\n",
                          "元");
    cr_assert_str_eq(fp_table_unit(t), "元");
    cr_assert_eq(fp_table_amount(t, 0, 1), U(51413200));
    cr_assert_eq(fp_table_amount(t, 0, 2), U(54384998));
    cr_assert_eq(fp_table_column_decimals(t, 1), 0);
    fp_table_free(t);
}

Test(units, yuan_to_wan_yuan_divides_exactly)
{
    fp_table *t = load_to("单位：元\n单位\t甲\n总计\t12345.67\nA县\t12345.67\n", "万元");
    cr_assert_str_eq(fp_table_unit(t), "万元");
    cr_assert_eq(fp_table_amount(t, 0, 1), 1234567); /* 1.234567 万元 */
    cr_assert_eq(fp_table_column_decimals(t, 1), 6);
    fp_table_free(t);
}

Test(units, bundled_notice_round_trip)
{
    char path[1024];
    snprintf(path, sizeof path, "%s%s", NOTICE_DIR, "pages.txt");
    fp_load_options o;
    fp_load_options_init(&o);
    o.to_unit = "亿元";
    fp_table *t = load_path(path, &o);
    size_t total = th_col(t, "全年应拨付资金合计");
    cr_assert_eq(fp_table_amount(t, th_row(t, "总计"), total), 2926000); /* 2.926 亿元 */
    cr_assert_eq(fp_table_column_decimals(t, total), 4);
    fp_table_free(t);
}

Test(units, same_unit_changes_nothing)
{
    fp_table *t = load_to("单位：万元 \n单位\t甲\nA\t1.5\n", "万元");
    cr_assert_str_eq(fp_table_unit(t), "万元");
    cr_assert_eq(fp_table_amount(t, 0, 1), U(1) + U(1) / 2);
    fp_table_free(t);
}

Test(units, losing_digits_is_an_error_naming_the_cell)
{
    fp_diag d = to_unit_fails("单位：元\n单位\t甲\t乙\nA\t100\t200\nB\t300\t0.5\n", "亿元",
                              FP_ERR_AMOUNT_PRECISION, 4);
    cr_assert_str_eq(d.column, "乙");
    cr_assert_str_eq(d.text, "0.5");
    cr_assert(strstr(d.message, "B"), "names the unit: %s", d.message);
}

Test(units, overflow_is_an_error_naming_the_cell)
{
    fp_diag d = to_unit_fails("单位：亿元\n单位\t甲\nA\t9000000000\n", "元",
                              FP_ERR_AMOUNT_OVERFLOW, 3);
    cr_assert_str_eq(d.column, "甲");
}

Test(units, a_table_without_a_unit_line_cannot_be_converted)
{
    fp_table *t = NULL;
    fp_diag d;
    fp_load_options o;
    fp_load_options_init(&o);
    o.to_unit = "元";
    cr_assert_eq(fp_table_load_file(TH_BUNDLED, &o, &t, &d), FP_ERR_ARGUMENT);
    cr_assert_null(t);
    cr_assert(strstr(d.message, "单位：万元"), "asks for the unit line: %s", d.message);
}

Test(units, unknown_units_are_errors)
{
    fp_diag d = to_unit_fails("单位：万元\n单位\t甲\nA\t1\n", "美元", FP_ERR_ARGUMENT, 0);
    cr_assert(strstr(d.message, "美元"), "%s", d.message);
    d = to_unit_fails("单位：千元\n单位\t甲\nA\t1\n", "元", FP_ERR_ARGUMENT, 0);
    cr_assert(strstr(d.message, "千元"), "%s", d.message);
}

Test(units, a_canonical_table_with_a_unit_line_converts_too)
{
    fp_table *t = load_to("单位：万元\n级次,单位,甲\n0,总计,3\n1,A,3\n", "元");
    cr_assert_eq(fp_table_amount(t, 1, th_col(t, "甲")), U(30000));
    cr_assert_eq(fp_table_parent(t, 1), 0);
    fp_table_free(t);
}
