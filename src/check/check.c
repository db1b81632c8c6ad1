/* check/check.c — check every balance identity of a table exactly, and collect the findings. */
#include <stdlib.h>
#include <string.h>

#include "check/rule_impl.h"
#include "check/shift.h"
#include "core/table_impl.h"
#include "places/gazetteer.h"
#include "util/buf.h"

#include "util/int128.h"

static const char *const rule_names[FP_RULE_MAX] = {
    [FP_RULE_COLUMN_SUM] = "column-sum",
    [FP_RULE_CATEGORY_SPLIT] = "category-split",
    [FP_RULE_ADVANCE_BATCH] = "advance-batch",
    [FP_RULE_CUSTOM] = "custom",
    [FP_RULE_CLAWBACK] = "clawback",
    [FP_RULE_NEGATIVE] = "negative-amount",
    [FP_RULE_EMPTY_ROW] = "empty-row",
    [FP_RULE_ROUNDING_RESIDUE] = "rounding-residue",
    [FP_RULE_UNREADABLE] = "unreadable-cell",
    [FP_RULE_LABEL_SHIFT] = "label-shift",
};

const char *fp_rule_kind_name(fp_rule_kind kind)
{
    return (unsigned)kind < FP_RULE_MAX ? rule_names[kind] : "?";
}

void fp_check_options_init(fp_check_options *opts)
{
    memset(opts, 0, sizeof *opts);
    opts->rules = FP_CHECK_ALL;
}

struct fp_report {
    fp_finding *f;
    size_t n, cap;
    size_t errors, warnings;
    unsigned rules;
};

typedef struct checker {
    const fp_table *t;
    const fp_check_options *o;
    fp_report *r;
    fp_diag *diag;
    fp_error err;
} checker;

static void add(checker *C, fp_rule_kind rule, size_t row, size_t col, size_t custom,
                fp_amount expected, fp_amount actual, fp_severity sev)
{
    fp_report *r = C->r;
    if (C->err)
        return;
    if (buf_reserve((void **)&r->f, &r->cap, r->n + 1, sizeof *r->f)) {
        C->err = diag_set(C->diag, FP_ERR_NOMEM, NULL, 0, NULL, NULL, 0, "out of memory");
        return;
    }
    fp_finding *f = &r->f[r->n++];
    f->rule = f->identity = rule;
    f->severity = sev;
    f->row = row;
    f->column = col;
    f->custom = custom;
    f->expected = expected;
    f->actual = actual;
    f->difference = 0;
    (void)fp_amount_sub(actual, expected, &f->difference); /* both in range: cannot overflow
                                                               past what is reported below */
    if (sev == FP_SEVERITY_ERROR)
        r->errors++;
    else
        r->warnings++;
}

/* An identity compares the stated ACTUAL with the computed EXPECTED (exact, 128-bit). */
static void identity(checker *C, fp_rule_kind rule, size_t row, size_t col, size_t custom,
                     i128 expected, fp_amount actual)
{
    if (expected == actual)
        return;
    if (expected > FP_AMOUNT_MAX || expected < FP_AMOUNT_MIN) {
        if (!C->err)
            C->err = diag_set(C->diag, FP_ERR_AMOUNT_OVERFLOW, fp_table_source(C->t),
                              fp_table_row_line(C->t, row), fp_table_column_name(C->t, col), NULL,
                              0, "a sum is beyond ±9.2e12 units and cannot be checked exactly");
        return;
    }
    i128 diff = (i128)actual - expected;
    if (diff > FP_AMOUNT_MAX || diff < FP_AMOUNT_MIN) {
        if (!C->err)
            C->err = diag_set(C->diag, FP_ERR_AMOUNT_OVERFLOW, fp_table_source(C->t),
                              fp_table_row_line(C->t, row), fp_table_column_name(C->t, col), NULL,
                              0, "a difference is beyond ±9.2e12 units");
        return;
    }
    i128 mag = diff < 0 ? -diff : diff;
    if (C->o->tolerance > 0 && mag <= C->o->tolerance) {
        size_t before = C->r->n;
        add(C, FP_RULE_ROUNDING_RESIDUE, row, col, custom, (fp_amount)expected, actual,
            FP_SEVERITY_WARNING);
        if (C->r->n > before)
            C->r->f[before].identity = rule;
        return;
    }
    add(C, rule, row, col, custom, (fp_amount)expected, actual, FP_SEVERITY_ERROR);
}

