/* tests/test_xlsx_read.c — the XLSX reader: workbooks from openpyxl and LibreOffice load to the
 * same table as the bundled CSV; sheets, cell types, exact numbers; every error names its place. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

#include "helpers.h"

#define U(x) ((fp_amount)(x) * FP_AMOUNT_SCALE)
#define XLSX_DIR FENPEI_SOURCE_DIR "/tests/data/xlsx/"
/* The code of a malformed workbook (FP_ERR_XLSX once error.h has it). */
#define ERR_FORMAT FP_ERR_XLSX

/* ---- loading ---- */

static fp_table *load_path(const char *path, const char *sheet)
{
    fp_load_options o;
    fp_load_options_init(&o);
    o.sheet = sheet;
    fp_table *t = NULL;
    fp_diag d;
    fp_error e = fp_table_load_file(path, &o, &t, &d);
    cr_assert_eq(e, FP_OK, "%s: %s: %s [%s]", path, fp_strerror(e), d.message, d.cell);
    return t;
}

/* Load LEN bytes as a workbook with sheet option SHEET; expect code WANT; return the diag. */
static fp_diag load_mem_fails(const void *data, size_t len, const char *sheet, fp_error want)
{
    fp_load_options o;
    fp_load_options_init(&o);
    o.sheet = sheet;
    fp_table *t = (fp_table *)1;
    fp_diag d;
    fp_error e = fp_table_load_memory(data, len, "book.xlsx", &o, &t, &d);
    cr_assert_eq(e, want, "expected %s, got %s (%s)", fp_strerror(want), fp_strerror(e),
                 d.message);
    cr_assert_null(t, "a failed load leaves *out NULL");
    cr_assert_eq(d.code, want);
    cr_assert_str_eq(d.file, "book.xlsx");
    cr_assert_neq(d.message[0], '\0');
    return d;
}

static fp_table *load_mem(const void *data, size_t len, const char *sheet)
{
    fp_load_options o;
    fp_load_options_init(&o);
    o.sheet = sheet;
    fp_table *t = NULL;
    fp_diag d;
    fp_error e = fp_table_load_memory(data, len, "book.xlsx", &o, &t, &d);
    cr_assert_eq(e, FP_OK, "%s: %s [%s]", fp_strerror(e), d.message, d.cell);
    return t;
}

/* T written as CSV, NUL-terminated. */
static char *csv_of(const fp_table *t)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    cr_assert_not_null(f);
    cr_assert_eq(fp_table_write_csv(t, f, -1, NULL), FP_OK);
    cr_assert_eq(fclose(f), 0);
    return buf;
}

/* Every cell, every role, the tree and the CSV output of GOT equal those of the bundled CSV. */
static void same_as_bundled(const fp_table *got)
{
    fp_table *want = th_load_bundled();
    size_t nr = fp_table_row_count(want), nc = fp_table_column_count(want);
    cr_assert_eq(fp_table_row_count(got), nr, "rows: expected %zu, got %zu", nr,
                 fp_table_row_count(got));
    cr_assert_eq(fp_table_column_count(got), nc);
    for (size_t c = 0; c < nc; c++) {
        cr_assert_str_eq(fp_table_column_name(got, c), fp_table_column_name(want, c));
        cr_assert_eq(fp_table_column_role(got, c), fp_table_column_role(want, c), "column %s",
                     fp_table_column_name(want, c));
        cr_assert_eq(fp_table_column_decimals(got, c), fp_table_column_decimals(want, c));
    }
    for (size_t r = 0; r < nr; r++) {
        cr_assert_eq(fp_table_parent(got, r), fp_table_parent(want, r), "row %zu", r);
        for (size_t c = 0; c < nc; c++) {
            if (fp_table_column_is_amount(want, c)) {
                cr_assert_eq(fp_table_amount(got, r, c), fp_table_amount(want, r, c),
                             "row %zu column %zu", r, c);
                cr_assert_eq(fp_table_is_blank(got, r, c), fp_table_is_blank(want, r, c));
            } else if (fp_table_column_role(want, c) != FP_ROLE_LEVEL) {
                cr_assert_str_eq(fp_table_text(got, r, c), fp_table_text(want, r, c),
                                 "row %zu column %zu", r, c);
            }
        }
    }
    char *a = csv_of(got), *b = csv_of(want);
    cr_assert_str_eq(a, b, "the CSV written from the workbook differs from the bundled table's");
    free(a);
    free(b);
    fp_table_free(want);
}

/* ---- workbooks made here, part by part (for what no writer at hand produces) ---- */

