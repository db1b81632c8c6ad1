/* read/xlsx_read.c — read one worksheet of an XLSX workbook into an fp_table.
 *
 * libzip opens the container and expat streams the XML; this file only maps the parts to cells:
 * the workbook (sheet names), its relationships (where each sheet lives), the shared strings,
 * and the chosen sheet, whose cells go one by one into the record sink (table/loader.h). Cell
 * values are handed on as text: numbers exactly as written, except that the 16- and 17-digit
 * forms Excel writes for binary doubles are rounded to the 15 digits Excel shows. */
#include <errno.h>
#include <expat.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

#include "read/loader.h"
#include "read/xlsx_formula.h"
#include "read/xlsx_read.h"
#include "util/buf.h"

/* The error code of a workbook that is not what it should be (ZIP, XML or parts). */
#define ERR_FORMAT FP_ERR_XLSX

#define PART_LIMIT ((zip_uint64_t)1 << 30) /* refuse parts larger than this uncompressed */
/* memory the shared strings may take (text and index): far above a real workbook's (a million
 * distinct 30-byte names take 47 MB), far below what a small compressed part can expand to */
#define SST_LIMIT ((size_t)128 << 20)
#define DEPTH_LIMIT 200                     /* refuse XML nested deeper than this */
#define CHUNK 65536
#define MAX_COLS 16384L     /* XFD */
#define MAX_ROWS (1L << 30) /* far above Excel's 1048576; keeps line numbers in range */
#define SIG_DIGITS 15       /* what Excel displays of a double */
#define MAX_EXPONENT 400    /* larger exponents are handed on as written (and refused later) */

/* ---- small helpers ---- */

typedef struct tbuf {
    char *s;
    size_t len, cap;
} tbuf;

static int tbuf_add(tbuf *b, const char *s, size_t len)
{
    if (buf_reserve((void **)&b->s, &b->cap, b->len + len + 1, 1))
        return -1;
    memcpy(b->s + b->len, s, len);
    b->len += len;
    b->s[b->len] = '\0';
    return 0;
}

static int tbuf_addc(tbuf *b, char c) { return tbuf_add(b, &c, 1); }

/* The local part of an expat name "namespace-URI local" (the parser separates with a space). */
static const char *local_name(const char *name)
{
    const char *sp = strrchr(name, ' ');
    return sp ? sp + 1 : name;
}

/* The value of the attribute with local name NAME and no namespace, or NULL. */
static const char *attr(const char **attrs, const char *name)
{
    for (size_t i = 0; attrs[i]; i += 2)
        if (strcmp(attrs[i], name) == 0)
            return attrs[i + 1];
    return NULL;
}

/* The value of r:id (the attribute "id" in the relationships namespace, strict or transitional). */
static const char *attr_rid(const char **attrs)
{
    for (size_t i = 0; attrs[i]; i += 2) {
        const char *sp = strrchr(attrs[i], ' ');
        if (sp && strcmp(sp + 1, "id") == 0 && sp - attrs[i] >= 13 &&
            strncmp(sp - 13, "relationships", 13) == 0)
            return attrs[i + 1];
    }
    return NULL;
}

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcmp(s + n - k, suffix) == 0;
}

/* Write the column letters of 0-based COL ("A", "Z", "AA", …) into BUF (at least 4 bytes). */
static void col_letters(long col, char *buf)
{
    char rev[4];
    int n = 0;
    for (long c = col + 1; c > 0 && n < 3; c = (c - 1) / 26)
        rev[n++] = (char)('A' + (c - 1) % 26);
    for (int i = 0; i < n; i++)
        buf[i] = rev[n - 1 - i];
    buf[n] = '\0';
}

/* Decode the _xHHHH_ escapes of OOXML strings in place (_x000D_ is a CR, _x005F_ an
 * underscore). Escapes of NUL or of surrogates stay as written. Returns the new length. */
static size_t decode_escapes(char *s, size_t len)
{
    size_t r = 0, w = 0;
    while (r < len) {
        unsigned cp = 0;
        int ok = r + 7 <= len && s[r] == '_' && s[r + 1] == 'x' && s[r + 6] == '_';
        for (size_t k = 2; ok && k < 6; k++) {
            char ch = s[r + k];
            unsigned d = ch >= '0' && ch <= '9'   ? (unsigned)(ch - '0')
                         : ch >= 'a' && ch <= 'f' ? (unsigned)(ch - 'a' + 10)
                         : ch >= 'A' && ch <= 'F' ? (unsigned)(ch - 'A' + 10)
                                                  : 16u;
            ok = d < 16;
            cp = cp * 16 + d;
        }
        if (ok && cp != 0 && (cp < 0xD800 || cp > 0xDFFF)) {
            /* the UTF-8 form (at most 3 bytes) is never longer than the 7-byte escape */
            if (cp < 0x80) {
                s[w++] = (char)cp;
            } else if (cp < 0x800) {
                s[w++] = (char)(0xC0 | (cp >> 6));
                s[w++] = (char)(0x80 | (cp & 0x3F));
            } else {
                s[w++] = (char)(0xE0 | (cp >> 12));
                s[w++] = (char)(0x80 | ((cp >> 6) & 0x3F));
                s[w++] = (char)(0x80 | (cp & 0x3F));
            }
            r += 7;
        } else {
            s[w++] = s[r++];
        }
    }
    if (w < len)
        s[w] = '\0';
    return w;
}

/* ---- numbers ---- */

/* The text of a number cell as the loader should see it. Excel stores doubles and writes up to
 * 17 significant digits ("5141.3199999999997" for 5141.32) while it shows 15: such texts are
 * rounded (half away from zero) to 15 significant digits in decimal, never through a double,
 * and exponent forms ("1.5E-3") are written out in full. Anything else, and every text that
 * is neither, is handed on exactly as written (a text that is no number fails later as an
 * amount, with the cell's reference). Returns the text and its length in *LEN; it may live
 * in OUT. NULL when out of memory. */
