/* tests/test_realloc_conflict.c — several --set that cannot all hold: the exact feasibility test
 * (src/realloc/feasible.c) on its own, contradictions of three and more targets no pair shows
 * (with and without --no-clawback, --min, --fix) with their exact messages, and a property test
 * against an independent model: an exact rational simplex (phase one, Bland's rule) deciding
 * whether the same targets and bounds admit a table. */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "helpers.h"
#include "realloc/feasible.h"

#define SC FP_AMOUNT_SCALE
#define COL_TOTAL "全年应拨付资金合计"

/* ---- the network test on its own ---- */

Test(feasible, floors_above_a_set_are_cut_with_the_gap)
{
    /* two cells, floors 3 and 3, one set of both asking 5 */
    i128 fl[2] = {3, 3}, lo[1] = {5}, hi[1] = {5};
    size_t cell_set[4] = {0, FEAS_NONE, 0, FEAS_NONE}, parent[1] = {FEAS_NONE};
    uint8_t family[1] = {0}, set_cut[1], cell_cut[2], at_floor[2];
    feas_net N = {2, 1, fl, cell_set, parent, family, lo, hi};
    feas_result R = {0, 0, set_cut, cell_cut, at_floor};
    cr_assert_eq(feas_solve(&N, &R), FP_OK);
    cr_assert_eq(R.feasible, 0);
    cr_assert(R.gap == 1);
    cr_assert_eq(set_cut[0], FEAS_UPPER);
    cr_assert_eq(cell_cut[0], 1);
    cr_assert_eq(cell_cut[1], 1);
    /* a floor of 2 fits: feasible, and neither cell is held at its floor by every solution */
    fl[1] = 2;
    cr_assert_eq(feas_solve(&N, &R), FP_OK);
    cr_assert_eq(R.feasible, 1);
    cr_assert_eq(at_floor[0] + at_floor[1], 2, "5 = 3 + 2 holds both at their floors");
    fl[0] = fl[1] = 0;
    cr_assert_eq(feas_solve(&N, &R), FP_OK);
    cr_assert_eq(at_floor[0] + at_floor[1], 0);
}

Test(feasible, a_cell_every_solution_keeps_at_zero)
{
    /* a row set {c0} = 5 (family 0), a column set {c0, c1} = 5 (family 1): c1 is always 0 */
    i128 fl[2] = {0, 0}, lo[2] = {5, 5}, hi[2] = {5, 5};
    size_t cell_set[4] = {0, 1, FEAS_NONE, 1}, parent[2] = {FEAS_NONE, FEAS_NONE};
    uint8_t family[2] = {0, 1}, set_cut[2], cell_cut[2], at_floor[2];
    feas_net N = {2, 2, fl, cell_set, parent, family, lo, hi};
    feas_result R = {0, 0, set_cut, cell_cut, at_floor};
    cr_assert_eq(feas_solve(&N, &R), FP_OK);
    cr_assert_eq(R.feasible, 1);
    cr_assert_eq(at_floor[0], 0);
    cr_assert_eq(at_floor[1], 1);
    /* the column set at 4: c0 = 5 alone is too much, by 1; both sets are in the certificate */
    lo[1] = hi[1] = 4;
    cr_assert_eq(feas_solve(&N, &R), FP_OK);
    cr_assert_eq(R.feasible, 0);
    cr_assert(R.gap == 1);
    cr_assert_eq(set_cut[0] != 0, 1);
    cr_assert_eq(set_cut[1] != 0, 1);
}

Test(feasible, an_ill_formed_net_is_refused)
{
    i128 fl[1] = {0}, lo[1] = {5}, hi[1] = {4};
    size_t cell_set[2] = {0, FEAS_NONE}, parent[1] = {FEAS_NONE};
    uint8_t family[1] = {0}, set_cut[1], cell_cut[1], at_floor[1];
    feas_net N = {1, 1, fl, cell_set, parent, family, lo, hi};
    feas_result R = {0, 0, set_cut, cell_cut, at_floor};
    cr_assert_eq(feas_solve(&N, &R), FP_ERR_ARGUMENT, "upper bound below the lower");
    hi[0] = FEAS_UNBOUNDED;
    family[0] = 1; /* the cell names set 0 as its family-0 set */
    cr_assert_eq(feas_solve(&N, &R), FP_ERR_ARGUMENT, "a cell's set of the wrong family");
}

/* ---- contradictions of three and more targets ---- */

typedef struct request {
    const char *table;
    fp_realloc_target tg[6];
    size_t ntg;
    int no_clawback;
    fp_realloc_floor floor; /* column NULL: none */
    const char *fixed;      /* NULL: none */
} request;

/* Q with at most ROUNDS rounds of fitting (0: the default). */
static fp_error run_rounds(const request *q, long rounds, fp_diag *d, fp_table **out)
{
    fp_table *t = th_load_text(q->table);
    fp_realloc_options o;
    fp_realloc_options_init(&o);
    o.targets = q->tg;
    o.target_count = q->ntg;
    o.no_clawback = q->no_clawback;
    if (q->floor.column) {
        o.floors = &q->floor;
        o.floor_count = 1;
    }
    if (q->fixed) {
        o.fixed = &q->fixed;
        o.fixed_count = 1;
    }
    o.fit_rounds = rounds;
    fp_table *res = NULL;
    fp_error e = fp_realloc(t, &o, &res, d);
    if (e != FP_OK)
        cr_assert_null(res, "a failed realloc returns no table");
    fp_table_free(t);
    if (out)
        *out = res;
    else
        fp_table_free(res);
    return e;
}

static fp_error run(const request *q, fp_diag *d, fp_table **out)
{
    return run_rounds(q, 0, d, out);
}

/* Without any one of its --set the request holds: the contradiction needs them all. */
static void holds_without_any_one(const request *q)
{
    for (size_t drop = 0; drop < q->ntg; drop++) {
        request p = *q;
        p.ntg = 0;
        for (size_t j = 0; j < q->ntg; j++)
            if (j != drop)
                p.tg[p.ntg++] = q->tg[j];
        fp_diag d;
        cr_assert_eq(run(&p, &d, NULL), FP_OK, "without --set %s:%s: %s", q->tg[drop].unit,
                     q->tg[drop].column, d.message);
    }
}

#define TWO "级次,单位,甲,乙," COL_TOTAL "\n0,总计,20,20,40\n1,A,10,10,20\n1,B,10,10,20\n"

/* Row margins and a column margin: A's and B's year totals (5 and 4) cannot give 总计's 甲 10.
 * Every two of them can hold together. */
Test(three_or_more, two_row_totals_and_a_column_total)
{
    request q = {TWO, {{"总计", "甲", 10 * SC}, {"A", COL_TOTAL, 5 * SC}, {"B", COL_TOTAL, 4 * SC}},
                 3, 0, {NULL, 0}, NULL};
    fp_diag d;
    cr_assert_eq(run(&q, &d, NULL), FP_ERR_CONFLICT, "%s", d.message);
    cr_assert_str_eq(d.message, "--set 总计:甲=10, --set A:" COL_TOTAL "=5 and --set B:" COL_TOTAL
                                "=4 cannot all hold: short by 1");
    holds_without_any_one(&q);
}

