/* tests/test_load.c — loading tables: encodings, delimiters, trees, column roles, errors. */
#include <criterion/criterion.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"

#define U(x) ((fp_amount)(x) * FP_AMOUNT_SCALE)

/* A small 级次 table that holds every identity. */
static const char small_csv[] = "级次,单位,甲,乙,合计\n"
                                "0,总计,3,4,7\n"
                                "1,A,1,2,3\n"
                                "1,B,2,2,4\n";

/* Load LEN bytes with OPTS; expect success. */
static fp_table *load_bytes(const void *data, size_t len, const fp_load_options *opts)
{
    fp_table *t = NULL;
    fp_diag d;
    fp_error e = fp_table_load_memory(data, len, "mem.csv", opts, &t, &d);
    cr_assert_eq(e, FP_OK, "load failed: %s: line %ld column \"%s\" text \"%s\": %s",
                 fp_strerror(e), d.line, d.column, d.text, d.message);
    return t;
}

/* Load TEXT with OPTS; expect failure with CODE at LINE, COLUMN and TEXT; returns the diag. */
static fp_diag load_fails(const char *text, const fp_load_options *opts, fp_error code, long line,
                          const char *column, const char *bad)
{
    fp_table *t = (fp_table *)1;
    fp_diag d;
    fp_error e = fp_table_load_memory(text, strlen(text), "bad.csv", opts, &t, &d);
    cr_assert_eq(e, code, "expected %s, got %s (%s)", fp_strerror(code), fp_strerror(e),
                 d.message);
    cr_assert_null(t, "a failed load leaves *out NULL");
    cr_assert_eq(d.code, code);
    cr_assert_str_eq(d.file, "bad.csv");
    cr_assert_eq(d.line, line, "line: expected %ld, got %ld (%s)", line, d.line, d.message);
    cr_assert_str_eq(d.column, column);
    cr_assert_str_eq(d.text, bad);
    cr_assert_neq(d.message[0], '\0');
    return d;
}

/* Convert UTF-8 TEXT to encoding TO with iconv(3); the length goes to *LEN. Caller frees. */
static char *convert(const char *text, const char *to, size_t *len)
{
    iconv_t cd = iconv_open(to, "UTF-8");
    cr_assert_neq(cd, (iconv_t)-1, "iconv cannot convert to %s", to);
    size_t inleft = strlen(text), cap = inleft * 4 + 16, outleft = cap;
    char *out = malloc(cap), *in = (char *)(uintptr_t)text, *o = out;
    cr_assert_neq(iconv(cd, &in, &inleft, &o, &outleft), (size_t)-1);
    iconv_close(cd);
    *len = cap - outleft;
    return out;
}

/* Every cell of table T as text ("" blank), a row per line: to compare two loads. */
static char *dump(const fp_table *t)
{
    size_t cap = 1 << 16, len = 0;
    char *s = malloc(cap);
    s[0] = '\0';
    for (size_t r = 0; r < fp_table_row_count(t); r++) {
        size_t p = fp_table_parent(t, r);
        len += (size_t)snprintf(s + len, cap - len, "%s<%s>:", fp_table_row_name(t, r),
                                p == FP_NONE ? "" : fp_table_row_name(t, p));
        for (size_t c = 0; c < fp_table_column_count(t); c++) {
            char buf[FP_AMOUNT_BUFSIZE] = "";
            if (fp_table_column_is_amount(t, c) && !fp_table_is_blank(t, r, c))
                fp_amount_format(fp_table_amount(t, r, c), 0, buf);
            len += (size_t)snprintf(s + len, cap - len, " %s",
                                    fp_table_column_is_amount(t, c) ? buf : fp_table_text(t, r, c));
        }
        len += (size_t)snprintf(s + len, cap - len, "\n");
        cr_assert_lt(len, cap - 1);
    }
    return s;
}

/* ---- the bundled table ---- */

Test(bundled, has_119_rows_and_11_columns)
{
    fp_table *t = th_load_bundled();
    cr_assert_eq(fp_table_row_count(t), 119);
    cr_assert_eq(fp_table_column_count(t), 11);
    cr_assert_str_eq(fp_table_source(t), TH_BUNDLED);
    cr_assert_null(fp_table_unit(t), "the CSV has no 单位 line");
    fp_table_free(t);
}

Test(bundled, columns_have_their_roles)
{
    static const char *const names[] = {"级次", "单位", "原基本公共卫生项目",
                                        "国家应急队伍补充建设和运维保障项目",
                                        "医养结合和老年健康服务", "健康素养行动",
                                        "中医药健康管理服务项目", "信息化及绩效考核",
                                        "全年应拨付资金合计", "已提前下达", "此次下达"};
    static const fp_role roles[] = {FP_ROLE_LEVEL,    FP_ROLE_NAME,     FP_ROLE_CATEGORY,
                                    FP_ROLE_CATEGORY, FP_ROLE_CATEGORY, FP_ROLE_CATEGORY,
                                    FP_ROLE_CATEGORY, FP_ROLE_CATEGORY, FP_ROLE_TOTAL,
                                    FP_ROLE_ADVANCE,  FP_ROLE_BATCH};
    fp_table *t = th_load_bundled();
    for (size_t c = 0; c < 11; c++) {
        cr_assert_str_eq(fp_table_column_name(t, c), names[c]);
        cr_assert_eq(fp_table_column_role(t, c), roles[c], "column %zu (%s): role %s", c,
                     names[c], fp_role_name(fp_table_column_role(t, c)));
        cr_assert_eq(fp_table_column_is_amount(t, c), c >= 2, "column %zu", c);
        cr_assert_eq(fp_table_column_decimals(t, c), 0);
        cr_assert_eq(fp_table_find_column(t, names[c]), c);
    }
    const size_t *cats;
    cr_assert_eq(fp_table_categories(t, &cats), 6);
    for (size_t k = 0; k < 6; k++)
        cr_assert_eq(cats[k], 2 + k, "category %zu in order", k);
    cr_assert_eq(fp_table_role_column(t, FP_ROLE_TOTAL), 8);
    cr_assert_eq(fp_table_role_column(t, FP_ROLE_ADVANCE), 9);
    cr_assert_eq(fp_table_role_column(t, FP_ROLE_BATCH), 10);
    cr_assert_eq(fp_table_role_column(t, FP_ROLE_PARENT), FP_NONE);
    cr_assert_eq(fp_table_find_column(t, "合计"), FP_NONE);
    fp_table_free(t);
}

Test(bundled, role_names_are_stable)
{
    cr_assert_str_eq(fp_role_name(FP_ROLE_TEXT), "text");
    cr_assert_str_eq(fp_role_name(FP_ROLE_NAME), "name");
    cr_assert_str_eq(fp_role_name(FP_ROLE_LEVEL), "level");
    cr_assert_str_eq(fp_role_name(FP_ROLE_PARENT), "parent");
    cr_assert_str_eq(fp_role_name(FP_ROLE_CODE), "code");
    cr_assert_str_eq(fp_role_name(FP_ROLE_PARENT_CODE), "parent-code");
    cr_assert_str_eq(fp_role_name(FP_ROLE_CATEGORY), "category");
    cr_assert_str_eq(fp_role_name(FP_ROLE_TOTAL), "total");
    cr_assert_str_eq(fp_role_name(FP_ROLE_ADVANCE), "advance");
    cr_assert_str_eq(fp_role_name(FP_ROLE_BATCH), "batch");
    cr_assert_str_eq(fp_role_name(FP_ROLE_AMOUNT), "amount");
    cr_assert_str_eq(fp_role_name(FP_ROLE_MAX), "?");
}

Test(bundled, amounts_of_the_grand_total_row)
{
    static const long expected[] = {26455, 500, 700, 155, 220, 1230, 29260, 25933, 3327};
    fp_table *t = th_load_bundled();
    cr_assert_str_eq(fp_table_row_name(t, 0), "总计");
    for (size_t c = 2; c < 11; c++) {
        cr_assert_eq(fp_table_amount(t, 0, c), U(expected[c - 2]), "column %zu", c);
        cr_assert_eq(fp_table_is_blank(t, 0, c), 0);
    }
    size_t row = th_row(t, "天山区");
    cr_assert_eq(fp_table_amount(t, row, 2), U(316));
    cr_assert_eq(fp_table_amount(t, row, 3), 0);
    cr_assert_eq(fp_table_is_blank(t, row, 3), 0, "a printed 0 is not blank");
    cr_assert_eq(fp_table_amount(t, row, 8), U(331));
    fp_table_free(t);
}

