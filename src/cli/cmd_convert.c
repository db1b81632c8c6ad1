/* cli/cmd_convert.c — fenpei convert: write any table fenpei reads (a notice copied out of a PDF,
 * XLSX, CSV) as the canonical CSV (级次, 单位, amounts, texts), and show the tree it understood. */
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

static const char usage_text[] =
    "usage: fenpei convert [OPTIONS] TABLE -o OUTPUT.csv\n"
    "       fenpei convert [OPTIONS] TABLE --show-tree\n"
    "\n"
    "Read an allocation table — a notice table copied out of a PDF (no 级次 column: the tree\n"
    "is rebuilt from the order, the names and the sums of the rows), an XLSX workbook or a CSV —\n"
    "and write it as the canonical CSV: 级次, 单位, the amount columns, the text columns, rows\n"
    "in tree order, every amount written (a blank cell as 0), UTF-8 with CRLF line ends.\n"
    "\n"
    "Options:\n"
    "  -o, --output FILE   write the canonical CSV to FILE (through a temporary file)\n"
    "  --force             replace FILE if it exists\n"
    "  --show-tree         print the tree understood: indented names with their year totals,\n"
    "                      rows whose place is uncertain marked '?'\n" CLI_LOAD_HELP
    "  -h, --help          show this help\n"
    "\n"
    "With --to-unit the output starts with the unit line (单位：元), since its amounts are no\n"
    "longer in the unit a reader would assume.\n"
    "\n"
    "Exit status: 0 converted, 1 converted but the place of some rows in the tree is uncertain\n"
    "(a warning names them; 'fenpei check' shows where the sums fail), 2 the table could not be\n"
    "read, the output not written, or the command line is wrong.\n";

enum { OPT_SHOW_TREE = CLI_OPT_FIRST_FREE };

/* Columns carried into the canonical CSV besides 级次 and 单位: amounts, then texts. The tree
 * columns (级次, 上级, 上级编码) are not: 级次 is written from the tree. */
static int is_text_kept(const fp_table *t, size_t c)
{
    fp_role r = fp_table_column_role(t, c);
    return !fp_table_column_is_amount(t, c) && (r == FP_ROLE_TEXT || r == FP_ROLE_CODE);
}

/* The next row in pre-order after ROW, or FP_NONE; *DEPTH (ROW's depth) becomes its depth. */
static size_t preorder_next(const fp_table *t, size_t row, int *depth)
{
    size_t c = fp_table_first_child(t, row);
    if (c != FP_NONE) {
        ++*depth;
        return c;
    }
    int d = *depth;
    for (size_t x = row; x != FP_NONE; x = fp_table_parent(t, x), d--) {
        size_t s = fp_table_next_sibling(t, x);
        if (s != FP_NONE) {
            *depth = d;
            return s;
        }
    }
    return FP_NONE;
}

typedef struct convert_ctx {
    const fp_table *t;
    int unit_line;
} convert_ctx;

static int write_canonical(FILE *out, void *ctx)
{
    const convert_ctx *cx = ctx;
    const fp_table *t = cx->t;
    size_t ncols = fp_table_column_count(t);
    if (cx->unit_line && fp_table_unit(t))
        fprintf(out, "单位：%s\r\n", fp_table_unit(t));
    fputs("级次,单位", out);
    for (int pass = 0; pass < 2; pass++)
        for (size_t c = 0; c < ncols; c++)
            if (pass == 0 ? fp_table_column_is_amount(t, c) : is_text_kept(t, c)) {
                fputc(',', out);
                cli_csv_cell(out, fp_table_column_name(t, c));
            }
    fputs("\r\n", out);
    int depth = 0;
    for (size_t r = fp_table_first_root(t); r != FP_NONE; r = preorder_next(t, r, &depth)) {
        fprintf(out, "%d,", depth);
        cli_csv_cell(out, fp_table_row_name(t, r));
        for (int pass = 0; pass < 2; pass++)
            for (size_t c = 0; c < ncols; c++) {
                if (pass == 0 && fp_table_column_is_amount(t, c)) {
                    char buf[FP_AMOUNT_BUFSIZE];
                    fp_amount_format(fp_table_amount(t, r, c), fp_table_column_decimals(t, c),
                                     buf);
                    fputc(',', out);
                    fputs(buf, out);
                } else if (pass == 1 && is_text_kept(t, c)) {
                    fputc(',', out);
                    cli_csv_cell(out, fp_table_text(t, r, c));
                }
            }
        fputs("\r\n", out);
    }
    return ferror(out) ? -1 : 0;
}

/* The tree, one row a line: a '?' column, two spaces of indent per level, the name and the year
 * total (or the last amount column when there is no year total). */
