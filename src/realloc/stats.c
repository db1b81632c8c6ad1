/* realloc/stats.c — how the leaf rows' amounts changed: GSL statistics for people to read. */
#include <gsl/gsl_errno.h>
#include <gsl/gsl_statistics_double.h>
#include <stdlib.h>
#include <string.h>

#include "fenpei/realloc.h"
#include "fenpei/table.h"

fp_error fp_change_stats_compute(const fp_table *old, const fp_table *new_, size_t col,
                                 fp_change_stats *out)
{
    memset(out, 0, sizeof *out);
    out->min_row = out->max_row = FP_NONE;
    size_t n = fp_table_row_count(old);
    if (n != fp_table_row_count(new_) ||
        fp_table_column_count(old) != fp_table_column_count(new_) ||
        col >= fp_table_column_count(old) || !fp_table_column_is_amount(old, col))
        return FP_ERR_ARGUMENT;
    double *pct = malloc((n ? n : 1) * sizeof *pct);
    size_t *row = malloc((n ? n : 1) * sizeof *row);
    if (!pct || !row) {
        free(pct);
        free(row);
        return FP_ERR_NOMEM;
    }
    size_t k = 0;
    for (size_t r = 0; r < n; r++) {
        fp_amount a = fp_table_amount(old, r, col);
        if (fp_table_first_child(old, r) != FP_NONE || a == 0)
            continue;
        /* the only place an amount meets a double: a ratio for people to read */
        pct[k] = 100.0 * ((double)(fp_table_amount(new_, r, col) - a) / (double)a);
        row[k++] = r;
    }
    if (k) {
        gsl_set_error_handler_off();
        size_t lo, hi;
        gsl_stats_minmax_index(&lo, &hi, pct, 1, k);
        out->rows = k;
        out->mean_pct = gsl_stats_mean(pct, 1, k);
        out->sd_pct = k > 1 ? gsl_stats_sd_m(pct, 1, k, out->mean_pct) : 0.0;
        out->min_pct = pct[lo];
        out->max_pct = pct[hi];
        out->min_row = row[lo];
        out->max_row = row[hi];
    }
    free(pct);
    free(row);
    return FP_OK;
}
