/* read/layout.c — rows of cells from positioned text: a PDF's glyphs (read/pdf.c) or text whose
 * columns are aligned with spaces (read/text_layout.c: pdftotext -layout, a viewer's copy).
 *
 * The input is lines of words; words a narrow gap apart are glued into segments (runs of text
 * without a wide gap) unless read/layout_cols.c tells two cells, and a group header over several
 * names is found there too. A table starts at a header:
 * a line with a segment naming the unit column (单位, 拨款单位, 地区 …), together with the lines
 * just above and below it that hold no amount (a header wrapped over several lines). The header's
 * segments, merged where they overlap horizontally, give the columns and their names (the pieces
 * of a wrapped header cell joined top to bottom). Every following line until the next attachment
 * (附件2) or a different header is a row: its segments go to the columns in order, each to the
 * column it lies under (a dynamic programme over the order, the cost being the distance from the
 * column: the right edge of amounts where complete rows show where a column's amounts end, else
 * the header's x-range), so that a blank cell is a gap under a column, not a shift of the cells
 * after it. Page furniture inside the table is dropped here (the header repeated, pieces of it,
 * the title again, 单位：万元, 续表, page numbers such as "— 3 —"); the records go to the loader,
 * which rebuilds the tree. Several tables (a notice's other attachments): each is loaded, and the
 * largest whose rows add up as a tree is kept unless the caller names one; the lines before it
 * are the letter (read/letter.c).
 * Positions are doubles: they are geometry, never amounts. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/table_impl.h"
#include "read/layout_impl.h"
#include "read/letter.h"
#include "read/loader.h"
#include "util/buf.h"
#include "util/hanzi.h"

lay_doc *lay_new(void)
{
    lay_doc *d = calloc(1, sizeof *d);
    size_t off;
    if (d && strpool_add(&d->pool, "", 0, &off)) {
        free(d);
        return NULL;
    }
    return d;
}

/* Free the columns of T. */
static void cols_free(lay_table *T)
{
    for (size_t c = 0; T->cols && c < T->ncols; c++) {
        free(T->cols[c].name);
        free(T->cols[c].group);
    }
    free(T->cols);
    T->cols = NULL;
    T->ncols = 0;
}

static void tables_clear(lay_doc *d)
{
    for (size_t i = 0; i < d->ntables; i++)
        cols_free(&d->tables[i]);
    d->ntables = 0;
}

void lay_free(lay_doc *d)
{
    if (!d)
        return;
    tables_clear(d);
    free(d->tables);
    free(d->words);
    free(d->segs);
    free(d->lines);
    strpool_free(&d->pool);
    free(d);
}

static const char *seg_text(const lay_doc *d, const lay_seg *s) { return lay_text(d, s); }

int lay_is_amount(const char *s, size_t len)
{
    fp_amount v;
    fp_amount_info info;
    return len && fp_amount_parse(s, len, &v, &info) == FP_OK && !info.blank;
}

int lay_line(lay_doc *d, int page, long lineno, double y, double h)
{
    if (buf_reserve((void **)&d->lines, &d->linecap, d->nlines + 1, sizeof *d->lines))
        return -1;
    lay_row *l = &d->lines[d->nlines++];
    l->page = page;
    l->lineno = lineno;
    l->y = y;
    l->h = h;
    l->first = d->nsegs;
    l->nseg = 0;
    l->wfirst = d->nwords;
    l->nword = 0;
    return 0;
}

int lay_word(lay_doc *d, double x0, double x1, const char *s, size_t len, int glue)
{
    if (!d->nlines)
        return -1;
    size_t off;
    if (buf_reserve((void **)&d->words, &d->wordcap, d->nwords + 1, sizeof *d->words) ||
        strpool_add(&d->pool, s, len, &off))
        return -1;
    lay_row *l = &d->lines[d->nlines - 1];
    lay_seg *g = &d->words[d->nwords++];
    g->x0 = x0;
    g->x1 = x1;
    g->off = off;
    g->len = len;
    g->amount = lay_is_amount(s, len);
    g->glue = l->nword ? glue : 0;
    g->cut = 0;
    l->nword++;
    return 0;
}

int lay_segment(lay_doc *d, double x0, double x1, const char *s, size_t len)
{
    return lay_word(d, x0, x1, s, len, 0);
}

