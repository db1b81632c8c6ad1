/* realloc/allocate.c — the factor method (因素法): exact weighted shares of factor columns, a base
 * per leaf, rounded by the joint controlled rounding, alone or into a column of a table.
 *
 * share_i = Σ_k w_k · f_ki / F_k (F_k = Σ_j f_kj over the leaves) is a rational with denominator
 * dividing den = (10^6 / g_w) · lcm_k(F_k / g_k), where g_k is the gcd of factor k's cells (the
 * micro-unit scale, and any common factor, cancels) and g_w the gcd of the weights. Everything is
 * 128-bit integer arithmetic with overflow checks; no binary floating point touches a share. */
#include <stdlib.h>
#include <string.h>

#include "fenpei/check.h"
#include "core/table_impl.h"
#include "realloc/realloc_impl.h"
#include "round/controlled.h"
#include "util/buf.h"

/* The next item of the list at *S, cut at ',' or a full-width '，' (whole characters: the bytes of
 * '，' also occur inside other characters, so strtok cannot be used), or NULL at its end. */
static char *next_item(char **s)
{
    while (**s == ',' || strncmp(*s, "，", 3) == 0)
        *s += **s == ',' ? 1 : 3;
    if (!**s)
        return NULL;
    char *item = *s;
    while (**s && **s != ',' && strncmp(*s, "，", 3) != 0)
        (*s)++;
    if (**s) {
        size_t skip = **s == ',' ? 1 : 3;
        **s = '\0';
        *s += skip;
    }
    return item;
}

long fp_factor_weights_split(char *text, fp_factor_weight *w, size_t max, const char **bad)
{
    size_t n = 0;
    char *rest = text;
    for (char *item; (item = next_item(&rest)) != NULL;) {
        char *eq = strrchr(item, '=');
        if (!eq || eq == item || !eq[1]) {
            if (bad)
                *bad = item;
            return -1;
        }
        if (n == max)
            return -2;
        *eq = '\0';
        w[n].column = item;
        w[n++].weight = eq + 1;
    }
    return (long)n;
}

void fp_allocate_options_init(fp_allocate_options *opts)
{
    memset(opts, 0, sizeof *opts);
    opts->unit = FP_AMOUNT_SCALE;
}

static size_t row_at(const fp_table *t, size_t k) { return t->order ? (size_t)t->order[k] : k; }

