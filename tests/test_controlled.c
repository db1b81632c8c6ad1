/* test_controlled.c — controlled rounding: brute force on small trees, properties and an
 * independent optimality certificate on large blocks, the same least cost as the reference
 * solver (successive shortest paths, tests/ref) on random medium blocks, bounds, pins, the
 * Xinjiang example, edges. */

#include <criterion/criterion.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ref/controlled_ssp.h"
#include "round/controlled.h"

/* ---- helpers ---------------------------------------------------------------------------- */

static uint64_t rng_state;

static uint64_t rng(void)
{
    uint64_t z = (rng_state += 0x9E3779B97F4A7C15u);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
    return z ^ (z >> 31);
}

static uint64_t below(uint64_t n)
{
    return rng() % n;
}

typedef struct blk {
    size_t nodes, cats;
    size_t *parent;
    i128 *num;
    i128 den;
    int64_t *cell_min; /* NULL or nodes*cats */
    int64_t *row_min;  /* NULL or nodes */
    bool *leaf;        /* computed on first use, once parent is final */
} blk;

static blk blk_new(size_t nodes, size_t cats)
{
    blk b = {nodes, cats, NULL, NULL, 1, NULL, NULL, NULL};
    b.parent = calloc(nodes + 1, sizeof *b.parent);
    b.num = calloc(nodes * cats + 1, sizeof *b.num);
    cr_assert(b.parent && b.num);
    return b;
}

static void blk_free(blk *b)
{
    free(b->parent);
    free(b->num);
    free(b->cell_min);
    free(b->row_min);
    free(b->leaf);
}

static bool is_leaf(blk *b, size_t v)
{
    if (!b->leaf) {
        b->leaf = malloc((b->nodes + 1) * sizeof *b->leaf);
        cr_assert(b->leaf);
        for (size_t w = 0; w < b->nodes; w++) b->leaf[w] = true;
        for (size_t w = 0; w < b->nodes; w++)
            if (b->parent[w] != FP_NONE) b->leaf[b->parent[w]] = false;
    }
    return b->leaf[v];
}

static fp_error run(blk *b, int64_t *x)
{
    return round_controlled(b->nodes, b->parent, b->cats, b->num, b->den, b->cell_min,
                            b->row_min, x);
}

/* Exact numerators of every cell (leaves as given, internal ones summed). */
static i128 *exact_cells(blk *b)
{
    i128 *e = calloc(b->nodes * b->cats + 1, sizeof *e);
    cr_assert(e);
    for (size_t v = 0; v < b->nodes; v++)
        if (is_leaf(b, v))
            for (size_t c = 0; c < b->cats; c++) e[v * b->cats + c] = b->num[v * b->cats + c];
    for (size_t v = b->nodes; v-- > 0;)
        if (b->parent[v] != FP_NONE)
            for (size_t c = 0; c < b->cats; c++)
                e[b->parent[v] * b->cats + c] += e[v * b->cats + c];
    return e;
}

/* |x·den - num| over den, in units of 1/den. */
static i128 dev(int64_t x, i128 num, i128 den)
{
    i128 d = (i128)x * den - num;
    return d < 0 ? -d : d;
}

/* True when X rounds NUM/DEN to floor or ceil (exactly, when whole). */
static bool within_one(int64_t x, i128 num, i128 den)
{
    return dev(x, num, den) < den;
}

/* Every property the contract promises, except optimality. Returns a reason, or NULL. */
static const char *violation(blk *b, const int64_t *x)
{
    size_t n = b->nodes, k = b->cats;
    i128 *e = exact_cells(b);
    const char *why = NULL;
    i128 *sum = calloc(n * k + 1, sizeof *sum);
    cr_assert(sum);
    for (size_t v = n; v-- > 0;) {
        bool leaf = is_leaf(b, v);
        i128 rx = 0, re = 0;
        for (size_t c = 0; c < k; c++) {
            size_t i = v * k + c;
            if (!within_one(x[i], e[i], b->den)) why = "a cell is not floor or ceil of its share";
            if (!leaf && sum[i] != x[i]) why = "an internal cell is not the sum of its children";
            if (leaf && b->cell_min && b->cell_min[i] != INT64_MIN && x[i] < b->cell_min[i])
                why = "a cell minimum is not met";
            if (b->parent[v] != FP_NONE) sum[b->parent[v] * k + c] += x[i];
            rx += x[i];
            re += e[i];
        }
        if (!within_one((int64_t)rx, re, b->den)) why = "a row total is not floor or ceil";
        if (leaf && b->row_min && b->row_min[v] != INT64_MIN && rx < b->row_min[v])
            why = "a row minimum is not met";
    }
    for (size_t c = 0; c < k; c++) {
        i128 tx = 0, te = 0;
        for (size_t v = 0; v < n; v++)
            if (b->parent[v] == FP_NONE) {
                tx += x[v * k + c];
                te += e[v * k + c];
            }
        if (!within_one((int64_t)tx, te, b->den)) why = "a category total is not floor or ceil";
    }
    free(sum);
    free(e);
    return why;
}

/* Σ over every cell and every row total of |x - exact|, in units of 1/den. */
static i128 cost(blk *b, const int64_t *x)
{
    i128 *e = exact_cells(b);
    i128 total = 0;
    for (size_t v = 0; v < b->nodes; v++) {
        i128 rx = 0, re = 0;
        for (size_t c = 0; c < b->cats; c++) {
            size_t i = v * b->cats + c;
            total += dev(x[i], e[i], b->den);
            rx += x[i];
            re += e[i];
        }
        total += dev((int64_t)rx, re, b->den);
    }
    free(e);
    return total;
}

/* Leaf values fix everything else: fill internal cells with sums. */
static void fill_sums(blk *b, int64_t *x)
{
    for (size_t v = 0; v < b->nodes; v++)
        if (!is_leaf(b, v))
            for (size_t c = 0; c < b->cats; c++) x[v * b->cats + c] = 0;
    for (size_t v = b->nodes; v-- > 0;)
        if (b->parent[v] != FP_NONE)
            for (size_t c = 0; c < b->cats; c++)
                x[b->parent[v] * b->cats + c] += x[v * b->cats + c];
}

static i128 floor_div(i128 a, i128 d)
{
    return a / d; /* a ≥ 0 throughout these tests */
}

/* ---- 1. brute force on small trees ------------------------------------------------------ */

/* A random tree of 1–2 levels below one or two roots, 2–4 leaves, 1–3 categories, at most 8
 * leaf cells, in pre-order. */
