/* tests/test_check.c — the balance identities, the warnings, user rules and the tolerance. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"

#define U(x) ((fp_amount)(x) * FP_AMOUNT_SCALE)
#define NONE_COL NULL

/* Bundled-table columns, by index. */
enum { C_LEVEL, C_NAME, C_YUAN, C_YINGJI, C_YIYANG, C_SUYANG, C_ZYY, C_XINXI, C_TOTAL, C_ADV,
       C_BATCH };

/* One expected finding. */
typedef struct want {
    fp_rule_kind rule;
    fp_rule_kind identity;
    fp_severity severity;
    const char *row;    /* the unit's name (unique in the table) */
    long line;          /* its line in the file */
    const char *column; /* header, or NULL for none */
    fp_amount expected, actual, difference;
    size_t custom;
} want;

#define ERR(rule, row, line, col, exp, act)                                                    \
    {rule, rule, FP_SEVERITY_ERROR, row, line, col, U(exp), U(act), U(act) - U(exp), FP_NONE}

/* The findings of R are exactly W[0..N), in that order. */
static void expect_findings(const fp_report *r, const fp_table *t, const want *w, size_t n)
{
    size_t errors = 0, warnings = 0;
    for (size_t i = 0; i < fp_report_count(r) && i < n; i++) {
        const fp_finding *f = fp_report_finding(r, i);
        cr_assert_eq(f->rule, w[i].rule, "finding %zu: rule %s, expected %s", i,
                     fp_rule_kind_name(f->rule), fp_rule_kind_name(w[i].rule));
        cr_assert_eq(f->identity, w[i].identity, "finding %zu: identity %s, expected %s", i,
                     fp_rule_kind_name(f->identity), fp_rule_kind_name(w[i].identity));
        cr_assert_eq(f->severity, w[i].severity, "finding %zu: severity", i);
        cr_assert_str_eq(fp_table_row_name(t, f->row), w[i].row, "finding %zu: row", i);
        cr_assert_eq(fp_table_row_line(t, f->row), w[i].line, "finding %zu: line", i);
        if (w[i].column)
            cr_assert_str_eq(f->column == FP_NONE ? "(none)" : fp_table_column_name(t, f->column),
                             w[i].column, "finding %zu: column", i);
        else
            cr_assert_eq(f->column, FP_NONE, "finding %zu: no column expected", i);
        cr_assert_eq(f->expected, w[i].expected, "finding %zu: expected %lld, got %lld", i,
                     (long long)w[i].expected, (long long)f->expected);
        cr_assert_eq(f->actual, w[i].actual, "finding %zu: actual %lld, got %lld", i,
                     (long long)w[i].actual, (long long)f->actual);
        cr_assert_eq(f->difference, w[i].difference, "finding %zu: difference %lld, got %lld", i,
                     (long long)w[i].difference, (long long)f->difference);
        cr_assert_eq(f->custom, w[i].custom, "finding %zu: custom index", i);
    }
    for (size_t i = 0; i < n; i++)
        *(w[i].severity == FP_SEVERITY_ERROR ? &errors : &warnings) += 1;
    if (fp_report_count(r) != n) {
        for (size_t i = 0; i < fp_report_count(r); i++) {
            const fp_finding *f = fp_report_finding(r, i);
            cr_log_error("got %s on %s", fp_rule_kind_name(f->rule), fp_table_row_name(t, f->row));
        }
    }
    cr_assert_eq(fp_report_count(r), n, "%zu findings, expected %zu", fp_report_count(r), n);
    cr_assert_eq(fp_report_errors(r), errors);
    cr_assert_eq(fp_report_warnings(r), warnings);
}

/* Check T with OPTS (NULL: defaults); the check itself must succeed. */
static fp_report *check(const fp_table *t, const fp_check_options *opts)
{
    fp_report *r = NULL;
    fp_diag d;
    fp_error e = fp_check(t, opts, &r, &d);
    cr_assert_eq(e, FP_OK, "fp_check failed: %s", d.message);
    cr_assert_not_null(r);
    return r;
}

/* The bundled table with the one occurrence of FROM replaced by TO. */
static fp_table *bundled_with(const char *from, const char *to)
{
    char *orig = th_read_file(TH_BUNDLED, NULL);
    cr_assert_not_null(orig);
    char *text = th_replace_once(orig, from, to);
    fp_table *t = th_load_text(text);
    free(text);
    free(orig);
    return t;
}

/* ---- names ---- */

