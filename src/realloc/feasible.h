/* realloc/feasible.h — can every target and bound hold at once? An exact test on the network the
 * targets form, with a certificate when they cannot (private). */
#ifndef FENPEI_REALLOC_FEASIBLE_H
#define FENPEI_REALLOC_FEASIBLE_H

#include <stddef.h>
#include <stdint.h>

#include "fenpei/error.h"
#include "util/int128.h"

#define FEAS_NONE ((size_t)-1)
#define FEAS_UNBOUNDED ((i128)-1)

/* Cells x_i ≥ FLOOR[i] (no upper bound) and sets of cells with LO[j] ≤ Σ_{i ∈ j} x_i ≤ HI[j]
 * (HI[j] = FEAS_UNBOUNDED: no upper bound; LO[j] ≤ HI[j] otherwise). The sets form two laminar
 * families (FAMILY[j] 0 or 1; e.g. whole rows of subtrees, and one column of subtrees): PARENT[j]
 * is the smallest set of the same family strictly containing j (FEAS_NONE for none), and
 * CELL_SET[2*i + f] the smallest set of family f holding cell i (FEAS_NONE for none); a cell is in
 * a set exactly when the set is that one or one of its ancestors. All amounts are integers ≥ 0 in
 * any common unit, below 2^100 in all. */
typedef struct feas_net {
    size_t ncells, nsets;
    const i128 *floor;
    const size_t *cell_set;
    const size_t *parent;
    const uint8_t *family;
    const i128 *lo, *hi;
} feas_net;

/* What feas_solve found. The arrays are the caller's (NSETS and NCELLS entries). */
typedef struct feas_result {
    int feasible;
    /* Infeasible: a certificate. The bounds marked here cannot hold together, whatever the other
     * sets and cells do: the lower bounds (SET_CUT[j] = FEAS_LOWER, CELL_CUT[i] = 1 for a floor)
     * ask GAP more than the upper bounds (SET_CUT[j] = FEAS_UPPER) allow (Hoffman's circulation
     * theorem on a minimum cut); no other such certificate shows a larger gap. */
    i128 gap;
    uint8_t *set_cut;
    uint8_t *cell_cut;
    /* Feasible: AT_FLOOR[i] = 1 when cell i equals its floor in every solution. */
    uint8_t *at_floor;
} feas_result;

enum { FEAS_LOWER = 1, FEAS_UPPER = 2 };

/* Decide exactly (integer arithmetic: max-flow with lower bounds) whether some real x meets every
 * floor and set bound; since the system is a network, a real solution exists exactly when an
 * integral one does. Returns FP_OK with R filled, FP_ERR_ARGUMENT for an ill-formed net,
 * FP_ERR_NOMEM, or FP_ERR_INTERNAL when the certificate does not add up (a bug). */
fp_error feas_solve(const feas_net *N, feas_result *R);

#endif