static blk random_small(void)
{
    size_t cats = 1 + below(3);
    size_t max_leaves = 8 / cats < 4 ? 8 / cats : 4;
    size_t leaves = 2 + below(max_leaves - 1);
    size_t parent[16], n = 0;
    int shape = (int)below(4);
    if (shape == 0) { /* root → leaves */
        parent[n++] = FP_NONE;
        for (size_t i = 0; i < leaves; i++) parent[n++] = 0;
    } else if (shape == 1) { /* root → 2 middles → leaves */
        size_t left = 1 + below(leaves - 1);
        parent[n++] = FP_NONE;
        size_t m = n;
        parent[n++] = 0;
        for (size_t i = 0; i < left; i++) parent[n++] = m;
        m = n;
        parent[n++] = 0;
        for (size_t i = left; i < leaves; i++) parent[n++] = m;
    } else if (shape == 2) { /* root → one middle with some leaves, and other leaves directly */
        size_t left = 1 + below(leaves - 1);
        parent[n++] = FP_NONE;
        parent[n++] = 0;
        for (size_t i = 0; i < left; i++) parent[n++] = 1;
        for (size_t i = left; i < leaves; i++) parent[n++] = 0;
    } else { /* two roots, each with leaves (or a root that is itself a leaf) */
        size_t left = below(leaves); /* 0: the first root is itself a leaf */
        parent[n++] = FP_NONE;
        size_t r = n - 1;
        for (size_t i = 0; i < left; i++) parent[n++] = r;
        parent[n++] = FP_NONE;
        r = n - 1;
        for (size_t i = left ? left : 1; i < leaves; i++) parent[n++] = r;
    }
    blk b = blk_new(n, cats);
    memcpy(b.parent, parent, n * sizeof *parent);
    static const int64_t dens[] = {1, 2, 3, 4, 7, 10, 26455, 1000000007, 999999999999989};
    b.den = dens[below(sizeof dens / sizeof dens[0])];
    for (size_t i = 0; i < n * cats; i++) {
        uint64_t r = below(10);
        if (r == 0)
            b.num[i] = 0;
        else if (r == 1)
            b.num[i] = b.den * (i128)below(5); /* whole */
        else
            b.num[i] = (i128)below(4) * b.den + (i128)(rng() % (uint64_t)b.den);
    }
    return b;
}

/* Add random minimums on some leaves: often met by floor, sometimes forcing the ceiling,
 * sometimes out of reach. */
static void random_bounds(blk *b)
{
    i128 *e = exact_cells(b);
    b->cell_min = malloc(b->nodes * b->cats * sizeof *b->cell_min);
    b->row_min = malloc(b->nodes * sizeof *b->row_min);
    cr_assert(b->cell_min && b->row_min);
    for (size_t v = 0; v < b->nodes; v++) {
        i128 re = 0;
        for (size_t c = 0; c < b->cats; c++) {
            size_t i = v * b->cats + c;
            re += e[i];
            uint64_t r = below(6);
            b->cell_min[i] = r < 3 ? INT64_MIN : (int64_t)floor_div(e[i], b->den) + (int64_t)r - 3;
        }
        uint64_t r = below(6);
        b->row_min[v] = r < 3 ? INT64_MIN : (int64_t)floor_div(re, b->den) + (int64_t)r - 3;
    }
    free(e);
}

/* Every floor/ceil choice of the leaf cells; returns the least cost of a feasible one, or -1. */
static i128 brute_force(blk *b)
{
    size_t k = b->cats, n = b->nodes;
    size_t idx[8], m = 0;
    int64_t *x = calloc(n * k, sizeof *x);
    cr_assert(x);
    for (size_t v = 0; v < n; v++)
        if (is_leaf(b, v))
            for (size_t c = 0; c < k; c++) {
                size_t i = v * k + c;
                x[i] = (int64_t)floor_div(b->num[i], b->den);
                if (b->num[i] % b->den != 0) {
                    cr_assert(m < 8);
                    idx[m++] = i;
                }
            }
    i128 best = -1;
    for (uint32_t mask = 0; mask < (1u << m); mask++) {
        for (size_t j = 0; j < m; j++)
            x[idx[j]] = (int64_t)floor_div(b->num[idx[j]], b->den) + (int64_t)((mask >> j) & 1u);
        fill_sums(b, x);
        if (violation(b, x)) continue;
        i128 c = cost(b, x);
        if (best < 0 || c < best) best = c;
    }
    free(x);
    return best;
}

static void brute_force_trials(int trials, bool bounds, uint64_t seed)
{
    rng_state = seed;
    int infeasible = 0;
    for (int t = 0; t < trials; t++) {
        blk b = random_small();
        if (bounds) random_bounds(&b);
        int64_t *x = calloc(b.nodes * b.cats, sizeof *x);
        cr_assert(x);
        i128 best = brute_force(&b);
        fp_error err = run(&b, x);
        if (best < 0) {
            infeasible++;
            cr_assert_eq(err, FP_ERR_INFEASIBLE, "trial %d: expected FP_ERR_INFEASIBLE, got %d", t,
                         (int)err);
        } else {
            cr_assert_eq(err, FP_OK, "trial %d: expected FP_OK, got %d", t, (int)err);
            const char *why = violation(&b, x);
            cr_assert_null(why, "trial %d: %s", t, why);
            i128 got = cost(&b, x);
            cr_assert(got == best, "trial %d: expected cost %lld/den, got %lld/den", t,
                      (long long)best, (long long)got);
        }
        free(x);
        blk_free(&b);
    }
    if (bounds) cr_assert(infeasible > 0 && infeasible < trials, "both outcomes were exercised");
}

Test(controlled, matches_brute_force_on_small_trees)
{
    brute_force_trials(3000, false, 1);
}

Test(controlled, matches_brute_force_with_lower_bounds)
{
    brute_force_trials(3000, true, 2);
}

/* ---- 2. properties and optimality on large blocks --------------------------------------- */

