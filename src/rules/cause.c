/* rules/cause.c — the likely cause of each failing identity, and the table with the fixes applied.
 *
 * The table is one system of balance identities: every amount cell takes part in its row's
 * identities (category split, advance + batch, user rules) and in one column identity per level
 * (as a part of its parent's sum, and as the sum of its own rows). A fault leaves a pattern of
 * residuals (stated − computed) on the identities it touches. fp_explain generates candidate
 * explanations ("hypotheses") from the failing identities — each a small change to the table that
 * makes every identity it touches hold exactly — and picks, per connected group of failing
 * identities, the cheapest set of hypotheses that explains them all without overlap (an exact
 * cover; fewest changes first). When several sets are equally cheap the cause is ambiguous and
 * the candidates are given instead of a guess. All arithmetic is exact (int64 values, 128-bit
 * sums). Work is proportional to the table only where a hypothesis must be checked against a
 * block of rows (label shifts), and bounded by a budget; a table without errors is not looked
 * at beyond one pass over its names (place names under the wrong parent). */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules/gazetteer.h"
#include "rules/rule_impl.h"
#include "table/table_impl.h"
#include "util/buf.h"

typedef __int128 i128;

/* Costs of the explanations, in points: the fewest changed cells or rows win. A rounding
 * residue is a weaker explanation than one exact change; leaving an error unexplained costs
 * more than any single explanation. */
enum {
    COST_EVENT = 4,       /* one change: a cell, a swap, a row lost, added, moved, split, shifted */
    COST_EVIDENCE = 3,    /* the same, backed by names (a duplicate name, the gazetteer) */
    COST_AGAINST = 5,     /* the same, contradicted by names */
    COST_RESIDUE = 6,     /* a block of small differences */
    COST_UNEXPLAINED = 20 /* an error finding left without a cause */
};

/* Work budget (cell operations) for the block checks of label shifts, per row of the table. */
#define BUDGET_PER_ROW 64
#define BUDGET_MIN 4000000ULL
/* Rows a label shift may run for, and candidates kept for one ambiguous cause. */
#define SHIFT_WINDOW 48
#define MAX_CANDIDATES 16
/* Exact-cover search: nodes per connected group, optimal solutions kept. */
#define SOLVE_NODES 200000
#define SOLVE_KEEP 16

/* ---- strings ---- */

typedef struct sb {
    char *s;
    size_t len, cap;
    int oom;
} sb;

static void sb_add(sb *b, const char *s, size_t n)
{
    if (b->oom)
        return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 64;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *p = realloc(b->s, cap);
        if (!p) {
            b->oom = 1;
            return;
        }
        b->s = p;
        b->cap = cap;
    }
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

static void sb_str(sb *b, const char *s) { sb_add(b, s, strlen(s)); }

