#!/usr/bin/python3
"""Seeded random faults in an allocation table, for an audit tool we did not write.

Written from issue 16's description of the fault kinds and docs/domain.md only (without reading
fenpei's cause engine, readers or their tests). Each case is the bundled table with one fault, as
(a) a canonical CSV (级次 column) and (b) the notice layout as copied out of a PDF (tab-separated,
no 级次, title, 单位：万元, header, subtotal rows print 0 where their rows print blank), plus a
ground-truth JSON: the kind, the cells or rows changed with their original values, the original table.

    /usr/bin/python3 tests/acceptance/faults.py -o OUT [-n 60] [--seed 16] [--kinds a,b] [--clean 60]
        [--furniture] [--table allocations/xinjiang-2024-basic-public-health-batch2.csv]

OUT/KIND/NNN.csv, OUT/KIND/NNN.txt, OUT/KIND/NNN.json; OUT/clean/NNN.txt (+ .json); OUT/manifest.json.
Same arguments, same bytes out.  Standard library only.
"""
import argparse
import csv
import io
import json
import os
import random
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
DEFAULT_TABLE = os.path.join(ROOT, "allocations", "xinjiang-2024-basic-public-health-batch2.csv")
TITLE = "2024年自治区基本公共卫生服务补助资金（第二批）分配表"
KINDS = ["typo", "transposition", "sign", "missing-row", "extra-row", "misplaced-cell",
         "subtotal-residue", "label-shift"]
N_CATEGORIES = 6  # the first six amount columns are the categories of 全年应拨付资金合计


class Table:
    """The canonical table: header (级次, 单位, amounts…) and rows [level, name, amounts…] as text."""

    def __init__(self, header, rows):
        self.header = header
        self.rows = rows

    @staticmethod
    def read(path):
        with open(path, encoding="utf-8-sig", newline="") as f:
            data = list(csv.reader(f))
        header, body = data[0], [r for r in data[1:] if r]
        rows = [[int(r[0]), r[1]] + r[2:] for r in body]
        return Table(header, rows)

    def copy(self):
        return Table(list(self.header), [list(r) for r in self.rows])

    @property
    def amount_columns(self):
        return self.header[2:]

    def has_children(self, i):
        return i + 1 < len(self.rows) and self.rows[i + 1][0] > self.rows[i][0]

    def block_end(self, i):
        """Index one past the last row under row i."""
        j = i + 1
        while j < len(self.rows) and self.rows[j][0] > self.rows[i][0]:
            j += 1
        return j

    def csv_text(self):
        out = io.StringIO()
        w = csv.writer(out, lineterminator="\n")
        w.writerow(self.header)
        for r in self.rows:
            w.writerow([str(r[0]), r[1]] + r[2:])
        return out.getvalue()

    def as_json(self):
        return {"header": self.header, "rows": [[r[0], r[1]] + r[2:] for r in self.rows]}


def is_zero(text):
    t = text.strip()
    if t in ("", "-", "—"):
        return True
    try:
        return float(t) == 0.0  # only to recognise a printed zero, never to compute money
    except ValueError:
        return False


def notice_name(table, i, name):
    # the notice prints the grand total as 总计： (domain.md's example)
    if table.rows[i][0] == 0 and name == "总计":
        return "总计："
    return name


def notice_row(table, i, name=None, subtotal=None):
    """One data line of the notice layout: units print a blank for 0, subtotals print 0."""
    r = table.rows[i]
    if subtotal is None:
        subtotal = table.has_children(i)
    cells = []
    for v in r[2:]:
        cells.append(("0" if subtotal else "") if is_zero(v) else v)
    return "\t".join([notice_name(table, i, r[1] if name is None else name)] + cells)


def notice_header(table, variant=None):
    cols = list(table.amount_columns)
    if variant is not None:
        cols[variant[0]] = variant[1]
    return "\t".join(["拨款单位"] + cols)


HEADER_VARIANTS = {
    "中医药健康管理服务项目": "中医药健康管理服务建设项目",
    "原基本公共卫生项目": "原基本公共卫生服务项目",
    "医养结合和老年健康服务": "医养结合与老年健康服务",
    "信息化及绩效考核": "信息化建设及绩效考核",
    "全年应拨付资金合计": "全年应拨付资金",
}


