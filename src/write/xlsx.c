/* write/xlsx.c — the workbooks people open: the notice attachment, the audit, the what-if run. */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <xlsxwriter.h>

#include "fenpei/xlsx.h"
#include "check/rule_impl.h"
#include "core/table_impl.h"
#include "util/buf.h"

/* 2024-01-01 00:00:00 UTC, the creation time written into every workbook. libxlsxwriter stamps
 * the zip entries 1980-01-01 and otherwise writes the same bytes for the same calls, so with a
 * fixed creation time the same input gives the same file. */
#define FIXED_CREATED ((time_t)1704067200)

/* The layout of a table sheet: title, unit line, header, then the rows. */
#define TITLE_ROW 0u
#define UNIT_ROW 1u
#define HEADER_ROW 2u
#define FIRST_ROW 3u

#define MAX_OUTLINE 7   /* Excel's deepest row outline level */
#define MAX_INDENT 15   /* Excel's largest cell indent */
#define MAX_ARGS 255    /* arguments of one Excel function call */
#define MAX_FORMULA 8192 /* characters of one Excel formula */
#define EXCEL_DIGITS 15 /* significant digits Excel keeps */
#define MAX_LINKS 65530 /* hyperlinks of one worksheet */

#define FONT "宋体"
#define RED_FILL 0xFFC7CE
#define RED_TEXT 0x9C0006
#define AMBER_FILL 0xFFEB9C
#define AMBER_TEXT 0x9C5700
#define GREEN_FILL 0xC6EFCE
#define GREEN_TEXT 0x006100

#define SHEET_AUDIT "审核"
#define SHEET_FINDINGS "问题清单"
#define SHEET_NEW "新表"
#define SHEET_CHANGES "变动"
#define SHEET_PARAMS "参数"

