/* explain/cause.c — the likely cause of each failing identity, and the table with the fixes applied.
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
 * at beyond one pass over its names (notes: a county under the wrong prefecture, names one row
 * late while the sums hold). fp_causes_fix writes the table with the fixes applied as canonical
 * CSV in memory and loads it back. docs/causes.md tells the whole story. */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "places/gazetteer.h"
#include "check/rule_impl.h"
#include "core/table_impl.h"
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

/* Does some column sum of ROW fail? */
static int col_failing(const engine *E, size_t row)
{
    for (size_t i = row_first(E, row); i < E->nf; i++) {
        const fp_finding *f = fp_report_finding(E->r, i);
        if (f->row != row)
            break;
        if (E->fkind[i] && f->identity == FP_RULE_COLUMN_SUM)
            return 1;
    }
    return 0;
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
        if (tv[i].change == 0) /* changes that cancel (a row and its only changed row) */
            continue;
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
    /* amounts are not negative but for a clawback: a reading that makes one so is less likely */
    for (size_t i = 0; kind == FP_CAUSE_TYPO && i < h->ncells; i++)
        if (h->cells[i].suggested < 0 && h->cells[i].stated >= 0 &&
            fp_table_column_role(E->t, h->cells[i].column) != FP_ROLE_BATCH)
            h->cost++;
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

/* ---- place names ---- */

/* The division ROW names as a parent of counties: a prefecture, or a province (a municipality's
 * districts, county-level cities directly under a province). -1 when the name is not one. */
static int place_parent_named(const char *name)
{
    int e = gz_resolve(name, GZ_PREFECTURE, -1);
    if (e >= 0)
        return e;
    e = gz_resolve(name, GZ_PROVINCE, -1);
    return e >= 0 ? e : -1;
}

static int place_parent(const engine *E, size_t row)
{
    const char *name = name_of(E, row);
    int e = gz_resolve(name, GZ_PREFECTURE, -1);
    if (e >= 0)
        return e;
    e = gz_resolve(name, GZ_PROVINCE, -1);
    return e >= 0 ? e : -1;
}

/* The county ROW names inside division P, or -1. */
static int county_within(const engine *E, size_t row, int p)
{
    int e = gz_resolve(name_of(E, row), GZ_COUNTY, p);
    return e >= 0 ? e : -1;
}

static int starts_with(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* The one county of P's division (by the gazetteer) that none of P's rows names, when all the
 * others are there; the row it would come before in code order to *BEFORE. -1 when unknown. */
static int missing_county(const engine *E, size_t p, size_t *before)
{
    *before = FP_NONE;
    int P = place_parent(E, p);
    if (P < 0)
        return -1;
    size_t present = 0;
    int n = gz_count(), missing = -1, nmissing = 0;
    for (int e = 0; e < n; e++) {
        if (gz_parent(e) != P || gz_level(e) != GZ_COUNTY)
            continue;
        int here = 0;
        for (size_t k = fp_table_first_child(E->t, p); k != FP_NONE && !here;
             k = fp_table_next_sibling(E->t, k))
            here = gz_names(e, name_of(E, k));
        if (here)
            present++;
        else
            missing = e, nmissing++;
    }
    if (nmissing != 1 || present == 0)
        return -1;
    for (size_t k = fp_table_first_child(E->t, p); k != FP_NONE; k = fp_table_next_sibling(E->t, k)) {
        int c = county_within(E, k, P);
        if (c >= 0 && gz_code(c) > gz_code(missing)) {
            *before = k;
            break;
        }
    }
    return missing;
}

/* ---- hypotheses from a row whose own identities fail ---- */

/* Continuation line of a split row: no name of its own, or a number where the name goes, or
 * the same name again. */
static int continuation_name(const char *line, const char *first)
{
    if (!*line || strcmp(line, first) == 0)
        return 1;
    fp_amount v;
    return fp_amount_parse(line, strlen(line), &v, NULL) == FP_OK;
}

static void gen_split(engine *E, size_t r, const i128 *R)
{
    const fp_table *t = E->t;
    size_t na = E->na, nk = E->nforms;
    i128 *S = malloc((nk + 1) * sizeof *S);
    unsigned char *used = calloc(na + 1, 1);
    if (!S || !used) {
        free(S);
        free(used);
        E->oom = 1;
        return;
    }
    memcpy(S, R, nk * sizeof *S);
    for (size_t j = 0; j < na; j++)
        used[j] = !blank(E, r, j) && cell(E, r, j) != 0;
    for (size_t q = r + 1; q < t->nrows && q <= r + 3; q++) {
        if (t->parent[q] != t->parent[r] || !continuation_name(name_of(E, q), name_of(E, r)))
            break;
        int clash = 0;
        for (size_t j = 0; j < na && !clash; j++) {
            int here = !blank(E, q, j) && cell(E, q, j) != 0;
            clash = here && used[j];
            used[j] |= (unsigned char)here;
        }
        if (clash)
            break;
        int zero = 1;
        for (size_t k = 0; k < nk; k++) {
            S[k] += form_res(E, q, k);
            zero &= S[k] == 0;
        }
        if (!zero)
            continue;
        /* the merged row holds; its rows (of the last line, in pre-order) must add up to it */
        int ok = 1;
        if (E->colsums && has_children(E, q))
            for (size_t j = 0; j < na && ok; j++) {
                i128 g = col_res(E, q, j);
                for (size_t x = r; x < q; x++)
                    g += cell(E, x, j);
                ok = g == 0;
            }
        if (!ok)
            break;
        hyp *h = hyp_new(E, FP_CAUSE_SPLIT_ROW, FP_SUBKIND_NONE, COST_EVENT);
        if (!h)
            break;
        h->row = r;
        h->row_end = q;
        for (size_t x = r; x <= q; x++)
            cover_row(E, h, x, 1, x == q);
        for (size_t j = 0; j < na; j++) {
            i128 sum = 0;
            int written = !blank(E, r, j);
            for (size_t x = r; x <= q; x++) {
                sum += cell(E, x, j);
                written |= !blank(E, x, j);
            }
            if (sum != cell(E, r, j) || (written && blank(E, r, j)))
                hyp_set(E, h, r, j, cell(E, r, j), (fp_amount)sum, FP_SUBKIND_NONE);
        }
        for (size_t x = r + 1; x <= q; x++)
            for (size_t j = 0; j < na; j++)
                if (cell(E, x, j) != 0) {
                    fp_cause_cell *c = hyp_cell(E, h, FP_CELL_DELETE, x, E->acols[j]);
                    if (c)
                        c->stated = c->suggested = cell(E, x, j);
                }
        break;
    }
    free(S);
    free(used);
}

/* A row split over two lines as copied from a PDF: the second line starts at the name column
 * ("1462  1295  167" under 莎车县), its numbers belonging to the last columns of the row. */
static void gen_split_shifted(engine *E, size_t r)
{
    const fp_table *t = E->t;
    size_t q = r + 1, na = E->na, p = parent_of(E, r);
    if (q >= t->nrows || t->parent[q] != t->parent[r] || has_children(E, r) ||
        has_children(E, q) || !na)
        return;
    const char *nm = name_of(E, q);
    fp_amount v0;
    if (!*nm || fp_amount_parse(nm, strlen(nm), &v0, NULL) != FP_OK)
        return;
    size_t last = FP_NONE; /* the line's last written amount cell */
    for (size_t j = 0; j < na; j++)
        if (!blank(E, q, j))
            last = j;
    size_t m = last == FP_NONE ? 1 : last + 2;
    if (m > na)
        return;
    i128 *merged = malloc(na * sizeof *merged);
    if (!merged) {
        E->oom = 1;
        return;
    }
    int ok = 1;
    for (size_t j = 0; j < na && ok; j++) {
        if (j < na - m) {
            merged[j] = cell(E, r, j);
            continue;
        }
        ok = blank(E, r, j) || cell(E, r, j) == 0; /* the first line left these empty */
        size_t i = j - (na - m);
        merged[j] = i == 0 ? v0 : cell(E, q, i - 1);
    }
    for (size_t k = 0; k < E->nforms && ok; k++) {
        i128 sum = 0;
        for (size_t j = 0; j < na; j++)
            sum += (i128)E->coef[k * na + j] * merged[j];
        ok = sum == 0;
    }
    for (size_t j = 0; j < na && ok && E->colsums && p != FP_NONE; j++)
        ok = col_res(E, p, j) + cell(E, r, j) + cell(E, q, j) - merged[j] == 0;
    hyp *h = ok ? hyp_new(E, FP_CAUSE_SPLIT_ROW, FP_SUBKIND_NONE, COST_EVENT) : NULL;
    if (h) {
        h->row = r;
        h->row_end = q;
        cover_row(E, h, r, 1, 0);
        cover_row(E, h, q, 1, 0);
        if (p != FP_NONE)
            cover_row(E, h, p, 0, 1);
        for (size_t j = 0; j < na; j++)
            if (merged[j] != cell(E, r, j) || (j >= na - m && blank(E, r, j)))
                hyp_set(E, h, r, j, cell(E, r, j), (fp_amount)merged[j], FP_SUBKIND_NONE);
        for (size_t j = 0; j < na; j++)
            if (cell(E, q, j) != 0) {
                fp_cause_cell *c = hyp_cell(E, h, FP_CELL_DELETE, q, E->acols[j]);
                if (c)
                    c->stated = c->suggested = cell(E, q, j);
            }
        if (!h->ncover)
            hyp_drop_last(E);
    }
    free(merged);
}

static void gen_row(engine *E, size_t r)
{
    size_t na = E->na, nk = E->nforms;
    i128 *R = malloc((nk + 1) * sizeof *R);
    if (!R) {
        E->oom = 1;
        return;
    }
    int any = 0;
    for (size_t k = 0; k < nk; k++)
        any |= (R[k] = form_res(E, r, k)) != 0;
    if (!any) {
        free(R);
        return;
    }
    /* one cell: the change that makes each of the row's identities through it hold */
    for (size_t j = 0; j < na; j++) {
        i128 d = 0;
        int ok = 1, seen = 0;
        for (size_t k = 0; k < nk && ok; k++) {
            int c = E->coef[k * na + j];
            if (!c)
                continue;
            if (R[k] % c) {
                ok = 0;
                break;
            }
            i128 dk = -R[k] / c;
            if (seen && dk != d)
                ok = 0;
            d = dk;
            seen = 1;
        }
        if (ok && seen && d != 0 && in_range(E, r, j, d)) {
            delta dv = {r, j, d};
            add_typo(E, &dv, 1, FP_CAUSE_TYPO, COST_EVENT);
        }
    }
    /* two cells of the row exchanged (or one moved to an empty column) */
    for (size_t j1 = 0; j1 < na; j1++)
        for (size_t j2 = j1 + 1; j2 < na; j2++) {
            i128 d = (i128)cell(E, r, j2) - cell(E, r, j1);
            if (d == 0)
                continue;
            int ok = 1, moves = 0;
            for (size_t k = 0; k < nk && ok; k++) {
                int c = E->coef[k * na + j1] - E->coef[k * na + j2];
                moves |= c != 0;
                ok = R[k] + c * d == 0;
            }
            if (ok && moves) {
                delta dv[2] = {{r, j1, d}, {r, j2, -d}};
                add_typo(E, dv, 2, FP_CAUSE_MISPLACED_CELL, COST_EVENT);
            }
        }
    if (E->seq_order) {
        gen_split(E, r, R);
        gen_split_shifted(E, r);
    }
    /* small differences only: rounding */
    int small = 1;
    for (size_t k = 0; k < nk && small; k++)
        small = 2 * abs128(R[k]) <= (i128)E->forms[k].parts * E->forms[k].unit;
    if (small) {
        hyp *h = hyp_new(E, FP_CAUSE_ROUNDING_RESIDUE, FP_SUBKIND_NONE, COST_RESIDUE);
        if (h) {
            h->row = h->row_end = r;
            h->fixable = 0;
            cover_row(E, h, r, 1, 0);
            hyp_note_cells_of_cover(E, h);
        }
    }
    free(R);
}

/* ---- hypotheses from a parent whose rows do not add up ---- */

static int vec_equals_row(const engine *E, const i128 *v, size_t row, int negate)
{
    for (size_t j = 0; j < E->na; j++)
        if ((negate ? -v[j] : v[j]) != cell(E, row, j))
            return 0;
    return 1;
}

static int same_row(const engine *E, size_t a, size_t b)
{
    if (strcmp(name_of(E, a), name_of(E, b)) != 0)
        return 0;
    for (size_t j = 0; j < E->na; j++)
        if (cell(E, a, j) != cell(E, b, j))
            return 0;
    return 1;
}

/* Is row K, a child of P, a subtotal counted with its parts: equal to the sum of a run of its
 * siblings just before or just after it? */
static int sums_neighbours(const engine *E, size_t p, size_t k)
{
    size_t n = 0;
    for (size_t x = fp_table_first_child(E->t, p); x != FP_NONE; x = fp_table_next_sibling(E->t, x))
        n++;
    size_t *kids = malloc((n ? n : 1) * sizeof *kids), pos = 0, i = 0;
    i128 *acc = calloc(E->na + 1, sizeof *acc);
    int found = 0;
    if (!kids || !acc) {
        free(kids);
        free(acc);
        return 0;
    }
    for (size_t x = fp_table_first_child(E->t, p); x != FP_NONE; x = fp_table_next_sibling(E->t, x)) {
        if (x == k)
            pos = i;
        kids[i++] = x;
    }
    for (int dir = -1; dir <= 1 && !found; dir += 2) {
        memset(acc, 0, (E->na + 1) * sizeof *acc);
        for (size_t m = 1; m < n && !found; m++) {
            if ((dir < 0 && m > pos) || (dir > 0 && pos + m >= n))
                break;
            size_t x = dir < 0 ? kids[pos - m] : kids[pos + m];
            int eq = m >= 2;
            for (size_t j = 0; j < E->na; j++) {
                acc[j] += cell(E, x, j);
                eq &= acc[j] == cell(E, k, j);
            }
            found = eq;
        }
    }
    free(kids);
    free(acc);
    return found;
}

static int is_subtotal_name(const char *s)
{
    return starts_with(s, "其中") || strstr(s, "小计") || strstr(s, "合计") || strstr(s, "总计");
}

/* The rounding residue of parent P's block, with the correction put on the largest rows when
 * the residue has the shape of one rounded category (the same D in the columns of one
 * consistent change: 原基本 +1, 全年 +1, 此次下达 +1). */
static void residue_parent(engine *E, size_t p, const i128 *G, size_t nkids)
{
    size_t na = E->na;
    hyp *h = hyp_new(E, FP_CAUSE_ROUNDING_RESIDUE, FP_SUBKIND_NONE, COST_RESIDUE);
    if (!h)
        return;
    h->row = h->row_end = h->parent = p;
    cover_row(E, h, p, 0, 1);
    /* the shape: every nonzero column the same D, one unit, the change consistent */
    i128 d = 0;
    fp_amount u = 0;
    size_t lead = FP_NONE;
    int shape = 1;
    for (size_t j = 0; j < na && shape; j++) {
        if (!G[j])
            continue;
        if (d == 0) {
            d = G[j];
            u = E->unit[j];
        }
        shape = G[j] == d && E->unit[j] == u;
        if (lead == FP_NONE || (fp_table_column_role(E->t, E->acols[lead]) != FP_ROLE_CATEGORY &&
                                fp_table_column_role(E->t, E->acols[j]) == FP_ROLE_CATEGORY))
            lead = j;
    }
    for (size_t k = 0; k < E->nforms && shape; k++) {
        int s = 0;
        for (size_t j = 0; j < na; j++)
            if (G[j])
                s += E->coef[k * na + j];
        shape = s == 0;
    }
    size_t m = shape && u > 0 && d % u == 0 ? (size_t)(abs128(d) / u) : 0;
    size_t *kids = m ? malloc((nkids ? nkids : 1) * sizeof *kids) : NULL;
    size_t nk2 = 0;
    if (kids)
        for (size_t x = fp_table_first_child(E->t, p); x != FP_NONE;
             x = fp_table_next_sibling(E->t, x))
            kids[nk2++] = x;
    if (kids && nk2 >= m) {
        /* the M largest rows in the lead column; among equals the earlier row */
        for (size_t a = 0; a < m; a++) {
            size_t best = a;
            for (size_t b = a + 1; b < nk2; b++)
                if (cell(E, kids[b], lead) > cell(E, kids[best], lead))
                    best = b;
            size_t x = kids[best];
            memmove(kids + a + 1, kids + a, (best - a) * sizeof *kids);
            kids[a] = x;
        }
        /* each takes one unit; a row with rows passes it down to its largest, to a leaf */
        size_t cap = m * na * 8 + 1, nd = 0;
        delta *dv = malloc(cap * sizeof *dv);
        for (size_t a = 0; dv && a < m; a++)
            for (size_t x = kids[a]; x != FP_NONE;) {
                for (size_t j = 0; j < na; j++)
                    if (G[j]) {
                        if (nd == cap) {
                            delta *nv = realloc(dv, 2 * cap * sizeof *dv);
                            if (!nv) {
                                free(dv);
                                dv = NULL;
                                break;
                            }
                            dv = nv;
                            cap *= 2;
                        }
                        dv[nd++] = (delta){x, j, d > 0 ? u : -u};
                    }
                size_t best = FP_NONE;
                for (size_t y = fp_table_first_child(E->t, x); y != FP_NONE;
                     y = fp_table_next_sibling(E->t, y))
                    if (best == FP_NONE || cell(E, y, lead) > cell(E, best, lead))
                        best = y;
                x = best;
            }
        if (dv) {
            size_t *cover, ncover;
            int v = verify(E, dv, nd, &cover, &ncover);
            if (v == 1 && ncover == h->ncover && memcmp(cover, h->cover, ncover * sizeof *cover) == 0) {
                for (size_t i = 0; i < nd; i++)
                    hyp_set(E, h, dv[i].row, dv[i].j, cell(E, dv[i].row, dv[i].j),
                            (fp_amount)(cell(E, dv[i].row, dv[i].j) + dv[i].d), FP_SUBKIND_NONE);
                free(cover);
                free(dv);
                free(kids);
                return;
            }
            if (v == 1)
                free(cover);
            free(dv);
        }
    }
    free(kids);
    h->fixable = 0;
    hyp_note_cells_of_cover(E, h);
}

/* A failing parent whose gap is a consistent row: kept for pairing a row missing here with a row
 * too many there (a row under the wrong parent). */
typedef struct gap {
    size_t p;
    i128 *v; /* na values */
} gap;

static void gen_parent(engine *E, size_t p, gap **gaps, size_t *ngaps, size_t *gapcap)
{
    size_t na = E->na, nk = E->nforms;
    i128 *G = malloc((na + 1) * sizeof *G);
    if (!G) {
        E->oom = 1;
        return;
    }
    size_t nz = 0, j1 = FP_NONE, j2 = FP_NONE;
    for (size_t j = 0; j < na; j++)
        if ((G[j] = col_res(E, p, j)) != 0) {
            if (nz == 0)
                j1 = j;
            else if (nz == 1)
                j2 = j;
            nz++;
        }
    if (!nz) {
        free(G);
        return;
    }
    size_t nkids = child_count(E, p);
    int small = 1, positive = 0, consistent = 1;
    /* could be a row of its own: no negative amount but a clawback, a year total above 0 */
    int rowlike = 1;
    for (size_t j = 0; j < na; j++) {
        small &= 2 * abs128(G[j]) <= (i128)nkids * E->unit[j];
        positive |= G[j] > 0;
        fp_role role = fp_table_column_role(E->t, E->acols[j]);
        if ((G[j] < 0 && role != FP_ROLE_BATCH) || (role == FP_ROLE_TOTAL && G[j] <= 0))
            rowlike = 0;
    }
    for (size_t k = 0; k < nk && consistent; k++) {
        i128 s = 0;
        for (size_t j = 0; j < na; j++)
            s += E->coef[k * na + j] * G[j];
        consistent = s == 0;
    }
    if (small)
        residue_parent(E, p, G, nkids);
    if (consistent && nk) {
        if (positive && rowlike && !small) {
            hyp *h = hyp_new(E, FP_CAUSE_MISSING_ROW, FP_SUBKIND_NONE, COST_EVENT);
            if (h) {
                h->row = h->row_end = h->parent = p;
                cover_row(E, h, p, 0, 1);
                int e = missing_county(E, p, &h->before);
                h->name = e >= 0 ? gz_short_name(e) : NULL;
                for (size_t j = 0; j < na; j++)
                    if (G[j]) {
                        fp_cause_cell *c = hyp_cell(E, h, FP_CELL_INSERT, FP_NONE, E->acols[j]);
                        if (c)
                            c->suggested = (fp_amount)G[j];
                    }
            }
        }
        for (size_t k = fp_table_first_child(E->t, p); k != FP_NONE;
             k = fp_table_next_sibling(E->t, k)) {
            if (has_children(E, k) || !vec_equals_row(E, G, k, 1))
                continue;
            /* of identical rows, the later one is the extra */
            size_t next = fp_table_next_sibling(E->t, k);
            int later_twin = 0;
            for (size_t x = next; x != FP_NONE && !later_twin; x = fp_table_next_sibling(E->t, x))
                later_twin = same_row(E, k, x);
            if (later_twin)
                continue;
            int twin = 0;
            for (size_t x = fp_table_first_child(E->t, p); x != k && !twin;
                 x = fp_table_next_sibling(E->t, x))
                twin = same_row(E, k, x);
            fp_cause_subkind sub = twin                               ? FP_SUBKIND_DUPLICATE
                                   : is_subtotal_name(name_of(E, k)) ||
                                           sums_neighbours(E, p, k)
                                       ? FP_SUBKIND_DOUBLE_COUNTED
                                       : FP_SUBKIND_NONE;
            hyp *h = hyp_new(E, FP_CAUSE_EXTRA_ROW, sub,
                             sub != FP_SUBKIND_NONE ? COST_EVIDENCE : COST_EVENT);
            if (!h)
                break;
            h->row = h->row_end = k;
            h->parent = p;
            cover_row(E, h, p, 0, 1);
            for (size_t j = 0; j < na; j++)
                if (cell(E, k, j)) {
                    fp_cause_cell *c = hyp_cell(E, h, FP_CELL_DELETE, k, E->acols[j]);
                    if (c)
                        c->stated = c->suggested = cell(E, k, j);
                }
        }
        i128 *copy = malloc((na + 1) * sizeof *copy);
        if (copy && buf_reserve((void **)gaps, gapcap, *ngaps + 1, sizeof **gaps) == 0) {
            memcpy(copy, G, na * sizeof *copy);
            (*gaps)[*ngaps].p = p;
            (*gaps)[(*ngaps)++].v = copy;
        } else {
            free(copy);
            E->oom = 1;
        }
    }
    /* two cells exchanged in the parent itself or in one of its rows, no row identity failing */
    if (G && nz == 2 && G[j1] == -G[j2]) {
        i128 want = G[j1];
        if ((i128)cell(E, p, j2) - cell(E, p, j1) == -want) {
            delta dv[2] = {{p, j1, -want}, {p, j2, want}};
            add_typo(E, dv, 2, FP_CAUSE_MISPLACED_CELL, COST_EVENT);
        }
        for (size_t k = fp_table_first_child(E->t, p); k != FP_NONE;
             k = fp_table_next_sibling(E->t, k))
            if ((i128)cell(E, k, j2) - cell(E, k, j1) == want) {
                delta dv[2] = {{k, j1, want}, {k, j2, -want}};
                add_typo(E, dv, 2, FP_CAUSE_MISPLACED_CELL, COST_EVENT);
            }
    }
    /* one column that no row identity covers: the parent's cell or one of its rows' */
    if (G && nz == 1) {
        int covered = 0;
        for (size_t k = 0; k < nk; k++)
            covered |= E->coef[k * na + j1] != 0;
        if (!covered) {
            delta dv = {p, j1, -G[j1]};
            if (in_range(E, p, j1, dv.d))
                add_typo(E, &dv, 1, FP_CAUSE_TYPO, COST_EVENT);
            size_t made = 0;
            for (size_t k = fp_table_first_child(E->t, p); k != FP_NONE && made < MAX_CANDIDATES;
                 k = fp_table_next_sibling(E->t, k)) {
                delta dk = {k, j1, G[j1]};
                size_t before = E->nh;
                if (in_range(E, k, j1, dk.d))
                    add_typo(E, &dk, 1, FP_CAUSE_TYPO, COST_EVENT);
                made += E->nh > before;
            }
        }
    }
    free(G);
}

/* A row too many under B that is the row missing under A: it belongs under A. */
static void gen_moves(engine *E, const gap *gaps, size_t ngaps)
{
    size_t na = E->na;
    for (size_t a = 0; a < ngaps; a++) {
        int positive = 0;
        for (size_t j = 0; j < na; j++)
            positive |= gaps[a].v[j] > 0;
        if (!positive)
            continue;
        for (size_t b = 0; b < ngaps; b++) {
            if (b == a)
                continue;
            int opposite = 1;
            for (size_t j = 0; j < na && opposite; j++)
                opposite = gaps[b].v[j] == -gaps[a].v[j];
            if (!opposite)
                continue;
            size_t A = gaps[a].p, B = gaps[b].p;
            int pa = place_parent(E, A), pb = place_parent(E, B);
            for (size_t k = fp_table_first_child(E->t, B); k != FP_NONE;
                 k = fp_table_next_sibling(E->t, k)) {
                if (!vec_equals_row(E, gaps[a].v, k, 0))
                    continue;
                int cost = COST_EVENT;
                if (pa >= 0 && county_within(E, k, pa) >= 0)
                    cost = COST_EVIDENCE;
                else if (pb >= 0 && county_within(E, k, pb) >= 0)
                    cost = COST_AGAINST;
                hyp *h = hyp_new(E, FP_CAUSE_WRONG_PARENT, FP_SUBKIND_NONE, cost);
                if (!h)
                    return;
                h->row = h->row_end = k;
                h->parent = A;
                h->from = B;
                cover_row(E, h, A, 0, 1);
                cover_row(E, h, B, 0, 1);
                /* in code order among A's rows when the gazetteer knows them */
                int ck = pa >= 0 ? county_within(E, k, pa) : -1;
                if (ck >= 0)
                    for (size_t x = fp_table_first_child(E->t, A); x != FP_NONE;
                         x = fp_table_next_sibling(E->t, x)) {
                        int cx = county_within(E, x, pa);
                        if (cx >= 0 && gz_code(cx) > gz_code(ck)) {
                            h->before = x;
                            break;
                        }
                    }
                fp_cause_cell *c = hyp_cell(E, h, FP_CELL_NOTE, k, E->t->name_col);
                if (c)
                    c->stated_text = c->suggested_text = name_of(E, k);
            }
        }
    }
}

/* ---- label shift: names (with their levels) one row late against the numbers ---- */

typedef struct shift {
    size_t a, b; /* rows a … b take the labels of rows a+1 … b, and row b the lost label */
    int L;       /* depth of the lost label */
} shift;

static int shift_depth(const int *D, const shift *s, size_t k)
{
    if (k >= s->a && k < s->b)
        return D[k + 1];
    return k == s->b ? s->L : D[k];
}

/* With the labels realigned by S, does every row in the block of Q (rows LO … HI-1, and Q
 * itself unless FP_NONE) equal the sum of its rows? New parents of rows A … A+NP-1 go to NPAR. */
static int shift_holds(engine *E, const int *D, const shift *s, size_t Q, size_t lo, size_t hi,
                       size_t *npar, size_t np)
{
    size_t na = E->na;
    int base = Q == FP_NONE ? -1 : D[Q];
    int maxd = base + 1;
    for (size_t k = lo; k < hi; k++)
        if (shift_depth(D, s, k) > maxd)
            maxd = shift_depth(D, s, k);
    size_t levels = (size_t)(maxd - base + 2);
    i128 *acc = calloc(levels * na, sizeof *acc);
    size_t *stack = malloc(levels * sizeof *stack);
    unsigned char *kids = calloc(levels, 1);
    if (!acc || !stack || !kids) {
        free(acc);
        free(stack);
        free(kids);
        E->oom = 1;
        return 0;
    }
    E->work += (unsigned long long)(hi - lo + 1) * na;
    size_t top = 0; /* stack[0] = Q (or a virtual root) */
    stack[0] = Q;
    int ok = 1;
    for (size_t k = lo; k <= hi && ok; k++) {
        int d = k < hi ? shift_depth(D, s, k) : base + 1;
        size_t level = (size_t)(d - base); /* ≥ 1 inside the block */
        if (k < hi && (d <= base || level > top + 1)) {
            ok = 0;
            break;
        }
        while (top >= level) { /* close the rows that K is not under */
            size_t x = stack[top];
            if (kids[top])
                for (size_t j = 0; j < na && ok; j++)
                    ok = acc[top * na + j] == cell(E, x, j);
            top--;
        }
        if (k == hi || !ok)
            break;
        if (k >= s->a && k < s->a + np)
            npar[k - s->a] = stack[top];
        kids[top] = 1;
        for (size_t j = 0; j < na; j++)
            acc[top * na + j] += cell(E, k, j);
        top++;
        stack[top] = k;
        kids[top] = 0;
        memset(&acc[top * na], 0, na * sizeof *acc);
    }
    if (ok && Q != FP_NONE && kids[0])
        for (size_t j = 0; j < na && ok; j++)
            ok = acc[j] == cell(E, Q, j);
    free(acc);
    free(stack);
    free(kids);
    return ok;
}

/* The name row K carries after realignment S (NULL for the lost label). */
static const char *shift_name(const engine *E, const shift *s, size_t k)
{
    if (s->L < 0) /* no shift: the names as stated */
        return name_of(E, k);
    if (k >= s->a && k < s->b)
        return name_of(E, k + 1);
    return k == s->b ? NULL : name_of(E, k);
}

/* The new parent's division, or -1: a prefecture (or province) the parent row names. */
static int shift_parent_place(const engine *E, const shift *s, size_t p, size_t np)
{
    if (p == FP_NONE)
        return -1;
    const char *pn = p >= s->a && p < s->a + np ? shift_name(E, s, p) : name_of(E, p);
    return pn ? place_parent_named(pn) : -1;
}

/* The division NAME stands for as a row under a parent of division P (-1: a parent that is no
 * place, whose rows are prefectures), or -1. */
static int shift_entry(const char *name, int P)
{
    if (!name)
        return -1;
    int e = P >= 0 ? gz_resolve(name, 0, P) : gz_resolve(name, GZ_PREFECTURE, -1);
    return e >= 0 && e != P ? e : -1;
}

/* How well the realigned names fit the gazetteer: 2 per name that is a division of its new
 * parent (a prefecture under a parent that is no place), minus 1 per pair of rows under one
 * parent out of code order. The lost label's likely name — the one division of its parent that
 * no row names — goes to *LOST. */
static int shift_score(const engine *E, const shift *s, const size_t *npar, size_t np,
                       const char **lost)
{
    int score = 0;
    *lost = NULL;
    int *ent = malloc((np + 1) * sizeof *ent);
    if (!ent)
        return 0;
    for (size_t i = 0; i < np; i++) {
        size_t k = s->a + i;
        int P = shift_parent_place(E, s, npar[i], np);
        const char *nm = shift_name(E, s, k);
        ent[i] = shift_entry(nm, P);
        if (nm || k != s->b)
            continue;
        /* the lost label: the one division of the parent's that no row under it names */
        int scope = P, level = GZ_COUNTY;
        if (P < 0) { /* rows under a parent that is no place: prefectures of one province */
            level = GZ_PREFECTURE;
            for (size_t x = 0; x < np && scope < 0; x++)
                if (x != i && npar[x] == npar[i] && ent[x] >= 0)
                    scope = gz_parent(ent[x]);
            if (scope < 0)
                for (size_t x = i + 1; x < np && scope < 0; x++)
                    if (npar[x] == npar[i]) {
                        int e = shift_entry(shift_name(E, s, s->a + x), -1);
                        scope = e >= 0 ? gz_parent(e) : -1;
                    }
        }
        if (scope < 0)
            continue;
        int cands = 0, found = -1;
        for (int c = 0; c < gz_count() && cands < 2; c++) {
            if (gz_parent(c) != scope || gz_level(c) != level)
                continue;
            int named = 0;
            if (npar[i] != FP_NONE)
                for (size_t x = fp_table_first_child(E->t, npar[i]); x != FP_NONE && !named;
                     x = fp_table_next_sibling(E->t, x))
                    named = (x < s->a || x >= s->a + np) && gz_names(c, name_of(E, x));
            for (size_t x = 0; x < np && !named; x++) {
                const char *xn = shift_name(E, s, s->a + x);
                named = xn && npar[x] == npar[i] && gz_names(c, xn);
            }
            if (!named)
                cands++, found = c;
        }
        if (cands == 1) {
            ent[i] = found;
            *lost = gz_short_name(found);
        }
    }
    for (size_t i = 0; i < np; i++) {
        if (ent[i] < 0)
            continue;
        score += 2;
        for (size_t x = i + 1; x < np; x++)
            if (ent[x] >= 0 && npar[x] == npar[i] && gz_code(ent[x]) < gz_code(ent[i]))
                score--;
    }
    free(ent);
    return score;
}

static void gen_shift_at(engine *E, const int *D, size_t a)
{
    const fp_table *t = E->t;
    size_t n = t->nrows;
    typedef struct found {
        shift s;
        int score;
        const char *lost;
        size_t lo, hi, Q;
    } found;
    found best[MAX_CANDIDATES];
    size_t nbest = 0;
    int top = -1;
    size_t np = SHIFT_WINDOW + 8;
    size_t *npar = malloc(np * sizeof *npar);
    if (!npar) {
        E->oom = 1;
        return;
    }
    for (size_t b = a + 1; b < n && b <= a + SHIFT_WINDOW; b++) {
        if (E->work > E->budget)
            break;
        shift s = {a, b, 0};
        int first = D[a + 1];
        if (a > 0 && first > D[a - 1] + 1)
            break;
        int prevd = D[b]; /* the depth row b-1 gets */
        for (int L = 0; L <= prevd + 1; L++) {
            if (b + 1 < n && D[b + 1] > L + 1)
                continue;
            s.L = L;
            int dmin = L;
            for (size_t k = a; k <= b; k++) {
                int dk = shift_depth(D, &s, k);
                if (dk < dmin)
                    dmin = dk;
                if (D[k] < dmin)
                    dmin = D[k];
            }
            size_t Q = a;
            while (Q != FP_NONE && D[Q] > dmin - 1)
                Q = parent_of(E, Q);
            if (dmin - 1 < 0)
                Q = FP_NONE;
            size_t lo = Q == FP_NONE ? 0 : Q + 1, hi = lo;
            int qd = Q == FP_NONE ? -1 : D[Q];
            while (hi < n && D[hi] > qd)
                hi++;
            if (Q == FP_NONE && n > 200000)
                continue;
            size_t keep = a + np <= n ? np : n - a;
            for (size_t i = 0; i < keep; i++)
                npar[i] = parent_of(E, a + i);
            if (!shift_holds(E, D, &s, Q, lo, hi, npar, a + keep <= hi ? keep : hi - a))
                continue;
            const char *lost;
            int score = shift_score(E, &s, npar, keep, &lost);
            if (score > top) {
                top = score;
                nbest = 0;
            }
            if (score == top && nbest < MAX_CANDIDATES)
                best[nbest++] = (found){s, score, lost, lo, hi, Q};
        }
    }
    free(npar);
    for (size_t i = 0; i < nbest; i++) {
        const found *f = &best[i];
        hyp *h = hyp_new(E, FP_CAUSE_LABEL_SHIFT, FP_SUBKIND_NONE, COST_EVENT);
        if (!h)
            return;
        h->row = f->s.a;
        h->row_end = f->s.b;
        h->level_end = f->s.L;
        h->name = f->lost;
        h->parent = f->Q;
        if (f->Q != FP_NONE)
            cover_row(E, h, f->Q, 0, 1);
        for (size_t x = row_first(E, f->lo); x < E->nf; x++) {
            const fp_finding *fd = fp_report_finding(E->r, x);
            if (fd->row >= f->hi)
                break;
            size_t cap = h->ncover;
            if (E->fkind[x] && fd->identity == FP_RULE_COLUMN_SUM &&
                set_add(&h->cover, &h->ncover, &cap, x))
                E->oom = 1;
        }
        if (!h->ncover) {
            hyp_drop_last(E);
            continue;
        }
        for (size_t k = f->s.a; k <= f->s.b; k++) {
            fp_cause_cell *c = hyp_cell(E, h, FP_CELL_RENAME, k, t->name_col);
            if (!c)
                break;
            c->stated_text = name_of(E, k);
            c->suggested_text = k < f->s.b ? name_of(E, k + 1) : f->lost;
            c->level = shift_depth(D, &f->s, k);
        }
    }
}

/* Label shifts start where a row repeats the label (name and level) of the row above, or has
 * no name, near a sum that fails. */
static void gen_shifts(engine *E)
{
    const fp_table *t = E->t;
    size_t n = t->nrows;
    if (!E->seq_order || !E->colsums || n < 3)
        return;
    int *D = malloc(n * sizeof *D);
    if (!D) {
        E->oom = 1;
        return;
    }
    for (size_t r = 0; r < n; r++)
        D[r] = t->parent[r] < 0 ? 0 : D[t->parent[r]] + 1;
    for (size_t a = 1; a + 1 < n && E->work <= E->budget && !E->oom; a++) {
        const char *nm = name_of(E, a);
        if (*nm && !(D[a] == D[a - 1] && strcmp(nm, name_of(E, a - 1)) == 0))
            continue;
        int near = 0;
        for (size_t x = parent_of(E, a); x != FP_NONE && !near; x = parent_of(E, x))
            near = col_failing(E, x);
        for (size_t i = row_first(E, a); i < E->nf && !near; i++) {
            const fp_finding *f = fp_report_finding(E->r, i);
            if (f->row > a + SHIFT_WINDOW)
                break;
            near = E->fkind[i] && f->identity == FP_RULE_COLUMN_SUM;
        }
        if (near)
            gen_shift_at(E, D, a);
    }
    free(D);
}

/* ---- several typos sharing a sum ---- */

typedef struct typo_cand {
    size_t j;
    i128 d;
} typo_cand;

static size_t uf_find(size_t *up, size_t x)
{
    while (up[x] != x)
        x = up[x] = up[up[x]];
    return x;
}

static void uf_union(size_t *up, size_t a, size_t b)
{
    a = uf_find(up, a);
    b = uf_find(up, b);
    if (a != b)
        up[a < b ? b : a] = a < b ? a : b;
}

static size_t index_of(const size_t *v, size_t n, size_t x)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (v[mid] < x)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < n && v[lo] == x ? lo : FP_NONE;
}

static int cmp_cand_parent(const void *a, const void *b)
{
    const typo_cand *x = a, *y = b;
    return (x->j > y->j) - (x->j < y->j);
}

/* Rows whose identities no single explanation covered: one typo per row, chosen jointly so that
 * the sums they share hold. */
static void gen_combos(engine *E, const unsigned char *covered)
{
    size_t na = E->na, nk = E->nforms;
    size_t *rows = NULL, nrows = 0, cap = 0;
    for (size_t i = 0; i < E->nf; i++) {
        const fp_finding *f = fp_report_finding(E->r, i);
        if (E->fkind[i] != 1 || covered[i] || f->identity == FP_RULE_COLUMN_SUM)
            continue;
        if (nrows && rows[nrows - 1] == f->row)
            continue;
        if (buf_reserve((void **)&rows, &cap, nrows + 1, sizeof *rows)) {
            E->oom = 1;
            free(rows);
            return;
        }
        rows[nrows++] = f->row;
    }
    if (nrows < 2) {
        free(rows);
        return;
    }
    size_t *up = malloc(nrows * sizeof *up);
    typo_cand *cands = malloc(nrows * na * sizeof *cands + 1);
    size_t *ncand = calloc(nrows, sizeof *ncand);
    i128 *R = malloc((nk + 1) * sizeof *R);
    if (!up || !cands || !ncand || !R) {
        E->oom = 1;
        goto done;
    }
    for (size_t i = 0; i < nrows; i++) {
        up[i] = i;
        size_t r = rows[i];
        for (size_t k = 0; k < nk; k++)
            R[k] = form_res(E, r, k);
        for (size_t j = 0; j < na; j++) {
            i128 d = 0;
            int ok = 1, seen = 0;
            for (size_t k = 0; k < nk && ok; k++) {
                int c = E->coef[k * na + j];
                if (!c)
                    continue;
                if (R[k] % c || (seen && -R[k] / c != d))
                    ok = 0;
                d = -R[k] / c;
                seen = 1;
            }
            for (size_t k = 0; k < nk && ok; k++)
                ok = E->coef[k * na + j] || R[k] == 0;
            if (ok && seen && d && in_range(E, r, j, d))
                cands[i * na + ncand[i]++] = (typo_cand){j, d};
        }
    }
    /* rows join their parent's group and their siblings' (pairs sorted by parent) */
    typo_cand *byp = malloc((nrows + 1) * sizeof *byp); /* j: the parent, d: the row's index */
    if (!byp) {
        E->oom = 1;
        goto done;
    }
    for (size_t i = 0; i < nrows; i++) {
        size_t p = parent_of(E, rows[i]);
        size_t ip = p == FP_NONE ? FP_NONE : index_of(rows, nrows, p);
        if (ip != FP_NONE)
            uf_union(up, i, ip);
        byp[i] = (typo_cand){p, (i128)i};
    }
    qsort(byp, nrows, sizeof *byp, cmp_cand_parent);
    for (size_t i = 1; i < nrows; i++)
        if (byp[i].j == byp[i - 1].j && byp[i].j != FP_NONE)
            uf_union(up, (size_t)byp[i].d, (size_t)byp[i - 1].d);
    free(byp);
    size_t *grp = malloc(nrows * sizeof *grp), *pick = malloc(nrows * sizeof *pick);
    delta *dv = malloc((nrows + 1) * sizeof *dv);
    /* by row and candidate: a single typo that holds alone was made already */
    unsigned char *single = calloc(nrows * na + 1, 1);
    if (!grp || !pick || !dv || !single) {
        E->oom = 1;
        free(grp);
        free(pick);
        free(dv);
        free(single);
        goto done;
    }
    for (size_t x = 0; x < E->nh; x++) {
        const hyp *h = &E->h[x];
        if (h->dead || h->kind != FP_CAUSE_TYPO || h->ncells != 1)
            continue;
        size_t i = index_of(rows, nrows, h->cells[0].row);
        for (size_t c = 0; i != FP_NONE && c < ncand[i]; c++) {
            const typo_cand *cd = &cands[i * na + c];
            if (E->acols[cd->j] == h->cells[0].column &&
                (i128)h->cells[0].suggested - h->cells[0].stated == cd->d)
                single[i * na + c] = 1;
        }
    }
    /* the groups: rows ordered by their root (counting sort: roots are row indices) */
    size_t *start = calloc(nrows + 1, sizeof *start), *order = malloc(nrows * sizeof *order);
    if (!start || !order) {
        E->oom = 1;
        free(start);
        free(order);
        free(grp);
        free(pick);
        free(dv);
        free(single);
        goto done;
    }
    for (size_t i = 0; i < nrows; i++)
        start[uf_find(up, i) + 1]++;
    for (size_t g = 0; g < nrows; g++)
        start[g + 1] += start[g];
    {
        size_t *pos = malloc((nrows + 1) * sizeof *pos);
        if (!pos) {
            E->oom = 1;
            free(start);
            free(order);
            free(grp);
            free(pick);
            free(dv);
            free(single);
            goto done;
        }
        memcpy(pos, start, (nrows + 1) * sizeof *pos);
        for (size_t i = 0; i < nrows; i++)
            order[pos[uf_find(up, i)]++] = i;
        free(pos);
    }
    for (size_t g = 0; g < nrows; g++) {
        if (start[g + 1] == start[g])
            continue;
        size_t m = 0;
        unsigned long long combos = 1;
        for (size_t x = start[g]; x < start[g + 1] && m <= 6; x++) {
            size_t i = order[x];
            grp[m++] = i;
            combos *= ncand[i] ? ncand[i] : 0;
        }
        if (start[g + 1] - start[g] > 6)
            continue;
        if (m < 2 || m > 6 || combos == 0 || combos > 4096)
            continue;
        size_t made = 0;
        for (unsigned long long c = 0; c < combos && made < MAX_CANDIDATES; c++) {
            unsigned long long x = c;
            for (size_t i = 0; i < m; i++) {
                pick[i] = (size_t)(x % ncand[grp[i]]);
                x /= ncand[grp[i]];
                const typo_cand *cd = &cands[grp[i] * na + pick[i]];
                dv[i] = (delta){rows[grp[i]], cd->j, cd->d};
            }
            /* readings made of single typos that each hold alone are there already */
            int all_single = 1;
            for (size_t i = 0; i < m && all_single; i++)
                all_single = single[grp[i] * na + pick[i]];
            if (all_single)
                continue;
            size_t before = E->nh;
            add_typo(E, dv, m, FP_CAUSE_TYPO, COST_EVENT * (int)m);
            made += E->nh > before;
        }
    }
    free(start);
    free(order);
    free(grp);
    free(pick);
    free(dv);
    free(single);
done:
    free(up);
    free(cands);
    free(ncand);
    free(R);
    free(rows);
}

/* ---- choosing: the cheapest exact cover of the failing identities ---- */

typedef struct solver {
    engine *E;
    size_t *ids;          /* the component's identities (finding indices), ascending */
    size_t nids;
    size_t *local;        /* by finding: index into ids, or FP_NONE (shared, all findings) */
    size_t **hyps_of;     /* by local id: hypotheses covering it, cheapest first */
    size_t *nhyps_of;
    unsigned char *state; /* by local id: 0 open, 1 covered, 2 left unexplained */
    size_t *chosen;
    size_t nchosen;
    int cost, best;
    size_t *sols;         /* SOLVE_KEEP solutions of up to nids hypotheses each */
    size_t nsol_len[SOLVE_KEEP];
    size_t nsols;
    unsigned long nodes;
} solver;

static void solve(solver *S, size_t from)
{
    if (S->cost > S->best || S->nodes++ > SOLVE_NODES)
        return;
    size_t i = from;
    while (i < S->nids && S->state[i])
        i++;
    if (i == S->nids) {
        if (S->cost < S->best) {
            S->best = S->cost;
            S->nsols = 0;
        }
        if (S->nsols < SOLVE_KEEP) {
            memcpy(&S->sols[S->nsols * S->nids], S->chosen, S->nchosen * sizeof *S->chosen);
            S->nsol_len[S->nsols++] = S->nchosen;
        }
        return;
    }
    const engine *E = S->E;
    for (size_t x = 0; x < S->nhyps_of[i]; x++) {
        const hyp *h = &E->h[S->hyps_of[i][x]];
        int free_all = 1;
        for (size_t c = 0; c < h->ncover && free_all; c++)
            free_all = S->state[S->local[h->cover[c]]] == 0;
        if (!free_all)
            continue;
        for (size_t c = 0; c < h->ncover; c++)
            S->state[S->local[h->cover[c]]] = 1;
        S->chosen[S->nchosen++] = S->hyps_of[i][x];
        S->cost += h->cost;
        solve(S, i + 1);
        S->cost -= h->cost;
        S->nchosen--;
        for (size_t c = 0; c < h->ncover; c++)
            S->state[S->local[h->cover[c]]] = 0;
    }
    int penalty = E->fkind[S->ids[i]] == 1 ? COST_UNEXPLAINED : 0;
    S->state[i] = 2;
    S->cost += penalty;
    solve(S, i + 1);
    S->cost -= penalty;
    S->state[i] = 0;
}

/* What the solver decided for one identity: a hypothesis, several (ambiguous), or none. */
typedef struct decision {
    size_t finding;
    size_t n;     /* 0 unexplained, 1 explained by h, 2 ambiguous: see group */
    size_t h;
    size_t group; /* ambiguous: index into the groups, else FP_NONE */
} decision;

/* Identities whose explanation differs between equally cheap readings: each candidate is the
 * set of hypotheses one reading uses for them. */
typedef struct amb_group {
    size_t ncand;
    size_t *cand[SOLVE_KEEP];
    size_t len[SOLVE_KEEP];
} amb_group;

static void groups_free(amb_group *g, size_t n)
{
    for (size_t i = 0; i < n; i++)
        for (size_t c = 0; c < g[i].ncand; c++)
            free(g[i].cand[c]);
    free(g);
}

static int cmp_size(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return (x > y) - (x < y);
}

/* Decide every failing identity: fills DEC (one per identity finding, in finding order) and the
 * groups of ambiguous ones. */
static fp_error decide(engine *E, decision **out, size_t *nout, amb_group **gout, size_t *ngout)
{
    amb_group *groups = NULL;
    size_t ngroups = 0, gcap = 0;
    size_t nf = E->nf;
    size_t *ids = NULL, nids = 0;
    size_t *local = malloc((nf + 1) * sizeof *local);
    size_t *up = malloc((nf + 1) * sizeof *up);
    decision *dec = calloc(nf + 1, sizeof *dec);
    size_t **hyps_of = calloc(nf + 1, sizeof *hyps_of);
    size_t *nhyps_of = calloc(nf + 1, sizeof *nhyps_of), *caps = calloc(nf + 1, sizeof *caps);
    unsigned char *state = calloc(nf + 1, 1);
    fp_error err = FP_OK;
    if (!local || !up || !dec || !hyps_of || !nhyps_of || !caps || !state)
        goto nomem;
    ids = malloc((nf + 1) * sizeof *ids);
    if (!ids)
        goto nomem;
    for (size_t i = 0; i < nf; i++) {
        local[i] = FP_NONE;
        up[i] = i;
        if (E->fkind[i])
            ids[nids++] = i;
    }
    /* hypotheses by identity, cheapest first; identities joined by a hypothesis */
    for (size_t x = 0; x < E->nh; x++) {
        const hyp *h = &E->h[x];
        if (h->dead || !h->ncover)
            continue;
        for (size_t c = 0; c < h->ncover; c++) {
            size_t f = h->cover[c];
            if (buf_reserve((void **)&hyps_of[f], &caps[f], nhyps_of[f] + 1, sizeof **hyps_of))
                goto nomem;
            hyps_of[f][nhyps_of[f]++] = x;
            uf_union(up, h->cover[0], f);
        }
    }
    for (size_t i = 0; i < nids; i++) {
        size_t f = ids[i];
        /* insertion sort by cost, then by index (stable, deterministic) */
        size_t *v = hyps_of[f];
        for (size_t a = 1; a < nhyps_of[f]; a++) {
            size_t key = v[a], b = a;
            while (b > 0 && (E->h[v[b - 1]].cost > E->h[key].cost ||
                             (E->h[v[b - 1]].cost == E->h[key].cost && v[b - 1] > key))) {
                v[b] = v[b - 1];
                b--;
            }
            v[b] = key;
        }
    }
    size_t *comp = malloc((nids + 1) * sizeof *comp);
    size_t *chosen = malloc((nids + 1) * sizeof *chosen);
    size_t *sols = malloc((nids + 1) * SOLVE_KEEP * sizeof *sols);
    if (!comp || !chosen || !sols) {
        free(comp);
        free(chosen);
        free(sols);
        goto nomem;
    }
    unsigned char *done = state; /* reuse: marks roots handled, cleared per component */
    for (size_t i = 0; i < nids; i++) {
        size_t root = uf_find(up, ids[i]);
        if (local[ids[i]] != FP_NONE || (done[root] & 0x80))
            continue;
        done[root] |= 0x80;
        size_t m = 0;
        for (size_t k = i; k < nids; k++)
            if (uf_find(up, ids[k]) == root)
                comp[m++] = ids[k];
        for (size_t k = 0; k < m; k++)
            local[comp[k]] = k;
        unsigned char *st = calloc(m + 1, 1);
        size_t **ho = malloc((m + 1) * sizeof *ho), *nho = malloc((m + 1) * sizeof *nho);
        if (!st || !ho || !nho) {
            free(st);
            free(ho);
            free(nho);
            free(comp);
            free(chosen);
            free(sols);
            goto nomem;
        }
        for (size_t k = 0; k < m; k++) {
            ho[k] = hyps_of[comp[k]];
            nho[k] = nhyps_of[comp[k]];
        }
        solver S = {E, comp, m, local, ho, nho, st, chosen, 0, 0, 1 << 30, sols, {0}, 0, 0};
        if (m <= 2000) {
            solve(&S, 0);
        } else { /* too large to search: the cheapest open hypothesis for each identity */
            for (size_t k = 0; k < m; k++)
                for (size_t x = 0; x < nho[k] && !st[k]; x++) {
                    const hyp *h = &E->h[ho[k][x]];
                    int free_all = 1;
                    for (size_t c = 0; c < h->ncover && free_all; c++)
                        free_all = st[local[h->cover[c]]] == 0;
                    if (!free_all)
                        continue;
                    for (size_t c = 0; c < h->ncover; c++)
                        st[local[h->cover[c]]] = 1;
                    chosen[S.nchosen++] = ho[k][x];
                }
            memcpy(sols, chosen, S.nchosen * sizeof *chosen);
            S.nsol_len[0] = S.nchosen;
            S.nsols = 1;
        }
        /* per identity: the hypothesis of each optimal solution */
        size_t ns = S.nsols ? S.nsols : 1;
        size_t *hx = malloc(m * ns * sizeof *hx);
        if (!hx) {
            free(st);
            free(ho);
            free(nho);
            free(comp);
            free(chosen);
            free(sols);
            goto nomem;
        }
        int differ = 0;
        for (size_t k = 0; k < m; k++) {
            for (size_t x = 0; x < ns; x++) {
                hx[k * ns + x] = FP_NONE;
                for (size_t c = 0; x < S.nsols && c < S.nsol_len[x]; c++) {
                    const hyp *h = &E->h[sols[x * m + c]];
                    for (size_t q = 0; q < h->ncover && hx[k * ns + x] == FP_NONE; q++)
                        if (h->cover[q] == comp[k])
                            hx[k * ns + x] = sols[x * m + c];
                }
            }
            decision *d = &dec[comp[k]];
            d->finding = comp[k];
            d->group = FP_NONE;
            d->h = hx[k * ns];
            d->n = d->h != FP_NONE;
            for (size_t x = 1; x < ns; x++)
                if (hx[k * ns + x] != hx[k * ns]) {
                    d->n = 2;
                    differ = 1;
                }
        }
        if (differ) { /* one group: per reading, the hypotheses it uses where readings differ */
            if (buf_reserve((void **)&groups, &gcap, ngroups + 1, sizeof *groups)) {
                free(hx);
                free(st);
                free(ho);
                free(nho);
                free(comp);
                free(chosen);
                free(sols);
                goto nomem;
            }
            amb_group *g = &groups[ngroups];
            memset(g, 0, sizeof *g);
            for (size_t x = 0; x < ns; x++) {
                size_t *set = malloc((m + 1) * sizeof *set), len = 0;
                if (!set) {
                    E->oom = 1;
                    break;
                }
                for (size_t k = 0; k < m; k++) {
                    size_t h = hx[k * ns + x];
                    int seen = h == FP_NONE || dec[comp[k]].n != 2;
                    for (size_t q = 0; q < len && !seen; q++)
                        seen = set[q] == h;
                    if (!seen)
                        set[len++] = h;
                }
                qsort(set, len, sizeof *set, cmp_size);
                int dup = len == 0;
                for (size_t c = 0; c < g->ncand && !dup; c++)
                    dup = g->len[c] == len && memcmp(g->cand[c], set, len * sizeof *set) == 0;
                if (dup) {
                    free(set);
                    continue;
                }
                g->cand[g->ncand] = set;
                g->len[g->ncand++] = len;
            }
            for (size_t k = 0; k < m; k++)
                if (dec[comp[k]].n == 2)
                    dec[comp[k]].group = ngroups;
            ngroups++;
        }
        free(hx);
        free(st);
        free(ho);
        free(nho);
    }
    free(comp);
    free(chosen);
    free(sols);
    for (size_t i = 0, k = 0; i < nf; i++)
        if (E->fkind[i])
            dec[k++] = dec[i];
    *out = dec;
    *nout = nids;
    *gout = groups;
    *ngout = ngroups;
    dec = NULL;
    groups = NULL;
    ngroups = 0;
    goto end;
nomem:
    err = FP_ERR_NOMEM;
end:
    groups_free(groups, ngroups);
    if (hyps_of)
        for (size_t i = 0; i < nf; i++)
            free(hyps_of[i]);
    free(hyps_of);
    free(nhyps_of);
    free(caps);
    free(state);
    free(local);
    free(up);
    free(ids);
    free(dec);
    return err;
}

/* ---- sentences ---- */

typedef struct lang_words {
    const char *lq, *rq;     /* around a name or a column header */
    const char *list_sep;    /* between items of a list */
    const char *ellipsis;
} lang_words;

static const lang_words W_ZH = {"「", "」", "、", "……"};
static const lang_words W_EN = {"", "", ", ", "…"};

static void put_row(sb *b, const engine *E, size_t row, int en)
{
    if (en)
        sb_printf(b, "line %ld %s", fp_table_row_line(E->t, row), name_of(E, row));
    else
        sb_printf(b, "第 %ld 行「%s」", fp_table_row_line(E->t, row), name_of(E, row));
}

static void put_col(sb *b, const engine *E, size_t col, int en)
{
    const lang_words *w = en ? &W_EN : &W_ZH;
    sb_str(b, w->lq);
    sb_str(b, col == FP_NONE ? "?" : fp_table_column_name(E->t, col));
    sb_str(b, w->rq);
}

static const char *const sub_zh[FP_SUBKIND_MAX] = {"", "（相邻数字颠倒）", "（一位数字错误）",
                                                   "（正负号错误）", "（漏了一格）"};
static const char *const sub_en[FP_SUBKIND_MAX] = {"", " (adjacent digits swapped)",
                                                   " (one wrong digit)", " (wrong sign)",
                                                   " (a lost cell)"};

static void text_typo(sb *b, const engine *E, const hyp *h, int en)
{
    if (h->ncells == 1) {
        const fp_cause_cell *c = &h->cells[0];
        sb_str(b, en ? "typo" : "笔误");
        sb_str(b, (en ? sub_en : sub_zh)[c->subkind < FP_SUBKIND_DUPLICATE ? c->subkind : 0]);
        sb_str(b, en ? ": " : "：");
        put_row(b, E, c->row, en);
        sb_str(b, en ? ", " : "的");
        put_col(b, E, c->column, en);
        if (c->subkind == FP_SUBKIND_BLANK) {
            sb_str(b, en ? " is blank; " : "为空，应为 ");
        } else {
            sb_str(b, en ? " reads " : "表中 ");
            sb_amount(b, c->stated);
            sb_str(b, en ? "; " : "，应为 ");
        }
        sb_amount(b, c->suggested);
        sb_str(b, en ? " makes every identity it takes part in hold." : "；这样它参与的各项平衡关系全部成立。");
        return;
    }
    if (en)
        sb_printf(b, "%zu typos: ", h->ncells);
    else
        sb_printf(b, "%zu 处笔误：", h->ncells);
    for (size_t i = 0; i < h->ncells; i++) {
        const fp_cause_cell *c = &h->cells[i];
        if (i)
            sb_str(b, en ? "; " : "；");
        put_row(b, E, c->row, en);
        sb_str(b, en ? ", " : "的");
        put_col(b, E, c->column, en);
        sb_str(b, en ? " reads " : "表中 ");
        sb_amount(b, c->stated);
        sb_str(b, en ? ", should be " : "，应为 ");
        sb_amount(b, c->suggested);
        sb_str(b, (en ? sub_en : sub_zh)[c->subkind < FP_SUBKIND_DUPLICATE ? c->subkind : 0]);
    }
    sb_str(b, en ? "; corrected, every identity holds." : "；改正后各项平衡关系全部成立。");
}

static void text_misplaced(sb *b, const engine *E, const hyp *h, int en)
{
    const fp_cause_cell *x = &h->cells[0], *y = &h->cells[1];
    if (x->stated == 0 || y->stated == 0) { /* one cell moved into an empty column */
        const fp_cause_cell *from = x->stated ? x : y, *to = x->stated ? y : x;
        sb_str(b, en ? "misplaced cell: " : "串列：");
        put_row(b, E, from->row, en);
        sb_str(b, en ? ": the " : "的 ");
        sb_amount(b, from->stated);
        sb_str(b, en ? " in " : " 应在");
        if (en) {
            put_col(b, E, from->column, en);
            sb_str(b, " belongs in ");
            put_col(b, E, to->column, en);
            sb_str(b, "; moved back, every identity holds.");
        } else {
            put_col(b, E, to->column, en);
            sb_str(b, "列，却填在了");
            put_col(b, E, from->column, en);
            sb_str(b, "列；移回后各项平衡关系成立。");
        }
        return;
    }
    sb_str(b, en ? "cells swapped: " : "两格互换：");
    put_row(b, E, x->row, en);
    sb_str(b, en ? ": " : "的");
    put_col(b, E, x->column, en);
    sb_str(b, en ? " (" : "（");
    sb_amount(b, x->stated);
    sb_str(b, en ? ") and " : "）与");
    put_col(b, E, y->column, en);
    sb_str(b, en ? " (" : "（");
    sb_amount(b, y->stated);
    sb_str(b, en ? ") are exchanged; swapped back, every identity holds."
                 : "）填反了；换回后各项平衡关系成立。");
}

static void put_values(sb *b, const engine *E, const hyp *h, int en)
{
    const lang_words *w = en ? &W_EN : &W_ZH;
    int first = 1;
    for (size_t i = 0; i < h->ncells; i++) {
        const fp_cause_cell *c = &h->cells[i];
        if (c->change != FP_CELL_INSERT && c->change != FP_CELL_DELETE)
            continue;
        if (!first)
            sb_str(b, w->list_sep);
        first = 0;
        sb_str(b, fp_table_column_name(E->t, c->column));
        sb_str(b, " ");
        sb_amount(b, c->change == FP_CELL_INSERT ? c->suggested : c->stated);
    }
}

static void text_missing(sb *b, const engine *E, const hyp *h, int en)
{
    if (en) {
        sb_str(b, "missing row: a row is missing under ");
        put_row(b, E, h->parent, en);
        if (h->name)
            sb_printf(b, " (probably %s)", h->name);
        sb_str(b, ": ");
        put_values(b, E, h, en);
        sb_str(b, "; the row itself balances, and with it the sums hold.");
    } else {
        sb_str(b, "缺行：");
        put_row(b, E, h->parent, en);
        sb_str(b, "下少了一行");
        if (h->name)
            sb_printf(b, "（可能是「%s」）", h->name);
        sb_str(b, "：");
        put_values(b, E, h, en);
        sb_str(b, "；这一行本身平衡，补上后合计成立。");
    }
}

static void text_extra(sb *b, const engine *E, const hyp *h, int en)
{
    if (h->sub == FP_SUBKIND_DUPLICATE) {
        sb_str(b, en ? "duplicate row: " : "重复行：");
        put_row(b, E, h->row, en);
        sb_str(b, en ? " repeats an identical row above and is counted twice in "
                     : "与上面的同名行完全相同，在");
        put_row(b, E, h->parent, en);
        sb_str(b, en ? "; without it the sums hold." : "中重复计入；删去后合计成立。");
    } else if (h->sub == FP_SUBKIND_DOUBLE_COUNTED) {
        sb_str(b, en ? "counted twice: " : "重复计入：");
        put_row(b, E, h->row, en);
        sb_str(b, en ? " is already contained in other rows (a subtotal or an \"of which\" row) and "
                       "is counted again in "
                     : "已包含在其他行中（小计或「其中」行），又被计入了");
        put_row(b, E, h->parent, en);
        sb_str(b, en ? "; without it the sums hold." : "；删去后合计成立。");
    } else {
        sb_str(b, en ? "extra row: the rows of " : "多出一行：");
        put_row(b, E, h->parent, en);
        sb_str(b, en ? " exceed it by exactly " : "的各行之和比它多出的正好是");
        put_row(b, E, h->row, en);
        sb_str(b, en ? "; without it the sums hold." : "；删去后合计成立。");
    }
}

static void text_wrong_parent(sb *b, const engine *E, const hyp *h, int en)
{
    sb_str(b, en ? "wrong parent: " : "上级错误：");
    put_row(b, E, h->row, en);
    if (h->cost == COST_EVIDENCE) {
        sb_str(b, en ? " belongs to " : "属于");
        put_row(b, E, h->parent, en);
        sb_str(b, en ? " but is listed under " : "，却列在了");
        put_row(b, E, h->from, en);
        sb_str(b, en ? "; moved there, both sums hold." : "下；移过去后两处合计都成立。");
    } else {
        sb_str(b, en ? " is listed under " : "列在");
        put_row(b, E, h->from, en);
        sb_str(b, en ? ", whose rows exceed it by exactly this row, while " : "下，而它的各行之和多出的正是这一行，");
        put_row(b, E, h->parent, en);
        sb_str(b, en ? " falls short by exactly this row; moved there, both sums hold."
                     : "少的也正是这一行；移过去后两处合计都成立。");
    }
}

static void text_shift(sb *b, const engine *E, const hyp *h, int en)
{
    long la = fp_table_row_line(E->t, h->row), lb = fp_table_row_line(E->t, h->row_end);
    int names_only = h->level_end < 0; /* the sums hold: only the names are off */
    if (en)
        sb_printf(b, "label shift: on lines %ld–%ld the names%s are one row late against the "
                     "numbers: ", la, lb, names_only ? "" : " (with their levels)");
    else
        sb_printf(b, "名称错行：第 %ld–%ld 行的单位名称%s比数字晚了一行：", la, lb,
                  names_only ? "" : "（连同级次）");
    size_t shown = 0;
    for (size_t i = 0; i + 1 < h->ncells && shown < 4; i++, shown++) {
        const fp_cause_cell *c = &h->cells[i];
        if (i)
            sb_str(b, en ? ", " : "，");
        if (en)
            sb_printf(b, "the numbers on line %ld belong to %s", fp_table_row_line(E->t, c->row),
                      c->suggested_text ? c->suggested_text : "?");
        else
            sb_printf(b, "第 %ld 行的数字属于「%s」", fp_table_row_line(E->t, c->row),
                      c->suggested_text ? c->suggested_text : "?");
    }
    if (shown + 1 < h->ncells)
        sb_str(b, en ? ", …" : "……");
    if (en) {
        sb_printf(b, "; the name of line %ld is lost", lb);
        if (h->name)
            sb_printf(b, " (probably %s)", h->name);
        sb_str(b, names_only ? "; realigned, every name sits under the division it belongs to."
                             : "; realigned, every sum holds.");
    } else {
        sb_printf(b, "，第 %ld 行的名称缺失", lb);
        if (h->name)
            sb_printf(b, "（可能是「%s」）", h->name);
        sb_str(b, names_only ? "；重新对齐后各单位都在其所属的地州下。" : "；重新对齐后各合计成立。");
    }
}

static void text_split(sb *b, const engine *E, const hyp *h, int en)
{
    long la = fp_table_row_line(E->t, h->row), lb = fp_table_row_line(E->t, h->row_end);
    if (en) {
        sb_printf(b, "split row: lines %ld–%ld hold the cells of one unit, %s; merged, its "
                     "identities hold.", la, lb, name_of(E, h->row));
    } else {
        sb_printf(b, "一行拆成了 %zu 行：第 %ld–%ld 行是同一单位「%s」的数字；合并后各项平衡关系成立。",
                  h->row_end - h->row + 1, la, lb, name_of(E, h->row));
    }
}

static void text_residue(sb *b, const engine *E, const hyp *h, int en)
{
    const fp_finding *f = fp_report_finding(E->r, h->cover[0]);
    if (h->parent != FP_NONE) {
        size_t n = child_count(E, h->parent);
        sb_str(b, en ? "rounding residue: " : "尾差：");
        put_row(b, E, h->parent, en);
        sb_str(b, en ? " and the sum of its rows differ by " : "与其各行之和相差 ");
        sb_amount(b, f->difference);
        if (en)
            sb_printf(b, ", no more than half a unit for each of its %zu rounded parts: each part "
                         "was rounded on its own", n);
        else
            sb_printf(b, "，不超过 %zu 个舍入项各半个单位，应是各项分别四舍五入所致", n);
    } else {
        sb_str(b, en ? "rounding residue: " : "尾差：");
        put_row(b, E, h->row, en);
        sb_str(b, en ? ", " : "的");
        put_col(b, E, f->column, en);
        sb_str(b, en ? " differs from its parts by " : "与各项之和相差 ");
        sb_amount(b, f->difference);
        sb_str(b, en ? ", no more than half a unit per rounded part: each part was rounded on its "
                       "own"
                     : "，不超过各舍入项半个单位之和，应是各项分别四舍五入所致");
    }
    size_t last = FP_NONE;
    for (size_t i = 0; i < h->ncells; i++) {
        const fp_cause_cell *c = &h->cells[i];
        if (c->change != FP_CELL_SET)
            continue;
        if (last == FP_NONE)
            sb_str(b, en ? "; put the residue on the largest rows: " : "；可把尾差调到最大的项上：");
        if (c->row != last) {
            if (last != FP_NONE)
                sb_str(b, en ? "; " : "；");
            put_row(b, E, c->row, en);
            sb_str(b, en ? " " : "");
        } else {
            sb_str(b, en ? ", " : "、");
        }
        last = c->row;
        sb_str(b, fp_table_column_name(E->t, c->column));
        sb_str(b, " ");
        sb_amount(b, c->stated);
        sb_str(b, en ? " → " : "→");
        sb_amount(b, c->suggested);
    }
    sb_str(b, en ? "." : "。");
}

static void hyp_text(sb *b, const engine *E, const hyp *h, int en)
{
    switch (h->kind) {
    case FP_CAUSE_TYPO:
        text_typo(b, E, h, en);
        break;
    case FP_CAUSE_MISPLACED_CELL:
        text_misplaced(b, E, h, en);
        break;
    case FP_CAUSE_MISSING_ROW:
        text_missing(b, E, h, en);
        break;
    case FP_CAUSE_EXTRA_ROW:
        text_extra(b, E, h, en);
        break;
    case FP_CAUSE_WRONG_PARENT:
        text_wrong_parent(b, E, h, en);
        break;
    case FP_CAUSE_LABEL_SHIFT:
        text_shift(b, E, h, en);
        break;
    case FP_CAUSE_SPLIT_ROW:
        text_split(b, E, h, en);
        break;
    case FP_CAUSE_ROUNDING_RESIDUE:
        text_residue(b, E, h, en);
        break;
    default:
        break;
    }
}

/* ---- the causes ---- */

typedef struct cause_rec {
    fp_cause c;          /* first: a cause_rec * is a fp_cause * */
    size_t *cover;       /* the findings it explains */
    size_t ncover;
    int note;            /* explains no finding */
    size_t index;        /* place in fp_causes_get order; FP_NONE for a candidate */
    const fp_cause **cand;
} cause_rec;

struct fp_causes {
    cause_rec **list;
    size_t n, cap;
    cause_rec **extra; /* candidates of ambiguous causes */
    size_t nextra, extracap;
    size_t *of;        /* by finding: index into list, or FP_NONE */
    size_t nf;
    size_t nrows;
};

static const char *const kind_names[FP_CAUSE_MAX] = {
    [FP_CAUSE_TYPO] = "typo",
    [FP_CAUSE_MISPLACED_CELL] = "misplaced-cell",
    [FP_CAUSE_MISSING_ROW] = "missing-row",
    [FP_CAUSE_EXTRA_ROW] = "extra-row",
    [FP_CAUSE_LABEL_SHIFT] = "label-shift",
    [FP_CAUSE_SPLIT_ROW] = "split-row",
    [FP_CAUSE_ROUNDING_RESIDUE] = "rounding-residue",
    [FP_CAUSE_WRONG_PARENT] = "wrong-parent",
    [FP_CAUSE_AMBIGUOUS] = "ambiguous",
};

static const char *const subkind_names[FP_SUBKIND_MAX] = {
    [FP_SUBKIND_NONE] = "",
    [FP_SUBKIND_TRANSPOSITION] = "transposition",
    [FP_SUBKIND_DIGIT] = "digit",
    [FP_SUBKIND_SIGN] = "sign",
    [FP_SUBKIND_BLANK] = "blank",
    [FP_SUBKIND_DUPLICATE] = "duplicate",
    [FP_SUBKIND_DOUBLE_COUNTED] = "double-counted",
    [FP_SUBKIND_SWAP] = "swap",
};

const char *fp_cause_kind_name(fp_cause_kind kind)
{
    return (unsigned)kind < FP_CAUSE_MAX ? kind_names[kind] : "?";
}

const char *fp_cause_subkind_name(fp_cause_subkind subkind)
{
    return (unsigned)subkind < FP_SUBKIND_MAX ? subkind_names[subkind] : "?";
}

static void rec_free(cause_rec *c)
{
    if (!c)
        return;
    free((void *)c->c.cells);
    free((void *)c->c.text_zh);
    free((void *)c->c.text_en);
    free(c->cand);
    free(c->cover);
    free(c);
}

void fp_causes_free(fp_causes *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->n; i++)
        rec_free(c->list[i]);
    for (size_t i = 0; i < c->nextra; i++)
        rec_free(c->extra[i]);
    free(c->list);
    free(c->extra);
    free(c->of);
    free(c);
}

