/* realloc/conflict.c — several --set that cannot all hold: the pairwise rules, with their own
 * messages, and the exact test of every target and bound together on the network they form
 * (feasible.c), whose certificate names the --set and bounds that contradict each other. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/table_impl.h"
#include "realloc/feasible.h"
#include "realloc/joint.h"
#include "util/buf.h"

/* The message of a diagnostic holds this many bytes of a sentence. */
#define MESSAGE_ROOM (sizeof ((fp_diag *)0)->message - 1)

/* "--set A:甲=1, --set B:甲=2 and --set C:甲=3" for the sets WHICH[0..n) in order; when that is
 * longer than ROOM bytes, as many of the first as fit (one at least) and "and K more --set", so
 * that the sentence around it keeps its end (the gap). */
static void name_sets(strbuf *out, const joint *J, const size_t *which, size_t n, size_t room)
{
    strbuf s = {0};
    char a[FP_AMOUNT_BUFSIZE];
    for (size_t shown = n; shown > 0; shown--) {
        strbuf_reset(&s);
        for (size_t i = 0; i < shown; i++) {
            const target *q = J->sets[which[i]].tg;
            amount_text(q->amount, a);
            strbuf_printf(&s, "%s--set %s:%s=%s", i == 0 ? "" : i + 1 == n ? " and " : ", ",
                          q->unit_text, q->col_text, a);
        }
        if (shown < n)
            strbuf_printf(&s, " and %zu more --set", n - shown);
        if (s.oom || s.len <= room)
            break;
    }
    if (s.oom)
        out->oom = 1;
    else
        strbuf_str(out, strbuf_get(&s));
    strbuf_free(&s);
}

/* Targets that contradict each other, named with the gap: a set inside another asking for more
 * (a parent below its set children, a column above its year total), the same cells asked two
 * amounts, sets that cover every variable cell of another without adding up to it, or crossing
 * sets where one's cells all lie in the other and ask more than it leaves them. */
fp_error joint_contradictions(joint *J)
{
    ctx *C = J->C;
    char a[FP_AMOUNT_BUFSIZE], b[FP_AMOUNT_BUFSIZE], g[FP_AMOUNT_BUFSIZE];
    for (size_t j = 0; j < J->ntg; j++)
        for (size_t k = 0; k < J->ntg; k++) {
            const jset *P = &J->sets[j], *Q = &J->sets[k];
            if (j == k || !contains(J, P, Q))
                continue;
            int same = contains(J, Q, P);
            if (same && (k < j || P->tg->amount == Q->tg->amount))
                continue;
            if (!same && Q->tg->amount <= P->tg->amount)
                continue;
            i128 gap = (i128)Q->tg->amount - P->tg->amount;
            amount_text(P->tg->amount, a);
            amount_text(Q->tg->amount, b);
            amount_text(gap < 0 ? -gap : gap, g);
            return diag_set(C->diag, FP_ERR_CONFLICT, fp_table_source(C->t),
                            fp_table_row_line(C->t, P->tg->row), P->tg->col_text, NULL, 0,
                            same ? "--set %s:%s=%s and --set %s:%s=%s ask the same cells for "
                                   "amounts %s apart"
                                 : "--set %s:%s=%s is below --set %s:%s=%s inside it, by %s",
                            P->tg->unit_text, P->tg->col_text, a, Q->tg->unit_text,
                            Q->tg->col_text, b, g);
        }
    /* the largest sets inside each set, taken while they are disjoint */
    for (size_t j = 0; j < J->ntg; j++) {
        const jset *P = &J->sets[j];
        size_t taken[64], nt = joint_inner_sets(J, j, taken), cells = 0;
        i128 sum = 0, avail = 0;
        for (size_t t = 0; t < nt; t++) {
            const jset *Q = &J->sets[taken[t]];
            sum += Q->tg->amount;
            avail += Q->avail;
            cells += Q->end - Q->first;
        }
        if (nt < 2 && !(nt == 1 && cells == P->end - P->first))
            continue;
        int over = sum > P->tg->amount;
        int under = !over && cells == P->end - P->first && avail != P->avail;
        if (!over && !under)
            continue;
        amount_text(P->tg->amount, a);
        i128 gap = over ? sum - P->tg->amount : P->avail - avail;
        amount_text(gap < 0 ? -gap : gap, g);
        /* the sentence around the list says how much room the list has */
        strbuf head = {0}, foot = {0}, text = {0};
        strbuf_printf(&head, "--set %s:%s=%s", P->tg->unit_text, P->tg->col_text, a);
        strbuf_str(&head, over ? " is below the sets inside it (" : ": the sets inside it (");
        strbuf_printf(&foot, over ? "), by %s" : ") leave it nothing else to change and differ "
                                                 "from it by %s", g);
        size_t around = head.len + foot.len;
        strbuf_str(&text, strbuf_get(&head));
        name_sets(&text, J, taken, nt, around < MESSAGE_ROOM ? MESSAGE_ROOM - around : 0);
        strbuf_str(&text, strbuf_get(&foot));
        int oom = head.oom || foot.oom || text.oom;
        fp_error e = oom ? realloc_nomem(C)
                         : diag_set(C->diag, FP_ERR_CONFLICT, fp_table_source(C->t),
                                    fp_table_row_line(C->t, P->tg->row), P->tg->col_text, NULL,
                                    0, "%s", strbuf_get(&text));
        strbuf_free(&head);
        strbuf_free(&foot);
        strbuf_free(&text);
        return e;
    }
    /* crossing sets: every cell P can change is also one Q can change (a unit's year total and
     * its parent's column, say). Those shared cells must add up to what P asks of them, and Q
     * leaves them at most its own amount less the floors of its other cells. */
    for (size_t j = 0; j < J->ntg; j++)
        for (size_t k = 0; k < J->ntg; k++) {
            const jset *P = &J->sets[j], *Q = &J->sets[k];
            if (j == k || P->end == P->first || contains(J, P, Q) || contains(J, Q, P))
                continue;
            size_t i = P->first, l = Q->first;
            i128 rest = 0; /* floors of Q's cells outside P */
            while (i < P->end && l < Q->end) {
                size_t a_ = J->set_idx[i], b_ = J->set_idx[l];
                if (a_ == b_) {
                    i++;
                    l++;
                } else if (b_ < a_) {
                    rest += C->floor_of[C->cats[J->vk[b_]]];
                    l++;
                } else {
                    break; /* a cell of P that Q lacks */
                }
            }
            if (i < P->end)
                continue;
            for (; l < Q->end; l++)
                rest += C->floor_of[C->cats[J->vk[J->set_idx[l]]]];
            i128 room = Q->avail - rest;
            if (P->avail <= room)
                continue;
            amount_text(P->tg->amount, a);
            amount_text(Q->tg->amount, b);
            char r[FP_AMOUNT_BUFSIZE];
            amount_text(room, r);
            amount_text(P->avail - room, g);
            return diag_set(C->diag, FP_ERR_CONFLICT, fp_table_source(C->t),
                            fp_table_row_line(C->t, P->tg->row), P->tg->col_text, NULL, 0,
                            "--set %s:%s=%s and --set %s:%s=%s cannot both hold: every cell the "
                            "first can change is under the second, which leaves them at most %s, "
                            "short by %s",
                            P->tg->unit_text, P->tg->col_text, a, Q->tg->unit_text,
                            Q->tg->col_text, b, r, g);
        }
    return FP_OK;
}

