/* write/feedback_xlsx.c — 附件3: the 财政资金使用跟踪反馈表 workbook, one sheet per recipient. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include "fenpei/check.h"
#include "fenpei/package.h"
#include "util/buf.h"
#include "write/xlsx_impl.h"

#define NCOLS 10u

static const char *const headers[NCOLS] = {
    "序号",     "收到的财政专项资金名称", "文号",     "资金金额", "实际支出金额",
    "资金支出方向", "未支出金额",           "实际支出进度", "原因",     "整改措施",
};
static const double widths[NCOLS] = {6, 30, 20, 12, 12, 18, 12, 12, 18, 18};

/* Rows of a sheet. */
enum { FB_TITLE = 0, FB_UNIT = 1, FB_HEADER = 2, DATA_ROW = 3, TOTAL_ROW = 4, NOTE_ROW = 6 };

void fp_feedback_options_init(fp_feedback_options *opts)
{
    memset(opts, 0, sizeof *opts);
}

static int is_grouping(const fp_table *t, size_t row)
{
    const char *n = fp_table_row_name(t, row);
    return fp_table_first_child(t, row) != FP_NONE &&
           (strstr(n, "合计") || strstr(n, "小计"));
}

size_t fp_package_recipients(const fp_table *t, size_t *rows, size_t cap)
{
    size_t n = 0;
    size_t top = fp_table_first_root(t);
    /* one top row (总计): its rows receive; several top rows: they do */
    size_t first = top != FP_NONE && fp_table_next_sibling(t, top) == FP_NONE
                       ? fp_table_first_child(t, top)
                       : top;
    for (size_t r = first; r != FP_NONE; r = fp_table_next_sibling(t, r)) {
        if (is_grouping(t, r)) {
            for (size_t c = fp_table_first_child(t, r); c != FP_NONE;
                 c = fp_table_next_sibling(t, c)) {
                if (n < cap)
                    rows[n] = c;
                n++;
            }
        } else {
            if (n < cap)
                rows[n] = r;
            n++;
        }
    }
    return n;
}

const char *fp_package_display_name(const char *name, size_t *len)
{
    static const char *const prefixes[] = {"其中：", "其中:"};
    for (size_t i = 0; i < 2; i++)
        if (strncmp(name, prefixes[i], strlen(prefixes[i])) == 0)
            name += strlen(prefixes[i]);
    size_t n = strlen(name);
    if (n > strlen("合计") && strcmp(name + n - strlen("合计"), "合计") == 0)
        n -= strlen("合计");
    *len = n;
    return name;
}

/* A valid, unique worksheet name for recipient NAME into BUF: characters Excel refuses become
 * '_', at most 31 characters, a number added when taken. */
static void sheet_name(lxw_workbook *wb, const char *name, char *buf, size_t size)
{
    char base[128];
    size_t n = 0, chars = 0;
    for (const char *p = name; *p && chars < 28 && n + 4 < sizeof base;) {
        unsigned char c = (unsigned char)*p;
        size_t k = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
        if (k == 1 && strchr("[]:*?/\\'", c))
            base[n++] = '_', p++;
        else
            for (size_t j = 0; j < k && *p; j++)
                base[n++] = *p++;
        chars++;
    }
    base[n] = '\0';
    if (!n)
        strcpy(base, "单位");
    snprintf(buf, size, "%s", base);
    for (int i = 2; workbook_get_worksheet_by_name(wb, buf) && i < 1000; i++)
        snprintf(buf, size, "%s(%d)", base, i);
}

typedef struct book {
    lxw_workbook *wb;
    lxw_error lerr;
    lxw_format *title, *unit, *unit_right, *header, *text, *center, *amount, *input, *percent,
        *total_text, *total_amount, *total_percent, *note;
} book;

static void keep(book *b, lxw_error e)
{
    if (e != LXW_NO_ERROR && b->lerr == LXW_NO_ERROR)
        b->lerr = e;
}

