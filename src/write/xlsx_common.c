/* write/xlsx_common.c — what every workbook shares: amounts as Excel numbers, formats, widths,
 * the deterministic workbook itself. */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "write/xlsx_impl.h"

void fp_notice_options_init(fp_notice_options *opts)
{
    opts->title = NULL;
    opts->unit = NULL;
    opts->sheet = NULL;
    opts->attachment = NULL;
    opts->thousands = -1;
    opts->label = NULL;
    opts->doc_number = NULL;
}

/* ---- amounts to Excel numbers: the one place ---- */

/* Decimal significant digits of A (an amount in millionths), trailing zeros of the fraction not
 * counted: 26455 → 5, 5141.32 → 6, 0.0001 → 1. */
static int significant_digits(fp_amount a)
{
    uint64_t u = a < 0 ? (uint64_t)0 - (uint64_t)a : (uint64_t)a;
    for (int k = 0; k < FP_AMOUNT_DECIMALS && u && u % 10 == 0; k++)
        u /= 10;
    int n = 0;
    do {
        n++;
        u /= 10;
    } while (u);
    return n;
}

/* The Excel number of amount A into *OUT. Excel numbers are doubles read and shown to 15
 * significant digits. The integer part converts exactly (|A| / 10^6 < 2^53 for every fp_amount);
 * the fraction, a count of millionths below 10^6, is divided once (correctly rounded) and added
 * once, so *OUT is within one ulp of the exact decimal. That error is far below half a unit of
 * the 15th digit, so whenever A has at most 15 significant digits *OUT shows and reads back as
 * exactly A. Returns 0, or -1 (and *OUT untouched) when A has more digits than Excel keeps: the
 * caller refuses (formulas would sum a rounded value) or writes the exact text. */
int xw_amount_to_double(fp_amount a, double *out)
{
    if (significant_digits(a) > EXCEL_DIGITS)
        return -1;
    fp_amount ip = a / FP_AMOUNT_SCALE, frac = a % FP_AMOUNT_SCALE; /* same sign as A */
    *out = (double)ip + (double)frac / (double)FP_AMOUNT_SCALE;
    return 0;
}

/* Decimals needed to write A exactly (0..6). */
static int amount_decimals(fp_amount a)
{
    fp_amount f = a % FP_AMOUNT_SCALE;
    if (f == 0)
        return 0;
    int d = FP_AMOUNT_DECIMALS;
    while (f % 10 == 0) {
        f /= 10;
        d--;
    }
    return d;
}

/* "C12": the A1 reference of a cell (relative). BUF holds at least 16 bytes. */
void xw_cell_name(char *buf, lxw_row_t row, lxw_col_t col)
{
    char letters[8];
    int n = 0;
    unsigned c = (unsigned)col + 1;
    while (c) {
        letters[n++] = (char)('A' + (c - 1) % 26);
        c = (c - 1) / 26;
    }
    int k = 0;
    while (n)
        buf[k++] = letters[--n];
    snprintf(buf + k, 16 - (size_t)k, "%lu", (unsigned long)row + 1);
}

/* Display width of UTF-8 text in Excel column units: East Asian wide characters count 2. */
size_t xw_text_width(const char *s)
{
    size_t w = 0;
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        uint32_t cp;
        int n;
        if (*p < 0x80) {
            cp = *p;
            n = 1;
        } else if ((*p & 0xE0) == 0xC0) {
            cp = *p & 0x1Fu;
            n = 2;
        } else if ((*p & 0xF0) == 0xE0) {
            cp = *p & 0x0Fu;
            n = 3;
        } else {
            cp = *p & 0x07u;
            n = 4;
        }
        int i = 1;
        for (; i < n && (p[i] & 0xC0) == 0x80; i++)
            cp = (cp << 6) | (p[i] & 0x3Fu);
        p += i;
        int wide = (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF) ||
                   (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) ||
                   (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
                   (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x20000 && cp <= 0x3FFFD);
        w += wide ? 2 : 1;
    }
    return w;
}

