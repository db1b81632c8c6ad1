/* tests/test_realloc.c — fenpei realloc: properties on random tables, brute force on tiny ones,
 * end to end on the bundled table and through the program.
 *
 * Every expected value is computed here, independently of the engine: the exact (bounded)
 * proportional shares are rationals p/q in 128-bit integers, and sums of rationals with unlike
 * denominators are decided exactly with a small bignum (only floor and whole-ness are needed). */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "helpers.h"

#include "util/int128.h"

#define SC FP_AMOUNT_SCALE
#define MAXR 160
#define MAXK 6
#define COL_BASIC "原基本公共卫生项目"
#define COL_ELDER "医养结合和老年健康服务"
#define COL_TOTAL "全年应拨付资金合计"
#define COL_ADV "已提前下达"
#define COL_BATCH "此次下达"

/* ------------------------------------------------------------------------------------------ */
/* random numbers: splitmix64, seeded per test                                                 */

static uint64_t rng_state;

static uint64_t rnd(void) { return th_rand(&rng_state); }
static int64_t rnd_in(int64_t lo, int64_t hi) { return th_rand_in(&rng_state, lo, hi); }

/* ------------------------------------------------------------------------------------------ */
/* exact sums of rationals: floor and whole-ness of Σ p_i/q_i (p_i ≥ 0, q_i > 0)               */

#define BIG_LIMBS 200
typedef struct big {
    uint32_t d[BIG_LIMBS];
} big;

static void big_set(big *a, uint64_t v)
{
    memset(a, 0, sizeof *a);
    a->d[0] = (uint32_t)v;
    a->d[1] = (uint32_t)(v >> 32);
}

static void big_mul(big *a, uint64_t m)
{
    u128 carry = 0;
    for (size_t i = 0; i < BIG_LIMBS; i++) {
        u128 t = (u128)a->d[i] * m + carry;
        a->d[i] = (uint32_t)t;
        carry = t >> 32;
    }
    cr_assert_eq((uint64_t)carry, 0, "test bignum overflow");
}

static void big_add(big *a, const big *b)
{
    uint64_t carry = 0;
    for (size_t i = 0; i < BIG_LIMBS; i++) {
        uint64_t t = (uint64_t)a->d[i] + b->d[i] + carry;
        a->d[i] = (uint32_t)t;
        carry = t >> 32;
    }
    cr_assert_eq(carry, 0, "test bignum overflow");
}

static int big_cmp(const big *a, const big *b)
{
    for (size_t i = BIG_LIMBS; i-- > 0;)
        if (a->d[i] != b->d[i])
            return a->d[i] < b->d[i] ? -1 : 1;
    return 0;
}

#define ACC_MAX 200
typedef struct acc {
    i128 whole;          /* integer part so far */
    size_t n;            /* fractional parts r/q, one per distinct q, 0 < r < q */
    i128 r[ACC_MAX], q[ACC_MAX];
} acc;

static void acc_init(acc *a)
{
    a->whole = 0;
    a->n = 0;
}

static void acc_add(acc *a, i128 p, i128 q)
{
    cr_assert(q > 0 && p >= 0, "test rational out of range");
    a->whole += p / q;
    i128 r = p % q;
    if (!r)
        return;
    for (size_t i = 0; i < a->n; i++)
        if (a->q[i] == q) {
            a->r[i] += r;
            if (a->r[i] >= q) {
                a->r[i] -= q;
                a->whole++;
            }
            return;
        }
    cr_assert_lt(a->n, ACC_MAX);
    a->r[a->n] = r;
    a->q[a->n++] = q;
}

/* floor of the sum into *FL; returns 1 when the sum is a whole number. */
static int acc_floor(const acc *a, i128 *fl)
{
    static big num, den, t;
    big_set(&num, 0);
    big_set(&den, 1);
    for (size_t i = 0; i < a->n; i++) {
        if (a->r[i] == 0)
            continue;
        cr_assert(a->q[i] < ((i128)1 << 63), "test denominator too large");
        t = den;
        big_mul(&t, (uint64_t)a->r[i]);
        big_mul(&num, (uint64_t)a->q[i]);
        big_add(&num, &t);
        big_mul(&den, (uint64_t)a->q[i]);
    }
    i128 m = 0;
    for (;;) { /* the fractional sum is below the number of parts: a short search */
        t = den;
        big_mul(&t, (uint64_t)(m + 1));
        if (big_cmp(&t, &num) > 0)
            break;
        m++;
    }
    t = den;
    big_mul(&t, (uint64_t)m);
    *fl = a->whole + m;
    return big_cmp(&t, &num) == 0;
}

/* Is X within one unit of the exact sum (strictly less than one away, equal when whole)? */
static int acc_near(const acc *a, i128 x)
{
    i128 fl;
    int whole = acc_floor(a, &fl);
    return whole ? x == fl : (x == fl || x == fl + 1);
}

/* |x - p/q| * q */
static i128 absdev(i128 x, i128 p, i128 q)
{
    i128 d = x * q - p;
    return d < 0 ? -d : d;
}

/* ------------------------------------------------------------------------------------------ */
/* a table model: rows in pre-order, whole units                                               */

typedef struct gen {
    int n, K;
    int parent[MAXR];
    int nkids[MAXR];
    int64_t v[MAXR][MAXK]; /* categories */
    int64_t adv[MAXR];
    uint8_t blank[MAXR][MAXK];
    char name[MAXR][32];
} gen;

static int64_t gen_total(const gen *g, int r)
{
    int64_t s = 0;
    for (int k = 0; k < g->K; k++)
        s += g->v[r][k];
    return s;
}

static int is_under(const gen *g, int r, int top)
{
    for (int x = r; x >= 0; x = g->parent[x])
        if (x == top)
            return 1;
    return 0;
}

static int gen_bushy; /* every internal node gets 2–4 rows: many leaves */

static void gen_node(gen *g, int parent, int depth, int levels)
{
    int me = g->n++;
    g->parent[me] = parent;
    g->nkids[me] = 0;
    if (parent >= 0)
        g->nkids[parent]++;
    snprintf(g->name[me], sizeof g->name[me], me == 0 ? "总计" : "单位%d", me);
    int kids = 0;
    if (depth + 1 < levels)
        kids = gen_bushy ? (int)rnd_in(2, 4) : depth == 0 ? (int)rnd_in(1, 4) : (int)rnd_in(0, 3);
    for (int i = 0; i < kids; i++)
        gen_node(g, me, depth + 1, levels);
}

/* Sums of every internal row from its leaves (rows are in pre-order). */
static void gen_sum(gen *g)
{
    for (int r = g->n; r-- > 0;) {
        if (!g->nkids[r])
            continue;
        for (int k = 0; k < g->K; k++)
            g->v[r][k] = 0;
        g->adv[r] = 0;
    }
    for (int r = g->n; r-- > 1;) {
        int p = g->parent[r];
        for (int k = 0; k < g->K; k++)
            g->v[p][k] += g->v[r][k];
        g->adv[p] += g->adv[r];
    }
}

/* A random table: LEVELS levels (2–4), K categories (1–6), a total = Σ categories, an advance ≤
 * the total and batch = total − advance at the leaves, every internal row a sum. */
static void gen_random(gen *g, int levels, int K, int64_t maxcell)
{
    memset(g, 0, sizeof *g);
    g->K = K;
    gen_node(g, -1, 0, levels);
    for (int r = 0; r < g->n; r++) {
        if (g->nkids[r])
            continue;
        for (int k = 0; k < K; k++) {
            int z = rnd() % 4 == 0;
            g->v[r][k] = z ? 0 : (rnd() % 5 == 0 ? rnd_in(1, 5) : rnd_in(1, maxcell));
            g->blank[r][k] = z && rnd() % 2;
        }
        int64_t t = gen_total(g, r);
        switch (rnd() % 5) {
        case 0: g->adv[r] = t; break;
        case 1: g->adv[r] = t ? rnd_in(0, t) : 0; break;
        default: g->adv[r] = t * rnd_in(80, 99) / 100; break;
        }
    }
    gen_sum(g);
}

/* The table as CSV text (caller frees). */
static char *gen_csv(const gen *g)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    cr_assert_not_null(f);
    fprintf(f, "级次,单位");
    for (int k = 0; k < g->K; k++)
        fprintf(f, ",类别%d", k + 1);
    fprintf(f, "," COL_TOTAL "," COL_ADV "," COL_BATCH "\n");
    for (int r = 0; r < g->n; r++) {
        int depth = 0;
        for (int x = g->parent[r]; x >= 0; x = g->parent[x])
            depth++;
        fprintf(f, "%d,%s", depth, g->name[r]);
        for (int k = 0; k < g->K; k++) {
            if (g->blank[r][k])
                fputc(',', f);
            else
                fprintf(f, ",%lld", (long long)g->v[r][k]);
        }
        int64_t t = gen_total(g, r);
        fprintf(f, ",%lld,%lld,%lld\n", (long long)t, (long long)g->adv[r],
                (long long)(t - g->adv[r]));
    }
    cr_assert_eq(fclose(f), 0);
    return buf;
}

/* Read a loaded table back into the model (all amounts must be whole units). */
static void gen_from_table(gen *g, const fp_table *t)
{
    memset(g, 0, sizeof *g);
    const size_t *cats;
    g->K = (int)fp_table_categories(t, &cats);
    g->n = (int)fp_table_row_count(t);
    cr_assert(g->K >= 1 && g->K <= MAXK && g->n <= MAXR);
    size_t adv = fp_table_role_column(t, FP_ROLE_ADVANCE);
    for (int r = 0; r < g->n; r++) {
        size_t p = fp_table_parent(t, (size_t)r);
        g->parent[r] = p == FP_NONE ? -1 : (int)p;
        cr_assert(g->parent[r] < r, "rows are not in pre-order");
        if (p != FP_NONE)
            g->nkids[p]++;
        snprintf(g->name[r], sizeof g->name[r], "%s", fp_table_row_name(t, (size_t)r));
        for (int k = 0; k < g->K; k++) {
            fp_amount a = fp_table_amount(t, (size_t)r, cats[k]);
            cr_assert_eq(a % SC, 0);
            g->v[r][k] = a / SC;
        }
        g->adv[r] = fp_table_amount(t, (size_t)r, adv) / SC;
    }
}