/* column-sum: walk the rows in pre-order keeping, for each open ancestor, Σ of its children in
 * every amount column; a row's sums are complete when the walk leaves its subtree. Memory is
 * O(depth × columns), whatever the number of rows. The walk goes a block of rows at a time
 * (colsum_to), so that the checks of each row (row_checks) read the same block while it is in
 * the cache: the amounts are read from memory once. */
typedef struct colsum {
    size_t k; /* next position in pre-order */
    size_t *stack, scap, depth;
    unsigned char *has_child;
    size_t hcap;
    i128 *acc;
    size_t acap;
} colsum;

/* Walk on to position KEND of the pre-order (nrows + 1: to the end, closing every subtree). */
static void colsum_to(checker *C, colsum *S, const size_t *acols, const fp_amount *const *av,
                      size_t na, size_t kend)
{
    const fp_table *t = C->t;
    size_t *stack = S->stack, depth = S->depth;
    for (; S->k < kend && S->k <= t->nrows && !C->err; S->k++) {
        size_t k = S->k, r = FP_NONE, p = FP_NONE;
        if (k < t->nrows) {
            r = t->order ? (size_t)t->order[k] : k;
            p = t->parent[r] < 0 ? FP_NONE : (size_t)t->parent[r];
        }
        /* close the subtrees that R is not in */
        while (depth && stack[depth - 1] != p) {
            depth--;
            if (S->has_child[depth]) {
                const i128 *a = &S->acc[depth * na];
                size_t q = stack[depth];
                for (size_t j = 0; j < na; j++)
                    if (a[j] != av[j][q]) /* identity() returns at once when equal */
                        identity(C, FP_RULE_COLUMN_SUM, q, acols[j], FP_NONE, a[j], av[j][q]);
            }
        }
        if (r == FP_NONE)
            break;
        if (depth) {
            i128 *a = &S->acc[(depth - 1) * na];
            if (S->has_child[depth - 1]) {
                for (size_t j = 0; j < na; j++)
                    a[j] += av[j][r];
            } else { /* the first child starts the sums: a row's are not cleared before */
                S->has_child[depth - 1] = 1;
                for (size_t j = 0; j < na; j++)
                    a[j] = av[j][r];
            }
        }
        if (depth >= S->scap || depth >= S->hcap || (depth + 1) * na > S->acap) {
            if (buf_reserve((void **)&S->stack, &S->scap, depth + 1, sizeof *S->stack) ||
                buf_reserve((void **)&S->has_child, &S->hcap, depth + 1, 1) ||
                buf_reserve((void **)&S->acc, &S->acap, (depth + 1) * na, sizeof *S->acc)) {
                C->err = diag_set(C->diag, FP_ERR_NOMEM, NULL, 0, NULL, NULL, 0, "out of memory");
                break;
            }
            stack = S->stack;
        }
        stack[depth] = r;
        S->has_child[depth] = 0;
        depth++;
    }
    S->depth = depth;
}

static void colsum_free(colsum *S)
{
    free(S->stack);
    free(S->has_child);
    free(S->acc);
}

static int cmp_finding(const void *a, const void *b)
{
    const fp_finding *x = a, *y = b;
    if (x->row != y->row)
        return x->row < y->row ? -1 : 1;
    if (x->identity != y->identity)
        return x->identity < y->identity ? -1 : 1;
    if (x->column != y->column)
        return x->column < y->column ? -1 : 1;
    if (x->custom != y->custom)
        return x->custom < y->custom ? -1 : 1;
    return (int)x->rule - (int)y->rule;
}

/* Cells of a notice text that were no amount ("1S3", "3 16": damage from copying) were read as
 * blank, their rows marked uncertain (see table_finish); each is a warning naming the text. */
static void unreadable_cells(checker *C, const size_t *acols, size_t na)
{
    const fp_table *t = C->t;
    for (size_t j = 0; j < na && !C->err; j++) {
        const column *c = &t->cols[acols[j]];
        if (!c->failed)
            continue;
        for (size_t k = 0; k < c->nsparse && !C->err; k++) {
            const char *s = strpool_get(&t->pool, c->sparse[k].off);
            fp_amount v;
            if (fp_amount_parse(s, strlen(s), &v, NULL) != FP_OK)
                add(C, FP_RULE_UNREADABLE, c->sparse[k].row, acols[j], FP_NONE, 0, 0,
                    FP_SEVERITY_WARNING);
        }
    }
}

