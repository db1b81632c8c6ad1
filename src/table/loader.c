/* table/loader.c — turn records of cells (from any reader) into an fp_table: the header, the
 * column roles, amounts into their columns, the tree from 级次. Readers (csv_read.c, …) call
 * loader_row_begin / loader_cell / loader_row_end for every record, then loader_finish. */
#include <stdlib.h>
#include <string.h>

#include "table/loader.h"
#include "table/table_impl.h"
#include "util/buf.h"

struct loader {
    fp_table *t;
    const fp_load_options *opts;
    fp_diag *diag;
    fp_error err;

    const char *sheet; /* for cell references (XLSX), or NULL */
    long rec_line;     /* line (or sheet row) of the current record */
    int in_record;     /* loader_row_begin was called and loader_row_end not yet */
    size_t field;      /* index of the next cell in the record */
    int rec_nonempty;

    /* before the header: the fields of the current record */
    char **pre;
    size_t npre, precap;
    int header_done;

    /* data rows */
    size_t row;         /* index of the row being filled */
    size_t level_col, parent_col, code_col, pcode_col;
    long cur_level;
    int level_seen;
    int32_t *stack;     /* last row seen at each depth */
    size_t stackcap;
    long prev_depth;
};

static int is_one_of(const char *s, const char *const *list)
{
    for (; *list; list++)
        if (strcmp(s, *list) == 0)
            return 1;
    return 0;
}

static const char *const level_names[] = {"级次", "层级", "级别", "level", NULL};
static const char *const parent_names[] = {"上级", "上级单位", "上级名称", "parent", NULL};
static const char *const code_names[] = {"编码", "单位编码", "代码", "code", NULL};
static const char *const pcode_names[] = {"上级编码", "上级代码", "parent_code", NULL};
static const char *const name_names[] = {"单位", "拨款单位", "单位名称", "名称", "地区",
                                          "预算单位", "项目单位", "name", NULL};
static const char *const text_names[] = {"备注", "说明", "支出方向", "用途", "资金用途", NULL};

/* Assign the roles that a header alone decides. */
static fp_error assign_header_roles(loader *L)
{
    fp_table *t = L->t;
    const fp_load_options *o = L->opts;
    for (size_t i = 0; i < t->ncols; i++) {
        column *c = &t->cols[i];
        const char *h = c->name;
        if (is_one_of(h, level_names) && L->level_col == FP_NONE) {
            c->role = FP_ROLE_LEVEL;
            L->level_col = i;
        } else if (is_one_of(h, pcode_names) && L->pcode_col == FP_NONE) {
            c->role = FP_ROLE_PARENT_CODE;
            L->pcode_col = i;
        } else if (is_one_of(h, parent_names) && L->parent_col == FP_NONE) {
            c->role = FP_ROLE_PARENT;
            L->parent_col = i;
        } else if (is_one_of(h, code_names) && L->code_col == FP_NONE) {
            c->role = FP_ROLE_CODE;
            L->code_col = i;
        } else if (is_one_of(h, text_names)) {
            c->role = FP_ROLE_TEXT;
            c->dense = 1;
        } else {
            c->role = FP_ROLE_AMOUNT; /* provisional: decided by content */
        }
        if (c->role != FP_ROLE_AMOUNT)
            c->dense = 1;
    }
    /* The name column: by flag, by header, else the first column not otherwise taken. */
    size_t name = FP_NONE;
    if (o->name_column) {
        name = fp_table_find_column(t, o->name_column);
        if (name == FP_NONE)
            return diag_set(L->diag, FP_ERR_COLUMN, t->source, 0, o->name_column, NULL, 0,
                            "no column is headed \"%s\" (given as the name column)",
                            o->name_column);
    } else {
        for (size_t i = 0; i < t->ncols && name == FP_NONE; i++)
            if (t->cols[i].role == FP_ROLE_AMOUNT && is_one_of(t->cols[i].name, name_names))
                name = i;
        for (size_t i = 0; i < t->ncols && name == FP_NONE; i++)
            if (t->cols[i].role == FP_ROLE_AMOUNT)
                name = i;
    }
    if (name != FP_NONE) {
        t->cols[name].role = FP_ROLE_NAME;
        t->cols[name].dense = 1;
    }
    t->name_col = name;
    if ((L->code_col == FP_NONE) != (L->pcode_col == FP_NONE) && L->level_col == FP_NONE &&
        L->parent_col == FP_NONE)
        return diag_set(L->diag, FP_ERR_COLUMN, t->source, L->rec_line, NULL, NULL, 0,
                        "a tree by codes needs both a 编码 and a 上级编码 column");
    return FP_OK;
}