static blk random_large(size_t nodes, size_t cats, uint64_t max_den)
{
    blk b = blk_new(nodes, cats);
    b.parent[0] = FP_NONE;
    for (size_t v = 1; v < nodes; v++) {
        uint64_t r = below(40);
        b.parent[v] = r == 0 ? FP_NONE : (size_t)(v - 1 - below(v < 12 ? v : 12));
    }
    b.den = (i128)(1 + below(max_den));
    for (size_t i = 0; i < nodes * cats; i++) {
        uint64_t r = below(8);
        /* up to 10^20, and at most 10^7 whole units so that the sums fit in int64 */
        i128 limit = b.den * 10000000 < (i128)100000 * 1000000000000000LL
                            ? b.den * 10000000
                            : (i128)100000 * 1000000000000000LL;
        i128 big = (((i128)(rng() >> 2) << 64) | (i128)rng()) % limit;
        if (r == 0)
            b.num[i] = 0;
        else if (r == 1)
            b.num[i] = b.den * (i128)below(1000); /* whole */
        else
            b.num[i] = big; /* up to 10^20 */
    }
    return b;
}

/* Optimality certificate independent of the engine: build the residual network of the
 * result (each constraint set may move by one unit inside [floor, ceil]) and look for a cycle
 * of negative cost with Bellman-Ford. None means no cheaper rounding exists (min-cost
 * circulation optimality). */
static bool has_negative_cycle(blk *b, const int64_t *x)
{
    size_t n = b->nodes, k = b->cats;
    i128 *e = exact_cells(b);
    /* nodes: 0 = S, 1+c = T_c, 1+k+v = B(v), 1+k+n + v*k + c = A(v,c) (for every v; unused for
     * leaves) */
    size_t nn = 1 + k + n + n * k;
    size_t cap = 2 * (n * k + n + k), m = 0;
    size_t *from = malloc(cap * sizeof *from), *to = malloc(cap * sizeof *to);
    i128 *w = malloc(cap * sizeof *w);
    cr_assert(from && to && w);
#define EDGE(t_, h_, val_, ex_, counted_)                                                         \
    do {                                                                                         \
        i128 fl_ = (ex_) / b->den, r_ = (ex_) % b->den;                                       \
        i128 c_ = (counted_) ? b->den - 2 * r_ : 0;                                           \
        if ((val_) == fl_ && r_ != 0) {                                                          \
            from[m] = (t_), to[m] = (h_), w[m++] = c_;                                           \
        }                                                                                        \
        if ((val_) == fl_ + 1 && r_ != 0) {                                                      \
            from[m] = (h_), to[m] = (t_), w[m++] = -c_;                                          \
        }                                                                                        \
    } while (0)
    for (size_t v = 0; v < n; v++) {
        bool leaf = is_leaf(b, v);
        i128 rx = 0, re = 0;
        for (size_t c = 0; c < k; c++) {
            size_t i = v * k + c;
            size_t tail = b->parent[v] == FP_NONE ? 1 + c : 1 + k + n + b->parent[v] * k + c;
            size_t head = leaf ? 1 + k + v : 1 + k + n + i;
            bool lowered_ok = !(leaf && b->cell_min && b->cell_min[i] != INT64_MIN &&
                                x[i] - 1 < b->cell_min[i]);
            i128 fl = e[i] / b->den;
            if (x[i] == fl + 1 && !lowered_ok) {
                /* cannot go down: only the upward move (none, it is at ceil) */
            } else {
                EDGE(tail, head, (i128)x[i], e[i], true);
            }
            rx += x[i];
            re += e[i];
        }
        size_t head = b->parent[v] == FP_NONE ? 0 : 1 + k + b->parent[v];
        bool lowered_ok = !(leaf && b->row_min && b->row_min[v] != INT64_MIN && rx - 1 < b->row_min[v]);
        if (!(rx == re / b->den + 1 && !lowered_ok)) EDGE(1 + k + v, head, rx, re, true);
    }
    for (size_t c = 0; c < k; c++) {
        i128 tx = 0, te = 0;
        for (size_t v = 0; v < n; v++)
            if (b->parent[v] == FP_NONE) {
                tx += x[v * k + c];
                te += e[v * k + c];
            }
        EDGE(0, 1 + c, tx, te, false);
    }
#undef EDGE
    i128 *d = calloc(nn, sizeof *d); /* a virtual source at distance 0 to every node */
    cr_assert(d);
    bool changed = true;
    for (size_t it = 0; it <= nn && changed; it++) {
        changed = false;
        for (size_t a = 0; a < m; a++)
            if (d[from[a]] + w[a] < d[to[a]]) {
                d[to[a]] = d[from[a]] + w[a];
                changed = true;
            }
    }
    free(d);
    free(from);
    free(to);
    free(w);
    free(e);
    return changed;
}

Test(controlled, large_blocks_meet_every_property_and_are_optimal)
{
    rng_state = 3;
    for (int t = 0; t < 12; t++) {
        size_t nodes = 100 + below(300), cats = 1 + below(20);
        blk b = random_large(nodes, cats, t % 3 == 0 ? 1000 : 1000000000000000ULL);
        if (t % 4 == 1) random_bounds(&b);
        int64_t *x1 = calloc(nodes * cats, sizeof *x1), *x2 = calloc(nodes * cats, sizeof *x2);
        cr_assert(x1 && x2);
        fp_error err = run(&b, x1);
        if (b.cell_min && err == FP_ERR_INFEASIBLE) {
            free(x1);
            free(x2);
            blk_free(&b);
            continue;
        }
        cr_assert_eq(err, FP_OK, "block %d: got error %d", t, (int)err);
        const char *why = violation(&b, x1);
        cr_assert_null(why, "block %d: %s", t, why);
        cr_assert_not(has_negative_cycle(&b, x1), "block %d: a cheaper rounding exists", t);
        cr_assert_eq(run(&b, x2), FP_OK);
        cr_assert_arr_eq(x1, x2, nodes * cats * sizeof *x1, "block %d: two runs differ", t);
        free(x1);
        free(x2);
        blk_free(&b);
    }
}

/* ---- 3. the same least cost as the reference solver ------------------------------------ */

/* A random medium block of one of several shapes: a random forest, one parent over many leaves
 * (the flat fan of a national table), a chain with leaves hanging off it, or 4 levels. */