/* Names one row late against their numbers (fp_label_shift_at): a warning at the first row of
 * each run, where the sums around the run hold (where they fail, the causes explain them). Each
 * start costs up to a few milliseconds: the first SHIFT_STARTS_MAX are tried. */
#define SHIFT_STARTS_MAX 64
static void label_shifts(checker *C)
{
    const fp_table *t = C->t;
    size_t n = t->nrows;
    unsigned char *bad = calloc(n ? n : 1, 1);
    if (!bad) {
        C->err = diag_set(C->diag, FP_ERR_NOMEM, NULL, 0, NULL, NULL, 0, "out of memory");
        return;
    }
    for (size_t i = 0; i < C->r->n; i++)
        if (C->r->f[i].severity == FP_SEVERITY_ERROR && C->r->f[i].row < n)
            bad[C->r->f[i].row] = 1;
    size_t tried = 0;
    for (size_t r = 1; r + 1 < n && !C->err && tried < SHIFT_STARTS_MAX; r++) {
        fp_label_shift s;
        if (!ck_shift_start(t, r))
            continue;
        tried++;
        if (!fp_label_shift_at(t, r, &s))
            continue;
        int failing = 0;
        for (size_t k = s.first; k <= s.last && !failing; k++)
            for (size_t x = k; x != FP_NONE && !failing; x = fp_table_parent(t, x))
                failing = bad[x];
        if (failing)
            continue;
        add(C, FP_RULE_LABEL_SHIFT, r, FP_NONE, FP_NONE, 0, 0, FP_SEVERITY_WARNING);
        r = s.last;
    }
    free(bad);
}

