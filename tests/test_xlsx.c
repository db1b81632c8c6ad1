/* tests/test_xlsx.c — the workbooks: written, refused, byte-identical; fenpei notice end to end.
 * What is inside the workbooks is read back by an independent reader in tests/xlsx_check.py. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "helpers.h"

/* FENPEI_TEST_TMP/xlsx-SUB/NAME, made fresh: the caller frees it. */
static char *tmp_path(const char *sub, const char *name)
{
    char folder[256];
    snprintf(folder, sizeof folder, "xlsx-%s", sub);
    char *dir = th_tmp_dir(folder);
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = malloc(n);
    cr_assert_not_null(p);
    snprintf(p, n, "%s/%s", dir, name);
    free(dir);
    unlink(p);
    return p;
}

static int exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

/* The file is an XLSX (a zip) of a plausible size; returns its bytes (caller frees). */
static char *read_workbook(const char *path, size_t *len)
{
    char *data = th_read_file(path, len);
    cr_assert_not_null(data, "%s was not written", path);
    cr_assert_gt(*len, 4000, "%s has only %zu bytes", path, *len);
    cr_assert_eq(memcmp(data, "PK\3\4", 4), 0, "%s is not a zip file", path);
    return data;
}

static void same_bytes(const char *a, const char *b)
{
    size_t na, nb;
    char *x = read_workbook(a, &na), *y = read_workbook(b, &nb);
    cr_assert_eq(na, nb, "%s has %zu bytes, %s %zu", a, na, b, nb);
    cr_assert_eq(memcmp(x, y, na), 0, "%s and %s differ", a, b);
    free(x);
    free(y);
}

/* Files in FOLDER whose name contains ".tmp" (left-over temporary files). */
static int leftovers(const char *folder)
{
    DIR *d = opendir(folder);
    cr_assert_not_null(d);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        n += strstr(e->d_name, ".tmp") != NULL;
    closedir(d);
    return n;
}

/* The bundled table with 天山区 原基本公共卫生项目 316 → 326: two errors. */
static fp_table *faulty_table(void)
{
    size_t len;
    char *text = th_read_file(TH_BUNDLED, &len);
    cr_assert_not_null(text);
    char *bad = th_replace_once(text, "\n3,天山区,316,", "\n3,天山区,326,");
    fp_table *t = th_load_text(bad);
    free(bad);
    free(text);
    return t;
}

static fp_table *realloc_bundled(const fp_table *t)
{
    fp_realloc_options o;
    fp_realloc_options_init(&o);
    fp_realloc_target tg = {"总计", "原基本公共卫生项目", 27000 * FP_AMOUNT_SCALE};
    o.targets = &tg;
    o.target_count = 1;
    o.no_clawback = 1;
    fp_table *out = NULL;
    fp_diag d;
    fp_error e = fp_realloc(t, &o, &out, &d);
    cr_assert_eq(e, FP_OK, "realloc failed: %s", d.message);
    return out;
}

/* ---- the library ---- */

Test(notice, writes_the_bundled_table_the_same_bytes_every_time)
{
    fp_table *t = th_load_bundled();
    char *a = tmp_path("notice", "a.xlsx"), *b = tmp_path("notice", "b.xlsx");
    fp_notice_options o;
    fp_notice_options_init(&o);
    o.title = "2024年自治区基本公共卫生服务补助资金（第二批）分配表";
    fp_diag d;
    cr_assert_eq(fp_xlsx_write_notice(t, &o, a, &d), FP_OK, "%s", d.message);
    sleep(1); /* a clock in the file would now differ */
    cr_assert_eq(fp_xlsx_write_notice(t, &o, b, &d), FP_OK, "%s", d.message);
    same_bytes(a, b);
    free(a);
    free(b);
    fp_table_free(t);
}

Test(notice, options_may_be_null)
{
    fp_table *t = th_load_bundled();
    char *a = tmp_path("notice-null", "a.xlsx");
    cr_assert_eq(fp_xlsx_write_notice(t, NULL, a, NULL), FP_OK);
    size_t n;
    free(read_workbook(a, &n));
    free(a);
    fp_table_free(t);
}

