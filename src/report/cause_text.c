/* report/cause_text.c — the sentences of the causes, in Chinese and English. */
#include "explain/cause_impl.h"

/* ---- sentences ---- */

typedef struct lang_words {
    const char *lq, *rq;     /* around a name or a column header */
    const char *list_sep;    /* between items of a list */
    const char *ellipsis;
} lang_words;

static const lang_words W_ZH = {"「", "」", "、", "……"};
static const lang_words W_EN = {"", "", ", ", "…"};

static void put_row(strbuf *b, const engine *E, size_t row, int en)
{
    if (en)
        strbuf_printf(b, "line %ld %s", fp_table_row_line(E->t, row), ex_name_of(E, row));
    else
        strbuf_printf(b, "第 %ld 行「%s」", fp_table_row_line(E->t, row), ex_name_of(E, row));
}

static void put_col(strbuf *b, const engine *E, size_t col, int en)
{
    const lang_words *w = en ? &W_EN : &W_ZH;
    strbuf_str(b, w->lq);
    strbuf_str(b, col == FP_NONE ? "?" : fp_table_column_name(E->t, col));
    strbuf_str(b, w->rq);
}

static const char *const sub_zh[FP_SUBKIND_MAX] = {"", "（相邻数字颠倒）", "（一位数字错误）",
                                                   "（正负号错误）", "（漏了一格）"};
static const char *const sub_en[FP_SUBKIND_MAX] = {"", " (adjacent digits swapped)",
                                                   " (one wrong digit)", " (wrong sign)",
                                                   " (a lost cell)"};

static void text_typo(strbuf *b, const engine *E, const hyp *h, int en)
{
    if (h->ncells == 1) {
        const fp_cause_cell *c = &h->cells[0];
        strbuf_str(b, en ? "typo" : "笔误");
        strbuf_str(b, (en ? sub_en : sub_zh)[c->subkind < FP_SUBKIND_DUPLICATE ? c->subkind : 0]);
        strbuf_str(b, en ? ": " : "：");
        put_row(b, E, c->row, en);
        strbuf_str(b, en ? ", " : "的");
        put_col(b, E, c->column, en);
        if (c->subkind == FP_SUBKIND_BLANK) {
            strbuf_str(b, en ? " is blank; " : "为空，应为 ");
        } else {
            strbuf_str(b, en ? " reads " : "表中 ");
            strbuf_amount(b, c->stated);
            strbuf_str(b, en ? "; " : "，应为 ");
        }
        strbuf_amount(b, c->suggested);
        strbuf_str(b, en ? " makes every identity it takes part in hold." : "；这样它参与的各项平衡关系全部成立。");
        return;
    }
    if (en)
        strbuf_printf(b, "%zu typos: ", h->ncells);
    else
        strbuf_printf(b, "%zu 处笔误：", h->ncells);
    for (size_t i = 0; i < h->ncells; i++) {
        const fp_cause_cell *c = &h->cells[i];
        if (i)
            strbuf_str(b, en ? "; " : "；");
        put_row(b, E, c->row, en);
        strbuf_str(b, en ? ", " : "的");
        put_col(b, E, c->column, en);
        strbuf_str(b, en ? " reads " : "表中 ");
        strbuf_amount(b, c->stated);
        strbuf_str(b, en ? ", should be " : "，应为 ");
        strbuf_amount(b, c->suggested);
        strbuf_str(b, (en ? sub_en : sub_zh)[c->subkind < FP_SUBKIND_DUPLICATE ? c->subkind : 0]);
    }
    strbuf_str(b, en ? "; corrected, every identity holds." : "；改正后各项平衡关系全部成立。");
}

