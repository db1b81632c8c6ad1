/* test_apportion.c — the classical apportionment methods against published results,
 * a brute-force reference, and their textbook properties. */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fenpei/apportion.h"

#ifndef FENPEI_SOURCE_DIR
#define FENPEI_SOURCE_DIR "."
#endif
#define DATA_DIR FENPEI_SOURCE_DIR "/tests/data/apportionment/"

#include "util/int128.h"

static const fp_method S_divisor_methods[] = {FP_METHOD_JEFFERSON, FP_METHOD_WEBSTER,
                                              FP_METHOD_HUNTINGTON_HILL, FP_METHOD_ADAMS};
static const fp_method S_all_methods[] = {FP_METHOD_HAMILTON, FP_METHOD_JEFFERSON,
                                          FP_METHOD_WEBSTER, FP_METHOD_HUNTINGTON_HILL,
                                          FP_METHOD_ADAMS};
#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* ---- a tiny reader for the published tables: name,int,int[,int] per line ---- */

typedef struct table {
    size_t n;
    char name[64][256];
    long long col[64][4];
} table;

static void read_table(const char *path, table *t)
{
    FILE *f = fopen(path, "r");
    cr_assert_not_null(f, "cannot open %s", path);
    char line[256];
    memset(t, 0, sizeof *t);
    cr_assert_not_null(fgets(line, sizeof line, f)); /* header */
    while (fgets(line, sizeof line, f) != NULL) {
        if (line[0] == '\n' || line[0] == '\r' || line[0] == '\0')
            continue;
        cr_assert_lt(t->n, 64u);
        char *p = strchr(line, ',');
        cr_assert_not_null(p);
        *p = '\0';
        snprintf(t->name[t->n], sizeof t->name[t->n], "%s", line);
        for (int c = 0; c < 4 && p != NULL; c++) {
            t->col[t->n][c] = strtoll(p + 1, NULL, 10);
            p = strchr(p + 1, ',');
        }
        t->n++;
    }
    fclose(f);
}

/* ---- the brute-force reference: one seat at a time from the minimums, by exact priority,
 *      first in input among equals (small values only: everything fits 128 bits) ---- */

static void naive_prio(fp_method m, long long w, long long k, i128 *num, i128 *den)
{
    if (w == 0) {
        *num = 0, *den = 1;
        return;
    }
    switch (m) {
    case FP_METHOD_JEFFERSON: *num = w, *den = k + 1; break;
    case FP_METHOD_WEBSTER: *num = 2 * (i128)w, *den = 2 * k + 1; break;
    case FP_METHOD_ADAMS: *num = w, *den = k; break;
    default: *num = (i128)w * w, *den = (i128)k * (k + 1); break;
    }
}

static void naive_divisor(fp_method m, const fp_amount *w, size_t n, long long seats,
                          const int64_t *min, const int64_t *max, int64_t *out)
{
    long long left = seats;
    for (size_t i = 0; i < n; i++) {
        out[i] = min ? min[i] : 0;
        left -= out[i];
    }
    for (; left > 0; left--) {
        size_t best = n;
        i128 bn = 0, bd = 1;
        for (size_t i = 0; i < n; i++) {
            if (max && out[i] >= max[i])
                continue;
            i128 pn, pd;
            naive_prio(m, w[i], out[i], &pn, &pd);
            if (best == n || pn * bd > bn * pd)
                best = i, bn = pn, bd = pd;
        }
        cr_assert_neq(best, n, "reference ran out of room");
        out[best]++;
    }
}

/* Largest remainder without bounds: the plain textbook rule. */
static void naive_hamilton(const fp_amount *w, size_t n, long long seats, int64_t *out)
{
    i128 total = 0;
    for (size_t i = 0; i < n; i++)
        total += w[i];
    long long left = seats;
    for (size_t i = 0; i < n; i++) {
        out[i] = (int64_t)((i128)seats * w[i] / total);
        left -= out[i];
    }
    char *taken = calloc(n, 1);
    for (; left > 0; left--) {
        size_t best = n;
        i128 br = -1;
        for (size_t i = 0; i < n; i++) {
            i128 r = (i128)seats * w[i] % total;
            if (!taken[i] && r > br)
                best = i, br = r;
        }
        taken[best] = 1;
        out[best]++;
    }
    free(taken);
}

static unsigned long long S_rng = 0x9E3779B97F4A7C15ull;
static unsigned long long rnd(void)
{
    /* xorshift64*: deterministic across runs */
    S_rng ^= S_rng >> 12;
    S_rng ^= S_rng << 25;
    S_rng ^= S_rng >> 27;
    return S_rng * 0x2545F4914F6CDD1Dull;
}
static long long rnd_in(long long lo, long long hi)
{
    return lo + (long long)(rnd() % (unsigned long long)(hi - lo + 1));
}

