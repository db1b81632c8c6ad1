/* read/docx_table.h — an allocation table in a Word .docx (private). */
#ifndef FENPEI_READ_DOCX_TABLE_H
#define FENPEI_READ_DOCX_TABLE_H

#include <stddef.h>

#include "fenpei/table.h"

/* Load the largest table of the Word document PATH (or, when PATH is NULL, of the LEN bytes at
 * DATA) as an allocation table into *OUT; NAME is for messages. FP_ERR_EMPTY when the document
 * holds no table. */
fp_error docx_table_load(const char *path, const void *data, size_t len, const char *name,
                         const fp_load_options *opts, fp_table **out, fp_diag *diag);

#endif
