/* cli/cmd_realloc.c — fenpei realloc: a what-if run that writes a new table in whole units. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <nettle/sha2.h>

#include "cli/cli.h"

static const char usage_text[] =
    "usage: fenpei realloc TABLE --set UNIT:COLUMN=AMOUNT [--set …] -o NEW.csv [OPTIONS]\n"
    "\n"
    "Give UNIT (a name, or where a name repeats, its /-separated path from the top such as\n"
    "总计/地州合计/巴州) a new AMOUNT in COLUMN (a category, or the year total) and spread the\n"
    "change over its rows in proportion to their current amounts, in whole units, so that\n"
    "every subtotal, category split and 全年 = 已提前下达 + 此次下达 still holds exactly.\n"
    "已提前下达 never changes.\n"
    "\n"
    "Options:\n"
    "  --set UNIT:COLUMN=AMOUNT  a new amount (repeatable, on separate units or columns)\n"
    "  -o, --output FILE         the new table (CSV, same columns as TABLE)\n"
    "  --diff FILE               per row and column: old, new, change, % change (CSV)\n"
    "  --xlsx FILE               the what-if workbook: sheets 新表 (the new table laid out as\n"
    "                            a notice), 变动 (every change) and 参数 (this run's settings)\n"
    "  --method M                controlled (default), hamilton, jefferson (dhondt),\n"
    "                            webster (sainte-lague), huntington-hill, adams\n"
    "  --unit AMOUNT             granularity of the result (default 1; e.g. 0.01)\n"
    "  --rounding MODE           nearest (default), down, up, half-even: how a --set amount\n"
    "                            that is not a whole number of units is rounded\n"
    "  --no-clawback             no row's new year total below its 已提前下达 (此次下达 ≥ 0)\n"
    "  --min COLUMN=AMOUNT       a floor for COLUMN on every row that receives it (repeatable)\n"
    "  --fix UNIT                keep UNIT and its rows unchanged (repeatable)\n"
    "  --fit-rounds N            most rounds of fitting several --set together (default:\n"
    "                            5,000 or more); short of the targets, nothing is written\n"
    "  --title TEXT              the title of 新表 in the workbook (default: the table's)\n"
    "  --attachment TEXT         a line above that title, such as 附件1\n"
    "  --force                   replace existing output files\n" CLI_LOAD_HELP
    "  -h, --help                show this help\n"
    "\n"
    "Exit status: 0 written, 2 bad input, impossible request, or command line.\n";

enum {
    OPT_SET = CLI_OPT_FIRST_FREE,
    OPT_DIFF,
    OPT_METHOD,
    OPT_UNIT,
    OPT_ROUNDING,
    OPT_NO_CLAWBACK,
    OPT_MIN,
    OPT_FIX,
    OPT_XLSX,
    OPT_TITLE,
    OPT_ATTACHMENT,
    OPT_FIT_ROUNDS
};

#define MAX_ITEMS 256

/* Split "UNIT:COLUMN=AMOUNT" (the last '=' and the last ':' before it). */
static int parse_set(const char *arg, fp_realloc_target *out, char **keep)
{
    char *s = strdup(arg);
    if (!s)
        return cli_fail("out of memory");
    *keep = s;
    char *eq = strrchr(s, '=');
    if (!eq)
        return cli_fail("--set \"%s\": expected UNIT:COLUMN=AMOUNT", arg);
    *eq = '\0';
    char *colon = strrchr(s, ':');
    if (!colon)
        return cli_fail("--set \"%s\": expected UNIT:COLUMN=AMOUNT (no ':' between the unit and "
                        "the column)",
                        arg);
    *colon = '\0';
    out->unit = s;
    out->column = colon + 1;
    if (!*out->unit || !*out->column)
        return cli_fail("--set \"%s\": expected UNIT:COLUMN=AMOUNT", arg);
    return cli_amount("--set", eq + 1, &out->amount) ? EXIT_USAGE : 0;
}

static int parse_min(const char *arg, fp_realloc_floor *out, char **keep)
{
    char *s = strdup(arg);
    if (!s)
        return cli_fail("out of memory");
    *keep = s;
    char *eq = strrchr(s, '=');
    if (!eq || eq == s)
        return cli_fail("--min \"%s\": expected COLUMN=AMOUNT", arg);
    *eq = '\0';
    out->column = s;
    return cli_amount("--min", eq + 1, &out->amount) ? EXIT_USAGE : 0;
}

typedef struct writing {
    const fp_table *old, *new_;
} writing;

