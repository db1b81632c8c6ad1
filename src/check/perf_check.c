/* check/perf_check.c — the rules of the performance tables, and the cross-check of target
 * tables against the allocation table. Every comparison is exact: amounts and weights as
 * fp_amount, rates and scores as quotients of integers rounded at the printed precision. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "places/gazetteer.h"
#include "read/perf_model.h"
#include "round/rational.h"
#include "util/buf.h"

struct fp_perf_report {
    fp_perf_finding *f;
    size_t n, cap;
    int nomem;
};

static const i128 SCALE = FP_AMOUNT_SCALE;

static i128 pow10i(int d)
{
    i128 p = 1;
    while (d-- > 0)
        p *= 10;
    return p;
}

/* Round NUM/DEN (DEN > 0) to D decimals: half up (away from zero) or truncated (toward zero).
 * Returns the count of 10^-D units. */
static i128 round_at(i128 num, i128 den, int d, int truncate)
{
    i128 n = num * pow10i(d);
    if (truncate)
        return n >= 0 ? rat_floor_div(n, den) : -rat_floor_div(-n, den);
    return rat_round_div(n, den, FP_ROUND_NEAREST);
}

/* A printed figure as a count of 10^-D units (D ≤ its decimals is not required: D ≥ them). */
static i128 units_at(fp_amount v, int d) { return (i128)v * pow10i(d) / SCALE; }

/* Format a count of 10^-D units with D decimals. */
static void fmt_units(i128 u, int d, int percent, char *buf, size_t size)
{
    char a[FP_AMOUNT_BUFSIZE];
    i128 v = u * (SCALE / pow10i(d));
    if (v > FP_AMOUNT_MAX || v < FP_AMOUNT_MIN) {
        snprintf(buf, size, "?");
        return;
    }
    fp_amount_format((fp_amount)v, d, a);
    snprintf(buf, size, "%s%s", a, percent ? "%" : "");
}

static void fmt_amount(fp_amount v, int d, int percent, char *buf, size_t size)
{
    char a[FP_AMOUNT_BUFSIZE];
    fp_amount_format(v, d, a);
    snprintf(buf, size, "%s%s", a, percent ? "%" : "");
}

static void fmt_num(const perf_num *p, char *buf, size_t size)
{
    if (p->state == PN_NUM)
        fmt_amount(p->v, p->decimals, p->percent, buf, size);
    else
        buf[0] = '\0';
}

static int maxd(int a, int b) { return a > b ? a : b; }

/* ---- the report ---- */

static char *vfmt(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));
static char *vfmt(const char *fmt, va_list ap)
{
    va_list aq;
    va_copy(aq, ap);
    int n = vsnprintf(NULL, 0, fmt, aq);
    va_end(aq);
    if (n < 0)
        return NULL;
    char *s = malloc((size_t)n + 1);
    if (s)
        vsnprintf(s, (size_t)n + 1, fmt, ap);
    return s;
}

