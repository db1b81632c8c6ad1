/* realloc/joint.c — several --set at once: the KL-closest fit, then one joint controlled rounding.
 *
 * The real-valued new table is the one closest to the old in Kullback–Leibler divergence among
 * those meeting every --set exactly and every bound (--min floors on cells, --no-clawback on leaf
 * rows; --fix rows and cells no --set covers keep their amounts). Its cells have the form
 *     x_i = max(m_i, x0_i · exp(Σ_{sets j ∋ i} λ_j + μ_row(i))),   μ ≥ 0,
 * and the multipliers are found by dual coordinate ascent — one set (or one bounded row) at a time
 * scaled to its target, which is iterative proportional fitting (RAS) with bounds; a set with sets
 * inside it scales only its other cells (see own_cells). With one --set
 * this is the bounded proportional scaling of fit.c. The fitted reals (GSL vectors, doubles:
 * weights, never money) are then put on a fine grid and rounded once, jointly, by the exact
 * controlled rounding (round/controlled.c) with every --set pinned to its amount: every amount
 * written comes from that integer rounding, and every sum is recomputed and checked exactly.
 * Before any fitting, conflict.c refuses targets that cannot all hold (naming them and the gap)
 * and takes to 0 the cells that every solution keeps at 0, which the factors could only approach. */
#include <gsl/gsl_blas.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_vector.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/table_impl.h"
#include "realloc/joint.h"
#include "round/controlled.h"
#include "util/buf.h"

/* Rounds of fitting: at least MIN_SWEEPS, more while one round is cheap (up to SWEEP_WORK cell
 * updates in all, MAX_SWEEPS rounds): nested targets with a thin margin between them (a unit set
 * to 329 inside a parent set to 330) converge at a rate near 1 per round. */
#define MIN_SWEEPS 5000
#define MAX_SWEEPS 1000000
#define SWEEP_WORK 100000000.0
#define GRID_BITS 30 /* the fitted reals on a grid of 2^-30 units */

/* Scale the cells IDX[0..n) by one common factor e^t so that Σ max(m_i, x_i e^t) = A, floors
 * held (the active set only grows as t falls, as in fit.c): the log factor goes to *T. Returns 0
 * on success, -1 when the floors alone exceed A, or nothing can move. */
static int scale_to(const joint *J, const size_t *idx, size_t n, double A, double *t)
{
    double fixed, weight;
    uint8_t *floored = calloc(n ? n : 1, 1);
    if (!floored)
        return -2;
    for (;;) {
        fixed = weight = 0;
        for (size_t p = 0; p < n; p++) {
            size_t i = idx[p];
            if (floored[p])
                fixed += J->m[i];
            else
                weight += gsl_vector_get(J->x0, i) * exp(gsl_vector_get(J->eta, i));
        }
        double rest = A - fixed;
        if (weight <= 0 || rest <= 0) { /* everything at its floor, or the floors exceed A */
            int met = weight <= 0 && fabs(rest) <= 1e-12 * (A > 1 ? A : 1);
            /* every cell at its floor meets A: the factor must bring each one's own value down to
             * its floor (a value above it would count, not the floor); of those factors the one
             * nearest 1. Without this a cell a rounding error marked as floored kept its value. */
            double lowest = 0;
            for (size_t p = 0; p < n && met; p++) {
                size_t i = idx[p];
                double own = gsl_vector_get(J->x0, i) * exp(gsl_vector_get(J->eta, i));
                if (own > J->m[i] && J->m[i] > 0 && log(J->m[i] / own) < lowest)
                    lowest = log(J->m[i] / own);
            }
            free(floored);
            *t = lowest;
            return met ? 0 : -1;
        }
        double s = rest / weight;
        int changed = 0;
        for (size_t p = 0; p < n; p++) {
            size_t i = idx[p];
            if (!floored[p] && J->m[i] > 0 &&
                gsl_vector_get(J->x0, i) * exp(gsl_vector_get(J->eta, i)) * s < J->m[i]) {
                floored[p] = 1;
                changed = 1;
            }
        }
        if (!changed) {
            free(floored);
            *t = log(s);
            return 0;
        }
    }
}

