/* check/shift.c — names one row late against their numbers (label shifts): where a run starts, where it ends, the name it lost. */
#include <stdint.h>
#include <stdlib.h>
#include <limits.h>
#include <string.h>

#include "fenpei/check.h"
#include "fenpei/table.h"
#include "check/shift.h"
#include "places/gazetteer.h"

/* Rows a run may span, and the rows looked at from its start (the run and the rows under it). */
#define RUN_MAX 64
#define REGION (2 * RUN_MAX)
/* Names resolved in the gazetteer, remembered for one start (a power of two). */
#define CACHE 2048
/* Divisions of one division looked at for a lost name (a province has up to ~200 counties). */
#define KIDS_MAX 256

enum { FIT = 2, MISFIT = -2 };

typedef struct trial {
    const fp_table *t;
    size_t n;      /* rows of the table */
    size_t a, hi;  /* the region: rows a … hi-1 */
    size_t b;      /* the run's last row, or FP_NONE: the names as stated */
    int lost;      /* the division whose name the run lost (row b), or -1 */
    int div[REGION]; /* the division each row of the region names (-1: none), -2: not yet known */
    struct {
        const char *nm; /* a name of the table (its pool keeps it), NULL: free */
        int key, e;     /* key: within * 4 + level; e: gz_resolve's answer */
    } cache[CACHE];
} trial;

/* gz_resolve(NM, LEVEL, WITHIN), remembered: the same names are looked up for every end tried. */
static int resolve(trial *T, const char *nm, int level, int within)
{
    int key = within * 4 + level;
    size_t h = (size_t)(((uintptr_t)nm >> 2) ^ ((uintptr_t)(unsigned)key * 2654435761u));
    for (size_t i = 0; i < 8; i++) {
        size_t slot = (h + i) & (CACHE - 1);
        if (T->cache[slot].nm == nm && T->cache[slot].key == key)
            return T->cache[slot].e;
        if (!T->cache[slot].nm) {
            int e = gz_resolve(nm, level, within);
            T->cache[slot].nm = nm;
            T->cache[slot].key = key;
            T->cache[slot].e = e;
            return e;
        }
    }
    return gz_resolve(nm, level, within);
}

