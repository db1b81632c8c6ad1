/* explain/candidates_cell.c — hypotheses from one failing row: a wrong digit, a misplaced cell, a split row. */
#include "explain/cause_impl.h"

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
void ex_add_typo(engine *E, const delta *d, size_t nd, fp_cause_kind kind, int cost)
{
    size_t *cover, ncover;
    int v = ex_verify(E, d, nd, &cover, &ncover);
    if (v < 0)
        E->oom = 1;
    if (v != 1)
        return;
    hyp *h = ex_hyp_new(E, kind, FP_SUBKIND_NONE, cost);
    if (!h) {
        free(cover);
        return;
    }
    h->cover = cover;
    h->ncover = ncover;
    h->row = h->row_end = d[0].row;
    for (size_t i = 0; i < nd; i++) {
        fp_amount s = ex_cell(E, d[i].row, d[i].j), g = (fp_amount)(s + d[i].d);
        fp_cause_subkind sub =
            kind == FP_CAUSE_TYPO
                ? typo_subkind(s, g, ex_blank(E, d[i].row, d[i].j), column_decimals(E, d[i].j))
                : FP_SUBKIND_NONE;
        ex_hyp_set(E, h, d[i].row, d[i].j, s, g, sub);
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
        fp_amount a = ex_cell(E, d[0].row, d[0].j), b = ex_cell(E, d[1].row, d[1].j);
        h->sub = a != 0 && b != 0 ? FP_SUBKIND_SWAP : FP_SUBKIND_NONE;
    }
}

/* Would changing cell (ROW, J) by D stay within fp_amount? */
int ex_in_range(const engine *E, size_t row, size_t j, i128 d)
{
    i128 v = (i128)ex_cell(E, row, j) + d;
    return v <= FP_AMOUNT_MAX && v >= FP_AMOUNT_MIN;
}

/* ---- place names ---- */

/* The division ROW names as a parent of counties: a prefecture, or a province (a municipality's
 * districts, county-level cities directly under a province). -1 when the name is not one. */
int ex_place_parent_named(const char *name)
{
    int e = gz_resolve(name, GZ_PREFECTURE, -1);
    if (e >= 0)
        return e;
    e = gz_resolve(name, GZ_PROVINCE, -1);
    return e >= 0 ? e : -1;
}

int ex_place_parent(const engine *E, size_t row)
{
    const char *name = ex_name_of(E, row);
    int e = gz_resolve(name, GZ_PREFECTURE, -1);
    if (e >= 0)
        return e;
    e = gz_resolve(name, GZ_PROVINCE, -1);
    return e >= 0 ? e : -1;
}

/* The county ROW names inside division P, or -1. */
int ex_county_within(const engine *E, size_t row, int p)
{
    int e = gz_resolve(ex_name_of(E, row), GZ_COUNTY, p);
    return e >= 0 ? e : -1;
}