Test(names, rule_kinds_have_stable_names)
{
    cr_assert_str_eq(fp_rule_kind_name(FP_RULE_COLUMN_SUM), "column-sum");
    cr_assert_str_eq(fp_rule_kind_name(FP_RULE_CATEGORY_SPLIT), "category-split");
    cr_assert_str_eq(fp_rule_kind_name(FP_RULE_ADVANCE_BATCH), "advance-batch");
    cr_assert_str_eq(fp_rule_kind_name(FP_RULE_CUSTOM), "custom");
    cr_assert_str_eq(fp_rule_kind_name(FP_RULE_CLAWBACK), "clawback");
    cr_assert_str_eq(fp_rule_kind_name(FP_RULE_NEGATIVE), "negative-amount");
    cr_assert_str_eq(fp_rule_kind_name(FP_RULE_EMPTY_ROW), "empty-row");
    cr_assert_str_eq(fp_rule_kind_name(FP_RULE_ROUNDING_RESIDUE), "rounding-residue");
    cr_assert_str_eq(fp_rule_kind_name(FP_RULE_MAX), "?");
}

Test(options, defaults_check_everything_with_no_tolerance)
{
    fp_check_options o;
    memset(&o, 0x55, sizeof o);
    fp_check_options_init(&o);
    cr_assert_eq(o.rules, FP_CHECK_ALL);
    cr_assert_eq(o.tolerance, 0);
    cr_assert_eq(o.custom_count, 0);
    cr_assert_null(o.custom);
}

/* ---- the bundled table ---- */

Test(bundled, has_no_findings)
{
    fp_table *t = th_load_bundled();
    fp_report *r = check(t, NULL);
    expect_findings(r, t, NULL, 0);
    cr_assert_eq(fp_report_rules(r), FP_CHECK_ALL);
    fp_report_free(r);
    fp_table_free(t);
}

/* (a) one county's category cell: its row's category split and its parent's column sum */
Test(fault, county_category_cell_fails_row_split_and_parent_column_sum_only)
{
    fp_table *t = bundled_with("\n3,天山区,316,", "\n3,天山区,326,");
    fp_report *r = check(t, NULL);
    const want w[] = {
        ERR(FP_RULE_COLUMN_SUM, "乌鲁木齐市", 9, "原基本公共卫生项目", 1910, 1900),
        ERR(FP_RULE_CATEGORY_SPLIT, "天山区", 10, "全年应拨付资金合计", 341, 331),
    };
    expect_findings(r, t, w, 2);
    cr_assert_eq(fp_report_finding(r, 0)->difference, U(-10));
    cr_assert_eq(fp_report_finding(r, 1)->difference, U(-10));
    cr_assert_eq(fp_report_finding(r, 0)->row, 7);
    cr_assert_eq(fp_report_finding(r, 0)->column, C_YUAN);
    cr_assert_eq(fp_report_finding(r, 1)->row, 8);
    cr_assert_eq(fp_report_finding(r, 1)->column, C_TOTAL);
    fp_report_free(r);
    fp_table_free(t);
}

/* (b) one county's year total: split and advance+batch on the row, column sum on the parent */
Test(fault, county_year_total_fails_split_advance_batch_and_parent_total)
{
    fp_table *t = bundled_with("\n3,天山区,316,0,15,0,0,0,331,", "\n3,天山区,316,0,15,0,0,0,335,");
    fp_report *r = check(t, NULL);
    const want w[] = {
        ERR(FP_RULE_COLUMN_SUM, "乌鲁木齐市", 9, "全年应拨付资金合计", 2006, 2002),
        ERR(FP_RULE_CATEGORY_SPLIT, "天山区", 10, "全年应拨付资金合计", 331, 335),
        ERR(FP_RULE_ADVANCE_BATCH, "天山区", 10, "全年应拨付资金合计", 331, 335),
    };
    expect_findings(r, t, w, 3);
    fp_report_free(r);
    fp_table_free(t);
}

/* (c) a subtotal's cell: its own column sum, its parent's column sum and its own split */
Test(fault, subtotal_cell_fails_its_sum_its_parents_sum_and_its_split)
{
    fp_table *t = bundled_with("\n2,乌鲁木齐市,1900,", "\n2,乌鲁木齐市,1905,");
    fp_report *r = check(t, NULL);
    const want w[] = {
        ERR(FP_RULE_COLUMN_SUM, "地州合计", 8, "原基本公共卫生项目", 26460, 26455),
        ERR(FP_RULE_COLUMN_SUM, "乌鲁木齐市", 9, "原基本公共卫生项目", 1900, 1905),
        ERR(FP_RULE_CATEGORY_SPLIT, "乌鲁木齐市", 9, "全年应拨付资金合计", 2007, 2002),
    };
    expect_findings(r, t, w, 3);
    fp_report_free(r);
    fp_table_free(t);
}

