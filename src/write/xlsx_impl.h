/* write/xlsx_impl.h — what the workbook writers share (private): the writer and its formats,
 * the table sheet, amounts as Excel numbers, text widths. */
#ifndef FENPEI_WRITE_XLSX_IMPL_H
#define FENPEI_WRITE_XLSX_IMPL_H

#include <stddef.h>
#include <stdint.h>

#include <xlsxwriter.h>

#include "fenpei/xlsx.h"
#include "core/path.h"
#include "util/buf.h"

/* 2024-01-01 00:00:00 UTC, the creation time written into every workbook. libxlsxwriter stamps
 * the zip entries 1980-01-01 and otherwise writes the same bytes for the same calls, so with a
 * fixed creation time the same input gives the same file. */
#define FIXED_CREATED ((time_t)1704067200)

/* Fills of a cell (xw_format's FILL): none, amber (a warning), red (an error), the cell a likely
 * cause names (red, bold, framed), a changed cell of a what-if run (blue). */
enum { FILL_NONE, FILL_WARNING, FILL_ERROR, FILL_SUSPECT, FILL_CHANGED };
#define SUSPECT_FILL 0xFF7C80
#define CHANGED_FILL 0xDDEBF7

/* The height of a table sheet's rows, in points: room around 11 pt text. */
#define ROW_POINTS 20.0

#define MAX_OUTLINE 7    /* Excel's deepest row outline level */
#define MAX_INDENT 15    /* Excel's largest cell indent */
#define MAX_ARGS 255     /* arguments of one Excel function call */
#define MAX_FORMULA 8192 /* characters of one Excel formula */
#define EXCEL_DIGITS 15  /* significant digits Excel keeps */
#define MAX_LINKS 65530  /* hyperlinks of one worksheet */

#define FONT "宋体"
#define RED_FILL 0xFFC7CE
#define RED_TEXT 0x9C0006
#define AMBER_FILL 0xFFEB9C
#define AMBER_TEXT 0x9C5700
#define GREEN_FILL 0xC6EFCE
#define GREEN_TEXT 0x006100

#define SHEET_AUDIT "审核"
#define SHEET_FINDINGS "问题清单"
#define SHEET_NEW "新表"
#define SHEET_CHANGES "变动"
#define SHEET_PARAMS "参数"

/* ---- the workbook and its formats ---- */

enum fkind {
    F_ATTACHMENT, /* "附件1" above the title */
    F_TITLE,
    F_UNIT,
    F_HEADER,
    F_NAME,      /* a unit's name: indented, bold on subtotal rows */
    F_TEXT,      /* another text cell of the table */
    F_LEVEL,     /* the 级次 number */
    F_NUM_LEAF,  /* an amount on a row without rows: 0 shows as blank */
    F_NUM_SUB,   /* an amount on a subtotal row: 0 shows as 0 */
    F_NUM_TEXT,  /* an amount with more digits than Excel keeps, as exact text */
    F_SUMMARY,   /* the audit's summary line (fill: 0 clean, 2 errors) */
    F_NOTE,      /* the audit's legend line */
    F_LIST_TEXT, /* a cell of a list sheet (问题清单, 变动, 参数) */
    F_LIST_NUM,
    F_LIST_PCT,
    F_LINK,
    F_KMAX
};

typedef struct fmt_entry {
    int kind, indent, bold, fill;
    lxw_format *f;
} fmt_entry;

typedef struct writer {
    lxw_workbook *wb;
    lxw_error lerr; /* the first libxlsxwriter error */
    fp_diag *diag;
    int decimals;   /* of every amount in the workbook */
    int thousands;  /* amounts with thousands separators */
    char numfmt[3][64];
    fmt_entry *fmts;
    size_t nfmts, fmtcap;
    int oom;
} writer;

typedef struct sheet {
    writer *w;
    lxw_worksheet *ws;
    const char *name;
    const char *attachment; /* "附件1" above the title, or NULL */
    lxw_row_t attach_row, title_row, unit_row, header_row, first_row;
    const fp_table *t;
    size_t nrows, ncols, nprinted;
    size_t *order;     /* rows in tree pre-order */
    int *depth;        /* by table row */
    lxw_row_t *srow;   /* by table row: its worksheet row */
    size_t *cols;      /* table columns in sheet order: printed, then the tree columns */
    lxw_col_t *scol;   /* by table column: its worksheet column */
    size_t name_col, total, advance, batch;
    const size_t *cats;
    size_t ncats;
    lxw_col_t *catcols; /* worksheet columns of the categories, ascending */
    uint8_t *fill;      /* audit: by row * ncols + column: 0, 1 warning, 2 error, FILL_SUSPECT */
    const fp_table *old; /* what-if: the table before, whose changed cells are marked */
    int comments;        /* what-if: a comment "原 1403" on each changed cell */
    strbuf f;            /* scratch for formulas */
} sheet;

