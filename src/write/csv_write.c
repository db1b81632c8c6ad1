/* write/csv_write.c — write an fp_table back as UTF-8 CSV with its own columns. */
#include <errno.h>
#include <string.h>

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
                snprintf(buf, sizeof buf, "%d", t->level_base + fp_table_depth(t, r));
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
    if (bad || ferror(out))
        return diag_set(diag, FP_ERR_IO, NULL, 0, NULL, NULL, 0, "write error: %s",
                        strerror(errno));
    return FP_OK;
}
