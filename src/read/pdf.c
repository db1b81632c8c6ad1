/* read/pdf.c — read the allocation table out of a notice PDF: poppler (GLib API) gives every
 * character with its box; they become lines (by baseline) and segments (by the gaps between
 * characters) for read/layout.c, which finds the table and its columns.
 *
 * Poppler reports syntax problems through GLib's log under the "Poppler" domain; a library must
 * not print, so that domain is silenced and failures are told by the return values instead.
 *
 * poppler-glib (with GLib, cairo, NSS, fontconfig … behind it: some 50 libraries, 30 ms and 10 MB
 * at every start) is opened with dlopen when the first PDF is read, not linked: a check of a CSV
 * never loads it. Its header still types every function taken from it. */
#include <dlfcn.h>
#include <errno.h>
#include <math.h>
#include <poppler.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "read/layout.h"
#include "read/pdf.h"
#include "util/buf.h"
#include "util/utf8.h"

int pdf_sniff(const void *p, size_t len) { return len >= 5 && memcmp(p, "%PDF-", 5) == 0; }

#ifndef FENPEI_POPPLER_SONAME
#define FENPEI_POPPLER_SONAME "libpoppler-glib.so.8"
#endif

/* The functions of poppler-glib, GObject and GLib this file calls, found in the library opened
 * at run time; typed by their declarations in the headers. */
static struct {
    __typeof__(poppler_document_new_from_bytes) *document_new_from_bytes;
    __typeof__(poppler_document_get_n_pages) *document_get_n_pages;
    __typeof__(poppler_document_get_page) *document_get_page;
    __typeof__(poppler_page_get_text) *page_get_text;
    __typeof__(poppler_page_get_text_layout) *page_get_text_layout;
    __typeof__(poppler_error_quark) *error_quark;
    __typeof__(g_bytes_new_static) *bytes_new_static;
    __typeof__(g_bytes_unref) *bytes_unref;
    __typeof__(g_error_free) *error_free;
    __typeof__(g_free) *free;
    __typeof__(g_log_set_handler) *log_set_handler;
    __typeof__(g_object_unref) *object_unref;
} P;
static int P_loaded;                /* every function above was found */
static char P_why[256];             /* … else why not */
static pthread_once_t P_once = PTHREAD_ONCE_INIT;

static void quiet(const gchar *domain, GLogLevelFlags level, const gchar *message, gpointer data);

/* A function of the opened library into *FN (a function pointer: assigned through its bytes, as
 * POSIX's dlsym is meant to be used); 0, or -1 when it is missing. */
static int sym(void *lib, const char *name, void *fn)
{
    void *p = dlsym(lib, name);
    if (!p) {
        snprintf(P_why, sizeof P_why, "%s is missing from %s", name, FENPEI_POPPLER_SONAME);
        return -1;
    }
    memcpy(fn, &p, sizeof p);
    return 0;
}

static void load_poppler(void)
{
    void *lib = dlopen(FENPEI_POPPLER_SONAME, RTLD_NOW | RTLD_LOCAL);
    if (!lib) {
        const char *e = dlerror();
        snprintf(P_why, sizeof P_why, "%s", e ? e : FENPEI_POPPLER_SONAME " cannot be opened");
        return;
    }
    if (sym(lib, "poppler_document_new_from_bytes", &P.document_new_from_bytes) ||
        sym(lib, "poppler_document_get_n_pages", &P.document_get_n_pages) ||
        sym(lib, "poppler_document_get_page", &P.document_get_page) ||
        sym(lib, "poppler_page_get_text", &P.page_get_text) ||
        sym(lib, "poppler_page_get_text_layout", &P.page_get_text_layout) ||
        sym(lib, "poppler_error_quark", &P.error_quark) ||
        sym(lib, "g_bytes_new_static", &P.bytes_new_static) ||
        sym(lib, "g_bytes_unref", &P.bytes_unref) || sym(lib, "g_error_free", &P.error_free) ||
        sym(lib, "g_free", &P.free) || sym(lib, "g_log_set_handler", &P.log_set_handler) ||
        sym(lib, "g_object_unref", &P.object_unref))
        return; /* the library stays open: it cannot be used, and is not unloaded */
    P.log_set_handler("Poppler", G_LOG_LEVEL_MASK | G_LOG_FLAG_FATAL | G_LOG_FLAG_RECURSION,
                      quiet, NULL);
    P_loaded = 1;
}

