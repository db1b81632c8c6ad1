/* cli/cmd_apportion.c — fenpei apportion: split whole seats among the rows of a weights CSV. */
#include <csv.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "cli/cli.h"

static const char usage_text[] =
    "usage: fenpei apportion --seats N --method METHOD [--min K] [--max K] WEIGHTS.csv\n"
    "\n"
    "Split N whole seats (or units) among the rows of WEIGHTS.csv in proportion to their\n"
    "weights, exactly. WEIGHTS.csv has a header row; its first column is a name, its second a\n"
    "weight (an exact decimal amount ≥ 0; \"26,455\" and full-width digits are fine). Prints CSV\n"
    "with the header name,seats and one row per input row, in input order.\n"
    "\n"
    "Options:\n"
    "  --seats N           the number of seats to give (a whole number ≥ 0)\n"
    "  --method METHOD     hamilton (largest remainder), jefferson (dhondt, d'hondt),\n"
    "                      webster (sainte-lague), huntington-hill (hh) or adams\n"
    "  --min K             every row gets at least K seats (with hamilton: the historical US\n"
    "                      rule, a row whose quota is below K gets K and leaves the ranking)\n"
    "  --max K             no row gets more than K seats\n"
    "  -h, --help          show this help\n"
    "\n"
    "Ties go to the row that comes first in the file. Huntington-Hill and Adams give every row\n"
    "with a positive weight a seat first, as far as the seats go.\n"
    "\n"
    "Exit status: 0 done, 2 the file could not be read, a weight is wrong, the bounds cannot be\n"
    "met, or the command line is wrong.\n";

enum { OPT_SEATS = CLI_OPT_FIRST_FREE, OPT_METHOD, OPT_MIN, OPT_MAX };

/* ---- reading the weights ---- */

typedef struct reader {
    const char *path;
    long line;        /* physical line now being fed to the parser */
    long row_line;    /* the line where the current record started */
    int in_record;    /* a record has started and not yet ended */
    size_t field;     /* index of the next field of the current record */
    char *cell[2];    /* the first two fields of the current record */
    int header_done;
    char *weight_header;
    /* the rows */
    char **names;
    fp_amount *weights;
    size_t n, cap;
    /* the first failure: a message already built, printed once parsing stops */
    int failed;
    fp_diag diag;
} reader;

static void reader_fail(reader *r, fp_error code, const char *text, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void reader_fail(reader *r, fp_error code, const char *text, const char *fmt, ...)
{
    if (r->failed)
        return;
    r->failed = 1;
    fp_diag_clear(&r->diag);
    r->diag.code = code;
    snprintf(r->diag.file, sizeof r->diag.file, "%s", r->path);
    r->diag.line = r->row_line;
    if (r->weight_header != NULL && text != NULL)
        snprintf(r->diag.column, sizeof r->diag.column, "%s", r->weight_header);
    if (text != NULL)
        snprintf(r->diag.text, sizeof r->diag.text, "%s", text);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->diag.message, sizeof r->diag.message, fmt, ap);
    va_end(ap);
}

static void on_field(void *s, size_t len, void *data)
{
    reader *r = data;
    if (r->failed)
        return;
    if (r->field < 2) {
        char *copy = malloc(len + 1);
        if (copy == NULL) {
            reader_fail(r, FP_ERR_NOMEM, NULL, "out of memory");
            return;
        }
        if (len > 0)
            memcpy(copy, s, len);
        copy[len] = '\0';
        free(r->cell[r->field]);
        r->cell[r->field] = copy;
    }
    r->field++;
}

