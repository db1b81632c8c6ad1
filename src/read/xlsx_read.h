/* read/xlsx_read.h — the XLSX reader, which fp_table_load_file/_memory call for a ZIP (private). */
#ifndef FENPEI_TABLE_XLSX_READ_H
#define FENPEI_TABLE_XLSX_READ_H

#include <stddef.h>

#include "fenpei/table.h"

/* 1 when the LEN bytes at P start like a workbook this reader handles or refuses with a clear
 * message (a ZIP archive, or an OLE2 file: .xls or an encrypted .xlsx); 0 for anything else. */
int xlsx_sniff(const void *p, size_t len);

/* Read the XLSX workbook PATH (a sheet chosen by OPTS->sheet) into a new table in *OUT, which
 * the caller frees with fp_table_free. On failure *OUT is NULL and DIAG says where and why. */
fp_error xlsx_load_file(const char *path, const fp_load_options *opts, fp_table **out,
                        fp_diag *diag);

/* As xlsx_load_file, from LEN bytes at DATA (not copied; they must outlive the call). */
fp_error xlsx_load_memory(const void *data, size_t len, const char *name,
                          const fp_load_options *opts, fp_table **out, fp_diag *diag);

/* Where xlsx_read_cells_memory hands the cells: each callback returns 0, or -1 to stop (out of
 * memory). Blank cells are not handed on; COL is 0-based and increasing within a row. */
typedef struct xlsx_cell_sink {
    void *ctx;
    int (*row_begin)(void *ctx, const char *sheet, size_t sheet_index, long row);
    int (*cell)(void *ctx, size_t col, const char *s, size_t len);
    int (*row_end)(void *ctx);
} xlsx_cell_sink;

/* Read every worksheet of the workbook in LEN bytes at DATA, in workbook order, into SINK
 * (for readers of other tables than allocation tables: performance tables). */
fp_error xlsx_read_cells_memory(const void *data, size_t len, const char *name,
                                const xlsx_cell_sink *sink, fp_diag *diag);

#endif
