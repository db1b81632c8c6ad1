/* tests/test_perf.c — performance tables: reading them from text, Word and XLSX, every rule on
 * an injected fault (rule, values), nothing on clean tables, the findings of the real published
 * tables, the cross-check with the bundled allocation table, the audit workbook and skeletons. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "helpers.h"

#define PERF_DIR FENPEI_SOURCE_DIR "/tests/data/perf/"
#define XJ_TXT PERF_DIR "xinjiang-2024-basic-public-health-targets.txt"
#define BJ_TXT PERF_DIR "beijing-miyun-2024-self-evaluation.txt"
#define KL_TXT PERF_DIR "korla-2021-department-targets.txt"

static fp_perf_doc *load(const char *path)
{
    fp_perf_doc *doc = fp_perf_doc_new();
    cr_assert_not_null(doc);
    fp_diag d;
    fp_error e = fp_perf_doc_add_file(doc, path, &d);
    cr_assert_eq(e, FP_OK, "%s: %s: %s", path, fp_strerror(e), d.message);
    return doc;
}

static fp_perf_report *check(const fp_perf_doc *doc)
{
    fp_perf_report *r = NULL;
    fp_diag d;
    cr_assert_eq(fp_perf_check(doc, &r, &d), FP_OK, "%s", d.message);
    return r;
}

/* The findings of PATH as "rule severity table expected actual difference" lines. */
static char *summary(const char *path)
{
    fp_perf_doc *doc = load(path);
    fp_perf_report *r = check(doc);
    size_t cap = 64 * (fp_perf_report_count(r) + 1), len = 0;
    char *s = calloc(cap, 1);
    for (size_t i = 0; i < fp_perf_report_count(r); i++) {
        const fp_perf_finding *f = fp_perf_report_get(r, i);
        len += (size_t)snprintf(s + len, cap - len, "%s %s %zu %s %s %s\n", f->rule,
                                f->severity == FP_SEVERITY_ERROR ? "E" : "W", f->table + 1,
                                f->expected[0] ? f->expected : "-",
                                f->actual[0] ? f->actual : "-",
                                f->difference[0] ? f->difference : "-");
    }
    fp_perf_report_free(r);
    fp_perf_doc_free(doc);
    return s;
}

static void expect_findings(const char *path, const char *want)
{
    char *got = summary(path);
    cr_assert_str_eq(got, want, "%s:\n got:\n%s want:\n%s", path, got, want);
    free(got);
}

/* ---- reading ---- */

Test(perf_read, the_three_templates_from_text)
{
    fp_perf_doc *doc = load(XJ_TXT);
    cr_assert_eq(fp_perf_table_count(doc), 19);
    const fp_perf_info *t = fp_perf_table_info(doc, 0);
    cr_assert_eq(t->kind, FP_PERF_TARGET);
    cr_assert_str_eq(t->unit, "和田地区卫生健康委");
    cr_assert_str_eq(t->project, "自治区基本公共卫生服务项目");
    cr_assert(t->has_budget);
    cr_assert_eq(t->budget, 4167 * FP_AMOUNT_SCALE);
    cr_assert_eq(fp_perf_table_info(doc, 8)->budget, 500 * FP_AMOUNT_SCALE); /* 年度金额：500万 */
    cr_assert_str_eq(fp_perf_table_info(doc, 15)->year, "2024");
    fp_perf_doc_free(doc);

    doc = load(BJ_TXT);
    cr_assert_eq(fp_perf_table_count(doc), 12);
    t = fp_perf_table_info(doc, 2);
    cr_assert_eq(t->kind, FP_PERF_SELF_EVALUATION);
    cr_assert_str_eq(t->project, "计划生育家庭奖励及扶助");
    cr_assert_str_eq(t->unit, "北京市密云区卫生健康委员会(本级)");
    cr_assert_str_eq(t->year, "2024");
    cr_assert_eq(t->budget, 60974015 * (FP_AMOUNT_SCALE / 10000)); /* 6097.4015 */
    fp_perf_doc_free(doc);

    doc = load(KL_TXT);
    cr_assert_eq(fp_perf_table_count(doc), 1);
    t = fp_perf_table_info(doc, 0);
    cr_assert_eq(t->kind, FP_PERF_DEPARTMENT);
    cr_assert_str_eq(t->unit, "库尔勒市卫生健康委员会");
    cr_assert_str_eq(t->year, "2021");
    cr_assert_eq(t->budget, 514132 * (FP_AMOUNT_SCALE / 100));
    fp_perf_doc_free(doc);
}

