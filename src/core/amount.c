/* core/amount.c — decimal text to exact fixed-point amounts and back. */
#include "fenpei/amount.h"
#include "util/int128.h"

#include <string.h>

/* Symbols an amount may use, after mapping full-width forms to ASCII. */
enum { SYM_END = 0, SYM_OTHER = 1 };

/* Decode one symbol at S (LEN bytes left): returns its ASCII equivalent (digits, . , - + ( ))
 * or SYM_OTHER, sets *N to the bytes used and *WIDE when it was a full-width form. */
static int next_sym(const unsigned char *s, size_t len, size_t *n, int *wide)
{
    *wide = 0;
    if (s[0] < 0x80) {
        *n = 1;
        return s[0];
    }
    if (len >= 3 && s[0] == 0xEF && s[1] == 0xBC && s[2] >= 0x88 && s[2] <= 0x99) {
        /* U+FF08..U+FF19: （ ） ＊ ＋ ， － ． ／ ０-９ */
        static const char map[] = "()*+,-./0123456789";
        *n = 3;
        *wide = 1;
        int c = map[s[2] - 0x88];
        return (c == '*' || c == '/') ? SYM_OTHER : c;
    }
    if (len >= 3 && s[0] == 0xE2 && s[1] == 0x88 && s[2] == 0x92) { /* U+2212 minus sign */
        *n = 3;
        *wide = 1;
        return '-';
    }
    *n = 1;
    return SYM_OTHER;
}

/* Length of a space character at S (ASCII blank, U+3000, U+00A0), or 0. */
static size_t space_len(const unsigned char *s, size_t len)
{
    if (len >= 1 && (s[0] == ' ' || s[0] == '\t' || s[0] == '\r' || s[0] == '\n'))
        return 1;
    if (len >= 2 && s[0] == 0xC2 && s[1] == 0xA0)
        return 2;
    if (len >= 3 && s[0] == 0xE3 && s[1] == 0x80 && s[2] == 0x80)
        return 3;
    return 0;
}

static int is_empty_marker(const char *s, size_t len)
{
    static const char *const markers[] = {"-", "\xE2\x80\x94", "\xEF\xBC\x8D",
                                          "\xE2\x80\x94\xE2\x80\x94", "\xE2\x80\x93"};
    for (size_t i = 0; i < sizeof markers / sizeof markers[0]; i++)
        if (strlen(markers[i]) == len && memcmp(markers[i], s, len) == 0)
            return 1;
    return 0;
}

fp_error fp_amount_parse(const char *text, size_t len, fp_amount *value, fp_amount_info *info)
{
    const unsigned char *s = (const unsigned char *)text;
    fp_amount_info dummy;
    if (!info)
        info = &dummy;
    /* Fast path for the common cell: up to 12 ASCII digits, nothing else. */
    if (len - 1 < 12) {
        int64_t v = 0;
        size_t i = 0;
        while (i < len && s[i] - (unsigned)'0' < 10)
            v = v * 10 + (s[i++] - '0');
        if (i == len) {
            *value = v * FP_AMOUNT_SCALE;
            info->blank = 0;
            info->decimals = 0;
            info->plain = len == 1 || s[0] != '0';
            return FP_OK;
        }
    }
    memset(info, 0, sizeof *info);
    *value = 0;

    size_t k;
    int trimmed = 0;
    while (len && (k = space_len(s, len)) != 0) {
        s += k;
        len -= k;
        trimmed = 1;
    }
    while (len) {
        size_t back = 0;
        if (s[len - 1] == ' ' || s[len - 1] == '\t' || s[len - 1] == '\r' || s[len - 1] == '\n')
            back = 1;
        else if (len >= 2 && s[len - 2] == 0xC2 && s[len - 1] == 0xA0)
            back = 2;
        else if (len >= 3 && s[len - 3] == 0xE3 && s[len - 2] == 0x80 && s[len - 1] == 0x80)
            back = 3;
        if (!back)
            break;
        len -= back;
        trimmed = 1;
    }
    if (len == 0 || is_empty_marker((const char *)s, len)) {
        info->blank = 1;
        info->plain = len == 0 && !trimmed;
        return FP_OK;
    }

    int negative = 0, paren = 0, plain = !trimmed, wide;
    size_t pos = 0, n;
    int c = next_sym(s, len, &n, &wide);
    if (c == '-' || c == '+') {
        negative = c == '-';
        plain &= c == '-' && !wide;
        pos += n;
    } else if (c == '(') {
        paren = 1;
        negative = 1;
        plain = 0;
        pos += n;
    }

    /* Integer part: digits, optionally grouped by commas in threes. */
    uint64_t whole = 0;
    int digits = 0, group = 0, grouped = 0, overflow = 0, lead_zero = 0;
    for (;;) {
        if (pos >= len)
            break;
        c = next_sym(s + pos, len - pos, &n, &wide);
        if (c >= '0' && c <= '9') {
            if (digits == 0 && c == '0')
                lead_zero = 1;
            if (whole > (UINT64_MAX - 9) / 10)
                overflow = 1;
            else
                whole = whole * 10 + (uint64_t)(c - '0');
            digits++;
            group++;
            plain &= !wide;
        } else if (c == ',') {
            /* "0,123" is a decimal comma, never a grouped 123: refuse a leading zero group */
            if (digits == 0 || lead_zero || (grouped ? group != 3 : group > 3))
                return FP_ERR_AMOUNT_SYNTAX;
            grouped = 1;
            group = 0;
            plain = 0;
        } else {
            break;
        }
        pos += n;
    }
    if (digits == 0 || (grouped && group != 3))
        return FP_ERR_AMOUNT_SYNTAX;
    if (lead_zero && digits > 1)
        plain = 0;

    /* Fraction. */
    uint64_t frac = 0;
    int decimals = 0, precision_lost = 0, frac_last_zero = 0;
    if (pos < len && (c = next_sym(s + pos, len - pos, &n, &wide)) == '.') {
        plain &= !wide;
        pos += n;
        while (pos < len) {
            c = next_sym(s + pos, len - pos, &n, &wide);
            if (c < '0' || c > '9')
                break;
            plain &= !wide;
            frac_last_zero = c == '0';
            if (decimals < FP_AMOUNT_DECIMALS)
                frac = frac * 10 + (uint64_t)(c - '0');
            else if (c != '0')
                precision_lost = 1;
            decimals++;
            pos += n;
        }
        if (decimals == 0)
            return FP_ERR_AMOUNT_SYNTAX;
    }
    if (paren) {
        if (pos >= len || next_sym(s + pos, len - pos, &n, &wide) != ')')
            return FP_ERR_AMOUNT_SYNTAX;
        pos += n;
    }
    if (pos != len)
        return FP_ERR_AMOUNT_SYNTAX;
    if (overflow || whole > (uint64_t)FP_AMOUNT_MAX / FP_AMOUNT_SCALE)
        return FP_ERR_AMOUNT_OVERFLOW;
    if (precision_lost)
        return FP_ERR_AMOUNT_PRECISION;
    for (int d = decimals; d < FP_AMOUNT_DECIMALS; d++)
        frac *= 10;
    uint64_t mag = whole * (uint64_t)FP_AMOUNT_SCALE;
    if (mag > (uint64_t)FP_AMOUNT_MAX - frac)
        return FP_ERR_AMOUNT_OVERFLOW;
    mag += frac;
    *value = negative ? -(fp_amount)mag : (fp_amount)mag;
    if ((negative && mag == 0) || (decimals > 0 && frac_last_zero))
        plain = 0; /* "-0", "5.10": fp_amount_format would not give the same text */
    info->decimals = decimals;
    info->plain = plain && decimals <= FP_AMOUNT_DECIMALS;
    return FP_OK;
}

