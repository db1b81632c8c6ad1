/* read/perf_read.c — find performance tables in a Word document, a workbook or text, and read
 * their figures by their labels (the columns are found by their headers, the numbers by their
 * place relative to labels: published tables merge and slip cells). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "read/perf_lines.h"
#include "read/perf_model.h"
#include "util/buf.h"

/* ---- small text helpers ---- */

/* Copy S into BUF (of SIZE) without spaces (ASCII, U+3000, U+00A0); returns BUF. */
static char *squeeze(const char *s, char *buf, size_t size)
{
    size_t w = 0;
    while (*s && w + 1 < size) {
        const unsigned char *u = (const unsigned char *)s;
        if (*u == ' ' || *u == '\t' || *u == '\r' || *u == '\n') {
            s++;
        } else if (u[0] == 0xE3 && u[1] == 0x80 && u[2] == 0x80) {
            s += 3;
        } else if (u[0] == 0xC2 && u[1] == 0xA0) {
            s += 2;
        } else {
            buf[w++] = *s++;
        }
    }
    /* never end inside a UTF-8 character */
    while (w > 0 && ((unsigned char)buf[w - 1] & 0xC0) == 0x80) {
        size_t k = w - 1;
        while (k > 0 && ((unsigned char)buf[k] & 0xC0) == 0x80)
            k--;
        unsigned char lead = (unsigned char)buf[k];
        size_t need = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
        if (w - k >= need)
            break;
        w = k;
    }
    buf[w] = '\0';
    return buf;
}

static int contains(const char *s, const char *needle)
{
    char b[512];
    return strstr(squeeze(s, b, sizeof b), needle) != NULL;
}

static int is_blank(const char *s)
{
    char b[8];
    return squeeze(s, b, sizeof b)[0] == '\0';
}

static int starts(const char *s, const char *prefix) { return strncmp(s, prefix, strlen(prefix)) == 0; }

static int ends(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcmp(s + n - k, suffix) == 0;
}

/* 1 for the labels of the 一级/二级 indicator columns (产出指标, 数量指标, 社会效益 …). */
static int is_level_label(const char *s)
{
    static const char *const extra[] = {"社会效益", "经济效益", "生态效益", "可持续影响", "满意度",
                                        "绩效指标"};
    char b[64];
    squeeze(s, b, sizeof b);
    if (!b[0])
        return 0;
    if (ends(b, "指标") && strlen(b) <= 30)
        return 1;
    for (size_t i = 0; i < sizeof extra / sizeof extra[0]; i++)
        if (strcmp(b, extra[i]) == 0)
            return 1;
    return 0;
}

/* ---- figures ---- */

int perf_parse_num(const char *text, int allow_unit, perf_num *out)
{
    char b[96];
    squeeze(text, b, sizeof b);
    size_t n = strlen(b);
    out->percent = 0;
    out->decimals = 0;
    out->v = 0;
    if (n >= 1 && b[n - 1] == '%') {
        b[--n] = '\0';
        out->percent = 1;
    } else if (n >= 3 && strcmp(b + n - 3, "％") == 0) {
        n -= 3;
        b[n] = '\0';
        out->percent = 1;
    } else if (allow_unit) {
        if (ends(b, "万元"))
            b[n -= 6] = '\0';
        else if (ends(b, "万"))
            b[n -= 3] = '\0';
        else if (ends(b, "元"))
            b[n -= 3] = '\0';
    }
    fp_amount_info info;
    fp_amount v;
    if (fp_amount_parse(b, n, &v, &info) != FP_OK)
        return out->state = PN_TEXT;
    if (info.blank && !out->percent)
        return out->state = PN_BLANK;
    if (info.blank)
        return out->state = PN_TEXT;
    out->v = v;
    out->decimals = info.decimals;
    return out->state = PN_NUM;
}

