/* read/docx.c — read the body of a Word .docx: paragraphs and tables (grid of cell texts).
 *
 * libzip opens the container, expat streams the main part (word/document.xml, or whatever
 * _rels/.rels names as the office document). Only w:t text is kept (w:delText, field codes and
 * the Fallback copy of alternate content are not), w:tab becomes '\t' and w:br/w:cr '\n'.
 * Tables become a grid: a cell spanning columns (w:gridSpan) or continuing a vertical merge
 * (w:vMerge) leaves empty positions, as the table reads when copied out as text. */
#include "read/docx.h"

#include <errno.h>
#include <expat.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

#include "read/ooxml.h"
#include "util/buf.h"

#define PART_LIMIT ((zip_uint64_t)1 << 28) /* refuse a main part larger than this uncompressed */
#define DEPTH_LIMIT 256                     /* refuse XML nested deeper than this */
#define SPAN_LIMIT 1000                     /* Word allows 63 columns; refuse absurd spans */
#define CHUNK 65536

/* A cell while the table is being read: offsets into the pool, made pointers at the end. */
typedef struct pcell {
    size_t text; /* offset in the pool */
    unsigned span;
    int vmerge;
} pcell;

typedef struct prow {
    pcell *cells;
    size_t n, cap;
    unsigned before; /* w:gridBefore */
} prow;

typedef struct pblock {
    int is_table;
    size_t text; /* paragraph: offset in the pool */
    prow *rows;
    size_t nrows, rowcap;
} pblock;

struct docx {
    docx_block *blocks;
    size_t n;
    strpool pool;
    docx_cell **grids; /* one per table block, freed with it */
};

typedef struct reader {
    const char *name;
    fp_diag *diag;
    fp_error err;
    XML_Parser p;
    int depth;
    int stopped;
    pblock *blocks;
    size_t nblocks, blockcap;
    strpool pool;
    /* text being gathered */
    char *para;   /* the current paragraph (or cell) text */
    size_t plen, pcap;
    char *cell;   /* the current top-level cell's text */
    size_t clen, ccap;
    int in_t;      /* inside w:t */
    int in_p;      /* w:p nesting (text boxes put paragraphs inside paragraphs) */
    int in_tabs;   /* inside w:tabs (tab stops, not tab characters) */
    int fallback;  /* depth inside mc:Fallback (ignored) */
    int tbl;       /* w:tbl nesting */
    int in_tc;     /* inside a top-level w:tc */
    pcell curcell;
    /* the relationships pass */
    char *main_part;
} reader;

