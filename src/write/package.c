/* write/package.c — the whole 下达 package: letter, 附件1, 附件3 and 对下分解, every number from the table. */
#include "fenpei/package.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fenpei/check.h"
#include "fenpei/docx.h"
#include "fenpei/xlsx.h"
#include "util/buf.h"
#include "write/csv_write.h"

#define SPLIT_DIR "对下分解"
#define LETTER_FILE "通知.docx"
#define NOTICE_FILE "附件1 分配表.xlsx"
#define FEEDBACK_FILE "附件3 跟踪反馈表.xlsx"
#define SPLIT_CSV "分配表.csv"

typedef enum kind { K_DIR, K_LETTER, K_NOTICE, K_FEEDBACK, K_CSV } kind;

typedef struct item {
    kind k;
    char *path;
    size_t part; /* index into the package's parts */
} item;

/* A table of the package with what is printed with it: the whole table, or one prefecture's. */
typedef struct part {
    const fp_table *t;  /* the input, or OWNED */
    fp_table *owned;    /* a split table */
    char *title;        /* the allocation table's title */
    char *issuer;       /* who the feedback goes back to */
    fp_docx *letter;    /* the filled letter: the notice's, or a prefecture's onward draft */
} part;

struct fp_package {
    item *items;
    size_t n, cap;
    part *parts;
    size_t nparts, partcap;
    char *letter_text;
    char *doc_number;
    char *fund;
};

void fp_package_options_init(fp_package_options *opts) { memset(opts, 0, sizeof *opts); }

void fp_package_free(fp_package *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->n; i++)
        free(p->items[i].path);
    for (size_t i = 0; i < p->nparts; i++) {
        fp_table_free(p->parts[i].owned);
        free(p->parts[i].title);
        free(p->parts[i].issuer);
        fp_docx_free(p->parts[i].letter);
    }
    free(p->items);
    free(p->parts);
    free(p->letter_text);
    free(p->doc_number);
    free(p->fund);
    free(p);
}

size_t fp_package_file_count(const fp_package *p) { return p->n; }
const char *fp_package_file_path(const fp_package *p, size_t i) { return p->items[i].path; }
int fp_package_file_is_dir(const fp_package *p, size_t i) { return p->items[i].k == K_DIR; }
const char *fp_package_letter_text(const fp_package *p) { return p->letter_text; }

const fp_table *fp_package_file_table(const fp_package *p, size_t i)
{
    const item *it = &p->items[i];
    if ((it->k != K_CSV && it->k != K_NOTICE) || !p->parts[it->part].owned)
        return NULL;
    return p->parts[it->part].t;
}

static char *dupf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *dupf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return NULL;
    char *s = malloc((size_t)n + 1);
    if (!s)
        return NULL;
    va_start(ap, fmt);
    vsnprintf(s, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return s;
}

static int add_item(fp_package *p, kind k, char *path, size_t pi)
{
    if (!path || buf_reserve((void **)&p->items, &p->cap, p->n + 1, sizeof *p->items)) {
        free(path);
        return -1;
    }
    p->items[p->n++] = (item){k, path, pi};
    return 0;
}

static int add_part(fp_package *p, const fp_table *t, fp_table *owned, char *title, char *issuer)
{
    if (!title || buf_reserve((void **)&p->parts, &p->partcap, p->nparts + 1, sizeof *p->parts)) {
        fp_table_free(owned);
        free(title);
        free(issuer);
        return -1;
    }
    p->parts[p->nparts++] = (part){t, owned, title, issuer, NULL};
    return 0;
}

/* The fund's name from the letter's title: "关于下达X的通知" → "X". */
static char *fund_name(const char *title)
{
    static const char *const heads[] = {"关于", "转下达", "提前下达", "下达", "拨付", "分配"};
    const char *s = title;
    size_t n = strlen(s);
    for (size_t i = 0; i < sizeof heads / sizeof heads[0]; i++)
        if (strncmp(s, heads[i], strlen(heads[i])) == 0) {
            s += strlen(heads[i]);
            n -= strlen(heads[i]);
        }
    static const char *const tails[] = {"的通知", "通知", "分配表"};
    for (size_t i = 0; i < sizeof tails / sizeof tails[0]; i++) {
        size_t k = strlen(tails[i]);
        if (n > k && strcmp(s + n - k, tails[i]) == 0) {
            n -= k;
            break;
        }
    }
    return dupf("%.*s", (int)n, s);
}

