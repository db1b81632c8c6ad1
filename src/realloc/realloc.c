/* realloc/realloc.c — what-if reallocation: spread new totals over a subtree in whole units.
 *
 * For each --set the exact target is the bounded proportional solution (every free leaf scaled
 * by one common rational factor f = fnum/fden, leaves at a bound held there), computed exactly in
 * 128-bit integers. The targets are then rounded to whole units — jointly by controlled rounding
 * (round/controlled.c) or level by level by a classical method (round/apportion.c) — written to
 * the leaves, and every subtotal, year total and 此次下达 is recomputed from them. The result is
 * checked with fp_check before it is returned. */
#include <gsl/gsl_errno.h>
#include <gsl/gsl_statistics_double.h>
#include <stdlib.h>
#include <string.h>

#include "fenpei/check.h"
#include "fenpei/realloc.h"
#include "round/controlled.h"
#include "round/rational.h"
#include "core/table_impl.h"
#include "util/buf.h"

typedef __int128 i128;

void fp_realloc_options_init(fp_realloc_options *opts)
{
    memset(opts, 0, sizeof *opts);
    opts->method = FP_METHOD_CONTROLLED;
    opts->unit = FP_AMOUNT_SCALE;
    opts->rounding = FP_ROUND_NEAREST;
}

/* One resolved --set. */
typedef struct target {
    size_t row, col; /* col: a category, or the total (whole rows) */
    int whole;       /* 1: the year total of the row: every category scales */
    fp_amount amount;
    const char *unit_text, *col_text;
} target;

typedef struct ctx {
    fp_table *t;       /* the new table, being changed */
    const fp_realloc_options *o;
    fp_diag *diag;
    size_t n;
    size_t *pre;       /* rows in pre-order */
    size_t *pos;       /* position of each row in pre-order */
    size_t *size;      /* rows in each subtree, itself included */
    uint8_t *fixed;    /* row is in a --fix subtree */
    size_t total, advance, batch;
    size_t cats[256];  /* the columns that are split: the categories, or the total alone */
    size_t ncats;
    fp_amount *floor_of; /* per column: --min floor (0 = none) */
} ctx;

static int is_leaf(const ctx *C, size_t r) { return C->size[r] == 1; }

static fp_error err_nomem(ctx *C)
{
    return diag_set(C->diag, FP_ERR_NOMEM, NULL, 0, NULL, NULL, 0, "out of memory");
}

/* ceil(a / u) and floor(a / u) in whole units (u > 0). */
static int64_t units_ceil(fp_amount a, fp_amount u) { return (int64_t)-fp_floor_div(-(i128)a, u); }

/* ---- resolving the request ---- */

/* The /-separated path of names from the top down to ROW, into BUF (CAP bytes). */
static void row_path(const fp_table *t, size_t row, char *buf, size_t cap)
{
    size_t path[64];
    size_t n = fp_table_path(t, row, path, 64), len = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < n && i < 64 && len < cap; i++) {
        int w = snprintf(buf + len, cap - len, "%s%s", i ? "/" : "", fp_table_row_name(t, path[i]));
        if (w < 0)
            break;
        len += (size_t)w;
    }
}

static fp_error find_unit(ctx *C, const char *name, size_t *row)
{
    size_t count = fp_table_find_row(C->t, name, row);
    if (count == 0)
        return diag_set(C->diag, FP_ERR_UNIT_NOT_FOUND, fp_table_source(C->t), 0, NULL, name,
                        strlen(name), "no unit is named \"%s\" (give a name as in the table, or "
                                      "its /-separated path from the top such as 总计/地州合计/巴州)",
                        name);
    if (count > 1) {
        size_t second = FP_NONE;
        for (size_t r = *row + 1; r < C->n && second == FP_NONE; r++)
            if (strcmp(fp_table_row_name(C->t, r), name) == 0)
                second = r;
        char p1[256], p2[256];
        row_path(C->t, *row, p1, sizeof p1);
        if (second != FP_NONE)
            row_path(C->t, second, p2, sizeof p2);
        else
            p2[0] = '\0';
        return diag_set(C->diag, FP_ERR_UNIT_AMBIGUOUS, fp_table_source(C->t),
                        fp_table_row_line(C->t, *row), NULL, name, strlen(name),
                        "\"%s\" names %zu units (lines %ld and %ld …); give its path from the "
                        "top: %s%s%s",
                        name, count, fp_table_row_line(C->t, *row),
                        second == FP_NONE ? 0L : fp_table_row_line(C->t, second), p1,
                        p2[0] ? " or " : "", p2);
    }
    return FP_OK;
}

static fp_error resolve_target(ctx *C, const fp_realloc_target *in, target *out)
{
    fp_error e = find_unit(C, in->unit, &out->row);
    if (e)
        return e;
    size_t col = fp_table_find_column(C->t, in->column);
    out->unit_text = in->unit;
    out->col_text = in->column;
    out->amount = in->amount;
    if (col == FP_NONE)
        return diag_set(C->diag, FP_ERR_COLUMN, fp_table_source(C->t), 0, in->column, NULL, 0,
                        "no column is headed \"%s\"", in->column);
    fp_role role = fp_table_column_role(C->t, col);
    if (role == FP_ROLE_ADVANCE || role == FP_ROLE_BATCH)
        return diag_set(C->diag, FP_ERR_COLUMN, fp_table_source(C->t), 0, in->column, NULL, 0,
                        "column \"%s\" cannot be set: %s", in->column,
                        role == FP_ROLE_ADVANCE ? "已提前下达 has been sent and never changes"
                                                : "此次下达 follows from 全年 − 已提前下达");
    int split = 0;
    for (size_t k = 0; k < C->ncats; k++)
        split |= C->cats[k] == col;
    if (!split && role != FP_ROLE_TOTAL)
        return diag_set(C->diag, FP_ERR_COLUMN, fp_table_source(C->t), 0, in->column, NULL, 0,
                        "column \"%s\" is not a category or the year total; only those can be "
                        "set",
                        in->column);
    out->col = col;
    /* The year total scales every category of the row, also when there is only one (with
     * no category at all, cats[] holds the total itself and this is the same thing). */
    out->whole = role == FP_ROLE_TOTAL;
    if (in->amount < 0)
        return diag_set(C->diag, FP_ERR_ARGUMENT, fp_table_source(C->t), 0, in->column, NULL, 0,
                        "the new amount of %s:%s is negative", in->unit, in->column);
    if (C->fixed[out->row])
        return diag_set(C->diag, FP_ERR_CONFLICT, fp_table_source(C->t),
                        fp_table_row_line(C->t, out->row), NULL, in->unit, strlen(in->unit),
                        "%s is set with --set but kept unchanged by --fix", in->unit);
    return FP_OK;
}

