/* realloc/feasible.c — can every target and bound hold at once: a circulation with lower bounds
 * decided by Dinic's maximum flow, a minimum cut as the certificate when it cannot, and strongly
 * connected components of the residual network for the cells no solution lifts off their floors.
 *
 * The network (Hoffman 1960; Ahuja, Magnanti and Orlin, "Network Flows", §6.7): a source s and a
 * sink t; every set of family 0 is a node fed by its parent's node (or s) through an arc carrying
 * the set's sum, every set of family 1 a node draining into its parent's (or t) the same way, and
 * every cell an arc from its smallest family-0 set (or s) to its smallest family-1 set (or t); an
 * arc t → s closes the circulation. Flow conservation at a set's node says its arc carries the sum
 * of its cells, so the bounds hold together exactly when a circulation meets every arc's bounds.
 * Lower bounds are moved into node excesses, and a maximum flow from a super source to a super
 * sink either routes every excess (feasible) or stops at a minimum cut whose sets and floors are
 * the certificate. Every quantity is an integer in 128 bits; nothing is rounded. */
#include "realloc/feasible.h"

#include <stdlib.h>
#include <string.h>

#define INF ((i128)1 << 120)
#define LIMIT ((i128)1 << 100)
#define NIL ((size_t)-1)

typedef struct graph {
    size_t nn, na;       /* nodes; arcs, each arc e with its reverse e ^ 1 */
    size_t *to, *next;   /* per arc */
    i128 *cap;           /* residual capacity */
    size_t *first, *it;  /* per node: its arc list, the current arc of the phase */
    long *level;
    size_t *queue, *path;
} graph;

static void add_arc(graph *g, size_t u, size_t v, i128 cap)
{
    size_t e = g->na;
    g->to[e] = v;
    g->cap[e] = cap;
    g->next[e] = g->first[u];
    g->first[u] = e;
    g->to[e + 1] = u;
    g->cap[e + 1] = 0;
    g->next[e + 1] = g->first[v];
    g->first[v] = e + 1;
    g->na += 2;
}

/* Breadth-first levels from S over arcs with room; whether T is reached. */
static int levels(graph *g, size_t S, size_t T)
{
    for (size_t v = 0; v < g->nn; v++)
        g->level[v] = -1;
    size_t head = 0, tail = 0;
    g->level[S] = 0;
    g->queue[tail++] = S;
    while (head < tail) {
        size_t v = g->queue[head++];
        for (size_t e = g->first[v]; e != NIL; e = g->next[e])
            if (g->cap[e] > 0 && g->level[g->to[e]] < 0) {
                g->level[g->to[e]] = g->level[v] + 1;
                g->queue[tail++] = g->to[e];
            }
    }
    return g->level[T] >= 0;
}

/* Dinic's algorithm, the blocking flow of each phase found without recursion. */
static i128 max_flow(graph *g, size_t S, size_t T)
{
    i128 total = 0;
    while (levels(g, S, T)) {
        memcpy(g->it, g->first, g->nn * sizeof *g->it);
        size_t top = 0, v = S;
        for (;;) {
            if (v == T) {
                i128 f = INF;
                for (size_t k = 0; k < top; k++)
                    if (g->cap[g->path[k]] < f)
                        f = g->cap[g->path[k]];
                for (size_t k = 0; k < top; k++) {
                    g->cap[g->path[k]] -= f;
                    g->cap[g->path[k] ^ 1] += f;
                }
                total += f;
                top = 0;
                v = S;
                continue;
            }
            size_t e = g->it[v];
            while (e != NIL && !(g->cap[e] > 0 && g->level[g->to[e]] == g->level[v] + 1))
                e = g->next[e];
            g->it[v] = e;
            if (e == NIL) { /* a dead end: leave it out of the rest of the phase */
                if (v == S)
                    break;
                g->level[v] = -1;
                v = g->to[g->path[--top] ^ 1];
                continue;
            }
            g->path[top++] = e;
            v = g->to[e];
        }
    }
    return total;
}

/* Strongly connected components of the nodes below NN over the arcs below NA with room
 * (Tarjan's algorithm, iteratively): COMP[v] for each node. SCRATCH holds 4·nn entries. */