/* A prefecture's advance: its row and its parent, in every level up to the top. */
Test(fault, advance_cell_of_a_qizhong_row)
{
    fp_table *t = bundled_with("其中：博州人民医院,0,0,0,0,30,0,30,25,5",
                               "其中：博州人民医院,0,0,0,0,30,0,30,24,5");
    fp_report *r = check(t, NULL);
    const want w[] = {
        ERR(FP_RULE_COLUMN_SUM, "博州", 51, "已提前下达", 392, 393),
        ERR(FP_RULE_ADVANCE_BATCH, "其中：博州人民医院", 52, "全年应拨付资金合计", 29, 30),
    };
    expect_findings(r, t, w, 2);
    fp_report_free(r);
    fp_table_free(t);
}

/* A lost row (as at a PDF page break): every column sum of its parent, nothing else. */
Test(fault, lost_county_row_fails_every_column_sum_of_its_parent)
{
    fp_table *t = bundled_with("3,尉犁县,64,0,2,0,0,0,66,59,7\r\n", "");
    fp_report *r = check(t, NULL);
    const want w[] = {
        ERR(FP_RULE_COLUMN_SUM, "巴州", 73, "原基本公共卫生项目", 1339, 1403),
        ERR(FP_RULE_COLUMN_SUM, "巴州", 73, "国家应急队伍补充建设和运维保障项目", 0, 0),
        ERR(FP_RULE_COLUMN_SUM, "巴州", 73, "医养结合和老年健康服务", 29, 31),
        ERR(FP_RULE_COLUMN_SUM, "巴州", 73, "全年应拨付资金合计", 1368, 1434),
        ERR(FP_RULE_COLUMN_SUM, "巴州", 73, "已提前下达", 1213, 1272),
        ERR(FP_RULE_COLUMN_SUM, "巴州", 73, "此次下达", 155, 162),
    };
    /* the 0 = 0 column does not fail: drop it from the list */
    const want v[] = {w[0], w[2], w[3], w[4], w[5]};
    expect_findings(r, t, v, 5);
    fp_report_free(r);
    fp_table_free(t);
}

/* (d) a negative 此次下达 with every identity kept: one clawback warning, no error. */
Test(warnings, negative_batch_is_one_clawback_warning)
{
    fp_table *t = th_load_bundled();
    /* 乌尔禾区 4 = 4 + 0 becomes 4 = 6 + (-2); its parents move 2 from batch to advance */
    static const char *const rows[] = {"乌尔禾区", "克拉玛依市", "地州合计", "总计"};
    static const long adv[] = {6, 215, 23960, 25935}, bat[] = {-2, 24, 3115, 3325};
    for (size_t i = 0; i < 4; i++) {
        size_t row = th_row(t, rows[i]);
        fp_table_set_amount(t, row, C_ADV, U(adv[i]));
        fp_table_set_amount(t, row, C_BATCH, U(bat[i]));
    }
    fp_report *r = check(t, NULL);
    const want w[] = {{FP_RULE_CLAWBACK, FP_RULE_CLAWBACK, FP_SEVERITY_WARNING, "乌尔禾区", 50,
                       "此次下达", 0, U(-2), U(-2), FP_NONE}};
    expect_findings(r, t, w, 1);
    cr_assert_eq(fp_report_errors(r), 0);
    fp_report_free(r);
    fp_table_free(t);
}

Test(warnings, negative_amount_elsewhere)
{
    fp_table *t = th_load_text("级次,单位,甲,乙,合计,已提前下达,此次下达\n"
                               "0,总计,5,-1,4,3,1\n"
                               "1,A,3,-1,2,1,1\n"
                               "1,B,2,0,2,2,0\n");
    fp_report *r = check(t, NULL);
    const want w[] = {
        {FP_RULE_NEGATIVE, FP_RULE_NEGATIVE, FP_SEVERITY_WARNING, "总计", 2, "乙", 0, U(-1),
         U(-1), FP_NONE},
        {FP_RULE_NEGATIVE, FP_RULE_NEGATIVE, FP_SEVERITY_WARNING, "A", 3, "乙", 0, U(-1), U(-1),
         FP_NONE},
    };
    expect_findings(r, t, w, 2);
    fp_report_free(r);
    fp_table_free(t);
}