/* Lines TEXT takes when wrapped in a column WIDTH units wide (characters are not split). */
unsigned xw_wrapped_lines(const char *s, double width)
{
    double room = width - 1.0, used = 0;
    unsigned lines = 1;
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        int n = *p < 0x80 ? 1 : (*p & 0xE0) == 0xC0 ? 2 : (*p & 0xF0) == 0xE0 ? 3 : 4;
        char ch[5] = {0};
        for (int i = 0; i < n && p[i]; i++)
            ch[i] = (char)p[i];
        size_t len = strlen(ch);
        double cw = (double)xw_text_width(ch);
        if (used + cw > room && used > 0) {
            lines++;
            used = 0;
        }
        used += cw;
        p += len;
    }
    return lines;
}

/* Height in points of a row whose wrapped cells need LINES lines (0: leave the default). */
double xw_row_height(unsigned lines) { return lines > 1 ? 15.0 * lines + 3 : 0; }


void xw_check(writer *w, lxw_error e)
{
    if (e != LXW_NO_ERROR && w->lerr == LXW_NO_ERROR)
        w->lerr = e;
}

static void set_fill(lxw_format *f, int fill)
{
    if (!fill)
        return;
    format_set_pattern(f, LXW_PATTERN_SOLID);
    format_set_bg_color(f, fill == FILL_SUSPECT   ? SUSPECT_FILL
                           : fill == FILL_CHANGED ? CHANGED_FILL
                           : fill == FILL_ERROR   ? RED_FILL
                                                  : AMBER_FILL);
    if (fill == FILL_SUSPECT) { /* stands out from the other red cells, also in black and white */
        format_set_bold(f);
        format_set_border(f, LXW_BORDER_MEDIUM);
        format_set_font_color(f, RED_TEXT);
    }
}

/* The format of KIND with the given indent, weight and fill, made once per workbook. NULL only
 * when out of memory (then w->oom is set). */
lxw_format *xw_format(writer *w, int kind, int indent, int bold, int fill)
{
    for (size_t i = 0; i < w->nfmts; i++) {
        fmt_entry *e = &w->fmts[i];
        if (e->kind == kind && e->indent == indent && e->bold == bold && e->fill == fill)
            return e->f;
    }
    if (buf_reserve((void **)&w->fmts, &w->fmtcap, w->nfmts + 1, sizeof *w->fmts)) {
        w->oom = 1;
        return NULL;
    }
    lxw_format *f = workbook_add_format(w->wb);
    if (!f) {
        w->oom = 1;
        return NULL;
    }
    format_set_font_name(f, FONT);
    format_set_font_size(f, 11);
    format_set_align(f, LXW_ALIGN_VERTICAL_CENTER);
    if (bold)
        format_set_bold(f);
    switch (kind) {
    case F_ATTACHMENT:
        format_set_font_name(f, "黑体");
        format_set_font_size(f, 14);
        format_set_align(f, LXW_ALIGN_LEFT);
        break;
    case F_TITLE:
        format_set_font_size(f, 16);
        format_set_bold(f);
        format_set_align(f, LXW_ALIGN_CENTER);
        break;
    case F_UNIT:
        format_set_align(f, LXW_ALIGN_RIGHT);
        break;
    case F_HEADER:
        format_set_bold(f);
        format_set_text_wrap(f);
        format_set_align(f, LXW_ALIGN_CENTER);
        format_set_border(f, LXW_BORDER_THIN);
        break;
    case F_NAME:
        format_set_border(f, LXW_BORDER_THIN);
        if (indent)
            format_set_indent(f, (uint8_t)indent);
        break;
    case F_TEXT:
    case F_LEVEL:
        format_set_border(f, LXW_BORDER_THIN);
        break;
    case F_NUM_LEAF:
    case F_NUM_SUB:
        format_set_border(f, LXW_BORDER_THIN);
        format_set_num_format(f, w->numfmt[kind == F_NUM_LEAF ? 0 : 1]);
        break;
    case F_NUM_TEXT:
        format_set_border(f, LXW_BORDER_THIN);
        format_set_align(f, LXW_ALIGN_RIGHT);
        break;
    case F_SUMMARY:
        format_set_bold(f);
        format_set_font_size(f, 12);
        format_set_font_color(f, fill ? RED_TEXT : GREEN_TEXT);
        format_set_pattern(f, LXW_PATTERN_SOLID);
        format_set_bg_color(f, fill ? RED_FILL : GREEN_FILL);
        fill = 0;
        break;
    case F_NOTE:
        format_set_text_wrap(f);
        break;
    case F_LIST_TEXT:
        format_set_border(f, LXW_BORDER_THIN);
        format_set_text_wrap(f);
        break;
    case F_LIST_NUM:
        format_set_border(f, LXW_BORDER_THIN);
        format_set_num_format(f, w->numfmt[1]);
        break;
    case F_LIST_PCT:
        format_set_border(f, LXW_BORDER_THIN);
        format_set_num_format(f, "0.00%");
        break;
    case F_LINK:
        format_set_border(f, LXW_BORDER_THIN);
        format_set_font_color(f, LXW_COLOR_BLUE);
        format_set_underline(f, LXW_UNDERLINE_SINGLE);
        format_set_hyperlink(f);
        break;
    default:
        break;
    }
    set_fill(f, fill);
    w->fmts[w->nfmts++] = (fmt_entry){kind, indent, bold, fill, f};
    return f;
}

