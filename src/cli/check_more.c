/* cli/check_more.c — fenpei check beyond one table: --letter, and several files or a folder at once. */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"

int cli_is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

int cli_letter_load(const fp_table *t, const char *letter, fp_letter_report **out)
{
    fp_diag d;
    if (fp_letter_check_file(t, letter, out, &d) != FP_OK)
        return cli_fail_diag(&d);
    return 0;
}

/* ---- several files ---- */

/* A file a folder holds that may be a table: .csv, .tsv, .txt, .xlsx, .pdf, .docx (not hidden, not a
 * workbook's lock file). */
static int table_like(const char *name)
{
    static const char *const exts[] = {".csv", ".tsv", ".txt", ".xlsx", ".pdf", ".docx"};
    if (name[0] == '.' || strncmp(name, "~$", 2) == 0)
        return 0;
    size_t n = strlen(name);
    for (size_t i = 0; i < sizeof exts / sizeof exts[0]; i++) {
        size_t k = strlen(exts[i]);
        if (n > k && strcasecmp(name + n - k, exts[i]) == 0)
            return 1;
    }
    return 0;
}

/* Append a copy of S to the list *V of *N strings (capacity *CAP). 0 or -1. */
static int push_str(char ***v, size_t *n, size_t *cap, const char *s)
{
    if (*n == *cap) {
        size_t nc = *cap ? *cap * 2 : 64;
        char **nv = realloc(*v, nc * sizeof *nv);
        if (!nv)
            return -1;
        *v = nv;
        *cap = nc;
    }
    if (!((*v)[*n] = strdup(s)))
        return -1;
    (*n)++;
    return 0;
}

