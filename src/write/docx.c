/* write/docx.c — Word letters from templates: placeholders found across runs and filled in place. */
#include "fenpei/docx.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

#include "util/buf.h"
#include "write/letter_template.h"

/* One ZIP entry of the document. */
typedef struct entry {
    char *name;
    char *data;
    size_t len;
} entry;

struct fp_docx {
    char *source; /* for messages */
    entry *entries;
    size_t n, cap;
};

void fp_docx_free(fp_docx *d)
{
    if (!d)
        return;
    for (size_t i = 0; i < d->n; i++) {
        free(d->entries[i].name);
        free(d->entries[i].data);
    }
    free(d->entries);
    free(d->source);
    free(d);
}

/* The parts that hold text a letter shows: the body, headers and footers. */
static int is_text_part(const char *name)
{
    if (strcmp(name, "word/document.xml") == 0)
        return 1;
    const char *base = strncmp(name, "word/", 5) == 0 ? name + 5 : NULL;
    if (!base || strchr(base, '/'))
        return 0;
    size_t n = strlen(base);
    return n > 4 && strcmp(base + n - 4, ".xml") == 0 &&
           (strncmp(base, "header", 6) == 0 || strncmp(base, "footer", 6) == 0);
}

fp_error fp_docx_open_memory(const void *data, size_t len, const char *name, fp_docx **out,
                             fp_diag *diag)
{
    fp_diag_clear(diag);
    *out = NULL;
    const char *src = name ? name : "(memory)";
    fp_docx *d = calloc(1, sizeof *d);
    char *copy = malloc(len ? len : 1);
    if (!d || !copy || !(d->source = strdup(src))) {
        free(copy);
        fp_docx_free(d);
        return diag_set(diag, FP_ERR_NOMEM, NULL, 0, NULL, NULL, 0, "out of memory");
    }
    memcpy(copy, data, len);
    zip_error_t ze;
    zip_error_init(&ze);
    zip_source_t *zs = zip_source_buffer_create(copy, len, 1, &ze);
    zip_t *za = zs ? zip_open_from_source(zs, ZIP_RDONLY, &ze) : NULL;
    if (!za) {
        if (zs)
            zip_source_free(zs);
        else
            free(copy);
        fp_error e = diag_set(diag, FP_ERR_TEMPLATE, src, 0, NULL, NULL, 0,
                              "%s is not a Word document (.docx): %s", src, zip_error_strerror(&ze));
        zip_error_fini(&ze);
        fp_docx_free(d);
        return e;
    }
    zip_error_fini(&ze);
    fp_error err = FP_OK;
    int has_body = 0;
    zip_int64_t count = zip_get_num_entries(za, 0);
    for (zip_int64_t i = 0; i < count && !err; i++) {
        zip_stat_t st;
        if (zip_stat_index(za, (zip_uint64_t)i, 0, &st) != 0 || !(st.valid & ZIP_STAT_SIZE) ||
            !(st.valid & ZIP_STAT_NAME)) {
            err = diag_set(diag, FP_ERR_TEMPLATE, src, 0, NULL, NULL, 0,
                           "%s: a damaged ZIP entry (number %lld)", src, (long long)i);
            break;
        }
        if (st.size > (zip_uint64_t)64 << 20) {
            err = diag_set(diag, FP_ERR_TEMPLATE, src, 0, NULL, st.name, strlen(st.name),
                           "%s: part %s is larger than 64 MB", src, st.name);
            break;
        }
        if (buf_reserve((void **)&d->entries, &d->cap, d->n + 1, sizeof *d->entries)) {
            err = diag_set(diag, FP_ERR_NOMEM, NULL, 0, NULL, NULL, 0, "out of memory");
            break;
        }
        entry *e = &d->entries[d->n];
        e->name = strdup(st.name);
        e->len = (size_t)st.size;
        e->data = malloc(e->len + 1);
        if (!e->name || !e->data) {
            free(e->name);
            free(e->data);
            err = diag_set(diag, FP_ERR_NOMEM, NULL, 0, NULL, NULL, 0, "out of memory");
            break;
        }
        d->n++;
        zip_file_t *zf = zip_fopen_index(za, (zip_uint64_t)i, 0);
        zip_int64_t got = zf ? zip_fread(zf, e->data, st.size) : -1;
        if (zf)
            zip_fclose(zf);
        if (got < 0 || (zip_uint64_t)got != st.size) {
            err = diag_set(diag, FP_ERR_TEMPLATE, src, 0, NULL, st.name, strlen(st.name),
                           "%s: part %s cannot be read (damaged ZIP)", src, st.name);
            break;
        }
        e->data[e->len] = '\0';
        if (strcmp(e->name, "word/document.xml") == 0)
            has_body = 1;
        if (is_text_part(e->name) && memchr(e->data, '\0', e->len))
            err = diag_set(diag, FP_ERR_TEMPLATE, src, 0, NULL, st.name, strlen(st.name),
                           "%s: part %s is not XML text", src, st.name);
    }
    zip_close(za); /* read-only: discards, and frees the source with our copy */
    if (!err && !has_body)
        err = diag_set(diag, FP_ERR_TEMPLATE, src, 0, NULL, NULL, 0,
                       "%s is not a Word document: it has no word/document.xml", src);
    if (err) {
        fp_docx_free(d);
        return err;
    }
    *out = d;
    return FP_OK;
}

