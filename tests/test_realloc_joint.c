/* tests/test_realloc_joint.c — realloc with several --set: the reproducers of issue 12, and a
 * property test against an independent model (exact fitting when the targets are separable, a
 * plain IPF in long double otherwise, brute force over every rounding on tiny tables). */
#include <criterion/criterion.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"

#define SC FP_AMOUNT_SCALE
#define MAXN 24
#define MAXK 3
#define COL_TOTAL "全年应拨付资金合计"

static uint64_t rng_state;

static uint64_t rnd(void) { return th_rand(&rng_state); }
static int64_t rnd_in(int64_t lo, int64_t hi) { return th_rand_in(&rng_state, lo, hi); }

static int64_t units(const fp_table *t, size_t r, size_t c)
{
    return fp_table_amount(t, r, c) / SC;
}

/* ---- the reproducers ---- */

/* 总计 (106,106,108) → G1, G2 (53,53,54); both rows set to 32: exact G1 = G2 = (10.6,10.6,10.8)
 * and 总计 (21.2,21.2,21.6). Rounding each set on its own gave G1 = G2 = (10,11,11) and 总计/甲 =
 * 20; the joint rounding keeps 总计 within one unit: (21,21,22), G1 (11,10,11), G2 (10,11,11) or
 * the mirror. */
Test(reproducer, two_rows_set_round_jointly)
{
    fp_table *t = th_load_text("级次,单位,甲,乙,丙," COL_TOTAL "\n"
                               "0,总计,106,106,108,320\n"
                               "1,G1,53,53,54,160\n"
                               "1,G2,53,53,54,160\n");
    fp_realloc_options o;
    fp_realloc_options_init(&o);
    fp_realloc_target tg[2] = {{"G1", COL_TOTAL, 32 * SC}, {"G2", COL_TOTAL, 32 * SC}};
    o.targets = tg;
    o.target_count = 2;
    fp_table *out = NULL;
    fp_diag d;
    cr_assert_eq(fp_realloc(t, &o, &out, &d), FP_OK, "%s", d.message);
    cr_assert_eq(units(out, 0, 2), 21);
    cr_assert_eq(units(out, 0, 3), 21);
    cr_assert_eq(units(out, 0, 4), 22);
    cr_assert_eq(units(out, 0, 5), 64);
    for (size_t r = 1; r <= 2; r++) {
        cr_assert_eq(units(out, r, 5), 32);
        cr_assert_eq(units(out, r, 4), 11);
        cr_assert_eq(units(out, r, 2) + units(out, r, 3), 21);
    }
    cr_assert_eq(units(out, 1, 2) + units(out, 2, 2), 21);
    fp_table_free(out);
    fp_table_free(t);
}

/* Four category --set on one unit: each column scaled on its own used to leave row totals 1.14
 * from exact; rounded jointly every cell and every row total stays within one unit of its exact
 * value (old × new / old sum of its column, computed here). */
Test(reproducer, four_columns_on_one_unit)
{
    fp_table *t = th_load_text("级次,单位,A,B,C,D," COL_TOTAL "\n"
                               "0,总计,35,13,31,23,102\n"
                               "1,市,33,12,30,20,95\n"
                               "2,甲,11,5,9,7,32\n"
                               "2,乙,13,3,11,6,33\n"
                               "2,丙,9,4,10,7,30\n"
                               "1,县,2,1,1,3,7\n");
    fp_realloc_options o;
    fp_realloc_options_init(&o);
    fp_realloc_target tg[4] = {{"市", "A", 23 * SC}, {"市", "B", 17 * SC}, {"市", "C", 16 * SC},
                               {"市", "D", 26 * SC}};
    o.targets = tg;
    o.target_count = 4;
    fp_table *out = NULL;
    fp_diag d;
    cr_assert_eq(fp_realloc(t, &o, &out, &d), FP_OK, "%s", d.message);
    static const int64_t old[3][4] = {{11, 5, 9, 7}, {13, 3, 11, 6}, {9, 4, 10, 7}};
    static const int64_t sum[4] = {33, 12, 30, 20}, want[4] = {23, 17, 16, 26};
    for (size_t k = 0; k < 4; k++)
        cr_assert_eq(units(out, 1, 2 + k), want[k]);
    for (size_t i = 0; i < 3; i++) {
        double row = 0;
        for (size_t k = 0; k < 4; k++) {
            double exact = (double)old[i][k] * (double)want[k] / (double)sum[k];
            row += exact;
            cr_assert_lt(fabs((double)units(out, 2 + i, 2 + k) - exact), 1.0);
        }
        cr_assert_lt(fabs((double)units(out, 2 + i, 6) - row), 1.0, "row %zu: %lld against %.4f",
                     i, (long long)units(out, 2 + i, 6), row);
    }
    fp_table_free(out);
    fp_table_free(t);
}