static long long sum(const int64_t *a, size_t n)
{
    long long s = 0;
    for (size_t i = 0; i < n; i++)
        s += a[i];
    return s;
}

static void expect_seats(const int64_t *got, const long long *want, size_t n, const char *what)
{
    for (size_t i = 0; i < n; i++)
        cr_expect_eq(got[i], want[i], "%s: party %zu: expected %lld, got %lld", what, i + 1,
                     want[i], (long long)got[i]);
}

/* ---- names ---- */

Test(method_names, canonical_names_and_aliases_parse_case_insensitively)
{
    struct {
        const char *text;
        fp_method want;
    } cases[] = {
        {"controlled", FP_METHOD_CONTROLLED},  {"hamilton", FP_METHOD_HAMILTON},
        {"Hamilton", FP_METHOD_HAMILTON},      {"jefferson", FP_METHOD_JEFFERSON},
        {"dhondt", FP_METHOD_JEFFERSON},       {"D'Hondt", FP_METHOD_JEFFERSON},
        {"webster", FP_METHOD_WEBSTER},        {"Sainte-Lague", FP_METHOD_WEBSTER},
        {"huntington-hill", FP_METHOD_HUNTINGTON_HILL}, {"HH", FP_METHOD_HUNTINGTON_HILL},
        {"adams", FP_METHOD_ADAMS},            {"ADAMS", FP_METHOD_ADAMS},
    };
    for (size_t i = 0; i < COUNT(cases); i++) {
        fp_method got = FP_METHOD_MAX;
        cr_expect_eq(fp_method_parse(cases[i].text, &got), FP_OK, "%s", cases[i].text);
        cr_expect_eq(got, cases[i].want, "%s", cases[i].text);
    }
    for (int m = 0; m < FP_METHOD_MAX; m++) {
        fp_method got = FP_METHOD_MAX;
        cr_expect_eq(fp_method_parse(fp_method_name((fp_method)m), &got), FP_OK);
        cr_expect_eq(got, (fp_method)m);
    }
    cr_expect_str_eq(fp_method_name(FP_METHOD_HUNTINGTON_HILL), "huntington-hill");
}

Test(method_names, unknown_names_are_rejected)
{
    fp_method got = FP_METHOD_ADAMS;
    cr_expect_eq(fp_method_parse("largest", &got), FP_ERR_ARGUMENT);
    cr_expect_eq(fp_method_parse("", &got), FP_ERR_ARGUMENT);
    cr_expect_eq(fp_method_parse(NULL, &got), FP_ERR_ARGUMENT);
    cr_expect_eq(got, FP_METHOD_ADAMS);
    cr_expect_str_eq(fp_method_name(FP_METHOD_MAX), "unknown");
}

/* ---- published results ---- */

/* US Census Bureau, 2020 apportionment: Huntington-Hill, 435 seats, at least one each. */
Test(published, us2020_huntington_hill_435_seats_gives_the_official_house)
{
    table t;
    read_table(DATA_DIR "us2020-house.csv", &t);
    cr_assert_eq(t.n, 50u);
    fp_amount w[64], w_amount[64];
    int64_t min[64], got[64];
    long long want[64];
    for (size_t i = 0; i < t.n; i++) {
        w[i] = t.col[i][0];
        w_amount[i] = t.col[i][0] * FP_AMOUNT_SCALE; /* as fenpei amounts: same ratios */
        min[i] = 1;
        want[i] = t.col[i][1];
    }
    fp_diag d;
    cr_assert_eq(fp_apportion(FP_METHOD_HUNTINGTON_HILL, w, t.n, 435, min, NULL, got, &d), FP_OK,
                 "%s", d.message);
    expect_seats(got, want, t.n, "2020");
    cr_assert_eq(fp_apportion(FP_METHOD_HUNTINGTON_HILL, w_amount, t.n, 435, min, NULL, got, &d),
                 FP_OK, "%s", d.message);
    expect_seats(got, want, t.n, "2020 as amounts");
    /* Huntington-Hill gives every state a seat by itself: the minimum changes nothing */
    cr_assert_eq(fp_apportion(FP_METHOD_HUNTINGTON_HILL, w, t.n, 435, NULL, NULL, got, &d), FP_OK);
    expect_seats(got, want, t.n, "2020 without minimum");
}

/* The Alabama paradox (1880 census): Hamilton with a one-seat minimum gives Alabama 8 of 299
 * seats and 7 of 300; columns 2 and 3 of the data file are the published apportionments. */