int ex_starts_with(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* The one county of P's division (by the gazetteer) that none of P's rows names, when all the
 * others are there; the row it would come before in code order to *BEFORE. -1 when unknown. */
int ex_missing_county(const engine *E, size_t p, size_t *before)
{
    *before = FP_NONE;
    int P = ex_place_parent(E, p);
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
            here = gz_names(e, ex_name_of(E, k));
        if (here)
            present++;
        else
            missing = e, nmissing++;
    }
    if (nmissing != 1 || present == 0)
        return -1;
    for (size_t k = fp_table_first_child(E->t, p); k != FP_NONE; k = fp_table_next_sibling(E->t, k)) {
        int c = ex_county_within(E, k, P);
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
        used[j] = !ex_blank(E, r, j) && ex_cell(E, r, j) != 0;
    for (size_t q = r + 1; q < t->nrows && q <= r + 3; q++) {
        if (t->parent[q] != t->parent[r] || !continuation_name(ex_name_of(E, q), ex_name_of(E, r)))
            break;
        int clash = 0;
        for (size_t j = 0; j < na && !clash; j++) {
            int here = !ex_blank(E, q, j) && ex_cell(E, q, j) != 0;
            clash = here && used[j];
            used[j] |= (unsigned char)here;
        }
        if (clash)
            break;
        int zero = 1;
        for (size_t k = 0; k < nk; k++) {
            S[k] += ex_form_res(E, q, k);
            zero &= S[k] == 0;
        }
        if (!zero)
            continue;
        /* the merged row holds; its rows (of the last line, in pre-order) must add up to it */
        int ok = 1;
        if (E->colsums && ex_has_children(E, q))
            for (size_t j = 0; j < na && ok; j++) {
                i128 g = ex_col_res(E, q, j);
                for (size_t x = r; x < q; x++)
                    g += ex_cell(E, x, j);
                ok = g == 0;
            }
        if (!ok)
            break;
        hyp *h = ex_hyp_new(E, FP_CAUSE_SPLIT_ROW, FP_SUBKIND_NONE, COST_EVENT);
        if (!h)
            break;
        h->row = r;
        h->row_end = q;
        for (size_t x = r; x <= q; x++)
            ex_cover_row(E, h, x, 1, x == q);
        for (size_t j = 0; j < na; j++) {
            i128 sum = 0;
            int written = !ex_blank(E, r, j);
            for (size_t x = r; x <= q; x++) {
                sum += ex_cell(E, x, j);
                written |= !ex_blank(E, x, j);
            }
            if (sum != ex_cell(E, r, j) || (written && ex_blank(E, r, j)))
                ex_hyp_set(E, h, r, j, ex_cell(E, r, j), (fp_amount)sum, FP_SUBKIND_NONE);
        }
        for (size_t x = r + 1; x <= q; x++)
            for (size_t j = 0; j < na; j++)
                if (ex_cell(E, x, j) != 0) {
                    fp_cause_cell *c = ex_hyp_cell(E, h, FP_CELL_DELETE, x, E->acols[j]);
                    if (c)
                        c->stated = c->suggested = ex_cell(E, x, j);
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
    size_t q = r + 1, na = E->na, p = ex_parent_of(E, r);
    if (q >= t->nrows || t->parent[q] != t->parent[r] || ex_has_children(E, r) ||
        ex_has_children(E, q) || !na)
        return;
    const char *nm = ex_name_of(E, q);
    fp_amount v0;
    if (!*nm || fp_amount_parse(nm, strlen(nm), &v0, NULL) != FP_OK)
        return;
    size_t last = FP_NONE; /* the line's last written amount cell */
    for (size_t j = 0; j < na; j++)
        if (!ex_blank(E, q, j))
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
            merged[j] = ex_cell(E, r, j);
            continue;
        }
        ok = ex_blank(E, r, j) || ex_cell(E, r, j) == 0; /* the first line left these empty */
        size_t i = j - (na - m);
        merged[j] = i == 0 ? v0 : ex_cell(E, q, i - 1);
    }
    for (size_t k = 0; k < E->nforms && ok; k++) {
        i128 sum = 0;
        for (size_t j = 0; j < na; j++)
            sum += (i128)E->coef[k * na + j] * merged[j];
        ok = sum == 0;
    }
    for (size_t j = 0; j < na && ok && E->colsums && p != FP_NONE; j++)
        ok = ex_col_res(E, p, j) + ex_cell(E, r, j) + ex_cell(E, q, j) - merged[j] == 0;
    hyp *h = ok ? ex_hyp_new(E, FP_CAUSE_SPLIT_ROW, FP_SUBKIND_NONE, COST_EVENT) : NULL;
    if (h) {
        h->row = r;
        h->row_end = q;
        ex_cover_row(E, h, r, 1, 0);
        ex_cover_row(E, h, q, 1, 0);
        if (p != FP_NONE)
            ex_cover_row(E, h, p, 0, 1);
        for (size_t j = 0; j < na; j++)
            if (merged[j] != ex_cell(E, r, j) || (j >= na - m && ex_blank(E, r, j)))
                ex_hyp_set(E, h, r, j, ex_cell(E, r, j), (fp_amount)merged[j], FP_SUBKIND_NONE);
        for (size_t j = 0; j < na; j++)
            if (ex_cell(E, q, j) != 0) {
                fp_cause_cell *c = ex_hyp_cell(E, h, FP_CELL_DELETE, q, E->acols[j]);
                if (c)
                    c->stated = c->suggested = ex_cell(E, q, j);
            }
        if (!h->ncover)
            ex_hyp_drop_last(E);
    }
    free(merged);
}

void ex_gen_row(engine *E, size_t r)
{
    size_t na = E->na, nk = E->nforms;
    i128 *R = malloc((nk + 1) * sizeof *R);
    if (!R) {
        E->oom = 1;
        return;
    }
    int any = 0;
    for (size_t k = 0; k < nk; k++)
        any |= (R[k] = ex_form_res(E, r, k)) != 0;
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
        if (ok && seen && d != 0 && ex_in_range(E, r, j, d)) {
            delta dv = {r, j, d};
            ex_add_typo(E, &dv, 1, FP_CAUSE_TYPO, COST_EVENT);
        }
    }
    /* two cells of the row exchanged (or one moved to an empty column) */
    for (size_t j1 = 0; j1 < na; j1++)
        for (size_t j2 = j1 + 1; j2 < na; j2++) {
            i128 d = (i128)ex_cell(E, r, j2) - ex_cell(E, r, j1);
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
                ex_add_typo(E, dv, 2, FP_CAUSE_MISPLACED_CELL, COST_EVENT);
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
        hyp *h = ex_hyp_new(E, FP_CAUSE_ROUNDING_RESIDUE, FP_SUBKIND_NONE, COST_RESIDUE);
        if (h) {
            h->row = h->row_end = r;
            h->fixable = 0;
            ex_cover_row(E, h, r, 1, 0);
            ex_hyp_note_cells_of_cover(E, h);
        }
    }
    free(R);
}
