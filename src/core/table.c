/* core/table.c — the fp_table: column roles, the tree, accessors, copying and freeing. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/table_impl.h"
#include "util/hanzi.h"

static const char *const role_names[FP_ROLE_MAX] = {
    [FP_ROLE_TEXT] = "text",         [FP_ROLE_NAME] = "name",
    [FP_ROLE_LEVEL] = "level",       [FP_ROLE_PARENT] = "parent",
    [FP_ROLE_CODE] = "code",         [FP_ROLE_PARENT_CODE] = "parent-code",
    [FP_ROLE_CATEGORY] = "category", [FP_ROLE_TOTAL] = "total",
    [FP_ROLE_ADVANCE] = "advance",   [FP_ROLE_BATCH] = "batch",
    [FP_ROLE_AMOUNT] = "amount",
};

const char *fp_role_name(fp_role role)
{
    return (unsigned)role < FP_ROLE_MAX ? role_names[role] : "?";
}

void fp_load_options_init(fp_load_options *opts)
{
    memset(opts, 0, sizeof *opts);
}

fp_table *table_new(const char *source)
{
    fp_table *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    size_t off;
    t->source = strdup(source ? source : "");
    t->first_root = -1;
    t->name_col = FP_NONE;
    if (!t->source || strpool_add(&t->pool, "", 0, &off)) { /* offset 0 is "" */
        fp_table_free(t);
        return NULL;
    }
    return t;
}

static void column_free(column *c)
{
    free(c->name);
    free(c->values);
    free(c->blank);
    free(c->text);
    free(c->sparse);
}

void fp_table_free(fp_table *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->ncols; i++)
        column_free(&t->cols[i]);
    free(t->cols);
    free(t->source);
    free(t->unit);
    free(t->title);
    free(t->sheet);
    strpool_free(&t->pool);
    free(t->marks);
    free(t->parent);
    free(t->first_child);
    free(t->next_sibling);
    free(t->order);
    free(t->uncertain);
    free(t->suspect);
    free(t->cats);
    free(t);
}

static size_t idx(int32_t v) { return v < 0 ? FP_NONE : (size_t)v; }

/* Copy N bytes of SRC into a new allocation at *DST (NULL stays NULL). 0 or -1. */
static int dup_bytes(void *dst, const void *src, size_t n)
{
    void **d = dst;
    *d = NULL;
    if (!src)
        return 0;
    if (!(*d = malloc(n ? n : 1)))
        return -1;
    memcpy(*d, src, n);
    return 0;
}

fp_table *fp_table_clone(const fp_table *t)
{
    fp_table *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    *c = *t;
    c->source = NULL;
    c->unit = NULL;
    c->sheet = NULL;
    c->title = NULL;
    c->cols = NULL;
    c->ncols = 0;
    c->pool.data = NULL;
    c->marks = NULL;
    c->parent = c->first_child = c->next_sibling = c->order = NULL;
    c->uncertain = NULL;
    c->suspect = NULL;
    c->nsuspect = c->suspectcap = 0;
    c->cats = NULL;
    size_t n = t->nrows;
    c->rowcap = n;
    c->pool.cap = t->pool.len;
    c->markcap = t->nmarks;
    if (!(c->source = strdup(t->source)) || (t->unit && !(c->unit = strdup(t->unit))) ||
        (t->sheet && !(c->sheet = strdup(t->sheet))) ||
        (t->title && !(c->title = strdup(t->title))) ||
        dup_bytes(&c->pool.data, t->pool.data, t->pool.len) ||
        dup_bytes(&c->marks, t->marks, t->nmarks * sizeof *t->marks) ||
        dup_bytes(&c->parent, t->parent, n * sizeof *t->parent) ||
        dup_bytes(&c->first_child, t->first_child, n * sizeof *t->first_child) ||
        dup_bytes(&c->next_sibling, t->next_sibling, n * sizeof *t->next_sibling) ||
        dup_bytes(&c->order, t->order, n * sizeof *t->order) ||
        dup_bytes(&c->uncertain, t->uncertain, n * sizeof *t->uncertain) ||
        dup_bytes(&c->cats, t->cats, t->ncats * sizeof *t->cats) ||
        !(c->cols = calloc(t->ncols ? t->ncols : 1, sizeof *c->cols)))
        goto fail;
    for (size_t i = 0; i < t->ncols; i++, c->ncols++) {
        const column *s = &t->cols[i];
        column *d = &c->cols[i];
        *d = *s;
        d->name = NULL;
        d->values = NULL;
        d->blank = NULL;
        d->text = NULL;
        d->sparse = NULL;
        d->sparsecap = s->nsparse;
        if (!(d->name = strdup(s->name)) ||
            dup_bytes(&d->values, s->values, n * sizeof *s->values) ||
            dup_bytes(&d->blank, s->blank, (n + 7) / 8) ||
            dup_bytes(&d->text, s->text, n * sizeof *s->text) ||
            dup_bytes(&d->sparse, s->sparse, s->nsparse * sizeof *s->sparse)) {
            c->ncols++;
            goto fail;
        }
    }
    return c;
fail:
    fp_table_free(c);
    return NULL;
}