/* A ZIP of the NULL-terminated name, content, name, content, … list; its size to *LEN. */
static char *zip_parts(const char *const *parts, size_t *len)
{
    zip_error_t ze;
    zip_error_init(&ze);
    zip_source_t *src = zip_source_buffer_create(NULL, 0, 0, &ze);
    cr_assert_not_null(src);
    zip_t *za = zip_open_from_source(src, ZIP_TRUNCATE, &ze);
    cr_assert_not_null(za);
    zip_source_keep(src);
    for (size_t i = 0; parts[i]; i += 2) {
        zip_source_t *s = zip_source_buffer(za, parts[i + 1], strlen(parts[i + 1]), 0);
        cr_assert_not_null(s);
        cr_assert_geq(zip_file_add(za, parts[i], s, ZIP_FL_ENC_UTF_8), 0);
    }
    cr_assert_eq(zip_close(za), 0);
    zip_stat_t st;
    cr_assert_eq(zip_source_open(src), 0);
    cr_assert_eq(zip_source_stat(src, &st), 0);
    char *buf = malloc(st.size + 1);
    cr_assert_eq(zip_source_read(src, buf, st.size), (zip_int64_t)st.size);
    zip_source_close(src);
    zip_source_free(src);
    zip_error_fini(&ze);
    *len = st.size;
    return buf;
}

#define NS_MAIN "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
#define NS_REL "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
#define WORKBOOK_1(name)                                                                         \
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<workbook xmlns=\"" NS_MAIN "\" xmlns:r=\"" NS_REL \
    "\"><sheets><sheet name=\"" name "\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>"
#define RELS_1                                                                                   \
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Relationships xmlns=\"http://schemas."        \
    "openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"" NS_REL  \
    "/worksheet\" Target=\"worksheets/sheet1.xml\"/><Relationship Id=\"rId2\" Type=\"" NS_REL   \
    "/sharedStrings\" Target=\"sharedStrings.xml\"/></Relationships>"

/* A workbook with one sheet named NAME holding SHEET_DATA (the rows) and shared strings SST
 * (the <si> elements). */
static char *book_named(const char *name, const char *sheet_data, const char *sst, size_t *len)
{
    char workbook[1024], sheet[65536], strings[65536];
    snprintf(workbook, sizeof workbook,
             "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<workbook xmlns=\"" NS_MAIN
             "\" xmlns:r=\"" NS_REL "\"><sheets><sheet name=\"%s\" sheetId=\"1\" "
             "r:id=\"rId1\"/></sheets></workbook>",
             name);
    snprintf(sheet, sizeof sheet,
             "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<worksheet xmlns=\"" NS_MAIN
             "\">\n<sheetData>\n%s\n</sheetData>\n</worksheet>\n",
             sheet_data);
    snprintf(strings, sizeof strings,
             "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<sst xmlns=\"" NS_MAIN "\">%s</sst>",
             sst ? sst : "");
    const char *parts[] = {"xl/workbook.xml",          workbook,
                           "xl/_rels/workbook.xml.rels", RELS_1,
                           "xl/worksheets/sheet1.xml", sheet,
                           "xl/sharedStrings.xml",     strings,
                           NULL};
    return zip_parts(parts, len);
}

static char *book(const char *sheet_data, const char *sst, size_t *len)
{
    return book_named("S", sheet_data, sst, len);
}

/* Row N of inline-string cells A, B (header-like). */
#define HEADER "<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>单位</t></is></c>" \
               "<c r=\"B1\" t=\"inlineStr\"><is><t>金额</t></is></c></row>"
/* A data row: name (inline) and a number written as V. */
#define ROW(n, name, v) "<row r=\"" #n "\"><c r=\"A" #n "\" t=\"inlineStr\"><is><t>" name \
                        "</t></is></c><c r=\"B" #n "\"><v>" v "</v></c></row>"

/* ---- the bundled table from independent writers ---- */

Test(bundled, openpyxl_numbers_with_merged_title_load_like_the_csv)
{
    fp_table *t = load_path(XLSX_DIR "bundled-numbers.xlsx", NULL);
    same_as_bundled(t);
    cr_assert_str_eq(fp_table_unit(t), "万元", "the 单位：万元 line above the header is read");
    cr_assert_eq(fp_table_row_line(t, 0), 4, "line numbers are the sheet's row numbers");
    fp_table_free(t);
}

Test(bundled, openpyxl_numbers_as_text_load_like_the_csv)
{
    fp_table *t = load_path(XLSX_DIR "bundled-text.xlsx", NULL);
    same_as_bundled(t);
    fp_table_free(t);
}

Test(bundled, libreoffice_from_csv_loads_like_the_csv)
{
    fp_table *t = load_path(XLSX_DIR "lo-from-csv.xlsx", NULL);
    same_as_bundled(t);
    fp_table_free(t);
}

Test(bundled, libreoffice_resave_of_merged_title_loads_like_the_csv)
{
    fp_table *t = load_path(XLSX_DIR "lo-from-openpyxl.xlsx", NULL);
    same_as_bundled(t);
    cr_assert_str_eq(fp_table_unit(t), "万元");
    fp_table_free(t);
}

