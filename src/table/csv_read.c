/* table/csv_read.c — read a CSV/TSV allocation table (any common encoding) into an fp_table.
 *
 * The file is streamed in chunks through iconv (when not UTF-8) into libcsv, and each cell goes
 * straight into its column: amounts as int64, texts into the string pool. Nothing holds the
 * whole file, so a table costs about its amounts plus its names in memory. */
#include <csv.h>
#include <errno.h>
#include <iconv.h>
#include <stdlib.h>
#include <string.h>

#include "table/table_impl.h"
#include "util/buf.h"

#define CHUNK (1u << 20)

typedef struct loader {
    fp_table *t;
    const fp_load_options *opts;
    fp_diag *diag;
    fp_error err;

    /* line bookkeeping */
    long line;      /* line where the next record starts */
    long rec_line;  /* line where the current record started */
    int in_record;  /* a field of the current record has been seen */
    int prev_cr;    /* the previous record ended with a CR */
    size_t field;   /* index of the next field in the record */
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
} loader;

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
        return diag_set(L->diag, FP_ERR_COLUMN, t->source, L->line, NULL, NULL, 0,
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

/* Count the line ends inside a quoted field. */
static long count_newlines(const char *s, size_t len)
{
    long n = 0;
    for (size_t i = 0; i < len; i++)
        if (s[i] == '\n' || (s[i] == '\r' && (i + 1 == len || s[i + 1] != '\n')))
            n++;
    return n;
}

static void on_field(void *data, size_t len, void *ctx)
{
    loader *L = ctx;
    const char *s = data ? data : "";
    if (L->err)
        return;
    if (!L->in_record) {
        L->in_record = 1;
        L->rec_line = L->line;
        L->field = 0;
        L->rec_nonempty = 0;
        if (L->header_done)
            start_row(L);
        if (L->err)
            return;
    }
    if (len)
        L->rec_nonempty = 1;
    if (L->header_done && L->field < L->t->ncols) {
        if (!store_cell(L, L->field, s, len))
            L->line += count_newlines(s, len); /* a quoted cell may span lines */
    } else if (!L->header_done) {
        L->line += count_newlines(s, len);
        char *copy = malloc(len + 1);
        if (!copy || buf_reserve((void **)&L->pre, &L->precap, L->npre + 1, sizeof *L->pre)) {
            free(copy);
            L->err = nomem(L);
            return;
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

static void on_record(int c, void *ctx)
{
    loader *L = ctx;
    if (L->err)
        return;
    int was_record = L->in_record;
    if (was_record) {
        if (L->header_done)
            end_row(L);
        else
            pre_record(L);
    }
    L->in_record = 0;
    /* Count the line end: a CR LF pair reaches us as CR (ending the record) then an empty LF. */
    if (c == '\n' && L->prev_cr && !was_record) {
        L->prev_cr = 0;
        return;
    }
    if (c == '\r' || c == '\n')
        L->line++;
    L->prev_cr = c == '\r';
}

/* ---- encodings ---- */

/* Length of the longest prefix of S that is whole, valid UTF-8 characters; *BAD set when an
 * invalid sequence (not just a truncated one at the end) stops it. */
static size_t utf8_valid_prefix(const unsigned char *s, size_t len, int *bad)
{
    size_t i = 0;
    *bad = 0;
    while (i < len) {
        if (s[i] < 0x80) {
            /* fast path over ASCII, eight bytes at a time */
            while (i + 8 <= len) {
                uint64_t w;
                memcpy(&w, s + i, 8);
                if (w & UINT64_C(0x8080808080808080))
                    break;
                i += 8;
            }
            while (i < len && s[i] < 0x80)
                i++;
            continue;
        }
        size_t n;
        unsigned char c = s[i];
        uint32_t min;
        if (c >= 0xC2 && c <= 0xDF) {
            n = 2;
            min = 0x80;
        } else if (c >= 0xE0 && c <= 0xEF) {
            n = 3;
            min = 0x800;
        } else if (c >= 0xF0 && c <= 0xF4) {
            n = 4;
            min = 0x10000;
        } else {
            *bad = 1;
            return i;
        }
        if (i + n > len) {
            for (size_t k = i + 1; k < len; k++)
                if ((s[k] & 0xC0) != 0x80) {
                    *bad = 1;
                    return i;
                }
            return i; /* truncated at the end of the chunk */
        }
        uint32_t cp = c & (0x7F >> n);
        for (size_t k = 1; k < n; k++) {
            if ((s[i + k] & 0xC0) != 0x80) {
                *bad = 1;
                return i;
            }
            cp = (cp << 6) | (s[i + k] & 0x3F);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
            *bad = 1;
            return i;
        }
        i += n;
    }
    return i;
}

static long count_lines(const char *s, size_t len)
{
    long n = 0;
    const char *end = s + len;
    while ((s = memchr(s, '\n', (size_t)(end - s))) != NULL) {
        n++;
        s++;
    }
    return n;
}

/* Pick the delimiter that the first lines use most: ',', '\t' or ';'. */
static char detect_delimiter(const char *s, size_t len)
{
    static const char cands[] = {',', '\t', ';'};
    size_t best[3] = {0, 0, 0};
    size_t count[3] = {0, 0, 0};
    int quoted = 0, lines = 0;
    for (size_t i = 0; i < len && lines < 20; i++) {
        char ch = s[i];
        if (ch == '"')
            quoted = !quoted;
        else if (!quoted && ch == '\n') {
            for (int k = 0; k < 3; k++) {
                if (count[k] > best[k])
                    best[k] = count[k];
                count[k] = 0;
            }
            lines++;
        } else if (!quoted)
            for (int k = 0; k < 3; k++)
                if (ch == cands[k])
                    count[k]++;
    }
    for (int k = 0; k < 3; k++)
        if (count[k] > best[k])
            best[k] = count[k];
    int pick = 0;
    for (int k = 1; k < 3; k++)
        if (best[k] > best[pick])
            pick = k;
    return cands[pick];
}

static int space_only(unsigned char c) { return c == ' '; }

typedef struct source {
    FILE *f;               /* read from here … */
    const unsigned char *mem; /* … or from memory */
    size_t memlen, mempos;
} source;

static size_t source_read(source *src, unsigned char *buf, size_t cap)
{
    if (src->f)
        return fread(buf, 1, cap, src->f);
    size_t n = src->memlen - src->mempos;
    if (n > cap)
        n = cap;
    memcpy(buf, src->mem + src->mempos, n);
    src->mempos += n;
    return n;
}

/* Finish the table after the last record: decide amount columns, roles and categories. */
fp_error table_finish(fp_table *t, const fp_load_options *o, size_t level_col, size_t parent_col,
                      size_t code_col, size_t pcode_col, fp_diag *diag);

static fp_error load(source *src, const char *name, const fp_load_options *opts, fp_table **out,
                     fp_diag *diag)
{
    fp_load_options defaults;
    if (!opts) {
        fp_load_options_init(&defaults);
        opts = &defaults;
    }
    *out = NULL;
    fp_diag_clear(diag);
    loader L;
    memset(&L, 0, sizeof L);
    L.opts = opts;
    L.diag = diag;
    L.line = 1;
    L.level_col = L.parent_col = L.code_col = L.pcode_col = FP_NONE;
    L.t = table_new(name);
    unsigned char *raw = malloc(CHUNK + 8);
    char *conv = NULL;
    iconv_t cd = (iconv_t)-1;
    struct csv_parser parser;
    int parser_ready = 0;
    if (!L.t || !raw) {
        L.err = diag_set(diag, FP_ERR_NOMEM, name, 0, NULL, NULL, 0, "out of memory");
        goto done;
    }

    size_t carry = 0; /* bytes of an incomplete character kept from the last chunk */
    int first = 1, utf8 = 1, eof = 0;
    long lines_seen = 1; /* for encoding errors: lines converted so far */
    size_t convcap = 0;
    while (!eof && !L.err) {
        size_t n = source_read(src, raw + carry, CHUNK - carry);
        if (n == 0) {
            if (src->f && ferror(src->f)) {
                L.err = diag_set(diag, FP_ERR_IO, name, 0, NULL, NULL, 0, "read error: %s",
                                 strerror(errno));
                break;
            }
            eof = 1;
        }
        size_t avail = carry + n;
        unsigned char *p = raw;
        if (first) {
            const char *enc = opts->encoding;
            if (avail >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0) {
                p += 3;
                avail -= 3;
                if (!enc)
                    enc = "UTF-8";
            } else if (!enc && avail >= 2 && ((p[0] == 0xFF && p[1] == 0xFE) ||
                                              (p[0] == 0xFE && p[1] == 0xFF))) {
                enc = "UTF-16"; /* iconv reads and drops the byte-order mark */
            }
            if (!enc) {
                int bad;
                utf8_valid_prefix(p, avail, &bad);
                enc = bad ? "GB18030" : "UTF-8";
            }
            utf8 = strcmp(enc, "UTF-8") == 0 || strcmp(enc, "utf-8") == 0 ||
                   strcmp(enc, "UTF8") == 0 || strcmp(enc, "utf8") == 0;
            if (!utf8 && (cd = iconv_open("UTF-8", enc)) == (iconv_t)-1) {
                L.err = diag_set(diag, FP_ERR_ENCODING, name, 0, NULL, enc, strlen(enc),
                                 "unknown encoding \"%s\"", enc);
                break;
            }
        }
        const char *text;
        size_t textlen;
        size_t left; /* bytes of p not consumed (an incomplete character) */
        if (utf8) {
            int bad;
            size_t ok = utf8_valid_prefix(p, avail, &bad);
            if (bad || (eof && ok < avail)) {
                long line = lines_seen + count_lines((const char *)p, ok);
                L.err = diag_set(diag, FP_ERR_ENCODING, name, line, NULL, NULL, 0,
                                 "invalid UTF-8 (byte 0x%02X); give the file's encoding with "
                                 "--encoding, e.g. GB18030",
                                 p[ok]);
                break;
            }
            text = (const char *)p;
            textlen = ok;
            left = avail - ok;
        } else {
            if (buf_reserve((void **)&conv, &convcap, avail * 4 + 16, 1)) {
                L.err = diag_set(diag, FP_ERR_NOMEM, name, 0, NULL, NULL, 0, "out of memory");
                break;
            }
            char *in = (char *)p, *outp = conv;
            size_t inleft = avail, outleft = convcap;
            size_t r = iconv(cd, &in, &inleft, &outp, &outleft);
            if (r == (size_t)-1 && errno != EINVAL) {
                long line = lines_seen + count_lines(conv, (size_t)(outp - conv));
                L.err = diag_set(diag, FP_ERR_ENCODING, name, line, NULL, NULL, 0,
                                 "bytes not valid in the file's encoding (byte 0x%02X); give "
                                 "it with --encoding",
                                 (unsigned char)*in);
                break;
            }
            if (eof && inleft) {
                long line = lines_seen + count_lines(conv, (size_t)(outp - conv));
                L.err = diag_set(diag, FP_ERR_ENCODING, name, line, NULL, NULL, 0,
                                 "the file ends inside a character");
                break;
            }
            text = conv;
            textlen = (size_t)(outp - conv);
            left = inleft;
        }
        lines_seen += count_lines(text, textlen);
        if (first) {
            char delim = opts->delimiter ? opts->delimiter : detect_delimiter(text, textlen);
            if (csv_init(&parser, CSV_STRICT | CSV_STRICT_FINI | CSV_REPALL_NL) != 0) {
                L.err = diag_set(diag, FP_ERR_NOMEM, name, 0, NULL, NULL, 0, "out of memory");
                break;
            }
            parser_ready = 1;
            csv_set_delim(&parser, (unsigned char)delim);
            csv_set_space_func(&parser, space_only);
            csv_set_blk_size(&parser, 4096);
            first = 0;
        }
        if (textlen && csv_parse(&parser, text, textlen, on_field, on_record, &L) != textlen &&
            !L.err) {
            L.err = diag_set(diag, FP_ERR_CSV, name, L.line, NULL, NULL, 0,
                             "malformed CSV: %s (a quote inside an unquoted cell, or text after "
                             "a closing quote)",
                             csv_strerror(csv_error(&parser)));
        }
        memmove(raw, p + (avail - left), left);
        carry = left;
    }
    if (!L.err && parser_ready) {
        if (csv_fini(&parser, on_field, on_record, &L) != 0 && !L.err)
            L.err = diag_set(diag, FP_ERR_CSV, name, L.rec_line, NULL, NULL, 0,
                             "the file ends inside a quoted cell (a quote is not closed)");
    }
    if (!L.err && !L.header_done)
        L.err = diag_set(diag, FP_ERR_EMPTY, name, 0, NULL, NULL, 0,
                         "no header row: expected a row naming the columns (级次, 单位, …)");
    if (!L.err && L.t->nrows == 0)
        L.err = diag_set(diag, FP_ERR_EMPTY, name, 0, NULL, NULL, 0,
                         "the table has a header but no data rows");
    if (!L.err)
        L.err = table_finish(L.t, opts, L.level_col, L.parent_col, L.code_col, L.pcode_col, diag);
done:
    if (parser_ready)
        csv_free(&parser);
    if (cd != (iconv_t)-1)
        iconv_close(cd);
    pre_clear(&L);
    free(L.pre);
    free(L.stack);
    free(raw);
    free(conv);
    if (L.err) {
        fp_table_free(L.t);
        return L.err;
    }
    *out = L.t;
    return FP_OK;
}

fp_error fp_table_load_file(const char *path, const fp_load_options *opts, fp_table **out,
                            fp_diag *diag)
{
    *out = NULL;
    source src = {0};
    src.f = fopen(path, "rb");
    if (!src.f)
        return diag_set(diag, FP_ERR_IO, path, 0, NULL, NULL, 0, "cannot open: %s",
                        strerror(errno));
    fp_error e = load(&src, path, opts, out, diag);
    fclose(src.f);
    return e;
}

fp_error fp_table_load_memory(const void *data, size_t len, const char *name,
                              const fp_load_options *opts, fp_table **out, fp_diag *diag)
{
    source src = {0};
    src.mem = data;
    src.memlen = len;
    return load(&src, name ? name : "(memory)", opts, out, diag);
}
