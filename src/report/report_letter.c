/* report/report_letter.c — the letter check as text and as JSON (schema in docs/package.md). */
#include <string.h>

#include "fenpei/letter.h"
#include "report/json.h"

/* The figure's name: "伊犁州 此次下达", or "合计 此次下达" for the sum of several top rows. */
static void figure_name(FILE *out, const fp_table *t, const fp_letter_amount *a)
{
    fputs(a->row != FP_NONE ? fp_table_row_name(t, a->row) : "合计", out);
    if (a->column != FP_NONE)
        fprintf(out, " %s", fp_table_column_name(t, a->column));
}

/* The quote, shortened from the left to its last 30 characters. */
static void put_quote(FILE *out, const char *q)
{
    size_t chars = 0;
    for (const char *p = q; *p; p++)
        chars += ((unsigned char)*p & 0xC0) != 0x80;
    const char *s = q;
    for (; chars > 30; s++)
        if (((unsigned char)s[1] & 0xC0) != 0x80)
            chars--;
    if (s != q) {
        while (((unsigned char)*s & 0xC0) == 0x80)
            s++;
        fputs("…", out);
    }
    for (; *s; s++)
        fputc(*s == '\n' ? ' ' : *s, out);
}

fp_error fp_letter_write_text(const fp_letter_report *r, const fp_table *t, int en, FILE *out)
{
    size_t n = fp_letter_report_count(r), errors = fp_letter_report_errors(r),
           warnings = fp_letter_report_warnings(r);
    for (size_t i = 0; i < n; i++) {
        const fp_letter_amount *a = fp_letter_report_get(r, i);
        if (a->status == FP_LETTER_MATCH)
            continue;
        char stated[FP_AMOUNT_BUFSIZE], expected[FP_AMOUNT_BUFSIZE];
        fp_amount_format(a->stated, 0, stated);
        fp_amount_format(a->expected, 0, expected);
        fprintf(out, en ? "  %s line %ld \"" : "  %s 第%ld行 “",
                a->status == FP_LETTER_MISMATCH ? (en ? "error" : "错误") : (en ? "warning" : "警告"),
                a->line);
        put_quote(out, a->quote);
        fputs(en ? "\": " : "”：", out);
        if (a->status == FP_LETTER_MISMATCH) {
            fprintf(out, en ? "the letter says %s, the table's " : "通知写 %s，表中 ", stated);
            figure_name(out, t, a);
            fp_amount d;
            char diff[FP_AMOUNT_BUFSIZE] = "?";
            if (fp_amount_sub(a->stated, a->expected, &d) == 0)
                fp_amount_format(d, 0, diff);
            fprintf(out, en ? " is %s (the letter is off by %s)\n" : " 为 %s（差 %s）\n", expected,
                    diff);
        } else {
            fputs(en ? "names no figure of the table and equals none\n"
                     : "未对应表中任何数字，也与表中各数均不相等\n",
                  out);
        }
    }
    if (en)
        fprintf(out, "letter %s: %zu amount%s, %zu match%s the table, %zu error%s, %zu warning%s\n",
                fp_letter_report_source(r), n, n == 1 ? "" : "s", n - errors - warnings,
                n - errors - warnings == 1 ? "es" : "", errors, errors == 1 ? "" : "s", warnings,
                warnings == 1 ? "" : "s");
    else
        fprintf(out, "通知 %s：%zu 处金额，%zu 处与表一致，%zu 个错误，%zu 个警告。\n",
                fp_letter_report_source(r), n, n - errors - warnings, errors, warnings);
    return ferror(out) ? FP_ERR_IO : FP_OK;
}

static const char *const status_names[] = {"match", "mismatch", "unmatched"};

fp_error fp_letter_write_json(const fp_letter_report *r, const fp_table *t, FILE *out)
{
    size_t n = fp_letter_report_count(r);
    fputs("{\"file\":", out);
    json_string(out, fp_letter_report_source(r));
    fprintf(out, ",\"amounts\":%zu,\"errors\":%zu,\"warnings\":%zu,\"findings\":[", n,
            fp_letter_report_errors(r), fp_letter_report_warnings(r));
    for (size_t i = 0; i < n; i++) {
        const fp_letter_amount *a = fp_letter_report_get(r, i);
        fprintf(out, "%s{\"status\":\"%s\",\"severity\":", i ? "," : "", status_names[a->status]);
        fputs(a->status == FP_LETTER_MISMATCH    ? "\"error\""
              : a->status == FP_LETTER_UNMATCHED ? "\"warning\""
                                                 : "null",
              out);
        fprintf(out, ",\"line\":%ld,\"text\":", a->line);
        json_string(out, a->quote);
        fputs(",\"stated\":", out);
        json_amount(out, a->stated);
        fputs(",\"unit\":", out);
        if (a->row != FP_NONE)
            json_string(out, fp_table_row_name(t, a->row));
        else
            fputs(a->column != FP_NONE ? "\"合计\"" : "null", out);
        fputs(",\"column\":", out);
        if (a->column != FP_NONE)
            json_string(out, fp_table_column_name(t, a->column));
        else
            fputs("null", out);
        fputs(",\"expected\":", out);
        if (a->status != FP_LETTER_UNMATCHED)
            json_amount(out, a->expected);
        else
            fputs("null", out);
        fputc('}', out);
    }
    fputs("]}", out);
    return ferror(out) ? FP_ERR_IO : FP_OK;
}