Test(bundled, from_memory_as_from_the_file)
{
    size_t len;
    char *data = th_read_file(XLSX_DIR "bundled-numbers.xlsx", &len);
    cr_assert_not_null(data);
    fp_table *t = load_mem(data, len, NULL);
    same_as_bundled(t);
    fp_table_free(t);
    free(data);
}

/* ---- sheets ---- */

Test(sheets, default_is_the_first_sheet_with_a_table)
{
    fp_table *t = load_path(XLSX_DIR "several-sheets.xlsx", NULL);
    cr_assert_eq(fp_table_row_count(t), 3);
    cr_assert_eq(fp_table_amount(t, th_row(t, "总计"), th_col(t, "金额")), U(30));
    fp_table_free(t);
}

Test(sheets, chosen_by_name)
{
    fp_table *t = load_path(XLSX_DIR "several-sheets.xlsx", "表2");
    cr_assert_eq(fp_table_amount(t, th_row(t, "总计"), th_col(t, "金额")), U(75) / 10);
    cr_assert_eq(fp_table_amount(t, th_row(t, "丙"), th_col(t, "金额")), U(325) / 100);
    cr_assert_eq(fp_table_column_decimals(t, th_col(t, "金额")), 2);
    fp_table_free(t);
}

Test(sheets, chosen_by_number)
{
    fp_table *t = load_path(XLSX_DIR "several-sheets.xlsx", "3");
    cr_assert_eq(fp_table_amount(t, th_row(t, "总计"), th_col(t, "金额")), U(75) / 10);
    fp_table_free(t);
    t = load_path(XLSX_DIR "several-sheets.xlsx", "2");
    cr_assert_eq(fp_table_amount(t, th_row(t, "总计"), th_col(t, "金额")), U(30));
    fp_table_free(t);
}

Test(sheets, unknown_sheet_is_an_error_listing_the_sheets)
{
    size_t len;
    char *data = th_read_file(XLSX_DIR "several-sheets.xlsx", &len);
    fp_diag d = load_mem_fails(data, len, "表9", FP_ERR_ARGUMENT);
    cr_assert(strstr(d.message, "\"表9\""), "%s", d.message);
    cr_assert(strstr(d.message, "1 \"说明\", 2 \"表1\", 3 \"表2\", 4 \"隐藏\""), "%s", d.message);
    load_mem_fails(data, len, "5", FP_ERR_ARGUMENT);
    load_mem_fails(data, len, "0", FP_ERR_ARGUMENT);
    free(data);
}

Test(sheets, the_program_takes_sheet_by_name_or_number_and_lists_them_when_unknown)
{
    const char *by_name[] = {FENPEI_BIN, "check", "--sheet", "表2", XLSX_DIR "several-sheets.xlsx",
                             NULL};
    th_run r = th_run_argv(by_name);
    cr_assert_eq(r.status, 0, "stderr: %s", r.err);
    th_run_free(&r);
    const char *unknown[] = {FENPEI_BIN, "check", "--sheet", "9", XLSX_DIR "several-sheets.xlsx",
                             NULL};
    r = th_run_argv(unknown);
    cr_assert_neq(r.status, 0);
    cr_assert(strstr(r.err, "no sheet \"9\""), "stderr: %s", r.err);
    cr_assert(strstr(r.err, "2 \"表1\""), "stderr: %s", r.err);
    th_run_free(&r);
}

Test(sheets, a_workbook_without_a_table_says_so)
{
    size_t len;
    char *data = book("<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>标题</t></is></c></row>",
                      NULL, &len);
    fp_diag d = load_mem_fails(data, len, NULL, FP_ERR_EMPTY);
    cr_assert(strstr(d.message, "no sheet holds a table"), "%s", d.message);
    cr_assert(strstr(d.message, "\"S\""), "%s", d.message);
    free(data);
}

/* ---- cells ---- */

Test(cells, booleans_errors_blanks_and_many_shared_strings)
{
    fp_table *t = load_path(XLSX_DIR "mixed-cells.xlsx", NULL);
    cr_assert_eq(fp_table_row_count(t), 58);
    size_t amount = th_col(t, "金额"), note = th_col(t, "备注"), flag = th_col(t, "核对");
    cr_assert_eq(fp_table_column_role(t, flag), FP_ROLE_TEXT);
    cr_assert_str_eq(fp_table_text(t, th_row(t, "总计"), flag), "TRUE");
    cr_assert_str_eq(fp_table_text(t, th_row(t, "甲"), flag), "FALSE");
    cr_assert_str_eq(fp_table_text(t, th_row(t, "丙"), flag), "#N/A");
    cr_assert_str_eq(fp_table_text(t, th_row(t, "甲"), note), "", "a missing cell is empty");
    cr_assert(fp_table_is_blank(t, th_row(t, "乙"), amount), "a missing amount is blank");
    cr_assert_eq(fp_table_amount(t, th_row(t, "丙"), amount), U(7));
    cr_assert_str_eq(fp_table_text(t, th_row(t, "县54"), note), "备注");
    cr_assert_str_eq(fp_table_text(t, th_row(t, "县54"), flag), "合计行");
    fp_table_free(t);
}

