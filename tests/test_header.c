/* tests/test_header.c — headers over several lines: a group header spanning its sub-columns
 * (tab and space-aligned text, XLSX merged cells, Word gridSpan), and columns whose headers
 * repeat — told apart by their group (C级/户数) or by their place (补助资金(万元)#2). */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"

#define U(x) ((fp_amount)(x) * FP_AMOUNT_SCALE)
#define NOTICE_DIR FENPEI_SOURCE_DIR "/tests/data/notice/"
#define DIANJIANG NOTICE_DIR "real-dianjiang-2021-rural-housing-repair.txt"

static fp_table *load_path(const char *path)
{
    fp_table *t = NULL;
    fp_diag d;
    fp_error e = fp_table_load_file(path, NULL, &t, &d);
    cr_assert_eq(e, FP_OK, "%s: line %ld %s: %s", path, d.line, d.cell, d.message);
    return t;
}

static fp_table *load_text(const char *text)
{
    fp_table *t = NULL;
    fp_diag d;
    fp_error e = fp_table_load_memory(text, strlen(text), "copy.txt", NULL, &t, &d);
    cr_assert_eq(e, FP_OK, "line %ld: %s", d.line, d.message);
    return t;
}

/* The column names of T joined by '|'. */
static char *names(const fp_table *t)
{
    static char buf[4096];
    buf[0] = '\0';
    for (size_t c = 0; c < fp_table_column_count(t); c++) {
        if (c)
            strcat(buf, "|");
        strcat(buf, fp_table_column_name(t, c));
    }
    return buf;
}

/* The names of the category columns of T joined by '|'. */
static char *categories(const fp_table *t)
{
    static char buf[4096];
    buf[0] = '\0';
    const size_t *cols;
    size_t n = fp_table_categories(t, &cols);
    for (size_t i = 0; i < n; i++) {
        if (i)
            strcat(buf, "|");
        strcat(buf, fp_table_column_name(t, cols[i]));
    }
    return buf;
}


static fp_amount at(const fp_table *t, const char *row, const char *col)
{
    return fp_table_amount(t, th_row(t, row), th_col(t, col));
}

/* ---- 垫江 2021: two columns headed 补助资金(万元) under each of C级, D级, 无房户, 合计 ---- */

Test(dianjiang, the_published_table_reads_with_group_names_and_checks_clean)
{
    fp_table *t = load_path(DIANJIANG);
    cr_assert_str_eq(names(t), "序号|乡镇、街道|C级/户数|C级/补助资金(万元)|D级/户数|"
                               "D级/补助资金(万元)|无房户/户数|无房户/补助资金(万元)|总户数|"
                               "合计/补助资金(万元)");
    cr_assert_str_eq(categories(t), "C级/补助资金(万元)|D级/补助资金(万元)|无房户/补助资金(万元)");
    cr_assert_eq(fp_table_role_column(t, FP_ROLE_TOTAL), 9);
    cr_assert(fp_table_column_is_quantity(t, 2) && fp_table_column_is_quantity(t, 8));
    cr_assert_eq(fp_table_row_count(t), 24); /* 合计 and 23 towns; the 备注 line is no row */
    cr_assert_eq(at(t, "沙坪镇", "C级/户数"), U(1));
    cr_assert_eq(at(t, "沙坪镇", "C级/补助资金(万元)"), U(3) / 4);
    cr_assert_eq(at(t, "沙坪镇", "合计/补助资金(万元)"), U(495) / 100);
    cr_assert_eq(at(t, "合  计", "D级/补助资金(万元)"), U(882) / 10);
    cr_assert_eq(at(t, "合  计", "总户数"), U(57));
    cr_assert_eq(at(t, "合  计", "合计/补助资金(万元)"), U(11565) / 100);
    size_t warn = 9;
    cr_assert_eq(th_errors_of(t, &warn), 0);
    cr_assert_eq(warn, 0);
    fp_table_free(t);
}