fp_error fp_docx_open_file(const char *path, fp_docx **out, fp_diag *diag)
{
    fp_diag_clear(diag);
    *out = NULL;
    FILE *f = fopen(path, "rb");
    if (!f)
        return diag_set(diag, FP_ERR_IO, path, 0, NULL, NULL, 0, "cannot open %s: %s", path,
                        strerror(errno));
    char *data = NULL;
    size_t len = 0, cap = 0;
    for (;;) {
        if (buf_reserve((void **)&data, &cap, len + 65536, 1)) {
            fclose(f);
            free(data);
            return diag_set(diag, FP_ERR_NOMEM, NULL, 0, NULL, NULL, 0, "out of memory");
        }
        size_t got = fread(data + len, 1, cap - len, f);
        len += got;
        if (got == 0)
            break;
    }
    int bad = ferror(f);
    fclose(f);
    if (bad) {
        free(data);
        return diag_set(diag, FP_ERR_IO, path, 0, NULL, NULL, 0, "cannot read %s", path);
    }
    fp_error e = fp_docx_open_memory(data, len, path, out, diag);
    free(data);
    return e;
}

fp_error fp_docx_open_default_letter(fp_docx **out, fp_diag *diag)
{
    return fp_docx_open_memory(letter_template_docx, letter_template_docx_len, "(built-in letter)",
                               out, diag);
}

/* ---- the XML of a part: paragraphs, their text nodes, placeholders ---- */

/* A w:t element: its start tag at TAG, its content [START, END) (still escaped). */
typedef struct tnode {
    size_t tag, start, end;
} tnode;

/* One paragraph [START, END) and the text nodes directly in it. */
typedef struct para {
    size_t start, end;
    size_t first, count; /* into the part's node list */
    int in_cell;
} para;

/* 1 when the element at X (just after '<') is named NAME (the name ends at space, '>' or '/'). */
static int tag_is(const char *x, const char *name)
{
    size_t n = strlen(name);
    return strncmp(x, name, n) == 0 && (x[n] == ' ' || x[n] == '>' || x[n] == '/' ||
                                        x[n] == '\t' || x[n] == '\r' || x[n] == '\n');
}

