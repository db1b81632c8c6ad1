/* bench_controlled.c — times round_controlled on national-scale blocks (1/4, 1/2, 1, 2×) and
 * other shapes; with --ssp also the reference solver (successive shortest paths), checking that
 * both reach the same least total deviation; with --wide every target is put over a denominator
 * 2^24 times larger (about 10^19: the solver's 64-bit phase on reduced costs and its 128-bit
 * finish). */

#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "ref/controlled_ssp.h"
#include "round/controlled.h"
#include <string.h>

/* A fixed-seed generator (splitmix64), so every run times the same blocks. */
static uint64_t S_state = 0x2024u;

static uint64_t S_next(void)
{
    uint64_t z = (S_state += 0x9E3779B97F4A7C15u);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
    return z ^ (z >> 31);
}

static size_t S_below(size_t n)
{
    return (size_t)(S_next() % (uint64_t)n);
}

typedef struct block {
    size_t nodes, cats, leaves;
    size_t *parent;
    i128 *num;
    i128 den;
    int64_t *x;
} block;

/* Split N children among K parents: every parent gets at least one, the rest at random. */
static size_t *S_split(size_t n, size_t k)
{
    size_t *cnt = malloc(k * sizeof *cnt);
    if (!cnt) return NULL;
    for (size_t i = 0; i < k; i++) cnt[i] = 1;
    for (size_t i = k; i < n; i++) cnt[S_below(k)]++;
    return cnt;
}

/* 1 root → PREF prefectures → DIST districts → COUNTY counties, CATS categories, in pre-order.
 * Leaf amounts are 万元 to 4 decimals (up to 5,000万元), the block is scaled from its total to
 * a total 3.7% higher: num = amount × new, den = old, as a what-if run does. */
static int S_block_make(block *b, size_t pref, size_t dist, size_t county, size_t cats)
{
    size_t *dpp = S_split(dist, pref), *cpd = S_split(county, dist);
    b->nodes = 1 + pref + dist + county;
    b->cats = cats;
    b->leaves = county;
    b->parent = malloc(b->nodes * sizeof *b->parent);
    b->num = calloc(b->nodes * cats, sizeof *b->num);
    b->x = malloc(b->nodes * cats * sizeof *b->x);
    if (!dpp || !cpd || !b->parent || !b->num || !b->x) {
        free(dpp);
        free(cpd);
        return -1;
    }
    size_t v = 0, d = 0;
    b->parent[v++] = FP_NONE;
    for (size_t p = 0; p < pref; p++) {
        size_t pv = v;
        b->parent[v++] = 0;
        for (size_t i = 0; i < dpp[p]; i++, d++) {
            size_t dv = v;
            b->parent[v++] = pv;
            for (size_t j = 0; j < cpd[d]; j++) b->parent[v++] = dv;
        }
    }
    i128 old_total = 0;
    for (size_t i = 0; i < b->nodes * cats; i++) {
        if (i / cats < 1 + pref) continue; /* internal rows are ignored anyway */
        b->num[i] = (i128)S_below(50000000u);
        old_total += b->num[i];
    }
    i128 new_total = old_total + old_total * 37 / 1000;
    for (size_t i = 0; i < b->nodes * cats; i++) b->num[i] *= new_total;
    b->den = old_total;
    free(dpp);
    free(cpd);
    return 0;
}

static void S_block_free(block *b)
{
    free(b->parent);
    free(b->num);
    free(b->x);
}

static double S_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

typedef fp_error (*solver)(size_t, const size_t *, size_t, const i128 *, i128,
                          const int64_t *, const int64_t *, int64_t *);

static double S_time(block *b, solver solve)
{
    /* Best of three runs: the first also pays for page faults. */
    double best = 1e30;
    for (int r = 0; r < 3; r++) {
        double t0 = S_now();
        fp_error err = solve(b->nodes, b->parent, b->cats, b->num, b->den, NULL, NULL, b->x);
        double t = S_now() - t0;
        if (err != FP_OK) {
            fprintf(stderr, "bench_controlled: error %d\n", (int)err);
            return -1;
        }
        if (t < best) best = t;
    }
    return best;
}

/* Σ |x·den − exact·den| over every cell and every row total (internal cells are the sums of
 * their children's, as the solver wrote them). */
