/* read/loader_impl.h — the loader's state, shared by loader.c and page.c (private). */
#ifndef FENPEI_LOADER_IMPL_H
#define FENPEI_LOADER_IMPL_H

#include <stddef.h>
#include <stdint.h>

#include "read/loader.h"
#include "core/table_impl.h"

/* The deepest 级次 a row may have. */
#define LOADER_MAX_LEVEL 100000

struct loader {
    fp_table *t;
    const fp_load_options *opts;
    fp_diag *diag;
    fp_error err;

    const char *sheet; /* for cell references (XLSX), or NULL */
    long rec_line;     /* line (or sheet row) of the current record */
    int in_record;     /* loader_row_begin was called and loader_row_end not yet */
    size_t field;      /* index of the next cell in the record */
    int rec_nonempty;

    /* before the header: the fields of the current record */
    char **pre;
    size_t npre, precap;
    int header_done;

    /* data rows */
    size_t row;         /* index of the row being filled */
    size_t level_col, parent_col, code_col, pcode_col;
    long cur_level;
    int level_seen;
    int32_t *stack;     /* last row seen at each depth */
    size_t stackcap;
    long prev_depth;

    /* the notice layout */
    int notice;         /* screen data records for page furniture (decided with the header) */
    int canon;          /* header done and not the notice layout: cells go straight to rows */
    char **hdr;         /* a header held back: the next line may continue it */
    size_t nhdr, hdrcap;
    int have_hdr;
    int hdr_word;       /* the held header is only its first cell (拨款单位) */
    char **titles;      /* single-cell lines before the header, to recognise them on later pages */
    size_t ntitles, titlecap;
    char *rbuf;         /* the current data record, NUL-separated cells … */
    size_t rlen, rcap;
    size_t *roff;       /* … starting at these offsets */
    size_t nrec, reccap;

    /* side-by-side pages: the header's columns repeat GROUPS times, GWIDTH columns each; each
     * group's rows are queued and stored group by group at the end of a page */
    size_t groups, gwidth;
    struct side_queue *side; /* GROUPS queues */
};

/* Cell I of the held data record. */
static inline const char *rec_cell(const loader *L, size_t i) { return L->rbuf + L->roff[i]; }

/* Store the held record as a data row. */
void loader_store_held(loader *L);
/* Append a cell to the held record. */
void loader_hold_cell(loader *L, const char *s, size_t len);

/* ---- header.c: a header over several lines ---- */

/* Join the next header line PRE (NPRE cells; cells moved are set to NULL) to the held header
 * *HDR (*NHDR cells, capacity *CAP), column by column; a held cell with empty cells right of it
 * and text under each of them is a group header over those sub-columns. -1 when out of memory. */
int header_join(char ***hdr, size_t *nhdr, size_t *cap, char **pre, size_t npre);
/* Name the header's columns in L->t: a group's sub-column by its own name when no other column
 * has it, else "group/sub"; with BY_PLACE (a notice's header), an amount's or count's name that
 * repeats is "name#2", "name#3" … . -1 when out of memory. */
int header_name_columns(loader *L, int by_place);

/* ---- page.c: the page furniture of notice text ---- */

/* Trim spaces around *S (and, when COLON, colons at its end: "总计：" is "总计"). */
void page_trim(const char **s, size_t *len, int colon);
/* The unit named by a "单位：万元" line (also 單位：萬元), simplified, into UNIT (of CAP bytes);
 * 1 when S is such a line, else 0. */
int page_unit_of_line(const char *s, char *unit, size_t cap);
/* Is S (LEN bytes) an amount (not blank)? */
int page_cell_is_amount(const char *s, size_t len);
/* Is the held data record (L->rbuf, L->roff, L->nrec) page furniture, to be dropped? */
int page_record_is_furniture(loader *L);

/* Side-by-side pages: the width of one group when the N header CELLS are 2 or 3 repeats of the
 * same column names ((单位, 金额) ×3, (县, 村数, 金额) ×2), else 0. */
size_t page_side_width(char *const *cells, size_t n);
/* A held data record of a side-by-side table: each group's part is queued for its group, or,
 * when the whole line is furniture (a page ends), the queues are stored group by group. */
void page_side_record(loader *L);
/* Store the queued rows, the first group's top to bottom, then the next group's. */
void page_side_flush(loader *L);
/* Free the queues. */
void page_side_free(loader *L);

#endif