static lxw_format *new_format(book *b, int bold, int border, int wrap, uint8_t align, double size)
{
    lxw_format *f = workbook_add_format(b->wb);
    if (!f)
        return NULL;
    format_set_font_name(f, FONT);
    format_set_font_size(f, size);
    if (bold)
        format_set_bold(f);
    if (border)
        format_set_border(f, LXW_BORDER_THIN);
    if (wrap)
        format_set_text_wrap(f);
    format_set_align(f, align);
    format_set_align(f, LXW_ALIGN_VERTICAL_CENTER);
    return f;
}

static int make_formats(book *b, const char *numfmt)
{
    b->title = new_format(b, 1, 0, 0, LXW_ALIGN_CENTER, 18);
    b->unit = new_format(b, 0, 0, 0, LXW_ALIGN_LEFT, 11);
    b->unit_right = new_format(b, 0, 0, 0, LXW_ALIGN_RIGHT, 11);
    b->header = new_format(b, 1, 1, 1, LXW_ALIGN_CENTER, 11);
    b->text = new_format(b, 0, 1, 1, LXW_ALIGN_LEFT, 11);
    b->center = new_format(b, 0, 1, 1, LXW_ALIGN_CENTER, 11);
    b->amount = new_format(b, 0, 1, 0, LXW_ALIGN_RIGHT, 11);
    b->input = new_format(b, 0, 1, 0, LXW_ALIGN_RIGHT, 11);
    b->percent = new_format(b, 0, 1, 0, LXW_ALIGN_RIGHT, 11);
    b->total_text = new_format(b, 1, 1, 0, LXW_ALIGN_CENTER, 11);
    b->total_amount = new_format(b, 1, 1, 0, LXW_ALIGN_RIGHT, 11);
    b->total_percent = new_format(b, 1, 1, 0, LXW_ALIGN_RIGHT, 11);
    b->note = new_format(b, 0, 0, 1, LXW_ALIGN_LEFT, 11);
    if (!b->title || !b->unit || !b->unit_right || !b->header || !b->text || !b->center ||
        !b->amount || !b->input || !b->percent || !b->total_text || !b->total_amount ||
        !b->total_percent || !b->note)
        return -1;
    format_set_num_format(b->amount, numfmt);
    format_set_num_format(b->input, numfmt);
    format_set_num_format(b->total_amount, numfmt);
    format_set_num_format(b->percent, "0.00%");
    format_set_num_format(b->total_percent, "0.00%");
    format_set_unlocked(b->input);
    format_set_align(b->note, LXW_ALIGN_VERTICAL_TOP);
    return 0;
}

