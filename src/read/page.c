/* read/page.c — the page furniture of a table copied out of a notice: titles, unit lines, page
 * numbers, 续表, and the header repeated on every page (worded a little differently, or split
 * over lines), told from data rows so the loader can drop them. */
#include <stdlib.h>
#include <string.h>

#include "read/loader_impl.h"
#include "util/buf.h"

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

/* The unit named by a "单位：万元" line, or NULL. */
const char *page_unit_of_line(const char *s)
{
    static const char *const prefixes[] = {"单位：", "单位:", "金额单位：", "金额单位:", NULL};
    for (const char *const *p = prefixes; *p; p++)
        if (starts_with(s, *p)) {
            s += strlen(*p);
            while (*s == ' ')
                s++;
            return s;
        }
    return NULL;
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


/* Is the line S (one cell, trimmed) page furniture: a title seen before the header, the unit
 * line, "(此页无正文)", "续表", "附件1", a note (注：…), a page number? A unit line naming
 * another unit is an error. */
static int is_furniture_line(loader *L, const char *s)
{
    for (size_t i = 0; i < L->ntitles; i++)
        if (strcmp(s, L->titles[i]) == 0)
            return 1;
    const char *u = page_unit_of_line(s);
    if (u) {
        if (L->t->unit && strcmp(u, L->t->unit) != 0)
            L->err = diag_set(L->diag, FP_ERR_CSV, L->t->source, L->rec_line, NULL, s, strlen(s),
                              "the unit changes from %s to %s here; a table has one unit",
                              L->t->unit, u);
        return 1;
    }
    return strstr(s, "此页无正文") || (strstr(s, "续表") && strlen(s) <= 24) ||
           starts_with(s, "附件") || starts_with(s, "注：") || starts_with(s, "注:") ||
           starts_with(s, "说明：") || is_page_number(s);
}

int page_cell_is_amount(const char *s, size_t len)
{
    fp_amount v;
    fp_amount_info info;
    return len && fp_amount_parse(s, len, &v, &info) == FP_OK && !info.blank;
}

/* Is the held data record page furniture, to be dropped? */
int page_record_is_furniture(loader *L)
{
    const fp_table *t = L->t;
    size_t nonempty = 0, inside = 0, first = 0, amounts = 0, in_header = 0;
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
        if (page_cell_is_amount(c, len))
            amounts++;
        else if (strstr(t->cols[i].name, c))
            in_header++; /* "拨款单位", or one line of a header split over two */
    }
    if (inside == 0)
        return 1; /* only cells right of the table: a page number or a note in the margin */
    if (amounts)
        return 0;
    if (in_header == inside && nonempty == inside)
        return 1;
    if (nonempty == 1) {
        const char *c = rec_cell(L, first);
        size_t len = strlen(c);
        page_trim(&c, &len, 0);
        char buf[512];
        if (len >= sizeof buf)
            return 0;
        memcpy(buf, c, len);
        buf[len] = '\0';
        return is_furniture_line(L, buf);
    }
    return 0;
}

