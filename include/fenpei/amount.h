/* fenpei/amount.h — exact money: decimal text to int64 fixed point and back. */
#ifndef FENPEI_AMOUNT_H
#define FENPEI_AMOUNT_H

#include <stddef.h>
#include <stdint.h>

#include "fenpei/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/** An amount in the table's own unit (e.g. 万元), as an integer count of 10^-6 of that unit.
 *  Binary floating point never holds an amount. Range: about ±9.2e12 units. */
typedef int64_t fp_amount;

#define FP_AMOUNT_DECIMALS 6
#define FP_AMOUNT_SCALE INT64_C(1000000)
#define FP_AMOUNT_MAX INT64_MAX
#define FP_AMOUNT_MIN (-INT64_MAX) /* symmetric, so negation never overflows */

/** What fp_amount_parse saw besides the value. */
typedef struct fp_amount_info {
    int blank;    /* empty, or an empty marker ("-", "—", "－"): value 0 */
    int decimals; /* digits after the decimal point as written (trailing zeros included) */
    int plain;    /* the text is exactly what fp_amount_format(value, 0) prints ("" if blank) */
} fp_amount_info;

/** Parse LEN bytes of UTF-8 TEXT into *VALUE. Accepts surrounding spaces (also U+3000, U+00A0),
 *  blank and "-", "—", "－", "——", "–" as empty (0), ASCII or full-width digits, signs and point,
 *  thousands separators in groups of three ("26,455"), a leading sign or parentheses for a
 *  negative. Returns FP_ERR_AMOUNT_SYNTAX, _OVERFLOW or _PRECISION (more than 6 nonzero
 *  decimals) otherwise, leaving *VALUE at 0. INFO may be NULL. */
fp_error fp_amount_parse(const char *text, size_t len, fp_amount *value, fp_amount_info *info);

/** Longest text fp_amount_format writes, with its terminating NUL. */
#define FP_AMOUNT_BUFSIZE 32

/** Write VALUE as decimal text into BUF (at least FP_AMOUNT_BUFSIZE bytes): a '-' for
 *  negatives, no thousands separators, at least MIN_DECIMALS (0..6) digits after the point and
 *  as many more as needed to be exact. Returns the length written. */
size_t fp_amount_format(fp_amount value, int min_decimals, char *buf);

/** Longest text fp_amount_percent writes, with its terminating NUL. */
#define FP_PERCENT_BUFSIZE 48

/** The change from OLD to NEW_ as a percentage of |OLD|, exact to 0.01% (halves away from zero),
 *  as text into BUF (at least FP_PERCENT_BUFSIZE bytes): "66.67%", "-3.12%",
 *  "999999999900.00%". Computed in exact integers whatever the magnitudes; OLD = 0 has no
 *  percentage and writes "". Returns the length written. */
size_t fp_amount_percent(fp_amount old, fp_amount new_, char *buf);

/** The same percentage as a fraction for a spreadsheet cell (-0.0312 for -3.12%): the exactly
 *  rounded basis points, then converted to double once; 0 when OLD is 0. */
double fp_amount_percent_value(fp_amount old, fp_amount new_);

/** a + b into *out; 0 on success, -1 (and *out untouched) on overflow. */
static inline int fp_amount_add(fp_amount a, fp_amount b, fp_amount *out)
{
    fp_amount r;
    if (__builtin_add_overflow(a, b, &r) || r < FP_AMOUNT_MIN)
        return -1;
    *out = r;
    return 0;
}

/** a - b into *out; 0 on success, -1 (and *out untouched) on overflow. */
static inline int fp_amount_sub(fp_amount a, fp_amount b, fp_amount *out)
{
    fp_amount r;
    if (__builtin_sub_overflow(a, b, &r) || r < FP_AMOUNT_MIN)
        return -1;
    *out = r;
    return 0;
}

#ifdef __cplusplus
}
#endif
#endif
