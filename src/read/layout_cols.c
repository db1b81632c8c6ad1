/* read/layout_cols.c — cells and columns from positioned words, for read/layout.c: words a narrow
 * gap apart are one cell unless the table shows two (an amount and the remark printed right
 * beside it; two header names over two columns of amounts), and a header name printed centred
 * over the names of several columns on the line below it, with no cell borders (资金情况 over
 * 中央资金, 地方资金, 合计), is a group header over them, not a column of its own.
 * Positions are doubles: they are geometry, never amounts. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "read/layout_impl.h"

int lay_join_words(lay_doc *d)
{
    strbuf b = {0};
    d->nsegs = 0;
    for (size_t li = 0; li < d->nlines; li++) {
        lay_row *l = &d->lines[li];
        const lay_seg *w = d->words + l->wfirst;
        l->first = d->nsegs;
        l->nseg = 0;
        for (size_t k = 0; k < l->nword;) {
            size_t e = k + 1;
            while (e < l->nword && w[e].glue && !w[e].cut)
                e++;
            if (buf_reserve((void **)&d->segs, &d->segcap, d->nsegs + 1, sizeof *d->segs)) {
                strbuf_free(&b);
                return -1;
            }
            lay_seg *g = &d->segs[d->nsegs++];
            *g = w[k];
            g->glue = g->cut = 0;
            if (e > k + 1) {
                strbuf_reset(&b);
                for (size_t j = k; j < e; j++) {
                    if (j > k && w[j].glue == LAY_GLUE_SPACE)
                        strbuf_add(&b, " ", 1);
                    strbuf_add(&b, lay_text(d, &w[j]), w[j].len);
                    if (w[j].x1 > g->x1)
                        g->x1 = w[j].x1;
                }
                if (b.oom || strpool_add(&d->pool, strbuf_get(&b), b.len, &g->off)) {
                    strbuf_free(&b);
                    return -1;
                }
                g->len = b.len;
                g->amount = lay_is_amount(lay_text(d, g), g->len);
            }
            l->nseg++;
            k = e;
        }
    }
    strbuf_free(&b);
    return 0;
}

static int by_x0(const void *a, const void *b)
{
    const lay_span *p = a, *q = b;
    return p->x0 < q->x0 ? -1 : p->x0 > q->x0;
}

size_t lay_merge_spans(lay_span *v, size_t n)
{
    qsort(v, n, sizeof *v, by_x0);
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        if (m && v[i].x0 < v[m - 1].x1) {
            if (v[i].x1 > v[m - 1].x1)
                v[m - 1].x1 = v[i].x1;
        } else {
            v[m++] = v[i];
        }
    }
    return m;
}

/* The columns of amounts of T: the amounts of its rows, overlapping extents merged, into
 * *OUT (malloc'd, left to right). Their number, or 0 (none, or out of memory). */
static size_t amount_columns(const lay_doc *d, const lay_table *T, lay_span **out)
{
    size_t n = 0;
    for (size_t li = T->b + 1; li < T->end; li++)
        for (size_t k = 0; k < d->lines[li].nseg; k++)
            if (d->segs[d->lines[li].first + k].amount)
                n++;
    *out = NULL;
    lay_span *v = malloc((n ? n : 1) * sizeof *v);
    if (!v)
        return 0;
    n = 0;
    for (size_t li = T->b + 1; li < T->end; li++)
        for (size_t k = 0; k < d->lines[li].nseg; k++) {
            const lay_seg *s = &d->segs[d->lines[li].first + k];
            if (s->amount) {
                v[n].x0 = s->x0;
                v[n++].x1 = s->x1;
            }
        }
    *out = v;
    return lay_merge_spans(v, n);
}

/* The first and last of the N columns COLS that word W overlaps into *LO, *HI; 0 when none. */
static int over(const lay_span *cols, size_t n, const lay_seg *w, size_t *lo, size_t *hi)
{
    int any = 0;
    for (size_t c = 0; c < n; c++)
        if (w->x0 < cols[c].x1 && w->x1 > cols[c].x0) {
            if (!any)
                *lo = c;
            *hi = c;
            any = 1;
        }
    return any;
}