void fp_notice_options_init(fp_notice_options *opts)
{
    opts->title = NULL;
    opts->unit = NULL;
    opts->sheet = NULL;
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
static int amount_to_double(fp_amount a, double *out)
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

/* ---- a growable string ---- */

typedef struct sbuf {
    char *s;
    size_t len, cap;
    int oom;
} sbuf;

static void sb_add(sbuf *b, const char *s, size_t n)
{
    if (b->oom)
        return;
    if (buf_reserve((void **)&b->s, &b->cap, b->len + n + 1, 1)) {
        b->oom = 1;
        return;
    }
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

static void sb_str(sbuf *b, const char *s) { sb_add(b, s, strlen(s)); }

static void sb_printf(sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sb_printf(sbuf *b, const char *fmt, ...)
{
    char tmp[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof tmp) {
        b->oom = 1; /* only short pieces go through here */
        return;
    }
    sb_add(b, tmp, (size_t)n);
}

static void sb_amount(sbuf *b, fp_amount v)
{
    char buf[FP_AMOUNT_BUFSIZE];
    sb_add(b, buf, fp_amount_format(v, 0, buf));
}

static void sb_reset(sbuf *b)
{
    b->len = 0;
    if (b->s)
        b->s[0] = '\0';
}

/* "C12": the A1 reference of a cell (relative). BUF holds at least 16 bytes. */
static void cell_name(char *buf, lxw_row_t row, lxw_col_t col)
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
static size_t text_width(const char *s)
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
static unsigned wrapped_lines(const char *s, double width)
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
        double cw = (double)text_width(ch);
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
static double row_height(unsigned lines) { return lines > 1 ? 15.0 * lines + 3 : 0; }

/* ---- the workbook and its formats ---- */

enum fkind {
    F_TITLE,
    F_UNIT,
    F_HEADER,
    F_NAME,      /* a unit's name: indented, bold on subtotal rows */
    F_TEXT,      /* another text cell of the table */
    F_LEVEL,     /* the 级次 number */
    F_NUM_LEAF,  /* an amount on a row without rows: 0 shows as blank */
    F_NUM_SUB,   /* an amount on a subtotal row: 0 shows as 0 */
    F_NUM_TEXT,  /* an amount with more digits than Excel keeps, as exact text */
    F_SUMMARY,   /* the audit's summary line (fill: 0 clean, 2 errors) */
    F_NOTE,      /* the audit's legend line */
    F_LIST_TEXT, /* a cell of a list sheet (问题清单, 变动, 参数) */
    F_LIST_NUM,
    F_LIST_PCT,
    F_LINK,
    F_KMAX
};

typedef struct fmt_entry {
    int kind, indent, bold, fill;
    lxw_format *f;
} fmt_entry;

typedef struct writer {
    lxw_workbook *wb;
    lxw_error lerr; /* the first libxlsxwriter error */
    fp_diag *diag;
    int decimals;   /* of every amount in the workbook */
    char numfmt[3][64];
    fmt_entry *fmts;
    size_t nfmts, fmtcap;
    int oom;
} writer;

static void W(writer *w, lxw_error e)
{
    if (e != LXW_NO_ERROR && w->lerr == LXW_NO_ERROR)
        w->lerr = e;
}

static void set_fill(lxw_format *f, int fill)
{
    if (!fill)
        return;
    format_set_pattern(f, LXW_PATTERN_SOLID);
    format_set_bg_color(f, fill == 2 ? RED_FILL : AMBER_FILL);
}

/* The format of KIND with the given indent, weight and fill (0 none, 1 amber, 2 red), made
 * once per workbook. NULL only when out of memory (then w->oom is set). */
static lxw_format *fmt(writer *w, int kind, int indent, int bold, int fill)
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
static int table_decimals(const fp_table *t)
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

static fp_error writer_open(writer *w, const char *path, const char *title, int decimals,
                            fp_diag *diag)
{
    memset(w, 0, sizeof *w);
    w->diag = diag;
    w->decimals = decimals;
    char base[16] = "0";
    if (decimals > 0) {
        memcpy(base, "0.", 2);
        memset(base + 2, '0', (size_t)decimals);
        base[2 + decimals] = '\0';
    }
    /* leaf rows: positive;negative;zero — an empty zero section shows 0 as a blank cell */
    snprintf(w->numfmt[0], sizeof w->numfmt[0], "%s;-%s;", base, base);
    snprintf(w->numfmt[1], sizeof w->numfmt[1], "%s", base);
    w->wb = workbook_new(path);
    if (!w->wb)
        return diag_set(diag, FP_ERR_NOMEM, NULL, 0, NULL, NULL, 0, "out of memory");
    lxw_doc_properties props;
    memset(&props, 0, sizeof props);
    props.title = (char *)(uintptr_t)title;
    props.created = FIXED_CREATED;
    W(w, workbook_set_properties(w->wb, &props));
    return FP_OK;
}

/* Close the workbook: write PATH when all went well (else only free it) and report. */
static fp_error writer_close(writer *w, fp_error err, const char *path)
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
    lxw_error e = workbook_close(w->wb);
    w->wb = NULL;
    if (e != LXW_NO_ERROR && !existed)
        unlink(path);
    if (e == LXW_ERROR_MEMORY_MALLOC_FAILED)
        return diag_set(w->diag, FP_ERR_NOMEM, NULL, 0, NULL, NULL, 0, "out of memory");
    if (e != LXW_NO_ERROR)
        return diag_set(w->diag, FP_ERR_IO, path, 0, NULL, NULL, 0, "cannot write %s: %s", path,
                        lxw_strerror(e));
    return FP_OK;
}

/* A worksheet named NAME, or NULL with DIAG filled. */
static lxw_worksheet *add_sheet(writer *w, const char *name, fp_error *err)
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

/* ---- a table sheet: the notice layout, and the audit's stated values ---- */

typedef struct sheet {
    writer *w;
    lxw_worksheet *ws;
    const char *name;
    const fp_table *t;
    size_t nrows, ncols, nprinted;
    size_t *order;     /* rows in tree pre-order */
    int *depth;        /* by table row */
    lxw_row_t *srow;   /* by table row: its worksheet row */
    size_t *cols;      /* table columns in sheet order: printed, then the tree columns */
    lxw_col_t *scol;   /* by table column: its worksheet column */
    size_t name_col, total, advance, batch;
    const size_t *cats;
    size_t ncats;
    lxw_col_t *catcols; /* worksheet columns of the categories, ascending */
    uint8_t *fill;      /* audit: by row * ncols + column: 0, 1 warning, 2 error */
    sbuf f;             /* scratch for formulas */
} sheet;

static int tree_column(fp_role r)
{
    return r == FP_ROLE_LEVEL || r == FP_ROLE_PARENT || r == FP_ROLE_CODE ||
           r == FP_ROLE_PARENT_CODE;
}

static int cmp_col(const void *a, const void *b)
{
    lxw_col_t x = *(const lxw_col_t *)a, y = *(const lxw_col_t *)b;
    return (x > y) - (x < y);
}

static void sheet_free(sheet *s)
{
    free(s->order);
    free(s->depth);
    free(s->srow);
    free(s->cols);
    free(s->scol);
    free(s->catcols);
    free(s->fill);
    free(s->f.s);
}

/* Lay T out: rows in pre-order from FIRST_ROW, printed columns first, tree columns after. */
static fp_error sheet_prepare(sheet *s, writer *w, const fp_table *t, const char *name)
{
    memset(s, 0, sizeof *s);
    s->w = w;
    s->t = t;
    s->name = name;
    s->nrows = fp_table_row_count(t);
    s->ncols = fp_table_column_count(t);
    if (s->nrows > LXW_ROW_MAX - FIRST_ROW || s->ncols > LXW_COL_MAX)
        return diag_set(w->diag, FP_ERR_ARGUMENT, fp_table_source(t), 0, NULL, NULL, 0,
                        "%zu rows and %zu columns do not fit in a worksheet (at most %u rows "
                        "and %u columns)",
                        s->nrows, s->ncols, LXW_ROW_MAX - FIRST_ROW, LXW_COL_MAX);
    size_t nr = s->nrows ? s->nrows : 1, nc = s->ncols ? s->ncols : 1;
    s->order = malloc(nr * sizeof *s->order);
    s->depth = malloc(nr * sizeof *s->depth);
    s->srow = malloc(nr * sizeof *s->srow);
    s->cols = malloc(nc * sizeof *s->cols);
    s->scol = malloc(nc * sizeof *s->scol);
    s->ncats = fp_table_categories(t, &s->cats);
    s->catcols = malloc((s->ncats ? s->ncats : 1) * sizeof *s->catcols);
    if (!s->order || !s->depth || !s->srow || !s->cols || !s->scol || !s->catcols)
        return diag_set(w->diag, FP_ERR_NOMEM, NULL, 0, NULL, NULL, 0, "out of memory");

    /* pre-order without a stack: down to the first child, else on to the next sibling of the
     * nearest ancestor that has one */
    size_t n = 0;
    int d = 0;
    size_t r = fp_table_first_root(t);
    while (r != FP_NONE && n < s->nrows) {
        s->order[n] = r;
        s->depth[r] = d;
        s->srow[r] = FIRST_ROW + (lxw_row_t)n;
        n++;
        if (fp_table_first_child(t, r) != FP_NONE) {
            r = fp_table_first_child(t, r);
            d++;
            continue;
        }
        while (r != FP_NONE && fp_table_next_sibling(t, r) == FP_NONE) {
            r = fp_table_parent(t, r);
            d--;
        }
        if (r != FP_NONE)
            r = fp_table_next_sibling(t, r);
    }
    if (n != s->nrows)
        return diag_set(w->diag, FP_ERR_INTERNAL, fp_table_source(t), 0, NULL, NULL, 0,
                        "the tree reaches %zu of %zu rows", n, s->nrows);

    size_t k = 0;
    for (int pass = 0; pass < 2; pass++)
        for (size_t c = 0; c < s->ncols; c++)
            if (tree_column(fp_table_column_role(t, c)) == pass) {
                s->cols[k] = c;
                s->scol[c] = (lxw_col_t)k;
                k++;
            }
    s->nprinted = 0;
    for (size_t c = 0; c < s->ncols; c++)
        s->nprinted += !tree_column(fp_table_column_role(t, c));
    s->name_col = fp_table_role_column(t, FP_ROLE_NAME);
    s->total = fp_table_role_column(t, FP_ROLE_TOTAL);
    s->advance = fp_table_role_column(t, FP_ROLE_ADVANCE);
    s->batch = fp_table_role_column(t, FP_ROLE_BATCH);
    for (size_t i = 0; i < s->ncats; i++)
        s->catcols[i] = s->scol[s->cats[i]];
    if (s->ncats)
        qsort(s->catcols, s->ncats, sizeof *s->catcols, cmp_col);
    return FP_OK;
}

/* A run of cells in one column (rows r1..r2) or one row (columns c1..c2). */
typedef struct run {
    lxw_row_t r1, r2;
    lxw_col_t c1, c2;
} run;

static void put_run(sbuf *b, const run *x)
{
    char a[16], z[16];
    cell_name(a, x->r1, x->c1);
    sb_str(b, a);
    if (x->r1 != x->r2 || x->c1 != x->c2) {
        cell_name(z, x->r2, x->c2);
        sb_add(b, ":", 1);
        sb_str(b, z);
    }
}

/* SUM over N runs, nested so that no call has more than MAX_ARGS arguments. */
static void put_sum(sbuf *b, const run *runs, size_t n)
{
    sb_str(b, "SUM(");
    if (n <= MAX_ARGS) {
        for (size_t i = 0; i < n; i++) {
            if (i)
                sb_add(b, ",", 1);
            put_run(b, &runs[i]);
        }
    } else {
        size_t chunk = (n + MAX_ARGS - 1) / MAX_ARGS;
        for (size_t i = 0; i < n; i += chunk) {
            if (i)
                sb_add(b, ",", 1);
            put_sum(b, runs + i, n - i < chunk ? n - i : chunk);
        }
    }
    sb_add(b, ")", 1);
}

/* "=SUM(…)" over the children of ROW in column COL (contiguous rows as ranges) into s->f.
 * Returns 0, or -1 when out of memory. */
static int children_sum(sheet *s, size_t row, size_t col, run **runs, size_t *cap)
{
    size_t n = 0;
    lxw_col_t c = s->scol[col];
    for (size_t k = fp_table_first_child(s->t, row); k != FP_NONE;
         k = fp_table_next_sibling(s->t, k)) {
        lxw_row_t r = s->srow[k];
        if (n && (*runs)[n - 1].r2 + 1 == r) {
            (*runs)[n - 1].r2 = r;
            continue;
        }
        if (buf_reserve((void **)runs, cap, n + 1, sizeof **runs))
            return -1;
        (*runs)[n++] = (run){r, r, c, c};
    }
    sb_reset(&s->f);
    sb_add(&s->f, "=", 1);
    put_sum(&s->f, *runs, n);
    return s->f.oom ? -1 : 0;
}

/* "=SUM(…)" over the category cells of worksheet row R into s->f. */
static int categories_sum(sheet *s, lxw_row_t r, run **runs, size_t *cap)
{
    size_t n = 0;
    for (size_t i = 0; i < s->ncats; i++) {
        lxw_col_t c = s->catcols[i];
        if (n && (*runs)[n - 1].c2 + 1 == c) {
            (*runs)[n - 1].c2 = c;
            continue;
        }
        if (buf_reserve((void **)runs, cap, n + 1, sizeof **runs))
            return -1;
        (*runs)[n++] = (run){r, r, c, c};
    }
    sb_reset(&s->f);
    sb_add(&s->f, "=", 1);
    put_sum(&s->f, *runs, n);
    return s->f.oom ? -1 : 0;
}

/* Fill DIAG for an amount Excel cannot hold exactly. */
static fp_error precision_error(sheet *s, size_t row, size_t col)
{
    char text[FP_AMOUNT_BUFSIZE], ref[16];
    fp_amount_format(fp_table_amount(s->t, row, col), 0, text);
    fp_error e = diag_set(s->w->diag, FP_ERR_AMOUNT_PRECISION, fp_table_source(s->t),
                          fp_table_row_line(s->t, row), fp_table_column_name(s->t, col), text,
                          strlen(text),
                          "%s has more than %d significant digits, more than an Excel number "
                          "keeps; the workbook would not add up exactly",
                          text, EXCEL_DIGITS);
    if (s->w->diag) {
        cell_name(ref, s->srow[row], s->scol[col]);
        snprintf(s->w->diag->cell, sizeof s->w->diag->cell, "%s!%s", s->name, ref);
    }
    return e;
}

/* Title, unit line and header; column widths; print set-up; outline; frozen header. AUDIT: the
 * title is the summary (red when ERRORS, else green) and the unit line is the legend. */
static void sheet_frame(sheet *s, const char *title, const char *unit_line, int audit,
                        int errors)
{
    writer *w = s->w;
    lxw_worksheet *ws = s->ws;
    const fp_table *t = s->t;
    lxw_col_t last = (lxw_col_t)(s->nprinted ? s->nprinted - 1 : 0);

    lxw_format *tf = audit ? fmt(w, F_SUMMARY, 0, 1, errors ? 2 : 0) : fmt(w, F_TITLE, 0, 1, 0);
    lxw_format *uf = audit ? fmt(w, F_NOTE, 0, 0, 0) : fmt(w, F_UNIT, 0, 0, 0);
    if (last > 0) {
        W(w, worksheet_merge_range(ws, TITLE_ROW, 0, TITLE_ROW, last, title, tf));
        W(w, worksheet_merge_range(ws, UNIT_ROW, 0, UNIT_ROW, last, unit_line, uf));
    } else {
        W(w, worksheet_write_string(ws, TITLE_ROW, 0, title, tf));
        W(w, worksheet_write_string(ws, UNIT_ROW, 0, unit_line, uf));
    }

    /* widths: names with their indent, numbers as written, headers wrapped on ≤ 3 lines */
    double *width = calloc(s->ncols ? s->ncols : 1, sizeof *width);
    if (!width) {
        w->oom = 1;
        return;
    }
    double total_width = 0;
    for (size_t k = 0; k < s->ncols; k++) {
        size_t c = s->cols[k];
        double hw = (double)text_width(fp_table_column_name(t, c)), cw = 0;
        int amount = fp_table_column_is_amount(t, c);
        for (size_t r = 0; r < s->nrows; r++) {
            double x;
            if (amount) {
                char buf[FP_AMOUNT_BUFSIZE];
                x = (double)fp_amount_format(fp_table_amount(t, r, c), w->decimals, buf);
            } else if (c == s->name_col) {
                int d = s->depth[r] > MAX_INDENT ? MAX_INDENT : s->depth[r];
                x = (double)text_width(fp_table_row_name(t, r)) + 2.0 * d;
            } else {
                x = (double)text_width(fp_table_text(t, r, c));
            }
            if (x > cw)
                cw = x;
        }
        double wd = cw + 2;
        if (amount && wd < 9)
            wd = 9;
        if (hw + 2 <= 12) {
            if (wd < hw + 2)
                wd = hw + 2;
        } else {
            double h3 = hw / 3 + 3;
            if (wd < (h3 > 12 ? h3 : 12))
                wd = h3 > 12 ? h3 : 12;
        }
        if (wd > 60)
            wd = 60;
        width[k] = wd;
        if (k < s->nprinted)
            total_width += wd;
    }
    /* a narrow table still spans a useful width, so the title fits on its line */
    double need = (double)text_width(title) * 16.0 / 11.0 + 4;
    if (s->nprinted && total_width < need)
        width[0] += need - total_width;
    unsigned lines = 1;
    for (size_t k = 0; k < s->ncols; k++) {
        lxw_row_col_options o = {.hidden = k >= s->nprinted, .level = 0, .collapsed = 0};
        W(w, worksheet_set_column_opt(ws, (lxw_col_t)k, (lxw_col_t)k, width[k], NULL, &o));
        unsigned l = wrapped_lines(fp_table_column_name(t, s->cols[k]), width[k]);
        if (k < s->nprinted && l > lines)
            lines = l;
    }
    free(width);
    W(w, worksheet_set_row(ws, TITLE_ROW, audit ? 22 : 30, NULL));
    if (audit)
        W(w, worksheet_set_row(ws, UNIT_ROW, 32, NULL));
    W(w, worksheet_set_row(ws, HEADER_ROW, 15.0 * lines + 6, NULL));

    lxw_format *hf = fmt(w, F_HEADER, 0, 1, 0);
    for (size_t k = 0; k < s->ncols; k++)
        W(w, worksheet_write_string(ws, HEADER_ROW, (lxw_col_t)k,
                                    fp_table_column_name(t, s->cols[k]), hf));

    /* frozen header (and the names), summary rows above their details */
    lxw_col_t freeze = s->name_col != FP_NONE ? (lxw_col_t)(s->scol[s->name_col] + 1) : 0;
    worksheet_freeze_panes(ws, FIRST_ROW, freeze);
    worksheet_outline_settings(ws, LXW_TRUE, LXW_FALSE, LXW_TRUE, LXW_FALSE);

    /* print: A4 landscape, one page wide, title to header repeated, page numbers */
    worksheet_set_paper(ws, 9);
    worksheet_set_landscape(ws);
    worksheet_set_margins(ws, 0.4, 0.4, 0.6, 0.6);
    worksheet_center_horizontally(ws);
    worksheet_fit_to_pages(ws, 1, 0);
    W(w, worksheet_repeat_rows(ws, TITLE_ROW, HEADER_ROW));
    W(w, worksheet_set_footer(ws, "&C第 &P 页 共 &N 页"));
    W(w, worksheet_print_area(ws, TITLE_ROW, 0,
                              (lxw_row_t)(FIRST_ROW + (s->nrows ? s->nrows : 1) - 1), last));
}

/* Write every row. FORMULAS: the notice (SUM formulas with cached values, zeros of rows
 * without rows blank); else the audit (the stated values, fills from s->fill). */
static fp_error sheet_rows(sheet *s, int formulas)
{
    writer *w = s->w;
    lxw_worksheet *ws = s->ws;
    const fp_table *t = s->t;
    run *runs = NULL;
    size_t runcap = 0;
    fp_error err = FP_OK;
    for (size_t i = 0; i < s->nrows && !err; i++) {
        size_t row = s->order[i];
        lxw_row_t r = s->srow[row];
        int d = s->depth[row];
        int sub = fp_table_first_child(t, row) != FP_NONE;
        lxw_row_col_options o = {.hidden = 0,
                                 .level = (uint8_t)(d > MAX_OUTLINE ? MAX_OUTLINE : d),
                                 .collapsed = 0};
        W(w, worksheet_set_row_opt(ws, r, LXW_DEF_ROW_HEIGHT, NULL, &o));
        for (size_t k = 0; k < s->ncols && !err; k++) {
            size_t c = s->cols[k];
            lxw_col_t sc = (lxw_col_t)k;
            int fill = s->fill ? s->fill[row * s->ncols + c] : 0;
            fp_role role = fp_table_column_role(t, c);
            if (c == s->name_col) {
                W(w, worksheet_write_string(ws, r, sc, fp_table_row_name(t, row),
                                            fmt(w, F_NAME, d > MAX_INDENT ? MAX_INDENT : d, sub,
                                                fill)));
                continue;
            }
            if (role == FP_ROLE_LEVEL) {
                W(w, worksheet_write_number(ws, r, sc, (double)t->level_base + d,
                                            fmt(w, F_LEVEL, 0, 0, 0)));
                continue;
            }
            if (!fp_table_column_is_amount(t, c)) {
                const char *text = fp_table_text(t, row, c);
                lxw_format *f = fmt(w, F_TEXT, 0, sub, fill);
                W(w, text[0] ? worksheet_write_string(ws, r, sc, text, f)
                             : worksheet_write_blank(ws, r, sc, f));
                continue;
            }
            fp_amount v = fp_table_amount(t, row, c);
            double x = 0;
            int exact = amount_to_double(v, &x) == 0;
            if (!formulas) {
                lxw_format *f = fmt(w, F_NUM_SUB, 0, sub, fill);
                if (fp_table_is_blank(t, row, c)) {
                    W(w, worksheet_write_blank(ws, r, sc, f));
                } else if (exact) {
                    W(w, worksheet_write_number(ws, r, sc, x, f));
                } else {
                    char text[FP_AMOUNT_BUFSIZE];
                    fp_amount_format(v, w->decimals, text);
                    W(w, worksheet_write_string(ws, r, sc, text, fmt(w, F_NUM_TEXT, 0, sub, fill)));
                }
                continue;
            }
            if (!exact) {
                err = precision_error(s, row, c);
                break;
            }
            lxw_format *f = fmt(w, sub ? F_NUM_SUB : F_NUM_LEAF, 0, sub, 0);
            int formula = 1;
            if (c == s->total && s->ncats) {
                if (categories_sum(s, r, &runs, &runcap))
                    w->oom = 1;
            } else if (c == s->batch && s->total != FP_NONE && s->advance != FP_NONE) {
                char a[16], b[16];
                cell_name(a, r, s->scol[s->total]);
                cell_name(b, r, s->scol[s->advance]);
                sb_reset(&s->f);
                sb_printf(&s->f, "=%s-%s", a, b);
            } else if (sub) {
                if (children_sum(s, row, c, &runs, &runcap))
                    w->oom = 1;
            } else {
                formula = 0;
            }
            if (w->oom)
                break;
            /* a formula too long for Excel (thousands of scattered rows): the value alone */
            if (formula && s->f.len <= MAX_FORMULA)
                W(w, worksheet_write_formula_num(ws, r, sc, s->f.s, f, x));
            else if (v == 0 && !sub)
                W(w, worksheet_write_blank(ws, r, sc, f));
            else
                W(w, worksheet_write_number(ws, r, sc, x, f));
        }
    }
    free(runs);
    return err;
}

/* The identities the notice's formulas stand for must hold, or its numbers would not add up. */
static fp_error require_balanced(const fp_table *t, fp_diag *diag)
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

/* A notice-layout sheet NAME of T in W. */
static fp_error notice_sheet(writer *w, const fp_table *t, const fp_notice_options *opts,
                             const char *name)
{
    fp_error err = FP_OK;
    sheet s;
    err = sheet_prepare(&s, w, t, name);
    if (!err)
        s.ws = add_sheet(w, name, &err);
    if (!err) {
        const char *unit = opts && opts->unit ? opts->unit
                           : fp_table_unit(t)  ? fp_table_unit(t)
                                               : "万元";
        const char *title = opts && opts->title ? opts->title
                        : fp_table_title(t)       ? fp_table_title(t)
                                                  : "分配表";
        size_t n = strlen(unit) + 16;
        char *line = malloc(n);
        if (!line) {
            err = diag_set(w->diag, FP_ERR_NOMEM, NULL, 0, NULL, NULL, 0, "out of memory");
        } else {
            snprintf(line, n, "单位：%s", unit);
            sheet_frame(&s, title, line, 0, 0);
            free(line);
            err = sheet_rows(&s, 1);
        }
    }
    sheet_free(&s);
    return err;
}

fp_error fp_xlsx_write_notice(const fp_table *t, const fp_notice_options *opts, const char *path,
                              fp_diag *diag)
{
    fp_diag_clear(diag);
    if (!t || !path)
        return diag_set(diag, FP_ERR_ARGUMENT, NULL, 0, NULL, NULL, 0, "no table or no path");
    fp_error err = require_balanced(t, diag);
    if (err)
        return err;
    writer w;
    const char *title = opts && opts->title ? opts->title
                        : fp_table_title(t)       ? fp_table_title(t)
                                                  : "分配表";
    if ((err = writer_open(&w, path, title, table_decimals(t), diag)) != FP_OK)
        return err;
    err = notice_sheet(&w, t, opts, opts && opts->sheet ? opts->sheet : "分配表");
    return writer_close(&w, err, path);
}

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
    case FP_RULE_UNREADABLE:
        sb_printf(b, "\n「%s」不是金额，按空白读入", fp_table_text(t, f->row, f->column));
        return;
    case FP_RULE_LABEL_SHIFT:
        sb_printf(b, "\n名称似比数字晚了一行：此行的数字属于「%s」",
                  fp_table_row_name(t, f->row + 1));
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
        W(w, worksheet_write_comment_opt(s->ws, v[i].row, v[i].col, b.s, &o));
        i = j;
    }
    free(b.s);
    free(v);
}

