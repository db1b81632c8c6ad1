/* serve/api.c — the JSON API of fenpei serve: check, realloc, notice on an uploaded table. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <nettle/sha2.h>

#include "serve/serve.h"

#define MAX_SETS 256
#define MAX_RULES 64

/* What each library error means, for a clerk. Codes added later fall back to a general
 * sentence; the English side is the library's own diagnostic. */
static const char *const error_zh[FP_ERROR_MAX] = {
    [FP_ERR_NOMEM] = "服务器内存不足，请稍后再试",
    [FP_ERR_IO] = "文件无法读取",
    [FP_ERR_ENCODING] = "文字编码无法识别（请另存为 UTF-8 或 GB18030 编码）",
    [FP_ERR_CSV] = "CSV 格式有误（引号不配对或某行的列数不对）",
    [FP_ERR_XLSX] = "Excel 工作簿已损坏，或不是 .xlsx 格式",
    [FP_ERR_EMPTY] = "没有找到表头或数据行",
    [FP_ERR_AMOUNT_SYNTAX] = "有单元格不是金额",
    [FP_ERR_AMOUNT_OVERFLOW] = "金额或合计超出可以表示的范围",
    [FP_ERR_AMOUNT_PRECISION] = "金额的小数位太多",
    [FP_ERR_COLUMN] = "找不到所需的列，或列名重复、类型不对",
    [FP_ERR_TREE_DEPTH] = "级次不是数字，或一次跳了不止一级",
    [FP_ERR_TREE_PARENT] = "上级指向表中不存在的单位",
    [FP_ERR_TREE_CYCLE] = "上级关系形成了循环",
    [FP_ERR_TREE_DUPLICATE] = "单位名称（或编码）重复",
    [FP_ERR_RULE_SYNTAX] = "规则的写法有误（应如 总额 = 甲 + 乙）",
    [FP_ERR_ARGUMENT] = "参数无效",
    [FP_ERR_UNIT_NOT_FOUND] = "表中没有这个单位",
    [FP_ERR_UNIT_AMBIGUOUS] = "有几个单位同名，请写出完整路径（如 总计/地州合计/巴州）",
    [FP_ERR_CONFLICT] = "几项设定互相矛盾",
    [FP_ERR_INFEASIBLE] = "这些条件无法同时满足",
    [FP_ERR_EXISTS] = "文件已存在",
    [FP_ERR_INTERNAL] = "结果未通过程序的自检（这是程序的错误，请报告）",
    [FP_ERR_TEMPLATE] = "通知模板（.docx）有误，或用了不认识的占位符",
    [FP_ERR_DOCX] = "Word 文档（.docx）已损坏，或不是 Word 文档",
    [FP_ERR_PDF] = "PDF 文件不完整或已损坏",
    [FP_ERR_PDF_ENCRYPTED] = "PDF 文件加了密码，读不了",
    [FP_ERR_PDF_NO_TEXT] = "PDF 只有图像、没有文字层（扫描件），本工具不做文字识别",
    [FP_ERR_NO_CONVERGENCE] = "几项设定无法同时拟合（迭代未收敛），未写出新表",
};

const char *api_error_zh(fp_error code)
{
    return code > FP_OK && code < FP_ERROR_MAX ? error_zh[code] : NULL;
}

void api_json_str(FILE *out, const char *s)
{
    fputc('"', out);
    for (; *s; s++) {
        size_t plain = strcspn(s, "\"\\\x01\x02\x03\x04\x05\x06\x07\x08\t\n\x0b\x0c\r\x0e\x0f"
                                  "\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f");
        if (plain) { /* a run that needs no escape, written at once */
            fwrite(s, 1, plain, out);
            s += plain;
            if (!*s)
                break;
        }
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            fprintf(out, "\\%c", c);
        else if (c == '\n')
            fputs("\\n", out);
        else if (c < 0x20)
            fprintf(out, "\\u%04x", c);
        else
            fputc(c, out);
    }
    fputc('"', out);
}

void api_json_amount(FILE *out, fp_amount v, int decimals)
{
    char buf[FP_AMOUNT_BUFSIZE];
    fp_amount_format(v, decimals, buf);
    api_json_str(out, buf);
}

void api_error(serve_reply *reply, unsigned status, const char *zh, const char *en, int lang_en)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (f) {
        fputs("{\"error\":", f);
        api_json_str(f, lang_en ? en : zh);
        fputs("}\n", f);
        if (fclose(f) != 0) {
            free(text);
            text = NULL;
        }
    }
    free(reply->body);
    reply->status = status;
    reply->body = text;
    reply->len = text ? len : 0;
    reply->type = "application/json; charset=utf-8";
    reply->filename[0] = '\0';
}