Test(perf_read, word_and_workbook_read_like_the_text)
{
    static const char *const files[][3] = {
        {XJ_TXT, PERF_DIR "xinjiang-targets.docx", PERF_DIR "xinjiang-targets.xlsx"},
        {BJ_TXT, PERF_DIR "beijing-self-evaluation.docx", PERF_DIR "beijing-self-evaluation.xlsx"},
        {KL_TXT, PERF_DIR "korla-department.docx", PERF_DIR "korla-department.xlsx"},
    };
    for (size_t i = 0; i < 3; i++) {
        fp_perf_doc *a = load(files[i][0]);
        for (size_t k = 1; k < 3; k++) {
            fp_perf_doc *b = load(files[i][k]);
            cr_assert_eq(fp_perf_table_count(b), fp_perf_table_count(a), "%s", files[i][k]);
            for (size_t t = 0; t < fp_perf_table_count(a); t++) {
                const fp_perf_info *x = fp_perf_table_info(a, t), *y = fp_perf_table_info(b, t);
                cr_assert_eq(x->kind, y->kind);
                cr_assert_str_eq(x->unit, y->unit, "%s table %zu", files[i][k], t + 1);
                cr_assert_str_eq(x->project, y->project);
                cr_assert_eq(x->has_budget, y->has_budget);
                cr_assert_eq(x->budget, y->budget, "%s table %zu", files[i][k], t + 1);
            }
            fp_perf_doc_free(b);
        }
        fp_perf_doc_free(a);
    }
}

Test(perf_read, a_file_without_performance_tables_is_empty)
{
    fp_perf_doc *doc = fp_perf_doc_new();
    fp_diag d;
    cr_assert_eq(fp_perf_doc_add_file(doc, TH_BUNDLED, &d), FP_ERR_EMPTY);
    cr_assert(strstr(d.message, "项目支出绩效目标表"), "%s", d.message);
    cr_assert_eq(fp_perf_doc_add_file(doc, PERF_DIR "nope.txt", &d), FP_ERR_IO);
    cr_assert_eq(fp_perf_table_count(doc), 0);
    fp_perf_doc_free(doc);
    cr_assert_eq(fp_perf_file_is_performance(TH_BUNDLED), 0);
    cr_assert_eq(fp_perf_file_is_performance(BJ_TXT), 1);
}

/* ---- the real published tables: every finding is explained in docs/performance.md ---- */

Test(perf_real, xinjiang_targets)
{
    static const char want[] = "blank-cell W 9 - - -\n"
                               "blank-cell W 10 - - -\n"
                               "target-weights E 19 90.0 80.0 -10.0\n";
    expect_findings(XJ_TXT, want);
    expect_findings(PERF_DIR "xinjiang-targets.docx", want);
    expect_findings(PERF_DIR "lo-xinjiang-targets.docx", want);
}

Test(perf_real, beijing_self_evaluations)
{
    static const char want[] = "funding-sum E 5 113.81 101.81 -12.00\n"
                               "blank-cell W 5 - - -\n"
                               "total-score W 5 92 97 5\n";
    expect_findings(BJ_TXT, want);
    expect_findings(PERF_DIR "beijing-self-evaluation.docx", want);
    expect_findings(PERF_DIR "beijing-self-evaluation.xlsx", want);
    expect_findings(PERF_DIR "lo-beijing-self-evaluation.docx", want);
    expect_findings(PERF_DIR "lo-beijing-self-evaluation.xlsx", want);
}

Test(perf_real, korla_department_is_clean)
{
    expect_findings(KL_TXT, "");
    expect_findings(PERF_DIR "korla-department.docx", "");
    expect_findings(PERF_DIR "korla-department.xlsx", "");
}