def page_break(rng, table, page_no):
    """Lines printed between two pages: page number, then the next page's top."""
    lines = ["— %d —" % page_no]
    top = []
    if rng.random() < 0.4:
        top.append("续表")
    if rng.random() < 0.5:
        top.append(TITLE)
    choice = rng.random()
    if choice < 0.35:
        # the name column's header and the unit on one line, the other cells empty
        top.append("\t".join(["拨款单位", "单位：万元"] + [""] * (len(table.amount_columns) - 1)))
    elif choice < 0.75:
        top.append("单位：万元")
    if rng.random() < 0.5:
        cols = [c for c in table.amount_columns if c in HEADER_VARIANTS]
        c = rng.choice(cols)
        top.append(notice_header(table, (table.amount_columns.index(c), HEADER_VARIANTS[c])))
    else:
        top.append(notice_header(table))
    return lines + top


def notice_text(table, rng=None, furniture=False, names=None, subtotal_flags=None, skip=None):
    """The notice text and, for each row index, its 1-based line (None if not printed)."""
    lines = [TITLE, "单位：万元", notice_header(table)]
    line_of = [None] * len(table.rows)
    breaks = set()
    if furniture:
        nb = rng.randint(1, 4)
        breaks = set(rng.sample(range(3, len(table.rows) - 1), nb))
    page = 1
    for i in range(len(table.rows)):
        if i in breaks:
            page += 1
            lines.extend(page_break(rng, table, page - 1))
        if skip is not None and i in skip:
            continue
        name = None if names is None else names[i]
        sub = None if subtotal_flags is None else subtotal_flags[i]
        lines.append(notice_row(table, i, name, sub))
        line_of[i] = len(lines)
    if furniture:
        lines.append("— %d —" % page)
    return "\n".join(lines) + "\n", line_of


# ---------------------------------------------------------------- the faults

def digit_positions(v):
    return [k for k, ch in enumerate(v) if ch.isdigit()]


def fault_typo(rng, t):
    cands = [(i, c) for i in range(len(t.rows)) for c in range(len(t.amount_columns))
             if not is_zero(t.rows[i][2 + c])]
    i, c = rng.choice(cands)
    v = t.rows[i][2 + c]
    while True:
        k = rng.choice(digit_positions(v))
        d = rng.choice([x for x in "0123456789" if x != v[k]])
        nv = v[:k] + d + v[k + 1:]
        body = nv.lstrip("-")
        if (len(body) > 1 and body[0] == "0" and body[1] != ".") or is_zero(nv):
            continue
        return [(i, c, nv)], "digit"


def fault_transposition(rng, t):
    cands = []
    for i in range(len(t.rows)):
        for c in range(len(t.amount_columns)):
            v = t.rows[i][2 + c]
            for k in range(len(v) - 1):
                if v[k].isdigit() and v[k + 1].isdigit() and v[k] != v[k + 1]:
                    nv = v[:k] + v[k + 1] + v[k] + v[k + 2:]
                    body = nv.lstrip("-")
                    if body[0] == "0" and len(body) > 1 and body[1] != ".":
                        continue
                    cands.append((i, c, nv))
    i, c, nv = rng.choice(cands)
    return [(i, c, nv)], "transposition"


def fault_sign(rng, t):
    cands = [(i, c) for i in range(len(t.rows)) for c in range(len(t.amount_columns))
             if not is_zero(t.rows[i][2 + c])]
    i, c = rng.choice(cands)
    v = t.rows[i][2 + c]
    return [(i, c, v[1:] if v.startswith("-") else "-" + v)], "sign"


def fault_misplaced(rng, t):
    """A value moved to the neighbouring column (which was empty); its own cell left empty."""
    cands = []
    for i in range(len(t.rows)):
        for c in range(len(t.amount_columns)):
            if is_zero(t.rows[i][2 + c]):
                continue
            for d in (-1, 1):
                if 0 <= c + d < len(t.amount_columns) and is_zero(t.rows[i][2 + c + d]):
                    cands.append((i, c, c + d))
    i, c, c2 = rng.choice(cands)
    v = t.rows[i][2 + c]
    return [(i, c, "0"), (i, c2, v)], "left" if c2 < c else "right"