/* Append to the text in BUF (of CAP bytes) as printf would; truncates quietly. */
static void append(char *buf, size_t cap, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void append(char *buf, size_t cap, const char *fmt, ...)
{
    size_t n = strlen(buf);
    if (n + 1 >= cap)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf + n, cap - n, fmt, ap);
    va_end(ap);
}

/* A library failure as a reply: where (file, line, cell, column, text) and why, in the
 * clerk's language; STATUS for input errors, 500 for ours. */
void api_diag_error(serve_reply *reply, unsigned status, const char *what_zh,
                       const fp_diag *d, int lang_en)
{
    char zh[1024] = "", en[1024] = "";
    const char *why = d->code < FP_ERROR_MAX && error_zh[d->code] ? error_zh[d->code]
                                                                   : "无法处理";
    append(zh, sizeof zh, "%s", what_zh);
    if (d->file[0])
        append(zh, sizeof zh, "「%s」", d->file);
    append(zh, sizeof zh, "：%s", why);
    const char *sep = "（";
    if (d->cell[0])
        append(zh, sizeof zh, "%s单元格 %s", sep, d->cell), sep = "，";
    else if (d->line > 0)
        append(zh, sizeof zh, "%s第 %ld 行", sep, d->line), sep = "，";
    if (d->column[0])
        append(zh, sizeof zh, "%s列“%s”", sep, d->column), sep = "，";
    if (d->text[0])
        append(zh, sizeof zh, "%s内容“%s”", sep, d->text), sep = "，";
    append(zh, sizeof zh, "%s。", strcmp(sep, "，") == 0 ? "）" : "");
    if (d->file[0])
        append(en, sizeof en, "%s", d->file);
    if (d->cell[0])
        append(en, sizeof en, "%s%s", en[0] ? ": " : "", d->cell);
    else if (d->line > 0)
        append(en, sizeof en, "%sline %ld", en[0] ? ": " : "", d->line);
    if (d->column[0])
        append(en, sizeof en, "%scolumn %s", en[0] ? ": " : "", d->column);
    if (d->text[0])
        append(en, sizeof en, "%s\"%s\"", en[0] ? ": " : "", d->text);
    append(en, sizeof en, "%s%s", en[0] ? ": " : "",
           d->message[0] ? d->message : fp_strerror(d->code));
    if (d->code == FP_ERR_NOMEM || d->code == FP_ERR_INTERNAL)
        status = 500;
    api_error(reply, status, zh, en, lang_en);
}

void api_nomem(serve_reply *reply, int lang_en)
{
    api_error(reply, 500, "服务器内存不足，请稍后再试。", "out of memory; try again later.",
              lang_en);
}

/* The upload's name for messages and the JSON "file": its last path part, printable, short.
 * It never names a file here. */
void api_upload_name(const serve_field *f, char *buf, size_t cap)
{
    const char *s = f->filename && *f->filename ? f->filename : "粘贴的表格";
    const char *slash = strrchr(s, '/'), *bslash = strrchr(s, '\\');
    if (slash && slash[1])
        s = slash + 1;
    if (bslash && bslash[1] && bslash + 1 > s)
        s = bslash + 1;
    size_t n = 0;
    for (; *s && n + 1 < cap && n < 100; s++)
        buf[n++] = (unsigned char)*s < 0x20 ? '_' : *s;
    if (*s) { /* cut short: drop a UTF-8 sequence the cut went through */
        size_t lead = n;
        while (lead && ((unsigned char)buf[lead - 1] & 0xC0) == 0x80)
            lead--;
        unsigned char c = lead ? (unsigned char)buf[lead - 1] : 0;
        size_t want = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
        if (lead && n - (lead - 1) < want)
            n = lead - 1;
    }
    buf[n] = '\0';
}

/* The table uploaded in field F (its bytes, told apart by content), with the form's "sheet" when
 * USE_SHEET; 0, or -1 with REPLY set (400 unreadable, 413 over --max-rows). */
int api_load_field(const serve_form *form, const serve_field *f, int use_sheet, fp_table **out,
                   int lang_en, serve_reply *reply)
{
    char name[128];
    api_upload_name(f, name, sizeof name);
    fp_load_options o;
    fp_load_options_init(&o);
    const serve_field *sheet = serve_form_get(form, "sheet");
    if (use_sheet && sheet && sheet->len)
        o.sheet = sheet->data;
    fp_diag d;
    fp_diag_clear(&d);
    if (fp_table_load_memory(f->data, f->len, name, &o, out, &d) != FP_OK) {
        api_diag_error(reply, 400, "无法读取表格", &d, lang_en);
        return -1;
    }
    if (fp_table_row_count(*out) > form->max_rows) { /* bounds the work of one request */
        char zh[256], en[256];
        snprintf(zh, sizeof zh, "表格太大：共 %zu 行，本服务最多处理 %zu 行。",
                 fp_table_row_count(*out), form->max_rows);
        snprintf(en, sizeof en, "the table is too large: %zu rows; this server works on at most "
                                "%zu.", fp_table_row_count(*out), form->max_rows);
        api_error(reply, 413, zh, en, lang_en);
        fp_table_free(*out);
        *out = NULL;
        return -1;
    }
    return 0;
}

