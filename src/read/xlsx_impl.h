/* read/xlsx_impl.h — what the XLSX reader's files share (private): the workbook being read,
 * streaming one XML part, errors, small text helpers. */
#ifndef FENPEI_READ_XLSX_IMPL_H
#define FENPEI_READ_XLSX_IMPL_H

#include <expat.h>
#include <stddef.h>
#include <string.h>
#include <zip.h>

#include "fenpei/table.h"
#include "read/xlsx_read.h"
#include "read/loader.h"
#include "read/xlsx_formula.h"
#include "util/buf.h"

#define ERR_FORMAT FP_ERR_XLSX /* the code of a workbook that is not what it should be */
#define MAX_COLS 16384L     /* XFD */
#define MAX_ROWS (1L << 30) /* far above Excel's 1048576; keeps line numbers in range */

typedef struct tbuf {
    char *s;
    size_t len, cap;
} tbuf;

static inline int tbuf_add(tbuf *b, const char *s, size_t len)
{
    if (buf_reserve((void **)&b->s, &b->cap, b->len + len + 1, 1))
        return -1;
    memcpy(b->s + b->len, s, len);
    b->len += len;
    b->s[b->len] = '\0';
    return 0;
}

static inline int tbuf_addc(tbuf *b, char c) { return tbuf_add(b, &c, 1); }


/* The value of the attribute with local name NAME and no namespace, or NULL. */
static inline const char *attr(const char **attrs, const char *name)
{
    for (size_t i = 0; attrs[i]; i += 2)
        if (strcmp(attrs[i], name) == 0)
            return attrs[i + 1];
    return NULL;
}


/* Write the column letters of 0-based COL ("A", "Z", "AA", …) into BUF (at least 4 bytes). */
static inline void col_letters(long col, char *buf)
{
    char rev[4];
    int n = 0;
    for (long c = col + 1; c > 0 && n < 3; c = (c - 1) / 26)
        rev[n++] = (char)('A' + (c - 1) % 26);
    for (int i = 0; i < n; i++)
        buf[i] = rev[n - 1 - i];
    buf[n] = '\0';
}


typedef struct sheet_info {
    char *name;
    char *rid;
    char *part;       /* path of its part in the archive, or NULL when the rels do not say */
    int hidden;
    int worksheet;    /* its relationship is a worksheet (not a chart sheet) */
} sheet_info;

typedef struct rel {
    char *id, *type, *target;
    int external;
} rel;

typedef struct xlsx {
    zip_t *za;
    const char *name; /* of the file, for messages */
    fp_diag *diag;
    fp_error err;
    sheet_info *sheets;
    size_t nsheets, sheetcap;
    rel *rels;
    size_t nrels, relcap;
    strpool sst;      /* the shared strings' text … */
    struct sst_ref {
        size_t off, len;
    } *sst_at;        /* … and where each one is */
    size_t nsst, sstcap;
    char *chunk;
} xlsx;


typedef struct xctx xctx;
struct xctx {
    xlsx *X;
    XML_Parser p;
    const char *part;
    int depth;
    int stopped;    /* the handlers stopped the parser: an error, or the probe found a table */
    tbuf *capture;  /* character data goes here, or nowhere when NULL */
    void (*start)(xctx *c, const char *local, const char **attrs);
    void (*end)(xctx *c, const char *local);
};

/* Record the first error: CELL (may be NULL) goes into the diagnostic's cell reference. */
void xr_fail(xlsx *X, fp_error code, const char *cell, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void xr_nomem(xlsx *X);
/* Stop the parser of C (an error, or a probe that found what it wanted). */
void xr_stop(xctx *c);
/* The index of PART in the archive, or -1. */
zip_int64_t xr_find_part(xlsx *X, const char *part);
/* Stream part IDX through C's handlers (bounded in size and depth, no DTD). */
void xr_parse_part(xlsx *X, zip_int64_t idx, xctx *c);
/* Decode the _xHHHH_ escapes of OOXML strings in place. Returns the new length. */
size_t xr_decode_escapes(char *s, size_t len);

/* A row or shared-string number: 1 to 9 digits, no sign, spaces around allowed. 0 or -1. */
int xr_parse_index(const char *s, size_t len, long *out);

/* Read sheet K into L, or (L NULL) tell whether it holds a row with two or more non-empty cells.
 * CELLS: collect the cells formulas refer to into it (L NULL), or take the values of formulas
 * without a cached value from it. *UNCACHED (may be NULL): set when such a formula stopped the
 * reading, without CELLS. (xlsx_cells.c) */
int xr_read_sheet(xlsx *X, size_t k, loader *L, xf_cells *cells, int *uncached);
/* Read sheet K handing every non-blank cell to SINK (performance tables). (xlsx_cells.c) */
void xr_read_sheet_sink(xlsx *X, size_t k, const xlsx_cell_sink *sink);

#endif
