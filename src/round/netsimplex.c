/* round/netsimplex.c — minimum-cost flow by the primal network simplex: a strongly feasible
 * spanning tree, block-search pricing, big-M artificial arcs to an extra root (Ahuja, Magnanti
 * and Orlin, "Network Flows", ch. 11; Kelly and O'Neill 1991 for the pivot rule).
 *
 * Costs and potentials are kept in 64 bits while that is provably safe (2-3 times faster than
 * 128 bits: pricing reads half the memory). When the exact costs are too large for that, a
 * first phase solves with every cost divided by one power of two (64 bits), and a second phase
 * continues from its spanning tree with the exact 128-bit costs until no arc prices out: the
 * result is exactly optimal either way, the first phase only makes the start near-optimal.
 *
 * The 64-bit pricing reads the arcs as runs (consecutive arcs whose tails, and heads, are
 * consecutive nodes or one node): potentials are then read in order rather than gathered, and
 * on a processor with AVX2 four arcs are priced at once. Every kernel takes the same entering
 * arc, so the pivots, and the flow, are the same on every machine. */

#include "round/netsimplex.h"
#include "util/buf.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define NS_AVX2 1
#endif

/* Bounds that keep every potential and reduced cost far inside 128 bits (potentials stay below
 * 2^114) and every flow inside 64 bits. */
#define COST_LIMIT ((i128)1 << 112)
#define FLOW_LIMIT ((i128)1 << 62)

/* In 64 bits. A potential is the cost of the tree path from the root: one artificial arc (0
 * or big) and at most n - 1 real ones, so it lies in [-n·C, big + n·C] (C = max |cost|), and
 * a reduced cost cost + pi[tail] - pi[head], with its partial sum, within big + (2n + 1)·C.
 * Keeping that below 2^62 leaves a factor 2 to spare. */
#define COST64_LIMIT ((i128)1 << 62)

/* Arc states: a non-tree arc sits at its lower bound (flow 0) or at its capacity; the sign is
 * chosen so that an arc is eligible to enter when state × reduced cost < 0. */
enum { AT_LOWER = 1, IN_TREE = 0, AT_UPPER = -1 };

/* Direction of a node's tree arc: UP when it goes from the node to its parent. */
enum { DIR_UP = 1, DIR_DOWN = -1 };

/* A run of arcs START … START + LEN - 1: arc START + i goes from TAIL + DT·i to HEAD + DH·i
 * (DT, DH ∈ {0, 1}). */
typedef struct arc_run {
    uint32_t start, len, tail, head;
    uint8_t dt, dh;
} arc_run;

typedef struct simplex {
    void *block;      /* every array below lives in it (S_place) */
    uint32_t n;       /* real nodes; the root is node n */
    uint32_t m;       /* real arcs; arc m + v is node v's artificial arc */
    uint32_t *tail;   /* m + n */
    uint32_t *head;
    int64_t *cap;
    int64_t *flow;
    int64_t *cost64; /* the costs in 64 bits: exact, or divided by 2^shift (first phase) */
    i128 *cost;      /* the exact costs, for the second phase (NULL when not needed) */
    int8_t *state;
    bool wide;       /* pricing with cost and pi (128 bits) rather than cost64 and pi64 */
    bool simd;       /* price with the AVX2 kernel */
    arc_run *runs;   /* the real arcs as runs, in order (64-bit pricing) */
    uint32_t nruns;
    uint32_t run_at; /* the run holding the next arc to price */
    /* The spanning tree, n + 1 entries each. */
    uint32_t *parent;
    uint32_t *pred;   /* the arc joining a node to its parent */
    int8_t *dir;
    uint32_t *depth;
    uint32_t *thread;     /* pre-order successor (circular through the root) */
    uint32_t *rev_thread; /* pre-order predecessor */
    int64_t *pi64;     /* potentials: every tree arc has cost + pi[tail] - pi[head] = 0 */
    i128 *pi;          /* the same in 128 bits (second phase) */
    /* Scratch for one pivot, n + 1 entries each. */
    uint32_t *seg;        /* the moved subtree in its old pre-order */
    uint32_t *order;      /* the same nodes in their new pre-order */
    uint32_t *stem_at;    /* stem nodes' positions in seg (start) */
    uint32_t *stem_end;   /* and the end of their old subtrees in seg */
    uint32_t *stem;       /* the stem: entering node up to the leaving node */
    uint32_t *stem_index; /* a node's place on the stem, or UINT32_MAX */
} simplex;