/* The table of field "file" (a file, or pasted text in field "text"). 0, or -1 with REPLY set. */
static int load_upload(const serve_form *form, fp_table **out, const serve_field **src,
                       int lang_en, serve_reply *reply)
{
    const serve_field *f = serve_form_get(form, "file");
    if (!f || f->len == 0)
        f = serve_form_get(form, "text");
    if (!f || f->len == 0) {
        api_error(reply, 400, "没有收到表格：请选择文件，或粘贴表格文字。",
                  "no table: send a file in field \"file\" (or text in field \"text\").",
                  lang_en);
        return -1;
    }
    if (api_load_field(form, f, 1, out, lang_en, reply))
        return -1;
    *src = f;
    return 0;
}

/* The columns of T: [{name, role, amount}]. */
void api_write_columns(FILE *out, const fp_table *t)
{
    fputc('[', out);
    for (size_t c = 0; c < fp_table_column_count(t); c++) {
        fputs(c ? ",{\"name\":" : "{\"name\":", out);
        api_json_str(out, fp_table_column_name(t, c));
        fprintf(out, ",\"role\":\"%s\",\"amount\":%s}", fp_role_name(fp_table_column_role(t, c)),
                fp_table_column_is_amount(t, c) ? "true" : "false");
    }
    fputc(']', out);
}

/* The rows of T in file order: [{line, name, depth, parent, cells}]; with OLD (the table
 * before a reallocation) each row also lists its changed columns. */
void api_write_rows(FILE *out, const fp_table *t, const fp_table *old)
{
    size_t nc = fp_table_column_count(t), nr = fp_table_row_count(t);
    fputc('[', out);
    for (size_t r = 0; r < nr; r++) {
        fprintf(out, "%s\n{\"line\":%ld,\"name\":", r ? "," : "", fp_table_row_line(t, r));
        api_json_str(out, fp_table_row_name(t, r));
        size_t p = fp_table_parent(t, r);
        fprintf(out, ",\"depth\":%d,\"parent\":", fp_table_depth(t, r));
        if (p == FP_NONE)
            fputs("null", out);
        else
            fprintf(out, "%zu", p);
        fputs(",\"cells\":[", out);
        for (size_t c = 0; c < nc; c++) {
            fputs(c ? "," : "", out);
            if (!fp_table_column_is_amount(t, c))
                api_json_str(out, fp_table_text(t, r, c));
            else if (fp_table_is_blank(t, r, c) && (!old || fp_table_is_blank(old, r, c)))
                fputs("\"\"", out);
            else
                api_json_amount(out, fp_table_amount(t, r, c), fp_table_column_decimals(t, c));
        }
        fputc(']', out);
        if (old) {
            fputs(",\"changed\":[", out);
            int first = 1;
            for (size_t c = 0; c < nc; c++)
                if (fp_table_column_is_amount(t, c) &&
                    fp_table_amount(t, r, c) != fp_table_amount(old, r, c)) {
                    fprintf(out, "%s%zu", first ? "" : ",", c);
                    first = 0;
                }
            fputc(']', out);
        }
        fputc('}', out);
    }
    fputc(']', out);
}

/* The next field named NAME with a value, from field *I on (*I moves past it), or NULL. */
const serve_field *api_next_field(const serve_form *form, const char *name, size_t *i)
{
    while (*i < form->count) {
        const serve_field *x = &form->fields[(*i)++];
        if (x->len && strcmp(x->name, name) == 0)
            return x;
    }
    return NULL;
}

/* A workbook of LEN bytes at DATA (malloc'd; REPLY takes it) as the answer, named FILENAME. */
void api_reply_xlsx(serve_reply *reply, char *data, size_t len, const char *filename)
{
    reply->status = 200;
    reply->body = data;
    reply->len = len;
    reply->type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    snprintf(reply->filename, sizeof reply->filename, "%s", filename);
}

/* A stream into *TEXT for an answer, or NULL after answering "out of memory". */
FILE *api_reply_stream(char **text, size_t *len, serve_reply *reply, int lang_en)
{
    FILE *f = open_memstream(text, len);
    if (!f)
        api_nomem(reply, lang_en);
    return f;
}

