/* round/apportion.c — largest-remainder and divisor methods, exact, fast for huge seat counts.
 *
 * Everything here is integer arithmetic: weights are plain nonnegative integers (only their
 * ratios matter), quotients are compared by cross-multiplying in 128 bits, and where a product
 * can pass 128 bits (Huntington-Hill squares, bound × total weight) in the small 256-bit helpers
 * below. No floating point holds or decides anything.
 *
 * Ties. Every method ranks the same way: by its exact priority (a remainder for Hamilton, the
 * quotient weight / divisor(s) for divisor methods), and between equal priorities the party
 * that comes first in the input wins. Taking seats away ranks in reverse (the last party among
 * equals loses first). Zero-weight parties have priority 0: they get their minimum, and seats
 * nobody else may take (every positive party at its maximum) go to them in input order.
 *
 * Bounds. Divisor methods clamp each party's rounded quotient into [min, max] and use the
 * divisor at which the clamped values add up; this is the same as handing out seats one by one
 * by priority starting from the minimums and skipping parties at their maximum.
 * Hamilton uses the historical US rule: quotas are taken against the whole house; a party whose
 * quota lies below its minimum (or above its maximum) gets that bound and takes no part in the
 * ranking; the others get the floor of their quota and the seats left go by largest remainder.
 * When that rule cannot come out right (the fixed parties took more seats than the remainders
 * can give back, or a maximum leaves more seats than remainders), the quotas are rescaled
 * instead: find μ with Σ clamp(μ·w[i], min[i], max[i]) = seats exactly, then floor those
 * clamped quotas and give the rest by largest remainder.
 *
 * Speed. A divisor method starts from μ above (the bounded quota), rounds every party's
 * quotient by the method and clamps it. That is within one seat of the target per party, so at
 * most n seats are then added or removed through a heap of exact priorities: O(n log n) for any
 * number of seats. */
#include "fenpei/apportion.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/int128.h"

/* ---- 256-bit unsigned helpers: just multiply and compare ---- */

typedef struct u256 {
    uint64_t w[4]; /* little-endian limbs */
} u256;

static u256 u256_of(u128 a)
{
    u256 r = {{(uint64_t)a, (uint64_t)(a >> 64), 0, 0}};
    return r;
}

/* a * b, exact. */
static u256 mul128(u128 a, u128 b)
{
    const uint64_t x[2] = {(uint64_t)a, (uint64_t)(a >> 64)};
    const uint64_t y[2] = {(uint64_t)b, (uint64_t)(b >> 64)};
    u256 r = {{0, 0, 0, 0}};
    for (int i = 0; i < 2; i++) {
        uint64_t carry = 0;
        for (int j = 0; j < 2; j++) {
            u128 t = (u128)x[i] * y[j] + r.w[i + j] + carry;
            r.w[i + j] = (uint64_t)t;
            carry = (uint64_t)(t >> 64);
        }
        r.w[i + 2] = carry;
    }
    return r;
}

/* a * m into *out; returns 1 (and *out undefined) when the product does not fit 256 bits. */
static int mul256_u64(u256 a, uint64_t m, u256 *out)
{
    uint64_t carry = 0;
    for (int i = 0; i < 4; i++) {
        u128 t = (u128)a.w[i] * m + carry;
        out->w[i] = (uint64_t)t;
        carry = (uint64_t)(t >> 64);
    }
    return carry != 0;
}

static int cmp256(u256 a, u256 b)
{
    for (int i = 3; i >= 0; i--) {
        if (a.w[i] != b.w[i])
            return a.w[i] < b.w[i] ? -1 : 1;
    }
    return 0;
}

/* a*b vs c*d for unsigned 128-bit factors: -1, 0, 1. */
static int cmp_products(u128 a, u128 b, u128 c, u128 d)
{
    return cmp256(mul128(a, b), mul128(c, d));
}

static char *u128_str(u128 v, char buf[48])
{
    char *p = buf + 47;
    *p = '\0';
    do {
        *--p = (char)('0' + (int)(v % 10));
        v /= 10;
    } while (v != 0);
    return p;
}