static void shift(joint *J, const size_t *idx, size_t n, double t)
{
    for (size_t p = 0; p < n; p++) {
        size_t i = idx[p];
        double e = gsl_vector_get(J->eta, i) + t;
        gsl_vector_set(J->eta, i, e);
        double y = gsl_vector_get(J->x0, i) * exp(e);
        gsl_vector_set(J->x, i, y > J->m[i] ? y : J->m[i]);
    }
}

static double sum_of(const joint *J, const size_t *idx, size_t n)
{
    double s = 0;
    for (size_t p = 0; p < n; p++)
        s += gsl_vector_get(J->x, idx[p]);
    return s;
}

/* What set P's own step scales: its cells outside the largest sets inside it (taken while they
 * are disjoint), which are to hold their own amounts, and the amount left for them. Changing P's
 * multiplier by t and each of those sets' by −t is one step of coordinate ascent in coordinates
 * that are a unitriangular change of the multipliers: it converges to the same fit, and nested
 * targets (a unit set inside a set parent, even with a thin margin) are met in one round instead
 * of at a rate of (the inner share) per round. REST gets P's cells, *N their count, *A the rest
 * of P's amount in units; MARK is scratch of nv bytes, left zeroed. */
static void own_cells(const joint *J, size_t j, uint8_t *mark, size_t *rest, size_t *n, double *A)
{
    const jset *P = &J->sets[j];
    size_t taken[64], nt = joint_inner_sets(J, j, taken);
    i128 avail = P->avail;
    for (size_t t = 0; t < nt; t++) {
        const jset *Q = &J->sets[taken[t]];
        avail -= Q->avail;
        for (size_t p = Q->first; p < Q->end; p++)
            mark[J->set_idx[p]] = 1;
    }
    *n = 0;
    for (size_t p = P->first; p < P->end; p++)
        if (!mark[J->set_idx[p]])
            rest[(*n)++] = J->set_idx[p];
    for (size_t t = 0; t < nt; t++)
        for (size_t p = J->sets[taken[t]].first; p < J->sets[taken[t]].end; p++)
            mark[J->set_idx[p]] = 0;
    *A = (double)(avail / J->C->o->unit);
}

size_t joint_inner_sets(const joint *J, size_t j, size_t taken[64])
{
    const jset *P = &J->sets[j];
    size_t nt = 0;
    for (size_t k = 0; k < J->ntg && nt < 64; k++) {
        const jset *Q = &J->sets[k];
        if (k == j || !contains(J, P, Q) || contains(J, Q, P))
            continue;
        int maximal = 1, free_of = 1;
        for (size_t l = 0; l < J->ntg && maximal; l++)
            if (l != j && l != k && contains(J, P, &J->sets[l]) && !contains(J, &J->sets[l], P) &&
                contains(J, &J->sets[l], Q) && !contains(J, Q, &J->sets[l]))
                maximal = 0;
        for (size_t t = 0; t < nt && free_of; t++)
            free_of = disjoint(J, &J->sets[taken[t]], Q);
        if (maximal && free_of)
            taken[nt++] = k;
    }
    return nt;
}

