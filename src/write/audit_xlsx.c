/* write/audit_xlsx.c — the audit workbook: the table as stated, marked, and 问题清单. */
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
#include "check/rule_impl.h"

/* ---- the audit workbook ---- */

static const char *const rule_zh[FP_RULE_MAX] = {
    "列合计", "类别合计", "全年=已提前下达+此次下达", "自定义规则", "收回", "负数", "空行", "尾差"};
static const char *const computed_zh[FP_RULE_MAX] = {"下级之和", "各类别之和",
                                                     "已提前下达+此次下达", "按规则应为"};

/* Mark cell (ROW, COL) with severity SEV (2 error, 1 warning): the stronger one wins. */
static void mark(sheet *s, size_t row, size_t col, int sev)
{
    if (row == FP_NONE || col == FP_NONE || row >= s->nrows || col >= s->ncols)
        return;
    uint8_t *p = &s->fill[row * s->ncols + col];
    if (*p < sev)
        *p = (uint8_t)sev;
}

/* The cell a finding is reported on: its column, or the name for a row-wide finding. */
static size_t finding_column(const sheet *s, const fp_finding *f)
{
    if (f->column != FP_NONE)
        return f->column;
    return s->name_col != FP_NONE ? s->name_col : (s->ncols ? s->cols[0] : FP_NONE);
}

/* Every cell taking part in the identity F found failing. */
static void mark_finding(sheet *s, const fp_finding *f, const fp_check_options *co)
{
    int sev = f->severity == FP_SEVERITY_ERROR ? 2 : 1;
    size_t row = f->row;
    switch (f->identity) {
    case FP_RULE_COLUMN_SUM:
        mark(s, row, f->column, sev);
        for (size_t k = fp_table_first_child(s->t, row); k != FP_NONE;
             k = fp_table_next_sibling(s->t, k))
            mark(s, k, f->column, sev);
        break;
    case FP_RULE_CATEGORY_SPLIT:
        mark(s, row, s->total, sev);
        for (size_t i = 0; i < s->ncats; i++)
            mark(s, row, s->cats[i], sev);
        break;
    case FP_RULE_ADVANCE_BATCH:
        mark(s, row, s->total, sev);
        mark(s, row, s->advance, sev);
        mark(s, row, s->batch, sev);
        break;
    case FP_RULE_CUSTOM:
        if (co && f->custom < co->custom_count) {
            const struct fp_rule *u = co->custom[f->custom];
            for (size_t j = 0; j < u->nterms; j++)
                mark(s, row, u->terms[j].col, sev);
        } else {
            mark(s, row, f->column, sev);
        }
        break;
    default: /* clawback, negative, empty row: the cell itself */
        mark(s, row, finding_column(s, f), sev);
        break;
    }
}

/* One finding as comment text: rule, stated, computed, difference, and its likely cause. */
static void describe_finding(sbuf *b, const fp_table *t, const fp_finding *f,
                             const fp_check_options *co);

static void describe(sbuf *b, const fp_table *t, const fp_finding *f, const fp_check_options *co,
                     const fp_causes *causes, size_t i)
{
    describe_finding(b, t, f, co);
    const fp_cause *k = fp_causes_of_finding(causes, i);
    if (k && f->severity == FP_SEVERITY_ERROR) {
        sb_str(b, "\n可能原因：");
        sb_str(b, k->text_zh);
    }
}

static void describe_finding(sbuf *b, const fp_table *t, const fp_finding *f,
                             const fp_check_options *co)
{
    sb_str(b, f->severity == FP_SEVERITY_ERROR ? "错误：" : "警告：");
    sb_str(b, rule_zh[f->rule]);
    if (f->rule == FP_RULE_ROUNDING_RESIDUE)
        sb_printf(b, "（%s）", rule_zh[f->identity]);
    if (f->column != FP_NONE) {
        sb_str(b, " ");
        sb_str(b, fp_table_column_name(t, f->column));
    }
    switch (f->rule) {
    case FP_RULE_EMPTY_ROW:
        sb_str(b, "\n该行没有任何金额");
        return;
    case FP_RULE_CLAWBACK:
    case FP_RULE_NEGATIVE:
        sb_str(b, "\n表中：");
        sb_amount(b, f->actual);
        sb_str(b, f->rule == FP_RULE_CLAWBACK ? "\n此次下达为负数，即收回已下达资金"
                                               : "\n金额为负数");
        return;
    default:
        break;
    }
    if (f->identity == FP_RULE_CUSTOM && co && f->custom < co->custom_count) {
        sb_str(b, "\n规则：");
        sb_str(b, fp_rule_text(co->custom[f->custom]));
    }
    sb_str(b, "\n表中：");
    sb_amount(b, f->actual);
    sb_printf(b, "\n%s：", computed_zh[f->identity < FP_RULE_CLAWBACK ? f->identity : 0]);
    sb_amount(b, f->expected);
    sb_str(b, "\n相差：");
    if (f->difference > 0)
        sb_add(b, "+", 1);
    sb_amount(b, f->difference);
    if (f->rule == FP_RULE_ROUNDING_RESIDUE)
        sb_str(b, "（在容差之内）");
}

