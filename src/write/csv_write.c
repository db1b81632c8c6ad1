/* write/csv_write.c — write an fp_table back as UTF-8 CSV with its own columns; the factor
 * method's listing (fenpei allocate -o). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fenpei/realloc.h"
#include "core/table_impl.h"
#include "write/csv_write.h"

int csv_put_cell(FILE *out, const char *s)
{
    if (!strpbrk(s, ",\"\r\n"))
        return fputs(s, out) < 0 ? -1 : 0;
    if (fputc('"', out) == EOF)
        return -1;
    for (; *s; s++) {
        if (*s == '"' && fputc('"', out) == EOF)
            return -1;
        if (fputc(*s, out) == EOF)
            return -1;
    }
    return fputc('"', out) == EOF ? -1 : 0;
}

fp_error fp_table_write_csv(const fp_table *t, FILE *out, int decimals, fp_diag *diag)
{
    int bad = 0;
    /* Depths in one pass over the pre-order (a parent comes before its rows): walking up from
     * every row would be quadratic on a deep chain. */
    int *depth = NULL;
    for (size_t c = 0; c < t->ncols && !depth; c++)
        if (t->cols[c].role == FP_ROLE_LEVEL) {
            depth = malloc((t->nrows ? t->nrows : 1) * sizeof *depth);
            if (!depth)
                return diag_set(diag, FP_ERR_NOMEM, NULL, 0, NULL, NULL, 0, "out of memory");
            for (size_t k = 0; k < t->nrows; k++) {
                size_t r = t->order ? (size_t)t->order[k] : k;
                depth[r] = t->parent[r] < 0 ? 0 : depth[t->parent[r]] + 1;
            }
        }
    for (size_t c = 0; c < t->ncols; c++) {
        if (c && fputc(',', out) == EOF)
            bad = 1;
        bad |= csv_put_cell(out, t->cols[c].name);
    }
    bad |= fputc('\n', out) == EOF;
    for (size_t r = 0; r < t->nrows && !bad; r++) {
        for (size_t c = 0; c < t->ncols; c++) {
            const column *col = &t->cols[c];
            char buf[FP_AMOUNT_BUFSIZE];
            if (c && fputc(',', out) == EOF)
                bad = 1;
            if (col->role == FP_ROLE_LEVEL) {
                snprintf(buf, sizeof buf, "%d", t->level_base + depth[r]);
                bad |= csv_put_cell(out, buf);
            } else if (col->is_amount) {
                if (bit_get(col->blank, r))
                    continue;
                fp_amount_format(col->values[r], decimals < 0 ? col->decimals : decimals, buf);
                bad |= csv_put_cell(out, buf);
            } else {
                bad |= csv_put_cell(out, fp_table_text(t, r, c));
            }
        }
        bad |= fputc('\n', out) == EOF;
    }
    free(depth);
    if (bad || ferror(out))
        return diag_set(diag, FP_ERR_IO, NULL, 0, NULL, NULL, 0, "write error: %s",
                        strerror(errno));
    return FP_OK;
}

fp_error fp_allocate_write_csv(const fp_table *factors, const fp_allocate_options *opts,
                               const fp_amount *amounts, const char *result_name, FILE *out)
{
    int bad = fputs("级次,单位", out) < 0;
    for (size_t k = 0; k < opts->weight_count; k++) {
        bad |= fputc(',', out) == EOF;
        bad |= csv_put_cell(out, opts->weights[k].column);
    }
    bad |= fputc(',', out) == EOF;
    bad |= csv_put_cell(out, result_name);
    bad |= fputc('\n', out) == EOF;
    char b[FP_AMOUNT_BUFSIZE];
    for (size_t r = 0; r < fp_table_row_count(factors) && !bad; r++) {
        fprintf(out, "%d,", fp_table_depth(factors, r));
        bad |= csv_put_cell(out, fp_table_row_name(factors, r));
        for (size_t k = 0; k < opts->weight_count; k++) {
            fputc(',', out);
            size_t c = fp_table_find_column(factors, opts->weights[k].column);
            if (c == FP_NONE || fp_table_is_blank(factors, r, c))
                continue;
            fp_amount_format(fp_table_amount(factors, r, c), 0, b);
            bad |= csv_put_cell(out, b);
        }
        fp_amount_format(amounts[r], 0, b);
        fprintf(out, ",%s\n", b);
    }
    return bad || ferror(out) ? FP_ERR_IO : FP_OK;
}
