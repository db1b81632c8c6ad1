/* read/perf_lines.c — the lines of a file that may hold performance tables: a Word document's
 * paragraphs and table rows, a workbook's sheet rows, or a text's tab-separated lines. */
#define _GNU_SOURCE /* memmem */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "read/docx.h"
#include "read/perf_lines.h"
#include "read/xlsx_read.h"
#include "util/buf.h"
#include "util/textenc.h"

#define FILE_LIMIT (64L << 20) /* refuse files larger than this */

void perf_rows_free(perf_row *rows, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        for (size_t k = 0; k < rows[i].n; k++)
            free(rows[i].cells[k]);
        free(rows[i].cells);
    }
    free(rows);
}

void perf_lines_free(lines *L)
{
    perf_rows_free(L->rows, L->n);
    for (size_t i = 0; i < L->nsheets; i++)
        free(L->sheets[i]);
    free(L->sheets);
}

static int add_line(lines *L, long line, int dtable, const char *const *cells, size_t n)
{
    if (buf_reserve((void **)&L->rows, &L->cap, L->n + 1, sizeof *L->rows))
        return -1;
    perf_row *r = &L->rows[L->n];
    r->line = line;
    r->dtable = dtable;
    r->n = 0;
    r->cells = calloc(n ? n : 1, sizeof *r->cells);
    if (!r->cells)
        return -1;
    L->n++;
    for (size_t i = 0; i < n; i++) {
        r->cells[i] = strdup(cells[i] ? cells[i] : "");
        if (!r->cells[i])
            return -1;
        r->n++;
    }
    return 0;
}


static fp_error text_lines(const char *data, size_t len, lines *L)
{
    if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
        data += 3, len -= 3;
    const char **cells = NULL;
    size_t cap = 0;
    char *buf = NULL;
    long line = 0;
    fp_error e = FP_OK;
    for (size_t p = 0; p < len && !e;) {
        size_t q = p;
        while (q < len && data[q] != '\n')
            q++;
        size_t n = q - p;
        line++;
        if (n && data[p + n - 1] == '\r')
            n--;
        free(buf);
        buf = malloc(n + 1);
        if (!buf) {
            e = FP_ERR_NOMEM;
            break;
        }
        memcpy(buf, data + p, n);
        buf[n] = '\0';
        size_t nc = 0;
        for (char *s = buf;;) {
            if (buf_reserve((void **)&cells, &cap, nc + 1, sizeof *cells)) {
                e = FP_ERR_NOMEM;
                break;
            }
            cells[nc++] = s;
            char *tab = strchr(s, '\t');
            if (!tab)
                break;
            *tab = '\0';
            s = tab + 1;
        }
        if (!e && add_line(L, line, 0, cells, nc))
            e = FP_ERR_NOMEM;
        p = q + 1;
    }
    free(buf);
    free(cells);
    return e;
}

static fp_error docx_lines(const docx *d, lines *L)
{
    const char **cells = NULL;
    size_t cap = 0;
    int ntable = 0;
    long npara = 0;
    fp_error e = FP_OK;
    for (size_t i = 0; i < docx_block_count(d) && !e; i++) {
        const docx_block *b = docx_block_at(d, i);
        if (!b->is_table) {
            /* a paragraph with tabs reads like a row of cells */
            const char *one[1] = {b->text};
            npara++;
            if (add_line(L, npara, 0, one, 1))
                e = FP_ERR_NOMEM;
            continue;
        }
        ntable++;
        if (buf_reserve((void **)&cells, &cap, b->cols + 1, sizeof *cells)) {
            e = FP_ERR_NOMEM;
            break;
        }
        for (size_t r = 0; r < b->rows && !e; r++) {
            for (size_t c = 0; c < b->cols; c++)
                cells[c] = docx_cell_at(b, r, c)->text;
            if (add_line(L, (long)r + 1, ntable, cells, b->cols))
                e = FP_ERR_NOMEM;
        }
    }
    free(cells);
    return e;
}

static char *read_all(const char *path, size_t *len, fp_diag *diag, fp_error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        *err = diag_set(diag, FP_ERR_IO, path, 0, NULL, NULL, 0, "cannot open: %s",
                        strerror(errno));
        return NULL;
    }
    char *data = NULL;
    size_t n = 0, cap = 0;
    for (;;) {
        if (buf_reserve((void **)&data, &cap, n + 65536 + 1, 1)) {
            *err = diag_set(diag, FP_ERR_NOMEM, path, 0, NULL, NULL, 0, "out of memory");
            break;
        }
        size_t got = fread(data + n, 1, 65536, f);
        n += got;
        if (n > (size_t)FILE_LIMIT) {
            *err = diag_set(diag, FP_ERR_IO, path, 0, NULL, NULL, 0,
                            "larger than %ld bytes; refused", FILE_LIMIT);
            break;
        }
        if (got < 65536) {
            if (ferror(f))
                *err = diag_set(diag, FP_ERR_IO, path, 0, NULL, NULL, 0, "cannot read: %s",
                                strerror(errno));
            break;
        }
    }
    fclose(f);
    if (*err) {
        free(data);
        return NULL;
    }
    data[n] = '\0';
    *len = n;
    return data;
}

/* A workbook: every worksheet's rows; a new sheet starts a new run of lines (and its name goes
 * with the tables found in it). */
typedef struct xsink {
    lines *L;
    char **cells;
    size_t n, cap;
    long row;
    size_t sheet;
    int started;
} xsink;

