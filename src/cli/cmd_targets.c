/* cli/cmd_targets.c — fenpei targets: one target-table skeleton (项目支出绩效目标表) workbook per
 * recipient of an allocation table, from a model target table. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"

static const char usage_text[] =
    "usage: fenpei targets [OPTIONS] ALLOCATION --model TARGET_TABLE -o DIR\n"
    "\n"
    "Write one target-table workbook (项目支出绩效目标表) per recipient of the allocation table\n"
    "(the 本级 units and 地州 below the 合计 rows) into DIR, named after the recipient: its\n"
    "预算单位 the recipient, its 年度预算总额 and 财政拨款 the row's 全年应拨付资金合计, its\n"
    "项目名称, 年度总体目标 and indicator rows copied from the model (the first target table of\n"
    "TARGET_TABLE, a .docx, .xlsx or text file), whose weights must add up to 90.\n"
    "\n"
    "Options:\n"
    "  --model FILE        the model target table (required)\n"
    "  --index N           use the N-th table of the model file (default: 1)\n"
    "  -o, --output DIR    the folder to write into (made if missing; required)\n"
    "  --force             replace workbooks that exist\n" CLI_LOAD_HELP
    "  -h, --help          show this help\n"
    "\n"
    "Exit status: 0 written, 2 a file could not be read or written, or the command line is "
    "wrong.\n";

enum { OPT_MODEL = CLI_OPT_FIRST_FREE, OPT_INDEX };

typedef struct job {
    const fp_table *alloc;
    size_t row;
    const fp_perf_doc *model;
    size_t index;
} job;

static int write_one(const char *tmp_path, void *p)
{
    job *j = p;
    fp_diag d;
    return fp_perf_write_target_xlsx(j->alloc, j->row, j->model, j->index, tmp_path, &d) == FP_OK
               ? 0
               : cli_fail_diag(&d);
}

int cmd_targets(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"model", required_argument, NULL, OPT_MODEL},
        {"index", required_argument, NULL, OPT_INDEX},
        {"output", required_argument, NULL, 'o'},
        CLI_SHARED_LONG_OPTIONS,
    };
    cli_load L = {0};
    fp_load_options_init(&L.o);
    int rc = EXIT_USAGE;
    const char *model_path = NULL;
    long index = 1;
    fp_table *alloc = NULL;
    fp_perf_doc *model = NULL;
    size_t *rows = NULL;
    cli_staged *st = NULL;
    size_t nst = 0;
    char **paths = NULL;
    size_t n = 0;

    optind = 0;
    int opt;
    while ((opt = cli_next_option(argc, argv, "ho:", longopts, &L, usage_text, &rc)) != -1) {
        switch (opt) {
        case CLI_OPT_EXIT:
            goto done;
        case OPT_MODEL:
            model_path = optarg;
            break;
        case OPT_INDEX: {
            char *end;
            errno = 0;
            index = strtol(optarg, &end, 10);
            if (*end || errno || index < 1) {
                cli_fail("--index: expected a table number from 1, not \"%s\"", optarg);
                goto done;
            }
            break;
        }
        default:
            cli_fail("targets: option %d not handled", opt);
            goto done;
        }
    }
    if (cli_one_table(argc, argv))
        goto done;
    if (!model_path || !L.output) {
        cli_fail("targets: --model TARGET_TABLE and -o DIR are required");
        goto done;
    }
    if ((rc = cli_load_table(&L, argv[optind], &alloc)) != 0)
        goto done;
    rc = EXIT_USAGE;
    fp_diag d;
    if (!(model = fp_perf_doc_new())) {
        cli_fail("out of memory");
        goto done;
    }
    if (fp_perf_doc_add_file(model, model_path, &d) != FP_OK) {
        cli_fail_diag(&d);
        goto done;
    }
    size_t mi = (size_t)index - 1, seen = 0, k;
    for (k = 0; k < fp_perf_table_count(model); k++)
        if (fp_perf_table_info(model, k)->kind == FP_PERF_TARGET && seen++ == mi)
            break;
    if (k == fp_perf_table_count(model)) {
        cli_fail("targets: %s has no target table number %ld", model_path, index);
        goto done;
    }
    if (mkdir(L.output, 0777) != 0 && errno != EEXIST) {
        cli_fail("targets: cannot make the folder %s: %s", L.output, strerror(errno));
        goto done;
    }
    n = fp_perf_recipients(alloc, NULL, 0);
    rows = calloc(n + 1, sizeof *rows);
    st = calloc(n + 1, sizeof *st);
    paths = calloc(n + 1, sizeof *paths);
    if (!rows || !st || !paths) {
        cli_fail("out of memory");
        goto done;
    }
    fp_perf_recipients(alloc, rows, n);
    for (size_t i = 0; i < n; i++) {
        const char *name = fp_table_row_name(alloc, rows[i]);
        size_t len = strlen(L.output) + strlen(name) + 16;
        if (!(paths[i] = malloc(len))) {
            cli_fail("out of memory");
            goto discard;
        }
        snprintf(paths[i], len, "%s/%s.xlsx", L.output, name);
        for (char *p = paths[i] + strlen(L.output) + 1; *p; p++)
            if (*p == '/' || *p == '\\')
                *p = '_';
        job j = {alloc, rows[i], model, k};
        if (cli_stage(&st[nst++], paths[i], L.force, write_one, &j))
            goto discard;
    }
    if (cli_publish(st, nst))
        goto done;
    for (size_t i = 0; i < n; i++)
        printf("%s\n", paths[i]);
    rc = EXIT_CLEAN;
    goto done;
discard:
    cli_discard(st, nst);
done:
    for (size_t i = 0; paths && i < n; i++)
        free(paths[i]);
    free(paths);
    free(st);
    free(rows);
    fp_perf_doc_free(model);
    fp_table_free(alloc);
    cli_load_free(&L);
    return rc;
}