static blk random_shaped(int shape, size_t leaves, size_t cats, uint64_t max_den)
{
    size_t cap = 2 * leaves + 8, n = 0;
    size_t *parent = malloc(cap * sizeof *parent);
    cr_assert(parent);
    if (shape == 0) { /* random forest */
        parent[n++] = FP_NONE;
        while (n < leaves) {
            size_t v = n;
            parent[n++] = below(30) == 0 ? FP_NONE : v - 1 - below(v < 8 ? v : 8);
        }
    } else if (shape == 1) { /* flat fan */
        parent[n++] = FP_NONE;
        for (size_t i = 0; i < leaves; i++) parent[n++] = 0;
    } else if (shape == 2) { /* a chain, each link with a few leaves */
        size_t link = FP_NONE;
        for (size_t i = 0; i < leaves;) {
            size_t v = n;
            parent[n++] = link;
            link = v;
            for (size_t j = 1 + below(4); j > 0 && i < leaves; j--, i++) parent[n++] = link;
        }
    } else { /* 1 → 3 → 9 → leaves */
        parent[n++] = FP_NONE;
        for (size_t p = 0; p < 3; p++) {
            size_t pv = n;
            parent[n++] = 0;
            for (size_t d = 0; d < 3; d++) {
                size_t dv = n;
                parent[n++] = pv;
                for (size_t i = 0; i < leaves / 9; i++) parent[n++] = dv;
            }
        }
    }
    blk b = blk_new(n, cats);
    memcpy(b.parent, parent, n * sizeof *parent);
    free(parent);
    b.den = (i128)(1 + below(max_den));
    for (size_t i = 0; i < n * cats; i++) {
        uint64_t r = below(10);
        if (r == 0)
            b.num[i] = 0;
        else if (r == 1)
            b.num[i] = b.den * (i128)below(1000); /* whole */
        else if (r == 2)
            b.num[i] = b.den * (i128)below(50) + b.den / 2; /* a half when den is even */
        else
            b.num[i] = (i128)below(100000) * b.den + (i128)(rng() % (uint64_t)b.den);
    }
    return b;
}

/* Pins on some cells (any node) and row totals: mostly floor or ceiling of the exact value,
 * sometimes one more or less (which may leave no rounding at all). */
static void random_pins(blk *b, bool only_near, int64_t **cell_pin, int64_t **row_pin)
{
    i128 *e = exact_cells(b);
    int64_t *cp = malloc(b->nodes * b->cats * sizeof *cp), *rp = malloc(b->nodes * sizeof *rp);
    cr_assert(cp && rp);
    for (size_t v = 0; v < b->nodes; v++) {
        i128 re = 0;
        for (size_t c = 0; c < b->cats; c++) {
            size_t i = v * b->cats + c;
            re += e[i];
            uint64_t r = below(40);
            if (only_near && r == 39) r = 38;
            int64_t fl = (int64_t)floor_div(e[i], b->den);
            cp[i] = r < 36 ? INT64_MIN : fl + (r == 36 ? 1 : r == 39 ? -1 : 0);
        }
        uint64_t r = below(40);
        if (only_near && r == 39) r = 38;
        int64_t fl = (int64_t)floor_div(re, b->den);
        rp[v] = r < 37 ? INT64_MIN : fl + (r == 38 ? 1 : r == 39 ? 2 : 0);
    }
    free(e);
    *cell_pin = cp;
    *row_pin = rp;
}

/* TRIALS random blocks against the reference; ONLY_DEN, when not 0, bounds every denominator
 * instead of the usual mix (12, 10^6, 10^15). */
static void reference_trials(int trials, uint64_t seed, uint64_t only_den)
{
    rng_state = seed;
    int compared = 0, infeasible = 0;
    for (int t = 0; t < trials; t++) {
        int shape = t % 4;
        size_t leaves = 20 + below(shape == 1 ? 400 : 200), cats = 1 + below(t % 5 == 0 ? 40 : 12);
        uint64_t max_den = only_den ? only_den
                           : t % 3 == 0 ? 12
                           : t % 3 == 1 ? 1000000
                                        : 1000000000000000ULL;
        blk b = random_shaped(shape, leaves, cats, max_den);
        int64_t *cell_pin = NULL, *row_pin = NULL;
        if (t % 6 == 2) random_bounds(&b);
        if (t % 6 == 4) random_pins(&b, t % 12 == 4, &cell_pin, &row_pin);
        size_t nc = b.nodes * b.cats;
        int64_t *x1 = calloc(nc, sizeof *x1), *x2 = calloc(nc, sizeof *x2),
                *x3 = calloc(nc, sizeof *x3);
        cr_assert(x1 && x2 && x3);
        fp_error e1 = round_controlled_pinned(b.nodes, b.parent, b.cats, b.num, b.den, b.cell_min,
                                              b.row_min, cell_pin, row_pin, x1);
        fp_error e2 = ssp_round_controlled_pinned(b.nodes, b.parent, b.cats, b.num, b.den,
                                                  b.cell_min, b.row_min, cell_pin, row_pin, x2);
        cr_assert_eq(e1, e2, "block %d (shape %d, %zu nodes × %zu): error %d, reference %d", t,
                     shape, b.nodes, b.cats, (int)e1, (int)e2);
        if (e1 == FP_OK) {
            if (!cell_pin) {
                const char *why = violation(&b, x1);
                cr_assert_null(why, "block %d: %s", t, why);
            }
            i128 c1 = cost(&b, x1), c2 = cost(&b, x2);
            cr_assert(c1 == c2,
                      "block %d (shape %d, %zu nodes × %zu): cost %lld/den, reference %lld/den", t,
                      shape, b.nodes, b.cats, (long long)c1, (long long)c2);
            cr_assert_eq(round_controlled_pinned(b.nodes, b.parent, b.cats, b.num, b.den,
                                                 b.cell_min, b.row_min, cell_pin, row_pin, x3),
                         FP_OK);
            cr_assert_arr_eq(x1, x3, nc * sizeof *x1, "block %d: two runs differ", t);
            compared++;
        } else {
            cr_assert_eq(e1, FP_ERR_INFEASIBLE, "block %d: error %d", t, (int)e1);
            infeasible++;
        }
        free(x1);
        free(x2);
        free(x3);
        free(cell_pin);
        free(row_pin);
        blk_free(&b);
    }
    cr_log_info("reference: %d compared, %d infeasible in both", compared, infeasible);
    cr_assert(compared > trials / 2 && infeasible > 0, "compared %d, infeasible %d", compared,
              infeasible);
}

Test(controlled, same_least_cost_as_the_reference_solver)
{
    reference_trials(1000, 11, 0);
}

Test(controlled, same_least_cost_as_the_reference_with_64_bit_denominators)
{
    /* Costs near 2^63: too large for the solver's 64-bit arithmetic, so it solves with the
     * costs divided by a power of two first and finishes with the exact 128-bit costs. */
    reference_trials(200, 12, UINT64_MAX);
}