/* ---- what a line says ---- */

/* S without ASCII spaces, U+3000 and a colon at its end, into BUF (CAP bytes). */
static const char *squeeze_raw(const char *s, size_t len, char *buf, size_t cap)
{
    size_t n = 0;
    for (size_t i = 0; i < len && n + 4 < cap;) {
        if (s[i] == ' ' || s[i] == '\t') {
            i++;
        } else if (len - i >= 3 && memcmp(s + i, "\xE3\x80\x80", 3) == 0) {
            i += 3;
        } else {
            buf[n++] = s[i++];
        }
    }
    buf[n] = '\0';
    if (n >= 3 && strcmp(buf + n - 3, "：") == 0)
        buf[n - 3] = '\0';
    else if (n >= 1 && buf[n - 1] == ':')
        buf[n - 1] = '\0';
    return buf;
}

/* As squeeze_raw, traditional characters read as simplified (單位：萬元, 續表, 合計): for
 * recognising words, not for the names kept. */
static const char *squeeze(const char *s, size_t len, char *buf, size_t cap)
{
    squeeze_raw(s, len, buf, cap);
    hz_simplify(buf, strlen(buf), buf);
    return buf;
}

static int starts_with(const char *s, const char *p)
{
    size_t m = strlen(p);
    return strnlen(s, m) == m && memcmp(s, p, m) == 0;
}

static int ends_with(const char *s, const char *p)
{
    size_t n = strlen(s), m = strlen(p);
    return n >= m && strcmp(s + n - m, p) == 0;
}

static const char *const name_words[] = {"单位", "拨款单位", "单位名称", "地区", "名称", "地州",
                                         "预算单位", "项目单位", "地区名称", "市县", "县市",
                                         "收款单位", "用款单位", "name", NULL};

int lay_is_name_word(const char *sq)
{
    for (const char *const *w = name_words; *w; w++)
        if (strcmp(sq, *w) == 0)
            return 1;
    return 0;
}

static int is_unit_line(const char *sq)
{
    return starts_with(sq, "单位：") || starts_with(sq, "单位:") || starts_with(sq, "金额单位");
}

/* "附件1", "附件 2", "附件2：" — the start of an attachment (not the letter's "附件：1．…"). */
static int is_attachment(const char *sq)
{
    if (!starts_with(sq, "附件"))
        return 0;
    const char *p = sq + strlen("附件");
    if (!(*p >= '0' && *p <= '9'))
        return 0;
    while (*p >= '0' && *p <= '9')
        p++;
    return *p == '\0' || starts_with(p, "：") || *p == ':';
}

/* A page number: "— 3 —", "—3—", "- 3 -", "第3页", "3/5". */
static int is_page_number(const char *sq)
{
    const char *p = sq;
    int digits = 0, dashes = 0, slash = 0;
    if (starts_with(p, "第")) {
        p += strlen("第");
        while (*p >= '0' && *p <= '9')
            p++, digits++;
        return digits && starts_with(p, "页");
    }
    while (*p) {
        if (*p >= '0' && *p <= '9')
            digits++, p++;
        else if (*p == '-')
            dashes++, p++;
        else if (*p == '/')
            slash++, p++;
        else if (starts_with(p, "—") || starts_with(p, "－") || starts_with(p, "–"))
            dashes++, p += 3;
        else
            return 0;
    }
    return digits && (dashes >= 2 || slash == 1);
}

/* The squeezed text of line LI, all its segments together. */
static const char *line_squeezed(const lay_doc *d, size_t li, char *buf, size_t cap)
{
    const lay_row *l = &d->lines[li];
    size_t n = 0;
    buf[0] = '\0';
    for (size_t k = 0; k < l->nseg; k++) {
        const lay_seg *s = &d->segs[l->first + k];
        char one[512] = "";
        squeeze(seg_text(d, s), s->len, one, sizeof one);
        size_t m = strlen(one);
        if (n + m + 1 >= cap)
            break;
        memcpy(buf + n, one, m + 1);
        n += m;
    }
    return buf;
}

static int line_has_amount(const lay_doc *d, size_t li)
{
    const lay_row *l = &d->lines[li];
    for (size_t k = 0; k < l->nseg; k++)
        if (d->segs[l->first + k].amount)
            return 1;
    return 0;
}

