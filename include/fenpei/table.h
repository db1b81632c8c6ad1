/* fenpei/table.h — an allocation table: rows in a tree, columns with roles, exact amounts. */
#ifndef FENPEI_TABLE_H
#define FENPEI_TABLE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "fenpei/amount.h"
#include "fenpei/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/** An allocation table. Owns its rows, cells and tree; freed with fp_table_free. */
typedef struct fp_table fp_table;

/** "No row" / "no column". */
#define FP_NONE SIZE_MAX

/** What a column is for. Amount columns are CATEGORY, TOTAL, ADVANCE, BATCH and AMOUNT. */
typedef enum fp_role {
    FP_ROLE_TEXT = 0,   /* carried through untouched (备注, 支出方向, …) */
    FP_ROLE_NAME,       /* the unit's name (单位, 拨款单位, …) */
    FP_ROLE_LEVEL,      /* 级次: depth in the tree */
    FP_ROLE_PARENT,     /* 上级: the parent's name */
    FP_ROLE_CODE,       /* 编码: the row's code */
    FP_ROLE_PARENT_CODE,/* 上级编码: the parent's code */
    FP_ROLE_CATEGORY,   /* a category of the year amount */
    FP_ROLE_TOTAL,      /* 全年应拨付资金合计: the year total */
    FP_ROLE_ADVANCE,    /* 已提前下达 */
    FP_ROLE_BATCH,      /* 此次下达 */
    FP_ROLE_AMOUNT,     /* any other amount column */
    FP_ROLE_MAX
} fp_role;

/** Stable English name of a role ("category", "total", …). */
const char *fp_role_name(fp_role role);

/** How the rows of a table form a tree. */
typedef enum fp_layout {
    FP_LAYOUT_AUTO = 0,  /* a 级次/上级/编码 column if there is one, else the notice layout */
    FP_LAYOUT_CANONICAL, /* a 级次, 上级 or 编码/上级编码 column, or a flat list */
    FP_LAYOUT_NOTICE     /* as printed in a notice: the tree from order, names and sums */
} fp_layout;

/** How to read a table. Initialise with fp_load_options_init; every NULL/0 field means "detect". */
typedef struct fp_load_options {
    char delimiter;                    /* ',', '\t', ';' … or 0 to detect from the header */
    const char *encoding;              /* iconv name ("UTF-8", "GB18030"), or NULL to detect */
    const char *name_column;           /* header of the unit-name column */
    const char *total_column;          /* header of the year-total column */
    const char *advance_column;        /* header of the 已提前下达 column */
    const char *batch_column;          /* header of the 此次下达 column */
    const char *const *category_columns; /* headers of the category columns … */
    size_t category_count;             /* … and how many (0 = detect) */
    const char *sheet;                 /* XLSX: a sheet's name or 1-based number; NULL = the
                                          first sheet holding a table */
    fp_layout layout;                  /* how the rows form a tree; FP_LAYOUT_AUTO detects */
    const char *to_unit;               /* convert amounts to this unit (元, 万元, 亿元); NULL =
                                          keep the table's */
    int read_damaged;                  /* notice text (no 级次; not XLSX): a cell that is no
                                          amount ("3l6") is read as blank, its text kept and its
                                          row uncertain, rather than refused; fp_check warns of
                                          each (FP_RULE_UNREADABLE). For checking, not for
                                          computing with the amounts. */
} fp_load_options;

/** Fill OPTS with the defaults (detect everything). */
void fp_load_options_init(fp_load_options *opts);

/** Read the CSV/TSV file PATH into a new table stored in *OUT (caller frees with fp_table_free).
 *  OPTS may be NULL. On failure *OUT is NULL and DIAG (may be NULL) says where and why. */
fp_error fp_table_load_file(const char *path, const fp_load_options *opts, fp_table **out,
                            fp_diag *diag);

/** As fp_table_load_file, from LEN bytes at DATA; NAME is used in diagnostics. */
fp_error fp_table_load_memory(const void *data, size_t len, const char *name,
                              const fp_load_options *opts, fp_table **out, fp_diag *diag);

/** A deep copy of T, or NULL when out of memory. The caller frees it with fp_table_free. */
fp_table *fp_table_clone(const fp_table *t);

/** Free T and everything it owns. Accepts NULL. */
void fp_table_free(fp_table *t);

/* ---- shape ---- */