Test(published, us1880_hamilton_min1_alabama_paradox)
{
    table t;
    read_table(DATA_DIR "us1880-census.csv", &t);
    cr_assert_eq(t.n, 38u);
    fp_amount w[64];
    int64_t min[64], got[64];
    long long want299[64], want300[64];
    size_t alabama = t.n;
    for (size_t i = 0; i < t.n; i++) {
        w[i] = t.col[i][0];
        min[i] = 1;
        want299[i] = t.col[i][1];
        want300[i] = t.col[i][2];
        if (strcmp(t.name[i], "Alabama") == 0)
            alabama = i;
    }
    cr_assert_neq(alabama, t.n);
    fp_diag d;
    cr_assert_eq(fp_apportion(FP_METHOD_HAMILTON, w, t.n, 299, min, NULL, got, &d), FP_OK, "%s",
                 d.message);
    expect_seats(got, want299, t.n, "299 seats");
    cr_expect_eq(got[alabama], 8);
    cr_assert_eq(fp_apportion(FP_METHOD_HAMILTON, w, t.n, 300, min, NULL, got, &d), FP_OK, "%s",
                 d.message);
    expect_seats(got, want300, t.n, "300 seats");
    cr_expect_eq(got[alabama], 7);
}

/* D'Hondt: the worked example of the Wikipedia article "D'Hondt method" (parties A–D with
 * 100,000 / 80,000 / 30,000 / 20,000 votes, 8 seats → 4, 3, 1, 0). */
Test(published, dhondt_wikipedia_example_8_seats)
{
    const fp_amount votes[] = {100000, 80000, 30000, 20000};
    int64_t got[4];
    const long long want[] = {4, 3, 1, 0};
    cr_assert_eq(fp_apportion(FP_METHOD_JEFFERSON, votes, 4, 8, NULL, NULL, got, NULL), FP_OK);
    expect_seats(got, want, 4, "D'Hondt");
}

/* Sainte-Laguë: the same votes in the Wikipedia article "Sainte-Laguë method", 8 seats →
 * 3, 3, 1, 1 (A's third quotient 20,000 ties D's first; both are within the 8). */
Test(published, sainte_lague_wikipedia_example_8_seats)
{
    const fp_amount votes[] = {100000, 80000, 30000, 20000};
    int64_t got[4];
    const long long want[] = {3, 3, 1, 1};
    cr_assert_eq(fp_apportion(FP_METHOD_WEBSTER, votes, 4, 8, NULL, NULL, got, NULL), FP_OK);
    expect_seats(got, want, 4, "Sainte-Laguë");
}

/* Hamilton: the same votes, 8 seats: quotas 3.478, 2.783, 1.043, 0.696 → floors 3, 2, 1, 0
 * and the two seats left go to B (.783) and D (.696). Adams: divisors 0, 1, 2, … with the
 * same votes give every party a first seat: 3, 3, 1, 1. */
Test(published, hamilton_and_adams_on_the_same_votes)
{
    const fp_amount votes[] = {100000, 80000, 30000, 20000};
    int64_t got[4];
    const long long ham[] = {3, 3, 1, 1};
    cr_assert_eq(fp_apportion(FP_METHOD_HAMILTON, votes, 4, 8, NULL, NULL, got, NULL), FP_OK);
    expect_seats(got, ham, 4, "Hamilton");
    const long long adams[] = {3, 3, 1, 1};
    cr_assert_eq(fp_apportion(FP_METHOD_ADAMS, votes, 4, 8, NULL, NULL, got, NULL), FP_OK);
    expect_seats(got, adams, 4, "Adams");
    /* D'Hondt with 7 seats: quotients 100k 80k 50k 40k 33.3k 30k 26.7k → 3, 3, 1, 0 */
    const long long dh7[] = {3, 3, 1, 0};
    cr_assert_eq(fp_apportion(FP_METHOD_JEFFERSON, votes, 4, 7, NULL, NULL, got, NULL), FP_OK);
    expect_seats(got, dh7, 4, "D'Hondt 7");
}

/* ---- ties, zeros, edges ---- */

