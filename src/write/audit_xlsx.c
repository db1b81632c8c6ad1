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

#include "fenpei/explain.h"
#include "fenpei/report.h"
#include "write/xlsx_impl.h"
#include "check/rule_impl.h"

/* ---- the audit workbook ---- */

static const char *const rule_zh[FP_RULE_MAX] = {
    "列合计", "类别合计", "全年=已提前下达+此次下达", "自定义规则", "收回", "负数", "空行", "尾差",
    "无法识别", "名称错行"};
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
static void describe_finding(strbuf *b, const fp_table *t, const fp_finding *f,
                             const fp_check_options *co);

/* TEXT (a cause's sentence, which counts lines of the source file: "第 10 行") with each line
 * number that is a row of the table replaced by that row on the sheet ("第 12 行"), so that a
 * reader of the sheet finds it. */
static void put_sheet_text(strbuf *b, const sheet *s, const char *text)
{
    static const char open[] = "第 ", close[] = " 行";
    const char *p = text;
    for (;;) {
        const char *hit = strstr(p, open);
        if (!hit) {
            strbuf_str(b, p);
            return;
        }
        const char *d = hit + strlen(open), *e = d;
        long line = 0;
        while (*e >= '0' && *e <= '9' && line < 100000000)
            line = line * 10 + (*e++ - '0');
        size_t row = FP_NONE;
        if (e > d && strncmp(e, close, strlen(close)) == 0)
            for (size_t r = 0; r < s->nrows && row == FP_NONE; r++)
                if (fp_table_row_line(s->t, r) == line)
                    row = r;
        strbuf_add(b, p, (size_t)(d - p));
        if (row != FP_NONE) {
            strbuf_printf(b, "%lu", (unsigned long)s->srow[row] + 1);
            p = e;
        } else {
            p = d;
        }
    }
}

/* "C12：326 → 316；D12：…": the cells CAUSE would change and the values it suggests. */
static void put_suggestion(strbuf *b, const sheet *s, const fp_cause *k)
{
    int first = 1;
    for (size_t i = 0; k && i < k->ncells; i++) {
        const fp_cause_cell *c = &k->cells[i];
        if (c->row == FP_NONE || c->row >= s->nrows || c->column >= s->ncols)
            continue;
        char ref[16];
        xw_cell_name(ref, s->srow[c->row], s->scol[c->column]);
        strbuf_printf(b, "%s%s：", first ? "" : "；", ref);
        if (c->stated_text || c->suggested_text) {
            strbuf_str(b, c->stated_text ? c->stated_text : "");
            strbuf_str(b, " → ");
            strbuf_str(b, c->suggested_text ? c->suggested_text : "");
        } else {
            strbuf_amount(b, c->stated);
            strbuf_str(b, " → ");
            strbuf_amount(b, c->suggested);
        }
        first = 0;
    }
}

static void describe(strbuf *b, const sheet *s, const fp_finding *f, const fp_check_options *co,
                     const fp_causes *causes, size_t i)
{
    describe_finding(b, s->t, f, co);
    const fp_cause *k = fp_causes_of_finding(causes, i);
    if (k && f->severity == FP_SEVERITY_ERROR) {
        strbuf_str(b, "\n可能原因：");
        put_sheet_text(b, s, k->text_zh);
        size_t before = b->len;
        strbuf_str(b, "\n建议修改：");
        size_t mark_len = b->len;
        put_suggestion(b, s, k);
        if (b->len == mark_len && !b->oom) { /* nothing to suggest: drop the label */
            b->len = before;
            b->data[before] = '\0';
        }
    }
}