/** Name the table was loaded from (a file name), never NULL. */
const char *fp_table_source(const fp_table *t);
/** The title: the first line above the header that is not a unit line ("2024年…分配表"), or
 *  NULL when the file had none. */
const char *fp_table_title(const fp_table *t);
/** The unit of its amounts from a "单位：万元" line, or NULL when the file did not say. */
const char *fp_table_unit(const fp_table *t);
/** Number of data rows (the header not counted). */
size_t fp_table_row_count(const fp_table *t);
/** Number of columns. */
size_t fp_table_column_count(const fp_table *t);
/** Header text of column COL. */
const char *fp_table_column_name(const fp_table *t, size_t col);
/** Role of column COL. */
fp_role fp_table_column_role(const fp_table *t, size_t col);
/** 1 if COL holds amounts (category, total, advance, batch or other amount column). */
int fp_table_column_is_amount(const fp_table *t, size_t col);
/** Is amount column COL a quantity beside the money (村数, 户数（户）, 人数, 社区(25个))? Its
 *  column sums are checked as quantities; it is never a category, the year total, the advance
 *  or this batch, and unit conversion leaves it alone. */
int fp_table_column_is_quantity(const fp_table *t, size_t col);
/** Most decimals written in any cell of amount column COL (0 for whole units). */
int fp_table_column_decimals(const fp_table *t, size_t col);
/** The column whose header is exactly NAME, or FP_NONE. */
size_t fp_table_find_column(const fp_table *t, const char *name);
/** The first column with role ROLE, or FP_NONE. */
size_t fp_table_role_column(const fp_table *t, fp_role role);
/** The category columns in order: returns how many and points *COLS at an array owned by T. */
size_t fp_table_categories(const fp_table *t, const size_t **cols);

/* ---- rows and the tree ---- */

/** The unit name of ROW (never NULL; "" when blank). */
const char *fp_table_row_name(const fp_table *t, size_t row);
/** The 1-based line of the file where ROW starts. */
long fp_table_row_line(const fp_table *t, size_t row);
/** Parent of ROW, or FP_NONE for a top-level row. */
size_t fp_table_parent(const fp_table *t, size_t row);
/** First child of ROW in file order, or FP_NONE. */
size_t fp_table_first_child(const fp_table *t, size_t row);
/** Next sibling of ROW in file order, or FP_NONE. */
size_t fp_table_next_sibling(const fp_table *t, size_t row);
/** First top-level row, or FP_NONE for an empty table (its siblings follow via next_sibling). */
size_t fp_table_first_root(const fp_table *t);
/** 1 when the place of ROW in the tree was inferred with doubt (notice layout: the sums
 *  around it do not close), else 0. */
int fp_table_row_uncertain(const fp_table *t, size_t row);
/** Depth of ROW: 0 for a top-level row. */
int fp_table_depth(const fp_table *t, size_t row);
/** Writes at most CAP row indices from the top-level ancestor down to ROW into PATH; returns
 *  the depth + 1 (the full length, even when larger than CAP). */
size_t fp_table_path(const fp_table *t, size_t row, size_t *path, size_t cap);
/** Rows whose name is NAME, or whose /-separated path of names from the top is NAME. Returns
 *  the first match in *ROW and the number of matches (0, 1 or more: ambiguous). */
size_t fp_table_find_row(const fp_table *t, const char *name, size_t *row);

/* ---- cells ---- */

/** The amount in cell (ROW, COL) of an amount column; 0 for a blank cell. */
fp_amount fp_table_amount(const fp_table *t, size_t row, size_t col);
/** 1 if the cell (ROW, COL) of an amount column was blank or an empty marker. */
int fp_table_is_blank(const fp_table *t, size_t row, size_t col);
/** Set an amount cell. It is no longer blank, unless it was blank and VALUE is 0. */
void fp_table_set_amount(fp_table *t, size_t row, size_t col, fp_amount value);
/** The text of cell (ROW, COL) of a non-amount column, exactly as read ("" when empty). */
const char *fp_table_text(const fp_table *t, size_t row, size_t col);

/* ---- writing ---- */

/** Write T as UTF-8 CSV (comma-separated, LF, no BOM) with the same columns in the same order;
 *  amounts are written exactly with at least DECIMALS places (-1: each column's own). */
fp_error fp_table_write_csv(const fp_table *t, FILE *out, int decimals, fp_diag *diag);

#ifdef __cplusplus
}
#endif
#endif