static i128 S_reduced(const simplex *s, uint32_t k)
{
    if (s->wide) return s->cost[k] + s->pi[s->tail[k]] - s->pi[s->head[k]];
    return s->cost64[k] + s->pi64[s->tail[k]] - s->pi64[s->head[k]];
}

/* The runs of arcs [0, M): each as long as its tails and heads keep their steps. With RUNS
 * NULL, only counts them. */
static uint32_t S_runs(const uint32_t *tail, const uint32_t *head, uint32_t m, arc_run *runs)
{
    uint32_t count = 0;
    for (uint32_t k = 0; k < m;) {
        uint32_t len = 1, dt = 0, dh = 0;
        if (k + 1 < m && tail[k + 1] - tail[k] <= 1 && head[k + 1] - head[k] <= 1) {
            dt = tail[k + 1] - tail[k];
            dh = head[k + 1] - head[k];
            len = 2;
            while (k + len < m && tail[k + len] == tail[k] + dt * len &&
                   head[k + len] == head[k] + dh * len)
                len++;
        }
        if (runs) runs[count] = (arc_run){k, len, tail[k], head[k], (uint8_t)dt, (uint8_t)dh};
        count++;
        k += len;
    }
    return count;
}

/* The least state × reduced cost over arcs [LO, HI) of run R, into *BEST and *AT when below
 * *BEST: state × reduced cost is negative when the arc is eligible to enter, 0 for a tree arc;
 * the first least one in the order of the arcs is kept. */
static void S_run_min(const simplex *s, const arc_run *r, uint32_t lo, uint32_t hi,
                      int64_t *best, uint32_t *at)
{
    const int8_t *state = s->state;
    const int64_t *cost = s->cost64, *pi = s->pi64;
    for (uint32_t k = lo; k < hi; k++) {
        uint32_t i = k - r->start;
        int64_t rc = (cost[k] + pi[r->tail + r->dt * i] - pi[r->head + r->dh * i]) * state[k];
        if (rc < *best) {
            *best = rc;
            *at = k;
        }
    }
}

#ifdef NS_AVX2
/* The same, four arcs at a time: each lane keeps its own first least value, and the lanes are
 * merged by value, then by arc (the first of equal values). */
__attribute__((target("avx2"))) static void S_run_min_avx2(const simplex *s, const arc_run *r,
                                                         uint32_t lo, uint32_t hi,
                                                         int64_t *best, uint32_t *at)
{
    const int8_t *state = s->state;
    const int64_t *cost = s->cost64, *pi = s->pi64;
    uint32_t k = lo;
    if (hi - lo >= 8) {
        const int64_t *pt = pi + r->tail, *ph = pi + r->head; /* at arc k: [k - r->start] */
        __m256i zero = _mm256_setzero_si256(), four = _mm256_set1_epi64x(4);
        __m256i tail_pi = _mm256_set1_epi64x(pi[r->tail]), head_pi = _mm256_set1_epi64x(pi[r->head]);
        __m256i bv = _mm256_set1_epi64x(*best), bi = _mm256_set1_epi64x(*at);
        __m256i iv = _mm256_set_epi64x(lo + 3, lo + 2, lo + 1, lo);
        for (; k + 4 <= hi; k += 4) {
            uint32_t i = k - r->start;
            __m256i a = r->dt ? _mm256_loadu_si256((const __m256i *)(pt + i)) : tail_pi;
            __m256i h = r->dh ? _mm256_loadu_si256((const __m256i *)(ph + i)) : head_pi;
            __m256i c = _mm256_loadu_si256((const __m256i *)(cost + k));
            int32_t st4;
            memcpy(&st4, state + k, sizeof st4);
            __m256i st = _mm256_cvtepi8_epi64(_mm_cvtsi32_si128(st4));
            __m256i rc = _mm256_sub_epi64(_mm256_add_epi64(c, a), h);
            /* × state ∈ {-1, 0, 1}: negate where -1, clear where 0 */
            __m256i neg = _mm256_cmpgt_epi64(zero, st);
            rc = _mm256_sub_epi64(_mm256_xor_si256(rc, neg), neg);
            rc = _mm256_andnot_si256(_mm256_cmpeq_epi64(st, zero), rc);
            __m256i lt = _mm256_cmpgt_epi64(bv, rc);
            bv = _mm256_blendv_epi8(bv, rc, lt);
            bi = _mm256_blendv_epi8(bi, iv, lt);
            iv = _mm256_add_epi64(iv, four);
        }
        int64_t v[4], ix[4];
        _mm256_storeu_si256((__m256i *)v, bv);
        _mm256_storeu_si256((__m256i *)ix, bi);
        /* a lane that found nothing below *BEST still holds it with *AT, so a tie between
         * lanes takes the first arc whichever lanes they are */
        for (int l = 0; l < 4; l++)
            if (v[l] < *best || (v[l] == *best && (uint32_t)ix[l] < *at)) {
                *best = v[l];
                *at = (uint32_t)ix[l];
            }
    }
    S_run_min(s, r, k, hi, best, at);
}
#endif