static i128 S_cost(const block *b)
{
    size_t n = b->nodes, k = b->cats;
    i128 *ex = calloc(n * k, sizeof *ex);
    bool *internal = calloc(n, sizeof *internal);
    if (!ex || !internal) {
        free(ex);
        free(internal);
        return -1;
    }
    for (size_t v = 0; v < n; v++)
        if (b->parent[v] != FP_NONE) internal[b->parent[v]] = true;
    /* Only leaves carry targets; internal cells are the sums of their children's. */
    for (size_t v = 0; v < n; v++)
        if (!internal[v])
            for (size_t c = 0; c < k; c++) ex[v * k + c] = b->num[v * k + c];
    for (size_t v = n; v-- > 0;)
        if (b->parent[v] != FP_NONE)
            for (size_t c = 0; c < k; c++) ex[b->parent[v] * k + c] += ex[v * k + c];
    free(internal);
    i128 total = 0;
    for (size_t v = 0; v < n; v++) {
        i128 row_x = 0, row_ex = 0;
        for (size_t c = 0; c < k; c++) {
            i128 d = (i128)b->x[v * k + c] * b->den - ex[v * k + c];
            total += d < 0 ? -d : d;
            row_x += b->x[v * k + c];
            row_ex += ex[v * k + c];
        }
        i128 d = row_x * b->den - row_ex;
        total += d < 0 ? -d : d;
    }
    free(ex);
    return total;
}

/* Put every target over a denominator 2^24 times larger (the same values). */
static void S_widen(block *b)
{
    for (size_t i = 0; i < b->nodes * b->cats; i++) b->num[i] <<= 24;
    b->den <<= 24;
}

static void S_run(block *b, const char *name, double *prev, bool ssp)
{
    double best = S_time(b, round_controlled);
    if (best < 0) exit(1);
    printf("%-28s %8zu %8zu %6zu %10zu %10.4f", name, b->leaves, b->nodes, b->cats,
           b->nodes * b->cats, best);
    if (prev && *prev > 0.0)
        printf(" %7.2fx", best / *prev);
    else
        printf(" %8s", "-");
    if (prev) *prev = best;
    if (ssp) {
        i128 cost = S_cost(b);
        double slow = S_time(b, ssp_round_controlled);
        if (slow < 0) exit(1);
        i128 ref = S_cost(b);
        printf(" %10.4f %s", slow, cost == ref ? "same cost" : "COST DIFFERS");
        if (cost != ref) {
            printf("\n");
            exit(1);
        }
    }
    printf("\n");
}

int main(int argc, char **argv)
{
    bool ssp = false, wide = false;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--ssp") == 0)
            ssp = true;
        else if (strcmp(argv[i], "--wide") == 0)
            wide = true;
        else {
            fprintf(stderr, "usage: bench_controlled [--ssp] [--wide]\n");
            return 2;
        }
    }
    /* Factor 4 = the national scale: 1 → 35 → 400 → 3,000, 20 categories. */
    static const size_t factor4[] = {1, 2, 4, 8};
    const size_t cats = 20;
    double prev = 0.0;
    printf("%-28s %8s %8s %6s %10s %10s %8s%s\n", "shape", "leaves", "nodes", "cats", "cells",
           "seconds", "growth", ssp ? "  ssp (ref)" : "");
    for (size_t i = 0; i < sizeof factor4 / sizeof factor4[0]; i++) {
        size_t f = factor4[i];
        block b;
        if (S_block_make(&b, (35 * f + 3) / 4, 400 * f / 4, 3000 * f / 4, cats) != 0) {
            fprintf(stderr, "bench_controlled: out of memory\n");
            return 1;
        }
        if (wide) S_widen(&b);
        S_run(&b, "4 levels (1→35→400→N)", &prev, ssp);
        S_block_free(&b);
    }
    /* The other shapes of a national table: one parent over all 3,000 counties (a flat
     * list under 总计), and 60 categories. */
    static const struct {
        const char *name;
        size_t pref, dist, county, cats;
    } shapes[] = {
        {"flat (1→1→1→3000)", 1, 1, 3000, 20},
        {"flat, 60 categories", 1, 1, 3000, 60},
        {"4 levels, 60 categories", 35, 400, 3000, 60},
    };
    for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; i++) {
        block b;
        if (S_block_make(&b, shapes[i].pref, shapes[i].dist, shapes[i].county, shapes[i].cats)) {
            fprintf(stderr, "bench_controlled: out of memory\n");
            return 1;
        }
        if (wide) S_widen(&b);
        S_run(&b, shapes[i].name, NULL, ssp);
        S_block_free(&b);
    }
    return 0;
}