/* (e) a row with no amount: all zeros, or all blank. */
Test(warnings, row_of_zeros_is_an_empty_row)
{
    fp_table *t = th_load_bundled();
    /* 乌尔禾区 (2, 0, 2, …, 4, 4, 0) becomes all zeros; its parents lose the same amounts */
    static const char *const rows[] = {"乌尔禾区", "克拉玛依市", "地州合计", "总计"};
    static const long yuan[] = {0, 222, 26453, 26453}, yiyang[] = {0, 13, 498, 698},
                      total[] = {0, 235, 27071, 29256}, adv[] = {0, 209, 23954, 25929};
    for (size_t i = 0; i < 4; i++) {
        size_t row = th_row(t, rows[i]);
        fp_table_set_amount(t, row, C_YUAN, U(yuan[i]));
        fp_table_set_amount(t, row, C_YIYANG, U(yiyang[i]));
        fp_table_set_amount(t, row, C_TOTAL, U(total[i]));
        fp_table_set_amount(t, row, C_ADV, U(adv[i]));
    }
    fp_report *r = check(t, NULL);
    const want w[] = {{FP_RULE_EMPTY_ROW, FP_RULE_EMPTY_ROW, FP_SEVERITY_WARNING, "乌尔禾区", 50,
                       NONE_COL, 0, 0, 0, FP_NONE}};
    expect_findings(r, t, w, 1);
    fp_report_free(r);
    fp_table_free(t);
}

Test(warnings, row_of_blanks_is_an_empty_row)
{
    fp_table *t = th_load_text("级次,单位,甲,乙,合计\n0,总计,3,4,7\n1,A,3,4,7\n1,B,,—,-\n");
    fp_report *r = check(t, NULL);
    const want w[] = {
        {FP_RULE_EMPTY_ROW, FP_RULE_EMPTY_ROW, FP_SEVERITY_WARNING, "B", 4, NONE_COL, 0, 0, 0,
         FP_NONE}};
    expect_findings(r, t, w, 1);
    fp_report_free(r);
    fp_table_free(t);
}

Test(warnings, are_left_out_when_not_asked_for)
{
    fp_table *t = th_load_text("级次,单位,甲,乙,合计\n0,总计,3,-4,-1\n1,A,3,-4,-1\n1,B,0,0,0\n");
    fp_check_options o;
    fp_check_options_init(&o);
    o.rules = FP_CHECK_ALL & ~FP_CHECK_WARNINGS;
    fp_report *r = check(t, &o);
    expect_findings(r, t, NULL, 0);
    cr_assert_eq(fp_report_rules(r), o.rules);
    fp_report_free(r);
    fp_table_free(t);
}

/* ---- choosing rules ---- */

Test(rules, only_the_selected_identities_are_checked)
{
    fp_table *t = bundled_with("\n3,天山区,316,0,15,0,0,0,331,", "\n3,天山区,316,0,15,0,0,0,335,");
    fp_check_options o;
    fp_check_options_init(&o);
    o.rules = FP_CHECK_ADVANCE_BATCH;
    fp_report *r = check(t, &o);
    const want w[] = {ERR(FP_RULE_ADVANCE_BATCH, "天山区", 10, "全年应拨付资金合计", 331, 335)};
    expect_findings(r, t, w, 1);
    fp_report_free(r);
    o.rules = FP_CHECK_COLUMN_SUM;
    r = check(t, &o);
    const want v[] = {ERR(FP_RULE_COLUMN_SUM, "乌鲁木齐市", 9, "全年应拨付资金合计", 2006, 2002)};
    expect_findings(r, t, v, 1);
    fp_report_free(r);
    fp_table_free(t);
}

Test(rules, column_sums_at_every_level_of_a_parent_table_out_of_order)
{
    fp_table *t = th_load_text("单位,上级,甲,合计\n"
                               "天山区,乌鲁木齐市,1,1\n"
                               "乌鲁木齐市,总计,3,3\n"
                               "总计,,4,4\n"
                               "米东区,乌鲁木齐市,1,1\n"
                               "自治区本级,总计,1,1\n");
    fp_report *r = check(t, NULL);
    /* 乌鲁木齐市 says 3 but its rows give 2; 总计 says 4 and its rows give 3 + 1 */
    const want w[] = {
        ERR(FP_RULE_COLUMN_SUM, "乌鲁木齐市", 3, "甲", 2, 3),
        ERR(FP_RULE_COLUMN_SUM, "乌鲁木齐市", 3, "合计", 2, 3),
    };
    expect_findings(r, t, w, 2);
    fp_report_free(r);
    fp_table_free(t);
}

Test(rules, several_top_level_rows_are_each_summed)
{
    fp_table *t = th_load_text("级次,单位,甲,合计\n"
                               "0,乌鲁木齐市,3,3\n1,天山区,3,3\n"
                               "0,喀什地区,5,5\n1,喀什市,4,4\n"
                               "0,和田地区,2,2\n");
    fp_report *r = check(t, NULL);
    const want w[] = {
        ERR(FP_RULE_COLUMN_SUM, "喀什地区", 4, "甲", 4, 5),
        ERR(FP_RULE_COLUMN_SUM, "喀什地区", 4, "合计", 4, 5),
    };
    expect_findings(r, t, w, 2);
    fp_report_free(r);
    fp_table_free(t);
}