/* ------------------------------------------------------------------------------------------ */
/* the exact target, computed independently: the bounded proportional solution                  */

typedef struct req {
    int row;        /* the set node */
    int col;        /* category index, or -1 for the year total */
    int64_t amount; /* whole units */
    int no_clawback;
    int fixed;      /* a row kept with its subtree, or -1 */
    int floor_col;  /* category with a --min floor, or -1 */
    int64_t floor_amount;
} req;

typedef struct model {
    int feasible;
    int64_t shortfall; /* when infeasible because the bounds need more than is available */
    i128 p[MAXR][MAXK], q[MAXR][MAXK]; /* exact value of every leaf cell */
    int held[MAXR];
} model;

static int in_set(const req *rq, int k) { return rq->col < 0 || rq->col == k; }

/* b1/V1 < b2/V2, where b/0 is +infinity for b > 0 and below everything for b = 0 */
static int ratio_less(int64_t b1, int64_t V1, int64_t b2, int64_t V2)
{
    int c1 = V1 ? 1 : b1 ? 2 : 0, c2 = V2 ? 1 : b2 ? 2 : 0; /* class: 0 none, 1 finite, 2 inf */
    if (c1 != c2)
        return c1 < c2;
    return c1 == 1 && (i128)b1 * V2 < (i128)b2 * V1;
}

static void compute_model(const gen *g, const req *rq, model *m)
{
    memset(m, 0, sizeof *m);
    int leaves[MAXR], nl = 0;
    int64_t V[MAXR], b[MAXR];
    int64_t fixed_sum = 0;
    for (int r = 0; r < g->n; r++)
        for (int k = 0; k < g->K; k++) {
            m->p[r][k] = g->v[r][k];
            m->q[r][k] = 1;
        }
    for (int r = 0; r < g->n; r++) {
        if (g->nkids[r] || !is_under(g, r, rq->row))
            continue;
        int64_t w = 0;
        for (int k = 0; k < g->K; k++)
            if (in_set(rq, k))
                w += g->v[r][k];
        if (rq->fixed >= 0 && is_under(g, r, rq->fixed)) {
            fixed_sum += w;
            continue;
        }
        V[r] = w;
        int64_t bound = 0;
        if (rq->no_clawback)
            bound = g->adv[r] - (gen_total(g, r) - w);
        if (rq->col >= 0 && rq->floor_col == rq->col && g->v[r][rq->col] > 0 &&
            rq->floor_amount > bound)
            bound = rq->floor_amount;
        b[r] = bound > 0 ? bound : 0;
        leaves[nl++] = r;
    }
    int64_t avail = rq->amount - fixed_sum;
    /* sort the free leaves by b/V, largest first (b > 0 with V = 0 first of all) */
    for (int i = 1; i < nl; i++)
        for (int j = i; j > 0; j--) {
            int x = leaves[j - 1], y = leaves[j];
            if (ratio_less(b[x], V[x], b[y], V[y])) {
                leaves[j - 1] = y;
                leaves[j] = x;
            } else {
                break;
            }
        }
    int64_t sum_b = 0;
    for (int i = 0; i < nl; i++)
        sum_b += b[leaves[i]];
    if (avail < 0 || avail < sum_b) {
        m->feasible = 0;
        m->shortfall = sum_b + fixed_sum - rq->amount;
        return;
    }
    for (int h = 0; h <= nl; h++) {
        int64_t rest = avail, W = 0;
        for (int i = 0; i < h; i++)
            rest -= b[leaves[i]];
        for (int i = h; i < nl; i++)
            W += V[leaves[i]];
        int ok = 1;
        if (W == 0) {
            ok = rest == 0;
        } else {
            for (int i = 0; i < h && ok; i++) /* held rows: f·V ≤ b */
                ok = (i128)rest * V[leaves[i]] <= (i128)b[leaves[i]] * W;
            for (int i = h; i < nl && ok; i++) /* free rows: f·V ≥ b */
                ok = (i128)rest * V[leaves[i]] >= (i128)b[leaves[i]] * W;
        }
        if (!ok)
            continue;
        m->feasible = 1;
        for (int i = 0; i < nl; i++) {
            int r = leaves[i];
            m->held[r] = i < h;
            for (int k = 0; k < g->K; k++) {
                if (!in_set(rq, k))
                    continue;
                if (i < h) { /* held: the bound, split in the row's proportions */
                    if (rq->col >= 0) {
                        m->p[r][k] = b[r];
                        m->q[r][k] = 1;
                    } else {
                        m->p[r][k] = (i128)b[r] * g->v[r][k];
                        m->q[r][k] = V[r];
                    }
                } else if (W == 0) {
                    m->p[r][k] = 0;
                    m->q[r][k] = 1;
                } else {
                    m->p[r][k] = (i128)g->v[r][k] * rest;
                    m->q[r][k] = W;
                }
            }
        }
        return;
    }
    m->feasible = 0; /* no proportion to follow */
    m->shortfall = 0;
}

/* ------------------------------------------------------------------------------------------ */
/* running the engine                                                                          */

typedef struct colmap {
    size_t cat[MAXK], total, adv, batch;
} colmap;

static colmap columns_of(const fp_table *t, int K)
{
    colmap c;
    const size_t *cats;
    cr_assert_eq(fp_table_categories(t, &cats), (size_t)K);
    for (int k = 0; k < K; k++)
        c.cat[k] = cats[k];
    c.total = fp_table_role_column(t, FP_ROLE_TOTAL);
    c.adv = fp_table_role_column(t, FP_ROLE_ADVANCE);
    c.batch = fp_table_role_column(t, FP_ROLE_BATCH);
    cr_assert(c.total != FP_NONE && c.adv != FP_NONE && c.batch != FP_NONE);
    return c;
}

/* The table written as CSV into memory (caller frees). */
static char *table_csv(const fp_table *t, size_t *len)
{
    char *buf = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&buf, &n);
    cr_assert_not_null(f);
    fp_diag d;
    cr_assert_eq(fp_table_write_csv(t, f, -1, &d), FP_OK);
    cr_assert_eq(fclose(f), 0);
    if (len)
        *len = n;
    return buf;
}

static size_t check_errors(const fp_table *t)
{
    fp_report *rep = NULL;
    fp_diag d;
    cr_assert_eq(fp_check(t, NULL, &rep, &d), FP_OK);
    size_t e = fp_report_errors(rep);
    fp_report_free(rep);
    return e;
}

/* Build the options of RQ against table T (names from G) and run fp_realloc. */
typedef struct run {
    fp_error e;
    fp_table *out;
    fp_diag d;
} run;

static run do_realloc(const fp_table *t, const gen *g, const req *rq, fp_method method)
{
    fp_realloc_options o;
    fp_realloc_options_init(&o);
    o.method = method;
    o.no_clawback = rq->no_clawback;
    static char colname[64];
    fp_realloc_target tg;
    tg.unit = g->name[rq->row];
    if (rq->col >= 0)
        snprintf(colname, sizeof colname, "%s",
                 fp_table_column_name(t, columns_of(t, g->K).cat[rq->col]));
    else
        snprintf(colname, sizeof colname, "%s", COL_TOTAL);
    tg.column = colname;
    tg.amount = rq->amount * SC;
    o.targets = &tg;
    o.target_count = 1;
    const char *fixed[1];
    if (rq->fixed >= 0) {
        fixed[0] = g->name[rq->fixed];
        o.fixed = fixed;
        o.fixed_count = 1;
    }
    static char floorname[64];
    fp_realloc_floor fl;
    if (rq->floor_col >= 0) {
        snprintf(floorname, sizeof floorname, "%s",
                 fp_table_column_name(t, columns_of(t, g->K).cat[rq->floor_col]));
        fl.column = floorname;
        fl.amount = rq->floor_amount * SC;
        o.floors = &fl;
        o.floor_count = 1;
    }
    run r;
    r.out = NULL;
    r.e = fp_realloc(t, &o, &r.out, &r.d);
    if (r.e)
        cr_assert_null(r.out);
    return r;
}

static int64_t cellv(const fp_table *t, int r, size_t col)
{
    fp_amount a = fp_table_amount(t, (size_t)r, col);
    cr_assert_eq(a % SC, 0, "%s: not whole", fp_table_row_name(t, (size_t)r));
    return a / SC;
}

/* The properties every successful run must have, against the model M of request RQ on G:
 * (a) fp_check finds no error; (b) every cell of the set columns, every row total in the set
 * node's subtree lies within one unit of its exact share; (c) the set node has the amount;
 * (d) 已提前下达 unchanged everywhere, rows outside the subtree unchanged but for the
 * ancestors, which change by exactly the set node's change; no-clawback holds when asked. */