static void components(const graph *g, size_t nn, size_t na, size_t *comp, size_t *scratch)
{
    size_t *index = scratch, *low = scratch + nn, *stack = scratch + 2 * nn,
           *calls = scratch + 3 * nn, *it = g->it;
    size_t counter = 0, sp = 0, ncomp = 0;
    for (size_t v = 0; v < nn; v++) {
        index[v] = NIL;
        comp[v] = NIL;
    }
    for (size_t root = 0; root < nn; root++) {
        if (index[root] != NIL)
            continue;
        size_t cp = 0;
        index[root] = low[root] = counter++;
        stack[sp++] = root;
        it[root] = g->first[root];
        calls[cp++] = root;
        while (cp) {
            size_t v = calls[cp - 1], e = it[v];
            while (e != NIL && !(e < na && g->cap[e] > 0 && g->to[e] < nn))
                e = g->next[e];
            if (e != NIL) {
                it[v] = g->next[e];
                size_t w = g->to[e];
                if (index[w] == NIL) {
                    index[w] = low[w] = counter++;
                    stack[sp++] = w;
                    it[w] = g->first[w];
                    calls[cp++] = w;
                } else if (comp[w] == NIL && index[w] < low[v]) {
                    low[v] = index[w]; /* w is still on the stack */
                }
                continue;
            }
            cp--;
            if (low[v] == index[v]) {
                size_t w;
                do {
                    w = stack[--sp];
                    comp[w] = ncomp;
                } while (w != v);
                ncomp++;
            }
            if (cp && low[v] < low[calls[cp - 1]])
                low[calls[cp - 1]] = low[v];
        }
    }
}

/* The bounds a cut X (IN[v] = 1: v in X) crosses: the lower bounds of the arcs into X (marked
 * FEAS_LOWER, or CELL_CUT 1) and the upper bounds of the arcs out of it (FEAS_UPPER). How many sets
 * it names (with the floors as a tie-breaker: sets × (nc + 1) + floors), or -1 when it is not a
 * certificate of GAP (an unbounded arc leaves X, or the two sides differ by another amount). */
static long cut_bounds(const graph *g, size_t ns, size_t nc, const i128 *lower,
                       const i128 *upper, const uint8_t *in, i128 gap, uint8_t *set_cut,
                       uint8_t *cell_cut)
{
    memset(set_cut, 0, ns);
    memset(cell_cut, 0, nc);
    i128 need = 0, room = 0;
    long sets = 0, floors = 0;
    for (size_t k = 0; k < ns + nc + 1; k++) {
        size_t u = g->to[2 * k + 1], v = g->to[2 * k];
        if (!in[u] && in[v] && lower[k] > 0) {
            need += lower[k];
            if (k < ns) {
                set_cut[k] = FEAS_LOWER;
                sets++;
            } else if (k < ns + nc) {
                cell_cut[k - ns] = 1;
                floors++;
            }
        } else if (in[u] && !in[v]) {
            if (upper[k] == INF || k >= ns)
                return -1;
            room += upper[k];
            set_cut[k] = FEAS_UPPER;
            sets++;
        }
    }
    if (need - room != gap)
        return -1;
    return sets * (long)(nc + 1) + floors;
}

static void graph_free(graph *g)
{
    free(g->to);
    free(g->next);
    free(g->cap);
    free(g->first);
    free(g->it);
    free(g->level);
    free(g->queue);
    free(g->path);
}

