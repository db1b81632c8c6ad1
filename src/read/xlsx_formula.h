/* read/xlsx_formula.h — the formulas an XLSX reader evaluates itself: a formula cell written
 * without its cached value (as scripts and openpyxl write them), SUM and + − only (private). */
#ifndef FENPEI_READ_XLSX_FORMULA_H
#define FENPEI_READ_XLSX_FORMULA_H

#include <stddef.h>

#include "fenpei/amount.h"

/* What a cell holds, for the evaluator. */
typedef enum xf_kind { XF_BLANK, XF_NUMBER, XF_TEXT, XF_FAILED } xf_kind;

/* The value of the cell at ROW (1-based) and COL (0-based): its kind, and for XF_NUMBER the
 * amount in *OUT. XF_FAILED when the cell is itself a formula that could not be evaluated (the
 * lookup has then filled WHY). */
typedef xf_kind (*xf_lookup)(void *ctx, long row, long col, fp_amount *out, char *why,
                             size_t whysize);

/* Cells a SUM range may span: a larger range is refused rather than walked. */
#define XF_MAX_RANGE 4000000L

/* Evaluate FORMULA (as stored in <f>, without '='): numbers, cell references (A1, $A$1), unary
 * and binary + and -, parentheses, and SUM(…) of references, ranges (B4:B10) and expressions.
 * Exact: amounts, never binary floating point; in a SUM range blank and text cells count
 * nothing, as in Excel; a single reference to text is an error. 0 and *OUT, or -1 with the
 * reason in WHY (anything else: another function, a sheet reference, an overflow). */
int xf_eval(const char *formula, xf_lookup lookup, void *ctx, fp_amount *out, char *why,
            size_t whysize);

/* The cells of one sheet that formulas may refer to, and its formulas without a cached value. */
typedef struct xf_cells xf_cells;

/* A new, empty set of cells; NULL when out of memory. Free with xf_cells_free (NULL too). */
xf_cells *xf_cells_new(void);
void xf_cells_free(xf_cells *C);
/* Record cell (ROW, COL): a number (its exact decimal TEXT), a text cell, or a formula without
 * a cached value (its TEXT). 0, or -1 when out of memory. */
int xf_cells_number(xf_cells *C, long row, long col, const char *text, size_t len);
int xf_cells_text(xf_cells *C, long row, long col);
int xf_cells_formula(xf_cells *C, long row, long col, const char *text, size_t len);
/* Evaluate every formula recorded. 0, or -1 with the first cell that fails to *ROW and *COL
 * and the reason (naming the formula) in WHY. */
int xf_cells_eval(xf_cells *C, long *row, long *col, char *why, size_t whysize);
/* The value of the formula at (ROW, COL) after xf_cells_eval: 1 and *OUT, 0 when that cell
 * holds no formula. */
int xf_cells_result(const xf_cells *C, long row, long col, fp_amount *out);

#endif