/* One recipient's sheet. */
static void recipient_sheet(book *b, lxw_worksheet *ws, const char *unit_name, double amount,
                            const fp_feedback_options *o, const char *title)
{
    lxw_col_t last = NCOLS - 1;
    for (lxw_col_t c = 0; c < NCOLS; c++)
        keep(b, worksheet_set_column(ws, c, c, widths[c], NULL));
    keep(b, worksheet_merge_range(ws, FB_TITLE, 0, FB_TITLE, last, title, b->title));
    keep(b, worksheet_set_row(ws, FB_TITLE, 36, NULL));
    char line[512];
    snprintf(line, sizeof line, "填报单位（盖章）：%s", unit_name);
    keep(b, worksheet_merge_range(ws, FB_UNIT, 0, FB_UNIT, 5, line, b->unit));
    keep(b, worksheet_merge_range(ws, FB_UNIT, 6, FB_UNIT, last, "单位：万元", b->unit_right));
    keep(b, worksheet_set_row(ws, FB_UNIT, 22, NULL));
    for (lxw_col_t c = 0; c < NCOLS; c++)
        keep(b, worksheet_write_string(ws, FB_HEADER, c, headers[c], b->header));
    keep(b, worksheet_set_row(ws, FB_HEADER, 36, NULL));

    /* the row the recipient fills in: 实际支出金额, 资金支出方向, 原因, 整改措施 */
    lxw_row_t r = DATA_ROW;
    keep(b, worksheet_write_number(ws, r, 0, 1, b->center));
    keep(b, worksheet_write_string(ws, r, 1, o->fund_name ? o->fund_name : "", b->text));
    keep(b, worksheet_write_string(ws, r, 2, o->doc_number ? o->doc_number : "", b->center));
    keep(b, worksheet_write_number(ws, r, 3, amount, b->amount));
    keep(b, worksheet_write_blank(ws, r, 4, b->input));
    keep(b, worksheet_write_blank(ws, r, 5, b->text));
    keep(b, worksheet_write_formula_num(ws, r, 6, "=D4-E4", b->amount, amount));
    keep(b, worksheet_write_formula_num(ws, r, 7, "=IF(D4=0,0,E4/D4)", b->percent, 0));
    keep(b, worksheet_write_blank(ws, r, 8, b->text));
    keep(b, worksheet_write_blank(ws, r, 9, b->text));
    keep(b, worksheet_set_row(ws, r, 48, NULL));

    r = TOTAL_ROW;
    keep(b, worksheet_merge_range(ws, r, 0, r, 2, "合计", b->total_text));
    keep(b, worksheet_write_formula_num(ws, r, 3, "=SUM(D4:D4)", b->total_amount, amount));
    keep(b, worksheet_write_formula_num(ws, r, 4, "=SUM(E4:E4)", b->total_amount, 0));
    keep(b, worksheet_write_blank(ws, r, 5, b->text));
    keep(b, worksheet_write_formula_num(ws, r, 6, "=SUM(G4:G4)", b->total_amount, amount));
    keep(b, worksheet_write_formula_num(ws, r, 7, "=IF(D5=0,0,E5/D5)", b->total_percent, 0));
    keep(b, worksheet_write_blank(ws, r, 8, b->text));
    keep(b, worksheet_write_blank(ws, r, 9, b->text));
    keep(b, worksheet_set_row(ws, r, 24, NULL));

    /* the notice's 说明 */
    char back[256] = "";
    if (o->issuer)
        snprintf(back, sizeof back, "，报送%s", o->issuer);
    char n1[512];
    snprintf(n1, sizeof n1,
             "说明：1. 本表由资金使用单位每月5日前填报截至上月末的累计数%s。", back);
    const char *notes[] = {
        n1,
        "2. 实际支出金额填截至上月末累计实际支出数；未支出金额、实际支出进度由公式计算，请勿改动。",
        "3. 资金支出方向填资金的具体用途；支出进度滞后的，在“原因”“整改措施”栏说明。",
        "填报人：                    联系电话：                    填报日期：      年    月    日",
    };
    for (size_t i = 0; i < sizeof notes / sizeof notes[0]; i++) {
        lxw_row_t nr = (lxw_row_t)(NOTE_ROW + i + (i == 3));
        keep(b, worksheet_merge_range(ws, nr, 0, nr, last, notes[i], b->note));
        keep(b, worksheet_set_row(ws, nr, 20, NULL));
    }
    lxw_row_t end = NOTE_ROW + 4;

    /* print: A4 landscape, one page wide, the frame and notes */
    worksheet_set_paper(ws, 9);
    worksheet_set_landscape(ws);
    worksheet_set_margins(ws, 0.5, 0.5, 0.7, 0.7);
    worksheet_center_horizontally(ws);
    worksheet_fit_to_pages(ws, 1, 0);
    keep(b, worksheet_print_area(ws, FB_TITLE, 0, end, last));
    worksheet_freeze_panes(ws, DATA_ROW, 0);
}