static void describe_finding(strbuf *b, const fp_table *t, const fp_finding *f,
                             const fp_check_options *co)
{
    strbuf_str(b, f->severity == FP_SEVERITY_ERROR ? "错误：" : "警告：");
    strbuf_str(b, rule_zh[f->rule]);
    if (f->rule == FP_RULE_ROUNDING_RESIDUE)
        strbuf_printf(b, "（%s）", rule_zh[f->identity]);
    if (f->column != FP_NONE) {
        strbuf_str(b, " ");
        strbuf_str(b, fp_table_column_name(t, f->column));
    }
    switch (f->rule) {
    case FP_RULE_EMPTY_ROW:
        strbuf_str(b, "\n该行没有任何金额");
        return;
    case FP_RULE_UNREADABLE:
        strbuf_printf(b, "\n「%s」不是金额，按空白读入", fp_table_text(t, f->row, f->column));
        return;
    case FP_RULE_LABEL_SHIFT:
        strbuf_printf(b, "\n名称似比数字晚了一行：此行的数字属于「%s」",
                  fp_table_row_name(t, f->row + 1));
        return;
    case FP_RULE_CLAWBACK:
    case FP_RULE_NEGATIVE:
        strbuf_str(b, "\n表中：");
        strbuf_amount(b, f->actual);
        strbuf_str(b, f->rule == FP_RULE_CLAWBACK ? "\n此次下达为负数，即收回已下达资金"
                                               : "\n金额为负数");
        return;
    default:
        break;
    }
    if (f->identity == FP_RULE_CUSTOM && co && f->custom < co->custom_count) {
        strbuf_str(b, "\n规则：");
        strbuf_str(b, fp_rule_text(co->custom[f->custom]));
    }
    strbuf_str(b, "\n表中：");
    strbuf_amount(b, f->actual);
    strbuf_printf(b, "\n%s：", computed_zh[f->identity < FP_RULE_CLAWBACK ? f->identity : 0]);
    strbuf_amount(b, f->expected);
    strbuf_str(b, "\n相差：");
    if (f->difference > 0)
        strbuf_add(b, "+", 1);
    strbuf_amount(b, f->difference);
    if (f->rule == FP_RULE_ROUNDING_RESIDUE)
        strbuf_str(b, "（在容差之内）");
}

typedef struct noted {
    lxw_row_t row;
    lxw_col_t col;
    size_t finding;        /* the finding reported on the cell, or FP_NONE … */
    const fp_cause *cause; /* … the cause that names it, */
    size_t cell;           /* and which of its cells it is */
} noted;

static int cmp_noted(const void *a, const void *b)
{
    const noted *x = a, *y = b;
    if (x->row != y->row)
        return x->row < y->row ? -1 : 1;
    if (x->col != y->col)
        return x->col < y->col ? -1 : 1;
    /* findings first (in report order), then the causes naming the cell (FP_NONE is largest) */
    return (x->finding > y->finding) - (x->finding < y->finding);
}

/* Fill every cell a cause names (a typo, a misplaced cell: the suspect) distinctly. */
static void mark_suspects(sheet *s, const fp_causes *causes)
{
    for (size_t i = 0; causes && i < fp_causes_count(causes); i++) {
        const fp_cause *k = fp_causes_get(causes, i);
        for (size_t j = 0; j < k->ncells; j++) {
            const fp_cause_cell *c = &k->cells[j];
            if (c->row != FP_NONE && c->row < s->nrows && c->column < s->ncols)
                s->fill[c->row * s->ncols + c->column] = FILL_SUSPECT;
        }
    }
}

/* One comment per reported cell, holding every finding reported there. */
static void audit_comments(sheet *s, const fp_report *rep, const fp_check_options *co,
                           const fp_causes *causes)
{
    writer *w = s->w;
    size_t n = fp_report_count(rep), ncells = 0;
    for (size_t i = 0; causes && i < fp_causes_count(causes); i++)
        ncells += fp_causes_get(causes, i)->ncells;
    noted *v = malloc((n + ncells ? n + ncells : 1) * sizeof *v);
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
        v[m++] = (noted){s->srow[f->row], s->scol[col], i, NULL, 0};
    }
    for (size_t i = 0; causes && i < fp_causes_count(causes); i++) {
        const fp_cause *k = fp_causes_get(causes, i);
        for (size_t j = 0; j < k->ncells; j++) {
            const fp_cause_cell *c = &k->cells[j];
            if (c->row != FP_NONE && c->row < s->nrows && c->column < s->ncols)
                v[m++] = (noted){s->srow[c->row], s->scol[c->column], FP_NONE, k, j};
        }
    }
    if (m)
        qsort(v, m, sizeof *v, cmp_noted);
    strbuf b = {0};
    for (size_t i = 0; i < m;) {
        size_t j = i;
        unsigned lines = 0;
        strbuf_reset(&b);
        for (; j < m && v[j].row == v[i].row && v[j].col == v[i].col; j++) {
            if (j > i)
                strbuf_str(&b, "\n\n");
            size_t before = b.len;
            if (v[j].finding != FP_NONE) {
                describe(&b, s, fp_report_finding(rep, v[j].finding), co, causes, v[j].finding);
            } else {
                /* the cell a cause names: what it should hold, and why */
                const fp_cause_cell *c = &v[j].cause->cells[v[j].cell];
                strbuf_str(&b, "可能有误的单元格\n表中：");
                if (c->stated_text || c->suggested_text)
                    strbuf_str(&b, c->stated_text ? c->stated_text : "");
                else
                    strbuf_amount(&b, c->stated);
                strbuf_str(&b, "\n建议值：");
                if (c->stated_text || c->suggested_text)
                    strbuf_str(&b, c->suggested_text ? c->suggested_text : "");
                else
                    strbuf_amount(&b, c->suggested);
                strbuf_str(&b, "\n原因：");
                put_sheet_text(&b, s, v[j].cause->text_zh);
            }
            for (size_t k = before; k < b.len; k++)
                lines += b.data[k] == '\n';
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
        xw_check(w, worksheet_write_comment_opt(s->ws, v[i].row, v[i].col, b.data, &o));
        i = j;
    }
    free(b.data);
    free(v);
}