/* A block shaped like bench_controlled's, smaller: 1 → PREF → DIST → COUNTY (each parent with
 * at least one child), CATS categories, amounts to 4 decimals scaled by 1.037 over a large
 * common denominator (about 10^10 to 10^11), as a what-if run makes them. */
static blk bench_like(size_t pref, size_t dist, size_t county, size_t cats)
{
    size_t *dpp = calloc(pref, sizeof *dpp), *cpd = calloc(dist, sizeof *cpd);
    cr_assert(dpp && cpd);
    for (size_t i = 0; i < dist; i++) dpp[i < pref ? i : below(pref)]++;
    for (size_t i = 0; i < county; i++) cpd[i < dist ? i : below(dist)]++;
    blk b = blk_new(1 + pref + dist + county, cats);
    size_t v = 0, d = 0;
    b.parent[v++] = FP_NONE;
    for (size_t p = 0; p < pref; p++) {
        size_t pv = v;
        b.parent[v++] = 0;
        for (size_t i = 0; i < dpp[p]; i++, d++) {
            size_t dv = v;
            b.parent[v++] = pv;
            for (size_t j = 0; j < cpd[d]; j++) b.parent[v++] = dv;
        }
    }
    i128 old_total = 0;
    for (size_t i = (1 + pref + dist) * cats; i < b.nodes * cats; i++) {
        b.num[i] = (i128)below(50000000u);
        old_total += b.num[i];
    }
    i128 new_total = old_total + old_total * 37 / 1000;
    for (size_t i = 0; i < b.nodes * cats; i++) b.num[i] *= new_total;
    b.den = old_total;
    free(dpp);
    free(cpd);
    return b;
}

Test(controlled, benchmark_shapes_same_least_cost_as_the_reference)
{
    /* The benchmark's shapes at a tenth of the size or less: 4 levels × 20 and 60 categories,
     * a flat fan × 20 and 60, each solved twice (same bytes) and against the reference. */
    static const size_t shapes[][4] = {
        {4, 40, 300, 20}, {4, 40, 300, 60}, {1, 1, 300, 20}, {1, 1, 300, 60}, {9, 30, 90, 60},
    };
    rng_state = 13;
    for (size_t t = 0; t < sizeof shapes / sizeof shapes[0]; t++) {
        blk b = bench_like(shapes[t][0], shapes[t][1], shapes[t][2], shapes[t][3]);
        size_t nc = b.nodes * b.cats;
        int64_t *x1 = calloc(nc, sizeof *x1), *x2 = calloc(nc, sizeof *x2),
                *x3 = calloc(nc, sizeof *x3);
        cr_assert(x1 && x2 && x3);
        cr_assert_eq(run(&b, x1), FP_OK);
        cr_assert_eq(ssp_round_controlled_pinned(b.nodes, b.parent, b.cats, b.num, b.den, NULL,
                                                 NULL, NULL, NULL, x2),
                     FP_OK);
        cr_assert_null(violation(&b, x1), "shape %zu", t);
        i128 c1 = cost(&b, x1), c2 = cost(&b, x2);
        cr_assert(c1 == c2, "shape %zu: cost %lld/den, reference %lld/den", t, (long long)c1,
                  (long long)c2);
        cr_assert_eq(run(&b, x3), FP_OK);
        cr_assert_arr_eq(x1, x3, nc * sizeof *x1, "shape %zu: two runs differ", t);
        free(x1);
        free(x2);
        free(x3);
        blk_free(&b);
    }
}

Test(controlled, whole_targets_are_reproduced_exactly)
{
    rng_state = 4;
    blk b = random_large(300, 7, 1000000);
    for (size_t i = 0; i < 300 * 7; i++) b.num[i] = b.den * (i128)below(100000);
    int64_t *x = calloc(300 * 7, sizeof *x);
    cr_assert(x);
    cr_assert_eq(run(&b, x), FP_OK);
    i128 *e = exact_cells(&b);
    for (size_t i = 0; i < 300 * 7; i++)
        cr_assert_eq((i128)x[i] * b.den, e[i], "cell %zu: expected the exact value", i);
    free(e);
    free(x);
    blk_free(&b);
}

Test(controlled, halves_everywhere_are_balanced)
{
    /* den = 2: every fraction is one half, every choice costs the same; sums must still hold. */
    rng_state = 5;
    blk b = random_large(400, 20, 1);
    b.den = 2;
    for (size_t i = 0; i < 400 * 20; i++) b.num[i] = (i128)(2 * below(50) + 1);
    int64_t *x = calloc(400 * 20, sizeof *x);
    cr_assert(x);
    cr_assert_eq(run(&b, x), FP_OK);
    cr_assert_null(violation(&b, x));
    cr_assert_not(has_negative_cycle(&b, x));
    free(x);
    blk_free(&b);
}

Test(controlled, huge_denominator_still_meets_every_property)
{
    /* Beyond 2^80 the costs are scaled; the result must still be a valid controlled rounding. */
    rng_state = 6;
    blk b = random_large(200, 5, 1);
    b.den = ((i128)1 << 100) + 12345;
    for (size_t i = 0; i < 200 * 5; i++)
        b.num[i] = b.den * (i128)below(50) + (((i128)rng() << 36) ^ (i128)rng());
    int64_t *x = calloc(200 * 5, sizeof *x);
    cr_assert(x);
    cr_assert_eq(run(&b, x), FP_OK);
    cr_assert_null(violation(&b, x));
    free(x);
    blk_free(&b);
}

Test(controlled, deep_chain_and_flat_fan)
{
    /* 10,000 levels, one leaf; then one root over 3,000 leaves. */
    blk b = blk_new(10000, 2);
    b.parent[0] = FP_NONE;
    for (size_t v = 1; v < 10000; v++) b.parent[v] = v - 1;
    b.den = 3;
    b.num[9999 * 2] = 7;
    b.num[9999 * 2 + 1] = 5;
    int64_t *x = calloc(10000 * 2, sizeof *x);
    cr_assert(x);
    cr_assert_eq(run(&b, x), FP_OK);
    cr_assert_eq(x[0], 2, "expected 7/3 → 2, got %lld", (long long)x[0]);
    cr_assert_eq(x[1], 2, "expected 5/3 → 2, got %lld", (long long)x[1]);
    cr_assert_null(violation(&b, x));
    free(x);
    blk_free(&b);

    rng_state = 7;
    b = blk_new(3001, 3);
    b.parent[0] = FP_NONE;
    for (size_t v = 1; v < 3001; v++) b.parent[v] = 0;
    b.den = 9973;
    for (size_t i = 3; i < 3001 * 3; i++) b.num[i] = (i128)below(100000000);
    x = calloc(3001 * 3, sizeof *x);
    cr_assert(x);
    cr_assert_eq(run(&b, x), FP_OK);
    cr_assert_null(violation(&b, x));
    cr_assert_not(has_negative_cycle(&b, x));
    free(x);
    blk_free(&b);
}

