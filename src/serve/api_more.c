/* serve/api_more.c — the JSON API of fenpei serve: the factor method (allocate) and compare. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "serve/serve.h"

#define MAX_FACTORS 32 /* as fenpei allocate --weights */

/* An uploaded table that must be there: field NAME, else 400 naming WHAT. 0, or -1 with REPLY
 * set. */
static int load_required(const serve_form *form, const char *name, const char *what_zh,
                         const char *what_en, int use_sheet, fp_table **out,
                         const serve_field **src, int lang_en, serve_reply *reply)
{
    const serve_field *f = serve_form_get(form, name);
    if (!f || f->len == 0) {
        char zh[256], en[256];
        snprintf(zh, sizeof zh, "没有收到%s：请选择文件（字段 %s）。", what_zh, name);
        snprintf(en, sizeof en, "no %s: send a file in field \"%s\".", what_en, name);
        api_error(reply, 400, zh, en, lang_en);
        return -1;
    }
    if (api_load_field(form, f, use_sheet, out, lang_en, reply))
        return -1;
    if (src)
        *src = f;
    return 0;
}

/* A 400 for field NAME holding TEXT: ZH and EN say what was expected (after the text). */
static void bad_field(serve_reply *reply, const char *name, const char *text, const char *zh_want,
                      const char *en_want, int lang_en)
{
    char zh[768], en[768];
    snprintf(zh, sizeof zh, "字段 %s 的内容“%.300s”不对：%s", name, text, zh_want);
    snprintf(en, sizeof en, "field %s: \"%.300s\": %s", name, text, en_want);
    api_error(reply, 400, zh, en, lang_en);
}

/* An amount field: absent (0 and *GIVEN = 0) or an amount ≥ 0 (POSITIVE: > 0). 0, or -1 with
 * REPLY set. */
static int amount_field(const serve_form *form, const char *name, int positive, fp_amount *out,
                        int *given, int lang_en, serve_reply *reply)
{
    const serve_field *f = serve_form_get(form, name);
    if (given)
        *given = 0;
    if (!f || f->len == 0)
        return 0;
    fp_amount_info info;
    if (fp_amount_parse(f->data, f->len, out, &info) != FP_OK || info.blank || *out < 0 ||
        (positive && *out == 0)) {
        bad_field(reply, name, f->data,
                  positive ? "应为正数，如 1 或 0.01。" : "应为不小于 0 的金额，如 27000。",
                  positive ? "expected a positive amount such as 1 or 0.01."
                           : "expected an amount of at least 0, such as 27000.",
                  lang_en);
        return -1;
    }
    if (given)
        *given = 1;
    return 0;
}

/* "A=0.6,B=0.4" (commas ASCII or full-width, as --weights) into W, pointing into S (modified).
 * Each weight a decimal ≥ 0, the weights adding up to exactly 1 (in millionths: integers).
 * 0, or -1 with REPLY set. */