static void check_properties(const gen *g, const req *rq, const model *m, const fp_table *in,
                             const fp_table *out, const char *what)
{
    colmap c = columns_of(out, g->K);
    cr_assert_eq(check_errors(out), 0, "%s: the result fails fp_check", what);
    static acc a;
    /* (b) */
    for (int r = 0; r < g->n; r++) {
        if (!is_under(g, r, rq->row))
            continue;
        for (int k = 0; k < g->K; k++) {
            acc_init(&a);
            for (int l = 0; l < g->n; l++)
                if (!g->nkids[l] && is_under(g, l, r))
                    acc_add(&a, m->p[l][k], m->q[l][k]);
            i128 fl;
            int whole = acc_floor(&a, &fl);
            cr_assert(acc_near(&a, cellv(out, r, c.cat[k])),
                      "%s: %s, category %d = %lld, exact share floor %lld%s", what, g->name[r],
                      k + 1, (long long)cellv(out, r, c.cat[k]), (long long)fl,
                      whole ? " (whole)" : "");
        }
        acc_init(&a);
        for (int l = 0; l < g->n; l++)
            if (!g->nkids[l] && is_under(g, l, r))
                for (int k = 0; k < g->K; k++)
                    acc_add(&a, m->p[l][k], m->q[l][k]);
        i128 fl;
        int whole = acc_floor(&a, &fl);
        cr_assert(acc_near(&a, cellv(out, r, c.total)),
                  "%s: %s, year total = %lld, exact share floor %lld%s", what, g->name[r],
                  (long long)cellv(out, r, c.total), (long long)fl, whole ? " (whole)" : "");
    }
    /* (c) */
    size_t setcol = rq->col >= 0 ? c.cat[rq->col] : c.total;
    cr_assert_eq(cellv(out, rq->row, setcol), rq->amount, "%s: the set node has %lld, not %lld",
                 what, (long long)cellv(out, rq->row, setcol), (long long)rq->amount);
    /* (d) */
    int64_t delta[MAXK + 1];
    for (int k = 0; k < g->K; k++)
        delta[k] = cellv(out, rq->row, c.cat[k]) - cellv(in, rq->row, c.cat[k]);
    delta[g->K] = cellv(out, rq->row, c.total) - cellv(in, rq->row, c.total);
    for (int r = 0; r < g->n; r++) {
        cr_assert_eq(fp_table_amount(out, (size_t)r, c.adv), fp_table_amount(in, (size_t)r, c.adv),
                     "%s: 已提前下达 of %s changed", what, g->name[r]);
        cr_assert_eq(fp_table_is_blank(out, (size_t)r, c.adv),
                     fp_table_is_blank(in, (size_t)r, c.adv));
        if (is_under(g, r, rq->row))
            continue;
        int anc = is_under(g, rq->row, r);
        for (int k = 0; k <= g->K; k++) {
            size_t col = k < g->K ? c.cat[k] : c.total;
            cr_assert_eq(cellv(out, r, col), cellv(in, r, col) + (anc ? delta[k] : 0),
                         "%s: %s, column %s: %lld, expected %lld", what, g->name[r],
                         fp_table_column_name(out, col), (long long)cellv(out, r, col),
                         (long long)(cellv(in, r, col) + (anc ? delta[k] : 0)));
        }
    }
    for (int k = 0; k < g->K; k++)
        if (!in_set(rq, k))
            cr_assert_eq(delta[k], 0, "%s: category %d moved though not set", what, k + 1);
    if (rq->no_clawback)
        for (int r = 0; r < g->n; r++)
            if (!g->nkids[r])
                cr_assert_geq(cellv(out, r, c.total), cellv(out, r, c.adv),
                              "%s: %s gets %lld below its advance %lld", what, g->name[r],
                              (long long)cellv(out, r, c.total), (long long)cellv(out, r, c.adv));
}

/* A random request on G: a node, a category or the year total, an amount near the current one
 * (sometimes equal, sometimes far). */
static req random_req(const gen *g, int shrink)
{
    req rq;
    memset(&rq, 0, sizeof rq);
    rq.fixed = -1;
    rq.floor_col = -1;
    rq.row = rnd() % 3 == 0 ? 0 : (int)rnd_in(0, g->n - 1);
    rq.col = rnd() % 3 == 0 ? -1 : (int)rnd_in(0, g->K - 1);
    int64_t cur = rq.col < 0 ? gen_total(g, rq.row) : g->v[rq.row][rq.col];
    switch (rnd() % 6) {
    case 0: rq.amount = cur; break;
    case 1: rq.amount = rnd_in(0, 3 * cur + 10); break;
    default:
        rq.amount = shrink ? cur * rnd_in(40, 100) / 100
                           : cur * rnd_in(70, 140) / 100 + rnd_in(0, 3);
        break;
    }
    return rq;
}

static fp_table *load_gen(const gen *g, char **csv)
{
    *csv = gen_csv(g);
    fp_table *t = th_load_text(*csv);
    cr_assert_eq(fp_table_row_count(t), (size_t)g->n);
    cr_assert_eq(check_errors(t), 0, "generated table does not add up:\n%s", *csv);
    return t;
}

/* ------------------------------------------------------------------------------------------ */
/* 1. properties on random tables                                                              */

Test(random_tables, proportional_within_one_unit_exact_sums_deterministic)
{
    rng_state = 20240301;
    int runs = 0, infeasible = 0;
    for (int it = 0; it < 400; it++) {
        gen g;
        gen_random(&g, (int)rnd_in(2, 4), (int)rnd_in(1, 6), it % 2 ? 400 : 40);
        char *csv;
        fp_table *t = load_gen(&g, &csv);
        req rq = random_req(&g, 0);
        model m;
        compute_model(&g, &rq, &m);
        run r = do_realloc(t, &g, &rq, FP_METHOD_CONTROLLED);
        char what[160];
        snprintf(what, sizeof what, "iteration %d (%s:%d=%lld)", it, g.name[rq.row], rq.col,
                 (long long)rq.amount);
        if (!m.feasible) {
            cr_assert_eq(r.e, FP_ERR_INFEASIBLE, "%s: expected infeasible, got %s: %s\n%s", what,
                         fp_strerror(r.e), r.d.message, csv);
            infeasible++;
        } else {
            cr_assert_eq(r.e, FP_OK, "%s: %s: %s\n%s", what, fp_strerror(r.e), r.d.message, csv);
            check_properties(&g, &rq, &m, t, r.out, what);
            /* (e) deterministic */
            run r2 = do_realloc(t, &g, &rq, FP_METHOD_CONTROLLED);
            cr_assert_eq(r2.e, FP_OK);
            size_t l1, l2;
            char *a = table_csv(r.out, &l1), *b = table_csv(r2.out, &l2);
            cr_assert(l1 == l2 && memcmp(a, b, l1) == 0, "%s: two runs differ", what);
            free(a);
            free(b);
            fp_table_free(r2.out);
            runs++;
        }
        fp_table_free(r.out);
        fp_table_free(t);
        free(csv);
    }
    cr_assert_gt(runs, 300);
    cr_log_info("proportional: %d runs checked, %d infeasible requests refused", runs, infeasible);
}

Test(random_tables, set_to_current_value_changes_nothing)
{
    rng_state = 7;
    for (int it = 0; it < 200; it++) {
        gen g;
        gen_random(&g, (int)rnd_in(2, 4), (int)rnd_in(1, 6), 300);
        char *csv;
        fp_table *t = load_gen(&g, &csv);
        req rq = random_req(&g, 0);
        rq.amount = rq.col < 0 ? gen_total(&g, rq.row) : g.v[rq.row][rq.col];
        rq.no_clawback = it % 2;
        run r = do_realloc(t, &g, &rq, it % 3 ? FP_METHOD_CONTROLLED : FP_METHOD_HAMILTON);
        cr_assert_eq(r.e, FP_OK, "iteration %d: %s", it, r.d.message);
        size_t l1, l2;
        char *a = table_csv(t, &l1), *b = table_csv(r.out, &l2);
        cr_assert(l1 == l2 && memcmp(a, b, l1) == 0, "iteration %d: changed:\n%s\n---\n%s", it, a,
                  b);
        free(a);
        free(b);
        fp_table_free(r.out);
        fp_table_free(t);
        free(csv);
    }
}

Test(random_tables, no_clawback_bounded_share)
{
    rng_state = 99;
    int runs = 0, with_held = 0, held_whole = 0;
    for (int it = 0; it < 400; it++) {
        gen g;
        gen_random(&g, (int)rnd_in(2, 4), (int)rnd_in(1, 6), it % 2 ? 300 : 30);
        char *csv;
        fp_table *t = load_gen(&g, &csv);
        req rq = random_req(&g, 1);
        rq.no_clawback = 1;
        if (it % 2) { /* the year total of the top: every category scales, rows held whole */
            rq.row = 0;
            rq.col = -1;
        }
        /* an amount between the least the advances need (or a little less) and the current */
        int64_t cur = rq.col < 0 ? gen_total(&g, rq.row) : g.v[rq.row][rq.col], keep = rq.amount;
        static model m;
        rq.amount = 0;
        compute_model(&g, &rq, &m);
        int64_t least = m.feasible ? 0 : m.shortfall;
        rq.amount = it % 4 == 0 ? keep
                                : rnd_in(least > 2 ? least - 2 : 0, least > cur ? least : cur);
        compute_model(&g, &rq, &m);
        run r = do_realloc(t, &g, &rq, FP_METHOD_CONTROLLED);
        char what[160];
        snprintf(what, sizeof what, "iteration %d (%s:%d=%lld)", it, g.name[rq.row], rq.col,
                 (long long)rq.amount);
        if (!m.feasible) {
            cr_assert_eq(r.e, FP_ERR_INFEASIBLE, "%s: expected infeasible, got %s\n%s", what,
                         fp_strerror(r.e), csv);
        } else {
            cr_assert_eq(r.e, FP_OK, "%s: %s: %s\n%s", what, fp_strerror(r.e), r.d.message, csv);
            check_properties(&g, &rq, &m, t, r.out, what);
            int h = 0;
            for (int l = 0; l < g.n; l++)
                h += m.held[l];
            with_held += h > 0;
            held_whole += h > 1 && rq.col < 0 && g.K > 1;
            runs++;
        }
        fp_table_free(r.out);
        fp_table_free(t);
        free(csv);
    }
    cr_log_info("no-clawback: %d runs, %d with held rows (%d several held, year total)", runs,
                with_held, held_whole);
    cr_assert_gt(with_held, 50, "too few runs with rows held at their advance (%d)", with_held);
    cr_assert_gt(held_whole, 20);
}

/* Many leaves with large, varied amounts, nearly all held at their advance: the denominators of
 * the held rows' splits have no common multiple within 128 bits, so the engine puts them on a
 * fine grid; every figure must still be within one unit of the exact bounded share. */
Test(random_tables, no_clawback_many_held_rows)
{
    rng_state = 2718;
    gen_bushy = 1;
    int runs = 0;
    for (int it = 0; it < 60; it++) {
        static gen g;
        gen_random(&g, 4, (int)rnd_in(2, 6), 20000);
        char *csv;
        fp_table *t = load_gen(&g, &csv);
        static model m;
        req rq;
        memset(&rq, 0, sizeof rq);
        rq.fixed = rq.floor_col = -1;
        rq.col = -1;
        rq.no_clawback = 1;
        rq.amount = 0;
        compute_model(&g, &rq, &m);
        int64_t least = m.shortfall;
        rq.amount = least + rnd_in(0, (gen_total(&g, 0) - least) / 4 + 1);
        compute_model(&g, &rq, &m);
        cr_assert(m.feasible);
        int held = 0;
        for (int l = 0; l < g.n; l++)
            held += m.held[l];
        run r = do_realloc(t, &g, &rq, FP_METHOD_CONTROLLED);
        char what[96];
        snprintf(what, sizeof what, "iteration %d (%d rows held of %d)", it, held, g.n);
        cr_assert_eq(r.e, FP_OK, "%s: %s", what, r.d.message);
        check_properties(&g, &rq, &m, t, r.out, what);
        runs += held > 10;
        fp_table_free(r.out);
        fp_table_free(t);
        free(csv);
    }
    gen_bushy = 0;
    cr_assert_gt(runs, 30);
}