/* Block search (Grigoriadis 1986): scan the arcs cyclically in blocks of about √m, and take the
 * most violating arc of the first block that has one (the first of equally violating ones). */
static bool S_price64(simplex *s, uint32_t block, uint32_t *next, uint32_t *entering)
{
    int64_t best = 0;
    uint32_t at = 0, count = block, k = *next, m = s->m, r = s->run_at;
    for (uint32_t seen = 0; seen < m;) {
        while (k < s->runs[r].start || k - s->runs[r].start >= s->runs[r].len)
            if (++r == s->nruns) r = 0;
        const arc_run *run = &s->runs[r];
        uint32_t take = run->start + run->len - k;
        if (take > count) take = count;
        if (take > m - seen) take = m - seen;
#ifdef NS_AVX2
        if (s->simd)
            S_run_min_avx2(s, run, k, k + take, &best, &at);
        else
#endif
            S_run_min(s, run, k, k + take, &best, &at);
        k += take;
        if (k == m) k = 0;
        seen += take;
        count -= take;
        if (count == 0) {
            if (best < 0) break;
            count = block;
        }
    }
    s->run_at = r;
    *next = k;
    if (best >= 0) return false;
    *entering = at;
    return true;
}

static bool S_price128(const simplex *s, uint32_t block, uint32_t *next, uint32_t *entering)
{
    const uint32_t *tail = s->tail, *head = s->head;
    const int8_t *state = s->state;
    const i128 *cost = s->cost, *pi = s->pi;
    i128 best = 0;
    uint32_t count = block, k = *next, m = s->m;
    for (uint32_t seen = 0; seen < m; seen++) {
        int8_t st = state[k];
        if (st != IN_TREE) {
            i128 rc = cost[k] + pi[tail[k]] - pi[head[k]];
            if (st == AT_UPPER) rc = -rc;
            if (rc < best) {
                best = rc;
                *entering = k;
            }
        }
        if (++k == m) k = 0;
        if (--count == 0) {
            if (best < 0) break;
            count = block;
        }
    }
    *next = k;
    return best < 0;
}

/* Move the subtree hanging from U_OUT (its tree arc leaves) so that it hangs from V_IN through
 * the entering arc IN at U_IN, a node of that subtree; SIGMA shifts its potentials. The subtree
 * is re-rooted at U_IN: the stem U_IN → … → U_OUT reverses, and the new pre-order is the old
 * subtree of U_IN followed, for each stem node in turn, by its old subtree less the previous
 * stem node's. Work is linear in the size of the subtree. */