/* Dual coordinate ascent until every set is met and every row bound holds. */
static fp_error fit(joint *J)
{
    ctx *C = J->C;
    double u = (double)C->o->unit;
    gsl_vector *res = gsl_vector_alloc(J->ntg + J->nb + 1);
    size_t total = 0;
    for (size_t j = 0; j < J->ntg; j++)
        total += J->sets[j].end - J->sets[j].first;
    size_t *own = malloc((total + 1) * sizeof *own);
    size_t *own_first = malloc((J->ntg + 1) * sizeof *own_first);
    size_t *own_n = malloc((J->ntg + 1) * sizeof *own_n);
    double *own_amount = malloc((J->ntg + 1) * sizeof *own_amount);
    uint8_t *mark = calloc(J->nv + 1, 1);
    if (!res || !own || !own_first || !own_n || !own_amount || !mark) {
        if (res)
            gsl_vector_free(res);
        free(own);
        free(own_first);
        free(own_n);
        free(own_amount);
        free(mark);
        return realloc_nomem(C);
    }
    for (size_t j = 0, at = 0; j < J->ntg; j++) {
        own_first[j] = at;
        own_cells(J, j, mark, own + at, &own_n[j], &own_amount[j]);
        at += own_n[j];
    }
    free(mark);
    fp_error err = FP_OK;
    gsl_vector_set_zero(res);
    double worst, norm = 0, work = 1;
    size_t worst_at = 0;
    for (size_t j = 0; j < J->ntg; j++)
        work += (double)(J->sets[j].end - J->sets[j].first);
    for (size_t b = 0; b < J->nb; b++)
        work += (double)(J->b_end[b] - J->b_first[b]);
    long sweeps = SWEEP_WORK / work > MAX_SWEEPS ? MAX_SWEEPS : (long)(SWEEP_WORK / work);
    if (sweeps < MIN_SWEEPS)
        sweeps = MIN_SWEEPS;
    if (C->o->fit_rounds > 0)
        sweeps = C->o->fit_rounds;
    for (long sweep = 0; sweep < sweeps; sweep++) {
        for (size_t j = 0; j < J->ntg; j++) {
            jset *S = &J->sets[j];
            const size_t *idx = own + own_first[j];
            double t;
            if (own_n[j] == 0)
                continue; /* the sets inside it hold all its cells */
            int r = scale_to(J, idx, own_n[j], own_amount[j], &t);
            if (r == -2) {
                err = realloc_nomem(C);
                goto done;
            }
            if (r < 0) {
                char a[FP_AMOUNT_BUFSIZE];
                amount_text(S->tg->amount, a);
                err = diag_set(C->diag, FP_ERR_INFEASIBLE, fp_table_source(C->t),
                               fp_table_row_line(C->t, S->tg->row), S->tg->col_text, NULL, 0,
                               "%s:%s = %s cannot cover the floors (--min) of the cells under it",
                               S->tg->unit_text, S->tg->col_text, a);
                goto done;
            }
            shift(J, idx, own_n[j], t);
        }
        for (size_t b = 0; b < J->nb; b++) {
            const size_t *idx = J->row_idx + J->b_first[b];
            size_t n = J->b_end[b] - J->b_first[b];
            double t;
            int r = scale_to(J, idx, n, J->b_lo[b], &t);
            if (r == -2) {
                err = realloc_nomem(C);
                goto done;
            }
            if (r < 0) /* the floors alone meet the bound: it does not bind */
                t = -J->b_mu[b];
            if (t < -J->b_mu[b])
                t = -J->b_mu[b];
            if (t != 0) {
                J->b_mu[b] += t;
                shift(J, idx, n, t);
            }
        }
        /* residuals: each set's miss, each row bound's shortfall (units, relative to size) */
        worst = 0;
        for (size_t j = 0; j < J->ntg; j++) {
            const jset *S = &J->sets[j];
            double a = (double)S->avail / u;
            double r = sum_of(J, J->set_idx + S->first, S->end - S->first) - a;
            gsl_vector_set(res, j, r);
            double rel = fabs(r) / (a > 1 ? a : 1);
            if (rel > worst) {
                worst = rel;
                worst_at = j;
            }
        }
        for (size_t b = 0; b < J->nb; b++) {
            double s = sum_of(J, J->row_idx + J->b_first[b], J->b_end[b] - J->b_first[b]);
            double r = s < J->b_lo[b] ? J->b_lo[b] - s : 0;
            gsl_vector_set(res, J->ntg + b, r);
            double rel = r / (J->b_lo[b] > 1 ? J->b_lo[b] : 1);
            if (rel > worst)
                worst = rel;
        }
        norm = gsl_blas_dnrm2(res);
        if (worst <= 1e-10)
            break;
        if (sweep == sweeps - 1) {
            const jset *S = &J->sets[worst_at];
            err = diag_set(C->diag, FP_ERR_NO_CONVERGENCE, fp_table_source(C->t), 0, NULL, NULL,
                           0,
                           "the fit stopped short: after %ld round%s of fitting the targets are "
                           "still missed by %.6g units (residual norm; the largest miss at "
                           "--set %s:%s), although they can all hold (checked exactly "
                           "before fitting); more rounds (--fit-rounds) may reach them; no "
                           "table was written",
                           sweeps, sweeps == 1 ? "" : "s", norm, S->tg->unit_text,
                           S->tg->col_text);
        }
    }
done:
    gsl_vector_free(res);
    free(own);
    free(own_first);
    free(own_n);
    free(own_amount);
    return err;
}