static void text_misplaced(strbuf *b, const engine *E, const hyp *h, int en)
{
    const fp_cause_cell *x = &h->cells[0], *y = &h->cells[1];
    if (x->stated == 0 || y->stated == 0) { /* one cell moved into an empty column */
        const fp_cause_cell *from = x->stated ? x : y, *to = x->stated ? y : x;
        strbuf_str(b, en ? "misplaced cell: " : "串列：");
        put_row(b, E, from->row, en);
        strbuf_str(b, en ? ": the " : "的 ");
        strbuf_amount(b, from->stated);
        strbuf_str(b, en ? " in " : " 应在");
        if (en) {
            put_col(b, E, from->column, en);
            strbuf_str(b, " belongs in ");
            put_col(b, E, to->column, en);
            strbuf_str(b, "; moved back, every identity holds.");
        } else {
            put_col(b, E, to->column, en);
            strbuf_str(b, "列，却填在了");
            put_col(b, E, from->column, en);
            strbuf_str(b, "列；移回后各项平衡关系成立。");
        }
        return;
    }
    strbuf_str(b, en ? "cells swapped: " : "两格互换：");
    put_row(b, E, x->row, en);
    strbuf_str(b, en ? ": " : "的");
    put_col(b, E, x->column, en);
    strbuf_str(b, en ? " (" : "（");
    strbuf_amount(b, x->stated);
    strbuf_str(b, en ? ") and " : "）与");
    put_col(b, E, y->column, en);
    strbuf_str(b, en ? " (" : "（");
    strbuf_amount(b, y->stated);
    strbuf_str(b, en ? ") are exchanged; swapped back, every identity holds."
                 : "）填反了；换回后各项平衡关系成立。");
}

static void put_values(strbuf *b, const engine *E, const hyp *h, int en)
{
    const lang_words *w = en ? &W_EN : &W_ZH;
    int first = 1;
    for (size_t i = 0; i < h->ncells; i++) {
        const fp_cause_cell *c = &h->cells[i];
        if (c->change != FP_CELL_INSERT && c->change != FP_CELL_DELETE)
            continue;
        if (!first)
            strbuf_str(b, w->list_sep);
        first = 0;
        strbuf_str(b, fp_table_column_name(E->t, c->column));
        strbuf_str(b, " ");
        strbuf_amount(b, c->change == FP_CELL_INSERT ? c->suggested : c->stated);
    }
}

static void text_missing(strbuf *b, const engine *E, const hyp *h, int en)
{
    if (en) {
        strbuf_str(b, "missing row: a row is missing under ");
        put_row(b, E, h->parent, en);
        if (h->name)
            strbuf_printf(b, " (probably %s)", h->name);
        strbuf_str(b, ": ");
        put_values(b, E, h, en);
        strbuf_str(b, "; the row itself balances, and with it the sums hold.");
    } else {
        strbuf_str(b, "缺行：");
        put_row(b, E, h->parent, en);
        strbuf_str(b, "下少了一行");
        if (h->name)
            strbuf_printf(b, "（可能是「%s」）", h->name);
        strbuf_str(b, "：");
        put_values(b, E, h, en);
        strbuf_str(b, "；这一行本身平衡，补上后合计成立。");
    }
}

static void text_extra(strbuf *b, const engine *E, const hyp *h, int en)
{
    if (h->sub == FP_SUBKIND_DUPLICATE) {
        strbuf_str(b, en ? "duplicate row: " : "重复行：");
        put_row(b, E, h->row, en);
        strbuf_str(b, en ? " repeats an identical row above and is counted twice in "
                     : "与上面的同名行完全相同，在");
        put_row(b, E, h->parent, en);
        strbuf_str(b, en ? "; without it the sums hold." : "中重复计入；删去后合计成立。");
    } else if (h->sub == FP_SUBKIND_DOUBLE_COUNTED) {
        strbuf_str(b, en ? "counted twice: " : "重复计入：");
        put_row(b, E, h->row, en);
        strbuf_str(b, en ? " is already contained in other rows (a subtotal or an \"of which\" row) and "
                       "is counted again in "
                     : "已包含在其他行中（小计或「其中」行），又被计入了");
        put_row(b, E, h->parent, en);
        strbuf_str(b, en ? "; without it the sums hold." : "；删去后合计成立。");
    } else {
        strbuf_str(b, en ? "extra row: the rows of " : "多出一行：");
        put_row(b, E, h->parent, en);
        strbuf_str(b, en ? " exceed it by exactly " : "的各行之和比它多出的正好是");
        put_row(b, E, h->row, en);
        strbuf_str(b, en ? "; without it the sums hold." : "；删去后合计成立。");
    }
}