/* The table must add up before its figures go into a letter. */
static fp_error require_balanced(const fp_table *t, fp_diag *diag)
{
    fp_check_options co;
    fp_check_options_init(&co);
    co.rules = FP_CHECK_COLUMN_SUM | FP_CHECK_CATEGORY_SPLIT | FP_CHECK_ADVANCE_BATCH;
    fp_report *rep = NULL;
    fp_error e = fp_check(t, &co, &rep, diag);
    if (e != FP_OK)
        return e;
    if (fp_report_errors(rep)) {
        const fp_finding *f = fp_report_finding(rep, 0);
        e = diag_set(diag, FP_ERR_ARGUMENT, fp_table_source(t), fp_table_row_line(t, f->row),
                     f->column != FP_NONE ? fp_table_column_name(t, f->column) : NULL, NULL, 0,
                     "the table does not add up (%zu errors, the first at %s); 'fenpei check' "
                     "lists them — a notice must not state figures that disagree",
                     fp_report_errors(rep), fp_table_row_name(t, f->row));
    }
    fp_report_free(rep);
    return e;
}

/* An amount as a notice writes it: no trailing zeros ("3327", "5141.32"). */
static void amount_text(fp_amount v, char *buf) { fp_amount_format(v, 0, buf); }

/* The top row (总计) of T, or FP_NONE when T has several top rows. */
static size_t top_row(const fp_table *t)
{
    size_t r = fp_table_first_root(t);
    return r != FP_NONE && fp_table_next_sibling(t, r) == FP_NONE ? r : FP_NONE;
}

/* The sum of column COL over the top rows (the 总计 when there is one). */
static fp_amount column_total(const fp_table *t, size_t col)
{
    fp_amount sum = 0;
    if (col == FP_NONE)
        return 0;
    for (size_t r = fp_table_first_root(t); r != FP_NONE; r = fp_table_next_sibling(t, r))
        if (fp_amount_add(sum, fp_table_amount(t, r, col), &sum))
            return 0; /* a balanced table's sums fit: check has summed them already */
    return sum;
}

/* The letter's placeholder values. STORE keeps the strings made here. */
typedef struct letter_values {
    fp_docx_value v[24];
    size_t n;
    char *store[8];
    size_t nstore;
} letter_values;

static const char *keep_str(letter_values *lv, char *s)
{
    if (s && lv->nstore < sizeof lv->store / sizeof lv->store[0])
        lv->store[lv->nstore++] = s;
    else if (s) {
        free(s);
        return NULL;
    }
    return s;
}

static void set_value(letter_values *lv, const char *name, const char *value)
{
    lv->v[lv->n++] = (fp_docx_value){name, value};
}

static void values_free(letter_values *lv)
{
    for (size_t i = 0; i < lv->nstore; i++)
        free(lv->store[i]);
}

