/* read/layout_impl.h — the insides of a lay_doc, shared by read/layout.c (tables, rows) and
 * read/layout_cols.c (words glued into cells, group headers) (private). */
#ifndef FENPEI_READ_LAYOUT_IMPL_H
#define FENPEI_READ_LAYOUT_IMPL_H

#include <stddef.h>

#include "read/layout.h"
#include "util/buf.h"

/* A word as the reader gave it, or a segment (words glued into one cell). */
typedef struct lay_seg {
    double x0, x1;
    size_t off, len; /* text in the pool */
    int amount;      /* the text is an amount */
    int glue;        /* words: joined to the word before by a narrow gap (LAY_GLUE_*), or 0 */
    int cut;         /* words: that glue is cut (the two are cells of their own) */
} lay_seg;

typedef struct lay_row {
    int page;
    long lineno;
    double y, h;
    size_t first, nseg;   /* its segments */
    size_t wfirst, nword; /* its words */
} lay_row;

typedef struct lay_col {
    double x0, x1; /* the header's extent */
    char *name;
    char *group; /* the group header over it (资金情况 over 中央资金), or NULL */
} lay_col;

typedef struct lay_table {
    size_t a, b;   /* the header's lines */
    size_t begin;  /* first line of the title above it */
    size_t end;    /* first line after the table */
    lay_col *cols;
    size_t ncols;
    size_t name_col; /* the column named 单位, 拨款单位 … */
} lay_table;

struct lay_doc {
    lay_seg *words;
    size_t nwords, wordcap;
    lay_seg *segs;
    size_t nsegs, segcap;
    lay_row *lines;
    size_t nlines, linecap;
    strpool pool;
    lay_table *tables;
    size_t ntables, tablecap;
};

static inline const char *lay_text(const lay_doc *d, const lay_seg *s)
{
    return d->pool.data + s->off;
}

/* Is the LEN bytes at S an amount? */
int lay_is_amount(const char *s, size_t len);
/* Is S (squeezed) a name of the unit column (单位, 拨款单位 …)? */
int lay_is_name_word(const char *sq);
/* Does segment S name the unit column? Is it a unit line (单位：万元)? */
int lay_seg_names_units(const lay_doc *d, const lay_seg *s);
int lay_seg_is_unit(const lay_doc *d, const lay_seg *s);

/* A horizontal extent on the page. */
typedef struct lay_span {
    double x0, x1;
} lay_span;

/* Sort the N extents V by their left edge and merge those that overlap, in place: how many are
 * left (the columns their cells make). */
size_t lay_merge_spans(lay_span *v, size_t n);

/* The segments of D from its words: glued words joined unless their glue is cut. 0 or -1. */
int lay_join_words(lay_doc *d);
/* Cut the glue of T's words that are two cells: an amount and the text right of it in a row (a
 * remark beside 180), and header words over different columns of amounts. The number cut. */
size_t lay_cut_words(lay_doc *d, const lay_table *T);
/* The group headers of T's header (lines T->a..T->b): a segment over two or more segments of a
 * line below it, between the header's segments beside it (资金情况 over 中央资金, 地方资金, 合计,
 * between 单位 and 备注). ROLE[k] for the K-th segment of the header (counted from the first
 * segment of line T->a): LAY_PLAIN, k itself for a group header, or the group's index for a
 * sub-column under it. The number of groups, or -1 out of memory. */
#define LAY_PLAIN ((size_t)-1)
long lay_find_groups(const lay_doc *d, const lay_table *T, size_t *role);

#endif