/* ---- finishing a loaded table ---- */

/* Does header S hold PART, read with traditional characters as simplified (合計 as 合计)? */
static int contains(const char *s, const char *part)
{
    char buf[512];
    size_t len = strlen(s);
    if (len >= sizeof buf)
        return strstr(s, part) != NULL;
    hz_simplify(s, len, buf);
    return strstr(buf, part) != NULL;
}

/* Is header S the name PART, read as simplified? */
static int same_words(const char *s, const char *part)
{
    char buf[512];
    size_t len = strlen(s);
    if (len >= sizeof buf)
        return 0;
    hz_simplify(s, len, buf);
    return strcmp(buf, part) == 0;
}

/* Does header H name a quantity beside the money (村数, 户数（户）, 人数, 社区(25个)): counted
 * in villages, households, people, not in the table's unit of money? Such a column's own sums
 * are still checked, but it is never a category, the year total, the advance or this batch,
 * and a unit conversion leaves it alone. */
static int is_quantity_header(const char *h)
{
    static const char *const counted[] = {"个)", "个）", "(个", "（个", "人)", "人）", "(人",
                                          "（人", "户)", "户）", "(户", "（户", "村)", "村）",
                                          "(村", "（村", "名)", "名）", "家)", "家）", "所)",
                                          "所）", "张)", "张）", "床)", "床）", "人口", "人次",
                                          NULL};
    char buf[512];
    size_t len = 0;
    for (const char *p = h; *p && len < sizeof buf - 1; p++)
        if (*p != ' ')
            buf[len++] = *p;
    buf[len] = '\0';
    hz_simplify(buf, len, buf);
    if (strstr(buf, "元") || strstr(buf, "资金") || strstr(buf, "金额") || strstr(buf, "拨款") ||
        strstr(buf, "预算") || strstr(buf, "经费") || strstr(buf, "补助"))
        return 0;
    if (len >= 3 && strcmp(buf + len - 3, "数") == 0)
        return 1; /* 村数, 户数, 人数, 床位数 */
    for (const char *const *c = counted; *c; c++)
        if (strstr(buf, *c))
            return 1;
    return 0;
}

static const char *const total_names[] = {"全年应拨付资金合计", "全年应拨付资金", "全年合计",
                                           "全年资金合计", "资金合计", "合计", "总额",
                                           "年度资金总额", "总计", NULL};

/* Column named by a flag: must exist and hold amounts. */
static fp_error flag_column(fp_table *t, const char *header, const char *flag, size_t *out,
                            fp_diag *diag)
{
    size_t c = fp_table_find_column(t, header);
    if (c == FP_NONE)
        return diag_set(diag, FP_ERR_COLUMN, t->source, 0, header, NULL, 0,
                        "no column is headed \"%s\" (given with %s)", header, flag);
    if (!t->cols[c].is_amount)
        return diag_set(diag, FP_ERR_COLUMN, t->source, 0, header, NULL, 0,
                        "column \"%s\" (given with %s) does not hold amounts", header, flag);
    *out = c;
    return FP_OK;
}

/* Turn a column read as provisional amounts into a text column, rebuilding each cell's text. */
static fp_error make_text(fp_table *t, column *c)
{
    uint32_t *text = malloc((t->rowcap ? t->rowcap : 1) * sizeof *text);
    if (!text)
        return FP_ERR_NOMEM;
    size_t k = 0;
    for (size_t r = 0; r < t->nrows; r++) {
        while (k < c->nsparse && c->sparse[k].row < r)
            k++;
        if (k < c->nsparse && c->sparse[k].row == r) {
            text[r] = c->sparse[k].off;
        } else if (bit_get(c->blank, r)) {
            text[r] = 0;
        } else {
            char buf[FP_AMOUNT_BUFSIZE];
            size_t len = fp_amount_format(c->values[r], 0, buf), off;
            if (strpool_add(&t->pool, buf, len, &off) || off > UINT32_MAX) {
                free(text);
                return FP_ERR_NOMEM;
            }
            text[r] = (uint32_t)off;
        }
    }
    free(c->values);
    free(c->blank);
    free(c->sparse);
    c->values = NULL;
    c->blank = NULL;
    c->sparse = NULL;
    c->nsparse = c->sparsecap = 0;
    c->text = text;
    c->dense = 1;
    c->is_amount = 0;
    c->role = FP_ROLE_TEXT;
    return FP_OK;
}

