/* read/perf_lines.h — a file as lines of cells, for the performance-table reader (private). */
#ifndef FENPEI_READ_PERF_LINES_H
#define FENPEI_READ_PERF_LINES_H

#include "read/perf_model.h"

/* The lines of a file: a Word paragraph or table row, a sheet row, a text line. */
typedef struct lines {
    perf_row *rows;
    size_t n, cap;
    int source;    /* PERF_SRC_* */
    char **sheets; /* xlsx: the names of the sheets, by index */
    size_t nsheets;
} lines;

/* Read PATH (Word .docx, XLSX or UTF-8 text, told apart by content) into L (zeroed by the
 * caller; freed with perf_lines_free also on failure). */
fp_error perf_file_lines(const char *path, lines *L, fp_diag *diag);

/* 0 when PATH cannot hold a performance table: a text without the words of a title (so a large
 * allocation table is not split into cells to find out); 1 otherwise. */
int perf_file_may_hold_tables(const char *path);

/* Free N rows and their cells. */
void perf_rows_free(perf_row *rows, size_t n);
/* Free what L holds. */
void perf_lines_free(lines *L);

#endif
