/* report/report_text.c — the readable check report, in Chinese or English. */
#include <stdlib.h>
#include <string.h>

#include "fenpei/check.h"
#include "fenpei/explain.h"
#include "fenpei/report.h"
#include "core/path.h"
#include "util/buf.h"

typedef struct words {
    const char *rule[FP_RULE_MAX];
    const char *computed[FP_RULE_MAX]; /* what the computed value is, per identity */
    const char *error, *warning, *stated, *difference, *sep, *colon, *sep2, *end;
    const char *file, *rows, *rules_checked, *custom;
    const char *empty_row, *clawback, *negative, *residue_of;
    const char *lquote, *rquote, *lparen, *rparen; /* around a rule's text / the identity */
} words;

static const words zh = {
    .rule = {"列合计", "类别合计", "全年=已提前下达+此次下达", "自定义规则", "收回", "负数",
             "空行", "尾差", "无法识别", "名称错行"},
    .computed = {"下级之和", "各类别之和", "已提前下达+此次下达", "按规则应为"},
    .error = "错误",
    .warning = "警告",
    .stated = "表中",
    .difference = "相差",
    .sep = "，",
    .colon = "：",
    .sep2 = "、",
    .end = "。",
    .file = "文件",
    .rows = "行",
    .rules_checked = "检查规则",
    .custom = "自定义",
    .empty_row = "该行没有任何金额",
    .clawback = "此次下达为负数，即收回已下达资金",
    .negative = "金额为负数",
    .residue_of = "在容差之内",
    .lquote = "「",
    .rquote = "」",
    .lparen = "（",
    .rparen = "）",
};

static const words en = {
    .rule = {"column-sum", "category-split", "advance-batch", "custom", "clawback",
             "negative-amount", "empty-row", "rounding-residue", "unreadable-cell",
             "label-shift"},
    .computed = {"sum of rows", "sum of categories", "advance + batch", "rule requires"},
    .error = "error",
    .warning = "warning",
    .stated = "stated",
    .difference = "difference",
    .sep = ", ",
    .colon = ": ",
    .sep2 = ", ",
    .end = ".",
    .file = "file",
    .rows = "rows",
    .rules_checked = "rules",
    .custom = "custom",
    .empty_row = "the row has no amount at all",
    .clawback = "this batch is negative: money already sent is taken back",
    .negative = "a negative amount",
    .residue_of = "within the tolerance",
    .lquote = " \"",
    .rquote = "\"",
    .lparen = " (",
    .rparen = ")",
};

static void amount(FILE *out, fp_amount v)
{
    char buf[FP_AMOUNT_BUFSIZE];
    fp_amount_format(v, 0, buf);
    fputs(buf, out);
}

static void write_path(FILE *out, const fp_table *t, size_t row)
{
    strbuf b = {0};
    row_path(&b, t, row, " / ");
    fputs(strbuf_get(&b), out);
    strbuf_free(&b);
}

/* The cause line under finding I: the whole sentence under the first error it explains
 * (FIRST: by cause, that finding, or FP_NONE before it is written), a reference to that line under
 * the others. */
static void write_cause(FILE *out, const fp_report *r, const fp_causes *c, const fp_table *t,
                        size_t i, size_t *first_of, fp_lang lang)
{
    const fp_cause *k = fp_causes_of_finding(c, i);
    if (!k || fp_report_finding(r, i)->severity != FP_SEVERITY_ERROR)
        return;
    size_t *slot = first_of ? &first_of[fp_causes_index(c, k)] : NULL, first = i;
    if (slot && *slot != FP_NONE)
        first = *slot;
    else if (slot)
        *slot = i;
    if (first == i)
        fprintf(out, "    %s%s\n", lang == FP_LANG_EN ? "likely cause: " : "可能原因：",
                lang == FP_LANG_EN ? k->text_en : k->text_zh);
    else if (lang == FP_LANG_EN)
        fprintf(out, "    likely cause: see line %ld.\n",
                fp_table_row_line(t, fp_report_finding(r, first)->row));
    else
        fprintf(out, "    可能原因：见第 %ld 行。\n",
                fp_table_row_line(t, fp_report_finding(r, first)->row));
}

