/* tests/test_convert.c — fenpei convert end to end: notice texts back to the canonical CSV, the
 * tree it shows, uncertain rows, --to-unit, safe output files, exit statuses. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "helpers.h"

#define NOTICE_DIR FENPEI_SOURCE_DIR "/tests/data/notice/"


static char *fixture(const char *name) { return th_path(NOTICE_DIR, name); }

/* Convert notice fixture NAME and compare with the bundled canonical CSV, byte for byte. */
static void converts_to_bundled(const char *name)
{
    char *in = fixture(name);
    char out_name[256];
    snprintf(out_name, sizeof out_name, "convert-%s.csv", name);
    th_converts_to(in, out_name, TH_BUNDLED);
    free(in);
}

/* ---- notice texts back to the bundled table ---- */

Test(notice, plain) { converts_to_bundled("plain.txt"); }
Test(notice, pages_every_40_rows) { converts_to_bundled("pages.txt"); }
Test(notice, header_split_over_two_lines) { converts_to_bundled("split-header.txt"); }
Test(notice, blank_page_between_data_rows) { converts_to_bundled("blank-page.txt"); }
Test(notice, total_at_the_bottom) { converts_to_bundled("total-bottom.txt"); }
Test(notice, gb18030) { converts_to_bundled("gb18030.txt"); }
Test(notice, unit_beside_the_header_and_a_reworded_later_header)
{
    converts_to_bundled("unit-beside-header.txt");
}
Test(notice, unit_top_right_and_a_padded_reworded_later_header)
{
    converts_to_bundled("unit-top-right.txt");
}

/* check of the real shapes: clean, exit 0 */
static void checks_clean(const char *name)
{
    char *in = fixture(name);
    th_run r = TH_FENPEI("check", in);
    cr_assert_eq(r.status, 0, "%s: exit %d: %s%s", name, r.status, r.out, r.err);
    cr_assert(strstr(r.out, "共 119 行：各项平衡关系全部成立，0 个警告。"), "%s", r.out);
    th_run_free(&r);
    free(in);
}

Test(notice, check_of_unit_beside_the_header_is_clean) { checks_clean("unit-beside-header.txt"); }
Test(notice, check_of_unit_top_right_is_clean) { checks_clean("unit-top-right.txt"); }

Test(canonical, the_bundled_table_converts_to_itself)
{
    char *out = th_out_path("convert-bundled.csv");
    th_run r = TH_FENPEI("convert", TH_BUNDLED, "-o", out);
    cr_assert_eq(r.status, 0, "%s", r.err);
    th_same_file(out, TH_BUNDLED);
    th_run_free(&r);
    free(out);
}

Test(canonical, blanks_become_0_and_tree_columns_become_levels)
{
    char *in = th_write_tmp_text("convert-parent.csv", "单位,上级,甲,合计,备注\n"
                                                       "A县,总计,1,1,\"x,y\"\n"
                                                       "总计,,1,,\n");
    char *out = th_out_path("convert-parent-out.csv");
    th_run r = TH_FENPEI("convert", in, "-o", out);
    cr_assert_eq(r.status, 0, "%s", r.err);
    char *got = th_read_file(out, NULL);
    cr_assert_str_eq(got, "级次,单位,甲,合计,备注\r\n0,总计,1,0,\r\n1,A县,1,1,\"x,y\"\r\n");
    free(got);
    th_run_free(&r);
    free(out);
    free(in);
}

/* ---- the tree shown ---- */

static void shows_tree(const char *name, const char *tree, int status)
{
    char *in = fixture(name), *want = fixture(tree);
    char *exp = th_read_file(want, NULL);
    cr_assert_not_null(exp);
    th_run r = TH_FENPEI("convert", "--show-tree", in);
    cr_assert_eq(r.status, status, "%s: exit %d: %s", name, r.status, r.err);
    cr_assert_str_eq(r.out, exp, "%s: the tree differs from %s", name, tree);
    free(exp);
    th_run_free(&r);
    free(want);
    free(in);
}