static void on_record(int c, void *data)
{
    (void)c;
    reader *r = data;
    size_t fields = r->field;
    char *name = r->cell[0], *weight = r->cell[1];
    r->cell[0] = r->cell[1] = NULL;
    r->field = 0;
    r->in_record = 0;
    if (r->failed)
        goto done;
    if (!r->header_done) {
        r->header_done = 1;
        if (fields < 2) {
            reader_fail(r, FP_ERR_COLUMN, NULL,
                        "the header has %zu column%s; expected a name column and a weight column",
                        fields, fields == 1 ? "" : "s");
            goto done;
        }
        r->weight_header = weight;
        weight = NULL;
        goto done;
    }
    if (fields < 2) {
        reader_fail(r, FP_ERR_COLUMN, NULL,
                    "this row has only one column; expected a name and a weight");
        goto done;
    }
    fp_amount w;
    fp_error e = fp_amount_parse(weight, strlen(weight), &w, NULL);
    if (e != FP_OK) {
        reader_fail(r, e, weight,
                    "expected a weight: an amount ≥ 0 such as 26455 or 1,234.56 (%s)",
                    fp_strerror(e));
        goto done;
    }
    if (w < 0) {
        reader_fail(r, FP_ERR_ARGUMENT, weight, "a weight cannot be negative");
        goto done;
    }
    if (r->n == r->cap) {
        size_t cap = r->cap ? 2 * r->cap : 64;
        char **names = realloc(r->names, cap * sizeof *names);
        if (names != NULL)
            r->names = names;
        fp_amount *weights = realloc(r->weights, cap * sizeof *weights);
        if (weights != NULL)
            r->weights = weights;
        if (names == NULL || weights == NULL) {
            reader_fail(r, FP_ERR_NOMEM, NULL, "out of memory");
            goto done;
        }
        r->cap = cap;
    }
    r->names[r->n] = name;
    r->weights[r->n] = w;
    r->n++;
    name = NULL;
done:
    free(name);
    free(weight);
}

/* Read PATH ("-": standard input) into R. 0, or EXIT_USAGE after printing why. */
static int read_weights(reader *r, const char *path)
{
    cli_note_input(path);
    FILE *in = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    if (in == NULL)
        return cli_fail("%s: %s", path, strerror(errno));
    struct csv_parser p;
    if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI) != 0) {
        if (in != stdin)
            fclose(in);
        return cli_fail("out of memory");
    }
    r->path = path;
    char *buf = NULL;
    size_t bufcap = 0;
    ssize_t got;
    int rc = 0;
    /* Feed one physical line at a time so that diagnostics can name the line; the parser
     * keeps its state across calls, so quoted line breaks still work. */
    while (!r->failed && (got = getline(&buf, &bufcap, in)) != -1) {
        size_t len = (size_t)got;
        const char *s = buf;
        r->line++;
        if (r->line == 1 && len >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0)
            s += 3, len -= 3; /* UTF-8 byte-order mark */
        size_t content = len;
        while (content > 0 && (s[content - 1] == '\n' || s[content - 1] == '\r'))
            content--;
        if (!r->in_record && content > 0) {
            r->in_record = 1;
            r->row_line = r->line;
        }
        if (csv_parse(&p, s, len, on_field, on_record, r) != len) {
            rc = cli_fail("%s:%ld: malformed CSV: %s", path, r->line,
                          csv_strerror(csv_error(&p)));
            break;
        }
    }
    if (rc == 0 && !r->failed && ferror(in))
        rc = cli_fail("%s: %s", path, strerror(errno));
    if (rc == 0 && !r->failed && csv_fini(&p, on_field, on_record, r) != 0)
        rc = cli_fail("%s:%ld: malformed CSV: %s", path, r->row_line,
                      csv_strerror(csv_error(&p)));
    csv_free(&p);
    free(buf);
    free(r->cell[0]);
    free(r->cell[1]);
    r->cell[0] = r->cell[1] = NULL;
    if (in != stdin)
        fclose(in);
    if (rc != 0)
        return rc;
    if (r->failed)
        return cli_fail_diag(&r->diag);
    if (!r->header_done)
        return cli_fail("%s: the file is empty; expected a header and rows of name,weight", path);
    if (r->n == 0)
        return cli_fail("%s: no data rows under the header", path);
    return 0;
}

static void reader_free(reader *r)
{
    for (size_t i = 0; i < r->n; i++)
        free(r->names[i]);
    free(r->names);
    free(r->weights);
    free(r->weight_header);
}

/* ---- writing ---- */

/* A name is quoted when a reader would otherwise split, join or trim it. */
static int needs_quotes(const char *s)
{
    if (s[0] == '\0')
        return 0;
    size_t len = strlen(s);
    if (s[0] == ' ' || s[0] == '\t' || s[len - 1] == ' ' || s[len - 1] == '\t')
        return 1;
    return strpbrk(s, ",\"\r\n") != NULL;
}