size_t lay_cut_words(lay_doc *d, const lay_table *T)
{
    size_t cut = 0;
    /* a row: an amount (a number and nothing else from its cell's start) and the text glued
     * right of it are two cells — 180 and the remark 含结转 */
    for (size_t li = T->b + 1; li < T->end; li++) {
        const lay_row *l = &d->lines[li];
        int amounts = 0;
        for (size_t k = 0; k < l->nseg; k++)
            amounts |= d->segs[l->first + k].amount;
        if (!amounts)
            continue;
        lay_seg *w = d->words + l->wfirst;
        int numbers = 0; /* the words of the cell so far are all amounts */
        for (size_t k = 0; k < l->nword; k++) {
            int starts = !w[k].glue || w[k].cut;
            if (!starts && numbers && !w[k].amount) {
                w[k].cut = 1;
                cut++;
                starts = 1;
            }
            numbers = (starts || numbers) && w[k].amount;
        }
    }
    /* the header: two words over different columns of amounts are two names (LibreOffice
     * prints 中央资金 and 地方资金 a narrow gap apart when its columns are narrow) */
    lay_span *cols;
    size_t n = amount_columns(d, T, &cols);
    for (size_t li = T->a; n && li <= T->b; li++) {
        const lay_row *l = &d->lines[li];
        lay_seg *w = d->words + l->wfirst;
        for (size_t k = 1; k < l->nword; k++) {
            size_t lo0 = 0, hi0 = 0, lo1 = 0, hi1 = 0;
            if (w[k].glue && !w[k].cut && over(cols, n, &w[k - 1], &lo0, &hi0) &&
                over(cols, n, &w[k], &lo1, &hi1) && hi0 < lo1) {
                w[k].cut = 1;
                cut++;
            }
        }
    }
    free(cols);
    return cut;
}

/* Does a segment of header line J (the N segments S, on lines LINE) lie under segment W? */
static int over_names(const lay_seg *s, const size_t *line, size_t n, size_t j, const lay_seg *w)
{
    for (size_t k = 0; k < n; k++)
        if (line[k] == j && s[k].x0 < w->x1 && s[k].x1 > w->x0)
            return 1;
    return 0;
}

/* Does the middle of segment W fall in the gap between two names of header line J, as a group's
 * name printed centred over its two sub-columns does (LibreOffice's merged cell)? */
static int between_names(const lay_seg *s, const size_t *line, size_t n, size_t j, const lay_seg *w)
{
    double mid = (w->x0 + w->x1) / 2;
    int left = 0, right = 0;
    for (size_t k = 0; k < n; k++) {
        if (line[k] != j)
            continue;
        if (s[k].x0 < mid && s[k].x1 > mid)
            return 0; /* a name under the middle: over_names */
        left |= s[k].x1 <= mid;
        right |= s[k].x0 >= mid;
    }
    return left && right;
}

/* May segment S of the header be a group's name or a sub-column (not 单位：万元, not the unit
 * column's name)? */
static int nameable(const lay_doc *d, const lay_seg *s)
{
    return !lay_seg_is_unit(d, s) && !lay_seg_names_units(d, s);
}

/* The width of one character of segment S (its width over its characters). */
static double char_width(const lay_doc *d, const lay_seg *s)
{
    const char *t = lay_text(d, s);
    size_t chars = 0;
    for (size_t i = 0; i < s->len; i++)
        chars += ((unsigned char)t[i] & 0xC0) != 0x80;
    return chars ? (s->x1 - s->x0) / (double)chars : 0;
}

/* Groups side by side printed at the left of their merged cells (Word's default alignment): two
 * or more names on one header line, each starting where a name of the line below starts (to
 * half a character). Each takes the names of that line from its own up to the next group's;
 * the last as many as the one before it (or all that are left when they differ). Their roles
 * go to ROLE; returns the number of groups found. */
static long left_groups(const lay_doc *d, const lay_seg *s, const size_t *line, size_t n,
                        size_t a, size_t b, size_t *role)
{
    long groups = 0;
    for (size_t li = a; li < b; li++) {
        size_t lab[64], nlab = 0, sub[128], nsub = 0, j = li + 1;
        for (size_t k = 0; k < n && nlab < 64; k++)
            if (line[k] == li && nameable(d, &s[k]) && role[k] == LAY_PLAIN)
                lab[nlab++] = k;
        if (nlab < 2)
            continue;
        for (; j <= b && !nsub; j++)
            for (size_t k = 0; k < n && nsub < 128; k++)
                if (line[k] == j && nameable(d, &s[k]) && role[k] == LAY_PLAIN &&
                    s[k].x0 >= s[lab[0]].x0 - char_width(d, &s[lab[0]]) / 2)
                    sub[nsub++] = k;
        if (nsub < 2 * nlab)
            continue;
        size_t at[64]; /* the sub-column each group starts at */
        int aligned = 1;
        for (size_t g = 0; g < nlab && aligned; g++) {
            double tol = char_width(d, &s[lab[g]]) / 2;
            aligned = 0;
            for (size_t q = 0; q < nsub && !aligned; q++)
                if (fabs(s[sub[q]].x0 - s[lab[g]].x0) <= tol) {
                    at[g] = q;
                    aligned = g == 0 || q > at[g - 1] + 1; /* two or more each */
                }
        }
        if (!aligned)
            continue;
        for (size_t g = 0; g < nlab; g++) {
            size_t end = g + 1 < nlab ? at[g + 1] : nsub;
            if (g + 1 == nlab && g > 0 && at[g] + (at[g] - at[g - 1]) <= nsub)
                end = at[g] + (at[g] - at[g - 1]);
            if (end - at[g] < 2)
                continue;
            role[lab[g]] = lab[g];
            for (size_t q = at[g]; q < end; q++)
                role[sub[q]] = lab[g];
            groups++;
        }
    }
    return groups;
}