/* All rows of the subtree of TOP: identical amounts and identical CSV lines. */
static void assert_subtree_identical(const gen *g, int top, const fp_table *in,
                                     const fp_table *out, const char *what)
{
    char *a = table_csv(in, NULL), *b = table_csv(out, NULL);
    char *la = a, *lb = b;
    for (int line = -1; line < g->n; line++) { /* line -1: the header */
        char *ea = strchr(la, '\n'), *eb = strchr(lb, '\n');
        cr_assert(ea && eb);
        if (line >= 0 && is_under(g, line, top))
            cr_assert((ea - la) == (eb - lb) && memcmp(la, lb, (size_t)(ea - la)) == 0,
                      "%s: fixed row %s changed: %.*s → %.*s", what, g->name[line],
                      (int)(ea - la), la, (int)(eb - lb), lb);
        la = ea + 1;
        lb = eb + 1;
    }
    free(a);
    free(b);
}

Test(random_tables, fix_keeps_subtree_identical)
{
    rng_state = 4242;
    int runs = 0;
    for (int it = 0; it < 400 && runs < 150; it++) {
        gen g;
        gen_random(&g, (int)rnd_in(3, 4), (int)rnd_in(1, 6), 300);
        req rq = random_req(&g, 0);
        rq.row = 0;
        int cand[MAXR], nc = 0;
        for (int r = 1; r < g.n; r++)
            cand[nc++] = r;
        if (!nc)
            continue;
        rq.fixed = cand[rnd() % (uint64_t)nc];
        int64_t cur = rq.col < 0 ? gen_total(&g, 0) : g.v[0][rq.col];
        rq.amount = cur * rnd_in(70, 140) / 100;
        rq.no_clawback = it % 3 == 0;
        char *csv;
        fp_table *t = load_gen(&g, &csv);
        model m;
        compute_model(&g, &rq, &m);
        run r = do_realloc(t, &g, &rq, FP_METHOD_CONTROLLED);
        char what[160];
        snprintf(what, sizeof what, "iteration %d (fix %s, %d=%lld)", it, g.name[rq.fixed],
                 rq.col, (long long)rq.amount);
        if (!m.feasible) {
            cr_assert_eq(r.e, FP_ERR_INFEASIBLE, "%s: %s", what, fp_strerror(r.e));
        } else {
            cr_assert_eq(r.e, FP_OK, "%s: %s: %s\n%s", what, fp_strerror(r.e), r.d.message, csv);
            check_properties(&g, &rq, &m, t, r.out, what);
            assert_subtree_identical(&g, rq.fixed, t, r.out, what);
            /* a classical method keeps it too */
            run h = do_realloc(t, &g, &rq, it % 2 ? FP_METHOD_HAMILTON : FP_METHOD_WEBSTER);
            cr_assert_eq(h.e, FP_OK, "%s: %s", what, h.d.message);
            cr_assert_eq(check_errors(h.out), 0);
            assert_subtree_identical(&g, rq.fixed, t, h.out, what);
            fp_table_free(h.out);
            runs++;
        }
        fp_table_free(r.out);
        fp_table_free(t);
        free(csv);
    }
    cr_assert_geq(runs, 100);
}

Test(random_tables, min_floor_per_leaf)
{
    rng_state = 31337;
    int runs = 0, raised = 0;
    for (int it = 0; it < 400; it++) {
        gen g;
        gen_random(&g, (int)rnd_in(2, 4), (int)rnd_in(1, 6), 200);
        req rq = random_req(&g, 1);
        rq.row = 0;
        rq.floor_col = rq.col >= 0 ? rq.col : (int)rnd_in(0, g.K - 1);
        rq.floor_amount = rnd_in(1, 12);
        rq.no_clawback = it % 3 == 0;
        /* the least amount the set cells of the top need: per leaf its floor, or what keeps it
         * at its advance, whichever is more */
        int64_t need = 0, weight = 0;
        for (int l = 0; l < g.n; l++) {
            if (g.nkids[l])
                continue;
            int64_t floors = 0, w = 0;
            for (int k = 0; k < g.K; k++)
                if (in_set(&rq, k)) {
                    floors += k == rq.floor_col && g.v[l][k] > 0 ? rq.floor_amount : 0;
                    w += g.v[l][k];
                }
            int64_t b = rq.no_clawback ? g.adv[l] - (gen_total(&g, l) - w) : 0;
            need += b > floors ? b : floors;
            weight += w;
        }
        char *csv;
        fp_table *t = load_gen(&g, &csv);
        run r = do_realloc(t, &g, &rq, FP_METHOD_CONTROLLED);
        if (rq.amount < need || (weight == 0 && rq.amount > 0)) {
            cr_assert_eq(r.e, FP_ERR_INFEASIBLE, "iteration %d: %s", it, fp_strerror(r.e));
        } else {
            cr_assert_eq(r.e, FP_OK, "iteration %d: %s: %s\n%s", it, fp_strerror(r.e),
                         r.d.message, csv);
            colmap c = columns_of(r.out, g.K);
            cr_assert_eq(check_errors(r.out), 0);
            size_t setcol = rq.col >= 0 ? c.cat[rq.col] : c.total;
            cr_assert_eq(cellv(r.out, 0, setcol), rq.amount);
            for (int l = 0; l < g.n; l++)
                if (!g.nkids[l] && g.v[l][rq.floor_col] > 0) {
                    cr_assert_geq(cellv(r.out, l, c.cat[rq.floor_col]), rq.floor_amount,
                                  "iteration %d: %s gets %lld < floor %lld", it, g.name[l],
                                  (long long)cellv(r.out, l, c.cat[rq.floor_col]),
                                  (long long)rq.floor_amount);
                    raised += g.v[l][rq.floor_col] < rq.floor_amount;
                }
            if (rq.no_clawback)
                for (int l = 0; l < g.n; l++)
                    if (!g.nkids[l])
                        cr_assert_geq(cellv(r.out, l, c.total), g.adv[l]);
            if (rq.col >= 0) { /* one column: the floors are bounds of the same model */
                model m;
                compute_model(&g, &rq, &m);
                cr_assert(m.feasible);
                check_properties(&g, &rq, &m, t, r.out, "min");
            }
            runs++;
        }
        fp_table_free(r.out);
        fp_table_free(t);
        free(csv);
    }
    cr_assert_gt(runs, 200);
    cr_assert_gt(raised, 50, "too few cells raised to their floor (%d)", raised);
}

Test(random_tables, classical_methods_exact_sums)
{
    static const fp_method methods[] = {FP_METHOD_HAMILTON, FP_METHOD_JEFFERSON,
                                        FP_METHOD_WEBSTER, FP_METHOD_HUNTINGTON_HILL,
                                        FP_METHOD_ADAMS};
    rng_state = 5150;
    for (int it = 0; it < 150; it++) {
        gen g;
        gen_random(&g, (int)rnd_in(2, 4), (int)rnd_in(1, 6), 300);
        char *csv;
        fp_table *t = load_gen(&g, &csv);
        req rq = random_req(&g, 0);
        rq.no_clawback = it % 2;
        model m;
        compute_model(&g, &rq, &m);
        for (size_t i = 0; i < sizeof methods / sizeof methods[0]; i++) {
            run r = do_realloc(t, &g, &rq, methods[i]);
            if (!m.feasible) {
                cr_assert_eq(r.e, FP_ERR_INFEASIBLE, "%s: %s", fp_method_name(methods[i]),
                             fp_strerror(r.e));
                continue;
            }
            cr_assert_eq(r.e, FP_OK, "iteration %d, %s: %s: %s\n%s", it,
                         fp_method_name(methods[i]), fp_strerror(r.e), r.d.message, csv);
            colmap c = columns_of(r.out, g.K);
            cr_assert_eq(check_errors(r.out), 0);
            size_t setcol = rq.col >= 0 ? c.cat[rq.col] : c.total;
            cr_assert_eq(cellv(r.out, rq.row, setcol), rq.amount);
            for (int l = 0; l < g.n; l++) {
                cr_assert_eq(fp_table_amount(r.out, (size_t)l, c.adv),
                             fp_table_amount(t, (size_t)l, c.adv));
                if (rq.no_clawback && !g.nkids[l])
                    cr_assert_geq(cellv(r.out, l, c.total), cellv(r.out, l, c.adv));
                if (!is_under(&g, l, rq.row) && !is_under(&g, rq.row, l))
                    for (int k = 0; k < g.K; k++)
                        cr_assert_eq(cellv(r.out, l, c.cat[k]), g.v[l][k]);
            }
            fp_table_free(r.out);
        }
        fp_table_free(t);
        free(csv);
    }
}

/* ------------------------------------------------------------------------------------------ */
/* 2. brute force on tiny tables                                                               */

