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

#endif
