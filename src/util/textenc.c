/* util/textenc.c — a whole text in UTF-8 whatever its encoding (UTF-8, UTF-16 with a byte-order
 * mark, GB18030/GBK), through iconv. */
#include "util/textenc.h"

#include <errno.h>
#include <iconv.h>
#include <stdlib.h>
#include <string.h>

/* Length of the longest prefix of S that is whole, valid UTF-8 characters; *BAD set when an
 * invalid sequence (not just a truncated one at the end) stops it. */
static size_t valid_prefix(const unsigned char *s, size_t len, int *bad)
{
    size_t i = 0;
    *bad = 0;
    while (i < len) {
        unsigned char c = s[i];
        size_t n;
        unsigned char lo = 0x80, hi = 0xBF;
        if (c < 0x80) {
            i++;
            continue;
        } else if (c >= 0xC2 && c <= 0xDF) {
            n = 2;
        } else if (c >= 0xE0 && c <= 0xEF) {
            n = 3;
            if (c == 0xE0)
                lo = 0xA0;
            else if (c == 0xED)
                hi = 0x9F;
        } else if (c >= 0xF0 && c <= 0xF4) {
            n = 4;
            if (c == 0xF0)
                lo = 0x90;
            else if (c == 0xF4)
                hi = 0x8F;
        } else {
            *bad = 1;
            return i;
        }
        for (size_t k = 1; k < n; k++) {
            if (i + k >= len)
                return i; /* truncated at the end */
            unsigned char b = s[i + k];
            if (b < (k == 1 ? lo : 0x80) || b > (k == 1 ? hi : 0xBF)) {
                *bad = 1;
                return i;
            }
        }
        i += n;
    }
    return i;
}

static textenc_status copy_out(const char *s, size_t n, char **out, size_t *outlen)
{
    char *b = malloc(n + 1);
    if (!b)
        return TEXTENC_NOMEM;
    memcpy(b, s, n);
    b[n] = '\0';
    *out = b;
    *outlen = n;
    return TEXTENC_OK;
}

textenc_status text_to_utf8(const char *data, size_t len, int partial, char **out, size_t *outlen,
                            const char **enc, size_t *bad_at)
{
    const unsigned char *p = (const unsigned char *)data;
    const char *name = NULL;
    size_t skip = 0;
    *out = NULL;
    *outlen = 0;
    if (bad_at)
        *bad_at = 0;
    while (len - skip >= 3 && memcmp(p + skip, "\xEF\xBB\xBF", 3) == 0) {
        skip += 3; /* one byte-order mark, or several (a file saved twice) */
        name = "UTF-8";
    }
    if (!name && len >= 2 && ((p[0] == 0xFF && p[1] == 0xFE) || (p[0] == 0xFE && p[1] == 0xFF)))
        name = "UTF-16"; /* iconv reads and drops the byte-order mark */
    int bad = 0;
    size_t ok = 0;
    if (!name) {
        ok = valid_prefix(p, len, &bad);
        size_t wide = 0;
        for (size_t i = 0; i < ok; i++)
            wide += p[i] >= 0xC2;
        name = bad && wide < 3 ? "GB18030" : "UTF-8";
    }
    if (enc)
        *enc = name;
    if (strcmp(name, "UTF-8") == 0) {
        ok = skip + valid_prefix(p + skip, len - skip, &bad);
        if (bad || (!partial && ok < len)) {
            if (bad_at)
                *bad_at = ok;
            return TEXTENC_INVALID;
        }
        return copy_out(data + skip, ok - skip, out, outlen);
    }
    iconv_t cd = iconv_open("UTF-8", name);
    if (cd == (iconv_t)-1)
        return TEXTENC_NOMEM; /* glibc always has both */
    size_t cap = len * 2 + 16; /* GB18030 and UTF-16 take at most 3 UTF-8 bytes per 2 */
    char *b = malloc(cap + 1);
    if (!b) {
        iconv_close(cd);
        return TEXTENC_NOMEM;
    }
    char *in = (char *)data, *o = b;
    size_t inleft = len, outleft = cap;
    size_t r = iconv(cd, &in, &inleft, &o, &outleft);
    int err = r == (size_t)-1 ? errno : 0;
    iconv_close(cd);
    if (err && !(err == EINVAL && partial)) {
        if (bad_at)
            *bad_at = (size_t)(in - data);
        free(b);
        return err == E2BIG ? TEXTENC_NOMEM : TEXTENC_INVALID;
    }
    size_t n = (size_t)(o - b);
    char *s = b;
    while (n >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0) { /* U+FEFF decoded from the mark */
        s += 3;
        n -= 3;
    }
    memmove(b, s, n);
    b[n] = '\0';
    *out = b;
    *outlen = n;
    return TEXTENC_OK;
}
