/* cli/util.c — messages, command-line amounts and safe output files for the fenpei program. */
#define _XOPEN_SOURCE 700 /* realpath */
#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"

/* While an output is written: its temporary name and the target the user named, which
 * messages show instead (a message names the user's file, never our temporary one). */
static const char *current_tmp, *current_target;

/* "fenpei: " and TEXT on stderr, the temporary name replaced by the target's. */
static void put_message(const char *text)
{
    fputs("fenpei: ", stderr);
    size_t n = current_tmp ? strlen(current_tmp) : 0;
    const char *hit;
    while (n && (hit = strstr(text, current_tmp)) != NULL) {
        fwrite(text, 1, (size_t)(hit - text), stderr);
        fputs(current_target, stderr);
        text = hit + n;
    }
    fputs(text, stderr);
    fputc('\n', stderr);
}

int cli_fail(const char *fmt, ...)
{
    char msg[8192];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    put_message(msg);
    return EXIT_USAGE;
}

int cli_fail_diag(const fp_diag *d)
{
    char msg[8192];
    size_t len = 0;
#define ADD(...)                                                                                \
    do {                                                                                        \
        if (len < sizeof msg)                                                                   \
            len += (size_t)snprintf(msg + len, sizeof msg - len, __VA_ARGS__);                  \
    } while (0)
    const char *file = d->file;
    if (current_tmp && strcmp(file, current_tmp) == 0)
        file = current_target;
    /* the file named once: not before a message that names it already */
    if (file[0] && strstr(d->message, d->file) == NULL && strstr(d->message, file) == NULL)
        ADD("%s:", file);
    else
        file = "";
    if (d->line)
        ADD("%ld:", d->line);
    if (d->cell[0] && !strstr(d->message, d->cell))
        ADD("%s:", d->cell);
    if (len)
        ADD(" ");
    if (d->column[0] && !strstr(d->message, d->column))
        ADD("column \"%s\": ", d->column);
    if (d->text[0] && !strstr(d->message, d->text))
        ADD("\"%s\": ", d->text);
    ADD("%s", d->message[0] ? d->message : fp_strerror(d->code));
#undef ADD
    put_message(msg);
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

/* A whole number ≥ 0 given on the command line: digits only, must fit int64. */
int cli_count(const char *option, const char *text, int64_t *out)
{
    if (text[0] < '0' || text[0] > '9')
        return cli_fail("%s: expected a whole number ≥ 0, not \"%s\"", option, text), -1;
    errno = 0;
    char *end;
    long long v = strtoll(text, &end, 10);
    if (*end != '\0')
        return cli_fail("%s: expected a whole number ≥ 0, not \"%s\"", option, text), -1;
    if (errno == ERANGE)
        return cli_fail("%s: %s is too large (at most %lld)", option, text, (long long)INT64_MAX),
               -1;
    *out = (int64_t)v;
    return 0;
}

int cli_positive_amount(const char *option, const char *text, fp_amount *out)
{
    fp_amount v;
    if (cli_amount(option, text, &v))
        return -1;
    if (v <= 0) {
        cli_fail("%s: must be positive, e.g. 1 or 0.01", option);
        return -1;
    }
    *out = v;
    return 0;
}

/* ---- outputs: written to a temporary file next to the target, then put in place ---- */

/* The files this run reads (an output never replaces one of them) and the temporary files it
 * has made (removed on failure and when SIGINT, SIGTERM or SIGHUP ends the run). */
#define MAX_INPUTS 16
#define MAX_TEMPS 16
static struct input_file {
    dev_t dev;
    ino_t ino;
    char path[4096]; /* canonical, for a file not there yet */
} inputs[MAX_INPUTS];
static size_t ninputs;
static char *volatile temps[MAX_TEMPS];
static volatile sig_atomic_t handlers_set;

void cli_note_input(const char *path)
{
    if (ninputs >= MAX_INPUTS || strcmp(path, "-") == 0)
        return;
    struct input_file *in = &inputs[ninputs];
    struct stat sb;
    if (stat(path, &sb) == 0) {
        in->dev = sb.st_dev;
        in->ino = sb.st_ino;
    }
    if (canonical_target(path, in->path, sizeof in->path))
        snprintf(in->path, sizeof in->path, "%s", path);
    ninputs++;
}

/* 1 when PATH is one of the run's inputs: the same file (device and inode: also through a link
 * or another name) or the same name. */
static int is_input(const char *path)
{
    struct stat sb;
    int there = stat(path, &sb) == 0;
    char canon[4096];
    int named = canonical_target(path, canon, sizeof canon) == 0;
    for (size_t i = 0; i < ninputs; i++) {
        if (there && sb.st_dev == inputs[i].dev && sb.st_ino == inputs[i].ino)
            return 1;
        if (named && strcmp(canon, inputs[i].path) == 0)
            return 1;
    }
    return 0;
}

static void on_signal(int sig)
{
    for (size_t i = 0; i < MAX_TEMPS; i++)
        if (temps[i])
            unlink(temps[i]); /* async-signal-safe */
    signal(sig, SIG_DFL);
    raise(sig);
}

static void remember_temp(char *tmp)
{
    if (!handlers_set) {
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_signal;
        sigemptyset(&sa.sa_mask);
        int sigs[] = {SIGINT, SIGTERM, SIGHUP};
        for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
            struct sigaction old;
            /* a signal ignored when we started (nohup) stays ignored */
            if (sigaction(sigs[i], NULL, &old) == 0 && old.sa_handler != SIG_IGN)
                sigaction(sigs[i], &sa, NULL);
        }
        handlers_set = 1;
    }
    for (size_t i = 0; i < MAX_TEMPS; i++)
        if (!temps[i]) {
            temps[i] = tmp;
            return;
        }
}

