/* tests/ref/controlled_ssp.c — the reference controlled rounding for the tests: the same
 * network as src/round/controlled.c solved by successive shortest paths (the library's solver
 * until the network simplex replaced it; slow on wide trees, simple enough to trust). */

#include "ref/controlled_ssp.h"

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
    uint8_t up;    /* the current extra unit */
    uint8_t free;  /* 1 when up may change */
} arc;

typedef struct heap_item {
    i128 key;
    uint32_t seq;  /* push order: among equal distances, first reached first (breadth-first) */
    uint32_t node;
} heap_item;

typedef struct net {
    size_t n;          /* network nodes */
    size_t m;          /* arcs */
    arc *arcs;
    int64_t *excess;   /* inflow - outflow at each node, at the current values */
    uint32_t *adj_at;  /* CSR: free arcs at node v are adj[adj_at[v] .. adj_at[v+1]) */
    uint32_t *adj;
    i128 *pot;      /* potentials: every residual arc has cost + pot[u] - pot[w] >= 0 */
    i128 *dist;
    uint32_t *pred;    /* arc by which a node was reached in the current search */
    uint32_t *reached; /* search stamp when dist is valid */
    uint32_t *settled; /* search stamp when dist is final */
    uint32_t *done;    /* nodes settled in the current search, in order */
    heap_item *heap;
    uint32_t heap_seq;
    size_t heap_len;
    size_t heap_cap;
} net;

/* Costs stay exact while den ≤ 2^80; a path has fewer than 2^32 arcs, so every distance and
 * potential stays below 2^113, far inside i128. Above 2^80 all costs are divided by one
 * common factor: the objective is then exact to about 2^-80 of a unit. */
#define COST_LIMIT ((i128)1 << 80)
/* A potential beyond this means something unforeseen: refuse rather than overflow. */
#define POT_LIMIT ((i128)1 << 120)

static bool S_item_less(const heap_item *a, const heap_item *b)
{
    /* Ties on distance go breadth-first, which keeps a search on a plateau of equal costs (all
     * fractions one half, say) near its source. The order depends on the input alone. */
    return a->key < b->key || (a->key == b->key && a->seq < b->seq);
}

static bool S_heap_push(net *g, i128 key, uint32_t node)
{
    if (g->heap_len == g->heap_cap) {
        size_t cap = g->heap_cap ? 2 * g->heap_cap : 64;
        heap_item *h = realloc(g->heap, cap * sizeof *h);
        if (!h) return false;
        g->heap = h;
        g->heap_cap = cap;
    }
    size_t i = g->heap_len++;
    heap_item it = {key, g->heap_seq++, node};
    while (i > 0) {
        size_t p = (i - 1) / 2;
        if (!S_item_less(&it, &g->heap[p])) break;
        g->heap[i] = g->heap[p];
        i = p;
    }
    g->heap[i] = it;
    return true;
}

static heap_item S_heap_pop(net *g)
{
    heap_item top = g->heap[0];
    heap_item last = g->heap[--g->heap_len];
    size_t n = g->heap_len, i = 0;
    for (;;) {
        size_t l = 2 * i + 1;
        if (l >= n) break;
        size_t c = (l + 1 < n && S_item_less(&g->heap[l + 1], &g->heap[l])) ? l + 1 : l;
        if (!S_item_less(&g->heap[c], &last)) break;
        g->heap[i] = g->heap[c];
        i = c;
    }
    if (n > 0) g->heap[i] = last;
    return top;
}

/* Move one unit of excess from S_NODE to the nearest node with a deficit, along a path of least
 * reduced cost (Dijkstra, stopped at the first deficit settled), then update the potentials of
 * the settled nodes so that every residual arc keeps a non-negative reduced cost. */
static fp_error S_augment(net *g, uint32_t s, uint32_t stamp)
{
    size_t ndone = 0;
    uint32_t t = UINT32_MAX;
    i128 far = 0;

    g->heap_len = 0;
    g->heap_seq = 0;
    g->dist[s] = 0;
    g->reached[s] = stamp;
    if (!S_heap_push(g, 0, s)) return FP_ERR_NOMEM;
    while (g->heap_len > 0) {
        heap_item it = S_heap_pop(g);
        uint32_t u = it.node;
        if (g->settled[u] == stamp || it.key != g->dist[u]) continue;
        g->settled[u] = stamp;
        g->done[ndone++] = u;
        if (g->excess[u] < 0) {
            t = u;
            far = it.key;
            break;
        }
        for (uint32_t k = g->adj_at[u]; k < g->adj_at[u + 1]; k++) {
            const arc *a = &g->arcs[g->adj[k]];
            uint32_t w;
            i128 rc;
            if (a->tail == u && !a->up) {
                w = a->head;
                rc = a->cost + g->pot[u] - g->pot[w];
            } else if (a->head == u && a->up) {
                w = a->tail;
                rc = -a->cost + g->pot[u] - g->pot[w];
            } else {
                continue;
            }
            if (g->settled[w] == stamp) continue;
            i128 d = it.key + rc;
            if (g->reached[w] != stamp || d < g->dist[w]) {
                g->reached[w] = stamp;
                g->dist[w] = d;
                g->pred[w] = g->adj[k];
                if (!S_heap_push(g, d, w)) return FP_ERR_NOMEM;
            }
        }
    }
    if (t == UINT32_MAX) return FP_ERR_INFEASIBLE; /* no residual path: the bounds cut it off */

    for (uint32_t v = t; v != s;) {
        arc *a = &g->arcs[g->pred[v]];
        a->up = (uint8_t)!a->up;
        v = (a->head == v) ? a->tail : a->head;
    }
    g->excess[s]--;
    g->excess[t]++;
    for (size_t i = 0; i < ndone; i++) {
        uint32_t u = g->done[i];
        g->pot[u] += g->dist[u] - far;
        if (g->pot[u] > POT_LIMIT || g->pot[u] < -POT_LIMIT) return FP_ERR_AMOUNT_OVERFLOW;
    }
    return FP_OK;
}

