/* tests/test_load_hostile.c — inputs that used to lose data or mislead (issue 15): NUL bytes,
 * byte-order marks, tables without amounts, numbers that are not money, the line an encoding
 * error blames, levels out of range, many columns. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"

#define U(x) ((fp_amount)(x) * FP_AMOUNT_SCALE)

/* Load LEN bytes; expect error CODE at LINE; returns the diagnostic. */
static fp_diag fails(const void *data, size_t len, fp_error code, long line)
{
    fp_table *t = (fp_table *)1;
    fp_diag d;
    fp_error e = fp_table_load_memory(data, len, "bad.csv", NULL, &t, &d);
    cr_assert_eq(e, code, "expected %s, got %s (%s)", fp_strerror(code), fp_strerror(e),
                 d.message);
    cr_assert_null(t);
    cr_assert_eq(d.line, line, "line: expected %ld, got %ld (%s)", line, d.line, d.message);
    return d;
}

static fp_table *loads(const void *data, size_t len)
{
    fp_table *t = NULL;
    fp_diag d;
    fp_error e = fp_table_load_memory(data, len, "ok.csv", NULL, &t, &d);
    cr_assert_eq(e, FP_OK, "%s: line %ld: %s", fp_strerror(e), d.line, d.message);
    return t;
}

/* ---- NUL bytes ---- */

Test(nul, inside_an_amount_is_a_located_error_not_3)
{
    static const char csv[] = "级次,单位,金额\n0,总计,30\n1,甲,3\0000\n";
    fp_diag d = fails(csv, sizeof csv - 1, FP_ERR_ENCODING, 3);
    cr_assert_str_eq(d.column, "金额");
    cr_assert_str_eq(d.text, "3\\00", "the NUL shown visibly: %s", d.text);
    cr_assert(strstr(d.message, "NUL"), "%s", d.message);
}

Test(nul, inside_a_name_in_the_notice_layout)
{
    static const char csv[] = "单位\t金额\n合计\t5\n甲\0县\t2\n乙县\t3\n";
    fp_diag d = fails(csv, sizeof csv - 1, FP_ERR_ENCODING, 3);
    cr_assert_str_eq(d.text, "甲\\0县");
}

Test(nul, in_the_header)
{
    static const char csv[] = "级次,单\0位,金额\n0,总计,1\n";
    fp_diag d = fails(csv, sizeof csv - 1, FP_ERR_ENCODING, 1);
    cr_assert_str_eq(d.text, "单\\0位");
}

Test(nul, in_utf16_text)
{
    /* "级次,单位,金额\n0,A,1\0\n" as UTF-16LE: the NUL is a real U+0000 after decoding */
    static const char u16[] = "\xFF\xFE"
                              "\xA7\x7E\x21\x6B,\0\x55\x53\x4D\x4F,\0\xD1\x91\x9D\x98\n\0"
                              "0\0,\0A\0,\0" "1\0\0\0\n\0";
    fails(u16, sizeof u16 - 1, FP_ERR_ENCODING, 2);
}

/* ---- byte-order marks ---- */

Test(bom, two_at_the_start_are_both_dropped)
{
    static const char csv[] = "\xEF\xBB\xBF\xEF\xBB\xBF级次,单位,金额\n0,总计,3\n1,甲,3\n";
    fp_table *t = loads(csv, sizeof csv - 1);
    cr_assert_str_eq(fp_table_column_name(t, 0), "级次");
    cr_assert_eq(fp_table_column_role(t, 0), FP_ROLE_LEVEL);
    cr_assert_eq(fp_table_column_is_amount(t, 0), 0);
    fp_table_free(t);
}

Test(bom, in_mid_file_is_located_and_shown)
{
    static const char csv[] = "级次,单位,金额\n0,总计,3\n\xEF\xBB\xBF" "1,甲,3\n";
    fp_diag d = fails(csv, sizeof csv - 1, FP_ERR_ENCODING, 3);
    cr_assert_str_eq(d.text, "<U+FEFF>1");
    cr_assert(strstr(d.message, "U+FEFF"), "%s", d.message);
}

Test(bom, inside_a_name)
{
    static const char csv[] = "单位,金额\n合计,3\n甲\xEF\xBB\xBF县,3\n";
    fp_diag d = fails(csv, sizeof csv - 1, FP_ERR_ENCODING, 3);
    cr_assert_str_eq(d.text, "甲<U+FEFF>县");
}

/* ---- no amounts ---- */

Test(no_amount, names_and_remarks_only_is_a_clear_error)
{
    static const char csv[] = "单位,备注\n甲,x\n乙,y\n";
    fp_diag d = fails(csv, sizeof csv - 1, FP_ERR_COLUMN, 0);
    cr_assert(strstr(d.message, "no column of amounts"), "%s", d.message);
}

Test(no_amount, levels_names_and_ordinals_only)
{
    static const char csv[] = "序号,级次,单位\n1,0,总计\n2,1,甲\n";
    fails(csv, sizeof csv - 1, FP_ERR_COLUMN, 0);
}

/* ---- numbers that are not money ---- */