Test(cells, rich_text_runs_are_joined_and_phonetic_runs_dropped)
{
    size_t len;
    char *data = book("<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"B1\" t=\"s\"><v>1</v></c></row>"
                      "<row r=\"2\"><c r=\"A2\" t=\"s\"><v>2</v></c><c r=\"B2\" t=\"s\"><v>3</v></c></row>",
                      "<si><t>单位</t></si>"
                      "<si><r><rPr><b/></rPr><t>金</t></r><r><t xml:space=\"preserve\">额</t></r></si>"
                      "<si><r><t>喀什</t></r><r><t>地区</t></r><rPh sb=\"0\" eb=\"2\"><t>カシ</t></rPh>"
                      "<phoneticPr fontId=\"1\"/></si>"
                      "<si><t>1_x002C_234</t></si>",
                      &len);
    fp_table *t = load_mem(data, len, NULL);
    cr_assert_str_eq(fp_table_column_name(t, 1), "金额");
    cr_assert_str_eq(fp_table_row_name(t, 0), "喀什地区");
    cr_assert_eq(fp_table_amount(t, 0, 1), U(1234), "_x002C_ is a comma: 1,234");
    fp_table_free(t);
    free(data);
}

Test(cells, inline_strings_formula_strings_and_escapes)
{
    size_t len;
    char *data = book(HEADER
                      "<row r=\"2\"><c r=\"A2\" t=\"inlineStr\"><is><r><t>乌鲁木</t></r><r><t>齐市"
                      "</t></r></is></c><c r=\"B2\" t=\"str\"><f>TEXT(5,\"0\")</f><v>5</v></c></row>"
                      "<row r=\"3\"><c r=\"A3\" t=\"inlineStr\"><is><t>天山_x000D_\n区</t></is></c>"
                      "<c r=\"B3\" t=\"inlineStr\"><is><t>  3 </t></is></c></row>",
                      NULL, &len);
    fp_table *t = load_mem(data, len, NULL);
    cr_assert_str_eq(fp_table_row_name(t, 0), "乌鲁木齐市");
    cr_assert_str_eq(fp_table_row_name(t, 1), "天山\r\n区");
    cr_assert_eq(fp_table_amount(t, 0, 1), U(5));
    cr_assert_eq(fp_table_amount(t, 1, 1), U(3));
    fp_table_free(t);
    free(data);
}

Test(cells, missing_cells_rows_and_references_are_blank)
{
    size_t len;
    /* cells without r follow the one before; a style-only cell and an empty <v/> are blank;
     * rows 3 and 4 are missing (dropped like blank lines) */
    char *data = book("<row r=\"1\"><c t=\"inlineStr\"><is><t>单位</t></is></c><c t=\"inlineStr\">"
                      "<is><t>甲</t></is></c><c r=\"D1\" t=\"inlineStr\"><is><t>乙</t></is></c></row>"
                      "<row r=\"2\"><c t=\"inlineStr\"><is><t>A</t></is></c><c s=\"3\"/>"
                      "<c r=\"C2\"><v>1</v></c><c r=\"D2\"><v/></c></row>"
                      "<row r=\"5\"><c r=\"A5\" t=\"inlineStr\"><is><t>B</t></is></c>"
                      "<c r=\"D5\"><v>2</v></c></row>",
                      NULL, &len);
    fp_table *t = load_mem(data, len, NULL);
    cr_assert_eq(fp_table_column_count(t), 4);
    cr_assert_str_eq(fp_table_column_name(t, 2), "列3", "a missing header cell gets a name");
    cr_assert_eq(fp_table_row_count(t), 2);
    cr_assert(fp_table_is_blank(t, 0, 1));
    cr_assert(fp_table_is_blank(t, 0, 3));
    cr_assert_eq(fp_table_amount(t, 0, 2), U(1));
    cr_assert_eq(fp_table_amount(t, 1, 3), U(2));
    cr_assert_eq(fp_table_row_line(t, 1), 5);
    fp_table_free(t);
    free(data);
}

