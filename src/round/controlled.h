/* round/controlled.h — controlled rounding of a tree × categories block (private). */
#ifndef FENPEI_ROUND_CONTROLLED_H
#define FENPEI_ROUND_CONTROLLED_H

#include <stddef.h>
#include <stdint.h>

#include "fenpei/error.h"
#include "fenpei/table.h" /* FP_NONE */
#include "util/int128.h"

/* A block to round: NODES tree nodes in pre-order (parent[i] < i, or FP_NONE for a root; a node
 * with no children is a leaf), CATS categories. Only leaf cells carry targets; every internal
 * cell (node, c) is the sum of its children's cells, every row total the sum of its categories.
 *
 * Exact targets, in whole units, are fractions over one common denominator DEN > 0:
 *     target(leaf, c) = num[leaf * cats + c] / den     (num ≥ 0)
 * (entries of num for internal nodes are ignored).
 *
 * The result x[node * cats + c] (written for every node, internal ones as sums) is integer and:
 *   - every cell, every internal cell, every row total (Σ_c) of every node and every category
 *     total over the roots lies in {floor, ceil} of its exact value (= it, when that is whole);
 *   - all sums hold exactly;
 *   - optional lower bounds hold: cell_min[node*cats+c] on leaf cells and row_min[node] on leaf
 *     row totals (NULL for none; INT64_MIN for "no bound");
 *   - among all such roundings, Σ over every cell and every row total of |x - exact| is least;
 *     ties are broken deterministically (same input, same output).
 * Returns FP_OK, FP_ERR_INFEASIBLE when the bounds exclude every such rounding, FP_ERR_NOMEM,
 * or FP_ERR_AMOUNT_OVERFLOW when a value does not fit. */

fp_error round_controlled(size_t nodes, const size_t *parent, size_t cats, const i128 *num,
                          i128 den, const int64_t *cell_min, const int64_t *row_min,
                          int64_t *x);

/* The same with pinned values: CELL_PIN[node*cats+c] (any node, internal ones too) and
 * ROW_PIN[node] (its row total) force that cell or row total to the given whole number
 * (INT64_MIN: not pinned; either array may be NULL). A pin may differ from the exact value by a
 * little: when the exact values meet the pins to within a total of less than one unit, an
 * integral solution with every other figure in {floor, ceil} of its exact value still exists
 * (Hoffman's circulation theorem: every cut's bounds are integers, and the exact flow misses
 * balance by less than one), and it is the one returned; otherwise FP_ERR_INFEASIBLE. */
fp_error round_controlled_pinned(size_t nodes, const size_t *parent, size_t cats,
                                 const i128 *num, i128 den, const int64_t *cell_min,
                                 const int64_t *row_min, const int64_t *cell_pin,
                                 const int64_t *row_pin, int64_t *x);

#endif