/* Free the variable cells and the row bounds, to build them again or for good. */
static void release_cells(joint *J)
{
    free(J->vrow);
    free(J->vk);
    if (J->x0)
        gsl_vector_free(J->x0);
    if (J->eta)
        gsl_vector_free(J->eta);
    if (J->x)
        gsl_vector_free(J->x);
    free(J->m);
    free(J->set_idx);
    free(J->b_first);
    free(J->b_end);
    free(J->row_idx);
    free(J->b_row);
    free(J->b_need);
    free(J->b_lo);
    free(J->b_mu);
    J->vrow = J->vk = J->set_idx = J->b_first = J->b_end = J->row_idx = J->b_row = NULL;
    J->x0 = J->eta = J->x = NULL;
    J->m = J->b_lo = J->b_mu = NULL;
    J->b_need = NULL;
    J->nv = J->nb = 0;
}

static void joint_free(joint *J)
{
    release_cells(J);
    free(J->sets);
    free(J->var_of);
    free(J->zeroed);
}

/* The fitted reals rounded once, jointly, with every --set pinned; the leaves written. */
static fp_error round_jointly(joint *J)
{
    ctx *C = J->C;
    fp_amount u = C->o->unit;
    size_t K = C->ncats;
    fp_error e = FP_OK;
    /* the block: every row above a variable cell, in pre-order */
    uint8_t *in = calloc(C->n, 1);
    size_t *local = malloc(C->n * sizeof *local), *rows = malloc(C->n * sizeof *rows);
    size_t *parent = NULL;
    i128 *num = NULL;
    int64_t *x = NULL, *cmin = NULL, *rmin = NULL, *cpin = NULL, *rpin = NULL;
    if (!in || !local || !rows) {
        e = realloc_nomem(C);
        goto done;
    }
    for (size_t i = 0; i < J->nv; i++)
        for (size_t r = J->vrow[i]; r != FP_NONE && !in[r]; r = fp_table_parent(C->t, r))
            in[r] = 1;
    size_t nrows = 0;
    for (size_t p = 0; p < C->n; p++)
        if (in[C->pre[p]]) {
            local[C->pre[p]] = nrows;
            rows[nrows++] = C->pre[p];
        }
    parent = malloc(nrows * sizeof *parent);
    num = calloc(nrows * K, sizeof *num);
    x = malloc(nrows * K * sizeof *x);
    cmin = malloc(nrows * K * sizeof *cmin);
    cpin = malloc(nrows * K * sizeof *cpin);
    rmin = malloc(nrows * sizeof *rmin);
    rpin = malloc(nrows * sizeof *rpin);
    if (!parent || !num || !x || !cmin || !cpin || !rmin || !rpin) {
        e = realloc_nomem(C);
        goto done;
    }
    for (size_t i = 0; i < nrows; i++) {
        size_t p = fp_table_parent(C->t, rows[i]);
        parent[i] = p == FP_NONE ? FP_NONE : local[p];
        rmin[i] = rpin[i] = INT64_MIN;
        for (size_t k = 0; k < K; k++)
            cmin[i * K + k] = cpin[i * K + k] = INT64_MIN;
    }
    const i128 D = (i128)1 << GRID_BITS;
    for (size_t i = 0; i < J->nv; i++) {
        double v = gsl_vector_get(J->x, i), fl = floor(v);
        double frac = v - fl;
        if (!(v >= 0) || v > 9.2e15) {
            e = diag_set(C->diag, FP_ERR_AMOUNT_OVERFLOW, fp_table_source(C->t),
                         fp_table_row_line(C->t, J->vrow[i]), NULL, NULL, 0,
                         "the fitted amount of %s does not fit", fp_table_row_name(C->t, J->vrow[i]));
            goto done;
        }
        i128 nf = (i128)llround(frac * (double)D);
        if (frac < 1e-9 || frac > 1 - 1e-9) /* a whole number, up to the fit's precision */
            nf = frac < 0.5 ? 0 : D;
        num[local[J->vrow[i]] * K + J->vk[i]] = (i128)fl * D + nf;
        if (J->m[i] > 0)
            cmin[local[J->vrow[i]] * K + J->vk[i]] = (int64_t)J->m[i];
    }
    for (size_t b = 0; b < J->nb; b++)
        rmin[local[J->b_row[b]]] = (int64_t)J->b_lo[b];
    /* pins, and how far the grid values miss them (the rounding needs less than one unit) */
    i128 miss = 0;
    for (size_t j = 0; j < J->ntg; j++) {
        const jset *S = &J->sets[j];
        if (!in[S->tg->row])
            continue; /* nothing under it changes (a set to 0 over cells that are 0): no pin */
        int64_t want = (int64_t)(S->avail / u);
        size_t r = local[S->tg->row];
        if (S->tg->whole)
            rpin[r] = want;
        else
            for (size_t k = 0; k < K; k++)
                if (S->has_col[k])
                    cpin[r * K + k] = want;
        i128 got = 0;
        for (size_t p = S->first; p < S->end; p++) {
            size_t i = J->set_idx[p];
            got += num[local[J->vrow[i]] * K + J->vk[i]];
        }
        i128 d = got - (i128)want * D;
        miss += d < 0 ? -d : d;
    }
    if (miss >= D / 2) {
        e = diag_set(C->diag, FP_ERR_NO_CONVERGENCE, fp_table_source(C->t), 0, NULL, NULL, 0,
                     "the fit missed the targets by %.6g units in all, too much to round "
                     "exactly; no table was written",
                     (double)miss / (double)D);
        goto done;
    }
    e = round_controlled_pinned(nrows, parent, K, num, D, cmin, rmin, cpin, rpin, x);
    if (e == FP_ERR_INFEASIBLE) {
        e = diag_set(C->diag, FP_ERR_INTERNAL, NULL, 0, NULL, NULL, 0,
                     "controlled rounding found no rounding of the fitted targets");
        goto done;
    }
    if (e) {
        e = diag_set(C->diag, e, NULL, 0, NULL, NULL, 0, "controlled rounding failed: %s",
                     fp_strerror(e));
        goto done;
    }
    for (size_t r = 0; r < C->n; r++)
        for (size_t k = 0; k < K; k++)
            if (J->zeroed[r * K + k])
                fp_table_set_amount(C->t, r, C->cats[k], 0);
    for (size_t i = 0; i < J->nv; i++) {
        int64_t v = x[local[J->vrow[i]] * K + J->vk[i]];
        fp_amount a;
        if (__builtin_mul_overflow(v, u, &a)) {
            e = diag_set(C->diag, FP_ERR_AMOUNT_OVERFLOW, fp_table_source(C->t),
                         fp_table_row_line(C->t, J->vrow[i]), NULL, NULL, 0,
                         "the new amount of %s does not fit", fp_table_row_name(C->t, J->vrow[i]));
            goto done;
        }
        fp_table_set_amount(C->t, J->vrow[i], C->cats[J->vk[i]], a);
    }
done:
    free(in);
    free(local);
    free(rows);
    free(parent);
    free(num);
    free(x);
    free(cmin);
    free(rmin);
    free(cpin);
    free(rpin);
    return e;
}

