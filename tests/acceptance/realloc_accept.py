#!/usr/bin/python3
"""Independent acceptance test of issue 12: `fenpei realloc` with several --set, `fenpei allocate`
and `fenpei compare`, run as a black box against a model written from the issue and the user docs
(docs/realloc.md) only — not from fenpei's source or its own tests.

    /usr/bin/python3 tests/acceptance/realloc_accept.py FENPEI [--seed S] [-n N] [--alloc N]
        [--compare N] [--bf-max K] [-v] [--keep DIR]

Classes of trials (each seeded; the same arguments give the same inputs):

  realloc      random trees (a top row, 2..4 levels, 2..5 categories, 全年应拨付资金合计, mostly
               已提前下达 / 此次下达), 1..4 --set on random units and columns (category and year-total
               sets that cross, nest, or sit side by side), amounts from a hidden new table so that
               most requests hold, some moved to make contradictions; --no-clawback, --min, --fix
               on some runs.  The model: the exact feasibility of the targets and bounds (a rational
               simplex, Fractions), the real-valued table closest to the old one in KL divergence
               (dual coordinate ascent = iterative proportional fitting, floats, to a residual of
               1e-10 of a unit), and on small instances the least total deviation over every
               rounding (branch and bound over floor/ceil of each changed leaf cell).
  allocate     random factor tables (tree or flat, 2..3 factor columns with decimals, decimal weights
               adding to 1, optional --base): each leaf and subtotal within one unit of its exact
               rational amount (Fractions from the decimal text), subtotals exact sums, the total
               exact, the least total deviation (brute force); the documented errors (negative
               factor, missing cell, weights not adding to 1) exit 2 and name the problem.
  compare      two tables of the same tree (the second a reordered, changed copy): per unit and
               column the old, the new and the change in `--format csv`.

Exit status 0 when no check failed (too-close-to-call cases are reported, not counted), 1 otherwise.
"""
import argparse
import csv
import io
import math
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from fractions import Fraction

TOTAL = "全年应拨付资金合计"
ADV = "已提前下达"
BATCH = "此次下达"
CATEGORY_POOL = ["原基本公共卫生项目", "国家应急队伍补充建设和运维保障项目", "医养结合和老年健康服务",
                 "健康素养行动", "中医药健康管理服务项目", "信息化及绩效考核", "甲", "乙"]
FACTOR_POOL = ["常住人口", "管理人数", "绩效得分", "服务人数", "面积"]
SYLL = "东西南北中安平和宁昌泰兴丰乐文武清明新阳"
SUFFIX = ["", "地区", "市", "县", "镇"]

# Numerical tolerances (see README.md): the fit is run until every target and active bound is met
# to RESID (units).  The fitted table is then the exact KL projection for targets perturbed by at
# most RESID, so its figures are within a few RESID (these tables are small and well conditioned)
# of the true ones; CLOSE, 1e-6, leaves a margin of four orders of magnitude.
RESID = 1e-10
CLOSE = 1e-6
SNAP = 1e-8          # a real this close to a whole number is taken as that number (structural)


# ----------------------------------------------------------------------------------------------
# tables

class Node:
    def __init__(self, name, level, parent):
        self.name, self.level, self.parent = name, level, parent
        self.children = []
        self.vals = {}

    def path(self):
        p, n = [], self
        while n is not None:
            p.append(n.name)
            n = n.parent
        return "/".join(reversed(p))

    def leaves(self):
        if not self.children:
            return [self]
        out = []
        for c in self.children:
            out.extend(c.leaves())
        return out

    def subtree(self):
        out = [self]
        for c in self.children:
            out.extend(c.subtree())
        return out

    def is_under(self, other):
        n = self
        while n is not None:
            if n is other:
                return True
            n = n.parent
        return False


def unique_name(rng, used, level):
    while True:
        n = "".join(rng.choice(SYLL) for _ in range(2)) + SUFFIX[min(level, len(SUFFIX) - 1)]
        if n not in used and "合计" not in n and "小计" not in n:
            used.add(n)
            return n


def gen_tree(rng, max_leaves=8, wide=False):
    """A top row 总计 and 2..4 levels in all; returns the rows in pre-order."""
    levels = rng.randint(2, 4)
    used = {"总计"}
    root = Node("总计", 0, None)
    fan = {2: (2, 5), 3: (2, 3), 4: (2, 2)}[levels]
    if wide:
        fan = {2: (8, 25), 3: (3, 6), 4: (2, 4)}[levels]

    def grow(node):
        if node.level == levels - 1:
            return
        k = rng.randint(*fan) if node.level == 0 else rng.randint(1, fan[1])
        for _ in range(k):
            c = Node(unique_name(rng, used, node.level + 1), node.level + 1, node)
            node.children.append(c)
            if rng.random() < 0.8 or c.level == levels - 1:
                grow(c)
    grow(root)
    while len(root.leaves()) > max_leaves:          # prune the last subtrees until small
        victim = root.leaves()[-1]
        victim.parent.children.remove(victim)       # a parent left without rows becomes a leaf
    return root.subtree()


def fill_sums(rows, cols):
    for n in reversed(rows):
        if n.children:
            for c in cols:
                n.vals[c] = sum((ch.vals[c] for ch in n.children), Fraction(0))


def gen_table(rng, wide=False, top=300):
    rows = gen_tree(rng, max_leaves=25 if wide else 8, wide=wide)
    cats = rng.sample(CATEGORY_POOL, rng.randint(2, 5))
    has_adv = rng.random() < 0.85
    for leaf in [n for n in rows if not n.children]:
        while True:
            for c in cats:
                leaf.vals[c] = Fraction(0 if rng.random() < 0.25 else rng.randint(1, top))
            if any(leaf.vals[c] for c in cats):
                break
        leaf.vals[TOTAL] = sum(leaf.vals[c] for c in cats)
        if has_adv:
            leaf.vals[ADV] = Fraction(int(leaf.vals[TOTAL] * Fraction(rng.randint(50, 100), 100)))
            leaf.vals[BATCH] = leaf.vals[TOTAL] - leaf.vals[ADV]
    cols = cats + [TOTAL] + ([ADV, BATCH] if has_adv else [])
    fill_sums(rows, cols)
    return rows, cats, cols


def fmt(v):
    v = Fraction(v)
    if v.denominator == 1:
        return str(v.numerator)
    s = "%.6f" % float(v)                 # only for inputs with a few decimals
    return s.rstrip("0").rstrip(".")


def table_csv(rows, cols, level=True):
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow((["级次"] if level else []) + ["单位"] + cols)
    for n in rows:
        w.writerow(([str(n.level)] if level else []) + [n.name] + [fmt(n.vals[c]) for c in cols])
    return out.getvalue()


def parse_table(text):
    """A canonical table (级次, 单位, categories, 全年应拨付资金合计[, 已提前下达, 此次下达]) as Nodes."""
    lines = read_csv_text(text)
    head = lines[0]
    cols = head[2:]
    cats = cols[:cols.index(TOTAL)]
    rows, stack = [], []
    for line in lines[1:]:
        level = int(line[0])
        while stack and stack[-1].level >= level:
            stack.pop()
        n = Node(line[1], level, stack[-1] if stack else None)
        if n.parent:
            n.parent.children.append(n)
        for c, v in zip(cols, line[2:]):
            n.vals[c] = amount(v)
        rows.append(n)
        stack.append(n)
    return rows, cats, cols


def read_csv_text(text):
    return list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))


def amount(text):
    text = text.strip().replace(",", "")
    if text in ("", "-", "—"):
        return Fraction(0)
    return Fraction(text)


# ----------------------------------------------------------------------------------------------
# exact linear programming (two-phase simplex, Bland's rule, Fractions): min c.x, Ax = b, x >= 0

