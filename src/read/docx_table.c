/* read/docx_table.c — an allocation table in a Word .docx: the document's largest table, read
 * as its rows (a cell spanning columns, w:gridSpan, leaves the positions it covers empty, as the
 * table reads when copied out: a group header over its sub-columns), after the paragraphs
 * before it (the title, 单位：万元). */
#include <string.h>

#include "read/docx.h"
#include "read/docx_table.h"
#include "read/loader.h"
#include "util/buf.h"

fp_error docx_table_load(const char *path, const void *data, size_t len, const char *name,
                         const fp_load_options *opts, fp_table **out, fp_diag *diag)
{
    *out = NULL;
    fp_load_options defaults;
    if (!opts) {
        fp_load_options_init(&defaults);
        opts = &defaults;
    }
    docx *d = NULL;
    fp_error e = path ? docx_open_file(path, &d, diag) : docx_open_memory(data, len, name, &d, diag);
    if (e)
        return e;
    size_t best = (size_t)-1, most = 0;
    for (size_t i = 0; i < docx_block_count(d); i++) {
        const docx_block *b = docx_block_at(d, i);
        if (b->is_table && b->rows > most) {
            most = b->rows;
            best = i;
        }
    }
    if (best == (size_t)-1) {
        docx_free(d);
        return diag_set(diag, FP_ERR_EMPTY, name, 0, NULL, NULL, 0,
                        "a Word document without a table: no allocation table in it");
    }
    loader *L = loader_new(name, opts, diag);
    if (!L) {
        docx_free(d);
        return diag_set(diag, FP_ERR_NOMEM, name, 0, NULL, NULL, 0, "out of memory");
    }
    /* lines are numbered as the document reads: paragraphs, then the table's rows */
    long line = 0;
    for (size_t i = 0; i < best && !loader_error(L); i++) {
        const docx_block *b = docx_block_at(d, i);
        line += b->is_table ? (long)b->rows : 1;
        if (b->is_table || !b->text[0])
            continue;
        loader_row_begin(L, line);
        loader_cell(L, 0, b->text, strlen(b->text));
        loader_row_end(L);
    }
    const docx_block *t = docx_block_at(d, best);
    for (size_t r = 0; r < t->rows && !loader_error(L); r++) {
        loader_row_begin(L, ++line);
        for (size_t c = 0; c < t->cols; c++) {
            const char *s = docx_cell_at(t, r, c)->text;
            loader_cell(L, c, s, strlen(s));
        }
        loader_row_end(L);
    }
    e = loader_finish(L, out);
    loader_free(L);
    docx_free(d);
    return e;
}