static int parse_weights(char *s, const char *text, fp_factor_weight *w, size_t *n, int lang_en,
                         serve_reply *reply)
{
    fp_amount sum = 0;
    long got = fp_factor_weights_split(s, w, MAX_FACTORS, NULL);
    if (got == -1) {
        bad_field(reply, "weights", text,
                  "应为 因素列=权重，以逗号分隔，如 常住人口=0.6,管理人数=0.3,绩效得分=0.1。",
                  "expected COLUMN=WEIGHT pairs separated by commas, such as "
                  "常住人口=0.6,管理人数=0.3,绩效得分=0.1.",
                  lang_en);
        return -1;
    }
    if (got == -2) {
        bad_field(reply, "weights", text, "因素最多 32 个。", "at most 32 factors.", lang_en);
        return -1;
    }
    *n = (size_t)got;
    for (size_t i = 0; i < *n; i++) {
        const char *item = w[i].column, *weight = w[i].weight;
        fp_amount v;
        fp_amount_info info;
        if (fp_amount_parse(weight, strlen(weight), &v, &info) != FP_OK || info.blank || v < 0 ||
            fp_amount_add(sum, v, &sum)) {
            char zh[256], en[256];
            snprintf(zh, sizeof zh, "“%.100s”的权重“%.60s”应为不小于 0 的小数，如 0.6。", item,
                     weight);
            snprintf(en, sizeof en, "the weight of \"%.100s\" is \"%.60s\"; expected a decimal "
                                    "number of at least 0 such as 0.6.", item, weight);
            bad_field(reply, "weights", text, zh, en, lang_en);
            return -1;
        }
    }
    if (*n == 0) {
        bad_field(reply, "weights", text, "请给出各因素列及其权重，如 常住人口=0.6,管理人数=0.4。",
                  "give COLUMN=WEIGHT pairs, such as 常住人口=0.6,管理人数=0.4.", lang_en);
        return -1;
    }
    if (sum != FP_AMOUNT_SCALE) {
        char b[FP_AMOUNT_BUFSIZE], zh[256], en[256];
        fp_amount_format(sum, 0, b);
        snprintf(zh, sizeof zh, "各因素的权重之和为 %s，应恰为 1。", b);
        snprintf(en, sizeof en, "the weights add up to %s, not exactly 1.", b);
        bad_field(reply, "weights", text, zh, en, lang_en);
        return -1;
    }
    return 0;
}

/* The factor table's faults a clerk can correct, said in Chinese before the library (which
 * checks the same and stays the authority) is asked: a factor column missing or not numbers, a
 * leaf without a factor or with a negative one, a factor 0 everywhere. 0, or -1 with REPLY set
 * (422: the table was read, the request cannot be met on it). */
static int check_factors(const fp_table *f, const fp_factor_weight *w, size_t nw, int lang_en,
                         serve_reply *reply)
{
    char zh[768], en[768];
    const char *file = fp_table_source(f);
    for (size_t k = 0; k < nw; k++) {
        size_t c = fp_table_find_column(f, w[k].column);
        if (c == FP_NONE || !fp_table_column_is_amount(f, c)) {
            snprintf(zh, sizeof zh, "因素表「%s」中%s“%.200s”列：请检查 weights 中的列名。",
                     file, c == FP_NONE ? "没有" : "不是数字的", w[k].column);
            snprintf(en, sizeof en, "%s: %s \"%.200s\".", file,
                     c == FP_NONE ? "no column is headed" : "this column does not hold numbers:",
                     w[k].column);
            api_error(reply, 422, zh, en, lang_en);
            return -1;
        }
        int any = 0;
        for (size_t r = 0; r < fp_table_row_count(f); r++) {
            if (fp_table_first_child(f, r) != FP_NONE)
                continue;
            const char *unit = fp_table_row_name(f, r);
            long line = fp_table_row_line(f, r);
            if (fp_table_is_blank(f, r, c)) {
                snprintf(zh, sizeof zh, "因素表「%s」第 %ld 行「%.200s」缺少“%.200s”（空单元格）："
                                        "每个末级单位都要有每个因素的数值。",
                         file, line, unit, w[k].column);
                snprintf(en, sizeof en, "%s: line %ld: %.200s has no %.200s (an empty cell); "
                                        "every leaf needs every factor.", file, line, unit,
                         w[k].column);
                api_error(reply, 422, zh, en, lang_en);
                return -1;
            }
            fp_amount v = fp_table_amount(f, r, c);
            if (v < 0) {
                char b[FP_AMOUNT_BUFSIZE];
                fp_amount_format(v, 0, b);
                snprintf(zh, sizeof zh, "因素表「%s」第 %ld 行「%.200s」的“%.200s”为 %s："
                                        "因素不能为负数。", file, line, unit, w[k].column, b);
                snprintf(en, sizeof en, "%s: line %ld: %.200s has %.200s = %s; a factor cannot "
                                        "be negative.", file, line, unit, w[k].column, b);
                api_error(reply, 422, zh, en, lang_en);
                return -1;
            }
            any |= v != 0;
        }
        if (!any) {
            snprintf(zh, sizeof zh, "因素表「%s」中“%.200s”在所有末级单位都是 0，无法按它分配。",
                     file, w[k].column);
            snprintf(en, sizeof en, "%s: factor \"%.200s\" is 0 on every leaf: it gives no "
                                    "proportion.", file, w[k].column);
            api_error(reply, 422, zh, en, lang_en);
            return -1;
        }
    }
    return 0;
}