/* Causes that explain no finding (place names under the wrong parent), each under its row. */
/* A label shift starting at ROW (fp_label_shift_at): the run, each row's own name, the lost one. */
static void write_shift(FILE *out, const fp_table *t, size_t row, fp_lang lang)
{
    fp_label_shift s;
    int eng = lang == FP_LANG_EN;
    if (!fp_label_shift_at(t, row, &s)) { /* cannot happen: the warning comes from it */
        fputs(eng ? "the names seem one row late against the numbers" : "名称似比数字晚了一行", out);
        return;
    }
    if (eng)
        fprintf(out, "on lines %ld–%ld the names are one row late against the numbers: ",
                fp_table_row_line(t, s.first), fp_table_row_line(t, s.last));
    else
        fprintf(out, "第 %ld–%ld 行的单位名称比数字晚了一行：", fp_table_row_line(t, s.first),
                fp_table_row_line(t, s.last));
    for (size_t k = s.first; k < s.last; k++)
        fprintf(out, eng ? "%sline %ld is %s" : "%s第 %ld 行是「%s」",
                k == s.first ? "" : (eng ? ", " : "，"), fp_table_row_line(t, k),
                fp_table_row_name(t, k + 1));
    long lb = fp_table_row_line(t, s.last);
    if (s.lost)
        fprintf(out, eng ? ", line %ld is %s (its name was lost; the gazetteer's)"
                        : "，第 %ld 行是「%s」（名称缺失，据区划名录）", lb, s.lost);
    else if (s.lost_division)
        fprintf(out, eng ? ", line %ld lost its name (%s, or its former name)"
                        : "，第 %ld 行名称缺失（「%s」或其旧名）", lb, s.lost_division);
    else
        fprintf(out, eng ? ", line %ld lost its name" : "，第 %ld 行名称缺失", lb);
    if (s.ambiguous)
        fprintf(out, eng ? "; or the run ends on line %ld: which cannot be told"
                        : "；错行也可能止于第 %ld 行，无法判定",
                fp_table_row_line(t, s.last_alt));
    else if (s.by_order)
        fprintf(out, eng ? "; or the run ends on line %ld, which only the code order (not kept by "
                           "this table elsewhere) speaks against"
                         : "；错行也可能止于第 %ld 行，只有区划代码顺序（本表别处并未遵循）与之不合",
                fp_table_row_line(t, s.last_alt));
}

/* Does the report hold a label-shift warning at ROW? */
static int shift_reported(const fp_report *r, size_t row)
{
    for (size_t i = 0; i < fp_report_count(r); i++)
        if (fp_report_finding(r, i)->rule == FP_RULE_LABEL_SHIFT &&
            fp_report_finding(r, i)->row == row)
            return 1;
    return 0;
}

static void write_notes(FILE *out, const fp_causes *c, const fp_table *t, const fp_report *r,
                        fp_lang lang)
{
    int any = 0;
    for (size_t i = 0; i < fp_causes_count(c); i++) {
        const fp_cause *k = fp_causes_get(c, i);
        if (!fp_cause_is_note(c, k))
            continue;
        if (k->kind == FP_CAUSE_LABEL_SHIFT && shift_reported(r, k->row))
            continue; /* said by the warning already */
        if (lang == FP_LANG_EN)
            fprintf(out, "line %ld  ", fp_table_row_line(t, k->row));
        else
            fprintf(out, "第 %ld 行  ", fp_table_row_line(t, k->row));
        write_path(out, t, k->row);
        fprintf(out, "\n  %s  %s\n", lang == FP_LANG_EN ? "note" : "提示",
                lang == FP_LANG_EN ? k->text_en : k->text_zh);
        any = 1;
    }
    if (any)
        fputc('\n', out);
}

fp_error fp_report_write_text(const fp_report *r, const fp_table *t, const fp_check_options *opts,
                              fp_lang lang, FILE *out)
{
    return fp_report_write_text_explained(r, NULL, t, opts, lang, out);
}