static void S_net_free(net *g)
{
    free(g->arcs);
    free(g->excess);
    free(g->adj_at);
    free(g->adj);
    free(g->pot);
    free(g->dist);
    free(g->pred);
    free(g->reached);
    free(g->settled);
    free(g->done);
    free(g->heap);
}

/* Set arc A to carry the exact value NUM/DEN rounded, with optional lower bound LOW (INT64_MIN
 * for none); OBJECTIVE says whether its deviation counts in the cost. */
static fp_error S_arc_set(arc *a, uint32_t tail, uint32_t head, i128 num, i128 den,
                          i128 scale, int64_t low, int64_t pin, bool objective)
{
    if (pin != INT64_MIN) { /* a value given exactly: no choice, no cost */
        a->tail = tail;
        a->head = head;
        a->base = pin;
        a->up = 0;
        a->free = 0;
        a->cost = 0;
        return low > pin ? FP_ERR_INFEASIBLE : FP_OK;
    }
    i128 fl = num / den, rem = num % den; /* num ≥ 0: truncation is floor */
    if (fl > (i128)INT64_MAX - (rem > 0)) return FP_ERR_AMOUNT_OVERFLOW;
    a->tail = tail;
    a->head = head;
    a->base = (int64_t)fl;
    a->up = 0;
    a->free = rem > 0;
    a->cost = objective && rem > 0 ? (den - rem - rem) / scale : 0;
    if (low > a->base) {
        if (low > a->base + a->free) return FP_ERR_INFEASIBLE;
        a->base++; /* forced to the ceiling */
        a->free = 0;
        a->cost = 0;
    }
    if (a->free && a->cost < 0) a->up = 1; /* start from nearest rounding: no negative arc */
    return FP_OK;
}

static bool S_add_ovf(i128 *acc, i128 v)
{
    return __builtin_add_overflow(*acc, v, acc);
}

fp_error ssp_round_controlled(size_t nodes, const size_t *parent, size_t cats,
                              const i128 *num, i128 den, const int64_t *cell_min,
                              const int64_t *row_min, int64_t *x)
{
    return ssp_round_controlled_pinned(nodes, parent, cats, num, den, cell_min, row_min, NULL,
                                       NULL, x);
}