Test(dianjiang, convert_gives_every_figure_of_the_page)
{
    /* the expected CSV was compared with the page's text cell by cell (192 amounts and counts,
     * blanks as 0; tests/data/notice/README.md) */
    const char *argv[] = {FENPEI_BIN, "convert", DIANJIANG, "--show-tree", NULL};
    th_run r = th_run_argv(argv);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert(strncmp(r.out, "  乡镇、街道  合计/补助资金(万元)\n  合  计  115.65\n    桂阳街道  6.30\n",
                      strlen("  乡镇、街道  合计/补助资金(万元)\n  合  计  115.65\n    桂阳街道  6.30\n")) == 0,
              "%s", r.out);
    th_run_free(&r);
    char *out = th_write_tmp_text("dianjiang.csv", "");
    remove(out);
    const char *conv[] = {FENPEI_BIN, "convert", DIANJIANG, "-o", out, NULL};
    r = th_run_argv(conv);
    cr_assert_eq(r.status, 0, "%s", r.err);
    th_run_free(&r);
    char *got = th_read_file(out, NULL);
    char *want = th_read_file(TH_EXPECTED_DIR "/dianjiang-2021.csv", NULL);
    cr_assert_str_eq(got, want);
    free(got);
    free(want);
    free(out);
}

Test(dianjiang, a_mistyped_subsidy_is_found_in_its_group)
{
    char *orig = th_read_file(DIANJIANG, NULL);
    char *text = th_replace_once(orig, "4\t沙坪镇\t1\t0.75\t", "4\t沙坪镇\t1\t0.85\t");
    fp_table *t = load_text(text);
    fp_report *r = NULL;
    fp_diag d;
    cr_assert_eq(fp_check(t, NULL, &r, &d), FP_OK);
    cr_assert_eq(fp_report_errors(r), 2);
    const fp_finding *f0 = fp_report_finding(r, 0), *f1 = fp_report_finding(r, 1);
    cr_assert_eq(f0->rule, FP_RULE_CATEGORY_SPLIT);
    cr_assert_eq(f0->row, th_row(t, "沙坪镇"));
    cr_assert_eq(f0->difference, -U(1) / 10);
    cr_assert_eq(f1->rule, FP_RULE_COLUMN_SUM);
    cr_assert_str_eq(fp_table_column_name(t, f1->column), "C级/补助资金(万元)");
    cr_assert_eq(f1->expected, U(235) / 100);
    fp_report_free(r);
    fp_table_free(t);
    free(text);
    free(orig);
}

/* ---- a header repeated without a group: told apart by place ---- */

Test(repeat, a_repeated_amount_header_is_numbered_by_its_place)
{
    fp_table *t = load_text("单位\t补助资金(万元)\t补助资金(万元)\t合计\n"
                            "合计\t3\t4\t7\n甲县\t1\t2\t3\n乙县\t2\t2\t4\n");
    cr_assert_str_eq(names(t), "单位|补助资金(万元)|补助资金(万元)#2|合计");
    cr_assert_eq(at(t, "甲县", "补助资金(万元)#2"), U(2));
    cr_assert_eq(th_errors_of(t, NULL), 0);
    fp_table_free(t);
}

Test(repeat, a_repeated_name_header_or_a_canonical_table_is_still_an_error)
{
    static const char *const bad[] = {"单位\t金额\t单位\t合计\n甲\t1\t乙\t1\n",
                                      "级次,单位,甲,甲\n0,总计,3,3\n"};
    for (size_t i = 0; i < 2; i++) {
        fp_table *t = NULL;
        fp_diag d;
        cr_assert_eq(fp_table_load_memory(bad[i], strlen(bad[i]), "x.txt", NULL, &t, &d),
                     FP_ERR_COLUMN, "%s", bad[i]);
        cr_assert(strstr(d.message, "two columns are headed"), "%s", d.message);
    }
}

/* ---- a group header over three sub-columns, from other producers ---- */

#define HEADER_DIR FENPEI_SOURCE_DIR "/tests/data/header/"