fp_error fp_report_write_text_explained(const fp_report *r, const fp_causes *c, const fp_table *t,
                                        const fp_check_options *opts, fp_lang lang, FILE *out)
{
    const words *w = lang == FP_LANG_EN ? &en : &zh;
    unsigned rules = fp_report_rules(r);
    fprintf(out, "%s%s%s%s%zu %s\n", w->file, w->colon, fp_table_source(t), w->sep,
            fp_table_row_count(t), w->rows);
    fprintf(out, "%s%s", w->rules_checked, w->colon);
    int first = 1;
    for (int k = FP_RULE_COLUMN_SUM; k <= FP_RULE_ADVANCE_BATCH; k++)
        if (rules & (1u << k)) {
            fprintf(out, "%s%s", first ? "" : w->sep2, w->rule[k]);
            first = 0;
        }
    for (size_t k = 0; opts && k < opts->custom_count; k++) {
        fprintf(out, "%s%s%s%s%s", first ? "" : w->sep2, w->custom, w->lquote,
                fp_rule_text(opts->custom[k]), w->rquote);
        first = 0;
    }
    fputs("\n\n", out);

    size_t last_row = FP_NONE;
    size_t *first_of = NULL; /* by cause: the finding its sentence stands under */
    if (fp_causes_count(c) && (first_of = malloc(fp_causes_count(c) * sizeof *first_of)) != NULL)
        for (size_t k = 0; k < fp_causes_count(c); k++)
            first_of[k] = FP_NONE;
    for (size_t i = 0; i < fp_report_count(r); i++) {
        const fp_finding *f = fp_report_finding(r, i);
        if (f->row != last_row) {
            if (lang == FP_LANG_EN)
                fprintf(out, "line %ld", fp_table_row_line(t, f->row));
            else
                fprintf(out, "第 %ld 行", fp_table_row_line(t, f->row));
            fputs("  ", out);
            write_path(out, t, f->row);
            fputc('\n', out);
            last_row = f->row;
        }
        fprintf(out, "  %s  %s", f->severity == FP_SEVERITY_ERROR ? w->error : w->warning,
                w->rule[f->rule]);
        if (f->rule == FP_RULE_ROUNDING_RESIDUE)
            fprintf(out, "%s%s%s", w->lparen, w->rule[f->identity], w->rparen);
        if (f->column != FP_NONE)
            fprintf(out, " %s", fp_table_column_name(t, f->column));
        fputs(w->colon, out);
        switch (f->rule) {
        case FP_RULE_EMPTY_ROW:
            fputs(w->empty_row, out);
            break;
        case FP_RULE_UNREADABLE:
            fprintf(out, lang == FP_LANG_EN ? "\"%s\" is no amount; read as blank, the row is "
                                              "uncertain"
                                            : "「%s」不是金额，按空白读入，该行存疑",
                    fp_table_text(t, f->row, f->column));
            break;
        case FP_RULE_LABEL_SHIFT:
            write_shift(out, t, f->row, lang);
            break;
        case FP_RULE_CLAWBACK:
        case FP_RULE_NEGATIVE:
            amount(out, f->actual);
            fprintf(out, "%s%s", w->sep, f->rule == FP_RULE_CLAWBACK ? w->clawback : w->negative);
            break;
        default:
            fprintf(out, "%s ", w->stated);
            amount(out, f->actual);
            fprintf(out, "%s%s ", w->sep, w->computed[f->identity]);
            if (f->identity == FP_RULE_CUSTOM && opts && f->custom < opts->custom_count)
                fprintf(out, "(%s) ", fp_rule_text(opts->custom[f->custom]));
            amount(out, f->expected);
            fprintf(out, "%s%s ", w->sep, w->difference);
            if (f->difference > 0)
                fputc('+', out);
            amount(out, f->difference);
            if (f->rule == FP_RULE_ROUNDING_RESIDUE)
                fprintf(out, "%s%s", w->sep, w->residue_of);
            break;
        }
        fprintf(out, "%s\n", w->end);
        write_cause(out, r, c, t, i, first_of, lang);
    }
    free(first_of);
    if (fp_report_count(r))
        fputc('\n', out);
    write_notes(out, c, t, r, lang);
    size_t rows = fp_table_row_count(t), errs = fp_report_errors(r), warns = fp_report_warnings(r);
    if (lang == FP_LANG_EN && errs == 0)
        fprintf(out, "%zu row%s: every identity holds, %zu warning%s.\n", rows, rows == 1 ? "" : "s",
                warns, warns == 1 ? "" : "s");
    else if (lang == FP_LANG_EN)
        fprintf(out, "%zu row%s: %zu error%s, %zu warning%s.\n", rows, rows == 1 ? "" : "s", errs,
                errs == 1 ? "" : "s", warns, warns == 1 ? "" : "s");
    else if (errs == 0)
        fprintf(out, "共 %zu 行：各项平衡关系全部成立，%zu 个警告。\n", rows, warns);
    else
        fprintf(out, "共 %zu 行：%zu 个错误，%zu 个警告。\n", rows, errs, warns);
    return ferror(out) ? FP_ERR_IO : FP_OK;
}