Test(bundled, tree_has_one_root_with_two_children)
{
    fp_table *t = th_load_bundled();
    cr_assert_eq(fp_table_first_root(t), 0);
    cr_assert_str_eq(th_children(t, FP_NONE), "总计");
    cr_assert_str_eq(th_children(t, 0), "自治区本级合计|地州合计");
    cr_assert_str_eq(th_children(t, 1), "自治区卫生健康委|自治区人民医院|自治区第一济困医院|"
                                     "自治区第二济困医院");
    cr_assert_str_eq(th_children(t, 6), "乌鲁木齐市|伊犁州|塔城地区|阿勒泰地区|克拉玛依市|博州|"
                                     "昌吉州|哈密市|吐鲁番市|巴州|阿克苏地区|克州|喀什地区|和田地区");
    cr_assert_eq(fp_table_parent(t, 0), FP_NONE);
    cr_assert_eq(fp_table_parent(t, 1), 0);
    cr_assert_eq(fp_table_parent(t, 6), 0);
    fp_table_free(t);
}

Test(bundled, qizhong_row_is_a_child_of_bozhou)
{
    fp_table *t = th_load_bundled();
    size_t bz = th_row(t, "博州"), yy = th_row(t, "其中：博州人民医院");
    cr_assert_eq(bz, 49);
    cr_assert_eq(yy, 50);
    cr_assert_eq(fp_table_parent(t, yy), bz);
    cr_assert_eq(fp_table_first_child(t, bz), yy);
    cr_assert_str_eq(th_children(t, bz), "其中：博州人民医院|博乐市|精河县|温泉县|阿拉山口市");
    cr_assert_eq(fp_table_first_child(t, yy), FP_NONE);
    size_t ks = th_row(t, "喀什地区");
    cr_assert_eq(fp_table_parent(t, th_row(t, "其中：喀什地区第一人民医院")), ks);
    fp_table_free(t);
}

Test(bundled, depths_paths_and_lines)
{
    fp_table *t = th_load_bundled();
    cr_assert_eq(fp_table_depth(t, th_row(t, "总计")), 0);
    cr_assert_eq(fp_table_depth(t, th_row(t, "地州合计")), 1);
    cr_assert_eq(fp_table_depth(t, th_row(t, "自治区人民医院")), 2);
    cr_assert_eq(fp_table_depth(t, th_row(t, "博州")), 2);
    cr_assert_eq(fp_table_depth(t, th_row(t, "其中：博州人民医院")), 3);
    cr_assert_eq(fp_table_depth(t, th_row(t, "民丰县")), 3);
    size_t row = th_row(t, "天山区"), path[8];
    cr_assert_eq(row, 8);
    cr_assert_eq(fp_table_path(t, row, path, 8), 4);
    cr_assert_eq(path[0], 0);
    cr_assert_eq(path[1], 6);
    cr_assert_eq(path[2], 7);
    cr_assert_eq(path[3], 8);
    /* a short buffer still tells the full length and holds the top of the path */
    size_t two[2] = {FP_NONE, FP_NONE};
    cr_assert_eq(fp_table_path(t, row, two, 2), 4);
    cr_assert_eq(two[0], 0);
    cr_assert_eq(two[1], 6);
    cr_assert_eq(fp_table_row_line(t, 0), 2);
    cr_assert_eq(fp_table_row_line(t, row), 10);
    cr_assert_eq(fp_table_row_line(t, 118), 120);
    cr_assert_str_eq(fp_table_row_name(t, 118), "民丰县");
    fp_table_free(t);
}

Test(bundled, writes_back_to_exactly_the_original_bytes)
{
    size_t len;
    char *orig = th_read_file(TH_BUNDLED, &len);
    cr_assert_not_null(orig);
    fp_table *t = th_load_bundled();
    char *out = NULL;
    size_t outlen = 0;
    FILE *f = open_memstream(&out, &outlen);
    fp_diag d;
    cr_assert_eq(fp_table_write_csv(t, f, -1, &d), FP_OK);
    fclose(f);
    /* The bundled file has CRLF line ends; fp_table_write_csv writes LF by contract. */
    char *lf = malloc(len + 1);
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        if (!(orig[i] == '\r' && i + 1 < len && orig[i + 1] == '\n'))
            lf[n++] = orig[i];
    lf[n] = '\0';
    cr_assert_eq(n, len - 120, "120 line ends");
    cr_assert_eq(outlen, n, "written %zu bytes, original %zu", outlen, n);
    cr_assert_eq(memcmp(out, lf, n), 0);
    /* and the LF copy reads back and writes out to itself, byte for byte */
    fp_table *u = load_bytes(out, outlen, NULL);
    char *again = NULL;
    size_t againlen = 0;
    f = open_memstream(&again, &againlen);
    cr_assert_eq(fp_table_write_csv(u, f, -1, &d), FP_OK);
    fclose(f);
    cr_assert_eq(againlen, n);
    cr_assert_eq(memcmp(again, lf, n), 0);
    free(again);
    fp_table_free(u);
    free(lf);
    free(out);
    free(orig);
    fp_table_free(t);
}

Test(bundled, loads_the_same_from_memory_as_from_the_file)
{
    size_t len;
    char *orig = th_read_file(TH_BUNDLED, &len);
    fp_table *a = th_load_bundled(), *b = load_bytes(orig, len, NULL);
    char *da = dump(a), *db = dump(b);
    cr_assert_str_eq(da, db);
    cr_assert_str_eq(fp_table_source(b), "mem.csv");
    free(da);
    free(db);
    free(orig);
    fp_table_free(a);
    fp_table_free(b);
}

/* ---- encodings and line ends ---- */

Test(encoding, utf8_with_bom)
{
    char text[256];
    snprintf(text, sizeof text, "\xEF\xBB\xBF%s", small_csv);
    fp_table *t = load_bytes(text, strlen(text), NULL);
    cr_assert_str_eq(fp_table_column_name(t, 0), "级次", "the BOM is not part of the header");
    cr_assert_eq(fp_table_column_role(t, 0), FP_ROLE_LEVEL);
    cr_assert_eq(fp_table_row_count(t), 3);
    cr_assert_str_eq(th_children(t, 0), "A|B");
    fp_table_free(t);
}

static const char chinese_csv[] = "级次,单位,原基本公共卫生项目,医养结合,全年应拨付资金合计\n"
                                  "0,总计,1316,43,1359\n"
                                  "1,乌鲁木齐市,316,15,331\n"
                                  "1,喀什地区第一人民医院,1000,28,1028\n";

Test(encoding, gb18030_is_detected_and_converted)
{
    size_t len;
    char *gb = convert(chinese_csv, "GB18030", &len);
    cr_assert_neq(len, strlen(chinese_csv), "the bytes differ from UTF-8");
    fp_table *t = load_bytes(gb, len, NULL);
    cr_assert_str_eq(fp_table_column_name(t, 2), "原基本公共卫生项目");
    cr_assert_eq(fp_table_column_role(t, 4), FP_ROLE_TOTAL);
    cr_assert_str_eq(fp_table_row_name(t, 1), "乌鲁木齐市");
    cr_assert_str_eq(fp_table_row_name(t, 2), "喀什地区第一人民医院");
    cr_assert_eq(fp_table_amount(t, 2, 4), U(1028));
    cr_assert_eq(fp_table_row_line(t, 2), 4);
    fp_table_free(t);
    free(gb);
}

Test(encoding, gbk_given_by_name)
{
    size_t len;
    char *gb = convert(chinese_csv, "GBK", &len);
    fp_load_options o;
    fp_load_options_init(&o);
    o.encoding = "GBK";
    fp_table *t = load_bytes(gb, len, &o);
    cr_assert_str_eq(fp_table_row_name(t, 1), "乌鲁木齐市");
    fp_table_free(t);
    free(gb);
}