/* Join PARTS[0..n) as "a", "a and b", "a, b and c". */
static void join_words(strbuf *b, char *const *parts, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (i)
            strbuf_str(b, i + 1 == n ? " and " : ", ");
        strbuf_str(b, parts[i]);
    }
}

/* The bounds of a certificate: --no-clawback (NOCLAW, or NULL), the --min MINS[0..nmin) and
 * --fix (FIX), joined as join_words does; when that is longer than ROOM bytes, as many of the
 * --min as fit and "K more --min" ("K --min" when none fit), so that the --set and the gap keep
 * room. */
static void name_bounds(strbuf *out, char *noclaw, char *const *mins, size_t nmin, int fix,
                        size_t room)
{
    strbuf s = {0};
    static char fix_word[] = "--fix";
    char more[64];
    char *words[256 + 3];
    for (size_t shown = nmin + 1; shown-- > 0;) {
        size_t n = 0;
        if (noclaw)
            words[n++] = noclaw;
        for (size_t i = 0; i < shown; i++)
            words[n++] = mins[i];
        if (shown < nmin) {
            snprintf(more, sizeof more, shown ? "%zu more --min" : "%zu --min", nmin - shown);
            words[n++] = more;
        }
        if (fix)
            words[n++] = fix_word;
        strbuf_reset(&s);
        join_words(&s, words, n);
        if (s.oom || s.len <= room)
            break;
    }
    if (s.oom)
        out->oom = 1;
    else
        strbuf_str(out, strbuf_get(&s));
    strbuf_free(&s);
}

