/* cli/util.c — messages, command-line amounts and safe output files for the fenpei program. */
#define _XOPEN_SOURCE 700 /* realpath */
#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"

int cli_fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("fenpei: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    return EXIT_USAGE;
}

int cli_fail_diag(const fp_diag *d)
{
    fputs("fenpei: ", stderr);
    if (d->file[0])
        fprintf(stderr, "%s:", d->file);
    if (d->line)
        fprintf(stderr, "%ld:", d->line);
    if (d->cell[0])
        fprintf(stderr, "%s:", d->cell);
    if (d->file[0] || d->line || d->cell[0])
        fputc(' ', stderr);
    if (d->column[0] && !strstr(d->message, d->column))
        fprintf(stderr, "column \"%s\": ", d->column);
    if (d->text[0] && !strstr(d->message, d->text))
        fprintf(stderr, "\"%s\": ", d->text);
    fprintf(stderr, "%s\n", d->message[0] ? d->message : fp_strerror(d->code));
    return EXIT_USAGE;
}

/* The canonical name of PATH's folder joined with its last part ("./a.csv" and "a.csv" agree),
 * into BUF; 0 or -1 when the folder does not exist. */
static int canonical_target(const char *path, char *buf, size_t size)
{
    const char *slash = strrchr(path, '/');
    char dir[4096];
    const char *base = slash ? slash + 1 : path;
    if (!slash)
        strcpy(dir, ".");
    else if (slash == path)
        strcpy(dir, "/");
    else
        snprintf(dir, sizeof dir, "%.*s", (int)(slash - path), path);
    char real[4096];
    if (!realpath(dir, real))
        return -1;
    snprintf(buf, size, "%s/%s", real, base);
    return 0;
}

int cli_same_file(const char *a, const char *b)
{
    struct stat sa, sb;
    if (stat(a, &sa) == 0 && stat(b, &sb) == 0)
        return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
    char ca[8192], cb[8192];
    if (canonical_target(a, ca, sizeof ca) || canonical_target(b, cb, sizeof cb))
        return strcmp(a, b) == 0;
    return strcmp(ca, cb) == 0;
}

int cli_amount(const char *option, const char *text, fp_amount *out)
{
    fp_amount_info info;
    fp_error e = fp_amount_parse(text, strlen(text), out, &info);
    if (e != FP_OK || info.blank) {
        cli_fail("%s: \"%s\" is not an amount (%s); expected e.g. 27000 or 0.01", option, text,
                 e != FP_OK ? fp_strerror(e) : "empty");
        return -1;
    }
    return 0;
}

/* ---- outputs: written to a temporary file next to the target, then put in place ---- */

int cli_stage(cli_staged *st, const char *path, int force,
              int (*write)(const char *tmp_path, void *ctx), void *ctx)
{
    struct stat sb;
    st->tmp = NULL;
    st->path = path;
    st->force = force;
    if (!force && stat(path, &sb) == 0)
        return cli_fail("%s exists; use --force to replace it", path);
    /* mkstemp reserves a unique name next to the target (so rename() is atomic); the writer
     * then replaces its empty contents, keeping the mode set here */
    size_t n = strlen(path);
    char *tmp = malloc(n + 16);
    if (!tmp)
        return cli_fail("out of memory");
    snprintf(tmp, n + 16, "%s.tmpXXXXXX", path);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        int e = errno;
        free(tmp);
        return cli_fail("cannot create a file next to %s: %s", path, strerror(e));
    }
    fchmod(fd, 0644);
    close(fd);
    int rc = write(tmp, ctx);
    if (rc) {
        unlink(tmp);
        free(tmp);
        return rc;
    }
    st->tmp = tmp;
    return 0;
}

/* A stream writer, as a path writer: open the temporary file as a stream. */
typedef struct stream_writer {
    int (*write)(FILE *out, void *ctx);
    void *ctx;
    const char *path; /* the target, for messages */
} stream_writer;

static int write_stream(const char *tmp_path, void *p)
{
    stream_writer *w = p;
    FILE *out = fopen(tmp_path, "wb");
    if (!out)
        return cli_fail("cannot write %s: %s", w->path, strerror(errno));
    int rc = w->write(out, w->ctx);
    if (fflush(out) != 0 || ferror(out))
        rc = rc ? rc : cli_fail("cannot write %s: %s", w->path, strerror(errno));
    if (fclose(out) != 0 && !rc)
        rc = cli_fail("cannot write %s: %s", w->path, strerror(errno));
    return rc;
}

int cli_stage_stream(cli_staged *st, const char *path, int force,
                     int (*write)(FILE *out, void *ctx), void *ctx)
{
    stream_writer w = {write, ctx, path};
    return cli_stage(st, path, force, write_stream, &w);
}

void cli_discard(cli_staged *st, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (st[i].tmp)
            unlink(st[i].tmp);
        free(st[i].tmp);
        st[i].tmp = NULL;
    }
}

int cli_publish(cli_staged *st, size_t n)
{
    int rc = 0;
    for (size_t i = 0; i < n && !rc; i++) {
        if (!st[i].tmp)
            continue;
        if (!st[i].force && link(st[i].tmp, st[i].path) != 0) {
            /* link() refuses to replace: a file that appeared meanwhile is kept */
            if (errno == EEXIST)
                rc = cli_fail("%s exists; use --force to replace it", st[i].path);
            else
                rc = cli_fail("cannot create %s: %s", st[i].path, strerror(errno));
        } else if (st[i].force && rename(st[i].tmp, st[i].path) != 0) {
            rc = cli_fail("cannot create %s: %s", st[i].path, strerror(errno));
        }
    }
    cli_discard(st, n); /* after link() the temporary names go; after rename() they are gone */
    return rc;
}