/* The cells of amount column C that are no amount ("1S3", "3 16": damage from copying a
 * notice) read as blank, keeping their text, and their rows marked uncertain; check reports
 * each (FP_RULE_UNREADABLE). */
static fp_error blank_damaged(fp_table *t, column *c)
{
    for (size_t k = 0; k < c->nsparse; k++) {
        const char *s = strpool_get(&t->pool, c->sparse[k].off);
        fp_amount v;
        if (fp_amount_parse(s, strlen(s), &v, NULL) == FP_OK)
            continue;
        size_t row = c->sparse[k].row;
        c->values[row] = 0;
        bit_set(c->blank, row, 1);
        if (buf_reserve((void **)&t->suspect, &t->suspectcap, t->nsuspect + 1,
                        sizeof *t->suspect))
            return FP_ERR_NOMEM;
        t->suspect[t->nsuspect++] = (uint32_t)row;
    }
    return FP_OK;
}

static int is_generated_name(const char *s) { return strncmp(s, "列", strlen("列")) == 0; }

/* Hash index of a dense text column: key text → row + 1. */
typedef struct index {
    int32_t *slot;
    size_t mask;
} index;

static fp_error index_build(fp_table *t, size_t col, index *ix, fp_diag *diag)
{
    size_t cap = 16;
    while (cap < t->nrows * 2)
        cap *= 2;
    ix->slot = calloc(cap, sizeof *ix->slot);
    ix->mask = cap - 1;
    if (!ix->slot)
        return diag_set(diag, FP_ERR_NOMEM, t->source, 0, NULL, NULL, 0, "out of memory");
    const column *c = &t->cols[col];
    for (size_t r = 0; r < t->nrows; r++) {
        const char *key = strpool_get(&t->pool, c->text[r]);
        size_t len = strlen(key);
        if (!len)
            return diag_set(diag, FP_ERR_TREE_PARENT, t->source, fp_table_row_line(t, r),
                            c->name, NULL, 0, "the row has no %s, so no row can name it as %s",
                            c->name, "上级");
        size_t h = hash_bytes(key, len) & ix->mask;
        while (ix->slot[h]) {
            size_t other = (size_t)ix->slot[h] - 1;
            if (strcmp(strpool_get(&t->pool, c->text[other]), key) == 0)
                return diag_set(diag, FP_ERR_TREE_DUPLICATE, t->source, fp_table_row_line(t, r),
                                c->name, key, len,
                                "\"%s\" is used as a key for the tree but also appears at line "
                                "%ld; names (or codes) must be unique",
                                key, fp_table_row_line(t, other));
            h = (h + 1) & ix->mask;
        }
        ix->slot[h] = (int32_t)(r + 1);
    }
    return FP_OK;
}

static size_t index_find(const fp_table *t, size_t col, const index *ix, const char *key)
{
    size_t h = hash_bytes(key, strlen(key)) & ix->mask;
    while (ix->slot[h]) {
        size_t r = (size_t)ix->slot[h] - 1;
        if (strcmp(strpool_get(&t->pool, t->cols[col].text[r]), key) == 0)
            return r;
        h = (h + 1) & ix->mask;
    }
    return FP_NONE;
}

/* Parents from a 上级 (or 上级编码) column whose texts name a row's KEY column. */
static fp_error parents_by_key(fp_table *t, size_t key_col, size_t parent_col, fp_diag *diag)
{
    index ix;
    fp_error e = index_build(t, key_col, &ix, diag);
    for (size_t r = 0; r < t->nrows && !e; r++) {
        const char *p = strpool_get(&t->pool, t->cols[parent_col].text[r]);
        if (!*p) {
            t->parent[r] = -1;
            continue;
        }
        size_t pr = index_find(t, key_col, &ix, p);
        if (pr == FP_NONE)
            e = diag_set(diag, FP_ERR_TREE_PARENT, t->source, fp_table_row_line(t, r),
                         t->cols[parent_col].name, p, strlen(p),
                         "the parent \"%s\" is not the %s of any row", p,
                         t->cols[key_col].name);
        else
            t->parent[r] = (int32_t)pr;
    }
    free(ix.slot);
    return e;
}

/* first_child and next_sibling, in file order: walk backwards, pushing each row on its parent's
 * list. Built on first use: a check never needs them. 0 or -1 (out of memory). */
static int build_links(fp_table *t)
{
    if (t->first_child)
        return 0;
    size_t n = t->nrows;
    int32_t *fc = malloc((n ? n : 1) * sizeof *fc), *ns = malloc((n ? n : 1) * sizeof *ns);
    if (!fc || !ns) {
        free(fc);
        free(ns);
        return -1;
    }
    int32_t root = -1;
    for (size_t r = 0; r < n; r++)
        fc[r] = -1;
    for (size_t i = n; i-- > 0;) {
        int32_t p = t->parent[i];
        int32_t *head = p < 0 ? &root : &fc[p];
        ns[i] = *head;
        *head = (int32_t)i;
    }
    t->first_child = fc;
    t->next_sibling = ns;
    t->first_root = root;
    return 0;
}

