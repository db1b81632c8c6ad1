/* tests/test_package.c — the letter template, the package's files, the letter check. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "helpers.h"

#define BUREAU FENPEI_SOURCE_DIR "/tests/data/package/bureau_template.docx"

static const fp_docx_value bureau_values[] = {
    {"发文机关", "某某市财政局"},  {"文号", "某财社〔2024〕1号"},
    {"标题", "关于下达X的通知"},   {"主送", "甲县、乙县"},
    {"资金名称", "X资金"},         {"此次下达合计", "3327"},
    {"全年合计", "29260"},         {"已提前下达合计", "25933"},
    {"直达资金标识", NULL},        {"收入科目", "1100249 收入"},
    {"支出科目", "2100408 支出"},  {"附件", "1. 分配表\n2. 反馈表"},
    {"日期", "2024年3月15日"},
};
#define NVALUES (sizeof bureau_values / sizeof bureau_values[0])

static char *filled_text(const fp_docx_value *values, size_t n, size_t *filled)
{
    fp_docx *d = NULL;
    fp_diag diag;
    cr_assert_eq(fp_docx_open_file(BUREAU, &d, &diag), FP_OK, "%s", diag.message);
    cr_assert_eq(fp_docx_fill(d, values, n, filled, &diag), FP_OK, "%s", diag.message);
    char *text = NULL;
    cr_assert_eq(fp_docx_text(d, &text, &diag), FP_OK);
    fp_docx_free(d);
    return text;
}

Test(docx, placeholders_split_over_runs_are_found_in_document_order)
{
    fp_docx *d = NULL;
    fp_diag diag;
    cr_assert_eq(fp_docx_open_file(BUREAU, &d, &diag), FP_OK, "%s", diag.message);
    char *names = NULL;
    cr_assert_eq(fp_docx_placeholders(d, &names, &diag), FP_OK);
    /* the page header's {{文号}} comes with the body's (parts in the archive's order) */
    cr_expect_str_eq(names, "发文机关\n文号\n标题\n主送\n资金名称\n此次下达合计\n全年合计\n"
                            "已提前下达合计\n直达资金标识\n收入科目\n支出科目\n附件\n日期");
    free(names);
    fp_docx_free(d);
}

Test(docx, fill_joins_runs_and_drops_the_paragraph_of_a_missing_value)
{
    size_t filled = 0;
    char *text = filled_text(bureau_values, NVALUES, &filled);
    cr_expect_str_eq(text, "某某市财政局文件\n"
                           "某财社〔2024〕1号\n"
                           "关于下达X的通知\n"
                           "甲县、乙县：\n"
                           "现下达X资金共计3327万元，全年29260万元，已提前下达25933万元。\n"
                           "收入科目\n1100249 收入\n支出科目\n2100408 支出\n"
                           "附件：1. 分配表2. 反馈表\n"
                           "某某市财政局　2024年3月15日\n");
    /* 13 in the body and one in the header; the dropped paragraph's counts too */
    cr_expect_eq(filled, 15);
    free(text);
}

Test(docx, an_unknown_placeholder_is_refused_and_changes_nothing)
{
    fp_docx *d = NULL;
    fp_diag diag;
    cr_assert_eq(fp_docx_open_file(BUREAU, &d, &diag), FP_OK);
    cr_expect_eq(fp_docx_fill(d, bureau_values, NVALUES - 1, NULL, &diag), FP_ERR_TEMPLATE);
    cr_expect_str_eq(diag.text, "日期");
    cr_expect(strstr(diag.message, "{{日期}}") != NULL, "%s", diag.message);
    char *names = NULL;
    cr_assert_eq(fp_docx_placeholders(d, &names, &diag), FP_OK);
    cr_expect(strstr(names, "发文机关") != NULL, "the template is unchanged");
    free(names);
    fp_docx_free(d);
}

Test(docx, not_a_word_document)
{
    fp_docx *d = NULL;
    fp_diag diag;
    cr_expect_eq(fp_docx_open_file(TH_BUNDLED, &d, &diag), FP_ERR_TEMPLATE);
    cr_expect_null(d);
    cr_expect_eq(fp_docx_open_file(FENPEI_SOURCE_DIR "/no/such.docx", &d, &diag), FP_ERR_IO);
}

Test(docx, the_same_document_gives_the_same_bytes)
{
    fp_docx *d = NULL;
    fp_diag diag;
    cr_assert_eq(fp_docx_open_default_letter(&d, &diag), FP_OK);
    char *a = th_write_tmp_text("same-a.docx", ""), *b = th_write_tmp_text("same-b.docx", "");
    cr_assert_eq(fp_docx_write(d, a, &diag), FP_OK, "%s", diag.message);
    cr_assert_eq(fp_docx_write(d, b, &diag), FP_OK);
    size_t la, lb;
    char *x = th_read_file(a, &la), *y = th_read_file(b, &lb);
    cr_expect_eq(la, lb);
    cr_expect(la == lb && memcmp(x, y, la) == 0);
    free(x), free(y), free(a), free(b);
    fp_docx_free(d);
}

