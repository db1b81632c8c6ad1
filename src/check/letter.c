/* check/letter.c — the amounts a letter states, matched to the table figure each names and compared. */
#include "fenpei/letter.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fenpei/package.h"
#include "read/docx.h"
#include "util/buf.h"

struct fp_letter_report {
    char *source;
    fp_letter_amount *items;
    size_t n, cap;
    strpool pool; /* quotes and stated texts */
    size_t *quote_off, *stated_off;
    size_t errors, warnings;
};

size_t fp_letter_report_count(const fp_letter_report *r) { return r->n; }
const fp_letter_amount *fp_letter_report_get(const fp_letter_report *r, size_t i)
{
    return &r->items[i];
}
size_t fp_letter_report_errors(const fp_letter_report *r) { return r->errors; }
size_t fp_letter_report_warnings(const fp_letter_report *r) { return r->warnings; }
const char *fp_letter_report_source(const fp_letter_report *r) { return r->source; }

void fp_letter_report_free(fp_letter_report *r)
{
    if (!r)
        return;
    free(r->source);
    free(r->items);
    free(r->quote_off);
    free(r->stated_off);
    strpool_free(&r->pool);
    free(r);
}

/* ---- reading the text ---- */

/* Length of the UTF-8 character at S (1 for a stray byte). */
static size_t char_len(const char *s)
{
    unsigned char c = (unsigned char)*s;
    return c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
}

/* 1 when the character at S is a digit, ASCII or full-width. */
static int is_digit(const char *s, const char *end)
{
    if (*s >= '0' && *s <= '9')
        return 1;
    return end - s >= 3 && (unsigned char)s[0] == 0xEF && (unsigned char)s[1] == 0xBC &&
           (unsigned char)s[2] >= 0x90 && (unsigned char)s[2] <= 0x99;
}

/* Length of a number's inner separator at S (',', '.', full-width ，．and ,) or 0. */
static size_t is_sep(const char *s, const char *end)
{
    if (*s == '.' || *s == ',')
        return 1;
    if (end - s >= 3 && (strncmp(s, "．", 3) == 0 || strncmp(s, "，", 3) == 0))
        return 3;
    return 0;
}

/* Sentence ends: a new sentence forgets the column its words named. */
static int sentence_end(const char *s, const char *end)
{
    static const char *const marks[] = {"。", "；", ";", "！", "？"};
    for (size_t i = 0; i < sizeof marks / sizeof marks[0]; i++) {
        size_t n = strlen(marks[i]);
        if ((size_t)(end - s) >= n && memcmp(s, marks[i], n) == 0)
            return (int)n;
    }
    return 0;
}

/* The words that name a column, most specific first. */
typedef struct keyword {
    const char *text;
    fp_role role;
} keyword;

static const keyword keywords[] = {
    {"已提前下达", FP_ROLE_ADVANCE}, {"提前下达", FP_ROLE_ADVANCE}, {"已下达", FP_ROLE_ADVANCE},
    {"全年应拨付", FP_ROLE_TOTAL},   {"全年", FP_ROLE_TOTAL},       {"共安排", FP_ROLE_TOTAL},
    {"年度", FP_ROLE_TOTAL},         {"此次下达", FP_ROLE_BATCH},   {"本次下达", FP_ROLE_BATCH},
    {"现下达", FP_ROLE_BATCH},       {"现将", FP_ROLE_BATCH},       {"下达", FP_ROLE_BATCH},
    {"拨付", FP_ROLE_BATCH},
};

/* Find the last occurrence of NEEDLE in [S, E); returns its start or NULL. */
static const char *last_in(const char *s, const char *e, const char *needle)
{
    size_t n = strlen(needle);
    const char *best = NULL;
    for (const char *p = s; p + n <= e; p++)
        if (memcmp(p, needle, n) == 0)
            best = p;
    return best;
}

/* The role named last in [S, E), or FP_ROLE_TEXT when none. */
static fp_role named_role(const char *s, const char *e)
{
    const char *best = NULL;
    fp_role role = FP_ROLE_TEXT;
    for (size_t i = 0; i < sizeof keywords / sizeof keywords[0]; i++) {
        const char *p = last_in(s, e, keywords[i].text);
        /* the later word wins; at the same place the longer, listed first, does */
        if (p && (!best || p + strlen(keywords[i].text) > best)) {
            best = p + strlen(keywords[i].text);
            role = keywords[i].role;
        }
    }
    return role;
}

