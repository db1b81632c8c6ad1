/* write/xlsx_sheet.c — a table as a sheet: the notice layout, and the audit's stated values. */
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
#include "core/table_impl.h"


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

void xw_sheet_free(sheet *s)
{
    free(s->order);
    free(s->depth);
    free(s->srow);
    free(s->cols);
    free(s->scol);
    free(s->catcols);
    free(s->fill);
    free(s->f.data);
}

/* Lay T out: rows in pre-order under the header, printed columns first, tree columns after. */
fp_error xw_sheet_prepare(sheet *s, writer *w, const fp_table *t, const char *name,
                          const char *attachment)
{
    memset(s, 0, sizeof *s);
    s->w = w;
    s->t = t;
    s->name = name;
    s->attachment = attachment && attachment[0] ? attachment : NULL;
    s->attach_row = 0;
    s->title_row = s->attachment ? 1 : 0;
    s->unit_row = s->title_row + 1;
    s->header_row = s->unit_row + 1;
    s->first_row = s->header_row + 1;
    s->nrows = fp_table_row_count(t);
    s->ncols = fp_table_column_count(t);
    if (s->nrows > LXW_ROW_MAX - s->first_row || s->ncols > LXW_COL_MAX)
        return diag_set(w->diag, FP_ERR_ARGUMENT, fp_table_source(t), 0, NULL, NULL, 0,
                        "%zu rows and %zu columns do not fit in a worksheet (at most %u rows "
                        "and %u columns)",
                        s->nrows, s->ncols, LXW_ROW_MAX - s->first_row, LXW_COL_MAX);
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
        s->srow[r] = s->first_row + (lxw_row_t)n;
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

static void put_run(strbuf *b, const run *x)
{
    char a[16], z[16];
    xw_cell_name(a, x->r1, x->c1);
    strbuf_str(b, a);
    if (x->r1 != x->r2 || x->c1 != x->c2) {
        xw_cell_name(z, x->r2, x->c2);
        strbuf_add(b, ":", 1);
        strbuf_str(b, z);
    }
}

/* SUM over N runs, nested so that no call has more than MAX_ARGS arguments. */
static void put_sum(strbuf *b, const run *runs, size_t n)
{
    strbuf_str(b, "SUM(");
    if (n <= MAX_ARGS) {
        for (size_t i = 0; i < n; i++) {
            if (i)
                strbuf_add(b, ",", 1);
            put_run(b, &runs[i]);
        }
    } else {
        size_t chunk = (n + MAX_ARGS - 1) / MAX_ARGS;
        for (size_t i = 0; i < n; i += chunk) {
            if (i)
                strbuf_add(b, ",", 1);
            put_sum(b, runs + i, n - i < chunk ? n - i : chunk);
        }
    }
    strbuf_add(b, ")", 1);
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
    strbuf_reset(&s->f);
    strbuf_add(&s->f, "=", 1);
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
    strbuf_reset(&s->f);
    strbuf_add(&s->f, "=", 1);
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
        xw_cell_name(ref, s->srow[row], s->scol[col]);
        snprintf(s->w->diag->cell, sizeof s->w->diag->cell, "%s!%s", s->name, ref);
    }
    return e;
}

/* 1 when table column C is a category (项目) column. */
static int is_category(const sheet *s, size_t c)
{
    for (size_t i = 0; i < s->ncats; i++)
        if (s->cats[i] == c)
            return 1;
    return 0;
}

/* ---- print layout ---- */

/* A4 landscape less the margins set below, in points. */
#define PAGE_WIDTH (842.0 - 2 * 0.4 * 72)
#define PAGE_HEIGHT (595.0 - 2 * 0.6 * 72)
/* What a renderer draws a wide (CJK) character as, in column units: 11 pt 宋体 is 14.7 px and a
 * column unit 7 px, so slightly more than the 2 units text widths count. */
#define WIDE_UNITS 2.2

/* The width in points of a column WIDTH units wide (Excel: 7 px a unit plus 5 px padding). */
static double column_points(double width)
{
    double px = width < 1 ? width * 12 : (double)(long)(width * 7 + 5);
    return px * 0.75;
}

/* The width in units of a column whose text is PER wide characters a line, with half a
 * character to spare: 11 pt is 14.67 px a character, a unit 7 px plus 5 px, less the padding. */
static double line_width(double per) { return ((per + 0.5) * 14.67 - 1) / 7; }

/* The header of a column as lines that a column of at least DATA units holds: LINES (≤ 3) lines
 * of balanced length (信息化及 / 绩效考核, never 信息化及绩效考 / 核), and the width that wraps
 * it so: room for the line and half a character more, so that renderers whose characters are a
 * little wider or narrower still break it at the same places. */