Test(rules, decimals_are_exact)
{
    fp_table *t = th_load_text("级次,单位,甲,乙,合计\n"
                               "0,总计,5141.32,4104.267,9245.587\n"
                               "1,A,5000.0001,4104.267,9104.2671\n"
                               "1,B,141.3199,0,141.3198\n");
    fp_report *r = check(t, NULL);
    const want w[] = {
        {FP_RULE_COLUMN_SUM, FP_RULE_COLUMN_SUM, FP_SEVERITY_ERROR, "总计", 2, "合计",
         U(9245) + 586900, U(9245) + 587000, 100, FP_NONE},
        {FP_RULE_CATEGORY_SPLIT, FP_RULE_CATEGORY_SPLIT, FP_SEVERITY_ERROR, "B", 4, "合计",
         U(141) + 319900, U(141) + 319800, -100, FP_NONE},
    };
    expect_findings(r, t, w, 2);
    fp_report_free(r);
    fp_table_free(t);
}

Test(rules, a_sum_beyond_the_amount_range_fails_the_check)
{
    fp_table *t = th_load_text("级次,单位,甲\n0,总计,9000000000000\n1,A,9000000000000\n"
                               "1,B,9000000000000\n");
    fp_report *r = (fp_report *)1;
    fp_diag d;
    cr_assert_eq(fp_check(t, NULL, &r, &d), FP_ERR_AMOUNT_OVERFLOW);
    cr_assert_null(r);
    cr_assert_eq(d.line, 2);
    cr_assert_str_eq(d.column, "甲");
    fp_table_free(t);
}

/* ---- tolerance ---- */

/* (f) differences within the tolerance are rounding-residue warnings of their identity. */
Test(tolerance, difference_of_one_within_one_is_a_residue_warning)
{
    fp_table *t = bundled_with("\n3,天山区,316,", "\n3,天山区,317,");
    fp_check_options o;
    fp_check_options_init(&o);
    o.tolerance = U(1);
    fp_report *r = check(t, &o);
    const want w[] = {
        {FP_RULE_ROUNDING_RESIDUE, FP_RULE_COLUMN_SUM, FP_SEVERITY_WARNING, "乌鲁木齐市", 9,
         "原基本公共卫生项目", U(1901), U(1900), U(-1), FP_NONE},
        {FP_RULE_ROUNDING_RESIDUE, FP_RULE_CATEGORY_SPLIT, FP_SEVERITY_WARNING, "天山区", 10,
         "全年应拨付资金合计", U(332), U(331), U(-1), FP_NONE},
    };
    expect_findings(r, t, w, 2);
    cr_assert_eq(fp_report_errors(r), 0);
    fp_report_free(r);
    fp_table_free(t);
}

Test(tolerance, difference_beyond_the_tolerance_stays_an_error)
{
    fp_table *t = bundled_with("\n3,天山区,316,", "\n3,天山区,318,");
    fp_check_options o;
    fp_check_options_init(&o);
    o.tolerance = U(1);
    fp_report *r = check(t, &o);
    const want w[] = {
        ERR(FP_RULE_COLUMN_SUM, "乌鲁木齐市", 9, "原基本公共卫生项目", 1902, 1900),
        ERR(FP_RULE_CATEGORY_SPLIT, "天山区", 10, "全年应拨付资金合计", 333, 331),
    };
    expect_findings(r, t, w, 2);
    fp_report_free(r);
    o.tolerance = 999999; /* 0.999999: just below one unit */
    fp_table *u = bundled_with("\n3,天山区,316,", "\n3,天山区,317,");
    r = check(u, &o);
    cr_assert_eq(fp_report_errors(r), 2);
    cr_assert_eq(fp_report_warnings(r), 0);
    fp_report_free(r);
    fp_table_free(u);
    fp_table_free(t);
}

Test(tolerance, residues_and_errors_mix_in_row_order)
{
    /* 天山区 +1 (residue) and 米东区's year total +3 (errors) */
    char *orig = th_read_file(TH_BUNDLED, NULL);
    char *a = th_replace_once(orig, "\n3,天山区,316,", "\n3,天山区,317,");
    char *b = th_replace_once(a, "\n3,米东区,248,0,13,0,0,0,261,", "\n3,米东区,248,0,13,0,0,0,264,");
    fp_table *t = th_load_text(b);
    fp_check_options o;
    fp_check_options_init(&o);
    o.tolerance = U(1);
    fp_report *r = check(t, &o);
    const want w[] = {
        {FP_RULE_ROUNDING_RESIDUE, FP_RULE_COLUMN_SUM, FP_SEVERITY_WARNING, "乌鲁木齐市", 9,
         "原基本公共卫生项目", U(1901), U(1900), U(-1), FP_NONE},
        ERR(FP_RULE_COLUMN_SUM, "乌鲁木齐市", 9, "全年应拨付资金合计", 2005, 2002),
        {FP_RULE_ROUNDING_RESIDUE, FP_RULE_CATEGORY_SPLIT, FP_SEVERITY_WARNING, "天山区", 10,
         "全年应拨付资金合计", U(332), U(331), U(-1), FP_NONE},
        ERR(FP_RULE_CATEGORY_SPLIT, "米东区", 16, "全年应拨付资金合计", 261, 264),
        ERR(FP_RULE_ADVANCE_BATCH, "米东区", 16, "全年应拨付资金合计", 261, 264),
    };
    expect_findings(r, t, w, 5);
    fp_report_free(r);
    fp_table_free(t);
    free(b);
    free(a);
    free(orig);
}