/* Close the stream and hand its text to REPLY as TYPE, named FILENAME (NULL: no name). */
void api_finish_stream(FILE *f, char **text, size_t *len, serve_reply *reply, const char *type,
                       const char *filename, int lang_en)
{
    if (fclose(f) != 0) {
        free(*text);
        api_nomem(reply, lang_en);
        return;
    }
    reply->status = 200;
    reply->body = *text;
    reply->len = *len;
    reply->type = type;
    if (filename)
        snprintf(reply->filename, sizeof reply->filename, "%s", filename);
}

void api_check(const serve_form *form, serve_format format, int with_table, int lang_en,
               serve_reply *reply)
{
    fp_table *t = NULL;
    fp_report *report = NULL;
    fp_causes *causes = NULL;
    fp_rule *rules[MAX_RULES] = {0};
    size_t nrules = 0;
    const serve_field *src;
    if (load_upload(form, &t, &src, lang_en, reply))
        return;
    fp_check_options co;
    fp_check_options_init(&co);
    fp_diag d;
    fp_diag_clear(&d);
    const serve_field *x;
    for (size_t i = 0; (x = api_next_field(form, "rule", &i)) != NULL;) {
        if (nrules == MAX_RULES) {
            api_error(reply, 400, "规则最多 64 条。", "at most 64 rules.", lang_en);
            goto done;
        }
        if (fp_rule_parse(t, x->data, &rules[nrules], &d) != FP_OK) {
            api_diag_error(reply, 400, "规则无法使用", &d, lang_en);
            goto done;
        }
        nrules++;
    }
    co.custom = (const fp_rule *const *)rules;
    co.custom_count = nrules;
    if (fp_check(t, &co, &report, &d) != FP_OK || fp_explain(t, report, &co, &causes, &d) != FP_OK) {
        api_diag_error(reply, 400, "无法检查表格", &d, lang_en);
        goto done;
    }
    if (format == SERVE_XLSX) {
        char *data;
        size_t len;
        if (fp_xlsx_audit_buffer(t, report, &co, &data, &len, &d) != FP_OK) {
            api_diag_error(reply, 400, "无法生成审核工作簿", &d, lang_en);
            goto done;
        }
        api_reply_xlsx(reply, data, len, "audit.xlsx");
        goto done;
    }
    char *text = NULL;
    size_t len = 0;
    FILE *f = api_reply_stream(&text, &len, reply, lang_en);
    if (!f)
        goto done;
    fp_report_write_json_explained(report, causes, t, &co, f);
    if (with_table && fclose(f) == 0) {
        /* the same object, with the table added for the page: {…,"table":{columns, rows}} */
        char *report_text = text;
        size_t n = strlen(report_text);
        while (n && (report_text[n - 1] == '\n' || report_text[n - 1] == '}'))
            n--; /* only the object's own closing brace and newline: findings end in ']' */
        text = NULL;
        f = open_memstream(&text, &len);
        if (f) {
            fwrite(report_text, 1, n, f);
            fputs(",\"table\":{\"columns\":", f);
            api_write_columns(f, t);
            fputs(",\"rows\":", f);
            api_write_rows(f, t, NULL);
            fputs("}}\n", f);
        }
        free(report_text);
        if (!f) {
            api_nomem(reply, lang_en);
            goto done;
        }
    } else if (with_table) {
        free(text);
        api_nomem(reply, lang_en);
        goto done;
    }
    api_finish_stream(f, &text, &len, reply, "application/json; charset=utf-8", NULL,
                      lang_en);
done:
    for (size_t i = 0; i < nrules; i++)
        fp_rule_free(rules[i]);
    fp_causes_free(causes);
    fp_report_free(report);
    fp_table_free(t);
}

/* "UNIT:COLUMN=AMOUNT" (the last '=', and the last ':' before it) into T, pointing into S. */
static int parse_set(char *s, fp_realloc_target *t)
{
    char *eq = strrchr(s, '=');
    if (!eq)
        return -1;
    *eq = '\0';
    char *colon = strrchr(s, ':');
    if (!colon)
        return -1;
    *colon = '\0';
    t->unit = s;
    t->column = colon + 1;
    const char *a = eq + 1;
    while (*a == ' ')
        a++;
    return *t->unit && *t->column && fp_amount_parse(a, strlen(a), &t->amount, NULL) == FP_OK
               ? 0
               : -1;
}

/* "COLUMN=AMOUNT" (the last '=') into F, pointing into S. */
static int parse_min(char *s, fp_realloc_floor *f)
{
    char *eq = strrchr(s, '=');
    if (!eq || eq == s)
        return -1;
    *eq = '\0';
    f->column = s;
    const char *a = eq + 1;
    while (*a == ' ')
        a++;
    fp_amount_info info;
    return fp_amount_parse(a, strlen(a), &f->amount, &info) == FP_OK && !info.blank ? 0 : -1;
}