/* Sheet 问题清单: one row per finding with a link to its cell on the audit sheet. */
static fp_error findings_sheet(writer *w, const sheet *s, const fp_report *rep,
                               const fp_check_options *co, const fp_causes *causes)
{
    fp_error err = FP_OK;
    lxw_worksheet *ws = xw_add_sheet(w, SHEET_FINDINGS, &err);
    if (!ws)
        return err;
    /* places are cells of the audit sheet (C12), not lines of the source file */
    static const char *const head[] = {"序号", "级别",   "规则", "单元格", "单位", "列",
                                       "表中", "计算值", "差额", "说明",   "可能原因",
                                       "建议修改"};
    double widths[] = {6, 7, 14, 9, 36, 22, 10, 10, 9, 22, 44, 18};
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
    strbuf b = {0};
    for (size_t i = 0; i < n && !w->oom; i++) {
        const fp_finding *f = fp_report_finding(rep, i);
        lxw_row_t r = (lxw_row_t)(i + 1);
        int sev = f->severity == FP_SEVERITY_ERROR ? 2 : 1;
        xw_check(w, worksheet_write_number(ws, r, 0, (double)(i + 1), tf));
        xw_check(w, worksheet_write_string(ws, r, 1, sev == 2 ? "错误" : "警告",
                                    xw_format(w, F_LIST_TEXT, 0, 1, sev)));
        strbuf_reset(&b);
        strbuf_str(&b, rule_zh[f->rule]);
        if (f->rule == FP_RULE_ROUNDING_RESIDUE)
            strbuf_printf(&b, "（%s）", rule_zh[f->identity]);
        xw_check(w, worksheet_write_string(ws, r, 2, b.data, tf));
        strbuf_reset(&b);
        row_path(&b, s->t, f->row, " / ");
        xw_check(w, worksheet_write_string(ws, r, 4, b.oom ? "" : b.data, tf));
        unsigned lines = b.oom ? 1 : xw_wrapped_lines(b.data, widths[4]);
        xw_check(w, f->column != FP_NONE
                 ? worksheet_write_string(ws, r, 5, fp_table_column_name(s->t, f->column), tf)
                 : worksheet_write_blank(ws, r, 5, tf));
        int valued = f->rule != FP_RULE_EMPTY_ROW && f->rule != FP_RULE_UNREADABLE &&
                     f->rule != FP_RULE_LABEL_SHIFT;
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
        xw_check(w, i < MAX_LINKS ? worksheet_write_url_opt(ws, r, 3, url, lf, ref, NULL)
                                  : worksheet_write_string(ws, r, 3, ref, tf));
        strbuf_reset(&b);
        if (f->rule == FP_RULE_EMPTY_ROW)
            strbuf_str(&b, "该行没有任何金额");
        else if (f->rule == FP_RULE_UNREADABLE)
            strbuf_printf(&b, "「%s」不是金额，按空白读入", fp_table_text(s->t, f->row, f->column));
        else if (f->rule == FP_RULE_LABEL_SHIFT)
            strbuf_printf(&b, "名称似比数字晚了一行：此行的数字属于「%s」",
                      fp_table_row_name(s->t, f->row + 1));
        else if (f->rule == FP_RULE_CLAWBACK)
            strbuf_str(&b, "此次下达为负数，即收回已下达资金");
        else if (f->rule == FP_RULE_NEGATIVE)
            strbuf_str(&b, "金额为负数");
        else {
            strbuf_str(&b, computed_zh[f->identity < FP_RULE_CLAWBACK ? f->identity : 0]);
            if (f->identity == FP_RULE_CUSTOM && co && f->custom < co->custom_count) {
                strbuf_str(&b, "（");
                strbuf_str(&b, fp_rule_text(co->custom[f->custom]));
                strbuf_str(&b, "）");
            }
            if (f->rule == FP_RULE_ROUNDING_RESIDUE)
                strbuf_str(&b, "；在容差之内");
        }
        xw_check(w, worksheet_write_string(ws, r, 9, b.oom ? "" : b.data, tf));
        if (!b.oom && xw_wrapped_lines(b.data, widths[9]) > lines)
            lines = xw_wrapped_lines(b.data, widths[9]);
        /* the likely cause and the change it suggests: comments do not print, this does */
        const fp_cause *k = f->severity == FP_SEVERITY_ERROR ? fp_causes_of_finding(causes, i)
                                                             : NULL;
        strbuf_reset(&b);
        if (k)
            put_sheet_text(&b, s, k->text_zh);
        xw_check(w, worksheet_write_string(ws, r, 10, b.oom ? "" : b.data, tf));
        if (!b.oom && xw_wrapped_lines(b.data, widths[10]) > lines)
            lines = xw_wrapped_lines(b.data, widths[10]);
        strbuf_reset(&b);
        put_suggestion(&b, s, k);
        xw_check(w, worksheet_write_string(ws, r, 11, b.oom ? "" : b.data, tf));
        if (!b.oom && xw_wrapped_lines(b.data, widths[11]) > lines)
            lines = xw_wrapped_lines(b.data, widths[11]);
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
    free(b.data);
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
    fp_error err = xw_writer_open(&w, path, "审核", xw_table_decimals(t), 0, diag);
    if (err)
        return err;
    /* the likely causes: the cells they name are marked; without memory for them, none */
    fp_causes *causes = NULL;
    if (fp_explain(t, report, check_opts, &causes, NULL) != FP_OK)
        causes = NULL;
    sheet s;
    err = xw_sheet_prepare(&s, &w, t, SHEET_AUDIT, NULL);
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
        strbuf sum = {0}, legend = {0};
        strbuf_str(&sum, "审核：");
        strbuf_str(&sum, fp_table_source(t));
        strbuf_printf(&sum, "，共 %zu 行：", s.nrows);
        if (errors)
            strbuf_printf(&sum, "%zu 个错误，%zu 个警告。", errors, warns);
        else
            strbuf_printf(&sum, "各项平衡关系全部成立，%zu 个警告。", warns);
        strbuf_str(&legend, "检查规则：");
        unsigned rules = fp_report_rules(report);
        int first = 1;
        for (int k = FP_RULE_COLUMN_SUM; k <= FP_RULE_ADVANCE_BATCH; k++)
            if (rules & (1u << k)) {
                strbuf_printf(&legend, "%s%s", first ? "" : "、", rule_zh[k]);
                first = 0;
            }
        for (size_t k = 0; check_opts && k < check_opts->custom_count; k++) {
            strbuf_str(&legend, first ? "自定义「" : "、自定义「");
            strbuf_str(&legend, fp_rule_text(check_opts->custom[k]));
            strbuf_str(&legend, "」");
            first = 0;
        }
        strbuf_str(&legend, "。红色：错误，黄色：警告，填色的是参与不成立的平衡关系的单元格；"
                        "深红加粗边框：可能原因所指、可能填错的单元格（批注中有建议值）；"
                        "带批注的单元格是报告问题之处。批注不打印：每个问题的可能原因和建议修改"
                        "见「问题清单」。");
        if (sum.oom || legend.oom)
            w.oom = 1;
        else
            xw_sheet_frame(&s, sum.data, legend.data, 1, errors != 0);
        free(sum.data);
        free(legend.data);
        mark_suspects(&s, causes);
        err = xw_sheet_rows(&s, 0);
        if (!err)
            audit_comments(&s, report, check_opts, causes);
        if (!err)
            err = findings_sheet(&w, &s, report, check_opts, causes);
    }
    xw_sheet_free(&s);
    fp_causes_free(causes);
    return xw_writer_close(&w, err, path);
}
