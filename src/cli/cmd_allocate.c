/* cli/cmd_allocate.c — fenpei allocate: the factor method (因素法), alone or into a table's column. */
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

static const char usage_text[] =
    "usage: fenpei allocate FACTORS --total AMOUNT --weights \"F1=W1,F2=W2,…\" [options] -o OUT\n"
    "\n"
    "Split AMOUNT among the leaf rows of FACTORS by the factor method: leaf i's share is\n"
    "Σ_k w_k·f_ki / Σ_j f_kj (exact rationals from the decimal text; the weights add up to 1),\n"
    "after a base per leaf (--base). Rounded to whole units by controlled rounding: each leaf and\n"
    "each subtotal within one unit of its exact amount, subtotals exact sums.\n"
    "\n"
    "  --total AMOUNT      the amount to allocate (whole units)\n"
    "  --weights TEXT      factor columns and weights, e.g. \"常住人口=0.6,管理人数=0.3,绩效得分=0.1\"\n"
    "  --base AMOUNT       given to every leaf before the shares (default 0)\n"
    "  --column NAME       the result column (default 分配金额); with --into, the category to fill\n"
    "  --into TABLE        write the result into --column of the allocation table TABLE (its\n"
    "                      subtotals, 全年 and 此次下达 updated) instead of a list\n"
    "  --unit U            granularity of the result (default 1)\n"
    "  -o, --output FILE   the result (CSV)\n"
    "  --force             replace an existing output\n"
    "  -h, --help          this help\n"
    "\n"
    "Exit status: 0 written; 2 bad input (a missing or negative factor, weights not adding up\n"
    "to 1, a unit in one table and not the other …), nothing written.\n";

enum { OPT_TOTAL_AMOUNT = CLI_OPT_FIRST_FREE, OPT_WEIGHTS, OPT_BASE, OPT_COLUMN, OPT_INTO,
       OPT_UNIT };

#define MAX_FACTORS 32

typedef struct listing {
    const fp_table *f;
    const fp_allocate_options *ao;
    const fp_amount *amounts;
    const char *column;
} listing;

/* 级次, 单位, the factor columns, the result: one line per row of FACTORS, in its order. */
static int write_listing(FILE *out, void *p)
{
    listing *L = p;
    return fp_allocate_write_csv(L->f, L->ao, L->amounts, L->column, out) == FP_OK
               ? 0
               : cli_fail("cannot write the allocation");
}

static int write_table(FILE *out, void *p)
{
    fp_diag d;
    return fp_table_write_csv(p, out, -1, &d) == FP_OK ? 0 : cli_fail_diag(&d);
}

/* "A=0.6,B=0.4" into W (names and weights point into the copy *KEEP, which the caller frees). */
static int parse_weights(const char *text, fp_factor_weight *w, size_t *n, char **keep)
{
    char *s = strdup(text);
    if (!s)
        return cli_fail("out of memory");
    *keep = s;
    const char *bad = NULL;
    long got = fp_factor_weights_split(s, w, MAX_FACTORS, &bad);
    if (got == -1)
        return cli_fail("--weights: \"%s\" is not COLUMN=WEIGHT (e.g. 常住人口=0.6)", bad);
    if (got == -2)
        return cli_fail("--weights: at most %d factors", MAX_FACTORS);
    if (got == 0)
        return cli_fail("--weights: give COLUMN=WEIGHT pairs separated by commas");
    *n = (size_t)got;
    return 0;
}

int cmd_allocate(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"total", required_argument, NULL, OPT_TOTAL_AMOUNT},
        {"weights", required_argument, NULL, OPT_WEIGHTS},
        {"base", required_argument, NULL, OPT_BASE},
        {"column", required_argument, NULL, OPT_COLUMN},
        {"into", required_argument, NULL, OPT_INTO},
        {"unit", required_argument, NULL, OPT_UNIT},
        {"output", required_argument, NULL, 'o'},
        {"force", no_argument, NULL, CLI_OPT_FORCE},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    cli_load L = {0};
    fp_load_options_init(&L.o);
    fp_allocate_options ao;
    fp_allocate_options_init(&ao);
    fp_factor_weight w[MAX_FACTORS];
    char *keep = NULL;
    const char *into = NULL, *column = NULL;
    int rc = EXIT_USAGE, have_total = 0;
    fp_table *f = NULL, *t = NULL, *result = NULL;
    fp_amount *amounts = NULL;

    optind = 0;
    int opt;
    while ((opt = cli_next_option(argc, argv, "ho:", longopts, &L, usage_text, &rc)) != -1) {
        switch (opt) {
        case CLI_OPT_EXIT:
            goto done;
        case OPT_TOTAL_AMOUNT:
            if (cli_amount("--total", optarg, &ao.total))
                goto done;
            have_total = 1;
            break;
        case OPT_BASE:
            if (cli_amount("--base", optarg, &ao.base))
                goto done;
            break;
        case OPT_UNIT:
            if (cli_positive_amount("--unit", optarg, &ao.unit))
                goto done;
            break;
        case OPT_WEIGHTS:
            free(keep);
            keep = NULL;
            if (parse_weights(optarg, w, &ao.weight_count, &keep))
                goto done;
            ao.weights = w;
            break;
        case OPT_COLUMN:
            column = optarg;
            break;
        case OPT_INTO:
            into = optarg;
            break;
        default:
            cli_fail("allocate: option %d not handled", opt);
            goto done;
        }
    }
    if (cli_one_table(argc, argv))
        goto done;
    if (!have_total || !ao.weight_count) {
        cli_fail("allocate: give the amount with --total and the factors with --weights");
        goto done;
    }
    if (!L.output) {
        cli_fail("allocate: give the output file with -o OUT.csv");
        goto done;
    }
    if (into && !column) {
        cli_fail("allocate: --into needs --column, the category to fill");
        goto done;
    }
    const char *input = argv[optind];
    if (cli_same_file(input, L.output) || (into && cli_same_file(into, L.output))) {
        cli_fail("allocate: the output would replace an input; choose another file");
        goto done;
    }
    if ((rc = cli_load_table(&L, input, &f)) != 0)
        goto done;
    fp_diag d;
    if (into) {
        cli_load L2 = {0};
        fp_load_options_init(&L2.o);
        rc = cli_load_table(&L2, into, &t);
        cli_load_free(&L2);
        if (rc)
            goto done;
        if (fp_allocate_into(f, &ao, t, column, &result, &d) != FP_OK) {
            rc = cli_fail_diag(&d);
            goto done;
        }
        if ((rc = cli_write_file(L.output, L.force, write_table, result)) != 0)
            goto done;
    } else {
        if (fp_allocate(f, &ao, &amounts, &d) != FP_OK) {
            rc = cli_fail_diag(&d);
            goto done;
        }
        listing li = {f, &ao, amounts, column ? column : "分配金额"};
        if ((rc = cli_write_file(L.output, L.force, write_listing, &li)) != 0)
            goto done;
    }
    char tot[FP_AMOUNT_BUFSIZE], base[FP_AMOUNT_BUFSIZE];
    fp_amount_format(ao.total, 0, tot);
    fp_amount_format(ao.base, 0, base);
    printf("因素法：总额 %s，每个末级单位基数 %s，%zu 个因素；各项平衡关系全部成立。\n", tot, base,
           ao.weight_count);
    printf("已写入 %s\n", L.output);
    rc = EXIT_CLEAN;
done:
    free(keep);
    free(amounts);
    fp_table_free(f);
    fp_table_free(t);
    fp_table_free(result);
    cli_load_free(&L);
    return rc;
}