static fp_error nomem(loader *L)
{
    return diag_set(L->diag, FP_ERR_NOMEM, L->t->source, L->rec_line, NULL, NULL, 0,
                    "out of memory while reading the table");
}

static fp_error grow_rows(loader *L)
{
    fp_table *t = L->t;
    if (t->nrows < t->rowcap)
        return FP_OK;
    if (t->nrows >= INT32_MAX - 1)
        return diag_set(L->diag, FP_ERR_NOMEM, t->source, L->rec_line, NULL, NULL, 0,
                        "more than %d rows", INT32_MAX - 1);
    size_t cap = t->rowcap ? t->rowcap * 2 : 1024;
    int32_t *p = realloc(t->parent, cap * sizeof *p);
    if (!p)
        return nomem(L);
    t->parent = p;
    for (size_t i = 0; i < t->ncols; i++) {
        column *c = &t->cols[i];
        if (c->role == FP_ROLE_LEVEL) {
            continue; /* the level lives in the tree */
        } else if (c->dense) {
            uint32_t *x = realloc(c->text, cap * sizeof *x);
            if (!x)
                return nomem(L);
            c->text = x;
        } else {
            fp_amount *v = realloc(c->values, cap * sizeof *v);
            if (!v)
                return nomem(L);
            c->values = v;
            uint8_t *b = realloc(c->blank, (cap + 7) / 8);
            if (!b)
                return nomem(L);
            memset(b + (t->rowcap + 7) / 8, 0, (cap + 7) / 8 - (t->rowcap + 7) / 8);
            c->blank = b;
        }
    }
    t->rowcap = cap;
    return FP_OK;
}

static fp_error add_sparse(loader *L, column *c, const char *s, size_t len)
{
    size_t off;
    if (buf_reserve((void **)&c->sparse, &c->sparsecap, c->nsparse + 1, sizeof *c->sparse) ||
        strpool_add(&L->t->pool, s, len, &off))
        return nomem(L);
    if (off > UINT32_MAX)
        return diag_set(L->diag, FP_ERR_NOMEM, L->t->source, L->rec_line, NULL, NULL, 0,
                        "the table's text exceeds 4 GiB");
    c->sparse[c->nsparse].row = (uint32_t)L->row;
    c->sparse[c->nsparse].off = (uint32_t)off;
    c->nsparse++;
    return FP_OK;
}

/* Parse a 级次 cell: a small non-negative integer, ASCII or full-width digits. */
static int parse_level(const char *s, size_t len, long *out)
{
    fp_amount v;
    fp_amount_info info;
    if (fp_amount_parse(s, len, &v, &info) != FP_OK || info.blank || v < 0 ||
        v % FP_AMOUNT_SCALE != 0 || v / FP_AMOUNT_SCALE > 100000)
        return -1;
    *out = (long)(v / FP_AMOUNT_SCALE);
    return 0;
}

static void start_row(loader *L)
{
    fp_table *t = L->t;
    if ((L->err = grow_rows(L)) != FP_OK)
        return;
    L->row = t->nrows;
    L->level_seen = 0;
    t->parent[L->row] = -1;
    /* Keep a line mark where the line stops following the row number. */
    long expect = -1;
    if (t->nmarks)
        expect = (long)t->marks[t->nmarks - 1].line +
                 (long)(L->row - t->marks[t->nmarks - 1].row);
    if (expect != L->rec_line) {
        if (buf_reserve((void **)&t->marks, &t->markcap, t->nmarks + 1, sizeof *t->marks)) {
            L->err = nomem(L);
            return;
        }
        t->marks[t->nmarks].row = (uint32_t)L->row;
        t->marks[t->nmarks].line = (uint32_t)L->rec_line;
        t->nmarks++;
    }
}

