/* round/rational.c — exact quotients rounded to whole numbers, and the rounding-mode names. */
#include "round/rational.h"

#include <stddef.h>
#include <strings.h>

/* floor(num/den) for den > 0. C division truncates toward zero, so a negative quotient with a
 * remainder is one too high. The division cannot overflow: den > 0 excludes INT128_MIN / -1.
 * den <= 0 breaks the contract; 0 is returned rather than trapping. */
i128 rat_floor_div(i128 num, i128 den)
{
    if (den <= 0)
        return 0;
    i128 q = num / den;
    if (num % den < 0)
        q -= 1;
    return q;
}

/* Round num/den (den > 0) by MODE. With q = floor(num/den) and r = num - q*den in [0, den),
 * the exact value is q + r/den; every mode picks q or q + 1. The half test compares r with
 * den - r instead of 2r with den, so it cannot overflow. q + 1 is only taken when r > 0, and
 * then q + 1 = ceil(num/den) ≤ INT128_MAX. An unknown MODE rounds toward -infinity. */
i128 rat_round_div(i128 num, i128 den, fp_rounding mode)
{
    if (den <= 0)
        return 0;
    /* q*den itself may not fit (INT128_MIN / 3), so take the remainder from C's % */
    i128 q = num / den, r = num % den;
    if (r < 0) {
        q -= 1;
        r += den;
    }
    if (r == 0)
        return q;
    i128 rest = den - r;
    switch (mode) {
    case FP_ROUND_UP:
        return q + 1;
    case FP_ROUND_NEAREST:
        if (r != rest)
            return r > rest ? q + 1 : q;
        /* exactly q + 1/2: away from zero, i.e. up when q + 1/2 > 0 */
        return q >= 0 ? q + 1 : q;
    case FP_ROUND_HALF_EVEN:
        if (r != rest)
            return r > rest ? q + 1 : q;
        return (q % 2 == 0) ? q : q + 1;
    case FP_ROUND_DOWN:
    case FP_ROUND_MAX:
    default:
        return q;
    }
}

static const char *const S_rounding_names[FP_ROUND_MAX] = {
    [FP_ROUND_NEAREST] = "nearest",
    [FP_ROUND_DOWN] = "down",
    [FP_ROUND_UP] = "up",
    [FP_ROUND_HALF_EVEN] = "half-even",
};

fp_error fp_rounding_parse(const char *name, fp_rounding *out)
{
    if (name == NULL)
        return FP_ERR_ARGUMENT;
    for (int m = 0; m < FP_ROUND_MAX; m++) {
        if (strcasecmp(name, S_rounding_names[m]) == 0) {
            if (out != NULL)
                *out = (fp_rounding)m;
            return FP_OK;
        }
    }
    return FP_ERR_ARGUMENT;
}

const char *fp_rounding_name(fp_rounding mode)
{
    if ((int)mode < 0 || mode >= FP_ROUND_MAX)
        return "unknown";
    return S_rounding_names[mode];
}

i128 rat_gcd(i128 a, i128 b)
{
    if (a < 0)
        a = -a;
    if (b < 0)
        b = -b;
    while (b) {
        i128 t = a % b;
        a = b;
        b = t;
    }
    return a;
}