Test(perf_real, gb18030_gbk_and_utf16_texts_read_like_utf8)
{
    /* the same real tables saved as GB18030, GBK and UTF-16 (Python's codecs): the same tables
     * and the same findings, with the same places */
    expect_findings(PERF_DIR "gb18030-beijing-self-evaluation.txt",
                    "funding-sum E 5 113.81 101.81 -12.00\n"
                    "blank-cell W 5 - - -\n"
                    "total-score W 5 92 97 5\n");
    expect_findings(PERF_DIR "gbk-korla-department.txt", "");
    expect_findings(PERF_DIR "utf16-xinjiang-targets.txt", "blank-cell W 9 - - -\n"
                                                          "blank-cell W 10 - - -\n"
                                                          "target-weights E 19 90.0 80.0 -10.0\n");
    cr_assert(fp_perf_file_is_performance(PERF_DIR "gb18030-beijing-self-evaluation.txt"));
    cr_assert(fp_perf_file_is_performance(PERF_DIR "gbk-korla-department.txt"));
    cr_assert(fp_perf_file_is_performance(PERF_DIR "utf16-xinjiang-targets.txt"));
    fp_perf_doc *doc = load(PERF_DIR "gb18030-beijing-self-evaluation.txt");
    cr_assert_eq(fp_perf_table_count(doc), 12);
    const fp_perf_info *in = fp_perf_table_info(doc, 4);
    cr_assert_str_eq(in->project, "计划生育特殊家庭扶助保障");
    cr_assert_str_eq(in->unit, "北京市密云区卫生健康委员会(本级)");
    fp_perf_doc_free(doc);
    /* the program: the same report as the UTF-8 text's, line for line */
    const char *argv[] = {FENPEI_BIN, "check", PERF_DIR "gb18030-beijing-self-evaluation.txt",
                          NULL};
    th_run r = th_run_argv(argv);
    cr_assert_eq(r.status, 1, "%s", r.err);
    cr_assert(strstr(r.out, "错误 [funding-sum] 表5，line 126 cell 4"), "%s", r.out);
    cr_assert(strstr(r.out, "共 1 个错误，2 个警告"), "%s", r.out);
    th_run_free(&r);
}

Test(perf_real, a_text_valid_in_no_encoding_names_its_line_and_byte)
{
    /* UTF-8 with many Chinese characters, then a byte no encoding tried accepts */
    char *path = th_write_tmp_text("perf-bad-byte.txt", "项目支出绩效目标表\n项目名称\t基本公共卫生\n"
                                                       "预算单位\t\xff\xfe\n");
    fp_perf_doc *doc = fp_perf_doc_new();
    fp_diag d;
    cr_assert_eq(fp_perf_doc_add_file(doc, path, &d), FP_ERR_ENCODING);
    cr_assert_eq(d.line, 3);
    cr_assert_str_eq(d.message, "bytes not valid in UTF-8, GB18030 or UTF-16 (byte 0xFF); save "
                                "the text as UTF-8");
    fp_perf_doc_free(doc);
    free(path);
}

Test(perf_real, clean_single_tables)
{
    expect_findings(PERF_DIR "clean-target.docx", "");
    expect_findings(PERF_DIR "clean-self-evaluation.docx", "");
}

/* ---- one injected fault each ---- */

Test(perf_target, weights_add_up_to_90)
{
    expect_findings(PERF_DIR "fault-target-weights.docx", "target-weights E 1 90.0 91.0 1.0\n");
    expect_findings(PERF_DIR "fault-target-weights.xlsx", "target-weights E 1 90.0 91.0 1.0\n");
}

Test(perf_target, budget_is_fiscal_plus_other)
{
    expect_findings(PERF_DIR "fault-target-funding.docx", "target-funding E 1 4100 4167 67\n");
}

Test(perf_target, every_indicator_has_a_value)
{
    expect_findings(PERF_DIR "fault-target-value.docx", "target-indicator E 1 - - -\n");
}

