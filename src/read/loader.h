/* read/loader.h — the record sink every table reader feeds (private). */
#ifndef FENPEI_TABLE_LOADER_H
#define FENPEI_TABLE_LOADER_H

#include <string.h>
#include <stddef.h>

#include "fenpei/table.h"

/* Builds a table from records of cells: title lines, the header (the first record with two or
 * more non-empty cells), then data rows. Errors stick: after the first, calls do nothing and
 * loader_error / loader_finish report it. */
typedef struct loader loader;

/* Inside a header cell: "group", this byte, "sub" names sub-column SUB under the group header
 * GROUP (资金情况 over 中央资金): the loader names it SUB, or GROUP/SUB when another column is
 * named SUB too (read/header.c). */
#define LOADER_GROUP_SEP '\x1F'

/* A new loader for a table named NAME (for messages); OPTS and DIAG must outlive it. NULL when
 * out of memory. */
loader *loader_new(const char *name, const fp_load_options *opts, fp_diag *diag);
/* Name of the sheet, for cell references in messages (XLSX); NULL for none. */
void loader_set_sheet(loader *L, const char *sheet);
/* A record starts at LINE (the file's line, or the sheet's row number). */
void loader_row_begin(loader *L, long line);
/* Cell COL (0-based, increasing within a record; skipped columns are blank) holds LEN bytes of
 * UTF-8 at S. Returns 1 when the cell was plain digits (so it holds no line end), else 0. */
int loader_cell(loader *L, size_t col, const char *s, size_t len);
/* The record ends. */
void loader_row_end(loader *L);
/* The input read so far is about 1/SCALE of the whole (a guess from the file's size): the columns
 * and the string pool get room for SCALE times the rows and text so far now, so that a big table
 * is not copied again and again as it grows. Does nothing before the header. */
void loader_expect(loader *L, double scale);
/* Splitting a line without quotes as libcsv would (csv_read.c's fast path and loader_line):
 * spaces and tabs around a cell are trimmed, a tab that is the delimiter is not. A line of only
 * such blanks is no record. line_cell: the cell starting at P, up to DELIM or END, trimmed, to
 * *CELL and *LEN; returns the delimiter ending it, or NULL at the end of the line. */
static inline int line_is_trim(char c, char delim) { return (c == ' ' || c == '\t') && c != delim; }

static inline int line_blank(const char *s, size_t len, char delim)
{
    for (size_t i = 0; i < len; i++)
        if (!line_is_trim(s[i], delim))
            return 0;
    return 1;
}

static inline const char *line_cell(const char *p, const char *end, char delim, const char **cell,
                                    size_t *len)
{
    const char *q = memchr(p, delim, (size_t)(end - p));
    const char *e = q ? q : end;
    while (p < e && line_is_trim(*p, delim))
        p++;
    while (e > p && line_is_trim(e[-1], delim))
        e--;
    *cell = p;
    *len = (size_t)(e - p);
    return q;
}

/* May whole lines go to loader_line (data rows of the canonical layout, no record open)? */
int loader_takes_lines(const loader *L);
/* One line of LEN bytes at S (without its line end, no quote, no CR), starting at LINE, its cells
 * split at DELIM and trimmed as libcsv trims them: the same as loader_row_begin, loader_cell
 * for each cell and loader_row_end (nothing for an empty or blank line). */
void loader_line(loader *L, long line, const char *s, size_t len, char delim);

/* The first error so far, or FP_OK. */
fp_error loader_error(const loader *L);
/* Finish: decide column roles and the tree; on success the table moves to *OUT. */
fp_error loader_finish(loader *L, fp_table **out);
/* Free the loader (and the table, unless loader_finish handed it out). Accepts NULL. */
void loader_free(loader *L);

#endif