/* Does line LI hold a segment naming the unit column? */
static int line_names_units(const lay_doc *d, size_t li)
{
    const lay_row *l = &d->lines[li];
    for (size_t k = 0; k < l->nseg; k++) {
        const lay_seg *s = &d->segs[l->first + k];
        char buf[256] = "";
        if (lay_is_name_word(squeeze(seg_text(d, s), s->len, buf, sizeof buf)))
            return 1;
    }
    return 0;
}

/* Lines I < J follow each other closely on one page (no blank line or wide gap between). */
static int adjacent(const lay_doc *d, size_t i, size_t j)
{
    const lay_row *a = &d->lines[i], *b = &d->lines[j];
    double h = a->h > b->h ? a->h : b->h;
    return a->page == b->page && b->y - a->y <= 2.2 * h;
}

/* May line LI be part of a header (text only, not a title, unit line or attachment mark)? */
static int header_like(const lay_doc *d, size_t li)
{
    char buf[1024] = "";
    const char *sq = line_squeezed(d, li, buf, sizeof buf);
    return d->lines[li].nseg && !line_has_amount(d, li) && !is_unit_line(sq) &&
           !is_attachment(sq) && !ends_with(sq, "表") && !strstr(sq, "通知") &&
           !is_page_number(sq) && !strstr(sq, "续表");
}

/* ---- finding tables ---- */

/* The column of T under which the middle of segment S lies, or the nearest. */
static size_t col_of(const lay_table *T, const lay_seg *s)
{
    double mid = (s->x0 + s->x1) / 2, best = INFINITY;
    size_t k = 0;
    for (size_t c = 0; c < T->ncols; c++) {
        double dist = mid < T->cols[c].x0 ? T->cols[c].x0 - mid
                      : mid > T->cols[c].x1 ? mid - T->cols[c].x1
                                            : 0;
        if (dist < best) {
            best = dist;
            k = c;
        }
    }
    return k;
}

int lay_seg_names_units(const lay_doc *d, const lay_seg *s)
{
    char buf[256] = "";
    return lay_is_name_word(squeeze(seg_text(d, s), s->len, buf, sizeof buf));
}

/* Is segment S a unit line (单位：万元 printed on the header's line)? */
int lay_seg_is_unit(const lay_doc *d, const lay_seg *s)
{
    char buf[256] = "";
    return is_unit_line(squeeze(seg_text(d, s), s->len, buf, sizeof buf));
}

/* Build the columns of a header on lines A..B into T, leaving out the group headers of ROLE
 * (lay_find_groups; NULL: none). 0, or -1 out of memory. */
static int build_header(const lay_doc *d, size_t a, size_t b, lay_table *T, const size_t *role)
{
    size_t base = d->lines[a].first;
    size_t n = 0;
    for (size_t li = a; li <= b; li++)
        n += d->lines[li].nseg;
    lay_span *sp = malloc((n ? n : 1) * sizeof *sp);
    if (!sp)
        return -1;
    size_t k = 0;
    for (size_t li = a; li <= b; li++)
        for (size_t j = 0; j < d->lines[li].nseg; j++) {
            const lay_seg *s = &d->segs[d->lines[li].first + j];
            size_t at = d->lines[li].first + j - base;
            if (lay_seg_is_unit(d, s) || (role && role[at] == at))
                continue;
            sp[k].x0 = s->x0;
            sp[k++].x1 = s->x1;
        }
    n = lay_merge_spans(sp, k);
    T->cols = calloc(n ? n : 1, sizeof *T->cols);
    if (!T->cols) {
        free(sp);
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        T->cols[i].x0 = sp[i].x0;
        T->cols[i].x1 = sp[i].x1;
    }
    T->ncols = n;
    free(sp);
    /* the names: the pieces of each column top to bottom */
    size_t *len = calloc(T->ncols ? T->ncols : 1, sizeof *len);
    if (!len)
        return -1;
    for (size_t li = a; li <= b; li++)
        for (size_t j = 0; j < d->lines[li].nseg; j++) {
            const lay_seg *s = &d->segs[d->lines[li].first + j];
            size_t at = d->lines[li].first + j - base;
            if (lay_seg_is_unit(d, s) || (role && role[at] == at))
                continue;
            size_t c = col_of(T, s);
            char buf[512] = "";
            squeeze_raw(seg_text(d, s), s->len, buf, sizeof buf);
            size_t m = strlen(buf);
            char *p = realloc(T->cols[c].name, len[c] + m + 1);
            if (!p) {
                free(len);
                return -1;
            }
            memcpy(p + len[c], buf, m + 1);
            T->cols[c].name = p;
            len[c] += m;
        }
    free(len);
    T->name_col = 0;
    for (size_t c = 0; c < T->ncols; c++) {
        char sn[512] = "";
        if (T->cols[c].name &&
            lay_is_name_word(squeeze(T->cols[c].name, strlen(T->cols[c].name), sn, sizeof sn))) {
            T->name_col = c;
            break;
        }
    }
    return 0;
}

