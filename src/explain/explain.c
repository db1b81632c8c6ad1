/* explain/explain.c — fp_explain: the engine's set-up, its phases, and the causes it returns. */
#include "explain/cause_impl.h"

static const fp_amount pow10s[7] = {1000000, 100000, 10000, 1000, 100, 10, 1};


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
    [FP_SUBKIND_SUBTOTAL_ROW] = "subtotal-row",
};

static const char *const hold_names[FP_HOLD_MAX] = {
    [FP_HOLD_NONE] = "",
    [FP_HOLD_AMBIGUOUS] = "ambiguous",
    [FP_HOLD_RESIDUE] = "residue",
    [FP_HOLD_PARTIAL] = "partial",
    [FP_HOLD_NAME] = "name",
    [FP_HOLD_NOTE] = "note",
    [FP_HOLD_ORDER] = "order",
};

static const char *const hold_zh[FP_HOLD_MAX] = {
    [FP_HOLD_NONE] = "",
    [FP_HOLD_AMBIGUOUS] = "原因不唯一",
    [FP_HOLD_RESIDUE] = "舍入尾差：分摊到哪几行是一种选择，不是唯一解释",
    [FP_HOLD_PARTIAL] = "与之相连的其他错误没有唯一解释，只改这一处是一种猜测",
    [FP_HOLD_NAME] = "要补的行名称写法（全称、简称或旧称）表中无从判断",
    [FP_HOLD_NOTE] = "提示，不改动数字",
    [FP_HOLD_ORDER] = "错行到哪一行为止只能按区划代码顺序推断，而本表别处并不按代码顺序排列",
};

static const char *const hold_en[FP_HOLD_MAX] = {
    [FP_HOLD_NONE] = "",
    [FP_HOLD_AMBIGUOUS] = "more than one explanation fits",
    [FP_HOLD_RESIDUE] = "a rounding residue: which rows take the units is a choice",
    [FP_HOLD_PARTIAL] = "a failure it is connected to has no unique explanation: changing this alone "
                        "would be a guess",
    [FP_HOLD_NAME] = "the table does not tell which form of the row's name (full, short or former) "
                     "to write",
    [FP_HOLD_NOTE] = "a note: no amount to change",
    [FP_HOLD_ORDER] = "only the order of the division codes tells where the run ends, and the "
                      "table does not keep that order elsewhere",
};

const char *fp_fix_hold_name(fp_fix_hold hold)
{
    return (unsigned)hold < FP_HOLD_MAX ? hold_names[hold] : "?";
}

const char *fp_fix_hold_text(fp_fix_hold hold, int en)
{
    return (unsigned)hold < FP_HOLD_MAX ? (en ? hold_en : hold_zh)[hold] : "?";
}

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
    /* --fix never guesses: spreading a rounding residue over rows is one choice among several
     * (issue 16), so a residue is listed, never applied — but a remainder put on one subtotal row
     * is put back (one row, the unique reading) */
    int spread = h->kind == FP_CAUSE_ROUNDING_RESIDUE && h->sub != FP_SUBKIND_SUBTOTAL_ROW;
    c->c.fixable = h->fixable && !spread;
    c->c.hold = c->c.fixable ? FP_HOLD_NONE
                : h->hold     ? h->hold
                : spread      ? FP_HOLD_RESIDUE
                              : FP_HOLD_PARTIAL;
    fp_cause_cell *cells = malloc((h->ncells + 1) * sizeof *cells);
    strbuf b = {0};
    ex_hyp_text(&b, E, h, 0);
    c->c.text_zh = strbuf_take(&b);
    ex_hyp_text(&b, E, h, 1);
    c->c.text_en = strbuf_take(&b);
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

