/* read/notice.c — rebuild the tree of a table laid out as printed in a notice: no 级次 column,
 * the tree implied by the order of the rows, their names and, above all, their sums.
 *
 * 1. Sums, strictly (right to left): row i heads a block when the rows after it, taken as items
 *    (a row already found to head a block counts as one item: its own value stands for its
 *    block), add up to row i exactly in every amount column. Blocks found this way nest.
 * 2. Totals at the bottom: among the top-level items, a row named 总计/合计/小计 that equals the
 *    sum of the items just before it becomes their parent.
 * 3. Where sums do not close (a faulty table), names and position decide: each remaining
 *    top-level item gets a guessed level (总计 0, …合计 1, 地区/州/盟 and blocks of counties 2,
 *    counties and units 3; a 市 under an open 地州 is one of its counties unless the gazetteer
 *    knows it as a prefecture and not as a county of that 地州) and becomes a child of the
 *    nearest open row above it with a smaller level. Blocks found by sums are kept whole; only
 *    the last row down a block's right edge, when sums gave it no rows, stays open (地州合计
 *    closes 总计 by its own value while the broken 地州 follow). A row given children this way
 *    whose sum does not close is uncertain, and so are the rows placed under it by name.
 * A block the names do not support (a 县 heading 县: 500 = 200 + 300 by chance) is weak: a parent
 * that cannot close otherwise takes its rows as its own, and a table whose only blocks are weak
 * and where no name announces a total is a flat list and stays flat.
 * Everything is iterative: no recursion, however deep or long the table. */
#include <stdlib.h>
#include <string.h>

#include "places/gazetteer.h"
#include "core/table_impl.h"
#include "util/hanzi.h"

/* What a row's name says about its place. */
enum kind {
    K_OTHER,  /* a unit (自治区卫生健康委 …) */
    K_GRAND,  /* 总计, 合计, 全区合计: the grand total */
    K_SUM,    /* …合计, …小计, 自治区本级 */
    K_REGION, /* …地区, …州, …盟 */
    K_CITY,   /* …市: a prefecture (乌鲁木齐市) or a county-level city (伊宁市) */
    K_COUNTY, /* …县, …区, …旗 */
    K_SUB,    /* 其中：…, …本级: a row inside its unit */
    K_NUMBER  /* the name is a number: the second half of a row split over two lines */
};

/* Items scanned for one block at most, unless its name says it is a total (keeps the worst case
 * near-linear); and scan steps for the whole table. */
#define MAX_ITEMS 20000
#define STEPS_PER_ROW 64

static int ends_with(const char *s, size_t len, const char *suffix)
{
    size_t n = strlen(suffix);
    return len >= n && memcmp(s + len - n, suffix, n) == 0;
}

static int begins_with(const char *s, size_t len, const char *prefix)
{
    size_t n = strlen(prefix);
    return len >= n && memcmp(s, prefix, n) == 0;
}

static enum kind classify(const char *name)
{
    /* compare without the spaces PDFs put inside short names ("合　计") */
    char buf[256];
    size_t len = 0;
    for (const char *p = name; *p && len < sizeof buf - 1;) {
        if (*p == ' ') {
            p++;
        } else if (strncmp(p, "\xE3\x80\x80", 3) == 0) {
            p += 3;
        } else {
            buf[len++] = *p++;
        }
    }
    buf[len] = '\0';
    if (len == 0)
        return K_OTHER;
    hz_simplify(buf, len, buf); /* 合計, 總計, 縣, 區 read as 合计, 总计, 县, 区 */
    fp_amount v;
    fp_amount_info info;
    if (fp_amount_parse(buf, len, &v, &info) == FP_OK && !info.blank)
        return K_NUMBER;
    if (begins_with(buf, len, "其中"))
        return K_SUB;
    if (ends_with(buf, len, "总计") || strcmp(buf, "合计") == 0 || strcmp(buf, "总合计") == 0 ||
        (begins_with(buf, len, "全") && ends_with(buf, len, "合计")))
        return K_GRAND;
    if (ends_with(buf, len, "合计") || ends_with(buf, len, "小计"))
        return K_SUM;
    if (ends_with(buf, len, "本级"))
        return begins_with(buf, len, "自治区") || begins_with(buf, len, "省") ? K_SUM : K_SUB;
    if (ends_with(buf, len, "地区") || ends_with(buf, len, "州") || ends_with(buf, len, "盟"))
        return K_REGION;
    if (ends_with(buf, len, "市"))
        return K_CITY;
    if (ends_with(buf, len, "县") || ends_with(buf, len, "区") || ends_with(buf, len, "旗"))
        return K_COUNTY;
    return K_OTHER;
}