fp_error ssp_round_controlled_pinned(size_t nodes, const size_t *parent, size_t cats,
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
    net g;
    memset(&g, 0, sizeof g);
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

    /* Network sizes; indices are 32-bit to keep the search arrays small. */
    if (internal > (SIZE_MAX - 1 - cats - nodes) / cats) {
        err = FP_ERR_NOMEM;
        goto done;
    }
    g.n = 1 + cats + nodes + internal * cats;
    g.m = ncell + nodes + cats;
    if (g.n >= UINT32_MAX || g.m >= UINT32_MAX / 2) {
        err = FP_ERR_NOMEM;
        goto done;
    }
    const uint32_t node_s = 0;
    const uint32_t t0 = 1;                            /* T_c = t0 + c */
    const uint32_t b0 = (uint32_t)(1 + cats);         /* B(v) = b0 + v */
    const uint32_t a0 = (uint32_t)(1 + cats + nodes); /* A(v,c) = a0 + aidx[v]*cats + c */
    i128 scale = den <= COST_LIMIT ? 1 : den / COST_LIMIT + 1;

    err = FP_ERR_NOMEM;
    g.arcs = malloc(g.m * sizeof *g.arcs);
    g.excess = calloc(g.n, sizeof *g.excess);
    g.adj_at = calloc(g.n + 1, sizeof *g.adj_at);
    g.pot = calloc(g.n, sizeof *g.pot);
    g.dist = malloc(g.n * sizeof *g.dist);
    g.pred = malloc(g.n * sizeof *g.pred);
    g.reached = calloc(g.n, sizeof *g.reached);
    g.settled = calloc(g.n, sizeof *g.settled);
    g.done = malloc(g.n * sizeof *g.done);
    if (!g.arcs || !g.excess || !g.adj_at || !g.pot || !g.dist || !g.pred || !g.reached ||
        !g.settled || !g.done)
        goto done;

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
            err = S_arc_set(&g.arcs[v * cats + c], tail, head, cellnum[v * cats + c], den, scale,
                            low, pin, true);
            if (err != FP_OK) goto done;
            if (S_add_ovf(&rownum, cellnum[v * cats + c])) {
                err = FP_ERR_AMOUNT_OVERFLOW;
                goto done;
            }
        }
        uint32_t head = parent[v] == FP_NONE ? node_s : (uint32_t)(b0 + parent[v]);
        int64_t low = leaf && row_min ? row_min[v] : INT64_MIN;
        err = S_arc_set(&g.arcs[ncell + v], (uint32_t)(b0 + v), head, rownum, den, scale, low,
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
        err = S_arc_set(&g.arcs[ncell + nodes + c], node_s, (uint32_t)(t0 + c), catnum, den, scale,
                        INT64_MIN, INT64_MIN, false);
        if (err != FP_OK) goto done;
    }

    /* Excess at the starting values. The exact values balance, so each excess is less than the
     * node's degree in magnitude; summed in 128 bits because the bases themselves may be large. */
    {
        i128 *ex = calloc(g.n, sizeof *ex);
        if (!ex) {
            err = FP_ERR_NOMEM;
            goto done;
        }
        for (size_t k = 0; k < g.m; k++) {
            const arc *a = &g.arcs[k];
            i128 val = (i128)a->base + a->up;
            ex[a->head] += val;
            ex[a->tail] -= val;
        }
        for (size_t v = 0; v < g.n; v++) g.excess[v] = (int64_t)ex[v];
        free(ex);
    }

    /* A free arc of cost 0 (fraction exactly one half) may take either value without breaking
     * optimality at zero potentials: raise it when that moves a unit from an excess straight to
     * a deficit. Tables of halves would otherwise cost one search per half. */
    for (size_t k = 0; k < g.m; k++) {
        arc *a = &g.arcs[k];
        if (a->free && a->cost == 0 && !a->up && g.excess[a->tail] > 0 && g.excess[a->head] < 0) {
            a->up = 1;
            g.excess[a->tail]--;
            g.excess[a->head]++;
        }
    }

    /* Adjacency of free arcs, in arc order. */
    size_t nfree = 0;
    for (size_t k = 0; k < g.m; k++)
        if (g.arcs[k].free) {
            g.adj_at[g.arcs[k].tail + 1]++;
            g.adj_at[g.arcs[k].head + 1]++;
            nfree++;
        }
    for (size_t v = 0; v < g.n; v++) g.adj_at[v + 1] += g.adj_at[v];
    g.adj = malloc((2 * nfree + 1) * sizeof *g.adj);
    if (!g.adj) {
        err = FP_ERR_NOMEM;
        goto done;
    }
    {
        uint32_t *fill = g.reached; /* borrowed as a cursor; reset below */
        for (size_t v = 0; v < g.n; v++) fill[v] = g.adj_at[v];
        for (size_t k = 0; k < g.m; k++)
            if (g.arcs[k].free) {
                g.adj[fill[g.arcs[k].tail]++] = (uint32_t)k;
                g.adj[fill[g.arcs[k].head]++] = (uint32_t)k;
            }
        memset(g.reached, 0, g.n * sizeof *g.reached);
    }

    /* Successive shortest paths. Starting from nearest rounding, every residual arc has a
     * non-negative cost, so zero potentials are valid; each augmentation keeps the flow optimal
     * for the excesses it has, and the last one leaves a balanced, optimal circulation. */
    uint32_t stamp = 0;
    for (size_t v = 0; v < g.n; v++) {
        while (g.excess[v] > 0) {
            err = S_augment(&g, (uint32_t)v, ++stamp);
            if (err != FP_OK) goto done;
        }
    }

    /* Own check: every node balanced (so every sum holds), every bound met. */
    err = FP_ERR_INTERNAL;
    memset(g.excess, 0, g.n * sizeof *g.excess);
    for (size_t k = 0; k < g.m; k++) {
        const arc *a = &g.arcs[k];
        int64_t val = a->base + a->up; /* base + free ≤ INT64_MAX was checked */
        if (a->up && !a->free) goto done;
        /* Flow conservation, checked modulo 2^64 (the values balance exactly, or a bug shows). */
        g.excess[a->head] = (int64_t)((uint64_t)g.excess[a->head] + (uint64_t)val);
        g.excess[a->tail] = (int64_t)((uint64_t)g.excess[a->tail] - (uint64_t)val);
    }
    for (size_t v = 0; v < g.n; v++)
        if (g.excess[v] != 0) goto done;

    for (size_t k = 0; k < ncell; k++) x[k] = g.arcs[k].base + g.arcs[k].up;
    err = FP_OK;
done:
    S_net_free(&g);
    free(cellnum);
    free(aidx);
    return err;
}