/* Store one cell. Returns 1 when the cell was plain digits (so it holds no line end). */
static int store_cell(loader *L, size_t col, const char *s, size_t len)
{
    fp_table *t = L->t;
    column *c = &t->cols[col];
    size_t row = L->row;
    if (c->role == FP_ROLE_LEVEL) {
        if (parse_level(s, len, &L->cur_level)) {
            L->err = diag_set(L->diag, FP_ERR_TREE_DEPTH, t->source, L->rec_line, c->name, s, len,
                              "the level (级次) must be a whole number such as 0, 1, 2");
            return 0;
        }
        L->level_seen = 1;
        return 0;
    }
    if (c->dense) {
        size_t off = 0;
        if (len && strpool_add(&t->pool, s, len, &off)) {
            L->err = nomem(L);
            return 0;
        }
        if (off > UINT32_MAX) {
            L->err = diag_set(L->diag, FP_ERR_NOMEM, t->source, L->rec_line, NULL, NULL, 0,
                              "the table's text exceeds 4 GiB");
            return 0;
        }
        c->text[row] = (uint32_t)off;
        if (len)
            c->nonempty++;
        return 0;
    }
    /* The common cell, 1 to 12 ASCII digits, without the general parser. */
    if (len - 1 < 12) {
        int64_t v = 0;
        size_t i = 0;
        while (i < len && (unsigned char)s[i] - (unsigned)'0' < 10)
            v = v * 10 + (s[i++] - '0');
        if (i == len) {
            c->values[row] = v * FP_AMOUNT_SCALE;
            bit_set(c->blank, row, 0);
            c->nonempty++;
            if (len > 1 && s[0] == '0')
                L->err = add_sparse(L, c, s, len); /* "007" is not plain */
            return 1;
        }
    }
    fp_amount v;
    fp_amount_info info;
    fp_error e = fp_amount_parse(s, len, &v, &info);
    c->values[row] = v;
    bit_set(c->blank, row, e == FP_OK && info.blank);
    if (e != FP_OK) {
        if (c->failed++ == 0)
            c->first_failed = (uint32_t)row;
        c->nonempty++;
        L->err = add_sparse(L, c, s, len);
        return 0;
    }
    if (!info.blank) {
        c->nonempty++;
        if (info.decimals > c->decimals)
            c->decimals = info.decimals > FP_AMOUNT_DECIMALS ? FP_AMOUNT_DECIMALS : info.decimals;
    }
    if (!info.plain)
        L->err = add_sparse(L, c, s, len);
    return 0;
}

/* A blank data row is dropped; a data row ends here. */
static void end_row(loader *L)
{
    fp_table *t = L->t;
    size_t row = L->row;
    /* Cells missing at the end of a short record are blank. */
    for (size_t i = L->field; i < t->ncols; i++)
        store_cell(L, i, "", 0);
    if (L->err)
        return;
    if (!L->rec_nonempty) {
        /* Undo what a blank record added: sparse cells only come from non-blank text. */
        if (t->nmarks && t->marks[t->nmarks - 1].row == row)
            t->nmarks--;
        return;
    }
    if (L->level_col != FP_NONE) {
        if (!L->level_seen) {
            L->err = diag_set(L->diag, FP_ERR_TREE_DEPTH, t->source, L->rec_line,
                              t->cols[L->level_col].name, "", 0,
                              "the level (级次) is empty; every row needs one");
            return;
        }
        long depth;
        if (row == 0) {
            t->level_base = (int)L->cur_level;
            depth = 0;
        } else {
            depth = L->cur_level - t->level_base;
        }
        if (depth < 0 || depth > L->prev_depth + 1) {
            char txt[32];
            int n = snprintf(txt, sizeof txt, "%ld", L->cur_level);
            if (depth < 0)
                L->err = diag_set(L->diag, FP_ERR_TREE_DEPTH, t->source, L->rec_line,
                                  t->cols[L->level_col].name, txt, (size_t)n,
                                  "level %ld is above the first row's level %d", L->cur_level,
                                  t->level_base);
            else
                L->err = diag_set(L->diag, FP_ERR_TREE_DEPTH, t->source, L->rec_line,
                                  t->cols[L->level_col].name, txt, (size_t)n,
                                  "level jumps from %ld to %ld; a row can be at most one level "
                                  "below the row before it",
                                  L->prev_depth + t->level_base, L->cur_level);
            return;
        }
        if (buf_reserve((void **)&L->stack, &L->stackcap, (size_t)depth + 1, sizeof *L->stack)) {
            L->err = nomem(L);
            return;
        }
        t->parent[row] = depth ? L->stack[depth - 1] : -1;
        L->stack[depth] = (int32_t)row;
        L->prev_depth = depth;
    }
    t->nrows++;
}

static fp_error set_header(loader *L)
{
    fp_table *t = L->t;
    t->cols = calloc(L->npre ? L->npre : 1, sizeof *t->cols);
    if (!t->cols)
        return nomem(L);
    t->ncols = L->npre;
    for (size_t i = 0; i < L->npre; i++) {
        t->cols[i].name = L->pre[i];
        L->pre[i] = NULL;
        if (!t->cols[i].name[0]) {
            char buf[32];
            snprintf(buf, sizeof buf, "列%zu", i + 1);
            char *n = strdup(buf);
            if (!n)
                return nomem(L);
            free(t->cols[i].name);
            t->cols[i].name = n;
        }
    }
    for (size_t i = 0; i < t->ncols; i++)
        for (size_t j = 0; j < i; j++)
            if (strcmp(t->cols[i].name, t->cols[j].name) == 0)
                return diag_set(L->diag, FP_ERR_COLUMN, t->source, L->rec_line, t->cols[i].name,
                                NULL, 0, "two columns are headed \"%s\" (columns %zu and %zu)",
                                t->cols[i].name, j + 1, i + 1);
    L->npre = 0;
    L->header_done = 1;
    return assign_header_roles(L);
}