/* ---- user rules ---- */

/* A department target table: 总额 comes first, so no column is a category. */
static const char target_csv[] = "单位,总额,财政拨款,其他资金,备注\n"
                                 "甲单位,120,100,20,\n"
                                 "乙单位,56,50,5,多 1\n"
                                 "丙单位,30,30,,\n";

static fp_rule *parse_ok(const fp_table *t, const char *text)
{
    fp_rule *rule = NULL;
    fp_diag d;
    cr_assert_eq(fp_rule_parse(t, text, &rule, &d), FP_OK, "\"%s\": %s", text, d.message);
    cr_assert_not_null(rule);
    return rule;
}

static void check_custom(const fp_table *t, const char *text, const want *w, size_t n)
{
    fp_rule *rule = parse_ok(t, text);
    const fp_rule *rules[] = {rule};
    fp_check_options o;
    fp_check_options_init(&o);
    o.custom = rules;
    o.custom_count = 1;
    fp_report *r = check(t, &o);
    expect_findings(r, t, w, n);
    fp_report_free(r);
    fp_rule_free(rule);
}

Test(custom, failing_on_one_row_gives_one_custom_finding)
{
    fp_table *t = th_load_text(target_csv);
    const size_t *cats;
    cr_assert_eq(fp_table_categories(t, &cats), 0);
    const want w[] = {{FP_RULE_CUSTOM, FP_RULE_CUSTOM, FP_SEVERITY_ERROR, "乙单位", 3, "总额",
                       U(55), U(56), U(1), 0}};
    check_custom(t, "总额 = 财政拨款 + 其他资金", w, 1);
    fp_table_free(t);
}

Test(custom, reported_on_the_first_left_column_with_what_it_would_need)
{
    fp_table *t = th_load_text(target_csv);
    const want a[] = {{FP_RULE_CUSTOM, FP_RULE_CUSTOM, FP_SEVERITY_ERROR, "乙单位", 3, "财政拨款",
                       U(51), U(50), U(-1), 0}};
    check_custom(t, "财政拨款 = 总额 - 其他资金", a, 1);
    /* a negative first term: 其他资金 would need to be 6 for -6 + 56 = 50 */
    const want b[] = {{FP_RULE_CUSTOM, FP_RULE_CUSTOM, FP_SEVERITY_ERROR, "乙单位", 3, "其他资金",
                       U(6), U(5), U(-1), 0}};
    check_custom(t, "-其他资金 + 总额 = 财政拨款", b, 1);
    /* sums on both sides */
    const want c[] = {{FP_RULE_CUSTOM, FP_RULE_CUSTOM, FP_SEVERITY_ERROR, "乙单位", 3, "总额",
                       U(55), U(56), U(1), 0}};
    check_custom(t, "总额 - 其他资金 = 财政拨款", c, 1);
    fp_table_free(t);
}

Test(custom, full_width_operators_and_quoted_names)
{
    fp_table *t = th_load_text(target_csv);
    const want w[] = {{FP_RULE_CUSTOM, FP_RULE_CUSTOM, FP_SEVERITY_ERROR, "乙单位", 3, "总额",
                       U(55), U(56), U(1), 0}};
    check_custom(t, "总额＝财政拨款＋其他资金", w, 1);
    check_custom(t, "\"总额\"=\"财政拨款\"+\"其他资金\"", w, 1);
    fp_table_free(t);
}

Test(custom, text_and_column_of_a_parsed_rule)
{
    fp_table *t = th_load_text(target_csv);
    fp_rule *rule = parse_ok(t, "其他资金 = 总额 - 财政拨款");
    cr_assert_str_eq(fp_rule_text(rule), "其他资金 = 总额 - 财政拨款");
    cr_assert_eq(fp_rule_column(rule), 3);
    fp_rule_free(rule);
    fp_rule_free(NULL);
    fp_table_free(t);
}

