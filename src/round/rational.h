/* round/rational.h — the one place where an exact quotient becomes a whole number (private). */
#ifndef FENPEI_ROUND_RATIONAL_H
#define FENPEI_ROUND_RATIONAL_H

#include <stdint.h>

#include "fenpei/realloc.h" /* fp_rounding */

#include "util/int128.h"

/* Round num/den (den > 0) to an integer by MODE: FP_ROUND_NEAREST (halves away from zero),
 * FP_ROUND_DOWN (toward -inf), FP_ROUND_UP (toward +inf), FP_ROUND_HALF_EVEN. */
i128 rat_round_div(i128 num, i128 den, fp_rounding mode);

/* floor(num/den) for den > 0, any sign of num. */
i128 rat_floor_div(i128 num, i128 den);

/* The greatest common divisor of |a| and |b| (0 when both are 0). */
i128 rat_gcd(i128 a, i128 b);

#endif
