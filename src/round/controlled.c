/* round/controlled.c — controlled rounding (Cox 1987) of a tree × categories block, solved
 * exactly as an integral min-cost circulation by the network simplex (round/netsimplex.c; see
 * docs/controlled-rounding.md for the network and the reasons behind each choice). */

#include "round/controlled.h"
#include "round/netsimplex.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* The network. Each constraint set is one arc carrying its rounded value:
 *
 *   S --cat c--> T_c --cell(root,c)--> A(root,c) --cell(child,c)--> ... --cell(leaf,c)--> B(leaf)
 *   B(v) --row v--> B(parent v) ... B(root) --row root--> S
 *
 * A(v,c) exists for internal v only (a leaf cell ends at its row node B(leaf)). The two laminar
 * families (cells per category, row totals) are the two arborescences meeting at the leaves, so
 * the exact values form a feasible fractional circulation and an integral one exists (total
 * unimodularity) unless the lower bounds cut it off.
 *
 * Every arc value is written x = base + up, up ∈ {0, 1}: base is floor(exact) (or the ceiling
 * when a lower bound forces it) and `up` may move only on a free arc (exact value not whole and
 * not forced). Raising a free arc costs |ceil - v| - |floor - v| = (den - 2 rem) / den; the
 * common 1/den is dropped, so costs are exact integers. */

typedef struct arc {
    i128 cost;  /* cost of up = 1 against up = 0, in units of 1/den (divided by `scale`) */
    int64_t base;  /* value when up = 0 */
    uint32_t tail; /* network node the value leaves */
    uint32_t head; /* network node the value enters */
    uint8_t free;  /* 1 when up may change */
} arc;

/* Costs stay exact while den ≤ 2^80 (and so below the solver's limit for any block that fits
 * in memory); above, all costs are divided by one common factor: the objective is then exact to
 * about 2^-80 of a unit. */
#define COST_LIMIT ((i128)1 << 80)

/* Set arc A to carry the exact value NUM/DEN rounded, with optional lower bound LOW (INT64_MIN
 * for none) or a PIN (its value, INT64_MIN for none); OBJECTIVE says whether its deviation
 * counts in the cost. */
static fp_error S_arc_set(arc *a, uint32_t tail, uint32_t head, i128 num, i128 den,
                          i128 scale, int64_t low, int64_t pin, bool objective)
{
    a->tail = tail;
    a->head = head;
    if (pin != INT64_MIN) { /* a value given exactly: no choice, no cost */
        a->base = pin;
        a->free = 0;
        a->cost = 0;
        return low > pin ? FP_ERR_INFEASIBLE : FP_OK;
    }
    i128 fl = num / den, rem = num % den; /* num ≥ 0: truncation is floor */
    if (fl > (i128)INT64_MAX - (rem > 0)) return FP_ERR_AMOUNT_OVERFLOW;
    a->base = (int64_t)fl;
    a->free = rem > 0;
    a->cost = objective && rem > 0 ? (den - rem - rem) / scale : 0;
    if (low > a->base) {
        if (low > a->base + a->free) return FP_ERR_INFEASIBLE;
        a->base++; /* forced to the ceiling */
        a->free = 0;
        a->cost = 0;
    }
    return FP_OK;
}

static bool S_add_ovf(i128 *acc, i128 v)
{
    return __builtin_add_overflow(*acc, v, acc);
}

fp_error round_controlled(size_t nodes, const size_t *parent, size_t cats, const i128 *num,
                          i128 den, const int64_t *cell_min, const int64_t *row_min,
                          int64_t *x)
{
    return round_controlled_pinned(nodes, parent, cats, num, den, cell_min, row_min, NULL, NULL,
                                   x);
}

/* The free arcs as a min-cost flow problem: each may carry 0 or 1 extra unit, and each node
 * must send out what the base values leave it in excess. */
typedef struct flow_problem {
    uint32_t *tail;
    uint32_t *head;
    int64_t *cap;
    i128 *cost;
    int64_t *supply;
    int64_t *flow;
    uint32_t *arc; /* the network arc of each free arc */
} flow_problem;

static void S_problem_free(flow_problem *f)
{
    free(f->tail);
    free(f->head);
    free(f->cap);
    free(f->cost);
    free(f->supply);
    free(f->flow);
    free(f->arc);
}