/* The certificate in words: its --set in the order given, the bounds with them, the gap. */
static fp_error report_conflict(joint *J, const feas_result *R)
{
    ctx *C = J->C;
    fp_table *t = C->t;
    fp_amount u = C->o->unit;
    size_t K = C->ncats, first = FEAS_NONE, nset = 0, nparts = 0, nrows = 0;
    int fixed = 0;
    char a[FP_AMOUNT_BUFSIZE];
    strbuf text = {0}, rows = {0}, tail = {0}, least = {0};
    char *noclaw = NULL, *mins[256];
    size_t nmin = 0;
    uint8_t col_seen[256] = {0};
    size_t *sets = malloc((J->ntg + 1) * sizeof *sets);
    if (!sets)
        return realloc_nomem(C);
    for (size_t j = 0; j < J->ntg; j++) {
        if (!R->set_cut[j])
            continue;
        if (first == FEAS_NONE)
            first = j;
        fixed |= (i128)J->sets[j].tg->amount != J->sets[j].avail; /* --fix cells under it */
        sets[nset++] = j;
    }
    for (size_t b = 0; b < J->nb; b++) {
        if (!R->set_cut[J->ntg + b])
            continue;
        if (nrows < 3)
            strbuf_printf(&rows, "%s%s", nrows ? ", " : "", fp_table_row_name(t, J->b_row[b]));
        nrows++;
    }
    if (nrows > 3)
        strbuf_printf(&rows, " and %zu more", nrows - 3);
    int oom = 0;
    if (nrows) {
        strbuf_printf(&text, "--no-clawback (%s)", strbuf_get(&rows));
        oom |= !(noclaw = strbuf_take(&text));
        nparts++;
    }
    for (size_t i = 0; i < J->nv; i++)
        if (R->cell_cut[i])
            col_seen[J->vk[i]] = 1;
    for (size_t k = 0; k < K; k++)
        if (col_seen[k]) {
            amount_text(C->floor_of[C->cats[k]], a);
            strbuf_printf(&text, "--min %s=%s", fp_table_column_name(t, C->cats[k]), a);
            oom |= !(mins[nmin++] = strbuf_take(&text));
            nparts++;
        }
    if (fixed)
        nparts++;
    /* everything after the --set: its length is the room left for naming them; the bounds
     * first leave room for the least naming of the --set (the first one, the others counted) */
    const char *verb = nset == 1 ? " cannot hold" : nset == 2 ? " cannot both hold"
                                                               : " cannot all hold";
    char short_by[FP_AMOUNT_BUFSIZE + 64];
    i128 gap = R->gap * u;
    if (gap <= INT64_MAX) {
        amount_text(gap, a);
        snprintf(short_by, sizeof short_by, ": short by %s", a);
    } else {
        snprintf(short_by, sizeof short_by, ": short by more than 9223372036854.775807");
    }
    strbuf_str(&tail, verb);
    if (nparts && !oom) {
        name_sets(&least, J, sets, nset, 0);
        size_t fixed_len = least.len + strlen(verb) + strlen(" (with )") + strlen(short_by);
        strbuf_str(&tail, " (with ");
        name_bounds(&tail, noclaw, mins, nmin, fixed,
                    fixed_len < MESSAGE_ROOM ? MESSAGE_ROOM - fixed_len : 0);
        strbuf_str(&tail, ")");
    }
    strbuf_str(&tail, short_by);
    name_sets(&text, J, sets, nset, tail.len < MESSAGE_ROOM ? MESSAGE_ROOM - tail.len : 0);
    strbuf_str(&text, strbuf_get(&tail));
    oom |= text.oom || rows.oom || tail.oom || least.oom;
    fp_error e = oom ? realloc_nomem(C)
                     : diag_set(C->diag, FP_ERR_CONFLICT, fp_table_source(t),
                                first == FEAS_NONE ? 0 : fp_table_row_line(t, J->sets[first].tg->row),
                                first == FEAS_NONE ? NULL : J->sets[first].tg->col_text, NULL, 0,
                                "%s", strbuf_get(&text));
    free(noclaw);
    for (size_t i = 0; i < nmin; i++)
        free(mins[i]);
    free(sets);
    strbuf_free(&text);
    strbuf_free(&rows);
    strbuf_free(&tail);
    strbuf_free(&least);
    return e;
}

/* Can every --set and bound hold at once? Decided exactly before any fitting (feasible.c): the
 * variable cells with their --min floors, every --set over them (the whole rows of a subtree, or
 * one column of it) and every row held at its 已提前下达 form a network. When they cannot, its
 * minimum cut names the --set and bounds that contradict each other and the gap. When they can,
 * a cell every solution keeps at 0 is taken to 0 now (CAND and J->zeroed updated, *AGAIN = 1):
 * the fit's factors only approach such a cell and would never converge. A --set over neither
 * one column nor all of them would not be a network: it is left to the fit. */
