/* core/table_impl.h — the layout of fp_table, shared by the readers and writers (private). */
#ifndef FENPEI_TABLE_IMPL_H
#define FENPEI_TABLE_IMPL_H

#include <stdint.h>

#include "fenpei/table.h"
#include "util/buf.h"

/* A cell whose text is kept because it cannot be rebuilt from its amount. */
typedef struct text_cell {
    uint32_t row;
    uint32_t off; /* into the table's string pool */
} text_cell;

typedef struct column {
    char *name;
    fp_role role;
    int is_amount;     /* decided after reading: holds amounts */
    int quantity;      /* … counted in villages, households, people (村数), not in money */
    int decimals;      /* most decimals written in the column */
    int dense;         /* text column with one pool offset per row in `text` */
    fp_amount *values; /* amount of every row (0 when blank or not an amount) */
    uint8_t *blank;    /* bitmap: cell was blank */
    uint32_t *text;    /* dense: pool offset of every row's text */
    text_cell *sparse; /* not dense: texts of the cells that are not plain amounts, by row */
    size_t nsparse, sparsecap;
    size_t nonempty, failed; /* cells read that were not blank / not amounts */
    uint32_t first_failed;   /* row of the first cell that is not an amount */
} column;

/* Where line numbers stop following row numbers: rows from `row` on start at `line` + k. */
typedef struct line_mark {
    uint32_t row;
    uint32_t line;
} line_mark;

struct fp_table {
    char *source;
    char *unit;
    char *title;           /* first title line above the header, or NULL */
    char *sheet;           /* the worksheet read (XLSX), for cell references; or NULL */
    size_t nrows, rowcap;
    size_t ncols;
    column *cols;
    strpool pool;
    line_mark *marks;
    size_t nmarks, markcap;
    int32_t *parent;       /* -1 for a top-level row */
    int32_t *first_child;  /* -1 when none */
    int32_t *next_sibling; /* -1 when none */
    uint8_t *uncertain;    /* per row: place in the tree inferred with doubt; NULL = none */
    uint32_t *suspect;     /* notice layout: rows the reader found damaged (cells beyond the
                              header), for notice_infer to mark uncertain; freed by it */
    size_t nsuspect, suspectcap;
    int32_t *order;        /* rows in pre-order; NULL when the file order already is */
    int32_t first_root;
    int level_base;        /* 级次 of a top-level row, to write the column back */
    size_t name_col;       /* FP_NONE when the table has no name column */
    size_t *cats;
    size_t ncats;
};

/* Bitmap helpers for column.blank. */
static inline int bit_get(const uint8_t *b, size_t i) { return (b[i >> 3] >> (i & 7)) & 1; }
static inline void bit_set(uint8_t *b, size_t i, int v)
{
    if (v)
        b[i >> 3] = (uint8_t)(b[i >> 3] | (1u << (i & 7)));
    else
        b[i >> 3] = (uint8_t)(b[i >> 3] & ~(1u << (i & 7)));
}

/* A new, empty table named SOURCE, or NULL. */
fp_table *table_new(const char *source);
/* Build first_child/next_sibling/first_root/order from parent[]; refuse cycles. */
fp_error table_link(fp_table *t, fp_diag *diag);
/* Finish a table after its last record: amount columns, roles, categories, the tree. */
fp_error table_finish(fp_table *t, const fp_load_options *o, size_t level_col, size_t parent_col,
                      size_t code_col, size_t pcode_col, fp_diag *diag);
/* The notice layout: rebuild parent[] from the order, the names and the sums of the rows
 * (table/notice.c), and set uncertain[] on rows whose place is in doubt. Does not link. */
fp_error notice_infer(fp_table *t, fp_diag *diag);
/* Write the reference of the cell in column COL on sheet row LINE — "Sheet!C57" — into BUF
 * (SIZE bytes), or "" for a table that is not from a worksheet. */
void table_cell_ref(const fp_table *t, long line, size_t col, char *buf, size_t size);
/* Text of a sparse cell, or NULL when the cell's text was not kept. */
const char *column_sparse_text(const fp_table *t, const column *c, size_t row);

#endif