static void text_wrong_parent(strbuf *b, const engine *E, const hyp *h, int en)
{
    strbuf_str(b, en ? "wrong parent: " : "上级错误：");
    put_row(b, E, h->row, en);
    if (h->cost == COST_EVIDENCE) {
        strbuf_str(b, en ? " belongs to " : "属于");
        put_row(b, E, h->parent, en);
        strbuf_str(b, en ? " but is listed under " : "，却列在了");
        put_row(b, E, h->from, en);
        strbuf_str(b, en ? "; moved there, both sums hold." : "下；移过去后两处合计都成立。");
    } else {
        strbuf_str(b, en ? " is listed under " : "列在");
        put_row(b, E, h->from, en);
        strbuf_str(b, en ? ", whose rows exceed it by exactly this row, while " : "下，而它的各行之和多出的正是这一行，");
        put_row(b, E, h->parent, en);
        strbuf_str(b, en ? " falls short by exactly this row; moved there, both sums hold."
                     : "少的也正是这一行；移过去后两处合计都成立。");
    }
}

void ex_text_shift(strbuf *b, const engine *E, const hyp *h, int en)
{
    long la = fp_table_row_line(E->t, h->row), lb = fp_table_row_line(E->t, h->row_end);
    int names_only = h->level_end < 0; /* the sums hold: only the names are off */
    if (en)
        strbuf_printf(b, "label shift: on lines %ld–%ld the names%s are one row late against the "
                     "numbers: ", la, lb, names_only ? "" : " (with their levels)");
    else
        strbuf_printf(b, "名称错行：第 %ld–%ld 行的单位名称%s比数字晚了一行：", la, lb,
                  names_only ? "" : "（连同级次）");
    size_t shown = 0;
    for (size_t i = 0; i + 1 < h->ncells && shown < 4; i++, shown++) {
        const fp_cause_cell *c = &h->cells[i];
        if (i)
            strbuf_str(b, en ? ", " : "，");
        if (en)
            strbuf_printf(b, "the numbers on line %ld belong to %s", fp_table_row_line(E->t, c->row),
                      c->suggested_text ? c->suggested_text : "?");
        else
            strbuf_printf(b, "第 %ld 行的数字属于「%s」", fp_table_row_line(E->t, c->row),
                      c->suggested_text ? c->suggested_text : "?");
    }
    if (shown + 1 < h->ncells)
        strbuf_str(b, en ? ", …" : "……");
    if (en) {
        strbuf_printf(b, "; the name of line %ld is lost", lb);
        if (h->name)
            strbuf_printf(b, " (probably %s)", h->name);
        strbuf_str(b, names_only ? "; realigned, every name sits under the division it belongs to."
                             : "; realigned, every sum holds.");
    } else {
        strbuf_printf(b, "，第 %ld 行的名称缺失", lb);
        if (h->name)
            strbuf_printf(b, "（可能是「%s」）", h->name);
        strbuf_str(b, names_only ? "；重新对齐后各单位都在其所属的地州下。" : "；重新对齐后各合计成立。");
    }
}

static void text_split(strbuf *b, const engine *E, const hyp *h, int en)
{
    long la = fp_table_row_line(E->t, h->row), lb = fp_table_row_line(E->t, h->row_end);
    if (en) {
        strbuf_printf(b, "split row: lines %ld–%ld hold the cells of one unit, %s; merged, its "
                     "identities hold.", la, lb, ex_name_of(E, h->row));
    } else {
        strbuf_printf(b, "一行拆成了 %zu 行：第 %ld–%ld 行是同一单位「%s」的数字；合并后各项平衡关系成立。",
                  h->row_end - h->row + 1, la, lb, ex_name_of(E, h->row));
    }
}

/* The rows whose rounding made a block's residue: P's rows, the first few by name. */
static void put_rounded_rows(strbuf *b, const engine *E, size_t p, int en)
{
    const lang_words *w = en ? &W_EN : &W_ZH;
    size_t i = 0;
    strbuf_str(b, en ? " (" : "（");
    for (size_t k = fp_table_first_child(E->t, p); k != FP_NONE;
         k = fp_table_next_sibling(E->t, k), i++) {
        if (i == 6) {
            strbuf_str(b, w->ellipsis);
            break;
        }
        if (i)
            strbuf_str(b, w->list_sep);
        strbuf_str(b, ex_name_of(E, k));
    }
    strbuf_str(b, en ? ")" : "）");
}

/* One changed cell as "column stated → suggested" (原基本公共卫生项目 357→356). */
static void put_change(strbuf *b, const engine *E, const fp_cause_cell *c, int en)
{
    strbuf_str(b, fp_table_column_name(E->t, c->column));
    strbuf_str(b, " ");
    strbuf_amount(b, c->stated);
    strbuf_str(b, en ? " → " : "→");
    strbuf_amount(b, c->suggested);
}