/* 主送 (the recipients' names), 分配明细 (the top groups' 此次下达) and 附件. -1 when out of memory. */
static int make_values(letter_values *lv, const fp_table *t, const fp_package_options *o,
                       const char *title, const char *fund, const char *basis)
{
    size_t batch = fp_table_role_column(t, FP_ROLE_BATCH);
    size_t total = fp_table_role_column(t, FP_ROLE_TOTAL);
    size_t advance = fp_table_role_column(t, FP_ROLE_ADVANCE);
    char a[FP_AMOUNT_BUFSIZE], b[FP_AMOUNT_BUFSIZE], c[FP_AMOUNT_BUFSIZE];
    amount_text(column_total(t, batch), a);
    amount_text(column_total(t, total), b);
    amount_text(column_total(t, advance), c);

    strbuf to = {0}, detail = {0}, att = {0};
    size_t n = fp_package_recipients(t, NULL, 0);
    size_t *rows = malloc((n ? n : 1) * sizeof *rows);
    if (!rows)
        return -1;
    fp_package_recipients(t, rows, n);
    for (size_t i = 0; i < n; i++) {
        size_t len;
        const char *name = fp_package_display_name(fp_table_row_name(t, rows[i]), &len);
        if (i)
            strbuf_str(&to, "、");
        strbuf_add(&to, name, len);
    }
    free(rows);
    /* the groups under 总计 (自治区本级, 地州), when there are a few of them */
    size_t top = top_row(t), groups = 0;
    for (size_t r = top != FP_NONE ? fp_table_first_child(t, top) : FP_NONE; r != FP_NONE;
         r = fp_table_next_sibling(t, r))
        groups++;
    if (batch != FP_NONE && groups >= 2 && groups <= 4) {
        strbuf_str(&detail, "（其中：");
        size_t k = 0;
        for (size_t r = fp_table_first_child(t, top); r != FP_NONE;
             r = fp_table_next_sibling(t, r), k++) {
            size_t len;
            const char *name = fp_package_display_name(fp_table_row_name(t, r), &len);
            char v[FP_AMOUNT_BUFSIZE];
            amount_text(fp_table_amount(t, r, batch), v);
            strbuf_printf(&detail, "%s%.*s%s万元", k ? "，" : "", (int)len, name, v);
        }
        strbuf_str(&detail, "）");
    }
    if (o->attachments) {
        for (size_t i = 0; i < o->attachment_count; i++)
            strbuf_printf(&att, "%s%zu. %s", i ? "\n" : "", i + 1, o->attachments[i]);
    } else {
        strbuf_printf(&att, "1. %s分配表\n2. %s绩效目标表\n3. 自治区财政资金使用跟踪反馈表", fund,
                      fund);
    }
    int oom = to.oom || detail.oom || att.oom;
    const char *to_s = o->to ? o->to : keep_str(lv, oom ? NULL : strdup(strbuf_get(&to)));
    const char *detail_s = keep_str(lv, oom ? NULL : strdup(strbuf_get(&detail)));
    const char *att_s = keep_str(lv, oom ? NULL : strdup(strbuf_get(&att)));
    const char *a_s = keep_str(lv, strdup(a)), *b_s = keep_str(lv, strdup(b)),
               *c_s = keep_str(lv, strdup(c));
    strbuf_free(&to);
    strbuf_free(&detail);
    strbuf_free(&att);
    if (!to_s || !detail_s || !att_s || !a_s || !b_s || !c_s)
        return -1;
    set_value(lv, "发文机关", o->issuer);
    set_value(lv, "文号", o->doc_number);
    set_value(lv, "标题", title);
    set_value(lv, "主送", to_s);
    set_value(lv, "资金名称", fund);
    set_value(lv, "此次下达合计", batch != FP_NONE ? a_s : NULL);
    set_value(lv, "全年合计", total != FP_NONE ? b_s : NULL);
    set_value(lv, "已提前下达合计", advance != FP_NONE ? c_s : NULL);
    set_value(lv, "分配明细", detail_s);
    set_value(lv, "收入科目", o->income_code);
    set_value(lv, "支出科目", o->expense_code);
    set_value(lv, "直达资金标识", o->direct_funds);
    set_value(lv, "附件", att_s);
    set_value(lv, "日期", o->date ? o->date : "　　年　　月　　日");
    set_value(lv, "单位", "万元");
    set_value(lv, "依据", basis);
    return 0;
}

/* The letter of T from the template of O, filled, into *OUT; its text into *TEXT when TEXT is not
 * NULL. BASIS starts the body ("根据…（文号），" for an onward letter, "" for the notice's own). */
static fp_error make_letter(const fp_table *t, const fp_package_options *o, const char *title,
                            const char *fund, const char *basis, fp_docx **out, char **text,
                            fp_diag *diag)
{
    fp_error err = o->template_path ? fp_docx_open_file(o->template_path, out, diag)
                                    : fp_docx_open_default_letter(out, diag);
    if (err)
        return err;
    letter_values lv = {0};
    if (make_values(&lv, t, o, title, fund, basis))
        err = diag_set(diag, FP_ERR_NOMEM, NULL, 0, NULL, NULL, 0, "out of memory");
    if (!err)
        err = fp_docx_fill(*out, lv.v, lv.n, NULL, diag);
    if (!err && text)
        err = fp_docx_text(*out, text, diag);
    values_free(&lv);
    return err;
}

