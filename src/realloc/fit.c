/* realloc/fit.c — the exact target of one --set: every free leaf scaled by one rational factor,
 * leaves at a bound held there, and the block's targets put over one common denominator. */
#include <stdlib.h>
#include <string.h>

#include "core/table_impl.h"
#include "realloc/realloc_impl.h"
#include "util/buf.h"


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
fp_error realloc_solve_factor(solver *S, fp_amount available)
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
            i128 g = rat_gcd(rest, weight);
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
fp_error realloc_split_held_row(solver *S, size_t l, int64_t *out)
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
    if (__builtin_mul_overflow(a / rat_gcd(a, b), b, &l) || l > limit)
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
int realloc_block_targets(solver *S, const size_t *rows, size_t nrows, const size_t *parent,
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
            i128 g = p[k] ? rat_gcd(p[k], qq) : qq;
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