/* The table of tests/make_header_fixtures.py: 资金情况 over 中央资金, 地方资金, 合计. */
static void reads_the_group_table(const char *name)
{
    char path[1024];
    snprintf(path, sizeof path, "%s%s", HEADER_DIR, name);
    fp_table *t = load_path(path);
    cr_assert_str_eq(names(t), "单位|中央资金|地方资金|合计|备注", "%s: %s", name, names(t));
    cr_assert_str_eq(categories(t), "中央资金|地方资金", "%s", name);
    cr_assert_eq(fp_table_role_column(t, FP_ROLE_TOTAL), 3, "%s", name);
    cr_assert_eq(fp_table_role_column(t, FP_ROLE_TEXT), 4, "%s", name);
    cr_assert_eq(fp_table_row_count(t), 5, "%s", name);
    cr_assert_eq(at(t, "合计", "中央资金"), U(300), "%s", name);
    cr_assert_eq(at(t, "甲县", "地方资金"), U(60), "%s", name);
    cr_assert_eq(at(t, "乙市", "合计"), U(150), "%s", name);
    cr_assert_str_eq(fp_table_text(t, th_row(t, "甲县"), 4), "含结转", "%s", name);
    cr_assert_eq(fp_table_parent(t, th_row(t, "乙县")), th_row(t, "甲市"), "%s", name);
    cr_assert_eq(fp_table_parent(t, th_row(t, "乙市")), th_row(t, "合计"), "%s", name);
    size_t warn = 9;
    cr_assert_eq(th_errors_of(t, &warn), 0, "%s", name);
    cr_assert_eq(warn, 0, "%s", name);
    fp_table_free(t);
}

Test(group, tab_text) { reads_the_group_table("group.txt"); }
Test(group, xlsx_merged_cells_from_openpyxl) { reads_the_group_table("group.xlsx"); }
Test(group, xlsx_resaved_by_libreoffice) { reads_the_group_table("group-lo.xlsx"); }
Test(group, docx_grid_span_from_python_docx) { reads_the_group_table("group.docx"); }
/* printed: the group centred over its sub-columns, no borders, the remark beside 180 */
Test(group, pdf_from_libreoffice_calc) { reads_the_group_table("group-lo.pdf"); }
Test(group, pdftotext_layout_of_libreoffice_calc) { reads_the_group_table("group-lo.txt"); }
/* Writer: the group left in its merged cell on the line of 单位 and 备注, over 中央资金 alone */
Test(group, pdf_from_libreoffice_writer) { reads_the_group_table("group-writer.pdf"); }
Test(group, pdftotext_layout_of_libreoffice_writer) { reads_the_group_table("group-writer.txt"); }
/* reportlab, STSong-Light: the group centred over the three, overlapping 地方资金 */
Test(group, pdf_from_reportlab) { reads_the_group_table("group-rl.pdf"); }
Test(group, pdftotext_layout_of_reportlab) { reads_the_group_table("group-rl.txt"); }

Test(group, convert_writes_the_printed_table_as_the_workbook_reads)
{
    static const char *const printed[] = {"group-lo.pdf", "group-lo.txt", "group-writer.pdf",
                                          "group-writer.txt", "group-rl.pdf", "group-rl.txt"};
    for (size_t i = 0; i < sizeof printed / sizeof printed[0]; i++) {
        char path[1024];
        snprintf(path, sizeof path, "%s%s", HEADER_DIR, printed[i]);
        char *out = th_write_tmp_text("group.csv", "");
        remove(out);
        const char *argv[] = {FENPEI_BIN, "convert", path, "-o", out, NULL};
        th_run r = th_run_argv(argv);
        cr_assert_eq(r.status, 0, "%s: %s", printed[i], r.err);
        cr_assert_str_eq(r.err, "", "%s", printed[i]);
        th_run_free(&r);
        char *got = th_read_file(out, NULL);
        cr_assert_str_eq(got, "级次,单位,中央资金,地方资金,合计,备注\r\n"
                              "0,合计,300,150,450,\r\n"
                              "1,甲市,200,100,300,\r\n"
                              "2,甲县,120,60,180,含结转\r\n"
                              "2,乙县,80,40,120,\r\n"
                              "1,乙市,100,50,150,\r\n",
                         "%s:\n%s", printed[i], got);
        free(got);
        remove(out);
        free(out);
    }
}