static int write_result(const reader *r, const int64_t *seats, FILE *out)
{
    fputs("name,seats\n", out);
    for (size_t i = 0; i < r->n; i++) {
        const char *name = r->names[i];
        if (needs_quotes(name))
            csv_fwrite(out, name, strlen(name));
        else
            fputs(name, out);
        fprintf(out, ",%lld\n", (long long)seats[i]);
    }
    return fflush(out) != 0 || ferror(out) ? -1 : 0;
}

int cmd_apportion(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"seats", required_argument, NULL, OPT_SEATS},
        {"method", required_argument, NULL, OPT_METHOD},
        {"min", required_argument, NULL, OPT_MIN},
        {"max", required_argument, NULL, OPT_MAX},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int64_t seats = -1, kmin = 0, kmax = 0;
    int has_min = 0, has_max = 0;
    const char *method_text = NULL;
    fp_method method = FP_METHOD_HAMILTON;
    reader r = {0};
    int64_t *out = NULL, *mins = NULL, *maxs = NULL;
    int rc = EXIT_USAGE;

    optind = 0; /* GNU getopt: start afresh on this argv */
    int opt;
    while ((opt = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (opt) {
        case 'h':
            fputs(cli_help_text("apportion", usage_text, cli_lang_english(argc, argv)), stdout);
            return EXIT_CLEAN;
        case OPT_SEATS:
            if (cli_count("--seats", optarg, &seats))
                return EXIT_USAGE;
            break;
        case OPT_METHOD:
            method_text = optarg;
            break;
        case OPT_MIN:
            if (cli_count("--min", optarg, &kmin))
                return EXIT_USAGE;
            has_min = 1;
            break;
        case OPT_MAX:
            if (cli_count("--max", optarg, &kmax))
                return EXIT_USAGE;
            has_max = 1;
            break;
        default:
            fputs("try 'fenpei apportion --help'\n", stderr);
            return EXIT_USAGE;
        }
    }
    if (seats < 0)
        return cli_fail("apportion: --seats N is required; try 'fenpei apportion --help'");
    if (method_text == NULL)
        return cli_fail("apportion: --method is required (hamilton, jefferson, webster, "
                        "huntington-hill or adams)");
    fp_error known = fp_method_parse(method_text, &method);
    if (known != FP_OK || method == FP_METHOD_CONTROLLED)
        return cli_fail("--method: expected hamilton, jefferson (dhondt), webster "
                        "(sainte-lague), huntington-hill (hh) or adams, not \"%s\"%s",
                        method_text,
                        known == FP_OK ? " (controlled rounding works on whole tables: see "
                                         "fenpei realloc)"
                                       : "");
    if (optind != argc - 1)
        return cli_fail(optind >= argc
                            ? "apportion: no weights file given; try 'fenpei apportion --help'"
                            : "apportion: give exactly one weights file");
    const char *path = argv[optind];

    if ((rc = read_weights(&r, path)) != 0)
        goto done;
    rc = EXIT_USAGE;
    out = malloc(r.n * sizeof *out);
    mins = has_min ? malloc(r.n * sizeof *mins) : NULL;
    maxs = has_max ? malloc(r.n * sizeof *maxs) : NULL;
    if (out == NULL || (has_min && mins == NULL) || (has_max && maxs == NULL)) {
        cli_fail("out of memory");
        goto done;
    }
    for (size_t i = 0; i < r.n; i++) {
        if (mins)
            mins[i] = kmin;
        if (maxs)
            maxs[i] = kmax;
    }
    fp_diag d;
    if (fp_apportion(method, r.weights, r.n, seats, mins, maxs, out, &d) != FP_OK) {
        snprintf(d.file, sizeof d.file, "%s", path);
        cli_fail_diag(&d);
        goto done;
    }
    if (write_result(&r, out, stdout) != 0) {
        cli_fail("cannot write the result: %s", strerror(errno));
        goto done;
    }
    rc = EXIT_CLEAN;
done:
    reader_free(&r);
    free(out);
    free(mins);
    free(maxs);
    return rc;
}