/* The figure in cell (ROW, COL) of T. */
static perf_num num_at(const perf_table *t, long row, int col, int allow_unit)
{
    perf_num p = {0};
    p.row = row;
    p.col = col;
    if (row < 0 || col < 0 || (size_t)row >= t->nrows || (size_t)col >= t->rows[row].n) {
        p.state = PN_MISSING;
        return p;
    }
    perf_parse_num(t->rows[row].cells[col], allow_unit, &p);
    p.row = row;
    p.col = col;
    return p;
}

/* The first number written in TEXT after the label KEY ("年度预算总额：4167" → 4167). */
static int num_after(const char *text, const char *key, perf_num *out)
{
    char b[256];
    squeeze(text, b, sizeof b);
    const char *p = strstr(b, key);
    if (!p)
        return 0;
    p += strlen(key);
    while (*p && !(*p >= '0' && *p <= '9'))
        p++;
    if (!*p)
        return 0;
    const char *e = p;
    while ((*e >= '0' && *e <= '9') || *e == '.' || *e == ',')
        e++;
    char num[64];
    size_t n = (size_t)(e - p) < sizeof num - 1 ? (size_t)(e - p) : sizeof num - 1;
    memcpy(num, p, n);
    num[n] = '\0';
    return perf_parse_num(num, 0, out) == PN_NUM;
}

/* ---- the table's rows ---- */

const char *perf_cell(const perf_table *t, long row, int col)
{
    if (row < 0 || col < 0 || (size_t)row >= t->nrows || (size_t)col >= t->rows[row].n)
        return "";
    return t->rows[row].cells[col];
}

static void col_letters(int col, char *buf)
{
    char rev[4];
    int n = 0;
    for (int c = col + 1; c > 0 && n < 3; c = (c - 1) / 26)
        rev[n++] = (char)('A' + (c - 1) % 26);
    for (int i = 0; i < n; i++)
        buf[i] = rev[n - 1 - i];
    buf[n] = '\0';
}

void perf_where(const perf_table *t, long row, int col, char *buf, size_t size)
{
    if (row < 0 || (size_t)row >= t->nrows) {
        snprintf(buf, size, "%s", t->info.unit);
        return;
    }
    const perf_row *r = &t->rows[row];
    if (t->source == PERF_SRC_XLSX) {
        char letters[8];
        col_letters(col < 0 ? 0 : col, letters);
        if (col < 0)
            snprintf(buf, size, "%s!%ld", t->sheet ? t->sheet : "", r->line);
        else
            snprintf(buf, size, "%s!%s%ld", t->sheet ? t->sheet : "", letters, r->line);
    } else if (t->source == PERF_SRC_DOCX && r->dtable > 0) {
        if (col < 0)
            snprintf(buf, size, "table %d row %ld", r->dtable, r->line);
        else
            snprintf(buf, size, "table %d row %ld cell %d", r->dtable, r->line, col + 1);
    } else if (t->source == PERF_SRC_DOCX) {
        snprintf(buf, size, "paragraph %ld", r->line);
    } else if (col < 0) {
        snprintf(buf, size, "line %ld", r->line);
    } else {
        snprintf(buf, size, "line %ld cell %d", r->line, col + 1);
    }
}

/* The first cell at or after row FROM (before TO) containing NEEDLE: its row to *ROW and column
 * to *COL; 0 when there is none. */
static int find_label(const perf_table *t, long from, long to, const char *needle, long *row,
                      int *col)
{
    for (long r = from < 0 ? 0 : from; r < to && (size_t)r < t->nrows; r++)
        for (size_t c = 0; c < t->rows[r].n; c++)
            if (contains(t->rows[r].cells[c], needle)) {
                *row = r;
                *col = (int)c;
                return 1;
            }
    return 0;
}

/* The first non-blank cell of ROW after COL, or -1. */
static int next_text(const perf_table *t, long row, int col)
{
    const perf_row *r = &t->rows[row];
    for (size_t c = (size_t)(col + 1); c < r->n; c++)
        if (!is_blank(r->cells[c]))
            return (int)c;
    return -1;
}

static int first_text(const perf_table *t, long row) { return next_text(t, row, -1); }