static double header_width(const char *name, double data, unsigned *lines)
{
    double chars = (double)xw_text_width(name) / 2; /* in wide characters */
    unsigned best = 1;
    for (unsigned n = 3; n >= 2; n--)
        if (line_width((double)(long)(chars / n + 0.999)) >= data - 0.5) {
            best = n;
            break;
        }
    double wd = line_width((double)(long)(chars / best + 0.999));
    *lines = best;
    return wd > data ? wd : data;
}

/* Break the printout into pages of at most CAP points of rows (FIRST: of the first page, which
 * also holds the attachment line): a 地州 block that fits on a page starts on a new page rather
 * than being split, and no subtotal row ends a page without its first row. */
static void page_breaks(sheet *s, double row_pt, double cap, double first)
{
    size_t n = s->nrows;
    if (!n || row_pt <= 0 || cap < 4 * row_pt)
        return;
    lxw_row_t *brk = calloc(LXW_BREAKS_MAX + 1, sizeof *brk);
    size_t *end = malloc(n * sizeof *end); /* by position: one past the last of its subtree */
    if (!brk || !end) {
        free(brk);
        free(end);
        s->w->oom = 1;
        return;
    }
    /* subtree ends by a stack walk from the bottom: the next position at the same or a lower
     * depth */
    for (size_t i = n; i-- > 0;) {
        size_t j = i + 1;
        while (j < n && s->depth[s->order[j]] > s->depth[s->order[i]])
            j = end[j];
        end[i] = j;
    }
    size_t nb = 0, page_start = 0;
    double room = first, used = 0;
    for (size_t i = 0; i < n && nb < LXW_BREAKS_MAX; i++) {
        size_t row = s->order[i];
        int block = fp_table_first_child(s->t, row) != FP_NONE && s->depth[row] >= 1;
        double block_pt = (double)(end[i] - i) * row_pt;
        size_t at = n; /* where to break, if anywhere */
        if (block && block_pt <= cap && used + block_pt > room && i > page_start)
            at = i; /* the whole block on the next page */
        else if (used + row_pt > room) {
            at = i;
            /* a block's last row does not start a page alone … */
            if (fp_table_parent(s->t, row) != FP_NONE &&
                fp_table_next_sibling(s->t, row) == FP_NONE && at > page_start + 1)
                at--;
            /* … and a subtotal row does not end one: it goes with its first row (a few rows
             * back at most: in a chain of subtotals every row is one) */
            size_t lowest = i > 3 ? i - 3 : 0;
            while (at > page_start + 1 && at > lowest &&
                   fp_table_first_child(s->t, s->order[at - 1]) == s->order[at])
                at--;
        }
        if (at < n && at > page_start) {
            brk[nb++] = s->srow[s->order[at]];
            used = (double)(i - at) * row_pt;
            page_start = at;
            room = cap;
        }
        used += row_pt;
    }
    if (nb)
        xw_check(s->w, worksheet_set_h_pagebreaks(s->ws, brk));
    free(brk);
    free(end);
}

/* Attachment line, title, unit line and header; column widths; print set-up with page breaks;
 * outline; frozen header. AUDIT: the title is the summary (red when ERRORS, else green) and the
 * unit line is the legend. Rows are written in order (constant-memory mode needs it). */
