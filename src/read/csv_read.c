/* read/csv_read.c — read a CSV/TSV allocation table (any common encoding) into an fp_table.
 *
 * The file is streamed in chunks through iconv (when not UTF-8) into libcsv, and each cell goes
 * straight into its column: amounts as int64, texts into the string pool. Nothing holds the
 * whole file, so a table costs about its amounts plus its names in memory. */
#include <csv.h>
#include <errno.h>
#include <iconv.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "read/layout.h"
#include "read/loader.h"
#include "core/table_impl.h"
#include "read/pdf.h"
#include "read/xlsx_read.h"
#include "util/buf.h"

#define CHUNK (1u << 18) /* 256 KiB: big enough to sniff, small enough to stay in cache */

/* The CSV reader's own state: lines, and the loader it feeds. */
typedef struct csvr {
    loader *L;
    long line;      /* line where the next record starts */
    int in_record;  /* a field of the current record has been seen */
    int prev_cr;    /* the previous record ended with a CR */
    size_t field;   /* index of the next field in the record */
} csvr;

/* Count the line ends inside a quoted field. */
static long count_newlines(const char *s, size_t len)
{
    long n = 0;
    for (size_t i = 0; i < len; i++)
        if (s[i] == '\n' || (s[i] == '\r' && (i + 1 == len || s[i + 1] != '\n')))
            n++;
    return n;
}

static void on_field(void *data, size_t len, void *ctx)
{
    csvr *R = ctx;
    const char *s = data ? data : "";
    if (!R->in_record) {
        R->in_record = 1;
        R->field = 0;
        loader_row_begin(R->L, R->line);
    }
    if (!loader_cell(R->L, R->field++, s, len))
        R->line += count_newlines(s, len); /* a quoted cell may span lines */
}

static void on_record(int c, void *ctx)
{
    csvr *R = ctx;
    int was_record = R->in_record;
    if (was_record)
        loader_row_end(R->L);
    R->in_record = 0;
    /* Count the line end: a CR LF pair reaches us as CR (ending the record) then an empty LF. */
    if (c == '\n' && R->prev_cr && !was_record) {
        R->prev_cr = 0;
        return;
    }
    if (c == '\r' || c == '\n')
        R->line++;
    R->prev_cr = c == '\r';
}

/* ---- the fast path: lines without quotes ----
 *
 * Most tables have no quoted cell at all. Their lines are split here, straight from the
 * decoded buffer, into the same on_field/on_record calls that libcsv would make: cells split at
 * the delimiter, spaces and tabs (other than the delimiter) trimmed around each cell as libcsv
 * trims them, a line of nothing but spaces no record, CR LF one line end. The first line that
 * holds a quote or a bare CR hands this line and everything after it to libcsv, which then
 * starts at a record boundary. */
typedef struct fastpath {
    int off;        /* libcsv reads the rest of the input */
    char delim;
    char *pend;     /* a line begun in the previous chunk */
    size_t npend, pendcap;
} fastpath;

/* One whole line (without its '\n'); returns 0 when it must go to libcsv instead. CLEAN: the
 * caller knows that the line holds no quote and no CR before its end. */
static int fast_line(csvr *R, const char *s, size_t len, char delim, int clean)
{
    if (len && s[len - 1] == '\r')
        len--;
    if (!clean && (memchr(s, '"', len) || memchr(s, '\r', len)))
        return 0;
    if (loader_takes_lines(R->L)) { /* a data row: split and stored in one pass */
        loader_line(R->L, R->line, s, len, delim);
        on_record('\n', R);
        return 1;
    }
    const char *end = s + len, *p = s;
    if (line_blank(s, len, delim)) { /* blank means no record at all */
        on_record('\n', R);
        return 1;
    }
    for (;;) {
        const char *cell;
        size_t n;
        const char *q = line_cell(p, end, delim, &cell, &n);
        on_field((void *)(uintptr_t)cell, n, R);
        if (!q)
            break;
        p = q + 1;
    }
    on_record('\n', R);
    return 1;
}

/* Feed TEXT to the fast path while it lasts, and whatever it cannot take to libcsv. At the end
 * of the input (EOF) a last line without its '\n' is a record too. Returns 0, or -1 when libcsv
 * refused the text. */
