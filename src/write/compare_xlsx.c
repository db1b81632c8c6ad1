/* write/compare_xlsx.c — the comparison workbook: a summary sheet and one sheet per column. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <xlsxwriter.h>

#include "fenpei/compare.h"
#include "util/buf.h"
#include "write/xlsx_impl.h"

#define FIXED_CREATED ((time_t)1704067200) /* same bytes for the same input */
#define EXACT_IN_DOUBLE INT64_C(9007199254740992) /* 2^53 micro-units */

typedef struct cw {
    lxw_workbook *wb;
    lxw_format *bold, *amount, *pct;
    lxw_error err;
} cw;

static void keep(cw *w, lxw_error e)
{
    if (e != LXW_NO_ERROR && w->err == LXW_NO_ERROR)
        w->err = e;
}

/* An amount as a number (exact below 2^53 micro-units: the one conversion to double), else as
 * its decimal text. */
static void put_amount(cw *w, lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, fp_amount a)
{
    char b[FP_AMOUNT_BUFSIZE];
    if (a > -EXACT_IN_DOUBLE && a < EXACT_IN_DOUBLE) {
        keep(w, worksheet_write_number(ws, r, c, (double)a / (double)FP_AMOUNT_SCALE, w->amount));
        return;
    }
    fp_amount_format(a, 0, b);
    keep(w, worksheet_write_string(ws, r, c, b, NULL));
}

/* A worksheet name from a column heading: at most 31 characters, none of []:*?/\, unique. */
static void sheet_name(const char *heading, size_t k, char *out, size_t cap)
{
    size_t len = 0, chars = 0;
    for (const unsigned char *p = (const unsigned char *)heading; *p && chars < 24;) {
        size_t n = *p < 0x80 ? 1 : *p < 0xE0 ? 2 : *p < 0xF0 ? 3 : 4;
        if (len + n + 8 >= cap)
            break;
        for (size_t i = 0; i < n && p[i]; i++)
            out[len++] = strchr("[]:*?/\\", p[i]) ? '_' : (char)p[i];
        p += n;
        chars++;
    }
    snprintf(out + len, cap - len, "-%zu", k + 1);
}