Test(encoding, gb18030_fixture_file)
{
    fp_table *t = NULL;
    fp_diag d;
    cr_assert_eq(fp_table_load_file(FENPEI_SOURCE_DIR "/tests/data/gb18030.csv", NULL, &t, &d),
                 FP_OK, "%s", d.message);
    cr_assert_eq(fp_table_row_count(t), 4);
    cr_assert_str_eq(fp_table_unit(t), "万元");
    cr_assert_str_eq(fp_table_row_name(t, 0), "总计");
    cr_assert_str_eq(fp_table_column_name(t, 3), "中医药健康管理服务项目");
    cr_assert_str_eq(fp_table_row_name(t, 2), "其中：博州人民医院");
    cr_assert_str_eq(th_children(t, 1), "其中：博州人民医院|博乐市");
    cr_assert_eq(fp_table_amount(t, 2, fp_table_role_column(t, FP_ROLE_TOTAL)), U(30));
    cr_assert_eq(fp_table_row_line(t, 2), 6);
    cr_assert_eq(fp_table_row_line(t, 3), 7);
    fp_table_free(t);
}

Test(encoding, utf16le_with_bom_and_tabs_and_crlf)
{
    static const char tsv[] = "级次\t单位\t甲\t乙\t合计\r\n"
                              "0\t总计\t3\t4\t7\r\n"
                              "1\t乌鲁木齐市\t1\t2\t3\r\n"
                              "1\t喀什地区\t2\t2\t4\r\n";
    size_t len;
    char *body = convert(tsv, "UTF-16LE", &len);
    char *data = malloc(len + 2);
    memcpy(data, "\xFF\xFE", 2);
    memcpy(data + 2, body, len);
    fp_table *t = load_bytes(data, len + 2, NULL);
    cr_assert_eq(fp_table_column_count(t), 5);
    cr_assert_str_eq(fp_table_column_name(t, 0), "级次");
    cr_assert_str_eq(fp_table_row_name(t, 2), "喀什地区");
    cr_assert_eq(fp_table_amount(t, 2, 4), U(4));
    cr_assert_str_eq(th_children(t, 0), "乌鲁木齐市|喀什地区");
    cr_assert_eq(fp_table_row_line(t, 2), 4);
    fp_table_free(t);
    free(body);
    free(data);
}

Test(encoding, utf16be_with_bom)
{
    size_t len;
    char *body = convert(small_csv, "UTF-16BE", &len);
    char *data = malloc(len + 2);
    memcpy(data, "\xFE\xFF", 2);
    memcpy(data + 2, body, len);
    fp_table *t = load_bytes(data, len + 2, NULL);
    cr_assert_str_eq(fp_table_column_name(t, 0), "级次");
    cr_assert_str_eq(th_children(t, 0), "A|B");
    fp_table_free(t);
    free(body);
    free(data);
}

Test(encoding, crlf_line_ends_keep_line_numbers)
{
    static const char text[] = "级次,单位,甲,乙,合计\r\n"
                               "0,总计,3,4,7\r\n"
                               "1,A,1,2,3\r\n"
                               "1,B,2,2,4\r\n";
    fp_table *t = load_bytes(text, strlen(text), NULL);
    cr_assert_eq(fp_table_row_count(t), 3);
    cr_assert_str_eq(fp_table_row_name(t, 2), "B", "no CR left in the names");
    cr_assert_eq(fp_table_amount(t, 2, 4), U(4), "no CR left in the last cell");
    cr_assert_eq(fp_table_row_line(t, 0), 2);
    cr_assert_eq(fp_table_row_line(t, 2), 4);
    fp_table_free(t);
}

Test(encoding, crlf_error_line_is_right)
{
    load_fails("级次,单位,甲,乙,合计\r\n0,总计,3,4,7\r\n1,A,1,2,3\r\n3,B,2,2,4\r\n", NULL,
               FP_ERR_TREE_DEPTH, 4, "级次", "3");
}

Test(encoding, no_final_line_end)
{
    fp_table *t = th_load_text("级次,单位,甲,乙,合计\n0,总计,3,4,7\n1,A,3,4,7");
    cr_assert_eq(fp_table_row_count(t), 2);
    cr_assert_eq(fp_table_amount(t, 1, 4), U(7));
    fp_table_free(t);
}

Test(encoding, invalid_utf8_when_utf8_is_given)
{
    fp_load_options o;
    fp_load_options_init(&o);
    o.encoding = "UTF-8";
    load_fails("级次,单位,甲,乙,合计\n0,总计,3,4,7\n1,\xB0\xA1,3,4,7\n", &o, FP_ERR_ENCODING, 3,
               "", "");
}

Test(encoding, unknown_encoding_name)
{
    fp_load_options o;
    fp_load_options_init(&o);
    o.encoding = "NO-SUCH-ENCODING";
    load_fails(small_csv, &o, FP_ERR_ENCODING, 0, "", "NO-SUCH-ENCODING");
}

/* ---- delimiters, title lines ---- */

Test(delimiter, tabs_are_detected)
{
    fp_table *t = th_load_text("级次\t单位\t甲\t乙\t合计\n0\t总计\t3\t4\t7\n1\tA\t1,000\t2\t1,002\n");
    cr_assert_eq(fp_table_column_count(t), 5);
    cr_assert_str_eq(fp_table_column_name(t, 4), "合计");
    cr_assert_eq(fp_table_amount(t, 1, 2), U(1000), "a comma inside a TSV cell is a separator");
    cr_assert_eq(fp_table_amount(t, 1, 4), U(1002));
    fp_table_free(t);
}

Test(delimiter, semicolon_given_by_option)
{
    fp_load_options o;
    fp_load_options_init(&o);
    o.delimiter = ';';
    static const char text[] = "级次;单位;甲;乙;合计\n0;总计;3.5;4;7.5\n1;A;1,234;0;1,234\n";
    fp_table *t = load_bytes(text, strlen(text), &o);
    cr_assert_eq(fp_table_column_count(t), 5);
    cr_assert_eq(fp_table_amount(t, 0, 2), U(3) + 500000);
    cr_assert_eq(fp_table_amount(t, 1, 2), U(1234));
    cr_assert_eq(fp_table_column_decimals(t, 4), 1);
    cr_assert_eq(fp_table_column_decimals(t, 3), 0);
    fp_table_free(t);
}

Test(title, title_and_unit_lines_before_the_header)
{
    fp_table *t = th_load_text("2024年自治区基本公共卫生服务补助资金（第二批）分配表\n"
                               "单位：万元\n"
                               "级次,单位,甲,乙,合计\n"
                               "0,总计,3,4,7\n"
                               "1,A,3,4,7\n");
    cr_assert_str_eq(fp_table_unit(t), "万元");
    cr_assert_str_eq(fp_table_column_name(t, 0), "级次");
    cr_assert_eq(fp_table_row_count(t), 2);
    cr_assert_eq(fp_table_row_line(t, 0), 4);
    cr_assert_eq(fp_table_row_line(t, 1), 5);
    fp_table_free(t);
}

Test(title, title_cells_padded_with_empty_cells_and_ascii_colon)
{
    fp_table *t = th_load_text("分配表,,,,\n,,,,单位: 元\n单位,甲,乙,合计\n总计,3,4,7\n");
    cr_assert_str_eq(fp_table_unit(t), "元");
    cr_assert_str_eq(fp_table_column_name(t, 0), "单位");
    cr_assert_eq(fp_table_row_line(t, 0), 4);
    fp_table_free(t);
}

Test(title, blank_lines_are_skipped_and_counted)
{
    fp_table *t = th_load_text("\n级次,单位,甲,乙,合计\n\n0,总计,3,4,7\n\n\n1,A,3,4,7\n");
    cr_assert_eq(fp_table_row_count(t), 2);
    cr_assert_eq(fp_table_row_line(t, 0), 4);
    cr_assert_eq(fp_table_row_line(t, 1), 7);
    fp_table_free(t);
}

/* ---- trees ---- */