Test(show_tree, bundled_notice) { shows_tree("pages.txt", "tree.txt", 0); }
Test(show_tree, row_lost_at_a_page_break)
{
    shows_tree("fault-lost-row.txt", "fault-lost-row.tree.txt", 1);
}
Test(show_tree, cell_in_the_wrong_column)
{
    shows_tree("fault-wrong-column.txt", "fault-wrong-column.tree.txt", 1);
}
Test(show_tree, row_split_over_two_lines)
{
    shows_tree("fault-split-row.txt", "fault-split-row.tree.txt", 1);
}

Test(show_tree, with_output_too)
{
    char *in = fixture("plain.txt"), *want = fixture("tree.txt");
    char *exp = th_read_file(want, NULL);
    char *out = th_out_path("convert-tree-and-output.csv");
    th_run r = TH_FENPEI("convert", in, "--show-tree", "-o", out);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert_str_eq(r.out, exp);
    th_same_file(out, TH_BUNDLED);
    th_run_free(&r);
    free(out);
    free(exp);
    free(want);
    free(in);
}

/* ---- faulty notices: written, warned about, exit 1; check reports the broken block ---- */

Test(faults, uncertain_rows_are_named_and_the_table_still_written)
{
    char *in = fixture("fault-lost-row.txt");
    char *out = th_out_path("convert-lost-row.csv");
    th_run r = TH_FENPEI("convert", in, "-o", out);
    cr_assert_eq(r.status, 1, "%s", r.err);
    cr_assert(strstr(r.err, "warning") && strstr(r.err, "9 rows") && strstr(r.err, "巴州"),
              "%s", r.err);
    char *got = th_read_file(out, NULL);
    cr_assert_not_null(got);
    cr_assert(strstr(got, "\r\n2,巴州,1403,0,31,0,0,0,1434,1272,162\r\n3,库尔勒市,"), "%s", got);
    cr_assert_null(strstr(got, "尉犁县"));
    free(got);
    th_run_free(&r);
    free(out);
    free(in);
}

static void check_reports(const char *name, const char *where)
{
    char *in = fixture(name);
    th_run r = TH_FENPEI("check", in);
    cr_assert_eq(r.status, 1, "%s: %s", name, r.err);
    cr_assert(strstr(r.out, where), "%s: no finding at %s:\n%s", name, where, r.out);
    th_run_free(&r);
    free(in);
}

Test(faults, check_reports_the_broken_blocks)
{
    check_reports("fault-lost-row.txt", "总计 / 地州合计 / 巴州\n  错误  列合计");
    check_reports("fault-wrong-column.txt", "总计 / 地州合计 / 乌鲁木齐市\n  错误  列合计");
    check_reports("fault-split-row.txt", "总计 / 地州合计 / 喀什地区\n  错误  列合计");
}

Test(faults, check_of_a_good_notice_is_clean)
{
    char *in = fixture("split-header.txt");
    th_run r = TH_FENPEI("check", in);
    cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
    th_run_free(&r);
    free(in);
}

/* ---- units ---- */

Test(units, to_yuan_and_back)
{
    char *in = fixture("pages.txt");
    char *yuan = th_out_path("convert-yuan.csv"), *back = th_out_path("convert-back.csv");
    th_run r = TH_FENPEI("convert", in, "--to-unit", "元", "-o", yuan);
    cr_assert_eq(r.status, 0, "%s", r.err);
    char *got = th_read_file(yuan, NULL);
    cr_assert(strncmp(got, "单位：元\r\n级次,单位,", strlen("单位：元\r\n级次,单位,")) == 0, "%s", got);
    cr_assert(strstr(got, "\r\n0,总计,264550000,5000000,7000000,1550000,2200000,12300000,"
                          "292600000,259330000,33270000\r\n"),
              "%s", got);
    th_run_free(&r);
    r = TH_FENPEI("convert", yuan, "--to-unit", "万元", "-o", back);
    cr_assert_eq(r.status, 0, "%s", r.err);
    char *twice = th_read_file(back, NULL), *bundled = th_read_file(TH_BUNDLED, NULL);
    const char *unit_line = "单位：万元\r\n";
    cr_assert(strncmp(twice, unit_line, strlen(unit_line)) == 0, "%s", twice);
    cr_assert_str_eq(twice + strlen(unit_line), bundled);
    free(bundled);
    free(twice);
    free(got);
    th_run_free(&r);
    free(back);
    free(yuan);
    free(in);
}

