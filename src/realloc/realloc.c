/* realloc/realloc.c — what-if reallocation: the request resolved, the stages run, the result
 * recomputed and checked.
 *
 * One --set is spread by the bounded proportional solution (fit.c), rounded jointly by controlled
 * rounding or level by level by a classical method (apply.c). Several --set are solved together
 * (joint.c): the table closest to the old one in Kullback–Leibler divergence meeting every target
 * and bound, then one controlled rounding. Every subtotal, year total and 此次下达 is recomputed
 * from the leaves and the result is checked with fp_check before it is returned. */
#include <stdlib.h>
#include <string.h>

#include "fenpei/check.h"
#include "core/path.h"
#include "core/table_impl.h"
#include "realloc/realloc_impl.h"
#include "util/buf.h"

void fp_realloc_options_init(fp_realloc_options *opts)
{
    memset(opts, 0, sizeof *opts);
    opts->method = FP_METHOD_CONTROLLED;
    opts->unit = FP_AMOUNT_SCALE;
    opts->rounding = FP_ROUND_NEAREST;
}

fp_error realloc_nomem(ctx *C)
{
    return diag_set(C->diag, FP_ERR_NOMEM, NULL, 0, NULL, NULL, 0, "out of memory");
}

/* ---- resolving the request ---- */

fp_error realloc_find_unit(ctx *C, const char *name, size_t *row)
{
    size_t count = fp_table_find_row(C->t, name, row);
    if (count == 0)
        return diag_set(C->diag, FP_ERR_UNIT_NOT_FOUND, fp_table_source(C->t), 0, NULL, name,
                        strlen(name), "no unit is named \"%s\" (give a name as in the table, or "
                                      "its /-separated path from the top such as 总计/地州合计/巴州)",
                        name);
    if (count > 1) {
        size_t second = FP_NONE;
        for (size_t r = *row + 1; r < C->n && second == FP_NONE; r++)
            if (strcmp(fp_table_row_name(C->t, r), name) == 0)
                second = r;
        strbuf p1 = {0}, p2 = {0};
        row_path(&p1, C->t, *row, "/");
        if (second != FP_NONE)
            row_path(&p2, C->t, second, "/");
        fp_error e = diag_set(C->diag, FP_ERR_UNIT_AMBIGUOUS, fp_table_source(C->t),
                              fp_table_row_line(C->t, *row), NULL, name, strlen(name),
                              "\"%s\" names %zu units (lines %ld and %ld …); give its path from "
                              "the top: %s%s%s",
                              name, count, fp_table_row_line(C->t, *row),
                              second == FP_NONE ? 0L : fp_table_row_line(C->t, second),
                              strbuf_get(&p1), p2.len ? " or " : "", strbuf_get(&p2));
        strbuf_free(&p1);
        strbuf_free(&p2);
        return e;
    }
    return FP_OK;
}

static fp_error resolve_target(ctx *C, const fp_realloc_target *in, target *out)
{
    fp_error e = realloc_find_unit(C, in->unit, &out->row);
    if (e)
        return e;
    size_t col = fp_table_find_column(C->t, in->column);
    out->unit_text = in->unit;
    out->col_text = in->column;
    out->amount = in->amount;
    if (col == FP_NONE)
        return diag_set(C->diag, FP_ERR_COLUMN, fp_table_source(C->t), 0, in->column, NULL, 0,
                        "no column is headed \"%s\"", in->column);
    fp_role role = fp_table_column_role(C->t, col);
    if (role == FP_ROLE_ADVANCE || role == FP_ROLE_BATCH)
        return diag_set(C->diag, FP_ERR_COLUMN, fp_table_source(C->t), 0, in->column, NULL, 0,
                        "column \"%s\" cannot be set: %s", in->column,
                        role == FP_ROLE_ADVANCE ? "已提前下达 has been sent and never changes"
                                                : "此次下达 follows from 全年 − 已提前下达");
    int split = 0;
    for (size_t k = 0; k < C->ncats; k++)
        split |= C->cats[k] == col;
    if (!split && role != FP_ROLE_TOTAL)
        return diag_set(C->diag, FP_ERR_COLUMN, fp_table_source(C->t), 0, in->column, NULL, 0,
                        "column \"%s\" is not a category or the year total; only those can be "
                        "set",
                        in->column);
    out->col = col;
    /* The year total scales every category of the row, also when there is only one (with
     * no category at all, cats[] holds the total itself and this is the same thing). */
    out->whole = role == FP_ROLE_TOTAL;
    if (in->amount < 0)
        return diag_set(C->diag, FP_ERR_ARGUMENT, fp_table_source(C->t), 0, in->column, NULL, 0,
                        "the new amount of %s:%s is negative", in->unit, in->column);
    if (C->fixed[out->row])
        return diag_set(C->diag, FP_ERR_CONFLICT, fp_table_source(C->t),
                        fp_table_row_line(C->t, out->row), NULL, in->unit, strlen(in->unit),
                        "%s is set with --set but kept unchanged by --fix", in->unit);
    return FP_OK;
}