size_t fp_causes_count(const fp_causes *c) { return c ? c->n : 0; }
const fp_cause *fp_causes_get(const fp_causes *c, size_t i) { return &c->list[i]->c; }

const fp_cause *fp_causes_of_finding(const fp_causes *c, size_t i)
{
    if (!c || i >= c->nf || c->of[i] == FP_NONE)
        return NULL;
    return &c->list[c->of[i]]->c;
}

size_t fp_causes_index(const fp_causes *c, const fp_cause *cause)
{
    (void)c;
    return ((const cause_rec *)(const void *)cause)->index;
}

int fp_cause_is_note(const fp_causes *c, const fp_cause *cause)
{
    (void)c;
    return ((const cause_rec *)(const void *)cause)->note;
}

/* A new cause from hypothesis H (its cells copied, its sentences written). */
static cause_rec *rec_from(const engine *E, const hyp *h)
{
    cause_rec *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->c.kind = h->kind;
    c->c.subkind = h->sub;
    c->c.row = h->row;
    c->c.row_end = h->row_end;
    c->c.parent = h->kind == FP_CAUSE_MISSING_ROW || h->kind == FP_CAUSE_WRONG_PARENT ||
                          h->kind == FP_CAUSE_EXTRA_ROW
                      ? h->parent
                      : FP_NONE;
    c->c.before = h->before;
    c->c.name = h->name;
    c->c.fixable = h->fixable;
    fp_cause_cell *cells = malloc((h->ncells + 1) * sizeof *cells);
    sb b = {0};
    hyp_text(&b, E, h, 0);
    c->c.text_zh = sb_take(&b);
    hyp_text(&b, E, h, 1);
    c->c.text_en = sb_take(&b);
    if (!cells || !c->c.text_zh || !c->c.text_en) {
        free(cells);
        c->c.cells = NULL;
        rec_free(c);
        return NULL;
    }
    if (h->ncells)
        memcpy(cells, h->cells, h->ncells * sizeof *cells);
    c->c.cells = cells;
    c->c.ncells = h->ncells;
    if (h->ncover) {
        c->cover = malloc(h->ncover * sizeof *c->cover);
        if (!c->cover) {
            rec_free(c);
            return NULL;
        }
        memcpy(c->cover, h->cover, h->ncover * sizeof *c->cover);
        c->ncover = h->ncover;
    }
    return c;
}