static void quiet(const gchar *domain, GLogLevelFlags level, const gchar *message, gpointer data)
{
    (void)domain;
    (void)level;
    (void)message;
    (void)data;
}

/* One character on a page. */
typedef struct glyph {
    double x0, x1, y0, y1;
    size_t off, len; /* its UTF-8 bytes in the page text */
} glyph;

static int by_middle(const void *a, const void *b)
{
    const glyph *p = a, *q = b;
    double ya = (p->y0 + p->y1) / 2, yb = (q->y0 + q->y1) / 2;
    if (ya != yb)
        return ya < yb ? -1 : 1;
    return p->x0 < q->x0 ? -1 : p->x0 > q->x0;
}

static int by_x(const void *a, const void *b)
{
    const glyph *p = a, *q = b;
    return p->x0 < q->x0 ? -1 : p->x0 > q->x0;
}

static int is_space(uint32_t cp)
{
    return cp == ' ' || cp == '\n' || cp == '\r' || cp == '\t' || cp == 0xA0 || cp == 0x3000 ||
           cp == 0xFEFF || cp < 0x20;
}

/* Is glyph A a digit and B, the glyph after it, East Asian wide text (180 and 含结转)? */
static int number_then_text(const char *text, const glyph *a, const glyph *b)
{
    uint32_t ca, cb;
    utf8_decode(text + a->off, a->len, &ca);
    utf8_decode(text + b->off, b->len, &cb);
    return ca >= '0' && ca <= '9' && utf8_cp_width(cb) == 2;
}

/* Add the lines of one page (its text TEXT and one box per character) to D. */
static int add_page(lay_doc *d, int page, long *lineno, const char *text,
                    const PopplerRectangle *rects, guint nrects, size_t *count)
{
    size_t len = strlen(text), n = 0, cap = 0;
    glyph *g = NULL;
    guint k = 0;
    for (size_t i = 0; i < len && k < nrects; k++) {
        uint32_t cp;
        size_t m = utf8_decode(text + i, len - i, &cp);
        const PopplerRectangle *r = &rects[k];
        if (!is_space(cp) && r->x2 > r->x1 && r->y2 > r->y1) {
            if (buf_reserve((void **)&g, &cap, n + 1, sizeof *g)) {
                free(g);
                return -1;
            }
            g[n].x0 = r->x1;
            g[n].x1 = r->x2;
            g[n].y0 = r->y1;
            g[n].y1 = r->y2;
            g[n].off = i;
            g[n++].len = m;
        }
        i += m;
    }
    *count += n;
    qsort(g, n, sizeof *g, by_middle);
    char *buf = NULL;
    size_t bufcap = 0;
    int rc = 0;
    for (size_t a = 0; a < n && !rc;) {
        /* a line: the characters whose middles lie within half a character of the first's (of
         * the smaller of the two: a large title just above small text is another line) */
        double h = g[a].y1 - g[a].y0, mid = (g[a].y0 + g[a].y1) / 2;
        size_t b = a + 1;
        while (b < n) {
            double hb = g[b].y1 - g[b].y0;
            if ((g[b].y0 + g[b].y1) / 2 - mid > 0.5 * (hb < h ? hb : h))
                break;
            b++;
        }
        qsort(g + a, b - a, sizeof *g, by_x);
        if (lay_line(d, page, ++*lineno, mid, h)) {
            rc = -1;
            break;
        }
        /* words: a gap wider than half a character separates two segments; a narrower one
         * that is still wider than a sixth is a space between two words of one segment (glued:
         * read/layout.c tells when they are two cells); a number touching the text after it
         * (a gap of a fiftieth or more: "180含结转", a remark in the next cell) is glued to it */
        for (size_t s = a; s < b && !rc;) {
            size_t blen = 0, e = s;
            double x0 = g[s].x0, x1 = g[s].x1;
            int glue = 0;
            if (s > a) {
                double gap = g[s].x0 - g[s - 1].x1;
                glue = gap > 0.5 * h ? 0 : gap > 0.17 * h ? LAY_GLUE_SPACE : LAY_GLUE_TOUCH;
            }
            for (; e < b; e++) {
                if (e > s) {
                    double gap = g[e].x0 - g[e - 1].x1;
                    if (gap > 0.17 * h || (gap > 0.02 * h && number_then_text(text, &g[e - 1], &g[e])))
                        break;
                }
                if (buf_reserve((void **)&buf, &bufcap, blen + g[e].len, 1)) {
                    rc = -1;
                    break;
                }
                memcpy(buf + blen, text + g[e].off, g[e].len);
                blen += g[e].len;
                if (g[e].x1 > x1)
                    x1 = g[e].x1;
            }
            if (!rc && lay_word(d, x0, x1, buf, blen, glue))
                rc = -1;
            s = e;
        }
        a = b;
    }
    free(buf);
    free(g);
    return rc;
}