Test(perf_target, every_indicator_has_a_weight)
{
    expect_findings(PERF_DIR "fault-target-weight-blank.docx",
                    "target-indicator E 1 - - -\ntarget-weights W 1 90.0 87.0 -3.0\n");
}

Test(perf_self, funding_rows_add_up)
{
    expect_findings(PERF_DIR "fault-self-funding.docx",
                    "funding-sum E 1 6097.4016 6097.4015 -0.0001\n");
}

Test(perf_self, execution_rate_as_printed)
{
    expect_findings(PERF_DIR "fault-self-rate.docx", "execution-rate E 1 92.1% 92.3% 0.2%\n");
}

Test(perf_self, budget_score_is_points_times_rate)
{
    expect_findings(PERF_DIR "fault-self-score.docx", "budget-score E 1 9.2 9.3 0.1\n");
    expect_findings(PERF_DIR "fault-self-score.xlsx", "budget-score E 1 9.2 9.3 0.1\n");
}

Test(perf_self, score_at_most_points)
{
    expect_findings(PERF_DIR "fault-self-cap.docx", "score-cap E 1 5 6 1\n");
}

Test(perf_self, total_points_row)
{
    expect_findings(PERF_DIR "fault-self-total-points.docx", "total-points E 1 100 95 -5\n");
}

Test(perf_self, points_add_up_to_100)
{
    expect_findings(PERF_DIR "fault-self-points-100.docx", "points-100 E 1 100 105 5\n");
}

Test(perf_self, total_score_row)
{
    expect_findings(PERF_DIR "fault-self-total-score.docx", "total-score E 1 95.2 95.0 -0.2\n");
}

Test(perf_self, a_blank_score_is_a_warning_not_silence)
{
    expect_findings(PERF_DIR "fault-self-blank.docx",
                    "blank-cell W 1 - - -\ntotal-score W 1 91.2 95.2 4.0\n");
}

Test(perf_self, a_table_rounding_otherwise_than_its_file)
{
    /* tables 8 and 11 round half up (4.863 → 4.9, 9.689 → 9.7); table 12, made to score
     * 10 × 31.96 / 80 = 3.995, prints 3.9: truncated, where half up gives 4.0 */
    expect_findings(PERF_DIR "fault-self-rounding.docx",
                    "funding-sum E 5 113.81 101.81 -12.00\n"
                    "blank-cell W 5 - - -\n"
                    "total-score W 5 92 97 5\n"
                    "budget-score-rounding W 12 4.0 3.9 -0.1\n");
}

Test(perf_department, row_total_is_fiscal_plus_other)
{
    expect_findings(PERF_DIR "fault-department-row.docx",
                    "department-row E 1 822.70 823.70 1.00\n"
                    "department-total E 1 5142.32 5141.32 -1.00\n");
    expect_findings(PERF_DIR "fault-department-row.xlsx",
                    "department-row E 1 822.70 823.70 1.00\n"
                    "department-total E 1 5142.32 5141.32 -1.00\n");
}

Test(perf_department, total_row_is_the_sum_of_tasks)
{
    expect_findings(PERF_DIR "fault-department-total.docx",
                    "department-row E 1 5141.32 5141.23 -0.09\n"
                    "department-total E 1 5141.32 5141.23 -0.09\n");
}

/* ---- the cross-check ---- */

static fp_perf_report *cross(const char *path, fp_perf_doc **docp)
{
    fp_table *t = th_load_bundled();
    fp_perf_doc *doc = load(path);
    fp_perf_report *r = NULL;
    fp_diag d;
    cr_assert_eq(fp_perf_cross_check(t, doc, &r, &d), FP_OK, "%s", d.message);
    fp_table_free(t);
    *docp = doc;
    return r;
}

Test(perf_cross, the_19_target_tables_match_the_allocation)
{
    fp_perf_doc *doc;
    fp_perf_report *r = cross(XJ_TXT, &doc);
    cr_assert_eq(fp_perf_report_count(r), 0);
    fp_perf_report_free(r);
    fp_perf_doc_free(doc);
    r = cross(PERF_DIR "xinjiang-targets.docx", &doc);
    cr_assert_eq(fp_perf_report_count(r), 0);
    fp_perf_report_free(r);
    fp_perf_doc_free(doc);
}