/* The category column named in [S, E) (the longest name found), or FP_NONE. */
static size_t named_category(const fp_table *t, const char *s, const char *e)
{
    const size_t *cats;
    size_t n = fp_table_categories(t, &cats), best = FP_NONE, best_len = 0;
    for (size_t i = 0; i < n; i++) {
        const char *name = fp_table_column_name(t, cats[i]);
        size_t len = strlen(name);
        if (len > best_len && last_in(s, e, name)) {
            best = cats[i];
            best_len = len;
        }
    }
    return best;
}

/* The row named in [S, E): the longest display name found (at least two characters); the
 * rightmost when several are as long. *AMBIGUOUS when that name belongs to several rows. */
static size_t named_row(const fp_table *t, const char *s, const char *e, int *ambiguous)
{
    size_t best = FP_NONE, best_len = 0;
    const char *best_at = NULL;
    *ambiguous = 0;
    for (size_t r = 0; r < fp_table_row_count(t); r++) {
        size_t len;
        const char *name = fp_package_display_name(fp_table_row_name(t, r), &len);
        if (len < 6) /* two CJK characters */
            continue;
        char buf[512];
        if (len >= sizeof buf)
            continue;
        memcpy(buf, name, len);
        buf[len] = '\0';
        const char *at = last_in(s, e, buf);
        if (!at)
            continue;
        if (len > best_len || (len == best_len && at > best_at)) {
            best = r;
            best_len = len;
            best_at = at;
            *ambiguous = 0;
        } else if (len == best_len && at == best_at) {
            *ambiguous = 1;
        }
    }
    return best;
}

/* 10^k as a factor of fp_amount units for a unit's name: 元 0, 万元 4, 亿元 8; -1 unknown. */
static int unit_power(const char *unit)
{
    if (!unit || strcmp(unit, "万元") == 0)
        return 4;
    if (strcmp(unit, "元") == 0)
        return 0;
    if (strcmp(unit, "亿元") == 0)
        return 8;
    return -1;
}

/* V stated in 10^FROM 元 as an amount in 10^TO 元; -1 when it does not fit or is not exact. */
static int convert(fp_amount v, int from, int to, fp_amount *out)
{
    for (; from > to; from--)
        if (__builtin_mul_overflow(v, 10, &v))
            return -1;
    for (; from < to; from++) {
        if (v % 10)
            return -1;
        v /= 10;
    }
    *out = v;
    return 0;
}

/* The sum of column COL over the top rows (the 总计 when there is one). */
static fp_amount top_total(const fp_table *t, size_t col, size_t *row)
{
    size_t r0 = fp_table_first_root(t);
    *row = r0 != FP_NONE && fp_table_next_sibling(t, r0) == FP_NONE ? r0 : FP_NONE;
    fp_amount sum = 0;
    for (size_t r = r0; r != FP_NONE; r = fp_table_next_sibling(t, r))
        if (fp_amount_add(sum, fp_table_amount(t, r, col), &sum))
            return 0;
    return sum;
}

/* Some amount cell of T equal to V: its row and column, or -1. */
static int find_equal(const fp_table *t, fp_amount v, size_t *row, size_t *col)
{
    for (size_t r = 0; r < fp_table_row_count(t); r++)
        for (size_t c = 0; c < fp_table_column_count(t); c++)
            if (fp_table_column_is_amount(t, c) && !fp_table_is_blank(t, r, c) &&
                fp_table_amount(t, r, c) == v) {
                *row = r;
                *col = c;
                return 0;
            }
    return -1;
}

static int add_item(fp_letter_report *rep, const fp_letter_amount *a, const char *quote,
                    size_t qlen, const char *stated, size_t slen)
{
    size_t qo, so, cap = rep->cap;
    if (strpool_add(&rep->pool, quote, qlen, &qo) || strpool_add(&rep->pool, stated, slen, &so) ||
        buf_reserve((void **)&rep->items, &rep->cap, rep->n + 1, sizeof *rep->items))
        return -1;
    if (rep->cap != cap) {
        size_t *q = realloc(rep->quote_off, rep->cap * sizeof *q);
        if (q)
            rep->quote_off = q;
        size_t *s = q ? realloc(rep->stated_off, rep->cap * sizeof *s) : NULL;
        if (s)
            rep->stated_off = s;
        if (!q || !s)
            return -1;
    }
    rep->items[rep->n] = *a;
    rep->quote_off[rep->n] = qo;
    rep->stated_off[rep->n] = so;
    rep->n++;
    return 0;
}

