/* write/summary_xlsx.c — the summary workbook of several checked files, each linked to its audit. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <xlsxwriter.h>

#include "fenpei/xlsx.h"
#include "util/buf.h"

#define FIXED_CREATED ((time_t)1704067200) /* 2024-01-01: the same rows give the same bytes */
#define MAX_LINKS 65530                    /* hyperlinks of one worksheet */

static void keep(lxw_error *first, lxw_error e)
{
    if (e != LXW_NO_ERROR && *first == LXW_NO_ERROR)
        *first = e;
}

static lxw_format *format(lxw_workbook *wb, int bold, int border, uint32_t color, uint32_t fill)
{
    lxw_format *f = workbook_add_format(wb);
    if (!f)
        return NULL;
    format_set_font_name(f, "宋体");
    format_set_font_size(f, 11);
    if (bold)
        format_set_bold(f);
    if (border)
        format_set_border(f, LXW_BORDER_THIN);
    if (color)
        format_set_font_color(f, color);
    if (fill)
        format_set_bg_color(f, fill);
    format_set_align(f, LXW_ALIGN_VERTICAL_CENTER);
    return f;
}

fp_error fp_xlsx_write_summary(const fp_xlsx_summary_row *rows, size_t n, const char *path,
                               fp_diag *diag)
{
    fp_diag_clear(diag);
    lxw_workbook *wb = workbook_new(path);
    if (!wb)
        return diag_set(diag, FP_ERR_NOMEM, NULL, 0, NULL, NULL, 0, "out of memory");
    lxw_error le = LXW_NO_ERROR;
    lxw_doc_properties props;
    memset(&props, 0, sizeof props);
    props.title = (char *)(uintptr_t) "审核汇总";
    props.created = FIXED_CREATED;
    keep(&le, workbook_set_properties(wb, &props));
    lxw_worksheet *ws = workbook_add_worksheet(wb, "汇总");
    lxw_format *title = format(wb, 1, 0, 0, 0), *head = format(wb, 1, 1, 0, 0xD9E1F2),
               *text = format(wb, 0, 1, 0, 0), *num = format(wb, 0, 1, 0, 0),
               *bad = format(wb, 0, 1, 0x9C0006, 0xFFC7CE), *good = format(wb, 0, 1, 0x006100, 0xC6EFCE),
               *warn = format(wb, 0, 1, 0x9C5700, 0xFFEB9C), *link = format(wb, 0, 1, 0x0563C1, 0);
    if (!ws || !title || !head || !text || !num || !bad || !good || !warn || !link) {
        lxw_workbook_free(wb);
        return diag_set(diag, FP_ERR_NOMEM, NULL, 0, NULL, NULL, 0, "out of memory");
    }
    format_set_font_size(title, 16);
    format_set_underline(link, LXW_UNDERLINE_SINGLE);
    size_t failed = 0, with_errors = 0;
    double widest = 20;
    for (size_t i = 0; i < n; i++) {
        failed += rows[i].failure != NULL;
        with_errors += !rows[i].failure && rows[i].errors;
        double w = (double)strlen(rows[i].file) * 0.9 + 2;
        if (w > widest)
            widest = w > 70 ? 70 : w;
    }
    char line[256];
    snprintf(line, sizeof line, "审核汇总：%zu 个文件，%zu 个通过，%zu 个有错误，%zu 个无法读取", n,
             n - failed - with_errors, with_errors, failed);
    keep(&le, worksheet_merge_range(ws, 0, 0, 0, 5, line, title));
    keep(&le, worksheet_set_row(ws, 0, 28, NULL));
    static const char *const headers[] = {"文件", "行数", "错误", "警告", "结论", "审核表"};
    static const double widths[] = {0, 8, 8, 8, 40, 14};
    for (lxw_col_t c = 0; c < 6; c++) {
        keep(&le, worksheet_write_string(ws, 1, c, headers[c], head));
        keep(&le, worksheet_set_column(ws, c, c, c ? widths[c] : widest, NULL));
    }
    for (size_t i = 0; i < n; i++) {
        const fp_xlsx_summary_row *r = &rows[i];
        lxw_row_t row = (lxw_row_t)(i + 2);
        keep(&le, worksheet_write_string(ws, row, 0, r->file, text));
        if (r->failure) {
            keep(&le, worksheet_write_blank(ws, row, 1, num));
            keep(&le, worksheet_write_blank(ws, row, 2, num));
            keep(&le, worksheet_write_blank(ws, row, 3, num));
            char msg[600];
            snprintf(msg, sizeof msg, "无法读取：%s", r->failure);
            keep(&le, worksheet_write_string(ws, row, 4, msg, bad));
        } else {
            keep(&le, worksheet_write_number(ws, row, 1, (double)r->rows, num));
            keep(&le, worksheet_write_number(ws, row, 2, (double)r->errors, num));
            keep(&le, worksheet_write_number(ws, row, 3, (double)r->warnings, num));
            keep(&le, worksheet_write_string(ws, row, 4,
                                             r->errors     ? "有错误"
                                             : r->warnings ? "通过（有警告）"
                                                           : "通过",
                                             r->errors ? bad : r->warnings ? warn : good));
        }
        if (r->audit && i < MAX_LINKS) {
            strbuf url = {0};
            strbuf_printf(&url, "external:%s#'审核'!A1", r->audit);
            if (url.oom)
                le = LXW_ERROR_MEMORY_MALLOC_FAILED;
            else
                keep(&le, worksheet_write_url_opt(ws, row, 5, strbuf_get(&url), link, "审核表",
                                                  r->audit));
            strbuf_free(&url);
        } else {
            keep(&le, worksheet_write_blank(ws, row, 5, text));
        }
    }
    worksheet_freeze_panes(ws, 2, 0);
    worksheet_autofilter(ws, 1, 0, (lxw_row_t)(n + 1), 5);
    worksheet_set_paper(ws, 9);
    worksheet_set_landscape(ws);
    worksheet_fit_to_pages(ws, 1, 0);
    keep(&le, worksheet_repeat_rows(ws, 0, 1));
    keep(&le, worksheet_set_footer(ws, "&C第 &P 页 共 &N 页"));
    if (le != LXW_NO_ERROR) {
        lxw_workbook_free(wb);
        return diag_set(diag, FP_ERR_INTERNAL, path, 0, NULL, NULL, 0,
                        "libxlsxwriter refused a cell: %s", lxw_strerror(le));
    }
    FILE *probe = fopen(path, "ab"); /* libxlsxwriter would print; say why ourselves */
    if (!probe) {
        int errnum = errno;
        lxw_workbook_free(wb);
        return diag_set(diag, FP_ERR_IO, path, 0, NULL, NULL, 0, "cannot create %s: %s", path,
                        strerror(errnum));
    }
    fclose(probe);
    lxw_error e = workbook_close(wb);
    if (e != LXW_NO_ERROR)
        return diag_set(diag, FP_ERR_IO, path, 0, NULL, NULL, 0, "cannot write %s: %s", path,
                        lxw_strerror(e));
    return FP_OK;
}