static int push_rec(cause_rec ***v, size_t *n, size_t *cap, cause_rec *c)
{
    if (!c || buf_reserve((void **)v, cap, *n + 1, sizeof **v)) {
        rec_free(c);
        return -1;
    }
    c->index = FP_NONE;
    (*v)[(*n)++] = c;
    return 0;
}

/* One reading of an ambiguous group: a hypothesis, or several together. */
static cause_rec *rec_reading(const engine *E, const size_t *hs, size_t n)
{
    if (n == 1)
        return rec_from(E, &E->h[hs[0]]);
    hyp all;
    memset(&all, 0, sizeof all);
    all.kind = E->h[hs[0]].kind;
    all.row = all.row_end = all.parent = all.from = all.before = FP_NONE;
    size_t ncells = 0;
    for (size_t i = 0; i < n; i++)
        ncells += E->h[hs[i]].ncells;
    fp_cause_cell *cells = malloc((ncells + 1) * sizeof *cells);
    sb zh = {0}, en = {0};
    if (!cells)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        const hyp *h = &E->h[hs[i]];
        if (h->kind != all.kind)
            all.kind = FP_CAUSE_AMBIGUOUS; /* mixed: named by its parts */
        memcpy(cells + all.ncells, h->cells, h->ncells * sizeof *cells);
        all.ncells += h->ncells;
        if (all.row == FP_NONE || h->row < all.row)
            all.row = h->row;
        if (all.row_end == FP_NONE || h->row_end > all.row_end)
            all.row_end = h->row_end;
        if (i) { /* one sentence: the full stop of the part before gives way to "and" */
            if (zh.len >= strlen("。") && strcmp(zh.s + zh.len - strlen("。"), "。") == 0)
                zh.len -= strlen("。");
            if (en.len && en.s[en.len - 1] == '.')
                en.len--;
            sb_str(&zh, "；并且");
            sb_str(&en, "; and ");
        }
        hyp_text(&zh, E, h, 0);
        hyp_text(&en, E, h, 1);
    }
    cause_rec *c = calloc(1, sizeof *c);
    char *tz = sb_take(&zh), *te = sb_take(&en);
    if (!c || !tz || !te) {
        free(c);
        free(tz);
        free(te);
        free(cells);
        return NULL;
    }
    c->c.kind = all.kind == FP_CAUSE_AMBIGUOUS ? E->h[hs[0]].kind : all.kind;
    c->c.row = all.row;
    c->c.row_end = all.row_end;
    c->c.parent = c->c.before = FP_NONE;
    c->c.cells = cells;
    c->c.ncells = all.ncells;
    c->c.text_zh = tz;
    c->c.text_en = te;
    return c;
}

