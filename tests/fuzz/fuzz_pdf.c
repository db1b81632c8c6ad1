/* tests/fuzz/fuzz_pdf.c — libFuzzer target: the PDF reader and the layout of positioned text.
 * An input starting with "%PDF-" is a PDF; anything else is read as space-aligned text (what
 * pdftotext -layout gives). Either is refused with a diagnostic matching its code, or gives a
 * table with a root, every parent in range, whose check runs (findings are fine; only overflow
 * may fail it), and whose origin is well formed. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fenpei/fenpei.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_table(const fp_table *t)
{
    size_t rows = fp_table_row_count(t);
    if (rows == 0 || fp_table_first_root(t) == FP_NONE)
        abort();
    for (size_t r = 0; r < rows; r++) {
        size_t p = fp_table_parent(t, r);
        if (p != FP_NONE && p >= rows)
            abort();
        (void)fp_table_row_name(t, r);
    }
    fp_report *rep = NULL;
    fp_diag d;
    fp_error e = fp_check(t, NULL, &rep, &d);
    if (e != FP_OK && e != FP_ERR_AMOUNT_OVERFLOW)
        abort();
    fp_report_free(rep);
    fp_origin o;
    fp_table_origin(t, &o);
    if (!o.file || o.first_page > o.last_page || o.first_page < 0 ||
        o.ncodes > FP_ORIGIN_MAX_CODES)
        abort();
    for (size_t i = 0; i < o.ncodes; i++)
        if (strlen(o.codes[i]) != 7)
            abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int pdf = size >= 5 && memcmp(data, "%PDF-", 5) == 0;
    /* text that is not space-aligned takes the CSV way: fuzz_csv covers it */
    fp_load_options o;
    fp_load_options_init(&o);
    if (!pdf)
        o.delimiter = 0;
    fp_table *t = NULL;
    fp_diag d;
    fp_error e = fp_table_load_memory(data, size, pdf ? "fuzz.pdf" : "fuzz.txt", &o, &t, &d);
    if ((e == FP_OK) != (t != NULL) || (e != FP_OK && d.code != e) ||
        (e != FP_OK && !d.message[0]))
        abort();
    if (t) {
        check_table(t);
        fp_table_free(t);
    }
    return 0;
}