/* Two targets overlap when one's subtree holds the other's row and their columns meet. */
static int overlap(const ctx *C, const target *a, const target *b)
{
    size_t pa = C->pos[a->row], pb = C->pos[b->row];
    int nested = (pb >= pa && pb < pa + C->size[a->row]) ||
                 (pa >= pb && pa < pb + C->size[b->row]);
    return nested && (a->whole || b->whole || a->col == b->col);
}

/* ---- the exact target: bounded proportional ---- */

/* A leaf of the region, with what the solver needs. */
typedef struct leaf {
    size_t row;
    int held;        /* row held at its lower bound (row mode) */
    fp_amount lo;    /* row mode: the row's bound (a multiple of the unit); cell mode: the cell's */
} leaf;

/* Cells in mode "whole": row l, category k. v = current value, floored = held at its floor. */
typedef struct solver {
    ctx *C;
    const target *tg;
    leaf *leaves;
    size_t nleaves;
    uint8_t *floored; /* nleaves * ncats (cell mode: ncats = 1) */
    size_t ncols;     /* categories that scale: all (whole) or the one */
    const size_t *cols;
    i128 fnum, fden;  /* the common factor */
} solver;

static fp_amount cell(const solver *S, size_t l, size_t k)
{
    return fp_table_amount(S->C->t, S->leaves[l].row, S->cols[k]);
}

static fp_amount floor_amount(const solver *S, size_t k)
{
    return S->C->floor_of[S->cols[k]];
}

/* Exact value of leaf l at factor f without its row bound: Σ_k max(floor, f v) as num/fden. */
static i128 row_value_num(const solver *S, size_t l)
{
    i128 sum = 0;
    for (size_t k = 0; k < S->ncols; k++) {
        if (S->floored[l * S->ncols + k])
            sum += (i128)floor_amount(S, k) * S->fden;
        else
            sum += (i128)cell(S, l, k) * S->fnum;
    }
    return sum;
}

static i128 gcd128(i128 a, i128 b)
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

/* The least amount the leaves can take whatever the factor: each leaf at least its row bound,
 * and at least the floors of its positive cells. */
static i128 least_amount(const solver *S)
{
    i128 sum = 0;
    for (size_t l = 0; l < S->nleaves; l++) {
        i128 floors = 0;
        for (size_t k = 0; k < S->ncols; k++)
            if (cell(S, l, k) > 0)
                floors += floor_amount(S, k);
        sum += floors > S->leaves[l].lo ? floors : S->leaves[l].lo;
    }
    return sum;
}

/* Find f: Σ over leaves of max(row bound, Σ_k max(floor_k·[v>0], f·v)) = AVAILABLE. The active
 * set (floored cells, held rows) only grows as f falls, so this ends within cells + rows rounds.
 * With no weight left to scale, f = 0: every bound then holds its row, and the amount must be
 * exactly what the bounds take. */
static fp_error solve_factor(solver *S, fp_amount available)
{
    ctx *C = S->C;
    for (;;) {
        i128 fixed = 0, weight = 0;
        for (size_t l = 0; l < S->nleaves; l++) {
            if (S->leaves[l].held) {
                fixed += S->leaves[l].lo;
                continue;
            }
            for (size_t k = 0; k < S->ncols; k++) {
                if (S->floored[l * S->ncols + k])
                    fixed += floor_amount(S, k);
                else
                    weight += cell(S, l, k);
            }
        }
        i128 rest = (i128)available - fixed;
        if (rest < 0) {
            /* The shortfall is against the least amount of all the bounds (f = 0), not just
             * those active in this round, which would understate it. */
            i128 least = least_amount(S);
            char buf[FP_AMOUNT_BUFSIZE], need[FP_AMOUNT_BUFSIZE], short_by[FP_AMOUNT_BUFSIZE];
            fp_amount_format(available, 0, buf);
            fp_amount_format((fp_amount)least, 0, need);
            fp_amount_format((fp_amount)(least - available), 0, short_by);
            return diag_set(C->diag, FP_ERR_INFEASIBLE, fp_table_source(C->t),
                            fp_table_row_line(C->t, S->tg->row), S->tg->col_text, NULL, 0,
                            "%s:%s = %s cannot cover the floors and amounts already sent under "
                            "it (%s at least): it falls short by %s",
                            S->tg->unit_text, S->tg->col_text, buf, need, short_by);
        }
        if (weight == 0) {
            S->fnum = 0;
            S->fden = 1;
        } else {
            i128 g = gcd128(rest, weight);
            S->fnum = rest / g;
            S->fden = weight / g;
        }
        /* Anything now below its bound joins the active set. */
        int changed = 0;
        for (size_t l = 0; l < S->nleaves; l++) {
            if (S->leaves[l].held)
                continue;
            for (size_t k = 0; k < S->ncols; k++) {
                fp_amount v = cell(S, l, k), m = floor_amount(S, k);
                uint8_t *fl = &S->floored[l * S->ncols + k];
                if (!*fl && v > 0 && m > 0 && (i128)v * S->fnum < (i128)m * S->fden) {
                    *fl = 1;
                    changed = 1;
                }
            }
            if (S->leaves[l].lo > 0 && row_value_num(S, l) < (i128)S->leaves[l].lo * S->fden) {
                S->leaves[l].held = 1;
                changed = 1;
            }
        }
        if (changed)
            continue;
        if (weight == 0 && rest != 0)
            return diag_set(C->diag, FP_ERR_INFEASIBLE, fp_table_source(C->t),
                            fp_table_row_line(C->t, S->tg->row), S->tg->col_text, NULL, 0,
                            "%s:%s has nothing to scale: every free row under it is 0 (or held), "
                            "so there is no proportion to follow",
                            S->tg->unit_text, S->tg->col_text);
        return FP_OK;
    }
}

/* ---- rounding ---- */

/* Split a held row's amount (LO, whole units) over its categories by largest remainder, with
 * the floors; OUT gets units per category. Used only where the exact split cannot be. */
