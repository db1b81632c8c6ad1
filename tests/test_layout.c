/* tests/test_layout.c — space-aligned text (pdftotext -layout, a PDF viewer's copy) read through
 * read/layout.c: columns from the positions of the characters, a header wrapped over three lines
 * joined per column, blank cells read as blank (not as a shift), East Asian wide characters two
 * columns wide, page furniture repeated between pages. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "util/utf8.h"

static fp_table *load_text(const char *text, fp_error want)
{
    fp_table *t = NULL;
    fp_diag d;
    fp_error e = fp_table_load_memory(text, strlen(text), "copy.txt", NULL, &t, &d);
    cr_assert_eq(e, want, "got %d: %s", e, d.message);
    return t;
}

static fp_amount amt(const fp_table *t, const char *row, const char *col)
{
    return fp_table_amount(t, th_row(t, row), th_col(t, col)) / FP_AMOUNT_SCALE;
}

/* One character a column, as pdftotext -layout prints: the header wrapped over three lines,
 * blanks under columns, the title, unit line and header again on a second page. */
static const char narrow[] =
    "          2024年某项资金分配表\n"
    "                                        单位：万元\n"
    "\n"
    "                   国家应急\n"
    "  拨款单位      原基本公   队伍补充   全年应拨   已提前下   此次下达\n"
    "            卫生项目   运维项目   付资金合   达\n"
    "                          计\n"
    "总计           300     20    320    300     20\n"
    "甲市           200     20    220    200     20\n"
    "  甲县         120           120    110     10\n"
    "  乙县          80     20    100     90     10\n"
    "\f          2024年某项资金分配表\n"
    "                                        单位：万元\n"
    "                   国家应急\n"
    "  拨款单位      原基本公   队伍补充   全年应拨   已提前下   此次下达\n"
    "            卫生项目   运维项目   付资金合   达\n"
    "                          计\n"
    "乙市           100           100    100\n"
    "                                                 — 2 —\n";

Test(layout, a_header_wrapped_over_three_lines_is_joined_per_column)
{
    fp_table *t = load_text(narrow, FP_OK);
    cr_assert_eq(fp_table_column_count(t), 6);
    cr_assert_str_eq(fp_table_column_name(t, 0), "拨款单位");
    cr_assert_str_eq(fp_table_column_name(t, 1), "原基本公卫生项目");
    cr_assert_str_eq(fp_table_column_name(t, 2), "国家应急队伍补充运维项目");
    cr_assert_str_eq(fp_table_column_name(t, 3), "全年应拨付资金合计");
    cr_assert_str_eq(fp_table_column_name(t, 4), "已提前下达");
    cr_assert_str_eq(fp_table_column_name(t, 5), "此次下达");
    cr_assert_str_eq(fp_table_unit(t), "万元");
    cr_assert_str_eq(fp_table_title(t), "2024年某项资金分配表");
    fp_table_free(t);
}

Test(layout, a_blank_cell_is_a_gap_not_a_shift)
{
    fp_table *t = load_text(narrow, FP_OK);
    cr_assert_eq(fp_table_row_count(t), 5, "the second page's furniture dropped");
    size_t r = th_row(t, "甲县");
    cr_assert(fp_table_is_blank(t, r, th_col(t, "国家应急队伍补充运维项目")));
    cr_assert_eq(amt(t, "甲县", "全年应拨付资金合计"), 120);
    cr_assert_eq(amt(t, "甲县", "已提前下达"), 110);
    cr_assert_eq(amt(t, "甲县", "此次下达"), 10);
    cr_assert(fp_table_is_blank(t, th_row(t, "乙市"), th_col(t, "此次下达")));
    cr_assert_eq(amt(t, "乙市", "已提前下达"), 100);
    /* the tree from the sums: 总计 → {甲市 → {甲县, 乙县}, 乙市} */
    cr_assert_eq(fp_table_parent(t, th_row(t, "甲县")), th_row(t, "甲市"));
    cr_assert_eq(fp_table_parent(t, th_row(t, "乙市")), th_row(t, "总计"));
    fp_table_free(t);
}

/* Aligned for a monospaced screen: a Chinese character two columns wide. */
static const char wide[] =
    "单位：万元\n"
    "单位          原基本公共卫生项目    医养结合    合计\n"
    "总计                        300          20     320\n"
    "阿勒泰地区                  280                 280\n"
    "布尔津县                     20          20      40\n";

Test(layout, wide_characters_take_two_columns)
{
    cr_assert_eq(utf8_width("布尔津县", strlen("布尔津县")), 8);
    cr_assert_eq(utf8_width("〔2024〕", strlen("〔2024〕")), 8);
    cr_assert_eq(utf8_width("— 3 —", strlen("— 3 —")), 5);
    fp_table *t = load_text(wide, FP_OK);
    cr_assert_eq(fp_table_column_count(t), 4);
    cr_assert(fp_table_is_blank(t, th_row(t, "阿勒泰地区"), th_col(t, "医养结合")));
    cr_assert_eq(amt(t, "阿勒泰地区", "合计"), 280);
    cr_assert_eq(amt(t, "布尔津县", "医养结合"), 20);
    fp_table_free(t);
}

Test(layout, cells_squeezed_to_one_space_are_split)
{
    /* two amount cells of neighbouring columns with one space between them ("676 0") */
    static const char text[] =
        "单位          甲项目  乙项目  丙项目   合计\n"
        "总计             676 0    15      691\n"
        "甲县             676  0   15      691\n"
        "乙县                 0     0        0\n";
    fp_table *t = load_text(text, FP_OK);
    cr_assert_eq(amt(t, "总计", "甲项目"), 676);
    cr_assert_eq(amt(t, "总计", "乙项目"), 0);
    cr_assert(!fp_table_is_blank(t, th_row(t, "总计"), th_col(t, "乙项目")));
    cr_assert_eq(amt(t, "总计", "丙项目"), 15);
    cr_assert_eq(amt(t, "总计", "合计"), 691);
    fp_table_free(t);
}

Test(layout, text_with_no_table)
{
    static const char text[] = "关于下达资金的通知\n"
                               "各地  财政局：\n"
                               "  现下达资金  请按规定使用。\n"
                               "  附件  分配表\n";
    fp_table *t = load_text(text, FP_ERR_EMPTY);
    cr_assert_null(t);
}

Test(layout, tab_separated_text_is_not_space_aligned)
{
    /* tabs go the CSV way, as before */
    fp_table *t = th_load_text("单位\t合计\n总计\t3\n甲\t1\n乙\t2\n");
    cr_assert_eq(fp_table_row_count(t), 3);
    fp_table_free(t);
}

/* Traditional characters (a site serving pages converted to traditional script), and the unit
 * printed on the header's line of a later page. */
Test(layout, traditional_characters_and_the_unit_on_the_header_line)
{
    static const char text[] =
        "某項資金分配表\n"
        "單位          甲項目    乙項目     合計\n"
        "總計             30        10       40\n"
        "甲縣             20                 20\n"
        "\f單位                     單位：萬元\n"
        "              甲項目    乙項目     合計\n"
        "乙縣             10        10       20\n";
    fp_table *t = load_text(text, FP_OK);
    cr_assert_eq(fp_table_column_count(t), 4);
    cr_assert_str_eq(fp_table_column_name(t, 1), "甲項目");
    cr_assert_eq(fp_table_row_count(t), 3);
    cr_assert(fp_table_is_blank(t, th_row(t, "甲縣"), th_col(t, "乙項目")));
    cr_assert_eq(amt(t, "乙縣", "合計"), 20);
    fp_table_free(t);
}
