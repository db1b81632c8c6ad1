/* read/pdf.h — the PDF reader, which fp_table_load_file/_memory call for a PDF (private). */
#ifndef FENPEI_READ_PDF_H
#define FENPEI_READ_PDF_H

#include <stddef.h>
#include <stdio.h>

#include "fenpei/table.h"

/* 1 when the LEN bytes at P start like a PDF ("%PDF-"), else 0. */
int pdf_sniff(const void *p, size_t len);

/* Read the allocation table of the PDF in the LEN bytes at DATA (not copied) into a new table in
 * *OUT, which the caller frees with fp_table_free; NAME is used in messages. The table chosen is
 * OPTS->table, or the largest whose rows add up as a tree; the letter's 文号, title and codes go
 * with it (fp_table_origin). On failure *OUT is NULL and DIAG says why. */
fp_error pdf_load_memory(const void *data, size_t len, const char *name,
                         const fp_load_options *opts, fp_table **out, fp_diag *diag);

/* The text of every page of the PDF in the LEN bytes at DATA, pages ended by '\n', into *TEXT
 * (NUL-terminated, *TEXTLEN bytes; the caller frees it): for reading a notice's letter. */
fp_error pdf_text_memory(const void *data, size_t len, const char *name, char **text,
                         size_t *textlen, fp_diag *diag);

/* As pdf_load_memory, from the stream F, of which the HEADLEN bytes at HEAD were read already. */
fp_error pdf_load_stream(FILE *f, const void *head, size_t headlen, const char *name,
                         const fp_load_options *opts, fp_table **out, fp_diag *diag);

#endif
