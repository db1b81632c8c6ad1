/* write/perf_xlsx.c — workbooks of performance tables: the audit workbook (each table as read,
 * faulty cells filled and commented, a sheet 问题清单) and target-table skeletons per recipient. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xlsxwriter.h>

#include "read/perf_model.h"
#include "util/buf.h"

#define FIXED_CREATED ((time_t)1704067200) /* 2024-01-01: same input, same bytes */
#define RED_FILL 0xFFC7CE
#define AMBER_FILL 0xFFEB9C
#define FONT "Noto Sans CJK SC"

typedef struct wb {
    lxw_workbook *wb;
    lxw_error lerr;
    fp_diag *diag;
    int oom;
} wb;

static void W(wb *w, lxw_error e)
{
    if (e != LXW_NO_ERROR && w->lerr == LXW_NO_ERROR)
        w->lerr = e;
}

static fp_error wb_open(wb *w, const char *path, const char *title, fp_diag *diag)
{
    memset(w, 0, sizeof *w);
    w->diag = diag;
    w->wb = workbook_new(path);
    if (!w->wb)
        return diag_set(diag, FP_ERR_NOMEM, path, 0, NULL, NULL, 0, "out of memory");
    lxw_doc_properties props;
    memset(&props, 0, sizeof props);
    props.title = (char *)(uintptr_t)title;
    props.created = FIXED_CREATED;
    W(w, workbook_set_properties(w->wb, &props));
    return FP_OK;
}

static fp_error wb_close(wb *w, const char *path)
{
    lxw_error e = workbook_close(w->wb);
    if (w->lerr == LXW_NO_ERROR)
        w->lerr = e;
    if (w->oom)
        return diag_set(w->diag, FP_ERR_NOMEM, path, 0, NULL, NULL, 0, "out of memory");
    if (w->lerr != LXW_NO_ERROR)
        return diag_set(w->diag, FP_ERR_IO, path, 0, NULL, NULL, 0, "cannot write the workbook: %s",
                        lxw_strerror(w->lerr));
    return FP_OK;
}

/* ---- the audit workbook ---- */

typedef struct mark {
    long row;
    int col;
    int error;
    char *text;
    size_t len, cap;
} mark;

static int add_text(char **s, size_t *len, size_t *cap, const char *t)
{
    size_t n = strlen(t);
    if (buf_reserve((void **)s, cap, *len + n + 1, 1))
        return -1;
    memcpy(*s + *len, t, n + 1);
    *len += n;
    return 0;
}

static void finding_line(const fp_perf_finding *f, char *buf, size_t size)
{
    snprintf(buf, size, "[%s] %s%s%s%s%s%s%s", f->rule, f->message_zh,
             f->expected[0] ? "\n应为 " : "", f->expected, f->actual[0] ? "，实为 " : "",
             f->actual, f->difference[0] ? "，差 " : "", f->difference);
}

/* One sheet: the rows of table TI as read, each finding's cell filled and commented. */
static void audit_sheet(wb *w, const fp_perf_doc *doc, size_t ti, const fp_perf_report *r,
                        lxw_format *red, lxw_format *amber)
{
    const perf_table *t = &doc->tables[ti];
    char name[32];
    snprintf(name, sizeof name, "表%zu", ti + 1);
    lxw_worksheet *ws = workbook_add_worksheet(w->wb, name);
    if (!ws) {
        w->oom = 1;
        return;
    }
    size_t width = 0;
    for (size_t i = 0; i < t->nrows; i++) {
        if (t->rows[i].n > width)
            width = t->rows[i].n;
        for (size_t c = 0; c < t->rows[i].n; c++)
            if (t->rows[i].cells[c][0])
                W(w, worksheet_write_string(ws, (lxw_row_t)i, (lxw_col_t)c, t->rows[i].cells[c],
                                            NULL));
    }
    W(w, worksheet_set_column(ws, 0, (lxw_col_t)(width ? width - 1 : 0), 16, NULL));
    /* the findings, gathered by cell */
    mark *m = NULL;
    size_t nm = 0, cap = 0;
    for (size_t i = 0; i < fp_perf_report_count(r); i++) {
        const fp_perf_finding *f = fp_perf_report_get(r, i);
        if (f->table != ti || f->row < 0 || (size_t)f->row >= t->nrows)
            continue;
        int col = f->col < 0 ? 0 : f->col;
        size_t k = 0;
        while (k < nm && !(m[k].row == f->row && m[k].col == col))
            k++;
        if (k == nm) {
            if (buf_reserve((void **)&m, &cap, nm + 1, sizeof *m)) {
                w->oom = 1;
                break;
            }
            memset(&m[nm], 0, sizeof *m);
            m[nm].row = f->row;
            m[nm].col = col;
            nm++;
        }
        char line[1024];
        finding_line(f, line, sizeof line);
        if ((m[k].len && add_text(&m[k].text, &m[k].len, &m[k].cap, "\n")) ||
            add_text(&m[k].text, &m[k].len, &m[k].cap, line))
            w->oom = 1;
        m[k].error |= f->severity == FP_SEVERITY_ERROR;
    }
    for (size_t k = 0; k < nm; k++) {
        const char *s = perf_cell(t, m[k].row, m[k].col);
        W(w, worksheet_write_string(ws, (lxw_row_t)m[k].row, (lxw_col_t)m[k].col, s,
                                    m[k].error ? red : amber));
        if (!m[k].text)
            continue;
        lxw_comment_options o;
        memset(&o, 0, sizeof o);
        o.author = "fenpei";
        o.width = 320;
        o.height = 120;
        o.font_name = FONT;
        o.font_size = 10;
        W(w, worksheet_write_comment_opt(ws, (lxw_row_t)m[k].row, (lxw_col_t)m[k].col,
                                         m[k].text, &o));
    }
    for (size_t k = 0; k < nm; k++)
        free(m[k].text);
    free(m);
}