Test(package, recipients_are_the_units_and_prefectures_below_the_totals)
{
    fp_table *t = th_load_bundled();
    size_t rows[32];
    size_t n = fp_package_recipients(t, rows, 32);
    cr_assert_eq(n, 18);
    cr_expect_str_eq(fp_table_row_name(t, rows[0]), "自治区卫生健康委");
    cr_expect_str_eq(fp_table_row_name(t, rows[4]), "乌鲁木齐市");
    cr_expect_str_eq(fp_table_row_name(t, rows[17]), "和田地区");
    size_t len;
    const char *s = fp_package_display_name("其中：博州人民医院", &len);
    cr_expect(len == strlen("博州人民医院") && strncmp(s, "博州人民医院", len) == 0);
    s = fp_package_display_name("地州合计", &len);
    cr_expect(len == strlen("地州") && strncmp(s, "地州", len) == 0);
    fp_table_free(t);
}

Test(package, files_letter_and_split_tables)
{
    fp_table *t = th_load_bundled();
    fp_package_options o;
    fp_package_options_init(&o);
    o.title = "关于下达2024年自治区基本公共卫生服务补助资金（第二批）的通知";
    o.doc_number = "新财社〔2024〕24号";
    o.split = 1;
    fp_package *p = NULL;
    fp_diag diag;
    cr_assert_eq(fp_package_prepare(t, &o, &p, &diag), FP_OK, "%s", diag.message);
    /* 3 files, the 对下分解 folder, and per prefecture a folder and 4 files */
    cr_assert_eq(fp_package_file_count(p), 3 + 1 + 14 * 5);
    cr_expect_str_eq(fp_package_file_path(p, 0), "通知.docx");
    cr_expect_str_eq(fp_package_file_path(p, 3), "对下分解");
    cr_expect(fp_package_file_is_dir(p, 4));
    cr_expect_str_eq(fp_package_file_path(p, 5), "对下分解/乌鲁木齐市/分配表.csv");
    const char *letter = fp_package_letter_text(p);
    cr_expect(strstr(letter, "（第二批）3327万元（其中：自治区本级210万元，地州3117万元）") != NULL,
              "%s", letter);
    /* no income code, expense code or mark given: their paragraphs are left out */
    cr_expect_null(strstr(letter, "收入列入"));
    cr_expect_null(strstr(letter, "直达资金标识"));
    /* every split table adds up and its 总计 is the prefecture's row */
    size_t batch = th_col(t, "此次下达"), total = th_col(t, "全年应拨付资金合计");
    size_t splits = 0;
    for (size_t i = 0; i < fp_package_file_count(p); i++) {
        const fp_table *s = fp_package_file_table(p, i);
        if (!s || !strstr(fp_package_file_path(p, i), ".csv"))
            continue;
        splits++;
        fp_report *rep = NULL;
        cr_assert_eq(fp_check(s, NULL, &rep, &diag), FP_OK);
        cr_expect_eq(fp_report_errors(rep), 0, "%s", fp_package_file_path(p, i));
        fp_report_free(rep);
        const char *path = fp_package_file_path(p, i) + strlen("对下分解/");
        char pref[64];
        snprintf(pref, sizeof pref, "%.*s", (int)(strchr(path, '/') - path), path);
        size_t row = th_row(t, pref);
        size_t top = fp_table_first_root(s);
        cr_expect_str_eq(fp_table_row_name(s, top), "总计");
        cr_expect_eq(fp_table_amount(s, top, th_col(s, "此次下达")), fp_table_amount(t, row, batch));
        cr_expect_eq(fp_table_amount(s, top, th_col(s, "全年应拨付资金合计")),
                     fp_table_amount(t, row, total));
        size_t subtree = 0, path_rows[8];
        for (size_t r = 0; r < fp_table_row_count(t); r++) {
            size_t depth = fp_table_path(t, r, path_rows, 8);
            for (size_t k = 0; k < depth && k < 8; k++)
                subtree += path_rows[k] == row;
        }
        cr_expect_eq(fp_table_row_count(s), subtree, "%s: %zu rows", pref, subtree);
    }
    cr_expect_eq(splits, 14);
    fp_package_free(p);
    fp_table_free(t);
}