/* A number of fitting rounds: digits only, from 1 to LONG_MAX. */
/* The most rounds of fitting a request to the server may ask: a shared worker must not be held
 * for hours by one form (the command line has no such limit). */
#define SERVE_MAX_FIT_ROUNDS 10000000L

static int parse_rounds(const char *s, long *out)
{
    if (*s < '0' || *s > '9')
        return -1;
    errno = 0;
    char *end;
    long n = strtol(s, &end, 10);
    if (*end || errno == ERANGE || n < 1 || n > SERVE_MAX_FIT_ROUNDS)
        return -1;
    *out = n;
    return 0;
}

/* The percentage change from OLD to NEW_ (fp_amount_percent: exact to 0.01%), or null when OLD
 * is 0. */
void api_json_percent(FILE *out, fp_amount old, fp_amount new_)
{
    char pct[FP_PERCENT_BUFSIZE];
    if (fp_amount_percent(old, new_, pct))
        api_json_str(out, pct);
    else
        fputs("null", out);
}

static void write_realloc_json(FILE *out, const fp_table *a, const fp_table *b,
                               const fp_realloc_options *ro)
{
    char buf[FP_AMOUNT_BUFSIZE];
    fp_amount_format(ro->unit, 0, buf);
    fprintf(out, "{\"summary\":{\"file\":");
    api_json_str(out, fp_table_source(a));
    fprintf(out, ",\"method\":\"%s\",\"unit\":\"%s\",\"rounding\":\"%s\",\"no_clawback\":%s,"
                 "\"targets\":[",
            fp_method_name(ro->method), buf, fp_rounding_name(ro->rounding),
            ro->no_clawback ? "true" : "false");
    for (size_t i = 0; i < ro->target_count; i++) {
        size_t row = FP_NONE, col = fp_table_find_column(a, ro->targets[i].column);
        fp_table_find_row(a, ro->targets[i].unit, &row);
        fputs(i ? ",{\"unit\":" : "{\"unit\":", out);
        api_json_str(out, ro->targets[i].unit);
        fputs(",\"column\":", out);
        api_json_str(out, ro->targets[i].column);
        fputs(",\"before\":", out);
        api_json_amount(out, fp_table_amount(a, row, col), 0);
        fputs(",\"after\":", out);
        api_json_amount(out, fp_table_amount(b, row, col), 0);
        fputc('}', out);
    }
    fputs("],\"min\":[", out);
    for (size_t i = 0; i < ro->floor_count; i++) {
        fputs(i ? ",{\"column\":" : "{\"column\":", out);
        api_json_str(out, ro->floors[i].column);
        fputs(",\"amount\":", out);
        api_json_amount(out, ro->floors[i].amount, 0);
        fputc('}', out);
    }
    fputs("],\"fix\":[", out);
    for (size_t i = 0; i < ro->fixed_count; i++) {
        fputs(i ? "," : "", out);
        api_json_str(out, ro->fixed[i]);
    }
    if (ro->fit_rounds)
        fprintf(out, "],\"fit_rounds\":%ld", ro->fit_rounds);
    else
        fputs("],\"fit_rounds\":null", out);
    size_t rows = 0, cells = 0, clawbacks = 0, batch = fp_table_role_column(a, FP_ROLE_BATCH);
    for (size_t r = 0; r < fp_table_row_count(a); r++) {
        int changed = 0;
        for (size_t c = 0; c < fp_table_column_count(a); c++)
            if (fp_table_column_is_amount(a, c) &&
                fp_table_amount(a, r, c) != fp_table_amount(b, r, c))
                cells++, changed = 1;
        rows += (size_t)changed;
        if (batch != FP_NONE)
            clawbacks += fp_table_amount(b, r, batch) < 0;
    }
    fprintf(out, ",\"changed_rows\":%zu,\"changed_cells\":%zu,\"clawbacks\":%zu", rows, cells,
            clawbacks);
    size_t total = fp_table_role_column(a, FP_ROLE_TOTAL);
    fp_change_stats st;
    if (total != FP_NONE && fp_change_stats_compute(a, b, total, &st) == FP_OK && st.rows) {
        fprintf(out, ",\"total_change\":{\"rows\":%zu,\"mean_pct\":%.2f,\"sd_pct\":%.2f,"
                     "\"min_pct\":%.2f,\"min_unit\":",
                st.rows, st.mean_pct, st.sd_pct, st.min_pct);
        api_json_str(out, fp_table_row_name(a, st.min_row));
        fprintf(out, ",\"max_pct\":%.2f,\"max_unit\":", st.max_pct);
        api_json_str(out, fp_table_row_name(a, st.max_row));
        fputc('}', out);
    }
    fputs("},\"columns\":", out);
    api_write_columns(out, b);
    fputs(",\"table\":", out); /* the new table's rows, each with its changed columns */
    api_write_rows(out, b, a);
    fputs(",\"changes\":[", out);
    int first = 1;
    for (size_t r = 0; r < fp_table_row_count(a); r++)
        for (size_t c = 0; c < fp_table_column_count(a); c++) {
            if (!fp_table_column_is_amount(a, c))
                continue;
            fp_amount o = fp_table_amount(a, r, c), n = fp_table_amount(b, r, c);
            if (o == n)
                continue;
            fprintf(out, "%s\n{\"line\":%ld,\"unit\":", first ? "" : ",",
                    fp_table_row_line(a, r));
            first = 0;
            api_json_str(out, fp_table_row_name(a, r));
            fputs(",\"path\":[", out);
            size_t path[256];
            size_t np = fp_table_path(a, r, path, 256);
            for (size_t k = 0; k < np && k < 256; k++) {
                fputs(k ? "," : "", out);
                api_json_str(out, fp_table_row_name(a, path[k]));
            }
            fputs("],\"column\":", out);
            api_json_str(out, fp_table_column_name(a, c));
            fputs(",\"old\":", out);
            api_json_amount(out, o, 0);
            fputs(",\"new\":", out);
            api_json_amount(out, n, 0);
            fputs(",\"change\":", out);
            api_json_amount(out, n - o, 0);
            fputs(",\"percent\":", out);
            api_json_percent(out, o, n);
            fputc('}', out);
        }
    fputs("]}\n", out);
}