static void sb_printf(sb *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sb_printf(sb *b, const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    sb_add(b, buf, (size_t)n < sizeof buf ? (size_t)n : sizeof buf - 1);
}

static void sb_amount(sb *b, fp_amount v)
{
    char buf[FP_AMOUNT_BUFSIZE];
    sb_add(b, buf, fp_amount_format(v, 0, buf));
}

/* The text built so far as a new string (the builder is reset), or NULL when out of memory. */
static char *sb_take(sb *b)
{
    char *s = b->oom ? NULL : b->s ? b->s : strdup("");
    if (b->oom)
        free(b->s);
    b->s = NULL;
    b->len = b->cap = 0;
    b->oom = 0;
    return s;
}

/* ---- the engine: identities, residuals, hypotheses ---- */

typedef struct term {
    size_t j;  /* index into acols */
    int coef;  /* +1, -1 (or more when a rule names a column twice) */
} term;

/* One row identity: Σ coef × cell = 0 on every row. */
typedef struct form {
    fp_rule_kind rule;
    size_t custom;   /* custom rules: index into the options' rules */
    term *terms;
    size_t nterms;
    int sign;        /* residual = the finding's difference × sign */
    fp_amount unit;  /* the coarsest unit its columns are written in */
    size_t parts;    /* terms on the computed side: how many rounded parts can differ */
} form;

/* An identity: a row identity (type 0: form IDX on ROW) or a column identity (type 1: the sum of
 * ROW's rows in amount column IDX). */
typedef struct ident {
    size_t row;
    int type;
    size_t idx;
} ident;

/* A change of one cell: amount column J (index into acols) of ROW by D. */
typedef struct delta {
    size_t row, j;
    i128 d;
} delta;

typedef struct hyp {
    fp_cause_kind kind;
    fp_cause_subkind sub;
    int cost;
    size_t *cover; /* the failing identities it explains: finding indices, ascending */
    size_t ncover;
    fp_cause_cell *cells;
    size_t ncells, cellcap;
    size_t row, row_end, parent, from, before;
    int level_end;    /* label shift: the depth the last row of the run gets */
    const char *name; /* a missing row's (or a shifted run's lost) name: static or the table's */
    int fixable;
    int dead;         /* a duplicate of an earlier hypothesis */
} hyp;

typedef struct engine {
    const fp_table *t;
    const fp_report *r;
    const fp_check_options *o;
    int oom;
    size_t na;
    size_t *acols;     /* the amount columns */
    size_t *apos;      /* by table column: index into acols, or FP_NONE */
    fp_amount *unit;   /* per amount column: 10^-decimals of the table's unit, in fp_amount */
    form *forms;
    size_t nforms;
    int *coef;         /* nforms × na */
    int colsums;       /* column sums were checked */
    size_t nf;
    unsigned char *fkind; /* per finding: 0 not an identity, 1 an error, 2 a residue warning */
    hyp *h;
    size_t nh, hcap;
    unsigned long long work, budget;
    int seq_order;     /* rows are in pre-order in the file (a 级次 table): lines are adjacent */
} engine;

static const fp_amount pow10s[7] = {1000000, 100000, 10000, 1000, 100, 10, 1};

static fp_amount cell(const engine *E, size_t row, size_t j)
{
    return E->t->cols[E->acols[j]].values[row];
}

static int blank(const engine *E, size_t row, size_t j)
{
    return bit_get(E->t->cols[E->acols[j]].blank, row);
}

static size_t parent_of(const engine *E, size_t row)
{
    return E->t->parent[row] < 0 ? FP_NONE : (size_t)E->t->parent[row];
}

static int has_children(const engine *E, size_t row)
{
    return fp_table_first_child(E->t, row) != FP_NONE;
}

static size_t child_count(const engine *E, size_t p)
{
    size_t n = 0;
    for (size_t k = fp_table_first_child(E->t, p); k != FP_NONE; k = fp_table_next_sibling(E->t, k))
        n++;
    return n;
}

static const char *name_of(const engine *E, size_t row) { return fp_table_row_name(E->t, row); }

static i128 abs128(i128 v) { return v < 0 ? -v : v; }

/* The first finding at or after ROW (findings are ordered by row). */
static size_t row_first(const engine *E, size_t row)
{
    size_t lo = 0, hi = E->nf;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (fp_report_finding(E->r, mid)->row < row)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* The finding of identity ID, or FP_NONE when it holds. */
static size_t find_ident(const engine *E, ident id)
{
    for (size_t i = row_first(E, id.row); i < E->nf; i++) {
        const fp_finding *f = fp_report_finding(E->r, i);
        if (f->row != id.row)
            break;
        if (!E->fkind[i])
            continue;
        if (id.type == 1) {
            if (f->identity == FP_RULE_COLUMN_SUM && f->column == E->acols[id.idx])
                return i;
        } else {
            const form *fm = &E->forms[id.idx];
            if (f->identity == fm->rule && (fm->rule != FP_RULE_CUSTOM || f->custom == fm->custom))
                return i;
        }
    }
    return FP_NONE;
}

/* The residual of identity ID (0 when it holds); its finding to *FINDING (may be NULL). */
static i128 residual(const engine *E, ident id, size_t *finding)
{
    size_t i = find_ident(E, id);
    if (finding)
        *finding = i;
    if (i == FP_NONE)
        return 0;
    i128 d = fp_report_finding(E->r, i)->difference;
    return id.type == 1 ? d : d * E->forms[id.idx].sign;
}

static i128 col_res(const engine *E, size_t p, size_t j)
{
    return residual(E, (ident){p, 1, j}, NULL);
}

static i128 form_res(const engine *E, size_t row, size_t k)
{
    return residual(E, (ident){row, 0, k}, NULL);
}

/* Append finding I to the sorted set *V (of *N, capacity *CAP). 0 or -1. */
static int set_add(size_t **v, size_t *n, size_t *cap, size_t i)
{
    size_t k = *n;
    while (k > 0 && (*v)[k - 1] > i)
        k--;
    if (k > 0 && (*v)[k - 1] == i)
        return 0;
    if (buf_reserve((void **)v, cap, *n + 1, sizeof **v))
        return -1;
    memmove(*v + k + 1, *v + k, (*n - k) * sizeof **v);
    (*v)[k] = i;
    (*n)++;
    return 0;
}

typedef struct touch {
    ident id;
    i128 change;
} touch;

static void touch_add(touch *tv, size_t *n, ident id, i128 change)
{
    for (size_t i = 0; i < *n; i++)
        if (tv[i].id.row == id.row && tv[i].id.type == id.type && tv[i].id.idx == id.idx) {
            tv[i].change += change;
            return;
        }
    tv[(*n)++] = (touch){id, change};
}

/* Apply the cell changes D[0..ND) to the identities they touch. 1 when every touched identity
 * then holds and at least one of them failed; the failing ones go to *COVER (a new sorted set the
 * caller frees). 0 otherwise; -1 when out of memory. */
static int verify(engine *E, const delta *d, size_t nd, size_t **cover, size_t *ncover)
{
    size_t cap = nd * (E->nforms + 2) + 1, n = 0;
    touch *tv = malloc(cap * sizeof *tv);
    if (!tv)
        return -1;
    for (size_t i = 0; i < nd; i++) {
        if (d[i].d == 0)
            continue;
        for (size_t k = 0; k < E->nforms; k++) {
            int c = E->coef[k * E->na + d[i].j];
            if (c)
                touch_add(tv, &n, (ident){d[i].row, 0, k}, c * d[i].d);
        }
        if (E->colsums) {
            if (has_children(E, d[i].row))
                touch_add(tv, &n, (ident){d[i].row, 1, d[i].j}, d[i].d);
            size_t p = parent_of(E, d[i].row);
            if (p != FP_NONE)
                touch_add(tv, &n, (ident){p, 1, d[i].j}, -d[i].d);
        }
    }
    size_t *cv = NULL, cn = 0, cc = 0;
    int ok = 1;
    for (size_t i = 0; i < n && ok; i++) {
        size_t f;
        i128 res = residual(E, tv[i].id, &f);
        if (res + tv[i].change != 0)
            ok = 0;
        else if (f != FP_NONE && set_add(&cv, &cn, &cc, f))
            ok = -1;
    }
    free(tv);
    if (ok == 1 && cn == 0)
        ok = 0;
    if (ok != 1) {
        free(cv);
        return ok;
    }
    *cover = cv;
    *ncover = cn;
    return 1;
}

/* ---- hypotheses ---- */

static hyp *hyp_new(engine *E, fp_cause_kind kind, fp_cause_subkind sub, int cost)
{
    if (buf_reserve((void **)&E->h, &E->hcap, E->nh + 1, sizeof *E->h)) {
        E->oom = 1;
        return NULL;
    }
    hyp *h = &E->h[E->nh++];
    memset(h, 0, sizeof *h);
    h->kind = kind;
    h->sub = sub;
    h->cost = cost;
    h->row = h->row_end = h->parent = h->from = h->before = FP_NONE;
    h->fixable = 1;
    return h;
}

/* Drop the hypothesis just made (it turned out not to fit). */
static void hyp_drop_last(engine *E)
{
    hyp *h = &E->h[--E->nh];
    free(h->cover);
    free(h->cells);
}

static fp_cause_cell *hyp_cell(engine *E, hyp *h, fp_cell_change change, size_t row, size_t col)
{
    if (buf_reserve((void **)&h->cells, &h->cellcap, h->ncells + 1, sizeof *h->cells)) {
        E->oom = 1;
        return NULL;
    }
    fp_cause_cell *c = &h->cells[h->ncells++];
    memset(c, 0, sizeof *c);
    c->change = change;
    c->row = row;
    c->column = col;
    return c;
}

static void hyp_set(engine *E, hyp *h, size_t row, size_t j, fp_amount stated, fp_amount suggested,
                    fp_cause_subkind sub)
{
    fp_cause_cell *c = hyp_cell(E, h, FP_CELL_SET, row, E->acols[j]);
    if (c) {
        c->stated = stated;
        c->suggested = suggested;
        c->subkind = sub;
    }
}

static void hyp_note_cells_of_cover(engine *E, hyp *h)
{
    for (size_t i = 0; i < h->ncover; i++) {
        const fp_finding *f = fp_report_finding(E->r, h->cover[i]);
        fp_cause_cell *c = hyp_cell(E, h, FP_CELL_NOTE, f->row, f->column);
        if (c)
            c->stated = f->actual, c->suggested = f->actual;
    }
}

/* Add the failing identities of row ROW (row identities when FORMS, its column sums when COLS)
 * to H's cover. */
static void cover_row(engine *E, hyp *h, size_t row, int forms, int cols)
{
    size_t cap = h->ncover;
    for (size_t i = row_first(E, row); i < E->nf; i++) {
        const fp_finding *f = fp_report_finding(E->r, i);
        if (f->row != row)
            break;
        if (!E->fkind[i])
            continue;
        int is_col = f->identity == FP_RULE_COLUMN_SUM;
        if ((is_col && cols) || (!is_col && forms))
            if (set_add(&h->cover, &h->ncover, &cap, i))
                E->oom = 1;
    }
}

/* ---- typo subkinds ---- */

static fp_cause_subkind typo_subkind(fp_amount stated, fp_amount suggested, int was_blank, int dec)
{
    if (was_blank && stated == 0)
        return FP_SUBKIND_BLANK;
    if (stated != 0 && suggested == -stated)
        return FP_SUBKIND_SIGN;
    if ((stated < 0) != (suggested < 0))
        return FP_SUBKIND_NONE;
    char a[FP_AMOUNT_BUFSIZE], b[FP_AMOUNT_BUFSIZE];
    size_t la = fp_amount_format(stated, dec, a), lb = fp_amount_format(suggested, dec, b);
    if (la != lb)
        return FP_SUBKIND_NONE;
    size_t diff[3], nd = 0;
    for (size_t i = 0; i < la; i++)
        if (a[i] != b[i]) {
            if (nd == 2)
                return FP_SUBKIND_NONE;
            diff[nd++] = i;
        }
    if (nd == 1)
        return FP_SUBKIND_DIGIT;
    if (nd == 2 && diff[1] == diff[0] + 1 && a[diff[0]] == b[diff[1]] && a[diff[1]] == b[diff[0]])
        return FP_SUBKIND_TRANSPOSITION;
    return FP_SUBKIND_NONE;
}

static int column_decimals(const engine *E, size_t j)
{
    return fp_table_column_decimals(E->t, E->acols[j]);
}

/* A typo hypothesis for the cell changes D (each a SET cell), if they verify. */
static void add_typo(engine *E, const delta *d, size_t nd, fp_cause_kind kind, int cost)
{
    size_t *cover, ncover;
    int v = verify(E, d, nd, &cover, &ncover);
    if (v < 0)
        E->oom = 1;
    if (v != 1)
        return;
    hyp *h = hyp_new(E, kind, FP_SUBKIND_NONE, cost);
    if (!h) {
        free(cover);
        return;
    }
    h->cover = cover;
    h->ncover = ncover;
    h->row = h->row_end = d[0].row;
    for (size_t i = 0; i < nd; i++) {
        fp_amount s = cell(E, d[i].row, d[i].j), g = (fp_amount)(s + d[i].d);
        fp_cause_subkind sub =
            kind == FP_CAUSE_TYPO
                ? typo_subkind(s, g, blank(E, d[i].row, d[i].j), column_decimals(E, d[i].j))
                : FP_SUBKIND_NONE;
        hyp_set(E, h, d[i].row, d[i].j, s, g, sub);
        if (i == 0)
            h->sub = sub;
        else if (h->sub != sub)
            h->sub = FP_SUBKIND_NONE;
        if (d[i].row < h->row)
            h->row = d[i].row;
        if (d[i].row > h->row_end || h->row_end == FP_NONE)
            h->row_end = d[i].row;
    }
    if (kind == FP_CAUSE_MISPLACED_CELL) {
        fp_amount a = cell(E, d[0].row, d[0].j), b = cell(E, d[1].row, d[1].j);
        h->sub = a != 0 && b != 0 ? FP_SUBKIND_SWAP : FP_SUBKIND_NONE;
    }
}

/* Would changing cell (ROW, J) by D stay within fp_amount? */
static int in_range(const engine *E, size_t row, size_t j, i128 d)
{
    i128 v = (i128)cell(E, row, j) + d;
    return v <= FP_AMOUNT_MAX && v >= FP_AMOUNT_MIN;
}
