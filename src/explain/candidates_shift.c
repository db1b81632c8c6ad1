/* explain/candidates_shift.c — label shifts (names one row late) as hypotheses and as notes, and counties under the wrong prefecture. */
#include <limits.h>

#include "check/shift.h"
#include "places/gazetteer.h"
#include "explain/cause_impl.h"

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
                    ok = acc[top * na + j] == ex_cell(E, x, j);
            top--;
        }
        if (k == hi || !ok)
            break;
        if (k >= s->a && k < s->a + np)
            npar[k - s->a] = stack[top];
        kids[top] = 1;
        for (size_t j = 0; j < na; j++)
            acc[top * na + j] += ex_cell(E, k, j);
        top++;
        stack[top] = k;
        kids[top] = 0;
        memset(&acc[top * na], 0, na * sizeof *acc);
    }
    if (ok && Q != FP_NONE && kids[0])
        for (size_t j = 0; j < na && ok; j++)
            ok = acc[j] == ex_cell(E, Q, j);
    free(acc);
    free(stack);
    free(kids);
    return ok;
}

/* The name row K carries after realignment S (NULL for the lost label). */
static const char *shift_name(const engine *E, const shift *s, size_t k)
{
    if (s->L < 0) /* no shift: the names as stated */
        return ex_name_of(E, k);
    if (k >= s->a && k < s->b)
        return ex_name_of(E, k + 1);
    return k == s->b ? NULL : ex_name_of(E, k);
}

/* The new parent's division, or -1: a prefecture (or province) the parent row names. */
static int shift_parent_place(const engine *E, const shift *s, size_t p, size_t np)
{
    if (p == FP_NONE)
        return -1;
    const char *pn = p >= s->a && p < s->a + np ? shift_name(E, s, p) : ex_name_of(E, p);
    return pn ? ex_place_parent_named(pn) : -1;
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
 * parent out of code order (*INV: how many). The lost label's likely name — the one division of
 * its parent that no row names — goes to *LOST, *SURE when its form is no guess. */
static int shift_score(const engine *E, const shift *s, const size_t *npar, size_t np,
                       const char **lost, int *sure, int *inv)
{
    int score = 0;
    *lost = NULL;
    *sure = 0;
    *inv = 0;
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
                    named = (x < s->a || x >= s->a + np) && gz_names(c, ex_name_of(E, x));
            for (size_t x = 0; x < np && !named; x++) {
                const char *xn = shift_name(E, s, s->a + x);
                named = xn && npar[x] == npar[i] && gz_names(c, xn);
            }
            if (!named)
                cands++, found = c;
        }
        if (cands == 1) {
            ent[i] = found;
            *lost = ck_lost_form(E->t, found, npar[i], sure);
        }
    }
    for (size_t i = 0; i < np; i++) {
        if (ent[i] < 0)
            continue;
        score += 2;
        for (size_t x = i + 1; x < np; x++)
            if (ent[x] >= 0 && npar[x] == npar[i] && gz_listing_code(ent[x]) < gz_listing_code(ent[i]))
                score--, ++*inv;
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
        int score, fit; /* FIT: the score before the code order's penalty */
        const char *lost;
        int sure;
        size_t lo, hi, Q;
    } found;
    found best[MAX_CANDIDATES];
    size_t nbest = 0;
    int top = -1, fit_of_worse = INT_MIN; /* the best fit of the realignments scored below top */
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
                Q = ex_parent_of(E, Q);
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
                npar[i] = ex_parent_of(E, a + i);
            if (!shift_holds(E, D, &s, Q, lo, hi, npar, a + keep <= hi ? keep : hi - a))
                continue;
            const char *lost;
            int sure, inv;
            int score = shift_score(E, &s, npar, keep, &lost, &sure, &inv);
            if (score > top) {
                for (size_t i = 0; i < nbest; i++)
                    if (best[i].fit > fit_of_worse)
                        fit_of_worse = best[i].fit;
                top = score;
                nbest = 0;
            } else if (score < top && score + inv > fit_of_worse) {
                fit_of_worse = score + inv;
            }
            if (score == top && nbest < MAX_CANDIDATES)
                best[nbest++] = (found){s, score, score + inv, lost, sure, lo, hi, Q};
        }
    }
    free(npar);
    for (size_t i = 0; i < nbest; i++) {
        const found *f = &best[i];
        hyp *h = ex_hyp_new(E, FP_CAUSE_LABEL_SHIFT, FP_SUBKIND_NONE, COST_EVENT);
        if (!h)
            return;
        h->row = f->s.a;
        h->row_end = f->s.b;
        h->level_end = f->s.L;
        h->name = f->lost;
        /* a lost name that cannot be told is never guessed, nor an end that only the code order
         * put first in a table that does not keep that order */
        h->fixable = f->lost != NULL && f->sure;
        if (f->lost && !f->sure)
            h->hold = FP_HOLD_NAME;
        if (h->fixable && nbest == 1 && fit_of_worse >= f->fit &&
            !ck_keeps_order(t, f->s.a, f->s.b + 2)) {
            h->fixable = 0;
            h->hold = FP_HOLD_ORDER;
        }
        h->parent = f->Q;
        if (f->Q != FP_NONE)
            ex_cover_row(E, h, f->Q, 0, 1);
        for (size_t x = ex_row_first(E, f->lo); x < E->nf; x++) {
            const fp_finding *fd = fp_report_finding(E->r, x);
            if (fd->row >= f->hi)
                break;
            size_t cap = h->ncover;
            if (E->fkind[x] && fd->identity == FP_RULE_COLUMN_SUM &&
                ex_set_add(&h->cover, &h->ncover, &cap, x))
                E->oom = 1;
        }
        if (!h->ncover) {
            ex_hyp_drop_last(E);
            continue;
        }
        for (size_t k = f->s.a; k <= f->s.b; k++) {
            fp_cause_cell *c = ex_hyp_cell(E, h, FP_CELL_RENAME, k, t->name_col);
            if (!c)
                break;
            c->stated_text = ex_name_of(E, k);
            c->suggested_text = k < f->s.b ? ex_name_of(E, k + 1) : f->lost;
            c->level = shift_depth(D, &f->s, k);
        }
    }
}

