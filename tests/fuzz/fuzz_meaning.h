/* tests/fuzz/fuzz_meaning.h — what every loaded table must mean, asserted by the reader targets:
 * it has a root (when it has rows), its tree is consistent, and fp_check runs on it returning
 * only the codes a well-formed table may give. abort() otherwise, so libFuzzer reports it. */
#ifndef FENPEI_FUZZ_MEANING_H
#define FENPEI_FUZZ_MEANING_H

#include <stdlib.h>

#include "fenpei/fenpei.h"

static void fuzz_assert_meaning(const fp_table *t)
{
    size_t rows = fp_table_row_count(t), cols = fp_table_column_count(t), amounts = 0;
    if (rows && fp_table_first_root(t) == FP_NONE)
        abort(); /* a table that loads has a root */
    for (size_t r = 0; r < rows; r++) {
        size_t p = fp_table_parent(t, r);
        if (p != FP_NONE && (p >= rows || p == r))
            abort();
    }
    for (size_t c = 0; c < cols; c++)
        amounts += fp_table_column_is_amount(t, c) != 0;
    fp_check_options co;
    fp_check_options_init(&co);
    fp_report *rep = NULL;
    fp_diag d;
    fp_error e = fp_check(t, &co, &rep, &d);
    /* findings are results, not failures: only memory, an overflowing sum, or (a table with no
     * amount column) a clear refusal may stop the check */
    if (e != FP_OK && e != FP_ERR_NOMEM && e != FP_ERR_AMOUNT_OVERFLOW &&
        !(e == FP_ERR_COLUMN && amounts == 0))
        abort();
    if ((e == FP_OK) != (rep != NULL) && e != FP_ERR_NOMEM)
        abort();
    fp_report_free(rep);
}

#endif