Test(package, a_table_that_does_not_add_up_is_refused)
{
    char *text = th_read_file(TH_BUNDLED, NULL);
    char *bad = th_replace_once(text, "\n3,天山区,316,", "\n3,天山区,326,");
    fp_table *t = th_load_text(bad);
    fp_package *p = NULL;
    fp_diag diag;
    fp_package_options o;
    fp_package_options_init(&o);
    o.title = "关于下达X的通知";
    cr_expect_eq(fp_package_prepare(t, &o, &p, &diag), FP_ERR_ARGUMENT);
    cr_expect(strstr(diag.message, "does not add up") != NULL, "%s", diag.message);
    cr_expect_null(p);
    fp_table_free(t);
    free(bad);
    free(text);
}

Test(letter, every_amount_is_matched_to_the_figure_it_names)
{
    fp_table *t = th_load_bundled();
    const char *text =
        "现下达补助资金3327万元（其中：自治区本级210万元，地州3117万元）。\n"
        "加上已提前下达的25933万元，全年共安排29260万元。其中原基本公共卫生项目26455万元。\n"
        "下达伊犁州303万元，喀什地区全年7674万元。另安排中央资金999万元；2100408科目。";
    fp_letter_report *r = NULL;
    fp_diag diag;
    cr_assert_eq(fp_letter_check_text(t, text, strlen(text), "l.txt", &r, &diag), FP_OK);
    cr_assert_eq(fp_letter_report_count(r), 9);
    cr_expect_eq(fp_letter_report_errors(r), 0);
    cr_expect_eq(fp_letter_report_warnings(r), 1);
    const fp_letter_amount *a = fp_letter_report_get(r, 5);
    cr_expect_eq(a->column, th_col(t, "原基本公共卫生项目"));
    cr_expect_eq(a->expected, 26455 * FP_AMOUNT_SCALE);
    a = fp_letter_report_get(r, 7);
    cr_expect_eq(a->row, th_row(t, "喀什地区"));
    cr_expect_eq(a->column, th_col(t, "全年应拨付资金合计"));
    a = fp_letter_report_get(r, 8);
    cr_expect_eq(a->status, FP_LETTER_UNMATCHED);
    cr_expect_eq(a->line, 3);
    cr_expect_str_eq(a->stated_text, "999万元");
    fp_letter_report_free(r);
    fp_table_free(t);
}

Test(letter, one_amount_changed_is_exactly_one_error_with_both_values)
{
    fp_table *t = th_load_bundled();
    const char *text = "现下达补助资金3327万元（其中：自治区本级201万元，地州3117万元）。"
                       "加上已提前下达的2.5933亿元，全年共安排292600000元。";
    fp_letter_report *r = NULL;
    fp_diag diag;
    cr_assert_eq(fp_letter_check_text(t, text, strlen(text), "l.txt", &r, &diag), FP_OK);
    cr_assert_eq(fp_letter_report_count(r), 5);
    cr_expect_eq(fp_letter_report_errors(r), 1);
    cr_expect_eq(fp_letter_report_warnings(r), 0);
    const fp_letter_amount *a = fp_letter_report_get(r, 1);
    cr_expect_eq(a->status, FP_LETTER_MISMATCH);
    cr_expect_eq(a->stated, 201 * FP_AMOUNT_SCALE);
    cr_expect_eq(a->expected, 210 * FP_AMOUNT_SCALE);
    cr_expect_eq(a->row, th_row(t, "自治区本级合计"));
    cr_expect_eq(a->column, th_col(t, "此次下达"));
    /* 亿元 and 元 are converted exactly */
    cr_expect_eq(fp_letter_report_get(r, 3)->status, FP_LETTER_MATCH);
    cr_expect_eq(fp_letter_report_get(r, 4)->status, FP_LETTER_MATCH);
    fp_letter_report_free(r);
    fp_table_free(t);
}