static void forget_temp(const char *tmp)
{
    for (size_t i = 0; i < MAX_TEMPS; i++)
        if (temps[i] == tmp)
            temps[i] = NULL;
}

/* Why PATH may not be replaced, or NULL: it is not a regular file (a folder, a device, a FIFO,
 * a socket), or it exists and FORCE is not given. */
static const char *refusal(const char *path, int force, const struct stat *sb, int exists)
{
    if (!exists)
        return NULL;
    if (S_ISDIR(sb->st_mode))
        return "is a folder";
    if (!S_ISREG(sb->st_mode))
        return S_ISFIFO(sb->st_mode) ? "is a FIFO, not a regular file"
               : S_ISCHR(sb->st_mode) || S_ISBLK(sb->st_mode) ? "is a device, not a regular file"
                                                              : "is not a regular file";
    (void)path;
    return force ? NULL : "exists; use --force to replace it";
}

/* Test hook for what cannot be provoked at will: FENPEI_INJECT=enospc makes the last step of
 * writing an output fail as on a full disk; FENPEI_INJECT=sigterm ends the run by SIGTERM while
 * an output is being written. */
static int injected(const char *what)
{
    const char *v = getenv("FENPEI_INJECT");
    return v && strcmp(v, what) == 0;
}

/* Flush TMP to the disk; 0 or an errno. */
static int sync_file(const char *tmp)
{
    if (injected("enospc"))
        return ENOSPC;
    int fd = open(tmp, O_RDONLY);
    if (fd < 0)
        return errno;
    int e = fsync(fd) != 0 ? errno : 0;
    if (close(fd) != 0 && !e)
        e = errno;
    return e;
}

int cli_stage(cli_staged *st, const char *path, int force,
              int (*write)(const char *tmp_path, void *ctx), void *ctx)
{
    struct stat sb;
    st->tmp = NULL;
    st->path = path;
    st->force = force;
    if (is_input(path))
        return cli_fail("%s is an input of this command; write the output to another file", path);
    int exists = stat(path, &sb) == 0;
    const char *why = refusal(path, force, &sb, exists);
    if (why)
        return cli_fail("%s %s", path, why);
    /* a new file gets the mode the umask leaves of rw-rw-rw-, as open() would give it; a file
     * replaced under --force keeps its own */
    mode_t mask = umask(0);
    umask(mask);
    mode_t mode = exists ? (sb.st_mode & 07777) : (0666 & ~mask);
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
        return cli_fail("cannot create %s: %s", path, strerror(e));
    }
    remember_temp(tmp);
    int e = fchmod(fd, mode) != 0 ? errno : 0;
    close(fd);
    if (injected("sigterm"))
        raise(SIGTERM);
    int rc = 0;
    if (e)
        rc = cli_fail("cannot create %s: %s", path, strerror(e));
    else {
        current_tmp = tmp;
        current_target = path;
        rc = write(tmp, ctx);
        if (!rc && (e = sync_file(tmp)) != 0)
            rc = cli_fail("cannot write %s: %s", path, strerror(e));
        current_tmp = current_target = NULL;
    }
    if (rc) {
        unlink(tmp);
        forget_temp(tmp);
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
        if (st[i].tmp) {
            unlink(st[i].tmp);
            forget_temp(st[i].tmp);
        }
        free(st[i].tmp);
        st[i].tmp = NULL;
    }
}

