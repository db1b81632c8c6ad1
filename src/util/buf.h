/* util/buf.h — small growable arrays and a string pool (private). */
#ifndef FENPEI_UTIL_BUF_H
#define FENPEI_UTIL_BUF_H

#include <stdarg.h>
#include <stddef.h>

#include "fenpei/amount.h"
#include "fenpei/error.h"

/* Grow *PTR (of *CAP elements of SIZE bytes) to hold at least NEED elements. 0 or -1. */
int buf_reserve(void **ptr, size_t *cap, size_t need, size_t size);

/* Resize the block *PTR (its first USED bytes kept) to BYTES, for a big array that will be
 * written from the start: of a block of 4 MiB or more, the first SURE bytes (those certain to
 * be written) are asked of the kernel as 2 MiB pages. Every first touch of a 4 KiB page costs a
 * trap (on a virtual machine, a much dearer one), so a million-row column of 8 MB costs 2,000
 * traps in small pages and 4 in huge ones; a huge page partly written is resident whole, hence
 * SURE. A small block, or SURE under 2 MiB, is a plain realloc. 0 or -1 (*PTR unchanged). */
int buf_resize_big(void **ptr, size_t used, size_t bytes, size_t sure);

/* A string pool: NUL-terminated strings appended one after another; offsets stay valid. */
typedef struct strpool {
    char *data;
    size_t len, cap;
} strpool;

/* Append LEN bytes of S and a NUL; the offset of the copy goes to *OFF. 0 or -1. */
int strpool_add(strpool *p, const char *s, size_t len, size_t *off);
static inline const char *strpool_get(const strpool *p, size_t off) { return p->data + off; }
void strpool_free(strpool *p);

/* The one string builder: a growable NUL-terminated string that never truncates. A failed
 * append sets OOM and leaves the text as it was; check OOM once at the end. Zero-initialise;
 * free with strbuf_free (or hand the text on with strbuf_take). */
typedef struct strbuf {
    char *data; /* NULL until the first append */
    size_t len, cap;
    int oom;
} strbuf;

void strbuf_add(strbuf *b, const char *s, size_t len);
void strbuf_str(strbuf *b, const char *s);
void strbuf_printf(strbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* An amount as its exact decimal text ("3327", "-5141.32"). */
void strbuf_amount(strbuf *b, fp_amount v);
/* Empty the text, keeping the memory (and OOM) for the next one. */
void strbuf_reset(strbuf *b);
/* The text as a string of its own (malloc'd; "" when nothing was appended), or NULL after a
 * failed append; either way B is empty and zeroed afterwards. */
char *strbuf_take(strbuf *b);
/* The text so far ("" before any append); owned by B. */
static inline const char *strbuf_get(const strbuf *b) { return b->data ? b->data : ""; }
void strbuf_free(strbuf *b);

/* Fill DIAG (may be NULL) with CODE, the location, and a printf-formatted message. Returns CODE. */
fp_error diag_set(fp_diag *diag, fp_error code, const char *file, long line, const char *column,
                  const char *text, size_t text_len, const char *fmt, ...)
    __attribute__((format(printf, 8, 9)));

/* FNV-1a hash of LEN bytes. */
static inline size_t hash_bytes(const char *s, size_t len)
{
    size_t h = (size_t)14695981039346656037ULL;
    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)s[i];
        h *= (size_t)1099511628211ULL;
    }
    return h;
}

#endif