Test(tree, parent_names_out_of_file_order_give_the_same_tree)
{
    fp_table *t = th_load_text("单位,上级,甲,乙,合计\n"
                               "天山区,乌鲁木齐市,1,1,2\n"
                               "乌鲁木齐市,总计,2,1,3\n"
                               "总计,,3,2,5\n"
                               "米东区,乌鲁木齐市,1,0,1\n"
                               "自治区本级,总计,1,1,2\n");
    cr_assert_eq(fp_table_column_role(t, 1), FP_ROLE_PARENT);
    cr_assert_eq(fp_table_column_role(t, 0), FP_ROLE_NAME);
    size_t root = th_row(t, "总计"), wlmq = th_row(t, "乌鲁木齐市");
    cr_assert_eq(root, 2);
    cr_assert_eq(fp_table_first_root(t), root);
    cr_assert_eq(fp_table_next_sibling(t, root), FP_NONE);
    cr_assert_str_eq(th_children(t, root), "乌鲁木齐市|自治区本级");
    cr_assert_str_eq(th_children(t, wlmq), "天山区|米东区");
    cr_assert_eq(fp_table_parent(t, th_row(t, "天山区")), wlmq);
    cr_assert_eq(fp_table_depth(t, th_row(t, "天山区")), 2);
    cr_assert_eq(fp_table_depth(t, th_row(t, "自治区本级")), 1);
    cr_assert_str_eq(fp_table_text(t, 0, 1), "乌鲁木齐市", "the 上级 text is kept");
    cr_assert_eq(fp_table_row_line(t, 0), 2, "rows keep their file order and lines");
    cr_assert_eq(fp_table_row_line(t, 4), 6);
    fp_table_free(t);
}

Test(tree, parent_names_in_order_equal_the_level_tree)
{
    fp_table *a = th_load_text("级次,单位,甲,合计\n0,总计,3,3\n1,乌鲁木齐市,3,3\n"
                               "2,天山区,1,1\n2,米东区,2,2\n1,自治区本级,0,0\n");
    fp_table *b = th_load_text("单位,上级,甲,合计\n米东区,乌鲁木齐市,2,2\n总计,,3,3\n"
                               "自治区本级,总计,0,0\n天山区,乌鲁木齐市,1,1\n乌鲁木齐市,总计,3,3\n");
    const char *names[] = {"总计", "乌鲁木齐市", "天山区", "米东区", "自治区本级"};
    for (size_t i = 0; i < 5; i++) {
        size_t ra = th_row(a, names[i]), rb = th_row(b, names[i]);
        cr_assert_eq(fp_table_depth(a, ra), fp_table_depth(b, rb), "%s", names[i]);
        size_t pa = fp_table_parent(a, ra), pb = fp_table_parent(b, rb);
        cr_assert_str_eq(pa == FP_NONE ? "" : fp_table_row_name(a, pa),
                         pb == FP_NONE ? "" : fp_table_row_name(b, pb), "%s", names[i]);
    }
    cr_assert_str_eq(th_children(b, th_row(b, "乌鲁木齐市")), "米东区|天山区", "file order");
    fp_table_free(a);
    fp_table_free(b);
}

Test(tree, codes_and_parent_codes)
{
    fp_table *t = th_load_text("编码,上级编码,单位,甲,合计\n"
                               "650102,6501,天山区,1,1\n"
                               "65,,新疆,3,3\n"
                               "6501,65,乌鲁木齐市,3,3\n"
                               "650109,6501,米东区,2,2\n"
                               "0066,,兵团,1,1\n");
    cr_assert_eq(fp_table_column_role(t, 0), FP_ROLE_CODE);
    cr_assert_eq(fp_table_column_role(t, 1), FP_ROLE_PARENT_CODE);
    cr_assert_eq(fp_table_column_role(t, 2), FP_ROLE_NAME);
    cr_assert_eq(fp_table_column_is_amount(t, 0), 0, "codes are not amounts");
    cr_assert_str_eq(th_children(t, FP_NONE), "新疆|兵团");
    cr_assert_str_eq(th_children(t, th_row(t, "乌鲁木齐市")), "天山区|米东区");
    cr_assert_eq(fp_table_parent(t, th_row(t, "乌鲁木齐市")), th_row(t, "新疆"));
    cr_assert_str_eq(fp_table_text(t, 4, 0), "0066", "a code keeps its leading zeros");
    fp_table_free(t);
}

Test(tree, several_top_level_rows_by_level)
{
    fp_table *t = th_load_text("级次,单位,甲,合计\n"
                               "1,乌鲁木齐市,3,3\n"
                               "2,天山区,3,3\n"
                               "1,喀什地区,5,5\n"
                               "1,和田地区,2,2\n"
                               "2,和田市,2,2\n");
    cr_assert_eq(fp_table_first_root(t), 0);
    cr_assert_str_eq(th_children(t, FP_NONE), "乌鲁木齐市|喀什地区|和田地区");
    cr_assert_eq(fp_table_depth(t, 0), 0, "depths count from the first row's level");
    cr_assert_eq(fp_table_depth(t, 4), 1);
    cr_assert_eq(fp_table_parent(t, 4), 3);
    /* the level column is written back with the file's own numbers */
    char *out = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&out, &len);
    cr_assert_eq(fp_table_write_csv(t, f, -1, NULL), FP_OK);
    fclose(f);
    cr_assert_str_eq(out, "级次,单位,甲,合计\n1,乌鲁木齐市,3,3\n2,天山区,3,3\n1,喀什地区,5,5\n"
                          "1,和田地区,2,2\n2,和田市,2,2\n");
    free(out);
    fp_table_free(t);
}

Test(tree, several_top_level_rows_by_parent)
{
    fp_table *t = th_load_text("单位,上级,甲,合计\nA,,1,1\nA1,A,1,1\nB,,2,2\n");
    cr_assert_eq(fp_table_first_root(t), 0);
    cr_assert_str_eq(th_children(t, FP_NONE), "A|B");
    fp_table_free(t);
}

Test(tree, a_canonical_table_without_tree_columns_is_flat)
{
    static const char text[] = "单位,甲,合计\nA,1,1\nB,2,2\nC,3,3\n";
    fp_load_options o;
    fp_load_options_init(&o);
    o.layout = FP_LAYOUT_CANONICAL;
    fp_table *t = load_bytes(text, strlen(text), &o);
    cr_assert_str_eq(th_children(t, FP_NONE), "A|B|C");
    cr_assert_eq(fp_table_depth(t, 2), 0);
    fp_table_free(t);
}

/* ---- load errors ---- */

Test(errors, level_jump_of_two)
{
    fp_diag d = load_fails("级次,单位,甲,乙,合计\n0,总计,3,4,7\n2,A,1,2,3\n", NULL,
                           FP_ERR_TREE_DEPTH, 3, "级次", "2");
    cr_assert_not_null(strstr(d.message, "from 0 to 2"), "%s", d.message);
}

Test(errors, level_above_the_first_row)
{
    load_fails("级次,单位,甲\n1,总计,3\n2,A,3\n0,B,1\n", NULL, FP_ERR_TREE_DEPTH, 4, "级次", "0");
}

Test(errors, level_that_is_not_a_number)
{
    load_fails("级次,单位,甲,乙,合计\n0,总计,3,4,7\nx,A,1,2,3\n", NULL, FP_ERR_TREE_DEPTH, 3,
               "级次", "x");
    load_fails("级次,单位,甲\n0,总计,3\n1.5,A,3\n", NULL, FP_ERR_TREE_DEPTH, 3, "级次", "1.5");
    load_fails("级次,单位,甲\n0,总计,3\n-1,A,3\n", NULL, FP_ERR_TREE_DEPTH, 3, "级次", "-1");
}

Test(errors, level_that_is_empty)
{
    load_fails("级次,单位,甲\n0,总计,3\n,A,3\n", NULL, FP_ERR_TREE_DEPTH, 3, "级次", "");
}

Test(errors, parent_that_does_not_exist)
{
    fp_diag d = load_fails("单位,上级,甲,乙,合计\n总计,,3,4,7\nA,总计,1,2,3\nB,不存在,2,2,4\n",
                           NULL, FP_ERR_TREE_PARENT, 4, "上级", "不存在");
    cr_assert_not_null(strstr(d.message, "不存在"));
}

Test(errors, parent_cycle_without_a_root)
{
    load_fails("单位,上级,甲\nA,B,1\nB,A,1\n", NULL, FP_ERR_TREE_CYCLE, 2, "", "A");
}

Test(errors, parent_cycle_beside_a_root)
{
    load_fails("单位,上级,甲\n总计,,2\nA,B,1\nB,A,1\n", NULL, FP_ERR_TREE_CYCLE, 3, "", "A");
}

Test(errors, row_that_is_its_own_parent)
{
    load_fails("单位,上级,甲\n总计,,2\nA,A,1\n", NULL, FP_ERR_TREE_CYCLE, 3, "", "A");
}

