/* tests/test_util.c — the one-of-each helpers: the string builder, the row path, … */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/path.h"
#include "helpers.h"
#include "report/json.h"
#include "util/buf.h"

Test(strbuf, appends_grow_and_never_truncate)
{
    strbuf b = {0};
    cr_assert_str_eq(strbuf_get(&b), "");
    strbuf_str(&b, "总计");
    strbuf_add(&b, " / xyz", 3);
    strbuf_printf(&b, "%d-%s", 42, "a");
    cr_assert_str_eq(strbuf_get(&b), "总计 / 42-a");
    cr_assert_eq(b.len, strlen("总计 / 42-a"));
    /* a printf piece far longer than any fixed scratch buffer arrives whole */
    char big[3000];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    strbuf_reset(&b);
    strbuf_printf(&b, "<%s>", big);
    cr_assert_eq(b.len, 3001);
    cr_assert_eq(b.data[0], '<');
    cr_assert_eq(b.data[1], 'x');
    cr_assert_eq(b.data[2999], 'x');
    cr_assert_eq(b.data[3000], '>');
    cr_assert_eq(b.data[3001], '\0');
    cr_assert_eq(b.oom, 0);
    strbuf_free(&b);
    cr_assert_null(b.data);
    cr_assert_eq(b.len, 0);
}

Test(strbuf, amounts_are_exact_decimal_text)
{
    strbuf b = {0};
    strbuf_amount(&b, 3327 * FP_AMOUNT_SCALE);
    strbuf_str(&b, ",");
    strbuf_amount(&b, -(5141 * FP_AMOUNT_SCALE + 320000));
    strbuf_str(&b, ",");
    strbuf_amount(&b, 1);
    cr_assert_str_eq(strbuf_get(&b), "3327,-5141.32,0.000001");
    strbuf_free(&b);
}

Test(strbuf, reset_keeps_memory_and_starts_afresh)
{
    strbuf b = {0};
    strbuf_reset(&b); /* nothing yet: stays empty */
    cr_assert_null(b.data);
    strbuf_str(&b, "abc");
    char *mem = b.data;
    strbuf_reset(&b);
    cr_assert_eq(b.len, 0);
    cr_assert_eq(b.data, mem);
    cr_assert_str_eq(strbuf_get(&b), "");
    strbuf_str(&b, "d");
    cr_assert_str_eq(strbuf_get(&b), "d");
    strbuf_free(&b);
}

Test(strbuf, take_hands_the_text_on)
{
    strbuf b = {0};
    char *empty = strbuf_take(&b);
    cr_assert_str_eq(empty, "");
    free(empty);
    strbuf_str(&b, "第 3 行「巴州」");
    char *s = strbuf_take(&b);
    cr_assert_str_eq(s, "第 3 行「巴州」");
    cr_assert_null(b.data);
    cr_assert_eq(b.len, 0);
    cr_assert_eq(b.cap, 0);
    free(s);
    /* after a failed append: NULL, and the builder is usable again */
    strbuf_str(&b, "x");
    b.oom = 1;
    strbuf_str(&b, "y");
    cr_assert_str_eq(strbuf_get(&b), "x");
    cr_assert_null(strbuf_take(&b));
    cr_assert_eq(b.oom, 0);
    cr_assert_null(b.data);
    strbuf_str(&b, "z");
    cr_assert_str_eq(strbuf_get(&b), "z");
    strbuf_free(&b);
}

/* ---- the row path (core/path.h) ---- */

/* A message longer than the diagnostic holds is cut between two characters, never inside one
 * (vsnprintf alone cut at byte 511, leaving the first bytes of a character at the end). */
Test(diag, a_long_message_is_cut_between_characters)
{
    char name[1024];
    for (size_t lead = 0; lead < 3; lead++) { /* the cut at each byte of a 3-byte character */
        size_t at = 0;
        for (size_t i = 0; i < lead; i++)
            name[at++] = 'x';
        while (at + 3 < sizeof name) {
            memcpy(name + at, "甲", 3);
            at += 3;
        }
        name[at] = '\0';
        fp_diag d;
        fp_error e = diag_set(&d, FP_ERR_CONFLICT, "a.csv", 2, NULL, NULL, 0, "--set %s:甲=1",
                              name);
        cr_assert_eq(e, FP_ERR_CONFLICT);
        size_t n = strlen(d.message);
        cr_assert(n <= sizeof d.message - 1 && n >= sizeof d.message - 3, "%zu bytes", n);
        cr_assert_eq((n - 6 - lead) % 3, 0, "lead %zu: %zu bytes end inside a character", lead, n);
        cr_assert(strncmp(d.message + n - 3, "甲", 3) == 0, "lead %zu: ends in a whole 甲", lead);
    }
}