static int write_table(FILE *out, void *p)
{
    writing *w = p;
    fp_diag d;
    return fp_table_write_csv(w->new_, out, -1, &d) == FP_OK ? 0 : cli_fail_diag(&d);
}

/* The path of names from the top down to ROW, as one CSV cell. Deeper than PATH_NAMES, the top
 * is elided ("…/" then the last names): walking up a bounded number of steps keeps the diff of
 * a deep chain linear. */
#define PATH_NAMES 64
static void put_path(FILE *out, const fp_table *t, size_t row)
{
    size_t path[PATH_NAMES], n = 0, x = row;
    for (; x != FP_NONE && n < PATH_NAMES; x = fp_table_parent(t, x))
        path[n++] = x;
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (!f)
        return;
    if (x != FP_NONE)
        fputs("…/", f);
    for (size_t i = n; i-- > 0;)
        fprintf(f, "%s%s", i + 1 < n ? "/" : "", fp_table_row_name(t, path[i]));
    if (fclose(f) == 0)
        cli_csv_cell(out, text);
    free(text);
}

static int write_diff(FILE *out, void *p)
{
    writing *w = p;
    const fp_table *a = w->old, *b = w->new_;
    fputs("行号,单位,路径,列,原值,新值,变动,变动率\n", out);
    for (size_t r = 0; r < fp_table_row_count(a); r++)
        for (size_t c = 0; c < fp_table_column_count(a); c++) {
            if (!fp_table_column_is_amount(a, c))
                continue;
            fp_amount o = fp_table_amount(a, r, c), n = fp_table_amount(b, r, c);
            if (o == n)
                continue;
            char so[FP_AMOUNT_BUFSIZE], sn[FP_AMOUNT_BUFSIZE], sd[FP_AMOUNT_BUFSIZE];
            fp_amount_format(o, 0, so);
            fp_amount_format(n, 0, sn);
            fp_amount_format(n - o, 0, sd);
            fprintf(out, "%ld,", fp_table_row_line(a, r));
            cli_csv_cell(out, fp_table_row_name(a, r));
            fputc(',', out);
            put_path(out, a, r);
            fputc(',', out);
            cli_csv_cell(out, fp_table_column_name(a, c));
            char pct[FP_PERCENT_BUFSIZE];
            fp_amount_percent(o, n, pct);
            fprintf(out, ",%s,%s,%s,%s", so, sn, sd, pct);
            fputc('\n', out);
        }
    return ferror(out) ? cli_fail("cannot write the diff") : 0;
}

/* SHA-256 of the file PATH as 64 lowercase hex digits into HEX; 0 or -1. */
static int sha256_file(const char *path, char hex[65])
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    struct sha256_ctx c;
    sha256_init(&c);
    unsigned char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        sha256_update(&c, n, buf);
    int bad = ferror(f);
    fclose(f);
    if (bad)
        return -1;
    uint8_t d[SHA256_DIGEST_SIZE];
    sha256_digest(&c, sizeof d, d);
    for (size_t i = 0; i < sizeof d; i++)
        snprintf(hex + 2 * i, 3, "%02x", d[i]);
    return 0;
}

/* The last part of a path: "a/b/t.csv" → "t.csv". */
static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash && slash[1] ? slash + 1 : path;
}

/* "fenpei ARGV…" as one shell command line: a word with anything but letters, digits, UTF-8
 * and _./:=,+-@% is single-quoted, so the line can be pasted back; the NULL-terminated FILES
 * (the input and outputs) by their names alone, not where they were on this computer. The
 * caller frees it. */
static char *command_line(int argc, char **argv, const char *const *files)
{
    size_t cap = 16;
    for (int i = 0; i < argc; i++)
        cap += 4 * strlen(argv[i]) + 3;
    char *s = malloc(cap), *p = s;
    if (!s)
        return NULL;
    p += sprintf(p, "fenpei");
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        for (size_t k = 0; files[k]; k++)
            if (strcmp(a, files[k]) == 0)
                a = base_name(a);
        int plain = *a != '\0';
        for (const unsigned char *q = (const unsigned char *)a; *q; q++)
            if (*q < 0x80 && !strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                     "0123456789_./:=,+-@%",
                                     *q))
                plain = 0;
        *p++ = ' ';
        if (plain) {
            p += sprintf(p, "%s", a);
            continue;
        }
        *p++ = '\'';
        for (; *a; a++)
            p += *a == '\'' ? sprintf(p, "'\\''") : sprintf(p, "%c", *a);
        *p++ = '\'';
        *p = '\0';
    }
    return s;
}

