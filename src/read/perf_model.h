/* read/perf_model.h — a performance table as read: its rows of cell texts and the figures found
 * in them by their labels (private; shared by the reader, the checks, the reports, the writers). */
#ifndef FENPEI_READ_PERF_MODEL_H
#define FENPEI_READ_PERF_MODEL_H

#include <stddef.h>

#include "fenpei/perf.h"

/* Where a table came from, for the "where" of a finding. */
enum { PERF_SRC_TEXT = 0, PERF_SRC_DOCX, PERF_SRC_XLSX };

typedef struct perf_row {
    char **cells; /* UTF-8 texts, "" for blank; owned */
    size_t n;
    long line;    /* text: 1-based line; docx: 1-based row of its Word table; xlsx: sheet row */
    int dtable;   /* docx: 1-based Word table number (0 for a paragraph); xlsx: sheet index */
} perf_row;

/* A figure read from a cell. */
enum { PN_MISSING = 0, PN_BLANK, PN_NUM, PN_TEXT };
typedef struct perf_num {
    int state;     /* PN_*: no such cell, blank or a dash, a number, something else */
    fp_amount v;   /* the number (a percentage as its number of percent: 92.1 for "92.1%") */
    int decimals;  /* decimals as printed */
    int percent;   /* printed with % */
    long row;      /* the table row of the cell, or -1 */
    int col;       /* its column, or -1 */
} perf_num;

/* An indicator row (target: 指标分值权重; self-evaluation: 分值 and 得分). */
typedef struct perf_ind {
    long row;
    const char *name; /* the 三级指标 (or the first text of the row); points into the row */
    int has_value;    /* target: an 指标值 was found */
    int value_col;    /* where it is (or should be) */
    perf_num weight;  /* target */
    perf_num points;  /* self-evaluation 分值 */
    perf_num score;   /* self-evaluation 得分 */
} perf_ind;

/* A funding row of a self-evaluation table. */
enum { FUND_TOTAL = 0, FUND_FISCAL, FUND_CARRIED, FUND_OTHER, FUND_MAX };
typedef struct perf_fund {
    int present;
    long row;
    perf_num init, budget, exec, points, rate, score;
} perf_fund;

/* A task row of a department table. */
typedef struct perf_task {
    long row;
    const char *name;
    perf_num total, fiscal, other;
} perf_task;

typedef struct perf_table {
    fp_perf_info info; /* strings point into the fields below */
    char *file, *title, *project, *unit, *year, *goal;
    int source;        /* PERF_SRC_* */
    char *sheet;       /* xlsx: the sheet's name */
    perf_row *rows;
    size_t nrows;
    /* target */
    perf_num budget, fiscal, other; /* 年度预算总额, 财政拨款, 其他资金 */
    int weight_goal;   /* 90, or 100 where the table says so */
    long ind_header;   /* row of the indicator header, or -1 */
    int weight_col;    /* the header's column of 指标分值权重, or -1 */
    perf_ind *inds;
    size_t ninds;
    /* self-evaluation */
    perf_fund funds[FUND_MAX];
    long total_row;    /* the 总计/总分 row, or -1 */
    perf_num total_points, total_score;
    /* department */
    perf_task *tasks;
    size_t ntasks;
    perf_task dept_total;
    int has_dept_total;
} perf_table;

struct fp_perf_doc {
    perf_table *tables;
    size_t n, cap;
};

/* Text of cell (ROW, COL) of T, "" when out of range. */
const char *perf_cell(const perf_table *t, long row, int col);

/* Where cell (ROW, COL) of T is in its file ("line 45 cell 7", "table 3 row 12 cell 7",
 * "Sheet1!G45"); COL < 0 names the row only. Writes at most SIZE bytes to BUF. */
void perf_where(const perf_table *t, long row, int col, char *buf, size_t size);

/* Parse a figure from TEXT: a number, a percentage ("92.1%"), blank or a dash; with
 * ALLOW_UNIT also "500万" or "4167万元". Returns PN_BLANK, PN_NUM or PN_TEXT. */
int perf_parse_num(const char *text, int allow_unit, perf_num *out);

#endif
