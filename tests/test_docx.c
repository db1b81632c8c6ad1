/* tests/test_docx.c — the Word .docx reader: paragraphs, tables with gridSpan and vMerge,
 * nested tables, and clear errors for files that are not Word documents. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "read/docx.h"

#define DOCX_DIR FENPEI_SOURCE_DIR "/tests/data/docx/"

static docx *open_ok(const char *path)
{
    docx *d = NULL;
    fp_diag dg;
    fp_error e = docx_open_file(path, &d, &dg);
    cr_assert_eq(e, FP_OK, "%s: %s", path, dg.message);
    return d;
}

static const char *cell_text(const docx_block *b, size_t r, size_t c)
{
    const docx_cell *x = docx_cell_at(b, r, c);
    cr_assert_not_null(x, "no cell %zu,%zu", r, c);
    return x->text;
}

Test(docx, paragraphs_and_table_blocks_in_order)
{
    docx *d = open_ok(DOCX_DIR "merged.docx");
    cr_assert_eq(docx_block_count(d), 4);
    cr_assert_str_eq(docx_block_at(d, 0)->text, "项目支出绩效目标表");
    cr_assert_str_eq(docx_block_at(d, 1)->text, "tab\there\nsecond line");
    cr_assert(docx_block_at(d, 2)->is_table);
    cr_assert_str_eq(docx_block_at(d, 3)->text, "after the table");
    cr_assert_null(docx_block_at(d, 4));
    docx_free(d);
}

Test(docx, grid_span_leaves_an_empty_covered_position)
{
    docx *d = open_ok(DOCX_DIR "merged.docx");
    const docx_block *t = docx_block_at(d, 2);
    cr_assert_eq(t->rows, 4);
    cr_assert_eq(t->cols, 4);
    /* python-docx merges the texts of merged cells as paragraphs */
    cr_assert_str_eq(cell_text(t, 0, 0), "r0c0\nr0c1");
    cr_assert_eq(docx_cell_at(t, 0, 0)->span, 2);
    cr_assert_eq(docx_cell_at(t, 0, 1)->origin, 0);
    cr_assert_str_eq(cell_text(t, 0, 1), "");
    cr_assert_str_eq(cell_text(t, 0, 2), "r0c2");
    cr_assert_str_eq(cell_text(t, 0, 3), "r0c3");
    docx_free(d);
}

Test(docx, vertical_merge_restart_and_continue)
{
    docx *d = open_ok(DOCX_DIR "merged.docx");
    const docx_block *t = docx_block_at(d, 2);
    cr_assert_eq(docx_cell_at(t, 1, 0)->vmerge, 1);
    cr_assert_str_eq(cell_text(t, 1, 0), "r1c0\nr2c0\nr3c0");
    cr_assert_eq(docx_cell_at(t, 2, 0)->vmerge, 2);
    cr_assert_eq(docx_cell_at(t, 3, 0)->vmerge, 2);
    cr_assert_str_eq(cell_text(t, 2, 0), "");
    cr_assert_str_eq(cell_text(t, 3, 1), "r3c1");
    docx_free(d);
}

Test(docx, nested_table_text_joins_its_cell)
{
    docx *d = open_ok(DOCX_DIR "merged.docx");
    const docx_block *t = docx_block_at(d, 2);
    cr_assert_str_eq(cell_text(t, 2, 3), "outer\npara 2\nin1\nin2\n");
    cr_assert_null(docx_cell_at(t, 4, 0));
    cr_assert_null(docx_cell_at(t, 0, 4));
    docx_free(d);
}

Test(docx, memory_equals_file)
{
    size_t len;
    char *data = th_read_file(DOCX_DIR "merged.docx", &len);
    cr_assert_not_null(data);
    docx *d = NULL;
    fp_diag dg;
    cr_assert_eq(docx_open_memory(data, len, "m.docx", &d, &dg), FP_OK, "%s", dg.message);
    cr_assert_eq(docx_block_count(d), 4);
    cr_assert_str_eq(cell_text(docx_block_at(d, 2), 1, 3), "r1c3");
    docx_free(d);
    free(data);
}

Test(docx, not_a_zip_is_a_clear_error)
{
    docx *d = (docx *)1;
    fp_diag dg;
    cr_assert_eq(docx_open_memory("hello", 5, "x.docx", &d, &dg), FP_ERR_DOCX);
    cr_assert_null(d);
    cr_assert_str_eq(dg.file, "x.docx");
    cr_assert(strstr(dg.message, "Word document"), "%s", dg.message);
}

Test(docx, a_workbook_is_not_a_document)
{
    docx *d = NULL;
    fp_diag dg;
    cr_assert_eq(docx_open_file(FENPEI_SOURCE_DIR "/tests/data/xlsx/bundled-numbers.xlsx", &d, &dg),
                 FP_ERR_DOCX);
    cr_assert(strstr(dg.message, "XLSX"), "%s", dg.message);
}

Test(docx, missing_file_is_io)
{
    docx *d = NULL;
    fp_diag dg;
    cr_assert_eq(docx_open_file(DOCX_DIR "nope.docx", &d, &dg), FP_ERR_IO);
}