Test(perf_cross, one_changed_budget_is_exactly_one_finding)
{
    fp_perf_doc *doc;
    fp_perf_report *r = cross(PERF_DIR "fault-cross-budget.docx", &doc);
    cr_assert_eq(fp_perf_report_count(r), 1);
    const fp_perf_finding *f = fp_perf_report_get(r, 0);
    cr_assert_str_eq(f->rule, "target-budget");
    cr_assert_eq(f->severity, FP_SEVERITY_ERROR);
    cr_assert_eq(f->table, 17);
    cr_assert_str_eq(fp_perf_table_info(doc, f->table)->unit, "塔城地区卫生健康委");
    cr_assert_str_eq(f->expected, "898");
    cr_assert_str_eq(f->actual, "899");
    cr_assert_str_eq(f->difference, "1");
    fp_perf_report_free(r);
    fp_perf_doc_free(doc);
}

Test(perf_cross, recipients_without_a_table_are_warnings)
{
    fp_perf_doc *doc;
    fp_perf_report *r = cross(PERF_DIR "clean-target.docx", &doc);
    /* 和田地区 has its table; the other 4 本级 units and 13 地州 have none */
    cr_assert_eq(fp_perf_report_count(r), 17);
    cr_assert_eq(fp_perf_report_errors(r), 0);
    for (size_t i = 0; i < 17; i++) {
        cr_assert_str_eq(fp_perf_report_get(r, i)->rule, "missing-target");
        cr_assert_neq(strcmp(fp_perf_report_get(r, i)->where, "和田地区"), 0);
    }
    cr_assert_str_eq(fp_perf_report_get(r, 0)->where, "自治区卫生健康委");
    cr_assert_str_eq(fp_perf_report_get(r, 0)->expected, "1385");
    fp_perf_report_free(r);
    fp_perf_doc_free(doc);
}

Test(perf_cross, a_table_of_no_recipient_is_an_error)
{
    size_t len;
    char *text = th_read_file(PERF_DIR "xinjiang-2024-basic-public-health-targets.txt", &len);
    char *moved = th_replace_once(text, "预算单位	塔城地区卫生健康委", "预算单位	上海市黄浦区卫生健康委");
    char *path = th_write_tmp_text("perf-no-recipient.txt", moved);
    fp_perf_doc *doc;
    fp_perf_report *r = cross(path, &doc);
    cr_assert_eq(fp_perf_report_count(r), 2);
    cr_assert_str_eq(fp_perf_report_get(r, 0)->rule, "target-recipient");
    cr_assert_eq(fp_perf_report_get(r, 0)->severity, FP_SEVERITY_ERROR);
    cr_assert_str_eq(fp_perf_report_get(r, 1)->rule, "missing-target");
    cr_assert_str_eq(fp_perf_report_get(r, 1)->where, "塔城地区");
    fp_perf_report_free(r);
    fp_perf_doc_free(doc);
    free(path);
    free(moved);
    free(text);
}

/* ---- the program ---- */

Test(perf_cli, check_reports_in_text_and_json)
{
    const char *argv[] = {FENPEI_BIN, "check", BJ_TXT, NULL};
    th_run r = th_run_argv(argv);
    cr_assert_eq(r.status, 1, "%s", r.err);
    cr_assert(strstr(r.out, "错误 [funding-sum] 表5，line 126 cell 4"), "%s", r.out);
    cr_assert(strstr(r.out, "共 1 个错误，2 个警告"), "%s", r.out);
    th_run_free(&r);
    const char *en[] = {FENPEI_BIN, "check", "--lang", "en", KL_TXT, NULL};
    r = th_run_argv(en);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert(strstr(r.out, "0 errors, 0 warnings"), "%s", r.out);
    th_run_free(&r);
    const char *js[] = {FENPEI_BIN, "check", "--format", "json", BJ_TXT, NULL};
    r = th_run_argv(js);
    cr_assert_eq(r.status, 1);
    cr_assert(strncmp(r.out, "{\"kind\":\"performance\",\"tables\":[", 32) == 0, "%s", r.out);
    cr_assert(strstr(r.out, "\"rule\":\"funding-sum\",\"severity\":\"error\",\"table\":5,"
                            "\"project\":\"计划生育特殊家庭扶助保障\""),
              "%s", r.out);
    cr_assert(strstr(r.out, "\"expected\":\"113.81\",\"actual\":\"101.81\",\"difference\":\"-12.00\""),
              "%s", r.out);
    th_run_free(&r);
}