static int feed_text(csvr *R, fastpath *F, struct csv_parser *parser, const char *text,
                     size_t len, int eof)
{
    const char *p = text, *end = text + len;
    /* the next quote and the next CR, looked for once per chunk rather than once per line */
    const char *quote = NULL, *cr = NULL;
    while (!F->off && !loader_error(R->L)) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        if (!quote || quote < p)
            quote = (quote = memchr(p, '"', (size_t)(end - p))) ? quote : end;
        if (!cr || cr < p)
            cr = (cr = memchr(p, '\r', (size_t)(end - p))) ? cr : end;
        if (!nl) { /* keep the begun line for the next chunk */
            if (buf_reserve((void **)&F->pend, &F->pendcap, F->npend + (size_t)(end - p) + 1, 1))
                return -2;
            memcpy(F->pend + F->npend, p, (size_t)(end - p));
            F->npend += (size_t)(end - p);
            p = end;
            if (eof && F->npend) {
                size_t n = F->npend;
                F->npend = 0;
                if (!fast_line(R, F->pend, n, F->delim, 0)) {
                    F->off = 1;
                    return csv_parse(parser, F->pend, n, on_field, on_record, R) == n ? 0 : -1;
                }
                R->line--; /* no line end was read: on_record counted one */
                if (R->prev_cr)
                    R->prev_cr = 0;
            }
            return 0;
        }
        int ok;
        if (F->npend) { /* the line begun in the last chunk ends here */
            size_t add = (size_t)(nl - p);
            if (buf_reserve((void **)&F->pend, &F->pendcap, F->npend + add + 1, 1))
                return -2;
            memcpy(F->pend + F->npend, p, add);
            ok = fast_line(R, F->pend, F->npend + add, F->delim, 0);
            if (!ok) { /* libcsv takes over at the start of that line */
                F->off = 1;
                size_t n = F->npend;
                F->npend = 0;
                if (csv_parse(parser, F->pend, n, on_field, on_record, R) != n)
                    return -1;
                break;
            }
            F->npend = 0;
        } else if (!(ok = fast_line(R, p, (size_t)(nl - p), F->delim,
                                    quote > nl && cr + 1 >= nl))) {
            F->off = 1;
            break;
        }
        p = nl + 1;
    }
    if (loader_error(R->L) || p == end)
        return 0;
    return csv_parse(parser, p, (size_t)(end - p), on_field, on_record, R) == (size_t)(end - p)
               ? 0
               : -1;
}

/* ---- encodings ---- */

/* Length of the longest prefix of S that is whole, valid UTF-8 characters; *BAD set when an
 * invalid sequence (not just a truncated one at the end) stops it. */
static size_t utf8_valid_prefix(const unsigned char *s, size_t len, int *bad)
{
    size_t i = 0;
    *bad = 0;
    while (i < len) {
        if (s[i] < 0x80) {
            /* fast path over ASCII, eight bytes at a time */
            while (i + 8 <= len) {
                uint64_t w;
                memcpy(&w, s + i, 8);
                if (w & UINT64_C(0x8080808080808080))
                    break;
                i += 8;
            }
            while (i < len && s[i] < 0x80)
                i++;
            continue;
        }
        size_t n;
        unsigned char c = s[i];
        uint32_t min;
        if (c >= 0xC2 && c <= 0xDF) {
            n = 2;
            min = 0x80;
        } else if (c >= 0xE0 && c <= 0xEF) {
            n = 3;
            min = 0x800;
        } else if (c >= 0xF0 && c <= 0xF4) {
            n = 4;
            min = 0x10000;
        } else {
            *bad = 1;
            return i;
        }
        if (i + n > len) {
            for (size_t k = i + 1; k < len; k++)
                if ((s[k] & 0xC0) != 0x80) {
                    *bad = 1;
                    return i;
                }
            return i; /* truncated at the end of the chunk */
        }
        uint32_t cp = c & (0x7F >> n);
        for (size_t k = 1; k < n; k++) {
            if ((s[i + k] & 0xC0) != 0x80) {
                *bad = 1;
                return i;
            }
            cp = (cp << 6) | (s[i + k] & 0x3F);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
            *bad = 1;
            return i;
        }
        i += n;
    }
    return i;
}

static long count_lines(const char *s, size_t len)
{
    long n = 0;
    const char *end = s + len;
    while ((s = memchr(s, '\n', (size_t)(end - s))) != NULL) {
        n++;
        s++;
    }
    return n;
}

static int is_digit(char c) { return c >= '0' && c <= '9'; }