/* 1 when the PDF's last 1,024 bytes hold the %%EOF end marker. */
static int has_eof_marker(const unsigned char *p, size_t len)
{
    size_t from = len > 1024 ? len - 1024 : 0;
    for (size_t i = len >= 5 ? len - 5 : 0; i + 1 > from; i--) {
        if (memcmp(p + i, "%%EOF", 5) == 0)
            return 1;
        if (i == 0)
            break;
    }
    return 0;
}

/* The document in the LEN bytes at DATA (not copied: they must outlive it), opened with poppler
 * and its log messages kept off the terminal; NULL with *E set and DIAG filled when the PDF is
 * truncated, damaged or encrypted. The caller unrefs the document and then *BYTES. */
static PopplerDocument *open_doc(const void *data, size_t len, const char *name, GBytes **bytes,
                                 fp_error *e, fp_diag *diag)
{
    *bytes = NULL;
    pthread_once(&P_once, load_poppler); /* once, also with several threads reading */
    if (!P_loaded) {
        *e = diag_set(diag, FP_ERR_PDF, name, 0, NULL, NULL, 0,
                      "cannot read a PDF: the poppler-glib library cannot be used (%s)", P_why);
        return NULL;
    }
    if (!has_eof_marker(data, len)) {
        *e = diag_set(diag, FP_ERR_PDF, name, 0, NULL, NULL, 0,
                      "the PDF is truncated or damaged: it does not end with the %%%%EOF "
                      "marker (was the download or copy cut short?)");
        return NULL;
    }
    *bytes = P.bytes_new_static(data, len);
    GError *err = NULL;
    PopplerDocument *doc = P.document_new_from_bytes(*bytes, NULL, &err);
    if (!doc) {
        if (err && err->domain == P.error_quark() && err->code == POPPLER_ERROR_ENCRYPTED)
            *e = diag_set(diag, FP_ERR_PDF_ENCRYPTED, name, 0, NULL, NULL, 0,
                          "the PDF is encrypted (it needs a password to open); save a copy "
                          "without the password and read that");
        else
            *e = diag_set(diag, FP_ERR_PDF, name, 0, NULL, NULL, 0,
                          "the PDF is damaged and cannot be opened: %s",
                          err && err->message ? err->message : "unknown reason");
    }
    if (err)
        P.error_free(err);
    return doc;
}

fp_error pdf_text_memory(const void *data, size_t len, const char *name, char **text,
                         size_t *textlen, fp_diag *diag)
{
    *text = NULL;
    *textlen = 0;
    fp_diag_clear(diag);
    fp_error e = FP_OK;
    GBytes *bytes;
    PopplerDocument *doc = open_doc(data, len, name, &bytes, &e, diag);
    if (!doc) {
        if (bytes)
            P.bytes_unref(bytes);
        return e;
    }
    char *all = NULL;
    size_t n = 0, cap = 0;
    int pages = P.document_get_n_pages(doc);
    for (int p = 0; p < pages && !e; p++) {
        PopplerPage *page = P.document_get_page(doc, p);
        if (!page)
            continue;
        char *t = P.page_get_text(page);
        size_t tl = t ? strlen(t) : 0;
        if (buf_reserve((void **)&all, &cap, n + tl + 2, 1))
            e = diag_set(diag, FP_ERR_NOMEM, name, 0, NULL, NULL, 0, "out of memory");
        else {
            memcpy(all + n, t ? t : "", tl);
            n += tl;
            all[n++] = '\n';
            all[n] = '\0';
        }
        P.free(t);
        P.object_unref(page);
    }
    P.object_unref(doc);
    P.bytes_unref(bytes);
    if (!e && !all)
        e = diag_set(diag, FP_ERR_PDF_NO_TEXT, name, 0, NULL, NULL, 0, "the PDF has no pages");
    if (e) {
        free(all);
        return e;
    }
    *text = all;
    *textlen = n;
    return FP_OK;
}

