/* explain/candidates_combo.c — hypotheses of several wrong cells sharing one sum. */
#include "explain/cause_impl.h"

/* ---- several typos sharing a sum ---- */

typedef struct typo_cand {
    size_t j;
    i128 d;
} typo_cand;

size_t ex_uf_find(size_t *up, size_t x)
{
    while (up[x] != x)
        x = up[x] = up[up[x]];
    return x;
}

void ex_uf_union(size_t *up, size_t a, size_t b)
{
    a = ex_uf_find(up, a);
    b = ex_uf_find(up, b);
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
void ex_gen_combos(engine *E, const unsigned char *covered)
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
            R[k] = ex_form_res(E, r, k);
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
            if (ok && seen && d && ex_in_range(E, r, j, d))
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
        size_t p = ex_parent_of(E, rows[i]);
        size_t ip = p == FP_NONE ? FP_NONE : index_of(rows, nrows, p);
        if (ip != FP_NONE)
            ex_uf_union(up, i, ip);
        byp[i] = (typo_cand){p, (i128)i};
    }
    qsort(byp, nrows, sizeof *byp, cmp_cand_parent);
    for (size_t i = 1; i < nrows; i++)
        if (byp[i].j == byp[i - 1].j && byp[i].j != FP_NONE)
            ex_uf_union(up, (size_t)byp[i].d, (size_t)byp[i - 1].d);
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
        start[ex_uf_find(up, i) + 1]++;
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
            order[pos[ex_uf_find(up, i)]++] = i;
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
            ex_add_typo(E, dv, m, FP_CAUSE_TYPO, COST_EVENT * (int)m);
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