Test(errors, duplicate_name_in_a_parent_table)
{
    fp_diag d = load_fails("单位,上级,甲,乙,合计\n总计,,3,4,7\nA,总计,1,2,3\nA,总计,2,2,4\n",
                           NULL, FP_ERR_TREE_DUPLICATE, 4, "单位", "A");
    cr_assert_not_null(strstr(d.message, "line 3"), "%s", d.message);
}

Test(errors, duplicate_code)
{
    load_fails("编码,上级编码,单位,甲\n65,,新疆,1\n6501,65,乌鲁木齐市,1\n6501,65,克拉玛依市,0\n",
               NULL, FP_ERR_TREE_DUPLICATE, 4, "编码", "6501");
}

Test(errors, duplicate_names_are_fine_in_a_level_table)
{
    fp_table *t = th_load_text("级次,单位,甲\n0,总计,2\n1,甲地,1\n2,本级,1\n1,乙地,1\n2,本级,1\n");
    size_t row;
    cr_assert_eq(fp_table_find_row(t, "本级", &row), 2);
    fp_table_free(t);
}

Test(errors, bad_amount_cell)
{
    fp_diag d = load_fails("级次,单位,甲,乙,合计\n0,总计,3,4,7\n1,A,1,2,3\n1,B,3x6,2,4\n", NULL,
                           FP_ERR_AMOUNT_SYNTAX, 4, "甲", "3x6");
    cr_assert_not_null(strstr(d.message, "not an amount"), "%s", d.message);
}

Test(errors, bad_amount_cell_in_the_bundled_table)
{
    size_t len;
    char *orig = th_read_file(TH_BUNDLED, &len);
    char *bad = th_replace_once(orig, "\n3,天山区,316,", "\n3,天山区,3l6,");
    fp_diag d = load_fails(bad, NULL, FP_ERR_AMOUNT_SYNTAX, 10, "原基本公共卫生项目", "3l6");
    (void)d;
    free(bad);
    free(orig);
}

Test(errors, amount_with_too_many_decimals)
{
    load_fails("级次,单位,甲,乙,合计\n0,总计,3,4,7\n1,A,1,2,3\n1,B,2,2,4.0000001\n", NULL,
               FP_ERR_AMOUNT_PRECISION, 4, "合计", "4.0000001");
}

Test(errors, amount_out_of_range)
{
    load_fails("级次,单位,甲,乙,合计\n0,总计,3,4,7\n1,A,99999999999999,2,3\n1,B,2,2,4\n", NULL,
               FP_ERR_AMOUNT_OVERFLOW, 3, "甲", "99999999999999");
}

Test(errors, too_many_cells)
{
    fp_diag d = load_fails("级次,单位,甲,乙,合计\n0,总计,3,4,7\n1,A,1,2,3,9\n", NULL, FP_ERR_CSV,
                           3, "", "9");
    cr_assert_not_null(strstr(d.message, "5 columns"), "%s", d.message);
}

Test(errors, empty_extra_cells_are_fine)
{
    fp_table *t = th_load_text("级次,单位,甲\n0,总计,3,,\n");
    cr_assert_eq(fp_table_column_count(t), 3);
    fp_table_free(t);
}

Test(errors, unterminated_quote)
{
    load_fails("级次,单位,甲,乙,合计\n0,总计,3,4,7\n1,\"A,1,2,3\n1,B,2,2,4\n", NULL, FP_ERR_CSV,
               3, "", "");
}

Test(errors, quote_inside_an_unquoted_cell)
{
    load_fails("级次,单位,甲\n0,总计,3\n1,A\"B,3\n", NULL, FP_ERR_CSV, 3, "", "");
}

Test(errors, empty_file)
{
    load_fails("", NULL, FP_ERR_EMPTY, 0, "", "");
}

Test(errors, title_lines_only)
{
    load_fails("分配表\n单位：万元\n", NULL, FP_ERR_EMPTY, 0, "", "");
}

Test(errors, header_only)
{
    load_fails("级次,单位,甲,乙,合计\n", NULL, FP_ERR_EMPTY, 0, "", "");
}

Test(errors, two_columns_with_one_header)
{
    load_fails("级次,单位,甲,甲\n0,总计,3,3\n", NULL, FP_ERR_COLUMN, 1, "甲", "");
}

Test(errors, missing_file)
{
    fp_table *t = (fp_table *)1;
    fp_diag d;
    cr_assert_eq(fp_table_load_file(FENPEI_TEST_TMP "/no-such-file.csv", NULL, &t, &d),
                 FP_ERR_IO);
    cr_assert_null(t);
    cr_assert_str_eq(d.file, FENPEI_TEST_TMP "/no-such-file.csv");
    cr_assert_not_null(strstr(d.message, "No such file"), "%s", d.message);
}

Test(errors, diag_may_be_null)
{
    fp_table *t = (fp_table *)1;
    cr_assert_eq(fp_table_load_memory("x", 1, "x", NULL, &t, NULL), FP_ERR_EMPTY);
    cr_assert_null(t);
}

Test(errors, multi_line_quoted_cell_keeps_later_lines_right)
{
    load_fails("级次,单位,备注,甲\n"
               "0,总计,\"第一行\n第二行\n第三行\",3\n"
               "1,A,,1\n"
               "1,B,\"x\ny\",1\n"
               "3,C,,1\n",
               NULL, FP_ERR_TREE_DEPTH, 8, "级次", "3");
}

Test(lines, multi_line_quoted_cells_shift_row_lines)
{
    fp_table *t = th_load_text("级次,单位,备注,甲\n"
                               "0,总计,\"第一行\r\n第二行\",3\n"
                               "1,A,,1\n"
                               "1,B,\"x\ny\nz\",2\n"
                               "1,C,,0\n");
    cr_assert_eq(fp_table_row_line(t, 0), 2);
    cr_assert_eq(fp_table_row_line(t, 1), 4);
    cr_assert_eq(fp_table_row_line(t, 2), 5);
    cr_assert_eq(fp_table_row_line(t, 3), 8);
    cr_assert_str_eq(fp_table_text(t, 0, 2), "第一行\r\n第二行");
    cr_assert_str_eq(fp_table_text(t, 2, 2), "x\ny\nz");
    fp_table_free(t);
}

/* ---- text columns ---- */

Test(text, remarks_are_carried_through_exactly)
{
    fp_table *t = th_load_text("级次,单位,甲,合计,备注\n"
                               "0,总计,3,3,\"含 1,234 元, \"\"结转\"\"\"\n"
                               "1,A,1,1,0012\n"
                               "1,B,1,1,\" 5 \"\n"
                               "1,C,1,1,-\n"
                               "1,D,0,0,\n"
                               "1,E,0,0, 6 \n");
    size_t c = th_col(t, "备注");
    cr_assert_eq(fp_table_column_role(t, c), FP_ROLE_TEXT);
    cr_assert_eq(fp_table_column_is_amount(t, c), 0);
    cr_assert_str_eq(fp_table_text(t, 0, c), "含 1,234 元, \"结转\"");
    cr_assert_str_eq(fp_table_text(t, 1, c), "0012");
    cr_assert_str_eq(fp_table_text(t, 2, c), " 5 ");
    cr_assert_str_eq(fp_table_text(t, 3, c), "-");
    cr_assert_str_eq(fp_table_text(t, 4, c), "");
    cr_assert_str_eq(fp_table_text(t, 5, c), "6", "spaces around an unquoted cell are dropped");
    const size_t *cats;
    cr_assert_eq(fp_table_categories(t, &cats), 1, "a remark is no category");
    fp_table_free(t);
}

