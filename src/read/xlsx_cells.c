/* read/xlsx_cells.c — the cells of one worksheet: values as exact text (numbers as written, the
 * 16- and 17-digit forms Excel writes for binary doubles rounded to the 15 digits Excel shows),
 * shared strings, types, formulas without a cached value, located errors. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "read/xlsx_impl.h"

#define SIG_DIGITS 15    /* what Excel displays of a double */
#define MAX_EXPONENT 400 /* larger exponents are handed on as written (and refused later) */

/* ---- numbers ---- */

/* The text of a number cell as the loader should see it. Excel stores doubles and writes up to
 * 17 significant digits ("5141.3199999999997" for 5141.32) while it shows 15: such texts are
 * rounded (half away from zero) to 15 significant digits in decimal, never through a double,
 * and exponent forms ("1.5E-3") are written out in full. Anything else, and every text that
 * is neither, is handed on exactly as written (a text that is no number fails later as an
 * amount, with the cell's reference). Returns the text and its length in *LEN; it may live
 * in OUT. NULL when out of memory. */
static const char *number_text(const char *s, size_t len, tbuf *out, size_t *outlen)
{
    *outlen = len;
    size_t i = 0;
    int neg = 0;
    if (i < len && (s[i] == '-' || s[i] == '+'))
        neg = s[i++] == '-';
    size_t int_start = i;
    while (i < len && s[i] >= '0' && s[i] <= '9')
        i++;
    size_t int_end = i, frac_start = i, frac_end = i;
    if (i < len && s[i] == '.') {
        frac_start = ++i;
        while (i < len && s[i] >= '0' && s[i] <= '9')
            i++;
        frac_end = i;
    }
    if (int_end == int_start && frac_end == frac_start)
        return s; /* no digits: not a number */
    long exp = 0;
    int has_exp = 0;
    if (i < len && (s[i] == 'e' || s[i] == 'E')) {
        has_exp = 1;
        i++;
        int eneg = 0;
        if (i < len && (s[i] == '-' || s[i] == '+'))
            eneg = s[i++] == '-';
        size_t e0 = i;
        while (i < len && s[i] >= '0' && s[i] <= '9') {
            if (exp <= MAX_EXPONENT)
                exp = exp * 10 + (s[i] - '0');
            i++;
        }
        if (i == e0 || exp > MAX_EXPONENT)
            return s;
        if (eneg)
            exp = -exp;
    }
    if (i != len)
        return s;

    /* The significant digits: the mantissa without leading and trailing zeros. POINT is where
     * the decimal point falls, counted in digits from the first significant one. */
    out->len = 0;
    long point = (long)(int_end - int_start);
    for (size_t k = int_start; k < frac_end; k++) {
        if (k == int_end)
            continue; /* the '.' */
        if (s[k] == '0' && out->len == 0) {
            point--;
            continue;
        }
        if (tbuf_addc(out, s[k]))
            return NULL;
    }
    while (out->len && out->s[out->len - 1] == '0')
        out->len--;
    if (!has_exp && out->len <= SIG_DIGITS)
        return s; /* as written */
    if (out->len > SIG_DIGITS) {
        int up = out->s[SIG_DIGITS] >= '5';
        out->len = SIG_DIGITS;
        for (size_t k = SIG_DIGITS; up && k-- > 0;) {
            if (out->s[k] == '9') {
                out->s[k] = '0';
            } else {
                out->s[k]++;
                up = 0;
            }
        }
        if (up) { /* 999… rounded up to 1000… */
            out->s[0] = '1';
            point++;
        }
        while (out->len && out->s[out->len - 1] == '0')
            out->len--;
    }
    point += exp;

    /* Write sign, integer part and fraction after the digits, then move them to the front. */
    size_t nd = out->len;
    tbuf *b = out;
    if (nd == 0) {
        b->len = 0;
        if (tbuf_addc(b, '0'))
            return NULL;
        *outlen = 1;
        return b->s;
    }
    size_t digits_at = 0, start = nd; /* the digits are b->s[0..nd) */
    if (neg && tbuf_addc(b, '-'))
        return NULL;
    if (point <= 0) {
        if (tbuf_add(b, "0.", 2))
            return NULL;
        for (long k = 0; k < -point; k++)
            if (tbuf_addc(b, '0'))
                return NULL;
        for (size_t k = 0; k < nd; k++)
            if (tbuf_addc(b, b->s[digits_at + k]))
                return NULL;
    } else if ((size_t)point >= nd) {
        for (size_t k = 0; k < nd; k++)
            if (tbuf_addc(b, b->s[digits_at + k]))
                return NULL;
        for (long k = 0; k < point - (long)nd; k++)
            if (tbuf_addc(b, '0'))
                return NULL;
    } else {
        for (size_t k = 0; k < nd; k++) {
            if (k == (size_t)point && tbuf_addc(b, '.'))
                return NULL;
            if (tbuf_addc(b, b->s[digits_at + k]))
                return NULL;
        }
    }
    *outlen = b->len - start;
    return b->s + start;
}