static fp_error split_held_row(solver *S, size_t l, int64_t *out)
{
    ctx *C = S->C;
    fp_amount w[256];
    int64_t mn[256];
    for (size_t k = 0; k < S->ncols; k++) {
        fp_amount v = cell(S, l, k);
        w[k] = v;
        mn[k] = v > 0 && floor_amount(S, k) > 0 ? floor_amount(S, k) / C->o->unit : 0;
    }
    return fp_apportion(FP_METHOD_HAMILTON, w, S->ncols, S->leaves[l].lo / C->o->unit, mn, NULL,
                        out, C->diag);
}

/* The exact split of held leaf L's amount over its categories, in the row's own proportions,
 * with the floors (a cell whose share falls below its floor is held at it and the rest is
 * shared by the others): P[k]/Q[k] in micro-units. Returns 0 when there is no proportion to
 * follow (every category 0 and an amount to place). */
static int held_exact(const solver *S, size_t l, i128 *p, i128 *q)
{
    size_t K = S->ncols;
    if (K == 1) { /* one column: the bound itself */
        p[0] = S->leaves[l].lo;
        q[0] = 1;
        return 1;
    }
    uint8_t at_floor[256] = {0};
    for (;;) {
        i128 rest = S->leaves[l].lo, w = 0;
        for (size_t k = 0; k < K; k++) {
            if (at_floor[k])
                rest -= floor_amount(S, k);
            else
                w += cell(S, l, k);
        }
        int changed = 0;
        for (size_t k = 0; k < K; k++) {
            fp_amount v = cell(S, l, k), m = floor_amount(S, k);
            if (!at_floor[k] && v > 0 && m > 0 && (i128)v * rest < (i128)m * w) {
                at_floor[k] = 1;
                changed = 1;
            }
        }
        if (changed)
            continue;
        if (w == 0 && rest != 0)
            return 0;
        for (size_t k = 0; k < K; k++) {
            if (at_floor[k]) {
                p[k] = floor_amount(S, k);
                q[k] = 1;
            } else if (w == 0) {
                p[k] = 0;
                q[k] = 1;
            } else {
                p[k] = (i128)cell(S, l, k) * rest;
                q[k] = w;
            }
        }
        return 1;
    }
}

typedef unsigned __int128 u128;

/* floor(a·b / c) into *Q and the remainder into *R, for c < 2^127 and a quotient below 2^128:
 * the product is taken in 256 bits and divided bit by bit. */
static void muldiv(u128 a, u128 b, u128 c, u128 *q, u128 *r)
{
    const uint64_t x[2] = {(uint64_t)a, (uint64_t)(a >> 64)};
    const uint64_t y[2] = {(uint64_t)b, (uint64_t)(b >> 64)};
    uint64_t p[4] = {0, 0, 0, 0};
    for (int i = 0; i < 2; i++) {
        uint64_t carry = 0;
        for (int j = 0; j < 2; j++) {
            u128 t = (u128)x[i] * y[j] + p[i + j] + carry;
            p[i + j] = (uint64_t)t;
            carry = (uint64_t)(t >> 64);
        }
        p[i + 2] = carry;
    }
    u128 rem = 0, quo = 0;
    for (int bit = 255; bit >= 0; bit--) {
        rem = (rem << 1) | ((p[bit / 64] >> (bit % 64)) & 1u);
        quo <<= 1;
        if (rem >= c) {
            rem -= c;
            quo |= 1;
        }
    }
    *q = quo;
    *r = rem;
}

/* lcm(a, b) into *OUT unless it passes LIMIT: 0 then. */
static int lcm_within(i128 a, i128 b, i128 limit, i128 *out)
{
    i128 l;
    if (__builtin_mul_overflow(a / gcd128(a, b), b, &l) || l > limit)
        return 0;
    *out = l;
    return 1;
}

/* The targets of the block's leaf cells over one common denominator: NUM[i*K+k] / *DEN units.
 *
 * Free cells are f·v (or their floor) and share f's denominator. A held row is split over its
 * categories in its own proportions, so each brings its own denominator, and with many held rows
 * their least common multiple soon passes 128 bits. Those rows whose denominators still fit are
 * taken exactly; the others are put on a fine grid 1/D' (D' a multiple of every exact
 * denominator), each cell within one grid step of its exact value and each row's cells adding
 * up exactly to its bound (largest remainder). A sum of cells then differs from its exact value
 * by less than c grid steps, c the number of approximated rows under it; wherever no whole unit
 * lies within c steps of the approximation, the approximation has the same floor as the exact
 * value and is not whole either, so rounding it is rounding the exact value (only the choice
 * among equally valid roundings may differ, by less than c/D' of deviation). That is checked for
 * every cell of the block. Returns 1 on success, 0 when it cannot be assured (the caller then
 * falls back to splitting held rows on their own). */
