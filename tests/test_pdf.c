/* tests/test_pdf.c — notice PDFs from three producers (reportlab, LibreOffice Calc, LibreOffice
 * Writer; tests/make_pdf_fixtures.py) and their pdftotext -layout texts: read back to exactly the
 * bundled table, the letter's metadata, the table chosen among the attachments, and each PDF that
 * cannot be read (no table, a scan, a password, cut short) a clear exit 2. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "helpers.h"

#define PDF_DIR FENPEI_SOURCE_DIR "/tests/data/pdf/"


static char *fixture(const char *name) { return th_path(PDF_DIR, name); }

/* `fenpei convert NAME -o OUT` writes exactly the bytes of the bundled CSV, and says nothing. */
static void converts_to_bundled(const char *name)
{
    char *in = fixture(name);
    char out_name[256];
    snprintf(out_name, sizeof out_name, "pdf-convert-%s.csv", name);
    th_converts_to(in, out_name, TH_BUNDLED);
    free(in);
}

Test(pdf, reportlab_converts_to_the_bundled_table) { converts_to_bundled("reportlab.pdf"); }
Test(pdf, libreoffice_calc_converts_to_the_bundled_table) { converts_to_bundled("libreoffice.pdf"); }
Test(pdf, libreoffice_writer_converts_to_the_bundled_table) { converts_to_bundled("writer.pdf"); }
Test(pdf, reportlab_text_converts_to_the_bundled_table) { converts_to_bundled("reportlab.txt"); }
Test(pdf, libreoffice_calc_text_converts_to_the_bundled_table)
{
    converts_to_bundled("libreoffice.txt");
}
Test(pdf, libreoffice_writer_text_converts_to_the_bundled_table)
{
    converts_to_bundled("writer.txt");
}

/* A notice set in STSong-Light, a CID font reportlab names but never embeds: poppler needs the
 * CMaps of poppler-data (dev.sh installs it) to know its characters. */
Test(pdf, a_non_embedded_cjk_font_converts_to_the_bundled_table)
{
    converts_to_bundled("cid-stsong.pdf");
    converts_to_bundled("cid-stsong.txt");
}

static fp_table *load(const char *name, const fp_load_options *o)
{
    char *path = fixture(name);
    fp_table *t = NULL;
    fp_diag d;
    fp_error e = fp_table_load_file(path, o, &t, &d);
    cr_assert_eq(e, FP_OK, "%s: %s", name, d.message);
    free(path);
    return t;
}

/* The letter's metadata, exactly. */
static void letter_read(const char *name, int first, int last)
{
    fp_table *t = load(name, NULL);
    fp_origin o;
    fp_table_origin(t, &o);
    cr_assert_eq(o.first_page, first, "%s: first page %d", name, o.first_page);
    cr_assert_eq(o.last_page, last, "%s: last page %d", name, o.last_page);
    cr_assert_str_eq(o.doc_number, "新财社〔2024〕24号");
    cr_assert_str_eq(o.title, "关于下达2024年自治区基本公共卫生服务补助资金（第二批）的通知");
    cr_assert_str_eq(o.issuer, "新疆维吾尔自治区财政厅");
    cr_assert_str_eq(o.unit, "万元");
    cr_assert_eq(o.ncodes, 2);
    cr_assert_str_eq(o.codes[0], "1100249");
    cr_assert_str_eq(o.codes[1], "2100408");
    cr_assert_str_eq(fp_table_title(t), "2024年自治区基本公共卫生服务补助资金（第二批）分配表");
    cr_assert_eq(fp_table_row_count(t), 119);
    fp_table_free(t);
}

Test(pdf, reportlab_letter) { letter_read("reportlab.pdf", 2, 6); }
Test(pdf, non_embedded_font_letter) { letter_read("cid-stsong.pdf", 2, 6); }
Test(pdf, libreoffice_letter) { letter_read("libreoffice.pdf", 2, 5); }
Test(pdf, writer_letter) { letter_read("writer.pdf", 2, 6); }
Test(pdf, text_letter) { letter_read("reportlab.txt", 0, 0); }

