/* tests/fuzz/fuzz_csv.c — libFuzzer target: the CSV/TSV reader (any encoding, any layout) never
 * crashes, leaks or misbehaves, and a table it accepts can be walked, written and checked and
 * means something (fuzz_meaning.h). The first byte picks options: 1 = GB18030, 2 =
 * tab-separated, 3 = notice layout, 4 = UTF-8; else all detected. Under 1 and 4 a NUL byte
 * cannot be text: a table that loads from input holding one lost data. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fenpei/fenpei.h"
#include "fuzz_meaning.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Walk every cell and the tree, and write the table: what a command does with it. */
static void use_table(const fp_table *t)
{
    static FILE *null;
    if (!null && !(null = fopen("/dev/null", "w")))
        abort();
    size_t rows = fp_table_row_count(t), cols = fp_table_column_count(t);
    for (size_t r = 0; r < rows; r++) {
        (void)fp_table_row_name(t, r);
        (void)fp_table_depth(t, r);
        size_t p = fp_table_parent(t, r);
        if (p != FP_NONE && p >= rows)
            abort();
        for (size_t c = 0; c < cols; c++)
            if (fp_table_column_is_amount(t, c))
                (void)fp_table_amount(t, r, c);
            else
                (void)fp_table_text(t, r, c);
    }
    fp_table_write_csv(t, null, -1, NULL);
    fuzz_assert_meaning(t);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* ZIP and OLE2 inputs go to the XLSX reader: fuzz_xlsx covers those */
    if (size >= 2 && ((data[0] == 'P' && data[1] == 'K') || data[0] == 0xD0))
        return 0;
    fp_load_options o;
    fp_load_options_init(&o);
    int no_nul = 0;
    if (size > 0 && data[0] >= 1 && data[0] <= 4) {
        no_nul = data[0] == 1 || data[0] == 4;
        if (data[0] == 1)
            o.encoding = "GB18030";
        else if (data[0] == 4)
            o.encoding = "UTF-8";
        else if (data[0] == 2)
            o.delimiter = '\t';
        else
            o.layout = FP_LAYOUT_NOTICE;
        data++;
        size--;
    }
    fp_table *t = NULL;
    fp_diag d;
    fp_error e = fp_table_load_memory(data, size, "fuzz.csv", &o, &t, &d);
    if ((e == FP_OK) != (t != NULL) || (e != FP_OK && d.code != e))
        abort();
    if (t && no_nul && memchr(data, 0, size))
        abort(); /* "3\0000" read as 3: a NUL is a located error, never a silent cut */
    if (t) {
        use_table(t);
        fp_table_free(t);
    }
    return 0;
}
