/* read/loader.c — turn records of cells (from any reader) into an fp_table: the header, the
 * column roles, amounts into their columns, the tree from 级次. Readers (csv_read.c, …) call
 * loader_row_begin / loader_cell / loader_row_end for every record, then loader_finish.
 *
 * A table without 级次/上级/编码 columns is read in the notice layout (as copied out of a PDF
 * notice): each data record is held whole until it ends, so that the page furniture repeated in
 * the middle of the data (titles, 单位：万元, the header row, "(此页无正文)", page numbers) can be
 * recognised and dropped before it touches the columns; a header may be split over two lines. */
#include <stdlib.h>
#include <string.h>

#include "read/loader.h"
#include "read/loader_impl.h"
#include "core/table_impl.h"
#include "util/buf.h"
#include "util/hanzi.h"


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
                                          "乡镇", "乡镇名称", "县市", "县（市、区）", "地州",
                                          "预算单位", "项目单位", "name", NULL};
static const char *const text_names[] = {"备注", "说明", "支出方向", "用途", "资金用途", NULL};
/* Numbers that are not money: an ordinal, a year. Never an amount, never the name column. */
static const char *const ordinal_names[] = {"序号", "序", "编号", "行次", "行号", "No", "No.",
                                             "NO", "NO.", "年度", "年份", "年", "year", "类", "款",
                                             "项", "目", NULL}; /* 类款项目: budget codes */

/* Does header H (without spaces) name a column of numbers that are not money: 序号, 年度, or a
 * code (科目编码, 功能分类代码)? */
static int is_number_not_money(const char *h)
{
    char buf[128];
    size_t n = 0;
    for (const char *p = h; *p && n < sizeof buf - 1; p++)
        if (*p != ' ')
            buf[n++] = *p;
    buf[n] = '\0';
    return is_one_of(buf, ordinal_names) || strstr(buf, "编码") || strstr(buf, "代码") ||
           strstr(buf, "序号");
}

static int is_name_header(const char *h);