fp_error fp_letter_check_text(const fp_table *t, const char *text, size_t len, const char *name,
                              fp_letter_report **out, fp_diag *diag)
{
    fp_diag_clear(diag);
    *out = NULL;
    fp_letter_report *rep = calloc(1, sizeof *rep);
    if (!rep || !(rep->source = strdup(name ? name : "(letter)"))) {
        fp_letter_report_free(rep);
        return diag_set(diag, FP_ERR_NOMEM, NULL, 0, NULL, NULL, 0, "out of memory");
    }
    int table_power = unit_power(fp_table_unit(t));
    const char *end = text + len;
    const char *segment = text;  /* just after the previous amount of the sentence */
    fp_role carried = FP_ROLE_TEXT;
    long line = 1;
    const char *p = text;
    while (p < end) {
        int se = sentence_end(p, end);
        if (se) {
            p += se;
            segment = p;
            carried = FP_ROLE_TEXT;
            continue;
        }
        if (*p == '\n') {
            line++;
            p++;
            continue;
        }
        size_t colon = (size_t)(end - p) >= 3 && strncmp(p, "：", 3) == 0 ? 3 : *p == ':' ? 1 : 0;
        if (colon) {
            /* "其中：" — what follows names its own row; a column named before carries on */
            fp_role before = named_role(segment, p);
            if (before != FP_ROLE_TEXT)
                carried = before;
            p += colon;
            segment = p;
            continue;
        }
        if (!is_digit(p, end) || (p > text && (p[-1] == '.' || (p[-1] >= '0' && p[-1] <= '9')))) {
            p += char_len(p);
            continue;
        }
        /* a number: digits with inner separators */
        const char *num = p, *q = p;
        while (q < end) {
            if (is_digit(q, end)) {
                q += char_len(q);
            } else {
                size_t k = is_sep(q, end);
                if (k && q + k < end && is_digit(q + k, end))
                    q += k;
                else
                    break;
            }
        }
        const char *num_end = q;
        while (q < end && *q == ' ')
            q++;
        int power = -1;
        size_t ulen = 0;
        if ((size_t)(end - q) >= strlen("万元") && strncmp(q, "万元", strlen("万元")) == 0)
            power = 4, ulen = strlen("万元");
        else if ((size_t)(end - q) >= strlen("亿元") && strncmp(q, "亿元", strlen("亿元")) == 0)
            power = 8, ulen = strlen("亿元");
        else if ((size_t)(end - q) >= strlen("元") && strncmp(q, "元", strlen("元")) == 0)
            power = 0, ulen = strlen("元");
        if (power < 0) {
            p = num_end;
            continue;
        }
        /* the words before it: the column they name carries to the sentence's later parts */
        fp_role role = named_role(segment, num);
        if (role == FP_ROLE_TEXT)
            role = carried;
        else
            carried = role;
        size_t category = named_category(t, segment, num);
        const char *next = q + ulen; /* where the words of the next amount start */
        int ambiguous = 0;
        size_t row = named_row(t, segment, num, &ambiguous);
        if (category == FP_NONE && row == FP_NONE && (size_t)(end - (q + ulen)) >= 6 &&
            strncmp(q + ulen, "用于", 6) == 0) {
            /* "90万元用于传染病监测预警…": the purpose after it, to the next comma, names it */
            const char *after = q + ulen + 6, *stop = after;
            while (stop < end && !sentence_end(stop, end) && *stop != '\n' && *stop != ',' &&
                   strncmp(stop, "，", 3) != 0 && strncmp(stop, "、", 3) != 0)
                stop += char_len(stop);
            category = named_category(t, after, stop);
            row = named_row(t, after, stop, &ambiguous);
            next = stop; /* the purpose is this amount's, not the next one's */
        }
        /* a comma-separated part (其中：自治区本级210万元，地州3117万元) names its own row */
        fp_letter_amount a = {0};
        a.line = line;
        a.row = FP_NONE;
        a.column = FP_NONE;
        fp_amount v;
        fp_amount_info info;
        int ok = fp_amount_parse(num, (size_t)(num_end - num), &v, &info) == FP_OK &&
                 table_power >= 0 && convert(v, power, table_power, &v) == 0;
        const char *stated = num;
        size_t slen = (size_t)(q + ulen - num);
        const char *quote = segment;
        /* skip leading punctuation of the quote: it starts after the previous amount */
        while (quote < num && (*quote == ' ' || *quote == '\n' || strncmp(quote, "，", 3) == 0 ||
                               strncmp(quote, "、", 3) == 0 || strncmp(quote, "）", 3) == 0))
            quote += *quote == ' ' || *quote == '\n' ? 1 : 3;
        if (!ok) {
            p = q + ulen;
            segment = p;
            continue; /* not an amount we can state exactly: not compared */
        }
        a.stated = v;
        size_t col = category != FP_NONE ? category
                     : role != FP_ROLE_TEXT ? fp_table_role_column(t, role)
                                            : FP_NONE;
        if (col != FP_NONE && !ambiguous) {
            size_t top;
            a.column = col;
            if (row != FP_NONE) {
                a.row = row;
                a.expected = fp_table_amount(t, row, col);
            } else {
                a.expected = top_total(t, col, &top);
                a.row = top;
            }
            a.status = a.expected == v ? FP_LETTER_MATCH : FP_LETTER_MISMATCH;
        } else {
            size_t r, c;
            if (find_equal(t, v, &r, &c) == 0) {
                a.status = FP_LETTER_MATCH;
                a.row = r;
                a.column = c;
                a.expected = v;
            } else {
                a.status = FP_LETTER_UNMATCHED;
            }
        }
        if (a.status == FP_LETTER_MISMATCH)
            rep->errors++;
        else if (a.status == FP_LETTER_UNMATCHED)
            rep->warnings++;
        if (add_item(rep, &a, quote, (size_t)(q + ulen - quote), stated, slen)) {
            fp_letter_report_free(rep);
            return diag_set(diag, FP_ERR_NOMEM, NULL, 0, NULL, NULL, 0, "out of memory");
        }
        p = next;
        segment = p;
    }
    for (size_t i = 0; i < rep->n; i++) {
        rep->items[i].quote = strpool_get(&rep->pool, rep->quote_off[i]);
        rep->items[i].stated_text = strpool_get(&rep->pool, rep->stated_off[i]);
    }
    *out = rep;
    return FP_OK;
}