/* Is line LI (no amounts) the header of T again, or pieces of it? Every segment is a part of a
 * column's name (of any column: a copy's columns drift from page to page), and a segment under
 * the unit column is its whole name (a row named 计, the end of a wrapped 合计, is not). */
static int repeats_header(const lay_doc *d, const lay_table *T, size_t li)
{
    const lay_row *l = &d->lines[li];
    if (!l->nseg)
        return 0;
    for (size_t k = 0; k < l->nseg; k++) {
        const lay_seg *s = &d->segs[l->first + k];
        char buf[512] = "";
        const char *sq = squeeze(seg_text(d, s), s->len, buf, sizeof buf);
        if (!sq[0])
            continue;
        if (is_unit_line(sq))
            continue; /* 单位：万元 on the header's line */
        size_t c = col_of(T, s);
        char name[512] = "";
        if (c == T->name_col) {
            if (!T->cols[c].name ||
                strcmp(squeeze(T->cols[c].name, strlen(T->cols[c].name), name, sizeof name),
                       sq) != 0)
                return 0;
            continue;
        }
        int found = 0;
        for (size_t j = 0; j < T->ncols && !found; j++) {
            const char *g = T->cols[j].group;
            found = j != T->name_col &&
                    ((T->cols[j].name &&
                      strstr(squeeze(T->cols[j].name, strlen(T->cols[j].name), name, sizeof name),
                             sq)) ||
                     (g && strstr(squeeze(g, strlen(g), name, sizeof name), sq)));
        }
        if (!found)
            return 0;
    }
    return 1;
}

/* The columns of T again when its header has group headers (lay_find_groups): from the other
 * names, each sub-column knowing its group. 0, or -1 out of memory. */
static int regroup(const lay_doc *d, lay_table *T)
{
    size_t base = d->lines[T->a].first, n = d->lines[T->b].first + d->lines[T->b].nseg - base;
    size_t *role = malloc((n ? n : 1) * sizeof *role);
    long groups = role ? lay_find_groups(d, T, role) : -1;
    if (groups <= 0) {
        free(role);
        return groups < 0 ? -1 : 0;
    }
    cols_free(T);
    int rc = build_header(d, T->a, T->b, T, role);
    for (size_t k = 0; !rc && k < n; k++) {
        if (role[k] == LAY_PLAIN || role[k] == k)
            continue;
        lay_col *c = &T->cols[col_of(T, &d->segs[base + k])];
        if (c->group)
            continue; /* a column under two groups: the first kept */
        const lay_seg *g = &d->segs[base + role[k]];
        char buf[512] = "";
        squeeze_raw(seg_text(d, g), g->len, buf, sizeof buf);
        if (!(c->group = strdup(buf)))
            rc = -1;
    }
    free(role);
    return rc;
}

/* A header around line I (which names the unit column): its lines into *A, *B. */
static void header_block(const lay_doc *d, size_t lo, size_t i, size_t *a, size_t *b)
{
    *a = *b = i;
    while (*a > lo && header_like(d, *a - 1) && adjacent(d, *a - 1, *a))
        --*a;
    while (*b + 1 < d->nlines && header_like(d, *b + 1) && adjacent(d, *b, *b + 1))
        ++*b;
}