/* How high in the tree a name puts a row: 0 grand total … 3 county or unit. */
static int rank(int k)
{
    switch (k) {
    case K_GRAND:
        return 0;
    case K_SUM:
        return 1;
    case K_REGION:
    case K_CITY:
        return 2;
    default:
        return 3;
    }
}

typedef struct infer {
    fp_table *t;
    size_t n, m;
    size_t *ac;        /* the amount columns */
    uint8_t *nonneg;   /* per amount column: no negative amount in it */
    uint8_t *kind;     /* per row */
    uint8_t *zero;     /* per row: every amount is 0 */
    uint8_t *zeros;    /* per row: prints an explicit 0 (subtotals do, their rows print blanks) */
    uint8_t *blanks;   /* per row: leaves some amount blank */
    uint8_t *closed;   /* per row: its children were found by sums */
    uint8_t *weak;     /* per row: … but the names do not support it (see names_support) */
    int32_t *end;      /* per row heading a block found by sums: one past the block, else -1 */
    int32_t *height;   /* per row: height of its block (0 for a leaf) */
    fp_amount *acc;    /* m */
    size_t steps;      /* left */
} infer;

static fp_amount val(const infer *I, size_t r, size_t k)
{
    return I->t->cols[I->ac[k]].values[r];
}

/* ACC += row R; -1 on overflow. */
static int acc_add(infer *I, fp_amount *acc, size_t r)
{
    for (size_t k = 0; k < I->m; k++)
        if (fp_amount_add(acc[k], val(I, r, k), &acc[k]))
            return -1;
    return 0;
}

/* 0 when ACC equals row R in every column, 1 when ACC is already past it in a column that has
 * no negative amounts (adding more rows cannot bring it back), else -1. */
static int acc_cmp(const infer *I, const fp_amount *acc, size_t r)
{
    int eq = 1;
    for (size_t k = 0; k < I->m; k++) {
        fp_amount v = val(I, r, k);
        if (acc[k] != v) {
            if (I->nonneg[k] && acc[k] > v)
                return 1;
            eq = 0;
        }
    }
    return eq ? 0 : -1;
}

/* May row P have these ITEMS children, the first being FIRST? One child only when the names
 * say the parent is above it (a total, a prefecture) or the child is a 其中 row. */
static int children_ok(const infer *I, size_t p, size_t items, size_t first)
{
    if (items >= 2)
        return 1;
    int kp = I->kind[p], kc = I->kind[first];
    return kc == K_SUB ||
           (rank(kp) < 3 && (rank(kc) > rank(kp) || (kp == K_REGION && kc == K_CITY)));
}

static int can_head(const infer *I, size_t r)
{
    int k = I->kind[r];
    if (k == K_SUB || k == K_NUMBER)
        return 0;
    return !I->zero[r] || k == K_GRAND || k == K_SUM;
}

static size_t next_item(const infer *I, size_t j)
{
    return I->end[j] >= 0 ? (size_t)I->end[j] : j + 1;
}

/* Do the names support row P heading a block that starts with row FIRST (a total heads
 * anything, a prefecture its counties, any row its 其中 rows)? A block found by sums without
 * that support is weak: with one independent amount column, 500 = 200 + 300 by chance. */