typedef struct whatif_job {
    const fp_table *old, *new_;
    const fp_notice_options *opts;
    const fp_xlsx_param *params;
    size_t nparams;
} whatif_job;

static int write_whatif(const char *tmp_path, void *p)
{
    whatif_job *j = p;
    fp_diag d;
    int quiet = cli_quiet(); /* libxlsxwriter's own messages would name the temporary file */
    fp_error e = fp_xlsx_write_whatif(j->old, j->new_, j->opts, j->params, j->nparams, tmp_path, &d);
    cli_loud(quiet);
    return e == FP_OK ? 0 : cli_fail_diag(&d);
}

static int file_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

static void summary(const fp_table *a, const fp_table *b, const fp_realloc_options *o,
                    const cli_staged *st, size_t nst)
{
    char buf[FP_AMOUNT_BUFSIZE], buf2[FP_AMOUNT_BUFSIZE];
    fp_amount_format(o->unit, 0, buf);
    printf("方法 %s，单位 %s，舍入 %s%s\n", fp_method_name(o->method), buf,
           fp_rounding_name(o->rounding), o->no_clawback ? "，不收回已下达资金" : "");
    for (size_t i = 0; i < o->target_count; i++) {
        size_t row, col = fp_table_find_column(a, o->targets[i].column);
        fp_table_find_row(a, o->targets[i].unit, &row);
        fp_amount before = fp_table_amount(a, row, col), after = fp_table_amount(b, row, col);
        fp_amount_format(before, 0, buf);
        fp_amount_format(after, 0, buf2);
        printf("设定 %s:%s：%s → %s\n", o->targets[i].unit, o->targets[i].column, buf, buf2);
    }
    size_t rows = 0, cells = 0;
    for (size_t r = 0; r < fp_table_row_count(a); r++) {
        int changed = 0;
        for (size_t c = 0; c < fp_table_column_count(a); c++)
            if (fp_table_column_is_amount(a, c) &&
                fp_table_amount(a, r, c) != fp_table_amount(b, r, c)) {
                cells++;
                changed = 1;
            }
        rows += (size_t)changed;
    }
    printf("变动 %zu 行、%zu 个单元格；各项平衡关系全部成立。\n", rows, cells);
    size_t total = fp_table_role_column(a, FP_ROLE_TOTAL);
    fp_change_stats cs;
    if (total != FP_NONE && fp_change_stats_compute(a, b, total, &cs) == FP_OK && cs.rows) {
        /* mean and deviation are statistics (GSL, doubles); the extremes are the rows' own exact
         * percentages, the same text as in --diff */
        char lo[FP_PERCENT_BUFSIZE], hi[FP_PERCENT_BUFSIZE];
        fp_amount_percent(fp_table_amount(a, cs.min_row, total),
                          fp_table_amount(b, cs.min_row, total), lo);
        fp_amount_percent(fp_table_amount(a, cs.max_row, total),
                          fp_table_amount(b, cs.max_row, total), hi);
        printf("末级 %zu 行的全年变动率：平均 %+.2f%%，标准差 %.2f%%，最低 %s%s（%s），最高 "
               "%s%s（%s）\n",
               cs.rows, cs.mean_pct, cs.sd_pct, lo[0] == '-' ? "" : "+", lo,
               fp_table_row_name(a, cs.min_row), hi[0] == '-' ? "" : "+", hi,
               fp_table_row_name(a, cs.max_row));
    }
    size_t batch = fp_table_role_column(a, FP_ROLE_BATCH);
    if (batch != FP_NONE) {
        size_t clawbacks = 0;
        for (size_t r = 0; r < fp_table_row_count(b); r++)
            clawbacks += fp_table_amount(b, r, batch) < 0;
        if (clawbacks)
            printf("注意：%zu 行的此次下达为负数（收回）；--no-clawback 可避免。\n", clawbacks);
    }
    printf("已写入 ");
    for (size_t i = 0; i < nst; i++)
        printf("%s%s", i ? "、" : "", st[i].path);
    printf("\n");
}