static int starts_with(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* The name row K carries with the names realigned (NULL: the lost name of row b). */
static const char *name_at(const trial *T, size_t k)
{
    if (T->b != FP_NONE && k >= T->a && k < T->b)
        return fp_table_row_name(T->t, k + 1);
    if (T->b != FP_NONE && k == T->b)
        return NULL;
    return fp_table_row_name(T->t, k);
}

/* The division row K names, realigned (-1 when none: no place, an unknown or ambiguous name). */
static int div_of(trial *T, size_t k)
{
    if (k == FP_NONE)
        return -1;
    int *memo = k >= T->a && k < T->hi ? &T->div[k - T->a] : NULL;
    if (memo && *memo != -2)
        return *memo;
    int e;
    if (T->b != FP_NONE && k == T->b) {
        e = T->lost;
    } else {
        const char *nm = name_at(T, k);
        int P = div_of(T, fp_table_parent(T->t, k));
        e = resolve(T, nm, 0, P >= 0 ? P : -1);
        if (e == P || e < 0)
            e = -1;
    }
    if (memo)
        *memo = e;
    return e;
}

/* The province the rows under P (a row that names no place, 地州合计) belong to, by the
 * prefectures its rows name; -1 when none does. */
static int province_under(trial *T, size_t p)
{
    size_t c = p == FP_NONE ? fp_table_first_root(T->t) : fp_table_first_child(T->t, p);
    for (; c != FP_NONE; c = fp_table_next_sibling(T->t, c)) {
        if (T->b != FP_NONE && c == T->b)
            continue;
        const char *nm = name_at(T, c);
        int e = nm ? resolve(T, nm, GZ_PREFECTURE, -1) : -1;
        if (e >= 0)
            return gz_parent(e);
    }
    return -1;
}

/* The one division under the parent of row B that no other row there names: the lost name.
 * -1 when there is none or more than one. */
static int lost_division(trial *T, size_t b)
{
    size_t p = fp_table_parent(T->t, b);
    int P = div_of(T, p), level = 0;
    if (P < 0) { /* rows under a row that is no place: prefectures, when B has rows of its own */
        if (fp_table_first_child(T->t, b) == FP_NONE)
            return -1;
        P = province_under(T, p);
        level = GZ_PREFECTURE;
        if (P < 0)
            return -1;
    }
    /* the divisions of P, and which of them the other rows under p name */
    int kids[KIDS_MAX], count = 0, found = -1;
    unsigned char named[KIDS_MAX] = {0};
    for (int c = 0; c < gz_count(); c++)
        if (gz_parent(c) == P && (!level || gz_level(c) == level)) {
            if (count == KIDS_MAX)
                return -1;
            kids[count++] = c;
        }
    size_t x = p == FP_NONE ? fp_table_first_root(T->t) : fp_table_first_child(T->t, p);
    for (size_t seen = 0; x != FP_NONE; x = fp_table_next_sibling(T->t, x)) {
        if (++seen > 4 * KIDS_MAX)
            return -1; /* far more rows than divisions: not a list of P's divisions */
        const char *nm = x == b ? NULL : name_at(T, x);
        if (!nm || !*nm)
            continue;
        int e = resolve(T, nm, level, P);
        for (int i = 0; i < count && e >= 0; i++)
            if (kids[i] == e)
                named[i] = 1;
    }
    for (int i = 0; i < count; i++) {
        if (named[i])
            continue;
        if (found >= 0)
            return -1;
        found = kids[i];
    }
    return found;
}

/* How well the names of the region fit the tree: FIT for a row naming a division of its
 * parent's division (or a prefecture where a row of prefectures is expected), MISFIT for an empty
 * name, a name repeating the row above, a division elsewhere, a 其中 row after other rows. */
static int fit_of(trial *T)
{
    int score = 0;
    for (size_t k = T->a; k < T->hi; k++) {
        if (T->b != FP_NONE && k == T->b) {
            score += T->lost >= 0 ? FIT : 0;
            continue;
        }
        const char *nm = name_at(T, k);
        if (!*nm) {
            score += MISFIT;
            continue;
        }
        size_t p = fp_table_parent(T->t, k);
        if (k > 0 && k - 1 != p) {
            const char *above = name_at(T, k - 1);
            if (above && strcmp(above, nm) == 0) {
                score += MISFIT;
                continue;
            }
        }
        if (starts_with(nm, "其中")) {
            const char *above = k > 0 && k - 1 != p ? name_at(T, k - 1) : NULL;
            if (k > 0 && k - 1 != p && (!above || !starts_with(above, "其中")))
                score += MISFIT;
            continue;
        }
        int P = div_of(T, p), e = div_of(T, k);
        if (P >= 0) {
            if (e >= 0 && gz_parent(e) == P)
                score += FIT;
            else if (resolve(T, nm, 0, -1) != GZ_NONE)
                score += MISFIT;
        } else if (fp_table_first_child(T->t, k) != FP_NONE) {
            if (resolve(T, nm, GZ_PREFECTURE, -1) >= 0)
                score += FIT;
            else if (resolve(T, nm, GZ_COUNTY, -1) >= 0)
                score += MISFIT;
        }
    }
    return score;
}

/* Pairs of rows of the region under one parent listed against the order of their codes. */
static int inversions(trial *T)
{
    long key[REGION];
    size_t par[REGION];
    for (size_t k = T->a; k < T->hi; k++) {
        size_t p = fp_table_parent(T->t, k);
        int e = div_of(T, k), P = div_of(T, p);
        par[k - T->a] = p;
        key[k - T->a] = e >= 0 && (P < 0 || gz_parent(e) == P) ? gz_listing_code(e) : -1;
    }
    int inv = 0;
    size_t m = T->hi - T->a;
    for (size_t i = 0; i < m; i++) {
        if (key[i] < 0)
            continue;
        for (size_t j = i + 1; j < m; j++)
            inv += key[j] >= 0 && par[j] == par[i] && key[j] < key[i];
    }
    return inv;
}

/* The lost name (division E) in the form the table writes its peers in — the one rule for a
 * label shift's lost name and a missing row's. A division with one form: that form, sure. A
 * division renamed in year Y: the former name when the table names a division renamed in Y or
 * earlier by its former name, the present one when it names one renamed in Y or later by its
 * present name, sure; NULL when the table shows neither. A division with a short form (木垒县 for
 * 木垒哈萨克自治县): the form E's siblings under PARENT use when they use one, else the form most
 * of the table's divisions of E's level use; sure only when the table's divisions with two forms
 * all use one of them (a table that shortens some and not others leaves the form to a guess). */
const char *ck_lost_form(const fp_table *t, int e, size_t parent, int *sure)
{
    int ok = 0;
    if (!sure)
        sure = &ok;
    *sure = 0;
    if (e < 0)
        return NULL;
    int year = gz_renamed_year(e), two = strcmp(gz_short_name(e), gz_name(e)) != 0;
    if (!two && !gz_former_name(e)) {
        *sure = 1;
        return gz_name(e);
    }
    size_t short_used = 0, full_used = 0, sib_short = 0, sib_full = 0;
    int older = 0, newer = 0;
    for (size_t r = 0; r < fp_table_row_count(t); r++) {
        const char *nm = fp_table_row_name(t, r);
        if (!*nm)
            continue;
        int x = gz_resolve(nm, 0, -1);
        if (x < 0 || x == e)
            continue;
        int y = gz_renamed_year(x);
        if (y && year) {
            if (strcmp(gz_former_name(x), nm) == 0)
                older |= y <= year; /* named before X's renaming, so before E's */
            else
                newer |= y >= year; /* named after X's renaming, so after E's */
        }
        if (gz_level(x) != gz_level(e) || strcmp(gz_short_name(x), gz_name(x)) == 0)
            continue;
        int full = strcmp(nm, gz_name(x)) == 0;
        full_used += (size_t)full;
        short_used += (size_t)!full;
        if (parent != FP_NONE && fp_table_parent(t, r) == parent) {
            sib_full += (size_t)full;
            sib_short += (size_t)!full;
        }
    }
    if (gz_former_name(e)) {
        if (older == newer)
            return NULL;
        *sure = 1;
        return older ? gz_former_name(e) : gz_name(e);
    }
    *sure = (full_used > 0) != (short_used > 0);
    if ((sib_full > 0) != (sib_short > 0))
        return sib_short ? gz_short_name(e) : gz_name(e);
    return short_used > full_used ? gz_short_name(e) : gz_name(e);
}

int ck_shift_start(const fp_table *t, size_t a)
{
    size_t n = fp_table_row_count(t);
    if (a == 0 || a + 1 >= n)
        return 0;
    const char *nm = fp_table_row_name(t, a), *above = fp_table_row_name(t, a - 1);
    /* a run starts at a row with no name or with the name of the row above (the first of such
     * rows: a run of one name is tried once) */
    if (*nm ? strcmp(nm, above) != 0 : !*above)
        return 0;
    if (*nm && a >= 2 && strcmp(nm, fp_table_row_name(t, a - 2)) == 0)
        return 0;
    /* and among names the gazetteer knows: a table of towns or of bodies is not judged */
    for (size_t k = a + 1; k < n && k <= a + 4; k++)
        if (gz_resolve(fp_table_row_name(t, k), 0, -1) != GZ_NONE)
            return 1;
    return 0;
}

int ck_keeps_order(const fp_table *t, size_t lo, size_t hi)
{
    size_t n = fp_table_row_count(t);
    for (size_t p = 0; p < n; p++) {
        size_t first = fp_table_first_child(t, p);
        if (first == FP_NONE)
            continue;
        int P = gz_resolve(fp_table_row_name(t, p), 0, -1);
        if (P < 0)
            continue;
        long prev = -1;
        for (size_t k = first; k != FP_NONE; k = fp_table_next_sibling(t, k)) {
            if (k >= lo && k < hi) {
                prev = -1;
                continue;
            }
            int e = gz_resolve(fp_table_row_name(t, k), 0, P);
            if (e < 0 || gz_parent(e) != P)
                continue;
            long key = gz_listing_code(e);
            if (prev >= 0 && key < prev)
                return 0;
            prev = key;
        }
    }
    return 1;
}

int fp_label_shift_at(const fp_table *t, size_t a, fp_label_shift *out)
{
    size_t n = fp_table_row_count(t);
    memset(out, 0, sizeof *out);
    if (!ck_shift_start(t, a))
        return 0;
    static const trial zero;
    trial T = zero;
    T.t = t;
    T.n = n;
    T.a = a;
    T.hi = a + REGION < n ? a + REGION : n;
    T.b = FP_NONE;
    T.lost = -1;
    for (size_t k = 0; k < REGION; k++)
        T.div[k] = -2;
    int base = fit_of(&T);
    int best_fit = 0, best_inv = 0, have = 0;
    size_t best_b = FP_NONE, alt_b = FP_NONE;
    int best_lost = -1, fits[RUN_MAX + 1];
    for (size_t b = a + 1; b < T.hi && b <= a + RUN_MAX; b++) {
        fits[b - a] = INT_MIN;
        T.b = b;
        T.lost = -1;
        for (size_t k = 0; k < REGION; k++)
            T.div[k] = -2;
        T.lost = lost_division(&T, b);
        for (size_t k = 0; k < REGION; k++)
            T.div[k] = -2;
        int fit = fit_of(&T);
        if (fit < base + 2 * FIT)
            continue;
        fits[b - a] = fit;
        int inv = inversions(&T);
        if (!have || fit > best_fit || (fit == best_fit && inv < best_inv)) {
            have = 1;
            best_fit = fit;
            best_inv = inv;
            best_b = b;
            best_lost = T.lost;
            alt_b = FP_NONE;
        } else if (fit == best_fit && inv == best_inv && alt_b == FP_NONE) {
            alt_b = b;
        }
    }
    if (!have)
        return 0;
    out->first = a;
    out->last = best_b;
    out->last_alt = alt_b;
    out->ambiguous = alt_b != FP_NONE;
    /* another end that fits as well, second only by the code order: the nearest to LAST, the
     * earlier of two as near (within one block any end fits and loses the same name) */
    for (size_t d = 1; d <= RUN_MAX && !out->ambiguous && !out->by_order; d++)
        for (int later = 0; later < 2 && !out->by_order; later++) {
            size_t b = later ? best_b + d : best_b - d; /* wraps past 0: out of range below */
            if (b > a && b < T.hi && b <= a + RUN_MAX && fits[b - a] == best_fit) {
                out->by_order = 1;
                out->last_alt = b;
            }
        }
    if (out->by_order && ck_keeps_order(t, a, best_b + 2)) {
        out->by_order = 0;
        out->last_alt = FP_NONE;
    }
    out->lost = best_lost >= 0 ? ck_lost_form(t, best_lost, fp_table_parent(t, best_b),
                                              &out->lost_sure)
                               : NULL;
    out->lost_division = best_lost >= 0 ? gz_name(best_lost) : NULL;
    return 1;
}