/* ---- names ---- */

static const char *const S_method_names[FP_METHOD_MAX] = {
    [FP_METHOD_CONTROLLED] = "controlled",
    [FP_METHOD_HAMILTON] = "hamilton",
    [FP_METHOD_JEFFERSON] = "jefferson",
    [FP_METHOD_WEBSTER] = "webster",
    [FP_METHOD_HUNTINGTON_HILL] = "huntington-hill",
    [FP_METHOD_ADAMS] = "adams",
};

static const struct {
    const char *name;
    fp_method method;
} S_method_aliases[] = {
    {"dhondt", FP_METHOD_JEFFERSON},
    {"d'hondt", FP_METHOD_JEFFERSON},
    {"sainte-lague", FP_METHOD_WEBSTER},
    {"hh", FP_METHOD_HUNTINGTON_HILL},
};

fp_error fp_method_parse(const char *name, fp_method *out)
{
    if (name == NULL)
        return FP_ERR_ARGUMENT;
    for (int m = 0; m < FP_METHOD_MAX; m++) {
        if (strcasecmp(name, S_method_names[m]) == 0) {
            if (out != NULL)
                *out = (fp_method)m;
            return FP_OK;
        }
    }
    for (size_t i = 0; i < sizeof S_method_aliases / sizeof S_method_aliases[0]; i++) {
        if (strcasecmp(name, S_method_aliases[i].name) == 0) {
            if (out != NULL)
                *out = S_method_aliases[i].method;
            return FP_OK;
        }
    }
    return FP_ERR_ARGUMENT;
}

const char *fp_method_name(fp_method method)
{
    if ((int)method < 0 || method >= FP_METHOD_MAX)
        return "unknown";
    return S_method_names[method];
}

/* ---- diagnostics ---- */

__attribute__((format(printf, 3, 4))) static fp_error fail(fp_diag *diag, fp_error code,
                                                             const char *fmt, ...)
{
    if (diag != NULL) {
        fp_diag_clear(diag);
        diag->code = code;
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(diag->message, sizeof diag->message, fmt, ap);
        va_end(ap);
    }
    return code;
}

/* ---- the problem, normalised ---- */

typedef struct problem {
    fp_method method;
    size_t n;
    const fp_amount *w; /* ≥ 0 */
    u128 seats;
    int64_t *lo;     /* min[i], or 0 */
    int64_t *hi;     /* max[i], or INT64_MAX when unbounded */
    int has_max;     /* max was given */
    int64_t *out;
} problem;

/* A nonnegative int64 as u128 (through uint64_t: GCC's -Wsign-conversion misfires on
 * `u128 += (u128)int64` otherwise). */
static u128 U(int64_t v)
{
    return (u128)(uint64_t)v;
}

static u128 W(const problem *p, size_t i)
{
    return U(p->w[i]);
}

/* ---- divisor-method priorities ----
 * The priority of party i for its seat number k+1 (holding k) is w / D(k): Jefferson
 * D(k) = k+1, Webster k+1/2 (stored doubled: 2w/(2k+1)), Adams k, Huntington-Hill
 * sqrt(k(k+1)) (stored squared: w²/(k(k+1))). A zero denominator with w > 0 is +infinity;
 * a zero weight has priority 0. num and den are < 2^127, so num·den' fits 256 bits. */
typedef struct prio {
    u128 num, den;
} prio;

static prio prio_of(fp_method method, u128 w, u128 k)
{
    prio r = {0, 1};
    if (w == 0)
        return r;
    switch (method) {
    case FP_METHOD_JEFFERSON:
        r.num = w, r.den = k + 1;
        break;
    case FP_METHOD_WEBSTER:
        r.num = w, r.den = 2 * k + 1;
        break;
    case FP_METHOD_ADAMS:
        r.num = w, r.den = k;
        break;
    case FP_METHOD_HUNTINGTON_HILL:
    default:
        r.num = w * w, r.den = k * (k + 1);
        break;
    }
    return r;
}

static int prio_cmp(prio a, prio b)
{
    return cmp_products(a.num, b.den, b.num, a.den);
}