/* Copy the file FROM to the folder DIR under the name NAME. */
static void copy_to(const char *from, const char *dir, const char *name)
{
    size_t len;
    char *data = th_read_file(from, &len);
    cr_assert_not_null(data, "cannot read %s", from);
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    cr_assert_not_null(f, "cannot create %s", path);
    cr_assert_eq(fwrite(data, 1, len, f), len);
    cr_assert_eq(fclose(f), 0);
    free(data);
}

Test(perf_cli, a_folder_checks_performance_files_by_their_rules_in_the_same_summary)
{
    char *top = th_tmp_dir("perf-folder");
    char *dir = th_tmp_dir("perf-folder/d");
    copy_to(TH_BUNDLED, dir, "alloc.csv");
    copy_to(BJ_TXT, dir, "bj.txt");
    copy_to(PERF_DIR "clean-target.docx", dir, "target.docx");
    copy_to(PERF_DIR "fault-target-weights.docx", dir, "weights.docx");
    copy_to(PERF_DIR "fault-self-score.xlsx", dir, "score.xlsx");
    /* a Word file that holds no table at all (the notice's letter) is left out, and said so; one
     * that holds an allocation table is checked as one */
    copy_to(FENPEI_SOURCE_DIR "/tests/data/package/fuling-2024/letter.docx", dir, "letter.docx");
    copy_to(FENPEI_SOURCE_DIR "/tests/data/header/group.docx", dir, "group.docx");
    cr_assert_eq(chdir(top), 0);
    const char *argv[] = {FENPEI_BIN, "check", "d", NULL};
    th_run r = th_run_argv(argv);
    cr_assert_eq(r.status, 1, "%s", r.err);
    cr_assert_str_eq(r.err, "fenpei: d/letter.docx: a Word document without a table (a letter?): "
                            "not checked\n");
    cr_assert_str_eq(r.out, "文件                   行数   错误   警告\n"
                            "d/alloc.csv             119      0      0\n"
                            "d/bj.txt                  -      1      2   绩效表 12 张\n"
                            "d/group.docx              5      0      0\n"
                            "d/score.xlsx              -      1      0   绩效表 1 张\n"
                            "d/target.docx             -      0      0   绩效表 1 张\n"
                            "d/weights.docx            -      1      0   绩效表 1 张\n"
                            "共 6 个文件：3 个通过，3 个有错误，0 个无法读取。\n");
    th_run_free(&r);
    /* JSON: each performance file is its performance report with its name */
    const char *js[] = {FENPEI_BIN, "check", "--format", "json", "d", NULL};
    r = th_run_argv(js);
    cr_assert_eq(r.status, 1, "%s", r.err);
    cr_assert(strstr(r.out, "{\"file\":\"d/weights.docx\",\"kind\":\"performance\",\"tables\":["),
              "%s", r.out);
    cr_assert(strstr(r.out, "\"rule\":\"budget-score\",\"severity\":\"error\",\"table\":1,"), "%s",
              r.out);
    cr_assert(strstr(r.out, "\"where\":\"Sheet1!J8\",\"expected\":\"9.2\",\"actual\":\"9.3\""), "%s",
              r.out);
    cr_assert(strstr(r.out, "\"summary\":{\"files\":6,\"clean\":3,\"with_errors\":3,"
                            "\"unreadable\":0}}\n"),
              "%s", r.out);
    th_run_free(&r);
    /* files named on the command line: an allocation table beside a performance file */
    const char *two[] = {FENPEI_BIN, "check", "--lang", "en", "d/target.docx", "d/alloc.csv", NULL};
    r = th_run_argv(two);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert_str_eq(r.out, "file                   rows errors warnings\n"
                            "d/target.docx             -      0      0   performance tables: 1\n"
                            "d/alloc.csv             119      0      0\n"
                            "2 files: 2 pass, 0 with errors, 0 cannot be read.\n");
    th_run_free(&r);
    /* the summary workbook links an audit workbook per file, performance files included */
    const char *wb[] = {FENPEI_BIN, "check", "d", "--xlsx", "sum.xlsx", "--force", NULL};
    r = th_run_argv(wb);
    cr_assert_eq(r.status, 1, "%s", r.err);
    th_run_free(&r);
    fp_perf_doc *doc = load("sum-审核/002-bj.txt.xlsx");
    cr_assert_eq(fp_perf_table_count(doc), 12);
    fp_perf_doc_free(doc);
    free(dir);
    free(top);
}