/* A base for every leaf that the total cannot pay: said with the figures (422). */
static int check_base(const fp_table *f, const fp_allocate_options *ao, int lang_en,
                      serve_reply *reply)
{
    size_t leaves = 0;
    for (size_t r = 0; r < fp_table_row_count(f); r++)
        leaves += fp_table_first_child(f, r) == FP_NONE;
    __int128 need = (__int128)ao->base * (__int128)leaves;
    if (need <= ao->total)
        return 0;
    char t[FP_AMOUNT_BUFSIZE], b[FP_AMOUNT_BUFSIZE], zh[512], en[512];
    fp_amount_format(ao->total, 0, t);
    fp_amount_format(ao->base, 0, b);
    snprintf(zh, sizeof zh, "总额 %s 不够给 %zu 个末级单位各 %s 的基数：请提高总额或降低基数。",
             t, leaves, b);
    snprintf(en, sizeof en, "the total %s cannot give %zu leaves a base of %s each.", t, leaves, b);
    api_error(reply, 422, zh, en, lang_en);
    return -1;
}

/* Leaf R's share Σ_k w_k·f_kR / Σ_j f_kj as a decimal to 6 places (half up), in integers: each
 * term floored to 10^-18, so the text is that of the exact share unless it lies within 10^-16 of
 * a rounding boundary. A description of the allocation: no amount is decided by it. */
static void share_text(const fp_table *f, const fp_factor_weight *w, size_t nw,
                       const __int128 *sums, size_t r, char *buf, size_t cap)
{
    const __int128 e12 = (__int128)1000000 * 1000000;
    __int128 total = 0; /* in 10^-18 */
    for (size_t k = 0; k < nw; k++) {
        fp_amount wt = 0, v;
        fp_amount_parse(w[k].weight, strlen(w[k].weight), &wt, NULL); /* checked before */
        v = fp_table_amount(f, r, fp_table_find_column(f, w[k].column));
        /* wt ≤ 10^6 and v < 2^63: wt·v·10^12 < 10^6·9.3·10^18·10^12 < 2^127 */
        total += (__int128)wt * v * e12 / sums[k];
    }
    __int128 micro = (total + e12 / 2) / e12; /* to 10^-6, half up (total ≥ 0) */
    snprintf(buf, cap, "%d.%06d", (int)(micro / 1000000), (int)(micro % 1000000));
}

/* The JSON answer of an allocation: {summary, shares, columns, table}. In a list (RESULT NULL)
 * the table is FACTORS with the factor columns and COLUMN; with --into it is RESULT, each row with
 * its changed columns against INTO. */
