/* realloc/realloc_impl.h — what the stages of realloc share: the request, the table being
 * changed, the bounded proportional solver (private). */
#ifndef FENPEI_REALLOC_IMPL_H
#define FENPEI_REALLOC_IMPL_H

#include <stddef.h>
#include <stdint.h>

#include "fenpei/realloc.h"
#include "round/rational.h"

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

static inline int is_leaf(const ctx *C, size_t r) { return C->size[r] == 1; }

/* ceil(a / u) in whole units (u > 0). */
static inline int64_t units_ceil(fp_amount a, fp_amount u)
{
    return (int64_t)-rat_floor_div(-(i128)a, u);
}

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

static inline fp_amount cell(const solver *S, size_t l, size_t k)
{
    return fp_table_amount(S->C->t, S->leaves[l].row, S->cols[k]);
}

static inline fp_amount floor_amount(const solver *S, size_t k)
{
    return S->C->floor_of[S->cols[k]];
}

/* realloc.c: out of memory, in the diagnostic; find a unit by name or path. */
fp_error realloc_nomem(ctx *C);
fp_error realloc_find_unit(ctx *C, const char *name, size_t *row);
/* Recompute every internal cell of the split columns from its rows, then every year total and
 * 此次下达; TG names the --set in an overflow message. */
fp_error realloc_recompute(ctx *C, const target *tg);

/* fit.c: the exact bounded proportional factor of one target (S->fnum / S->fden), the split of a
 * held row, and the block's targets over one common denominator (see fit.c). */
fp_error realloc_solve_factor(solver *S, fp_amount available);
fp_error realloc_split_held_row(solver *S, size_t l, int64_t *out);
int realloc_block_targets(solver *S, const size_t *rows, size_t nrows, const size_t *parent,
                          i128 *num, i128 *den);

/* apply.c: apply one target (its exact share, rounded by the chosen method) to C->t's leaves. */
fp_error realloc_apply(ctx *C, const target *tg);

/* joint.c: several targets at once: the fit closest to the old table in Kullback–Leibler
 * divergence, then one joint controlled rounding of everything that changed. */
fp_error realloc_joint(ctx *C, const target *tg, size_t ntg);

#endif
