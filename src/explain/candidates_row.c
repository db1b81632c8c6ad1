/* explain/candidates_row.c — hypotheses from a parent whose rows do not add up: rows missing, extra, moved, rounding residues. */
#include "check/shift.h"
#include "explain/cause_impl.h"

/* ---- hypotheses from a parent whose rows do not add up ---- */

static int vec_equals_row(const engine *E, const i128 *v, size_t row, int negate)
{
    for (size_t j = 0; j < E->na; j++)
        if ((negate ? -v[j] : v[j]) != ex_cell(E, row, j))
            return 0;
    return 1;
}

static int same_row(const engine *E, size_t a, size_t b)
{
    if (strcmp(ex_name_of(E, a), ex_name_of(E, b)) != 0)
        return 0;
    for (size_t j = 0; j < E->na; j++)
        if (ex_cell(E, a, j) != ex_cell(E, b, j))
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
                acc[j] += ex_cell(E, x, j);
                eq &= acc[j] == ex_cell(E, k, j);
            }
            found = eq;
        }
    }
    free(kids);
    free(acc);
    return found;
}

int ex_is_subtotal_name(const char *s)
{
    return ex_starts_with(s, "其中") || strstr(s, "小计") || strstr(s, "合计") || strstr(s, "总计");
}

/* The rounding residue of parent P's block, with the correction put on the largest rows when
 * the residue has the shape of one rounded category (the same D in the columns of one
 * consistent change: 原基本 +1, 全年 +1, 此次下达 +1). */