/* An ambiguous cause over the findings COVER: the readings of group G. */
static cause_rec *rec_ambiguous(const engine *E, fp_causes *out, const amb_group *g,
                                const size_t *cover, size_t ncover)
{
    cause_rec *c = calloc(1, sizeof *c);
    const fp_cause **cand = malloc((g->ncand + 1) * sizeof *cand);
    if (!c || !cand) {
        free(c);
        free(cand);
        return NULL;
    }
    c->cand = cand;
    c->c.kind = FP_CAUSE_AMBIGUOUS;
    c->c.row = c->c.row_end = FP_NONE;
    c->c.parent = c->c.before = FP_NONE;
    c->c.cells = calloc(1, sizeof(fp_cause_cell));
    c->cover = malloc((ncover + 1) * sizeof *c->cover);
    if (!c->c.cells || !c->cover) {
        rec_free(c);
        return NULL;
    }
    memcpy(c->cover, cover, ncover * sizeof *cover);
    c->ncover = ncover;
    sb zh = {0}, en = {0};
    sb_printf(&zh, "原因不唯一，以下 %zu 种解释同样简单：", g->ncand);
    sb_printf(&en, "ambiguous: %zu explanations fit equally well: ", g->ncand);
    static const char *const circled[] = {"①", "②", "③", "④", "⑤", "⑥", "⑦", "⑧",
                                          "⑨", "⑩", "⑪", "⑫", "⑬", "⑭", "⑮", "⑯"};
    for (size_t i = 0; i < g->ncand; i++) {
        cause_rec *k = rec_reading(E, g->cand[i], g->len[i]);
        if (!k || push_rec(&out->extra, &out->nextra, &out->extracap, k)) {
            free(zh.s);
            free(en.s);
            rec_free(c);
            return NULL;
        }
        k->c.fixable = 0;
        cand[c->c.ncandidates++] = &k->c;
        if (c->c.row == FP_NONE || k->c.row < c->c.row)
            c->c.row = k->c.row;
        if (c->c.row_end == FP_NONE || k->c.row_end > c->c.row_end)
            c->c.row_end = k->c.row_end;
        sb_str(&zh, i < 16 ? circled[i] : "·");
        sb_str(&zh, k->c.text_zh);
        sb_printf(&en, "%s(%zu) %s", i ? " " : "", i + 1, k->c.text_en);
    }
    c->c.candidates = cand;
    c->c.text_zh = sb_take(&zh);
    c->c.text_en = sb_take(&en);
    if (!c->c.text_zh || !c->c.text_en) {
        rec_free(c);
        return NULL;
    }
    return c;
}