static int find_tables(lay_doc *d)
{
    tables_clear(d);
    size_t lo = 0;
    for (size_t i = 0; i < d->nlines;) {
        if (!line_names_units(d, i) || line_has_amount(d, i)) {
            i++;
            continue;
        }
        lay_table T = {0};
        header_block(d, lo, i, &T.a, &T.b);
        if (build_header(d, T.a, T.b, &T, NULL)) {
            cols_free(&T);
            return -1;
        }
        /* a table: three columns or more, and rows of amounts under it */
        size_t k = T.b + 1;
        int rows = 0;
        for (; k < d->nlines; k++) {
            char buf[1024] = "";
            const char *sq = line_squeezed(d, k, buf, sizeof buf);
            if (is_attachment(sq))
                break;
            if (!line_has_amount(d, k) &&
                (line_names_units(d, k) || d->lines[k].nseg >= 3) && !repeats_header(d, &T, k))
                break; /* another table's header */
            rows += line_has_amount(d, k);
        }
        if (T.ncols < 3 || !rows) {
            cols_free(&T);
            i = T.b + 1;
            continue;
        }
        T.end = k;
        if (regroup(d, &T)) {
            cols_free(&T);
            return -1;
        }
        T.begin = T.a;
        /* the title and the unit line just above the header */
        for (size_t up = 0; up < 4 && T.begin > lo; up++) {
            char buf[1024] = "";
            const char *sq = line_squeezed(d, T.begin - 1, buf, sizeof buf);
            if (is_attachment(sq) || d->lines[T.begin - 1].page != d->lines[T.a].page ||
                line_has_amount(d, T.begin - 1))
                break;
            T.begin--;
        }
        if (buf_reserve((void **)&d->tables, &d->tablecap, d->ntables + 1, sizeof *d->tables)) {
            cols_free(&T);
            return -1;
        }
        d->tables[d->ntables++] = T;
        lo = i = k;
    }
    return 0;
}

/* ---- the rows of a table ---- */

static int dbl_cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* Where each column's amounts end (their right edge) on page PAGE: the median over the rows of
 * T on that page that fill every column; NAN where no such row. */
static void calibrate(const lay_doc *d, const lay_table *T, int page, double *right)
{
    for (size_t c = 0; c < T->ncols; c++)
        right[c] = NAN;
    size_t n = 0;
    for (size_t li = T->b + 1; li < T->end; li++)
        n += d->lines[li].page == page && d->lines[li].nseg == T->ncols;
    if (!n)
        return;
    double *v = malloc(n * sizeof *v);
    if (!v)
        return;
    for (size_t c = 0; c < T->ncols; c++) {
        size_t m = 0;
        for (size_t li = T->b + 1; li < T->end; li++) {
            const lay_row *l = &d->lines[li];
            if (l->page == page && l->nseg == T->ncols && d->segs[l->first + c].amount)
                v[m++] = d->segs[l->first + c].x1;
        }
        if (m) {
            qsort(v, m, sizeof *v, dbl_cmp);
            right[c] = v[m / 2];
        }
    }
    free(v);
}

/* The cost of putting segment S under column C. */
static double place_cost(const lay_table *T, const double *right, const lay_seg *s, size_t c)
{
    if (s->amount && !isnan(right[c]))
        return fabs(s->x1 - right[c]);
    double lo = c ? (T->cols[c - 1].x1 + T->cols[c].x0) / 2 : -INFINITY;
    double hi = c + 1 < T->ncols ? (T->cols[c].x1 + T->cols[c + 1].x0) / 2 : INFINITY;
    double mid = (s->x0 + s->x1) / 2;
    return mid < lo ? lo - mid : mid > hi ? mid - hi : 0;
}

/* The columns of the segments of line LI into COL[]: in order, each under its column; two
 * segments may share a column (a cell with a wide space inside) at a cost. */
