/* explain/fix.c — fp_causes_fix: the table with every fixable cause applied. */
#include "explain/cause_impl.h"
#include "read/loader.h"

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
    loader *L;            /* the fixed table is fed to it record by record */
    long line;            /* the record's line, as a canonical CSV would number it */
    size_t col;           /* next cell of the record */
    int oom;
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

/* The output, one record at a time. */
static void rec_begin(fixer *F)
{
    loader_row_begin(F->L, ++F->line);
    F->col = 0;
}

static void rec_cell(fixer *F, const char *s, size_t len) { loader_cell(F->L, F->col++, s, len); }

static void rec_str(fixer *F, const char *s) { rec_cell(F, s, strlen(s)); }

static void rec_end(fixer *F) { loader_row_end(F->L); }

/* The name of the output parent of a row at DEPTH (the last row emitted at DEPTH - 1). */
static const char *out_parent(const fixer *F, int depth)
{
    return depth > 0 && (size_t)depth - 1 < F->stack_cap ? F->stack_name[depth - 1] : "";
}

/* Emit one output row: from source row SRC (or a missing row of cause C) at DEPTH. */
static void emit(fixer *F, size_t src, const fp_cause *c, int depth)
{
    const fp_table *t = F->t;
    const char *name = src != FP_NONE ? (F->name[src] ? F->name[src] : fp_table_row_name(t, src))
                                      : (c->name ? c->name : "（缺失行）");
    if ((size_t)depth >= F->stack_cap) {
        size_t cap = (size_t)depth + 16;
        const char **sn = realloc(F->stack_name, cap * sizeof *sn);
        if (!sn) {
            F->oom = 1;
            return;
        }
        for (size_t i = F->stack_cap; i < cap; i++)
            sn[i] = "";
        F->stack_name = sn;
        F->stack_cap = cap;
    }
    char num[32];
    rec_begin(F);
    if (!F->level_col) {
        snprintf(num, sizeof num, "%d", depth);
        rec_str(F, num);
    }
    for (size_t col = 0; col < t->ncols; col++) {
        const column *cl = &t->cols[col];
        if (cl->role == FP_ROLE_LEVEL) {
            snprintf(num, sizeof num, "%d", depth + t->level_base);
            rec_str(F, num);
        } else if (col == t->name_col) {
            rec_str(F, name);
        } else if (cl->role == FP_ROLE_PARENT) {
            rec_str(F, out_parent(F, depth));
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
            char buf[FP_AMOUNT_BUFSIZE];
            rec_cell(F, buf, has ? fp_amount_format(v, cl->decimals, buf) : 0);
        } else if (src != FP_NONE) {
            rec_str(F, fp_table_text(t, src, col));
        } else {
            rec_str(F, "");
        }
    }
    rec_end(F);
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
    /* the loader, with the roles pinned */
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
    F.L = loader_new(fp_table_source(t), &lo, diag);
    if (!F.L)
        goto nomem;
    /* the records of the canonical table: unit line, header, rows in pre-order */
    if (fp_table_unit(t)) {
        strbuf u = {0};
        strbuf_printf(&u, "单位：%s", fp_table_unit(t));
        if (u.oom) {
            free(u.data);
            goto nomem;
        }
        rec_begin(&F);
        rec_cell(&F, u.data, u.len);
        rec_end(&F);
        strbuf_free(&u);
    }
    rec_begin(&F);
    if (!F.level_col)
        rec_str(&F, "级次");
    for (size_t k = 0; k < t->ncols; k++)
        rec_str(&F, t->cols[k].name);
    rec_end(&F);
    {
        size_t *open = malloc((n + 1) * sizeof *open), nopen = 0;
        if (!open)
            goto nomem;
        for (size_t k = 0; k <= n && !F.oom && !loader_error(F.L); k++) {
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
    if (F.oom)
        goto nomem;
    err = loader_finish(F.L, out); /* also reports an error the loader met */
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
    loader_free(F.L);
    free(F.stack);
    free(F.stack_name);
    return err;
}