typedef struct noted {
    lxw_row_t row;
    lxw_col_t col;
    size_t finding;
} noted;

static int cmp_noted(const void *a, const void *b)
{
    const noted *x = a, *y = b;
    if (x->row != y->row)
        return x->row < y->row ? -1 : 1;
    if (x->col != y->col)
        return x->col < y->col ? -1 : 1;
    return (x->finding > y->finding) - (x->finding < y->finding);
}

/* One comment per reported cell, holding every finding reported there. */
static void audit_comments(sheet *s, const fp_report *rep, const fp_check_options *co,
                           const fp_causes *causes)
{
    writer *w = s->w;
    size_t n = fp_report_count(rep);
    noted *v = malloc((n ? n : 1) * sizeof *v);
    if (!v) {
        w->oom = 1;
        return;
    }
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        const fp_finding *f = fp_report_finding(rep, i);
        size_t col = finding_column(s, f);
        if (f->row >= s->nrows || col == FP_NONE)
            continue;
        v[m++] = (noted){s->srow[f->row], s->scol[col], i};
    }
    if (m)
        qsort(v, m, sizeof *v, cmp_noted);
    sbuf b = {0};
    for (size_t i = 0; i < m;) {
        size_t j = i;
        unsigned lines = 0;
        sb_reset(&b);
        for (; j < m && v[j].row == v[i].row && v[j].col == v[i].col; j++) {
            if (j > i)
                sb_str(&b, "\n\n");
            size_t before = b.len;
            describe(&b, s->t, fp_report_finding(rep, v[j].finding), co, causes, v[j].finding);
            for (size_t k = before; k < b.len; k++)
                lines += b.s[k] == '\n';
            lines += 2;
        }
        if (b.oom) {
            w->oom = 1;
            break;
        }
        lxw_comment_options o;
        memset(&o, 0, sizeof o);
        o.author = "fenpei";
        o.width = 300;
        o.height = (uint16_t)(lines > 40 ? 40 * 18 + 12 : lines * 18 + 12);
        o.font_name = FONT;
        o.font_size = 10;
        xw_check(w, worksheet_write_comment_opt(s->ws, v[i].row, v[i].col, b.s, &o));
        i = j;
    }
    free(b.s);
    free(v);
}