/* The variable cells (those CAND marks), each set's list of them (in table order), and a set
 * with nothing to change that is not asked for 0. */
static fp_error build_cells(joint *J, const uint8_t *cand)
{
    ctx *C = J->C;
    fp_table *t = C->t;
    size_t K = C->ncats;
    for (size_t c = 0; c < C->n * K; c++)
        J->nv += cand[c];
    size_t memb = 0;
    for (size_t c = 0; c < C->n * K; c++)
        if (cand[c])
            for (size_t j = 0; j < J->ntg; j++)
                memb += J->sets[j].has_col[c % K] && in_subtree(C, J->sets[j].tg->row, c / K);
    J->vrow = malloc((J->nv + 1) * sizeof *J->vrow);
    J->vk = malloc((J->nv + 1) * sizeof *J->vk);
    J->m = malloc((J->nv + 1) * sizeof *J->m);
    J->set_idx = malloc((memb + 1) * sizeof *J->set_idx);
    J->x0 = gsl_vector_alloc(J->nv + 1);
    J->eta = gsl_vector_calloc(J->nv + 1);
    J->x = gsl_vector_alloc(J->nv + 1);
    if (!J->vrow || !J->vk || !J->m || !J->set_idx || !J->x0 || !J->eta || !J->x)
        return realloc_nomem(C);
    fp_amount u = C->o->unit;
    double du = (double)u;
    size_t nv = 0;
    for (size_t p = 0; p < C->n; p++) { /* pre-order, so every set's cells come in table order */
        size_t r = C->pre[p];
        for (size_t k = 0; k < K; k++) {
            size_t c = r * K + k;
            J->var_of[c] = -1;
            if (!cand[c])
                continue;
            J->var_of[c] = (long)nv;
            J->vrow[nv] = r;
            J->vk[nv] = k;
            double v = (double)fp_table_amount(t, r, C->cats[k]) / du;
            gsl_vector_set(J->x0, nv, v);
            J->m[nv] = (double)(C->floor_of[C->cats[k]] / u);
            gsl_vector_set(J->x, nv, v > J->m[nv] ? v : J->m[nv]);
            nv++;
        }
    }
    size_t at = 0;
    for (size_t j = 0; j < J->ntg; j++) {
        jset *S = &J->sets[j];
        S->first = at;
        size_t top = S->tg->row;
        for (size_t p = C->pos[top]; p < C->pos[top] + C->size[top]; p++)
            for (size_t k = 0; k < K; k++) {
                long v = J->var_of[C->pre[p] * K + k];
                if (v >= 0 && S->has_col[k])
                    J->set_idx[at++] = (size_t)v;
            }
        S->end = at;
        if (S->end == S->first && S->avail != 0) {
            char g[FP_AMOUNT_BUFSIZE];
            amount_text(S->avail < 0 ? -S->avail : S->avail, g);
            return diag_set(C->diag, FP_ERR_INFEASIBLE, fp_table_source(t),
                            fp_table_row_line(t, top), S->tg->col_text, NULL, 0,
                            "%s:%s has nothing to scale: every cell under it is 0, kept by --fix "
                            "or taken to 0 by another --set, so there is no proportion to "
                            "follow; short by %s",
                            S->tg->unit_text, S->tg->col_text, g);
        }
    }
    return FP_OK;
}