/* The exact shares: S[l] / *DEN for the leaves LEAVES[0..n) of F (pre-order). */
static fp_error shares(const fp_table *F, const fp_allocate_options *o, size_t **leaves_out,
                       size_t *n_out, i128 **S_out, i128 *den_out, fp_diag *diag)
{
    size_t K = o->weight_count, n = 0;
    fp_error e = FP_OK;
    size_t *leaves = malloc((F->nrows + 1) * sizeof *leaves);
    size_t *col = malloc((K + 1) * sizeof *col);
    i128 *W = malloc((K + 1) * sizeof *W), *Fk = calloc(K + 1, sizeof *Fk);
    i128 *gk = calloc(K + 1, sizeof *gk), *mult = malloc((K + 1) * sizeof *mult);
    i128 *S = NULL;
    if (!leaves || !col || !W || !Fk || !gk || !mult) {
        e = diag_set(diag, FP_ERR_NOMEM, NULL, 0, NULL, NULL, 0, "out of memory");
        goto done;
    }
    if (K == 0) {
        e = diag_set(diag, FP_ERR_ARGUMENT, NULL, 0, NULL, NULL, 0,
                     "no factors: give --weights \"COLUMN=WEIGHT,…\"");
        goto done;
    }
    for (size_t k = 0; k < F->nrows; k++)
        if (fp_table_first_child(F, row_at(F, k)) == FP_NONE)
            leaves[n++] = row_at(F, k);
    if (n == 0) {
        e = diag_set(diag, FP_ERR_EMPTY, fp_table_source(F), 0, NULL, NULL, 0, "no rows");
        goto done;
    }
    i128 wsum = 0, gw = 0;
    for (size_t k = 0; k < K; k++) {
        const char *name = o->weights[k].column, *wt = o->weights[k].weight;
        col[k] = fp_table_find_column(F, name);
        if (col[k] == FP_NONE || !fp_table_column_is_amount(F, col[k])) {
            e = diag_set(diag, FP_ERR_COLUMN, fp_table_source(F), 0, name, NULL, 0,
                         col[k] == FP_NONE ? "no column is headed \"%s\""
                                           : "column \"%s\" does not hold numbers",
                         name);
            goto done;
        }
        for (size_t j = 0; j < k; j++)
            if (col[j] == col[k]) {
                e = diag_set(diag, FP_ERR_ARGUMENT, fp_table_source(F), 0, name, NULL, 0,
                             "factor \"%s\" is weighted twice", name);
                goto done;
            }
        fp_amount w;
        if (fp_amount_parse(wt, strlen(wt), &w, NULL) != FP_OK || w < 0) {
            e = diag_set(diag, FP_ERR_ARGUMENT, NULL, 0, name, wt, strlen(wt),
                         "the weight of \"%s\" is \"%s\", expected a decimal number ≥ 0 such as "
                         "0.6",
                         name, wt);
            goto done;
        }
        W[k] = w;
        wsum += w;
        gw = rat_gcd(gw, w);
        for (size_t i = 0; i < n; i++) {
            size_t r = leaves[i];
            if (fp_table_is_blank(F, r, col[k])) {
                e = diag_set(diag, FP_ERR_ARGUMENT, fp_table_source(F), fp_table_row_line(F, r),
                             name, fp_table_row_name(F, r), strlen(fp_table_row_name(F, r)),
                             "%s has no %s (an empty cell); every leaf needs every factor",
                             fp_table_row_name(F, r), name);
                goto done;
            }
            fp_amount v = fp_table_amount(F, r, col[k]);
            if (v < 0) {
                char b[FP_AMOUNT_BUFSIZE];
                fp_amount_format(v, 0, b);
                e = diag_set(diag, FP_ERR_ARGUMENT, fp_table_source(F), fp_table_row_line(F, r),
                             name, b, strlen(b), "%s has %s = %s; a factor cannot be negative",
                             fp_table_row_name(F, r), name, b);
                goto done;
            }
            Fk[k] += v;
            gk[k] = rat_gcd(gk[k], v);
        }
        if (Fk[k] == 0) {
            e = diag_set(diag, FP_ERR_ARGUMENT, fp_table_source(F), 0, name, NULL, 0,
                         "factor \"%s\" is 0 on every leaf: it gives no proportion", name);
            goto done;
        }
    }
    if (wsum != FP_AMOUNT_SCALE) {
        char b[FP_AMOUNT_BUFSIZE];
        fp_amount_format((fp_amount)wsum, 0, b);
        e = diag_set(diag, FP_ERR_ARGUMENT, NULL, 0, NULL, NULL, 0,
                     "the weights add up to %s, not exactly 1", b);
        goto done;
    }
    /* den = (10^6 / gw) · lcm(F_k / g_k); share numerators Σ_k (W_k/gw) · (f_ki/g_k) · mult_k
     * with mult_k = lcm / (F_k / g_k) */
    i128 L = 1, limit = (i128)1 << 100;
    for (size_t k = 0; k < K; k++) {
        i128 f = Fk[k] / gk[k], l;
        if (__builtin_mul_overflow(L / rat_gcd(L, f), f, &l) || l > limit)
            goto overflow;
        L = l;
    }
    i128 den;
    if (__builtin_mul_overflow((i128)FP_AMOUNT_SCALE / gw, L, &den) || den > limit)
        goto overflow;
    for (size_t k = 0; k < K; k++)
        mult[k] = L / (Fk[k] / gk[k]);
    S = calloc(n, sizeof *S);
    if (!S) {
        e = diag_set(diag, FP_ERR_NOMEM, NULL, 0, NULL, NULL, 0, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < K; k++) {
            i128 a;
            if (__builtin_mul_overflow(W[k] / gw, fp_table_amount(F, leaves[i], col[k]) / gk[k],
                                       &a) ||
                __builtin_mul_overflow(a, mult[k], &a) || __builtin_add_overflow(S[i], a, &S[i]))
                goto overflow;
        }
    *leaves_out = leaves;
    leaves = NULL;
    *n_out = n;
    *S_out = S;
    S = NULL;
    *den_out = den;
    goto done;
overflow:
    e = diag_set(diag, FP_ERR_AMOUNT_OVERFLOW, fp_table_source(F), 0, NULL, NULL, 0,
                 "the factor columns' sums have too few common divisors for exact shares in "
                 "128 bits; round the factors (e.g. population to whole persons)");
done:
    free(leaves);
    free(col);
    free(W);
    free(Fk);
    free(gk);
    free(mult);
    free(S);
    return e;
}

/* Round the leaf targets NUM (per row of T, leaves only) over DEN on T's tree with controlled
 * rounding; X gets whole units per row. */
static fp_error round_tree(const fp_table *T, const i128 *num_of_row, i128 den, int64_t *x,
                           fp_diag *diag)
{
    size_t n = T->nrows;
    size_t *parent = calloc(n + 1, sizeof *parent), *local = calloc(n + 1, sizeof *local);
    i128 *num = calloc(n + 1, sizeof *num);
    int64_t *y = malloc((n + 1) * sizeof *y);
    fp_error e = FP_OK;
    if (!parent || !local || !num || !y) {
        e = diag_set(diag, FP_ERR_NOMEM, NULL, 0, NULL, NULL, 0, "out of memory");
        goto done;
    }
    for (size_t k = 0; k < n; k++) {
        local[row_at(T, k)] = k;
        parent[k] = FP_NONE;
    }
    for (size_t k = 0; k < n; k++) {
        size_t r = row_at(T, k), p = fp_table_parent(T, r);
        parent[k] = p == FP_NONE ? FP_NONE : local[p];
        num[k] = num_of_row[r];
    }
    e = round_controlled(n, parent, 1, num, den, NULL, NULL, y);
    if (e) {
        e = diag_set(diag, e == FP_ERR_INFEASIBLE ? FP_ERR_INTERNAL : e, NULL, 0, NULL, NULL, 0,
                     "controlled rounding failed: %s", fp_strerror(e));
        goto done;
    }
    for (size_t k = 0; k < n; k++)
        x[row_at(T, k)] = y[k];
done:
    free(parent);
    free(local);
    free(num);
    free(y);
    return e;
}

/* Leaf targets over DEN (in units): base + share · rest, for the leaves of F. */
static fp_error targets(const fp_table *F, const fp_allocate_options *o, size_t **leaves,
                        size_t *n, i128 **num, i128 *den, fp_diag *diag)
{
    fp_amount u = o->unit > 0 ? o->unit : FP_AMOUNT_SCALE;
    if (o->total < 0 || o->total % u || o->base < 0 || o->base % u)
        return diag_set(diag, FP_ERR_ARGUMENT, NULL, 0, NULL, NULL, 0,
                        "the total and the base must be whole numbers of units, not negative");
    fp_error e = shares(F, o, leaves, n, num, den, diag);
    if (e)
        return e;
    i128 B = o->base / u, R = (i128)o->total / u - B * (i128)*n;
    if (R < 0) {
        char t[FP_AMOUNT_BUFSIZE], b[FP_AMOUNT_BUFSIZE];
        fp_amount_format(o->total, 0, t);
        fp_amount_format(o->base, 0, b);
        free(*leaves);
        free(*num);
        return diag_set(diag, FP_ERR_INFEASIBLE, NULL, 0, NULL, NULL, 0,
                        "the total %s cannot give %zu leaves a base of %s each", t, *n, b);
    }
    i128 lim = (i128)1 << 124;
    i128 tot;
    if (__builtin_mul_overflow((i128)o->total / u, *den, &tot) || tot > lim) {
        free(*leaves);
        free(*num);
        return diag_set(diag, FP_ERR_AMOUNT_OVERFLOW, NULL, 0, NULL, NULL, 0,
                        "the total is too large for exact shares with these factors");
    }
    for (size_t i = 0; i < *n; i++)
        (*num)[i] = B * *den + R * (*num)[i]; /* both below tot */
    return FP_OK;
}

fp_error fp_allocate(const fp_table *factors, const fp_allocate_options *opts, fp_amount **amounts,
                     fp_diag *diag)
{
    *amounts = NULL;
    fp_diag_clear(diag);
    size_t *leaves = NULL, n = 0, rows = factors->nrows;
    i128 *num = NULL, den = 1;
    fp_error e = targets(factors, opts, &leaves, &n, &num, &den, diag);
    if (e)
        return e;
    i128 *by_row = calloc(rows + 1, sizeof *by_row);
    int64_t *x = malloc((rows + 1) * sizeof *x);
    fp_amount *out = malloc((rows + 1) * sizeof *out);
    if (!by_row || !x || !out) {
        e = diag_set(diag, FP_ERR_NOMEM, NULL, 0, NULL, NULL, 0, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < n; i++)
        by_row[leaves[i]] = num[i];
    if ((e = round_tree(factors, by_row, den, x, diag)) != FP_OK)
        goto done;
    fp_amount u = opts->unit > 0 ? opts->unit : FP_AMOUNT_SCALE;
    for (size_t r = 0; r < rows; r++)
        if (__builtin_mul_overflow(x[r], u, &out[r])) {
            e = diag_set(diag, FP_ERR_AMOUNT_OVERFLOW, NULL, 0, NULL, NULL, 0,
                         "an amount does not fit");
            goto done;
        }
    *amounts = out;
    out = NULL;
done:
    free(leaves);
    free(num);
    free(by_row);
    free(x);
    free(out);
    return e;
}

/* The key a leaf is matched by: its path of names, without the top row when the table has
 * exactly one (总计 may be named differently in the two tables). */
static char *leaf_key(const fp_table *t, size_t row)
{
    size_t depth = (size_t)fp_table_depth(t, row);
    size_t one_top = fp_table_next_sibling(t, fp_table_first_root(t)) == FP_NONE;
    size_t *path = malloc((depth + 1) * sizeof *path);
    char *s = NULL;
    size_t len = 0;
    FILE *f = path ? open_memstream(&s, &len) : NULL;
    if (!f) {
        free(path);
        return NULL;
    }
    fp_table_path(t, row, path, depth + 1);
    for (size_t i = one_top && depth > 0 ? 1 : 0, first = i; i <= depth; i++)
        fprintf(f, "%s%s", i > first ? "/" : "", fp_table_row_name(t, path[i]));
    fclose(f);
    free(path);
    return s;
}

static size_t count_leaf_name(const fp_table *t, const char *name)
{
    size_t c = 0;
    for (size_t r = 0; r < t->nrows; r++)
        c += fp_table_first_child(t, r) == FP_NONE && strcmp(fp_table_row_name(t, r), name) == 0;
    return c;
}

fp_error fp_allocate_into(const fp_table *factors, const fp_allocate_options *opts,
                          const fp_table *table, const char *col_name, fp_table **out, fp_diag *diag)
{
    *out = NULL;
    fp_diag_clear(diag);
    size_t col = fp_table_find_column(table, col_name);
    const size_t *cats;
    size_t nc = fp_table_categories(table, &cats), is_cat = 0;
    for (size_t k = 0; k < nc; k++)
        is_cat |= cats[k] == col;
    if (col == FP_NONE || !is_cat)
        return diag_set(diag, FP_ERR_COLUMN, fp_table_source(table), 0, col_name, NULL, 0,
                        col == FP_NONE ? "no column is headed \"%s\""
                                       : "\"%s\" is not a category column of the table",
                        col_name);
    fp_report *rep = NULL;
    fp_error e = fp_check(table, NULL, &rep, diag);
    if (e)
        return e;
    size_t faults = fp_report_errors(rep);
    fp_report_free(rep);
    if (faults)
        return diag_set(diag, FP_ERR_ARGUMENT, fp_table_source(table), 0, NULL, NULL, 0,
                        "the table does not add up (%zu errors); run 'fenpei check' and correct "
                        "it first",
                        faults);
    size_t *leaves = NULL, n = 0;
    i128 *num = NULL, den = 1;
    if ((e = targets(factors, opts, &leaves, &n, &num, &den, diag)) != FP_OK)
        return e;
    size_t rows = table->nrows;
    i128 *by_row = calloc(rows + 1, sizeof *by_row);
    int64_t *x = malloc((rows + 1) * sizeof *x);
    uint8_t *used = calloc(n + 1, 1);
    char **fkeys = calloc(n + 1, sizeof *fkeys);
    fp_table *t = NULL;
    if (!by_row || !x || !used || !fkeys) {
        e = diag_set(diag, FP_ERR_NOMEM, NULL, 0, NULL, NULL, 0, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < n; i++)
        if (!(fkeys[i] = leaf_key(factors, leaves[i]))) {
            e = diag_set(diag, FP_ERR_NOMEM, NULL, 0, NULL, NULL, 0, "out of memory");
            goto done;
        }
    for (size_t k = 0; k < rows; k++) {
        size_t r = row_at(table, k);
        if (fp_table_first_child(table, r) != FP_NONE)
            continue;
        char *key = leaf_key(table, r);
        if (!key) {
            e = diag_set(diag, FP_ERR_NOMEM, NULL, 0, NULL, NULL, 0, "out of memory");
            goto done;
        }
        size_t hit = FP_NONE;
        for (size_t i = 0; i < n && hit == FP_NONE; i++)
            if (strcmp(fkeys[i], key) == 0)
                hit = i;
        const char *name = fp_table_row_name(table, r);
        if (hit == FP_NONE && count_leaf_name(table, name) == 1 &&
            count_leaf_name(factors, name) == 1)
            for (size_t i = 0; i < n && hit == FP_NONE; i++)
                if (strcmp(fp_table_row_name(factors, leaves[i]), name) == 0)
                    hit = i;
        if (hit == FP_NONE) {
            e = diag_set(diag, FP_ERR_UNIT_NOT_FOUND, fp_table_source(table),
                         fp_table_row_line(table, r), NULL, name, strlen(name),
                         "%s (%s) is a unit of the table but has no row in the factor table %s",
                         name, key, fp_table_source(factors));
            free(key);
            goto done;
        }
        free(key);
        used[hit] = 1;
        by_row[r] = num[hit];
    }
    for (size_t i = 0; i < n; i++)
        if (!used[i]) {
            const char *name = fp_table_row_name(factors, leaves[i]);
            e = diag_set(diag, FP_ERR_UNIT_NOT_FOUND, fp_table_source(factors),
                         fp_table_row_line(factors, leaves[i]), NULL, name, strlen(name),
                         "%s (%s) is in the factor table but not a unit of %s", name, fkeys[i],
                         fp_table_source(table));
            goto done;
        }
    if ((e = round_tree(table, by_row, den, x, diag)) != FP_OK)
        goto done;
    if (!(t = fp_table_clone(table))) {
        e = diag_set(diag, FP_ERR_NOMEM, NULL, 0, NULL, NULL, 0, "out of memory");
        goto done;
    }
    fp_amount u = opts->unit > 0 ? opts->unit : FP_AMOUNT_SCALE;
    size_t total = fp_table_role_column(t, FP_ROLE_TOTAL);
    size_t adv = fp_table_role_column(t, FP_ROLE_ADVANCE), bat = fp_table_role_column(t, FP_ROLE_BATCH);
    for (size_t r = 0; r < rows; r++) {
        fp_amount a, s = 0;
        if (__builtin_mul_overflow(x[r], u, &a))
            goto overflow;
        fp_table_set_amount(t, r, col, a);
        if (total == FP_NONE)
            continue;
        for (size_t k = 0; k < nc; k++)
            if (fp_amount_add(s, fp_table_amount(t, r, cats[k]), &s))
                goto overflow;
        fp_table_set_amount(t, r, total, s);
        if (adv != FP_NONE && bat != FP_NONE) {
            fp_amount b;
            if (fp_amount_sub(s, fp_table_amount(t, r, adv), &b))
                goto overflow;
            fp_table_set_amount(t, r, bat, b);
        }
    }
    if ((e = fp_check(t, NULL, &rep, diag)) != FP_OK)
        goto done;
    size_t errs = fp_report_errors(rep);
    fp_report_free(rep);
    if (errs) {
        e = diag_set(diag, FP_ERR_INTERNAL, fp_table_source(t), 0, NULL, NULL, 0,
                     "the allocated table fails %zu identities; this is a bug in fenpei", errs);
        goto done;
    }
    *out = t;
    t = NULL;
    goto done;
overflow:
    e = diag_set(diag, FP_ERR_AMOUNT_OVERFLOW, fp_table_source(table), 0, col_name, NULL, 0,
                 "the new amounts exceed ±9.2e12 units");
done:
    if (fkeys)
        for (size_t i = 0; i < n; i++)
            free(fkeys[i]);
    free(fkeys);
    free(leaves);
    free(num);
    free(by_row);
    free(x);
    free(used);
    fp_table_free(t);
    return e;
}