static void S_move_subtree(simplex *s, uint32_t u_in, uint32_t v_in, uint32_t u_out, uint32_t in,
                           i128 sigma)
{
    /* The old subtree, a contiguous run of the thread. */
    uint32_t len = 0, d0 = s->depth[u_out];
    uint32_t u = u_out;
    do {
        s->seg[len++] = u;
        u = s->thread[u];
    } while (s->depth[u] > d0); /* the root has depth 0 and ends every run */
    uint32_t before = s->rev_thread[u_out], after = u;
    s->thread[before] = after;
    s->rev_thread[after] = before;

    /* The stem and where each of its nodes starts and ends in seg. */
    uint32_t K = 0;
    for (u = u_in;; u = s->parent[u]) {
        s->stem_index[u] = K;
        s->stem[K++] = u;
        if (u == u_out) break;
    }
    /* The new order; when the entering arc leaves from the cut node itself (no stem to
     * reverse, a frequent case), the old order stays. */
    const uint32_t *order = s->seg;
    uint32_t olen = len;
    if (K > 1) {
        for (uint32_t p = 0; p < len; p++) {
            uint32_t i = s->stem_index[s->seg[p]];
            if (i != UINT32_MAX) s->stem_at[i] = p;
        }
        uint32_t p = s->stem_at[0] + 1;
        for (uint32_t i = 0; i < K; i++) {
            uint32_t d = s->depth[s->stem[i]];
            while (p < len && s->depth[s->seg[p]] > d) p++;
            s->stem_end[i] = p;
        }
        olen = 0;
        for (p = s->stem_at[0]; p < s->stem_end[0]; p++) s->order[olen++] = s->seg[p];
        for (uint32_t i = 1; i < K; i++) {
            for (p = s->stem_at[i]; p < s->stem_at[i - 1]; p++) s->order[olen++] = s->seg[p];
            for (p = s->stem_end[i - 1]; p < s->stem_end[i]; p++) s->order[olen++] = s->seg[p];
        }
        order = s->order;
    }

    /* Reverse the stem: each stem node's parent becomes the one below it. */
    for (uint32_t i = K - 1; i > 0; i--) {
        uint32_t v = s->stem[i], below = s->stem[i - 1];
        s->parent[v] = below;
        s->pred[v] = s->pred[below];
        s->dir[v] = (int8_t)-s->dir[below];
    }
    s->parent[u_in] = v_in;
    s->pred[u_in] = in;
    s->dir[u_in] = s->tail[in] == u_in ? DIR_UP : DIR_DOWN;
    for (uint32_t i = 0; i < K; i++) s->stem_index[s->stem[i]] = UINT32_MAX;

    /* Splice the new run in right after V_IN; depths and potentials follow the new order
     * (a parent always comes before its children). */
    uint32_t next = s->thread[v_in];
    uint32_t prev = v_in;
    if (K == 1) { /* the run keeps its inner links; its depths all move by the same step */
        uint32_t shift = s->depth[v_in] + 1 - s->depth[u_in]; /* modulo 2^32 */
        for (uint32_t p = 0; p < olen; p++) s->depth[order[p]] += shift;
        s->thread[prev] = order[0];
        s->rev_thread[order[0]] = prev;
        prev = order[olen - 1];
    } else {
        for (uint32_t p = 0; p < olen; p++) {
            uint32_t v = order[p];
            s->thread[prev] = v;
            s->rev_thread[v] = prev;
            s->depth[v] = s->depth[s->parent[v]] + 1;
            prev = v;
        }
    }
    s->thread[prev] = next;
    s->rev_thread[next] = prev;
    if (s->wide)
        for (uint32_t p = 0; p < olen; p++) s->pi[order[p]] += sigma;
    else
        for (uint32_t p = 0; p < olen; p++) s->pi64[order[p]] += (int64_t)sigma;
}

/* One pivot on the entering arc IN. The cycle it closes is oriented along the push (tail to
 * head at the lower bound, head to tail at capacity); the leaving arc is the last blocking arc
 * met when walking that cycle from its apex, which keeps the tree strongly feasible (every
 * node can send flow up to the root), so degenerate pivots cannot cycle. */