static char *sfmt(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *sfmt(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = vfmt(fmt, ap);
    va_end(ap);
    return s;
}

/* Add a finding; ZH and EN are malloc'd messages the report takes over (NULL: out of memory). */
static fp_perf_finding *add(fp_perf_report *R, const char *rule, fp_severity sev, size_t table,
                            const perf_table *t, long row, int col, char *zh, char *en)
{
    char where[160] = "";
    if (t)
        perf_where(t, row, col, where, sizeof where);
    char *w = strdup(where);
    if (!zh || !en || !w ||
        buf_reserve((void **)&R->f, &R->cap, R->n + 1, sizeof *R->f)) {
        free(zh), free(en), free(w);
        R->nomem = 1;
        return NULL;
    }
    fp_perf_finding *f = &R->f[R->n++];
    memset(f, 0, sizeof *f);
    f->rule = rule;
    f->severity = sev;
    f->table = table;
    f->where = w;
    f->message_zh = zh;
    f->message_en = en;
    f->row = row;
    f->col = col;
    return f;
}

/* The three values of a finding: expected, actual and actual − expected (both at D decimals). */
static void values(fp_perf_finding *f, i128 expected, i128 actual, int d, int percent)
{
    if (!f)
        return;
    fmt_units(expected, d, percent, f->expected, sizeof f->expected);
    fmt_units(actual, d, percent, f->actual, sizeof f->actual);
    fmt_units(actual - expected, d, percent, f->difference, sizeof f->difference);
}

static void blank_cell(fp_perf_report *R, size_t ti, const perf_table *t, long row, int col,
                       const char *what_zh, const char *what_en)
{
    add(R, "blank-cell", FP_SEVERITY_WARNING, ti, t, row, col,
        sfmt("%s为空，无法核对", what_zh), sfmt("%s is blank: cannot be checked", what_en));
}

/* ---- target tables ---- */

static void check_target(fp_perf_report *R, size_t ti, const perf_table *t)
{
    char a[48], b[48];
    if (t->budget.state != PN_NUM) {
        blank_cell(R, ti, t, t->budget.row, t->budget.col, "年度预算总额",
                   "年度预算总额 (the year budget)");
    } else if (t->fiscal.state != PN_NUM && t->other.state != PN_NUM) {
        blank_cell(R, ti, t, t->fiscal.row, t->fiscal.col,
                   "财政拨款和其他资金", "财政拨款 and 其他资金 (the split of the budget)");
    } else {
        fp_amount fis = t->fiscal.state == PN_NUM ? t->fiscal.v : 0;
        fp_amount oth = t->other.state == PN_NUM ? t->other.v : 0;
        fp_amount sum;
        if (fp_amount_add(fis, oth, &sum) == 0 && sum != t->budget.v) {
            int d = maxd(t->budget.decimals, maxd(t->fiscal.decimals, t->other.decimals));
            fmt_amount(sum, d, 0, a, sizeof a);
            fmt_num(&t->budget, b, sizeof b);
            fp_perf_finding *f = add(
                R, "target-funding", FP_SEVERITY_ERROR, ti, t, t->budget.row, t->budget.col,
                sfmt("年度预算总额 %s ≠ 财政拨款 + 其他资金 = %s", b, a),
                sfmt("年度预算总额 %s ≠ 财政拨款 + 其他资金 = %s", b, a));
            values(f, units_at(sum, d), units_at(t->budget.v, d), d, 0);
        }
    }
    if (t->ind_header < 0 || t->ninds == 0) {
        add(R, "structure", FP_SEVERITY_WARNING, ti, t, 0, -1,
            sfmt("未找到指标行（表头“指标分值权重”）"),
            sfmt("no indicator rows found (no header 指标分值权重)"));
        return;
    }
    fp_amount sum = 0;
    int d = 0, blanks = 0;
    for (size_t i = 0; i < t->ninds; i++) {
        const perf_ind *ind = &t->inds[i];
        if (!ind->has_value)
            add(R, "target-indicator", FP_SEVERITY_ERROR, ti, t, ind->row, ind->value_col,
                sfmt("指标“%s”没有指标值", ind->name),
                sfmt("indicator \"%s\" has no value (指标值)", ind->name));
        if (ind->weight.state != PN_NUM) {
            blanks++;
            add(R, "target-indicator", FP_SEVERITY_ERROR, ti, t, ind->row, ind->weight.col,
                sfmt("指标“%s”没有指标分值权重", ind->name),
                sfmt("indicator \"%s\" has no weight (指标分值权重)", ind->name));
            continue;
        }
        d = maxd(d, ind->weight.decimals);
        if (fp_amount_add(sum, ind->weight.v, &sum))
            return;
    }
    fp_amount goal = (fp_amount)t->weight_goal * FP_AMOUNT_SCALE;
    if (sum != goal) {
        fmt_amount(sum, d, 0, a, sizeof a);
        fp_perf_finding *f = add(
            R, "target-weights", blanks ? FP_SEVERITY_WARNING : FP_SEVERITY_ERROR, ti, t,
            t->ind_header, t->weight_col,
            sfmt("指标分值权重合计 %s，应为 %d%s", a, t->weight_goal,
                 blanks ? "（有空白权重）" : ""),
            sfmt("the weights (指标分值权重) add up to %s, not %d%s", a, t->weight_goal,
                 blanks ? " (some weights are blank)" : ""));
        values(f, units_at(goal, d), units_at(sum, d), d, 0);
    }
}

/* ---- self-evaluation tables ---- */

static const char *const fund_zh[FUND_MAX] = {"年度资金总额", "当年财政拨款", "上年结转资金",
                                              "其他资金"};
static const char *const col_zh[3] = {"年初预算数", "全年预算数", "全年执行数"};

static const perf_num *fund_col(const perf_fund *f, int k)
{
    return k == 0 ? &f->init : k == 1 ? &f->budget : &f->exec;
}

static void check_funding(fp_perf_report *R, size_t ti, const perf_table *t)
{
    const perf_fund *tot = &t->funds[FUND_TOTAL];
    if (!tot->present) {
        add(R, "structure", FP_SEVERITY_WARNING, ti, t, 0, -1, sfmt("未找到“年度资金总额”行"),
            sfmt("no 年度资金总额 row (the funding total) found"));
        return;
    }
    for (int k = 0; k < 3; k++) {
        const perf_num *T = fund_col(tot, k);
        fp_amount sum = 0;
        int parts = 0, rows = 0, d = T->decimals;
        for (int p = FUND_FISCAL; p < FUND_MAX; p++) {
            if (!t->funds[p].present)
                continue;
            rows++;
            const perf_num *x = fund_col(&t->funds[p], k);
            if (x->state == PN_NUM) {
                parts++;
                d = maxd(d, x->decimals);
                if (fp_amount_add(sum, x->v, &sum))
                    return;
            }
        }
        if (T->state != PN_NUM && parts) {
            char w[96];
            snprintf(w, sizeof w, "年度资金总额的%s", col_zh[k]);
            blank_cell(R, ti, t, tot->row, T->col, w, w);
        } else if (T->state == PN_NUM && rows && !parts) {
            char w[128];
            snprintf(w, sizeof w, "%s的各项资金（当年财政拨款、上年结转资金、其他资金）", col_zh[k]);
            blank_cell(R, ti, t, tot->row, T->col, w, w);
        } else if (T->state == PN_NUM && parts && sum != T->v) {
            char a[48], b[48];
            fmt_amount(sum, d, 0, a, sizeof a);
            fmt_num(T, b, sizeof b);
            fp_perf_finding *f =
                add(R, "funding-sum", FP_SEVERITY_ERROR, ti, t, tot->row, T->col,
                    sfmt("%s：年度资金总额 %s ≠ 各项资金之和 %s", col_zh[k], b, a),
                    sfmt("%s: 年度资金总额 %s ≠ the sum of its funding rows %s", col_zh[k], b, a));
            values(f, units_at(sum, d), units_at(T->v, d), d, 0);
        }
    }
    for (int p = 0; p < FUND_MAX; p++) {
        const perf_fund *f = &t->funds[p];
        if (!f->present || f->budget.state != PN_NUM || f->budget.v <= 0 ||
            f->exec.state != PN_NUM)
            continue;
        if (f->rate.state != PN_NUM || !f->rate.percent) {
            if (p == FUND_TOTAL)
                blank_cell(R, ti, t, f->row, f->rate.col, "执行率", "执行率 (the execution rate)");
            continue;
        }
        int d = f->rate.decimals;
        i128 num = (i128)f->exec.v * 100, den = f->budget.v;
        i128 h = round_at(num, den, d, 0), tr = round_at(num, den, d, 1);
        i128 printed = units_at(f->rate.v, d);
        i128 hundred = 100 * pow10i(d);
        if (printed == h || printed == tr || (h > hundred && printed == hundred))
            continue;
        char a[48], b[48];
        fmt_units(h, d, 1, a, sizeof a);
        fmt_num(&f->rate, b, sizeof b);
        fp_perf_finding *x = add(
            R, "execution-rate", FP_SEVERITY_ERROR, ti, t, f->row, f->rate.col,
            sfmt("%s执行率印为 %s，全年执行数/全年预算数 = %s", fund_zh[p], b, a),
            sfmt("%s: 执行率 printed %s, but 全年执行数/全年预算数 = %s", fund_zh[p], b, a));
        values(x, h, printed, d, 1);
    }
}

/* Which roundings give the printed budget score: bit 0 half up, bit 1 truncation; -1 when the
 * score cannot be checked. *EXPECT gets the half-up and truncated values (10^-*D units). */
static int score_rules(const perf_table *t, i128 expect[2], int *d)
{
    const perf_fund *f = &t->funds[FUND_TOTAL];
    if (!f->present || f->points.state != PN_NUM || f->score.state != PN_NUM ||
        f->budget.state != PN_NUM || f->budget.v <= 0 || f->exec.state != PN_NUM)
        return -1;
    *d = f->score.decimals;
    i128 printed = units_at(f->score.v, *d);
    int mask = 0, mask_printed = 0;
    for (int tr = 0; tr < 2; tr++) {
        /* 分值 × 全年执行数 / 全年预算数, capped at 分值 */
        i128 num = (i128)f->points.v * f->exec.v, den = (i128)f->budget.v * SCALE;
        if (f->exec.v > f->budget.v)
            num = (i128)f->points.v * f->budget.v;
        expect[tr] = round_at(num, den, *d, tr);
        if (printed == expect[tr])
            mask |= 1 << tr;
        /* … or × the rate as printed */
        if (f->rate.state == PN_NUM && f->rate.percent) {
            i128 rn = (i128)f->points.v * f->rate.v, rd = SCALE * SCALE * 100;
            if (f->rate.v > 100 * FP_AMOUNT_SCALE)
                rn = (i128)f->points.v * 100 * FP_AMOUNT_SCALE;
            if (printed == round_at(rn, rd, *d, tr))
                mask_printed |= 1 << tr;
        }
    }
    /* the rule a table uses is told by the exact rate; a score computed from the rounded rate
     * as printed is accepted too, but says nothing about the rounding */
    return mask ? mask : mask_printed ? 3 : 0;
}

/* The 总计 row's points or score against the sum of the rows (SUM, with D decimals; BLANK: some
 * rows are blank, so a difference is a warning, not an error). */
typedef struct total_text {
    const char *rule, *cell_zh, *cell_en, *zh, *blank_zh, *en;
} total_text;

static const total_text total_texts[2] = {
    {"total-points", "总计行的分值", "the 总计 row's 分值", "总计分值 %s ≠ 各行分值之和 %s%s",
     "（有空白分值，无法核对）", "total points %s ≠ the sum of the rows' points %s%s"},
    {"total-score", "总计行的得分", "the 总计 row's 得分", "总分 %s ≠ 各行得分之和 %s%s",
     "（有空白得分，无法核对）", "total score %s ≠ the sum of the rows' scores %s%s"},
};

static void check_total(fp_perf_report *R, size_t ti, const perf_table *t, const perf_num *tot,
                        fp_amount sum, int d, int blank, const total_text *x)
{
    if (tot->state != PN_NUM) {
        blank_cell(R, ti, t, t->total_row, tot->col, x->cell_zh, x->cell_en);
        return;
    }
    if (sum == tot->v)
        return;
    char a[48], b[48];
    int dd = maxd(d, tot->decimals);
    fmt_amount(sum, dd, 0, a, sizeof a);
    fmt_num(tot, b, sizeof b);
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
    fp_perf_finding *f =
        add(R, x->rule, blank ? FP_SEVERITY_WARNING : FP_SEVERITY_ERROR, ti, t, t->total_row,
            tot->col, sfmt(x->zh, b, a, blank ? x->blank_zh : ""),
            sfmt(x->en, b, a, blank ? " (some are blank: cannot be checked)" : ""));
#pragma GCC diagnostic pop
    values(f, units_at(sum, dd), units_at(tot->v, dd), dd, 0);
}

static void check_scores(fp_perf_report *R, size_t ti, const perf_table *t)
{
    const perf_fund *bf = &t->funds[FUND_TOTAL];
    i128 ex[2];
    int d = 0;
    int mask = score_rules(t, ex, &d);
    if (mask == 0) {
        char a[48], b[48];
        fmt_units(ex[0], d, 0, a, sizeof a);
        fmt_num(&bf->score, b, sizeof b);
        fp_perf_finding *f = add(
            R, "budget-score", FP_SEVERITY_ERROR, ti, t, bf->row, bf->score.col,
            sfmt("预算执行得分 %s，分值×执行率 = %s（四舍五入）", b, a),
            sfmt("budget score %s, but 分值 × 执行率 = %s (rounded half up)", b, a));
        values(f, ex[0], units_at(bf->score.v, d), d, 0);
    } else if (mask < 0 && bf->present && bf->points.state == PN_NUM &&
               bf->score.state != PN_NUM) {
        blank_cell(R, ti, t, bf->row, bf->score.col, "预算执行得分", "the budget score (得分)");
    }
    /* 得分 ≤ 分值, and the 总计 row */
    fp_amount psum = 0, ssum = 0;
    int pd = 0, sd = 0, pblank = 0, sblank = 0;
    if (bf->present && bf->points.state == PN_NUM) {
        psum = bf->points.v;
        pd = bf->points.decimals;
        if (bf->score.state == PN_NUM) {
            ssum = bf->score.v;
            sd = bf->score.decimals;
            if (bf->score.v > bf->points.v) {
                char a[48], b[48];
                fmt_num(&bf->score, a, sizeof a);
                fmt_num(&bf->points, b, sizeof b);
                fp_perf_finding *f = add(R, "score-cap", FP_SEVERITY_ERROR, ti, t, bf->row,
                                         bf->score.col, sfmt("预算执行得分 %s 超过分值 %s", a, b),
                                         sfmt("budget score %s exceeds its points %s", a, b));
                int dd = maxd(bf->score.decimals, bf->points.decimals);
                values(f, units_at(bf->points.v, dd), units_at(bf->score.v, dd), dd, 0);
            }
        } else {
            sblank++;
        }
    } else {
        pblank++, sblank++;
    }
    for (size_t i = 0; i < t->ninds; i++) {
        const perf_ind *ind = &t->inds[i];
        if (ind->points.state != PN_NUM) {
            pblank++;
            blank_cell(R, ti, t, ind->row, ind->points.col, "指标分值", "an indicator's 分值");
        } else {
            pd = maxd(pd, ind->points.decimals);
            if (fp_amount_add(psum, ind->points.v, &psum))
                return;
        }
        if (ind->score.state != PN_NUM) {
            sblank++;
            if (ind->points.state == PN_NUM)
                blank_cell(R, ti, t, ind->row, ind->score.col, "指标得分", "an indicator's 得分");
            continue;
        }
        sd = maxd(sd, ind->score.decimals);
        if (fp_amount_add(ssum, ind->score.v, &ssum))
            return;
        if (ind->points.state == PN_NUM && ind->score.v > ind->points.v) {
            char a[48], b[48];
            fmt_num(&ind->score, a, sizeof a);
            fmt_num(&ind->points, b, sizeof b);
            fp_perf_finding *f = add(
                R, "score-cap", FP_SEVERITY_ERROR, ti, t, ind->row, ind->score.col,
                sfmt("指标“%s”得分 %s 超过分值 %s", ind->name, a, b),
                sfmt("indicator \"%s\": score %s exceeds its points %s", ind->name, a, b));
            int dd = maxd(ind->score.decimals, ind->points.decimals);
            values(f, units_at(ind->points.v, dd), units_at(ind->score.v, dd), dd, 0);
        }
    }
    if (t->total_row < 0) {
        add(R, "structure", FP_SEVERITY_WARNING, ti, t, 0, -1, sfmt("未找到“总计”（总分）行"),
            sfmt("no 总计 (total score) row found"));
        return;
    }
    char a[48];
    fp_amount hundred = 100 * FP_AMOUNT_SCALE;
    if (!pblank && psum != hundred) {
        fmt_amount(psum, pd, 0, a, sizeof a);
        fp_perf_finding *f = add(R, "points-100", FP_SEVERITY_ERROR, ti, t, t->total_row,
                                 t->total_points.col, sfmt("各行分值合计 %s，应为 100", a),
                                 sfmt("the points (分值) of all rows add up to %s, not 100", a));
        values(f, units_at(hundred, pd), units_at(psum, pd), pd, 0);
    }
    check_total(R, ti, t, &t->total_points, psum, pd, pblank, &total_texts[0]);
    check_total(R, ti, t, &t->total_score, ssum, sd, sblank, &total_texts[1]);
}

/* The rounding of the budget scores, file by file: a table whose score only one rule gives,
 * when the other tables of its file use the other rule, is a warning. */
static void check_rounding(fp_perf_report *R, const fp_perf_doc *doc)
{
    for (size_t i = 0; i < doc->n; i++) {
        const perf_table *t = &doc->tables[i];
        if (t->info.kind != FP_PERF_SELF_EVALUATION)
            continue;
        i128 ex[2];
        int d, mask = score_rules(t, ex, &d);
        if (mask != 1 && mask != 2)
            continue;
        int votes[2] = {0, 0}; /* the tables of the file that only one rule explains */
        votes[mask - 1] = 1;
        for (size_t k = 0; k < doc->n; k++) {
            const perf_table *u = &doc->tables[k];
            if (k == i || u->info.kind != FP_PERF_SELF_EVALUATION || strcmp(u->file, t->file))
                continue;
            i128 e2[2];
            int d2, m = score_rules(u, e2, &d2);
            if (m == 1 || m == 2)
                votes[m - 1]++;
        }
        int mine = mask - 1, other = 1 - mine;
        if (votes[other] <= votes[mine])
            continue;
        const perf_fund *bf = &t->funds[FUND_TOTAL];
        static const char *const zh[2] = {"四舍五入", "截尾"};
        static const char *const en[2] = {"half up", "truncation"};
        char a[48], b[48];
        fmt_units(ex[other], d, 0, a, sizeof a);
        fmt_num(&bf->score, b, sizeof b);
        fp_perf_finding *f = add(
            R, "budget-score-rounding", FP_SEVERITY_WARNING, i, t, bf->row, bf->score.col,
            sfmt("预算执行得分 %s 按%s取得；本文件 %d 张表按%s，应为 %s", b, zh[mine],
                 votes[other], zh[other], a),
            sfmt("budget score %s is rounded by %s; %d tables of this file use %s, "
                 "which gives %s",
                 b, en[mine], votes[other], en[other], a));
        values(f, ex[other], units_at(bf->score.v, d), d, 0);
    }
}

/* ---- department tables ---- */

static void check_department(fp_perf_report *R, size_t ti, const perf_table *t)
{
    char a[48], b[48];
    size_t n = t->ntasks + (size_t)t->has_dept_total;
    if (!t->ntasks) {
        add(R, "structure", FP_SEVERITY_WARNING, ti, t, 0, -1, sfmt("未找到任务行（总额、财政拨款、其他资金）"),
            sfmt("no task rows (总额, 财政拨款, 其他资金) found"));
        return;
    }
    for (size_t i = 0; i < n; i++) {
        const perf_task *k = i < t->ntasks ? &t->tasks[i] : &t->dept_total;
        if (k->total.state != PN_NUM) {
            blank_cell(R, ti, t, k->row, k->total.col, "总额", "总额 (the total)");
            continue;
        }
        if (k->fiscal.state != PN_NUM && k->other.state != PN_NUM) {
            blank_cell(R, ti, t, k->row, k->fiscal.col, "财政拨款和其他资金",
                       "财政拨款 and 其他资金");
            continue;
        }
        fp_amount sum, fis = k->fiscal.state == PN_NUM ? k->fiscal.v : 0,
                       oth = k->other.state == PN_NUM ? k->other.v : 0;
        if (fp_amount_add(fis, oth, &sum) || sum == k->total.v)
            continue;
        int d = maxd(k->total.decimals, maxd(k->fiscal.decimals, k->other.decimals));
        fmt_amount(sum, d, 0, a, sizeof a);
        fmt_num(&k->total, b, sizeof b);
        fp_perf_finding *f = add(
            R, "department-row", FP_SEVERITY_ERROR, ti, t, k->row, k->total.col,
            sfmt("“%s”：总额 %s ≠ 财政拨款 + 其他资金 = %s", k->name, b, a),
            sfmt("\"%s\": 总额 %s ≠ 财政拨款 + 其他资金 = %s", k->name, b, a));
        values(f, units_at(sum, d), units_at(k->total.v, d), d, 0);
    }
    if (!t->has_dept_total) {
        add(R, "structure", FP_SEVERITY_WARNING, ti, t, 0, -1, sfmt("未找到“合计”行"),
            sfmt("no 合计 row found"));
        return;
    }
    static const char *const names[3] = {"总额", "财政拨款", "其他资金"};
    for (int c = 0; c < 3; c++) {
        const perf_num *T = c == 0 ? &t->dept_total.total : c == 1 ? &t->dept_total.fiscal
                                                                  : &t->dept_total.other;
        fp_amount sum = 0;
        int d = T->decimals, any = 0;
        for (size_t i = 0; i < t->ntasks; i++) {
            const perf_num *x = c == 0 ? &t->tasks[i].total : c == 1 ? &t->tasks[i].fiscal
                                                                     : &t->tasks[i].other;
            if (x->state != PN_NUM)
                continue;
            any = 1;
            d = maxd(d, x->decimals);
            if (fp_amount_add(sum, x->v, &sum))
                return;
        }
        if (T->state != PN_NUM) {
            if (any)
                blank_cell(R, ti, t, t->dept_total.row, T->col, "合计行", "the 合计 row");
            continue;
        }
        if (sum == T->v)
            continue;
        fmt_amount(sum, d, 0, a, sizeof a);
        fmt_num(T, b, sizeof b);
        fp_perf_finding *f = add(
            R, "department-total", FP_SEVERITY_ERROR, ti, t, t->dept_total.row, T->col,
            sfmt("%s：合计 %s ≠ 各任务之和 %s", names[c], b, a),
            sfmt("%s: 合计 %s ≠ the sum of the tasks %s", names[c], b, a));
        values(f, units_at(sum, d), units_at(T->v, d), d, 0);
    }
}

/* ---- entry points ---- */

static fp_error finish(fp_perf_report *R, fp_perf_report **out, fp_diag *diag)
{
    if (R->nomem) {
        fp_perf_report_free(R);
        return diag_set(diag, FP_ERR_NOMEM, "", 0, NULL, NULL, 0, "out of memory");
    }
    *out = R;
    return FP_OK;
}

fp_error fp_perf_check(const fp_perf_doc *doc, fp_perf_report **out, fp_diag *diag)
{
    *out = NULL;
    fp_diag_clear(diag);
    fp_perf_report *R = calloc(1, sizeof *R);
    if (!R)
        return diag_set(diag, FP_ERR_NOMEM, "", 0, NULL, NULL, 0, "out of memory");
    for (size_t i = 0; doc && i < doc->n; i++) {
        const perf_table *t = &doc->tables[i];
        switch (t->info.kind) {
        case FP_PERF_TARGET:
            check_target(R, i, t);
            break;
        case FP_PERF_SELF_EVALUATION:
            check_funding(R, i, t);
            check_scores(R, i, t);
            break;
        case FP_PERF_DEPARTMENT:
            check_department(R, i, t);
            break;
        }
    }
    if (doc)
        check_rounding(R, doc);
    return finish(R, out, diag);
}

/* ---- the cross-check ---- */

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcmp(s + n - k, suffix) == 0;
}