/* Is the comma at S[I] a thousands separator (1,234 — a digit before, three after, then no
 * digit)? A table copied with tabs between cells has many of them in its amounts. */
static int thousands_comma(const char *s, size_t len, size_t i)
{
    return i > 0 && is_digit(s[i - 1]) && i + 3 < len && is_digit(s[i + 1]) &&
           is_digit(s[i + 2]) && is_digit(s[i + 3]) && (i + 4 >= len || !is_digit(s[i + 4]));
}

/* Pick the delimiter that the first lines use most: ',', '\t' or ';' (a comma between thousands
 * does not count). */
static char detect_delimiter(const char *s, size_t len)
{
    static const char cands[] = {',', '\t', ';'};
    size_t best[3] = {0, 0, 0};
    size_t count[3] = {0, 0, 0};
    int quoted = 0, lines = 0;
    for (size_t i = 0; i < len && lines < 20; i++) {
        char ch = s[i];
        if (ch == '"')
            quoted = !quoted;
        else if (!quoted && ch == '\n') {
            for (int k = 0; k < 3; k++) {
                if (count[k] > best[k])
                    best[k] = count[k];
                count[k] = 0;
            }
            lines++;
        } else if (!quoted && !(ch == ',' && thousands_comma(s, len, i)))
            for (int k = 0; k < 3; k++)
                if (ch == cands[k])
                    count[k]++;
    }
    for (int k = 0; k < 3; k++)
        if (count[k] > best[k])
            best[k] = count[k];
    int pick = 0;
    for (int k = 1; k < 3; k++)
        if (best[k] > best[pick])
            pick = k;
    return cands[pick];
}

typedef struct source {
    unsigned char head[8]; /* bytes read to tell a workbook from a CSV, served first */
    size_t headlen, headpos;
    FILE *f;               /* read from here … */
    const unsigned char *mem; /* … or from memory */
    size_t memlen, mempos;
    size_t size;           /* bytes in all when known (a regular file, memory), else 0 */
} source;

/* Fill BUF with up to CAP bytes: the sniffed head first, then the file or memory. Returns
 * fewer than CAP bytes only at the end of the input, so the first chunk is a full one (the
 * encoding and the delimiter are detected from it). */
static size_t source_read(source *src, unsigned char *buf, size_t cap)
{
    size_t n = 0;
    if (src->headpos < src->headlen) {
        n = src->headlen - src->headpos;
        if (n > cap)
            n = cap;
        memcpy(buf, src->head + src->headpos, n);
        src->headpos += n;
    }
    if (src->f) {
        while (n < cap) {
            size_t got = fread(buf + n, 1, cap - n, src->f);
            if (got == 0)
                break;
            n += got;
        }
        return n;
    }
    size_t m = src->memlen - src->mempos;
    if (m > cap - n)
        m = cap - n;
    if (m) /* memcpy must not see a NULL source, even for 0 bytes */
        memcpy(buf + n, src->mem + src->mempos, m);
    src->mempos += m;
    return n + m;
}

