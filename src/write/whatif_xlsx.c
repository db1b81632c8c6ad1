/* write/whatif_xlsx.c — the what-if workbook: 新表, 变动 and 参数 of a reallocation. */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "write/xlsx_impl.h"

/* ---- the what-if workbook ---- */

/* CHANGE / |OLD| rounded to 0.01% as a fraction (-0.0312 for -3.12%): the one exact percentage
 * (fp_amount_percent_value), the figure --diff prints. OLD + CHANGE is the new amount. */
static double percent(fp_amount old, fp_amount change)
{
    return fp_amount_percent_value(old, (fp_amount)((__int128)old + change));
}

/* Sheet 变动: old, new, change, % change of every amount cell that changed. */
static fp_error changes_sheet(writer *w, const fp_table *a, const fp_table *b,
                              const char *new_sheet, const sheet *layout)
{
    fp_error err = FP_OK;
    lxw_worksheet *ws = xw_add_sheet(w, SHEET_CHANGES, &err);
    if (!ws)
        return err;
    static const char *const head[] = {"行号", "单位", "路径", "列", "原值", "新值",
                                       "变动", "变动率", "新表单元格"};
    double widths[] = {6, 24, 40, 22, 12, 12, 12, 10, 11};
    enum { NHEAD = sizeof head / sizeof head[0] };
    double widest = 0, widest_name = 0;
    for (size_t i = 0; i < layout->nrows; i++) {
        int changed = 0;
        for (size_t c = 0; c < layout->ncols && !changed; c++)
            changed = fp_table_column_is_amount(a, c) &&
                      fp_table_amount(a, i, c) != fp_table_amount(b, i, c);
        if (!changed)
            continue;
        double pw = xw_path_width(a, i), nw = (double)xw_text_width(fp_table_row_name(a, i));
        widest = pw > widest ? pw : widest;
        widest_name = nw > widest_name ? nw : widest_name;
    }
    widths[1] = widest_name + 2 < 10 ? 10 : widest_name + 2 > 40 ? 40 : widest_name + 2;
    widths[2] = xw_path_column(widest);
    lxw_format *hf = xw_format(w, F_HEADER, 0, 1, 0), *tf = xw_format(w, F_LIST_TEXT, 0, 0, 0),
               *nf = xw_format(w, F_LIST_NUM, 0, 0, 0), *pf = xw_format(w, F_LIST_PCT, 0, 0, 0),
               *lf = xw_format(w, F_LINK, 0, 0, 0);
    for (lxw_col_t k = 0; k < NHEAD; k++) {
        xw_check(w, worksheet_set_column(ws, k, k, widths[k], NULL));
        xw_check(w, worksheet_write_string(ws, 0, k, head[k], hf));
    }
    xw_check(w, worksheet_set_row(ws, 0, 20, NULL));
    lxw_row_t r = 1;
    sbuf p = {0};
    for (size_t i = 0; i < layout->nrows && !w->oom && r < LXW_ROW_MAX; i++) {
        size_t row = layout->order[i];
        for (size_t k = 0; k < layout->ncols; k++) {
            size_t c = layout->cols[k];
            if (!fp_table_column_is_amount(a, c))
                continue;
            fp_amount o = fp_table_amount(a, row, c), n = fp_table_amount(b, row, c);
            fp_amount d;
            if (o == n)
                continue;
            double xo, xn, xd;
            if (fp_amount_sub(n, o, &d) || xw_amount_to_double(o, &xo) ||
                xw_amount_to_double(n, &xn) || xw_amount_to_double(d, &xd)) {
                char text[FP_AMOUNT_BUFSIZE];
                fp_amount_format(o, 0, text);
                err = diag_set(w->diag, FP_ERR_AMOUNT_PRECISION, fp_table_source(a),
                               fp_table_row_line(a, row), fp_table_column_name(a, c), text,
                               strlen(text),
                               "a change of this amount has more than %d significant digits, "
                               "more than an Excel number keeps",
                               EXCEL_DIGITS);
                break;
            }
            xw_check(w, worksheet_write_number(ws, r, 0, (double)fp_table_row_line(a, row), tf));
            xw_check(w, worksheet_write_string(ws, r, 1, fp_table_row_name(a, row), tf));
            sb_reset(&p);
            xw_put_path(&p, a, row);
            xw_check(w, worksheet_write_string(ws, r, 2, p.oom ? "" : p.s, tf));
            if (!p.oom && xw_wrapped_lines(p.s, widths[2]) > 1)
                xw_check(w, worksheet_set_row(ws, r, xw_row_height(xw_wrapped_lines(p.s, widths[2])), NULL));
            xw_check(w, worksheet_write_string(ws, r, 3, fp_table_column_name(a, c), tf));
            xw_check(w, worksheet_write_number(ws, r, 4, xo, nf));
            xw_check(w, worksheet_write_number(ws, r, 5, xn, nf));
            char e[16], f[16], g[16], formula[96];
            xw_cell_name(e, r, 4);
            xw_cell_name(f, r, 5);
            xw_cell_name(g, r, 6);
            snprintf(formula, sizeof formula, "=%s-%s", f, e);
            xw_check(w, worksheet_write_formula_num(ws, r, 6, formula, nf, xd));
            snprintf(formula, sizeof formula, "=IF(%s=0,\"\",ROUND(%s/ABS(%s),4))", e, g, e);
            if (o == 0)
                xw_check(w, worksheet_write_formula_str(ws, r, 7, formula, pf, ""));
            else
                xw_check(w, worksheet_write_formula_num(ws, r, 7, formula, pf, percent(o, d)));
            char ref[16], url[64];
            xw_cell_name(ref, layout->srow[row], layout->scol[c]);
            snprintf(url, sizeof url, "internal:'%s'!%s", new_sheet, ref);
            xw_check(w, r <= MAX_LINKS ? worksheet_write_url_opt(ws, r, 8, url, lf, ref, NULL)
                                : worksheet_write_string(ws, r, 8, ref, tf));
            r++;
        }
        if (err)
            break;
    }
    if (p.oom)
        w->oom = 1;
    free(p.s);
    if (err)
        return err;
    if (r == 1) {
        xw_check(w, worksheet_merge_range(ws, 1, 0, 1, NHEAD - 1, "没有变动。", tf));
    } else {
        /* green up, red down: on 变动 and 变动率, by the sign of 变动 */
        lxw_format *up = workbook_add_format(w->wb), *down = workbook_add_format(w->wb);
        if (!up || !down) {
            w->oom = 1;
            return FP_OK;
        }
        format_set_font_color(up, GREEN_TEXT);
        format_set_bg_color(up, GREEN_FILL);
        format_set_font_color(down, RED_TEXT);
        format_set_bg_color(down, RED_FILL);
        char top[16];
        xw_cell_name(top, 1, 6);
        char f_up[48], f_down[48];
        snprintf(f_up, sizeof f_up, "=$%s>0", top);
        snprintf(f_down, sizeof f_down, "=$%s<0", top);
        lxw_conditional_format cu, cd;
        memset(&cu, 0, sizeof cu);
        memset(&cd, 0, sizeof cd);
        cu.type = cd.type = LXW_CONDITIONAL_TYPE_FORMULA;
        cu.value_string = f_up;
        cu.format = up;
        cd.value_string = f_down;
        cd.format = down;
        xw_check(w, worksheet_conditional_format_range(ws, 1, 6, r - 1, 7, &cu));
        xw_check(w, worksheet_conditional_format_range(ws, 1, 6, r - 1, 7, &cd));
        xw_check(w, worksheet_autofilter(ws, 0, 0, r - 1, NHEAD - 1));
    }
    worksheet_freeze_panes(ws, 1, 0);
    worksheet_set_paper(ws, 9);
    worksheet_set_landscape(ws);
    worksheet_fit_to_pages(ws, 1, 0);
    xw_check(w, worksheet_repeat_rows(ws, 0, 0));
    xw_check(w, worksheet_set_footer(ws, "&C第 &P 页 共 &N 页"));
    return FP_OK;
}

