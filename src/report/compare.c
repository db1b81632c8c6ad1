/* report/compare.c — two versions of a table matched unit by unit (by path) and column by column. */
#include <stdlib.h>
#include <string.h>

#include "fenpei/check.h"
#include "fenpei/compare.h"
#include "core/table_impl.h"
#include "util/buf.h"

struct fp_comparison {
    const fp_table *old, *new_;
    size_t ncols;
    size_t *ocol, *ncol;   /* compared columns in each table */
    size_t nunits;
    fp_compare_unit *units;
    char **paths;          /* owned strings behind units[].path */
    size_t *rank_old, *rank_new; /* [row * ncols + k] of each table, 0 for none */
    size_t errors[2], warnings[2]; /* fp_check of each table (0 old, 1 new) */
};

/* Paths of every row of T ("总计/地州合计/巴州"), built down the pre-order. */
static char **all_paths(const fp_table *t)
{
    size_t n = t->nrows;
    char **p = calloc(n + 1, sizeof *p);
    if (!p)
        return NULL;
    for (size_t k = 0; k < n; k++) {
        size_t r = t->order ? (size_t)t->order[k] : k, par = fp_table_parent(t, r);
        const char *name = fp_table_row_name(t, r);
        size_t pl = par == FP_NONE ? 0 : strlen(p[par]), nl = strlen(name);
        p[r] = malloc(pl + nl + 2);
        if (!p[r])
            goto fail;
        if (par == FP_NONE)
            memcpy(p[r], name, nl + 1);
        else {
            memcpy(p[r], p[par], pl);
            p[r][pl] = '/';
            memcpy(p[r] + pl + 1, name, nl + 1);
        }
    }
    return p;
fail:
    for (size_t r = 0; r < n; r++)
        free(p[r]);
    free(p);
    return NULL;
}

static void free_paths(char **p, size_t n)
{
    if (!p)
        return;
    for (size_t r = 0; r < n; r++)
        free(p[r]);
    free(p);
}

typedef struct keyed {
    const char *path;
    size_t row;
} keyed;

static int keyed_cmp(const void *a, const void *b)
{
    const keyed *x = a, *y = b;
    int c = strcmp(x->path, y->path);
    return c ? c : (x->row > y->row) - (x->row < y->row);
}

/* Ranks of the leaf rows of T in column COL (largest first, ties share), into RANK[r*stride+k]. */
typedef struct ranked {
    fp_amount v;
    size_t row;
} ranked;

static int ranked_cmp(const void *a, const void *b)
{
    const ranked *x = a, *y = b;
    if (x->v != y->v)
        return x->v > y->v ? -1 : 1;
    return (x->row > y->row) - (x->row < y->row);
}

static int rank_column(const fp_table *t, size_t col, size_t *rank, size_t stride, size_t k)
{
    ranked *a = malloc((t->nrows + 1) * sizeof *a);
    if (!a)
        return -1;
    size_t n = 0;
    for (size_t r = 0; r < t->nrows; r++)
        if (fp_table_first_child(t, r) == FP_NONE)
            a[n++] = (ranked){fp_table_amount(t, r, col), r};
    qsort(a, n, sizeof *a, ranked_cmp);
    for (size_t i = 0; i < n; i++)
        rank[a[i].row * stride + k] = i > 0 && a[i].v == a[i - 1].v ? rank[a[i - 1].row * stride + k]
                                                                    : i + 1;
    free(a);
    return 0;
}

void fp_comparison_free(fp_comparison *c)
{
    if (!c)
        return;
    free(c->ocol);
    free(c->ncol);
    free(c->units);
    free_paths(c->paths, c->old->nrows + c->new_->nrows);
    free(c->rank_old);
    free(c->rank_new);
    free(c);
}