/* "总计 / 地州合计 / 乌鲁木齐市" */
static void put_path(sbuf *b, const fp_table *t, size_t row)
{
    size_t path[64];
    size_t n = fp_table_path(t, row, path, 64);
    for (size_t i = 0; i < n && i < 64; i++) {
        if (i)
            sb_str(b, " / ");
        sb_str(b, fp_table_row_name(t, path[i]));
    }
    if (n > 64)
        sb_str(b, " / …");
}

/* Display width of put_path's text for ROW. */
static double path_width(const fp_table *t, size_t row)
{
    size_t path[64];
    size_t n = fp_table_path(t, row, path, 64);
    double w = n > 64 ? 4 : 0;
    for (size_t i = 0; i < n && i < 64; i++)
        w += (double)text_width(fp_table_row_name(t, path[i])) + (i ? 3 : 0);
    return w;
}

/* A list sheet's column of paths: as wide as the longest (+2), between 20 and 60. */
static double path_column(double widest) { return widest + 2 < 20 ? 20 : widest + 2 > 60 ? 60 : widest + 2; }

/* Sheet 问题清单: one row per finding with a link to its cell on the audit sheet. */
static fp_error findings_sheet(writer *w, const sheet *s, const fp_report *rep,
                               const fp_check_options *co)
{
    fp_error err = FP_OK;
    lxw_worksheet *ws = add_sheet(w, SHEET_FINDINGS, &err);
    if (!ws)
        return err;
    static const char *const head[] = {"序号", "级别", "规则", "行号", "单位",   "列",
                                       "表中", "计算值", "差额", "单元格", "说明"};
    double widths[] = {6, 7, 14, 7, 36, 22, 10, 10, 9, 9, 28};
    enum { NHEAD = sizeof head / sizeof head[0] };
    size_t n = fp_report_count(rep);
    double widest = 0;
    for (size_t i = 0; i < n; i++) {
        double pw = path_width(s->t, fp_report_finding(rep, i)->row);
        widest = pw > widest ? pw : widest;
    }
    widths[4] = path_column(widest);
    lxw_format *hf = fmt(w, F_HEADER, 0, 1, 0), *tf = fmt(w, F_LIST_TEXT, 0, 0, 0),
               *nf = fmt(w, F_LIST_NUM, 0, 0, 0), *lf = fmt(w, F_LINK, 0, 0, 0);
    for (lxw_col_t k = 0; k < NHEAD; k++) {
        W(w, worksheet_set_column(ws, k, k, widths[k], NULL));
        W(w, worksheet_write_string(ws, 0, k, head[k], hf));
    }
    W(w, worksheet_set_row(ws, 0, 20, NULL));
    sbuf b = {0};
    for (size_t i = 0; i < n && !w->oom; i++) {
        const fp_finding *f = fp_report_finding(rep, i);
        lxw_row_t r = (lxw_row_t)(i + 1);
        int sev = f->severity == FP_SEVERITY_ERROR ? 2 : 1;
        W(w, worksheet_write_number(ws, r, 0, (double)(i + 1), tf));
        W(w, worksheet_write_string(ws, r, 1, sev == 2 ? "错误" : "警告",
                                    fmt(w, F_LIST_TEXT, 0, 1, sev)));
        sb_reset(&b);
        sb_str(&b, rule_zh[f->rule]);
        if (f->rule == FP_RULE_ROUNDING_RESIDUE)
            sb_printf(&b, "（%s）", rule_zh[f->identity]);
        W(w, worksheet_write_string(ws, r, 2, b.s, tf));
        W(w, worksheet_write_number(ws, r, 3, (double)fp_table_row_line(s->t, f->row), tf));
        sb_reset(&b);
        put_path(&b, s->t, f->row);
        W(w, worksheet_write_string(ws, r, 4, b.oom ? "" : b.s, tf));
        unsigned lines = b.oom ? 1 : wrapped_lines(b.s, widths[4]);
        W(w, f->column != FP_NONE
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
                W(w, worksheet_write_blank(ws, r, (lxw_col_t)(6 + k), nf));
            else if (amount_to_double(vals[k], &x) == 0)
                W(w, worksheet_write_number(ws, r, (lxw_col_t)(6 + k), x, nf));
            else {
                char text[FP_AMOUNT_BUFSIZE];
                fp_amount_format(vals[k], 0, text);
                W(w, worksheet_write_string(ws, r, (lxw_col_t)(6 + k), text,
                                            fmt(w, F_NUM_TEXT, 0, 0, 0)));
            }
        }
        size_t col = finding_column(s, f);
        char ref[16], url[64];
        cell_name(ref, s->srow[f->row], s->scol[col]);
        snprintf(url, sizeof url, "internal:'%s'!%s", s->name, ref);
        /* past Excel's limit of links per sheet the reference stays as text */
        W(w, i < MAX_LINKS ? worksheet_write_url_opt(ws, r, 9, url, lf, ref, NULL)
                           : worksheet_write_string(ws, r, 9, ref, tf));
        sb_reset(&b);
        if (f->rule == FP_RULE_EMPTY_ROW)
            sb_str(&b, "该行没有任何金额");
        else if (f->rule == FP_RULE_UNREADABLE)
            sb_printf(&b, "「%s」不是金额，按空白读入", fp_table_text(s->t, f->row, f->column));
        else if (f->rule == FP_RULE_LABEL_SHIFT)
            sb_printf(&b, "名称似比数字晚了一行：此行的数字属于「%s」",
                      fp_table_row_name(s->t, f->row + 1));
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
        W(w, worksheet_write_string(ws, r, 10, b.oom ? "" : b.s, tf));
        if (!b.oom && wrapped_lines(b.s, widths[10]) > lines)
            lines = wrapped_lines(b.s, widths[10]);
        if (lines > 1)
            W(w, worksheet_set_row(ws, r, row_height(lines), NULL));
    }
    if (n == 0) {
        W(w, worksheet_merge_range(ws, 1, 0, 1, NHEAD - 1, "没有发现问题：各项平衡关系全部成立。",
                                   tf));
    } else {
        W(w, worksheet_autofilter(ws, 0, 0, (lxw_row_t)n, NHEAD - 1));
    }
    if (b.oom)
        w->oom = 1;
    free(b.s);
    worksheet_freeze_panes(ws, 1, 0);
    worksheet_set_paper(ws, 9);
    worksheet_set_landscape(ws);
    worksheet_fit_to_pages(ws, 1, 0);
    W(w, worksheet_repeat_rows(ws, 0, 0));
    W(w, worksheet_set_footer(ws, "&C第 &P 页 共 &N 页"));
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
    fp_error err = writer_open(&w, path, "审核", table_decimals(t), diag);
    if (err)
        return err;
    sheet s;
    err = sheet_prepare(&s, &w, t, SHEET_AUDIT);
    if (!err) {
        s.fill = calloc(s.nrows * s.ncols + 1, 1);
        if (!s.fill)
            err = diag_set(diag, FP_ERR_NOMEM, NULL, 0, NULL, NULL, 0, "out of memory");
    }
    if (!err)
        s.ws = add_sheet(&w, SHEET_AUDIT, &err);
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
            sheet_frame(&s, sum.s, legend.s, 1, errors != 0);
        free(sum.s);
        free(legend.s);
        err = sheet_rows(&s, 0);
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
    sheet_free(&s);
    return writer_close(&w, err, path);
}