/* All four margins of a 2 × 2 block: the row totals add up to 9, the column totals to 8. Every
 * three of them hold; the message names all four. */
Test(three_or_more, four_margins_that_do_not_add_up)
{
    request q = {TWO,
                 {{"A", COL_TOTAL, 5 * SC},
                  {"B", COL_TOTAL, 4 * SC},
                  {"总计", "甲", 4 * SC},
                  {"总计", "乙", 4 * SC}},
                 4, 0, {NULL, 0}, NULL};
    fp_diag d;
    cr_assert_eq(run(&q, &d, NULL), FP_ERR_CONFLICT, "%s", d.message);
    cr_assert_str_eq(d.message, "--set A:" COL_TOTAL "=5, --set B:" COL_TOTAL
                                "=4, --set 总计:甲=4 and --set 总计:乙=4 cannot all hold: short by 1");
    holds_without_any_one(&q);
}

#define SENT                                                                                   \
    "级次,单位,甲,乙," COL_TOTAL ",已提前下达,此次下达\n"                                        \
    "0,总计,20,20,40,30,10\n1,A,10,10,20,15,5\n1,B,10,10,20,15,5\n"

/* --no-clawback keeps A and B at 15 or more; with 乙 set to 4 on each, their 甲 must be 11 or
 * more, 22 in all, and 总计:甲 = 20 is 2 short. Without --no-clawback it holds. */
Test(three_or_more, a_column_and_two_cells_with_no_clawback)
{
    request q = {SENT, {{"总计", "甲", 20 * SC}, {"A", "乙", 4 * SC}, {"B", "乙", 4 * SC}}, 3, 1,
                 {NULL, 0}, NULL};
    fp_diag d;
    cr_assert_eq(run(&q, &d, NULL), FP_ERR_CONFLICT, "%s", d.message);
    cr_assert_str_eq(d.message, "--set 总计:甲=20, --set A:乙=4 and --set B:乙=4 cannot all hold "
                                "(with --no-clawback (A, B)): short by 2");
    /* (without 总计:甲, A's and B's 甲 are kept as they are: A:乙 and B:乙 cannot hold then) */
    q.no_clawback = 0;
    fp_table *out = NULL;
    cr_assert_eq(run(&q, &d, &out), FP_OK, "%s", d.message);
    cr_assert_eq(fp_table_amount(out, 0, 2), 20 * SC);
    fp_table_free(out);
}

/* Both column totals and A's year total: B is left 16 + 16 − 18 = 14, below the 15 it was sent.
 * Without --no-clawback, or without any one of the three, it holds. */
Test(three_or_more, two_columns_and_a_row_total_with_no_clawback)
{
    request q = {SENT,
                 {{"总计", "甲", 16 * SC}, {"总计", "乙", 16 * SC}, {"A", COL_TOTAL, 18 * SC}},
                 3, 1, {NULL, 0}, NULL};
    fp_diag d;
    cr_assert_eq(run(&q, &d, NULL), FP_ERR_CONFLICT, "%s", d.message);
    cr_assert_str_eq(d.message, "--set 总计:甲=16, --set 总计:乙=16 and --set A:" COL_TOTAL
                                "=18 cannot all hold (with --no-clawback (B)): short by 1");
    holds_without_any_one(&q);
    q.no_clawback = 0;
    fp_table *out = NULL;
    cr_assert_eq(run(&q, &d, &out), FP_OK, "%s", d.message);
    cr_assert_eq(fp_table_amount(out, 2, 4), 14 * SC, "B's year total is clawed back to 14");
    fp_table_free(out);
}

/* --min 乙=3 keeps A's and B's 乙 at 3 or more, so their year totals (8 and 8) leave at most 10 of
 * 甲 against the 11 总计:甲 asks; without the floor the same targets hold. */
Test(three_or_more, two_row_totals_and_a_column_with_a_floor)
{
    request q = {TWO, {{"总计", "甲", 11 * SC}, {"A", COL_TOTAL, 8 * SC}, {"B", COL_TOTAL, 8 * SC}},
                 3, 0, {"乙", 3 * SC}, NULL};
    fp_diag d;
    cr_assert_eq(run(&q, &d, NULL), FP_ERR_CONFLICT, "%s", d.message);
    cr_assert_str_eq(d.message, "--set 总计:甲=11, --set A:" COL_TOTAL "=8 and --set B:" COL_TOTAL
                                "=8 cannot all hold (with --min 乙=3): short by 1");
    holds_without_any_one(&q);
    q.floor.column = NULL;
    cr_assert_eq(run(&q, &d, NULL), FP_OK, "%s", d.message);
}

/* --fix C keeps C's 甲 (7) inside 总计:甲 = 15, which leaves 8 for A and B; their year totals with
 * 乙 set ask 10. Without --fix C absorbs the difference. */
Test(three_or_more, margins_around_a_fixed_unit)
{
    request q = {"级次,单位,甲,乙," COL_TOTAL "\n0,总计,27,30,57\n1,A,10,10,20\n1,B,10,10,20\n"
                 "1,C,7,10,17\n",
                 {{"总计", "甲", 15 * SC},
                  {"A", COL_TOTAL, 12 * SC},
                  {"B", COL_TOTAL, 12 * SC},
                  {"A", "乙", 7 * SC},
                  {"B", "乙", 7 * SC}},
                 5, 0, {NULL, 0}, "C"};
    fp_diag d;
    cr_assert_eq(run(&q, &d, NULL), FP_ERR_CONFLICT, "%s", d.message);
    cr_assert_str_eq(d.message, "--set 总计:甲=15, --set A:" COL_TOTAL "=12, --set B:" COL_TOTAL
                                "=12, --set A:乙=7 and --set B:乙=7 cannot all hold (with --fix): "
                                "short by 2");
    holds_without_any_one(&q);
    q.fixed = NULL;
    fp_table *out = NULL;
    cr_assert_eq(run(&q, &d, &out), FP_OK, "%s", d.message);
    cr_assert_eq(fp_table_amount(out, 3, 2), 5 * SC, "C's 甲 takes what is left");
    fp_table_free(out);
}