fp_error fp_compare(const fp_table *old, const fp_table *new_, fp_comparison **out, fp_diag *diag)
{
    *out = NULL;
    fp_diag_clear(diag);
    fp_comparison *c = calloc(1, sizeof *c);
    char **po = NULL, **pn = NULL;
    keyed *ko = NULL, *kn = NULL;
    if (!c)
        return diag_set(diag, FP_ERR_NOMEM, NULL, 0, NULL, NULL, 0, "out of memory");
    c->old = old;
    c->new_ = new_;
    size_t no = old->nrows, nn = new_->nrows;
    c->ocol = malloc((old->ncols + 1) * sizeof *c->ocol);
    c->ncol = malloc((old->ncols + 1) * sizeof *c->ncol);
    c->units = calloc(no + nn + 1, sizeof *c->units);
    c->paths = calloc(no + nn + 1, sizeof *c->paths);
    po = all_paths(old);
    pn = all_paths(new_);
    ko = malloc((no + 1) * sizeof *ko);
    kn = malloc((nn + 1) * sizeof *kn);
    if (!c->ocol || !c->ncol || !c->units || !c->paths || !po || !pn || !ko || !kn)
        goto nomem;
    for (size_t col = 0; col < old->ncols; col++) {
        if (!fp_table_column_is_amount(old, col))
            continue;
        size_t m = fp_table_find_column(new_, fp_table_column_name(old, col));
        if (m == FP_NONE || !fp_table_column_is_amount(new_, m))
            continue;
        c->ocol[c->ncols] = col;
        c->ncol[c->ncols++] = m;
    }
    if (c->ncols == 0) {
        fp_error e = diag_set(diag, FP_ERR_COLUMN, fp_table_source(new_), 0, NULL, NULL, 0,
                              "%s and %s have no amount column with the same heading",
                              fp_table_source(old), fp_table_source(new_));
        free_paths(po, no);
        free_paths(pn, nn);
        free(ko);
        free(kn);
        fp_comparison_free(c);
        return e;
    }
    /* match by path: both sorted, merged; the k-th of a repeated path pairs with the k-th */
    for (size_t r = 0; r < no; r++)
        ko[r] = (keyed){po[r], r};
    for (size_t r = 0; r < nn; r++)
        kn[r] = (keyed){pn[r], r};
    qsort(ko, no, sizeof *ko, keyed_cmp);
    qsort(kn, nn, sizeof *kn, keyed_cmp);
    size_t *partner = malloc((no + 1) * sizeof *partner);
    uint8_t *matched = calloc(nn + 1, 1);
    if (!partner || !matched) {
        free(partner);
        free(matched);
        goto nomem;
    }
    for (size_t r = 0; r < no; r++)
        partner[r] = FP_NONE;
    for (size_t i = 0, j = 0; i < no && j < nn;) {
        int cmp = strcmp(ko[i].path, kn[j].path);
        if (cmp == 0) {
            partner[ko[i].row] = kn[j].row;
            matched[kn[j].row] = 1;
            i++;
            j++;
        } else if (cmp < 0)
            i++;
        else
            j++;
    }
    /* units: OLD's pre-order, then NEW_'s rows that matched nothing */
    for (size_t k = 0; k < no; k++) {
        size_t r = old->order ? (size_t)old->order[k] : k;
        fp_compare_unit *u = &c->units[c->nunits++];
        c->paths[c->nunits - 1] = po[r];
        po[r] = NULL;
        u->path = c->paths[c->nunits - 1];
        u->name = fp_table_row_name(old, r);
        u->old_row = r;
        u->new_row = partner[r];
        u->leaf = fp_table_first_child(old, r) == FP_NONE;
    }
    for (size_t k = 0; k < nn; k++) {
        size_t r = new_->order ? (size_t)new_->order[k] : k;
        if (matched[r])
            continue;
        fp_compare_unit *u = &c->units[c->nunits++];
        c->paths[c->nunits - 1] = pn[r];
        pn[r] = NULL;
        u->path = c->paths[c->nunits - 1];
        u->name = fp_table_row_name(new_, r);
        u->old_row = FP_NONE;
        u->new_row = r;
        u->leaf = fp_table_first_child(new_, r) == FP_NONE;
    }
    free(partner);
    free(matched);
    c->rank_old = calloc(no * c->ncols + 1, sizeof *c->rank_old);
    c->rank_new = calloc(nn * c->ncols + 1, sizeof *c->rank_new);
    if (!c->rank_old || !c->rank_new)
        goto nomem;
    for (size_t k = 0; k < c->ncols; k++)
        if (rank_column(old, c->ocol[k], c->rank_old, c->ncols, k) ||
            rank_column(new_, c->ncol[k], c->rank_new, c->ncols, k))
            goto nomem;
    free_paths(po, no);
    free_paths(pn, nn);
    free(ko);
    free(kn);
    /* whether each table adds up: a comparison of a table that does not is still made, but
     * whoever reads it must know */
    for (int w = 0; w < 2; w++) {
        fp_report *r = NULL;
        fp_error e = fp_check(w ? new_ : old, NULL, &r, diag);
        if (e != FP_OK) {
            fp_comparison_free(c);
            return e;
        }
        c->errors[w] = fp_report_errors(r);
        c->warnings[w] = fp_report_warnings(r);
        fp_report_free(r);
    }
    *out = c;
    return FP_OK;
nomem:
    free_paths(po, no);
    free_paths(pn, nn);
    free(ko);
    free(kn);
    fp_comparison_free(c);
    return diag_set(diag, FP_ERR_NOMEM, NULL, 0, NULL, NULL, 0, "out of memory");
}

size_t fp_comparison_column_count(const fp_comparison *c) { return c->ncols; }

size_t fp_comparison_errors(const fp_comparison *c, int new_) { return c->errors[new_ != 0]; }

size_t fp_comparison_warnings(const fp_comparison *c, int new_) { return c->warnings[new_ != 0]; }

const char *fp_comparison_column_name(const fp_comparison *c, size_t k)
{
    return fp_table_column_name(c->old, c->ocol[k]);
}

size_t fp_comparison_unit_count(const fp_comparison *c) { return c->nunits; }

const fp_compare_unit *fp_comparison_unit(const fp_comparison *c, size_t i)
{
    return &c->units[i];
}

fp_compare_value fp_comparison_value(const fp_comparison *c, size_t i, size_t k)
{
    fp_compare_value v;
    memset(&v, 0, sizeof v);
    const fp_compare_unit *u = &c->units[i];
    if (u->old_row != FP_NONE) {
        v.has_old = 1;
        v.old = fp_table_amount(c->old, u->old_row, c->ocol[k]);
        v.rank_old = c->rank_old[u->old_row * c->ncols + k];
    }
    if (u->new_row != FP_NONE) {
        v.has_new = 1;
        v.new_ = fp_table_amount(c->new_, u->new_row, c->ncol[k]);
        v.rank_new = c->rank_new[u->new_row * c->ncols + k];
    }
    return v;
}