fp_error fp_xlsx_write_compare(const fp_comparison *c, const char *old_name,
                               const char *new_name, const char *path, fp_diag *diag)
{
    cw w;
    memset(&w, 0, sizeof w);
    w.wb = workbook_new(path);
    if (!w.wb)
        return diag_set(diag, FP_ERR_IO, path, 0, NULL, NULL, 0, "cannot create the workbook");
    lxw_doc_properties props;
    memset(&props, 0, sizeof props);
    props.title = (char *)(uintptr_t) "方案比较";
    props.created = FIXED_CREATED;
    keep(&w, workbook_set_properties(w.wb, &props));
    w.bold = workbook_add_format(w.wb);
    w.amount = workbook_add_format(w.wb);
    w.pct = workbook_add_format(w.wb);
    if (!w.bold || !w.amount || !w.pct) {
        workbook_close(w.wb);
        return diag_set(diag, FP_ERR_NOMEM, NULL, 0, NULL, NULL, 0, "out of memory");
    }
    format_set_bold(w.bold);
    format_set_num_format(w.amount, "#,##0.######");
    format_set_num_format(w.pct, "0.00%");

    size_t K = fp_comparison_column_count(c), U = fp_comparison_unit_count(c);
    lxw_worksheet *sum = workbook_add_worksheet(w.wb, "汇总");
    if (!sum) {
        workbook_close(w.wb);
        return diag_set(diag, FP_ERR_NOMEM, NULL, 0, NULL, NULL, 0, "out of memory");
    }
    char title[512];
    snprintf(title, sizeof title, "方案比较：%s（原） → %s（新）", old_name, new_name);
    keep(&w, worksheet_write_string(sum, 0, 0, title, w.bold));
    static const char *const shead[] = {"列", "原表合计", "新表合计", "变动", "变动率"};
    for (lxw_col_t j = 0; j < 5; j++)
        keep(&w, worksheet_write_string(sum, 2, j, shead[j], w.bold));
    keep(&w, worksheet_set_column(sum, 0, 0, 28, NULL));
    keep(&w, worksheet_set_column(sum, 1, 4, 16, NULL));
    for (size_t k = 0; k < K; k++) {
        /* the totals: the top-level rows of each table */
        fp_amount to = 0, tn = 0;
        int ovf = 0;
        for (size_t i = 0; i < U; i++) {
            const fp_compare_unit *u = fp_comparison_unit(c, i);
            if (strchr(u->path, '/'))
                continue;
            fp_compare_value v = fp_comparison_value(c, i, k);
            if (v.has_old)
                ovf |= fp_amount_add(to, v.old, &to);
            if (v.has_new)
                ovf |= fp_amount_add(tn, v.new_, &tn);
        }
        lxw_row_t r = (lxw_row_t)(3 + k);
        keep(&w, worksheet_write_string(sum, r, 0, fp_comparison_column_name(c, k), NULL));
        if (ovf)
            continue;
        put_amount(&w, sum, r, 1, to);
        put_amount(&w, sum, r, 2, tn);
        fp_amount d;
        if (!fp_amount_sub(tn, to, &d))
            put_amount(&w, sum, r, 3, d);
        if (to != 0)
            keep(&w, worksheet_write_number(sum, r, 4, fp_amount_percent_value(to, tn), w.pct));
    }
    lxw_row_t r = (lxw_row_t)(4 + K);
    size_t only_old = 0, only_new = 0;
    for (size_t i = 0; i < U; i++) {
        const fp_compare_unit *u = fp_comparison_unit(c, i);
        only_old += u->new_row == FP_NONE;
        only_new += u->old_row == FP_NONE;
    }
    char line[128];
    snprintf(line, sizeof line, "仅在原表的单位：%zu 个；仅在新表的单位：%zu 个", only_old,
             only_new);
    keep(&w, worksheet_write_string(sum, r++, 0, line, w.bold));
    for (size_t i = 0; i < U; i++) {
        const fp_compare_unit *u = fp_comparison_unit(c, i);
        if (u->old_row != FP_NONE && u->new_row != FP_NONE)
            continue;
        keep(&w, worksheet_write_string(sum, r, 0, u->path, NULL));
        keep(&w, worksheet_write_string(sum, r++, 1,
                                        u->new_row == FP_NONE ? "仅在原表" : "仅在新表", NULL));
    }

    static const char *const head[] = {"路径", "单位", "原值", "新值", "变动", "变动率",
                                       "原排名", "新排名", "排名变化"};
    for (size_t k = 0; k < K; k++) {
        char name[64];
        sheet_name(fp_comparison_column_name(c, k), k, name, sizeof name);
        lxw_worksheet *ws = workbook_add_worksheet(w.wb, name);
        if (!ws) {
            workbook_close(w.wb);
            return diag_set(diag, FP_ERR_NOMEM, NULL, 0, NULL, NULL, 0, "out of memory");
        }
        keep(&w, worksheet_write_string(ws, 0, 0, fp_comparison_column_name(c, k), w.bold));
        for (lxw_col_t j = 0; j < 9; j++)
            keep(&w, worksheet_write_string(ws, 1, j, head[j], w.bold));
        worksheet_freeze_panes(ws, 2, 2);
        keep(&w, worksheet_set_column(ws, 0, 0, 40, NULL));
        keep(&w, worksheet_set_column(ws, 1, 1, 24, NULL));
        keep(&w, worksheet_set_column(ws, 2, 8, 13, NULL));
        for (size_t i = 0; i < U; i++) {
            const fp_compare_unit *u = fp_comparison_unit(c, i);
            fp_compare_value v = fp_comparison_value(c, i, k);
            lxw_row_t row = (lxw_row_t)(2 + i);
            keep(&w, worksheet_write_string(ws, row, 0, u->path, NULL));
            keep(&w, worksheet_write_string(ws, row, 1, u->name, NULL));
            if (v.has_old)
                put_amount(&w, ws, row, 2, v.old);
            if (v.has_new)
                put_amount(&w, ws, row, 3, v.new_);
            fp_amount d;
            if (v.has_old && v.has_new && !fp_amount_sub(v.new_, v.old, &d)) {
                put_amount(&w, ws, row, 4, d);
                if (v.old != 0)
                    keep(&w, worksheet_write_number(ws, row, 5,
                                                    fp_amount_percent_value(v.old, v.new_), w.pct));
            }
            if (v.rank_old)
                keep(&w, worksheet_write_number(ws, row, 6, (double)v.rank_old, NULL));
            if (v.rank_new)
                keep(&w, worksheet_write_number(ws, row, 7, (double)v.rank_new, NULL));
            if (v.rank_old && v.rank_new)
                keep(&w, worksheet_write_number(ws, row, 8,
                                                (double)v.rank_old - (double)v.rank_new, NULL));
        }
    }
    lxw_error e = xw_workbook_close(w.wb); /* one at a time: the server's threads */
    if (w.err == LXW_NO_ERROR)
        w.err = e;
    if (w.err != LXW_NO_ERROR)
        return diag_set(diag, w.err == LXW_ERROR_MEMORY_MALLOC_FAILED ? FP_ERR_NOMEM : FP_ERR_IO,
                        path, 0, NULL, NULL, 0, "cannot write the workbook: %s",
                        lxw_strerror(w.err));
    return FP_OK;
}