/* Sheet 问题清单: one row per finding with a link to its cell on the audit sheet. */
static fp_error findings_sheet(writer *w, const sheet *s, const fp_report *rep,
                               const fp_check_options *co)
{
    fp_error err = FP_OK;
    lxw_worksheet *ws = xw_add_sheet(w, SHEET_FINDINGS, &err);
    if (!ws)
        return err;
    static const char *const head[] = {"序号", "级别", "规则", "行号", "单位",   "列",
                                       "表中", "计算值", "差额", "单元格", "说明"};
    double widths[] = {6, 7, 14, 7, 36, 22, 10, 10, 9, 9, 28};
    enum { NHEAD = sizeof head / sizeof head[0] };
    size_t n = fp_report_count(rep);
    double widest = 0;
    for (size_t i = 0; i < n; i++) {
        double pw = xw_path_width(s->t, fp_report_finding(rep, i)->row);
        widest = pw > widest ? pw : widest;
    }
    widths[4] = xw_path_column(widest);
    lxw_format *hf = xw_format(w, F_HEADER, 0, 1, 0), *tf = xw_format(w, F_LIST_TEXT, 0, 0, 0),
               *nf = xw_format(w, F_LIST_NUM, 0, 0, 0), *lf = xw_format(w, F_LINK, 0, 0, 0);
    for (lxw_col_t k = 0; k < NHEAD; k++) {
        xw_check(w, worksheet_set_column(ws, k, k, widths[k], NULL));
        xw_check(w, worksheet_write_string(ws, 0, k, head[k], hf));
    }
    xw_check(w, worksheet_set_row(ws, 0, 20, NULL));
    sbuf b = {0};
    for (size_t i = 0; i < n && !w->oom; i++) {
        const fp_finding *f = fp_report_finding(rep, i);
        lxw_row_t r = (lxw_row_t)(i + 1);
        int sev = f->severity == FP_SEVERITY_ERROR ? 2 : 1;
        xw_check(w, worksheet_write_number(ws, r, 0, (double)(i + 1), tf));
        xw_check(w, worksheet_write_string(ws, r, 1, sev == 2 ? "错误" : "警告",
                                    xw_format(w, F_LIST_TEXT, 0, 1, sev)));
        sb_reset(&b);
        sb_str(&b, rule_zh[f->rule]);
        if (f->rule == FP_RULE_ROUNDING_RESIDUE)
            sb_printf(&b, "（%s）", rule_zh[f->identity]);
        xw_check(w, worksheet_write_string(ws, r, 2, b.s, tf));
        xw_check(w, worksheet_write_number(ws, r, 3, (double)fp_table_row_line(s->t, f->row), tf));
        sb_reset(&b);
        xw_put_path(&b, s->t, f->row);
        xw_check(w, worksheet_write_string(ws, r, 4, b.oom ? "" : b.s, tf));
        unsigned lines = b.oom ? 1 : xw_wrapped_lines(b.s, widths[4]);
        xw_check(w, f->column != FP_NONE
                 ? worksheet_write_string(ws, r, 5, fp_table_column_name(s->t, f->column), tf)
                 : worksheet_write_blank(ws, r, 5, tf));
        int valued = f->rule != FP_RULE_EMPTY_ROW;
        int computed = valued && f->rule != FP_RULE_CLAWBACK && f->rule != FP_RULE_NEGATIVE;
        fp_amount vals[3] = {f->actual, f->expected, f->difference};
        int show[3] = {valued, computed, computed};
        for (lxw_col_t k = 0; k < 3; k++) {
            double x;
            if (!show[k])
                xw_check(w, worksheet_write_blank(ws, r, (lxw_col_t)(6 + k), nf));
            else if (xw_amount_to_double(vals[k], &x) == 0)
                xw_check(w, worksheet_write_number(ws, r, (lxw_col_t)(6 + k), x, nf));
            else {
                char text[FP_AMOUNT_BUFSIZE];
                fp_amount_format(vals[k], 0, text);
                xw_check(w, worksheet_write_string(ws, r, (lxw_col_t)(6 + k), text,
                                            xw_format(w, F_NUM_TEXT, 0, 0, 0)));
            }
        }
        size_t col = finding_column(s, f);
        char ref[16], url[64];
        xw_cell_name(ref, s->srow[f->row], s->scol[col]);
        snprintf(url, sizeof url, "internal:'%s'!%s", s->name, ref);
        /* past Excel's limit of links per sheet the reference stays as text */
        xw_check(w, i < MAX_LINKS ? worksheet_write_url_opt(ws, r, 9, url, lf, ref, NULL)
                           : worksheet_write_string(ws, r, 9, ref, tf));
        sb_reset(&b);
        if (f->rule == FP_RULE_EMPTY_ROW)
            sb_str(&b, "该行没有任何金额");
        else if (f->rule == FP_RULE_CLAWBACK)
            sb_str(&b, "此次下达为负数，即收回已下达资金");
        else if (f->rule == FP_RULE_NEGATIVE)
            sb_str(&b, "金额为负数");
        else {
            sb_str(&b, computed_zh[f->identity < FP_RULE_CLAWBACK ? f->identity : 0]);
            if (f->identity == FP_RULE_CUSTOM && co && f->custom < co->custom_count) {
                sb_str(&b, "（");
                sb_str(&b, fp_rule_text(co->custom[f->custom]));
                sb_str(&b, "）");
            }
            if (f->rule == FP_RULE_ROUNDING_RESIDUE)
                sb_str(&b, "；在容差之内");
        }
        xw_check(w, worksheet_write_string(ws, r, 10, b.oom ? "" : b.s, tf));
        if (!b.oom && xw_wrapped_lines(b.s, widths[10]) > lines)
            lines = xw_wrapped_lines(b.s, widths[10]);
        if (lines > 1)
            xw_check(w, worksheet_set_row(ws, r, xw_row_height(lines), NULL));
    }
    if (n == 0) {
        xw_check(w, worksheet_merge_range(ws, 1, 0, 1, NHEAD - 1, "没有发现问题：各项平衡关系全部成立。",
                                   tf));
    } else {
        xw_check(w, worksheet_autofilter(ws, 0, 0, (lxw_row_t)n, NHEAD - 1));
    }
    if (b.oom)
        w->oom = 1;
    free(b.s);
    worksheet_freeze_panes(ws, 1, 0);
    worksheet_set_paper(ws, 9);
    worksheet_set_landscape(ws);
    worksheet_fit_to_pages(ws, 1, 0);
    xw_check(w, worksheet_repeat_rows(ws, 0, 0));
    xw_check(w, worksheet_set_footer(ws, "&C第 &P 页 共 &N 页"));
    return FP_OK;
}