/* Decode the XML text [S, S+LEN) (entities and character references) onto B. */
static void xml_decode(strbuf *b, const char *s, size_t len)
{
    size_t i = 0;
    while (i < len) {
        const char *amp = memchr(s + i, '&', len - i);
        size_t run = amp ? (size_t)(amp - (s + i)) : len - i;
        strbuf_add(b, s + i, run);
        i += run;
        if (i >= len)
            break;
        const char *semi = memchr(s + i, ';', len - i);
        size_t n = semi ? (size_t)(semi - (s + i)) + 1 : 0;
        const char *ent = s + i;
        unsigned long cp = 0;
        if (n == 5 && strncmp(ent, "&amp;", 5) == 0)
            cp = '&';
        else if (n == 4 && strncmp(ent, "&lt;", 4) == 0)
            cp = '<';
        else if (n == 4 && strncmp(ent, "&gt;", 4) == 0)
            cp = '>';
        else if (n == 6 && strncmp(ent, "&quot;", 6) == 0)
            cp = '"';
        else if (n == 6 && strncmp(ent, "&apos;", 6) == 0)
            cp = '\'';
        else if (n > 3 && ent[1] == '#')
            cp = ent[2] == 'x' || ent[2] == 'X' ? strtoul(ent + 3, NULL, 16)
                                                : strtoul(ent + 2, NULL, 10);
        if (!cp || cp > 0x10FFFF) { /* not an entity we know: keep the text as it is */
            strbuf_add(b, "&", 1);
            i++;
            continue;
        }
        char u[4];
        size_t k;
        if (cp < 0x80)
            u[0] = (char)cp, k = 1;
        else if (cp < 0x800)
            u[0] = (char)(0xC0 | (cp >> 6)), u[1] = (char)(0x80 | (cp & 0x3F)), k = 2;
        else if (cp < 0x10000)
            u[0] = (char)(0xE0 | (cp >> 12)), u[1] = (char)(0x80 | ((cp >> 6) & 0x3F)),
            u[2] = (char)(0x80 | (cp & 0x3F)), k = 3;
        else
            u[0] = (char)(0xF0 | (cp >> 18)), u[1] = (char)(0x80 | ((cp >> 12) & 0x3F)),
            u[2] = (char)(0x80 | ((cp >> 6) & 0x3F)), u[3] = (char)(0x80 | (cp & 0x3F)), k = 4;
        strbuf_add(b, u, k);
        i += n;
    }
}

/* Escape text onto B as the content of a w:t; a '\n' ends the text node with a line break. */
static void xml_encode(strbuf *b, const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        switch (s[i]) {
        case '&': strbuf_str(b, "&amp;"); break;
        case '<': strbuf_str(b, "&lt;"); break;
        case '>': strbuf_str(b, "&gt;"); break;
        case '\r': break;
        case '\n': strbuf_str(b, "</w:t><w:br/><w:t xml:space=\"preserve\">"); break;
        default: strbuf_add(b, s + i, 1);
        }
    }
}

/* The paragraphs of a part and their text nodes, in document order (a paragraph is listed when
 * it closes, so one nested in a text box comes before the paragraph around it). */
typedef struct part_scan {
    para *paras;
    size_t nparas, pcap;
    tnode *nodes;
    size_t nnodes, ncap;
} part_scan;

static void scan_free(part_scan *s)
{
    free(s->paras);
    free(s->nodes);
    memset(s, 0, sizeof *s);
}

/* Scan XML for paragraphs and text nodes. 0, or -1 when out of memory. Text nodes of a
 * paragraph nested in another are collected apart, through a stack of open paragraphs. */