static int block_targets(solver *S, const size_t *rows, size_t nrows, const size_t *parent,
                         i128 *num, i128 *den)
{
    ctx *C = S->C;
    size_t K = S->ncols, n = S->nleaves;
    i128 u = C->o->unit;
    int ok = 0;
    i128 *P = malloc((n * K + 1) * sizeof *P), *Q = malloc((n * K + 1) * sizeof *Q);
    i128 *rowc = malloc((n + 1) * sizeof *rowc); /* approximated rows: w·u, the raw denominator */
    uint8_t *approx = calloc(n + 1, 1);
    size_t *block_of = malloc((n + 1) * sizeof *block_of);
    uint8_t *inexact = calloc(nrows * K + 1, 1); /* a cell put on the grid with an error */
    i128 *cnt = NULL;
    if (!P || !Q || !rowc || !approx || !block_of || !inexact)
        goto done;
    /* every leaf cell as a reduced fraction of units, and a bound on the block's total */
    i128 total = 0;
    for (size_t l = 0; l < n; l++) {
        i128 p[256], q[256];
        if (S->leaves[l].held) {
            if (!held_exact(S, l, p, q))
                goto done;
        } else {
            for (size_t k = 0; k < K; k++) {
                if (S->floored[l * K + k]) {
                    p[k] = floor_amount(S, k);
                    q[k] = 1;
                } else {
                    p[k] = (i128)cell(S, l, k) * S->fnum;
                    q[k] = S->fden;
                }
            }
        }
        rowc[l] = 0;
        for (size_t k = 0; k < K; k++) {
            i128 qq;
            if (__builtin_mul_overflow(q[k], u, &qq))
                goto done;
            if (q[k] != 1)
                rowc[l] = qq;
            i128 g = p[k] ? gcd128(p[k], qq) : qq;
            P[l * K + k] = p[k] / g;
            Q[l * K + k] = qq / g;
            total += P[l * K + k] / Q[l * K + k] + 1;
        }
    }
    /* Every numerator over D', and every sum of them, must fit: D' · total < 2^125. */
    i128 limit = ((i128)1 << 125) / (total + 1);
    i128 L = 1;
    for (size_t l = 0; l < n; l++) {
        if (S->leaves[l].held)
            continue;
        for (size_t k = 0; k < K; k++)
            if (!lcm_within(L, Q[l * K + k], limit, &L))
                goto done;
    }
    int any = 0;
    for (size_t l = 0; l < n; l++) {
        if (!S->leaves[l].held)
            continue;
        i128 Lr = L;
        int fits = 1;
        for (size_t k = 0; k < K && fits; k++)
            fits = lcm_within(Lr, Q[l * K + k], limit, &Lr);
        if (fits)
            L = Lr;
        else {
            approx[l] = 1;
            any = 1;
        }
    }
    i128 D = L;
    while (any && D <= limit / 2)
        D *= 2;
    /* the numerators */
    size_t li = 0;
    for (size_t i = 0; i < nrows; i++) {
        if (li >= n || S->leaves[li].row != rows[i])
            continue;
        block_of[li] = i;
        if (!approx[li]) {
            for (size_t k = 0; k < K; k++)
                num[i * K + k] = P[li * K + k] * (D / Q[li * K + k]);
        } else {
            /* the row's unfloored cells share the raw denominator c = w·u */
            i128 c = rowc[li], want = S->leaves[li].lo / u * D, sum = 0;
            u128 rem[256];
            i128 p[256], q[256];
            if (c <= 0 || c >= ((i128)1 << 126) || !held_exact(S, li, p, q))
                goto done;
            for (size_t k = 0; k < K; k++) {
                if (q[k] == 1) { /* a floor: a whole number of units */
                    num[i * K + k] = p[k] / u * D;
                    rem[k] = 0;
                } else {
                    u128 qo;
                    muldiv((u128)p[k], (u128)D, (u128)c, &qo, &rem[k]);
                    num[i * K + k] = (i128)qo;
                    inexact[i * K + k] = rem[k] != 0;
                }
                sum += num[i * K + k];
            }
            for (i128 extra = want - sum; extra > 0; extra--) {
                size_t best = K;
                for (size_t k = 0; k < K; k++)
                    if (rem[k] > 0 && (best == K || rem[k] > rem[best]))
                        best = k;
                if (best == K)
                    goto done;
                num[i * K + best]++;
                rem[best] = 0;
            }
            if (want - sum < 0)
                goto done;
        }
        li++;
    }
    if (any) {
        /* the check: sums of approximated cells stay clear of every whole unit */
        cnt = calloc(nrows * K, sizeof *cnt);
        i128 *acc = calloc(nrows * K, sizeof *acc);
        if (!cnt || !acc) {
            free(acc);
            goto done;
        }
        for (size_t l = 0; l < n; l++)
            for (size_t k = 0; k < K; k++) {
                size_t i = block_of[l];
                acc[i * K + k] = num[i * K + k];
                cnt[i * K + k] = inexact[i * K + k];
            }
        int clear = 1;
        for (size_t i = nrows; i-- > 0 && clear;) {
            for (size_t k = 0; k < K; k++) {
                i128 c = cnt[i * K + k], r = acc[i * K + k] % D;
                if (c > 0 && !(r > c && D - r > c))
                    clear = 0;
                if (parent[i] != FP_NONE) {
                    acc[parent[i] * K + k] += acc[i * K + k];
                    cnt[parent[i] * K + k] += c;
                }
            }
        }
        free(acc);
        if (!clear)
            goto done;
    }
    *den = D;
    ok = 1;
done:
    free(P);
    free(Q);
    free(rowc);
    free(approx);
    free(block_of);
    free(inexact);
    free(cnt);
    return ok;
}

/* The block of rows rounded together: the region's rows that hold a free leaf, in pre-order. */
static fp_error controlled(solver *S, size_t *rows, size_t nrows, int64_t *leaf_units)
{
    ctx *C = S->C;
    size_t K = S->ncols;
    fp_error e = FP_OK;
    size_t *parent = malloc(nrows * sizeof *parent);
    size_t *local = NULL;
    i128 *num = calloc(nrows * K, sizeof *num);
    int64_t *x = malloc(nrows * K * sizeof *x);
    int64_t held[256];
    if (!parent || !num || !x) {
        e = err_nomem(C);
        goto done;
    }
    /* local index of each table row in the block */
    local = malloc(C->n * sizeof *local);
    if (!local) {
        e = err_nomem(C);
        goto done;
    }
    for (size_t i = 0; i < nrows; i++)
        local[rows[i]] = i;
    for (size_t i = 0; i < nrows; i++)
        parent[i] = i == 0 ? FP_NONE : local[fp_table_parent(C->t, rows[i])];
    i128 den;
    int exact = block_targets(S, rows, nrows, parent, num, &den);
    if (exact) {
        e = fp_controlled_round(nrows, parent, K, num, den, NULL, NULL, x);
        exact = e != FP_ERR_AMOUNT_OVERFLOW;
    }
    if (!exact) {
        /* Fallback when the targets cannot be put over one denominator with the guarantee
         * kept (see block_targets): each held row is split on its own by largest remainder,
         * and the rest is rounded around those whole numbers. Every leaf cell and row stays
         * within one unit and every bound holds; a subtotal's category over several held rows
         * may then be off by more. */
        den = S->fden * C->o->unit;
        memset(num, 0, nrows * K * sizeof *num);
        size_t li = 0;
        for (size_t i = 0; i < nrows; i++) {
            if (li >= S->nleaves || S->leaves[li].row != rows[i])
                continue;
            const leaf *lf = &S->leaves[li];
            if (lf->held && (e = split_held_row(S, li, held)) != FP_OK)
                goto done;
            for (size_t k = 0; k < K; k++) {
                i128 *nk = &num[i * K + k];
                if (lf->held)
                    *nk = (i128)held[k] * den;
                else if (S->floored[li * K + k])
                    *nk = (i128)floor_amount(S, k) * S->fden;
                else
                    *nk = (i128)cell(S, li, k) * S->fnum;
            }
            li++;
        }
        e = fp_controlled_round(nrows, parent, K, num, den, NULL, NULL, x);
    }
    if (e == FP_OK) {
        size_t li = 0;
        for (size_t i = 0; i < nrows && li < S->nleaves; i++)
            if (S->leaves[li].row == rows[i]) {
                memcpy(&leaf_units[li * K], &x[i * K], K * sizeof *x);
                li++;
            }
    } else if (e == FP_ERR_INFEASIBLE) {
        e = diag_set(C->diag, FP_ERR_INTERNAL, NULL, 0, NULL, NULL, 0,
                     "controlled rounding found no rounding of the exact targets");
    } else {
        e = diag_set(C->diag, e, NULL, 0, NULL, NULL, 0, "controlled rounding failed: %s",
                     fp_strerror(e));
    }
done:
    free(parent);
    free(local);
    free(num);
    free(x);
    return e;
}

