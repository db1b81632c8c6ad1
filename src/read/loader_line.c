/* read/loader_line.c — the hot path of a big CSV: a whole data line without quotes, split and
 * stored straight from the reader's buffer (digits to fixed point as they are scanned). */
#include <string.h>

#include "core/table_impl.h"
#include "read/loader.h"
#include "read/loader_impl.h"

int loader_takes_lines(const loader *L) { return L->canon && !L->err && !L->in_record; }

static int is_trim(char c, char delim) { return (c == ' ' || c == '\t') && c != delim; }

/* The general way for one cell starting at P: up to the delimiter, trimmed as libcsv trims.
 * Returns the delimiter ending it, or NULL at the end of the line. */
static const char *general_cell(loader *L, size_t col, const char *p, const char *end, char delim)
{
    const char *q = memchr(p, delim, (size_t)(end - p));
    const char *e = q ? q : end;
    while (p < e && is_trim(*p, delim))
        p++;
    const char *t = e;
    while (t > p && is_trim(t[-1], delim))
        t--;
    loader_cell(L, col, p, (size_t)(t - p));
    return q;
}

void loader_line(loader *L, long line, const char *s, size_t len, char delim)
{
    const char *end = s + len, *p = s;
    if (!len)
        return; /* an empty line is no record */
    if (is_trim(*p, delim) && !memchr(s, delim, len)) {
        /* one cell: blank means no record at all */
        while (p < end && is_trim(*p, delim))
            p++;
        if (p == end)
            return;
        p = s;
    }
    loader_row_begin(L, line);
    fp_table *t = L->t;
    size_t ncols = t->ncols;
    for (size_t col = 0;; col++) {
        /* 1 to 12 ASCII digits, without a leading zero, ended by the delimiter or the line end:
         * an amount (or a level) stored here, exactly as loader_cell would store it. */
        if (col < ncols && !L->err) {
            column *c = &t->cols[col];
            const unsigned char *u = (const unsigned char *)p;
            size_t left = (size_t)(end - p), i = 0;
            uint64_t v = 0;
            while (i < left && i < 13) {
                unsigned d = (unsigned)u[i] - (unsigned)'0';
                if (d >= 10)
                    break;
                v = v * 10 + d;
                i++;
            }
            int plain = i && i <= 12 && (u[0] != '0' || i == 1) && (i == left || p[i] == delim);
            if (plain && c->role == FP_ROLE_LEVEL && v <= LOADER_MAX_LEVEL) {
                L->cur_level = (long)v;
                L->level_seen = 1;
            } else if (plain && c->role != FP_ROLE_LEVEL && !c->dense) {
                c->values[L->row] = (fp_amount)v * FP_AMOUNT_SCALE;
                c->nonempty++;
            } else {
                plain = 0;
            }
            if (plain) {
                L->rec_nonempty = 1;
                L->field = col + 1;
                if (i == left)
                    break;
                p += i + 1;
                continue;
            }
        }
        const char *q = general_cell(L, col, p, end, delim);
        if (!q)
            break;
        p = q + 1;
    }
    loader_row_end(L);
}