/* The usual reason a what-if cannot be met, said plainly: a new year total below what was
 * already sent (已提前下达) while nothing may be clawed back. 1 when REPLY was set. */
static int infeasible_hint(const fp_table *t, const fp_realloc_options *ro, const fp_diag *d,
                           int lang_en, serve_reply *reply)
{
    size_t total = fp_table_role_column(t, FP_ROLE_TOTAL);
    size_t advance = fp_table_role_column(t, FP_ROLE_ADVANCE);
    if (!ro->no_clawback)
        return 0;
    for (size_t i = 0; i < ro->target_count && total != FP_NONE && advance != FP_NONE; i++) {
        size_t row;
        if (fp_table_find_row(t, ro->targets[i].unit, &row) != 1 ||
            fp_table_find_column(t, ro->targets[i].column) != total)
            continue;
        fp_amount sent = fp_table_amount(t, row, advance);
        if (ro->targets[i].amount >= sent)
            continue;
        char a[FP_AMOUNT_BUFSIZE], b[FP_AMOUNT_BUFSIZE], zh[768], en[768];
        fp_amount_format(ro->targets[i].amount, 0, a);
        fp_amount_format(sent, 0, b);
        snprintf(zh, sizeof zh,
                 "无法重新分配：「%s」的新全年合计 %s 低于已提前下达的 %s，而“不收回已下达资金”"
                 "已勾选。请把金额设为不低于 %s，或取消勾选“不收回已下达资金”。",
                 fp_table_row_name(t, row), a, b, b);
        snprintf(en, sizeof en, "%s", d->message);
        api_error(reply, 422, zh, en, lang_en);
        return 1;
    }
    return 0;
}

int api_truthy(const serve_field *f)
{
    return f && (strcmp(f->data, "1") == 0 || strcmp(f->data, "on") == 0 ||
                 strcmp(f->data, "true") == 0 || strcmp(f->data, "yes") == 0);
}