/* Number of seats party's quotient y = num/q earns unbounded: #{k ≥ 0 : D(k) < y}. num < 2^127
 * and q > 0. For Huntington-Hill with m = floor(y), r = num mod q: every k < m counts, k = m
 * counts when m(m+1) < y², i.e. when 2r ≥ q (and r > 0) or m·q·(q−2r) < r². */
static u128 divisor_count(fp_method method, u128 num, u128 q)
{
    if (num == 0)
        return 0;
    u128 m = num / q, r = num % q;
    switch (method) {
    case FP_METHOD_JEFFERSON:
        return (r != 0 ? m + 1 : m) - 1;
    case FP_METHOD_WEBSTER: {
        /* #{k : 2k+1 < 2y} = ceil((2num − q) / 2q) when 2num > q */
        u128 two = 2 * num;
        if (two <= q)
            return 0;
        u128 t = two - q, qq = 2 * q;
        if (qq / 2 != q) /* q ≥ 2^127: cannot happen (q ≤ n·INT64_MAX), stay exact anyway */
            return m;
        return t / qq + (t % qq != 0);
    }
    case FP_METHOD_ADAMS:
        return r != 0 ? m + 1 : m;
    case FP_METHOD_HUNTINGTON_HILL:
    default: {
        if (r != 0 && r >= q - r)
            return m + 1;
        if (m >> 63) /* past any int64 bound: the clamp decides */
            return m;
        u256 lhs;
        if (mul256_u64(mul128(q, q - 2 * r), (uint64_t)m, &lhs))
            return m;
        return cmp256(lhs, mul128(r, r)) < 0 ? m + 1 : m;
    }
    }
}

/* ---- the bounded quota: μ with Σ clamp(μ·w[i], lo[i], hi[i]) = seats ---- */

typedef struct breakpoint {
    u128 a, b; /* value a/b = bound / weight */
    size_t idx;
    int high; /* 0: party leaves its minimum here; 1: it reaches its maximum */
} breakpoint;

