/* read/xlsx_formula.c — exact evaluation of the SUM and + − formulas of an XLSX sheet. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "read/xlsx_formula.h"
#include "util/buf.h"

#define MAX_COLS 16384L
#define MAX_ROWS 1048576L
#define MAX_NEST 100 /* parentheses and SUMs nested deeper than this are refused */

typedef struct parser {
    const char *s;
    xf_lookup lookup;
    void *ctx;
    char *why;
    size_t whysize;
    int failed, nest;
} parser;

static int failf(parser *P, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int failf(parser *P, const char *fmt, ...)
{
    if (!P->failed) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(P->why, P->whysize, fmt, ap);
        va_end(ap);
    }
    P->failed = 1;
    return -1;
}

static void skip_space(parser *P)
{
    while (*P->s == ' ' || *P->s == '\t' || *P->s == '\n' || *P->s == '\r')
        P->s++;
}

static int add(parser *P, fp_amount a, fp_amount b, fp_amount *out)
{
    if (fp_amount_add(a, b, out))
        return failf(P, "the sum overflows the largest amount");
    return 0;
}

/* A cell reference at P->s ("B12", "$B$12"): 1 and the cell, 0 when none is there (nothing
 * consumed), -1 when it is malformed. */
static int cell_ref(parser *P, long *row, long *col)
{
    const char *s = P->s;
    if (*s == '$')
        s++;
    long c = 0;
    int letters = 0;
    while (((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z')) && letters < 4) {
        c = c * 26 + ((*s | 0x20) - 'a' + 1);
        s++;
        letters++;
    }
    if (!letters)
        return 0;
    if (*s == '$')
        s++;
    if (*s < '1' || *s > '9')
        return 0; /* a name such as SUM or TRUE, not a reference */
    long r = 0;
    while (*s >= '0' && *s <= '9' && r <= MAX_ROWS)
        r = r * 10 + (*s++ - '0');
    if (c > MAX_COLS || r > MAX_ROWS || (*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') ||
        *s == '!' || *s == '(')
        return -1;
    *row = r;
    *col = c - 1;
    P->s = s;
    return 1;
}

static int value_of(parser *P, long row, long col, int in_range, fp_amount *out)
{
    char why[256] = "";
    fp_amount v = 0;
    xf_kind k = P->lookup(P->ctx, row, col, &v, why, sizeof why);
    switch (k) {
    case XF_NUMBER:
        *out = v;
        return 0;
    case XF_BLANK:
        *out = 0;
        return 0;
    case XF_TEXT:
        if (in_range) {
            *out = 0;
            return 0;
        }
        return failf(P, "it refers to a cell that holds text");
    default:
        return failf(P, "%s", why);
    }
}

static int expr(parser *P, fp_amount *out);

/* The arguments of SUM after its '(': references, ranges and expressions. */
static int sum_args(parser *P, fp_amount *out)
{
    fp_amount total = 0;
    skip_space(P);
    if (*P->s == ')') {
        P->s++;
        *out = 0;
        return 0;
    }
    for (;;) {
        skip_space(P);
        const char *at = P->s;
        long r1, c1, r2, c2;
        int ref = cell_ref(P, &r1, &c1);
        if (ref < 0)
            return failf(P, "\"%.20s\" is not a cell reference fenpei can read", at);
        fp_amount v = 0;
        skip_space(P);
        if (ref == 1 && *P->s == ':') {
            P->s++;
            skip_space(P);
            if (cell_ref(P, &r2, &c2) != 1)
                return failf(P, "\"%.20s\" is not a range such as B4:B10", at);
            long rlo = r1 < r2 ? r1 : r2, rhi = r1 < r2 ? r2 : r1;
            long clo = c1 < c2 ? c1 : c2, chi = c1 < c2 ? c2 : c1;
            if ((rhi - rlo + 1) * (chi - clo + 1) > XF_MAX_RANGE)
                return failf(P, "the range \"%.30s\" is larger than fenpei evaluates", at);
            for (long r = rlo; r <= rhi; r++)
                for (long c = clo; c <= chi; c++) {
                    fp_amount x = 0;
                    if (value_of(P, r, c, 1, &x) || add(P, v, x, &v))
                        return -1;
                }
        } else {
            if (ref == 1)
                P->s = at; /* a reference within an expression: parse it as one */
            if (expr(P, &v))
                return -1;
        }
        if (add(P, total, v, &total))
            return -1;
        skip_space(P);
        if (*P->s == ',') {
            P->s++;
            continue;
        }
        if (*P->s == ')') {
            P->s++;
            *out = total;
            return 0;
        }
        return failf(P, "expected ',' or ')' at \"%.20s\"", P->s);
    }
}

/* A number as written in a formula: digits, an optional point and decimals. */
static int number(parser *P, fp_amount *out)
{
    const char *s = P->s;
    while ((*s >= '0' && *s <= '9') || *s == '.')
        s++;
    if (*s == 'E' || *s == 'e' || *s == '%')
        return failf(P, "the number \"%.20s\" is not a plain decimal", P->s);
    fp_amount_info info;
    if (fp_amount_parse(P->s, (size_t)(s - P->s), out, &info) != 0 || info.blank)
        return failf(P, "\"%.20s\" is not a number fenpei can read exactly", P->s);
    P->s = s;
    return 0;
}

static int term(parser *P, fp_amount *out)
{
    skip_space(P);
    if (*P->s == '+' || *P->s == '-') {
        int neg = *P->s == '-';
        P->s++;
        fp_amount v;
        if (term(P, &v))
            return -1;
        if (neg && fp_amount_sub(0, v, &v))
            return failf(P, "the value overflows the largest amount");
        *out = v;
        return 0;
    }
    if ((*P->s >= '0' && *P->s <= '9') || *P->s == '.')
        return number(P, out);
    if (*P->s == '(') {
        if (++P->nest > MAX_NEST)
            return failf(P, "parentheses nested too deep");
        P->s++;
        if (expr(P, out))
            return -1;
        skip_space(P);
        if (*P->s != ')')
            return failf(P, "expected ')' at \"%.20s\"", P->s);
        P->s++;
        P->nest--;
        return 0;
    }
    const char *at = P->s;
    long row, col;
    int ref = cell_ref(P, &row, &col);
    if (ref < 0)
        return failf(P, "\"%.20s\" is not a cell reference fenpei can read", at);
    if (ref == 1)
        return value_of(P, row, col, 0, out);
    if (strncmp(P->s, "SUM", 3) == 0 || strncmp(P->s, "sum", 3) == 0) {
        const char *s = P->s + 3;
        while (*s == ' ')
            s++;
        if (*s == '(') {
            if (++P->nest > MAX_NEST)
                return failf(P, "SUM nested too deep");
            P->s = s + 1;
            int rc = sum_args(P, out);
            P->nest--;
            return rc;
        }
    }
    return failf(P, "\"%.30s\": fenpei evaluates only SUM and + and - of cells and numbers", at);
}

static int expr(parser *P, fp_amount *out)
{
    fp_amount v;
    if (term(P, &v))
        return -1;
    for (;;) {
        skip_space(P);
        char op = *P->s;
        if (op != '+' && op != '-')
            break;
        P->s++;
        fp_amount x = 0;
        if (term(P, &x))
            return -1;
        if (op == '+' ? fp_amount_add(v, x, &v) : fp_amount_sub(v, x, &v))
            return failf(P, "the value overflows the largest amount");
    }
    *out = v;
    return 0;
}

int xf_eval(const char *formula, xf_lookup lookup, void *ctx, fp_amount *out, char *why,
            size_t whysize)
{
    parser P = {formula, lookup, ctx, why, whysize, 0, 0};
    skip_space(&P);
    if (*P.s == '=')
        P.s++;
    fp_amount v;
    if (expr(&P, &v))
        return -1;
    skip_space(&P);
    if (*P.s) {
        failf(&P, "\"%.30s\": fenpei evaluates only SUM and + and - of cells and numbers", P.s);
        return -1;
    }
    *out = v;
    return 0;
}

/* ---- the cells of a sheet ---- */


#define MAX_DEPTH 1000 /* formulas referring to formulas deeper than this are refused */

enum { C_EMPTY, C_NUMBER, C_TEXT, C_FORMULA, C_BUSY, C_DONE, C_FAILED };

typedef struct cell {
    long row, col; /* row 0: an empty slot */
    int state;
    fp_amount v;
    size_t text; /* C_FORMULA…: offset of the formula in the pool */
} cell;

struct xf_cells {
    cell *slot;
    size_t cap, used; /* open addressing, CAP a power of two */
    strpool pool;
    int depth;
    char why[1024];
    long bad_row, bad_col;
};

xf_cells *xf_cells_new(void) { return calloc(1, sizeof(xf_cells)); }

void xf_cells_free(xf_cells *C)
{
    if (!C)
        return;
    free(C->slot);
    strpool_free(&C->pool);
    free(C);
}

static size_t slot_of(const xf_cells *C, long row, long col)
{
    size_t h = (size_t)row * 0x9E3779B97F4A7C15ULL ^ (size_t)col * 0xC2B2AE3D27D4EB4FULL;
    h ^= h >> 29;
    size_t i = h & (C->cap - 1);
    while (C->slot[i].row && (C->slot[i].row != row || C->slot[i].col != col))
        i = (i + 1) & (C->cap - 1);
    return i;
}

static cell *put(xf_cells *C, long row, long col)
{
    if ((C->used + 1) * 2 > C->cap) {
        size_t ncap = C->cap ? C->cap * 2 : 1024;
        cell *old = C->slot;
        size_t ocap = C->cap;
        if (!(C->slot = calloc(ncap, sizeof *C->slot))) {
            C->slot = old;
            return NULL;
        }
        C->cap = ncap;
        for (size_t i = 0; i < ocap; i++)
            if (old[i].row)
                C->slot[slot_of(C, old[i].row, old[i].col)] = old[i];
        free(old);
    }
    cell *c = &C->slot[slot_of(C, row, col)];
    if (!c->row) {
        c->row = row;
        c->col = col;
        C->used++;
    }
    return c;
}

static const cell *get(const xf_cells *C, long row, long col)
{
    if (!C->cap)
        return NULL;
    const cell *c = &C->slot[slot_of(C, row, col)];
    return c->row ? c : NULL;
}

int xf_cells_number(xf_cells *C, long row, long col, const char *text, size_t len)
{
    fp_amount v;
    fp_amount_info info;
    if (fp_amount_parse(text, len, &v, &info) != 0)
        return xf_cells_text(C, row, col); /* more decimals than an amount keeps: not summed */
    cell *c = put(C, row, col);
    if (!c)
        return -1;
    c->state = info.blank ? C_EMPTY : C_NUMBER;
    c->v = v;
    return 0;
}

int xf_cells_text(xf_cells *C, long row, long col)
{
    cell *c = put(C, row, col);
    if (!c)
        return -1;
    c->state = C_TEXT;
    return 0;
}

int xf_cells_formula(xf_cells *C, long row, long col, const char *text, size_t len)
{
    size_t off;
    if (strpool_add(&C->pool, text, len, &off))
        return -1;
    cell *c = put(C, row, col);
    if (!c)
        return -1;
    c->state = C_FORMULA;
    c->text = off;
    return 0;
}

static void col_name(long col, char *buf)
{
    char tmp[8];
    int n = 0;
    unsigned long c = (unsigned long)col + 1;
    while (c && n < 7) {
        tmp[n++] = (char)('A' + (c - 1) % 26);
        c = (c - 1) / 26;
    }
    int k = 0;
    while (n)
        buf[k++] = tmp[--n];
    buf[k] = '\0';
}

static int eval_cell(xf_cells *C, cell *c);

static xf_kind lookup(void *ctx, long row, long col, fp_amount *out, char *why, size_t whysize)
{
    xf_cells *C = ctx;
    cell *c = C->cap ? &C->slot[slot_of(C, row, col)] : NULL;
    if (!c || !c->row)
        return XF_BLANK;
    switch (c->state) {
    case C_NUMBER:
    case C_DONE:
        *out = c->v;
        return XF_NUMBER;
    case C_TEXT:
        return XF_TEXT;
    case C_FORMULA:
        if (eval_cell(C, c) == 0) {
            *out = c->v;
            return XF_NUMBER;
        }
        snprintf(why, whysize, "it refers to a formula that cannot be evaluated");
        return XF_FAILED;
    case C_BUSY: {
        char name[8];
        col_name(col, name);
        snprintf(why, whysize, "a circular reference through %s%ld", name, row);
        return XF_FAILED;
    }
    case C_FAILED:
        snprintf(why, whysize, "it refers to a formula that cannot be evaluated");
        return XF_FAILED;
    default:
        return XF_BLANK;
    }
}

/* Evaluate the formula of C (its state C_FORMULA): C_DONE with the value, or C_FAILED with the
 * first failure recorded in the set. */
static int eval_cell(xf_cells *S, cell *c)
{
    char why[256];
    long row = c->row, col = c->col;
    if (S->depth >= MAX_DEPTH) {
        snprintf(why, sizeof why, "formulas refer to formulas more than %d deep", MAX_DEPTH);
        c->state = C_FAILED;
        goto failed;
    }
    c->state = C_BUSY;
    S->depth++;
    fp_amount v;
    /* C stays where it is: no cell is added while evaluating */
    int rc = xf_eval(strpool_get(&S->pool, c->text), lookup, S, &v, why, sizeof why);
    S->depth--;
    if (rc == 0) {
        c->state = C_DONE;
        c->v = v;
        return 0;
    }
    c->state = C_FAILED;
failed:
    if (!S->why[0]) { /* the innermost failure is the one to show */
        const char *f = strpool_get(&S->pool, c->text);
        snprintf(S->why, sizeof S->why,
                 "the formula =%.200s has no stored value and fenpei cannot evaluate it: %s "
                 "(fenpei evaluates SUM and + and - of cells and numbers; or open and save the "
                 "workbook in Excel or LibreOffice, which stores the values)",
                 f, why);
        S->bad_row = row;
        S->bad_col = col;
    }
    return -1;
}

int xf_cells_eval(xf_cells *C, long *row, long *col, char *why, size_t whysize)
{
    for (size_t i = 0; i < C->cap; i++) {
        cell *c = &C->slot[i];
        if (c->row && c->state == C_FORMULA && eval_cell(C, c)) {
            *row = C->bad_row;
            *col = C->bad_col;
            snprintf(why, whysize, "%s", C->why);
            return -1;
        }
    }
    return 0;
}

int xf_cells_result(const xf_cells *C, long row, long col, fp_amount *out)
{
    const cell *c = get(C, row, col);
    if (!c || c->state != C_DONE)
        return 0;
    *out = c->v;
    return 1;
}
