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
#include "util/int128.h"

/* ---- the what-if workbook ---- */

/* CHANGE / |OLD| rounded to 0.01% as a fraction (-0.0312 for -3.12%): the one exact percentage
 * (fp_amount_percent_value), the figure --diff prints. OLD + CHANGE is the new amount. */
static double percent(fp_amount old, fp_amount change)
{
    return fp_amount_percent_value(old, (fp_amount)((i128)old + change));
}

/* Write amount V at (R, C) as a number, or fill DIAG when Excel cannot hold it exactly. */
static fp_error put_amount(writer *w, lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, fp_amount v,
                           lxw_format *f, const fp_table *t, size_t row, size_t col)
{
    double x;
    if (xw_amount_to_double(v, &x)) {
        char text[FP_AMOUNT_BUFSIZE];
        fp_amount_format(v, 0, text);
        return diag_set(w->diag, FP_ERR_AMOUNT_PRECISION, fp_table_source(t),
                        row != FP_NONE ? fp_table_row_line(t, row) : 0,
                        fp_table_column_name(t, col), text, strlen(text),
                        "%s has more than %d significant digits, more than an Excel number keeps",
                        text, EXCEL_DIGITS);
    }
    xw_check(w, worksheet_write_number(ws, r, c, x, f));
    return FP_OK;
}

/* "=D12-C12" with its value into (R, C): the change of the two cells on its left. */
static fp_error put_change(writer *w, lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, fp_amount o,
                           fp_amount n, lxw_format *f, const fp_table *t, size_t row, size_t col)
{
    fp_amount d;
    double x;
    if (fp_amount_sub(n, o, &d) || xw_amount_to_double(d, &x))
        return put_amount(w, ws, r, c, n > o ? FP_AMOUNT_MAX : FP_AMOUNT_MIN, f, t, row, col);
    char a[16], b[16], formula[48];
    xw_cell_name(a, r, (lxw_col_t)(c - 2));
    xw_cell_name(b, r, (lxw_col_t)(c - 1));
    snprintf(formula, sizeof formula, "=%s-%s", b, a);
    xw_check(w, worksheet_write_formula_num(ws, r, c, formula, f, x));
    return FP_OK;
}

/* Sheet 变动: at the top the settings (--set) and every column's total before and after; then
 * one row per unit that changed, with old, new and change of each amount column. */
