/* read/layout.h — positioned text (a PDF's glyphs, space-aligned text) into rows of cells for
 * the loader: lines by baseline, the header found and joined per column, columns by the
 * header's x-ranges, page furniture dropped, the allocation table chosen among several (private). */
#ifndef FENPEI_READ_LAYOUT_H
#define FENPEI_READ_LAYOUT_H

#include <stddef.h>

#include "fenpei/table.h"

/* A document as lines of segments: a segment is a run of text with no wide gap inside, placed
 * by its horizontal extent (points for a PDF, columns for text). */
typedef struct lay_doc lay_doc;

/* A new, empty document, or NULL when out of memory. Free with lay_free. */
lay_doc *lay_new(void);
void lay_free(lay_doc *d);

/* Start a new line on PAGE (0-based), at vertical position Y (growing down the page) with
 * characters H high; LINENO is the line number messages give. 0 or -1 (out of memory). */
int lay_line(lay_doc *d, int page, long lineno, double y, double h);
/* Add a segment to the current line: LEN bytes of UTF-8 at S between X0 and X1 (segments of a
 * line are added left to right). 0 or -1. */
int lay_segment(lay_doc *d, double x0, double x1, const char *s, size_t len);
/* How a word is joined to the word before it when the gap between them is narrow: with a space
 * (a gap of a space's width), or directly (a number and the text touching it, "180含结转"). */
enum { LAY_GLUE_SPACE = 1, LAY_GLUE_TOUCH = 2 };
/* Add a word to the current line, joined to the word before by GLUE (LAY_GLUE_*, or 0: a wide
 * gap, a segment of its own). Glued words are one segment, unless the layout tells two cells
 * (an amount and a remark beside it; header words over different columns). 0 or -1. */
int lay_word(lay_doc *d, double x0, double x1, const char *s, size_t len, int glue);
/* Add line LINENO of space-aligned text (LEN bytes at S, no line end) on PAGE: runs of two or
 * more spaces separate segments; a character takes WIDE columns when it is East Asian wide,
 * else one. 0 or -1. */
int lay_text_line(lay_doc *d, int page, long lineno, const char *s, size_t len, int wide);

/* Where a table came from, beyond its file. Strings are malloc'd (NULL when not found). */
typedef struct lay_meta {
    int first_page, last_page; /* 1-based pages of the table, 0 when not paged */
    char *doc_number;          /* 文号: 新财社〔2024〕24号 */
    char *title;               /* the notice's title: 关于…的通知 */
    char *issuer;              /* 发文机关: 新疆维吾尔自治区财政厅 */
    char *codes;               /* classification codes stated, comma-separated: 1100249,2100408 */
} lay_meta;

/* Find the tables of D and load one into *OUT (the caller frees it with fp_table_free): the
 * OPTS->table-th (1-based), or else the largest whose rows add up as a tree. NAME is the file's
 * name for messages; PAGED says D has pages (a PDF: messages give pages). On success META (may be
 * NULL) is filled and its strings are the caller's (lay_meta_clear). */
fp_error lay_load(lay_doc *d, const char *name, int paged, const fp_load_options *opts,
                  fp_table **out, lay_meta *meta, fp_diag *diag);
void lay_meta_clear(lay_meta *m);

/* How well a loaded table reads as an allocation table: a tree whose sums close beats one whose
 * do not, which beats a flat list; then more rows. */
long lay_score(const fp_table *t);

/* Move META's strings onto table T (they are T's afterwards). */
void lay_meta_attach(fp_table *t, lay_meta *meta);

/* 1 when the LEN bytes of UTF-8 text at S look space-aligned (what pdftotext -layout or a PDF
 * viewer's copy gives): no tab, and lines whose cells are separated by runs of spaces. */
int lay_text_sniff(const char *s, size_t len);

/* Read space-aligned text (LEN bytes of UTF-8 at S; form feeds separate pages) into *OUT. */
fp_error lay_text_load(const char *s, size_t len, const char *name, const fp_load_options *opts,
                       fp_table **out, fp_diag *diag);

#endif