/* A rounding remainder put on one subtotal row: the row's cells back to the sums of its rows. */
static void text_subtotal_row(strbuf *b, const engine *E, const hyp *h, int en)
{
    strbuf_str(b, en ? "rounding residue put on a subtotal row: " : "尾差记在了小计行上：");
    put_row(b, E, h->row, en);
    strbuf_str(b, en ? " balances in itself but agrees neither with the sum of its rows nor with "
                    : "本身平衡，但与其各行之和、与上级");
    if (en) {
        put_row(b, E, h->parent, en);
        strbuf_str(b, "; put back: ");
    } else {
        strbuf_printf(b, "「%s」都不符；改回：", ex_name_of(E, h->parent));
    }
    for (size_t i = 0; i < h->ncells; i++) {
        const fp_cause_cell *c = &h->cells[i];
        if (i)
            strbuf_str(b, en ? ", " : "、");
        put_change(b, E, c, en);
    }
    strbuf_str(b, en ? "; then every identity holds." : "；改回后各项平衡关系全部成立。");
}

static void text_residue(strbuf *b, const engine *E, const hyp *h, int en)
{
    if (h->sub == FP_SUBKIND_SUBTOTAL_ROW) {
        text_subtotal_row(b, E, h, en);
        return;
    }
    const fp_finding *f = fp_report_finding(E->r, h->cover[0]);
    if (h->parent != FP_NONE) {
        size_t n = ex_child_count(E, h->parent);
        strbuf_str(b, en ? "rounding residue: " : "尾差：");
        put_row(b, E, h->parent, en);
        strbuf_str(b, en ? " and the sum of its rows differ by " : "与其各行之和相差 ");
        strbuf_amount(b, f->difference);
        if (en)
            strbuf_printf(b, ", no more than half a unit for each of its %zu rounded parts: each of "
                         "its rows was rounded on its own", n);
        else
            strbuf_printf(b, "，不超过 %zu 个舍入项各半个单位，应是其各行分别四舍五入所致", n);
        put_rounded_rows(b, E, h->parent, en);
    } else {
        strbuf_str(b, en ? "rounding residue: " : "尾差：");
        put_row(b, E, h->row, en);
        strbuf_str(b, en ? ", " : "的");
        put_col(b, E, f->column, en);
        strbuf_str(b, en ? " differs from its parts by " : "与各项之和相差 ");
        strbuf_amount(b, f->difference);
        strbuf_str(b, en ? ", no more than half a unit per rounded part: each part was rounded on its "
                       "own"
                     : "，不超过各舍入项半个单位之和，应是各项分别四舍五入所致");
    }
    size_t last = FP_NONE;
    for (size_t i = 0; i < h->ncells; i++) {
        const fp_cause_cell *c = &h->cells[i];
        if (c->change != FP_CELL_SET)
            continue;
        if (last == FP_NONE)
            strbuf_str(b, en ? "; if it must go, the largest of those rows could take it (a choice, not "
                            "applied by --fix): "
                         : "；如需消除，可把尾差调到其中最大的项上（这是一种选择，--fix 不会自动修改）：");
        if (c->row != last) {
            if (last != FP_NONE)
                strbuf_str(b, en ? "; " : "；");
            put_row(b, E, c->row, en);
            strbuf_str(b, en ? " " : "");
        } else {
            strbuf_str(b, en ? ", " : "、");
        }
        last = c->row;
        put_change(b, E, c, en);
    }
    strbuf_str(b, en ? "." : "。");
}

void ex_hyp_text(strbuf *b, const engine *E, const hyp *h, int en)
{
    switch (h->kind) {
    case FP_CAUSE_TYPO:
        text_typo(b, E, h, en);
        break;
    case FP_CAUSE_MISPLACED_CELL:
        text_misplaced(b, E, h, en);
        break;
    case FP_CAUSE_MISSING_ROW:
        text_missing(b, E, h, en);
        break;
    case FP_CAUSE_EXTRA_ROW:
        text_extra(b, E, h, en);
        break;
    case FP_CAUSE_WRONG_PARENT:
        text_wrong_parent(b, E, h, en);
        break;
    case FP_CAUSE_LABEL_SHIFT:
        ex_text_shift(b, E, h, en);
        break;
    case FP_CAUSE_SPLIT_ROW:
        text_split(b, E, h, en);
        break;
    case FP_CAUSE_ROUNDING_RESIDUE:
        text_residue(b, E, h, en);
        break;
    default:
        break;
    }
}