def fault_subtotal_residue(rng, t):
    """A 地州 row whose k category cells are each 1 higher, its 全年 and its 此次下达 k higher
    (1 when k = 1): the row itself consistent; its counties and its parents unchanged."""
    dz = [i for i, r in enumerate(t.rows) if r[0] == 2 and t.has_children(i)]
    i = rng.choice(dz)
    k = rng.randint(1, 3)
    nonzero = [c for c in range(N_CATEGORIES) if not is_zero(t.rows[i][2 + c])]
    zero = [c for c in range(N_CATEGORIES) if is_zero(t.rows[i][2 + c])]
    rng.shuffle(nonzero)
    rng.shuffle(zero)
    cats = sorted((nonzero + zero)[:k])
    total_c = N_CATEGORIES
    batch_c = len(t.amount_columns) - 1
    changes = []
    for c in cats:
        changes.append((i, c, str(int(t.rows[i][2 + c]) + 1)))
    # the row stays consistent: 全年 = Σ categories and 全年 = 已提前下达 + 此次下达 still hold,
    # so 全年 and 此次下达 each rise by k (by 1 when k = 1)
    for c in (total_c, batch_c):
        changes.append((i, c, str(int(t.rows[i][2 + c]) + k)))
    return changes, "k=%d" % k


def label_shift_run(rng, t):
    """(start, length, first-name mode) of a run inside one 地州 block."""
    dz = [i for i, r in enumerate(t.rows) if r[0] == 2 and t.has_children(i)]
    b = rng.choice(dz)
    e = t.block_end(b)  # rows b .. e-1
    s = rng.randrange(b, e - 1)
    length = rng.randint(2, e - s)
    mode = rng.choice(["empty", "previous"])
    return s, length, mode


# ---------------------------------------------------------------- cases