static int assign(const lay_doc *d, const lay_table *T, const double *right, size_t li,
                  size_t *col)
{
    const lay_row *l = &d->lines[li];
    size_t n = l->nseg, m = T->ncols;
    const lay_seg *s = &d->segs[l->first];
    double join = 8 * l->h; /* four character widths */
    /* f[i][c]: least cost with segment i in column c; from[i][c]: the column of segment i-1 */
    double *f = malloc(n * m * sizeof *f);
    size_t *from = malloc(n * m * sizeof *from);
    if (!f || !from) {
        free(f);
        free(from);
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        double best = INFINITY; /* least f[i-1][c'] over c' < c */
        size_t arg = 0;
        for (size_t c = 0; c < m; c++) {
            double here = place_cost(T, right, &s[i], c), v;
            size_t fr = 0;
            if (i == 0) {
                v = here;
            } else {
                v = best;
                fr = arg;
                if (f[(i - 1) * m + c] + join < v) {
                    v = f[(i - 1) * m + c] + join;
                    fr = c;
                }
                v += here;
                if (f[(i - 1) * m + c] < best) {
                    best = f[(i - 1) * m + c];
                    arg = c;
                }
            }
            f[i * m + c] = v;
            from[i * m + c] = fr;
        }
    }
    size_t c = 0;
    for (size_t k = 1; k < m; k++)
        if (f[(n - 1) * m + k] < f[(n - 1) * m + c])
            c = k;
    for (size_t i = n; i-- > 0;) {
        col[i] = c;
        c = from[i * m + c];
    }
    free(f);
    free(from);
    return 0;
}

/* A row under construction: its cells, column by column. */
typedef struct lay_rec {
    long lineno;
    size_t li;
    char **cell;
    size_t *len;
    int amounts; /* holds an amount */
    int name_only; /* holds text in the unit column and nothing else */
} lay_rec;

static void rec_free(lay_rec *r, size_t ncols)
{
    if (r->cell)
        for (size_t c = 0; c < ncols; c++)
            free(r->cell[c]);
    free(r->cell);
    free(r->len);
}

/* Append LEN bytes at S to cell C of R (after a space when SPACE and the cell is not empty). */
static int rec_append(lay_rec *r, size_t c, const char *s, size_t len, int space)
{
    char *p = realloc(r->cell[c], r->len[c] + len + 2);
    if (!p)
        return -1;
    if (space && r->len[c])
        p[r->len[c]++] = ' ';
    memcpy(p + r->len[c], s, len);
    r->len[c] += len;
    p[r->len[c]] = '\0';
    r->cell[c] = p;
    return 0;
}

/* Line LI of T as a row. */
static int make_rec(const lay_doc *d, const lay_table *T, const double *right, size_t li,
                    lay_rec *r)
{
    const lay_row *l = &d->lines[li];
    memset(r, 0, sizeof *r);
    r->lineno = l->lineno;
    r->li = li;
    size_t *col = malloc((l->nseg ? l->nseg : 1) * sizeof *col);
    r->cell = calloc(T->ncols, sizeof *r->cell);
    r->len = calloc(T->ncols, sizeof *r->len);
    if (!col || !r->cell || !r->len || (l->nseg && assign(d, T, right, li, col))) {
        free(col);
        return -1;
    }
    int other = 0;
    for (size_t k = 0; k < l->nseg; k++) {
        const lay_seg *s = &d->segs[l->first + k];
        if (rec_append(r, col[k], seg_text(d, s), s->len, 1)) {
            free(col);
            return -1;
        }
        r->amounts |= s->amount;
        other |= col[k] != T->name_col;
    }
    r->name_only = l->nseg && !other;
    free(col);
    return 0;
}

/* Join the rows whose name wrapped onto a line of its own (a narrow unit column): a name-only
 * line just above a row with no name starts that name; one just below a row ends its name. */
static int join_wrapped(const lay_doc *d, const lay_table *T, lay_rec *recs, size_t *n)
{
    size_t w = 0, nc = T->name_col;
    for (size_t i = 0; i < *n; i++) {
        lay_rec *r = &recs[i];
        if (r->name_only && i + 1 < *n && recs[i + 1].amounts && !recs[i + 1].len[nc] &&
            adjacent(d, r->li, recs[i + 1].li)) {
            lay_rec *next = &recs[i + 1];
            if (rec_append(next, nc, r->cell[nc], r->len[nc], 0))
                return -1;
            next->lineno = r->lineno;
            rec_free(r, T->ncols);
            continue;
        }
        if (r->name_only && w && recs[w - 1].amounts && recs[w - 1].len[nc] &&
            adjacent(d, recs[w - 1].li, r->li) &&
            !(i + 1 < *n && recs[i + 1].amounts && !recs[i + 1].len[nc])) {
            if (rec_append(&recs[w - 1], nc, r->cell[nc], r->len[nc], 0))
                return -1;
            recs[w - 1].li = r->li;
            rec_free(r, T->ncols);
            continue;
        }
        recs[w++] = *r;
    }
    *n = w;
    return 0;
}