/* ---- classical methods: level by level ---- */

/* Lower bound, in units, of the amount the subtree of ROW (a block row) must get. */
typedef struct level_ctx {
    solver *S;
    size_t *leaf_of; /* table row → leaf index, or FP_NONE */
    int64_t *lo;     /* per table row: Σ of leaf lower bounds in units (block rows only) */
    uint8_t *in_block;
    fp_amount *weight; /* per table row: current amount of the split column(s) in the block */
} level_ctx;

/* Split UNITS over the block rows under ROW level by level with the classical method: each
 * parent's units go to its block children in proportion to their weights, each child getting at
 * least its lower bound. Leaves write their units to OUT[leaf index]. */
typedef struct pending {
    size_t row;
    int64_t units;
} pending;

static fp_error split_down(level_ctx *X, size_t row, int64_t units, int64_t *out)
{
    ctx *C = X->S->C;
    pending *stack = NULL;
    size_t cap = 0, top = 0, scratch_cap = 0;
    fp_amount *w = NULL;
    int64_t *mn = NULL, *got = NULL;
    size_t *ch = NULL;
    fp_error e = FP_OK;
    if (buf_reserve((void **)&stack, &cap, 1, sizeof *stack))
        return err_nomem(C);
    stack[top++] = (pending){row, units};
    while (top && !e) {
        pending cur = stack[--top];
        if (X->leaf_of[cur.row] != FP_NONE) {
            out[X->leaf_of[cur.row]] = cur.units;
            continue;
        }
        size_t nch = 0;
        for (size_t c = fp_table_first_child(C->t, cur.row); c != FP_NONE;
             c = fp_table_next_sibling(C->t, c))
            nch += X->in_block[c];
        if (nch > scratch_cap) {
            scratch_cap = nch;
            fp_amount *w2 = realloc(w, nch * sizeof *w);
            w = w2 ? w2 : w;
            int64_t *m2 = realloc(mn, nch * sizeof *mn);
            mn = m2 ? m2 : mn;
            int64_t *g2 = realloc(got, nch * sizeof *got);
            got = g2 ? g2 : got;
            size_t *c2 = realloc(ch, nch * sizeof *ch);
            ch = c2 ? c2 : ch;
            if (!w2 || !m2 || !g2 || !c2) {
                e = err_nomem(C);
                break;
            }
        }
        size_t i = 0;
        for (size_t c = fp_table_first_child(C->t, cur.row); c != FP_NONE;
             c = fp_table_next_sibling(C->t, c))
            if (X->in_block[c]) {
                ch[i] = c;
                w[i] = X->weight[c];
                mn[i] = X->lo[c];
                i++;
            }
        if ((e = fp_apportion(C->o->method, w, nch, cur.units, mn, NULL, got, C->diag)) != FP_OK)
            break;
        if (buf_reserve((void **)&stack, &cap, top + nch, sizeof *stack)) {
            e = err_nomem(C);
            break;
        }
        for (i = 0; i < nch; i++)
            stack[top++] = (pending){ch[i], got[i]};
    }
    free(stack);
    free(w);
    free(mn);
    free(got);
    free(ch);
    return e;
}

/* ---- applying one target ---- */