static int breakpoint_cmp(const void *pa, const void *pb)
{
    const breakpoint *x = pa, *y = pb;
    int c = cmp_products(x->a, y->b, y->a, x->b);
    if (c != 0)
        return c;
    if (x->high != y->high) /* a party's low breakpoint before its high one when lo = hi */
        return x->high - y->high;
    return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/* Sweep the sorted breakpoints of the piecewise-linear F(μ) = Σ clamp(μ·w[i], lo, hi) until it
 * reaches seats. Requires Σlo ≤ seats < F(∞). μ = *P / *Q with *P ≤ INT64_MAX, *Q > 0. */
static fp_error bounded_quota(const problem *p, u128 *P, u128 *Q)
{
    size_t nb = 0;
    breakpoint *bp = malloc((2 * p->n + 1) * sizeof *bp);
    if (bp == NULL)
        return FP_ERR_NOMEM;
    u128 L = 0, H = 0, Wf = 0;
    for (size_t i = 0; i < p->n; i++) {
        L += U(p->lo[i]);
        if (p->w[i] == 0)
            continue;
        bp[nb++] = (breakpoint){U(p->lo[i]), W(p, i), i, 0};
        if (p->has_max)
            bp[nb++] = (breakpoint){U(p->hi[i]), W(p, i), i, 1};
    }
    qsort(bp, nb, sizeof *bp, breakpoint_cmp);
    u128 pa = 0, pb = 1;
    for (size_t j = 0; j < nb; j++) {
        /* L + H ≤ F(previous) ≤ seats here, so need ≥ 0 */
        u128 need = p->seats - L - H;
        if (cmp_products(bp[j].a, Wf, need, bp[j].b) >= 0) { /* F(a/b) ≥ seats */
            if (Wf == 0) {                                     /* F flat and = seats here */
                *P = pa, *Q = pb;
            } else {
                *P = need, *Q = Wf;
            }
            free(bp);
            return FP_OK;
        }
        size_t i = bp[j].idx;
        if (bp[j].high) {
            H += U(p->hi[i]);
            Wf -= W(p, i);
        } else {
            L -= U(p->lo[i]);
            Wf += W(p, i);
        }
        pa = bp[j].a, pb = bp[j].b;
    }
    free(bp);
    if (Wf == 0)
        return FP_ERR_INTERNAL;
    *P = p->seats - L - H;
    *Q = Wf;
    return FP_OK;
}

/* ---- selection by remainder (Hamilton) ---- */

typedef struct ranked {
    u128 rem;
    size_t idx;
} ranked;

static int ranked_cmp(const void *pa, const void *pb)
{
    const ranked *x = pa, *y = pb;
    if (x->rem != y->rem)
        return x->rem > y->rem ? -1 : 1;
    return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/* Give one more seat to the R first of CAND (sorted by remainder, then input order). */
static void give_by_remainder(const problem *p, ranked *cand, size_t count, u128 R)
{
    qsort(cand, count, sizeof *cand, ranked_cmp);
    for (size_t j = 0; j < count && (u128)j < R; j++)
        p->out[cand[j].idx] += 1;
}

/* The historical rule; returns 1 when it applies (and OUT is filled), 0 to fall back. */
static int hamilton_historical(const problem *p, u128 total, ranked *cand)
{
    size_t count = 0;
    u128 given = 0;
    for (size_t i = 0; i < p->n; i++) {
        u128 num = p->seats * W(p, i); /* quota = num / total */
        u256 n256 = u256_of(num);
        if (cmp256(n256, mul128(U(p->lo[i]), total)) < 0) {
            p->out[i] = p->lo[i];
        } else if (cmp256(n256, mul128(U(p->hi[i]), total)) > 0) {
            p->out[i] = p->hi[i];
        } else {
            p->out[i] = (int64_t)(num / total); /* ≤ hi[i] */
            u128 rem = num % total;
            if (rem != 0)
                cand[count++] = (ranked){rem, i};
        }
        given += U(p->out[i]);
    }
    if (given > p->seats || p->seats - given > (u128)count)
        return 0;
    give_by_remainder(p, cand, count, p->seats - given);
    return 1;
}

/* Hamilton on the bounded quotas μ·w[i] clamped into [lo, hi]. */
static fp_error hamilton_rescaled(const problem *p, u128 P, u128 Q, ranked *cand)
{
    size_t count = 0;
    u128 given = 0;
    for (size_t i = 0; i < p->n; i++) {
        u128 num = P * W(p, i);
        u256 n256 = u256_of(num);
        if (cmp256(n256, mul128(U(p->lo[i]), Q)) <= 0) {
            p->out[i] = p->lo[i];
        } else if (cmp256(n256, mul128(U(p->hi[i]), Q)) >= 0) {
            p->out[i] = p->hi[i];
        } else {
            p->out[i] = (int64_t)(num / Q);
            u128 rem = num % Q;
            if (rem != 0)
                cand[count++] = (ranked){rem, i};
        }
        given += U(p->out[i]);
    }
    if (given > p->seats || p->seats - given > (u128)count)
        return FP_ERR_INTERNAL;
    give_by_remainder(p, cand, count, p->seats - given);
    return FP_OK;
}

/* ---- divisor methods: estimate, then a heap of exact priorities ---- */

typedef struct entry {
    prio key;
    size_t idx;
} entry;

typedef struct heap {
    entry *e;
    size_t len;
    int removing; /* 0: pop the highest priority (first in input among equals);
                     1: pop the lowest (last in input among equals) */
} heap;

/* Does A come out of the heap before B? */
static int heap_before(const heap *h, const entry *a, const entry *b)
{
    int c = prio_cmp(a->key, b->key);
    if (h->removing)
        return c < 0 || (c == 0 && a->idx > b->idx);
    return c > 0 || (c == 0 && a->idx < b->idx);
}

static void heap_push(heap *h, entry x)
{
    size_t i = h->len++;
    while (i > 0) {
        size_t parent = (i - 1) / 2;
        if (!heap_before(h, &x, &h->e[parent]))
            break;
        h->e[i] = h->e[parent];
        i = parent;
    }
    h->e[i] = x;
}

static entry heap_pop(heap *h)
{
    entry top = h->e[0], x = h->e[--h->len];
    size_t i = 0;
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= h->len)
            break;
        if (c + 1 < h->len && heap_before(h, &h->e[c + 1], &h->e[c]))
            c++;
        if (!heap_before(h, &h->e[c], &x))
            break;
        h->e[i] = h->e[c];
        i = c;
    }
    if (h->len > 0)
        h->e[i] = x;
    return top;
}

