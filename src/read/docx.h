/* read/docx.h — the Word .docx reader: the body's paragraphs and tables as text (private). */
#ifndef FENPEI_READ_DOCX_H
#define FENPEI_READ_DOCX_H

#include <stddef.h>

#include "fenpei/error.h"

/* One position of a table's grid. A w:tc that spans columns (w:gridSpan) or continues a
 * vertical merge (w:vMerge without "restart") leaves its other positions with text "" and
 * origin 0, so that a grid row reads like the tab-separated text of the table. */
typedef struct docx_cell {
    const char *text; /* UTF-8: the cell's paragraphs joined by '\n', w:tab as '\t'; never NULL */
    int origin;       /* 1 where a w:tc starts (its text is here), 0 for a covered position */
    unsigned span;    /* the w:gridSpan of the w:tc starting here (1 for covered positions) */
    int vmerge;       /* 0 none, 1 a vertical merge starts here, 2 this w:tc continues one */
} docx_cell;

/* One block of the document body, in reading order: a paragraph or a table. Paragraphs inside
 * table cells belong to their cell; a table nested in a cell adds its text to that cell. */
typedef struct docx_block {
    int is_table;
    const char *text;  /* a paragraph's text (w:tab '\t', w:br '\n'); "" for a table */
    size_t rows, cols; /* a table's grid: cols is the widest row (w:gridBefore/After counted) */
    const docx_cell *cells; /* rows × cols, row-major; NULL for a paragraph */
} docx_block;

typedef struct docx docx;

/* Read the Word document PATH (its main part, found through _rels/.rels) into *OUT, which the
 * caller frees with docx_free. On failure *OUT is NULL and DIAG says why (FP_ERR_IO,
 * FP_ERR_DOCX for a damaged or non-Word file, FP_ERR_NOMEM). */
fp_error docx_open_file(const char *path, docx **out, fp_diag *diag);

/* As docx_open_file, from LEN bytes at DATA (read during the call only); NAME is for messages. */
fp_error docx_open_memory(const void *data, size_t len, const char *name, docx **out,
                          fp_diag *diag);

/* 1 when the LEN bytes at P start like a ZIP archive holding word/document.xml's usual first
 * entry, or any ZIP (the caller tells .docx from .xlsx by opening it); 0 otherwise. */
int docx_sniff_zip(const void *p, size_t len);

/* The number of body blocks, and block I (0 ≤ I < count; owned by D, valid until docx_free). */
size_t docx_block_count(const docx *d);
const docx_block *docx_block_at(const docx *d, size_t i);

/* The cell at ROW, COL of table block B (NULL when out of range or B is a paragraph). */
const docx_cell *docx_cell_at(const docx_block *b, size_t row, size_t col);

/* Free D and everything it owns. Accepts NULL. */
void docx_free(docx *d);

#endif