fp_error fp_xlsx_write_audit(const fp_table *t, const fp_report *report,
                             const fp_check_options *check_opts, const char *path,
                             fp_diag *diag)
{
    fp_diag_clear(diag);
    if (!t || !report || !path)
        return diag_set(diag, FP_ERR_ARGUMENT, NULL, 0, NULL, NULL, 0,
                        "no table, no report or no path");
    writer w;
    fp_error err = xw_writer_open(&w, path, "审核", xw_table_decimals(t), diag);
    if (err)
        return err;
    sheet s;
    err = xw_sheet_prepare(&s, &w, t, SHEET_AUDIT);
    if (!err) {
        s.fill = calloc(s.nrows * s.ncols + 1, 1);
        if (!s.fill)
            err = diag_set(diag, FP_ERR_NOMEM, NULL, 0, NULL, NULL, 0, "out of memory");
    }
    if (!err)
        s.ws = xw_add_sheet(&w, SHEET_AUDIT, &err);
    if (!err) {
        for (size_t i = 0; i < fp_report_count(report); i++)
            mark_finding(&s, fp_report_finding(report, i), check_opts);
        size_t errors = fp_report_errors(report), warns = fp_report_warnings(report);
        sbuf sum = {0}, legend = {0};
        sb_str(&sum, "审核：");
        sb_str(&sum, fp_table_source(t));
        sb_printf(&sum, "，共 %zu 行：", s.nrows);
        if (errors)
            sb_printf(&sum, "%zu 个错误，%zu 个警告。", errors, warns);
        else
            sb_printf(&sum, "各项平衡关系全部成立，%zu 个警告。", warns);
        sb_str(&legend, "检查规则：");
        unsigned rules = fp_report_rules(report);
        int first = 1;
        for (int k = FP_RULE_COLUMN_SUM; k <= FP_RULE_ADVANCE_BATCH; k++)
            if (rules & (1u << k)) {
                sb_printf(&legend, "%s%s", first ? "" : "、", rule_zh[k]);
                first = 0;
            }
        for (size_t k = 0; check_opts && k < check_opts->custom_count; k++) {
            sb_str(&legend, first ? "自定义「" : "、自定义「");
            sb_str(&legend, fp_rule_text(check_opts->custom[k]));
            sb_str(&legend, "」");
            first = 0;
        }
        sb_str(&legend, "。红色：错误，黄色：警告，填色的是参与不成立的平衡关系的单元格；"
                        "带批注的单元格是报告问题之处（规则、表中值、计算值、差额）；"
                        "全部问题见「问题清单」。");
        if (sum.oom || legend.oom)
            w.oom = 1;
        else
            xw_sheet_frame(&s, sum.s, legend.s, 1, errors != 0);
        free(sum.s);
        free(legend.s);
        err = xw_sheet_rows(&s, 0);
        if (!err) {
            /* the likely causes go into the comments; without memory for them, none */
            fp_causes *causes = NULL;
            if (fp_explain(t, report, check_opts, &causes, NULL) != FP_OK)
                causes = NULL;
            audit_comments(&s, report, check_opts, causes);
            fp_causes_free(causes);
        }
        if (!err)
            err = findings_sheet(&w, &s, report, check_opts);
    }
    xw_sheet_free(&s);
    return xw_writer_close(&w, err, path);
}