static int names_support(const infer *I, size_t p, size_t first)
{
    int kp = I->kind[p], kc = I->kind[first];
    return kp == K_GRAND || kp == K_SUM || kc == K_SUB ||
           (kp == K_REGION && (kc == K_CITY || kc == K_COUNTY || kc == K_OTHER)) ||
           (kp == K_CITY && kc == K_COUNTY);
}

/* The item after J in a scan; with UNFOLD, a weak block counts as a row of its own followed by
 * its rows. */
static size_t scan_next(const infer *I, size_t j, int unfold)
{
    return unfold && I->weak[j] ? j + 1 : next_item(I, j);
}

/* Scan the items after row I for a block adding up to it. Returns one past the block, or 0 when
 * none closes; *MET_WEAK says whether a weak block was taken as an item. */
static size_t scan_block(infer *I, size_t i, int unfold, int *met_weak)
{
    memset(I->acc, 0, I->m * sizeof *I->acc);
    size_t cap = I->kind[i] == K_GRAND || I->kind[i] == K_SUM ? SIZE_MAX : MAX_ITEMS;
    size_t j = i + 1, items = 0;
    while (j < I->n && items < cap && I->steps) {
        I->steps--;
        if (I->kind[j] == K_GRAND || acc_add(I, I->acc, j))
            return 0;
        items++;
        *met_weak |= I->weak[j] && !unfold;
        size_t next = scan_next(I, j, unfold);
        int c = acc_cmp(I, I->acc, i);
        if (c == 0 && children_ok(I, i, items, i + 1))
            return next;
        if (c > 0)
            return 0;
        j = next;
    }
    return 0;
}

/* Step 1: blocks headed by a row, found by sums, right to left. */
static void strict_blocks(infer *I)
{
    fp_table *t = I->t;
    for (size_t i = I->n; i-- > 0;) {
        I->end[i] = -1;
        if (!can_head(I, i))
            continue;
        int weak = 0, unfold = 0;
        size_t j = scan_block(I, i, 0, &weak);
        if (!j && weak) {
            unfold = 1;
            j = scan_block(I, i, 1, &weak);
        }
        if (!j)
            continue;
        /* rows of zeros after the block that belong below it by name change no sum */
        while (j < I->n && I->end[j] < 0 && I->zero[j] && I->kind[j] != K_NUMBER &&
               (rank(I->kind[j]) > rank(I->kind[i]) ||
                (I->kind[i] == K_REGION && I->kind[j] == K_CITY)))
            j++;
        I->end[i] = (int32_t)j;
        I->closed[i] = 1;
        I->weak[i] = !names_support(I, i, i + 1);
        int32_t h = 0;
        for (size_t k = i + 1; k < j;) {
            size_t next = scan_next(I, k, unfold);
            if (unfold && I->weak[k]) { /* chance: its rows are siblings after all */
                I->end[k] = -1;
                I->closed[k] = I->weak[k] = 0;
                I->height[k] = 0;
            }
            t->parent[k] = (int32_t)i;
            if (I->height[k] > h)
                h = I->height[k];
            k = next;
        }
        I->height[i] = h + 1;
    }
}

/* A total at the bottom (row J) that the top-level items before it do not add up to may still
 * be the sum of their rows when some item is a weak block (杨兴乡 2 = four 0.5 below it by
 * chance): scan back over the items with each weak block unfolded into its head and its rows.
 * When a whole suffix of TOP adds up to J, its weak blocks are dissolved, its rows become J's
 * children, and they leave TOP (*NTOP shrinks). Returns 1 then, else 0. */