/* ---- 3. lower bounds -------------------------------------------------------------------- */

Test(controlled, lower_bounds_force_the_ceiling)
{
    /* Root → 3 leaves of 1/3 each: the exact total is 1, so one leaf gets 1. A cell minimum of
     * 1 on the last leaf decides which one; a row minimum decides in a second run. */
    blk b = blk_new(4, 1);
    b.parent[0] = FP_NONE;
    b.parent[1] = b.parent[2] = b.parent[3] = 0;
    b.den = 3;
    b.num[1] = b.num[2] = b.num[3] = 1;
    b.cell_min = malloc(4 * sizeof *b.cell_min);
    cr_assert(b.cell_min);
    for (size_t i = 0; i < 4; i++) b.cell_min[i] = INT64_MIN;
    b.cell_min[3] = 1;
    int64_t x[4];
    cr_assert_eq(run(&b, x), FP_OK);
    int64_t expected[4] = {1, 0, 0, 1};
    cr_assert_arr_eq(x, expected, sizeof x);

    free(b.cell_min);
    b.cell_min = NULL;
    b.row_min = malloc(4 * sizeof *b.row_min);
    cr_assert(b.row_min);
    for (size_t i = 0; i < 4; i++) b.row_min[i] = INT64_MIN;
    b.row_min[2] = 1;
    cr_assert_eq(run(&b, x), FP_OK);
    int64_t expected2[4] = {1, 0, 1, 0};
    cr_assert_arr_eq(x, expected2, sizeof x);
    blk_free(&b);
}

Test(controlled, infeasible_minimums_are_reported)
{
    blk b = blk_new(4, 1);
    b.parent[0] = FP_NONE;
    b.parent[1] = b.parent[2] = b.parent[3] = 0;
    b.den = 3;
    b.num[1] = b.num[2] = b.num[3] = 1;
    int64_t x[4];
    /* Two leaves may not both take the one unit. */
    b.cell_min = malloc(4 * sizeof *b.cell_min);
    cr_assert(b.cell_min);
    for (size_t i = 0; i < 4; i++) b.cell_min[i] = INT64_MIN;
    b.cell_min[1] = b.cell_min[2] = 1;
    cr_assert_eq(run(&b, x), FP_ERR_INFEASIBLE);
    /* A minimum above the ceiling. */
    b.cell_min[1] = INT64_MIN;
    b.cell_min[2] = 2;
    cr_assert_eq(run(&b, x), FP_ERR_INFEASIBLE);
    /* A row minimum against a cell minimum. */
    b.cell_min[2] = 1;
    b.row_min = malloc(4 * sizeof *b.row_min);
    cr_assert(b.row_min);
    for (size_t i = 0; i < 4; i++) b.row_min[i] = INT64_MIN;
    b.row_min[3] = 1;
    cr_assert_eq(run(&b, x), FP_ERR_INFEASIBLE);
    /* Minimums at or below the floor change nothing. */
    b.row_min[3] = 0;
    b.cell_min[2] = -5;
    cr_assert_eq(run(&b, x), FP_OK);
    cr_assert_null(violation(&b, x));
    blk_free(&b);
}

/* ---- 4. the Xinjiang example ------------------------------------------------------------ */

/* allocations/xinjiang-2024-basic-public-health-batch2.csv: 级次 and 原基本公共卫生项目 of its
 * 119 rows, in file order (pre-order). */
static const int xj_depth[119] = {
    0, 1, 2, 2, 2, 2, 1, 2, 3, 3, 3, 3, 3, 3, 3, 3, 2, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 2, 3,
    3, 3, 3, 3, 3, 3, 2, 3, 3, 3, 3, 3, 3, 3, 2, 3, 3, 3, 3, 2, 3, 3, 3, 3, 3, 2, 3, 3, 3, 3,
    3, 3, 3, 2, 3, 3, 3, 2, 3, 3, 3, 2, 3, 3, 3, 3, 3, 3, 3, 3, 3, 2, 3, 3, 3, 3, 3, 3, 3, 3,
    3, 2, 3, 3, 3, 3, 2, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 2, 3, 3, 3, 3, 3, 3, 3, 3};
static const int xj_value[119] = {
    26455, 0,   0,   0,   0,   0,   26455, 1900, 316, 366,  489, 266, 170, 17,  248, 28,   2600,
    777,   170, 353, 150, 243, 167, 281,   130,  143, 151,  35,  876, 151, 204, 148, 179,  92,
    47,    55,  676, 204, 82,  110, 75,    92,   73,  40,   224, 152, 44,  26,  2,   403,  0,
    217,   123, 50,  13,  1360, 527, 166,  145,  114, 195,  145, 68,  629, 518, 72,  39,   701,
    317,   247, 137, 1403, 746, 131, 64,   41,   62,  118,  142, 57,  42,  2931, 677, 266, 502,
    283,   197, 235, 329, 356, 86,  1050,  491,  381, 75,   103, 7570, 0,  1318, 443, 599, 466,
    361,   1449, 885, 377, 274, 715, 616,  67,   4132, 848, 580, 967, 477, 486, 267, 435, 72};

