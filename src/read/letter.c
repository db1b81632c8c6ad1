/* read/letter.c — what the letter of a notice states before its attachments: the 文号 on a line
 * of its own, the title (关于…的通知, wrapped or not), the issuer (…文件) and the seven-digit
 * income/expenditure classification codes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "read/letter.h"

static int starts_with(const char *s, const char *p)
{
    size_t m = strlen(p);
    return strnlen(s, m) == m && memcmp(s, p, m) == 0;
}

static int ends_with(const char *s, const char *p)
{
    size_t n = strlen(s), m = strlen(p);
    return n >= m && strcmp(s + n - m, p) == 0;
}

static char *dup_n(const char *s, size_t n)
{
    char *p = malloc(n + 1);
    if (p) {
        memcpy(p, s, n);
        p[n] = '\0';
    }
    return p;
}

/* The 文号 in S: Chinese characters, 〔year〕 (or [year], (year), （year）), a number and 号. */
static char *find_doc_number(const char *s)
{
    static const char *const open[] = {"〔", "［", "[", "（", "(", NULL};
    static const char *const close[] = {"〕", "］", "]", "）", ")", NULL};
    for (const char *p = s; *p; p++) {
        for (int k = 0; open[k]; k++) {
            size_t ol = strlen(open[k]);
            if (strncmp(p, open[k], ol) != 0)
                continue;
            const char *q = p + ol;
            int digits = 0;
            while (*q >= '0' && *q <= '9')
                q++, digits++;
            if (digits != 4 || strncmp(q, close[k], strlen(close[k])) != 0)
                continue;
            q += strlen(close[k]);
            int num = 0;
            while (*q >= '0' && *q <= '9')
                q++, num++;
            if (!num || !starts_with(q, "号"))
                continue;
            q += strlen("号");
            /* back over the issuer's abbreviation: CJK characters (3 bytes each), up to 8 */
            const char *b = p;
            int chars = 0;
            while (b - s >= 3 && chars < 8 && (unsigned char)b[-3] >= 0xE4 &&
                   (unsigned char)b[-3] <= 0xE9) {
                b -= 3;
                chars++;
            }
            /* the notice's own number stands on a line of its own (maybe with 签发人); one
             * cited inside a sentence (根据湘财社指〔2017〕79号文件精神) is another notice's */
            if (!chars || b != s || (*q && !starts_with(q, "签发人")))
                continue;
            return dup_n(b, (size_t)(q - b));
        }
    }
    return NULL;
}

static void add_code(char **codes, const char *p, size_t n)
{
    size_t have = *codes ? strlen(*codes) : 0;
    if (*codes) {
        /* each code once */
        for (const char *c = *codes; (c = strstr(c, "")) && *c;) {
            if (strncmp(c, p, n) == 0 && (c[n] == ',' || c[n] == '\0'))
                return;
            const char *comma = strchr(c, ',');
            if (!comma)
                break;
            c = comma + 1;
        }
    }
    char *q = realloc(*codes, have + n + 2);
    if (!q)
        return;
    if (have)
        q[have++] = ',';
    memcpy(q + have, p, n);
    q[have + n] = '\0';
    *codes = q;
}

/* Classification codes in S: a run of exactly seven digits starting with 1 (income) or 2
 * (expenditure), followed by its name (not 万元, not a date). */
static void find_codes(const char *s, char **codes)
{
    for (const char *p = s; *p; p++) {
        if (!(*p >= '0' && *p <= '9') || (p > s && p[-1] >= '0' && p[-1] <= '9'))
            continue;
        const char *q = p;
        while (*q >= '0' && *q <= '9')
            q++;
        if (q - p == 7 && (*p == '1' || *p == '2')) {
            const char *after = q;
            while (*after == ' ')
                after++;
            if ((unsigned char)*after >= 0xE4 && !starts_with(after, "万") &&
                !starts_with(after, "元") && !starts_with(after, "年"))
                add_code(codes, p, 7);
        }
        p = q - 1;
    }
}

void letter_read(const char *const *lines, size_t n, lay_meta *m)
{
    for (size_t li = 0; li < n; li++) {
        const char *sq = lines[li];
        if (!m->doc_number)
            m->doc_number = find_doc_number(sq);
        if (!m->issuer && ends_with(sq, "文件") && strlen(sq) > strlen("文件") + 6)
            m->issuer = dup_n(sq, strlen(sq) - strlen("文件"));
        const char *about = strstr(sq, "关于");
        if (!m->title && about && (size_t)(about - sq) <= 3 * 40 && !strstr(sq, "，") &&
            !strstr(sq, "。")) {
            /* the title may wrap: join lines until one ends it with 通知 (or 函, 批复) */
            char t[2048];
            snprintf(t, sizeof t, "%s", sq);
            for (size_t k = li + 1; k < n && k < li + 4 && !strstr(t, "通知") &&
                                    !ends_with(t, "函") && !ends_with(t, "批复");
                 k++) {
                size_t len = strlen(t);
                snprintf(t + len, sizeof t - len, "%s", lines[k]);
            }
            if (strstr(t, "通知") || ends_with(t, "函") || ends_with(t, "批复")) {
                char *cut = strstr(t, "通知");
                if (cut)
                    cut[strlen("通知")] = '\0';
                m->title = dup_n(t, strlen(t));
            }
        }
        find_codes(sq, &m->codes);
    }
}

void lay_meta_clear(lay_meta *m)
{
    if (!m)
        return;
    free(m->doc_number);
    free(m->title);
    free(m->issuer);
    free(m->codes);
    memset(m, 0, sizeof *m);
}