/* ---- the what-if workbook ---- */

/* Round CHANGE / |OLD| to 0.01% (halves away from zero), as a fraction: -0.0312 for -3.12%. */
static double percent(fp_amount old, fp_amount change)
{
    __int128 num = (__int128)change * 10000, den = old < 0 ? -(__int128)old : old;
    __int128 a = num < 0 ? -num : num;
    __int128 q = a / den, r = a % den;
    if (2 * r >= den)
        q++;
    double bp = (double)q; /* basis points: at most ~1e22, a ratio, not money */
    return (num < 0 ? -bp : bp) / 10000.0;
}

/* Sheet 变动: old, new, change, % change of every amount cell that changed. */
static fp_error changes_sheet(writer *w, const fp_table *a, const fp_table *b,
                              const char *new_sheet, const sheet *layout)
{
    fp_error err = FP_OK;
    lxw_worksheet *ws = add_sheet(w, SHEET_CHANGES, &err);
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
        double pw = path_width(a, i), nw = (double)text_width(fp_table_row_name(a, i));
        widest = pw > widest ? pw : widest;
        widest_name = nw > widest_name ? nw : widest_name;
    }
    widths[1] = widest_name + 2 < 10 ? 10 : widest_name + 2 > 40 ? 40 : widest_name + 2;
    widths[2] = path_column(widest);
    lxw_format *hf = fmt(w, F_HEADER, 0, 1, 0), *tf = fmt(w, F_LIST_TEXT, 0, 0, 0),
               *nf = fmt(w, F_LIST_NUM, 0, 0, 0), *pf = fmt(w, F_LIST_PCT, 0, 0, 0),
               *lf = fmt(w, F_LINK, 0, 0, 0);
    for (lxw_col_t k = 0; k < NHEAD; k++) {
        W(w, worksheet_set_column(ws, k, k, widths[k], NULL));
        W(w, worksheet_write_string(ws, 0, k, head[k], hf));
    }
    W(w, worksheet_set_row(ws, 0, 20, NULL));
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
            if (fp_amount_sub(n, o, &d) || amount_to_double(o, &xo) ||
                amount_to_double(n, &xn) || amount_to_double(d, &xd)) {
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
            W(w, worksheet_write_number(ws, r, 0, (double)fp_table_row_line(a, row), tf));
            W(w, worksheet_write_string(ws, r, 1, fp_table_row_name(a, row), tf));
            sb_reset(&p);
            put_path(&p, a, row);
            W(w, worksheet_write_string(ws, r, 2, p.oom ? "" : p.s, tf));
            if (!p.oom && wrapped_lines(p.s, widths[2]) > 1)
                W(w, worksheet_set_row(ws, r, row_height(wrapped_lines(p.s, widths[2])), NULL));
            W(w, worksheet_write_string(ws, r, 3, fp_table_column_name(a, c), tf));
            W(w, worksheet_write_number(ws, r, 4, xo, nf));
            W(w, worksheet_write_number(ws, r, 5, xn, nf));
            char e[16], f[16], g[16], formula[96];
            cell_name(e, r, 4);
            cell_name(f, r, 5);
            cell_name(g, r, 6);
            snprintf(formula, sizeof formula, "=%s-%s", f, e);
            W(w, worksheet_write_formula_num(ws, r, 6, formula, nf, xd));
            snprintf(formula, sizeof formula, "=IF(%s=0,\"\",ROUND(%s/ABS(%s),4))", e, g, e);
            if (o == 0)
                W(w, worksheet_write_formula_str(ws, r, 7, formula, pf, ""));
            else
                W(w, worksheet_write_formula_num(ws, r, 7, formula, pf, percent(o, d)));
            char ref[16], url[64];
            cell_name(ref, layout->srow[row], layout->scol[c]);
            snprintf(url, sizeof url, "internal:'%s'!%s", new_sheet, ref);
            W(w, r <= MAX_LINKS ? worksheet_write_url_opt(ws, r, 8, url, lf, ref, NULL)
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
        W(w, worksheet_merge_range(ws, 1, 0, 1, NHEAD - 1, "没有变动。", tf));
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
        cell_name(top, 1, 6);
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
        W(w, worksheet_conditional_format_range(ws, 1, 6, r - 1, 7, &cu));
        W(w, worksheet_conditional_format_range(ws, 1, 6, r - 1, 7, &cd));
        W(w, worksheet_autofilter(ws, 0, 0, r - 1, NHEAD - 1));
    }
    worksheet_freeze_panes(ws, 1, 0);
    worksheet_set_paper(ws, 9);
    worksheet_set_landscape(ws);
    worksheet_fit_to_pages(ws, 1, 0);
    W(w, worksheet_repeat_rows(ws, 0, 0));
    W(w, worksheet_set_footer(ws, "&C第 &P 页 共 &N 页"));
    return FP_OK;
}