/* three groups side by side, each over 户数 and 补助资金 (the 垫江 2021 layout), from reportlab */
static fp_table *load_groups(const char *name)
{
    char path[1024];
    snprintf(path, sizeof path, "%s%s", HEADER_DIR, name);
    fp_table *t = load_path(path);
    cr_assert_eq(fp_table_row_count(t), 3, "%s", name);
    static const long want[3][6] = {{100, 75, 300, 630, 400, 705},
                                    {200, 150, 100, 210, 300, 360},
                                    {300, 225, 400, 840, 700, 1065}};
    static const char *const rows[3] = {"甲镇", "乙镇", "合计"};
    for (size_t r = 0; r < 3; r++)
        for (size_t c = 0; c < 6; c++)
            cr_assert_eq(fp_table_amount(t, th_row(t, rows[r]), 2 + c), U(want[r][c]) / 100,
                         "%s: %s, column %zu", name, rows[r], 2 + c);
    return t;
}

Test(group, side_by_side_groups_in_a_reportlab_pdf)
{
    fp_table *t = load_groups("groups-rl.pdf");
    cr_assert_str_eq(names(t), "序号|单位|C级/户数|C级/补助资金|D级/户数|D级/补助资金|总户数|"
                               "合计/补助资金");
    cr_assert_eq(fp_table_role_column(t, FP_ROLE_TOTAL), 7);
    size_t warn = 9;
    cr_assert_eq(th_errors_of(t, &warn), 0);
    fp_table_free(t);
}

Test(group, side_by_side_groups_in_pdftotext_layout)
{
    /* pdftotext prints each Chinese character one column wide, so D级's 补助资金 reaches past
     * the half-way line to 合计: each sub-column goes to the group its middle is nearer */
    fp_table *t = load_groups("groups-rl.txt");
    cr_assert_str_eq(names(t), "序号|单位|C级/户数|C级/补助资金|D级/户数|D级/补助资金|总户数|"
                               "合计/补助资金");
    cr_assert_eq(fp_table_role_column(t, FP_ROLE_TOTAL), 7);
    size_t warn = 9;
    cr_assert_eq(th_errors_of(t, &warn), 0);
    fp_table_free(t);
}

/* Each of the N FILES read with the column names NAMES_WANT and, in its four ROWS, the six
 * amounts WANT (a count, then an amount in hundredths, per group). */
static void expect_groups(const char *const *files, size_t n, const char *names_want,
                          const char *const rows[4], const long want[4][6])
{
    for (size_t f = 0; f < n; f++) {
        char path[1024];
        snprintf(path, sizeof path, "%s%s", HEADER_DIR, files[f]);
        fp_table *t = load_path(path);
        cr_assert_str_eq(names(t), names_want, "%s", files[f]);
        cr_assert_eq(fp_table_row_count(t), 4, "%s", files[f]);
        for (size_t r = 0; r < 4; r++)
            for (size_t c = 0; c < 6; c++)
                cr_assert_eq(fp_table_amount(t, th_row(t, rows[r]), 1 + c),
                             c % 2 ? U(want[r][c]) / 100 : U(want[r][c]),
                             "%s: %s, column %zu", files[f], rows[r], 1 + c);
        fp_table_free(t);
    }
}

/* Another instance of side-by-side groups, from other producers: openpyxl's workbook with the
 * groups merged over 人数 and 资金, LibreOffice Calc's PDF of it (each group name centred over
 * the gap between its two sub-columns, above neither) and that PDF's -layout text. */
Test(group, side_by_side_groups_from_libreoffice)
{
    static const char *const files[] = {"groups-lo.xlsx", "groups-lo.pdf", "groups-lo.txt"};
    static const long want[4][6] = {{1250, 25000, 2100, 42000, 3350, 67000},
                                    {450, 9000, 800, 16000, 1250, 25000},
                                    {500, 10000, 700, 14000, 1200, 24000},
                                    {300, 6000, 600, 12000, 900, 18000}};
    static const char *const rows[4] = {"合计", "东城区", "西城区", "南山县"};
    expect_groups(files, 3, "单位|中职/人数|中职/资金|高中/人数|高中/资金|合计/人数|合计/资金",
                  rows, want);
}