static fp_error changes_sheet(writer *w, const fp_table *a, const fp_table *b,
                              const char *new_sheet, const sheet *layout,
                              const fp_xlsx_param *params, size_t nparams)
{
    fp_error err = FP_OK;
    lxw_worksheet *ws = xw_add_sheet(w, SHEET_CHANGES, &err);
    if (!ws)
        return err;
    size_t *amt = malloc((layout->ncols ? layout->ncols : 1) * sizeof *amt);
    if (!amt) {
        w->oom = 1;
        return FP_OK;
    }
    size_t na = 0;
    for (size_t k = 0; k < layout->ncols; k++)
        if (fp_table_column_is_amount(a, layout->cols[k]))
            amt[na++] = layout->cols[k];
    lxw_col_t ncol = (lxw_col_t)(1 + 3 * na + 2); /* 单位, 3 per column, 新表, 路径 */
    lxw_col_t lastc = (lxw_col_t)(ncol - 1), linkc = (lxw_col_t)(ncol - 2);
    lxw_format *hf = xw_format(w, F_HEADER, 0, 1, 0), *tf = xw_format(w, F_LIST_TEXT, 0, 0, 0),
               *bf = xw_format(w, F_LIST_TEXT, 0, 1, 0), *nf = xw_format(w, F_LIST_NUM, 0, 0, 0),
               *pf = xw_format(w, F_LIST_PCT, 0, 0, 0), *lf = xw_format(w, F_LINK, 0, 0, 0),
               *tl = xw_format(w, F_TITLE, 0, 1, 0);
    lxw_row_t r = 0;
    double widest_col = 0;

    /* what was asked */
    xw_check(w, worksheet_set_row(ws, r, 26, NULL));
    xw_check(w, worksheet_merge_range(ws, r, 0, r, lastc, "变动", tl));
    r++;
    strbuf line = {0};
    for (size_t i = 0; i < nparams; i++)
        if (params[i].label && strcmp(params[i].label, "设定") == 0) {
            strbuf_str(&line, line.len ? "；" : "设定：");
            strbuf_str(&line, params[i].value ? params[i].value : "");
        }
    if (line.len) {
        xw_check(w, worksheet_merge_range(ws, r, 0, r, lastc, line.oom ? "" : line.data, bf));
        r++;
    }
    free(line.data);
    r++;

    /* each column's total: the sum of the top rows */
    static const char *const thead[] = {"列", "原合计", "新合计", "变动", "变动率"};
    for (lxw_col_t k = 0; k < 5; k++)
        xw_check(w, worksheet_write_string(ws, r, k, thead[k], hf));
    r++;
    for (size_t i = 0; i < na && !err; i++, r++) {
        fp_amount o = 0, n = 0;
        for (size_t t = fp_table_first_root(a); t != FP_NONE; t = fp_table_next_sibling(a, t))
            if (fp_amount_add(o, fp_table_amount(a, t, amt[i]), &o) ||
                fp_amount_add(n, fp_table_amount(b, t, amt[i]), &n)) {
                o = n = FP_AMOUNT_MAX; /* refused as too many digits below */
                break;
            }
        xw_check(w, worksheet_write_string(ws, r, 0, fp_table_column_name(a, amt[i]), tf));
        double cw = (double)xw_text_width(fp_table_column_name(a, amt[i]));
        widest_col = cw > widest_col ? cw : widest_col;
        if (!err)
            err = put_amount(w, ws, r, 1, o, nf, a, FP_NONE, amt[i]);
        if (!err)
            err = put_amount(w, ws, r, 2, n, nf, a, FP_NONE, amt[i]);
        if (!err)
            err = put_change(w, ws, r, 3, o, n, nf, a, FP_NONE, amt[i]);
        fp_amount d = 0;
        if (!err && o != 0 && !fp_amount_sub(n, o, &d)) {
            char c2[16], c4[16], formula[64];
            xw_cell_name(c2, r, 1);
            xw_cell_name(c4, r, 3);
            snprintf(formula, sizeof formula, "=ROUND(%s/ABS(%s),4)", c4, c2);
            xw_check(w, worksheet_write_formula_num(ws, r, 4, formula, pf, percent(o, d)));
        } else if (!err) {
            xw_check(w, worksheet_write_blank(ws, r, 4, pf));
        }
    }
    r++;

    /* one row per unit: old, new and change of every amount column */
    lxw_row_t head = r;
    xw_check(w, worksheet_merge_range(ws, head, 0, head + 1, 0, "单位", hf));
    xw_check(w, worksheet_merge_range(ws, head, linkc, head + 1, linkc, "新表", hf));
    xw_check(w, worksheet_merge_range(ws, head, lastc, head + 1, lastc, "路径", hf));
    unsigned lines = 1;
    for (size_t i = 0; i < na; i++) {
        lxw_col_t c = (lxw_col_t)(1 + 3 * i);
        const char *name = fp_table_column_name(a, amt[i]);
        xw_check(w, worksheet_merge_range(ws, head, c, head, (lxw_col_t)(c + 2), name, hf));
        xw_check(w, worksheet_write_string(ws, head + 1, c, "原", hf));
        xw_check(w, worksheet_write_string(ws, head + 1, (lxw_col_t)(c + 1), "新", hf));
        xw_check(w, worksheet_write_string(ws, head + 1, (lxw_col_t)(c + 2), "变动", hf));
        unsigned l = xw_wrapped_lines(name, 3 * 9.0);
        lines = l > lines ? l : lines;
        xw_check(w, worksheet_set_column(ws, c, (lxw_col_t)(c + 2), 9, NULL));
    }
    xw_check(w, worksheet_set_row(ws, head, 16.0 * lines + 6, NULL));
    r = head + 2;
    lxw_row_t first = r;
    double widest = 0, widest_name = 0;
    strbuf p = {0};
    for (size_t i = 0; i < layout->nrows && !err && !w->oom && r < LXW_ROW_MAX; i++) {
        size_t row = layout->order[i];
        int changed = 0;
        for (size_t k = 0; k < na && !changed; k++)
            changed = fp_table_amount(a, row, amt[k]) != fp_table_amount(b, row, amt[k]);
        if (!changed)
            continue;
        int sub = fp_table_first_child(a, row) != FP_NONE;
        xw_check(w, worksheet_set_row(ws, r, ROW_POINTS, NULL));
        xw_check(w, worksheet_write_string(ws, r, 0, fp_table_row_name(a, row), sub ? bf : tf));
        double nw = (double)xw_text_width(fp_table_row_name(a, row));
        widest_name = nw > widest_name ? nw : widest_name;
        strbuf_reset(&p);
        row_path(&p, a, row, " / ");
        xw_check(w, worksheet_write_string(ws, r, lastc, p.oom ? "" : p.data, tf));
        double pw = xw_path_width(a, row);
        widest = pw > widest ? pw : widest;
        for (size_t k = 0; k < na && !err; k++) {
            lxw_col_t c = (lxw_col_t)(1 + 3 * k);
            fp_amount o = fp_table_amount(a, row, amt[k]), n = fp_table_amount(b, row, amt[k]);
            err = put_amount(w, ws, r, c, o, nf, a, row, amt[k]);
            if (!err)
                err = put_amount(w, ws, r, (lxw_col_t)(c + 1), n, nf, a, row, amt[k]);
            if (!err)
                err = put_change(w, ws, r, (lxw_col_t)(c + 2), o, n, nf, a, row, amt[k]);
        }
        char ref[16], url[64];
        xw_cell_name(ref, layout->srow[row], layout->scol[layout->name_col != FP_NONE
                                                               ? layout->name_col
                                                               : layout->cols[0]]);
        snprintf(url, sizeof url, "internal:'%s'!%s", new_sheet, ref);
        xw_check(w, r - first < MAX_LINKS ? worksheet_write_url_opt(ws, r, linkc, url, lf, ref, NULL)
                                          : worksheet_write_string(ws, r, linkc, ref, tf));
        r++;
    }
    if (p.oom)
        w->oom = 1;
    free(p.data);
    if (err) {
        free(amt);
        return err;
    }
    double first_width = (widest_name > widest_col ? widest_name : widest_col) + 2;
    xw_check(w, worksheet_set_column(ws, 0, 0,
                                     first_width < 10 ? 10 : first_width > 36 ? 36 : first_width,
                                     NULL));
    /* the paths fold away (one click shows them): on paper they would squeeze the numbers */
    lxw_row_col_options hide = {.hidden = 1, .level = 1, .collapsed = 0};
    xw_check(w, worksheet_set_column_opt(ws, lastc, lastc, xw_path_column(widest), NULL, &hide));
    xw_check(w, worksheet_set_column(ws, linkc, linkc, 9, NULL));
    if (r == first) {
        xw_check(w, worksheet_merge_range(ws, r, 0, r, lastc, "没有变动。", tf));
    } else {
        /* green up, red down: on each 变动 column, by its sign */
        lxw_format *up = workbook_add_format(w->wb), *down = workbook_add_format(w->wb);
        if (!up || !down) {
            w->oom = 1;
            free(amt);
            return FP_OK;
        }
        format_set_font_color(up, GREEN_TEXT);
        format_set_bg_color(up, GREEN_FILL);
        format_set_font_color(down, RED_TEXT);
        format_set_bg_color(down, RED_FILL);
        for (size_t k = 0; k < na; k++) {
            lxw_col_t c = (lxw_col_t)(1 + 3 * k + 2);
            lxw_conditional_format cu, cd;
            memset(&cu, 0, sizeof cu);
            memset(&cd, 0, sizeof cd);
            cu.type = cd.type = LXW_CONDITIONAL_TYPE_CELL;
            cu.criteria = LXW_CONDITIONAL_CRITERIA_GREATER_THAN;
            cd.criteria = LXW_CONDITIONAL_CRITERIA_LESS_THAN;
            cu.value = cd.value = 0;
            cu.format = up;
            cd.format = down;
            xw_check(w, worksheet_conditional_format_range(ws, first, c, r - 1, c, &cu));
            xw_check(w, worksheet_conditional_format_range(ws, first, c, r - 1, c, &cd));
        }
        xw_check(w, worksheet_autofilter(ws, head + 1, 0, r - 1, linkc));
    }
    free(amt);
    worksheet_freeze_panes(ws, first, 1);
    worksheet_set_paper(ws, 9);
    worksheet_set_landscape(ws);
    worksheet_fit_to_pages(ws, 1, 0);
    xw_check(w, worksheet_repeat_rows(ws, head, head + 1));
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
    if ((err = xw_writer_open(&w, path, title, dec > dec_old ? dec : dec_old, 0, diag)) != FP_OK)
        return err;
    xw_notice_formats(&w, new_, opts);
    err = xw_notice_sheet(&w, new_, old, opts, SHEET_NEW);
    sheet s;
    memset(&s, 0, sizeof s);
    if (!err)
        err = xw_sheet_prepare(&s, &w, new_, SHEET_NEW, opts ? opts->attachment : NULL);
    if (!err)
        err = changes_sheet(&w, old, new_, SHEET_NEW, &s, params, nparams);
    if (!err)
        err = params_sheet(&w, params, nparams);
    xw_sheet_free(&s);
    return xw_writer_close(&w, err, path);
}