Test(notice, refuses_a_table_that_does_not_add_up)
{
    fp_table *t = faulty_table();
    char *a = tmp_path("notice-faulty", "a.xlsx");
    fp_diag d;
    fp_error e = fp_xlsx_write_notice(t, NULL, a, &d);
    cr_assert_eq(e, FP_ERR_ARGUMENT, "expected FP_ERR_ARGUMENT, got %s", fp_strerror(e));
    cr_assert_eq(d.code, FP_ERR_ARGUMENT);
    cr_assert_eq(d.line, 9, "the first failing row is 乌鲁木齐市 on line 9, got %ld", d.line);
    cr_assert_str_eq(d.column, "原基本公共卫生项目");
    cr_assert(strstr(d.message, "does not add up"), "%s", d.message);
    cr_assert_not(exists(a), "nothing is written");
    free(a);
    fp_table_free(t);
}

Test(notice, takes_amounts_of_fifteen_digits_and_refuses_sixteen)
{
    fp_table *ok = th_load_text("单位,甲,全年应拨付资金合计\n总计,123456789.123456,123456789.123456\n");
    fp_table *bad =
        th_load_text("单位,甲,全年应拨付资金合计\n总计,1234567890.123456,1234567890.123456\n");
    char *a = tmp_path("digits", "ok.xlsx"), *b = tmp_path("digits", "bad.xlsx");
    fp_diag d;
    cr_assert_eq(fp_xlsx_write_notice(ok, NULL, a, &d), FP_OK, "%s", d.message);
    fp_error e = fp_xlsx_write_notice(bad, NULL, b, &d);
    cr_assert_eq(e, FP_ERR_AMOUNT_PRECISION, "got %s", fp_strerror(e));
    cr_assert_str_eq(d.text, "1234567890.123456");
    cr_assert_str_eq(d.cell, "分配表!B4");
    cr_assert_not(exists(b));
    /* the audit shows such an amount as its exact text instead */
    fp_report *r = NULL;
    cr_assert_eq(fp_check(bad, NULL, &r, &d), FP_OK);
    cr_assert_eq(fp_xlsx_write_audit(bad, r, NULL, b, &d), FP_OK, "%s", d.message);
    cr_assert(exists(b));
    fp_report_free(r);
    free(a);
    free(b);
    fp_table_free(ok);
    fp_table_free(bad);
}

Test(notice, large_whole_amounts_always_fit)
{
    /* 9,000,000,000,000 万元: 13 digits, every whole fp_amount is exact in a double */
    fp_table *t = th_load_text("单位,甲\n总计,9000000000000\n");
    char *a = tmp_path("whole", "a.xlsx");
    fp_diag d;
    cr_assert_eq(fp_xlsx_write_notice(t, NULL, a, &d), FP_OK, "%s", d.message);
    free(a);
    fp_table_free(t);
}

Test(notice, rejects_a_sheet_name_excel_cannot_hold)
{
    fp_table *t = th_load_bundled();
    char *a = tmp_path("sheet", "a.xlsx");
    fp_notice_options o;
    fp_notice_options_init(&o);
    const char *names[] = {"a[1]", "x/y", "", "一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一二"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        o.sheet = names[i];
        fp_diag d;
        fp_error e = fp_xlsx_write_notice(t, &o, a, &d);
        cr_assert_eq(e, FP_ERR_ARGUMENT, "sheet \"%s\": got %s", names[i], fp_strerror(e));
        cr_assert_not(exists(a));
    }
    o.sheet = "附件1";
    cr_assert_eq(fp_xlsx_write_notice(t, &o, a, NULL), FP_OK);
    free(a);
    fp_table_free(t);
}

Test(notice, reports_a_file_it_cannot_create)
{
    fp_table *t = th_load_bundled();
    fp_diag d;
    fp_error e = fp_xlsx_write_notice(t, NULL, "/nonexistent-folder/分配表.xlsx", &d);
    cr_assert_eq(e, FP_ERR_IO, "got %s", fp_strerror(e));
    cr_assert(strstr(d.message, "/nonexistent-folder/分配表.xlsx"), "%s", d.message);
    fp_table_free(t);
}