/* 1 when PATH ends with EXT (ASCII, any case). */
static int has_ext(const char *path, const char *ext)
{
    size_t n = strlen(path), k = strlen(ext);
    if (n < k)
        return 0;
    for (size_t i = 0; i < k; i++) {
        char c = path[n - k + i];
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        if (c != ext[i])
            return 0;
    }
    return 1;
}

fp_error fp_letter_check_file(const fp_table *t, const char *path, fp_letter_report **out,
                              fp_diag *diag)
{
    fp_diag_clear(diag);
    *out = NULL;
    char *text = NULL;
    size_t len = 0;
    fp_error e = FP_OK;
    if (has_ext(path, ".docx")) {
        /* the Word reader: paragraphs one a line, a table's rows as tab-separated lines */
        docx *d = NULL;
        if ((e = docx_open_file(path, &d, diag)) != FP_OK)
            return e;
        strbuf b = {0};
        for (size_t i = 0; i < docx_block_count(d); i++) {
            const docx_block *blk = docx_block_at(d, i);
            if (!blk->is_table) {
                strbuf_str(&b, blk->text);
                strbuf_add(&b, "\n", 1);
                continue;
            }
            for (size_t r = 0; r < blk->rows; r++) {
                for (size_t c = 0; c < blk->cols; c++) {
                    const docx_cell *cell = docx_cell_at(blk, r, c);
                    if (c)
                        strbuf_add(&b, "\t", 1);
                    if (cell)
                        strbuf_str(&b, cell->text);
                }
                strbuf_add(&b, "\n", 1);
            }
        }
        docx_free(d);
        strbuf_add(&b, "", 0);
        if (b.oom) {
            strbuf_free(&b);
            return diag_set(diag, FP_ERR_NOMEM, NULL, 0, NULL, NULL, 0, "out of memory");
        }
        text = b.data;
        len = b.len;
    } else if (has_ext(path, ".pdf")) {
        return diag_set(diag, FP_ERR_ARGUMENT, path, 0, NULL, NULL, 0,
                        "%s: reading a letter from PDF needs the PDF reader, not in this build; "
                        "give the letter as .docx or .txt",
                        path);
    } else {
        FILE *f = fopen(path, "rb");
        if (!f)
            return diag_set(diag, FP_ERR_IO, path, 0, NULL, NULL, 0, "cannot open %s: %s", path,
                            strerror(errno));
        size_t cap = 0;
        for (;;) {
            if (buf_reserve((void **)&text, &cap, len + 65537, 1)) {
                fclose(f);
                free(text);
                return diag_set(diag, FP_ERR_NOMEM, NULL, 0, NULL, NULL, 0, "out of memory");
            }
            size_t got = fread(text + len, 1, cap - len - 1, f);
            len += got;
            if (got == 0)
                break;
        }
        int bad = ferror(f);
        fclose(f);
        if (bad) {
            free(text);
            return diag_set(diag, FP_ERR_IO, path, 0, NULL, NULL, 0, "cannot read %s", path);
        }
        text[len] = '\0';
        /* a UTF-8 byte-order mark is not text */
        if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) {
            memmove(text, text + 3, len - 3 + 1);
            len -= 3;
        }
    }
    e = fp_letter_check_text(t, text, len, path, out, diag);
    free(text);
    return e;
}