/* Three levels: 市 and 县 nested, the 市's year total, two counties' 甲 and the whole 甲. */
Test(three_or_more, nested_levels_with_no_clawback_and_a_floor)
{
    request q = {"级次,单位,甲,乙," COL_TOTAL ",已提前下达,此次下达\n"
                 "0,总计,30,30,60,40,20\n"
                 "1,市,20,20,40,27,13\n"
                 "2,一县,10,10,20,12,8\n"
                 "2,二县,10,10,20,15,5\n"
                 "1,三县,10,10,20,13,7\n",
                 {{"市", COL_TOTAL, 31 * SC}, {"一县", "甲", 6 * SC}, {"二县", "甲", 6 * SC}}, 3, 1,
                 {"乙", 10 * SC}, NULL};
    /* 一县 and 二县 get 6 of 甲 each and 乙 is at least 10: 市 ≥ 32 against the 31 it is set to.
     * Without 二县:甲 it holds just (二县 at its 15 sent: 甲 5, 乙 10; 一县 16), without 一县:甲
     * easily (一县 12 and 二县 16 make 28) */
    fp_diag d;
    cr_assert_eq(run(&q, &d, NULL), FP_ERR_CONFLICT, "%s", d.message);
    cr_assert_str_eq(d.message, "--set 市:" COL_TOTAL "=31, --set 一县:甲=6 and --set 二县:甲=6 "
                                "cannot all hold (with --min 乙=10): short by 1");
    holds_without_any_one(&q);
    /* with a floor of 9 the floors fit, and --no-clawback asks 一县 乙 ≥ 6, 二县 乙 ≥ 9: 市 = 31
     * holds (19 of 乙) */
    q.floor.amount = 9 * SC;
    cr_assert_eq(run(&q, &d, NULL), FP_OK, "%s", d.message);
}

/* A contradiction no pair shows, on the command line: exit 2, the message, and no file. */
Test(three_or_more, on_the_command_line_nothing_is_written)
{
    char *in = th_write_tmp_text("conflict-two.csv", TWO);
    char *out = th_out_path("conflict-out.csv");
    th_run r = TH_FENPEI("realloc", in, "--set", "总计:甲=10", "--set", "A:" COL_TOTAL "=5",
                         "--set", "B:" COL_TOTAL "=4", "-o", out);
    cr_assert_eq(r.status, 2, "%s", r.err);
    cr_assert(strstr(r.err, "--set 总计:甲=10, --set A:" COL_TOTAL "=5 and --set B:" COL_TOTAL
                            "=4 cannot all hold: short by 1"),
              "%s", r.err);
    struct stat st;
    cr_assert_neq(stat(out, &st), 0, "no table is written");
    th_run_free(&r);
    free(in);
    free(out);
}

/* How many --set a message names, and how many it counts ("and 15 more --set") before END. */
static size_t sets_in(const char *message, const char *end)
{
    const char *more = strstr(message, " more --set");
    cr_assert(more && more < end, "%s", message);
    size_t named = 0;
    for (const char *p = message; (p = strstr(p, "--set ")) && p < more; p++)
        named++;
    const char *digits = more;
    while (digits > message && digits[-1] >= '0' && digits[-1] <= '9')
        digits--;
    return named + strtoul(digits, NULL, 10);
}

/* Contradictions of many --set: the sentence names as many as fit the diagnostic, counts the
 * others and always ends with the gap (it used to be cut off at 512 bytes, gap and all). Both
 * the rule for sets inside a set and the network's certificate. */
Test(three_or_more, a_long_list_of_targets_keeps_its_gap)
{
    enum { N = 24 };
    char table[4096], names[N][48];
    int len = snprintf(table, sizeof table, "级次,单位,甲,乙," COL_TOTAL "\n0,总计,%d,%d,%d\n",
                       10 * N, 10 * N, 20 * N);
    fp_realloc_target tg[N + 1];
    for (int i = 0; i < N; i++) {
        snprintf(names[i], sizeof names[i], "第%02d个自治县人民政府", i + 1);
        len += snprintf(table + len, sizeof table - (size_t)len, "1,%s,10,10,20\n", names[i]);
    }
    fp_table *t = th_load_text(table);
    fp_realloc_options o;
    fp_realloc_options_init(&o);
    o.targets = tg;
    o.target_count = N + 1;
    fp_table *out = NULL;
    fp_diag d;

    /* the counties' 甲 add up to 7 more than 总计's */
    for (int i = 0; i < N; i++)
        tg[i] = (fp_realloc_target){names[i], "甲", 12 * SC};
    tg[N] = (fp_realloc_target){"总计", "甲", (12 * N - 7) * SC};
    cr_assert_eq(fp_realloc(t, &o, &out, &d), FP_ERR_CONFLICT, "%s", d.message);
    cr_assert_null(out);
    size_t n = strlen(d.message);
    cr_assert_lt(n, sizeof d.message - 1, "the sentence fits: %s", d.message);
    cr_assert(n > 7 && strcmp(d.message + n - 7, "), by 7") == 0, "%s", d.message);
    cr_assert(strstr(d.message, "(--set 第01个自治县人民政府:甲=12, "), "%s", d.message);
    cr_assert_eq(sets_in(d.message, d.message + n), (size_t)N + 1, "%s", d.message);

    /* the counties' year totals leave 总计's 甲 7 short: only the network test sees it */
    for (int i = 0; i < N; i++)
        tg[i] = (fp_realloc_target){names[i], COL_TOTAL, 20 * SC};
    tg[N] = (fp_realloc_target){"总计", "甲", (20 * N + 7) * SC};
    cr_assert_eq(fp_realloc(t, &o, &out, &d), FP_ERR_CONFLICT, "%s", d.message);
    cr_assert_null(out);
    n = strlen(d.message);
    cr_assert_lt(n, sizeof d.message - 1, "the sentence fits: %s", d.message);
    const char *end = strstr(d.message, " cannot all hold: short by 7");
    cr_assert(end && end + strlen(" cannot all hold: short by 7") == d.message + n, "%s",
              d.message);
    cr_assert(strstr(d.message, "--set 第01个自治县人民政府:" COL_TOTAL "=20, "), "%s", d.message);
    cr_assert_eq(sets_in(d.message, end), (size_t)N + 1, "%s", d.message);
    fp_table_free(t);
}

/* A --set to 0 beside another --set takes its cells to 0, which a --min on them forbids: it used
 * to be written with the floors broken (found by tests/acceptance/realloc_accept.py). The gap is
 * every floor the zeroed cells lose, in every column. */
Test(three_or_more, a_set_to_zero_against_floors_is_refused)
{
    request q = {"级次,单位,甲,乙," COL_TOTAL "\n0,总计,20,20,40\n1,A,10,10,20\n2,A1,5,5,10\n"
                 "2,A2,5,5,10\n1,B,10,10,20\n",
                 {{"A", COL_TOTAL, 0}, {"总计", COL_TOTAL, 50 * SC}},
                 2, 0, {"乙", 2 * SC}, NULL};
    fp_diag d;
    cr_assert_eq(run(&q, &d, NULL), FP_ERR_CONFLICT, "%s", d.message);
    cr_assert_str_eq(d.message, "--set A:" COL_TOTAL "=0 cannot hold (with --min 乙=2): it leaves "
                                "nothing for the cells under it that a floor keeps above 0; "
                                "short by 4");
    /* without the floor it holds: A's rows go to 0, B takes 50 */
    q.floor.column = NULL;
    fp_table *out = NULL;
    cr_assert_eq(run(&q, &d, &out), FP_OK, "%s", d.message);
    cr_assert_eq(fp_table_amount(out, 1, 4), 0);
    cr_assert_eq(fp_table_amount(out, 4, 4), 50 * SC);
    fp_table_free(out);
}

/* A contradiction of --set and many --min (29 columns with long names): the bounds are named
 * as far as they leave room for a --set, the rest counted, and the gap still ends the sentence
 * (the --min filled the diagnostic and it was cut off, gap and all). */