Test(custom, several_rules_are_reported_in_order_with_their_index)
{
    fp_table *t = th_load_text(target_csv);
    fp_rule *r1 = parse_ok(t, "总额 = 财政拨款 + 其他资金");
    fp_rule *r2 = parse_ok(t, "财政拨款 = 总额");
    const fp_rule *rules[] = {r1, r2};
    fp_check_options o;
    fp_check_options_init(&o);
    o.custom = rules;
    o.custom_count = 2;
    fp_report *r = check(t, &o);
    const want w[] = {
        {FP_RULE_CUSTOM, FP_RULE_CUSTOM, FP_SEVERITY_ERROR, "甲单位", 2, "财政拨款", U(120),
         U(100), U(-20), 1},
        {FP_RULE_CUSTOM, FP_RULE_CUSTOM, FP_SEVERITY_ERROR, "乙单位", 3, "总额", U(55), U(56),
         U(1), 0},
        {FP_RULE_CUSTOM, FP_RULE_CUSTOM, FP_SEVERITY_ERROR, "乙单位", 3, "财政拨款", U(56),
         U(50), U(-6), 1},
    };
    expect_findings(r, t, w, 3);
    fp_report_free(r);
    fp_rule_free(r1);
    fp_rule_free(r2);
    fp_table_free(t);
}

Test(custom, within_the_tolerance_is_a_residue_of_the_custom_rule)
{
    fp_table *t = th_load_text(target_csv);
    fp_rule *rule = parse_ok(t, "总额 = 财政拨款 + 其他资金");
    const fp_rule *rules[] = {rule};
    fp_check_options o;
    fp_check_options_init(&o);
    o.custom = rules;
    o.custom_count = 1;
    o.tolerance = U(1);
    fp_report *r = check(t, &o);
    const want w[] = {{FP_RULE_ROUNDING_RESIDUE, FP_RULE_CUSTOM, FP_SEVERITY_WARNING, "乙单位", 3,
                       "总额", U(55), U(56), U(1), 0}};
    expect_findings(r, t, w, 1);
    fp_report_free(r);
    fp_rule_free(rule);
    fp_table_free(t);
}

/* A rule that does not parse: CODE, and the column or text the diagnostic names. */
static void parse_fails(const fp_table *t, const char *text, fp_error code, const char *column,
                        const char *why)
{
    fp_rule *rule = (fp_rule *)1;
    fp_diag d;
    cr_assert_eq(fp_rule_parse(t, text, &rule, &d), code, "\"%s\": %s", text, d.message);
    cr_assert_null(rule);
    cr_assert_eq(d.code, code);
    cr_assert_str_eq(d.column, column);
    cr_assert_not_null(strstr(d.message, why), "\"%s\": message \"%s\" lacks \"%s\"", text,
                       d.message, why);
}

Test(custom, rule_naming_an_unknown_column)
{
    fp_table *t = th_load_text(target_csv);
    parse_fails(t, "总额 = 财政拨款 + 其它资金", FP_ERR_COLUMN, "其它资金",
                "no column is headed \"其它资金\"");
    parse_fails(t, "总额 = 财政拨款 其他资金", FP_ERR_COLUMN, "财政拨款 其他资金", "no column");
    fp_table_free(t);
}

Test(custom, rule_naming_a_text_column)
{
    fp_table *t = th_load_text(target_csv);
    parse_fails(t, "总额 = 备注", FP_ERR_COLUMN, "备注", "does not hold amounts");
    parse_fails(t, "单位 = 总额", FP_ERR_COLUMN, "单位", "does not hold amounts");
    fp_table_free(t);
}

Test(custom, rule_with_a_missing_term)
{
    fp_table *t = th_load_text(target_csv);
    parse_fails(t, "总额 = 财政拨款 +", FP_ERR_RULE_SYNTAX, "", "a term is missing");
    parse_fails(t, "= 财政拨款", FP_ERR_RULE_SYNTAX, "", "a term is missing");
    parse_fails(t, "总额 =", FP_ERR_RULE_SYNTAX, "", "a term is missing");
    fp_table_free(t);
}

Test(custom, rule_with_two_equals_signs)
{
    fp_table *t = th_load_text(target_csv);
    parse_fails(t, "总额 = 财政拨款 = 其他资金", FP_ERR_RULE_SYNTAX, "", "more than one '='");
    fp_table_free(t);
}

Test(custom, rule_without_an_equals_sign)
{
    fp_table *t = th_load_text(target_csv);
    parse_fails(t, "总额 + 财政拨款", FP_ERR_RULE_SYNTAX, "", "no '='");
    parse_fails(t, "", FP_ERR_RULE_SYNTAX, "", "no '='");
    fp_table_free(t);
}

Test(custom, rule_with_an_unclosed_quote)
{
    fp_table *t = th_load_text(target_csv);
    parse_fails(t, "\"总额 = 财政拨款", FP_ERR_RULE_SYNTAX, "", "a quote is not closed");
    fp_table_free(t);
}