size_t fp_amount_format(fp_amount value, int min_decimals, char *buf)
{
    uint64_t mag = value < 0 ? (uint64_t)0 - (uint64_t)value : (uint64_t)value;
    uint64_t whole = mag / (uint64_t)FP_AMOUNT_SCALE, frac = mag % (uint64_t)FP_AMOUNT_SCALE;
    char tmp[FP_AMOUNT_BUFSIZE];
    size_t n = 0, len = 0;
    do {
        tmp[n++] = (char)('0' + whole % 10);
        whole /= 10;
    } while (whole);
    if (value < 0)
        buf[len++] = '-';
    while (n)
        buf[len++] = tmp[--n];
    if (min_decimals < 0)
        min_decimals = 0;
    if (min_decimals > FP_AMOUNT_DECIMALS)
        min_decimals = FP_AMOUNT_DECIMALS;
    char fd[FP_AMOUNT_DECIMALS];
    int keep = 0;
    for (int i = FP_AMOUNT_DECIMALS - 1; i >= 0; i--) {
        fd[i] = (char)('0' + frac % 10);
        frac /= 10;
        if (!keep && fd[i] != '0')
            keep = i + 1;
    }
    if (keep < min_decimals)
        keep = min_decimals;
    if (keep) {
        buf[len++] = '.';
        memcpy(buf + len, fd, (size_t)keep);
        len += (size_t)keep;
    }
    buf[len] = '\0';
    return len;
}

/* (NEW_ - OLD) / |OLD| in basis points (hundredths of a percent), rounded half away from zero:
 * the one exact percentage. |change| < 2^64 and 10000 < 2^14, so everything fits 128 bits. */
static i128 percent_bp(fp_amount old, fp_amount new_)
{
    i128 num = ((i128) new_ - old) * 10000, den = old < 0 ? -(i128)old : old;
    i128 a = num < 0 ? -num : num;
    i128 q = a / den, r = a % den;
    if (2 * r >= den)
        q++;
    return num < 0 ? -q : q;
}

size_t fp_amount_percent(fp_amount old, fp_amount new_, char *buf)
{
    if (old == 0) {
        buf[0] = '\0';
        return 0;
    }
    i128 bp = percent_bp(old, new_);
    u128 mag = bp < 0 ? (u128)-bp : (u128)bp;
    char tmp[FP_PERCENT_BUFSIZE];
    size_t n = 0, len = 0;
    u128 whole = mag / 100;
    unsigned frac = (unsigned)(mag % 100);
    do {
        tmp[n++] = (char)('0' + (int)(whole % 10));
        whole /= 10;
    } while (whole);
    if (bp < 0)
        buf[len++] = '-';
    while (n)
        buf[len++] = tmp[--n];
    buf[len++] = '.';
    buf[len++] = (char)('0' + frac / 10);
    buf[len++] = (char)('0' + frac % 10);
    buf[len++] = '%';
    buf[len] = '\0';
    return len;
}

double fp_amount_percent_value(fp_amount old, fp_amount new_)
{
    if (old == 0)
        return 0.0;
    /* a ratio for people to read, not money: the one conversion to double */
    return (double)percent_bp(old, new_) / 10000.0;
}