static void residue_parent(engine *E, size_t p, const i128 *G, size_t nkids)
{
    size_t na = E->na;
    hyp *h = ex_hyp_new(E, FP_CAUSE_ROUNDING_RESIDUE, FP_SUBKIND_NONE, COST_RESIDUE);
    if (!h)
        return;
    h->row = h->row_end = h->parent = p;
    ex_cover_row(E, h, p, 0, 1);
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
    /* only rows the failing sums involve: P's rows without rows of their own (a unit moved onto a
     * subtotal would have to go down to one of its rows, whose sums hold) */
    if (kids)
        for (size_t x = fp_table_first_child(E->t, p); x != FP_NONE;
             x = fp_table_next_sibling(E->t, x))
            if (!ex_has_children(E, x))
                kids[nk2++] = x;
    if (kids && nk2 >= m) {
        /* the M largest rows in the lead column; among equals the earlier row */
        for (size_t a = 0; a < m; a++) {
            size_t best = a;
            for (size_t b = a + 1; b < nk2; b++)
                if (ex_cell(E, kids[b], lead) > ex_cell(E, kids[best], lead))
                    best = b;
            size_t x = kids[best];
            memmove(kids + a + 1, kids + a, (best - a) * sizeof *kids);
            kids[a] = x;
        }
        /* each takes one unit */
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
                    if (best == FP_NONE || ex_cell(E, y, lead) > ex_cell(E, best, lead))
                        best = y;
                x = best;
            }
        if (dv) {
            size_t *cover, ncover;
            int v = ex_verify(E, dv, nd, &cover, &ncover);
            if (v == 1 && ncover == h->ncover && memcmp(cover, h->cover, ncover * sizeof *cover) == 0) {
                for (size_t i = 0; i < nd; i++)
                    ex_hyp_set(E, h, dv[i].row, dv[i].j, ex_cell(E, dv[i].row, dv[i].j),
                            (fp_amount)(ex_cell(E, dv[i].row, dv[i].j) + dv[i].d), FP_SUBKIND_NONE);
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
    ex_hyp_note_cells_of_cover(E, h);
}


/* A subtotal row changed on its own (a rounding remainder put on it): P's rows and P's parent
 * agree, P does not agree with either, P's own identities hold. Put back, every identity holds:
 * one row, a few cells. G: P's column residuals. */
static void gen_subtotal_row(engine *E, size_t p, const i128 *G)
{
    size_t na = E->na, nd = 0, q = ex_parent_of(E, p);
    if (q == FP_NONE || !E->colsums)
        return;
    for (size_t k = 0; k < E->nforms; k++)
        if (ex_form_res(E, p, k) != 0)
            return; /* a row whose own identities fail: a typo (candidates_cell.c) */
    /* the row must stand out: when other blocks miss their rows by rounding too, the table was
     * rounded block by block and each block's residue is its own (no row was changed). The
     * reading is kept, dearer than the residues, so that it joins the row's failures to its
     * parent's: a missing row under P beside a residue on Q is then a partial explanation, which
     * --fix does not apply */
    int stands_out = 1;
    for (size_t i = 0; i < E->nf && stands_out; i++) {
        const fp_finding *f = fp_report_finding(E->r, i);
        if (!E->fkind[i] || f->identity != FP_RULE_COLUMN_SUM || f->row == p || f->row == q)
            continue;
        size_t j = E->apos[f->column];
        if (j != FP_NONE && 2 * abs128(f->difference) <=
                                (i128)ex_child_count(E, f->row) * E->unit[j])
            stands_out = 0;
    }
    delta *dv = malloc((na + 1) * sizeof *dv);
    if (!dv) {
        E->oom = 1;
        return;
    }
    size_t nkids = ex_child_count(E, p), ncat = 0;
    int small = 1;
    for (size_t j = 0; j < na; j++)
        ncat += fp_table_column_role(E->t, E->acols[j]) == FP_ROLE_CATEGORY;
    for (size_t j = 0; j < na; j++) {
        if (!G[j] || !ex_in_range(E, p, j, -G[j]))
            continue;
        dv[nd++] = (delta){p, j, -G[j]};
        /* each category (or, without categories, each column) within its rows' rounding */
        if (!ncat || fp_table_column_role(E->t, E->acols[j]) == FP_ROLE_CATEGORY)
            small &= 2 * abs128(G[j]) <= (i128)(nkids > 2 ? nkids : 2) * E->unit[j];
    }
    size_t *cover, ncover;
    int v = nd >= 2 ? ex_verify(E, dv, nd, &cover, &ncover) : 0;
    if (v < 0)
        E->oom = 1;
    int parent_too = 0;
    for (size_t i = 0; v == 1 && i < ncover; i++)
        parent_too |= fp_report_finding(E->r, cover[i])->row == q;
    if (v == 1 && !parent_too)
        free(cover);
    if (v != 1 || !parent_too) {
        free(dv);
        return;
    }
    hyp *h = ex_hyp_new(E, small ? FP_CAUSE_ROUNDING_RESIDUE : FP_CAUSE_TYPO,
                        small ? FP_SUBKIND_SUBTOTAL_ROW : FP_SUBKIND_NONE,
                        stands_out ? COST_EVENT + COST_CELL * (int)(nd - 1)
                                   : 2 * COST_RESIDUE + COST_EVENT);
    if (!h) {
        free(cover);
        free(dv);
        return;
    }
    h->cover = cover;
    h->ncover = ncover;
    h->row = h->row_end = p;
    h->parent = q;
    for (size_t i = 0; i < nd; i++)
        ex_hyp_set(E, h, p, dv[i].j, ex_cell(E, p, dv[i].j),
                   (fp_amount)(ex_cell(E, p, dv[i].j) + dv[i].d), FP_SUBKIND_NONE);
    free(dv);
}

void ex_gen_parent(engine *E, size_t p, gap **gaps, size_t *ngaps, size_t *gapcap)
{
    size_t na = E->na, nk = E->nforms;
    i128 *G = malloc((na + 1) * sizeof *G);
    if (!G) {
        E->oom = 1;
        return;
    }
    size_t nz = 0, j1 = FP_NONE, j2 = FP_NONE;
    for (size_t j = 0; j < na; j++)
        if ((G[j] = ex_col_res(E, p, j)) != 0) {
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
    size_t nkids = ex_child_count(E, p);
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
    gen_subtotal_row(E, p, G);
    if (consistent && nk) {
        if (positive && rowlike && !small) {
            hyp *h = ex_hyp_new(E, FP_CAUSE_MISSING_ROW, FP_SUBKIND_NONE, COST_EVENT);
            if (h) {
                h->row = h->row_end = h->parent = p;
                ex_cover_row(E, h, p, 0, 1);
                int e = ex_missing_county(E, p, &h->before);
                if (e >= 0) {
                    int sure = 0;
                    /* in the form the table writes its peers in (a renamed county whose era
                     * the table does not show: its present name, not sure) */
                    const char *nm = ck_lost_form(E->t, e, p, &sure);
                    h->name = nm ? nm : gz_name(e);
                    if (!sure) {
                        h->fixable = 0;
                        h->hold = FP_HOLD_NAME;
                    }
                }
                for (size_t j = 0; j < na; j++)
                    if (G[j]) {
                        fp_cause_cell *c = ex_hyp_cell(E, h, FP_CELL_INSERT, FP_NONE, E->acols[j]);
                        if (c)
                            c->suggested = (fp_amount)G[j];
                    }
            }
        }
        for (size_t k = fp_table_first_child(E->t, p); k != FP_NONE;
             k = fp_table_next_sibling(E->t, k)) {
            if (ex_has_children(E, k) || !vec_equals_row(E, G, k, 1))
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
                                   : ex_is_subtotal_name(ex_name_of(E, k)) ||
                                           sums_neighbours(E, p, k)
                                       ? FP_SUBKIND_DOUBLE_COUNTED
                                       : FP_SUBKIND_NONE;
            hyp *h = ex_hyp_new(E, FP_CAUSE_EXTRA_ROW, sub,
                             sub != FP_SUBKIND_NONE ? COST_EVIDENCE : COST_EVENT);
            if (!h)
                break;
            h->row = h->row_end = k;
            h->parent = p;
            ex_cover_row(E, h, p, 0, 1);
            for (size_t j = 0; j < na; j++)
                if (ex_cell(E, k, j)) {
                    fp_cause_cell *c = ex_hyp_cell(E, h, FP_CELL_DELETE, k, E->acols[j]);
                    if (c)
                        c->stated = c->suggested = ex_cell(E, k, j);
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
        if ((i128)ex_cell(E, p, j2) - ex_cell(E, p, j1) == -want) {
            delta dv[2] = {{p, j1, -want}, {p, j2, want}};
            ex_add_typo(E, dv, 2, FP_CAUSE_MISPLACED_CELL, COST_EVENT);
        }
        for (size_t k = fp_table_first_child(E->t, p); k != FP_NONE;
             k = fp_table_next_sibling(E->t, k))
            if ((i128)ex_cell(E, k, j2) - ex_cell(E, k, j1) == want) {
                delta dv[2] = {{k, j1, want}, {k, j2, -want}};
                ex_add_typo(E, dv, 2, FP_CAUSE_MISPLACED_CELL, COST_EVENT);
            }
    }
    /* one column that no row identity covers: the parent's cell or one of its rows' */
    if (G && nz == 1) {
        int covered = 0;
        for (size_t k = 0; k < nk; k++)
            covered |= E->coef[k * na + j1] != 0;
        if (!covered) {
            delta dv = {p, j1, -G[j1]};
            if (ex_in_range(E, p, j1, dv.d))
                ex_add_typo(E, &dv, 1, FP_CAUSE_TYPO, COST_EVENT);
            size_t made = 0;
            for (size_t k = fp_table_first_child(E->t, p); k != FP_NONE && made < MAX_CANDIDATES;
                 k = fp_table_next_sibling(E->t, k)) {
                delta dk = {k, j1, G[j1]};
                size_t before = E->nh;
                if (ex_in_range(E, k, j1, dk.d))
                    ex_add_typo(E, &dk, 1, FP_CAUSE_TYPO, COST_EVENT);
                made += E->nh > before;
            }
        }
    }
    free(G);
}

/* A row too many under B that is the row missing under A: it belongs under A. */
void ex_gen_moves(engine *E, const gap *gaps, size_t ngaps)
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
            int pa = ex_place_parent(E, A), pb = ex_place_parent(E, B);
            for (size_t k = fp_table_first_child(E->t, B); k != FP_NONE;
                 k = fp_table_next_sibling(E->t, k)) {
                if (!vec_equals_row(E, gaps[a].v, k, 0))
                    continue;
                int cost = COST_EVENT;
                if (pa >= 0 && ex_county_within(E, k, pa) >= 0)
                    cost = COST_EVIDENCE;
                else if (pb >= 0 && ex_county_within(E, k, pb) >= 0)
                    cost = COST_AGAINST;
                hyp *h = ex_hyp_new(E, FP_CAUSE_WRONG_PARENT, FP_SUBKIND_NONE, cost);
                if (!h)
                    return;
                h->row = h->row_end = k;
                h->parent = A;
                h->from = B;
                ex_cover_row(E, h, A, 0, 1);
                ex_cover_row(E, h, B, 0, 1);
                /* in code order among A's rows when the gazetteer knows them */
                int ck = pa >= 0 ? ex_county_within(E, k, pa) : -1;
                if (ck >= 0)
                    for (size_t x = fp_table_first_child(E->t, A); x != FP_NONE;
                         x = fp_table_next_sibling(E->t, x)) {
                        int cx = ex_county_within(E, x, pa);
                        if (cx >= 0 && gz_code(cx) > gz_code(ck)) {
                            h->before = x;
                            break;
                        }
                    }
                fp_cause_cell *c = ex_hyp_cell(E, h, FP_CELL_NOTE, k, E->t->name_col);
                if (c)
                    c->stated_text = c->suggested_text = ex_name_of(E, k);
            }
        }
    }
}