fp_error fp_xlsx_write_feedback(const fp_table *t, const fp_feedback_options *opts,
                                const char *path, fp_diag *diag)
{
    fp_diag_clear(diag);
    fp_feedback_options defaults;
    fp_feedback_options_init(&defaults);
    const fp_feedback_options *o = opts ? opts : &defaults;
    size_t batch = fp_table_role_column(t, FP_ROLE_BATCH);
    if (batch == FP_NONE)
        return diag_set(diag, FP_ERR_COLUMN, fp_table_source(t), 0, NULL, NULL, 0,
                        "%s has no 此次下达 column: the feedback form's 资金金额 is the amount "
                        "this notice sends",
                        fp_table_source(t));
    size_t n = fp_package_recipients(t, NULL, 0);
    size_t *rows = malloc((n ? n : 1) * sizeof *rows);
    if (!rows)
        return diag_set(diag, FP_ERR_NOMEM, NULL, 0, NULL, NULL, 0, "out of memory");
    fp_package_recipients(t, rows, n);
    /* the number format shows every 此次下达 exactly */
    int dec = 0;
    for (size_t i = 0; i < n; i++) {
        char buf[FP_AMOUNT_BUFSIZE];
        size_t len = fp_amount_format(fp_table_amount(t, rows[i], batch), 0, buf);
        const char *dot = memchr(buf, '.', len);
        if (dot && (int)(len - (size_t)(dot - buf) - 1) > dec)
            dec = (int)(len - (size_t)(dot - buf) - 1);
    }
    char numfmt[32] = "#,##0";
    if (dec > 0) {
        strcat(numfmt, ".");
        for (int i = 0; i < dec; i++)
            strcat(numfmt, "0");
    }
    const char *title = o->title ? o->title : "自治区财政资金使用跟踪反馈表";
    fp_error err = FP_OK;
    book b = {0};
    b.wb = workbook_new(path);
    if (!b.wb || make_formats(&b, numfmt)) {
        free(rows);
        lxw_workbook_free(b.wb);
        return diag_set(diag, FP_ERR_NOMEM, NULL, 0, NULL, NULL, 0, "out of memory");
    }
    lxw_doc_properties props;
    memset(&props, 0, sizeof props);
    props.title = (char *)(uintptr_t)title;
    props.created = FIXED_CREATED;
    keep(&b, workbook_set_properties(b.wb, &props));
    size_t sheets = 0;
    for (size_t i = 0; i < n && !err; i++) {
        fp_amount a = fp_table_amount(t, rows[i], batch);
        if (a == 0) /* nothing sent by this notice: nothing to account for */
            continue;
        double v;
        if (xw_amount_to_double(a, &v)) {
            char buf[FP_AMOUNT_BUFSIZE];
            fp_amount_format(a, 0, buf);
            err = diag_set(diag, FP_ERR_AMOUNT_PRECISION, fp_table_source(t),
                           fp_table_row_line(t, rows[i]), fp_table_column_name(t, batch), buf,
                           strlen(buf), "%s has more than 15 significant digits, more than Excel "
                           "keeps", buf);
            break;
        }
        size_t len;
        const char *name = fp_package_display_name(fp_table_row_name(t, rows[i]), &len);
        char uname[256], sname[160];
        snprintf(uname, sizeof uname, "%.*s", (int)len, name);
        sheet_name(b.wb, uname, sname, sizeof sname);
        lxw_worksheet *ws = workbook_add_worksheet(b.wb, sname);
        if (!ws) {
            err = diag_set(diag, FP_ERR_NOMEM, NULL, 0, NULL, NULL, 0, "out of memory");
            break;
        }
        recipient_sheet(&b, ws, uname, v, o, title);
        sheets++;
    }
    free(rows);
    if (!err && !sheets)
        err = diag_set(diag, FP_ERR_ARGUMENT, fp_table_source(t), 0, NULL, NULL, 0,
                       "%s: no recipient receives money in this notice (every 此次下达 is 0)",
                       fp_table_source(t));
    if (!err && b.lerr != LXW_NO_ERROR)
        err = diag_set(diag, FP_ERR_INTERNAL, path, 0, NULL, NULL, 0,
                       "libxlsxwriter refused a cell: %s", lxw_strerror(b.lerr));
    if (err) {
        lxw_workbook_free(b.wb);
        return err;
    }
    /* libxlsxwriter prints when it cannot create the file; try first and say why ourselves */
    FILE *probe = fopen(path, "ab");
    if (!probe) {
        int errnum = errno;
        lxw_workbook_free(b.wb);
        return diag_set(diag, FP_ERR_IO, path, 0, NULL, NULL, 0, "cannot create %s: %s", path,
                        strerror(errnum));
    }
    fclose(probe);
    lxw_error e = workbook_close(b.wb);
    if (e != LXW_NO_ERROR)
        return diag_set(diag, e == LXW_ERROR_MEMORY_MALLOC_FAILED ? FP_ERR_NOMEM : FP_ERR_IO,
                        path, 0, NULL, NULL, 0, "cannot write %s: %s", path, lxw_strerror(e));
    return FP_OK;
}
