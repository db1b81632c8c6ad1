/* read/xlsx_read.c — read one worksheet of an XLSX workbook into an fp_table.
 *
 * libzip opens the container and expat streams the XML; this file only maps the parts to cells:
 * the workbook (sheet names), its relationships (where each sheet lives), the shared strings,
 * and the chosen sheet, whose cells (xlsx_cells.c) go one by one into the record sink
 * (read/loader.h). */
#include <errno.h>
#include <expat.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

#include "read/ooxml.h"
#include "read/xlsx_impl.h"
#include "read/docx_table.h"
#include "read/xlsx_read.h"

#define PART_LIMIT ((zip_uint64_t)1 << 30) /* refuse parts larger than this uncompressed */
/* memory the shared strings may take (text and index): far above a real workbook's (a million
 * distinct 30-byte names take 47 MB), far below what a small compressed part can expand to */
#define SST_LIMIT ((size_t)128 << 20)
#define DEPTH_LIMIT 200                     /* refuse XML nested deeper than this */
#define CHUNK 65536

/* ---- small helpers ---- */


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

/* Decode the _xHHHH_ escapes of OOXML strings in place (_x000D_ is a CR, _x005F_ an
 * underscore). Escapes of NUL or of surrogates stay as written. Returns the new length. */
size_t xr_decode_escapes(char *s, size_t len)
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

/* ---- the workbook ---- */

/* Record the first error: CELL (may be NULL) goes into the diagnostic's cell reference. */
void xr_fail(xlsx *X, fp_error code, const char *cell, const char *fmt, ...)
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

void xr_nomem(xlsx *X) { xr_fail(X, FP_ERR_NOMEM, NULL, "out of memory while reading the workbook"); }

/* ---- streaming one XML part ---- */

void xr_stop(xctx *c)
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
        xr_fail(c->X, ERR_FORMAT, NULL,
             "%s line %lu: XML nested more than %d elements deep; refused (not a spreadsheet)",
             c->part, (unsigned long)XML_GetCurrentLineNumber(c->p), DEPTH_LIMIT);
        xr_stop(c);
        return;
    }
    c->start(c, ooxml_local_name(name), attrs);
}

static void on_end(void *ud, const XML_Char *name)
{
    xctx *c = ud;
    if (c->stopped)
        return;
    c->depth--;
    c->end(c, ooxml_local_name(name));
}

