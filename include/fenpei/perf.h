/* fenpei/perf.h — performance tables (绩效目标表, 绩效自评表, 部门整体支出绩效目标表): read, check,
 * cross-check with an allocation table, report, audit workbook, target-table skeletons. */
#ifndef FENPEI_PERF_H
#define FENPEI_PERF_H

#include <stddef.h>
#include <stdio.h>

#include "fenpei/amount.h"
#include "fenpei/check.h"
#include "fenpei/report.h"
#include "fenpei/error.h"
#include "fenpei/table.h"

#ifdef __cplusplus
extern "C" {
#endif

/** The performance tables read from one or more files, in reading order. Made by
 *  fp_perf_doc_new, filled by fp_perf_doc_add_file, freed by fp_perf_doc_free. */
typedef struct fp_perf_doc fp_perf_doc;

/** The three templates. */
typedef enum fp_perf_kind {
    FP_PERF_TARGET = 0,     /* 项目支出绩效目标表 */
    FP_PERF_SELF_EVALUATION, /* 项目支出绩效自评表 */
    FP_PERF_DEPARTMENT      /* 部门(单位)整体支出绩效目标表 */
} fp_perf_kind;

/** Stable English name of a kind: "target", "self-evaluation", "department". */
const char *fp_perf_kind_name(fp_perf_kind kind);

/** What a table is about. Strings are owned by the document ("" when the table did not say). */
typedef struct fp_perf_info {
    fp_perf_kind kind;
    const char *file;    /* the file it was read from */
    const char *title;   /* its title line */
    const char *project; /* 项目名称 */
    const char *unit;    /* 预算单位 (target), 实施单位 (self-evaluation), 部门(单位)名称 */
    const char *year;    /* "2024", or "" */
    const char *goal;    /* 年度总体目标 text, or "" */
    int has_budget;      /* the table prints a 年度预算总额 (target) or 年度资金总额 (others) */
    fp_amount budget;    /* … and its value, in 万元 as printed */
} fp_perf_info;

/** A new empty document (NULL when out of memory); free with fp_perf_doc_free. */
fp_perf_doc *fp_perf_doc_new(void);

/** Read every performance table of the file PATH (Word .docx, XLSX, or text with tab-separated
 *  cells in UTF-8, GB18030/GBK or UTF-16 with a byte-order mark, told apart by content) and
 *  append them to DOC. FP_ERR_ENCODING (DIAG: line, byte) for a text valid in none. FP_ERR_EMPTY (and DIAG)
 *  when the file holds none; other codes when it cannot be read. */
fp_error fp_perf_doc_add_file(fp_perf_doc *doc, const char *path, fp_diag *diag);

/** 1 when the file PATH holds at least one performance table title, else 0 (also when it cannot
 *  be read: the caller then reads it as an allocation table and reports that error). */
int fp_perf_file_is_performance(const char *path);

/** Number of tables, and what table I is about (owned by DOC; NULL when out of range). */
size_t fp_perf_table_count(const fp_perf_doc *doc);
const fp_perf_info *fp_perf_table_info(const fp_perf_doc *doc, size_t i);

/** Free DOC and everything it owns. Accepts NULL. */
void fp_perf_doc_free(fp_perf_doc *doc);

/** One finding: a rule that fails on a table (or, for a cross-check, on a recipient). */
typedef struct fp_perf_finding {
    const char *rule;      /* stable name: "target-weights", "funding-sum", … */
    fp_severity severity;
    size_t table;          /* index of the table in the document, or FP_NONE */
    const char *where;     /* where in the file: "line 45 cell 7", "table 3 row 12 cell 7",
                              "Sheet1!G45", or a recipient's name */
    char expected[48];     /* the value the rule wants, as printed ("" when none) */
    char actual[48];       /* the value the table prints ("" when blank) */
    char difference[48];   /* actual − expected ("" when not a number) */
    const char *message_zh;/* one sentence in Chinese */
    const char *message_en;/* the same in English */
    long row;              /* the table row (0-based) of the faulty cell, or -1 */
    int col;               /* its column (0-based), or -1 */
} fp_perf_finding;

/** The findings of fp_perf_check / fp_perf_cross_check; freed with fp_perf_report_free. */
typedef struct fp_perf_report fp_perf_report;

/** Check every table of DOC by the rules of its kind into a new report in *OUT (the caller
 *  frees it with fp_perf_report_free, also when it holds errors: findings are results). */
fp_error fp_perf_check(const fp_perf_doc *doc, fp_perf_report **out, fp_diag *diag);

/** Match every target table of DOC to its recipient in the allocation table ALLOC (预算单位 →
 *  the row of that 地州 or 本级 unit; a whole-fund table → the 总计) and report every 年度预算总额
 *  that differs from the row's year total, every recipient without a target table (warning)
 *  and every target table without a recipient. The caller frees *OUT with fp_perf_report_free. */
fp_error fp_perf_cross_check(const fp_table *alloc, const fp_perf_doc *doc,
                             fp_perf_report **out, fp_diag *diag);

size_t fp_perf_report_count(const fp_perf_report *r);
const fp_perf_finding *fp_perf_report_get(const fp_perf_report *r, size_t i);
/** Number of findings of severity error. */
size_t fp_perf_report_errors(const fp_perf_report *r);
void fp_perf_report_free(fp_perf_report *r);

/** Write the report as text (LANG: Chinese or English) or JSON (kind "performance", tables,
 *  findings) to OUT. FP_ERR_IO when writing fails. */
fp_error fp_perf_report_write_text(const fp_perf_report *r, const fp_perf_doc *doc, fp_lang lang,
                                   FILE *out);
fp_error fp_perf_report_write_json(const fp_perf_report *r, const fp_perf_doc *doc, FILE *out);

/** Write the audit workbook PATH: one sheet per table with the cells of every finding filled
 *  and commented, and a sheet 问题清单 listing the findings. */
fp_error fp_perf_write_audit_xlsx(const fp_perf_doc *doc, const fp_perf_report *r,
                                  const char *path, fp_diag *diag);

/** The recipients of ALLOC that get a target table (the 本级 units and 地州 under the 合计 rows,
 *  or the top rows' children): writes at most CAP row indices to ROWS, returns how many. */
size_t fp_perf_recipients(const fp_table *alloc, size_t *rows, size_t cap);

/** Write a target-table skeleton workbook for recipient ROW of ALLOC to PATH: the title,
 *  项目名称 and indicator rows of target table MODEL_INDEX of MODEL, 预算单位 the row's name,
 *  年度预算总额 and 财政拨款 its year total (全年应拨付资金合计). FP_ERR_ARGUMENT when the model
 *  is not a target table or its weights do not add up to 90. */
fp_error fp_perf_write_target_xlsx(const fp_table *alloc, size_t row, const fp_perf_doc *model,
                                   size_t model_index, const char *path, fp_diag *diag);

#ifdef __cplusplus
}
#endif
#endif
