/* read/loader_line.c — the hot path of a big CSV: a whole data line without quotes, split and
 * stored straight from the reader's buffer (digits to fixed point as they are scanned). */
#include <stdint.h>
#include <string.h>

#include "core/table_impl.h"
#include "read/loader.h"
#include "read/loader_impl.h"

int loader_takes_lines(const loader *L) { return L->canon && !L->err && !L->in_record; }

/* The general way for one cell starting at P: up to the delimiter, trimmed as libcsv trims.
 * Returns the delimiter ending it, or NULL at the end of the line. */
static const char *general_cell(loader *L, size_t col, const char *p, const char *end, char delim)
{
    const char *cell;
    size_t n;
    const char *q = line_cell(p, end, delim, &cell, &n);
    loader_cell(L, col, cell, n);
    return q;
}

/* The ASCII digits at the start of the LEFT bytes at P: their count to *N and their value to *V;
 * 0 when there are none or more than 12. Eight bytes at a time where eight can be read: the
 * first byte that is no digit found by its high nibble (not 3, or 3 but past '9' once 6 is
 * added), the digits turned into a number by three multiplications. */
static int digits(const char *p, size_t left, size_t *n, uint64_t *v)
{
    size_t i = 0;
    uint64_t x = 0;
    if (left >= 8) {
        uint64_t w;
        memcpy(&w, p, 8);
        uint64_t bad = ((w & UINT64_C(0xF0F0F0F0F0F0F0F0)) ^ UINT64_C(0x3030303030303030)) |
                       (((w + UINT64_C(0x0606060606060606)) & UINT64_C(0xF0F0F0F0F0F0F0F0)) ^
                        UINT64_C(0x3030303030303030));
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
        i = bad ? (size_t)__builtin_ctzll(bad) / 8 : 8;
        if (i) {
            uint64_t d = (w & UINT64_C(0x0F0F0F0F0F0F0F0F)) << (64 - 8 * i);
            d = (d * 10 + (d >> 8)) & UINT64_C(0x00FF00FF00FF00FF);
            d = (d * 100 + (d >> 16)) & UINT64_C(0x0000FFFF0000FFFF);
            x = (d * 10000 + (d >> 32)) & UINT64_C(0xFFFFFFFF);
        }
        if (i < 8) {
            *n = i;
            *v = x;
            return i > 0;
        }
#else
        (void)bad;
#endif
    }
    for (; i < left && i < 13; i++) {
        unsigned d = (unsigned)(unsigned char)p[i] - (unsigned)'0';
        if (d >= 10)
            break;
        x = x * 10 + d;
    }
    *n = i;
    *v = x;
    return i > 0 && i <= 12;
}

void loader_line(loader *L, long line, const char *s, size_t len, char delim)
{
    const char *end = s + len, *p = s;
    if (line_blank(s, len, delim))
        return; /* an empty or blank line is no record */
    loader_row_begin(L, line);
    fp_table *t = L->t;
    size_t ncols = t->ncols;
    for (size_t col = 0;; col++) {
        if (col >= ncols || L->err)
            goto general;
        column *c = &t->cols[col];
        if (c->dense && c->role != FP_ROLE_LEVEL) {
            /* a name (or other text) without spaces around it, NUL or byte-order mark (bytes
             * 0xEF): into the string pool as store_cell would put it */
            const char *e = p;
            int odd = 0;
            for (; e < end && *e != delim; e++)
                odd |= *e == '\0' || *e == '\xEF';
            size_t n = (size_t)(e - p), off;
            if (odd || !n || line_is_trim(p[0], delim) || line_is_trim(e[-1], delim))
                goto general;
            if (strpool_add(&t->pool, p, n, &off) || off > UINT32_MAX)
                goto general; /* the general path tells the error */
            c->text[L->row] = (uint32_t)off;
            c->nonempty++;
            L->rec_nonempty = 1;
            L->field = col + 1;
            if (e == end)
                break;
            p = e + 1;
            continue;
        }
        /* 1 to 12 ASCII digits, without a leading zero, ended by the delimiter or the line end:
         * an amount (or a level) stored here, exactly as loader_cell would store it */
        size_t left = (size_t)(end - p), i;
        uint64_t v;
        if (!digits(p, left, &i, &v) || (p[0] == '0' && i > 1) || (i < left && p[i] != delim))
            goto general;
        if (c->role == FP_ROLE_LEVEL) {
            if (v > LOADER_MAX_LEVEL)
                goto general;
            L->cur_level = (long)v;
            L->level_seen = 1;
        } else {
            c->values[L->row] = (fp_amount)v * FP_AMOUNT_SCALE;
            c->nonempty++;
        }
        L->rec_nonempty = 1;
        L->field = col + 1;
        if (i == left)
            break;
        p += i + 1;
        continue;
    general:;
        const char *q = general_cell(L, col, p, end, delim);
        if (!q)
            break;
        p = q + 1;
    }
    loader_row_end(L);
}