Test(three_or_more, many_floors_leave_room_for_the_sets_and_the_gap)
{
    enum { NC = 30 };
    char table[8192], cols[NC][64];
    int len = snprintf(table, sizeof table, "级次,单位");
    for (int c = 0; c < NC; c++) {
        snprintf(cols[c], sizeof cols[c], "中央财政专项转移支付资金第%02d项", c + 1);
        len += snprintf(table + len, sizeof table - (size_t)len, ",%s", cols[c]);
    }
    len += snprintf(table + len, sizeof table - (size_t)len, "," COL_TOTAL "\n0,总计");
    for (int c = 0; c < NC; c++)
        len += snprintf(table + len, sizeof table - (size_t)len, ",3");
    len += snprintf(table + len, sizeof table - (size_t)len, ",%d\n", 3 * NC);
    static const char *const units[3] = {"一县", "二县", "三县"};
    for (int i = 0; i < 3; i++) {
        len += snprintf(table + len, sizeof table - (size_t)len, "1,%s", units[i]);
        for (int c = 0; c < NC; c++)
            len += snprintf(table + len, sizeof table - (size_t)len, ",1");
        len += snprintf(table + len, sizeof table - (size_t)len, ",%d\n", NC);
    }
    fp_table *t = th_load_text(table);
    /* each county keeps its year total with every other column at least 1: 总计's first
     * column can have 3, not 10 */
    fp_realloc_target tg[4];
    for (int i = 0; i < 3; i++)
        tg[i] = (fp_realloc_target){units[i], COL_TOTAL, NC * SC};
    tg[3] = (fp_realloc_target){"总计", cols[0], 10 * SC};
    fp_realloc_floor fl[NC - 1];
    for (int c = 1; c < NC; c++)
        fl[c - 1] = (fp_realloc_floor){cols[c], SC};
    fp_realloc_options o;
    fp_realloc_options_init(&o);
    o.targets = tg;
    o.target_count = 4;
    o.floors = fl;
    o.floor_count = NC - 1;
    fp_table *out = NULL;
    fp_diag d;
    cr_assert_eq(fp_realloc(t, &o, &out, &d), FP_ERR_CONFLICT, "%s", d.message);
    cr_assert_null(out);
    size_t n = strlen(d.message);
    cr_assert_lt(n, sizeof d.message - 1, "the sentence fits: %s", d.message);
    const char *end = " more --min): short by 7";
    cr_assert(n > strlen(end) && strcmp(d.message + n - strlen(end), end) == 0, "%s", d.message);
    const char *start = "--set 一县:" COL_TOTAL "=30";
    cr_assert(strncmp(d.message, start, strlen(start)) == 0, "%s", d.message);
    cr_assert(strstr(d.message, " cannot all hold (with --min 中央财政专项转移支付资金第02项=1, "),
              "%s", d.message);
    /* every --set and every --min named or counted */
    const char *cant = strstr(d.message, " cannot all hold");
    cr_assert_eq(sets_in(d.message, cant), 4, "%s", d.message);
    size_t named_min = 0;
    for (const char *p = d.message; (p = strstr(p, "--min ")) != NULL; p++)
        named_min++;
    const char *more_min = strstr(d.message, " more --min");
    while (more_min[-1] >= '0' && more_min[-1] <= '9')
        more_min--;
    cr_assert_eq(named_min + strtoul(more_min, NULL, 10), NC - 1, "%s", d.message);
    fp_table_free(t);
}

/* Refusals by what the request keeps still name the gap (the acceptance test found three that did
 * not): a target below the cells --fix keeps, one --set or several, and a year total whose cells
 * are all 0 or taken to 0 by another --set. */
Test(three_or_more, refusals_by_kept_cells_name_the_gap)
{
    const char *table = "级次,单位,甲,乙," COL_TOTAL "\n0,总计,30,12,42\n1,一县,12,0,12\n"
                        "1,二县,18,12,30\n";
    request one = {table, {{"总计", "甲", 11 * SC}}, 1, 0, {NULL, 0}, "二县"};
    fp_diag d;
    cr_assert_eq(run(&one, &d, NULL), FP_ERR_INFEASIBLE, "%s", d.message);
    cr_assert_str_eq(d.message, "总计:甲 = 11 is less than the rows kept by --fix (18): short by 7");
    request two = {table, {{"总计", "甲", 11 * SC}, {"一县", "甲", 5 * SC}}, 2, 0, {NULL, 0},
                   "二县"};
    cr_assert_eq(run(&two, &d, NULL), FP_ERR_INFEASIBLE, "%s", d.message);
    cr_assert_str_eq(d.message, "总计:甲 = 11 is less than the cells under it that do not change "
                                "(kept by --fix, or 0) (18): short by 7");
    request zero = {table, {{"一县", "甲", 0}, {"一县", COL_TOTAL, 4 * SC}}, 2, 0, {NULL, 0},
                    NULL};
    cr_assert_eq(run(&zero, &d, NULL), FP_ERR_INFEASIBLE, "%s", d.message);
    cr_assert_str_eq(d.message, "一县:" COL_TOTAL " has nothing to scale: every cell under it is "
                                "0, kept by --fix or taken to 0 by another --set, so there is no "
                                "proportion to follow; short by 4");
}

/* ---- a fit that stops short ---- */

/* A row margin and a column margin that cross (三县's year total, the 甲 of 总计): feasible, but
 * the fit needs several rounds. Held to fewer rounds than it needs, it says so with its residual
 * and returns no table; the residual shrinks with every round allowed; by default it converges. */
#define CROSS                                                                                  \
    "级次,单位,甲,乙,丙," COL_TOTAL "\n0,总计,70,45,35,150\n1,一县,20,10,10,40\n"                  \
    "1,二县,30,20,5,55\n1,三县,20,15,20,55\n"

static double residual_after(long rounds)
{
    request q = {CROSS, {{"总计", "甲", 100 * SC}, {"三县", COL_TOTAL, 70 * SC}}, 2, 0,
                 {NULL, 0}, NULL};
    fp_diag d;
    cr_assert_eq(run_rounds(&q, rounds, &d, NULL), FP_ERR_NO_CONVERGENCE, "%ld rounds: %s", rounds, d.message);
    const char *at = strstr(d.message, "still missed by ");
    cr_assert(at, "%s", d.message);
    cr_assert(strstr(d.message, "although they can all hold") &&
                  strstr(d.message, "--fit-rounds") && strstr(d.message, "no table was written"),
              "%s", d.message);
    char want[64];
    snprintf(want, sizeof want, "after %ld round%s of fitting", rounds, rounds == 1 ? "" : "s");
    cr_assert(strstr(d.message, want), "%s", d.message);
    return strtod(at + strlen("still missed by "), NULL);
}