long lay_find_groups(const lay_doc *d, const lay_table *T, size_t *role)
{
    const lay_seg *s = d->segs + d->lines[T->a].first;
    size_t n = d->lines[T->b].first + d->lines[T->b].nseg - d->lines[T->a].first;
    size_t *line = malloc((n ? n : 1) * sizeof *line); /* the header line of each segment */
    if (!line)
        return -1;
    for (size_t li = T->a; li <= T->b; li++)
        for (size_t k = 0; k < d->lines[li].nseg; k++)
            line[d->lines[li].first + k - d->lines[T->a].first] = li;
    for (size_t k = 0; k < n; k++)
        role[k] = LAY_PLAIN;
    long groups = left_groups(d, s, line, n, T->a, T->b, role);
    for (size_t g = 0; g < n; g++) {
        if (line[g] == T->b || role[g] != LAY_PLAIN || !nameable(d, &s[g]))
            continue;
        /* the sub-columns: on the nearest line below, the segments between the segments
         * beside G (on any other line of the header, and the unit column's name on that line)
         * — two or more, none a sub-column already, G's middle over them; one alone is the
         * rest of a wrapped name. Bounded on one side only, or on none (单位 and 备注 on the
         * line of the sub-columns), they are the run of two or more whose middle is nearest
         * G's: the group is printed centred over its sub-columns. */
        double mid = (s[g].x0 + s[g].x1) / 2;
        for (size_t j = line[g] + 1; j <= T->b; j++) {
            double lo = -INFINITY, hi = INFINITY;
            int lo_half = 0, hi_half = 0;
            for (size_t k = 0; k < n; k++) {
                if (k == g || lay_seg_is_unit(d, &s[k]) ||
                    (line[k] == j && !lay_seg_names_units(d, &s[k])))
                    continue;
                /* another group beside G, on its line over names of line J or centred over the
                 * gap between two of them: the sub-columns nearer G than it are G's (by their middles: a name printed wider than it is
                 * in -layout text, each Chinese character one column, may reach past the
                 * half-way line) */
                int half = line[k] == line[g] && (over_names(s, line, n, j, &s[k]) ||
                                                  between_names(s, line, n, j, &s[k]));
                double left = half ? (s[k].x1 + s[g].x0) / 2 : s[k].x1;
                double right = half ? (s[k].x0 + s[g].x1) / 2 : s[k].x0;
                if (s[k].x1 <= s[g].x0 && left > lo) {
                    lo = left;
                    lo_half = half;
                }
                if (s[k].x0 >= s[g].x1 && right < hi) {
                    hi = right;
                    hi_half = half;
                }
            }
            size_t first = n, last = n, subs = 0; /* the candidates: segments first..last */
            for (size_t k = 0; k < n; k++) {
                double km = (s[k].x0 + s[k].x1) / 2;
                if (line[k] == j && (lo_half ? km >= lo : s[k].x0 >= lo) &&
                    (hi_half ? km <= hi : s[k].x1 <= hi) && nameable(d, &s[k])) {
                    if (first == n)
                        first = k;
                    last = k;
                    subs++;
                }
            }
            if (!subs)
                continue;
            if (subs >= 2 && (isinf(lo) || isinf(hi))) {
                double best = INFINITY;
                size_t a = first, b = last;
                for (size_t p = first; p < last; p++)
                    for (size_t q = p + 1; q <= last; q++) {
                        double off = fabs((s[p].x0 + s[q].x1) / 2 - mid);
                        if (off < best) {
                            best = off;
                            a = p;
                            b = q;
                        }
                    }
                first = a;
                last = b;
                subs = b - a + 1;
            }
            int taken = 0;
            for (size_t k = first; k <= last; k++)
                taken |= role[k] != LAY_PLAIN;
            if (subs >= 2 && !taken && mid >= s[first].x0 && mid <= s[last].x1) {
                role[g] = g;
                for (size_t k = first; k <= last; k++)
                    role[k] = g;
                groups++;
            }
            break;
        }
    }
    free(line);
    return groups;
}