/* Sheet 参数: the label/value pairs that reproduce the run. */
static fp_error params_sheet(writer *w, const fp_xlsx_param *params, size_t n)
{
    fp_error err = FP_OK;
    lxw_worksheet *ws = add_sheet(w, SHEET_PARAMS, &err);
    if (!ws)
        return err;
    lxw_format *hf = fmt(w, F_HEADER, 0, 1, 0), *tf = fmt(w, F_LIST_TEXT, 0, 0, 0),
               *bf = fmt(w, F_LIST_TEXT, 0, 1, 0);
    size_t lw = 8, vw = 30;
    for (size_t i = 0; i < n; i++) {
        size_t a = params[i].label ? text_width(params[i].label) : 0;
        size_t b = params[i].value ? text_width(params[i].value) : 0;
        lw = a > lw ? a : lw;
        vw = b > vw ? b : vw;
    }
    double lwd = (double)(lw > 30 ? 30 : lw) + 3, vwd = (double)(vw > 90 ? 90 : vw) + 3;
    W(w, worksheet_set_column(ws, 0, 0, lwd, NULL));
    W(w, worksheet_set_column(ws, 1, 1, vwd, NULL));
    W(w, worksheet_write_string(ws, 0, 0, "项目", hf));
    W(w, worksheet_write_string(ws, 0, 1, "值", hf));
    for (size_t i = 0; i < n && i + 1 < LXW_ROW_MAX; i++) {
        lxw_row_t r = (lxw_row_t)(i + 1);
        W(w, worksheet_write_string(ws, r, 0, params[i].label ? params[i].label : "", bf));
        W(w, worksheet_write_string(ws, r, 1, params[i].value ? params[i].value : "", tf));
        unsigned a = params[i].label ? wrapped_lines(params[i].label, lwd) : 1;
        unsigned b = params[i].value ? wrapped_lines(params[i].value, vwd) : 1;
        if (a > 1 || b > 1)
            W(w, worksheet_set_row(ws, r, row_height(a > b ? a : b), NULL));
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
    fp_error err = require_balanced(new_, diag);
    if (err)
        return err;
    int dec = table_decimals(new_), dec_old = table_decimals(old);
    writer w;
    const char *title = opts && opts->title ? opts->title
                        : fp_table_title(new_)    ? fp_table_title(new_)
                                                  : "分配表";
    if ((err = writer_open(&w, path, title, dec > dec_old ? dec : dec_old, diag)) != FP_OK)
        return err;
    err = notice_sheet(&w, new_, opts, SHEET_NEW);
    sheet s;
    memset(&s, 0, sizeof s);
    if (!err)
        err = sheet_prepare(&s, &w, new_, SHEET_NEW);
    if (!err)
        err = changes_sheet(&w, old, new_, SHEET_NEW, &s);
    if (!err)
        err = params_sheet(&w, params, nparams);
    sheet_free(&s);
    return writer_close(&w, err, path);
}