static const char *number_text(const char *s, size_t len, tbuf *out, size_t *outlen)
{
    *outlen = len;
    size_t i = 0;
    int neg = 0;
    if (i < len && (s[i] == '-' || s[i] == '+'))
        neg = s[i++] == '-';
    size_t int_start = i;
    while (i < len && s[i] >= '0' && s[i] <= '9')
        i++;
    size_t int_end = i, frac_start = i, frac_end = i;
    if (i < len && s[i] == '.') {
        frac_start = ++i;
        while (i < len && s[i] >= '0' && s[i] <= '9')
            i++;
        frac_end = i;
    }
    if (int_end == int_start && frac_end == frac_start)
        return s; /* no digits: not a number */
    long exp = 0;
    int has_exp = 0;
    if (i < len && (s[i] == 'e' || s[i] == 'E')) {
        has_exp = 1;
        i++;
        int eneg = 0;
        if (i < len && (s[i] == '-' || s[i] == '+'))
            eneg = s[i++] == '-';
        size_t e0 = i;
        while (i < len && s[i] >= '0' && s[i] <= '9') {
            if (exp <= MAX_EXPONENT)
                exp = exp * 10 + (s[i] - '0');
            i++;
        }
        if (i == e0 || exp > MAX_EXPONENT)
            return s;
        if (eneg)
            exp = -exp;
    }
    if (i != len)
        return s;

    /* The significant digits: the mantissa without leading and trailing zeros. POINT is where
     * the decimal point falls, counted in digits from the first significant one. */
    out->len = 0;
    long point = (long)(int_end - int_start);
    for (size_t k = int_start; k < frac_end; k++) {
        if (k == int_end)
            continue; /* the '.' */
        if (s[k] == '0' && out->len == 0) {
            point--;
            continue;
        }
        if (tbuf_addc(out, s[k]))
            return NULL;
    }
    while (out->len && out->s[out->len - 1] == '0')
        out->len--;
    if (!has_exp && out->len <= SIG_DIGITS)
        return s; /* as written */
    if (out->len > SIG_DIGITS) {
        int up = out->s[SIG_DIGITS] >= '5';
        out->len = SIG_DIGITS;
        for (size_t k = SIG_DIGITS; up && k-- > 0;) {
            if (out->s[k] == '9') {
                out->s[k] = '0';
            } else {
                out->s[k]++;
                up = 0;
            }
        }
        if (up) { /* 999… rounded up to 1000… */
            out->s[0] = '1';
            point++;
        }
        while (out->len && out->s[out->len - 1] == '0')
            out->len--;
    }
    point += exp;

    /* Write sign, integer part and fraction after the digits, then move them to the front. */
    size_t nd = out->len;
    tbuf *b = out;
    if (nd == 0) {
        b->len = 0;
        if (tbuf_addc(b, '0'))
            return NULL;
        *outlen = 1;
        return b->s;
    }
    size_t digits_at = 0, start = nd; /* the digits are b->s[0..nd) */
    if (neg && tbuf_addc(b, '-'))
        return NULL;
    if (point <= 0) {
        if (tbuf_add(b, "0.", 2))
            return NULL;
        for (long k = 0; k < -point; k++)
            if (tbuf_addc(b, '0'))
                return NULL;
        for (size_t k = 0; k < nd; k++)
            if (tbuf_addc(b, b->s[digits_at + k]))
                return NULL;
    } else if ((size_t)point >= nd) {
        for (size_t k = 0; k < nd; k++)
            if (tbuf_addc(b, b->s[digits_at + k]))
                return NULL;
        for (long k = 0; k < point - (long)nd; k++)
            if (tbuf_addc(b, '0'))
                return NULL;
    } else {
        for (size_t k = 0; k < nd; k++) {
            if (k == (size_t)point && tbuf_addc(b, '.'))
                return NULL;
            if (tbuf_addc(b, b->s[digits_at + k]))
                return NULL;
        }
    }
    *outlen = b->len - start;
    return b->s + start;
}

/* ---- the workbook ---- */

typedef struct sheet_info {
    char *name;
    char *rid;
    char *part;       /* path of its part in the archive, or NULL when the rels do not say */
    int hidden;
    int worksheet;    /* its relationship is a worksheet (not a chart sheet) */
} sheet_info;

typedef struct rel {
    char *id, *type, *target;
    int external;
} rel;

typedef struct xlsx {
    zip_t *za;
    const char *name; /* of the file, for messages */
    fp_diag *diag;
    fp_error err;
    sheet_info *sheets;
    size_t nsheets, sheetcap;
    rel *rels;
    size_t nrels, relcap;
    strpool sst;      /* the shared strings' text … */
    struct sst_ref {
        size_t off, len;
    } *sst_at;        /* … and where each one is */
    size_t nsst, sstcap;
    char *chunk;
} xlsx;