Test(ties, equal_priorities_go_to_the_party_first_in_input)
{
    const fp_amount w[] = {5, 5, 5};
    int64_t got[3];
    for (size_t m = 0; m < COUNT(S_all_methods); m++) {
        const long long want2[] = {1, 1, 0}, want1[] = {1, 0, 0}, want4[] = {2, 1, 1};
        cr_assert_eq(fp_apportion(S_all_methods[m], w, 3, 2, NULL, NULL, got, NULL), FP_OK);
        expect_seats(got, want2, 3, fp_method_name(S_all_methods[m]));
        cr_assert_eq(fp_apportion(S_all_methods[m], w, 3, 1, NULL, NULL, got, NULL), FP_OK);
        expect_seats(got, want1, 3, fp_method_name(S_all_methods[m]));
        cr_assert_eq(fp_apportion(S_all_methods[m], w, 3, 4, NULL, NULL, got, NULL), FP_OK);
        expect_seats(got, want4, 3, fp_method_name(S_all_methods[m]));
    }
    /* a tie between different weights: Jefferson 6/2 = 3/1 for the third seat */
    const fp_amount v[] = {3, 6};
    int64_t g2[2];
    const long long want[] = {1, 2}; /* 6, 3(A), 3(B): A is first, so 6→B, 3→A, then B's 3 */
    cr_assert_eq(fp_apportion(FP_METHOD_JEFFERSON, v, 2, 3, NULL, NULL, g2, NULL), FP_OK);
    expect_seats(g2, want, 2, "jefferson 3 vs 6");
    const long long want2[] = {1, 1}; /* two seats: 6 (B), then 3 (A) before 3 (B) */
    cr_assert_eq(fp_apportion(FP_METHOD_JEFFERSON, v, 2, 2, NULL, NULL, g2, NULL), FP_OK);
    expect_seats(g2, want2, 2, "jefferson 3 vs 6, 2 seats");
    const fp_amount v2[] = {6, 3};
    const long long want3[] = {2, 0}; /* reversed input: the tie now goes to the 6 */
    cr_assert_eq(fp_apportion(FP_METHOD_JEFFERSON, v2, 2, 2, NULL, NULL, g2, NULL), FP_OK);
    expect_seats(g2, want3, 2, "jefferson 6 vs 3, 2 seats");
}

Test(ties, huntington_hill_and_adams_seat_everyone_first_when_seats_allow)
{
    const fp_amount w[] = {1000000, 1, 1, 1};
    int64_t got[4];
    const long long want10[] = {7, 1, 1, 1}, want2[] = {1, 1, 0, 0};
    cr_assert_eq(fp_apportion(FP_METHOD_HUNTINGTON_HILL, w, 4, 10, NULL, NULL, got, NULL), FP_OK);
    expect_seats(got, want10, 4, "hh 10");
    cr_assert_eq(fp_apportion(FP_METHOD_ADAMS, w, 4, 10, NULL, NULL, got, NULL), FP_OK);
    expect_seats(got, want10, 4, "adams 10");
    /* fewer seats than parties: the first seats are all "infinitely" wanted; input order */
    cr_assert_eq(fp_apportion(FP_METHOD_HUNTINGTON_HILL, w, 4, 2, NULL, NULL, got, NULL), FP_OK);
    expect_seats(got, want2, 4, "hh 2");
    cr_assert_eq(fp_apportion(FP_METHOD_ADAMS, w, 4, 2, NULL, NULL, got, NULL), FP_OK);
    expect_seats(got, want2, 4, "adams 2");
}

Test(edges, zero_weights_get_nothing_or_their_minimum)
{
    const fp_amount w[] = {0, 5, 0, 5};
    int64_t got[4];
    const long long want[] = {0, 2, 0, 2};
    for (size_t m = 0; m < COUNT(S_all_methods); m++) {
        cr_assert_eq(fp_apportion(S_all_methods[m], w, 4, 4, NULL, NULL, got, NULL), FP_OK);
        expect_seats(got, want, 4, fp_method_name(S_all_methods[m]));
    }
    const int64_t min[] = {1, 0, 1, 0};
    const long long wmin[] = {1, 1, 1, 1};
    for (size_t m = 0; m < COUNT(S_all_methods); m++) {
        cr_assert_eq(fp_apportion(S_all_methods[m], w, 4, 4, min, NULL, got, NULL), FP_OK);
        expect_seats(got, wmin, 4, fp_method_name(S_all_methods[m]));
    }
}

Test(edges, zero_weights_take_what_capped_parties_cannot)
{
    const fp_amount w[] = {5, 0, 0};
    const int64_t max[] = {2, 3, 10};
    int64_t got[3];
    const long long want[] = {2, 3, 1};
    for (size_t m = 0; m < COUNT(S_all_methods); m++) {
        cr_assert_eq(fp_apportion(S_all_methods[m], w, 3, 6, NULL, max, got, NULL), FP_OK);
        expect_seats(got, want, 3, fp_method_name(S_all_methods[m]));
    }
}