Test(controlled, xinjiang_column_scaled_to_27000_keeps_every_subtotal)
{
    blk b = blk_new(119, 1);
    size_t stack[8], top = 0;
    for (size_t v = 0; v < 119; v++) {
        while (top > 0 && xj_depth[stack[top - 1]] >= xj_depth[v]) top--;
        b.parent[v] = top ? stack[top - 1] : FP_NONE;
        stack[top++] = v;
        b.num[v] = (i128)xj_value[v] * 27000;
    }
    b.den = 26455;
    /* The table's own sums hold, so internal values are exact sums of the leaves. */
    i128 *e = exact_cells(&b);
    for (size_t v = 0; v < 119; v++) cr_assert(e[v] == b.num[v], "row %zu: table sums", v);

    /* Rounding each figure on its own breaks 5 of the 17 subtotals (domain.md). */
    int64_t naive[119];
    for (size_t v = 0; v < 119; v++) naive[v] = (int64_t)((2 * e[v] + b.den) / (2 * b.den));
    int broken = 0, internal = 0;
    for (size_t v = 0; v < 119; v++) {
        if (is_leaf(&b, v)) continue;
        internal++;
        int64_t s = 0;
        for (size_t w = v + 1; w < 119; w++)
            if (b.parent[w] == v) s += naive[w];
        broken += s != naive[v];
    }
    cr_assert_eq(internal, 17);
    cr_assert_eq(broken, 5);

    int64_t x[119];
    cr_assert_eq(run(&b, x), FP_OK);
    cr_assert_eq(x[0], 27000, "expected the new total 27000, got %lld", (long long)x[0]);
    for (size_t v = 0; v < 119; v++) {
        cr_assert(within_one(x[v], e[v], b.den), "row %zu: %lld is not within one unit", v,
                  (long long)x[v]);
        if (is_leaf(&b, v)) continue;
        int64_t s = 0;
        for (size_t w = v + 1; w < 119; w++)
            if (b.parent[w] == v) s += x[w];
        cr_assert_eq(s, x[v], "row %zu: children sum to %lld, expected %lld", v, (long long)s,
                     (long long)x[v]);
    }
    cr_assert_null(violation(&b, x));
    cr_assert_not(has_negative_cycle(&b, x));
    free(e);
    blk_free(&b);
}

/* ---- edge cases and errors -------------------------------------------------------------- */

Test(controlled, no_nodes_is_ok)
{
    cr_assert_eq(round_controlled(0, NULL, 3, NULL, 1, NULL, NULL, NULL), FP_OK);
}

Test(controlled, no_categories_is_ok)
{
    size_t parent[2] = {FP_NONE, 0};
    cr_assert_eq(round_controlled(2, parent, 0, NULL, 7, NULL, NULL, NULL), FP_OK);
}

Test(controlled, single_leaf_tree)
{
    size_t parent[1] = {FP_NONE};
    i128 num[3] = {5, 7, 6};
    int64_t x[3];
    /* 5/4, 7/4, 6/4: row 18/4 = 4.5; cells 1.25 → 1, 1.75 → 2, 1.5 → 1 or 2, row 4 or 5. */
    cr_assert_eq(round_controlled(1, parent, 3, num, 4, NULL, NULL, x), FP_OK);
    cr_assert_eq(x[0], 1);
    cr_assert_eq(x[1], 2);
    cr_assert(x[2] == 1 || x[2] == 2);
}

Test(controlled, all_zero_targets)
{
    size_t parent[4] = {FP_NONE, 0, 1, 0};
    i128 num[8] = {0};
    int64_t x[8];
    memset(x, 0xff, sizeof x);
    cr_assert_eq(round_controlled(4, parent, 2, num, 3, NULL, NULL, x), FP_OK);
    int64_t zero[8] = {0};
    cr_assert_arr_eq(x, zero, sizeof x);
}

Test(controlled, den_one_reproduces_the_targets)
{
    size_t parent[5] = {FP_NONE, 0, 0, FP_NONE, 3};
    i128 num[10] = {0, 0, 3, 4, 5, 6, 0, 0, 100, 0};
    int64_t x[10];
    cr_assert_eq(round_controlled(5, parent, 2, num, 1, NULL, NULL, x), FP_OK);
    int64_t expected[10] = {8, 10, 3, 4, 5, 6, 100, 0, 100, 0};
    cr_assert_arr_eq(x, expected, sizeof x);
}

Test(controlled, invalid_arguments_are_refused)
{
    size_t parent[2] = {FP_NONE, 0}, bad_parent[2] = {FP_NONE, 1};
    i128 num[2] = {0, 1}, neg[2] = {0, -1};
    int64_t x[2];
    cr_assert_eq(round_controlled(2, parent, 1, num, 0, NULL, NULL, x), FP_ERR_ARGUMENT);
    cr_assert_eq(round_controlled(2, parent, 1, num, -3, NULL, NULL, x), FP_ERR_ARGUMENT);
    cr_assert_eq(round_controlled(2, bad_parent, 1, num, 2, NULL, NULL, x), FP_ERR_ARGUMENT);
    cr_assert_eq(round_controlled(2, parent, 1, neg, 2, NULL, NULL, x), FP_ERR_ARGUMENT);
    cr_assert_eq(round_controlled(2, NULL, 1, num, 2, NULL, NULL, x), FP_ERR_ARGUMENT);
    cr_assert_eq(round_controlled(2, parent, 1, NULL, 2, NULL, NULL, x), FP_ERR_ARGUMENT);
    cr_assert_eq(round_controlled(2, parent, 1, num, 2, NULL, NULL, NULL), FP_ERR_ARGUMENT);
}

Test(controlled, values_beyond_int64_overflow)
{
    size_t parent[3] = {FP_NONE, 0, 0};
    int64_t x[3];
    /* Each leaf fits, their sum does not. */
    i128 num[3] = {0, (i128)INT64_MAX - 1, (i128)INT64_MAX - 1};
    cr_assert_eq(round_controlled(3, parent, 1, num, 1, NULL, NULL, x), FP_ERR_AMOUNT_OVERFLOW);
    /* The 128-bit sum itself overflows. */
    i128 top = (i128)(((u128)1 << 127) - 1);
    i128 huge[3] = {0, top, top};
    cr_assert_eq(round_controlled(3, parent, 1, huge, 1, NULL, NULL, x), FP_ERR_AMOUNT_OVERFLOW);
    /* Fits once divided. */
    i128 fine[3] = {0, top / 8, top / 8};
    cr_assert_eq(round_controlled(3, parent, 1, fine, (i128)1 << 80, NULL, NULL, x), FP_OK);
    cr_assert_eq(x[0], x[1] + x[2]);
}

/* ---- the network simplex itself: both pricing kernels, optimality ----------------------- */

#include "round/netsimplex.h"

/* A random network of N nodes and M arcs: runs of arcs whose tails and heads step by 0 or 1
 * (the shapes the AVX2 kernel prices four at a time, some longer than a block) mixed with
 * single random arcs; costs from a narrow range (many ties, where kernels could part) or a
 * wide one; supplies from a random feasible flow. */
typedef struct net {
    size_t n, m;
    uint32_t *tail, *head;
    int64_t *cap, *supply;
    i128 *cost;
} net;