/* Seats to zero-weight parties, in input order, up to their maxima. */
static u128 give_to_zero_weights(const problem *p, u128 left)
{
    for (size_t i = 0; i < p->n && left > 0; i++) {
        if (p->w[i] != 0)
            continue;
        u128 room = (u128)(p->hi[i] - p->out[i]);
        u128 take = left < room ? left : room;
        p->out[i] += (int64_t)take;
        left -= take;
    }
    return left;
}

static fp_error divisor_method(const problem *p, u128 P, u128 Q)
{
    u128 given = 0;
    for (size_t i = 0; i < p->n; i++) {
        u128 c = divisor_count(p->method, P * W(p, i), Q);
        if (c < U(p->lo[i]))
            c = U(p->lo[i]);
        if (c > U(p->hi[i]))
            c = U(p->hi[i]);
        p->out[i] = (int64_t)c;
        given += c;
    }
    if (given == p->seats)
        return FP_OK;
    heap h = {malloc((p->n ? p->n : 1) * sizeof(entry)), 0, given > p->seats};
    if (h.e == NULL)
        return FP_ERR_NOMEM;
    for (size_t i = 0; i < p->n; i++) {
        if (p->w[i] == 0)
            continue;
        if (!h.removing && p->out[i] < p->hi[i])
            heap_push(&h, (entry){prio_of(p->method, W(p, i), U(p->out[i])), i});
        if (h.removing && p->out[i] > p->lo[i])
            heap_push(&h, (entry){prio_of(p->method, W(p, i), (u128)(p->out[i] - 1)), i});
    }
    u128 diff = h.removing ? given - p->seats : p->seats - given;
    for (; diff > 0 && h.len > 0; diff--) {
        size_t i = heap_pop(&h).idx;
        if (h.removing) {
            p->out[i] -= 1;
            if (p->out[i] > p->lo[i])
                heap_push(&h, (entry){prio_of(p->method, W(p, i), (u128)(p->out[i] - 1)), i});
        } else {
            p->out[i] += 1;
            if (p->out[i] < p->hi[i])
                heap_push(&h, (entry){prio_of(p->method, W(p, i), U(p->out[i])), i});
        }
    }
    int removing = h.removing;
    free(h.e);
    if (diff > 0 && !removing)
        diff = give_to_zero_weights(p, diff);
    return diff == 0 ? FP_OK : FP_ERR_INTERNAL;
}

/* ---- entry point ---- */