/* Label shifts start where a row repeats the label (name and level) of the row above, or has
 * no name, near a sum that fails. */
void ex_gen_shifts(engine *E)
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
        const char *nm = ex_name_of(E, a);
        if (*nm && !(D[a] == D[a - 1] && strcmp(nm, ex_name_of(E, a - 1)) == 0))
            continue;
        /* a shift repeats one name once: the rows of a run of one name (many rows of one parent
         * sharing a name) are tried at its first repeat only, so such a run costs one trial, not
         * one per row (issue 15: 20,000 rows of one name took 17 s) */
        if (*nm && a >= 2 && D[a - 2] == D[a] && strcmp(nm, ex_name_of(E, a - 2)) == 0)
            continue;
        int near = 0;
        for (size_t x = ex_parent_of(E, a); x != FP_NONE && !near; x = ex_parent_of(E, x))
            near = ex_col_failing(E, x);
        for (size_t i = ex_row_first(E, a); i < E->nf && !near; i++) {
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

/* The sentence of a shifted run found by fp_label_shift_at: the run, each row's own name, the
 * lost one, or why the run is not realigned. */
static void shift_note_text(strbuf *b, const fp_table *t, const fp_label_shift *s, int en)
{
    long la = fp_table_row_line(t, s->first), lb = fp_table_row_line(t, s->last);
    if (en)
        strbuf_printf(b, "label shift: on lines %ld–%ld the names are one row late against the "
                        "numbers: ", la, lb);
    else
        strbuf_printf(b, "名称错行：第 %ld–%ld 行的单位名称比数字晚了一行：", la, lb);
    for (size_t k = s->first; k < s->last; k++) {
        if (k > s->first)
            strbuf_str(b, en ? ", " : "，");
        const char *nm = fp_table_row_name(t, k + 1);
        if (en)
            strbuf_printf(b, "line %ld is %s", fp_table_row_line(t, k), nm);
        else
            strbuf_printf(b, "第 %ld 行是「%s」", fp_table_row_line(t, k), nm);
    }
    const char *div = s->lost_division;
    if (en) {
        strbuf_printf(b, "; the name of line %ld is lost", lb);
        if (s->lost)
            strbuf_printf(b, ": %s, the one division there no row names", s->lost);
        else if (div)
            strbuf_printf(b, ": %s, but whether the table names it so or by its former name "
                            "cannot be told", div);
    } else {
        strbuf_printf(b, "，第 %ld 行的名称缺失", lb);
        if (s->lost)
            strbuf_printf(b, "，应是「%s」（该处唯一没有哪一行提到的区划）", s->lost);
        else if (div)
            strbuf_printf(b, "，应是「%s」，但原表用今名还是旧名无法判定", div);
    }
    if (s->ambiguous) {
        long lc = fp_table_row_line(t, s->last_alt);
        if (en)
            strbuf_printf(b, "; yet the run may as well end on line %ld: not realigned.", lc);
        else
            strbuf_printf(b, "；但错行也可能止于第 %ld 行，无法判定，未自动修正。", lc);
    } else if (s->by_order) {
        long lc = fp_table_row_line(t, s->last_alt);
        if (en)
            strbuf_printf(b, "; the run may also end on line %ld: only the order of the division "
                             "codes says otherwise, and this table does not keep that order "
                             "elsewhere: not realigned.", lc);
        else
            strbuf_printf(b, "；错行也可能止于第 %ld 行，只有区划代码顺序可依，而本表别处并不按"
                             "代码顺序排列，未自动修正。", lc);
    } else if (!s->lost) {
        strbuf_str(b, en ? "; not realigned." : "；未自动修正。");
    } else {
        strbuf_str(b, en ? "; realigned, every name sits under its division, in code order."
                        : "；重新对齐后各单位都在其所属区划之下，并按区划代码排列。");
    }
}

/* Names one row late while every sum holds (the notice layout rebuilds the tree from the sums,
 * so only the names are off): the runs fp_check warned of (fp_label_shift_at, one detection),
 * as causes without findings. A run is fixable when its end and its lost name are certain. */
int ex_shift_notes(const fp_table *t, const fp_report *r, fp_causes *C)
{
    for (size_t i = 0; i < fp_report_count(r); i++) {
        const fp_finding *f = fp_report_finding(r, i);
        fp_label_shift s;
        if (f->rule != FP_RULE_LABEL_SHIFT || !fp_label_shift_at(t, f->row, &s))
            continue;
        int covered = 0;
        for (size_t x = 0; x < C->n && !covered; x++)
            covered = C->list[x]->c.kind == FP_CAUSE_LABEL_SHIFT && C->list[x]->c.row <= s.first &&
                      C->list[x]->c.row_end >= s.first;
        if (covered)
            continue;
        /* the lost name's form (木垒县 or 木垒哈萨克自治县) is the table's habit: --fix writes it
         * only when the habit is certain (ck_lost_form) */
        int fixable = !s.ambiguous && !s.by_order && s.lost && s.lost_sure;
        /* rows whose names are certain: all of the run, or (ambiguous) those before either end */
        size_t end = s.ambiguous ? (s.last_alt < s.last ? s.last_alt : s.last) : s.last + 1;
        size_t ncells = end - s.first;
        cause_rec *c = calloc(1, sizeof *c);
        fp_cause_cell *cells = calloc(ncells ? ncells : 1, sizeof *cells);
        if (!c || !cells) {
            free(c);
            free(cells);
            return -1;
        }
        for (size_t k = s.first; k < end; k++) {
            fp_cause_cell *x = &cells[k - s.first];
            x->change = FP_CELL_RENAME;
            x->row = k;
            x->column = t->name_col;
            x->stated_text = fp_table_row_name(t, k);
            x->suggested_text = k < s.last ? fp_table_row_name(t, k + 1) : s.lost;
            x->level = fp_table_depth(t, k);
        }
        strbuf zh = {0}, en = {0};
        shift_note_text(&zh, t, &s, 0);
        shift_note_text(&en, t, &s, 1);
        c->note = 1;
        c->c.kind = FP_CAUSE_LABEL_SHIFT;
        c->c.row = s.first;
        c->c.row_end = s.last;
        c->c.parent = c->c.before = FP_NONE;
        c->c.name = s.lost;
        c->c.fixable = fixable;
        c->c.hold = fixable       ? FP_HOLD_NONE
                     : s.ambiguous ? FP_HOLD_AMBIGUOUS
                     : s.by_order  ? FP_HOLD_ORDER
                                   : FP_HOLD_NAME;
        c->c.cells = cells;
        c->c.ncells = ncells;
        c->c.text_zh = strbuf_take(&zh);
        c->c.text_en = strbuf_take(&en);
        if (!c->c.text_zh || !c->c.text_en || ex_push_rec(&C->list, &C->n, &C->cap, c))
            return -1;
    }
    return 0;
}

/* Counties under a prefecture they do not belong to (by the gazetteer), where no finding
 * already says so: causes without findings. */
int ex_place_notes(const fp_table *t, const fp_report *rep, fp_causes *C)
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
        for (size_t i = ex_row_first(&E0, p); i < E0.nf && !failing; i++) {
            const fp_finding *f = fp_report_finding(rep, i);
            if (f->row != p)
                break;
            failing = f->identity == FP_RULE_COLUMN_SUM && f->severity == FP_SEVERITY_ERROR;
        }
        if (failing)
            continue;
        if (p != last_p) {
            last_p = p;
            last_P = ex_place_parent(&E0, p);
        }
        if (last_P < 0)
            continue;
        const char *nm = fp_table_row_name(t, r);
        if (!*nm || ex_starts_with(nm, "其中") || strstr(nm, "本级") || ex_is_subtotal_name(nm))
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
        strbuf zh = {0}, en = {0};
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
        strbuf_printf(&zh, "地名：第 %ld 行「%s」属于「%s」，不属于其上级「%s」。",
                  fp_table_row_line(t, r), nm, hn, fp_table_row_name(t, p));
        strbuf_printf(&en, "place name: line %ld %s belongs to %s, not to its parent %s.",
                  fp_table_row_line(t, r), nm, hn, fp_table_row_name(t, p));
        c->c.text_zh = strbuf_take(&zh);
        c->c.text_en = strbuf_take(&en);
        if (!c->c.text_zh || !c->c.text_en || ex_push_rec(&C->list, &C->n, &C->cap, c))
            return -1;
        notes++;
    }
    return 0;
}