static void net_make(net *g, size_t n, size_t m, int64_t cost_span)
{
    g->n = n;
    g->m = m;
    g->tail = malloc(m * sizeof *g->tail);
    g->head = malloc(m * sizeof *g->head);
    g->cap = malloc(m * sizeof *g->cap);
    g->cost = malloc(m * sizeof *g->cost);
    g->supply = calloc(n, sizeof *g->supply);
    cr_assert(g->tail && g->head && g->cap && g->cost && g->supply);
    for (size_t k = 0; k < m;) {
        size_t len = below(3) == 0 ? 1 : 1 + below(70);
        uint32_t dt = (uint32_t)below(2), dh = (uint32_t)below(2);
        uint32_t t = (uint32_t)below(n), h = (uint32_t)below(n);
        for (size_t i = 0; i < len && k < m; i++, k++) {
            uint32_t ti = (uint32_t)((t + dt * i) % n), hi = (uint32_t)((h + dh * i) % n);
            if (ti == hi) hi = (hi + 1) % (uint32_t)n;
            g->tail[k] = ti;
            g->head[k] = hi;
            g->cap[k] = 1 + (int64_t)below(3);
            g->cost[k] = (i128)below((uint64_t)(2 * cost_span + 1)) - cost_span;
            int64_t f = (int64_t)below((uint64_t)g->cap[k] + 1);
            g->supply[ti] += f;
            g->supply[hi] -= f;
        }
    }
}

static void net_free(net *g)
{
    free(g->tail);
    free(g->head);
    free(g->cap);
    free(g->cost);
    free(g->supply);
}

/* An optimality certificate found independently: no cycle of negative cost in the residual
 * network (Bellman–Ford from a virtual source joined to every node at cost 0). */
static bool net_optimal(const net *g, const int64_t *flow)
{
    i128 *d = calloc(g->n, sizeof *d);
    cr_assert(d);
    bool changed = true;
    for (size_t round = 0; round <= g->n && changed; round++) {
        changed = false;
        for (size_t k = 0; k < g->m; k++) {
            uint32_t t = g->tail[k], h = g->head[k];
            if (flow[k] < g->cap[k] && d[t] + g->cost[k] < d[h]) {
                d[h] = d[t] + g->cost[k];
                changed = true;
            }
            if (flow[k] > 0 && d[h] - g->cost[k] < d[t]) {
                d[t] = d[h] - g->cost[k];
                changed = true;
            }
        }
    }
    free(d);
    return !changed;
}

Test(netsimplex, both_pricing_kernels_take_the_same_pivots_and_reach_the_optimum)
{
    rng_state = 0x5eed0012u;
    int solved = 0;
    for (int trial = 0; trial < 400; trial++) {
        net g;
        size_t n = 2 + below(trial < 300 ? 40 : 400);
        net_make(&g, n, 1 + below(trial < 300 ? 200 : 4000), below(2) ? 3 : 1000000);
        int64_t *f1 = malloc(g.m * sizeof *f1), *f2 = malloc(g.m * sizeof *f2);
        cr_assert(f1 && f2);
        fp_error e1 = netsimplex_solve_kernel(g.n, g.m, g.tail, g.head, g.cap, g.cost, g.supply,
                                              f1, NETSIMPLEX_AUTO);
        fp_error e2 = netsimplex_solve_kernel(g.n, g.m, g.tail, g.head, g.cap, g.cost, g.supply,
                                              f2, NETSIMPLEX_SCALAR);
        cr_assert_eq(e1, FP_OK, "trial %d: a network with a feasible flow is solved", trial);
        cr_assert_eq(e2, FP_OK);
        cr_assert_arr_eq(f1, f2, g.m * sizeof *f1, "trial %d: the kernels' flows differ", trial);
        /* feasible: within capacity, every supply met */
        int64_t *bal = calloc(g.n, sizeof *bal);
        cr_assert(bal);
        for (size_t k = 0; k < g.m; k++) {
            cr_assert(f1[k] >= 0 && f1[k] <= g.cap[k]);
            bal[g.tail[k]] += f1[k];
            bal[g.head[k]] -= f1[k];
        }
        cr_assert_arr_eq(bal, g.supply, g.n * sizeof *bal, "trial %d: supplies not met", trial);
        cr_assert(net_optimal(&g, f1), "trial %d: a cheaper flow exists", trial);
        solved++;
        free(bal);
        free(f1);
        free(f2);
        net_free(&g);
    }
    cr_assert_eq(solved, 400);
}

/* The pivots themselves: on networks full of ties (costs -1..1 or -3..3, where every rule of
 * the pricing and of the leaving arc decides something), the flows of every kernel hash to the
 * value recorded with the plain scan this pricing replaced (commit 714dd46: the arcs one by one,
 * the first least arc of each block; the leaving arc by two walks, the first side strict, the
 * second side winning ties). Optimal flows are many here: another entering or leaving arc on a
 * tie gives another one, which the optimality test above cannot see. A deliberate change of the
 * pivot rule changes this value; record the new one then. */
static uint64_t net_flow_hash(netsimplex_kernel kernel)
{
    rng_state = 0x714dd46u;
    uint64_t h = 14695981039346656037u;
    for (int trial = 0; trial < 300; trial++) {
        net g; /* one draw a statement: the order of a call's arguments is the compiler's */
        size_t n = 2 + below(trial < 200 ? 30 : 300);
        size_t m = 1 + below(trial < 200 ? 300 : 3000);
        int64_t span = below(2) ? 1 : 3;
        net_make(&g, n, m, span);
        int64_t *f = calloc(g.m, sizeof *f);
        cr_assert(f);
        fp_error e = netsimplex_solve_kernel(g.n, g.m, g.tail, g.head, g.cap, g.cost, g.supply,
                                             f, kernel);
        cr_assert_eq(e, FP_OK, "trial %d", trial);
        for (size_t k = 0; k < g.m; k++)
            h = (h ^ (uint64_t)f[k]) * 1099511628211u;
        free(f);
        net_free(&g);
    }
    return h;
}

Test(netsimplex, the_pivots_are_those_of_the_plain_scan)
{
    const uint64_t want = 0xedf16c8c4e97343au; /* the solver of commit 714dd46 */
    uint64_t got_auto = net_flow_hash(NETSIMPLEX_AUTO);
    uint64_t got_scalar = net_flow_hash(NETSIMPLEX_SCALAR);
    cr_assert_eq(got_auto, want, "AVX2 where available: 0x%016" PRIx64, got_auto);
    cr_assert_eq(got_scalar, want, "scalar: 0x%016" PRIx64, got_scalar);
}
