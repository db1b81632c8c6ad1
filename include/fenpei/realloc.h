/* fenpei/realloc.h — what-if reallocation: new totals spread in whole units, identities exact. */
#ifndef FENPEI_REALLOC_H
#define FENPEI_REALLOC_H

#include <stddef.h>
#include <stdio.h>

#include "fenpei/amount.h"
#include "fenpei/apportion.h"
#include "fenpei/error.h"
#include "fenpei/table.h"

#ifdef __cplusplus
extern "C" {
#endif

/** How a single exact value becomes a multiple of the unit (where no method decides it). */
typedef enum fp_rounding {
    FP_ROUND_NEAREST = 0, /* halves away from zero */
    FP_ROUND_DOWN,        /* toward -infinity */
    FP_ROUND_UP,          /* toward +infinity */
    FP_ROUND_HALF_EVEN,   /* halves to the even multiple */
    FP_ROUND_MAX
} fp_rounding;

/** Parse "nearest", "down", "up", "half-even". */
fp_error fp_rounding_parse(const char *name, fp_rounding *out);
const char *fp_rounding_name(fp_rounding mode);

/** One --set: the new AMOUNT of COLUMN (a category or the year total) on UNIT (a name or a
 *  /-separated path of names from the top). */
typedef struct fp_realloc_target {
    const char *unit;
    const char *column;
    fp_amount amount;
} fp_realloc_target;

/** One --min: every leaf row gets at least AMOUNT in COLUMN. */
typedef struct fp_realloc_floor {
    const char *column;
    fp_amount amount;
} fp_realloc_floor;

typedef struct fp_realloc_options {
    fp_method method;       /* FP_METHOD_CONTROLLED by default */
    fp_amount unit;         /* granularity of the result; FP_AMOUNT_SCALE (1 unit) by default */
    fp_rounding rounding;   /* single-value rounding; FP_ROUND_NEAREST by default */
    int no_clawback;        /* keep every row's year total ≥ its 已提前下达 */
    const fp_realloc_target *targets;
    size_t target_count;
    const fp_realloc_floor *floors;
    size_t floor_count;
    const char *const *fixed; /* units (names or paths) kept unchanged with their subtrees */
    size_t fixed_count;
    long fit_rounds; /* most rounds of fitting several targets together (0: the default, from
                        5,000 up to 10^6 as the request is small); when they do not reach the
                        targets, FP_ERR_NO_CONVERGENCE with the residual and no table */
} fp_realloc_options;

/** Fill OPTS with the defaults. */
void fp_realloc_options_init(fp_realloc_options *opts);

/** Apply OPTS to IN and store the new table in *OUT (caller frees with fp_table_free). The new
 *  table has IN's columns and rows; 已提前下达 is unchanged and 此次下达 = 全年 − 已提前下达.
 *  The result passes fp_check before it is returned (FP_ERR_INTERNAL otherwise). Errors:
 *  FP_ERR_UNIT_NOT_FOUND / _AMBIGUOUS, FP_ERR_COLUMN, FP_ERR_CONFLICT, FP_ERR_INFEASIBLE,
 *  FP_ERR_NO_CONVERGENCE (several targets not reached in opts->fit_rounds; *OUT stays NULL). */
fp_error fp_realloc(const fp_table *in, const fp_realloc_options *opts, fp_table **out,
                    fp_diag *diag);

/** How the leaf rows' amounts in one column changed between two versions of a table: a
 *  description for people, in binary floating point (GSL statistics). It never decides an
 *  amount. Rows whose old amount is 0 have no percentage and are not counted. */
typedef struct fp_change_stats {
    size_t rows;             /* leaf rows counted */
    double mean_pct, sd_pct; /* mean and standard deviation of the % change */
    double min_pct, max_pct; /* the extremes … */
    size_t min_row, max_row; /* … and where they are (FP_NONE when no row counted) */
} fp_change_stats;

/** Fill *OUT for column COL of OLD and NEW_ (the same rows and columns). FP_ERR_ARGUMENT when
 *  the shapes differ or COL is not an amount column. */
fp_error fp_change_stats_compute(const fp_table *old, const fp_table *new_, size_t col,
                                 fp_change_stats *out);

/** One factor of the factor method (因素法): a column of the factor table and its weight as
 *  decimal text ("0.6"); the weights of a run add up to exactly 1. */
typedef struct fp_factor_weight {
    const char *column;
    const char *weight;
} fp_factor_weight;

typedef struct fp_allocate_options {
    fp_amount total; /* the amount to allocate (a whole number of units) */
    fp_amount base;  /* given to every leaf first (0: none); a whole number of units */
    fp_amount unit;  /* granularity of the result; FP_AMOUNT_SCALE (1 unit) by default */
    const fp_factor_weight *weights;
    size_t weight_count;
} fp_allocate_options;

/** Fill OPTS with the defaults. */
void fp_allocate_options_init(fp_allocate_options *opts);

/** Split TEXT, "常住人口=0.6,管理人数=0.4" (items cut at ',' or a whole full-width '，'), in place
 *  into at most MAX pairs in W, whose column and weight point into TEXT (modified; the weights are
 *  not parsed). Returns how many, or -1 when an item is not COLUMN=WEIGHT (*BAD points at it) or
 *  -2 when there are more than MAX. */
long fp_factor_weights_split(char *text, fp_factor_weight *w, size_t max, const char **bad);

/** The factor method on FACTORS (a tree or flat table whose leaf rows carry the factor columns):
 *  leaf i's share is Σ_k w_k·f_ki / Σ_j f_kj, in exact rationals from the decimal text; each leaf
 *  gets the base, then its share of the rest; rounded to whole units by controlled rounding
 *  (each leaf and each parent within one unit of its exact amount, parents exact sums, the leaves
 *  adding up to the total). *AMOUNTS gets one amount per row of FACTORS (the caller frees it with
 *  free()). Errors name the row and column: a missing or negative factor, weights not adding up
 *  to 1, a factor column that sums to 0, a total below the bases. */
fp_error fp_allocate(const fp_table *factors, const fp_allocate_options *opts, fp_amount **amounts,
                     fp_diag *diag);

/** The same allocation written into COLUMN (a category) of the allocation table TABLE, whose
 *  leaves are matched to FACTORS' leaves by their path of names (or by a name unique in both);
 *  its subtotals, 全年 and 此次下达 are updated and the result checked (the caller frees *OUT
 *  with fp_table_free). A leaf of either table the other lacks is an error naming it. */
fp_error fp_allocate_into(const fp_table *factors, const fp_allocate_options *opts,
                          const fp_table *table, const char *column, fp_table **out,
                          fp_diag *diag);

/** The listing `fenpei allocate -o` writes, as UTF-8 CSV to OUT: 级次, 单位, the factor columns of
 *  OPTS (as read), then COLUMN holding AMOUNTS (from fp_allocate), one line per row of FACTORS in
 *  its order. FP_ERR_IO on a write error. */
fp_error fp_allocate_write_csv(const fp_table *factors, const fp_allocate_options *opts,
                               const fp_amount *amounts, const char *column, FILE *out);

#ifdef __cplusplus
}
#endif
#endif
