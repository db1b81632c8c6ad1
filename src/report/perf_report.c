/* report/perf_report.c — the report of the performance-table checks: text (Chinese or English)
 * and JSON (kind "performance": the tables, then the findings). */
#include <stdio.h>
#include <string.h>

#include "fenpei/perf.h"
#include "report/json.h"

static const char *kind_zh(fp_perf_kind k)
{
    return k == FP_PERF_TARGET ? "绩效目标表" : k == FP_PERF_SELF_EVALUATION ? "绩效自评表"
                                                                          : "部门整体支出绩效目标表";
}

fp_error fp_perf_report_write_text(const fp_perf_report *r, const fp_perf_doc *doc, fp_lang lang,
                                   FILE *out)
{
    int en = lang == FP_LANG_EN;
    size_t nt = fp_perf_table_count(doc);
    size_t kinds[3] = {0, 0, 0};
    for (size_t i = 0; i < nt; i++)
        kinds[fp_perf_table_info(doc, i)->kind]++;
    if (en)
        fprintf(out, "%zu performance table%s: %zu target, %zu self-evaluation, %zu department\n",
                nt, nt == 1 ? "" : "s", kinds[0], kinds[1], kinds[2]);
    else
        fprintf(out, "绩效表 %zu 张：目标表 %zu，自评表 %zu，部门整体支出目标表 %zu\n", nt, kinds[0],
                kinds[1], kinds[2]);
    for (size_t i = 0; i < nt; i++) {
        const fp_perf_info *t = fp_perf_table_info(doc, i);
        fprintf(out, "  %s%zu  %-16s %s  %s%s%s\n", en ? "table " : "表", i + 1,
                en ? fp_perf_kind_name(t->kind) : kind_zh(t->kind), t->unit[0] ? t->unit : "-",
                t->project, t->year[0] ? "  " : "", t->year);
    }
    size_t errors = 0, warnings = 0;
    for (size_t i = 0; i < fp_perf_report_count(r); i++) {
        const fp_perf_finding *f = fp_perf_report_get(r, i);
        int err = f->severity == FP_SEVERITY_ERROR;
        if (err)
            errors++;
        else
            warnings++;
        char table[32] = "";
        if (f->table != FP_NONE)
            snprintf(table, sizeof table, en ? "table %zu, " : "表%zu，", f->table + 1);
        fprintf(out, "%s [%s] %s%s: %s", en ? (err ? "error" : "warning") : (err ? "错误" : "警告"),
                f->rule, table, f->where, en ? f->message_en : f->message_zh);
        if (f->expected[0] || f->actual[0]) {
            if (en)
                fprintf(out, " (expected %s, printed %s", f->expected[0] ? f->expected : "-",
                        f->actual[0] ? f->actual : "blank");
            else
                fprintf(out, "（应为 %s，实为 %s", f->expected[0] ? f->expected : "-",
                        f->actual[0] ? f->actual : "空白");
            if (f->difference[0])
                fprintf(out, en ? ", difference %s" : "，差 %s", f->difference);
            fputs(en ? ")" : "）", out);
        }
        fputc('\n', out);
    }
    if (en)
        fprintf(out, "%zu error%s, %zu warning%s\n", errors, errors == 1 ? "" : "s", warnings,
                warnings == 1 ? "" : "s");
    else
        fprintf(out, "共 %zu 个错误，%zu 个警告\n", errors, warnings);
    return ferror(out) ? FP_ERR_IO : FP_OK;
}

fp_error fp_perf_report_write_json(const fp_perf_report *r, const fp_perf_doc *doc, FILE *out)
{
    fputs("{\"kind\":\"performance\",\"tables\":[", out);
    for (size_t i = 0; i < fp_perf_table_count(doc); i++) {
        const fp_perf_info *t = fp_perf_table_info(doc, i);
        fprintf(out, "%s\n{\"index\":%zu,\"kind\":\"%s\",\"file\":", i ? "," : "", i + 1,
                fp_perf_kind_name(t->kind));
        json_string(out, t->file);
        fputs(",\"title\":", out);
        json_string(out, t->title);
        fputs(",\"project\":", out);
        json_string(out, t->project);
        fputs(",\"unit\":", out);
        json_string(out, t->unit);
        fputs(",\"year\":", out);
        json_text_or_null(out, t->year);
        fputs(",\"budget\":", out);
        json_amount_or_null(out, t->has_budget, t->budget);
        fputc('}', out);
    }
    fputs("],\"findings\":[", out);
    size_t errors = 0;
    for (size_t i = 0; i < fp_perf_report_count(r); i++) {
        const fp_perf_finding *f = fp_perf_report_get(r, i);
        const fp_perf_info *t = f->table != FP_NONE ? fp_perf_table_info(doc, f->table) : NULL;
        if (f->severity == FP_SEVERITY_ERROR)
            errors++;
        fprintf(out, "%s\n{\"rule\":\"%s\",\"severity\":\"%s\",\"table\":", i ? "," : "",
                f->rule, f->severity == FP_SEVERITY_ERROR ? "error" : "warning");
        if (t)
            fprintf(out, "%zu", f->table + 1);
        else
            fputs("null", out);
        fputs(",\"project\":", out);
        json_text_or_null(out, t ? t->project : NULL);
        fputs(",\"unit\":", out);
        json_text_or_null(out, t ? t->unit : f->where);
        fputs(",\"where\":", out);
        json_string(out, f->where);
        fputs(",\"expected\":", out);
        json_text_or_null(out, f->expected);
        fputs(",\"actual\":", out);
        json_text_or_null(out, f->actual);
        fputs(",\"difference\":", out);
        json_text_or_null(out, f->difference);
        fputs(",\"message\":", out);
        json_string(out, f->message_en);
        fputs(",\"message_zh\":", out);
        json_string(out, f->message_zh);
        fputc('}', out);
    }
    fprintf(out, "],\"errors\":%zu,\"warnings\":%zu}\n", errors,
            fp_perf_report_count(r) - errors);
    return ferror(out) ? FP_ERR_IO : FP_OK;
}