/* Decimals that show every amount of T exactly (at least each column's own). */
int xw_table_decimals(const fp_table *t)
{
    int d = 0;
    for (size_t c = 0; c < fp_table_column_count(t); c++) {
        if (!fp_table_column_is_amount(t, c))
            continue;
        if (fp_table_column_decimals(t, c) > d)
            d = fp_table_column_decimals(t, c);
        for (size_t r = 0; r < fp_table_row_count(t); r++)
            if (amount_decimals(fp_table_amount(t, r, c)) > d)
                d = amount_decimals(fp_table_amount(t, r, c));
    }
    return d > FP_AMOUNT_DECIMALS ? FP_AMOUNT_DECIMALS : d;
}

void xw_number_formats(writer *w, int decimals, int thousands)
{
    w->decimals = decimals;
    w->thousands = thousands;
    char base[24];
    snprintf(base, sizeof base, "%s", thousands ? "#,##0" : "0");
    if (decimals > 0) {
        size_t n = strlen(base);
        base[n] = '.';
        memset(base + n + 1, '0', (size_t)decimals);
        base[n + 1 + (size_t)decimals] = '\0';
    }
    /* leaf rows: positive;negative;zero — an empty zero section shows 0 as a blank cell */
    snprintf(w->numfmt[0], sizeof w->numfmt[0], "%s;-%s;", base, base);
    snprintf(w->numfmt[1], sizeof w->numfmt[1], "%s", base);
}

fp_error xw_writer_open(writer *w, const char *path, const char *title, int decimals, int stream,
                        fp_diag *diag)
{
    memset(w, 0, sizeof *w);
    w->diag = diag;
    xw_number_formats(w, decimals, 0);
    lxw_workbook_options wo;
    memset(&wo, 0, sizeof wo);
    wo.constant_memory = stream ? LXW_TRUE : LXW_FALSE;
    w->wb = workbook_new_opt(path, &wo);
    if (!w->wb)
        return diag_set(diag, FP_ERR_NOMEM, NULL, 0, NULL, NULL, 0, "out of memory");
    lxw_doc_properties props;
    memset(&props, 0, sizeof props);
    props.title = (char *)(uintptr_t)title;
    props.created = FIXED_CREATED;
    xw_check(w, workbook_set_properties(w->wb, &props));
    return FP_OK;
}

/* libxlsxwriter writes the workbook's dates with gmtime(), whose answer lives in one static
 * buffer for the whole process (ThreadSanitizer, under fenpei serve): workbooks of several
 * threads are closed one at a time. errno is kept as workbook_close left it. */