int cli_write_path(const char *path, int force, int (*write)(const char *tmp_path, void *ctx),
                   void *ctx)
{
    cli_staged st;
    int rc = cli_stage(&st, path, force, write, ctx);
    return rc ? rc : cli_publish(&st, 1);
}

int cli_write_file(const char *path, int force, int (*write)(FILE *out, void *ctx), void *ctx)
{
    cli_staged st;
    int rc = cli_stage_stream(&st, path, force, write, ctx);
    return rc ? rc : cli_publish(&st, 1);
}

int cli_load_option(cli_load *L, int opt, const char *arg)
{
    switch (opt) {
    case CLI_OPT_DELIMITER:
        if (strcmp(arg, "tab") == 0 || strcmp(arg, "\\t") == 0 || strcmp(arg, "\t") == 0)
            L->o.delimiter = '\t';
        else if (strlen(arg) == 1)
            L->o.delimiter = arg[0];
        else
            return cli_fail("--delimiter: expected one character or 'tab', not \"%s\"", arg), -1;
        return 1;
    case CLI_OPT_ENCODING:
        L->o.encoding = arg;
        return 1;
    case CLI_OPT_NAME:
        L->o.name_column = arg;
        return 1;
    case CLI_OPT_TOTAL:
        L->o.total_column = arg;
        return 1;
    case CLI_OPT_ADVANCE:
        L->o.advance_column = arg;
        return 1;
    case CLI_OPT_BATCH:
        L->o.batch_column = arg;
        return 1;
    case CLI_OPT_SHEET:
        L->o.sheet = arg;
        return 1;
    case CLI_OPT_TO_UNIT:
        L->o.to_unit = arg;
        return 1;
    case CLI_OPT_TABLE: {
        char *end;
        errno = 0;
        unsigned long n = strtoul(arg, &end, 10);
        if (!*arg || *end || errno || n == 0 || n > 100000 || arg[0] == '-')
            return cli_fail("--table: expected a table number (1, 2, …), not \"%s\"", arg), -1;
        L->o.table = (size_t)n;
        return 1;
    }
    case CLI_OPT_LAYOUT:
        if (strcmp(arg, "auto") == 0)
            L->o.layout = FP_LAYOUT_AUTO;
        else if (strcmp(arg, "canonical") == 0)
            L->o.layout = FP_LAYOUT_CANONICAL;
        else if (strcmp(arg, "notice") == 0)
            L->o.layout = FP_LAYOUT_NOTICE;
        else
            return cli_fail("--layout: expected auto, canonical or notice, not \"%s\"", arg), -1;
        return 1;
    case CLI_OPT_CATEGORIES: {
        /* a comma-separated list (ASCII or full-width comma); may be given several times */
        char *copy = strdup(arg);
        if (!copy)
            return cli_fail("out of memory"), -1;
        if (L->nbufs >= sizeof L->bufs / sizeof L->bufs[0]) {
            free(copy);
            return cli_fail("--categories given too many times"), -1;
        }
        L->bufs[L->nbufs++] = copy;
        char *s = copy;
        while (*s) {
            char *end = s;
            while (*end && *end != ',' && strncmp(end, "，", strlen("，")) != 0)
                end++;
            size_t skip = *end == ',' ? 1 : *end ? strlen("，") : 0;
            *end = '\0';
            if (*s) {
                if (L->ncats >= sizeof L->cats / sizeof L->cats[0])
                    return cli_fail("--categories: too many columns"), -1;
                L->cats[L->ncats++] = s;
            }
            s = end + skip;
        }
        L->o.category_columns = L->cats;
        L->o.category_count = L->ncats;
        return 1;
    }
    default:
        return 0;
    }
}

int cli_next_option(int argc, char **argv, const char *shortopts, const struct option *longopts,
                    cli_load *L, const char *usage, int *rc)
{
    for (;;) {
        int opt = getopt_long(argc, argv, shortopts, longopts, NULL);
        if (opt == -1)
            return -1;
        int handled = cli_load_option(L, opt, optarg);
        if (handled < 0) {
            *rc = EXIT_USAGE;
            return CLI_OPT_EXIT;
        }
        if (handled)
            continue;
        if (opt == 'h') {
            fputs(usage, stdout);
            *rc = EXIT_CLEAN;
            return CLI_OPT_EXIT;
        }
        if (opt == '?' || opt == ':') {
            fprintf(stderr, "try 'fenpei %s --help'\n", argv[0]);
            *rc = EXIT_USAGE;
            return CLI_OPT_EXIT;
        }
        return opt;
    }
}

void cli_csv_cell(FILE *out, const char *s)
{
    if (!strpbrk(s, ",\"\r\n")) {
        fputs(s, out);
        return;
    }
    fputc('"', out);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', out);
        fputc(*s, out);
    }
    fputc('"', out);
}

int cli_one_table(int argc, char **argv)
{
    if (optind == argc - 1)
        return 0;
    if (optind >= argc)
        return cli_fail("%s: no table given; try 'fenpei %s --help'", argv[0], argv[0]);
    return cli_fail("%s: give exactly one table", argv[0]);
}

int cli_load_table(cli_load *L, const char *path, fp_table **out)
{
    fp_diag d;
    if (fp_table_load_file(path, &L->o, out, &d) != FP_OK)
        return cli_fail_diag(&d);
    return 0;
}

void cli_load_free(cli_load *L)
{
    for (size_t i = 0; i < L->nbufs; i++)
        free(L->bufs[i]);
    L->nbufs = 0;
}