static int cmp_rec(const void *a, const void *b)
{
    const cause_rec *x = *(cause_rec *const *)a, *y = *(cause_rec *const *)b;
    if (x->note != y->note)
        return x->note - y->note;
    size_t rx = x->c.row, ry = y->c.row;
    if (rx != ry)
        return rx < ry ? -1 : 1;
    size_t fx = x->ncover ? x->cover[0] : SIZE_MAX, fy = y->ncover ? y->cover[0] : SIZE_MAX;
    return (fx > fy) - (fx < fy);
}

/* ---- the hypotheses: deduplication ---- */

typedef struct href {
    const hyp *h;
    size_t idx;
} href;

static int cmp_z(size_t a, size_t b) { return (a > b) - (a < b); }

static int cmp_href(const void *pa, const void *pb)
{
    const href *ra = pa, *rb = pb;
    const hyp *a = ra->h, *b = rb->h;
    int c;
    if (a->kind != b->kind)
        return (int)a->kind - (int)b->kind;
    if ((c = cmp_z(a->row, b->row)) || (c = cmp_z(a->row_end, b->row_end)) ||
        (c = cmp_z(a->parent, b->parent)) || (c = cmp_z(a->from, b->from)) ||
        (c = cmp_z(a->ncells, b->ncells)) || (c = cmp_z(a->ncover, b->ncover)))
        return c;
    if (a->level_end != b->level_end)
        return a->level_end - b->level_end;
    for (size_t i = 0; i < a->ncells; i++) {
        const fp_cause_cell *x = &a->cells[i], *y = &b->cells[i];
        if ((c = cmp_z(x->row, y->row)) || (c = cmp_z(x->column, y->column)) ||
            (c = cmp_z((size_t)x->change, (size_t)y->change)))
            return c;
        if (x->suggested != y->suggested)
            return x->suggested < y->suggested ? -1 : 1;
        if (x->level != y->level)
            return x->level - y->level;
    }
    for (size_t i = 0; i < a->ncover; i++)
        if ((c = cmp_z(a->cover[i], b->cover[i])))
            return c;
    return cmp_z(ra->idx, rb->idx);
}