static void write_allocate_json(FILE *out, const fp_table *f, const fp_allocate_options *ao,
                                const char *column, const fp_amount *amounts,
                                const fp_table *into, const fp_table *result)
{
    size_t nw = ao->weight_count, nr = fp_table_row_count(f);
    __int128 sums[MAX_FACTORS] = {0};
    size_t cols[MAX_FACTORS], leaves = 0;
    for (size_t k = 0; k < nw; k++)
        cols[k] = fp_table_find_column(f, ao->weights[k].column);
    for (size_t r = 0; r < nr; r++)
        if (fp_table_first_child(f, r) == FP_NONE) {
            leaves++;
            for (size_t k = 0; k < nw; k++)
                sums[k] += fp_table_amount(f, r, cols[k]);
        }
    fputs("{\"summary\":{\"file\":", out);
    api_json_str(out, fp_table_source(f));
    fputs(",\"into\":", out);
    if (into)
        api_json_str(out, fp_table_source(into));
    else
        fputs("null", out);
    fputs(",\"column\":", out);
    api_json_str(out, column);
    fputs(",\"total\":", out);
    api_json_amount(out, ao->total, 0);
    fputs(",\"base\":", out);
    api_json_amount(out, ao->base, 0);
    fputs(",\"unit\":", out);
    api_json_amount(out, ao->unit, 0);
    fputs(",\"weights\":[", out);
    for (size_t k = 0; k < nw; k++) {
        fputs(k ? ",{\"column\":" : "{\"column\":", out);
        api_json_str(out, ao->weights[k].column);
        fp_amount wt = 0;
        fp_amount_parse(ao->weights[k].weight, strlen(ao->weights[k].weight), &wt, NULL);
        fputs(",\"weight\":", out);
        api_json_amount(out, wt, 0);
        fputc('}', out);
    }
    fprintf(out, "],\"leaves\":%zu,\"clawbacks\":", leaves);
    size_t batch = result ? fp_table_role_column(result, FP_ROLE_BATCH) : FP_NONE;
    if (batch == FP_NONE) {
        fputs("null", out);
    } else { /* rows of the new table whose 此次下达 is negative (收回) */
        size_t n = 0;
        for (size_t r = 0; r < fp_table_row_count(result); r++)
            n += fp_table_amount(result, r, batch) < 0;
        fprintf(out, "%zu", n);
    }
    fputs("},\"shares\":[", out);
    int first = 1;
    for (size_t r = 0; r < nr; r++) {
        if (fp_table_first_child(f, r) != FP_NONE)
            continue;
        fprintf(out, "%s\n{\"line\":%ld,\"unit\":", first ? "" : ",", fp_table_row_line(f, r));
        first = 0;
        api_json_str(out, fp_table_row_name(f, r));
        fputs(",\"path\":[", out);
        size_t path[256];
        size_t np = fp_table_path(f, r, path, 256);
        for (size_t k = 0; k < np && k < 256; k++) {
            fputs(k ? "," : "", out);
            api_json_str(out, fp_table_row_name(f, path[k]));
        }
        fputs("],\"factors\":[", out);
        for (size_t k = 0; k < nw; k++) {
            fputs(k ? "," : "", out);
            api_json_amount(out, fp_table_amount(f, r, cols[k]), 0);
        }
        char share[64];
        share_text(f, ao->weights, nw, sums, r, share, sizeof share);
        fprintf(out, "],\"share\":\"%s\",\"amount\":", share);
        if (amounts)
            api_json_amount(out, amounts[r], 0);
        else
            fputs("null", out);
        fputc('}', out);
    }
    fputs("],\"columns\":", out);
    if (result) {
        api_write_columns(out, result);
        fputs(",\"table\":", out);
        api_write_rows(out, result, into);
        fputs("}\n", out);
        return;
    }
    /* the list: 单位, the factors, the result (as fenpei allocate -o, without 级次: depth is
     * in each row) */
    fputs("[{\"name\":\"单位\",\"role\":\"name\",\"amount\":false}", out);
    for (size_t k = 0; k < nw; k++) {
        fputs(",{\"name\":", out);
        api_json_str(out, ao->weights[k].column);
        fputs(",\"role\":\"factor\",\"amount\":true}", out);
    }
    fputs(",{\"name\":", out);
    api_json_str(out, column);
    fputs(",\"role\":\"result\",\"amount\":true}],\"table\":[", out);
    for (size_t r = 0; r < nr; r++) {
        fprintf(out, "%s\n{\"line\":%ld,\"name\":", r ? "," : "", fp_table_row_line(f, r));
        api_json_str(out, fp_table_row_name(f, r));
        size_t p = fp_table_parent(f, r);
        fprintf(out, ",\"depth\":%d,\"parent\":", fp_table_depth(f, r));
        if (p == FP_NONE)
            fputs("null", out);
        else
            fprintf(out, "%zu", p);
        fputs(",\"cells\":[", out);
        api_json_str(out, fp_table_row_name(f, r));
        for (size_t k = 0; k < nw; k++) {
            fputc(',', out);
            if (fp_table_is_blank(f, r, cols[k]))
                fputs("\"\"", out);
            else
                api_json_amount(out, fp_table_amount(f, r, cols[k]), 0);
        }
        fputc(',', out);
        api_json_amount(out, amounts[r], 0);
        fputs("]}", out);
    }
    fputs("]}\n", out);
}