/* A copy of S without surrounding spaces and a trailing colon; NULL when out of memory. */
static char *clean_copy(const char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    for (;;) {
        if (n && (s[n - 1] == ' ' || s[n - 1] == ':' || s[n - 1] == '\t'))
            n--;
        else if (n >= 3 && (strncmp(s + n - 3, "：", 3) == 0 || strncmp(s + n - 3, "　", 3) == 0))
            n -= 3;
        else
            break;
    }
    char *c = malloc(n + 1);
    if (c) {
        memcpy(c, s, n);
        c[n] = '\0';
    }
    return c;
}

/* The text right of label NEEDLE (first found in rows [0, TO)); "" when none. */
static char *label_value(const perf_table *t, const char *needle, long to)
{
    long r;
    int c;
    if (!find_label(t, 0, to, needle, &r, &c))
        return clean_copy("");
    int v = next_text(t, r, c);
    return clean_copy(v < 0 ? "" : t->rows[r].cells[v]);
}

/* ---- the three templates ---- */

static void read_year(perf_table *t)
{
    char b[256];
    const char *cands[4] = {t->title, t->nrows > 1 ? perf_cell(t, 1, first_text(t, 1)) : "",
                            t->nrows > 2 ? perf_cell(t, 2, first_text(t, 2)) : "", NULL};
    for (size_t i = 0; cands[i]; i++) {
        squeeze(cands[i], b, sizeof b);
        for (const char *p = b; *p; p++)
            if (p[0] >= '1' && p[0] <= '2' && p[1] >= '0' && p[1] <= '9' && p[2] >= '0' &&
                p[2] <= '9' && p[3] >= '0' && p[3] <= '9' && starts(p + 4, "年") &&
                (p == b || !(p[-1] >= '0' && p[-1] <= '9'))) {
                char y[5];
                memcpy(y, p, 4);
                y[4] = '\0';
                free(t->year);
                t->year = clean_copy(y);
                return;
            }
    }
}

static void read_goal(perf_table *t)
{
    long r;
    int c;
    free(t->goal);
    t->goal = NULL;
    if (find_label(t, 0, (long)t->nrows, "总体目标", &r, &c)) {
        int v = next_text(t, r, c);
        const char *s = v < 0 ? "" : t->rows[r].cells[v];
        if ((v < 0 || strlen(s) < 24) && (size_t)r + 1 < t->nrows) {
            v = first_text(t, r + 1);
            s = v < 0 ? "" : t->rows[r + 1].cells[v];
        }
        t->goal = clean_copy(s);
    } else {
        t->goal = clean_copy("");
    }
}

/* 项目资金: 年度预算总额 (or 年度金额), 财政拨款, 其他资金 of a target table. */
static void read_target_funding(perf_table *t, long to)
{
    static const char *const total_keys[] = {"年度预算总额", "年度资金总额", "年度金额"};
    long r = -1;
    int c = -1;
    t->budget.state = t->fiscal.state = t->other.state = PN_MISSING;
    t->budget.row = t->fiscal.row = t->other.row = -1;
    t->budget.col = t->fiscal.col = t->other.col = -1;
    for (size_t k = 0; k < 3; k++)
        if (find_label(t, 0, to, total_keys[k], &r, &c)) {
            perf_num p = {0};
            if (num_after(t->rows[r].cells[c], total_keys[k], &p)) {
                t->budget = p;
            } else {
                int v = next_text(t, r, c);
                t->budget = v < 0 ? (perf_num){.state = PN_BLANK} : num_at(t, r, v, 1);
                if (v >= 0)
                    c = v;
            }
            t->budget.row = r;
            t->budget.col = c;
            break;
        }
    static const char *const keys[2] = {"财政拨款", "其他资金"};
    perf_num *dst[2] = {&t->fiscal, &t->other};
    for (size_t k = 0; k < 2; k++) {
        if (!find_label(t, r < 0 ? 0 : r, to, keys[k], &r, &c))
            continue;
        perf_num p = {0};
        if (num_after(t->rows[r].cells[c], keys[k], &p)) {
            *dst[k] = p;
        } else {
            int v = next_text(t, r, c);
            perf_num q = v < 0 ? (perf_num){.state = PN_BLANK} : num_at(t, r, v, 1);
            *dst[k] = q.state == PN_NUM ? q : (perf_num){.state = PN_BLANK};
            if (q.state == PN_NUM)
                c = v;
        }
        dst[k]->row = r;
        dst[k]->col = c;
    }
}

