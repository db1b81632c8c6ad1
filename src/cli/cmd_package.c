/* cli/cmd_package.c — fenpei package: the letter, 附件1, 附件3 and 对下分解 of a 下达 notice. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "fenpei/package.h"

static const char usage_text[] =
    "usage: fenpei package TABLE -o DIR [OPTIONS]\n"
    "\n"
    "Write the 下达 package of an allocation table into the folder DIR, every number taken from\n"
    "the table: 通知.docx (the cover letter from a template), 附件1 分配表.xlsx (the notice\n"
    "workbook, 附件1 above its title, the 文号 in its print header) and 附件3 跟踪反馈表.xlsx\n"
    "(one feedback sheet per recipient). With --split also 对下分解/<地州>/ for every\n"
    "prefecture: its rows as a table of its own (分配表.csv, 附件1 分配表.xlsx), its feedback\n"
    "form and the draft of its onward letter (通知.docx). The table must add up: 'fenpei\n"
    "check' lists what does not.\n"
    "\n"
    "Options:\n"
    "  -o, --output DIR      the package's folder (made if missing)\n"
    "  --issuer TEXT         发文机关, e.g. 新疆维吾尔自治区财政厅\n"
    "  --doc-number TEXT     文号, e.g. 新财社〔2024〕24号\n"
    "  --title TEXT          the letter's title (default: 关于下达<the table's title>的通知)\n"
    "  --to TEXT             主送 (default: the recipients' names)\n"
    "  --income-code TEXT    收入科目, e.g. \"1100249 医疗卫生共同财政事权转移支付收入\"\n"
    "  --expense-code TEXT   支出科目, e.g. \"2100408 基层公共卫生服务\"\n"
    "  --direct-funds TEXT   直达资金标识, e.g. \"01 自治区直达资金\"\n"
    "  --date TEXT           成文日期 (default: left blank to be written by hand)\n"
    "  --attachment TEXT     one line of the 附件 list (repeatable; default: 分配表,\n"
    "                        绩效目标表, 跟踪反馈表)\n"
    "  --template FILE       a .docx template with {{placeholders}} (default: the built-in one)\n"
    "  --split               also write 对下分解/<地州>/ for every prefecture\n"
    "  --force               replace files that exist in DIR\n" CLI_LOAD_HELP
    "  -h, --help            show this help\n"
    "\n"
    "A paragraph of the letter whose placeholder has no value (no --direct-funds, say) is left\n"
    "out. Exit status: 0 written, 1 the table does not add up (nothing written), 2 bad input,\n"
    "template or command line, or a file exists without --force.\n";

enum {
    OPT_ISSUER = CLI_OPT_FIRST_FREE,
    OPT_DOC_NUMBER,
    OPT_TITLE,
    OPT_TO,
    OPT_INCOME,
    OPT_EXPENSE,
    OPT_DIRECT,
    OPT_DATE,
    OPT_ATTACHMENT,
    OPT_TEMPLATE,
    OPT_SPLIT
};

typedef struct file_job {
    const fp_package *p;
    size_t i;
} file_job;

static int write_entry(const char *tmp_path, void *ctx)
{
    file_job *j = ctx;
    fp_diag d;
    return fp_package_write_file(j->p, j->i, tmp_path, &d) == FP_OK ? 0 : cli_fail_diag(&d);
}

/* Make folder PATH unless it exists; remember it in MADE when made. 0 or EXIT_USAGE. */
static int make_dir(const char *path, char **made, size_t *nmade)
{
    struct stat st;
    if (stat(path, &st) == 0)
        return S_ISDIR(st.st_mode) ? 0 : cli_fail("%s exists and is not a folder", path);
    if (mkdir(path, 0777) != 0)
        return cli_fail("cannot create the folder %s: %s", path, strerror(errno));
    if (!(made[(*nmade)++] = strdup(path)))
        return cli_fail("out of memory");
    return 0;
}