Test(numbers, are_read_exactly_from_their_text)
{
    size_t len;
    char *data = book(HEADER ROW(2, "a", "0.1") ROW(3, "b", "5141.3199999999997")
                          ROW(4, "c", "4104.2669999999998") ROW(5, "d", "1.5E-3")
                              ROW(6, "e", "2.6455E4") ROW(7, "f", "-0.30000000000000004")
                                  ROW(8, "g", "9.9999999999999995E-7") ROW(9, "h", "5438.4998")
                                      ROW(10, "i", "99999.999999999985") ROW(11, "j", "1E+3")
                                          ROW(12, "k", "-0"),
                      NULL, &len);
    fp_table *t = load_mem(data, len, NULL);
    static const fp_amount want[] = {100000,         5141320000, 4104267000, 1500,
                                     26455000000,    -300000,    1,          5438499800,
                                     100000000000,   1000000000, 0};
    cr_assert_eq(fp_table_row_count(t), 11);
    for (size_t r = 0; r < 11; r++)
        cr_assert_eq(fp_table_amount(t, r, 1), want[r], "row %zu (%s): expected %lld, got %lld",
                     r, fp_table_row_name(t, r), (long long)want[r],
                     (long long)fp_table_amount(t, r, 1));
    fp_table_free(t);
    free(data);
}

Test(numbers, a_17_digit_text_is_what_excel_shows)
{
    size_t len;
    char *data = book(HEADER ROW(2, "总计", "5141.3199999999997") ROW(3, "甲", "5141.32"), NULL,
                      &len);
    fp_table *t = load_mem(data, len, NULL);
    cr_assert_eq(fp_table_amount(t, 0, 1), U(514132) / 100);
    cr_assert_eq(fp_table_amount(t, 0, 1), fp_table_amount(t, 1, 1));
    cr_assert_eq(fp_table_column_decimals(t, 1), 2, "5141.32, not 13 decimals");
    char *csv = csv_of(t);
    cr_assert_str_eq(csv, "单位,金额\n总计,5141.32\n甲,5141.32\n");
    free(csv);
    fp_table_free(t);
    free(data);
}

Test(numbers, too_large_is_refused_with_the_cell)
{
    size_t len;
    char *data = book(HEADER ROW(2, "a", "1") ROW(3, "b", "1E+20"), NULL, &len);
    fp_diag d = load_mem_fails(data, len, NULL, FP_ERR_AMOUNT_OVERFLOW);
    cr_assert_str_eq(d.cell, "S!B3");
    free(data);
    /* a double that is no whole number of 10^-6 units is not silently cut */
    data = book(HEADER ROW(2, "a", "1") ROW(3, "b", "0.33333333333333331"), NULL, &len);
    d = load_mem_fails(data, len, NULL, FP_ERR_AMOUNT_PRECISION);
    cr_assert_str_eq(d.cell, "S!B3");
    cr_assert_str_eq(d.text, "0.333333333333333");
    free(data);
}

/* ---- errors name their place ---- */

Test(errors, an_error_cell_in_an_amount_column_names_the_cell)
{
    size_t len;
    char *data = book_named("表1", HEADER ROW(2, "a", "1")
                            "<row r=\"3\"><c r=\"A3\" t=\"inlineStr\"><is><t>b</t></is></c>"
                            "<c r=\"B3\" t=\"e\"><f>1/0</f><v>#REF!</v></c></row>",
                            NULL, &len);
    fp_diag d = load_mem_fails(data, len, NULL, FP_ERR_AMOUNT_SYNTAX);
    cr_assert_str_eq(d.cell, "表1!B3");
    cr_assert_str_eq(d.text, "#REF!");
    cr_assert_str_eq(d.column, "金额");
    free(data);
}

Test(errors, a_boolean_in_an_amount_column_is_not_1)
{
    size_t len;
    char *data = book(HEADER ROW(2, "a", "1") ROW(3, "c", "2")
                      "<row r=\"4\"><c r=\"A4\" t=\"inlineStr\"><is><t>b</t></is></c>"
                      "<c r=\"B4\" t=\"b\"><v>1</v></c></row>",
                      NULL, &len);
    fp_diag d = load_mem_fails(data, len, NULL, FP_ERR_AMOUNT_SYNTAX);
    cr_assert_str_eq(d.cell, "S!B4");
    cr_assert_str_eq(d.text, "TRUE");
    free(data);
}

Test(errors, the_program_prints_the_cell_of_a_bad_amount)
{
    size_t len;
    char *data = book_named("附件1", HEADER ROW(2, "a", "1") ROW(57, "b", "12万"), NULL, &len);
    char *path = th_write_tmp("bad-amount.xlsx", data, len);
    const char *argv[] = {FENPEI_BIN, "check", path, NULL};
    th_run r = th_run_argv(argv);
    cr_assert_neq(r.status, 0);
    cr_assert(strstr(r.err, "附件1!B57"), "stderr: %s", r.err);
    cr_assert(strstr(r.err, "12万"), "stderr: %s", r.err);
    th_run_free(&r);
    free(path);
    free(data);
}

Test(errors, a_shared_string_that_does_not_exist)
{
    size_t len;
    char *data = book(HEADER "<row r=\"2\"><c r=\"A2\" t=\"s\"><v>7</v></c></row>", "<si><t>x</t></si>",
                      &len);
    fp_diag d = load_mem_fails(data, len, NULL, ERR_FORMAT);
    cr_assert_str_eq(d.cell, "S!A2");
    cr_assert(strstr(d.message, "has 1 shared strings"), "%s", d.message);
    free(data);
}