static int add_ind(perf_table *t, const perf_ind *ind, size_t *cap)
{
    if (buf_reserve((void **)&t->inds, cap, t->ninds + 1, sizeof *t->inds))
        return -1;
    t->inds[t->ninds++] = *ind;
    return 0;
}

/* 1 when TEXT is an 指标值设置依据 (计划标准, 历史标准, 行业标准, 其他标准 …). */
static int is_basis(const char *text)
{
    char b[64];
    squeeze(text, b, sizeof b);
    return ends(b, "标准") && strlen(b) <= 18;
}

static int is_rule_text(const char *text)
{
    char b[128];
    squeeze(text, b, sizeof b);
    return strstr(b, "赋分") != NULL && strstr(b, "规则") == NULL;
}

static int read_target(perf_table *t)
{
    t->weight_goal = 90;
    t->ind_header = -1;
    t->weight_col = -1;
    long hr = -1;
    int c_val = -1, c_basis = -1, c_weight = -1, c_rule = -1;
    for (size_t r = 0; r < t->nrows && hr < 0; r++) {
        const perf_row *row = &t->rows[r];
        int w = -1;
        for (size_t c = 0; c < row->n; c++)
            if (contains(row->cells[c], "权重"))
                w = (int)c;
        if (w < 0)
            continue;
        hr = (long)r;
        c_weight = w;
        for (size_t c = 0; c < row->n; c++) {
            char b[128];
            squeeze(row->cells[c], b, sizeof b);
            if (strstr(b, "设置依据"))
                c_basis = (int)c;
            else if (strstr(b, "赋分规则"))
                c_rule = (int)c;
            else if (starts(b, "指标值"))
                c_val = (int)c;
        }
    }
    read_target_funding(t, hr < 0 ? (long)t->nrows : hr);
    if (hr < 0)
        return 0;
    t->ind_header = hr;
    t->weight_col = c_weight;
    size_t cap = 0;
    for (long r = hr + 1; (size_t)r < t->nrows; r++) {
        const perf_row *row = &t->rows[r];
        int a_rule = -1, a_basis = -1;
        for (size_t c = 0; c < row->n; c++) {
            if (a_rule < 0 && is_rule_text(row->cells[c]))
                a_rule = (int)c;
            if (a_basis < 0 && is_basis(row->cells[c]))
                a_basis = (int)c;
        }
        int first = first_text(t, r);
        if (first >= 0 && (contains(row->cells[first], "合计") || contains(row->cells[first], "总计"))) {
            perf_num p = num_at(t, r, c_weight, 0);
            if (p.state == PN_NUM && p.v == 100 * FP_AMOUNT_SCALE)
                t->weight_goal = 100;
            continue;
        }
        if (a_rule < 0 && a_basis < 0)
            continue;
        perf_ind ind;
        memset(&ind, 0, sizeof ind);
        ind.row = r;
        int wcol = -1;
        if (a_rule >= 0 && c_rule >= 0)
            wcol = a_rule + (c_weight - c_rule);
        else if (a_basis >= 0 && c_basis >= 0)
            wcol = a_basis + (c_weight - c_basis);
        else
            wcol = (a_rule >= 0 ? a_rule : a_basis + 2) - 1;
        if (a_basis < 0 && c_basis >= 0 && c_rule >= 0)
            a_basis = a_rule - (c_rule - c_basis);
        ind.weight = num_at(t, r, wcol, 0);
        if (ind.weight.state == PN_MISSING)
            ind.weight.state = PN_BLANK;
        /* the 三级指标 name and the 指标值: two texts other than the level labels before the
         * 设置依据 (cells slip, so their exact columns are not trusted) */
        int texts = 0;
        ind.value_col = c_val >= 0 && c_basis >= 0 ? a_basis - (c_basis - c_val) : a_basis - 1;
        for (int c = 0; c < a_basis && (size_t)c < row->n; c++) {
            const char *s = row->cells[c];
            if (is_blank(s) || is_level_label(s))
                continue;
            if (!ind.name)
                ind.name = s;
            texts++;
        }
        ind.has_value = texts >= 2;
        if (!ind.name)
            ind.name = "";
        if (add_ind(t, &ind, &cap))
            return -1;
    }
    return 0;
}