static int unfold_bottom_total(infer *I, int32_t *top, size_t *ntop, size_t j)
{
    fp_table *t = I->t;
    int any_weak = 0;
    for (size_t q = 0; q < *ntop && !any_weak; q++)
        any_weak = I->weak[top[q]] && I->end[top[q]] >= 0;
    if (!any_weak)
        return 0;
    memset(I->acc, 0, I->m * sizeof *I->acc);
    size_t items = 0;
    for (size_t q = *ntop; q-- > 0 && I->steps;) {
        size_t x = (size_t)top[q];
        if (I->kind[x] == K_GRAND)
            return 0;
        /* the rows of item X, last first: a weak block's rows, then its head */
        size_t first = x, stop = x + 1;
        if (I->weak[x] && I->end[x] >= 0) {
            first = x + 1;
            stop = (size_t)I->end[x];
        }
        size_t kids[64], nk = 0;
        for (size_t k = first; k < stop && nk < 64; k = next_item(I, k))
            kids[nk++] = k;
        if (first != x && nk == 64)
            return 0;
        for (size_t a = nk; a-- > 0;) {
            I->steps--;
            if (acc_add(I, I->acc, kids[a]))
                return 0;
            items++;
        }
        if (first != x) {
            if (acc_add(I, I->acc, x))
                return 0;
            items++;
        }
        int c = acc_cmp(I, I->acc, j);
        if (c > 0)
            return 0;
        if (c != 0 || items < 2)
            continue;
        /* top[q …] add up to J, weak blocks unfolded */
        int32_t h = 0;
        for (size_t p = q; p < *ntop; p++) {
            size_t y = (size_t)top[p];
            if (I->weak[y] && I->end[y] >= 0) {
                for (size_t k = y + 1; k < (size_t)I->end[y]; k = next_item(I, k)) {
                    t->parent[k] = (int32_t)j;
                    if (I->height[k] > h)
                        h = I->height[k];
                }
                I->end[y] = -1;
                I->closed[y] = I->weak[y] = 0;
                I->height[y] = 0;
            }
            t->parent[y] = (int32_t)j;
            if (I->height[y] > h)
                h = I->height[y];
        }
        *ntop = q;
        I->closed[j] = 1;
        I->height[j] = h + 1;
        return 1;
    }
    return 0;
}

/* Step 2: the top-level items, with totals at the bottom (总计/合计/小计 equal to the sum of
 * the items just before them) taking those items as children. Returns the count in TOP. */
static size_t top_items(infer *I, int32_t *top)
{
    fp_table *t = I->t;
    size_t ntop = 0;
    for (size_t j = 0; j < I->n; j = next_item(I, j)) {
        int k = I->kind[j];
        if (I->end[j] < 0 && (k == K_GRAND || k == K_SUM) && ntop) {
            memset(I->acc, 0, I->m * sizeof *I->acc);
            size_t found = 0;
            for (size_t mm = 1; mm <= ntop && I->steps; mm++) {
                I->steps--;
                size_t c = (size_t)top[ntop - mm];
                if (I->kind[c] == K_GRAND || acc_add(I, I->acc, c))
                    break;
                int cmp = acc_cmp(I, I->acc, j);
                if (cmp == 0 && children_ok(I, j, mm, c)) {
                    found = mm;
                    break;
                }
                if (cmp > 0)
                    break;
            }
            if (!found && unfold_bottom_total(I, top, &ntop, j)) {
                top[ntop++] = (int32_t)j;
                continue;
            }
            if (found) {
                int32_t h = 0;
                for (size_t q = ntop - found; q < ntop; q++) {
                    t->parent[top[q]] = (int32_t)j;
                    if (I->height[top[q]] > h)
                        h = I->height[top[q]];
                }
                ntop -= found;
                I->closed[j] = 1;
                I->height[j] = h + 1;
            }
        }
        top[ntop++] = (int32_t)j;
    }
    return ntop;
}

/* Is row X, a 市 under the open level-2 row P, a prefecture-level city of its own rather than a
 * county-level city of P? By the gazetteer: X names a prefecture and no county of P's division
 * (克拉玛依市 after the counties of 阿勒泰地区, where 阿勒泰市 is one of them). */