Test(errors, cells_and_rows_out_of_order)
{
    size_t len;
    char *data = book(HEADER "<row r=\"2\"><c r=\"B2\"><v>1</v></c><c r=\"A2\"><v>2</v></c></row>",
                      NULL, &len);
    fp_diag d = load_mem_fails(data, len, NULL, ERR_FORMAT);
    cr_assert_str_eq(d.cell, "S!A2");
    free(data);
    data = book(HEADER ROW(3, "a", "1") ROW(2, "b", "1"), NULL, &len);
    d = load_mem_fails(data, len, NULL, ERR_FORMAT);
    cr_assert(strstr(d.message, "row 2 comes after row 3"), "%s", d.message);
    free(data);
    data = book(HEADER "<row r=\"2\"><c r=\"2B\"><v>1</v></c></row>", NULL, &len);
    d = load_mem_fails(data, len, NULL, ERR_FORMAT);
    cr_assert(strstr(d.message, "\"2B\""), "%s", d.message);
    free(data);
}

Test(errors, malformed_xml_names_the_part_and_line)
{
    size_t len;
    char *data = book(HEADER "\n<row r=\"2\"><c r=\"A2\"><v>1</c></row>", NULL, &len);
    fp_diag d = load_mem_fails(data, len, NULL, ERR_FORMAT);
    cr_assert(strstr(d.message, "xl/worksheets/sheet1.xml line 5"), "%s", d.message);
    cr_assert(strstr(d.message, "malformed XML: mismatched tag"), "%s", d.message);
    free(data);
}

Test(errors, a_doctype_is_refused_so_entities_cannot_explode)
{
    const char *sheet = "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [<!ENTITY lol \"lol\">"
                        "<!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">]>"
                        "<worksheet xmlns=\"" NS_MAIN "\"><sheetData><row><c t=\"inlineStr\"><is>"
                        "<t>&lol2;</t></is></c></row></sheetData></worksheet>";
    const char *parts[] = {"xl/workbook.xml", WORKBOOK_1("S"), "xl/_rels/workbook.xml.rels",
                           RELS_1, "xl/worksheets/sheet1.xml", sheet, NULL};
    size_t len;
    char *data = zip_parts(parts, &len);
    fp_diag d = load_mem_fails(data, len, NULL, ERR_FORMAT);
    cr_assert(strstr(d.message, "DOCTYPE"), "%s", d.message);
    free(data);
}

Test(errors, deeply_nested_xml_is_refused)
{
    char rows[8192] = "";
    for (int i = 0; i < 300; i++)
        strcat(rows, "<a>");
    for (int i = 0; i < 300; i++)
        strcat(rows, "</a>");
    size_t len;
    char *data = book(rows, NULL, &len);
    fp_diag d = load_mem_fails(data, len, NULL, ERR_FORMAT);
    cr_assert(strstr(d.message, "nested more than"), "%s", d.message);
    free(data);
}

Test(errors, a_zip_bomb_is_refused_before_it_is_read)
{
    fp_load_options o;
    fp_load_options_init(&o);
    fp_table *t = (fp_table *)1;
    fp_diag d;
    cr_assert_eq(fp_table_load_file(XLSX_DIR "bomb.xlsx", &o, &t, &d), ERR_FORMAT);
    cr_assert_null(t);
    cr_assert(strstr(d.message, "xl/worksheets/sheet2.xml"), "%s", d.message);
    cr_assert(strstr(d.message, "ZIP bomb"), "%s", d.message);
}

Test(errors, a_truncated_or_damaged_file)
{
    size_t len;
    char *data = th_read_file(XLSX_DIR "bundled-numbers.xlsx", &len);
    fp_diag d = load_mem_fails(data, len / 2, NULL, ERR_FORMAT);
    cr_assert(strstr(d.message, "damaged or truncated"), "%s", d.message);
    /* damage the compressed sheet (after its local header, which names it): the reader names
     * the part */
    static const char name[] = "xl/worksheets/sheet1.xml";
    size_t at = 0;
    while (at + sizeof name < len && memcmp(data + at, name, sizeof name - 1) != 0)
        at++;
    cr_assert_lt(at + 1000, len);
    for (size_t i = at + 500; i < at + 600; i++)
        data[i] = (char)(data[i] ^ 0x5A);
    d = load_mem_fails(data, len, NULL, ERR_FORMAT);
    cr_assert(strstr(d.message, "xl/"), "%s", d.message);
    free(data);
}