/* The funding rows of a self-evaluation table. */
static int fund_kind(const char *text)
{
    char b[128];
    squeeze(text, b, sizeof b);
    if (strstr(b, "资金总额"))
        return FUND_TOTAL;
    if (strstr(b, "财政拨款"))
        return FUND_FISCAL;
    if (strstr(b, "上年结转"))
        return FUND_CARRIED;
    if (strstr(b, "其他资金"))
        return FUND_OTHER;
    return -1;
}

static void read_funds(perf_table *t, long hr, long to)
{
    for (long r = hr + 1; r < to; r++) {
        const perf_row *row = &t->rows[r];
        int lab = first_text(t, r);
        if (lab < 0)
            continue;
        if (contains(row->cells[lab], "总体目标") || contains(row->cells[lab], "绩效指标"))
            break;
        int k = -1;
        /* the label may follow a merged 项目资金 cell */
        for (int c = lab; c >= 0 && (size_t)c < row->n && k < 0; c = next_text(t, r, c)) {
            k = fund_kind(row->cells[c]);
            if (k >= 0)
                lab = c;
        }
        if (k < 0 || t->funds[k].present)
            continue;
        /* the six figures after the label: 年初预算数, 全年预算数, 全年执行数, 分值, 执行率,
         * 得分. A merged label leaves empty cells after it, so extra empty cells are taken off
         * the end first, then off the front. */
        size_t first = (size_t)lab + 1, last = row->n; /* [first, last) */
        while (last - first > 6 && is_blank(row->cells[last - 1]))
            last--;
        while (last - first > 6 && is_blank(row->cells[first]))
            first++;
        if (last - first > 6)
            first = last - 6;
        perf_fund *f = &t->funds[k];
        f->present = 1;
        f->row = r;
        perf_num *dst[6] = {&f->init, &f->budget, &f->exec, &f->points, &f->rate, &f->score};
        for (size_t i = 0; i < 6; i++) {
            *dst[i] = num_at(t, r, (int)(first + i), 0);
            if (dst[i]->state == PN_MISSING) {
                dst[i]->state = PN_BLANK;
                dst[i]->col = (int)(first + i);
            }
        }
    }
}