/* Links are built lazily behind a const table (the one place the library casts const away);
 * if that allocation fails the accessors fall back to scanning, slower but still right. */
static int ensure_links(const fp_table *t)
{
    return t->first_child || build_links((fp_table *)(uintptr_t)t) == 0;
}

fp_error table_link(fp_table *t, fp_diag *diag)
{
    size_t n = t->nrows;
    free(t->first_child);
    free(t->next_sibling);
    free(t->order);
    t->first_child = t->next_sibling = t->order = NULL;
    if (build_links(t))
        return diag_set(diag, FP_ERR_NOMEM, t->source, 0, NULL, NULL, 0, "out of memory");
    /* Refuse cycles: colour 0 unvisited, 1 on the current path, 2 done. */
    uint8_t *colour = calloc(n ? n : 1, 1);
    if (!colour)
        return diag_set(diag, FP_ERR_NOMEM, t->source, 0, NULL, NULL, 0, "out of memory");
    for (size_t r = 0; r < n; r++) {
        size_t x = r;
        while (x != FP_NONE && colour[x] == 0) {
            colour[x] = 1;
            x = idx(t->parent[x]);
        }
        if (x != FP_NONE && colour[x] == 1) {
            free(colour);
            return diag_set(diag, FP_ERR_TREE_CYCLE, t->source, fp_table_row_line(t, x), NULL,
                            fp_table_row_name(t, x), strlen(fp_table_row_name(t, x)),
                            "the row \"%s\" is its own ancestor through the 上级 links",
                            fp_table_row_name(t, x));
        }
        for (x = r; x != FP_NONE && colour[x] == 1; x = idx(t->parent[x]))
            colour[x] = 2;
    }
    free(colour);
    if (t->first_root < 0 && n)
        return diag_set(diag, FP_ERR_TREE_CYCLE, t->source, fp_table_row_line(t, 0), NULL, NULL,
                        0, "no row is at the top: the 上级 links form a cycle");
    /* Pre-order; kept only when it differs from the file order. */
    int in_order = 1;
    for (size_t r = 0; r < n && in_order; r++) {
        /* The file order is pre-order iff every row comes after its parent, and its parent is
         * the row before it or one of that row's ancestors (a top-level row may follow
         * anything). Both halves matter: with a total after its rows, the walk up from the
         * row before would meet the (later) parent too. */
        int32_t p = t->parent[r];
        if (p < 0)
            continue;
        if ((size_t)p >= r) {
            in_order = 0;
            break;
        }
        size_t x = r - 1;
        while (x != FP_NONE && (int32_t)x != p)
            x = idx(t->parent[x]);
        in_order = x != FP_NONE;
    }
    if (in_order)
        return FP_OK;
    t->order = malloc(n * sizeof *t->order);
    if (!t->order)
        return diag_set(diag, FP_ERR_NOMEM, t->source, 0, NULL, NULL, 0, "out of memory");
    size_t k = 0;
    int32_t x = t->first_root;
    while (x >= 0) {
        t->order[k++] = x;
        if (t->first_child[x] >= 0) {
            x = t->first_child[x];
            continue;
        }
        while (x >= 0 && t->next_sibling[x] < 0)
            x = t->parent[x];
        if (x >= 0)
            x = t->next_sibling[x];
    }
    return FP_OK;
}

/* ---- units ---- */

/* How many 元 one UNIT is (元 1, 万元 10^4, 亿元 10^8), or 0 for a unit fenpei does not know. */
static int64_t unit_factor(const char *unit)
{
    static const struct {
        const char *name;
        int64_t factor;
    } units[] = {{"元", 1}, {"万元", 10000}, {"亿元", 100000000}};
    size_t len = strlen(unit);
    while (len && unit[len - 1] == ' ')
        len--;
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
        if (strlen(units[i].name) == len && memcmp(units[i].name, unit, len) == 0)
            return units[i].factor;
    return 0;
}

/* Decimals V needs to be written exactly (0..FP_AMOUNT_DECIMALS). */
static int needed_decimals(fp_amount v)
{
    int d = FP_AMOUNT_DECIMALS;
    while (d > 0 && v % 10 == 0) {
        v /= 10;
        d--;
    }
    return d;
}