Test(notice, a_tree_deeper_than_excel_outlines)
{
    /* 300 levels: outline levels stop at 7, indents at 15, and nothing recurses */
    size_t cap = 300 * 40 + 64, n = 0;
    char *text = malloc(cap);
    cr_assert_not_null(text);
    n += (size_t)snprintf(text + n, cap - n, "级次,单位,甲\n");
    for (int i = 0; i < 300; i++)
        n += (size_t)snprintf(text + n, cap - n, "%d,层%d,7\n", i, i);
    fp_table *t = th_load_text(text);
    char *a = tmp_path("deep", "a.xlsx");
    fp_diag d;
    cr_assert_eq(fp_xlsx_write_notice(t, NULL, a, &d), FP_OK, "%s", d.message);
    free(a);
    free(text);
    fp_table_free(t);
}

Test(notice, thousands_of_scattered_rows_keep_their_values)
{
    /* 3,000 children that have children: the SUM would pass Excel's 8,192 characters, so the
     * parent holds its value; every other cell keeps its formula */
    size_t cap = 3000 * 60 + 128, n = 0;
    char *text = malloc(cap);
    cr_assert_not_null(text);
    n += (size_t)snprintf(text + n, cap - n, "级次,单位,甲\n0,总计,6000\n");
    for (int i = 0; i < 3000; i++)
        n += (size_t)snprintf(text + n, cap - n, "1,地%d,2\n2,县%d,2\n", i, i);
    fp_table *t = th_load_text(text);
    char *a = tmp_path("scattered", "a.xlsx");
    fp_diag d;
    cr_assert_eq(fp_xlsx_write_notice(t, NULL, a, &d), FP_OK, "%s", d.message);
    free(a);
    free(text);
    fp_table_free(t);
}

Test(audit, writes_a_faulty_table_the_same_bytes_every_time)
{
    fp_table *t = faulty_table();
    fp_report *r = NULL;
    fp_diag d;
    cr_assert_eq(fp_check(t, NULL, &r, &d), FP_OK);
    cr_assert_eq(fp_report_errors(r), 2);
    char *a = tmp_path("audit", "a.xlsx"), *b = tmp_path("audit", "b.xlsx");
    cr_assert_eq(fp_xlsx_write_audit(t, r, NULL, a, &d), FP_OK, "%s", d.message);
    cr_assert_eq(fp_xlsx_write_audit(t, r, NULL, b, &d), FP_OK, "%s", d.message);
    same_bytes(a, b);
    free(a);
    free(b);
    fp_report_free(r);
    fp_table_free(t);
}

Test(audit, a_clean_table_and_a_custom_rule)
{
    fp_table *t = th_load_text("单位,总额,财政拨款,其他资金\n甲,10,7,3\n乙,5,4,2\n丙,-1,-1,0\n丁,,,\n");
    fp_rule *rule = NULL;
    fp_diag d;
    cr_assert_eq(fp_rule_parse(t, "总额 = 财政拨款 + 其他资金", &rule, &d), FP_OK, "%s",
                 d.message);
    fp_check_options co;
    fp_check_options_init(&co);
    const fp_rule *rules[] = {rule};
    co.custom = rules;
    co.custom_count = 1;
    fp_report *r = NULL;
    cr_assert_eq(fp_check(t, &co, &r, &d), FP_OK);
    cr_assert_geq(fp_report_count(r), 3, "custom error, negative and empty-row warnings");
    char *a = tmp_path("audit-custom", "a.xlsx");
    cr_assert_eq(fp_xlsx_write_audit(t, r, &co, a, &d), FP_OK, "%s", d.message);
    fp_report_free(r);
    fp_rule_free(rule);
    fp_table_free(t);
    free(a);
}

Test(whatif, writes_three_sheets_the_same_bytes_every_time)
{
    fp_table *t = th_load_bundled();
    fp_table *n = realloc_bundled(t);
    fp_xlsx_param p[] = {{"方法", "controlled"}, {"单位", "1"}, {"舍入", "nearest"}};
    char *a = tmp_path("whatif", "a.xlsx"), *b = tmp_path("whatif", "b.xlsx");
    fp_diag d;
    cr_assert_eq(fp_xlsx_write_whatif(t, n, NULL, p, 3, a, &d), FP_OK, "%s", d.message);
    cr_assert_eq(fp_xlsx_write_whatif(t, n, NULL, p, 3, b, &d), FP_OK, "%s", d.message);
    same_bytes(a, b);
    /* no parameters, no change: still a workbook */
    cr_assert_eq(fp_xlsx_write_whatif(t, t, NULL, NULL, 0, b, &d), FP_OK, "%s", d.message);
    free(a);
    free(b);
    fp_table_free(n);
    fp_table_free(t);
}