static int scan_part(const char *xml, size_t len, part_scan *s)
{
    memset(s, 0, sizeof *s);
    enum { MAX_NEST = 32 };
    size_t open_start[MAX_NEST];
    tnode *pending[MAX_NEST] = {0};
    size_t npending[MAX_NEST] = {0}, pcap[MAX_NEST] = {0};
    int depth = 0, cells = 0, rc = 0;
    size_t i = 0;
    while (i < len && !rc) {
        const char *lt = memchr(xml + i, '<', len - i);
        if (!lt)
            break;
        size_t at = (size_t)(lt - xml);
        const char *gt = memchr(lt, '>', len - at);
        if (!gt)
            break;
        size_t after = (size_t)(gt - xml) + 1;
        const char *x = lt + 1;
        int self_closing = gt[-1] == '/';
        if (tag_is(x, "w:p") && !self_closing) {
            if (depth < MAX_NEST)
                open_start[depth] = at;
            depth++;
        } else if (strncmp(x, "/w:p>", 5) == 0 && depth > 0) {
            depth--;
            if (depth < MAX_NEST) {
                if (buf_reserve((void **)&s->paras, &s->pcap, s->nparas + 1, sizeof *s->paras) ||
                    buf_reserve((void **)&s->nodes, &s->ncap, s->nnodes + npending[depth] + 1,
                                sizeof *s->nodes)) {
                    rc = -1;
                    break;
                }
                para *p = &s->paras[s->nparas++];
                p->start = open_start[depth];
                p->end = after;
                p->first = s->nnodes;
                p->count = npending[depth];
                p->in_cell = cells > 0;
                if (npending[depth])
                    memcpy(s->nodes + s->nnodes, pending[depth],
                           npending[depth] * sizeof *s->nodes);
                s->nnodes += npending[depth];
                npending[depth] = 0;
            }
        } else if (tag_is(x, "w:tc") && !self_closing) {
            cells++;
        } else if (strncmp(x, "/w:tc>", 6) == 0 && cells > 0) {
            cells--;
        } else if (tag_is(x, "w:t") && !self_closing && depth > 0 && depth <= MAX_NEST) {
            const char *close = strstr(gt + 1, "</w:t>");
            if (!close)
                break;
            int d = depth - 1;
            if (buf_reserve((void **)&pending[d], &pcap[d], npending[d] + 1, sizeof *pending[d])) {
                rc = -1;
                break;
            }
            pending[d][npending[d]++] = (tnode){at, after, (size_t)(close - xml)};
            after = (size_t)(close - xml) + 6;
        }
        i = after;
    }
    for (int k = 0; k < MAX_NEST; k++)
        free(pending[k]);
    if (rc)
        scan_free(s);
    return rc;
}

/* One change to a part: [START, END) becomes TEXT (an offset into the edit buffer). */
typedef struct edit {
    size_t start, end;
    size_t text, len;
} edit;

static int cmp_edit(const void *a, const void *b)
{
    const edit *x = a, *y = b;
    return x->start < y->start ? -1 : x->start > y->start ? 1 : x->end > y->end ? -1 : x->end < y->end;
}

typedef struct fill_ctx {
    const fp_docx_value *values;
    size_t n;
    size_t filled;
    strbuf names;     /* fp_docx_placeholders: names seen, '\n'-separated */
    int collect;      /* only collect names, change nothing */
    const char *part; /* for messages */
    const char *source;
    fp_diag *diag;
} fill_ctx;

static const fp_docx_value *find_value(const fill_ctx *c, const char *name, size_t len)
{
    for (size_t i = 0; i < c->n; i++)
        if (strlen(c->values[i].name) == len && memcmp(c->values[i].name, name, len) == 0)
            return &c->values[i];
    return NULL;
}

/* Trim ASCII and ideographic spaces around [*S, *S+*LEN). */
static void trim(const char **s, size_t *len)
{
    for (;;) {
        if (*len && (**s == ' ' || **s == '\t')) {
            (*s)++, (*len)--;
        } else if (*len >= 3 && memcmp(*s, "\u3000", 3) == 0) {
            *s += 3, *len -= 3;
        } else if (*len && ((*s)[*len - 1] == ' ' || (*s)[*len - 1] == '\t')) {
            (*len)--;
        } else if (*len >= 3 && memcmp(*s + *len - 3, "\u3000", 3) == 0) {
            *len -= 3;
        } else {
            return;
        }
    }
}

/* Note NAME once in C->names. */
static void collect_name(fill_ctx *c, const char *name, size_t len)
{
    const char *all = strbuf_get(&c->names);
    for (const char *p = all; *p;) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        if (n == len && memcmp(p, name, len) == 0)
            return;
        p += n + (nl ? 1 : 0);
    }
    if (c->names.len)
        strbuf_add(&c->names, "\n", 1);
    strbuf_add(&c->names, name, len);
}