Test(pdf, a_table_from_memory_is_the_same)
{
    char *path = fixture("reportlab.pdf");
    size_t n;
    char *data = th_read_file(path, &n);
    fp_table *t = NULL;
    fp_diag d;
    cr_assert_eq(fp_table_load_memory(data, n, "notice.pdf", NULL, &t, &d), FP_OK, "%s",
                 d.message);
    fp_table *u = th_load_bundled();
    cr_assert_eq(fp_table_row_count(t), fp_table_row_count(u));
    size_t total = th_col(t, "全年应拨付资金合计"), utotal = th_col(u, "全年应拨付资金合计");
    for (size_t r = 0; r < fp_table_row_count(t); r++)
        cr_assert_eq(fp_table_amount(t, r, total), fp_table_amount(u, r, utotal), "row %zu", r);
    cr_assert_str_eq(fp_table_source(t), "notice.pdf");
    fp_table_free(u);
    fp_table_free(t);
    free(data);
    free(path);
}

/* ---- choosing a table ---- */

Test(pdf, the_allocation_table_is_chosen_over_the_performance_table)
{
    fp_table *t = load("reportlab.pdf", NULL);
    cr_assert_str_eq(fp_table_row_name(t, fp_table_first_root(t)), "总计");
    fp_table_free(t);
}

Test(pdf, table_2_is_the_performance_table)
{
    fp_load_options o;
    fp_load_options_init(&o);
    o.table = 2;
    fp_table *t = load("reportlab.pdf", &o);
    cr_assert_eq(fp_table_row_count(t), 4);
    size_t root = fp_table_first_root(t);
    cr_assert_str_eq(fp_table_row_name(t, root), "合计");
    cr_assert_eq(fp_table_amount(t, root, th_col(t, "年度资金总额")),
                 9838 * FP_AMOUNT_SCALE);
    cr_assert_str_eq(fp_table_title(t), "2024年自治区基本公共卫生服务补助资金绩效目标表");
    fp_origin o2;
    fp_table_origin(t, &o2);
    cr_assert_eq(o2.first_page, 7);
    fp_table_free(t);
}

Test(pdf, table_beyond_the_last_is_exit_2)
{
    char *in = fixture("reportlab.pdf");
    th_run r = TH_FENPEI("check", in, "--table", "3");
    cr_assert_eq(r.status, 2);
    cr_assert(strstr(r.err, "table 3 asked for, but") && strstr(r.err, "holds 2 tables"), "%s",
              r.err);
    th_run_free(&r);
    th_run s = TH_FENPEI("check", in, "--table", "0");
    cr_assert_eq(s.status, 2);
    cr_assert(strstr(s.err, "--table: expected a table number"), "%s", s.err);
    th_run_free(&s);
    free(in);
}

Test(pdf, json_report_carries_the_source)
{
    char *in = fixture("reportlab.pdf");
    th_run r = TH_FENPEI("check", "--format", "json", in);
    cr_assert_eq(r.status, 0, "%s", r.err);
    char want[1024];
    snprintf(want, sizeof want,
             "\"source\":{\"file\":\"%s\",\"pages\":[2,6],\"doc_number\":\"新财社〔2024〕24号\","
             "\"title\":\"关于下达2024年自治区基本公共卫生服务补助资金（第二批）的通知\","
             "\"issuer\":\"新疆维吾尔自治区财政厅\",\"unit\":\"万元\","
             "\"codes\":[\"1100249\",\"2100408\"]}",
             in);
    cr_assert(strstr(r.out, want), "got %s", r.out);
    th_run_free(&r);
    free(in);
}