static void issue_list(wb *w, const fp_perf_doc *doc, const fp_perf_report *r, lxw_format *bold)
{
    lxw_worksheet *ws = workbook_add_worksheet(w->wb, "问题清单");
    if (!ws) {
        w->oom = 1;
        return;
    }
    static const char *const head[] = {"序号", "规则", "级别", "表", "项目", "单位", "位置",
                                       "应为", "实为", "差", "说明", "message"};
    for (size_t c = 0; c < sizeof head / sizeof head[0]; c++)
        W(w, worksheet_write_string(ws, 0, (lxw_col_t)c, head[c], bold));
    W(w, worksheet_set_column(ws, 0, 3, 8, NULL));
    W(w, worksheet_set_column(ws, 4, 6, 24, NULL));
    W(w, worksheet_set_column(ws, 7, 9, 10, NULL));
    W(w, worksheet_set_column(ws, 10, 11, 60, NULL));
    for (size_t i = 0; i < fp_perf_report_count(r); i++) {
        const fp_perf_finding *f = fp_perf_report_get(r, i);
        const fp_perf_info *t = f->table != FP_NONE ? fp_perf_table_info(doc, f->table) : NULL;
        lxw_row_t row = (lxw_row_t)(i + 1);
        char tb[16] = "";
        if (t)
            snprintf(tb, sizeof tb, "表%zu", f->table + 1);
        W(w, worksheet_write_number(ws, row, 0, (double)(i + 1), NULL));
        const char *cells[] = {f->rule,
                               f->severity == FP_SEVERITY_ERROR ? "错误" : "警告",
                               tb,
                               t ? t->project : "",
                               t ? t->unit : f->where,
                               f->where,
                               f->expected,
                               f->actual,
                               f->difference,
                               f->message_zh,
                               f->message_en};
        for (size_t c = 0; c < sizeof cells / sizeof cells[0]; c++)
            if (cells[c][0])
                W(w, worksheet_write_string(ws, row, (lxw_col_t)(c + 1), cells[c], NULL));
    }
}

fp_error fp_perf_write_audit_xlsx(const fp_perf_doc *doc, const fp_perf_report *r,
                                  const char *path, fp_diag *diag)
{
    fp_diag_clear(diag);
    wb w;
    fp_error e = wb_open(&w, path, "绩效表审核", diag);
    if (e)
        return e;
    lxw_format *red = workbook_add_format(w.wb), *amber = workbook_add_format(w.wb),
               *bold = workbook_add_format(w.wb);
    if (!red || !amber || !bold) {
        w.oom = 1;
    } else {
        format_set_bg_color(red, RED_FILL);
        format_set_bg_color(amber, AMBER_FILL);
        format_set_bold(bold);
        issue_list(&w, doc, r, bold);
        for (size_t i = 0; i < fp_perf_table_count(doc) && !w.oom; i++)
            audit_sheet(&w, doc, i, r, red, amber);
    }
    return wb_close(&w, path);
}

/* ---- target-table skeletons ---- */