/* Fill the placeholders of one paragraph: add the edits to EDITS/ETEXT. */
static fp_error fill_para(fill_ctx *c, const char *xml, const para *p, const tnode *nodes,
                          edit **edits, size_t *nedits, size_t *ecap, strbuf *etext)
{
    if (!p->count)
        return FP_OK;
    /* the paragraph's text, and where each node's decoded text starts in it */
    strbuf text = {0};
    size_t *at = malloc((p->count + 1) * sizeof *at);
    if (!at)
        return diag_set(c->diag, FP_ERR_NOMEM, NULL, 0, NULL, NULL, 0, "out of memory");
    for (size_t k = 0; k < p->count; k++) {
        at[k] = text.len;
        const tnode *t = &nodes[p->first + k];
        xml_decode(&text, xml + t->start, t->end - t->start);
    }
    at[p->count] = text.len;
    if (text.oom) {
        free(at);
        strbuf_free(&text);
        return diag_set(c->diag, FP_ERR_NOMEM, NULL, 0, NULL, NULL, 0, "out of memory");
    }
    const char *s = strbuf_get(&text);
    /* the new text of the paragraph, and for each of its characters the node it goes to */
    strbuf out = {0};
    size_t *owner = NULL, ocap = 0;
    size_t pos = 0;
    int changed = 0, drop = 0;
    fp_error err = FP_OK;
    while (pos < text.len && !err) {
        const char *open = strstr(s + pos, "{{");
        const char *close = open ? strstr(open + 2, "}}") : NULL;
        size_t upto = close ? (size_t)(open - s) : text.len;
        /* plain text up to the placeholder keeps its node */
        for (size_t k = pos; k < upto; k++) {
            if (buf_reserve((void **)&owner, &ocap, out.len + 1, sizeof *owner)) {
                err = FP_ERR_NOMEM;
                break;
            }
            size_t node = 0;
            while (node + 1 < p->count && at[node + 1] <= k)
                node++;
            owner[out.len] = node;
            strbuf_add(&out, s + k, 1);
        }
        if (!close || err)
            break;
        const char *name = open + 2;
        size_t nlen = (size_t)(close - name);
        trim(&name, &nlen);
        /* the value takes the run of the name's first character: "{{" may sit in a plain run
         * before a bold name */
        size_t node = 0;
        size_t start = nlen ? (size_t)(name - s) : (size_t)(open - s);
        while (node + 1 < p->count && at[node + 1] <= start)
            node++;
        if (c->collect) {
            collect_name(c, name, nlen);
        } else {
            const fp_docx_value *v = find_value(c, name, nlen);
            if (!v) {
                err = diag_set(c->diag, FP_ERR_TEMPLATE, c->source, 0, NULL, name, nlen,
                               "%s: %s: unknown placeholder {{%.*s}}; known ones are listed in "
                               "docs/package.md",
                               c->source, c->part, (int)nlen, name);
                break;
            }
            if (!v->value)
                drop = 1;
            const char *val = v->value ? v->value : "";
            size_t vlen = strlen(val);
            if (buf_reserve((void **)&owner, &ocap, out.len + vlen + 1, sizeof *owner)) {
                err = FP_ERR_NOMEM;
                break;
            }
            for (size_t k = 0; k < vlen; k++)
                owner[out.len + k] = node;
            strbuf_add(&out, val, vlen);
            changed = 1;
            c->filled++;
        }
        pos = (size_t)(close - s) + 2;
    }
    if (err == FP_ERR_NOMEM || out.oom)
        err = diag_set(c->diag, FP_ERR_NOMEM, NULL, 0, NULL, NULL, 0, "out of memory");
    if (!err && changed && drop && !p->in_cell) {
        /* the paragraph goes: a sentence about something not given is left out */
        if (buf_reserve((void **)edits, ecap, *nedits + 1, sizeof **edits))
            err = diag_set(c->diag, FP_ERR_NOMEM, NULL, 0, NULL, NULL, 0, "out of memory");
        else
            (*edits)[(*nedits)++] = (edit){p->start, p->end, etext->len, 0};
    } else if (!err && changed) {
        /* each node gets the new characters it owns; its start tag keeps spaces */
        size_t k0 = 0;
        for (size_t node = 0; node < p->count && !err; node++) {
            size_t k1 = k0;
            while (k1 < out.len && owner[k1] == node)
                k1++;
            const tnode *t = &nodes[p->first + node];
            size_t off = etext->len;
            strbuf_str(etext, "<w:t xml:space=\"preserve\">");
            xml_encode(etext, strbuf_get(&out) + k0, k1 - k0);
            if (buf_reserve((void **)edits, ecap, *nedits + 1, sizeof **edits) || etext->oom)
                err = diag_set(c->diag, FP_ERR_NOMEM, NULL, 0, NULL, NULL, 0, "out of memory");
            else
                (*edits)[(*nedits)++] = (edit){t->tag, t->end, off, etext->len - off};
            k0 = k1;
        }
    }
    free(owner);
    free(at);
    strbuf_free(&out);
    strbuf_free(&text);
    return err;
}