void xw_sheet_frame(sheet *s, const char *title, const char *unit_line, int audit, int errors)
{
    writer *w = s->w;
    lxw_worksheet *ws = s->ws;
    const fp_table *t = s->t;
    lxw_col_t last = (lxw_col_t)(s->nprinted ? s->nprinted - 1 : 0);

    /* widths: names with their indent, numbers as written, headers wrapped in balanced lines */
    double *width = calloc(s->ncols ? s->ncols : 1, sizeof *width);
    if (!width) {
        w->oom = 1;
        return;
    }
    double total_width = 0;
    unsigned lines = 1;
    for (size_t k = 0; k < s->ncols; k++) {
        size_t c = s->cols[k];
        double cw = 0;
        int amount = fp_table_column_is_amount(t, c);
        for (size_t r = 0; r < s->nrows; r++) {
            double x;
            if (amount) {
                char buf[FP_AMOUNT_BUFSIZE];
                x = (double)fp_amount_format(fp_table_amount(t, r, c), w->decimals, buf);
                if (w->thousands) /* a separator every three digits of the integer part */
                    x += (x - (w->decimals ? w->decimals + 1 : 0) - 1) / 3;
            } else if (c == s->name_col) {
                int d = s->depth[r] + 1 > MAX_INDENT ? MAX_INDENT : s->depth[r] + 1;
                x = (double)xw_text_width(fp_table_row_name(t, r)) * WIDE_UNITS / 2 + 2.0 * d;
            } else {
                x = (double)xw_text_width(fp_table_text(t, r, c));
            }
            if (x > cw)
                cw = x;
        }
        double wd = cw + 2;
        if (amount && wd < 9)
            wd = 9;
        unsigned l;
        wd = header_width(fp_table_column_name(t, c), wd, &l);
        if (wd > 60)
            wd = 60;
        width[k] = wd;
        if (k < s->nprinted) {
            total_width += column_points(wd);
            lines = l > lines ? l : lines;
        }
    }
    /* a narrow table still spans a useful width, so the title fits on its line */
    double need = column_points((double)xw_text_width(title) * 16.0 / 11.0 * WIDE_UNITS / 2 + 4);
    if (s->nprinted && total_width < need) {
        width[0] += (need - total_width) / 0.75 / 7;
        total_width = need;
    }
    for (size_t k = 0; k < s->ncols; k++) {
        lxw_row_col_options o = {.hidden = k >= s->nprinted, .level = 0, .collapsed = 0};
        xw_check(w, worksheet_set_column_opt(ws, (lxw_col_t)k, (lxw_col_t)k, width[k], NULL, &o));
    }
    free(width);

    double attach_pt = s->attachment ? 24 : 0, title_pt = audit ? 22 : 30,
           unit_pt = audit ? 48 : ROW_POINTS, header_pt = 16.0 * lines + 8;
    if (s->attachment) {
        xw_check(w, worksheet_set_row(ws, s->attach_row, attach_pt, NULL));
        xw_check(w, worksheet_write_string(ws, s->attach_row, 0, s->attachment,
                                           xw_format(w, F_ATTACHMENT, 0, 1, 0)));
    }
    lxw_format *tf = audit ? xw_format(w, F_SUMMARY, 0, 1, errors ? 2 : 0)
                           : xw_format(w, F_TITLE, 0, 1, 0);
    lxw_format *uf = audit ? xw_format(w, F_NOTE, 0, 0, 0) : xw_format(w, F_UNIT, 0, 0, 0);
    xw_check(w, worksheet_set_row(ws, s->title_row, title_pt, NULL));
    if (last > 0)
        xw_check(w, worksheet_merge_range(ws, s->title_row, 0, s->title_row, last, title, tf));
    else
        xw_check(w, worksheet_write_string(ws, s->title_row, 0, title, tf));
    xw_check(w, worksheet_set_row(ws, s->unit_row, unit_pt, NULL));
    if (last > 0)
        xw_check(w, worksheet_merge_range(ws, s->unit_row, 0, s->unit_row, last, unit_line, uf));
    else
        xw_check(w, worksheet_write_string(ws, s->unit_row, 0, unit_line, uf));
    xw_check(w, worksheet_set_row(ws, s->header_row, header_pt, NULL));
    lxw_format *hf = xw_format(w, F_HEADER, 0, 1, 0);
    for (size_t k = 0; k < s->ncols; k++)
        xw_check(w, worksheet_write_string(ws, s->header_row, (lxw_col_t)k,
                                           fp_table_column_name(t, s->cols[k]), hf));

    /* frozen header (and the names), summary rows above their details */
    lxw_col_t freeze = s->name_col != FP_NONE ? (lxw_col_t)(s->scol[s->name_col] + 1) : 0;
    worksheet_freeze_panes(ws, s->first_row, freeze);
    worksheet_outline_settings(ws, LXW_TRUE, LXW_FALSE, LXW_TRUE, LXW_FALSE);

    /* print: A4 landscape, one page wide by a fixed scale (Excel ignores manual page breaks
     * under "fit to page"), title to header repeated, page numbers */
    worksheet_set_paper(ws, 9);
    worksheet_set_landscape(ws);
    worksheet_set_margins(ws, 0.4, 0.4, 0.6, 0.6);
    worksheet_center_horizontally(ws);
    /* 7% to spare: LibreOffice draws a column unit about 6.5% wider than Excel does */
    double room = PAGE_WIDTH * 0.93;
    long pct = total_width > room ? (long)(room / total_width * 100) : 100;
    pct = pct < 10 ? 10 : pct;
    worksheet_set_print_scale(ws, (uint16_t)pct);
    xw_check(w, worksheet_repeat_rows(ws, s->title_row, s->header_row));
    xw_check(w, worksheet_set_footer(ws, "&C第 &P 页 共 &N 页"));
    xw_check(w, worksheet_print_area(ws, s->attachment ? s->attach_row : s->title_row, 0,
                                     (lxw_row_t)(s->first_row + (s->nrows ? s->nrows : 1) - 1),
                                     last));
    /* the rows a page holds at that scale, with a margin for renderers that draw rows a little
     * taller than asked */
    double cap = (PAGE_HEIGHT * 100.0 / (double)pct - title_pt - unit_pt - header_pt) * 0.94;
    page_breaks(s, ROW_POINTS, cap, cap - attach_pt);
}