static void fail(reader *R, fp_error code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void fail(reader *R, fp_error code, const char *fmt, ...)
{
    if (R->err)
        return;
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    R->err = diag_set(R->diag, code, R->name, 0, NULL, NULL, 0, "%s", msg);
    if (R->p && !R->stopped) {
        XML_StopParser(R->p, XML_FALSE);
        R->stopped = 1;
    }
}

static void nomem(reader *R) { fail(R, FP_ERR_NOMEM, "out of memory while reading the document"); }

static int add_text(reader *R, char **s, size_t *len, size_t *cap, const char *t, size_t n)
{
    if (buf_reserve((void **)s, cap, *len + n + 1, 1)) {
        nomem(R);
        return -1;
    }
    memcpy(*s + *len, t, n);
    *len += n;
    (*s)[*len] = '\0';
    return 0;
}


/* The value of the attribute with local name LOCAL (any namespace), or NULL. */
static const char *attr(const char **attrs, const char *local)
{
    for (size_t i = 0; attrs[i]; i += 2)
        if (strcmp(ooxml_local_name(attrs[i]), local) == 0)
            return attrs[i + 1];
    return NULL;
}

static unsigned attr_uint(reader *R, const char **attrs, const char *local, unsigned dflt)
{
    const char *v = attr(attrs, local);
    if (!v || !*v)
        return dflt;
    char *end;
    errno = 0;
    unsigned long x = strtoul(v, &end, 10);
    if (*end || errno || x > SPAN_LIMIT || v[0] == '-') {
        fail(R, FP_ERR_DOCX, "line %lu: w:%s=\"%s\": expected a column count from 0 to %d",
             (unsigned long)XML_GetCurrentLineNumber(R->p), local, v, SPAN_LIMIT);
        return dflt;
    }
    return (unsigned)x;
}

static pblock *new_block(reader *R)
{
    if (buf_reserve((void **)&R->blocks, &R->blockcap, R->nblocks + 1, sizeof *R->blocks)) {
        nomem(R);
        return NULL;
    }
    pblock *b = &R->blocks[R->nblocks++];
    memset(b, 0, sizeof *b);
    return b;
}

static void doc_start(void *ud, const XML_Char *name, const XML_Char **attrs)
{
    reader *R = ud;
    if (R->stopped)
        return;
    if (++R->depth > DEPTH_LIMIT) {
        fail(R, FP_ERR_DOCX, "line %lu: XML nested more than %d elements deep; refused",
             (unsigned long)XML_GetCurrentLineNumber(R->p), DEPTH_LIMIT);
        return;
    }
    const char *l = ooxml_local_name(name);
    if (R->fallback) {
        R->fallback++;
        return;
    }
    if (strcmp(l, "Fallback") == 0) {
        R->fallback = 1;
        return;
    }
    if (strcmp(l, "t") == 0) {
        R->in_t = 1;
    } else if (strcmp(l, "p") == 0) {
        if (R->in_p++ == 0)
            R->plen = 0;
    } else if (strcmp(l, "tabs") == 0) {
        R->in_tabs = 1;
    } else if (strcmp(l, "tab") == 0 && R->in_p && !R->in_tabs) {
        add_text(R, &R->para, &R->plen, &R->pcap, "\t", 1);
    } else if ((strcmp(l, "br") == 0 || strcmp(l, "cr") == 0) && R->in_p) {
        add_text(R, &R->para, &R->plen, &R->pcap, "\n", 1);
    } else if (strcmp(l, "tbl") == 0) {
        if (R->tbl++ == 0) {
            pblock *b = new_block(R);
            if (b)
                b->is_table = 1;
        }
    } else if (R->tbl == 1 && strcmp(l, "tr") == 0) {
        pblock *b = &R->blocks[R->nblocks - 1];
        if (buf_reserve((void **)&b->rows, &b->rowcap, b->nrows + 1, sizeof *b->rows)) {
            nomem(R);
            return;
        }
        memset(&b->rows[b->nrows++], 0, sizeof *b->rows);
    } else if (R->tbl == 1 && strcmp(l, "gridBefore") == 0) {
        pblock *b = &R->blocks[R->nblocks - 1];
        if (b->nrows)
            b->rows[b->nrows - 1].before = attr_uint(R, attrs, "val", 0);
    } else if (R->tbl == 1 && strcmp(l, "tc") == 0) {
        R->in_tc = 1;
        R->clen = 0;
        if (R->cell)
            R->cell[0] = '\0';
        R->curcell.span = 1;
        R->curcell.vmerge = 0;
    } else if (R->tbl == 1 && R->in_tc && strcmp(l, "gridSpan") == 0) {
        unsigned s = attr_uint(R, attrs, "val", 1);
        R->curcell.span = s ? s : 1;
    } else if (R->tbl == 1 && R->in_tc && strcmp(l, "vMerge") == 0) {
        const char *v = attr(attrs, "val");
        R->curcell.vmerge = v && strcmp(v, "restart") == 0 ? 1 : 2;
    }
}

/* The end of a paragraph: a block of its own, or a line of the cell it is in. */
static void end_paragraph(reader *R)
{
    if (R->tbl == 0) {
        pblock *b = new_block(R);
        if (b && strpool_add(&R->pool, R->para ? R->para : "", R->plen, &b->text))
            nomem(R);
    } else if (R->in_tc) {
        if (R->clen)
            add_text(R, &R->cell, &R->clen, &R->ccap, "\n", 1);
        add_text(R, &R->cell, &R->clen, &R->ccap, R->para ? R->para : "", R->plen);
    }
    R->plen = 0;
}

static void doc_end(void *ud, const XML_Char *name)
{
    reader *R = ud;
    if (R->stopped)
        return;
    R->depth--;
    if (R->fallback) {
        R->fallback--;
        return;
    }
    const char *l = ooxml_local_name(name);
    if (strcmp(l, "t") == 0) {
        R->in_t = 0;
    } else if (strcmp(l, "tabs") == 0) {
        R->in_tabs = 0;
    } else if (strcmp(l, "p") == 0) {
        if (R->in_p > 0 && --R->in_p == 0)
            end_paragraph(R);
    } else if (strcmp(l, "tbl") == 0) {
        if (R->tbl > 0)
            R->tbl--;
    } else if (R->tbl == 1 && strcmp(l, "tc") == 0 && R->in_tc) {
        R->in_tc = 0;
        pblock *b = &R->blocks[R->nblocks - 1];
        if (!b->nrows) { /* a w:tc outside any w:tr: give it a row */
            if (buf_reserve((void **)&b->rows, &b->rowcap, 1, sizeof *b->rows)) {
                nomem(R);
                return;
            }
            memset(&b->rows[b->nrows++], 0, sizeof *b->rows);
        }
        prow *r = &b->rows[b->nrows - 1];
        if (buf_reserve((void **)&r->cells, &r->cap, r->n + 1, sizeof *r->cells)) {
            nomem(R);
            return;
        }
        pcell c = R->curcell;
        if (strpool_add(&R->pool, R->cell ? R->cell : "", R->clen, &c.text)) {
            nomem(R);
            return;
        }
        r->cells[r->n++] = c;
    }
}

static void doc_text(void *ud, const XML_Char *s, int len)
{
    reader *R = ud;
    if (R->stopped || !R->in_t || R->fallback || len <= 0)
        return;
    add_text(R, &R->para, &R->plen, &R->pcap, s, (size_t)len);
}

static void rels_start(void *ud, const XML_Char *name, const XML_Char **attrs)
{
    reader *R = ud;
    if (R->stopped || R->main_part || strcmp(ooxml_local_name(name), "Relationship") != 0)
        return;
    const char *type = attr(attrs, "Type"), *target = attr(attrs, "Target");
    size_t n = type ? strlen(type) : 0;
    if (!target || n < 15 || strcmp(type + n - 15, "/officeDocument") != 0)
        return;
    while (*target == '/')
        target++;
    R->main_part = strdup(target);
    if (!R->main_part)
        nomem(R);
}

static void rels_end(void *ud, const XML_Char *name) { (void)ud, (void)name; }

/* Word parts never have a DTD; refusing one also keeps entity expansion out. */
static void on_doctype(void *ud, const XML_Char *name, const XML_Char *sysid,
                       const XML_Char *pubid, int has_internal)
{
    (void)name, (void)sysid, (void)pubid, (void)has_internal;
    reader *R = ud;
    fail(R, FP_ERR_DOCX, "line %lu: a DOCTYPE declaration; Word documents have none",
         (unsigned long)XML_GetCurrentLineNumber(R->p));
}

/* Stream the entry PART of ZA through expat with START/END (and the text handler for the body). */
static void parse_part(reader *R, zip_t *za, const char *part, XML_StartElementHandler start,
                       XML_EndElementHandler end, int body)
{
    zip_int64_t idx = ooxml_find_part(za, part);
    if (idx < 0) {
        if (body)
            fail(R, FP_ERR_DOCX, "no part %s: not a Word document (.docx)", part);
        return;
    }
    char *chunk = malloc(CHUNK);
    XML_Parser p = chunk ? XML_ParserCreateNS(NULL, ' ') : NULL;
    if (!p) {
        free(chunk);
        nomem(R);
        return;
    }
    R->p = p;
    R->stopped = 0;
    R->depth = 0;
    XML_SetUserData(p, R);
    XML_SetElementHandler(p, start, end);
    if (body)
        XML_SetCharacterDataHandler(p, doc_text);
    XML_SetStartDoctypeDeclHandler(p, on_doctype);
    char msg[512];
    if (ooxml_parse_part(za, idx, part, p, chunk, CHUNK, PART_LIMIT, &R->stopped, msg, sizeof msg))
        fail(R, FP_ERR_DOCX, "%s", msg);
    R->p = NULL;
    XML_ParserFree(p);
    free(chunk);
}

/* Lay the rows of table block B out on a grid; the cell texts still hold pool offsets. */
static docx_cell *make_grid(reader *R, const pblock *b, size_t *cols)
{
    size_t w = 0;
    for (size_t i = 0; i < b->nrows; i++) {
        size_t x = b->rows[i].before;
        for (size_t k = 0; k < b->rows[i].n; k++)
            x += b->rows[i].cells[k].span;
        if (x > w)
            w = x;
    }
    *cols = w;
    if (!w || !b->nrows)
        return NULL;
    docx_cell *g = calloc(b->nrows * w, sizeof *g);
    if (!g) {
        nomem(R);
        return NULL;
    }
    size_t empty;
    if (strpool_add(&R->pool, "", 0, &empty)) {
        free(g);
        nomem(R);
        return NULL;
    }
    for (size_t i = 0; i < b->nrows; i++) {
        for (size_t j = 0; j < w; j++) {
            g[i * w + j].text = (const char *)(uintptr_t)empty;
            g[i * w + j].span = 1;
        }
        size_t x = b->rows[i].before;
        for (size_t k = 0; k < b->rows[i].n; k++) {
            const pcell *c = &b->rows[i].cells[k];
            docx_cell *d = &g[i * w + x];
            d->text = (const char *)(uintptr_t)c->text;
            d->origin = 1;
            d->span = c->span;
            d->vmerge = c->vmerge;
            x += c->span;
        }
    }
    return g;
}

static void free_reader(reader *R)
{
    for (size_t i = 0; i < R->nblocks; i++) {
        for (size_t k = 0; k < R->blocks[i].nrows; k++)
            free(R->blocks[i].rows[k].cells);
        free(R->blocks[i].rows);
    }
    free(R->blocks);
    free(R->para);
    free(R->cell);
    free(R->main_part);
    strpool_free(&R->pool);
}

static fp_error read_zip(zip_t *za, const char *name, docx **out, fp_diag *diag)
{
    reader R;
    memset(&R, 0, sizeof R);
    R.name = name;
    R.diag = diag;
    parse_part(&R, za, "_rels/.rels", rels_start, rels_end, 0);
    R.err = FP_OK; /* a damaged .rels: fall back on the usual name */
    fp_diag_clear(diag);
    const char *main_part = R.main_part ? R.main_part : "word/document.xml";
    if (strncmp(main_part, "xl/", 3) == 0 ||
        (!R.main_part && zip_name_locate(za, "xl/workbook.xml", ZIP_FL_NOCASE) >= 0))
        fail(&R, FP_ERR_DOCX, "an XLSX workbook, not a Word document (.docx)");
    else if (strncmp(main_part, "ppt/", 4) == 0)
        fail(&R, FP_ERR_DOCX, "a PowerPoint presentation, not a Word document (.docx)");
    if (!R.err)
        parse_part(&R, za, main_part, doc_start, doc_end, 1);
    docx *d = NULL;
    if (!R.err) {
        d = calloc(1, sizeof *d);
        if (d && R.nblocks) {
            d->blocks = calloc(R.nblocks, sizeof *d->blocks);
            d->grids = calloc(R.nblocks, sizeof *d->grids);
        }
        if (!d || (R.nblocks && (!d->blocks || !d->grids)))
            nomem(&R);
    }
    for (size_t i = 0; !R.err && i < R.nblocks; i++) {
        const pblock *b = &R.blocks[i];
        docx_block *o = &d->blocks[i];
        o->is_table = b->is_table;
        o->text = (const char *)(uintptr_t)b->text;
        if (b->is_table) {
            d->grids[i] = make_grid(&R, b, &o->cols);
            o->rows = d->grids[i] ? b->nrows : 0;
            if (!d->grids[i])
                o->cols = 0;
        }
        d->n = i + 1;
    }
    if (R.err) {
        if (d) {
            for (size_t i = 0; i < d->n; i++)
                free(d->grids[i]);
            free(d->grids);
            free(d->blocks);
            free(d);
        }
        free_reader(&R);
        return R.err;
    }
    /* the pool no longer grows: offsets become pointers */
    d->pool = R.pool;
    memset(&R.pool, 0, sizeof R.pool);
    for (size_t i = 0; i < d->n; i++) {
        docx_block *o = &d->blocks[i];
        if (o->is_table) {
            o->text = "";
            for (size_t k = 0; k < o->rows * o->cols; k++)
                d->grids[i][k].text = d->pool.data + (uintptr_t)d->grids[i][k].text;
            o->cells = d->grids[i];
        } else {
            o->text = d->pool.data + (uintptr_t)o->text;
        }
    }
    free_reader(&R);
    *out = d;
    return FP_OK;
}

/* Open the document (at PATH, or of LEN bytes at DATA) and read it into *OUT. */
static fp_error open_and_read(const char *path, const void *data, size_t len, const char *name,
                              docx **out, fp_diag *diag)
{
    *out = NULL;
    fp_diag_clear(diag);
    fp_error e = FP_OK;
    zip_t *za = ooxml_open(path, data, len, name, "a Word document", FP_ERR_DOCX,
                           "; the file is damaged, truncated or not a .docx", diag, &e);
    if (!za)
        return e;
    e = read_zip(za, name, out, diag);
    zip_discard(za);
    return e;
}

fp_error docx_open_file(const char *path, docx **out, fp_diag *diag)
{
    return open_and_read(path, NULL, 0, path, out, diag);
}

fp_error docx_open_memory(const void *data, size_t len, const char *name, docx **out,
                          fp_diag *diag)
{
    return open_and_read(NULL, data, len, name ? name : "(memory)", out, diag);
}

int docx_sniff_zip(const void *p, size_t len)
{
    const unsigned char *s = p;
    return len >= 4 && s[0] == 'P' && s[1] == 'K' && s[2] == 3 && s[3] == 4;
}

size_t docx_block_count(const docx *d) { return d ? d->n : 0; }

const docx_block *docx_block_at(const docx *d, size_t i)
{
    return d && i < d->n ? &d->blocks[i] : NULL;
}

const docx_cell *docx_cell_at(const docx_block *b, size_t row, size_t col)
{
    if (!b || !b->is_table || row >= b->rows || col >= b->cols)
        return NULL;
    return &b->cells[row * b->cols + col];
}

void docx_free(docx *d)
{
    if (!d)
        return;
    for (size_t i = 0; i < d->n; i++)
        free(d->grids[i]);
    free(d->grids);
    free(d->blocks);
    strpool_free(&d->pool);
    free(d);
}