/* Flush the folder of PATH, so that a rename into it survives a crash (best effort). */
static void sync_folder(const char *path)
{
    const char *slash = strrchr(path, '/');
    char dir[4096];
    if (!slash)
        strcpy(dir, ".");
    else if (slash == path)
        strcpy(dir, "/");
    else
        snprintf(dir, sizeof dir, "%.*s", (int)(slash - path), path);
    int fd = open(dir, O_RDONLY | O_DIRECTORY);
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
}

int cli_publish(cli_staged *st, size_t n)
{
    int rc = 0;
    /* every target checked before any is touched: on a refusal nothing changes */
    for (size_t i = 0; i < n && !rc; i++) {
        struct stat sb;
        if (!st[i].tmp)
            continue;
        const char *why = refusal(st[i].path, st[i].force, &sb, stat(st[i].path, &sb) == 0);
        if (why)
            rc = cli_fail("%s %s", st[i].path, why);
    }
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
        } else {
            sync_folder(st[i].path);
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

int cli_quiet(void)
{
    fflush(stderr);
    int saved = dup(STDERR_FILENO);
    int null = open("/dev/null", O_WRONLY);
    if (saved < 0 || null < 0) {
        if (saved >= 0)
            close(saved);
        if (null >= 0)
            close(null);
        return -1;
    }
    dup2(null, STDERR_FILENO);
    close(null);
    return saved;
}

void cli_loud(int saved)
{
    if (saved < 0)
        return;
    fflush(stderr);
    dup2(saved, STDERR_FILENO);
    close(saved);
}

int cli_choice(const char *option, const char *arg, const char *const *names)
{
    size_t n = 0;
    for (; names[n]; n++)
        if (strcmp(arg, names[n]) == 0)
            return (int)n;
    char expected[256] = "";
    size_t len = 0;
    for (size_t i = 0; i < n && len < sizeof expected; i++) {
        int w = snprintf(expected + len, sizeof expected - len, "%s%s",
                         i == 0 ? "" : i + 1 == n ? " or " : ", ", names[i]);
        if (w < 0)
            break;
        len += (size_t)w;
    }
    cli_fail("%s: expected %s, not \"%s\"", option, expected, arg);
    return -1;
}

int cli_format_option(const char *arg, int *json)
{
    static const char *const names[] = {"text", "json", NULL};
    int i = cli_choice("--format", arg, names);
    if (i < 0)
        return -1;
    *json = i;
    return 0;
}

int cli_lang_option(const char *arg, fp_lang *lang)
{
    static const char *const names[] = {"zh", "en", NULL};
    int i = cli_choice("--lang", arg, names);
    if (i < 0)
        return -1;
    *lang = i ? FP_LANG_EN : FP_LANG_ZH;
    return 0;
}

int cli_number(const char *arg, unsigned long max, unsigned long *out)
{
    char *end;
    errno = 0;
    unsigned long n = strtoul(arg, &end, 10);
    if (!*arg || *end || errno || n == 0 || n > max || arg[0] == '-')
        return -1;
    *out = n;
    return 0;
}

int cli_load_option(cli_load *L, int opt, const char *arg)
{
    switch (opt) {
    case 'o':
        L->output = arg;
        return 1;
    case CLI_OPT_FORCE:
        L->force = 1;
        return 1;
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
        unsigned long n;
        if (cli_number(arg, 100000, &n))
            return cli_fail("--table: expected a table number (1, 2, …), not \"%s\"", arg), -1;
        L->o.table = (size_t)n;
        return 1;
    }
    case CLI_OPT_LAYOUT: {
        static const char *const names[] = {"auto", "canonical", "notice", NULL};
        static const fp_layout layouts[] = {FP_LAYOUT_AUTO, FP_LAYOUT_CANONICAL, FP_LAYOUT_NOTICE};
        int i = cli_choice("--layout", arg, names);
        if (i < 0)
            return -1;
        L->o.layout = layouts[i];
        return 1;
    }
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
            fputs(cli_help_text(argv[0], usage, cli_lang_english(argc, argv)), stdout);
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
    cli_note_input(path);
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