fp_error fp_check(const fp_table *t, const fp_check_options *opts, fp_report **out,
                  fp_diag *diag)
{
    fp_check_options defaults;
    if (!opts) {
        fp_check_options_init(&defaults);
        opts = &defaults;
    }
    fp_diag_clear(diag);
    *out = NULL;
    fp_report *r = calloc(1, sizeof *r);
    size_t *acols = malloc((t->ncols ? t->ncols : 1) * sizeof *acols);
    if (!r || !acols) {
        free(r);
        free(acols);
        return diag_set(diag, FP_ERR_NOMEM, NULL, 0, NULL, NULL, 0, "out of memory");
    }
    r->rules = opts->rules;
    checker C = {t, opts, r, diag, FP_OK};
    size_t na = 0;
    for (size_t c = 0; c < t->ncols; c++)
        if (t->cols[c].is_amount)
            acols[na++] = c;
    size_t total = fp_table_role_column(t, FP_ROLE_TOTAL);
    size_t advance = fp_table_role_column(t, FP_ROLE_ADVANCE);
    size_t batch = fp_table_role_column(t, FP_ROLE_BATCH);
    /* the values of the amount columns and of the categories, at hand */
    const fp_amount **av = malloc((na + t->ncats + 1) * sizeof *av);
    if (!av) {
        free(r);
        free(acols);
        return diag_set(diag, FP_ERR_NOMEM, NULL, 0, NULL, NULL, 0, "out of memory");
    }
    const fp_amount **cv = av + na;
    for (size_t j = 0; j < na; j++)
        av[j] = t->cols[acols[j]].values;
    for (size_t k = 0; k < t->ncats; k++)
        cv[k] = t->cols[t->cats[k]].values;
    const fp_amount *tv = total != FP_NONE ? t->cols[total].values : NULL;
    const fp_amount *advv = advance != FP_NONE ? t->cols[advance].values : NULL;
    const fp_amount *bv = batch != FP_NONE ? t->cols[batch].values : NULL;
    int do_split = (opts->rules & FP_CHECK_CATEGORY_SPLIT) && total != FP_NONE && t->ncats;
    int do_batch = (opts->rules & FP_CHECK_ADVANCE_BATCH) && total != FP_NONE &&
                   advance != FP_NONE && batch != FP_NONE;
    int do_warn = (opts->rules & FP_CHECK_WARNINGS) != 0;

    /* The column sums and the checks of each row, a block of rows at a time (see colsum).
     * Errors (a sum beyond range, no memory) are told as the column sums over the whole table
     * and then the rows one by one would tell them: the rows' first error only when the column
     * sums, walked to the end, have none. */
    colsum S = {0};
    int do_sums = (opts->rules & FP_CHECK_COLUMN_SUM) != 0;
    fp_diag row_diag;
    fp_diag_clear(&row_diag);
    checker RC = {t, opts, r, &row_diag, FP_OK}, *R = &RC;
    enum { BLOCK = 2048 }; /* rows: 13 amount columns of them fit in the cache */
    for (size_t from = 0; from <= t->nrows && !C.err; from += BLOCK) {
        size_t to = t->nrows - from > BLOCK ? from + BLOCK : t->nrows;
        if (do_sums)
            colsum_to(&C, &S, acols, av, na, to == t->nrows ? to + 1 : to);
        if (C.err)
            break;
        for (size_t row = from; row < to && !R->err; row++) {
            if (do_split) {
                i128 sum = 0;
                for (size_t k = 0; k < t->ncats; k++)
                    sum += cv[k][row];
                if (sum != tv[row])
                    identity(R, FP_RULE_CATEGORY_SPLIT, row, total, FP_NONE, sum, tv[row]);
            }
            if (do_batch) {
                i128 sum = (i128)advv[row] + bv[row];
                if (sum != tv[row])
                    identity(R, FP_RULE_ADVANCE_BATCH, row, total, FP_NONE, sum, tv[row]);
            }
            for (size_t k = 0; k < opts->custom_count; k++) {
                const fp_rule *u = opts->custom[k];
                i128 left = 0, right = 0;
                for (size_t j = 0; j < u->nterms; j++) {
                    i128 v = (i128)t->cols[u->terms[j].col].values[row] * u->terms[j].sign;
                    if (u->terms[j].side)
                        right += v;
                    else
                        left += v;
                }
                /* Reported on the first left-hand column: stated = that cell, computed = the value
                 * that cell would need for the rule to hold. */
                const rule_term *first = &u->terms[0];
                fp_amount stated = t->cols[first->col].values[row];
                i128 others = left - (i128)stated * first->sign;
                identity(R, FP_RULE_CUSTOM, row, first->col, k, (right - others) * first->sign,
                         stated);
            }
            if (do_warn) {
                fp_amount any = 0;
                int neg = 0;
                for (size_t j = 0; j < na; j++) {
                    fp_amount v = av[j][row];
                    any |= v;
                    neg |= v < 0;
                }
                if (neg)
                    for (size_t j = 0; j < na; j++) {
                        fp_amount v = av[j][row];
                        if (v < 0)
                            add(R, acols[j] == batch ? FP_RULE_CLAWBACK : FP_RULE_NEGATIVE, row,
                                acols[j], FP_NONE, 0, v, FP_SEVERITY_WARNING);
                    }
                if (!any && na)
                    add(R, FP_RULE_EMPTY_ROW, row, FP_NONE, FP_NONE, 0, 0, FP_SEVERITY_WARNING);
            }
        }
        if (to == t->nrows)
            break;
    }
    colsum_free(&S);
    if (!C.err && R->err) {
        C.err = R->err;
        if (diag)
            *diag = row_diag;
    }
    if (do_warn) {
        unreadable_cells(&C, acols, na);
        label_shifts(&C);
    }
    free(av);
    free(acols);
    if (C.err) {
        fp_report_free(r);
        return C.err;
    }
    if (r->n) /* qsort's array must not be NULL, even for zero elements */
        qsort(r->f, r->n, sizeof *r->f, cmp_finding);
    *out = r;
    return FP_OK;
}

size_t fp_report_count(const fp_report *r) { return r->n; }
const fp_finding *fp_report_finding(const fp_report *r, size_t i) { return &r->f[i]; }
size_t fp_report_errors(const fp_report *r) { return r->errors; }
size_t fp_report_warnings(const fp_report *r) { return r->warnings; }
unsigned fp_report_rules(const fp_report *r) { return r->rules; }

void fp_report_free(fp_report *r)
{
    if (!r)
        return;
    free(r->f);
    free(r);
}