/* The subtree of ROW as a table of its own: ROW becomes 总计 (级次 0), its rows keep their
 * columns and exact amounts. Made by writing the subtree as canonical CSV and reading it back,
 * so it is a table like any loaded one. */
static fp_error subtree_table(const fp_table *t, size_t row, const char *name, fp_table **out,
                              fp_diag *diag)
{
    *out = NULL;
    char *data = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&data, &len);
    if (!f)
        return diag_set(diag, FP_ERR_NOMEM, NULL, 0, NULL, NULL, 0, "out of memory");
    int bad = 0;
    size_t ncols = fp_table_column_count(t);
    bad |= csv_put_cell(f, "级次");
    for (size_t c = 0; c < ncols; c++) {
        fp_role r = fp_table_column_role(t, c);
        if (r == FP_ROLE_LEVEL || r == FP_ROLE_PARENT || r == FP_ROLE_CODE ||
            r == FP_ROLE_PARENT_CODE)
            continue;
        fputc(',', f);
        bad |= csv_put_cell(f, fp_table_column_name(t, c));
    }
    fputc('\n', f);
    int base = fp_table_depth(t, row);
    /* pre-order walk of the subtree without recursion */
    size_t r = row;
    while (r != FP_NONE && !bad) {
        fprintf(f, "%d", fp_table_depth(t, r) - base);
        for (size_t c = 0; c < ncols; c++) {
            fp_role role = fp_table_column_role(t, c);
            if (role == FP_ROLE_LEVEL || role == FP_ROLE_PARENT || role == FP_ROLE_CODE ||
                role == FP_ROLE_PARENT_CODE)
                continue;
            fputc(',', f);
            if (role == FP_ROLE_NAME) {
                bad |= csv_put_cell(f, r == row ? "总计" : fp_table_row_name(t, r));
            } else if (fp_table_column_is_amount(t, c)) {
                if (!fp_table_is_blank(t, r, c)) {
                    char buf[FP_AMOUNT_BUFSIZE];
                    fp_amount_format(fp_table_amount(t, r, c), 0, buf);
                    bad |= csv_put_cell(f, buf);
                }
            } else {
                bad |= csv_put_cell(f, fp_table_text(t, r, c));
            }
        }
        fputc('\n', f);
        /* next in pre-order, staying inside ROW's subtree */
        size_t next = fp_table_first_child(t, r);
        if (next == FP_NONE) {
            size_t x = r;
            while (x != row && (next = fp_table_next_sibling(t, x)) == FP_NONE)
                x = fp_table_parent(t, x);
            if (x == row)
                next = FP_NONE;
        }
        r = next;
    }
    if (fclose(f) != 0 || bad) {
        free(data);
        return diag_set(diag, FP_ERR_NOMEM, NULL, 0, NULL, NULL, 0, "out of memory");
    }
    fp_load_options lo;
    fp_load_options_init(&lo);
    lo.layout = FP_LAYOUT_CANONICAL;
    lo.delimiter = ',';
    lo.encoding = "UTF-8";
    const size_t *cats;
    size_t ncats = fp_table_categories(t, &cats);
    const char *catnames[256];
    if (ncats <= 256) {
        for (size_t i = 0; i < ncats; i++)
            catnames[i] = fp_table_column_name(t, cats[i]);
        lo.category_columns = catnames;
        lo.category_count = ncats;
    }
    size_t col;
    if ((col = fp_table_role_column(t, FP_ROLE_NAME)) != FP_NONE)
        lo.name_column = fp_table_column_name(t, col);
    if ((col = fp_table_role_column(t, FP_ROLE_TOTAL)) != FP_NONE)
        lo.total_column = fp_table_column_name(t, col);
    if ((col = fp_table_role_column(t, FP_ROLE_ADVANCE)) != FP_NONE)
        lo.advance_column = fp_table_column_name(t, col);
    if ((col = fp_table_role_column(t, FP_ROLE_BATCH)) != FP_NONE)
        lo.batch_column = fp_table_column_name(t, col);
    fp_error e = fp_table_load_memory(data, len, name, &lo, out, diag);
    free(data);
    return e;
}