size_t fp_perf_recipients(const fp_table *alloc, size_t *rows, size_t cap)
{
    size_t n = 0;
    size_t root = fp_table_first_root(alloc);
    if (root == FP_NONE)
        return 0;
    /* one top row (总计) with children: the recipients are below it */
    size_t level1 = fp_table_next_sibling(alloc, root) == FP_NONE &&
                            fp_table_first_child(alloc, root) != FP_NONE
                        ? fp_table_first_child(alloc, root)
                        : root;
    for (size_t r = level1; r != FP_NONE; r = fp_table_next_sibling(alloc, r)) {
        const char *name = fp_table_row_name(alloc, r);
        if ((ends_with(name, "合计") || ends_with(name, "小计")) &&
            fp_table_first_child(alloc, r) != FP_NONE) {
            for (size_t c = fp_table_first_child(alloc, r); c != FP_NONE;
                 c = fp_table_next_sibling(alloc, c)) {
                if (n < cap)
                    rows[n] = c;
                n++;
            }
        } else {
            if (n < cap)
                rows[n] = r;
            n++;
        }
    }
    return n;
}

/* The name of a unit without the organ's suffix: 和田地区卫生健康委 → 和田地区. */
static void unit_core(const char *unit, char *buf, size_t size)
{
    static const char *const suffixes[] = {"卫生健康委员会", "卫生健康委", "卫健委", "卫生局",
                                           "卫生和计划生育委员会", "人民政府", "财政局",
                                           "(本级)", "（本级）", "本级"};
    snprintf(buf, size, "%s", unit);
    for (int again = 1; again;) {
        again = 0;
        for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++)
            if (ends_with(buf, suffixes[i]) && strlen(buf) > strlen(suffixes[i])) {
                buf[strlen(buf) - strlen(suffixes[i])] = '\0';
                again = 1;
            }
    }
}