static fp_error load(source *src, const char *name, const fp_load_options *opts, fp_table **out,
                     fp_diag *diag)
{
    fp_load_options defaults;
    if (!opts) {
        fp_load_options_init(&defaults);
        opts = &defaults;
    }
    *out = NULL;
    fp_diag_clear(diag);
    fp_error err = FP_OK;
    csvr R = {0};
    R.line = 1;
    R.L = loader_new(name, opts, diag);
    unsigned char *raw = malloc(CHUNK + 8);
    char *conv = NULL;
    iconv_t cd = (iconv_t)-1;
    struct csv_parser parser;
    int parser_ready = 0;
    fastpath fast = {0};
    char *whole = NULL; /* freed at done: set before the first jump there */
    size_t wholelen = 0, wholecap = 0;
    if (!R.L || !raw) {
        err = diag_set(diag, FP_ERR_NOMEM, name, 0, NULL, NULL, 0, "out of memory");
        goto done;
    }

    size_t carry = 0; /* bytes of an incomplete character kept from the last chunk */
    int first = 1, utf8 = 1, eof = 0;
    /* space-aligned text (pdftotext -layout, a viewer's copy) is gathered whole for the layout */
    int spaced = 0;
    long lines_seen = 1; /* for encoding errors: lines converted so far */
    size_t convcap = 0;
    size_t consumed = 0; /* bytes of the input read so far */
    int guessed = 0;     /* the table's size has been guessed from its first chunk */
    while (!eof && !err && !loader_error(R.L)) {
        size_t n = source_read(src, raw + carry, CHUNK - carry);
        if (n == 0) {
            if (src->f && ferror(src->f)) {
                err = diag_set(diag, FP_ERR_IO, name, 0, NULL, NULL, 0, "read error: %s",
                                 strerror(errno));
                break;
            }
            eof = 1;
        }
        size_t avail = carry + n;
        consumed += n;
        unsigned char *p = raw;
        if (first) {
            const char *enc = opts->encoding;
            if (avail >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0) {
                /* one byte-order mark, or several (a file saved twice by a tool that adds
                 * one each time): none is part of the header */
                while (avail >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0) {
                    p += 3;
                    avail -= 3;
                }
                if (!enc)
                    enc = "UTF-8";
            } else if (!enc && avail >= 2 && ((p[0] == 0xFF && p[1] == 0xFE) ||
                                              (p[0] == 0xFE && p[1] == 0xFF))) {
                enc = "UTF-16"; /* iconv reads and drops the byte-order mark */
            }
            if (!enc) {
                /* Valid UTF-8 up to a bad byte is GB18030 unless it already held several
                 * non-ASCII characters (a GB18030 text almost never does): then it is UTF-8
                 * with one damaged byte, blamed on its own line below, rather than a whole file
                 * silently read as the wrong script. */
                int bad;
                size_t ok = utf8_valid_prefix(p, avail, &bad);
                size_t wide = 0;
                for (size_t i = 0; i < ok; i++)
                    wide += p[i] >= 0xC2;
                enc = bad && wide < 3 ? "GB18030" : "UTF-8";
            }
            utf8 = strcmp(enc, "UTF-8") == 0 || strcmp(enc, "utf-8") == 0 ||
                   strcmp(enc, "UTF8") == 0 || strcmp(enc, "utf8") == 0;
            if (!utf8 && (cd = iconv_open("UTF-8", enc)) == (iconv_t)-1) {
                err = diag_set(diag, FP_ERR_ENCODING, name, 0, NULL, enc, strlen(enc),
                                 "unknown encoding \"%s\"", enc);
                break;
            }
        }
        const char *text;
        size_t textlen;
        size_t left; /* bytes of p not consumed (an incomplete character) */
        if (utf8) {
            int bad;
            size_t ok = utf8_valid_prefix(p, avail, &bad);
            if (bad || (eof && ok < avail)) {
                long line = lines_seen + count_lines((const char *)p, ok);
                err = diag_set(diag, FP_ERR_ENCODING, name, line, NULL, NULL, 0,
                                 "invalid UTF-8 (byte 0x%02X); give the file's encoding with "
                                 "--encoding, e.g. GB18030",
                                 p[ok]);
                break;
            }
            text = (const char *)p;
            textlen = ok;
            left = avail - ok;
        } else {
            if (buf_reserve((void **)&conv, &convcap, avail * 4 + 16, 1)) {
                err = diag_set(diag, FP_ERR_NOMEM, name, 0, NULL, NULL, 0, "out of memory");
                break;
            }
            char *in = (char *)p, *outp = conv;
            size_t inleft = avail, outleft = convcap;
            size_t r = iconv(cd, &in, &inleft, &outp, &outleft);
            if (r == (size_t)-1 && errno != EINVAL) {
                long line = lines_seen + count_lines(conv, (size_t)(outp - conv));
                err = diag_set(diag, FP_ERR_ENCODING, name, line, NULL, NULL, 0,
                                 "bytes not valid in the file's encoding (byte 0x%02X); give "
                                 "it with --encoding",
                                 (unsigned char)*in);
                break;
            }
            if (eof && inleft) {
                long line = lines_seen + count_lines(conv, (size_t)(outp - conv));
                err = diag_set(diag, FP_ERR_ENCODING, name, line, NULL, NULL, 0,
                                 "the file ends inside a character");
                break;
            }
            text = conv;
            textlen = (size_t)(outp - conv);
            left = inleft;
        }
        lines_seen += count_lines(text, textlen);
        while (first && !utf8 && textlen >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) {
            /* a byte-order mark that an explicit --encoding (UTF-16LE, GB18030 …) decoded as
             * U+FEFF: not part of the first header */
            text += 3;
            textlen -= 3;
        }
        if (first && !opts->delimiter && lay_text_sniff(text, textlen))
            spaced = 1;
        if (spaced) {
            if (buf_reserve((void **)&whole, &wholecap, wholelen + textlen + 1, 1)) {
                err = diag_set(diag, FP_ERR_NOMEM, name, 0, NULL, NULL, 0, "out of memory");
                break;
            }
            memcpy(whole + wholelen, text, textlen);
            wholelen += textlen;
            first = 0;
        } else if (first) {
            char delim = opts->delimiter ? opts->delimiter : detect_delimiter(text, textlen);
            if (csv_init(&parser, CSV_STRICT | CSV_STRICT_FINI | CSV_REPALL_NL) != 0) {
                err = diag_set(diag, FP_ERR_NOMEM, name, 0, NULL, NULL, 0, "out of memory");
                break;
            }
            parser_ready = 1;
            csv_set_delim(&parser, (unsigned char)delim);
            fast.delim = delim;
            csv_set_blk_size(&parser, 4096);
            first = 0;
        }
        int fed = spaced ? 0 : feed_text(&R, &fast, &parser, text, textlen, eof);
        if (!guessed && !spaced && !eof && src->size > consumed && consumed) {
            /* a big file: room for the rows and names so far, scaled to the whole file */
            guessed = 1;
            loader_expect(R.L, (double)src->size / (double)consumed);
        }
        if (fed == -2) {
            err = diag_set(diag, FP_ERR_NOMEM, name, 0, NULL, NULL, 0, "out of memory");
            break;
        }
        if (fed && !loader_error(R.L)) {
            err = diag_set(diag, FP_ERR_CSV, name, R.line, NULL, NULL, 0,
                             "malformed CSV: %s (a quote inside an unquoted cell, or text after "
                             "a closing quote)",
                             csv_strerror(csv_error(&parser)));
        }
        memmove(raw, p + (avail - left), left);
        carry = left;
    }
    if (!err && !loader_error(R.L) && parser_ready &&
        csv_fini(&parser, on_field, on_record, &R) != 0 && !loader_error(R.L))
        err = diag_set(diag, FP_ERR_CSV, name, R.line, NULL, NULL, 0,
                       "the file ends inside a quoted cell (a quote is not closed)");
    if (!err && spaced)
        err = lay_text_load(whole ? whole : "", wholelen, name, opts, out, diag);
    else if (!err)
        err = loader_finish(R.L, out); /* also reports an error the loader met */
done:
    free(whole);
    if (parser_ready)
        csv_free(&parser);
    free(fast.pend);
    if (cd != (iconv_t)-1)
        iconv_close(cd);
    loader_free(R.L);
    free(raw);
    free(conv);
    return err;
}