static int city_is_prefecture(const infer *I, size_t x, int32_t p)
{
    const char *name = fp_table_row_name(I->t, x);
    if (gz_resolve(name, GZ_PREFECTURE, -1) < 0)
        return 0;
    int pe = p >= 0 ? gz_resolve(fp_table_row_name(I->t, (size_t)p), GZ_PREFECTURE, -1) : GZ_NONE;
    if (pe == GZ_AMBIGUOUS)
        return 0;
    return pe < 0 || gz_resolve(name, GZ_COUNTY, pe) == GZ_NONE;
}

/* A county row left at the top after the grand total's tree has closed (the last row of the text
 * printed twice, say): a notice has one tree, so it belongs where its name says, under the
 * 地州 that holds the row above it. Hung there it makes that block's sums fail and the check
 * tells it (an extra row) instead of a second tree that adds up on its own. */
static void hang_trailing_counties(infer *I)
{
    fp_table *t = I->t;
    int grand_closed = 0;
    for (size_t r = 0; r < I->n; r++) {
        if (t->parent[r] >= 0)
            continue;
        if (!grand_closed) {
            grand_closed = I->kind[r] == K_GRAND && r + 1 < I->n && t->parent[r + 1] >= 0;
            continue;
        }
        if (r == 0 || t->parent[r - 1] < 0 || (r + 1 < I->n && t->parent[r + 1] >= 0))
            continue;
        size_t p = (size_t)t->parent[r - 1];
        int pe = gz_resolve(fp_table_row_name(t, p), GZ_PREFECTURE, -1);
        if (pe >= 0 && gz_resolve(fp_table_row_name(t, r), GZ_COUNTY, pe) >= 0)
            t->parent[r] = (int32_t)p;
    }
}

/* The level a top-level item is guessed to have (0 grand total … 3 county), from its name and,
 * for an item whose children were found by sums, the height of its block. OPEN2: the innermost
 * open row (one given children by name) when it is at level 2, so a 市 here is a county of it —
 * unless the gazetteer knows the 市 as a prefecture that is no county of it; else -1. NEXT: the
 * following item, or -1. */
static int guess_level(const infer *I, size_t x, int32_t open2, int32_t next)
{
    int k = I->kind[x];
    if (k == K_CITY && open2 >= 0 && !I->closed[x] && city_is_prefecture(I, x, open2))
        open2 = -1;
    if (k == K_GRAND || k == K_SUM)
        return rank(k);
    if (I->closed[x]) {
        if (k == K_REGION || k == K_CITY)
            return 2;
        if (k == K_COUNTY || I->weak[x])
            return 3; /* a block by chance is no reason to put a unit higher */
        return I->height[x] >= 2 ? 1 : 2;
    }
    if (k == K_REGION)
        return 2;
    if ((k == K_CITY || k == K_OTHER) && open2 < 0 && next >= 0 && !I->closed[next]) {
        int kn = I->kind[next];
        if (kn == K_COUNTY || kn == K_SUB ||
            (I->zeros[x] && !I->blanks[x] && I->blanks[next] && rank(kn) == 3))
            return 2;
    }
    return 3;
}

/* Is the table a tree at all: did sums find a block the names support, or do names announce a
 * total? A flat list (a canonical table without 级次) stays flat. */
static int evidence(const infer *I)
{
    for (size_t r = 0; r < I->n; r++)
        if ((I->closed[r] && !I->weak[r]) || I->kind[r] == K_GRAND || I->kind[r] == K_SUM)
            return 1;
    return 0;
}

/* Step 3: place the top-level items that sums could not place, by names and position, and mark
 * what stays in doubt. */
