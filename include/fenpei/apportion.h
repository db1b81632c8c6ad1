/* fenpei/apportion.h — split a whole number of units among parties in proportion to weights. */
#ifndef FENPEI_APPORTION_H
#define FENPEI_APPORTION_H

#include <stddef.h>
#include <stdint.h>

#include "fenpei/amount.h"
#include "fenpei/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Rounding methods. The classical ones split one total among parties; CONTROLLED rounds a
 *  whole table jointly (see fenpei/realloc.h) and is not accepted by fp_apportion. */
typedef enum fp_method {
    FP_METHOD_CONTROLLED = 0,
    FP_METHOD_HAMILTON,        /* largest remainder */
    FP_METHOD_JEFFERSON,       /* D'Hondt: divisors 1, 2, 3, … */
    FP_METHOD_WEBSTER,         /* Sainte-Laguë: divisors 0.5, 1.5, 2.5, … */
    FP_METHOD_HUNTINGTON_HILL, /* divisors sqrt(s(s+1)) */
    FP_METHOD_ADAMS,           /* divisors 0, 1, 2, … */
    FP_METHOD_MAX
} fp_method;

/** Parse a method name: controlled, hamilton, jefferson (dhondt), webster (sainte-lague),
 *  huntington-hill, adams. Returns FP_ERR_ARGUMENT for anything else. */
fp_error fp_method_parse(const char *name, fp_method *out);
/** Canonical name of METHOD. */
const char *fp_method_name(fp_method method);

/** Give SEATS whole units to N parties in proportion to WEIGHTS (exact, ≥ 0, not all 0 unless
 *  SEATS is 0), writing OUT[i]. MIN and MAX (may be NULL) bound each party's share; with
 *  Hamilton a party whose quota's floor is below MIN[i] gets MIN[i] and takes no part in the
 *  remainder ranking (the historical US rule). Every comparison is exact integer arithmetic.
 *  Ties go to the party that comes first in the input. FP_ERR_INFEASIBLE when the bounds
 *  cannot be met; DIAG says by how much. */
fp_error fp_apportion(fp_method method, const fp_amount *weights, size_t n, int64_t seats,
                      const int64_t *min, const int64_t *max, int64_t *out, fp_diag *diag);

#ifdef __cplusplus
}
#endif
#endif