/* Two targets overlap when one's subtree holds the other's row and their columns meet. */
static int overlap(const ctx *C, const target *a, const target *b)
{
    size_t pa = C->pos[a->row], pb = C->pos[b->row];
    int nested = (pb >= pa && pb < pa + C->size[a->row]) ||
                 (pa >= pb && pa < pb + C->size[b->row]);
    return nested && (a->whole || b->whole || a->col == b->col);
}

/* Recompute every internal cell of the split columns from its rows, then every year total and
 * 此次下达: the identities hold by construction, and fp_check confirms it. */
static fp_error recompute_overflow(ctx *C, const target *tg, size_t row, size_t col)
{
    return diag_set(C->diag, FP_ERR_AMOUNT_OVERFLOW, fp_table_source(C->t),
                    fp_table_row_line(C->t, row), fp_table_column_name(C->t, col), NULL, 0,
                    "--set %s:%s: the new amounts make %s's %s exceed ±9.2e12 units",
                    tg->unit_text, tg->col_text, fp_table_row_name(C->t, row),
                    fp_table_column_name(C->t, col));
}

fp_error realloc_recompute(ctx *C, const target *tg)
{
    fp_table *t = C->t;
    for (size_t p = C->n; p-- > 0;) {
        size_t r = C->pre[p];
        if (!is_leaf(C, r))
            for (size_t k = 0; k < C->ncats; k++) {
                fp_amount s = 0;
                for (size_t c = fp_table_first_child(t, r); c != FP_NONE;
                     c = fp_table_next_sibling(t, c))
                    if (fp_amount_add(s, fp_table_amount(t, c, C->cats[k]), &s))
                        return recompute_overflow(C, tg, r, C->cats[k]);
                if (s != fp_table_amount(t, r, C->cats[k]))
                    fp_table_set_amount(t, r, C->cats[k], s);
            }
    }
    for (size_t r = 0; r < C->n; r++) {
        if (C->total != FP_NONE && (C->ncats > 1 || C->cats[0] != C->total)) {
            fp_amount s = 0;
            for (size_t k = 0; k < C->ncats; k++)
                if (fp_amount_add(s, fp_table_amount(t, r, C->cats[k]), &s))
                    return recompute_overflow(C, tg, r, C->total);
            if (s != fp_table_amount(t, r, C->total))
                fp_table_set_amount(t, r, C->total, s);
        }
        if (C->total != FP_NONE && C->advance != FP_NONE && C->batch != FP_NONE) {
            fp_amount b;
            if (fp_amount_sub(fp_table_amount(t, r, C->total), fp_table_amount(t, r, C->advance),
                              &b))
                return recompute_overflow(C, tg, r, C->batch);
            if (b != fp_table_amount(t, r, C->batch))
                fp_table_set_amount(t, r, C->batch, b);
        }
    }
    return FP_OK;
}

/* Every --min must hold on every leaf that receives the column. The reallocated cells meet it
 * by construction; a leaf outside every --set of that column (or kept by --fix) that is below it
 * cannot be changed, and the request contradicts itself: say which row. */