Test(brute_force, controlled_is_an_optimal_controlled_rounding)
{
    rng_state = 1987;
    int checked = 0, with_held = 0;
    for (int it = 0; it < 600; it++) {
        gen g;
        memset(&g, 0, sizeof g);
        g.K = 2;
        /* shape: root with 2–3 leaves, or root → 2 subtotals → 2 leaves each */
        int deep = it % 3 == 2;
        g.n = 1;
        g.parent[0] = -1;
        snprintf(g.name[0], sizeof g.name[0], "总计");
        int mids = deep ? 2 : 0, leaves = deep ? 2 : (int)rnd_in(2, 3);
        for (int i = 0; i < (deep ? mids : 1); i++) {
            int p = 0;
            if (deep) {
                p = g.n++;
                g.parent[p] = 0;
                g.nkids[0]++;
                snprintf(g.name[p], sizeof g.name[p], "单位%d", p);
            }
            for (int j = 0; j < leaves; j++) {
                int l = g.n++;
                g.parent[l] = p;
                g.nkids[p]++;
                snprintf(g.name[l], sizeof g.name[l], "单位%d", l);
                for (int k = 0; k < 2; k++)
                    g.v[l][k] = rnd() % 5 == 0 ? 0 : rnd_in(1, 30);
                g.adv[l] = gen_total(&g, l) * rnd_in(50, 100) / 100;
            }
        }
        gen_sum(&g);
        req rq;
        memset(&rq, 0, sizeof rq);
        rq.fixed = rq.floor_col = -1;
        rq.row = 0;
        rq.col = it % 3 == 0 ? 0 : -1;
        int64_t cur = rq.col < 0 ? gen_total(&g, 0) : g.v[0][0];
        if (cur == 0)
            continue;
        rq.amount = rnd_in(0, 2 * cur + 5);
        rq.no_clawback = it % 2; /* bounds: rows held whole, their own denominators */
        model m;
        if (rq.no_clawback) { /* between the least the advances need and the current amount */
            int64_t keep = rq.amount;
            rq.amount = 0;
            compute_model(&g, &rq, &m);
            int64_t least = m.feasible ? 0 : m.shortfall;
            rq.amount = it % 4 == 1 ? keep : rnd_in(least, least > cur ? least : cur);
        }
        compute_model(&g, &rq, &m);
        if (!m.feasible)
            continue;
        char *csv;
        fp_table *t = load_gen(&g, &csv);
        run r = do_realloc(t, &g, &rq, FP_METHOD_CONTROLLED);
        cr_assert_eq(r.e, FP_OK, "%s", r.d.message);
        colmap c = columns_of(r.out, g.K);
        /* the free cells: leaf cells of the set columns; exact p/Q over one denominator Q */
        i128 Q = 1;
        int cl[16], ck[16], nfree = 0;
        for (int l = 0; l < g.n; l++)
            if (!g.nkids[l])
                for (int k = 0; k < 2; k++)
                    if (in_set(&rq, k)) {
                        i128 a = Q, b = m.q[l][k];
                        while (b) {
                            i128 t0 = a % b;
                            a = b;
                            b = t0;
                        }
                        Q = Q / a * m.q[l][k];
                        cl[nfree] = l;
                        ck[nfree++] = k;
                    }
        i128 P[MAXR][2]; /* exact numerators over Q of every cell, leaves and sums */
        for (int r0 = 0; r0 < g.n; r0++)
            for (int k = 0; k < 2; k++)
                P[r0][k] = 0;
        for (int l = 0; l < g.n; l++)
            if (!g.nkids[l])
                for (int k = 0; k < 2; k++) {
                    i128 pq = m.p[l][k] * (Q / m.q[l][k]);
                    for (int a = l; a >= 0; a = g.parent[a])
                        P[a][k] += pq;
                }
        i128 best = -1, got = -1;
        int nfeasible = 0;
        for (unsigned mask = 0; mask < (1u << nfree); mask++) {
            int64_t x[MAXR][2];
            int skip = 0;
            for (int r0 = 0; r0 < g.n; r0++)
                x[r0][0] = x[r0][1] = 0;
            for (int l = 0; l < g.n; l++)
                if (!g.nkids[l])
                    for (int k = 0; k < 2; k++)
                        if (!in_set(&rq, k))
                            for (int a = l; a >= 0; a = g.parent[a])
                                x[a][k] += g.v[l][k];
            for (int i = 0; i < nfree; i++) {
                i128 p = P[cl[i]][ck[i]];
                int64_t v = (int64_t)(p / Q);
                if (mask >> i & 1) {
                    if (p % Q == 0) {
                        skip = 1;
                        break;
                    }
                    v++;
                }
                for (int a = cl[i]; a >= 0; a = g.parent[a])
                    x[a][ck[i]] += v;
            }
            if (skip)
                continue;
            /* every figure within one unit, and the deviation */
            i128 dev = 0;
            int ok = 1;
            for (int r0 = 0; r0 < g.n && ok; r0++) {
                i128 tp = 0;
                int64_t tx = 0;
                for (int k = 0; k < 2; k++) {
                    i128 d = absdev(x[r0][k], P[r0][k], Q);
                    ok &= d < Q && (P[r0][k] % Q != 0 || d == 0);
                    dev += d;
                    tp += P[r0][k];
                    tx += x[r0][k];
                }
                i128 d = absdev(tx, tp, Q);
                ok &= d < Q && (tp % Q != 0 || d == 0);
                dev += d;
            }
            if (!ok)
                continue;
            nfeasible++;
            if (best < 0 || dev < best)
                best = dev;
            int same = 1;
            for (int r0 = 0; r0 < g.n; r0++)
                for (int k = 0; k < 2; k++)
                    same &= cellv(r.out, r0, c.cat[k]) == x[r0][k];
            if (same)
                got = dev;
        }
        cr_assert_gt(nfeasible, 0);
        int h = 0;
        for (int l = 0; l < g.n; l++)
            h += m.held[l];
        with_held += h > 0 && rq.col < 0;
        cr_assert_geq(got, 0, "iteration %d: the result is not a controlled rounding\n%s", it, csv);
        cr_assert_eq(got, best, "iteration %d: deviation %lld·1/%lld, best %lld·1/%lld\n%s", it,
                     (long long)got, (long long)Q, (long long)best, (long long)Q, csv);
        checked++;
        fp_table_free(r.out);
        fp_table_free(t);
        free(csv);
    }
    cr_assert_gt(checked, 400);
    cr_assert_gt(with_held, 40, "only %d runs with rows held whole", with_held);
}

/* ------------------------------------------------------------------------------------------ */
/* 3. end to end on the bundled table                                                          */

static req bundled_req(const fp_table *t, const char *unit, int col, int64_t amount)
{
    req rq;
    memset(&rq, 0, sizeof rq);
    rq.row = (int)th_row(t, unit);
    rq.col = col;
    rq.amount = amount;
    rq.fixed = rq.floor_col = -1;
    return rq;
}

/* exact share of V scaled by NUM/DEN: checked within one unit */
static void assert_share(int64_t x, int64_t v, int64_t num, int64_t den, const char *who)
{
    i128 p = (i128)v * num, fl = p / den;
    int whole = p % den == 0;
    cr_assert(whole ? x == fl : (x == fl || x == fl + 1),
              "%s: %lld, exact %lld·%lld/%lld = %lld + %lld/%lld", who, (long long)x,
              (long long)v, (long long)num, (long long)den, (long long)fl,
              (long long)(p % den), (long long)den);
}

Test(bundled, basic_public_health_to_27000)
{
    fp_table *t = th_load_bundled();
    gen g;
    gen_from_table(&g, t);
    for (int pass = 0; pass < 2; pass++) {
        req rq = bundled_req(t, pass ? "地州合计" : "总计", 0, 27000);
        model m;
        compute_model(&g, &rq, &m);
        cr_assert(m.feasible);
        run r = do_realloc(t, &g, &rq, FP_METHOD_CONTROLLED);
        cr_assert_eq(r.e, FP_OK, "%s", r.d.message);
        check_properties(&g, &rq, &m, t, r.out, "bundled 27000");
        size_t col = th_col(t, COL_BASIC), tot = th_col(t, COL_TOTAL);
        static const char *named[] = {"喀什市", "莎车县", "天山区", "伊宁市", "和田市",
                                      "乌尔禾区", "喀什地区", "乌鲁木齐市"};
        for (size_t i = 0; i < sizeof named / sizeof named[0]; i++) {
            size_t row = th_row(t, named[i]);
            assert_share(cellv(r.out, (int)row, col), cellv(t, (int)row, col), 27000, 26455,
                         named[i]);
        }
        /* the figures themselves, as computed and checked above */
        cr_assert_eq(cellv(r.out, (int)th_row(t, "喀什市"), col), 1345);   /* 1345.15 */
        cr_assert_eq(cellv(r.out, (int)th_row(t, "莎车县"), col), 1479);   /* 1478.85 */
        cr_assert_eq(cellv(r.out, (int)th_row(t, "天山区"), col), 323);    /* 322.51 */
        cr_assert_eq(cellv(r.out, (int)th_row(t, "喀什地区"), col), 7726); /* 7725.94 */
        cr_assert_eq(cellv(r.out, (int)th_row(t, "总计"), col), 27000);
        cr_assert_eq(cellv(r.out, (int)th_row(t, "地州合计"), col), 27000);
        cr_assert_eq(cellv(r.out, (int)th_row(t, "总计"), tot), 29805);
        fp_table_free(r.out);
    }
    fp_table_free(t);
}

/* half away from zero of p/q, p ≥ 0 */
static int64_t round_half_up(i128 p, i128 q) { return (int64_t)((2 * p + q) / (2 * q)); }

Test(bundled, naive_per_cell_rounding_breaks_subtotals)
{
    fp_table *t = th_load_bundled();
    size_t col = th_col(t, COL_BASIC);
    size_t n = fp_table_row_count(t);
    int64_t x[MAXR];
    cr_assert_leq(n, (size_t)MAXR);
    for (size_t r = 0; r < n; r++)
        x[r] = round_half_up((i128)cellv(t, (int)r, col) * 27000, 26455);
    int subtotals = 0, broken = 0;
    for (size_t r = 0; r < n; r++) {
        if (fp_table_first_child(t, r) == FP_NONE)
            continue;
        subtotals++;
        int64_t s = 0;
        for (size_t c = fp_table_first_child(t, r); c != FP_NONE; c = fp_table_next_sibling(t, c))
            s += x[c];
        broken += s != x[r];
    }
    cr_assert_eq(subtotals, 17);
    cr_log_info("naive rounding of %s to 27000 breaks %d of %d subtotals", COL_BASIC, broken,
                subtotals);
    cr_assert_eq(broken, 5);
    fp_table_free(t);
}