static fp_error place_by_names(infer *I, const int32_t *top, size_t ntop, uint8_t *unc)
{
    fp_table *t = I->t;
    if (ntop < 2)
        return FP_OK;
    /* a grand total at the bottom that did not close: the parent of everything above it */
    size_t last = ntop, grand = 0;
    for (size_t q = 0; q < ntop; q++)
        grand += I->kind[top[q]] == K_GRAND;
    if (grand == 1 && I->kind[top[ntop - 1]] == K_GRAND && !I->closed[top[ntop - 1]])
        last = ntop - 1;

    int32_t *open = malloc(ntop * sizeof *open);
    uint8_t *lvl = malloc(ntop);
    uint8_t *holds = calloc(I->n, 1); /* row was given children by name */
    if (!open || !lvl || !holds) {
        free(open);
        free(lvl);
        free(holds);
        return FP_ERR_NOMEM;
    }
    size_t nopen = 0;
    for (size_t q = 0; q < last; q++) {
        size_t x = (size_t)top[q];
        int32_t open2 = nopen && lvl[nopen - 1] == 2 ? open[nopen - 1] : -1;
        int g = guess_level(I, x, open2, q + 1 < last ? top[q + 1] : -1);
        while (nopen && lvl[nopen - 1] >= g)
            nopen--;
        if (nopen) {
            t->parent[x] = open[nopen - 1];
            holds[open[nopen - 1]] = 1;
        }
        if (!I->closed[x] && g < 3) {
            open[nopen] = (int32_t)x;
            lvl[nopen++] = (uint8_t)g;
        } else if (I->end[x] >= 0) {
            /* A block closed by sums may end with a row that closed its parent's sum by its own
             * value while its rows follow the block (总计 = 本级合计 + 地州合计, and the 地州
             * after that): the last row down the block's right edge stays open for them. */
            size_t y = x;
            while (I->end[y] >= 0) {
                size_t lastc = y;
                for (size_t k = y + 1; k < (size_t)I->end[y]; k = next_item(I, k))
                    lastc = k;
                if (lastc == y)
                    break;
                y = lastc;
            }
            if (y != x && !I->closed[y]) {
                int gy = guess_level(I, y, -1, q + 1 < last ? top[q + 1] : -1);
                if (gy < 3) {
                    while (nopen && lvl[nopen - 1] >= gy)
                        nopen--;
                    open[nopen] = (int32_t)y;
                    lvl[nopen++] = (uint8_t)gy;
                }
            }
        }
    }
    if (last < ntop) {
        int32_t f = top[last];
        for (size_t q = 0; q < last; q++)
            if (t->parent[top[q]] < 0) {
                t->parent[top[q]] = f;
                holds[f] = 1;
            }
    }
    /* Does each row given children by name equal their sum? One pass over the top-level
     * items adds each into its parent's sum (slots numbered in OPEN, reused). */
    size_t nh = 0;
    for (size_t r = 0; r < I->n; r++)
        nh += holds[r];
    fp_amount *sums = calloc((nh ? nh : 1) * I->m, sizeof *sums);
    uint8_t *bad = calloc(nh ? nh : 1, 1);
    int32_t *slot = malloc(I->n * sizeof *slot);
    if (!sums || !bad || !slot) {
        free(sums);
        free(bad);
        free(slot);
        free(open);
        free(lvl);
        free(holds);
        return FP_ERR_NOMEM;
    }
    nh = 0;
    for (size_t r = 0; r < I->n; r++)
        slot[r] = holds[r] ? (int32_t)nh++ : -1;
    for (size_t q = 0; q < ntop; q++) {
        int32_t p = t->parent[top[q]];
        if (p < 0 || !holds[p])
            continue;
        fp_amount *acc = sums + (size_t)slot[p] * I->m;
        bad[slot[p]] |= (uint8_t)(acc_add(I, acc, (size_t)top[q]) != 0);
    }
    for (size_t x = 0; x < I->n; x++)
        if (holds[x] && (bad[slot[x]] || acc_cmp(I, sums + (size_t)slot[x] * I->m, x) != 0))
            unc[x] = 1;
    for (size_t q = 0; q < ntop; q++) {
        int32_t p = t->parent[top[q]];
        if (p >= 0 && holds[p] && unc[p] && !I->closed[top[q]])
            unc[top[q]] = 1;
    }
    free(sums);
    free(bad);
    free(slot);
    free(open);
    free(lvl);
    free(holds);
    return FP_OK;
}