fp_error round_controlled_pinned(size_t nodes, const size_t *parent, size_t cats,
                                 const i128 *num, i128 den, const int64_t *cell_min,
                                 const int64_t *row_min, const int64_t *cell_pin,
                                 const int64_t *row_pin, int64_t *x)
{
    if (nodes == 0) return FP_OK;
    if (!parent || den <= 0) return FP_ERR_ARGUMENT;
    for (size_t v = 0; v < nodes; v++)
        if (parent[v] != FP_NONE && parent[v] >= v) return FP_ERR_ARGUMENT;
    if (cats == 0) return FP_OK; /* no cells, every row total is 0 */
    if (!num || !x) return FP_ERR_ARGUMENT;
    if (nodes > (SIZE_MAX / sizeof(i128) - 1) / cats) return FP_ERR_NOMEM;

    size_t ncell = nodes * cats;
    fp_error err = FP_ERR_NOMEM;
    arc *arcs = NULL;
    int64_t *value = NULL;
    flow_problem f;
    memset(&f, 0, sizeof f);
    i128 *cellnum = malloc(ncell * sizeof *cellnum);
    size_t *aidx = malloc(nodes * sizeof *aidx); /* internal node's A block, or FP_NONE (leaf) */
    if (!cellnum || !aidx) goto done;

    /* Exact numerators of every cell: leaves from the input, internal cells summed bottom-up
     * (children come after their parent in pre-order). */
    for (size_t v = 0; v < nodes; v++) aidx[v] = FP_NONE;
    for (size_t v = 0; v < nodes; v++)
        if (parent[v] != FP_NONE) aidx[parent[v]] = 0;
    size_t internal = 0;
    for (size_t v = 0; v < nodes; v++) {
        if (aidx[v] != FP_NONE) {
            aidx[v] = internal++;
            for (size_t c = 0; c < cats; c++) cellnum[v * cats + c] = 0;
        } else {
            for (size_t c = 0; c < cats; c++) {
                if (num[v * cats + c] < 0) {
                    err = FP_ERR_ARGUMENT;
                    goto done;
                }
                cellnum[v * cats + c] = num[v * cats + c];
            }
        }
    }
    err = FP_ERR_AMOUNT_OVERFLOW;
    for (size_t v = nodes; v-- > 0;) {
        if (parent[v] == FP_NONE) continue;
        for (size_t c = 0; c < cats; c++)
            if (S_add_ovf(&cellnum[parent[v] * cats + c], cellnum[v * cats + c])) goto done;
    }

    /* Network sizes; indices are 32-bit to keep the solver's arrays small. */
    if (internal > (SIZE_MAX - 1 - cats - nodes) / cats) {
        err = FP_ERR_NOMEM;
        goto done;
    }
    size_t gn = 1 + cats + nodes + internal * cats;
    size_t gm = ncell + nodes + cats;
    if (gn >= UINT32_MAX / 4 || gm >= UINT32_MAX / 4) {
        err = FP_ERR_NOMEM;
        goto done;
    }
    const uint32_t node_s = 0;
    const uint32_t t0 = 1;                            /* T_c = t0 + c */
    const uint32_t b0 = (uint32_t)(1 + cats);         /* B(v) = b0 + v */
    const uint32_t a0 = (uint32_t)(1 + cats + nodes); /* A(v,c) = a0 + aidx[v]*cats + c */
    i128 scale = den <= COST_LIMIT ? 1 : den / COST_LIMIT + 1;

    err = FP_ERR_NOMEM;
    arcs = malloc(gm * sizeof *arcs);
    if (!arcs) goto done;

    /* Arcs: cell (v,c) is arc v*cats+c, row v is arc ncell+v, category c is ncell+nodes+c. */
    for (size_t v = 0; v < nodes; v++) {
        bool leaf = aidx[v] == FP_NONE;
        i128 rownum = 0;
        for (size_t c = 0; c < cats; c++) {
            size_t p = parent[v];
            uint32_t tail = p == FP_NONE ? (uint32_t)(t0 + c) : (uint32_t)(a0 + aidx[p] * cats + c);
            uint32_t head = leaf ? (uint32_t)(b0 + v) : (uint32_t)(a0 + aidx[v] * cats + c);
            int64_t low = leaf && cell_min ? cell_min[v * cats + c] : INT64_MIN;
            int64_t pin = cell_pin ? cell_pin[v * cats + c] : INT64_MIN;
            err = S_arc_set(&arcs[v * cats + c], tail, head, cellnum[v * cats + c], den, scale,
                            low, pin, true);
            if (err != FP_OK) goto done;
            if (S_add_ovf(&rownum, cellnum[v * cats + c])) {
                err = FP_ERR_AMOUNT_OVERFLOW;
                goto done;
            }
        }
        uint32_t head = parent[v] == FP_NONE ? node_s : (uint32_t)(b0 + parent[v]);
        int64_t low = leaf && row_min ? row_min[v] : INT64_MIN;
        err = S_arc_set(&arcs[ncell + v], (uint32_t)(b0 + v), head, rownum, den, scale, low,
                        row_pin ? row_pin[v] : INT64_MIN, true);
        if (err != FP_OK) goto done;
    }
    for (size_t c = 0; c < cats; c++) {
        i128 catnum = 0;
        for (size_t v = 0; v < nodes; v++)
            if (parent[v] == FP_NONE && S_add_ovf(&catnum, cellnum[v * cats + c])) {
                err = FP_ERR_AMOUNT_OVERFLOW;
                goto done;
            }
        err = S_arc_set(&arcs[ncell + nodes + c], node_s, (uint32_t)(t0 + c), catnum, den, scale,
                        INT64_MIN, INT64_MIN, false);
        if (err != FP_OK) goto done;
    }

    /* The free arcs and what the base values leave unbalanced. The exact values balance, so
     * without pins each excess is less than the node's degree in magnitude; with pins an excess
     * the free arcs cannot absorb makes the problem infeasible. Summed in 128 bits because the
     * bases themselves may be large. */
    err = FP_ERR_NOMEM;
    size_t nfree = 0;
    for (size_t k = 0; k < gm; k++) nfree += arcs[k].free;
    f.tail = malloc((nfree + 1) * sizeof *f.tail);
    f.head = malloc((nfree + 1) * sizeof *f.head);
    f.cap = malloc((nfree + 1) * sizeof *f.cap);
    f.cost = malloc((nfree + 1) * sizeof *f.cost);
    f.flow = malloc((nfree + 1) * sizeof *f.flow);
    f.arc = malloc((nfree + 1) * sizeof *f.arc);
    f.supply = malloc(gn * sizeof *f.supply);
    i128 *excess = calloc(gn, sizeof *excess);
    if (!f.tail || !f.head || !f.cap || !f.cost || !f.flow || !f.arc || !f.supply || !excess) {
        free(excess);
        goto done;
    }
    size_t j = 0;
    for (size_t k = 0; k < gm; k++) {
        const arc *a = &arcs[k];
        excess[a->head] += a->base;
        excess[a->tail] -= a->base;
        if (a->free) {
            f.tail[j] = a->tail;
            f.head[j] = a->head;
            f.cap[j] = 1;
            f.cost[j] = a->cost;
            f.arc[j] = (uint32_t)k;
            j++;
        }
    }
    err = FP_ERR_INFEASIBLE;
    for (size_t v = 0; v < gn; v++) {
        if (excess[v] > (i128)gm || excess[v] < -(i128)gm) { /* pins far off */
            free(excess);
            goto done;
        }
        f.supply[v] = (int64_t)excess[v];
    }
    free(excess);

    err = netsimplex_solve(gn, nfree, f.tail, f.head, f.cap, f.cost, f.supply, f.flow);
    if (err != FP_OK) goto done;

    /* Own check: every node balanced (so every sum holds). */
    err = FP_ERR_NOMEM;
    value = malloc(gm * sizeof *value);
    int64_t *bal = calloc(gn, sizeof *bal);
    if (!value || !bal) {
        free(bal);
        goto done;
    }
    for (size_t k = 0; k < gm; k++) value[k] = arcs[k].base;
    err = FP_ERR_INTERNAL;
    for (size_t i = 0; i < nfree; i++) {
        if (f.flow[i] < 0 || f.flow[i] > 1) {
            free(bal);
            goto done;
        }
        value[f.arc[i]] += f.flow[i]; /* base + free ≤ INT64_MAX was checked */
    }
    for (size_t k = 0; k < gm; k++) {
        /* Flow conservation, checked modulo 2^64 (the values balance exactly, or a bug shows). */
        bal[arcs[k].head] = (int64_t)((uint64_t)bal[arcs[k].head] + (uint64_t)value[k]);
        bal[arcs[k].tail] = (int64_t)((uint64_t)bal[arcs[k].tail] - (uint64_t)value[k]);
    }
    for (size_t v = 0; v < gn; v++)
        if (bal[v] != 0) {
            free(bal);
            goto done;
        }
    free(bal);

    for (size_t k = 0; k < ncell; k++) x[k] = value[k];
    err = FP_OK;
done:
    S_problem_free(&f);
    free(arcs);
    free(value);
    free(cellnum);
    free(aidx);
    return err;
}
