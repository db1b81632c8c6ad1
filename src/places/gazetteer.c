/* places/gazetteer.c — China's county-level divisions (GB/T 2260), looked up by name or short form. */
#include <stdint.h>
#include <string.h>

#include "places/gazetteer.h"

#define NO_TEXT UINT32_MAX

typedef struct gz_entry {
    int32_t code;       /* GB/T 2260: 650000 province, 652800 prefecture, 652827 county */
    uint32_t name;      /* offset of the official name in gz_text */
    int16_t parent;     /* entry of the parent division, -1 for a province */
    uint8_t level;      /* GZ_PROVINCE, GZ_PREFECTURE, GZ_COUNTY */
    uint32_t short_name; /* the short name a table prints (the name itself when it has none) */
    uint32_t former;    /* the former name, or NO_TEXT */
} gz_entry;

typedef struct gz_key {
    uint32_t text;    /* offset of the name or short form in gz_text */
    uint16_t entry;
    uint8_t is_short; /* 1 a short form, 2 a former name (recognised, never suggested), 3 an alias
                       * (recognised, no short form: 塔县 for a division tables write in full) */
} gz_key;

#include "places/gazetteer_data.h"

static int valid(int e) { return e >= 0 && e < GZ_ENTRIES; }

int gz_count(void) { return GZ_ENTRIES; }
const char *gz_name(int e) { return valid(e) ? gz_text + gz_entries[e].name : ""; }
long gz_code(int e) { return valid(e) ? gz_entries[e].code : -1; }
int gz_level(int e) { return valid(e) ? gz_entries[e].level : 0; }
int gz_parent(int e) { return valid(e) ? gz_entries[e].parent : -1; }

int gz_within(int e, int anc)
{
    for (; valid(e); e = gz_entries[e].parent)
        if (e == anc)
            return 1;
    return 0;
}

/* NAME without spaces (ASCII, U+3000, U+00A0) and without a trailing ：or : into BUF; its
 * length, or 0 when it does not fit (no division has a name that long). */
static size_t normalise(const char *name, char *buf, size_t cap)
{
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)name; *p;) {
        if (*p == ' ' || *p == '\t') {
            p++;
            continue;
        }
        if (p[0] == 0xE3 && p[1] == 0x80 && p[2] == 0x80) { /* U+3000 */
            p += 3;
            continue;
        }
        if (p[0] == 0xC2 && p[1] == 0xA0) { /* U+00A0 */
            p += 2;
            continue;
        }
        if (n + 1 >= cap)
            return 0;
        buf[n++] = (char)*p++;
    }
    if (n >= 3 && memcmp(buf + n - 3, "\xEF\xBC\x9A", 3) == 0) /* ： */
        n -= 3;
    else if (n && buf[n - 1] == ':')
        n--;
    buf[n] = '\0';
    return n;
}

/* The keys equal to KEY: the first at *FIRST, how many returned. */
static size_t find(const char *key, size_t *first)
{
    size_t lo = 0, hi = GZ_KEYS;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(gz_text + gz_keys[mid].text, key) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    size_t end = lo;
    while (end < GZ_KEYS && strcmp(gz_text + gz_keys[end].text, key) == 0)
        end++;
    *first = lo;
    return end - lo;
}

int gz_resolve(const char *name, int level, int within)
{
    char buf[128];
    if (!normalise(name, buf, sizeof buf))
        return GZ_NONE;
    size_t first, n = find(buf, &first);
    int found = GZ_NONE;
    for (size_t i = first; i < first + n; i++) {
        int e = gz_keys[i].entry;
        if ((level && gz_entries[e].level != level) || (within >= 0 && !gz_within(e, within)))
            continue;
        if (found >= 0 && found != e)
            return GZ_AMBIGUOUS;
        found = e;
    }
    return found;
}

int gz_names(int e, const char *name)
{
    char buf[128];
    if (!normalise(name, buf, sizeof buf))
        return 0;
    size_t first, n = find(buf, &first);
    for (size_t i = first; i < first + n; i++)
        if (gz_keys[i].entry == e)
            return 1;
    return 0;
}

const char *gz_short_name(int e) { return valid(e) ? gz_text + gz_entries[e].short_name : ""; }

const char *gz_former_name(int e)
{
    return valid(e) && gz_entries[e].former != NO_TEXT ? gz_text + gz_entries[e].former : NULL;
}

/* Where tables list a division among its siblings when that is not by its code: a county renamed
 * into a city keeps the place of the county (its former code); a city created after the order of
 * most tables was set comes after its siblings (LISTED_LAST) — Xinjiang's changes since 2010, from
 * the Ministry of Civil Affairs' yearly lists of changes to county-level divisions; and the order
 * Xinjiang's own documents keep against the codes: 克拉玛依区, the seat, before 独山子区 ("下设克拉玛依、
 * 独山子、白碱滩、乌尔禾4个区", the 1982 approval as retold by blog.sina.com.cn/s/blog_67d691a00100ndg0
 * and begonia-capital.com/xinjiang/kelamayi/26050.shtml), and 阿瓦提县 before 乌什县 (阿克苏日报
 * 2022-03-04, acosx.cn/jingji/2022-03-04/detail-ihaweeet5004424.shtml: "阿克苏市…拜城县…阿瓦提县…
 * 乌什县、柯坪县"; the 2024 notice we ship lists both pairs so). Extend as tables of other
 * provinces need. A table that lists its rows otherwise is told by ck_keeps_order (check). */
#define LISTED_LAST 99
static const struct {
    int32_t code, listed, year; /* YEAR: when the division was created or renamed (0: neither) */
} listing[] = {
    {650203, 650201, 0},         /* 克拉玛依区 first, before 独山子区 650202 */
    {650400, 650400, 2015},      /* 吐鲁番市, until 2015 吐鲁番地区 */
    {650500, 650500, 2016},      /* 哈密市, until 2016 哈密地区 */
    {652702, LISTED_LAST, 2012}, /* 阿拉山口市, created */
    {652902, 652923, 2019},      /* 库车市, until 2019 库车县 652923 */
    {652927, 652928, 0},         /* 乌什县 after 阿瓦提县 */
    {652928, 652927, 0},         /* 阿瓦提县 before 乌什县 */
    {654004, LISTED_LAST, 2014}, /* 霍尔果斯市, created */
    {654203, 654223, 2021},      /* 沙湾市, until 2021 沙湾县 654223 */
};

int gz_renamed_year(int e)
{
    if (!valid(e))
        return 0;
    for (size_t i = 0; i < sizeof listing / sizeof *listing; i++)
        if (listing[i].code == gz_entries[e].code)
            return gz_former_name(e) ? listing[i].year : 0;
    return 0;
}

long gz_listing_code(int e)
{
    if (!valid(e))
        return -1;
    long code = gz_entries[e].code;
    for (size_t i = 0; i < sizeof listing / sizeof *listing; i++)
        if (listing[i].code == code)
            return listing[i].listed == LISTED_LAST ? code / 100 * 100 + LISTED_LAST
                                                    : (long)listing[i].listed;
    return code;
}