static void S_pivot(simplex *s, uint32_t in)
{
    bool lower = s->state[in] == AT_LOWER;
    uint32_t first = lower ? s->tail[in] : s->head[in];
    uint32_t second = lower ? s->head[in] : s->tail[in];

    /* One walk up from both ends to the apex (the deeper end first) finds the apex and each
     * side's tightest arc. The cycle runs apex → first (down the tree), the entering arc, then
     * second → apex; the leaving arc is the last blocking one on it: on the first side the
     * tightest arc nearest first (strict <, met first going up), on the second the tightest
     * nearest the apex (<=, met last), and the second side's on a tie with the first's. */
    int64_t r1 = INT64_MAX, r2 = INT64_MAX;
    uint32_t u1 = UINT32_MAX, u2 = UINT32_MAX;
    uint32_t a = first, b = second;
    while (a != b) {
        if (s->depth[a] >= s->depth[b]) {
            uint32_t e = s->pred[a];
            int64_t r = s->dir[a] == DIR_UP ? s->flow[e] : s->cap[e] - s->flow[e];
            if (r < r1) {
                r1 = r;
                u1 = a;
            }
            a = s->parent[a];
        } else {
            uint32_t e = s->pred[b];
            int64_t r = s->dir[b] == DIR_UP ? s->cap[e] - s->flow[e] : s->flow[e];
            if (r <= r2) {
                r2 = r;
                u2 = b;
            }
            b = s->parent[b];
        }
    }
    uint32_t apex = a;
    int64_t delta = s->cap[in];
    uint32_t u_out = UINT32_MAX;
    int side = 0;
    if (r1 < delta) {
        delta = r1;
        u_out = u1;
        side = 1;
    }
    if (u2 != UINT32_MAX && r2 <= delta) {
        delta = r2;
        u_out = u2;
        side = 2;
    }

    if (delta > 0) {
        s->flow[in] += lower ? delta : -delta;
        for (uint32_t u = first; u != apex; u = s->parent[u])
            s->flow[s->pred[u]] += s->dir[u] == DIR_UP ? -delta : delta;
        for (uint32_t u = second; u != apex; u = s->parent[u])
            s->flow[s->pred[u]] += s->dir[u] == DIR_UP ? delta : -delta;
    }
    if (side == 0) { /* the entering arc blocks itself: it just changes bound */
        s->state[in] = (int8_t)-s->state[in];
        return;
    }
    uint32_t out = s->pred[u_out];
    s->state[out] = s->flow[out] == 0 ? AT_LOWER : AT_UPPER;
    s->state[in] = IN_TREE;
    uint32_t u_in = side == 1 ? first : second;
    uint32_t v_in = side == 1 ? second : first;
    /* After the move the entering arc's reduced cost must be 0. */
    i128 rc = S_reduced(s, in);
    i128 sigma = s->tail[in] == u_in ? -rc : rc;
    S_move_subtree(s, u_in, v_in, u_out, in, sigma);
}

/* Arc K's capacity: CAP[k], every capacity 1 when CAP is NULL. */
static int64_t S_cap(const int64_t *cap, size_t k)
{
    return cap ? cap[k] : 1;
}

/* Place every array of S in one block at BASE (NULL: only measure) and return its size: the
 * first touches of a few 2 MiB pages instead of thousands of 4 KiB ones (each a trap, a dear one
 * on a virtual machine; see buf_resize_big). NARROW and EXACT say which costs and potentials;
 * NRUNS is the number of runs of arcs (64-bit pricing only). */
static size_t S_place(simplex *s, char *base, size_t all, size_t nn, size_t nruns, bool narrow,
                      bool exact)
{
    size_t at = 0;
#define PLACE(field, count)                                                                    \
    do {                                                                                       \
        at = (at + 15) & ~(size_t)15;                                                          \
        if (base) s->field = (void *)(base + at);                                              \
        at += (count) * sizeof *s->field;                                                      \
    } while (0)
    PLACE(tail, all);
    PLACE(head, all);
    PLACE(cap, all);
    PLACE(flow, all);
    PLACE(state, all);
    PLACE(parent, nn);
    PLACE(pred, nn);
    PLACE(dir, nn);
    PLACE(depth, nn);
    PLACE(thread, nn);
    PLACE(rev_thread, nn);
    PLACE(seg, nn);
    PLACE(order, nn);
    PLACE(stem_at, nn);
    PLACE(stem_end, nn);
    PLACE(stem, nn);
    PLACE(stem_index, nn);
    if (narrow) {
        PLACE(cost64, all);
        PLACE(pi64, nn);
        PLACE(runs, nruns);
    }
    if (exact) {
        PLACE(cost, all);
        PLACE(pi, nn);
    }
#undef PLACE
    return at;
}