Test(text, a_column_of_words_found_by_content_keeps_numeric_looking_cells)
{
    /* "说明项" is no known header: the content decides it holds text */
    fp_table *t = th_load_text("级次,单位,说明项,甲,合计\n"
                               "0,总计,见附件,3,3\n"
                               "1,A,12,1,1\n"
                               "1,B,007,1,1\n"
                               "1,C,1.50,1,1\n"
                               "1,D,—,0,0\n"
                               "1,E,按人口,0,0\n"
                               "1,F,,0,0\n"
                               "1,G,另行下达,0,0\n");
    size_t c = th_col(t, "说明项");
    cr_assert_eq(fp_table_column_role(t, c), FP_ROLE_TEXT);
    cr_assert_str_eq(fp_table_text(t, 0, c), "见附件");
    cr_assert_str_eq(fp_table_text(t, 1, c), "12");
    cr_assert_str_eq(fp_table_text(t, 2, c), "007");
    cr_assert_str_eq(fp_table_text(t, 3, c), "1.50");
    cr_assert_str_eq(fp_table_text(t, 4, c), "—");
    cr_assert_str_eq(fp_table_text(t, 5, c), "按人口");
    cr_assert_str_eq(fp_table_text(t, 6, c), "");
    const size_t *cats;
    cr_assert_eq(fp_table_categories(t, &cats), 1);
    cr_assert_eq(cats[0], th_col(t, "甲"));
    fp_table_free(t);
}

Test(text, write_csv_keeps_texts_blanks_and_decimals)
{
    fp_table *t = th_load_text("级次,单位,甲,乙,合计,备注\n"
                               "0,总计,5141.32,—,5141.32,\"a,\"\"b\"\"\"\n"
                               "1,A,5141.3,,5141.3,\n"
                               "1,B,0.02,-,0.02,x\n");
    cr_assert_eq(fp_table_column_decimals(t, 2), 2);
    cr_assert_eq(fp_table_is_blank(t, 0, 3), 1);
    cr_assert_eq(fp_table_is_blank(t, 1, 3), 1);
    char *out = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&out, &len);
    cr_assert_eq(fp_table_write_csv(t, f, -1, NULL), FP_OK);
    fclose(f);
    cr_assert_str_eq(out, "级次,单位,甲,乙,合计,备注\n"
                          "0,总计,5141.32,,5141.32,\"a,\"\"b\"\"\"\n"
                          "1,A,5141.30,,5141.30,\n"
                          "1,B,0.02,,0.02,x\n");
    free(out);
    out = NULL;
    f = open_memstream(&out, &len);
    cr_assert_eq(fp_table_write_csv(t, f, 0, NULL), FP_OK);
    fclose(f);
    cr_assert_str_eq(out, "级次,单位,甲,乙,合计,备注\n"
                          "0,总计,5141.32,,5141.32,\"a,\"\"b\"\"\"\n"
                          "1,A,5141.3,,5141.3,\n"
                          "1,B,0.02,,0.02,x\n");
    free(out);
    fp_table_free(t);
}

/* ---- column roles by flag ---- */

static const char roles_csv[] = "单位,项目A,项目B,小计,资金合计,提前下达,本次下达\n"
                                "总计,1,2,3,3,2,1\n";

Test(roles, detected_from_headers)
{
    fp_table *t = th_load_text(roles_csv);
    cr_assert_eq(fp_table_role_column(t, FP_ROLE_TOTAL), 4, "资金合计 is a listed total name");
    cr_assert_eq(fp_table_role_column(t, FP_ROLE_ADVANCE), 5);
    cr_assert_eq(fp_table_role_column(t, FP_ROLE_BATCH), 6);
    const size_t *cats;
    cr_assert_eq(fp_table_categories(t, &cats), 3);
    cr_assert_eq(cats[0], 1);
    cr_assert_eq(cats[1], 2);
    cr_assert_eq(cats[2], 3);
    fp_table_free(t);
}

Test(roles, flags_override_total_and_categories)
{
    fp_load_options o;
    fp_load_options_init(&o);
    static const char *const cats_flag[] = {"项目B", "项目A"};
    o.total_column = "小计";
    o.category_columns = cats_flag;
    o.category_count = 2;
    fp_table *t = load_bytes(roles_csv, strlen(roles_csv), &o);
    cr_assert_eq(fp_table_role_column(t, FP_ROLE_TOTAL), 3);
    cr_assert_eq(fp_table_column_role(t, 4), FP_ROLE_AMOUNT, "资金合计 is now a plain amount");
    const size_t *cats;
    cr_assert_eq(fp_table_categories(t, &cats), 2);
    cr_assert_eq(cats[0], 2, "in the order given");
    cr_assert_eq(cats[1], 1);
    fp_table_free(t);
}

Test(roles, flags_override_advance_batch_and_name)
{
    fp_load_options o;
    fp_load_options_init(&o);
    o.advance_column = "本次下达";
    o.batch_column = "提前下达";
    o.name_column = "单位";
    fp_table *t = load_bytes(roles_csv, strlen(roles_csv), &o);
    cr_assert_eq(fp_table_role_column(t, FP_ROLE_ADVANCE), 6);
    cr_assert_eq(fp_table_role_column(t, FP_ROLE_BATCH), 5);
    fp_table_free(t);
}

Test(roles, a_flag_naming_no_column_fails)
{
    fp_load_options o;
    fp_load_options_init(&o);
    o.total_column = "全年";
    fp_diag d = load_fails(roles_csv, &o, FP_ERR_COLUMN, 0, "全年", "");
    cr_assert_not_null(strstr(d.message, "--total"), "%s", d.message);
}

Test(roles, a_flag_naming_a_text_column_fails)
{
    fp_load_options o;
    fp_load_options_init(&o);
    o.total_column = "单位";
    load_fails(roles_csv, &o, FP_ERR_COLUMN, 0, "单位", "");
}

Test(roles, the_total_cannot_be_a_category)
{
    fp_load_options o;
    fp_load_options_init(&o);
    static const char *const cats_flag[] = {"项目A", "资金合计"};
    o.category_columns = cats_flag;
    o.category_count = 2;
    load_fails(roles_csv, &o, FP_ERR_COLUMN, 0, "资金合计", "");
}

/* ---- finding rows, cloning ---- */

Test(find, by_name_by_path_and_ambiguous)
{
    fp_table *t = th_load_text("级次,单位,甲\n0,总计,2\n1,甲地,1\n2,本级,1\n1,乙地,1\n2,本级,1\n");
    size_t row = 99;
    cr_assert_eq(fp_table_find_row(t, "甲地", &row), 1);
    cr_assert_eq(row, 1);
    cr_assert_eq(fp_table_find_row(t, "本级", &row), 2, "two rows are named 本级");
    cr_assert_eq(row, 2, "the first match");
    cr_assert_eq(fp_table_find_row(t, "总计/乙地/本级", &row), 1);
    cr_assert_eq(row, 4);
    cr_assert_eq(fp_table_find_row(t, "总计/甲地/本级", &row), 1);
    cr_assert_eq(row, 2);
    cr_assert_eq(fp_table_find_row(t, "乙地/本级", &row), 0, "a path starts at the top");
    cr_assert_eq(row, FP_NONE);
    cr_assert_eq(fp_table_find_row(t, "总计/丙地/本级", &row), 0);
    cr_assert_eq(fp_table_find_row(t, "丙地", &row), 0);
    cr_assert_eq(row, FP_NONE);
    fp_table_free(t);
}

Test(find, in_the_bundled_table)
{
    fp_table *t = th_load_bundled();
    size_t row;
    cr_assert_eq(fp_table_find_row(t, "总计/地州合计/博州/其中：博州人民医院", &row), 1);
    cr_assert_eq(row, 50);
    cr_assert_eq(fp_table_find_row(t, "总计/地州合计/乌鲁木齐市/天山区", &row), 1);
    cr_assert_eq(row, 8);
    cr_assert_eq(fp_table_find_row(t, "总计/自治区本级合计/天山区", &row), 0);
    fp_table_free(t);
}

Test(clone, equals_the_original_and_is_independent)
{
    fp_table *t = th_load_bundled();
    fp_table *c = fp_table_clone(t);
    cr_assert_not_null(c);
    char *dt = dump(t), *dc = dump(c);
    cr_assert_str_eq(dt, dc);
    cr_assert_eq(fp_table_row_count(c), 119);
    cr_assert_str_eq(fp_table_source(c), fp_table_source(t));
    for (size_t r = 0; r < 119; r++) {
        cr_assert_eq(fp_table_row_line(c, r), fp_table_row_line(t, r));
        cr_assert_eq(fp_table_depth(c, r), fp_table_depth(t, r));
        cr_assert_eq(fp_table_first_child(c, r), fp_table_first_child(t, r));
        cr_assert_eq(fp_table_next_sibling(c, r), fp_table_next_sibling(t, r));
    }
    for (size_t k = 0; k < 11; k++)
        cr_assert_eq(fp_table_column_role(c, k), fp_table_column_role(t, k));
    const size_t *ct, *cc;
    cr_assert_eq(fp_table_categories(c, &cc), fp_table_categories(t, &ct));
    cr_assert_neq(cc, ct, "the clone owns its arrays");
    fp_table_set_amount(c, 8, 2, U(326));
    cr_assert_eq(fp_table_amount(c, 8, 2), U(326));
    cr_assert_eq(fp_table_amount(t, 8, 2), U(316), "the original is untouched");
    free(dt);
    free(dc);
    fp_table_free(c);
    fp_table_free(t);
}