/* ---- the property test ---- */

typedef struct model {
    size_t n, K;
    size_t parent[MAXN];
    int leaf[MAXN];
    int64_t v[MAXN][MAXK]; /* old leaf cells (internal: sums) */
    char text[8192];
} model;

static size_t grow(model *m, size_t par, int depth)
{
    size_t me = m->n++;
    m->parent[me] = par;
    size_t kids = depth == 0 ? (size_t)rnd_in(2, 4) : depth < 3 ? (size_t)rnd_in(0, 3) : 0;
    if (kids == 1)
        kids = 2;
    m->leaf[me] = 1;
    for (size_t i = 0; i < kids && m->n + 3 < MAXN; i++) {
        m->leaf[me] = 0;
        grow(m, me, depth + 1);
    }
    return me;
}

static void make_table(model *m)
{
    memset(m, 0, sizeof *m);
    m->K = (size_t)rnd_in(2, MAXK);
    grow(m, (size_t)-1, 0);
    for (size_t i = m->n; i-- > 0;) {
        if (m->leaf[i])
            for (size_t k = 0; k < m->K; k++)
                m->v[i][k] = rnd() % 5 == 0 ? 0 : rnd_in(1, 40);
        if (i > 0)
            for (size_t k = 0; k < m->K; k++)
                m->v[m->parent[i]][k] += m->v[i][k];
    }
    int len = snprintf(m->text, sizeof m->text, "级次,单位");
    for (size_t k = 0; k < m->K; k++)
        len += snprintf(m->text + len, sizeof m->text - (size_t)len, ",C%zu", k);
    len += snprintf(m->text + len, sizeof m->text - (size_t)len, "," COL_TOTAL "\n");
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
        len += snprintf(m->text + len, sizeof m->text - (size_t)len, ",%lld\n", (long long)tot);
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

typedef struct req {
    size_t node;
    int col; /* -1: the year total */
    int64_t amount;
} req;

static int covers(const model *m, const req *q, size_t i, size_t k)
{
    return m->leaf[i] && under(m, q->node, i) && (q->col < 0 || (size_t)q->col == k);
}

/* The reference fit: plain IPF in long double (no bounds), from the old leaf cells. */
static int ipf(const model *m, const req *q, size_t nq, long double ref[MAXN][MAXK])
{
    for (size_t i = 0; i < m->n; i++)
        for (size_t k = 0; k < m->K; k++)
            ref[i][k] = m->leaf[i] ? (long double)m->v[i][k] : 0;
    for (int it = 0; it < 100000; it++) {
        long double worst = 0;
        for (size_t j = 0; j < nq; j++) {
            long double s = 0;
            for (size_t i = 0; i < m->n; i++)
                for (size_t k = 0; k < m->K; k++)
                    if (covers(m, &q[j], i, k))
                        s += ref[i][k];
            long double miss = fabsl(s - (long double)q[j].amount);
            if (miss > worst)
                worst = miss;
            if (s > 0)
                for (size_t i = 0; i < m->n; i++)
                    for (size_t k = 0; k < m->K; k++)
                        if (covers(m, &q[j], i, k))
                            ref[i][k] *= (long double)q[j].amount / s;
        }
        if (worst < 1e-12L)
            return 1;
    }
    return 0;
}

/* Every figure of a table given by its leaf cells X: cells of every node and row totals. */
static void figures(const model *m, long double x[MAXN][MAXK], long double row[MAXN])
{
    long double y[MAXN][MAXK];
    for (size_t i = 0; i < m->n; i++)
        for (size_t k = 0; k < m->K; k++)
            y[i][k] = m->leaf[i] ? x[i][k] : 0;
    for (size_t i = m->n; i-- > 1;)
        for (size_t k = 0; k < m->K; k++)
            y[m->parent[i]][k] += y[i][k];
    for (size_t i = 0; i < m->n; i++) {
        row[i] = 0;
        for (size_t k = 0; k < m->K; k++) {
            x[i][k] = y[i][k];
            row[i] += y[i][k];
        }
    }
}

static long double deviation(const model *m, long double x[MAXN][MAXK], long double xr[MAXN],
                             long double ref[MAXN][MAXK], long double rr[MAXN])
{
    long double d = 0;
    for (size_t i = 0; i < m->n; i++) {
        for (size_t k = 0; k < m->K; k++)
            d += fabsl(x[i][k] - ref[i][k]);
        d += fabsl(xr[i] - rr[i]);
    }
    return d;
}

/* The least deviation over every rounding of the changed leaf cells to floor or ceil that meets
 * every target, every figure within one unit of the reference; -1 when there are too many. */
static long double brute_force(const model *m, const req *q, size_t nq, long double ref[MAXN][MAXK],
                               long double rr[MAXN], long double fitleaf[MAXN][MAXK])
{
    size_t cell[MAXN * MAXK], nc = 0;
    for (size_t i = 0; i < m->n; i++)
        for (size_t k = 0; k < m->K; k++)
            if (m->leaf[i] && fabsl(fitleaf[i][k] - roundl(fitleaf[i][k])) > 1e-9L)
                cell[nc++] = i * MAXK + k;
    if (nc > 14)
        return -1;
    long double best = -1;
    for (uint32_t mask = 0; mask < (1u << nc); mask++) {
        long double x[MAXN][MAXK], xr[MAXN];
        for (size_t i = 0; i < m->n; i++)
            for (size_t k = 0; k < m->K; k++)
                x[i][k] = roundl(fitleaf[i][k]);
        for (size_t c = 0; c < nc; c++) {
            size_t i = cell[c] / MAXK, k = cell[c] % MAXK;
            x[i][k] = floorl(fitleaf[i][k]) + ((mask >> c) & 1);
        }
        long double leafx[MAXN][MAXK];
        memcpy(leafx, x, sizeof x);
        figures(m, x, xr);
        int ok = 1;
        for (size_t i = 0; i < m->n && ok; i++) {
            for (size_t k = 0; k < m->K; k++)
                ok &= fabsl(x[i][k] - ref[i][k]) < 1 - 1e-9L ||
                      fabsl(x[i][k] - ref[i][k]) < 1e-9L;
            ok &= fabsl(xr[i] - rr[i]) < 1 - 1e-9L;
        }
        for (size_t j = 0; j < nq && ok; j++) {
            long double s = 0;
            for (size_t i = 0; i < m->n; i++)
                for (size_t k = 0; k < m->K; k++)
                    if (covers(m, &q[j], i, k))
                        s += leafx[i][k];
            ok &= s == (long double)q[j].amount;
        }
        if (!ok)
            continue;
        long double d = deviation(m, x, xr, ref, rr);
        if (best < 0 || d < best)
            best = d;
    }
    return best;
}

Test(property, several_sets_against_an_independent_model, .timeout = 600)
{
    rng_state = 12;
    int runs = 0, brute = 0, separable = 0;
    for (int trial = 0; trial < 300; trial++) {
        model m;
        make_table(&m);
        /* targets taken from a hidden new table, so that they agree with one another */
        int64_t hidden[MAXN][MAXK];
        for (size_t i = 0; i < m.n; i++)
            for (size_t k = 0; k < m.K; k++)
                hidden[i][k] = m.leaf[i] && m.v[i][k] > 0 ? rnd_in(1, 60) : 0;
        size_t nq = (size_t)rnd_in(2, 4);
        req q[4];
        for (size_t j = 0; j < nq; j++) {
            q[j].node = (size_t)rnd_in(0, (int64_t)m.n - 1);
            q[j].col = rnd() % 3 == 0 ? -1 : (int)rnd_in(0, (int64_t)m.K - 1);
            q[j].amount = 0;
            for (size_t i = 0; i < m.n; i++)
                for (size_t k = 0; k < m.K; k++)
                    if (covers(&m, &q[j], i, k))
                        q[j].amount += hidden[i][k];
        }
        /* the same cells twice, or a target over nothing: not this test's subject */
        int skip = 0;
        for (size_t j = 0; j < nq; j++) {
            skip |= q[j].amount == 0;
            for (size_t l = 0; l < j; l++)
                skip |= q[j].node == q[l].node && q[j].col == q[l].col;
        }
        if (skip)
            continue;
        int disjoint = 1;
        for (size_t j = 0; j < nq; j++)
            for (size_t l = 0; l < j; l++)
                for (size_t i = 0; i < m.n; i++)
                    for (size_t k = 0; k < m.K; k++)
                        disjoint &= !(covers(&m, &q[j], i, k) && covers(&m, &q[l], i, k));

        long double ref[MAXN][MAXK], rr[MAXN], fitleaf[MAXN][MAXK];
        if (disjoint) {
            /* separable: every set scales its own cells by amount / old sum, exactly */
            separable++;
            for (size_t i = 0; i < m.n; i++)
                for (size_t k = 0; k < m.K; k++)
                    ref[i][k] = m.leaf[i] ? (long double)m.v[i][k] : 0;
            for (size_t j = 0; j < nq; j++) {
                int64_t old = 0;
                for (size_t i = 0; i < m.n; i++)
                    for (size_t k = 0; k < m.K; k++)
                        if (covers(&m, &q[j], i, k))
                            old += m.v[i][k];
                for (size_t i = 0; i < m.n; i++)
                    for (size_t k = 0; k < m.K; k++)
                        if (covers(&m, &q[j], i, k))
                            ref[i][k] = (long double)m.v[i][k] * q[j].amount / old;
            }
        } else {
            cr_assert(ipf(&m, q, nq, ref), "trial %d: the reference IPF did not converge", trial);
        }
        memcpy(fitleaf, ref, sizeof ref);
        figures(&m, ref, rr);

        fp_table *t = th_load_text(m.text);
        fp_realloc_options o;
        fp_realloc_options_init(&o);
        fp_realloc_target tg[4];
        char names[4][16], cols[4][40];
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
        fp_table *out = NULL;
        fp_diag d;
        fp_error e = fp_realloc(t, &o, &out, &d);
        cr_assert_eq(e, FP_OK, "trial %d: %s\n%s", trial, d.message, m.text);
        runs++;
        /* every identity exact: fp_check inside fp_realloc; again here */
        fp_report *rep = NULL;
        cr_assert_eq(fp_check(out, NULL, &rep, &d), FP_OK);
        cr_assert_eq(fp_report_errors(rep), 0, "trial %d", trial);
        fp_report_free(rep);
        /* every target met, every figure within one unit of the reference */
        long double x[MAXN][MAXK], xr[MAXN];
        for (size_t i = 0; i < m.n; i++) {
            for (size_t k = 0; k < m.K; k++) {
                x[i][k] = (long double)units(out, i, 2 + k);
                long double dev = fabsl(x[i][k] - ref[i][k]);
                cr_assert(dev < 1 - 1e-9L || dev < 1e-9L,
                          "trial %d: N%zu C%zu = %lld against %.6Lf\n%s", trial, i, k,
                          (long long)units(out, i, 2 + k), ref[i][k], m.text);
            }
            xr[i] = (long double)units(out, i, 2 + m.K);
            cr_assert(fabsl(xr[i] - rr[i]) < 1 - 1e-9L, "trial %d: N%zu total %lld against %.6Lf",
                      trial, i, (long long)units(out, i, 2 + m.K), rr[i]);
        }
        for (size_t j = 0; j < nq; j++) {
            size_t col = q[j].col < 0 ? 2 + m.K : 2 + (size_t)q[j].col;
            cr_assert_eq(units(out, q[j].node, col), q[j].amount, "trial %d: target %zu", trial,
                         j);
        }
        /* least deviation: no valid rounding does better */
        long double best = brute_force(&m, q, nq, ref, rr, fitleaf);
        if (best >= 0) {
            brute++;
            long double got = deviation(&m, x, xr, ref, rr);
            cr_assert(got <= best + 1e-6L, "trial %d: deviation %.9Lf, the best is %.9Lf\n%s",
                      trial, got, best, m.text);
        }
        fp_table_free(out);
        fp_table_free(t);
    }
    cr_assert_geq(runs, 150, "only %d runs", runs);
    cr_assert_geq(brute, 50, "only %d brute-force comparisons", brute);
    cr_assert_geq(separable, 20, "only %d separable cases", separable);
    cr_log_info("%d runs, %d separable, %d compared with brute force", runs, separable, brute);
}

/* ---- targets that cannot all hold ---- */

static fp_error run2(const char *text, fp_realloc_target *tg, size_t n, fp_diag *d)
{
    fp_table *t = th_load_text(text);
    fp_realloc_options o;
    fp_realloc_options_init(&o);
    o.targets = tg;
    o.target_count = n;
    fp_table *out = NULL;
    fp_error e = fp_realloc(t, &o, &out, d);
    if (e == FP_OK)
        fp_table_free(out);
    else
        cr_assert_null(out);
    fp_table_free(t);
    return e;
}

#define SMALL "级次,单位,甲,乙," COL_TOTAL "\n0,总计,15,5,20\n1,A,10,0,10\n1,B,5,5,10\n"

Test(contradiction, sets_inside_cover_everything_but_do_not_add_up)
{
    fp_realloc_target tg[2] = {{"A", COL_TOTAL, 20 * SC}, {"A", "甲", 15 * SC}};
    fp_diag d;
    cr_assert_eq(run2(SMALL, tg, 2, &d), FP_ERR_CONFLICT);
    cr_assert_str_eq(d.message, "--set A:" COL_TOTAL "=20: the sets inside it (--set A:甲=15) "
                                "leave it nothing else to change and differ from it by 5");
}

Test(contradiction, children_above_their_parent)
{
    fp_realloc_target tg[3] = {
        {"总计", "甲", 12 * SC}, {"A", "甲", 8 * SC}, {"B", "甲", 6 * SC}};
    fp_diag d;
    cr_assert_eq(run2(SMALL, tg, 3, &d), FP_ERR_CONFLICT);
    cr_assert_str_eq(d.message, "--set 总计:甲=12 is below the sets inside it (--set A:甲=8 and "
                                "--set B:甲=6), by 2");
}

Test(contradiction, same_cells_two_amounts)
{
    fp_realloc_target tg[2] = {{"A", COL_TOTAL, 20 * SC}, {"A", COL_TOTAL, 21 * SC}};
    fp_diag d;
    cr_assert_eq(run2(SMALL, tg, 2, &d), FP_ERR_CONFLICT);
    cr_assert(strstr(d.message, "ask the same cells for amounts 1 apart"), "%s", d.message);
}

/* Crossing, not nested: A's year total is all 甲 (A's 乙 is 0 and stays 0), so A:全年 asks 15 of
 * cells that all lie under 总计:甲, which leaves them at most 10 (B's 甲 has no floor). */
Test(contradiction, crossing_sets_one_inside_the_others_cells)
{
    fp_realloc_target tg[2] = {{"总计", "甲", 10 * SC}, {"A", COL_TOTAL, 15 * SC}};
    fp_diag d;
    cr_assert_eq(run2(SMALL, tg, 2, &d), FP_ERR_CONFLICT);
    cr_assert_str_eq(d.message, "--set A:" COL_TOTAL "=15 and --set 总计:甲=10 cannot both hold: "
                                "every cell the first can change is under the second, which "
                                "leaves them at most 10, short by 5");
    cr_assert_eq(d.line, 3);
}

/* The same with a floor: --min 甲=3 keeps B's 甲 at 3 or more, so 总计:甲=17 leaves A's 甲 at
 * most 14 against the 15 A:全年 asks. */
Test(contradiction, crossing_sets_count_the_floors_of_the_other_cells)
{
    fp_table *t = th_load_text(SMALL);
    fp_realloc_options o;
    fp_realloc_options_init(&o);
    fp_realloc_target tg[2] = {{"总计", "甲", 17 * SC}, {"A", COL_TOTAL, 15 * SC}};
    fp_realloc_floor fl = {"甲", 3 * SC};
    o.targets = tg;
    o.target_count = 2;
    o.floors = &fl;
    o.floor_count = 1;
    fp_table *out = NULL;
    fp_diag d;
    cr_assert_eq(fp_realloc(t, &o, &out, &d), FP_ERR_CONFLICT);
    cr_assert_null(out);
    cr_assert(strstr(d.message, "which leaves them at most 14, short by 1"), "%s", d.message);
    /* without the floor the same targets hold: A 甲 = 15, B 甲 = 2 */
    o.floor_count = 0;
    cr_assert_eq(fp_realloc(t, &o, &out, &d), FP_OK, "%s", d.message);
    cr_assert_eq(units(out, 1, 2), 15);
    cr_assert_eq(units(out, 2, 2), 2);
    fp_table_free(out);
    fp_table_free(t);
}

/* Three sets that cannot all hold though no two of them contradict: A:全年 makes A's 甲 15, B:甲
 * is 2, and 总计:甲 = 16 is one short of both. No pairwise rule sees it; the exact test of all the
 * targets together (feasible.c) names the three and the gap before any fitting. */
Test(contradiction, three_sets_no_pair_shows)
{
    fp_realloc_target tg[3] = {
        {"总计", "甲", 16 * SC}, {"A", COL_TOTAL, 15 * SC}, {"B", "甲", 2 * SC}};
    fp_diag d;
    cr_assert_eq(run2(SMALL, tg, 3, &d), FP_ERR_CONFLICT, "%s", d.message);
    cr_assert_str_eq(d.message, "--set 总计:甲=16, --set A:" COL_TOTAL "=15 and --set B:甲=2 "
                                "cannot all hold: short by 1");
    cr_assert_eq(d.line, 2);
    cr_assert_str_eq(d.column, "甲");
}

/* Nested targets with bounds: the leaves keep their 已提前下达 and floors while the parent and
 * one child are both set. */
Test(bounds, nested_sets_with_no_clawback_and_floors)
{
    fp_table *t = th_load_text("级次,单位,甲,乙," COL_TOTAL ",已提前下达,此次下达\n"
                               "0,总计,60,40,100,80,20\n"
                               "1,市,40,20,60,50,10\n"
                               "2,一,20,10,30,28,2\n"
                               "2,二,20,10,30,22,8\n"
                               "1,县,20,20,40,30,10\n"
                               "2,三,10,10,20,18,2\n"
                               "2,四,10,10,20,12,8\n");
    fp_realloc_options o;
    fp_realloc_options_init(&o);
    fp_realloc_target tg[2] = {{"总计", COL_TOTAL, 90 * SC}, {"市", "甲", 30 * SC}};
    fp_realloc_floor fl = {"乙", 8 * SC};
    o.targets = tg;
    o.target_count = 2;
    o.no_clawback = 1;
    o.floors = &fl;
    o.floor_count = 1;
    fp_table *out = NULL;
    fp_diag d;
    cr_assert_eq(fp_realloc(t, &o, &out, &d), FP_OK, "%s", d.message);
    cr_assert_eq(units(out, 0, 4), 90);
    cr_assert_eq(units(out, 1, 2), 30);
    for (size_t r = 0; r < 7; r++) {
        cr_assert_geq(units(out, r, 6), 0, "row %zu claws back", r);
        cr_assert_geq(units(out, r, 3), 8, "row %zu below the floor", r);
    }
    fp_table_free(out);
    fp_table_free(t);
}
