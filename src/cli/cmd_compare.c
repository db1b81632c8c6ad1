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
    "Exit status: 0 compared; 2 bad input.\n";

enum { OPT_FORMAT = CLI_OPT_FIRST_FREE, OPT_XLSX };

static const char *where(const fp_compare_unit *u)
{
    return u->old_row == FP_NONE ? "仅新表" : u->new_row == FP_NONE ? "仅原表" : "两表";
}

static void json_string(FILE *out, const char *s)
{
    fputc('"', out);
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if (ch == '"' || ch == '\\')
            fprintf(out, "\\%c", ch);
        else if (ch < 0x20)
            fprintf(out, "\\u%04x", ch);
        else
            fputc(ch, out);
    }
    fputc('"', out);
}

/* The old, new, change and % change of one value as text ("" where absent). */
typedef struct texts {
    char o[FP_AMOUNT_BUFSIZE], n[FP_AMOUNT_BUFSIZE], d[FP_AMOUNT_BUFSIZE];
    char p[FP_PERCENT_BUFSIZE];
} texts;

static void to_text(const fp_compare_value *v, texts *t)
{
    t->o[0] = t->n[0] = t->d[0] = t->p[0] = '\0';
    if (v->has_old)
        fp_amount_format(v->old, 0, t->o);
    if (v->has_new)
        fp_amount_format(v->new_, 0, t->n);
    fp_amount d;
    if (v->has_old && v->has_new && !fp_amount_sub(v->new_, v->old, &d)) {
        fp_amount_format(d, 0, t->d);
        fp_amount_percent(v->old, v->new_, t->p);
    }
}

static void write_csv(FILE *out, const fp_comparison *c)
{
    fputs("状态,路径,单位,列,原值,新值,变动,变动率,原排名,新排名,排名变化\n", out);
    for (size_t i = 0; i < fp_comparison_unit_count(c); i++) {
        const fp_compare_unit *u = fp_comparison_unit(c, i);
        for (size_t k = 0; k < fp_comparison_column_count(c); k++) {
            fp_compare_value v = fp_comparison_value(c, i, k);
            texts t;
            to_text(&v, &t);
            fprintf(out, "%s,", where(u));
            cli_csv_cell(out, u->path);
            fputc(',', out);
            cli_csv_cell(out, u->name);
            fputc(',', out);
            cli_csv_cell(out, fp_comparison_column_name(c, k));
            fprintf(out, ",%s,%s,%s,%s,", t.o, t.n, t.d, t.p);
            if (v.rank_old)
                fprintf(out, "%zu", v.rank_old);
            fputc(',', out);
            if (v.rank_new)
                fprintf(out, "%zu", v.rank_new);
            fputc(',', out);
            if (v.rank_old && v.rank_new)
                fprintf(out, "%+ld", (long)v.rank_old - (long)v.rank_new);
            fputc('\n', out);
        }
    }
}

static void write_json(FILE *out, const fp_comparison *c, const char *a, const char *b)
{
    fputs("{\"old\": ", out);
    json_string(out, a);
    fputs(", \"new\": ", out);
    json_string(out, b);
    fputs(", \"units\": [", out);
    for (size_t i = 0; i < fp_comparison_unit_count(c); i++) {
        const fp_compare_unit *u = fp_comparison_unit(c, i);
        fputs(i ? ",\n  {\"path\": " : "\n  {\"path\": ", out);
        json_string(out, u->path);
        fputs(", \"unit\": ", out);
        json_string(out, u->name);
        fprintf(out, ", \"in\": \"%s\", \"values\": [",
                u->old_row == FP_NONE ? "new" : u->new_row == FP_NONE ? "old" : "both");
        for (size_t k = 0; k < fp_comparison_column_count(c); k++) {
            fp_compare_value v = fp_comparison_value(c, i, k);
            texts t;
            to_text(&v, &t);
            fputs(k ? ", {\"column\": " : "{\"column\": ", out);
            json_string(out, fp_comparison_column_name(c, k));
            fprintf(out, ", \"old\": %s, \"new\": %s, \"change\": %s, \"pct\": ",
                    t.o[0] ? t.o : "null", t.n[0] ? t.n : "null", t.d[0] ? t.d : "null");
            if (t.p[0])
                json_string(out, t.p);
            else
                fputs("null", out);
            fprintf(out, ", \"rank_old\": ");
            if (v.rank_old)
                fprintf(out, "%zu", v.rank_old);
            else
                fputs("null", out);
            fprintf(out, ", \"rank_new\": ");
            if (v.rank_new)
                fprintf(out, "%zu", v.rank_new);
            else
                fputs("null", out);
            fputc('}', out);
        }
        fputs("]}", out);
    }
    fputs("\n]}\n", out);
}

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
    if (json)
        write_json(stdout, c, pa, pb);
    else
        write_csv(stdout, c);
    rc = ferror(stdout) ? cli_fail("cannot write the comparison") : EXIT_CLEAN;
done:
    fp_comparison_free(c);
    fp_table_free(a);
    fp_table_free(b);
    cli_load_free(&L);
    return rc;
}