Test(fit, stopping_short_says_so_with_its_residual_and_writes_nothing)
{
    double r1 = residual_after(1), r2 = residual_after(2), r3 = residual_after(3);
    cr_assert(r1 > r2 && r2 > r3 && r3 > 0, "residuals %g %g %g", r1, r2, r3);

    request q = {CROSS, {{"总计", "甲", 100 * SC}, {"三县", COL_TOTAL, 70 * SC}}, 2, 0,
                 {NULL, 0}, NULL};
    fp_diag d;
    fp_table *out = NULL;
    cr_assert_eq(run(&q, &d, &out), FP_OK, "%s", d.message);
    cr_assert_eq(fp_table_amount(out, 0, 2), 100 * SC);
    cr_assert_eq(fp_table_amount(out, 3, 5), 70 * SC);
    fp_table_free(out);
}

Test(fit, stopping_short_on_the_command_line_is_exit_2_and_no_file)
{
    char *in = th_write_tmp_text("fit-short.csv", CROSS);
    char *out = th_out_path("fit-short-out.csv");
    th_run r = TH_FENPEI("realloc", in, "--set", "总计:乙=60", "--set", "一县:" COL_TOTAL "=60",
                         "--fit-rounds", "2", "-o", out);
    cr_assert_eq(r.status, 2, "%s", r.err);
    cr_assert(strstr(r.err, "after 2 rounds of fitting the targets are still missed by"), "%s",
              r.err);
    struct stat st;
    cr_assert_neq(stat(out, &st), 0, "no table is written");
    th_run_free(&r);
    r = TH_FENPEI("realloc", in, "--set", "总计:乙=60", "--fit-rounds", "0", "-o", out);
    cr_assert_eq(r.status, 2);
    cr_assert(strstr(r.err, "--fit-rounds: expected a number of rounds from 1, not \"0\""), "%s",
              r.err);
    th_run_free(&r);
    r = TH_FENPEI("realloc", in, "--set", "总计:乙=60", "--set", "一县:" COL_TOTAL "=60", "-o",
                  out);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert_eq(stat(out, &st), 0, "by default the fit converges and the table is written");
    th_run_free(&r);
    free(in);
    free(out);
}

/* A solution that exists only with a cell at 0: 总计:甲 = 15 and A's year total 15 (all 甲) leave
 * nothing for B's 甲. The fit alone only approached 0 and never converged; the feasibility test
 * finds the cell first and sets it to 0. */
Test(boundary, a_cell_every_solution_keeps_at_zero_goes_to_zero)
{
    request q = {"级次,单位,甲,乙," COL_TOTAL "\n0,总计,15,5,20\n1,A,10,0,10\n1,B,5,5,10\n",
                 {{"总计", "甲", 15 * SC}, {"A", COL_TOTAL, 15 * SC}},
                 2, 0, {NULL, 0}, NULL};
    fp_diag d;
    fp_table *out = NULL;
    cr_assert_eq(run(&q, &d, &out), FP_OK, "%s", d.message);
    cr_assert_eq(fp_table_amount(out, 1, 2), 15 * SC);
    cr_assert_eq(fp_table_amount(out, 2, 2), 0);
    cr_assert_eq(fp_table_amount(out, 2, 3), 5 * SC);
    cr_assert_eq(fp_table_amount(out, 0, 4), 20 * SC);
    fp_table_free(out);
}

/* A --set whose only cell is held at its --min floor: the fit marked the cell as floored through a
 * rounding error, no longer scaled it, and stopped after 5000 rounds without converging. */
Test(boundary, a_set_at_its_floor_converges)
{
    request q = {"级次,单位,C0,C1," COL_TOTAL "\n0,总计,12,14,26\n1,N3,7,8,15\n1,N4,5,6,11\n",
                 {{"N3", COL_TOTAL, 19 * SC}, {"N3", "C0", 4 * SC}},
                 2, 0, {"C0", 4 * SC}, NULL};
    fp_diag d;
    fp_table *out = NULL;
    cr_assert_eq(run(&q, &d, &out), FP_OK, "%s", d.message);
    cr_assert_eq(fp_table_amount(out, 1, 2), 4 * SC);
    cr_assert_eq(fp_table_amount(out, 1, 3), 15 * SC);
    cr_assert_eq(fp_table_amount(out, 2, 2), 5 * SC);
    fp_table_free(out);
}

/* A --set to 0 over a unit whose cells are all 0 changes nothing and pins nothing (its pin went to
 * a row of the rounding chosen by an unset index, and the rounding found no solution). */
Test(boundary, a_set_to_zero_over_zero_cells_pins_nothing)
{
    request q = {"级次,单位,甲,乙," COL_TOTAL "\n0,总计,26,40,66\n1,N1,9,9,18\n2,N2,4,8,12\n"
                 "2,N3,5,1,6\n1,N4,2,10,12\n2,N5,2,10,12\n2,N6,0,0,0\n1,N8,15,21,36\n"
                 "2,N9,6,9,15\n2,N10,9,12,21\n",
                 {{"N8", "乙", 19 * SC}, {"N2", "乙", 8 * SC}, {"N6", COL_TOTAL, 0}},
                 3, 0, {NULL, 0}, NULL};
    fp_diag d;
    fp_table *out = NULL;
    cr_assert_eq(run(&q, &d, &out), FP_OK, "%s", d.message);
    cr_assert_eq(fp_table_amount(out, 7, 3), 19 * SC);
    cr_assert_eq(fp_table_amount(out, 2, 3), 8 * SC);
    cr_assert_eq(fp_table_amount(out, 6, 4), 0);
    fp_table_free(out);
}

/* A unit set to 329 inside its parent set to 330 in the same column: plain rounds of fitting
 * converge at a rate of 329/330 and used to stop after 5000 (residual 2e-7 units) without writing
 * a table. */
Test(boundary, nested_targets_with_a_thin_margin_converge)
{
    request q = {"级次,单位,C0,C1,C2," COL_TOTAL "\n"
                 "0,N0,728,1159,444,2331\n1,N1,333,172,0,505\n2,N2,148,0,0,148\n"
                 "2,N3,185,172,0,357\n1,N4,226,137,243,606\n2,N5,162,10,0,172\n"
                 "2,N6,64,127,243,434\n1,N7,169,850,201,1220\n2,N8,0,262,0,262\n"
                 "2,N9,9,294,23,326\n2,N10,160,294,178,632\n",
                 {{"N10", "C0", 329 * SC}, {"N2", "C1", 0}, {"N7", "C0", 330 * SC}},
                 3, 0, {NULL, 0}, NULL};
    fp_diag d;
    fp_table *out = NULL;
    cr_assert_eq(run(&q, &d, &out), FP_OK, "%s", d.message);
    cr_assert_eq(fp_table_amount(out, 10, 2), 329 * SC);
    cr_assert_eq(fp_table_amount(out, 9, 2), 1 * SC);
    cr_assert_eq(fp_table_amount(out, 7, 2), 330 * SC);
    fp_table_free(out);
}

/* The same with a margin of 1 in a million: each --set's own step scales only its cells outside
 * the sets inside it, so nested targets are met in one round (plain rounds would need millions). */