fp_error notice_infer(fp_table *t, fp_diag *diag)
{
    size_t n = t->nrows;
    infer I = {0};
    I.t = t;
    I.n = n;
    fp_error e = FP_OK;
    int32_t *top = NULL;
    uint8_t *unc = NULL;
    for (size_t r = 0; r < n; r++)
        t->parent[r] = -1;
    size_t m = 0;
    for (size_t c = 0; c < t->ncols; c++)
        m += t->cols[c].is_amount != 0;
    I.m = m;
    size_t nn = n ? n : 1;
    I.ac = malloc((m ? m : 1) * sizeof *I.ac);
    I.nonneg = malloc(m ? m : 1);
    I.acc = malloc((m ? m : 1) * sizeof *I.acc);
    I.kind = malloc(nn);
    I.zero = malloc(nn);
    I.zeros = calloc(nn, 1);
    I.blanks = calloc(nn, 1);
    I.closed = calloc(nn, 1);
    I.weak = calloc(nn, 1);
    I.end = malloc(nn * sizeof *I.end);
    I.height = calloc(nn, sizeof *I.height);
    top = malloc(nn * sizeof *top);
    unc = calloc(nn, 1);
    if (!I.ac || !I.nonneg || !I.acc || !I.kind || !I.zero || !I.zeros || !I.blanks ||
        !I.closed || !I.weak || !I.end || !I.height || !top || !unc) {
        e = diag_set(diag, FP_ERR_NOMEM, t->source, 0, NULL, NULL, 0, "out of memory");
        goto done;
    }
    m = 0;
    for (size_t c = 0; c < t->ncols; c++)
        if (t->cols[c].is_amount) {
            I.ac[m] = c;
            I.nonneg[m] = 1;
            for (size_t r = 0; r < n; r++)
                if (t->cols[c].values[r] < 0)
                    I.nonneg[m] = 0;
            m++;
        }
    for (size_t r = 0; r < n; r++) {
        I.kind[r] = (uint8_t)classify(fp_table_row_name(t, r));
        I.zero[r] = 1;
        I.end[r] = -1;
        for (size_t k = 0; k < m; k++) {
            const column *c = &t->cols[I.ac[k]];
            int blank = bit_get(c->blank, r);
            if (c->values[r] != 0)
                I.zero[r] = 0;
            else if (blank)
                I.blanks[r] = 1;
            else
                I.zeros[r] = 1;
        }
    }
    I.steps = n > (SIZE_MAX - 100000) / STEPS_PER_ROW ? SIZE_MAX : n * STEPS_PER_ROW + 100000;
    if (m) {
        strict_blocks(&I);
        if (!evidence(&I)) { /* blocks only by chance: a flat list */
            for (size_t r = 0; r < n; r++)
                t->parent[r] = -1;
        } else if ((e = place_by_names(&I, top, top_items(&I, top), unc)) != FP_OK) {
            e = diag_set(diag, e, t->source, 0, NULL, NULL, 0, "out of memory");
            goto done;
        } else {
            hang_trailing_counties(&I);
        }
    }
    /* rows the reader found damaged, and halves of rows split over two lines */
    for (size_t s = 0; s < t->nsuspect; s++)
        if (t->suspect[s] < n)
            unc[t->suspect[s]] = 1;
    if (m && evidence(&I))
        for (size_t r = 0; r < n; r++)
            if (I.kind[r] == K_NUMBER)
                unc[r] = 1;
    free(t->suspect);
    t->suspect = NULL;
    t->nsuspect = t->suspectcap = 0;
    int any = 0;
    for (size_t r = 0; r < n && !any; r++)
        any = unc[r];
    free(t->uncertain);
    t->uncertain = NULL;
    if (any) {
        t->uncertain = unc;
        unc = NULL;
    }
done:
    free(I.ac);
    free(I.nonneg);
    free(I.acc);
    free(I.kind);
    free(I.zero);
    free(I.zeros);
    free(I.blanks);
    free(I.closed);
    free(I.weak);
    free(I.end);
    free(I.height);
    free(top);
    free(unc);
    return e;
}