/* The Excel number of amount A into *OUT: the one place amounts become doubles. 0, or -1 (and
 * *OUT untouched) when A has more significant digits than Excel keeps (EXCEL_DIGITS). */
int xw_amount_to_double(fp_amount a, double *out);
/* "C12": the A1 reference of a cell (relative). BUF holds at least 16 bytes. */
void xw_cell_name(char *buf, lxw_row_t row, lxw_col_t col);
/* Display width of UTF-8 text in Excel column units: East Asian wide characters count 2. */
size_t xw_text_width(const char *s);
/* Lines TEXT takes when wrapped in a column WIDTH units wide (characters are not split). */
unsigned xw_wrapped_lines(const char *s, double width);
/* Height in points of a row whose wrapped cells need LINES lines (0: leave the default). */
double xw_row_height(unsigned lines);

/* workbook_close one workbook at a time in the process (libxlsxwriter uses gmtime()). */
lxw_error xw_workbook_close(lxw_workbook *wb);

/* Keep the first libxlsxwriter error E of the workbook. */
void xw_check(writer *w, lxw_error e);
/* The format of KIND (enum fkind) with the given indent, weight and fill (0 none, 1 amber,
 * 2 red), made once per workbook. NULL only when out of memory (then w->oom is set). */
lxw_format *xw_format(writer *w, int kind, int indent, int bold, int fill);
/* The number formats of W's amounts: DECIMALS places, with THOUSANDS separators or not. Call
 * before the first format is made. */
void xw_number_formats(writer *w, int decimals, int thousands);
/* Decimals that show every amount of T exactly (at least each column's own). */
int xw_table_decimals(const fp_table *t);
/* Start a workbook for PATH with fixed properties (the same calls give the same bytes).
 * STREAM: rows are written in order and never revisited (libxlsxwriter's constant memory). */
fp_error xw_writer_open(writer *w, const char *path, const char *title, int decimals,
                        int stream, fp_diag *diag);
/* Close the workbook: write PATH when ERR is FP_OK and all went well (else only free it). */
fp_error xw_writer_close(writer *w, fp_error err, const char *path);
/* A worksheet named NAME, or NULL with *ERR and the diagnostic filled. */
lxw_worksheet *xw_add_sheet(writer *w, const char *name, fp_error *err);

/* The display width of ROW's path ("总计 / 地州合计 / 乌鲁木齐市", core/path.h); a list sheet's
 * column for paths as wide as WIDEST (+2), between 20 and 60. */
double xw_path_width(const fp_table *t, size_t row);
double xw_path_column(double widest);

/* Lay T out on a sheet NAME of W: ATTACHMENT (may be NULL) above the title, the title, the unit
 * line, the header, then the rows in pre-order; printed columns first, tree columns after.
 * xw_sheet_free frees it, also after a failure. */
fp_error xw_sheet_prepare(sheet *s, writer *w, const fp_table *t, const char *name,
                          const char *attachment);
void xw_sheet_free(sheet *s);
/* Title, unit line and header; column widths; print set-up; outline; frozen header. AUDIT: the
 * title is the summary (red when ERRORS, else green) and the unit line is the legend. */
void xw_sheet_frame(sheet *s, const char *title, const char *unit_line, int audit, int errors);
/* Write every row. FORMULAS: the notice (SUM formulas with cached values, zeros of rows without
 * rows blank); else the audit (the stated values, fills from s->fill). */
fp_error xw_sheet_rows(sheet *s, int formulas);

/* The identities the notice's formulas stand for must hold, or its numbers would not add up. */
fp_error xw_require_balanced(const fp_table *t, fp_diag *diag);
/* A notice-layout sheet NAME of T in W; OLD (may be NULL): the table before a what-if run,
 * whose changed cells are marked. OPTS may be NULL. */
fp_error xw_notice_sheet(writer *w, const fp_table *t, const fp_table *old,
                         const fp_notice_options *opts, const char *name);
/* Set W's number formats for the notice of T under OPTS (thousands separators). */
void xw_notice_formats(writer *w, const fp_table *t, const fp_notice_options *opts);

#endif
