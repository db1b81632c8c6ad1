/* round/netsimplex.h — minimum-cost flow by the primal network simplex (private). */
#ifndef FENPEI_ROUND_NETSIMPLEX_H
#define FENPEI_ROUND_NETSIMPLEX_H

#include <stddef.h>
#include <stdint.h>

#include "fenpei/error.h"

#include "util/int128.h"

/* A network of N nodes and M arcs: arc k goes from TAIL[k] to HEAD[k] (< n), carries a flow
 * 0 ≤ flow ≤ CAP[k] at COST[k] per unit (any sign; Σ|COST|·CAP < 2^112); CAP may be NULL
 * (every capacity 1).
 * SUPPLY[v] is the net outflow node v must have (Σ SUPPLY = 0; Σ CAP + Σ|SUPPLY| < 2^62).
 *
 * Writes into FLOW[k] a feasible flow of least total cost and returns FP_OK;
 * FP_ERR_INFEASIBLE when no feasible flow exists; FP_ERR_ARGUMENT, FP_ERR_NOMEM.
 * Deterministic: the same network always gives the same flow (among equally cheap ones, the
 * one the fixed pivot order reaches). */
fp_error netsimplex_solve(size_t n, size_t m, const uint32_t *tail, const uint32_t *head,
                          const int64_t *cap, const i128 *cost, const int64_t *supply,
                          int64_t *flow);

/* Which pricing kernel: AUTO uses AVX2 where the processor has it; SCALAR never does (for the
 * tests, which check that both take the same pivots). */
typedef enum netsimplex_kernel { NETSIMPLEX_AUTO, NETSIMPLEX_SCALAR } netsimplex_kernel;

fp_error netsimplex_solve_kernel(size_t n, size_t m, const uint32_t *tail, const uint32_t *head,
                                 const int64_t *cap, const i128 *cost, const int64_t *supply,
                                 int64_t *flow, netsimplex_kernel kernel);

#endif