/* The same from a Word-style document: python-docx's table, merged group cells centred (as WPS
 * and Word users set headers) or left where python-docx leaves them (groups-wordl: each group's
 * name where its first sub-column's starts), LibreOffice Writer's PDF of each and its -layout
 * text; the .docx itself reads through the Word reader. */
Test(group, side_by_side_groups_from_a_word_table)
{
    static const char *const files[] = {"groups-word.docx",  "groups-word.pdf",
                                        "groups-word.txt",   "groups-wordl.docx",
                                        "groups-wordl.pdf",  "groups-wordl.txt"};
    static const char *const rows[4] = {"合计", "甲区", "乙区", "丙县"};
    static const long want[4][6] = {{3000, 15050, 2000, 10025, 5000, 25075},
                                    {1000, 5050, 800, 4025, 1800, 9075},
                                    {1200, 6000, 700, 3500, 1900, 9500},
                                    {800, 4000, 500, 2500, 1300, 6500}};
    expect_groups(files, 6,
                  "地区|小学/学生数|小学/补助资金|初中/学生数|初中/补助资金|合计/学生数|合计/补助资金",
                  rows, want);
}

Test(group, a_wrapped_space_aligned_header_is_no_group)
{
    /* one piece under each upper piece: the pieces join per column, as before */
    fp_table *t = load_text("单位      全年应拨付    已提前\n"
                            "        资金合计     下达\n"
                            "合计         30     20\n"
                            "甲县         30     20\n");
    cr_assert_str_eq(names(t), "单位|全年应拨付资金合计|已提前下达");
    fp_table_free(t);
}

Test(group, a_space_aligned_group_over_two_columns_of_amounts)
{
    fp_table *t = load_text("2024年某项资金分配表\n"
                            "单位：万元\n"
                            "               资金情况\n"
                            "单位      中央资金    地方资金      合计     备注\n"
                            "合计         30          20          50\n"
                            "甲县         10           5          15     含结转\n"
                            "乙县         20          15          35\n");
    cr_assert_str_eq(names(t), "单位|中央资金|地方资金|合计|备注");
    cr_assert_eq(at(t, "甲县", "合计"), U(15));
    cr_assert_str_eq(fp_table_text(t, th_row(t, "甲县"), 4), "含结转");
    fp_table_free(t);
}

Test(group, a_sub_column_named_like_another_column_takes_its_group)
{
    fp_table *t = load_text("单位\t中央资金\t省级资金\t\t合计\n"
                            "\t\t中央资金\t省级资金\t\n"
                            "合计\t5\t2\t3\t10\n甲县\t5\t2\t3\t10\n");
    cr_assert_str_eq(names(t), "单位|中央资金|省级资金/中央资金|省级资金|合计");
    cr_assert_eq(at(t, "甲县", "省级资金/中央资金"), U(2));
    fp_table_free(t);
}

Test(group, a_wrapped_header_is_still_joined_per_column)
{
    /* every column has text on both lines: no group, the pieces join (全年应拨付 + 资金合计) */
    fp_table *t = load_text("单位\t中央\t地方\t全年应拨付\n"
                            "\t资金\t资金\t资金合计\n"
                            "合计\t1\t2\t3\n甲县\t1\t2\t3\n");
    cr_assert_str_eq(names(t), "单位|中央资金|地方资金|全年应拨付资金合计");
    cr_assert_eq(th_errors_of(t, NULL), 0);
    fp_table_free(t);
}

Test(group, a_word_document_without_a_table)
{
    fp_table *t = NULL;
    fp_diag d;
    const char *letter = FENPEI_SOURCE_DIR "/tests/data/package/fuling-2024/letter.docx";
    cr_assert_eq(fp_table_load_file(letter, NULL, &t, &d), FP_ERR_EMPTY);
    cr_assert_str_eq(d.message, "a Word document without a table: no allocation table in it");
    cr_assert_null(t);
}

Test(group, check_and_convert_read_the_word_table)
{
    const char *argv[] = {FENPEI_BIN, "check", HEADER_DIR "group.docx", NULL};
    th_run r = th_run_argv(argv);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert(strstr(r.out, "共 5 行：各项平衡关系全部成立，0 个警告。"), "%s", r.out);
    th_run_free(&r);
}