Test(letter, a_published_letter_names_categories_after_the_amounts)
{
    const char *dir = FENPEI_SOURCE_DIR "/tests/data/package/fuling-2024/";
    fp_table *t = NULL;
    fp_diag diag;
    cr_assert_eq(fp_table_load_file(FENPEI_SOURCE_DIR "/tests/data/package/fuling-2024/table.csv",
                                    NULL, &t, &diag),
                 FP_OK, "%s", diag.message);
    fp_letter_report *r = NULL;
    char path[512];
    snprintf(path, sizeof path, "%sletter.txt", dir);
    cr_assert_eq(fp_letter_check_file(t, path, &r, &diag), FP_OK, "%s", diag.message);
    cr_assert_eq(fp_letter_report_count(r), 3);
    cr_expect_eq(fp_letter_report_errors(r), 0);
    cr_expect_eq(fp_letter_report_warnings(r), 0);
    cr_expect_eq(fp_letter_report_get(r, 1)->column, th_col(t, "传染病监测预警与应急指挥能力提升"));
    cr_expect_eq(fp_letter_report_get(r, 2)->column, th_col(t, "卫生监督机构能力建设"));
    fp_letter_report_free(r);
    /* the same letter saved as .docx by LibreOffice, read by the Word reader */
    snprintf(path, sizeof path, "%sletter.docx", dir);
    cr_assert_eq(fp_letter_check_file(t, path, &r, &diag), FP_OK, "%s", diag.message);
    cr_expect_eq(fp_letter_report_count(r), 3);
    cr_expect_eq(fp_letter_report_errors(r), 0);
    cr_expect_eq(fp_letter_report_warnings(r), 0);
    cr_expect_eq(fp_letter_report_get(r, 1)->line, 2);
    fp_letter_report_free(r);
    snprintf(path, sizeof path, "%sletter.txt", dir);
    /* 45 → 54: exactly that error, with both values */
    char *text = th_read_file(path, NULL);
    char *bad = th_replace_once(text, "45万元", "54万元");
    cr_assert_eq(fp_letter_check_text(t, bad, strlen(bad), "bad.txt", &r, &diag), FP_OK);
    cr_expect_eq(fp_letter_report_errors(r), 1);
    cr_expect_eq(fp_letter_report_warnings(r), 0);
    const fp_letter_amount *a = fp_letter_report_get(r, 2);
    cr_expect_eq(a->status, FP_LETTER_MISMATCH);
    cr_expect_eq(a->stated, 54 * FP_AMOUNT_SCALE);
    cr_expect_eq(a->expected, 45 * FP_AMOUNT_SCALE);
    fp_letter_report_free(r);
    free(bad);
    free(text);
    fp_table_free(t);
}

/* ---- the program: refusals leave nothing behind ---- */

static th_run run_package(const char *table, const char *dir, const char *extra)
{
    const char *argv[] = {FENPEI_BIN, "package", table, "-o", dir, "--title", "关于下达X的通知",
                          extra, extra ? "x" : NULL, NULL};
    if (extra && strcmp(extra, "--template") == 0)
        argv[8] = FENPEI_SOURCE_DIR "/no/such/template.docx";
    return th_run_argv(argv);
}

Test(package_cli, a_table_that_does_not_add_up_exits_1_and_makes_no_folder)
{
    char *text = th_read_file(TH_BUNDLED, NULL);
    char *bad = th_replace_once(text, "\n3,天山区,316,", "\n3,天山区,326,");
    char *path = th_write_tmp_text("unbalanced.csv", bad);
    char *dir = th_tmp_dir("pkg-unbalanced");
    rmdir(dir);
    th_run r = run_package(path, dir, NULL);
    cr_expect_eq(r.status, 1, "%s", r.err);
    cr_expect_str_eq(r.out, "");
    cr_expect(strstr(r.err, "does not add up") != NULL, "%s", r.err);
    cr_expect_eq(access(dir, F_OK), -1, "no folder made");
    th_run_free(&r);
    free(dir), free(path), free(bad), free(text);
}

Test(package_cli, a_missing_template_or_a_file_for_the_folder_exits_2)
{
    char *dir = th_tmp_dir("pkg-missing-template");
    rmdir(dir);
    th_run r = run_package(TH_BUNDLED, dir, "--template");
    cr_expect_eq(r.status, 2);
    cr_expect(strstr(r.err, "no/such/template.docx") != NULL, "%s", r.err);
    cr_expect_eq(access(dir, F_OK), -1, "no folder made");
    th_run_free(&r);
    char *file = th_write_tmp_text("pkg-is-a-file", "x");
    r = run_package(TH_BUNDLED, file, NULL);
    cr_expect_eq(r.status, 2);
    cr_expect(strstr(r.err, "is not a folder") != NULL, "%s", r.err);
    th_run_free(&r);
    free(file), free(dir);
}

Test(package_cli, an_existing_file_stops_the_run_and_the_others_are_not_written)
{
    char *dir = th_tmp_dir("pkg-existing");
    char path[1024];
    snprintf(path, sizeof path, "%s/附件3 跟踪反馈表.xlsx", dir);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    fputs("mine", f);
    fclose(f);
    snprintf(path, sizeof path, "%s/通知.docx", dir);
    unlink(path);
    th_run r = run_package(TH_BUNDLED, dir, NULL);
    cr_expect_eq(r.status, 2);
    cr_expect(strstr(r.err, "exists; use --force") != NULL, "%s", r.err);
    cr_expect_eq(access(path, F_OK), -1, "通知.docx not written");
    snprintf(path, sizeof path, "%s/附件3 跟踪反馈表.xlsx", dir);
    char *mine = th_read_file(path, NULL);
    cr_expect_str_eq(mine, "mine");
    free(mine);
    th_run_free(&r);
    free(dir);
}