def simplex(A, b, c):
    """Returns (status, value) with status 'ok' or 'infeasible' (the problems here are bounded).
    Exact: entries stay Python ints while every pivot is +-1 (the matrices here are totally
    unimodular), Fractions otherwise."""
    m, n = len(A), len(c)
    T = []
    for i in range(m):
        sign = -1 if b[i] < 0 else 1
        T.append([sign * v for v in A[i]] + [1 if j == i else 0 for j in range(m)] + [sign * b[i]])
    basis = [n + i for i in range(m)]
    width = n + m + 1

    def pivot(r, col, obj):
        pv = T[r][col]
        if pv == 1:
            pass
        elif pv == -1:
            T[r] = [-v for v in T[r]]
        else:
            T[r] = [Fraction(v) / pv for v in T[r]]
        Tr = T[r]
        nz = [j for j in range(width) if Tr[j] != 0]
        for row in T + [obj]:
            if row is not Tr:
                f = row[col]
                if f != 0:
                    for j in nz:
                        row[j] -= f * Tr[j]
        basis[r] = col

    def run(obj, allowed):
        # obj holds the reduced costs (and minus the objective value in the last place)
        while True:
            col = next((j for j in range(allowed) if obj[j] < 0), None)   # Bland
            if col is None:
                return
            r, ratio = None, None
            for i in range(m):
                if T[i][col] > 0:
                    q = Fraction(T[i][-1]) / T[i][col]
                    if r is None or q < ratio or (q == ratio and basis[i] < basis[r]):
                        r, ratio = i, q
            if r is None:
                raise RuntimeError("unbounded")
            pivot(r, col, obj)

    # phase 1: minimise the artificials
    obj = [0] * width
    for j in range(n):
        obj[j] = -sum(T[i][j] for i in range(m))
    obj[-1] = -sum(T[i][-1] for i in range(m))
    run(obj, n + m)
    if obj[-1] != 0:
        return "infeasible", None
    for i in range(m):
        if basis[i] >= n:
            j = next((j for j in range(n) if T[i][j] != 0), None)
            if j is not None:
                pivot(i, j, obj)
    # phase 2
    obj = list(c) + [0] * (m + 1)
    for i in range(m):
        f = obj[basis[i]]
        if f != 0:
            obj = [a - f * t for a, t in zip(obj, T[i])]
    run(obj, n)
    return "ok", -obj[-1]


# ----------------------------------------------------------------------------------------------
# the realloc model

class Request:
    """A realloc run: sets [(node, col, amount)], bounds, and what the model derives from them."""

    def __init__(self, rows, cats, cols):
        self.rows, self.cats, self.cols = rows, cats, cols
        self.sets = []
        self.no_clawback = False
        self.min = None                  # (col, amount)
        self.fix = []
        self.use_path = {}

    def set_cells(self, node, col):
        return [(l, c) for l in node.leaves() for c in (self.cats if col == TOTAL else [col])]

    def fixed(self, leaf):
        return any(leaf.is_under(f) for f in self.fix)

    def variables(self):
        var = []
        seen = set()
        for node, col, _ in self.sets:
            for cell in self.set_cells(node, col):
                l, c = cell
                if cell in seen or self.fixed(l) or l.vals[c] == 0:
                    continue
                seen.add(cell)
                var.append(cell)
        return var

    def floor_of(self, cell):
        if self.min and cell[1] == self.min[0] and cell[0].vals[cell[1]] != 0:
            return Fraction(self.min[1])
        return Fraction(0)

    def constraints(self, var):
        """Equalities [(indices, rhs)] for the sets, inequalities (>=) for --no-clawback rows."""
        index = {cell: i for i, cell in enumerate(var)}
        eqs = []
        for node, col, amt in self.sets:
            idx, const = [], Fraction(0)
            for cell in self.set_cells(node, col):
                if cell in index:
                    idx.append(index[cell])
                else:
                    const += cell[0].vals[cell[1]]
            eqs.append((idx, Fraction(amt) - const))
        ges = []
        if self.no_clawback:
            for leaf in [n for n in self.rows if not n.children]:
                idx = [index[(leaf, c)] for c in self.cats if (leaf, c) in index]
                if idx:
                    const = sum((leaf.vals[c] for c in self.cats if (leaf, c) not in index), Fraction(0))
                    ges.append((idx, leaf.vals[ADV] - const, leaf))
        return eqs, ges

    def forced_zero(self, var, eqs, ges):
        """The cells (floor 0) that are 0 in every table meeting the request: max x_i = 0 (exact LP)."""
        out = set()
        for i in range(len(var)):
            if self.floor_of(var[i]) == 0:
                st, val = self.lp(var, eqs, ges, maximise=i)
                if st == "ok" and val == 0:
                    out.add(i)
        return out

    def lp(self, var, eqs, ges, move=False, maximise=None):
        """Feasibility (move=False) or the least total move of targets and --no-clawback bounds
        that makes the request hold (move=True), floors held, in exact arithmetic."""
        lows = [self.floor_of(c) for c in var]
        nv = len(var)
        ncol = nv + len(ges) + (2 * len(eqs) + len(ges) if move else 0)
        A, b = [], []
        for k, (idx, rhs) in enumerate(eqs):
            row = [0] * ncol
            for i in idx:
                row[i] = 1
            if move:
                row[nv + len(ges) + 2 * k] = 1
                row[nv + len(ges) + 2 * k + 1] = -1
            A.append(row)
            b.append(rhs - sum(lows[i] for i in idx))
        for k, (idx, rhs, _) in enumerate(ges):
            row = [0] * ncol
            for i in idx:
                row[i] = 1
            row[nv + k] = -1
            if move:
                row[nv + len(ges) + 2 * len(eqs) + k] = 1
            A.append(row)
            b.append(rhs - sum(lows[i] for i in idx))
        cost = [0] * (nv + len(ges)) + [1] * (ncol - nv - len(ges))
        if maximise is not None:
            cost[maximise] = -1
        if not A:
            return "ok", Fraction(0)
        b = [int(v) if Fraction(v).denominator == 1 else Fraction(v) for v in b]
        st, val = simplex(A, b, cost)
        return st, (-val if maximise is not None and val is not None else val)


def solve_piecewise(u, low, rhs):
    """t > 0 with sum(max(low_i, u_i t)) = rhs (u_i > 0); None when rhs <= sum(low) (t would be 0)."""
    if rhs <= sum(low) + 1e-300:
        return None
    if not any(u):
        return None
    bps = sorted((i for i in range(len(u)) if u[i] > 0), key=lambda i: low[i] / u[i])
    # for t in segment k: the cells bps[k:] are above their floors... walk from the top down
    sl = sum(low)
    # active set grows as t grows; go through breakpoints ascending
    active_u = 0.0
    fixed_l = sl
    for j, i in enumerate(bps):
        # on (b_prev, b_i], active cells are bps[:j]
        b_i = low[i] / u[i]
        g_at = fixed_l + active_u * b_i
        if g_at >= rhs and active_u > 0:
            return (rhs - fixed_l) / active_u
        active_u += u[i]
        fixed_l -= low[i]
    return (rhs - fixed_l) / active_u


def solve_linear(H, g):
    """H d = g by Gaussian elimination with partial pivoting; a singular direction gets 0."""
    n = len(g)
    M = [H[i][:] + [g[i]] for i in range(n)]
    piv_cols = []
    r = 0
    for c in range(n):
        p = max(range(r, n), key=lambda i: abs(M[i][c]), default=None)
        if p is None or abs(M[p][c]) < 1e-12 * max(1.0, max(abs(M[i][i]) for i in range(n))):
            continue
        M[r], M[p] = M[p], M[r]
        for i in range(n):
            if i != r and M[i][c] != 0:
                f = M[i][c] / M[r][c]
                M[i] = [a - f * b for a, b in zip(M[i], M[r])]
        piv_cols.append((r, c))
        r += 1
    d = [0.0] * n
    for r, c in piv_cols:
        d[c] = M[r][n] / M[r][c]
    return d