static int read_self_evaluation(perf_table *t)
{
    long fr = -1, ir = -1;
    int c;
    t->total_row = -1;
    if (!find_label(t, 0, (long)t->nrows, "年初预算数", &fr, &c) &&
        !find_label(t, 0, (long)t->nrows, "全年预算数", &fr, &c))
        fr = -1;
    for (size_t r = (size_t)(fr < 0 ? 0 : fr + 1); r < t->nrows && ir < 0; r++) {
        int pts = 0, sc = 0, val = 0;
        for (size_t k = 0; k < t->rows[r].n; k++) {
            char b[64];
            squeeze(t->rows[r].cells[k], b, sizeof b);
            pts |= strcmp(b, "分值") == 0;
            sc |= strcmp(b, "得分") == 0;
            val |= strstr(b, "指标值") != NULL || strstr(b, "完成值") != NULL;
        }
        if (pts && sc && val)
            ir = (long)r;
    }
    if (fr >= 0)
        read_funds(t, fr, ir < 0 ? (long)t->nrows : ir);
    if (ir < 0)
        return 0;
    size_t cap = 0;
    for (long r = ir + 1; (size_t)r < t->nrows; r++) {
        const perf_row *row = &t->rows[r];
        int lab = first_text(t, r);
        if (lab < 0)
            continue;
        char b[64];
        squeeze(row->cells[lab], b, sizeof b);
        int is_total = starts(b, "总计") || starts(b, "合计") || starts(b, "总分");
        /* the rightmost number that is not a percentage, and the one before it */
        int last = -1;
        for (size_t k = row->n; k-- > 0;) {
            perf_num p = num_at(t, r, (int)k, 0);
            if (p.state == PN_NUM && !p.percent && (k != (size_t)lab || is_total)) {
                last = (int)k;
                break;
            }
        }
        perf_num a = {.state = PN_MISSING, .row = r, .col = -1}, s = a;
        if (last >= 0) {
            perf_num prev = num_at(t, r, last - 1, 0);
            if (prev.state == PN_NUM && !prev.percent) {
                a = prev;
                s = num_at(t, r, last, 0);
            } else {
                a = num_at(t, r, last, 0);
                s = num_at(t, r, last + 1, 0);
                if (s.state != PN_BLANK) {
                    s.state = PN_BLANK;
                    s.col = last + 1;
                }
            }
        }
        if (is_total) {
            t->total_row = r;
            t->total_points = a;
            t->total_score = s;
            break;
        }
        perf_ind ind;
        memset(&ind, 0, sizeof ind);
        ind.row = r;
        ind.points = a;
        ind.score = s;
        for (size_t k = 0; k < row->n && !ind.name; k++)
            if (!is_blank(row->cells[k]) && !is_level_label(row->cells[k]))
                ind.name = row->cells[k];
        if (!ind.name)
            ind.name = row->cells[lab];
        if (add_ind(t, &ind, &cap))
            return -1;
    }
    return 0;
}

static int read_department(perf_table *t)
{
    long hr = -1;
    int c_total = -1;
    for (size_t r = 0; r < t->nrows && hr < 0; r++) {
        int tot = -1, fis = 0, oth = 0;
        for (size_t k = 0; k < t->rows[r].n; k++) {
            char b[64];
            squeeze(t->rows[r].cells[k], b, sizeof b);
            if (strcmp(b, "总额") == 0)
                tot = (int)k;
            fis |= strcmp(b, "财政拨款") == 0;
            oth |= strcmp(b, "其他资金") == 0;
        }
        if (tot >= 0 && fis && oth) {
            hr = (long)r;
            c_total = tot;
        }
    }
    (void)c_total;
    if (hr < 0)
        return 0;
    size_t cap = 0;
    for (long r = hr + 1; (size_t)r < t->nrows; r++) {
        const perf_row *row = &t->rows[r];
        size_t n = row->n;
        while (n > 0 && is_blank(row->cells[n - 1]))
            n--;
        int lab = first_text(t, r);
        if (lab < 0)
            continue;
        int nums = 0, ok = n >= 4 && (size_t)lab + 3 < n;
        for (size_t k = n - 3; ok && k < n; k++) {
            perf_num p = num_at(t, r, (int)k, 1);
            ok = p.state == PN_NUM || p.state == PN_BLANK;
            nums += p.state == PN_NUM;
        }
        if (!ok || !nums) {
            if (t->ntasks || t->has_dept_total)
                break;
            continue;
        }
        perf_task task;
        task.row = r;
        task.name = row->cells[lab];
        task.total = num_at(t, r, (int)n - 3, 1);
        task.fiscal = num_at(t, r, (int)n - 2, 1);
        task.other = num_at(t, r, (int)n - 1, 1);
        if (contains(row->cells[lab], "合计") || contains(row->cells[lab], "总计")) {
            t->dept_total = task;
            t->has_dept_total = 1;
        } else {
            if (buf_reserve((void **)&t->tasks, &cap, t->ntasks + 1, sizeof *t->tasks))
                return -1;
            t->tasks[t->ntasks++] = task;
        }
    }
    return 0;
}

