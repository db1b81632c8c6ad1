/* fenpei/letter.h — the amounts a notice's letter states, matched to its table and compared. */
#ifndef FENPEI_LETTER_H
#define FENPEI_LETTER_H

#include <stddef.h>
#include <stdio.h>

#include "fenpei/amount.h"
#include "fenpei/error.h"
#include "fenpei/table.h"

#ifdef __cplusplus
extern "C" {
#endif

/** What became of one amount of the letter. */
typedef enum fp_letter_status {
    FP_LETTER_MATCH = 0, /* the figure it names (or, naming none, some figure) equals it */
    FP_LETTER_MISMATCH,  /* the figure it names differs: an error */
    FP_LETTER_UNMATCHED  /* it names no figure of the table and equals none: a warning */
} fp_letter_status;

/** One amount stated in the letter ("3327万元") and the table's figure it was compared with. */
typedef struct fp_letter_amount {
    fp_letter_status status;
    long line;          /* 1-based line of the letter's text */
    const char *quote;  /* the words before it in its sentence, and the amount ("现下达…3327万元") */
    const char *stated_text; /* the amount as written, unit included */
    fp_amount stated;   /* in the table's unit */
    size_t row;         /* the figure named or matched: row and column, FP_NONE when none; a */
    size_t column;      /* row FP_NONE with a column means the sum of the top rows (总计) */
    fp_amount expected; /* that figure (MATCH, MISMATCH) */
} fp_letter_amount;

/** The amounts of one letter. Freed with fp_letter_report_free. */
typedef struct fp_letter_report fp_letter_report;

/** Find every amount in 万元, 亿元 or 元 in the letter TEXT (LEN bytes of UTF-8; NAME for
 *  messages) and compare it with the figure of T its sentence names: the column by the words
 *  before it (现下达/此次下达 → 此次下达, 已提前下达 → 已提前下达, 全年/共安排 → the year total, a
 *  category's name → that category; a sentence's word carries over to its 其中 parts), the row by
 *  a recipient's name (自治区本级 for 自治区本级合计), else the 总计; when the words before it
 *  name neither row nor category, a purpose after it may ("90万元用于X", to the next comma).
 *  An amount naming no figure matches when some cell equals it. *OUT receives the report (caller frees it). */
fp_error fp_letter_check_text(const fp_table *t, const char *text, size_t len, const char *name,
                              fp_letter_report **out, fp_diag *diag);

/** As fp_letter_check_text on the text of the letter PATH: .txt (UTF-8), .docx or .pdf. */
fp_error fp_letter_check_file(const fp_table *t, const char *path, fp_letter_report **out,
                              fp_diag *diag);

size_t fp_letter_report_count(const fp_letter_report *r);
const fp_letter_amount *fp_letter_report_get(const fp_letter_report *r, size_t i);
size_t fp_letter_report_errors(const fp_letter_report *r);
size_t fp_letter_report_warnings(const fp_letter_report *r);
/** The letter's name as given. */
const char *fp_letter_report_source(const fp_letter_report *r);
void fp_letter_report_free(fp_letter_report *r);

/** Write R as text, one line per error and warning and a summary line (Chinese, or English
 *  when EN), to OUT. */
fp_error fp_letter_write_text(const fp_letter_report *r, const fp_table *t, int en, FILE *out);

/** Write R as the JSON object {file, amounts, errors, warnings, findings} (docs/package.md). */
fp_error fp_letter_write_json(const fp_letter_report *r, const fp_table *t, FILE *out);

#ifdef __cplusplus
}
#endif
#endif