static fp_error apply(ctx *C, const target *tg)
{
    fp_table *t = C->t;
    fp_amount u = C->o->unit;
    solver S = {0};
    S.C = C;
    S.tg = tg;
    S.cols = tg->whole ? C->cats : &tg->col;
    S.ncols = tg->whole ? C->ncats : 1;
    size_t first = C->pos[tg->row], end = first + C->size[tg->row];
    size_t *rows = malloc(C->size[tg->row] * sizeof *rows);
    uint8_t *in_block = calloc(C->n, 1);
    S.leaves = malloc(C->size[tg->row] * sizeof *S.leaves);
    fp_error e = FP_OK;
    int64_t *units = NULL;
    level_ctx X = {0};
    if (!rows || !in_block || !S.leaves) {
        e = err_nomem(C);
        goto done;
    }
    /* The free leaves, and what the fixed ones already take. */
    i128 fixed_sum = 0;
    for (size_t p = first; p < end; p++) {
        size_t r = C->pre[p];
        if (!is_leaf(C, r))
            continue;
        fp_amount v = 0;
        for (size_t k = 0; k < S.ncols; k++)
            v += fp_table_amount(t, r, S.cols[k]);
        if (C->fixed[r]) {
            fixed_sum += v;
            continue;
        }
        leaf *lf = &S.leaves[S.nleaves++];
        lf->row = r;
        lf->held = 0;
        lf->lo = 0;
        if (C->o->no_clawback && C->advance != FP_NONE) {
            /* the row's new year total must stay ≥ 已提前下达; with one column split, the other
             * categories stay as they are */
            fp_amount others = C->total != FP_NONE ? fp_table_amount(t, r, C->total) - v : 0;
            fp_amount need = fp_table_amount(t, r, C->advance) - others;
            lf->lo = need > 0 ? units_ceil(need, u) * u : 0;
        }
        if (tg->whole) { /* the row must also hold its floors */
            fp_amount floors = 0;
            for (size_t k = 0; k < S.ncols; k++)
                if (fp_table_amount(t, r, S.cols[k]) > 0)
                    floors += C->floor_of[S.cols[k]];
            if (floors > lf->lo)
                lf->lo = floors;
        }
    }
    i128 avail = (i128)tg->amount - fixed_sum;
    if (avail < 0 || avail % u != 0) {
        char a[FP_AMOUNT_BUFSIZE], f[FP_AMOUNT_BUFSIZE], uu[FP_AMOUNT_BUFSIZE];
        fp_amount_format(tg->amount, 0, a);
        fp_amount_format((fp_amount)fixed_sum, 0, f);
        fp_amount_format(u, 0, uu);
        e = diag_set(C->diag, avail < 0 ? FP_ERR_INFEASIBLE : FP_ERR_ARGUMENT, fp_table_source(t),
                     fp_table_row_line(t, tg->row), tg->col_text, NULL, 0,
                     avail < 0 ? "%s:%s = %s is less than the rows kept by --fix (%s)"
                               : "%s:%s = %s less the rows kept by --fix (%s) is not a whole "
                                 "number of units of %s",
                     tg->unit_text, tg->col_text, a, f, uu);
        goto done;
    }
    S.floored = calloc(S.nleaves * S.ncols + 1, 1);
    units = malloc((S.nleaves * S.ncols + 1) * sizeof *units);
    if (!S.floored || !units) {
        e = err_nomem(C);
        goto done;
    }
    if ((e = solve_factor(&S, (fp_amount)avail)) != FP_OK)
        goto done;
    /* A row held at its bound is split over its categories in its own proportions; one whose
     * categories are all 0 has none to follow. */
    for (size_t l = 0; l < S.nleaves && S.ncols > 1; l++) {
        fp_amount w = 0;
        for (size_t k = 0; k < S.ncols; k++)
            w += cell(&S, l, k);
        if (S.leaves[l].held && S.leaves[l].lo > 0 && w == 0) {
            size_t r = S.leaves[l].row;
            char lo[FP_AMOUNT_BUFSIZE];
            fp_amount_format(S.leaves[l].lo, 0, lo);
            e = diag_set(C->diag, FP_ERR_INFEASIBLE, fp_table_source(t), fp_table_row_line(t, r),
                         NULL, fp_table_row_name(t, r), strlen(fp_table_row_name(t, r)),
                         "%s must get at least %s (its 已提前下达 or floors) but every category of "
                         "it is 0, so there is no proportion to split that by",
                         fp_table_row_name(t, r), lo);
            goto done;
        }
    }

    /* The block: rows of the region that hold a free leaf (pre-order). */
    for (size_t l = 0; l < S.nleaves; l++)
        for (size_t r = S.leaves[l].row; r != FP_NONE && !in_block[r];
             r = r == tg->row ? FP_NONE : fp_table_parent(t, r))
            in_block[r] = 1;
    size_t nrows = 0;
    for (size_t p = first; p < end; p++)
        if (in_block[C->pre[p]])
            rows[nrows++] = C->pre[p];
    if (S.nleaves == 0)
        goto done; /* everything under it is fixed, and the amount matched them */

    if (C->o->method == FP_METHOD_CONTROLLED) {
        e = controlled(&S, rows, nrows, units);
    } else {
        X.S = &S;
        X.in_block = in_block;
        X.leaf_of = malloc(C->n * sizeof *X.leaf_of);
        X.lo = calloc(C->n, sizeof *X.lo);
        X.weight = calloc(C->n, sizeof *X.weight);
        int64_t *rowunits = malloc((S.nleaves + 1) * sizeof *rowunits);
        if (!X.leaf_of || !X.lo || !X.weight || !rowunits) {
            free(rowunits);
            e = err_nomem(C);
            goto done;
        }
        for (size_t r = 0; r < C->n; r++)
            X.leaf_of[r] = FP_NONE;
        for (size_t l = 0; l < S.nleaves; l++) {
            size_t r = S.leaves[l].row;
            X.leaf_of[r] = l;
            fp_amount v = 0;
            for (size_t k = 0; k < S.ncols; k++)
                v += fp_table_amount(t, r, S.cols[k]);
            for (size_t a = r; a != FP_NONE; a = a == tg->row ? FP_NONE : fp_table_parent(t, a)) {
                X.lo[a] += S.leaves[l].lo / u;
                X.weight[a] += v;
            }
        }
        int64_t total_units = (int64_t)(avail / u);
        if (!tg->whole) {
            /* one column: down the tree, floors and bounds as minimums */
            for (size_t l = 0; l < S.nleaves; l++) {
                fp_amount m = C->floor_of[tg->col];
                fp_amount v = fp_table_amount(t, S.leaves[l].row, tg->col);
                int64_t lo = S.leaves[l].lo / u;
                if (v > 0 && m / u > lo)
                    lo = m / u;
                for (size_t a = S.leaves[l].row; a != FP_NONE;
                     a = a == tg->row ? FP_NONE : fp_table_parent(t, a))
                    X.lo[a] += lo - S.leaves[l].lo / u;
            }
            e = split_down(&X, tg->row, total_units, units);
        } else {
            /* row totals down the tree, then each leaf row over its categories */
            e = split_down(&X, tg->row, total_units, rowunits);
            for (size_t l = 0; l < S.nleaves && !e; l++) {
                fp_amount w[256];
                int64_t mn[256];
                for (size_t k = 0; k < S.ncols; k++) {
                    w[k] = cell(&S, l, k);
                    mn[k] = w[k] > 0 ? C->floor_of[S.cols[k]] / u : 0;
                }
                e = fp_apportion(C->o->method, w, S.ncols, rowunits[l], mn, NULL,
                                 &units[l * S.ncols], C->diag);
            }
        }
        free(rowunits);
    }
    if (e)
        goto done;
    for (size_t l = 0; l < S.nleaves; l++)
        for (size_t k = 0; k < S.ncols; k++)
            fp_table_set_amount(t, S.leaves[l].row, S.cols[k], units[l * S.ncols + k] * u);
done:
    free(rows);
    free(in_block);
    free(S.leaves);
    free(S.floored);
    free(units);
    free(X.leaf_of);
    free(X.lo);
    free(X.weight);
    return e;
}

/* Recompute every internal cell of the split columns from its rows, then every year total and
 * 此次下达: the identities hold by construction, and fp_check confirms it. */
