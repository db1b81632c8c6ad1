/* read/page.c — the page furniture of a table copied out of a notice: titles, unit lines, page
 * numbers, 续表, and the header repeated on every page (worded a little differently, or split
 * over lines), told from data rows so the loader can drop them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "read/loader_impl.h"
#include "util/buf.h"
#include "util/hanzi.h"

/* Length of a space (ASCII, U+3000, U+00A0) at S, or 0. */
static size_t space_at(const char *s, size_t len)
{
    const unsigned char *u = (const unsigned char *)s;
    if (len >= 1 && (u[0] == ' ' || u[0] == '\t'))
        return 1;
    if (len >= 2 && u[0] == 0xC2 && u[1] == 0xA0)
        return 2;
    if (len >= 3 && u[0] == 0xE3 && u[1] == 0x80 && u[2] == 0x80)
        return 3;
    return 0;
}

/* Trim spaces around S (and, when COLON, colons at its end: "总计：" is "总计"). */
void page_trim(const char **s, size_t *len, int colon)
{
    size_t n;
    while (*len && (n = space_at(*s, *len)) != 0) {
        *s += n;
        *len -= n;
    }
    for (;;) {
        const char *e = *s + *len;
        if (*len >= 1 && (e[-1] == ' ' || e[-1] == '\t' || (colon && e[-1] == ':')))
            *len -= 1;
        else if (*len >= 2 && memcmp(e - 2, "\xC2\xA0", 2) == 0)
            *len -= 2;
        else if (*len >= 3 && (memcmp(e - 3, "\xE3\x80\x80", 3) == 0 ||
                               (colon && memcmp(e - 3, "：", 3) == 0)))
            *len -= 3;
        else
            break;
    }
}

static int starts_with(const char *s, const char *p) { return strncmp(s, p, strlen(p)) == 0; }

/* The unit named by a "单位：万元" line (also 單位：萬元, 金额单位：…), simplified, into UNIT (of
 * CAP bytes); 1 when S is such a line, else 0. */
int page_unit_of_line(const char *s, char *unit, size_t cap)
{
    static const char *const prefixes[] = {"单位：", "单位:", "金额单位：", "金额单位:", NULL};
    size_t len = strlen(s);
    char buf[256];
    if (len >= sizeof buf)
        return 0;
    hz_simplify(s, len, buf);
    for (const char *const *p = prefixes; *p; p++)
        if (starts_with(buf, *p)) {
            const char *u = buf + strlen(*p);
            while (*u == ' ')
                u++;
            snprintf(unit, cap, "%s", u);
            return 1;
        }
    return 0;
}