/* Fill DIAG for the amount cell (ROW, COL) that cannot be converted. */
static fp_error unit_cell_error(const fp_table *t, size_t row, size_t col, fp_error code,
                                const char *to, fp_diag *diag)
{
    char txt[FP_AMOUNT_BUFSIZE];
    size_t n = fp_amount_format(t->cols[col].values[row], 0, txt);
    diag_set(diag, code, t->source, fp_table_row_line(t, row), t->cols[col].name, txt, n,
             code == FP_ERR_AMOUNT_OVERFLOW
                 ? "%s %s (%s) is too large to write in %s"
                 : "%s %s (%s) cannot be written in %s exactly: it would need more than 6 "
                   "decimals",
             txt, t->unit, fp_table_row_name(t, row), to);
    if (diag)
        table_cell_ref(t, fp_table_row_line(t, row), col, diag->cell, sizeof diag->cell);
    return code;
}

/* Convert every amount from the table's unit to TO, exactly: multiplying is refused when it
 * overflows, dividing when the result would need more than 6 decimals. The whole table is
 * converted or (on error) left for the caller to free. */
static fp_error convert_unit(fp_table *t, const char *to, fp_diag *diag)
{
    int64_t ft = unit_factor(to);
    if (!ft)
        return diag_set(diag, FP_ERR_ARGUMENT, t->source, 0, NULL, to, strlen(to),
                        "cannot convert to \"%s\": the units are 元, 万元 and 亿元", to);
    if (!t->unit)
        return diag_set(diag, FP_ERR_ARGUMENT, t->source, 0, NULL, NULL, 0,
                        "the table does not say its unit, so its amounts cannot be converted to "
                        "%s: add the unit line (e.g. 单位：万元) above the header",
                        to);
    int64_t ff = unit_factor(t->unit);
    if (!ff)
        return diag_set(diag, FP_ERR_ARGUMENT, t->source, 0, NULL, t->unit, strlen(t->unit),
                        "the table's unit \"%s\" is not one of 元, 万元 and 亿元, so it cannot "
                        "be converted to %s",
                        t->unit, to);
    if (ff != ft) {
        /* One of the factors divides the other: both are powers of 10^4. */
        int64_t mul = ff > ft ? ff / ft : 1, div = ft > ff ? ft / ff : 1;
        for (size_t c = 0; c < t->ncols; c++) {
            column *col = &t->cols[c];
            if (!col->is_amount || col->quantity)
                continue;
            int dec = 0;
            for (size_t r = 0; r < t->nrows; r++) {
                fp_amount v = col->values[r];
                if (mul > 1) {
                    if (v > FP_AMOUNT_MAX / mul || v < FP_AMOUNT_MIN / mul)
                        return unit_cell_error(t, r, c, FP_ERR_AMOUNT_OVERFLOW, to, diag);
                    v *= mul;
                } else {
                    if (v % div != 0)
                        return unit_cell_error(t, r, c, FP_ERR_AMOUNT_PRECISION, to, diag);
                    v /= div;
                }
                col->values[r] = v;
                int d = needed_decimals(v);
                if (d > dec)
                    dec = d;
            }
            col->decimals = dec;
            /* the texts kept for cells written unusually ("1,234") are in the old unit */
            col->nsparse = 0;
        }
    }
    char *u = strdup(to);
    if (!u)
        return diag_set(diag, FP_ERR_NOMEM, t->source, 0, NULL, NULL, 0, "out of memory");
    free(t->unit);
    t->unit = u;
    return FP_OK;
}