fp_error fp_table_load_file(const char *path, const fp_load_options *opts, fp_table **out,
                            fp_diag *diag)
{
    *out = NULL;
    source src = {0};
    src.f = fopen(path, "rb");
    if (!src.f)
        return diag_set(diag, FP_ERR_IO, path, 0, NULL, NULL, 0, "cannot open: %s",
                        strerror(errno));
    /* A workbook is told by its content, not its name; the bytes read stay for the CSV reader
     * (the file may be a pipe, which cannot rewind). */
    struct stat st;
    if (fstat(fileno(src.f), &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0)
        src.size = (size_t)st.st_size;
    src.headlen = fread(src.head, 1, sizeof src.head, src.f);
    if (xlsx_sniff(src.head, src.headlen)) {
        fclose(src.f);
        return xlsx_load_file(path, opts, out, diag);
    }
    if (pdf_sniff(src.head, src.headlen)) {
        fp_error e = pdf_load_stream(src.f, src.head, src.headlen, path, opts, out, diag);
        fclose(src.f);
        return e;
    }
    fp_error e = load(&src, path, opts, out, diag);
    fclose(src.f);
    return e;
}

fp_error fp_table_load_memory(const void *data, size_t len, const char *name,
                              const fp_load_options *opts, fp_table **out, fp_diag *diag)
{
    if (xlsx_sniff(data, len))
        return xlsx_load_memory(data, len, name, opts, out, diag);
    if (pdf_sniff(data, len))
        return pdf_load_memory(data, len, name ? name : "(memory)", opts, out, diag);
    source src = {0};
    src.mem = data;
    src.memlen = src.size = len;
    return load(&src, name ? name : "(memory)", opts, out, diag);
}