def make_case(kind, rng, orig, furniture):
    t = orig.copy()
    truth = {"kind": kind}
    cols = t.amount_columns
    skip = None
    names = None
    subtotal_flags = [orig.has_children(i) for i in range(len(orig.rows))]
    row_map = list(range(len(orig.rows)))  # faulted row index -> original row index
    if kind in ("typo", "transposition", "sign", "misplaced-cell", "subtotal-residue"):
        fn = {"typo": fault_typo, "transposition": fault_transposition, "sign": fault_sign,
              "misplaced-cell": fault_misplaced, "subtotal-residue": fault_subtotal_residue}[kind]
        changes, sub = fn(rng, t)
        truth["subkind"] = sub
        truth["changes"] = []
        for i, c, nv in changes:
            truth["changes"].append({"row": i, "csv_line": i + 2, "unit": t.rows[i][1],
                                     "column": cols[c], "original": t.rows[i][2 + c],
                                     "faulted": nv})
            t.rows[i][2 + c] = nv
    elif kind == "missing-row":
        cands = [i for i, r in enumerate(t.rows) if r[0] == 3 and not r[1].startswith("其中")]
        i = rng.choice(cands)
        parent = max(j for j in range(i) if t.rows[j][0] == 2)
        truth["removed"] = {"row": i, "original_csv_line": i + 2, "unit": t.rows[i][1],
                            "parent": t.rows[parent][1],
                            "values": dict(zip(cols, t.rows[i][2:]))}
        del t.rows[i]
        del row_map[i]
        del subtotal_flags[i]
        truth["removed"]["next_csv_line"] = i + 2 if i < len(t.rows) else None
    elif kind == "extra-row":
        cands = [i for i in range(len(t.rows)) if not t.has_children(i)]
        i = rng.choice(cands)
        t.rows.insert(i + 1, list(t.rows[i]))
        row_map.insert(i + 1, i)
        subtotal_flags.insert(i + 1, subtotal_flags[i])
        truth["duplicate"] = {"row": i, "unit": t.rows[i][1], "csv_lines": [i + 2, i + 3]}
    elif kind == "label-shift":
        s, length, mode = label_shift_run(rng, t)
        names = [r[1] for r in t.rows]
        new = list(names)
        new[s] = "" if mode == "empty" else names[s - 1]
        for j in range(s + 1, s + length):
            new[j] = names[j - 1]
        names = new
        truth["subkind"] = mode
        truth["run"] = {"start_row": s, "length": length, "lost_name": t.rows[s + length - 1][1],
                        "starts_at_prefecture": t.has_children(s)}
        truth["renames"] = [{"row": j, "unit_stated": new[j], "original": t.rows[j][1],
                             "level": t.rows[j][0]} for j in range(s, s + length)]
    else:
        raise ValueError(kind)

    # the notice text of the faulted table; a duplicated row prints like its original
    nt = Table(t.header, t.rows)
    txt, line_of = notice_text(nt, rng, furniture, names, subtotal_flags)
    csv_text = None if kind == "label-shift" else t.csv_text()

    # line numbers of the changed rows in both files
    for ch in truth.get("changes", []):
        ch["txt_line"] = line_of[ch["row"]]
    if kind == "missing-row":
        i = truth["removed"]["row"]
        truth["removed"]["next_txt_line"] = line_of[i] if i < len(line_of) else None
    if kind == "extra-row":
        i = truth["duplicate"]["row"]
        truth["duplicate"]["txt_lines"] = [line_of[i], line_of[i + 1]]
    if kind == "label-shift":
        for rn in truth["renames"]:
            rn["txt_line"] = line_of[rn["row"]]
    truth["original"] = orig.as_json()
    return csv_text, txt, truth


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-o", "--out", required=True, help="output folder (created)")
    ap.add_argument("-n", type=int, default=60, help="cases per kind (default 60)")
    ap.add_argument("--seed", type=int, default=16)
    ap.add_argument("--kinds", default=",".join(KINDS), help="comma-separated: " + ",".join(KINDS))
    ap.add_argument("--clean", type=int, default=None, metavar="N",
                    help="N clean notice-layout controls with page furniture (default: n)")
    ap.add_argument("--furniture", action="store_true",
                    help="page breaks with furniture in the faulted notice texts too")
    ap.add_argument("--table", default=DEFAULT_TABLE)
    a = ap.parse_args(argv)
    orig = Table.read(a.table)
    kinds = [k for k in a.kinds.split(",") if k]
    for k in kinds:
        if k not in KINDS:
            ap.error("unknown kind %r" % k)
    os.makedirs(a.out, exist_ok=True)
    manifest = {"table": os.path.relpath(a.table, ROOT) if a.table.startswith(ROOT) else a.table,
                "seed": a.seed, "n": a.n, "furniture": a.furniture, "kinds": {}, "clean": []}
    for kind in kinds:
        d = os.path.join(a.out, kind)
        os.makedirs(d, exist_ok=True)
        manifest["kinds"][kind] = []
        for n in range(a.n):
            rng = random.Random("%d/%s/%d" % (a.seed, kind, n))
            csv_text, txt, truth = make_case(kind, rng, orig, a.furniture)
            base = os.path.join(d, "%03d" % n)
            truth["case"] = "%s/%03d" % (kind, n)
            truth["files"] = {"txt": base + ".txt"}
            with open(base + ".txt", "w", encoding="utf-8", newline="") as f:
                f.write(txt)
            if csv_text is not None:
                truth["files"]["csv"] = base + ".csv"
                with open(base + ".csv", "w", encoding="utf-8", newline="") as f:
                    f.write(csv_text)
            truth["files"] = {k: os.path.basename(v) for k, v in truth["files"].items()}
            with open(base + ".json", "w", encoding="utf-8") as f:
                json.dump(truth, f, ensure_ascii=False, indent=1)
                f.write("\n")
            manifest["kinds"][kind].append(truth["case"])
    nclean = a.n if a.clean is None else a.clean
    if nclean:
        d = os.path.join(a.out, "clean")
        os.makedirs(d, exist_ok=True)
        for n in range(nclean):
            rng = random.Random("%d/clean/%d" % (a.seed, n))
            txt, _ = notice_text(orig, rng, True)
            base = os.path.join(d, "%03d" % n)
            with open(base + ".txt", "w", encoding="utf-8", newline="") as f:
                f.write(txt)
            with open(base + ".json", "w", encoding="utf-8") as f:
                json.dump({"kind": "clean", "case": "clean/%03d" % n, "files": {"txt": "%03d.txt" % n},
                           "original": orig.as_json()}, f, ensure_ascii=False, indent=1)
                f.write("\n")
            manifest["clean"].append("clean/%03d" % n)
    with open(os.path.join(a.out, "manifest.json"), "w", encoding="utf-8") as f:
        json.dump(manifest, f, ensure_ascii=False, indent=1)
        f.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