/* Write every row. FORMULAS: the notice (SUM formulas with cached values, zeros of rows
 * without rows blank); else the audit (the stated values, fills from s->fill). */
fp_error xw_sheet_rows(sheet *s, int formulas)
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
        xw_check(w, worksheet_set_row_opt(ws, r, ROW_POINTS, NULL, &o));
        for (size_t k = 0; k < s->ncols && !err; k++) {
            size_t c = s->cols[k];
            lxw_col_t sc = (lxw_col_t)k;
            int fill = s->fill ? s->fill[row * s->ncols + c] : 0;
            fp_role role = fp_table_column_role(t, c);
            if (c == s->name_col) {
                /* one level of indent more than the depth: the name clear of the border */
                int indent = d + 1 > MAX_INDENT ? MAX_INDENT : d + 1;
                xw_check(w, worksheet_write_string(ws, r, sc, fp_table_row_name(t, row),
                                                   xw_format(w, F_NAME, indent, sub, fill)));
                continue;
            }
            if (role == FP_ROLE_LEVEL) {
                xw_check(w, worksheet_write_number(ws, r, sc, (double)t->level_base + d,
                                            xw_format(w, F_LEVEL, 0, 0, 0)));
                continue;
            }
            if (!fp_table_column_is_amount(t, c)) {
                const char *text = fp_table_text(t, row, c);
                lxw_format *f = xw_format(w, F_TEXT, 0, sub, fill);
                xw_check(w, text[0] ? worksheet_write_string(ws, r, sc, text, f)
                             : worksheet_write_blank(ws, r, sc, f));
                continue;
            }
            fp_amount v = fp_table_amount(t, row, c);
            double x = 0;
            int exact = xw_amount_to_double(v, &x) == 0;
            if (!formulas) {
                lxw_format *f = xw_format(w, F_NUM_SUB, 0, sub, fill);
                if (fp_table_is_blank(t, row, c)) {
                    xw_check(w, worksheet_write_blank(ws, r, sc, f));
                } else if (exact) {
                    xw_check(w, worksheet_write_number(ws, r, sc, x, f));
                } else {
                    char text[FP_AMOUNT_BUFSIZE];
                    fp_amount_format(v, w->decimals, text);
                    xw_check(w, worksheet_write_string(ws, r, sc, text, xw_format(w, F_NUM_TEXT, 0, sub, fill)));
                }
                continue;
            }
            if (!exact) {
                err = precision_error(s, row, c);
                break;
            }
            /* zeros blank only in the category columns of rows without rows: 全年, 已提前下达
             * and 此次下达 print 0, as the notices do */
            int blank_zero = !sub && is_category(s, c);
            fp_amount was = 0;
            int changed = s->old && (was = fp_table_amount(s->old, row, c)) != v;
            lxw_format *f = xw_format(w, blank_zero ? F_NUM_LEAF : F_NUM_SUB, 0, sub,
                                      changed ? FILL_CHANGED : 0);
            if (changed && s->comments) {
                char text[FP_AMOUNT_BUFSIZE + 8];
                memcpy(text, "原 ", strlen("原 "));
                fp_amount_format(was, 0, text + strlen("原 "));
                lxw_comment_options co;
                memset(&co, 0, sizeof co);
                co.author = "fenpei";
                co.width = 120;
                co.height = 30;
                xw_check(w, worksheet_write_comment_opt(ws, r, sc, text, &co));
            }
            int formula = 1;
            if (c == s->total && s->ncats) {
                if (categories_sum(s, r, &runs, &runcap))
                    w->oom = 1;
            } else if (c == s->batch && s->total != FP_NONE && s->advance != FP_NONE) {
                char a[16], b[16];
                xw_cell_name(a, r, s->scol[s->total]);
                xw_cell_name(b, r, s->scol[s->advance]);
                strbuf_reset(&s->f);
                strbuf_printf(&s->f, "=%s-%s", a, b);
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
                xw_check(w, worksheet_write_formula_num(ws, r, sc, s->f.data, f, x));
            else if (v == 0 && blank_zero)
                xw_check(w, worksheet_write_blank(ws, r, sc, f));
            else
                xw_check(w, worksheet_write_number(ws, r, sc, x, f));
        }
    }
    free(runs);
    return err;
}