/* Record the first error: CELL (may be NULL) goes into the diagnostic's cell reference. */
static void fail(xlsx *X, fp_error code, const char *cell, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void fail(xlsx *X, fp_error code, const char *cell, const char *fmt, ...)
{
    if (X->err)
        return;
    char msg[sizeof X->diag->message];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    X->err = diag_set(X->diag, code, X->name, 0, NULL, NULL, 0, "%s", msg);
    if (X->diag && cell)
        snprintf(X->diag->cell, sizeof X->diag->cell, "%s", cell);
}

static void nomem(xlsx *X) { fail(X, FP_ERR_NOMEM, NULL, "out of memory while reading the workbook"); }

/* ---- streaming one XML part ---- */

typedef struct xctx xctx;
struct xctx {
    xlsx *X;
    XML_Parser p;
    const char *part;
    int depth;
    int stopped;    /* the handlers stopped the parser: an error, or the probe found a table */
    tbuf *capture;  /* character data goes here, or nowhere when NULL */
    void (*start)(xctx *c, const char *local, const char **attrs);
    void (*end)(xctx *c, const char *local);
};

static void stop(xctx *c)
{
    if (!c->stopped)
        XML_StopParser(c->p, XML_FALSE);
    c->stopped = 1;
}

static void on_start(void *ud, const XML_Char *name, const XML_Char **attrs)
{
    xctx *c = ud;
    if (c->stopped)
        return;
    if (++c->depth > DEPTH_LIMIT) {
        fail(c->X, ERR_FORMAT, NULL,
             "%s line %lu: XML nested more than %d elements deep; refused (not a spreadsheet)",
             c->part, (unsigned long)XML_GetCurrentLineNumber(c->p), DEPTH_LIMIT);
        stop(c);
        return;
    }
    c->start(c, local_name(name), attrs);
}

static void on_end(void *ud, const XML_Char *name)
{
    xctx *c = ud;
    if (c->stopped)
        return;
    c->depth--;
    c->end(c, local_name(name));
}

static void on_text(void *ud, const XML_Char *s, int len)
{
    xctx *c = ud;
    if (c->stopped || !c->capture || len <= 0)
        return;
    if (tbuf_add(c->capture, s, (size_t)len)) {
        nomem(c->X);
        stop(c);
    }
}

/* Spreadsheet parts never have a DTD; refusing one also keeps entity expansion out. */
static void on_doctype(void *ud, const XML_Char *name, const XML_Char *sysid,
                       const XML_Char *pubid, int has_internal)
{
    (void)name, (void)sysid, (void)pubid, (void)has_internal;
    xctx *c = ud;
    if (c->stopped)
        return;
    fail(c->X, ERR_FORMAT, NULL, "%s line %lu: a DOCTYPE declaration; spreadsheet parts have none",
         c->part, (unsigned long)XML_GetCurrentLineNumber(c->p));
    stop(c);
}

/* The archive entry named PART (case-insensitive as a fallback), or -1. */
static zip_int64_t find_part(xlsx *X, const char *part)
{
    zip_int64_t i = zip_name_locate(X->za, part, 0);
    if (i < 0)
        i = zip_name_locate(X->za, part, ZIP_FL_NOCASE);
    return i;
}

/* Stream the part at index IDX through expat with the handlers of C. */
static void parse_part(xlsx *X, zip_int64_t idx, xctx *c)
{
    zip_stat_t st;
    zip_stat_init(&st);
    if (zip_stat_index(X->za, (zip_uint64_t)idx, 0, &st) == 0 && (st.valid & ZIP_STAT_SIZE) &&
        st.size > PART_LIMIT) {
        fail(X, ERR_FORMAT, NULL,
             "part %s is %llu bytes uncompressed, more than the %llu allowed; refused (a damaged "
             "file or a ZIP bomb)",
             c->part, (unsigned long long)st.size, (unsigned long long)PART_LIMIT);
        return;
    }
    zip_file_t *f = zip_fopen_index(X->za, (zip_uint64_t)idx, 0);
    if (!f) {
        fail(X, ERR_FORMAT, NULL, "cannot read part %s: %s", c->part, zip_strerror(X->za));
        return;
    }
    XML_Parser p = XML_ParserCreateNS(NULL, ' ');
    if (!p) {
        zip_fclose(f);
        nomem(X);
        return;
    }
    c->X = X;
    c->p = p;
    XML_SetUserData(p, c);
    XML_SetElementHandler(p, on_start, on_end);
    XML_SetCharacterDataHandler(p, on_text);
    XML_SetStartDoctypeDeclHandler(p, on_doctype);
    zip_uint64_t total = 0;
    for (;;) {
        zip_int64_t n = zip_fread(f, X->chunk, CHUNK);
        if (n < 0) {
            fail(X, ERR_FORMAT, NULL, "cannot read part %s: %s (the file is damaged)", c->part,
                 zip_file_strerror(f));
            break;
        }
        total += (zip_uint64_t)n;
        if (total > PART_LIMIT) {
            fail(X, ERR_FORMAT, NULL,
                 "part %s is more than %llu bytes uncompressed; refused (a damaged file or a "
                 "ZIP bomb)",
                 c->part, (unsigned long long)PART_LIMIT);
            break;
        }
        if (XML_Parse(p, X->chunk, (int)n, n == 0) == XML_STATUS_ERROR) {
            if (!c->stopped)
                fail(X, ERR_FORMAT, NULL, "%s line %lu, column %lu: malformed XML: %s", c->part,
                     (unsigned long)XML_GetCurrentLineNumber(p),
                     (unsigned long)XML_GetCurrentColumnNumber(p) + 1,
                     XML_ErrorString(XML_GetErrorCode(p)));
            break;
        }
        if (n == 0)
            break;
    }
    XML_ParserFree(p);
    zip_fclose(f);
}

/* ---- the relationships of a part ---- */

typedef struct relsx {
    xctx c;
} relsx;

static void rels_start(xctx *c, const char *local, const char **attrs)
{
    xlsx *X = c->X;
    if (strcmp(local, "Relationship") != 0)
        return;
    const char *id = attr(attrs, "Id"), *type = attr(attrs, "Type"),
               *target = attr(attrs, "Target"), *mode = attr(attrs, "TargetMode");
    if (!id || !type || !target)
        return;
    if (buf_reserve((void **)&X->rels, &X->relcap, X->nrels + 1, sizeof *X->rels)) {
        nomem(X);
        stop(c);
        return;
    }
    rel *r = &X->rels[X->nrels];
    r->id = strdup(id);
    r->type = strdup(type);
    r->target = strdup(target);
    r->external = mode && strcmp(mode, "External") == 0;
    X->nrels++;
    if (!r->id || !r->type || !r->target) {
        nomem(X);
        stop(c);
    }
}

static void rels_end(xctx *c, const char *local) { (void)c, (void)local; }

static void free_rels(xlsx *X)
{
    for (size_t i = 0; i < X->nrels; i++) {
        free(X->rels[i].id);
        free(X->rels[i].type);
        free(X->rels[i].target);
    }
    X->nrels = 0;
}

static void read_rels(xlsx *X, zip_int64_t idx, const char *part)
{
    free_rels(X);
    relsx R = {{0}};
    R.c.part = part;
    R.c.start = rels_start;
    R.c.end = rels_end;
    parse_part(X, idx, &R.c);
}

/* The relationship of type …/SUFFIX, or with id ID, or NULL. */
static const rel *find_rel(const xlsx *X, const char *id, const char *type_suffix)
{
    for (size_t i = 0; i < X->nrels; i++) {
        const rel *r = &X->rels[i];
        if (r->external)
            continue;
        if (id ? strcmp(r->id, id) == 0 : type_suffix && ends_with(r->type, type_suffix))
            return r;
    }
    return NULL;
}

static int hexval(char ch)
{
    return ch >= '0' && ch <= '9'   ? ch - '0'
           : ch >= 'a' && ch <= 'f' ? ch - 'a' + 10
           : ch >= 'A' && ch <= 'F' ? ch - 'A' + 10
                                    : -1;
}

/* The archive path of relationship TARGET of a part in folder DIR ("xl/" or ""): an absolute
 * target ("/xl/worksheets/sheet1.xml") is from the root, a relative one from DIR; "." and ".."
 * are resolved and %XX decoded. NULL when out of memory. */
static char *resolve_target(const char *dir, const char *target)
{
    size_t n = strlen(dir) + strlen(target) + 1;
    char *joined = malloc(n), *out = malloc(n);
    if (!joined || !out) {
        free(joined);
        free(out);
        return NULL;
    }
    if (target[0] == '/')
        snprintf(joined, n, "%s", target + 1);
    else
        snprintf(joined, n, "%s%s", dir, target);
    /* walk the segments */
    size_t w = 0;
    const char *p = joined;
    while (*p) {
        const char *slash = strchr(p, '/');
        size_t seg = slash ? (size_t)(slash - p) : strlen(p);
        if (seg == 0 || (seg == 1 && p[0] == '.')) {
            /* skip */
        } else if (seg == 2 && p[0] == '.' && p[1] == '.') {
            while (w > 0 && out[w - 1] != '/')
                w--;
            if (w > 0) {
                w--;
                while (w > 0 && out[w - 1] != '/')
                    w--;
            }
        } else {
            for (size_t k = 0; k < seg; k++) {
                int hi = k + 2 < seg ? hexval(p[k + 1]) : -1, lo = hi >= 0 ? hexval(p[k + 2]) : -1;
                if (p[k] == '%' && hi >= 0 && lo >= 0 && (hi | lo) != 0) {
                    out[w++] = (char)(hi * 16 + lo);
                    k += 2;
                } else {
                    out[w++] = p[k];
                }
            }
            if (slash)
                out[w++] = '/';
        }
        p += seg;
        if (*p == '/')
            p++;
    }
    if (w > 0 && out[w - 1] == '/')
        w--;
    out[w] = '\0';
    free(joined);
    return out;
}

/* ---- xl/workbook.xml ---- */

typedef struct bookx {
    xctx c;
} bookx;

static void book_start(xctx *c, const char *local, const char **attrs)
{
    xlsx *X = c->X;
    if (strcmp(local, "sheet") != 0)
        return;
    const char *name = attr(attrs, "name"), *rid = attr_rid(attrs), *state = attr(attrs, "state");
    if (!name) {
        fail(X, ERR_FORMAT, NULL, "%s line %lu: a <sheet> without a name", c->part,
             (unsigned long)XML_GetCurrentLineNumber(c->p));
        stop(c);
        return;
    }
    if (buf_reserve((void **)&X->sheets, &X->sheetcap, X->nsheets + 1, sizeof *X->sheets)) {
        nomem(X);
        stop(c);
        return;
    }
    sheet_info *s = &X->sheets[X->nsheets++];
    memset(s, 0, sizeof *s);
    s->name = strdup(name);
    s->rid = rid ? strdup(rid) : NULL;
    s->hidden = state && strcmp(state, "visible") != 0;
    if (!s->name || (rid && !s->rid)) {
        nomem(X);
        stop(c);
    }
}

static void book_end(xctx *c, const char *local) { (void)c, (void)local; }

/* ---- xl/sharedStrings.xml ---- */

typedef struct sstx {
    xctx c;
    int in_si, rph;
    tbuf text;
} sstx;

static void sst_start(xctx *c, const char *local, const char **attrs)
{
    (void)attrs;
    sstx *S = (sstx *)c;
    if (strcmp(local, "si") == 0) {
        S->in_si = 1;
        S->rph = 0;
        S->text.len = 0;
        if (tbuf_add(&S->text, "", 0)) {
            nomem(c->X);
            stop(c);
        }
    } else if (strcmp(local, "rPh") == 0) {
        S->rph++;
    } else if (strcmp(local, "t") == 0 && S->in_si && !S->rph) {
        c->capture = &S->text;
    }
}

static void sst_end(xctx *c, const char *local)
{
    sstx *S = (sstx *)c;
    xlsx *X = c->X;
    if (strcmp(local, "t") == 0) {
        c->capture = NULL;
    } else if (strcmp(local, "rPh") == 0) {
        S->rph--;
    } else if (strcmp(local, "si") == 0 && S->in_si) {
        S->in_si = 0;
        size_t len = decode_escapes(S->text.s, S->text.len), off;
        if (X->sst.len + len + 1 + (X->nsst + 1) * sizeof *X->sst_at > SST_LIMIT) {
            fail(X, ERR_FORMAT, NULL,
                 "%s: the shared strings would take more than %zu MB of memory (%zu strings so "
                 "far); refused (a damaged file or a ZIP bomb)",
                 c->part, SST_LIMIT >> 20, X->nsst);
            stop(c);
            return;
        }
        if (buf_reserve((void **)&X->sst_at, &X->sstcap, X->nsst + 1, sizeof *X->sst_at) ||
            strpool_add(&X->sst, S->text.s, len, &off)) {
            nomem(X);
            stop(c);
            return;
        }
        X->sst_at[X->nsst].off = off;
        X->sst_at[X->nsst].len = len;
        X->nsst++;
    }
}

/* ---- a worksheet ---- */

typedef enum cell_type { T_NUMBER, T_SHARED, T_INLINE, T_STR, T_BOOL, T_ERROR, T_DATE } cell_type;

typedef struct sheetx {
    xctx c;
    loader *L;         /* load into this, or NULL: only probe for a table */
    const char *sheet; /* name, for cell references */
    int found;         /* probe: a row with two or more non-empty cells */
    xf_cells *cells;   /* formulas without cached values: collect cells into it (L NULL), or
                        * take their evaluated values from it (L set) */
    int uncached;      /* met a formula without a cached value (and stopped, without CELLS) */
    int in_data, in_row, in_cell, in_is, rph, has_v, has_is, has_f;
    long row, prev_row; /* 1-based sheet rows */
    long col, next_col; /* 0-based columns */
    size_t row_nonempty;
    cell_type type;
    tbuf v, is, num, f;
} sheetx;

/* "Sheet!C57" for the current cell (or row, when COL < 0) into BUF. */
static void cell_ref(const sheetx *S, long col, char *buf, size_t size)
{
    char letters[4];
    if (col < 0) {
        snprintf(buf, size, "%s!%ld:%ld", S->sheet, S->row, S->row);
        return;
    }
    col_letters(col, letters);
    snprintf(buf, size, "%s!%s%ld", S->sheet, letters, S->row);
}

/* Parse a cell reference "C57": the column to *COL (0-based), 0 or -1. The row digits must be
 * there but need not match the row (some writers get them wrong; the <row> decides). */
static int parse_ref(const char *r, long *col)
{
    long c = 0;
    size_t i = 0;
    while (r[i] >= 'A' && r[i] <= 'Z' && i < 3)
        c = c * 26 + (r[i++] - 'A' + 1);
    if (i == 0 || c > MAX_COLS || r[i] < '1' || r[i] > '9')
        return -1;
    size_t k = i;
    while (r[k] >= '0' && r[k] <= '9' && k - i < 8)
        k++;
    if (r[k])
        return -1;
    *col = c - 1;
    return 0;
}

/* A row or shared-string number: 1 to 9 digits, no sign. */
static int parse_index(const char *s, size_t len, long *out)
{
    while (len && (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')) {
        s++;
        len--;
    }
    while (len && (s[len - 1] == ' ' || s[len - 1] == '\t' || s[len - 1] == '\r' ||
                   s[len - 1] == '\n'))
        len--;
    if (len == 0 || len > 10)
        return -1;
    long v = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return 0;
}

static void sheet_fail(sheetx *S, long col, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void sheet_fail(sheetx *S, long col, const char *fmt, ...)
{
    char ref[sizeof S->c.X->diag->cell];
    cell_ref(S, col, ref, sizeof ref);
    char msg[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    fail(S->c.X, ERR_FORMAT, ref, "%s", msg); /* the place is in the diagnostic's cell */
    stop(&S->c);
}

static void sheet_start(xctx *c, const char *local, const char **attrs)
{
    sheetx *S = (sheetx *)c;
    if (!S->in_data) {
        if (strcmp(local, "sheetData") == 0)
            S->in_data = 1;
        return;
    }
    if (S->in_cell) {
        if (strcmp(local, "v") == 0 && !S->in_is) {
            S->has_v = 1;
            S->v.len = 0;
            c->capture = &S->v;
        } else if (strcmp(local, "is") == 0) {
            S->in_is = 1;
            S->has_is = 1;
        } else if (strcmp(local, "rPh") == 0 && S->in_is) {
            S->rph++;
        } else if (strcmp(local, "t") == 0 && S->in_is && !S->rph) {
            c->capture = &S->is;
        } else if (strcmp(local, "f") == 0 && !S->in_is) {
            S->has_f = 1;
            S->f.len = 0;
            c->capture = &S->f;
        }
        return;
    }
    if (strcmp(local, "row") == 0) {
        const char *r = attr(attrs, "r");
        long n = S->prev_row + 1;
        if (r && (parse_index(r, strlen(r), &n) || n < 1 || n > MAX_ROWS)) {
            S->row = S->prev_row + 1;
            sheet_fail(S, -1, "the row number \"%s\" is not a number from 1 to %ld", r, MAX_ROWS);
            return;
        }
        S->row = n;
        if (n <= S->prev_row) {
            sheet_fail(S, -1, "row %ld comes after row %ld; rows must be in increasing order", n,
                       S->prev_row);
            return;
        }
        S->in_row = 1;
        S->next_col = 0;
        S->row_nonempty = 0;
        if (S->L)
            loader_row_begin(S->L, n);
    } else if (strcmp(local, "c") == 0) {
        if (!S->in_row) {
            S->row = S->prev_row + 1;
            sheet_fail(S, -1, "a cell outside a <row>");
            return;
        }
        const char *r = attr(attrs, "r"), *t = attr(attrs, "t");
        long col = S->next_col;
        if (r && parse_ref(r, &col)) {
            sheet_fail(S, -1, "the cell reference \"%s\" is not a column and row such as C57", r);
            return;
        }
        if (col < S->next_col) {
            sheet_fail(S, col, "this cell comes after a cell on its right; cells must be in "
                               "increasing column order");
            return;
        }
        if (col >= MAX_COLS) {
            sheet_fail(S, col, "more than %ld columns", MAX_COLS);
            return;
        }
        S->col = col;
        S->next_col = col + 1;
        S->in_cell = 1;
        S->has_v = S->has_is = S->in_is = S->rph = S->has_f = 0;
        S->v.len = S->is.len = S->f.len = 0;
        if (!t || strcmp(t, "n") == 0)
            S->type = T_NUMBER;
        else if (strcmp(t, "s") == 0)
            S->type = T_SHARED;
        else if (strcmp(t, "inlineStr") == 0)
            S->type = T_INLINE;
        else if (strcmp(t, "str") == 0)
            S->type = T_STR;
        else if (strcmp(t, "b") == 0)
            S->type = T_BOOL;
        else if (strcmp(t, "e") == 0)
            S->type = T_ERROR;
        else if (strcmp(t, "d") == 0)
            S->type = T_DATE;
        else
            sheet_fail(S, col, "unknown cell type t=\"%s\" (expected n, s, str, inlineStr, b, e "
                               "or d)",
                       t);
    }
}

/* The cell ends: work out its text and hand it to the loader (or count it, when probing). */
static void end_cell(sheetx *S)
{
    xlsx *X = S->c.X;
    const char *s = "";
    size_t len = 0;
    char value[FP_AMOUNT_BUFSIZE];
    if (S->has_f && (!S->has_v || S->v.len == 0) && S->type != T_INLINE) {
        /* a formula without its cached value (scripts, openpyxl): not an empty cell */
        if (!S->cells && !S->L) {
            S->row_nonempty++; /* probing: a cell with content */
            return;
        }
        if (!S->cells) {
            S->uncached = 1; /* the caller reads the sheet again, evaluating */
            stop(&S->c);
            return;
        }
        if (!S->L) {
            size_t flen = decode_escapes(S->f.s ? S->f.s : "", S->f.len);
            if (flen == 0) {
                sheet_fail(S, S->col, "a shared formula without a stored value; fenpei cannot "
                                      "evaluate it (open and save the workbook in Excel or "
                                      "LibreOffice, which stores the values)");
                return;
            }
            if (xf_cells_formula(S->cells, S->row, S->col, S->f.s, flen)) {
                nomem(X);
                stop(&S->c);
            }
            return;
        }
        fp_amount v;
        if (!xf_cells_result(S->cells, S->row, S->col, &v))
            return;
        len = fp_amount_format(v, 0, value);
        S->row_nonempty++;
        loader_cell(S->L, (size_t)S->col, value, len);
        if (loader_error(S->L))
            stop(&S->c);
        return;
    }
    switch (S->type) {
    case T_NUMBER:
        if (S->has_v) {
            s = number_text(S->v.s ? S->v.s : "", S->v.len, &S->num, &len);
            if (!s) {
                nomem(X);
                stop(&S->c);
                return;
            }
        }
        break;
    case T_SHARED:
        if (S->has_v && S->v.len) {
            long k;
            if (parse_index(S->v.s ? S->v.s : "", S->v.len, &k) || (size_t)k >= X->nsst) {
                sheet_fail(S, S->col,
                           "shared string \"%.*s\" does not exist (the workbook has %zu shared "
                           "strings)",
                           (int)(S->v.len > 40 ? 40 : S->v.len), S->v.s ? S->v.s : "", X->nsst);
                return;
            }
            s = strpool_get(&X->sst, X->sst_at[k].off);
            len = X->sst_at[k].len;
        }
        break;
    case T_INLINE:
        if (S->has_is && S->is.len) {
            len = decode_escapes(S->is.s, S->is.len);
            s = S->is.s;
        } else if (S->has_v && S->v.len) { /* some writers put inline text in <v> */
            len = decode_escapes(S->v.s, S->v.len);
            s = S->v.s;
        }
        break;
    case T_STR:
        if (S->has_v && S->v.len) {
            len = decode_escapes(S->v.s, S->v.len);
            s = S->v.s;
        }
        break;
    case T_BOOL:
        /* As Excel shows it. A boolean is never an amount: in an amount column it fails with
         * the cell's reference instead of silently counting as 1 or 0. */
        if (S->has_v && S->v.len) {
            long b;
            if (parse_index(S->v.s, S->v.len, &b) || b > 1) {
                sheet_fail(S, S->col, "a boolean cell holds \"%.*s\" (expected 0 or 1)",
                           (int)(S->v.len > 40 ? 40 : S->v.len), S->v.s);
                return;
            }
            s = b ? "TRUE" : "FALSE";
            len = strlen(s);
        }
        break;
    case T_ERROR: /* "#REF!", "#DIV/0!": handed on, so that an amount column reports it */
    case T_DATE:  /* ISO 8601 text */
        if (S->has_v && S->v.len) {
            s = S->v.s;
            len = S->v.len;
        }
        break;
    }
    if (!len)
        return; /* an empty or style-only cell: blank, like a missing one */
    S->row_nonempty++;
    if (S->cells && !S->L) {
        int rc = S->type == T_NUMBER ? xf_cells_number(S->cells, S->row, S->col, s, len)
                                     : xf_cells_text(S->cells, S->row, S->col);
        if (rc) {
            nomem(X);
            stop(&S->c);
        }
        return;
    }
    if (S->L) {
        loader_cell(S->L, (size_t)S->col, s, len);
        if (loader_error(S->L))
            stop(&S->c);
    }
}

static void sheet_end(xctx *c, const char *local)
{
    sheetx *S = (sheetx *)c;
    if (!S->in_data)
        return;
    if (S->in_cell) {
        if (strcmp(local, "v") == 0 || strcmp(local, "t") == 0 || strcmp(local, "f") == 0) {
            c->capture = NULL;
        } else if (strcmp(local, "rPh") == 0 && S->in_is) {
            S->rph--;
        } else if (strcmp(local, "is") == 0) {
            S->in_is = 0;
        } else if (strcmp(local, "c") == 0) {
            S->in_cell = 0;
            c->capture = NULL;
            end_cell(S);
        }
        return;
    }
    if (strcmp(local, "row") == 0 && S->in_row) {
        S->in_row = 0;
        S->prev_row = S->row;
        if (S->L) {
            loader_row_end(S->L);
            if (loader_error(S->L))
                stop(c);
        } else if (S->row_nonempty >= 2 && !S->cells) {
            S->found = 1;
            stop(c);
        }
    } else if (strcmp(local, "sheetData") == 0) {
        S->in_data = 0;
    }
}

/* Read sheet K into L, or (L NULL) tell whether it holds a row with two or more non-empty cells.
 * CELLS: collect the cells formulas refer to into it (L NULL), or take the values of formulas
 * without a cached value from it. *UNCACHED (may be NULL): set when such a formula stopped the
 * reading, without CELLS. */
static int read_sheet(xlsx *X, size_t k, loader *L, xf_cells *cells, int *uncached)
{
    const sheet_info *si = &X->sheets[k];
    zip_int64_t idx = find_part(X, si->part);
    if (idx < 0) {
        fail(X, ERR_FORMAT, NULL, "sheet \"%s\": its part %s is missing from the workbook",
             si->name, si->part);
        return 0;
    }
    sheetx S;
    memset(&S, 0, sizeof S);
    S.c.part = si->part;
    S.c.start = sheet_start;
    S.c.end = sheet_end;
    S.L = L;
    S.sheet = si->name;
    S.cells = cells;
    parse_part(X, idx, &S.c);
    free(S.v.s);
    free(S.is.s);
    free(S.num.s);
    free(S.f.s);
    if (uncached)
        *uncached = S.uncached;
    return S.found;
}

/* ---- the whole workbook ---- */

static void free_xlsx(xlsx *X)
{
    for (size_t i = 0; i < X->nsheets; i++) {
        free(X->sheets[i].name);
        free(X->sheets[i].rid);
        free(X->sheets[i].part);
    }
    free(X->sheets);
    free_rels(X);
    free(X->rels);
    strpool_free(&X->sst);
    free(X->sst_at);
    free(X->chunk);
}

/* Say what a ZIP that is not an XLSX workbook probably is. */
static void not_a_workbook(xlsx *X, const char *part)
{
    const char *what = find_part(X, "content.xml") >= 0 ? "an OpenDocument file (.ods): save it "
                                                          "as .xlsx or CSV"
                       : find_part(X, "word/document.xml") >= 0 ? "a Word document (.docx)"
                       : find_part(X, "ppt/presentation.xml") >= 0
                           ? "a PowerPoint file (.pptx)"
                           : "not an Excel workbook";
    fail(X, ERR_FORMAT, NULL, "a ZIP archive without %s: %s", part, what);
}

/* "1 表1, 2 表2, …" into BUF. */
static void list_sheets(const xlsx *X, char *buf, size_t size)
{
    size_t n = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < X->nsheets && n < size; i++) {
        int w = snprintf(buf + n, size - n, "%s%zu \"%s\"", i ? ", " : "", i + 1,
                         X->sheets[i].name);
        if (w < 0)
            break;
        n += (size_t)w;
    }
}

/* Which sheet to read: by OPTS->sheet (an exact name, else a 1-based number), or the first
 * with a table (visible sheets first). Returns its index, or X->nsheets after an error. */
static size_t choose_sheet(xlsx *X, const fp_load_options *opts)
{
    char names[400];
    if (opts->sheet) {
        for (size_t i = 0; i < X->nsheets; i++)
            if (strcmp(X->sheets[i].name, opts->sheet) == 0)
                return i;
        long k;
        if (parse_index(opts->sheet, strlen(opts->sheet), &k) == 0 && k >= 1 &&
            (size_t)k <= X->nsheets)
            return (size_t)k - 1;
        list_sheets(X, names, sizeof names);
        fail(X, FP_ERR_ARGUMENT, NULL, "no sheet \"%s\" (by name or number); the workbook has %s",
             opts->sheet, names);
        return X->nsheets;
    }
    for (int hidden = 0; hidden <= 1; hidden++)
        for (size_t i = 0; i < X->nsheets; i++) {
            if (X->sheets[i].hidden != hidden || !X->sheets[i].worksheet)
                continue;
            if (read_sheet(X, i, NULL, NULL, NULL))
                return i;
            if (X->err)
                return X->nsheets;
        }
    list_sheets(X, names, sizeof names);
    X->err = diag_set(X->diag, FP_ERR_EMPTY, X->name, 0, NULL, NULL, 0,
                      "no sheet holds a table (a row with two or more non-empty cells); the "
                      "workbook has %s",
                      names);
    return X->nsheets;
}

static fp_error load_zip(xlsx *X, const fp_load_options *opts, fp_table **out)
{
    fp_load_options defaults;
    if (!opts) {
        fp_load_options_init(&defaults);
        opts = &defaults;
    }
    loader *L = NULL;
    xf_cells *cells = NULL;
    char *book = NULL, *book_rels = NULL, *dir = NULL;
    if (!(X->chunk = malloc(CHUNK))) {
        nomem(X);
        goto done;
    }

    /* The workbook part: from the package relationships, else where every writer puts it. */
    zip_int64_t idx = find_part(X, "_rels/.rels");
    if (idx >= 0) {
        read_rels(X, idx, "_rels/.rels");
        const rel *r = find_rel(X, NULL, "/officeDocument");
        if (r && !(book = resolve_target("", r->target))) {
            nomem(X);
            goto done;
        }
    }
    if (X->err)
        goto done;
    if (!book && !(book = strdup("xl/workbook.xml"))) {
        nomem(X);
        goto done;
    }
    if ((idx = find_part(X, book)) < 0) {
        not_a_workbook(X, book);
        goto done;
    }
    bookx B;
    memset(&B, 0, sizeof B);
    B.c.part = book;
    B.c.start = book_start;
    B.c.end = book_end;
    parse_part(X, idx, &B.c);
    if (X->err)
        goto done;
    if (X->nsheets == 0) {
        fail(X, ERR_FORMAT, NULL, "%s lists no sheets", book);
        goto done;
    }

    /* Its relationships: where the sheets and the shared strings are. */
    const char *slash = strrchr(book, '/');
    size_t dirlen = slash ? (size_t)(slash - book) + 1 : 0;
    size_t n = strlen(book) + 16;
    if (!(dir = malloc(dirlen + 1)) || !(book_rels = malloc(n))) {
        nomem(X);
        goto done;
    }
    memcpy(dir, book, dirlen);
    dir[dirlen] = '\0';
    snprintf(book_rels, n, "%s_rels/%s.rels", dir, book + dirlen);
    if ((idx = find_part(X, book_rels)) < 0) {
        fail(X, ERR_FORMAT, NULL, "part %s is missing: it says where the sheets are", book_rels);
        goto done;
    }
    read_rels(X, idx, book_rels);
    if (X->err)
        goto done;
    for (size_t i = 0; i < X->nsheets; i++) {
        sheet_info *s = &X->sheets[i];
        const rel *r = s->rid ? find_rel(X, s->rid, NULL) : NULL;
        if (!r)
            continue;
        s->worksheet = ends_with(r->type, "/worksheet");
        if (!(s->part = resolve_target(dir, r->target))) {
            nomem(X);
            goto done;
        }
    }
    const rel *sst = find_rel(X, NULL, "/sharedStrings");
    char *sst_part = sst ? resolve_target(dir, sst->target) : NULL;
    if (sst && !sst_part) {
        nomem(X);
        goto done;
    }
    if (sst_part && (idx = find_part(X, sst_part)) >= 0) {
        sstx S;
        memset(&S, 0, sizeof S);
        S.c.part = sst_part;
        S.c.start = sst_start;
        S.c.end = sst_end;
        parse_part(X, idx, &S.c);
        free(S.text.s);
    }
    free(sst_part);
    if (X->err)
        goto done;

    size_t k = choose_sheet(X, opts);
    if (X->err)
        goto done;
    const sheet_info *si = &X->sheets[k];
    if (!si->part) {
        fail(X, ERR_FORMAT, NULL, "sheet \"%s\": %s does not say where its part is", si->name,
             book_rels);
        goto done;
    }
    if (!si->worksheet) {
        fail(X, ERR_FORMAT, NULL, "sheet \"%s\" is not a worksheet (a chart or dialog sheet)",
             si->name);
        goto done;
    }
    if (!(L = loader_new(X->name, opts, X->diag))) {
        nomem(X);
        goto done;
    }
    loader_set_sheet(L, si->name);
    int uncached = 0;
    read_sheet(X, k, L, NULL, &uncached);
    if (!X->err && uncached) {
        /* formulas without cached values: collect the sheet's cells, evaluate them exactly,
         * and read the sheet again with their values */
        loader_free(L);
        L = NULL;
        if (!(cells = xf_cells_new())) {
            nomem(X);
            goto done;
        }
        read_sheet(X, k, NULL, cells, NULL);
        long row = 0, col = 0;
        char why[sizeof X->diag->message];
        if (!X->err && xf_cells_eval(cells, &row, &col, why, sizeof why)) {
            char letters[4], ref[sizeof X->diag->cell];
            col_letters(col, letters);
            snprintf(ref, sizeof ref, "%s!%s%ld", si->name, letters, row);
            fail(X, ERR_FORMAT, ref, "%s", why);
        }
        if (X->err)
            goto done;
        if (!(L = loader_new(X->name, opts, X->diag))) {
            nomem(X);
            goto done;
        }
        loader_set_sheet(L, si->name);
        read_sheet(X, k, L, cells, NULL);
    }
    if (!X->err)
        X->err = loader_finish(L, out); /* also reports an error the loader met */

done:
    loader_free(L);
    xf_cells_free(cells);
    free(book);
    free(book_rels);
    free(dir);
    free_xlsx(X);
    if (X->err)
        *out = NULL;
    return X->err;
}

int xlsx_sniff(const void *p, size_t len)
{
    static const unsigned char ole[8] = {0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1};
    return (len >= 4 && (memcmp(p, "PK\x03\x04", 4) == 0 || memcmp(p, "PK\x05\x06", 4) == 0)) ||
           (len >= 8 && memcmp(p, ole, 8) == 0);
}

static fp_error refuse_ole(const char *name, fp_diag *diag)
{
    return diag_set(diag, ERR_FORMAT, name, 0, NULL, NULL, 0,
                    "an Excel 97-2003 workbook (.xls) or a password-protected one: save it as "
                    ".xlsx (without a password) or as CSV");
}

static fp_error zip_failed(const char *name, zip_error_t *ze, fp_diag *diag)
{
    int code = zip_error_code_zip(ze);
    fp_error e = code == ZIP_ER_MEMORY ? FP_ERR_NOMEM
                 : code == ZIP_ER_OPEN || code == ZIP_ER_READ || code == ZIP_ER_NOENT
                     ? FP_ERR_IO
                     : ERR_FORMAT;
    fp_error r = diag_set(diag, e, name, 0, NULL, NULL, 0,
                          "cannot open as an XLSX workbook (a ZIP archive): %s%s",
                          zip_error_strerror(ze),
                          e == ERR_FORMAT ? "; the file is damaged or truncated" : "");
    zip_error_fini(ze);
    return r;
}

fp_error xlsx_load_file(const char *path, const fp_load_options *opts, fp_table **out,
                        fp_diag *diag)
{
    *out = NULL;
    fp_diag_clear(diag);
    unsigned char head[8] = {0};
    FILE *f = fopen(path, "rb");
    if (!f)
        return diag_set(diag, FP_ERR_IO, path, 0, NULL, NULL, 0, "cannot open: %s",
                        strerror(errno));
    size_t got = fread(head, 1, sizeof head, f);
    fclose(f);
    if (xlsx_sniff(head, got) && head[0] == 0xD0)
        return refuse_ole(path, diag);
    int code = 0;
    zip_t *za = zip_open(path, ZIP_RDONLY, &code);
    if (!za) {
        zip_error_t ze;
        zip_error_init_with_code(&ze, code);
        return zip_failed(path, &ze, diag);
    }
    xlsx X;
    memset(&X, 0, sizeof X);
    X.za = za;
    X.name = path;
    X.diag = diag;
    fp_error e = load_zip(&X, opts, out);
    zip_discard(za);
    return e;
}

fp_error xlsx_load_memory(const void *data, size_t len, const char *name,
                          const fp_load_options *opts, fp_table **out, fp_diag *diag)
{
    *out = NULL;
    fp_diag_clear(diag);
    if (!name)
        name = "(memory)";
    if (xlsx_sniff(data, len) && ((const unsigned char *)data)[0] == 0xD0)
        return refuse_ole(name, diag);
    zip_error_t ze;
    zip_error_init(&ze);
    zip_source_t *src = zip_source_buffer_create(len ? data : "", len, 0, &ze);
    if (!src)
        return zip_failed(name, &ze, diag);
    zip_t *za = zip_open_from_source(src, ZIP_RDONLY, &ze);
    if (!za) {
        zip_source_free(src);
        return zip_failed(name, &ze, diag);
    }
    zip_error_fini(&ze);
    xlsx X;
    memset(&X, 0, sizeof X);
    X.za = za;
    X.name = name;
    X.diag = diag;
    fp_error e = load_zip(&X, opts, out);
    zip_discard(za);
    return e;
}
