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

/* Costs stay exact while den ≤ 2^80 (and so below the solver's limit for any block that fits
 * in memory); above, all costs are divided by one common factor: the objective is then exact to
 * about 2^-80 of a unit. */
#define COST_LIMIT ((i128)1 << 80)

/* One arc's rounded value: it is BASE, or BASE + 1 when FREE; raising it costs COST. */
typedef struct arc_value {
    i128 cost;    /* cost of BASE + 1 against BASE, in units of 1/den (divided by `scale`) */
    int64_t base; /* floor of the exact value, or its ceiling when a lower bound forces it */
    bool free;    /* 1 when the value may still move up by one */
} arc_value;

/* The exact value NUM/DEN (NUM ≥ 0) rounded, with optional lower bound LOW (INT64_MIN for
 * none) or a PIN (its value, INT64_MIN for none); OBJECTIVE says whether its deviation counts
 * in the cost. */
static fp_error S_arc_value(arc_value *a, i128 num, i128 den, i128 scale, int64_t low,
                            int64_t pin, bool objective)
{
    if (pin != INT64_MIN) { /* a value given exactly: no choice, no cost */
        a->base = pin;
        a->free = false;
        a->cost = 0;
        return low > pin ? FP_ERR_INFEASIBLE : FP_OK;
    }
    i128 fl = num / den, rem = num - fl * den; /* num ≥ 0: truncation is floor */
    if (fl > (i128)INT64_MAX - (rem > 0)) return FP_ERR_AMOUNT_OVERFLOW;
    a->base = (int64_t)fl;
    a->free = rem > 0;
    a->cost = objective && rem > 0 ? (den - rem - rem) / scale : 0;
    if (low > a->base) {
        if (low > a->base + a->free) return FP_ERR_INFEASIBLE;
        a->base++; /* forced to the ceiling */
        a->free = false;
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

/* Where each arc of the network starts and ends: cell (v,c) is arc v*cats+c, row v is arc
 * ncell+v, category c is arc ncell+nodes+c. */
typedef struct net_shape {
    const size_t *parent;
    const size_t *aidx; /* an internal node's block of A nodes, or FP_NONE for a leaf */
    size_t nodes, cats, ncell;
    uint32_t t0, b0, a0; /* T_c = t0 + c, B(v) = b0 + v, A(v,c) = a0 + aidx[v]*cats + c */
} net_shape;

/* Arc K's ends; for a cell, (V, C) is its node and category (k = v·cats + c; the callers walk
 * them along, which spares two divisions per arc). */
static void S_arc_ends(const net_shape *g, size_t k, size_t v, size_t c, uint32_t *tail,
                       uint32_t *head)
{
    if (k < g->ncell) {
        size_t p = g->parent[v];
        *tail = p == FP_NONE ? (uint32_t)(g->t0 + c) : (uint32_t)(g->a0 + g->aidx[p] * g->cats + c);
        *head = g->aidx[v] == FP_NONE ? (uint32_t)(g->b0 + v)
                                      : (uint32_t)(g->a0 + g->aidx[v] * g->cats + c);
    } else if (k < g->ncell + g->nodes) {
        v = k - g->ncell;
        *tail = (uint32_t)(g->b0 + v);
        *head = g->parent[v] == FP_NONE ? 0 : (uint32_t)(g->b0 + g->parent[v]);
    } else {
        *tail = 0; /* S */
        *head = (uint32_t)(g->t0 + (k - g->ncell - g->nodes));
    }
}

/* The free arcs as a min-cost flow problem: each may carry 0 or 1 extra unit, and each node
 * must send out what the base values leave it in excess. */
typedef struct flow_problem {
    uint32_t *tail;
    uint32_t *head;
    i128 *cost;
    int64_t *supply;
    int64_t *flow;
    uint32_t *arc; /* the network arc of each free arc */
} flow_problem;

static void S_problem_free(flow_problem *f)
{
    free(f->tail);
    free(f->head);
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
    int64_t *value = NULL;
    i128 *excess = NULL, *isum = NULL;
    flow_problem f;
    memset(&f, 0, sizeof f);
    size_t *aidx = malloc(nodes * sizeof *aidx);
    if (!aidx) goto done;

    /* Exact numerators of the internal cells (a leaf's are the input), summed bottom-up:
     * children come after their parent in pre-order. */
    for (size_t v = 0; v < nodes; v++) aidx[v] = FP_NONE;
    for (size_t v = 0; v < nodes; v++)
        if (parent[v] != FP_NONE) aidx[parent[v]] = 0;
    size_t internal = 0;
    for (size_t v = 0; v < nodes; v++) {
        if (aidx[v] != FP_NONE) {
            aidx[v] = internal++;
        } else {
            for (size_t c = 0; c < cats; c++)
                if (num[v * cats + c] < 0) {
                    err = FP_ERR_ARGUMENT;
                    goto done;
                }
        }
    }
    isum = calloc(internal * cats + 1, sizeof *isum);
    if (!isum) goto done;
#define CELLNUM(v, c) (aidx[v] == FP_NONE ? num[(v) * cats + (c)] : isum[aidx[v] * cats + (c)])
    err = FP_ERR_AMOUNT_OVERFLOW;
    for (size_t v = nodes; v-- > 0;) {
        if (parent[v] == FP_NONE) continue;
        i128 *up = &isum[aidx[parent[v]] * cats];
        for (size_t c = 0; c < cats; c++)
            if (S_add_ovf(&up[c], CELLNUM(v, c))) goto done;
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
    const net_shape g = {parent, aidx, nodes, cats, ncell, 1, (uint32_t)(1 + cats),
                         (uint32_t)(1 + cats + nodes)};
    i128 scale = den <= COST_LIMIT ? 1 : den / COST_LIMIT + 1;

    /* Every arc's base value into VALUE, the free ones into F, what the base values leave
     * unbalanced at each node into EXCESS (128 bits: the bases themselves may be large). */
    err = FP_ERR_NOMEM;
    value = malloc(gm * sizeof *value);
    f.tail = malloc(gm * sizeof *f.tail);
    f.head = malloc(gm * sizeof *f.head);
    f.cost = malloc(gm * sizeof *f.cost);
    f.arc = malloc(gm * sizeof *f.arc);
    f.supply = malloc(gn * sizeof *f.supply);
    excess = calloc(gn, sizeof *excess);
    if (!value || !f.tail || !f.head || !f.cost || !f.arc || !f.supply || !excess) goto done;
    size_t nfree = 0;
    for (size_t k = 0, kv = 0, kc = 0; k < gm; k++) {
        arc_value a;
        i128 arcnum = 0;
        int64_t low = INT64_MIN, pin = INT64_MIN;
        if (k < ncell) { /* a cell */
            size_t v = kv, c = kc;
            arcnum = CELLNUM(v, c);
            if (aidx[v] == FP_NONE && cell_min) low = cell_min[k];
            if (cell_pin) pin = cell_pin[k];
        } else if (k < ncell + nodes) { /* a row total */
            size_t v = k - ncell;
            for (size_t c = 0; c < cats; c++)
                if (S_add_ovf(&arcnum, CELLNUM(v, c))) {
                    err = FP_ERR_AMOUNT_OVERFLOW;
                    goto done;
                }
            if (aidx[v] == FP_NONE && row_min) low = row_min[v];
            if (row_pin) pin = row_pin[v];
        } else { /* a category total over the roots */
            size_t c = k - ncell - nodes;
            for (size_t v = 0; v < nodes; v++)
                if (parent[v] == FP_NONE && S_add_ovf(&arcnum, CELLNUM(v, c))) {
                    err = FP_ERR_AMOUNT_OVERFLOW;
                    goto done;
                }
        }
        err = S_arc_value(&a, arcnum, den, scale, low, pin, k < ncell + nodes);
        if (err != FP_OK) goto done;
        uint32_t tail, head;
        S_arc_ends(&g, k, kv, kc, &tail, &head);
        if (++kc == cats) {
            kc = 0;
            kv++;
        }
        value[k] = a.base;
        excess[head] += a.base;
        excess[tail] -= a.base;
        if (a.free) {
            f.tail[nfree] = tail;
            f.head[nfree] = head;
            f.cost[nfree] = a.cost;
            f.arc[nfree] = (uint32_t)k;
            nfree++;
        }
    }
#undef CELLNUM

    /* The exact values balance, so without pins each excess is less than the node's degree in
     * magnitude; with pins an excess the free arcs cannot absorb makes the problem infeasible. */
    err = FP_ERR_INFEASIBLE;
    for (size_t v = 0; v < gn; v++) {
        if (excess[v] > (i128)gm || excess[v] < -(i128)gm) goto done; /* pins far off */
        f.supply[v] = (int64_t)excess[v];
    }
    err = FP_ERR_NOMEM;
    f.flow = malloc((nfree + 1) * sizeof *f.flow);
    if (!f.flow) goto done;

    err = netsimplex_solve(gn, nfree, f.tail, f.head, NULL, f.cost, f.supply, f.flow);
    if (err != FP_OK) goto done;

    /* Own check: every δ in {0, 1} and every node balanced (so every sum holds); flow
     * conservation is checked modulo 2^64 (the values balance exactly, or a bug shows). */
    err = FP_ERR_INTERNAL;
    for (size_t i = 0; i < nfree; i++) {
        if (f.flow[i] < 0 || f.flow[i] > 1) goto done;
        value[f.arc[i]] += f.flow[i]; /* base + free ≤ INT64_MAX was checked */
    }
    int64_t *bal = f.supply; /* reused */
    memset(bal, 0, gn * sizeof *bal);
    for (size_t k = 0, kv = 0, kc = 0; k < gm; k++) {
        uint32_t tail, head;
        S_arc_ends(&g, k, kv, kc, &tail, &head);
        if (++kc == cats) {
            kc = 0;
            kv++;
        }
        bal[head] = (int64_t)((uint64_t)bal[head] + (uint64_t)value[k]);
        bal[tail] = (int64_t)((uint64_t)bal[tail] - (uint64_t)value[k]);
    }
    for (size_t v = 0; v < gn; v++)
        if (bal[v] != 0) goto done;

    memcpy(x, value, ncell * sizeof *x);
    err = FP_OK;
done:
    S_problem_free(&f);
    free(value);
    free(excess);
    free(isum);
    free(aidx);
    return err;
}