static void pre_clear(loader *L)
{
    for (size_t i = 0; i < L->npre; i++)
        free(L->pre[i]);
    L->npre = 0;
}

/* Before the header: a record with one non-empty cell is a title or a "单位：万元" line. */
static void pre_record(loader *L)
{
    size_t nonempty = 0, first = 0;
    for (size_t i = 0; i < L->npre; i++)
        if (L->pre[i][0] && nonempty++ == 0)
            first = i;
    if (nonempty >= 2) {
        L->err = set_header(L);
        return;
    }
    if (nonempty == 1) {
        const char *s = L->pre[first];
        static const char *const prefixes[] = {"单位：", "单位:", "金额单位：", "金额单位:", NULL};
        for (const char *const *p = prefixes; *p; p++) {
            size_t n = strlen(*p);
            if (strncmp(s, *p, n) == 0 && !L->t->unit) {
                const char *u = s + n;
                while (*u == ' ')
                    u++;
                if (!(L->t->unit = strdup(u)))
                    L->err = nomem(L);
            }
        }
    }
    pre_clear(L);
}


/* ---- the record sink ---- */

loader *loader_new(const char *name, const fp_load_options *opts, fp_diag *diag)
{
    loader *L = calloc(1, sizeof *L);
    if (!L)
        return NULL;
    L->opts = opts;
    L->diag = diag;
    L->level_col = L->parent_col = L->code_col = L->pcode_col = FP_NONE;
    if (!(L->t = table_new(name))) {
        free(L);
        return NULL;
    }
    return L;
}

void loader_set_sheet(loader *L, const char *sheet)
{
    L->sheet = sheet;
    free(L->t->sheet);
    L->t->sheet = sheet ? strdup(sheet) : NULL;
    if (sheet && !L->t->sheet)
        L->err = nomem(L);
}

fp_error loader_error(const loader *L) { return L->err; }

void loader_row_begin(loader *L, long line)
{
    if (L->err)
        return;
    L->in_record = 1;
    L->rec_line = line;
    L->field = 0;
    L->rec_nonempty = 0;
    if (L->header_done)
        start_row(L);
}

int loader_cell(loader *L, size_t col, const char *s, size_t len)
{
    if (L->err)
        return 1;
    int digits = 0;
    /* cells skipped (an XLSX row leaves empty cells out) are blank */
    while (L->field < col && !L->err)
        loader_cell(L, L->field, "", 0);
    if (len)
        L->rec_nonempty = 1;
    if (L->header_done && L->field < L->t->ncols) {
        digits = store_cell(L, L->field, s, len);
    } else if (!L->header_done) {
        char *copy = malloc(len + 1);
        if (!copy || buf_reserve((void **)&L->pre, &L->precap, L->npre + 1, sizeof *L->pre)) {
            free(copy);
            L->err = nomem(L);
            return 1;
        }
        memcpy(copy, s, len);
        copy[len] = '\0';
        L->pre[L->npre++] = copy;
    } else if (len) {
        L->err = diag_set(L->diag, FP_ERR_CSV, L->t->source, L->rec_line, NULL, s, len,
                          "row has %zu or more cells but the header has only %zu columns",
                          L->field + 1, L->t->ncols);
    }
    L->field++;
    return digits;
}

void loader_row_end(loader *L)
{
    if (L->err || !L->in_record)
        return;
    if (L->header_done)
        end_row(L);
    else
        pre_record(L);
    L->in_record = 0;
}

fp_error loader_finish(loader *L, fp_table **out)
{
    *out = NULL;
    if (L->in_record)
        loader_row_end(L);
    if (!L->err && !L->header_done)
        L->err = diag_set(L->diag, FP_ERR_EMPTY, L->t->source, 0, NULL, NULL, 0,
                          "no header row: expected a row naming the columns (级次, 单位, …)");
    if (!L->err && L->t->nrows == 0)
        L->err = diag_set(L->diag, FP_ERR_EMPTY, L->t->source, 0, NULL, NULL, 0,
                          "the table has a header but no data rows");
    if (!L->err)
        L->err = table_finish(L->t, L->opts, L->level_col, L->parent_col, L->code_col,
                              L->pcode_col, L->diag);
    if (L->err)
        return L->err;
    *out = L->t;
    L->t = NULL;
    return FP_OK;
}

void loader_free(loader *L)
{
    if (!L)
        return;
    pre_clear(L);
    free(L->pre);
    free(L->stack);
    fp_table_free(L->t);
    free(L);
}