/* ---- finding the tables ---- */

/* The kind of table whose title is row R, or -1 when R is no title. */
static int title_kind(const perf_row *r)
{
    int only = -1;
    for (size_t c = 0; c < r->n; c++)
        if (!is_blank(r->cells[c])) {
            if (only >= 0)
                return -1;
            only = (int)c;
        }
    if (only < 0 || strlen(r->cells[only]) > 150)
        return -1;
    char b[256];
    squeeze(r->cells[only], b, sizeof b);
    if (strstr(b, "整体支出绩效目标表"))
        return FP_PERF_DEPARTMENT;
    if (strstr(b, "绩效自评表"))
        return FP_PERF_SELF_EVALUATION;
    if (strstr(b, "绩效目标表"))
        return FP_PERF_TARGET;
    return -1;
}

/* A single-cell line that starts some other table (an allocation table's title). */
static int is_other_title(const perf_row *r)
{
    int only = -1;
    for (size_t c = 0; c < r->n; c++)
        if (!is_blank(r->cells[c])) {
            if (only >= 0)
                return 0;
            only = (int)c;
        }
    return only >= 0 && strlen(r->cells[only]) < 150 &&
           (contains(r->cells[only], "分配表") || contains(r->cells[only], "跟踪反馈表"));
}

static void free_table(perf_table *t)
{
    free(t->file);
    free(t->title);
    free(t->project);
    free(t->unit);
    free(t->year);
    free(t->goal);
    free(t->sheet);
    perf_rows_free(t->rows, t->nrows);
    free(t->inds);
    free(t->tasks);
}

static void set_info(perf_table *t)
{
    fp_perf_info *i = &t->info;
    i->file = t->file;
    i->title = t->title;
    i->project = t->project;
    i->unit = t->unit;
    i->year = t->year;
    i->goal = t->goal;
    if (i->kind == FP_PERF_TARGET && t->budget.state == PN_NUM) {
        i->has_budget = 1;
        i->budget = t->budget.v;
    } else if (i->kind == FP_PERF_SELF_EVALUATION && t->funds[FUND_TOTAL].budget.state == PN_NUM) {
        i->has_budget = 1;
        i->budget = t->funds[FUND_TOTAL].budget.v;
    } else if (i->kind == FP_PERF_DEPARTMENT && t->has_dept_total &&
               t->dept_total.total.state == PN_NUM) {
        i->has_budget = 1;
        i->budget = t->dept_total.total.v;
    }
}

/* Cut the lines into tables (each from its title to the next title or another table's) and
 * read each. Moves the rows it keeps out of L. */