/* Fill (or, with C->collect, only list) the placeholders of entry E. */
static fp_error fill_entry(fill_ctx *c, entry *e)
{
    part_scan s;
    if (scan_part(e->data, e->len, &s))
        return diag_set(c->diag, FP_ERR_NOMEM, NULL, 0, NULL, NULL, 0, "out of memory");
    c->part = e->name;
    edit *edits = NULL;
    size_t nedits = 0, ecap = 0;
    strbuf etext = {0};
    fp_error err = FP_OK;
    for (size_t i = 0; i < s.nparas && !err; i++)
        err = fill_para(c, e->data, &s.paras[i], s.nodes, &edits, &nedits, &ecap, &etext);
    if (!err && nedits) {
        qsort(edits, nedits, sizeof *edits, cmp_edit);
        strbuf out = {0};
        size_t pos = 0;
        for (size_t i = 0; i < nedits; i++) {
            if (edits[i].start < pos) /* inside a paragraph already left out */
                continue;
            strbuf_add(&out, e->data + pos, edits[i].start - pos);
            strbuf_add(&out, strbuf_get(&etext) + edits[i].text, edits[i].len);
            pos = edits[i].end;
        }
        strbuf_add(&out, e->data + pos, e->len - pos);
        if (out.oom) {
            strbuf_free(&out);
            err = diag_set(c->diag, FP_ERR_NOMEM, NULL, 0, NULL, NULL, 0, "out of memory");
        } else {
            free(e->data);
            e->data = out.data;
            e->len = out.len;
        }
    }
    free(edits);
    strbuf_free(&etext);
    scan_free(&s);
    return err;
}

fp_error fp_docx_fill(fp_docx *d, const fp_docx_value *values, size_t n, size_t *filled,
                      fp_diag *diag)
{
    fp_diag_clear(diag);
    fill_ctx c = {values, n, 0, {0}, 0, NULL, d->source, diag};
    fp_error err = FP_OK;
    /* check every part first, so that an unknown placeholder changes nothing */
    fill_ctx probe = {values, n, 0, {0}, 1, NULL, d->source, diag};
    for (size_t i = 0; i < d->n && !err; i++)
        if (is_text_part(d->entries[i].name))
            err = fill_entry(&probe, &d->entries[i]);
    for (const char *p = strbuf_get(&probe.names); !err && *p;) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        if (!find_value(&c, p, len))
            err = diag_set(diag, FP_ERR_TEMPLATE, d->source, 0, NULL, p, len,
                           "%s: unknown placeholder {{%.*s}}; the known ones are listed in "
                           "docs/package.md",
                           d->source, (int)len, p);
        p += len + (nl ? 1 : 0);
    }
    if (!err && probe.names.oom)
        err = diag_set(diag, FP_ERR_NOMEM, NULL, 0, NULL, NULL, 0, "out of memory");
    strbuf_free(&probe.names);
    for (size_t i = 0; i < d->n && !err; i++)
        if (is_text_part(d->entries[i].name))
            err = fill_entry(&c, &d->entries[i]);
    if (filled)
        *filled = c.filled;
    return err;
}

fp_error fp_docx_placeholders(const fp_docx *d, char **out, fp_diag *diag)
{
    fp_diag_clear(diag);
    *out = NULL;
    fill_ctx c = {NULL, 0, 0, {0}, 1, NULL, d->source, diag};
    fp_error err = FP_OK;
    for (size_t i = 0; i < d->n && !err; i++)
        if (is_text_part(d->entries[i].name))
            err = fill_entry(&c, &d->entries[i]); /* collect: changes nothing */
    if (!err && (c.names.oom || !(*out = strdup(strbuf_get(&c.names)))))
        err = diag_set(diag, FP_ERR_NOMEM, NULL, 0, NULL, NULL, 0, "out of memory");
    strbuf_free(&c.names);
    return err;
}