/* A folder name from a unit's name: '/' and control characters become '_'. */
static char *folder_name(const char *name, size_t len)
{
    char *s = dupf("%.*s", (int)len, name);
    if (!s)
        return NULL;
    for (char *p = s; *p; p++)
        if (*p == '/' || (unsigned char)*p < 0x20)
            *p = '_';
    if (strcmp(s, ".") == 0 || strcmp(s, "..") == 0 || !s[0]) {
        free(s);
        s = strdup("_");
    }
    return s;
}

static fp_error oom(fp_diag *diag)
{
    return diag_set(diag, FP_ERR_NOMEM, NULL, 0, NULL, NULL, 0, "out of memory");
}

/* The prefectures: recipients with rows under them, each cut out as its own part. */
static fp_error add_split(fp_package *p, const fp_table *t, const fp_package_options *o,
                          const char *title, fp_diag *diag)
{
    /* every prefecture's onward letter cites this notice and keeps its codes and mark */
    char *onward_title = dupf("关于转下达%s的通知", p->fund);
    char *basis = dupf("根据%s《%s》%s%s%s，", o->issuer ? o->issuer : "", title,
                       o->doc_number ? "（" : "", o->doc_number ? o->doc_number : "",
                       o->doc_number ? "）" : "");
    if (!onward_title || !basis) {
        free(onward_title);
        free(basis);
        return oom(diag);
    }
    if (add_item(p, K_DIR, strdup(SPLIT_DIR), 0))
        return oom(diag);
    size_t n = fp_package_recipients(t, NULL, 0);
    size_t *rows = malloc((n ? n : 1) * sizeof *rows);
    if (!rows)
        return oom(diag);
    fp_package_recipients(t, rows, n);
    fp_error err = FP_OK;
    for (size_t i = 0; i < n && !err; i++) {
        if (fp_table_first_child(t, rows[i]) == FP_NONE)
            continue;
        size_t len;
        const char *name = fp_package_display_name(fp_table_row_name(t, rows[i]), &len);
        char *dir = folder_name(name, len);
        char *src = dir ? dupf("%s/%s/%s", SPLIT_DIR, dir, SPLIT_CSV) : NULL;
        fp_table *sub = NULL;
        if (!src) {
            free(dir);
            err = oom(diag);
            break;
        }
        err = subtree_table(t, rows[i], src, &sub, diag);
        free(src);
        if (err) {
            free(dir);
            break;
        }
        size_t k = p->nparts;
        if (add_part(p, sub, sub, dupf("%.*s%s分配表", (int)len, name, p->fund),
                     dupf("%.*s财政局", (int)len, name)) ||
            add_item(p, K_DIR, dupf("%s/%s", SPLIT_DIR, dir), k) ||
            add_item(p, K_CSV, dupf("%s/%s/%s", SPLIT_DIR, dir, SPLIT_CSV), k) ||
            add_item(p, K_NOTICE, dupf("%s/%s/%s", SPLIT_DIR, dir, NOTICE_FILE), k) ||
            add_item(p, K_FEEDBACK, dupf("%s/%s/%s", SPLIT_DIR, dir, FEEDBACK_FILE), k) ||
            add_item(p, K_LETTER, dupf("%s/%s/%s", SPLIT_DIR, dir, LETTER_FILE), k))
            err = oom(diag);
        free(dir);
        if (!err) {
            fp_package_options onward = *o;
            onward.issuer = p->parts[k].issuer;
            onward.doc_number = "〔　　〕　　号"; /* the prefecture gives its own */
            onward.to = NULL;         /* its counties */
            onward.date = NULL;
            err = make_letter(sub, &onward, onward_title, p->fund, basis, &p->parts[k].letter,
                              NULL, diag);
        }
    }
    free(rows);
    free(onward_title);
    free(basis);
    return err;
}