Test(edges, zero_seats_and_no_parties)
{
    const fp_amount w[] = {3, 0, 9};
    int64_t got[3] = {7, 7, 7};
    const long long zero[] = {0, 0, 0};
    for (size_t m = 0; m < COUNT(S_all_methods); m++) {
        cr_assert_eq(fp_apportion(S_all_methods[m], w, 3, 0, NULL, NULL, got, NULL), FP_OK);
        expect_seats(got, zero, 3, fp_method_name(S_all_methods[m]));
    }
    cr_expect_eq(fp_apportion(FP_METHOD_WEBSTER, NULL, 0, 0, NULL, NULL, NULL, NULL), FP_OK);
    const fp_amount none[] = {0, 0};
    cr_expect_eq(fp_apportion(FP_METHOD_WEBSTER, none, 2, 0, NULL, NULL, got, NULL), FP_OK);
}

Test(edges, bad_arguments_are_refused)
{
    const fp_amount w[] = {3, 4};
    const fp_amount neg[] = {3, -4};
    const fp_amount zeros[] = {0, 0};
    const int64_t negmin[] = {-1, 0};
    int64_t got[2];
    fp_diag d;
    cr_expect_eq(fp_apportion(FP_METHOD_CONTROLLED, w, 2, 5, NULL, NULL, got, &d),
                 FP_ERR_ARGUMENT);
    cr_expect_eq(d.code, FP_ERR_ARGUMENT);
    cr_expect_eq(fp_apportion(FP_METHOD_MAX, w, 2, 5, NULL, NULL, got, &d), FP_ERR_ARGUMENT);
    cr_expect_eq(fp_apportion(FP_METHOD_HAMILTON, w, 2, -1, NULL, NULL, got, &d),
                 FP_ERR_ARGUMENT);
    cr_expect_eq(fp_apportion(FP_METHOD_HAMILTON, neg, 2, 5, NULL, NULL, got, &d),
                 FP_ERR_ARGUMENT);
    cr_expect(strstr(d.message, "party 2") != NULL, "%s", d.message);
    cr_expect_eq(fp_apportion(FP_METHOD_HAMILTON, zeros, 2, 5, NULL, NULL, got, &d),
                 FP_ERR_ARGUMENT);
    cr_expect_eq(fp_apportion(FP_METHOD_HAMILTON, w, 2, 5, negmin, NULL, got, &d),
                 FP_ERR_ARGUMENT);
    cr_expect_eq(fp_apportion(FP_METHOD_JEFFERSON, NULL, 2, 5, NULL, NULL, got, &d),
                 FP_ERR_ARGUMENT);
    cr_expect_eq(fp_apportion(FP_METHOD_JEFFERSON, w, 0, 5, NULL, NULL, got, NULL),
                 FP_ERR_INFEASIBLE);
}

Test(edges, infeasible_bounds_say_by_how_much)
{
    const fp_amount w[] = {3, 4, 5};
    const int64_t min[] = {2, 3, 4};       /* 9 */
    const int64_t max[] = {2, 3, 4};       /* 9 */
    const int64_t bad[] = {2, 1, 4};       /* party 2: max 1 < min 3 */
    int64_t got[3];
    fp_diag d;
    for (size_t m = 0; m < COUNT(S_all_methods); m++) {
        cr_expect_eq(fp_apportion(S_all_methods[m], w, 3, 7, min, NULL, got, &d),
                     FP_ERR_INFEASIBLE);
        cr_expect_eq(d.code, FP_ERR_INFEASIBLE);
        cr_expect(strstr(d.message, "9") && strstr(d.message, "2 more"), "%s", d.message);
        cr_expect_eq(fp_apportion(S_all_methods[m], w, 3, 12, NULL, max, got, &d),
                     FP_ERR_INFEASIBLE);
        cr_expect(strstr(d.message, "9") && strstr(d.message, "3 fewer"), "%s", d.message);
        cr_expect_eq(fp_apportion(S_all_methods[m], w, 3, 9, min, bad, got, &d),
                     FP_ERR_INFEASIBLE);
        cr_expect(strstr(d.message, "party 2") != NULL, "%s", d.message);
        /* exactly feasible: min = max = the seats */
        const long long want[] = {2, 3, 4};
        cr_expect_eq(fp_apportion(S_all_methods[m], w, 3, 9, min, max, got, &d), FP_OK);
        expect_seats(got, want, 3, fp_method_name(S_all_methods[m]));
    }
}

Test(bounds, divisor_methods_clamp_and_readjust_the_divisor)
{
    /* D'Hondt on 100k/80k/30k/20k, 8 seats, with max 2 for A and min 2 for D: D starts at 2
     * (its next quotient is 20k/3), the other 6 seats by quotient: A 100k, B 80k, A 50k (A is
     * now full), B 40k, C 30k, B 26.7k */
    const fp_amount votes[] = {100000, 80000, 30000, 20000};
    const int64_t min[] = {0, 0, 0, 2}, max[] = {2, 8, 8, 8};
    int64_t got[4];
    const long long want[] = {2, 3, 1, 2};
    cr_assert_eq(fp_apportion(FP_METHOD_JEFFERSON, votes, 4, 8, min, max, got, NULL), FP_OK);
    expect_seats(got, want, 4, "bounded D'Hondt");
}