/* Row bounds: no clawback (the new year total at least 已提前下达) on every leaf row something
 * under it changes in. */
static fp_error build_bounds(joint *J)
{
    ctx *C = J->C;
    fp_table *t = C->t;
    size_t K = C->ncats;
    fp_amount u = C->o->unit;
    if (!C->o->no_clawback || C->advance == FP_NONE || C->total == FP_NONE)
        return FP_OK;
    J->b_first = malloc((C->n + 1) * sizeof *J->b_first);
    J->b_end = malloc((C->n + 1) * sizeof *J->b_end);
    J->b_row = malloc((C->n + 1) * sizeof *J->b_row);
    J->b_need = malloc((C->n + 1) * sizeof *J->b_need);
    J->b_lo = malloc((C->n + 1) * sizeof *J->b_lo);
    J->b_mu = calloc(C->n + 1, sizeof *J->b_mu);
    J->row_idx = malloc((J->nv + 1) * sizeof *J->row_idx);
    if (!J->b_first || !J->b_end || !J->b_row || !J->b_need || !J->b_lo || !J->b_mu ||
        !J->row_idx)
        return realloc_nomem(C);
    size_t ri = 0;
    for (size_t r = 0; r < C->n; r++) {
        if (!is_leaf(C, r) || C->fixed[r])
            continue;
        i128 keep = fp_table_amount(t, r, C->total); /* what stays: not variable, not 0ed */
        size_t first = ri;
        for (size_t k = 0; k < K; k++) {
            size_t c = r * K + k;
            if (J->var_of[c] >= 0)
                J->row_idx[ri++] = (size_t)J->var_of[c];
            if (J->var_of[c] >= 0 || J->zeroed[c])
                keep -= fp_table_amount(t, r, C->cats[k]);
        }
        if (ri == first && !memchr(J->zeroed + r * K, 1, K))
            continue; /* nothing under it changes */
        i128 need = (i128)fp_table_amount(t, r, C->advance) - keep;
        if (need <= 0) {
            ri = first;
            continue;
        }
        if (ri == first)
            return diag_set(C->diag, FP_ERR_INFEASIBLE, fp_table_source(t),
                            fp_table_row_line(t, r), NULL, fp_table_row_name(t, r),
                            strlen(fp_table_row_name(t, r)),
                            "%s would fall below its 已提前下达 (--no-clawback) and has nothing "
                            "left to scale",
                            fp_table_row_name(t, r));
        J->b_first[J->nb] = first;
        J->b_end[J->nb] = ri;
        J->b_row[J->nb] = r;
        J->b_need[J->nb] = units_ceil((fp_amount)need, u);
        J->b_lo[J->nb] = (double)J->b_need[J->nb];
        J->nb++;
    }
    return FP_OK;
}