fp_error netsimplex_solve(size_t n, size_t m, const uint32_t *tail, const uint32_t *head,
                          const int64_t *cap, const i128 *cost, const int64_t *supply,
                          int64_t *flow)
{
    return netsimplex_solve_kernel(n, m, tail, head, cap, cost, supply, flow, NETSIMPLEX_AUTO);
}

fp_error netsimplex_solve_kernel(size_t n, size_t m, const uint32_t *tail, const uint32_t *head,
                                 const int64_t *cap, const i128 *cost, const int64_t *supply,
                                 int64_t *flow, netsimplex_kernel kernel)
{
    if (n == 0) return m == 0 ? FP_OK : FP_ERR_ARGUMENT;
    if (n >= UINT32_MAX / 2 || m >= UINT32_MAX / 2) return FP_ERR_NOMEM;
    if (!tail || !head || !cost || !supply || (m > 0 && !flow)) return FP_ERR_ARGUMENT;

    /* Start every arc of negative cost at its capacity (the cheapest arc values alone), the
     * others at 0; what that leaves unbalanced goes through the artificial arcs. */
    i128 big = 1, sum = 0, moved = 0;
    for (size_t k = 0; k < m; k++) {
        if (tail[k] >= n || head[k] >= n || S_cap(cap, k) < 0) return FP_ERR_ARGUMENT;
        i128 c = cost[k] < 0 ? -cost[k] : cost[k];
        int64_t ck = S_cap(cap, k); /* a division only for capacities above 1 */
        if (c > COST_LIMIT || (ck > 1 && c > COST_LIMIT / ck)) return FP_ERR_ARGUMENT;
        big += c * S_cap(cap, k);
        moved += S_cap(cap, k);
        if (big > COST_LIMIT || moved > FLOW_LIMIT) return FP_ERR_ARGUMENT;
    }
    for (size_t v = 0; v < n; v++) {
        sum += supply[v];
        moved += supply[v] < 0 ? -(i128)supply[v] : supply[v];
    }
    if (moved > FLOW_LIMIT) return FP_ERR_ARGUMENT;
    if (sum != 0) return FP_ERR_INFEASIBLE;
    /* Any flow through the root costs big per unit, more than every real arc together can
     * save: an optimum uses the artificial arcs only when no feasible flow exists. */
    i128 total = big - 1; /* Σ |cost| · cap */
    big = 2 * big + 1;

    /* The 64-bit phase divides every cost by 2^shift, the least power that keeps it safe:
     * with costs c >> shift (|c >> shift| ≤ (|c| >> shift) + 1), Σ|c'|·cap ≤ (total >> shift)
     * + Σ cap, and max|c'| ≤ (max|c| >> shift) + 1. */
    i128 maxc = 0, capsum = 0;
    for (size_t k = 0; k < m; k++) {
        i128 c = cost[k] < 0 ? -cost[k] : cost[k];
        if (c > maxc) maxc = c;
        capsum += S_cap(cap, k);
    }
    int shift = 0;
    bool narrow = false;
    for (; shift < 120; shift++) {
        i128 t = (total >> shift) + capsum, mc = (maxc >> shift) + 1;
        if (t < COST64_LIMIT && mc < COST64_LIMIT &&
            2 * t + 1 + (i128)(2 * n + 1) * mc < COST64_LIMIT) {
            narrow = true;
            break;
        }
    }

    simplex s;
    memset(&s, 0, sizeof s);
    s.n = (uint32_t)n;
    s.m = (uint32_t)m;
    s.wide = !narrow;
#ifdef NS_AVX2
    s.simd = kernel == NETSIMPLEX_AUTO && __builtin_cpu_supports("avx2");
#else
    (void)kernel;
#endif
    size_t all = m + n, nn = n + 1;
    int64_t *bal = malloc(n * sizeof *bal);
    fp_error err = FP_ERR_NOMEM;
    bool exact = !narrow || shift > 0;
    s.nruns = narrow ? S_runs(tail, head, s.m, NULL) : 0;
    size_t bytes = S_place(&s, NULL, all, nn, s.nruns, narrow, exact);
    if (!bal || buf_resize_big(&s.block, 0, bytes, bytes) != 0) goto done;
    S_place(&s, s.block, all, nn, s.nruns, narrow, exact);
    if (narrow) S_runs(tail, head, s.m, s.runs);

    memcpy(bal, supply, n * sizeof *bal);
    i128 big64 = 1;
    for (size_t k = 0; k < m; k++) {
        s.tail[k] = tail[k];
        s.head[k] = head[k];
        s.cap[k] = S_cap(cap, k);
        if (s.cost) s.cost[k] = cost[k];
        if (narrow) {
            s.cost64[k] = (int64_t)(cost[k] >> shift);
            big64 += (i128)(s.cost64[k] < 0 ? -s.cost64[k] : s.cost64[k]) * S_cap(cap, k);
        }
        if (cost[k] < 0) {
            s.flow[k] = S_cap(cap, k);
            s.state[k] = AT_UPPER;
            bal[tail[k]] -= S_cap(cap, k);
            bal[head[k]] += S_cap(cap, k);
        } else {
            s.flow[k] = 0;
            s.state[k] = AT_LOWER;
        }
    }
    big64 = 2 * big64 + 1;

    /* The initial tree: every node hangs from the root by its artificial arc, pointing up for
     * a node that must still send flow (cost 0), down for one that must receive (cost big).
     * Every node can send flow to the root along it: the tree is strongly feasible. */
    uint32_t root = s.n;
    s.parent[root] = UINT32_MAX;
    s.pred[root] = UINT32_MAX;
    s.dir[root] = 0;
    s.depth[root] = 0;
    if (s.pi) s.pi[root] = 0;
    if (narrow) s.pi64[root] = 0;
    s.thread[root] = 0;
    s.rev_thread[0] = root;
    s.stem_index[root] = UINT32_MAX;
    for (uint32_t v = 0; v < s.n; v++) {
        uint32_t e = s.m + v;
        bool up = bal[v] >= 0;
        s.parent[v] = root;
        s.pred[v] = e;
        s.depth[v] = 1;
        s.thread[v] = v + 1;
        s.rev_thread[v + 1] = v;
        s.cap[e] = INT64_MAX;
        s.state[e] = IN_TREE;
        s.stem_index[v] = UINT32_MAX;
        s.tail[e] = up ? v : root;
        s.head[e] = up ? root : v;
        s.flow[e] = up ? bal[v] : -bal[v];
        s.dir[v] = up ? DIR_UP : DIR_DOWN;
        if (s.cost) s.cost[e] = s.pi[v] = up ? 0 : big;
        if (narrow) s.cost64[e] = s.pi64[v] = up ? 0 : (int64_t)big64;
    }

    uint32_t block = 10, next = 0, in = 0;
    while ((uint64_t)block * block < s.m) block++;
    if (narrow)
        while (s.m > 0 && S_price64(&s, block, &next, &in)) S_pivot(&s, in);
    if (s.cost) {
        /* The exact phase: potentials from the tree (a parent before its children in the
         * thread), then pivots until no arc prices out at its exact cost. */
        s.wide = true;
        for (uint32_t v = s.thread[root]; v != root; v = s.thread[v]) {
            uint32_t e = s.pred[v], p = s.parent[v];
            s.pi[v] = s.tail[e] == v ? s.pi[p] - s.cost[e] : s.pi[p] + s.cost[e];
        }
        while (s.m > 0 && S_price128(&s, block, &next, &in)) S_pivot(&s, in);
    }

    err = FP_ERR_INFEASIBLE;
    for (uint32_t v = 0; v < s.n; v++)
        if (s.flow[s.m + v] != 0) goto done;
    memcpy(flow, s.flow, m * sizeof *flow);
    err = FP_OK;
done:
    free(s.block);
    free(bal);
    return err;
}