Test(bounds, hamilton_falls_back_to_rescaled_quotas_when_minimums_eat_the_remainders)
{
    /* quotas 0.099, 4.950, 4.950 of 10: party 1 gets its minimum 3 and the floors 4 + 4
     * already make 11, so the historical rule cannot work. Rescaled: 3 + 100μ = 10 gives
     * quotas 3.5 / 3.5 for the others; the remaining seat goes to the first of them. */
    const fp_amount w[] = {1, 50, 50};
    const int64_t min[] = {3, 0, 0};
    int64_t got[3];
    const long long want[] = {3, 4, 3};
    cr_assert_eq(fp_apportion(FP_METHOD_HAMILTON, w, 3, 10, min, NULL, got, NULL), FP_OK);
    expect_seats(got, want, 3, "min fallback");
    /* and with a cap: quotas 9.9, 0.05, 0.05 of 10, A at most 5; the rest split 5 equally
     * by rescaled quotas 2.5 / 2.5 → the first in input gets the tie */
    const fp_amount v[] = {198, 1, 1};
    const int64_t max[] = {5, 10, 10};
    const long long want2[] = {5, 3, 2};
    cr_assert_eq(fp_apportion(FP_METHOD_HAMILTON, v, 3, 10, NULL, max, got, NULL), FP_OK);
    expect_seats(got, want2, 3, "max fallback");
}

/* ---- huge values ---- */

Test(huge, weights_near_int64_max_and_huge_seat_counts)
{
    const fp_amount w[] = {INT64_MAX, INT64_MAX, INT64_MAX};
    int64_t got[3];
    for (size_t m = 0; m < COUNT(S_all_methods); m++) {
        const long long want[] = {333333333334LL, 333333333333LL, 333333333333LL};
        cr_assert_eq(fp_apportion(S_all_methods[m], w, 3, 1000000000000LL, NULL, NULL, got, NULL),
                     FP_OK);
        expect_seats(got, want, 3, fp_method_name(S_all_methods[m]));
        cr_assert_eq(fp_apportion(S_all_methods[m], w, 3, INT64_MAX, NULL, NULL, got, NULL),
                     FP_OK);
        cr_expect_eq(sum(got, 3), INT64_MAX);
        cr_expect_eq(got[0], INT64_MAX / 3 + 1);
        cr_expect_eq(got[2], INT64_MAX / 3);
    }
    const fp_amount v[] = {INT64_MAX, INT64_MAX - 1, 1, 0};
    int64_t g4[4];
    for (size_t m = 0; m < COUNT(S_all_methods); m++) {
        fp_diag d;
        cr_assert_eq(fp_apportion(S_all_methods[m], v, 4, INT64_MAX, NULL, NULL, g4, &d), FP_OK,
                     "%s: %s", fp_method_name(S_all_methods[m]), d.message);
        cr_expect_eq(sum(g4, 4), INT64_MAX, "%s", fp_method_name(S_all_methods[m]));
        cr_expect_eq(g4[3], 0);
        /* quota of party 3 is about 0.5: Adams and HH give it 1, Jefferson 0 */
        if (S_all_methods[m] == FP_METHOD_ADAMS || S_all_methods[m] == FP_METHOD_HUNTINGTON_HILL)
            cr_expect_eq(g4[2], 1, "%s", fp_method_name(S_all_methods[m]));
        if (S_all_methods[m] == FP_METHOD_JEFFERSON)
            cr_expect_eq(g4[2], 0);
        cr_expect(g4[0] >= g4[1] && g4[0] - g4[1] <= 2, "%s: %lld %lld",
                  fp_method_name(S_all_methods[m]), (long long)g4[0], (long long)g4[1]);
    }
    /* a bound far from the quota with huge numbers: the tiny party must absorb the rest */
    const int64_t max[] = {1, 1, INT64_MAX, 0};
    for (size_t m = 0; m < COUNT(S_all_methods); m++) {
        cr_assert_eq(fp_apportion(S_all_methods[m], v, 4, INT64_MAX, NULL, max, g4, NULL), FP_OK);
        cr_expect_eq(g4[0], 1);
        cr_expect_eq(g4[1], 1);
        cr_expect_eq(g4[2], INT64_MAX - 2);
        cr_expect_eq(g4[3], 0);
    }
}

/* Check that OUT is a divisor-method result: no seat could move from a party above its
 * minimum to one below its maximum and raise the priority taken (ties by input order). */
