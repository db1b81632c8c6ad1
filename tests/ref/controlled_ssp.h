/* tests/ref/controlled_ssp.h — the reference controlled rounding (successive shortest paths). */
#ifndef FENPEI_TESTS_REF_CONTROLLED_SSP_H
#define FENPEI_TESTS_REF_CONTROLLED_SSP_H

#include "round/controlled.h"

/* The contract of round_controlled and round_controlled_pinned (src/round/controlled.h), solved
 * independently by successive shortest paths: same optimal cost, possibly another optimum. */
fp_error ssp_round_controlled(size_t nodes, const size_t *parent, size_t cats, const i128 *num,
                              i128 den, const int64_t *cell_min, const int64_t *row_min,
                              int64_t *x);

fp_error ssp_round_controlled_pinned(size_t nodes, const size_t *parent, size_t cats,
                                     const i128 *num, i128 den, const int64_t *cell_min,
                                     const int64_t *row_min, const int64_t *cell_pin,
                                     const int64_t *row_pin, int64_t *x);

#endif