Test(perf_cli, cross_check_with_targets)
{
    const char *ok[] = {FENPEI_BIN, "check", TH_BUNDLED, "--targets", XJ_TXT, NULL};
    th_run r = th_run_argv(ok);
    cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
    th_run_free(&r);
    const char *bad[] = {FENPEI_BIN, "check", "--lang", "en", TH_BUNDLED, "--targets",
                         PERF_DIR "fault-cross-budget.docx", NULL};
    r = th_run_argv(bad);
    cr_assert_eq(r.status, 1);
    cr_assert(strstr(r.out, "error [target-budget] table 18"), "%s", r.out);
    cr_assert(strstr(r.out, "(expected 898, printed 899, difference 1)"), "%s", r.out);
    cr_assert(strstr(r.out, "1 error, 0 warnings"), "%s", r.out);
    th_run_free(&r);
}

Test(perf_cli, audit_workbook_holds_every_table)
{
    char *dir = th_tmp_dir("perf-audit");
    char path[512];
    snprintf(path, sizeof path, "%s/audit.xlsx", dir);
    remove(path);
    const char *argv[] = {FENPEI_BIN, "check", BJ_TXT, "--xlsx", path, NULL};
    th_run r = th_run_argv(argv);
    cr_assert_eq(r.status, 1, "%s", r.err);
    th_run_free(&r);
    /* the sheets hold the tables as read: the workbook reads back as the same 12 tables */
    fp_perf_doc *doc = load(path);
    cr_assert_eq(fp_perf_table_count(doc), 12);
    fp_perf_doc_free(doc);
    r = th_run_argv(argv); /* exists, no --force */
    cr_assert_eq(r.status, 2);
    th_run_free(&r);
    free(dir);
}

Test(perf_cli, target_skeletons_per_recipient)
{
    char *dir = th_tmp_dir("perf-targets");
    char out[512];
    snprintf(out, sizeof out, "%s/out", dir);
    char cmd[1200];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", out);
    cr_assert_eq(system(cmd), 0);
    const char *argv[] = {FENPEI_BIN, "targets", TH_BUNDLED, "--model", XJ_TXT, "-o", out, NULL};
    th_run r = th_run_argv(argv);
    cr_assert_eq(r.status, 0, "%s", r.err);
    size_t lines = 0;
    for (const char *p = r.out; *p; p++)
        lines += *p == '\n';
    cr_assert_eq(lines, 18);
    th_run_free(&r);
    /* every skeleton: weights 90, budget = the allocation's; the cross-check finds nothing */
    fp_table *t = th_load_bundled();
    fp_perf_doc *doc = fp_perf_doc_new();
    size_t rows[32];
    size_t n = fp_perf_recipients(t, rows, 32);
    cr_assert_eq(n, 18);
    fp_diag d;
    for (size_t i = 0; i < n; i++) {
        char p[700];
        snprintf(p, sizeof p, "%s/%s.xlsx", out, fp_table_row_name(t, rows[i]));
        cr_assert_eq(fp_perf_doc_add_file(doc, p, &d), FP_OK, "%s: %s", p, d.message);
    }
    fp_perf_report *rep = check(doc);
    cr_assert_eq(fp_perf_report_count(rep), 0);
    fp_perf_report_free(rep);
    cr_assert_eq(fp_perf_cross_check(t, doc, &rep, &d), FP_OK);
    cr_assert_eq(fp_perf_report_count(rep), 0);
    cr_assert_eq(fp_perf_table_info(doc, 17)->budget, 4167 * FP_AMOUNT_SCALE);
    fp_perf_report_free(rep);
    fp_perf_doc_free(doc);
    fp_table_free(t);
    r = th_run_argv(argv); /* the workbooks exist: refused without --force, nothing changed */
    cr_assert_eq(r.status, 2);
    th_run_free(&r);
    free(dir);
}