Test(row_path, names_from_the_top_down)
{
    fp_table *t = th_load_bundled();
    strbuf b = {0};
    row_path(&b, t, th_row(t, "天山区"), " / ");
    cr_assert_str_eq(strbuf_get(&b), "总计 / 地州合计 / 乌鲁木齐市 / 天山区");
    strbuf_reset(&b);
    row_path(&b, t, th_row(t, "总计"), " / ");
    cr_assert_str_eq(strbuf_get(&b), "总计");
    strbuf_reset(&b);
    strbuf_str(&b, "in ");
    row_path(&b, t, th_row(t, "自治区人民医院"), "/");
    cr_assert_str_eq(strbuf_get(&b), "in 总计/自治区本级合计/自治区人民医院");
    strbuf_free(&b);
    fp_table_free(t);
}

Test(row_path, a_tree_deeper_than_64_levels_ends_in_an_ellipsis)
{
    strbuf csv = {0};
    strbuf_str(&csv, "级次,单位,合计\n");
    for (int level = 0; level < 66; level++)
        strbuf_printf(&csv, "%d,u%d,1\n", level, level);
    fp_table *t = th_load_text(strbuf_get(&csv));
    strbuf b = {0}, want = {0};
    for (int level = 0; level < 64; level++)
        strbuf_printf(&want, "%su%d", level ? " > " : "", level);
    strbuf_str(&want, " > …");
    row_path(&b, t, th_row(t, "u65"), " > ");
    cr_assert_str_eq(strbuf_get(&b), strbuf_get(&want));
    strbuf_reset(&b);
    strbuf_reset(&want);
    for (int level = 0; level < 64; level++)
        strbuf_printf(&want, "%su%d", level ? " > " : "", level);
    row_path(&b, t, th_row(t, "u63"), " > "); /* exactly 64 levels: all of them */
    cr_assert_str_eq(strbuf_get(&b), strbuf_get(&want));
    strbuf_free(&b);
    strbuf_free(&want);
    strbuf_free(&csv);
    fp_table_free(t);
}

/* ---- the reports' JSON writer (report/json.h) ---- */

/* What WRITE printed, as a string the caller frees. */
static char *json_of(void (*write)(FILE *out, const void *arg), const void *arg)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    cr_assert_not_null(f);
    write(f, arg);
    cr_assert_eq(fclose(f), 0);
    return text;
}

static void w_string(FILE *out, const void *s) { json_string(out, s); }
static void w_string_or_null(FILE *out, const void *s) { json_string_or_null(out, s); }
static void w_text_or_null(FILE *out, const void *s) { json_text_or_null(out, s); }
static void w_amount(FILE *out, const void *v) { json_amount(out, *(const fp_amount *)v); }
static void w_amount_or_null(FILE *out, const void *v)
{
    json_amount_or_null(out, v != NULL, v ? *(const fp_amount *)v : 0);
}

static void expect_json(void (*write)(FILE *, const void *), const void *arg, const char *want)
{
    char *got = json_of(write, arg);
    cr_assert_str_eq(got, want);
    free(got);
}

Test(json, strings_are_escaped)
{
    expect_json(w_string, "巴州", "\"巴州\"");
    expect_json(w_string, "a\"b\\c", "\"a\\\"b\\\\c\"");
    expect_json(w_string, "1\n2\t3\r4\x01" "5\x1f", "\"1\\n2\\t3\\r4\\u00015\\u001f\"");
    expect_json(w_string, "", "\"\"");
}

Test(json, nulls)
{
    expect_json(w_string_or_null, NULL, "null");
    expect_json(w_string_or_null, "", "\"\"");
    expect_json(w_text_or_null, "", "null");
    expect_json(w_text_or_null, NULL, "null");
    expect_json(w_text_or_null, "x", "\"x\"");
}

Test(json, amounts_are_exact_strings)
{
    fp_amount a = 5141 * FP_AMOUNT_SCALE + 320000, b = -3327 * FP_AMOUNT_SCALE;
    expect_json(w_amount, &a, "\"5141.32\"");
    expect_json(w_amount, &b, "\"-3327\"");
    expect_json(w_amount_or_null, &a, "\"5141.32\"");
    expect_json(w_amount_or_null, NULL, "null");
}
