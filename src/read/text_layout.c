/* read/text_layout.c — text whose columns are aligned with spaces (pdftotext -layout, a PDF
 * viewer's copy) into the lines of segments read/layout.c reads: runs of two spaces or more (or
 * one space squeezed between two numbers or two Chinese characters) separate cells, and one
 * space inside a cell glues two words (read/layout_cols.c cuts an amount from the remark right
 * of it: "180 含结转"); a character is placed by the columns before it, an East Asian wide one
 * counting one column (pdftotext) or two (a monospaced screen): both are tried, the reading whose
 * sums close is kept. */
#include <stdint.h>
#include <string.h>

#include "read/layout.h"
#include "util/buf.h"
#include "util/utf8.h"

/* Is the single space at S[I] (inside a segment starting at START) a column gap squeezed to one
 * space: between two digits ("676 0") or two East Asian wide characters (two header cells)? */
static int tight_space(const char *s, size_t start, size_t i, size_t len)
{
    if (i == start || i + 1 >= len)
        return 0;
    if (s[i - 1] >= '0' && s[i - 1] <= '9' && s[i + 1] >= '0' && s[i + 1] <= '9')
        return 1;
    size_t b = i; /* back to the start of the character before the space */
    while (b > start && ((unsigned char)s[b - 1] & 0xC0) == 0x80)
        b--;
    if (b > start)
        b--;
    uint32_t before, after;
    utf8_decode(s + b, i - b, &before);
    utf8_decode(s + i + 1, len - i - 1, &after);
    return utf8_cp_width(before) == 2 && utf8_cp_width(after) == 2;
}

int lay_text_line(lay_doc *d, int page, long lineno, const char *s, size_t len, int wide)
{
    if (lay_line(d, page, lineno, (double)lineno, 0.5))
        return -1;
    size_t i = 0, col = 0;
    int glue = 0; /* the word starting is glued to the one before by a single space */
    while (i < len) {
        /* skip the spaces before a word */
        size_t spaces = 0;
        while (i < len && s[i] == ' ') {
            i++;
            col++;
            spaces++;
        }
        if (i >= len)
            break;
        if (spaces != 1)
            glue = 0;
        size_t start = i, end = i, c0 = col, c1 = col;
        int next = 0;
        while (i < len) {
            if (s[i] == ' ') {
                /* one space inside a cell ends the word, glued to the next */
                next = !(i + 1 >= len || s[i + 1] == ' ' || tight_space(s, start, i, len));
                break;
            }
            uint32_t cp;
            size_t n = utf8_decode(s + i, len - i, &cp);
            int w = utf8_cp_width(cp);
            i += n;
            col += (size_t)(w == 2 ? wide : w);
            end = i;
            c1 = col;
        }
        if (lay_word(d, (double)c0, (double)c1, s + start, end - start, glue ? LAY_GLUE_SPACE : 0))
            return -1;
        glue = next;
    }
    return 0;
}

/* ---- space-aligned text ---- */

int lay_text_sniff(const char *s, size_t len)
{
    if (memchr(s, '\t', len))
        return 0;
    size_t lines = 0, spaced = 0, commas = 0;
    const char *end = s + len;
    while (s < end && lines < 60) {
        const char *nl = memchr(s, '\n', (size_t)(end - s));
        const char *e = nl ? nl : end;
        const char *p = s;
        while (p < e && (*p == ' ' || *p == '\f'))
            p++;
        if (p < e && !(e - p == 1 && *p == '\r')) {
            lines++;
            /* a run of two spaces between two non-spaces */
            for (const char *q = p; q + 2 < e; q++)
                if (q[0] != ' ' && q[1] == ' ' && q[2] == ' ') {
                    const char *r = q + 1;
                    while (r < e && *r == ' ')
                        r++;
                    if (r < e && *r != '\r') {
                        spaced++;
                        break;
                    }
                }
            if (memchr(p, ',', (size_t)(e - p)))
                commas++;
        }
        s = nl ? nl + 1 : end;
    }
    return spaced >= 3 && spaced > commas;
}

static fp_error text_doc(const char *s, size_t len, int wide, lay_doc **out)
{
    lay_doc *d = lay_new();
    *out = d;
    if (!d)
        return FP_ERR_NOMEM;
    const char *end = s + len;
    long lineno = 1;
    int page = 0;
    while (s < end) {
        const char *nl = memchr(s, '\n', (size_t)(end - s));
        const char *e = nl ? nl : end;
        const char *p = s;
        /* pdftotext puts a form feed before each page's first line */
        while (p < e && *p == '\f') {
            page++;
            p++;
        }
        const char *q = e;
        if (q > p && q[-1] == '\r')
            q--;
        if (lay_text_line(d, page, lineno, p, (size_t)(q - p), wide))
            return FP_ERR_NOMEM;
        lineno++;
        s = nl ? nl + 1 : end;
    }
    return FP_OK;
}

fp_error lay_text_load(const char *s, size_t len, const char *name, const fp_load_options *opts,
                       fp_table **out, fp_diag *diag)
{
    /* pdftotext counts every character one column; a copy aligned for a monospaced screen counts
     * East Asian wide characters two: read both ways, keep the better */
    fp_table *best = NULL;
    long best_score = -1;
    fp_diag first;
    fp_error first_err = FP_OK;
    lay_meta best_meta = {0};
    *out = NULL;
    for (int wide = 1; wide <= 2; wide++) {
        lay_doc *d;
        fp_table *t = NULL;
        fp_diag dk;
        lay_meta m = {0};
        fp_error e = text_doc(s, len, wide, &d);
        if (e)
            e = diag_set(&dk, FP_ERR_NOMEM, name, 0, NULL, NULL, 0, "out of memory");
        else
            e = lay_load(d, name, 0, opts, &t, &m, &dk);
        lay_free(d);
        if (e) {
            if (!first_err) {
                first_err = e;
                first = dk;
            }
            continue;
        }
        long sc = lay_score(t);
        if (sc > best_score) {
            fp_table_free(best);
            lay_meta_clear(&best_meta);
            best = t;
            best_meta = m;
            best_score = sc;
        } else {
            fp_table_free(t);
            lay_meta_clear(&m);
        }
        if (sc >= 3000000L)
            break; /* a tree whose sums all close: no need to try the other way */
    }
    if (!best) {
        if (diag)
            *diag = first;
        return first_err;
    }
    lay_meta_attach(best, &best_meta);
    *out = best;
    return FP_OK;
}
