/* util/buf.c — growable arrays, the string pool, and filling diagnostics. */
#define _DEFAULT_SOURCE /* madvise(MADV_HUGEPAGE) */
#include "util/buf.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define HUGE_PAGE ((size_t)2 << 20)

int buf_resize_big(void **ptr, size_t used, size_t bytes, size_t sure)
{
    if (sure < HUGE_PAGE || bytes < 2 * HUGE_PAGE) {
        void *p = realloc(*ptr, bytes ? bytes : 1);
        if (!p)
            return -1;
        *ptr = p;
        return 0;
    }
    void *p = NULL;
    if (posix_memalign(&p, HUGE_PAGE, bytes))
        return -1;
#ifdef MADV_HUGEPAGE
    if (sure > bytes)
        sure = bytes;
    size_t h = sure / HUGE_PAGE * HUGE_PAGE;
    (void)madvise(p, h, MADV_HUGEPAGE); /* advice: may be refused */
    /* the rest in small pages even where every big block gets huge ones (THP "always") */
    (void)madvise((char *)p + h, bytes - h, MADV_NOHUGEPAGE);
#endif
    if (used)
        memcpy(p, *ptr, used);
    free(*ptr);
    *ptr = p;
    return 0;
}

int buf_reserve(void **ptr, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return 0;
    size_t n = *cap ? *cap : 16;
    while (n < need) {
        if (n > SIZE_MAX / 2 / size)
            return -1;
        n *= 2;
    }
    void *p = realloc(*ptr, n * size);
    if (!p)
        return -1;
    *ptr = p;
    *cap = n;
    return 0;
}

int strpool_add(strpool *p, const char *s, size_t len, size_t *off)
{
    if (len > SIZE_MAX - p->len - 1)
        return -1;
    if (buf_reserve((void **)&p->data, &p->cap, p->len + len + 1, 1))
        return -1;
    if (len)
        memcpy(p->data + p->len, s, len);
    p->data[p->len + len] = '\0';
    *off = p->len;
    p->len += len + 1;
    return 0;
}

void strpool_free(strpool *p)
{
    free(p->data);
    p->data = NULL;
    p->len = p->cap = 0;
}

void strbuf_add(strbuf *b, const char *s, size_t len)
{
    if (b->oom || len > SIZE_MAX - b->len - 1 ||
        buf_reserve((void **)&b->data, &b->cap, b->len + len + 1, 1)) {
        b->oom = 1;
        return;
    }
    if (len)
        memcpy(b->data + b->len, s, len);
    b->len += len;
    b->data[b->len] = '\0';
}

void strbuf_str(strbuf *b, const char *s) { strbuf_add(b, s, strlen(s)); }

void strbuf_printf(strbuf *b, const char *fmt, ...)
{
    char small[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0) {
        b->oom = 1;
        return;
    }
    if ((size_t)n < sizeof small) {
        strbuf_add(b, small, (size_t)n);
        return;
    }
    char *big = malloc((size_t)n + 1);
    if (!big) {
        b->oom = 1;
        return;
    }
    va_start(ap, fmt);
    vsnprintf(big, (size_t)n + 1, fmt, ap);
    va_end(ap);
    strbuf_add(b, big, (size_t)n);
    free(big);
}

void strbuf_amount(strbuf *b, fp_amount v)
{
    char buf[FP_AMOUNT_BUFSIZE];
    strbuf_add(b, buf, fp_amount_format(v, 0, buf));
}

void strbuf_reset(strbuf *b)
{
    b->len = 0;
    if (b->data)
        b->data[0] = '\0';
}

char *strbuf_take(strbuf *b)
{
    char *s = b->oom ? NULL : b->data ? b->data : strdup("");
    if (b->oom)
        free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
    b->oom = 0;
    return s;
}

void strbuf_free(strbuf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
    b->oom = 0;
}

/* Copy at most LEN bytes of S into DST (of SIZE), cutting only at a UTF-8 character boundary. */
static void copy_utf8(char *dst, size_t size, const char *s, size_t len)
{
    if (len >= size) {
        len = size - 1;
        while (len > 0 && ((unsigned char)s[len] & 0xC0) == 0x80)
            len--;
    }
    memcpy(dst, s, len);
    dst[len] = '\0';
}

/* As copy_utf8, showing what a reader cannot see: a NUL as \0, other control characters as
 * \xNN, a byte-order mark or a zero-width character as <U+FEFF>. A message that quotes the
 * offending text must show why it offends. */
static void copy_visible(char *dst, size_t size, const char *s, size_t len)
{
    size_t o = 0;
    for (size_t i = 0; i < len;) {
        const unsigned char *u = (const unsigned char *)s + i;
        char esc[16];
        size_t n = 0, take = 1;
        if (u[0] == 0) {
            n = (size_t)snprintf(esc, sizeof esc, "\\0");
        } else if (u[0] < 0x20 && u[0] != '\t') {
            n = (size_t)snprintf(esc, sizeof esc, "\\x%02X", u[0]);
        } else if (len - i >= 3 && u[0] == 0xEF && u[1] == 0xBB && u[2] == 0xBF) {
            n = (size_t)snprintf(esc, sizeof esc, "<U+FEFF>");
            take = 3;
        } else if (len - i >= 3 && u[0] == 0xE2 && u[1] == 0x80 && u[2] >= 0x8B &&
                   u[2] <= 0x8D) {
            n = (size_t)snprintf(esc, sizeof esc, "<U+20%02X>", u[2] & 0x3Fu);
            take = 3;
        } else {
            /* one whole UTF-8 character, copied as it is */
            while (i + take < len && (s[i + take] & 0xC0) == 0x80)
                take++;
            if (o + take >= size)
                break;
            memcpy(dst + o, s + i, take);
            o += take;
            i += take;
            continue;
        }
        if (o + n >= size)
            break;
        memcpy(dst + o, esc, n);
        o += n;
        i += take;
    }
    dst[o] = '\0';
}

fp_error diag_set(fp_diag *diag, fp_error code, const char *file, long line, const char *column,
                  const char *text, size_t text_len, const char *fmt, ...)
{
    if (!diag)
        return code;
    memset(diag, 0, sizeof *diag);
    diag->code = code;
    diag->line = line;
    if (file)
        copy_utf8(diag->file, sizeof diag->file, file, strlen(file));
    if (column)
        copy_visible(diag->column, sizeof diag->column, column, strlen(column));
    if (text)
        copy_visible(diag->text, sizeof diag->text, text, text_len);
    va_list ap;
    va_start(ap, fmt);
    /* room for a few bytes more than the message holds: vsnprintf cuts anywhere, copy_utf8
     * then cuts again between two characters */
    char msg[sizeof diag->message + 4];
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    copy_utf8(diag->message, sizeof diag->message, msg, strlen(msg));
    return code;
}