Test(clone, of_a_reordered_parent_table_with_texts_and_unit)
{
    fp_table *t = th_load_text("单位：万元\n单位,上级,甲,合计,备注\nB,A,1.5,1.5,x\nA,,1.5,1.5,\n");
    fp_table *c = fp_table_clone(t);
    char *dt = dump(t), *dc = dump(c);
    cr_assert_str_eq(dt, dc);
    cr_assert_str_eq(fp_table_unit(c), "万元");
    cr_assert_eq(fp_table_first_root(c), 1);
    cr_assert_str_eq(th_children(c, 1), "B");
    free(dt);
    free(dc);
    fp_table_free(t);
    fp_table_free(c);
}

Test(set_amount, clears_blank)
{
    fp_table *t = th_load_text("单位,甲,合计\nA,,1\n");
    cr_assert_eq(fp_table_is_blank(t, 0, 1), 1);
    fp_table_set_amount(t, 0, 1, U(1));
    cr_assert_eq(fp_table_is_blank(t, 0, 1), 0);
    cr_assert_eq(fp_table_amount(t, 0, 1), U(1));
    fp_table_free(t);
}

Test(free, accepts_null)
{
    fp_table_free(NULL);
}

/* ---- a table written to a file ---- */

Test(file, written_to_the_test_folder_and_read_back)
{
    char *path = th_write_tmp_text("load-file.csv", "\xEF\xBB\xBF" "单位：万元\r\n级次,单位,甲,合计\r\n"
                                                    "0,总计,\"1,234\",1234\r\n");
    fp_table *t = NULL;
    fp_diag d;
    cr_assert_eq(fp_table_load_file(path, NULL, &t, &d), FP_OK, "%s", d.message);
    cr_assert_str_eq(fp_table_source(t), path);
    cr_assert_str_eq(fp_table_unit(t), "万元");
    cr_assert_eq(fp_table_amount(t, 0, 2), U(1234));
    cr_assert_eq(fp_table_row_line(t, 0), 3);
    fp_table_free(t);
    free(path);
}

/* ---- I/O failures ---- */

Test(io, reading_a_folder_is_an_io_error)
{
    fp_table *t = (fp_table *)1;
    fp_diag d;
    cr_assert_eq(fp_table_load_file(FENPEI_TEST_TMP, NULL, &t, &d), FP_ERR_IO);
    cr_assert_null(t);
    cr_assert_str_eq(d.file, FENPEI_TEST_TMP);
}

Test(io, writing_to_a_full_device_is_an_io_error)
{
    FILE *f = fopen("/dev/full", "w");
    cr_assert_not_null(f);
    fp_table *t = th_load_bundled();
    fp_diag d;
    cr_assert_eq(fp_table_write_csv(t, f, -1, &d), FP_ERR_IO, "5 KB do not fit the buffer");
    cr_assert_eq(d.code, FP_ERR_IO);
    fclose(f);
    fp_table_free(t);
}

Test(errors, no_bytes_at_all_from_memory)
{
    fp_table *t = (fp_table *)1;
    fp_diag d;
    cr_assert_eq(fp_table_load_memory(NULL, 0, NULL, NULL, &t, &d), FP_ERR_EMPTY);
    cr_assert_null(t);
    cr_assert_str_eq(d.file, "(memory)");
}

/* ---- byte-order marks under an explicit encoding, CR line ends ---- */

Test(encoding, utf16le_bom_is_dropped_when_the_encoding_is_given)
{
    size_t len;
    char *body = convert(small_csv, "UTF-16LE", &len);
    char *data = malloc(len + 2);
    memcpy(data, "\xFF\xFE", 2);
    memcpy(data + 2, body, len);
    fp_load_options o;
    fp_load_options_init(&o);
    o.encoding = "UTF-16LE";
    fp_table *t = load_bytes(data, len + 2, &o);
    cr_assert_str_eq(fp_table_column_name(t, 0), "级次", "no U+FEFF before the first header");
    cr_assert_eq(fp_table_column_role(t, 0), FP_ROLE_LEVEL);
    cr_assert_str_eq(th_children(t, 0), "A|B");
    fp_table_free(t);
    free(body);
    free(data);
}

Test(encoding, gb18030_bom_is_dropped_detected_or_given)
{
    char text[256];
    snprintf(text, sizeof text, "\xEF\xBB\xBF%s", chinese_csv);
    size_t len;
    char *gb = convert(text, "GB18030", &len);
    cr_assert_eq(memcmp(gb, "\x84\x31\x95\x33", 4), 0, "GB18030's byte-order mark");
    fp_load_options o;
    fp_load_options_init(&o);
    for (int given = 0; given < 2; given++) {
        o.encoding = given ? "GB18030" : NULL;
        fp_table *t = load_bytes(gb, len, &o);
        cr_assert_str_eq(fp_table_column_name(t, 0), "级次");
        cr_assert_eq(fp_table_column_role(t, 0), FP_ROLE_LEVEL);
        cr_assert_str_eq(th_children(t, 0), "乌鲁木齐市|喀什地区第一人民医院");
        fp_table_free(t);
    }
    free(gb);
}

Test(encoding, cr_line_ends_keep_line_numbers)
{
    fp_table *t = th_load_text("级次,单位,甲\r0,总计,3\r1,A,3\r");
    cr_assert_eq(fp_table_row_count(t), 2);
    cr_assert_eq(fp_table_row_line(t, 1), 3);
    fp_table_free(t);
    load_fails("级次,单位,甲\r0,总计,3\r1,A,3\r3,B,3\r", NULL, FP_ERR_TREE_DEPTH, 4, "级次", "3");
}

/* ---- the fast path for lines without quotes, against libcsv ---- */

/* A header with one quoted cell hands the whole input to libcsv; the same table without it is
 * split by the fast path. Both must give the same table, cell for cell. */
static void same_as_libcsv(const char *body)
{
    size_t cap = strlen(body) + 64;
    char *fast = malloc(cap), *slow = malloc(cap);
    snprintf(fast, cap, "级次,单位,甲,乙,合计\n%s", body);
    snprintf(slow, cap, "\"级次\",单位,甲,乙,合计\n%s", body);
    fp_table *a = load_bytes(fast, strlen(fast), NULL), *b = load_bytes(slow, strlen(slow), NULL);
    char *da = dump(a), *db = dump(b);
    cr_assert_str_eq(da, db);
    cr_assert_eq(fp_table_row_count(a), 3);
    for (size_t r = 0; r < fp_table_row_count(a); r++)
        cr_assert_eq(fp_table_row_line(a, r), fp_table_row_line(b, r), "line of row %zu", r);
    free(da), free(db), free(fast), free(slow);
    fp_table_free(a), fp_table_free(b);
}

Test(fastpath, trims_spaces_and_tabs_and_skips_blank_lines_as_libcsv_does)
{
    same_as_libcsv("0, 总计 ,3,\t4 ,7\r\n"
                   "   \r\n"
                   "\n"
                   "1,A ,1,2,3\n"
                   "1,  B,2, 2,4"); /* no line end at the end of the file */
}

Test(fastpath, a_quote_in_a_later_line_hands_the_rest_to_libcsv)
{
    fp_table *t = th_load_text("级次,单位,甲,乙,合计\n0,总计,3,4,7\n1,\"A, B\",1,2,3\n1,C,2,2,4\n");
    cr_assert_eq(fp_table_row_count(t), 3);
    cr_assert_str_eq(fp_table_row_name(t, 1), "A, B");
    cr_assert_str_eq(fp_table_row_name(t, 2), "C");
    cr_assert_eq(fp_table_row_line(t, 2), 4);
    fp_table_free(t);
}