int cmd_realloc(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"set", required_argument, NULL, OPT_SET},
        {"output", required_argument, NULL, 'o'},
        {"diff", required_argument, NULL, OPT_DIFF},
        {"method", required_argument, NULL, OPT_METHOD},
        {"unit", required_argument, NULL, OPT_UNIT},
        {"rounding", required_argument, NULL, OPT_ROUNDING},
        {"no-clawback", no_argument, NULL, OPT_NO_CLAWBACK},
        {"min", required_argument, NULL, OPT_MIN},
        {"fix", required_argument, NULL, OPT_FIX},
        {"xlsx", required_argument, NULL, OPT_XLSX},
        {"title", required_argument, NULL, OPT_TITLE},
        {"attachment", required_argument, NULL, OPT_ATTACHMENT},
        {"fit-rounds", required_argument, NULL, OPT_FIT_ROUNDS},
        CLI_SHARED_LONG_OPTIONS,
    };
    cli_load L = {0};
    fp_load_options_init(&L.o);
    fp_realloc_options ro;
    fp_realloc_options_init(&ro);
    fp_realloc_target targets[MAX_ITEMS];
    fp_realloc_floor floors[MAX_ITEMS];
    const char *fixed[MAX_ITEMS];
    char *keep[2 * MAX_ITEMS];
    size_t ntargets = 0, nfloors = 0, nfixed = 0, nkeep = 0;
    const char *diff = NULL, *xlsx = NULL;
    const char *set_text[MAX_ITEMS], *min_text[MAX_ITEMS];
    char **args = malloc((size_t)(argc + 1) * sizeof *args); /* before getopt_long permutes */
    if (args)
        memcpy(args, argv, (size_t)(argc + 1) * sizeof *args);
    char *cmdline = NULL;
    fp_notice_options no;
    fp_notice_options_init(&no);
    int rc = EXIT_USAGE;
    fp_table *t = NULL, *result = NULL;

    optind = 0;
    int opt;
    while ((opt = cli_next_option(argc, argv, "ho:", longopts, &L, usage_text, &rc)) != -1) {
        switch (opt) {
        case CLI_OPT_EXIT:
            goto done;
        case OPT_DIFF:
            diff = optarg;
            break;
        case OPT_XLSX:
            xlsx = optarg;
            break;
        case OPT_SET:
            if (ntargets == MAX_ITEMS) {
                cli_fail("--set: at most %d", MAX_ITEMS);
                goto done;
            }
            set_text[ntargets] = optarg;
            if (parse_set(optarg, &targets[ntargets++], &keep[nkeep++]))
                goto done;
            break;
        case OPT_MIN:
            if (nfloors == MAX_ITEMS) {
                cli_fail("--min: at most %d", MAX_ITEMS);
                goto done;
            }
            min_text[nfloors] = optarg;
            if (parse_min(optarg, &floors[nfloors++], &keep[nkeep++]))
                goto done;
            break;
        case OPT_FIX:
            if (nfixed == MAX_ITEMS) {
                cli_fail("--fix: at most %d", MAX_ITEMS);
                goto done;
            }
            fixed[nfixed++] = optarg;
            break;
        case OPT_METHOD:
            if (fp_method_parse(optarg, &ro.method) != FP_OK) {
                cli_fail("--method: unknown method \"%s\"; expected controlled, hamilton, "
                         "jefferson, dhondt, webster, sainte-lague, huntington-hill or adams",
                         optarg);
                goto done;
            }
            break;
        case OPT_UNIT:
            if (cli_positive_amount("--unit", optarg, &ro.unit))
                goto done;
            break;
        case OPT_ROUNDING:
            if (fp_rounding_parse(optarg, &ro.rounding) != FP_OK) {
                cli_fail("--rounding: expected nearest, down, up or half-even, not \"%s\"",
                         optarg);
                goto done;
            }
            break;
        case OPT_NO_CLAWBACK:
            ro.no_clawback = 1;
            break;
        case OPT_FIT_ROUNDS: {
            int64_t n;
            if (cli_count("--fit-rounds", optarg, &n))
                goto done;
            if (n < 1 || n > LONG_MAX) {
                cli_fail("--fit-rounds: expected a number of rounds from 1, not \"%s\"", optarg);
                goto done;
            }
            ro.fit_rounds = (long)n;
            break;
        }
        case OPT_TITLE:
            no.title = optarg;
            break;
        case OPT_ATTACHMENT:
            no.attachment = optarg;
            break;
        default: /* an option in longopts with no case: a bug */
            cli_fail("realloc: option %d not handled", opt);
            goto done;
        }
    }
    if (cli_one_table(argc, argv))
        goto done;
    if (!ntargets) {
        cli_fail("realloc: nothing to do; give a new amount with --set UNIT:COLUMN=AMOUNT");
        goto done;
    }
    if (!L.output) {
        cli_fail("realloc: give the new table's file with -o NEW.csv");
        goto done;
    }
    const char *input = argv[optind];
    if (cli_same_file(input, L.output) || (diff && cli_same_file(input, diff))) {
        cli_fail("realloc: the output would replace the input %s; choose another file", input);
        goto done;
    }
    if (diff && cli_same_file(diff, L.output)) {
        cli_fail("realloc: -o and --diff name the same file");
        goto done;
    }
    if (xlsx && (cli_same_file(input, xlsx) || cli_same_file(xlsx, L.output) ||
                 (diff && cli_same_file(xlsx, diff)))) {
        cli_fail("realloc: --xlsx must name a file of its own");
        goto done;
    }
    if (!L.force && xlsx && file_exists(xlsx)) {
        cli_fail("%s exists; use --force to replace it", xlsx);
        goto done;
    }
    /* Refuse before anything is written: an existing --diff must not leave a new table behind. */
    if (!L.force) {
        const char *clash = file_exists(L.output) ? L.output : diff && file_exists(diff) ? diff : NULL;
        if (clash) {
            cli_fail("%s exists; use --force to replace it", clash);
            goto done;
        }
    }
    if ((rc = cli_load_table(&L, input, &t)) != 0)
        goto done;
    rc = EXIT_USAGE;
    ro.targets = targets;
    ro.target_count = ntargets;
    ro.floors = floors;
    ro.floor_count = nfloors;
    ro.fixed = fixed;
    ro.fixed_count = nfixed;
    fp_diag d;
    if (fp_realloc(t, &ro, &result, &d) != FP_OK) {
        cli_fail_diag(&d);
        goto done;
    }
    writing w = {t, result};
    /* All or nothing: every output is written to its temporary file first, and put in place
     * only when all of them could be written. */
    cli_staged st[3] = {{0}};
    size_t nst = 0;
    int bad = cli_stage_stream(&st[nst++], L.output, L.force, write_table, &w);
    if (!bad && diff)
        bad = cli_stage_stream(&st[nst++], diff, L.force, write_diff, &w);
    if (!bad && xlsx) {
        /* 参数: enough to run the same what-if again from the workbook alone */
        fp_xlsx_param params[8 + 3 * MAX_ITEMS];
        size_t np = 0;
        char digest[65], unit[FP_AMOUNT_BUFSIZE + 64];
        const char *files[] = {input, L.output, diff ? diff : input, xlsx, NULL};
        cmdline = args ? command_line(argc, args, files) : NULL;
        bad = !cmdline || sha256_file(input, digest);
        if (bad) {
            cli_fail("cannot read %s again for its digest", input);
        } else {
            fp_amount_format(ro.unit, 0, unit);
            if (fp_table_unit(t))
                snprintf(unit + strlen(unit), 64, "%s", fp_table_unit(t));
            params[np++] = (fp_xlsx_param){"命令", cmdline};
            params[np++] = (fp_xlsx_param){"输入文件", base_name(input)};
            params[np++] = (fp_xlsx_param){"输入文件 SHA-256", digest};
            params[np++] = (fp_xlsx_param){"方法", fp_method_name(ro.method)};
            params[np++] = (fp_xlsx_param){"取整单位", unit};
            params[np++] = (fp_xlsx_param){"舍入", fp_rounding_name(ro.rounding)};
            params[np++] = (fp_xlsx_param){"不收回已下达资金", ro.no_clawback ? "是" : "否"};
            for (size_t i = 0; i < ntargets; i++)
                params[np++] = (fp_xlsx_param){"设定", set_text[i]};
            for (size_t i = 0; i < nfloors; i++)
                params[np++] = (fp_xlsx_param){"下限", min_text[i]};
            for (size_t i = 0; i < nfixed; i++)
                params[np++] = (fp_xlsx_param){"固定", fixed[i]};
            params[np++] = (fp_xlsx_param){"程序", "fenpei " FP_VERSION_STRING};
            whatif_job job = {t, result, &no, params, np};
            bad = cli_stage(&st[nst++], xlsx, L.force, write_whatif, &job);
        }
    }
    if (bad) {
        cli_discard(st, nst);
        goto done;
    }
    if (cli_publish(st, nst))
        goto done;
    summary(t, result, &ro, st, nst);
    rc = EXIT_CLEAN;
done:
    free(cmdline);
    free(args);
    for (size_t i = 0; i < nkeep; i++)
        free(keep[i]);
    fp_table_free(result);
    fp_table_free(t);
    cli_load_free(&L);
    return rc;
}