/* Is line LI page furniture inside table T? */
static int furniture(const lay_doc *d, const lay_table *T, const char *title, size_t li)
{
    if (line_has_amount(d, li))
        return 0;
    char buf[1024] = "";
    const char *sq = line_squeezed(d, li, buf, sizeof buf);
    if (!sq[0] || is_unit_line(sq) || is_page_number(sq) || is_attachment(sq) ||
        (strstr(sq, "续表") && strlen(sq) <= 24) || (title && strcmp(sq, title) == 0))
        return 1;
    return repeats_header(d, T, li);
}

static void feed_single(loader *L, long lineno, const char *s)
{
    loader_row_begin(L, lineno);
    loader_cell(L, 0, s, strlen(s));
    loader_row_end(L);
}

/* Load table K of D into *OUT. */
static fp_error load_table(const lay_doc *d, size_t k, const char *name,
                           const fp_load_options *opts, fp_table **out, fp_diag *diag)
{
    const lay_table *T = &d->tables[k];
    *out = NULL;
    loader *L = loader_new(name, opts, diag);
    double *right = malloc(T->ncols * sizeof *right);
    fp_error e = FP_OK;
    if (!L || !right) {
        e = diag_set(diag, FP_ERR_NOMEM, name, 0, NULL, NULL, 0, "out of memory");
        goto done;
    }
    /* the title and the unit line */
    char title[1024] = "";
    for (size_t li = T->begin; li < T->a; li++) {
        char buf[1024] = "";
        const char *sq = line_squeezed(d, li, buf, sizeof buf);
        if (!sq[0])
            continue;
        if (!title[0] && !is_unit_line(sq))
            snprintf(title, sizeof title, "%s", sq);
        feed_single(L, d->lines[li].lineno, sq);
    }
    /* the header, one cell a column */
    loader_row_begin(L, d->lines[T->a].lineno);
    for (size_t c = 0; c < T->ncols; c++) {
        if (T->cols[c].group) { /* "group␟sub": named by the loader (read/header.c) */
            char cell[1024];
            int n = snprintf(cell, sizeof cell, "%s%c%s", T->cols[c].group, LOADER_GROUP_SEP,
                             T->cols[c].name);
            loader_cell(L, c, cell, n < 0 ? 0 : strnlen(cell, sizeof cell));
        } else {
            loader_cell(L, c, T->cols[c].name, strlen(T->cols[c].name));
        }
    }
    loader_row_end(L);
    lay_rec *recs = calloc(T->end - T->b, sizeof *recs);
    size_t nrec = 0;
    int page = -1;
    if (!recs)
        goto nomem;
    for (size_t li = T->b + 1; li < T->end; li++) {
        if (furniture(d, T, title[0] ? title : NULL, li))
            continue;
        if (d->lines[li].page != page) {
            page = d->lines[li].page;
            calibrate(d, T, page, right);
        }
        if (make_rec(d, T, right, li, &recs[nrec++]))
            goto nomem;
    }
    if (join_wrapped(d, T, recs, &nrec))
        goto nomem;
    for (size_t i = 0; i < nrec && !loader_error(L); i++) {
        loader_row_begin(L, recs[i].lineno);
        for (size_t c = 0; c < T->ncols; c++)
            loader_cell(L, c, recs[i].cell[c] ? recs[i].cell[c] : "", recs[i].len[c]);
        loader_row_end(L);
    }
    for (size_t i = 0; i < nrec; i++)
        rec_free(&recs[i], T->ncols);
    free(recs);
    recs = NULL;
    e = loader_finish(L, out);
    goto done;
nomem:
    if (recs) {
        for (size_t i = 0; i < nrec; i++)
            rec_free(&recs[i], T->ncols);
        free(recs);
    }
    e = diag_set(diag, FP_ERR_NOMEM, name, 0, NULL, NULL, 0, "out of memory");
done:
    free(right);
    loader_free(L);
    return e;
}