/* ---- a worksheet ---- */

typedef enum cell_type { T_NUMBER, T_SHARED, T_INLINE, T_STR, T_BOOL, T_ERROR, T_DATE } cell_type;

typedef struct sheetx {
    xctx c;
    loader *L;         /* load into this, or NULL: only probe for a table */
    const xlsx_cell_sink *sink; /* or hand every cell to this (L and CELLS NULL) */
    size_t sheet_index;
    const char *sheet; /* name, for cell references */
    int found;         /* probe: a row with two or more non-empty cells */
    xf_cells *cells;   /* formulas without cached values: collect cells into it (L NULL), or
                        * take their evaluated values from it (L set) */
    int uncached;      /* met a formula without a cached value (and stopped, without CELLS) */
    int in_data, in_row, in_cell, in_is, rph, has_v, has_is, has_f;
    long row, prev_row; /* 1-based sheet rows */
    long col, next_col; /* 0-based columns */
    size_t row_nonempty;
    cell_type type;
    tbuf v, is, num, f;
} sheetx;

/* "Sheet!C57" for the current cell (or row, when COL < 0) into BUF. */
static void cell_ref(const sheetx *S, long col, char *buf, size_t size)
{
    char letters[4];
    if (col < 0) {
        snprintf(buf, size, "%s!%ld:%ld", S->sheet, S->row, S->row);
        return;
    }
    col_letters(col, letters);
    snprintf(buf, size, "%s!%s%ld", S->sheet, letters, S->row);
}

/* Parse a cell reference "C57": the column to *COL (0-based), 0 or -1. The row digits must be
 * there but need not match the row (some writers get them wrong; the <row> decides). */
static int parse_ref(const char *r, long *col)
{
    long c = 0;
    size_t i = 0;
    while (r[i] >= 'A' && r[i] <= 'Z' && i < 3)
        c = c * 26 + (r[i++] - 'A' + 1);
    if (i == 0 || c > MAX_COLS || r[i] < '1' || r[i] > '9')
        return -1;
    size_t k = i;
    while (r[k] >= '0' && r[k] <= '9' && k - i < 8)
        k++;
    if (r[k])
        return -1;
    *col = c - 1;
    return 0;
}

