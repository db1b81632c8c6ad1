/* fenpei/xlsx.h — workbooks people open: the notice attachment, the audit, the what-if run. */
#ifndef FENPEI_XLSX_H
#define FENPEI_XLSX_H

#include <stddef.h>

#include "fenpei/check.h"
#include "fenpei/error.h"
#include "fenpei/realloc.h"
#include "fenpei/table.h"

#ifdef __cplusplus
extern "C" {
#endif

/** How the notice table is titled and printed. Initialise with fp_notice_options_init. */
typedef struct fp_notice_options {
    const char *title;      /* merged title row; NULL: the table's title, else "分配表" */
    const char *unit;       /* the "单位：万元" line; NULL: the table's unit, else no unit line */
    const char *sheet;      /* worksheet name; NULL: "分配表" */
    const char *attachment; /* a line above the title such as "附件1"; NULL: none */
    int thousands;          /* separators in amounts: 1 yes, 0 no, -1 (default) when the unit is 元 */
    const char *label;      /* printed at the top left of every page ("附件1"), or NULL */
    const char *doc_number; /* printed at the top right of every page (文号), or NULL */
} fp_notice_options;

void fp_notice_options_init(fp_notice_options *opts);

/** Write T as the print-ready attachment of a 下达 notice to the new file PATH (the caller
 *  makes PATH a temporary name and renames it): merged title, unit line, header wrapped in
 *  balanced lines, names indented by level, bold subtotals, SUM formulas with cached values
 *  (zeros blank only in the category columns of leaf rows), outline levels, frozen header, A4
 *  landscape with repeated header rows, "第 &P 页 共 &N 页" and page breaks that keep each
 *  subtotal's block on one page when it fits. Rows are streamed (constant memory). The same
 *  table always gives the same bytes. OPTS may be NULL. Refuses a table whose column sums,
 *  category splits or 全年 = 已提前下达 + 此次下达 fail (FP_ERR_ARGUMENT) and an amount with more
 *  than 15 significant digits (FP_ERR_AMOUNT_PRECISION); FP_ERR_IO when PATH cannot be written. */
fp_error fp_xlsx_write_notice(const fp_table *t, const fp_notice_options *opts, const char *path,
                              fp_diag *diag);

/** Write the audit workbook of REPORT (made from T with CHECK_OPTS) to PATH: the table with the
 *  stated values, every cell taking part in a failing identity filled (errors red, warnings
 *  amber) with a comment on the reported cell; a sheet 问题清单 listing the findings with links
 *  to the cells; a summary at the top. */
fp_error fp_xlsx_write_audit(const fp_table *t, const fp_report *report,
                             const fp_check_options *check_opts, const char *path,
                             fp_diag *diag);

/** What a what-if run was, for its 参数 sheet: each line a label and a value. */
typedef struct fp_xlsx_param {
    const char *label;
    const char *value;
} fp_xlsx_param;

/** Write the what-if workbook of a reallocation from OLD to NEW_ to PATH: sheets 新表 (the
 *  notice layout of NEW_, changed cells filled blue with a comment "原 1403"), 变动 (the totals
 *  and settings at the top, then one row per changed unit with old, new and change of every
 *  column) and 参数 (PARAMS: the command's settings, method, unit, constraints
 *  and the input file's digest) so the run can be reproduced from the workbook alone. OPTS (may
 *  be NULL) titles 新表 (and gives its unit, attachment line and separators); its sheet name is
 *  ignored. OLD and NEW_ must have the same shape. */
fp_error fp_xlsx_write_whatif(const fp_table *old, const fp_table *new_,
                              const fp_notice_options *opts, const fp_xlsx_param *params,
                              size_t nparams, const char *path, fp_diag *diag);

/* ---- into memory: for callers that have no file to write (the server) ---- */

/** As fp_xlsx_write_notice, into a new buffer of *LEN bytes stored in *DATA (the caller frees it
 *  with free); no file is named (an anonymous memory file holds the workbook while it is
 *  written). On failure *DATA is NULL. */
fp_error fp_xlsx_notice_buffer(const fp_table *t, const fp_notice_options *opts, char **data,
                               size_t *len, fp_diag *diag);
/** As fp_xlsx_write_audit, into a new buffer (as fp_xlsx_notice_buffer). */
fp_error fp_xlsx_audit_buffer(const fp_table *t, const fp_report *report,
                              const fp_check_options *check_opts, char **data, size_t *len,
                              fp_diag *diag);
/** As fp_xlsx_write_whatif, into a new buffer (as fp_xlsx_notice_buffer). */
fp_error fp_xlsx_whatif_buffer(const fp_table *old, const fp_table *new_,
                               const fp_notice_options *opts, const fp_xlsx_param *params,
                               size_t nparams, char **data, size_t *len, fp_diag *diag);

/** One checked file of a summary: its figures, or why it could not be read. */
typedef struct fp_xlsx_summary_row {
    const char *file;    /* the file as named on the command line */
    size_t rows, errors, warnings;
    const char *failure; /* why it could not be read (then the figures are not shown), or NULL */
    const char *audit;   /* the audit workbook to link to, relative to the summary's folder, or
                            NULL */
} fp_xlsx_summary_row;

/** Write the summary of several checked files to PATH: one line per file (文件, 行数, 错误, 警告,
 *  结论) with a link to its audit workbook's sheet 审核, unreadable files named with the reason,
 *  errors red, A4 landscape. The same rows always give the same bytes. */
fp_error fp_xlsx_write_summary(const fp_xlsx_summary_row *rows, size_t n, const char *path,
                               fp_diag *diag);

#ifdef __cplusplus
}
#endif
#endif