int cmd_package(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"output", required_argument, NULL, 'o'},
        {"issuer", required_argument, NULL, OPT_ISSUER},
        {"doc-number", required_argument, NULL, OPT_DOC_NUMBER},
        {"title", required_argument, NULL, OPT_TITLE},
        {"to", required_argument, NULL, OPT_TO},
        {"income-code", required_argument, NULL, OPT_INCOME},
        {"expense-code", required_argument, NULL, OPT_EXPENSE},
        {"direct-funds", required_argument, NULL, OPT_DIRECT},
        {"date", required_argument, NULL, OPT_DATE},
        {"attachment", required_argument, NULL, OPT_ATTACHMENT},
        {"template", required_argument, NULL, OPT_TEMPLATE},
        {"split", no_argument, NULL, OPT_SPLIT},
        CLI_SHARED_LONG_OPTIONS,
    };
    cli_load L = {0};
    fp_load_options_init(&L.o);
    fp_package_options po;
    fp_package_options_init(&po);
    const char *attachments[32];
    size_t natt = 0;
    int rc = EXIT_USAGE;
    fp_table *t = NULL;
    fp_package *pkg = NULL;
    cli_staged *st = NULL;
    char **paths = NULL, **made = NULL;
    size_t nst = 0, nfiles = 0, nmade = 0;

    optind = 0; /* GNU getopt: start afresh on this argv */
    int opt;
    while ((opt = cli_next_option(argc, argv, "ho:", longopts, &L, usage_text, &rc)) != -1) {
        switch (opt) {
        case CLI_OPT_EXIT:
            goto done;
        case OPT_ISSUER: po.issuer = optarg; break;
        case OPT_DOC_NUMBER: po.doc_number = optarg; break;
        case OPT_TITLE: po.title = optarg; break;
        case OPT_TO: po.to = optarg; break;
        case OPT_INCOME: po.income_code = optarg; break;
        case OPT_EXPENSE: po.expense_code = optarg; break;
        case OPT_DIRECT: po.direct_funds = optarg; break;
        case OPT_DATE: po.date = optarg; break;
        case OPT_TEMPLATE: po.template_path = optarg; break;
        case OPT_SPLIT: po.split = 1; break;
        case OPT_ATTACHMENT:
            if (natt == sizeof attachments / sizeof attachments[0]) {
                cli_fail("--attachment: at most 32");
                goto done;
            }
            attachments[natt++] = optarg;
            break;
        default: /* an option in longopts with no case: a bug */
            cli_fail("package: option %d not handled", opt);
            goto done;
        }
    }
    if (natt) {
        po.attachments = attachments;
        po.attachment_count = natt;
    }
    if (cli_one_table(argc, argv))
        goto done;
    if (!L.output) {
        cli_fail("package: give the package's folder with -o DIR");
        goto done;
    }
    const char *input = argv[optind];
    if ((rc = cli_load_table(&L, input, &t)) != 0)
        goto done;
    rc = EXIT_USAGE;
    fp_diag d;
    fp_error e = fp_package_prepare(t, &po, &pkg, &d);
    if (e != FP_OK) {
        cli_fail_diag(&d);
        /* a table that does not add up is a finding, as in 'fenpei notice' */
        if (e == FP_ERR_ARGUMENT && strstr(d.message, "does not add up"))
            rc = EXIT_FINDINGS;
        goto done;
    }
    size_t n = fp_package_file_count(pkg);
    st = calloc(n, sizeof *st);
    paths = calloc(n, sizeof *paths);
    made = calloc(n + 1, sizeof *made);
    if (!st || !paths || !made) {
        cli_fail("out of memory");
        goto done;
    }
    /* every file is staged next to its place, and all are put in place when all are written */
    if (make_dir(L.output, made, &nmade))
        goto discard;
    for (size_t i = 0; i < n; i++) {
        size_t len = strlen(L.output) + strlen(fp_package_file_path(pkg, i)) + 2;
        if (!(paths[i] = malloc(len))) {
            cli_fail("out of memory");
            goto discard;
        }
        snprintf(paths[i], len, "%s/%s", L.output, fp_package_file_path(pkg, i));
        if (fp_package_file_is_dir(pkg, i)) {
            if (make_dir(paths[i], made, &nmade))
                goto discard;
            continue;
        }
        if (cli_same_file(input, paths[i])) {
            cli_fail("package: %s would replace the input; choose another folder", paths[i]);
            goto discard;
        }
        file_job job = {pkg, i};
        if (cli_stage(&st[nst++], paths[i], L.force, write_entry, &job))
            goto discard;
        nfiles++;
    }
    if (cli_publish(st, nst))
        goto rmdirs;
    printf("已写入 %s：%zu 个文件\n", L.output, nfiles);
    for (size_t i = 0; i < n; i++)
        if (!fp_package_file_is_dir(pkg, i))
            printf("  %s\n", fp_package_file_path(pkg, i));
    /* what the letter leaves out, so that a missing option is not a silent gap */
    const struct {
        const char *value, *option, *what;
    } given[] = {
        {po.issuer, "--issuer", "发文机关"},       {po.doc_number, "--doc-number", "文号"},
        {po.income_code, "--income-code", "收入科目"}, {po.expense_code, "--expense-code", "支出科目"},
        {po.direct_funds, "--direct-funds", "直达资金标识"},
    };
    for (size_t i = 0; i < sizeof given / sizeof given[0]; i++)
        if (!given[i].value)
            printf("注意：未给出 %s（%s），通知中含它的段落已省略\n", given[i].option, given[i].what);
    rc = EXIT_CLEAN;
    goto done;
discard:
    cli_discard(st, nst);
rmdirs:
    /* folders made for this run go again, innermost first (rmdir leaves a folder not empty) */
    while (nmade) {
        rmdir(made[--nmade]);
        free(made[nmade]);
    }
done:
    if (paths)
        for (size_t i = 0; i < fp_package_file_count(pkg); i++)
            free(paths[i]);
    if (made)
        for (size_t i = 0; i < nmade; i++)
            free(made[i]);
    free(made);
    free(paths);
    free(st);
    fp_package_free(pkg);
    fp_table_free(t);
    cli_load_free(&L);
    return rc;
}