static int same_place(const char *a, const char *b)
{
    int ea = gz_resolve(a, 0, -1);
    return ea >= 0 && ea == gz_resolve(b, 0, -1);
}

/* 1 when the goal of the table speaks of the whole region (a whole-fund table). */
static int whole_region(const perf_table *t)
{
    static const char *const words[] = {"全区", "全省", "全市", "全州", "全自治区"};
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (strstr(t->goal, words[i]) || strstr(t->title, words[i]))
            return 1;
    return 0;
}

fp_error fp_perf_cross_check(const fp_table *alloc, const fp_perf_doc *doc,
                             fp_perf_report **out, fp_diag *diag)
{
    *out = NULL;
    fp_diag_clear(diag);
    size_t total_col = fp_table_role_column(alloc, FP_ROLE_TOTAL);
    if (total_col == FP_NONE)
        return diag_set(diag, FP_ERR_COLUMN, fp_table_source(alloc), 0, NULL, NULL, 0,
                        "the allocation table has no year-total column (全年应拨付资金合计)");
    size_t nrec = fp_perf_recipients(alloc, NULL, 0);
    size_t *rec = calloc(nrec + 1, sizeof *rec);
    int *covered = calloc(nrec + 1, sizeof *covered);
    fp_perf_report *R = calloc(1, sizeof *R);
    if (!rec || !covered || !R) {
        free(rec), free(covered), free(R);
        return diag_set(diag, FP_ERR_NOMEM, "", 0, NULL, NULL, 0, "out of memory");
    }
    fp_perf_recipients(alloc, rec, nrec);
    size_t root = fp_table_first_root(alloc);
    int d = fp_table_column_decimals(alloc, total_col);
    for (size_t i = 0; doc && i < doc->n; i++) {
        const perf_table *t = &doc->tables[i];
        if (t->info.kind != FP_PERF_TARGET)
            continue;
        char core[256];
        unit_core(t->unit, core, sizeof core);
        /* candidates: the recipients of that name or place, and the 总计 for the region's own
         * department (a whole-fund table) */
        size_t cand[8];
        size_t nc = 0;
        for (size_t k = 0; k < nrec && nc < 7; k++) {
            const char *name = fp_table_row_name(alloc, rec[k]);
            if (strcmp(name, t->unit) == 0 || strcmp(name, core) == 0 ||
                (core[0] && same_place(name, core)))
                cand[nc++] = k;
        }
        int region = strcmp(core, "自治区") == 0 || strcmp(core, "全区") == 0 ||
                     ends_with(core, "省") ||
                     (gz_resolve(core, 0, -1) >= 0 && gz_level(gz_resolve(core, 0, -1)) == GZ_PROVINCE);
        if (region)
            cand[nc++] = nrec; /* the 总计 */
        if (!nc) {
            add(R, "target-recipient", FP_SEVERITY_ERROR, i, t, t->budget.row, -1,
                sfmt("预算单位“%s”在分配表中没有对应的拨款单位", t->unit),
                sfmt("预算单位 \"%s\" matches no recipient of the allocation table", t->unit));
            continue;
        }
        size_t pick = cand[0], equal = 0, eq_pick = 0;
        for (size_t k = 0; k < nc; k++) {
            size_t row = cand[k] == nrec ? root : rec[cand[k]];
            if (t->budget.state == PN_NUM && fp_table_amount(alloc, row, total_col) == t->budget.v)
                equal++, eq_pick = cand[k];
        }
        if (equal == 1)
            pick = eq_pick;
        else if (region && (whole_region(t) || nc == 1))
            pick = nrec;
        size_t row = pick == nrec ? root : rec[pick];
        covered[pick] = 1;
        const char *rname = fp_table_row_name(alloc, row);
        if (t->budget.state != PN_NUM) {
            blank_cell(R, i, t, t->budget.row, t->budget.col, "年度预算总额",
                       "年度预算总额 (the year budget)");
            continue;
        }
        fp_amount want = fp_table_amount(alloc, row, total_col);
        if (want == t->budget.v)
            continue;
        int dd = maxd(d, t->budget.decimals);
        char a[48], b[48];
        fmt_amount(want, dd, 0, a, sizeof a);
        fmt_num(&t->budget, b, sizeof b);
        fp_perf_finding *f = add(
            R, "target-budget", FP_SEVERITY_ERROR, i, t, t->budget.row, t->budget.col,
            sfmt("“%s”的年度预算总额 %s ≠ 分配表“%s”全年应拨付资金合计 %s", t->unit, b, rname, a),
            sfmt("\"%s\": 年度预算总额 %s ≠ the allocation's year total for \"%s\", %s", t->unit,
                 b, rname, a));
        values(f, units_at(want, dd), units_at(t->budget.v, dd), dd, 0);
    }
    for (size_t k = 0; k < nrec; k++) {
        if (covered[k])
            continue;
        const char *name = fp_table_row_name(alloc, rec[k]);
        fp_perf_finding *f = add(R, "missing-target", FP_SEVERITY_WARNING, FP_NONE, NULL, -1, -1,
                                 sfmt("拨款单位“%s”没有绩效目标表", name),
                                 sfmt("recipient \"%s\" has no target table", name));
        if (f) {
            free((char *)f->where);
            f->where = strdup(name);
            if (!f->where)
                R->nomem = 1;
            char a[48];
            fmt_amount(fp_table_amount(alloc, rec[k], total_col), d, 0, a, sizeof a);
            snprintf(f->expected, sizeof f->expected, "%s", a);
        }
    }
    free(rec);
    free(covered);
    return finish(R, out, diag);
}

size_t fp_perf_report_count(const fp_perf_report *r) { return r ? r->n : 0; }

const fp_perf_finding *fp_perf_report_get(const fp_perf_report *r, size_t i)
{
    return r && i < r->n ? &r->f[i] : NULL;
}

size_t fp_perf_report_errors(const fp_perf_report *r)
{
    size_t n = 0;
    for (size_t i = 0; r && i < r->n; i++)
        n += r->f[i].severity == FP_SEVERITY_ERROR;
    return n;
}

void fp_perf_report_free(fp_perf_report *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->n; i++) {
        free((char *)r->f[i].where);
        free((char *)r->f[i].message_zh);
        free((char *)r->f[i].message_en);
    }
    free(r->f);
    free(r);
}