Test(bundled, year_total_30000_no_clawback)
{
    fp_table *t = th_load_bundled();
    gen g;
    gen_from_table(&g, t);
    req rq = bundled_req(t, "总计", -1, 30000);
    rq.no_clawback = 1;
    model m;
    compute_model(&g, &rq, &m);
    cr_assert(m.feasible);
    run r = do_realloc(t, &g, &rq, FP_METHOD_CONTROLLED);
    cr_assert_eq(r.e, FP_OK, "%s", r.d.message);
    check_properties(&g, &rq, &m, t, r.out, "bundled 30000 no-clawback");
    size_t tot = th_col(t, COL_TOTAL), batch = th_col(t, COL_BATCH);
    for (size_t l = 0; l < fp_table_row_count(t); l++)
        cr_assert_geq(fp_table_amount(r.out, l, batch), 0, "%s", fp_table_row_name(t, l));
    assert_share(cellv(r.out, (int)th_row(t, "喀什市"), tot), 1330, 30000, 29260, "喀什市");
    cr_assert_eq(cellv(r.out, 0, tot), 30000);
    fp_table_free(r.out);

    /* and down to 28000: rows whose advance is more than the scaled amount are held there */
    rq.amount = 28000;
    compute_model(&g, &rq, &m);
    cr_assert(m.feasible);
    int held = 0;
    for (int l = 0; l < g.n; l++)
        held += m.held[l];
    cr_assert_gt(held, 0);
    r = do_realloc(t, &g, &rq, FP_METHOD_CONTROLLED);
    cr_assert_eq(r.e, FP_OK, "%s", r.d.message);
    check_properties(&g, &rq, &m, t, r.out, "bundled 28000 no-clawback");
    fp_table_free(r.out);
    fp_table_free(t);
}

/* Near the least amount nearly every county is held at its advance, and the exact common
 * denominator of their splits passes 128 bits (the engine puts those splits on a fine grid):
 * every figure is still within one unit of the exact bounded share. */
Test(bundled, year_total_25950_no_clawback_most_rows_held)
{
    fp_table *t = th_load_bundled();
    static gen g;
    gen_from_table(&g, t);
    req rq = bundled_req(t, "总计", -1, 25950); /* Σ 已提前下达 = 25933 */
    rq.no_clawback = 1;
    static model m;
    compute_model(&g, &rq, &m);
    cr_assert(m.feasible);
    int held = 0;
    for (int l = 0; l < g.n; l++)
        held += m.held[l];
    cr_assert_gt(held, 80);
    run r = do_realloc(t, &g, &rq, FP_METHOD_CONTROLLED);
    cr_assert_eq(r.e, FP_OK, "%s", r.d.message);
    check_properties(&g, &rq, &m, t, r.out, "bundled 25950 no-clawback");
    fp_table_free(r.out);
    fp_table_free(t);
}

Test(bundled, fix_region_level_units_year_total_28000)
{
    fp_table *t = th_load_bundled();
    gen g;
    gen_from_table(&g, t);
    req rq = bundled_req(t, "总计", -1, 28000);
    rq.fixed = (int)th_row(t, "自治区本级合计");
    model m;
    compute_model(&g, &rq, &m);
    cr_assert(m.feasible);
    run r = do_realloc(t, &g, &rq, FP_METHOD_CONTROLLED);
    cr_assert_eq(r.e, FP_OK, "%s", r.d.message);
    check_properties(&g, &rq, &m, t, r.out, "bundled fix");
    assert_subtree_identical(&g, rq.fixed, t, r.out, "bundled fix");
    static const char *units[] = {"自治区卫生健康委", "自治区人民医院", "自治区第一济困医院",
                                  "自治区第二济困医院"};
    for (size_t i = 0; i < 4; i++) {
        size_t row = th_row(t, units[i]);
        for (size_t c = 0; c < fp_table_column_count(t); c++)
            if (fp_table_column_is_amount(t, c))
                cr_assert_eq(fp_table_amount(r.out, row, c), fp_table_amount(t, row, c), "%s",
                             units[i]);
    }
    size_t tot = th_col(t, COL_TOTAL);
    cr_assert_eq(cellv(r.out, 0, tot), 28000);
    cr_assert_eq(cellv(r.out, (int)th_row(t, "地州合计"), tot), 28000 - 2185);
    fp_table_free(r.out);
    fp_table_free(t);
}

Test(bundled, two_targets_on_separate_units)
{
    fp_table *t = th_load_bundled();
    fp_realloc_options o;
    fp_realloc_options_init(&o);
    fp_realloc_target tg[2] = {{"喀什地区", COL_BASIC, 8000 * SC}, {"和田地区", COL_TOTAL, 4500 * SC}};
    o.targets = tg;
    o.target_count = 2;
    fp_table *out = NULL;
    fp_diag d;
    cr_assert_eq(fp_realloc(t, &o, &out, &d), FP_OK, "%s", d.message);
    cr_assert_eq(check_errors(out), 0);
    size_t basic = th_col(t, COL_BASIC), tot = th_col(t, COL_TOTAL);
    size_t kashi = th_row(t, "喀什地区"), hotan = th_row(t, "和田地区");
    cr_assert_eq(cellv(out, (int)kashi, basic), 8000);
    cr_assert_eq(cellv(out, (int)hotan, tot), 4500);
    assert_share(cellv(out, (int)th_row(t, "喀什市"), basic), 1318, 8000, 7570, "喀什市");
    assert_share(cellv(out, (int)th_row(t, "莎车县"), basic), 1449, 8000, 7570, "莎车县");
    assert_share(cellv(out, (int)th_row(t, "和田市"), tot), 854, 4500, 4167, "和田市");
    assert_share(cellv(out, (int)th_row(t, "和田市"), basic), 848, 4500, 4167, "和田市 原基本");
    assert_share(cellv(out, (int)hotan, basic), 4132, 4500, 4167, "和田地区 原基本");
    int64_t hotan_basic = cellv(out, (int)hotan, basic);
    cr_assert_eq(cellv(out, 0, basic), 26455 - 7570 + 8000 - 4132 + hotan_basic);
    cr_assert_eq(cellv(out, 0, tot), 29260 + (8000 - 7570) + (4500 - 4167));
    /* a third unit between them is untouched */
    size_t aksu = th_row(t, "阿克苏地区");
    for (size_t c = 0; c < fp_table_column_count(t); c++)
        if (fp_table_column_is_amount(t, c))
            cr_assert_eq(fp_table_amount(out, aksu, c), fp_table_amount(t, aksu, c));
    fp_table_free(out);
    fp_table_free(t);
}

Test(bundled, hundredths_of_a_unit)
{
    fp_table *t = th_load_bundled();
    fp_realloc_options o;
    fp_realloc_options_init(&o);
    o.unit = SC / 100;
    fp_realloc_target tg = {"总计", COL_BASIC, 27000 * SC + SC / 2}; /* 27000.5 */
    o.targets = &tg;
    o.target_count = 1;
    fp_table *out = NULL;
    fp_diag d;
    cr_assert_eq(fp_realloc(t, &o, &out, &d), FP_OK, "%s", d.message);
    cr_assert_eq(check_errors(out), 0);
    size_t basic = th_col(t, COL_BASIC);
    cr_assert_eq(fp_table_amount(out, 0, basic), 27000 * SC + SC / 2);
    for (size_t r = 0; r < fp_table_row_count(t); r++) {
        /* in hundredths: exact v·2700050/26455, within one hundredth */
        fp_amount x = fp_table_amount(out, r, basic);
        cr_assert_eq(x % (SC / 100), 0);
        i128 p = (i128)(fp_table_amount(t, r, basic) / (SC / 100)) * 2700050, q = 2645500;
        i128 fl = p / q, xv = x / (SC / 100);
        cr_assert(p % q == 0 ? xv == fl : (xv == fl || xv == fl + 1), "%s",
                  fp_table_row_name(t, r));
    }
    fp_table_free(out);
    fp_table_free(t);
}

/* A row already below its advance (此次下达 < 0, legal) with nothing to scale under the top:
 * --no-clawback must still hold it at its advance, or refuse. */
Test(no_clawback, zero_weight_rows_are_held_at_their_advance)
{
    fp_table *t = th_load_text("级次,单位,类别1,类别2," COL_TOTAL "," COL_ADV "," COL_BATCH "\n"
                               "0,总计,0,0,0,5,-5\n"
                               "1,甲,0,0,0,5,-5\n"
                               "1,乙,0,0,0,0,0\n");
    fp_realloc_options o;
    fp_realloc_options_init(&o);
    o.no_clawback = 1;
    fp_realloc_target tg = {"总计", COL_TOTAL, 0};
    o.targets = &tg;
    o.target_count = 1;
    fp_table *out = NULL;
    fp_diag d;
    cr_assert_eq(fp_realloc(t, &o, &out, &d), FP_ERR_INFEASIBLE, "%s", d.message);
    cr_assert_null(out);
    cr_assert(strstr(d.message, "falls short by 5"), "%s", d.message);
    /* 5 would hold it, but it has no category to put the 5 in */
    tg.amount = 5 * SC;
    cr_assert_eq(fp_realloc(t, &o, &out, &d), FP_ERR_INFEASIBLE, "%s", d.message);
    cr_assert(strstr(d.message, "甲 must get at least 5"), "%s", d.message);
    fp_table_free(t);

    /* with one category set, the bound is the cell itself */
    t = th_load_text("级次,单位,类别1,类别2," COL_TOTAL "," COL_ADV "," COL_BATCH "\n"
                     "0,总计,0,3,3,8,-5\n"
                     "1,甲,0,0,0,5,-5\n"
                     "1,乙,0,3,3,3,0\n");
    fp_realloc_target tc = {"总计", "类别1", 0};
    o.targets = &tc;
    cr_assert_eq(fp_realloc(t, &o, &out, &d), FP_ERR_INFEASIBLE, "%s", d.message);
    cr_assert(strstr(d.message, "falls short by 5"), "%s", d.message);
    tc.amount = 5 * SC;
    cr_assert_eq(fp_realloc(t, &o, &out, &d), FP_OK, "%s", d.message);
    size_t c1 = th_col(t, "类别1"), batch = th_col(t, COL_BATCH);
    cr_assert_eq(fp_table_amount(out, th_row(t, "甲"), c1), 5 * SC);
    cr_assert_eq(fp_table_amount(out, th_row(t, "甲"), batch), 0);
    cr_assert_eq(fp_table_amount(out, th_row(t, "乙"), c1), 0);
    cr_assert_eq(check_errors(out), 0);
    fp_table_free(out);
    fp_table_free(t);
}