static void check_divisor_optimal(fp_method m, const fp_amount *w, size_t n, const int64_t *min,
                                  const int64_t *max, const int64_t *out)
{
    size_t give = n, take = n; /* best untaken next seat, worst taken last seat */
    i128 gn = 0, gd = 1, tn = 0, td = 1;
    for (size_t i = 0; i < n; i++) {
        i128 pn, pd;
        if (w[i] == 0)
            continue;
        if (!max || out[i] < max[i]) {
            naive_prio(m, w[i], out[i], &pn, &pd);
            if (give == n || pn * gd > gn * pd)
                give = i, gn = pn, gd = pd;
        }
        if (out[i] > (min ? min[i] : 0)) {
            naive_prio(m, w[i], out[i] - 1, &pn, &pd);
            if (take == n || pn * td <= tn * pd)
                take = i, tn = pn, td = pd;
        }
    }
    if (give == n || take == n || give == take)
        return;
    i128 l = tn * gd, r = gn * td;
    cr_expect(l > r || (l == r && take < give), "%s: seat of party %zu should go to party %zu",
              fp_method_name(m), take + 1, give + 1);
}

Test(huge, a_hundred_thousand_parties_and_a_trillion_seats)
{
    size_t n = 100000;
    fp_amount *w = malloc(n * sizeof *w);
    int64_t *out = malloc(n * sizeof *out), *min = malloc(n * sizeof *min);
    cr_assert(w && out && min);
    long long seats = 1000000000000LL;
    for (size_t i = 0; i < n; i++) {
        w[i] = rnd_in(0, 1 << 20);
        min[i] = (i % 7 == 0) ? 20000000 : 0; /* binding for many small parties */
    }
    for (size_t m = 0; m < COUNT(S_all_methods); m++) {
        fp_diag d;
        cr_assert_eq(fp_apportion(S_all_methods[m], w, n, seats, NULL, NULL, out, &d), FP_OK,
                     "%s", d.message);
        cr_expect_eq(sum(out, n), seats, "%s", fp_method_name(S_all_methods[m]));
        if (S_all_methods[m] != FP_METHOD_HAMILTON)
            check_divisor_optimal(S_all_methods[m], w, n, NULL, NULL, out);
        cr_assert_eq(fp_apportion(S_all_methods[m], w, n, seats, min, NULL, out, &d), FP_OK,
                     "%s", d.message);
        cr_expect_eq(sum(out, n), seats, "%s with min", fp_method_name(S_all_methods[m]));
        for (size_t i = 0; i < n; i++)
            cr_assert_geq(out[i], min[i]);
        if (S_all_methods[m] != FP_METHOD_HAMILTON)
            check_divisor_optimal(S_all_methods[m], w, n, min, NULL, out);
    }
    free(w);
    free(out);
    free(min);
}

/* ---- random properties and the brute-force reference ---- */

Test(random, divisor_methods_equal_the_one_seat_at_a_time_reference)
{
    fp_amount w[9];
    int64_t min[9], max[9], got[9], want[9];
    for (int round = 0; round < 4000; round++) {
        size_t n = (size_t)rnd_in(1, 8);
        int bounded = round % 3;
        long long smin = 0, smax = 0, positive = 0;
        for (size_t i = 0; i < n; i++) {
            /* small weights make ties likely; a few zeros */
            w[i] = rnd_in(0, 4) == 0 ? 0 : rnd_in(1, round % 2 ? 12 : 100000);
            positive += w[i] > 0;
            min[i] = bounded ? rnd_in(0, 3) : 0;
            max[i] = bounded == 2 ? min[i] + rnd_in(0, 12) : INT64_MAX;
            smin += min[i];
            smax = bounded == 2 ? smax + max[i] : 1000;
        }
        if (positive == 0)
            continue;
        long long hi = smax < smin + 40 ? smax : smin + 40;
        long long seats = rnd_in(smin, hi);
        for (size_t m = 0; m < COUNT(S_divisor_methods); m++) {
            fp_method method = S_divisor_methods[m];
            fp_diag d;
            fp_error e = fp_apportion(method, w, n, seats, bounded ? min : NULL,
                                      bounded == 2 ? max : NULL, got, &d);
            cr_assert_eq(e, FP_OK, "%s: %s", fp_method_name(method), d.message);
            naive_divisor(method, w, n, seats, bounded ? min : NULL, bounded == 2 ? max : NULL,
                          want);
            for (size_t i = 0; i < n; i++)
                cr_assert_eq(got[i], want[i],
                             "round %d %s n=%zu seats=%lld party %zu: got %lld want %lld", round,
                             fp_method_name(method), n, seats, i + 1, (long long)got[i],
                             (long long)want[i]);
        }
    }
}

