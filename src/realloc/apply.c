/* realloc/apply.c — one --set applied: its exact shares rounded jointly (controlled rounding)
 * or level by level (a classical method) and written to the leaves. */
#include <stdlib.h>
#include <string.h>

#include "core/table_impl.h"
#include "realloc/realloc_impl.h"
#include "round/controlled.h"
#include "util/buf.h"

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
        e = realloc_nomem(C);
        goto done;
    }
    /* local index of each table row in the block */
    local = malloc(C->n * sizeof *local);
    if (!local) {
        e = realloc_nomem(C);
        goto done;
    }
    for (size_t i = 0; i < nrows; i++)
        local[rows[i]] = i;
    for (size_t i = 0; i < nrows; i++)
        parent[i] = i == 0 ? FP_NONE : local[fp_table_parent(C->t, rows[i])];
    i128 den;
    int exact = realloc_block_targets(S, rows, nrows, parent, num, &den);
    if (exact) {
        e = round_controlled(nrows, parent, K, num, den, NULL, NULL, x);
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
            if (lf->held && (e = realloc_split_held_row(S, li, held)) != FP_OK)
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
        e = round_controlled(nrows, parent, K, num, den, NULL, NULL, x);
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
        return realloc_nomem(C);
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
                e = realloc_nomem(C);
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
            e = realloc_nomem(C);
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

fp_error realloc_apply(ctx *C, const target *tg)
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
        e = realloc_nomem(C);
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
        fp_amount_format(avail < 0 ? (fp_amount)-avail : u, 0, uu);
        e = diag_set(C->diag, avail < 0 ? FP_ERR_INFEASIBLE : FP_ERR_ARGUMENT, fp_table_source(t),
                     fp_table_row_line(t, tg->row), tg->col_text, NULL, 0,
                     avail < 0 ? "%s:%s = %s is less than the rows kept by --fix (%s): short by %s"
                               : "%s:%s = %s less the rows kept by --fix (%s) is not a whole "
                                 "number of units of %s",
                     tg->unit_text, tg->col_text, a, f, uu);
        goto done;
    }
    S.floored = calloc(S.nleaves * S.ncols + 1, 1);
    units = malloc((S.nleaves * S.ncols + 1) * sizeof *units);
    if (!S.floored || !units) {
        e = realloc_nomem(C);
        goto done;
    }
    if ((e = realloc_solve_factor(&S, (fp_amount)avail)) != FP_OK)
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
            e = realloc_nomem(C);
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