Test(boundary, nested_targets_with_a_margin_of_one_in_a_million)
{
    request q = {"级次,单位,C0,C1," COL_TOTAL "\n0,N0,300,300,600\n1,N7,200,200,400\n"
                 "2,N9,9,100,109\n2,N10,191,100,291\n1,N1,100,100,200\n",
                 {{"N10", "C0", 999999 * SC}, {"N7", "C0", 1000000 * SC}},
                 2, 0, {NULL, 0}, NULL};
    fp_diag d;
    fp_table *out = NULL;
    cr_assert_eq(run(&q, &d, &out), FP_OK, "%s", d.message);
    cr_assert_eq(fp_table_amount(out, 3, 2), 999999 * SC);
    cr_assert_eq(fp_table_amount(out, 2, 2), 1 * SC);
    cr_assert_eq(fp_table_amount(out, 0, 2), 1000100 * SC);
    fp_table_free(out);
}

/* ---- the property test: an exact rational simplex as the independent model ---- */

#define MAXN 14
#define MAXK 3
#define MAXV (MAXN * MAXK)
#define MAXR (4 + MAXN)

static uint64_t rng_state;

static uint64_t rnd(void) { return th_rand(&rng_state); }
static int64_t rnd_in(int64_t lo, int64_t hi) { return th_rand_in(&rng_state, lo, hi); }

typedef struct frac {
    i128 n, d; /* d > 0, reduced */
} frac;

static i128 gcd(i128 a, i128 b)
{
    if (a < 0)
        a = -a;
    if (b < 0)
        b = -b;
    while (b) {
        i128 t = a % b;
        a = b;
        b = t;
    }
    return a;
}

static frac mk(i128 n, i128 d)
{
    if (d < 0) {
        n = -n;
        d = -d;
    }
    i128 g = gcd(n, d);
    if (g > 1) {
        n /= g;
        d /= g;
    }
    return (frac){n, d};
}

static frac fsub(frac a, frac b) { return mk(a.n * b.d - b.n * a.d, a.d * b.d); }
static frac fmul(frac a, frac b) { return mk(a.n * b.n, a.d * b.d); }
static frac fdiv(frac a, frac b) { return mk(a.n * b.d, a.d * b.n); }
static int fcmp(frac a, frac b)
{
    i128 l = a.n * b.d, r = b.n * a.d;
    return l < r ? -1 : l > r;
}

/* Is {y ≥ 0 : A y = b} non-empty? Phase one of the simplex method with an artificial variable
 * per row, Bland's rule (no cycling), exact fractions. Its optimum, the least total by which the
 * rows must fall short of |b| (each row relaxed towards 0), goes to *SHORT when not NULL. */
static int lp_feasible(size_t m, size_t n, const int64_t a[MAXR][MAXV + MAXN],
                       const int64_t *b, frac *short_by)
{
    static frac T[MAXR][MAXV + MAXN + MAXR + 1];
    size_t w = n + m; /* columns; the last one (index w) holds the right-hand side */
    size_t basis[MAXR];
    frac cost[MAXV + MAXN + MAXR + 1];
    for (size_t j = 0; j <= w; j++)
        cost[j] = mk(0, 1);
    for (size_t i = 0; i < m; i++) {
        int s = b[i] < 0 ? -1 : 1;
        for (size_t j = 0; j < n; j++)
            T[i][j] = mk(s * a[i][j], 1);
        for (size_t j = 0; j < m; j++)
            T[i][n + j] = mk(i == j, 1);
        T[i][w] = mk(s * b[i], 1);
        basis[i] = n + i;
        for (size_t j = 0; j < n; j++)
            cost[j] = fsub(cost[j], T[i][j]);
        cost[w] = fsub(cost[w], T[i][w]);
    }
    for (;;) {
        size_t enter = w;
        for (size_t j = 0; j < n && enter == w; j++) /* artificials never re-enter */
            if (cost[j].n < 0)
                enter = j;
        if (enter == w) {
            if (short_by)
                *short_by = mk(-cost[w].n, cost[w].d);
            return cost[w].n == 0;
        }
        size_t leave = m;
        frac best = {0, 1};
        for (size_t i = 0; i < m; i++) {
            if (T[i][enter].n <= 0)
                continue;
            frac r = fdiv(T[i][w], T[i][enter]);
            int c = leave == m ? -1 : fcmp(r, best);
            if (c < 0 || (c == 0 && basis[i] < basis[leave])) {
                leave = i;
                best = r;
            }
        }
        cr_assert_neq(leave, m, "phase one is bounded below by 0");
        frac p = T[leave][enter];
        for (size_t j = 0; j <= w; j++)
            T[leave][j] = fdiv(T[leave][j], p);
        for (size_t i = 0; i < m; i++) {
            if (i == leave || T[i][enter].n == 0)
                continue;
            frac f = T[i][enter];
            for (size_t j = 0; j <= w; j++)
                T[i][j] = fsub(T[i][j], fmul(f, T[leave][j]));
        }
        frac f = cost[enter];
        for (size_t j = 0; j <= w; j++)
            cost[j] = fsub(cost[j], fmul(f, T[leave][j]));
        basis[leave] = enter;
    }
}

typedef struct model {
    size_t n, K;
    size_t parent[MAXN];
    int leaf[MAXN];
    int64_t v[MAXN][MAXK], adv[MAXN];
    char text[8192];
} model;

static void grow(model *m, size_t par, int depth)
{
    size_t me = m->n++;
    m->parent[me] = par;
    size_t kids = depth == 0 ? (size_t)rnd_in(2, 3) : depth < 2 ? (size_t)rnd_in(0, 3) : 0;
    if (kids == 1)
        kids = 2;
    m->leaf[me] = 1;
    for (size_t i = 0; i < kids && m->n + 2 < MAXN; i++) {
        m->leaf[me] = 0;
        grow(m, me, depth + 1);
    }
}

static int under(const model *m, size_t top, size_t i)
{
    for (size_t p = i;; p = m->parent[p]) {
        if (p == top)
            return 1;
        if (p == 0)
            return 0;
    }
}

static void make_table(model *m)
{
    memset(m, 0, sizeof *m);
    m->K = (size_t)rnd_in(2, MAXK);
    grow(m, (size_t)-1, 0);
    for (size_t i = m->n; i-- > 0;) {
        if (m->leaf[i]) {
            int64_t tot = 0;
            for (size_t k = 0; k < m->K; k++) {
                m->v[i][k] = rnd() % 5 == 0 ? 0 : rnd_in(1, 12);
                tot += m->v[i][k];
            }
            m->adv[i] = rnd_in(0, tot);
        }
        if (i > 0) {
            for (size_t k = 0; k < m->K; k++)
                m->v[m->parent[i]][k] += m->v[i][k];
            m->adv[m->parent[i]] += m->adv[i];
        }
    }
    int len = snprintf(m->text, sizeof m->text, "级次,单位");
    for (size_t k = 0; k < m->K; k++)
        len += snprintf(m->text + len, sizeof m->text - (size_t)len, ",C%zu", k);
    len += snprintf(m->text + len, sizeof m->text - (size_t)len,
                    "," COL_TOTAL ",已提前下达,此次下达\n");
    for (size_t i = 0; i < m->n; i++) {
        int depth = 0;
        for (size_t p = i; p != 0; p = m->parent[p])
            depth++;
        int64_t tot = 0;
        len += snprintf(m->text + len, sizeof m->text - (size_t)len, "%d,N%zu", depth, i);
        for (size_t k = 0; k < m->K; k++) {
            len += snprintf(m->text + len, sizeof m->text - (size_t)len, ",%lld",
                            (long long)m->v[i][k]);
            tot += m->v[i][k];
        }
        len += snprintf(m->text + len, sizeof m->text - (size_t)len, ",%lld,%lld,%lld\n",
                        (long long)tot, (long long)m->adv[i], (long long)(tot - m->adv[i]));
    }
}