/* A page number: "第 3 页", "第3页 共5页", "- 3 -", "— 3 —", "3 / 5". */
static int is_page_number(const char *s)
{
    const char *p = s;
    int digits = 0, dashes = 0, slash = 0;
    if (starts_with(p, "第")) {
        p += strlen("第");
        while (*p == ' ')
            p++;
        while (*p >= '0' && *p <= '9')
            p++, digits++;
        while (*p == ' ')
            p++;
        return digits && starts_with(p, "页");
    }
    while (*p) {
        if (*p >= '0' && *p <= '9')
            digits++, p++;
        else if (*p == ' ')
            p++;
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


/* S (trimmed) is a unit line: check it names the table's unit (a table has one), and take it
 * as the unit when none was seen. 1 when S is a unit line. */
static int unit_line(loader *L, const char *s)
{
    char u[128];
    if (!page_unit_of_line(s, u, sizeof u))
        return 0;
    if (L->t->unit && strcmp(u, L->t->unit) != 0)
        L->err = diag_set(L->diag, FP_ERR_CSV, L->t->source, L->rec_line, NULL, s, strlen(s),
                          "the unit changes from %s to %s here; a table has one unit",
                          L->t->unit, u);
    else if (!L->t->unit && !(L->t->unit = strdup(u)))
        L->err = diag_set(L->diag, FP_ERR_NOMEM, L->t->source, L->rec_line, NULL, NULL, 0,
                          "out of memory");
    return 1;
}

/* Is the line S (one cell, trimmed) page furniture: a title seen before the header, the unit
 * line, "(此页无正文)", "续表", "附件1", a note (注：…), a page number? A unit line naming
 * another unit is an error. */
static int is_furniture_line(loader *L, const char *s)
{
    for (size_t i = 0; i < L->ntitles; i++)
        if (strcmp(s, L->titles[i]) == 0)
            return 1;
    if (unit_line(L, s))
        return 1;
    char buf[512];
    size_t len = strlen(s);
    if (len >= sizeof buf)
        return 0;
    hz_simplify(s, len, buf); /* 續表, 第3頁, 此頁無正文 */
    return strstr(buf, "此页无正文") || (strstr(buf, "续表") && len <= 24) ||
           starts_with(buf, "附件") || starts_with(buf, "注：") || starts_with(buf, "注:") ||
           starts_with(buf, "说明：") || starts_with(buf, "备注：") || starts_with(buf, "备注:") ||
           is_page_number(buf);
}

/* Does the cell C read as the header H of its column: a part of it (a header split over
 * lines), or the same words a little changed (中医药健康管理服务建设项目 for
 * 中医药健康管理服务项目 on a later page): what the two share at the start and at the end
 * covers two thirds of the shorter, beginning with two characters at least. Both simplified.
 * 2 when C is a part of H, 1 when it is the same words changed, else 0. */
static int reads_as_header(const char *c, const char *h)
{
    if (strstr(h, c))
        return 2;
    size_t lc = strlen(c), lh = strlen(h), shorter = lc < lh ? lc : lh;
    size_t pre = 0, suf = 0;
    while (pre < shorter && c[pre] == h[pre])
        pre++;
    while (pre > 0 && ((unsigned char)c[pre] & 0xC0) == 0x80)
        pre--; /* whole characters only */
    while (suf < shorter - pre && c[lc - 1 - suf] == h[lh - 1 - suf])
        suf++;
    while (suf > 0 && ((unsigned char)c[lc - suf] & 0xC0) == 0x80)
        suf--;
    return pre >= 6 && 3 * (pre + suf) >= 2 * shorter;
}

int page_cell_is_amount(const char *s, size_t len)
{
    fp_amount v;
    fp_amount_info info;
    return len && fp_amount_parse(s, len, &v, &info) == FP_OK && !info.blank;
}

/* Is the held data record page furniture, to be dropped? A line with no amount whose cells
 * read as the header (most of them: a later page may word one column differently) or are the
 * unit line (拨款单位 and 单位：万元 on one line), or a single line of furniture. */
int page_record_is_furniture(loader *L)
{
    const fp_table *t = L->t;
    size_t nonempty = 0, inside = 0, first = 0, amounts = 0, in_header = 0, units = 0, alike = 0;
    int like;
    for (size_t i = 0; i < L->nrec; i++) {
        const char *c = rec_cell(L, i);
        size_t len = strlen(c);
        if (!len)
            continue;
        if (nonempty++ == 0)
            first = i;
        if (i >= t->ncols)
            continue;
        inside++;
        char cbuf[512], hbuf[512];
        page_trim(&c, &len, 0);
        if (page_cell_is_amount(c, len)) {
            amounts++;
            continue;
        }
        size_t hl = strlen(t->cols[i].name);
        if (!len || len >= sizeof cbuf || hl >= sizeof hbuf)
            continue;
        hz_simplify(c, len, cbuf);
        hz_simplify(t->cols[i].name, hl, hbuf);
        char u[128];
        if (page_unit_of_line(cbuf, u, sizeof u))
            units++;
        else if ((like = reads_as_header(cbuf, hbuf)) != 0)
            *(like == 2 ? &in_header : &alike) += 1; /* "拨款单位", a line of a split header */
    }
    if (inside == 0)
        return 1; /* only cells right of the table: a page number or a note in the margin */
    if (amounts)
        return 0;
    if (nonempty == 1) {
        const char *c = rec_cell(L, first);
        size_t len = strlen(c);
        page_trim(&c, &len, 0);
        char buf[512];
        if (len >= sizeof buf)
            return 0;
        memcpy(buf, c, len);
        buf[len] = '\0';
        if (is_furniture_line(L, buf))
            return 1;
    }
    if (in_header + units == nonempty && nonempty == inside) {
        for (size_t i = 0; units && i < L->nrec && !L->err; i++) {
            const char *c = rec_cell(L, i);
            size_t len = strlen(c);
            char buf[512];
            page_trim(&c, &len, 0);
            if (len && len < sizeof buf) {
                memcpy(buf, c, len);
                buf[len] = '\0';
                unit_line(L, buf);
            }
        }
        return 1;
    }
    /* a header repeated with a column worded differently: most cells read as the header */
    return in_header + alike >= 2 && 3 * (in_header + alike) >= 2 * nonempty;
}

/* ---- side-by-side pages ---- */

/* One group's queued rows: entries of [long line][size_t ncells] then the cells, each
 * NUL-terminated, in BUF. */
struct side_queue {
    char *buf;
    size_t len, cap;
};

size_t page_side_width(char *const *cells, size_t n)
{
    for (size_t g = 2; g <= n / 2; g++) {
        if (n % g || n / g > 3)
            continue;
        int same = 1;
        size_t named = 0;
        for (size_t i = 0; i < g; i++)
            named += cells[i][0] != '\0';
        for (size_t i = g; i < n && same; i++)
            same = strcmp(cells[i], cells[i % g]) == 0;
        if (same && named == g)
            return g;
    }
    return 0;
}

static int queue_put(struct side_queue *q, const void *p, size_t len)
{
    if (buf_reserve((void **)&q->buf, &q->cap, q->len + len, 1))
        return -1;
    memcpy(q->buf + q->len, p, len);
    q->len += len;
    return 0;
}

/* Queue cells [FROM, FROM + N) of the held record for group J. */
static void queue_slice(loader *L, size_t j, size_t from, size_t n)
{
    struct side_queue *q = &L->side[j];
    long line = L->rec_line;
    int bad = queue_put(q, &line, sizeof line) || queue_put(q, &n, sizeof n);
    for (size_t i = 0; i < n && !bad; i++) {
        const char *c = rec_cell(L, from + i);
        bad = queue_put(q, c, strlen(c) + 1);
    }
    if (bad)
        L->err = diag_set(L->diag, FP_ERR_NOMEM, L->t->source, L->rec_line, NULL, NULL, 0,
                          "out of memory");
}

void page_side_record(loader *L)
{
    if (!L->side && !(L->side = calloc(L->groups, sizeof *L->side))) {
        L->err = diag_set(L->diag, FP_ERR_NOMEM, L->t->source, L->rec_line, NULL, NULL, 0,
                          "out of memory");
        return;
    }
    size_t n = L->nrec, g = L->gwidth;
    size_t *roff = L->roff;
    int keep[3] = {0, 0, 0}, data = 0;
    for (size_t j = 0; j < L->groups && j * g < n; j++) {
        /* the last group takes any cells right of the table with it (damage) */
        size_t from = j * g, len = j + 1 == L->groups ? n - from : (n - from < g ? n - from : g);
        int empty = 1;
        for (size_t i = from; i < from + len && empty; i++)
            empty = rec_cell(L, i)[0] == '\0';
        if (empty)
            continue;
        L->roff = roff + from;
        L->nrec = len;
        keep[j] = !page_record_is_furniture(L);
        data |= keep[j];
        L->roff = roff;
        L->nrec = n;
        if (L->err)
            return;
    }
    if (!data) { /* the page ends: its groups, one after the other */
        page_side_flush(L);
        return;
    }
    for (size_t j = 0; j < L->groups && !L->err; j++)
        if (keep[j]) {
            size_t from = j * g;
            queue_slice(L, j, from, j + 1 == L->groups ? n - from : (n - from < g ? n - from : g));
        }
}

void page_side_flush(loader *L)
{
    if (!L->side)
        return;
    long line = L->rec_line;
    for (size_t j = 0; j < L->groups && !L->err; j++) {
        struct side_queue *q = &L->side[j];
        size_t pos = 0;
        while (pos < q->len && !L->err) {
            size_t n;
            memcpy(&L->rec_line, q->buf + pos, sizeof L->rec_line);
            pos += sizeof L->rec_line;
            memcpy(&n, q->buf + pos, sizeof n);
            pos += sizeof n;
            L->nrec = L->rlen = 0;
            for (size_t i = 0; i < n && !L->err; i++) {
                size_t len = strlen(q->buf + pos);
                loader_hold_cell(L, q->buf + pos, len);
                pos += len + 1;
            }
            if (!L->err)
                loader_store_held(L);
        }
        q->len = 0;
    }
    L->rec_line = line;
}

void page_side_free(loader *L)
{
    if (!L->side)
        return;
    for (size_t j = 0; j < L->groups; j++)
        free(L->side[j].buf);
    free(L->side);
    L->side = NULL;
}