fp_error fp_perf_write_target_xlsx(const fp_table *alloc, size_t row, const fp_perf_doc *model,
                                   size_t model_index, const char *path, fp_diag *diag)
{
    fp_diag_clear(diag);
    if (!model || model_index >= model->n || model->tables[model_index].info.kind != FP_PERF_TARGET)
        return diag_set(diag, FP_ERR_ARGUMENT, path, 0, NULL, NULL, 0,
                        "the model is not a target table (项目支出绩效目标表)");
    const perf_table *t = &model->tables[model_index];
    fp_amount sum = 0;
    for (size_t i = 0; i < t->ninds; i++) {
        if (t->inds[i].weight.state != PN_NUM || fp_amount_add(sum, t->inds[i].weight.v, &sum))
            return diag_set(diag, FP_ERR_ARGUMENT, t->file, 0, NULL, NULL, 0,
                            "the model's indicator \"%s\" has no weight", t->inds[i].name);
    }
    if (!t->ninds || sum != 90 * FP_AMOUNT_SCALE) {
        char a[FP_AMOUNT_BUFSIZE];
        fp_amount_format(sum, 0, a);
        return diag_set(diag, FP_ERR_ARGUMENT, t->file, 0, NULL, NULL, 0,
                        "the model's weights (指标分值权重) add up to %s, not 90: fix the model", a);
    }
    size_t total_col = fp_table_role_column(alloc, FP_ROLE_TOTAL);
    if (total_col == FP_NONE)
        return diag_set(diag, FP_ERR_COLUMN, fp_table_source(alloc), 0, NULL, NULL, 0,
                        "the allocation table has no year-total column (全年应拨付资金合计)");
    char amount[FP_AMOUNT_BUFSIZE];
    fp_amount_format(fp_table_amount(alloc, row, total_col), 0, amount);
    wb w;
    fp_error e = wb_open(&w, path, "项目支出绩效目标表", diag);
    if (e)
        return e;
    lxw_worksheet *ws = workbook_add_worksheet(w.wb, "绩效目标表");
    lxw_format *bold = workbook_add_format(w.wb);
    if (!ws || !bold) {
        w.oom = 1;
        return wb_close(&w, path);
    }
    format_set_bold(bold);
    char total[96], fiscal[96];
    snprintf(total, sizeof total, "年度预算总额：%s", amount);
    snprintf(fiscal, sizeof fiscal, "其中：财政拨款 %s", amount);
    const char *year = t->year[0] ? t->year : "";
    char title[256];
    snprintf(title, sizeof title, "%s%s项目支出绩效目标表", year, year[0] ? "年度" : "");
    W(&w, worksheet_write_string(ws, 0, 0, title, bold));
    W(&w, worksheet_write_string(ws, 1, 0, "项目名称", NULL));
    W(&w, worksheet_write_string(ws, 1, 1, t->project, NULL));
    W(&w, worksheet_write_string(ws, 2, 0, "预算单位", NULL));
    W(&w, worksheet_write_string(ws, 2, 1, fp_table_row_name(alloc, row), NULL));
    W(&w, worksheet_write_string(ws, 3, 0, "项目资金（万元）", NULL));
    W(&w, worksheet_write_string(ws, 3, 1, total, NULL));
    W(&w, worksheet_write_string(ws, 4, 1, fiscal, NULL));
    W(&w, worksheet_write_string(ws, 5, 1, "其他资金", NULL));
    W(&w, worksheet_write_string(ws, 6, 0, "年度总体目标", NULL));
    W(&w, worksheet_write_string(ws, 7, 0, t->goal, NULL));
    /* the model's indicator header and rows, cell for cell */
    lxw_row_t out = 8;
    long last = t->inds[t->ninds - 1].row;
    for (long r = t->ind_header; r <= last; r++, out++)
        for (size_t c = 0; c < t->rows[r].n; c++) {
            const char *s = t->rows[r].cells[c];
            if (!s[0])
                continue;
            perf_num p;
            int is_weight = 0;
            for (size_t i = 0; i < t->ninds; i++)
                is_weight |= t->inds[i].row == r && t->inds[i].weight.col == (int)c;
            if (is_weight && perf_parse_num(s, 0, &p) == PN_NUM)
                W(&w, worksheet_write_number(ws, out, (lxw_col_t)c, (double)p.v / 1e6, NULL));
            else
                W(&w, worksheet_write_string(ws, out, (lxw_col_t)c, s, r == t->ind_header ? bold : NULL));
        }
    W(&w, worksheet_set_column(ws, 0, 9, 16, NULL));
    return wb_close(&w, path);
}