def fit(req, var, eqs, ges, deadline, zero=()):
    """The KL projection: dual coordinate ascent (iterative proportional fitting with floors and
    >= rows), every 10 sweeps a Newton step on the dual kept when it lowers the residual.
    Every cell is x_i = max(floor_i, x0_i * P_i) where P_i is the product of the factors of the
    constraints it is in (a --no-clawback factor never below 1), so the optimality conditions hold
    exactly and only the targets can be missed: by the residual returned.  (x, residual, converged)."""
    x0 = [0.0 if i in zero else float(c[0].vals[c[1]]) for i, c in enumerate(var)]
    low = [float(req.floor_of(c)) for c in var]
    P = [1.0] * len(var)
    cons = [(idx, float(rhs), False, None) for idx, rhs in eqs] + [(idx, float(rhs), True, k) for k, (idx, rhs, _) in enumerate(ges)]
    psi = [1.0] * len(ges)

    def xval(i):
        return max(low[i], x0[i] * P[i])

    def residual():
        r = 0.0
        for idx, rhs, ineq, k in cons:
            g = sum(xval(i) for i in idx)
            scale = max(1.0, abs(rhs) / 1000.0)
            if ineq:
                r = max(r, (rhs - g) / scale, ((g - rhs) if psi[k] > 1.0 + 1e-15 else 0.0) / scale)
            else:
                r = max(r, abs(g - rhs) / scale)
        return r

    def newton():
        act = [c for c in cons if c[0] and (not c[2] or psi[c[3]] > 1.0 + 1e-15
                                            or sum(xval(i) for i in c[0]) < c[1])]
        if not act:
            return
        free = [x0[i] * P[i] > low[i] for i in range(len(var))]
        n = len(act)
        H = [[0.0] * n for _ in range(n)]
        g = [0.0] * n
        sets = [set(c[0]) for c in act]
        for a in range(n):
            g[a] = act[a][1] - sum(xval(i) for i in act[a][0])
            for b in range(n):
                H[a][b] = sum(xval(i) for i in sets[a] & sets[b] if free[i])
        d = solve_linear(H, g)
        before = residual()
        saveP, savepsi = P[:], psi[:]
        step = 1.0
        for _ in range(8):
            for a, c in enumerate(act):
                f = math.exp(max(-30.0, min(30.0, step * d[a])))
                if c[2]:
                    f = max(f, 1.0 / psi[c[3]])
                    psi[c[3]] *= f
                for i in c[0]:
                    P[i] *= f
            if residual() < before:
                return
            P[:], psi[:] = saveP, savepsi
            saveP, savepsi = P[:], psi[:]
            step /= 2

    sweeps = 0
    while True:
        for idx, rhs, ineq, k in cons:
            if not idx:
                continue
            u = [x0[i] * P[i] for i in idx]
            lw = [low[i] for i in idx]
            t = solve_piecewise(u, lw, rhs)
            if t is None:
                # the target leaves these cells nothing above their floors (or 0): push them down
                t = 1e-3
            if ineq:
                t = max(t, 1.0 / psi[k])
                psi[k] *= t
            if t != 1.0:
                for i in idx:
                    P[i] *= t
        sweeps += 1
        if sweeps % 10 == 0:
            newton()
        if sweeps % 5 == 0 or sweeps < 5:
            r = residual()
            if r < RESID:
                return [xval(i) for i in range(len(var))], r, True
            if time.time() > deadline or sweeps > 200000:
                return [xval(i) for i in range(len(var))], r, False


def reals_of(req, var, x):
    """Real value of every figure: {(node, col)} for categories and TOTAL (ADV fixed, BATCH = T-A)."""
    val = {}
    index = {cell: i for i, cell in enumerate(var)}
    for leaf in [n for n in req.rows if not n.children]:
        for c in req.cats:
            val[(leaf, c)] = x[index[(leaf, c)]] if (leaf, c) in index else float(leaf.vals[c])
    for n in reversed(req.rows):
        if n.children:
            for c in req.cats:
                val[(n, c)] = sum(val[(ch, c)] for ch in n.children)
    for n in req.rows:
        val[(n, TOTAL)] = sum(val[(n, c)] for c in req.cats)
    return val


def near_int(r):
    k = round(r)
    return k if abs(r - k) < SNAP else None


def brute_force(req, var, real, bf_max, top_weight=1):
    """Least Σ|figure - real| over cells (every level) and row totals, among the roundings of the
    changed leaf cells to floor/ceil that keep every figure within one unit, every --set and bound.
    top_weight 0 leaves out the top row's category cells (the category totals; see README.md).
    Returns (best, ambiguous) or None when too many free cells."""
    leaves = [n for n in req.rows if not n.children]
    varset = set(var)
    free = [cell for cell in var if near_int(real[cell]) is None]
    if len(free) > bf_max:
        return None
    ambiguous = False
    allowed = {}
    for key, r in real.items():
        k = near_int(r)
        if k is not None:
            allowed[key] = (k, k)
        else:
            if abs(r - round(r)) < CLOSE:
                ambiguous = True
            allowed[key] = (math.floor(r), math.floor(r) + 1)
    setmap = {}
    for node, col, amt in req.sets:
        setmap.setdefault(node, []).append((col, amt))
    last_leaf = {}
    for n in req.rows:
        lv = n.leaves()
        last_leaf.setdefault(lv[-1], []).append(n)
    # ancestors that close at each leaf, innermost first
    order_close = {l: sorted(ns, key=lambda n: -n.level) for l, ns in last_leaf.items()}

    def row_options(leaf):
        cells = [c for c in req.cats if (leaf, c) in varset and near_int(real[(leaf, c)]) is None]
        base = {}
        for c in req.cats:
            if (leaf, c) in varset:
                k = near_int(real[(leaf, c)])
                base[c] = k if k is not None else None
            else:
                base[c] = int(leaf.vals[c])
        opts = []
        for mask in range(1 << len(cells)):
            v = dict(base)
            for j, c in enumerate(cells):
                v[c] = math.floor(real[(leaf, c)]) + ((mask >> j) & 1)
            tot = sum(v[c] for c in req.cats)
            lo, hi = allowed[(leaf, TOTAL)]
            if not lo <= tot <= hi:
                continue
            if req.no_clawback and ADV in req.cols and any((leaf, c) in varset for c in req.cats) and tot < leaf.vals[ADV]:
                continue
            if any(v[c] < req.floor_of((leaf, c)) for c in req.cats if (leaf, c) in varset):
                continue
            ok = True
            for col, amt in setmap.get(leaf, []):
                if (tot if col == TOTAL else v[col]) != amt:
                    ok = False
            if not ok:
                continue
            v[TOTAL] = tot
            cost = sum(abs(v[c] - real[(leaf, c)]) for c in req.cats) + abs(tot - real[(leaf, TOTAL)])
            opts.append((cost, v))
        opts.sort(key=lambda o: o[0])
        return opts

    options = [row_options(l) for l in leaves]
    best = [math.inf]
    assign = {}

    def close(node):
        v = {}
        for c in req.cats + [TOTAL]:
            v[c] = sum(assign[ch][c] for ch in node.children)
            lo, hi = allowed[(node, c)]
            if not lo <= v[c] <= hi:
                return None
        for col, amt in setmap.get(node, []):
            if v[col] != amt:
                return None
        assign[node] = v
        w = top_weight if node.parent is None else 1
        return w * sum(abs(v[c] - real[(node, c)]) for c in req.cats) + abs(v[TOTAL] - real[(node, TOTAL)])

    def dfs(k, cost):
        if cost >= best[0] - 1e-12:
            return
        if k == len(leaves):
            best[0] = cost
            return
        leaf = leaves[k]
        for c0, v in options[k]:
            assign[leaf] = v
            extra = c0
            ok = True
            for anc in order_close.get(leaf, []):
                if anc is leaf:
                    continue
                e = close(anc)
                if e is None:
                    ok = False
                    break
                extra += e
            if ok:
                dfs(k + 1, cost + extra)

    dfs(0, 0.0)
    return best[0], ambiguous