/* ---- the report object ---- */

Test(report, free_accepts_null)
{
    fp_report_free(NULL);
}

Test(report, json_escapes_names_and_writes_amounts_as_strings)
{
    fp_table *t = th_load_text("级次,单位,甲,合计\n"
                               "0,\"总\"\"计\\\",3,3.5\n"
                               "1,\"A\tB\",3,3.5\n");
    fp_report *r = check(t, NULL);
    char *out = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&out, &len);
    cr_assert_eq(fp_report_write_json(r, t, NULL, f), FP_OK);
    fclose(f);
    cr_assert_str_eq(out, "{\"file\":\"test.csv\",\"rows\":2,\"unit\":null,\"rules\":"
                          "[\"column-sum\",\"category-split\",\"advance-batch\"],\"errors\":2,"
                          "\"warnings\":0,\"findings\":[\n"
                          "{\"rule\":\"category-split\",\"severity\":\"error\",\"line\":2,"
                          "\"unit\":\"总\\\"计\\\\\",\"path\":[\"总\\\"计\\\\\"],\"column\":"
                          "\"合计\",\"expected\":\"3\",\"actual\":\"3.5\",\"difference\":\"0.5\"},\n"
                          "{\"rule\":\"category-split\",\"severity\":\"error\",\"line\":3,"
                          "\"unit\":\"A\\tB\",\"path\":[\"总\\\"计\\\\\",\"A\\tB\"],\"column\":"
                          "\"合计\",\"expected\":\"3\",\"actual\":\"3.5\","
                          "\"difference\":\"0.5\"}]}\n");
    free(out);
    fp_report_free(r);
    fp_table_free(t);
}

Test(report, text_report_of_a_clean_table_has_no_finding_lines)
{
    fp_table *t = th_load_text("级次,单位,甲,合计\n0,总计,3,3\n1,A,3,3\n");
    fp_report *r = check(t, NULL);
    char *out = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&out, &len);
    cr_assert_eq(fp_report_write_text(r, t, NULL, FP_LANG_ZH, f), FP_OK);
    cr_assert_eq(fp_report_write_text(r, t, NULL, FP_LANG_EN, f), FP_OK);
    fclose(f);
    cr_assert_str_eq(out, "文件：test.csv，2 行\n"
                          "检查规则：列合计、类别合计、全年=已提前下达+此次下达\n"
                          "\n"
                          "共 2 行：各项平衡关系全部成立，0 个警告。\n"
                          "file: test.csv, 2 rows\n"
                          "rules: column-sum, category-split, advance-batch\n"
                          "\n"
                          "2 rows: every identity holds, 0 warnings.\n");
    free(out);
    fp_report_free(r);
    fp_table_free(t);
}

/* A total that comes after its rows (上级 form, or a notice with 合计 at the bottom) is still
 * checked: the rows are walked in tree order, not file order. */
Test(column_sum, total_after_its_rows_is_checked)
{
    fp_table *t = th_load_text("单位,上级,A,B,合计\n甲,总计,1,1,2\n乙,总计,2,2,4\n总计,,5,3,8\n");
    fp_report *r = NULL;
    fp_diag d;
    cr_assert_eq(fp_check(t, NULL, &r, &d), FP_OK);
    cr_assert_eq(fp_report_errors(r), 2);
    const fp_finding *f = fp_report_finding(r, 0);
    cr_assert_eq(f->rule, FP_RULE_COLUMN_SUM);
    cr_assert_eq(f->row, 2);
    cr_assert_eq(f->expected, 3 * FP_AMOUNT_SCALE);
    cr_assert_eq(f->actual, 5 * FP_AMOUNT_SCALE);
    fp_report_free(r);
    fp_table_free(t);
    /* the same rows, balanced, reallocate into a table that passes */
    t = th_load_text("单位,上级,A,B,合计\n甲,总计,1,1,2\n乙,总计,2,2,4\n总计,,3,3,6\n");
    fp_realloc_options o;
    fp_realloc_options_init(&o);
    fp_realloc_target tg = {"总计", "A", 6 * FP_AMOUNT_SCALE};
    o.targets = &tg;
    o.target_count = 1;
    fp_table *n = NULL;
    cr_assert_eq(fp_realloc(t, &o, &n, &d), FP_OK, "%s", d.message);
    size_t a = fp_table_find_column(n, "A");
    cr_assert_eq(fp_table_amount(n, 0, a), 2 * FP_AMOUNT_SCALE);
    cr_assert_eq(fp_table_amount(n, 1, a), 4 * FP_AMOUNT_SCALE);
    cr_assert_eq(fp_table_amount(n, 2, a), 6 * FP_AMOUNT_SCALE);
    fp_table_free(n);
    fp_table_free(t);
}