static fp_error recompute_overflow(ctx *C, const target *tg, size_t row, size_t col)
{
    return diag_set(C->diag, FP_ERR_AMOUNT_OVERFLOW, fp_table_source(C->t),
                    fp_table_row_line(C->t, row), fp_table_column_name(C->t, col), NULL, 0,
                    "--set %s:%s: the new amounts make %s's %s exceed ±9.2e12 units",
                    tg->unit_text, tg->col_text, fp_table_row_name(C->t, row),
                    fp_table_column_name(C->t, col));
}

static fp_error recompute(ctx *C, const target *tg)
{
    fp_table *t = C->t;
    for (size_t p = C->n; p-- > 0;) {
        size_t r = C->pre[p];
        if (!is_leaf(C, r))
            for (size_t k = 0; k < C->ncats; k++) {
                fp_amount s = 0;
                for (size_t c = fp_table_first_child(t, r); c != FP_NONE;
                     c = fp_table_next_sibling(t, c))
                    if (fp_amount_add(s, fp_table_amount(t, c, C->cats[k]), &s))
                        return recompute_overflow(C, tg, r, C->cats[k]);
                if (s != fp_table_amount(t, r, C->cats[k]))
                    fp_table_set_amount(t, r, C->cats[k], s);
            }
    }
    for (size_t r = 0; r < C->n; r++) {
        if (C->total != FP_NONE && (C->ncats > 1 || C->cats[0] != C->total)) {
            fp_amount s = 0;
            for (size_t k = 0; k < C->ncats; k++)
                if (fp_amount_add(s, fp_table_amount(t, r, C->cats[k]), &s))
                    return recompute_overflow(C, tg, r, C->total);
            if (s != fp_table_amount(t, r, C->total))
                fp_table_set_amount(t, r, C->total, s);
        }
        if (C->total != FP_NONE && C->advance != FP_NONE && C->batch != FP_NONE) {
            fp_amount b;
            if (fp_amount_sub(fp_table_amount(t, r, C->total), fp_table_amount(t, r, C->advance),
                              &b))
                return recompute_overflow(C, tg, r, C->batch);
            if (b != fp_table_amount(t, r, C->batch))
                fp_table_set_amount(t, r, C->batch, b);
        }
    }
    return FP_OK;
}

/* Every --min must hold on every leaf that receives the column. The reallocated cells meet it
 * by construction; a leaf outside every --set of that column (or kept by --fix) that is below it
 * cannot be changed, and the request contradicts itself: say which row. */
static fp_error check_floors(ctx *C)
{
    fp_table *t = C->t;
    for (size_t k = 0; k < C->ncats; k++) {
        size_t col = C->cats[k];
        fp_amount m = C->floor_of[col];
        if (m <= 0)
            continue;
        for (size_t r = 0; r < C->n; r++) {
            fp_amount v = fp_table_amount(t, r, col);
            if (!is_leaf(C, r) || v <= 0 || v >= m)
                continue;
            char a[FP_AMOUNT_BUFSIZE], b[FP_AMOUNT_BUFSIZE];
            fp_amount_format(v, 0, a);
            fp_amount_format(m, 0, b);
            return diag_set(C->diag, FP_ERR_CONFLICT, fp_table_source(t), fp_table_row_line(t, r),
                            fp_table_column_name(t, col), fp_table_row_name(t, r),
                            strlen(fp_table_row_name(t, r)),
                            "--min %s=%s: %s has %s and is not reallocated (no --set of that "
                            "column covers it, or --fix keeps it)",
                            fp_table_column_name(t, col), b, fp_table_row_name(t, r), a);
        }
    }
    return FP_OK;
}