void api_allocate(const serve_form *form, serve_format format, int lang_en, serve_reply *reply)
{
    fp_table *f = NULL, *into = NULL, *result = NULL;
    fp_amount *amounts = NULL;
    char *weights_copy = NULL;
    if (format == SERVE_XLSX) { /* fenpei allocate writes no workbook */
        api_error(reply, 400, "因素法分配的结果只能是 json 或 csv。",
                  "an allocation is json or csv.", lang_en);
        return;
    }
    if (load_required(form, "file", "因素表", "factor table", 1, &f, NULL, lang_en, reply))
        return;
    fp_allocate_options ao;
    fp_allocate_options_init(&ao);
    fp_factor_weight w[MAX_FACTORS];
    int have_total;
    if (amount_field(form, "total", 0, &ao.total, &have_total, lang_en, reply) ||
        amount_field(form, "base", 0, &ao.base, NULL, lang_en, reply) ||
        amount_field(form, "unit", 1, &ao.unit, NULL, lang_en, reply))
        goto done;
    if (!have_total) {
        api_error(reply, 400, "请填写要分配的总额（字段 total），如 27000。",
                  "give the amount to allocate in field \"total\", such as 27000.", lang_en);
        goto done;
    }
    const serve_field *wf = serve_form_get(form, "weights");
    if (!wf || wf->len == 0) {
        api_error(reply, 400,
                  "请填写各因素及其权重（字段 weights），如 常住人口=0.6,管理人数=0.3,绩效得分=0.1。",
                  "give the factors and their weights in field \"weights\", such as "
                  "常住人口=0.6,管理人数=0.3,绩效得分=0.1.",
                  lang_en);
        goto done;
    }
    if (!(weights_copy = strdup(wf->data))) {
        api_nomem(reply, lang_en);
        goto done;
    }
    if (parse_weights(weights_copy, wf->data, w, &ao.weight_count, lang_en, reply))
        goto done;
    ao.weights = w;
    if (ao.total % ao.unit || ao.base % ao.unit) {
        char u[FP_AMOUNT_BUFSIZE], zh[256], en[256];
        fp_amount_format(ao.unit, 0, u);
        snprintf(zh, sizeof zh, "总额和基数应为取整单位 %s 的整数倍。", u);
        snprintf(en, sizeof en, "the total and the base must be whole multiples of the unit %s.",
                 u);
        api_error(reply, 400, zh, en, lang_en);
        goto done;
    }
    const serve_field *cf = serve_form_get(form, "column");
    const char *column = cf && cf->len ? cf->data : NULL;
    const serve_field *inf = serve_form_get(form, "into");
    if (inf && inf->len && !column) {
        api_error(reply, 400, "填入分配表时请给出要填入的类别列（字段 column），如 原基本公共卫生项目。",
                  "with \"into\", give the category to fill in field \"column\".", lang_en);
        goto done;
    }
    if (check_factors(f, w, ao.weight_count, lang_en, reply) ||
        check_base(f, &ao, lang_en, reply))
        goto done;
    fp_diag d;
    fp_diag_clear(&d);
    if (inf && inf->len) {
        /* as fenpei allocate --into: the allocation table read with the default options */
        if (api_load_field(form, inf, 0, &into, lang_en, reply))
            goto done;
        if (fp_allocate_into(f, &ao, into, column, &result, &d) != FP_OK) {
            if (d.code == FP_ERR_UNIT_NOT_FOUND && d.text[0]) { /* a leaf of one table only */
                const char *has = d.file, *lacks = fp_table_source(into);
                if (strcmp(has, lacks) == 0)
                    lacks = fp_table_source(f);
                char zh[1024];
                snprintf(zh, sizeof zh, "无法按因素法分配：「%.200s」（%s 第 %ld 行）在「%s」中没有"
                                        "对应的末级行；两张表的末级单位须一一对应（名称相同，或"
                                        "自上而下的路径相同）。",
                         d.text, has, d.line, lacks);
                api_error(reply, 422, zh, d.message, lang_en);
            } else {
                api_diag_error(reply, 422, "无法按因素法分配", &d, lang_en);
            }
            goto done;
        }
    } else if (fp_allocate(f, &ao, &amounts, &d) != FP_OK) {
        api_diag_error(reply, 422, "无法按因素法分配", &d, lang_en);
        goto done;
    }
    char *text = NULL;
    size_t len = 0;
    FILE *out = api_reply_stream(&text, &len, reply, lang_en);
    if (!out)
        goto done;
    if (format == SERVE_CSV) {
        if (result)
            fp_table_write_csv(result, out, -1, &d);
        else
            fp_allocate_write_csv(f, &ao, amounts, column ? column : "分配金额", out);
        api_finish_stream(out, &text, &len, reply, "text/csv; charset=utf-8", "allocate.csv",
                          lang_en);
    } else {
        write_allocate_json(out, f, &ao, column ? column : "分配金额", amounts, into, result);
        api_finish_stream(out, &text, &len, reply, "application/json; charset=utf-8", NULL,
                          lang_en);
    }
done:
    free(weights_copy);
    free(amounts);
    fp_table_free(result);
    fp_table_free(into);
    fp_table_free(f);
}