fp_error fp_docx_text(const fp_docx *d, char **out, fp_diag *diag)
{
    fp_diag_clear(diag);
    *out = NULL;
    const entry *body = NULL;
    for (size_t i = 0; i < d->n; i++)
        if (strcmp(d->entries[i].name, "word/document.xml") == 0)
            body = &d->entries[i];
    if (!body)
        return diag_set(diag, FP_ERR_TEMPLATE, d->source, 0, NULL, NULL, 0,
                        "%s has no word/document.xml", d->source);
    part_scan s;
    if (scan_part(body->data, body->len, &s))
        return diag_set(diag, FP_ERR_NOMEM, NULL, 0, NULL, NULL, 0, "out of memory");
    /* paragraphs are listed as they close; document order is by start */
    strbuf text = {0};
    size_t *order = malloc((s.nparas ? s.nparas : 1) * sizeof *order);
    if (order) {
        for (size_t i = 0; i < s.nparas; i++)
            order[i] = i;
        for (size_t i = 1; i < s.nparas; i++) /* nearly sorted already: insertion sort */
            for (size_t j = i; j > 0 && s.paras[order[j - 1]].start > s.paras[order[j]].start; j--) {
                size_t tmp = order[j];
                order[j] = order[j - 1];
                order[j - 1] = tmp;
            }
        for (size_t i = 0; i < s.nparas; i++) {
            const para *p = &s.paras[order[i]];
            for (size_t k = 0; k < p->count; k++) {
                const tnode *t = &s.nodes[p->first + k];
                xml_decode(&text, body->data + t->start, t->end - t->start);
            }
            strbuf_add(&text, "\n", 1);
        }
        strbuf_add(&text, "", 0);
    }
    free(order);
    scan_free(&s);
    if (!order || text.oom) {
        strbuf_free(&text);
        return diag_set(diag, FP_ERR_NOMEM, NULL, 0, NULL, NULL, 0, "out of memory");
    }
    *out = text.data ? text.data : strdup("");
    return *out ? FP_OK : diag_set(diag, FP_ERR_NOMEM, NULL, 0, NULL, NULL, 0, "out of memory");
}

fp_error fp_docx_write(const fp_docx *d, const char *path, fp_diag *diag)
{
    fp_diag_clear(diag);
    int zerr = 0;
    zip_t *za = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &zerr);
    if (!za) {
        zip_error_t ze;
        zip_error_init_with_code(&ze, zerr);
        fp_error e = diag_set(diag, FP_ERR_IO, path, 0, NULL, NULL, 0, "cannot create %s: %s",
                              path, zip_error_strerror(&ze));
        zip_error_fini(&ze);
        return e;
    }
    fp_error err = FP_OK;
    for (size_t i = 0; i < d->n && !err; i++) {
        const entry *e = &d->entries[i];
        zip_source_t *zs = zip_source_buffer(za, e->data, e->len, 0);
        zip_int64_t idx = zs ? zip_file_add(za, e->name, zs, ZIP_FL_ENC_UTF_8) : -1;
        if (idx < 0) {
            if (zs)
                zip_source_free(zs);
            err = diag_set(diag, FP_ERR_IO, path, 0, NULL, NULL, 0, "cannot write %s: %s", path,
                           zip_strerror(za));
            break;
        }
        /* 1980-01-01 00:00, the earliest DOS date: the same bytes on every run */
        if (zip_file_set_dostime(za, (zip_uint64_t)idx, 0, (1 << 5) | 1, 0) != 0 ||
            zip_set_file_compression(za, (zip_uint64_t)idx, ZIP_CM_DEFLATE, 6) != 0)
            err = diag_set(diag, FP_ERR_IO, path, 0, NULL, NULL, 0, "cannot write %s: %s", path,
                           zip_strerror(za));
    }
    if (err) {
        zip_discard(za);
        return err;
    }
    if (zip_close(za) != 0) {
        err = diag_set(diag, FP_ERR_IO, path, 0, NULL, NULL, 0, "cannot write %s: %s", path,
                       zip_strerror(za));
        zip_discard(za);
    }
    return err;
}