void api_realloc(const serve_form *form, serve_format format, int lang_en, serve_reply *reply)
{
    fp_table *t = NULL, *result = NULL;
    fp_realloc_target targets[MAX_SETS];
    char *sets[MAX_SETS];
    const char *set_text[MAX_SETS];
    size_t nsets = 0;
    fp_realloc_floor floors[MAX_SETS];
    char *mins[MAX_SETS];
    const char *min_text[MAX_SETS], *fixed[MAX_SETS];
    size_t nfloors = 0, nfixed = 0;
    const serve_field *src;
    if (load_upload(form, &t, &src, lang_en, reply))
        return;
    fp_realloc_options ro;
    fp_realloc_options_init(&ro);
    const serve_field *x;
    for (size_t i = 0; (x = api_next_field(form, "set", &i)) != NULL;) {
        if (nsets == MAX_SETS) {
            api_error(reply, 400, "设定最多 256 项。", "at most 256 set fields.", lang_en);
            goto done;
        }
        set_text[nsets] = x->data;
        if (!(sets[nsets] = strdup(x->data))) {
            api_nomem(reply, lang_en);
            goto done;
        }
        nsets++;
        if (parse_set(sets[nsets - 1], &targets[nsets - 1])) {
            char zh[512], en[512];
            snprintf(zh, sizeof zh, "设定“%.300s”的写法不对：应为 单位:列=金额，如 巴州:全年应拨付资金合计=3000。", x->data);
            snprintf(en, sizeof en, "set \"%.300s\": expected UNIT:COLUMN=AMOUNT, such as 巴州:全年应拨付资金合计=3000.", x->data);
            api_error(reply, 400, zh, en, lang_en);
            goto done;
        }
    }
    if (!nsets) {
        api_error(reply, 400, "请至少设定一项新金额（单位、列和金额）。",
                  "nothing to do: give at least one set=UNIT:COLUMN=AMOUNT.", lang_en);
        goto done;
    }
    const serve_field *m = serve_form_get(form, "method");
    if (m && m->len && fp_method_parse(m->data, &ro.method) != FP_OK) {
        api_error(reply, 400, "分配方法未知：可选 controlled、hamilton、jefferson、webster、"
                              "huntington-hill、adams。",
                  "unknown method; expected controlled, hamilton, jefferson, webster, "
                  "huntington-hill or adams.",
                  lang_en);
        goto done;
    }
    const serve_field *u = serve_form_get(form, "unit");
    if (u && u->len &&
        (fp_amount_parse(u->data, u->len, &ro.unit, NULL) != FP_OK || ro.unit <= 0)) {
        api_error(reply, 400, "取整单位应为正数，如 1 或 0.01。",
                  "unit must be a positive amount such as 1 or 0.01.", lang_en);
        goto done;
    }
    const serve_field *rd = serve_form_get(form, "rounding");
    if (rd && rd->len && fp_rounding_parse(rd->data, &ro.rounding) != FP_OK) {
        api_error(reply, 400, "舍入方式只能是 nearest、down、up 或 half-even。",
                  "rounding must be nearest, down, up or half-even.", lang_en);
        goto done;
    }
    ro.no_clawback = api_truthy(serve_form_get(form, "no_clawback"));
    for (size_t i = 0; (x = api_next_field(form, "min", &i)) != NULL;) {
        if (nfloors == MAX_SETS) {
            api_error(reply, 400, "下限最多 256 项。", "at most 256 min fields.", lang_en);
            goto done;
        }
        min_text[nfloors] = x->data;
        if (!(mins[nfloors] = strdup(x->data))) {
            api_nomem(reply, lang_en);
            goto done;
        }
        nfloors++;
        if (parse_min(mins[nfloors - 1], &floors[nfloors - 1])) {
            char zh[512], en[512];
            snprintf(zh, sizeof zh, "下限“%.300s”的写法不对：应为 列=金额，如 医养结合和老年健康服务=2。", x->data);
            snprintf(en, sizeof en, "min \"%.300s\": expected COLUMN=AMOUNT, such as 医养结合和老年健康服务=2.", x->data);
            api_error(reply, 400, zh, en, lang_en);
            goto done;
        }
    }
    for (size_t i = 0; (x = api_next_field(form, "fix", &i)) != NULL;) {
        if (nfixed == MAX_SETS) {
            api_error(reply, 400, "固定的单位最多 256 个。", "at most 256 fix fields.", lang_en);
            goto done;
        }
        fixed[nfixed++] = x->data;
    }
    const serve_field *fr = serve_form_get(form, "fit_rounds");
    if (fr && fr->len && parse_rounds(fr->data, &ro.fit_rounds)) {
        char zh[512], en[512];
        snprintf(zh, sizeof zh, "拟合轮数“%.300s”不对：应为 1 到 10000000 的整数，如 5000。",
                 fr->data);
        snprintf(en, sizeof en,
                 "fit_rounds \"%.300s\": expected a whole number from 1 to 10000000, such as 5000.",
                 fr->data);
        api_error(reply, 400, zh, en, lang_en);
        goto done;
    }
    ro.floors = floors;
    ro.floor_count = nfloors;
    ro.fixed = fixed;
    ro.fixed_count = nfixed;
    ro.targets = targets;
    ro.target_count = nsets;
    fp_diag d;
    fp_diag_clear(&d);
    if (fp_realloc(t, &ro, &result, &d) != FP_OK) {
        if (d.code == FP_ERR_INFEASIBLE && infeasible_hint(t, &ro, &d, lang_en, reply))
            goto done;
        api_diag_error(reply, d.code == FP_ERR_NOMEM ? 500 : 422, "无法重新分配", &d, lang_en);
        goto done;
    }
    if (format == SERVE_XLSX) {
        char digest[65], unit[FP_AMOUNT_BUFSIZE + 64];
        struct sha256_ctx c;
        uint8_t md[SHA256_DIGEST_SIZE];
        sha256_init(&c);
        sha256_update(&c, src->len, (const uint8_t *)src->data);
        sha256_digest(&c, sizeof md, md);
        for (size_t i = 0; i < sizeof md; i++)
            snprintf(digest + 2 * i, 3, "%02x", md[i]);
        fp_amount_format(ro.unit, 0, unit);
        if (fp_table_unit(t))
            snprintf(unit + strlen(unit), 64, " %s", fp_table_unit(t));
        fp_xlsx_param params[8 + 3 * MAX_SETS];
        size_t np = 0;
        params[np++] = (fp_xlsx_param){"输入文件", fp_table_source(t)};
        params[np++] = (fp_xlsx_param){"输入文件 SHA-256", digest};
        params[np++] = (fp_xlsx_param){"方法", fp_method_name(ro.method)};
        params[np++] = (fp_xlsx_param){"单位", unit};
        params[np++] = (fp_xlsx_param){"舍入", fp_rounding_name(ro.rounding)};
        params[np++] = (fp_xlsx_param){"不收回已下达资金", ro.no_clawback ? "是" : "否"};
        for (size_t i = 0; i < nsets; i++)
            params[np++] = (fp_xlsx_param){"设定", set_text[i]};
        for (size_t i = 0; i < nfloors; i++)
            params[np++] = (fp_xlsx_param){"下限", min_text[i]};
        for (size_t i = 0; i < nfixed; i++)
            params[np++] = (fp_xlsx_param){"固定", fixed[i]};
        params[np++] = (fp_xlsx_param){"程序", "fenpei serve " FP_VERSION_STRING};
        char *data;
        size_t len;
        if (fp_xlsx_whatif_buffer(t, result, NULL, params, np, &data, &len, &d) != FP_OK) {
            api_diag_error(reply, 400, "无法生成测算工作簿", &d, lang_en);
            goto done;
        }
        api_reply_xlsx(reply, data, len, "whatif.xlsx");
        goto done;
    }
    char *text = NULL;
    size_t len = 0;
    FILE *f = api_reply_stream(&text, &len, reply, lang_en);
    if (!f)
        goto done;
    if (format == SERVE_CSV) {
        fp_table_write_csv(result, f, -1, &d);
        api_finish_stream(f, &text, &len, reply, "text/csv; charset=utf-8", "realloc.csv",
                          lang_en);
    } else {
        write_realloc_json(f, t, result, &ro);
        api_finish_stream(f, &text, &len, reply, "application/json; charset=utf-8", NULL,
                          lang_en);
    }
done:
    for (size_t i = 0; i < nsets; i++)
        free(sets[i]);
    for (size_t i = 0; i < nfloors; i++)
        free(mins[i]);
    fp_table_free(result);
    fp_table_free(t);
}