/* Sheet 参数: the label/value pairs that reproduce the run. */
static fp_error params_sheet(writer *w, const fp_xlsx_param *params, size_t n)
{
    fp_error err = FP_OK;
    lxw_worksheet *ws = xw_add_sheet(w, SHEET_PARAMS, &err);
    if (!ws)
        return err;
    lxw_format *hf = xw_format(w, F_HEADER, 0, 1, 0), *tf = xw_format(w, F_LIST_TEXT, 0, 0, 0),
               *bf = xw_format(w, F_LIST_TEXT, 0, 1, 0);
    size_t lw = 8, vw = 30;
    for (size_t i = 0; i < n; i++) {
        size_t a = params[i].label ? xw_text_width(params[i].label) : 0;
        size_t b = params[i].value ? xw_text_width(params[i].value) : 0;
        lw = a > lw ? a : lw;
        vw = b > vw ? b : vw;
    }
    double lwd = (double)(lw > 30 ? 30 : lw) + 3, vwd = (double)(vw > 90 ? 90 : vw) + 3;
    xw_check(w, worksheet_set_column(ws, 0, 0, lwd, NULL));
    xw_check(w, worksheet_set_column(ws, 1, 1, vwd, NULL));
    xw_check(w, worksheet_write_string(ws, 0, 0, "项目", hf));
    xw_check(w, worksheet_write_string(ws, 0, 1, "值", hf));
    for (size_t i = 0; i < n && i + 1 < LXW_ROW_MAX; i++) {
        lxw_row_t r = (lxw_row_t)(i + 1);
        xw_check(w, worksheet_write_string(ws, r, 0, params[i].label ? params[i].label : "", bf));
        xw_check(w, worksheet_write_string(ws, r, 1, params[i].value ? params[i].value : "", tf));
        unsigned a = params[i].label ? xw_wrapped_lines(params[i].label, lwd) : 1;
        unsigned b = params[i].value ? xw_wrapped_lines(params[i].value, vwd) : 1;
        if (a > 1 || b > 1)
            xw_check(w, worksheet_set_row(ws, r, xw_row_height(a > b ? a : b), NULL));
    }
    worksheet_set_paper(ws, 9);
    worksheet_set_landscape(ws);
    worksheet_fit_to_pages(ws, 1, 0);
    return FP_OK;
}

