/* write/notice_xlsx.c — the notice attachment workbook (附件: the allocation table to print). */
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

/* The identities the notice's formulas stand for must hold, or its numbers would not add up. */
fp_error xw_require_balanced(const fp_table *t, fp_diag *diag)
{
    fp_check_options co;
    fp_check_options_init(&co);
    co.rules = FP_CHECK_COLUMN_SUM | FP_CHECK_CATEGORY_SPLIT | FP_CHECK_ADVANCE_BATCH;
    fp_report *rep = NULL;
    fp_error e = fp_check(t, &co, &rep, diag);
    if (e != FP_OK)
        return e;
    size_t errors = fp_report_errors(rep);
    if (errors) {
        const fp_finding *f = fp_report_finding(rep, 0);
        char a[FP_AMOUNT_BUFSIZE], b[FP_AMOUNT_BUFSIZE];
        fp_amount_format(f->actual, 0, a);
        fp_amount_format(f->expected, 0, b);
        e = diag_set(diag, FP_ERR_ARGUMENT, fp_table_source(t), fp_table_row_line(t, f->row),
                     f->column != FP_NONE ? fp_table_column_name(t, f->column) : NULL, NULL, 0,
                     "the table does not add up (%zu errors; 'fenpei check' lists them), so its "
                     "formulas would change its figures: %s %s is %s, %s gives %s",
                     errors, fp_table_row_name(t, f->row),
                     f->column != FP_NONE ? fp_table_column_name(t, f->column) : "", a,
                     fp_rule_kind_name(f->rule), b);
    }
    fp_report_free(rep);
    return e;
}

/* The print header of a notice: the attachment label left, the 文号 right ('&' doubled, as
 * Excel's header codes need). */
static void notice_header(writer *w, lxw_worksheet *ws, const fp_notice_options *opts)
{
    if (!opts || (!opts->label && !opts->doc_number))
        return;
    strbuf h = {0};
    const char *parts[2] = {opts->label, opts->doc_number};
    const char *codes[2] = {"&L", "&R"};
    for (int i = 0; i < 2; i++) {
        if (!parts[i])
            continue;
        strbuf_str(&h, codes[i]);
        for (const char *p = parts[i]; *p; p++)
            strbuf_add(&h, *p == '&' ? "&&" : p, *p == '&' ? 2 : 1);
    }
    if (h.oom)
        w->oom = 1;
    else
        xw_check(w, worksheet_set_header(ws, h.data));
    free(h.data);
}

/* The separators OPTS asks for, or by default when T is in 元. */
static int wants_thousands(const fp_table *t, const fp_notice_options *opts, const char *unit)
{
    if (opts && opts->thousands >= 0)
        return opts->thousands != 0;
    (void)t;
    return unit && strcmp(unit, "元") == 0;
}

static const char *unit_of(const fp_table *t, const fp_notice_options *opts)
{
    return opts && opts->unit ? opts->unit : fp_table_unit(t);
}

fp_error xw_notice_sheet(writer *w, const fp_table *t, const fp_table *old,
                         const fp_notice_options *opts, const char *name)
{
    fp_error err = FP_OK;
    sheet s;
    err = xw_sheet_prepare(&s, w, t, name, opts ? opts->attachment : NULL);
    s.old = old;
    s.comments = old != NULL;
    if (!err)
        s.ws = xw_add_sheet(w, name, &err);
    if (!err) {
        /* no unit stated and none given: no unit line, rather than a guessed 万元 */
        const char *unit = unit_of(t, opts);
        const char *title = opts && opts->title ? opts->title
                            : fp_table_title(t)   ? fp_table_title(t)
                                                  : "分配表";
        size_t n = (unit ? strlen(unit) : 0) + 16;
        char *line = malloc(n);
        if (!line) {
            err = diag_set(w->diag, FP_ERR_NOMEM, NULL, 0, NULL, NULL, 0, "out of memory");
        } else {
            snprintf(line, n, "%s%s", unit ? "单位：" : "", unit ? unit : "");
            xw_sheet_frame(&s, title, line, 0, 0);
            notice_header(w, s.ws, opts);
            free(line);
            err = xw_sheet_rows(&s, 1);
        }
    }
    xw_sheet_free(&s);
    return err;
}

void xw_notice_formats(writer *w, const fp_table *t, const fp_notice_options *opts)
{
    xw_number_formats(w, w->decimals, wants_thousands(t, opts, unit_of(t, opts)));
}

fp_error fp_xlsx_write_notice(const fp_table *t, const fp_notice_options *opts, const char *path,
                              fp_diag *diag)
{
    fp_diag_clear(diag);
    if (!t || !path)
        return diag_set(diag, FP_ERR_ARGUMENT, NULL, 0, NULL, NULL, 0, "no table or no path");
    fp_error err = xw_require_balanced(t, diag);
    if (err)
        return err;
    writer w;
    const char *title = opts && opts->title ? opts->title
                        : fp_table_title(t)       ? fp_table_title(t)
                                                  : "分配表";
    /* rows are written in order and nothing returns to them: libxlsxwriter may stream them to
     * disk (a million rows in tens of MB instead of GB) */
    if ((err = xw_writer_open(&w, path, title, xw_table_decimals(t), 1, diag)) != FP_OK)
        return err;
    xw_notice_formats(&w, t, opts);
    err = xw_notice_sheet(&w, t, NULL, opts, opts && opts->sheet ? opts->sheet : "分配表");
    return xw_writer_close(&w, err, path);
}
