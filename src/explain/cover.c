/* explain/cover.c — choosing: the cheapest exact cover of the failing identities, ambiguity when several tie. */
#include "explain/cause_impl.h"

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


void ex_groups_free(amb_group *g, size_t n)
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
fp_error ex_decide(engine *E, decision **out, size_t *nout, amb_group **gout, size_t *ngout)
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
    /* the components' work space, freed at the end whichever way it is reached */
    size_t *comp = NULL, *chosen = NULL, *sols = NULL, **ho = NULL, *nho = NULL, *hx = NULL;
    unsigned char *st = NULL;
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
            ex_uf_union(up, h->cover[0], f);
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
    comp = malloc((nids + 1) * sizeof *comp);
    chosen = malloc((nids + 1) * sizeof *chosen);
    sols = malloc((nids + 1) * SOLVE_KEEP * sizeof *sols);
    if (!comp || !chosen || !sols)
        goto nomem;
    unsigned char *done = state; /* reuse: marks roots handled, cleared per component */
    for (size_t i = 0; i < nids; i++) {
        size_t root = ex_uf_find(up, ids[i]);
        if (local[ids[i]] != FP_NONE || (done[root] & 0x80))
            continue;
        done[root] |= 0x80;
        size_t m = 0;
        for (size_t k = i; k < nids; k++)
            if (ex_uf_find(up, ids[k]) == root)
                comp[m++] = ids[k];
        for (size_t k = 0; k < m; k++)
            local[comp[k]] = k;
        st = calloc(m + 1, 1);
        ho = malloc((m + 1) * sizeof *ho);
        nho = malloc((m + 1) * sizeof *nho);
        if (!st || !ho || !nho)
            goto nomem;
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
        hx = malloc(m * ns * sizeof *hx);
        if (!hx)
            goto nomem;
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
            if (buf_reserve((void **)&groups, &gcap, ngroups + 1, sizeof *groups))
                goto nomem;
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
        hx = nho = NULL;
        st = NULL;
        ho = NULL;
    }
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
    free(comp);
    free(chosen);
    free(sols);
    free(st);
    free(ho);
    free(nho);
    free(hx);
    ex_groups_free(groups, ngroups);
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