fp_error fp_xlsx_write_whatif(const fp_table *old, const fp_table *new_,
                              const fp_notice_options *opts, const fp_xlsx_param *params,
                              size_t nparams, const char *path, fp_diag *diag)
{
    fp_diag_clear(diag);
    if (!old || !new_ || !path || (nparams && !params))
        return diag_set(diag, FP_ERR_ARGUMENT, NULL, 0, NULL, NULL, 0,
                        "no tables, no parameters or no path");
    if (fp_table_row_count(old) != fp_table_row_count(new_) ||
        fp_table_column_count(old) != fp_table_column_count(new_))
        return diag_set(diag, FP_ERR_ARGUMENT, fp_table_source(new_), 0, NULL, NULL, 0,
                        "the new table has %zu rows and %zu columns, the old one %zu and %zu",
                        fp_table_row_count(new_), fp_table_column_count(new_),
                        fp_table_row_count(old), fp_table_column_count(old));
    fp_error err = xw_require_balanced(new_, diag);
    if (err)
        return err;
    int dec = xw_table_decimals(new_), dec_old = xw_table_decimals(old);
    writer w;
    const char *title = opts && opts->title ? opts->title
                        : fp_table_title(new_)    ? fp_table_title(new_)
                                                  : "分配表";
    if ((err = xw_writer_open(&w, path, title, dec > dec_old ? dec : dec_old, diag)) != FP_OK)
        return err;
    err = xw_notice_sheet(&w, new_, opts, SHEET_NEW);
    sheet s;
    memset(&s, 0, sizeof s);
    if (!err)
        err = xw_sheet_prepare(&s, &w, new_, SHEET_NEW);
    if (!err)
        err = changes_sheet(&w, old, new_, SHEET_NEW, &s);
    if (!err)
        err = params_sheet(&w, params, nparams);
    xw_sheet_free(&s);
    return xw_writer_close(&w, err, path);
}