/* Assign the roles that a header alone decides. */
static fp_error assign_header_roles(loader *L)
{
    fp_table *t = L->t;
    const fp_load_options *o = L->opts;
    for (size_t i = 0; i < t->ncols; i++) {
        column *c = &t->cols[i];
        char h[256]; /* the header read as simplified: 級次 is 级次 */
        size_t hl = strlen(c->name);
        if (hl >= sizeof h)
            hl = 0;
        hz_simplify(c->name, hl, h);
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
        } else if (is_one_of(h, text_names) || is_number_not_money(h)) {
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
            if (t->cols[i].role == FP_ROLE_AMOUNT && is_name_header(t->cols[i].name))
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

/* Room for CAP rows in every column, SURE of them certain to be filled (buf_resize_big); -1
 * when out of memory (the columns keep at least their old room, and rowcap its old value). */
static int grow_rows_to(fp_table *t, size_t cap, size_t sure)
{
    size_t used = t->nrows;
    if (buf_resize_big((void **)&t->parent, used * sizeof *t->parent, cap * sizeof *t->parent,
                       sure * sizeof *t->parent))
        return -1;
    for (size_t i = 0; i < t->ncols; i++) {
        column *c = &t->cols[i];
        if (c->role == FP_ROLE_LEVEL) {
            continue; /* the level lives in the tree */
        } else if (c->dense) {
            if (buf_resize_big((void **)&c->text, used * sizeof *c->text, cap * sizeof *c->text,
                               sure * sizeof *c->text))
                return -1;
        } else {
            if (buf_resize_big((void **)&c->values, used * sizeof *c->values,
                               cap * sizeof *c->values, sure * sizeof *c->values))
                return -1;
            /* calloc, not realloc + memset: fresh zero pages cost nothing until a blank
             * cell is written (a table without blanks never touches them) */
            uint8_t *b = calloc((cap + 7) / 8, 1);
            if (!b)
                return -1;
            if (t->rowcap)
                memcpy(b, c->blank, (t->rowcap + 7) / 8);
            free(c->blank);
            c->blank = b;
        }
    }
    t->rowcap = cap;
    return 0;
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
    if (cap > (size_t)INT32_MAX)
        cap = (size_t)INT32_MAX;
    return grow_rows_to(t, cap, 0) ? nomem(L) : FP_OK;
}

void loader_expect(loader *L, double scale)
{
    /* Only a guess: when memory refuses it, the table grows as its rows come instead. Pages
     * of the tenth to spare are never written when not needed, so they cost no memory. */
    fp_table *t = L->t;
    if (L->err || !L->header_done || !(scale > 1) || scale > 1e9)
        return;
    size_t rows = (size_t)((double)t->nrows * scale * 1.1) + 1024;
    size_t sure = (size_t)((double)t->nrows * scale * 0.97);
    if (rows > (size_t)INT32_MAX)
        rows = sure = (size_t)INT32_MAX;
    if (rows > t->rowcap)
        (void)grow_rows_to(t, rows, sure);
    size_t text = (size_t)((double)t->pool.len * scale * 1.1) + 4096;
    size_t sure_text = (size_t)((double)t->pool.len * scale * 0.97);
    if (text > t->pool.cap && buf_resize_big((void **)&t->pool.data, t->pool.len, text,
                                             sure_text) == 0)
        t->pool.cap = text;
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

/* Parse a 级次 cell: a small non-negative integer, ASCII or full-width digits. -1 when it is
 * not a whole number, -2 when it is one out of range (negative or over LOADER_MAX_LEVEL). */
static int parse_level(const char *s, size_t len, long *out)
{
    fp_amount v;
    fp_amount_info info;
    fp_error e = fp_amount_parse(s, len, &v, &info);
    if (e == FP_ERR_AMOUNT_OVERFLOW)
        return -2;
    if (e != FP_OK || info.blank || v % FP_AMOUNT_SCALE != 0)
        return -1;
    if (v < 0 || v / FP_AMOUNT_SCALE > LOADER_MAX_LEVEL)
        return -2;
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

/* After an error in column COL of the current record: its cell reference (XLSX) into DIAG. */
static void note_cell(loader *L, size_t col)
{
    if (L->diag && col != FP_NONE)
        table_cell_ref(L->t, L->rec_line, col, L->diag->cell, sizeof L->diag->cell);
}

/* Store one cell. Returns 1 when the cell was plain digits (so it holds no line end). */
static int store_cell(loader *L, size_t col, const char *s, size_t len)
{
    fp_table *t = L->t;
    column *c = &t->cols[col];
    size_t row = L->row;
    if (c->role == FP_ROLE_LEVEL) {
        int pl = parse_level(s, len, &L->cur_level);
        if (pl == -2) {
            L->err = diag_set(L->diag, FP_ERR_TREE_DEPTH, t->source, L->rec_line, c->name, s, len,
                              "the level (级次) is out of range: expected a whole number from 0 "
                              "to %d",
                              LOADER_MAX_LEVEL);
            note_cell(L, col);
            return 0;
        }
        if (pl) {
            L->err = diag_set(L->diag, FP_ERR_TREE_DEPTH, t->source, L->rec_line, c->name, s, len,
                              "the level (级次) must be a whole number such as 0, 1, 2");
            note_cell(L, col);
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
            /* blank bit already 0: new rows start cleared (grow_rows, end_row) */
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
    if (e == FP_OK && info.blank)
        bit_set(c->blank, row, 1);
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
        /* Undo what a blank record added: sparse cells only come from non-blank text; blank
         * bits are cleared so the next row starts clean. */
        if (t->nmarks && t->marks[t->nmarks - 1].row == row)
            t->nmarks--;
        for (size_t i = 0; i < t->ncols; i++)
            if (t->cols[i].blank)
                bit_set(t->cols[i].blank, row, 0);
        return;
    }
    if (L->level_col != FP_NONE) {
        if (!L->level_seen) {
            L->err = diag_set(L->diag, FP_ERR_TREE_DEPTH, t->source, L->rec_line,
                              t->cols[L->level_col].name, "", 0,
                              "the level (级次) is empty; every row needs one");
            note_cell(L, L->level_col);
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
            note_cell(L, L->level_col);
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

typedef struct named_col {
    const char *name;
    size_t col;
} named_col;

static int cmp_named_col(const void *a, const void *b)
{
    const named_col *x = a, *y = b;
    int c = strcmp(x->name, y->name);
    return c ? c : (x->col > y->col) - (x->col < y->col);
}

/* Two columns with one header: reported for the first column whose name appeared before (as a
 * scan left to right would), found by sorting, so 100,000 columns take no time. */
static fp_error check_duplicate_names(loader *L)
{
    fp_table *t = L->t;
    if (t->ncols < 2)
        return FP_OK;
    named_col *v = malloc(t->ncols * sizeof *v);
    if (!v)
        return nomem(L);
    for (size_t i = 0; i < t->ncols; i++) {
        v[i].name = t->cols[i].name;
        v[i].col = i;
    }
    qsort(v, t->ncols, sizeof *v, cmp_named_col);
    size_t first = FP_NONE, second = FP_NONE;
    for (size_t k = 1; k < t->ncols; k++)
        if (strcmp(v[k].name, v[k - 1].name) == 0 &&
            (k < 2 || strcmp(v[k].name, v[k - 2].name) != 0) &&
            (second == FP_NONE || v[k].col < second)) {
            first = v[k - 1].col;
            second = v[k].col;
        }
    free(v);
    if (second == FP_NONE)
        return FP_OK;
    return diag_set(L->diag, FP_ERR_COLUMN, t->source, L->rec_line, t->cols[second].name, NULL, 0,
                    "two columns are headed \"%s\" (columns %zu and %zu)",
                    t->cols[second].name, first + 1, second + 1);
}

static int is_tree_header(const char *h);

/* The header: CELLS[0..N) (malloc'd strings, taken over and set to NULL). */
static fp_error set_header(loader *L, char **cells, size_t n)
{
    fp_table *t = L->t;
    /* Empty cells at the end of a notice's header (a copy padded to the page's width) are no
     * columns; a canonical table keeps every column it names, even unnamed. */
    int tree = 0;
    for (size_t i = 0; i < n; i++)
        tree |= is_tree_header(cells[i]);
    if (L->opts->layout == FP_LAYOUT_NOTICE || (L->opts->layout == FP_LAYOUT_AUTO && !tree))
        while (n > 1 && !cells[n - 1][0]) {
            free(cells[n - 1]);
            cells[--n] = NULL;
        }
    if (L->opts->layout == FP_LAYOUT_NOTICE || (L->opts->layout == FP_LAYOUT_AUTO && !tree)) {
        size_t g = page_side_width(cells, n);
        if (g) { /* side-by-side pages: one group's columns are the table's */
            L->groups = n / g;
            L->gwidth = g;
            for (size_t i = g; i < n; i++) {
                free(cells[i]);
                cells[i] = NULL;
            }
            n = g;
        }
    }
    t->cols = calloc(n ? n : 1, sizeof *t->cols);
    if (!t->cols)
        return nomem(L);
    t->ncols = n;
    for (size_t i = 0; i < n; i++) {
        t->cols[i].name = cells[i];
        cells[i] = NULL;
        if (!t->cols[i].name[0]) {
            char buf[32];
            snprintf(buf, sizeof buf, "列%zu", i + 1);
            char *name = strdup(buf);
            if (!name)
                return nomem(L);
            free(t->cols[i].name);
            t->cols[i].name = name;
        }
    }
    if (header_name_columns(L, L->opts->layout == FP_LAYOUT_NOTICE ||
                                   (L->opts->layout == FP_LAYOUT_AUTO && !tree)))
        return nomem(L);
    fp_error dup = check_duplicate_names(L);
    if (dup)
        return dup;
    L->header_done = 1;
    fp_error e = assign_header_roles(L);
    L->notice = L->opts->layout == FP_LAYOUT_NOTICE ||
                (L->opts->layout == FP_LAYOUT_AUTO && L->level_col == FP_NONE &&
                 L->parent_col == FP_NONE && L->code_col == FP_NONE && L->pcode_col == FP_NONE);
    L->canon = !L->notice;
    return e;
}

static void strings_clear(char **v, size_t *n)
{
    for (size_t i = 0; i < *n; i++)
        free(v[i]);
    *n = 0;
}

static void pre_clear(loader *L) { strings_clear(L->pre, &L->npre); }

/* ---- data records ---- */

/* Cell L->field of the data row being filled. */
static int data_cell(loader *L, const char *s, size_t len)
{
    fp_table *t = L->t;
    int digits = 0;
    if (L->field < t->ncols) {
        if (L->notice && L->field == t->name_col)
            page_trim(&s, &len, 1);
        digits = store_cell(L, L->field, s, len);
    } else if (len && L->notice) {
        /* A cell right of the header: damage from copying out of a PDF. The row is kept and
         * its place in the tree marked uncertain; the cell itself cannot be placed. */
        if (!t->nsuspect || t->suspect[t->nsuspect - 1] != L->row) {
            if (buf_reserve((void **)&t->suspect, &t->suspectcap, t->nsuspect + 1,
                            sizeof *t->suspect))
                L->err = nomem(L);
            else
                t->suspect[t->nsuspect++] = (uint32_t)L->row;
        }
    } else if (len) {
        L->err = diag_set(L->diag, FP_ERR_CSV, t->source, L->rec_line, NULL, s, len,
                          "row has %zu or more cells but the header has only %zu columns",
                          L->field + 1, t->ncols);
        note_cell(L, L->field);
    }
    L->field++;
    return digits;
}

/* The held record (notice layout) is a data row: store it. */
void loader_store_held(loader *L)
{
    /* 合计 printed across the 序号 and name cells (a merged cell of a Word table) lands in the
     * 序号 column: it names the row */
    size_t nc = L->t->name_col;
    if (nc != FP_NONE && nc < L->nrec && !rec_cell(L, nc)[0])
        for (size_t i = 0; i < nc; i++) {
            const char *c = rec_cell(L, i);
            if (c[0] && L->t->cols[i].role == FP_ROLE_TEXT &&
                is_number_not_money(L->t->cols[i].name) && !page_cell_is_amount(c, strlen(c))) {
                size_t off = L->roff[i];
                L->roff[i] = L->roff[nc];
                L->roff[nc] = off;
                break;
            }
        }
    start_row(L);
    L->field = 0;
    for (size_t i = 0; i < L->nrec && !L->err; i++) {
        const char *c = rec_cell(L, i);
        data_cell(L, c, strlen(c));
    }
    if (!L->err)
        end_row(L);
}

static void notice_record(loader *L)
{
    if (!L->rec_nonempty || L->err)
        return;
    if (L->groups > 1)
        page_side_record(L);
    else if (!page_record_is_furniture(L) && !L->err)
        loader_store_held(L);
}

/* Append a cell to the held record. */
void loader_hold_cell(loader *L, const char *s, size_t len)
{
    if (buf_reserve((void **)&L->roff, &L->reccap, L->nrec + 1, sizeof *L->roff) ||
        buf_reserve((void **)&L->rbuf, &L->rcap, L->rlen + len + 1, 1)) {
        L->err = nomem(L);
        return;
    }
    L->roff[L->nrec++] = L->rlen;
    memcpy(L->rbuf + L->rlen, s, len);
    L->rlen += len;
    L->rbuf[L->rlen++] = '\0';
}

/* The record in L->pre (read before the header was settled) is the first data row. */
static void pre_as_data(loader *L)
{
    if (L->notice) {
        L->nrec = L->rlen = 0;
        for (size_t i = 0; i < L->npre && !L->err; i++)
            loader_hold_cell(L, L->pre[i], strlen(L->pre[i]));
        if (!L->err)
            notice_record(L);
        return;
    }
    start_row(L);
    L->field = 0;
    for (size_t i = 0; i < L->npre && !L->err; i++)
        data_cell(L, L->pre[i], strlen(L->pre[i]));
    if (!L->err)
        end_row(L);
}

/* ---- before the header ---- */

static int is_tree_header(const char *h)
{
    return is_one_of(h, level_names) || is_one_of(h, parent_names) || is_one_of(h, code_names) ||
           is_one_of(h, pcode_names);
}

/* May the header record in L->pre be continued on the next line (notice layout)? */
static int header_may_continue(const loader *L)
{
    if (L->opts->layout == FP_LAYOUT_CANONICAL)
        return 0;
    if (L->opts->layout == FP_LAYOUT_AUTO)
        for (size_t i = 0; i < L->npre; i++)
            if (is_tree_header(L->pre[i]))
                return 0;
    return 1;
}

/* Does the record in L->pre continue the held header: text only, something right of the first
 * column, and (unless the layout is notice for sure) nothing in the first column? */
static int continues_header(const loader *L)
{
    int right = 0;
    for (size_t i = 0; i < L->npre; i++) {
        size_t len = strlen(L->pre[i]);
        if (!len)
            continue;
        if (page_cell_is_amount(L->pre[i], len))
            return 0;
        if (i == 0 && L->opts->layout != FP_LAYOUT_NOTICE)
            return 0;
        if (i > 0)
            right = 1;
    }
    return right;
}

/* Join the record in L->pre to the held header, column by column (group headers: header.c). */
static void join_header(loader *L)
{
    if (header_join(&L->hdr, &L->nhdr, &L->hdrcap, L->pre, L->npre))
        L->err = nomem(L);
}

static void settle_held_header(loader *L)
{
    L->have_hdr = 0;
    L->err = set_header(L, L->hdr, L->nhdr);
    strings_clear(L->hdr, &L->nhdr);
}

/* Take the unit lines out of the record in L->pre (拨款单位 | 单位：万元 on one line, the unit
 * at the top right of the page): they name the unit, not a column. */
static void take_unit_cells(loader *L)
{
    size_t nonempty = 0;
    for (size_t i = 0; i < L->npre; i++)
        nonempty += L->pre[i][0] != '\0';
    if (nonempty < 2)
        return;
    for (size_t i = 0; i < L->npre && !L->err; i++) {
        const char *c = L->pre[i];
        size_t len = strlen(c);
        page_trim(&c, &len, 0);
        char cell[256], u[128];
        if (!len || len >= sizeof cell)
            continue;
        memcpy(cell, c, len);
        cell[len] = '\0';
        if (!page_unit_of_line(cell, u, sizeof u))
            continue;
        if (L->t->unit && strcmp(L->t->unit, u) != 0)
            L->err = diag_set(L->diag, FP_ERR_CSV, L->t->source, L->rec_line, NULL, cell, len,
                              "the unit changes from %s to %s here; a table has one unit",
                              L->t->unit, u);
        else if (!L->t->unit && !(L->t->unit = strdup(u)))
            L->err = nomem(L);
        L->pre[i][0] = '\0';
    }
}

/* Is the record in L->pre text only (no amount)? */
static int pre_is_text(const loader *L)
{
    for (size_t i = 0; i < L->npre; i++)
        if (page_cell_is_amount(L->pre[i], strlen(L->pre[i])))
            return 0;
    return 1;
}

/* Does header H name the name column (拨款单位, 單位 …)? */
static int is_name_header(const char *h)
{
    char buf[128];
    size_t len = strlen(h);
    if (len >= sizeof buf)
        return 0;
    hz_simplify(h, len, buf);
    return is_one_of(buf, name_names);
}

/* Before the header: a record with one non-empty cell is a title or a "单位：万元" line; the
 * first with two or more is the header (held back one line in case it is split over two). */
static void pre_record(loader *L)
{
    if (L->opts->layout != FP_LAYOUT_CANONICAL)
        take_unit_cells(L);
    if (L->err)
        return;
    size_t nonempty = 0, first = 0;
    for (size_t i = 0; i < L->npre; i++)
        if (L->pre[i][0] && nonempty++ == 0)
            first = i;
    if (L->have_hdr && L->hdr_word) {
        /* after 拨款单位 alone: the header proper, with or without its first cell again */
        L->hdr_word = 0;
        if (nonempty >= 1 && pre_is_text(L) &&
            (!L->pre[0][0] || strcmp(L->pre[0], L->hdr[0]) == 0)) {
            if (!L->pre[0][0]) {
                free(L->pre[0]);
                L->pre[0] = L->hdr[0];
                L->hdr[0] = NULL;
            }
            strings_clear(L->hdr, &L->nhdr);
            L->have_hdr = 0;
            nonempty = 2; /* a header now, whatever it counted */
        }
    }
    if (L->have_hdr) {
        if (nonempty && continues_header(L)) {
            join_header(L);
        } else {
            settle_held_header(L);
            if (!L->err && nonempty)
                pre_as_data(L);
        }
        pre_clear(L);
        return;
    }
    if (nonempty >= 2) {
        if (header_may_continue(L)) {
            if (buf_reserve((void **)&L->hdr, &L->hdrcap, L->npre, sizeof *L->hdr)) {
                L->err = nomem(L);
                return;
            }
            for (size_t i = 0; i < L->npre; i++) {
                L->hdr[i] = L->pre[i];
                L->pre[i] = NULL;
            }
            L->nhdr = L->npre;
            L->npre = 0;
            L->have_hdr = 1;
        } else {
            L->err = set_header(L, L->pre, L->npre);
            pre_clear(L);
        }
        return;
    }
    if (nonempty == 1) {
        const char *s = L->pre[first];
        char u[128];
        int is_unit = page_unit_of_line(s, u, sizeof u);
        if (is_unit && !L->t->unit) {
            if (!(L->t->unit = strdup(u)))
                L->err = nomem(L);
        } else if (!is_unit && first == 0 && is_name_header(s) && header_may_continue(L)) {
            /* 拨款单位 alone (its unit line taken out): the header's first cell, the rest of
             * the header on the next line */
            if (buf_reserve((void **)&L->hdr, &L->hdrcap, 1, sizeof *L->hdr)) {
                L->err = nomem(L);
                return;
            }
            L->hdr[0] = L->pre[0];
            L->pre[0] = NULL;
            L->nhdr = 1;
            L->have_hdr = L->hdr_word = 1;
        } else if (!is_unit) {
            const char *c = s;
            size_t len = strlen(s);
            page_trim(&c, &len, 0);
            char *copy = malloc(len + 1);
            if (!copy || buf_reserve((void **)&L->titles, &L->titlecap, L->ntitles + 1,
                                     sizeof *L->titles)) {
                free(copy);
                L->err = nomem(L);
            } else {
                memcpy(copy, c, len);
                copy[len] = '\0';
                L->titles[L->ntitles++] = copy;
                if (!L->t->title && !(L->t->title = strdup(copy)))
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
    L->nrec = L->rlen = 0;
    if (L->header_done && !L->notice)
        start_row(L);
}

static int all_digits(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)s[i] - (unsigned)'0' >= 10)
            return 0;
    return len > 0;
}

/* kept out of line, so the hot path stays a small function */
__attribute__((noinline)) static int cell_general(loader *L, size_t col, const char *s,
                                                  size_t len);

int loader_cell(loader *L, size_t col, const char *s, size_t len)
{
    /* The hot path of the canonical layout: the next cell of a data row is 1 to 12 ASCII
     * digits in an amount column, without a leading zero. Stores exactly what data_cell and
     * store_cell would; anything else takes the general path. */
    if (L->canon && col == L->field && len - 1 < 12 && col < L->t->ncols && !L->err) {
        const unsigned char *u = (const unsigned char *)s;
        column *c = &L->t->cols[col];
        uint64_t v = (unsigned)u[0] - (unsigned)'0';
        if (v < 10 && (v || len == 1) && c->role != FP_ROLE_LEVEL && !c->dense) {
            /* "007" is not plain: a leading zero goes the general way (add_sparse) */
            size_t i = 1;
            for (; i < len; i++) {
                unsigned d = (unsigned)u[i] - (unsigned)'0';
                if (d >= 10)
                    break;
                v = v * 10 + d;
            }
            if (i == len) {
                c->values[L->row] = (fp_amount)v * FP_AMOUNT_SCALE;
                c->nonempty++;
                L->rec_nonempty = 1;
                L->field = col + 1;
                return 1;
            }
        }
    }
    return cell_general(L, col, s, len);
}

/* A NUL byte or a byte-order mark inside a cell: text damaged or joined from two files. Read on,
 * "3\0000" would be 3 and a name would be cut at the NUL; both are located errors instead. */
static int bad_char(loader *L, size_t col, const char *s, size_t len)
{
    const char *what = NULL;
    if (memchr(s, '\0', len))
        what = "a NUL byte (shown as \\0): the file is damaged or not text; remove it";
    else
        for (size_t i = 0; i + 3 <= len && !what; i++)
            if (memcmp(s + i, "\xEF\xBB\xBF", 3) == 0)
                what = "a byte-order mark (U+FEFF) inside the text, as when files are joined; "
                       "remove it";
    if (!what)
        return 0;
    const char *colname = L->header_done && col < L->t->ncols ? L->t->cols[col].name : NULL;
    L->err = diag_set(L->diag, FP_ERR_ENCODING, L->t->source, L->rec_line, colname, s, len,
                      "column %zu holds %s", col + 1, what);
    note_cell(L, col);
    return 1;
}

/* loader_cell, every case. */
static int cell_general(loader *L, size_t col, const char *s, size_t len)
{
    if (L->err)
        return 1;
    /* cells skipped (an XLSX row leaves empty cells out) are blank */
    while (L->field < col && !L->err)
        loader_cell(L, L->field, "", 0);
    if (L->err)
        return 1;
    if (len && bad_char(L, col, s, len))
        return 1;
    if (len)
        L->rec_nonempty = 1;
    if (L->header_done && !L->notice)
        return data_cell(L, s, len);
    if (L->header_done) {
        loader_hold_cell(L, s, len);
    } else {
        char *copy = malloc(len + 1);
        if (!copy || buf_reserve((void **)&L->pre, &L->precap, L->npre + 1, sizeof *L->pre)) {
            free(copy);
            L->err = nomem(L);
            return 1;
        }
        memcpy(copy, s, len);
        copy[len] = '\0';
        L->pre[L->npre++] = copy;
    }
    L->field++;
    return all_digits(s, len);
}

void loader_row_end(loader *L)
{
    if (L->err || !L->in_record)
        return;
    if (!L->header_done)
        pre_record(L);
    else if (L->notice)
        notice_record(L);
    else
        end_row(L);
    L->in_record = 0;
}

fp_error loader_finish(loader *L, fp_table **out)
{
    *out = NULL;
    if (L->in_record)
        loader_row_end(L);
    if (!L->err && L->have_hdr)
        settle_held_header(L);
    if (!L->err && L->groups > 1)
        page_side_flush(L);
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
    strings_clear(L->hdr, &L->nhdr);
    free(L->hdr);
    strings_clear(L->titles, &L->ntitles);
    free(L->titles);
    free(L->rbuf);
    free(L->roff);
    free(L->stack);
    page_side_free(L);
    fp_table_free(L->t);
    free(L);
}