int ex_push_rec(cause_rec ***v, size_t *n, size_t *cap, cause_rec *c)
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
    strbuf zh = {0}, en = {0};
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
            if (zh.len >= strlen("。") && strcmp(zh.data + zh.len - strlen("。"), "。") == 0)
                zh.len -= strlen("。");
            if (en.len && en.data[en.len - 1] == '.')
                en.len--;
            strbuf_str(&zh, "；并且");
            strbuf_str(&en, "; and ");
        }
        ex_hyp_text(&zh, E, h, 0);
        ex_hyp_text(&en, E, h, 1);
    }
    cause_rec *c = calloc(1, sizeof *c);
    char *tz = strbuf_take(&zh), *te = strbuf_take(&en);
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
    c->c.hold = FP_HOLD_AMBIGUOUS;
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
    strbuf zh = {0}, en = {0};
    strbuf_printf(&zh, "原因不唯一，以下 %zu 种解释同样简单：", g->ncand);
    strbuf_printf(&en, "ambiguous: %zu explanations fit equally well: ", g->ncand);
    static const char *const circled[] = {"①", "②", "③", "④", "⑤", "⑥", "⑦", "⑧",
                                          "⑨", "⑩", "⑪", "⑫", "⑬", "⑭", "⑮", "⑯"};
    for (size_t i = 0; i < g->ncand; i++) {
        cause_rec *k = rec_reading(E, g->cand[i], g->len[i]);
        if (!k || ex_push_rec(&out->extra, &out->nextra, &out->extracap, k)) {
            strbuf_free(&zh);
            strbuf_free(&en);
            rec_free(c);
            return NULL;
        }
        k->c.fixable = 0;
        k->c.hold = FP_HOLD_AMBIGUOUS;
        cand[c->c.ncandidates++] = &k->c;
        if (c->c.row == FP_NONE || k->c.row < c->c.row)
            c->c.row = k->c.row;
        if (c->c.row_end == FP_NONE || k->c.row_end > c->c.row_end)
            c->c.row_end = k->c.row_end;
        strbuf_str(&zh, i < 16 ? circled[i] : "·");
        strbuf_str(&zh, k->c.text_zh);
        strbuf_printf(&en, "%s(%zu) %s", i ? " " : "", i + 1, k->c.text_en);
    }
    c->c.candidates = cand;
    c->c.text_zh = strbuf_take(&zh);
    c->c.text_en = strbuf_take(&en);
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
                ex_gen_parent(E, f->row, &gaps, &ngaps, &gapcap);
            last_par = f->row;
        } else {
            if (f->row != last_row)
                ex_gen_row(E, f->row);
            last_row = f->row;
        }
    }
    if (!E->oom)
        ex_gen_moves(E, gaps, ngaps);
    for (size_t i = 0; i < ngaps; i++)
        free(gaps[i].v);
    free(gaps);
    if (!E->oom)
        ex_gen_shifts(E);
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
    /* --fix never guesses: a change is applied only when every failing identity connected to it
     * (through any explanation that was considered) has one explanation that is applied too */
    size_t *up = malloc((E->nf + 1) * sizeof *up);
    unsigned char *held = calloc(E->nf + 1, 1);
    if (!up || !held) {
        free(up);
        free(held);
        rc = -1;
        goto end;
    }
    for (size_t i = 0; i < E->nf; i++)
        up[i] = i;
    for (size_t x = 0; x < E->nh; x++)
        for (size_t c = 1; !E->h[x].dead && c < E->h[x].ncover; c++)
            ex_uf_union(up, E->h[x].cover[0], E->h[x].cover[c]);
    for (size_t i = 0; i < ndec; i++) {
        const decision *d = &dec[i];
        const hyp *h = d->n == 1 ? &E->h[d->h] : NULL;
        if (E->fkind[d->finding] == 1 &&
            (!h || !h->fixable ||
             (h->kind == FP_CAUSE_ROUNDING_RESIDUE && h->sub != FP_SUBKIND_SUBTOTAL_ROW)))
            held[ex_uf_find(up, d->finding)] = 1;
    }
    for (size_t i = 0; i < ndec && !rc; i++) {
        const decision *d = &dec[i];
        if (d->n == 1 && made[d->h] == FP_NONE && E->fkind[d->finding] == 1) {
            made[d->h] = C->n;
            rc = ex_push_rec(&C->list, &C->n, &C->cap, rec_from(E, &E->h[d->h]));
            cause_rec *k = rc ? NULL : C->list[C->n - 1];
            if (k && k->c.fixable && held[ex_uf_find(up, d->finding)]) {
                k->c.fixable = 0;
                k->c.hold = FP_HOLD_PARTIAL;
            }
        } else if (d->n == 2 && d->group != FP_NONE && !done[d->group]) {
            done[d->group] = 1;
            size_t nc = 0;
            for (size_t k = i; k < ndec; k++)
                if (dec[k].n == 2 && dec[k].group == d->group)
                    cover[nc++] = dec[k].finding;
            if (groups[d->group].ncand > 1)
                rc = ex_push_rec(&C->list, &C->n, &C->cap,
                              rec_ambiguous(E, C, &groups[d->group], cover, nc));
        }
    }
    free(up);
    free(held);
end:
    free(made);
    free(done);
    free(cover);
    return rc;
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
            failed = E.oom || ex_decide(&E, &dec, &ndec, &groups, &ngroups) != FP_OK;
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
                ex_gen_combos(&E, covered);
                dedupe(&E);
                if (E.nh > before && !E.oom) {
                    free(dec);
                    ex_groups_free(groups, ngroups);
                    dec = NULL;
                    groups = NULL;
                    ngroups = 0;
                    failed = ex_decide(&E, &dec, &ndec, &groups, &ngroups) != FP_OK;
                }
                failed |= E.oom;
            }
            free(covered);
        }
        if (!failed)
            failed = build(&E, C, dec, ndec, groups, ngroups) != 0;
        free(dec);
        ex_groups_free(groups, ngroups);
        engine_free(&E);
    }
    if (!failed)
        failed = ex_shift_notes(t, r, C) != 0 || ex_place_notes(t, r, C) != 0;
    if (failed) {
        fp_causes_free(C);
        return diag_set(diag, FP_ERR_NOMEM, NULL, 0, NULL, NULL, 0, "out of memory");
    }
    if (C->n > 1)
        qsort(C->list, C->n, sizeof *C->list, cmp_rec);
    for (size_t i = 0; i < C->n; i++) {
        C->list[i]->index = i;
        if (!C->list[i]->c.fixable && C->list[i]->c.hold == FP_HOLD_NONE)
            C->list[i]->c.hold = C->list[i]->note ? FP_HOLD_NOTE : FP_HOLD_PARTIAL;
        for (size_t k = 0; k < C->list[i]->ncover; k++)
            C->of[C->list[i]->cover[k]] = i;
    }
    *out = C;
    return FP_OK;
}