Test(pdf, show_tree_starts_with_the_notice)
{
    char *in = fixture("writer.pdf");
    th_run r = TH_FENPEI("convert", in, "--show-tree");
    cr_assert_eq(r.status, 0, "%s", r.err);
    char want[1024];
    snprintf(want, sizeof want,
             "# %s, pages 2–6\n# 文号: 新财社〔2024〕24号\n"
             "# 标题: 关于下达2024年自治区基本公共卫生服务补助资金（第二批）的通知\n"
             "# 发文机关: 新疆维吾尔自治区财政厅\n# 单位: 万元\n# 科目: 1100249 2100408\n"
             "  拨款单位  全年应拨付资金合计（万元）\n  总计  29260\n",
             in);
    cr_assert(strncmp(r.out, want, strlen(want)) == 0, "got %.600s", r.out);
    th_run_free(&r);
    free(in);
}

/* ---- PDFs that cannot be read ---- */

static void refused(const char *name, fp_error code, const char *message)
{
    char *in = fixture(name);
    fp_table *t = NULL;
    fp_diag d;
    cr_assert_eq(fp_table_load_file(in, NULL, &t, &d), code, "%s: %s", name, d.message);
    cr_assert_null(t);
    cr_assert(strstr(d.message, message), "%s: %s", name, d.message);
    const char *const cmds[] = {"check", "convert", "realloc", "notice"};
    for (size_t k = 0; k < 4; k++) {
        th_run r = k == 1   ? TH_FENPEI("convert", in, "--show-tree")
                   : k == 2 ? TH_FENPEI("realloc", in, "--set", "总计:原基本公共卫生项目=27000", "-o",
                                     "/nonexistent/x.csv")
                   : k == 3 ? TH_FENPEI("notice", in, "-o", "/nonexistent/x.xlsx")
                            : TH_FENPEI("check", in);
        cr_assert_eq(r.status, 2, "%s %s: exit %d", cmds[k], name, r.status);
        cr_assert(strstr(r.err, message), "%s %s: %s", cmds[k], name, r.err);
        cr_assert_str_eq(r.out, "");
        th_run_free(&r);
    }
    free(in);
}

Test(pdf, a_pdf_without_a_table)
{
    refused("letter-only.pdf", FP_ERR_EMPTY, "no table found in ");
}
Test(pdf, a_scanned_pdf) { refused("scanned.pdf", FP_ERR_PDF_NO_TEXT, "holds no text layer"); }
Test(pdf, an_encrypted_pdf) { refused("encrypted.pdf", FP_ERR_PDF_ENCRYPTED, "is encrypted"); }
Test(pdf, a_truncated_pdf) { refused("truncated.pdf", FP_ERR_PDF, "truncated or damaged"); }

Test(pdf, a_damaged_pdf)
{
    const char bad[] = "%PDF-1.4\nthis is not a PDF body at all\n%%EOF\n";
    fp_table *t = NULL;
    fp_diag d;
    cr_assert_eq(fp_table_load_memory(bad, sizeof bad - 1, "bad.pdf", NULL, &t, &d), FP_ERR_PDF);
    cr_assert(strstr(d.message, "damaged"), "%s", d.message);
    cr_assert_null(t);
}

Test(pdf, glib_prints_nothing)
{
    /* poppler's complaints about a damaged file go nowhere near the user's terminal */
    char *in = th_write_tmp("damaged.pdf", "%PDF-1.7\n1 0 obj << /Type /Catalog >>\n%%EOF\n",
                            strlen("%PDF-1.7\n1 0 obj << /Type /Catalog >>\n%%EOF\n"));
    th_run r = TH_FENPEI("check", in);
    cr_assert_eq(r.status, 2);
    cr_assert(strncmp(r.err, "fenpei: ", 8) == 0 && !strchr(r.err, '\n')[1], "%s", r.err);
    th_run_free(&r);
    free(in);
}

/* ---- a published notice we did not design, printed by Chromium ---- */