void lay_meta_attach(fp_table *t, lay_meta *m)
{
    table_set_origin(t, m->first_page, m->last_page, m->doc_number, m->title, m->issuer,
                     m->codes);
    memset(m, 0, sizeof *m);
}

/* ---- the notice's letter ---- */

/* Read the letter on lines [0, END) of D for the notice's metadata (read/letter.c). */
static int read_letter(const lay_doc *d, size_t end, lay_meta *m)
{
    char **lines = calloc(end ? end : 1, sizeof *lines);
    int rc = lines ? 0 : -1;
    for (size_t li = 0; li < end && !rc; li++) {
        char buf[2048] = "";
        line_squeezed(d, li, buf, sizeof buf);
        if (!(lines[li] = strdup(buf)))
            rc = -1;
    }
    if (!rc)
        letter_read((const char *const *)lines, end, m);
    for (size_t li = 0; lines && li < end; li++)
        free(lines[li]);
    free(lines);
    return rc;
}

/* ---- choosing the table ---- */

long lay_score(const fp_table *t)
{
    size_t n = fp_table_row_count(t), uncertain = 0, nested = 0;
    for (size_t r = 0; r < n; r++) {
        uncertain += fp_table_row_uncertain(t, r) != 0;
        nested += fp_table_parent(t, r) != FP_NONE;
    }
    long s = (long)n;
    if (nested)
        s += 1000000L;
    if (nested && !uncertain)
        s += 2000000L;
    return s;
}

fp_error lay_load(lay_doc *d, const char *name, int paged, const fp_load_options *opts,
                  fp_table **out, lay_meta *meta, fp_diag *diag)
{
    *out = NULL;
    fp_diag_clear(diag);
    /* the tables found with glued words as one cell; then the glue that joins two cells is cut
     * (a remark beside an amount, header words over two columns) and the tables found again */
    int err = lay_join_words(d) || find_tables(d);
    size_t cut = 0;
    for (size_t k = 0; !err && k < d->ntables; k++)
        cut += lay_cut_words(d, &d->tables[k]);
    if (!err && cut)
        err = lay_join_words(d) || find_tables(d);
    if (err)
        return diag_set(diag, FP_ERR_NOMEM, name, 0, NULL, NULL, 0, "out of memory");
    if (!d->ntables)
        return diag_set(diag, FP_ERR_EMPTY, name, 0, NULL, NULL, 0,
                        "no table found in %s: no line names the unit column (单位, 拨款单位, "
                        "地区 …) above rows of amounts",
                        name);
    size_t pick = FP_NONE;
    fp_table *best = NULL;
    if (opts && opts->table) {
        if (opts->table > d->ntables)
            return diag_set(diag, FP_ERR_ARGUMENT, name, 0, NULL, NULL, 0,
                            "table %zu asked for, but %s holds %zu table%s", opts->table, name,
                            d->ntables, d->ntables == 1 ? "" : "s");
        pick = opts->table - 1;
        fp_error e = load_table(d, pick, name, opts, &best, diag);
        if (e)
            return e;
    } else {
        long best_score = -1;
        fp_diag first;
        fp_error first_err = FP_OK;
        for (size_t k = 0; k < d->ntables; k++) {
            fp_table *t = NULL;
            fp_diag dk;
            fp_error e = load_table(d, k, name, opts, &t, &dk);
            if (e) {
                if (!first_err) {
                    first_err = e;
                    first = dk;
                }
                if (e == FP_ERR_NOMEM)
                    break;
                continue;
            }
            long s = lay_score(t);
            if (s > best_score) {
                fp_table_free(best);
                best = t;
                best_score = s;
                pick = k;
            } else {
                fp_table_free(t);
            }
        }
        if (!best) {
            if (diag)
                *diag = first;
            return first_err;
        }
    }
    const lay_table *T = &d->tables[pick];
    if (meta) {
        memset(meta, 0, sizeof *meta);
        if (paged) {
            meta->first_page = d->lines[T->a].page + 1;
            meta->last_page = d->lines[T->end - 1].page + 1;
        }
        if (read_letter(d, T->begin, meta)) {
            fp_table_free(best);
            return diag_set(diag, FP_ERR_NOMEM, name, 0, NULL, NULL, 0, "out of memory");
        }
    }
    *out = best;
    return FP_OK;
}

