/* test_serve.c — fenpei serve's handlers without HTTP: the answers built from a form. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "serve/serve.h"

#define BUNDLED FENPEI_SOURCE_DIR "/allocations/xinjiang-2024-basic-public-health-batch2.csv"

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    cr_assert_not_null(f, "%s", path);
    char *buf = NULL;
    size_t cap = 0;
    FILE *m = open_memstream(&buf, &cap);
    int c;
    while ((c = fgetc(f)) != EOF)
        fputc(c, m);
    fclose(f);
    fclose(m);
    *len = cap;
    return buf;
}

/* A form of one file field "file" named NAME holding DATA (taken over), plus pairs of fields. */
static serve_form form_of(const char *name, char *data, size_t len, const char *const *pairs,
                          size_t npairs)
{
    serve_form f = {0};
    f.cap = 1 + npairs;
    f.fields = calloc(f.cap, sizeof *f.fields);
    f.fields[0] = (serve_field){strdup("file"), strdup(name), data, len};
    for (size_t i = 0; i < npairs; i++)
        f.fields[1 + i] = (serve_field){strdup(pairs[2 * i]), NULL, strdup(pairs[2 * i + 1]),
                                        strlen(pairs[2 * i + 1])};
    f.count = f.cap;
    f.max_rows = 100000;
    return f;
}

static void form_free(serve_form *f)
{
    for (size_t i = 0; i < f->count; i++) {
        free(f->fields[i].name);
        free(f->fields[i].filename);
        free(f->fields[i].data);
    }
    free(f->fields);
}

Test(serve, every_error_code_has_a_distinct_chinese_sentence)
{
    for (int i = FP_OK + 1; i < FP_ERROR_MAX; i++) {
        const char *zh = api_error_zh((fp_error)i);
        cr_assert_not_null(zh, "no Chinese sentence for %s", fp_strerror((fp_error)i));
        cr_assert_gt(strlen(zh), 3);
        for (int j = FP_OK + 1; j < i; j++)
            cr_assert_str_neq(zh, api_error_zh((fp_error)j), "codes %d and %d say the same", i, j);
    }
    cr_assert_null(api_error_zh(FP_ERROR_MAX));
}

Test(serve, check_answers_what_the_library_writes)
{
    size_t len;
    char *data = slurp(BUNDLED, &len);
    fp_table *t = NULL;
    cr_assert_eq(fp_table_load_memory(data, len, "t.csv", NULL, &t, NULL), FP_OK);
    fp_report *r = NULL;
    fp_causes *c = NULL;
    cr_assert_eq(fp_check(t, NULL, &r, NULL), FP_OK);
    cr_assert_eq(fp_explain(t, r, NULL, &c, NULL), FP_OK);
    char *want = NULL;
    size_t wlen = 0;
    FILE *m = open_memstream(&want, &wlen);
    fp_report_write_json_explained(r, c, t, NULL, m);
    fclose(m);

    serve_form f = form_of("t.csv", data, len, NULL, 0);
    serve_reply rep = {0};
    api_check(&f, SERVE_JSON, 0, 0, &rep);
    cr_assert_eq(rep.status, 200);
    cr_assert_str_eq(rep.type, "application/json; charset=utf-8");
    cr_assert_eq(rep.len, wlen);
    cr_assert_eq(memcmp(rep.body, want, wlen), 0);
    free(rep.body);
    free(want);
    form_free(&f);
    fp_causes_free(c);
    fp_report_free(r);
    fp_table_free(t);
}

Test(serve, a_bad_set_is_answered_in_chinese_or_english)
{
    size_t len;
    const char *pairs[] = {"set", "天山区=400"};
    char *data = slurp(BUNDLED, &len);
    serve_form f = form_of("t.csv", data, len, pairs, 1);
    serve_reply rep = {0};
    api_realloc(&f, SERVE_JSON, 0, &rep);
    cr_assert_eq(rep.status, 400);
    cr_assert_str_eq(rep.body, "{\"error\":\"设定“天山区=400”的写法不对：应为 单位:列=金额，如 "
                               "巴州:全年应拨付资金合计=3000。\"}\n");
    free(rep.body);
    rep = (serve_reply){0};
    api_realloc(&f, SERVE_JSON, 1, &rep);
    cr_assert_str_eq(rep.body, "{\"error\":\"set \\\"天山区=400\\\": expected UNIT:COLUMN=AMOUNT, "
                               "such as 巴州:全年应拨付资金合计=3000.\"}\n");
    free(rep.body);
    form_free(&f);
}

Test(serve, more_rows_than_allowed_is_413)
{
    size_t len;
    char *data = slurp(BUNDLED, &len);
    serve_form f = form_of("t.csv", data, len, NULL, 0);
    f.max_rows = 118;
    serve_reply rep = {0};
    api_notice(&f, 0, &rep);
    cr_assert_eq(rep.status, 413);
    cr_assert_str_eq(rep.body, "{\"error\":\"表格太大：共 119 行，本服务最多处理 118 行。\"}\n");
    free(rep.body);
    form_free(&f);
}
