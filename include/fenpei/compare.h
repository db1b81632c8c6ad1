/* fenpei/compare.h — two versions of a table side by side (方案一 vs 方案二, last year vs this). */
#ifndef FENPEI_COMPARE_H
#define FENPEI_COMPARE_H

#include <stddef.h>
#include <stdio.h>

#include "fenpei/amount.h"
#include "fenpei/error.h"
#include "fenpei/table.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Two tables matched unit by unit (by the path of names from the top, not by line) and column
 *  by column (amount columns with the same heading in both). Opaque. */
typedef struct fp_comparison fp_comparison;

/** One unit of either table: its path and name, and its row in each (FP_NONE where absent). */
typedef struct fp_compare_unit {
    const char *path;
    const char *name;
    size_t old_row, new_row;
    int leaf; /* a leaf (末级) row in the table(s) it is in */
} fp_compare_unit;

/** One unit's figures in one column; ranks are 1-based among the leaf units of each table in
 *  that column, largest first, equal amounts sharing a rank (0: not ranked). */
typedef struct fp_compare_value {
    fp_amount old, new_;
    int has_old, has_new;
    size_t rank_old, rank_new;
} fp_compare_value;

/** Compare OLD and NEW_ into *OUT (the caller frees it with fp_comparison_free; both tables must
 *  outlive it). Units come in OLD's order, then those only in NEW_. Each table is also checked
 *  (fp_check, default rules): a table whose identities do not all hold is compared all the same,
 *  and fp_comparison_errors says so. FP_ERR_COLUMN when the two share no amount column. */
fp_error fp_compare(const fp_table *old, const fp_table *new_, fp_comparison **out,
                    fp_diag *diag);
void fp_comparison_free(fp_comparison *c);

size_t fp_comparison_column_count(const fp_comparison *c);
/** How many errors (identities that do not hold) and warnings fp_check finds in the old table
 *  (NEW_ 0) or the new one (NEW_ 1). */
size_t fp_comparison_errors(const fp_comparison *c, int new_);
size_t fp_comparison_warnings(const fp_comparison *c, int new_);
const char *fp_comparison_column_name(const fp_comparison *c, size_t k);
size_t fp_comparison_unit_count(const fp_comparison *c);
const fp_compare_unit *fp_comparison_unit(const fp_comparison *c, size_t i);
/** Unit I's figures in compared column K. */
fp_compare_value fp_comparison_value(const fp_comparison *c, size_t i, size_t k);

/** Write the comparison as a workbook to PATH: a sheet 汇总 (per column the totals of both
 *  tables, the change, the units only in one) and one sheet per column (every unit's old, new,
 *  change, % change and ranks). Same input, same bytes. */
fp_error fp_xlsx_write_compare(const fp_comparison *c, const char *old_name,
                               const char *new_name, const char *path, fp_diag *diag);

/** As fp_xlsx_write_compare, into a new buffer of *LEN bytes stored in *DATA (the caller frees it
 *  with free()); no name of the caller's reaches the file system. */
fp_error fp_xlsx_compare_buffer(const fp_comparison *c, const char *old_name,
                                const char *new_name, char **data, size_t *len, fp_diag *diag);

/** The comparison as UTF-8 CSV to OUT (`fenpei compare --format csv`): one line per unit and
 *  column — 状态, 路径, 单位, 列, 原值, 新值, 变动, 变动率, 原排名, 新排名, 排名变化. FP_ERR_IO on a
 *  write error. */
fp_error fp_comparison_write_csv(const fp_comparison *c, FILE *out);

/** The comparison as JSON to OUT (`fenpei compare --format json`): {old, new, checks: {old:
 *  {errors, warnings}, new: {…}}, units: [{path, unit, in, values: [{column, old, new, change,
 *  pct, rank_old, rank_new}]}]}, OLD_NAME and NEW_NAME naming the two tables. FP_ERR_IO on a
 *  write error. */
fp_error fp_comparison_write_json(const fp_comparison *c, const char *old_name,
                                  const char *new_name, FILE *out);

#ifdef __cplusplus
}
#endif
#endif