/* ------------------------------------------------------------------------------------------ */
/* through the program                                                                         */

static int exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

Test(cli, basic_public_health_27000_bytes_and_diff)
{
    char *out = th_out_path("realloc-27000.csv"), *diff = th_out_path("realloc-27000-diff.csv");
    const char *argv[] = {FENPEI_BIN, "realloc", TH_BUNDLED, "--set", "总计:" COL_BASIC "=27000",
                          "-o", out, "--diff", diff, NULL};
    th_run r = th_run_argv(argv);
    cr_assert_eq(r.status, 0, "%s", r.err);
    size_t n1, n2;
    char *got = th_read_file(out, &n1);
    char *want = th_read_file(TH_EXPECTED_DIR "/realloc-27000.csv", &n2);
    cr_assert_not_null(got);
    cr_assert_not_null(want);
    cr_assert(n1 == n2 && memcmp(got, want, n1) == 0, "output differs from the expected file");
    char *d = th_read_file(diff, NULL);
    cr_assert_not_null(d);
    cr_assert(strstr(d, "喀什市,总计/地州合计/喀什地区/喀什市," COL_BASIC ",1318,1345,27,2.05%\n"),
              "%s", d);
    cr_assert(strstr(r.out, "26455 → 27000"), "%s", r.out);
    free(got);
    free(want);
    free(d);
    th_run_free(&r);
    free(out);
    free(diff);
}

/* Run realloc with ARGS (after "realloc"); expect exit status 2, no output file, and NEEDLE in
 * the message. */
static void expect_refused(const char *const *args, const char *out, const char *needle)
{
    const char *argv[32];
    size_t n = 0;
    argv[n++] = FENPEI_BIN;
    argv[n++] = "realloc";
    for (size_t i = 0; args[i]; i++)
        argv[n++] = args[i];
    argv[n] = NULL;
    th_run r = th_run_argv(argv);
    cr_assert_eq(r.status, 2, "status %d for %s: %s", r.status, needle, r.err);
    if (out)
        cr_assert(!exists(out), "%s was written though the run failed", out);
    cr_assert(strstr(r.err, needle), "expected \"%s\" in: %s", needle, r.err);
    cr_assert_eq(r.outlen, 0, "stdout: %s", r.out);
    th_run_free(&r);
}

Test(cli, errors_exit_2_without_output)
{
    char *out = th_out_path("refused.csv"), *diff = th_out_path("refused-diff.csv");
    {
        const char *a[] = {TH_BUNDLED, "--set", "不存在县:" COL_BASIC "=10", "-o", out, NULL};
        expect_refused(a, out, "不存在县");
    }
    {
        const char *a[] = {TH_BUNDLED, "--set", "喀什市:不存在的列=10", "-o", out, NULL};
        expect_refused(a, out, "不存在的列");
    }
    {
        const char *a[] = {TH_BUNDLED, "--set", "喀什市:" COL_ADV "=10", "-o", out, NULL};
        expect_refused(a, out, COL_ADV);
    }
    {
        const char *a[] = {TH_BUNDLED, "--set", "喀什市:" COL_BATCH "=10", "-o", out, NULL};
        expect_refused(a, out, COL_BATCH);
    }
    {
        /* a parent set below its set child: both named, with the gap */
        const char *a[] = {TH_BUNDLED, "--set", "总计:" COL_BASIC "=27000", "--set",
                           "喀什地区:" COL_BASIC "=30000", "-o", out, "--diff", diff, NULL};
        expect_refused(a, out, "--set 总计:" COL_BASIC "=27000 is below --set 喀什地区:" COL_BASIC
                               "=30000 inside it, by 3000");
        expect_refused(a, diff, "喀什地区:" COL_BASIC);
    }
    {
        /* a column set above its year total's set */
        const char *a[] = {TH_BUNDLED, "--set", "喀什地区:" COL_TOTAL "=5000", "--set",
                           "喀什市:" COL_BASIC "=6000", "-o", out, NULL};
        expect_refused(a, out, "--set 喀什地区:" COL_TOTAL "=5000 is below --set 喀什市:" COL_BASIC
                               "=6000 inside it, by 1000");
    }
    {
        /* a floor that counties outside the reallocated column do not meet (达坂城区 has 2) */
        const char *a[] = {TH_BUNDLED, "--set", "总计:" COL_BASIC "=27000", "--min",
                           COL_ELDER "=3", "-o", out, NULL};
        expect_refused(a, out, "--min " COL_ELDER "=3");
    }
    {
        /* the amount given is negative */
        const char *a[] = {TH_BUNDLED, "--set", "总计:" COL_BASIC "=-5", "-o", out, NULL};
        expect_refused(a, out, "negative");
    }
    {
        /* Σ 已提前下达 = 25933: a year total of 20000 falls short by 5933 */
        const char *a[] = {TH_BUNDLED, "--set", "总计:" COL_TOTAL "=20000", "--no-clawback", "-o",
                           out, NULL};
        expect_refused(a, out, "5933");
    }
    {
        /* 原基本公共卫生项目 to 20000 over the 地州: the other categories (500 + 120 = 620 in
         * 地州合计, held where they are) and the advances 23958 need 23958 − 620 = 23338 of it
         * at least, where 原基本 is positive or the row is short: computed per county below */
        fp_table *t = th_load_bundled();
        size_t col = th_col(t, COL_BASIC), tot = th_col(t, COL_TOTAL), adv = th_col(t, COL_ADV);
        int64_t need = 0;
        size_t top = th_row(t, "地州合计");
        for (size_t r = 0; r < fp_table_row_count(t); r++) {
            if (fp_table_first_child(t, r) != FP_NONE)
                continue;
            int under = 0;
            for (size_t x = r; x != FP_NONE; x = fp_table_parent(t, x))
                under |= x == top;
            if (!under)
                continue;
            int64_t b = cellv(t, (int)r, adv) - (cellv(t, (int)r, tot) - cellv(t, (int)r, col));
            need += b > 0 ? b : 0;
        }
        fp_table_free(t);
        char msg[64], set[96];
        snprintf(msg, sizeof msg, "falls short by %lld", (long long)(need - 20000));
        snprintf(set, sizeof set, "地州合计:%s=20000", COL_BASIC);
        const char *a[] = {TH_BUNDLED, "--set", set, "--no-clawback", "-o", out, NULL};
        expect_refused(a, out, msg);
    }
    free(out);
    free(diff);
}

Test(cli, ambiguous_name)
{
    char *in = th_write_tmp_text("ambiguous.csv",
                                 "级次,单位,类别1,类别2," COL_TOTAL "," COL_ADV "," COL_BATCH "\n"
                                 "0,总计,30,6,36,30,6\n"
                                 "1,甲市,10,2,12,10,2\n"
                                 "2,城区,10,2,12,10,2\n"
                                 "1,乙市,20,4,24,20,4\n"
                                 "2,城区,20,4,24,20,4\n");
    char *out = th_out_path("ambiguous-out.csv");
    const char *a[] = {in, "--set", "城区:类别1=12", "-o", out, NULL};
    expect_refused(a, out, "城区");
    /* the path it suggests resolves */
    const char *argv[] = {FENPEI_BIN, "realloc", in, "--set", "城区:类别1=12", "-o", out, NULL};
    th_run r = th_run_argv(argv);
    cr_assert(strstr(r.err, "总计/甲市/城区"), "%s", r.err);
    th_run_free(&r);
    const char *ok[] = {FENPEI_BIN, "realloc", in, "--set", "总计/乙市/城区:类别1=22", "-o", out,
                        NULL};
    r = th_run_argv(ok);
    cr_assert_eq(r.status, 0, "%s", r.err);
    char *got = th_read_file(out, NULL);
    cr_assert_str_eq(got, "级次,单位,类别1,类别2," COL_TOTAL "," COL_ADV "," COL_BATCH "\n"
                          "0,总计,32,6,38,30,8\n"
                          "1,甲市,10,2,12,10,2\n"
                          "2,城区,10,2,12,10,2\n"
                          "1,乙市,22,4,26,20,6\n"
                          "2,城区,22,4,26,20,6\n");
    free(got);
    th_run_free(&r);
    free(in);
    free(out);
}

Test(cli, diff_is_valid_csv_with_commas_in_names)
{
    char *in = th_write_tmp_text("comma.csv",
                                 "级次,单位,类别1,类别2," COL_TOTAL "," COL_ADV "," COL_BATCH "\n"
                                 "0,总计,30,6,36,30,6\n"
                                 "1,\"甲市,城区\",10,2,12,10,2\n"
                                 "1,乙市,20,4,24,20,4\n");
    char *out = th_out_path("comma-out.csv"), *diff = th_out_path("comma-diff.csv");
    const char *argv[] = {FENPEI_BIN, "realloc", in, "--set", "总计:类别1=33", "-o", out,
                          "--diff", diff, NULL};
    th_run r = th_run_argv(argv);
    cr_assert_eq(r.status, 0, "%s", r.err);
    char *got = th_read_file(diff, NULL);
    cr_assert_not_null(got);
    cr_assert_str_eq(got, "行号,单位,路径,列,原值,新值,变动,变动率\n"
                          "2,总计,总计,类别1,30,33,3,10.00%\n"
                          "2,总计,总计," COL_TOTAL ",36,39,3,8.33%\n"
                          "2,总计,总计," COL_BATCH ",6,9,3,50.00%\n"
                          "3,\"甲市,城区\",\"总计/甲市,城区\",类别1,10,11,1,10.00%\n"
                          "3,\"甲市,城区\",\"总计/甲市,城区\"," COL_TOTAL ",12,13,1,8.33%\n"
                          "3,\"甲市,城区\",\"总计/甲市,城区\"," COL_BATCH ",2,3,1,50.00%\n"
                          "4,乙市,总计/乙市,类别1,20,22,2,10.00%\n"
                          "4,乙市,总计/乙市," COL_TOTAL ",24,26,2,8.33%\n"
                          "4,乙市,总计/乙市," COL_BATCH ",4,6,2,50.00%\n");
    free(got);
    th_run_free(&r);
    free(in);
    free(out);
    free(diff);
}