static void dedupe(engine *E)
{
    if (E->nh < 2)
        return;
    href *v = malloc(E->nh * sizeof *v);
    if (!v) {
        E->oom = 1;
        return;
    }
    for (size_t i = 0; i < E->nh; i++)
        v[i] = (href){&E->h[i], i};
    qsort(v, E->nh, sizeof *v, cmp_href);
    for (size_t i = 1; i < E->nh; i++) {
        href a = v[i - 1], b = v[i];
        a.idx = b.idx = 0;
        if (cmp_href(&a, &b) == 0)
            E->h[v[i].idx].dead = 1;
    }
    free(v);
}

/* ---- fp_explain ---- */

static void engine_free(engine *E)
{
    for (size_t i = 0; i < E->nh; i++) {
        free(E->h[i].cover);
        free(E->h[i].cells);
    }
    free(E->h);
    for (size_t k = 0; k < E->nforms; k++)
        free(E->forms[k].terms);
    free(E->forms);
    free(E->coef);
    free(E->acols);
    free(E->apos);
    free(E->unit);
    free(E->fkind);
}

static int form_add(engine *E, fp_rule_kind rule, size_t custom, int sign)
{
    form *f = &E->forms[E->nforms++];
    memset(f, 0, sizeof *f);
    f->rule = rule;
    f->custom = custom;
    f->sign = sign;
    f->terms = malloc((E->na + 1) * sizeof *f->terms);
    return f->terms ? 0 : -1;
}

/* Add COEF × column COL to the last form. */
static void form_term(engine *E, size_t col, int coef)
{
    form *f = &E->forms[E->nforms - 1];
    size_t j = E->apos[col];
    if (j == FP_NONE)
        return;
    for (size_t i = 0; i < f->nterms; i++)
        if (f->terms[i].j == j) {
            f->terms[i].coef += coef;
            return;
        }
    f->terms[f->nterms++] = (term){j, coef};
}