Test(fastpath, errors_name_the_same_line_after_blank_and_crlf_lines)
{
    load_fails("级次,单位,甲,乙,合计\r\n\r\n0,总计,3,4,7\r\n\n3,A,1,2,3\r\n", NULL,
               FP_ERR_TREE_DEPTH, 5, "级次", "3");
    load_fails("\"级次\",单位,甲,乙,合计\r\n\r\n0,总计,3,4,7\r\n\n3,A,1,2,3\r\n", NULL,
               FP_ERR_TREE_DEPTH, 5, "级次", "3");
}

Test(fastpath, a_line_longer_than_a_chunk_is_joined_across_chunks)
{
    size_t n = (1u << 20) + 1000;
    char *name = malloc(n + 1);
    memset(name, 'x', n);
    name[n] = '\0';
    size_t cap = n + 200;
    char *text = malloc(cap);
    snprintf(text, cap, "级次,单位,甲,乙,合计\n0,总计,3,4,7\n1,%s,1,2,3\n1,B,2,2,4\n", name);
    fp_table *t = load_bytes(text, strlen(text), NULL);
    cr_assert_eq(strlen(fp_table_row_name(t, 1)), n);
    cr_assert_eq(fp_table_row_line(t, 2), 4);
    fp_table_free(t);
    free(name), free(text);
}

/* The same table, row for row: names, parents, lines, every cell's amount, blank bit and text. */
static void same_tables(const fp_table *a, const fp_table *b)
{
    cr_assert_eq(fp_table_row_count(a), fp_table_row_count(b));
    cr_assert_eq(fp_table_column_count(a), fp_table_column_count(b));
    for (size_t c = 0; c < fp_table_column_count(a); c++) {
        cr_assert_eq(fp_table_column_is_amount(a, c), fp_table_column_is_amount(b, c));
        cr_assert_eq(fp_table_column_decimals(a, c), fp_table_column_decimals(b, c));
    }
    for (size_t r = 0; r < fp_table_row_count(a); r++) {
        cr_assert_str_eq(fp_table_row_name(a, r), fp_table_row_name(b, r));
        cr_assert_eq(fp_table_parent(a, r), fp_table_parent(b, r), "parent of row %zu", r);
        cr_assert_eq(fp_table_row_line(a, r), fp_table_row_line(b, r), "line of row %zu", r);
        for (size_t c = 0; c < fp_table_column_count(a); c++) {
            if (fp_table_column_is_amount(a, c))
                cr_assert_eq(fp_table_is_blank(a, r, c), fp_table_is_blank(b, r, c));
            if (fp_table_column_is_amount(a, c))
                cr_assert_eq(fp_table_amount(a, r, c), fp_table_amount(b, r, c), "row %zu col %zu",
                             r, c);
            const char *x = fp_table_text(a, r, c), *y = fp_table_text(b, r, c);
            cr_assert_eq(x == NULL, y == NULL, "text of row %zu col %zu", r, c);
            if (x)
                cr_assert_str_eq(x, y);
        }
    }
}

Test(fastpath, cells_beside_plain_digits_are_stored_as_libcsv_and_the_general_path_store_them)
{
    /* leading zeros (kept as text), 13 digits, a sign, decimals, brackets, spaces, a short
     * record, a level written 00: each leaves the straight digit path for the general one */
    same_as_libcsv("00,总计,007,1234567890123,-5\n"
                   "1,A,1.50,(3), 12\n"
                   "1,B,,2\n");
    same_as_libcsv("0,总计,0,999999999999,1000000000000\n"
                   "1,A,12.0,3,4 \n"
                   "1,B,1,2,3,,\n");
}

Test(fastpath, a_level_out_of_range_is_refused_as_by_the_general_path)
{
    load_fails("级次,单位,甲\n0,总计,3\n100001,A,3\n", NULL, FP_ERR_TREE_DEPTH, 3, "级次", "100001");
    load_fails("级次,单位,甲\n0,总计,3\n1,A,3,4\n", NULL, FP_ERR_CSV, 3, "", "4");
}

/* A table of several chunks whose first chunk's lines are longer (or shorter) than the rest:
 * the size guessed from the first chunk is too small (or too big); either way the table is the
 * one libcsv reads. */
Test(fastpath, a_table_bigger_or_smaller_than_its_first_chunk_suggests_is_read_whole)
{
    for (int longfirst = 0; longfirst < 2; longfirst++) {
        size_t rows = 600000, cap = rows * 80 + 256, len = 0;
        char *slow = malloc(cap); /* the quoted header: libcsv throughout */
        len += (size_t)snprintf(slow + len, cap - len, "\"级次\",单位,甲,乙,合计\n0,总计,1,2,3\n");
        for (size_t r = 1; r < rows; r++) {
            int pad = (r < 60000) == longfirst ? 40 : 1;
            len += (size_t)snprintf(slow + len, cap - len, "1,县%0*zu,%zu,%zu,%zu\n", pad, r,
                                    r % 1000, r % 7, r % 1000 + r % 7);
        }
        char *fast = malloc(len);
        fast[0] = '\0';
        memcpy(fast, "级次", strlen("级次")); /* the same without the quotes */
        memcpy(fast + strlen("级次"), slow + strlen("\"级次\""), len - strlen("\"级次\""));
        size_t flen = len - 2;
        fp_table *a = load_bytes(fast, flen, NULL), *b = load_bytes(slow, len, NULL);
        cr_assert_str_eq(fp_table_column_name(a, 0), "级次");
        cr_assert_eq(fp_table_row_count(a), rows);
        same_tables(a, b);
        fp_table_free(a);
        fp_table_free(b);
        free(fast);
        free(slow);
    }
}

/* Amounts of 1 to 13 digits, with a decimal point, a sign or a letter after 1 to 8 of them, in
 * the middle of a line (read eight bytes at a time) and at its end (byte by byte): the same table
 * as libcsv's. */
Test(fastpath, amounts_of_every_length_read_eight_digits_at_a_time_are_exact)
{
    size_t cap = 1 << 16, len = 0;
    char *slow = malloc(cap);
    len += (size_t)snprintf(slow + len, cap - len, "\"级次\",单位,甲,乙,丙,合计\n0,总计,,,,\n");
    const char *digits = "1234567890123";
    for (int n = 1; n <= 13; n++)
        for (int k = 0; k <= n; k++) {
            if (k && n - k > 6)
                continue; /* at most 6 decimals */
            char a[32], b[32];
            snprintf(a, sizeof a, "%.*s", n, digits + (13 - n));
            /* B: the same digits with a point after K of them (none when K == N) */
            snprintf(b, sizeof b, "%.*s%s%.*s", k ? k : n, digits + (13 - n), k && k < n ? "." : "",
                     k && k < n ? n - k : 0, digits + (13 - n) + k);
            len += (size_t)snprintf(slow + len, cap - len, "1,县%d_%d,%s,%s,-%s,%s\n", n, k, a, b, a,
                                    a);
        }
    len += (size_t)snprintf(slow + len, cap - len,
                            "1,零,0,00,012345678,0\n1,空, , 12345678 ,12345678 ,1\n");
    cr_assert_lt(len, cap);
    size_t skip = strlen("\"级次\"") - strlen("级次");
    char *fast = malloc(len);
    memcpy(fast, "级次", strlen("级次"));
    memcpy(fast + strlen("级次"), slow + strlen("\"级次\""), len - strlen("\"级次\""));
    fp_table *a = load_bytes(fast, len - skip, NULL), *b = load_bytes(slow, len, NULL);
    same_tables(a, b);
    size_t r;
    cr_assert_eq(fp_table_find_row(a, "县12_0", &r), 1);
    cr_assert_eq(fp_table_amount(a, r, 2), INT64_C(234567890123) * FP_AMOUNT_SCALE);
    cr_assert_eq(fp_table_find_row(a, "县13_9", &r), 1);
    cr_assert_eq(fp_table_amount(a, r, 3), INT64_C(1234567890123) * FP_AMOUNT_SCALE / 10000);
    cr_assert_eq(fp_table_find_row(a, "县8_8", &r), 1);
    cr_assert_eq(fp_table_amount(a, r, 2), INT64_C(67890123) * FP_AMOUNT_SCALE);
    cr_assert_eq(fp_table_amount(a, r, 4), -INT64_C(67890123) * FP_AMOUNT_SCALE);
    fp_table_free(a);
    fp_table_free(b);
    free(fast);
    free(slow);
}