fp_error table_finish(fp_table *t, const fp_load_options *o, size_t level_col, size_t parent_col,
                      size_t code_col, size_t pcode_col, fp_diag *diag)
{
    fp_error e;
    int notice = o->layout == FP_LAYOUT_NOTICE ||
                 (o->layout == FP_LAYOUT_AUTO && level_col == FP_NONE &&
                  parent_col == FP_NONE && code_col == FP_NONE && pcode_col == FP_NONE);
    /* Which provisional columns hold amounts: by content, helped by the header. */
    for (size_t i = 0; i < t->ncols; i++) {
        column *c = &t->cols[i];
        if (c->dense)
            continue;
        const char *h = c->name;
        int flagged = (o->total_column && strcmp(h, o->total_column) == 0) ||
                      (o->advance_column && strcmp(h, o->advance_column) == 0) ||
                      (o->batch_column && strcmp(h, o->batch_column) == 0);
        for (size_t k = 0; k < o->category_count; k++)
            flagged |= strcmp(h, o->category_columns[k]) == 0;
        int hinted = flagged || contains(h, "提前下达") || contains(h, "此次下达") ||
                     contains(h, "本次下达") || contains(h, "合计") || contains(h, "总额") ||
                     contains(h, "金额") || contains(h, "资金");
        int amount;
        if (c->nonempty == 0)
            amount = !is_generated_name(h);
        else if (c->failed == 0)
            amount = 1;
        else
            amount = hinted || c->nonempty - c->failed > c->failed;
        if (amount && c->failed && notice && o->read_damaged && !t->sheet) {
            /* damaged text copied out of a notice is read, never refused */
            if ((e = blank_damaged(t, c)) != FP_OK)
                return diag_set(diag, e, t->source, 0, NULL, NULL, 0, "out of memory");
        } else if (amount && c->failed) {
            const char *txt = column_sparse_text(t, c, c->first_failed);
            fp_amount v;
            fp_error pe = fp_amount_parse(txt, strlen(txt), &v, NULL);
            diag_set(diag, pe, t->source, fp_table_row_line(t, c->first_failed), h, txt,
                     strlen(txt), "%s: expected an amount such as 1234, 1,234.5, (12) or an "
                                  "empty cell, \"-\" or \"—\"%s",
                     pe == FP_ERR_AMOUNT_OVERFLOW    ? "amount out of range"
                     : pe == FP_ERR_AMOUNT_PRECISION ? "more than 6 decimals"
                                                     : "not an amount",
                     c->failed > 1 ? " (and more cells in this column)" : "");
            if (diag)
                table_cell_ref(t, fp_table_row_line(t, c->first_failed), i, diag->cell,
                               sizeof diag->cell);
            return pe;
        }
        if (amount) {
            c->is_amount = 1;
            c->role = FP_ROLE_AMOUNT;
            c->quantity = !flagged && is_quantity_header(h);
        } else if ((e = make_text(t, c)) != FP_OK) {
            return diag_set(diag, e, t->source, 0, NULL, NULL, 0, "out of memory");
        }
    }
    /* A table without a column of amounts has nothing to check, convert or reallocate. */
    size_t namount = 0;
    for (size_t i = 0; i < t->ncols; i++)
        namount += t->cols[i].is_amount != 0;
    if (namount == 0)
        return diag_set(diag, FP_ERR_COLUMN, t->source, 0, NULL, NULL, 0,
                        "no column of amounts: every column holds names, codes or text (an "
                        "allocation table needs at least one column such as 金额 or 合计)");
    /* The year total, the advance and this batch. */
    size_t total = FP_NONE, advance = FP_NONE, batch = FP_NONE;
    if (o->total_column && (e = flag_column(t, o->total_column, "--total", &total, diag)))
        return e;
    if (o->advance_column && (e = flag_column(t, o->advance_column, "--advance", &advance, diag)))
        return e;
    if (o->batch_column && (e = flag_column(t, o->batch_column, "--batch", &batch, diag)))
        return e;
    for (size_t i = 0; i < t->ncols; i++) {
        const column *c = &t->cols[i];
        if (!c->is_amount || c->quantity || i == total)
            continue; /* a column named by a flag is not guessed again */
        if (advance == FP_NONE && !o->advance_column && contains(c->name, "提前下达"))
            advance = i;
        else if (batch == FP_NONE && !o->batch_column &&
                 (contains(c->name, "此次下达") || contains(c->name, "本次下达")))
            batch = i;
    }
    for (const char *const *n = total_names; *n && total == FP_NONE && !o->total_column; n++)
        for (size_t i = 0; i < t->ncols && total == FP_NONE; i++)
            if (t->cols[i].is_amount && !t->cols[i].quantity && i != advance && i != batch &&
                same_words(t->cols[i].name, *n))
                total = i;
    for (size_t i = 0; i < t->ncols && total == FP_NONE && !o->total_column; i++)
        if (t->cols[i].is_amount && !t->cols[i].quantity && i != advance && i != batch &&
            (contains(t->cols[i].name, "合计") || contains(t->cols[i].name, "总额")))
            total = i;
    if (total != FP_NONE && (total == advance || total == batch))
        return diag_set(diag, FP_ERR_COLUMN, t->source, 0, t->cols[total].name, NULL, 0,
                        "column \"%s\" cannot be both the year total and the advance or batch",
                        t->cols[total].name);
    if (advance != FP_NONE && advance == batch)
        return diag_set(diag, FP_ERR_COLUMN, t->source, 0, t->cols[batch].name, NULL, 0,
                        "column \"%s\" cannot be both the advance and this batch",
                        t->cols[batch].name);
    if (total != FP_NONE)
        t->cols[total].role = FP_ROLE_TOTAL;
    if (advance != FP_NONE)
        t->cols[advance].role = FP_ROLE_ADVANCE;
    if (batch != FP_NONE)
        t->cols[batch].role = FP_ROLE_BATCH;
    /* Categories: by flag, else the amount columns between the name and the year total. */
    t->cats = malloc((t->ncols ? t->ncols : 1) * sizeof *t->cats);
    if (!t->cats)
        return diag_set(diag, FP_ERR_NOMEM, t->source, 0, NULL, NULL, 0, "out of memory");
    t->ncats = 0;
    if (o->category_count) {
        for (size_t k = 0; k < o->category_count; k++) {
            size_t c;
            if ((e = flag_column(t, o->category_columns[k], "--categories", &c, diag)))
                return e;
            if (t->cols[c].role != FP_ROLE_AMOUNT)
                return diag_set(diag, FP_ERR_COLUMN, t->source, 0, t->cols[c].name, NULL, 0,
                                "column \"%s\" is the %s column and cannot be a category",
                                t->cols[c].name, fp_role_name(t->cols[c].role));
            t->cols[c].role = FP_ROLE_CATEGORY;
            t->cats[t->ncats++] = c;
        }
    } else if (total != FP_NONE) {
        size_t from = t->name_col == FP_NONE || t->name_col > total ? 0 : t->name_col + 1;
        for (size_t i = from; i < total; i++)
            if (t->cols[i].role == FP_ROLE_AMOUNT && !t->cols[i].quantity) {
                t->cols[i].role = FP_ROLE_CATEGORY;
                t->cats[t->ncats++] = i;
            }
        /* 合计 | 中央资金 | 省级资金 | 县级资金: a 合计 before its parts takes those after it
         * (up to the advance or this batch); a 总额 does not (总额 = 财政拨款 + 其他资金 is a
         * rule the user states) */
        if (!t->ncats && contains(t->cols[total].name, "合计")) {
            for (size_t i = total + 1; i < t->ncols && t->cols[i].role != FP_ROLE_ADVANCE &&
                                       t->cols[i].role != FP_ROLE_BATCH;
                 i++)
                if (t->cols[i].role == FP_ROLE_AMOUNT && !t->cols[i].quantity) {
                    t->cols[i].role = FP_ROLE_CATEGORY;
                    t->cats[t->ncats++] = i;
                }
            if (t->ncats == 1) { /* one part after the total is no split */
                t->cols[t->cats[0]].role = FP_ROLE_AMOUNT;
                t->ncats = 0;
            }
        }
    }
    /* The tree. */
    if (notice) {
        t->level_base = 0;
        if ((e = notice_infer(t, diag)) != FP_OK || (e = table_link(t, diag)) != FP_OK)
            return e;
    } else if (level_col == FP_NONE) {
        if (parent_col != FP_NONE) {
            if (t->name_col == FP_NONE)
                return diag_set(diag, FP_ERR_COLUMN, t->source, 0, NULL, NULL, 0,
                                "a 上级 column needs a name column to refer to");
            if ((e = parents_by_key(t, t->name_col, parent_col, diag)))
                return e;
        } else if (code_col != FP_NONE && pcode_col != FP_NONE) {
            if ((e = parents_by_key(t, code_col, pcode_col, diag)))
                return e;
        }
    }
    if (notice) {
        /* linked above */
    } else if (level_col != FP_NONE) { /* pre-order and acyclic by construction */
        t->first_root = 0;
    } else if ((e = table_link(t, diag)) != FP_OK) {
        return e;
    }
    if (o->to_unit)
        return convert_unit(t, o->to_unit, diag);
    return FP_OK;
}