fp_error fp_apportion(fp_method method, const fp_amount *weights, size_t n, int64_t seats,
                      const int64_t *min, const int64_t *max, int64_t *out, fp_diag *diag)
{
    char b1[48], b2[48], b3[48];
    if ((int)method <= (int)FP_METHOD_CONTROLLED || (int)method >= (int)FP_METHOD_MAX)
        return fail(diag, FP_ERR_ARGUMENT,
                    "fp_apportion takes hamilton, jefferson, webster, huntington-hill or adams; "
                    "controlled rounding works on whole tables");
    if (seats < 0)
        return fail(diag, FP_ERR_ARGUMENT, "the number of seats is negative (%lld)",
                    (long long)seats);
    if (n > 0 && (weights == NULL || out == NULL))
        return fail(diag, FP_ERR_ARGUMENT, "weights and out must not be NULL");
    if (n > ((size_t)-1) / (2 * sizeof(breakpoint)))
        return fail(diag, FP_ERR_NOMEM, "too many parties (%zu)", n);

    u128 total = 0, sum_lo = 0, sum_hi = 0;
    for (size_t i = 0; i < n; i++) {
        if (weights[i] < 0)
            return fail(diag, FP_ERR_ARGUMENT, "party %zu has a negative weight", i + 1);
        int64_t lo = min ? min[i] : 0, hi = max ? max[i] : INT64_MAX;
        if (lo < 0)
            return fail(diag, FP_ERR_ARGUMENT, "party %zu has a negative minimum (%lld)", i + 1,
                        (long long)lo);
        if (hi < lo)
            return fail(diag, FP_ERR_INFEASIBLE,
                        "party %zu: its maximum %lld is %lld below its minimum %lld", i + 1,
                        (long long)hi, (long long)(lo - hi), (long long)lo);
        total += U(weights[i]);
        sum_lo += U(lo);
        sum_hi += U(hi);
    }
    u128 s = (u128)seats;
    if (sum_lo > s)
        return fail(diag, FP_ERR_INFEASIBLE,
                    "the minimums add up to %s seats, %s more than the %lld to give",
                    u128_str(sum_lo, b1), u128_str(sum_lo - s, b2), (long long)seats);
    if (max != NULL && sum_hi < s)
        return fail(diag, FP_ERR_INFEASIBLE,
                    "the maximums add up to %s seats, %s fewer than the %lld to give",
                    u128_str(sum_hi, b1), u128_str(s - sum_hi, b2), (long long)seats);
    if (n == 0) {
        if (seats == 0)
            return FP_OK;
        return fail(diag, FP_ERR_INFEASIBLE, "there are no parties to give the %lld seats to",
                    (long long)seats);
    }
    if (total == 0 && s != sum_lo)
        return fail(diag, FP_ERR_ARGUMENT,
                    "every weight is zero, so %lld seats cannot be split in proportion",
                    (long long)seats);

    int64_t *lo = malloc(n * sizeof *lo), *hi = malloc(n * sizeof *hi);
    ranked *cand = NULL;
    fp_error err = FP_OK;
    if (lo == NULL || hi == NULL) {
        err = FP_ERR_NOMEM;
        goto done;
    }
    problem p = {method, n, weights, s, lo, hi, max != NULL, out};
    u128 f_inf = 0; /* F(∞): positive weights at their maximum, zero weights at their minimum */
    int f_inf_finite = 1;
    for (size_t i = 0; i < n; i++) {
        lo[i] = min ? min[i] : 0;
        hi[i] = max ? max[i] : INT64_MAX;
        if (weights[i] == 0)
            f_inf += U(lo[i]);
        else if (max == NULL)
            f_inf_finite = 0;
        else
            f_inf += U(hi[i]);
    }

    if (total == 0) { /* seats = Σmin */
        memcpy(out, lo, n * sizeof *out);
        goto done;
    }
    if (method == FP_METHOD_HAMILTON) {
        cand = malloc(n * sizeof *cand);
        if (cand == NULL) {
            err = FP_ERR_NOMEM;
            goto done;
        }
        if (hamilton_historical(&p, total, cand))
            goto done;
    }
    if (f_inf_finite && s >= f_inf) {
        /* every positive party is at its maximum; the rest goes to zero weights in order */
        for (size_t i = 0; i < n; i++)
            out[i] = weights[i] == 0 ? lo[i] : hi[i];
        if (give_to_zero_weights(&p, s - f_inf) != 0)
            err = FP_ERR_INTERNAL;
        goto done;
    }
    u128 P, Q;
    err = bounded_quota(&p, &P, &Q);
    if (err != FP_OK)
        goto done;
    if (method == FP_METHOD_HAMILTON)
        err = hamilton_rescaled(&p, P, Q, cand);
    else
        err = divisor_method(&p, P, Q);

done:
    free(lo);
    free(hi);
    free(cand);
    if (err == FP_ERR_NOMEM)
        return fail(diag, err, "out of memory apportioning %lld seats among %zu parties",
                    (long long)seats, n);
    if (err != FP_OK)
        return fail(diag, err, "apportionment of %s seats by %s failed its own checks",
                    u128_str(s, b3), fp_method_name(method));
    return FP_OK;
}