fp_error feas_solve(const feas_net *N, feas_result *R)
{
    size_t ns = N->nsets, nc = N->ncells;
    /* nodes: s, t, the sets, the super source and sink */
    const size_t s = 0, t = 1, SS = ns + 2, TT = ns + 3;
    size_t norig = ns + nc + 1; /* original arcs: sets, cells, t → s */
    i128 sum = 0;
    for (size_t j = 0; j < ns; j++) {
        if (N->lo[j] < 0 || (N->hi[j] != FEAS_UNBOUNDED && N->hi[j] < N->lo[j]) ||
            (N->parent[j] != FEAS_NONE &&
             (N->parent[j] >= ns || N->family[N->parent[j]] != N->family[j])) ||
            N->family[j] > 1)
            return FP_ERR_ARGUMENT;
        sum += N->lo[j] + (N->hi[j] == FEAS_UNBOUNDED ? 0 : N->hi[j]);
        if (sum >= LIMIT)
            return FP_ERR_ARGUMENT;
    }
    for (size_t i = 0; i < nc; i++) {
        for (int f = 0; f < 2; f++) {
            size_t j = N->cell_set[2 * i + (size_t)f];
            if (j != FEAS_NONE && (j >= ns || N->family[j] != f))
                return FP_ERR_ARGUMENT;
        }
        if (N->floor[i] < 0)
            return FP_ERR_ARGUMENT;
        sum += N->floor[i];
        if (sum >= LIMIT)
            return FP_ERR_ARGUMENT;
    }
    graph g = {0};
    g.nn = ns + 4;
    size_t maxarcs = 2 * (norig + g.nn);
    i128 *lower = malloc(norig * sizeof *lower), *upper = malloc(norig * sizeof *upper);
    i128 *excess = calloc(g.nn, sizeof *excess);
    uint8_t *reach = calloc(g.nn, 1);
    size_t *comp = NULL, *scratch = NULL;
    g.to = malloc(maxarcs * sizeof *g.to);
    g.next = malloc(maxarcs * sizeof *g.next);
    g.cap = malloc(maxarcs * sizeof *g.cap);
    g.first = malloc(g.nn * sizeof *g.first);
    g.it = malloc(g.nn * sizeof *g.it);
    g.level = malloc(g.nn * sizeof *g.level);
    g.queue = malloc(g.nn * sizeof *g.queue);
    g.path = malloc(g.nn * sizeof *g.path);
    fp_error err = FP_OK;
    if (!lower || !upper || !excess || !reach || !g.to || !g.next || !g.cap || !g.first ||
        !g.it || !g.level || !g.queue || !g.path) {
        err = FP_ERR_NOMEM;
        goto done;
    }
    for (size_t v = 0; v < g.nn; v++)
        g.first[v] = NIL;
    /* the original arcs, arc k as edge 2k, with its lower bound moved into the excesses */
    for (size_t k = 0; k < norig; k++) {
        size_t u, v;
        if (k < ns) {
            size_t p = N->parent[k], me = k + 2, up = p == FEAS_NONE ? FEAS_NONE : p + 2;
            if (N->family[k] == 0) {
                u = up == FEAS_NONE ? s : up;
                v = me;
            } else {
                u = me;
                v = up == FEAS_NONE ? t : up;
            }
            lower[k] = N->lo[k];
            upper[k] = N->hi[k] == FEAS_UNBOUNDED ? INF : N->hi[k];
        } else if (k < ns + nc) {
            size_t i = k - ns, a = N->cell_set[2 * i], b = N->cell_set[2 * i + 1];
            u = a == FEAS_NONE ? s : a + 2;
            v = b == FEAS_NONE ? t : b + 2;
            lower[k] = N->floor[i];
            upper[k] = INF;
        } else {
            u = t;
            v = s;
            lower[k] = 0;
            upper[k] = INF;
        }
        add_arc(&g, u, v, upper[k] == INF ? INF : upper[k] - lower[k]);
        excess[v] += lower[k];
        excess[u] -= lower[k];
    }
    i128 demand = 0;
    for (size_t v = 0; v < ns + 2; v++) {
        if (excess[v] > 0) {
            add_arc(&g, SS, v, excess[v]);
            demand += excess[v];
        } else if (excess[v] < 0) {
            add_arc(&g, v, TT, -excess[v]);
        }
    }
    i128 flow = max_flow(&g, SS, TT);
    R->feasible = flow == demand;
    R->gap = demand - flow;
    if (!R->feasible) {
        /* Two minimum cuts: X = what the super source still reaches, and X = what cannot reach
         * the super sink; the certificate is the one naming fewer bounds. */
        size_t head = 0, tail = 0;
        reach[SS] = 1;
        g.queue[tail++] = SS;
        while (head < tail) {
            size_t v = g.queue[head++];
            for (size_t e = g.first[v]; e != NIL; e = g.next[e])
                if (g.cap[e] > 0 && !reach[g.to[e]]) {
                    reach[g.to[e]] = 1;
                    g.queue[tail++] = g.to[e];
                }
        }
        uint8_t *sink_side = calloc(g.nn, 1), *sets2 = malloc(ns + 1), *cells2 = malloc(nc + 1);
        if (!sink_side || !sets2 || !cells2) {
            free(sink_side);
            free(sets2);
            free(cells2);
            err = FP_ERR_NOMEM;
            goto done;
        }
        head = tail = 0;
        sink_side[TT] = 1;
        g.queue[tail++] = TT;
        while (head < tail) {
            size_t w = g.queue[head++];
            for (size_t e = g.first[w]; e != NIL; e = g.next[e])
                if (g.cap[e ^ 1] > 0 && !sink_side[g.to[e]]) {
                    sink_side[g.to[e]] = 1;
                    g.queue[tail++] = g.to[e];
                }
        }
        for (size_t v = 0; v < g.nn; v++)
            sink_side[v] = !sink_side[v]; /* now the source side */
        long n1 = cut_bounds(&g, ns, nc, lower, upper, reach, R->gap, R->set_cut, R->cell_cut);
        long n2 = cut_bounds(&g, ns, nc, lower, upper, sink_side, R->gap, sets2, cells2);
        if (n1 < 0 || n2 < 0) {
            err = FP_ERR_INTERNAL;
        } else if (n2 < n1) {
            memcpy(R->set_cut, sets2, ns);
            memcpy(R->cell_cut, cells2, nc);
        }
        free(sink_side);
        free(sets2);
        free(cells2);
        goto done;
    }
    /* feasible: a cell at its floor can rise in some solution exactly when the residual network
     * of this circulation has a cycle through its arc, i.e. its ends are strongly connected */
    comp = malloc(g.nn * sizeof *comp);
    scratch = malloc(4 * g.nn * sizeof *scratch);
    if (!comp || !scratch) {
        err = FP_ERR_NOMEM;
        goto done;
    }
    components(&g, ns + 2, 2 * norig, comp, scratch);
    for (size_t i = 0; i < nc; i++) {
        size_t e = 2 * (ns + i);
        R->at_floor[i] = g.cap[e + 1] == 0 && comp[g.to[e]] != comp[g.to[e + 1]];
    }
done:
    free(lower);
    free(upper);
    free(excess);
    free(reach);
    free(comp);
    free(scratch);
    graph_free(&g);
    return err;
}