void table_cell_ref(const fp_table *t, long line, size_t col, char *buf, size_t size)
{
    buf[0] = '\0';
    if (!t->sheet)
        return;
    char letters[16];
    size_t n = 0;
    for (size_t c = col + 1; c > 0 && n < sizeof letters; c = (c - 1) / 26)
        letters[n++] = (char)('A' + (c - 1) % 26);
    char rev[16];
    for (size_t i = 0; i < n; i++)
        rev[i] = letters[n - 1 - i];
    snprintf(buf, size, "%s!%.*s%ld", t->sheet, (int)n, rev, line);
}

/* ---- accessors ---- */

const char *column_sparse_text(const fp_table *t, const column *c, size_t row)
{
    size_t lo = 0, hi = c->nsparse;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (c->sparse[mid].row < row)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < c->nsparse && c->sparse[lo].row == row)
        return strpool_get(&t->pool, c->sparse[lo].off);
    return NULL;
}

const char *fp_table_source(const fp_table *t) { return t->source; }
const char *fp_table_unit(const fp_table *t) { return t->unit; }
const char *fp_table_title(const fp_table *t) { return t->title; }
size_t fp_table_row_count(const fp_table *t) { return t->nrows; }
size_t fp_table_column_count(const fp_table *t) { return t->ncols; }
const char *fp_table_column_name(const fp_table *t, size_t col) { return t->cols[col].name; }
fp_role fp_table_column_role(const fp_table *t, size_t col) { return t->cols[col].role; }
int fp_table_column_is_amount(const fp_table *t, size_t col) { return t->cols[col].is_amount; }
int fp_table_column_decimals(const fp_table *t, size_t col) { return t->cols[col].decimals; }
int fp_table_column_is_quantity(const fp_table *t, size_t col) { return t->cols[col].quantity; }