/* S as a JSON string (the library's reports escape the same way). */
static void json_str(FILE *out, const char *s)
{
    fputc('"', out);
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if (ch == '"' || ch == '\\')
            fprintf(out, "\\%c", ch);
        else if (ch == '\n')
            fputs("\\n", out);
        else if (ch < 0x20)
            fprintf(out, "\\u%04x", ch);
        else
            fputc(ch, out);
    }
    fputc('"', out);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A .docx of a folder without any table (the notice's letter, often beside its attachments):
 * left out, and said so on stderr. A .docx with performance tables or an allocation table, or
 * one that cannot be read (said in the summary), is checked. */
static int letter_only(const char *path)
{
    size_t n = strlen(path);
    if (n <= 5 || strcasecmp(path + n - 5, ".docx") != 0 || fp_perf_file_is_performance(path))
        return 0;
    fp_table *t = NULL;
    fp_diag d;
    fp_error e = fp_table_load_file(path, NULL, &t, &d);
    fp_table_free(t);
    if (e != FP_ERR_EMPTY)
        return 0;
    fprintf(stderr, "fenpei: %s: a Word document without a table (a letter?): not checked\n", path);
    return 1;
}

/* The files to check: operands as given, a folder's table files in name order. */
static int expand(int n, char **operands, char ***files, size_t *nfiles)
{
    size_t cap = 0;
    *files = NULL;
    *nfiles = 0;
    for (int i = 0; i < n; i++) {
        if (!cli_is_dir(operands[i])) {
            if (push_str(files, nfiles, &cap, operands[i]))
                return cli_fail("out of memory");
            continue;
        }
        DIR *dir = opendir(operands[i]);
        if (!dir)
            return cli_fail("cannot read the folder %s: %s", operands[i], strerror(errno));
        size_t first = *nfiles;
        struct dirent *e;
        while ((e = readdir(dir)) != NULL) {
            if (!table_like(e->d_name))
                continue;
            size_t len = strlen(operands[i]) + strlen(e->d_name) + 2;
            char *path = malloc(len);
            if (!path) {
                closedir(dir);
                return cli_fail("out of memory");
            }
            snprintf(path, len, "%s%s%s", operands[i],
                     operands[i][strlen(operands[i]) - 1] == '/' ? "" : "/", e->d_name);
            int skip = cli_is_dir(path) || letter_only(path);
            int rc = skip ? 0 : push_str(files, nfiles, &cap, path);
            free(path);
            if (rc) {
                closedir(dir);
                return cli_fail("out of memory");
            }
        }
        closedir(dir);
        qsort(*files + first, *nfiles - first, sizeof **files, cmp_str);
    }
    return 0;
}

typedef struct checked {
    const char *file;
    fp_table *t;
    fp_report *report;
    fp_perf_doc *perf;          /* a file of performance tables: its tables … */
    fp_perf_report *perf_report;/* … and their findings (t and report are then NULL) */
    char *failure; /* why it could not be read or checked */
    char *audit;   /* its audit workbook, relative to the summary's folder */
} checked;

/* Why a file failed, in one line: "line 12: message", "附件1!C57: message" or the message. */
static char *diag_text(const fp_diag *d)
{
    char buf[1024];
    const char *msg = d->message[0] ? d->message : fp_strerror(d->code);
    if (d->cell[0])
        snprintf(buf, sizeof buf, "%s: %s", d->cell, msg);
    else if (d->line)
        snprintf(buf, sizeof buf, "line %ld: %s", d->line, msg);
    else
        snprintf(buf, sizeof buf, "%s", msg);
    return strdup(buf);
}

typedef struct audit_job {
    const checked *c;
    const fp_check_options *co;
} audit_job;

static int write_audit(const char *tmp_path, void *p)
{
    audit_job *j = p;
    fp_diag d;
    if (j->c->perf)
        return fp_perf_write_audit_xlsx(j->c->perf, j->c->perf_report, tmp_path, &d) == FP_OK
                   ? 0
                   : cli_fail_diag(&d);
    return fp_xlsx_write_audit(j->c->t, j->c->report, j->co, tmp_path, &d) == FP_OK
               ? 0
               : cli_fail_diag(&d);
}

typedef struct summary_job {
    const fp_xlsx_summary_row *rows;
    size_t n;
} summary_job;

static int write_summary(const char *tmp_path, void *p)
{
    summary_job *j = p;
    fp_diag d;
    return fp_xlsx_write_summary(j->rows, j->n, tmp_path, &d) == FP_OK ? 0 : cli_fail_diag(&d);
}

/* The folder of the audit workbooks next to the summary XLSX: "汇总.xlsx" → "汇总-审核". */
static char *audit_folder(const char *xlsx)
{
    size_t n = strlen(xlsx);
    if (n > 5 && strcasecmp(xlsx + n - 5, ".xlsx") == 0)
        n -= 5;
    char *s = malloc(n + 16);
    if (s)
        snprintf(s, n + 16, "%.*s-审核", (int)n, xlsx);
    return s;
}

/* S padded with spaces to WIDTH columns (East Asian characters take two). */
static void put_padded(const char *s, size_t width)
{
    size_t w = 0;
    for (const char *p = s; *p; p++) {
        unsigned char ch = (unsigned char)*p;
        if ((ch & 0xC0) != 0x80)
            w += ch >= 0xE0 ? 2 : 1;
    }
    fputs(s, stdout);
    for (; w < width; w++)
        fputc(' ', stdout);
}

static const char *base_name(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

/* Rows (tables of a performance file), errors and warnings of a checked file. */
static size_t c_rows(const checked *c)
{
    return c->perf ? fp_perf_table_count(c->perf) : fp_table_row_count(c->t);
}

static size_t c_errors(const checked *c)
{
    if (c->perf_report)
        return fp_perf_report_errors(c->perf_report);
    return c->report ? fp_report_errors(c->report) : 0;
}

static size_t c_warnings(const checked *c)
{
    if (c->perf_report) {
        size_t w = 0;
        for (size_t i = 0; i < fp_perf_report_count(c->perf_report); i++)
            w += fp_perf_report_get(c->perf_report, i)->severity == FP_SEVERITY_WARNING;
        return w;
    }
    return c->report ? fp_report_warnings(c->report) : 0;
}

/* Read and check the performance tables of C->file by their rules. */
static fp_error check_perf(checked *c, fp_diag *d)
{
    if (!(c->perf = fp_perf_doc_new()))
        return FP_ERR_NOMEM;
    fp_error e = fp_perf_doc_add_file(c->perf, c->file, d);
    if (e == FP_OK)
        e = fp_perf_check(c->perf, &c->perf_report, d);
    return e;
}

/* The JSON object of a performance file in the list: {"file": …, then the performance report's
 * own members (kind "performance", tables, findings, errors, warnings)}. */
static int perf_json(const checked *c, FILE *out)
{
    char *text = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&text, &len);
    if (!mem)
        return -1;
    fp_error e = fp_perf_report_write_json(c->perf_report, c->perf, mem);
    if (fclose(mem) != 0 || e != FP_OK || len < 2 || text[0] != '{') {
        free(text);
        return -1;
    }
    fputs("{\"file\":", out);
    json_str(out, c->file);
    fputc(',', out);
    fwrite(text + 1, 1, len - 1, out);
    free(text);
    return 0;
}

int cli_check_many(int noperands, char **operands, cli_load *L, fp_check_options *co,
                   const char *const *rules_text, size_t nrules, int json, fp_lang lang,
                   const char *xlsx, int force)
{
    char **files = NULL;
    size_t n = 0;
    int rc = expand(noperands, operands, &files, &n);
    checked *c = NULL;
    fp_xlsx_summary_row *rows = NULL;
    cli_staged *st = NULL;
    char *folder = NULL;
    int made_folder = 0;
    size_t nst = 0;
    if (rc)
        goto done;
    rc = EXIT_USAGE;
    if (!n) {
        cli_fail("check: no table files (.csv, .tsv, .txt, .xlsx, .pdf, or .docx of "
                 "performance tables) found");
        goto done;
    }
    c = calloc(n, sizeof *c);
    rows = calloc(n, sizeof *rows);
    st = calloc(n + 1, sizeof *st);
    if (!c || !rows || !st) {
        cli_fail("out of memory");
        goto done;
    }
    /* each file on its own: one that cannot be read is noted and the others go on */
    for (size_t i = 0; i < n; i++) {
        c[i].file = files[i];
        if (xlsx && cli_same_file(files[i], xlsx)) {
            cli_fail("check: --xlsx would replace the input %s; choose another file", files[i]);
            goto done;
        }
        fp_diag d;
        fp_rule *rules[64] = {0};
        if (fp_perf_file_is_performance(files[i])) { /* 绩效目标表, 绩效自评表: their own rules */
            fp_error e = check_perf(&c[i], &d);
            if (e == FP_ERR_NOMEM) {
                cli_fail("out of memory");
                goto done;
            }
            if (e != FP_OK) {
                if (!(c[i].failure = diag_text(&d))) {
                    cli_fail("out of memory");
                    goto done;
                }
                fp_perf_report_free(c[i].perf_report);
                c[i].perf_report = NULL;
                fp_perf_doc_free(c[i].perf);
                c[i].perf = NULL;
            }
            continue;
        }
        fp_error e = fp_table_load_file(files[i], &L->o, &c[i].t, &d);
        for (size_t k = 0; e == FP_OK && k < nrules; k++)
            e = fp_rule_parse(c[i].t, rules_text[k], &rules[k], &d);
        if (e == FP_OK) {
            co->custom = (const fp_rule *const *)rules;
            co->custom_count = nrules;
            e = fp_check(c[i].t, co, &c[i].report, &d);
            co->custom = NULL;
            co->custom_count = 0;
        }
        for (size_t k = 0; k < nrules; k++)
            fp_rule_free(rules[k]);
        if (e != FP_OK) {
            c[i].failure = diag_text(&d);
            if (!c[i].failure) {
                cli_fail("out of memory");
                goto done;
            }
            fp_report_free(c[i].report);
            c[i].report = NULL;
        }
    }
    /* the workbooks: the summary and one audit per table read, staged and published together */
    if (xlsx) {
        if (!(folder = audit_folder(xlsx))) {
            cli_fail("out of memory");
            goto done;
        }
        if (!cli_is_dir(folder)) {
            if (mkdir(folder, 0777) != 0) {
                cli_fail("cannot create the folder %s: %s", folder, strerror(errno));
                goto done;
            }
            made_folder = 1;
        }
        for (size_t i = 0; i < n; i++) {
            if (c[i].failure)
                continue;
            size_t len = strlen(folder) + strlen(base_name(files[i])) + 32;
            char *path = malloc(len);
            if (!path) {
                cli_fail("out of memory");
                goto discard;
            }
            /* numbered: two folders may hold files of the same name */
            snprintf(path, len, "%s/%03zu-%s.xlsx", folder, i + 1, base_name(files[i]));
            c[i].audit = path;
            audit_job job = {&c[i], co};
            if (cli_stage(&st[nst++], c[i].audit, force, write_audit, &job))
                goto discard;
        }
        for (size_t i = 0; i < n; i++) {
            rows[i].file = c[i].file;
            rows[i].rows = c[i].failure ? 0 : c_rows(&c[i]);
            rows[i].errors = c_errors(&c[i]);
            rows[i].warnings = c_warnings(&c[i]);
            rows[i].failure = c[i].failure;
            /* links are relative to the summary's folder */
            const char *slash = strrchr(xlsx, '/');
            size_t skip = slash ? (size_t)(slash - xlsx) + 1 : 0;
            rows[i].audit = c[i].audit ? c[i].audit + skip : NULL;
        }
        summary_job job = {rows, n};
        if (cli_stage(&st[nst++], xlsx, force, write_summary, &job))
            goto discard;
    }
    /* the summary on stdout */
    size_t failed = 0, with_errors = 0;
    for (size_t i = 0; i < n; i++) {
        failed += c[i].failure != NULL;
        with_errors += c_errors(&c[i]) > 0;
    }
    if (json) {
        fputs("{\"files\":[\n", stdout);
        for (size_t i = 0; i < n; i++) {
            if (i)
                fputs(",\n", stdout);
            if (c[i].failure) {
                fputs("{\"file\":", stdout);
                json_str(stdout, c[i].file);
                fputs(",\"rows\":null,\"errors\":null,\"warnings\":null,\"failure\":", stdout);
                json_str(stdout, c[i].failure);
                fputs(",\"findings\":[]}", stdout);
            } else if (c[i].perf) {
                if (perf_json(&c[i], stdout)) {
                    cli_fail("cannot write the report");
                    goto discard;
                }
            } else {
                fp_report_write_json(c[i].report, c[i].t, co, stdout);
            }
        }
        fprintf(stdout, "],\"summary\":{\"files\":%zu,\"clean\":%zu,\"with_errors\":%zu,"
                        "\"unreadable\":%zu}}\n",
                n, n - failed - with_errors, with_errors, failed);
    } else {
        int en = lang == FP_LANG_EN;
        size_t width = 20;
        for (size_t i = 0; i < n; i++)
            if (strlen(c[i].file) > width) /* bytes: at least the display width */
                width = strlen(c[i].file) > 70 ? 70 : strlen(c[i].file);
        put_padded(en ? "file" : "文件", width);
        fputs(en ? "   rows errors warnings\n" : "   行数   错误   警告\n", stdout);
        for (size_t i = 0; i < n; i++) {
            put_padded(c[i].file, width);
            if (c[i].failure)
                printf("   %s%s\n", en ? "cannot be read: " : "无法读取：", c[i].failure);
            else if (c[i].perf)
                printf(" %6s %6zu %6zu   %s%zu%s\n", "-", c_errors(&c[i]), c_warnings(&c[i]),
                       en ? "performance tables: " : "绩效表 ", c_rows(&c[i]), en ? "" : " 张");
            else
                printf(" %6zu %6zu %6zu\n", fp_table_row_count(c[i].t),
                       fp_report_errors(c[i].report), fp_report_warnings(c[i].report));
        }
        if (en)
            printf("%zu files: %zu pass, %zu with errors, %zu cannot be read.\n", n,
                   n - failed - with_errors, with_errors, failed);
        else
            printf("共 %zu 个文件：%zu 个通过，%zu 个有错误，%zu 个无法读取。\n", n,
                   n - failed - with_errors, with_errors, failed);
    }
    if (fflush(stdout) != 0) {
        cli_fail("cannot write the report");
        goto discard;
    }
    if (cli_publish(st, nst))
        goto done;
    if (xlsx)
        printf(lang == FP_LANG_EN ? "summary workbook: %s (audits in %s/)\n"
                                  : "汇总工作簿：%s（各文件的审核表在 %s/）\n",
               xlsx, folder);
    made_folder = 0;
    rc = failed ? EXIT_USAGE : with_errors ? EXIT_FINDINGS : EXIT_CLEAN;
    goto done;
discard:
    cli_discard(st, nst);
done:
    if (made_folder)
        rmdir(folder);
    free(folder);
    if (c)
        for (size_t i = 0; i < n; i++) {
            fp_table_free(c[i].t);
            fp_report_free(c[i].report);
            fp_perf_report_free(c[i].perf_report);
            fp_perf_doc_free(c[i].perf);
            free(c[i].failure);
            free(c[i].audit);
        }
    for (size_t i = 0; i < n; i++)
        free(files[i]);
    free(files);
    free(c);
    free(rows);
    free(st);
    return rc;
}