fp_error joint_feasibility(joint *J, uint8_t *cand, int *again)
{
    ctx *C = J->C;
    size_t K = C->ncats, ntg = J->ntg, nb = J->nb, ns = ntg + nb, nv = J->nv;
    fp_amount u = C->o->unit;
    fp_error e = FP_OK;
    *again = 0;
    size_t *col = malloc((ntg + 1) * sizeof *col), *parent = malloc((ns + 1) * sizeof *parent);
    size_t *cell_set = malloc((2 * nv + 1) * sizeof *cell_set);
    size_t *bound_of = malloc((C->n + 1) * sizeof *bound_of);
    uint8_t *family = malloc(ns + 1), *set_cut = malloc(ns + 1);
    uint8_t *cell_cut = malloc(nv + 1), *at_floor = malloc(nv + 1);
    i128 *lo = malloc((ns + 1) * sizeof *lo), *hi = malloc((ns + 1) * sizeof *hi);
    i128 *fl = malloc((nv + 1) * sizeof *fl);
    if (!col || !parent || !cell_set || !bound_of || !family || !set_cut || !cell_cut ||
        !at_floor || !lo || !hi || !fl) {
        e = realloc_nomem(C);
        goto done;
    }
    for (size_t j = 0; j < ntg; j++) {
        size_t count = 0, at = 0;
        for (size_t k = 0; k < K; k++)
            if (J->sets[j].has_col[k]) {
                count++;
                at = k;
            }
        if (count == K)
            col[j] = FEAS_NONE; /* whole rows: family 0 */
        else if (count == 1)
            col[j] = at; /* one column: family 1 */
        else
            goto done;
    }
    for (size_t r = 0; r < C->n; r++)
        bound_of[r] = FEAS_NONE;
    for (size_t b = 0; b < nb; b++)
        bound_of[J->b_row[b]] = ntg + b;
    /* each set's parent: the innermost set of its family containing it (of two on the same
     * subtree, the one given first is the outer) */
    for (size_t q = 0; q < ns; q++) {
        size_t qrow = q < ntg ? J->sets[q].tg->row : J->b_row[q - ntg];
        size_t qcol = q < ntg ? col[q] : FEAS_NONE, best = FEAS_NONE;
        family[q] = qcol != FEAS_NONE;
        for (size_t p = 0; p < ntg; p++) {
            size_t prow = J->sets[p].tg->row;
            if (p == q || col[p] != qcol || !in_subtree(C, prow, qrow) || (prow == qrow && p > q))
                continue;
            if (best == FEAS_NONE || C->pos[prow] > C->pos[J->sets[best].tg->row] ||
                (prow == J->sets[best].tg->row && p > best))
                best = p;
        }
        parent[q] = best;
        lo[q] = q < ntg ? J->sets[q].avail / u : J->b_need[q - ntg];
        hi[q] = q < ntg ? lo[q] : FEAS_UNBOUNDED;
    }
    /* each cell's innermost set of each family: its row's bound, or a --set over it */
    for (size_t i = 0; i < nv; i++) {
        size_t r = J->vrow[i], k = J->vk[i], in_a = FEAS_NONE, in_b = FEAS_NONE;
        for (size_t p = 0; p < ntg; p++) {
            size_t prow = J->sets[p].tg->row;
            if (!in_subtree(C, prow, r) || (col[p] != FEAS_NONE && col[p] != k))
                continue;
            size_t *best = col[p] == FEAS_NONE ? &in_a : &in_b;
            if (*best == FEAS_NONE || C->pos[prow] > C->pos[J->sets[*best].tg->row] ||
                (prow == J->sets[*best].tg->row && p > *best))
                *best = p;
        }
        cell_set[2 * i] = bound_of[r] != FEAS_NONE ? bound_of[r] : in_a;
        cell_set[2 * i + 1] = in_b;
        fl[i] = C->floor_of[C->cats[k]] / u;
    }
    feas_net N = {nv, ns, fl, cell_set, parent, family, lo, hi};
    feas_result R = {0, 0, set_cut, cell_cut, at_floor};
    e = feas_solve(&N, &R);
    if (e) {
        e = e == FP_ERR_NOMEM ? realloc_nomem(C)
                              : diag_set(C->diag, FP_ERR_INTERNAL, NULL, 0, NULL, NULL, 0,
                                         "the feasibility test of the targets failed: %s",
                                         fp_strerror(e));
        goto done;
    }
    if (!R.feasible) {
        e = report_conflict(J, &R);
        goto done;
    }
    for (size_t i = 0; i < nv; i++)
        if (at_floor[i] && fl[i] == 0) {
            size_t c = J->vrow[i] * K + J->vk[i];
            cand[c] = 0;
            J->zeroed[c] = 1;
            *again = 1;
        }
done:
    free(col);
    free(parent);
    free(cell_set);
    free(bound_of);
    free(family);
    free(set_cut);
    free(cell_cut);
    free(at_floor);
    free(lo);
    free(hi);
    free(fl);
    return e;
}