static fp_error split_tables(fp_perf_doc *doc, lines *L, const char *file, size_t *found)
{
    *found = 0;
    for (size_t i = 0; i < L->n;) {
        int kind = title_kind(&L->rows[i]);
        if (kind < 0) {
            i++;
            continue;
        }
        size_t end = i + 1;
        while (end < L->n && title_kind(&L->rows[end]) < 0 && !is_other_title(&L->rows[end]))
            end++;
        if (buf_reserve((void **)&doc->tables, &doc->cap, doc->n + 1, sizeof *doc->tables))
            return FP_ERR_NOMEM;
        perf_table *t = &doc->tables[doc->n];
        memset(t, 0, sizeof *t);
        t->info.kind = (fp_perf_kind)kind;
        t->source = L->source;
        t->nrows = end - i;
        t->rows = malloc(t->nrows * sizeof *t->rows);
        t->file = strdup(file);
        const char *sheet = L->source == PERF_SRC_XLSX && (size_t)L->rows[i].dtable < L->nsheets
                                ? L->sheets[L->rows[i].dtable]
                                : NULL;
        t->sheet = sheet ? strdup(sheet) : NULL;
        int ok = t->rows && t->file && (!sheet || t->sheet);
        if (t->rows) {
            memcpy(t->rows, &L->rows[i], t->nrows * sizeof *t->rows);
            for (size_t k = i; k < end; k++)
                L->rows[k].cells = NULL, L->rows[k].n = 0;
        } else {
            t->nrows = 0;
        }
        doc->n++;
        if (!ok)
            return FP_ERR_NOMEM;
        int first = first_text(t, 0);
        t->title = clean_copy(perf_cell(t, 0, first));
        t->project = label_value(t, "项目名称", (long)t->nrows);
        if (kind == FP_PERF_TARGET)
            t->unit = label_value(t, "预算单位", (long)t->nrows);
        else if (kind == FP_PERF_SELF_EVALUATION) {
            t->unit = label_value(t, "实施单位", (long)t->nrows);
            if (t->unit && !t->unit[0]) {
                free(t->unit);
                t->unit = label_value(t, "主管部门", (long)t->nrows);
            }
        } else {
            t->unit = label_value(t, "名称", (long)t->nrows);
        }
        t->year = clean_copy("");
        read_year(t);
        read_goal(t);
        if (!t->title || !t->project || !t->unit || !t->year || !t->goal)
            return FP_ERR_NOMEM;
        int rc = kind == FP_PERF_TARGET             ? read_target(t)
                 : kind == FP_PERF_SELF_EVALUATION ? read_self_evaluation(t)
                                                   : read_department(t);
        if (rc)
            return FP_ERR_NOMEM;
        set_info(t);
        (*found)++;
        i = end;
    }
    return FP_OK;
}

/* ---- the public calls ---- */

const char *fp_perf_kind_name(fp_perf_kind kind)
{
    switch (kind) {
    case FP_PERF_TARGET:
        return "target";
    case FP_PERF_SELF_EVALUATION:
        return "self-evaluation";
    case FP_PERF_DEPARTMENT:
        return "department";
    }
    return "unknown";
}

fp_perf_doc *fp_perf_doc_new(void) { return calloc(1, sizeof(fp_perf_doc)); }

fp_error fp_perf_doc_add_file(fp_perf_doc *doc, const char *path, fp_diag *diag)
{
    fp_diag_clear(diag);
    if (!doc || !path)
        return diag_set(diag, FP_ERR_ARGUMENT, "", 0, NULL, NULL, 0, "no document or no path");
    lines L;
    memset(&L, 0, sizeof L);
    fp_error e = perf_file_lines(path, &L, diag);
    size_t found = 0;
    if (!e) {
        e = split_tables(doc, &L, path, &found);
        if (e)
            diag_set(diag, e, path, 0, NULL, NULL, 0, "out of memory");
        else if (!found)
            e = diag_set(diag, FP_ERR_EMPTY, path, 0, NULL, NULL, 0,
                         "no performance table: no title 项目支出绩效目标表, 项目支出绩效自评表 "
                         "or 部门(单位)整体支出绩效目标表 on a line of its own");
    }
    perf_lines_free(&L);
    return e;
}

int fp_perf_file_is_performance(const char *path)
{
    /* a text file without the words of a title is not split into cells (a large allocation
     * table is checked without that cost) */
    if (!perf_file_may_hold_tables(path))
        return 0;
    lines L;
    memset(&L, 0, sizeof L);
    fp_diag d;
    int yes = 0;
    if (perf_file_lines(path, &L, &d) == FP_OK)
        for (size_t i = 0; i < L.n && !yes; i++)
            yes = title_kind(&L.rows[i]) >= 0;
    perf_lines_free(&L);
    return yes;
}

size_t fp_perf_table_count(const fp_perf_doc *doc) { return doc ? doc->n : 0; }

const fp_perf_info *fp_perf_table_info(const fp_perf_doc *doc, size_t i)
{
    return doc && i < doc->n ? &doc->tables[i].info : NULL;
}

void fp_perf_doc_free(fp_perf_doc *doc)
{
    if (!doc)
        return;
    for (size_t i = 0; i < doc->n; i++)
        free_table(&doc->tables[i]);
    free(doc->tables);
    free(doc);
}