static fp_error check_floors(ctx *C)
{
    fp_table *t = C->t;
    for (size_t k = 0; k < C->ncats; k++) {
        size_t col = C->cats[k];
        fp_amount m = C->floor_of[col];
        if (m <= 0)
            continue;
        for (size_t r = 0; r < C->n; r++) {
            fp_amount v = fp_table_amount(t, r, col);
            if (!is_leaf(C, r) || v <= 0 || v >= m)
                continue;
            char a[FP_AMOUNT_BUFSIZE], b[FP_AMOUNT_BUFSIZE];
            fp_amount_format(v, 0, a);
            fp_amount_format(m, 0, b);
            return diag_set(C->diag, FP_ERR_CONFLICT, fp_table_source(t), fp_table_row_line(t, r),
                            fp_table_column_name(t, col), fp_table_row_name(t, r),
                            strlen(fp_table_row_name(t, r)),
                            "--min %s=%s: %s has %s and is not reallocated (no --set of that "
                            "column covers it, or --fix keeps it)",
                            fp_table_column_name(t, col), b, fp_table_row_name(t, r), a);
        }
    }
    return FP_OK;
}

fp_error fp_realloc(const fp_table *in, const fp_realloc_options *opts, fp_table **out,
                    fp_diag *diag)
{
    fp_realloc_options defaults;
    if (!opts) {
        fp_realloc_options_init(&defaults);
        opts = &defaults;
    }
    *out = NULL;
    fp_diag_clear(diag);
    if (opts->unit <= 0)
        return diag_set(diag, FP_ERR_ARGUMENT, NULL, 0, NULL, NULL, 0,
                        "the unit must be positive");
    if (opts->target_count == 0)
        return diag_set(diag, FP_ERR_ARGUMENT, NULL, 0, NULL, NULL, 0,
                        "nothing to do: give at least one new amount (--set)");
    if (opts->method < 0 || opts->method >= FP_METHOD_MAX)
        return diag_set(diag, FP_ERR_ARGUMENT, NULL, 0, NULL, NULL, 0, "unknown method");

    /* The input must add up: a reallocation of a faulty table cannot be checked. */
    fp_report *rep = NULL;
    fp_error e = fp_check(in, NULL, &rep, diag);
    if (e)
        return e;
    if (fp_report_errors(rep)) {
        const fp_finding *f = NULL;
        for (size_t i = 0; i < fp_report_count(rep) && !f; i++)
            if (fp_report_finding(rep, i)->severity == FP_SEVERITY_ERROR)
                f = fp_report_finding(rep, i);
        e = diag_set(diag, FP_ERR_ARGUMENT, fp_table_source(in), fp_table_row_line(in, f->row),
                     fp_table_column_name(in, f->column), NULL, 0,
                     "the table does not add up (%zu errors, the first a %s); run 'fenpei check' "
                     "and correct it before reallocating",
                     fp_report_errors(rep), fp_rule_kind_name(f->rule));
        fp_report_free(rep);
        return e;
    }
    fp_report_free(rep);

    ctx C = {0};
    C.o = opts;
    C.diag = diag;
    C.t = fp_table_clone(in);
    target *tg = calloc(opts->target_count, sizeof *tg);
    if (!C.t || !tg) {
        free(tg);
        fp_table_free(C.t);
        return diag_set(diag, FP_ERR_NOMEM, NULL, 0, NULL, NULL, 0, "out of memory");
    }
    fp_table *t = C.t;
    C.n = t->nrows;
    C.total = fp_table_role_column(t, FP_ROLE_TOTAL);
    C.advance = fp_table_role_column(t, FP_ROLE_ADVANCE);
    C.batch = fp_table_role_column(t, FP_ROLE_BATCH);
    const size_t *cats;
    size_t nc = fp_table_categories(t, &cats);
    if (nc > sizeof C.cats / sizeof C.cats[0]) {
        e = diag_set(diag, FP_ERR_COLUMN, NULL, 0, NULL, NULL, 0, "more than 256 categories");
        goto done;
    }
    if (nc) {
        memcpy(C.cats, cats, nc * sizeof *cats);
        C.ncats = nc;
    } else if (C.total != FP_NONE) {
        C.cats[0] = C.total;
        C.ncats = 1;
    } else {
        e = diag_set(diag, FP_ERR_COLUMN, fp_table_source(t), 0, NULL, NULL, 0,
                     "the table has neither categories nor a year-total column to reallocate");
        goto done;
    }
    C.pre = malloc(C.n * sizeof *C.pre);
    C.pos = malloc(C.n * sizeof *C.pos);
    C.size = malloc(C.n * sizeof *C.size);
    C.fixed = calloc(C.n, 1);
    C.floor_of = calloc(t->ncols, sizeof *C.floor_of);
    if (!C.pre || !C.pos || !C.size || !C.fixed || !C.floor_of) {
        e = realloc_nomem(&C);
        goto done;
    }
    for (size_t k = 0; k < C.n; k++) {
        C.pre[k] = t->order ? (size_t)t->order[k] : k;
        C.pos[C.pre[k]] = k;
        C.size[k] = 1;
    }
    for (size_t k = C.n; k-- > 0;) {
        size_t r = C.pre[k], p = fp_table_parent(t, r);
        if (p != FP_NONE)
            C.size[p] += C.size[r];
    }
    for (size_t i = 0; i < opts->fixed_count; i++) {
        size_t r;
        if ((e = realloc_find_unit(&C, opts->fixed[i], &r)) != FP_OK)
            goto done;
        for (size_t p = C.pos[r]; p < C.pos[r] + C.size[r]; p++)
            C.fixed[C.pre[p]] = 1;
    }
    for (size_t i = 0; i < opts->floor_count; i++) {
        size_t col = fp_table_find_column(t, opts->floors[i].column);
        int split = 0;
        for (size_t k = 0; k < C.ncats; k++)
            split |= C.cats[k] == col;
        if (col == FP_NONE || !split) {
            e = diag_set(diag, FP_ERR_COLUMN, fp_table_source(t), 0, opts->floors[i].column, NULL,
                         0, "--min: \"%s\" is not a category column", opts->floors[i].column);
            goto done;
        }
        if (opts->floors[i].amount < 0 || opts->floors[i].amount % opts->unit) {
            e = diag_set(diag, FP_ERR_ARGUMENT, fp_table_source(t), 0, opts->floors[i].column,
                         NULL, 0, "--min: the floor of \"%s\" must be a whole number of units",
                         opts->floors[i].column);
            goto done;
        }
        C.floor_of[col] = opts->floors[i].amount;
    }
    /* Several targets with controlled rounding are solved together (joint.c); the classical
     * methods round level by level, one target at a time, on separate cells. */
    int joint = opts->target_count > 1 && opts->method == FP_METHOD_CONTROLLED;
    for (size_t i = 0; i < opts->target_count; i++) {
        if ((e = resolve_target(&C, &opts->targets[i], &tg[i])) != FP_OK)
            goto done;
        fp_amount a = tg[i].amount;
        if (a % opts->unit) /* the one single-value rounding: a target not in whole units */
            tg[i].amount = (fp_amount)(rat_round_div(a, opts->unit, opts->rounding) * opts->unit);
        for (size_t j = 0; j < i && !joint; j++)
            if (overlap(&C, &tg[i], &tg[j])) {
                e = diag_set(diag, FP_ERR_CONFLICT, fp_table_source(t), 0, NULL, NULL, 0,
                             "--set %s:%s and --set %s:%s change the same cells; give targets "
                             "on separate units or columns",
                             tg[j].unit_text, tg[j].col_text, tg[i].unit_text, tg[i].col_text);
                goto done;
            }
    }
    if (joint) { /* several targets, one fit and one joint rounding */
        e = realloc_joint(&C, tg, opts->target_count);
        if (!e)
            e = realloc_recompute(&C, &tg[0]);
    }
    for (size_t i = 0; i < opts->target_count && !e && !joint; i++) {
        e = realloc_apply(&C, &tg[i]);
        if (!e) /* the next target's bounds see this one's new totals */
            e = realloc_recompute(&C, &tg[i]);
    }
    if (e)
        goto done;
    if ((e = check_floors(&C)) != FP_OK)
        goto done;
    /* A result that fails the tool's own checks is a bug and is never returned. */
    if ((e = fp_check(t, NULL, &rep, diag)) != FP_OK)
        goto done;
    if (fp_report_errors(rep)) {
        e = diag_set(diag, FP_ERR_INTERNAL, fp_table_source(t), 0, NULL, NULL, 0,
                     "the reallocated table fails %zu identities; this is a bug in fenpei",
                     fp_report_errors(rep));
        fp_report_free(rep);
        goto done;
    }
    fp_report_free(rep);
done:
    free(tg);
    free(C.pre);
    free(C.pos);
    free(C.size);
    free(C.fixed);
    free(C.floor_of);
    if (e) {
        fp_table_free(C.t);
        return e;
    }
    *out = C.t;
    return FP_OK;
}