static int xs_row_begin(void *ctx, const char *sheet, size_t sheet_index, long row)
{
    xsink *X = ctx;
    if (!X->started || sheet_index != X->sheet) {
        lines *L = X->L;
        if (sheet_index >= L->nsheets) {
            char **p = realloc(L->sheets, (sheet_index + 1) * sizeof *p);
            if (!p)
                return -1;
            L->sheets = p;
            while (L->nsheets <= sheet_index)
                L->sheets[L->nsheets++] = NULL;
        }
        free(L->sheets[sheet_index]);
        if (!(L->sheets[sheet_index] = strdup(sheet)))
            return -1;
        X->sheet = sheet_index;
        X->started = 1;
        /* a blank line keeps the sheets apart */
        const char *none[1] = {""};
        if (X->L->n && add_line(X->L, 0, (int)sheet_index, none, 1))
            return -1;
    }
    X->row = row;
    X->n = 0;
    return 0;
}

static int xs_cell(void *ctx, size_t col, const char *s, size_t len)
{
    xsink *X = ctx;
    if (col > 16384)
        return 0;
    if (buf_reserve((void **)&X->cells, &X->cap, col + 1, sizeof *X->cells))
        return -1;
    while (X->n < col)
        X->cells[X->n++] = NULL;
    char *c = malloc(len + 1);
    if (!c)
        return -1;
    memcpy(c, s, len);
    c[len] = '\0';
    X->cells[X->n++] = c;
    return 0;
}

static int xs_row_end(void *ctx)
{
    xsink *X = ctx;
    int rc = add_line(X->L, X->row, (int)X->sheet, (const char *const *)X->cells, X->n);
    for (size_t i = 0; i < X->n; i++)
        free(X->cells[i]);
    X->n = 0;
    return rc;
}

static fp_error xlsx_perf_lines(const char *data, size_t len, const char *name, lines *L,
                                fp_diag *diag)
{
    xsink X;
    memset(&X, 0, sizeof X);
    X.L = L;
    xlsx_cell_sink sink = {&X, xs_row_begin, xs_cell, xs_row_end};
    fp_error e = xlsx_read_cells_memory(data, len, name, &sink, diag);
    for (size_t i = 0; i < X.n; i++)
        free(X.cells[i]);
    free(X.cells);
    return e;
}

/* 1 when the ZIP archive DATA holds a Word document (it names word/document.xml). */
static int zip_is_word(const char *data, size_t len)
{
    static const char name[] = "word/document.xml";
    for (size_t i = 0; i + sizeof name - 1 <= len; i++)
        if (data[i] == 'w' && memcmp(data + i, name, sizeof name - 1) == 0)
            return 1;
    return 0;
}

/* The lines of file PATH, whatever its format. */
fp_error perf_file_lines(const char *path, lines *L, fp_diag *diag)
{
    size_t len = 0;
    fp_error e = FP_OK;
    char *data = read_all(path, &len, diag, &e);
    if (!data)
        return e;
    if (docx_sniff_zip(data, len) && zip_is_word(data, len)) {
        docx *d = NULL;
        e = docx_open_memory(data, len, path, &d, diag);
        L->source = PERF_SRC_DOCX;
        if (!e && (e = docx_lines(d, L)) != FP_OK)
            diag_set(diag, e, path, 0, NULL, NULL, 0, "out of memory");
        docx_free(d);
    } else if (xlsx_sniff(data, len)) {
        L->source = PERF_SRC_XLSX;
        e = xlsx_perf_lines(data, len, path, L, diag);
    } else {
        L->source = PERF_SRC_TEXT;
        /* UTF-8, GB18030/GBK or UTF-16 with a byte-order mark, as the allocation tables */
        char *text = NULL;
        size_t textlen = 0, bad_at = 0;
        textenc_status ts = text_to_utf8(data, len, 0, &text, &textlen, NULL, &bad_at);
        if (ts == TEXTENC_NOMEM) {
            e = diag_set(diag, FP_ERR_NOMEM, path, 0, NULL, NULL, 0, "out of memory");
        } else if (ts == TEXTENC_INVALID) {
            long line = 1;
            for (size_t i = 0; i < bad_at && i < len; i++)
                line += data[i] == '\n';
            e = diag_set(diag, FP_ERR_ENCODING, path, line, NULL, NULL, 0,
                         "bytes not valid in UTF-8, GB18030 or UTF-16 (byte 0x%02X); save the "
                         "text as UTF-8",
                         bad_at < len ? (unsigned char)data[bad_at] : 0);
        } else if ((e = text_lines(text, textlen, L)) != FP_OK) {
            diag_set(diag, e, path, 0, NULL, NULL, 0, "out of memory");
        }
        free(text);
    }
    free(data);
    return e;
}

/* How far into a text file a performance table's title may first appear: a performance document
 * opens with one (on its first page), while a large allocation table need not be read twice. */
#define TITLE_WINDOW ((size_t)1 << 20)

int perf_file_may_hold_tables(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return 0;
    char *head = malloc(TITLE_WINDOW);
    size_t len = head ? fread(head, 1, TITLE_WINDOW, f) : 0;
    fclose(f);
    int maybe = head && (docx_sniff_zip(head, len) || xlsx_sniff(head, len));
    char *text = NULL; /* the head in UTF-8 (a GB18030 or UTF-16 text's too) */
    size_t textlen = 0;
    if (head && !maybe &&
        text_to_utf8(head, len, len == TITLE_WINDOW, &text, &textlen, NULL, NULL) == TEXTENC_OK)
        maybe = memmem(text, textlen, "绩效目标表", strlen("绩效目标表")) ||
                memmem(text, textlen, "绩效自评表", strlen("绩效自评表"));
    free(text);
    free(head);
    return maybe;
}