lxw_error xw_workbook_close(lxw_workbook *wb)
{
    static pthread_mutex_t close_lock = PTHREAD_MUTEX_INITIALIZER;
    pthread_mutex_lock(&close_lock);
    lxw_error e = workbook_close(wb);
    int close_errno = errno;
    pthread_mutex_unlock(&close_lock);
    errno = close_errno;
    return e;
}

/* Close the workbook: write PATH when all went well (else only free it) and report. */
fp_error xw_writer_close(writer *w, fp_error err, const char *path)
{
    free(w->fmts);
    w->fmts = NULL;
    if (!err && w->oom)
        err = diag_set(w->diag, FP_ERR_NOMEM, NULL, 0, NULL, NULL, 0, "out of memory");
    if (!err && w->lerr != LXW_NO_ERROR)
        err = diag_set(w->diag,
                       w->lerr == LXW_ERROR_MEMORY_MALLOC_FAILED ? FP_ERR_NOMEM : FP_ERR_INTERNAL,
                       path, 0, NULL, NULL, 0, "libxlsxwriter refused a cell: %s",
                       lxw_strerror(w->lerr));
    if (err) {
        lxw_workbook_free(w->wb);
        w->wb = NULL;
        return err;
    }
    /* libxlsxwriter prints its own message when it cannot create the file; the library never
     * prints, so try first and say why ourselves (an empty file we made is removed on failure) */
    struct stat st;
    int existed = stat(path, &st) == 0;
    FILE *probe = fopen(path, "ab");
    if (!probe) {
        int errnum = errno;
        lxw_workbook_free(w->wb);
        w->wb = NULL;
        return diag_set(w->diag, FP_ERR_IO, path, 0, NULL, NULL, 0, "cannot create %s: %s", path,
                        strerror(errnum));
    }
    fclose(probe);
    errno = 0;
    lxw_error e = xw_workbook_close(w->wb);
    int close_errno = errno; /* what the zip writer met, e.g. ENOSPC */
    w->wb = NULL;
    if (e != LXW_NO_ERROR && !existed)
        unlink(path);
    if (e == LXW_ERROR_MEMORY_MALLOC_FAILED)
        return diag_set(w->diag, FP_ERR_NOMEM, NULL, 0, NULL, NULL, 0, "out of memory");
    if (e != LXW_NO_ERROR)
        return diag_set(w->diag, FP_ERR_IO, path, 0, NULL, NULL, 0, "cannot write %s: %s", path,
                        close_errno ? strerror(close_errno) : lxw_strerror(e));
    return FP_OK;
}

/* A worksheet named NAME, or NULL with DIAG filled. */
lxw_worksheet *xw_add_sheet(writer *w, const char *name, fp_error *err)
{
    if (!name[0]) {
        *err = diag_set(w->diag, FP_ERR_ARGUMENT, NULL, 0, NULL, NULL, 0,
                        "a worksheet needs a name");
        return NULL;
    }
    lxw_error e = workbook_validate_sheet_name(w->wb, name);
    if (e != LXW_NO_ERROR) {
        *err = diag_set(w->diag, FP_ERR_ARGUMENT, NULL, 0, NULL, name, strlen(name),
                        "\"%s\" cannot name a worksheet: %s", name, lxw_strerror(e));
        return NULL;
    }
    lxw_worksheet *ws = workbook_add_worksheet(w->wb, name);
    if (!ws)
        *err = diag_set(w->diag, FP_ERR_NOMEM, NULL, 0, NULL, NULL, 0, "out of memory");
    return ws;
}

/* Display width of row_path's text (" / " between the names) for ROW. */
double xw_path_width(const fp_table *t, size_t row)
{
    size_t path[64];
    size_t n = fp_table_path(t, row, path, 64);
    double w = n > 64 ? 4 : 0;
    for (size_t i = 0; i < n && i < 64; i++)
        w += (double)xw_text_width(fp_table_row_name(t, path[i])) + (i ? 3 : 0);
    return w;
}

/* A list sheet's column of paths: as wide as the longest (+2), between 20 and 60. */
double xw_path_column(double widest) { return widest + 2 < 20 ? 20 : widest + 2 > 60 ? 60 : widest + 2; }