/* A row or shared-string number: 1 to 9 digits, no sign. */
int xr_parse_index(const char *s, size_t len, long *out)
{
    while (len && (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')) {
        s++;
        len--;
    }
    while (len && (s[len - 1] == ' ' || s[len - 1] == '\t' || s[len - 1] == '\r' ||
                   s[len - 1] == '\n'))
        len--;
    if (len == 0 || len > 10)
        return -1;
    long v = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return 0;
}

static void sheet_fail(sheetx *S, long col, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void sheet_fail(sheetx *S, long col, const char *fmt, ...)
{
    char ref[sizeof S->c.X->diag->cell];
    cell_ref(S, col, ref, sizeof ref);
    char msg[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    xr_fail(S->c.X, ERR_FORMAT, ref, "%s", msg); /* the place is in the diagnostic's cell */
    xr_stop(&S->c);
}

static void sheet_start(xctx *c, const char *local, const char **attrs)
{
    sheetx *S = (sheetx *)c;
    if (!S->in_data) {
        if (strcmp(local, "sheetData") == 0)
            S->in_data = 1;
        return;
    }
    if (S->in_cell) {
        if (strcmp(local, "v") == 0 && !S->in_is) {
            S->has_v = 1;
            S->v.len = 0;
            c->capture = &S->v;
        } else if (strcmp(local, "is") == 0) {
            S->in_is = 1;
            S->has_is = 1;
        } else if (strcmp(local, "rPh") == 0 && S->in_is) {
            S->rph++;
        } else if (strcmp(local, "t") == 0 && S->in_is && !S->rph) {
            c->capture = &S->is;
        } else if (strcmp(local, "f") == 0 && !S->in_is) {
            S->has_f = 1;
            S->f.len = 0;
            c->capture = &S->f;
        }
        return;
    }
    if (strcmp(local, "row") == 0) {
        const char *r = attr(attrs, "r");
        long n = S->prev_row + 1;
        if (r && (xr_parse_index(r, strlen(r), &n) || n < 1 || n > MAX_ROWS)) {
            S->row = S->prev_row + 1;
            sheet_fail(S, -1, "the row number \"%s\" is not a number from 1 to %ld", r, MAX_ROWS);
            return;
        }
        S->row = n;
        if (n <= S->prev_row) {
            sheet_fail(S, -1, "row %ld comes after row %ld; rows must be in increasing order", n,
                       S->prev_row);
            return;
        }
        S->in_row = 1;
        S->next_col = 0;
        S->row_nonempty = 0;
        if (S->L)
            loader_row_begin(S->L, n);
        else if (S->sink && S->sink->row_begin(S->sink->ctx, S->sheet, S->sheet_index, n))
            xr_nomem(S->c.X), xr_stop(&S->c);
    } else if (strcmp(local, "c") == 0) {
        if (!S->in_row) {
            S->row = S->prev_row + 1;
            sheet_fail(S, -1, "a cell outside a <row>");
            return;
        }
        const char *r = attr(attrs, "r"), *t = attr(attrs, "t");
        long col = S->next_col;
        if (r && parse_ref(r, &col)) {
            sheet_fail(S, -1, "the cell reference \"%s\" is not a column and row such as C57", r);
            return;
        }
        if (col < S->next_col) {
            sheet_fail(S, col, "this cell comes after a cell on its right; cells must be in "
                               "increasing column order");
            return;
        }
        if (col >= MAX_COLS) {
            sheet_fail(S, col, "more than %ld columns", MAX_COLS);
            return;
        }
        S->col = col;
        S->next_col = col + 1;
        S->in_cell = 1;
        S->has_v = S->has_is = S->in_is = S->rph = S->has_f = 0;
        S->v.len = S->is.len = S->f.len = 0;
        if (!t || strcmp(t, "n") == 0)
            S->type = T_NUMBER;
        else if (strcmp(t, "s") == 0)
            S->type = T_SHARED;
        else if (strcmp(t, "inlineStr") == 0)
            S->type = T_INLINE;
        else if (strcmp(t, "str") == 0)
            S->type = T_STR;
        else if (strcmp(t, "b") == 0)
            S->type = T_BOOL;
        else if (strcmp(t, "e") == 0)
            S->type = T_ERROR;
        else if (strcmp(t, "d") == 0)
            S->type = T_DATE;
        else
            sheet_fail(S, col, "unknown cell type t=\"%s\" (expected n, s, str, inlineStr, b, e "
                               "or d)",
                       t);
    }
}

/* The cell ends: work out its text and hand it to the loader (or count it, when probing). */
static void end_cell(sheetx *S)
{
    xlsx *X = S->c.X;
    const char *s = "";
    size_t len = 0;
    char value[FP_AMOUNT_BUFSIZE];
    if (S->has_f && (!S->has_v || S->v.len == 0) && S->type != T_INLINE) {
        /* a formula without its cached value (scripts, openpyxl): not an empty cell */
        if (!S->cells && !S->L) {
            S->row_nonempty++; /* probing: a cell with content */
            return;
        }
        if (!S->cells) {
            S->uncached = 1; /* the caller reads the sheet again, evaluating */
            xr_stop(&S->c);
            return;
        }
        if (!S->L) {
            size_t flen = xr_decode_escapes(S->f.s ? S->f.s : "", S->f.len);
            if (flen == 0) {
                sheet_fail(S, S->col, "a shared formula without a stored value; fenpei cannot "
                                      "evaluate it (open and save the workbook in Excel or "
                                      "LibreOffice, which stores the values)");
                return;
            }
            if (xf_cells_formula(S->cells, S->row, S->col, S->f.s, flen)) {
                xr_nomem(X);
                xr_stop(&S->c);
            }
            return;
        }
        fp_amount v;
        if (!xf_cells_result(S->cells, S->row, S->col, &v))
            return;
        len = fp_amount_format(v, 0, value);
        S->row_nonempty++;
        loader_cell(S->L, (size_t)S->col, value, len);
        if (loader_error(S->L))
            xr_stop(&S->c);
        return;
    }
    switch (S->type) {
    case T_NUMBER:
        if (S->has_v) {
            s = number_text(S->v.s ? S->v.s : "", S->v.len, &S->num, &len);
            if (!s) {
                xr_nomem(X);
                xr_stop(&S->c);
                return;
            }
        }
        break;
    case T_SHARED:
        if (S->has_v && S->v.len) {
            long k;
            if (xr_parse_index(S->v.s ? S->v.s : "", S->v.len, &k) || (size_t)k >= X->nsst) {
                sheet_fail(S, S->col,
                           "shared string \"%.*s\" does not exist (the workbook has %zu shared "
                           "strings)",
                           (int)(S->v.len > 40 ? 40 : S->v.len), S->v.s ? S->v.s : "", X->nsst);
                return;
            }
            s = strpool_get(&X->sst, X->sst_at[k].off);
            len = X->sst_at[k].len;
        }
        break;
    case T_INLINE:
        if (S->has_is && S->is.len) {
            len = xr_decode_escapes(S->is.s, S->is.len);
            s = S->is.s;
        } else if (S->has_v && S->v.len) { /* some writers put inline text in <v> */
            len = xr_decode_escapes(S->v.s, S->v.len);
            s = S->v.s;
        }
        break;
    case T_STR:
        if (S->has_v && S->v.len) {
            len = xr_decode_escapes(S->v.s, S->v.len);
            s = S->v.s;
        }
        break;
    case T_BOOL:
        /* As Excel shows it. A boolean is never an amount: in an amount column it fails with
         * the cell's reference instead of silently counting as 1 or 0. */
        if (S->has_v && S->v.len) {
            long b;
            if (xr_parse_index(S->v.s, S->v.len, &b) || b > 1) {
                sheet_fail(S, S->col, "a boolean cell holds \"%.*s\" (expected 0 or 1)",
                           (int)(S->v.len > 40 ? 40 : S->v.len), S->v.s);
                return;
            }
            s = b ? "TRUE" : "FALSE";
            len = strlen(s);
        }
        break;
    case T_ERROR: /* "#REF!", "#DIV/0!": handed on, so that an amount column reports it */
    case T_DATE:  /* ISO 8601 text */
        if (S->has_v && S->v.len) {
            s = S->v.s;
            len = S->v.len;
        }
        break;
    }
    if (!len)
        return; /* an empty or style-only cell: blank, like a missing one */
    S->row_nonempty++;
    if (S->cells && !S->L) {
        int rc = S->type == T_NUMBER ? xf_cells_number(S->cells, S->row, S->col, s, len)
                                     : xf_cells_text(S->cells, S->row, S->col);
        if (rc) {
            xr_nomem(X);
            xr_stop(&S->c);
        }
        return;
    }
    if (S->L) {
        loader_cell(S->L, (size_t)S->col, s, len);
        if (loader_error(S->L))
            xr_stop(&S->c);
    } else if (S->sink && S->sink->cell(S->sink->ctx, (size_t)S->col, s, len)) {
        xr_nomem(S->c.X);
        xr_stop(&S->c);
    }
}

static void sheet_end(xctx *c, const char *local)
{
    sheetx *S = (sheetx *)c;
    if (!S->in_data)
        return;
    if (S->in_cell) {
        if (strcmp(local, "v") == 0 || strcmp(local, "t") == 0 || strcmp(local, "f") == 0) {
            c->capture = NULL;
        } else if (strcmp(local, "rPh") == 0 && S->in_is) {
            S->rph--;
        } else if (strcmp(local, "is") == 0) {
            S->in_is = 0;
        } else if (strcmp(local, "c") == 0) {
            S->in_cell = 0;
            c->capture = NULL;
            end_cell(S);
        }
        return;
    }
    if (strcmp(local, "row") == 0 && S->in_row) {
        S->in_row = 0;
        S->prev_row = S->row;
        if (S->L) {
            loader_row_end(S->L);
            if (loader_error(S->L))
                xr_stop(c);
        } else if (S->sink) {
            if (S->sink->row_end(S->sink->ctx))
                xr_nomem(c->X), xr_stop(c);
        } else if (S->row_nonempty >= 2 && !S->cells) {
            S->found = 1;
            xr_stop(c);
        }
    } else if (strcmp(local, "sheetData") == 0) {
        S->in_data = 0;
    }
}

static int read_sheet(xlsx *X, size_t k, loader *L, xf_cells *cells, int *uncached,
                      const xlsx_cell_sink *sink)
{
    const sheet_info *si = &X->sheets[k];
    zip_int64_t idx = xr_find_part(X, si->part);
    if (idx < 0) {
        xr_fail(X, ERR_FORMAT, NULL, "sheet \"%s\": its part %s is missing from the workbook",
             si->name, si->part);
        return 0;
    }
    sheetx S;
    memset(&S, 0, sizeof S);
    S.c.part = si->part;
    S.c.start = sheet_start;
    S.c.end = sheet_end;
    S.L = L;
    S.sink = L || cells ? NULL : sink;
    S.sheet_index = k;
    S.sheet = si->name;
    S.cells = cells;
    xr_parse_part(X, idx, &S.c);
    free(S.v.s);
    free(S.is.s);
    free(S.num.s);
    free(S.f.s);
    if (uncached)
        *uncached = S.uncached;
    return S.found;
}

int xr_read_sheet(xlsx *X, size_t k, loader *L, xf_cells *cells, int *uncached)
{
    return read_sheet(X, k, L, cells, uncached, NULL);
}

void xr_read_sheet_sink(xlsx *X, size_t k, const xlsx_cell_sink *sink)
{
    read_sheet(X, k, NULL, NULL, NULL, sink);
}