Test(errors, zips_that_are_not_workbooks)
{
    const char *ods[] = {"mimetype", "application/vnd.oasis.opendocument.spreadsheet",
                         "content.xml", "<x/>", NULL};
    size_t len;
    char *data = zip_parts(ods, &len);
    fp_diag d = load_mem_fails(data, len, NULL, ERR_FORMAT);
    cr_assert(strstr(d.message, "xl/workbook.xml"), "%s", d.message);
    cr_assert(strstr(d.message, ".ods"), "%s", d.message);
    free(data);
    const char *other[] = {"a.txt", "x", NULL};
    data = zip_parts(other, &len);
    d = load_mem_fails(data, len, NULL, ERR_FORMAT);
    cr_assert(strstr(d.message, "not an Excel workbook"), "%s", d.message);
    free(data);
    const char *norels[] = {"xl/workbook.xml", WORKBOOK_1("S"), NULL};
    data = zip_parts(norels, &len);
    d = load_mem_fails(data, len, NULL, ERR_FORMAT);
    cr_assert(strstr(d.message, "xl/_rels/workbook.xml.rels"), "%s", d.message);
    free(data);
}

Test(errors, an_xls_file_is_refused_with_advice)
{
    static const unsigned char ole[16] = {0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1};
    fp_diag d = load_mem_fails(ole, sizeof ole, NULL, ERR_FORMAT);
    cr_assert(strstr(d.message, ".xls"), "%s", d.message);
}

/* ---- what other writers do ---- */

Test(writers, absolute_targets_prefixed_elements_and_a_moved_workbook)
{
    const char *pkg = "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/"
                      "relationships\"><Relationship Id=\"rId1\" Type=\"" NS_REL
                      "/officeDocument\" Target=\"/book/main.xml\"/></Relationships>";
    const char *wb = "<x:workbook xmlns:x=\"" NS_MAIN "\" xmlns:r=\"" NS_REL "\"><x:sheets>"
                     "<x:sheet name=\"Hidden\" sheetId=\"1\" state=\"hidden\" r:id=\"rId1\"/>"
                     "<x:sheet name=\"数据\" sheetId=\"2\" r:id=\"rId2\"/></x:sheets></x:workbook>";
    const char *rels = "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/"
                       "relationships\"><Relationship Id=\"rId1\" Type=\"" NS_REL
                       "/worksheet\" Target=\"/book/s/one.xml\"/><Relationship Id=\"rId2\" "
                       "Type=\"" NS_REL "/worksheet\" Target=\"./s/../s/two%20b.xml\"/>"
                       "</Relationships>";
    const char *s1 = "<x:worksheet xmlns:x=\"" NS_MAIN "\"><x:sheetData><x:row><x:c t=\"inlineStr\">"
                     "<x:is><x:t>h</x:t></x:is></x:c><x:c t=\"inlineStr\"><x:is><x:t>v</x:t>"
                     "</x:is></x:c></x:row><x:row><x:c t=\"inlineStr\"><x:is><x:t>a</x:t></x:is>"
                     "</x:c><x:c><x:v>7</x:v></x:c></x:row></x:sheetData></x:worksheet>";
    const char *s2 = "<x:worksheet xmlns:x=\"" NS_MAIN "\"><x:sheetData>"
                     "<x:row r=\"1\"><x:c r=\"A1\" t=\"inlineStr\"><x:is><x:t>单位</x:t></x:is></x:c>"
                     "<x:c r=\"B1\" t=\"inlineStr\"><x:is><x:t>金额</x:t></x:is></x:c></x:row>"
                     "<x:row r=\"2\"><x:c r=\"A2\" t=\"inlineStr\"><x:is><x:t>甲</x:t></x:is></x:c>"
                     "<x:c r=\"B2\"><x:v>42</x:v></x:c></x:row></x:sheetData></x:worksheet>";
    const char *parts[] = {"_rels/.rels",         pkg, "book/main.xml", wb,
                           "book/_rels/main.xml.rels", rels, "book/s/one.xml", s1,
                           "book/s/two b.xml",    s2,  NULL};
    size_t len;
    char *data = zip_parts(parts, &len);
    fp_table *t = load_mem(data, len, NULL); /* visible sheets first */
    cr_assert_eq(fp_table_amount(t, 0, 1), U(42));
    fp_table_free(t);
    t = load_mem(data, len, "Hidden"); /* a hidden sheet by name */
    cr_assert_eq(fp_table_amount(t, 0, 1), U(7));
    cr_assert_eq(fp_table_row_line(t, 0), 2, "rows without r count from 1");
    fp_table_free(t);
    free(data);
}

Test(writers, a_csv_that_starts_with_pk_is_still_a_csv)
{
    fp_table *t = th_load_text("PK单位,金额\n甲,1\n");
    cr_assert_str_eq(fp_table_column_name(t, 0), "PK单位");
    fp_table_free(t);
}

/* ---- formulas without cached values (scripts and openpyxl write them so) ---- */