Test(not_money, ordinal_column_is_neither_amount_nor_name)
{
    static const char csv[] = "序号,级次,单位,金额\n1,0,总计,5\n2,1,甲,2\n3,1,乙,3\n";
    fp_table *t = loads(csv, sizeof csv - 1);
    cr_assert_eq(fp_table_column_is_amount(t, 0), 0);
    cr_assert_eq(fp_table_column_role(t, 0), FP_ROLE_TEXT);
    cr_assert_eq(fp_table_role_column(t, FP_ROLE_NAME), 2);
    fp_report *r = NULL;
    fp_diag d;
    cr_assert_eq(fp_check(t, NULL, &r, &d), FP_OK);
    cr_assert_eq(fp_report_errors(r), 0, "序号 was summed like an amount");
    fp_report_free(r);
    fp_table_free(t);
}

Test(not_money, ordinal_first_in_the_notice_layout_is_not_the_name)
{
    static const char txt[] = "序号\t单位\t金额\n1\t合计\t5\n2\t甲县\t2\n3\t乙县\t3\n";
    fp_table *t = loads(txt, sizeof txt - 1);
    cr_assert_eq(fp_table_role_column(t, FP_ROLE_NAME), 1);
    cr_assert_str_eq(fp_table_row_name(t, 0), "合计");
    cr_assert_eq(fp_table_column_is_amount(t, 0), 0);
    fp_table_free(t);
}

Test(not_money, year_and_code_columns)
{
    static const char csv[] = "级次,单位,年度,科目编码,金额\n0,总计,2024,2100408,5\n"
                              "1,甲,2024,2100408,2\n1,乙,2024,2100408,3\n";
    fp_table *t = loads(csv, sizeof csv - 1);
    cr_assert_eq(fp_table_column_is_amount(t, 2), 0);
    cr_assert_eq(fp_table_column_is_amount(t, 3), 0);
    cr_assert_eq(fp_table_column_is_amount(t, 4), 1);
    fp_table_free(t);
}

/* ---- where an encoding error is ---- */

Test(utf8, one_bad_byte_on_line_3_blames_line_3)
{
    static const char csv[] = "级次,单位,金额\n0,总计,3\n1,天山\xE5区,3\n";
    fp_diag d = fails(csv, sizeof csv - 1, FP_ERR_ENCODING, 3);
    cr_assert(strstr(d.message, "0xE5"), "%s", d.message);
}

Test(utf8, a_gb18030_file_is_still_detected)
{
    /* "单位,金额\n合计,3\n" in GB18030 */
    static const char gb[] = "\xB5\xA5\xCE\xBB,\xBD\xF0\xB6\xEE\n\xBA\xCF\xBC\xC6,3\n";
    fp_table *t = loads(gb, sizeof gb - 1);
    cr_assert_str_eq(fp_table_column_name(t, 0), "单位");
    fp_table_free(t);
}

/* ---- levels ---- */

Test(level, int_max_is_out_of_range)
{
    static const char csv[] = "级次,单位,金额\n2147483647,总计,3\n";
    fp_diag d = fails(csv, sizeof csv - 1, FP_ERR_TREE_DEPTH, 2);
    cr_assert(strstr(d.message, "out of range"), "%s", d.message);
    cr_assert_str_eq(d.text, "2147483647");
}

Test(level, beyond_int64_and_negative_are_out_of_range)
{
    static const char big[] = "级次,单位,金额\n99999999999999999999999,总计,3\n";
    cr_assert(strstr(fails(big, sizeof big - 1, FP_ERR_TREE_DEPTH, 2).message, "out of range"));
    static const char neg[] = "级次,单位,金额\n-1,总计,3\n";
    cr_assert(strstr(fails(neg, sizeof neg - 1, FP_ERR_TREE_DEPTH, 2).message, "out of range"));
    static const char frac[] = "级次,单位,金额\n1.5,总计,3\n";
    cr_assert(strstr(fails(frac, sizeof frac - 1, FP_ERR_TREE_DEPTH, 2).message,
                     "whole number such as"));
}

/* ---- many columns ---- */

/* A header of N columns 级次,单位,c2,…; DUP: the column that repeats column 2's name, or 0. */
static char *wide(size_t n, size_t dup)
{
    size_t cap = n * 12 + 64;
    char *s = malloc(cap), *p = s;
    p += sprintf(p, "级次,单位");
    for (size_t i = 2; i < n; i++)
        p += sprintf(p, ",c%zu", i == dup ? (size_t)2 : i);
    p += sprintf(p, "\n0,总计");
    for (size_t i = 2; i < n; i++)
        p += sprintf(p, ",1");
    p += sprintf(p, "\n");
    return s;
}

Test(columns, a_duplicate_among_100000_columns_is_found_and_named)
{
    char *s = wide(100000, 99998);
    fp_diag d = fails(s, strlen(s), FP_ERR_COLUMN, 1);
    cr_assert_str_eq(d.column, "c2");
    cr_assert(strstr(d.message, "columns 3 and 99999"), "%s", d.message);
    free(s);
}

Test(columns, the_first_repeat_is_the_one_reported)
{
    static const char csv[] = "级次,单位,b,a,a,b\n0,总计,1,1,1,1\n";
    fp_diag d = fails(csv, sizeof csv - 1, FP_ERR_COLUMN, 1);
    cr_assert_str_eq(d.column, "a");
    cr_assert(strstr(d.message, "columns 4 and 5"), "%s", d.message);
}

Test(columns, 100000_distinct_columns_load)
{
    char *s = wide(100000, 0);
    fp_table *t = loads(s, strlen(s));
    cr_assert_eq(fp_table_column_count(t), 100000);
    fp_table_free(t);
    free(s);
}