fp_error fp_realloc(const fp_table *in, const fp_realloc_options *opts, fp_table **out,
                    fp_diag *diag)
{
    fp_realloc_options defaults;
    if (!opts) {
        fp_realloc_options_init(&defaults);
        opts = &defaults;
    }
    *out = NULL;
    fp_diag_clear(diag);
    if (opts->unit <= 0)
        return diag_set(diag, FP_ERR_ARGUMENT, NULL, 0, NULL, NULL, 0,
                        "the unit must be positive");
    if (opts->target_count == 0)
        return diag_set(diag, FP_ERR_ARGUMENT, NULL, 0, NULL, NULL, 0,
                        "nothing to do: give at least one new amount (--set)");
    if (opts->method < 0 || opts->method >= FP_METHOD_MAX)
        return diag_set(diag, FP_ERR_ARGUMENT, NULL, 0, NULL, NULL, 0, "unknown method");

    /* The input must add up: a reallocation of a faulty table cannot be checked. */
    fp_report *rep = NULL;
    fp_error e = fp_check(in, NULL, &rep, diag);
    if (e)
        return e;
    if (fp_report_errors(rep)) {
        const fp_finding *f = NULL;
        for (size_t i = 0; i < fp_report_count(rep) && !f; i++)
            if (fp_report_finding(rep, i)->severity == FP_SEVERITY_ERROR)
                f = fp_report_finding(rep, i);
        e = diag_set(diag, FP_ERR_ARGUMENT, fp_table_source(in), fp_table_row_line(in, f->row),
                     fp_table_column_name(in, f->column), NULL, 0,
                     "the table does not add up (%zu errors, the first a %s); run 'fenpei check' "
                     "and correct it before reallocating",
                     fp_report_errors(rep), fp_rule_kind_name(f->rule));
        fp_report_free(rep);
        return e;
    }
    fp_report_free(rep);

    ctx C = {0};
    C.o = opts;
    C.diag = diag;
    C.t = fp_table_clone(in);
    target *tg = calloc(opts->target_count, sizeof *tg);
    if (!C.t || !tg) {
        free(tg);
        fp_table_free(C.t);
        return diag_set(diag, FP_ERR_NOMEM, NULL, 0, NULL, NULL, 0, "out of memory");
    }
    fp_table *t = C.t;
    C.n = t->nrows;
    C.total = fp_table_role_column(t, FP_ROLE_TOTAL);
    C.advance = fp_table_role_column(t, FP_ROLE_ADVANCE);
    C.batch = fp_table_role_column(t, FP_ROLE_BATCH);
    const size_t *cats;
    size_t nc = fp_table_categories(t, &cats);
    if (nc > sizeof C.cats / sizeof C.cats[0]) {
        e = diag_set(diag, FP_ERR_COLUMN, NULL, 0, NULL, NULL, 0, "more than 256 categories");
        goto done;
    }
    if (nc) {
        memcpy(C.cats, cats, nc * sizeof *cats);
        C.ncats = nc;
    } else if (C.total != FP_NONE) {
        C.cats[0] = C.total;
        C.ncats = 1;
    } else {
        e = diag_set(diag, FP_ERR_COLUMN, fp_table_source(t), 0, NULL, NULL, 0,
                     "the table has neither categories nor a year-total column to reallocate");
        goto done;
    }
    C.pre = malloc(C.n * sizeof *C.pre);
    C.pos = malloc(C.n * sizeof *C.pos);
    C.size = malloc(C.n * sizeof *C.size);
    C.fixed = calloc(C.n, 1);
    C.floor_of = calloc(t->ncols, sizeof *C.floor_of);
    if (!C.pre || !C.pos || !C.size || !C.fixed || !C.floor_of) {
        e = err_nomem(&C);
        goto done;
    }
    for (size_t k = 0; k < C.n; k++) {
        C.pre[k] = t->order ? (size_t)t->order[k] : k;
        C.pos[C.pre[k]] = k;
        C.size[k] = 1;
    }
    for (size_t k = C.n; k-- > 0;) {
        size_t r = C.pre[k], p = fp_table_parent(t, r);
        if (p != FP_NONE)
            C.size[p] += C.size[r];
    }
    for (size_t i = 0; i < opts->fixed_count; i++) {
        size_t r;
        if ((e = find_unit(&C, opts->fixed[i], &r)) != FP_OK)
            goto done;
        for (size_t p = C.pos[r]; p < C.pos[r] + C.size[r]; p++)
            C.fixed[C.pre[p]] = 1;
    }
    for (size_t i = 0; i < opts->floor_count; i++) {
        size_t col = fp_table_find_column(t, opts->floors[i].column);
        int split = 0;
        for (size_t k = 0; k < C.ncats; k++)
            split |= C.cats[k] == col;
        if (col == FP_NONE || !split) {
            e = diag_set(diag, FP_ERR_COLUMN, fp_table_source(t), 0, opts->floors[i].column, NULL,
                         0, "--min: \"%s\" is not a category column", opts->floors[i].column);
            goto done;
        }
        if (opts->floors[i].amount < 0 || opts->floors[i].amount % opts->unit) {
            e = diag_set(diag, FP_ERR_ARGUMENT, fp_table_source(t), 0, opts->floors[i].column,
                         NULL, 0, "--min: the floor of \"%s\" must be a whole number of units",
                         opts->floors[i].column);
            goto done;
        }
        C.floor_of[col] = opts->floors[i].amount;
    }
    for (size_t i = 0; i < opts->target_count; i++) {
        if ((e = resolve_target(&C, &opts->targets[i], &tg[i])) != FP_OK)
            goto done;
        fp_amount a = tg[i].amount;
        if (a % opts->unit) /* the one single-value rounding: a target not in whole units */
            tg[i].amount = (fp_amount)(fp_round_div(a, opts->unit, opts->rounding) * opts->unit);
        for (size_t j = 0; j < i; j++)
            if (overlap(&C, &tg[i], &tg[j])) {
                e = diag_set(diag, FP_ERR_CONFLICT, fp_table_source(t), 0, NULL, NULL, 0,
                             "--set %s:%s and --set %s:%s change the same cells; give targets "
                             "on separate units or columns",
                             tg[j].unit_text, tg[j].col_text, tg[i].unit_text, tg[i].col_text);
                goto done;
            }
    }
    for (size_t i = 0; i < opts->target_count && !e; i++) {
        e = apply(&C, &tg[i]);
        if (!e) /* the next target's bounds see this one's new totals */
            e = recompute(&C, &tg[i]);
    }
    if (e)
        goto done;
    if ((e = check_floors(&C)) != FP_OK)
        goto done;
    /* A result that fails the tool's own checks is a bug and is never returned. */
    if ((e = fp_check(t, NULL, &rep, diag)) != FP_OK)
        goto done;
    if (fp_report_errors(rep)) {
        e = diag_set(diag, FP_ERR_INTERNAL, fp_table_source(t), 0, NULL, NULL, 0,
                     "the reallocated table fails %zu identities; this is a bug in fenpei",
                     fp_report_errors(rep));
        fp_report_free(rep);
        goto done;
    }
    fp_report_free(rep);
done:
    free(tg);
    free(C.pre);
    free(C.pos);
    free(C.size);
    free(C.fixed);
    free(C.floor_of);
    if (e) {
        fp_table_free(C.t);
        return e;
    }
    *out = C.t;
    return FP_OK;
}

fp_error fp_change_stats_compute(const fp_table *old, const fp_table *new_, size_t col,
                                 fp_change_stats *out)
{
    memset(out, 0, sizeof *out);
    out->min_row = out->max_row = FP_NONE;
    size_t n = fp_table_row_count(old);
    if (n != fp_table_row_count(new_) ||
        fp_table_column_count(old) != fp_table_column_count(new_) ||
        col >= fp_table_column_count(old) || !fp_table_column_is_amount(old, col))
        return FP_ERR_ARGUMENT;
    double *pct = malloc((n ? n : 1) * sizeof *pct);
    size_t *row = malloc((n ? n : 1) * sizeof *row);
    if (!pct || !row) {
        free(pct);
        free(row);
        return FP_ERR_NOMEM;
    }
    size_t k = 0;
    for (size_t r = 0; r < n; r++) {
        fp_amount a = fp_table_amount(old, r, col);
        if (fp_table_first_child(old, r) != FP_NONE || a == 0)
            continue;
        /* the only place an amount meets a double: a ratio for people to read */
        pct[k] = 100.0 * ((double)(fp_table_amount(new_, r, col) - a) / (double)a);
        row[k++] = r;
    }
    if (k) {
        gsl_set_error_handler_off();
        size_t lo, hi;
        gsl_stats_minmax_index(&lo, &hi, pct, 1, k);
        out->rows = k;
        out->mean_pct = gsl_stats_mean(pct, 1, k);
        out->sd_pct = k > 1 ? gsl_stats_sd_m(pct, 1, k, out->mean_pct) : 0.0;
        out->min_pct = pct[lo];
        out->max_pct = pct[hi];
        out->min_row = row[lo];
        out->max_row = row[hi];
    }
    free(pct);
    free(row);
    return FP_OK;
}