Test(whatif, refuses_tables_of_different_shapes)
{
    fp_table *t = th_load_bundled();
    fp_table *small = th_load_text("单位,甲\n总计,1\n");
    char *a = tmp_path("whatif-shape", "a.xlsx");
    fp_diag d;
    cr_assert_eq(fp_xlsx_write_whatif(t, small, NULL, NULL, 0, a, &d), FP_ERR_ARGUMENT);
    cr_assert_not(exists(a));
    free(a);
    fp_table_free(small);
    fp_table_free(t);
}

/* ---- fenpei notice ---- */

#define RUN(...) th_run_argv((const char *const[]){FENPEI_BIN, __VA_ARGS__, NULL})

/* ---- into memory (fenpei serve) ---- */

/* The buffer holds exactly the bytes of the file written to PATH. */
static void buffer_is_file(char *data, size_t len, const char *path)
{
    size_t n;
    char *file = read_workbook(path, &n);
    cr_assert_not_null(data);
    cr_assert_eq(len, n, "the buffer has %zu bytes, %s %zu", len, path, n);
    cr_assert_eq(memcmp(data, file, n), 0, "the buffer and %s differ", path);
    free(file);
    free(data);
}

Test(buffer, each_workbook_in_memory_is_the_file_byte_for_byte)
{
    fp_table *t = faulty_table(), *ok = th_load_bundled(), *n = realloc_bundled(ok);
    fp_report *r = NULL;
    fp_diag d;
    char *data = NULL, *a = tmp_path("buffer", "a.xlsx");
    size_t len = 0;
    cr_assert_eq(fp_check(t, NULL, &r, &d), FP_OK);
    cr_assert_eq(fp_xlsx_audit_buffer(t, r, NULL, &data, &len, &d), FP_OK, "%s", d.message);
    cr_assert_eq(fp_xlsx_write_audit(t, r, NULL, a, &d), FP_OK, "%s", d.message);
    buffer_is_file(data, len, a);
    cr_assert_eq(fp_xlsx_notice_buffer(ok, NULL, &data, &len, &d), FP_OK, "%s", d.message);
    cr_assert_eq(fp_xlsx_write_notice(ok, NULL, a, &d), FP_OK, "%s", d.message);
    buffer_is_file(data, len, a);
    fp_xlsx_param p[] = {{"方法", "controlled"}};
    cr_assert_eq(fp_xlsx_whatif_buffer(ok, n, NULL, p, 1, &data, &len, &d), FP_OK, "%s",
                 d.message);
    cr_assert_eq(fp_xlsx_write_whatif(ok, n, NULL, p, 1, a, &d), FP_OK, "%s", d.message);
    buffer_is_file(data, len, a);
    fp_report_free(r);
    fp_table_free(n);
    fp_table_free(ok);
    fp_table_free(t);
    free(a);
}

Test(buffer, a_refused_table_leaves_no_buffer)
{
    fp_table *t = faulty_table();
    fp_diag d;
    char *data = (char *)"untouched";
    size_t len = 7;
    cr_assert_eq(fp_xlsx_notice_buffer(t, NULL, &data, &len, &d), FP_ERR_ARGUMENT);
    cr_assert_null(data);
    cr_assert_eq(len, 0);
    cr_assert_eq(d.code, FP_ERR_ARGUMENT);
    fp_table_free(t);
}