static void on_text(void *ud, const XML_Char *s, int len)
{
    xctx *c = ud;
    if (c->stopped || !c->capture || len <= 0)
        return;
    if (tbuf_add(c->capture, s, (size_t)len)) {
        xr_nomem(c->X);
        xr_stop(c);
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
    xr_fail(c->X, ERR_FORMAT, NULL, "%s line %lu: a DOCTYPE declaration; spreadsheet parts have none",
         c->part, (unsigned long)XML_GetCurrentLineNumber(c->p));
    xr_stop(c);
}

/* The archive entry named PART (case-insensitive as a fallback), or -1. */
zip_int64_t xr_find_part(xlsx *X, const char *part) { return ooxml_find_part(X->za, part); }

/* Stream the part at index IDX through expat with the handlers of C. */
void xr_parse_part(xlsx *X, zip_int64_t idx, xctx *c)
{
    XML_Parser p = XML_ParserCreateNS(NULL, ' ');
    if (!p) {
        xr_nomem(X);
        return;
    }
    c->X = X;
    c->p = p;
    XML_SetUserData(p, c);
    XML_SetElementHandler(p, on_start, on_end);
    XML_SetCharacterDataHandler(p, on_text);
    XML_SetStartDoctypeDeclHandler(p, on_doctype);
    char msg[512];
    if (ooxml_parse_part(X->za, idx, c->part, p, X->chunk, CHUNK, PART_LIMIT, &c->stopped, msg,
                         sizeof msg))
        xr_fail(X, ERR_FORMAT, NULL, "%s", msg);
    XML_ParserFree(p);
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
        xr_nomem(X);
        xr_stop(c);
        return;
    }
    rel *r = &X->rels[X->nrels];
    r->id = strdup(id);
    r->type = strdup(type);
    r->target = strdup(target);
    r->external = mode && strcmp(mode, "External") == 0;
    X->nrels++;
    if (!r->id || !r->type || !r->target) {
        xr_nomem(X);
        xr_stop(c);
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
    xr_parse_part(X, idx, &R.c);
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
        xr_fail(X, ERR_FORMAT, NULL, "%s line %lu: a <sheet> without a name", c->part,
             (unsigned long)XML_GetCurrentLineNumber(c->p));
        xr_stop(c);
        return;
    }
    if (buf_reserve((void **)&X->sheets, &X->sheetcap, X->nsheets + 1, sizeof *X->sheets)) {
        xr_nomem(X);
        xr_stop(c);
        return;
    }
    sheet_info *s = &X->sheets[X->nsheets++];
    memset(s, 0, sizeof *s);
    s->name = strdup(name);
    s->rid = rid ? strdup(rid) : NULL;
    s->hidden = state && strcmp(state, "visible") != 0;
    if (!s->name || (rid && !s->rid)) {
        xr_nomem(X);
        xr_stop(c);
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
            xr_nomem(c->X);
            xr_stop(c);
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
        size_t len = xr_decode_escapes(S->text.s, S->text.len), off;
        if (X->sst.len + len + 1 + (X->nsst + 1) * sizeof *X->sst_at > SST_LIMIT) {
            xr_fail(X, ERR_FORMAT, NULL,
                 "%s: the shared strings would take more than %zu MB of memory (%zu strings so "
                 "far); refused (a damaged file or a ZIP bomb)",
                 c->part, SST_LIMIT >> 20, X->nsst);
            xr_stop(c);
            return;
        }
        if (buf_reserve((void **)&X->sst_at, &X->sstcap, X->nsst + 1, sizeof *X->sst_at) ||
            strpool_add(&X->sst, S->text.s, len, &off)) {
            xr_nomem(X);
            xr_stop(c);
            return;
        }
        X->sst_at[X->nsst].off = off;
        X->sst_at[X->nsst].len = len;
        X->nsst++;
    }
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
    const char *what = xr_find_part(X, "content.xml") >= 0 ? "an OpenDocument file (.ods): save it "
                                                          "as .xlsx or CSV"
                       : xr_find_part(X, "word/document.xml") >= 0 ? "a Word document (.docx)"
                       : xr_find_part(X, "ppt/presentation.xml") >= 0
                           ? "a PowerPoint file (.pptx)"
                           : "not an Excel workbook";
    xr_fail(X, ERR_FORMAT, NULL, "a ZIP archive without %s: %s", part, what);
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
        if (xr_parse_index(opts->sheet, strlen(opts->sheet), &k) == 0 && k >= 1 &&
            (size_t)k <= X->nsheets)
            return (size_t)k - 1;
        list_sheets(X, names, sizeof names);
        xr_fail(X, FP_ERR_ARGUMENT, NULL, "no sheet \"%s\" (by name or number); the workbook has %s",
             opts->sheet, names);
        return X->nsheets;
    }
    for (int hidden = 0; hidden <= 1; hidden++)
        for (size_t i = 0; i < X->nsheets; i++) {
            if (X->sheets[i].hidden != hidden || !X->sheets[i].worksheet)
                continue;
            if (xr_read_sheet(X, i, NULL, NULL, NULL))
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

static fp_error load_zip(xlsx *X, const fp_load_options *opts, fp_table **out,
                         const xlsx_cell_sink *sink)
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
        xr_nomem(X);
        goto done;
    }

    /* The workbook part: from the package relationships, else where every writer puts it. */
    zip_int64_t idx = xr_find_part(X, "_rels/.rels");
    if (idx >= 0) {
        read_rels(X, idx, "_rels/.rels");
        const rel *r = find_rel(X, NULL, "/officeDocument");
        if (r && !(book = resolve_target("", r->target))) {
            xr_nomem(X);
            goto done;
        }
    }
    if (X->err)
        goto done;
    if (!book && !(book = strdup("xl/workbook.xml"))) {
        xr_nomem(X);
        goto done;
    }
    if ((idx = xr_find_part(X, book)) < 0) {
        not_a_workbook(X, book);
        goto done;
    }
    bookx B;
    memset(&B, 0, sizeof B);
    B.c.part = book;
    B.c.start = book_start;
    B.c.end = book_end;
    xr_parse_part(X, idx, &B.c);
    if (X->err)
        goto done;
    if (X->nsheets == 0) {
        xr_fail(X, ERR_FORMAT, NULL, "%s lists no sheets", book);
        goto done;
    }

    /* Its relationships: where the sheets and the shared strings are. */
    const char *slash = strrchr(book, '/');
    size_t dirlen = slash ? (size_t)(slash - book) + 1 : 0;
    size_t n = strlen(book) + 16;
    if (!(dir = malloc(dirlen + 1)) || !(book_rels = malloc(n))) {
        xr_nomem(X);
        goto done;
    }
    memcpy(dir, book, dirlen);
    dir[dirlen] = '\0';
    snprintf(book_rels, n, "%s_rels/%s.rels", dir, book + dirlen);
    if ((idx = xr_find_part(X, book_rels)) < 0) {
        xr_fail(X, ERR_FORMAT, NULL, "part %s is missing: it says where the sheets are", book_rels);
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
            xr_nomem(X);
            goto done;
        }
    }
    const rel *sst = find_rel(X, NULL, "/sharedStrings");
    char *sst_part = sst ? resolve_target(dir, sst->target) : NULL;
    if (sst && !sst_part) {
        xr_nomem(X);
        goto done;
    }
    if (sst_part && (idx = xr_find_part(X, sst_part)) >= 0) {
        sstx S;
        memset(&S, 0, sizeof S);
        S.c.part = sst_part;
        S.c.start = sst_start;
        S.c.end = sst_end;
        xr_parse_part(X, idx, &S.c);
        free(S.text.s);
    }
    free(sst_part);
    if (X->err)
        goto done;

    if (sink) { /* every worksheet, in workbook order */
        for (size_t k = 0; k < X->nsheets && !X->err; k++)
            if (X->sheets[k].part && X->sheets[k].worksheet)
                xr_read_sheet_sink(X, k, sink);
        goto done;
    }
    size_t k = choose_sheet(X, opts);
    if (X->err)
        goto done;
    const sheet_info *si = &X->sheets[k];
    if (!si->part) {
        xr_fail(X, ERR_FORMAT, NULL, "sheet \"%s\": %s does not say where its part is", si->name,
             book_rels);
        goto done;
    }
    if (!si->worksheet) {
        xr_fail(X, ERR_FORMAT, NULL, "sheet \"%s\" is not a worksheet (a chart or dialog sheet)",
             si->name);
        goto done;
    }
    if (!(L = loader_new(X->name, opts, X->diag))) {
        xr_nomem(X);
        goto done;
    }
    loader_set_sheet(L, si->name);
    int uncached = 0;
    xr_read_sheet(X, k, L, NULL, &uncached);
    if (!X->err && uncached) {
        /* formulas without cached values: collect the sheet's cells, evaluate them exactly,
         * and read the sheet again with their values */
        loader_free(L);
        L = NULL;
        if (!(cells = xf_cells_new())) {
            xr_nomem(X);
            goto done;
        }
        xr_read_sheet(X, k, NULL, cells, NULL);
        long row = 0, col = 0;
        char why[sizeof X->diag->message];
        if (!X->err && xf_cells_eval(cells, &row, &col, why, sizeof why)) {
            char letters[4], ref[sizeof X->diag->cell];
            col_letters(col, letters);
            snprintf(ref, sizeof ref, "%s!%s%ld", si->name, letters, row);
            xr_fail(X, ERR_FORMAT, ref, "%s", why);
        }
        if (X->err)
            goto done;
        if (!(L = loader_new(X->name, opts, X->diag))) {
            xr_nomem(X);
            goto done;
        }
        loader_set_sheet(L, si->name);
        xr_read_sheet(X, k, L, cells, NULL);
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
    if (X->err && out)
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

/* The workbook at PATH or of LEN bytes at DATA, opened; NULL with *ERR set and DIAG filled. */
static zip_t *open_book(const char *path, const void *data, size_t len, const char *name,
                        fp_diag *diag, fp_error *err)
{
    return ooxml_open(path, data, len, name, "an XLSX workbook", ERR_FORMAT,
                      "; the file is damaged or truncated", diag, err);
}

/* Open the workbook (at PATH, or of LEN bytes at DATA) and load it: into *OUT with OPTS, or cell
 * by cell into SINK. */
static fp_error open_and_load(const char *path, const void *data, size_t len, const char *name,
                              const fp_load_options *opts, fp_table **out,
                              const xlsx_cell_sink *sink, fp_diag *diag)
{
    fp_error e = FP_OK;
    zip_t *za = open_book(path, data, len, name, diag, &e);
    if (!za)
        return e;
    if (!sink && zip_name_locate(za, "word/document.xml", 0) >= 0 &&
        zip_name_locate(za, "xl/workbook.xml", 0) < 0) {
        zip_discard(za); /* a Word document: its table (read/docx_table.c) */
        return docx_table_load(path, data, len, name, opts, out, diag);
    }
    xlsx X;
    memset(&X, 0, sizeof X);
    X.za = za;
    X.name = name;
    X.diag = diag;
    e = load_zip(&X, opts, out, sink);
    zip_discard(za);
    return e;
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
    return open_and_load(path, NULL, 0, path, opts, out, NULL, diag);
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
    return open_and_load(NULL, data, len, name, opts, out, NULL, diag);
}

fp_error xlsx_read_cells_memory(const void *data, size_t len, const char *name,
                                const xlsx_cell_sink *sink, fp_diag *diag)
{
    fp_diag_clear(diag);
    if (!name)
        name = "(memory)";
    if (xlsx_sniff(data, len) && ((const unsigned char *)data)[0] == 0xD0)
        return refuse_ole(name, diag);
    return open_and_load(NULL, data, len, name, NULL, NULL, sink, diag);
}