/* ---- rounding at the boundaries, on a small table of our own ---- */

static const char small_self[] =
    "项目支出绩效自评表\n"
    "(2024年度)\n"
    "项目名称\t测试项目\n"
    "主管部门\t某委\t实施单位\t某单位\n"
    "项目资金（万元）\t年初预算数\t全年预算数\t全年执行数\t分值\t执行率\t得分\n"
    "年度资金总额\t100\t100\t94.5\t10\t94.5%\t9.5\n"
    "其中：当年财政拨款\t100\t100\t94.5\t—\t94.5%\t—\n"
    "上年结转资金\t\t\t\t—\t\t—\n"
    "其他资金\t\t\t\t—\t\t—\n"
    "总体目标\t预期目标\t实际完成情况\n"
    "\t完成工作\t已完成\n"
    "绩效指标\t一级指标\t二级指标\t三级指标\t年度指标值\t实际完成值\t分值\t得分\t偏差原因分析及改进措施\n"
    "\t产出指标\t数量指标\t指标A\t10个\t10个\t90\t90\t\n"
    "总计\t\t\t\t\t\t100\t99.5\n";

static char *small_variant(const char *from, const char *to)
{
    char *text = from ? th_replace_once(small_self, from, to) : strdup(small_self);
    char *path = th_write_tmp_text("perf-small.txt", text);
    char *got = summary(path);
    free(path);
    free(text);
    return got;
}

Test(perf_round, an_exact_half_rounds_up_and_truncation_passes)
{
    char *got = small_variant(NULL, NULL); /* 10 × 0.945 = 9.45 → 9.5 half up */
    cr_assert_str_eq(got, "");
    free(got);
    got = small_variant("10\t94.5%\t9.5\n", "10\t94.5%\t9.4\n"); /* truncated: also a rule */
    cr_assert_str_eq(got, "total-score E 1 99.4 99.5 0.1\n");
    free(got);
    got = small_variant("10\t94.5%\t9.5\n", "10\t94.5%\t9.6\n");
    cr_assert_str_eq(got, "budget-score E 1 9.5 9.6 0.1\ntotal-score E 1 99.6 99.5 -0.1\n");
    free(got);
}

Test(perf_round, rates_at_their_printed_precision)
{
    char *got = small_variant("10\t94.5%\t9.5\n", "10\t94.50%\t9.5\n");
    cr_assert_str_eq(got, "");
    free(got);
    got = small_variant("10\t94.5%\t9.5\n", "10\t94.51%\t9.5\n");
    cr_assert_str_eq(got, "execution-rate E 1 94.50% 94.51% 0.01%\n");
    free(got);
    got = small_variant("10\t94.5%\t9.5\n", "10\t95%\t9.5\n"); /* 94.5 → 95 half up */
    cr_assert_str_eq(got, "");
    free(got);
}

Test(perf_round, an_overspent_budget_scores_its_points)
{
    /* 执行 110 of 100: 110% (or 100%) and the score capped at 10 */
    char *text = th_replace_once(small_self, "100\t100\t94.5\t10\t94.5%\t9.5",
                                 "100\t100\t110\t10\t100%\t10");
    char *t2 = th_replace_once(text, "100\t100\t94.5\t—\t94.5%", "100\t100\t110\t—\t110%");
    char *t3 = th_replace_once(t2, "100\t99.5", "100\t100");
    char *path = th_write_tmp_text("perf-over.txt", t3);
    char *got = summary(path);
    cr_assert_str_eq(got, "");
    free(got);
    free(path);
    free(t3);
    free(t2);
    free(text);
}