fp_error realloc_joint(ctx *C, const target *tg, size_t ntg)
{
    joint J;
    memset(&J, 0, sizeof J);
    J.C = C;
    J.ntg = ntg;
    fp_table *t = C->t;
    fp_amount u = C->o->unit;
    size_t K = C->ncats;
    fp_error e = FP_OK;
    gsl_set_error_handler_off();
    J.sets = calloc(ntg, sizeof *J.sets);
    J.var_of = malloc((C->n * K + 1) * sizeof *J.var_of);
    J.zeroed = calloc(C->n * K + 1, 1);
    uint8_t *cand = calloc(C->n * K + 1, 1);
    if (!J.sets || !J.var_of || !J.zeroed || !cand) {
        free(cand);
        joint_free(&J);
        return realloc_nomem(C);
    }
    for (size_t j = 0; j < ntg; j++) {
        J.sets[j].tg = &tg[j];
        for (size_t k = 0; k < K; k++)
            J.sets[j].has_col[k] = tg[j].whole || C->cats[k] == tg[j].col;
    }
    /* candidates: leaf cells some --set covers, not kept by --fix, not 0 (KL keeps a 0) */
    for (size_t r = 0; r < C->n; r++) {
        if (!is_leaf(C, r) || C->fixed[r])
            continue;
        for (size_t k = 0; k < K; k++) {
            if (fp_table_amount(t, r, C->cats[k]) <= 0)
                continue;
            for (size_t j = 0; j < ntg && !cand[r * K + k]; j++)
                cand[r * K + k] = J.sets[j].has_col[k] && in_subtree(C, tg[j].row, r);
        }
    }
    /* what each set must spread over its candidates */
    for (size_t j = 0; j < ntg; j++) {
        jset *S = &J.sets[j];
        i128 fixed_sum = 0;
        size_t top = tg[j].row;
        for (size_t p = C->pos[top]; p < C->pos[top] + C->size[top]; p++) {
            size_t r = C->pre[p];
            if (!is_leaf(C, r))
                continue;
            for (size_t k = 0; k < K; k++)
                if (S->has_col[k] && !cand[r * K + k])
                    fixed_sum += fp_table_amount(t, r, C->cats[k]);
        }
        S->avail = (i128)tg[j].amount - fixed_sum;
        if (S->avail < 0 || S->avail % u != 0) {
            char a[FP_AMOUNT_BUFSIZE], f[FP_AMOUNT_BUFSIZE], uu[FP_AMOUNT_BUFSIZE];
            amount_text(tg[j].amount, a);
            amount_text(fixed_sum, f);
            amount_text(S->avail < 0 ? -S->avail : u, uu);
            e = diag_set(C->diag, S->avail < 0 ? FP_ERR_INFEASIBLE : FP_ERR_ARGUMENT,
                         fp_table_source(t), fp_table_row_line(t, top), tg[j].col_text, NULL, 0,
                         S->avail < 0
                             ? "%s:%s = %s is less than the cells under it that do not change "
                               "(kept by --fix, or 0) (%s): short by %s"
                             : "%s:%s = %s less the cells under it that do not change (%s) is "
                               "not a whole number of units of %s",
                         tg[j].unit_text, tg[j].col_text, a, f, uu);
            goto done;
        }
    }
    /* a set to 0 (or to what its kept cells hold) takes its other cells to 0: no proportion
     * brings them back, and a --min floor on one of them cannot hold */
    for (size_t j = 0; j < ntg; j++) {
        if (J.sets[j].avail != 0)
            continue;
        size_t top = tg[j].row;
        i128 short_by = 0;
        uint8_t *floored = NULL; /* the columns whose --min is broken */
        for (size_t p = C->pos[top]; p < C->pos[top] + C->size[top]; p++)
            for (size_t k = 0; k < K; k++) {
                size_t c = C->pre[p] * K + k;
                if (J.sets[j].has_col[k] && cand[c]) {
                    cand[c] = 0;
                    J.zeroed[c] = 1;
                    if (C->floor_of[C->cats[k]] <= 0)
                        continue;
                    short_by += C->floor_of[C->cats[k]];
                    if (!floored && !(floored = calloc(K, 1))) {
                        e = realloc_nomem(C);
                        goto done;
                    }
                    floored[k] = 1;
                }
            }
        if (short_by > 0) {
            char a[FP_AMOUNT_BUFSIZE], f[FP_AMOUNT_BUFSIZE];
            strbuf mins = {0};
            for (size_t k = 0; k < K; k++)
                if (floored[k]) {
                    amount_text(C->floor_of[C->cats[k]], f);
                    strbuf_printf(&mins, "%s--min %s=%s", mins.len ? ", " : "",
                                  fp_table_column_name(t, C->cats[k]), f);
                }
            free(floored);
            amount_text(tg[j].amount, a);
            amount_text(short_by > INT64_MAX ? INT64_MAX : (fp_amount)short_by, f);
            e = mins.oom ? realloc_nomem(C)
                         : diag_set(C->diag, FP_ERR_CONFLICT, fp_table_source(t),
                                    fp_table_row_line(t, top), tg[j].col_text, NULL, 0,
                                    "--set %s:%s=%s cannot hold (with %s): it leaves nothing for "
                                    "the cells under it that a floor keeps above 0; short by %s",
                                    tg[j].unit_text, tg[j].col_text, a, strbuf_get(&mins), f);
            strbuf_free(&mins);
            goto done;
        }
        free(floored);
    }
    /* the variable cells and row bounds; the pairwise contradictions, then the exact test of
     * all of them together, which may take to 0 cells that no solution keeps above it, once */
    for (int pass = 0;; pass++) {
        int again = 0;
        if ((e = build_cells(&J, cand)) != FP_OK)
            goto done;
        if (pass == 0 && (e = joint_contradictions(&J)) != FP_OK)
            goto done;
        if ((e = build_bounds(&J)) != FP_OK)
            goto done;
        if ((e = joint_feasibility(&J, cand, &again)) != FP_OK)
            goto done;
        if (!again || pass > 0)
            break;
        release_cells(&J);
    }
    if ((e = fit(&J)) != FP_OK)
        goto done;
    e = round_jointly(&J);
done:
    free(cand);
    joint_free(&J);
    return e;
}