Test(random, hamilton_is_within_quota_and_matches_the_textbook_rule)
{
    fp_amount w[12];
    int64_t got[12], want[12];
    for (int round = 0; round < 3000; round++) {
        size_t n = (size_t)rnd_in(1, 12);
        i128 total = 0;
        for (size_t i = 0; i < n; i++) {
            w[i] = rnd_in(0, round % 2 ? 9 : 1000000000000LL);
            total += w[i];
        }
        if (total == 0)
            continue;
        long long seats = rnd_in(0, round % 5 ? 50 : 1000000000000LL);
        cr_assert_eq(fp_apportion(FP_METHOD_HAMILTON, w, n, seats, NULL, NULL, got, NULL), FP_OK);
        cr_assert_eq(sum(got, n), seats);
        naive_hamilton(w, n, seats, want);
        for (size_t i = 0; i < n; i++) {
            i128 num = (i128)seats * w[i];
            i128 fl = num / total, ce = fl + (num % total != 0);
            cr_assert(got[i] >= fl && got[i] <= ce, "round %d: party %zu outside its quota",
                      round, i + 1);
            cr_assert_eq(got[i], want[i], "round %d party %zu", round, i + 1);
        }
    }
}

Test(random, jefferson_meets_lower_quota_and_adams_upper_quota)
{
    fp_amount w[20];
    int64_t got[20];
    for (int round = 0; round < 2000; round++) {
        size_t n = (size_t)rnd_in(1, 20);
        i128 total = 0;
        for (size_t i = 0; i < n; i++) {
            w[i] = rnd_in(0, 1000000000LL);
            total += w[i];
        }
        if (total == 0)
            continue;
        long long seats = rnd_in(0, round % 2 ? 200 : 100000000000LL);
        cr_assert_eq(fp_apportion(FP_METHOD_JEFFERSON, w, n, seats, NULL, NULL, got, NULL),
                     FP_OK);
        cr_assert_eq(sum(got, n), seats);
        for (size_t i = 0; i < n; i++)
            cr_assert_geq((i128)got[i], (i128)seats * w[i] / total, "jefferson lower quota");
        cr_assert_eq(fp_apportion(FP_METHOD_ADAMS, w, n, seats, NULL, NULL, got, NULL), FP_OK);
        cr_assert_eq(sum(got, n), seats);
        for (size_t i = 0; i < n; i++) {
            i128 num = (i128)seats * w[i];
            cr_assert_leq((i128)got[i], num / total + (num % total != 0), "adams upper quota");
        }
        /* every method: the sum is exact and larger weights never get fewer seats (except
         * when Adams and Huntington-Hill have fewer seats than parties: every first seat has
         * an infinite priority, and input order decides) */
        size_t positive = 0;
        for (size_t i = 0; i < n; i++)
            positive += w[i] > 0;
        for (size_t m = 0; m < COUNT(S_all_methods); m++) {
            cr_assert_eq(fp_apportion(S_all_methods[m], w, n, seats, NULL, NULL, got, NULL),
                         FP_OK);
            cr_assert_eq(sum(got, n), seats);
            if ((S_all_methods[m] == FP_METHOD_ADAMS ||
                 S_all_methods[m] == FP_METHOD_HUNTINGTON_HILL) && (size_t)seats < positive)
                continue;
            for (size_t i = 0; i < n; i++)
                for (size_t j = 0; j < n; j++)
                    if (w[i] > w[j])
                        cr_assert_geq(got[i], got[j], "%s: monotone in weight",
                                      fp_method_name(S_all_methods[m]));
        }
    }
}

Test(random, hamilton_with_minimums_keeps_minimums_and_sum)
{
    fp_amount w[10];
    int64_t min[10], max[10], got[10];
    for (int round = 0; round < 3000; round++) {
        size_t n = (size_t)rnd_in(1, 10);
        long long smin = 0, smax = 0;
        i128 total = 0;
        for (size_t i = 0; i < n; i++) {
            w[i] = rnd_in(0, 1000);
            total += w[i];
            min[i] = rnd_in(0, 4);
            max[i] = min[i] + rnd_in(0, 30);
            smin += min[i];
            smax += max[i];
        }
        if (total == 0)
            continue;
        long long seats = rnd_in(smin, smax);
        fp_diag d;
        cr_assert_eq(fp_apportion(FP_METHOD_HAMILTON, w, n, seats, min, max, got, &d), FP_OK,
                     "round %d: %s", round, d.message);
        cr_assert_eq(sum(got, n), seats);
        for (size_t i = 0; i < n; i++)
            cr_assert(got[i] >= min[i] && got[i] <= max[i], "round %d party %zu", round, i + 1);
    }
}