typedef struct req {
    size_t node;
    int col; /* -1: the year total */
    int64_t amount;
} req;

typedef struct bounds {
    int no_clawback;
    int floor_col;     /* -1: none */
    int64_t floor;
    size_t fixed;      /* 0: none (the top is never fixed) */
} bounds;

static int covers(const model *m, const req *q, size_t i, size_t k)
{
    return m->leaf[i] && under(m, q->node, i) && (q->col < 0 || (size_t)q->col == k);
}

/* What the documentation promises, written as a linear system: a cell some --set covers, not
 * under --fix and not 0 is free (at least its --min floor); every other cell keeps its amount;
 * the free cells of a --set whose amount is already taken by the kept cells go to 0, which their
 * floor forbids (they receive the column); a kept cell below a floor (and above 0) cannot be; every --set holds; with --no-clawback every leaf row
 * something changes in keeps its year total at least 已提前下达. USE[j] = 0 leaves --set j's
 * equation out (the cells stay as they are). Is there a table? */
static int model_feasible(const model *m, const req *q, size_t nq, const bounds *bd,
                          const int *use, frac *short_by)
{
    int var[MAXN][MAXK] = {{0}}, zero[MAXN][MAXK] = {{0}};
    for (size_t i = 0; i < m->n; i++)
        for (size_t k = 0; k < m->K && m->leaf[i]; k++) {
            int cov = 0;
            for (size_t j = 0; j < nq; j++)
                cov |= covers(m, &q[j], i, k);
            var[i][k] = cov && m->v[i][k] > 0 && !(bd->fixed && under(m, bd->fixed, i));
        }
    for (size_t j = 0; j < nq; j++) {
        int64_t kept = 0;
        for (size_t i = 0; i < m->n; i++)
            for (size_t k = 0; k < m->K; k++)
                if (covers(m, &q[j], i, k) && !var[i][k])
                    kept += m->v[i][k];
        if (kept == q[j].amount)
            for (size_t i = 0; i < m->n; i++)
                for (size_t k = 0; k < m->K; k++)
                    if (covers(m, &q[j], i, k) && var[i][k])
                        zero[i][k] = 1;
    }
    int64_t floor_of[MAXK] = {0};
    if (bd->floor_col >= 0)
        floor_of[bd->floor_col] = bd->floor;
    for (size_t i = 0; i < m->n; i++)
        for (size_t k = 0; k < m->K && m->leaf[i]; k++) {
            if (!var[i][k] && m->v[i][k] > 0 && m->v[i][k] < floor_of[k])
                return 0; /* kept below its floor */
            if (zero[i][k] && floor_of[k] > 0)
                return 0; /* a cell that receives the column taken to 0 under its floor */
        }
    /* the columns: free cells (y = x − floor), then one surplus per bounded row */
    size_t col[MAXN][MAXK], nv = 0;
    for (size_t i = 0; i < m->n; i++)
        for (size_t k = 0; k < m->K; k++)
            if (var[i][k] && !zero[i][k])
                col[i][k] = nv++;
    static int64_t a[MAXR][MAXV + MAXN];
    int64_t b[MAXR];
    size_t rows = 0, n = nv;
    memset(a, 0, sizeof a);
    for (size_t j = 0; j < nq; j++) {
        if (!use[j])
            continue;
        b[rows] = q[j].amount;
        for (size_t i = 0; i < m->n; i++)
            for (size_t k = 0; k < m->K; k++) {
                if (!covers(m, &q[j], i, k))
                    continue;
                if (!var[i][k])
                    b[rows] -= m->v[i][k];
                else if (!zero[i][k]) {
                    a[rows][col[i][k]] = 1;
                    b[rows] -= floor_of[k];
                }
            }
        rows++;
    }
    for (size_t i = 0; i < m->n && bd->no_clawback; i++) {
        int changes = 0;
        for (size_t k = 0; k < m->K; k++)
            changes |= var[i][k];
        if (!m->leaf[i] || !changes)
            continue;
        b[rows] = m->adv[i];
        for (size_t k = 0; k < m->K; k++) {
            if (!var[i][k])
                b[rows] -= m->v[i][k];
            else if (!zero[i][k]) {
                a[rows][col[i][k]] = 1;
                b[rows] -= floor_of[k];
            }
        }
        a[rows][n++] = -1; /* the surplus: Σ y − s = b */
        rows++;
    }
    return lp_feasible(rows, n, a, b, short_by);
}

