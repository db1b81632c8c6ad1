/* realloc/joint.h — the state of a joint fit of several --set, shared by the fit (joint.c) and
 * the tests of targets that cannot all hold (conflict.c) (private). */
#ifndef FENPEI_REALLOC_JOINT_H
#define FENPEI_REALLOC_JOINT_H

#include <gsl/gsl_vector.h>

#include "realloc/realloc_impl.h"

typedef struct jset {
    const target *tg;
    int has_col[256]; /* by index into C->cats: the set's columns */
    i128 avail;    /* the amount less what no variable cell holds, in micro-units */
    size_t first, end; /* its variable cells: idx[first .. end) */
} jset;

typedef struct joint {
    ctx *C;
    size_t ntg;
    jset *sets;
    /* variable cells */
    size_t nv;
    size_t *vrow, *vk;   /* table row, index into C->cats */
    gsl_vector *x0, *eta, *x; /* old value, log factor, current value (units) */
    double *m;           /* floor (units) */
    size_t *set_idx;     /* cells of each set */
    /* bounded rows */
    size_t nb;
    size_t *b_first, *b_end, *row_idx; /* cells of each bounded row: row_idx[b_first .. b_end) */
    size_t *b_row;
    int64_t *b_need;     /* each bounded row's least sum, in whole units */
    double *b_lo, *b_mu;
    /* per table leaf cell: -1 not variable, else the variable index; zeroed cells */
    long *var_of;
    uint8_t *zeroed;
} joint;

static inline int in_subtree(const ctx *C, size_t top, size_t r)
{
    return C->pos[r] >= C->pos[top] && C->pos[r] < C->pos[top] + C->size[top];
}

/* Does set A hold every cell set B can hold (B's subtree inside A's, its columns among A's)? */
static inline int contains(const joint *J, const jset *a, const jset *b)
{
    if (!in_subtree(J->C, a->tg->row, b->tg->row))
        return 0;
    for (size_t k = 0; k < J->C->ncats; k++)
        if (b->has_col[k] && !a->has_col[k])
            return 0;
    return 1;
}

/* Can sets A and B share no cell (subtrees apart, or no column in common)? */
static inline int disjoint(const joint *J, const jset *a, const jset *b)
{
    if (!in_subtree(J->C, a->tg->row, b->tg->row) && !in_subtree(J->C, b->tg->row, a->tg->row))
        return 1;
    for (size_t k = 0; k < J->C->ncats; k++)
        if (a->has_col[k] && b->has_col[k])
            return 0;
    return 1;
}

/* An amount (micro-units, known to fit) as its decimal text. */
static inline void amount_text(i128 v, char *buf) { fp_amount_format((fp_amount)v, 0, buf); }

/* conflict.c: the pairwise contradictions among the --set, named with the gap. */
fp_error joint_contradictions(joint *J);

/* The largest sets strictly inside set J (in no other set inside J), taken in order while they
 * are disjoint, into TAKEN (at most 64); how many. */
size_t joint_inner_sets(const joint *J, size_t j, size_t taken[64]);
/* conflict.c: the exact test of every --set and bound together (feasible.c): a conflict named
 * with its certificate, or the cells every solution keeps at 0 taken to 0 (*AGAIN = 1). */
fp_error joint_feasibility(joint *J, uint8_t *cand, int *again);

#endif
