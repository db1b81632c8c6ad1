/* fenpei/package.h — the whole 下达 package: the letter, 附件1, 附件3 and the onward split. */
#ifndef FENPEI_PACKAGE_H
#define FENPEI_PACKAGE_H

#include <stddef.h>

#include "fenpei/error.h"
#include "fenpei/table.h"

#ifdef __cplusplus
extern "C" {
#endif

/** The recipients of a table's notice: below the top row (总计), every row that is not a
 *  grouping (a 合计/小计 row with rows under it: its rows instead). Writes at most CAP rows into
 *  ROWS in table order and returns how many there are. */
size_t fp_package_recipients(const fp_table *t, size_t *rows, size_t cap);

/** A recipient's name as a letter writes it: "其中：" dropped, a trailing "合计" dropped. The
 *  result points into NAME or is NAME. */
const char *fp_package_display_name(const char *name, size_t *len);

/** How the 附件3 feedback form (跟踪反馈表) is filled. Initialise with fp_feedback_options_init. */
typedef struct fp_feedback_options {
    const char *title;      /* the form's title; NULL: "自治区财政资金使用跟踪反馈表" */
    const char *fund_name;  /* 收到的财政专项资金名称, e.g. "2024年…补助资金（第二批）" */
    const char *doc_number; /* 文号, or NULL for a blank cell */
    const char *issuer;     /* who the form goes back to (说明), or NULL */
} fp_feedback_options;

void fp_feedback_options_init(fp_feedback_options *opts);

/** Write the feedback workbook of T to the new file PATH: one sheet per recipient with a nonzero
 *  此次下达 (fp_package_recipients), prefilled with the fund's name, the 文号 and 资金金额 = its
 *  此次下达; 未支出金额 = 资金金额 − 实际支出金额 and 实际支出进度 = 实际支出金额 / 资金金额 as
 *  formulas, a 合计 row, the 说明 lines and a signature line; A4 landscape, one page wide. The
 *  same input always gives the same bytes. FP_ERR_COLUMN when T has no 此次下达 column,
 *  FP_ERR_IO when PATH cannot be written. */
fp_error fp_xlsx_write_feedback(const fp_table *t, const fp_feedback_options *opts,
                                const char *path, fp_diag *diag);

/** What a 下达 notice says besides its table. Initialise with fp_package_options_init; NULL
 *  fields are taken from the table or left out of the letter (the paragraph naming them goes). */
typedef struct fp_package_options {
    const char *issuer;       /* 发文机关: "新疆维吾尔自治区财政厅" */
    const char *doc_number;   /* 文号: "新财社〔2024〕24号" */
    const char *title;        /* "关于下达…的通知"; NULL: from the table's title */
    const char *to;           /* 主送; NULL: the recipients' names joined by "、" */
    const char *income_code;  /* 收入科目: "1100249 医疗卫生共同财政事权转移支付收入" */
    const char *expense_code; /* 支出科目: "2100408 基层公共卫生服务" */
    const char *direct_funds; /* 直达资金标识: "01 自治区直达资金" */
    const char *date;         /* 成文日期; NULL: "年　月　日" left to be written by hand */
    const char *const *attachments; /* the 附件 list; NULL: 分配表, 绩效目标表, 跟踪反馈表 */
    size_t attachment_count;
    const char *template_path; /* a bureau's .docx template; NULL: the built-in one */
    int split;                 /* also 对下分解/<地州>/ for every recipient with rows under it */
} fp_package_options;

void fp_package_options_init(fp_package_options *opts);

/** A package ready to be written: its files, each made on demand. Freed with fp_package_free. */
typedef struct fp_package fp_package;

/** Prepare the package of T with OPTS into *OUT (caller frees with fp_package_free): check that T
 *  adds up (FP_ERR_ARGUMENT naming the first failing identity otherwise), read and fill the
 *  letter template (FP_ERR_TEMPLATE for an unknown placeholder), and with OPTS->split cut every
 *  prefecture's subtree into its own table (the prefecture as 总计). Nothing is written. */
fp_error fp_package_prepare(const fp_table *t, const fp_package_options *opts, fp_package **out,
                            fp_diag *diag);

/** The number of files of P. */
size_t fp_package_file_count(const fp_package *p);

/** The path of file I of P relative to the package's folder ("通知.docx",
 *  "对下分解/伊犁州/分配表.csv"); owned by P. Folders come before the files inside them. */
const char *fp_package_file_path(const fp_package *p, size_t i);

/** 1 when entry I is a folder to create, 0 for a file. */
int fp_package_file_is_dir(const fp_package *p, size_t i);

/** Write file I of P to the new file PATH (the caller makes PATH a temporary name and renames it
 *  when every file is written). Same package, same bytes. */
fp_error fp_package_write_file(const fp_package *p, size_t i, const char *path, fp_diag *diag);

/** The table of entry I when it is a split table (CSV or workbook), else NULL; owned by P. */
const fp_table *fp_package_file_table(const fp_package *p, size_t i);

/** The letter's text (one line per paragraph), for a summary or a check; owned by P. */
const char *fp_package_letter_text(const fp_package *p);

/** Free P. Accepts NULL. */
void fp_package_free(fp_package *p);

#ifdef __cplusplus
}
#endif
#endif