size_t fp_table_find_column(const fp_table *t, const char *name)
{
    for (size_t i = 0; i < t->ncols; i++)
        if (strcmp(t->cols[i].name, name) == 0)
            return i;
    return FP_NONE;
}

size_t fp_table_role_column(const fp_table *t, fp_role role)
{
    for (size_t i = 0; i < t->ncols; i++)
        if (t->cols[i].role == role)
            return i;
    return FP_NONE;
}

size_t fp_table_categories(const fp_table *t, const size_t **cols)
{
    *cols = t->cats;
    return t->ncats;
}

const char *fp_table_row_name(const fp_table *t, size_t row)
{
    if (t->name_col == FP_NONE)
        return "";
    return strpool_get(&t->pool, t->cols[t->name_col].text[row]);
}

long fp_table_row_line(const fp_table *t, size_t row)
{
    size_t lo = 0, hi = t->nmarks;
    while (lo < hi) { /* last mark with mark.row <= row */
        size_t mid = lo + (hi - lo) / 2;
        if (t->marks[mid].row <= row)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == 0)
        return 0;
    return (long)t->marks[lo - 1].line + (long)(row - t->marks[lo - 1].row);
}

size_t fp_table_parent(const fp_table *t, size_t row) { return idx(t->parent[row]); }
size_t fp_table_first_child(const fp_table *t, size_t row)
{
    if (ensure_links(t))
        return idx(t->first_child[row]);
    for (size_t r = row + 1; r < t->nrows; r++)
        if (t->parent[r] == (int32_t)row)
            return r;
    return FP_NONE;
}

size_t fp_table_next_sibling(const fp_table *t, size_t row)
{
    if (ensure_links(t))
        return idx(t->next_sibling[row]);
    for (size_t r = row + 1; r < t->nrows; r++)
        if (t->parent[r] == t->parent[row])
            return r;
    return FP_NONE;
}

size_t fp_table_first_root(const fp_table *t) { return idx(t->first_root); }

int fp_table_row_uncertain(const fp_table *t, size_t row)
{
    return t->uncertain ? t->uncertain[row] : 0;
}

int fp_table_depth(const fp_table *t, size_t row)
{
    int d = 0;
    for (int32_t p = t->parent[row]; p >= 0; p = t->parent[p])
        d++;
    return d;
}

size_t fp_table_path(const fp_table *t, size_t row, size_t *path, size_t cap)
{
    size_t len = (size_t)fp_table_depth(t, row) + 1;
    size_t k = len;
    for (size_t x = row; x != FP_NONE; x = fp_table_parent(t, x)) {
        k--;
        if (k < cap)
            path[k] = x;
    }
    return len;
}

/* Does the path of names from the top down to ROW equal P (names separated by '/')? */
static int path_matches(const fp_table *t, size_t row, const char *p, size_t len)
{
    /* compare from the end of P upwards */
    size_t end = len;
    for (size_t x = row; x != FP_NONE; x = fp_table_parent(t, x)) {
        const char *name = fp_table_row_name(t, x);
        size_t n = strlen(name);
        if (n > end || memcmp(p + end - n, name, n) != 0)
            return 0;
        end -= n;
        if (fp_table_parent(t, x) == FP_NONE)
            return end == 0;
        if (end == 0 || p[end - 1] != '/')
            return 0;
        end--;
    }
    return 0;
}

size_t fp_table_find_row(const fp_table *t, const char *name, size_t *row)
{
    size_t count = 0;
    *row = FP_NONE;
    for (size_t r = 0; r < t->nrows; r++)
        if (strcmp(fp_table_row_name(t, r), name) == 0 && count++ == 0)
            *row = r;
    if (count || !strchr(name, '/'))
        return count;
    size_t len = strlen(name);
    for (size_t r = 0; r < t->nrows; r++)
        if (path_matches(t, r, name, len) && count++ == 0)
            *row = r;
    return count;
}

fp_amount fp_table_amount(const fp_table *t, size_t row, size_t col)
{
    return t->cols[col].values[row];
}

int fp_table_is_blank(const fp_table *t, size_t row, size_t col)
{
    return bit_get(t->cols[col].blank, row);
}

void fp_table_set_amount(fp_table *t, size_t row, size_t col, fp_amount value)
{
    column *c = &t->cols[col];
    if (c->values[row] != value || value != 0)
        bit_set(c->blank, row, 0);
    c->values[row] = value;
}

const char *fp_table_text(const fp_table *t, size_t row, size_t col)
{
    const column *c = &t->cols[col];
    if (c->role == FP_ROLE_LEVEL)
        return "";
    if (c->dense)
        return strpool_get(&t->pool, c->text[row]);
    const char *s = column_sparse_text(t, c, row);
    return s ? s : "";
}