Test(units, a_table_without_a_unit_line_is_refused)
{
    char *out = th_out_path("convert-no-unit.csv");
    th_run r = TH_FENPEI("convert", TH_BUNDLED, "--to-unit", "元", "-o", out);
    cr_assert_eq(r.status, 2);
    cr_assert(strstr(r.err, "单位：万元"), "asks for the unit: %s", r.err);
    cr_assert_eq(access(out, F_OK), -1, "nothing written");
    th_run_free(&r);
    free(out);
}

Test(units, losing_digits_is_refused_naming_the_cell)
{
    char *in = th_write_tmp_text("convert-yuan-in.txt", "单位：元\n单位\t甲\nA\t100\nB\t0.5\n");
    char *out = th_out_path("convert-yiyuan.csv");
    th_run r = TH_FENPEI("convert", in, "--to-unit", "亿元", "-o", out);
    cr_assert_eq(r.status, 2);
    cr_assert(strstr(r.err, ":4:") && strstr(r.err, "甲") && strstr(r.err, "0.5") &&
                  strstr(r.err, "亿元"),
              "%s", r.err);
    cr_assert_eq(access(out, F_OK), -1, "nothing written");
    th_run_free(&r);
    free(out);
    free(in);
}

Test(units, unknown_unit)
{
    char *in = fixture("plain.txt");
    th_run r = TH_FENPEI("convert", in, "--to-unit", "美元", "--show-tree");
    cr_assert_eq(r.status, 2);
    cr_assert(strstr(r.err, "美元") && strstr(r.err, "万元"), "%s", r.err);
    th_run_free(&r);
    free(in);
}

/* ---- output files and the command line ---- */

Test(output, an_existing_file_is_kept_without_force)
{
    char *in = fixture("plain.txt");
    char *out = th_write_tmp_text("convert-exists.csv", "keep me\n");
    th_run r = TH_FENPEI("convert", in, "-o", out);
    cr_assert_eq(r.status, 2);
    cr_assert(strstr(r.err, "--force"), "%s", r.err);
    char *got = th_read_file(out, NULL);
    cr_assert_str_eq(got, "keep me\n");
    free(got);
    th_run_free(&r);
    r = TH_FENPEI("convert", in, "-o", out, "--force");
    cr_assert_eq(r.status, 0, "%s", r.err);
    th_same_file(out, TH_BUNDLED);
    th_run_free(&r);
    free(out);
    free(in);
}

Test(output, unwritable_folder)
{
    char *in = fixture("plain.txt");
    th_run r = TH_FENPEI("convert", in, "-o", "/nonexistent-folder/out.csv");
    cr_assert_eq(r.status, 2);
    cr_assert(strstr(r.err, "/nonexistent-folder/out.csv"), "%s", r.err);
    th_run_free(&r);
    free(in);
}

Test(usage, needs_an_output_or_the_tree)
{
    char *in = fixture("plain.txt");
    th_run r = TH_FENPEI("convert", in);
    cr_assert_eq(r.status, 2);
    cr_assert(strstr(r.err, "-o") && strstr(r.err, "--show-tree"), "%s", r.err);
    th_run_free(&r);
    free(in);
}

Test(usage, errors_exit_2)
{
    th_run r = TH_FENPEI("convert", "--show-tree");
    cr_assert_eq(r.status, 2);
    th_run_free(&r);
    r = TH_FENPEI("convert", "/nonexistent.txt", "--show-tree");
    cr_assert_eq(r.status, 2);
    cr_assert(strstr(r.err, "/nonexistent.txt"), "%s", r.err);
    th_run_free(&r);
    r = TH_FENPEI("convert", "--layout", "sideways", TH_BUNDLED, "--show-tree");
    cr_assert_eq(r.status, 2);
    th_run_free(&r);
    r = TH_FENPEI("convert", "--bogus", TH_BUNDLED);
    cr_assert_eq(r.status, 2);
    th_run_free(&r);
}

Test(usage, help)
{
    th_run r = TH_FENPEI("convert", "--help", "--lang", "en");
    cr_assert_eq(r.status, 0);
    cr_assert(strstr(r.out, "--show-tree") && strstr(r.out, "--to-unit") &&
                  strstr(r.out, "Exit status"),
              "%s", r.out);
    th_run_free(&r);
}