static int show_tree(const fp_table *t, FILE *out)
{
    /* where it came from, when a notice said more than its file name */
    fp_origin o;
    fp_table_origin(t, &o);
    if (o.first_page || o.doc_number) {
        fprintf(out, "# %s", o.file);
        if (o.first_page == o.last_page && o.first_page)
            fprintf(out, ", page %d", o.first_page);
        else if (o.first_page)
            fprintf(out, ", pages %d–%d", o.first_page, o.last_page);
        fputc('\n', out);
        if (o.doc_number)
            fprintf(out, "# 文号: %s\n", o.doc_number);
        if (o.title)
            fprintf(out, "# 标题: %s\n", o.title);
        if (o.issuer)
            fprintf(out, "# 发文机关: %s\n", o.issuer);
        if (o.unit)
            fprintf(out, "# 单位: %s\n", o.unit);
        if (o.ncodes) {
            fputs("# 科目:", out);
            for (size_t i = 0; i < o.ncodes; i++)
                fprintf(out, " %s", o.codes[i]);
            fputc('\n', out);
        }
    }
    size_t total = fp_table_role_column(t, FP_ROLE_TOTAL);
    for (size_t c = 0; c < fp_table_column_count(t) && total == FP_NONE; c++)
        if (fp_table_column_is_amount(t, c) && !fp_table_column_is_quantity(t, c))
            total = c; /* money, not a count of villages */
    size_t name = fp_table_role_column(t, FP_ROLE_NAME);
    fprintf(out, "  %s", name != FP_NONE ? fp_table_column_name(t, name) : "单位");
    if (total != FP_NONE) {
        fprintf(out, "  %s", fp_table_column_name(t, total));
        if (fp_table_unit(t) && !strstr(fp_table_column_name(t, total), fp_table_unit(t)))
            fprintf(out, "（%s）", fp_table_unit(t));
    }
    fputc('\n', out);
    int depth = 0;
    for (size_t r = fp_table_first_root(t); r != FP_NONE; r = preorder_next(t, r, &depth)) {
        fputs(fp_table_row_uncertain(t, r) ? "? " : "  ", out);
        for (int d = depth; d > 0; d--)
            fputs("  ", out);
        fputs(fp_table_row_name(t, r), out);
        if (total != FP_NONE) {
            char buf[FP_AMOUNT_BUFSIZE];
            fp_amount_format(fp_table_amount(t, r, total), fp_table_column_decimals(t, total),
                             buf);
            fprintf(out, "  %s", buf);
        }
        fputc('\n', out);
    }
    return fflush(out) != 0 || ferror(out) ? -1 : 0;
}

/* Warn about the rows whose place is uncertain; returns how many there are. */
static size_t warn_uncertain(const fp_table *t, const char *path)
{
    size_t n = 0;
    for (size_t r = 0; r < fp_table_row_count(t); r++)
        n += fp_table_row_uncertain(t, r) != 0;
    if (!n)
        return 0;
    fprintf(stderr,
            "fenpei: warning: %s: the place of %zu row%s in the tree is uncertain (the sums "
            "around %s do not close): ",
            path, n, n == 1 ? "" : "s", n == 1 ? "it" : "them");
    size_t shown = 0;
    for (size_t r = 0; r < fp_table_row_count(t) && shown < 8; r++)
        if (fp_table_row_uncertain(t, r))
            fprintf(stderr, "%s%s (line %ld)", shown++ ? ", " : "", fp_table_row_name(t, r),
                    fp_table_row_line(t, r));
    fprintf(stderr, "%s; 'fenpei check %s' shows where the sums fail\n", n > shown ? ", …" : "",
            path);
    return n;
}

int cmd_convert(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"output", required_argument, NULL, 'o'},
        {"show-tree", no_argument, NULL, OPT_SHOW_TREE},
        CLI_SHARED_LONG_OPTIONS,
    };
    cli_load L = {0};
    fp_load_options_init(&L.o);
    int tree = 0, rc = EXIT_USAGE;
    fp_table *t = NULL;

    optind = 0; /* GNU getopt: start afresh on this argv */
    int opt;
    while ((opt = cli_next_option(argc, argv, "ho:", longopts, &L, usage_text, &rc)) != -1) {
        switch (opt) {
        case CLI_OPT_EXIT:
            goto done;
        case OPT_SHOW_TREE:
            tree = 1;
            break;
        default: /* an option in longopts with no case: a bug */
            cli_fail("convert: option %d not handled", opt);
            goto done;
        }
    }
    if (cli_one_table(argc, argv))
        goto done;
    if (!L.output && !tree) {
        cli_fail("convert: give -o OUTPUT.csv, --show-tree, or both");
        goto done;
    }
    const char *input = argv[optind];
    if ((rc = cli_load_table(&L, input, &t)) != 0)
        goto done;
    rc = EXIT_USAGE;
    if (tree && show_tree(t, stdout) != 0) {
        cli_fail("cannot write the tree");
        goto done;
    }
    if (L.output) {
        convert_ctx cx = {t, L.o.to_unit != NULL};
        if (cli_write_file(L.output, L.force, write_canonical, &cx) != 0)
            goto done;
    }
    rc = warn_uncertain(t, input) ? EXIT_FINDINGS : EXIT_CLEAN;
done:
    fp_table_free(t);
    cli_load_free(&L);
    return rc;
}