Test(formulas, openpyxl_subtotals_as_sum_formulas_load_like_the_csv)
{
    fp_table *t = load_path(XLSX_DIR "bundled-formulas.xlsx", NULL);
    same_as_bundled(t);
    fp_table_free(t);
}

/* A formula cell of column B without a cached value, as openpyxl writes it. */
#define FROW(n, name, f) "<row r=\"" #n "\"><c r=\"A" #n "\" t=\"inlineStr\"><is><t>" name \
                         "</t></is></c><c r=\"B" #n "\"><f>" f "</f><v></v></c></row>"

Test(formulas, sum_plus_and_minus_are_evaluated_exactly)
{
    size_t len;
    char *data = book(HEADER FROW(2, "t", "SUM(B3:B4, 0.05) + $B$5 - (B6 - 1)") ROW(3, "a", "0.1")
                          ROW(4, "b", "0.2") FROW(5, "c", "B3+B4") ROW(6, "d", "1.3"),
                      NULL, &len);
    fp_table *t = load_mem(data, len, NULL);
    size_t b = th_col(t, "金额");
    /* 0.1 + 0.2 + 0.05 + 0.3 - 0.3 = 0.35 exactly, which doubles cannot give */
    cr_assert_eq(fp_table_amount(t, th_row(t, "t"), b), 350000);
    cr_assert_eq(fp_table_amount(t, th_row(t, "c"), b), 300000);
    fp_table_free(t);
    free(data);
}

Test(formulas, another_function_is_a_located_error_naming_the_formula)
{
    size_t len;
    char *data = book(HEADER ROW(2, "a", "1") FROW(3, "t", "AVERAGE(B2:B2)"), NULL, &len);
    fp_diag d = load_mem_fails(data, len, NULL, ERR_FORMAT);
    cr_assert_str_eq(d.cell, "S!B3");
    cr_assert(strstr(d.message, "=AVERAGE(B2:B2)"), "%s", d.message);
    free(data);
    data = book(HEADER FROW(2, "a", "B3") FROW(3, "b", "B2+1"), NULL, &len);
    d = load_mem_fails(data, len, NULL, ERR_FORMAT);
    cr_assert(strstr(d.message, "circular reference"), "%s", d.message);
    free(data);
    data = book(HEADER FROW(2, "a", "Sheet2!B3"), NULL, &len);
    d = load_mem_fails(data, len, NULL, ERR_FORMAT);
    cr_assert_str_eq(d.cell, "S!B2");
    cr_assert(strstr(d.message, "=Sheet2!B3"), "%s", d.message);
    free(data);
}

/* ---- messages ---- */

Test(errors, the_program_names_a_row_once)
{
    size_t len;
    char *data = book_named("附件1", HEADER ROW(3, "a", "1") ROW(2, "b", "1"), NULL, &len);
    char *path = th_write_tmp("rows-out-of-order.xlsx", data, len);
    const char *argv[] = {FENPEI_BIN, "check", path, NULL};
    th_run r = th_run_argv(argv);
    cr_assert_eq(r.status, 2);
    const char *at = strstr(r.err, "附件1!2:2");
    cr_assert(at, "stderr: %s", r.err);
    cr_assert_null(strstr(at + 1, "附件1!2:2"), "the row is named twice: %s", r.err);
    th_run_free(&r);
    free(path);
    free(data);
}

/* ---- limits ---- */

Test(errors, a_shared_strings_bomb_is_refused_with_the_limit)
{
    /* 9 million empty strings: 45 MB of XML, compressed to well under 1 MB, would take 150 MB */
    size_t n = 9000000, len;
    const char *head = "<?xml version=\"1.0\"?><sst xmlns=\"" NS_MAIN "\">";
    size_t hl = strlen(head);
    char *sst = malloc(hl + 5 * n + 16);
    cr_assert_not_null(sst);
    memcpy(sst, head, hl);
    for (size_t i = 0; i < n; i++)
        memcpy(sst + hl + 5 * i, "<si/>", 5);
    strcpy(sst + hl + 5 * n, "</sst>");
    char workbook[1024], sheet[1024];
    snprintf(workbook, sizeof workbook, "%s", WORKBOOK_1("S"));
    snprintf(sheet, sizeof sheet,
             "<?xml version=\"1.0\"?><worksheet xmlns=\"" NS_MAIN "\"><sheetData>%s</sheetData>"
             "</worksheet>",
             HEADER);
    const char *parts[] = {"xl/workbook.xml", workbook, "xl/_rels/workbook.xml.rels", RELS_1,
                           "xl/worksheets/sheet1.xml", sheet, "xl/sharedStrings.xml", sst, NULL};
    char *data = zip_parts(parts, &len);
    free(sst);
    fp_diag d = load_mem_fails(data, len, NULL, ERR_FORMAT);
    cr_assert(strstr(d.message, "more than 128 MB"), "%s", d.message);
    free(data);
}