Test(cli_notice, writes_refuses_to_replace_and_replaces_with_force)
{
    char *out = tmp_path("cli", "分配表.xlsx");
    th_run r = RUN("notice", TH_BUNDLED, "-o", out, "--title", "2024年分配表", "--unit", "万元");
    cr_assert_eq(r.status, 0, "stderr: %s", r.err);
    cr_assert(strstr(r.out, "已写入"), "stdout: %s", r.out);
    th_run_free(&r);
    size_t n1, n2;
    char *first = read_workbook(out, &n1);

    /* an existing file is kept */
    FILE *f = fopen(out, "wb");
    fputs("keep me", f);
    fclose(f);
    r = RUN("notice", TH_BUNDLED, "-o", out);
    cr_assert_eq(r.status, 2);
    cr_assert(strstr(r.err, "exists"), "stderr: %s", r.err);
    th_run_free(&r);
    char *kept = th_read_file(out, NULL);
    cr_assert_str_eq(kept, "keep me");
    free(kept);

    r = RUN("notice", TH_BUNDLED, "-o", out, "--force", "--title", "2024年分配表", "--unit",
            "万元");
    cr_assert_eq(r.status, 0, "stderr: %s", r.err);
    th_run_free(&r);
    char *second = read_workbook(out, &n2);
    cr_assert_eq(n1, n2);
    cr_assert_eq(memcmp(first, second, n1), 0, "the same command gives the same bytes");
    free(first);
    free(second);

    char *dir = th_tmp_dir("xlsx-cli");
    cr_assert_eq(leftovers(dir), 0, "a temporary file was left behind");
    free(dir);
    free(out);
}

Test(cli_notice, a_table_that_does_not_add_up_exits_1_and_writes_nothing)
{
    char *in = tmp_path("cli-faulty", "faulty.csv"), *out = tmp_path("cli-faulty", "n.xlsx");
    size_t len;
    char *text = th_read_file(TH_BUNDLED, &len);
    char *bad = th_replace_once(text, "\n3,天山区,316,", "\n3,天山区,326,");
    FILE *f = fopen(in, "wb");
    fputs(bad, f);
    fclose(f);
    th_run r = RUN("notice", in, "-o", out);
    cr_assert_eq(r.status, 1, "stderr: %s", r.err);
    cr_assert(strstr(r.err, "does not add up"), "stderr: %s", r.err);
    cr_assert(strstr(r.err, "fenpei check"), "stderr: %s", r.err);
    cr_assert_not(exists(out));
    th_run_free(&r);
    free(bad);
    free(text);
    free(in);
    free(out);
}

Test(cli_notice, bad_command_lines_exit_2)
{
    char *out = tmp_path("cli-bad", "n.xlsx");
    const char *const *cases[] = {
        (const char *const[]){FENPEI_BIN, "notice", NULL},
        (const char *const[]){FENPEI_BIN, "notice", TH_BUNDLED, NULL},
        (const char *const[]){FENPEI_BIN, "notice", TH_BUNDLED, TH_BUNDLED, "-o", out, NULL},
        (const char *const[]){FENPEI_BIN, "notice", TH_BUNDLED, "-o", out, "--bogus", NULL},
        (const char *const[]){FENPEI_BIN, "notice", TH_BUNDLED, "-o", out, "--sheet", "a[1]",
                              NULL},
        (const char *const[]){FENPEI_BIN, "notice", "/nonexistent.csv", "-o", out, NULL},
        (const char *const[]){FENPEI_BIN, "notice", TH_BUNDLED, "-o", TH_BUNDLED, "--force",
                              NULL},
        (const char *const[]){FENPEI_BIN, "notice", TH_BUNDLED, "-o",
                              "/nonexistent-folder/n.xlsx", NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        th_run r = th_run_argv(cases[i]);
        cr_assert_eq(r.status, 2, "case %zu: exit %d, stderr: %s", i, r.status, r.err);
        cr_assert_gt(r.errlen, 0, "case %zu: no message", i);
        th_run_free(&r);
        cr_assert_not(exists(out), "case %zu wrote %s", i, out);
    }
    char *dir = th_tmp_dir("xlsx-cli-bad");
    cr_assert_eq(leftovers(dir), 0, "a temporary file was left behind");
    free(dir);
    /* the input was not touched by -o INPUT */
    fp_table *t = th_load_bundled();
    cr_assert_eq(fp_table_row_count(t), 119);
    fp_table_free(t);
    free(out);
}

Test(cli_notice, help_exits_0)
{
    th_run r = RUN("notice", "--help", "--lang", "en");
    cr_assert_eq(r.status, 0);
    cr_assert(strstr(r.out, "usage: fenpei notice"), "%s", r.out);
    th_run_free(&r);
}
