/* explain/engine.c — the cause engine's shared helpers: cells, identities and their residuals, hypotheses. */
#include "explain/cause_impl.h"

/* ---- the engine: identities, residuals, hypotheses ---- */

fp_amount ex_cell(const engine *E, size_t row, size_t j)
{
    return E->t->cols[E->acols[j]].values[row];
}

int ex_blank(const engine *E, size_t row, size_t j)
{
    return bit_get(E->t->cols[E->acols[j]].blank, row);
}

size_t ex_parent_of(const engine *E, size_t row)
{
    return E->t->parent[row] < 0 ? FP_NONE : (size_t)E->t->parent[row];
}

int ex_has_children(const engine *E, size_t row)
{
    return fp_table_first_child(E->t, row) != FP_NONE;
}

size_t ex_child_count(const engine *E, size_t p)
{
    size_t n = 0;
    for (size_t k = fp_table_first_child(E->t, p); k != FP_NONE; k = fp_table_next_sibling(E->t, k))
        n++;
    return n;
}

const char *ex_name_of(const engine *E, size_t row) { return fp_table_row_name(E->t, row); }


/* The first finding at or after ROW (findings are ordered by row). */
size_t ex_row_first(const engine *E, size_t row)
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
    for (size_t i = ex_row_first(E, id.row); i < E->nf; i++) {
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

i128 ex_col_res(const engine *E, size_t p, size_t j)
{
    return residual(E, (ident){p, 1, j}, NULL);
}

/* Does some column sum of ROW fail? */
int ex_col_failing(const engine *E, size_t row)
{
    for (size_t i = ex_row_first(E, row); i < E->nf; i++) {
        const fp_finding *f = fp_report_finding(E->r, i);
        if (f->row != row)
            break;
        if (E->fkind[i] && f->identity == FP_RULE_COLUMN_SUM)
            return 1;
    }
    return 0;
}

i128 ex_form_res(const engine *E, size_t row, size_t k)
{
    return residual(E, (ident){row, 0, k}, NULL);
}

/* Append finding I to the sorted set *V (of *N, capacity *CAP). 0 or -1. */
int ex_set_add(size_t **v, size_t *n, size_t *cap, size_t i)
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
int ex_verify(engine *E, const delta *d, size_t nd, size_t **cover, size_t *ncover)
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
            if (ex_has_children(E, d[i].row))
                touch_add(tv, &n, (ident){d[i].row, 1, d[i].j}, d[i].d);
            size_t p = ex_parent_of(E, d[i].row);
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
        else if (f != FP_NONE && ex_set_add(&cv, &cn, &cc, f))
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

hyp *ex_hyp_new(engine *E, fp_cause_kind kind, fp_cause_subkind sub, int cost)
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
void ex_hyp_drop_last(engine *E)
{
    hyp *h = &E->h[--E->nh];
    free(h->cover);
    free(h->cells);
}

fp_cause_cell *ex_hyp_cell(engine *E, hyp *h, fp_cell_change change, size_t row, size_t col)
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

void ex_hyp_set(engine *E, hyp *h, size_t row, size_t j, fp_amount stated, fp_amount suggested,
                    fp_cause_subkind sub)
{
    fp_cause_cell *c = ex_hyp_cell(E, h, FP_CELL_SET, row, E->acols[j]);
    if (c) {
        c->stated = stated;
        c->suggested = suggested;
        c->subkind = sub;
    }
}

void ex_hyp_note_cells_of_cover(engine *E, hyp *h)
{
    for (size_t i = 0; i < h->ncover; i++) {
        const fp_finding *f = fp_report_finding(E->r, h->cover[i]);
        fp_cause_cell *c = ex_hyp_cell(E, h, FP_CELL_NOTE, f->row, f->column);
        if (c)
            c->stated = f->actual, c->suggested = f->actual;
    }
}

/* Add the failing identities of row ROW (row identities when FORMS, its column sums when COLS)
 * to H's cover. */
void ex_cover_row(engine *E, hyp *h, size_t row, int forms, int cols)
{
    size_t cap = h->ncover;
    for (size_t i = ex_row_first(E, row); i < E->nf; i++) {
        const fp_finding *f = fp_report_finding(E->r, i);
        if (f->row != row)
            break;
        if (!E->fkind[i])
            continue;
        int is_col = f->identity == FP_RULE_COLUMN_SUM;
        if ((is_col && cols) || (!is_col && forms))
            if (ex_set_add(&h->cover, &h->ncover, &cap, i))
                E->oom = 1;
    }
}