def fenpei_deviation(req, out, real, top_weight=1):
    return sum((top_weight if n.parent is None and c != TOTAL else 1) * abs(float(out[(n, c)]) - real[(n, c)])
               for n in req.rows for c in req.cats + [TOTAL])


def split_int(total, weights):
    """total into whole parts in proportion to weights (largest remainder)."""
    tw = sum(weights)
    q = [Fraction(total) * w / tw for w in weights]
    parts = [math.floor(v) for v in q]
    order = sorted(range(len(q)), key=lambda i: -(q[i] - parts[i]))
    for i in order[:total - sum(parts)]:
        parts[i] += 1
    return parts


def gen_request(rng, cls, bundled=None):
    if cls.startswith("bundled"):
        rows, cats, cols = parse_table(bundled)
    elif cls == "wide":
        rows, cats, cols = gen_table(rng, wide=True, top=5000)
    elif cls == "nested":
        rows, cats, cols = gen_table(rng, top=rng.choice([300, 100000]))
    else:
        rows, cats, cols = gen_table(rng)
    req = Request(rows, cats, cols)
    nonroot = rows[1:]
    k = 1 if cls == "single" else rng.randint(2, 4)
    pairs = set()
    tries = 0
    pair = None
    if cls == "nested":
        # a unit holding nearly all of its parent's column, both set: the rest gets 1..3 units
        cands = []
        for P in rows:
            for D in P.subtree()[1:]:
                for c in cats:
                    rest = [l for l in P.leaves() if not l.is_under(D) and l.vals[c] != 0]
                    if D.vals[c] != 0 and rest:
                        cands.append((P, D, c))
        if cands:
            P, D, c = rng.choice(cands)
            tP = max(4, round(float(P.vals[c]) * rng.uniform(0.7, 1.5)))
            tD = tP - rng.randint(1, 3)
            pair = (P, D, c, tP, tD)
            req.sets += [[P, c, None], [D, c, None]]
            pairs |= {(P, c), (D, c)}
            k = 2 + rng.randint(0, 2)
    while len(req.sets) < k and tries < 200:
        tries += 1
        pattern = rng.random()
        if req.sets and pattern < 0.35:
            # cross or nest with an existing set
            node0, col0, _ = rng.choice(req.sets)
            if col0 == TOTAL:
                col = rng.choice(cats)
            else:
                col = TOTAL if rng.random() < 0.6 else col0
            cand = [n for n in rows if n.is_under(node0) or node0.is_under(n)] or rows
            node = rng.choice(cand)
        else:
            col = TOTAL if rng.random() < 0.35 else rng.choice(cats)
            node = rng.choice(rows if rng.random() < 0.3 else nonroot or rows)
        if (node, col) in pairs or node.vals[col] == 0:
            continue
        pairs.add((node, col))
        req.sets.append([node, col, None])
    bounds = cls in ("bounds", "bundled-bounds")
    if bounds:
        if ADV in cols and rng.random() < 0.6:
            req.no_clawback = True
        if rng.random() < 0.4:
            cand = [n for n in nonroot if not any(s[0].is_under(n) for s in req.sets)]
            if cand:
                req.fix.append(rng.choice(cand))
    # hidden new table on the cells the sets cover
    var = req.variables()
    if bounds and rng.random() < 0.5 and var:
        col = rng.choice(sorted({c for _, c in var}, key=cats.index))
        cap = min([l.vals[col] for l in rows if not l.children and l.vals[col] != 0 and (l, col) not in set(var)]
                  or [Fraction(10 ** 6)])
        typical = sorted(l.vals[col] for l, c in var if c == col)
        hi = min(cap, typical[len(typical) // 2])
        req.min = (col, rng.randint(1, max(1, int(hi))))
    rowf = {l: rng.uniform(0.5, 1.6) for l in rows if not l.children}
    colf = {c: rng.uniform(0.5, 1.6) for c in cats}
    new = {}
    for (l, c) in var:
        v = max(1, round(float(l.vals[c]) * rowf[l] * colf[c] * rng.uniform(0.85, 1.15)))
        v = max(v, int(req.floor_of((l, c))))
        new[(l, c)] = Fraction(v)
    if pair:
        P, D, c, tP, tD = pair
        inD = [l for l in D.leaves() if (l, c) in new]
        rest = [l for l in P.leaves() if not l.is_under(D) and (l, c) in new]
        for group, t in ((inD, tD), (rest, tP - tD)):
            for l, v in zip(group, split_int(t, [new[(l, c)] for l in group])):
                new[(l, c)] = Fraction(v)
    if req.no_clawback:
        for l in [n for n in rows if not n.children]:
            mine = [c for c in cats if (l, c) in new]
            if mine:
                tot = sum(new.get((l, c), l.vals[c]) for c in cats)
                if tot < l.vals[ADV]:
                    new[(l, mine[0])] += l.vals[ADV] - tot
    for s in req.sets:
        node, col, _ = s
        s[2] = sum(new.get(cell, cell[0].vals[cell[1]]) for cell in req.set_cells(node, col))
    if rng.random() < (0.1 if pair else 0.3) and req.sets:
        s = rng.choice(req.sets)
        s[2] = max(0, int(s[2] * Fraction(rng.randint(20, 160), 100)) + rng.choice([-7, -1, 0, 1, 3]))
    for s in req.sets:
        s[2] = Fraction(int(s[2]))
        req.use_path[id(s)] = rng.random() < 0.2
    return req


def set_arg(req, s):
    node, col, amt = s
    unit = node.path() if req.use_path.get(id(s)) else node.name
    return "%s:%s=%d" % (unit, col, int(amt))


def realloc_command(fenpei, req, table, out):
    cmd = [fenpei, "realloc", table]
    for s in req.sets:
        cmd += ["--set", set_arg(req, s)]
    if req.no_clawback:
        cmd.append("--no-clawback")
    if req.min:
        cmd += ["--min", "%s=%d" % (req.min[0], req.min[1])]
    for f in req.fix:
        cmd += ["--fix", f.name]
    cmd += ["-o", out]
    return cmd


def realloc_trial(args, rng, cls, tmp, tag, result, req=None, expect=None):
    """One realloc run checked against the model; expect: {'table': CSV text} or {'gap': N}."""
    if req is None:
        req = gen_request(rng, cls, args.bundled_text)
    expect = expect or {}
    table = os.path.join(tmp, tag + ".csv")
    out = os.path.join(tmp, tag + ".out.csv")
    text = table_csv(req.rows, req.cols)
    with open(table, "w", encoding="utf-8") as fh:
        fh.write(text)
    cmd = realloc_command(args.fenpei, req, table, out)
    var = req.variables()
    eqs, ges = req.constraints(var)
    status, _ = req.lp(var, eqs, ges)
    feasible = status == "ok"
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    repro = "cat > t.csv <<'EOF'\n%sEOF\n%s" % (text, " ".join(shquote(a) for a in
                                                   [os.path.basename(cmd[0])] + cmd[1:2] + ["t.csv"] + cmd[3:-1] + ["new.csv"]))
    sub = cls + ("/feasible" if feasible else "/infeasible")
    fails = []
    close = []
    notes = []
    if "gap" in expect and feasible:
        fails.append("the model finds this request feasible, the docs say it is refused")
    if not feasible:
        if p.returncode != 2:
            fails.append("model says the targets cannot all hold, fenpei exited %d" % p.returncode)
        if os.path.exists(out):
            fails.append("an output file was written for a refused request")
        msg = p.stderr
        if not any(set_arg(req, s).split("=")[0] in msg for s in req.sets) and "--set" not in msg:
            fails.append("the message names no --set: %r" % msg.strip())
        m = re.search(r"by ([0-9][0-9,]*(?:\.[0-9]+)?)", msg)
        if not m:
            fails.append("the message gives no gap ('by N'): %r" % msg.strip())
        else:
            gap = Fraction(m.group(1).replace(",", ""))
            st, least = req.lp(var, eqs, ges, move=True)
            if gap <= 0:
                fails.append("gap %s is not positive" % gap)
            elif st == "ok" and gap > least:
                fails.append("gap %s is larger than the least total move of the targets and "
                             "--no-clawback bounds that makes them hold (%s)" % (gap, least))
            notes.append("gap %s, least move %s" % (gap, least))
            if "gap" in expect and gap != expect["gap"]:
                fails.append("gap %s, the docs show %s" % (gap, expect["gap"]))
        result.add(sub, fails, close, repro, p, notes)
        return
    if p.returncode != 0:
        fails.append("the model finds a table meeting every --set and bound (exact simplex), "
                     "fenpei exited %d: %s" % (p.returncode, p.stderr.strip()))
        result.add(sub, fails, close, repro, p, notes)
        return
    # read the output
    with open(out, encoding="utf-8") as fh:
        got = read_csv_text(fh.read())
    header = got[0]
    exp_header = ["级次", "单位"] + req.cols
    if header != exp_header:
        fails.append("header %r, expected %r" % (header, exp_header))
        result.add(sub, fails, close, repro, p, notes)
        return
    outv = {}
    if len(got) - 1 != len(req.rows):
        fails.append("%d rows written, %d in the input" % (len(got) - 1, len(req.rows)))
        result.add(sub, fails, close, repro, p, notes)
        return
    for n, line in zip(req.rows, got[1:]):
        if line[0] != str(n.level) or line[1] != n.name:
            fails.append("row %r/%r where %r/%r was" % (line[0], line[1], n.level, n.name))
        for c, cell in zip(req.cols, line[2:]):
            outv[(n, c)] = amount(cell)
    if fails:
        result.add(sub, fails, close, repro, p, notes)
        return
    if "table" in expect:
        with open(out, encoding="utf-8") as fh:
            if fh.read() != expect["table"]:
                fails.append("the table differs from the one the docs show")
    # identities
    for n in req.rows:
        if n.children:
            for c in req.cols:
                s = sum(outv[(ch, c)] for ch in n.children)
                if s != outv[(n, c)]:
                    fails.append("%s %s = %s, its rows add up to %s" % (n.name, c, fmt(outv[(n, c)]), fmt(s)))
        s = sum(outv[(n, c)] for c in req.cats)
        if s != outv[(n, TOTAL)]:
            fails.append("%s: %s = %s, its categories add up to %s" % (n.name, TOTAL, fmt(outv[(n, TOTAL)]), fmt(s)))
        if ADV in req.cols:
            if outv[(n, ADV)] != n.vals[ADV]:
                fails.append("%s: %s changed from %s to %s" % (n.name, ADV, fmt(n.vals[ADV]), fmt(outv[(n, ADV)])))
            if outv[(n, TOTAL)] != outv[(n, ADV)] + outv[(n, BATCH)]:
                fails.append("%s: 全年 %s != 已提前下达 %s + 此次下达 %s" % (n.name, fmt(outv[(n, TOTAL)]),
                                                                  fmt(outv[(n, ADV)]), fmt(outv[(n, BATCH)])))
        if outv[(n, TOTAL)] != int(outv[(n, TOTAL)]):
            fails.append("%s: %s not whole" % (n.name, TOTAL))
    # targets and unchanged cells
    for s in req.sets:
        node, col, amt = s
        if outv[(node, col)] != amt:
            fails.append("--set %s not met: %s" % (set_arg(req, s), fmt(outv[(node, col)])))
    varset = set(var)
    for leaf in [n for n in req.rows if not n.children]:
        for c in req.cats:
            if (leaf, c) not in varset and outv[(leaf, c)] != leaf.vals[c]:
                fails.append("%s %s is covered by no --set (or kept by --fix, or 0) and changed %s -> %s"
                             % (leaf.name, c, fmt(leaf.vals[c]), fmt(outv[(leaf, c)])))
        if req.no_clawback and outv[(leaf, TOTAL)] < leaf.vals[ADV]:
            fails.append("--no-clawback: %s 全年 %s < 已提前下达 %s" % (leaf.name, fmt(outv[(leaf, TOTAL)]), fmt(leaf.vals[ADV])))
        if req.min and leaf.vals[req.min[0]] != 0 and outv[(leaf, req.min[0])] < req.min[1]:
            fails.append("--min %s=%d: %s has %s" % (req.min[0], req.min[1], leaf.name, fmt(outv[(leaf, req.min[0])])))
    for f in req.fix:
        for n in f.subtree():
            for c in req.cols:
                if outv[(n, c)] != n.vals[c]:
                    fails.append("--fix %s: %s %s changed %s -> %s" % (f.name, n.name, c, fmt(n.vals[c]), fmt(outv[(n, c)])))
    # the real-valued table
    x, resid, conv = fit(req, var, eqs, ges, time.time() + args.fit_seconds / 2)
    if not conv:
        # a request that holds only with some cells at 0 (docs/realloc.md): the fit can only
        # approach them; find them exactly and fit again with them at 0
        zero = req.forced_zero(var, eqs, ges)
        if zero:
            notes.append("%d cells are 0 in every solution" % len(zero))
            x, resid, conv = fit(req, var, eqs, ges, time.time() + args.fit_seconds / 2, zero)
    if not conv:
        close.append("the model's fit did not reach a residual of %g (%.3g after the time allowed)" % (RESID, resid))
        result.add(sub, fails, close, repro, p, notes)
        return
    real = reals_of(req, var, x)
    worst = 0.0
    for n in req.rows:
        for c in req.cats + [TOTAL]:
            d = abs(float(outv[(n, c)]) - real[(n, c)])
            worst = max(worst, d)
            if d > 1 + CLOSE:
                fails.append("%s %s = %s, the real value is %.6f (%.6f away)" % (n.name, c, fmt(outv[(n, c)]), real[(n, c)], d))
            elif d >= 1 - CLOSE:
                close.append("%s %s = %s against a real value of %.9f" % (n.name, c, fmt(outv[(n, c)]), real[(n, c)]))
    notes.append("largest distance from the real table %.4f" % worst)
    if not fails and not close:
        # Least deviation over every cell (the top row's too) and every row total, as the issue
        # and docs/realloc.md put it.  When that fails, also measured with the top row's category
        # cells (the category totals) left out, the reading of docs/controlled-rounding.md.
        bf = brute_force(req, var, real, args.bf_max, top_weight=1)
        if bf is not None:
            best, ambiguous = bf
            mine = fenpei_deviation(req, outv, real, top_weight=1)
            result.bf["realloc"] = result.bf.get("realloc", 0) + 1
            if best == math.inf:
                close.append("brute force found no rounding (figures near whole numbers)")
            elif mine > best + 1e-5:
                if ambiguous:
                    close.append("deviation %.9f, least %.9f (a real value near a whole number)" % (mine, best))
                else:
                    best0, _ = brute_force(req, var, real, args.bf_max, top_weight=0)
                    mine0 = fenpei_deviation(req, outv, real, top_weight=0)
                    fails.append("total deviation %.6f, but a rounding with %.6f keeps every identity, --set and "
                                 "bound and every figure within one unit (with the top row's category cells left "
                                 "out: %.6f against least %.6f)" % (mine, best, mine0, best0))
            elif mine > best + 1e-9:
                close.append("deviation %.9f against least %.9f" % (mine, best))
    result.add(sub, fails, close, repro, p, notes)


TWO = """级次,单位,甲,乙,丙,全年应拨付资金合计
0,总计,106,106,108,320
1,G1,53,53,54,160
1,G2,53,53,54,160
"""
SENT = """级次,单位,甲,乙,全年应拨付资金合计,已提前下达,此次下达
0,总计,20,20,40,30,10
1,A,10,10,20,15,5
1,B,10,10,20,15,5
"""
ZERO = """级次,单位,甲,乙,全年应拨付资金合计
0,总计,15,10,25
1,A,10,0,10
1,B,5,10,15
"""


def fixed_cases(bundled):
    """The issue's reproducer and the worked examples of docs/realloc.md, as
    (class, table text, [(unit, column, amount)], options, expect)."""
    cases = [
        ("fixed/issue-12", TWO, [("G1", TOTAL, 32), ("G2", TOTAL, 32)], {}, {}),
        ("fixed/docs-two-margins", TWO, [("总计", "甲", 120), ("G1", TOTAL, 200)], {},
         {"table": "级次,单位,甲,乙,丙,全年应拨付资金合计\n0,总计,120,119,121,360\n1,G1,67,66,67,200\n"
                   "1,G2,53,53,54,160\n"}),
        ("fixed/docs-three-margins", SENT, [("总计", "甲", 10), ("A", TOTAL, 5), ("B", TOTAL, 4)], {}, {"gap": 1}),
        ("fixed/docs-no-clawback", SENT, [("总计", "甲", 20), ("A", "乙", 4), ("B", "乙", 4)],
         {"no_clawback": True}, {"gap": 2}),
        ("fixed/docs-no-clawback-off", SENT, [("总计", "甲", 20), ("A", "乙", 4), ("B", "乙", 4)], {}, {}),
        ("fixed/docs-cell-at-0", ZERO, [("总计", "甲", 15), ("A", TOTAL, 15)], {},
         {"table": "级次,单位,甲,乙,全年应拨付资金合计\n0,总计,15,10,25\n1,A,15,0,15\n1,B,0,10,10\n"}),
    ]
    if bundled:
        cases += [
            ("fixed/docs-below-inside", bundled, [("总计", "原基本公共卫生项目", 27000),
                                                  ("喀什地区", "原基本公共卫生项目", 30000)], {}, {"gap": 3000}),
            ("fixed/docs-floors", bundled, [("总计", TOTAL, 20000)], {"no_clawback": True}, {"gap": 5933}),
            ("fixed/docs-27000", bundled, [("地州合计", "原基本公共卫生项目", 27000)], {}, {}),
        ]
    return cases


def fixed_request(table_text, sets, opts):
    rows, cats, cols = parse_table(table_text)
    req = Request(rows, cats, cols)
    byname = {n.name: n for n in rows}
    for unit, col, amt in sets:
        req.sets.append([byname[unit], col, Fraction(amt)])
    req.no_clawback = opts.get("no_clawback", False)
    return req


def shquote(s):
    if re.fullmatch(r"[A-Za-z0-9_./=:,-]+", s):
        return s
    return "'" + s.replace("'", "'\\''") + "'"


# ----------------------------------------------------------------------------------------------
# allocate

def dec_text(rng, lo, hi, places):
    v = Fraction(rng.randint(lo * 10 ** places, hi * 10 ** places), 10 ** places)
    return v, ("%.*f" % (places, float(v)) if places else str(int(v)))


def dec_str(v):
    """The exact decimal text of a Fraction whose denominator divides a power of 10."""
    places = 0
    while (v * 10 ** places).denominator != 1:
        places += 1
    q = v * 10 ** places
    sign = "-" if q < 0 else ""
    digits = str(abs(q.numerator)).rjust(places + 1, "0")
    return sign + (digits[:-places] + "." + digits[-places:] if places else digits)


def gen_factors(rng):
    tree = rng.random() < 0.6
    if tree:
        rows = gen_tree(rng, max_leaves=10)
    else:
        used = set()
        rows = [Node(unique_name(rng, used, 2), 0, None) for _ in range(rng.randint(2, 8))]
    facs = rng.sample(FACTOR_POOL, rng.randint(2, 3))
    texts = {}
    vals = {}
    leaves = [n for n in rows if not n.children]
    for f in facs:
        places = rng.choice([0, 1, 2, 3])
        while True:
            for l in leaves:
                if rng.random() < 0.1:
                    vals[(l, f)], texts[(l, f)] = Fraction(0), "0"
                else:
                    vals[(l, f)], texts[(l, f)] = dec_text(rng, 0, 500, places)
            if any(vals[(l, f)] for l in leaves):
                break
    d = rng.choice([1, 2, 3])
    while True:
        cuts = sorted(rng.sample(range(1, 10 ** d), len(facs) - 1))
        ws = [b - a for a, b in zip([0] + cuts, cuts + [10 ** d])]
        if all(w > 0 for w in ws):
            break
    weights = [Fraction(w, 10 ** d) for w in ws]
    wtext = ",".join("%s=%s" % (f, dec_str(w)) for f, w in zip(facs, weights))
    total = rng.randint(50, 5000)
    base = None
    if rng.random() < 0.4:
        base = rng.randint(0, total // (2 * len(leaves)))
    return rows, facs, vals, texts, weights, wtext, total, base


def factors_csv(rows, facs, texts):
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(["级次", "单位"] + facs)
    for n in rows:
        w.writerow([str(n.level), n.name] + ["" if n.children else texts[(n, f)] for f in facs])
    return out.getvalue()


def allocate_trial(args, rng, tmp, tag, result):
    rows, facs, vals, texts, weights, wtext, total, base = gen_factors(rng)
    leaves = [n for n in rows if not n.children]
    kind = "allocate/ok"
    r = rng.random()
    bad = None
    if r < 0.1:
        kind, bad = "allocate/negative", rng.choice(leaves)
        f = rng.choice(facs)
        texts[(bad, f)] = "-" + (texts[(bad, f)] if vals[(bad, f)] else "3.5")
        bad = (bad, f, texts[(bad, f)])
    elif r < 0.2:
        kind = "allocate/missing"
        l, f = rng.choice(leaves), rng.choice(facs)
        texts[(l, f)] = ""
        bad = (l, f, "")
    elif r < 0.3:
        kind = "allocate/weights"
        delta = Fraction(rng.choice([1, -1]), 10 ** rng.choice([1, 2, 3]))
        weights = list(weights)
        weights[0] += delta
        if weights[0] <= 0:
            weights[0] += 2 * abs(delta)
        wtext = ",".join("%s=%s" % (f, dec_str(w)) for f, w in zip(facs, weights))
        bad = sum(weights)
    text = factors_csv(rows, facs, texts)
    table = os.path.join(tmp, tag + ".csv")
    out = os.path.join(tmp, tag + ".out.csv")
    with open(table, "w", encoding="utf-8") as fh:
        fh.write(text)
    cmd = [args.fenpei, "allocate", table, "--total", str(total), "--weights", wtext]
    if base is not None:
        cmd += ["--base", str(base)]
    cmd += ["-o", out]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    repro = "cat > f.csv <<'EOF'\n%sEOF\n%s" % (text, " ".join(shquote(a) for a in
                                                  ["fenpei", "allocate", "f.csv"] + cmd[3:-1] + ["out.csv"]))
    fails, close, notes = [], [], []
    if kind != "allocate/ok":
        if p.returncode != 2:
            fails.append("exit %d, expected 2" % p.returncode)
        if os.path.exists(out):
            fails.append("an output file was written")
        msg = p.stderr
        if kind in ("allocate/negative", "allocate/missing"):
            l, f, t = bad
            if f not in msg:
                fails.append("the message does not name the column %s: %r" % (f, msg.strip()))
            line = rows.index(l) + 2
            if l.name not in msg and ":%d:" % line not in msg:
                fails.append("the message names neither %s nor line %d: %r" % (l.name, line, msg.strip()))
            if kind == "allocate/negative" and not re.search(r"negative|负", msg):
                fails.append("the message does not say negative: %r" % msg.strip())
            if kind == "allocate/missing" and not re.search(r"empty|missing|no |缺|空", msg):
                fails.append("the message does not say missing/empty: %r" % msg.strip())
        else:
            if not re.search(r"weight|权重", msg) or not re.search(r"\b1\b", msg):
                fails.append("the message does not say the weights must add up to 1: %r" % msg.strip())
        result.add(kind, fails, close, repro, p, notes)
        return
    if p.returncode != 0:
        fails.append("exit %d: %s" % (p.returncode, p.stderr.strip()))
        result.add(kind, fails, close, repro, p, notes)
        return
    with open(out, encoding="utf-8") as fh:
        got = read_csv_text(fh.read())
    col = "分配金额"
    if got[0] != ["级次", "单位"] + facs + [col] or len(got) - 1 != len(rows):
        fails.append("unexpected output shape: header %r, %d rows" % (got[0], len(got) - 1))
        result.add(kind, fails, close, repro, p, notes)
        return
    fig = {}
    for n, line in zip(rows, got[1:]):
        if line[1] != n.name:
            fails.append("row %r where %r was" % (line[1], n.name))
        fig[n] = amount(line[-1])
    rest = Fraction(total) - len(leaves) * Fraction(base or 0)
    sums = {f: sum(vals[(l, f)] for l in leaves) for f in facs}
    exact = {}
    for l in leaves:
        share = sum(w * vals[(l, f)] / sums[f] for f, w in zip(facs, weights))
        exact[l] = Fraction(base or 0) + rest * share
    for n in reversed(rows):
        if n.children:
            exact[n] = sum(exact[c] for c in n.children)
            s = sum(fig[c] for c in n.children)
            if s != fig[n]:
                fails.append("%s = %s, its rows add up to %s" % (n.name, fmt(fig[n]), fmt(s)))
    if sum(fig[l] for l in leaves) != total:
        fails.append("the leaves add up to %s, not --total %d" % (fmt(sum(fig[l] for l in leaves)), total))
    for n in rows:
        e = exact[n]
        if fig[n].denominator != 1:
            fails.append("%s = %s is not whole" % (n.name, fmt(fig[n])))
        if not (fig[n] == e or (e.denominator != 1 and abs(fig[n] - e) < 1)):
            fails.append("%s = %s, exact %s (%.6f): not within one unit" % (n.name, fmt(fig[n]), e, float(e)))
    if not fails and len([l for l in leaves if exact[l].denominator != 1]) <= args.bf_max:
        # least total deviation over leaves and subtotals among roundings within one unit
        best = [None]
        roots = [n for n in rows if n.parent is None]

        def dev(assign):
            d = Fraction(0)
            v = {}
            for n in reversed(rows):
                v[n] = assign[n] if not n.children else sum(v[c] for c in n.children)
                e = exact[n]
                if not (v[n] == e or (e.denominator != 1 and math.floor(e) <= v[n] <= math.floor(e) + 1)):
                    return None
                d += abs(v[n] - e)
            if sum(v[r] for r in roots) != total:
                return None
            return d
        freel = [l for l in leaves if exact[l].denominator != 1]
        lo = sum(math.floor(exact[l]) for l in leaves)
        need = total - lo
        import itertools
        for ups in itertools.combinations(range(len(freel)), need) if 0 <= need <= len(freel) else []:
            a = {l: Fraction(math.floor(exact[l])) for l in leaves}
            for j in ups:
                a[freel[j]] += 1
            d = dev(a)
            if d is not None and (best[0] is None or d < best[0]):
                best[0] = d
        mine = dev(fig)
        result.bf["allocate"] = result.bf.get("allocate", 0) + 1
        if best[0] is not None and mine is not None and mine > best[0]:
            fails.append("total deviation %s (%.6f), a rounding with %s (%.6f) exists" % (mine, float(mine), best[0], float(best[0])))
    result.add(kind, fails, close, repro, p, notes)


# ----------------------------------------------------------------------------------------------
# compare

def compare_trial(args, rng, tmp, tag, result):
    """Two tables of one tree: the new one with other amounts, siblings in another order, maybe a
    leaf dropped and one added; checks old, new, change, % change and the ranks per unit and column."""
    rows, cats, cols = gen_table(rng)
    old_text = table_csv(rows, cols)
    oldv = {(n.path(), c): n.vals[c] for n in rows for c in cols}
    old_leaves = {n.path() for n in rows if not n.children}
    # the new tree: a copy of the old one
    copy = {}
    for n in rows:
        m = Node(n.name, n.level, copy[n.parent] if n.parent else None)
        if m.parent:
            m.parent.children.append(m)
        copy[n] = m
    nrows = [copy[n] for n in rows]
    leaves = [m for m in nrows if not m.children]
    dropped = added = None
    if rng.random() < 0.3:
        cand = [m for m in leaves if m.parent and len(m.parent.children) >= 2]
        if cand:
            dropped = rng.choice(cand)
            dropped.parent.children.remove(dropped)
    if rng.random() < 0.3:
        parent = rng.choice([m for m in nrows if m.children and m is not dropped])
        added = Node(unique_name(rng, {m.name for m in nrows}, parent.level + 1), parent.level + 1, parent)
        parent.children.append(added)
    root = nrows[0]
    for m in root.subtree():
        if not m.children:
            src = next((n for n in rows if copy[n] is m), None)
            for c in cats:
                v = src.vals[c] if src is not None and src.children == [] else Fraction(rng.randint(0, 200))
                if rng.random() < 0.5:
                    v = max(Fraction(0), v + rng.randint(-30, 30))
                m.vals[c] = v
            m.vals[TOTAL] = sum(m.vals[c] for c in cats)
            if ADV in cols:
                m.vals[ADV] = src.vals[ADV] if src is not None and src.children == [] else Fraction(0)
                m.vals[BATCH] = m.vals[TOTAL] - m.vals[ADV]
    newrows = []

    def emit(m):
        newrows.append(m)
        ch = list(m.children)
        rng.shuffle(ch)
        for x in ch:
            emit(x)
    emit(root)
    fill_sums(newrows, cols)
    newv = {(m.path(), c): m.vals[c] for m in newrows for c in cols}
    new_leaves = {m.path() for m in newrows if not m.children}
    new_text = table_csv(newrows, cols)
    a = os.path.join(tmp, tag + ".old.csv")
    b = os.path.join(tmp, tag + ".new.csv")
    with open(a, "w", encoding="utf-8") as fh:
        fh.write(old_text)
    with open(b, "w", encoding="utf-8") as fh:
        fh.write(new_text)
    cmd = [args.fenpei, "compare", a, b, "--format", "csv"]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    repro = ("cat > old.csv <<'EOF'\n%sEOF\ncat > new.csv <<'EOF'\n%sEOF\nfenpei compare old.csv new.csv --format csv"
             % (old_text, new_text))
    fails, close, notes = [], [], []
    cls = "compare" + ("/units-in-one" if dropped or added else "")
    if p.returncode != 0:
        fails.append("exit %d: %s" % (p.returncode, p.stderr.strip()))
        result.add(cls, fails, close, repro, p, notes)
        return
    got = read_csv_text(p.stdout)
    head = got[0]
    need = ["状态", "路径", "列", "原值", "新值", "变动", "变动率", "原排名", "新排名", "排名变化"]
    if any(h not in head for h in need):
        fails.append("the header %r lacks one of %r" % (head, need))
        result.add(cls, fails, close, repro, p, notes)
        return
    ix = {h: head.index(h) for h in need}
    lines = {}
    for line in got[1:]:
        lines[(line[ix["路径"]], line[ix["列"]])] = line

    def rank(values, path, c, leafset):
        v = values[(path, c)]
        larger = [values[(q, c)] for q in leafset if values[(q, c)] > v]
        return {1 + len(larger), 1 + len(set(larger))}     # competition or dense ranking
    for path in sorted(set(k[0] for k in oldv) | set(k[0] for k in newv)):
        for c in cols:
            line = lines.get((path, c))
            if line is None:
                fails.append("no line for %s %s" % (path, c))
                continue
            st = line[ix["状态"]]
            ino, inn = (path, c) in oldv, (path, c) in newv
            if ino and inn:
                o, nw = oldv[(path, c)], newv[(path, c)]
                got3 = (amount(line[ix["原值"]]), amount(line[ix["新值"]]), amount(line[ix["变动"]]))
                if got3 != (o, nw, nw - o):
                    fails.append("%s %s: old/new/change %s/%s/%s, expected %s/%s/%s" % (
                        path, c, line[ix["原值"]], line[ix["新值"]], line[ix["变动"]], fmt(o), fmt(nw), fmt(nw - o)))
                pct = line[ix["变动率"]].strip()
                if o != 0:
                    m = re.fullmatch(r"([+-]?[0-9]+(?:\.[0-9]+)?)%", pct)
                    exact = (nw - o) / o * 100
                    if not m or abs(Fraction(m.group(1)) - exact) > Fraction(1, 200):
                        fails.append("%s %s: %% change %r, exact %.6f%%" % (path, c, pct, float(exact)))
                if path in old_leaves and path in new_leaves:
                    r_o, r_n, r_c = line[ix["原排名"]], line[ix["新排名"]], line[ix["排名变化"]]
                    try:
                        r_o, r_n, r_c = int(r_o), int(r_n), int(r_c)
                    except ValueError:
                        fails.append("%s %s: ranks %r %r %r" % (path, c, r_o, r_n, r_c))
                        continue
                    if r_o not in rank(oldv, path, c, old_leaves) or r_n not in rank(newv, path, c, new_leaves) \
                            or r_c != r_o - r_n:
                        fails.append("%s %s: ranks %d -> %d (%+d); the amounts give %s -> %s" % (
                            path, c, r_o, r_n, r_c, sorted(rank(oldv, path, c, old_leaves)),
                            sorted(rank(newv, path, c, new_leaves))))
            elif ino:
                if st != "仅原表" or amount(line[ix["原值"]]) != oldv[(path, c)]:
                    fails.append("%s %s (only in the old table): %r" % (path, c, line))
            else:
                if st != "仅新表" or amount(line[ix["新值"]]) != newv[(path, c)]:
                    fails.append("%s %s (only in the new table): %r" % (path, c, line))
    result.add(cls, fails, close, repro, p, notes)


# ----------------------------------------------------------------------------------------------

class Result:
    def __init__(self, verbose):
        self.by = {}
        self.failures = []
        self.closes = []
        self.bf = {}
        self.secs = {}
        self.t_last = time.time()
        self.verbose = verbose

    def add(self, cls, fails, close, repro, p, notes):
        t = self.by.setdefault(cls, [0, 0, 0, 0])
        now = time.time()
        self.secs[cls] = self.secs.get(cls, 0.0) + now - self.t_last
        self.t_last = now
        t[0] += 1
        if fails:
            t[2] += 1
            self.failures.append((cls, fails, repro, p))
        elif close:
            t[3] += 1
            self.closes.append((cls, close, repro))
        else:
            t[1] += 1
        if self.verbose and notes:
            print("  %s: %s" % (cls, "; ".join(notes)))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("fenpei")
    ap.add_argument("--seed", type=int, default=12)
    ap.add_argument("-n", type=int, default=200, help="realloc trials (default 200)")
    ap.add_argument("--alloc", type=int, default=None, help="allocate trials (default n/3)")
    ap.add_argument("--compare", type=int, default=None, help="compare trials (default n/10)")
    ap.add_argument("--bf-max", type=int, default=14, help="brute force up to this many free cells")
    ap.add_argument("--fit-seconds", type=float, default=5.0)
    ap.add_argument("--bundled", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                                                      "allocations", "xinjiang-2024-basic-public-health-batch2.csv"),
                    help="the bundled table for the bundled classes ('none': leave them out)")
    ap.add_argument("--keep", help="write the inputs here instead of a temporary folder")
    ap.add_argument("--only", help="run only the realloc runs of this class (e.g. nested), with the same inputs")
    ap.add_argument("-v", action="store_true")
    args = ap.parse_args()
    args.fenpei = os.path.abspath(args.fenpei)
    args.bundled_text = None
    if args.bundled != "none" and os.path.exists(args.bundled):
        with open(args.bundled, encoding="utf-8") as fh:
            args.bundled_text = fh.read().lstrip("\ufeff")
    n_alloc = args.alloc if args.alloc is not None else args.n // 3
    n_cmp = args.compare if args.compare is not None else args.n // 10
    res = Result(args.v)
    t0 = time.time()
    with tempfile.TemporaryDirectory() as tmpd:
        tmp = args.keep or tmpd
        os.makedirs(tmp, exist_ok=True)
        for k, (cls, text, sets, opts, expect) in enumerate(fixed_cases(args.bundled_text)):
            realloc_trial(args, None, cls, tmp, "f%02d" % k, res, fixed_request(text, sets, opts), expect)
        classes = ["single", "multi", "multi", "multi", "bounds", "bounds", "nested", "wide"]
        if args.bundled_text:
            classes += ["bundled", "bundled-bounds"]
        for i in range(args.n):
            rng = random.Random("realloc/%d/%d" % (args.seed, i))
            cls = rng.choice(classes)
            if args.only and not cls.startswith(args.only):
                continue
            realloc_trial(args, rng, cls, tmp, "r%04d" % i, res)
        for i in range(n_alloc):
            rng = random.Random("allocate/%d/%d" % (args.seed, i))
            allocate_trial(args, rng, tmp, "a%04d" % i, res)
        for i in range(n_cmp):
            rng = random.Random("compare/%d/%d" % (args.seed, i))
            compare_trial(args, rng, tmp, "c%04d" % i, res)
    for cls, fails, repro, p in res.failures:
        print("FAIL %s" % cls)
        for f in fails[:8]:
            print("  - " + f)
        if len(fails) > 8:
            print("  - … and %d more" % (len(fails) - 8))
        print("  reproducer:\n    " + repro.replace("\n", "\n    "))
        print("  fenpei exit %d; stderr: %s" % (p.returncode, p.stderr.strip()[:600]))
    if args.v:
        for cls, close, repro in res.closes:
            print("CLOSE %s: %s\n    %s" % (cls, close[0], repro.replace("\n", "\n    ")))
    print("seed %d, %.1f s; least deviation checked by brute force: realloc %d, allocate %d"
          % (args.seed, time.time() - t0, res.bf.get("realloc", 0), res.bf.get("allocate", 0)))
    print("%-34s %7s %7s %7s %7s %8s" % ("class", "trials", "passed", "failed", "close", "seconds"))
    tot = [0, 0, 0, 0]
    for cls in sorted(res.by):
        t = res.by[cls]
        print("%-34s %7d %7d %7d %7d %8.1f" % (cls, t[0], t[1], t[2], t[3], res.secs[cls]))
        tot = [a + b for a, b in zip(tot, t)]
    print("%-34s %7d %7d %7d %7d" % ("all", tot[0], tot[1], tot[2], tot[3]))
    return 1 if tot[2] else 0


if __name__ == "__main__":
    sys.exit(main())