fp_error pdf_load_memory(const void *data, size_t len, const char *name,
                         const fp_load_options *opts, fp_table **out, fp_diag *diag)
{
    *out = NULL;
    fp_diag_clear(diag);
    fp_load_options defaults;
    if (!opts) {
        fp_load_options_init(&defaults);
        opts = &defaults;
    }
    fp_error e = FP_OK;
    lay_doc *d = NULL;
    lay_meta meta = {0};
    GBytes *bytes;
    PopplerDocument *doc = open_doc(data, len, name, &bytes, &e, diag);
    if (!doc)
        goto done;
    if (!(d = lay_new())) {
        e = diag_set(diag, FP_ERR_NOMEM, name, 0, NULL, NULL, 0, "out of memory");
        goto done;
    }
    int pages = P.document_get_n_pages(doc);
    long lineno = 0;
    size_t chars = 0;
    for (int p = 0; p < pages && !e; p++) {
        PopplerPage *page = P.document_get_page(doc, p);
        if (!page)
            continue;
        char *text = P.page_get_text(page);
        PopplerRectangle *rects = NULL;
        guint nrects = 0;
        if (text && P.page_get_text_layout(page, &rects, &nrects) &&
            add_page(d, p, &lineno, text, rects, nrects, &chars))
            e = diag_set(diag, FP_ERR_NOMEM, name, 0, NULL, NULL, 0, "out of memory");
        P.free(rects);
        P.free(text);
        P.object_unref(page);
    }
    if (e)
        goto done;
    if (!chars) {
        e = diag_set(diag, FP_ERR_PDF_NO_TEXT, name, 0, NULL, NULL, 0,
                     "the PDF holds no text layer (its %d page%s only images: a scan?); fenpei "
                     "reads the text of a PDF and does no OCR — give the table as a workbook "
                     "or as text",
                     pages, pages == 1 ? " is" : "s are");
        goto done;
    }
    e = lay_load(d, name, 1, opts, out, &meta, diag);
    if (!e)
        lay_meta_attach(*out, &meta);
done:
    lay_meta_clear(&meta);
    lay_free(d);
    if (doc)
        P.object_unref(doc);
    if (bytes)
        P.bytes_unref(bytes);
    return e;
}

fp_error pdf_load_stream(FILE *f, const void *head, size_t headlen, const char *name,
                         const fp_load_options *opts, fp_table **out, fp_diag *diag)
{
    *out = NULL;
    size_t cap = headlen + (1u << 16), len = headlen;
    unsigned char *buf = malloc(cap);
    if (!buf)
        return diag_set(diag, FP_ERR_NOMEM, name, 0, NULL, NULL, 0, "out of memory");
    memcpy(buf, head, headlen);
    for (;;) {
        if (len == cap && buf_reserve((void **)&buf, &cap, cap * 2, 1)) {
            free(buf);
            return diag_set(diag, FP_ERR_NOMEM, name, 0, NULL, NULL, 0, "out of memory");
        }
        size_t got = fread(buf + len, 1, cap - len, f);
        if (got == 0)
            break;
        len += got;
    }
    if (ferror(f)) {
        free(buf);
        return diag_set(diag, FP_ERR_IO, name, 0, NULL, NULL, 0, "read error: %s",
                        strerror(errno));
    }
    fp_error e = pdf_load_memory(buf, len, name, opts, out, diag);
    free(buf);
    return e;
}