void api_compare(const serve_form *form, serve_format format, int lang_en, serve_reply *reply)
{
    fp_table *a = NULL, *b = NULL;
    fp_comparison *c = NULL;
    /* as fenpei compare: the two tables read with the same options (the form's sheet) */
    if (load_required(form, "old", "原表", "old table", 1, &a, NULL, lang_en, reply) ||
        load_required(form, "new", "新表", "new table", 1, &b, NULL, lang_en, reply))
        goto done;
    fp_diag d;
    fp_diag_clear(&d);
    if (fp_compare(a, b, &c, &d) != FP_OK) {
        if (d.code == FP_ERR_COLUMN) {
            char zh[768];
            snprintf(zh, sizeof zh, "无法比较：「%s」和「%s」没有列名相同的金额列。",
                     fp_table_source(a), fp_table_source(b));
            api_error(reply, 422, zh, d.message, lang_en);
            goto done;
        }
        api_diag_error(reply, 422, "无法比较两张表", &d, lang_en);
        goto done;
    }
    const char *na = fp_table_source(a), *nb = fp_table_source(b);
    if (format == SERVE_XLSX) {
        char *data;
        size_t len;
        if (fp_xlsx_compare_buffer(c, na, nb, &data, &len, &d) != FP_OK) {
            api_diag_error(reply, 500, "无法生成比较工作簿", &d, lang_en);
            goto done;
        }
        api_reply_xlsx(reply, data, len, "compare.xlsx");
        goto done;
    }
    char *text = NULL;
    size_t len = 0;
    FILE *out = api_reply_stream(&text, &len, reply, lang_en);
    if (!out)
        goto done;
    if (format == SERVE_CSV) {
        fp_comparison_write_csv(c, out);
        api_finish_stream(out, &text, &len, reply, "text/csv; charset=utf-8", "compare.csv",
                          lang_en);
    } else {
        fp_comparison_write_json(c, na, nb, out);
        api_finish_stream(out, &text, &len, reply, "application/json; charset=utf-8", NULL,
                          lang_en);
    }
done:
    fp_comparison_free(c);
    fp_table_free(b);
    fp_table_free(a);
}