void api_notice(const serve_form *form, int lang_en, serve_reply *reply)
{
    fp_table *t = NULL;
    fp_report *report = NULL;
    const serve_field *src;
    if (load_upload(form, &t, &src, lang_en, reply))
        return;
    fp_check_options co;
    fp_check_options_init(&co);
    co.rules = FP_CHECK_COLUMN_SUM | FP_CHECK_CATEGORY_SPLIT | FP_CHECK_ADVANCE_BATCH;
    fp_diag d;
    fp_diag_clear(&d);
    if (fp_check(t, &co, &report, &d) != FP_OK) {
        api_diag_error(reply, 400, "无法检查表格", &d, lang_en);
        goto done;
    }
    if (fp_report_errors(report)) {
        char zh[256], en[256];
        snprintf(zh, sizeof zh, "表格有 %zu 处不平衡，不能生成下达文件；请先检查并改正。",
                 fp_report_errors(report));
        snprintf(en, sizeof en, "the table does not add up (%zu errors); check it first.",
                 fp_report_errors(report));
        api_error(reply, 422, zh, en, lang_en);
        goto done;
    }
    fp_notice_options no;
    fp_notice_options_init(&no);
    const serve_field *title = serve_form_get(form, "title");
    if (title && title->len)
        no.title = title->data;
    else if (fp_table_title(t))
        no.title = fp_table_title(t);
    char *data;
    size_t len;
    if (fp_xlsx_notice_buffer(t, &no, &data, &len, &d) != FP_OK) {
        api_diag_error(reply, 400, "无法生成下达文件", &d, lang_en);
        goto done;
    }
    api_reply_xlsx(reply, data, len, "notice.xlsx");
done:
    fp_report_free(report);
    fp_table_free(t);
}
