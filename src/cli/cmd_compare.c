/* cli/cmd_compare.c — fenpei compare: two tables of the same tree side by side. */
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

static const char usage_text[] =
    "usage: fenpei compare OLD NEW [--format csv|json] [--xlsx FILE] [options]\n"
    "\n"
    "Two tables of the same tree side by side (方案一 vs 方案二, last year vs this year): per unit\n"
    "and amount column the old and new amounts, the change, the exact % change and the ranks\n"
    "among the leaf units (largest first) in each; units only in one of them are marked.\n"
    "Units are matched by their path of names from the top, not by line.\n"
    "\n"
    "  --format F          csv (default) or json, on standard output\n"
    "  --xlsx FILE         also a workbook: a sheet 汇总 and one sheet per column\n"
    "  --force             replace an existing workbook\n"
    "  -h, --help          this help\n"
    CLI_LOAD_HELP
    "\n"
    "Each table is checked too: when one's identities do not all hold, the comparison is written\n"
    "all the same, a line on stderr says so, and the exit status is 1.\n"
    "\n"
    "Exit status: 0 compared; 1 compared, but a table does not add up; 2 bad input.\n";

enum { OPT_FORMAT = CLI_OPT_FIRST_FREE, OPT_XLSX };

typedef struct book {
    const fp_comparison *c;
    const char *a, *b;
} book;

static int write_book(const char *tmp, void *p)
{
    book *k = p;
    fp_diag d;
    return fp_xlsx_write_compare(k->c, k->a, k->b, tmp, &d) == FP_OK ? 0 : cli_fail_diag(&d);
}

int cmd_compare(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"format", required_argument, NULL, OPT_FORMAT},
        {"xlsx", required_argument, NULL, OPT_XLSX},
        CLI_SHARED_LONG_OPTIONS,
    };
    static const char *const formats[] = {"csv", "json", NULL};
    cli_load L = {0};
    fp_load_options_init(&L.o);
    const char *xlsx = NULL;
    int json = 0, rc = EXIT_USAGE;
    fp_table *a = NULL, *b = NULL;
    fp_comparison *c = NULL;
    optind = 0;
    int opt;
    while ((opt = cli_next_option(argc, argv, "h", longopts, &L, usage_text, &rc)) != -1) {
        switch (opt) {
        case CLI_OPT_EXIT:
            goto done;
        case OPT_FORMAT:
            if ((json = cli_choice("--format", optarg, formats)) < 0)
                goto done;
            break;
        case OPT_XLSX:
            xlsx = optarg;
            break;
        default:
            cli_fail("compare: option %d not handled", opt);
            goto done;
        }
    }
    if (argc - optind != 2) {
        cli_fail("compare: give two tables, OLD and NEW; try 'fenpei compare --help'");
        goto done;
    }
    const char *pa = argv[optind], *pb = argv[optind + 1];
    if (xlsx && (cli_same_file(xlsx, pa) || cli_same_file(xlsx, pb))) {
        cli_fail("compare: --xlsx would replace an input; choose another file");
        goto done;
    }
    if ((rc = cli_load_table(&L, pa, &a)) != 0 || (rc = cli_load_table(&L, pb, &b)) != 0)
        goto done;
    fp_diag d;
    if (fp_compare(a, b, &c, &d) != FP_OK) {
        rc = cli_fail_diag(&d);
        goto done;
    }
    book k = {c, pa, pb};
    if (xlsx && (rc = cli_write_path(xlsx, L.force, write_book, &k)) != 0)
        goto done;
    if ((json ? fp_comparison_write_json(c, pa, pb, stdout) : fp_comparison_write_csv(c, stdout)) !=
        FP_OK) {
        rc = cli_fail("cannot write the comparison");
        goto done;
    }
    rc = EXIT_CLEAN;
    for (int w = 0; w < 2; w++) {
        size_t n = fp_comparison_errors(c, w);
        if (!n)
            continue;
        fprintf(stderr,
                "fenpei: %s: %zu identit%s of this table do%s not hold (fenpei check %s shows "
                "where): its subtotals and totals in the comparison may not be what its rows "
                "add up to\n",
                w ? pb : pa, n, n == 1 ? "y" : "ies", n == 1 ? "es" : "", w ? pb : pa);
        rc = EXIT_FINDINGS;
    }
done:
    fp_comparison_free(c);
    fp_table_free(a);
    fp_table_free(b);
    cli_load_free(&L);
    return rc;
}