fp_error fp_package_prepare(const fp_table *t, const fp_package_options *opts, fp_package **out,
                            fp_diag *diag)
{
    fp_diag_clear(diag);
    *out = NULL;
    fp_package_options defaults;
    fp_package_options_init(&defaults);
    const fp_package_options *o = opts ? opts : &defaults;
    const char *unit = fp_table_unit(t);
    if (unit && strcmp(unit, "万元") != 0)
        return diag_set(diag, FP_ERR_ARGUMENT, fp_table_source(t), 0, NULL, unit, strlen(unit),
                        "the table's amounts are in %s; a notice states 万元: load it with "
                        "--to-unit 万元",
                        unit);
    if (fp_table_role_column(t, FP_ROLE_BATCH) == FP_NONE)
        return diag_set(diag, FP_ERR_COLUMN, fp_table_source(t), 0, NULL, NULL, 0,
                        "%s has no 此次下达 column: a notice states what it sends",
                        fp_table_source(t));
    fp_error err = require_balanced(t, diag);
    if (err)
        return err;
    fp_package *p = calloc(1, sizeof *p);
    if (!p)
        return oom(diag);
    /* the title: given, or "关于下达X的通知" from the table's title "X分配表" */
    char *title = NULL;
    if (o->title)
        title = strdup(o->title);
    else if (fp_table_title(t)) {
        char *f = fund_name(fp_table_title(t));
        title = f ? dupf("关于下达%s的通知", f) : NULL;
        free(f);
    } else {
        fp_package_free(p);
        return diag_set(diag, FP_ERR_ARGUMENT, fp_table_source(t), 0, NULL, NULL, 0,
                        "%s has no title line: give the letter's title (--title "
                        "\"关于下达…的通知\")",
                        fp_table_source(t));
    }
    if (!title || !(p->fund = fund_name(title)) ||
        (o->doc_number && !(p->doc_number = strdup(o->doc_number)))) {
        err = oom(diag);
        goto fail;
    }
    /* the letter and the attachments of the whole table */
    char *table_title = dupf("%s分配表", p->fund);
    if (add_part(p, t, NULL, table_title, o->issuer ? strdup(o->issuer) : NULL) ||
        add_item(p, K_LETTER, strdup(LETTER_FILE), 0) ||
        add_item(p, K_NOTICE, strdup(NOTICE_FILE), 0) ||
        add_item(p, K_FEEDBACK, strdup(FEEDBACK_FILE), 0)) {
        err = oom(diag);
        goto fail;
    }
    if ((err = make_letter(t, o, title, p->fund, "", &p->parts[0].letter, &p->letter_text,
                           diag)) != FP_OK)
        goto fail;
    if (o->split && (err = add_split(p, t, o, title, diag)) != FP_OK)
        goto fail;
    free(title);
    *out = p;
    return FP_OK;
fail:
    free(title);
    fp_package_free(p);
    return err;
}

fp_error fp_package_write_file(const fp_package *p, size_t i, const char *path, fp_diag *diag)
{
    fp_diag_clear(diag);
    const item *it = &p->items[i];
    const part *pt = &p->parts[it->part];
    switch (it->k) {
    case K_DIR:
        return diag_set(diag, FP_ERR_ARGUMENT, NULL, 0, NULL, NULL, 0,
                        "%s is a folder, not a file", it->path);
    case K_LETTER:
        return fp_docx_write(pt->letter, path, diag);
    case K_NOTICE: {
        fp_notice_options no;
        fp_notice_options_init(&no);
        no.title = pt->title;
        no.attachment = "附件1"; /* the line above the title; the 文号 goes in the print header */
        no.doc_number = p->doc_number;
        return fp_xlsx_write_notice(pt->t, &no, path, diag);
    }
    case K_FEEDBACK: {
        fp_feedback_options fo;
        fp_feedback_options_init(&fo);
        fo.fund_name = p->fund;
        fo.doc_number = p->doc_number;
        fo.issuer = pt->issuer;
        return fp_xlsx_write_feedback(pt->t, &fo, path, diag);
    }
    case K_CSV: {
        FILE *f = fopen(path, "wb");
        if (!f)
            return diag_set(diag, FP_ERR_IO, path, 0, NULL, NULL, 0, "cannot write %s", path);
        fp_error e = fp_table_write_csv(pt->t, f, -1, diag);
        if (fclose(f) != 0 && !e)
            e = diag_set(diag, FP_ERR_IO, path, 0, NULL, NULL, 0, "cannot write %s", path);
        return e;
    }
    }
    return diag_set(diag, FP_ERR_INTERNAL, NULL, 0, NULL, NULL, 0, "unknown package entry");
}
