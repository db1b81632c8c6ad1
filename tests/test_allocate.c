/* tests/test_allocate.c — fenpei allocate (the factor method): a hand-computed example, --into on
 * the bundled table against exact shares computed here, and every refusal. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "helpers.h"

#define DATA FENPEI_SOURCE_DIR "/tests/data/allocate/"
#define WEIGHTS "常住人口=0.6,管理人数=0.3,绩效得分=0.1"
#define SC FP_AMOUNT_SCALE

Test(allocate, hand_computed_example_to_the_unit)
{
    char *out = th_out_path("alloc-hand.csv");
    const char *argv[] = {FENPEI_BIN, "allocate", DATA "hand.csv", "--total", "1000", "--base",
                          "50", "--weights", WEIGHTS, "-o", out, NULL};
    th_run r = th_run_argv(argv);
    cr_assert_eq(r.status, 0, "%s", r.err);
    char *got = th_read_file(out, NULL);
    cr_assert_str_eq(got, "级次,单位,常住人口,管理人数,绩效得分,分配金额\n"
                          "0,总计,,,,1000\n"
                          "1,甲市,,,,457\n"
                          "2,A县,30,5,90,278\n"
                          "2,B县,10,5,80,179\n"
                          "1,乙市,,,,543\n"
                          "2,C县,40,6,70,333\n"
                          "2,D县,20,4,60,210\n");
    free(got);
    th_run_free(&r);
    free(out);
}

/* Exact share of each leaf in long double (an independent computation), for the check that the
 * rounded amounts lie within one unit. */
Test(allocate, into_the_bundled_table)
{
    fp_table *f = NULL, *t = th_load_bundled(), *out = NULL;
    fp_diag d;
    cr_assert_eq(fp_table_load_file(DATA "xinjiang-factors.csv", NULL, &f, &d), FP_OK, "%s",
                 d.message);
    fp_allocate_options o;
    fp_allocate_options_init(&o);
    fp_factor_weight w[3] = {{"常住人口", "0.6"}, {"管理人数", "0.3"}, {"绩效得分", "0.1"}};
    o.weights = w;
    o.weight_count = 3;
    o.total = 27000 * SC;
    o.base = 10 * SC;
    cr_assert_eq(fp_allocate_into(f, &o, t, "原基本公共卫生项目", &out, &d), FP_OK, "%s",
                 d.message);
    fp_report *rep = NULL;
    cr_assert_eq(fp_check(out, NULL, &rep, &d), FP_OK);
    cr_assert_eq(fp_report_errors(rep), 0);
    fp_report_free(rep);
    size_t col = th_col(t, "原基本公共卫生项目"), tot = th_col(t, "全年应拨付资金合计");
    cr_assert_eq(fp_table_amount(out, 0, col), 27000 * SC);
    /* exact amounts by leaf name */
    long double F[3] = {0, 0, 0};
    size_t nleaf = 0;
    for (size_t r = 0; r < fp_table_row_count(f); r++) {
        if (fp_table_first_child(f, r) != FP_NONE)
            continue;
        nleaf++;
        for (int k = 0; k < 3; k++)
            F[k] += (long double)fp_table_amount(f, r, th_col(f, w[k].column));
    }
    static const long double wt[3] = {0.6L, 0.3L, 0.1L};
    size_t checked = 0;
    for (size_t r = 0; r < fp_table_row_count(f); r++) {
        if (fp_table_first_child(f, r) != FP_NONE)
            continue;
        long double share = 0;
        for (int k = 0; k < 3; k++)
            share += wt[k] * (long double)fp_table_amount(f, r, th_col(f, w[k].column)) / F[k];
        long double exact = 10 + share * (27000 - 10 * (long double)nleaf);
        size_t row = th_row(t, fp_table_row_name(f, r));
        long double got = (long double)fp_table_amount(out, row, col) / SC;
        cr_assert_lt(fabsl(got - exact), 1.0L, "%s: %.0Lf against %.4Lf", fp_table_row_name(f, r),
                     got, exact);
        /* the year total moved by the same amount */
        cr_assert_eq(fp_table_amount(out, row, tot) - fp_table_amount(t, row, tot),
                     fp_table_amount(out, row, col) - fp_table_amount(t, row, col));
        checked++;
    }
    cr_assert_eq(checked, nleaf);
    cr_assert_geq(checked, 90);
    fp_table_free(out);
    fp_table_free(f);
    fp_table_free(t);
}

static void refused(const char *factors_text, const char *weights, const char *into,
                    const char *needle)
{
    char *in = th_write_tmp_text("alloc-in.csv", factors_text);
    char *out = th_out_path("alloc-refused.csv");
    const char *argv[16];
    size_t n = 0;
    argv[n++] = FENPEI_BIN;
    argv[n++] = "allocate";
    argv[n++] = in;
    argv[n++] = "--total";
    argv[n++] = "100";
    argv[n++] = "--weights";
    argv[n++] = weights;
    if (into) {
        argv[n++] = "--into";
        argv[n++] = into;
        argv[n++] = "--column";
        argv[n++] = "甲";
    }
    argv[n++] = "-o";
    argv[n++] = out;
    argv[n] = NULL;
    th_run r = th_run_argv(argv);
    cr_assert_eq(r.status, 2, "%s: status %d, %s", needle, r.status, r.err);
    cr_assert(strstr(r.err, needle), "expected \"%s\" in %s", needle, r.err);
    struct stat st;
    cr_assert_neq(stat(out, &st), 0, "written though refused");
    th_run_free(&r);
    free(in);
    free(out);
}

#define FAC "级次,单位,人口,面积\n0,总计,,\n1,甲,10,3\n1,乙,20,1\n"

Test(allocate, refusals_name_what_is_wrong)
{
    refused(FAC, "人口=0.6,面积=0.3", NULL, "the weights add up to 0.9, not exactly 1");
    refused(FAC, "人口=0.6,高度=0.4", NULL, "no column is headed \"高度\"");
    refused("级次,单位,人口,面积\n0,总计,,\n1,甲,,3\n1,乙,20,1\n", "人口=0.6,面积=0.4", NULL,
            "甲 has no 人口 (an empty cell)");
    refused("级次,单位,人口,面积\n0,总计,,\n1,甲,-10,3\n1,乙,20,1\n", "人口=0.6,面积=0.4", NULL,
            "甲 has 人口 = -10; a factor cannot be negative");
    refused("级次,单位,人口,面积\n0,总计,,\n1,甲,0,3\n1,乙,0,1\n", "人口=0.6,面积=0.4", NULL,
            "factor \"人口\" is 0 on every leaf");
    char *table = th_write_tmp_text("alloc-table.csv", "级次,单位,甲,乙,全年应拨付资金合计\n"
                                                       "0,总计,30,6,36\n"
                                                       "1,甲,10,2,12\n"
                                                       "1,丙,20,4,24\n");
    refused(FAC, "人口=0.6,面积=0.4", table, "丙 (丙) is a unit of the table but has no row in");
    char *table2 = th_write_tmp_text("alloc-table2.csv", "级次,单位,甲,乙,全年应拨付资金合计\n"
                                                        "0,总计,10,2,12\n"
                                                        "1,甲,10,2,12\n");
    refused(FAC, "人口=0.6,面积=0.4", table2, "乙 (乙) is in the factor table but not a unit of");
    free(table);
    free(table2);
}