Test(pdf, a_published_notice_printed_by_chromium)
{
    const char *const names[] = {"yiyang.pdf", "yiyang.txt"};
    for (size_t k = 0; k < 2; k++) {
        fp_table *t = load(names[k], NULL);
        cr_assert_eq(fp_table_row_count(t), 4);
        size_t total = th_row(t, "合计"), col = th_col(t, "补助资金（万元）");
        cr_assert_eq(fp_table_first_root(t), total, "合计 at the bottom heads the table");
        cr_assert_eq(fp_table_amount(t, total, col), 400 * FP_AMOUNT_SCALE);
        cr_assert_eq(fp_table_parent(t, th_row(t, "大通湖区")), total);
        cr_assert_eq(fp_table_amount(t, th_row(t, "赫山区"), col), 210 * FP_AMOUNT_SCALE);
        fp_origin o;
        fp_table_origin(t, &o);
        cr_assert_null(o.doc_number, "%s: a 文号 cited in a sentence is not the notice's: %s",
                       names[k], o.doc_number);
        cr_assert_str_eq(o.title,
                         "益阳市财政局益阳市民政局关于下达2017年自然灾害生活补助资金的通知");
        cr_assert_eq(o.ncodes, 1);
        cr_assert_str_eq(o.codes[0], "2081503");
        cr_assert_eq(o.first_page, k == 0 ? 2 : 0);
        fp_table_free(t);
    }
}

Test(pdf, realloc_and_notice_read_a_pdf)
{
    char *in = fixture("reportlab.pdf");
    char *out = th_out_path("pdf-realloc.csv");
    th_run r = TH_FENPEI("realloc", in, "--set", "总计:原基本公共卫生项目=27000", "-o", out);
    cr_assert_eq(r.status, 0, "%s", r.err);
    fp_table *t = NULL;
    fp_diag d;
    cr_assert_eq(fp_table_load_file(out, NULL, &t, &d), FP_OK, "%s", d.message);
    cr_assert_eq(fp_table_amount(t, th_row(t, "总计"), th_col(t, "原基本公共卫生项目")),
                 27000 * FP_AMOUNT_SCALE);
    fp_table_free(t);
    th_run_free(&r);
    char *x = th_out_path("pdf-notice.xlsx");
    th_run s = TH_FENPEI("notice", in, "-o", x);
    cr_assert_eq(s.status, 0, "%s", s.err);
    th_run_free(&s);
    free(x);
    free(out);
    free(in);
}

/* ---- the letter of a notice PDF, read for check --letter ---- */

Test(letter, a_pdf_letter_is_checked_against_the_table)
{
    th_run r = TH_FENPEI("check", TH_BUNDLED, "--letter", PDF_DIR "letter-only.pdf");
    cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
    cr_assert_not_null(strstr(r.out, "letter-only.pdf：1 处金额，1 处与表一致，0 个错误，0 个警告。"),
                       "%s", r.out);
    th_run_free(&r);
    /* the whole notice: the letter's 3327万元 is found on its first page */
    th_run j = TH_FENPEI("check", "--format", "json", TH_BUNDLED, "--letter", PDF_DIR "reportlab.pdf");
    cr_assert_eq(j.status, 0, "%s%s", j.out, j.err);
    cr_assert_not_null(strstr(j.out, "\"stated\":\"3327\",\"unit\":\"总计\",\"column\":\"此次下达\","
                                     "\"expected\":\"3327\""),
                       "%s", j.out);
    th_run_free(&j);
}

Test(letter, a_truncated_pdf_letter_is_a_clear_error)
{
    th_run r = TH_FENPEI("check", TH_BUNDLED, "--letter", PDF_DIR "truncated.pdf");
    cr_assert_eq(r.status, 2);
    cr_assert_not_null(strstr(r.err, "truncated or damaged"), "%s", r.err);
    th_run_free(&r);
}