static int engine_init(engine *E, const fp_table *t, const fp_report *r, const fp_check_options *o)
{
    memset(E, 0, sizeof *E);
    E->t = t;
    E->r = r;
    E->o = o;
    E->nf = fp_report_count(r);
    size_t nc = t->ncols;
    E->acols = malloc((nc + 1) * sizeof *E->acols);
    E->apos = malloc((nc + 1) * sizeof *E->apos);
    E->unit = malloc((nc + 1) * sizeof *E->unit);
    E->forms = calloc(o->custom_count + 3, sizeof *E->forms);
    E->fkind = calloc(E->nf + 1, 1);
    if (!E->acols || !E->apos || !E->unit || !E->forms || !E->fkind)
        return -1;
    for (size_t c = 0; c < nc; c++) {
        E->apos[c] = FP_NONE;
        if (t->cols[c].is_amount) {
            int dec = t->cols[c].decimals;
            E->unit[E->na] = pow10s[dec < 0 ? 0 : dec > 6 ? 6 : dec];
            E->apos[c] = E->na;
            E->acols[E->na++] = c;
        }
    }
    unsigned rules = fp_report_rules(r);
    size_t total = fp_table_role_column(t, FP_ROLE_TOTAL);
    size_t advance = fp_table_role_column(t, FP_ROLE_ADVANCE);
    size_t batch = fp_table_role_column(t, FP_ROLE_BATCH);
    if ((rules & FP_CHECK_CATEGORY_SPLIT) && total != FP_NONE && t->ncats) {
        if (form_add(E, FP_RULE_CATEGORY_SPLIT, FP_NONE, 1))
            return -1;
        form_term(E, total, 1);
        for (size_t k = 0; k < t->ncats; k++)
            form_term(E, t->cats[k], -1);
        E->forms[E->nforms - 1].parts = t->ncats;
    }
    if ((rules & FP_CHECK_ADVANCE_BATCH) && total != FP_NONE && advance != FP_NONE &&
        batch != FP_NONE) {
        if (form_add(E, FP_RULE_ADVANCE_BATCH, FP_NONE, 1))
            return -1;
        form_term(E, total, 1);
        form_term(E, advance, -1);
        form_term(E, batch, -1);
        E->forms[E->nforms - 1].parts = 2;
    }
    for (size_t k = 0; k < o->custom_count; k++) {
        const fp_rule *u = o->custom[k];
        if (form_add(E, FP_RULE_CUSTOM, k, u->terms[0].sign))
            return -1;
        for (size_t i = 0; i < u->nterms; i++)
            form_term(E, u->terms[i].col, u->terms[i].side ? -u->terms[i].sign : u->terms[i].sign);
        E->forms[E->nforms - 1].parts = u->nterms > 1 ? u->nterms - 1 : 1;
    }
    E->coef = calloc(E->nforms * E->na + 1, sizeof *E->coef);
    if (!E->coef)
        return -1;
    for (size_t k = 0; k < E->nforms; k++) {
        form *f = &E->forms[k];
        f->unit = 1;
        for (size_t i = 0; i < f->nterms; i++) {
            E->coef[k * E->na + f->terms[i].j] = f->terms[i].coef;
            if (E->unit[f->terms[i].j] > f->unit)
                f->unit = E->unit[f->terms[i].j];
        }
    }
    E->colsums = (rules & FP_CHECK_COLUMN_SUM) != 0;
    for (size_t i = 0; i < E->nf; i++) {
        const fp_finding *f = fp_report_finding(r, i);
        int identity = f->identity == FP_RULE_COLUMN_SUM || f->identity == FP_RULE_CATEGORY_SPLIT ||
                       f->identity == FP_RULE_ADVANCE_BATCH || f->identity == FP_RULE_CUSTOM;
        if (identity && (f->rule == f->identity || f->rule == FP_RULE_ROUNDING_RESIDUE))
            E->fkind[i] = f->severity == FP_SEVERITY_ERROR ? 1 : 2;
    }
    E->budget = (unsigned long long)t->nrows * BUDGET_PER_ROW;
    if (E->budget < BUDGET_MIN)
        E->budget = BUDGET_MIN;
    E->seq_order = t->order == NULL;
    return 0;
}

/* Generate the hypotheses of phase 1: from each failing row and each failing parent. */
static void generate(engine *E)
{
    gap *gaps = NULL;
    size_t ngaps = 0, gapcap = 0, last_row = FP_NONE, last_par = FP_NONE;
    for (size_t i = 0; i < E->nf && !E->oom; i++) {
        const fp_finding *f = fp_report_finding(E->r, i);
        if (!E->fkind[i])
            continue;
        if (f->identity == FP_RULE_COLUMN_SUM) {
            if (f->row != last_par)
                gen_parent(E, f->row, &gaps, &ngaps, &gapcap);
            last_par = f->row;
        } else {
            if (f->row != last_row)
                gen_row(E, f->row);
            last_row = f->row;
        }
    }
    if (!E->oom)
        gen_moves(E, gaps, ngaps);
    for (size_t i = 0; i < ngaps; i++)
        free(gaps[i].v);
    free(gaps);
    if (!E->oom)
        gen_shifts(E);
}

/* Turn the decisions into causes. */
static int build(engine *E, fp_causes *C, const decision *dec, size_t ndec,
                 const amb_group *groups, size_t ngroups)
{
    size_t *made = malloc((E->nh + 1) * sizeof *made);
    unsigned char *done = calloc(ngroups + 1, 1);
    size_t *cover = malloc((ndec + 1) * sizeof *cover);
    int rc = 0;
    if (!made || !done || !cover) {
        rc = -1;
        goto end;
    }
    for (size_t i = 0; i < E->nh; i++)
        made[i] = FP_NONE;
    for (size_t i = 0; i < ndec && !rc; i++) {
        const decision *d = &dec[i];
        if (d->n == 1 && made[d->h] == FP_NONE && E->fkind[d->finding] == 1) {
            made[d->h] = C->n;
            rc = push_rec(&C->list, &C->n, &C->cap, rec_from(E, &E->h[d->h]));
        } else if (d->n == 2 && d->group != FP_NONE && !done[d->group]) {
            done[d->group] = 1;
            size_t nc = 0;
            for (size_t k = i; k < ndec; k++)
                if (dec[k].n == 2 && dec[k].group == d->group)
                    cover[nc++] = dec[k].finding;
            if (groups[d->group].ncand > 1)
                rc = push_rec(&C->list, &C->n, &C->cap,
                              rec_ambiguous(E, C, &groups[d->group], cover, nc));
        }
    }
end:
    free(made);
    free(done);
    free(cover);
    return rc;
}

/* Names one row late while every sum holds (the notice layout rebuilds the tree from the
 * sums, so only the names are off): from a row repeating the name above, realign the names up to
 * the row whose name was lost when the gazetteer then fits them clearly better — a cause without
 * findings. */
static int shift_notes(const fp_table *t, const fp_report *r, fp_causes *C)
{
    engine E0;
    memset(&E0, 0, sizeof E0);
    E0.t = t;
    E0.r = r;
    E0.nf = fp_report_count(r);
    size_t n = t->nrows, np = SHIFT_WINDOW + 8;
    if (t->name_col == FP_NONE || n < 3)
        return 0;
    size_t *npar = malloc(np * sizeof *npar);
    if (!npar)
        return -1;
    for (size_t a = 1; a + 1 < n; a++) {
        const char *nm = fp_table_row_name(t, a);
        if (!*nm || strcmp(nm, fp_table_row_name(t, a - 1)) != 0)
            continue;
        int covered = 0;
        for (size_t i = 0; i < C->n && !covered; i++)
            covered = C->list[i]->c.kind == FP_CAUSE_LABEL_SHIFT && C->list[i]->c.row <= a &&
                      C->list[i]->c.row_end >= a;
        if (covered)
            continue;
        size_t keep = a + np <= n ? np : n - a;
        for (size_t i = 0; i < keep; i++)
            npar[i] = t->parent[a + i] < 0 ? FP_NONE : (size_t)t->parent[a + i];
        const char *lost;
        shift none = {a, a, -1};
        int base = shift_score(&E0, &none, npar, keep, &lost), best = base, ties = 0;
        shift win = none;
        const char *win_lost = NULL;
        for (size_t b = a + 1; b < a + keep && b < n; b++) {
            shift s = {a, b, 0};
            int sc = shift_score(&E0, &s, npar, keep, &lost);
            if (sc > best) {
                best = sc;
                win = s;
                win_lost = lost;
                ties = 0;
            } else if (sc == best && win.L >= 0) {
                ties++;
            }
        }
        if (win.L < 0 || ties || best < base + 4)
            continue;
        cause_rec *c = calloc(1, sizeof *c);
        fp_cause_cell *cells = calloc(win.b - win.a + 1, sizeof *cells);
        if (!c || !cells) {
            free(c);
            free(cells);
            free(npar);
            return -1;
        }
        for (size_t k = win.a; k <= win.b; k++) {
            fp_cause_cell *x = &cells[k - win.a];
            x->change = FP_CELL_RENAME;
            x->row = k;
            x->column = t->name_col;
            x->stated_text = fp_table_row_name(t, k);
            x->suggested_text = k < win.b ? fp_table_row_name(t, k + 1) : win_lost;
            x->level = fp_table_depth(t, k);
        }
        hyp h;
        memset(&h, 0, sizeof h);
        h.kind = FP_CAUSE_LABEL_SHIFT;
        h.level_end = -1;
        h.row = win.a;
        h.row_end = win.b;
        h.name = win_lost;
        h.cells = cells;
        h.ncells = win.b - win.a + 1;
        sb zh = {0}, en = {0};
        text_shift(&zh, &E0, &h, 0);
        text_shift(&en, &E0, &h, 1);
        c->note = 1;
        c->c.kind = FP_CAUSE_LABEL_SHIFT;
        c->c.row = win.a;
        c->c.row_end = win.b;
        c->c.parent = c->c.before = FP_NONE;
        c->c.name = win_lost;
        c->c.fixable = 1;
        c->c.cells = cells;
        c->c.ncells = h.ncells;
        c->c.text_zh = sb_take(&zh);
        c->c.text_en = sb_take(&en);
        if (!c->c.text_zh || !c->c.text_en || push_rec(&C->list, &C->n, &C->cap, c)) {
            free(npar);
            return -1;
        }
        a = win.b;
    }
    free(npar);
    return 0;
}

/* Counties under a prefecture they do not belong to (by the gazetteer), where no finding
 * already says so: causes without findings. */
static int place_notes(const fp_table *t, const fp_report *rep, fp_causes *C)
{
    engine E0;
    memset(&E0, 0, sizeof E0);
    E0.t = t;
    E0.r = rep;
    E0.nf = fp_report_count(rep);
    size_t last_p = FP_NONE;
    int last_P = -1;
    size_t notes = 0;
    for (size_t r = 0; r < t->nrows && notes < 1000; r++) {
        if (t->parent[r] < 0 || t->name_col == FP_NONE)
            continue;
        size_t p = (size_t)t->parent[r];
        /* where the notice reader placed a row with doubt, its parent says little */
        if (fp_table_row_uncertain(t, r) || fp_table_row_uncertain(t, p))
            continue;
        /* a parent whose sums fail has a cause of its own (a shifted run, a moved row) */
        int failing = 0;
        for (size_t i = row_first(&E0, p); i < E0.nf && !failing; i++) {
            const fp_finding *f = fp_report_finding(rep, i);
            if (f->row != p)
                break;
            failing = f->identity == FP_RULE_COLUMN_SUM && f->severity == FP_SEVERITY_ERROR;
        }
        if (failing)
            continue;
        if (p != last_p) {
            last_p = p;
            last_P = place_parent(&E0, p);
        }
        if (last_P < 0)
            continue;
        const char *nm = fp_table_row_name(t, r);
        if (!*nm || starts_with(nm, "其中") || strstr(nm, "本级") || is_subtotal_name(nm))
            continue;
        if (gz_resolve(nm, 0, last_P) != GZ_NONE)
            continue;
        int prov = gz_level(last_P) == GZ_PROVINCE ? last_P : gz_parent(last_P);
        int e = gz_resolve(nm, GZ_COUNTY, prov);
        if (e < 0 || gz_within(e, last_P))
            continue;
        int said = 0;
        for (size_t i = 0; i < C->n && !said; i++)
            said = (C->list[i]->c.kind == FP_CAUSE_WRONG_PARENT && C->list[i]->c.row == r) ||
                   (C->list[i]->c.kind == FP_CAUSE_LABEL_SHIFT && C->list[i]->c.row <= r &&
                    C->list[i]->c.row_end >= r);
        if (said)
            continue;
        int home = gz_parent(e);
        size_t home_row = FP_NONE;
        for (size_t x = 0; x < t->nrows && home_row == FP_NONE; x++)
            if (t->parent[x] == t->parent[p] && gz_names(home, fp_table_row_name(t, x)))
                home_row = x;
        cause_rec *c = calloc(1, sizeof *c);
        fp_cause_cell *cell0 = calloc(1, sizeof *cell0);
        sb zh = {0}, en = {0};
        if (!c || !cell0) {
            free(c);
            free(cell0);
            return -1;
        }
        c->note = 1;
        c->c.kind = FP_CAUSE_WRONG_PARENT;
        c->c.row = c->c.row_end = r;
        c->c.parent = home_row;
        c->c.before = FP_NONE;
        c->c.fixable = 0;
        cell0->change = FP_CELL_NOTE;
        cell0->row = r;
        cell0->column = t->name_col;
        cell0->stated_text = cell0->suggested_text = nm;
        c->c.cells = cell0;
        c->c.ncells = 1;
        const char *hn = gz_short_name(home);
        sb_printf(&zh, "地名：第 %ld 行「%s」属于「%s」，不属于其上级「%s」。",
                  fp_table_row_line(t, r), nm, hn, fp_table_row_name(t, p));
        sb_printf(&en, "place name: line %ld %s belongs to %s, not to its parent %s.",
                  fp_table_row_line(t, r), nm, hn, fp_table_row_name(t, p));
        c->c.text_zh = sb_take(&zh);
        c->c.text_en = sb_take(&en);
        if (!c->c.text_zh || !c->c.text_en || push_rec(&C->list, &C->n, &C->cap, c))
            return -1;
        notes++;
    }
    return 0;
}

fp_error fp_explain(const fp_table *t, const fp_report *r, const fp_check_options *opts,
                    fp_causes **out, fp_diag *diag)
{
    fp_check_options defaults;
    if (!opts) {
        fp_check_options_init(&defaults);
        opts = &defaults;
    }
    fp_diag_clear(diag);
    *out = NULL;
    fp_causes *C = calloc(1, sizeof *C);
    size_t nf = fp_report_count(r);
    if (!C || !(C->of = malloc((nf + 1) * sizeof *C->of))) {
        free(C);
        return diag_set(diag, FP_ERR_NOMEM, NULL, 0, NULL, NULL, 0, "out of memory");
    }
    C->nf = nf;
    C->nrows = t->nrows;
    for (size_t i = 0; i < nf; i++)
        C->of[i] = FP_NONE;
    int failed = 0;
    if (fp_report_errors(r)) {
        engine E;
        decision *dec = NULL;
        amb_group *groups = NULL;
        size_t ndec = 0, ngroups = 0;
        failed = engine_init(&E, t, r, opts) != 0;
        if (!failed) {
            generate(&E);
            dedupe(&E);
            failed = E.oom || decide(&E, &dec, &ndec, &groups, &ngroups) != FP_OK;
        }
        if (!failed) {
            unsigned char *covered = calloc(nf + 1, 1);
            int more = 0;
            for (size_t i = 0; covered && i < ndec; i++) {
                covered[dec[i].finding] = dec[i].n == 1;
                more |= dec[i].n != 1 && E.fkind[dec[i].finding] == 1;
            }
            failed = !covered;
            if (!failed && more) {
                size_t before = E.nh;
                gen_combos(&E, covered);
                dedupe(&E);
                if (E.nh > before && !E.oom) {
                    free(dec);
                    groups_free(groups, ngroups);
                    dec = NULL;
                    groups = NULL;
                    ngroups = 0;
                    failed = decide(&E, &dec, &ndec, &groups, &ngroups) != FP_OK;
                }
                failed |= E.oom;
            }
            free(covered);
        }
        if (!failed)
            failed = build(&E, C, dec, ndec, groups, ngroups) != 0;
        free(dec);
        groups_free(groups, ngroups);
        engine_free(&E);
    }
    if (!failed)
        failed = shift_notes(t, r, C) != 0 || place_notes(t, r, C) != 0;
    if (failed) {
        fp_causes_free(C);
        return diag_set(diag, FP_ERR_NOMEM, NULL, 0, NULL, NULL, 0, "out of memory");
    }
    if (C->n > 1)
        qsort(C->list, C->n, sizeof *C->list, cmp_rec);
    for (size_t i = 0; i < C->n; i++) {
        C->list[i]->index = i;
        for (size_t k = 0; k < C->list[i]->ncover; k++)
            C->of[C->list[i]->cover[k]] = i;
    }
    *out = C;
    return FP_OK;
}