Test(cli, existing_output_and_input_are_never_overwritten)
{
    char *out = th_out_path("exists.csv"), *diff = th_out_path("exists-diff.csv");
    char *keep = th_write_tmp_text("exists.csv", "do not touch\n");
    const char *a[] = {FENPEI_BIN, "realloc", TH_BUNDLED, "--set", "总计:" COL_BASIC "=27000",
                       "-o", out, NULL};
    th_run r = th_run_argv(a);
    cr_assert_eq(r.status, 2);
    cr_assert(strstr(r.err, "--force"), "%s", r.err);
    char *now = th_read_file(out, NULL);
    cr_assert_str_eq(now, "do not touch\n");
    free(now);
    th_run_free(&r);

    /* an existing --diff file: neither file is written */
    char *other = th_out_path("exists-new.csv");
    char *dkeep = th_write_tmp_text("exists-diff.csv", "diff kept\n");
    const char *b[] = {FENPEI_BIN, "realloc", TH_BUNDLED, "--set", "总计:" COL_BASIC "=27000",
                       "-o", other, "--diff", diff, NULL};
    r = th_run_argv(b);
    cr_assert_eq(r.status, 2);
    cr_assert(!exists(other), "the table was written though the diff could not be");
    now = th_read_file(diff, NULL);
    cr_assert_str_eq(now, "diff kept\n");
    free(now);
    th_run_free(&r);

    /* with --force it is replaced */
    const char *c[] = {FENPEI_BIN, "realloc", TH_BUNDLED, "--set", "总计:" COL_BASIC "=27000",
                       "-o", out, "--force", NULL};
    r = th_run_argv(c);
    cr_assert_eq(r.status, 0, "%s", r.err);
    th_run_free(&r);

    /* -o naming the input, even with --force */
    size_t len;
    char *orig = th_read_file(TH_BUNDLED, &len);
    char *in = th_write_tmp("input-copy.csv", orig, len);
    const char *d[] = {FENPEI_BIN, "realloc", in, "--set", "总计:" COL_BASIC "=27000", "-o", in,
                       "--force", NULL};
    r = th_run_argv(d);
    cr_assert_eq(r.status, 2);
    cr_assert(strstr(r.err, "input"), "%s", r.err);
    size_t len2;
    char *after = th_read_file(in, &len2);
    cr_assert(len == len2 && memcmp(orig, after, len) == 0, "the input was changed");
    th_run_free(&r);
    free(after);
    free(orig);
    free(in);
    free(out);
    free(diff);
    free(other);
    free(keep);
    free(dkeep);
}

/* The summary's statistics (GSL) describe the leaf rows' % change of the year total. */
Test(stats, change_statistics_of_the_leaf_rows)
{
    fp_table *t = th_load_bundled();
    fp_realloc_options o;
    fp_realloc_options_init(&o);
    fp_realloc_target tg = {"总计", "全年应拨付资金合计", 30000 * FP_AMOUNT_SCALE};
    o.targets = &tg;
    o.target_count = 1;
    o.no_clawback = 1;
    fp_table *n = NULL;
    fp_diag d;
    cr_assert_eq(fp_realloc(t, &o, &n, &d), FP_OK, "%s", d.message);
    size_t col = fp_table_role_column(t, FP_ROLE_TOTAL);
    fp_change_stats st;
    cr_assert_eq(fp_change_stats_compute(t, n, col, &st), FP_OK);
    /* independently: every leaf row with a year total, its % change */
    size_t rows = 0, lo = FP_NONE, hi = FP_NONE;
    double sum = 0, mn = 1e300, mx = -1e300;
    for (size_t r = 0; r < fp_table_row_count(t); r++) {
        fp_amount a = fp_table_amount(t, r, col);
        if (fp_table_first_child(t, r) != FP_NONE || a == 0)
            continue;
        double p = 100.0 * (double)(fp_table_amount(n, r, col) - a) / (double)a;
        rows++;
        sum += p;
        if (p < mn)
            mn = p, lo = r;
        if (p > mx)
            mx = p, hi = r;
    }
    cr_assert_eq(st.rows, rows);
    cr_assert_eq(rows, 102);
    cr_assert_float_eq(st.mean_pct, sum / (double)rows, 1e-9);
    cr_assert_eq(st.min_row, lo);
    cr_assert_eq(st.max_row, hi);
    cr_assert_str_eq(fp_table_row_name(t, st.max_row), "达坂城区"); /* 19 → 20 */
    cr_assert_float_eq(st.max_pct, 100.0 / 19.0, 1e-9);
    cr_assert(st.sd_pct > 0);
    /* a text column or tables of other shapes are refused */
    cr_assert_eq(fp_change_stats_compute(t, n, fp_table_find_column(t, "单位"), &st),
                 FP_ERR_ARGUMENT);
    fp_table_free(n);
    fp_table_free(t);
}

/* All or nothing: when one output cannot be written, none is touched — even with --force. */
Test(cli, a_failing_output_leaves_every_other_file_as_it_was)
{
    char *dir = th_tmp_dir("realloc-all-or-nothing");
    char out[512], diff[512];
    snprintf(out, sizeof out, "%s/out.csv", dir);
    snprintf(diff, sizeof diff, "%s/nowhere/diff.csv", dir);
    FILE *f = fopen(out, "w");
    fputs("old\n", f);
    fclose(f);
    const char *argv[] = {FENPEI_BIN, "realloc",
                          FENPEI_SOURCE_DIR "/allocations/xinjiang-2024-basic-public-health-batch2.csv",
                          "--set", "总计:原基本公共卫生项目=27000", "-o", out, "--diff", diff,
                          "--force", NULL};
    th_run r = th_run_argv(argv);
    cr_assert_eq(r.status, 2);
    cr_assert_str_eq(r.out, "");
    size_t len;
    char *kept = th_read_file(out, &len);
    cr_assert_str_eq(kept, "old\n");
    free(kept);
    th_run_free(&r);
    free(dir);
}

/* New amounts beyond the range of fp_amount are refused, naming the --set. */
Test(cli, amounts_beyond_the_range_are_refused)
{
    char *path = th_write_tmp_text("realloc-huge.csv",
                                   "级次,单位,A,B,合计\n"
                                   "0,总计,9000000000000,200000000000,9200000000000\n"
                                   "1,甲,4500000000000,100000000000,4600000000000\n"
                                   "1,乙,4500000000000,100000000000,4600000000000\n");
    fp_table *t = NULL;
    fp_diag d;
    cr_assert_eq(fp_table_load_file(path, NULL, &t, &d), FP_OK, "%s", d.message);
    fp_realloc_options o;
    fp_realloc_options_init(&o);
    fp_realloc_target tg = {"总计", "A", INT64_C(9100000000000) * FP_AMOUNT_SCALE};
    o.targets = &tg;
    o.target_count = 1;
    fp_table *n = NULL;
    cr_assert_eq(fp_realloc(t, &o, &n, &d), FP_ERR_AMOUNT_OVERFLOW);
    cr_assert_null(n);
    cr_assert_not_null(strstr(d.message, "--set 总计:A"), "%s", d.message);
    fp_table_free(t);
    free(path);
}

/* --diff and the summary print the same exact percentage, whatever the magnitudes (a change from
 * 0.000001 to 10000000000 once printed 77662796314522319.20% in the diff, another figure in the
 * summary). */
Test(cli, percentages_exact_in_diff_and_summary)
{
    char *in = th_write_tmp_text("tiny.csv", "级次,单位," COL_TOTAL "\n"
                                             "0,总计,0.000002\n"
                                             "1,甲,0.000001\n"
                                             "1,乙,0.000001\n");
    char *out = th_out_path("tiny-out.csv"), *diff = th_out_path("tiny-diff.csv");
    const char *argv[] = {FENPEI_BIN, "realloc", in,      "--set", "甲:" COL_TOTAL "=10000000000",
                          "--unit",   "0.000001", "-o",   out,     "--diff",
                          diff,       NULL};
    th_run r = th_run_argv(argv);
    cr_assert_eq(r.status, 0, "%s", r.err);
    char *got = th_read_file(diff, NULL);
    cr_assert_str_eq(got, "行号,单位,路径,列,原值,新值,变动,变动率\n"
                          "2,总计,总计," COL_TOTAL ",0.000002,10000000000.000001,9999999999.999999,"
                          "499999999999999950.00%\n"
                          "3,甲,总计/甲," COL_TOTAL ",0.000001,10000000000,9999999999.999999,"
                          "999999999999999900.00%\n");
    cr_assert(strstr(r.out, "最高 +999999999999999900.00%（甲）"), "%s", r.out);
    free(got);
    th_run_free(&r);
    free(in);
    free(out);
    free(diff);
}

/* A chain 100,000 levels deep: realloc and the CSV it writes walk the tree once (walking up from
 * every row made this quadratic: 12 s). The result: every row of the chain moves with its one
 * leaf. */
Test(pathological, deep_chain)
{
    size_t n = 100000, cap = n * 40 + 64, len = 0;
    char *text = malloc(cap);
    len += (size_t)snprintf(text + len, cap - len, "级次,单位,甲,乙," COL_TOTAL "\n");
    for (size_t i = 0; i < n; i++)
        len += (size_t)snprintf(text + len, cap - len, "%zu,U%zu,3,4,7\n", i, i);
    fp_table *t = th_load_text(text);
    fp_realloc_options o;
    fp_realloc_options_init(&o);
    fp_realloc_target tg = {"U0", "甲", 5 * SC};
    o.targets = &tg;
    o.target_count = 1;
    fp_table *out = NULL;
    fp_diag d;
    cr_assert_eq(fp_realloc(t, &o, &out, &d), FP_OK, "%s", d.message);
    char *buf = NULL;
    size_t blen = 0;
    FILE *f = open_memstream(&buf, &blen);
    cr_assert_eq(fp_table_write_csv(out, f, -1, &d), FP_OK);
    fclose(f);
    char want[64];
    snprintf(want, sizeof want, "\n%zu,U%zu,5,4,9\n", n - 1, n - 1);
    cr_assert(strstr(buf, want), "the deepest row");
    cr_assert(strstr(buf, "\n0,U0,5,4,9\n"));
    free(buf);
    free(text);
    fp_table_free(out);
    fp_table_free(t);
}