Test(property, the_feasibility_test_agrees_with_an_exact_simplex, .timeout = 600)
{
    rng_state = 2026;
    int feasible = 0, infeasible = 0, flow_named = 0, many = 0, with_bounds = 0;
    int gap_checked = 0, gap_equal = 0;
    for (int trial = 0; trial < 3000; trial++) {
        model m;
        make_table(&m);
        bounds bd = {0, -1, 0, 0};
        bd.no_clawback = rnd() % 3 == 0;
        if (rnd() % 3 == 0) {
            bd.floor_col = (int)rnd_in(0, (int64_t)m.K - 1);
            bd.floor = rnd_in(1, 6);
        }
        size_t nq = (size_t)rnd_in(2, 4);
        req q[4];
        for (size_t j = 0; j < nq; j++) {
            q[j].node = (size_t)rnd_in(0, (int64_t)m.n - 1);
            q[j].col = rnd() % 3 == 0 ? -1 : (int)rnd_in(0, (int64_t)m.K - 1);
        }
        if (rnd() % 4 == 0) { /* fix a unit no --set is on or under */
            size_t f = (size_t)rnd_in(1, (int64_t)m.n - 1);
            int ok = 1;
            for (size_t j = 0; j < nq; j++)
                ok &= !under(&m, f, q[j].node);
            bd.fixed = ok ? f : 0;
        }
        /* amounts from a hidden new table (so that many requests can hold), then some moved */
        int64_t hidden[MAXN][MAXK];
        for (size_t i = 0; i < m.n; i++)
            for (size_t k = 0; k < m.K; k++) {
                int64_t fl = bd.floor_col == (int)k ? bd.floor : 0;
                hidden[i][k] = !m.leaf[i] || m.v[i][k] == 0 || (bd.fixed && under(&m, bd.fixed, i))
                                   ? m.v[i][k]
                                   : rnd_in(fl, fl + 12);
            }
        for (size_t j = 0; j < nq; j++) {
            q[j].amount = 0;
            for (size_t i = 0; i < m.n; i++)
                for (size_t k = 0; k < m.K; k++)
                    if (covers(&m, &q[j], i, k))
                        q[j].amount += hidden[i][k];
            if (rnd() % 2)
                q[j].amount += rnd_in(-3, 3);
            if (q[j].amount < 0)
                q[j].amount = 0;
        }
        int use[4] = {1, 1, 1, 1};
        frac lp_short = {-1, 1}; /* stays negative when the model fails before its LP */
        int want = model_feasible(&m, q, nq, &bd, use, &lp_short);

        fp_table *t = th_load_text(m.text);
        fp_realloc_options o;
        fp_realloc_options_init(&o);
        fp_realloc_target tg[4];
        char names[4][24], cols[4][40], fixname[24], floorcol[24];
        for (size_t j = 0; j < nq; j++) {
            snprintf(names[j], sizeof names[j], "N%zu", q[j].node);
            if (q[j].col < 0)
                snprintf(cols[j], sizeof cols[j], "%s", COL_TOTAL);
            else
                snprintf(cols[j], sizeof cols[j], "C%d", q[j].col);
            tg[j] = (fp_realloc_target){names[j], cols[j], q[j].amount * SC};
        }
        o.targets = tg;
        o.target_count = nq;
        o.no_clawback = bd.no_clawback;
        fp_realloc_floor fl;
        if (bd.floor_col >= 0) {
            snprintf(floorcol, sizeof floorcol, "C%d", bd.floor_col);
            fl = (fp_realloc_floor){floorcol, bd.floor * SC};
            o.floors = &fl;
            o.floor_count = 1;
        }
        const char *fixlist[1] = {fixname};
        if (bd.fixed) {
            snprintf(fixname, sizeof fixname, "N%zu", bd.fixed);
            o.fixed = fixlist;
            o.fixed_count = 1;
        }
        with_bounds += bd.no_clawback || bd.floor_col >= 0 || bd.fixed;
        char args[512];
        int al = snprintf(args, sizeof args, "%s%s%s%s", bd.no_clawback ? " --no-clawback" : "",
                          bd.floor_col >= 0 ? " --min " : "", bd.floor_col >= 0 ? floorcol : "",
                          bd.fixed ? " --fix " : "");
        if (bd.floor_col >= 0)
            al += snprintf(args + al, sizeof args - (size_t)al, "=%lld", (long long)bd.floor);
        if (bd.fixed)
            al += snprintf(args + al, sizeof args - (size_t)al, "%s", fixname);
        for (size_t j = 0; j < nq; j++)
            al += snprintf(args + al, sizeof args - (size_t)al, " --set %s:%s=%lld", names[j],
                           cols[j], (long long)q[j].amount);
        fp_table *out = NULL;
        fp_diag d;
        fp_error e = fp_realloc(t, &o, &out, &d);
        if (want) {
            feasible++;
            cr_assert_eq(e, FP_OK, "trial %d: the model finds a table, fenpei says: %s\n%s\n%s",
                         trial, d.message, m.text, args);
            for (size_t j = 0; j < nq; j++) {
                size_t c = q[j].col < 0 ? 2 + m.K : 2 + (size_t)q[j].col;
                cr_assert_eq(fp_table_amount(out, q[j].node, c), q[j].amount * SC,
                             "trial %d: target %zu", trial, j);
            }
            for (size_t i = 0; i < m.n; i++) {
                if (!m.leaf[i])
                    continue;
                int64_t tot = fp_table_amount(out, i, 2 + m.K) / SC;
                if (bd.fixed && under(&m, bd.fixed, i))
                    for (size_t k = 0; k < m.K; k++)
                        cr_assert_eq(fp_table_amount(out, i, 2 + k), m.v[i][k] * SC);
                if (bd.no_clawback && tot != (int64_t)(fp_table_amount(t, i, 2 + m.K) / SC))
                    cr_assert_geq(tot, m.adv[i], "trial %d: N%zu clawed back", trial, i);
                for (size_t k = 0; k < m.K && bd.floor_col >= 0; k++) {
                    int64_t x = fp_table_amount(out, i, 2 + k) / SC;
                    if ((int)k == bd.floor_col && x > 0)
                        cr_assert_geq(x, bd.floor, "trial %d: N%zu below the floor", trial, i);
                }
            }
            fp_table_free(out);
        } else {
            infeasible++;
            cr_assert(e == FP_ERR_CONFLICT || e == FP_ERR_INFEASIBLE,
                      "trial %d: the model finds no table, fenpei returns %d: %s\n%s\n%s", trial,
                      e, d.message, m.text, args);
            cr_assert_null(out);
            /* a certificate of the network test names --set that cannot hold on their own */
            if (strstr(d.message, " hold") && strstr(d.message, "short by")) {
                flow_named++;
                size_t named = 0;
                for (size_t j = 0; j < nq; j++) {
                    char text[512];
                    snprintf(text, sizeof text, "--set %s:%s=%lld", names[j], cols[j],
                             (long long)q[j].amount);
                    use[j] = strstr(d.message, text) != NULL;
                    named += (size_t)use[j];
                }
                many += named >= 3;
                cr_assert_geq(named, 1, "trial %d: %s", trial, d.message);
                /* The gap is a cut's: a sum of rows with coefficients ±1 that misses by it, so
                 * no way of moving the targets and bounds by less than it in all can make them
                 * hold; the model's phase one finds the least such move (each row relaxed one
                 * way), which is at least the gap (at this seed: equal in 171 of the 184
                 * trials where the model reaches its LP, larger in the others). */
                const char *sb = strstr(d.message, "short by ");
                cr_assert(sb, "%s", d.message);
                long long gap = strtoll(sb + strlen("short by "), NULL, 10);
                cr_assert_geq(gap, 1, "trial %d: %s", trial, d.message);
                if (lp_short.n >= 0) {
                    cr_assert(gap * lp_short.d <= lp_short.n,
                              "trial %d: gap %lld, but moving the rows by %lld/%lld in all "
                              "makes them hold: %s\n%s\n%s",
                              trial, gap, (long long)lp_short.n, (long long)lp_short.d,
                              d.message, m.text, args);
                    gap_checked++;
                    gap_equal += gap * lp_short.d == lp_short.n;
                }
                cr_assert(!model_feasible(&m, q, nq, &bd, use, NULL),
                          "trial %d: the --set named hold together: %s\n%s\n%s", trial,
                          d.message, m.text, args);
            }
        }
        fp_table_free(t);
    }
    cr_log_info("%d feasible, %d infeasible (%d certified by the network test, %d with three or "
                "more --set), %d with bounds; gap checked against the least move %d times, "
                "equal %d times",
                feasible, infeasible, flow_named, many, with_bounds, gap_checked, gap_equal);
    cr_assert_geq(gap_checked, 150, "only %d gaps checked", gap_checked);
    cr_assert_geq(feasible, 1500, "only %d feasible", feasible);
    cr_assert_geq(infeasible, 600, "only %d infeasible", infeasible);
    cr_assert_geq(flow_named, 150, "only %d certificates", flow_named);
    cr_assert_geq(many, 15, "only %d certificates of three or more --set", many);
}