/* ---- fp_causes_fix: the table with every fixable cause applied ---- */

/* A change to one cell: the causes' changes add up (two rounding residues can both move one
 * unit through the same row). */
typedef struct override {
    size_t row, col;
    i128 delta;
} override;

typedef struct insertion {
    size_t parent;       /* emitted under this row … */
    size_t before;       /* … before this row, or at the end of PARENT's rows (FP_NONE) */
    const fp_cause *c;   /* a missing row (values in its cells) … */
    size_t move;         /* … or the row (with its rows) moved here */
} insertion;

typedef struct fixer {
    const fp_table *t;
    size_t n;
    unsigned char *del;   /* by row: removed (or moved away) */
    const char **name;    /* by row: new name, or NULL */
    int *depth;           /* by row: new depth, or -1 */
    override *ov;
    size_t nov, ovcap;
    insertion *ins;
    size_t nins, inscap;
    int *odepth;          /* stated depth of every row */
    sb out;
    size_t *stack;        /* output: the last row emitted at each depth (names for 上级) */
    const char **stack_name;
    size_t stack_cap;
    int level_col;        /* the table has a 级次 column */
} fixer;

static int cmp_override(const void *a, const void *b)
{
    const override *x = a, *y = b;
    if (x->row != y->row)
        return x->row < y->row ? -1 : 1;
    return (x->col > y->col) - (x->col < y->col);
}

static const override *find_override(const fixer *F, size_t row, size_t col)
{
    size_t lo = 0, hi = F->nov;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const override *o = &F->ov[mid];
        if (o->row < row || (o->row == row && o->col < col))
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < F->nov && F->ov[lo].row == row && F->ov[lo].col == col ? &F->ov[lo] : NULL;
}

static void csv_cell(sb *b, const char *s)
{
    if (!strpbrk(s, ",\"\r\n")) {
        sb_str(b, s);
        return;
    }
    sb_str(b, "\"");
    for (; *s; s++) {
        if (*s == '"')
            sb_str(b, "\"");
        sb_add(b, s, 1);
    }
    sb_str(b, "\"");
}

/* The name of the output parent of a row at DEPTH (the last row emitted at DEPTH - 1). */
static const char *out_parent(const fixer *F, int depth)
{
    return depth > 0 && (size_t)depth - 1 < F->stack_cap ? F->stack_name[depth - 1] : "";
}

/* Emit one output row: from source row SRC (or a missing row of cause C) at DEPTH. */
static void emit(fixer *F, size_t src, const fp_cause *c, int depth)
{
    const fp_table *t = F->t;
    sb *b = &F->out;
    const char *name = src != FP_NONE ? (F->name[src] ? F->name[src] : fp_table_row_name(t, src))
                                      : (c->name ? c->name : "（缺失行）");
    if ((size_t)depth >= F->stack_cap) {
        size_t cap = (size_t)depth + 16;
        const char **sn = realloc(F->stack_name, cap * sizeof *sn);
        if (!sn) {
            b->oom = 1;
            return;
        }
        for (size_t i = F->stack_cap; i < cap; i++)
            sn[i] = "";
        F->stack_name = sn;
        F->stack_cap = cap;
    }
    if (!F->level_col)
        sb_printf(b, "%d,", depth);
    for (size_t col = 0; col < t->ncols; col++) {
        const column *cl = &t->cols[col];
        if (col)
            sb_str(b, ",");
        if (cl->role == FP_ROLE_LEVEL) {
            sb_printf(b, "%d", depth + t->level_base);
        } else if (col == t->name_col) {
            csv_cell(b, name);
        } else if (cl->role == FP_ROLE_PARENT) {
            csv_cell(b, out_parent(F, depth));
        } else if (cl->is_amount) {
            fp_amount v = 0;
            int has = 0;
            if (src != FP_NONE) {
                const override *o = find_override(F, src, col);
                has = o || !bit_get(cl->blank, src);
                v = o ? (fp_amount)(cl->values[src] + o->delta) : cl->values[src];
            } else {
                /* a zero is written as the rows beside it write theirs: 0 or blank */
                size_t sib = fp_table_first_child(t, c->parent);
                has = sib != FP_NONE && !bit_get(cl->blank, sib);
                for (size_t i = 0; i < c->ncells; i++)
                    if (c->cells[i].change == FP_CELL_INSERT && c->cells[i].column == col)
                        v = c->cells[i].suggested, has = 1;
            }
            if (has) {
                char buf[FP_AMOUNT_BUFSIZE];
                sb_add(b, buf, fp_amount_format(v, cl->decimals, buf));
            }
        } else if (src != FP_NONE) {
            csv_cell(b, fp_table_text(t, src, col));
        }
    }
    sb_str(b, "\n");
    F->stack_name[depth] = name;
}

static int new_depth(const fixer *F, size_t row)
{
    return F->depth[row] >= 0 ? F->depth[row] : F->odepth[row];
}

/* Emit the insertions that go before row BEFORE (or at the end of PARENT when BEFORE is
 * FP_NONE). */
static void emit_insertions(fixer *F, size_t parent, size_t before);

static void emit_moved(fixer *F, size_t k, int depth)
{
    /* the moved row and the rows under it, keeping their depths relative to it */
    int base = F->odepth[k];
    emit(F, k, NULL, depth);
    for (size_t x = k + 1; x < F->n && F->odepth[x] > base; x++)
        emit(F, x, NULL, depth + F->odepth[x] - base);
}

static void emit_insertions(fixer *F, size_t parent, size_t before)
{
    for (size_t i = 0; i < F->nins; i++) {
        insertion *in = &F->ins[i];
        if (in->before != before || (before == FP_NONE && in->parent != parent))
            continue;
        int depth = new_depth(F, in->parent) + 1;
        if (in->move != FP_NONE)
            emit_moved(F, in->move, depth);
        else
            emit(F, FP_NONE, in->c, depth);
    }
}

static int add_insertion(fixer *F, size_t parent, size_t before, const fp_cause *c, size_t move)
{
    if (buf_reserve((void **)&F->ins, &F->inscap, F->nins + 1, sizeof *F->ins))
        return -1;
    F->ins[F->nins++] = (insertion){parent, before, c, move};
    return 0;
}

static int add_override(fixer *F, size_t row, size_t col, i128 change)
{
    if (buf_reserve((void **)&F->ov, &F->ovcap, F->nov + 1, sizeof *F->ov))
        return -1;
    F->ov[F->nov++] = (override){row, col, change};
    return 0;
}

/* Record cause C's changes. 1 applied, 0 not applicable, -1 out of memory. */
static int fix_one(fixer *F, const fp_cause *c)
{
    size_t n = F->n;
    switch (c->kind) {
    case FP_CAUSE_TYPO:
    case FP_CAUSE_MISPLACED_CELL:
    case FP_CAUSE_ROUNDING_RESIDUE:
    case FP_CAUSE_SPLIT_ROW:
        for (size_t i = 0; i < c->ncells; i++) {
            const fp_cause_cell *x = &c->cells[i];
            if (x->row >= n)
                continue;
            if (x->change == FP_CELL_SET &&
                add_override(F, x->row, x->column, (i128)x->suggested - x->stated))
                return -1;
        }
        if (c->kind == FP_CAUSE_SPLIT_ROW)
            for (size_t x = c->row + 1; x <= c->row_end && x < n; x++)
                F->del[x] = 1;
        return 1;
    case FP_CAUSE_MISSING_ROW:
        return add_insertion(F, c->parent, c->before, c, FP_NONE) ? -1 : 1;
    case FP_CAUSE_EXTRA_ROW:
        if (c->row < n)
            F->del[c->row] = 1;
        return 1;
    case FP_CAUSE_WRONG_PARENT:
        if (c->row >= n || c->parent == FP_NONE)
            return 0;
        for (size_t x = c->row; x < n && (x == c->row || F->odepth[x] > F->odepth[c->row]); x++)
            F->del[x] = 1;
        return add_insertion(F, c->parent, c->before, c, c->row) ? -1 : 1;
    case FP_CAUSE_LABEL_SHIFT:
        for (size_t i = 0; i < c->ncells; i++) {
            const fp_cause_cell *x = &c->cells[i];
            if (x->change != FP_CELL_RENAME || x->row >= n)
                continue;
            F->name[x->row] = x->suggested_text ? x->suggested_text : "（名称缺失）";
            F->depth[x->row] = x->level;
        }
        return 1;
    default:
        return 0;
    }
}

fp_error fp_causes_fix(const fp_table *t, const fp_causes *c, fp_table **out, size_t *applied,
                       fp_diag *diag)
{
    fp_diag_clear(diag);
    *out = NULL;
    if (applied)
        *applied = 0;
    if (c->nrows != t->nrows)
        return diag_set(diag, FP_ERR_ARGUMENT, NULL, 0, NULL, NULL, 0,
                        "the causes were made from another table");
    fixer F;
    memset(&F, 0, sizeof F);
    F.t = t;
    F.n = t->nrows;
    F.level_col = fp_table_role_column(t, FP_ROLE_LEVEL) != FP_NONE;
    size_t n = F.n;
    F.del = calloc(n + 1, 1);
    F.name = calloc(n + 1, sizeof *F.name);
    F.depth = malloc((n + 1) * sizeof *F.depth);
    F.odepth = malloc((n + 1) * sizeof *F.odepth);
    fp_error err = FP_OK;
    size_t count = 0;
    fp_load_options lo;
    const char **cats = NULL;
    if (!F.del || !F.name || !F.depth || !F.odepth)
        goto nomem;
    for (size_t i = 0; i < n; i++) {
        F.depth[i] = -1;
        F.odepth[i] = fp_table_depth(t, i);
    }
    for (size_t i = 0; i < c->n; i++) {
        const fp_cause *k = &c->list[i]->c;
        if (!k->fixable || (c->list[i]->note && k->kind != FP_CAUSE_LABEL_SHIFT))
            continue;
        int rc = fix_one(&F, k);
        if (rc < 0)
            goto nomem;
        count += (size_t)rc;
    }
    if (F.nov > 1) {
        qsort(F.ov, F.nov, sizeof *F.ov, cmp_override);
        size_t m = 0;
        for (size_t i = 0; i < F.nov; i++) {
            if (m && F.ov[m - 1].row == F.ov[i].row && F.ov[m - 1].col == F.ov[i].col)
                F.ov[m - 1].delta += F.ov[i].delta;
            else
                F.ov[m++] = F.ov[i];
        }
        F.nov = m;
    }
    for (size_t i = 0; i < F.nov; i++) {
        i128 v = (i128)t->cols[F.ov[i].col].values[F.ov[i].row] + F.ov[i].delta;
        if (v > FP_AMOUNT_MAX || v < FP_AMOUNT_MIN) {
            err = diag_set(diag, FP_ERR_AMOUNT_OVERFLOW, fp_table_source(t),
                           fp_table_row_line(t, F.ov[i].row), t->cols[F.ov[i].col].name, NULL, 0,
                           "a fixed amount is beyond ±9.2e12 units");
            goto end;
        }
    }
    /* the canonical CSV: unit line, header, rows in pre-order */
    if (fp_table_unit(t))
        sb_printf(&F.out, "单位：%s\n", fp_table_unit(t));
    if (!F.level_col)
        sb_str(&F.out, "级次,");
    for (size_t col = 0; col < t->ncols; col++) {
        if (col)
            sb_str(&F.out, ",");
        csv_cell(&F.out, t->cols[col].name);
    }
    sb_str(&F.out, "\n");
    {
        size_t *open = malloc((n + 1) * sizeof *open), nopen = 0;
        if (!open)
            goto nomem;
        for (size_t k = 0; k <= n; k++) {
            size_t r = k < n ? (t->order ? (size_t)t->order[k] : k) : FP_NONE;
            int d = r == FP_NONE ? -1 : F.odepth[r];
            /* close the rows R is not under: what goes at the end of them first */
            while (nopen && F.odepth[open[nopen - 1]] >= d) {
                size_t p = open[--nopen];
                emit_insertions(&F, p, FP_NONE);
            }
            if (r == FP_NONE)
                break;
            emit_insertions(&F, FP_NONE, r);
            if (!F.del[r])
                emit(&F, r, NULL, new_depth(&F, r));
            open[nopen++] = r;
        }
        free(open);
    }
    if (F.out.oom)
        goto nomem;
    /* load it back with the roles pinned */
    fp_load_options_init(&lo);
    lo.delimiter = ',';
    lo.encoding = "UTF-8";
    lo.layout = FP_LAYOUT_CANONICAL;
    if (t->name_col != FP_NONE)
        lo.name_column = t->cols[t->name_col].name;
    size_t col;
    if ((col = fp_table_role_column(t, FP_ROLE_TOTAL)) != FP_NONE)
        lo.total_column = t->cols[col].name;
    if ((col = fp_table_role_column(t, FP_ROLE_ADVANCE)) != FP_NONE)
        lo.advance_column = t->cols[col].name;
    if ((col = fp_table_role_column(t, FP_ROLE_BATCH)) != FP_NONE)
        lo.batch_column = t->cols[col].name;
    if (t->ncats) {
        cats = malloc(t->ncats * sizeof *cats);
        if (!cats)
            goto nomem;
        for (size_t k = 0; k < t->ncats; k++)
            cats[k] = t->cols[t->cats[k]].name;
        lo.category_columns = cats;
        lo.category_count = t->ncats;
    }
    err = fp_table_load_memory(F.out.s ? F.out.s : "", F.out.len, fp_table_source(t), &lo, out,
                               diag);
    if (err == FP_OK && applied)
        *applied = count;
    goto end;
nomem:
    err = diag_set(diag, FP_ERR_NOMEM, NULL, 0, NULL, NULL, 0, "out of memory");
end:
    free(cats);
    free(F.del);
    free(F.name);
    free(F.depth);
    free(F.odepth);
    free(F.ov);
    free(F.ins);
    free(F.out.s);
    free(F.stack);
    free(F.stack_name);
    return err;
}
